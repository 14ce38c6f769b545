#pragma once
// Bot-account mode: the parts of a client-server `/sync` and `/messages` answer the bot reads,
// mapped to the same RoomEvents an appservice transaction carries, and the filter the bot syncs
// with. Everything here is untrusted input, parsed without exceptions.
#include <string>
#include <string_view>
#include <vector>

#include "adapters/matrix/transaction.hpp"
#include "bot/vocab/result.hpp"

namespace leernetwerk::matrix {

/// One joined room of a sync answer.
struct SyncRoom {
    std::string room_id;
    /// The timeline, oldest first (room_id filled in); when the bot joined in this batch, only
    /// what came after its join (like an appservice, it does not answer older history).
    std::vector<RoomEvent> events;
    bool limited = false;    ///< events between `since` and these were left out
    std::string prev_batch;  ///< where to page back from to fetch them
};

struct SyncBatch {
    std::string next_batch;
    std::vector<SyncRoom> joined;
    /// The bot's own invites (`rooms.invite.*.invite_state`) as m.room.member invite events with
    /// a stable synthetic event id, so they take the appservice path.
    std::vector<RoomEvent> invites;
};

/// Parses a `/sync` answer; an error when it is not JSON, nested too deeply or has no
/// `next_batch`. Malformed single events come back with well_formed = false.
tl::expected<SyncBatch, std::string> parse_sync(std::string_view body,
                                                std::string_view bot_user_id);

/// One page of `GET /rooms/{roomId}/messages?dir=b`, turned oldest first.
struct MessagesPage {
    std::vector<RoomEvent> events;
    bool more = false;  ///< an `end` token: older events remain
};

tl::expected<MessagesPage, std::string> parse_messages(std::string_view body,
                                                       std::string_view room_id);

/// The event types the bot reads from room timelines.
const std::vector<std::string>& timeline_event_types();
/// The sync filter (JSON): those types in timelines, lazy-loaded members, no presence, no
/// ephemeral events, only m.direct account data.
std::string sync_filter_json(int timeline_limit = 50);
/// A RoomEventFilter (JSON) with the same types, for `/messages`.
std::string timeline_filter_json();

}  // namespace leernetwerk::matrix
