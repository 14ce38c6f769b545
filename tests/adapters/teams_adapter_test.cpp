// The Teams adapter on a real loopback server, with a scripted Bot Connector: bad requests are
// refused before anything is stored, replies go out through the outbox, and the dispatcher
// retries 429/502/timeouts, gives up on 403, paces per conversation and resends after a crash.
#include <deque>
#include <set>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/net/http_client.hpp"
#include "adapters/net_support.hpp"
#include "adapters/teams/teams_adapter.hpp"
#include "bot/features/polls/ballot_box.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/scripted_connector.hpp"

using namespace leernetwerk;
using Catch::Matchers::Contains;
using leernetwerk::net::test::run_until;
using leernetwerk::testing::ScriptedConnector;
using nlohmann::json;

namespace {

constexpr const char* kConnector = "http://127.0.0.1:9/_connector";  // never dialled: scripted

constexpr const char* kWebhookToken = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=";

struct Fixture {
    explicit Fixture(bool auth = false, int max_outbox_depth = 0) {
        store = storage::SqliteStore::open(":memory:");
        bot = std::make_unique<Bot>(*store, BotSettings{});
        teams::TeamsOptions options;
        options.app_id = "app-id";
        options.auth = auth;
        options.allow_loopback_service_url = true;
        options.retry.base = std::chrono::milliseconds(10);
        options.retry.cap = std::chrono::milliseconds(50);
        options.auth_settings.openid_metadata_url = "http://127.0.0.1:9/openid";
        options.webhook_security_token = kWebhookToken;
        options.max_outbox_depth = max_outbox_depth;
        adapter = std::make_unique<teams::TeamsAdapter>(io, *bot, *store, connector, metrics,
                                                        options, [this] { return now; });
        adapter->register_routes(server);
        port = server.listen("127.0.0.1", 0);
        adapter->start();
    }

    ~Fixture() {
        adapter->stop();
        server.stop();
    }

    /// POSTs to the bot's /api/messages and returns the status and body.
    std::pair<int, std::string> post(const std::string& body,
                                     const std::string& content_type = "application/json",
                                     const std::string& authorization = "",
                                     const std::string& path = "/api/messages") {
        net::ClientRequest request;
        request.method = "POST";
        request.url = "http://127.0.0.1:" + std::to_string(port) + path;
        request.headers["Content-Type"] = content_type;
        if (!authorization.empty()) {
            request.headers["Authorization"] = authorization;
        }
        request.body = body;
        std::optional<Result<net::ClientResponse>> answer;
        client.send(request, [&](Result<net::ClientResponse> response) { answer = response; });
        run_until(io, [&] { return answer.has_value(); });
        REQUIRE(answer);
        REQUIRE(answer->has_value());
        return {(*answer)->status, (*answer)->body};
    }

    /// Waits until the (single) row is back in the outbox after `attempts` failed attempts.
    bool pending_after(int attempts) {
        return run_until(io, [&] {
            const auto rows = store->outbox_in_state(Platform::teams, OutboxState::pending);
            return rows.size() == 1 && rows.front().attempts == attempts;
        });
    }

    /// Runs the I/O until every Teams message was sent.
    bool sent_everything() {
        return run_until(io, [&] { return store->outbox_depth(Platform::teams) == 0; });
    }

    /// Activities sent to a conversation (posted or updated) from connector request `from` on.
    std::vector<json> posted_to(const std::string& conversation_id, std::size_t from = 0) {
        const auto path =
            "/v3/conversations/" + net::encode_path_segment(conversation_id) + "/activities";
        std::vector<json> out;
        for (auto i = from; i < connector.requests.size(); ++i) {
            if (connector.requests[i].url.find(path) != std::string::npos) {
                out.push_back(json::parse(connector.requests[i].body));
            }
        }
        return out;
    }

    /// Says something in the channel and returns what the bot posted there in answer.
    std::string say_in_channel(const std::string& from_id, const std::string& name,
                               const std::string& text);

    int rows() {
        int count = 0;
        for (auto state :
             {OutboxState::pending, OutboxState::sending, OutboxState::sent, OutboxState::failed}) {
            count += static_cast<int>(store->outbox_in_state(Platform::teams, state).size());
        }
        return count;
    }

    boost::asio::io_context io;
    std::unique_ptr<storage::SqliteStore> store;
    std::unique_ptr<Bot> bot;
    net::Metrics metrics;
    ScriptedConnector connector{io};
    net::HttpServer server{io};
    net::HttpClient client{io};
    std::unique_ptr<teams::TeamsAdapter> adapter;
    std::uint16_t port = 0;
    Instant now = std::chrono::sys_days{std::chrono::year{2026} / 12 / 2} + std::chrono::hours{8};
    int said = 0;  ///< channel messages sent by say_in_channel, for their ids
};

std::string message(const std::string& id, const std::string& text,
                    const std::string& conversation = "a:personal-1",
                    const std::string& service_url = kConnector) {
    return json{{"type", "message"},
                {"id", id},
                {"channelId", "msteams"},
                {"serviceUrl", service_url},
                {"from", {{"id", "29:marieke"}, {"name", "Marieke"}}},
                {"recipient", {{"id", "28:app-id"}, {"name", "Leernetwerk bot"}}},
                {"conversation", {{"id", conversation}, {"conversationType", "personal"}}},
                {"channelData", {{"tenant", {{"id", "tenant-1"}}}}},
                {"text", text}}
        .dump();
}

}  // namespace

TEST_CASE("teams: bad requests are refused, stored nowhere and counted", "[teams][adapter]") {
    Fixture f;
    const auto refused = [&](const std::string& reason) {
        return f.metrics.value("leernetwerk_inbound_rejected_total",
                               {{"platform", "teams"}, {"reason", reason}});
    };
    CHECK(f.post(message("m1", "hulp"), "text/plain").first == 415);
    CHECK(refused("content_type") == 1);
    CHECK(f.post("{not json").first == 400);
    CHECK(f.post(R"({"type":"message","text":"hulp"})").first == 400);
    CHECK(refused("bad_request") == 2);
    CHECK(f.post(std::string(300 * 1024, ' ')).first == 413);
    CHECK(f.rows() == 0);
    CHECK(f.connector.requests.empty());
    // And nothing was remembered as seen: the same id still works afterwards.
    CHECK(f.post(message("m1", "nieuw netwerk HSN-café Test")).first == 200);
    CHECK(f.rows() == 1);
}

TEST_CASE("teams: with auth on, a missing or invalid token is refused", "[teams][adapter][auth]") {
    Fixture f(/*auth=*/true);
    auto [status, body] = f.post(message("m1", "nieuw netwerk X"));
    CHECK(status == 401);
    std::tie(status, body) =
        f.post(message("m2", "nieuw netwerk X"), "application/json", "Basic dXNlcjpwYXNz");
    CHECK(status == 401);
    // A well-formed bearer token whose keys cannot be fetched: fail closed.
    std::tie(status, body) = f.post(message("m3", "nieuw netwerk X"), "application/json",
                                    "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJ9.c2ln");
    CHECK(status == 401);
    CHECK_THAT(body, !Contains("eyJ"));
    CHECK(f.rows() == 0);
    CHECK(f.store->networks().empty());
    // A body that is no activity at all, with a token: the token is refused before the body
    // is read (401, not 400).
    std::tie(status, body) = f.post("{not json", "application/json",
                                    "Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6ImsifQ.eyJ9.c2ln");
    CHECK(status == 401);
    CHECK(f.metrics.value("leernetwerk_inbound_rejected_total",
                          {{"platform", "teams"}, {"reason", "unauthorized"}}) == 4);
    CHECK(f.metrics.value("leernetwerk_inbound_rejected_total",
                          {{"platform", "teams"}, {"reason", "bad_request"}}) == 0);
}

