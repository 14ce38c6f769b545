// The Matrix appservice against the fake homeserver in tests/matrix_peer, which validates every
// request the bot makes against the Matrix specification: transactions pushed with the hs_token
// are applied once (by event id), replies go out as m.notice with the outbox id as txnId, 429s
// are retried with the same txnId, private chats are created once, and a whole conversation works.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <set>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/matrix_peer_support.hpp"
#include "adapters/net/http_client.hpp"
#include "adapters/net_support.hpp"
#include "bot/features/polls/ballot_box.hpp"
#include "storage/sqlite/sqlite_store.hpp"

using namespace leernetwerk;
using leernetwerk::net::test::run_until;
using nlohmann::json;

namespace {

constexpr const char* kBot = "@leernetwerk:localhost";
constexpr const char* kAsToken = "as-token-for-tests";
constexpr const char* kHsToken = "hs-token-for-tests";
constexpr const char* kMarieke = "@marieke:localhost";
constexpr const char* kAnna = "@anna:localhost";

using Catch::Matchers::Contains;
using leernetwerk::test::FakeHomeserver;

struct Fixture {
    Fixture() {
        if (port_of_peer() == 0) {
            return;
        }
        store = storage::SqliteStore::open(":memory:");
        bot = std::make_unique<Bot>(*store, BotSettings{});
        matrix::MatrixOptions options;
        options.homeserver_url = "http://127.0.0.1:" + std::to_string(peer.port);
        options.user_id = kBot;
        options.as_token = kAsToken;
        options.hs_token = kHsToken;
        options.retry.base = std::chrono::milliseconds(10);
        options.retry.cap = std::chrono::milliseconds(50);
        options.room_limits = {{1000, std::chrono::milliseconds(1000)}};
        adapter = std::make_unique<matrix::MatrixAdapter>(io, *bot, *store, client, metrics,
                                                          options, [this] { return now; });
        adapter->register_routes(server);
        port = server.listen("127.0.0.1", 0);
        adapter->start();
        control("POST", "/_test/config",
                {{"appservice_url", "http://127.0.0.1:" + std::to_string(port)}});
        room = control("POST", "/_test/rooms",
                       {{"members", {kMarieke, kBot, kAnna}}, {"name", "HSN-café"}})["room_id"]
                   .get<std::string>();
    }

    ~Fixture() {
        if (adapter) {
            adapter->stop();
            server.stop();
        }
    }

    int port_of_peer() const { return peer.port; }

    /// A call to the fake's control API (or any path on it).
    json control(const std::string& method, const std::string& path, const json& body = nullptr) {
        return leernetwerk::test::peer_call(io, client, peer.port, method, path, body);
    }

    /// The homeserver pushes one transaction; returns the appservice's answer as the fake saw it.
    json push(const json& events, json extra = json::object()) {
        extra["events"] = events;
        return control("POST", "/_test/push_transaction", extra);
    }

    json text_event(const std::string& sender, const std::string& text,
                    const std::string& in_room = "") {
        return {{"room_id", in_room.empty() ? room : in_room},
                {"type", "m.room.message"},
                {"sender", sender},
                {"content", {{"msgtype", "m.text"}, {"body", text}}}};
    }

    /// PUTs a raw body to the bot's appservice routes; returns the status and the parsed answer.
    std::pair<int, json> put(const std::string& path, const std::string& body,
                             const std::string& authorization) {
        net::ClientRequest request;
        request.method = "PUT";
        request.url = "http://127.0.0.1:" + std::to_string(port) + path;
        request.headers["Content-Type"] = "application/json";
        if (!authorization.empty()) {
            request.headers["Authorization"] = authorization;
        }
        request.body = body;
        std::optional<Result<net::ClientResponse>> got;
        client.send(request, [&](Result<net::ClientResponse> r) { got = r; });
        REQUIRE(run_until(io, [&] { return got.has_value(); }));
        REQUIRE(got->has_value());
        return std::make_pair((*got)->status, json::parse((*got)->body, nullptr, false));
    }

    /// Waits until the Matrix outbox is empty (everything sent or given up).
    bool drained() {
        return run_until(io, [&] { return store->outbox_depth(Platform::matrix) == 0; });
    }

    /// The bot's events of one type in a room, oldest first (content only).
    std::vector<json> bot_events(const std::string& type, const std::string& in_room = "") {
        const auto dump = control(
            "GET", "/_test/rooms/" + net::encode_path_segment(in_room.empty() ? room : in_room));
        std::vector<json> out;
        for (const auto& event : dump["timeline"]) {
            if (event["sender"] == kBot && event["type"] == type) {
                out.push_back(event["content"]);
            }
        }
        return out;
    }

    /// The bot's messages in a room, oldest first (content only).
    std::vector<json> bot_messages(const std::string& in_room = "") {
        return bot_events("m.room.message", in_room);
    }

    /// The bot's messages and polls (starts and ends) in a room, as text, oldest first.
    std::vector<std::string> bot_texts() {
        const auto dump = control("GET", "/_test/rooms/" + net::encode_path_segment(room));
        std::vector<std::string> out;
        for (const auto& event : dump["timeline"]) {
            if (event["sender"] != kBot) {
                continue;
            }
            const auto& content = event["content"];
            if (event["type"] == "m.room.message") {
                out.push_back(content["body"].get<std::string>());
            } else if (event["type"].get<std::string>().rfind("org.matrix.msc3381.poll.", 0) == 0) {
                out.push_back(content.value("org.matrix.msc1767.text", std::string()));
            }
        }
        return out;
    }

    /// Pushes events and returns the text of the bot's new messages and polls in the room.
    std::string push_and_read(const json& events) {
        const auto before = bot_texts().size();
        const auto answer = push(events);
        REQUIRE(answer["status"] == 200);
        REQUIRE(drained());
        std::string said;
        const auto after = bot_texts();
        for (auto i = before; i < after.size(); ++i) {
            said += after[i] + "\n";
        }
        return said;
    }

    /// Says something in the room and returns the bodies of the bot's new messages there.
    std::string say(const std::string& sender, const std::string& text) {
        return push_and_read(json::array({text_event(sender, text)}));
    }

    /// Votes in a poll the bot started and returns the text of the bot's new events.
    std::string vote(const std::string& sender, const std::string& poll_start,
                     const std::vector<std::string>& answers) {
        return push_and_read(json::array(
            {{{"room_id", room},
              {"type", "org.matrix.msc3381.poll.response"},
              {"sender", sender},
              {"content",
               {{"m.relates_to", {{"rel_type", "m.reference"}, {"event_id", poll_start}}},
                {"org.matrix.msc3381.poll.response", {{"answers", answers}}}}}}}));
    }

    /// The bot's messages in its private chat with `user`, joined; empty when there is none.
    std::string direct_texts(const std::string& user) {
        const auto ref = store->direct_conversation_with(Platform::matrix, user);
        std::string said;
        if (ref) {
            for (const auto& message : bot_messages(ref->conversation_id)) {
                said += message["body"].get<std::string>() + "\n";
            }
        }
        return said;
    }

    /// The event ids of the bot's events of one type in the room, oldest first.
    std::vector<std::string> bot_event_ids(const std::string& type) {
        const auto dump = control("GET", "/_test/rooms/" + net::encode_path_segment(room));
        std::vector<std::string> out;
        for (const auto& event : dump["timeline"]) {
            if (event["sender"] == kBot && event["type"] == type) {
                out.push_back(event["event_id"].get<std::string>());
            }
        }
        return out;
    }

    int spec_errors() { return control("GET", "/_test/errors")["count"].get<int>(); }

    int requests(const std::string& route) {
        return control("GET", "/_test/requests?route=" + route)["count"].get<int>();
    }

    int rows() {
        int count = 0;
        for (auto state :
             {OutboxState::pending, OutboxState::sending, OutboxState::sent, OutboxState::failed}) {
            count += static_cast<int>(store->outbox_in_state(Platform::matrix, state).size());
        }
        return count;
    }

    FakeHomeserver peer{{"--as-token", kAsToken, "--hs-token", kHsToken, "--sender-localpart",
                         "leernetwerk", "--user-namespace", "@leernetwerk:localhost"}};
    boost::asio::io_context io;
    std::unique_ptr<storage::SqliteStore> store;
    std::unique_ptr<Bot> bot;
    net::Metrics metrics;
    net::HttpServer server{io};
    net::HttpClient client{io};
    std::unique_ptr<matrix::MatrixAdapter> adapter;
    std::uint16_t port = 0;
    std::string room;
    Instant now = std::chrono::sys_days{std::chrono::year{2026} / 12 / 2} + std::chrono::hours{8};
};

#define REQUIRE_PEER(f)                       \
    leernetwerk::test::require_matrix_spec(); \
    Fixture f;                                \
    REQUIRE(f.port_of_peer() != 0)

}  // namespace

