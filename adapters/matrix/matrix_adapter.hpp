#pragma once
// Matrix in one of two modes. As an application service on the shared HTTP server: the
// homeserver pushes transactions (PUT /_matrix/app/v1/transactions/{txnId}, hs_token-checked).
// As a bot account (an ordinary user with an access token, for hosted homeservers): a /sync
// long-poll loop with a filter, next_batch kept in the store after each applied batch, gaps
// back-filled with /messages. Both feed the same decode/apply path (deduplicated by event id),
// and the Matrix side of the delivery engine (adapters/dispatch/) sends through the client-server
// API, idempotently (the outbox row id is the txnId), paced per room.
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/dispatch/delivery_engine.hpp"
#include "adapters/dispatch/retry_policy.hpp"
#include "adapters/net/http_server.hpp"
#include "adapters/net/metrics.hpp"
#include "bot/engine/bot.hpp"

namespace leernetwerk::matrix {

enum class ConnectionMode {
    appservice,  ///< pushed transactions; sends with the as_token and ?user_id=
    bot,         ///< /sync long-poll and sends with the bot account's access token
};

struct MatrixOptions {
    ConnectionMode mode = ConnectionMode::appservice;
    std::string homeserver_url;  ///< e.g. "https://matrix.school.nl", no trailing '/'
    std::string user_id;         ///< the bot, "@leernetwerk:school.nl"
    std::string display_name = "Leernetwerk bot";
    std::string as_token;      ///< appservice → homeserver
    std::string hs_token;      ///< homeserver → appservice
    std::string access_token;  ///< bot mode: the bot account's token
    /// Bot mode: how long one /sync waits on the homeserver for news.
    std::chrono::milliseconds sync_timeout{30'000};
    /// Bot mode: events fetched back through /messages when a sync timeline has a gap.
    int backfill_limit = 100;
    /// Who may invite the bot into a room; empty: anyone on the bot's own server.
    std::vector<std::string> allowed_inviters;
    /// Other bots whose messages are never answered.
    std::vector<std::string> ignored_senders;
    /// [server] max_body_bytes, as for every route (a homeserver batches up to 100 events of at
    /// most 64 KiB: raise it for very busy rooms).
    std::size_t max_body_bytes = 256 * 1024;
    /// How long a message is retried (its horizon per kind) and how the delay grows; /sync
    /// backs off from the same base (to at most a minute).
    dispatch::RetryPolicy retry;
    /// Back-pressure: more messages than this waiting in the Matrix outbox makes the
    /// transactions route answer 503 with Retry-After before reading the body (the homeserver
    /// sends the transaction again later); 0: no bound.
    int max_outbox_depth = 0;
    /// One send's (or createRoom's) deadline.
    std::chrono::milliseconds send_timeout{20'000};
    /// Sends allowed per room in each sliding window.
    std::vector<std::pair<int, std::chrono::milliseconds>> room_limits = {
        {5, std::chrono::milliseconds(1000)}, {30, std::chrono::milliseconds(30'000)}};
};

class MatrixAdapter {
public:
    using Clock = std::function<Instant()>;
    MatrixAdapter(boost::asio::io_context& io, Bot& bot, Store& store, net::HttpTransport& http,
                  net::Metrics& metrics, MatrixOptions options, Clock clock = {});
    ~MatrixAdapter();
    MatrixAdapter(const MatrixAdapter&) = delete;
    MatrixAdapter& operator=(const MatrixAdapter&) = delete;

    /// Adds the appservice routes (prefixed and legacy forms) to the server; none in bot mode.
    void register_routes(net::HttpServer& server);
    /// Starts the dispatcher (and in bot mode the /sync loop, from the stored next_batch). Rows
    /// a crash left `sending` are sent again with the same txnId, which the homeserver
    /// deduplicates.
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

}  // namespace leernetwerk::matrix
