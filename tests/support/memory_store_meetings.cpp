// The MemoryStore's meetings, confirmations, reminders, jobs, calendar feeds and personal data
// (storage/sqlite_store.cpp, sqlite_calendar.cpp, sqlite_personal_data.cpp).
#include <algorithm>

#include "bot/vocab/text.hpp"
#include "storage/sqlite/content_json.hpp"
#include "support/memory_store.hpp"
#include "support/memory_store_rows.hpp"

namespace leernetwerk::testing {
namespace {

LocalTime to_minute(LocalTime local) {
    return date::floor<std::chrono::minutes>(local);
}

}  // namespace

using memory::no_such;

// ---- meetings and café weeks -----------------------------------------------------------------

Id MemoryStore::create_meeting(const Meeting& meeting) {
    if (!state_.networks.contains(meeting.network_id)) {
        throw StoreError("create_meeting: FOREIGN KEY constraint failed");
    }
    const Id id = state_.meetings.empty() ? 1 : state_.meetings.rbegin()->first + 1;
    Meeting stored = meeting;
    stored.id = id;
    stored.local_start = to_minute(meeting.local_start);
    state_.meetings.emplace(id, std::move(stored));
    return id;
}

void MemoryStore::update_meeting(const Meeting& meeting) {
    const auto it = state_.meetings.find(meeting.id);
    if (it == state_.meetings.end()) {
        no_such("update_meeting", "meeting", meeting.id);
    }
    it->second = meeting;
    it->second.local_start = to_minute(meeting.local_start);
}

std::optional<Meeting> MemoryStore::meeting(Id id) {
    const auto it = state_.meetings.find(id);
    if (it == state_.meetings.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::vector<Meeting> MemoryStore::meetings_of(Id network_id) {
    std::vector<Meeting> result;
    for (const auto& [id, meeting] : state_.meetings) {
        if (meeting.network_id == network_id) {
            result.push_back(meeting);
        }
    }
    std::stable_sort(result.begin(), result.end(),
                     [](const auto& a, const auto& b) { return a.starts_at < b.starts_at; });
    return result;
}

void MemoryStore::set_cafe_weeks(int school_year, const std::vector<CafeWeek>& weeks) {
    std::erase_if(state_.cafe_weeks,
                  [&](const auto& week) { return std::get<0>(week) == school_year; });
    for (const auto& week : weeks) {
        state_.cafe_weeks.insert({school_year, week.iso_year, week.iso_week});
    }
}

std::vector<CafeWeek> MemoryStore::cafe_weeks(int school_year) {
    std::vector<CafeWeek> result;
    for (const auto& [year, iso_year, iso_week] : state_.cafe_weeks) {
        if (year == school_year) {
            result.push_back({year, iso_year, iso_week});
        }
    }
    return result;
}

// ---- pending actions -------------------------------------------------------------------------

Id MemoryStore::create_pending(const PendingAction& pending) {
    if (!state_.members.contains(pending.member_id)) {
        throw StoreError("create_pending: FOREIGN KEY constraint failed");
    }
    const Id id = ++state_.pending_seq;
    PendingAction stored = pending;
    stored.id = id;
    state_.pending.emplace(id, std::move(stored));
    return id;
}

std::optional<PendingAction> MemoryStore::pending(Id id) {
    const auto it = state_.pending.find(id);
    if (it == state_.pending.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::vector<PendingAction> MemoryStore::pending_of_member(Id member_id) {
    std::vector<PendingAction> result;
    for (const auto& [id, pending] : state_.pending) {
        if (pending.member_id == member_id) {
            result.push_back(pending);
        }
    }
    return result;
}

void MemoryStore::set_pending_question(Id pending_id, Id message_id) {
    const auto it = state_.pending.find(pending_id);
    if (it == state_.pending.end()) {
        no_such("set_pending_question", "pending action", pending_id);
    }
    it->second.question_message_id = message_id;
}

void MemoryStore::delete_pending(Id id) {
    state_.pending.erase(id);
}

// ---- reminder rules and RSVPs ----------------------------------------------------------------

std::vector<ReminderRule> MemoryStore::reminder_rules(Id network_id) {
    std::vector<ReminderRule> result;
    for (const auto& [id, rule] : state_.reminder_rules) {
        if (rule.network_id == network_id) {
            result.push_back(rule);
        }
    }
    return result;
}

std::optional<ReminderRule> MemoryStore::reminder_rule(Id id) {
    const auto it = state_.reminder_rules.find(id);
    if (it == state_.reminder_rules.end()) {
        return std::nullopt;
    }
    return it->second;
}

Id MemoryStore::create_reminder_rule(const ReminderRule& rule) {
    const Id id = ++state_.reminder_rule_seq;
    ReminderRule stored = rule;
    stored.id = id;
    state_.reminder_rules.emplace(id, std::move(stored));
    return id;
}

void MemoryStore::update_reminder_rule(const ReminderRule& rule) {
    const auto it = state_.reminder_rules.find(rule.id);
    if (it == state_.reminder_rules.end()) {
        no_such("update_reminder_rule", "reminder rule", rule.id);
    }
    ReminderRule updated = rule;
    updated.network_id = it->second.network_id;
    updated.created_at = it->second.created_at;
    it->second = std::move(updated);
}

void MemoryStore::delete_reminder_rule(Id id) {
    state_.reminder_rules.erase(id);
}

void MemoryStore::set_rsvp(const Rsvp& rsvp) {
    if (!state_.meetings.contains(rsvp.meeting_id) || !state_.members.contains(rsvp.member_id)) {
        throw StoreError("set_rsvp: FOREIGN KEY constraint failed");
    }
    for (auto& kept : state_.rsvps) {
        if (kept.meeting_id == rsvp.meeting_id && kept.member_id == rsvp.member_id) {
            kept = rsvp;
            return;
        }
    }
    state_.rsvps.push_back(rsvp);
}

std::vector<Rsvp> MemoryStore::rsvps_of(Id meeting_id) {
    std::vector<Rsvp> result;
    for (const auto& rsvp : state_.rsvps) {
        if (rsvp.meeting_id == meeting_id) {
            result.push_back(rsvp);
        }
    }
    std::stable_sort(result.begin(), result.end(), [](const auto& a, const auto& b) {
        return std::pair{a.updated_at, a.member_id} < std::pair{b.updated_at, b.member_id};
    });
    return result;
}

std::vector<Rsvp> MemoryStore::rsvps_of_member(Id member_id) {
    std::vector<Rsvp> result;
    for (const auto& rsvp : state_.rsvps) {
        if (rsvp.member_id == member_id) {
            result.push_back(rsvp);
        }
    }
    std::stable_sort(result.begin(), result.end(), [](const auto& a, const auto& b) {
        return std::pair{a.updated_at, a.meeting_id} < std::pair{b.updated_at, b.meeting_id};
    });
    return result;
}

void MemoryStore::clear_rsvps(Id meeting_id) {
    std::erase_if(state_.rsvps, [&](const Rsvp& rsvp) { return rsvp.meeting_id == meeting_id; });
}

// ---- scheduler -------------------------------------------------------------------------------

Id MemoryStore::schedule_job(const Job& job) {
    for (auto& [id, kept] : state_.jobs) {
        if (kept.kind == job.kind && kept.key == job.key) {
            kept.due_at = job.due_at;
            kept.payload = job.payload;
            kept.state = JobState::due;
            return id;
        }
    }
    const Id id = state_.jobs.empty() ? 1 : state_.jobs.rbegin()->first + 1;
    Job stored = job;
    stored.id = id;
    stored.state = JobState::due;
    state_.jobs.emplace(id, std::move(stored));
    return id;
}

std::vector<Job> MemoryStore::due_jobs(Instant now, int limit) {
    std::vector<Job> result;
    if (limit <= 0) {
        return result;
    }
    for (const auto& [id, job] : state_.jobs) {
        if (job.state == JobState::due && job.due_at <= now) {
            result.push_back(job);
        }
    }
    std::stable_sort(result.begin(), result.end(),
                     [](const auto& a, const auto& b) { return a.due_at < b.due_at; });
    if (static_cast<int>(result.size()) > limit) {
        result.resize(static_cast<std::size_t>(limit));
    }
    return result;
}

void MemoryStore::finish_job(Id id) {
    const auto it = state_.jobs.find(id);
    if (it == state_.jobs.end()) {
        no_such("finish_job", "job", id);
    }
    it->second.state = JobState::done;
}

void MemoryStore::cancel_job(std::string_view kind, std::string_view key) {
    for (auto& [id, job] : state_.jobs) {
        if (job.kind == kind && job.key == key && job.state == JobState::due) {
            job.state = JobState::cancelled;
        }
    }
}

std::optional<Job> MemoryStore::job(std::string_view kind, std::string_view key) {
    for (const auto& [id, job] : state_.jobs) {
        if (job.kind == kind && job.key == key) {
            return job;
        }
    }
    return std::nullopt;
}

std::vector<Job> MemoryStore::jobs_with_key_prefix(std::string_view kind,
                                                   std::string_view key_prefix) {
    std::vector<Job> result;
    for (const auto& [id, job] : state_.jobs) {
        if (job.kind == kind && std::string_view{job.key}.starts_with(key_prefix)) {
            result.push_back(job);
        }
    }
    std::sort(result.begin(), result.end(),
              [](const auto& a, const auto& b) { return a.key < b.key; });
    return result;
}

std::optional<Instant> MemoryStore::next_job_due() {
    std::optional<Instant> earliest;
    for (const auto& [id, job] : state_.jobs) {
        if (job.state == JobState::due && (!earliest || job.due_at < *earliest)) {
            earliest = job.due_at;
        }
    }
    return earliest;
}

// ---- calendar feeds --------------------------------------------------------------------------

void MemoryStore::replace_calendar_feed(const CalendarFeed& feed) {
    std::erase_if(state_.calendar_feeds, [&](const auto& entry) {
        return entry.second.network_id == feed.network_id &&
               entry.second.member_id.value_or(0) == feed.member_id.value_or(0);
    });
    if (state_.calendar_feeds.contains(feed.token_hash)) {
        throw StoreError("replace_calendar_feed: UNIQUE constraint failed");
    }
    state_.calendar_feeds.emplace(feed.token_hash, feed);
}

std::optional<CalendarFeed> MemoryStore::calendar_feed(std::string_view token_hash) {
    const auto it = state_.calendar_feeds.find(std::string{token_hash});
    if (it == state_.calendar_feeds.end()) {
        return std::nullopt;
    }
    return it->second;
}

bool MemoryStore::has_calendar_feed(Id network_id, std::optional<Id> member_id) {
    return std::any_of(state_.calendar_feeds.begin(), state_.calendar_feeds.end(),
                       [&](const auto& entry) {
                           return entry.second.network_id == network_id &&
                                  entry.second.member_id.value_or(0) == member_id.value_or(0);
                       });
}

// ---- personal data ---------------------------------------------------------------------------

std::vector<PastMembership> MemoryStore::ended_memberships_of(Id member_id) {
    std::vector<PastMembership> result;
    for (const auto& entry : state_.memberships) {
        if (entry.membership.member_id == member_id && entry.left_at) {
            result.push_back({entry.membership.network_id, entry.membership.role,
                              entry.membership.joined_at, *entry.left_at});
        }
    }
    std::stable_sort(result.begin(), result.end(), [](const auto& a, const auto& b) {
        return std::pair{a.left_at, a.network_id} < std::pair{b.left_at, b.network_id};
    });
    return result;
}

int MemoryStore::outbox_count_for_member(Id member_id) {
    int count = 0;
    for (const auto& [id, entry] : state_.outbox) {
        if (entry.sealed_with.empty()
                ? entry.row.message.recipient_member_id == member_id
                : entry.row.state != OutboxState::sending && sealed_recipient(entry) == member_id) {
            ++count;
        }
    }
    return count;
}

void MemoryStore::delete_member_row(Id member_id) {
    state_.members.erase(member_id);
    std::erase_if(state_.identities, [&](const auto& entry) { return entry.second == member_id; });
    std::erase_if(state_.memberships,
                  [&](const auto& entry) { return entry.membership.member_id == member_id; });
    for (auto& [id, meeting] : state_.meetings) {
        std::erase(meeting.preparer_ids, member_id);
    }
    for (auto& [id, entry] : state_.outbox) {
        if (entry.sealed_with.empty() && entry.row.message.recipient_member_id == member_id) {
            entry.row.message.recipient_member_id = 0;
        }
        if (entry.cause && entry.cause->member_id == member_id) {
            entry.cause.reset();
        }
    }
    std::erase_if(state_.pending,
                  [&](const auto& entry) { return entry.second.member_id == member_id; });
    std::erase_if(state_.rsvps, [&](const Rsvp& rsvp) { return rsvp.member_id == member_id; });
    for (auto& [id, correction] : state_.hours_corrections) {
        if (correction.by_member_id == member_id) {
            correction.by_member_id.reset();
        }
    }
    for (auto& [id, gift] : state_.gifts) {
        if (gift.member_id == member_id) {
            gift.member_id.reset();
        }
    }
    for (auto& [id, item] : state_.agenda_items) {
        if (item.preparer_id == member_id) {
            item.preparer_id.reset();
        }
        std::erase_if(item.submitters, [&](const auto& s) { return s.member_id == member_id; });
    }
    std::erase_if(state_.agenda_dots,
                  [&](const auto& dot) { return dot.first.second == member_id; });
    for (auto& [id, round] : state_.agenda_rounds) {
        if (round.opened_by == member_id) {
            round.opened_by.reset();
        }
    }
    for (auto& [id, poll] : state_.polls) {
        if (poll.created_by == member_id) {
            poll.created_by = 0;
        }
    }
    std::erase_if(state_.poll_invitees,
                  [&](const auto& entry) { return entry.second == member_id; });
    for (auto& [key, respondent] : state_.poll_respondents) {
        if (respondent.member_id == member_id) {
            respondent.member_id.reset();
        }
    }
    for (auto& [id, entry] : state_.knowledge) {
        if (entry.author_member_id == member_id) {
            entry.author_member_id.reset();
        }
    }
    for (auto& [key, share] : state_.knowledge_shares) {
        if (share.shared_by == member_id) {
            share.shared_by.reset();
        }
    }
    for (auto& [id, question] : state_.questions) {
        if (question.asker_member_id == member_id) {
            question.asker_member_id = 0;
        }
    }
    std::erase_if(state_.question_routes,
                  [&](const auto& route) { return route.route.member_id == member_id; });
    for (auto& [id, answer] : state_.answers) {
        if (answer.author_member_id == member_id) {
            answer.author_member_id = 0;
        }
    }
    state_.member_pauses.erase(member_id);
    std::erase_if(state_.link_codes,
                  [&](const auto& code) { return code.second.member_id == member_id; });
    std::erase_if(state_.calendar_feeds,
                  [&](const auto& feed) { return feed.second.member_id == member_id; });
}

void MemoryStore::erase_member(Id member_id) {
    member_entry(member_id, "erase_member");
    const auto sending = [](const MemoryState::OutboxEntry& entry) {
        return entry.row.state == OutboxState::sending;
    };
    const auto theirs = [&](const MemoryState::OutboxEntry& entry) {
        return entry.sealed_with.empty() && entry.row.message.recipient_member_id == member_id;
    };
    // Updates of their own messages first, then the messages themselves.
    std::set<Id> mine;
    for (const auto& [id, entry] : state_.outbox) {
        if (theirs(entry)) {
            mine.insert(id);
        }
    }
    std::set<Id> updates;
    for (const auto& [id, entry] : state_.outbox) {
        if (!sending(entry) && entry.row.message.replaces &&
            mine.contains(*entry.row.message.replaces)) {
            updates.insert(id);
        }
    }
    delete_outbox_rows(updates);
    std::set<Id> messages;
    for (const auto& [id, entry] : state_.outbox) {
        if (theirs(entry) && !sending(entry)) {
            messages.insert(id);
        }
    }
    delete_outbox_rows(messages);
    for (auto& [id, entry] : state_.outbox) {
        if (entry.cause && entry.cause->member_id == member_id) {
            entry.cause.reset();
        }
    }
    // The sealed ones, with their updates.
    std::vector<Id> sealed;
    for (const auto& [id, entry] : state_.outbox) {
        if (!entry.sealed_with.empty() && !sending(entry) && sealed_recipient(entry) == member_id) {
            sealed.push_back(id);
        }
    }
    for (const Id id : sealed) {
        std::set<Id> rows;
        for (const auto& [other, entry] : state_.outbox) {
            if (!sending(entry) && (other == id || entry.row.message.replaces == id)) {
                rows.insert(other);
            }
        }
        delete_outbox_rows(rows);
    }
    // Their answers to named polls.
    std::erase_if(state_.poll_answers, [&](const auto& answer) {
        const auto& [poll, token, question] = answer.first;
        const auto respondent = state_.poll_respondents.find({poll, token});
        return respondent != state_.poll_respondents.end() &&
               respondent->second.member_id == member_id;
    });
    std::erase_if(state_.poll_respondents,
                  [&](const auto& entry) { return entry.second.member_id == member_id; });
    std::erase_if(state_.link_failures, [&](const auto& failure) {
        const auto it = state_.identities.find({std::get<0>(failure), std::get<1>(failure)});
        return it != state_.identities.end() && it->second == member_id;
    });
    erase_participation(member_id);
    delete_member_row(member_id);
}

void MemoryStore::release_outbox_row(Id id, const Content& content) {
    const auto it = state_.outbox.find(id);
    if (it == state_.outbox.end() || !it->second.sealed_with.empty()) {
        return;
    }
    auto& message = it->second.row.message;
    message.recipient_member_id = 0;
    message.content = storage::content_from_json(storage::content_to_json(content));
    if (!message.to.conversation_id.empty()) {
        message.to.user_id.clear();
    }
}

int MemoryStore::next_number(Id network_id, const std::string& kind) {
    return ++state_.network_numbers[{network_id, kind}];
}

}  // namespace leernetwerk::testing
