// `jaaroverzicht`: the year report (year_report.hpp) as one summary card for a facilitator.
#include <cmath>

#include "bot/features/participation/participation.hpp"
#include "bot/features/participation/year_report.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::detail {
namespace {

/// "3,8" / "3.8"; "+0,3" with `sign`.
std::string decimal(double value, Lang lang, bool sign = false) {
    const int tenths = static_cast<int>(std::lround(value * 10));
    return (sign && tenths > 0 ? "+" : "") + format_hours(tenths, lang);
}

std::string meeting_value(const YearReportMeeting& meeting, Lang lang) {
    using State = YearReportMeeting::State;
    if (meeting.state == State::cancelled) {
        return tr(lang, "year.meeting_cancelled");
    }
    if (meeting.state == State::planned) {
        return tr(lang, "year.meeting_planned", {{"coming", std::to_string(meeting.coming)}});
    }
    const int percent = meeting.members > 0 ? (meeting.present * 100 + meeting.members / 2) /
                                                  meeting.members
                                            : 0;
    auto text = tr(lang, "year.meeting_held", {{"present", std::to_string(meeting.present)},
                                               {"members", std::to_string(meeting.members)},
                                               {"percent", std::to_string(percent)},
                                               {"coming", std::to_string(meeting.coming)}});
    if (!meeting.list_closed) {
        text += " · " + tr(lang, "year.list_open");
    }
    if (!meeting.expert.empty()) {
        text += " · " + tr(lang, "year.with_expert", {{"expert", meeting.expert}});
    }
    return text;
}

}  // namespace

void year_overview(Turn& turn, const std::string& typed) {
    const auto network = *turn.managed_network;
    std::string args = typed;
    const int year = school_year_from(turn, network, args);
    const auto lang = turn.lang;
    const auto report = year_report(turn.store, turn.settings, network, year, turn.now, lang);
    Summary summary;
    summary.title = turn.t("year.title", {{"network", network.name},
                                          {"year", school_year_label(year)}});
    summary.rows.push_back({turn.t("year.row_meetings"),
                            turn.t("year.meetings", {{"held", std::to_string(report.held)},
                                                     {"planned", std::to_string(report.planned)},
                                                     {"cancelled", std::to_string(report.cancelled)},
                                                     {"cap", std::to_string(report.meeting_cap)}})});
    for (const auto& meeting : report.meetings) {
        summary.rows.push_back({"#" + std::to_string(meeting.id) + " " +
                                    format_day(date::floor<date::days>(meeting.local_start), lang),
                                meeting_value(meeting, lang)});
    }
    int provisional = 0;
    for (const auto& member : report.members) {
        provisional += member.provisional ? 1 : 0;
    }
    summary.rows.push_back(
        {turn.t("year.row_hours"),
         turn.t(provisional ? "year.hours_provisional" : "year.hours",
                {{"hours", format_hours(report.development_tenths, lang)},
                 {"task", format_hours(report.task_tenths, lang)},
                 {"members", std::to_string(report.members.size())},
                 {"rule", report.hours_rule}})});
    int given = 0;
    for (const auto& gift : report.gifts) {
        given += gift.given ? 1 : 0;
    }
    summary.rows.push_back(
        {turn.t("year.row_gifts"),
         report.closed ? turn.t("year.gifts", {{"count", std::to_string(report.gifts.size())},
                                               {"given", std::to_string(given)}})
                       : turn.t("year.gifts_open")});
    if (!report.experts.empty()) {
        std::vector<std::string> experts;
        for (const auto& expert : report.experts) {
            experts.push_back(expert.expert + " (" +
                              turn.t("expert.status." + expert.status) + ")");
        }
        summary.rows.push_back({turn.t("year.row_experts"), join_names(experts, lang)});
    }
    std::vector<std::string> evaluations;
    for (const auto& evaluation : report.evaluations) {
        evaluations.push_back(
            "#" + std::to_string(evaluation.poll_number) + " " +
            (evaluation.average ? decimal(*evaluation.average, lang) : turn.t("year.too_few")));
    }
    if (!evaluations.empty()) {
        auto value = join_names(evaluations, lang);
        if (report.evaluation_trend) {
            value += " · " + turn.t("year.trend", {{"trend", decimal(*report.evaluation_trend,
                                                                     lang, true)}});
        }
        summary.rows.push_back({turn.t("year.row_evaluations"), value});
    }
    summary.footnote = turn.t("year.footnote");
    turn.reply_privately(summary);
}

}  // namespace leernetwerk::detail
