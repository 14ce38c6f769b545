#pragma once
// Internal to storage/: a thin RAII layer over the SQLite C API. Every SQLite failure becomes a
// StoreError "<operation>: <SQLite's message>".
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

#include "bot/ports/store.hpp"

namespace leernetwerk::storage {

/// Throws StoreError with the operation name and the connection's last SQLite message.
[[noreturn]] void throw_sqlite_error(sqlite3* db, std::string_view operation);

/// Runs SQL without parameters or results (schema, pragmas, transaction control).
void exec(sqlite3* db, const char* sql, std::string_view operation);

/// Runs a pragma (or any statement) that returns one text value, and returns it.
std::string query_text(sqlite3* db, const char* sql, std::string_view operation);

/// A prepared statement, finalized on destruction.
class Statement {
public:
    Statement(sqlite3* db, std::string_view sql, std::string_view operation);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    sqlite3_stmt* get() const { return stmt_; }
    /// Set while a Query runs it, so that a nested use of the same SQL prepares its own copy.
    bool in_use = false;

private:
    sqlite3_stmt* stmt_ = nullptr;
};

/// Prepared statements of one connection, by SQL text, prepared on first use.
class StatementCache {
public:
    explicit StatementCache(sqlite3* db) : db_(db) {}

    sqlite3* db() const { return db_; }
    Statement& get(std::string_view sql, std::string_view operation);

private:
    sqlite3* db_;
    std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

/// One execution of a statement: bind parameters (1-based), step through the rows. The statement
/// is reset and its bindings cleared when the Query goes away.
class Query {
public:
    Query(StatementCache& cache, std::string_view sql, std::string_view operation);
    ~Query();
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;

    Query& bind_int(int index, std::int64_t value);
    Query& bind_text(int index, std::string_view value);
    /// Bytes, stored as a BLOB (sealed ballots).
    Query& bind_blob(int index, std::string_view bytes);
    Query& bind_null(int index);
    /// Binds NULL for nullopt.
    Query& bind_optional_int(int index, std::optional<std::int64_t> value);
    Query& bind_instant(int index, Instant value);

    /// Advances to the next row; false when there are no more.
    bool step();
    /// Runs a statement that returns no rows; returns the number of rows it changed.
    int run();

    std::int64_t column_int(int column) const;
    std::optional<std::int64_t> column_optional_int(int column) const;
    /// Empty for NULL.
    std::string column_text(int column) const;
    std::string column_blob(int column) const;
    Instant column_instant(int column) const;

private:
    sqlite3* db_;
    std::unique_ptr<Statement> owned_;  ///< only when the cached statement was busy
    Statement* statement_;
    std::string_view operation_;
};

/// Makes a multi-statement operation atomic: its own BEGIN IMMEDIATE ... COMMIT outside a
/// transaction, a SAVEPOINT inside one. Rolled back on destruction unless committed.
class Atomic {
public:
    Atomic(sqlite3* db, std::string_view operation);
    ~Atomic();
    Atomic(const Atomic&) = delete;
    Atomic& operator=(const Atomic&) = delete;

    void commit();

private:
    sqlite3* db_;
    std::string_view operation_;
    bool savepoint_ = false;
    bool done_ = false;
};

}  // namespace leernetwerk::storage
