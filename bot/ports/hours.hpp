#pragma once
// Hours corrections, the gift list of theme preparers, and closed school years. The hours
// themselves are computed from attendance, preparers and the rules (bot/features/participation).
#include <optional>
#include <vector>

#include "bot/vocab/participation.hpp"

namespace leernetwerk {

/// Corrections, gifts and year closures.
class Hours {
public:
    virtual ~Hours() = default;

    virtual Id add_hours_correction(const HoursCorrection& correction) = 0;
    /// A network's corrections in a school year, oldest first.
    virtual std::vector<HoursCorrection> hours_corrections(Id network_id, int school_year) = 0;
    /// A member's corrections in every network and year, oldest first.
    virtual std::vector<HoursCorrection> hours_corrections_of_member(Id member_id) = 0;

    /// Stores a gift (its number is the next in the network's year). Returns its id.
    virtual Id add_gift(const Gift& gift) = 0;
    virtual std::vector<Gift> gifts(Id network_id, int school_year) = 0;
    virtual std::vector<Gift> gifts_of_member(Id member_id) = 0;
    virtual void mark_gift_given(Id gift_id, Instant now) = 0;

    virtual void close_year(const YearClosure& closure) = 0;
    virtual std::optional<YearClosure> year_closure(Id network_id, int school_year) = 0;
};

}  // namespace leernetwerk
