// Room events → the core's neutral events: the bot's leading mention stripped, the people a
// message names, poll responses, joins, invites and encrypted events told apart.
#include <algorithm>
#include <string>

#include "adapters/matrix/transaction.hpp"
#include "adapters/matrix/wire_detail.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::matrix {
namespace {

using detail::is_poll_response;
using detail::kMaxPills;
using detail::member;

bool starts_with_folded(std::string_view text, std::string_view prefix, std::size_t& length) {
    if (prefix.empty() || text.size() < prefix.size()) {
        return false;
    }
    if (fold(text.substr(0, prefix.size())) != fold(prefix)) {
        return false;
    }
    length = prefix.size();
    return true;
}

std::string localpart_of(std::string_view user_id) {
    if (user_id.size() < 2 || user_id.front() != '@') {
        return {};
    }
    return std::string(user_id.substr(1, user_id.find(':') - 1));
}

}  // namespace

std::string strip_bot_mention(std::string_view body, std::string_view bot_user_id,
                              std::string_view bot_display_name, bool* mentioned) {
    if (mentioned) {
        *mentioned = false;
    }
    // A reply fallback ("> <@a:b> quoted" lines and an empty line) comes first in older clients.
    while (body.size() >= 2 && body.substr(0, 2) == "> ") {
        const auto newline = body.find('\n');
        body = newline == std::string_view::npos ? std::string_view() : body.substr(newline + 1);
    }
    body = trim(body);
    const auto localpart = localpart_of(bot_user_id);
    std::size_t length = 0;
    for (const std::string_view name :
         {bot_user_id, bot_display_name, std::string_view(localpart)}) {
        std::string_view candidate = body;
        if (!name.empty() && name.front() != '@' && !candidate.empty() &&
            candidate.front() == '@') {
            candidate.remove_prefix(1);  // "@Leernetwerk bot hulp" as typed by hand
        }
        if (!starts_with_folded(candidate, name, length)) {
            continue;
        }
        auto rest = candidate.substr(length);
        // Only a whole-word match: "leernetwerkbot" is not a mention of "leernetwerk".
        if (!rest.empty() && rest.front() != ':' && rest.front() != ',' && rest.front() != ' ' &&
            rest.front() != '\t' && rest.front() != '\n') {
            continue;
        }
        if (!rest.empty() && (rest.front() == ':' || rest.front() == ',')) {
            rest.remove_prefix(1);
        }
        if (mentioned) {
            *mentioned = true;
        }
        return std::string(trim(rest));
    }
    return std::string(body);
}

namespace {

/// The people a message names besides the bot: pills first (with the name they show), then
/// user ids typed in full in `text`, then m.mentions user ids named neither way; each once.
std::vector<InboundMention> mentions_of(const RoomEvent& event, std::string_view text,
                                        const DecodeContext& context) {
    std::vector<InboundMention> mentions;
    auto add = [&](const std::string& user_id, std::string shown, std::string span) {
        if (user_id == context.bot_user_id || mentions.size() >= kMaxPills ||
            std::any_of(mentions.begin(), mentions.end(),
                        [&](const InboundMention& m) { return m.user_id == user_id; })) {
            return;
        }
        InboundMention mention;
        mention.user_id = user_id;
        mention.display_name = std::move(shown);
        if (mention.display_name.empty() && context.display_name_of) {
            mention.display_name = context.display_name_of(user_id);
        }
        mention.text = std::move(span);
        mentions.push_back(std::move(mention));
    };
    for (const auto& [user_id, label] : event.pills) {
        // A pill whose text is its user id shows no name.
        add(user_id, label == user_id ? std::string() : label, label);
    }
    for (std::size_t at = text.find('@'); at != std::string_view::npos;
         at = text.find('@', at + 1)) {
        if (at > 0 && text[at - 1] != ' ' && text[at - 1] != '\t' && text[at - 1] != '\n' &&
            text[at - 1] != '|' && text[at - 1] != ',' && text[at - 1] != '(') {
            continue;  // part of an e-mail address
        }
        auto end = text.find_first_of(" \t\n|,()<>", at);
        auto token = text.substr(at, end == std::string_view::npos ? text.size() - at : end - at);
        while (!token.empty() && (token.back() == '.' || token.back() == ':' ||
                                  token.back() == '!' || token.back() == '?')) {
            token.remove_suffix(1);  // end of a sentence
        }
        if (is_typed_user_id(token)) {
            add(std::string(token), std::string(), std::string(token));
        }
    }
    for (const auto& user_id : event.mentions) {
        if (is_valid_user_id(user_id)) {
            add(user_id, std::string(), std::string());
        }
    }
    return mentions;
}

}  // namespace

