#!/usr/bin/env bash
# The Debian package as an administrator installs it: built by scripts/build-package.sh from the
# test build, its control data, files and modes, the configuration it ships (valid, with the
# package's paths), the hardened unit (systemd-analyze verify), and what its maintainer scripts
# do (run against stand-ins for adduser, install, chown, rm that record their calls).
# Usage: package_test.sh <build dir> <source dir>
set -u
# shellcheck source=check.sh
source "$(dirname "$(realpath "$0")")/check.sh"
build=$(realpath "$1")
src=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

deb=$("$src/scripts/build-package.sh" --build-dir "$build" 2>"$work/build.err" | tail -1)
check "the package is built" test -f "$deb"
[ -f "$deb" ] || { cat "$work/build.err" >&2; finish package; exit 1; }

control=$(dpkg-deb -f "$deb")
check "named leernetwerk" grep -q '^Package: leernetwerk$' <<<"$control"
check "depends on adduser" grep -q '^Depends:.*adduser' <<<"$control"
check "depends on the libraries it links (shlibdeps)" grep -q '^Depends:.*libsqlite3' <<<"$control"

dpkg-deb -e "$deb" "$work/control"
check "the configuration is a conffile" grep -qx '/etc/leernetwerk/leernetwerk.toml' "$work/control/conffiles"
for script in postinst prerm postrm; do
    check "$script is executable" test -x "$work/control/$script"
done

listing=$(dpkg-deb -c "$deb")
has() {  # has <mode> <path>
    grep -qE "^$1 root/root .* \./$2\$" <<<"$listing"
}
check "/usr/bin/leernetwerk, 0755" has '-rwxr-xr-x' 'usr/bin/leernetwerk'
check "/etc/leernetwerk/leernetwerk.toml, 0640" has '-rw-r-----' 'etc/leernetwerk/leernetwerk.toml'
check "the unit" has '-rw-r--r--' 'lib/systemd/system/leernetwerk.service'
check "the backup timer" has '-rw-r--r--' 'lib/systemd/system/leernetwerk-backup.timer'
check "the deploy examples" has '-rw-r--r--' 'usr/share/doc/leernetwerk/deploy/prometheus-alerts.yml'

root=$work/root
dpkg-deb -x "$deb" "$root"
check "the binary runs" "$root/usr/bin/leernetwerk" version
"$root/usr/bin/leernetwerk" check-config --config "$root/etc/leernetwerk/leernetwerk.toml" >"$work/summary" 2>&1
check "the shipped configuration is valid" test $? -eq 0
check "it keeps data in /var/lib/leernetwerk" grep -q 'path: /var/lib/leernetwerk/leernetwerk.db' "$work/summary"
check "it listens on loopback behind a proxy" grep -q 'address: 127.0.0.1' "$work/summary"

unit=$root/lib/systemd/system/leernetwerk.service
for setting in 'ProtectSystem=strict' 'NoNewPrivileges=true' 'PrivateTmp=true' \
    'ReadWritePaths=/var/lib/leernetwerk' 'Restart=on-failure' 'User=leernetwerk'; do
    check "unit: $setting" grep -qx "$setting" "$unit"
done
check "unit: secrets through LoadCredential" grep -q '^#LoadCredential=' "$unit"
if command -v systemd-analyze >/dev/null; then
    # The units as shipped, with ExecStart pointing at the unpacked binary (this machine has
    # no /usr/bin/leernetwerk); everything else is checked against this machine's systemd.
    mkdir -p "$work/units"
    for unit_file in leernetwerk.service leernetwerk-backup.service leernetwerk-backup.timer; do
        sed "s|/usr/bin/leernetwerk|$root/usr/bin/leernetwerk|g" \
            "$root/lib/systemd/system/$unit_file" >"$work/units/$unit_file"
    done
    systemd-analyze verify "$work/units/leernetwerk.service" \
        "$work/units/leernetwerk-backup.service" "$work/units/leernetwerk-backup.timer" \
        >"$work/verify" 2>&1
    check "systemd-analyze verify accepts the units" test $? -eq 0
    grep -v '^$' "$work/verify" >&2 || true
else
    echo "note: systemd-analyze is not installed; the unit was not verified" >&2
fi

# The maintainer scripts, with stand-ins that record what they were asked to do.
stubs=$work/stubs
mkdir -p "$stubs"
for tool in adduser deluser install chown chmod systemctl rm rmdir; do
    printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$tool" "$work" >"$stubs/$tool"
    chmod +x "$stubs/$tool"
done
printf '#!/bin/sh\nexit 2\n' >"$stubs/getent"  # no user leernetwerk yet
chmod +x "$stubs/getent"
PATH=$stubs:$PATH sh "$work/control/postinst" configure >/dev/null
calls=$(cat "$work/calls")
check "postinst makes a system user" grep -q '^adduser --system --group --home /var/lib/leernetwerk' <<<"$calls"
check "postinst makes the data directory 0750 for it" grep -q '^install -d -m 0750 -o leernetwerk -g leernetwerk /var/lib/leernetwerk' <<<"$calls"
check "postinst keeps the configuration private" grep -q '^chmod 0640 /etc/leernetwerk/leernetwerk.toml' <<<"$calls"
rm -f "$work/calls"
PATH=$stubs:$PATH sh "$work/control/postrm" purge >/dev/null
check "purge keeps the data" bash -c "! grep -q '^rm -rf /var/lib/leernetwerk' '$work/calls' 2>/dev/null"
rm -f "$work/calls"
LEERNETWERK_PURGE_DATA=yes PATH=$stubs:$PATH sh "$work/control/postrm" purge >/dev/null
check "purge removes the data when asked" grep -q '^rm -rf /var/lib/leernetwerk' "$work/calls"

finish package
