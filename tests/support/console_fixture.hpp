#pragma once
// A console chat with the demo network on an in-memory (or file) database, for tests that read
// like conversations: say("hulp") returns what the bot printed.
#include <memory>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>

#include "adapters/console/console.hpp"
#include "app/demo.hpp"
#include "bot/features/polls/ballot_box.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#ifdef LEERNETWERK_TEST_MEMORY_STORE
#include "support/memory_store.hpp"
#endif

namespace leernetwerk::testing {

#ifdef LEERNETWERK_TEST_MEMORY_STORE
/// unit_bot_memory: the same conversations on the in-memory Store (tests/support/memory_store.*).
using TestStore = MemoryStore;
inline std::unique_ptr<TestStore> open_test_store(const std::string& path) {
    if (path != ":memory:") {
        throw std::logic_error("MemoryStore keeps no file (" + path +
                               "): tag the test [sqlite] and leave it out of unit_bot_memory");
    }
    return std::make_unique<MemoryStore>();
}
#else
using TestStore = storage::SqliteStore;
inline std::unique_ptr<TestStore> open_test_store(const std::string& path) {
    return storage::SqliteStore::open(path);
}
#endif

/// 2 December 2026, 09:00 in Amsterdam (08:00 UTC).
inline Instant demo_now() {
    using namespace std::chrono;
    return date::sys_days{date::year{2026} / 12 / 2} + hours{8};
}

inline Instant utc(int y, unsigned m, unsigned d, int hour, int minute = 0) {
    using namespace std::chrono;
    return date::sys_days{date::year{y} / date::month{m} / date::day{d}} + hours{hour} +
           minutes{minute};
}

struct ConsoleFixture {
    explicit ConsoleFixture(const std::string& path = ":memory:", Instant now = demo_now(),
                            BotSettings settings = {})
        : store(open_test_store(path)),
          bot(*store, std::move(settings)),
          demo(app::seed_demo(*store, now, "Europe/Amsterdam")),
          session(bot, *store, output, now) {
        session.speak_as("Marieke Jansen");
        // As `leernetwerk console` does at start-up: the demo network's reminders are scheduled.
        if (!bot.reschedule_all(now)) {
            throw std::runtime_error("reminders not scheduled");
        }
    }

    /// Types a line as the current speaker and returns everything the console printed.
    std::string say(const std::string& line) {
        output.str("");
        session.handle_line(line);
        auto printed = output.str();
        // A "[meeting.planned]" in the output means a message key is missing from the catalogue.
        static const std::regex kMissingKey(R"(\[[a-z_]+\.[a-z_.]+\])");
        if (std::regex_search(printed, kMissingKey)) {
            throw std::logic_error("missing catalogue key in: " + printed);
        }
        return printed;
    }

    /// Switches speaker.
    void as(const std::string& name) { session.speak_as(name); }

    /// How many answered a poll, and their answers: an open anonymous poll's from its sealed
    /// ballots (bot/ballot_box.hpp), as the bot itself reads them.
    std::size_t respondents(Id poll_id) {
        return respondent_count(*store, bot.settings(), *store->poll(poll_id));
    }
    std::vector<PollAnswer> answers(Id poll_id) {
        return answers_of(*store, bot.settings(), *store->poll(poll_id));
    }

    int meeting_count() {
        int planned = 0;
        for (const auto& meeting : store->meetings_of(demo.network_id)) {
            planned += meeting.status == MeetingStatus::planned ? 1 : 0;
        }
        return planned;
    }

    std::unique_ptr<TestStore> store;
    Bot bot;
    app::DemoNetwork demo;
    std::ostringstream output;
    console::ConsoleSession session;
};

}  // namespace leernetwerk::testing
