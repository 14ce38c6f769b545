// The MemoryStore's external expert requests (storage/sqlite/experts.cpp).
#include <algorithm>

#include "support/memory_store.hpp"
#include "support/memory_store_rows.hpp"

namespace leernetwerk::testing {

using memory::no_such;

Id MemoryStore::create_expert_request(const ExpertRequest& request) {
    if (!state_.networks.contains(request.network_id) ||
        (request.requested_by && !state_.members.contains(*request.requested_by))) {
        throw StoreError("create_expert_request: FOREIGN KEY constraint failed");
    }
    // As in SQLite: one more than the network's highest number (requests are never deleted).
    int number = 0;
    for (const auto& [id, kept] : state_.expert_requests) {
        if (kept.network_id == request.network_id) {
            number = std::max(number, kept.number);
        }
    }
    ExpertRequest stored = request;
    stored.id = ++state_.expert_request_seq;
    stored.number = number + 1;
    state_.expert_requests.emplace(stored.id, stored);
    return stored.id;
}

std::optional<ExpertRequest> MemoryStore::expert_request(Id id) {
    const auto it = state_.expert_requests.find(id);
    if (it == state_.expert_requests.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<ExpertRequest> MemoryStore::expert_request_by_number(Id network_id, int number) {
    for (const auto& [id, request] : state_.expert_requests) {
        if (request.network_id == network_id && request.number == number) {
            return request;
        }
    }
    return std::nullopt;
}

std::vector<ExpertRequest> MemoryStore::expert_requests_of(Id network_id) {
    std::vector<ExpertRequest> requests;
    for (const auto& [id, request] : state_.expert_requests) {
        if (request.network_id == network_id) {
            requests.push_back(request);
        }
    }
    return requests;
}

void MemoryStore::update_expert_request(const ExpertRequest& request) {
    const auto it = state_.expert_requests.find(request.id);
    if (it == state_.expert_requests.end()) {
        no_such("update_expert_request", "expert request", request.id);
    }
    if (request.decided_by && !state_.members.contains(*request.decided_by)) {
        throw StoreError("update_expert_request: FOREIGN KEY constraint failed");
    }
    ExpertRequest& kept = it->second;
    kept.status = request.status;
    kept.decided_by = request.decided_by;
    kept.decision_reason = request.decision_reason;
    kept.decided_at = request.decided_at;
    kept.meeting_ids = request.meeting_ids;
}

std::vector<ExpertRequest> MemoryStore::expert_requests_by(Id member_id) {
    std::vector<ExpertRequest> requests;
    for (const auto& [id, request] : state_.expert_requests) {
        if (request.requested_by == member_id) {
            requests.push_back(request);
        }
    }
    return requests;
}

void MemoryStore::reassign_expert_requests(Id member_id, std::optional<Id> into) {
    for (auto& [id, request] : state_.expert_requests) {
        if (request.requested_by == member_id) {
            request.requested_by = into;
        }
        if (request.decided_by == member_id) {
            request.decided_by = into;
        }
    }
}

}  // namespace leernetwerk::testing
