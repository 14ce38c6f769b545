#!/usr/bin/env bash
# The `leernetwerk` executable as an administrator and a script would use it.
# Usage: cli_test.sh <path to leernetwerk> <source dir>
set -u
# shellcheck source=check.sh
source "$(dirname "$(realpath "$0")")/check.sh"
bin=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

# The cells of a worksheet of an .xlsx (a zip of XML): one "A1 n 3" (number) or "B1 s tekst"
# (text) line per cell, the style index after a number when it has one ("C2 n 0.5 s2").
xlsx_cells() {  # xlsx_cells <file> <sheet number>
    python3 - "$1" "$2" <<'PY'
import re, sys, zipfile, xml.etree.ElementTree as ET
ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
z = zipfile.ZipFile(sys.argv[1])
strings = []
if "xl/sharedStrings.xml" in z.namelist():
    for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
        strings.append("".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])))
sheet = ET.fromstring(z.read("xl/worksheets/sheet%s.xml" % sys.argv[2]))
for c in sheet.iter("{%s}c" % ns["m"]):
    v = c.find("m:v", ns)
    if v is None:
        continue
    if c.get("t") == "s":
        print(c.get("r"), "s", strings[int(v.text)].replace("\n", "\\n"))
    else:
        print(c.get("r"), "n", v.text + (" s" + c.get("s") if c.get("s") else ""))
pane = sheet.find(".//m:pane", ns)
if pane is not None:
    print("pane", pane.get("topLeftCell"), pane.get("state"))
PY
}

# check-config: the shipped example is valid; a bad file exits 2 naming the file and the key.
"$bin" check-config --config "$src/config/leernetwerk.example.toml" >out.txt 2>err.txt
check "example config is valid" test $? -eq 0
check "example config summary" grep -q "time_zone: Europe/Amsterdam" out.txt

printf '[server]\nport = "abc"\n[storage]\npath = 5\n' >bad.toml
"$bin" check-config --config bad.toml >out.txt 2>err.txt
check "bad config exits 2" test $? -eq 2
check "bad config names file and key" grep -q 'bad.toml: server.port: expected an integer' err.txt
check "every problem is reported" grep -q 'bad.toml: storage.path' err.txt

check "example config summary shows the hours rule in words" grep -q "^  default: fixed: 6 hours for 3 meeting(s) attended" <("$bin" check-config --config "$src/config/leernetwerk.example.toml")

# [hours] and [participation]: a year's contradiction and a bad account, each with file and key.
printf '[hours]\nrule = "per_meeting"\nper_meeting = 2\n[hours.years."2026-2027"]\nrule = "fixed"\nmax_hours = 6\n[participation]\nadvisers = ["anne"]\n' >hours.toml
"$bin" check-config --config hours.toml >out.txt 2>err.txt
check "bad hours exit 2" test $? -eq 2
check "a contradiction in a year's table names its key" grep -q 'hours.toml: hours.years.2026-2027.max_hours: applies only to rule = "per_meeting", and this table sets rule = "fixed"' err.txt
check "a bad adviser account names the key" grep -q 'hours.toml: participation.advisers: item 1: expected an account' err.txt

"$bin" check-config --config missing.toml >out.txt 2>err.txt
check "missing config exits 2" test $? -eq 2
check "missing config is named" grep -q "missing.toml" err.txt

printf '[teams]\nenabled = true\napp_id = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"\napp_password_env = "LEERNETWERK_TEST_SECRET"\n' >secret.toml
LEERNETWERK_TEST_SECRET=hunter2-very-secret "$bin" check-config --config secret.toml >out.txt 2>err.txt
check "secret from env accepted" test $? -eq 0
check "secret never printed" bash -c '! grep -q hunter2 out.txt err.txt'
check "secret source shown" grep -q "LEERNETWERK_TEST_SECRET" out.txt

