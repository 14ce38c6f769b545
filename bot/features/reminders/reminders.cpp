// Reminders around meetings and café weeks, and who comes (RSVP).
//
// A network's reminder rules live in the store; each occurrence of a rule (for one meeting, or one
// café week) is a scheduler job with a unique key, so it fires once. Rules are local wall times in
// the network's zone, turned into instants only when scheduling, and moved out of quiet hours,
// weekends and school holidays to the next allowed moment. A job found late (the bot was down)
// is sent while it is still worth it (each kind has a catch-up window) and otherwise dropped with
// a line in the log.
#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "bot/features/reminders/reminder_parts.hpp"
#include "bot/features/participation/participation.hpp"
#include "bot/parse/commands.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/send_window.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

using std::chrono::days;
using std::chrono::hours;

ReminderRule rule_of(Id network_id, ReminderKind kind, ReminderAnchor anchor, int offset_days,
                     int hour, Audience audience, Instant now) {
    ReminderRule rule;
    rule.network_id = network_id;
    rule.kind = kind;
    rule.anchor = anchor;
    rule.offset_days = offset_days;
    rule.time_of_day = hours{hour};
    rule.audience = audience;
    rule.created_at = now;
    return rule;
}

std::string network_prefix(Id network_id) {
    return "n" + std::to_string(network_id) + ":";
}

std::string week_key(Id network_id, Id rule_id, const CafeWeek& week) {
    return network_prefix(network_id) + "r" + std::to_string(rule_id) + ":w" +
           std::to_string(week.iso_year) + "-" + std::to_string(week.iso_week);
}

std::optional<long long> number_at(std::string_view& text, char tag) {
    if (text.empty() || text.front() != tag) {
        return std::nullopt;
    }
    text.remove_prefix(1);
    long long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end == text.data()) {
        return std::nullopt;
    }
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return value;
}

std::int64_t seconds_of(Instant instant) {
    return std::chrono::duration_cast<std::chrono::seconds>(instant.time_since_epoch()).count();
}

/// One occurrence of a rule: when it is due and what it is about.
struct Occurrence {
    std::string key;
    Instant due{};
};

/// When a rule fires for an anchor day; nullopt when no moment is allowed (or the zone is
/// unknown) or, for reminders before a meeting, when the allowed moment comes too late.
std::optional<Instant> due_for(const ReminderRule& rule, LocalDay anchor_day,
                               const std::string& zone, const SendWindow& window,
                               std::optional<Instant> meeting_start) {
    const auto at = at_wall_time(anchor_day + days{rule.offset_days}, rule.time_of_day, zone);
    if (!at) {
        return std::nullopt;
    }
    const auto allowed = next_allowed(*at, zone, window);
    if (!allowed || (meeting_start && before_meeting(rule) && *allowed >= *meeting_start)) {
        return std::nullopt;
    }
    return allowed;
}

