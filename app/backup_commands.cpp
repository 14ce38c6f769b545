// The backup commands: backup and restore, with the poll key kept apart from the backup.
#include <filesystem>
#include <iostream>

#include "app/admin_commands.hpp"
#include "app/backup.hpp"
#include "app/cli.hpp"
#include "app/poll_key.hpp"

namespace leernetwerk::app {

int run_backup(const Config& config, const std::string& database, const std::string& to,
               const std::string& key_to) {
    const auto made = backup_database(database, to);
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

int run_restore(const Config& config, const std::string& database, const std::string& from,
                const std::string& key_from, bool force) {
    const auto key_path = poll_key_path(database);
    if (!key_from.empty() && std::filesystem::exists(key_path) && !force) {
        std::cerr << "nothing restored: " << key_path.string()
                  << " exists; add --force to replace it too\n";
        return kExitStartupError;
    }
    const auto restored = restore_database(from, database, force);
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

}  // namespace leernetwerk::app
