#pragma once
// A network's school year at a glance (`jaaroverzicht`, `leernetwerk year-report`): meetings
// planned and held against the cap, attendance per meeting and per member, hours, task hours,
// gifts, external experts, evaluation averages and their trend. Computed from the store; the
// chat, CSV and HTML renderings read this.
#include <optional>
#include <string>
#include <vector>

#include "bot/engine/bot.hpp"

namespace leernetwerk {

struct YearReportMeeting {
    Id id = 0;  ///< what members type ("aanwezigheid 3")
    LocalTime local_start{};
    std::string topic;
    enum class State { planned, held, cancelled } state = State::planned;
    int coming = 0;             ///< said they would come (RSVP)
    int present = 0;            ///< on the attendance list as present
    bool list_closed = false;   ///< the attendance list is final
    int members = 0;            ///< members of the network when it took place (for a percentage)
    std::string expert;         ///< an approved external expert on it ("name, organisation"), or ""
};

struct YearReportMember {
    Id member_id = 0;  ///< negative: an erased member (name empty)
    std::string name;
    std::string school;
    std::string role;        ///< role code, "" when no longer a member
    int attended = 0;        ///< meetings held this year they were present at
    int development_tenths = 0;  ///< hours, corrections included
    int task_tenths = 0;         ///< task hours, corrections included
    bool provisional = false;    ///< a list that counts is still open
};

struct YearReportGift {
    int number = 0;
    std::string name;
    std::string school;
    std::string prepared;
    bool given = false;
};

struct YearReportExpert {
    int number = 0;
    std::string topic;
    std::string expert;        ///< name and organisation
    std::vector<Id> meeting_ids;
    std::string status;        ///< expert_request_status_code
};

struct YearReportEvaluation {
    int poll_number = 0;
    std::string title;
    std::optional<Id> meeting_id;
    LocalTime local_date{};
    int respondents = 0;
    std::optional<double> average;  ///< mean of its scale answers; nullopt below the threshold
};

struct YearReport {
    Id network_id = 0;
    std::string network;
    int school_year = 0;
    int meeting_cap = 4;
    int planned = 0;    ///< meetings not cancelled (held or still to come)
    int held = 0;
    int cancelled = 0;
    bool closed = false;  ///< the year was closed (gift list sent)
    std::string hours_rule;  ///< the rule in words, in the report's language
    std::vector<YearReportMeeting> meetings;
    std::vector<YearReportMember> members;
    std::vector<YearReportGift> gifts;
    std::vector<YearReportExpert> experts;
    std::vector<YearReportEvaluation> evaluations;
    int development_tenths = 0;  ///< totals
    int task_tenths = 0;
    /// The evaluation averages' trend: the last minus the first (nullopt with fewer than two).
    std::optional<double> evaluation_trend;
};

/// The report of a network's school year as it stands at `now`, worded in `lang`.
YearReport year_report(Store& store, const BotSettings& settings, const Network& network,
                       int school_year, Instant now, Lang lang);

/// "6" or "4,5" (Dutch) / "4.5" (English): hours kept in tenths, as people read them.
std::string format_hours(int tenths, Lang lang);

}  // namespace leernetwerk
