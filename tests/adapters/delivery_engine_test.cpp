// The delivery engine with a scripted platform side and the bot's clock in the test's hands:
// order per conversation through retries and restarts, retry by horizon (not by a count of
// attempts), permanent answers given up at once, and the backoff's ceiling.
#include <deque>
#include <map>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <catch2/catch.hpp>

#include "adapters/dispatch/delivery_engine.hpp"
#include "adapters/net_support.hpp"
#include "bot/vocab/log.hpp"
#include "storage/sqlite/sqlite_store.hpp"

using namespace leernetwerk;
using Catch::Matchers::Contains;
using dispatch::Outcome;
using leernetwerk::net::test::run_until;

namespace {

Instant start_time() {
    return Instant{std::chrono::seconds(1'800'000'000)};
}

/// A platform that answers from a script per conversation (default: delivered) and records
/// every attempt in the order the engine made them.
struct ScriptedPlatform {
    std::vector<std::pair<std::string, Id>> attempts;  ///< (conversation, outbox id)
    std::map<std::string, std::deque<Outcome>> script;
    Outcome fallback = Outcome::delivered("");
    int delivered_count = 0;

    void send(boost::asio::io_context& io, OutboxRow row, dispatch::OutcomeCallback done) {
        const auto& conversation = row.message.to.conversation_id;
        attempts.emplace_back(conversation, row.message.id);
        Outcome outcome = fallback;
        if (auto& queue = script[conversation]; !queue.empty()) {
            outcome = queue.front();
            queue.pop_front();
        }
        if (outcome.kind == Outcome::Kind::sent) {
            outcome.remote_id = "remote-" + std::to_string(row.message.id);
            ++delivered_count;
        }
        boost::asio::post(io, [done = std::move(done), outcome] { done(outcome); });
    }

    /// The ids delivered to a conversation, in the order they were attempted last.
    std::vector<Id> sent_order(const std::string& conversation, Store& store) const {
        std::vector<Id> out;
        for (const auto& [to, id] : attempts) {
            const auto row = store.outbox_row(id);
            if (to == conversation && row && row->state == OutboxState::sent &&
                std::find(out.begin(), out.end(), id) == out.end()) {
                out.push_back(id);
            }
        }
        return out;
    }
};

struct Fixture {
    Fixture() : store(storage::SqliteStore::open(":memory:")) {}

    std::unique_ptr<dispatch::DeliveryEngine> make_engine() {
        dispatch::PlatformSide side;
        side.platform = Platform::teams;
        side.name = "teams";
        side.windows = {{1000, std::chrono::milliseconds(1000)}};
        side.key_of = [](const Address& to) { return to.conversation_id; };
        side.send = [this](OutboxRow row, dispatch::OutcomeCallback done) {
            platform.send(io, std::move(row), std::move(done));
        };
        return std::make_unique<dispatch::DeliveryEngine>(
            io, *store, metrics, side, policy, [this] { return now; },
            std::chrono::milliseconds(20));
    }

    Id queue(const std::string& conversation, const std::string& text = "hallo") {
        OutboundMessage message;
        message.to.platform = Platform::teams;
        message.to.conversation_id = conversation;
        message.content = TextContent{text, {}};
        Id id = 0;
        store->transaction([&] { id = store->append_outbox(message, now); });
        return id;
    }

    OutboxState state_of(Id id) { return store->outbox_row(id)->state; }

    boost::asio::io_context io;
    std::unique_ptr<storage::SqliteStore> store;
    net::Metrics metrics;
    dispatch::RetryPolicy policy;
    ScriptedPlatform platform;
    Instant now = start_time();
};

}  // namespace

TEST_CASE("dispatch: a retried message keeps its place in its conversation", "[dispatch][order]") {
    Fixture f;
    auto engine = f.make_engine();
    // The connector asks for 1.5 s: the retry is due at the next whole second after that (the
    // store keeps seconds), and the conversation waits exactly as long.
    f.platform.script["A"] = {Outcome::again("HTTP 429", std::chrono::milliseconds(1500))};
    const auto a1 = f.queue("A", "één");
    const auto a2 = f.queue("A", "twee");
    const auto a3 = f.queue("A", "drie");
    const auto b1 = f.queue("B");
    engine->start();
    REQUIRE(run_until(f.io, [&] { return f.state_of(b1) == OutboxState::sent; }));
    REQUIRE(f.store->outbox_row(a1)->next_attempt_at == f.now + std::chrono::seconds(2));
    // Real time passes beyond the 1.5 s, the bot's clock one second: nothing of A overtakes.
    f.now += std::chrono::seconds(1);
    f.io.run_for(std::chrono::milliseconds(1600));
    CHECK(f.state_of(a2) == OutboxState::pending);
    CHECK(f.platform.attempts.size() == 2);
    f.now += std::chrono::seconds(1);
    engine->wake();
    REQUIRE(run_until(f.io, [&] { return f.state_of(a3) == OutboxState::sent; }));
    CHECK(f.platform.sent_order("A", *f.store) == std::vector<Id>{a1, a2, a3});
    CHECK(f.metrics.value("leernetwerk_sends_total",
                          {{"platform", "teams"}, {"result", "retry"}}) == 1);
}

TEST_CASE("dispatch: after a restart, a message waiting for its retry still goes first",
          "[dispatch][order]") {
    Fixture f;
    auto engine = f.make_engine();
    f.platform.script["A"] = {Outcome::again("HTTP 503", std::chrono::seconds(60))};
    const auto a1 = f.queue("A", "één");
    engine->start();
    REQUIRE(run_until(f.io, [&] {
        return f.store->outbox_row(a1)->attempts == 1 && f.state_of(a1) == OutboxState::pending;
    }));
    engine.reset();  // the bot stops; a later message for A is queued meanwhile
    const auto a2 = f.queue("A", "twee");
    engine = f.make_engine();
    engine->start();
    f.io.run_for(std::chrono::milliseconds(300));
    CHECK(f.state_of(a2) == OutboxState::pending);
    f.now += std::chrono::seconds(60);
    engine->wake();
    REQUIRE(run_until(f.io, [&] { return f.state_of(a2) == OutboxState::sent; }));
    CHECK(f.platform.sent_order("A", *f.store) == std::vector<Id>{a1, a2});
}

TEST_CASE("dispatch: an unreachable peer is retried until the message's horizon",
          "[dispatch][retry]") {
    Fixture f;
    f.policy.reply_horizon = std::chrono::hours(2);
    auto engine = f.make_engine();
    f.platform.fallback = Outcome::again("connection refused", std::nullopt, true);
    const auto id = f.queue("A");
    engine->start();
    // An outage of an hour and three quarters: the reply is still being tried at its end.
    const auto outage_end = f.now + std::chrono::minutes(105);
    while (f.now < outage_end) {
        REQUIRE(run_until(f.io, [&] { return f.state_of(id) == OutboxState::pending; }));
        f.now += std::chrono::seconds(30);
        engine->wake();
        f.io.run_for(std::chrono::milliseconds(5));
    }
    const auto attempts = f.platform.attempts.size();
    CHECK(attempts > 20);  // not a fixed handful
    CHECK(f.state_of(id) != OutboxState::failed);
    // The backoff reached its ceiling for a peer that does not answer (1 minute) and stayed
    // there: about one attempt a minute, never one every step of the clock.
    CHECK(attempts >= 90);
    CHECK(attempts < 105 * 2);
    SECTION("the peer comes back: it is delivered") {
        f.platform.fallback = Outcome::delivered("");
        f.now += std::chrono::minutes(5);
        engine->wake();
        REQUIRE(run_until(f.io, [&] { return f.state_of(id) == OutboxState::sent; }));
    }
    SECTION("past the horizon: given up, logged and counted") {
        f.now += std::chrono::minutes(20);
        engine->wake();
        REQUIRE(run_until(f.io, [&] { return f.state_of(id) == OutboxState::failed; }));
        CHECK_THAT(f.store->outbox_row(id)->last_error, Contains("no longer useful"));
        CHECK(f.metrics.value("leernetwerk_sends_given_up_total",
                              {{"platform", "teams"}, {"kind", "reply"}, {"reason", "horizon"}}) ==
              1);
    }
}

TEST_CASE("dispatch: a permanent answer is given up at once", "[dispatch][retry]") {
    Fixture f;
    auto engine = f.make_engine();
    f.platform.script["A"] = {Outcome::give_up("HTTP 403")};
    const auto a1 = f.queue("A");
    const auto a2 = f.queue("A");
    engine->start();
    REQUIRE(run_until(f.io, [&] { return f.state_of(a2) == OutboxState::sent; }));
    CHECK(f.state_of(a1) == OutboxState::failed);
    CHECK(f.store->outbox_row(a1)->last_error == "HTTP 403");
    CHECK(f.platform.attempts.size() == 2);
    CHECK(f.metrics.value("leernetwerk_sends_given_up_total",
                          {{"platform", "teams"}, {"kind", "reply"}, {"reason", "permanent"}}) ==
          1);
}

TEST_CASE("dispatch: a sealed message's conversation stays out of its error and the log",
          "[dispatch][sealed]") {
    Fixture f;
    f.store->use_sealing_key(std::string(32, 's'));
    std::string logged;
    set_log_sink([&](LogLevel, std::string_view text) { logged += std::string(text) + "\n"; });
    auto engine = f.make_engine();
    f.platform.script["a:anna-private"] = {
        Outcome::give_up("conversation a:anna-private refused the bot (HTTP 403)")};
    OutboundMessage receipt;
    receipt.to.platform = Platform::teams;
    receipt.to.conversation_id = "a:anna-private";
    receipt.to.direct = true;
    receipt.recipient_member_id = 0;
    receipt.content = TextContent{"Dank je, ontvangen (anoniem).", {}};
    receipt.sealed = true;
    Id id = 0;
    f.store->transaction([&] { id = f.store->append_outbox(receipt, f.now); });
    engine->start();
    REQUIRE(run_until(f.io, [&] { return f.state_of(id) == OutboxState::failed; }));
    set_log_sink({});
    CHECK(f.store->outbox_row(id)->last_error == "conversation (sealed) refused the bot (HTTP 403)");
    CHECK_THAT(logged, !Contains("anna-private"));
    CHECK_THAT(logged, Contains("(sealed) refused the bot"));
}

TEST_CASE("dispatch: horizons per kind and a backoff that grows to its ceiling",
          "[dispatch][retry]") {
    dispatch::RetryPolicy policy;
    OutboundMessage reply;
    reply.to.conversation_id = "A";
    reply.content = TextContent{"x", {}};
    auto direct = reply;
    direct.recipient_member_id = 7;
    auto question = reply;
    question.content = ChoiceQuestion{};
    CHECK(dispatch::kind_of(reply) == dispatch::MessageKind::reply);
    CHECK(dispatch::kind_of(direct) == dispatch::MessageKind::direct);
    CHECK(dispatch::kind_of(question) == dispatch::MessageKind::question);
    CHECK(policy.horizon(dispatch::MessageKind::reply) >= std::chrono::hours(2));
    CHECK(policy.horizon(dispatch::MessageKind::direct) >= std::chrono::hours(48));

    std::mt19937_64 random(7);
    std::chrono::milliseconds previous_ceiling{0};
    for (int attempt = 1; attempt <= 40; ++attempt) {
        const auto delay = policy.delay(attempt, std::nullopt, random);
        CHECK(delay <= policy.cap);
        CHECK(delay >= std::min(policy.cap, policy.base * (1 << std::min(attempt - 1, 20))) / 2);
        previous_ceiling = delay;
    }
    CHECK(previous_ceiling >= policy.cap / 2);
    // Retry-After is honoured up to the ceiling.
    CHECK(policy.delay(1, std::chrono::seconds(30), random) >= std::chrono::seconds(30));
    CHECK(policy.delay(1, std::chrono::hours(1), random) == policy.cap);
    // A peer that does not answer at all is tried at least every minute.
    for (int attempt = 1; attempt <= 40; ++attempt) {
        CHECK(policy.delay(attempt, std::nullopt, random, true) <= policy.unreachable_cap);
    }
    CHECK(policy.delay(40, std::nullopt, random, true) >= policy.unreachable_cap / 2);
}
