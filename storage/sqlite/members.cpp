// Members on SQLite: schools, members and their expertise, their platform accounts, and one
// person with several accounts (issue 16): the codes that link a second account to a member, the
// wrong tries counted against guessing, and merging two members into one.
#include <string>

#include "bot/vocab/text.hpp"
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {

namespace {

constexpr std::string_view kMemberSelect = R"sql(
SELECT m.id, m.display_name, m.school_id, COALESCE(s.name, ''), m.language,
       m.active_network_id, m.created_at
FROM members AS m LEFT JOIN schools AS s ON s.id = m.school_id
)sql";

}  // namespace

/// Reads the kMemberSelect columns; expertise is loaded separately.
Member read_member(const Query& query) {
    Member member;
    member.id = query.column_int(0);
    member.display_name = query.column_text(1);
    member.school_id = query.column_optional_int(2);
    member.school_name = query.column_text(3);
    const std::string language = query.column_text(4);
    if (!language.empty()) {
        member.language = decode(parse_lang(language), "language", language);
    }
    member.active_network_id = query.column_optional_int(5);
    member.created_at = query.column_instant(6);
    return member;
}

std::vector<Member> SqliteStore::Impl::read_members(Query& query) {
    std::vector<Member> result;
    while (query.step()) {
        result.push_back(read_member(query));
    }
    return result;
}

