#pragma once
// When a reply never reached the member it answered: the platform refused it, or it could not be
// delivered while it was still useful. The core then tells that member another way where it can
// (detail, in delivery_notice.cpp): a reply in a group goes to them privately, with what it said;
// a private reply that failed goes to their account on another platform, or, when they wrote in
// a group, a short word there (never its content) says how to open a private chat with the bot.
#include <optional>
#include <string_view>

#include "bot/engine/bot.hpp"

namespace leernetwerk::detail {

inline constexpr std::string_view kDeliveryNoticeJob = "delivery_notice";

/// Inside the transaction that gives outbox row `outbox_id` up: schedules the notice when the row
/// answered a member's message (OutboundMessage::cause). True when one was scheduled.
bool schedule_delivery_notice(Store& store, Id outbox_id, Instant now);

/// When the row a kDeliveryNoticeJob is about was a member-list request (RosterQuery): the
/// "failed" roster event the platform never sent, to apply as if it had. nullopt otherwise.
std::optional<InboundEvent> given_up_roster_answer(Store& store, const Job& job);

/// Runs a kDeliveryNoticeJob: appends the notice, or nothing when no other way is known (the row,
/// its cause or the member are gone, or the member has no other conversation with the bot).
void run_delivery_notice(Store& store, const BotSettings& settings, const Job& job, Instant now);

}  // namespace leernetwerk::detail
