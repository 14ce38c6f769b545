#include "adapters/dispatch/delivery_engine.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <utility>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "adapters/dispatch/send_pacer.hpp"
#include "bot/vocab/log.hpp"

namespace leernetwerk::dispatch {

namespace asio = boost::asio;

Outcome Outcome::delivered(std::string remote_id, std::string conversation_id) {
    Outcome outcome;
    outcome.kind = Kind::sent;
    outcome.remote_id = std::move(remote_id);
    outcome.conversation_id = std::move(conversation_id);
    return outcome;
}

Outcome Outcome::again(std::string why, std::optional<std::chrono::milliseconds> retry_after,
                       bool unreachable) {
    Outcome outcome;
    outcome.kind = Kind::retry;
    outcome.why = std::move(why);
    outcome.retry_after = retry_after;
    outcome.unreachable = unreachable;
    return outcome;
}

Outcome Outcome::give_up(std::string why) {
    Outcome outcome;
    outcome.kind = Kind::permanent;
    outcome.why = std::move(why);
    return outcome;
}

Instant store_clock_now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

namespace {

/// `text` with the address's conversation and user ids taken out.
std::string redacted(std::string text, const Address& to) {
    for (const auto& id : {to.conversation_id, to.user_id}) {
        if (id.empty()) {
            continue;
        }
        for (auto at = text.find(id); at != std::string::npos; at = text.find(id, at)) {
            text.replace(at, id.size(), "(sealed)");
        }
    }
    return text;
}

}  // namespace

std::string conversation_key(const Address& to) {
    return to.conversation_id.empty() ? "user:" + to.user_id : to.conversation_id;
}

void log_store_failure(std::string_view who, std::string_view what, const StoreError& error) {
    log_line(LogLevel::error, std::string(who) + ": " + std::string(what) + ": " + error.what());
}

namespace {

constexpr std::chrono::seconds kForgetPacingAfter{30};
constexpr int kSpare = 4;          // rows read beyond the free slots, for busy conversations
constexpr int kMaxScanned = 2048;  // per look: a huge backlog is walked over several looks
constexpr std::chrono::milliseconds kDepthReadEvery{100};
constexpr std::chrono::seconds kBusyRetryAfter{
    1};  // a backlog over the bound is gone in about a second

std::string hours_text(std::chrono::seconds horizon) {
    return std::to_string(std::chrono::duration_cast<std::chrono::hours>(horizon).count()) + " h";
}

}  // namespace

// Shared with the handlers it queues and the sends in flight, so one that finishes after the
// engine is gone finds it stopped instead of freed.
struct DeliveryEngine::State : std::enable_shared_from_this<State> {
    State(asio::io_context& io_in, UnitOfWork& unit_in, DeliveryStore& store_in,
          net::Metrics& metrics_in, PlatformSide side_in, RetryPolicy policy_in, Clock clock_in,
          std::chrono::milliseconds poll_interval_in)
        : io(io_in),
          unit(unit_in),
          store(store_in),
          metrics(metrics_in),
          side(std::move(side_in)),
          policy(policy_in),
          clock(std::move(clock_in)),
          poll_interval(poll_interval_in),
          timer(io_in),
          pacer(side.windows, side.max_in_flight, kForgetPacingAfter),
          random(std::random_device{}()) {
        metrics.describe("leernetwerk_sends_total", "counter",
                         "Outbound platform calls, by platform and result (ok, retry, failed)");
        metrics.describe("leernetwerk_send_seconds", "histogram",
                         "Latency of outbound platform calls, by platform");
        metrics.describe("leernetwerk_inbound_deferred_total", "counter",
                         "Inbound requests answered 'busy, retry later' before they were read, "
                         "because the platform's outbox was deeper than its bound, by platform");
        metrics.describe("leernetwerk_sends_given_up_total", "counter",
                         "Outbound messages given up, by platform, message kind and reason "
                         "(permanent: the platform refused it; horizon: no longer useful)");
    }

    // ---- when to look --------------------------------------------------------------------------

