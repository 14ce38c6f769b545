// The Matrix adapter's HTTP endpoints (appservice transactions, user and room queries, ping;
// the hs_token checked before the body is read), what the delivery engine is given, and
// start/stop. The rest of MatrixAdapter::Impl (matrix_adapter_impl.hpp) is defined in
// inbound.cpp, rooms.cpp, sync_loop.cpp and sender.cpp.
#include "adapters/matrix/matrix_adapter.hpp"

#include "adapters/matrix/matrix_adapter_impl.hpp"

namespace leernetwerk::matrix {

dispatch::PlatformSide MatrixAdapter::Impl::delivery_side() {
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

void MatrixAdapter::Impl::reject(const net::Responder& respond, int status, std::string_view reason,
                                 std::string_view errcode, std::string_view message) {
    metrics.count("leernetwerk_inbound_rejected_total",
                  {{"platform", "matrix"}, {"reason", std::string(reason)}});
    respond(matrix_error(status, errcode, message));
}

bool MatrixAdapter::Impl::authorized(const net::Request& request, const net::Responder& respond) {
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

void MatrixAdapter::Impl::on_transaction(std::size_t prefix, net::Request request,
                                         net::Responder respond) {
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

void MatrixAdapter::Impl::on_query(net::Request request, net::Responder respond) {
    if (!authorized(request, respond)) {
        return;
    }
    // The bot creates no users or rooms on demand: nothing else is ours.
    respond(matrix_error(404, "M_NOT_FOUND", "not provided by this application service"));
}

void MatrixAdapter::Impl::on_ping(net::Request request, net::Responder respond) {
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
