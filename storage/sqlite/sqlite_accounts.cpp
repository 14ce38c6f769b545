// One person, several accounts (issue 16): the codes that link a second account to a member, the
// wrong tries counted against guessing, merging two members into one, and whether a platform
// delivers private messages to an account.
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {
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

void SqliteStore::merge_poll_respondent(Id poll_id, std::string_view into_token,
                                        std::string_view from_token) {
    constexpr std::string_view kOperation = "merge_poll_respondent";
    Atomic atomic{impl_->db(), kOperation};
    const auto run = [&](std::string_view sql) {
        Query query = impl_->query(sql, kOperation);
        query.bind_int(1, poll_id).bind_text(2, into_token).bind_text(3, from_token);
        query.run();
    };
    run("INSERT INTO poll_respondents (poll_id, token, member_id) "
        "SELECT poll_id, ?2, member_id FROM poll_respondents WHERE poll_id = ?1 AND token = ?3 "
        "ON CONFLICT (poll_id, token) DO NOTHING");
    run("INSERT INTO poll_answers (poll_id, token, question, value) "
        "SELECT poll_id, ?2, question, value FROM poll_answers WHERE poll_id = ?1 AND token = ?3 "
        "ON CONFLICT (poll_id, token, question) DO NOTHING");
    run("DELETE FROM poll_answers WHERE poll_id = ?1 AND token = ?3 AND ?2 <> ?3");
    run("DELETE FROM poll_respondents WHERE poll_id = ?1 AND token = ?3 AND ?2 <> ?3");
    atomic.commit();
}

std::optional<OutboxRow> SqliteStore::latest_direct_delivery(Platform platform,
                                                             std::string_view user_id) {
    Query query = impl_->query(
        "SELECT id FROM outbox WHERE platform = ?1 AND user_id = ?2 AND direct = 1 "
        "AND state IN ('sent', 'failed') ORDER BY id DESC LIMIT 1",
        "latest_direct_delivery");
    query.bind_text(1, platform_code(platform)).bind_text(2, user_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return outbox_row(query.column_int(0));
}

}  // namespace leernetwerk::storage