# console: piped input, replies between ">>> bot to" and "<<<", state kept in the database.
printf 'hulp\nplan bijeenkomst 23 maart 2027 15:30 | Het Kompas\n/stop\nleden\n' |
    "$bin" console --demo --db demo.db --now "2026-12-02 09:00" >out.txt 2>err.txt
check "console exits 0" test $? -eq 0
check "two replies before /stop" test "$(grep -c '^>>> bot to ' out.txt)" -eq 2
check "replies are closed" test "$(grep -c '^<<<$' out.txt)" -eq 2
check "meeting planned" grep -q "staat gepland: di 23 mrt 2027 15:30" out.txt
check "nothing after /stop" bash -c '! grep -q "Leden van" out.txt'

printf 'bijeenkomsten\n' | "$bin" console --demo --db demo.db --now "2026-12-02 09:00" >out.txt 2>err.txt
check "the meeting is still there after a restart" grep -q "#4 · di 23 mrt 2027 15:30" out.txt

printf 'hulp\n' | "$bin" console --demo --db demo.db --now "gisteren om drie" >out.txt 2>err.txt
check "a bad --now exits 2" test $? -eq 2

# export-ics: the demo network's meetings (three seeded, one planned above) as a calendar file.
"$bin" export-ics --db demo.db --network "hsn-cafe feedback die werkt" >cal.ics 2>err.txt
check "export-ics exits 0" test $? -eq 0
check "export-ics writes a calendar" grep -q $'^BEGIN:VCALENDAR\r$' cal.ics
check "export-ics names the calendar" grep -q $'^X-WR-CALNAME:HSN-café Feedback die werkt\r$' cal.ics
check "export-ics has the four meetings" test "$(grep -c '^BEGIN:VEVENT' cal.ics)" -eq 4
check "export-ics describes the zone" grep -q $'^TZID:Europe/Amsterdam\r$' cal.ics
check "the planned meeting at its local time" grep -q "^DTSTART;TZID=Europe/Amsterdam:20270323T153000" cal.ics
check "the planned meeting has a stable UID" grep -q $'^UID:meeting-4@leernetwerk-bot\r$' cal.ics
check "every line ends in CRLF" test "$(grep -c $'\r$' cal.ics)" -eq "$(wc -l <cal.ics)"
"$bin" export-ics --db demo.db --network "HSN-café Feedback die werkt" --output out.ics >out.txt 2>err.txt
check "export-ics --output writes the same file" cmp -s <(grep -v '^DTSTAMP' cal.ics) <(grep -v '^DTSTAMP' out.ics)
"$bin" export-ics --db demo.db --network "Rekenen" >out.txt 2>err.txt
check "an unknown network exits 2" test $? -eq 2
check "an unknown network lists the known ones" grep -q "^  HSN-café Feedback die werkt$" err.txt

# export-poll: a named poll answered in the console, as CSV; the poll key file is made once, 0600.
printf '%s\n' 'peiling "Wat past?" | =1+1 | Zeg "ja", of nee' '/als Anna' '/prive' '1' '/als Sanne' '/prive' '2' |
    "$bin" console --demo --db poll.db --now "2026-12-02 09:00" >out.txt 2>err.txt
