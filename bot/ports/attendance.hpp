#pragma once
// Who actually came to a meeting: its attendance list, separate from the RSVPs.
#include <optional>
#include <vector>

#include "bot/vocab/participation.hpp"

namespace leernetwerk {

/// Meetings' attendance lists.
class Attendance {
public:
    virtual ~Attendance() = default;

    /// Opens a meeting's list (no-op when it is open or closed already); true when it opened now.
    virtual bool open_attendance(Id meeting_id, Instant now) = 0;
    virtual std::optional<AttendanceList> attendance_list(Id meeting_id) = 0;
    virtual void close_attendance(Id meeting_id, Instant now) = 0;
    /// Opens a closed list again (a facilitator's late correction).
    virtual void reopen_attendance(Id meeting_id) = 0;
    /// Remembers the card sent to the facilitators, so that it is updated in place.
    virtual void set_attendance_card(Id meeting_id, Id message_id) = 0;
    /// Records (or replaces) a member's mark on a meeting's list.
    virtual void set_attendance(const AttendanceMark& mark) = 0;
    /// The marks of a meeting, by member id (erased members' rows, negative, first).
    virtual std::vector<AttendanceMark> attendance_of(Id meeting_id) = 0;
    /// A member's marks across meetings, oldest meeting first.
    virtual std::vector<AttendanceMark> attendance_of_member(Id member_id) = 0;
};

}  // namespace leernetwerk
