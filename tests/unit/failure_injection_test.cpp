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
#include "storage/sqlite/content_json.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/console_fixture.hpp"
#include "support/failing_store.hpp"
#include "support/memory_store.hpp"

namespace {

using namespace leernetwerk;
using leernetwerk::testing::FailingStore;

/// Every regular table of a database file, each row printed and the rows sorted (a table's rowid
/// order is not what is compared). BLOBs (sealed ballots, their random slots, sealed messages)
/// are compared by size only: they are random by design, and differ between two clean runs.
/// Virtual tables are left out; their shadow tables are compared.
std::string file_dump(const std::string& path) {
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

/// What a store holds, read through the Store's own methods (for a backend without tables):
/// networks with their conversations, roster, meetings and RSVPs, rules, agenda, polls, knowledge
/// and questions; members with accounts, memberships and open confirmations; the outbox; jobs.
/// Sealed ballots by count (they are random by design). The inbox cannot be read without
/// writing it; the retry's `duplicate == false` shows that a failed event id was not kept.
std::string api_dump(Store& store) {
    std::ostringstream out;
    const auto seconds = [](Instant at) { return at.time_since_epoch().count(); };
    const auto opt = [](const auto& value) {
        return value ? std::to_string(*value) : std::string("-");
    };
    for (const auto& n : store.networks()) {
        out << "network " << n.id << " " << n.name << " " << n.theme << " " << n.time_zone << " "
            << n.meeting_cap << " " << n.central_question << " " << n.ambition << "\n";
        for (const auto& c : store.conversations_of_network(n.id)) {
            out << " conversation " << c.conversation_id << "\n";
        }
        for (const auto& r : store.roster(n.id)) {
            out << " roster " << r.member.id << " " << role_code(r.membership.role) << " "
                << seconds(r.membership.joined_at) << "\n";
        }
        for (const auto& m : store.meetings_of(n.id)) {
            out << " meeting " << m.id << " " << seconds(m.starts_at) << " " << m.location << " "
                << m.topic << " " << meeting_status_code(m.status) << " " << m.revision << " "
                << m.preparer_ids.size() << "\n";
            for (const auto& r : store.rsvps_of(m.id)) {
                out << "  rsvp " << r.member_id << " " << rsvp_answer_code(r.answer) << " "
                    << r.reason << " " << seconds(r.updated_at) << "\n";
            }
            if (const auto list = store.attendance_list(m.id)) {
                out << "  attendance list " << seconds(list->opened_at) << " "
                    << (list->closed_at ? seconds(*list->closed_at) : 0) << " "
                    << opt(list->card_message_id) << "\n";
            }
            for (const auto& a : store.attendance_of(m.id)) {
                out << "  attendance " << a.member_id << " " << a.present << " "
                    << attendance_source_code(a.source) << " " << seconds(a.updated_at) << "\n";
            }
        }
        for (const auto& r : store.reminder_rules(n.id)) {
            out << " rule " << r.id << " " << reminder_kind_code(r.kind) << " " << r.offset_days
                << " " << r.enabled << " " << r.text << "\n";
        }
        for (const auto& i : store.agenda_items(n.id)) {
            out << " agenda " << i.id << " " << i.number << " " << opt(i.meeting_id) << " "
                << i.text << " " << agenda_status_code(i.status) << " " << i.position << " "
                << i.dots << " " << i.submitters.size() << "\n";
        }
        for (const auto& p : store.polls_of(n.id)) {
            out << " poll " << p.id << " " << p.number << " " << p.title << " "
                << (p.state == PollState::open) << " " << (p.closed_at ? seconds(*p.closed_at) : 0)
                << " invitees " << store.poll_invitees(p.id).size() << " ballots "
                << store.poll_ballots(p.id).size() << "\n";
            for (const auto& r : store.poll_respondents(p.id)) {
                out << "  respondent " << r.token << " " << opt(r.member_id) << "\n";
            }
            for (const auto& a : store.poll_answers(p.id)) {
                out << "  answer " << a.token << " " << a.question << " " << a.value << "\n";
            }
        }
        for (int year = 2025; year <= 2027; ++year) {
            for (const auto& c : store.hours_corrections(n.id, year)) {
                out << " correction " << c.id << " " << c.member_id << " " << c.delta_tenths << " "
                    << hours_kind_code(c.kind) << " " << c.reason << " " << opt(c.by_member_id)
                    << "\n";
            }
            for (const auto& g : store.gifts(n.id, year)) {
                out << " gift " << g.id << " " << g.number << " " << opt(g.member_id) << " "
                    << g.name << " " << gift_status_code(g.status) << "\n";
            }
            if (store.year_closure(n.id, year)) {
                out << " closed " << year << "\n";
            }
        }
        for (const auto& e : store.expert_requests_of(n.id)) {
            out << " expert " << e.id << " " << e.number << " " << opt(e.requested_by) << " "
                << expert_request_status_code(e.status) << " " << opt(e.decided_by) << " "
                << e.decision_reason << " " << e.meeting_ids.size() << "\n";
        }
        for (const auto& k : store.knowledge_entries(n.id)) {
            out << " knowledge " << k.id << " " << k.number << " " << k.title << " " << k.body
                << " " << opt(k.author_member_id) << "\n";
        }
        for (const auto status : {QuestionStatus::draft, QuestionStatus::open,
                                  QuestionStatus::answered, QuestionStatus::closed}) {
            for (const auto& q : store.questions_of_network(n.id, status, -1)) {
                out << " question " << q.id << " " << q.number << " " << q.asker_member_id << " "
                    << question_status_code(q.status) << " " << q.text << " " << q.round << " "
                    << opt(q.helpful_answer_id) << "\n";
                for (const auto& r : store.question_routes(q.id)) {
                    out << "  route " << r.member_id << " " << r.round << "\n";
                }
                for (const auto& a : store.answers_of(q.id)) {
                    out << "  answer " << a.id << " " << a.author_member_id << " " << a.text << " "
                        << answer_consent_code(a.consent) << "\n";
                }
                for (const auto post : store.question_posts(q.id)) {
                    out << "  post " << post << "\n";
                }
            }
        }
    }
    for (const auto& m : store.members()) {
        out << "member " << m.id << " " << m.display_name << " " << opt(m.school_id) << " "
            << opt(m.active_network_id) << " " << m.expertise.size() << "\n";
        for (const auto& i : store.identities_of(m.id)) {
            out << " identity " << platform_code(i.platform) << " " << i.user_id << "\n";
        }
        for (const auto& past : store.ended_memberships_of(m.id)) {
            out << " ended " << past.network_id << " " << seconds(past.left_at) << "\n";
        }
        for (const auto& p : store.pending_of_member(m.id)) {
            out << " pending " << p.id << " " << p.kind << " " << p.payload << " "
                << opt(p.question_message_id) << "\n";
        }
    }
    for (const auto platform : {Platform::console, Platform::teams, Platform::matrix}) {
        for (const auto state :
             {OutboxState::pending, OutboxState::sending, OutboxState::sent, OutboxState::failed}) {
            for (const auto& row : store.outbox_in_state(platform, state)) {
                const auto& m = row.message;
                out << "outbox " << m.id << " " << outbox_state_code(state) << " "
                    << m.to.conversation_id << " " << m.to.user_id << " " << m.to.direct << " "
                    << m.recipient_member_id << " " << opt(m.replaces) << " " << m.sealed << " "
                    << storage::content_to_json(m.content) << " "
                    << opt(store.question_of_message(m.id)) << " "
                    << (store.outbox_cause(m.id) ? "cause" : "-") << "\n";
            }
        }
    }
    for (const auto* kind : {"housekeeping", "pending_expiry", "reminder", "agenda_round", "poll",
                             "question_follow_up", "delivery_notice"}) {
        for (const auto& job : store.jobs_with_key_prefix(kind, "")) {
            out << "job " << job.id << " " << job.kind << " " << job.key << " "
                << seconds(job.due_at) << " " << job.payload << " " << static_cast<int>(job.state)
                << "\n";
        }
    }
    return out.str();
}

BotSettings settings() {
    BotSettings settings;
    settings.poll_secret = std::string(32, 'k');  // respondent tokens the same in every run
    settings.participation.advisers = {{Platform::console, "member-2"}};  // Bram decides
    return settings;
}

/// The demo network in a store, with the bot on a FailingStore around it.
struct World {
    explicit World(std::unique_ptr<Store> store, bool seed)
        : inner(std::move(store)), failing(*inner), bot(failing, settings()) {
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

    std::unique_ptr<Store> inner;
    FailingStore failing;
    Bot bot;
};

/// One step of a conversation: the event, made in the world it is applied to.
using Step = std::function<InboundEvent(World&)>;

enum class Backend { sqlite, memory };

const char* backend_name(Backend backend) {
    return backend == Backend::memory ? "MemoryStore" : "SQLite";
}

/// Where the worlds of one step live: a snapshot of the world before the step, and fresh copies
/// of it. On SQLite the snapshot is a closed database file, copied for each run and compared by a
/// dump of every table; on the MemoryStore it is a copy of the store, compared by a dump through
/// the Store's own reading methods (api_dump).
class Worlds {
public:
    Worlds(Backend backend, const std::string& name)
        : backend_(backend),
          base_((std::filesystem::temp_directory_path() /
                 ("leernetwerk-failure-" + name + "-" + std::to_string(::getpid())))
                    .string()) {}
    ~Worlds() {
        for (const auto* file : {&snapshot_, &work_}) {
            for (const auto* suffix : {"", "-wal", "-shm"}) {
                std::filesystem::remove(*file + suffix);
            }
        }
    }
    Worlds(const Worlds&) = delete;
    Worlds& operator=(const Worlds&) = delete;

    /// The demo network, new.
    std::unique_ptr<World> seeded() {
        if (backend_ == Backend::memory) {
            return std::make_unique<World>(std::make_unique<testing::MemoryStore>(), true);
        }
        return std::make_unique<World>(storage::SqliteStore::open(snapshot_), true);
    }

    /// Keeps `world` as the snapshot every later run starts from.
    void keep(std::unique_ptr<World> world) {
        if (backend_ == Backend::memory) {
            memory_ = dynamic_cast<testing::MemoryStore&>(*world->inner);
        }
        world.reset();  // closed: the snapshot file holds everything, no write-ahead log
    }

    /// A copy of the snapshot.
    std::unique_ptr<World> restored() {
        if (backend_ == Backend::memory) {
            return std::make_unique<World>(std::make_unique<testing::MemoryStore>(memory_), false);
        }
        for (const auto* suffix : {"-wal", "-shm"}) {
            std::filesystem::remove(work_ + suffix);
        }
        std::filesystem::copy_file(snapshot_, work_,
                                   std::filesystem::copy_options::overwrite_existing);
        return std::make_unique<World>(storage::SqliteStore::open(work_), false);
    }

    /// What a restored world holds now.
    std::string dump(World& world) {
        return backend_ == Backend::memory ? api_dump(*world.inner) : file_dump(work_);
    }

private:
    Backend backend_;
    std::string base_;
    std::string snapshot_ = base_ + ".snapshot.db";
    std::string work_ = base_ + ".work.db";
    testing::MemoryStore memory_;
};

/// What a step did to the database, and how many failure points it had.
struct StepReport {
    std::size_t failure_points = 0;
};

/// Runs `steps` on the demo network; step `tested` with the store failing at every call in turn.
StepReport fail_every_call(Backend backend, const std::string& name, const std::vector<Step>& steps,
                           std::size_t tested) {
    Worlds worlds(backend, name + "-" + std::to_string(tested));
    {
        auto world = worlds.seeded();
        for (std::size_t i = 0; i < tested; ++i) {
            const auto result = world->bot.handle(steps[i](*world), testing::demo_now());
            REQUIRE(result);
        }
        worlds.keep(std::move(world));
    }

    // The clean run, the outcome every retry must give.
    std::string before;
    std::string clean;
    int clean_messages = 0;
    {
        auto world = worlds.restored();
        before = worlds.dump(*world);
        const auto result = world->bot.handle(steps[tested](*world), testing::demo_now());
        REQUIRE(result);
        clean_messages = result->messages;
        REQUIRE(clean_messages > 0);  // every step answers
        clean = worlds.dump(*world);
        REQUIRE(clean != before);  // the step changes something: a failure can be seen
    }

    StepReport report;
    for (std::size_t n = 1;; ++n) {
        auto world = worlds.restored();
        const auto event = steps[tested](*world);
        world->failing.fail_at(n);
        const auto result = world->bot.handle(event, testing::demo_now());
        const bool reached = world->failing.failed();
        const std::string method = world->failing.failed_method();
        world->failing.fail_at(0);
        if (!reached) {
            // The step ran to its end before call n: every call has failed once.
            INFO("n " << n << ": " << (result ? "" : result.error().message));
            REQUIRE(result);
            CHECK(worlds.dump(*world) == clean);
            break;
        }
        ++report.failure_points;
        INFO(name << " step " << tested << ": failure at call " << n << " (" << method << ")");
        // (1) The bot says the database failed; nothing escapes.
        REQUIRE_FALSE(result);
        CHECK(result.error().code == ErrorCode::storage);
        // (2) Nothing of the step was kept.
        const auto after_failure = worlds.dump(*world);
        CHECK(first_difference(before, after_failure) == "");
        // (3) Delivered again, it does exactly what a clean run does, once.
        const auto retried = world->bot.handle(event, testing::demo_now());
        REQUIRE(retried);
        CHECK_FALSE(retried->duplicate);
        CHECK(retried->messages == clean_messages);
        CHECK(first_difference(clean, worlds.dump(*world)) == "");
        // And a third delivery is recognised as the same event.
        const auto again = world->bot.handle(event, testing::demo_now());
        REQUIRE(again);
        CHECK(again->duplicate);
    }
    return report;
}

/// Every step of a conversation; returns the failure points per step.
std::vector<std::size_t> fail_every_step(Backend backend, const std::string& name,
                                         const std::vector<Step>& steps) {
    std::vector<std::size_t> points;
    for (std::size_t tested = 0; tested < steps.size(); ++tested) {
        points.push_back(fail_every_call(backend, name, steps, tested).failure_points);
        WARN(backend_name(backend) << ": " << name << " step " << tested + 1 << " of "
                                   << steps.size() << ": " << points.back() << " failure points");
    }
    return points;
}

/// The scheduler's first due moment on the demo network with its reminders scheduled: Bot::tick
/// run with the store failing at every call in turn. Each job is its own transaction; at that
/// moment one job is due, so a failed tick keeps nothing, and the next tick sends what a clean
/// tick sends, once.
std::size_t fail_every_call_of_tick(Backend backend) {
    Worlds worlds(backend, "tick");
    Instant due{};
    {
        auto world = worlds.seeded();
        REQUIRE(world->bot.reschedule_all(testing::demo_now()));
        // On to the first moment when one reminder alone is due (housekeeping comes first).
        for (int tick = 0;; ++tick) {
            REQUIRE(tick < 100);
            const auto next = world->bot.next_due();
            REQUIRE(next);
            const auto jobs = world->inner->due_jobs(*next, 100);
            if (jobs.size() == 1 && jobs.front().kind == "reminder") {
                due = *next;
                break;
            }
            REQUIRE(world->bot.tick(*next));
        }
        worlds.keep(std::move(world));
    }
    std::string before;
    std::string clean;
    {
        auto world = worlds.restored();
        before = worlds.dump(*world);
        const int queued = world->inner->outbox_depth(Platform::console);
        const auto ran = world->bot.tick(due);
        REQUIRE(ran);
        REQUIRE(*ran == 1);
        REQUIRE(world->inner->outbox_depth(Platform::console) > queued);  // the reminder went out
        clean = worlds.dump(*world);
        REQUIRE(clean != before);
    }
    std::size_t points = 0;
    for (std::size_t n = 1;; ++n) {
        auto world = worlds.restored();
        world->failing.fail_at(n);
        const auto result = world->bot.tick(due);
        const bool reached = world->failing.failed();
        const std::string method = world->failing.failed_method();
        world->failing.fail_at(0);
        if (!reached) {
            REQUIRE(result);
            CHECK(worlds.dump(*world) == clean);
            break;
        }
        ++points;
        INFO("tick: failure at call " << n << " (" << method << ")");
        REQUIRE_FALSE(result);
        CHECK(result.error().code == ErrorCode::storage);
        CHECK(first_difference(before, worlds.dump(*world)) == "");
        const auto retried = world->bot.tick(due);
        REQUIRE(retried);
        CHECK(*retried == 1);
        CHECK(first_difference(clean, worlds.dump(*world)) == "");
        const auto again = world->bot.tick(due);
        REQUIRE(again);
        CHECK(*again == 0);  // done: not run twice
    }
    WARN(backend_name(backend) << ": tick: " << points << " failure points");
    return points;
}

/// Two members answer in the group, delivered together (Bot::handle_batch, one transaction, one
/// savepoint per event, ordered by conversation). With the store failing at every call in turn,
/// each event is either applied or reported as a storage error (with the events after it in its
/// conversation held back); the platform then delivers the batch again, and the end state is
/// exactly that of a clean run: what was applied is recognised, the rest applied once, in order.
std::size_t fail_every_call_of_batch(Backend backend) {
    Worlds worlds(backend, "batch");
    { worlds.keep(worlds.seeded()); }
    const auto batch = [](World& w) {
        return std::vector<InboundEvent>{
            w.said("batch-anna", "Anna", false, "ik kom"),
            w.said("batch-bram", "Bram", false, "ik kan niet ouderavond")};
    };
    const std::vector<std::string> keys = {"console", "console"};
    std::string before;
    std::string clean;
    {
        auto world = worlds.restored();
        before = worlds.dump(*world);
        for (const auto& result :
             world->bot.handle_batch(batch(*world), testing::demo_now(), {}, keys)) {
            REQUIRE(result);
            REQUIRE(result->messages > 0);
        }
        clean = worlds.dump(*world);
    }
    std::size_t points = 0;
    for (std::size_t n = 1;; ++n) {
        auto world = worlds.restored();
        const auto events = batch(*world);
        world->failing.fail_at(n);
        const auto results = world->bot.handle_batch(events, testing::demo_now(), {}, keys);
        const bool reached = world->failing.failed();
        const std::string method = world->failing.failed_method();
        world->failing.fail_at(0);
        if (!reached) {
            for (const auto& result : results) {
                REQUIRE(result);
            }
            CHECK(worlds.dump(*world) == clean);
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
            CHECK(first_difference(before, worlds.dump(*world)) == "");
        }
        const auto again = world->bot.handle_batch(events, testing::demo_now(), {}, keys);
        for (std::size_t i = 0; i < again.size(); ++i) {
            REQUIRE(again[i]);
            CHECK(again[i]->duplicate == static_cast<bool>(results[i]));
        }
        CHECK(first_difference(clean, worlds.dump(*world)) == "");
    }
    WARN(backend_name(backend) << ": batch: " << points << " failure points");
    return points;
}

}  // namespace

TEST_CASE("failure at every store call: two answers delivered in one batch", "[failure]") {
    CHECK(fail_every_call_of_batch(GENERATE(Backend::sqlite, Backend::memory)) >= 10);
}

TEST_CASE("failure at every store call: the scheduler's tick sends a reminder once", "[failure]") {
    CHECK(fail_every_call_of_tick(GENERATE(Backend::sqlite, Backend::memory)) >= 5);
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
    const auto points =
        fail_every_step(GENERATE(Backend::sqlite, Backend::memory), "meeting", steps);
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
    const auto points = fail_every_step(GENERATE(Backend::sqlite, Backend::memory), "poll", steps);
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
    const auto points =
        fail_every_step(GENERATE(Backend::sqlite, Backend::memory), "question", steps);
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
    const auto points =
        fail_every_step(GENERATE(Backend::sqlite, Backend::memory), "member", steps);
    CHECK(points.front() >= 10);
}

TEST_CASE("failure at every store call: request an external expert and approve it", "[failure]") {
    const std::vector<Step> steps = {
        [](World& w) {
            return w.said("expert-request", "Marieke", false,
                          "externe deskundige Rekenen | Dyscalculie herkennen | Dr. Jansen | "
                          "Rekenlab | https://rekenlab.nl/offerte | 2 | onafhankelijk");
        },
        [](World& w) {
            return w.said("expert-approve", "Bram", true, "deskundige 1 goedkeuren Past goed");
        },
    };
    const auto points =
        fail_every_step(GENERATE(Backend::sqlite, Backend::memory), "expert", steps);
    for (const auto count : points) {
        CHECK(count >= 10);
    }
}

TEST_CASE("failure at every store call: an attendance list ticked, confirmed, corrected and "
          "closed",
          "[failure]") {
    // The demo's first meeting (October, café week 41) took place before demo_now().
    const std::vector<Step> steps = {
        [](World& w) { return w.said("attendance-open", "Marieke", false, "aanwezigheid 1"); },
        [](World& w) {
            return w.said("attendance-walk-in", "Marieke", false, "aanwezig 1 Pieter, Lotte");
        },
        [](World& w) { return w.said("attendance-self", "Anna", true, "ik was er 1"); },
        [](World& w) {
            return w.said("attendance-correct", "Marieke", false,
                          "uren correctie Anna | +1,5 | bleef voor de nabespreking");
        },
        [](World& w) {
            return w.said("attendance-close", "Marieke", false, "aanwezigheid 1 sluiten");
        },
    };
    const auto points =
        fail_every_step(GENERATE(Backend::sqlite, Backend::memory), "attendance", steps);
    for (const auto count : points) {
        CHECK(count >= 10);
    }
}

TEST_CASE("failure at every store call: forget me, confirmed", "[failure]") {
    const std::vector<Step> steps = {
        [](World& w) { return w.said("forget-rsvp", "Anna", true, "ik kan niet ouderavond"); },
        [](World& w) { return w.said("forget-ask", "Anna", true, "vergeet mij"); },
        [](World& w) { return w.said("forget-confirm", "Anna", true, "ja"); },
    };
    const auto points =
        fail_every_step(GENERATE(Backend::sqlite, Backend::memory), "forget", steps);
    for (const auto count : points) {
        CHECK(count >= 10);
    }
}
