#include "adapters/teams/cards.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "adapters/teams/markdown_text.hpp"
#include "bot/vocab/text.hpp"
#include "bot/vocab/when.hpp"

namespace leernetwerk::teams {
namespace {

using Json = nlohmann::ordered_json;  // what we write: keys in a readable order
using nlohmann::json;                 // what we read

constexpr std::string_view kCardContentType = "application/vnd.microsoft.card.adaptive";
constexpr std::string_view kSchema = "http://adaptivecards.io/schemas/adaptive-card.json";
constexpr std::string_view kCardVersion = "1.5";

/// Second rendering pass when the first is too large: every text to this many characters.
constexpr std::size_t kTrimmedChars = 2000;
/// The notification preview ("summary") length in characters.
constexpr std::size_t kPreviewChars = 120;
/// A scale shows at most this many points side by side (a phone's width).
constexpr std::size_t kScalePointsPerRow = 5;
/// Bars in a summary are this many cells wide.
constexpr int kBarCells = 20;
/// Text inputs accept at most this many characters, so that even 4-byte characters stay within
/// the field cap that read_action_data enforces.
constexpr int kInputMaxLength = 1000;

using detail::balance_bold;
using detail::convert;
using detail::Target;
using detail::trimmed;

/// The minimal UI labels the adapter adds itself; every other text comes from the core.
struct Labels {
    std::string_view submit;
    std::string_view choose_up_to;  ///< {n}
    std::string_view required;
    std::string_view anonymous;
    std::string_view deadline;  ///< {when}
};

const Labels& labels(Lang lang) {
    static const Labels kNl{"Verstuur", "Kies maximaal {n}", "Verplicht", "Anoniem",
                            "Deadline: {when}"};
    static const Labels kEn{"Submit", "Choose up to {n}", "Required", "Anonymous",
                            "Deadline: {when}"};
    return lang == Lang::en ? kEn : kNl;
}

std::string fill(std::string_view pattern, std::string_view key, std::string_view value) {
    std::string out(pattern);
    const std::string placeholder = "{" + std::string(key) + "}";
    if (const auto pos = out.find(placeholder); pos != std::string::npos) {
        out.replace(pos, placeholder.size(), value);
    }
    return out;
}

std::string dump(const Json& j) {
    return j.dump(-1, ' ', false, Json::error_handler_t::replace);
}

/// The plain-text preview Teams shows in notifications: bold dropped, characters as typed.
std::string preview(std::string_view markdown) {
    std::string plain = convert(markdown, Target::plain, false);
    std::replace(plain.begin(), plain.end(), '\n', ' ');
    std::replace(plain.begin(), plain.end(), '\r', ' ');
    return trimmed(std::string(trim(plain)), kPreviewChars);
}

/// Builds one message; `cap` limits every text (0: unlimited).
class CardWriter {
public:
    CardWriter(const OutboundMessage& message, const RenderOptions& options, std::size_t cap)
        : message_(message), options_(options), cap_(cap), labels_(labels(message.lang)) {}

    /// Text in a card's markdown (TextBlock, Fact).
    std::string markdown(std::string_view core) const {
        auto text = trimmed(convert(core, Target::card, true), cap_);
        balance_bold(text);
        return text;
    }

    /// Text in the chat's markdown (a text message).
    std::string chat(std::string_view core) const {
        auto text = trimmed(convert(core, Target::chat, true), cap_);
        balance_bold(text);
        return text;
    }

    /// Text shown without markdown (button titles, choices, input labels): the characters as
    /// they are, bold markers dropped.
    std::string label(std::string_view core) const {
        return trimmed(convert(core, Target::plain, false), cap_);
    }

    /// A label of our own (from the two-language table).
    std::string ui(std::string_view text) const { return label(escape_markdown(text)); }

    Json text_block(std::string text,
                    std::initializer_list<std::pair<const char*, Json>> extra = {}) const {
        Json block{{"type", "TextBlock"}, {"text", std::move(text)}, {"wrap", true}};
        for (const auto& [key, value] : extra) {
            block[key] = value;
        }
        return block;
    }

