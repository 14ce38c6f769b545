#include "bot/features/knowledge/knowledge.hpp"

#include <algorithm>
#include <array>
#include <map>

#include "bot/i18n/i18n.hpp"
#include "bot/features/polls/polls.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk {
namespace {

constexpr std::array<KnowledgeKind, 3> kKindsInOrder{KnowledgeKind::answer, KnowledgeKind::note,
                                                     KnowledgeKind::resource};

std::string zone_of(const Network& network) {
    return network.time_zone.empty() ? std::string{"Europe/Amsterdam"} : network.time_zone;
}

LocalDay local_day(Instant instant, const std::string& zone) {
    const auto local = to_local(instant, zone).value_or(LocalTime{instant.time_since_epoch()});
    return date::floor<date::days>(local);
}

/// Newlines and tabs as spaces: an entry's text on one line of a list.
std::string one_line(std::string_view text) {
    std::string out{trim(text)};
    for (char& c : out) {
        if (c == '\n' || c == '\r' || c == '\t') {
            c = ' ';
        }
    }
    return out;
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
    std::string out;
    for (const auto& part : parts) {
        if (!out.empty()) {
            out += separator;
        }
        out += part;
    }
    return out;
}

/// Author names by member id, looked up once per document.
class Authors {
public:
    Authors(Store& store, Lang lang) : store_(store), anonymous_(tr(lang, "knowledge.anonymous")) {}

    /// The author's display name, or "anoniem".
    const std::string& name(const KnowledgeEntry& entry) {
        if (!entry.author_member_id) {
            return anonymous_;
        }
        auto [it, added] = names_.try_emplace(*entry.author_member_id);
        if (added) {
            const auto member = store_.member(*entry.author_member_id);
            it->second = member ? member->display_name : anonymous_;
        }
        return it->second;
    }

private:
    Store& store_;
    std::string anonymous_;
    std::map<Id, std::string> names_;
};

/// A catalogue template with its {placeholders} filled in by `escape`d values (for HTML, where
/// tr()'s Markdown escaping would be wrong). The template itself is ours, escaped too.
template <typename Escape>
std::string fill(Lang lang, std::string_view key, const MessageArgs& args, Escape&& escape) {
    const std::string_view text = catalogue_template(lang, key);
    std::string out;
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '{') {
            const auto close = text.find('}', i);
            if (close != std::string_view::npos) {
                const auto name = text.substr(i + 1, close - i - 1);
                const auto found = std::find_if(args.begin(), args.end(),
                                                [&](const auto& arg) { return arg.first == name; });
                if (found != args.end()) {
                    out += escape(found->second);
                    i = close + 1;
                    continue;
                }
            }
        }
        const auto next = text.find('{', i + 1);
        const auto end = next == std::string_view::npos ? text.size() : next;
        out += escape(text.substr(i, end - i));
        i = end;
    }
    return out;
}

// ---- the harvest's content ---------------------------------------------------------------------

struct HarvestData {
    Network network;
    int school_year = 0;
    std::vector<Meeting> meetings;        ///< planned meetings of the year, by start
    std::vector<KnowledgeEntry> entries;  ///< active entries created in the year, oldest first
    std::vector<EvaluationResult> evaluations;  ///< evaluations closed in the year, oldest first
};

HarvestData harvest_data(Store& store, const Network& network, int school_year, Lang lang,
                         int min_respondents) {
    HarvestData data;
    data.network = network;
    data.school_year = school_year;
    const std::string zone = zone_of(network);
    for (auto& meeting : store.meetings_of(network.id)) {
        if (meeting.status == MeetingStatus::planned &&
            school_year_of(date::floor<date::days>(meeting.local_start)) == school_year) {
            data.meetings.push_back(std::move(meeting));
        }
    }
    for (auto& entry : store.knowledge_entries(network.id)) {
        if (entry.status == KnowledgeStatus::active &&
            school_year_of(local_day(entry.created_at, zone)) == school_year) {
            data.entries.push_back(std::move(entry));
        }
    }
    std::reverse(data.entries.begin(), data.entries.end());
    for (auto& evaluation : evaluation_results(store, network.id, lang, min_respondents)) {
        if (school_year_of(local_day(evaluation.closed_at, zone)) == school_year) {
            data.evaluations.push_back(std::move(evaluation));
        }
    }
    return data;
}

std::vector<const KnowledgeEntry*> of_kind(const HarvestData& data, KnowledgeKind kind) {
    std::vector<const KnowledgeEntry*> found;
    for (const auto& entry : data.entries) {
        if (entry.kind == kind) {
            found.push_back(&entry);
        }
    }
    return found;
}

std::string kind_key(std::string_view prefix, KnowledgeKind kind) {
    return std::string{prefix} + std::string{knowledge_kind_code(kind)};
}

