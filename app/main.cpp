// The `leernetwerk` executable: the composition root, and the only place that sees every layer.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <set>
#include <random>

#include <fcntl.h>
#include <unistd.h>
#include <optional>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "adapters/console/console.hpp"
#include "adapters/matrix/matrix_adapter.hpp"
#include "adapters/net/event_loop.hpp"
#include "adapters/net/http_client.hpp"
#include "adapters/net/http_server.hpp"
#include "adapters/net/metrics.hpp"
#include "adapters/teams/teams_adapter.hpp"
#include "app/backup.hpp"
#include "app/config.hpp"
#include "app/demo.hpp"
#include "app/health.hpp"
#include "app/json_log.hpp"
#include "app/ics.hpp"
#include "app/matrix_registration.hpp"
#include "app/teams_package.hpp"
#include "app/xlsx.hpp"
#include "bot/engine/bot.hpp"
#include "bot/features/calendar/calendar_feed.hpp"
#include "bot/features/knowledge/knowledge.hpp"
#include "bot/vocab/log.hpp"
#include "bot/features/polls/polls.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

using namespace leernetwerk;

constexpr int kExitConfigError = 2;
constexpr int kExitStartupError = 1;

/// The configuration from --config, or the defaults when no file was named.
std::optional<app::Config> load(const std::string& path) {
    if (path.empty()) {
        return app::Config{};
    }
    auto config = app::load_config_file(path);
    if (!config) {
        for (const auto& error : config.error()) {
            std::cerr << error.to_string() << "\n";
        }
        return std::nullopt;
    }
    return *config;
}

void setup_logging(app::LogLevel level, app::LogFormat format) {
    if (format == app::LogFormat::json) {
        auto logger = std::make_shared<spdlog::logger>("leernetwerk", app::json_stderr_sink());
        spdlog::set_default_logger(logger);
    } else {
        auto logger = spdlog::stderr_color_mt("leernetwerk");
        spdlog::set_default_logger(logger);
        spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    }
    static constexpr spdlog::level::level_enum kLevels[] = {
        spdlog::level::trace, spdlog::level::debug, spdlog::level::info,
        spdlog::level::warn,  spdlog::level::err,   spdlog::level::off};
    spdlog::set_level(kLevels[static_cast<int>(level)]);
    set_log_sink([](LogLevel core_level, std::string_view text) {
        static constexpr spdlog::level::level_enum kCoreLevels[] = {
            spdlog::level::trace, spdlog::level::debug, spdlog::level::info, spdlog::level::warn,
            spdlog::level::err};
        spdlog::log(kCoreLevels[static_cast<int>(core_level)], "{}", text);
    });
}

BotSettings bot_settings(const app::Config& config) {
    BotSettings settings;
    settings.default_language = config.bot.language;
    settings.default_time_zone = config.bot.time_zone;
    settings.bot_name = config.bot.name;
    settings.send_window = app::send_window_for(config.reminders);
    settings.min_anonymous_respondents = config.bot.min_anonymous_respondents;
    settings.public_url = config.server.public_url;
    settings.questions.route_count = config.questions.route_count;
    settings.questions.follow_up_school_days = config.questions.follow_up_school_days;
    settings.questions.escalation_school_days = config.questions.escalation_school_days;
    settings.questions.consent_ttl = std::chrono::days{config.questions.consent_days};
    return settings;
}

/// Adds the holidays stored by `import-vakanties` to those of the configuration.
void add_imported_holidays(Store& store, SendWindow& window) {
    const auto imported = decode_holidays(store.adapter_state(kImportedHolidaysKey).value_or(""));
    window.holidays.insert(window.holidays.end(), imported.begin(), imported.end());
    window.holiday_calendar = window.holiday_calendar || !imported.empty();
}

/// The check-config warning when the known school holidays end within kHolidayWarningDays.
std::string holiday_warning(const SendWindow& window, const std::string& zone) {
    const auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto today = date::floor<date::days>(to_local(now, zone).value_or(LocalTime{}));
    if (!holidays_run_out_soon(window, today)) {
        return "";
    }
    return "reminders: warning: school holidays are known only until " +
           format_day(*holidays_known_until(window), Lang::en) +
           "; after that, reminders may go out in a holiday. Add the next school year's dates "
           "with `leernetwerk import-vakanties --file X.ics` or [[reminders.holiday]]";
}

/// The poll key file of a database when no [polls] secret is set: `<database>.poll-key`.
std::filesystem::path poll_key_path(const std::string& database) {
    return database + ".poll-key";
}

/// An existing poll key file: its key, or what is wrong with it.
struct PollKeyFile {
    std::string key;
    std::string problem;  ///< empty when the key can be used
    std::string warning;  ///< e.g. readable by others; the key can still be used
};

PollKeyFile read_poll_key_file(const std::filesystem::path& path) {
    PollKeyFile file;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        file.problem = "cannot be read";
        return file;
    }
    file.key.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) {
        file.problem = "cannot be read";
        return file;
    }
    while (!file.key.empty() && (file.key.back() == '\n' || file.key.back() == '\r')) {
        file.key.pop_back();
    }
    if (file.key.size() < 16) {
        file.problem = "holds " + std::to_string(file.key.size()) +
                       " characters, fewer than 16 (empty or cut short); restore it from the "
                       "backup of the database";
        return file;
    }
    std::error_code error;
    const auto permissions = std::filesystem::status(path, error).permissions();
    using std::filesystem::perms;
    if (!error && (permissions & (perms::group_all | perms::others_all)) != perms::none) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(permissions) & 0777U);
        file.warning = std::string("can be read by others than its owner (mode ") + mode +
                       "): whoever reads it with the database can tell who gave an anonymous "
                       "answer; make it private with chmod 600";
    }
    return file;
}

