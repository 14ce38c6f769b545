#pragma once
// Internal to the core: what an event brings besides what someone said or clicked, decided here
// so that adapters only translate (platform_events.cpp). Called from Bot's apply step.
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {

/// Saves what the event carries about its conversation (InboundEvent::conversation_ref and
/// adapter_state) in the event's transaction; runs also for an event applied before.
void save_platform_facts(Store& store, const InboundEvent& event, Instant now);

/// An encrypted conversation the bot cannot read: without a sender, the note that it cannot read
/// there; with one (they addressed the bot there), a note to them there and a hello in a private
/// chat. Said once per event id (the adapter makes it one per room, or one per message).
void cannot_read_conversation(Turn& turn);

/// For a click the platform answers in its own response (InboundEvent::reply_is_private): the
/// clicked card as this turn updated it, else the first text reply in the conversation.
std::optional<ClickAnswer> click_answer(Turn& turn);

}  // namespace leernetwerk::detail
