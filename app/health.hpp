#pragma once
// Readiness for `serve` (GET /readyz): can the bot do its work right now? The database takes a
// real write (cached for a few seconds), the disk under it has room, the scheduler is not behind,
// and each enabled platform's dispatcher runs (reachable, or in back-off since a given time).
// /healthz stays the cheap liveness check: the process answers.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "adapters/dispatch/delivery_engine.hpp"
#include "bot/ports/store.hpp"

namespace leernetwerk::app {

struct ReadinessOptions {
    std::string database_path;     ///< its directory's free space is checked
    std::uint64_t min_free_disk_mb = 200;  ///< 0: no check
    std::chrono::seconds write_cache{5};   ///< a successful write probe is trusted this long
    std::chrono::seconds scheduler_slack{120};  ///< a job this late means the scheduler is behind
};

struct PlatformProbe {
    std::string name;  ///< "teams", "matrix"
    std::function<dispatch::DeliveryHealth()> health;
};

/// One look at readiness, with the reasons (JSON for /readyz, numbers for /metrics).
struct ReadinessReport {
    bool ready = false;
    bool database_writable = false;
    std::string database_error;
    std::optional<std::uint64_t> disk_free_bytes;
    std::optional<std::int64_t> scheduler_lag_seconds;  ///< how late the earliest due job is
    struct Platform {
        std::string name;
        bool running = false;
        std::optional<std::int64_t> unreachable_seconds;  ///< in back-off this long
    };
    std::vector<Platform> platforms;
    std::vector<std::string> problems;  ///< why not ready, for people

    std::string json() const;
};

class Readiness {
public:
    Readiness(Store& store, ReadinessOptions options,
              std::function<std::optional<Instant>()> next_due, std::vector<PlatformProbe> platforms);

    ReadinessReport check(std::chrono::system_clock::time_point now);

private:
    Store& store_;
    ReadinessOptions options_;
    std::function<std::optional<Instant>()> next_due_;
    std::vector<PlatformProbe> platforms_;
    std::optional<std::chrono::system_clock::time_point> written_at_;
};

/// A real write in the database (one row of adapter state, in its own transaction); the
/// error text when it fails. `serve` refuses to start when this fails.
std::optional<std::string> probe_write(Store& store, Instant now);

}  // namespace leernetwerk::app
