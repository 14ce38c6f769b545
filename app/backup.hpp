#pragma once
// `leernetwerk backup` and `leernetwerk restore`. A backup is one SQLite file made with SQLite's
// online backup API (a consistent copy while `serve` runs: readers do not block the writer under
// WAL), with a manifest table inside it (format, schema version, time, source). The poll key is
// never in it: it can be written to a separate file, so that the two can be kept apart.
// A running `serve` holds an exclusive lock on `<database>.lock` (InstanceLock); restore refuses
// to overwrite a database whose lock is held.
#include <optional>
#include <string>

#include <tl/expected.hpp>

namespace leernetwerk::app {

/// The lock a running instance holds on its database (released when the process ends, also
/// by kill -9). Empty when another process holds it.
class InstanceLock {
public:
    static std::optional<InstanceLock> acquire(const std::string& database);
    InstanceLock(InstanceLock&& other) noexcept;
    InstanceLock& operator=(InstanceLock&& other) noexcept;
    InstanceLock(const InstanceLock&) = delete;
    InstanceLock& operator=(const InstanceLock&) = delete;
    ~InstanceLock();

private:
    explicit InstanceLock(int fd) : fd_(fd) {}
    int fd_ = -1;
};

struct BackupManifest {
    int format = 1;
    int schema_version = 0;
    std::string created_at;  ///< UTC, ISO 8601
    std::string source;      ///< the database it was made from
};

/// Copies `database` into `to` (which must not exist), mode 0600, with its manifest.
tl::expected<BackupManifest, std::string> backup_database(const std::string& database,
                                                          const std::string& to);

/// Checks a backup: readable, integrity "ok", a manifest of a known format, a schema version
/// this build can open (it migrates an older one when it opens it).
tl::expected<BackupManifest, std::string> check_backup(const std::string& from);

/// Replaces `database` with the backup `from` (checked first). Refuses while an instance holds
/// the database's lock, and when `database` exists unless `overwrite`.
tl::expected<BackupManifest, std::string> restore_database(const std::string& from,
                                                           const std::string& database,
                                                           bool overwrite);

}  // namespace leernetwerk::app
