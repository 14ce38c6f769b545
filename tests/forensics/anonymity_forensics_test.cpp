// An administrator with copies of the database attacks an anonymous evaluation (issue 12).
//
// Seven members answer the evaluation after a meeting at different moments, one question at a
// time: one changes a choice on an old card, one skips the open question, three never answer.
// After every single step the database, its write-ahead log and its shared-memory file are copied,
// as a backup taken at that moment would be; after the closing and after a clean stop too. The
// attacker knows who acted at each step (the platform tells them) and what the results say, and
// tries every way we know to tie an open answer to the member who wrote it:
//   rows      which answer rows or tokens are new in the copy after a member's step;
//   bytes     the first copy whose raw bytes (free pages and old log frames included) hold it;
//   sizes     how much the log grew at the step that answered the open question, by rank;
//   order     where each answer sits in the final file, against the order people answered;
// and which members answered at all, from the messages kept to them and from the log.
// Before the ballot box (issue 12) the rows and bytes attacks linked every answer; now no attack
// may link better than chance. The figures are printed.
//
// The crash test kills a process with an answer in flight at every statement it runs, restarts on
// the same files and has the platform deliver the event again: nothing is lost, nothing counted
// twice, and nothing in the files is in the clear.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>

#include <sqlite3.h>

#include "bot/features/polls/ballot_box.hpp"
#include "bot/vocab/log.hpp"
#include "support/console_fixture.hpp"
#include "support/matchers.hpp"

using namespace leernetwerk;
using Catch::Matchers::Contains;
using leernetwerk::testing::ConsoleFixture;
using leernetwerk::testing::contains_text;
namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& path) {
    std::ifstream file(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

/// A scratch folder removed at the end.
struct Scratch {
    explicit Scratch(const std::string& name)
        : path(fs::temp_directory_path() /
               ("leernetwerk-forensics-" + name + "-" + std::to_string(::getpid()))) {
        fs::remove_all(path);
        fs::create_directories(path);
    }
    ~Scratch() { fs::remove_all(path); }
    fs::path path;
};

const std::vector<std::string> kSuffixes = {"", "-wal", "-shm"};

/// A backup taken now: the three files as they are on disk, copied byte for byte.
struct Copy {
    std::string db, wal, shm;
    bool holds(const std::string& bytes) const {
        return contains_text(db, bytes) || contains_text(wal, bytes) || contains_text(shm, bytes);
    }
};

Copy take_copy(const fs::path& database) {
    Copy copy;
    copy.db = read_file(database);
    copy.wal = fs::exists(database.string() + "-wal") ? read_file(database.string() + "-wal") : "";
    copy.shm = fs::exists(database.string() + "-shm") ? read_file(database.string() + "-shm") : "";
    return copy;
}

using Rows = std::vector<std::vector<std::string>>;

/// Opens a copy the way an attacker would (SQLite replays the log), and runs queries on it.
std::vector<Rows> query_copy(const Copy& copy, const fs::path& scratch,
                             const std::vector<std::string>& queries) {
    const auto path = scratch / "copy.db";
    for (const auto& suffix : kSuffixes) {
        fs::remove(path.string() + suffix);
    }
    std::ofstream(path, std::ios::binary) << copy.db;
    if (!copy.wal.empty()) {
        std::ofstream(path.string() + "-wal", std::ios::binary) << copy.wal;
    }
    if (!copy.shm.empty()) {
        std::ofstream(path.string() + "-shm", std::ios::binary) << copy.shm;
    }
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
    std::vector<Rows> out;
    for (const auto& sql : queries) {
        out.emplace_back();
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &statement, nullptr) != SQLITE_OK) {
            continue;  // a table this version does not have
        }
        while (sqlite3_step(statement) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int i = 0; i < sqlite3_column_count(statement); ++i) {
                const auto* text = sqlite3_column_text(statement, i);
                row.push_back(text ? reinterpret_cast<const char*>(text) : "");
            }
            out.back().push_back(std::move(row));
        }
        sqlite3_finalize(statement);
    }
    return out;
}

Rows query_copy(const Copy& copy, const fs::path& scratch, const std::string& sql) {
    return query_copy(copy, scratch, std::vector<std::string>{sql}).front();
}