TEST_CASE("teams: a reply goes out through the connector and is marked sent", "[teams][adapter]") {
    Fixture f;
    REQUIRE(f.post(message("m1", "nieuw netwerk HSN-café Test")).first == 200);
    REQUIRE(run_until(f.io, [&] { return f.connector.requests.size() == 1; }));
    const auto& request = f.connector.requests.front();
    CHECK(request.method == "POST");
    CHECK(request.url == std::string(kConnector) + "/v3/conversations/a%3Apersonal-1/activities");
    CHECK(request.headers.count("Authorization") == 0);  // loopback test peer: no token
    const auto body = json::parse(request.body);
    CHECK(body["type"] == "message");
    CHECK_THAT(body["text"].get<std::string>(), Contains("is gestart"));
    REQUIRE(run_until(f.io, [&] {
        return f.store->outbox_in_state(Platform::teams, OutboxState::sent).size() == 1;
    }));
    CHECK(f.store->outbox_in_state(Platform::teams, OutboxState::sent).front().remote_id ==
          "remote-1");
    CHECK(f.metrics.value("leernetwerk_sends_total", {{"platform", "teams"}, {"result", "ok"}}) ==
          1);
    CHECK(f.metrics.value("leernetwerk_events_total",
                          {{"platform", "teams"}, {"kind", "message"}}) == 1);

    SECTION("a retried activity (same id) is applied once") {
        CHECK(f.post(message("m1", "nieuw netwerk HSN-café Test")).first == 200);
        f.io.run_for(std::chrono::milliseconds(100));
        CHECK(f.connector.requests.size() == 1);
        CHECK(f.store->networks().size() == 1);
    }
}

TEST_CASE("teams: 429 with Retry-After, 502 and a timeout are retried", "[teams][adapter][retry]") {
    Fixture f;
    f.connector.script = {ScriptedConnector::status(429, {{"Retry-After", "1"}}),
                          ScriptedConnector::status(502),
                          fail(ErrorCode::network, "timed out after 15000 ms while reading")};
    REQUIRE(f.post(message("m1", "nieuw netwerk HSN-café Test")).first == 200);
    REQUIRE(run_until(f.io, [&] { return f.connector.requests.size() == 1; }));
    auto row = f.store->outbox_in_state(Platform::teams, OutboxState::pending);
    REQUIRE(row.size() == 1);
    CHECK(row.front().last_error == "HTTP 429");
    CHECK(row.front().next_attempt_at >= f.now + std::chrono::seconds(1));
    // Retry-After is honoured: nothing is sent before it passes on the bot's clock.
    f.io.run_for(std::chrono::milliseconds(300));
    CHECK(f.connector.requests.size() == 1);
    for (int attempt = 2; attempt <= 4; ++attempt) {
        f.now += std::chrono::seconds(2);
        REQUIRE(run_until(f.io, [&] {
            return f.connector.requests.size() == static_cast<std::size_t>(attempt);
        }));
        if (attempt < 4) {
            REQUIRE(f.pending_after(attempt));
        }
    }
    REQUIRE(run_until(f.io, [&] {
        return f.store->outbox_in_state(Platform::teams, OutboxState::sent).size() == 1;
    }));
    const auto sent = f.store->outbox_in_state(Platform::teams, OutboxState::sent).front();
    CHECK(sent.attempts == 4);
    CHECK(f.metrics.value("leernetwerk_sends_total",
                          {{"platform", "teams"}, {"result", "retry"}}) == 3);
}

TEST_CASE("teams: the dispatcher gives up on 403 and once a reply is past its horizon",
          "[teams][adapter][retry]") {
    Fixture f;
    SECTION("403 is final") {
        f.connector.script = {ScriptedConnector::status(403)};
        REQUIRE(f.post(message("m1", "nieuw netwerk HSN-café Test")).first == 200);
        REQUIRE(run_until(f.io, [&] {
            return f.store->outbox_in_state(Platform::teams, OutboxState::failed).size() == 1;
        }));
        CHECK(f.connector.requests.size() == 1);
        CHECK(f.store->outbox_in_state(Platform::teams, OutboxState::failed).front().last_error ==
              "HTTP 403");
    }
    SECTION("503s are retried for days, then given up past the private reply's horizon") {
        for (int i = 0; i < 6; ++i) {
            f.connector.script.push_back(ScriptedConnector::status(503));
        }
        REQUIRE(f.post(message("m1", "nieuw netwerk HSN-café Test")).first == 200);
        for (int sent = 1; sent <= 5; ++sent) {
            REQUIRE(run_until(f.io, [&] {
                return f.connector.requests.size() == static_cast<std::size_t>(sent);
            }));
            REQUIRE(f.pending_after(sent));
            f.now += std::chrono::hours(12);  // five attempts over sixty hours: still worth it
        }
        CHECK(f.store->outbox_in_state(Platform::teams, OutboxState::failed).empty());
        f.now += std::chrono::hours(13);  // now 73 hours after the reply was queued
        REQUIRE(run_until(f.io, [&] {
            return f.store->outbox_in_state(Platform::teams, OutboxState::failed).size() == 1;
        }));
        CHECK(f.connector.requests.size() == 5);
        CHECK_THAT(
            f.store->outbox_in_state(Platform::teams, OutboxState::failed).front().last_error,
            Contains("no longer useful"));
        CHECK(f.metrics.value("leernetwerk_sends_total",
                              {{"platform", "teams"}, {"result", "failed"}}) == 1);
        CHECK(f.metrics.value("leernetwerk_sends_given_up_total",
                              {{"platform", "teams"}, {"kind", "direct"}, {"reason", "horizon"}}) ==
              1);
    }
}

TEST_CASE("teams: a service URL outside the allow-list never gets a call", "[teams][adapter]") {
    Fixture f;
    REQUIRE(f.post(message("m1", "nieuw netwerk HSN-café Test", "a:personal-1",
                           "https://connector.evil.example/"))
                .first == 200);
    REQUIRE(run_until(f.io, [&] {
        return f.store->outbox_in_state(Platform::teams, OutboxState::failed).size() == 1;
    }));
    CHECK(f.connector.requests.empty());
}

TEST_CASE("teams: sends are paced per conversation", "[teams][adapter][rate]") {
    Fixture f;
    REQUIRE(f.post(message("m0", "nieuw netwerk HSN-café Test")).first == 200);
    REQUIRE(run_until(f.io, [&] { return f.connector.requests.size() == 1; }));
    for (int i = 1; i <= 9; ++i) {
        REQUIRE(f.post(message("m" + std::to_string(i), "leden")).first == 200);
    }
    // Seven sends per second per conversation: the first second carries seven, not ten.
    f.io.run_for(std::chrono::milliseconds(400));
    CHECK(f.connector.requests.size() == 7);
    REQUIRE(run_until(f.io, [&] { return f.connector.requests.size() == 10; }));
}

TEST_CASE("teams: rows a crash left 'sending' are sent again on start",
          "[teams][adapter][outbox]") {
    Fixture f;
    REQUIRE(f.post(message("m1", "nieuw netwerk HSN-café Test")).first == 200);
    REQUIRE(run_until(f.io, [&] { return f.connector.requests.size() == 1; }));
    REQUIRE(run_until(f.io, [&] {
        return f.store->outbox_in_state(Platform::teams, OutboxState::sent).size() == 1;
    }));
    // Simulate the crash: a second row stuck in `sending`.
    OutboundMessage stuck;
    stuck.to = {Platform::teams, "a:personal-1", "", true, ""};
    stuck.content = TextContent{"Herinnering", {}};
    Id id = 0;
    f.store->transaction([&] {
        id = f.store->append_outbox(stuck, f.now);
        f.store->mark_outbox_sending(id, f.now);
    });
    f.adapter->stop();
    f.adapter->start();
    REQUIRE(run_until(f.io, [&] { return f.connector.requests.size() == 2; }));
    CHECK(json::parse(f.connector.requests.back().body)["text"] == "Herinnering");
    REQUIRE(run_until(f.io, [&] { return f.store->outbox_row(id)->state == OutboxState::sent; }));
}

