#!/usr/bin/env bash
# Installs what is missing (apt), builds, and starts the bot's main job. With no arguments: the
# console chat with the demo network on data/demo.db. Any arguments are passed to `leernetwerk`,
# e.g. ./run.sh serve --config /etc/leernetwerk/leernetwerk.toml
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEERNETWERK_BUILD_TESTS=OFF >/dev/null
cmake --build build --target leernetwerk >&2

if [ $# -eq 0 ]; then
    exec ./build/leernetwerk console --demo
fi
exec ./build/leernetwerk "$@"