    void schedule(std::chrono::milliseconds after) {
        if (!running) {
            return;
        }
        timer.expires_after(after);
        timer.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
            // Aborted: the timer was re-armed by a newer look, or stopped.
            if (error != asio::error::operation_aborted) {
                self->look();
            }
        });
    }

    void wake() {
        if (!running || look_queued) {
            return;
        }
        look_queued = true;
        asio::post(io, [self = shared_from_this()] {
            self->look_queued = false;
            self->look();
        });
    }

    void look() {
        if (!running) {
            return;
        }
        std::chrono::milliseconds next = poll_interval;
        pacer.forget_quiet(std::chrono::steady_clock::now());
        if (pacer.free_slots() <= 0) {
            schedule(next);  // a finishing send wakes us sooner
            return;
        }
        const auto now = clock();
        std::erase_if(held, [&](const auto& entry) { return entry.second.until <= now; });
        std::vector<std::pair<OutboxRow, std::string>> chosen;
        try {
            chosen = claim(now, next);
        } catch (const StoreError& error) {
            log_line(LogLevel::error, side.name + " dispatcher: " + error.what());
            schedule(next);
            return;
        }
        for (auto& [row, key] : chosen) {
            // A message that failed before is retried only while it is useful; one never tried
            // goes out however late (the core decided when it queued it that it was due).
            const auto until = policy.useful_until(row.message, row.created_at);
            if (row.attempts > 1 && now > until) {
                give_up(row, key,
                        "no longer useful (queued more than " +
                            hours_text(policy.horizon(kind_of(row.message))) + " ago)" +
                            (row.last_error.empty() ? "" : "; last error: " + row.last_error),
                        "horizon");
                continue;
            }
            start_send(std::move(row), std::move(key));
        }
        schedule(next);
    }

    /// Reads due rows in id order, page by page, and claims those whose conversation is free,
    /// not held for a retry and not paced, until every free slot is used or nothing more is due.
    /// A page is a little more than the free slots and the next reads on after it, so a
    /// conversation with a backlog cannot hide the others. The claimed rows are marked `sending`
    /// (their attempt counted) in one transaction. Throws StoreError (then nothing is claimed).
    std::vector<std::pair<OutboxRow, std::string>> claim(Instant now,
                                                         std::chrono::milliseconds& next) {
        std::vector<std::pair<OutboxRow, std::string>> chosen;
        const auto steady_now = std::chrono::steady_clock::now();
        Id after = 0;
        int scanned = 0;
        while (pacer.free_slots() > 0 && scanned < kMaxScanned) {
            const int limit = pacer.free_slots() + kSpare;
            auto page = store.due_outbox(side.platform, now, limit, after);
            for (auto& row : page) {
                after = row.message.id;
                ++scanned;
                auto key = side.key_of(row.message.to);
                if (held.count(key) != 0) {
                    continue;  // an earlier message waits for its retry: nothing overtakes it
                }
                std::chrono::milliseconds wait{0};
                if (!pacer.try_claim(key, steady_now, wait)) {
                    if (wait.count() > 0) {
                        next = std::min(next, wait);
                    }
                    continue;
                }
                chosen.emplace_back(std::move(row), std::move(key));
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
            unit.transaction([&] {
                for (const auto& claimed : chosen) {
                    store.mark_outbox_sending(claimed.first.message.id, now);
                }
            });
        } catch (const StoreError&) {
            for (const auto& claimed : chosen) {
                pacer.release(claimed.second);
            }
            throw;
        }
        for (auto& claimed : chosen) {
            ++claimed.first.attempts;
        }
        return chosen;
    }

    // ---- send and record -----------------------------------------------------------------------

    void start_send(OutboxRow row, std::string key) {
        auto kept = row;
        const auto started = std::chrono::steady_clock::now();
        side.send(std::move(row), [self = shared_from_this(), kept = std::move(kept),
                                   key = std::move(key), started](Outcome outcome) mutable {
            self->settle(std::move(kept), std::move(key), started, std::move(outcome));
        });
    }

    void settle(OutboxRow row, std::string key, std::chrono::steady_clock::time_point started,
                Outcome outcome) {
        if (row.message.sealed) {
            // A sealed message's conversation and person stay out of the log and of the row's
            // plain last_error (an anonymous poll's receipt would otherwise name who answered).
            outcome.why = redacted(std::move(outcome.why), row.message.to);
        }
        metrics.observe("leernetwerk_send_seconds", {{"platform", side.name}},
                        std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::steady_clock::now() - started));
        note_health(outcome);
        switch (outcome.kind) {
            case Outcome::Kind::sent:
                metrics.count("leernetwerk_sends_total",
                              {{"platform", side.name}, {"result", "ok"}});
                record_sent(std::move(row), std::move(outcome), std::move(key));
                peer_is_back(started);
                return;
            case Outcome::Kind::permanent:
                give_up(row, key, outcome.why, "permanent");
                return;
            case Outcome::Kind::retry:
                retry(row, key, outcome);
                return;
        }
    }

    /// Whether the peer answers: since when it has not (for /readyz), and when it last did.
    void note_health(const Outcome& outcome) {
        const auto now = std::chrono::system_clock::now();
        if (outcome.kind == Outcome::Kind::retry && outcome.unreachable) {
            if (!health.unreachable_since) {
                health.unreachable_since = now;
            }
            return;
        }
        health.unreachable_since.reset();
        health.last_answer = now;
    }

    void retry(const OutboxRow& row, const std::string& key, const Outcome& outcome) {
        const auto now = clock();
        const auto delay = outcome.at_once ? std::chrono::milliseconds(0)
                                           : policy.delay(row.attempts, outcome.retry_after, random,
                                                          outcome.unreachable);
        // The retry instant is on the store's clock (whole seconds, rounded up), and the
        // conversation is held until exactly that instant: the row and the hold end together.
        const auto next = now + std::chrono::ceil<std::chrono::seconds>(delay);
        const auto until = policy.useful_until(row.message, row.created_at);
        if (next > until) {
            give_up(row, key,
                    outcome.why + " (no longer useful after " +
                        hours_text(policy.horizon(kind_of(row.message))) + ")",
                    "horizon");
            return;
        }
        log_line(LogLevel::warn, side.name + ": outbox message " + std::to_string(row.message.id) +
                                     ": " + outcome.why + ", retry in " +
                                     std::to_string(delay.count()) + " ms");
        metrics.count("leernetwerk_sends_total", {{"platform", side.name}, {"result", "retry"}});
        write("mark retry", [&] { store.mark_outbox_retry(row.message.id, next, outcome.why); });
        if (next > now) {
            held[key] = Hold{next, row.message.id, outcome.why, outcome.unreachable,
                             std::chrono::steady_clock::now()};
        }
        finish(key);
    }

    /// A send that started after the peer could not be reached went through: the peer is back,
    /// so what waits only because it was unreachable is due now (instead of at the end of a
    /// backoff of up to the ceiling). Waits the peer asked for (Retry-After, 5xx) stay.
    void peer_is_back(std::chrono::steady_clock::time_point started) {
        std::vector<std::pair<std::string, Hold>> released;
        for (auto it = held.begin(); it != held.end();) {
            if (it->second.unreachable && it->second.id != 0 && it->second.since < started) {
                released.emplace_back(it->first, it->second);
                it = held.erase(it);
            } else {
                ++it;
            }
        }
        if (released.empty()) {
            return;
        }
        const auto now = clock();
        write("peer is back", [&] {
            for (const auto& [key, hold] : released) {
                store.mark_outbox_retry(hold.id, now, hold.why);
            }
        });
        wake();
    }

    void give_up(const OutboxRow& row, const std::string& key, const std::string& why,
                 const char* reason) {
        const auto kind = kind_code(kind_of(row.message));
        log_line(LogLevel::error, side.name + ": gave up on outbox message " +
                                      std::to_string(row.message.id) + " (" + std::string(kind) +
                                      ", " + std::to_string(row.attempts) + " attempts): " + why);
        metrics.count("leernetwerk_sends_total", {{"platform", side.name}, {"result", "failed"}});
        metrics.count("leernetwerk_sends_given_up_total",
                      {{"platform", side.name}, {"kind", std::string(kind)}, {"reason", reason}});
        write("mark failed", [&] {
            const auto now = clock();
            store.mark_outbox_failed(row.message.id, why, now);
            if (side.on_given_up) {
                side.on_given_up(row, now);
            }
        });
        finish(key);
    }

    struct Sent {
        OutboxRow row;
        Outcome outcome;
        std::string key;
    };

    /// Sends that succeeded are recorded in batches: one transaction for all that completed while
    /// the I/O thread was busy. The conversation stays busy until its row is recorded, so a later
    /// message cannot overtake it.
    void record_sent(OutboxRow row, Outcome outcome, std::string key) {
        sent_batch.push_back({std::move(row), std::move(outcome), std::move(key)});
        if (flush_scheduled) {
            return;
        }
        flush_scheduled = true;
        asio::post(io, [self = shared_from_this()] { self->flush_sent(); });
    }

    void flush_sent() {
        flush_scheduled = false;
        auto batch = std::move(sent_batch);
        sent_batch.clear();
        const bool recorded = write("mark sent", [&] {
            for (const auto& done : batch) {
                store.mark_outbox_sent(done.row.message.id, done.outcome.remote_id, clock());
                // The platform's hooks only while it runs: after stop() it may be gone.
                if (running && side.on_recorded) {
                    side.on_recorded(done.row, done.outcome);
                }
            }
        });
        if (!recorded && running && side.on_record_failed) {
            side.on_record_failed();
        }
        for (const auto& done : batch) {
            finish(done.key);
        }
    }

    void finish(const std::string& key) {
        pacer.release(key);
        wake();
    }

    template <typename Work>
    bool write(const char* what, Work&& work) {
        return write_logged(unit, side.name + " dispatcher", what, std::forward<Work>(work));
    }

    /// After a restart: rows a crash left `sending` are due again, and a conversation with a
    /// message still waiting for its retry holds its later messages until the last such retry.
    void recover() {
        const auto now = clock();
        write("recovery", [&] {
            for (const auto& row : store.outbox_in_state(side.platform, OutboxState::sending)) {
                log_line(LogLevel::warn,
                         side.name + ": outbox message " + std::to_string(row.message.id) +
                             " was being sent when the bot stopped; sending it again" +
                             (side.platform == Platform::teams ? " (it may arrive twice)" : ""));
                store.mark_outbox_retry(row.message.id, now, "resent after restart");
            }
        });
        try {
            for (const auto& row : store.outbox_in_state(side.platform, OutboxState::pending)) {
                if (row.attempts > 0 && row.next_attempt_at > now) {
                    auto& hold = held[side.key_of(row.message.to)];
                    hold.until = std::max(hold.until, row.next_attempt_at);
                }
            }
        } catch (const StoreError& error) {
            log_line(LogLevel::error, side.name + " dispatcher: recovery: " + error.what());
        }
    }

    asio::io_context& io;
    UnitOfWork& unit;
    DeliveryStore& store;
    net::Metrics& metrics;
    PlatformSide side;
    RetryPolicy policy;
    Clock clock;
    std::chrono::milliseconds poll_interval;
    asio::steady_timer timer;
    SendPacer pacer;
    std::mt19937_64 random;
    /// A conversation whose message waits for its retry.
    struct Hold {
        Instant until{};  ///< on the store's clock: the retry instant
        Id id = 0;        ///< the waiting row (0: found so after a restart)
        std::string why;
        bool unreachable = false;  ///< no answer at all: a success elsewhere ends the wait
        std::chrono::steady_clock::time_point since{};
    };
    std::map<std::string, Hold> held;
    std::vector<Sent> sent_batch;
    bool flush_scheduled = false;
    bool running = false;
    bool look_queued = false;
    DeliveryHealth health;
    int depth_bound = 0;
    int depth = 0;
    std::chrono::steady_clock::time_point depth_read_at{};
};

