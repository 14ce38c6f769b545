// `leernetwerk serve`: the HTTP server for Teams and Matrix, with /healthz, /readyz, /metrics and
// the calendar feeds, and the scheduler.
#include "app/serve.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/net/event_loop.hpp"
#include "adapters/net/http_client.hpp"
#include "adapters/net/http_server.hpp"
#include "adapters/net/metrics.hpp"
#include "adapters/teams/teams_adapter.hpp"
#include "app/backup.hpp"
#include "app/bot_setup.hpp"
#include "app/cli.hpp"
#include "app/health.hpp"
#include "app/ics.hpp"
#include "bot/features/calendar/calendar_feed.hpp"

namespace leernetwerk::app {
namespace {

/// The readiness figures as gauges, so that alerts need no JSON.
void record_readiness(net::Metrics& metrics, const ReadinessReport& report) {
    metrics.set("leernetwerk_ready", {}, report.ready ? 1 : 0);
    metrics.set("leernetwerk_database_writable", {}, report.database_writable ? 1 : 0);
    if (report.disk_free_bytes) {
        metrics.set("leernetwerk_disk_free_bytes", {},
                    static_cast<double>(*report.disk_free_bytes));
    }
    if (report.scheduler_lag_seconds) {
        metrics.set("leernetwerk_scheduler_lag_seconds", {},
                    static_cast<double>(*report.scheduler_lag_seconds));
    }
    for (const auto& platform : report.platforms) {
        metrics.set("leernetwerk_platform_unreachable_seconds", {{"platform", platform.name}},
                    static_cast<double>(platform.unreachable_seconds.value_or(0)));
    }
}

}  // namespace

int run_serve(const Config& config) {
    // One instance per database: a second serve, or a restore, waits for this one to stop.
    const auto instance = InstanceLock::acquire(config.storage.path);
    if (!instance) {
        spdlog::error(
            "the database {} is in use by another `leernetwerk serve` (its lock file "
            "{}.lock is held)",
            config.storage.path, config.storage.path);
        return kExitStartupError;
    }
    const auto store = open_bot_store(config.storage.path);
    if (!store) {
        return kExitStartupError;
    }
    // A database that can be read but not written (wrong owner, a read-only mount, a full disk)
    // would answer every message with 500: say so now, naming the file.
    if (const auto error = probe_write(
            *store, date::floor<std::chrono::seconds>(std::chrono::system_clock::now()))) {
        spdlog::error(
            "the database {} cannot be written: {} (check that the service's user owns "
            "it and its directory, with the -wal and -shm files beside it, and that "
            "the disk is not full)",
            config.storage.path, *error);
        return kExitStartupError;
    }
    auto settings = bot_settings_for(config, config.storage.path, *store);
    if (!settings) {
        return kExitStartupError;
    }
    Bot bot(*store, std::move(*settings));

    net::EventLoop loop;
    net::Metrics metrics;
    net::ServerOptions server_options;
    server_options.default_body_limit = config.server.max_body_bytes;
    server_options.read_timeout = std::chrono::seconds(config.server.read_timeout_seconds);
    server_options.header_timeout = std::chrono::seconds(config.server.header_timeout_seconds);
    server_options.idle_timeout = std::chrono::seconds(config.server.idle_timeout_seconds);
    server_options.max_connections = config.server.max_connections;
    server_options.max_connections_per_address = config.server.max_connections_per_address;
    server_options.probe_reserve = config.server.probe_reserve;
    net::HttpServer server(loop.io(), server_options);
    net::HttpClient client(loop.io());

    metrics.describe("leernetwerk_http_requests_total", "counter",
                     "HTTP requests answered, by route, method and status");
    metrics.describe("leernetwerk_http_request_seconds", "histogram",
                     "Time to answer HTTP requests, by route");
    metrics.describe("leernetwerk_outbox_depth", "gauge",
                     "Outbox messages waiting to be sent (pending or sending), by platform");
    metrics.describe("leernetwerk_ready", "gauge", "1 when /readyz says ready, else 0");
    metrics.describe("leernetwerk_database_writable", "gauge",
                     "1 when a write to the database succeeded (checked at most every 5 s)");
    metrics.describe("leernetwerk_disk_free_bytes", "gauge",
                     "Free space on the disk that holds the database");
    metrics.describe("leernetwerk_scheduler_lag_seconds", "gauge",
                     "How late the earliest due scheduler job is (0: on time)");
    metrics.describe("leernetwerk_platform_unreachable_seconds", "gauge",
                     "How long a platform has not answered the dispatcher at all, by platform "
                     "(0: it answers)");
    metrics.describe("leernetwerk_reminders_total", "counter",
                     "Reminder occurrences since start, by result (sent; dropped: too late; "
                     "skipped: nothing to remind of; deferred: moved out of quiet hours)");
    metrics.describe("leernetwerk_jobs_failed_total", "counter",
                     "Scheduler jobs given up after a defect since start");
    metrics.describe("leernetwerk_http_connections_open", "gauge", "Open HTTP connections");
    metrics.describe("leernetwerk_http_connections_refused", "gauge",
                     "HTTP connections closed at accept since start: over the global or the "
                     "per-address cap");
    metrics.describe("leernetwerk_http_connections_evicted", "gauge",
                     "Idle keep-alive HTTP connections closed since start to make room");
    server.set_observer({[&metrics](std::string_view route, std::string_view method, int status,
                                    std::chrono::microseconds elapsed) {
        const std::string route_label = route.empty() ? "unmatched" : std::string(route);
        metrics.count("leernetwerk_http_requests_total", {{"route", route_label},
                                                          {"method", std::string(method)},
                                                          {"status", std::to_string(status)}});
        metrics.observe("leernetwerk_http_request_seconds", {{"route", route_label}}, elapsed);
    }});
    server.route("GET", "/healthz", [&store](net::Request, net::Responder respond) {
        try {
            store->outbox_depth(Platform::teams);  // the database answers
            respond(net::Response::json(200, R"({"status":"ok"})"));
        } catch (const StoreError&) {
            respond(net::Response::json(503, R"({"status":"database unavailable"})"));
        }
    });
    // Secret calendar feeds (`agenda-link`): an unknown, malformed or revoked token gets the same
    // empty 404 (one hash lookup each), so the answer tells nothing about which tokens exist.
    const std::string uid_domain = ics_uid_domain(config.matrix.user_id, config.bot.name);
    server.route_prefix(
        "GET", "/ics/",
        [&store, &config, uid_domain](net::Request request, net::Responder respond) {
            std::optional<std::string> body;
            try {
                body = calendar_feed_body(
                    *store, calendar_feed_token_from_path(request.path), config.bot.time_zone,
                    uid_domain,
                    date::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
            } catch (const StoreError& error) {
                spdlog::warn("calendar feed: the database failed: {}", error.what());
                respond(net::Response::text(503, ""));
                return;
            }
            if (!body) {
                auto not_found = net::Response::text(404, "");
                not_found.headers["Cache-Control"] = "no-store";
                respond(std::move(not_found));
                return;
            }
            auto response = net::Response::text(200, std::move(*body));
            response.content_type = "text/calendar; charset=utf-8";
            response.headers["Cache-Control"] = "private, max-age=300";
            respond(std::move(response));
        });
    // Readiness needs the adapters; it is made once they are (below).
    std::unique_ptr<Readiness> readiness;
    server.route("GET", "/readyz", [&readiness](net::Request, net::Responder respond) {
        const auto report = readiness->check(std::chrono::system_clock::now());
        respond(net::Response::json(report.ready ? 200 : 503, report.json()));
    });
    server.route(
        "GET", "/metrics",
        [&store, &metrics, &readiness, &server, &bot](net::Request, net::Responder respond) {
            record_readiness(metrics, readiness->check(std::chrono::system_clock::now()));
            const auto& counts = bot.scheduler_counts();
            for (const auto& [result, value] : {std::pair{"sent", counts.reminders_sent},
                                                std::pair{"dropped", counts.reminders_dropped},
                                                std::pair{"skipped", counts.reminders_skipped},
                                                std::pair{"deferred", counts.reminders_deferred}}) {
                metrics.set("leernetwerk_reminders_total", {{"result", result}},
                            static_cast<double>(value));
            }
            metrics.set("leernetwerk_jobs_failed_total", {},
                        static_cast<double>(counts.jobs_failed));
            const auto connections = server.stats();
            metrics.set("leernetwerk_http_connections_open", {},
                        static_cast<double>(connections.open_connections));
            metrics.set("leernetwerk_http_connections_refused", {},
                        static_cast<double>(connections.refused_connections));
            metrics.set("leernetwerk_http_connections_evicted", {},
                        static_cast<double>(connections.evicted_connections));
            for (const auto platform : {Platform::teams, Platform::matrix}) {
                try {
                    metrics.set("leernetwerk_outbox_depth",
                                {{"platform", std::string(platform_code(platform))}},
                                store->outbox_depth(platform));
                } catch (const StoreError&) {
                }
            }
            auto response = net::Response::text(200, metrics.render());
            response.content_type = "text/plain; version=0.0.4; charset=utf-8";
            respond(std::move(response));
        });

    std::unique_ptr<teams::TeamsAdapter> teams_adapter;
    if (config.teams.enabled) {
        teams::TeamsOptions options;
        options.app_id = config.teams.app_id;
        options.app_password = config.teams.app_password.value;
        options.tenant_id = config.teams.tenant_id;
        options.auth = config.teams.auth;
        options.allow_loopback_service_url = !config.teams.auth;
        options.service_url_hosts = config.teams.service_url_hosts;
        options.webhook_security_token = config.teams.webhook_security_token.value;
        options.time_zone = config.bot.time_zone;
        options.max_body_bytes = config.server.max_body_bytes;
        options.max_outbox_depth = config.server.max_outbox_depth;
        options.auth_settings.openid_metadata_url = config.teams.openid_metadata_url;
        teams_adapter = std::make_unique<teams::TeamsAdapter>(loop.io(), bot, *store, client,
                                                              metrics, std::move(options));
        teams_adapter->register_routes(server);
    }
    std::unique_ptr<matrix::MatrixAdapter> matrix_adapter;
    if (config.matrix.enabled) {
        matrix::MatrixOptions options;
        options.homeserver_url = config.matrix.homeserver_url;
        options.user_id = config.matrix.user_id;
        options.display_name = config.bot.name;
        options.as_token = config.matrix.as_token.value;
        options.hs_token = config.matrix.hs_token.value;
        if (config.matrix.mode == MatrixMode::bot) {
            // A bot account on a hosted homeserver: /sync with the access token, no routes.
            options.mode = matrix::ConnectionMode::bot;
            options.access_token = config.matrix.access_token.value;
            spdlog::info("matrix: bot-account mode as {}", config.matrix.user_id);
        }
        options.allowed_inviters = config.matrix.allowed_inviters;
        options.max_body_bytes = config.server.max_body_bytes;  // [server] applies to every route
        options.max_outbox_depth = config.server.max_outbox_depth;
        matrix_adapter = std::make_unique<matrix::MatrixAdapter>(loop.io(), bot, *store, client,
                                                                 metrics, std::move(options));
        matrix_adapter->register_routes(server);
    }
    if (!teams_adapter && !matrix_adapter) {
        spdlog::warn(
            "no platform is enabled in the configuration ([teams] or [matrix] enabled = "
            "true): only /healthz and /metrics are served");
    }

    std::vector<PlatformProbe> probes;
    if (teams_adapter) {
        probes.push_back({"teams", [&teams_adapter] { return teams_adapter->delivery_health(); }});
    }
    if (matrix_adapter) {
        probes.push_back(
            {"matrix", [&matrix_adapter] { return matrix_adapter->delivery_health(); }});
    }
    ReadinessOptions readiness_options;
    readiness_options.database_path = config.storage.path;
    readiness_options.min_free_disk_mb = config.server.min_free_disk_mb;
    readiness = std::make_unique<Readiness>(
        *store, readiness_options, [&bot] { return bot.next_due(); }, std::move(probes));

    std::uint16_t port = 0;
    try {
        port = server.listen(config.server.address, static_cast<std::uint16_t>(config.server.port));
    } catch (const std::exception& error) {
        spdlog::error("{}", error.what());
        return kExitStartupError;
    }
    spdlog::info("listening on {}:{}", config.server.address, port);
    if (teams_adapter) {
        teams_adapter->start();
    }
    if (matrix_adapter) {
        matrix_adapter->start();
    }
    // The scheduler: a wall-clock alarm at the next job's time (and at least hourly, should the
    // clock be changed under us); events that schedule something sooner move it forward. What
    // the jobs queue is picked up by the dispatchers.
    // After a database failure (e.g. locked by a command-line tool) it waits a few seconds.
    const auto arm_scheduler = [&](bool failed) {
        const auto now = std::chrono::system_clock::now();
        const auto earliest = now + (failed ? std::chrono::seconds(5) : std::chrono::seconds(0));
        auto when = now + std::chrono::hours(1);
        if (const auto next = bot.next_due(); next && *next < when) {
            when = std::max<std::chrono::system_clock::time_point>(*next, earliest);
        }
        loop.set_alarm(when);
    };
    loop.set_alarm_handler([&] {
        const auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        const auto run = run_due_jobs(bot, now);
        if (run.ran > 0) {
            if (teams_adapter) {
                teams_adapter->wake();
            }
            if (matrix_adapter) {
                matrix_adapter->wake();
            }
        }
        arm_scheduler(run.failed);
    });
    bot.set_after_commit([&] {
        const auto next = bot.next_due();
        const auto alarm = loop.alarm();
        if (next && (!alarm || *next < *alarm)) {
            loop.set_alarm(std::max<std::chrono::system_clock::time_point>(
                *next, std::chrono::system_clock::now()));
        }
    });
    if (const auto changed =
            bot.reschedule_all(date::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
        changed && *changed > 0) {
        spdlog::info("reminders: {} job(s) brought in line with the rules and settings", *changed);
    }
    arm_scheduler(false);
    loop.on_stop_signal([&] {
        spdlog::info("stopping");
        server.stop();
        if (teams_adapter) {
            teams_adapter->stop();
        }
        if (matrix_adapter) {
            matrix_adapter->stop();
        }
        loop.stop();
    });
    loop.run();
    return 0;
}

}  // namespace leernetwerk::app
