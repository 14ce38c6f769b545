// The database of an administration command, opened the one way they all do.
#include "app/admin_database.hpp"

#include <filesystem>
#include <iostream>

#include "app/cli.hpp"

namespace leernetwerk::app {

AdminDatabase open_admin_database(const std::string& database, const DatabaseNeeds& needs) {
    AdminDatabase opened;
    if (needs.must_exist && !std::filesystem::exists(database)) {
        std::cerr << "no database at " << database
                  << " (name one with --db, or with [storage] path in --config)\n";
        opened.exit_code = kExitConfigError;
        return opened;
    }
    try {
        opened.store = storage::SqliteStore::open(database);
    } catch (const StoreError& error) {
        std::cerr << "cannot open the database: " << error.what() << "\n";
        opened.exit_code = kExitStartupError;
        return opened;
    }
    if (needs.network.empty()) {
        return opened;
    }
    opened.network = opened.store->find_network_by_name(needs.network);
    if (!opened.network) {
        std::cerr << "unknown network \"" << needs.network << "\" in " << database;
        const auto known = opened.store->networks();
        if (known.empty()) {
            std::cerr << ": it has no networks yet\n";
        } else {
            std::cerr << "; known networks:\n";
            for (const auto& other : known) {
                std::cerr << "  " << other.name << "\n";
            }
        }
        opened.exit_code = kExitConfigError;
    }
    return opened;
}

}  // namespace leernetwerk::app
