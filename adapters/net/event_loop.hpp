#pragma once
// The one io_context the service runs on, with the few things the composition root needs from
// it (periodic work, stopping on SIGINT/SIGTERM), so app/ needs no Asio headers of its own.
#include <chrono>
#include <functional>
#include <memory>

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
