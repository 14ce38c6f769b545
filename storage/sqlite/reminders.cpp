// Reminder rules and RSVPs on SQLite.
#include <chrono>

#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {

namespace {

constexpr std::string_view kReminderRuleSelect = R"sql(
SELECT id, network_id, kind, anchor, offset_days, time_of_day, audience, role, enabled, text,
       created_at
FROM reminder_rules
)sql";

ReminderRule read_reminder_rule(const Query& query) {
    ReminderRule rule;
    rule.id = query.column_int(0);
    rule.network_id = query.column_int(1);
    const std::string kind = query.column_text(2);
    rule.kind = decode(parse_reminder_kind_code(kind), "reminder kind", kind);
    const std::string anchor = query.column_text(3);
    rule.anchor = decode(parse_reminder_anchor_code(anchor), "reminder anchor", anchor);
    rule.offset_days = static_cast<int>(query.column_int(4));
    rule.time_of_day = std::chrono::minutes{query.column_int(5)};
    const std::string audience = query.column_text(6);
    rule.audience = decode(parse_audience_code(audience), "audience", audience);
    const std::string role = query.column_text(7);
    rule.role = decode(parse_role_code(role), "role", role);
    rule.enabled = query.column_int(8) != 0;
    rule.text = query.column_text(9);
    rule.created_at = query.column_instant(10);
    return rule;
}

}  // namespace

Rsvp read_rsvp(const Query& query) {
    Rsvp rsvp;
    rsvp.meeting_id = query.column_int(0);
    rsvp.member_id = query.column_int(1);
    const std::string answer = query.column_text(2);
    rsvp.answer = decode(parse_rsvp_answer_code(answer), "rsvp answer", answer);
    rsvp.reason = query.column_text(3);
    rsvp.updated_at = query.column_instant(4);
    return rsvp;
}

std::vector<ReminderRule> SqliteStore::reminder_rules(Id network_id) {
    static const std::string kSql =
        select_sql(kReminderRuleSelect, "WHERE network_id = ?1 ORDER BY id");
    Query query = impl_->query(kSql, "reminder_rules");
    query.bind_int(1, network_id);
    std::vector<ReminderRule> result;
    while (query.step()) {
        result.push_back(read_reminder_rule(query));
    }
    return result;
}

std::optional<ReminderRule> SqliteStore::reminder_rule(Id id) {
    static const std::string kSql = select_sql(kReminderRuleSelect, "WHERE id = ?1");
    Query query = impl_->query(kSql, "reminder_rule");
    query.bind_int(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_reminder_rule(query);
}

Id SqliteStore::create_reminder_rule(const ReminderRule& rule) {
    Query query = impl_->query(R"sql(
INSERT INTO reminder_rules (network_id, kind, anchor, offset_days, time_of_day, audience, role,
                            enabled, text, created_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
RETURNING id
)sql",
                               "create_reminder_rule");
    query.bind_int(1, rule.network_id)
        .bind_text(2, reminder_kind_code(rule.kind))
        .bind_text(3, reminder_anchor_code(rule.anchor))
        .bind_int(4, rule.offset_days)
        .bind_int(5, rule.time_of_day.count())
        .bind_text(6, audience_code(rule.audience))
        .bind_text(7, role_code(rule.role))
        .bind_int(8, rule.enabled ? 1 : 0)
        .bind_text(9, rule.text)
        .bind_instant(10, rule.created_at);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

void SqliteStore::update_reminder_rule(const ReminderRule& rule) {
    Query query = impl_->query(R"sql(
UPDATE reminder_rules SET kind = ?2, anchor = ?3, offset_days = ?4, time_of_day = ?5,
                          audience = ?6, role = ?7, enabled = ?8, text = ?9
WHERE id = ?1
)sql",
                               "update_reminder_rule");
    query.bind_int(1, rule.id)
        .bind_text(2, reminder_kind_code(rule.kind))
        .bind_text(3, reminder_anchor_code(rule.anchor))
        .bind_int(4, rule.offset_days)
        .bind_int(5, rule.time_of_day.count())
        .bind_text(6, audience_code(rule.audience))
        .bind_text(7, role_code(rule.role))
        .bind_int(8, rule.enabled ? 1 : 0)
        .bind_text(9, rule.text);
    Impl::require_changed(query.run(), "update_reminder_rule", "reminder rule", rule.id);
}

void SqliteStore::delete_reminder_rule(Id id) {
    Query query = impl_->query("DELETE FROM reminder_rules WHERE id = ?1", "delete_reminder_rule");
    query.bind_int(1, id);
    query.run();
}

void SqliteStore::set_rsvp(const Rsvp& rsvp) {
    Query query = impl_->query(
        "INSERT INTO rsvps (meeting_id, member_id, answer, reason, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (meeting_id, member_id) DO UPDATE SET answer = excluded.answer, "
        "reason = excluded.reason, updated_at = excluded.updated_at",
        "set_rsvp");
    query.bind_int(1, rsvp.meeting_id)
        .bind_int(2, rsvp.member_id)
        .bind_text(3, rsvp_answer_code(rsvp.answer))
        .bind_text(4, rsvp.reason)
        .bind_instant(5, rsvp.updated_at);
    query.run();
}

std::vector<Rsvp> SqliteStore::rsvps_of(Id meeting_id) {
    static const std::string kSql =
        select_sql(kRsvpSelect, "WHERE meeting_id = ?1 ORDER BY updated_at, member_id");
    Query query = impl_->query(kSql, "rsvps_of");
    query.bind_int(1, meeting_id);
    std::vector<Rsvp> result;
    while (query.step()) {
        result.push_back(read_rsvp(query));
    }
    return result;
}

void SqliteStore::clear_rsvps(Id meeting_id) {
    Query query = impl_->query("DELETE FROM rsvps WHERE meeting_id = ?1", "clear_rsvps");
    query.bind_int(1, meeting_id);
    query.run();
}

}  // namespace leernetwerk::storage
