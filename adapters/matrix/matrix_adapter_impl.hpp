#pragma once
// Private to the Matrix adapter: MatrixAdapter::Impl, shared by matrix_adapter.cpp (endpoints,
// start/stop), inbound.cpp, rooms.cpp, sync_loop.cpp and sender.cpp.
#include "adapters/matrix/matrix_adapter.hpp"

#include <algorithm>
#include <charconv>
#include <map>
#include <random>
#include <set>

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "adapters/dispatch/delivery_engine.hpp"
#include "adapters/matrix/render.hpp"
#include "adapters/matrix/sync.hpp"
#include "adapters/matrix/transaction.hpp"
#include "adapters/net/retry.hpp"
#include "bot/i18n/i18n.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::matrix {

namespace asio = boost::asio;
using nlohmann::json;

inline constexpr int kMaxInFlight = 16;
inline constexpr std::size_t kMaxRemembered = 50'000;
inline constexpr std::chrono::seconds kSyncRetryCap{60};
/// The state event a private chat the bot opens carries: who it is with, and the intent to open
/// it (so a chat an interrupted attempt opened is found and used instead of a second one).
inline constexpr const char* kPrivateChatMarker = "nl.leernetwerk.private_chat";
inline constexpr std::size_t kMaxRoomsSearched = 500;
inline constexpr std::chrono::seconds kSyncRetryAfterCap{300};
inline constexpr const char* kClientApi = "/_matrix/client/v3";
inline constexpr const char* kNextBatchKey = "matrix.next_batch";
/// When the first sync happened (unix ms): nothing older is answered.
inline constexpr const char* kSyncStartKey = "matrix.sync_started_ms";
/// Beyond the long-poll timeout: how long a /sync answer may take to arrive.
inline constexpr std::chrono::seconds kSyncGrace{30};

inline net::Response matrix_error(int status, std::string_view errcode, std::string_view message) {
    return net::Response::json(status, json{{"errcode", errcode}, {"error", message}}.dump());
}

/// Compares two secrets in constant time (their SHA-256 digests, so lengths leak nothing).
inline bool same_secret(std::string_view a, std::string_view b) {
    unsigned char da[SHA256_DIGEST_LENGTH];
    unsigned char db[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da);
    SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db);
    return CRYPTO_memcmp(da, db, SHA256_DIGEST_LENGTH) == 0;
}

inline std::string kind_name(InboundEvent::Kind kind) {
    static constexpr const char* kNames[] = {"message",     "action",        "member_joined",
                                             "bot_added",   "reaction",      "roster",
                                             "member_left", "encrypted_room"};
    return kNames[static_cast<int>(kind)];
}

/// "1", "2, 3" → zero-based indexes; nullopt when the text is not only numbers in 1..count.
inline std::optional<std::vector<std::size_t>> numbered_answer(std::string_view text,
                                                               std::size_t count) {
    std::vector<std::size_t> picked;
    std::string token;
    auto flush = [&] {
        if (token.empty()) {
            return true;
        }
        if (token.size() > 3) {
            return false;
        }
        const auto value = static_cast<std::size_t>(std::stoi(token));
        token.clear();
        if (value < 1 || value > count) {
            return false;
        }
        if (std::find(picked.begin(), picked.end(), value - 1) == picked.end()) {
            picked.push_back(value - 1);
        }
        return true;
    };
    for (const char c : text) {
        if (c >= '0' && c <= '9') {
            token += c;
        } else if (c == ',' || c == ' ') {
            if (!flush()) {
                return std::nullopt;
            }
        } else {
            return std::nullopt;
        }
    }
    if (!flush() || picked.empty()) {
        return std::nullopt;
    }
    return picked;
}

