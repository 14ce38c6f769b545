#pragma once
// Rendering neutral content for Teams: text as a markdown message, choice questions, forms and
// summaries as Adaptive Cards (v1.5, Action.Execute with an Action.Submit fallback).
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "bot/vocab/content.hpp"
#include "bot/vocab/inbound.hpp"
#include "bot/vocab/result.hpp"

namespace leernetwerk::teams {

/// Teams refuses messages over about 28 KB.
inline constexpr std::size_t kMaxActivityBytes = 28 * 1024;

/// Card action data keys: every card action carries {"leernetwerk": {"action_id": …,
/// "choice": …}}; form inputs are keyed by field id, a multiple-choice set by "choices".
inline constexpr std::string_view kDataKey = "leernetwerk";
inline constexpr std::string_view kVerb = "leernetwerk.action";

struct RenderOptions {
    std::string time_zone = "Europe/Amsterdam";  ///< for deadlines
    /// Teams ids of mentioned members (member id → {"29:…" id, display name}).
    std::map<Id, std::pair<std::string, std::string>> mention_ids;
};

/// The Activity JSON (type "message") that sends `message`; an error when it cannot be made
/// small enough (over kMaxActivityBytes even after trimming long texts).
Result<std::string> render_activity(const OutboundMessage& message, const RenderOptions& options);

/// The Adaptive Card JSON of a card message (choice question, form, summary); nullopt for text.
std::optional<std::string> render_card(const OutboundMessage& message,
                                       const RenderOptions& options);

/// Invoke response bodies for adaptiveCard/action (PROTOCOLS.md §1.3).
std::string invoke_card_response(const std::string& card_json);
std::string invoke_message_response(std::string_view text);
std::string invoke_error_response(int status, std::string_view code, std::string_view message);

/// Reads the core's markdown dialect (see bot/content.hpp) into Teams markdown.
std::string to_teams_markdown(std::string_view core_markdown);

/// Reads card action data (Action.Submit `value`, or invoke `value.action.data`) into a neutral
/// action; nullopt when it carries no leernetwerk data.
std::optional<ActionSubmission> read_action_data(std::string_view data_json);

}  // namespace leernetwerk::teams
