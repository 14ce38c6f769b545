#include "storage/sqlite/statement.hpp"

#include <utility>

namespace leernetwerk::storage {

void throw_sqlite_error(sqlite3* db, std::string_view operation) {
    std::string message{operation};
    message += ": ";
    message += db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    throw StoreError(message);
}

void exec(sqlite3* db, const char* sql, std::string_view operation) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
        throw_sqlite_error(db, operation);
    }
}

std::string query_text(sqlite3* db, const char* sql, std::string_view operation) {
    Statement statement{db, sql, operation};
    const int rc = sqlite3_step(statement.get());
    if (rc != SQLITE_ROW) {
        if (rc == SQLITE_DONE) {
            throw StoreError(std::string{operation} + ": no result");
        }
        throw_sqlite_error(db, operation);
    }
    const auto* text = sqlite3_column_text(statement.get(), 0);
    const int size = sqlite3_column_bytes(statement.get(), 0);
    return text != nullptr ? std::string(reinterpret_cast<const char*>(text), size) : std::string{};
}

Statement::Statement(sqlite3* db, std::string_view sql, std::string_view operation) {
    if (sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &stmt_, nullptr) != SQLITE_OK) {
        sqlite3_finalize(stmt_);
        stmt_ = nullptr;
        throw_sqlite_error(db, operation);
    }
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

Statement& StatementCache::get(std::string_view sql, std::string_view operation) {
    auto found = statements_.find(std::string{sql});
    if (found != statements_.end()) {
        return *found->second;
    }
    auto statement = std::make_unique<Statement>(db_, sql, operation);
    Statement& result = *statement;
    statements_.emplace(std::string{sql}, std::move(statement));
    return result;
}

Query::Query(StatementCache& cache, std::string_view sql, std::string_view operation)
    : db_(cache.db()), statement_(&cache.get(sql, operation)), operation_(operation) {
    if (statement_->in_use) {
        owned_ = std::make_unique<Statement>(db_, sql, operation);
        statement_ = owned_.get();
    }
    statement_->in_use = true;
}

Query::~Query() {
    sqlite3_reset(statement_->get());
    sqlite3_clear_bindings(statement_->get());
    statement_->in_use = false;
}

Query& Query::bind_int(int index, std::int64_t value) {
    if (sqlite3_bind_int64(statement_->get(), index, value) != SQLITE_OK) {
        throw_sqlite_error(db_, operation_);
    }
    return *this;
}

Query& Query::bind_text(int index, std::string_view value) {
    // A null data pointer would bind NULL: an empty string_view must still bind ''.
    const char* data = value.data() != nullptr ? value.data() : "";
    if (sqlite3_bind_text64(statement_->get(), index, data, value.size(), SQLITE_TRANSIENT,
                            SQLITE_UTF8) != SQLITE_OK) {
        throw_sqlite_error(db_, operation_);
    }
    return *this;
}

Query& Query::bind_blob(int index, std::string_view bytes) {
    const char* data = bytes.data() != nullptr ? bytes.data() : "";
    if (sqlite3_bind_blob64(statement_->get(), index, data, bytes.size(), SQLITE_TRANSIENT) !=
        SQLITE_OK) {
        throw_sqlite_error(db_, operation_);
    }
    return *this;
}

Query& Query::bind_null(int index) {
    if (sqlite3_bind_null(statement_->get(), index) != SQLITE_OK) {
        throw_sqlite_error(db_, operation_);
    }
    return *this;
}

Query& Query::bind_optional_int(int index, std::optional<std::int64_t> value) {
    return value ? bind_int(index, *value) : bind_null(index);
}

Query& Query::bind_instant(int index, Instant value) {
    return bind_int(index, value.time_since_epoch().count());
}

bool Query::step() {
    const int rc = sqlite3_step(statement_->get());
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    throw_sqlite_error(db_, operation_);
}

int Query::run() {
    while (step()) {
    }
    return sqlite3_changes(db_);
}

std::int64_t Query::column_int(int column) const {
    return sqlite3_column_int64(statement_->get(), column);
}

std::optional<std::int64_t> Query::column_optional_int(int column) const {
    if (sqlite3_column_type(statement_->get(), column) == SQLITE_NULL) {
        return std::nullopt;
    }
    return column_int(column);
}

std::string Query::column_text(int column) const {
    const auto* text = sqlite3_column_text(statement_->get(), column);
    const int size = sqlite3_column_bytes(statement_->get(), column);
    return text != nullptr ? std::string(reinterpret_cast<const char*>(text), size) : std::string{};
}

std::string Query::column_blob(int column) const {
    const auto* bytes = sqlite3_column_blob(statement_->get(), column);
    const int size = sqlite3_column_bytes(statement_->get(), column);
    return bytes != nullptr ? std::string(static_cast<const char*>(bytes), size) : std::string{};
}

Instant Query::column_instant(int column) const {
    return Instant{std::chrono::seconds{column_int(column)}};
}

Atomic::Atomic(sqlite3* db, std::string_view operation) : db_(db), operation_(operation) {
    savepoint_ = sqlite3_get_autocommit(db_) == 0;
    exec(db_, savepoint_ ? "SAVEPOINT store_operation" : "BEGIN IMMEDIATE", operation_);
}

Atomic::~Atomic() {
    if (done_ || sqlite3_get_autocommit(db_) != 0) {
        return;  // committed, or SQLite rolled the whole transaction back itself
    }
    if (savepoint_) {
        sqlite3_exec(db_, "ROLLBACK TO store_operation; RELEASE store_operation", nullptr, nullptr,
                     nullptr);
    } else {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    }
}

void Atomic::commit() {
    exec(db_, savepoint_ ? "RELEASE store_operation" : "COMMIT", operation_);
    done_ = true;
}

}  // namespace leernetwerk::storage
