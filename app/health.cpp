#include "app/health.hpp"

#include <filesystem>
#include <system_error>

#include <nlohmann/json.hpp>

namespace leernetwerk::app {
namespace {

constexpr std::string_view kProbeKey = "health.write_probe";

std::int64_t seconds_between(std::chrono::system_clock::time_point from,
                             std::chrono::system_clock::time_point to) {
    return std::chrono::duration_cast<std::chrono::seconds>(to - from).count();
}

}  // namespace

std::optional<std::string> probe_write(Store& store, Instant now) {
    try {
        store.transaction([&] {
            store.set_adapter_state(kProbeKey, std::to_string(now.time_since_epoch().count()), now);
        });
        return std::nullopt;
    } catch (const StoreError& error) {
        return std::string(error.what());
    }
}

std::string ReadinessReport::json() const {
    nlohmann::json out;
    out["status"] = ready ? "ready" : "not ready";
    out["database"] = {{"writable", database_writable}};
    if (!database_error.empty()) {
        out["database"]["error"] = database_error;
    }
    if (disk_free_bytes) {
        out["disk"] = {{"free_bytes", *disk_free_bytes}};
    }
    out["scheduler"] = nlohmann::json::object();
    if (scheduler_lag_seconds) {
        out["scheduler"]["lag_seconds"] = *scheduler_lag_seconds;
    }
    out["platforms"] = nlohmann::json::object();
    for (const auto& platform : platforms) {
        auto& entry = out["platforms"][platform.name];
        entry["running"] = platform.running;
        entry["reachable"] = !platform.unreachable_seconds.has_value();
        if (platform.unreachable_seconds) {
            entry["backoff_seconds"] = *platform.unreachable_seconds;
        }
    }
    out["problems"] = problems;
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Readiness::Readiness(Store& store, ReadinessOptions options,
                     std::function<std::optional<Instant>()> next_due,
                     std::vector<PlatformProbe> platforms)
    : store_(store),
      options_(std::move(options)),
      next_due_(std::move(next_due)),
      platforms_(std::move(platforms)) {}

ReadinessReport Readiness::check(std::chrono::system_clock::time_point now) {
    ReadinessReport report;
    // The database: a real write, at most every write_cache (probes come every few seconds).
    if (written_at_ && now - *written_at_ < options_.write_cache && now >= *written_at_) {
        report.database_writable = true;
    } else if (const auto error =
                   probe_write(store_, std::chrono::floor<std::chrono::seconds>(now))) {
        written_at_.reset();
        report.database_error = *error;
        report.problems.push_back("the database cannot be written: " + *error);
    } else {
        written_at_ = now;
        report.database_writable = true;
    }
    // The disk under it.
    std::error_code ec;
    const auto where = std::filesystem::absolute(options_.database_path, ec).parent_path();
    const auto space = std::filesystem::space(where, ec);
    if (!ec) {
        report.disk_free_bytes = space.available;
        const auto needed = options_.min_free_disk_mb * 1024 * 1024;
        if (space.available < needed) {
            report.problems.push_back("less than " + std::to_string(options_.min_free_disk_mb) +
                                      " MiB free on the disk of " + where.string());
        }
    } else if (options_.min_free_disk_mb > 0) {
        report.problems.push_back("free disk space of " + where.string() +
                                  " unknown: " + ec.message());
    }
    // The scheduler: the earliest due job should not be long overdue.
    if (report.database_writable) {
        if (const auto due = next_due_()) {
            const auto lag = seconds_between(*due, now);
            report.scheduler_lag_seconds = std::max<std::int64_t>(lag, 0);
            if (lag > options_.scheduler_slack.count()) {
                report.problems.push_back("the scheduler is " + std::to_string(lag) +
                                          " s behind");
            }
        } else {
            report.scheduler_lag_seconds = 0;
        }
    }
    // The platforms: each dispatcher runs; one in back-off is reported with its age (waiting
    // for Microsoft or the homeserver is not the bot's fault, and a restart would not help).
    for (const auto& probe : platforms_) {
        const auto health = probe.health();
        ReadinessReport::Platform platform{probe.name, health.running, std::nullopt};
        if (health.unreachable_since) {
            platform.unreachable_seconds = seconds_between(*health.unreachable_since, now);
        }
        if (!health.running) {
            report.problems.push_back("the " + probe.name + " dispatcher is not running");
        }
        report.platforms.push_back(std::move(platform));
    }
    report.ready = report.problems.empty();
    return report;
}

}  // namespace leernetwerk::app
