#include "adapters/dispatch/send_pacer.hpp"

namespace leernetwerk::dispatch {

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

}  // namespace leernetwerk::dispatch