/// The key of poll respondent tokens: [polls] secret, else a key file next to the database
/// (`<database>.poll-key`, mode 0600), made with random bytes the first time. Never inside the
/// database, so the database alone cannot tie an anonymous answer to anyone. Empty for an
/// in-memory database (a key for the process only); nullopt after logging why it failed. A new
/// key is not made while polls are open: their answers so far were stored under the old one, and
/// with another key everyone could answer them again.
std::optional<std::string> poll_secret(const app::Config& config, const std::string& database,
                                       Store& store) {
    if (config.polls.secret.is_set()) {
        return config.polls.secret.value;
    }
    if (database == ":memory:") {
        return std::string();
    }
    const std::filesystem::path path = poll_key_path(database);
    if (std::filesystem::exists(path)) {
        auto file = read_poll_key_file(path);
        if (!file.problem.empty()) {
            spdlog::error("the poll key file {} {} (or set [polls] secret_file)", path.string(),
                          file.problem);
            return std::nullopt;
        }
        if (!file.warning.empty()) {
            spdlog::warn("the poll key file {} {}", path.string(), file.warning);
        }
        return std::move(file.key);
    }
    if (const auto open = store.open_polls().size(); open > 0) {
        spdlog::error(
            "the poll key file {} is missing while {} poll(s) are open: their answers so far "
            "cannot be recognised without it, and members could answer twice; restore the file "
            "from the backup of the database (or set [polls] secret_file)",
            path.string(), open);
        return std::nullopt;
    }
    std::random_device random;
    std::string key;
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 64; ++i) {
        key += kHex[random() % 16];
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || ::write(fd, key.data(), key.size()) != static_cast<ssize_t>(key.size())) {
        if (fd >= 0) {
            ::close(fd);
        }
        spdlog::error("cannot create the poll key file {}", path.string());
        return std::nullopt;
    }
    ::close(fd);
    spdlog::info(
        "created the poll key file {} (keep it with the database's backups, apart "
        "from them)",
        path.string());
    return key;
}

/// Reads "2026-12-02 09:00" (local time in `zone`) for --now.
std::optional<Instant> parse_now(const std::string& text, const std::string& zone) {
    const auto today = date::floor<date::days>(
        to_local(date::floor<std::chrono::seconds>(std::chrono::system_clock::now()), zone)
            .value_or(LocalTime{}));
    const auto when = parse_when(text, today);
    if (!when || when->kind == When::Kind::week) {
        return std::nullopt;
    }
    const auto zoned = to_instant(when->local(), zone);
    if (!zoned) {
        return std::nullopt;
    }
    return zoned->instant;
}

struct DueRun {
    int ran = 0;
    bool failed = false;  ///< the database failed: try again a little later
};

/// Runs every job due at `now`, in batches.
DueRun run_due_jobs(Bot& bot, Instant now) {
    DueRun run;
    for (;;) {
        const auto ran = bot.tick(now);
        if (!ran) {
            spdlog::error("scheduler: {}", ran.error().message);
            run.failed = true;
            return run;
        }
        run.ran += *ran;
        if (*ran == 0) {
            return run;
        }
    }
}

int run_console(const app::Config& config, bool demo, const std::string& db_override,
                const std::string& now_text) {
    std::string path = config.storage.path;
    if (!db_override.empty()) {
        path = db_override;
    } else if (demo) {
        path = "data/demo.db";  // the demo never writes into the real database
    }
    auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (!now_text.empty()) {
        const auto parsed = parse_now(now_text, config.bot.time_zone);
        if (!parsed) {
            std::cerr << "--now: expected a local date and time like \"2026-12-02 09:00\", got \""
                      << now_text << "\"\n";
            return kExitConfigError;
        }
        now = *parsed;
    }
    std::unique_ptr<storage::SqliteStore> store;
    try {
        store = storage::SqliteStore::open(path);
    } catch (const StoreError& error) {
        spdlog::error("cannot open the database: {}", error.what());
        return kExitStartupError;
    }
    spdlog::info("database {} (schema version {})", path, store->user_version());
    auto settings = bot_settings(config);
    add_imported_holidays(*store, settings.send_window);
    const auto secret = poll_secret(config, path, *store);
    if (!secret) {
        return kExitStartupError;
    }
    settings.poll_secret = *secret;
    Bot bot(*store, std::move(settings));
    console::ConsoleSession session(bot, *store, std::cout, now);
    if (demo) {
        const auto seeded = app::seed_demo(*store, now, config.bot.time_zone);
        if (const auto facilitator = store->member(seeded.facilitator_id)) {
            session.speak_as(facilitator->display_name);
        }
        std::cout
            << "# Leernetwerk bot — demo: HSN-café Feedback die werkt. Je spreekt als Marieke "
               "Jansen (organisator).\n"
               "# Typ 'hulp'. '/als Anna' wisselt van lid, '/tijd +2d' verzet de klok, "
               "'/prive' en '/groep' wisselen van gesprek, '/stop' stopt.\n";
    }
    // Rules and settings may have changed since the last run; then whatever fell due while the
    // console was closed goes out first.
    if (const auto changed = bot.reschedule_all(now); !changed) {
        spdlog::error("reminders: {}", changed.error().message);
    }
    run_due_jobs(bot, now);
    session.run(std::cin);
    return 0;
}

