#pragma once
// What `serve` and `console` share to run the bot: its store opened with a log line, its settings
// from the configuration (with the imported holidays and the poll key), and the due jobs run.
#include <memory>
#include <optional>
#include <string>

#include "app/config.hpp"
#include "bot/engine/bot.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace leernetwerk::app {

/// The database at `path`, its schema version logged; null after logging why it cannot be opened.
std::unique_ptr<storage::SqliteStore> open_bot_store(const std::string& path);

/// The bot's settings from the configuration alone.
BotSettings bot_settings(const Config& config);

/// Adds the holidays stored by `import-vakanties` to those of the configuration.
void add_imported_holidays(Store& store, SendWindow& window);

/// The bot's settings for the database at `database`: the configuration's, with the imported
/// holidays and the poll key; nullopt after logging why the poll key cannot be had.
std::optional<BotSettings> bot_settings_for(const Config& config, const std::string& database,
                                            Store& store);

/// What a run of the due jobs did.
struct DueRun {
    int ran = 0;
    bool failed = false;  ///< the database failed: try again a little later
};

/// Runs every job due at `now`, in batches.
DueRun run_due_jobs(Bot& bot, Instant now);

}  // namespace leernetwerk::app
