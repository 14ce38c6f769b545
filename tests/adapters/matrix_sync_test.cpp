// Matrix bot-account mode against the fake homeserver in tests/matrix_peer, which validates every
// request against the Matrix specification: the /sync loop skips history on its first sync,
// applies timeline events through the same path as appservice transactions, back-fills a gappy
// timeline with /messages, keeps next_batch in the store only after a batch was applied (so a
// restart resumes without answering twice), backs off on 429/500/401, and a whole conversation
// works with the access token.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/matrix/sync.hpp"
#include "adapters/matrix_peer_support.hpp"
#include "adapters/net/http_client.hpp"
#include "adapters/net_support.hpp"
#include "storage/sqlite/sqlite_store.hpp"

using namespace leernetwerk;
using leernetwerk::net::test::run_until;
using nlohmann::json;

namespace {

constexpr const char* kBot = "@leernetwerk:localhost";
constexpr const char* kToken = "bot-access-token-for-tests";
constexpr const char* kMarieke = "@marieke:localhost";
constexpr const char* kAnna = "@anna:localhost";
constexpr const char* kNextBatch = "matrix.next_batch";

using Catch::Matchers::Contains;
using leernetwerk::test::FakeHomeserver;

struct Fixture {
    Fixture() {
        if (peer.port == 0) {
            return;
        }
        store = storage::SqliteStore::open(":memory:");
        bot = std::make_unique<Bot>(*store, BotSettings{});
        room = control("POST", "/_test/rooms",
                       {{"members", {kMarieke, kBot, kAnna}}, {"name", "HSN-café"}})["room_id"]
                   .get<std::string>();
        // History from before the bot ran: never answered.
        post(kMarieke, "hulp");
    }

    ~Fixture() {
        if (adapter) {
            adapter->stop();
        }
    }

    matrix::MatrixOptions options(const std::string& token = kToken) const {
        matrix::MatrixOptions options;
        options.mode = matrix::ConnectionMode::bot;
        options.homeserver_url = "http://127.0.0.1:" + std::to_string(peer.port);
        options.user_id = kBot;
        options.access_token = token;
        options.sync_timeout = std::chrono::milliseconds(2000);
        options.retry.base = std::chrono::milliseconds(10);
        options.retry.cap = std::chrono::milliseconds(50);
        options.room_limits = {{1000, std::chrono::milliseconds(1000)}};
        return options;
    }

    /// Starts (or restarts) the adapter and waits for its first answered sync.
    void start(const std::string& token = kToken) {
        if (adapter) {
            adapter->stop();
        }
        adapter = std::make_unique<matrix::MatrixAdapter>(io, *bot, *store, client, metrics,
                                                          options(token), [this] { return now; });
        const auto before = syncs();
        adapter->start();
        if (token == kToken) {
            REQUIRE(run_until(io, [&] { return syncs() > before; }));
        }
    }

    double syncs(const std::string& result = "ok") {
        return metrics.value("leernetwerk_matrix_syncs_total", {{"result", result}});
    }

    double applied() {
        return metrics.value("leernetwerk_events_total",
                             {{"platform", "matrix"}, {"kind", "message"}}) +
               metrics.value("leernetwerk_events_total",
                             {{"platform", "matrix"}, {"kind", "action"}});
    }

    std::optional<std::string> next_batch() { return store->adapter_state(kNextBatch); }

    json control(const std::string& method, const std::string& path, const json& body = nullptr) {
        return leernetwerk::test::peer_call(io, client, peer.port, method, path, body);
    }

    /// A member says something in the room (on the homeserver; the bot syncs it).
    std::string post(const std::string& sender, const std::string& text) {
        return control("POST", "/_test/room_event",
                       {{"room_id", room},
                        {"sender", sender},
                        {"type", "m.room.message"},
                        {"content", {{"msgtype", "m.text"}, {"body", text}}}})["event"]["event_id"]
            .get<std::string>();
    }

    bool drained() {
        return run_until(io, [&] { return store->outbox_depth(Platform::matrix) == 0; });
    }

    std::vector<json> bot_messages(const std::string& in_room = "") {
        const auto dump = control(
            "GET", "/_test/rooms/" + net::encode_path_segment(in_room.empty() ? room : in_room));
        std::vector<json> out;
        for (const auto& event : dump["timeline"]) {
            if (event["sender"] == kBot && event["type"] == "m.room.message") {
                out.push_back(event["content"]);
            }
        }
        return out;
    }