DeliveryEngine::DeliveryEngine(asio::io_context& io, UnitOfWork& unit, DeliveryStore& outbox,
                               net::Metrics& metrics, PlatformSide side, RetryPolicy policy,
                               Clock clock, std::chrono::milliseconds poll_interval)
    : state_(std::make_shared<State>(io, unit, outbox, metrics, std::move(side), policy,
                                     std::move(clock), poll_interval)) {}

DeliveryEngine::DeliveryEngine(asio::io_context& io, Store& store, net::Metrics& metrics,
                               PlatformSide side, RetryPolicy policy, Clock clock,
                               std::chrono::milliseconds poll_interval)
    : DeliveryEngine(io, store, store, metrics, std::move(side), policy, std::move(clock),
                     poll_interval) {}

DeliveryEngine::~DeliveryEngine() {
    stop();
}

void DeliveryEngine::start() {
    if (state_->running) {
        return;
    }
    state_->recover();
    state_->running = true;
    state_->wake();
}

void DeliveryEngine::stop() {
    state_->running = false;
    state_->timer.cancel();
}

void DeliveryEngine::wake() {
    state_->wake();
}

void DeliveryEngine::set_depth_bound(int bound) {
    state_->depth_bound = bound;
}

std::optional<std::chrono::seconds> DeliveryEngine::busy() {
    auto& state = *state_;
    if (state.depth_bound <= 0) {
        return std::nullopt;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - state.depth_read_at >= kDepthReadEvery) {
        try {
            state.depth = state.store.outbox_depth(state.side.platform);
            state.depth_read_at = now;
        } catch (const StoreError& error) {
            log_line(LogLevel::error,
                     state.side.name + " dispatcher: outbox depth not read: " + error.what());
        }
    }
    if (state.depth <= state.depth_bound) {
        return std::nullopt;
    }
    state.metrics.count("leernetwerk_inbound_deferred_total", {{"platform", state.side.name}});
    return kBusyRetryAfter;
}

DeliveryHealth DeliveryEngine::health() const {
    auto health = state_->health;
    health.running = state_->running;
    return health;
}

}  // namespace leernetwerk::dispatch