TEST_CASE("teams: a direct message to a member opens a 1:1 chat first", "[teams][adapter]") {
    Fixture f;
    REQUIRE(f.post(message("m1", "nieuw netwerk HSN-café Test")).first == 200);
    REQUIRE(run_until(f.io, [&] { return f.connector.requests.size() == 1; }));
    OutboundMessage direct;
    direct.to = {Platform::teams, "", "29:anna", true, ""};
    direct.content = TextContent{"Hoi Anna", {}};
    f.store->transaction([&] { f.store->append_outbox(direct, f.now); });
    f.connector.script = {net::ClientResponse{201, {}, R"({"id":"a:1anna"})"}};
    f.adapter->wake();
    REQUIRE(run_until(f.io, [&] { return f.connector.requests.size() == 3; }));
    const auto& create = f.connector.requests[1];
    CHECK(create.url == std::string(kConnector) + "/v3/conversations");
    const auto body = json::parse(create.body);
    CHECK(body["members"][0]["id"] == "29:anna");
    CHECK(body["channelData"]["tenant"]["id"] == "tenant-1");
    CHECK(f.connector.requests[2].url ==
          std::string(kConnector) + "/v3/conversations/a%3A1anna/activities");
    const auto ref = f.store->direct_conversation_with(Platform::teams, "29:anna");
    REQUIRE(ref);
    CHECK(ref->conversation_id == "a:1anna");
}

namespace {
std::string webhook_activity(const std::string& id, const std::string& text, Instant sent_at) {
    return json{{"type", "message"},
                {"id", id},
                {"timestamp", date::format("%FT%TZ", sent_at)},
                {"channelId", "msteams"},
                {"serviceUrl", "https://smba.trafficmanager.net/emea/"},
                {"from", {{"id", "29:marieke"}, {"name", "Marieke"}}},
                {"recipient", {{"id", "28:webhook"}, {"name", "Leernetwerk"}}},
                {"conversation",
                 {{"id", "19:channel@thread.tacv2;messageid=1"}, {"conversationType", "channel"}}},
                {"text", "<at>Leernetwerk</at> " + text},
                {"entities",
                 json::array({{{"type", "mention"},
                               {"text", "<at>Leernetwerk</at>"},
                               {"mentioned", {{"id", "28:webhook"}, {"name", "Leernetwerk"}}}}})}}
        .dump();
}

std::string hmac_header(const std::string& body) {
    const auto key = *teams::base64_decode(kWebhookToken);
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &length);
    return "HMAC " + teams::base64_encode(std::string(reinterpret_cast<char*>(mac), length));
}
}  // namespace

TEST_CASE("teams: the outgoing webhook answers in the response, after checking the HMAC",
          "[teams][adapter][webhook]") {
    Fixture f;
    const auto body = webhook_activity("w1", "nieuw netwerk HSN-café Webhook", f.now);
    SECTION("a valid signature gets the bot's reply as the response") {
        const auto [status, reply] =
            f.post(body, "application/json", hmac_header(body), "/api/teams-webhook");
        CHECK(status == 200);
        const auto parsed = json::parse(reply);
        CHECK(parsed["type"] == "message");
        CHECK_THAT(parsed["text"].get<std::string>(), Contains("is gestart"));
        CHECK(f.store->networks().size() == 1);
        // The reply travelled in the response: nothing is posted through the connector.
        f.io.run_for(std::chrono::milliseconds(100));
        CHECK(f.connector.requests.empty());
        CHECK(f.store->outbox_in_state(Platform::teams, OutboxState::sent).size() == 1);
    }
    SECTION("a wrong signature or a changed body is refused before anything happens") {
        CHECK(f.post(body, "application/json", "HMAC AAAA", "/api/teams-webhook").first == 401);
        CHECK(
            f.post(body + " ", "application/json", hmac_header(body), "/api/teams-webhook").first ==
            401);
        CHECK(f.post(body, "application/json", "", "/api/teams-webhook").first == 401);
        CHECK(f.store->networks().empty());
        CHECK(f.rows() == 0);
    }
    SECTION("an old request (a replay) is refused") {
        const auto old = webhook_activity("w2", "nieuw netwerk X", f.now - std::chrono::minutes(6));
        CHECK(f.post(old, "application/json", hmac_header(old), "/api/teams-webhook").first == 400);
        CHECK(f.store->networks().empty());
    }
    SECTION("a request dated ahead (kept for later) is refused, a little skew is not") {
        const auto ahead =
            webhook_activity("w3", "nieuw netwerk X", f.now + std::chrono::hours(24 * 365));
        const auto [status, reply] =
            f.post(ahead, "application/json", hmac_header(ahead), "/api/teams-webhook");
        CHECK(status == 400);
        CHECK_THAT(reply, Contains("future"));
        CHECK(f.store->networks().empty());
        const auto skewed =
            webhook_activity("w4", "nieuw netwerk Y", f.now + std::chrono::minutes(2));
        CHECK(f.post(skewed, "application/json", hmac_header(skewed), "/api/teams-webhook")
                  .first == 200);
    }
    SECTION("another Content-Type is refused, signed or not") {
        CHECK(f.post(body, "text/plain", hmac_header(body), "/api/teams-webhook").first == 415);
        CHECK(f.post(body, "application/x-www-form-urlencoded", hmac_header(body),
                     "/api/teams-webhook")
                  .first == 415);
        CHECK(f.store->networks().empty());
    }
}

namespace {

constexpr const char* kChannel = "19:hsn-cafe@thread.tacv2";

/// A member's activity in the network's channel, mentioning the bot as Teams requires there.
json channel_activity(const std::string& id, const std::string& from_id,
                      const std::string& from_name) {
    return {
        {"id", id},
        {"channelId", "msteams"},
        {"serviceUrl", kConnector},
        {"from", {{"id", from_id}, {"name", from_name}}},
        {"recipient", {{"id", "28:app-id"}, {"name", "Leernetwerk bot"}}},
        {"conversation", {{"id", kChannel}, {"conversationType", "channel"}, {"isGroup", true}}},
        {"channelData",
         {{"tenant", {{"id", "tenant-1"}}},
          {"team", {{"id", "19:team@thread.tacv2"}}},
          {"channel", {{"id", kChannel}}}}}};
}

std::string channel_message(const std::string& id, const std::string& from_id,
                            const std::string& from_name, const std::string& text) {
    auto activity = channel_activity(id, from_id, from_name);
    activity["type"] = "message";
    activity["text"] = "<at>Leernetwerk bot</at> " + text;
    activity["entities"] =
        json::array({{{"type", "mention"},
                      {"text", "<at>Leernetwerk bot</at>"},
                      {"mentioned", {{"id", "28:app-id"}, {"name", "Leernetwerk bot"}}}}});
    return activity.dump();
}

/// What a member sees of a posted activity: its text, or its Adaptive Card as JSON.
std::string shown(const json& activity) {
    if (activity.contains("attachments")) {
        return activity["attachments"][0]["content"].dump();
    }
    return activity.value("text", std::string());
}

std::string Fixture::say_in_channel(const std::string& from_id, const std::string& name,
                                    const std::string& text) {
    const auto before = connector.requests.size();
    REQUIRE(post(channel_message("said-" + std::to_string(++said), from_id, name, text)).first ==
            200);
    REQUIRE(sent_everything());
    std::string out;
    for (const auto& activity : posted_to(kChannel, before)) {
        out += shown(activity) + "\n";
    }
    return out;
}

}  // namespace

