#pragma once
// Internal to the core: attendance lists, hours, gifts and the year overview (issue 17;
// DOMAIN.md §5.6). Hours are never stored: they follow from the attendance lists, the
// meetings' preparers and the configured rules, plus a facilitator's corrections.
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {

inline constexpr std::string_view kAttendanceOpenJob = "attendance_open";
inline constexpr std::string_view kAttendanceCloseJob = "attendance_close";

// ---- attendance (attendance.cpp) ----------------------------------------------------------------

/// The network's organisers and facilitators (who get its attendance lists and gift list).
std::vector<Member> managers_of(Store& store, Id network_id);
/// The member of the network `name` means (find_in_roster); otherwise the sender hears that
/// nobody, or which of several, is meant, and nullopt.
std::optional<Member> member_in_network(Turn& turn, const Network& network,
                                        const std::vector<RosterEntry>& roster,
                                        std::string_view name);
/// A meeting took place: not cancelled, and it has started.
bool is_held(const Meeting& meeting, Instant now);
/// Who came to a meeting as its attendance list says; nullopt when it has no list (then only
/// the RSVPs tell).
std::optional<std::set<Id>> present_at(Store& store, Id meeting_id);
/// Opens a meeting's list (prefilled with who said they would come) when it is not open yet;
/// true when it opened now.
bool open_attendance_list(Store& store, const Meeting& meeting, Instant now);
/// Schedules the opening of the lists of a network's coming meetings at their start (and
/// cancels it for cancelled ones). Called wherever a network's reminders are rescheduled.
void schedule_attendance(Store& store, Id network_id, Instant now);

/// `aanwezigheid [N] [sluiten|heropenen]` (facilitators).
void attendance_command(Turn& turn, const std::string& args);
/// `aanwezig N naam, naam` / `afwezig N naam` (facilitators).
void mark_attendance(Turn& turn, const std::string& args, bool present);
/// `ik was er [N]` (members).
void confirm_own_attendance(Turn& turn, const std::string& args);
/// The attendance card submitted: the complete list of who was there.
void attendance_card_submitted(Turn& turn, const ActionSubmission& action, Id meeting_id);
/// Scheduler jobs: open a list at the meeting's start; close it some days later.
void run_attendance_open(Store& store, const BotSettings& settings, const Job& job, Instant now);
void run_attendance_close(Store& store, const BotSettings& settings, const Job& job, Instant now);

// ---- hours (hours.cpp) --------------------------------------------------------------------------

/// One member's hours in a network's school year.
struct MemberHours {
    Id member_id = 0;  ///< negative: an erased member
    std::string name;
    std::string school;
    std::optional<Role> role;           ///< current, else their last role in the network
    std::vector<Id> attended;           ///< held meetings they were present at
    std::vector<Id> prepared;           ///< held meetings they prepared
    int computed_development = 0;       ///< tenths, by the rule
    int computed_task = 0;              ///< tenths, by the rule (workshop leaders)
    int development_correction = 0;     ///< tenths
    int task_correction = 0;            ///< tenths
    bool provisional = false;           ///< an attendance list that counts is still open
    int development() const { return std::max(0, computed_development + development_correction); }
    int task() const { return std::max(0, computed_task + task_correction); }
};

/// The held meetings of a network's school year (by start).
std::vector<Meeting> held_meetings(Store& store, Id network_id, int school_year, Instant now);
/// Everyone with hours (or attendance, preparation, a correction) in a network's school year,
/// current members first by name.
std::vector<MemberHours> network_hours(Store& store, const BotSettings& settings,
                                       const Network& network, int school_year, Instant now);
/// The rule in words: "6 uur bij 3 bijeenkomsten" / "2 uur per bijeenkomst (max. 6)".
std::string describe_rule(const HoursRule& rule, Lang lang);
/// The school year a turn is about: named in `args` ("2026-2027", cut off), else today's.
int school_year_from(Turn& turn, const Network& network, std::string& args);

/// `mijn uren [jaar]`, `mijn uren verklaring [jaar]`.
void my_hours(Turn& turn, const std::string& args);
/// `uren [jaar]`, `uren correctie naam | +2 | reden` (facilitators).
void hours_ledger(Turn& turn, const std::string& args);

// ---- the end of the year (gifts.cpp) ------------------------------------------------------------

/// Closes a network's school year once: stores the gift list of theme preparers who are not
/// workshop leaders, and sends it to the facilitators and the academy's contacts.
void close_school_year(Postman& post, const Network& network, int school_year);
/// After a meeting's list closed: when it was the year's last meeting, the year closes.
void close_year_after_last_meeting(Postman& post, const Network& network, const Meeting& meeting);
/// `bedankjes [jaar]`, `bedankt N`, `jaar afsluiten [jaar]` (facilitators).
void gift_list(Turn& turn, const std::string& args);
void gift_given(Turn& turn, const std::string& args);
void close_year_command(Turn& turn, const std::string& args);

// ---- the year at a glance (year_overview.cpp) --------------------------------------------------

/// `jaaroverzicht [jaar]` (facilitators).
void year_overview(Turn& turn, const std::string& args);

// ---- personal data (hours.cpp) -----------------------------------------------------------------

/// Lines for `mijn gegevens`: attendance, hours corrections and gifts of a member.
std::vector<std::string> participation_data_lines(Store& store, const BotSettings& settings,
                                                  const Member& member, Lang lang);
/// Before a member is erased: their task hours become corrections that survive the erasure
/// (their preparer roles go with them), so the network's totals stay.
void keep_hours_of_erased(Store& store, const BotSettings& settings, Id member_id, Instant now);

}  // namespace leernetwerk::detail
