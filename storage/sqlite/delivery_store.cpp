// The outbox on SQLite as the delivery engine sees it: the rows that are due, rows in a state,
// each attempt's outcome, the depth per platform, and pruning what was sent long ago.
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {

std::vector<OutboxRow> SqliteStore::due_outbox(Platform platform, Instant now, int limit,
                                               Id after_id) {
    if (limit <= 0) {
        return {};
    }
    // An update waits while the message it replaces is still pending or sending. In id order, so
    // a conversation's messages go out as they were written (a retried row keeps its place);
    // the outbox_pending index serves the walk and the LIMIT ends it.
    static const std::string kSql = select_sql(kOutboxSelect, R"sql(
WHERE o.platform = ?1 AND o.state = 'pending' AND o.id > ?4 AND o.next_attempt_at <= ?2
  AND (r.id IS NULL OR r.state IN ('sent', 'failed'))
ORDER BY o.id
LIMIT ?3
)sql");
    Query query = impl_->query(kSql, "due_outbox");
    query.bind_text(1, platform_code(platform))
        .bind_instant(2, now)
        .bind_int(3, limit)
        .bind_int(4, after_id);
    return impl_->read_outbox_rows(query);
}

std::vector<OutboxRow> SqliteStore::outbox_in_state(Platform platform, OutboxState state) {
    static const std::string kSql =
        select_sql(kOutboxSelect, "WHERE o.platform = ?1 AND o.state = ?2 ORDER BY o.id");
    Query query = impl_->query(kSql, "outbox_in_state");
    query.bind_text(1, platform_code(platform)).bind_text(2, outbox_state_code(state));
    return impl_->read_outbox_rows(query);
}

void SqliteStore::mark_outbox_sending(Id id, Instant now) {
    Query query = impl_->query(
        "UPDATE outbox SET state = 'sending', attempts = attempts + 1, last_attempt_at = ?2 "
        "WHERE id = ?1",
        "mark_outbox_sending");
    query.bind_int(1, id).bind_instant(2, now);
    Impl::require_changed(query.run(), "mark_outbox_sending", "outbox row", id);
}

void SqliteStore::mark_outbox_sent(Id id, std::string_view remote_id, Instant now) {
    Query query =
        impl_->query("UPDATE outbox SET state = 'sent', remote_id = ?2, sent_at = ?3 WHERE id = ?1",
                     "mark_outbox_sent");
    query.bind_int(1, id).bind_text(2, remote_id).bind_instant(3, now);
    Impl::require_changed(query.run(), "mark_outbox_sent", "outbox row", id);
}

void SqliteStore::mark_outbox_retry(Id id, Instant next_attempt, std::string_view error) {
    Query query = impl_->query(
        "UPDATE outbox SET state = 'pending', next_attempt_at = ?2, last_error = ?3 WHERE id = ?1",
        "mark_outbox_retry");
    query.bind_int(1, id).bind_instant(2, next_attempt).bind_text(3, error);
    Impl::require_changed(query.run(), "mark_outbox_retry", "outbox row", id);
}

void SqliteStore::mark_outbox_failed(Id id, std::string_view error, Instant now) {
    Query query = impl_->query(
        "UPDATE outbox SET state = 'failed', last_error = ?2, failed_at = ?3 WHERE id = ?1",
        "mark_outbox_failed");
    query.bind_int(1, id).bind_text(2, error).bind_instant(3, now);
    Impl::require_changed(query.run(), "mark_outbox_failed", "outbox row", id);
}

int SqliteStore::outbox_depth(Platform platform) {
    Query query = impl_->query(
        "SELECT count(*) FROM outbox WHERE platform = ?1 AND state IN ('pending', 'sending')",
        "outbox_depth");
    query.bind_text(1, platform_code(platform));
    query.step();
    return static_cast<int>(query.column_int(0));
}

int SqliteStore::prune_outbox(Instant before) {
    Query query = impl_->query(
        "DELETE FROM outbox WHERE (state = 'sent' AND sent_at < ?1) OR "
        "(state = 'failed' AND failed_at < ?1)",
        "prune_outbox");
    query.bind_instant(1, before);
    return query.run();
}

}  // namespace leernetwerk::storage
