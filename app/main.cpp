// The `leernetwerk` executable: the composition root, and the only place that sees every layer.
#include <chrono>
#include <cstdlib>
#include <iostream>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "adapters/console/console.hpp"
#include "app/config.hpp"
#include "app/demo.hpp"
#include "bot/bot.hpp"
#include "bot/log.hpp"
#include "storage/sqlite_store.hpp"

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

void setup_logging(app::LogLevel level) {
    auto logger = spdlog::stderr_color_mt("leernetwerk");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
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
    return settings;
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
    Bot bot(*store, bot_settings(config));
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
    // Whatever fell due while the console was closed goes out first.
    if (const auto ran = bot.tick(now); !ran) {
        spdlog::error("scheduler: {}", ran.error().message);
    }
    session.run(std::cin);
    return 0;
}

int run_serve(const app::Config& config) {
    try {
        auto store = storage::SqliteStore::open(config.storage.path);
        spdlog::info("database {} (schema version {})", config.storage.path, store->user_version());
    } catch (const StoreError& error) {
        spdlog::error("cannot open the database: {}", error.what());
        return kExitStartupError;
    }
    spdlog::error(
        "no platform is configured: this version has no Teams or Matrix adapter yet; "
        "use 'leernetwerk console --demo' to try the bot");
    return kExitStartupError;
}

int run_check_config(const std::string& path) {
    auto config = app::load_config_file(path);
    if (!config) {
        for (const auto& error : config.error()) {
            std::cerr << error.to_string() << "\n";
        }
        std::cerr << path << ": " << config.error().size() << " problem(s)\n";
        return kExitConfigError;
    }
    std::cout << path << ": OK\n" << app::describe_config(*config);
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

    auto* version_cmd = cli.add_subcommand("version", "Print the version");

    CLI11_PARSE(cli, argc, argv);

    if (version_cmd->parsed()) {
        std::cout << "leernetwerk " << LEERNETWERK_VERSION << "\n";
        return 0;
    }
    if (check_cmd->parsed()) {
        return run_check_config(config_path);
    }
    const auto config = load(config_path);
    if (!config) {
        return kExitConfigError;
    }
    setup_logging(config->log.level);
    if (console_cmd->parsed()) {
        return run_console(*config, demo, db, now_text);
    }
    if (serve_cmd->parsed()) {
        return run_serve(*config);
    }
    return 0;
}
