#!/usr/bin/env bash
# `leernetwerk serve`, `backup` and `restore` as an operator meets them: readiness that tells the
# truth (a database that cannot be written, too little disk), one instance per database, a backup
# taken while writers commit, a restore refused while serve runs and checked when it is not; and a
# calendar feed fetched with a good, a wrong and a revoked token.
# Usage: ops_test.sh <path to leernetwerk>
set -u
# shellcheck source=check.sh
source "$(dirname "$(realpath "$0")")/check.sh"
bin=$(realpath "$1")
work=$(mktemp -d)
serve_pid=""
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

# GET <port> <path>: prints "<status> <body>".
get() {
    python3 - "$1" "$2" <<'EOF'
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}{sys.argv[2]}", timeout=10)
    print(r.status, r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
EOF
}

# start_serve <config> <log>: starts serve, sets serve_pid and port (empty when it did not start).
start_serve() {
    "$bin" serve --config "$1" >"$2" 2>&1 &
    serve_pid=$!
    port=""
    for _ in $(seq 1 100); do
        port=$(grep -o 'listening on 127.0.0.1:[0-9]*' "$2" 2>/dev/null | head -1 | cut -d: -f2)
        [ -n "$port" ] && return 0
        kill -0 "$serve_pid" 2>/dev/null || { serve_pid=""; return 1; }
        sleep 0.1
    done
    return 1
}

stop_serve() {
    kill "$serve_pid" 2>/dev/null
    wait "$serve_pid" 2>/dev/null
    serve_pid=""
}

config() {  # config <file> <database> [extra server lines]
    printf '[server]\naddress = "127.0.0.1"\nport = 0\n%s\n[storage]\npath = "%s"\n' "${3:-}" "$2" >"$1"
}

# ---- readiness and one instance per database -------------------------------------------------
config bot.toml "$work/bot.db"
check "serve starts" start_serve bot.toml serve.log
out=$(get "$port" /readyz)
check "ready: 200" test "${out%% *}" = 200
check "ready: says why" grep -q '"database":{"writable":true}' <<<"$out"
check "ready: disk space reported" grep -q '"free_bytes":' <<<"$out"
check "alive: 200" test "$(get "$port" /healthz | cut -d' ' -f1)" = 200
check "metrics: ready gauge" grep -q '^leernetwerk_ready 1' <<<"$(get "$port" /metrics)"

config second.toml "$work/bot.db"
"$bin" serve --config second.toml >second.log 2>&1
check "a second serve on the same database exits" test $? -ne 0
check "and says why" grep -q "in use by another" second.log

# A write that fails (as on a full disk or a read-only file; injected, since the test runs as
# root where permissions do not stop writes): not ready, with the reason; alive stays 200.
python3 - "$work/bot.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
for when in ("INSERT", "UPDATE"):
    db.execute(f"CREATE TRIGGER refuse_{when.lower()} BEFORE {when} ON adapter_state "
               "WHEN NEW.key = 'health.write_probe' "
               "BEGIN SELECT RAISE(FAIL, 'disk I/O error (injected)'); END")
db.commit()
EOF
sleep 6  # past the 5 s a successful write is trusted
out=$(get "$port" /readyz)
check "unwritable: 503" test "${out%% *}" = 503
check "unwritable: the reason" grep -q 'the database cannot be written' <<<"$out"
check "unwritable: metrics say so" grep -q '^leernetwerk_database_writable 0' <<<"$(get "$port" /metrics)"
stop_serve

"$bin" serve --config bot.toml >refused.log 2>&1
check "serve refuses to start on a database it cannot write" test $? -ne 0
check "naming the file" grep -q "bot.db cannot be written" refused.log
python3 -c "
import sqlite3, sys
db = sqlite3.connect('$work/bot.db')
db.execute('DROP TRIGGER refuse_insert'); db.execute('DROP TRIGGER refuse_update'); db.commit()"

# Too little disk (more free space asked for than any test disk has).
config disk.toml "$work/bot.db" "min_free_disk_mb = 1000000"
check "serve starts with a disk threshold" start_serve disk.toml disk.log
out=$(get "$port" /readyz)
check "low disk: 503" test "${out%% *}" = 503
check "low disk: the reason" grep -q 'MiB free on the disk' <<<"$out"
stop_serve

# JSON log lines for a collector: every line one object with time, level and message.
printf '[server]\naddress = "127.0.0.1"\nport = 0\n[log]\nformat = "json"\n[storage]\npath = "%s"\n' \
    "$work/json.db" >json.toml
