// What `serve` and `console` share to run the bot.
#include "app/bot_setup.hpp"

#include <spdlog/spdlog.h>

#include "app/poll_key.hpp"

namespace leernetwerk::app {

std::unique_ptr<storage::SqliteStore> open_bot_store(const std::string& path) {
    std::unique_ptr<storage::SqliteStore> store;
    try {
        store = storage::SqliteStore::open(path);
    } catch (const StoreError& error) {
        spdlog::error("cannot open the database: {}", error.what());
        return nullptr;
    }
    spdlog::info("database {} (schema version {})", path, store->user_version());
    return store;
}

BotSettings bot_settings(const Config& config) {
    BotSettings settings;
    settings.default_language = config.bot.language;
    settings.default_time_zone = config.bot.time_zone;
    settings.bot_name = config.bot.name;
    settings.send_window = send_window_for(config.reminders);
    settings.min_anonymous_respondents = config.bot.min_anonymous_respondents;
    settings.public_url = config.server.public_url;
    settings.questions.route_count = config.questions.route_count;
    settings.questions.follow_up_school_days = config.questions.follow_up_school_days;
    settings.questions.escalation_school_days = config.questions.escalation_school_days;
    settings.questions.consent_ttl = std::chrono::days{config.questions.consent_days};
    settings.participation = config.participation;
    return settings;
}

void add_imported_holidays(Store& store, SendWindow& window) {
    const auto imported = decode_holidays(store.adapter_state(kImportedHolidaysKey).value_or(""));
    window.holidays.insert(window.holidays.end(), imported.begin(), imported.end());
    window.holiday_calendar = window.holiday_calendar || !imported.empty();
}

std::optional<BotSettings> bot_settings_for(const Config& config, const std::string& database,
                                            Store& store) {
    auto settings = bot_settings(config);
    add_imported_holidays(store, settings.send_window);
    const auto secret = poll_secret(config, database, store);
    if (!secret) {
        return std::nullopt;
    }
    settings.poll_secret = *secret;
    return settings;
}

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

}  // namespace leernetwerk::app
