// `leernetwerk console`: chat with the bot in this terminal, on the configured database or the
// demo's.
#include "app/console_command.hpp"

#include <chrono>
#include <iostream>

#include <spdlog/spdlog.h>

#include "adapters/console/console.hpp"
#include "app/bot_setup.hpp"
#include "app/cli.hpp"
#include "app/demo.hpp"

namespace leernetwerk::app {
namespace {

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

}  // namespace

int run_console(const Config& config, bool demo, const std::string& db_override,
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
    const auto store = open_bot_store(path);
    if (!store) {
        return kExitStartupError;
    }
    auto settings = bot_settings_for(config, path, *store);
    if (!settings) {
        return kExitStartupError;
    }
    Bot bot(*store, std::move(*settings));
    console::ConsoleSession session(bot, *store, std::cout, now);
    if (demo) {
        const auto seeded = seed_demo(*store, now, config.bot.time_zone);
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

}  // namespace leernetwerk::app
