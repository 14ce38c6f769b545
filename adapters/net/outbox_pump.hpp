#pragma once
// When a platform's dispatcher looks for outbound messages: at once after wake() (a commit added
// some, a send finished), and otherwise at a poll interval or when the shortest pacing window
// ends. Each look claims what may go out (claim_due_rows) and hands every row to `send`.
// Shared by the Teams and Matrix adapters; everything runs on the adapter's io_context thread.
#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "adapters/net/send_pacer.hpp"
#include "bot/store.hpp"

namespace boost::asio {
class io_context;
}

namespace leernetwerk::net {

class OutboxPump {
public:
    struct Setup {
        Platform platform = Platform::console;
        std::string name;  ///< for log lines, e.g. "teams dispatcher"
        std::chrono::milliseconds poll_interval{1000};
        std::function<Instant()> clock;
        std::function<std::string(const Address&)> key_of;  ///< the conversation a row paces on
        std::function<void(ClaimedRow)> send;               ///< starts sending one claimed row
    };

    OutboxPump(boost::asio::io_context& io, Store& store, SendPacer& pacer, Setup setup);
    /// Stops: a look already queued or timed does nothing.
    ~OutboxPump();
    OutboxPump(const OutboxPump&) = delete;
    OutboxPump& operator=(const OutboxPump&) = delete;

    /// Starts looking (at once).
    void start();
    void stop();
    /// Looks soon (once, however often it is called before the look runs).
    void wake();

private:
    struct State;
    std::shared_ptr<State> state_;
};

}  // namespace leernetwerk::net