/// Per member id, how many messages in a copy match a condition on their content.
std::map<std::string, int> messages_per_member(const Rows& rows) {
    std::map<std::string, int> out;
    for (const auto& row : rows) {
        out[row[0]] = std::stoi(row[1]);
    }
    return out;
}

struct Respondent {
    std::string name;
    std::vector<std::string> lines;  ///< what they type, one line per question
};

/// What the attacker claims: member → the open answer they wrote; and who answered at all.
struct Claims {
    std::map<std::string, std::string> text_of;
    std::set<std::string> answered;
};

struct Figures {
    int linked = 0;    ///< claims that named the right member
    int claimed = 0;   ///< claims made
    int possible = 0;  ///< open answers that could be linked
};

void score(const Claims& claims, const std::map<std::string, std::string>& truth, Figures& f) {
    f.possible += static_cast<int>(truth.size());
    for (const auto& [name, text] : claims.text_of) {
        ++f.claimed;
        const auto it = truth.find(name);
        f.linked += (it != truth.end() && it->second == text) ? 1 : 0;
    }
}

struct RunResult {
    std::map<std::string, Figures> text;  ///< per attack
    int answered_right = 0;               ///< members whose having answered (or not) was told
    int answered_claims = 0;
    int answered_while_open = 0;        ///< members claimed to have answered, from open-poll copies
    int answered_while_open_right = 0;
    int members = 0;
    std::string log;
};

