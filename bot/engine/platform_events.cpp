// What an event brings besides what someone said or clicked: where its conversation is reached,
// the notes about a conversation the bot cannot read, and which message answers a click in the
// platform's own response. The adapters used to decide these; now they only translate.
#include "bot/engine/platform_events.hpp"

namespace leernetwerk::detail {

void save_platform_facts(Store& store, const InboundEvent& event, Instant now) {
    if (event.conversation_ref) {
        store.save_conversation_ref(*event.conversation_ref);
    }
    for (const auto& [key, value] : event.adapter_state) {
        store.set_adapter_state(key, value, now);
    }
}

namespace {

/// Appends a message as it is (no cause, no prompt: a notice about the platform, not an answer
/// to a member) and counts it as this turn's.
void append_notice(Turn& turn, const OutboundMessage& message) {
    const auto id = turn.store.append_outbox(message, turn.now);
    turn.sent.push_back(id);
    ++turn.messages;
}

}  // namespace

void cannot_read_conversation(Turn& turn) {
    const auto& event = turn.event;
    const auto lang = turn.settings.default_language;
    OutboundMessage notice;
    notice.to.platform = event.conversation.platform;
    notice.to.conversation_id = event.conversation.id;
    notice.lang = lang;
    if (event.sender.user_id.empty()) {
        notice.content = TextContent{tr(lang, "matrix.encrypted_room"), {}};
        append_notice(turn, notice);
        return;
    }
    notice.content =
        TextContent{tr(lang, "matrix.encrypted_room_reach", {{"user", event.sender.user_id}}), {}};
    append_notice(turn, notice);
    OutboundMessage hello;
    hello.to.platform = event.conversation.platform;
    hello.to.user_id = event.sender.user_id;
    hello.to.direct = true;
    hello.lang = lang;
    hello.content = TextContent{tr(lang, "matrix.encrypted_room_private"), {}};
    append_notice(turn, hello);
}

std::optional<ClickAnswer> click_answer(Turn& turn) {
    const auto& event = turn.event;
    if (event.kind != InboundEvent::Kind::action || !event.reply_is_private) {
        return std::nullopt;
    }
    const auto& clicked = event.action.message_remote_id;
    for (const auto id : turn.sent) {
        const auto row = turn.store.outbox_row(id);
        if (!row || !row->message.replaces || clicked.empty()) {
            continue;
        }
        const auto original = turn.store.outbox_row(*row->message.replaces);
        if (original && original->remote_id == clicked) {
            return ClickAnswer{id, row->message, true};
        }
    }
    for (const auto id : turn.sent) {
        const auto row = turn.store.outbox_row(id);
        if (row && !row->message.replaces &&
            std::holds_alternative<TextContent>(row->message.content) &&
            row->message.to.conversation_id == event.conversation.id) {
            return ClickAnswer{id, row->message, false};
        }
    }
    return std::nullopt;
}

}  // namespace leernetwerk::detail
