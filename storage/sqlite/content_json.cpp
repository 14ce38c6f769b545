#include "storage/sqlite/content_json.hpp"

#include <cmath>
#include <limits>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "bot/ports/store.hpp"

namespace leernetwerk::storage {
namespace {

using nlohmann::json;

/// A field that is missing or of the wrong type makes the whole row corrupt.
template <typename T>
T field(const json& object, const char* key) {
    return object.at(key).get<T>();
}

const json& array_field(const json& object, const char* key) {
    const json& value = object.at(key);
    if (!value.is_array()) {
        throw StoreError(std::string{"'"} + key + "' is not an array");
    }
    return value;
}

std::string_view choice_kind_code(ChoiceQuestion::Kind kind) {
    switch (kind) {
        case ChoiceQuestion::Kind::single:
            return "single";
        case ChoiceQuestion::Kind::multiple:
            return "multiple";
        case ChoiceQuestion::Kind::rating:
            return "rating";
    }
    return "single";
}

ChoiceQuestion::Kind parse_choice_kind(const std::string& code) {
    if (code == "single")
        return ChoiceQuestion::Kind::single;
    if (code == "multiple")
        return ChoiceQuestion::Kind::multiple;
    if (code == "rating")
        return ChoiceQuestion::Kind::rating;
    throw StoreError("unknown choice kind '" + code + "'");
}

std::string_view field_kind_code(FormField::Kind kind) {
    switch (kind) {
        case FormField::Kind::text:
            return "text";
        case FormField::Kind::multiline:
            return "multiline";
        case FormField::Kind::toggle:
            return "toggle";
    }
    return "text";
}

FormField::Kind parse_field_kind(const std::string& code) {
    if (code == "text")
        return FormField::Kind::text;
    if (code == "multiline")
        return FormField::Kind::multiline;
    if (code == "toggle")
        return FormField::Kind::toggle;
    throw StoreError("unknown form field kind '" + code + "'");
}

// JSON has no NaN or infinity: those are written as strings so that they round-trip too.
json number_to_json(double value) {
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "Infinity" : "-Infinity";
    return value;
}

double number_from_json(const json& value) {
    if (value.is_string()) {
        const auto& text = value.get_ref<const std::string&>();
        if (text == "NaN")
            return std::numeric_limits<double>::quiet_NaN();
        if (text == "Infinity")
            return std::numeric_limits<double>::infinity();
        if (text == "-Infinity")
            return -std::numeric_limits<double>::infinity();
        throw StoreError("not a number: '" + text + "'");
    }
    return value.get<double>();
}

json to_json_value(const TextContent& text) {
    json mentions = json::array();
    for (const Mention& mention : text.mentions) {
        mentions.push_back(
            {{"member_id", mention.member_id}, {"display_name", mention.display_name}});
    }
    return {{"type", "text"}, {"markdown", text.markdown}, {"mentions", std::move(mentions)}};
}

json to_json_value(const ChoiceQuestion& question) {
    json choices = json::array();
    for (const Choice& choice : question.choices) {
        choices.push_back({{"id", choice.id}, {"label", choice.label}});
    }
    json deadline = nullptr;
    if (question.deadline) {
        deadline = question.deadline->time_since_epoch().count();
    }
    return {{"type", "choice"},
            {"action_id", question.action_id},
            {"prompt", question.prompt},
            {"kind", choice_kind_code(question.kind)},
            {"choices", std::move(choices)},
            {"max_choices", question.max_choices},
            {"selected", question.selected},
            {"low_label", question.low_label},
            {"high_label", question.high_label},
            {"anonymous", question.anonymous},
            {"deadline", std::move(deadline)},
            {"closed_note", question.closed_note}};
}

json to_json_value(const ShortForm& form) {
    json fields = json::array();
    for (const FormField& item : form.fields) {
        fields.push_back({{"id", item.id},
                          {"label", item.label},
                          {"kind", field_kind_code(item.kind)},
                          {"required", item.required},
                          {"placeholder", item.placeholder}});
    }
    return {{"type", "form"},
            {"action_id", form.action_id},
            {"title", form.title},
            {"intro", form.intro},
            {"fields", std::move(fields)},
            {"submit_label", form.submit_label},
            {"closed_note", form.closed_note}};
}

json to_json_value(const RosterQuery& query) {
    return json{{"type", "roster_query"}, {"request_id", query.request_id}};
}

json to_json_value(const Summary& summary) {
    json rows = json::array();
    for (const SummaryRow& row : summary.rows) {
        rows.push_back({{"label", row.label}, {"value", row.value}});
    }
    json bars = json::array();
    for (const Bar& bar : summary.bars) {
        bars.push_back({{"label", bar.label},
                        {"value", number_to_json(bar.value)},
                        {"max", number_to_json(bar.max)},
                        {"display", bar.display}});
    }
    return {{"type", "summary"},
            {"title", summary.title},
            {"rows", std::move(rows)},
            {"bars", std::move(bars)},
            {"footnote", summary.footnote}};
}

TextContent text_from_json(const json& object) {
    TextContent text;
    text.markdown = field<std::string>(object, "markdown");
    for (const json& item : array_field(object, "mentions")) {
        text.mentions.push_back(
            {field<Id>(item, "member_id"), field<std::string>(item, "display_name")});
    }
    return text;
}

ChoiceQuestion choice_from_json(const json& object) {
    ChoiceQuestion question;
    question.action_id = field<std::string>(object, "action_id");
    question.prompt = field<std::string>(object, "prompt");
    question.kind = parse_choice_kind(field<std::string>(object, "kind"));
    for (const json& item : array_field(object, "choices")) {
        question.choices.push_back(
            {field<std::string>(item, "id"), field<std::string>(item, "label")});
    }
    question.max_choices = field<int>(object, "max_choices");
    // Rows written before issue 17 have no "selected".
    if (const auto selected = object.find("selected"); selected != object.end()) {
        for (const json& id : *selected) {
            question.selected.push_back(id.get<std::string>());
        }
    }
    question.low_label = field<std::string>(object, "low_label");
    question.high_label = field<std::string>(object, "high_label");
    question.anonymous = field<bool>(object, "anonymous");
    const json& deadline = object.at("deadline");
    if (!deadline.is_null()) {
        question.deadline = Instant{std::chrono::seconds{deadline.get<std::int64_t>()}};
    }
    question.closed_note = field<std::string>(object, "closed_note");
    return question;
}

ShortForm form_from_json(const json& object) {
    ShortForm form;
    form.action_id = field<std::string>(object, "action_id");
    form.title = field<std::string>(object, "title");
    form.intro = field<std::string>(object, "intro");
    for (const json& item : array_field(object, "fields")) {
        FormField form_field;
        form_field.id = field<std::string>(item, "id");
        form_field.label = field<std::string>(item, "label");
        form_field.kind = parse_field_kind(field<std::string>(item, "kind"));
        form_field.required = field<bool>(item, "required");
        form_field.placeholder = field<std::string>(item, "placeholder");
        form.fields.push_back(std::move(form_field));
    }
    form.submit_label = field<std::string>(object, "submit_label");
    form.closed_note = field<std::string>(object, "closed_note");
    return form;
}

Summary summary_from_json(const json& object) {
    Summary summary;
    summary.title = field<std::string>(object, "title");
    for (const json& item : array_field(object, "rows")) {
        summary.rows.push_back(
            {field<std::string>(item, "label"), field<std::string>(item, "value")});
    }
    for (const json& item : array_field(object, "bars")) {
        Bar bar;
        bar.label = field<std::string>(item, "label");
        bar.value = number_from_json(item.at("value"));
        bar.max = number_from_json(item.at("max"));
        bar.display = field<std::string>(item, "display");
        summary.bars.push_back(std::move(bar));
    }
    summary.footnote = field<std::string>(object, "footnote");
    return summary;
}

}  // namespace

std::string content_to_json(const Content& content) {
    const json value = std::visit([](const auto& item) { return to_json_value(item); }, content);
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

Content content_from_json(std::string_view text) {
    const json value = json::parse(text, nullptr, false);
    if (value.is_discarded() || !value.is_object()) {
        throw StoreError("outbox content is corrupt: not a JSON object");
    }
    try {
        const std::string type = field<std::string>(value, "type");
        if (type == "text")
            return text_from_json(value);
        if (type == "choice")
            return choice_from_json(value);
        if (type == "form")
            return form_from_json(value);
        if (type == "summary")
            return summary_from_json(value);
        if (type == "roster_query")
            return RosterQuery{field<std::string>(value, "request_id")};
        throw StoreError("unknown content type '" + type + "'");
    } catch (const json::exception& error) {
        throw StoreError(std::string{"outbox content is corrupt: "} + error.what());
    } catch (const StoreError& error) {
        throw StoreError(std::string{"outbox content is corrupt: "} + error.what());
    }
}

}  // namespace leernetwerk::storage
