// The Teams adapter on a real loopback server, with a scripted Bot Connector: bad requests are
// refused before anything is stored, replies go out through the outbox, and the dispatcher
// retries 429/502/timeouts, gives up on 403, paces per conversation and resends after a crash.
#include <deque>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/net/http_client.hpp"
#include "adapters/net_support.hpp"
#include "adapters/teams/teams_adapter.hpp"
#include "storage/sqlite_store.hpp"

using namespace leernetwerk;
using leernetwerk::net::test::run_until;
using nlohmann::json;

namespace {

constexpr const char* kConnector = "http://127.0.0.1:9/_connector";  // never dialled: scripted

/// A Bot Connector that answers from a script (default: 201 with a fresh id).
class ScriptedConnector final : public net::HttpTransport {
public:
    explicit ScriptedConnector(boost::asio::io_context& io) : io_(io) {}

    void send(net::ClientRequest request, net::ClientCallback done) override {
        requests.push_back(request);
        Result<net::ClientResponse> answer = net::ClientResponse{201, {}, ""};
        if (!script.empty()) {
            answer = script.front();
            script.pop_front();
        }
        if (answer && answer->body.empty()) {
            answer->body = json{{"id", "remote-" + std::to_string(requests.size())}}.dump();
        }
        boost::asio::post(io_, [done = std::move(done), answer] { done(answer); });
    }

    static Result<net::ClientResponse> status(int code, net::Headers headers = {}) {
        return net::ClientResponse{code, std::move(headers), code < 300 ? "" : "{}"};
    }

    std::vector<net::ClientRequest> requests;
    std::deque<Result<net::ClientResponse>> script;

private:
    boost::asio::io_context& io_;
};

constexpr const char* kWebhookToken = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=";

struct Fixture {
    Fixture(bool auth = false) {
        store = storage::SqliteStore::open(":memory:");
        bot = std::make_unique<Bot>(*store, BotSettings{});
        teams::TeamsOptions options;
        options.app_id = "app-id";
        options.auth = auth;
        options.allow_loopback_service_url = true;
        options.retry_base = std::chrono::milliseconds(10);
        options.retry_cap = std::chrono::milliseconds(50);
        options.max_send_attempts = 4;
        options.auth_settings.openid_metadata_url = "http://127.0.0.1:9/openid";
        options.webhook_security_token = kWebhookToken;
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
    CHECK(body.find("eyJ") == std::string::npos);
    CHECK(f.rows() == 0);
    CHECK(f.store->networks().empty());
    CHECK(f.metrics.value("leernetwerk_inbound_rejected_total",
                          {{"platform", "teams"}, {"reason", "unauthorized"}}) == 3);
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
    CHECK(body["text"].get<std::string>().find("is gestart") != std::string::npos);
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

TEST_CASE("teams: the dispatcher gives up on 403 and after its attempts",
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
    SECTION("four 503s use up the attempts") {
        for (int i = 0; i < 4; ++i) {
            f.connector.script.push_back(ScriptedConnector::status(503));
        }
        REQUIRE(f.post(message("m1", "nieuw netwerk HSN-café Test")).first == 200);
        for (int sent = 1; sent <= 3; ++sent) {
            REQUIRE(run_until(f.io, [&] {
                return f.connector.requests.size() == static_cast<std::size_t>(sent);
            }));
            REQUIRE(f.pending_after(sent));
            f.now += std::chrono::seconds(2);
        }
        REQUIRE(run_until(f.io, [&] {
            return f.store->outbox_in_state(Platform::teams, OutboxState::failed).size() == 1;
        }));
        CHECK(f.metrics.value("leernetwerk_sends_total",
                              {{"platform", "teams"}, {"result", "failed"}}) == 1);
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
        CHECK(parsed["text"].get<std::string>().find("is gestart") != std::string::npos);
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
}
