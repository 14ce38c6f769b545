#pragma once
// Confirmations waiting for an answer (Ja/Nee): the action a member is asked to confirm.
#include <optional>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// Pending actions.
class Confirmations {
public:
    virtual ~Confirmations() = default;

    virtual Id create_pending(const PendingAction& pending) = 0;
    virtual std::optional<PendingAction> pending(Id id) = 0;
    /// A member's open confirmations, oldest first.
    virtual std::vector<PendingAction> pending_of_member(Id member_id) = 0;
    virtual void set_pending_question(Id pending_id, Id message_id) = 0;
    virtual void delete_pending(Id id) = 0;
};

}  // namespace leernetwerk
