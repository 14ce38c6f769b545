#pragma once
// Personal data: what a member can see, export and have erased, across the aggregates.
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// A member's own data ("mijn gegevens", "vergeet mij").
class PersonalData {
public:
    virtual ~PersonalData() = default;

    /// Memberships of a member that ended, oldest first.
    virtual std::vector<PastMembership> ended_memberships_of(Id member_id) = 0;
    /// A member's answers to meeting invitations, oldest first.
    virtual std::vector<Rsvp> rsvps_of_member(Id member_id) = 0;
    /// How many messages to this member the outbox still keeps (sent ones until the nightly
    /// housekeeping deletes them).
    virtual int outbox_count_for_member(Id member_id) = 0;
    /// Erases a member: their profile, accounts, memberships, answers (RSVPs, named poll answers),
    /// poll invitations, agenda dots, preparer roles and open confirmations, and every kept message
    /// addressed to them alone (except one being sent right now). What they wrote in shared places
    /// (agenda items) stays without their name. Their attendance marks and hours corrections
    /// stay, for the network's figures, under a negative member id that names nobody; their
    /// gifts stay without name and school.
    virtual void erase_member(Id member_id) = 0;
};

}  // namespace leernetwerk
