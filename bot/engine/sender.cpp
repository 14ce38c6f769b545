#include "bot/engine/sender.hpp"

#include <algorithm>
#include <stdexcept>

#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {

Postman::Postman(Store& store_in, const BotSettings& settings_in, Instant now_in)
    : store(store_in), settings(settings_in), now(now_in) {}

Postman::Postman(Store& store_in, const BotSettings& settings_in, Instant now_in,
                 const InboundEvent& event, const std::optional<Member>& speaker)
    : store(store_in), settings(settings_in), now(now_in), event_(&event), speaker_(&speaker) {}

Address Postman::reply_address() const {
    if (!event_) {
        throw std::logic_error("a reply outside a conversation turn");
    }
    Address to;
    to.platform = event_->conversation.platform;
    to.conversation_id = event_->conversation.id;
    to.thread_id = event_->conversation.thread_id;
    to.direct = event_->conversation.kind == Conversation::Kind::direct;
    if (to.direct) {
        to.user_id = event_->sender.user_id;
    }
    return to;
}

bool Postman::answers_speaker(const OutboundMessage& message) const {
    if (!event_ || !*speaker_ || message.cause || message.sealed || message.replaces ||
        confidential || anonymous_poll != 0 || event_->kind == InboundEvent::Kind::bot_added) {
        return false;
    }
    const auto origin = reply_address();
    const bool in_place = message.to.platform == origin.platform &&
                          message.to.conversation_id == origin.conversation_id &&
                          message.to.thread_id == origin.thread_id;
    return in_place || message.recipient_member_id == (*speaker_)->id;
}

Id Postman::send(const OutboundMessage& message) {
    auto out = message;
    if (anonymous_poll != 0 && (out.to.direct || out.recipient_member_id != 0)) {
        // Part of answering an anonymous poll: whom it goes to is sealed with what it says.
        out.sealed = true;
    }
    if (answers_speaker(out)) {
        // A reply to the speaker: should the platform never take it, they are told another way.
        out.cause = ReplyCause{(*speaker_)->id, reply_address()};
    }
    const auto id = store.append_outbox(out, now);
    if (remembers_prompts) {
        remember_prompt(store, out, now);
    }
    sent.push_back(id);
    ++messages;
    return id;
}

std::optional<Address> Postman::private_address(Id member_id, Id network_id) const {
    std::vector<Platform> preferred;
    if (event_) {
        preferred.push_back(event_->conversation.platform);
    }
    if (network_id != 0) {
        for (const auto& binding : store.conversations_of_network(network_id)) {
            preferred.push_back(binding.platform);
        }
    }
    auto to = direct_address(store, member_id, preferred);
    // In the direct conversation the member is writing in, when that is where we are.
    if (to && event_ && event_->conversation.kind == Conversation::Kind::direct &&
        event_->conversation.platform == to->platform && event_->sender.user_id == to->user_id) {
        to->conversation_id = event_->conversation.id;
    }
    return to;
}

Id Postman::to_member(const Member& member, const std::function<Content(Lang)>& make,
                      const Privately& how) {
    const auto to = private_address(member.id, how.network_id);
    if (!to) {
        return 0;
    }
    OutboundMessage message;
    message.to = *to;
    message.recipient_member_id = member.id;
    message.lang = member.language.value_or(settings.default_language);
    message.content = make(message.lang);
    message.sealed = how.anonymous_poll != 0;
    const auto id = send(message);
    if (how.anonymous_poll != 0) {
        store.link_poll_message(id, how.anonymous_poll);
    }
    return id;
}

Id Postman::to_member(const Member& member, Content content, const Privately& how) {
    return to_member(
        member, [&](Lang) { return std::move(content); }, how);
}