check "poll answered in the console" grep -q "genoteerd: =1+1" out.txt
check "a poll key file next to the database" test -f poll.db.poll-key
check "the poll key file is private" test "$(stat -c %a poll.db.poll-key)" = 600
"$bin" export-poll --db poll.db --network "HSN-café Feedback die werkt" --poll 1 --out poll.csv >out.txt 2>err.txt
check "export-poll exits 0" test $? -eq 0
check "export-poll neutralises a formula" grep -q $'^1;1;Wat past?;single;\'=1+1;1;50;\r$' poll.csv
check "export-poll starts with a UTF-8 byte order mark for Excel" test "$(head -c 3 poll.csv | od -An -tx1 | tr -d ' ')" = "efbbbf"
check "export-poll quotes a comma" grep -q '"Zeg ""ja"", of nee"' poll.csv
check "export-poll names who answered a named poll" grep -q "^Anna de Vries;1;Wat past?;" poll.csv
# As a spreadsheet: numbers as numbers, the share as a percentage, the header bold and frozen.
"$bin" export-poll --db poll.db --network "HSN-café Feedback die werkt" --poll 1 --format xlsx --to poll.xlsx >out.txt 2>err.txt
check "export-poll --format xlsx exits 0" test $? -eq 0
check "export-poll says what it wrote" grep -q "wrote poll.xlsx: the results of poll 1 of HSN-café Feedback die werkt" out.txt
xlsx_cells poll.xlsx 1 >poll-cells.txt
check "the xlsx has the Dutch header" grep -q "^A1 s peiling$" poll-cells.txt
check "the xlsx header is frozen" grep -q "^pane A2 frozen$" poll-cells.txt
check "the xlsx keeps a formula as text" grep -q "^E2 s =1+1$" poll-cells.txt
check "the xlsx count is a number" grep -q "^F2 n 1$" poll-cells.txt
check "the xlsx share is a number with a % format" grep -Eq "^G2 n 0.5 s[0-9]+$" poll-cells.txt
xlsx_cells poll.xlsx 2 >answer-cells.txt
check "the xlsx names who answered on a second sheet" grep -q "^A2 s Anna de Vries$" answer-cells.txt
check "the bold header style is the header's" python3 -c '
import re, sys, zipfile
z = zipfile.ZipFile("poll.xlsx")
styles = z.read("xl/styles.xml").decode()
sheet = z.read("xl/worksheets/sheet1.xml").decode()
index = int(re.search(r"<c r=\"A1\" s=\"(\d+)\"", sheet).group(1))
fonts = re.findall(r"<font>.*?</font>", re.search(r"<fonts[^>]*>(.*?)</fonts>", styles, re.S).group(1), re.S)
xfs = re.findall(r"<xf [^>]*>", re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1))
font = int(re.search(r"fontId=\"(\d+)\"", xfs[index]).group(1))
sys.exit(0 if "<b/>" in fonts[font] else 1)'
"$bin" export-poll --db poll.db --network "HSN-café Feedback die werkt" --poll 1 --format xlsx >out.txt 2>err.txt
check "an xlsx to stdout is refused" test $? -eq 2
check "the refusal says to name a file" grep -q "name it with --to FILE.xlsx" err.txt
check "nothing binary reaches stdout" test ! -s out.txt
"$bin" export-poll --db poll.db --network "HSN-café Feedback die werkt" --poll 9 >out.txt 2>err.txt
check "an unknown poll exits 2" test $? -eq 2
check "an unknown poll is named" grep -q "no poll 9" err.txt

# The poll key file after a restart: poll 1 is still open, so a missing key file is not silently
# replaced (everyone could answer again); one readable by others is named; an empty one stops
# the bot, and check-config names the file and the key.
printf '[storage]\npath = "poll.db"\n' >poll.toml
key=$(cat poll.db.poll-key)
mv poll.db.poll-key poll.key.saved
printf 'peilingen\n' | "$bin" console --db poll.db --now "2026-12-02 10:00" >out.txt 2>err.txt
check "a missing poll key file with an open poll stops the console" test $? -eq 1
check "the missing key file is named" grep -q "poll.db.poll-key is missing while 1 poll(s) are open" err.txt
check "no new key file was made" test ! -e poll.db.poll-key
mv poll.key.saved poll.db.poll-key
chmod 644 poll.db.poll-key
printf '%s\n' '/als Anna' '/prive' '2' | "$bin" console --db poll.db --now "2026-12-02 10:00" >out.txt 2>err.txt
check "the restored key still knows Anna's answer" grep -q "Je eerdere antwoord is vervangen" out.txt
check "a key file readable by others is warned about" grep -q "poll.db.poll-key can be read by others than its owner (mode 644)" err.txt
"$bin" check-config --config poll.toml >out.txt 2>err.txt
check "check-config warns about the key file's mode" grep -q "poll.toml: polls.secret: warning: the poll key file poll.db.poll-key can be read by others" err.txt
chmod 600 poll.db.poll-key
: >poll.db.poll-key
"$bin" check-config --config poll.toml >out.txt 2>err.txt
check "check-config refuses an empty key file" test $? -eq 2
check "check-config names the file and the key" grep -q "poll.toml: polls.secret: not set, and the poll key file poll.db.poll-key holds 0 characters" err.txt
printf 'peilingen\n' | "$bin" console --db poll.db --now "2026-12-02 10:00" >out.txt 2>err.txt
check "an empty poll key file stops the console" test $? -eq 1
printf '%s' "$key" >poll.db.poll-key

