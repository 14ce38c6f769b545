// SendPacer: the dispatchers' shared rules for which message may go out now.
#include <catch2/catch.hpp>

#include "adapters/dispatch/send_pacer.hpp"

using leernetwerk::dispatch::SendPacer;
using namespace std::chrono_literals;

TEST_CASE("send pacer: one send per conversation, windows, slots, forgetting", "[net][pacer]") {
    const auto t0 = std::chrono::steady_clock::time_point{} + 100h;
    SendPacer pacer({{2, 1000ms}}, 3, 30s);
    std::chrono::milliseconds wait{};

    SECTION("a conversation with a send in flight waits for it, others do not") {
        CHECK(pacer.try_claim("a", t0, wait));
        CHECK_FALSE(pacer.try_claim("a", t0, wait));
        CHECK(wait == 0ms);
        CHECK(pacer.try_claim("b", t0, wait));
        CHECK(pacer.free_slots() == 1);
        pacer.release("a");
        CHECK(pacer.free_slots() == 2);
        CHECK(pacer.try_claim("a", t0, wait));
    }
    SECTION("the window says how long to wait") {
        CHECK(pacer.try_claim("a", t0, wait));
        pacer.release("a");
        CHECK(pacer.try_claim("a", t0 + 100ms, wait));
        pacer.release("a");
        CHECK_FALSE(pacer.try_claim("a", t0 + 200ms, wait));
        CHECK(wait == 800ms);
        CHECK(pacer.try_claim("a", t0 + 1000ms, wait));
    }
    SECTION("no free slot: nobody may start") {
        CHECK(pacer.try_claim("a", t0, wait));
        CHECK(pacer.try_claim("b", t0, wait));
        CHECK(pacer.try_claim("c", t0, wait));
        CHECK_FALSE(pacer.try_claim("d", t0, wait));
        pacer.release("x");  // never claimed: changes nothing
        CHECK(pacer.free_slots() == 0);
    }
    SECTION("a quiet conversation's pacing is forgotten, a busy one's is kept") {
        CHECK(pacer.try_claim("quiet", t0, wait));
        pacer.release("quiet");
        CHECK(pacer.try_claim("quiet", t0, wait));
        pacer.release("quiet");
        CHECK(pacer.try_claim("busy", t0, wait));
        pacer.forget_quiet(t0 + 31s);
        // Forgotten: its full window no longer holds it back, even "back in time".
        CHECK(pacer.try_claim("quiet", t0 + 500ms, wait));
        CHECK_FALSE(pacer.try_claim("busy", t0 + 31s, wait));
    }
}
