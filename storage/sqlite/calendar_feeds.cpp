// Calendar feeds (issue 18): the hashes of the tokens in the secret iCalendar URLs of networks
// and of members' personal feeds.
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {

void SqliteStore::replace_calendar_feed(const CalendarFeed& feed) {
    constexpr std::string_view kOperation = "replace_calendar_feed";
    Atomic atomic{impl_->db(), kOperation};
    Query revoke = impl_->query(
        "DELETE FROM calendar_feeds WHERE network_id = ?1 AND IFNULL(member_id, 0) = ?2",
        kOperation);
    revoke.bind_int(1, feed.network_id).bind_int(2, feed.member_id.value_or(0));
    revoke.run();
    Query insert = impl_->query(
        "INSERT INTO calendar_feeds (token_hash, network_id, member_id, created_at) "
        "VALUES (?1, ?2, ?3, ?4)",
        kOperation);
    insert.bind_blob(1, feed.token_hash)
        .bind_int(2, feed.network_id)
        .bind_optional_int(3, feed.member_id)
        .bind_instant(4, feed.created_at);
    insert.run();
    atomic.commit();
}

std::optional<CalendarFeed> SqliteStore::calendar_feed(std::string_view token_hash) {
    Query query = impl_->query(
        "SELECT token_hash, network_id, member_id, created_at FROM calendar_feeds "
        "WHERE token_hash = ?1",
        "calendar_feed");
    query.bind_blob(1, token_hash);
    if (!query.step()) {
        return std::nullopt;
    }
    CalendarFeed feed;
    feed.token_hash = query.column_blob(0);
    feed.network_id = query.column_int(1);
    feed.member_id = query.column_optional_int(2);
    feed.created_at = query.column_instant(3);
    return feed;
}

bool SqliteStore::has_calendar_feed(Id network_id, std::optional<Id> member_id) {
    Query query = impl_->query(
        "SELECT 1 FROM calendar_feeds WHERE network_id = ?1 AND IFNULL(member_id, 0) = ?2",
        "has_calendar_feed");
    query.bind_int(1, network_id).bind_int(2, member_id.value_or(0));
    return query.step();
}

}  // namespace leernetwerk::storage