TEST_CASE("teams: reminders reach the channel as cards, and a click is confirmed to the clicker",
          "[teams][adapter][conversation][reminders]") {
    using namespace std::chrono;
    Fixture f;

    CHECK_THAT(f.say_in_channel("29:marieke", "Marieke", "nieuw netwerk HSN-café Feedback"),
               Contains("is gestart"));
    CHECK_THAT(f.say_in_channel("29:marieke", "Marieke", "koppel netwerk HSN-café Feedback"),
               Contains("hoort nu bij"));
    CHECK_THAT(
        f.say_in_channel("29:marieke", "Marieke",
                         "lid toevoegen Anna de Vries | deelnemer | CBS De Regenboog | 29:anna"),
        Contains("Anna de Vries"));
    CHECK_THAT(f.say_in_channel("29:marieke", "Marieke", "caféweken 2026-2027: 6"),
               Contains("opgeslagen"));
    CHECK_THAT(f.say_in_channel("29:marieke", "Marieke",
                                "plan bijeenkomst 2027-02-09 15:30 | Het Kompas | Feedback"),
               Contains("staat gepland"));
    const auto before_reminders = f.connector.requests.size();

    // The runtime's timer, up to just after the day-before reminder (Monday 8 February 16:00
    // in Amsterdam, 15:00 UTC).
    const Instant target = sys_days{year{2027} / 2 / 8} + hours{15} + minutes{1};
    while (auto next = f.bot->next_due()) {
        if (*next > target) {
            break;
        }
        f.now = *next;
        REQUIRE(f.bot->tick(f.now));
    }
    f.now = target;
    f.adapter->wake();
    REQUIRE(f.sent_everything());
    CHECK(f.store->outbox_in_state(Platform::teams, OutboxState::failed).empty());

    // The channel got the call for agenda items and the day-before reminder as cards with
    // "Ik kom" / "Ik kan niet" buttons (Action.Execute, Action.Submit as fallback).
    std::vector<json> questions;
    std::string channel;
    for (const auto& activity : f.posted_to(kChannel, before_reminders)) {
        channel += shown(activity) + "\n";
        if (shown(activity).find("Kom je?") != std::string::npos) {
            questions.push_back(activity["attachments"][0]["content"]);
        }
    }
    REQUIRE(questions.size() == 2);
    CHECK_THAT(questions[0].dump(), Contains("Wat wil je op de agenda?"));
    CHECK_THAT(questions[1].dump(), Contains("Morgen: HSN-café Feedback"));
    CHECK_THAT(questions[1].dump(), Contains("Het Kompas"));
    CHECK_THAT(questions[1].dump(), Contains("Onderwerp: Feedback"));
    json yes;
    for (const auto& block : questions[1]["body"]) {
        if (block["type"] == "ActionSet") {
            REQUIRE(block["actions"].size() == 2);
            yes = block["actions"][0];
            CHECK(block["actions"][1]["title"] == "Ik kan niet");
        }
    }
    REQUIRE(yes.is_object());
    CHECK(yes["title"] == "Ik kom");
    CHECK(yes["type"] == "Action.Execute");
    CHECK(yes["fallback"]["type"] == "Action.Submit");
    CHECK_THAT(channel, Contains("Volgende week is het caféweek"));
    // The nudges are private: not in the channel, but in Anna's and Marieke's 1:1 chats.
    CHECK_THAT(channel, !Contains("Kom je naar"));
    CHECK_THAT(channel, !Contains("bereidt nog niemand iets voor"));
    const auto anna_chat = f.store->direct_conversation_with(Platform::teams, "29:anna");
    REQUIRE(anna_chat);
    std::string to_anna;
    for (const auto& activity : f.posted_to(anna_chat->conversation_id)) {
        to_anna += shown(activity) + "\n";
    }
    CHECK_THAT(to_anna, Contains("Kom je naar HSN-café Feedback"));
    CHECK_THAT(to_anna, !Contains("bereidt nog niemand iets voor"));
    const auto marieke_chat = f.store->direct_conversation_with(Platform::teams, "29:marieke");
    REQUIRE(marieke_chat);
    std::string to_marieke;
    for (const auto& activity : f.posted_to(marieke_chat->conversation_id)) {
        to_marieke += shown(activity) + "\n";
    }
    CHECK_THAT(to_marieke, Contains("bereidt nog niemand iets voor"));

    // Anna clicks "Ik kom" on the day-before card: the invoke response, shown to her alone,
    // confirms it; nothing is posted to the channel or her chat about it.
    std::string card_id;
    for (auto i = before_reminders; i < f.connector.requests.size(); ++i) {
        const auto& sent = f.connector.requests[i].body;
        if (sent.find("Morgen: HSN-café Feedback") != std::string::npos &&
            sent.find("Ik kom") != std::string::npos) {
            card_id = "remote-" + std::to_string(i + 1);  // the scripted connector's answer
        }
    }
    REQUIRE(!card_id.empty());
    auto click = channel_activity("invoke-1", "29:anna", "Anna de Vries");
    click["type"] = "invoke";
    click["name"] = "adaptiveCard/action";
    click["conversation"]["id"] = std::string(kChannel) + ";messageid=" + card_id;
    click["replyToId"] = card_id;
    click["value"] = {{"action",
                       {{"type", "Action.Execute"},
                        {"title", yes["title"]},
                        {"verb", yes["verb"]},
                        {"data", yes["data"]}}},
                      {"trigger", "manual"}};
    const auto requests_before_click = f.connector.requests.size();
    const auto [status, body] = f.post(click.dump());
    CHECK(status == 200);
    const auto answer = json::parse(body);
    CHECK(answer["statusCode"] == 200);
    CHECK(answer["type"] == "application/vnd.microsoft.activity.message");
    CHECK_THAT(answer["value"].get<std::string>(), Contains("Genoteerd: je komt"));
    REQUIRE(f.sent_everything());
    f.io.run_for(milliseconds(100));
    CHECK(f.connector.requests.size() == requests_before_click);

    const auto attendance = f.say_in_channel("29:marieke", "Marieke", "wie komt");
    const auto coming = attendance.find("Komen (1)");
    REQUIRE(coming != std::string::npos);
    CHECK(attendance.find("Anna de Vries", coming) < attendance.find("Kunnen niet"));

    // The timer fires again at the same moment: nothing is sent twice.
    const auto rows = f.rows();
    const auto again = f.bot->tick(f.now);
    REQUIRE(again);
    CHECK(*again == 0);
    CHECK(f.rows() == rows);
}