Decoded decode_event(const RoomEvent& event, const DecodeContext& context) {
    Decoded decoded;
    if (!event.well_formed) {
        return decoded;
    }
    decoded.room_id = event.room_id;
    const bool from_bot = event.sender == context.bot_user_id;
    const bool from_other_bot =
        std::find(context.ignored_senders.begin(), context.ignored_senders.end(), event.sender) !=
        context.ignored_senders.end();

    if (event.type == "m.room.encrypted" ||
        (event.type == "m.room.encryption" && event.state_key && event.state_key->empty())) {
        if (!from_bot) {
            decoded.kind = Decoded::Kind::encrypted;
        }
        return decoded;
    }

    auto conversation = [&] {
        Conversation c;
        c.platform = Platform::matrix;
        c.id = event.room_id;
        const bool direct = context.is_direct_room && context.is_direct_room(event.room_id);
        c.kind = direct ? Conversation::Kind::direct : Conversation::Kind::group;
        return c;
    };
    auto sender = [&](const std::string& user_id, const std::string& known_name) {
        Sender s;
        s.user_id = user_id;
        s.display_name = known_name;
        if (s.display_name.empty() && context.display_name_of) {
            s.display_name = context.display_name_of(user_id);
        }
        if (s.display_name.empty()) {
            s.display_name = localpart_of(user_id);
        }
        return s;
    };

    if (event.type == "m.room.member" && event.state_key) {
        if (event.membership == "invite" && *event.state_key == context.bot_user_id) {
            decoded.kind = Decoded::Kind::invite;
            decoded.user_id = event.sender;
            decoded.is_direct = event.is_direct;
            return decoded;
        }
        if (event.membership == "join" && *event.state_key != context.bot_user_id &&
            !from_other_bot) {
            decoded.kind = Decoded::Kind::inbound;
            decoded.event.kind = InboundEvent::Kind::member_joined;
            decoded.event.event_id = event.event_id;
            decoded.event.conversation = conversation();
            decoded.event.sender = sender(event.sender, "");
            decoded.event.joined.push_back(sender(*event.state_key, event.displayname));
        }
        if ((event.membership == "leave" || event.membership == "ban") &&
            *event.state_key != context.bot_user_id && !from_other_bot &&
            std::find(context.ignored_senders.begin(), context.ignored_senders.end(),
                      *event.state_key) == context.ignored_senders.end()) {
            decoded.kind = Decoded::Kind::inbound;
            decoded.event.kind = InboundEvent::Kind::member_left;
            decoded.event.event_id = event.event_id;
            decoded.event.conversation = conversation();
            decoded.event.sender = sender(event.sender, "");
            decoded.event.left.push_back(sender(*event.state_key, ""));
        }
        return decoded;
    }

    if (is_poll_response(event.type) && !event.state_key && !from_bot && !from_other_bot) {
        // A vote without answers withdraws it; the core has nothing to withdraw to.
        if (!is_valid_event_id(event.relates_event_id) || event.poll_answers.empty()) {
            return decoded;
        }
        decoded.kind = Decoded::Kind::poll_response;
        decoded.event.kind = InboundEvent::Kind::action;
        decoded.event.event_id = event.event_id;
        decoded.event.conversation = conversation();
        decoded.event.sender = sender(event.sender, "");
        decoded.event.action.message_remote_id = event.relates_event_id;
        decoded.event.action.choice_ids = event.poll_answers;
        return decoded;
    }

    if (event.type != "m.room.message" || event.state_key || from_bot || from_other_bot) {
        return decoded;
    }
    if (event.msgtype != "m.text" && event.msgtype != "m.emote") {
        return decoded;  // m.notice never gets an answer (loop prevention); media is not read
    }
    if (event.relates_rel_type == "m.replace") {
        return decoded;  // an edit of an earlier message: the original was answered already
    }
    decoded.kind = Decoded::Kind::inbound;
    decoded.event.kind = InboundEvent::Kind::message;
    decoded.event.event_id = event.event_id;
    decoded.event.conversation = conversation();
    decoded.event.sender = sender(event.sender, "");
    bool mentioned = false;
    decoded.event.text =
        strip_bot_mention(event.body, context.bot_user_id, context.bot_display_name, &mentioned);
    // In a room the bot reads every line between members; only what names it is surely for it
    // (the core also answers commands and replies to its own messages there).
    decoded.event.ambient =
        decoded.event.conversation.kind == Conversation::Kind::group && !mentioned &&
        std::find(event.mentions.begin(), event.mentions.end(), context.bot_user_id) ==
            event.mentions.end();
    decoded.event.mentions = mentions_of(event, decoded.event.text, context);
    decoded.event.reply_to_remote_id = event.in_reply_to;
    if (event.relates_rel_type == "m.thread" && !event.relates_event_id.empty()) {
        // A message in a thread: the bot's answer stays in it, and the thread's root tells what
        // the message is about (a question's post) whichever message in it was replied to.
        decoded.event.conversation.thread_id = event.relates_event_id;
    }
    return decoded;
}

}  // namespace leernetwerk::matrix
