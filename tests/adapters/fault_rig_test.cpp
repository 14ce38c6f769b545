// The fault rig: the real Teams and Matrix adapters send a fan-out of 200 messages over 20
// conversations through a proxy on loopback to a fake Bot Connector / fake homeserver, while the
// proxy misbehaves: it refuses connections (an outage of 2 minutes, of 1 hour), answers 500 or
// drops connections (before or after the peer processed the request), answers 429 with
// Retry-After, or hangs. The bot's clock is simulated (the outage of an hour takes seconds);
// pacing and timeouts run on real time. Asserted: nothing lost, no duplicates on Matrix (the
// homeserver deduplicates by txnId), order per conversation kept, and on Teams no more
// duplicates than requests the connector processed but whose answer was lost (the documented
// at-least-once window: Teams has no idempotency key). Each scenario prints its figures.
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>

#include <boost/asio/detached.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/net/http_client.hpp"
#include "adapters/net/http_server.hpp"
#include "adapters/net_support.hpp"
#include "adapters/teams/teams_adapter.hpp"
#include "storage/sqlite/sqlite_store.hpp"

using namespace leernetwerk;
using namespace std::chrono_literals;
using nlohmann::json;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using leernetwerk::net::test::kTuple;

namespace {

constexpr int kConversations = 20;
constexpr int kPerConversation = 10;
constexpr int kFanOut = kConversations * kPerConversation;
constexpr int kDeliveredBeforeFault = 40;  ///< the fault starts during the fan-out

enum class Fault { none, drop, drop_after_processing, status_500, too_many, hang };

/// An HTTP proxy on 127.0.0.1 that forwards to the peer, or misbehaves as told.
class FaultProxy : public std::enable_shared_from_this<FaultProxy> {
public:
    FaultProxy(asio::io_context& io, std::uint16_t upstream)
        : io_(io), upstream_(upstream), acceptor_(io) {}

    std::uint16_t start() {
        open();
        return port_;
    }

    /// Refusing: the listening socket is closed (connect fails with "connection refused") and
    /// open connections are cut.
    void set_refusing(bool refusing) {
        if (refusing == refusing_) {
            return;
        }
        refusing_ = refusing;
        if (refusing) {
            boost::system::error_code ignored;
            acceptor_.close(ignored);
            for (auto& weak : connections_) {
                if (auto socket = weak.lock()) {
                    socket->close(ignored);
                }
            }
            connections_.clear();
        } else {
            open();
        }
    }

    void stop() {
        boost::system::error_code ignored;
        acceptor_.close(ignored);
        for (auto& weak : connections_) {
            if (auto socket = weak.lock()) {
                socket->close(ignored);
            }
        }
    }

    /// Chooses what happens to each request (default: forwarded).
    std::function<Fault()> choose;
    int retry_after_seconds = 30;
    std::map<Fault, int> injected;

private:
    void open() {
        const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port_);
        acceptor_.open(endpoint.protocol());
        acceptor_.set_option(asio::socket_base::reuse_address(true));
        acceptor_.bind(endpoint);
        acceptor_.listen();
        port_ = acceptor_.local_endpoint().port();
        asio::co_spawn(io_, accept_loop(shared_from_this()), asio::detached);
    }

    static asio::awaitable<void> accept_loop(std::shared_ptr<FaultProxy> self) {
        while (true) {
            auto [error, socket] = co_await self->acceptor_.async_accept(kTuple);
            if (error) {
                co_return;
            }
            auto connection = std::make_shared<tcp::socket>(std::move(socket));
            std::erase_if(self->connections_, [](const auto& weak) { return weak.expired(); });
            self->connections_.push_back(connection);
            asio::co_spawn(self->io_, serve(self, connection), asio::detached);
        }
    }

