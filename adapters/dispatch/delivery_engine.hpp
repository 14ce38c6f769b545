#pragma once
// The delivery engine every platform uses: claim due outbox rows → the platform renders and sends
// one → record the outcome (sent with its remote id, retry later, or given up). One retry policy
// (RetryPolicy: by horizon per message kind), one ordering rule (one send at a time per
// conversation, and a conversation whose message waits for a retry sends nothing after it until
// that retry is due) and one pacing rule (SendPacer: sliding windows per conversation, a cap on
// sends in flight). A platform supplies only its windows, how it sends a row (render, transport,
// conversation lookup or creation) and how it reads the answer (an Outcome).
// Everything runs on the io_context's one thread.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "adapters/dispatch/retry_policy.hpp"
#include "adapters/net/metrics.hpp"
#include "bot/ports/delivery_store.hpp"
#include "bot/ports/store.hpp"
#include "bot/ports/unit_of_work.hpp"

namespace boost::asio {
class io_context;
}

namespace leernetwerk::dispatch {

/// What one send came to, as the platform classified the answer.
struct Outcome {
    enum class Kind {
        sent,       ///< delivered; `remote_id` is the platform's id for it
        retry,      ///< worth another attempt (no answer, 5xx, 429, a thread that was refused)
        permanent,  ///< will never succeed (403, a 404 that is not a wrong thread, bad input)
    };
    Kind kind = Kind::sent;
    std::string remote_id;
    std::string conversation_id;  ///< where it went (a private chat may have been opened)
    std::string why;
    std::optional<std::chrono::milliseconds> retry_after;
    bool unreachable = false;  ///< no answer from the peer at all
    bool at_once = false;      ///< retry without waiting (the platform changed what it sends)

    static Outcome delivered(std::string remote_id, std::string conversation_id = {});
    static Outcome again(std::string why, std::optional<std::chrono::milliseconds> retry_after = {},
                         bool unreachable = false);
    static Outcome give_up(std::string why);
};

using OutcomeCallback = std::function<void(Outcome)>;

/// The store's clock: now, in whole seconds (UTC).
Instant store_clock_now();

/// The conversation a message is ordered and paced on: its conversation, or for a private
/// message whose chat is not known yet, the member it goes to.
std::string conversation_key(const Address& to);

/// The log line of write_logged.
void log_store_failure(std::string_view who, std::string_view what, const StoreError& error);

/// Runs `work` in a store transaction of its own; false (logged, naming `who` and `what`) when
/// the database failed.
template <typename Work>
bool write_logged(UnitOfWork& unit, std::string_view who, std::string_view what, Work&& work) {
    try {
        unit.transaction(std::forward<Work>(work));
        return true;
    } catch (const StoreError& error) {
        log_store_failure(who, what, error);
        return false;
    }
}

/// What a platform supplies.
struct PlatformSide {
    Platform platform = Platform::console;
    std::string name;  ///< "teams", "matrix": for log lines and metric labels
    std::vector<std::pair<int, std::chrono::milliseconds>> windows;  ///< per conversation
    int max_in_flight = 16;
    /// The conversation a row is ordered and paced on.
    std::function<std::string(const Address&)> key_of;
    /// Renders and sends one row; calls `done` exactly once, on the io thread.
    std::function<void(OutboxRow, OutcomeCallback)> send;
    /// Runs inside the transaction that records sent rows (optional).
    std::function<void(const OutboxRow&, const Outcome&)> on_recorded;
    /// Called after that transaction failed (optional; e.g. to drop a cache that ran ahead).
    std::function<void()> on_record_failed;
    /// Runs inside the transaction that gives a row up, with the store's time (optional; the
    /// core schedules a notice to the member the row answered).
    std::function<void(const OutboxRow&, Instant)> on_given_up;
};

/// Whether a platform answers, for /readyz and /metrics.
struct DeliveryHealth {
    bool running = false;
    /// Since when no send got an answer at all (connection refused, timeout); unset while the
    /// peer answers (also with an error).
    std::optional<std::chrono::system_clock::time_point> unreachable_since;
    std::optional<std::chrono::system_clock::time_point> last_answer;
};

class DeliveryEngine {
public:
    using Clock = std::function<Instant()>;
    /// Claims and records `outbox`'s rows in transactions of `unit` (the same backend).
    DeliveryEngine(boost::asio::io_context& io, UnitOfWork& unit, DeliveryStore& outbox,
                   net::Metrics& metrics, PlatformSide side, RetryPolicy policy, Clock clock,
                   std::chrono::milliseconds poll_interval = std::chrono::milliseconds(1000));
    /// The same on a whole Store (its unit of work and its delivery store).
    DeliveryEngine(boost::asio::io_context& io, Store& store, net::Metrics& metrics,
                   PlatformSide side, RetryPolicy policy, Clock clock,
                   std::chrono::milliseconds poll_interval = std::chrono::milliseconds(1000));
    /// Stops: a look already queued or timed does nothing, an answer still on its way is dropped.
    ~DeliveryEngine();
    DeliveryEngine(const DeliveryEngine&) = delete;
    DeliveryEngine& operator=(const DeliveryEngine&) = delete;

    /// Recovers what a crash left (rows `sending` are due again; conversations with a message
    /// waiting for its retry hold the rest back) and starts looking.
    void start();
    void stop();
    /// Looks soon (once, however often it is called before the look runs).
    void wake();

    /// Back-pressure: more than `bound` messages waiting (pending or sending) in this platform's
    /// outbox makes busy() answer; 0: no bound.
    void set_depth_bound(int bound);
    /// How long a platform should wait before it sends more, when the outbox is deeper than its
    /// bound (counted in leernetwerk_inbound_deferred_total); nullopt when it may send now. The
    /// depth is read at most every 100 ms.
    std::optional<std::chrono::seconds> busy();
    DeliveryHealth health() const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace leernetwerk::dispatch
