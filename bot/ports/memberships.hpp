#pragma once
// Who is in which network, with which role; ended memberships stay in history.
#include <optional>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// A member with their role in one network.
struct RosterEntry {
    Member member;
    Membership membership;
};

/// Members' roles in networks.
class Memberships {
public:
    virtual ~Memberships() = default;

    /// Adds a member to a network, or changes their role when they are in it already.
    virtual void add_membership(const Membership& membership) = 0;
    /// Ends a membership (kept in history with the date it ended).
    virtual void end_membership(Id network_id, Id member_id, Instant now) = 0;
    /// The current membership, if any.
    virtual std::optional<Membership> membership(Id network_id, Id member_id) = 0;
    /// Current memberships of a member.
    virtual std::vector<Membership> memberships_of(Id member_id) = 0;
    /// Current members of a network with their roles, ordered by display name.
    virtual std::vector<RosterEntry> roster(Id network_id) = 0;
};

}  // namespace leernetwerk