std::vector<Id> Postman::to_network(Id network_id, const std::function<Content(Lang)>& make,
                                    const ToGroup& how) {
    std::vector<Id> ids;
    const auto bindings = store.conversations_of_network(network_id);
    if (bindings.empty()) {
        for (const auto& member : how.otherwise) {
            if (const auto id = to_member(member, make, {.network_id = network_id})) {
                ids.push_back(id);
            }
        }
        return ids;
    }
    const auto lang = how.lang.value_or(network_language(store, settings, network_id));
    for (const auto& binding : bindings) {
        if (how.skip_origin && event_ && binding.platform == event_->conversation.platform &&
            binding.conversation_id == event_->conversation.id && !event_->reply_is_private) {
            continue;
        }
        OutboundMessage message;
        message.to.platform = binding.platform;
        message.to.conversation_id = binding.conversation_id;
        message.lang = lang;
        message.content = make(lang);
        ids.push_back(send(message));
    }
    return ids;
}

Id Postman::to_address(const Address& to, Id recipient_member_id, Lang lang, Content content) {
    OutboundMessage message;
    message.to = to;
    message.recipient_member_id = recipient_member_id;
    message.lang = lang;
    message.content = std::move(content);
    return send(message);
}

Id Postman::update(Id message_id, const Address& to, Content content, Lang lang) {
    OutboundMessage message;
    message.to = to;
    message.lang = lang;
    message.content = std::move(content);
    message.replaces = message_id;
    return send(message);
}

Id Postman::reply(Content content, Lang lang) {
    const auto& speaker = *speaker_;
    OutboundMessage message;
    message.to = reply_address();
    message.recipient_member_id = (speaker && message.to.direct) ? speaker->id : 0;
    message.lang = lang;
    message.content = std::move(content);
    const auto id = send(message);
    if (speaker && message.recipient_member_id == 0 && remembers_prompts) {
        // A question answering the speaker in a group (a Ja/Nee to confirm) is theirs to answer
        // by typing its number or label too.
        message.recipient_member_id = speaker->id;
        remember_prompt(store, message, now);
    }
    return id;
}

Id Postman::reply_privately(Content content, Lang lang) {
    if (!event_) {
        throw std::logic_error("a reply outside a conversation turn");
    }
    const auto& speaker = *speaker_;
    if (event_->conversation.kind == Conversation::Kind::group && speaker &&
        !event_->reply_is_private) {
        if (const auto id = to_member(*speaker, content)) {
            return id;
        }
    }
    return reply(std::move(content), lang);
}

std::optional<Address> direct_address(Store& store, Id member_id,
                                      const std::vector<Platform>& preferred) {
    const auto identities = store.identities_of(member_id);
    if (identities.empty()) {
        return std::nullopt;
    }
    const Identity* chosen = &identities.front();
    for (const auto platform : preferred) {
        const auto it = std::find_if(identities.begin(), identities.end(),
                                     [&](const Identity& i) { return i.platform == platform; });
        if (it != identities.end()) {
            chosen = &*it;
            break;
        }
    }
    Address to;
    to.platform = chosen->platform;
    to.user_id = chosen->user_id;
    to.direct = true;
    return to;
}

// ---- a turn sends by its postman --------------------------------------------------------------

Id Turn::reply(Content content) {
    return postman.reply(std::move(content), lang);
}

Id Turn::reply_text(std::string_view key, const MessageArgs& args) {
    return reply(TextContent{t(key, args), {}});
}

Id Turn::reply_privately(Content content) {
    return postman.reply_privately(std::move(content), lang);
}

Id Turn::send_to_member(const Member& member, Content content) {
    return postman.to_member(member, std::move(content));
}

void Turn::announce(Id network_id, const std::string& key, const MessageArgs& args) {
    postman.to_network(
        network_id, [&](Lang network_lang) -> Content { return TextContent{tr(network_lang, key, args), {}}; },
        {.skip_origin = true});
}

Id Turn::send(const OutboundMessage& message) {
    return postman.send(message);
}

Id Turn::send(const Address& to, Id recipient_member_id, Lang message_lang, Content content) {
    return postman.to_address(to, recipient_member_id, message_lang, std::move(content));
}

Id Turn::update(Id message_id, const Address& to, Content content, Lang message_lang) {
    return postman.update(message_id, to, std::move(content), message_lang);
}

}  // namespace leernetwerk::detail
