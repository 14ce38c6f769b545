#include "app/backup.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>

#include <date/date.h>

#include "storage/sqlite/migrations.hpp"

namespace leernetwerk::app {
namespace {

constexpr int kFormat = 1;
constexpr const char* kManifestTable = "leernetwerk_backup_manifest";

struct CloseDb {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, CloseDb>;

tl::expected<Db, std::string> open_db(const std::string& path, int flags) {
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    Db db(raw);
    if (rc != SQLITE_OK) {
        return tl::unexpected(path + ": " + (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)));
    }
    sqlite3_busy_timeout(db.get(), 10000);
    return db;
}

tl::expected<void, std::string> exec(sqlite3* db, const std::string& sql) {
    char* error = nullptr;
    if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
        std::string message = error ? error : "unknown error";
        sqlite3_free(error);
        return tl::unexpected(message);
    }
    return {};
}

/// The first column of the first row of `sql`, as text ("" when no row).
tl::expected<std::string, std::string> scalar(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &raw, nullptr) != SQLITE_OK) {
        return tl::unexpected(std::string(sqlite3_errmsg(db)));
    }
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> statement(raw, sqlite3_finalize);
    const int rc = sqlite3_step(raw);
    if (rc == SQLITE_ROW) {
        const auto* text = sqlite3_column_text(raw, 0);
        return text ? std::string(reinterpret_cast<const char*>(text)) : std::string();
    }
    if (rc == SQLITE_DONE) {
        return std::string();
    }
    return tl::unexpected(std::string(sqlite3_errmsg(db)));
}

/// Copies all of `from` into `to` with the online backup API, in one step (one read
/// transaction: a consistent snapshot, while writers go on under WAL).
tl::expected<void, std::string> copy(sqlite3* from, sqlite3* to) {
    sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
    if (backup == nullptr) {
        return tl::unexpected(std::string(sqlite3_errmsg(to)));
    }
    int rc = SQLITE_OK;
    do {
        rc = sqlite3_backup_step(backup, -1);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED) {
            sqlite3_sleep(50);
        }
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        return tl::unexpected(std::string(sqlite3_errstr(rc)));
    }
    return {};
}

std::string quote(const std::string& text) {
    std::string out = "'";
    for (const char c : text) {
        out += c;
        if (c == '\'') {
            out += '\'';
        }
    }
    return out + "'";
}

tl::expected<BackupManifest, std::string> read_manifest(sqlite3* db) {
    const auto has = scalar(db, std::string("SELECT count(*) FROM sqlite_schema WHERE name = '") +
                                    kManifestTable + "'");
    if (!has) {
        return tl::unexpected("not a readable database: " + has.error());
    }
    if (*has != "1") {
        return tl::unexpected(std::string("no backup manifest: not made by `leernetwerk backup`"));
    }
    BackupManifest manifest;
    const auto value = [&](const std::string& key) {
        return scalar(db, std::string("SELECT value FROM ") + kManifestTable + " WHERE key = " +
                              quote(key))
            .value_or("");
    };
    try {
        manifest.format = std::stoi(value("format"));
        manifest.schema_version = std::stoi(value("schema_version"));
    } catch (const std::exception&) {
        return tl::unexpected(std::string("a damaged backup manifest"));
    }
    manifest.created_at = value("created_at");
    manifest.source = value("source");
    return manifest;
}

}  // namespace

std::optional<InstanceLock> InstanceLock::acquire(const std::string& database) {
    if (database == ":memory:") {
        return InstanceLock(-1);  // nothing on disk to share
    }
    const auto path = database + ".lock";
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        return std::nullopt;
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        ::close(fd);
        return std::nullopt;
    }
    return InstanceLock(fd);
}

InstanceLock::InstanceLock(InstanceLock&& other) noexcept : fd_(other.fd_) {
    other.fd_ = -1;
}

InstanceLock& InstanceLock::operator=(InstanceLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = other.fd_;
        other.fd_ = -1;
    }
    return *this;
}

InstanceLock::~InstanceLock() {
    if (fd_ >= 0) {
        ::close(fd_);  // releases the lock
    }
}