// ---- CSV -------------------------------------------------------------------------------------

std::string iso_instant(Instant instant) {
    return date::format("%Y-%m-%dT%H:%M:%SZ", instant);
}

}  // namespace

bool is_web_link(std::string_view link) {
    const std::string lower = fold(link);
    std::size_t host_start = 0;
    if (lower.rfind("https://", 0) == 0) {
        host_start = 8;
    } else if (lower.rfind("http://", 0) == 0) {
        host_start = 7;
    } else {
        return false;
    }
    if (link.size() > 2000 || !is_valid_utf8(link)) {
        return false;
    }
    for (const char c : link) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte <= 0x20 || byte == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' ||
            c == '`') {
            return false;
        }
    }
    const auto host_end = link.find_first_of("/?#", host_start);
    const auto host =
        link.substr(host_start, host_end == std::string_view::npos ? std::string_view::npos
                                                                   : host_end - host_start);
    const auto at = host.rfind('@');  // user info is not allowed: it hides the real host
    return !host.empty() && at == std::string_view::npos && host.front() != '.' &&
           host.front() != ':';
}

std::string knowledge_export_markdown(Store& store, const Network& network, Lang lang,
                                      DocumentStyle style) {
    const bool file = style == DocumentStyle::markdown;
    const std::string zone = zone_of(network);
    Authors authors{store, lang};
    const std::string title = tr(lang, "doc.export_title", {{"network", network.name}});
    std::string out = file ? "# " + title + "\n\n" : "**" + title + "**\n\n";
    const auto entries = store.knowledge_entries(network.id);
    if (entries.empty()) {
        out += tr(lang, "doc.export_none") + "\n";
        return out;
    }
    for (const auto& entry : entries) {
        const std::string heading =
            "#" + std::to_string(entry.number) + " " + escape_markdown(entry.title);
        out += file ? "## " + heading + "\n\n" : "**" + heading + "**\n";
        std::vector<std::string> meta{tr(lang, kind_key("knowledge.kind.", entry.kind)),
                                      escape_markdown(authors.name(entry)),
                                      format_day(local_day(entry.created_at, zone), lang)};
        if (entry.status == KnowledgeStatus::retired) {
            meta.push_back(tr(lang, "knowledge.retired_mark"));
        }
        out += join(meta, " · ") + "\n";
        if (!trim(entry.body).empty()) {
            out += (file ? "\n" : "") + escape_markdown(trim(entry.body)) + "\n";
        }
        if (!entry.link.empty()) {
            out += (file ? "\n" : "") + tr(lang, "doc.link", {{"link", entry.link}}) + "\n";
        }
        if (!entry.tags.empty()) {
            out += (file ? "\n" : "") + tr(lang, "doc.tags", {{"tags", join(entry.tags, ", ")}}) +
                   "\n";
        }
        std::vector<std::string> shared;
        for (const Id id : store.knowledge_shares(entry.id)) {
            if (const auto other = store.network(id)) {
                shared.push_back(other->name);
            }
        }
        if (!shared.empty()) {
            out += (file ? "\n" : "") +
                   tr(lang, "doc.shared_with", {{"networks", join(shared, ", ")}}) + "\n";
        }
        out += "\n";
    }
    return out;
}

Table knowledge_export_table(Store& store, const Network& network, Lang lang) {
    Authors authors{store, lang};
    Table table;
    table.name = tr(lang, "knowledge.csv.sheet");
    for (const auto* column : {"number", "kind", "status", "title", "body", "link", "tags",
                               "author", "question", "created_at", "updated_at"}) {
        table.header.push_back(tr(lang, std::string("knowledge.csv.") + column));
    }
    for (const auto& entry : store.knowledge_entries(network.id)) {
        // Numbers as members of the network see them ("kennis 5", "vraag 7"), not ids.
        const auto question = entry.question_id ? store.question(*entry.question_id) : std::nullopt;
        table.rows.push_back(
            {TableCell::integer(entry.number),
             TableCell::of(tr(lang, kind_key("knowledge.kind.", entry.kind))),
             TableCell::of(tr(lang, entry.status == KnowledgeStatus::retired
                                        ? "knowledge.retired_mark"
                                        : "knowledge.csv.active")),
             TableCell::of(entry.title), TableCell::of(entry.body), TableCell::of(entry.link),
             TableCell::of(join(entry.tags, ", ")),
             TableCell::of(entry.author_member_id ? authors.name(entry) : std::string{}),
             question ? TableCell::integer(question->number) : TableCell::empty(),
             TableCell::of(iso_instant(entry.created_at)),
             TableCell::of(iso_instant(entry.updated_at))});
    }
    return table;
}

