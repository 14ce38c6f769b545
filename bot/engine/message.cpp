// Typed text: what is for the bot (ambient chatter in a group is not), answers to a question by
// reply, typed answers to a prompt or an open poll question, and otherwise a command for the router.
#include "bot/engine/turn.hpp"

#include <algorithm>
#include <set>

#include "bot/features/polls/ballot_box.hpp"
#include "bot/engine/delivery_notice.hpp"
#include "bot/engine/platform_events.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/seal.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/registry.hpp"
#include "bot/engine/turn.hpp"
#include "bot/features/network/network.hpp"

namespace leernetwerk::detail {

void handle_message(Turn& turn) {
    const auto text = strip_mention(turn.event.text, turn.settings.bot_name);
    // Members talking among themselves in a room the bot reads: only a command, or a reply to
    // one of the bot's messages, is for the bot; anything else gets no answer at all.
    const auto from_bot = [&](const std::string& remote_id) {
        return !remote_id.empty() &&
               turn.store.outbox_row_by_remote_id(turn.event.conversation.platform, remote_id);
    };
    const bool ambient = turn.event.ambient &&
                         turn.event.conversation.kind == Conversation::Kind::group &&
                         !from_bot(turn.event.reply_to_remote_id) &&
                         !from_bot(turn.event.conversation.thread_id);
    const auto typed_command = is_valid_utf8(text) ? parse_command(text) : std::nullopt;
    const bool about_privacy_or_joining =
        typed_command && (typed_command->key == "my_data" || typed_command->key == "forget_me" ||
                          typed_command->key == "join_network");
    if (turn.event.conversation.kind == Conversation::Kind::group && !about_privacy_or_joining) {
        // Someone writing in a network's conversation who is not in the network.
        if (const auto network_id = turn.store.network_of_conversation(
                turn.event.conversation.platform, turn.event.conversation.id)) {
            if (!turn.me || !turn.store.membership(*network_id, turn.me->id)) {
                if (const auto network = turn.store.network(*network_id)) {
                    explain_joining_once(turn, *network);
                }
            }
        }
    }
    if (ambient && (!is_valid_utf8(text) || !parse_command(text))) {
        return;
    }
    if (!is_valid_utf8(text)) {
        turn.reply_text("input.invalid_text");
        return;
    }
    if (trim(text).empty()) {
        turn.reply_text("input.empty");
        return;
    }
    const auto length = utf8_length(text);
    if (length > turn.settings.max_message_chars) {
        turn.reply_text("input.too_long",
                        {{"length", std::to_string(length)},
                         {"max", std::to_string(turn.settings.max_message_chars)}});
        return;
    }
    if (!turn.event.reply_to_remote_id.empty() || !turn.event.conversation.thread_id.empty()) {
        // A reply to a question's post or private message is an answer to it.
        if (answer_by_reply(turn, text)) {
            return;
        }
    }
    if (turn.me && !ambient) {
        // The number or the label of an option of the member's last prompt (a Ja/Nee question,
        // the knowledge-base consent, "Dit hielp me"), whatever the platform shows.
        if (const auto action = typed_prompt_answer(turn.store, turn.me->id, text, turn.now)) {
            route_action(turn, *action);
            return;
        }
    }
    auto command = parse_command(text);
    if (command && command->key == "link_conversation" && looks_like_link_code(command->args) &&
        !turn.store.find_network_by_name(command->args)) {
        // `koppel ABC123`: a code from `koppel account`, not a network's name.
        command->key = "link_code";
    }
    const auto open_prompts =
        turn.me ? turn.store.pending_of_member(turn.me->id) : std::vector<PendingAction>{};
    // In a direct chat, text that is no command may answer the member's open poll question; so
    // may "ja" / "nee" (an option, or the start of an open answer) unless a Ja/Nee confirmation
    // is waiting for them.
    const bool yes_no =
        command && (command->key == "yes" || command->key == "no") &&
        (!command->args.empty() ||
         (turn.me && std::none_of(open_prompts.begin(), open_prompts.end(),
                                  [](const PendingAction& p) { return takes_typed_yes_no(p); })));
    if (turn.me && (!command || yes_no) && answer_typed(turn, text)) {
        return;
    }
    if (!command) {
        if (auto suggestion = suggest_command(text, turn.lang)) {
            turn.reply_text("input.did_you_mean", {{"command", *suggestion}});
        } else {
            turn.reply_text("input.unknown");
        }
        return;
    }
    route_command(turn, command->key, command->args);
}

}  // namespace leernetwerk::detail
