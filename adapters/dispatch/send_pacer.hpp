#pragma once
// Which outbound messages may go out now, the delivery engine's pacing rule for every platform:
// one send at a time per conversation (so messages keep their order), a sliding-window limit per
// conversation, and a cap on sends in flight. Pacing state of quiet conversations is forgotten, so
// it does not grow with every conversation ever served.
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "adapters/net/retry.hpp"
#include "bot/ports/store.hpp"

namespace leernetwerk::dispatch {

using net::SteadyTime;
using net::WindowLimiter;

class SendPacer {
public:
    /// `windows`: (limit, length) per conversation; `forget_after`: quiet time before a
    /// conversation's pacing state is dropped.
    SendPacer(std::vector<std::pair<int, std::chrono::milliseconds>> windows, int max_in_flight,
              std::chrono::seconds forget_after);

    /// Sends that may still start now.
    int free_slots() const { return max_in_flight_ - in_flight_; }
    /// Claims a send to `key` at `now`. False when no slot is free, the conversation has a send
    /// in flight, or its window is full; then `wait` says how long the window needs (0 otherwise).
    bool try_claim(const std::string& key, SteadyTime now, std::chrono::milliseconds& wait);
    /// Ends a claim (sent, given up, or never started): the conversation may send again.
    void release(const std::string& key);
    /// Drops the state of conversations quiet for `forget_after` (at most every 10 s).
    void forget_quiet(SteadyTime now);

private:
    std::vector<std::pair<int, std::chrono::milliseconds>> windows_;
    int max_in_flight_;
    std::chrono::seconds forget_after_;
    int in_flight_ = 0;
    std::set<std::string> busy_;
    std::map<std::string, WindowLimiter> limiters_;
    SteadyTime last_prune_{};
};

}  // namespace leernetwerk::dispatch