/// One evaluation played step by step, attacked after every step.
RunResult play_and_attack(unsigned seed) {
    Scratch scratch("run" + std::to_string(seed));
    const auto database = scratch.path / "bot.db";
    RunResult result;
    std::mt19937 random(seed);

    // Distinct lengths, so that a size or a length could betray them.
    const std::vector<Respondent> people = {
        {"Anna de Vries", {"4", "Rubrics samen nakijken", "2", "5", "3", "overslaan"}},
        {"Sanne Bakker", {"3", "Meer tijd om lesvoorbeelden uit groep drie te delen", "1", "4",
                          "4", "Geen"}},
        {"Joost van Dijk", {"5", "Kort", "3", "5", "5", "overslaan"}},
        {"Fatima El Amrani",
         {"2", "Een vaste vorm voor intervisie met een tijdwaker en een verslag achteraf", "2",
          "3", "2", "Meer koffie"}},
        {"Pieter Visser", {"4", "overslaan", "1", "4", "3", "overslaan"}},
        {"Lotte Mulder", {"3", "Minder praten, meer doen in de klas", "2", "3", "4", "overslaan"}},
        {"Thomas Smit", {"1", "Observaties bij gym vergelijken", "3", "2", "1", "Niets"}},
    };
    std::map<std::string, std::string> truth;  // member → their open answer (question 2)
    for (const auto& person : people) {
        if (person.lines[1] != "overslaan") {
            truth[person.name] = person.lines[1];
        }
    }
    std::set<std::string> respondents;
    for (const auto& person : people) {
        respondents.insert(person.name);
    }

    // Everything the attacker sees as it happens.
    std::vector<std::string> actors;
    std::vector<Copy> copies;
    std::vector<std::set<std::string>> answer_rows;  // "token|question|value" per copy
    std::set<std::string> seen_answering;  // members shown answering by a copy during the poll
    std::set<std::string> previous_state;  // adapter state and conversation references
    // The strongest attacker also knows which steps answered the open question (as the platform
    // could tell from when the next question was read): the steps are given, not guessed.
    std::set<std::size_t> open_question_steps;
    std::map<std::string, std::string> member_ids;   // name → id, from the members table
    std::string log_lines;
    {
        set_log_sink([&](LogLevel level, std::string_view text) {
            if (level >= LogLevel::info) {
                log_lines += std::string(text) + "\n";
            }
        });
        BotSettings settings;
        settings.poll_secret = "forensics-secret-" + std::to_string(seed);
        ConsoleFixture chat(database.string(), testing::demo_now(), settings);
        for (const auto& row : query_copy(take_copy(database), scratch.path,
                                          "SELECT id, display_name FROM members")) {
            member_ids[row[1]] = row[0];
        }
        const auto observe = [&](const std::string& actor) {
            actors.push_back(actor);
            copies.push_back(take_copy(database));
            const auto read = query_copy(
                copies.back(), scratch.path,
                std::vector<std::string>{"SELECT token, question, value FROM poll_answers WHERE poll_id = 1",
                 // Receipts and any later question tell that a member answered something.
                 "SELECT DISTINCT coalesce(recipient_member_id, substr(conversation_id, 12)) "
                 "FROM outbox WHERE (recipient_member_id IS NOT NULL OR conversation_id LIKE "
                 "'console-dm-%') AND (content LIKE '%ontvangen%' OR content LIKE '%opgeslagen%' "
                 "OR content LIKE '%Overgeslagen%' OR content LIKE '%poll:1:2%' OR content LIKE "
                 "'%Nog even%')",
                 // Small named values and conversation references written at that step.
                 "SELECT key || '=' || value || '@' || updated_at FROM adapter_state",
                 "SELECT conversation_id || '@' || updated_at FROM conversation_refs"});
            std::set<std::string> rows;
            for (const auto& row : read[0]) {
                rows.insert(row[0] + "|" + row[1] + "|" + row[2]);
            }
            answer_rows.push_back(std::move(rows));
            // A value written under a member's id (".. :12"), or a reference of their private
            // chat, that changed at this step marks them as the one who acted.
            std::set<std::string> state;
            for (const auto& rows : {read[2], read[3]}) {
                for (const auto& row : rows) {
                    state.insert(row[0]);
                }
            }
            if (!previous_state.empty() && actors.size() > 1) {
                for (const auto& entry : state) {
                    if (previous_state.count(entry)) {
                        continue;
                    }
                    for (const auto& [name, id] : member_ids) {
                        const auto key = entry.substr(0, entry.find('='));
                        if (contains_text(key, ":" + id) &&
                            key.size() == key.find(":" + id) + id.size() + 1) {
                            seen_answering.insert(name);
                        }
                        if (contains_text(entry, "console-dm-" + id + "@")) {
                            seen_answering.insert(name);
                        }
                    }
                }
            }
            previous_state = std::move(state);
            for (const auto& row : read[1]) {
                for (const auto& [name, id] : member_ids) {
                    if (id == row[0]) {
                        seen_answering.insert(name);
                    }
                }
            }
        };
        chat.as("Marieke Jansen");
        chat.say("/groep");
        REQUIRE_THAT(chat.say("evaluatie na | voor iedereen"), Contains("Anonieme evaluatie #1"));
        observe("Marieke Jansen");

        // Everyone answers at their own moments, interleaved at random.
        std::vector<std::size_t> next(people.size(), 0);
        bool anna_changed = false;
        for (;;) {
            std::vector<std::size_t> waiting;
            for (std::size_t i = 0; i < people.size(); ++i) {
                if (next[i] < people[i].lines.size()) {
                    waiting.push_back(i);
                }
            }
            if (waiting.empty()) {
                break;
            }
            const auto who = waiting[random() % waiting.size()];
            const auto& person = people[who];
            chat.as(person.name);
            chat.say("/prive");
            const auto printed = chat.say(person.lines[next[who]]);
            INFO(person.name << " typed " << person.lines[next[who]] << ": " << printed);
            REQUIRE_THAT(printed, Contains("ontvangen (anoniem)"));
            ++next[who];
            observe(person.name);
            if (next[who] == 2) {
                open_question_steps.insert(copies.size() - 1);
            }
            if (person.name == "Anna de Vries" && next[who] == 4 && !anna_changed) {
                // She changes her choice on the old card of question 3.
                anna_changed = true;
                const auto id = std::stoll(member_ids.at(person.name));
                InboundEvent click;
                click.kind = InboundEvent::Kind::action;
                click.event_id = "click-anna";
                click.conversation = {Platform::console, "console-dm-" + std::to_string(id),
                                      Conversation::Kind::direct, ""};
                click.sender.user_id = "member-" + std::to_string(id);
                click.sender.display_name = person.name;
                click.action.action_id = "poll:1:3";
                click.action.choice_ids = {"3"};
                REQUIRE(chat.bot.handle(click, chat.session.now()));
                chat.session.drain();
                observe(person.name);
            }
        }
        chat.as("Marieke Jansen");
        chat.say("/groep");
        REQUIRE_THAT(chat.say("peiling sluiten 1"), Contains("gesloten"));
        observe("Marieke Jansen");
        set_log_sink({});
    }
    // After a clean stop.
    actors.push_back("(stopped)");
    copies.push_back(take_copy(database));
    answer_rows.push_back({});
    std::cout << "forensics: run " << seed << ": " << copies.size() << " copies, the last "
              << copies.back().db.size() << " bytes\n";
    for (const auto& row : query_copy(copies.back(), scratch.path,
                                      "SELECT token, question, value FROM poll_answers "
                                      "WHERE poll_id = 1")) {
        answer_rows.back().insert(row[0] + "|" + row[1] + "|" + row[2]);
    }
    result.log = log_lines;

    // The published open answers: what the attacker wants to put names to.
    std::set<std::string> published;
    for (const auto& row : answer_rows.back()) {
        const auto first = row.find('|');
        const auto second = row.find('|', first + 1);
        if (row.substr(first + 1, second - first - 1) == "1" && second + 1 < row.size()) {
            published.insert(row.substr(second + 1));
        }
    }
    REQUIRE(published.size() == truth.size());

    // rows: a row new in the copy after a member's step is theirs, and so is its token.
    {
        Claims claims;
        std::map<std::string, std::string> token_owner;
        for (std::size_t i = 1; i < copies.size(); ++i) {
            for (const auto& row : answer_rows[i]) {
                if (answer_rows[i - 1].count(row)) {
                    continue;
                }
                const auto token = row.substr(0, row.find('|'));
                token_owner.emplace(token, actors[i]);
            }
        }
        for (const auto& row : answer_rows.back()) {
            const auto first = row.find('|');
            const auto second = row.find('|', first + 1);
            const auto token = row.substr(0, first);
            if (row.substr(first + 1, second - first - 1) == "1" && token_owner.count(token)) {
                claims.text_of[token_owner[token]] = row.substr(second + 1);
            }
        }
        score(claims, truth, result.text["rows"]);
    }
    // bytes: the first copy whose files hold the answer belongs to whoever acted just before.
    {
        Claims claims;
        for (const auto& text : published) {
            for (std::size_t i = 0; i < copies.size(); ++i) {
                if (copies[i].holds(text)) {
                    claims.text_of[actors[i]] = text;
                    break;
                }
            }
        }
        score(claims, truth, result.text["bytes"]);
    }
    const std::vector<std::size_t> text_steps(open_question_steps.begin(),
                                              open_question_steps.end());
    // sizes: the longer the answer, the more the log grew at that step.
    {
        Claims claims;
        std::vector<std::pair<long, std::string>> growth;
        for (const auto i : text_steps) {
            if (truth.count(actors[i])) {
                growth.emplace_back(static_cast<long>(copies[i].wal.size()) -
                                        static_cast<long>(copies[i - 1].wal.size()),
                                    actors[i]);
            }
        }
        std::vector<std::string> by_length(published.begin(), published.end());
        std::sort(by_length.begin(), by_length.end(),
                  [](const std::string& a, const std::string& b) { return a.size() < b.size(); });
        std::stable_sort(growth.begin(), growth.end());
        for (std::size_t i = 0; i < growth.size() && i < by_length.size(); ++i) {
            claims.text_of[growth[i].second] = by_length[i];
        }
        score(claims, truth, result.text["sizes"]);
    }
    // order: rows are laid into a page in the order they were written; the final file's order of
    // the answers is held against the order people answered the open question.
    {
        Claims claims;
        const auto& file = copies.back().db;
        std::vector<std::pair<std::size_t, std::string>> at;
        for (const auto& text : published) {
            at.emplace_back(file.rfind(text), text);
        }
        std::sort(at.begin(), at.end(), std::greater<>());  // later writes sit lower in a page
        std::vector<std::string> order;
        for (const auto i : text_steps) {
            if (truth.count(actors[i])) {
                order.push_back(actors[i]);
            }
        }
        for (std::size_t i = 0; i < order.size() && i < at.size(); ++i) {
            claims.text_of[order[i]] = at[i].second;
        }
        score(claims, truth, result.text["order"]);
    }
    // Who answered at all: messages about the poll kept to a member after the closing, and the
    // log naming a member.
    {
        std::set<std::string> claimed;
        for (std::size_t i = copies.size() - 2; i < copies.size(); ++i) {
            const auto kept = messages_per_member(query_copy(
                copies[i], scratch.path,
                "SELECT recipient_member_id, count(*) FROM outbox WHERE recipient_member_id IS "
                "NOT NULL AND (content LIKE '%poll:1:%' OR content LIKE '%opgeslagen%' OR "
                "content LIKE '%Overgeslagen%' OR content LIKE '%ontvangen%') GROUP BY 1"));
            for (const auto& [name, id] : member_ids) {
                if (kept.count(id)) {
                    claimed.insert(name);
                }
                if (contains_text(log_lines, name) ||
                    contains_text(log_lines, "member-" + id + " ")) {
                    claimed.insert(name);
                }
            }
        }
        for (const auto& name : claimed) {
            ++result.answered_claims;
            result.answered_right += respondents.count(name) ? 1 : 0;
        }
        // And from the copies taken while the poll ran.
        for (const auto& name : seen_answering) {
            ++result.answered_while_open;
            result.answered_while_open_right += respondents.count(name) ? 1 : 0;
        }
        result.members = static_cast<int>(member_ids.size());
    }
    return result;
}

