// Memberships on SQLite: members' roles in networks, current and ended.
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {

namespace {

Membership read_membership(const Query& query, int first) {
    Membership membership;
    membership.network_id = query.column_int(first);
    membership.member_id = query.column_int(first + 1);
    const std::string role = query.column_text(first + 2);
    membership.role = decode(parse_role_code(role), "role", role);
    membership.joined_at = query.column_instant(first + 3);
    return membership;
}

}  // namespace

void SqliteStore::add_membership(const Membership& membership) {
    // At most one current row per (network, member): a member already in keeps their joined_at.
    Query query = impl_->query(
        "INSERT INTO memberships (network_id, member_id, role, joined_at) "
        "VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (network_id, member_id) WHERE left_at IS NULL "
        "DO UPDATE SET role = excluded.role",
        "add_membership");
    query.bind_int(1, membership.network_id)
        .bind_int(2, membership.member_id)
        .bind_text(3, role_code(membership.role))
        .bind_instant(4, membership.joined_at);
    query.run();
}

void SqliteStore::end_membership(Id network_id, Id member_id, Instant now) {
    Query query = impl_->query(
        "UPDATE memberships SET left_at = ?3 "
        "WHERE network_id = ?1 AND member_id = ?2 AND left_at IS NULL",
        "end_membership");
    query.bind_int(1, network_id).bind_int(2, member_id).bind_instant(3, now);
    query.run();
}

std::optional<Membership> SqliteStore::membership(Id network_id, Id member_id) {
    Query query = impl_->query(
        "SELECT network_id, member_id, role, joined_at FROM memberships "
        "WHERE network_id = ?1 AND member_id = ?2 AND left_at IS NULL",
        "membership");
    query.bind_int(1, network_id).bind_int(2, member_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_membership(query, 0);
}

std::vector<Membership> SqliteStore::memberships_of(Id member_id) {
    Query query = impl_->query(
        "SELECT network_id, member_id, role, joined_at FROM memberships "
        "WHERE member_id = ?1 AND left_at IS NULL ORDER BY joined_at, network_id",
        "memberships_of");
    query.bind_int(1, member_id);
    std::vector<Membership> result;
    while (query.step()) {
        result.push_back(read_membership(query, 0));
    }
    return result;
}

std::vector<RosterEntry> SqliteStore::roster(Id network_id) {
    // The kMemberSelect columns, then the membership's from column 7.
    constexpr std::string_view kSql = R"sql(
SELECT m.id, m.display_name, m.school_id, COALESCE(s.name, ''), m.language,
       m.active_network_id, m.created_at,
       ms.network_id, ms.member_id, ms.role, ms.joined_at
FROM memberships AS ms
JOIN members AS m ON m.id = ms.member_id
LEFT JOIN schools AS s ON s.id = m.school_id
WHERE ms.network_id = ?1 AND ms.left_at IS NULL
ORDER BY m.name_key, m.id
)sql";
    std::vector<RosterEntry> result;
    {
        Query query = impl_->query(kSql, "roster");
        query.bind_int(1, network_id);
        while (query.step()) {
            result.push_back({read_member(query), read_membership(query, 7)});
        }
    }
    for (RosterEntry& entry : result) {
        impl_->load_expertise(entry.member);
    }
    return result;
}

}  // namespace leernetwerk::storage
