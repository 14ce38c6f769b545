// `leernetwerk year-report`'s documents from a YearReport built by hand: what an academy
// administrator sees in Excel (CSV) and on the printed page (HTML), in Dutch and English.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/year_report_document.hpp"

using namespace leernetwerk;
using namespace leernetwerk::app;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;

namespace {

LocalTime at(int y, unsigned m, unsigned d, int hour, int minute) {
    return LocalDay{date::year{y} / date::month{m} / date::day{d}} + std::chrono::hours{hour} +
           std::chrono::minutes{minute};
}

YearReport lezen() {
    YearReport report;
    report.network_id = 1;
    report.network = "HSN-café Lezen";
    report.school_year = 2026;
    report.meeting_cap = 4;
    report.planned = 3;
    report.held = 2;
    report.cancelled = 1;
    report.hours_rule = "6 uur bij 3 bijeenkomsten";
    YearReportMeeting first;
    first.id = 3;
    first.local_start = at(2026, 10, 8, 15, 30);
    first.topic = "Begrijpend lezen; <b>start</b>";
    first.state = YearReportMeeting::State::held;
    first.coming = 9;
    first.present = 8;
    first.list_closed = true;
    first.members = 10;
    first.expert = "Dr. Jansen, Lezen BV";
    YearReportMeeting second = first;
    second.id = 4;
    second.local_start = at(2027, 1, 14, 15, 30);
    second.topic = "=HYPERLINK(\"x\")";
    second.present = 5;
    second.expert.clear();
    YearReportMeeting third;
    third.id = 5;
    third.local_start = at(2027, 3, 11, 15, 30);
    third.topic = "Woordenschat";
    third.state = YearReportMeeting::State::cancelled;
    report.meetings = {first, second, third};
    report.members = {{11, "Anne de Vries", "Het Kompas", "workshop_leader", 2, 45, 100, false},
                      {12, "Kees Klaassen", "De Linde", "participant", 1, 0, 0, true},
                      {-3, "", "", "", 1, 0, 0, false}};
    report.gifts = {{1, "Kees Klaassen", "De Linde", "Woordenschat", false}};
    report.experts = {{1, "Lezen", "Dr. Jansen, Lezen BV", {3}, "approved"}};
    report.evaluations = {{2, "Evaluatie oktober", 3, at(2026, 10, 9, 0, 0), 7, 3.5},
                          {3, "Evaluatie januari", 4, at(2027, 1, 15, 0, 0), 2, std::nullopt}};
    report.development_tenths = 45;
    report.task_tenths = 100;
    report.evaluation_trend = 0.4;
    return report;
}

YearReport rekenen() {
    YearReport report;
    report.network_id = 2;
    report.network = "HSN-café Rekenen";
    report.school_year = 2026;
    report.closed = true;
    report.members = {{21, "Piet", "De Linde", "organiser", 0, 0, 0, false}};
    return report;
}

/// The CSV's lines, without the byte order mark, split at CRLF.
std::vector<std::string> lines_of(const std::string& csv) {
    std::vector<std::string> lines;
    std::size_t from = 3;
    for (std::size_t end = csv.find("\r\n", from); end != std::string::npos;
         end = csv.find("\r\n", from)) {
        lines.push_back(csv.substr(from, end - from));
        from = end + 2;
    }
    return lines;
}

bool has_line(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

}  // namespace

TEST_CASE("year report CSV: tables Dutch Excel opens, a network column in each", "[year_report]") {
    const std::string csv = year_report_csv({lezen()}, Lang::nl);
    REQUIRE_THAT(csv, StartsWith("\xEF\xBB\xBF"));
    const auto lines = lines_of(csv);
    INFO(csv);
    CHECK(lines.front() ==
          "Netwerk;Schooljaar;Gepland;Gehouden;Afgelast;Max. bijeenkomsten;Urenregeling;"
          "Uren totaal;Taakuren totaal;Trend evaluaties;Jaar afgesloten");
    CHECK(has_line(lines,
                   "HSN-café Lezen;2026-2027;3;2;1;4;6 uur bij 3 bijeenkomsten;\"4,5\";"
                   "\"10,0\";\"0,4\";nee"));
    CHECK(has_line(lines,
                   "Netwerk;Nr.;Datum;Tijd;Onderwerp;Status;Komen;Aanwezig;% aanwezig;"
                   "Externe expert"));
    // A topic with a semicolon is quoted; one that a spreadsheet would run is defused.
    CHECK(has_line(lines,
                   "HSN-café Lezen;3;2026-10-08;15:30;\"Begrijpend lezen; <b>start</b>\";"
                   "gehouden;9;8;80;\"Dr. Jansen, Lezen BV\""));
    CHECK(has_line(lines,
                   "HSN-café Lezen;4;2027-01-14;15:30;\"'=HYPERLINK(\"\"x\"\")\";gehouden;"
                   "9;5;50;"));
    CHECK(has_line(lines, "HSN-café Lezen;5;2027-03-11;15:30;Woordenschat;afgelast;0;;;"));
    CHECK(has_line(lines, "Netwerk;Naam;School;Rol;Bijgewoond;Uren;Taakuren;Voorlopig"));
    CHECK(has_line(lines,
                   "HSN-café Lezen;Anne de Vries;Het Kompas;workshopleider;2;\"4,5\";"
                   "\"10,0\";"));
    CHECK(has_line(lines, "HSN-café Lezen;Kees Klaassen;De Linde;deelnemer;1;\"0,0\";\"0,0\";ja"));
    CHECK(has_line(lines, "HSN-café Lezen;(verwijderd lid);;(geen lid meer);1;\"0,0\";\"0,0\";"));
    CHECK(has_line(lines, "Netwerk;Nr.;Naam;School;Voorbereid;Gegeven"));
    CHECK(has_line(lines, "HSN-café Lezen;1;Kees Klaassen;De Linde;Woordenschat;nee"));
    CHECK(has_line(lines, "Netwerk;Nr.;Onderwerp;Externe expert;Bijeenkomsten;Status"));
    CHECK(has_line(lines, "HSN-café Lezen;1;Lezen;\"Dr. Jansen, Lezen BV\";3;goedgekeurd"));
    CHECK(has_line(lines, "Netwerk;Nr.;Evaluatie;Datum;Bijeenkomst;Antwoorden;Gemiddelde"));
    CHECK(has_line(lines, "HSN-café Lezen;2;Evaluatie oktober;2026-10-09;3;7;\"3,5\""));
    CHECK(has_line(lines,
                   "HSN-café Lezen;3;Evaluatie januari;2027-01-15;4;2;"
                   "te weinig antwoorden"));
}

TEST_CASE("year report CSV: --all puts every network in the same tables", "[year_report]") {
    const auto tables = year_report_tables({lezen(), rekenen()}, Lang::en);
    REQUIRE(tables.size() == 6);
    CHECK(tables[0].name == "Overview");
    REQUIRE(tables[0].rows.size() == 2);
    CHECK(tables[0].rows[1][0].text == "HSN-café Rekenen");
    CHECK(tables[0].rows[1][10].text == "yes");
    CHECK(tables[1].rows.size() == 3);  // Rekenen has no meetings
    REQUIRE(tables[2].rows.size() == 4);
    CHECK(tables[2].rows[3][0].text == "HSN-café Rekenen");
    CHECK(tables[2].rows[3][3].text == "organiser");
    // English decimals: a point.
    const auto lines = lines_of(year_report_csv({lezen(), rekenen()}, Lang::en));
    CHECK(has_line(lines, "HSN-café Lezen;Anne de Vries;Het Kompas;workshop leader;2;4.5;10.0;"));
    // No network: the headers still say what would be there.
    const auto empty = year_report_tables({}, Lang::nl);
    REQUIRE(empty.size() == 6);
    CHECK(empty[1].rows.empty());
    CHECK(empty[1].header.front() == "Netwerk");
}

TEST_CASE("year report HTML: one printable page, data escaped", "[year_report]") {
    const std::string html = year_report_html({lezen()}, {2026, false}, Lang::nl);
    CHECK_THAT(html, StartsWith("<!DOCTYPE html>\n<html lang=\"nl\">"));
    CHECK_THAT(html, Contains("<title>Jaaroverzicht 2026-2027 — HSN-café Lezen</title>"));
    CHECK_THAT(html, Contains("@media print"));
    CHECK_THAT(html, Contains("<h2>HSN-café Lezen</h2>"));
    CHECK_THAT(html,
               Contains("<p>Bijeenkomsten: 2 van max. 4 gehouden (3 gepland, 1 afgelast).</p>"));
    CHECK_THAT(html, Contains("<p>Uren totaal: 4,5; taakuren totaal: 10.</p>"));
    CHECK_THAT(html, Contains("<p>Urenregeling: 6 uur bij 3 bijeenkomsten.</p>"));
    CHECK_THAT(html, Contains("Trend van de evaluaties (laatste min eerste gemiddelde): +0,4."));
    CHECK_THAT(html, Contains("Begrijpend lezen; &lt;b&gt;start&lt;/b&gt;"));
    CHECK_THAT(html, !Contains("<b>start</b>"));
    CHECK_THAT(html, Contains("<td class=\"n\">80 %</td>"));
    CHECK_THAT(html, Contains("<tfoot><tr><td>Totaal</td><td></td><td></td><td></td>"
                              "<td class=\"n\">4,5</td><td class=\"n\">10</td><td></td></tr>\n"
                              "</tfoot>"));
    CHECK_THAT(html, Contains("<h3>Externe experts</h3>"));
    CHECK_THAT(html, Contains("<td>goedgekeurd</td>"));
    CHECK_THAT(html, EndsWith("</body>\n</html>\n"));
}

TEST_CASE("year report HTML: every network under its heading, in English", "[year_report]") {
    const std::string html = year_report_html({lezen(), rekenen()}, {2026, true}, Lang::en);
    CHECK_THAT(html, Contains("<html lang=\"en\">"));
    CHECK_THAT(html, Contains("<title>Year report 2026-2027 — all networks</title>"));
    CHECK_THAT(html, Contains("<h2>HSN-café Lezen</h2>"));
    CHECK_THAT(html, Contains("<h2>HSN-café Rekenen</h2>"));
    CHECK_THAT(html, Contains("Meetings: 0 held of at most 4 (0 planned, 0 cancelled)."));
    CHECK_THAT(html, Contains("No trend yet: fewer than two evaluations with an average."));
    CHECK_THAT(html, Contains("The year is closed (the gift list was sent)."));
    // Rekenen's empty tables say so instead of showing only a header.
    CHECK_THAT(html, Contains("<h3>Gifts</h3>\n<p>None.</p>"));
    CHECK_THAT(html, Contains("Evaluation trend (last minus first average): +0.4."));
    // --all names every network in the title, also when the database has only one.
    CHECK(year_report_title({lezen()}, {2026, true}, Lang::nl) ==
          "Jaaroverzicht 2026-2027 — alle netwerken");
}
