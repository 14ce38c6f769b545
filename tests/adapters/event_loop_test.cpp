// The event loop's wall-clock alarm, which wakes `serve` when the next reminder is due.
#include <catch2/catch.hpp>

#include <chrono>
#include <vector>

#include "adapters/net/event_loop.hpp"

using namespace std::chrono_literals;
namespace net = leernetwerk::net;
using SystemClock = std::chrono::system_clock;

TEST_CASE("the alarm goes off once at its moment; a later setting replaces an earlier one",
          "[net][event_loop]") {
    net::EventLoop loop;
    std::vector<SystemClock::time_point> rang;
    loop.set_alarm_handler([&] { rang.push_back(SystemClock::now()); });
    loop.every(1500ms, [&] { loop.stop(); });  // the test ends even when the alarm never rings

    const auto start = SystemClock::now();
    loop.set_alarm(start + 50ms);
    loop.set_alarm(start + 200ms);  // moved: only this one counts
    CHECK(loop.alarm() == start + 200ms);
    loop.run();

    REQUIRE(rang.size() == 1);
    CHECK(rang[0] >= start + 200ms);
    CHECK(rang[0] < start + 1000ms);
    CHECK_FALSE(loop.alarm().has_value());  // rung: not set any more
}

TEST_CASE("an alarm in the past rings at once, and the handler can set the next one",
          "[net][event_loop]") {
    net::EventLoop loop;
    int rings = 0;
    const auto start = SystemClock::now();
    loop.set_alarm_handler([&] {
        if (++rings == 1) {
            loop.set_alarm(SystemClock::now() + 30ms);  // as serve does: arm for the next job
        } else {
            loop.stop();
        }
    });
    loop.every(1500ms, [&] { loop.stop(); });
    loop.set_alarm(start - 10s);
    loop.run();
    CHECK(rings == 2);
    CHECK(SystemClock::now() - start < 1000ms);
}
