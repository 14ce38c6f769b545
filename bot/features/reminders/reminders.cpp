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

#include "bot/parse/commands.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/send_window.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

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

std::string network_prefix(Id network_id) {
    return "n" + std::to_string(network_id) + ":";
}

/// A meeting's occurrence of a rule. The meeting's revision is part of it: a moved meeting gets
/// its reminders again for the new date, even those that went out for the old one.
std::string meeting_key(Id network_id, Id rule_id, const Meeting& meeting) {
    return network_prefix(network_id) + "r" + std::to_string(rule_id) + ":m" +
           std::to_string(meeting.id) + "." + std::to_string(meeting.revision);
}

std::string week_key(Id network_id, Id rule_id, const CafeWeek& week) {
    return network_prefix(network_id) + "r" + std::to_string(rule_id) + ":w" +
           std::to_string(week.iso_year) + "-" + std::to_string(week.iso_week);
}

/// What a job key names: "n<network>:r<rule>:m<meeting>.<revision>" or
/// "n<network>:r<rule>:w<year>-<week>".
struct JobTarget {
    Id network_id = 0;
    Id rule_id = 0;
    Id meeting_id = 0;
    int revision = 0;
    int iso_year = 0;
    unsigned iso_week = 0;
};

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

// ---- sending --------------------------------------------------------------------------------

/// To each of `people` privately (Postman::to_member), preferring the platforms of
/// `network_id`'s group conversations (0: their first account).
void to_each(Postman& post, const std::vector<RosterEntry>& people, Id network_id,
             const std::function<Content(Lang)>& make) {
    for (const auto& entry : people) {
        post.to_member(entry.member, make, {.network_id = network_id});
    }
}

/// To the network's group conversations, in its language; to each member privately when it has
/// none.
void to_group(Postman& post, const Network& network, const std::vector<RosterEntry>& roster,
              const std::function<Content(Lang)>& make) {
    ToGroup how;
    for (const auto& entry : roster) {
        how.otherwise.push_back(entry.member);
    }
    post.to_network(network.id, make, how);
}

std::string names_of(Store& store, const std::vector<Id>& ids, Lang lang) {
    std::vector<std::string> names;
    for (const auto id : ids) {
        if (const auto member = store.member(id)) {
            names.push_back(member->display_name);
        }
    }
    return join_names(names, lang);
}

/// The placeholders every meeting message uses.
MessageArgs meeting_facts(Store& store, const Network& network, const Meeting& meeting, Lang lang) {
    const auto preparers = names_of(store, meeting.preparer_ids, lang);
    return {
        {"network", network.name},
        {"number", std::to_string(meeting.id)},
        {"when", format_moment(meeting.local_start, lang)},
        {"location", meeting.location.empty() ? tr(lang, "meeting.no_location") : meeting.location},
        {"topic", meeting.topic.empty() ? tr(lang, "meeting.no_topic") : meeting.topic},
        {"preparers", preparers.empty() ? tr(lang, "meeting.no_preparers") : preparers}};
}

/// "4 komen, 1 kan niet, 5 nog niet gereageerd".
std::string attendance_line(Store& store, const Meeting& meeting,
                            const std::vector<RosterEntry>& roster, Lang lang) {
    int coming = 0;
    int not_coming = 0;
    std::set<Id> answered;
    for (const auto& rsvp : store.rsvps_of(meeting.id)) {
        answered.insert(rsvp.member_id);
        (rsvp.answer == RsvpAnswer::coming ? coming : not_coming) += 1;
    }
    int open = 0;
    for (const auto& entry : roster) {
        open += answered.count(entry.member.id) ? 0 : 1;
    }
    return tr(lang, "rsvp.counts",
              {{"coming", std::to_string(coming)},
               {"not_coming", std::to_string(not_coming)},
               {"open", std::to_string(open)}});
}

}  // namespace

ChoiceQuestion rsvp_question(const Meeting& meeting, std::string prompt, Lang lang) {
    ChoiceQuestion question;
    question.action_id = "rsvp:" + std::to_string(meeting.id);
    question.prompt = std::move(prompt);
    question.choices = {{"ja", tr(lang, "rsvp.yes_label")}, {"nee", tr(lang, "rsvp.no_label")}};
    question.deadline = meeting.starts_at;
    return question;
}

