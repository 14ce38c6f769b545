#pragma once
// A network's meetings (with their preparers) and the café weeks of a school year.
#include <optional>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// Meetings and café weeks.
class Meetings {
public:
    virtual ~Meetings() = default;

    virtual Id create_meeting(const Meeting& meeting) = 0;
    /// Overwrites every field of an existing meeting, preparers included.
    virtual void update_meeting(const Meeting& meeting) = 0;
    virtual std::optional<Meeting> meeting(Id id) = 0;
    /// All meetings of a network, cancelled ones included, ordered by start.
    virtual std::vector<Meeting> meetings_of(Id network_id) = 0;
    /// Replaces the café weeks of one school year.
    virtual void set_cafe_weeks(int school_year, const std::vector<CafeWeek>& weeks) = 0;
    /// Café weeks of a school year, in calendar order.
    virtual std::vector<CafeWeek> cafe_weeks(int school_year) = 0;
};

}  // namespace leernetwerk