    /// The bot's messages and polls (their text fallback) in the room, oldest first.
    std::vector<std::string> bot_texts() {
        const auto dump = control("GET", "/_test/rooms/" + net::encode_path_segment(room));
        std::vector<std::string> out;
        for (const auto& event : dump["timeline"]) {
            if (event["sender"] != kBot) {
                continue;
            }
            if (event["type"] == "m.room.message") {
                out.push_back(event["content"]["body"].get<std::string>());
            } else if (event["type"].get<std::string>().rfind("org.matrix.msc3381.poll.", 0) == 0) {
                out.push_back(event["content"].value("org.matrix.msc1767.text", std::string()));
            }
        }
        return out;
    }

    /// The bot's messages in its private chat with `user`, joined; empty when there is none.
    std::string direct_texts(const std::string& user) {
        const auto ref = store->direct_conversation_with(Platform::matrix, user);
        std::string said;
        for (const auto& message : ref ? bot_messages(ref->conversation_id) : std::vector<json>{}) {
            said += message["body"].get<std::string>() + "\n";
        }
        return said;
    }

    std::string bodies_since(std::size_t before) {
        std::string said;
        const auto after = bot_texts();
        for (auto i = before; i < after.size(); ++i) {
            said += after[i] + "\n";
        }
        return said;
    }

    /// Says something and returns the bodies of the bot's new messages in the room.
    std::string say(const std::string& sender, const std::string& text) {
        const auto before = bot_texts().size();
        const auto seen = applied();
        post(sender, text);
        REQUIRE(run_until(io, [&] { return applied() > seen; }));
        REQUIRE(drained());
        return bodies_since(before);
    }

    int spec_errors() { return control("GET", "/_test/errors")["count"].get<int>(); }

    json requests(const std::string& route) {
        return control("GET", "/_test/requests?route=" + route)["requests"];
    }

    /// Runs the loop for a while (answers in flight arrive, timers fire).
    void idle(std::chrono::milliseconds how_long) {
        run_until(
            io, [] { return false; }, how_long);
    }

    FakeHomeserver peer{{"--user", std::string(kBot) + "=" + kToken}};
    boost::asio::io_context io;
    std::unique_ptr<storage::SqliteStore> store;
    std::unique_ptr<Bot> bot;
    net::Metrics metrics;
    net::HttpClient client{io};
    std::unique_ptr<matrix::MatrixAdapter> adapter;
    std::string room;
    Instant now = std::chrono::sys_days{std::chrono::year{2026} / 12 / 2} + std::chrono::hours{8};
};

#define REQUIRE_PEER(f)                       \
    leernetwerk::test::require_matrix_spec(); \
    Fixture f;                                \
    REQUIRE(f.peer.port != 0)

}  // namespace