tl::expected<BackupManifest, std::string> backup_database(const std::string& database,
                                                          const std::string& to) {
    std::error_code ec;
    if (!std::filesystem::exists(database, ec)) {
        return tl::unexpected(database + ": no such database");
    }
    if (std::filesystem::exists(to, ec)) {
        return tl::unexpected(to + ": exists already; choose a new file name");
    }
    // Created private first: the copy holds the members' data.
    const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        return tl::unexpected(to + ": cannot be created");
    }
    ::close(fd);
    const auto fail = [&](const std::string& why) -> tl::expected<BackupManifest, std::string> {
        std::filesystem::remove(to, ec);
        return tl::unexpected(why);
    };
    auto source = open_db(database, SQLITE_OPEN_READONLY);
    if (!source) {
        return fail(source.error());
    }
    auto target = open_db(to, SQLITE_OPEN_READWRITE);
    if (!target) {
        return fail(target.error());
    }
    if (auto copied = copy(source->get(), target->get()); !copied) {
        return fail("copying " + database + ": " + copied.error());
    }
    BackupManifest manifest;
    manifest.format = kFormat;
    const auto version = scalar(target->get(), "PRAGMA user_version");
    manifest.schema_version = version ? std::stoi(*version) : 0;
    manifest.created_at =
        date::format("%FT%TZ", date::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    manifest.source = std::filesystem::absolute(database, ec).string();
    const auto written = exec(
        target->get(),
        std::string("PRAGMA journal_mode = DELETE; CREATE TABLE ") + kManifestTable +
            " (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO " + kManifestTable +
            " VALUES ('format', " + quote(std::to_string(manifest.format)) +
            "), ('schema_version', " + quote(std::to_string(manifest.schema_version)) +
            "), ('created_at', " + quote(manifest.created_at) + "), ('source', " +
            quote(manifest.source) + ");");
    if (!written) {
        return fail(to + ": the manifest was not written: " + written.error());
    }
    return manifest;
}

tl::expected<BackupManifest, std::string> check_backup(const std::string& from) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(from, ec)) {
        return tl::unexpected(from + ": no such file");
    }
    auto db = open_db(from, SQLITE_OPEN_READONLY);
    if (!db) {
        return tl::unexpected(db.error());
    }
    const auto integrity = scalar(db->get(), "PRAGMA integrity_check");
    if (!integrity) {
        return tl::unexpected(from + ": not a readable database (" + integrity.error() + ")");
    }
    if (*integrity != "ok") {
        return tl::unexpected(from + ": damaged (integrity check: " + *integrity + ")");
    }
    auto manifest = read_manifest(db->get());
    if (!manifest) {
        return tl::unexpected(from + ": " + manifest.error());
    }
    if (manifest->format != kFormat) {
        return tl::unexpected(from + ": backup format " + std::to_string(manifest->format) +
                              ", this version reads format " + std::to_string(kFormat));
    }
    if (manifest->schema_version > storage::latest_schema_version()) {
        return tl::unexpected(from + ": made by a newer version (schema " +
                              std::to_string(manifest->schema_version) +
                              "; this version knows up to " +
                              std::to_string(storage::latest_schema_version()) +
                              "): restore it with that version or a later one");
    }
    if (manifest->schema_version < 1) {
        return tl::unexpected(from + ": holds no bot database (schema version 0)");
    }
    return manifest;
}

tl::expected<BackupManifest, std::string> restore_database(const std::string& from,
                                                           const std::string& database,
                                                           bool overwrite) {
    auto manifest = check_backup(from);
    if (!manifest) {
        return manifest;
    }
    auto lock = InstanceLock::acquire(database);
    if (!lock) {
        return tl::unexpected(database +
                              " is in use by a running `leernetwerk serve` (or cannot be "
                              "locked): stop it first, e.g. systemctl stop leernetwerk");
    }
    std::error_code ec;
    if (std::filesystem::exists(database, ec) && !overwrite) {
        return tl::unexpected(database + " exists: add --force to replace it with the backup");
    }
    auto source = open_db(from, SQLITE_OPEN_READONLY);
    if (!source) {
        return tl::unexpected(source.error());
    }
    // Into the database through SQLite (its WAL and journal stay consistent), then without the
    // manifest.
    auto target = open_db(database, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!target) {
        return tl::unexpected(target.error());
    }
    if (auto copied = copy(source->get(), target->get()); !copied) {
        return tl::unexpected("restoring into " + database + ": " + copied.error());
    }
    if (auto dropped = exec(target->get(), std::string("DROP TABLE ") + kManifestTable +
                                               "; PRAGMA journal_mode = WAL;");
        !dropped) {
        return tl::unexpected(database + ": " + dropped.error());
    }
    ::chmod(database.c_str(), 0600);
    return manifest;
}

}  // namespace leernetwerk::app