"$bin" serve --config json.toml >json.log 2>&1 &
serve_pid=$!
for _ in $(seq 1 100); do grep -q 'listening on' json.log && break; sleep 0.1; done
stop_serve
check "json log: every line is an object with time, level and message" python3 -c "
import json, sys
lines = [l for l in open('json.log') if l.strip()]
assert len(lines) >= 3, lines
for l in lines:
    o = json.loads(l)
    assert set(o) >= {'time', 'level', 'message'}, o
assert any('listening on 127.0.0.1:' in json.loads(l)['message'] for l in lines)
"

# ---- backup while writers commit, restore ------------------------------------------------------
check "serve starts again" start_serve bot.toml serve2.log
# Writers commit pairs of rows in one transaction while the backup runs: a consistent copy has
# only whole pairs.
# The writer says when its first pair is in (on a busy machine Python can take over a second to
# get there), and writes on for 4 s after that.
python3 - "$work/bot.db" "$work/writer.started" <<'EOF' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=10)
db.execute("CREATE TABLE IF NOT EXISTS load_pairs (pair INTEGER, half INTEGER)")
db.commit()
n = 0
end = None
while end is None or time.time() < end:
    with db:
        db.execute("INSERT INTO load_pairs VALUES (?, 1)", (n,))
        db.execute("INSERT INTO load_pairs VALUES (?, 2)", (n,))
    n += 1
    if end is None:
        open(sys.argv[2], "w").close()
        end = time.time() + 4