TEST_CASE("matrix sync: parse_sync reads timelines, gaps and the bot's invites", "[matrix][sync]") {
    const json body = {
        {"next_batch", "s9"},
        {"rooms",
         {{"join",
           {{"!a:localhost",
             {{"timeline",
               {{"events",
                 {{{"event_id", "$1"},
                   {"sender", kMarieke},
                   {"type", "m.room.message"},
                   {"origin_server_ts", 1},
                   {"content", {{"msgtype", "m.text"}, {"body", "hulp"}}}},
                  {{"event_id", "$2"}, {"sender", "marieke"}, {"type", "m.room.message"}}}},
                {"limited", true},
                {"prev_batch", "t3"}}}}},
            {"not a room", {{"timeline", {{"events", json::array()}}}}}}},
          {"invite",
           {{"!b:localhost",
             {{"invite_state",
               {{"events",
                 {{{"type", "m.room.member"},
                   {"state_key", kBot},
                   {"sender", kMarieke},
                   {"content", {{"membership", "invite"}, {"is_direct", true}}}}}}}}}}}}}}};
    const auto batch = matrix::parse_sync(body.dump(), kBot);
    REQUIRE(batch);
    CHECK(batch->next_batch == "s9");
    REQUIRE(batch->joined.size() == 1);
    const auto& room = batch->joined.front();
    CHECK(room.limited);
    CHECK(room.prev_batch == "t3");
    REQUIRE(room.events.size() == 2);
    CHECK(room.events[0].room_id == "!a:localhost");
    CHECK(room.events[0].well_formed);
    CHECK(room.events[0].body == "hulp");
    CHECK_FALSE(room.events[1].well_formed);
    REQUIRE(batch->invites.size() == 1);
    CHECK(batch->invites[0].is_direct);
    CHECK(batch->invites[0].sender == kMarieke);
    CHECK(batch->invites[0].well_formed);

    // The room the bot just joined: what came before its join is history, not answered.
    const json joined = {{"next_batch", "s10"},
                         {"rooms",
                          {{"join",
                            {{"!c:localhost",
                              {{"timeline",
                                {{"events",
                                  {{{"event_id", "$old"},
                                    {"sender", kMarieke},
                                    {"type", "m.room.message"},
                                    {"content", {{"msgtype", "m.text"}, {"body", "hulp"}}}},
                                   {{"event_id", "$join"},
                                    {"sender", kBot},
                                    {"type", "m.room.member"},
                                    {"state_key", kBot},
                                    {"content", {{"membership", "join"}}}},
                                   {{"event_id", "$new"},
                                    {"sender", kMarieke},
                                    {"type", "m.room.message"},
                                    {"content", {{"msgtype", "m.text"}, {"body", "hulp"}}}}}},
                                 {"limited", true},
                                 {"prev_batch", "t1"}}}}}}}}}};
    const auto after_join = matrix::parse_sync(joined.dump(), kBot);
    REQUIRE(after_join);
    REQUIRE(after_join->joined.size() == 1);
    REQUIRE(after_join->joined[0].events.size() == 1);
    CHECK(after_join->joined[0].events[0].event_id == "$new");
    CHECK_FALSE(after_join->joined[0].limited);

    CHECK_FALSE(matrix::parse_sync("{not json", kBot));
    CHECK_FALSE(matrix::parse_sync(R"({"rooms":{}})", kBot));
    CHECK_FALSE(matrix::parse_sync(std::string(100, '[') + std::string(100, ']'), kBot));

    const auto page = matrix::parse_messages(
        R"({"chunk":[{"event_id":"$5","sender":"@a:localhost","type":"m.room.message","content":{}},
                      {"event_id":"$4","sender":"@a:localhost","type":"m.room.message","content":{}}],
            "end":"t1"})",
        "!a:localhost");
    REQUIRE(page);
    REQUIRE(page->events.size() == 2);
    CHECK(page->events[0].event_id == "$4");  // oldest first
    CHECK(page->more);
}

TEST_CASE("matrix sync: 'hulp' in a room gets a reply sent with the access token",
          "[matrix][sync]") {
    REQUIRE_PEER(f);
    f.start();
    // The first sync only took the position: the earlier 'hulp' is not answered.
    REQUIRE(f.next_batch());
    f.idle(std::chrono::milliseconds(300));
    CHECK(f.bot_messages().empty());
    CHECK_THAT(f.say(kMarieke, "nieuw netwerk HSN-café Feedback"), Contains("is gestart"));
    const auto help = f.say(kMarieke, "Leernetwerk bot: hulp");
    CHECK_THAT(help, Contains("Wat je kunt vragen"));
    const auto messages = f.bot_messages();
    REQUIRE(messages.size() == 2);
    CHECK(messages.back()["msgtype"] == "m.notice");
    CHECK(f.spec_errors() == 0);
    // Sent as the bot account itself: no user_id masquerading.
    const auto sends = f.requests("sendMessage");
    REQUIRE(sends.size() == 2);
    CHECK_FALSE(sends[0]["query"].contains("user_id"));
    CHECK_THAT(sends[0]["path"].get<std::string>(), Contains("/send/m.room.message/lnw1."));
    // The filter was uploaded and used; no sync asked for presence.
    const auto filters = f.requests("defineFilter");
    REQUIRE(filters.size() == 1);
    const auto syncs = f.requests("sync");
    REQUIRE(syncs.size() >= 2);
    CHECK_FALSE(syncs[0]["query"].contains("since"));
    CHECK(syncs[1]["query"].contains("since"));
    CHECK(syncs[1]["query"]["filter"] == "0");
}

