// Attendance lists of meetings: who actually came (issue 17).
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {
namespace {

constexpr std::string_view kMarkSelect =
    "SELECT meeting_id, member_id, present, source, updated_at FROM attendance ";

AttendanceMark read_mark(const Query& query) {
    AttendanceMark mark;
    mark.meeting_id = query.column_int(0);
    mark.member_id = query.column_int(1);
    mark.present = query.column_int(2) != 0;
    const std::string source = query.column_text(3);
    mark.source = decode(parse_attendance_source_code(source), "attendance source", source);
    mark.updated_at = query.column_instant(4);
    return mark;
}

}  // namespace

bool SqliteStore::open_attendance(Id meeting_id, Instant now) {
    Query query = impl_->query(
        "INSERT INTO attendance_lists (meeting_id, opened_at) VALUES (?1, ?2) "
        "ON CONFLICT (meeting_id) DO NOTHING",
        "open_attendance");
    query.bind_int(1, meeting_id).bind_instant(2, now);
    return query.run() > 0;
}

std::optional<AttendanceList> SqliteStore::attendance_list(Id meeting_id) {
    Query query = impl_->query(
        "SELECT meeting_id, opened_at, closed_at, card_message_id FROM attendance_lists "
        "WHERE meeting_id = ?1",
        "attendance_list");
    query.bind_int(1, meeting_id);
    if (!query.step()) {
        return std::nullopt;
    }
    AttendanceList list;
    list.meeting_id = query.column_int(0);
    list.opened_at = query.column_instant(1);
    if (const auto closed = query.column_optional_int(2)) {
        list.closed_at = Instant{std::chrono::seconds{*closed}};
    }
    list.card_message_id = query.column_optional_int(3);
    return list;
}

void SqliteStore::close_attendance(Id meeting_id, Instant now) {
    Query query = impl_->query(
        "UPDATE attendance_lists SET closed_at = ?2 WHERE meeting_id = ?1 AND closed_at IS NULL",
        "close_attendance");
    query.bind_int(1, meeting_id).bind_instant(2, now);
    query.run();
}

void SqliteStore::reopen_attendance(Id meeting_id) {
    Query query = impl_->query("UPDATE attendance_lists SET closed_at = NULL WHERE meeting_id = ?1",
                               "reopen_attendance");
    query.bind_int(1, meeting_id);
    query.run();
}

void SqliteStore::set_attendance_card(Id meeting_id, Id message_id) {
    Query query = impl_->query(
        "UPDATE attendance_lists SET card_message_id = ?2 WHERE meeting_id = ?1",
        "set_attendance_card");
    query.bind_int(1, meeting_id).bind_int(2, message_id);
    query.run();
}

void SqliteStore::set_attendance(const AttendanceMark& mark) {
    Query query = impl_->query(
        "INSERT INTO attendance (meeting_id, member_id, present, source, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (meeting_id, member_id) DO UPDATE SET present = excluded.present, "
        "source = excluded.source, updated_at = excluded.updated_at",
        "set_attendance");
    query.bind_int(1, mark.meeting_id)
        .bind_int(2, mark.member_id)
        .bind_int(3, mark.present ? 1 : 0)
        .bind_text(4, attendance_source_code(mark.source))
        .bind_instant(5, mark.updated_at);
    query.run();
}

std::vector<AttendanceMark> SqliteStore::attendance_of(Id meeting_id) {
    static const std::string kSql =
        std::string(kMarkSelect) + "WHERE meeting_id = ?1 ORDER BY member_id";
    Query query = impl_->query(kSql, "attendance_of");
    query.bind_int(1, meeting_id);
    std::vector<AttendanceMark> result;
    while (query.step()) {
        result.push_back(read_mark(query));
    }
    return result;
}

std::vector<AttendanceMark> SqliteStore::attendance_of_member(Id member_id) {
    static const std::string kSql =
        "SELECT a.meeting_id, a.member_id, a.present, a.source, a.updated_at FROM attendance a "
        "JOIN meetings m ON m.id = a.meeting_id WHERE a.member_id = ?1 "
        "ORDER BY m.starts_at, a.meeting_id";
    Query query = impl_->query(kSql, "attendance_of_member");
    query.bind_int(1, member_id);
    std::vector<AttendanceMark> result;
    while (query.step()) {
        result.push_back(read_mark(query));
    }
    return result;
}

}  // namespace leernetwerk::storage