    Json small_note(std::string text) const {
        return text_block(std::move(text), {{"size", "small"}, {"isSubtle", true}});
    }

    Json data(const std::string& action_id, const std::string* choice = nullptr) const {
        Json inner{{"action_id", action_id}};
        if (choice) {
            inner["choice"] = *choice;
        }
        return Json{{std::string(kDataKey), std::move(inner)}};
    }

    /// Action.Execute with an Action.Submit fallback carrying the same data.
    Json execute(std::string title, const Json& data) const {
        return Json{
            {"type", "Action.Execute"},
            {"title", title},
            {"verb", std::string(kVerb)},
            {"data", data},
            {"fallback", Json{{"type", "Action.Submit"}, {"title", title}, {"data", data}}}};
    }

    Json card(Json body) const {
        return Json{{"type", "AdaptiveCard"},
                    {"$schema", std::string(kSchema)},
                    {"version", std::string(kCardVersion)},
                    {"body", std::move(body)}};
    }

    Json operator()(const ChoiceQuestion& question) const {
        Json body = Json::array();
        body.push_back(text_block(markdown(question.prompt), {{"weight", "bolder"}}));
        if (!question.closed_note.empty()) {
            body.push_back(text_block(markdown(question.closed_note)));
            return card(std::move(body));
        }
        if (question.kind == ChoiceQuestion::Kind::multiple) {
            Json choices = Json::array();
            for (const auto& choice : question.choices) {
                choices.push_back(Json{{"title", label(choice.label)}, {"value", choice.id}});
            }
            const auto max = std::to_string(std::max(question.max_choices, 1));
            body.push_back(small_note(ui(fill(labels_.choose_up_to, "n", max))));
            Json set{{"type", "Input.ChoiceSet"},
                     {"id", "choices"},
                     {"isMultiSelect", true},
                     {"style", "expanded"},
                     {"choices", std::move(choices)}};
            if (!question.selected.empty()) {
                // Ticked beforehand: the values, comma-separated (Adaptive Cards' multi-select).
                std::string ticked;
                for (const auto& id : question.selected) {
                    ticked += (ticked.empty() ? "" : ",") + id;
                }
                set["value"] = ticked;
            }
            body.push_back(std::move(set));
            body.push_back(Json{
                {"type", "ActionSet"},
                {"actions", Json::array({execute(ui(labels_.submit), data(question.action_id))})}});
        } else if (question.kind == ChoiceQuestion::Kind::rating) {
            for (auto& row : scale_rows(question)) {
                body.push_back(std::move(row));
            }
            if (!question.low_label.empty() || !question.high_label.empty()) {
                body.push_back(scale_labels(question));
            }
        } else {
            Json actions = Json::array();
            for (const auto& choice : question.choices) {
                actions.push_back(
                    execute(label(choice.label), data(question.action_id, &choice.id)));
            }
            body.push_back(Json{{"type", "ActionSet"}, {"actions", std::move(actions)}});
        }
        if (question.anonymous) {
            body.push_back(small_note(ui(labels_.anonymous)));
        }
        if (question.deadline) {
            body.push_back(
                small_note(ui(fill(labels_.deadline, "when", deadline(*question.deadline)))));
        }
        return card(std::move(body));
    }

