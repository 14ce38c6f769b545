#!/usr/bin/env bash
# Builds the Debian package leernetwerk_<version>_<arch>.deb with CPack and prints its path.
#   scripts/build-package.sh                  an optimised build in build-package/
#   scripts/build-package.sh --build-dir DIR  packages what DIR has built already (the tests)
# The Containerfile runs this same script.
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=build-package
reuse=false
while [ $# -gt 0 ]; do
    case "$1" in
        --build-dir) build_dir=$2; reuse=true; shift 2 ;;
        *) echo "usage: $0 [--build-dir DIR]" >&2; exit 2 ;;
    esac
done

if [ "$reuse" = false ]; then
    ./scripts/install-deps.sh
    cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
        -DLEERNETWERK_BUILD_TESTS=OFF -DLEERNETWERK_BUILD_BENCH=OFF >/dev/null
    cmake --build "$build_dir" -j "$(nproc 2>/dev/null || echo 2)" --target leernetwerk
fi
rm -rf "$build_dir/packages"
(cd "$build_dir" && cpack -G DEB >/dev/null)
ls "$build_dir"/packages/leernetwerk_*.deb
