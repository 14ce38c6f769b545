// The SqliteStore itself: opening a database (connection settings, checks, migrations) and the
// unit of work (transactions, savepoints, compacting the WAL after a commit). Each repository's
// SQL is in a file of its own (README.md).
#include "storage/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include <sqlite3.h>

#include "bot/vocab/text.hpp"
#include "storage/sqlite/fts_tokenizer.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_impl.hpp"
#include "storage/sqlite/statement.hpp"

namespace leernetwerk::storage {

namespace {

constexpr const char* kMemoryPath = ":memory:";
constexpr int kBusyTimeoutMs = 5000;

// ---- opening ---------------------------------------------------------------------------------

void create_parent_directory(const std::string& path) {
    const std::filesystem::path parent = std::filesystem::path{path}.parent_path();
    if (parent.empty()) {
        return;
    }
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
        throw StoreError("cannot create directory '" + parent.string() + "': " + error.message());
    }
}

Connection open_connection(const std::string& path) {
    if (path.empty()) {
        throw StoreError("no database path given (use a file path or \":memory:\")");
    }
    const bool in_memory = path == kMemoryPath;
    if (!in_memory) {
        create_parent_directory(path);
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(
        path.c_str(), &raw,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
        nullptr);
    Connection db{raw};
    if (rc != SQLITE_OK) {
        throw_sqlite_error(db.get(), "cannot open");
    }
    sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);  // what PRAGMA busy_timeout sets
    if (!in_memory) {
        const std::string mode = query_text(db.get(), "PRAGMA journal_mode = WAL", "journal_mode");
        if (mode != "wal") {
            throw StoreError("journal_mode: WAL is not available (the database stays in '" + mode +
                             "' mode)");
        }
    }
    register_knowledge_search(db.get());  // before anything reads the knowledge base's index
    exec(db.get(), "PRAGMA foreign_keys = ON", "foreign_keys");
    if (query_text(db.get(), "PRAGMA foreign_keys", "foreign_keys") != "1") {
        throw StoreError("foreign_keys: this SQLite does not enforce foreign keys");
    }
    exec(db.get(), "PRAGMA synchronous = NORMAL", "synchronous");
    // Deleted rows are overwritten with zeros, not left in free pages: a removed message or
    // sealed ballot cannot be read back from the file.
    exec(db.get(), "PRAGMA secure_delete = ON", "secure_delete");
    // A bigger page cache (16 MB): the hot pages (inbox, outbox, members) are served without a
    // read() system call per page.
    exec(db.get(), "PRAGMA cache_size = -16384", "cache_size");
    // Statement journals (one per writing statement inside a savepoint) and sorts stay in memory
    // rather than in temporary files.
    exec(db.get(), "PRAGMA temp_store = MEMORY", "temp_store");
    return db;
}

/// Refuses databases this build cannot or must not migrate.
void check_database(sqlite3* db) {
    const int version = read_user_version(db);
    const int latest = latest_schema_version();
    if (version > latest) {
        throw StoreError("database was written by a newer version of leernetwerk (schema version " +
                         std::to_string(version) + "; this version knows up to " +
                         std::to_string(latest) + ")");
    }
    if (version == 0) {
        if (query_text(db, "SELECT count(*) FROM sqlite_master", "read schema") != "0") {
            throw StoreError("not a leernetwerk database (it has tables but no schema version)");
        }
        return;
    }
    const std::string application_id = query_text(db, "PRAGMA application_id", "application_id");
    if (application_id != std::to_string(kApplicationId)) {
        throw StoreError("not a leernetwerk database (application_id " + application_id + ")");
    }
}

}  // namespace

std::string join_tags(const std::vector<std::string>& tags) {
    std::string joined;
    for (const std::string& tag : tags) {
        std::string clean{trim(tag)};
        std::replace(clean.begin(), clean.end(), '\n', ' ');
        std::replace(clean.begin(), clean.end(), '\r', ' ');
        if (clean.empty()) {
            continue;
        }
        if (!joined.empty()) {
            joined += '\n';
        }
        joined += clean;
    }
    return joined;
}

std::vector<std::string> split_tags(const std::string& joined) {
    std::vector<std::string> tags;
    if (joined.empty()) {
        return tags;
    }
    for (std::string& tag : split(joined, '\n')) {
        if (!tag.empty()) {
            tags.push_back(std::move(tag));
        }
    }
    return tags;
}

// ---- the unit of work -------------------------------------------------------------------------

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteStore::~SqliteStore() = default;

std::unique_ptr<SqliteStore> SqliteStore::open(const std::string& path) {
    try {
        Connection connection = open_connection(path);
        check_database(connection.get());
        migrate(connection.get(), latest_schema_version());
        return std::unique_ptr<SqliteStore>(
            new SqliteStore(std::make_unique<Impl>(std::move(connection))));
    } catch (const StoreError& error) {
        throw StoreError("database '" + path + "': " + error.what());
    }
}

int SqliteStore::schema_version() {
    return latest_schema_version();
}

int SqliteStore::user_version() {
    return read_user_version(impl_->db());
}

void SqliteStore::transaction(const std::function<void()>& work) {
    if (impl_->in_transaction_) {
        throw StoreError("transaction: already in a transaction (transactions do not nest)");
    }
    // Prepared once and cached: a busy adapter opens many transactions a second.
    impl_->query("BEGIN IMMEDIATE", "transaction: begin").run();
    impl_->in_transaction_ = true;
    try {
        work();
        impl_->query("COMMIT", "transaction: commit").run();
    } catch (...) {
        impl_->in_transaction_ = false;
        impl_->compact_requested_ = false;
        if (sqlite3_get_autocommit(impl_->db()) == 0) {
            sqlite3_exec(impl_->db(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
        throw;
    }
    impl_->in_transaction_ = false;
    if (impl_->compact_requested_) {
        impl_->compact_requested_ = false;
        compact_after_commit();
    }
}

void SqliteStore::compact_after_commit() {
    if (impl_->in_transaction_) {
        impl_->compact_requested_ = true;
        return;
    }
    // TRUNCATE: every frame is copied into the database and the log file is cut to zero bytes,
    // so the versions of pages it held (who was written to, and when) are gone from the files.
    // A reader holding an old snapshot makes it return busy; it is asked again next time.
    int log_frames = 0;
    int copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(impl_->db(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                             &log_frames, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
        throw_sqlite_error(impl_->db(), "compact: wal checkpoint");
    }
}

void SqliteStore::savepoint(const std::function<void()>& work) {
    if (!impl_->in_transaction_) {
        throw StoreError("savepoint: only inside a transaction");
    }
    impl_->query("SAVEPOINT event", "savepoint: begin").run();
    try {
        work();
    } catch (...) {
        if (sqlite3_get_autocommit(impl_->db()) == 0) {
            sqlite3_exec(impl_->db(), "ROLLBACK TO event; RELEASE event", nullptr, nullptr,
                         nullptr);
        }
        throw;
    }
    impl_->query("RELEASE event", "savepoint: release").run();
}

}  // namespace leernetwerk::storage
