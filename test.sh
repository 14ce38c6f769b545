#!/usr/bin/env bash
# Installs what is missing (apt), builds everything with AddressSanitizer and
# UndefinedBehaviorSanitizer (Debug, in build-test/) and runs the whole test suite with ctest:
# unit and conversation tests, the Teams adapter against a scripted connector, the end-to-end test
# against Microsoft's Teams playground (npm), the Matrix test peer, the fault rig, the crash test,
# the anonymity forensics, the CLI and a bench smoke run.
# One sanitized build keeps the run well within CI's time on two cores; ./run.sh builds the
# optimised binary separately. LEERNETWERK_TEST_BUILD_TYPE=RelWithDebInfo LEERNETWERK_SANITIZE=OFF
# give a plain build instead.
set -euo pipefail
cd "$(dirname "$0")"

./scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
build_type=${LEERNETWERK_TEST_BUILD_TYPE:-Debug}
sanitize=${LEERNETWERK_SANITIZE:-ON}

cmake -S . -B build-test -G Ninja -DLEERNETWERK_BUILD_TESTS=ON \
    -DCMAKE_BUILD_TYPE="$build_type" -DLEERNETWERK_SANITIZE="$sanitize" >/dev/null
cmake --build build-test -j "$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-test -j "$jobs" --output-on-failure
