#pragma once
// Internal to the core: how a message reaches a member or a group, the same in a conversation
// turn and in a scheduler job. Every outbox row the flows append goes through a Postman.
#include <functional>
#include <optional>
#include <vector>

#include "bot/engine/bot.hpp"

namespace leernetwerk::detail {

/// How a private message to one member is sent (Postman::to_member).
struct Privately {
    /// The network it is about: after the platform of the event being answered, the platforms
    /// of its group conversations are preferred (0: none; then the member's first account).
    Id network_id = 0;
    /// An anonymous poll it is part of: whom it goes to and what it says are sealed, and it is
    /// forgotten when the poll closes (ballot_box.hpp). 0: none.
    Id anonymous_poll = 0;
};

/// How a message to a network's group conversations is sent (Postman::to_network).
struct ToGroup {
    /// The language it is made and sent in; nullopt: the network's group language.
    std::optional<Lang> lang{};
    /// Not to the conversation the event being answered came from (it has the reply already),
    /// unless only the sender saw that reply (a Teams card's invoke response).
    bool skip_origin = false;
    /// When the network has no group conversation: to these members privately instead.
    std::vector<Member> otherwise{};
};

/// Appends the bot's outgoing messages to the outbox, with one rule for each kind of recipient:
/// a member privately (to_member), a network's group conversations (to_network), an address the
/// caller chose (to_address: a conversation, a thread in it), and an update in place. Made for a
/// conversation turn (with the event being answered) or for a scheduler job (without one).
class Postman {
public:
    /// For a scheduler job: nobody is being answered.
    Postman(Store& store, const BotSettings& settings, Instant now);
    /// For a conversation turn: `event` is being answered; `speaker` is who wrote it, as the turn
    /// knows them (it may learn them during the turn), for OutboundMessage::cause.
    Postman(Store& store, const BotSettings& settings, Instant now, const InboundEvent& event,
            const std::optional<Member>& speaker);
    Postman(const Postman&) = delete;
    Postman& operator=(const Postman&) = delete;

    Store& store;
    const BotSettings& settings;
    const Instant now;

    int messages = 0;      ///< outbox rows appended so far
    std::vector<Id> sent;  ///< their ids, in order
    /// Nothing sent answers the speaker as its cause (an anonymous answer, a confidential
    /// question: OutboundMessage::cause names them).
    bool confidential = false;
    /// An anonymous poll the event answered: every private message is sealed, none records a
    /// cause (the turn's messages are forgotten when the poll closes). 0: none.
    Id anonymous_poll = 0;
    /// Whether a choice question sent to a member is remembered, so that its number or label
    /// typed later answers it (remember_prompt). Only a poll's scheduled reminder turns it off,
    /// as it always did.
    bool remembers_prompts = true;

    /// The event being answered; null in a scheduler job.
    const InboundEvent* event() const { return event_; }

    /// Where a private message to a member goes: their account on the platform of the event
    /// being answered, else on one of the platforms of `network_id`'s group conversations, else
    /// their first account (direct_address); in the direct conversation the event came from
    /// when it is theirs. nullopt when they have no account.
    std::optional<Address> private_address(Id member_id, Id network_id) const;
    /// To one member privately (private_address), made in their language. 0 when they have no
    /// account.
    Id to_member(const Member& member, const std::function<Content(Lang)>& make,
                 const Privately& how = {});
    Id to_member(const Member& member, Content content, const Privately& how = {});
    /// To every conversation bound to the network; their outbox ids, in order.
    std::vector<Id> to_network(Id network_id, const std::function<Content(Lang)>& make,
                               const ToGroup& how = {});
    /// To an address the caller chose (a network conversation, a thread in it, a member).
    Id to_address(const Address& to, Id recipient_member_id, Lang lang, Content content);
    /// Updates an earlier message in place.
    Id update(Id message_id, const Address& to, Content content, Lang lang);
    /// Back where the event came from (a turn only).
    Id reply(Content content, Lang lang);
    /// Like reply, but to the speaker's direct conversation when the event came from a group
    /// and the reply would show there (a turn only).
    Id reply_privately(Content content, Lang lang);
    /// Appends one message as it is addressed; the others all end here. Seals it when the
    /// event answered an anonymous poll, records the speaker as its cause when it answers them,
    /// remembers a choice question, and counts it.
    Id send(const OutboundMessage& message);

private:
    /// Where the event came from (a turn only).
    Address reply_address() const;
    /// A message that answers the speaker (in place, or to them privately) and is not secret.
    bool answers_speaker(const OutboundMessage& message) const;

    const InboundEvent* event_ = nullptr;
    const std::optional<Member>* speaker_ = nullptr;
};

/// Where a private message to a member goes: their account on the first of `preferred` they have
/// one on, else their first account; nullopt when they have none.
std::optional<Address> direct_address(Store& store, Id member_id,
                                      const std::vector<Platform>& preferred);

}  // namespace leernetwerk::detail