std::vector<Occurrence> occurrences(Store& store, const BotSettings& settings,
                                    const Network& network, const std::vector<ReminderRule>& rules,
                                    Instant now) {
    std::vector<Occurrence> out;
    const auto& zone = network.time_zone;
    const auto& window = settings.send_window;
    // Past meetings stay in view as long as a rule after them (the evaluation prompt, a
    // "14 dagen na") and its catch-up window can still be ahead.
    int latest_after = 0;
    for (const auto& rule : rules) {
        if (rule.enabled && rule.anchor == ReminderAnchor::meeting) {
            latest_after = std::max(latest_after, rule.offset_days);
        }
    }
    const auto horizon = days{latest_after + 1} + catch_up_window(ReminderKind::preparer_nudge);
    std::vector<Meeting> meetings;
    for (auto& meeting : store.meetings_of(network.id)) {
        if (meeting.status == MeetingStatus::planned && meeting.starts_at + horizon > now) {
            meetings.push_back(std::move(meeting));
        }
    }
    std::vector<CafeWeek> weeks;
    if (const auto local = to_local(now, zone)) {
        const auto year = school_year_of(date::floor<days>(*local));
        for (const auto school_year : {year, year + 1}) {
            for (const auto& week : store.cafe_weeks(school_year)) {
                weeks.push_back(week);
            }
        }
    }
    // The local day each meeting's day-before reminder goes out. A digest, agenda call or RSVP
    // nudge pushed onto that day by a weekend or holiday (a Saturday digest moved to Monday for a
    // Tuesday meeting; everything after the Christmas holiday) would only repeat it: the
    // reminder has the details, who comes, and the Ik kom / Ik kan niet buttons.
    std::map<Id, LocalDay> reminder_day;
    for (const auto& rule : rules) {
        if (!rule.enabled || rule.kind != ReminderKind::meeting_reminder) {
            continue;
        }
        for (const auto& meeting : meetings) {
            const auto day = date::floor<days>(meeting.local_start);
            const auto due = due_for(rule, day, zone, window, meeting.starts_at);
            const auto local = due ? to_local(*due, zone) : std::nullopt;
            if (local) {
                const auto it = reminder_day.find(meeting.id);
                const auto on = date::floor<days>(*local);
                if (it == reminder_day.end() || on < it->second) {
                    reminder_day[meeting.id] = on;
                }
            }
        }
    }
    for (const auto& rule : rules) {
        if (!rule.enabled) {
            continue;
        }
        if (rule.anchor == ReminderAnchor::meeting) {
            for (const auto& meeting : meetings) {
                const auto day = date::floor<days>(meeting.local_start);
                const auto due = due_for(rule, day, zone, window, meeting.starts_at);
                if (!due) {
                    continue;
                }
                if (rule.kind == ReminderKind::agenda_digest ||
                    rule.kind == ReminderKind::agenda_call ||
                    rule.kind == ReminderKind::rsvp_nudge) {
                    const auto it = reminder_day.find(meeting.id);
                    const auto local = to_local(*due, zone);
                    if (it != reminder_day.end() && local &&
                        date::floor<days>(*local) >= it->second) {
                        continue;
                    }
                }
                out.push_back({meeting_key(network.id, rule.id, meeting), *due});
            }
            continue;
        }
        for (const auto& week : weeks) {
            const auto monday = monday_of_iso_week(week.iso_year, week.iso_week);
            if (!monday) {
                continue;
            }
            if (const auto due = due_for(rule, *monday, zone, window, std::nullopt)) {
                out.push_back({week_key(network.id, rule.id, week), *due});
            }
        }
    }
    return out;
}

}  // namespace

/// Kinds that are about a meeting still to come: never sent once it has started.
bool before_meeting(const ReminderRule& rule) {
    return rule.anchor == ReminderAnchor::meeting && rule.offset_days <= 0 &&
           rule.kind != ReminderKind::evaluation_prompt;
}

/// How late a reminder may still go out after its time (the bot was down, or it fell in quiet
/// hours that the catch-up then had to wait for).
std::chrono::seconds catch_up_window(ReminderKind kind) {
    switch (kind) {
        case ReminderKind::cafe_week_announcement:
            return days{3};
        case ReminderKind::preparer_nudge:
            return days{7};
        case ReminderKind::agenda_call:
            return days{7};  // and never after the digest (see run_reminder)
        case ReminderKind::agenda_digest:
            return days{2};
        case ReminderKind::meeting_reminder:
            return hours{6};
        case ReminderKind::rsvp_nudge:
            return days{2};
        case ReminderKind::evaluation_prompt:
            return days{2};
        case ReminderKind::custom:
            return hours{6};
    }
    return hours{6};
}

/// A meeting's occurrence of a rule. The meeting's revision is part of it: a moved meeting gets
/// its reminders again for the new date, even those that went out for the old one.
std::string meeting_key(Id network_id, Id rule_id, const Meeting& meeting) {
    return network_prefix(network_id) + "r" + std::to_string(rule_id) + ":m" +
           std::to_string(meeting.id) + "." + std::to_string(meeting.revision);
}