std::string knowledge_export_csv(Store& store, const Network& network, Lang lang) {
    return tables_to_csv({knowledge_export_table(store, network, lang)}, lang);
}

std::string harvest_markdown(Store& store, const Network& network, int school_year, Lang lang,
                             DocumentStyle style, int min_respondents) {
    const bool file = style == DocumentStyle::markdown;
    const HarvestData data = harvest_data(store, network, school_year, lang, min_respondents);
    const std::string zone = zone_of(network);
    Authors authors{store, lang};
    const auto section = [file](const std::string& title, int level) {
        return file ? std::string(static_cast<std::size_t>(level), '#') + " " + title + "\n\n"
                    : "**" + title + "**\n";
    };

    std::string out =
        section(tr(lang, "harvest.title",
                   {{"year", school_year_label(school_year)}, {"network", network.name}}),
                1);
    if (!trim(network.theme).empty()) {
        out += tr(lang, "harvest.theme", {{"theme", one_line(network.theme)}}) + "\n";
    }
    out += "\n";
    const auto text_or_unset = [&](const std::string& text) {
        return trim(text).empty() ? tr(lang, "harvest.not_set") : escape_markdown(one_line(text));
    };
    out +=
        section(tr(lang, "harvest.question"), 2) + text_or_unset(network.central_question) + "\n\n";
    out += section(tr(lang, "harvest.ambition"), 2) + text_or_unset(network.ambition) + "\n\n";

    out += section(tr(lang, "harvest.meetings"), 2);
    if (data.meetings.empty()) {
        out += tr(lang, "harvest.no_meetings") + "\n";
    }
    for (const auto& meeting : data.meetings) {
        const std::string topic =
            trim(meeting.topic).empty() ? tr(lang, "harvest.no_topic") : one_line(meeting.topic);
        out += "- " +
               tr(lang, "harvest.meeting_line",
                  {{"when", format_moment(meeting.local_start, lang)}, {"topic", topic}}) +
               "\n";
    }
    out += "\n";

    out += section(tr(lang, "harvest.evaluations"), 2);
    if (data.evaluations.empty()) {
        out += tr(lang, "harvest.no_evaluations") + "\n";
    }
    for (const auto& evaluation : data.evaluations) {
        out += (file ? "" : "\n") +
               section(tr(lang, "harvest.evaluation_line",
                          {{"title", evaluation.title},
                           {"date", format_day(local_day(evaluation.closed_at, zone), lang)},
                           {"count", std::to_string(evaluation.respondents)},
                           {"invited", std::to_string(evaluation.invited)}}),
                       3);
        if (!evaluation.shown) {
            out += tr(lang, "harvest.evaluation_too_few",
                      {{"min", std::to_string(evaluation.minimum)}}) +
                   "\n";
        }
        for (const auto& row : evaluation.results) {
            out += "- **" + row.label + "**: " + row.value + "\n";
        }
        for (const auto& open : evaluation.open) {
            out += "- **" + open.label + "**\n";
            for (const auto& text : open.texts) {
                out += "  - " + escape_markdown(one_line(text)) + "\n";
            }
        }
        out += file ? "\n" : "";
    }
    out += file ? "" : "\n";

    out += section(tr(lang, "harvest.knowledge"), 2);
    if (data.entries.empty()) {
        out += tr(lang, "harvest.no_knowledge") + "\n";
    }
    for (const KnowledgeKind kind : kKindsInOrder) {
        const auto entries = of_kind(data, kind);
        if (entries.empty()) {
            continue;
        }
        out += (file ? "" : "\n") + section(tr(lang, kind_key("knowledge.kinds.", kind)), 3);
        for (const KnowledgeEntry* entry : entries) {
            std::string line = "- **" + escape_markdown(one_line(entry->title)) + "**";
            if (!trim(entry->body).empty()) {
                line += " — " + escape_markdown(one_line(entry->body));
            }
            if (!entry->link.empty()) {
                line += " — " + escape_markdown(entry->link);
            }
            line += " " + tr(lang, "harvest.entry_meta",
                             {{"author", authors.name(*entry)},
                              {"date", format_day(local_day(entry->created_at, zone), lang)}});
            out += line + "\n";
        }
        out += file ? "\n" : "";
    }
    return out;
}