namespace {

std::vector<RosterEntry> not_responded(Store& store, const Meeting& meeting,
                                       const std::vector<RosterEntry>& roster) {
    std::set<Id> answered;
    for (const auto& rsvp : store.rsvps_of(meeting.id)) {
        answered.insert(rsvp.member_id);
    }
    std::vector<RosterEntry> out;
    for (const auto& entry : roster) {
        if (!answered.count(entry.member.id)) {
            out.push_back(entry);
        }
    }
    return out;
}

std::vector<RosterEntry> managers_of(const std::vector<RosterEntry>& roster) {
    std::vector<RosterEntry> out;
    for (const auto& entry : roster) {
        if (can_manage_network(entry.membership.role)) {
            out.push_back(entry);
        }
    }
    return out;
}

/// Sends one occurrence of a meeting rule.
void send_meeting_reminder(Postman& mail, const ReminderRule& rule, const Network& network,
                           const Meeting& meeting) {
    Store& store = mail.store;
    const auto roster = store.roster(network.id);
    // How far off the meeting is, counted from when this actually goes out (quiet hours and
    // weekends may have moved it).
    const auto today = to_local(mail.now, network.time_zone);
    const auto days_left =
        today ? (date::floor<days>(meeting.local_start) - date::floor<days>(*today)).count() : 0;
    const auto facts = [&](Lang lang) {
        auto args = meeting_facts(store, network, meeting, lang);
        const auto n = std::to_string(days_left);
        const bool soon = days_left <= 1;
        const auto key = days_left <= 0 ? "reminder.today"
                         : soon         ? "reminder.tomorrow"
                                        : "reminder.in_days";
        args.emplace_back("in", tr(lang, key, {{"days", n}}));
        args.emplace_back("In", tr(lang, std::string(key) + "_capital", {{"days", n}}));
        return args;
    };
    if (rule.kind == ReminderKind::agenda_digest) {
        // What was left over from an earlier meeting joins this one's list first.
        agenda_meeting(store, network.id, mail.now);
    }
    std::function<Content(Lang)> make;
    switch (rule.kind) {
        case ReminderKind::preparer_nudge:
            make = [&](Lang lang) -> Content {
                return TextContent{tr(lang,
                                      meeting.preparer_ids.empty() ? "reminder.preparer_none"
                                                                   : "reminder.preparer",
                                      facts(lang)),
                                   {}};
            };
            break;
        case ReminderKind::agenda_call:
            make = [&](Lang lang) -> Content {
                return rsvp_question(
                    meeting,
                    tr(lang,
                       meeting.preparer_ids.empty() ? "reminder.agenda_call_no_preparers"
                                                    : "reminder.agenda_call",
                       facts(lang)) +
                        "\n\n" + tr(lang, "rsvp.question"),
                    lang);
            };
            break;
        case ReminderKind::agenda_digest:
            make = [&](Lang lang) -> Content {
                const auto args = facts(lang);
                const auto value = [&](std::string_view name) {
                    for (const auto& [key, text] : args) {
                        if (key == name) {
                            return tr(lang, "reminder.value", {{"value", text}});
                        }
                    }
                    return std::string();
                };
                Summary summary;
                summary.title = tr(lang, "reminder.digest_title", args);
                summary.rows = {
                    {tr(lang, "reminder.row_when"), value("when")},
                    {tr(lang, "reminder.row_where"), value("location")},
                    {tr(lang, "reminder.row_topic"), value("topic")},
                    {tr(lang, "reminder.row_preparers"), value("preparers")},
                    {tr(lang, "reminder.row_attendance"),
                     attendance_line(store, meeting, roster, lang)},
                };
                // The accepted agenda in order, with times and preparers (when there is one).
                for (auto& row : agenda_digest_rows(store, meeting, lang)) {
                    summary.rows.push_back(std::move(row));
                }
                summary.footnote = tr(lang, "reminder.digest_footnote");
                return summary;
            };
            break;
        case ReminderKind::meeting_reminder:
            make = [&](Lang lang) -> Content {
                auto args = facts(lang);
                args.emplace_back("attendance", attendance_line(store, meeting, roster, lang));
                return rsvp_question(meeting, tr(lang, "reminder.meeting", args), lang);
            };
            break;
        case ReminderKind::rsvp_nudge:
            make = [&](Lang lang) -> Content {
                return rsvp_question(meeting, tr(lang, "reminder.rsvp_nudge", facts(lang)), lang);
            };
            break;
        case ReminderKind::evaluation_prompt: {
            // The "after a meeting" evaluation (DOMAIN.md §5.3, set A) goes to who came; the
            // group hears it went out.
            const auto poll_id =
                start_meeting_evaluation(store, mail.settings, network, meeting, mail.now);
            make = [&, poll_id](Lang lang) -> Content {
                auto args = facts(lang);
                // The poll's own number in its network ({number} in the facts is the meeting's).
                const auto poll = poll_id ? store.poll(poll_id) : std::nullopt;
                args.emplace_back("poll", std::to_string(poll ? poll->number : 0));
                const auto* key = !poll ? "reminder.evaluation"
                                  : poll->audience == PollAudience::attended
                                      ? "reminder.evaluation_started"
                                      : "reminder.evaluation_started_all";
                return TextContent{tr(lang, key, args), {}};
            };
            break;
        }
        case ReminderKind::cafe_week_announcement:
        case ReminderKind::custom:
            make = [&](Lang lang) -> Content {
                auto args = facts(lang);
                args.emplace_back("text", rule.text);
                return TextContent{tr(lang, "reminder.custom_meeting", args), {}};
            };
            break;
    }
    switch (rule.audience) {
        case Audience::group:
            to_group(mail, network, roster, make);
            break;
        case Audience::members:
            to_each(mail, roster, network.id, make);
            break;
        case Audience::role: {
            std::vector<RosterEntry> people;
            std::copy_if(roster.begin(), roster.end(), std::back_inserter(people),
                         [&](const RosterEntry& e) { return e.membership.role == rule.role; });
            to_each(mail, people, network.id, make);
            break;
        }
        case Audience::preparers: {
            std::vector<RosterEntry> people;
            for (const auto& entry : roster) {
                if (std::find(meeting.preparer_ids.begin(), meeting.preparer_ids.end(),
                              entry.member.id) != meeting.preparer_ids.end()) {
                    people.push_back(entry);
                }
            }
            // Nobody prepares it yet: the organisers hear so and can ask someone.
            if (people.empty() || rule.kind != ReminderKind::preparer_nudge) {
                to_each(mail, people.empty() ? managers_of(roster) : people, network.id, make);
                break;
            }
            // Each preparer hears whom to agree with: the others, never themselves.
            for (const auto& person : people) {
                to_each(mail, {person}, network.id, [&](Lang lang) -> Content {
                    std::vector<std::string> others;
                    for (const auto& other : people) {
                        if (other.member.id != person.member.id) {
                            others.push_back(other.member.display_name);
                        }
                    }
                    auto args = facts(lang);
                    for (auto& [name, value] : args) {
                        if (name == "preparers") {
                            value = join_names(others, lang);
                        }
                    }
                    return TextContent{
                        tr(lang, others.empty() ? "reminder.preparer_alone" : "reminder.preparer",
                           args),
                        {}};
                });
            }
            break;
        }
        case Audience::not_responded:
            to_each(mail, not_responded(store, meeting, roster), network.id, make);
            break;
    }
}

void send_week_reminder(Postman& mail, const ReminderRule& rule, const Network& network,
                        const CafeWeek& week, LocalDay monday) {
    Store& store = mail.store;
    const auto roster = store.roster(network.id);
    std::vector<Meeting> in_week;
    for (const auto& meeting : store.meetings_of(network.id)) {
        const auto day = date::floor<days>(meeting.local_start);
        if (meeting.status == MeetingStatus::planned && day >= monday && day < monday + days{7}) {
            in_week.push_back(meeting);
        }
    }
    const auto make = [&](Lang lang) -> Content {
        MessageArgs args = {{"network", network.name},
                            {"week", std::to_string(week.iso_week)},
                            {"from", format_day(monday, lang)},
                            {"to", format_day(monday + days{4}, lang)},
                            {"text", rule.text}};
        const auto today = to_local(mail.now, network.time_zone);
        const bool started = today && date::floor<days>(*today) >= monday;
        std::string text = tr(lang,
                              rule.kind == ReminderKind::custom ? "reminder.custom_week"
                              : started                         ? "reminder.cafe_week_now"
                                                                : "reminder.cafe_week",
                              args);
        if (in_week.empty()) {
            text += "\n" + tr(lang, "reminder.cafe_week_none", args);
        }
        for (const auto& meeting : in_week) {
            text += "\n" + tr(lang, "reminder.cafe_week_meeting",
                              meeting_facts(store, network, meeting, lang));
        }
        return TextContent{text, {}};
    };
    if (rule.audience == Audience::group || rule.audience == Audience::preparers ||
        rule.audience == Audience::not_responded) {
        to_group(mail, network, roster, make);
        return;
    }
    std::vector<RosterEntry> people;
    std::copy_if(roster.begin(), roster.end(), std::back_inserter(people),
                 [&](const RosterEntry& e) {
                     return rule.audience == Audience::members || e.membership.role == rule.role;
                 });
    // Their first account, as always (a meeting's reminders prefer the network's platforms).
    to_each(mail, people, 0, make);
}

}  // namespace

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
    return changed;
}