TEST_CASE("matrix: a pushed 'hulp' gets an m.notice reply the homeserver accepts",
          "[matrix][adapter]") {
    REQUIRE_PEER(f);
    CHECK_THAT(f.say(kMarieke, "nieuw netwerk HSN-café Feedback"), Contains("is gestart"));
    const auto help = f.say(kMarieke, "Leernetwerk bot: hulp");
    CHECK_THAT(help, Contains("Wat je kunt vragen"));
    const auto messages = f.bot_messages();
    REQUIRE(messages.size() == 2);
    CHECK(messages.back()["msgtype"] == "m.notice");
    CHECK(messages.back()["format"] == "org.matrix.custom.html");
    CHECK_THAT(messages.back()["formatted_body"].get<std::string>(), Contains("<strong>"));
    CHECK(f.spec_errors() == 0);
    // The sends used the as_token, acting as the bot, with the outbox id in the txnId.
    const auto sends = f.control("GET", "/_test/requests?route=sendMessage")["requests"];
    REQUIRE(sends.size() == 2);
    CHECK(sends[0]["query"]["user_id"] == kBot);
    CHECK_THAT(sends[0]["path"].get<std::string>(), Contains("/send/m.room.message/lnw1."));
    CHECK(f.metrics.value("leernetwerk_events_total",
                          {{"platform", "matrix"}, {"kind", "message"}}) == 2);
}

TEST_CASE("matrix: a retried transaction is a no-op, and a reused txnId with new events is not",
          "[matrix][adapter]") {
    REQUIRE_PEER(f);
    f.say(kMarieke, "nieuw netwerk HSN-café Feedback");
    const auto first = f.push(json::array({f.text_event(kMarieke, "hulp")}));
    REQUIRE(first["status"] == 200);
    REQUIRE(f.drained());
    const auto rows = f.rows();
    // The homeserver lost our 200 and sends the same transaction again.
    const auto again = f.push(json::array(), {{"txn_id", first["txn_id"]}});
    json retry = {{"txn_id", first["txn_id"]}};
    const auto resent = f.control("POST", "/_test/push_transaction", retry);
    CHECK(resent["status"] == 200);
    CHECK(resent["body"] == json::object());
    REQUIRE(f.drained());
    CHECK(f.rows() == rows);
    // A restarted homeserver reuses the txnId for new events: they are applied.
    const auto reused = f.push(json::array({f.text_event(kMarieke, "bijeenkomsten")}),
                               {{"txn_id", first["txn_id"]}});
    CHECK(reused["status"] == 200);
    REQUIRE(f.drained());
    CHECK(f.rows() == rows + 1);
    (void)again;
}

TEST_CASE("matrix: a transaction with 100 events is applied whole", "[matrix][adapter]") {
    REQUIRE_PEER(f);
    f.say(kMarieke, "nieuw netwerk HSN-café Feedback");
    json events = json::array();
    for (int i = 0; i < 100; ++i) {
        events.push_back(f.text_event(kMarieke, i % 2 == 0 ? "hulp" : "bijeenkomsten"));
    }
    const auto answer = f.push(events);
    CHECK(answer["status"] == 200);
    REQUIRE(answer["event_ids"].size() == 100);
    REQUIRE(f.drained());
    CHECK(f.rows() == 101);
    for (const auto& id : answer["event_ids"]) {
        CHECK_FALSE(f.store->remember_event(Platform::matrix, id.get<std::string>(), f.now));
    }
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix: a missing or wrong hs_token and bad bodies are refused, nothing stored",
          "[matrix][adapter]") {
    REQUIRE_PEER(f);
    const auto events = json::array({f.text_event(kMarieke, "nieuw netwerk X")});
    auto answer = f.push(events, {{"auth", "none"}});
    CHECK(answer["status"] == 401);
    CHECK(answer["body"]["errcode"] == "M_UNAUTHORIZED");
    answer = f.push(events, {{"token", "wrong"}});
    CHECK(answer["status"] == 403);
    CHECK(answer["body"]["errcode"] == "M_FORBIDDEN");
    answer = f.push(events, {{"auth", "query"}, {"token", "wrong"}, {"legacy", true}});
    CHECK(answer["status"] == 403);
    CHECK(f.store->networks().empty());
    CHECK(f.rows() == 0);

    auto put = [&](const std::string& path, const std::string& body,
                   const std::string& authorization) { return f.put(path, body, authorization); };
    const auto bearer = std::string("Bearer ") + kHsToken;
    auto [status, body] = put("/_matrix/app/v1/transactions/t1", "{not json", bearer);
    CHECK(status == 400);
    CHECK(body["errcode"] == "M_NOT_JSON");
    std::tie(status, body) = put("/transactions/t2", R"({"evts":[]})", bearer);
    CHECK(status == 400);
    CHECK(body["errcode"] == "M_BAD_JSON");
    // The token is checked before the body is looked at.
    std::tie(status, body) = put("/_matrix/app/v1/transactions/t3", "{not json", "");
    CHECK(status == 401);
    // Header and query token must agree.
    std::tie(status, body) =
        put("/_matrix/app/v1/transactions/t4?access_token=other", R"({"events":[]})", bearer);
    CHECK(status == 403);
    // A malformed sender is skipped, the rest of the transaction is applied.
    json bad = {{"events",
                 {{{"event_id", "$bad"},
                   {"room_id", f.room},
                   {"sender", "marieke"},
                   {"type", "m.room.message"},
                   {"content", {{"msgtype", "m.text"}, {"body", "nieuw netwerk X"}}}}}}};
    std::tie(status, body) = put("/_matrix/app/v1/transactions/t5", bad.dump(), bearer);
    CHECK(status == 200);
    CHECK(f.store->networks().empty());
    CHECK(f.rows() == 0);
    CHECK(f.metrics.value("leernetwerk_inbound_rejected_total",
                          {{"platform", "matrix"}, {"reason", "forbidden"}}) >= 3);
}

TEST_CASE("matrix: one undecodable event is skipped and counted, the rest applied and acknowledged",
          "[matrix][adapter]") {
    REQUIRE_PEER(f);
    const auto bearer = std::string("Bearer ") + kHsToken;
    auto good_event = f.text_event(kMarieke, "nieuw netwerk Rekenen");
    good_event["event_id"] = "$good";
    good_event["origin_server_ts"] = 1'800'000'000'000;
    const auto good = good_event.dump();
    // A lone surrogate is not valid JSON text: the whole body does not parse.
    const std::string broken =
        R"({"event_id":"$broken","room_id":")" + f.room +
        R"(","sender":"@anna:localhost","type":"m.room.message","content":{"msgtype":"m.text","body":"geheim \udc80"}})";
    const auto body = R"({"events":[)" + broken + ",null," + good + "]}";
    REQUIRE(json::parse(body, nullptr, false).is_discarded());
    auto [status, answer] = f.put("/_matrix/app/v1/transactions/bad1", body, bearer);
    CHECK(status == 200);
    REQUIRE(f.store->networks().size() == 1);
    CHECK(f.store->networks().front().name == "Rekenen");
    CHECK(f.metrics.value("leernetwerk_inbound_skipped_events_total",
                          {{"platform", "matrix"}, {"reason", "undecodable"}}) == 1);
    CHECK(f.metrics.value("leernetwerk_inbound_skipped_events_total",
                          {{"platform", "matrix"}, {"reason", "null"}}) == 1);
    // Only a body that cannot be read at all is refused (the homeserver sends it again).
    std::tie(status, answer) =
        f.put("/_matrix/app/v1/transactions/bad2", R"({"events":[)" + broken, bearer);
    CHECK(status == 400);
    CHECK(answer["errcode"] == "M_NOT_JSON");
}