std::string harvest_html(Store& store, const Network& network, int school_year, Lang lang,
                         int min_respondents) {
    const HarvestData data = harvest_data(store, network, school_year, lang, min_respondents);
    const std::string zone = zone_of(network);
    Authors authors{store, lang};
    const auto label = [lang](std::string_view key) { return escape_html(tr(lang, key)); };
    const auto html = [lang](std::string_view key, const MessageArgs& args) {
        return fill(lang, key, args, [](std::string_view text) { return escape_html(text); });
    };
    const std::string title = html(
        "harvest.title", {{"year", school_year_label(school_year)}, {"network", network.name}});

    std::string out = "<!DOCTYPE html>\n<html lang=\"" + std::string{lang_code(lang)} + "\">\n";
    out += "<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += "<title>" + title + "</title>\n";
    out +=
        "<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;"
        "padding:0 1rem;line-height:1.5;color:#1b1b1b}h1{font-size:1.7rem}h2{margin-top:2rem;"
        "border-bottom:1px solid #ddd}.meta{color:#666}li{margin:.4rem 0}</style>\n";
    out += "</head>\n<body>\n<h1>" + title + "</h1>\n";
    if (!trim(network.theme).empty()) {
        out += "<p>" + html("harvest.theme", {{"theme", one_line(network.theme)}}) + "</p>\n";
    }
    const auto text_or_unset = [&](const std::string& text) {
        return trim(text).empty() ? label("harvest.not_set") : escape_html(std::string{trim(text)});
    };
    out += "<h2>" + label("harvest.question") + "</h2>\n<p>" +
           text_or_unset(network.central_question) + "</p>\n";
    out += "<h2>" + label("harvest.ambition") + "</h2>\n<p>" + text_or_unset(network.ambition) +
           "</p>\n";

    out += "<h2>" + label("harvest.meetings") + "</h2>\n";
    if (data.meetings.empty()) {
        out += "<p>" + label("harvest.no_meetings") + "</p>\n";
    } else {
        out += "<ul>\n";
        for (const auto& meeting : data.meetings) {
            const std::string topic = trim(meeting.topic).empty() ? tr(lang, "harvest.no_topic")
                                                                  : one_line(meeting.topic);
            out += "<li>" +
                   html("harvest.meeting_line",
                        {{"when", format_moment(meeting.local_start, lang)}, {"topic", topic}}) +
                   "</li>\n";
        }
        out += "</ul>\n";
    }

    out += "<h2>" + label("harvest.evaluations") + "</h2>\n";
    if (data.evaluations.empty()) {
        out += "<p>" + label("harvest.no_evaluations") + "</p>\n";
    }
    const auto plain = [](const std::string& markdown) {
        return escape_html(markdown_to_plain(markdown));
    };
    for (const auto& evaluation : data.evaluations) {
        out += "<h3>" +
               html("harvest.evaluation_line",
                    {{"title", evaluation.title},
                     {"date", format_day(local_day(evaluation.closed_at, zone), lang)},
                     {"count", std::to_string(evaluation.respondents)},
                     {"invited", std::to_string(evaluation.invited)}}) +
               "</h3>\n";
        if (!evaluation.shown) {
            out +=
                "<p>" +
                html("harvest.evaluation_too_few", {{"min", std::to_string(evaluation.minimum)}}) +
                "</p>\n";
            continue;
        }
        out += "<ul>\n";
        for (const auto& row : evaluation.results) {
            out += "<li><strong>" + plain(row.label) + "</strong>: " + plain(row.value) + "</li>\n";
        }
        for (const auto& open : evaluation.open) {
            out += "<li><strong>" + plain(open.label) + "</strong><ul>\n";
            for (const auto& text : open.texts) {
                out += "<li>" + escape_html(one_line(text)) + "</li>\n";
            }
            out += "</ul></li>\n";
        }
        out += "</ul>\n";
    }

    out += "<h2>" + label("harvest.knowledge") + "</h2>\n";
    if (data.entries.empty()) {
        out += "<p>" + label("harvest.no_knowledge") + "</p>\n";
    }
    for (const KnowledgeKind kind : kKindsInOrder) {
        const auto entries = of_kind(data, kind);
        if (entries.empty()) {
            continue;
        }
        out += "<h3>" + label(kind_key("knowledge.kinds.", kind)) + "</h3>\n<ul>\n";
        for (const KnowledgeEntry* entry : entries) {
            out += "<li><strong>" + escape_html(one_line(entry->title)) + "</strong>";
            if (!trim(entry->body).empty()) {
                out += " — " + escape_html(one_line(entry->body));
            }
            if (is_web_link(entry->link)) {
                out += " — <a href=\"" + escape_html(entry->link) + "\">" +
                       escape_html(entry->link) + "</a>";
            }
            out += " <span class=\"meta\">" +
                   html("harvest.entry_meta",
                        {{"author", authors.name(*entry)},
                         {"date", format_day(local_day(entry->created_at, zone), lang)}}) +
                   "</span></li>\n";
        }
        out += "</ul>\n";
    }
    out += "</body>\n</html>\n";
    return out;
}

}  // namespace leernetwerk