/// The readiness figures as gauges, so that alerts need no JSON.
void record_readiness(net::Metrics& metrics, const app::ReadinessReport& report) {
    metrics.set("leernetwerk_ready", {}, report.ready ? 1 : 0);
    metrics.set("leernetwerk_database_writable", {}, report.database_writable ? 1 : 0);
    if (report.disk_free_bytes) {
        metrics.set("leernetwerk_disk_free_bytes", {}, static_cast<double>(*report.disk_free_bytes));
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

/// /healthz, /readyz, /metrics and the platform routes on one server; the scheduler wakes when a
/// job is due.
int run_serve(const app::Config& config) {
    // One instance per database: a second serve, or a restore, waits for this one to stop.
    const auto instance = app::InstanceLock::acquire(config.storage.path);
    if (!instance) {
        spdlog::error("the database {} is in use by another `leernetwerk serve` (its lock file "
                      "{}.lock is held)",
                      config.storage.path, config.storage.path);
        return kExitStartupError;
    }
    std::unique_ptr<storage::SqliteStore> store;
    try {
        store = storage::SqliteStore::open(config.storage.path);
    } catch (const StoreError& error) {
        spdlog::error("cannot open the database: {}", error.what());
        return kExitStartupError;
    }
    spdlog::info("database {} (schema version {})", config.storage.path, store->user_version());
    // A database that can be read but not written (wrong owner, a read-only mount, a full disk)
    // would answer every message with 500: say so now, naming the file.
    if (const auto error = app::probe_write(
            *store, date::floor<std::chrono::seconds>(std::chrono::system_clock::now()))) {
        spdlog::error("the database {} cannot be written: {} (check that the service's user owns "
                      "it and its directory, with the -wal and -shm files beside it, and that "
                      "the disk is not full)",
                      config.storage.path, *error);
        return kExitStartupError;
    }
    auto settings = bot_settings(config);
    add_imported_holidays(*store, settings.send_window);
    const auto secret = poll_secret(config, config.storage.path, *store);
    if (!secret) {
        return kExitStartupError;
    }
    settings.poll_secret = *secret;
    Bot bot(*store, std::move(settings));

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
    const std::string uid_domain = app::ics_uid_domain(config.matrix.user_id, config.bot.name);
    server.route_prefix(
        "GET", "/ics/",
        [&store, &config, uid_domain](net::Request request, net::Responder respond) {
            std::optional<std::string> body;
            try {
                body = app::calendar_feed_body(
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
    std::unique_ptr<app::Readiness> readiness;
    server.route("GET", "/readyz", [&readiness](net::Request, net::Responder respond) {
        const auto report = readiness->check(std::chrono::system_clock::now());
        respond(net::Response::json(report.ready ? 200 : 503, report.json()));
    });
    server.route("GET", "/metrics", [&store, &metrics, &readiness, &server, &bot](
                                        net::Request, net::Responder respond) {
        record_readiness(metrics, readiness->check(std::chrono::system_clock::now()));
        const auto& counts = bot.scheduler_counts();
        for (const auto& [result, value] :
             {std::pair{"sent", counts.reminders_sent}, std::pair{"dropped", counts.reminders_dropped},
              std::pair{"skipped", counts.reminders_skipped},
              std::pair{"deferred", counts.reminders_deferred}}) {
            metrics.set("leernetwerk_reminders_total", {{"result", result}},
                        static_cast<double>(value));
        }
        metrics.set("leernetwerk_jobs_failed_total", {}, static_cast<double>(counts.jobs_failed));
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
        if (config.matrix.mode == app::MatrixMode::bot) {
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

    std::vector<app::PlatformProbe> probes;
    if (teams_adapter) {
        probes.push_back({"teams", [&teams_adapter] { return teams_adapter->delivery_health(); }});
    }
    if (matrix_adapter) {
        probes.push_back(
            {"matrix", [&matrix_adapter] { return matrix_adapter->delivery_health(); }});
    }
    app::ReadinessOptions readiness_options;
    readiness_options.database_path = config.storage.path;
    readiness_options.min_free_disk_mb = config.server.min_free_disk_mb;
    readiness = std::make_unique<app::Readiness>(
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

std::unique_ptr<storage::SqliteStore> open_store(const std::string& path);

int run_check_config(const std::string& path) {
    auto config = app::load_config_file(path);
    if (!config) {
        for (const auto& error : config.error()) {
            std::cerr << error.to_string() << "\n";
        }
        std::cerr << path << ": " << config.error().size() << " problem(s)\n";
        return kExitConfigError;
    }
    // The poll key file next to the database (when no [polls] secret is set) is part of the
    // configuration: a server that would refuse to start on it is reported here already.
    if (!config->polls.secret.is_set() && config->storage.path != ":memory:") {
        const auto key_path = poll_key_path(config->storage.path);
        if (std::filesystem::exists(key_path)) {
            const auto file = read_poll_key_file(key_path);
            if (!file.problem.empty()) {
                std::cerr << path << ": polls.secret: not set, and the poll key file "
                          << key_path.string() << " " << file.problem << "\n";
                std::cerr << path << ": 1 problem(s)\n";
                return kExitConfigError;
            }
            if (!file.warning.empty()) {
                std::cerr << path << ": polls.secret: warning: the poll key file "
                          << key_path.string() << " " << file.warning << "\n";
            }
        }
    }
    // Secret files others can read: still usable, but anyone on the machine could act as the bot.
    const std::pair<const char*, const app::Secret*> secrets[] = {
        {"teams.app_password_file", &config->teams.app_password},
        {"teams.webhook_security_token_file", &config->teams.webhook_security_token},
        {"matrix.as_token_file", &config->matrix.as_token},
        {"matrix.hs_token_file", &config->matrix.hs_token},
        {"matrix.access_token_file", &config->matrix.access_token},
        {"polls.secret_file", &config->polls.secret}};
    for (const auto& [key, secret] : secrets) {
        if (secret->source != app::Secret::Source::file) {
            continue;
        }
        std::error_code error;
        const auto permissions = std::filesystem::status(secret->origin, error).permissions();
        using std::filesystem::perms;
        if (!error && (permissions & (perms::group_all | perms::others_all)) != perms::none) {
            char mode[8];
            std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(permissions) & 0777U);
            std::cerr << path << ": " << key << ": warning: " << secret->origin
                      << " can be read by others than its owner (mode " << mode
                      << "); make it private with chmod 600\n";
        }
    }
    auto window = app::send_window_for(config->reminders);
    if (config->storage.path != ":memory:" && std::filesystem::exists(config->storage.path)) {
        if (const auto store = open_store(config->storage.path)) {
            add_imported_holidays(*store, window);
        }
    }
    if (const auto warning = holiday_warning(window, config->bot.time_zone); !warning.empty()) {
        std::cerr << path << ": " << warning << "\n";
    }
    std::cout << path << ": OK\n" << app::describe_config(*config);
    return 0;
}

/// Writes the Teams app package for `host` from the config's [teams] app_id and [bot] name.
int run_teams_package(const std::string& path, const std::string& host, const std::string& out) {
    const auto config = load(path);
    if (!config) {
        return kExitConfigError;
    }
    const app::TeamsPackageInput input{config->teams.app_id, config->bot.name, host,
                                       LEERNETWERK_VERSION};
    if (const auto written = app::write_teams_package(input, out); !written) {
        const auto& error = written.error();
        // Configuration keys are named with their file, like check-config does.
        std::cerr << (error.key.starts_with("--") ? "" : path + ": ") << error.to_string() << "\n";
        return kExitConfigError;
    }
    std::cout << "wrote " << out << " (app " << input.app_id << ", host " << host
              << "): upload it in Teams under Apps > Manage your apps > Upload an app\n";
    return 0;
}

/// Writes the appservice registration and token files for the config's [matrix] user_id.
int run_matrix_registration(const std::string& path, const std::string& url,
                            const std::string& out_dir, bool force) {
    const auto config = load(path);
    if (!config) {
        return kExitConfigError;
    }
    app::MatrixRegistrationInput input;
    input.user_id = config->matrix.user_id;
    input.url = url;
    input.as_token = config->matrix.as_token.value;
    input.hs_token = config->matrix.hs_token.value;
    input.out_dir = out_dir;
    input.force = force;
    const auto written = app::write_matrix_registration(std::move(input));
    if (!written) {
        std::cerr << path << ": " << written.error() << "\n";
        return kExitConfigError;
    }
    std::cout << "wrote " << written->registration << ", " << written->as_token << " and "
              << written->hs_token << " (mode 0600"
              << (written->generated_tokens ? ", new random tokens" : ", tokens from the config")
              << ").\nGive the registration to the homeserver (Synapse: app_service_config_files) "
                 "and point [matrix] as_token_file and hs_token_file at the token files.\n";
    return 0;
}

// ---- iCalendar: export-ics and import-cafeweken ----------------------------------------------

/// The database of the calendar commands, chosen as `console` chooses it.
std::string calendar_database(const app::Config& config, bool demo, const std::string& db) {
    if (!db.empty()) {
        return db;
    }
    return demo ? "data/demo.db" : config.storage.path;
}

std::unique_ptr<storage::SqliteStore> open_store(const std::string& path) {
    try {
        return storage::SqliteStore::open(path);
    } catch (const StoreError& error) {
        std::cerr << "cannot open the database: " << error.what() << "\n";
        return nullptr;
    }
}

std::string week_list(const std::vector<CafeWeek>& weeks) {
    std::string result;
    for (const auto& week : weeks) {
        result += (result.empty() ? "" : ", ") + std::to_string(week.iso_week);
    }
    return result.empty() ? "none" : result;
}

/// Writes a network's meetings as an iCalendar file, to stdout for "-".
int run_export_ics(const app::Config& config, const std::string& database,
                   const std::string& network_name, const std::string& output) {
    // Opening creates a database; an export from a mistyped path should say so instead.
    if (!std::filesystem::exists(database)) {
        std::cerr << "no database at " << database
                  << " (name one with --db, or with [storage] path in --config)\n";
        return kExitConfigError;
    }
    const auto store = open_store(database);
    if (!store) {
        return kExitStartupError;
    }
    const auto network = store->find_network_by_name(network_name);
    if (!network) {
        std::cerr << "unknown network \"" << network_name << "\" in " << database;
        const auto known = store->networks();
        if (known.empty()) {
            std::cerr << ": it has no networks yet\n";
        } else {
            std::cerr << "; known networks:\n";
            for (const auto& other : known) {
                std::cerr << "  " << other.name << "\n";
            }
        }
        return kExitConfigError;
    }
    const std::string zone = network->time_zone.empty() ? config.bot.time_zone : network->time_zone;
    const auto meetings = store->meetings_of(network->id);
    const auto ics = app::meetings_to_ics(
        *network, meetings, zone, app::ics_uid_domain(config.matrix.user_id, config.bot.name),
        date::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    if (!ics) {
        std::cerr << "network \"" << network->name << "\": " << ics.error().message << "\n";
        return kExitConfigError;
    }
    if (output == "-") {
        std::cout << *ics << std::flush;
        return 0;
    }
    std::ofstream out(output, std::ios::binary);
    out << *ics;
    out.close();
    if (!out) {
        std::cerr << "cannot write " << output << "\n";
        return kExitStartupError;
    }
    std::cout << "wrote " << output << ": " << meetings.size() << " meeting(s) of " << network->name
              << " (time zone " << zone << ")\n";
    return 0;
}

// ---- knowledge base: export-knowledge and harvest ------------------------------------------

/// The store and the named network of a document command; prints why not and sets `exit_code`
/// when there is none.
struct DocumentSource {
    std::unique_ptr<storage::SqliteStore> store;
    std::optional<Network> network;
    int exit_code = 0;
};

DocumentSource open_document_source(const std::string& database, const std::string& network_name) {
    DocumentSource source;
    // Opening creates a database; an export from a mistyped path should say so instead.
    if (!std::filesystem::exists(database)) {
        std::cerr << "no database at " << database
                  << " (name one with --db, or with [storage] path in --config)\n";
        source.exit_code = kExitConfigError;
        return source;
    }
    source.store = open_store(database);
    if (!source.store) {
        source.exit_code = kExitStartupError;
        return source;
    }
    source.network = source.store->find_network_by_name(network_name);
    if (!source.network) {
        std::cerr << "unknown network \"" << network_name << "\" in " << database;
        const auto known = source.store->networks();
        if (known.empty()) {
            std::cerr << ": it has no networks yet\n";
        } else {
            std::cerr << "; known networks:\n";
            for (const auto& other : known) {
                std::cerr << "  " << other.name << "\n";
            }
        }
        source.exit_code = kExitConfigError;
    }
    return source;
}

/// Writes a document to a file, or to stdout for "-".
int write_document(const std::string& document, const std::string& output,
                   const std::string& what) {
    if (output == "-") {
        std::cout << document << std::flush;
        return 0;
    }
    std::ofstream out(output, std::ios::binary);
    out << document;
    out.close();
    if (!out) {
        std::cerr << "cannot write " << output << "\n";
        return kExitStartupError;
    }
    std::cout << "wrote " << output << ": " << what << "\n";
    return 0;
}

/// Writes tables as a spreadsheet file (never to stdout: an .xlsx is binary).
int write_spreadsheet(const std::vector<Table>& tables, const std::string& output,
                      const std::string& what) {
    if (const auto written = app::write_xlsx(tables, output); !written) {
        std::cerr << written.error().message << "\n";
        return kExitStartupError;
    }
    std::cout << "wrote " << output << ": " << what << "\n";
    return 0;
}

/// Whether an export may be written as `format` to `output`; says why not.
bool export_format_ok(const std::string& format, const std::string& output,
                      const std::string& formats = "csv or xlsx") {
    if (format != "csv" && format != "xlsx" && format != "md") {
        std::cerr << "--format must be " << formats << ", not \"" << format << "\"\n";
        return false;
    }
    if (format == "md" && formats.find("md") == std::string::npos) {
        std::cerr << "--format must be " << formats << ", not \"" << format << "\"\n";
        return false;
    }
    if (format == "xlsx" && (output.empty() || output == "-")) {
        std::cerr << "an .xlsx spreadsheet is a binary file: name it with --to FILE.xlsx "
                     "(only csv can go to stdout)\n";
        return false;
    }
    return true;
}

/// Writes a poll's results as CSV or a spreadsheet (aggregates; named answers only for named
/// polls). Poll numbers
/// are per network, as members see them: the network is named too.
int run_export_poll(const app::Config& config, const std::string& database,
                    const std::string& network_name, int poll_number, const std::string& format,
                    const std::string& output) {
    if (!export_format_ok(format, output)) {
        return kExitConfigError;
    }
    const auto source = open_document_source(database, network_name);
    if (!source.network) {
        return source.exit_code;
    }
    const auto poll = source.store->poll_by_number(source.network->id, poll_number);
    if (!poll) {
        std::cerr << source.network->name << " has no poll " << poll_number << " in " << database
                  << "\n";
        return kExitConfigError;
    }
    const auto exported = poll_results_csv(*source.store, poll->id, config.bot.language,
                                           config.bot.min_anonymous_respondents);
    if (!exported.csv) {
        if (exported.error == PollExportError::not_closed) {
            std::cerr << "poll " << poll_number << " is anonymous and still open; its results, and "
                      << "their export, come after it closes\n";
            return kExitConfigError;
        }
        std::cerr << "poll " << poll_number
                  << " is anonymous and has fewer answers than its minimum; "
                  << "there is nothing to export without making someone recognisable\n";
        return kExitConfigError;
    }
    const auto what =
        "the results of poll " + std::to_string(poll_number) + " of " + source.network->name;
    if (format == "xlsx") {
        return write_spreadsheet(exported.tables, output, what);
    }
    return write_document(*exported.csv, output, what);
}

/// Writes a network's knowledge base (every entry, archived ones marked) as Markdown, CSV or a
/// spreadsheet.
int run_export_knowledge(const app::Config& config, const std::string& database,
                         const std::string& network_name, const std::string& format,
                         const std::string& output) {
    if (!export_format_ok(format, output, "md, csv or xlsx")) {
        return kExitConfigError;
    }
    auto source = open_document_source(database, network_name);
    if (!source.network) {
        return source.exit_code;
    }
    const auto count = source.store->knowledge_entries(source.network->id).size();
    const auto what = std::to_string(count) + " knowledge entr" + (count == 1 ? "y" : "ies") +
                      " of " + source.network->name;
    const auto lang = config.bot.language;
    if (format == "xlsx") {
        return write_spreadsheet({knowledge_export_table(*source.store, *source.network, lang)},
                                 output, what);
    }
    const auto document = format == "csv"
                              ? knowledge_export_csv(*source.store, *source.network, lang)
                              : knowledge_export_markdown(*source.store, *source.network, lang,
                                                          DocumentStyle::markdown);
    return write_document(document, output, what);
}

/// Writes a network's harvest document of a school year as Markdown or standalone HTML.
int run_harvest(const app::Config& config, const std::string& database,
                const std::string& network_name, const std::string& year_text,
                const std::string& format, const std::string& output) {
    if (format != "md" && format != "html") {
        std::cerr << "--format must be md or html, not \"" << format << "\"\n";
        return kExitConfigError;
    }
    std::optional<int> year;
    if (!year_text.empty()) {
        year = parse_school_year(year_text);
        if (!year) {
            std::cerr << "--year must be a school year such as 2026-2027, not \"" << year_text
                      << "\"\n";
            return kExitConfigError;
        }
    }
    auto source = open_document_source(database, network_name);
    if (!source.network) {
        return source.exit_code;
    }
    if (!year) {
        const std::string zone =
            source.network->time_zone.empty() ? config.bot.time_zone : source.network->time_zone;
        const auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        const auto local = to_local(now, zone).value_or(LocalTime{now.time_since_epoch()});
        year = school_year_of(date::floor<date::days>(local));
    }
    const auto document =
        format == "html"
            ? harvest_html(*source.store, *source.network, *year, config.bot.language,
                           config.bot.min_anonymous_respondents)
            : harvest_markdown(*source.store, *source.network, *year, config.bot.language,
                               DocumentStyle::markdown, config.bot.min_anonymous_respondents);
    return write_document(document, output,
                          "harvest " + school_year_label(*year) + " of " + source.network->name);
}

/// The whole of a calendar file, or nullopt after saying it cannot be read.
std::optional<std::string> read_calendar_file(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::cerr << "cannot read " << file << "\n";
        return std::nullopt;
    }
    return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Reads café weeks from a school calendar export; replaces those of each school year found.
int run_import_cafeweken(const app::Config& config, const std::string& database,
                         const std::string& file, const std::string& match, bool dry_run) {
    const auto text = read_calendar_file(file);
    if (!text) {
        return kExitConfigError;
    }
    const auto found = app::cafe_weeks_from_ics(*text, match, config.bot.time_zone);
    if (!found) {
        std::cerr << file << ": " << found.error().message << "\n";
        return kExitConfigError;
    }
    std::map<int, std::vector<CafeWeek>> by_year;
    for (const auto& week : found->weeks) {
        by_year[week.school_year].push_back(week);
    }
    std::cout << file << ": " << found->matched << " of " << found->events << " event(s) match \""
              << match << "\"\n";
    if (by_year.empty()) {
        std::cout << "no café weeks found, nothing stored (try another --match)\n";
        return 0;
    }
    for (const auto& [year, weeks] : by_year) {
        std::cout << school_year_label(year) << ": " << week_list(weeks) << "\n";
    }
    if (dry_run) {
        std::string years;
        for (const auto& [year, weeks] : by_year) {
            years += (years.empty() ? "" : ", ") + school_year_label(year);
        }
        std::cout << "dry run: nothing stored; without --dry-run these weeks replace the café "
                     "weeks stored for "
                  << years << "\n";
        return 0;
    }
    const auto store = open_store(database);
    if (!store) {
        return kExitStartupError;
    }
    std::map<int, std::vector<CafeWeek>> before;
    try {
        store->transaction([&] {
            for (const auto& [year, weeks] : by_year) {
                before[year] = store->cafe_weeks(year);
                store->set_cafe_weeks(year, weeks);
            }
        });
    } catch (const StoreError& error) {
        std::cerr << "nothing stored: " << error.what() << "\n";
        return kExitStartupError;
    }
    for (const auto& [year, weeks] : before) {
        std::cout << "stored in " << database << ": replaced the café weeks of "
                  << school_year_label(year) << " (were: " << week_list(weeks) << ")\n";
    }
    return 0;
}

/// Reads school holidays and days off from a calendar export; replaces the imported holidays of
/// each school year found (the built-in and configured ones stay).
int run_import_vakanties(const app::Config& config, const std::string& database,
                         const std::string& file, const std::string& match, bool dry_run) {
    const auto text = read_calendar_file(file);
    if (!text) {
        return kExitConfigError;
    }
    const auto found = app::holidays_from_ics(*text, match, config.bot.time_zone);
    if (!found) {
        std::cerr << file << ": " << found.error().message << "\n";
        return kExitConfigError;
    }
    std::cout << file << ": " << found->matched << " of " << found->events
              << " event(s) are holidays or days off"
              << (match.empty() ? std::string() : " (matching \"" + match + "\")") << "\n";
    if (found->holidays.empty()) {
        std::cout << "no holidays found, nothing stored (try --match)\n";
        return 0;
    }
    std::set<int> years;
    for (const auto& holiday : found->holidays) {
        years.insert(school_year_of(holiday.first));
        std::cout << school_year_label(school_year_of(holiday.first)) << ": " << holiday.name
                  << ", " << format_day(holiday.first, Lang::en)
                  << (holiday.last == holiday.first ? ""
                                                    : " .. " + format_day(holiday.last, Lang::en))
                  << "\n";
    }
    std::string year_list;
    for (const int year : years) {
        year_list += (year_list.empty() ? "" : ", ") + school_year_label(year);
    }
    if (dry_run) {
        std::cout << "dry run: nothing stored; without --dry-run these replace the imported "
                     "holidays of "
                  << year_list << "\n";
        return 0;
    }
    const auto store = open_store(database);
    if (!store) {
        return kExitStartupError;
    }
    try {
        store->transaction([&] {
            auto kept = decode_holidays(store->adapter_state(kImportedHolidaysKey).value_or(""));
            std::erase_if(kept, [&](const HolidayPeriod& holiday) {
                return years.contains(school_year_of(holiday.first));
            });
            kept.insert(kept.end(), found->holidays.begin(), found->holidays.end());
            std::sort(kept.begin(), kept.end(), [](const HolidayPeriod& a, const HolidayPeriod& b) {
                return a.first < b.first;
            });
            store->set_adapter_state(kImportedHolidaysKey, encode_holidays(kept),
                                     date::floor<std::chrono::seconds>(
                                         std::chrono::system_clock::now()));
        });
    } catch (const StoreError& error) {
        std::cerr << "nothing stored: " << error.what() << "\n";
        return kExitStartupError;
    }
    std::cout << "stored in " << database << ": the holidays of " << year_list
              << " (restart `serve` to use them)\n";
    return 0;
}

/// Copies a private file (the poll key) to `to`, which must not exist, with mode 0600.
bool copy_private_file(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::ifstream in(from, std::ios::binary);
    if (!in) {
        std::cerr << from.string() << ": cannot be read\n";
        return false;
    }
    const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 || ::write(fd, content.data(), content.size()) !=
                      static_cast<ssize_t>(content.size())) {
        if (fd >= 0) {
            ::close(fd);
        }
        std::cerr << to.string() << ": cannot be written (does it exist already?)\n";
        return false;
    }
    ::close(fd);
    return true;
}

int run_backup(const app::Config& config, const std::string& database, const std::string& to,
               const std::string& key_to) {
    const auto made = app::backup_database(database, to);
    if (!made) {
        std::cerr << "no backup made: " << made.error() << "\n";
        return kExitStartupError;
    }
    std::cout << "backup of " << database << " written to " << to << " (schema version "
              << made->schema_version << ", " << made->created_at << ")\n";
    if (key_to.empty()) {
        return 0;
    }
    if (config.polls.secret.is_set()) {
        std::cout << "the poll key is set in the configuration ([polls]): back up that secret "
                     "instead\n";
        return 0;
    }
    if (!copy_private_file(poll_key_path(database), key_to)) {
        return kExitStartupError;
    }
    std::cout << "poll key written to " << key_to << ": keep it apart from the backup\n";
    return 0;
}

int run_restore(const app::Config& config, const std::string& database, const std::string& from,
                const std::string& key_from, bool force) {
    const auto key_path = poll_key_path(database);
    if (!key_from.empty() && std::filesystem::exists(key_path) && !force) {
        std::cerr << "nothing restored: " << key_path.string()
                  << " exists; add --force to replace it too\n";
        return kExitStartupError;
    }
    const auto restored = app::restore_database(from, database, force);
    if (!restored) {
        std::cerr << "nothing restored: " << restored.error() << "\n";
        return kExitStartupError;
    }
    std::cout << "restored " << database << " from " << from << " (made " << restored->created_at
              << ", schema version " << restored->schema_version << ")\n";
    if (!key_from.empty()) {
        std::filesystem::remove(key_path);
        if (!copy_private_file(key_from, key_path)) {
            return kExitStartupError;
        }
        std::cout << "poll key put back in " << key_path.string() << "\n";
    } else if (!config.polls.secret.is_set() && !std::filesystem::exists(key_path)) {
        std::cout << "note: no poll key beside the database: when the backup has open polls, "
                     "restore its key with --poll-key-from\n";
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App cli{
        "Leernetwerk bot: keeps a teachers' learning network going between its meetings, "
        "on Microsoft Teams and Matrix."};
    cli.require_subcommand(1);
    cli.set_version_flag("--version", std::string(LEERNETWERK_VERSION));
    std::string config_path;

    auto* console_cmd = cli.add_subcommand("console", "Chat with the bot in this terminal");
    bool demo = false;
    std::string db;
    std::string now_text;
    console_cmd->add_option("--config", config_path, "TOML configuration file");
    console_cmd->add_flag("--demo", demo, "Start with the demo network (database data/demo.db)");
    console_cmd->add_option("--db", db, "SQLite database file (overrides the configuration)");
    console_cmd->add_option(
        "--now", now_text,
        "Start the console's clock at this local time, e.g. \"2026-12-02 09:00\"");

    auto* serve_cmd = cli.add_subcommand("serve", "Run the HTTP server for Teams and Matrix");
    serve_cmd->add_option("--config", config_path, "TOML configuration file");

    auto* check_cmd = cli.add_subcommand("check-config", "Check a configuration file and exit");
    check_cmd->add_option("--config", config_path, "TOML configuration file")->required();

    auto* package_cmd = cli.add_subcommand(
        "teams-package", "Write the Teams app package (manifest and icons) to upload in Teams");
    std::string host;
    std::string package_out = "leernetwerk-teams.zip";
    package_cmd->add_option("--config", config_path, "TOML configuration file ([teams] app_id)")
        ->required();
    package_cmd
        ->add_option("--host", host, "The bot's public host name, e.g. leernetwerk.school.nl")
        ->required();
    package_cmd->add_option("--out", package_out, "The zip file to write")->capture_default_str();

    auto* registration_cmd = cli.add_subcommand(
        "matrix-registration", "Write the Matrix appservice registration and token files");
    std::string registration_url;
    std::string registration_dir = ".";
    bool registration_force = false;
    registration_cmd->add_option("--config", config_path, "TOML configuration file ([matrix])")
        ->required();
    registration_cmd
        ->add_option("--url", registration_url,
                     "Where the homeserver reaches the bot, e.g. http://bot-host:8080")
        ->required();
    registration_cmd->add_option("--out-dir", registration_dir, "Directory for the files")
        ->capture_default_str();
    registration_cmd->add_flag("--force", registration_force, "Replace existing files");

    auto* export_cmd = cli.add_subcommand(
        "export-ics", "Write a network's meetings as an iCalendar (.ics) file for calendar apps");
    auto* import_cmd = cli.add_subcommand(
        "import-cafeweken", "Read café weeks from a school calendar export (.ics, e.g. ParnasSys)");
    auto* holidays_cmd = cli.add_subcommand(
        "import-vakanties",
        "Read school holidays and days off from a calendar export (.ics) for the reminders");
    std::string holidays_match;
    std::string ics_network;
    std::string ics_output = "-";
    std::string ics_file;
    std::string ics_match = "caf";
    std::string ics_db;
    bool ics_demo = false;
    bool ics_dry_run = false;
    for (auto* command : {export_cmd, import_cmd, holidays_cmd}) {
        command->add_option("--config", config_path, "TOML configuration file");
        command->add_option("--db", ics_db, "SQLite database file (overrides the configuration)");
        command->add_flag("--demo", ics_demo, "Use the demo database of `console --demo`");
    }
    export_cmd->add_option("--network", ics_network, "The network's name")->required();
    export_cmd->add_option("--output", ics_output, "The file to write, - for stdout")
        ->capture_default_str();
    import_cmd->add_option("--file", ics_file, "The .ics file")->required();
    import_cmd
        ->add_option("--match", ics_match,
                     "Events whose title contains this are café weeks (empty: every event)")
        ->capture_default_str();
    import_cmd->add_flag("--dry-run", ics_dry_run, "Show the weeks found, store nothing");
    holidays_cmd->add_option("--file", ics_file, "The .ics file")->required();
    holidays_cmd->add_option("--match", holidays_match,
                             "Events whose title contains this are holidays (default: titles "
                             "with vakantie, vrij, studiedag, feestdag, holiday; * for every event)");
    holidays_cmd->add_flag("--dry-run", ics_dry_run, "Show the holidays found, store nothing");

    auto* poll_cmd = cli.add_subcommand(
        "export-poll",
        "Write a poll's results as CSV or an .xlsx spreadsheet (names only for named polls)");
    std::string poll_network;
    std::string poll_format = "csv";
    std::string poll_text;
    std::string poll_output = "-";
    poll_cmd->add_option("--config", config_path, "TOML configuration file");
    poll_cmd->add_option("--db", ics_db, "SQLite database file (overrides the configuration)");
    poll_cmd->add_flag("--demo", ics_demo, "Use the demo database of `console --demo`");
    poll_cmd->add_option("--network", poll_network, "The poll's network, by name")->required();
    // Read as text: a number that is no poll number is named as typed, not as a range.
    poll_cmd
        ->add_option("--poll", poll_text,
                     "The poll's number in its network (see `peilingen` in chat)")
        ->required();
    poll_cmd->add_option("--out,--to", poll_output, "The file to write, - for stdout (csv only)")
        ->capture_default_str();
    poll_cmd
        ->add_option("--format", poll_format,
                     "csv (semicolons and a byte order mark, as Excel opens it) or xlsx")
        ->capture_default_str();
    auto* knowledge_cmd = cli.add_subcommand("export-knowledge",
                                             "Write a network's knowledge base as Markdown, "
                                             "CSV or an .xlsx spreadsheet");
    auto* harvest_cmd = cli.add_subcommand(
        "harvest", "Write a network's harvest document of a school year as Markdown or HTML");
    std::string document_network;
    std::string document_output = "-";
    std::string document_db;
    std::string document_year;
    std::string knowledge_format = "md";
    std::string harvest_format = "md";
    bool document_demo = false;
    for (auto* command : {knowledge_cmd, harvest_cmd}) {
        command->add_option("--config", config_path, "TOML configuration file");
        command->add_option("--db", document_db,
                            "SQLite database file (overrides the configuration)");
        command->add_flag("--demo", document_demo, "Use the demo database of `console --demo`");
        command->add_option("--network", document_network, "The network's name")->required();
        command
            ->add_option("--out,--output,--to", document_output,
                         "The file to write, - for stdout (not for xlsx)")
            ->capture_default_str();
    }
    knowledge_cmd->add_option("--format", knowledge_format, "md, csv or xlsx")
        ->capture_default_str();
    harvest_cmd->add_option("--format", harvest_format, "md or html")->capture_default_str();
    harvest_cmd->add_option("--year", document_year,
                            "The school year, e.g. 2026-2027 (default: the current one)");

    auto* backup_cmd = cli.add_subcommand(
        "backup", "Copy the database consistently, also while serve runs, with a manifest");
    auto* restore_cmd =
        cli.add_subcommand("restore", "Replace the database with a backup (serve must be stopped)");
    std::string ops_db;
    std::string backup_to;
    std::string backup_key_to;
    std::string restore_from;
    std::string restore_key_from;
    bool restore_force = false;
    for (auto* command : {backup_cmd, restore_cmd}) {
        command->add_option("--config", config_path, "TOML configuration file");
        command->add_option("--db", ops_db, "SQLite database file (overrides the configuration)");
    }
    backup_cmd->add_option("--to", backup_to, "The backup file to write (must not exist)")
        ->required();
    backup_cmd->add_option("--poll-key-to", backup_key_to,
                           "Also copy the poll key to this file (keep it apart from the backup)");
    restore_cmd->add_option("--from", restore_from, "The backup file")->required();
    restore_cmd->add_option("--poll-key-from", restore_key_from,
                            "The poll key saved with --poll-key-to, put back beside the database");
    restore_cmd->add_flag("--force", restore_force, "Replace an existing database");

    auto* version_cmd = cli.add_subcommand("version", "Print the version");

    // A command the executable does not know is named, with the ones it knows.
    const auto subcommands = cli.get_subcommands([](const CLI::App*) { return true; });
    if (argc >= 2 && argv[1][0] != '-' &&
        std::none_of(subcommands.begin(), subcommands.end(),
                     [&](const CLI::App* command) { return command->check_name(argv[1]); })) {
        std::string known;
        for (const auto* command : subcommands) {
            known += (known.empty() ? "" : ", ") + command->get_name();
        }
        std::cerr << "leernetwerk: unknown command \"" << argv[1] << "\"; the commands are: "
                  << known << " (--help explains them)\n";
        return kExitConfigError;
    }
    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return cli.exit(e);
    } catch (const CLI::ParseError& e) {
        // Every usage error exits 2, like a configuration error, with CLI11's own explanation.
        cli.exit(e);
        return kExitConfigError;
    }
    int poll_number = 0;
    if (poll_cmd->parsed()) {
        const bool digits = !poll_text.empty() && poll_text.size() <= 9 &&
                            poll_text.find_first_not_of("0123456789") == std::string::npos;
        poll_number = digits ? std::stoi(poll_text) : 0;
        if (poll_number <= 0) {
            std::cerr << "--poll: expected a poll number such as 3 (see `peilingen` in chat), got \""
                      << poll_text << "\"\n";
            return kExitConfigError;
        }
    }

    if (version_cmd->parsed()) {
        std::cout << "leernetwerk " << LEERNETWERK_VERSION << "\n";
        return 0;
    }
    if (check_cmd->parsed()) {
        return run_check_config(config_path);
    }
    if (package_cmd->parsed()) {
        return run_teams_package(config_path, host, package_out);
    }
    if (registration_cmd->parsed()) {
        return run_matrix_registration(config_path, registration_url, registration_dir,
                                       registration_force);
    }
    const auto config = load(config_path);
    if (!config) {
        return kExitConfigError;
    }
    setup_logging(config->log.level, config->log.format);
    if (export_cmd->parsed()) {
        return run_export_ics(*config, calendar_database(*config, ics_demo, ics_db), ics_network,
                              ics_output);
    }
    if (poll_cmd->parsed()) {
        return run_export_poll(*config, calendar_database(*config, ics_demo, ics_db), poll_network,
                               poll_number, poll_format, poll_output);
    }
    if (holidays_cmd->parsed()) {
        return run_import_vakanties(*config, calendar_database(*config, ics_demo, ics_db),
                                    ics_file, holidays_match, ics_dry_run);
    }
    if (import_cmd->parsed()) {
        return run_import_cafeweken(*config, calendar_database(*config, ics_demo, ics_db), ics_file,
                                    ics_match, ics_dry_run);
    }
    if (knowledge_cmd->parsed()) {
        return run_export_knowledge(*config, calendar_database(*config, document_demo, document_db),
                                    document_network, knowledge_format, document_output);
    }
    if (harvest_cmd->parsed()) {
        return run_harvest(*config, calendar_database(*config, document_demo, document_db),
                           document_network, document_year, harvest_format, document_output);
    }
    if (backup_cmd->parsed()) {
        return run_backup(*config, ops_db.empty() ? config->storage.path : ops_db, backup_to,
                          backup_key_to);
    }
    if (restore_cmd->parsed()) {
        return run_restore(*config, ops_db.empty() ? config->storage.path : ops_db, restore_from,
                           restore_key_from, restore_force);
    }
    if (console_cmd->parsed()) {
        return run_console(*config, demo, db, now_text);
    }
    if (serve_cmd->parsed()) {
        return run_serve(*config);
    }
    return 0;
}
