#include "adapters/matrix/render.hpp"

#include <algorithm>
#include <vector>

#include <nlohmann/json.hpp>

#include "bot/vocab/text.hpp"

namespace leernetwerk::matrix {
namespace {

using nlohmann::json;

constexpr std::string_view kSpecials = "\\*_[]<>`#|~";

/// One line of the dialect, inline markup only: bold and escapes. Bold left open is closed.
std::string inline_html(std::string_view line) {
    std::string out;
    bool bold = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        if (c == '\\' && i + 1 < line.size() && kSpecials.find(line[i + 1]) != kSpecials.npos) {
            out += escape_html(line.substr(i + 1, 1));
            ++i;
        } else if (c == '*' && i + 1 < line.size() && line[i + 1] == '*') {
            out += bold ? "</strong>" : "<strong>";
            bold = !bold;
            ++i;
        } else {
            out += escape_html(line.substr(i, 1));
        }
    }
    if (bold) {
        out += "</strong>";
    }
    return out;
}

std::string plain(std::string_view markdown) {
    return markdown_to_plain(markdown);
}

bool dutch(Lang lang) {
    return lang == Lang::nl;
}

/// Cuts UTF-8 text to at most `bytes` bytes without splitting a character.
std::string cut_utf8(std::string_view text, std::size_t bytes) {
    if (text.size() <= bytes) {
        return std::string(text);
    }
    std::size_t end = bytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        --end;
    }
    return std::string(text.substr(0, end)) + "…";
}

struct TextVisitor {
    Lang lang;

    RenderedText operator()(const TextContent& text) const {
        return {plain(text.markdown), markdown_to_html(text.markdown)};
    }

    RenderedText operator()(const ChoiceQuestion& question) const {
        RenderedText out{plain(question.prompt), markdown_to_html(question.prompt)};
        if (!question.closed_note.empty()) {
            out.body += "\n\n" + plain(question.closed_note);
            out.html += "<br><br><em>" + markdown_to_html(question.closed_note) + "</em>";
            return out;
        }
        // A scale whose points are just their numbers fits on one line ("1 · 2 · … · 10").
        bool plain_scale = question.kind == ChoiceQuestion::Kind::rating;
        for (std::size_t i = 0; i < question.choices.size() && plain_scale; ++i) {
            plain_scale = plain(question.choices[i].label) == std::to_string(i + 1);
        }
        std::string labels;
        if (plain_scale) {
            // With what the ends mean on the same line: "1 · 2 · 3 · 4 · 5 (1 = …, 5 = …)".
            std::string line;
            for (std::size_t i = 0; i < question.choices.size(); ++i) {
                line += (i ? " · " : "") + std::to_string(i + 1);
            }
            if (!question.low_label.empty() || !question.high_label.empty()) {
                line += " (1 = " + plain(question.low_label) + ", " +
                        std::to_string(question.choices.size()) + " = " +
                        plain(question.high_label) + ")";
            }
            out.body += "\n" + line;
            out.html += "<p>" + escape_html(line) + "</p>";
            labels = "\"1\", \"" + std::to_string(question.choices.size()) + "\"";
        } else {
            out.html += "<ol>";
            for (std::size_t i = 0; i < question.choices.size(); ++i) {
                const auto label = plain(question.choices[i].label);
                out.body += "\n" + std::to_string(i + 1) + ". " + label;
                out.html += "<li>" + markdown_to_html(question.choices[i].label) + "</li>";
                if (i < 3) {
                    labels += (labels.empty() ? "" : ", ") + ("\"" + label + "\"");
                }
            }
            out.html += "</ol>";
        }
        std::string hint;
        if (question.kind == ChoiceQuestion::Kind::multiple) {
            hint = dutch(lang) ? "Antwoord met de nummers van je keuzes, bijvoorbeeld \"1, 3\"."
                               : "Answer with the numbers of your choices, e.g. \"1, 3\".";
        } else {
            hint = dutch(lang)
                       ? "Antwoord met het nummer of de tekst van je keuze (" + labels + ")."
                       : "Answer with the number or the text of your choice (" + labels + ").";
        }
        if (question.anonymous) {
            hint += dutch(lang) ? " Je antwoord is anoniem." : " Your answer is anonymous.";
        }
        out.body += "\n\n" + hint;
        out.html += "<em>" + escape_html(hint) + "</em>";
        return out;
    }

    RenderedText operator()(const ShortForm& form) const {
        RenderedText out{plain(form.title),
                         "<strong>" + markdown_to_html(form.title) + "</strong>"};
        if (!form.intro.empty()) {
            out.body += "\n" + plain(form.intro);
            out.html += "<br>" + markdown_to_html(form.intro);
        }
        if (!form.closed_note.empty()) {
            out.body += "\n\n" + plain(form.closed_note);
            out.html += "<br><br><em>" + markdown_to_html(form.closed_note) + "</em>";
            return out;
        }
        if (!form.fields.empty()) {
            out.html += "<ul>";
            for (const auto& field : form.fields) {
                const auto required =
                    field.required ? (dutch(lang) ? " (verplicht)" : " (required)") : std::string();
                out.body += "\n- " + plain(field.label) + required;
                out.html +=
                    "<li>" + markdown_to_html(field.label) + escape_html(required) + "</li>";
            }
            out.html += "</ul>";
        }
        return out;
    }

