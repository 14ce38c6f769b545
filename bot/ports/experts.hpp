#pragma once
// Requests to hire an external expert, and the adviser's decisions on them.
#include <optional>
#include <vector>

#include "bot/vocab/participation.hpp"

namespace leernetwerk {

/// External expert requests.
class Experts {
public:
    virtual ~Experts() = default;

    /// Stores a request (its number is the next in the network). Returns its id.
    virtual Id create_expert_request(const ExpertRequest& request) = 0;
    virtual std::optional<ExpertRequest> expert_request(Id id) = 0;
    virtual std::optional<ExpertRequest> expert_request_by_number(Id network_id, int number) = 0;
    /// A network's requests, oldest first.
    virtual std::vector<ExpertRequest> expert_requests_of(Id network_id) = 0;
    /// Overwrites status, decision and meetings.
    virtual void update_expert_request(const ExpertRequest& request) = 0;
    /// Requests a member made, oldest first.
    virtual std::vector<ExpertRequest> expert_requests_by(Id member_id) = 0;
};

}  // namespace leernetwerk