TEST_CASE(
    "teams: an anonymous poll asked in 1:1 chats, answered by clicking, summed up in the "
    "channel",
    "[teams][adapter][conversation][polls]") {
    Fixture f;
    int next_id = 0;
    const auto sent_everything = [&] {
        return run_until(f.io, [&] { return f.store->outbox_depth(Platform::teams) == 0; });
    };
    const auto posted_to = [&](const std::string& conversation_id, std::size_t from = 0) {
        const auto path =
            "/v3/conversations/" + net::encode_path_segment(conversation_id) + "/activities";
        std::vector<std::pair<std::size_t, json>> out;
        for (auto i = from; i < f.connector.requests.size(); ++i) {
            if (f.connector.requests[i].url.find(path) != std::string::npos &&
                f.connector.requests[i].method == "POST") {
                out.emplace_back(i, json::parse(f.connector.requests[i].body));
            }
        }
        return out;
    };
    const auto say = [&](const std::string& text) {
        const auto before = f.connector.requests.size();
        REQUIRE(
            f.post(channel_message("c" + std::to_string(++next_id), "29:marieke", "Marieke", text))
                .first == 200);
        REQUIRE(sent_everything());
        std::string said;
        for (const auto& [index, activity] : posted_to(kChannel, before)) {
            said += shown(activity) + "\n";
        }
        return said;
    };

    CHECK_THAT(say("nieuw netwerk HSN-café Feedback"), Contains("is gestart"));
    CHECK_THAT(say("koppel netwerk HSN-café Feedback"), Contains("hoort nu bij"));
    const std::vector<std::pair<std::string, std::string>> members = {
        {"29:anna", "Anna de Vries"}, {"29:bram", "Bram de Boer"}, {"29:cees", "Cees Kok"}};
    for (const auto& [id, name] : members) {
        CHECK_THAT(say("lid toevoegen " + name + " | deelnemer | " + id), Contains(name));
    }
    const auto started =
        say("peiling Welk thema nemen we? | Rubrics | Feedback | Toetsing | anoniem");
    INFO(started);
    CHECK_THAT(started, Contains("Anonieme peiling"));
    CHECK_THAT(started, Contains("staat uit: \"Welk thema nemen we?\""));
    // Nobody answers in the channel: the question went to each 1:1 chat as a card.
    CHECK_THAT(started, !Contains("Rubrics"));

    const std::vector<std::string> picks = {"Rubrics", "Rubrics", "Toetsing"};
    for (std::size_t m = 0; m < members.size(); ++m) {
        const auto& [user, name] = members[m];
        const auto chat = f.store->direct_conversation_with(Platform::teams, user);
        REQUIRE(chat);
        json button;
        std::string card_id;
        for (const auto& [index, activity] : posted_to(chat->conversation_id)) {
            if (!activity.contains("attachments")) {
                continue;
            }
            const auto& card = activity["attachments"][0]["content"];
            CHECK_THAT(card.dump(), Contains("Welk thema nemen we?"));
            CHECK_THAT(card.dump(), Contains("Anoniem"));
            for (const auto& block : card["body"]) {
                if (block["type"] != "ActionSet") {
                    continue;
                }
                REQUIRE(block["actions"].size() == 3);
                for (const auto& action : block["actions"]) {
                    if (action["title"] == picks[m]) {
                        button = action;
                        card_id = "remote-" + std::to_string(index + 1);
                    }
                }
            }
        }
        REQUIRE(button.is_object());
        json click = {
            {"type", "invoke"},
            {"name", "adaptiveCard/action"},
            {"id", "invoke-" + std::to_string(m)},
            {"channelId", "msteams"},
            {"serviceUrl", kConnector},
            {"from", {{"id", user}, {"name", name}}},
            {"recipient", {{"id", "28:app-id"}, {"name", "Leernetwerk bot"}}},
            {"conversation", {{"id", chat->conversation_id}, {"conversationType", "personal"}}},
            {"channelData", {{"tenant", {{"id", "tenant-1"}}}}},
            {"replyToId", card_id},
            {"value",
             {{"action",
               {{"type", "Action.Execute"},
                {"title", button["title"]},
                {"verb", button["verb"]},
                {"data", button["data"]}}},
              {"trigger", "manual"}}}};
        const auto [status, body] = f.post(click.dump());
        CHECK(status == 200);
        const auto answer = json::parse(body);
        CHECK(answer["statusCode"] == 200);
        // The clicked card is replaced, for the clicker, by its closed form: saved, and without
        // repeating the choice (the poll is anonymous).
        CHECK(answer["type"] == "application/vnd.microsoft.card.adaptive");
        CHECK_THAT(answer.dump(), Contains("ontvangen (anoniem)"));
        CHECK_THAT(answer.dump(), !Contains(picks[m]));
        REQUIRE(sent_everything());
    }
    CHECK(leernetwerk::respondent_count(*f.store, f.bot->settings(), *f.store->poll(1)) == 3);

    const auto results = say("peiling sluiten 1");
    INFO(results);
    CHECK_THAT(results, Contains("is gesloten. De uitslag:"));
    // Said in the channel itself: no note that the results are "in the group" (issue 14, 33).
    CHECK_THAT(results, !Contains("staat in de groep"));
    CHECK_THAT(results, Contains("1: Welk thema nemen we?**\",\"type\":\"TextBlock\""));
    CHECK_THAT(results, Contains("Uitslag peiling"));
    CHECK_THAT(results, Contains("Rubrics"));
    CHECK_THAT(results, Contains("2 (67%)"));
    CHECK_THAT(results, Contains("1 (33%)"));
    for (const auto& [user, name] : members) {
        CHECK_THAT(results, !Contains(name));
    }
    CHECK(f.store->outbox_in_state(Platform::teams, OutboxState::failed).empty());
}

TEST_CASE(
    "teams: a search in the channel shows the match in bold and data as text; an export "
    "goes to a 1:1 chat",
    "[teams][adapter][conversation][knowledge]") {
    Fixture f;

    f.say_in_channel("29:marieke", "Marieke", "nieuw netwerk HSN-café Feedback");
    f.say_in_channel("29:marieke", "Marieke", "koppel netwerk HSN-café Feedback");
    f.say_in_channel("29:marieke", "Marieke",
                     "lid toevoegen Anna de Vries | deelnemer | CBS De Regenboog | 29:anna");
    CHECK_THAT(f.say_in_channel(
                   "29:marieke", "Marieke",
                   "kennis notitie Verslag maart | We zagen hoe <b>Bram</b> rekent met breuken | "
                   "rekenen"),
               Contains("Opgeslagen als kennis 1"));

    const auto found = f.say_in_channel("29:anna", "Anna de Vries", "zoek rekenen");
    // (A # is escaped only at the start of a line, where it would start a heading.)
    CHECK_THAT(found, Contains("1 Verslag maart**"));
    CHECK_THAT(found, Contains("**rekent**"));
    // The typed tags reach Teams as entities, which its chat shows as the characters typed.
    CHECK_THAT(found, !Contains("<b>Bram</b>"));
    CHECK_THAT(found, Contains("&lt;b&gt;Bram&lt;/b&gt;"));

    const auto in_channel = f.say_in_channel("29:marieke", "Marieke", "kennis export");
    CHECK_THAT(in_channel, Contains("Ik heb het je privé gestuurd."));
    CHECK_THAT(in_channel, !Contains("Verslag maart"));
    const auto chat = f.store->direct_conversation_with(Platform::teams, "29:marieke");
    REQUIRE(chat);
    std::string to_marieke;
    for (const auto& activity : f.posted_to(chat->conversation_id)) {
        to_marieke += shown(activity) + "\n";
    }
    CHECK_THAT(to_marieke, Contains("Kennisbank van HSN-café Feedback"));
    CHECK_THAT(to_marieke, Contains("1 Verslag maart"));
}

