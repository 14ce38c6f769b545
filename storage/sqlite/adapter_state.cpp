// Adapter state on SQLite: small named values kept across restarts.
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {

std::optional<std::string> SqliteStore::adapter_state(std::string_view key) {
    Query query = impl_->query("SELECT value FROM adapter_state WHERE key = ?1", "adapter_state");
    query.bind_text(1, key);
    if (!query.step()) {
        return std::nullopt;
    }
    return query.column_text(0);
}

void SqliteStore::set_adapter_state(std::string_view key, std::string_view value, Instant now) {
    Query query = impl_->query(
        "INSERT INTO adapter_state (key, value, updated_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        "set_adapter_state");
    query.bind_text(1, key).bind_text(2, value).bind_instant(3, now);
    query.run();
}

}  // namespace leernetwerk::storage
