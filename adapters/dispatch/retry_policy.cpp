#include "adapters/dispatch/retry_policy.hpp"

#include <algorithm>

namespace leernetwerk::dispatch {

MessageKind kind_of(const OutboundMessage& message) {
    if (message.replaces) {
        return MessageKind::update;
    }
    if (std::holds_alternative<ChoiceQuestion>(message.content) ||
        std::holds_alternative<ShortForm>(message.content)) {
        return MessageKind::question;
    }
    if (message.recipient_member_id != 0 || message.to.conversation_id.empty()) {
        return MessageKind::direct;
    }
    return MessageKind::reply;
}

std::string_view kind_code(MessageKind kind) {
    switch (kind) {
        case MessageKind::reply:
            return "reply";
        case MessageKind::direct:
            return "direct";
        case MessageKind::question:
            return "question";
        case MessageKind::update:
            return "update";
    }
    return "reply";
}

std::chrono::seconds RetryPolicy::horizon(MessageKind kind) const {
    switch (kind) {
        case MessageKind::reply:
            return reply_horizon;
        case MessageKind::direct:
            return direct_horizon;
        case MessageKind::question:
            return question_horizon;
        case MessageKind::update:
            return update_horizon;
    }
    return reply_horizon;
}

Instant RetryPolicy::useful_until(const OutboundMessage& message, Instant created_at) const {
    return created_at + horizon(kind_of(message));
}

std::chrono::milliseconds RetryPolicy::delay(int attempts,
                                             std::optional<std::chrono::milliseconds> retry_after,
                                             std::mt19937_64& random, bool unreachable) const {
    const auto limit = unreachable ? std::min(cap, unreachable_cap) : cap;
    // Doubling from `base`, stopped well before it could overflow.
    auto ceiling = base;
    for (int i = 1; i < attempts && ceiling < limit; ++i) {
        ceiling *= 2;
    }
    ceiling = std::min(ceiling, limit);
    const auto half = ceiling / 2;
    std::uniform_int_distribution<std::int64_t> jitter(0, std::max<std::int64_t>(half.count(), 0));
    auto chosen = half + std::chrono::milliseconds(jitter(random));
    if (retry_after) {
        chosen = std::max(chosen, std::min(*retry_after, cap));
    }
    return chosen;
}

}  // namespace leernetwerk::dispatch