EOF
writer=$!
for _ in $(seq 1 100); do [ -e "$work/writer.started" ] && break; sleep 0.1; done
sleep 0.5
"$bin" backup --config bot.toml --to "$work/backup.db" --poll-key-to "$work/backup.poll-key" >backup.out 2>&1
check "backup while serve runs and writers commit" test $? -eq 0
wait $writer
check "backup says what it wrote" grep -q "schema version" backup.out
check "backup is private (0600)" test "$(stat -c %a backup.db)" = 600
check "poll key kept apart, private" test "$(stat -c %a backup.poll-key)" = 600
check "poll key is the database's" cmp -s backup.poll-key bot.db.poll-key
pairs=$(python3 -c "
import sqlite3
db = sqlite3.connect('file:$work/backup.db?mode=ro', uri=True)
rows = db.execute('SELECT count(*), count(DISTINCT pair) FROM load_pairs').fetchone()
print('whole' if rows[0] == 2 * rows[1] and rows[0] > 0 else 'torn %s' % (rows,))
print(db.execute('PRAGMA integrity_check').fetchone()[0])
print(db.execute(\"SELECT value FROM leernetwerk_backup_manifest WHERE key = 'schema_version'\").fetchone()[0])")
check "backup holds whole transactions only" test "$(sed -n 1p <<<"$pairs")" = whole
check "backup passes the integrity check" test "$(sed -n 2p <<<"$pairs")" = ok
check "backup manifest names the schema" test "$(sed -n 3p <<<"$pairs")" -ge 12
"$bin" backup --config bot.toml --to "$work/backup.db" >again.out 2>&1
check "backup never overwrites" test $? -ne 0

"$bin" restore --config bot.toml --from "$work/backup.db" --force >restore.out 2>&1
check "restore refused while serve runs" test $? -ne 0
check "and says so" grep -q "in use by a running" restore.out
stop_serve

"$bin" restore --config bot.toml --from "$work/backup.db" >restore.out 2>&1
check "restore over an existing database needs --force" test $? -ne 0
"$bin" restore --db "$work/restored.db" --config bot.toml --from "$work/backup.db" \
    --poll-key-from "$work/backup.poll-key" >restore.out 2>&1
check "restore into a new place" test $? -eq 0
check "restored poll key" cmp -s backup.poll-key restored.db.poll-key
same=$(python3 -c "
import sqlite3
a = sqlite3.connect('file:$work/backup.db?mode=ro', uri=True)
b = sqlite3.connect('file:$work/restored.db?mode=ro', uri=True)
tables = [r[0] for r in b.execute(\"SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '%fts%' AND sql NOT LIKE 'CREATE VIRTUAL%'\")]
diff = [t for t in tables if a.execute(f'SELECT count(*) FROM \"{t}\"').fetchone() != b.execute(f'SELECT count(*) FROM \"{t}\"').fetchone()]
manifest = b.execute(\"SELECT count(*) FROM sqlite_schema WHERE name = 'leernetwerk_backup_manifest'\").fetchone()[0]
print('same' if not diff and manifest == 0 and len(tables) > 10 else 'differs %s %s' % (diff, manifest))")
check "restored database has every row of the backup, without the manifest" test "$same" = same
config restored.toml "$work/restored.db"
check "serve starts on the restored database" start_serve restored.toml restored.log
check "and is ready" test "$(get "$port" /readyz | cut -d' ' -f1)" = 200
stop_serve

printf 'not a database' >junk.db
"$bin" restore --db "$work/other.db" --config bot.toml --from junk.db >junk.out 2>&1
check "a file that is no backup is refused" test $? -ne 0
check "and nothing is created" test ! -e other.db
python3 -c "
import sqlite3
db = sqlite3.connect('$work/newer.db')
db.execute('CREATE TABLE leernetwerk_backup_manifest (key TEXT PRIMARY KEY, value TEXT)')
db.executemany('INSERT INTO leernetwerk_backup_manifest VALUES (?, ?)', [('format', '1'), ('schema_version', '999')])
db.execute('PRAGMA user_version = 999'); db.commit()"
"$bin" restore --db "$work/other.db" --config bot.toml --from newer.db >newer.out 2>&1
check "a backup of a newer version is refused" test $? -ne 0
check "naming the schema" grep -q "newer version (schema 999" newer.out

# ---- calendar feeds: GET /ics/<token>.ics ------------------------------------------------------
# A member asks for the link in the console (the demo network); serve answers it with the
# calendar; a wrong token and the token a facilitator revoked get the same empty 404.
# getfull <port> <path>: prints the status, Content-Type and Cache-Control lines, then the body.
getfull() {
    python3 - "$1" "$2" <<'EOF'
import sys, urllib.request, urllib.error
try:
    r = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}{sys.argv[2]}", timeout=10)
except urllib.error.HTTPError as e:
    r = e
print(r.status)
print(r.headers.get("Content-Type"))
print(r.headers.get("Cache-Control"))
print(r.read().decode(), end="")
EOF
}
feed_token() {  # feed_token <console output>: the token of the first feed URL in it
    grep -o 'https://leernetwerk.school.nl/ics/[0-9a-f]*\.ics' "$1" | head -1 | sed 's|.*/ics/||; s|\.ics$||'
}
config feed.toml "$work/feed.db" 'public_url = "https://leernetwerk.school.nl"'
printf '%s\n' '/als Anna' 'agenda-link' |
    "$bin" console --demo --config feed.toml --db "$work/feed.db" --now "2026-12-02 09:00" >feed-console.txt 2>&1
token=$(feed_token feed-console.txt)
check "agenda-link gives a feed URL in the console" test "${#token}" -eq 48
check "feed serve starts" start_serve feed.toml feed-serve.log
good=$(getfull "$port" "/ics/$token.ics")
check "feed: 200" test "$(sed -n 1p <<<"$good")" = 200
check "feed: text/calendar" test "$(sed -n 2p <<<"$good")" = "text/calendar; charset=utf-8"
check "feed: cached privately for 5 minutes" test "$(sed -n 3p <<<"$good")" = "private, max-age=300"
check "feed: a calendar with the meeting" grep -q '^SUMMARY:Feedback op schrijfopdrachten met rubrics' <<<"$good"
check "feed: in the network's time zone" grep -q '^DTSTART;TZID=Europe/Amsterdam:' <<<"$good"
wrong=$(getfull "$port" "/ics/0123456789abcdef0123456789abcdef0123456789abcdef.ics")
malformed=$(getfull "$port" "/ics/nonsense")
check "wrong token: 404" test "$(sed -n 1p <<<"$wrong")" = 404
check "wrong token: empty body" test -z "$(sed -n '4,$p' <<<"$wrong")"
check "malformed token: the same answer" test "$malformed" = "$wrong"
stop_serve
printf '%s\n' '/als Marieke' 'agenda-link vernieuwen' |
    "$bin" console --config feed.toml --db "$work/feed.db" --now "2026-12-02 09:05" >feed-renew.txt 2>&1
renewed=$(feed_token feed-renew.txt)
check "a facilitator renews the link" test "${#renewed}" -eq 48 -a "$renewed" != "$token"
check "feed serve starts again" start_serve feed.toml feed-serve2.log
revoked=$(getfull "$port" "/ics/$token.ics")
check "revoked token: the same 404 as a wrong one" test "$revoked" = "$wrong"
fresh=$(getfull "$port" "/ics/$renewed.ics")
check "the renewed link works" test "$(sed -n 1p <<<"$fresh")" = 200
stop_serve

finish ops
