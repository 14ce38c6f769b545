#include "adapters/matrix/sync.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "adapters/net/json_limits.hpp"

namespace leernetwerk::matrix {
namespace {

using nlohmann::json;

constexpr int kMaxJsonDepth = 48;

const json* member(const json& object, std::string_view key) {
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

/// Decodes client events through the appservice transaction parser, with `room_id` set (sync
/// timelines leave it out).
std::vector<RoomEvent> read_events(const json& events, std::string_view room_id) {
    json transaction = {{"events", json::array()}};
    auto& out = transaction["events"];
    if (events.is_array()) {
        for (const auto& event : events) {
            if (!event.is_object()) {
                continue;
            }
            auto copy = event;
            copy["room_id"] = room_id;
            out.push_back(std::move(copy));
        }
    }
    auto parsed = parse_transaction(transaction.dump());
    return parsed ? std::move(parsed->events) : std::vector<RoomEvent>{};
}

bool is_member_event_of(const json& event, std::string_view user_id, std::string_view membership) {
    const json* type = member(event, "type");
    const json* key = member(event, "state_key");
    const json* content = member(event, "content");
    const json* value = content ? member(*content, "membership") : nullptr;
    return type && *type == "m.room.member" && key && *key == user_id && value &&
           *value == membership;
}

/// A joined room's timeline from the bot's own join on: what came before (the room's history,
/// the invite itself) is what an appservice is not pushed either, and is not answered.
json since_own_join(const json& events, std::string_view bot_user_id, bool& joined) {
    if (!events.is_array()) {
        return json::array();
    }
    std::size_t first = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (!is_member_event_of(events[i], bot_user_id, "join")) {
            continue;
        }
        const json* unsigned_data = member(events[i], "unsigned");
        const json* previous = unsigned_data ? member(*unsigned_data, "prev_content") : nullptr;
        const json* was = previous ? member(*previous, "membership") : nullptr;
        if (!was || *was != "join") {  // a real join, not a profile change
            first = i + 1;
            joined = true;
        }
    }
    json out = json::array();
    for (std::size_t i = first; i < events.size(); ++i) {
        if (!is_member_event_of(events[i], bot_user_id, "invite")) {
            out.push_back(events[i]);
        }
    }
    return out;
}

std::optional<json> parse_untrusted(std::string_view body) {
    if (!net::json_nesting_within(body, kMaxJsonDepth)) {
        return std::nullopt;
    }
    auto j = json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        return std::nullopt;
    }
    return j;
}

}  // namespace

tl::expected<SyncBatch, std::string> parse_sync(std::string_view body,
                                                std::string_view bot_user_id) {
    const auto j = parse_untrusted(body);
    if (!j) {
        return tl::unexpected(std::string("the sync answer is not a JSON object"));
    }
    const json* next = member(*j, "next_batch");
    if (!next || !next->is_string() || next->get<std::string>().empty()) {
        return tl::unexpected(std::string("the sync answer has no next_batch"));
    }
    SyncBatch batch;
    batch.next_batch = next->get<std::string>();
    const json* rooms = member(*j, "rooms");
    if (const json* join = rooms ? member(*rooms, "join") : nullptr; join && join->is_object()) {
        for (const auto& [room_id, room] : join->items()) {
            if (!is_valid_room_id(room_id)) {
                continue;
            }
            SyncRoom out;
            out.room_id = room_id;
            if (const json* timeline = member(room, "timeline")) {
                bool joined = false;
                if (const json* events = member(*timeline, "events")) {
                    out.events = read_events(since_own_join(*events, bot_user_id, joined), room_id);
                }
                if (const json* limited = member(*timeline, "limited");
                    limited && limited->is_boolean()) {
                    out.limited = limited->get<bool>() && !joined;  // no gap before our join
                }
                if (const json* prev = member(*timeline, "prev_batch"); prev && prev->is_string()) {
                    out.prev_batch = prev->get<std::string>();
                }
            }
            batch.joined.push_back(std::move(out));
        }
    }
    if (const json* invite = rooms ? member(*rooms, "invite") : nullptr;
        invite && invite->is_object()) {
        for (const auto& [room_id, room] : invite->items()) {
            if (!is_valid_room_id(room_id)) {
                continue;
            }
            const json* state = member(room, "invite_state");
            const json* events = state ? member(*state, "events") : nullptr;
            if (!events || !events->is_array()) {
                continue;
            }
            for (const auto& event : *events) {
                const json* type = member(event, "type");
                const json* key = member(event, "state_key");
                if (!type || *type != "m.room.member" || !key || *key != bot_user_id) {
                    continue;
                }
                // Stripped state has no event id: a stable one per room makes a re-delivered
                // invite (after a crash) a duplicate of the first.
                auto copy = event;
                copy["event_id"] = "$lnw-invite." + room_id;
                auto decoded = read_events(json::array({copy}), room_id);
                if (!decoded.empty() && decoded.front().membership == "invite") {
                    batch.invites.push_back(std::move(decoded.front()));
                }
                break;
            }
        }
    }
    return batch;
}

tl::expected<MessagesPage, std::string> parse_messages(std::string_view body,
                                                       std::string_view room_id) {
    const auto j = parse_untrusted(body);
    const json* chunk = j ? member(*j, "chunk") : nullptr;
    if (!chunk || !chunk->is_array()) {
        return tl::unexpected(std::string("the /messages answer has no chunk"));
    }
    MessagesPage page;
    page.events = read_events(*chunk, room_id);
    std::reverse(page.events.begin(), page.events.end());  // dir=b: newest first
    const json* end = member(*j, "end");
    page.more = end && end->is_string() && !chunk->empty();
    return page;
}

const std::vector<std::string>& timeline_event_types() {
    static const std::vector<std::string> kTypes = {
        "m.room.message",   "m.room.member",
        "m.room.encrypted", "m.room.encryption",
        "m.reaction",       "org.matrix.msc3381.poll.response",
        "m.poll.response",  "org.matrix.msc3381.poll.end",
        "m.poll.end",
    };
    return kTypes;
}

std::string sync_filter_json(int timeline_limit) {
    const json filter = {
        {"room",
         {{"timeline",
           {{"limit", timeline_limit},
            {"types", timeline_event_types()},
            {"lazy_load_members", true}}},
          {"state", {{"lazy_load_members", true}}},
          {"ephemeral", {{"types", json::array()}}},
          {"account_data", {{"types", json::array()}}}}},
        {"presence", {{"types", json::array()}}},
        {"account_data", {{"types", json::array({"m.direct"})}}},
    };
    return filter.dump();
}

std::string timeline_filter_json() {
    return json{{"types", timeline_event_types()}, {"lazy_load_members", true}}.dump();
}

}  // namespace leernetwerk::matrix