// ---- the crash test: a process killed at every statement of an answer ------------------------

std::atomic<long> g_statements{0};
long g_kill_at = -1;

int count_statement(unsigned, void*, void*, void*) {
    if (++g_statements == g_kill_at) {
        ::_exit(9);  // as kill -9: no destructor, no rollback, no flush
    }
    return 0;
}

int install_counter(sqlite3* db, const char**, const void*) {
    sqlite3_trace_v2(db, SQLITE_TRACE_STMT, count_statement, nullptr);
    return SQLITE_OK;
}

InboundEvent typed_in_private(Id member_id, const std::string& name, const std::string& event_id,
                              const std::string& text) {
    InboundEvent event;
    event.kind = InboundEvent::Kind::message;
    event.event_id = event_id;
    event.conversation = {Platform::console, "console-dm-" + std::to_string(member_id),
                          Conversation::Kind::direct, ""};
    event.sender.user_id = "member-" + std::to_string(member_id);
    event.sender.display_name = name;
    event.text = text;
    return event;
}

}  // namespace

TEST_CASE("copies of the database taken at every step link no anonymous answer to its member",
          "[forensics][anonymity]") {
    std::map<std::string, Figures> total;
    int answered_right = 0;
    int answered_claims = 0;
    int while_open = 0;
    int while_open_right = 0;
    constexpr unsigned kRuns = 3;
    for (unsigned seed = 1; seed <= kRuns; ++seed) {
        const auto run = play_and_attack(seed);
        for (const auto& [attack, figures] : run.text) {
            total[attack].linked += figures.linked;
            total[attack].claimed += figures.claimed;
            total[attack].possible += figures.possible;
        }
        answered_right += run.answered_right;
        answered_claims += run.answered_claims;
        while_open += run.answered_while_open;
        while_open_right += run.answered_while_open_right;
        // The log at info names no member and no answer.
        for (const auto* text : {"Rubrics samen nakijken", "Observaties bij gym", "Anna"}) {
            CHECK_THAT(run.log, !Contains(text));
        }
    }
    std::cout << "forensics: " << kRuns << " runs, 6 open answers each, a copy after every step\n";
    for (const auto& [attack, figures] : total) {
        std::cout << "  attack " << attack << ": linked " << figures.linked << " of "
                  << figures.possible << " (" << figures.claimed << " claims)\n";
    }
    std::cout << "  who answered, from copies after the closing: " << answered_claims
              << " claims, " << answered_right << " right\n";
    std::cout << "  who answered, from copies while the poll ran: " << while_open << " claims, "
              << while_open_right << " right\n";
    // No attack does better than chance: the rows and bytes attacks find nothing to go on, and
    // the ones that always guess (sizes, order) stay near one right guess in six per run.
    CHECK(total["rows"].linked == 0);
    CHECK(total["bytes"].linked == 0);
    // A random guess gets one in six right on average (kRuns in all, spread like Poisson(kRuns));
    // a leak would link nearly all. Two thirds is far above chance (P < 1e-5) and far below that.
    const int chance_bound = static_cast<int>(kRuns) * 4;
    CHECK(total["sizes"].linked <= chance_bound);
    CHECK(total["order"].linked <= chance_bound);
    CHECK(answered_claims == 0);
    CHECK(while_open == 0);
}

