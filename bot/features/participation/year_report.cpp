// A network's school year at a glance: computed for `jaaroverzicht` (year_overview.cpp) and for
// the administrators' `leernetwerk year-report` (CSV and HTML, app/).
#include "bot/features/participation/year_report.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "bot/features/participation/participation.hpp"
#include "bot/features/polls/poll_parts.hpp"
#include "bot/i18n/i18n.hpp"

namespace leernetwerk {
namespace {

using detail::is_held;

bool in_year(const Meeting& meeting, int school_year) {
    return school_year_of(date::floor<date::days>(meeting.local_start)) == school_year;
}

/// Members of the network when a meeting took place: current members who had joined by then,
/// and whoever is on its list as present (someone added later, or who left since, was there).
int members_at(const std::vector<RosterEntry>& roster, const Meeting& meeting,
               const std::set<Id>& present) {
    std::set<Id> members = present;
    for (const auto& entry : roster) {
        if (entry.membership.joined_at <= meeting.starts_at) {
            members.insert(entry.member.id);
        }
    }
    return static_cast<int>(members.size());
}

/// The mean of a closed poll's scale answers on a scale of 5 (a 1–10 answer counts as its
/// place on that scale), and how many answered; nullopt when it has no scale questions.
std::optional<YearReportEvaluation> evaluation_of(Store& store, const BotSettings& settings,
                                                  const Poll& poll) {
    double sum = 0;
    int count = 0;
    for (const auto& answer : store.poll_answers(poll.id)) {
        if (answer.question < 0 || answer.question >= static_cast<int>(poll.questions.size())) {
            continue;
        }
        const auto& question = poll.questions[static_cast<std::size_t>(answer.question)];
        if (question.kind != PollQuestion::Kind::rating || question.scale < 2 ||
            answer.value.empty()) {
            continue;
        }
        const int value = std::atoi(answer.value.c_str());
        if (value < 1 || value > question.scale) {
            continue;
        }
        sum += 1.0 + 4.0 * (value - 1) / (question.scale - 1);
        ++count;
    }
    if (count == 0) {
        return std::nullopt;
    }
    YearReportEvaluation evaluation;
    evaluation.poll_number = poll.number;
    evaluation.title = poll.title;
    evaluation.meeting_id = poll.meeting_id;
    evaluation.respondents = static_cast<int>(store.poll_respondents(poll.id).size());
    const int needed = poll.anonymous ? detail::min_respondents(
                                            store, settings.min_anonymous_respondents,
                                            poll.network_id)
                                      : 1;
    if (evaluation.respondents >= needed) {
        evaluation.average = std::round(sum / count * 10) / 10;
    }
    return evaluation;
}

}  // namespace

YearReport year_report(Store& store, const BotSettings& settings, const Network& network,
                       int school_year, Instant now, Lang lang) {
    YearReport report;
    report.network_id = network.id;
    report.network = network.name;
    report.school_year = school_year;
    report.meeting_cap = network.meeting_cap;
    report.closed = store.year_closure(network.id, school_year).has_value();
    report.hours_rule = detail::describe_rule(
        settings.participation.hours.rule_for(network.name, school_year), lang);
    const auto roster = store.roster(network.id);
    for (const auto& meeting : store.meetings_of(network.id)) {
        if (!in_year(meeting, school_year)) {
            continue;
        }
        YearReportMeeting row;
        row.id = meeting.id;
        row.local_start = meeting.local_start;
        row.topic = meeting.topic;
        row.state = meeting.status == MeetingStatus::cancelled ? YearReportMeeting::State::cancelled
                    : is_held(meeting, now)                    ? YearReportMeeting::State::held
                                                               : YearReportMeeting::State::planned;
        for (const auto& rsvp : store.rsvps_of(meeting.id)) {
            row.coming += rsvp.answer == RsvpAnswer::coming ? 1 : 0;
        }
        const auto present = detail::present_at(store, meeting.id).value_or(std::set<Id>{});
        row.present = static_cast<int>(present.size());
        const auto list = store.attendance_list(meeting.id);
        row.list_closed = list && list->closed_at;
        row.members = members_at(roster, meeting, present);
        report.cancelled += row.state == YearReportMeeting::State::cancelled ? 1 : 0;
        report.held += row.state == YearReportMeeting::State::held ? 1 : 0;
        report.planned += row.state != YearReportMeeting::State::cancelled ? 1 : 0;
        report.meetings.push_back(std::move(row));
    }
    for (const auto& hours : detail::network_hours(store, settings, network, school_year, now)) {
        YearReportMember member;
        member.member_id = hours.member_id;
        member.name = hours.name;
        member.school = hours.school;
        member.role = hours.role ? std::string(role_code(*hours.role)) : std::string();
        member.attended = static_cast<int>(hours.attended.size());
        member.development_tenths = hours.development();
        member.task_tenths = hours.task();
        member.provisional = hours.provisional;
        report.development_tenths += member.development_tenths;
        report.task_tenths += member.task_tenths;
        report.members.push_back(std::move(member));
    }
    // External experts asked for this year; an approved one shows on its meetings.
    for (const auto& request : store.expert_requests_of(network.id)) {
        if (request.school_year != school_year) {
            continue;
        }
        const auto who = request.expert.empty() ? request.organisation
                                                : request.expert + ", " + request.organisation;
        report.experts.push_back({request.number, request.topic, who, request.meeting_ids,
                                  std::string(expert_request_status_code(request.status))});
        if (request.status != ExpertRequestStatus::approved) {
            continue;
        }
        for (auto& meeting : report.meetings) {
            if (std::count(request.meeting_ids.begin(), request.meeting_ids.end(), meeting.id)) {
                meeting.expert = who;
            }
        }
    }
    for (const auto& gift : store.gifts(network.id, school_year)) {
        report.gifts.push_back(
            {gift.number, gift.name, gift.school, gift.prepared, gift.status == GiftStatus::given});
    }
    for (const auto& poll : store.polls_of(network.id)) {
        const auto local = to_local(poll.created_at, network.time_zone);
        if (poll.state != PollState::closed || !local ||
            school_year_of(date::floor<date::days>(*local)) != school_year) {
            continue;
        }
        if (auto evaluation = evaluation_of(store, settings, poll)) {
            evaluation->local_date = *local;
            report.evaluations.push_back(std::move(*evaluation));
        }
    }
    std::optional<double> first;
    std::optional<double> last;
    int averaged = 0;
    for (const auto& evaluation : report.evaluations) {
        if (evaluation.average) {
            first = first ? first : evaluation.average;
            last = evaluation.average;
            ++averaged;
        }
    }
    if (averaged >= 2) {
        report.evaluation_trend = std::round((*last - *first) * 10) / 10;
    }
    return report;
}

}  // namespace leernetwerk
