#include "adapters/net/outbox_pump.hpp"

#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "bot/log.hpp"

namespace leernetwerk::net {

namespace asio = boost::asio;

// Shared with the handlers it queues, so a handler that runs after the pump is gone finds it
// stopped instead of freed.
struct OutboxPump::State : std::enable_shared_from_this<State> {
    State(asio::io_context& io_in, Store& store_in, SendPacer& pacer_in, Setup setup_in)
        : io(io_in), store(store_in), pacer(pacer_in), setup(std::move(setup_in)), timer(io_in) {}

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
        std::chrono::milliseconds next = setup.poll_interval;
        pacer.forget_quiet(std::chrono::steady_clock::now());
        if (pacer.free_slots() <= 0) {
            schedule(next);  // a finishing send wakes us sooner
            return;
        }
        std::vector<ClaimedRow> chosen;
        try {
            chosen =
                claim_due_rows(store, setup.platform, setup.clock(), pacer, setup.key_of, next);
        } catch (const StoreError& error) {
            log_line(LogLevel::error, setup.name + ": " + error.what());
            schedule(next);
            return;
        }
        for (auto& claimed : chosen) {
            setup.send(std::move(claimed));
        }
        schedule(next);
    }

    asio::io_context& io;
    Store& store;
    SendPacer& pacer;
    Setup setup;
    asio::steady_timer timer;
    bool running = false;
    bool look_queued = false;
};

OutboxPump::OutboxPump(asio::io_context& io, Store& store, SendPacer& pacer, Setup setup)
    : state_(std::make_shared<State>(io, store, pacer, std::move(setup))) {}

OutboxPump::~OutboxPump() {
    stop();
}

void OutboxPump::start() {
    if (state_->running) {
        return;
    }
    state_->running = true;
    state_->wake();
}

void OutboxPump::stop() {
    state_->running = false;
    state_->timer.cancel();
}

void OutboxPump::wake() {
    state_->wake();
}

}  // namespace leernetwerk::net
