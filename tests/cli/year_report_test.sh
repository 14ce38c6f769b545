#!/usr/bin/env bash
# `leernetwerk year-report` as an academy administrator uses it: on a database made by the
# console demo, CSV for Excel and a printable HTML page; usage errors exit 2 and say why.
# Usage: year_report_test.sh <path to leernetwerk>
set -u
# shellcheck source=check.sh
source "$(dirname "$(realpath "$0")")/check.sh"
bin=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

network="HSN-café Feedback die werkt"
printf 'bijeenkomsten\n' | "$bin" console --demo --db demo.db --now "2026-12-02 09:00" >out.txt 2>err.txt
check "the demo database is made" test -s demo.db

# Which networks: one of --network and --all, not both, not neither.
"$bin" year-report --db demo.db >out.txt 2>err.txt
check "year-report without a network exits 2" test $? -eq 2
check "it says how to name networks" grep -q "name one with --network NAME, or every network with --all" err.txt
"$bin" year-report --db demo.db --all --network "$network" >out.txt 2>err.txt
check "--network with --all exits 2" test $? -eq 2
check "it says they exclude each other" grep -q -- "--network and --all exclude each other" err.txt
"$bin" year-report --db demo.db --network "Rekenen" >out.txt 2>err.txt
check "an unknown network exits 2" test $? -eq 2
check "an unknown network is named, with the known ones" grep -q "unknown network \"Rekenen\" in demo.db; known networks:" err.txt
check "the known network is listed" grep -q "^  $network$" err.txt
"$bin" year-report --db missing.db --all >out.txt 2>err.txt
check "a missing database exits 2" test $? -eq 2
check "a missing database is named" grep -q "no database at missing.db" err.txt
"$bin" year-report --db demo.db --all --format pdf >out.txt 2>err.txt
check "an unknown format exits 2" test $? -eq 2
check "the formats are named" grep -q -- "--format must be csv or html" err.txt
"$bin" year-report --db demo.db --all --lang de >out.txt 2>err.txt
check "an unknown language exits 2" test $? -eq 2
"$bin" year-report --db demo.db --all --year volgend >out.txt 2>err.txt
check "a bad school year exits 2" test $? -eq 2
check "a bad school year is explained" grep -q -- "--year must be a school year such as 2026-2027" err.txt

# CSV to stdout: a byte order mark and semicolons, so that a Dutch Excel opens it in columns.
"$bin" year-report --db demo.db --network "hsn-cafe feedback die werkt" --year 2026-2027 >jaar.csv 2>err.txt
check "year-report exits 0" test $? -eq 0
check "the CSV starts with a UTF-8 byte order mark" test "$(head -c 3 jaar.csv | od -An -tx1 | tr -d ' ')" = "efbbbf"
check "the CSV starts with the overview's header" grep -q $'^\xEF\xBB\xBFNetwerk;Schooljaar;Gepland;Gehouden;Afgelast;Max. bijeenkomsten;Urenregeling;Uren totaal;Taakuren totaal;Trend evaluaties;Jaar afgesloten\r$' jaar.csv
check "the CSV has the network's year" grep -q "^$network;2026-2027;" jaar.csv
check "the CSV has the meetings table" grep -q $'^Netwerk;Nr.;Datum;Tijd;Onderwerp;Status;Komen;Aanwezig;% aanwezig;Externe expert\r$' jaar.csv
check "the CSV has the members table" grep -q $'^Netwerk;Naam;School;Rol;Bijgewoond;Uren;Taakuren;Voorlopig\r$' jaar.csv
check "the CSV lists the demo's meetings" test "$(grep -c "^$network;[0-9];20[0-9-]*;15:30;" jaar.csv)" -eq 3
check "the CSV has the first meeting" grep -q "^$network;1;2026-10-06;15:30;Kennismaken en onze gezamenlijke ambitie;" jaar.csv
check "the CSV lists the members with school and role" grep -q "^$network;Marieke Jansen;CBS De Wegwijzer;organisator;" jaar.csv
check "the CSV says the year is open" grep -q "^$network;2026-2027;.*;nee"$'\r$' jaar.csv

# The configured hours rule is the one reported: with [hours] partial = "pro_rata", one meeting
# of three earns a third of the 6 hours.
printf 'aanwezig 1 Anna, Bram, Marieke\naanwezigheid 1 sluiten\n' |
    "$bin" console --demo --db demo.db --now "2026-12-02 09:00" >out.txt 2>err.txt
check "attendance of meeting 1 closed in the console" grep -q "De aanwezigheidslijst van bijeenkomst #1 is gesloten" out.txt
printf '[hours]\npartial = "pro_rata"\n' >prorata.toml
"$bin" year-report --config prorata.toml --db demo.db --network "$network" --year 2026-2027 >pro.csv 2>err.txt
check "year-report --config exits 0" test $? -eq 0
check "the meeting's attendance is reported" grep -q "^$network;1;2026-10-06;15:30;Kennismaken en onze gezamenlijke ambitie;gehouden;0;3;" pro.csv
check "pro rata hours of the configured rule" grep -q "^$network;Anna de Vries;CBS De Regenboog;deelnemer;1;\"2,0\";" pro.csv
check "the network's hours total" grep -q "^$network;2026-2027;3;1;0;4;.*;\"6,0\";\"0,0\";;nee"$'\r$' pro.csv
"$bin" year-report --db demo.db --network "$network" --year 2026-2027 >none.csv 2>err.txt
check "without the file, the default rule: nothing below three meetings" grep -q "^$network;Anna de Vries;CBS De Regenboog;deelnemer;1;\"0,0\";" none.csv

"$bin" year-report --db demo.db --all --year 2026-2027 --lang en --to all.csv >out.txt 2>err.txt
check "year-report --all --to exits 0" test $? -eq 0
check "it says what it wrote" grep -q "wrote all.csv: year report 2026-2027 of 1 network(s)" out.txt
check "the English CSV has English headers" grep -q $'^\xEF\xBB\xBFNetwork;School year;Planned;Held;' all.csv

# HTML: one printable page.
"$bin" year-report --db demo.db --network "$network" --year 2026-2027 --format html --to jaar.html >out.txt 2>err.txt
check "year-report --format html exits 0" test $? -eq 0
check "it says what it wrote" grep -q "wrote jaar.html: year report 2026-2027 of $network" out.txt
check "the page is a standalone HTML document" grep -q '^<!DOCTYPE html>$' jaar.html
check "the page has its title" grep -q "<title>Jaaroverzicht 2026-2027 — $network</title>" jaar.html
check "the page can be printed" grep -q "@media print" jaar.html
check "the page ends its document" grep -q '^</html>$' jaar.html
check "the page has the network's heading" grep -q "<h2>$network</h2>" jaar.html
check "the page shows meetings held against the cap" grep -q "van max. 4 gehouden" jaar.html
check "the page has the members table" grep -q "<h3>Leden</h3>" jaar.html
"$bin" year-report --db demo.db --all --year 2026-2027 --format html --lang en >all.html 2>err.txt
check "an HTML report may go to stdout" test $? -eq 0
check "the English page names all networks" grep -q "<title>Year report 2026-2027 — all networks</title>" all.html

finish year-report
