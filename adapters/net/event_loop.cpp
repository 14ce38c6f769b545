#include "adapters/net/event_loop.hpp"

#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/system_timer.hpp>

namespace leernetwerk::net {

struct EventLoop::Impl {
    boost::asio::io_context io{1};
    std::vector<std::shared_ptr<boost::asio::steady_timer>> timers;
    std::unique_ptr<boost::asio::signal_set> signals;
    // A wall-clock timer: reminders are due at wall-clock moments.
    boost::asio::system_timer alarm{io};
    std::optional<std::chrono::system_clock::time_point> alarm_at;
    std::function<void()> alarm_work;
};

namespace {

void arm(const std::shared_ptr<boost::asio::steady_timer>& timer,
         std::chrono::milliseconds interval, std::shared_ptr<std::function<void()>> work) {
    timer->expires_after(interval);
    timer->async_wait([timer, interval, work](const boost::system::error_code& error) {
        if (error) {
            return;  // cancelled: the loop is stopping
        }
        (*work)();
        arm(timer, interval, work);
    });
}

}  // namespace

EventLoop::EventLoop() : impl_(std::make_unique<Impl>()) {}

EventLoop::~EventLoop() {
    for (auto& timer : impl_->timers) {
        timer->cancel();
    }
    impl_->alarm.cancel();
}

void EventLoop::set_alarm_handler(std::function<void()> work) {
    impl_->alarm_work = std::move(work);
}

void EventLoop::set_alarm(std::chrono::system_clock::time_point when) {
    impl_->alarm_at = when;
    impl_->alarm.expires_at(when);  // cancels the wait for the earlier moment
    impl_->alarm.async_wait([impl = impl_.get(), when](const boost::system::error_code& error) {
        if (error || impl->alarm_at != when) {
            return;  // moved or stopped
        }
        impl->alarm_at.reset();
        if (impl->alarm_work) {
            impl->alarm_work();
        }
    });
}

std::optional<std::chrono::system_clock::time_point> EventLoop::alarm() const {
    return impl_->alarm_at;
}

boost::asio::io_context& EventLoop::io() {
    return impl_->io;
}

void EventLoop::every(std::chrono::milliseconds interval, std::function<void()> work) {
    auto timer = std::make_shared<boost::asio::steady_timer>(impl_->io);
    impl_->timers.push_back(timer);
    arm(timer, interval, std::make_shared<std::function<void()>>(std::move(work)));
}

void EventLoop::on_stop_signal(std::function<void()> handler) {
    impl_->signals = std::make_unique<boost::asio::signal_set>(impl_->io, SIGINT, SIGTERM);
    impl_->signals->async_wait(
        [handler = std::move(handler)](const boost::system::error_code& error, int) {
            if (!error) {
                handler();
            }
        });
}

void EventLoop::run() {
    impl_->io.run();
}

void EventLoop::stop() {
    impl_->io.stop();
}

}  // namespace leernetwerk::net
