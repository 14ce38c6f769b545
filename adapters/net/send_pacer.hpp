#pragma once
// Which outbound messages may go out now, shared by the platform dispatchers: one send at a time
// per conversation (so messages keep their order), a sliding-window limit per conversation, and a
// cap on sends in flight. Pacing state of quiet conversations is forgotten, so it does not grow
// with every conversation ever served.
#include <chrono>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "adapters/net/retry.hpp"
#include "bot/store.hpp"

namespace leernetwerk::net {

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

/// A due outbox row the pacer let through, with its conversation key (to release it later).
struct ClaimedRow {
    OutboxRow row;
    std::string key;
};

/// Reads a platform's due rows in id order, page by page, and claims those whose conversation is
/// free and not paced, until every free slot is used or nothing more is due. A page is a little
/// more than the free slots, and the next one reads on after it, so a conversation with a backlog
/// (or held after a 429) cannot hide the others. `next` is lowered to the shortest window wait
/// met. The claimed rows are marked `sending` (their attempt counted) in one transaction.
/// Throws StoreError (then nothing is claimed).
std::vector<ClaimedRow> claim_due_rows(Store& store, Platform platform, Instant now,
                                       SendPacer& pacer,
                                       const std::function<std::string(const Address&)>& key_of,
                                       std::chrono::milliseconds& next);

}  // namespace leernetwerk::net
