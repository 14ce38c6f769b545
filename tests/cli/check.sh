# shellcheck shell=bash
# Sourced by the command-line test scripts: `check <description> <command...>` counts a passed or
# failed check (naming the failed one on stderr), and `finish <suite>` prints the tally and
# exits non-zero when a check failed.
passed=0
failed=0

check() {
    local what=$1
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAILED: $what" >&2
    fi
}

finish() {
    echo "$1: $passed passed, $failed failed"
    test "$failed" -eq 0
}
