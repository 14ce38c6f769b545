// The MemoryStore's members, accounts (storage/sqlite_accounts.cpp) and memberships.
#include <algorithm>

#include "bot/vocab/text.hpp"
#include "support/memory_store.hpp"
#include "support/memory_store_rows.hpp"

namespace leernetwerk::testing {
namespace {

constexpr std::chrono::hours kLinkMemory{24};

int role_rank(Role role) {
    switch (role) {
        case Role::facilitator:
            return 6;
        case Role::organiser:
            return 5;
        case Role::workshop_leader:
            return 4;
        case Role::expert:
            return 3;
        case Role::participant:
            return 2;
        case Role::guest:
            return 1;
    }
    return 1;
}
}  // namespace

using memory::no_such;

// ---- schools and members ---------------------------------------------------------------------

Id MemoryStore::school_id(std::string_view name) {
    const std::string key = fold(name);
    for (const auto& [id, school] : state_.schools) {
        if (fold(school.name) == key) {
            return id;
        }
    }
    const Id id = state_.schools.empty() ? 1 : state_.schools.rbegin()->first + 1;
    state_.schools.emplace(id, School{id, std::string{trim(name)}});
    return id;
}

MemoryState::MemberEntry& MemoryStore::member_entry(Id id, std::string_view operation) {
    const auto it = state_.members.find(id);
    if (it == state_.members.end()) {
        no_such(operation, "member", id);
    }
    return it->second;
}

Member MemoryStore::read_member(const MemoryState::MemberEntry& entry) const {
    Member member = entry.member;
    member.school_name.clear();
    if (member.school_id) {
        const auto school = state_.schools.find(*member.school_id);
        if (school != state_.schools.end()) {
            member.school_name = school->second.name;
        }
    }
    member.expertise.clear();
    for (const auto& [tag, key] : entry.expertise) {
        member.expertise.push_back(tag);
    }
    return member;
}

Id MemoryStore::create_member(const Member& member) {
    const Id id = state_.members.empty() ? 1 : state_.members.rbegin()->first + 1;
    MemoryState::MemberEntry entry;
    entry.member = member;
    entry.member.id = id;
    entry.name_key = fold(member.display_name);
    state_.members.emplace(id, std::move(entry));
    set_member_expertise(id, member.expertise);
    return id;
}

std::optional<Member> MemoryStore::member(Id id) {
    const auto it = state_.members.find(id);
    if (it == state_.members.end()) {
        return std::nullopt;
    }
    return read_member(it->second);
}

std::optional<Member> MemoryStore::member_by_identity(Platform platform, std::string_view user_id) {
    const auto it = state_.identities.find({platform, std::string{user_id}});
    if (it == state_.identities.end()) {
        return std::nullopt;
    }
    return member(it->second);
}

std::vector<Member> MemoryStore::members() {
    std::vector<const MemoryState::MemberEntry*> entries;
    for (const auto& [id, entry] : state_.members) {
        entries.push_back(&entry);
    }
    std::stable_sort(entries.begin(), entries.end(),
                     [](const auto* a, const auto* b) { return a->name_key < b->name_key; });
    std::vector<Member> result;
    for (const auto* entry : entries) {
        result.push_back(read_member(*entry));
    }
    return result;
}

void MemoryStore::set_member_school(Id member_id, std::optional<Id> school_id) {
    member_entry(member_id, "set_member_school").member.school_id = school_id;
}

void MemoryStore::set_member_language(Id member_id, std::optional<Lang> language) {
    member_entry(member_id, "set_member_language").member.language = language;
}

void MemoryStore::set_member_display_name(Id member_id, std::string_view name) {
    // As in SQLite: the sort key stays the one of the name the member was created with.
    member_entry(member_id, "set_member_display_name").member.display_name = std::string{name};
}

void MemoryStore::set_member_expertise(Id member_id, const std::vector<std::string>& tags) {
    auto& entry = member_entry(member_id, "set_member_expertise");
    std::vector<std::pair<std::string, std::string>> expertise;
    for (const auto& tag : tags) {
        std::string key = fold(tag);
        const bool seen = std::any_of(expertise.begin(), expertise.end(),
                                      [&](const auto& kept) { return kept.second == key; });
        if (seen) {
            throw StoreError("set_member_expertise: UNIQUE constraint failed");
        }
        expertise.emplace_back(tag, std::move(key));
    }
    entry.expertise = std::move(expertise);
}

void MemoryStore::set_active_network(Id member_id, std::optional<Id> network_id) {
    member_entry(member_id, "set_active_network").member.active_network_id = network_id;
}

void MemoryStore::link_identity(const Identity& identity) {
    if (!state_.members.contains(identity.member_id)) {
        throw StoreError("link_identity: FOREIGN KEY constraint failed");
    }
    state_.identities[{identity.platform, identity.user_id}] = identity.member_id;
}

std::vector<Identity> MemoryStore::identities_of(Id member_id) {
    std::vector<Identity> result;
    for (const auto& [key, member] : state_.identities) {
        if (member == member_id) {
            result.push_back({key.first, key.second, member});
        }
    }
    std::stable_sort(result.begin(), result.end(), [](const auto& a, const auto& b) {
        return std::pair{platform_code(a.platform), std::string_view{a.user_id}} <
               std::pair{platform_code(b.platform), std::string_view{b.user_id}};
    });
    return result;
}

// ---- one person, several accounts ------------------------------------------------------------

void MemoryStore::create_link_code(const LinkCode& code) {
    std::erase_if(state_.link_codes, [&](const auto& entry) {
        const LinkCode& old = entry.second;
        return (old.member_id == code.member_id && !old.used_at) ||
               old.expires_at < code.created_at - kLinkMemory;
    });
    if (state_.link_codes.contains(code.hash)) {
        throw StoreError("create_link_code: UNIQUE constraint failed");
    }
    LinkCode stored = code;
    stored.used_at.reset();
    state_.link_codes.emplace(code.hash, std::move(stored));
}

std::optional<LinkCode> MemoryStore::link_code(std::string_view hash) {
    const auto it = state_.link_codes.find(std::string{hash});
    if (it == state_.link_codes.end()) {
        return std::nullopt;
    }
    return it->second;
}

void MemoryStore::mark_link_code_used(std::string_view hash, Instant now) {
    const auto it = state_.link_codes.find(std::string{hash});
    if (it == state_.link_codes.end()) {
        throw StoreError("mark_link_code_used: no such code");
    }
    it->second.used_at = now;
}

void MemoryStore::record_link_failure(Platform platform, std::string_view user_id, Instant now) {
    std::erase_if(state_.link_failures,
                  [&](const auto& failure) { return std::get<2>(failure) < now - kLinkMemory; });
    state_.link_failures.emplace_back(platform, std::string{user_id}, now);
}

int MemoryStore::link_failures_since(Platform platform, std::string_view user_id, Instant since) {
    return static_cast<int>(
        std::count_if(state_.link_failures.begin(), state_.link_failures.end(), [&](const auto& f) {
            return std::get<0>(f) == platform && std::get<1>(f) == user_id &&
                   std::get<2>(f) >= since;
        }));
}

void MemoryStore::merge_members(Id into, Id from) {
    constexpr std::string_view kOperation = "merge_members";
    if (into == from) {
        throw StoreError("merge_members: a member cannot be merged into itself");
    }
    auto& keep = member_entry(into, kOperation).member;
    auto& gone_entry = member_entry(from, kOperation);
    const Member gone = gone_entry.member;
    if (!keep.school_id) {
        keep.school_id = gone.school_id;
    }
    if (!keep.language) {
        keep.language = gone.language;
    }
    if (!keep.active_network_id) {
        keep.active_network_id = gone.active_network_id;
    }
    auto& expertise = state_.members.at(into).expertise;
    for (const auto& [tag, key] : gone_entry.expertise) {
        const bool has = std::any_of(expertise.begin(), expertise.end(),
                                     [&](const auto& kept) { return kept.second == key; });
        if (!has) {
            expertise.emplace_back(tag, key);
        }
    }
    for (auto& [key, member] : state_.identities) {
        if (member == from) {
            member = into;
        }
    }
    // Memberships: one current membership where both are, the higher role, the earlier date.
    for (auto& mine : state_.memberships) {
        if (mine.membership.member_id != into || mine.left_at) {
            continue;
        }
        for (const auto& other : state_.memberships) {
            if (other.membership.member_id == from && !other.left_at &&
                other.membership.network_id == mine.membership.network_id) {
                if (role_rank(other.membership.role) > role_rank(mine.membership.role)) {
                    mine.membership.role = other.membership.role;
                }
                mine.membership.joined_at =
                    std::min(mine.membership.joined_at, other.membership.joined_at);
            }
        }
    }
    std::erase_if(state_.memberships, [&](const auto& other) {
        return other.membership.member_id == from && !other.left_at &&
               std::any_of(state_.memberships.begin(), state_.memberships.end(),
                           [&](const auto& mine) {
                               return mine.membership.member_id == into && !mine.left_at &&
                                      mine.membership.network_id == other.membership.network_id;
                           });
    });
    for (auto& entry : state_.memberships) {
        if (entry.membership.member_id == from) {
            entry.membership.member_id = into;
        }
    }
    // RSVPs: where both answered, the newer answer counts.
    const auto rsvp_of = [this](Id meeting, Id member) -> const Rsvp* {
        for (const auto& rsvp : state_.rsvps) {
            if (rsvp.meeting_id == meeting && rsvp.member_id == member) {
                return &rsvp;
            }
        }
        return nullptr;
    };
    std::vector<std::pair<Id, Id>> drop;  // (meeting, member)
    for (const auto& rsvp : state_.rsvps) {
        if (rsvp.member_id == from) {
            const Rsvp* mine = rsvp_of(rsvp.meeting_id, into);
            if (mine && mine->updated_at >= rsvp.updated_at) {
                drop.emplace_back(rsvp.meeting_id, from);
            }
        }
    }
    std::erase_if(state_.rsvps, [&](const Rsvp& rsvp) {
        return std::find(drop.begin(), drop.end(), std::pair{rsvp.meeting_id, rsvp.member_id}) !=
               drop.end();
    });
    std::set<Id> from_meetings;
    for (const auto& rsvp : state_.rsvps) {
        if (rsvp.member_id == from) {
            from_meetings.insert(rsvp.meeting_id);
        }
    }
    std::erase_if(state_.rsvps, [&](const Rsvp& rsvp) {
        return rsvp.member_id == into && from_meetings.contains(rsvp.meeting_id);
    });
    for (auto& rsvp : state_.rsvps) {
        if (rsvp.member_id == from) {
            rsvp.member_id = into;
        }
    }
    for (auto& [id, meeting] : state_.meetings) {
        auto& ids = meeting.preparer_ids;
        const bool has_into = std::find(ids.begin(), ids.end(), into) != ids.end();
        if (has_into) {
            std::erase(ids, from);
        } else {
            std::replace(ids.begin(), ids.end(), from, into);
        }
    }
    // Agenda.
    for (auto& [id, item] : state_.agenda_items) {
        auto& submitters = item.submitters;
        const bool has_into = std::any_of(submitters.begin(), submitters.end(),
                                          [&](const auto& s) { return s.member_id == into; });
        if (has_into) {
            std::erase_if(submitters, [&](const auto& s) { return s.member_id == from; });
        } else {
            for (auto& s : submitters) {
                if (s.member_id == from) {
                    s.member_id = into;
                }
            }
        }
        if (item.preparer_id == from) {
            item.preparer_id = into;
        }
    }
    std::set<Id> into_dot_networks;
    for (const auto& [key, value] : state_.agenda_dots) {
        if (key.second == into) {
            into_dot_networks.insert(value.first);
        }
    }
    std::erase_if(state_.agenda_dots, [&](const auto& dot) {
        return dot.first.second == from && into_dot_networks.contains(dot.second.first);
    });
    for (auto it = state_.agenda_dots.begin(); it != state_.agenda_dots.end();) {
        if (it->first.second == from) {
            auto value = it->second;
            const Id item = it->first.first;
            it = state_.agenda_dots.erase(it);
            state_.agenda_dots[{item, into}] = value;
        } else {
            ++it;
        }
    }
    for (auto& [id, round] : state_.agenda_rounds) {
        if (round.opened_by == from) {
            round.opened_by = into;
        }
    }
    // Polls.
    for (auto& [id, poll] : state_.polls) {
        if (poll.created_by == from) {
            poll.created_by = into;
        }
    }
    std::set<std::pair<Id, Id>> invitees;
    for (const auto& [poll, member] : state_.poll_invitees) {
        invitees.insert({poll, member == from ? into : member});
    }
    state_.poll_invitees = std::move(invitees);
    for (auto& [key, respondent] : state_.poll_respondents) {
        if (respondent.member_id == from) {
            respondent.member_id = into;
        }
    }
    // Questions, answers, knowledge.
    for (auto& [id, question] : state_.questions) {
        if (question.asker_member_id == from) {
            question.asker_member_id = into;
        }
    }
    std::set<Id> into_questions;
    for (const auto& route : state_.question_routes) {
        if (route.route.member_id == into) {
            into_questions.insert(route.route.question_id);
        }
    }
    std::erase_if(state_.question_routes, [&](const auto& route) {
        return route.route.member_id == from && into_questions.contains(route.route.question_id);
    });
    for (auto& route : state_.question_routes) {
        if (route.route.member_id == from) {
            route.route.member_id = into;
        }
    }
    for (auto& [id, answer] : state_.answers) {
        if (answer.author_member_id == from) {
            answer.author_member_id = into;
        }
    }
    for (auto& [id, entry] : state_.knowledge) {
        if (entry.author_member_id == from) {
            entry.author_member_id = into;
        }
    }
    for (auto& [key, share] : state_.knowledge_shares) {
        if (share.shared_by == from) {
            share.shared_by = into;
        }
    }
    if (const auto pause = state_.member_pauses.find(from); pause != state_.member_pauses.end()) {
        const auto mine = state_.member_pauses.find(into);
        if (mine == state_.member_pauses.end()) {
            state_.member_pauses.emplace(into, pause->second);
        } else {
            mine->second = std::max(mine->second, pause->second);
        }
    }
    // Messages and open confirmations follow the person.
    for (auto& [id, entry] : state_.outbox) {
        if (entry.sealed_with.empty() && entry.row.message.recipient_member_id == from) {
            entry.row.message.recipient_member_id = into;
        }
    }
    for (auto& [id, pending] : state_.pending) {
        if (pending.member_id == from) {
            pending.member_id = into;
        }
    }
    std::erase_if(state_.link_codes,
                  [&](const auto& code) { return code.second.member_id == from; });
    std::set<Id> into_feed_networks;
    for (const auto& [hash, feed] : state_.calendar_feeds) {
        if (feed.member_id == into) {
            into_feed_networks.insert(feed.network_id);
        }
    }
    std::erase_if(state_.calendar_feeds, [&](const auto& feed) {
        return feed.second.member_id == from && into_feed_networks.contains(feed.second.network_id);
    });
    for (auto& [hash, feed] : state_.calendar_feeds) {
        if (feed.member_id == from) {
            feed.member_id = into;
        }
    }
    merge_participation(into, from);
    delete_member_row(from);
}

std::optional<OutboxRow> MemoryStore::latest_direct_delivery(Platform platform,
                                                             std::string_view user_id) {
    for (auto it = state_.outbox.rbegin(); it != state_.outbox.rend(); ++it) {
        const auto& entry = it->second;
        // A sealed row's plain columns name no user.
        if (!entry.sealed_with.empty()) {
            continue;
        }
        const auto& row = entry.row;
        if (row.message.to.platform == platform && row.message.to.user_id == user_id &&
            row.message.to.direct &&
            (row.state == OutboxState::sent || row.state == OutboxState::failed)) {
            return read_outbox(entry);
        }
    }
    return std::nullopt;
}

// ---- memberships -----------------------------------------------------------------------------

void MemoryStore::add_membership(const Membership& membership) {
    if (!state_.members.contains(membership.member_id) ||
        !state_.networks.contains(membership.network_id)) {
        throw StoreError("add_membership: FOREIGN KEY constraint failed");
    }
    for (auto& entry : state_.memberships) {
        if (entry.membership.network_id == membership.network_id &&
            entry.membership.member_id == membership.member_id && !entry.left_at) {
            entry.membership.role = membership.role;
            return;
        }
    }
    state_.memberships.push_back({membership, std::nullopt});
}

void MemoryStore::end_membership(Id network_id, Id member_id, Instant now) {
    for (auto& entry : state_.memberships) {
        if (entry.membership.network_id == network_id && entry.membership.member_id == member_id &&
            !entry.left_at) {
            entry.left_at = now;
        }
    }
}

std::optional<Membership> MemoryStore::membership(Id network_id, Id member_id) {
    for (const auto& entry : state_.memberships) {
        if (entry.membership.network_id == network_id && entry.membership.member_id == member_id &&
            !entry.left_at) {
            return entry.membership;
        }
    }
    return std::nullopt;
}

std::vector<Membership> MemoryStore::memberships_of(Id member_id) {
    std::vector<Membership> result;
    for (const auto& entry : state_.memberships) {
        if (entry.membership.member_id == member_id && !entry.left_at) {
            result.push_back(entry.membership);
        }
    }
    std::stable_sort(result.begin(), result.end(), [](const auto& a, const auto& b) {
        return std::pair{a.joined_at, a.network_id} < std::pair{b.joined_at, b.network_id};
    });
    return result;
}

std::vector<RosterEntry> MemoryStore::roster(Id network_id) {
    std::vector<std::pair<const MemoryState::MemberEntry*, Membership>> rows;
    for (const auto& entry : state_.memberships) {
        if (entry.membership.network_id == network_id && !entry.left_at) {
            const auto member = state_.members.find(entry.membership.member_id);
            if (member != state_.members.end()) {
                rows.emplace_back(&member->second, entry.membership);
            }
        }
    }
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
        return std::pair{std::string_view{a.first->name_key}, a.first->member.id} <
               std::pair{std::string_view{b.first->name_key}, b.first->member.id};
    });
    std::vector<RosterEntry> result;
    for (const auto& [member, membership] : rows) {
        result.push_back({read_member(*member), membership});
    }
    return result;
}

}  // namespace leernetwerk::testing