# import-cafeweken: café weeks from a school's calendar export, per school year.
fixture="$src/tests/fixtures/ics/parnassys_jaarplanning.ics"
"$bin" import-cafeweken --file "$fixture" --db demo.db --dry-run >out.txt 2>err.txt
check "import-cafeweken --dry-run exits 0" test $? -eq 0
check "café weeks of this school year" grep -qx "2026-2027: 41, 47, 6, 12, 20" out.txt
check "café weeks of the next school year" grep -qx "2027-2028: 41" out.txt
check "a dry run says it stored nothing" grep -q "dry run: nothing stored" out.txt
"$bin" import-cafeweken --file "$fixture" --db demo.db >out.txt 2>err.txt
check "import-cafeweken exits 0" test $? -eq 0
check "the import says what it replaced" grep -q "replaced the café weeks of 2027-2028 (were: none)" out.txt
"$bin" import-cafeweken --file "$fixture" --db demo.db >out.txt 2>err.txt
check "the imported weeks were stored" grep -q "replaced the café weeks of 2027-2028 (were: 41)" out.txt
printf 'Dit is geen agenda\n' >bad.ics
"$bin" import-cafeweken --file bad.ics --db demo.db >out.txt 2>err.txt
check "a file that is no calendar exits 2" test $? -eq 2
check "a file that is no calendar is named" grep -q "bad.ics: no VCALENDAR found" err.txt

# Usage errors exit 2 and name what is wrong; secret files others can read are warned about.
"$bin" bogus >out.txt 2>err.txt
check "an unknown command exits 2" test $? -eq 2
check "an unknown command is named" grep -q 'unknown command "bogus"; the commands are: console' err.txt
"$bin" check-config >out.txt 2>err.txt
check "a missing option exits 2" test $? -eq 2
"$bin" export-poll --network "HSN-café Feedback die werkt" --poll abc --db demo.db >out.txt 2>err.txt
check "a poll number that is no number exits 2" test $? -eq 2
check "a poll number that is no number is named" grep -q -- '--poll: expected a poll number such as 3 (see `peilingen` in chat), got "abc"' err.txt
"$bin" export-poll --network "HSN-café Feedback die werkt" --poll 99999999999999999999 --db demo.db >out.txt 2>err.txt
check "a poll number too large is named as typed" grep -q 'got "99999999999999999999"' err.txt
timeout 10 "$bin" check-config --config /dev/zero >out.txt 2>err.txt
check "check-config of a device exits 2 at once" test $? -eq 2
check "check-config of a device says why" grep -q "is not a regular file" err.txt
printf 'geheim-wachtwoord\n' >secret.txt
chmod 644 secret.txt
printf '[teams]\nenabled = true\napp_id = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"\napp_password_file = "secret.txt"\n[storage]\npath = "none.db"\n' >secretfile.toml
"$bin" check-config --config secretfile.toml >out.txt 2>err.txt
check "a readable secret file is only a warning" test $? -eq 0
check "a secret file readable by others is warned about" grep -q "secretfile.toml: teams.app_password_file: warning: secret.txt can be read by others than its owner (mode 644)" err.txt