TEST_CASE("teams: a question mentions the routed member in the channel, who answers in the thread",
          "[teams][adapter][conversation][questions]") {
    Fixture f;
    int next_id = 0;
    const auto post = [&](const json& activity) {
        REQUIRE(f.post(activity.dump()).first == 200);
        REQUIRE(f.sent_everything());
    };
    const auto say = [&](const std::string& from_id, const std::string& name,
                         const std::string& text) {
        post(json::parse(channel_message("q" + std::to_string(++next_id), from_id, name, text)));
    };
    say("29:marieke", "Marieke", "nieuw netwerk HSN-café Feedback");
    say("29:marieke", "Marieke", "koppel netwerk HSN-café Feedback");
    say("29:marieke", "Marieke",
        "lid toevoegen Anna de Vries | deelnemer | CBS De Regenboog | 29:anna");
    say("29:marieke", "Marieke", "lid toevoegen Bram de Boer | deelnemer | Het Kompas | 29:bram");
    say("29:bram", "Bram de Boer", "expertise rekenen, rubrics");
    const auto before = f.connector.requests.size();

    // Anna asks in the channel.
    say("29:anna", "Anna de Vries", "vraag Hoe oefenen jullie rekenen met feedback?");
    std::string post_id;
    json question_post;
    const auto channel_path =
        "/v3/conversations/" + net::encode_path_segment(kChannel) + "/activities";
    for (auto i = before; i < f.connector.requests.size(); ++i) {
        const auto& request = f.connector.requests[i];
        if (request.url.find(channel_path) != std::string::npos &&
            request.body.find("Hoe oefenen jullie") != std::string::npos) {
            question_post = json::parse(request.body);
            post_id = "remote-" + std::to_string(i + 1);  // the scripted connector's answer
        }
    }
    REQUIRE(question_post.is_object());
    // Bram is mentioned natively: an <at> tag in the text and a mention entity with his id.
    const auto text = question_post["text"].get<std::string>();
    CHECK_THAT(text, Contains("<at>Bram de Boer</at>"));
    CHECK_THAT(text, Contains("Hoe oefenen jullie rekenen met feedback?"));
    REQUIRE(question_post["entities"].is_array());
    bool bram_mentioned = false;
    for (const auto& entity : question_post["entities"]) {
        bram_mentioned = bram_mentioned ||
                         (entity["type"] == "mention" && entity["mentioned"]["id"] == "29:bram" &&
                          entity["text"] == "<at>Bram de Boer</at>");
    }
    CHECK(bram_mentioned);
    // And asked in a 1:1 chat.
    const auto bram_chat = f.store->direct_conversation_with(Platform::teams, "29:bram");
    REQUIRE(bram_chat);

    // Bram answers by replying in the question's thread.
    auto reply = json::parse(channel_message("q-reply", "29:bram", "Bram de Boer",
                                             "Wij oefenen met een rekenmuur en korte feedback."));
    reply["conversation"]["id"] = std::string(kChannel) + ";messageid=" + post_id;
    reply["replyToId"] = post_id;
    const auto before_reply = f.connector.requests.size();
    post(reply);
    const auto answers = f.store->answers_of(1);
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].text == "Wij oefenen met een rekenmuur en korte feedback.");

    // Anna gets it privately, as a card with a button to say it helped.
    const auto anna_chat = f.store->direct_conversation_with(Platform::teams, "29:anna");
    REQUIRE(anna_chat);
    const auto anna_path =
        "/v3/conversations/" + net::encode_path_segment(anna_chat->conversation_id) + "/activities";
    std::string to_anna;
    for (auto i = before_reply; i < f.connector.requests.size(); ++i) {
        if (f.connector.requests[i].url.find(anna_path) != std::string::npos) {
            to_anna += f.connector.requests[i].body;
        }
    }
    CHECK_THAT(to_anna, Contains("Wij oefenen met een rekenmuur"));
    CHECK_THAT(to_anna, Contains("Dit hielp me"));
    CHECK_THAT(to_anna, Contains("Bram de Boer"));

    // Anna marks it helpful: the channel hears it in the question's thread.
    const auto before_helpful = f.connector.requests.size();
    say("29:anna", "Anna de Vries", "nuttig 1 1");
    const auto thread_path =
        "/v3/conversations/" +
        net::encode_path_segment(std::string(kChannel) + ";messageid=" + post_id) + "/activities";
    bool in_thread = false;
    for (auto i = before_helpful; i < f.connector.requests.size(); ++i) {
        const auto& request = f.connector.requests[i];
        in_thread = in_thread || (request.url.find(thread_path) != std::string::npos &&
                                  request.body.find("is beantwoord") != std::string::npos);
    }
    CHECK(in_thread);
    CHECK(f.store->question(1)->status == QuestionStatus::answered);
    CHECK(f.store->outbox_in_state(Platform::teams, OutboxState::failed).empty());
}

TEST_CASE("teams: 'wie komt' in a channel is answered in the channel, like other commands",
          "[teams][adapter][conversation][rsvp]") {
    // Measured before: a facilitator's `wie komt` with a reason among the answers was sent to
    // her private chat, so it opened one (POST /v3/conversations) and sent to another
    // conversation; every other command is one send to the channel.
    Fixture f;
    f.say_in_channel("29:marieke", "Marieke", "nieuw netwerk HSN-café Feedback");
    f.say_in_channel("29:marieke", "Marieke", "koppel netwerk HSN-café Feedback");
    for (const auto* who : {"Anna de Vries | deelnemer | A | 29:anna", "Bram | deelnemer | B | 29:bram",
                            "Cees | deelnemer | C | 29:cees", "Dirk | deelnemer | D | 29:dirk",
                            "Eva | deelnemer | E | 29:eva"}) {
        f.say_in_channel("29:marieke", "Marieke", std::string("lid toevoegen ") + who);
    }
    f.say_in_channel("29:marieke", "Marieke", "caféweken 2026-2027: 6");
    f.say_in_channel("29:marieke", "Marieke",
                     "plan bijeenkomst 2027-02-09 15:30 | Het Kompas | Feedback");
    f.say_in_channel("29:anna", "Anna de Vries", "ik kan niet ouderavond");
    f.say_in_channel("29:bram", "Bram", "ik kom");
    for (const auto* text : {"bijeenkomsten", "wie komt", "wie komt"}) {
        INFO(text);
        const auto before = f.connector.requests.size();
        const auto out = f.say_in_channel("29:marieke", "Marieke", text);
        REQUIRE(f.connector.requests.size() == before + 1);  // one send, to the channel
        CHECK(f.posted_to(kChannel, before).size() == 1);
        if (std::string(text) == "wie komt") {
            CHECK_THAT(out, Contains("Anna de Vries"));
            CHECK_THAT(out, !Contains("ouderavond"));  // reasons only privately
        }
    }
}

TEST_CASE("teams: the same activity id in another conversation is another message",
          "[teams][adapter]") {
    Fixture f;
    REQUIRE(f.post(message("1795300000001", "hulp", "a:personal-1")).first == 200);
    REQUIRE(f.sent_everything());
    // Channel message ids are millisecond timestamps: another conversation can reuse one.
    REQUIRE(f.post(message("1795300000001", "hulp", "a:personal-2")).first == 200);
    REQUIRE(f.sent_everything());
    CHECK(f.posted_to("a:personal-1").size() == 1);
    CHECK(f.posted_to("a:personal-2").size() == 1);
    SECTION("while a retry of the same activity in the same conversation is applied once") {
        REQUIRE(f.post(message("1795300000001", "hulp", "a:personal-2")).first == 200);
        f.io.run_for(std::chrono::milliseconds(100));
        CHECK(f.posted_to("a:personal-2").size() == 1);
    }
}

TEST_CASE("teams: a reply in a thread goes into the thread in a channel, into the chat elsewhere",
          "[teams][adapter][thread]") {
    Fixture f;
    constexpr const char* kGroupChat = "19:meeting-group@thread.v2";
    auto group = json::parse(message("g1", "hulp", kGroupChat));
    group["conversation"]["conversationType"] = "groupChat";
    group["conversation"]["isGroup"] = true;
    REQUIRE(f.post(group.dump()).first == 200);
    REQUIRE(f.post(channel_message("c1", "29:marieke", "Marieke", "hulp")).first == 200);
    REQUIRE(f.sent_everything());
    const auto before = f.connector.requests.size();
    const auto in_thread = [&](const std::string& conversation, const std::string& text) {
        OutboundMessage reply;
        reply.to.platform = Platform::teams;
        reply.to.conversation_id = conversation;
        reply.to.thread_id = "1795300000042";
        reply.content = TextContent{text, {}};
        f.store->transaction([&] { f.store->append_outbox(reply, f.now); });
        f.adapter->wake();
        REQUIRE(f.sent_everything());
    };
    const std::string thread = std::string(";messageid=") + "1795300000042";

    in_thread(kGroupChat, "Antwoord van Anna op vraag #1");
    // A group chat has no reply threads: the answer goes into the chat itself.
    REQUIRE(f.posted_to(kGroupChat, before).size() == 1);
    CHECK(f.posted_to(kGroupChat + thread, before).empty());
    CHECK_THAT(f.posted_to(kGroupChat, before)[0]["text"].get<std::string>(),
               Contains("Antwoord van Anna op vraag"));

    in_thread(kChannel, "Antwoord van Anna op vraag #2");
    CHECK(f.posted_to(kChannel + thread, before).size() == 1);

    SECTION("a thread the connector does not know: the reply goes into the channel") {
        const auto from = f.connector.requests.size();
        f.connector.script = {ScriptedConnector::status(404)};
        in_thread(kChannel, "Antwoord van Anna op vraag #3");
        CHECK(f.posted_to(kChannel + thread, from).size() == 1);  // refused with 404
        CHECK(f.posted_to(kChannel, from).size() == 1);           // then into the channel
        CHECK(f.store->outbox_in_state(Platform::teams, OutboxState::failed).empty());
    }
}

