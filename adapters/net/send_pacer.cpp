#include "adapters/net/send_pacer.hpp"

namespace leernetwerk::net {

SendPacer::SendPacer(std::vector<std::pair<int, std::chrono::milliseconds>> windows,
                     int max_in_flight, std::chrono::seconds forget_after)
    : windows_(std::move(windows)), max_in_flight_(max_in_flight), forget_after_(forget_after) {}

bool SendPacer::try_claim(const std::string& key, SteadyTime now, std::chrono::milliseconds& wait) {
    wait = std::chrono::milliseconds(0);
    if (in_flight_ >= max_in_flight_ || busy_.count(key) != 0) {
        return false;
    }
    auto& limiter = limiters_.try_emplace(key, WindowLimiter(windows_)).first->second;
    wait = limiter.wait_time(now);
    if (wait.count() > 0) {
        return false;
    }
    limiter.record(now);
    busy_.insert(key);
    ++in_flight_;
    return true;
}

void SendPacer::release(const std::string& key) {
    if (busy_.erase(key) != 0) {
        --in_flight_;
    }
}

void SendPacer::forget_quiet(SteadyTime now) {
    if (now - last_prune_ < std::chrono::seconds(10)) {
        return;
    }
    last_prune_ = now;
    std::erase_if(limiters_, [&](const auto& entry) {
        return busy_.count(entry.first) == 0 && entry.second.quiet_since(now - forget_after_);
    });
}

std::vector<ClaimedRow> claim_due_rows(Store& store, Platform platform, Instant now,
                                       SendPacer& pacer,
                                       const std::function<std::string(const Address&)>& key_of,
                                       std::chrono::milliseconds& next) {
    constexpr int kSpare = 4;         // rows read beyond the free slots, for busy conversations
    constexpr int kMaxScanned = 2048;  // per call: a huge backlog is walked over several wakes
    std::vector<ClaimedRow> chosen;
    const auto steady_now = std::chrono::steady_clock::now();
    Id after = 0;
    int scanned = 0;
    while (pacer.free_slots() > 0 && scanned < kMaxScanned) {
        const int limit = pacer.free_slots() + kSpare;
        auto page = store.due_outbox(platform, now, limit, after);
        for (auto& row : page) {
            after = row.message.id;
            ++scanned;
            auto key = key_of(row.message.to);
            std::chrono::milliseconds wait{0};
            // One send at a time per conversation keeps the order; the window paces it.
            if (!pacer.try_claim(key, steady_now, wait)) {
                if (wait.count() > 0) {
                    next = std::min(next, wait);
                }
                continue;
            }
            chosen.push_back({std::move(row), std::move(key)});
        }
        if (static_cast<int>(page.size()) < limit) {
            break;  // nothing more is due
        }
    }
    if (chosen.empty()) {
        return chosen;
    }
    try {
        // Marked before the platform call: the attempt counts, and after a crash the row is
        // known to have been on its way.
        store.transaction([&] {
            for (const auto& claimed : chosen) {
                store.mark_outbox_sending(claimed.row.message.id, now);
            }
        });
    } catch (const StoreError&) {
        for (const auto& claimed : chosen) {
            pacer.release(claimed.key);
        }
        throw;
    }
    for (auto& claimed : chosen) {
        ++claimed.row.attempts;
    }
    return chosen;
}

}  // namespace leernetwerk::net