    static asio::awaitable<void> serve(std::shared_ptr<FaultProxy> self,
                                       std::shared_ptr<tcp::socket> client) {
        beast::flat_buffer from_client;
        beast::flat_buffer from_peer;
        std::optional<tcp::socket> peer;
        boost::system::error_code ignored;
        while (true) {
            http::request<http::string_body> request;
            auto [read_error, read] =
                co_await http::async_read(*client, from_client, request, kTuple);
            if (read_error || self->refusing_) {
                client->close(ignored);
                co_return;
            }
            const auto fault = self->choose ? self->choose() : Fault::none;
            ++self->injected[fault];
            if (fault == Fault::drop) {
                client->close(ignored);  // the peer never saw it
                co_return;
            }
            if (fault == Fault::hang) {
                asio::steady_timer wait(self->io_, 2s);
                co_await wait.async_wait(kTuple);
                client->close(ignored);
                co_return;
            }
            if (fault == Fault::status_500 || fault == Fault::too_many) {
                http::response<http::string_body> answer{fault == Fault::status_500
                                                             ? http::status::internal_server_error
                                                             : http::status::too_many_requests,
                                                         request.version()};
                answer.set(http::field::content_type, "application/json");
                if (fault == Fault::too_many) {
                    answer.set(http::field::retry_after, std::to_string(self->retry_after_seconds));
                    answer.body() = R"({"errcode":"M_LIMIT_EXCEEDED","error":"slow down"})";
                } else {
                    answer.body() = R"({"errcode":"M_UNKNOWN","error":"oops"})";
                }
                answer.keep_alive(request.keep_alive());
                answer.prepare_payload();
                auto [write_error, written] = co_await http::async_write(*client, answer, kTuple);
                if (write_error || !request.keep_alive()) {
                    client->close(ignored);
                    co_return;
                }
                continue;
            }
            if (!peer) {
                peer.emplace(self->io_);
                const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), self->upstream_);
                auto [connect_error] = co_await peer->async_connect(endpoint, kTuple);
                if (connect_error) {
                    client->close(ignored);
                    co_return;
                }
            }
            const bool keep_alive = request.keep_alive();
            request.keep_alive(true);
            auto [forward_error, forwarded] = co_await http::async_write(*peer, request, kTuple);
            http::response<http::string_body> answer;
            boost::system::error_code answer_error = forward_error;
            if (!forward_error) {
                auto [error, got] = co_await http::async_read(*peer, from_peer, answer, kTuple);
                answer_error = error;
            }
            if (answer_error) {
                client->close(ignored);
                co_return;
            }
            if (fault == Fault::drop_after_processing || self->refusing_) {
                if (fault != Fault::drop_after_processing) {
                    ++self->injected[Fault::drop_after_processing];  // cut by the outage
                }
                client->close(ignored);  // processed, but the answer is lost
                co_return;
            }
            answer.keep_alive(keep_alive);
            auto [write_error, written] = co_await http::async_write(*client, answer, kTuple);
            if (write_error) {
                ++self->injected[Fault::drop_after_processing];
            }
            if (write_error || !keep_alive) {
                client->close(ignored);
                co_return;
            }
        }
    }

    asio::io_context& io_;
    std::uint16_t upstream_;
    tcp::acceptor acceptor_;
    std::uint16_t port_ = 0;
    bool refusing_ = false;
    std::vector<std::weak_ptr<tcp::socket>> connections_;
};

std::string message_text(int conversation, int seq) {
    char text[16];
    std::snprintf(text, sizeof text, "c%02dn%03d", conversation, seq);
    return text;
}

std::optional<std::pair<int, int>> parse_text(const std::string& text) {
    int conversation = 0;
    int seq = 0;
    if (std::sscanf(text.c_str(), "c%dn%d", &conversation, &seq) != 2) {
        return std::nullopt;
    }
    return std::make_pair(conversation, seq);
}

struct Arrival {
    int conversation;
    int seq;
    Instant at;
};

struct Figures {
    int sent = 0;
    int delivered = 0;
    int lost = 0;
    int duplicated = 0;
    int out_of_order = 0;
    std::chrono::seconds longest_delay{0};
    int failed_rows = 0;
};