TEST_CASE("teams: with the outbox deeper than its bound, activities are deferred unread",
          "[teams][adapter][backpressure]") {
    Fixture f(false, 3);
    // Four replies wait (for a connector that asked for an hour, say).
    std::vector<Id> waiting;
    f.store->transaction([&] {
        for (int i = 0; i < 4; ++i) {
            OutboundMessage reply;
            reply.to.platform = Platform::teams;
            reply.to.conversation_id = "a:personal-1";
            reply.content = TextContent{"wacht", {}};
            waiting.push_back(f.store->append_outbox(reply, f.now));
            f.store->mark_outbox_retry(waiting.back(), f.now + std::chrono::hours(1), "HTTP 429");
        }
    });
    const auto [status, body] = f.post(message("m1", "nieuw netwerk HSN-café Druk"));
    CHECK(status == 503);
    CHECK(f.store->networks().empty());
    CHECK(f.metrics.value("leernetwerk_inbound_deferred_total", {{"platform", "teams"}}) == 1);
    // Caught up: the connector's retry is taken.
    f.store->transaction([&] {
        for (const auto id : waiting) {
            f.store->mark_outbox_failed(id, "test", f.now);
        }
    });
    f.io.run_for(std::chrono::milliseconds(150));
    CHECK(f.post(message("m1", "nieuw netwerk HSN-café Druk")).first == 200);
    CHECK(f.store->networks().size() == 1);
}

TEST_CASE("teams: a reply the channel refused reaches its sender in a 1:1 chat",
          "[teams][adapter][notice]") {
    Fixture f;
    REQUIRE_THAT(f.say_in_channel("29:marieke", "Marieke", "nieuw netwerk HSN-café Feedback"),
                 Contains("is gestart"));
    REQUIRE_THAT(f.say_in_channel("29:marieke", "Marieke", "koppel netwerk HSN-café Feedback"),
                 Contains("hoort nu bij"));
    const auto before = f.connector.requests.size();
    f.connector.script = {ScriptedConnector::status(403)};  // the channel refuses the answer
    REQUIRE(f.post(channel_message("refused-1", "29:marieke", "Marieke", "bijeenkomsten")).first ==
            200);
    REQUIRE(run_until(f.io, [&] {
        return f.store->outbox_in_state(Platform::teams, OutboxState::failed).size() == 1;
    }));
    // The runtime's timer runs the notice the give-up scheduled; the 1:1 chat is opened for it.
    REQUIRE(f.bot->next_due() <= std::optional<Instant>(f.now));
    REQUIRE(f.bot->tick(f.now));
    f.connector.script = {net::ClientResponse{201, {}, R"({"id":"a:1marieke"})"}};
    f.adapter->wake();
    REQUIRE(f.sent_everything());
    const auto direct = f.posted_to("a:1marieke", before);
    REQUIRE(direct.size() == 2);
    CHECK_THAT(shown(direct[0]),
               Contains("Mijn antwoord op je bericht in de groep van HSN-café Feedback is "
                        "daar niet aangekomen: Teams nam het niet aan."));
    CHECK(shown(direct[1]) == "HSN-café Feedback heeft nog geen komende bijeenkomsten.");
    CHECK(f.store->outbox_in_state(Platform::teams, OutboxState::failed).size() == 1);
}

TEST_CASE("teams: 'Ja, wis alles' on the forget-me card closes the card, as 'Nee' does",
          "[teams][adapter][privacy]") {
    Fixture f;
    f.say_in_channel("29:marieke", "Marieke", "nieuw netwerk HSN-café Feedback");
    f.say_in_channel("29:marieke", "Marieke", "koppel netwerk HSN-café Feedback");
    f.say_in_channel("29:marieke", "Marieke",
                     "lid toevoegen Anna de Vries | deelnemer | CBS De Regenboog | 29:anna");
    const auto before = f.connector.requests.size();
    f.say_in_channel("29:anna", "Anna de Vries", "vergeet mij");
    const auto chat = f.store->direct_conversation_with(Platform::teams, "29:anna");
    REQUIRE(chat);
    // The card in her 1:1 chat, and its "Ja, wis alles" button.
    std::string card_id;
    json yes;
    for (auto i = before; i < f.connector.requests.size(); ++i) {
        const auto sent = json::parse(f.connector.requests[i].body, nullptr, false);
        if (!sent.is_object() || !sent.contains("attachments")) {
            continue;
        }
        card_id = "remote-" + std::to_string(i + 1);  // the scripted connector's answer
        for (const auto& block : sent["attachments"][0]["content"]["body"]) {
            if (block["type"] == "ActionSet") {
                yes = block["actions"][0];
            }
        }
    }
    REQUIRE(yes.is_object());
    CHECK(yes["title"] == "Ja, wis alles");

    json click = {
        {"type", "invoke"},
        {"name", "adaptiveCard/action"},
        {"id", "invoke-forget"},
        {"channelId", "msteams"},
        {"serviceUrl", kConnector},
        {"from", {{"id", "29:anna"}, {"name", "Anna de Vries"}}},
        {"recipient", {{"id", "28:app-id"}, {"name", "Leernetwerk bot"}}},
        {"conversation", {{"id", chat->conversation_id}, {"conversationType", "personal"}}},
        {"channelData", {{"tenant", {{"id", "tenant-1"}}}}},
        {"replyToId", card_id},
        {"value",
         {{"action",
           {{"type", "Action.Execute"},
            {"title", yes["title"]},
            {"verb", yes["verb"]},
            {"data", yes["data"]}}},
          {"trigger", "manual"}}}};
    const auto [status, body] = f.post(click.dump());
    CHECK(status == 200);
    // The clicked card comes back closed: no buttons, the note, nobody named.
    const auto answer = json::parse(body);
    CHECK(answer["statusCode"] == 200);
    CHECK(answer["type"] == "application/vnd.microsoft.card.adaptive");
    const auto card = answer["value"].dump();
    CHECK_THAT(card, Contains("Je gegevens zijn gewist."));
    CHECK_THAT(card, !Contains("ActionSet"));
    CHECK_THAT(card, !Contains("Action.Execute"));
    CHECK_THAT(card, !Contains("Anna"));
    REQUIRE(f.sent_everything());
    CHECK_FALSE(f.store->member_by_identity(Platform::teams, "29:anna").has_value());
}

namespace {

/// A pagedmembers page as the Bot Connector answers it.
Result<net::ClientResponse> members_page(json members, const std::string& continuation = "") {
    json page = {{"members", std::move(members)}};
    if (!continuation.empty()) {
        page["continuationToken"] = continuation;
    }
    return net::ClientResponse{200, {}, page.dump()};
}

json teams_member(const std::string& id, const std::string& name, const std::string& email) {
    return {{"id", id},
            {"name", name},
            {"aadObjectId", "aad-" + id},
            {"email", email},
            {"userPrincipalName", email},
            {"tenantId", "tenant-1"},
            {"userRole", "user"}};
}

/// A channel linked to a fresh network that Marieke runs.
void linked_channel(Fixture& f) {
    f.say_in_channel("29:marieke", "Marieke", "nieuw netwerk HSN-café Feedback");
    f.say_in_channel("29:marieke", "Marieke", "koppel netwerk HSN-café Feedback");
}

}  // namespace

