#pragma once
// Matrix appservice transactions (the subset of a ClientEvent the bot reads) and their mapping
// to neutral events. Everything here is untrusted input: ids are checked, HTML is never parsed.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/vocab/inbound.hpp"
#include "bot/vocab/result.hpp"

namespace leernetwerk::matrix {

/// One room event as pushed by the homeserver. Unknown fields are ignored.
struct RoomEvent {
    std::string event_id;
    std::string room_id;
    std::string sender;
    std::string type;
    std::optional<std::string> state_key;
    std::int64_t origin_server_ts = 0;
    // content, the parts the bot reads
    std::string msgtype;
    std::string body;         ///< plain text; of formatted_body only the pills are read
    std::string membership;   ///< m.room.member: "invite", "join", "leave", ...
    std::string displayname;  ///< m.room.member
    bool is_direct = false;   ///< m.room.member invite
    std::string relates_rel_type;
    std::string relates_event_id;
    std::string in_reply_to;                ///< m.relates_to.m.in_reply_to.event_id
    std::vector<std::string> poll_answers;  ///< poll.response: the chosen answer ids
    std::vector<std::string> mentions;      ///< m.mentions.user_ids (intentional mentions)
    /// Pills in formatted_body: {user id, link text} of each <a href="https://matrix.to/#/@…">.
    /// Only those anchors are looked for; the rest of the HTML is never read.
    std::vector<std::pair<std::string, std::string>> pills;
    bool well_formed = true;  ///< false: a required field is missing or an id is malformed
};

/// An event of a transaction that could not be read at all, and why (no text of it is kept).
struct SkippedEvent {
    std::size_t index = 0;  ///< its place in the transaction's events
    std::string reason;     ///< "undecodable" (not valid JSON), "null", "not_an_object"
};

struct Transaction {
    std::vector<RoomEvent> events;
    std::vector<SkippedEvent> skipped;
};

/// Why a transaction body was refused, with the Matrix error code to answer.
struct TransactionError {
    std::string errcode;  ///< "M_NOT_JSON" or "M_BAD_JSON"
    std::string message;
};

/// Parses an untrusted `{"events":[…]}` body: not JSON at all (or nested too deeply) →
/// M_NOT_JSON; no `events` array → M_BAD_JSON. An event that cannot be read (invalid JSON text
/// such as a lone surrogate, `null`, not an object) is listed in `skipped` and the others come
/// back; events with missing fields or malformed ids come back with well_formed = false.
tl::expected<Transaction, TransactionError> parse_transaction(std::string_view body);

/// "@localpart:server" with a non-empty localpart of allowed characters and a server name.
bool is_valid_user_id(std::string_view id);
/// A user id as someone types it today: the current grammar only (localpart of a-z 0-9 . _ = - /
/// +, a server name that is a host name or an IP literal with an optional port), so that
/// "@daan:school.nl" is read as an account and "@Daan" or "@daan:" are not.
bool is_typed_user_id(std::string_view id);
/// "!opaque" or "!opaque:server" (room versions 12+ drop the server part).
bool is_valid_room_id(std::string_view id);
/// "$opaque" (with or without ":server").
bool is_valid_event_id(std::string_view id);
/// The server name of a user id ("@a:example.org" → "example.org"), "" when malformed.
std::string server_of(std::string_view user_id);

/// What the adapter needs to know to map events.
struct DecodeContext {
    std::string bot_user_id;
    std::string bot_display_name;
    std::vector<std::string> ignored_senders;  ///< other bots
    std::function<bool(std::string_view room_id)> is_direct_room;
    std::function<std::string(std::string_view user_id)> display_name_of;
};

/// What one event means for the adapter.
struct Decoded {
    enum class Kind {
        ignored,        ///< nothing to do
        inbound,        ///< give `event` to the bot
        invite,         ///< the bot was invited to `room_id` by `user_id`
        encrypted,      ///< an encrypted event or encryption turned on in `room_id`
        poll_response,  ///< an action `event` answering the poll started by
                        ///< `event.action.message_remote_id`; the adapter fills in action_id
    };
    Kind kind = Kind::ignored;
    InboundEvent event;
    std::string room_id;
    std::string user_id;
    bool is_direct = false;
};

Decoded decode_event(const RoomEvent& event, const DecodeContext& context);

/// Removes a leading mention of the bot (display name, user id or localpart, with an optional
/// ':' or ',' after it) and a reply fallback ("> " lines); trims the rest. `mentioned` (when
/// given) tells whether a mention was removed.
std::string strip_bot_mention(std::string_view body, std::string_view bot_user_id,
                              std::string_view bot_display_name, bool* mentioned = nullptr);

}  // namespace leernetwerk::matrix
