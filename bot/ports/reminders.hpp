#pragma once
// A network's reminder rules, and members' answers (RSVPs) to a meeting's invitation.
#include <optional>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// Reminder rules and RSVPs.
class Reminders {
public:
    virtual ~Reminders() = default;

    /// A network's rules, in the order they were created.
    virtual std::vector<ReminderRule> reminder_rules(Id network_id) = 0;
    virtual std::optional<ReminderRule> reminder_rule(Id id) = 0;
    virtual Id create_reminder_rule(const ReminderRule& rule) = 0;
    /// Overwrites every field but id, network and created_at.
    virtual void update_reminder_rule(const ReminderRule& rule) = 0;
    virtual void delete_reminder_rule(Id id) = 0;
    /// Records (or replaces) a member's answer for a meeting.
    virtual void set_rsvp(const Rsvp& rsvp) = 0;
    /// The answers for a meeting, oldest first.
    virtual std::vector<Rsvp> rsvps_of(Id meeting_id) = 0;
    /// Forgets every answer for a meeting (its date changed: people are asked again).
    virtual void clear_rsvps(Id meeting_id) = 0;
};

}  // namespace leernetwerk