# import-vakanties: a school's holidays and days off from its calendar export, per school year.
"$bin" import-vakanties --file "$fixture" --db demo.db --dry-run >out.txt 2>err.txt
check "import-vakanties --dry-run exits 0" test $? -eq 0
check "holidays and days off are found" grep -q "4 of 13 event(s) are holidays or days off" out.txt
check "a holiday with its days" grep -qx "2026-2027: Kerstvakantie, Saturday 19 December 2026 .. Sunday 3 January 2027" out.txt
check "a study day" grep -qx "2026-2027: Studiedag (leerlingen vrij), Friday 9 October 2026" out.txt
check "a café week is no holiday" test "$(grep -c "caf" out.txt)" -eq 0
check "a dry run of the holidays stores nothing" grep -q "dry run: nothing stored" out.txt
"$bin" import-vakanties --file "$fixture" --db demo.db >out.txt 2>err.txt
check "import-vakanties exits 0" test $? -eq 0
check "the import says what it stored" grep -q "stored in demo.db: the holidays of 2026-2027" out.txt
"$bin" import-vakanties --file bad.ics --db demo.db >out.txt 2>err.txt
check "a holiday file that is no calendar exits 2" test $? -eq 2

# check-config warns from 60 days before the known school holidays end (here: the school's own).
soon=$(date -d '+30 days' +%F)
printf '[reminders]\nholiday_region = "geen"\n[[reminders.holiday]]\nname = "Studiedag"\nfirst = %s\nlast = %s\n[storage]\npath = "none.db"\n' "$soon" "$soon" >holidays.toml
"$bin" check-config --config holidays.toml >out.txt 2>err.txt
check "running-out holidays are only a warning" test $? -eq 0
check "check-config warns that the holidays run out" grep -q "holidays.toml: reminders: warning: school holidays are known only until" err.txt
check "check-config names how to add holidays" grep -q "import-vakanties" err.txt
"$bin" check-config --config "$src/config/leernetwerk.example.toml" >out.txt 2>err.txt
check "the built-in holidays do not warn yet" test "$(grep -c "known only until" err.txt)" -eq 0

# export-knowledge and harvest: the knowledge base and the school year's harvest as files.
printf 'kennis notitie Verslag <script>x</script> | We oefenden met feedback | feedback\nkennis bron Waaier | https://voorbeeld.nl/w?a=1&b=2 | Vragen\nambitie Feedback die <b>werkt</b>\n' |
    "$bin" console --demo --db demo.db --now "2026-12-02 09:00" >out.txt 2>err.txt
