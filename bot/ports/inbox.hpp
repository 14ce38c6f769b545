#pragma once
// The inbox: platform events already applied, so that a retried event is applied once only.
#include <string_view>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// Inbound event ids seen before.
class Inbox {
public:
    virtual ~Inbox() = default;

    /// Records an inbound event id; false when it was recorded before (apply it once only).
    virtual bool remember_event(Platform platform, std::string_view event_id, Instant now) = 0;

    /// Forgets event ids seen before `before` (platforms retry within hours, not weeks); returns
    /// how many.
    virtual int prune_inbox(Instant before) = 0;
};

}  // namespace leernetwerk
