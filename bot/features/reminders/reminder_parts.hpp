#pragma once
// Internal to the reminders feature: what scheduling a rule's occurrences (reminders.cpp) and
// sending one when its job runs (reminder_job.cpp) share: the rules' timing and the job keys.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {

/// Kinds that are about a meeting still to come: never sent once it has started.
bool before_meeting(const ReminderRule& rule);

/// How late a reminder may still go out after its time (the bot was down, or it fell in quiet
/// hours that the catch-up then had to wait for).
std::chrono::seconds catch_up_window(ReminderKind kind);

/// A meeting's occurrence of a rule. The meeting's revision is part of it: a moved meeting gets
/// its reminders again for the new date, even those that went out for the old one.
std::string meeting_key(Id network_id, Id rule_id, const Meeting& meeting);

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

std::optional<JobTarget> parse_key(std::string_view key);

}  // namespace leernetwerk::detail