Id SqliteStore::school_id(std::string_view name) {
    // The no-op update makes RETURNING yield the existing row; the first spelling is kept.
    Query query = impl_->query(
        "INSERT INTO schools (name, name_key) VALUES (?1, ?2) "
        "ON CONFLICT (name_key) DO UPDATE SET name = name RETURNING id",
        "school_id");
    query.bind_text(1, trim(name)).bind_text(2, fold(name));
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

Id SqliteStore::create_member(const Member& member) {
    Atomic atomic{impl_->db(), "create_member"};
    Id id = 0;
    {
        Query query = impl_->query(
            "INSERT INTO members (display_name, name_key, school_id, language, "
            "active_network_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
            "create_member");
        query.bind_text(1, member.display_name)
            .bind_text(2, fold(member.display_name))
            .bind_optional_int(3, member.school_id)
            .bind_optional_int(5, member.active_network_id)
            .bind_instant(6, member.created_at);
        if (member.language) {
            query.bind_text(4, lang_code(*member.language));
        }
        query.step();
        id = query.column_int(0);
        query.run();
    }
    set_member_expertise(id, member.expertise);
    atomic.commit();
    return id;
}

std::optional<Member> SqliteStore::member(Id id) {
    static const std::string kSql = select_sql(kMemberSelect, "WHERE m.id = ?1");
    std::optional<Member> result;
    {
        Query query = impl_->query(kSql, "member");
        query.bind_int(1, id);
        if (!query.step()) {
            return std::nullopt;
        }
        result = read_member(query);
    }
    impl_->load_expertise(*result);
    return result;
}

std::optional<Member> SqliteStore::member_by_identity(Platform platform, std::string_view user_id) {
    static const std::string kSql = select_sql(
        kMemberSelect,
        "JOIN identities AS i ON i.member_id = m.id WHERE i.platform = ?1 AND i.user_id = ?2");
    std::optional<Member> result;
    {
        Query query = impl_->query(kSql, "member_by_identity");
        query.bind_text(1, platform_code(platform)).bind_text(2, user_id);
        if (!query.step()) {
            return std::nullopt;
        }
        result = read_member(query);
    }
    impl_->load_expertise(*result);
    return result;
}

std::vector<Member> SqliteStore::members() {
    static const std::string kSql = select_sql(kMemberSelect, "ORDER BY m.name_key, m.id");
    std::vector<Member> result;
    {
        Query query = impl_->query(kSql, "members");
        result = impl_->read_members(query);
    }
    for (Member& member : result) {
        impl_->load_expertise(member);
    }
    return result;
}

void SqliteStore::set_member_school(Id member_id, std::optional<Id> school_id) {
    Query query =
        impl_->query("UPDATE members SET school_id = ?2 WHERE id = ?1", "set_member_school");
    query.bind_int(1, member_id).bind_optional_int(2, school_id);
    Impl::require_changed(query.run(), "set_member_school", "member", member_id);
}

void SqliteStore::set_member_language(Id member_id, std::optional<Lang> language) {
    Query query =
        impl_->query("UPDATE members SET language = ?2 WHERE id = ?1", "set_member_language");
    query.bind_int(1, member_id);
    if (language) {
        query.bind_text(2, lang_code(*language));
    }
    Impl::require_changed(query.run(), "set_member_language", "member", member_id);
}

void SqliteStore::set_member_display_name(Id member_id, std::string_view name) {
    Query query = impl_->query("UPDATE members SET display_name = ?2 WHERE id = ?1",
                               "set_member_display_name");
    query.bind_int(1, member_id).bind_text(2, name);
    Impl::require_changed(query.run(), "set_member_display_name", "member", member_id);
}

void SqliteStore::set_member_expertise(Id member_id, const std::vector<std::string>& tags) {
    Atomic atomic{impl_->db(), "set_member_expertise"};
    impl_->require_member(member_id, "set_member_expertise");
    {
        Query query = impl_->query("DELETE FROM member_expertise WHERE member_id = ?1",
                                   "set_member_expertise");
        query.bind_int(1, member_id);
        query.run();
    }
    for (std::size_t position = 0; position < tags.size(); ++position) {
        Query query = impl_->query(
            "INSERT INTO member_expertise (member_id, position, tag, tag_key) "
            "VALUES (?1, ?2, ?3, ?4)",
            "set_member_expertise");
        query.bind_int(1, member_id)
            .bind_int(2, static_cast<std::int64_t>(position))
            .bind_text(3, tags[position])
            .bind_text(4, fold(tags[position]));
        query.run();
    }
    atomic.commit();
}

void SqliteStore::set_active_network(Id member_id, std::optional<Id> network_id) {
    Query query = impl_->query("UPDATE members SET active_network_id = ?2 WHERE id = ?1",
                               "set_active_network");
    query.bind_int(1, member_id).bind_optional_int(2, network_id);
    Impl::require_changed(query.run(), "set_active_network", "member", member_id);
}

void SqliteStore::link_identity(const Identity& identity) {
    Query query = impl_->query(
        "INSERT INTO identities (platform, user_id, member_id) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (platform, user_id) DO UPDATE SET member_id = excluded.member_id",
        "link_identity");
    query.bind_text(1, platform_code(identity.platform))
        .bind_text(2, identity.user_id)
        .bind_int(3, identity.member_id);
    query.run();
}

std::vector<Identity> SqliteStore::identities_of(Id member_id) {
    Query query = impl_->query(
        "SELECT platform, user_id, member_id FROM identities WHERE member_id = ?1 "
        "ORDER BY platform, user_id",
        "identities_of");
    query.bind_int(1, member_id);
    std::vector<Identity> result;
    while (query.step()) {
        Identity identity;
        const std::string platform = query.column_text(0);
        identity.platform = decode(parse_platform_code(platform), "platform", platform);
        identity.user_id = query.column_text(1);
        identity.member_id = query.column_int(2);
        result.push_back(std::move(identity));
    }
    return result;
}

// ---- one person, several accounts ------------------------------------------------------------

namespace {

/// How long wrong tries and expired codes are kept: the rate limit looks back an hour.
constexpr std::chrono::hours kLinkMemory{24};

/// The order of roles when two accounts of one person were both in a network: the one that may
/// do more wins.
constexpr std::string_view kRoleRank =
    "CASE {} WHEN 'facilitator' THEN 6 WHEN 'organiser' THEN 5 WHEN 'workshop_leader' THEN 4 "
    "WHEN 'expert' THEN 3 WHEN 'participant' THEN 2 ELSE 1 END";

std::string rank_of(std::string_view column) {
    std::string out(kRoleRank);
    out.replace(out.find("{}"), 2, column);
    return out;
}

}  // namespace

void SqliteStore::create_link_code(const LinkCode& code) {
    constexpr std::string_view kOperation = "create_link_code";
    Atomic atomic{impl_->db(), kOperation};
    Query withdraw = impl_->query(
        "DELETE FROM link_codes WHERE (member_id = ?1 AND used_at IS NULL) OR expires_at < ?2",
        kOperation);
    withdraw.bind_int(1, code.member_id).bind_instant(2, code.created_at - kLinkMemory);
    withdraw.run();
    Query insert = impl_->query(
        "INSERT INTO link_codes (code_hash, member_id, platform, user_id, created_at, expires_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        kOperation);
    insert.bind_blob(1, code.hash)
        .bind_int(2, code.member_id)
        .bind_text(3, platform_code(code.platform))
        .bind_text(4, code.user_id)
        .bind_instant(5, code.created_at)
        .bind_instant(6, code.expires_at);
    insert.run();
    atomic.commit();
}

std::optional<LinkCode> SqliteStore::link_code(std::string_view hash) {
    Query query = impl_->query(
        "SELECT code_hash, member_id, platform, user_id, created_at, expires_at, used_at "
        "FROM link_codes WHERE code_hash = ?1",
        "link_code");
    query.bind_blob(1, hash);
    if (!query.step()) {
        return std::nullopt;
    }
    LinkCode code;
    code.hash = query.column_blob(0);
    code.member_id = query.column_int(1);
    const std::string platform = query.column_text(2);
    code.platform = decode(parse_platform_code(platform), "platform", platform);
    code.user_id = query.column_text(3);
    code.created_at = query.column_instant(4);
    code.expires_at = query.column_instant(5);
    if (const auto used = query.column_optional_int(6)) {
        code.used_at = Instant{std::chrono::seconds{*used}};
    }
    return code;
}

void SqliteStore::mark_link_code_used(std::string_view hash, Instant now) {
    Query query = impl_->query("UPDATE link_codes SET used_at = ?2 WHERE code_hash = ?1",
                               "mark_link_code_used");
    query.bind_blob(1, hash).bind_instant(2, now);
    if (query.run() == 0) {
        throw StoreError("mark_link_code_used: no such code");
    }
}

void SqliteStore::record_link_failure(Platform platform, std::string_view user_id, Instant now) {
    constexpr std::string_view kOperation = "record_link_failure";
    Atomic atomic{impl_->db(), kOperation};
    Query forget = impl_->query("DELETE FROM link_failures WHERE at < ?1", kOperation);
    forget.bind_instant(1, now - kLinkMemory);
    forget.run();
    Query insert = impl_->query(
        "INSERT INTO link_failures (platform, user_id, at) VALUES (?1, ?2, ?3)", kOperation);
    insert.bind_text(1, platform_code(platform)).bind_text(2, user_id).bind_instant(3, now);
    insert.run();
    atomic.commit();
}

int SqliteStore::link_failures_since(Platform platform, std::string_view user_id, Instant since) {
    Query query = impl_->query(
        "SELECT count(*) FROM link_failures WHERE platform = ?1 AND user_id = ?2 AND at >= ?3",
        "link_failures_since");
    query.bind_text(1, platform_code(platform)).bind_text(2, user_id).bind_instant(3, since);
    query.step();
    return static_cast<int>(query.column_int(0));
}

void SqliteStore::merge_members(Id into, Id from) {
    constexpr std::string_view kOperation = "merge_members";
    if (into == from) {
        throw StoreError("merge_members: a member cannot be merged into itself");
    }
    Atomic atomic{impl_->db(), kOperation};
    impl_->require_member(into, kOperation);
    impl_->require_member(from, kOperation);
    // Every statement reads ?1 as the member that stays and ?2 as the one that goes.
    const auto run = [&](const std::string& sql) {
        Query query = impl_->query(sql, kOperation);
        query.bind_int(1, into).bind_int(2, from);
        query.run();
    };
    // The profile: what the staying member has not set comes from the other.
    run("UPDATE members SET "
        "school_id = coalesce(school_id, (SELECT school_id FROM members WHERE id = ?2)), "
        "language = coalesce(language, (SELECT language FROM members WHERE id = ?2)), "
        "active_network_id = coalesce(active_network_id, "
        "(SELECT active_network_id FROM members WHERE id = ?2)) WHERE id = ?1");
    run("INSERT INTO member_expertise (member_id, position, tag, tag_key) "
        "SELECT ?1, (SELECT coalesce(max(position), -1) FROM member_expertise WHERE member_id = ?1)"
        " + row_number() OVER (ORDER BY position), tag, tag_key FROM member_expertise "
        "WHERE member_id = ?2 AND tag_key NOT IN "
        "(SELECT tag_key FROM member_expertise WHERE member_id = ?1)");
    run("UPDATE identities SET member_id = ?1 WHERE member_id = ?2");
    // Memberships: in a network where both are, one membership with the higher role and the
    // earlier date; ended memberships are history and all kept.
    run("UPDATE memberships SET role = CASE WHEN " + rank_of("other.role") + " > " +
        rank_of("memberships.role") +
        " THEN other.role ELSE memberships.role END, "
        "joined_at = min(memberships.joined_at, other.joined_at) "
        "FROM memberships AS other WHERE memberships.member_id = ?1 "
        "AND memberships.left_at IS NULL AND other.member_id = ?2 AND other.left_at IS NULL "
        "AND other.network_id = memberships.network_id");
    run("DELETE FROM memberships WHERE member_id = ?2 AND left_at IS NULL AND network_id IN "
        "(SELECT network_id FROM memberships WHERE member_id = ?1 AND left_at IS NULL)");
    run("UPDATE memberships SET member_id = ?1 WHERE member_id = ?2");
    // Answers to "do you come?": where both answered, the newer answer counts.
    run("DELETE FROM rsvps WHERE member_id = ?2 AND EXISTS (SELECT 1 FROM rsvps AS mine "
        "WHERE mine.member_id = ?1 AND mine.meeting_id = rsvps.meeting_id "
        "AND mine.updated_at >= rsvps.updated_at)");
    run("DELETE FROM rsvps WHERE member_id = ?1 AND meeting_id IN "
        "(SELECT meeting_id FROM rsvps WHERE member_id = ?2)");
    run("UPDATE rsvps SET member_id = ?1 WHERE member_id = ?2");
    run("DELETE FROM meeting_preparers WHERE member_id = ?2 AND meeting_id IN "
        "(SELECT meeting_id FROM meeting_preparers WHERE member_id = ?1)");
    run("UPDATE meeting_preparers SET member_id = ?1 WHERE member_id = ?2");
    // Agenda: items brought in by both stay brought in once; in a dot vote where both placed
    // dots, the staying member's count (one person, one set of dots).
    run("DELETE FROM agenda_submitters WHERE member_id = ?2 AND item_id IN "
        "(SELECT item_id FROM agenda_submitters WHERE member_id = ?1)");
    run("UPDATE agenda_submitters SET member_id = ?1 WHERE member_id = ?2");
    run("DELETE FROM agenda_dots WHERE member_id = ?2 AND network_id IN "
        "(SELECT network_id FROM agenda_dots WHERE member_id = ?1)");
    run("UPDATE agenda_dots SET member_id = ?1 WHERE member_id = ?2");
    run("UPDATE agenda_items SET preparer_id = ?1 WHERE preparer_id = ?2");
    run("UPDATE agenda_rounds SET opened_by = ?1 WHERE opened_by = ?2");
    // Polls: invitations and named answers. (An anonymous answer names nobody and stays as it is.)
    run("UPDATE polls SET created_by = ?1 WHERE created_by = ?2");
    run("DELETE FROM poll_invitees WHERE member_id = ?2 AND poll_id IN "
        "(SELECT poll_id FROM poll_invitees WHERE member_id = ?1)");
    run("UPDATE poll_invitees SET member_id = ?1 WHERE member_id = ?2");
    run("UPDATE poll_respondents SET member_id = ?1 WHERE member_id = ?2");
    // Questions, answers, knowledge.
    run("UPDATE questions SET asker_member_id = ?1 WHERE asker_member_id = ?2");
    run("DELETE FROM question_routes WHERE member_id = ?2 AND question_id IN "
        "(SELECT question_id FROM question_routes WHERE member_id = ?1)");
    run("UPDATE question_routes SET member_id = ?1 WHERE member_id = ?2");
    run("UPDATE answers SET author_member_id = ?1 WHERE author_member_id = ?2");
    run("UPDATE knowledge_entries SET author_member_id = ?1 WHERE author_member_id = ?2");
    run("UPDATE knowledge_shares SET shared_by_member_id = ?1 WHERE shared_by_member_id = ?2");
    run("INSERT INTO member_pauses (member_id, until) "
        "SELECT ?1, until FROM member_pauses WHERE member_id = ?2 "
        "ON CONFLICT (member_id) DO UPDATE SET until = max(until, excluded.until)");
    // Attendance: where both are on a meeting's list, present wins; hours corrections and gifts
    // follow the person.
    run("UPDATE attendance SET present = 1 WHERE member_id = ?1 AND meeting_id IN "
        "(SELECT meeting_id FROM attendance WHERE member_id = ?2 AND present = 1)");
    run("DELETE FROM attendance WHERE member_id = ?2 AND meeting_id IN "
        "(SELECT meeting_id FROM attendance WHERE member_id = ?1)");
    run("UPDATE attendance SET member_id = ?1 WHERE member_id = ?2");
    run("UPDATE hours_corrections SET member_id = ?1 WHERE member_id = ?2");
    run("UPDATE hours_corrections SET by_member_id = ?1 WHERE by_member_id = ?2");
    run("UPDATE gifts SET member_id = ?1 WHERE member_id = ?2");
    // Messages and open confirmations follow the person.
    run("UPDATE outbox SET recipient_member_id = ?1 WHERE recipient_member_id = ?2");
    run("UPDATE pending_actions SET member_id = ?1 WHERE member_id = ?2");
    run("DELETE FROM link_codes WHERE member_id = ?2");
    // A personal calendar feed keeps working for the person (the one `into` had wins).
    run("DELETE FROM calendar_feeds WHERE member_id = ?2 AND network_id IN "
        "(SELECT network_id FROM calendar_feeds WHERE member_id = ?1)");
    run("UPDATE calendar_feeds SET member_id = ?1 WHERE member_id = ?2");
    // What is left of `from` (its expertise, a pause) goes with its row.
    run("DELETE FROM members WHERE id = ?2");
    atomic.commit();
}

}  // namespace leernetwerk::storage
