// Card data members send back (Action.Submit values, invoke action data): untrusted, so read
// with caps on nesting, sizes and counts; anything else is refused.
#include <exception>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/net/json_limits.hpp"
#include "adapters/teams/cards.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::teams {
namespace {

using nlohmann::json;

// Caps on untrusted card data (Action.Submit value, invoke value.action.data).
constexpr std::size_t kMaxActionIdBytes = 200;
constexpr std::size_t kMaxChoiceBytes = 200;
constexpr std::size_t kMaxFieldBytes = 4000;
constexpr std::size_t kMaxFieldKeyBytes = 200;
constexpr std::size_t kMaxFields = 50;
constexpr std::size_t kMaxChoices = 50;
constexpr int kMaxDataNesting = 32;

std::optional<std::string> text_value(const json& value, std::size_t max_bytes, bool* too_long) {
    std::string text;
    if (value.is_string()) {
        text = value.get<std::string>();
    } else if (value.is_boolean()) {
        text = value.get<bool>() ? "true" : "false";
    } else if (value.is_number()) {
        text = value.dump();
    } else {
        return std::nullopt;  // null, objects and arrays carry no form value
    }
    if (text.size() > max_bytes) {
        *too_long = true;
        return std::nullopt;
    }
    return text;
}

std::optional<ActionSubmission> parse_action_data(std::string_view data_json) {
    if (!net::json_nesting_within(data_json, kMaxDataNesting)) {
        return std::nullopt;
    }
    const json data = json::parse(data_json, nullptr, false);
    if (data.is_discarded() || !data.is_object()) {
        return std::nullopt;
    }
    const auto ours = data.find(kDataKey);
    if (ours == data.end() || !ours->is_object()) {
        return std::nullopt;
    }
    const auto action_id = ours->find("action_id");
    if (action_id == ours->end() || !action_id->is_string()) {
        return std::nullopt;
    }
    ActionSubmission action;
    action.action_id = action_id->get<std::string>();
    if (action.action_id.empty() || action.action_id.size() > kMaxActionIdBytes) {
        return std::nullopt;
    }
    if (const auto choice = ours->find("choice"); choice != ours->end() && choice->is_string()) {
        auto id = choice->get<std::string>();
        if (id.size() > kMaxChoiceBytes) {
            return std::nullopt;
        }
        if (!id.empty()) {
            action.choice_ids.push_back(std::move(id));
        }
    }
    if (const auto choices = data.find("choices"); choices != data.end()) {
        std::vector<std::string> parts;
        if (choices->is_string()) {
            const auto& joined = choices->get_ref<const std::string&>();
            if (joined.size() > kMaxFieldBytes) {
                return std::nullopt;
            }
            parts = split(joined, ',');
        } else if (choices->is_array()) {
            for (const auto& item : *choices) {
                if (item.is_string()) {
                    parts.push_back(item.get<std::string>());
                }
            }
        }
        for (auto& part : parts) {
            if (part.size() > kMaxChoiceBytes) {
                return std::nullopt;
            }
            if (!part.empty() && std::find(action.choice_ids.begin(), action.choice_ids.end(),
                                           part) == action.choice_ids.end()) {
                action.choice_ids.push_back(std::move(part));
            }
        }
        if (action.choice_ids.size() > kMaxChoices) {
            return std::nullopt;
        }
    }
    for (const auto& [key, value] : data.items()) {
        if (key == kDataKey || key == "choices") {
            continue;
        }
        bool too_long = false;
        auto text = text_value(value, kMaxFieldBytes, &too_long);
        if (too_long || key.size() > kMaxFieldKeyBytes) {
            return std::nullopt;
        }
        if (!text) {
            continue;
        }
        if (action.fields.size() == kMaxFields) {
            return std::nullopt;
        }
        action.fields.emplace(key, std::move(*text));
    }
    return action;
}

}  // namespace

std::optional<ActionSubmission> read_action_data(std::string_view data_json) {
    try {
        return parse_action_data(data_json);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace leernetwerk::teams