TEST_CASE("matrix sync: invites from allowed users are joined, with a welcome", "[matrix][sync]") {
    REQUIRE_PEER(f);
    f.start();
    const auto other =
        f.control("POST", "/_test/rooms",
                  {{"members", {kMarieke}}, {"invite", {kBot}}, {"name", "Intern"}})["room_id"]
            .get<std::string>();
    REQUIRE(run_until(f.io, [&] {
        return f.store->outbox_depth(Platform::matrix) > 0 ||
               f.metrics.value("leernetwerk_sends_total",
                               {{"platform", "matrix"}, {"result", "ok"}}) > 0;
    }));
    REQUIRE(f.drained());
    CHECK(f.requests("joinRoom").size() + f.requests("joinRoomById").size() == 1);
    CHECK(f.bot_messages(other).size() == 1);
    // History from before the join is not answered; what comes after it is.
    f.idle(std::chrono::milliseconds(300));
    CHECK(f.requests("joinRoom").size() + f.requests("joinRoomById").size() == 1);
    CHECK(f.bot_messages(other).size() == 1);
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix sync: a gap in the timeline is back-filled through /messages", "[matrix][sync]") {
    REQUIRE_PEER(f);
    f.start();
    f.say(kMarieke, "nieuw netwerk HSN-café Feedback");
    f.adapter->stop();
    f.adapter.reset();
    // Sixty messages while the bot is away: more than the sync filter's timeline limit (50).
    for (int i = 0; i < 60; ++i) {
        f.post(i % 2 == 0 ? kMarieke : kAnna, i % 2 == 0 ? "hulp" : "bijeenkomsten");
    }
    const auto seen = f.applied();
    f.start();
    REQUIRE(run_until(f.io, [&] { return f.applied() >= seen + 60; }));
    REQUIRE(f.drained());
    CHECK(f.applied() == seen + 60);
    CHECK(f.bot_messages().size() == 61);
    const auto fetched = f.requests("getRoomEvents");
    REQUIRE(fetched.size() == 1);
    CHECK(fetched[0]["query"]["dir"] == "b");
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix sync: next_batch is stored, and a restart resumes without answering twice",
          "[matrix][sync]") {
    REQUIRE_PEER(f);
    f.start();
    f.say(kMarieke, "nieuw netwerk HSN-café Feedback");
    const auto before_help = f.next_batch();
    REQUIRE(before_help);
    f.say(kMarieke, "hulp");
    const auto after_help = f.next_batch();
    REQUIRE(after_help);
    CHECK(*after_help != *before_help);
    const auto answered = f.bot_messages().size();

    // A crash before the position was stored: the restarted adapter fetches 'hulp' again, and
    // the event-id dedupe keeps it from being answered twice.
    f.adapter->stop();
    f.adapter.reset();
    f.store->set_adapter_state(kNextBatch, *before_help, f.now);
    const auto seen = f.applied();
    const auto earlier = f.requests("sync").size();
    f.start();
    const auto resumed = f.requests("sync");
    bool from_stored = false;
    for (auto i = earlier; i < resumed.size(); ++i) {
        from_stored = from_stored || resumed[i]["query"].value("since", "") == *before_help;
    }
    CHECK(from_stored);
    REQUIRE(run_until(f.io, [&] { return f.next_batch() != before_help; }));
    f.idle(std::chrono::milliseconds(300));
    REQUIRE(f.drained());
    CHECK(f.applied() == seen);
    CHECK(f.bot_messages().size() == answered);
    // And new messages are answered once.
    CHECK_THAT(f.say(kAnna, "hulp"), Contains("Wat je kunt vragen"));
    CHECK(f.bot_messages().size() == answered + 1);
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix sync: 429 and 500 on /sync are retried with backoff", "[matrix][sync]") {
    REQUIRE_PEER(f);
    f.start();
    f.control("POST", "/_test/fail",
              {{"path", "/sync"}, {"status", 429}, {"retry_after_ms", 200}, {"count", 1}});
    f.control("POST", "/_test/fail", {{"path", "/sync"}, {"status", 500}, {"count", 1}});
    // Wake the long poll in flight; the next two syncs fail.
    f.post(kMarieke, "nieuw netwerk HSN-café Feedback");
    REQUIRE(run_until(f.io, [&] { return f.syncs("retry") >= 2; }));
    CHECK_THAT(f.say(kAnna, "hulp"), Contains("Wat je kunt vragen"));
    std::vector<int> statuses;
    for (const auto& request : f.requests("sync")) {
        if (request["status"].is_number_integer()) {  // null: the long poll still waiting
            statuses.push_back(request["status"].get<int>());
        }
    }
    CHECK(std::count(statuses.begin(), statuses.end(), 429) == 1);
    CHECK(std::count(statuses.begin(), statuses.end(), 500) == 1);
    CHECK(statuses.back() == 200);
    CHECK(f.bot_messages().size() == 2);
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix sync: an unknown access token is a configuration error, retried with backoff",
          "[matrix][sync]") {
    REQUIRE_PEER(f);
    f.start("not-the-token");
    REQUIRE(run_until(f.io, [&] { return f.syncs("retry") >= 3; }));
    CHECK_FALSE(f.next_batch());
    const auto syncs = f.requests("sync");
    REQUIRE_FALSE(syncs.empty());
    CHECK(syncs[0]["status"] == 401);
}