/// One platform's bot, fake peer and proxy, on one io_context with a simulated clock.
struct Rig {
    explicit Rig(Platform platform_in) : platform(platform_in) {
        store = storage::SqliteStore::open(":memory:");
        bot = std::make_unique<Bot>(*store, BotSettings{});
        if (platform == Platform::teams) {
            peer.route_prefix(
                "POST", "/v3/conversations/", [this](net::Request request, net::Responder respond) {
                    const auto body = json::parse(request.body, nullptr, false);
                    record(body.is_object() ? body.value("text", "") : "");
                    respond(net::Response::json(
                        201, json{{"id", "a" + std::to_string(arrivals.size())}}.dump()));
                });
        } else {
            peer.route_prefix(
                "PUT", "/_matrix/client/v3/rooms/",
                [this](net::Request request, net::Responder respond) {
                    // A repeated txnId makes no second event (the spec's rule).
                    const auto txn = request.path.substr(request.path.rfind('/'));
                    auto& event_id = transactions[txn];
                    if (event_id.empty()) {
                        const auto body = json::parse(request.body, nullptr, false);
                        record(body.is_object() ? body.value("body", "") : "");
                        event_id = "$e" + std::to_string(arrivals.size());
                    }
                    respond(net::Response::json(200, json{{"event_id", event_id}}.dump()));
                });
        }
        const auto peer_port = peer.listen("127.0.0.1", 0);
        proxy = std::make_shared<FaultProxy>(io, peer_port);
        const auto base = "http://127.0.0.1:" + std::to_string(proxy->start());
        if (platform == Platform::teams) {
            teams::TeamsOptions options;
            options.app_id = "app-id";
            options.auth = false;
            options.allow_loopback_service_url = true;
            options.send_timeout = 500ms;
            teams = std::make_unique<teams::TeamsAdapter>(io, *bot, *store, client, metrics,
                                                          options, [this] { return now; });
            store->transaction([&] {
                for (int c = 0; c < kConversations; ++c) {
                    ConversationRef ref;
                    ref.platform = Platform::teams;
                    ref.conversation_id = conversation_id(c);
                    ref.service_url = base;
                    ref.tenant_id = "tenant-1";
                    ref.bot_id = "28:app-id";
                    ref.updated_at = now;
                    store->save_conversation_ref(ref);
                }
            });
        } else {
            matrix::MatrixOptions options;
            options.homeserver_url = base;
            options.user_id = "@leernetwerk:localhost";
            options.as_token = "as-token";
            options.hs_token = "hs-token";
            options.send_timeout = 500ms;
            // Pacing runs on real time while the bot's clock runs a hundred times faster: the
            // 30-per-30-seconds window would stretch into hours of the bot's time.
            options.room_limits = {{5, 1000ms}};
            matrix = std::make_unique<matrix::MatrixAdapter>(io, *bot, *store, client, metrics,
                                                             options, [this] { return now; });
        }
    }

    ~Rig() {
        if (teams) {
            teams->stop();
        }
        if (matrix) {
            matrix->stop();
        }
        proxy->stop();
        peer.stop();
        io.run_for(50ms);
    }

    std::string conversation_id(int c) const {
        return platform == Platform::teams ? "19:conv" + std::to_string(c) + "@thread.tacv2"
                                           : "!room" + std::to_string(c) + ":localhost";
    }

    void record(const std::string& text) {
        if (const auto parsed = parse_text(text)) {
            arrivals.push_back({parsed->first, parsed->second, now});
        }
    }

    int delivered() const {
        std::set<std::pair<int, int>> unique;
        for (const auto& arrival : arrivals) {
            unique.insert({arrival.conversation, arrival.seq});
        }
        return static_cast<int>(unique.size());
    }

    /// Queues the fan-out: 10 messages to each of 20 conversations, interleaved.
    void fan_out() {
        store->transaction([&] {
            for (int seq = 0; seq < kPerConversation; ++seq) {
                for (int c = 0; c < kConversations; ++c) {
                    OutboundMessage message;
                    message.to.platform = platform;
                    message.to.conversation_id = conversation_id(c);
                    message.content = TextContent{message_text(c, seq), {}};
                    store->append_outbox(message, now);
                }
            }
        });
        queued_at = now;
    }

    void start() {
        if (teams) {
            teams->start();
        } else {
            matrix->start();
        }
    }

