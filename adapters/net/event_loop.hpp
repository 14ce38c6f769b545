#pragma once
// The one io_context the service runs on, with the few things the composition root needs from
// it (periodic work, stopping on SIGINT/SIGTERM), so app/ needs no Asio headers of its own.
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

namespace boost::asio {
class io_context;
}

namespace leernetwerk::net {

class EventLoop {
public:
    EventLoop();
    ~EventLoop();
    EventLoop(const EventLoop&) = delete;
    EventLoop& operator=(const EventLoop&) = delete;

    boost::asio::io_context& io();
    /// Calls `work` every `interval` (first after one interval) until stopped.
    void every(std::chrono::milliseconds interval, std::function<void()> work);
    /// Sets the loop's one alarm: `work` (given to set_alarm_handler) runs at the wall-clock
    /// moment `when` (at once when it has passed). A later call moves it; only the last counts.
    void set_alarm(std::chrono::system_clock::time_point when);
    /// When the alarm goes off next; nullopt when it is not set.
    std::optional<std::chrono::system_clock::time_point> alarm() const;
    void set_alarm_handler(std::function<void()> work);
    /// Calls `handler` once when SIGINT or SIGTERM arrives.
    void on_stop_signal(std::function<void()> handler);
    /// Runs until stop() (or nothing is left to do).
    void run();
    /// Stops run() after the current handler (safe from any thread).
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace leernetwerk::net