struct MatrixAdapter::Impl : std::enable_shared_from_this<Impl> {
    Impl(asio::io_context& io_in, Bot& bot_in, Store& store_in, net::HttpTransport& http_in,
         net::Metrics& metrics_in, MatrixOptions options_in, Clock clock_in)
        : io(io_in),
          bot(bot_in),
          store(store_in),
          http(http_in),
          metrics(metrics_in),
          options(std::move(options_in)),
          clock(clock_in ? std::move(clock_in) : Clock(dispatch::store_clock_now)),
          sync_timer(io_in),
          random(std::random_device{}()),
          engine(io_in, store_in, metrics_in, delivery_side(), options.retry, clock) {
        while (!options.homeserver_url.empty() && options.homeserver_url.back() == '/') {
            options.homeserver_url.pop_back();
        }
        metrics.describe("leernetwerk_events_total", "counter",
                         "Inbound platform events applied by the bot, by platform and kind");
        metrics.describe(
            "leernetwerk_inbound_rejected_total", "counter",
            "Inbound requests refused before reaching the bot, by platform and reason");
        metrics.describe("leernetwerk_inbound_skipped_events_total", "counter",
                         "Events in a pushed transaction that could not be read and were skipped "
                         "(the rest applied), by platform and reason");
        if (options.mode == ConnectionMode::bot) {
            metrics.describe("leernetwerk_matrix_syncs_total", "counter",
                             "Matrix /sync requests in bot-account mode, by result (ok, retry)");
        }
    }

    /// What the delivery engine needs from Matrix: its windows, the room key, a send, and the
    /// room's open question kept with the row that asked it.
    dispatch::PlatformSide delivery_side();

    asio::io_context& io;
    Bot& bot;
    Store& store;
    net::HttpTransport& http;
    net::Metrics& metrics;
    MatrixOptions options;
    Clock clock;
    asio::steady_timer sync_timer;
    std::mt19937_64 random;
    bool running = false;
    dispatch::DeliveryEngine engine;
    /// Display names seen in m.room.member events.
    std::map<std::string, std::string> display_names;
    /// The last open choice question per room, so a typed number can answer it.
    struct OpenQuestion {
        std::string action_id;
        std::vector<std::string> choice_ids;
        bool multiple = false;
    };
    std::map<std::string, OpenQuestion> open_questions;
    /// Rooms known to be encrypted (true) or not (false); the store has the truth.
    std::map<std::string, bool> encrypted_rooms;
    /// Pushed transactions waiting for the next group commit.
    struct Arrival {
        std::vector<RoomEvent> events;
        std::string origin;
        net::Responder respond;
    };
    std::vector<Arrival> arrivals;
    bool apply_scheduled = false;
    /// What went wrong with a client-server call, and how long the homeserver asked us to wait.
    struct Failure {
        int status = 0;  ///< 0: no HTTP answer
        std::string errcode;
        std::string why;
        std::optional<std::chrono::milliseconds> retry_after;
        bool bad_input = false;  ///< the request could not be made at all
    };

    // ---- inbound -------------------------------------------------------------------------------

    void reject(const net::Responder& respond, int status, std::string_view reason,
                std::string_view errcode, std::string_view message);

    /// Checks the hs_token (header and/or legacy query parameter) before anything else is read.
    bool authorized(const net::Request& request, const net::Responder& respond);

    bool direct_room(std::string_view room_id);

    DecodeContext decode_context();

    bool inviter_allowed(const std::string& inviter) const;

    /// A typed number in a room with an open choice question becomes the answer to it.
    void answer_by_number(InboundEvent& event);

    static std::string question_state_key(std::string_view room_id);

    /// The room's open question: remembered in memory, and in the store so that an answer typed
    /// after a restart still counts.
    std::optional<OpenQuestion> open_question(const std::string& room_id);

    void remember_question(const std::string& room_id, OpenQuestion open);

    void on_transaction(std::size_t prefix, net::Request request, net::Responder respond);

    void apply_arrivals();

    struct Join {
        std::string room_id;
        std::string invite_event_id;
        bool direct;
    };

    /// Room events decoded into the core's events, waiting to be applied in one commit.
    struct Inbound {
        std::vector<InboundEvent> events;
        std::vector<std::string> origins;  ///< for the log, per event
        std::vector<std::size_t> arrival;  ///< which pushed transaction each came from
    };

