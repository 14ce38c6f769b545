// A network's school year as CSV tables and as one printable HTML page (`leernetwerk
// year-report`). Both render the same tables, so the page and the spreadsheet never disagree.
#include "app/year_report_document.hpp"

#include <algorithm>
#include <cstdio>
#include <initializer_list>
#include <sstream>
#include <string_view>

#include "bot/vocab/text.hpp"
#include "bot/vocab/when.hpp"

namespace leernetwerk::app {
namespace {

/// Everything the documents say themselves, per language; the data comes from the report.
struct Labels {
    std::string_view title;  ///< {year}
    std::string_view all_networks;
    // The tables: a sheet's name, a heading on the page.
    std::string_view overview, meetings, members, gifts, experts, evaluations;
    // Columns.
    std::string_view network, school_year, planned, held, cancelled, cap, hours_rule, hours_total,
        task_hours_total, trend, closed;
    std::string_view number, date, time, topic, state, coming, present, present_share, expert;
    std::string_view name, school, role, attended, hours, task_hours, provisional;
    std::string_view prepared, given, meeting_numbers, status;
    std::string_view evaluation, meeting, respondents, average;
    // Values.
    std::string_view yes, no, state_planned, state_held, state_cancelled;
    std::string_view erased, not_a_member, too_few;
    // The page's sentences.
    std::string_view held_of_cap;  ///< {held} {cap} {planned} {cancelled}
    std::string_view totals;       ///< {hours} {task}
    std::string_view rule;         ///< {rule}
    std::string_view trend_line;   ///< {trend}
    std::string_view no_trend, year_closed, year_open, none, total;
};

const Labels& labels(Lang lang) {
    static const Labels kNl{
        .title = "Jaaroverzicht {year}",
        .all_networks = "alle netwerken",
        .overview = "Overzicht",
        .meetings = "Bijeenkomsten",
        .members = "Leden",
        .gifts = "Bedankjes",
        .experts = "Externe experts",
        .evaluations = "Evaluaties",
        .network = "Netwerk",
        .school_year = "Schooljaar",
        .planned = "Gepland",
        .held = "Gehouden",
        .cancelled = "Afgelast",
        .cap = "Max. bijeenkomsten",
        .hours_rule = "Urenregeling",
        .hours_total = "Uren totaal",
        .task_hours_total = "Taakuren totaal",
        .trend = "Trend evaluaties",
        .closed = "Jaar afgesloten",
        .number = "Nr.",
        .date = "Datum",
        .time = "Tijd",
        .topic = "Onderwerp",
        .state = "Status",
        .coming = "Komen",
        .present = "Aanwezig",
        .present_share = "% aanwezig",
        .expert = "Externe expert",
        .name = "Naam",
        .school = "School",
        .role = "Rol",
        .attended = "Bijgewoond",
        .hours = "Uren",
        .task_hours = "Taakuren",
        .provisional = "Voorlopig",
        .prepared = "Voorbereid",
        .given = "Gegeven",
        .meeting_numbers = "Bijeenkomsten",
        .status = "Status",
        .evaluation = "Evaluatie",
        .meeting = "Bijeenkomst",
        .respondents = "Antwoorden",
        .average = "Gemiddelde",
        .yes = "ja",
        .no = "nee",
        .state_planned = "gepland",
        .state_held = "gehouden",
        .state_cancelled = "afgelast",
        .erased = "(verwijderd lid)",
        .not_a_member = "(geen lid meer)",
        .too_few = "te weinig antwoorden",
        .held_of_cap =
            "Bijeenkomsten: {held} van max. {cap} gehouden ({planned} gepland, "
            "{cancelled} afgelast).",
        .totals = "Uren totaal: {hours}; taakuren totaal: {task}.",
        .rule = "Urenregeling: {rule}.",
        .trend_line = "Trend van de evaluaties (laatste min eerste gemiddelde): {trend}.",
        .no_trend = "Nog geen trend: minder dan twee evaluaties met een gemiddelde.",
        .year_closed = "Het jaar is afgesloten (de bedankjeslijst is verstuurd).",
        .year_open = "Het jaar is nog niet afgesloten; open aanwezigheidslijsten zijn voorlopig.",
        .none = "Geen.",
        .total = "Totaal",
    };
    static const Labels kEn{
        .title = "Year report {year}",
        .all_networks = "all networks",
        .overview = "Overview",
        .meetings = "Meetings",
        .members = "Members",
        .gifts = "Gifts",
        .experts = "External experts",
        .evaluations = "Evaluations",
        .network = "Network",
        .school_year = "School year",
        .planned = "Planned",
        .held = "Held",
        .cancelled = "Cancelled",
        .cap = "Max. meetings",
        .hours_rule = "Hours rule",
        .hours_total = "Hours total",
        .task_hours_total = "Task hours total",
        .trend = "Evaluation trend",
        .closed = "Year closed",
        .number = "No.",
        .date = "Date",
        .time = "Time",
        .topic = "Topic",
        .state = "State",
        .coming = "Coming",
        .present = "Present",
        .present_share = "% present",
        .expert = "External expert",
        .name = "Name",
        .school = "School",
        .role = "Role",
        .attended = "Attended",
        .hours = "Hours",
        .task_hours = "Task hours",
        .provisional = "Provisional",
        .prepared = "Prepared",
        .given = "Given",
        .meeting_numbers = "Meetings",
        .status = "Status",
        .evaluation = "Evaluation",
        .meeting = "Meeting",
        .respondents = "Answers",
        .average = "Average",
        .yes = "yes",
        .no = "no",
        .state_planned = "planned",
        .state_held = "held",
        .state_cancelled = "cancelled",
        .erased = "(erased member)",
        .not_a_member = "(no longer a member)",
        .too_few = "too few answers",
        .held_of_cap =
            "Meetings: {held} held of at most {cap} ({planned} planned, {cancelled} "
            "cancelled).",
        .totals = "Hours total: {hours}; task hours total: {task}.",
        .rule = "Hours rule: {rule}.",
        .trend_line = "Evaluation trend (last minus first average): {trend}.",
        .no_trend = "No trend yet: fewer than two evaluations with an average.",
        .year_closed = "The year is closed (the gift list was sent).",
        .year_open = "The year is not closed yet; open attendance lists are provisional.",
        .none = "None.",
        .total = "Total",
    };
    return lang == Lang::en ? kEn : kNl;
}

/// `pattern` with each {key} replaced by its value.
std::string fill(std::string_view pattern,
                 std::initializer_list<std::pair<std::string_view, std::string>> values) {
    std::string out(pattern);
    for (const auto& [key, value] : values) {
        const std::string placeholder = "{" + std::string(key) + "}";
        if (const auto at = out.find(placeholder); at != std::string::npos) {
            out.replace(at, placeholder.size(), value);
        }
    }
    return out;
}

std::string_view role_label(std::string_view code, Lang lang) {
    const bool en = lang == Lang::en;
    const auto role = parse_role_code(code);
    if (!role) {
        return labels(lang).not_a_member;
    }
    switch (*role) {
        case Role::participant:
            return en ? "participant" : "deelnemer";
        case Role::organiser:
            return en ? "organiser" : "organisator";
        case Role::facilitator:
            return "facilitator";  // the same word in both languages
        case Role::workshop_leader:
            return en ? "workshop leader" : "workshopleider";
        case Role::expert:
            return "expert";
        case Role::guest:
            return en ? "guest" : "gast";
    }
    return code;
}

std::string_view expert_status_label(std::string_view code, Lang lang) {
    const bool en = lang == Lang::en;
    const auto status = parse_expert_request_status_code(code);
    if (!status) {
        return code;
    }
    switch (*status) {
        case ExpertRequestStatus::pending:
            return en ? "waiting for the adviser" : "wacht op de adviseur";
        case ExpertRequestStatus::approved:
            return en ? "approved" : "goedgekeurd";
        case ExpertRequestStatus::declined:
            return en ? "declined" : "afgewezen";
        case ExpertRequestStatus::withdrawn:
            return en ? "withdrawn" : "ingetrokken";
    }
    return code;
}

std::string_view state_label(YearReportMeeting::State state, const Labels& words) {
    switch (state) {
        case YearReportMeeting::State::planned:
            return words.state_planned;
        case YearReportMeeting::State::held:
            return words.state_held;
        case YearReportMeeting::State::cancelled:
            return words.state_cancelled;
    }
    return words.state_planned;
}

TableCell text(std::string_view value) {
    return TableCell::of(std::string(value));
}

/// Hours kept in tenths as a number with one decimal ("4,5" in a Dutch Excel).
TableCell hours_cell(int tenths) {
    return TableCell::decimal(tenths / 10.0);
}

std::vector<std::string> header(std::initializer_list<std::string_view> names) {
    return {names.begin(), names.end()};
}

/// "2026-10-08": a date every Excel reads as a date, whatever its language.
std::string iso_day(LocalDay day) {
    std::ostringstream out;
    out << date::year_month_day{day};
    return out.str();
}

std::string meeting_numbers(const std::vector<Id>& ids) {
    std::string out;
    for (const Id id : ids) {
        out += (out.empty() ? "" : ", ") + std::to_string(id);
    }
    return out;
}

Table overview_table(const YearReport& report, const Labels& words) {
    Table table{std::string(words.overview),
                header({words.network, words.school_year, words.planned, words.held,
                        words.cancelled, words.cap, words.hours_rule, words.hours_total,
                        words.task_hours_total, words.trend, words.closed}),
                {}};
    table.rows.push_back({
        text(report.network),
        text(school_year_label(report.school_year)),
        TableCell::integer(report.planned),
        TableCell::integer(report.held),
        TableCell::integer(report.cancelled),
        TableCell::integer(report.meeting_cap),
        text(report.hours_rule),
        hours_cell(report.development_tenths),
        hours_cell(report.task_tenths),
        report.evaluation_trend ? TableCell::decimal(*report.evaluation_trend) : TableCell::empty(),
        text(report.closed ? words.yes : words.no),
    });
    return table;
}

Table meetings_table(const YearReport& report, const Labels& words) {
    Table table{
        std::string(words.meetings),
        header({words.network, words.number, words.date, words.time, words.topic, words.state,
                words.coming, words.present, words.present_share, words.expert}),
        {}};
    for (const YearReportMeeting& meeting : report.meetings) {
        const LocalDay day = date::floor<date::days>(meeting.local_start);
        const auto time_of_day =
            std::chrono::duration_cast<std::chrono::minutes>(meeting.local_start - day);
        const bool held = meeting.state == YearReportMeeting::State::held;
        table.rows.push_back({
            text(report.network),
            TableCell::integer(meeting.id),
            text(iso_day(day)),
            text(format_time_of_day(time_of_day)),
            text(meeting.topic),
            text(state_label(meeting.state, words)),
            TableCell::integer(meeting.coming),
            held ? TableCell::integer(meeting.present) : TableCell::empty(),
            held && meeting.members > 0
                ? TableCell::percent(static_cast<double>(meeting.present) / meeting.members)
                : TableCell::empty(),
            text(meeting.expert),
        });
    }
    return table;
}

Table members_table(const YearReport& report, const Labels& words, Lang lang) {
    Table table{std::string(words.members),
                header({words.network, words.name, words.school, words.role, words.attended,
                        words.hours, words.task_hours, words.provisional}),
                {}};
    for (const YearReportMember& member : report.members) {
        table.rows.push_back({
            text(report.network),
            text(member.member_id < 0 ? words.erased : std::string_view(member.name)),
            text(member.school),
            text(role_label(member.role, lang)),
            TableCell::integer(member.attended),
            hours_cell(member.development_tenths),
            hours_cell(member.task_tenths),
            text(member.provisional ? words.yes : ""),
        });
    }
    return table;
}

Table gifts_table(const YearReport& report, const Labels& words) {
    Table table{std::string(words.gifts),
                header({words.network, words.number, words.name, words.school, words.prepared,
                        words.given}),
                {}};
    for (const YearReportGift& gift : report.gifts) {
        table.rows.push_back({
            text(report.network),
            TableCell::integer(gift.number),
            text(gift.name.empty() ? words.erased : std::string_view(gift.name)),
            text(gift.school),
            text(gift.prepared),
            text(gift.given ? words.yes : words.no),
        });
    }
    return table;
}

Table experts_table(const YearReport& report, const Labels& words, Lang lang) {
    Table table{std::string(words.experts),
                header({words.network, words.number, words.topic, words.expert,
                        words.meeting_numbers, words.status}),
                {}};
    for (const YearReportExpert& expert : report.experts) {
        table.rows.push_back({
            text(report.network),
            TableCell::integer(expert.number),
            text(expert.topic),
            text(expert.expert),
            text(meeting_numbers(expert.meeting_ids)),
            text(expert_status_label(expert.status, lang)),
        });
    }
    return table;
}

Table evaluations_table(const YearReport& report, const Labels& words) {
    Table table{std::string(words.evaluations),
                header({words.network, words.number, words.evaluation, words.date, words.meeting,
                        words.respondents, words.average}),
                {}};
    for (const YearReportEvaluation& evaluation : report.evaluations) {
        table.rows.push_back({
            text(report.network),
            TableCell::integer(evaluation.poll_number),
            text(evaluation.title),
            text(iso_day(date::floor<date::days>(evaluation.local_date))),
            evaluation.meeting_id ? TableCell::integer(*evaluation.meeting_id) : TableCell::empty(),
            TableCell::integer(evaluation.respondents),
            evaluation.average ? TableCell::decimal(*evaluation.average) : text(words.too_few),
        });
    }
    return table;
}

/// One report's tables, in the order both documents show them; the network column first.
std::vector<Table> tables_of(const YearReport& report, Lang lang) {
    const Labels& words = labels(lang);
    return {overview_table(report, words),      meetings_table(report, words),
            members_table(report, words, lang), gifts_table(report, words),
            experts_table(report, words, lang), evaluations_table(report, words)};
}

// ---- the page ---------------------------------------------------------------------------------

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.4;color:#1b1b1b}h1{font-size:1.6rem}h2{margin-top:2.5rem;border-bottom:2px "
    "solid #333}h3{margin:1.5rem 0 .4rem;font-size:1.1rem}table{border-collapse:collapse;"
    "width:100%;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;"
    "vertical-align:top}th{background:#f0f0f0}td.n{text-align:right;white-space:nowrap}"
    "tfoot td{font-weight:bold}.summary p{margin:.2rem 0}"
    "@media print{body{max-width:none;margin:0;font-size:10pt}h2{break-before:page}"
    "h2:first-of-type{break-before:auto}table,tr{break-inside:avoid}th{background:none}}";

/// A cell on the page: "6" rather than "6,0", a percentage with its sign.
std::string page_cell(const TableCell& cell, Lang lang) {
    std::string shown = cell_text(cell, lang);
    if (cell.kind == TableCell::Kind::decimal && shown.size() > 2 &&
        shown.ends_with(lang == Lang::nl ? ",0" : ".0")) {
        shown.resize(shown.size() - 2);
    }
    if (cell.kind == TableCell::Kind::percent) {
        shown += lang == Lang::nl ? " %" : "%";
    }
    return escape_html(shown);
}

std::string table_row(const std::vector<TableCell>& cells, std::size_t from, Lang lang) {
    std::string out = "<tr>";
    for (std::size_t i = from; i < cells.size(); ++i) {
        const bool number = cells[i].kind != TableCell::Kind::text;
        out += (number ? "<td class=\"n\">" : "<td>") + page_cell(cells[i], lang) + "</td>";
    }
    return out + "</tr>\n";
}

/// A table without its network column (the page has a heading per network); `footer`, when
/// given, is a totals row in the same columns.
std::string html_table(const Table& table, Lang lang, const std::vector<TableCell>& footer = {}) {
    std::string out = "<h3>" + escape_html(table.name) + "</h3>\n";
    if (table.rows.empty()) {
        return out + "<p>" + escape_html(labels(lang).none) + "</p>\n";
    }
    out += "<table>\n<thead><tr>";
    for (std::size_t i = 1; i < table.header.size(); ++i) {
        out += "<th>" + escape_html(table.header[i]) + "</th>";
    }
    out += "</tr></thead>\n<tbody>\n";
    for (const auto& row : table.rows) {
        out += table_row(row, 1, lang);
    }
    out += "</tbody>\n";
    if (!footer.empty()) {
        out += "<tfoot>" + table_row(footer, 1, lang) + "</tfoot>\n";
    }
    return out + "</table>\n";
}

/// "4,5" (nl) or "4.5" (en), without a trailing ",0".
std::string hours_text(int tenths, Lang lang) {
    return page_cell(hours_cell(tenths), lang);
}

/// "+0,4" or "-0,3": which way the evaluations went.
std::string trend_text(double trend, Lang lang) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%+.1f", trend);
    std::string shown = buffer;
    if (lang == Lang::nl) {
        std::replace(shown.begin(), shown.end(), '.', ',');
    }
    return shown;
}

/// The sentences above a network's tables: held against the cap, totals, the rule, the trend.
std::string summary(const YearReport& report, Lang lang) {
    const Labels& words = labels(lang);
    const auto line = [](const std::string& sentence) {
        return "<p>" + escape_html(sentence) + "</p>\n";
    };
    std::string out = "<div class=\"summary\">\n";
    out += line(fill(words.held_of_cap, {{"held", std::to_string(report.held)},
                                         {"cap", std::to_string(report.meeting_cap)},
                                         {"planned", std::to_string(report.planned)},
                                         {"cancelled", std::to_string(report.cancelled)}}));
    out += line(fill(words.totals, {{"hours", hours_text(report.development_tenths, lang)},
                                    {"task", hours_text(report.task_tenths, lang)}}));
    if (!report.hours_rule.empty()) {
        out += line(fill(words.rule, {{"rule", report.hours_rule}}));
    }
    out +=
        line(report.evaluation_trend
                 ? fill(words.trend_line, {{"trend", trend_text(*report.evaluation_trend, lang)}})
                 : std::string(words.no_trend));
    out += line(std::string(report.closed ? words.year_closed : words.year_open));
    return out + "</div>\n";
}

std::string network_section(const YearReport& report, Lang lang) {
    const Labels& words = labels(lang);
    const std::vector<Table> tables = tables_of(report, lang);
    std::string out = "<h2>" + escape_html(report.network) + "</h2>\n" + summary(report, lang);
    // tables[0] is the overview: the summary above says it in sentences.
    for (std::size_t i = 1; i < tables.size(); ++i) {
        const bool members = tables[i].name == words.members;
        const std::vector<TableCell> totals =
            members ? std::vector<TableCell>{text(report.network),
                                             text(words.total),
                                             TableCell::empty(),
                                             TableCell::empty(),
                                             TableCell::empty(),
                                             hours_cell(report.development_tenths),
                                             hours_cell(report.task_tenths),
                                             TableCell::empty()}
                    : std::vector<TableCell>{};
        out += html_table(tables[i], lang, totals);
    }
    return out;
}

}  // namespace

