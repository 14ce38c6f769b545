// Meetings (with their preparers) and café weeks on SQLite.
#include <array>
#include <charconv>
#include <cstdio>
#include <string>

#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {

namespace {

/// "YYYY-MM-DD HH:MM"; seconds are dropped (meetings are planned to the minute).
std::string format_local_start(LocalTime local) {
    const auto day = date::floor<date::days>(local);
    const date::year_month_day ymd{day};
    const auto minutes = date::floor<std::chrono::minutes>(local - day).count();
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02u %02d:%02d",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(minutes / 60),
                  static_cast<int>(minutes % 60));
    return buffer.data();
}

LocalTime parse_local_start(const std::string& text) {
    const auto number = [&text](std::size_t offset, std::size_t length) {
        int value = -1;
        const char* first = text.data() + offset;
        const auto [end, error] = std::from_chars(first, first + length, value);
        return error == std::errc{} && end == first + length ? value : -1;
    };
    if (text.size() == 16 && text[4] == '-' && text[7] == '-' && text[10] == ' ' &&
        text[13] == ':') {
        const int year = number(0, 4);
        const int month = number(5, 2);
        const int day = number(8, 2);
        const int hour = number(11, 2);
        const int minute = number(14, 2);
        const date::year_month_day ymd{date::year{year}, date::month(static_cast<unsigned>(month)),
                                       date::day(static_cast<unsigned>(day))};
        if (year >= 0 && month > 0 && day > 0 && ymd.ok() && hour >= 0 && hour < 24 &&
            minute >= 0 && minute < 60) {
            return LocalTime{date::local_days{ymd}} + std::chrono::hours{hour} +
                   std::chrono::minutes{minute};
        }
    }
    throw StoreError("corrupt row: meeting local_start '" + text + "'");
}

constexpr std::string_view kMeetingSelect = R"sql(
SELECT id, network_id, local_start, starts_at, duration_minutes, location, topic, status,
       created_at, revision
FROM meetings
)sql";

Meeting read_meeting(const Query& query) {
    Meeting meeting;
    meeting.id = query.column_int(0);
    meeting.network_id = query.column_int(1);
    meeting.local_start = parse_local_start(query.column_text(2));
    meeting.starts_at = query.column_instant(3);
    meeting.duration_minutes = static_cast<int>(query.column_int(4));
    meeting.location = query.column_text(5);
    meeting.topic = query.column_text(6);
    const std::string status = query.column_text(7);
    meeting.status = decode(parse_meeting_status_code(status), "meeting status", status);
    meeting.created_at = query.column_instant(8);
    meeting.revision = static_cast<int>(query.column_int(9));
    return meeting;
}

}  // namespace

Id SqliteStore::create_meeting(const Meeting& meeting) {
    Atomic atomic{impl_->db(), "create_meeting"};
    Id id = 0;
    {
        Query query = impl_->query(R"sql(
INSERT INTO meetings (network_id, local_start, starts_at, duration_minutes, location, topic,
                      status, created_at, revision)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
RETURNING id
)sql",
                                   "create_meeting");
        query.bind_int(1, meeting.network_id)
            .bind_text(2, format_local_start(meeting.local_start))
            .bind_instant(3, meeting.starts_at)
            .bind_int(4, meeting.duration_minutes)
            .bind_text(5, meeting.location)
            .bind_text(6, meeting.topic)
            .bind_text(7, meeting_status_code(meeting.status))
            .bind_instant(8, meeting.created_at)
            .bind_int(9, meeting.revision);
        query.step();
        id = query.column_int(0);
        query.run();
    }
    impl_->insert_preparers(meeting, id, "create_meeting");
    atomic.commit();
    return id;
}

void SqliteStore::update_meeting(const Meeting& meeting) {
    Atomic atomic{impl_->db(), "update_meeting"};
    {
        Query query = impl_->query(R"sql(
UPDATE meetings SET network_id = ?2, local_start = ?3, starts_at = ?4, duration_minutes = ?5,
                    location = ?6, topic = ?7, status = ?8, created_at = ?9, revision = ?10
WHERE id = ?1
)sql",
                                   "update_meeting");
        query.bind_int(1, meeting.id)
            .bind_int(2, meeting.network_id)
            .bind_text(3, format_local_start(meeting.local_start))
            .bind_instant(4, meeting.starts_at)
            .bind_int(5, meeting.duration_minutes)
            .bind_text(6, meeting.location)
            .bind_text(7, meeting.topic)
            .bind_text(8, meeting_status_code(meeting.status))
            .bind_instant(9, meeting.created_at)
            .bind_int(10, meeting.revision);
        Impl::require_changed(query.run(), "update_meeting", "meeting", meeting.id);
    }
    {
        Query query =
            impl_->query("DELETE FROM meeting_preparers WHERE meeting_id = ?1", "update_meeting");
        query.bind_int(1, meeting.id);
        query.run();
    }
    impl_->insert_preparers(meeting, meeting.id, "update_meeting");
    atomic.commit();
}

std::optional<Meeting> SqliteStore::meeting(Id id) {
    static const std::string kSql = select_sql(kMeetingSelect, "WHERE id = ?1");
    std::optional<Meeting> result;
    {
        Query query = impl_->query(kSql, "meeting");
        query.bind_int(1, id);
        if (!query.step()) {
            return std::nullopt;
        }
        result = read_meeting(query);
    }
    impl_->load_preparers(*result);
    return result;
}

std::vector<Meeting> SqliteStore::meetings_of(Id network_id) {
    static const std::string kSql =
        select_sql(kMeetingSelect, "WHERE network_id = ?1 ORDER BY starts_at, id");
    std::vector<Meeting> result;
    {
        Query query = impl_->query(kSql, "meetings_of");
        query.bind_int(1, network_id);
        while (query.step()) {
            result.push_back(read_meeting(query));
        }
    }
    for (Meeting& meeting : result) {
        impl_->load_preparers(meeting);
    }
    return result;
}

void SqliteStore::set_cafe_weeks(int school_year, const std::vector<CafeWeek>& weeks) {
    Atomic atomic{impl_->db(), "set_cafe_weeks"};
    {
        Query query =
            impl_->query("DELETE FROM cafe_weeks WHERE school_year = ?1", "set_cafe_weeks");
        query.bind_int(1, school_year);
        query.run();
    }
    for (const CafeWeek& week : weeks) {
        // The school year comes from the argument; a week listed twice is kept once.
        Query query = impl_->query(
            "INSERT INTO cafe_weeks (school_year, iso_year, iso_week) VALUES (?1, ?2, ?3) "
            "ON CONFLICT DO NOTHING",
            "set_cafe_weeks");
        query.bind_int(1, school_year).bind_int(2, week.iso_year).bind_int(3, week.iso_week);
        query.run();
    }
    atomic.commit();
}

std::vector<CafeWeek> SqliteStore::cafe_weeks(int school_year) {
    Query query = impl_->query(
        "SELECT school_year, iso_year, iso_week FROM cafe_weeks WHERE school_year = ?1 "
        "ORDER BY iso_year, iso_week",
        "cafe_weeks");
    query.bind_int(1, school_year);
    std::vector<CafeWeek> result;
    while (query.step()) {
        result.push_back({static_cast<int>(query.column_int(0)),
                          static_cast<int>(query.column_int(1)),
                          static_cast<unsigned>(query.column_int(2))});
    }
    return result;
}

}  // namespace leernetwerk::storage
