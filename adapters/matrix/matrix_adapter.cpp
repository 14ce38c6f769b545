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
#include "adapters/matrix/transaction.hpp"
#include "adapters/matrix/render.hpp"
#include "adapters/matrix/sync.hpp"
#include "adapters/net/retry.hpp"
#include "bot/i18n/i18n.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::matrix {
namespace {

namespace asio = boost::asio;
using nlohmann::json;

constexpr int kMaxInFlight = 16;
constexpr std::size_t kMaxRemembered = 50'000;
constexpr std::chrono::seconds kSyncRetryCap{60};
/// The state event a private chat the bot opens carries: who it is with, and the intent to open
/// it (so a chat an interrupted attempt opened is found and used instead of a second one).
constexpr const char* kPrivateChatMarker = "nl.leernetwerk.private_chat";
constexpr std::size_t kMaxRoomsSearched = 500;
constexpr std::chrono::seconds kSyncRetryAfterCap{300};
constexpr const char* kClientApi = "/_matrix/client/v3";
constexpr const char* kNextBatchKey = "matrix.next_batch";
/// When the first sync happened (unix ms): nothing older is answered.
constexpr const char* kSyncStartKey = "matrix.sync_started_ms";
/// Beyond the long-poll timeout: how long a /sync answer may take to arrive.
constexpr std::chrono::seconds kSyncGrace{30};

net::Response matrix_error(int status, std::string_view errcode, std::string_view message) {
    return net::Response::json(status, json{{"errcode", errcode}, {"error", message}}.dump());
}

/// Compares two secrets in constant time (their SHA-256 digests, so lengths leak nothing).
bool same_secret(std::string_view a, std::string_view b) {
    unsigned char da[SHA256_DIGEST_LENGTH];
    unsigned char db[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da);
    SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db);
    return CRYPTO_memcmp(da, db, SHA256_DIGEST_LENGTH) == 0;
}

std::string kind_name(InboundEvent::Kind kind) {
    static constexpr const char* kNames[] = {"message", "action", "member_joined", "bot_added",
                                             "reaction", "roster", "member_left",
                                             "encrypted_room"};
    return kNames[static_cast<int>(kind)];
}