TEST_CASE("matrix: [server] max_body_bytes applies to transactions", "[matrix][adapter]") {
    REQUIRE_PEER(f);
    // An adapter as `serve` makes it: the [server] limit (default 256 KiB), not a fixed 16 MiB.
    auto store = storage::SqliteStore::open(":memory:");
    Bot bot(*store, BotSettings{});
    matrix::MatrixOptions options;
    options.homeserver_url = "http://127.0.0.1:9";
    options.user_id = kBot;
    options.hs_token = kHsToken;
    matrix::MatrixAdapter adapter(f.io, bot, *store, f.client, f.metrics, options);
    net::HttpServer server(f.io);
    adapter.register_routes(server);
    const auto port = server.listen("127.0.0.1", 0);
    adapter.start();
    json events = json::array();
    for (int i = 0; i < 20; ++i) {
        events.push_back(f.text_event(kMarieke, std::string(60'000, 'x')));
    }
    net::ClientRequest request;
    request.method = "PUT";
    request.url = "http://127.0.0.1:" + std::to_string(port) + "/_matrix/app/v1/transactions/big";
    request.headers["Content-Type"] = "application/json";
    request.headers["Authorization"] = std::string("Bearer ") + kHsToken;
    request.body = json{{"events", events}}.dump();
    REQUIRE(request.body.size() > 1'000'000);
    std::optional<Result<net::ClientResponse>> got;
    f.client.send(request, [&](Result<net::ClientResponse> r) { got = r; });
    REQUIRE(run_until(f.io, [&] { return got.has_value(); }));
    REQUIRE(got->has_value());
    CHECK((*got)->status == 413);
    CHECK(store->outbox_depth(Platform::matrix) == 0);
    adapter.stop();
    server.stop();
}

TEST_CASE("matrix: with the outbox deeper than its bound, transactions are deferred unread",
          "[matrix][adapter][backpressure]") {
    REQUIRE_PEER(f);
    auto store = storage::SqliteStore::open(":memory:");
    Bot bot(*store, BotSettings{});
    matrix::MatrixOptions options;
    options.homeserver_url = "http://127.0.0.1:9";
    options.user_id = kBot;
    options.hs_token = kHsToken;
    options.max_outbox_depth = 2;
    matrix::MatrixAdapter adapter(f.io, bot, *store, f.client, f.metrics, options,
                                  [&f] { return f.now; });
    net::HttpServer server(f.io);
    adapter.register_routes(server);
    const auto port = server.listen("127.0.0.1", 0);
    store->transaction([&] {
        for (int i = 0; i < 3; ++i) {
            OutboundMessage reply;
            reply.to.platform = Platform::matrix;
            reply.to.conversation_id = f.room;
            reply.content = TextContent{"wacht", {}};
            store->mark_outbox_retry(store->append_outbox(reply, f.now),
                                     f.now + std::chrono::hours(1), "HTTP 429");
        }
    });
    adapter.start();
    auto event = f.text_event(kMarieke, "nieuw netwerk Druk");
    event["event_id"] = "$druk";
    event["origin_server_ts"] = 1'800'000'000'000;
    net::ClientRequest request;
    request.method = "PUT";
    request.url = "http://127.0.0.1:" + std::to_string(port) + "/_matrix/app/v1/transactions/d1";
    request.headers["Content-Type"] = "application/json";
    request.headers["Authorization"] = std::string("Bearer ") + kHsToken;
    request.body = json{{"events", json::array({event})}}.dump();
    std::optional<Result<net::ClientResponse>> got;
    f.client.send(request, [&](Result<net::ClientResponse> r) { got = r; });
    REQUIRE(run_until(f.io, [&] { return got.has_value(); }));
    REQUIRE(got->has_value());
    CHECK((*got)->status == 503);
    CHECK((*got)->header("Retry-After") == "1");
    CHECK(store->networks().empty());
    CHECK(f.metrics.value("leernetwerk_inbound_deferred_total", {{"platform", "matrix"}}) == 1);
    adapter.stop();
    server.stop();
}

TEST_CASE("matrix: a 429 is retried after retry_after_ms with the same txnId",
          "[matrix][adapter]") {
    REQUIRE_PEER(f);
    f.control("POST", "/_test/fail",
              {{"path", "/send/m.room.message/"},
               {"status", 429},
               {"retry_after_ms", 300},
               {"count", 1}});
    REQUIRE(f.push(json::array({f.text_event(kMarieke, "nieuw netwerk HSN-café")}))["status"] ==
            200);
    // Back in the outbox, due after the wait the homeserver asked for (Retry-After: 1 s).
    REQUIRE(run_until(f.io, [&] {
        const auto rows = f.store->outbox_in_state(Platform::matrix, OutboxState::pending);
        return rows.size() == 1 && rows.front().attempts == 1;
    }));
    const auto row = f.store->outbox_in_state(Platform::matrix, OutboxState::pending).front();
    CHECK(row.next_attempt_at > f.now);
    CHECK_THAT(row.last_error, Contains("M_LIMIT_EXCEEDED"));
    f.now += std::chrono::seconds(2);
    f.adapter->wake();
    REQUIRE(f.drained());
    const auto sends = f.control("GET", "/_test/requests?route=sendMessage")["requests"];
    REQUIRE(sends.size() == 2);
    CHECK(sends[0]["status"] == 429);
    CHECK(sends[1]["status"] == 200);
    CHECK(sends[0]["path"] == sends[1]["path"]);
    CHECK(f.store->outbox_in_state(Platform::matrix, OutboxState::sent).size() == 1);
    CHECK(f.bot_messages().size() == 1);
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix: a private chat is created once, recorded in m.direct and reused",
          "[matrix][adapter]") {
    REQUIRE_PEER(f);
    f.control("POST", "/_test/users", {{"user_id", "@bert:localhost"}});
    for (const auto* text : {"Eerste bericht", "Tweede bericht"}) {
        OutboundMessage message;
        message.to.platform = Platform::matrix;
        message.to.user_id = "@bert:localhost";
        message.to.direct = true;
        message.content = TextContent{text, {}};
        f.store->transaction([&] { f.store->append_outbox(message, f.now); });
    }
    f.adapter->wake();
    REQUIRE(f.drained());
    CHECK(f.requests("createRoom") == 1);
    const auto ref = f.store->direct_conversation_with(Platform::matrix, "@bert:localhost");
    REQUIRE(ref);
    const auto messages = f.bot_messages(ref->conversation_id);
    REQUIRE(messages.size() == 2);
    CHECK(messages[1]["body"] == "Tweede bericht");
    const auto direct =
        f.control("GET", "/_matrix/client/v3/user/" + net::encode_path_segment(kBot) +
                             "/account_data/m.direct?user_id=" + net::encode_query_value(kBot) +
                             "&access_token=" + kAsToken);
    CHECK(direct["@bert:localhost"] == json::array({ref->conversation_id}));
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix: a private chat an interrupted attempt opened is used, not opened twice",
          "[matrix][adapter]") {
    REQUIRE_PEER(f);
    f.control("POST", "/_test/users", {{"user_id", "@bert:localhost"}});
    // The homeserver makes the room, but the answer never reaches the bot (as when it is killed
    // right after the call).
    f.control("POST", "/_test/fail",
              {{"path", "/createRoom"}, {"drop", true}, {"after_processing", true}, {"count", 1}});
    OutboundMessage message;
    message.to.platform = Platform::matrix;
    message.to.user_id = "@bert:localhost";
    message.to.direct = true;
    message.content = TextContent{"Eerste bericht", {}};
    f.store->transaction([&] { f.store->append_outbox(message, f.now); });
    f.adapter->wake();
    REQUIRE(run_until(f.io, [&] { return f.requests("createRoom") == 1; }));
    f.now += std::chrono::seconds(5);
    f.adapter->wake();
    REQUIRE(f.drained());
    CHECK(f.requests("createRoom") == 1);
    const auto ref = f.store->direct_conversation_with(Platform::matrix, "@bert:localhost");
    REQUIRE(ref);
    const auto messages = f.bot_messages(ref->conversation_id);
    REQUIRE(messages.size() == 1);
    CHECK(messages[0]["body"] == "Eerste bericht");
    CHECK(f.store->outbox_in_state(Platform::matrix, OutboxState::failed).empty());
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix: invites from allowed users are accepted, and encrypted rooms are told once",
          "[matrix][adapter]") {
    REQUIRE_PEER(f);
    const auto other =
        f.control("POST", "/_test/rooms", {{"members", {kMarieke}}, {"invite", {kBot}}})["room_id"]
            .get<std::string>();
    json invite = {{"room_id", other},
                   {"type", "m.room.member"},
                   {"sender", kMarieke},
                   {"state_key", kBot},
                   {"content", {{"membership", "invite"}}}};
    REQUIRE(f.push(json::array({invite}), {{"store", false}})["status"] == 200);
    REQUIRE(
        run_until(f.io, [&] { return f.requests("joinRoomById") + f.requests("joinRoom") >= 1; }));
    REQUIRE(f.drained());
    CHECK(f.bot_messages(other).size() == 1);  // the welcome

    json encrypted = {{"room_id", f.room},
                      {"type", "m.room.encrypted"},
                      {"sender", kAnna},
                      {"content", {{"algorithm", "m.megolm.v1.aes-sha2"}}}};
    REQUIRE(f.push(json::array({encrypted, encrypted}))["status"] == 200);
    REQUIRE(f.drained());
    REQUIRE(f.push(json::array({encrypted}))["status"] == 200);
    REQUIRE(f.drained());
    const auto notes = f.bot_messages();
    REQUIRE(notes.size() == 1);
    CHECK_THAT(notes[0]["body"].get<std::string>(), Contains("versleuteld"));

    // A room encrypted from the start: no plain welcome first, only the note.
    const auto secret = f.control("POST", "/_test/rooms",
                                  {{"members", {kMarieke}}, {"invite", {kBot}}, {"encrypted", true}})
                            ["room_id"]
                                .get<std::string>();
    invite["room_id"] = secret;
    invite["event_id"] = "$invite-secret";
    REQUIRE(f.push(json::array({invite}), {{"store", false}})["status"] == 200);
    REQUIRE(run_until(f.io, [&] { return f.bot_messages(secret).size() >= 1; }));
    REQUIRE(f.drained());
    const auto first = f.bot_messages(secret);
    REQUIRE(first.size() == 1);
    CHECK_THAT(first[0]["body"].get<std::string>(), Contains("versleuteld"));
    CHECK(f.spec_errors() == 0);

    SECTION("after its notice the bot says nothing there but how to reach it privately") {
        // A message in plain text (not addressed) is not answered in the room.
        REQUIRE(f.push(json::array({f.text_event(kMarieke, "nieuw netwerk Geheim")}))["status"] ==
                200);
        // Nor is anything the bot had to say there sent (a reminder, say).
        OutboundMessage reminder;
        reminder.to.platform = Platform::matrix;
        reminder.to.conversation_id = f.room;
        reminder.content = TextContent{"Morgen: bijeenkomst", {}};
        f.store->transaction([&] { f.store->append_outbox(reminder, f.now); });
        f.adapter->wake();
        REQUIRE(f.drained());
        CHECK(f.bot_messages().size() == 1);
        CHECK(f.store->networks().empty());
        // Addressed: it says in the room that it writes privately, and does.
        REQUIRE(f.push(json::array({f.text_event(kMarieke, "leernetwerk: hulp")}))["status"] ==
                200);
        REQUIRE(f.drained());
        const auto room_messages = f.bot_messages();
        REQUIRE(room_messages.size() == 2);
        CHECK_THAT(room_messages[1]["body"].get<std::string>(), Contains("privébericht"));
        const auto chat = f.store->direct_conversation_with(Platform::matrix, kMarieke);
        REQUIRE(chat);
        const auto in_chat = f.bot_messages(chat->conversation_id);
        REQUIRE(in_chat.size() == 1);
        CHECK_THAT(in_chat[0]["body"].get<std::string>(), Contains("hulp"));
        CHECK(f.store->outbox_in_state(Platform::matrix, OutboxState::failed).size() == 1);
        CHECK(f.spec_errors() == 0);
    }
}

TEST_CASE("matrix: a facilitator plans a meeting outside a café week, and a participant cannot",
          "[matrix][adapter][conversation]") {
    REQUIRE_PEER(f);
    CHECK_THAT(f.say(kMarieke, "nieuw netwerk HSN-café Feedback"), Contains("is gestart"));
    CHECK(f.say(kMarieke, "koppel netwerk HSN-café Feedback").size() > 0);
    CHECK_THAT(f.say(kMarieke, "lid toevoegen Anna de Vries | deelnemer | CBS De Regenboog | " +
                                   std::string(kAnna)),
               Contains("Anna de Vries"));
    CHECK_THAT(f.say(kAnna, "hulp"), Contains("Wat je kunt vragen"));
    CHECK_THAT(f.say(kMarieke, "caféweken 2026-2027: 10, 11"), Contains("opgeslagen"));
    const auto question = f.say(
        kMarieke, "plan bijeenkomst 2027-02-10 15:30 | De Wegwijzer, Nijkerk | Feedback geven");
    CHECK_THAT(question, Contains("Wil je hem toch plannen?"));
    CHECK_THAT(question, Contains("1. Ja"));
    // The participant answers the question, and tries to plan one herself: both refused, the
    // first in her private chat, so the room does not see it.
    CHECK(f.say(kAnna, "1").empty());
    CHECK_THAT(f.direct_texts(kAnna), Contains("Deze vraag is voor"));
    CHECK_THAT(f.say(kAnna, "plan bijeenkomst 2027-03-10 15:30 | School | Iets"),
               Contains("Alleen organisatoren en procesbegeleiders"));
    // The facilitator answers with the number of the choice.
    CHECK_THAT(f.say(kMarieke, "1"), Contains("staat gepland"));
    CHECK_THAT(f.say(kAnna, "bijeenkomsten"), Contains("Feedback geven"));
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix: the question to plan anyway is a native poll the facilitator answers",
          "[matrix][adapter][conversation][poll]") {
    REQUIRE_PEER(f);
    f.say(kMarieke, "nieuw netwerk HSN-café Feedback");
    f.say(kMarieke, "koppel netwerk HSN-café Feedback");
    f.say(kMarieke,
          "lid toevoegen Anna de Vries | deelnemer | CBS De Regenboog | " + std::string(kAnna));
    CHECK_THAT(f.say(kMarieke, "caféweken 2026-2027: 10, 11"), Contains("opgeslagen"));
    const auto question = f.say(
        kMarieke, "plan bijeenkomst 2027-02-10 15:30 | De Wegwijzer, Nijkerk | Feedback geven");
    CHECK_THAT(question, Contains("Wil je hem toch plannen?"));
    CHECK(f.spec_errors() == 0);

    const auto starts = f.bot_events("org.matrix.msc3381.poll.start");
    REQUIRE(starts.size() == 1);
    const auto& poll = starts[0]["org.matrix.msc3381.poll.start"];
    CHECK_THAT(poll["question"]["org.matrix.msc1767.text"].get<std::string>(),
               Contains("Wil je hem toch plannen?"));
    CHECK(poll["kind"] == "org.matrix.msc3381.poll.disclosed");
    CHECK(poll["max_selections"] == 1);
    REQUIRE(poll["answers"].size() >= 2);
    CHECK(poll["answers"][0]["org.matrix.msc1767.text"] == "Ja");
    CHECK_THAT(starts[0]["org.matrix.msc1767.text"].get<std::string>(), Contains("1. Ja"));
    const auto start_id = f.bot_event_ids("org.matrix.msc3381.poll.start").at(0);
    const auto yes = poll["answers"][0]["id"].get<std::string>();

    // The participant votes: refused in her private chat, the question is for the facilitator.
    CHECK(f.vote(kAnna, start_id, {yes}).empty());
    CHECK_THAT(f.direct_texts(kAnna), Contains("Deze vraag is voor"));
    CHECK(f.bot_events("org.matrix.msc3381.poll.end").empty());
    // A vote in a poll the bot does not know is ignored.
    CHECK(f.vote(kMarieke, "$unknown:localhost", {yes}).empty());

    // The facilitator votes yes: the meeting is planned and the poll ends.
    const auto planned = f.vote(kMarieke, start_id, {yes});
    CHECK_THAT(planned, Contains("staat gepland"));
    const auto ends = f.bot_events("org.matrix.msc3381.poll.end");
    REQUIRE(ends.size() == 1);
    CHECK(ends[0]["m.relates_to"]["rel_type"] == "m.reference");
    CHECK(ends[0]["m.relates_to"]["event_id"] == start_id);
    CHECK(ends[0]["org.matrix.msc1767.text"].get<std::string>().size() > 0);
    CHECK_THAT(f.say(kAnna, "bijeenkomsten"), Contains("Feedback geven"));
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix: an anonymous question is asked only in a private chat, as numbered text",
          "[matrix][adapter][poll][privacy]") {
    REQUIRE_PEER(f);
    ChoiceQuestion question;
    question.action_id = "poll:7";
    question.prompt = "Hoe nuttig was de bijeenkomst?";
    question.choices = {{"1", "Weinig"}, {"2", "Redelijk"}, {"3", "Erg"}};
    question.anonymous = true;
    const auto queue = [&](Address to) {
        OutboundMessage message;
        message.to = std::move(to);
        message.content = question;
        Id id = 0;
        f.store->transaction([&] { id = f.store->append_outbox(message, f.now); });
        f.adapter->wake();
        REQUIRE(f.drained());
        return id;
    };

    // Addressed to the shared room: refused, since every answer there would carry its sender.
    Address room;
    room.platform = Platform::matrix;
    room.conversation_id = f.room;
    const auto refused = queue(room);
    CHECK(f.bot_texts().empty());
    const auto failed = f.store->outbox_in_state(Platform::matrix, OutboxState::failed);
    REQUIRE(failed.size() == 1);
    CHECK(failed[0].message.id == refused);
    CHECK_THAT(failed[0].last_error, Contains("private chats only"));

    // Addressed to Anna: her private chat gets numbered text, not a poll others could see.
    Address anna;
    anna.platform = Platform::matrix;
    anna.user_id = kAnna;
    anna.direct = true;
    queue(anna);
    const auto ref = f.store->direct_conversation_with(Platform::matrix, kAnna);
    REQUIRE(ref);
    CHECK(f.bot_events("org.matrix.msc3381.poll.start", ref->conversation_id).empty());
    const auto asked = f.direct_texts(kAnna);
    CHECK_THAT(asked, Contains("Hoe nuttig was de bijeenkomst?"));
    CHECK_THAT(asked, Contains("2. Redelijk"));

    // Her typed "2" there reaches the core as her answer to that question.
    const auto actions_before =
        f.metrics.value("leernetwerk_events_total", {{"platform", "matrix"}, {"kind", "action"}});
    REQUIRE(f.push(json::array({f.text_event(kAnna, "2", ref->conversation_id)}))["status"] == 200);
    REQUIRE(f.drained());
    CHECK(f.metrics.value("leernetwerk_events_total",
                          {{"platform", "matrix"}, {"kind", "action"}}) == actions_before + 1);
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix: a typed answer to an open question still counts after a restart",
          "[matrix][adapter][restart]") {
    REQUIRE_PEER(f);
    f.say(kMarieke, "nieuw netwerk HSN-café Feedback");
    f.say(kMarieke, "koppel netwerk HSN-café Feedback");
    f.say(kMarieke, "caféweken 2026-2027: 10, 11");
    CHECK_THAT(f.say(kMarieke, "plan bijeenkomst 2027-02-10 15:30 | De Wegwijzer | Feedback"),
               Contains("Wil je hem toch plannen?"));
    CHECK_THAT(f.store->adapter_state("matrix.open_question:" + f.room).value_or(""),
               Contains("confirm:"));

    // The bot restarts: a new adapter on the same database, on a new port.
    f.adapter->stop();
    net::HttpServer server{f.io};
    matrix::MatrixOptions options;
    options.homeserver_url = "http://127.0.0.1:" + std::to_string(f.peer.port);
    options.user_id = kBot;
    options.as_token = kAsToken;
    options.hs_token = kHsToken;
    auto restarted = std::make_unique<matrix::MatrixAdapter>(
        f.io, *f.bot, *f.store, f.client, f.metrics, options, [&] { return f.now; });
    restarted->register_routes(server);
    const auto port = server.listen("127.0.0.1", 0);
    restarted->start();
    f.control("POST", "/_test/config",
              {{"appservice_url", "http://127.0.0.1:" + std::to_string(port)}});

    CHECK_THAT(f.say(kMarieke, "1"), Contains("staat gepland"));
    CHECK(f.store->adapter_state("matrix.open_question:" + f.room).value_or("").empty());
    restarted->stop();
    server.stop();
}

TEST_CASE("matrix: reminders reach the room and private chats once, and a vote is confirmed",
          "[matrix][adapter][conversation][reminders]") {
    using namespace std::chrono;
    REQUIRE_PEER(f);
    f.say(kMarieke, "nieuw netwerk HSN-café Feedback");
    f.say(kMarieke, "koppel netwerk HSN-café Feedback");
    f.say(kMarieke,
          "lid toevoegen Anna de Vries | deelnemer | CBS De Regenboog | " + std::string(kAnna));
    CHECK_THAT(f.say(kMarieke, "caféweken 2026-2027: 6"), Contains("opgeslagen"));
    // Tuesday 9 February 2027 is in café week 6: planned without a question.
    CHECK_THAT(f.say(kMarieke, "plan bijeenkomst 2027-02-09 15:30 | Het Kompas | Feedback"),
               Contains("staat gepland"));
    const auto room_events_before = f.bot_texts().size();

    // The runtime's timer: run each job when it is due, up to just after Monday 8 February
    // 16:00 in Amsterdam (15:00 UTC), when the day-before reminder goes out.
    const Instant target = sys_days{year{2027} / 2 / 8} + hours{15} + minutes{1};
    int ran = 0;
    while (auto next = f.bot->next_due()) {
        if (*next > target) {
            break;
        }
        f.now = *next;
        const auto jobs = f.bot->tick(f.now);
        REQUIRE(jobs);
        ran += *jobs;
    }
    f.now = target;
    f.adapter->wake();
    REQUIRE(f.drained());
    // Café-week announcement, preparer nudge, agenda call, agenda digest (a week before), RSVP
    // nudge, day-before reminder.
    CHECK(ran == 6);
    CHECK(f.spec_errors() == 0);

    // In the room: the call for agenda items two weeks ahead and the day-before reminder, both
    // native polls asking "Kom je?".
    const auto starts = f.bot_events("org.matrix.msc3381.poll.start");
    REQUIRE(starts.size() == 2);
    for (const auto& start : starts) {
        const auto& answers = start["org.matrix.msc3381.poll.start"]["answers"];
        REQUIRE(answers.size() == 2);
        CHECK(answers[0]["org.matrix.msc1767.text"] == "Ik kom");
        CHECK(answers[1]["org.matrix.msc1767.text"] == "Ik kan niet");
    }
    const auto agenda_call = starts[0]["org.matrix.msc1767.text"].get<std::string>();
    CHECK_THAT(agenda_call, Contains("Over 14 dagen"));
    CHECK_THAT(agenda_call, Contains("Wat wil je op de agenda?"));
    const auto day_before = starts[1]["org.matrix.msc1767.text"].get<std::string>();
    CHECK_THAT(day_before, Contains("Morgen: HSN-café Feedback"));
    CHECK_THAT(day_before, Contains("Waar: Het Kompas"));
    CHECK_THAT(day_before, Contains("Onderwerp: Feedback"));
    std::string room;
    const auto texts = f.bot_texts();
    for (auto i = room_events_before; i < texts.size(); ++i) {
        room += texts[i] + "\n";
    }
    CHECK_THAT(room, Contains("Volgende week is het caféweek"));
    CHECK_THAT(room, Contains("Het Kompas"));
    // Nudges are private: neither the preparation nor "Kom je naar …" is said in the room.
    CHECK_THAT(room, !Contains("bereidt nog niemand iets voor"));
    CHECK_THAT(room, !Contains("Kom je naar"));

    // Anna had not answered: "Kom je naar …" reached her private chat (a poll there too).
    const auto anna_chat = f.store->direct_conversation_with(Platform::matrix, kAnna);
    REQUIRE(anna_chat);
    const auto anna_polls =
        f.bot_events("org.matrix.msc3381.poll.start", anna_chat->conversation_id);
    REQUIRE(anna_polls.size() == 1);
    CHECK_THAT(anna_polls[0]["org.matrix.msc1767.text"].get<std::string>(),
               Contains("Kom je naar HSN-café Feedback"));
    // Nobody prepares the meeting: the facilitator (not Anna) heard so three weeks ahead.
    CHECK_THAT(f.direct_texts(kMarieke), Contains("bereidt nog niemand iets voor"));
    CHECK_THAT(f.direct_texts(kAnna), !Contains("bereidt nog niemand iets voor"));

    // Anna votes "Ik kom" on the day-before poll: confirmed in her private chat, not the room.
    const auto start_ids = f.bot_event_ids("org.matrix.msc3381.poll.start");
    REQUIRE(start_ids.size() == 2);
    const auto yes = starts[1]["org.matrix.msc3381.poll.start"]["answers"][0]["id"];
    CHECK(f.vote(kAnna, start_ids[1], {yes.get<std::string>()}).empty());
    CHECK_THAT(f.direct_texts(kAnna), Contains("Genoteerd: je komt"));

    const auto attendance = f.say(kMarieke, "wie komt");
    const auto coming = attendance.find("Komen (1)");
    REQUIRE(coming != std::string::npos);
    CHECK(attendance.find("Anna de Vries", coming) < attendance.find("Kunnen niet"));

    // The timer fires again at the same moment: nothing is sent twice.
    const auto rows = f.rows();
    const auto in_room = f.bot_texts().size();
    const auto again = f.bot->tick(f.now);
    REQUIRE(again);
    CHECK(*again == 0);
    f.adapter->wake();
    REQUIRE(f.drained());
    CHECK(f.rows() == rows);
    CHECK(f.bot_texts().size() == in_room);
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix: after a 429 a room's messages still arrive in the order they were written",
          "[matrix][adapter][order]") {
    REQUIRE_PEER(f);
    f.control("POST", "/_test/fail",
              {{"path", "/send/"},
               {"method", "PUT"},
               {"status", 429},
               {"count", 1},
               {"errcode", "M_LIMIT_EXCEEDED"},
               {"retry_after_ms", 300}});
    for (const auto* text : {"Eerste", "Tweede"}) {
        OutboundMessage message;
        message.to.platform = Platform::matrix;
        message.to.conversation_id = f.room;
        message.content = TextContent{text, {}};
        f.store->transaction([&] { f.store->append_outbox(message, f.now); });
    }
    f.adapter->wake();
    const auto retried = [&] {
        return f.metrics.value("leernetwerk_sends_total",
                               {{"platform", "matrix"}, {"result", "retry"}}) >= 1;
    };
    REQUIRE(run_until(f.io, retried));
    f.now += std::chrono::seconds(1);  // the retry falls due
    REQUIRE(run_until(f.io, [&] { return f.bot_texts().size() == 2; }));
    const auto texts = f.bot_texts();
    CHECK(texts[0] == "Eerste");
    CHECK(texts[1] == "Tweede");
}

TEST_CASE("matrix: a room held after a 429 with a backlog does not hold up other rooms",
          "[matrix][adapter][order]") {
    REQUIRE_PEER(f);
    const auto other = f.control("POST", "/_test/rooms", {{"members", {kAnna, kBot}}})["room_id"]
                           .get<std::string>();
    f.control("POST", "/_test/fail",
              {{"path", "/send/"},
               {"method", "PUT"},
               {"status", 429},
               {"count", 1},
               {"errcode", "M_LIMIT_EXCEEDED"},
               {"retry_after_ms", 4000}});
    const auto queue = [&](const std::string& room, const std::string& text) {
        OutboundMessage message;
        message.to.platform = Platform::matrix;
        message.to.conversation_id = room;
        message.content = TextContent{text, {}};
        f.store->transaction([&] { f.store->append_outbox(message, f.now); });
    };
    for (int i = 0; i < 40; ++i) {
        queue(f.room, "A" + std::to_string(i));
    }
    f.adapter->wake();
    REQUIRE(run_until(f.io, [&] {
        return f.metrics.value("leernetwerk_sends_total",
                               {{"platform", "matrix"}, {"result", "retry"}}) >= 1;
    }));
    queue(other, "B");
    f.adapter->wake();
    // Room A waits four seconds with its backlog; room B's message goes out meanwhile.
    CHECK(run_until(
        f.io, [&] { return f.bot_messages(other).size() == 1; }, std::chrono::milliseconds(2500)));
    CHECK(f.bot_texts().empty());
}

TEST_CASE("matrix: a private chat someone else joins gets nothing meant for one person",
          "[matrix][adapter][privacy]") {
    REQUIRE_PEER(f);
    // Anna invites the bot to a room, marking the invite as direct.
    const auto dm =
        f.control("POST", "/_test/rooms", {{"members", {kAnna}}, {"invite", {kBot}}})["room_id"]
            .get<std::string>();
    json invite = {{"room_id", dm},
                   {"type", "m.room.member"},
                   {"sender", kAnna},
                   {"state_key", kBot},
                   {"content", {{"membership", "invite"}, {"is_direct", true}}}};
    REQUIRE(f.push(json::array({invite}), {{"store", false}})["status"] == 200);
    REQUIRE(
        run_until(f.io, [&] { return f.requests("joinRoomById") + f.requests("joinRoom") >= 1; }));
    REQUIRE(f.drained());
    REQUIRE(f.store->direct_conversation_with(Platform::matrix, kAnna));
    // Marieke joins it: three people now read along.
    json join = {{"room_id", dm},
                 {"type", "m.room.member"},
                 {"sender", kMarieke},
                 {"state_key", kMarieke},
                 {"content", {{"membership", "join"}, {"displayname", "Marieke"}}}};
    REQUIRE(f.push(json::array({join}))["status"] == 200);
    REQUIRE(f.drained());
    CHECK_FALSE(f.store->direct_conversation_with(Platform::matrix, kAnna));

    ChoiceQuestion question;
    question.action_id = "poll:7";
    question.prompt = "Anonieme vraag";
    question.choices = {{"1", "Weinig"}, {"2", "Redelijk"}};
    question.anonymous = true;
    OutboundMessage to_anna;
    to_anna.to.platform = Platform::matrix;
    to_anna.to.user_id = kAnna;
    to_anna.to.direct = true;
    to_anna.content = question;
    OutboundMessage to_room = to_anna;
    to_room.to.user_id.clear();
    to_room.to.conversation_id = dm;
    f.store->transaction([&] {
        f.store->append_outbox(to_anna, f.now);
        f.store->append_outbox(to_room, f.now);
    });
    f.adapter->wake();
    REQUIRE(f.drained());
    // Not in the shared room; Anna gets it in a new private chat.
    for (const auto& message : f.bot_messages(dm)) {
        CHECK_THAT(message["body"].get<std::string>(), !Contains("Anonieme vraag"));
    }
    CHECK_THAT(f.direct_texts(kAnna), Contains("Anonieme vraag"));
    CHECK(f.store->outbox_in_state(Platform::matrix, OutboxState::failed).size() == 1);
    CHECK(f.spec_errors() == 0);
}

TEST_CASE(
    "matrix: an anonymous poll is answered by number in private chats, a named one by "
    "voting, and the results reach the room",
    "[matrix][adapter][conversation][polls]") {
    REQUIRE_PEER(f);
    constexpr const char* kBram = "@bram:localhost";
    constexpr const char* kCees = "@cees:localhost";
    f.say(kMarieke, "nieuw netwerk HSN-café Feedback");
    f.say(kMarieke, "koppel netwerk HSN-café Feedback");
    for (const auto& [name, user] : std::vector<std::pair<std::string, std::string>>{
             {"Anna de Vries", kAnna}, {"Bram de Boer", kBram}, {"Cees Kok", kCees}}) {
        CHECK_THAT(f.say(kMarieke, "lid toevoegen " + name + " | deelnemer | " + user),
                   Contains(name));
    }
    const auto started =
        f.say(kMarieke, "peiling Welk thema nemen we? | Rubrics | Feedback | Toetsing | anoniem");
    CHECK_THAT(started, Contains("Anonieme peiling #1 staat uit"));
    // Not asked in the room, where every answer would carry its sender.
    CHECK_THAT(started, !Contains("1. Rubrics"));
    CHECK(f.bot_events("org.matrix.msc3381.poll.start").empty());

    const std::vector<std::pair<std::string, std::string>> typed = {
        {kAnna, "1"}, {kBram, "1"}, {kCees, "3"}};
    for (const auto& [user, number] : typed) {
        const auto chat = f.store->direct_conversation_with(Platform::matrix, user);
        REQUIRE(chat);
        // Numbered text in the private chat, not a poll.
        CHECK(f.bot_events("org.matrix.msc3381.poll.start", chat->conversation_id).empty());
        const auto asked = f.direct_texts(user);
        CHECK_THAT(asked, Contains("Welk thema nemen we?"));
        CHECK_THAT(asked, Contains("3. Toetsing"));
        CHECK_THAT(asked, Contains("Je antwoord is anoniem."));
        REQUIRE(f.push(json::array(
                    {f.text_event(user, number, chat->conversation_id)}))["status"] == 200);
        REQUIRE(f.drained());
        const auto after = f.direct_texts(user);
        CHECK_THAT(after, Contains("Dank je, ontvangen (anoniem)."));
        CHECK_THAT(after, !Contains("genoteerd"));
    }
    // Anna types her number again: it replaces her answer, she hears so, and the count stays.
    const auto anna_chat = f.store->direct_conversation_with(Platform::matrix, kAnna);
    REQUIRE(f.push(json::array({f.text_event(kAnna, "2", anna_chat->conversation_id)}))["status"] ==
            200);
    REQUIRE(f.drained());
    CHECK_THAT(f.direct_texts(kAnna), Contains("Je eerdere antwoord is vervangen"));
    CHECK(leernetwerk::respondent_count(*f.store, f.bot->settings(), *f.store->poll(1)) == 3);

    const auto results = f.say(kMarieke, "peiling sluiten 1");
    CHECK_THAT(results, Contains("Peiling #1 is gesloten"));
    CHECK_THAT(results, Contains("Uitslag peiling #1: Welk thema nemen we?"));
    CHECK_THAT(results, Contains("3 van 4"));
    CHECK_THAT(results, Contains("Rubrics"));
    CHECK_THAT(results, Contains("1 (33%)"));
    for (const auto* name : {"Anna", "Bram", "Cees"}) {
        CHECK_THAT(results, !Contains(name));
    }

    // A named poll is a native poll in each private chat; Anna votes on it there.
    CHECK_THAT(f.say(kMarieke, "peiling Welke datum past? | 12 maart | 19 maart"),
               Contains("Peiling #2 staat uit"));
    const auto polls = f.bot_events("org.matrix.msc3381.poll.start", anna_chat->conversation_id);
    REQUIRE(polls.size() == 1);
    const auto& answers = polls[0]["org.matrix.msc3381.poll.start"]["answers"];
    REQUIRE(answers.size() == 2);
    CHECK(answers[1]["org.matrix.msc1767.text"] == "19 maart");
    std::string poll_id;
    const auto dump =
        f.control("GET", "/_test/rooms/" + net::encode_path_segment(anna_chat->conversation_id));
    for (const auto& event : dump["timeline"]) {
        if (event["sender"] == kBot && event["type"] == "org.matrix.msc3381.poll.start") {
            poll_id = event["event_id"].get<std::string>();
        }
    }
    REQUIRE(!poll_id.empty());
    REQUIRE(f.push(json::array(
                {{{"room_id", anna_chat->conversation_id},
                  {"type", "org.matrix.msc3381.poll.response"},
                  {"sender", kAnna},
                  {"content",
                   {{"m.relates_to", {{"rel_type", "m.reference"}, {"event_id", poll_id}}},
                    {"org.matrix.msc3381.poll.response",
                     {{"answers", {answers[1]["id"]}}}}}}}}))["status"] == 200);
    REQUIRE(f.drained());
    CHECK(leernetwerk::respondent_count(*f.store, f.bot->settings(), *f.store->poll(2)) == 1);
    CHECK(f.store->poll_answers(2).front().value == "2");
    const auto named = f.say(kMarieke, "peiling sluiten 2");
    CHECK_THAT(named, Contains("19 maart"));
    CHECK_THAT(named, Contains("1 (100%)"));
    CHECK(f.spec_errors() == 0);
}

TEST_CASE(
    "matrix: a search in the room shows the match in bold and data as text; an export is "
    "private",
    "[matrix][adapter][conversation][knowledge]") {
    REQUIRE_PEER(f);
    f.say(kMarieke, "nieuw netwerk HSN-café Feedback");
    f.say(kMarieke, "koppel netwerk HSN-café Feedback");
    f.say(kMarieke,
          "lid toevoegen Anna de Vries | deelnemer | CBS De Regenboog | " + std::string(kAnna));
    CHECK_THAT(f.say(kMarieke,
                     "kennis notitie Verslag maart | We zagen hoe <b>Bram</b> rekent met "
                     "breuken | rekenen"),
               Contains("Opgeslagen als kennis 1"));

    // Anna searches with another word form; the room sees the hit.
    const auto found = f.say(kAnna, "zoek rekenen");
    CHECK_THAT(found, Contains("#1 Verslag maart"));
    const auto messages = f.bot_messages();
    REQUIRE_FALSE(messages.empty());
    const auto& hit = messages.back();
    REQUIRE(hit.contains("formatted_body"));
    const auto html = hit["formatted_body"].get<std::string>();
    CHECK_THAT(html, Contains("<strong>rekent</strong>"));
    CHECK_THAT(html, Contains("&lt;b&gt;Bram&lt;/b&gt;"));
    CHECK_THAT(html, !Contains("<b>Bram</b>"));

    // She may not archive it; the facilitator's export goes to her private chat, not the room.
    CHECK_THAT(f.say(kAnna, "kennis archiveer 1"),
               Contains("Alleen organisatoren en procesbegeleiders"));
    const auto in_room = f.say(kMarieke, "kennis export");
    CHECK_THAT(in_room, Contains("Ik heb het je privé gestuurd."));
    CHECK_THAT(in_room, !Contains("Verslag maart"));
    CHECK_THAT(f.direct_texts(kMarieke), Contains("Kennisbank van HSN-café Feedback"));
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix: a question pills the routed member, who answers with a reply",
          "[matrix][adapter][conversation][questions]") {
    REQUIRE_PEER(f);
    f.say(kMarieke, "nieuw netwerk HSN-café Feedback");
    f.say(kMarieke, "koppel netwerk HSN-café Feedback");
    f.say(kMarieke,
          "lid toevoegen Anna de Vries | deelnemer | CBS De Regenboog | " + std::string(kAnna));
    f.say(kAnna, "expertise rekenen, rubrics");

    // Marieke asks in the room: Anna is mentioned with a pill and in m.mentions.
    const auto said = f.say(kMarieke, "vraag Hoe oefenen jullie rekenen met feedback?");
    CHECK_THAT(said, Contains("Vraag #1"));
    const auto ids = f.bot_event_ids("m.room.message");
    const auto messages = f.bot_messages();
    REQUIRE(ids.size() == messages.size());
    std::string post_id;
    json post;
    for (std::size_t i = 0; i < messages.size(); ++i) {
        if (messages[i]["body"].get<std::string>().find("Vraag #1") != std::string::npos) {
            post = messages[i];
            post_id = ids[i];
        }
    }
    REQUIRE(post.is_object());
    REQUIRE(post["m.mentions"]["user_ids"].is_array());
    CHECK(post["m.mentions"]["user_ids"] == json::array({kAnna}));
    CHECK_THAT(post["formatted_body"].get<std::string>(),
               Contains("<a href=\"https://matrix.to/#/@anna:localhost\">Anna de Vries</a>"));
    CHECK_THAT(f.direct_texts(kAnna),
               Contains("Je krijgt deze vraag omdat je verstand hebt van rekenen"));

    // Anna replies to the post (a rich reply): that is her answer.
    auto reply = f.text_event(kAnna, "Met een rekenmuur en korte feedback.");
    reply["content"]["m.relates_to"] = {{"m.in_reply_to", {{"event_id", post_id}}}};
    f.push_and_read(json::array({reply}));
    const auto answers = f.store->answers_of(1);
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].text == "Met een rekenmuur en korte feedback.");

    // Marieke gets it privately, as a poll with "Dit hielp me".
    const auto marieke_chat = f.store->direct_conversation_with(Platform::matrix, kMarieke);
    REQUIRE(marieke_chat);
    const auto polls = f.bot_events("org.matrix.msc3381.poll.start", marieke_chat->conversation_id);
    REQUIRE(polls.size() == 1);
    const auto prompt = polls[0]["org.matrix.msc1767.text"].get<std::string>();
    CHECK_THAT(prompt, Contains("Met een rekenmuur en korte feedback."));
    CHECK_THAT(prompt, Contains("van Anna de Vries"));

    // Marieke marks it helpful: the room hears it in the question's thread.
    f.say(kMarieke, "nuttig 1 1");
    CHECK(f.store->question(1)->status == QuestionStatus::answered);
    bool in_thread = false;
    for (const auto& message : f.bot_messages()) {
        if (message["body"].get<std::string>().find("is beantwoord") != std::string::npos &&
            message.contains("m.relates_to")) {
            in_thread = message["m.relates_to"]["rel_type"] == "m.thread" &&
                        message["m.relates_to"]["event_id"] == post_id;
        }
    }
    CHECK(in_thread);
    // Anna answering in that thread later (not a reply) still counts as an answer to it.
    auto threaded = f.text_event(kAnna, "Nog een tip: laat ze elkaar overhoren.");
    threaded["content"]["m.relates_to"] = {{"rel_type", "m.thread"},
                                           {"event_id", post_id},
                                           {"is_falling_back", true},
                                           {"m.in_reply_to", {{"event_id", post_id}}}};
    f.push_and_read(json::array({threaded}));
    CHECK(f.store->answers_of(1).size() == 1);  // answered and closed: no more answers
    CHECK_THAT(f.direct_texts(kAnna), Contains("al beantwoord of gesloten"));
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix: leden importeren reads the room's joined members and adds the chosen ones",
          "[matrix][adapter][roster]") {
    REQUIRE_PEER(f);
    f.say(kMarieke, "nieuw netwerk HSN-café Feedback");
    f.say(kMarieke, "koppel netwerk HSN-café Feedback");
    // The room: Marieke (a member now), the bot (never proposed) and Anna.
    const auto proposed = f.say(kMarieke, "leden importeren");
    CHECK_THAT(proposed, Contains("Eén persoon in dit gesprek zit nog niet in HSN-café Feedback"));
    CHECK_THAT(proposed, Contains("anna"));
    CHECK_THAT(proposed, !Contains("marieke"));
    CHECK_THAT(proposed, !Contains("leernetwerk"));
    CHECK_THAT(f.say(kMarieke, "1"), Contains("zit nu in HSN-café Feedback als deelnemer"));
    const auto anna = f.store->member_by_identity(Platform::matrix, kAnna);
    REQUIRE(anna);
    CHECK(f.metrics.value("leernetwerk_events_total",
                          {{"platform", "matrix"}, {"kind", "roster"}}) == 1);
    CHECK_THAT(f.say(kMarieke, "leden importeren"), Contains("Iedereen in dit gesprek zit al in"));
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix: a member who leaves the linked room is put to the facilitator privately",
          "[matrix][adapter][changes]") {
    REQUIRE_PEER(f);
    f.say(kMarieke, "nieuw netwerk HSN-café Feedback");
    f.say(kMarieke, "koppel netwerk HSN-café Feedback");
    f.say(kMarieke, "lid toevoegen Anna de Vries | deelnemer | CBS De Regenboog | " +
                        std::string(kAnna));
    json leave = {{"room_id", f.room},
                  {"type", "m.room.member"},
                  {"sender", kAnna},
                  {"state_key", kAnna},
                  {"content", {{"membership", "leave"}}}};
    f.push_and_read(json::array({leave}));
    // The Ja/Nee card is a native poll in Marieke's private chat.
    const auto ref = f.store->direct_conversation_with(Platform::matrix, kMarieke);
    REQUIRE(ref);
    std::string asked;
    for (const auto& start : f.bot_events("org.matrix.msc3381.poll.start", ref->conversation_id)) {
        asked += start.dump();
    }
    for (const auto& message : f.bot_messages(ref->conversation_id)) {
        asked += message.dump();
    }
    CHECK_THAT(asked, Contains("Anna de Vries heeft het gesprek van HSN-caf"));
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix: an answer the homeserver refused in the room reaches its sender privately",
          "[matrix][adapter][notice]") {
    REQUIRE_PEER(f);
    REQUIRE_THAT(f.say(kMarieke, "nieuw netwerk HSN-café Feedback"), Contains("is gestart"));
    // The room refuses the bot's next message for good (403), as after a power-level change.
    f.control("POST", "/_test/fail",
              {{"path", "/rooms/" + f.room + "/send/m.room.message/"},
               {"status", 403},
               {"errcode", "M_FORBIDDEN"},
               {"count", 1}});
    f.say(kMarieke, "bijeenkomsten");
    REQUIRE(f.store->outbox_in_state(Platform::matrix, OutboxState::failed).size() == 1);
    CHECK(f.direct_texts(kMarieke).empty());
    // The runtime's timer runs the notice the give-up scheduled.
    REQUIRE(f.bot->tick(f.now));
    f.adapter->wake();
    REQUIRE(f.drained());
    const auto said = f.direct_texts(kMarieke);
    CHECK_THAT(
        said, Contains("Mijn antwoord op je bericht in de groep van HSN-café Feedback is daar niet "
                       "aangekomen: Matrix nam het niet aan."));
    CHECK_THAT(said, Contains("HSN-café Feedback heeft nog geen komende bijeenkomsten."));
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix: the attendance list reaches the organiser as a poll of the members, and her "
          "answer is the list of who came",
          "[matrix][adapter][conversation][participation]") {
    using namespace std::chrono;
    REQUIRE_PEER(f);
    constexpr const char* kBram = "@bram:localhost";
    f.say(kMarieke, "nieuw netwerk HSN-café Feedback");
    f.say(kMarieke, "koppel netwerk HSN-café Feedback");
    f.say(kMarieke, "lid toevoegen Anna de Vries | deelnemer | CBS De Regenboog | " +
                        std::string(kAnna));
    f.say(kMarieke, "lid toevoegen Bram de Boer | deelnemer | Het Kompas | " + std::string(kBram));
    f.say(kMarieke, "caféweken 2026-2027: 6");
    CHECK_THAT(f.say(kMarieke, "plan bijeenkomst 2027-02-09 15:30 | Het Kompas | Feedback"),
               Contains("staat gepland"));
    f.say(kAnna, "ik kom");

    // The meeting starts (Tuesday 9 February 15:30 in Amsterdam, 14:30 UTC).
    const Instant target = sys_days{year{2027} / 2 / 9} + hours{14} + minutes{31};
    while (auto next = f.bot->next_due()) {
        if (*next > target) {
            break;
        }
        f.now = *next;
        REQUIRE(f.bot->tick(f.now));
    }
    f.now = target;
    f.adapter->wake();
    REQUIRE(f.drained());
    CHECK(f.spec_errors() == 0);

    // In Marieke's private chat: a native poll with every member as an answer, as many
    // selections as there are members; the text says who is on the list already.
    const auto chat = f.store->direct_conversation_with(Platform::matrix, kMarieke);
    REQUIRE(chat);
    json list;
    for (const auto& start : f.bot_events("org.matrix.msc3381.poll.start", chat->conversation_id)) {
        if (start.dump().find("Aanwezigheid bijeenkomst") != std::string::npos) {
            list = start;
        }
    }
    REQUIRE(list.is_object());
    const auto& poll = list["org.matrix.msc3381.poll.start"];
    CHECK(poll["max_selections"] == 3);
    REQUIRE(poll["answers"].size() == 3);
    CHECK_THAT(list["org.matrix.msc1767.text"].get<std::string>(),
               Contains("1 aanwezig: Anna de Vries"));
    std::vector<std::string> came;
    for (const auto& answer : poll["answers"]) {
        const auto name = answer["org.matrix.msc1767.text"].get<std::string>();
        if (name == "Anna de Vries" || name == "Bram de Boer") {
            came.push_back(answer["id"].get<std::string>());
        }
    }
    REQUIRE(came.size() == 2);

    // She selects Anna and Bram (who came unannounced): the list is saved and confirmed.
    std::string poll_id;
    const auto dump = f.control(
        "GET", "/_test/rooms/" + net::encode_path_segment(chat->conversation_id));
    for (const auto& event : dump["timeline"]) {
        if (event["type"] == "org.matrix.msc3381.poll.start" &&
            event.dump().find("Aanwezigheid bijeenkomst") != std::string::npos) {
            poll_id = event["event_id"].get<std::string>();
        }
    }
    REQUIRE(!poll_id.empty());
    const auto answer = f.push(json::array(
        {{{"room_id", chat->conversation_id},
          {"type", "org.matrix.msc3381.poll.response"},
          {"sender", kMarieke},
          {"content",
           {{"m.relates_to", {{"rel_type", "m.reference"}, {"event_id", poll_id}}},
            {"org.matrix.msc3381.poll.response", {{"answers", came}}}}}}}));
    REQUIRE(answer["status"] == 200);
    REQUIRE(f.drained());
    CHECK_THAT(f.direct_texts(kMarieke), Contains("2 aanwezig: Anna de Vries en Bram de Boer"));
    std::set<Id> present;
    for (const auto& meeting : f.store->meetings_of(f.store->networks().front().id)) {
        for (const auto& mark : f.store->attendance_of(meeting.id)) {
            if (mark.present) {
                present.insert(mark.member_id);
            }
        }
    }
    CHECK(present.size() == 2);
    CHECK(f.spec_errors() == 0);
}
