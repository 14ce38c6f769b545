#pragma once
// What the delivery engine (adapters/dispatch) needs of the outbox: claim the rows that are due,
// record how each send went, and keep the table small. Runs in the UnitOfWork's transactions.
#include <string_view>
#include <vector>

#include "bot/vocab/content.hpp"
#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// The outbox as the senders see it.
class DeliveryStore {
public:
    virtual ~DeliveryStore() = default;

    /// Pending rows of a platform whose next attempt is due, oldest (lowest id) first, from after
    /// `after_id` (to read on past rows the dispatcher could not take). A row that updates an
    /// earlier message waits until that message has a remote id (or has failed: then it is
    /// returned with an empty replaces_remote_id and the dispatcher sends it as a new message).
    virtual std::vector<OutboxRow> due_outbox(Platform platform, Instant now, int limit,
                                              Id after_id = 0) = 0;
    /// Rows of a platform in a state (e.g. `sending` rows left by a crash), oldest first.
    virtual std::vector<OutboxRow> outbox_in_state(Platform platform, OutboxState state) = 0;
    /// Marks a row `sending` and counts the attempt (before the platform call).
    virtual void mark_outbox_sending(Id id, Instant now) = 0;
    virtual void mark_outbox_sent(Id id, std::string_view remote_id, Instant now) = 0;
    /// Back to `pending`, to be tried again at `next_attempt`.
    virtual void mark_outbox_retry(Id id, Instant next_attempt, std::string_view error) = 0;
    /// Gives up on a row.
    virtual void mark_outbox_failed(Id id, std::string_view error, Instant now) = 0;
    /// Deletes rows that were sent or given up on before `before`; returns how many. Pending and
    /// sending rows are never touched.
    virtual int prune_outbox(Instant before) = 0;
    /// Number of rows of a platform still pending or sending.
    virtual int outbox_depth(Platform platform) = 0;
};

}  // namespace leernetwerk