    Json operator()(const ShortForm& form) const {
        Json body = Json::array();
        body.push_back(
            text_block(markdown(form.title), {{"weight", "bolder"}, {"size", "medium"}}));
        if (!form.closed_note.empty()) {
            body.push_back(text_block(markdown(form.closed_note)));
            return card(std::move(body));
        }
        if (!form.intro.empty()) {
            body.push_back(text_block(markdown(form.intro)));
        }
        for (const auto& field : form.fields) {
            Json input;
            if (field.kind == FormField::Kind::toggle) {
                input = Json{{"type", "Input.Toggle"},
                             {"id", field.id},
                             {"title", label(field.label)},
                             {"valueOn", "true"},
                             {"valueOff", "false"}};
            } else {
                input = Json{{"type", "Input.Text"},
                             {"id", field.id},
                             {"label", label(field.label)},
                             {"maxLength", kInputMaxLength}};
                if (field.kind == FormField::Kind::multiline) {
                    input["isMultiline"] = true;
                }
                if (!field.placeholder.empty()) {
                    input["placeholder"] = label(field.placeholder);
                }
            }
            if (field.required) {
                input["isRequired"] = true;
                input["errorMessage"] = ui(labels_.required);
            }
            body.push_back(std::move(input));
        }
        const auto submit =
            form.submit_label.empty() ? ui(labels_.submit) : label(form.submit_label);
        body.push_back(Json{{"type", "ActionSet"},
                            {"actions", Json::array({execute(submit, data(form.action_id))})}});
        return card(std::move(body));
    }

    Json operator()(const Summary& summary) const {
        Json body = Json::array();
        body.push_back(
            text_block(markdown(summary.title), {{"weight", "bolder"}, {"size", "medium"}}));
        if (!summary.rows.empty()) {
            Json facts = Json::array();
            for (const auto& row : summary.rows) {
                facts.push_back(
                    Json{{"title", markdown(row.label)}, {"value", markdown(row.value)}});
            }
            body.push_back(Json{{"type", "FactSet"}, {"facts", std::move(facts)}});
        }
        for (const auto& bar : summary.bars) {
            body.push_back(bar_row(bar));
        }
        if (!summary.footnote.empty()) {
            body.push_back(small_note(markdown(summary.footnote)));
        }
        return card(std::move(body));
    }

    Json operator()(const TextContent&) const { return Json(); }
    Json operator()(const RosterQuery&) const { return Json(); }

    /// The chat message for text content: markdown, hard line breaks, native mentions.
    Json text_message(const TextContent& content) const {
        std::string text = chat(content.markdown);
        Json entities = Json::array();
        std::vector<std::pair<std::size_t, std::size_t>> tagged;  // inserted <at> ranges
        for (const auto& mention : content.mentions) {
            const auto ids = options_.mention_ids.find(mention.member_id);
            if (ids == options_.mention_ids.end() || ids->second.first.empty()) {
                continue;
            }
            const std::string& name =
                mention.display_name.empty() ? ids->second.second : mention.display_name;
            const std::string visible = convert(escape_markdown(name), Target::chat, false);
            if (visible.empty()) {
                continue;
            }
            // Inside <at>…</at> the name as the chat's HTML shows it: no markdown escapes.
            std::string at_name;
            for (const char c : convert(escape_markdown(name), Target::plain, false)) {
                at_name += c == '<'   ? "&lt;"
                           : c == '>' ? "&gt;"
                           : c == '&' ? "&amp;"
                                      : std::string(1, c);
            }
            const std::string at = "<at>" + at_name + "</at>";
            const auto pos = find_untagged(text, visible, tagged);
            if (pos == std::string::npos) {
                text += (text.empty() ? "" : " ");
                tagged.emplace_back(text.size(), at.size());
                text += at;
            } else {
                text.replace(pos, visible.size(), at);
                for (auto& range : tagged) {
                    if (range.first > pos) {
                        range.first += at.size() - visible.size();
                    }
                }
                tagged.emplace_back(pos, at.size());
            }
            entities.push_back(
                Json{{"type", "mention"},
                     {"text", at},
                     {"mentioned", Json{{"id", ids->second.first}, {"name", name}}}});
        }
        Json activity{{"type", "message"},
                      {"textFormat", "markdown"},
                      {"text", hard_breaks(text)},
                      {"summary", preview(content.markdown)}};
        if (!entities.empty()) {
            activity["entities"] = std::move(entities);
        }
        return activity;
    }

private:
    /// The first occurrence of `needle` outside the <at>…</at> ranges already inserted.
    static std::size_t find_untagged(const std::string& text, const std::string& needle,
                                     const std::vector<std::pair<std::size_t, std::size_t>>& tags) {
        for (auto pos = text.find(needle); pos != std::string::npos;
             pos = text.find(needle, pos + 1)) {
            const bool inside = std::any_of(tags.begin(), tags.end(), [&](const auto& range) {
                return pos < range.first + range.second && pos + needle.size() > range.first;
            });
            if (!inside) {
                return pos;
            }
        }
        return std::string::npos;
    }