std::vector<Table> year_report_tables(const std::vector<YearReport>& reports, Lang lang) {
    std::vector<Table> tables;
    for (const YearReport& report : reports) {
        std::vector<Table> own = tables_of(report, lang);
        if (tables.empty()) {
            tables = std::move(own);
            continue;
        }
        for (std::size_t i = 0; i < tables.size(); ++i) {
            tables[i].rows.insert(tables[i].rows.end(), own[i].rows.begin(), own[i].rows.end());
        }
    }
    if (tables.empty()) {
        // No network at all: the headers still say what would be there.
        tables = tables_of(YearReport{}, lang);
        for (Table& table : tables) {
            table.rows.clear();
        }
    }
    return tables;
}

std::string year_report_csv(const std::vector<YearReport>& reports, Lang lang) {
    return tables_to_csv(year_report_tables(reports, lang), lang);
}

std::string year_report_title(const std::vector<YearReport>& reports, YearReportScope scope,
                              Lang lang) {
    const Labels& words = labels(lang);
    const std::string year = fill(words.title, {{"year", school_year_label(scope.school_year)}});
    const bool one = !scope.all_networks && reports.size() == 1;
    return year + " — " + (one ? reports.front().network : std::string(words.all_networks));
}

std::string year_report_html(const std::vector<YearReport>& reports, YearReportScope scope,
                             Lang lang) {
    const std::string title = escape_html(year_report_title(reports, scope, lang));
    std::string out = "<!DOCTYPE html>\n<html lang=\"" + std::string{lang_code(lang)} + "\">\n";
    out += "<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += "<title>" + title + "</title>\n<style>" + std::string(kStyle) + "</style>\n";
    out += "</head>\n<body>\n<h1>" + title + "</h1>\n";
    for (const YearReport& report : reports) {
        out += network_section(report, lang);
    }
    return out + "</body>\n</html>\n";
}

}  // namespace leernetwerk::app
