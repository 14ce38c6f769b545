#pragma once
// The meetings feature's flows that live in files of their own, for its routes (routes.cpp), and
// what its files share.
#include <string>
#include <vector>

#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {

/// `volgende`: the network's next meeting in one line, and whether the sender said they come.
void show_next_meeting(Turn& turn);

// Shared by planning (meeting_planning.cpp), its checks (meeting_rules.cpp) and the schedule
// (meeting_schedule.cpp).

/// A meeting as a facilitator asked for it, before it is stored.
struct MeetingDraft {
    Id meeting_id = 0;  ///< set when moving an existing meeting
    LocalTime local{};
    int duration_minutes = 120;
    std::string location;
    std::string topic;
    std::vector<Id> preparer_ids;
};

/// "Gepland" lines about a meeting, shared by replies, confirmations and announcements.
MessageArgs meeting_args(Store& store, const MeetingDraft& draft, const Network& network,
                         Lang lang);
/// The rules a plan may break and moments that are probably a slip: warnings to confirm, and
/// notes (meeting_rules.cpp).
std::vector<std::string> rule_warnings(Turn& turn, const Network& network,
                                       const MeetingDraft& draft, std::vector<std::string>& notes);
/// Plans (or moves) the meeting, or asks Ja/Nee first; false when the moment cannot be used
/// (the sender was told why).
bool propose(Turn& turn, const Network& network, const MeetingDraft& draft);
/// Says why a typed moment could not be used, with examples.
void reply_when_error(Turn& turn, WhenError error, const std::string& typed, LocalDay written);

}  // namespace leernetwerk::detail