TEST_CASE("teams: a member added by e-mail is found in the channel's paged member list",
          "[teams][adapter][roster]") {
    Fixture f;
    linked_channel(f);
    const auto before = f.connector.requests.size();
    f.connector.script = {
        members_page({teams_member("29:marieke", "Marieke", "marieke@hsn.nl")}, "page 2/2"),
        members_page({teams_member("29:daan", "Daan Bakker", "Daan.Bakker@school.nl")})};
    const auto out = f.say_in_channel("29:marieke", "Marieke",
                                      "lid toevoegen daan.bakker@school.nl | deelnemer | Kompas");
    CHECK_THAT(out, Contains("Daan Bakker (Kompas) zit nu in HSN-café Feedback"));
    // Two pages: the second asked for with the first one's continuation token.
    REQUIRE(f.connector.requests.size() == before + 3);
    const auto& first = f.connector.requests[before];
    CHECK(first.method == "GET");
    CHECK(first.url == std::string(kConnector) +
                           "/v3/conversations/19%3Ahsn-cafe%40thread.tacv2/pagedmembers?pageSize=100");
    CHECK_THAT(f.connector.requests[before + 1].url, Contains("&continuationToken=page%202%2F2"));
    const auto daan = f.store->member_by_identity(Platform::teams, "29:daan");
    REQUIRE(daan);
    CHECK(daan->display_name == "Daan Bakker");
    CHECK(f.metrics.value("leernetwerk_events_total", {{"platform", "teams"}, {"kind", "roster"}}) ==
          1);
    // The query row is done, not failed, and never posted as a message.
    CHECK(f.store->outbox_in_state(Platform::teams, OutboxState::failed).empty());
}

TEST_CASE("teams: a refused member list (403), an address nobody has and a 502 that passes",
          "[teams][adapter][roster]") {
    Fixture f;
    linked_channel(f);
    SECTION("403: the bot may not read the members") {
        f.connector.script = {ScriptedConnector::status(403)};
        const auto out = f.say_in_channel("29:marieke", "Marieke",
                                          "lid toevoegen daan.bakker@school.nl | deelnemer");
        CHECK_THAT(out, Contains("Ik mag de ledenlijst van dit gesprek niet lezen"));
    }
    SECTION("nobody has the address") {
        f.connector.script = {members_page({teams_member("29:kees", "Kees", "kees@school.nl")})};
        const auto out = f.say_in_channel("29:marieke", "Marieke",
                                          "lid toevoegen daan.bakker@school.nl | deelnemer");
        CHECK_THAT(out,
                   Contains("Niemand in dit gesprek heeft het e-mailadres daan.bakker@school.nl"));
    }
    SECTION("a 502 is retried, and the answer is applied once") {
        f.connector.script = {ScriptedConnector::status(502),
                              members_page({teams_member("29:daan", "Daan", "daan@school.nl")})};
        const auto before = f.connector.requests.size();
        REQUIRE(f.post(channel_message("said-retry", "29:marieke", "Marieke",
                                       "lid toevoegen daan@school.nl | deelnemer"))
                    .first == 200);
        REQUIRE(f.pending_after(1));  // the query waits for its retry
        f.now += std::chrono::seconds(5);
        REQUIRE(f.sent_everything());
        const auto posted = f.posted_to(kChannel, before);
        REQUIRE(posted.size() == 1);
        CHECK_THAT(shown(posted[0]), Contains("Daan zit nu in"));
    }
    CHECK(f.store->members().size() <= 2);
}

TEST_CASE("teams: a member added by @mention in the channel gets the mentioned account",
          "[teams][adapter][mention]") {
    Fixture f;
    linked_channel(f);
    auto activity = json::parse(channel_message("said-mention", "29:marieke", "Marieke",
                                                "lid toevoegen <at>Daan Bakker</at> | deelnemer"));
    activity["entities"].push_back({{"type", "mention"},
                                    {"text", "<at>Daan Bakker</at>"},
                                    {"mentioned", {{"id", "29:daan"}, {"name", "Daan Bakker"}}}});
    const auto before = f.connector.requests.size();
    REQUIRE(f.post(activity.dump()).first == 200);
    REQUIRE(f.sent_everything());
    const auto posted = f.posted_to(kChannel, before);
    REQUIRE(posted.size() == 1);
    CHECK_THAT(shown(posted[0]), Contains("Daan Bakker zit nu in"));
    CHECK(f.store->member_by_identity(Platform::teams, "29:daan"));
}

TEST_CASE("teams: the attendance list reaches the organiser as a card with who said they come "
          "ticked, and the ticked list comes back",
          "[teams][adapter][conversation][participation]") {
    using namespace std::chrono;
    Fixture f;
    f.say_in_channel("29:marieke", "Marieke", "nieuw netwerk HSN-café Feedback");
    f.say_in_channel("29:marieke", "Marieke", "koppel netwerk HSN-café Feedback");
    for (const auto* member : {"Anna de Vries | deelnemer | CBS De Regenboog | 29:anna",
                               "Bram de Boer | deelnemer | Het Kompas | 29:bram"}) {
        f.say_in_channel("29:marieke", "Marieke", std::string("lid toevoegen ") + member);
    }
    f.say_in_channel("29:marieke", "Marieke", "caféweken 2026-2027: 6");
    CHECK_THAT(f.say_in_channel("29:marieke", "Marieke",
                                "plan bijeenkomst 2027-02-09 15:30 | Het Kompas | Feedback"),
               Contains("staat gepland"));
    f.say_in_channel("29:anna", "Anna de Vries", "ik kom");
    const auto anna = f.store->member_by_identity(Platform::teams, "29:anna");
    const auto bram = f.store->member_by_identity(Platform::teams, "29:bram");
    REQUIRE(anna);
    REQUIRE(bram);

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
    REQUIRE(f.sent_everything());
    const auto chat = f.store->direct_conversation_with(Platform::teams, "29:marieke");
    REQUIRE(chat);
    json card;
    std::string card_id;
    for (auto i = std::size_t{0}; i < f.connector.requests.size(); ++i) {
        const auto& request = f.connector.requests[i];
        if (request.method == "POST" &&
            request.url.find(net::encode_path_segment(chat->conversation_id)) !=
                std::string::npos &&
            request.body.find("Aanwezigheid bijeenkomst") != std::string::npos) {
            card = json::parse(request.body)["attachments"][0]["content"];
            card_id = "remote-" + std::to_string(i + 1);
        }
    }
    REQUIRE(card.is_object());
    json choice_set;
    json submit;
    for (const auto& block : card["body"]) {
        if (block["type"] == "Input.ChoiceSet") {
            choice_set = block;
        }
        if (block["type"] == "ActionSet") {
            submit = block["actions"][0];
        }
    }
    REQUIRE(choice_set.is_object());
    CHECK(choice_set["isMultiSelect"] == true);
    CHECK(choice_set["choices"].size() == 3);  // Anna, Bram, Marieke
    // Anna said she comes: ticked beforehand.
    CHECK(choice_set["value"] == std::to_string(anna->id));
    REQUIRE(submit.is_object());

    // Marieke ticks Bram as well (he came unannounced) and sends the card.
    auto data = submit["data"];
    data["choices"] = std::to_string(anna->id) + "," + std::to_string(bram->id);
    json click = {{"type", "invoke"},
                  {"name", "adaptiveCard/action"},
                  {"id", "invoke-attendance"},
                  {"channelId", "msteams"},
                  {"serviceUrl", kConnector},
                  {"from", {{"id", "29:marieke"}, {"name", "Marieke"}}},
                  {"recipient", {{"id", "28:app-id"}, {"name", "Leernetwerk bot"}}},
                  {"conversation",
                   {{"id", chat->conversation_id}, {"conversationType", "personal"}}},
                  {"channelData", {{"tenant", {{"id", "tenant-1"}}}}},
                  {"replyToId", card_id},
                  {"value",
                   {{"action",
                     {{"type", "Action.Execute"},
                      {"title", submit["title"]},
                      {"verb", submit["verb"]},
                      {"data", data}}},
                    {"trigger", "manual"}}}};
    const auto [status, body] = f.post(click.dump());
    CHECK(status == 200);
    CHECK_THAT(body, Contains("2 aanwezig: Anna de Vries en Bram de Boer"));
    REQUIRE(f.sent_everything());
    std::set<Id> present;
    for (const auto& meeting : f.store->meetings_of(f.store->networks().front().id)) {
        for (const auto& mark : f.store->attendance_of(meeting.id)) {
            if (mark.present) {
                present.insert(mark.member_id);
            }
        }
    }
    CHECK(present == std::set<Id>{anna->id, bram->id});
}