    /// Teams chat treats a single newline as a soft break; "  \n" is a hard one everywhere.
    static std::string hard_breaks(const std::string& text) {
        std::string out;
        out.reserve(text.size() + text.size() / 16);
        for (const char c : text) {
            if (c == '\n') {
                out += "  ";
            }
            out += c;
        }
        return out;
    }

    std::string deadline(Instant instant) const {
        if (const auto local = to_local(instant, options_.time_zone)) {
            return format_moment(*local, message_.lang);
        }
        return format_moment(LocalTime{instant.time_since_epoch()}, message_.lang) + " UTC";
    }

    /// A scale's points as rows of tappable columns, at most five to a row: 1–5 in one row,
    /// 1–10 in two. Not an ActionSet: Teams shows at most six actions of one (the rest behind
    /// "…" on mobile, go-teams-notify #161, msteams-docs #5356) and on a phone lays a set out in
    /// a scrolling or stacked strip (AdaptiveCards #4758), so ten buttons took ten lines. A
    /// ColumnSet keeps its columns side by side on every screen, and a column with a
    /// selectAction is one tap, like a button (a compact Input.ChoiceSet would need a tap to
    /// open, one to choose and a submit).
    std::vector<Json> scale_rows(const ChoiceQuestion& question) const {
        const std::size_t points = question.choices.size();
        const std::size_t rows = (points + kScalePointsPerRow - 1) / kScalePointsPerRow;
        const std::size_t per_row = rows == 0 ? 0 : (points + rows - 1) / rows;
        std::vector<Json> out;
        for (std::size_t first = 0; first < points; first += per_row) {
            Json columns = Json::array();
            for (std::size_t i = first; i < std::min(points, first + per_row); ++i) {
                const auto& choice = question.choices[i];
                columns.push_back(Json{
                    {"type", "Column"},
                    {"width", "stretch"},
                    {"style", "emphasis"},
                    {"verticalContentAlignment", "center"},
                    {"selectAction",
                     execute(label(choice.label), data(question.action_id, &choice.id))},
                    {"items", Json::array({text_block(
                                  markdown(choice.label),
                                  {{"horizontalAlignment", "center"}, {"weight", "bolder"}})})}});
            }
            out.push_back(
                Json{{"type", "ColumnSet"}, {"spacing", "small"}, {"columns", std::move(columns)}});
        }
        return out;
    }

    Json scale_labels(const ChoiceQuestion& question) const {
        auto column = [&](const std::string& text, const char* align) {
            Json items = Json::array();
            if (!text.empty()) {
                items.push_back(text_block(
                    markdown(text),
                    {{"size", "small"}, {"isSubtle", true}, {"horizontalAlignment", align}}));
            }
            return Json{{"type", "Column"}, {"width", "stretch"}, {"items", std::move(items)}};
        };
        return Json{{"type", "ColumnSet"},
                    {"columns", Json::array({column(question.low_label, "left"),
                                             column(question.high_label, "right")})}};
    }

    Json bar_row(const Bar& bar) const {
        const double share = bar.max > 0 && std::isfinite(bar.value) && std::isfinite(bar.max)
                                 ? std::clamp(bar.value / bar.max, 0.0, 1.0)
                                 : 0.0;
        const int filled = static_cast<int>(std::lround(share * kBarCells));
        std::string cells;
        for (int i = 0; i < kBarCells; ++i) {
            cells += i < filled ? "\u2588" : "\u2591";  // █ filled, ░ empty
        }
        auto column = [](Json width, Json item) {
            return Json{{"type", "Column"},
                        {"width", std::move(width)},
                        {"items", Json::array({std::move(item)})}};
        };
        return Json{
            {"type", "ColumnSet"},
            {"columns",
             Json::array({column(3, text_block(markdown(bar.label))),
                          column(4, Json{{"type", "TextBlock"},
                                         {"text", cells},
                                         {"wrap", false},
                                         {"color", "accent"}}),
                          column(2, text_block(markdown(bar.display.empty() ? " " : bar.display),
                                               {{"horizontalAlignment", "right"}}))})}};
    }

