#pragma once
// The scheduler's jobs: what Bot::tick runs when it is due, keyed by kind and key.
#include <optional>
#include <string_view>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// Scheduled jobs.
class Scheduler {
public:
    virtual ~Scheduler() = default;

    /// Schedules a job; when a job with the same kind and key exists it is moved to the new time
    /// and payload (and made due again if it was cancelled). Returns its id.
    virtual Id schedule_job(const Job& job) = 0;
    /// Jobs in state `due` whose time has come, earliest first.
    virtual std::vector<Job> due_jobs(Instant now, int limit) = 0;
    virtual void finish_job(Id id) = 0;
    virtual void cancel_job(std::string_view kind, std::string_view key) = 0;
    virtual std::optional<Job> job(std::string_view kind, std::string_view key) = 0;
    /// Every job of a kind whose key starts with `key_prefix`, whatever its state, by key.
    virtual std::vector<Job> jobs_with_key_prefix(std::string_view kind,
                                                  std::string_view key_prefix) = 0;
    /// When the earliest job in state `due` is due; nullopt when none is.
    virtual std::optional<Instant> next_job_due() = 0;
};

}  // namespace leernetwerk