    /// Decodes room events into `inbound`. Invites, private-chat bookkeeping and the encrypted-room
    /// notice are written at once (a later event in the same batch may depend on them). False when
    /// the store failed.
    bool decode_events(const std::vector<RoomEvent>& events, const std::string& origin,
                       std::vector<Join>& joins, Inbound& inbound);

    /// Applies decoded events in one transaction, each in its own savepoint; a failed one is not
    /// stored (its batch comes again).
    std::vector<Result<Handled>> apply_inbound(
        const Inbound& inbound,
        const std::function<void(const std::vector<Result<Handled>>&)>& after_all = {});

    /// Fills in the action of a poll response from the poll start the bot sent. False: the
    /// poll is not ours (or not a choice question, or another room's) and is ignored; nullopt: the
    /// store failed.
    std::optional<bool> poll_action(Decoded& decoded);

    /// A private chat that someone else joins is a private chat no more: nothing meant for one
    /// person (an anonymous question, a refusal, a nudge) may go there from now on. False when
    /// the store failed.
    bool third_party_joined(const std::string& room_id, const std::string& user_id);

    /// The reference of a private chat with `user_id` in `room_id`.
    ConversationRef direct_room_ref(const std::string& room_id, const std::string& user_id);

    bool save_direct_room(const std::string& room_id, const std::string& user_id);

    static std::string encrypted_key(std::string_view room_id);

    static std::string notice_key(Id outbox_id);

    /// Whether the bot has seen encryption in a room (kept in the store, cached here).
    bool is_encrypted_room(const std::string& room_id);

    /// is_encrypted_room for the inbound path: nullopt (logged) when the store failed.
    std::optional<bool> encrypted_room(const std::string& room_id);

    /// A message in a room mentions the bot (its user id, localpart or display name).
    bool addresses_bot(const RoomEvent& event) const;

    /// The core's event for a room found to be encrypted: it says there once that it cannot read
    /// it (the event id is the room's), and the room is marked in the same commit. From now on
    /// nothing else from the room reaches the core.
    InboundEvent became_encrypted(const std::string& room_id);

    /// Someone addressed the bot in an encrypted room: the core tells them there, once per
    /// message (the event id is the message's), how to reach it privately.
    static InboundEvent addressed_in_encrypted_room(const RoomEvent& room_event);

    /// What the core answered an encrypted-room event with in that room may go there (the only
    /// rows that may). Runs in the commit that applies the events.
    void allow_room_notices(const std::vector<InboundEvent>& events,
                            const std::vector<Result<Handled>>& results);

    void join_room(const std::string& room_id, const std::string& invite_event_id, bool direct);

    /// A room encrypted from the start gets the note that the bot cannot read it, not a welcome
    /// it could never follow up on.
    void welcome_unless_encrypted(const std::string& room_id, const std::string& invite_event_id);

    void on_query(net::Request request, net::Responder respond);

    void on_ping(net::Request request, net::Responder respond);

    // ---- bot-account mode: the /sync loop -----------------------------------------------------

    /// The stored sync position ("" before the first sync); read at start.
    std::string since;
    /// An uploaded filter's id, or the filter itself as JSON when the upload failed.
    std::string sync_filter;
    int sync_failures = 0;
    /// Bot mode: when the first sync happened (unix ms); older events are not answered.
    std::int64_t history_before_ms = 0;
    /// Bumped by start and stop, so answers to an earlier loop's requests are dropped.
    std::uint64_t sync_generation = 0;

    bool sync_alive(std::uint64_t generation) const;

    void start_sync();

    void upload_filter(std::uint64_t generation);

    void sync_once(std::uint64_t generation);

    /// Fetches the events a limited (gappy) timeline left out, room by room, then applies.
    void backfill(std::uint64_t generation, std::shared_ptr<SyncBatch> batch, std::size_t index);

    /// Applies a batch through the shared path and stores its next_batch in the same commit
    /// (only when every event was applied: otherwise the batch is fetched again and the event-id
    /// dedupe keeps what was applied from being applied twice). Events older than the first
    /// sync (a newly joined room's history, a back-fill that reaches too far) are not answered.
    void apply_batch(std::uint64_t generation, const std::shared_ptr<SyncBatch>& batch,
                     bool initial = false);

