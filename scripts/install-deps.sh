#!/usr/bin/env bash
# Installs the Debian 12 packages the build and the tests need. Safe to run again: it only
# calls apt-get when a package is missing. Needs root (or sudo) on a fresh machine.
set -euo pipefail

packages=(
    build-essential cmake pkg-config ninja-build git ca-certificates tzdata
    libboost1.81-dev libboost-url1.81-dev libssl-dev
    nlohmann-json3-dev libsqlite3-dev libstemmer-dev
    libhowardhinnant-date-dev libtomlplusplus-dev libexpected-dev
    libcli11-dev libspdlog-dev libical-dev libxlsxwriter-dev catch2 zlib1g-dev
    python3-jsonschema python3-yaml
    systemd   # systemd-analyze, to verify the packaged units in the tests
)

# Node.js and npm run the Teams test peer. Machines that have them already (from elsewhere than
# Debian) keep theirs.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    packages+=(nodejs npm)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
    sudo_cmd=(sudo)
else
    sudo_cmd=()
fi
echo "Installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
