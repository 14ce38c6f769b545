// Hours corrections, gifts of theme preparers, and closed school years (issue 17).
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {
namespace {

constexpr std::string_view kCorrectionSelect =
    "SELECT id, network_id, member_id, school_year, kind, delta_tenths, reason, by_member_id, "
    "created_at FROM hours_corrections ";

HoursCorrection read_correction(const Query& query) {
    HoursCorrection correction;
    correction.id = query.column_int(0);
    correction.network_id = query.column_int(1);
    correction.member_id = query.column_int(2);
    correction.school_year = static_cast<int>(query.column_int(3));
    const std::string kind = query.column_text(4);
    correction.kind = decode(parse_hours_kind_code(kind), "hours kind", kind);
    correction.delta_tenths = static_cast<int>(query.column_int(5));
    correction.reason = query.column_text(6);
    correction.by_member_id = query.column_optional_int(7);
    correction.created_at = query.column_instant(8);
    return correction;
}

constexpr std::string_view kGiftSelect =
    "SELECT id, network_id, school_year, number, member_id, name, school, prepared, status, "
    "given_at, created_at FROM gifts ";

Gift read_gift(const Query& query) {
    Gift gift;
    gift.id = query.column_int(0);
    gift.network_id = query.column_int(1);
    gift.school_year = static_cast<int>(query.column_int(2));
    gift.number = static_cast<int>(query.column_int(3));
    gift.member_id = query.column_optional_int(4);
    gift.name = query.column_text(5);
    gift.school = query.column_text(6);
    gift.prepared = query.column_text(7);
    const std::string status = query.column_text(8);
    gift.status = decode(parse_gift_status_code(status), "gift status", status);
    if (const auto given = query.column_optional_int(9)) {
        gift.given_at = Instant{std::chrono::seconds{*given}};
    }
    gift.created_at = query.column_instant(10);
    return gift;
}

}  // namespace

Id SqliteStore::add_hours_correction(const HoursCorrection& correction) {
    Query query = impl_->query(
        "INSERT INTO hours_corrections (network_id, member_id, school_year, kind, delta_tenths, "
        "reason, by_member_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        "add_hours_correction");
    query.bind_int(1, correction.network_id)
        .bind_int(2, correction.member_id)
        .bind_int(3, correction.school_year)
        .bind_text(4, hours_kind_code(correction.kind))
        .bind_int(5, correction.delta_tenths)
        .bind_text(6, correction.reason)
        .bind_optional_int(7, correction.by_member_id)
        .bind_instant(8, correction.created_at);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

std::vector<HoursCorrection> SqliteStore::hours_corrections(Id network_id, int school_year) {
    static const std::string kSql = std::string(kCorrectionSelect) +
                                    "WHERE network_id = ?1 AND school_year = ?2 ORDER BY id";
    Query query = impl_->query(kSql, "hours_corrections");
    query.bind_int(1, network_id).bind_int(2, school_year);
    std::vector<HoursCorrection> result;
    while (query.step()) {
        result.push_back(read_correction(query));
    }
    return result;
}

std::vector<HoursCorrection> SqliteStore::hours_corrections_of_member(Id member_id) {
    static const std::string kSql =
        std::string(kCorrectionSelect) + "WHERE member_id = ?1 ORDER BY id";
    Query query = impl_->query(kSql, "hours_corrections_of_member");
    query.bind_int(1, member_id);
    std::vector<HoursCorrection> result;
    while (query.step()) {
        result.push_back(read_correction(query));
    }
    return result;
}

Id SqliteStore::add_gift(const Gift& gift) {
    // Numbers count per network and year and are never handed out twice: gifts are not deleted.
    Query query = impl_->query(
        "INSERT INTO gifts (network_id, school_year, number, member_id, name, school, prepared, "
        "status, given_at, created_at) VALUES (?1, ?2, (SELECT IFNULL(max(number), 0) + 1 FROM "
        "gifts WHERE network_id = ?1 AND school_year = ?2), ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
        "RETURNING id",
        "add_gift");
    query.bind_int(1, gift.network_id)
        .bind_int(2, gift.school_year)
        .bind_optional_int(3, gift.member_id)
        .bind_text(4, gift.name)
        .bind_text(5, gift.school)
        .bind_text(6, gift.prepared)
        .bind_text(7, gift_status_code(gift.status));
    if (gift.given_at) {
        query.bind_instant(8, *gift.given_at);
    } else {
        query.bind_null(8);
    }
    query.bind_instant(9, gift.created_at);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

std::vector<Gift> SqliteStore::gifts(Id network_id, int school_year) {
    static const std::string kSql =
        std::string(kGiftSelect) + "WHERE network_id = ?1 AND school_year = ?2 ORDER BY number";
    Query query = impl_->query(kSql, "gifts");
    query.bind_int(1, network_id).bind_int(2, school_year);
    std::vector<Gift> result;
    while (query.step()) {
        result.push_back(read_gift(query));
    }
    return result;
}

std::vector<Gift> SqliteStore::gifts_of_member(Id member_id) {
    static const std::string kSql = std::string(kGiftSelect) + "WHERE member_id = ?1 ORDER BY id";
    Query query = impl_->query(kSql, "gifts_of_member");
    query.bind_int(1, member_id);
    std::vector<Gift> result;
    while (query.step()) {
        result.push_back(read_gift(query));
    }
    return result;
}

void SqliteStore::mark_gift_given(Id gift_id, Instant now) {
    Query query = impl_->query(
        "UPDATE gifts SET status = 'given', given_at = ?2 WHERE id = ?1 AND status = 'due'",
        "mark_gift_given");
    query.bind_int(1, gift_id).bind_instant(2, now);
    query.run();
}

void SqliteStore::close_year(const YearClosure& closure) {
    Query query = impl_->query(
        "INSERT INTO year_closures (network_id, school_year, closed_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (network_id, school_year) DO NOTHING",
        "close_year");
    query.bind_int(1, closure.network_id)
        .bind_int(2, closure.school_year)
        .bind_instant(3, closure.closed_at);
    query.run();
}

std::optional<YearClosure> SqliteStore::year_closure(Id network_id, int school_year) {
    Query query = impl_->query(
        "SELECT network_id, school_year, closed_at FROM year_closures "
        "WHERE network_id = ?1 AND school_year = ?2",
        "year_closure");
    query.bind_int(1, network_id).bind_int(2, school_year);
    if (!query.step()) {
        return std::nullopt;
    }
    return YearClosure{query.column_int(0), static_cast<int>(query.column_int(1)),
                       query.column_instant(2)};
}

}  // namespace leernetwerk::storage