    RenderedText operator()(const RosterQuery&) const { return {}; }  // a request, not shown

    RenderedText operator()(const Summary& summary) const {
        RenderedText out{plain(summary.title),
                         "<strong>" + markdown_to_html(summary.title) + "</strong>"};
        if (!summary.rows.empty() || !summary.bars.empty()) {
            out.html += "<table><tbody>";
        }
        for (const auto& row : summary.rows) {
            out.body += "\n" + plain(row.label) + ": " + plain(row.value);
            out.html += "<tr><th>" + markdown_to_html(row.label) + "</th><td>" +
                        markdown_to_html(row.value) + "</td></tr>";
        }
        for (const auto& bar : summary.bars) {
            constexpr int kWidth = 10;
            int filled = 0;
            if (bar.max > 0 && bar.value > 0) {
                filled = static_cast<int>(bar.value / bar.max * kWidth + 0.5);
                filled = std::min(kWidth, std::max(0, filled));
            }
            std::string drawn;
            for (int i = 0; i < kWidth; ++i) {
                drawn += i < filled ? "█" : "░";
            }
            out.body += "\n" + plain(bar.label) + ": " + drawn + " " + plain(bar.display);
            out.html += "<tr><th>" + markdown_to_html(bar.label) + "</th><td>" + drawn + " " +
                        markdown_to_html(bar.display) + "</td></tr>";
        }
        if (!summary.rows.empty() || !summary.bars.empty()) {
            out.html += "</tbody></table>";
        }
        if (!summary.footnote.empty()) {
            out.body += "\n\n" + plain(summary.footnote);
            out.html += "<em>" + markdown_to_html(summary.footnote) + "</em>";
        }
        return out;
    }
};

/// Replaces the first occurrence of each mentioned name in the HTML by a pill; returns the ids.
std::vector<std::string> add_pills(const Content& content, std::string& html,
                                   const RenderOptions& options) {
    std::vector<std::string> user_ids;
    const auto* text = std::get_if<TextContent>(&content);
    if (!text || !options.user_of_member) {
        return user_ids;
    }
    for (const auto& mention : text->mentions) {
        const auto user_id = options.user_of_member(mention.member_id);
        if (user_id.empty()) {
            continue;
        }
        user_ids.push_back(user_id);
        const auto name = escape_html(mention.display_name);
        const auto pill = "<a href=\"https://matrix.to/#/" + escape_html(user_id) + "\">" +
                          (name.empty() ? escape_html(user_id) : name) + "</a>";
        const auto at = name.empty() ? std::string::npos : html.find(name);
        if (at != std::string::npos) {
            html.replace(at, name.size(), pill);
        } else {
            html += " " + pill;
        }
    }
    return user_ids;
}

json text_content(const RenderedText& text, const std::vector<std::string>& user_ids) {
    json content = {{"msgtype", "m.notice"},
                    {"body", text.body},
                    {"format", "org.matrix.custom.html"},
                    {"formatted_body", text.html}};
    content["m.mentions"] = json::object();
    if (!user_ids.empty()) {
        content["m.mentions"]["user_ids"] = user_ids;
    }
    return content;
}

}  // namespace

std::string markdown_to_html(std::string_view markdown) {
    std::string out;
    bool in_list = false;
    bool need_break = false;
    std::size_t start = 0;
    while (start <= markdown.size()) {
        auto end = markdown.find('\n', start);
        if (end == std::string_view::npos) {
            end = markdown.size();
        }
        auto line = markdown.substr(start, end - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.size() >= 2 && line.substr(0, 2) == "- ") {
            if (!in_list) {
                out += "<ul>";
                in_list = true;
            }
            out += "<li>" + inline_html(line.substr(2)) + "</li>";
            need_break = false;
        } else {
            if (in_list) {
                out += "</ul>";
                in_list = false;
                need_break = false;
                if (line.empty() && end < markdown.size()) {
                    start = end + 1;  // the blank line after a list is the list's own margin
                    continue;
                }
            }
            if (need_break) {
                out += "<br>";
            }
            out += inline_html(line);
            need_break = true;
        }
        if (end == markdown.size()) {
            break;
        }
        start = end + 1;
    }
    if (in_list) {
        out += "</ul>";
    }
    return out;
}

RenderedText render_text(const Content& content, Lang lang) {
    return std::visit(TextVisitor{lang}, content);
}

