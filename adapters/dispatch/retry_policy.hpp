#pragma once
// The one retry policy of every platform's delivery: a message is retried for as long as it is
// still useful (its horizon, per kind of message), not for a fixed number of attempts. The delay
// grows with the attempts to a ceiling of a few minutes and is never shorter than the peer's
// Retry-After (capped at the ceiling).
#include <chrono>
#include <optional>
#include <random>
#include <string_view>

#include "bot/vocab/content.hpp"

namespace leernetwerk::dispatch {

/// What an outbound message is for, as far as delivery is concerned.
enum class MessageKind {
    reply,     ///< text in a shared conversation: an answer to a command, an announcement
    direct,    ///< to one member privately: a routed question, an answer, a reminder, a nudge
    question,  ///< a choice question or a short form (a poll prompt, an agenda form)
    update,    ///< an in-place update of an earlier message (results, a closed poll)
};

MessageKind kind_of(const OutboundMessage& message);
std::string_view kind_code(MessageKind kind);

struct RetryPolicy {
    std::chrono::milliseconds base{1000};  ///< the first retry's delay (before jitter)
    std::chrono::milliseconds cap{std::chrono::minutes(4)};  ///< the ceiling of every delay
    /// The ceiling while the peer does not answer at all (a refused connection costs nothing,
    /// and the backlog should go out soon after the peer is back).
    std::chrono::milliseconds unreachable_cap{std::chrono::minutes(1)};
    /// How long after it was queued each kind is still worth delivering. A reply must survive a
    /// platform outage of an hour or more; what one member is waiting for (an answer, a routed
    /// question, a poll prompt) is worth days.
    std::chrono::seconds reply_horizon{std::chrono::hours(12)};
    std::chrono::seconds direct_horizon{std::chrono::hours(72)};
    std::chrono::seconds question_horizon{std::chrono::hours(72)};
    std::chrono::seconds update_horizon{std::chrono::hours(24)};

    std::chrono::seconds horizon(MessageKind kind) const;
    /// The last instant a row created at `created_at` may still be sent.
    Instant useful_until(const OutboundMessage& message, Instant created_at) const;
    /// The delay before the retry after `attempts` failed attempts: between half and all of
    /// min(cap, base * 2^(attempts-1)), and at least the peer's Retry-After (up to the cap).
    /// `unreachable`: the peer did not answer; the ceiling is unreachable_cap.
    std::chrono::milliseconds delay(int attempts,
                                    std::optional<std::chrono::milliseconds> retry_after,
                                    std::mt19937_64& random, bool unreachable = false) const;
};

}  // namespace leernetwerk::dispatch
