// Confirmations waiting for an answer (pending actions) on SQLite.
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {

namespace {

constexpr std::string_view kPendingSelect = R"sql(
SELECT id, member_id, network_id, kind, payload, created_at, expires_at, question_message_id
FROM pending_actions
)sql";

PendingAction read_pending(const Query& query) {
    PendingAction pending;
    pending.id = query.column_int(0);
    pending.member_id = query.column_int(1);
    pending.network_id = query.column_optional_int(2).value_or(0);
    pending.kind = query.column_text(3);
    pending.payload = query.column_text(4);
    pending.created_at = query.column_instant(5);
    pending.expires_at = query.column_instant(6);
    pending.question_message_id = query.column_optional_int(7);
    return pending;
}

}  // namespace

Id SqliteStore::create_pending(const PendingAction& pending) {
    Query query = impl_->query(R"sql(
INSERT INTO pending_actions (member_id, network_id, kind, payload, created_at, expires_at,
                             question_message_id)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
RETURNING id
)sql",
                               "create_pending");
    query.bind_int(1, pending.member_id)
        .bind_optional_int(2, id_or_null(pending.network_id))
        .bind_text(3, pending.kind)
        .bind_text(4, pending.payload)
        .bind_instant(5, pending.created_at)
        .bind_instant(6, pending.expires_at)
        .bind_optional_int(7, pending.question_message_id);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

std::optional<PendingAction> SqliteStore::pending(Id id) {
    static const std::string kSql = select_sql(kPendingSelect, "WHERE id = ?1");
    Query query = impl_->query(kSql, "pending");
    query.bind_int(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_pending(query);
}

std::vector<PendingAction> SqliteStore::pending_of_member(Id member_id) {
    static const std::string kSql = select_sql(kPendingSelect, "WHERE member_id = ?1 ORDER BY id");
    Query query = impl_->query(kSql, "pending_of_member");
    query.bind_int(1, member_id);
    std::vector<PendingAction> out;
    while (query.step()) {
        out.push_back(read_pending(query));
    }
    return out;
}

void SqliteStore::set_pending_question(Id pending_id, Id message_id) {
    Query query = impl_->query("UPDATE pending_actions SET question_message_id = ?2 WHERE id = ?1",
                               "set_pending_question");
    query.bind_int(1, pending_id).bind_int(2, message_id);
    Impl::require_changed(query.run(), "set_pending_question", "pending action", pending_id);
}

void SqliteStore::delete_pending(Id id) {
    Query query = impl_->query("DELETE FROM pending_actions WHERE id = ?1", "delete_pending");
    query.bind_int(1, id);
    query.run();
}

}  // namespace leernetwerk::storage
