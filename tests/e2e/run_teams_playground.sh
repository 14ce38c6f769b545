#!/usr/bin/env bash
# End to end against Microsoft's Teams test peer (@microsoft/m365agentsplayground, headless).
# Usage: run_teams_playground.sh <path to leernetwerk>
# The npm packages install into tests/e2e/node_modules (git-ignored). Exit 77 (ctest: skipped)
# with a clear message only when npm cannot reach its registry.
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$1
if [ ! -f "$here/node_modules/@microsoft/m365agentsplayground/cli.js" ] || [ ! -d "$here/node_modules/ws" ]; then
    if ! command -v npm >/dev/null 2>&1; then
        echo "SKIPPED: npm is not installed, so the Teams playground cannot be installed" >&2
        exit 77
    fi
    if ! (cd "$here" && npm install --no-save --no-audit --no-fund --no-package-lock \
            @microsoft/m365agentsplayground@0.2.28 ws@8 >npm-install.log 2>&1); then
        echo "SKIPPED: npm could not install @microsoft/m365agentsplayground (registry unreachable?):" >&2
        tail -5 "$here/npm-install.log" >&2
        exit 77
    fi
fi
exec node "$here/teams_playground.mjs" "$bin"
