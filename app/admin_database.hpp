#pragma once
// The database of an administration command (export-ics, export-poll, export-knowledge, harvest,
// import-cafeweken, import-vakanties, check-config), opened the one way they all do.
#include <memory>
#include <optional>
#include <string>

#include "bot/vocab/model.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace leernetwerk::app {

/// What an administration command needs of its database.
struct DatabaseNeeds {
    /// Refuse a missing file: opening one would create an empty database, and an export from a
    /// mistyped path should say so instead.
    bool must_exist = true;
    std::string network{};  ///< a network to look up by name; empty: none
};

/// An administration command's database, with the network it named.
struct AdminDatabase {
    std::unique_ptr<storage::SqliteStore> store;
    std::optional<Network> network;  ///< set when DatabaseNeeds::network was named and found
    int exit_code = 0;               ///< not 0 when the command cannot go on: its exit code
};

/// Opens `database` as `needs` asks. When the file is missing, cannot be opened or has no such
/// network, says why on stderr (naming the known networks) and sets `exit_code`.
AdminDatabase open_admin_database(const std::string& database, const DatabaseNeeds& needs);

}  // namespace leernetwerk::app