std::optional<JobTarget> parse_key(std::string_view key) {
    JobTarget target;
    const auto network = number_at(key, 'n');
    if (!network || key.empty() || key.front() != ':') {
        return std::nullopt;
    }
    key.remove_prefix(1);
    const auto rule = number_at(key, 'r');
    if (!rule || key.empty() || key.front() != ':') {
        return std::nullopt;
    }
    key.remove_prefix(1);
    target.network_id = *network;
    target.rule_id = *rule;
    if (const auto meeting = number_at(key, 'm'); meeting && !key.empty() && key.front() == '.') {
        key.remove_prefix(1);
        int revision = 0;
        const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), revision);
        if (error != std::errc() || end != key.data() + key.size()) {
            return std::nullopt;
        }
        target.meeting_id = *meeting;
        target.revision = revision;
        return target;
    }
    const auto year = number_at(key, 'w');
    if (!year || key.empty() || key.front() != '-') {
        return std::nullopt;
    }
    key.remove_prefix(1);
    unsigned value = 0;
    const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), value);
    if (error != std::errc() || end != key.data() + key.size()) {
        return std::nullopt;
    }
    target.iso_year = static_cast<int>(*year);
    target.iso_week = value;
    return target;
}

std::vector<ReminderRule> default_reminder_rules(Id network_id, Instant now) {
    using K = ReminderKind;
    using A = ReminderAnchor;
    return {
        rule_of(network_id, K::cafe_week_announcement, A::cafe_week, -7, 9, Audience::group, now),
        rule_of(network_id, K::preparer_nudge, A::meeting, -21, 9, Audience::preparers, now),
        rule_of(network_id, K::agenda_call, A::meeting, -14, 9, Audience::group, now),
        rule_of(network_id, K::rsvp_nudge, A::meeting, -5, 9, Audience::not_responded, now),
        rule_of(network_id, K::agenda_digest, A::meeting, -7, 9, Audience::group, now),
        rule_of(network_id, K::meeting_reminder, A::meeting, -1, 16, Audience::group, now),
        rule_of(network_id, K::evaluation_prompt, A::meeting, 1, 15, Audience::group, now),
    };
}

std::vector<ReminderRule> rules_of(Store& store, Id network_id, Instant now) {
    auto rules = store.reminder_rules(network_id);
    if (rules.empty()) {
        for (auto rule : default_reminder_rules(network_id, now)) {
            rule.id = store.create_reminder_rule(rule);
            rules.push_back(rule);
        }
    }
    return rules;
}

int reschedule_network(Store& store, const BotSettings& settings, Id network_id, Instant now) {
    const auto network = store.network(network_id);
    if (!network) {
        return 0;
    }
    if (!is_known_zone(network->time_zone)) {
        // Nothing can be placed in time; keep what is scheduled rather than cancel it all.
        log_line(LogLevel::warn, "reminders of " + network->name +
                                     " not rescheduled: unknown time zone '" + network->time_zone +
                                     "'");
        return 0;
    }
    const auto rules = rules_of(store, network_id, now);
    std::map<std::string, Job> existing;
    for (auto& job : store.jobs_with_key_prefix(kReminderJob, network_prefix(network_id))) {
        existing.emplace(job.key, std::move(job));
    }
    int changed = 0;
    std::set<std::string> wanted;
    for (const auto& occurrence : occurrences(store, settings, *network, rules, now)) {
        wanted.insert(occurrence.key);
        const auto it = existing.find(occurrence.key);
        if (it != existing.end() && it->second.state == JobState::done) {
            continue;  // it fired (or was dropped) once: never again
        }
        if ((it == existing.end() || it->second.state == JobState::cancelled) &&
            occurrence.due <= now) {
            continue;  // its moment had passed before it was planned (or switched back on)
        }
        if (it != existing.end() && it->second.state == JobState::due &&
            it->second.due_at == occurrence.due) {
            continue;
        }
        if (it != existing.end() && it->second.state == JobState::due && it->second.due_at <= now &&
            occurrence.due <= now) {
            continue;  // overdue already: the scheduler decides whether it is still worth it
        }
        store.schedule_job({0, std::string(kReminderJob), occurrence.key, occurrence.due,
                            std::to_string(seconds_of(occurrence.due)), JobState::due});
        ++changed;
    }
    for (const auto& [key, job] : existing) {
        if (job.state == JobState::due && !wanted.count(key)) {
            store.cancel_job(kReminderJob, key);
            ++changed;
        }
    }
    // The attendance lists open when the meetings start (bot/features/participation).
    schedule_attendance(store, network_id, now);
    return changed;
}

}  // namespace leernetwerk::detail
