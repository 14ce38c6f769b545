#pragma once
// Participation (DOMAIN.md §5.6): who came to a meeting, the hours it earns (the rules per school
// year), corrections to those hours, the thank-you gifts of theme preparers, and requests to hire
// an external expert. Plain data; the rules are applied in bot/features/participation.
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

// ---- hours rules ------------------------------------------------------------------------------

/// How one school year's hours are earned (HSN 2025–2026: 6 hours for three meetings; workshop
/// leaders 5 task hours per prepared meeting, 15 at most). Hours are kept in tenths.
struct HoursRule {
    enum class Kind {
        fixed,        ///< `hours` for the year once `min_meetings` were attended
        per_meeting,  ///< `per_meeting` for each attended meeting, at most `max_hours`
    };
    Kind kind = Kind::fixed;
    int hours_tenths = 60;        ///< fixed: the year's hours
    int min_meetings = 3;         ///< fixed: meetings attended for the full hours
    /// fixed: fewer than min_meetings attended earns hours × attended / min_meetings (a late
    /// joiner, a partial year); false: nothing.
    bool pro_rata = false;
    int per_meeting_tenths = 20;  ///< per_meeting: hours per attended meeting
    int max_tenths = 0;           ///< per_meeting: at most this in a year; 0: no cap
    int task_per_meeting_tenths = 50;  ///< workshop leaders: task hours per prepared meeting
    int task_max_tenths = 150;         ///< workshop leaders: at most this in a year; 0: no cap
};
std::string_view hours_rule_kind_code(HoursRule::Kind kind);  ///< "fixed", "per_meeting"

/// The installation's rules: a default, a school year's own, a network's own (by name, for
/// every year) and a network's own for one year. The most specific applies.
struct HoursPolicy {
    HoursRule fallback;
    std::map<int, HoursRule> years;                ///< by school year (its first calendar year)
    std::map<std::string, HoursRule> networks;     ///< by fold(network name)
    std::map<std::string, std::map<int, HoursRule>> network_years;

    /// The rule for a network's school year: its own for that year, else its own, else the
    /// year's, else the default.
    const HoursRule& rule_for(std::string_view network_name, int school_year) const;
};

/// Someone named in the installation's config by their account ("matrix:@anne:hsn.nl").
struct PlatformUser {
    Platform platform = Platform::console;
    std::string user_id;
};

/// What the installation sets for participation ([hours] and [participation] config).
struct ParticipationSettings {
    HoursPolicy hours;
    /// The adviser(s) education & quality: they approve or decline external expert requests.
    std::vector<PlatformUser> advisers;
    /// The academy's contact(s): they get the gift list at the end of a café's year.
    std::vector<PlatformUser> academy_contacts;
    /// A meeting's attendance list closes by itself this many days after the meeting.
    int attendance_close_days = 7;
    /// Meetings per café per school year that may have an external expert (HSN: one or two).
    int max_expert_meetings = 2;
    /// What a theme preparer is thanked with, as shown in the gift list.
    std::string gift = "€15";
};

// ---- attendance -------------------------------------------------------------------------------

/// How a member came to be on (or off) a meeting's attendance list.
enum class AttendanceSource {
    rsvp,         ///< prefilled: they said they would come
    facilitator,  ///< ticked or unticked by a facilitator
    self,         ///< "ik was er"
};
std::string_view attendance_source_code(AttendanceSource source);
std::optional<AttendanceSource> parse_attendance_source_code(std::string_view code);

/// One member on a meeting's attendance list. `member_id` is negative for a member who was
/// erased: the row still counts in the network's figures, but names nobody.
struct AttendanceMark {
    Id meeting_id = 0;
    Id member_id = 0;
    bool present = true;
    AttendanceSource source = AttendanceSource::rsvp;
    Instant updated_at{};
};

/// A meeting's attendance list: opened when the meeting starts, closed by a facilitator (or by
/// itself after ParticipationSettings::attendance_close_days).
struct AttendanceList {
    Id meeting_id = 0;
    Instant opened_at{};
    std::optional<Instant> closed_at;
    std::optional<Id> card_message_id;  ///< outbox id of the card sent to the facilitators
};

// ---- hours ------------------------------------------------------------------------------------

enum class HoursKind { development, task };
std::string_view hours_kind_code(HoursKind kind);  ///< "development", "task"
std::optional<HoursKind> parse_hours_kind_code(std::string_view code);

/// A facilitator's correction to a member's hours, with its reason; kept as history.
struct HoursCorrection {
    Id id = 0;
    Id network_id = 0;
    Id member_id = 0;  ///< negative once the member was erased (see AttendanceMark)
    int school_year = 0;
    HoursKind kind = HoursKind::development;
    int delta_tenths = 0;  ///< added to the computed hours (negative: taken off)
    std::string reason;
    std::optional<Id> by_member_id;  ///< who corrected; nullopt once they were erased
    Instant created_at{};
};

// ---- the end of a café's year ------------------------------------------------------------------

enum class GiftStatus { due, given };
std::string_view gift_status_code(GiftStatus status);
std::optional<GiftStatus> parse_gift_status_code(std::string_view code);

/// A theme preparer who is not a workshop leader, to be thanked at the end of the café's year.
struct Gift {
    Id id = 0;
    Id network_id = 0;
    int school_year = 0;
    int number = 0;                  ///< 1, 2, 3… within the network's year; set by the store
    std::optional<Id> member_id;     ///< nullopt once the member was erased
    std::string name;                ///< as it was when the list was made (emptied on erasure)
    std::string school;              ///< likewise
    std::string prepared;            ///< what they prepared: the meetings' topics
    GiftStatus status = GiftStatus::due;
    std::optional<Instant> given_at;
    Instant created_at{};
};

/// A network's school year that was closed (the gift list went out).
struct YearClosure {
    Id network_id = 0;
    int school_year = 0;
    Instant closed_at{};
};

// ---- external experts -------------------------------------------------------------------------

enum class ExpertRequestStatus { pending, approved, declined, withdrawn };
std::string_view expert_request_status_code(ExpertRequestStatus status);
std::optional<ExpertRequestStatus> parse_expert_request_status_code(std::string_view code);

/// A request to hire an external expert for one or two meetings, decided by the adviser
/// education & quality (DOMAIN.md §1.2, §3.1).
struct ExpertRequest {
    Id id = 0;
    Id network_id = 0;
    int number = 0;  ///< 1, 2, 3… within its network; set by the store
    int school_year = 0;
    std::optional<Id> requested_by;  ///< nullopt once the member was erased
    std::string topic;
    std::string goal;
    std::string expert;        ///< the expert's name
    std::string organisation;  ///< the expert's organisation
    std::string quote;         ///< the quote (offerte): a link or an attachment reference
    bool independent = false;  ///< confirmed: an independent party, not an HSN employee
    std::vector<Id> meeting_ids;
    ExpertRequestStatus status = ExpertRequestStatus::pending;
    std::optional<Id> decided_by;  ///< the adviser; nullopt once erased
    std::string decision_reason;
    Instant created_at{};
    std::optional<Instant> decided_at;
};

}  // namespace leernetwerk