    void wake() {
        if (teams) {
            teams->wake();
        } else {
            matrix->wake();
        }
    }

    Figures figures() const {
        Figures out;
        out.sent = kFanOut;
        std::set<std::pair<int, int>> seen;
        std::map<int, int> highest;
        for (const auto& arrival : arrivals) {
            if (!seen.insert({arrival.conversation, arrival.seq}).second) {
                ++out.duplicated;
                continue;
            }
            auto [it, first] = highest.try_emplace(arrival.conversation, arrival.seq);
            if (!first) {
                if (arrival.seq < it->second) {
                    ++out.out_of_order;
                }
                it->second = std::max(it->second, arrival.seq);
            }
            out.longest_delay =
                std::max(out.longest_delay,
                         std::chrono::duration_cast<std::chrono::seconds>(arrival.at - queued_at));
        }
        out.delivered = static_cast<int>(seen.size());
        out.lost = out.sent - out.delivered;
        out.failed_rows =
            static_cast<int>(store->outbox_in_state(platform, OutboxState::failed).size());
        return out;
    }

    Platform platform;
    asio::io_context io;
    std::unique_ptr<storage::SqliteStore> store;
    std::unique_ptr<Bot> bot;
    net::Metrics metrics;
    net::HttpClient client{io};
    net::HttpServer peer{io};
    std::shared_ptr<FaultProxy> proxy;
    std::unique_ptr<teams::TeamsAdapter> teams;
    std::unique_ptr<matrix::MatrixAdapter> matrix;
    std::vector<Arrival> arrivals;
    std::map<std::string, std::string> transactions;
    Instant now{std::chrono::seconds(1'800'000'000)};
    Instant queued_at{};
};

enum class Scenario { outage, errors, retry_after_storm, hang };

struct Run {
    Figures figures;
    std::map<Fault, int> injected;
    bool finished = false;
};

/// Runs one scenario: the fan-out starts, the fault begins once 40 messages arrived and lasts
/// `length` on the bot's clock, then the rig runs until the outbox is empty.
Run run(Platform platform, Scenario scenario, std::chrono::seconds length) {
    Rig rig(platform);
    rig.fan_out();
    rig.start();
    std::mt19937 random(13);
    std::optional<Instant> fault_start;
    bool fault_over = false;
    const auto real_deadline = std::chrono::steady_clock::now() + 150s;
    for (int step = 0; step < 20'000 && std::chrono::steady_clock::now() < real_deadline; ++step) {
        if (!fault_start && rig.delivered() >= kDeliveredBeforeFault) {
            fault_start = rig.now;
            switch (scenario) {
                case Scenario::outage:
                    rig.proxy->set_refusing(true);
                    break;
                case Scenario::errors:
                    rig.proxy->choose = [&random] {
                        const auto roll = random() % 10;
                        return roll < 5   ? Fault::status_500
                               : roll < 6 ? Fault::drop
                               : roll < 7 ? Fault::drop_after_processing
                                          : Fault::none;
                    };
                    break;
                case Scenario::retry_after_storm:
                    rig.proxy->choose = [] { return Fault::too_many; };
                    break;
                case Scenario::hang:
                    rig.proxy->choose = [] { return Fault::hang; };
                    break;
            }
        }
        if (fault_start && !fault_over && rig.now >= *fault_start + length) {
            fault_over = true;
            rig.proxy->set_refusing(false);
            rig.proxy->choose = nullptr;
        }
        const auto arrived = rig.arrivals.size();
        rig.io.run_for(10ms);
        if (fault_over && rig.store->outbox_depth(platform) == 0) {
            rig.io.run_for(50ms);  // answers still on their way
            Run result{rig.figures(), rig.proxy->injected, true};
            return result;
        }
        // The bot's clock runs while a fault lasts (an outage in larger steps) and while the bot
        // waits for a retry; while messages flow it stands still, since pacing runs on real
        // time (a hundred times slower than these steps) and would otherwise count as delay.
        const bool faulty = fault_start && !fault_over;
        if (faulty || rig.arrivals.size() == arrived) {
            rig.now += faulty && scenario == Scenario::outage ? 15s : 1s;
        }
        rig.wake();
    }
    return Run{rig.figures(), rig.proxy->injected, false};
}

int count_of(const Run& run, Fault fault) {
    const auto it = run.injected.find(fault);
    return it == run.injected.end() ? 0 : it->second;
}

void print(const char* platform, const char* scenario, const Run& run) {
    const auto& f = run.figures;
    std::cout << "fault rig | " << platform << " | " << scenario << " | sent " << f.sent
              << ", delivered " << f.delivered << ", lost " << f.lost << ", duplicated "
              << f.duplicated << ", out of order " << f.out_of_order << ", longest delay "
              << f.longest_delay.count() << " s, given up " << f.failed_rows << " | injected: 500 "
              << count_of(run, Fault::status_500) << ", 429 " << count_of(run, Fault::too_many)
              << ", dropped " << count_of(run, Fault::drop) << ", answer lost "
              << count_of(run, Fault::drop_after_processing) << ", hung "
              << count_of(run, Fault::hang) << std::endl;
}

void check(Platform platform, const Run& run) {
    CHECK(run.finished);
    CHECK(run.figures.lost == 0);
    CHECK(run.figures.failed_rows == 0);
    CHECK(run.figures.out_of_order == 0);
    if (platform == Platform::matrix) {
        CHECK(run.figures.duplicated == 0);
    } else {
        // At least once: only a request the connector processed but whose answer was lost.
        CHECK(run.figures.duplicated <= count_of(run, Fault::drop_after_processing));
    }
}

}  // namespace

TEST_CASE("fault rig: an outage of 2 minutes during a fan-out loses nothing",
          "[fault_rig][outage]") {
    for (const auto platform : {Platform::teams, Platform::matrix}) {
        const auto result = run(platform, Scenario::outage, 120s);
        print(platform == Platform::teams ? "teams" : "matrix", "outage 2 min", result);
        check(platform, result);
        CHECK(result.figures.longest_delay >= 120s);
        // A peer that does not answer is tried at least every minute: out soon after it is back.
        // The rig's clock also runs while real-time pacing makes a conversation wait, which a
        // loaded machine (the sanitized suite on two cores) stretches: twice the ceiling.
        CHECK(result.figures.longest_delay <= 120s + 8min);
    }
}

TEST_CASE("fault rig: an outage of 1 hour during a fan-out loses nothing", "[fault_rig][outage]") {
    for (const auto platform : {Platform::teams, Platform::matrix}) {
        const auto result = run(platform, Scenario::outage, 3600s);
        print(platform == Platform::teams ? "teams" : "matrix", "outage 1 h", result);
        check(platform, result);
        CHECK(result.figures.longest_delay >= 3600s);
        // Retried with a ceiling of a few minutes: everything is out soon after the peer is back.
        CHECK(result.figures.longest_delay <= 3600s + 8min);  // as above: twice the ceiling
    }
}

TEST_CASE("fault rig: a burst of 500s and dropped connections loses nothing",
          "[fault_rig][errors]") {
    for (const auto platform : {Platform::teams, Platform::matrix}) {
        const auto result = run(platform, Scenario::errors, 60s);
        print(platform == Platform::teams ? "teams" : "matrix", "burst of 500s and drops", result);
        check(platform, result);
        CHECK(count_of(result, Fault::status_500) > 0);
    }
}

TEST_CASE("fault rig: a Retry-After storm is waited out, and a hanging peer timed out",
          "[fault_rig][storm]") {
    for (const auto platform : {Platform::teams, Platform::matrix}) {
        const auto name = platform == Platform::teams ? "teams" : "matrix";
        const auto storm = run(platform, Scenario::retry_after_storm, 180s);
        print(name, "Retry-After storm (429, 30 s) for 3 min", storm);
        check(platform, storm);
        CHECK(count_of(storm, Fault::too_many) > 0);
        const auto hang = run(platform, Scenario::hang, 60s);
        print(name, "peer hangs for 1 min", hang);
        check(platform, hang);
    }
}