/// "1", "2, 3" → zero-based indexes; nullopt when the text is not only numbers in 1..count.
std::optional<std::vector<std::size_t>> numbered_answer(std::string_view text, std::size_t count) {
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

}  // namespace

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
    dispatch::PlatformSide delivery_side() {
        dispatch::PlatformSide side;
        side.platform = Platform::matrix;
        side.name = "matrix";
        side.windows = options.room_limits;
        side.max_in_flight = kMaxInFlight;
        side.key_of = dispatch::conversation_key;
        // The engine lives inside this Impl and is stopped with it: `this` outlives its calls.
        side.send = [this](OutboxRow row, dispatch::OutcomeCallback done) {
            send_row(std::move(row), std::move(done));
        };
        // A reply that is given up: the core tells its member another way where it can.
        side.on_given_up = [this](const OutboxRow& row, Instant now) {
            bot.delivery_given_up(row.message.id, now);
        };
        side.on_recorded = [this](const OutboxRow& row, const dispatch::Outcome& outcome) {
            track_question(outcome.conversation_id, row.message);
        };
        // The cache ran ahead of the store: read it again from there.
        side.on_record_failed = [this] { open_questions.clear(); };
        return side;
    }

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
                std::string_view errcode, std::string_view message) {
        metrics.count("leernetwerk_inbound_rejected_total",
                      {{"platform", "matrix"}, {"reason", std::string(reason)}});
        respond(matrix_error(status, errcode, message));
    }

    /// Checks the hs_token (header and/or legacy query parameter) before anything else is read.
    bool authorized(const net::Request& request, const net::Responder& respond) {
        std::optional<std::string_view> from_header;
        const auto header = request.header("Authorization");
        if (header.size() > 7 && header.substr(0, 7) == "Bearer ") {
            from_header = header.substr(7);
        }
        std::optional<std::string_view> from_query;
        if (const auto it = request.query.find("access_token"); it != request.query.end()) {
            from_query = it->second;
        }
        if (!from_header && !from_query) {
            reject(respond, 401, "unauthorized", "M_UNAUTHORIZED", "missing hs_token");
            return false;
        }
        if (from_header && from_query && !same_secret(*from_header, *from_query)) {
            reject(respond, 403, "forbidden", "M_FORBIDDEN", "the two tokens disagree");
            return false;
        }
        if (options.hs_token.empty() ||
            !same_secret(from_header ? *from_header : *from_query, options.hs_token)) {
            reject(respond, 403, "forbidden", "M_FORBIDDEN", "invalid hs_token");
            return false;
        }
        return true;
    }

    bool direct_room(std::string_view room_id) {
        try {
            const auto ref = store.conversation_ref(Platform::matrix, room_id);
            return ref && ref->direct;
        } catch (const StoreError&) {
            return false;
        }
    }

    DecodeContext decode_context() {
        DecodeContext context;
        context.bot_user_id = options.user_id;
        context.bot_display_name = options.display_name;
        context.ignored_senders = options.ignored_senders;
        context.is_direct_room = [this](std::string_view room) { return direct_room(room); };
        context.display_name_of = [this](std::string_view user) {
            const auto it = display_names.find(std::string(user));
            return it == display_names.end() ? std::string() : it->second;
        };
        return context;
    }

    bool inviter_allowed(const std::string& inviter) const {
        if (options.allowed_inviters.empty()) {
            return !server_of(inviter).empty() && server_of(inviter) == server_of(options.user_id);
        }
        return std::find(options.allowed_inviters.begin(), options.allowed_inviters.end(),
                         inviter) != options.allowed_inviters.end();
    }

    /// A typed number in a room with an open choice question becomes the answer to it.
    void answer_by_number(InboundEvent& event) {
        const auto open = open_question(event.conversation.id);
        if (!open) {
            return;
        }
        const auto picked = numbered_answer(trim(event.text), open->choice_ids.size());
        if (!picked || (!open->multiple && picked->size() != 1)) {
            return;
        }
        event.kind = InboundEvent::Kind::action;
        event.action.action_id = open->action_id;
        for (const auto index : *picked) {
            event.action.choice_ids.push_back(open->choice_ids[index]);
        }
    }

    static std::string question_state_key(std::string_view room_id) {
        return "matrix.open_question:" + std::string(room_id);
    }

    /// The room's open question: remembered in memory, and in the store so that an answer typed
    /// after a restart still counts.
    std::optional<OpenQuestion> open_question(const std::string& room_id) {
        if (const auto it = open_questions.find(room_id); it != open_questions.end()) {
            if (it->second.action_id.empty()) {
                return std::nullopt;  // known to have none
            }
            return it->second;
        }
        std::optional<std::string> saved;
        try {
            saved = store.adapter_state(question_state_key(room_id));
        } catch (const StoreError&) {
            return std::nullopt;
        }
        if (!saved || saved->empty()) {
            remember_question(room_id, {});  // no question: remembered, so no read per message
            return std::nullopt;
        }
        const auto parsed = json::parse(*saved, nullptr, false);
        if (!parsed.is_object() || !parsed.contains("action_id") ||
            !parsed["action_id"].is_string() || !parsed.contains("choice_ids") ||
            !parsed["choice_ids"].is_array()) {
            return std::nullopt;
        }
        OpenQuestion open;
        open.action_id = parsed["action_id"].get<std::string>();
        open.multiple = parsed.value("multiple", false);
        for (const auto& choice : parsed["choice_ids"]) {
            if (!choice.is_string()) {
                return std::nullopt;
            }
            open.choice_ids.push_back(choice.get<std::string>());
        }
        remember_question(room_id, open);
        return open;
    }

    void remember_question(const std::string& room_id, OpenQuestion open) {
        if (open_questions.size() > kMaxRemembered) {
            open_questions.clear();  // a cache: the store still has them
        }
        open_questions[room_id] = std::move(open);
    }

    void on_transaction(std::size_t prefix, net::Request request, net::Responder respond) {
        if (!authorized(request, respond)) {
            return;
        }
        const auto txn_id = request.path.substr(prefix);
        if (txn_id.empty() || txn_id.find('/') != std::string::npos) {
            reject(respond, 400, "bad_request", "M_INVALID_PARAM", "missing transaction id");
            return;
        }
        auto transaction = parse_transaction(request.body);
        if (!transaction) {
            reject(respond, 400, "bad_request", transaction.error().errcode,
                   transaction.error().message);
            return;
        }
        for (const auto& skipped : transaction->skipped) {
            // Recorded and skipped: refusing the transaction would make the homeserver send it
            // again forever, with every later event for the bot waiting behind it.
            metrics.count("leernetwerk_inbound_skipped_events_total",
                          {{"platform", "matrix"}, {"reason", skipped.reason}});
            log_line(LogLevel::warn, "matrix: skipped event " + std::to_string(skipped.index) +
                                         " of transaction " + txn_id + ": " + skipped.reason);
        }
        // Applied together with the transactions that arrive while the I/O thread is busy: one
        // commit for all of them (group commit), each answered only after that commit.
        arrivals.push_back(
            {std::move(transaction->events), "transaction " + txn_id, std::move(respond)});
        if (!apply_scheduled) {
            apply_scheduled = true;
            auto self = shared_from_this();
            asio::post(io, [self] { self->apply_arrivals(); });
        }
    }

    void apply_arrivals() {
        apply_scheduled = false;
        auto batch = std::move(arrivals);
        arrivals.clear();
        if (!running) {
            // Stopping: nothing more is applied; the homeserver sends these again later.
            for (auto& arrival : batch) {
                arrival.respond(matrix_error(503, "M_UNKNOWN", "shutting down"));
            }
            return;
        }
        std::vector<bool> stored(batch.size(), true);
        std::vector<std::vector<Join>> joins(batch.size());
        Inbound inbound;
        for (std::size_t i = 0; i < batch.size(); ++i) {
            const auto first = inbound.events.size();
            stored[i] = decode_events(batch[i].events, batch[i].origin, joins[i], inbound);
            inbound.arrival.resize(inbound.events.size(), i);
            if (!stored[i]) {
                // Not applied at all: the homeserver sends the transaction again.
                inbound.events.resize(first);
                inbound.arrival.resize(first);
                inbound.origins.resize(first);
            }
        }
        const auto results = apply_inbound(inbound);
        for (std::size_t j = 0; j < results.size(); ++j) {
            if (!results[j]) {
                stored[inbound.arrival[j]] = false;
            }
        }
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (!stored[i]) {
                batch[i].respond(matrix_error(500, "M_UNKNOWN", "temporarily unavailable"));
                continue;
            }
            batch[i].respond(net::Response::json(200, "{}"));
            for (auto& join : joins[i]) {
                join_room(join.room_id, join.invite_event_id, join.direct);
            }
        }
        wake();
    }

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
                       std::vector<Join>& joins, Inbound& inbound) {
        const auto context = decode_context();
        const auto queue = [&](InboundEvent event) {
            inbound.events.push_back(std::move(event));
            inbound.origins.push_back(origin);
        };
        for (const auto& room_event : events) {
            if (!room_event.well_formed) {
                metrics.count("leernetwerk_inbound_rejected_total",
                              {{"platform", "matrix"}, {"reason", "malformed_event"}});
                log_line(LogLevel::warn, "matrix: skipped a malformed event in " + origin +
                                             " (missing field or bad id)");
                continue;
            }
            if (room_event.type == "m.room.member" && room_event.membership == "join" &&
                room_event.state_key) {
                if (!room_event.displayname.empty()) {
                    if (display_names.size() > kMaxRemembered) {
                        display_names.clear();
                    }
                    display_names[*room_event.state_key] = room_event.displayname;
                }
                if (!third_party_joined(room_event.room_id, *room_event.state_key)) {
                    return false;
                }
            }
            auto decoded = decode_event(room_event, context);
            switch (decoded.kind) {
                case Decoded::Kind::ignored:
                    break;
                case Decoded::Kind::poll_response:
                case Decoded::Kind::inbound:
                    if (const auto encrypted = encrypted_room(room_event.room_id); !encrypted) {
                        return false;
                    } else if (*encrypted) {
                        // Nothing in plain text where members expect encryption: only, when
                        // addressed, how to reach the bot privately.
                        metrics.count("leernetwerk_inbound_rejected_total",
                                      {{"platform", "matrix"}, {"reason", "encrypted_room"}});
                        if (decoded.kind == Decoded::Kind::inbound &&
                            decoded.event.kind == InboundEvent::Kind::message &&
                            addresses_bot(room_event)) {
                            queue(addressed_in_encrypted_room(room_event));
                        }
                        break;
                    }
                    if (decoded.kind == Decoded::Kind::inbound) {
                        if (decoded.event.kind == InboundEvent::Kind::message) {
                            answer_by_number(decoded.event);
                        }
                        queue(std::move(decoded.event));
                        break;
                    }
                    if (const auto known = poll_action(decoded); !known) {
                        return false;
                    } else if (*known) {
                        queue(std::move(decoded.event));
                    }
                    break;
                case Decoded::Kind::invite:
                    if (!inviter_allowed(decoded.user_id)) {
                        log_line(LogLevel::info, "matrix: ignored an invite to " + decoded.room_id +
                                                     " from " + decoded.user_id +
                                                     " (not an allowed inviter)");
                        break;
                    }
                    if (decoded.is_direct && !save_direct_room(decoded.room_id, decoded.user_id)) {
                        return false;
                    }
                    joins.push_back({decoded.room_id, room_event.event_id, decoded.is_direct});
                    break;
                case Decoded::Kind::encrypted:
                    if (const auto known = encrypted_room(decoded.room_id); !known) {
                        return false;
                    } else if (!*known) {
                        queue(became_encrypted(decoded.room_id));
                    }
                    break;
            }
        }
        return true;
    }

    /// Applies decoded events in one transaction, each in its own savepoint; a failed one is not
    /// stored (its batch comes again).
    std::vector<Result<Handled>> apply_inbound(
        const Inbound& inbound,
        const std::function<void(const std::vector<Result<Handled>>&)>& after_all = {}) {
        if (inbound.events.empty() && !after_all) {
            return {};
        }
        // Events of one room keep their order: after one fails, the room's later ones wait too.
        std::vector<std::string> rooms;
        rooms.reserve(inbound.events.size());
        for (const auto& event : inbound.events) {
            rooms.push_back(event.conversation.id);
        }
        auto results = bot.handle_batch(
            inbound.events, clock(), {}, rooms,
            [&](const std::vector<Result<Handled>>& applied) {
                allow_room_notices(inbound.events, applied);
                if (after_all) {
                    after_all(applied);
                }
            });
        for (std::size_t i = 0; i < results.size(); ++i) {
            if (!results[i]) {
                // The encrypted rooms noted while decoding may not be stored: read them again.
                encrypted_rooms.clear();
                log_line(LogLevel::error,
                         "matrix: " + inbound.origins[i] +
                             " not applied (it is delivered again): " + results[i].error().message);
            } else if (!results[i]->duplicate) {
                metrics.count(
                    "leernetwerk_events_total",
                    {{"platform", "matrix"}, {"kind", kind_name(inbound.events[i].kind)}});
            }
        }
        return results;
    }

    /// Fills in the action of a poll response from the poll start the bot sent. False: the
    /// poll is not ours (or not a choice question, or another room's) and is ignored; nullopt: the
    /// store failed.
    std::optional<bool> poll_action(Decoded& decoded) {
        auto& action = decoded.event.action;
        std::optional<OutboxRow> row;
        try {
            row = store.outbox_row_by_remote_id(Platform::matrix, action.message_remote_id);
        } catch (const StoreError& error) {
            log_line(LogLevel::error,
                     std::string("matrix: poll response not applied (it is delivered again): ") +
                         error.what());
            return std::nullopt;
        }
        const auto* question = row ? std::get_if<ChoiceQuestion>(&row->message.content) : nullptr;
        const auto& sent_to = row ? row->message.to.conversation_id : std::string();
        if (!question || (!sent_to.empty() && sent_to != decoded.room_id)) {
            metrics.count("leernetwerk_inbound_rejected_total",
                          {{"platform", "matrix"}, {"reason", "unknown_poll"}});
            log_line(LogLevel::info, "matrix: ignored a poll response in " + decoded.room_id +
                                         " to " + action.message_remote_id +
                                         " (not a question of the bot)");
            return false;
        }
        action.action_id = question->action_id;
        return true;
    }

    /// A private chat that someone else joins is a private chat no more: nothing meant for one
    /// person (an anonymous question, a refusal, a nudge) may go there from now on. False when
    /// the store failed.
    bool third_party_joined(const std::string& room_id, const std::string& user_id) {
        std::optional<ConversationRef> ref;
        try {
            ref = store.conversation_ref(Platform::matrix, room_id);
        } catch (const StoreError& error) {
            log_line(LogLevel::error, std::string("matrix: room state not read: ") + error.what());
            return false;
        }
        if (!ref || !ref->direct || user_id == ref->user_id || user_id == options.user_id) {
            return true;
        }
        log_line(LogLevel::info, "matrix: " + room_id + " is no longer a private chat with " +
                                     ref->user_id + ": " + user_id + " joined");
        ref->direct = false;
        ref->updated_at = clock();
        open_questions.erase(room_id);
        return write("note a private chat became a group",
                     [&] { store.save_conversation_ref(*ref); });
    }

    /// The reference of a private chat with `user_id` in `room_id`.
    ConversationRef direct_room_ref(const std::string& room_id, const std::string& user_id) {
        ConversationRef ref;
        ref.platform = Platform::matrix;
        ref.conversation_id = room_id;
        ref.direct = true;
        ref.user_id = user_id;
        ref.bot_id = options.user_id;
        ref.updated_at = clock();
        return ref;
    }

    bool save_direct_room(const std::string& room_id, const std::string& user_id) {
        const auto ref = direct_room_ref(room_id, user_id);
        return write("save direct room", [&] { store.save_conversation_ref(ref); });
    }

    static std::string encrypted_key(std::string_view room_id) {
        return "matrix.encrypted_room_noted:" + std::string(room_id);
    }

    static std::string notice_key(Id outbox_id) {
        return "matrix.encrypted_room_notice:" + std::to_string(outbox_id);
    }

    /// Whether the bot has seen encryption in a room (kept in the store, cached here).
    bool is_encrypted_room(const std::string& room_id) {
        if (const auto it = encrypted_rooms.find(room_id); it != encrypted_rooms.end()) {
            return it->second;
        }
        const bool encrypted = store.adapter_state(encrypted_key(room_id)).value_or("") == "1";
        if (encrypted_rooms.size() > kMaxRemembered) {
            encrypted_rooms.clear();
        }
        encrypted_rooms[room_id] = encrypted;
        return encrypted;
    }

    /// is_encrypted_room for the inbound path: nullopt (logged) when the store failed.
    std::optional<bool> encrypted_room(const std::string& room_id) {
        try {
            return is_encrypted_room(room_id);
        } catch (const StoreError& error) {
            log_line(LogLevel::error, std::string("matrix: room state not read: ") + error.what());
            return std::nullopt;
        }
    }

    /// A message in a room mentions the bot (its user id, localpart or display name).
    bool addresses_bot(const RoomEvent& event) const {
        const auto body = fold(event.body);
        const auto localpart = options.user_id.substr(1, options.user_id.find(':') - 1);
        for (const auto& name : {options.user_id, localpart, options.display_name}) {
            if (!name.empty() && body.find(fold(name)) != std::string::npos) {
                return true;
            }
        }
        return false;
    }

    /// The core's event for a room found to be encrypted: it says there once that it cannot read
    /// it (the event id is the room's), and the room is marked in the same commit. From now on
    /// nothing else from the room reaches the core.
    InboundEvent became_encrypted(const std::string& room_id) {
        log_line(LogLevel::warn, "matrix: room " + room_id +
                                     " is encrypted; the bot cannot read it (end-to-end "
                                     "encryption is not supported yet) and says so there once");
        encrypted_rooms[room_id] = true;  // later events of the batch are not read
        InboundEvent event;
        event.kind = InboundEvent::Kind::encrypted_room;
        event.event_id = "encrypted-room:" + room_id;
        event.conversation.platform = Platform::matrix;
        event.conversation.id = room_id;
        // Kept with the adapter's state, not only the inbox: the inbox forgets after a month.
        event.adapter_state[encrypted_key(room_id)] = "1";
        return event;
    }

    /// Someone addressed the bot in an encrypted room: the core tells them there, once per
    /// message (the event id is the message's), how to reach it privately.
    static InboundEvent addressed_in_encrypted_room(const RoomEvent& room_event) {
        InboundEvent event;
        event.kind = InboundEvent::Kind::encrypted_room;
        event.event_id = "encrypted-reach:" + room_event.event_id;
        event.conversation.platform = Platform::matrix;
        event.conversation.id = room_event.room_id;
        event.sender.user_id = room_event.sender;
        return event;
    }

    /// What the core answered an encrypted-room event with in that room may go there (the only
    /// rows that may). Runs in the commit that applies the events.
    void allow_room_notices(const std::vector<InboundEvent>& events,
                            const std::vector<Result<Handled>>& results) {
        for (std::size_t i = 0; i < events.size(); ++i) {
            if (events[i].kind != InboundEvent::Kind::encrypted_room || !results[i]) {
                continue;
            }
            for (const auto id : results[i]->message_ids) {
                const auto row = store.outbox_row(id);
                if (row && row->message.to.conversation_id == events[i].conversation.id) {
                    store.set_adapter_state(notice_key(id), "1", clock());
                }
            }
        }
    }

    void join_room(const std::string& room_id, const std::string& invite_event_id, bool direct) {
        net::ClientRequest request;
        request.method = "POST";
        request.url = client_url("/join/" + net::encode_path_segment(room_id));
        request.body = "{}";
        auto self = shared_from_this();
        call(std::move(request), [self, room_id, invite_event_id,
                                  direct](Result<net::ClientResponse> response) {
            if (!response || response->status != 200) {
                log_line(LogLevel::warn,
                         "matrix: could not join " + room_id + ": " +
                             (response ? "HTTP " + std::to_string(response->status) + " " +
                                             response->body.substr(0, 200)
                                       : response.error().message));
                return;
            }
            log_line(LogLevel::info, "matrix: joined " + room_id);
            if (direct) {
                return;  // a private chat needs no introduction
            }
            self->welcome_unless_encrypted(room_id, invite_event_id);
        });
    }

    /// A room encrypted from the start gets the note that the bot cannot read it, not a welcome
    /// it could never follow up on.
    void welcome_unless_encrypted(const std::string& room_id, const std::string& invite_event_id) {
        net::ClientRequest request;
        request.method = "GET";
        request.url = client_url("/rooms/" + net::encode_path_segment(room_id) +
                                 "/state/m.room.encryption/");
        auto self = shared_from_this();
        call(std::move(request), [self, room_id,
                                  invite_event_id](Result<net::ClientResponse> response) {
            if (response && response->status == 200) {
                if (const auto known = self->encrypted_room(room_id); known && !*known) {
                    Inbound inbound;
                    inbound.events.push_back(self->became_encrypted(room_id));
                    inbound.origins.push_back("the join of " + room_id);
                    self->apply_inbound(inbound);
                    self->wake();
                }
                return;
            }
            InboundEvent event;
            event.kind = InboundEvent::Kind::bot_added;
            event.event_id = invite_event_id + "/joined";
            event.conversation.platform = Platform::matrix;
            event.conversation.id = room_id;
            if (const auto handled = self->bot.handle(event, self->clock()); !handled) {
                log_line(LogLevel::error, "matrix: welcome not stored: " + handled.error().message);
            }
            self->wake();
        });
    }

    void on_query(net::Request request, net::Responder respond) {
        if (!authorized(request, respond)) {
            return;
        }
        // The bot creates no users or rooms on demand: nothing else is ours.
        respond(matrix_error(404, "M_NOT_FOUND", "not provided by this application service"));
    }

    void on_ping(net::Request request, net::Responder respond) {
        if (!authorized(request, respond)) {
            return;
        }
        if (!request.body.empty()) {
            const auto body = json::parse(request.body, nullptr, false);
            if (body.is_discarded() || !body.is_object()) {
                reject(respond, 400, "bad_request", "M_NOT_JSON", "the body is not a JSON object");
                return;
            }
        }
        respond(net::Response::json(200, "{}"));
    }

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

    bool sync_alive(std::uint64_t generation) const {
        return running && generation == sync_generation;
    }

    void start_sync() {
        const auto generation = ++sync_generation;
        sync_failures = 0;
        try {
            since = store.adapter_state(kNextBatchKey).value_or("");
            // Databases from before this was kept have none: nothing is held back there.
            const auto start = store.adapter_state(kSyncStartKey).value_or("");
            history_before_ms = 0;
            std::from_chars(start.data(), start.data() + start.size(), history_before_ms);
        } catch (const StoreError& error) {
            log_line(LogLevel::error, std::string("matrix: sync position not read, starting "
                                                  "without history: ") +
                                          error.what());
            since.clear();
        }
        log_line(LogLevel::info, since.empty() ? "matrix: bot-account mode, first sync"
                                               : "matrix: bot-account mode, resuming sync");
        upload_filter(generation);
    }

    void upload_filter(std::uint64_t generation) {
        net::ClientRequest request;
        request.method = "POST";
        request.url = client_url("/user/" + net::encode_path_segment(options.user_id) + "/filter");
        request.body = sync_filter_json();
        auto self = shared_from_this();
        call(std::move(request), [self, generation](Result<net::ClientResponse> response) {
            if (!self->sync_alive(generation)) {
                return;
            }
            std::string id;
            if (response && response->status == 200) {
                const auto parsed = json::parse(response->body, nullptr, false);
                if (parsed.is_object() && parsed.contains("filter_id") &&
                    parsed["filter_id"].is_string()) {
                    id = parsed["filter_id"].get<std::string>();
                }
            }
            if (id.empty()) {
                log_line(LogLevel::warn, "matrix: sync filter not uploaded (" +
                                             describe(response).why +
                                             "); syncing with an inline filter");
                id = sync_filter_json();
            }
            self->sync_filter = std::move(id);
            self->sync_once(generation);
        });
    }

    void sync_once(std::uint64_t generation) {
        if (!sync_alive(generation)) {
            return;
        }
        const bool initial = since.empty();
        std::vector<std::pair<std::string, std::string>> query = {
            {"filter", sync_filter},
            {"timeout", std::to_string(initial ? 0 : options.sync_timeout.count())},
            {"set_presence", "offline"}};
        if (!initial) {
            query.emplace_back("since", since);
        }
        net::ClientRequest request;
        request.method = "GET";
        request.url = client_url("/sync", query);
        auto self = shared_from_this();
        call(
            std::move(request),
            [self, generation, initial](Result<net::ClientResponse> response) {
                if (!self->sync_alive(generation)) {
                    return;
                }
                if (!response || response->status != 200) {
                    self->sync_failed(generation, describe(response));
                    return;
                }
                auto batch = parse_sync(response->body, self->options.user_id);
                if (!batch) {
                    Failure failure;
                    failure.why = batch.error();
                    self->sync_failed(generation, failure);
                    return;
                }
                auto shared = std::make_shared<SyncBatch>(std::move(*batch));
                if (initial) {
                    // History from before the bot was running is not answered: only pending
                    // invites are taken up, and the position is kept.
                    for (auto& room : shared->joined) {
                        room.events.clear();
                    }
                    log_line(LogLevel::info,
                             "matrix: first sync: " + std::to_string(shared->joined.size()) +
                                 " joined rooms, earlier messages are not answered");
                    self->apply_batch(generation, shared, true);
                    return;
                }
                self->backfill(generation, shared, 0);
            },
            options.sync_timeout + kSyncGrace);
    }

    /// Fetches the events a limited (gappy) timeline left out, room by room, then applies.
    void backfill(std::uint64_t generation, std::shared_ptr<SyncBatch> batch, std::size_t index) {
        while (index < batch->joined.size() &&
               (!batch->joined[index].limited || batch->joined[index].prev_batch.empty())) {
            ++index;
        }
        if (index == batch->joined.size()) {
            apply_batch(generation, batch);
            return;
        }
        const auto room_id = batch->joined[index].room_id;
        net::ClientRequest request;
        request.method = "GET";
        request.url = client_url("/rooms/" + net::encode_path_segment(room_id) + "/messages",
                                 {{"dir", "b"},
                                  {"from", batch->joined[index].prev_batch},
                                  {"to", since},
                                  {"limit", std::to_string(options.backfill_limit)},
                                  {"filter", timeline_filter_json()}});
        auto self = shared_from_this();
        call(std::move(request), [self, generation, batch, index,
                                  room_id](Result<net::ClientResponse> response) {
            if (!self->sync_alive(generation)) {
                return;
            }
            auto& room = batch->joined[index];
            std::optional<MessagesPage> page;
            if (response && response->status == 200) {
                if (auto parsed = parse_messages(response->body, room_id)) {
                    page = std::move(*parsed);
                }
            }
            if (!page) {
                log_line(LogLevel::warn, "matrix: messages missed in " + room_id +
                                             " (a gap in the sync) could not be fetched (" +
                                             describe(response).why +
                                             "); older messages there were skipped");
            } else {
                log_line(LogLevel::info, "matrix: fetched " + std::to_string(page->events.size()) +
                                             " messages missed in " + room_id);
                if (page->more) {
                    log_line(LogLevel::warn, "matrix: more than " +
                                                 std::to_string(self->options.backfill_limit) +
                                                 " messages missed in " + room_id +
                                                 "; older messages there were skipped");
                }
                page->events.insert(page->events.end(),
                                    std::make_move_iterator(room.events.begin()),
                                    std::make_move_iterator(room.events.end()));
                room.events = std::move(page->events);
            }
            self->backfill(generation, batch, index + 1);
        });
    }

    /// Applies a batch through the shared path and stores its next_batch in the same commit
    /// (only when every event was applied: otherwise the batch is fetched again and the event-id
    /// dedupe keeps what was applied from being applied twice). Events older than the first
    /// sync (a newly joined room's history, a back-fill that reaches too far) are not answered.
    void apply_batch(std::uint64_t generation, const std::shared_ptr<SyncBatch>& batch,
                     bool initial = false) {
        std::vector<Join> joins;
        Inbound inbound;
        bool applied = decode_events(batch->invites, "sync", joins, inbound);
        for (const auto& room : batch->joined) {
            std::vector<RoomEvent> recent;
            for (const auto& event : room.events) {
                if (event.origin_server_ts > 0 && event.origin_server_ts < history_before_ms) {
                    metrics.count("leernetwerk_inbound_skipped_events_total",
                                  {{"platform", "matrix"}, {"reason", "before_start"}});
                    continue;
                }
                recent.push_back(event);
            }
            applied = applied && decode_events(recent, "sync", joins, inbound);
        }
        const auto started_ms = std::to_string(
            std::chrono::duration_cast<std::chrono::milliseconds>(clock().time_since_epoch())
                .count());
        bool stored = false;
        if (applied) {
            const auto results =
                apply_inbound(inbound, [&](const std::vector<Result<Handled>>& so_far) {
                    if (!std::all_of(so_far.begin(), so_far.end(),
                                     [](const Result<Handled>& r) { return bool(r); })) {
                        return;  // fetched again from the stored position
                    }
                    store.set_adapter_state(kNextBatchKey, batch->next_batch, clock());
                    if (initial) {
                        store.set_adapter_state(kSyncStartKey, started_ms, clock());
                    }
                    stored = true;
                });
            applied = stored && std::all_of(results.begin(), results.end(),
                                            [](const Result<Handled>& r) { return bool(r); });
        }
        if (!applied) {
            Failure failure;
            failure.why = "the batch was not stored";
            sync_failed(generation, failure);
            wake();
            return;
        }
        if (initial) {
            std::from_chars(started_ms.data(), started_ms.data() + started_ms.size(),
                            history_before_ms);
        }
        since = batch->next_batch;
        sync_failures = 0;
        metrics.count("leernetwerk_matrix_syncs_total", {{"result", "ok"}});
        for (const auto& join : joins) {
            join_room(join.room_id, join.invite_event_id, join.direct);
        }
        wake();
        auto self = shared_from_this();
        asio::post(io, [self, generation] { self->sync_once(generation); });
    }

    /// Waits before the next /sync: exponential backoff with full jitter, at least what a 429
    /// asked for.
    void sync_failed(std::uint64_t generation, const Failure& failure) {
        ++sync_failures;
        auto delay = net::backoff_delay(
            sync_failures, options.retry.base,
            std::min<std::chrono::milliseconds>(options.retry.cap, kSyncRetryCap), random);
        if (failure.retry_after) {
            delay = std::max(delay, std::min<std::chrono::milliseconds>(*failure.retry_after,
                                                                        kSyncRetryAfterCap));
        }
        metrics.count("leernetwerk_matrix_syncs_total", {{"result", "retry"}});
        const auto wait = ", next sync in " + std::to_string(delay.count()) + " ms";
        if (failure.status == 401 || failure.errcode == "M_UNKNOWN_TOKEN" ||
            failure.errcode == "M_MISSING_TOKEN") {
            log_line(LogLevel::error,
                     "matrix: configuration error: the homeserver refused the bot account's "
                     "access token (" +
                         failure.why + "); check [matrix] access_token_file and user_id" + wait);
        } else {
            log_line(LogLevel::warn, "matrix: sync failed: " + failure.why + wait);
        }
        sync_timer.expires_after(delay);
        auto self = shared_from_this();
        sync_timer.async_wait([self, generation](const boost::system::error_code& error) {
            if (error != asio::error::operation_aborted) {
                self->sync_once(generation);
            }
        });
    }

    // ---- outbound ------------------------------------------------------------------------------

    bool bot_mode() const { return options.mode == ConnectionMode::bot; }

    /// A client-server API URL; an appservice acts as its bot user with ?user_id=, a bot
    /// account is who its access token says.
    std::string client_url(
        const std::string& path,
        const std::vector<std::pair<std::string, std::string>>& query = {}) const {
        std::string url = options.homeserver_url + kClientApi + path;
        char separator = '?';
        auto add = [&](const std::string& name, const std::string& value) {
            url += separator + name + "=" + net::encode_query_value(value);
            separator = '&';
        };
        if (!bot_mode()) {
            add("user_id", options.user_id);
        }
        for (const auto& [name, value] : query) {
            add(name, value);
        }
        return url;
    }

    void call(net::ClientRequest request, std::function<void(Result<net::ClientResponse>)> done,
              std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
        request.headers["Authorization"] =
            "Bearer " + (bot_mode() ? options.access_token : options.as_token);
        if (!request.body.empty()) {
            request.headers["Content-Type"] = "application/json";
        }
        request.timeout = timeout;
        http.send(std::move(request), std::move(done));
    }

    static Failure describe(const Result<net::ClientResponse>& response) {
        Failure failure;
        if (!response) {
            failure.why = response.error().message;
            failure.bad_input = response.error().code == ErrorCode::bad_input;
            if (response.error().retry_after) {
                failure.retry_after = *response.error().retry_after;
            }
            return failure;
        }
        failure.status = response->status;
        const auto parsed = json::parse(response->body, nullptr, false);
        if (parsed.is_object() && parsed.contains("errcode") && parsed["errcode"].is_string()) {
            failure.errcode = parsed["errcode"].get<std::string>();
        }
        failure.why = "HTTP " + std::to_string(failure.status) +
                      (failure.errcode.empty() ? "" : " " + failure.errcode);
        if (const auto header = net::parse_retry_after(response->header("Retry-After"),
                                                       std::chrono::system_clock::now())) {
            failure.retry_after = *header;
        }
        if (parsed.is_object() && parsed.contains("retry_after_ms") &&
            parsed["retry_after_ms"].is_number_integer()) {
            const auto ms = std::chrono::milliseconds(parsed["retry_after_ms"].get<std::int64_t>());
            failure.retry_after = std::max(failure.retry_after.value_or(ms), ms);
        }
        return failure;
    }

    void wake() { engine.wake(); }

    template <typename Work>
    bool write(const char* what, Work&& work) {
        return dispatch::write_logged(store, "matrix", what, std::forward<Work>(work));
    }

    static bool promises_anonymity(const OutboundMessage& message) {
        const auto* question = std::get_if<ChoiceQuestion>(&message.content);
        return question && question->anonymous && question->closed_note.empty();
    }

    /// The Matrix user a direct message goes to.
    std::string direct_user(const OutboxRow& row) {
        const auto& user = row.message.to.user_id;
        if (is_valid_user_id(user) || row.message.recipient_member_id == 0) {
            return user;
        }
        for (const auto& identity : store.identities_of(row.message.recipient_member_id)) {
            if (identity.platform == Platform::matrix && is_valid_user_id(identity.user_id)) {
                return identity.user_id;
            }
        }
        return user;
    }

    /// The delivery engine's Matrix side: finds (or opens) the room, renders, sends.
    void send_row(OutboxRow row, dispatch::OutcomeCallback done) {
        const auto& to = row.message.to;
        if (const auto* query = std::get_if<RosterQuery>(&row.message.content)) {
            fetch_joined_members(to.conversation_id, to.thread_id, query->request_id,
                                 std::move(done));
            return;
        }
        try {
            if (!to.conversation_id.empty()) {
                if (!is_valid_room_id(to.conversation_id)) {
                    done(dispatch::Outcome::give_up("not a Matrix room id: " + to.conversation_id));
                    return;
                }
                const auto room = to.conversation_id;
                if (is_encrypted_room(room) &&
                    store.adapter_state(notice_key(row.message.id)).value_or("") != "1") {
                    done(dispatch::Outcome::give_up(
                        "room " + room + " is encrypted: nothing is sent there in plain text"));
                    return;
                }
                if (promises_anonymity(row.message)) {
                    const auto ref = store.conversation_ref(Platform::matrix, room);
                    if (!ref || !ref->direct) {
                        // Answers in a shared room are events everyone there can read, with the
                        // sender.
                        done(dispatch::Outcome::give_up(
                            "an anonymous question goes to members' private chats only, not to "
                            "room " +
                            room));
                        return;
                    }
                }
                deliver(std::move(row), room, std::move(done));
                return;
            }
            const auto user = direct_user(row);
            if (!is_valid_user_id(user)) {
                done(dispatch::Outcome::give_up("no Matrix user id to open a private chat with"));
                return;
            }
            if (const auto existing = store.direct_conversation_with(Platform::matrix, user)) {
                deliver(std::move(row), existing->conversation_id, std::move(done));
                return;
            }
            create_direct_room(std::move(row), user, std::move(done));
        } catch (const StoreError& error) {
            done(dispatch::Outcome::again(std::string("database: ") + error.what()));
        }
    }

    static std::string opening_key(std::string_view user) {
        return "matrix.opening_private_chat:" + std::string(user);
    }

    /// Opens a private chat with `user`, at most once however often the bot stops in between:
    /// the intent is stored before createRoom and the room carries it as a state event
    /// (kPrivateChatMarker). When an earlier attempt may have made the room (the intent is still
    /// there), the bot's rooms are searched for it first and a room found is used.
    void create_direct_room(OutboxRow row, std::string user, dispatch::OutcomeCallback done) {
        std::string intent = store.adapter_state(opening_key(user)).value_or("");
        if (!intent.empty()) {
            find_opened_room(std::move(row), std::move(user), std::move(intent), std::move(done));
            return;
        }
        intent = "lnw" + std::to_string(row.message.id) + "." +
                 std::to_string(clock().time_since_epoch().count());
        store.transaction([&] { store.set_adapter_state(opening_key(user), intent, clock()); });
        open_room(std::move(row), std::move(user), std::move(intent), std::move(done));
    }

    void open_room(OutboxRow row, std::string user, std::string intent,
                   dispatch::OutcomeCallback done) {
        net::ClientRequest request;
        request.method = "POST";
        request.url = client_url("/createRoom");
        request.body = json{{"preset", "trusted_private_chat"},
                            {"is_direct", true},
                            {"invite", json::array({user})},
                            {"initial_state",
                             json::array({{{"type", kPrivateChatMarker},
                                           {"state_key", ""},
                                           {"content", {{"user", user}, {"intent", intent}}}}})}}
                           .dump();
        auto self = shared_from_this();
        call(
            std::move(request),
            [self, row = std::move(row), user,
             done = std::move(done)](Result<net::ClientResponse> response) mutable {
                if (!response || response->status != 200) {
                    done(classify(response));
                    return;
                }
                const auto parsed = json::parse(response->body, nullptr, false);
                const json* room =
                    parsed.is_object() && parsed.contains("room_id") ? &parsed["room_id"] : nullptr;
                if (!room || !room->is_string() || !is_valid_room_id(room->get<std::string>())) {
                    done(dispatch::Outcome::again("createRoom answered without a room id"));
                    return;
                }
                log_line(LogLevel::info, "matrix: opened a private chat " +
                                             room->get<std::string>() + " with " + user);
                self->use_private_chat(std::move(row), user, room->get<std::string>(),
                                       std::move(done));
            },
            options.send_timeout);
    }

    /// Records the private chat (and that the intent to open one is fulfilled), then sends.
    void use_private_chat(OutboxRow row, const std::string& user, const std::string& room_id,
                          dispatch::OutcomeCallback done) {
        const auto ref = direct_room_ref(room_id, user);
        const bool saved = write("save private chat", [&] {
            store.save_conversation_ref(ref);
            store.set_adapter_state(opening_key(user), "", clock());
        });
        if (!saved) {
            done(dispatch::Outcome::again("private chat " + room_id + " not recorded"));
            return;
        }
        update_direct_account_data(user, room_id);
        deliver(std::move(row), room_id, std::move(done));
    }

    /// Looks through the bot's rooms for one an earlier attempt opened with `user` (its marker
    /// names the same intent); opens one when there is none.
    void find_opened_room(OutboxRow row, std::string user, std::string intent,
                          dispatch::OutcomeCallback done) {
        net::ClientRequest request;
        request.method = "GET";
        request.url = client_url("/joined_rooms");
        auto self = shared_from_this();
        call(std::move(request), [self, row = std::move(row), user, intent, done = std::move(done)](
                                     Result<net::ClientResponse> response) mutable {
            if (!response || response->status != 200) {
                done(classify(response));
                return;
            }
            const auto parsed = json::parse(response->body, nullptr, false);
            auto rooms = std::make_shared<std::vector<std::string>>();
            if (parsed.is_object() && parsed.contains("joined_rooms") &&
                parsed["joined_rooms"].is_array()) {
                for (const auto& room : parsed["joined_rooms"]) {
                    if (room.is_string() && rooms->size() < kMaxRoomsSearched) {
                        rooms->push_back(room.get<std::string>());
                    }
                }
            }
            // The newest rooms are listed last by most homeservers: look there first.
            std::reverse(rooms->begin(), rooms->end());
            self->check_room(std::move(row), std::move(user), std::move(intent), rooms, 0,
                             std::move(done));
        });
    }

    void check_room(OutboxRow row, std::string user, std::string intent,
                    std::shared_ptr<std::vector<std::string>> rooms, std::size_t index,
                    dispatch::OutcomeCallback done) {
        if (index >= rooms->size()) {
            log_line(LogLevel::info, "matrix: no private chat with " + user +
                                         " from an earlier attempt; opening one");
            open_room(std::move(row), std::move(user), std::move(intent), std::move(done));
            return;
        }
        const auto room_id = (*rooms)[index];
        net::ClientRequest request;
        request.method = "GET";
        request.url = client_url("/rooms/" + net::encode_path_segment(room_id) + "/state/" +
                                 net::encode_path_segment(kPrivateChatMarker) + "/");
        auto self = shared_from_this();
        call(std::move(request),
             [self, row = std::move(row), user, intent, rooms, index, room_id,
              done = std::move(done)](Result<net::ClientResponse> response) mutable {
                 if (!response || response->status == 429 || response->status >= 500) {
                     done(classify(response));  // not known yet: never open a second on a guess
                     return;
                 }
                 const auto parsed = json::parse(response->body, nullptr, false);
                 if (response->status == 200 && parsed.is_object() &&
                     parsed.value("user", "") == user && parsed.value("intent", "") == intent) {
                     log_line(LogLevel::info, "matrix: using the private chat " + room_id +
                                                  " with " + user + " an earlier attempt opened");
                     self->use_private_chat(std::move(row), user, room_id, std::move(done));
                     return;
                 }
                 self->check_room(std::move(row), std::move(user), std::move(intent), rooms,
                                  index + 1, std::move(done));
             });
    }

    /// Adds the room to the bot's m.direct account data (read, merged, written back).
    void update_direct_account_data(const std::string& user, const std::string& room_id) {
        const auto path =
            "/user/" + net::encode_path_segment(options.user_id) + "/account_data/m.direct";
        net::ClientRequest request;
        request.method = "GET";
        request.url = client_url(path);
        auto self = shared_from_this();
        call(std::move(request), [self, path, user, room_id](Result<net::ClientResponse> got) {
            json direct = json::object();
            if (got && got->status == 200) {
                auto parsed = json::parse(got->body, nullptr, false);
                if (parsed.is_object()) {
                    direct = std::move(parsed);
                }
            } else if (!got || got->status != 404) {
                log_line(LogLevel::warn, "matrix: m.direct not read; not updated");
                return;
            }
            auto& rooms = direct[user];
            if (!rooms.is_array()) {
                rooms = json::array();
            }
            if (std::find(rooms.begin(), rooms.end(), json(room_id)) == rooms.end()) {
                rooms.push_back(room_id);
            }
            net::ClientRequest put;
            put.method = "PUT";
            put.url = self->client_url(path);
            put.body = direct.dump();
            self->call(std::move(put), [](Result<net::ClientResponse> written) {
                if (!written || written->status != 200) {
                    log_line(LogLevel::warn, "matrix: m.direct not updated");
                }
            });
        });
    }

    static std::string transaction_id(const OutboxRow& row) {
        // Stable across retries and restarts; the creation time keeps it unique should the
        // database ever be recreated and row ids start again.
        return "lnw" + std::to_string(row.message.id) + "." +
               std::to_string(row.created_at.time_since_epoch().count());
    }

    /// Answers a RosterQuery: GET /rooms/{roomId}/joined_members (user ids and display names;
    /// the bot itself left out), given to the bot as a roster event. A refusal (403: the bot is
    /// not in the room) or an answer that will never be better becomes a roster event saying so;
    /// what may pass is retried by the engine, and the core applies one answer only.
    void fetch_joined_members(std::string room_id, std::string thread_id, std::string request_id,
                              dispatch::OutcomeCallback done) {
        if (!is_valid_room_id(room_id)) {
            answer_roster(room_id, thread_id, request_id, RosterAnswer::Status::failed, {});
            done(dispatch::Outcome::give_up("not a Matrix room id: " + room_id));
            return;
        }
        net::ClientRequest request;
        request.method = "GET";
        request.url = client_url("/rooms/" + net::encode_path_segment(room_id) + "/joined_members");
        auto self = shared_from_this();
        call(std::move(request),
             [self, room_id, thread_id, request_id,
              done = std::move(done)](Result<net::ClientResponse> response) mutable {
                 if (response && response->status == 403) {
                     done(self->answered(self->answer_roster(room_id, thread_id, request_id,
                                                             RosterAnswer::Status::forbidden, {}),
                                         request_id));
                     return;
                 }
                 if (!response || response->status != 200) {
                     auto outcome = classify(response);
                     if (outcome.kind == dispatch::Outcome::Kind::permanent) {
                         self->answer_roster(room_id, thread_id, request_id,
                                             RosterAnswer::Status::failed, {});
                     }
                     done(std::move(outcome));
                     return;
                 }
                 const auto parsed = json::parse(response->body, nullptr, false);
                 if (!parsed.is_object() || !parsed.contains("joined") ||
                     !parsed["joined"].is_object()) {
                     self->answer_roster(room_id, thread_id, request_id,
                                         RosterAnswer::Status::failed, {});
                     done(dispatch::Outcome::give_up("joined_members answered without joined"));
                     return;
                 }
                 std::vector<RosterPerson> people;
                 for (const auto& [user_id, profile] : parsed["joined"].items()) {
                     if (!is_valid_user_id(user_id) || user_id == self->options.user_id) {
                         continue;
                     }
                     RosterPerson person;
                     person.user_id = user_id;
                     if (profile.is_object() && profile.contains("display_name") &&
                         profile["display_name"].is_string()) {
                         person.display_name = profile["display_name"].get<std::string>();
                     }
                     people.push_back(std::move(person));
                 }
                 done(self->answered(self->answer_roster(room_id, thread_id, request_id,
                                                         RosterAnswer::Status::ok,
                                                         std::move(people)),
                                     request_id));
             });
    }

    /// Gives the bot the answer to a roster query; false when the database failed.
    bool answer_roster(const std::string& room_id, const std::string& thread_id,
                       const std::string& request_id, RosterAnswer::Status status,
                       std::vector<RosterPerson> people) {
        InboundEvent event;
        event.kind = InboundEvent::Kind::roster;
        event.event_id = "roster|" + room_id + "|" + request_id;
        event.conversation = {Platform::matrix, room_id, Conversation::Kind::group, thread_id};
        event.roster.request_id = request_id;
        event.roster.status = status;
        event.roster.people = std::move(people);
        if (const auto handled = bot.handle(event, clock()); !handled) {
            log_line(LogLevel::warn,
                     "matrix: a roster answer was not applied: " + handled.error().message);
            return false;
        }
        metrics.count("leernetwerk_events_total", {{"platform", "matrix"}, {"kind", "roster"}});
        wake();
        return true;
    }

    static dispatch::Outcome answered(bool applied, const std::string& request_id) {
        return applied ? dispatch::Outcome::delivered("roster:" + request_id)
                       : dispatch::Outcome::again("database: the roster answer was not stored");
    }

    void deliver(OutboxRow row, std::string room_id, dispatch::OutcomeCallback done) {
        RenderOptions render_options;
        render_options.user_of_member = [this](Id member_id) {
            try {
                for (const auto& identity : store.identities_of(member_id)) {
                    if (identity.platform == Platform::matrix) {
                        return identity.user_id;
                    }
                }
            } catch (const StoreError&) {
            }
            return std::string();
        };
        const auto replaces = row.message.replaces ? row.replaces_remote_id : std::string();
        net::ClientRequest request;
        request.method = "PUT";
        auto event = render_event(row.message, replaces, render_options);
        request.url = client_url("/rooms/" + net::encode_path_segment(room_id) + "/send/" +
                                 net::encode_path_segment(event.type) + "/" +
                                 net::encode_path_segment(transaction_id(row)));
        request.body = std::move(event.content);
        call(
            std::move(request),
            [replaces, room_id,
             done = std::move(done)](Result<net::ClientResponse> response) mutable {
                if (!response || response->status != 200) {
                    done(classify(response));
                    return;
                }
                std::string remote_id = replaces;  // edits keep pointing at the original event
                const auto parsed = json::parse(response->body, nullptr, false);
                if (remote_id.empty() && parsed.is_object() && parsed.contains("event_id") &&
                    parsed["event_id"].is_string()) {
                    remote_id = parsed["event_id"].get<std::string>();
                }
                done(dispatch::Outcome::delivered(std::move(remote_id), room_id));
            },
            options.send_timeout);
    }

    /// Runs inside the transaction that marks `message` sent, so what a typed number answers is
    /// stored together with the question it answers.
    void track_question(const std::string& room_id, const OutboundMessage& message) {
        const auto* question = std::get_if<ChoiceQuestion>(&message.content);
        if (!question) {
            return;
        }
        const auto key = question_state_key(room_id);
        if (!question->closed_note.empty() || question->choices.empty()) {
            const auto open = open_question(room_id);
            if (open && open->action_id == question->action_id) {
                open_questions.erase(room_id);
                store.set_adapter_state(key, "", clock());
            }
            return;
        }
        OpenQuestion open;
        open.action_id = question->action_id;
        open.multiple = question->kind == ChoiceQuestion::Kind::multiple;
        json saved = {{"action_id", open.action_id},
                      {"multiple", open.multiple},
                      {"choice_ids", json::array()}};
        for (const auto& choice : question->choices) {
            open.choice_ids.push_back(choice.id);
            saved["choice_ids"].push_back(choice.id);
        }
        remember_question(room_id, std::move(open));
        store.set_adapter_state(key, saved.dump(), clock());
    }

    /// How the homeserver's answer reads: no answer, 5xx and 429 (with Retry-After or
    /// retry_after_ms) are worth another attempt; other 4xx will never succeed. A repeated
    /// txnId is answered with the event already made, so a retry never sends twice.
    static dispatch::Outcome classify(const Result<net::ClientResponse>& response) {
        const auto failure = describe(response);
        if (failure.bad_input) {
            return dispatch::Outcome::give_up(failure.why);
        }
        const auto status = failure.status;
        if (status != 0 && status != 408 && status != 429 && status < 500) {
            return dispatch::Outcome::give_up(failure.why);
        }
        return dispatch::Outcome::again(failure.why, failure.retry_after, status == 0);
    }
};

