#pragma once
// Send pacing and retry policy, with time passed in: exponential backoff with full jitter,
// Retry-After parsing, and a multi-window token bucket per conversation.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <random>
#include <string_view>
#include <utility>
#include <vector>

namespace leernetwerk::net {

using SteadyTime = std::chrono::steady_clock::time_point;

/// Delay before attempt `attempt` (1 = the first retry): random in [0, min(cap, base * 2^(n-1))].
std::chrono::milliseconds backoff_delay(int attempt, std::chrono::milliseconds base,
                                        std::chrono::milliseconds cap, std::mt19937_64& random);

/// Reads a Retry-After header: delta-seconds ("120") or an HTTP-date relative to `now` (system
/// time). nullopt when unreadable; negative results are clamped to 0.
std::optional<std::chrono::seconds> parse_retry_after(std::string_view value,
                                                      std::chrono::system_clock::time_point now);

/// Allows at most `limit` events in every sliding window of `window`, for each (limit, window).
/// Teams' per-conversation send limits are {7/1s, 8/2s, 60/30s, 1800/3600s}.
class WindowLimiter {
public:
    explicit WindowLimiter(std::vector<std::pair<int, std::chrono::milliseconds>> windows);
    /// How long to wait before one more event is allowed (0 when allowed now).
    std::chrono::milliseconds wait_time(SteadyTime now) const;
    /// Records an event at `now` (call only when wait_time(now) is 0).
    void record(SteadyTime now);
    /// True when no event was recorded after `cutoff` (the limiter can be forgotten).
    bool quiet_since(SteadyTime cutoff) const { return events_.empty() || events_.back() < cutoff; }

private:
    std::vector<std::pair<int, std::chrono::milliseconds>> windows_;
    std::deque<SteadyTime> events_;  ///< within the longest window
};

}  // namespace leernetwerk::net