    const OutboundMessage& message_;
    const RenderOptions& options_;
    std::size_t cap_;
    const Labels& labels_;
};

std::string card_preview(const Content& content) {
    if (const auto* question = std::get_if<ChoiceQuestion>(&content)) {
        return preview(question->prompt);
    }
    if (const auto* form = std::get_if<ShortForm>(&content)) {
        return preview(form->title);
    }
    if (const auto* summary = std::get_if<Summary>(&content)) {
        return preview(summary->title);
    }
    return {};
}

Json build_activity(const OutboundMessage& message, const RenderOptions& options, std::size_t cap) {
    const CardWriter writer(message, options, cap);
    if (const auto* text = std::get_if<TextContent>(&message.content)) {
        return writer.text_message(*text);
    }
    Json attachment{{"contentType", std::string(kCardContentType)},
                    {"content", std::visit(writer, message.content)}};
    return Json{{"type", "message"},
                {"summary", card_preview(message.content)},
                {"attachments", Json::array({std::move(attachment)})}};
}

}  // namespace

Result<std::string> render_activity(const OutboundMessage& message, const RenderOptions& options) {
    if (std::holds_alternative<RosterQuery>(message.content)) {
        return fail(ErrorCode::bad_input, "a roster query is a request, not a message");
    }
    try {
        std::size_t size = 0;
        for (const std::size_t cap : {std::size_t{0}, kTrimmedChars}) {
            auto body = dump(build_activity(message, options, cap));
            if (body.size() <= kMaxActivityBytes) {
                return body;
            }
            size = body.size();
        }
        return fail(ErrorCode::bad_input, "Teams message too large: " + std::to_string(size) +
                                              " bytes after trimming long texts (at most " +
                                              std::to_string(kMaxActivityBytes) + ")");
    } catch (const std::exception& e) {
        return fail(ErrorCode::bad_input,
                    std::string("Teams message cannot be rendered: ") + e.what());
    }
}

std::optional<std::string> render_card(const OutboundMessage& message,
                                       const RenderOptions& options) {
    try {
        if (std::holds_alternative<TextContent>(message.content)) {
            return std::nullopt;
        }
        std::string card;
        for (const std::size_t cap : {std::size_t{0}, kTrimmedChars}) {
            card = dump(std::visit(CardWriter(message, options, cap), message.content));
            if (card.size() <= kMaxActivityBytes) {
                break;
            }
        }
        return card;  // the trimmed card even when still large: render_activity reports that
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::string invoke_card_response(const std::string& card_json) {
    try {
        Json card = Json::parse(card_json, nullptr, false);
        if (card.is_discarded() || !card.is_object()) {
            return invoke_error_response(500, "InternalServerError", "card could not be rendered");
        }
        return dump(Json{{"statusCode", 200},
                         {"type", std::string(kCardContentType)},
                         {"value", std::move(card)}});
    } catch (const std::exception&) {
        return invoke_error_response(500, "InternalServerError", "card could not be rendered");
    }
}

std::string invoke_message_response(std::string_view text) {
    return dump(Json{{"statusCode", 200},
                     {"type", "application/vnd.microsoft.activity.message"},
                     {"value", std::string(text)}});
}

std::string invoke_error_response(int status, std::string_view code, std::string_view message) {
    return dump(
        Json{{"statusCode", status},
             {"type", "application/vnd.microsoft.error"},
             {"value", Json{{"code", std::string(code)}, {"message", std::string(message)}}}});
}

}  // namespace leernetwerk::teams
