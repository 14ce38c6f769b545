#pragma once
// Neutral inbound events: what adapters make of platform traffic before the core sees it.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

struct Conversation {
    enum class Kind { direct, group };
    Platform platform = Platform::console;
    std::string id;
    Kind kind = Kind::group;
    std::string thread_id;
};

struct Sender {
    std::string user_id;  ///< the platform's id for the person
    std::string display_name;
    std::string alt_user_id{};  ///< a second stable id (Teams: the AAD object id), may be empty
};

/// Someone named in a message the way the platform lets people name each other: a Teams
/// @mention, a Matrix pill or `m.mentions` entry, or a Matrix user id typed in full. The bot's own
/// mention is never among them.
struct InboundMention {
    std::string user_id;        ///< the platform's id for the person ("29:…", "@daan:school.nl")
    std::string display_name;   ///< the name the platform showed, may be empty
    std::string text;           ///< how the mention reads in InboundEvent::text ("Daan Bakker")
    std::string alt_user_id{};  ///< a second stable id (Teams: the AAD object id), may be empty
    bool is_person = true;      ///< false for a Teams channel, team or tag mention
};

/// One person in a conversation's member list, as the platform gave it.
struct RosterPerson {
    std::string user_id;              ///< "29:…", "@daan:school.nl"
    std::string alt_user_id;          ///< Teams: the AAD object id, may be empty
    std::string display_name;         ///< may be empty
    std::string email;                ///< Teams: email, may be empty
    std::string user_principal_name;  ///< Teams: the sign-in name (often the e-mail), may be empty
};

/// The platform's answer to a RosterQuery.
struct RosterAnswer {
    enum class Status {
        ok,         ///< `people` is the whole member list
        forbidden,  ///< the platform refused (the bot may not read the members)
        failed,     ///< no list after retrying (unreachable, an error, a malformed answer)
    };
    std::string request_id;
    Status status = Status::ok;
    std::vector<RosterPerson> people;
};

/// A click on a card or a submitted form.
struct ActionSubmission {
    std::string action_id;                      ///< the ChoiceQuestion/ShortForm action_id
    std::vector<std::string> choice_ids;        ///< chosen options
    std::map<std::string, std::string> fields;  ///< form field values by field id
    std::string message_remote_id;              ///< the card that was clicked, when known
};

struct InboundEvent {
    enum class Kind {
        message,        ///< someone wrote to the bot
        action,         ///< someone clicked a card or submitted a form
        member_joined,  ///< people joined a conversation the bot is in
        bot_added,      ///< the bot was added to a conversation
        reaction,       ///< someone reacted to one of the bot's messages
        roster,         ///< the platform answered a RosterQuery (no sender)
        member_left,    ///< people left (or were removed from) a conversation the bot is in
        /// The bot cannot read the conversation (a Matrix room with end-to-end encryption): it
        /// says so there. With a sender: they addressed the bot there, and hear how to reach it.
        encrypted_room,
    };
    Kind kind = Kind::message;
    std::string event_id;  ///< the platform's id, unique per platform: used to apply it once
    Conversation conversation;
    Sender sender;
    std::string text;            ///< for message: what was typed, the bot's mention removed
    ActionSubmission action;     ///< for action
    std::vector<Sender> joined;  ///< for member_joined
    std::vector<Sender> left;    ///< for member_left
    /// for message: the people it names, in order of mention
    std::vector<InboundMention> mentions;
    RosterAnswer roster;  ///< for roster
    std::string reply_to_remote_id;  ///< for message/reaction: the message it refers to
    std::string reaction;            ///< for reaction: its type ("like", "heart", "👍")
    /// The platform shows a reply to this event to its sender only (a Teams card's invoke
    /// response), so a private answer can go back the way the event came.
    bool reply_is_private = false;
    /// A group message the platform delivers whether or not it is meant for the bot (a Matrix
    /// room: every line between members), and that names no bot: the core answers it only when
    /// it is a command or replies to one of the bot's messages, and stays silent otherwise.
    bool ambient = false;
    /// Where the conversation is reached, as the platform gave it with this event (Teams: its
    /// service URL, tenant and bot id; set only when it changed). The core saves it in the
    /// event's own transaction, also when the event itself was applied before.
    std::optional<ConversationRef> conversation_ref{};
    /// What the adapter keeps about the platform and learned from this event (e.g. that a Teams
    /// conversation is a channel), stored with it in the same transaction: key → value.
    std::map<std::string, std::string> adapter_state{};
};

}  // namespace leernetwerk
