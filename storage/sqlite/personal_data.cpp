// What the store keeps about one member, for "mijn gegevens" and "vergeet mij".
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {

std::vector<PastMembership> SqliteStore::ended_memberships_of(Id member_id) {
    Query query = impl_->query(
        "SELECT network_id, role, joined_at, left_at FROM memberships "
        "WHERE member_id = ?1 AND left_at IS NOT NULL ORDER BY left_at, network_id",
        "ended_memberships_of");
    query.bind_int(1, member_id);
    std::vector<PastMembership> result;
    while (query.step()) {
        PastMembership past;
        past.network_id = query.column_int(0);
        const std::string role = query.column_text(1);
        past.role = decode(parse_role_code(role), "role", role);
        past.joined_at = query.column_instant(2);
        past.left_at = query.column_instant(3);
        result.push_back(past);
    }
    return result;
}

std::vector<Rsvp> SqliteStore::rsvps_of_member(Id member_id) {
    static const std::string kSql =
        select_sql(kRsvpSelect, "WHERE member_id = ?1 ORDER BY updated_at, meeting_id");
    Query query = impl_->query(kSql, "rsvps_of_member");
    query.bind_int(1, member_id);
    std::vector<Rsvp> result;
    while (query.step()) {
        result.push_back(read_rsvp(query));
    }
    return result;
}

int SqliteStore::outbox_count_for_member(Id member_id) {
    Query query = impl_->query("SELECT count(*) FROM outbox WHERE recipient_member_id = ?1",
                               "outbox_count_for_member");
    query.bind_int(1, member_id);
    query.step();
    // With the sealed messages an open anonymous poll caused them, which only the key opens.
    return static_cast<int>(query.column_int(0)) +
           static_cast<int>(impl_->sealed_rows_for(member_id).size());
}

void SqliteStore::erase_member(Id member_id) {
    constexpr std::string_view kOperation = "erase_member";
    Atomic atomic{impl_->db(), kOperation};
    impl_->require_member(member_id, kOperation);
    // Updates of their own messages first (an edit of a question sent to them alone would
    // otherwise, its original gone, be sent as a new message), then the messages themselves. A
    // row being sent right now is left to finish; the foreign key clears its recipient.
    Query updates = impl_->query(
        "DELETE FROM outbox WHERE state <> 'sending' AND replaces_id IN "
        "(SELECT id FROM outbox WHERE recipient_member_id = ?1)",
        kOperation);
    updates.bind_int(1, member_id);
    updates.run();
    Query messages = impl_->query(
        "DELETE FROM outbox WHERE recipient_member_id = ?1 AND state <> 'sending'", kOperation);
    messages.bind_int(1, member_id);
    messages.run();
    // Replies to them in group conversations stay (the group saw them), without saying whose
    // message they answered or where it was written.
    Query causes = impl_->query(
        "UPDATE outbox SET cause_member_id = NULL, cause_origin = NULL WHERE cause_member_id = ?1",
        kOperation);
    causes.bind_int(1, member_id);
    causes.run();
    // The sealed ones (an open anonymous poll's questions and receipts to them), with their
    // updates; their answers stay in the poll's ballots, which name nobody.
    for (const auto id : impl_->sealed_rows_for(member_id)) {
        Query sealed = impl_->query(
            "DELETE FROM outbox WHERE state <> 'sending' AND (id = ?1 OR replaces_id = ?1)",
            kOperation);
        sealed.bind_int(1, id);
        sealed.run();
    }
    // Their answers to named polls: found through the respondent row that names them (an
    // anonymous poll's row names nobody, so its answers cannot be found and stay as totals).
    Query answers = impl_->query(
        "DELETE FROM poll_answers WHERE EXISTS (SELECT 1 FROM poll_respondents r "
        "WHERE r.member_id = ?1 AND r.poll_id = poll_answers.poll_id "
        "AND r.token = poll_answers.token)",
        kOperation);
    answers.bind_int(1, member_id);
    answers.run();
    Query respondents =
        impl_->query("DELETE FROM poll_respondents WHERE member_id = ?1", kOperation);
    respondents.bind_int(1, member_id);
    respondents.run();
    // Wrong link codes typed on any of their accounts (their codes go with the member row).
    Query failures = impl_->query(
        "DELETE FROM link_failures WHERE EXISTS (SELECT 1 FROM identities i "
        "WHERE i.member_id = ?1 AND i.platform = link_failures.platform "
        "AND i.user_id = link_failures.user_id)",
        kOperation);
    failures.bind_int(1, member_id);
    failures.run();
    // Attendance and hours corrections stay for the network's figures under a number that
    // names nobody (the next negative one, shared by this member's rows only); the gift list
    // keeps the line without the name and school.
    Query pseudonym = impl_->query(
        "SELECT min(0, IFNULL((SELECT min(member_id) FROM attendance), 0), "
        "IFNULL((SELECT min(member_id) FROM hours_corrections), 0)) - 1",
        kOperation);
    pseudonym.step();
    const Id nobody = pseudonym.column_int(0);
    pseudonym.run();
    for (const auto* sql : {"UPDATE attendance SET member_id = ?2 WHERE member_id = ?1",
                            "UPDATE hours_corrections SET member_id = ?2 WHERE member_id = ?1"}) {
        Query rekey = impl_->query(sql, kOperation);
        rekey.bind_int(1, member_id).bind_int(2, nobody);
        rekey.run();
    }
    Query gifts = impl_->query(
        "UPDATE gifts SET member_id = NULL, name = '', school = '' WHERE member_id = ?1",
        kOperation);
    gifts.bind_int(1, member_id);
    gifts.run();
    // Profile, expertise, accounts (every one of them: one person may have linked several), link
    // codes, memberships, RSVPs, preparer roles, open confirmations, poll
    // invitations, the agenda items' "brought in by" and dots go with the member row (ON DELETE
    // CASCADE); the items themselves stay with the network, without their name.
    Query member = impl_->query("DELETE FROM members WHERE id = ?1", kOperation);
    member.bind_int(1, member_id);
    member.run();
    atomic.commit();
}

}  // namespace leernetwerk::storage