TEST_CASE("a process killed at any point of an anonymous answer loses nothing and reveals nothing",
          "[forensics][anonymity][crash]") {
    Scratch scratch("crash");
    const auto database = scratch.path / "bot.db";
    const auto base = scratch.path / "base.db";
    BotSettings settings;
    settings.poll_secret = "crash-secret-0123456789";
    Id anna = 0;
    {
        ConsoleFixture chat(database.string(), testing::demo_now(), settings);
        chat.as("Marieke Jansen");
        chat.say("/groep");
        REQUIRE_THAT(chat.say("evaluatie na | voor iedereen"), Contains("Anonieme evaluatie #1"));
        for (const auto& member : chat.store->members()) {
            anna = member.display_name == "Anna de Vries" ? member.id : anna;
        }
        chat.as("Anna de Vries");
        chat.say("/prive");
        REQUIRE_THAT(chat.say("4"), Contains("ontvangen (anoniem)"));
    }
    for (const auto& suffix : kSuffixes) {
        if (fs::exists(database.string() + suffix)) {
            fs::copy_file(database.string() + suffix, base.string() + suffix,
                          fs::copy_options::overwrite_existing);
        }
    }
    sqlite3_auto_extension(reinterpret_cast<void (*)()>(install_counter));
    const std::string secret_text = "Het oefenen met rubrics in tweetallen";
    const auto restore = [&] {
        for (const auto& suffix : kSuffixes) {
            fs::remove(database.string() + suffix);
            if (fs::exists(base.string() + suffix)) {
                fs::copy_file(base.string() + suffix, database.string() + suffix);
            }
        }
    };
    const auto event = typed_in_private(anna, "Anna de Vries", "typed-1", secret_text);
    int killed = 0;
    int completed = 0;
    for (long kill_at = 1;; ++kill_at) {
        restore();
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            auto store = storage::SqliteStore::open(database.string());
            Bot bot(*store, settings);
            g_statements = 0;
            g_kill_at = kill_at;
            const auto handled = bot.handle(event, testing::demo_now() + std::chrono::minutes(5));
            ::_exit(handled ? 0 : 1);
        }
        int status = 0;
        ::waitpid(child, &status, 0);
        REQUIRE(WIFEXITED(status));
        const bool died = WEXITSTATUS(status) == 9;
        if (!died) {
            REQUIRE(WEXITSTATUS(status) == 0);
        }
        // Restarted on the same files, the platform (which got no answer) delivers it again.
        g_kill_at = -1;
        {
            auto store = storage::SqliteStore::open(database.string());
            Bot bot(*store, settings);
            REQUIRE(bot.handle(event, testing::demo_now() + std::chrono::minutes(6)));
            const auto poll = store->poll(1);
            REQUIRE(poll);
            // Anna's first answer and this one, once each.
            const auto answers = answers_of(*store, settings, *poll);
            std::vector<std::string> hers;
            for (const auto& answer : answers) {
                if (answer.token == respondent_token(settings, 1, anna)) {
                    hers.push_back(std::to_string(answer.question) + "=" + answer.value);
                }
            }
            INFO("killed at statement " << kill_at);
            CHECK(hers == std::vector<std::string>{"0=4", "1=" + secret_text});
            // One receipt for the typed answer, whether it came from the first try or the retry.
            int receipts = 0;
            for (const auto& row : store->outbox_in_state(Platform::console, OutboxState::pending)) {
                const auto* text = std::get_if<TextContent>(&row.message.content);
                receipts += (text && row.message.recipient_member_id == anna &&
                             contains_text(text->markdown, "ontvangen (anoniem)"))
                                ? 1
                                : 0;
            }
            CHECK(receipts == 1);
        }
        // Nothing in the files holds the answer or a token in the clear.
        const auto files = take_copy(database);
        CHECK_FALSE(files.holds(secret_text));
        CHECK_FALSE(files.holds(respondent_token(settings, 1, anna)));
        if (!died) {
            ++completed;
            break;
        }
        ++killed;
    }
    sqlite3_cancel_auto_extension(reinterpret_cast<void (*)()>(install_counter));
    std::cout << "crash: killed at each of " << killed
              << " statements of one anonymous answer; none lost, none twice\n";
    CHECK(killed > 10);
    CHECK(completed == 1);
}
