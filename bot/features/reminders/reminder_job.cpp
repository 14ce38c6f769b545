// Sending a reminder when its job runs (one occurrence of a rule, see reminders.cpp): late ones
// within their catch-up window, deferred out of quiet hours, or dropped with a line in the log;
// what goes to whom for each kind of reminder, and the RSVP question.
#include <algorithm>
#include <charconv>
#include <functional>
#include <set>

#include "bot/features/reminders/reminder_parts.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/send_window.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::detail {
namespace {

using std::chrono::days;
using std::chrono::minutes;

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
