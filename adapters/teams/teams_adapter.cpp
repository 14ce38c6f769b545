// The Teams adapter's HTTP endpoints (/api/messages with its JWT check, the outgoing webhook
// with its HMAC), what the delivery engine is given, and start/stop. The rest of
// TeamsAdapter::Impl (teams_adapter_impl.hpp) is defined in inbound.cpp, sender.cpp and
// roster.cpp.
#include "adapters/teams/teams_adapter.hpp"

#include "adapters/teams/teams_adapter_impl.hpp"

namespace leernetwerk::teams {

dispatch::PlatformSide TeamsAdapter::Impl::delivery_side() {
    dispatch::PlatformSide side;
    side.platform = Platform::teams;
    side.name = "teams";
    side.windows = kConversationWindows;
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
    return side;
}

void TeamsAdapter::Impl::reject(const net::Responder& respond, int status, std::string_view reason,
                                std::string_view message) {
    metrics.count("leernetwerk_inbound_rejected_total",
                  {{"platform", "teams"}, {"reason", std::string(reason)}});
    respond(json_error(status, message));
}

void TeamsAdapter::Impl::on_messages(net::Request request, net::Responder respond) {
    if (!is_json_content_type(request.header("Content-Type"))) {
        reject(respond, 415, "content_type", "expected Content-Type: application/json");
        return;
    }
    const auto authorization = std::string(request.header("Authorization"));
    if (options.auth && authorization.rfind("Bearer ", 0) != 0) {
        reject(respond, 401, "unauthorized", "missing or malformed Authorization header");
        return;
    }
    if (!options.auth) {
        auto activity = parse_activity(request.body);
        if (!activity) {
            reject(respond, 400, "bad_request", activity.error().message);
            return;
        }
        process(std::move(*activity), std::move(respond));
        return;
    }
    // The token first: nothing of the body is read before it is known to come from the
    // Bot Connector. Its serviceurl claim and key endorsements are compared with the
    // activity once that is read.
    auto self = shared_from_this();
    validator->validate(
        authorization, "", "",
        [self, body = std::move(request.body), respond](Result<Claims> claims) mutable {
            if (!claims) {
                log_line(LogLevel::warn, "teams: refused an activity: " + claims.error().message);
                self->reject(respond, 401, "unauthorized", "invalid token");
                return;
            }
            auto activity = parse_activity(body);
            if (!activity) {
                self->reject(respond, 400, "bad_request", activity.error().message);
                return;
            }
            if (!claims->covers(activity->service_url, activity->channel_id)) {
                log_line(LogLevel::warn,
                         "teams: refused an activity: its serviceUrl or channel is not the "
                         "token's");
                self->reject(respond, 401, "unauthorized", "invalid token");
                return;
            }
            self->process(std::move(*activity), std::move(respond));
        });
}

bool TeamsAdapter::Impl::service_url_allowed(std::string_view service_url) const {
    const auto url = net::parse_url(service_url);
    if (!url) {
        return false;
    }
    if (url->scheme == "http" || is_loopback_host(url->host)) {
        return options.allow_loopback_service_url && !options.auth && is_loopback_host(url->host);
    }
    return std::any_of(
        options.service_url_hosts.begin(), options.service_url_hosts.end(),
        [&](const std::string& pattern) { return host_matches(url->host, pattern); });
}

void TeamsAdapter::Impl::on_webhook(net::Request request, net::Responder respond) {
    if (!is_json_content_type(request.header("Content-Type"))) {
        reject(respond, 415, "content_type", "expected Content-Type: application/json");
        return;
    }
    if (!verify_webhook_hmac(request.header("Authorization"), request.body,
                             options.webhook_security_token)) {
        reject(respond, 401, "unauthorized", "invalid HMAC");
        return;
    }
    auto activity = parse_activity(request.body);
    if (!activity) {
        reject(respond, 400, "bad_request", activity.error().message);
        return;
    }
    // The signature has no timestamp or nonce: refuse old requests (ids are deduplicated).
    const auto sent_at = parse_timestamp(activity->timestamp);
    if (!sent_at || *sent_at < clock() - kWebhookMaxAge) {
        reject(respond, 400, "stale", "missing or stale timestamp");
        return;
    }
    // Nor ones dated ahead (a signed request kept for later): a little clock skew only.
    if (*sent_at > clock() + kWebhookMaxSkew) {
        reject(respond, 400, "future", "timestamp in the future");
        return;
    }
    auto event = to_inbound_event(*activity);
    if (!event) {
        remember_conversation(*activity);
        respond(net::Response::json(200, json{{"type", "message"}, {"text", ""}}.dump()));
        return;
    }
    auto changed = changed_conversation(*activity);
    if (changed) {
        carry_ref(*event, *changed);
    }
    const auto handled = bot.handle(*event, clock());
    if (!handled) {
        respond(json_error(500, "temporarily unavailable"));
        return;
    }
    if (changed) {
        remember_saved(changed->ref.conversation_id, std::move(changed->fingerprint));
    }
    metrics.count("leernetwerk_events_total",
                  {{"platform", "teams"}, {"kind", kind_name(event->kind)}});
    // The reply travels in the response; the outbox rows it came from are marked sent.
    std::string text;
    const auto here = conversation_of(*activity).id;
    for (const auto id : handled->message_ids) {
        const auto row = store.outbox_row(id);
        if (!row || row->message.to.conversation_id != here ||
            std::holds_alternative<RosterQuery>(row->message.content)) {
            continue;  // a roster query is the dispatcher's to answer
        }
        text += (text.empty() ? "" : "\n\n") + webhook_text(row->message);
        answered_in_response(id, "webhook:" + activity->id);
    }
    respond(net::Response::json(
        200, json{{"type", "message"}, {"text", text}, {"textFormat", "markdown"}}.dump()));
    wake();
}

TeamsAdapter::TeamsAdapter(boost::asio::io_context& io, Bot& bot, Store& store,
                           net::HttpTransport& http, net::Metrics& metrics, TeamsOptions options,
                           Clock clock)
    : impl_(std::make_shared<Impl>(io, bot, store, http, metrics, std::move(options),
                                   std::move(clock))) {}

TeamsAdapter::~TeamsAdapter() {
    stop();
}

void TeamsAdapter::register_routes(net::HttpServer& server) {
    std::weak_ptr<Impl> weak = impl_;
    impl_->engine.set_depth_bound(impl_->options.max_outbox_depth);
    server.route(
        "POST", "/api/messages",
        [weak](net::Request request, net::Responder respond) {
            if (auto impl = weak.lock()) {
                impl->on_messages(std::move(request), std::move(respond));
            } else {
                respond(json_error(503, "shutting down"));
            }
        },
        impl_->options.max_body_bytes,
        [weak](const net::Request&) -> std::optional<net::Response> {
            // Back-pressure: while the bot catches up, the connector is asked to come back.
            const auto impl = weak.lock();
            const auto wait = impl ? impl->engine.busy() : std::nullopt;
            if (!wait) {
                return std::nullopt;
            }
            auto busy = json_error(503, "busy: too many replies waiting; retry later");
            busy.headers["Retry-After"] = std::to_string(wait->count());
            return busy;
        });
    if (!impl_->options.webhook_security_token.empty()) {
        server.route(
            "POST", "/api/teams-webhook",
            [weak](net::Request request, net::Responder respond) {
                if (auto impl = weak.lock()) {
                    impl->on_webhook(std::move(request), std::move(respond));
                } else {
                    respond(json_error(503, "shutting down"));
                }
            },
            impl_->options.max_body_bytes);
    }
}

void TeamsAdapter::start() {
    auto& impl = *impl_;
    if (impl.running) {
        return;
    }
    impl.running = true;
    if (!impl.options.auth) {
        log_line(LogLevel::warn,
                 "teams: inbound authentication is OFF ([teams] auth = false); "
                 "use this only for local testing");
    }
    // Rows a crash left in `sending` are sent again: at least once rather than lost.
    impl.engine.start();
}

void TeamsAdapter::stop() {
    if (impl_ && impl_->running) {
        impl_->running = false;
        impl_->engine.stop();
    }
}

void TeamsAdapter::wake() {
    impl_->wake();
}

dispatch::DeliveryHealth TeamsAdapter::delivery_health() const {
    return impl_->engine.health();
}

}  // namespace leernetwerk::teams