    /// Waits before the next /sync: exponential backoff with full jitter, at least what a 429
    /// asked for.
    void sync_failed(std::uint64_t generation, const Failure& failure);

    // ---- outbound ------------------------------------------------------------------------------

    bool bot_mode() const { return options.mode == ConnectionMode::bot; }

    /// A client-server API URL; an appservice acts as its bot user with ?user_id=, a bot
    /// account is who its access token says.
    std::string client_url(
        const std::string& path,
        const std::vector<std::pair<std::string, std::string>>& query = {}) const;

    void call(net::ClientRequest request, std::function<void(Result<net::ClientResponse>)> done,
              std::chrono::milliseconds timeout = std::chrono::seconds(20));

    static Failure describe(const Result<net::ClientResponse>& response);

    void wake() { engine.wake(); }

    template <typename Work>
    bool write(const char* what, Work&& work) {
        return dispatch::write_logged(store, "matrix", what, std::forward<Work>(work));
    }

    static bool promises_anonymity(const OutboundMessage& message);

    /// The Matrix user a direct message goes to.
    std::string direct_user(const OutboxRow& row);

    /// The delivery engine's Matrix side: finds (or opens) the room, renders, sends.
    void send_row(OutboxRow row, dispatch::OutcomeCallback done);

    static std::string opening_key(std::string_view user);

    /// Opens a private chat with `user`, at most once however often the bot stops in between:
    /// the intent is stored before createRoom and the room carries it as a state event
    /// (kPrivateChatMarker). When an earlier attempt may have made the room (the intent is still
    /// there), the bot's rooms are searched for it first and a room found is used.
    void create_direct_room(OutboxRow row, std::string user, dispatch::OutcomeCallback done);

    void open_room(OutboxRow row, std::string user, std::string intent,
                   dispatch::OutcomeCallback done);

    /// Records the private chat (and that the intent to open one is fulfilled), then sends.
    void use_private_chat(OutboxRow row, const std::string& user, const std::string& room_id,
                          dispatch::OutcomeCallback done);

    /// Looks through the bot's rooms for one an earlier attempt opened with `user` (its marker
    /// names the same intent); opens one when there is none.
    void find_opened_room(OutboxRow row, std::string user, std::string intent,
                          dispatch::OutcomeCallback done);

    void check_room(OutboxRow row, std::string user, std::string intent,
                    std::shared_ptr<std::vector<std::string>> rooms, std::size_t index,
                    dispatch::OutcomeCallback done);

    /// Adds the room to the bot's m.direct account data (read, merged, written back).
    void update_direct_account_data(const std::string& user, const std::string& room_id);

    static std::string transaction_id(const OutboxRow& row);

    /// Answers a RosterQuery: GET /rooms/{roomId}/joined_members (user ids and display names;
    /// the bot itself left out), given to the bot as a roster event. A refusal (403: the bot is
    /// not in the room) or an answer that will never be better becomes a roster event saying so;
    /// what may pass is retried by the engine, and the core applies one answer only.
    void fetch_joined_members(std::string room_id, std::string thread_id, std::string request_id,
                              dispatch::OutcomeCallback done);

    /// Gives the bot the answer to a roster query; false when the database failed.
    bool answer_roster(const std::string& room_id, const std::string& thread_id,
                       const std::string& request_id, RosterAnswer::Status status,
                       std::vector<RosterPerson> people);

    static dispatch::Outcome answered(bool applied, const std::string& request_id);

    void deliver(OutboxRow row, std::string room_id, dispatch::OutcomeCallback done);

    /// Runs inside the transaction that marks `message` sent, so what a typed number answers is
    /// stored together with the question it answers.
    void track_question(const std::string& room_id, const OutboundMessage& message);

    /// How the homeserver's answer reads: no answer, 5xx and 429 (with Retry-After or
    /// retry_after_ms) are worth another attempt; other 4xx will never succeed. A repeated
    /// txnId is answered with the event already made, so a retry never sends twice.
    static dispatch::Outcome classify(const Result<net::ClientResponse>& response);
};

}  // namespace leernetwerk::matrix