MatrixAdapter::MatrixAdapter(boost::asio::io_context& io, Bot& bot, Store& store,
                             net::HttpTransport& http, net::Metrics& metrics, MatrixOptions options,
                             Clock clock)
    : impl_(std::make_shared<Impl>(io, bot, store, http, metrics, std::move(options),
                                   std::move(clock))) {}

MatrixAdapter::~MatrixAdapter() {
    stop();
}

void MatrixAdapter::register_routes(net::HttpServer& server) {
    if (impl_->bot_mode()) {
        return;  // a bot account pulls its events with /sync: nothing is pushed to us
    }
    std::weak_ptr<Impl> weak = impl_;
    auto unavailable = [](const net::Responder& respond) {
        respond(matrix_error(503, "M_UNKNOWN", "shutting down"));
    };
    impl_->engine.set_depth_bound(impl_->options.max_outbox_depth);
    for (const std::string prefix : {"/_matrix/app/v1/transactions/", "/transactions/"}) {
        server.route_prefix(
            "PUT", prefix,
            [weak, unavailable, size = prefix.size()](net::Request request,
                                                      net::Responder respond) {
                if (auto impl = weak.lock()) {
                    impl->on_transaction(size, std::move(request), std::move(respond));
                } else {
                    unavailable(respond);
                }
            },
            impl_->options.max_body_bytes,
            [weak](const net::Request&) -> std::optional<net::Response> {
                // Back-pressure: the homeserver sends the transaction again later.
                const auto impl = weak.lock();
                const auto wait = impl ? impl->engine.busy() : std::nullopt;
                if (!wait) {
                    return std::nullopt;
                }
                auto busy = matrix_error(503, "M_UNKNOWN", "busy: too many replies waiting");
                busy.headers["Retry-After"] = std::to_string(wait->count());
                return busy;
            });
    }
    for (const std::string prefix :
         {"/_matrix/app/v1/users/", "/_matrix/app/v1/rooms/", "/users/", "/rooms/"}) {
        server.route_prefix("GET", prefix,
                            [weak, unavailable](net::Request request, net::Responder respond) {
                                if (auto impl = weak.lock()) {
                                    impl->on_query(std::move(request), std::move(respond));
                                } else {
                                    unavailable(respond);
                                }
                            });
    }
    server.route("POST", "/_matrix/app/v1/ping",
                 [weak, unavailable](net::Request request, net::Responder respond) {
                     if (auto impl = weak.lock()) {
                         impl->on_ping(std::move(request), std::move(respond));
                     } else {
                         unavailable(respond);
                     }
                 });
}

void MatrixAdapter::start() {
    auto& impl = *impl_;
    if (impl.running) {
        return;
    }
    impl.running = true;
    // Rows a crash left `sending` go out again with the same txnId: the homeserver answers a
    // repeated txnId with the event it already made, so nothing is sent twice.
    impl.engine.start();
    if (impl.bot_mode()) {
        impl.start_sync();
    }
}

void MatrixAdapter::stop() {
    if (impl_ && impl_->running) {
        impl_->running = false;
        ++impl_->sync_generation;
        impl_->engine.stop();
        impl_->sync_timer.cancel();
    }
}

void MatrixAdapter::wake() {
    impl_->wake();
}

dispatch::DeliveryHealth MatrixAdapter::delivery_health() const {
    return impl_->engine.health();
}

}  // namespace leernetwerk::matrix
