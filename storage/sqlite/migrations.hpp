#pragma once
// Internal to storage/: the schema as an ordered list of migration steps, keyed by
// `PRAGMA user_version`. Step N takes a database from version N-1 to N. Steps are only ever
// appended: a step that has shipped is never edited, because databases in the field ran it already.
#include <span>
#include <string_view>

struct sqlite3;

namespace leernetwerk::storage {

/// `PRAGMA application_id` of a Leernetwerk database ("LNWB"), set by the first step.
constexpr int kApplicationId = 0x4C4E5742;

/// One schema change: the SQL that takes the database from `version - 1` to `version`.
struct Migration {
    int version = 0;
    std::string_view description;
    std::string_view sql;
};

/// Every step, in order: element i has version i + 1.
std::span<const Migration> migrations();

/// The version the newest step leaves the database at.
int latest_schema_version();

/// Reads `PRAGMA user_version`.
int read_user_version(sqlite3* db);

/// Runs the steps after the database's current version up to `target`, each in its own
/// transaction together with its user_version bump. Throws StoreError when a step fails (that step
/// is rolled back; earlier steps stay) or when the database is newer than `target`.
void migrate(sqlite3* db, int target);

}  // namespace leernetwerk::storage
