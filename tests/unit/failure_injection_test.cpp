// Every store call of a step made to fail, one at a time (Boost.Beast's fail_count): for short
// conversations, each step is run with the store throwing StoreError at call 1, 2, 3… until a run
// completes without reaching the failing call. After each failure the bot has answered with a
// storage error, the database holds exactly what it held before the step (every table dumped
// with SELECT * through a second SQLite connection), and the same event delivered again gives
// exactly what a clean run gives: the same rows everywhere, the outbox included, nothing twice.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <sqlite3.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include "app/demo.hpp"
#include "bot/engine/bot.hpp"
#include "storage/sqlite_store.hpp"
#include "support/console_fixture.hpp"
#include "support/failing_store.hpp"

namespace {

using namespace leernetwerk;
using leernetwerk::testing::FailingStore;

/// Every regular table of a database file, each row printed and the rows sorted (a table's rowid
/// order is not what is compared). BLOBs (sealed ballots, their random slots, sealed messages)
/// are compared by size only: they are random by design, and differ between two clean runs.
/// Virtual tables are left out; their shadow tables are compared.
std::string dump(const std::string& path) {
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
    const auto rows = [&](const std::string& sql) {
        sqlite3_stmt* statement = nullptr;
        REQUIRE(sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
        std::vector<std::string> out;
        while (sqlite3_step(statement) == SQLITE_ROW) {
            std::string row;
            for (int i = 0; i < sqlite3_column_count(statement); ++i) {
                row += i == 0 ? "" : " | ";
                switch (sqlite3_column_type(statement, i)) {
                    case SQLITE_NULL:
                        row += "NULL";
                        break;
                    case SQLITE_BLOB:
                        row += "blob(" + std::to_string(sqlite3_column_bytes(statement, i)) + ")";
                        break;
                    default:
                        row += reinterpret_cast<const char*>(sqlite3_column_text(statement, i));
                }
            }
            out.push_back(std::move(row));
        }
        sqlite3_finalize(statement);
        return out;
    };
    std::string out;
    for (const auto& table :
         rows("SELECT name FROM sqlite_master WHERE type = 'table' AND sql NOT LIKE "
              "'CREATE VIRTUAL TABLE%' ORDER BY name")) {
        auto content = rows("SELECT * FROM \"" + table + "\"");
        std::sort(content.begin(), content.end());
        out += "== " + table + " (" + std::to_string(content.size()) + ")\n";
        for (const auto& row : content) {
            out += row + "\n";
        }
    }
    return out;
}

/// The first line where two dumps differ, for a readable failure.
std::string first_difference(const std::string& a, const std::string& b) {
    std::istringstream left(a);
    std::istringstream right(b);
    std::string table;
    std::string l;
    std::string r;
    while (true) {
        const bool more_left = static_cast<bool>(std::getline(left, l));
        const bool more_right = static_cast<bool>(std::getline(right, r));
        if (!more_left && !more_right) {
            return "";
        }
        if (l.rfind("== ", 0) == 0 && l == r) {
            table = l;
        }
        if (!more_left || !more_right || l != r) {
            return table + "\n  expected: " + (more_left ? l : "(end)") +
                   "\n  found:    " + (more_right ? r : "(end)");
        }
    }
}

BotSettings settings() {
    BotSettings settings;
    settings.poll_secret = std::string(32, 'k');  // respondent tokens the same in every run
    return settings;
}

/// The demo network on a database file, with the bot on a FailingStore around it.
struct World {
    explicit World(const std::string& file, bool seed)
        : path(file),
          inner(storage::SqliteStore::open(path)),
          failing(*inner),
          bot(failing, settings()) {
        if (seed) {
            app::seed_demo(*inner, testing::demo_now(), "Europe/Amsterdam");
        }
    }

    Id member(const std::string& name) {
        for (const auto& member : inner->members()) {
            if (member.display_name.rfind(name, 0) == 0) {
                return member.id;
            }
        }
        FAIL("no member " << name);
        return 0;
    }

    /// What `name` typed, in the group chat or their private chat.
    InboundEvent said(const std::string& event_id, const std::string& name, bool direct,
                      const std::string& text) {
        const Id id = member(name);
        InboundEvent event;
        event.kind = InboundEvent::Kind::message;
        event.event_id = event_id;
        if (direct) {
            event.conversation = {Platform::console, "console-dm-" + std::to_string(id),
                                  Conversation::Kind::direct, ""};
        } else {
            event.conversation = {Platform::console, "console", Conversation::Kind::group, ""};
        }
        event.sender = {"member-" + std::to_string(id), name, ""};
        event.text = text;
        return event;
    }

    /// `name` picks the first choice on the newest open card sent to them.
    InboundEvent clicked_first_choice(const std::string& event_id, const std::string& name) {
        const Id id = member(name);
        std::optional<ChoiceQuestion> card;
        for (const auto& row : inner->outbox_in_state(Platform::console, OutboxState::pending)) {
            const auto* question = std::get_if<ChoiceQuestion>(&row.message.content);
            if (row.message.recipient_member_id == id && question &&
                question->closed_note.empty()) {
                card = *question;
            }
        }
        REQUIRE(card);
        REQUIRE_FALSE(card->choices.empty());
        InboundEvent event;
        event.kind = InboundEvent::Kind::action;
        event.event_id = event_id;
        event.conversation = {Platform::console, "console-dm-" + std::to_string(id),
                              Conversation::Kind::direct, ""};
        event.sender = {"member-" + std::to_string(id), name, ""};
        event.action.action_id = card->action_id;
        event.action.choice_ids = {card->choices.front().id};
        return event;
    }

    std::string path;
    std::unique_ptr<storage::SqliteStore> inner;
    FailingStore failing;
    Bot bot;
};

/// One step of a conversation: the event, made in the world it is applied to.
using Step = std::function<InboundEvent(World&)>;

class Files {
public:
    explicit Files(const std::string& name)
        : base_((std::filesystem::temp_directory_path() /
                 ("leernetwerk-failure-" + name + "-" + std::to_string(::getpid())))
                    .string()) {}
    ~Files() {
        for (const auto* file : {&snapshot(), &work()}) {
            for (const auto* suffix : {"", "-wal", "-shm"}) {
                std::filesystem::remove(*file + suffix);
            }
        }
    }
    Files(const Files&) = delete;
    Files& operator=(const Files&) = delete;

    const std::string& snapshot() const { return snapshot_; }
    const std::string& work() const { return work_; }

    /// The work database becomes a copy of the snapshot (closed: no write-ahead log left).
    void restore() const {
        for (const auto* suffix : {"-wal", "-shm"}) {
            std::filesystem::remove(work_ + suffix);
        }
        std::filesystem::copy_file(snapshot_, work_,
                                   std::filesystem::copy_options::overwrite_existing);
    }

private:
    std::string base_;
    std::string snapshot_ = base_ + ".snapshot.db";
    std::string work_ = base_ + ".work.db";
};

/// What a step did to the database, and how many failure points it had.
struct StepReport {
    std::size_t failure_points = 0;
};

/// Runs `steps` on the demo network; step `tested` with the store failing at every call in turn.
StepReport fail_every_call(const std::string& name, const std::vector<Step>& steps,
                           std::size_t tested) {
    Files files(name + "-" + std::to_string(tested));
    {
        World world(files.snapshot(), true);
        for (std::size_t i = 0; i < tested; ++i) {
            const auto result = world.bot.handle(steps[i](world), testing::demo_now());
            REQUIRE(result);
        }
    }  // closed: the snapshot is one file

    // The clean run, the outcome every retry must give.
    files.restore();
    std::string before;
    std::string clean;
    int clean_messages = 0;
    {
        World world(files.work(), false);
        before = dump(files.work());
        const auto result = world.bot.handle(steps[tested](world), testing::demo_now());
        REQUIRE(result);
        clean_messages = result->messages;
        REQUIRE(clean_messages > 0);  // every step answers
        clean = dump(files.work());
        REQUIRE(clean != before);  // the step changes something: a failure can be seen
    }

    StepReport report;
    for (std::size_t n = 1;; ++n) {
        files.restore();
        World world(files.work(), false);
        const auto event = steps[tested](world);
        world.failing.fail_at(n);
        const auto result = world.bot.handle(event, testing::demo_now());
        const bool reached = world.failing.failed();
        const std::string method = world.failing.failed_method();
        world.failing.fail_at(0);
        if (!reached) {
            // The step ran to its end before call n: every call has failed once.
            INFO("n " << n << ": " << (result ? "" : result.error().message));
            REQUIRE(result);
            CHECK(dump(files.work()) == clean);
            break;
        }
        ++report.failure_points;
        INFO(name << " step " << tested << ": failure at call " << n << " (" << method << ")");
        // (1) The bot says the database failed; nothing escapes.
        REQUIRE_FALSE(result);
        CHECK(result.error().code == ErrorCode::storage);
        // (2) Nothing of the step was kept.
        const auto after_failure = dump(files.work());
        CHECK(first_difference(before, after_failure) == "");
        // (3) Delivered again, it does exactly what a clean run does, once.
        const auto retried = world.bot.handle(event, testing::demo_now());
        REQUIRE(retried);
        CHECK_FALSE(retried->duplicate);
        CHECK(retried->messages == clean_messages);
        CHECK(first_difference(clean, dump(files.work())) == "");
        // And a third delivery is recognised as the same event.
        const auto again = world.bot.handle(event, testing::demo_now());
        REQUIRE(again);
        CHECK(again->duplicate);
    }
    return report;
}

/// Every step of a conversation; returns the failure points per step.
std::vector<std::size_t> fail_every_step(const std::string& name, const std::vector<Step>& steps) {
    std::vector<std::size_t> points;
    for (std::size_t tested = 0; tested < steps.size(); ++tested) {
        points.push_back(fail_every_call(name, steps, tested).failure_points);
        WARN(name << " step " << tested + 1 << " of " << steps.size() << ": " << points.back()
                  << " failure points");
    }
    return points;
}

/// The scheduler's first due moment on the demo network with its reminders scheduled: Bot::tick
/// run with the store failing at every call in turn. Each job is its own transaction; at that
/// moment one job is due, so a failed tick keeps nothing, and the next tick sends what a clean
/// tick sends, once.
std::size_t fail_every_call_of_tick() {
    Files files("tick");
    Instant due{};
    {
        World world(files.snapshot(), true);
        REQUIRE(world.bot.reschedule_all(testing::demo_now()));
        // On to the first moment when one reminder alone is due (housekeeping comes first).
        for (int tick = 0;; ++tick) {
            REQUIRE(tick < 100);
            const auto next = world.bot.next_due();
            REQUIRE(next);
            const auto jobs = world.inner->due_jobs(*next, 100);
            if (jobs.size() == 1 && jobs.front().kind == "reminder") {
                due = *next;
                break;
            }
            REQUIRE(world.bot.tick(*next));
        }
    }
    files.restore();
    std::string before;
    std::string clean;
    {
        World world(files.work(), false);
        before = dump(files.work());
        const int queued = world.inner->outbox_depth(Platform::console);
        const auto ran = world.bot.tick(due);
        REQUIRE(ran);
        REQUIRE(*ran == 1);
        REQUIRE(world.inner->outbox_depth(Platform::console) > queued);  // the reminder went out
        clean = dump(files.work());
        REQUIRE(clean != before);
    }
    std::size_t points = 0;
    for (std::size_t n = 1;; ++n) {
        files.restore();
        World world(files.work(), false);
        world.failing.fail_at(n);
        const auto result = world.bot.tick(due);
        const bool reached = world.failing.failed();
        const std::string method = world.failing.failed_method();
        world.failing.fail_at(0);
        if (!reached) {
            REQUIRE(result);
            CHECK(dump(files.work()) == clean);
            break;
        }
        ++points;
        INFO("tick: failure at call " << n << " (" << method << ")");
        REQUIRE_FALSE(result);
        CHECK(result.error().code == ErrorCode::storage);
        CHECK(first_difference(before, dump(files.work())) == "");
        const auto retried = world.bot.tick(due);
        REQUIRE(retried);
        CHECK(*retried == 1);
        CHECK(first_difference(clean, dump(files.work())) == "");
        const auto again = world.bot.tick(due);
        REQUIRE(again);
        CHECK(*again == 0);  // done: not run twice
    }
    WARN("tick: " << points << " failure points");
    return points;
}

/// Two members answer in the group, delivered together (Bot::handle_batch, one transaction, one
/// savepoint per event, ordered by conversation). With the store failing at every call in turn,
/// each event is either applied or reported as a storage error (with the events after it in its
/// conversation held back); the platform then delivers the batch again, and the end state is
/// exactly that of a clean run: what was applied is recognised, the rest applied once, in order.
std::size_t fail_every_call_of_batch() {
    Files files("batch");
    { World world(files.snapshot(), true); }
    const auto batch = [](World& w) {
        return std::vector<InboundEvent>{
            w.said("batch-anna", "Anna", false, "ik kom"),
            w.said("batch-bram", "Bram", false, "ik kan niet ouderavond")};
    };
    const std::vector<std::string> keys = {"console", "console"};
    files.restore();
    std::string before;
    std::string clean;
    {
        World world(files.work(), false);
        before = dump(files.work());
        for (const auto& result :
             world.bot.handle_batch(batch(world), testing::demo_now(), {}, keys)) {
            REQUIRE(result);
            REQUIRE(result->messages > 0);
        }
        clean = dump(files.work());
    }
    std::size_t points = 0;
    for (std::size_t n = 1;; ++n) {
        files.restore();
        World world(files.work(), false);
        const auto events = batch(world);
        world.failing.fail_at(n);
        const auto results = world.bot.handle_batch(events, testing::demo_now(), {}, keys);
        const bool reached = world.failing.failed();
        const std::string method = world.failing.failed_method();
        world.failing.fail_at(0);
        if (!reached) {
            for (const auto& result : results) {
                REQUIRE(result);
            }
            CHECK(dump(files.work()) == clean);
            break;
        }
        ++points;
        INFO("batch: failure at call " << n << " (" << method << ")");
        REQUIRE(results.size() == 2);
        CHECK_FALSE((results[0] && results[1]));
        // An event after a failed one of the same conversation is held back, never applied first.
        CHECK_FALSE((!results[0] && results[1]));
        for (const auto& result : results) {
            if (!result) {
                CHECK(result.error().code == ErrorCode::storage);
            }
        }
        if (!results[0]) {
            CHECK(first_difference(before, dump(files.work())) == "");
        }
        const auto again = world.bot.handle_batch(events, testing::demo_now(), {}, keys);
        for (std::size_t i = 0; i < again.size(); ++i) {
            REQUIRE(again[i]);
            CHECK(again[i]->duplicate == static_cast<bool>(results[i]));
        }
        CHECK(first_difference(clean, dump(files.work())) == "");
    }
    WARN("batch: " << points << " failure points");
    return points;
}

}  // namespace

TEST_CASE("failure at every store call: two answers delivered in one batch", "[failure]") {
    CHECK(fail_every_call_of_batch() >= 10);
}

TEST_CASE("failure at every store call: the scheduler's tick sends a reminder once", "[failure]") {
    CHECK(fail_every_call_of_tick() >= 5);
}

TEST_CASE("failure at every store call: plan a meeting, confirm it, and say you come",
          "[failure]") {
    const std::vector<Step> steps = {
        [](World& w) {
            return w.said("meeting-plan", "Marieke", false,
                          "plan bijeenkomst 10 maart 2027 15:30 | De Fontein | Intervisie");
        },
        [](World& w) { return w.said("meeting-confirm", "Marieke", false, "ja"); },
        [](World& w) { return w.said("meeting-rsvp", "Anna", true, "ik kom"); },
    };
    const auto points = fail_every_step("meeting", steps);
    for (const auto count : points) {
        CHECK(count >= 10);
    }
}

TEST_CASE("failure at every store call: start a poll and answer it anonymously", "[failure]") {
    const std::vector<Step> steps = {
        [](World& w) {
            return w.said("poll-start", "Marieke", false, "peiling Wat past? | dinsdag | woensdag");
        },
        [](World& w) { return w.clicked_first_choice("poll-answer", "Anna"); },
    };
    const auto points = fail_every_step("poll", steps);
    for (const auto count : points) {
        CHECK(count >= 10);
    }
}

TEST_CASE("failure at every store call: ask the network a question and answer it", "[failure]") {
    const std::vector<Step> steps = {
        [](World& w) {
            return w.said("question-ask", "Anna", true,
                          "vraag Hoe geef ik feedback aan een collega die niet wil luisteren?");
        },
        [](World& w) {
            return w.said("question-answer", "Marieke", true,
                          "antwoord 1 Vraag eerst wat hij zelf wil bereiken.");
        },
    };
    const auto points = fail_every_step("question", steps);
    for (const auto count : points) {
        CHECK(count >= 10);
    }
}

TEST_CASE("failure at every store call: a facilitator adds a member", "[failure]") {
    const std::vector<Step> steps = {
        [](World& w) {
            return w.said("member-add", "Marieke", false,
                          "lid toevoegen Kees Klaassen | deelnemer | Het Kompas");
        },
    };
    const auto points = fail_every_step("member", steps);
    CHECK(points.front() >= 10);
}

TEST_CASE("failure at every store call: forget me, confirmed", "[failure]") {
    const std::vector<Step> steps = {
        [](World& w) { return w.said("forget-rsvp", "Anna", true, "ik kan niet ouderavond"); },
        [](World& w) { return w.said("forget-ask", "Anna", true, "vergeet mij"); },
        [](World& w) { return w.said("forget-confirm", "Anna", true, "ja"); },
    };
    const auto points = fail_every_step("forget", steps);
    for (const auto count : points) {
        CHECK(count >= 10);
    }
}