TEST_CASE("matrix sync: a facilitator plans a meeting outside a café week, a participant cannot",
          "[matrix][sync][conversation]") {
    REQUIRE_PEER(f);
    f.start();
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
    CHECK(f.say(kAnna, "1").empty());  // refused in her private chat, not in the room
    CHECK_THAT(f.direct_texts(kAnna), Contains("Deze vraag is voor"));
    CHECK_THAT(f.say(kAnna, "plan bijeenkomst 2027-03-10 15:30 | School | Iets"),
               Contains("Alleen organisatoren en procesbegeleiders"));
    CHECK_THAT(f.say(kMarieke, "ja"), Contains("staat gepland"));
    CHECK_THAT(f.say(kAnna, "bijeenkomsten"), Contains("Feedback geven"));
    CHECK(f.spec_errors() == 0);
}

TEST_CASE("matrix sync: a first sync on an empty database answers nothing older than the start",
          "[matrix][sync]") {
    REQUIRE_PEER(f);
    // A room the bot was invited to earlier, with commands from seconds before the start.
    const auto other =
        f.control("POST", "/_test/rooms",
                  {{"members", {kMarieke}}, {"invite", {kBot}}, {"name", "Intern"}})["room_id"]
            .get<std::string>();
    f.control("POST", "/_test/room_event",
              {{"room_id", other},
               {"sender", kMarieke},
               {"type", "m.room.message"},
               {"content", {{"msgtype", "m.text"}, {"body", "nieuw netwerk Oud"}}}});
    // The bot starts a little later, on the homeserver's clock ("older than the start" is
    // compared with the events' origin_server_ts).
    f.now = std::chrono::ceil<std::chrono::seconds>(std::chrono::system_clock::now());
    f.start();
    REQUIRE(run_until(f.io, [&] {
        return f.requests("joinRoom").size() + f.requests("joinRoomById").size() == 1;
    }));
    // After the join, a homeserver such as Synapse sends the room's recent history with the
    // next sync (events from before the bot started): it is not answered.
    const auto start_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(f.now.time_since_epoch()).count();
    json old_command = {{"event_id", "$old-command"},
                        {"type", "m.room.message"},
                        {"sender", kMarieke},
                        {"origin_server_ts", start_ms - 30'000},
                        {"content", {{"msgtype", "m.text"}, {"body", "nieuw netwerk Oud"}}}};
    f.control("POST", "/_test/sync",
              {{"user_id", kBot},
               {"response",
                {{"rooms",
                  {{"join",
                    {{other,
                      {{"timeline",
                        {{"events", json::array({old_command})}, {"limited", false}}}}}}}}}}}});
    f.idle(std::chrono::milliseconds(500));
    REQUIRE(f.drained());
    CHECK(f.store->networks().empty());
    CHECK(f.bot_messages(other).size() == 1);  // the welcome only
    CHECK(f.bot_messages().empty());           // nor the 'hulp' in the first room
    CHECK(f.metrics.value("leernetwerk_inbound_skipped_events_total",
                          {{"platform", "matrix"}, {"reason", "before_start"}}) >= 1);
    // The start is stored with the position: a restart holds the same line.
    REQUIRE(f.store->adapter_state("matrix.sync_started_ms"));
    // What is said after the start is answered.
    while (std::chrono::system_clock::now() <= f.now) {
        f.idle(std::chrono::milliseconds(50));
    }
    CHECK_THAT(f.say(kAnna, "hulp"), Contains("Wat je kunt vragen"));
    CHECK(f.spec_errors() == 0);
}
