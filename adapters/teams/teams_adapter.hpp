#pragma once
// Microsoft Teams on the shared HTTP server: POST /api/messages (Bot Framework, JWT-checked),
// POST /api/teams-webhook (outgoing webhook, HMAC-checked), and the Teams side of the delivery
// engine (adapters/dispatch/): Bot Connector calls, Teams' per-conversation windows, threads in
// channels only, proactive 1:1 chats.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "adapters/dispatch/delivery_engine.hpp"
#include "adapters/dispatch/retry_policy.hpp"
#include "adapters/net/http_server.hpp"
#include "adapters/net/metrics.hpp"
#include "adapters/teams/auth.hpp"
#include "bot/engine/bot.hpp"

namespace leernetwerk::teams {

struct TeamsOptions {
    std::string app_id;        ///< the bot's Microsoft App ID; empty: webhook-only (no sending)
    std::string app_password;  ///< client secret for outbound tokens
    std::string tenant_id;     ///< for single-tenant bots and proactive 1:1 chats
    bool auth = true;          ///< check inbound JWTs; false only for local testing
    /// Hosts outbound calls (with the bot's token) may go to, over https. "*.x" matches subdomains.
    std::vector<std::string> service_url_hosts = {"smba.trafficmanager.net", "*.trafficmanager.net",
                                                  "*.botframework.com"};
    /// Also allow http://localhost / 127.0.0.1 service URLs (local test peers). Only with auth off.
    bool allow_loopback_service_url = false;
    std::string webhook_security_token;  ///< base64; empty: no outgoing-webhook route
    std::string time_zone = "Europe/Amsterdam";
    std::size_t max_body_bytes = 256 * 1024;
    AuthSettings auth_settings;    ///< app_id is filled in from above
    TokenSettings token_settings;  ///< app_id, password and tenant are filled in from above
    /// How long a message is retried (its horizon per kind) and how the delay grows.
    dispatch::RetryPolicy retry;
    /// Back-pressure: more messages than this waiting in the Teams outbox makes /api/messages
    /// answer 503 with Retry-After before reading the activity; 0: no bound.
    int max_outbox_depth = 0;
    /// One connector call's deadline (the connector itself gives up after 15 s).
    std::chrono::milliseconds send_timeout{15'000};
};

class TeamsAdapter {
public:
    using Clock = std::function<Instant()>;
    TeamsAdapter(boost::asio::io_context& io, Bot& bot, Store& store, net::HttpTransport& http,
                 net::Metrics& metrics, TeamsOptions options, Clock clock = {});
    ~TeamsAdapter();
    TeamsAdapter(const TeamsAdapter&) = delete;
    TeamsAdapter& operator=(const TeamsAdapter&) = delete;

    /// Adds the Teams routes to the server.
    void register_routes(net::HttpServer& server);
    /// Starts the dispatcher. Rows a crash left `sending` are sent again (at least once: Teams
    /// has no idempotency key, so a crash mid-send may duplicate a message; updates are PUTs).
    void start();
    void stop();
    /// New outbox rows may be due: look now instead of at the next poll.
    void wake();
    /// Whether the platform answers the dispatcher (for /readyz and /metrics).
    dispatch::DeliveryHealth delivery_health() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace leernetwerk::teams