check "knowledge added in the console" grep -q "Opgeslagen als kennis 2 (bron)" out.txt
"$bin" harvest --db demo.db --network "HSN-café Feedback die werkt" --year 2026-2027 --format html --out oogst.html >out.txt 2>err.txt
check "harvest --format html exits 0" test $? -eq 0
check "harvest says what it wrote" grep -q "wrote oogst.html: harvest 2026-2027 of HSN-café Feedback die werkt" out.txt
check "the harvest is a standalone HTML document" grep -q '^<!DOCTYPE html>$' oogst.html
check "the harvest ends its document" grep -q '^</html>$' oogst.html
check "the harvest escapes data" grep -q 'Verslag &lt;script&gt;x&lt;/script&gt;' oogst.html
check "no markup from data in the harvest" bash -c '! grep -q "<script>" oogst.html'
check "the harvest has the ambition" grep -q 'Feedback die &lt;b&gt;werkt&lt;/b&gt;' oogst.html
check "the harvest links the resource" grep -q 'href="https://voorbeeld.nl/w?a=1&amp;b=2"' oogst.html
"$bin" harvest --db demo.db --network "hsn-cafe feedback die werkt" --year 2026-2027 --format md >oogst.md 2>err.txt
check "harvest --format md writes Markdown to stdout" grep -q "^# Oogst 2026-2027: HSN-café Feedback die werkt$" oogst.md
check "the Markdown harvest lists the meetings" grep -q "^## Bijeenkomsten$" oogst.md
"$bin" harvest --db demo.db --network "HSN-café Feedback die werkt" --format pdf >out.txt 2>err.txt
check "an unknown harvest format exits 2" test $? -eq 2
"$bin" harvest --db demo.db --network "HSN-café Feedback die werkt" --year volgend >out.txt 2>err.txt
check "a bad school year exits 2" test $? -eq 2
"$bin" export-knowledge --db demo.db --network "HSN-café Feedback die werkt" --format csv --out kennis.csv >out.txt 2>err.txt
check "export-knowledge --format csv exits 0" test $? -eq 0
check "the knowledge CSV starts with a UTF-8 byte order mark for Excel" test "$(head -c 3 kennis.csv | od -An -tx1 | tr -d ' ')" = "efbbbf"
check "the knowledge CSV has its header, with semicolons" grep -q $'^\xEF\xBB\xBFnummer;soort;status;titel;tekst;link;tags;auteur;vraag;gemaakt (UTC);bijgewerkt (UTC)\r$' kennis.csv
check "the knowledge CSV has both entries" test "$(grep -c '^[0-9];' kennis.csv)" -eq 2
check "the knowledge CSV keeps a link whole" grep -q '^2;bron;actief;Waaier;Vragen;https://voorbeeld.nl/w?a=1&b=2;' kennis.csv
"$bin" export-knowledge --db demo.db --network "HSN-café Feedback die werkt" --format xlsx --to kennis.xlsx >out.txt 2>err.txt
check "export-knowledge --format xlsx exits 0" test $? -eq 0
xlsx_cells kennis.xlsx 1 >kennis-cells.txt
check "the knowledge xlsx has its header" grep -q "^D1 s titel$" kennis-cells.txt
check "the knowledge xlsx numbers entries as numbers" grep -q "^A2 n [12]$" kennis-cells.txt
check "the knowledge xlsx keeps the title as typed" grep -q "^D[23] s Verslag <script>x</script>$" kennis-cells.txt
check "the knowledge xlsx header is frozen" grep -q "^pane A2 frozen$" kennis-cells.txt
"$bin" export-knowledge --db demo.db --network "HSN-café Feedback die werkt" --format xlsx >out.txt 2>err.txt
check "a knowledge xlsx to stdout is refused" test $? -eq 2
check "the knowledge refusal says to name a file" grep -q "name it with --to FILE.xlsx" err.txt
"$bin" export-knowledge --db demo.db --network "HSN-café Feedback die werkt" >kennis.md 2>err.txt
check "export-knowledge writes Markdown" grep -q '^## #1 Verslag \\<script\\>x\\</script\\>$' kennis.md
"$bin" export-knowledge --db demo.db --network "Rekenen" >out.txt 2>err.txt
check "export-knowledge of an unknown network exits 2" test $? -eq 2

"$bin" version >out.txt
check "version" grep -q "^leernetwerk [0-9]" out.txt

# teams-package: the zip an administrator uploads in Teams; without [teams] app_id it exits 2.
printf '[teams]\napp_id = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f"\n' >teams.toml
"$bin" teams-package --config teams.toml --host bot.school.nl --out app.zip >out.txt 2>err.txt
check "teams-package exits 0" test $? -eq 0
check "teams-package writes a zip" bash -c 'head -c 4 app.zip | od -An -tx1 | grep -q "50 4b 03 04"'
printf '[bot]\nname = "Leernetwerk bot"\n' >noapp.toml
"$bin" teams-package --config noapp.toml --host bot.school.nl >out.txt 2>err.txt
check "teams-package without an app id exits 2" test $? -eq 2
check "teams-package names the missing key" grep -q 'noapp.toml: teams.app_id: required' err.txt

finish cli
