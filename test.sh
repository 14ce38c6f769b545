#!/usr/bin/env bash
# Installs what is missing (apt), builds everything and runs the whole test suite twice: a normal
# build in build/, and an AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/.
# Set LEERNETWERK_SKIP_SANITIZE=1 to run the normal build only (quicker while developing).
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)

run_suite() {
    local dir=$1
    shift
    cmake -S . -B "$dir" -G Ninja -DLEERNETWERK_BUILD_TESTS=ON "$@" >/dev/null
    cmake --build "$dir" -j "$jobs"
    ctest --test-dir "$dir" -j "$jobs" --output-on-failure
}

run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLEERNETWERK_SANITIZE=OFF
if [ "${LEERNETWERK_SKIP_SANITIZE:-0}" != "1" ]; then
    ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
        run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DLEERNETWERK_SANITIZE=ON
fi