std::string render_message(const OutboundMessage& message, std::string_view replaces_event_id,
                           const RenderOptions& options) {
    auto text = render_text(message.content, message.lang);
    const auto user_ids = add_pills(message.content, text.html, options);
    auto build = [&](const RenderedText& rendered) {
        auto content = text_content(rendered, user_ids);
        if (!replaces_event_id.empty()) {
            json edit = text_content({"* " + rendered.body, "* " + rendered.html}, {});
            edit["m.new_content"] = std::move(content);
            edit["m.relates_to"] = {{"rel_type", "m.replace"},
                                    {"event_id", std::string(replaces_event_id)}};
            return edit;
        }
        const auto& thread = message.to.thread_id;
        if (!thread.empty() && thread.front() == '$') {
            // In the thread of that event; clients without threads show it as a reply to it.
            content["m.relates_to"] = {{"rel_type", "m.thread"},
                                       {"event_id", thread},
                                       {"is_falling_back", true},
                                       {"m.in_reply_to", {{"event_id", thread}}}};
        }
        return content;
    };
    auto content = build(text);
    auto dumped = content.dump(-1, ' ', false, json::error_handler_t::replace);
    if (dumped.size() > options.max_content_bytes) {
        // Too long for one event: the plain text, trimmed, in both fields.
        const auto budget = options.max_content_bytes / 3;
        RenderedText trimmed;
        trimmed.body = cut_utf8(text.body, budget);
        trimmed.html = escape_html(trimmed.body);
        while (trimmed.html.size() > budget && trimmed.body.size() > 16) {
            trimmed.body = cut_utf8(trimmed.body, trimmed.body.size() / 2);
            trimmed.html = escape_html(trimmed.body);
        }
        dumped = build(trimmed).dump(-1, ' ', false, json::error_handler_t::replace);
    }
    return dumped;
}

namespace {

constexpr std::size_t kMaxPollAnswers = 20;
constexpr std::size_t kMaxScalePollPoints = 5;

std::string dump(const json& content) {
    return content.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

bool is_poll(const OutboundMessage& message) {
    const auto* question = std::get_if<ChoiceQuestion>(&message.content);
    if (!question || question->anonymous || question->choices.empty() ||
        question->choices.size() > kMaxPollAnswers) {
        return false;
    }
    // A poll shows one answer per row: a scale of more than five points (1–10) would fill a
    // phone's screen, so it goes as text, its points on one line, answered by typing a number.
    if (question->kind == ChoiceQuestion::Kind::rating &&
        question->choices.size() > kMaxScalePollPoints) {
        return false;
    }
    return std::all_of(question->choices.begin(), question->choices.end(),
                       [](const Choice& choice) { return !choice.id.empty(); });
}

RenderedEvent render_event(const OutboundMessage& message, std::string_view replaces_event_id,
                           const RenderOptions& options) {
    RenderedEvent text{"m.room.message", ""};
    if (!is_poll(message)) {
        text.content = render_message(message, replaces_event_id, options);
        return text;
    }
    const auto& question = std::get<ChoiceQuestion>(message.content);
    if (!question.closed_note.empty()) {
        if (replaces_event_id.empty()) {
            // Closed before it was ever sent: nothing to end, just the text.
            text.content = render_message(message, replaces_event_id, options);
            return text;
        }
        json end = {{"m.relates_to",
                     {{"rel_type", "m.reference"}, {"event_id", std::string(replaces_event_id)}}},
                    {"org.matrix.msc3381.poll.end", json::object()},
                    {"org.matrix.msc1767.text",
                     cut_utf8(plain(question.closed_note), options.max_content_bytes / 3)}};
        return {"org.matrix.msc3381.poll.end", dump(end)};
    }
    if (!replaces_event_id.empty()) {
        // An open poll changed: a poll start cannot be edited; the text edit is the best left.
        text.content = render_message(message, replaces_event_id, options);
        return text;
    }
    json answers = json::array();
    for (const auto& choice : question.choices) {
        answers.push_back({{"id", choice.id}, {"org.matrix.msc1767.text", plain(choice.label)}});
    }
    int max_selections = 1;
    if (question.kind == ChoiceQuestion::Kind::multiple) {
        max_selections =
            std::clamp(question.max_choices, 1, static_cast<int>(question.choices.size()));
    }
    json start = {{"org.matrix.msc3381.poll.start",
                   {{"question", {{"org.matrix.msc1767.text", plain(question.prompt)}}},
                    {"kind", "org.matrix.msc3381.poll.disclosed"},
                    {"max_selections", max_selections},
                    {"answers", std::move(answers)}}},
                  {"org.matrix.msc1767.text", render_text(message.content, message.lang).body}};
    auto dumped = dump(start);
    if (dumped.size() > options.max_content_bytes) {
        // Too long for one event: the trimmed numbered text instead (typing still answers it).
        text.content = render_message(message, replaces_event_id, options);
        return text;
    }
    return {"org.matrix.msc3381.poll.start", std::move(dumped)};
}

}  // namespace leernetwerk::matrix
