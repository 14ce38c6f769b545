// The inbox on SQLite: the platform event ids already applied.
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {

bool SqliteStore::remember_event(Platform platform, std::string_view event_id, Instant now) {
    Query query = impl_->query(
        "INSERT INTO inbox (platform, event_id, seen_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (platform, event_id) DO NOTHING",
        "remember_event");
    query.bind_text(1, platform_code(platform)).bind_text(2, event_id).bind_instant(3, now);
    return query.run() == 1;
}

int SqliteStore::prune_inbox(Instant before) {
    Query query = impl_->query("DELETE FROM inbox WHERE seen_at < ?1", "prune_inbox");
    query.bind_instant(1, before);
    return query.run();
}

}  // namespace leernetwerk::storage