ReminderOutcome run_reminder(Store& store, const BotSettings& settings, const Job& job,
                             Instant now) {
    const auto target = parse_key(job.key);
    const auto rule = target ? store.reminder_rule(target->rule_id) : std::nullopt;
    const auto network = target ? store.network(target->network_id) : std::nullopt;
    if (!target || !rule || !network || !rule->enabled) {
        log_line(LogLevel::info, "reminder " + job.key + " skipped: its rule is gone or off");
        return ReminderOutcome::skipped;
    }
    std::optional<Meeting> meeting;
    if (target->meeting_id != 0) {
        meeting = store.meeting(target->meeting_id);
        if (!meeting || meeting->status != MeetingStatus::planned ||
            meeting->revision != target->revision) {
            log_line(LogLevel::info, "reminder " + job.key + " skipped: the meeting is gone");
            return ReminderOutcome::skipped;
        }
    }
    // The moment it was meant for (job.due_at moves when quiet hours defer a late one).
    Instant intended = job.due_at;
    std::int64_t seconds = 0;
    const auto& payload = job.payload;
    if (std::from_chars(payload.data(), payload.data() + payload.size(), seconds).ec ==
        std::errc()) {
        intended = Instant{std::chrono::seconds{seconds}};
    }
    Instant limit = intended + catch_up_window(rule->kind);
    std::string limit_reason = "its catch-up window";
    if (meeting && before_meeting(*rule) && meeting->starts_at < limit) {
        limit = meeting->starts_at;
        limit_reason = "the meeting's start";
    }
    if (meeting && rule->kind == ReminderKind::agenda_call) {
        // An agenda call after the digest went out would ask for what is already settled.
        for (const auto& other : store.reminder_rules(network->id)) {
            if (other.kind != ReminderKind::agenda_digest || !other.enabled) {
                continue;
            }
            const auto digest =
                store.job(kReminderJob, meeting_key(network->id, other.id, *meeting));
            if (digest && digest->due_at < limit) {
                limit = digest->due_at;
                limit_reason = "the agenda digest";
            }
        }
    }
    if (!target->meeting_id) {
        if (const auto monday = monday_of_iso_week(target->iso_year, target->iso_week)) {
            // Up to the café week's first day (then it says "this week" instead of "next week").
            if (const auto end = at_wall_time(*monday + days{1}, minutes{0}, network->time_zone);
                end && *end < limit && rule->kind == ReminderKind::cafe_week_announcement) {
                limit = *end;
                limit_reason = "the café week's first day";
            }
        }
    }
    const auto late = std::chrono::duration_cast<minutes>(now - intended);
    const auto describe = [&] {
        return std::string(reminder_kind_code(rule->kind)) + " (" + job.key + ") for " +
               network->name + ", due " +
               format_moment(to_local(intended, network->time_zone).value_or(LocalTime{}),
                             Lang::en) +
               ", " + std::to_string(late.count()) + " min late";
    };
    if (now > limit) {
        log_line(LogLevel::warn, "reminder dropped: " + describe() + ", past " + limit_reason);
        return ReminderOutcome::dropped;
    }
    const auto allowed = next_allowed(now, network->time_zone, settings.send_window);
    if (!allowed || *allowed > now) {
        if (!allowed || *allowed > limit) {
            log_line(LogLevel::warn, "reminder dropped: " + describe() +
                                         ", the next allowed moment is past " + limit_reason);
            return ReminderOutcome::dropped;
        }
        // Found late in quiet hours: it waits for the morning, still meant for `intended`.
        store.schedule_job(
            {0, std::string(kReminderJob), job.key, *allowed, job.payload, JobState::due});
        log_line(LogLevel::info, "reminder deferred to the next allowed moment: " + describe());
        return ReminderOutcome::deferred;
    }
    Postman mail(store, settings, now);
    if (meeting) {
        send_meeting_reminder(mail, *rule, *network, *meeting);
    } else {
        const CafeWeek week{0, target->iso_year, target->iso_week};
        const auto monday = monday_of_iso_week(target->iso_year, target->iso_week);
        if (!monday) {
            return ReminderOutcome::skipped;
        }
        send_week_reminder(mail, *rule, *network, week, *monday);
    }
    log_line(LogLevel::info,
             "reminder sent: " + describe() + ", " + std::to_string(mail.messages) + " message(s)");
    return ReminderOutcome::sent;
}

}  // namespace leernetwerk::detail
