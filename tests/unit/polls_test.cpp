// Polls and quick evaluations as the demo network lives them: a facilitator asks, members answer
// privately one question at a time, a reminder goes to who has not answered, the results come back
// to the group; anonymous answers cannot be tied to anyone, not even with the database file.
#include <tuple>

#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <sstream>

#include <sqlite3.h>

#include "bot/features/knowledge/knowledge.hpp"
#include "bot/features/polls/polls.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/text.hpp"
#include "storage/sqlite/fts_tokenizer.hpp"
#include "support/console_fixture.hpp"
#include "support/matchers.hpp"
#include "support/sent_content.hpp"

using namespace leernetwerk;
using Catch::Matchers::Contains;

using leernetwerk::testing::bar_of;
using leernetwerk::testing::newest_summary;
using leernetwerk::testing::ConsoleFixture;
using leernetwerk::testing::contains_text;
using leernetwerk::testing::utc;

namespace {

std::size_t count_of(const std::string& haystack, const std::string& needle) {
    std::size_t count = 0;
    for (auto at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + needle.size())) {
        ++count;
    }
    return count;
}

/// The demo network in the console, with shortcuts for speaking in a private or group chat.
struct PollChat : ConsoleFixture {
    using ConsoleFixture::ConsoleFixture;

    std::string in_private(const std::string& name, const std::string& line) {
        as(name);
        say("/prive");
        return say(line);
    }

    std::string in_group(const std::string& name, const std::string& line) {
        as(name);
        say("/groep");
        return say(line);
    }

    Id member_id(const std::string& name) {
        for (const auto& member : store->members()) {
            if (member.display_name == name) {
                return member.id;
            }
        }
        throw std::logic_error("no member " + name);
    }

    /// A click on a card in `name`'s private chat, as an adapter delivers it.
    std::string click(const std::string& name, const std::string& action_id,
                      std::vector<std::string> choices) {
        const auto id = member_id(name);
        InboundEvent event;
        event.kind = InboundEvent::Kind::action;
        event.event_id = "click-" + std::to_string(++clicks);
        event.conversation = {Platform::console, "console-dm-" + std::to_string(id),
                              Conversation::Kind::direct, ""};
        event.sender.user_id = "member-" + std::to_string(id);
        event.sender.display_name = name;
        event.action.action_id = action_id;
        event.action.choice_ids = std::move(choices);
        REQUIRE(bot.handle(event, session.now()));
        output.str("");
        session.drain();
        return output.str();
    }

    /// Everyone answers in their private chat, one line per question.
    void answer_all(const std::string& name, const std::vector<std::string>& lines) {
        as(name);
        say("/prive");
        for (const auto& line : lines) {
            const auto printed = say(line);
            INFO(name << " typed " << line << " and saw: " << printed);
            REQUIRE_THAT(printed, Contains("opgeslagen") || Contains("Overgeslagen") ||
                                      Contains("ontvangen (anoniem)"));
        }
    }

    Id newest_poll() {
        const auto polls = store->polls_of(demo.network_id);
        REQUIRE(!polls.empty());
        return polls.front().id;
    }

    int clicks = 0;
};

/// Thirteen answers to the mid-term evaluation (set B): eleven scales, goal in sight, two texts.
std::vector<std::string> midterm_answers(int score, const std::string& top,
                                         const std::string& tip) {
    std::vector<std::string> lines;
    for (int i = 0; i < 6; ++i) {
        lines.push_back(std::to_string(score));
    }
    lines.push_back("Deels");  // B7: yes / partly / no, typed as the option's text
    for (int i = 0; i < 4; ++i) {
        lines.push_back(std::to_string(score));
    }
    lines.push_back(top);
    lines.push_back(tip);
    return lines;
}

struct CapturedLog {
    CapturedLog() {
        set_log_sink(
            [this](LogLevel, std::string_view text) { lines += std::string(text) + "\n"; });
    }
    ~CapturedLog() { set_log_sink({}); }
    std::string lines;
};

}  // namespace

TEST_CASE("a mid-term evaluation: one question at a time, results only from the third answer",
          "[polls][midterm]") {
    PollChat chat;
    const auto started = chat.say("evaluatie tussentijds | live");
    CHECK_THAT(started, Contains("Anonieme evaluatie #1 (Tussentijdse evaluatie, vragen: 13)"));
    CHECK_THAT(started, Contains("Privé gevraagd aan: 10."));
    // Each member got the first question privately, with what it is and until when.
    CHECK(count_of(started, "Vraag 1/13: Sluit de inhoud aan bij jouw leervraag?") == 10);
    CHECK_THAT(started, Contains("Anoniem: niemand ziet wat jij antwoordt."));

    // Anna answers on her phone: each answer brings the next question.
    chat.as("Anna de Vries");
    chat.say("/prive");
    const auto first = chat.say("4");
    CHECK_THAT(first, Contains("Dank je, ontvangen (anoniem)."));
    CHECK_THAT(first, Contains("Vraag 2/13: Helpen de werkvormen je om te leren?"));
    CHECK_THAT(first, !Contains("Vraag 3/13"));
    // The rest of her answers; the question about the goal is answered with its text.
    auto rest = midterm_answers(4, "De rubrics uit de vorige keer", "Meer tijd voor **casussen**");
    rest.erase(rest.begin());
    chat.answer_all("Anna de Vries", rest);

    chat.answer_all("Sanne Bakker", midterm_answers(3, "Het delen van lesvoorbeelden",
                                                    "Vaker op een andere school"));
    // Two answers: not enough to show anything of an anonymous poll.
    auto early = chat.in_group("Marieke Jansen", "peiling uitslag 1");
    CHECK_THAT(early, Contains("Tussenstand peiling #1: Tussentijdse evaluatie"));
    CHECK_THAT(early, Contains("2 van 10"));
    CHECK_THAT(
        early,
        Contains("Nog geen uitslag: een anonieme peiling toont pas iets vanaf 3 antwoorden"));
    CHECK_THAT(early, !Contains("Inhoud"));
    CHECK_THAT(early, !Contains("lesvoorbeelden"));

    auto joost = midterm_answers(5, "De sfeer", "Een <b>kortere</b> pauze");
    joost[6] = "ja";  // reads as the option "Ja", not as a Ja/Nee confirmation
    chat.answer_all("Joost van Dijk", joost);
    const auto results = chat.in_group("Marieke Jansen", "peiling uitslag 1");
    CHECK_THAT(results, Contains("3 van 10"));
    CHECK_THAT(results, Contains("Inhoud (1–5)"));
    CHECK_THAT(results, Contains("4,0 (n=3)"));  // (4 + 3 + 5) / 3, with a Dutch decimal comma
    // The counts as sent (the console draws them as bars; console_test checks the drawing).
    const auto sent = newest_summary(*chat.store, "peiling #1");
    REQUIRE(sent);
    for (const auto& [label, count, display] :
         {std::tuple{"Doel in zicht?: Deels", 2, "2 (67%)"},
          std::tuple{"Doel in zicht?: Ja", 1, "1 (33%)"},
          std::tuple{"Doel in zicht?: Nee", 0, "0 (0%)"}}) {
        const auto bar = bar_of(*sent, label);
        REQUIRE(bar);
        CHECK(bar->value == count);
        CHECK(bar->max == 3);
        CHECK(bar->display == display);
        CHECK_THAT(results, Contains(label));
    }
    // Open answers: there, without names, and Markdown shown as typed.
    CHECK_THAT(results, Contains("Open antwoorden bij peiling #1"));
    CHECK_THAT(results, Contains("- Het delen van lesvoorbeelden"));
    CHECK_THAT(results, Contains("- Meer tijd voor **casussen**"));
    CHECK_THAT(results, Contains("- Een <b>kortere</b> pauze"));
    for (const auto* name : {"Anna", "Sanne", "Joost"}) {
        CHECK_THAT(results, !Contains(name));
    }
    // The markup arrived escaped in the message itself, not as bold.
    bool escaped = false;
    for (const auto& row : chat.store->outbox_in_state(Platform::console, OutboxState::sent)) {
        if (const auto* text = std::get_if<TextContent>(&row.message.content)) {
            escaped =
                escaped || contains_text(text->markdown, "Meer tijd voor \\*\\*casussen\\*\\*");
        }
    }
    CHECK(escaped);
}

TEST_CASE("a one-line poll with a deadline: reminder to who has not answered, closed, summary",
          "[polls][deadline]") {
    PollChat chat;
    const auto started = chat.say(
        "peiling \"Welke datum past?\" | 12 maart | 19 maart | 26 maart | tot vrijdag 17:00");
    CHECK_THAT(started, Contains("Peiling #1 staat uit: \"Welke datum past?\""));
    CHECK_THAT(started, Contains("tot vr 4 dec 2026 17:00"));
    CHECK(count_of(started, "  2. 19 maart") == 10);

    CHECK_THAT(chat.in_private("Anna de Vries", "2"), Contains("Dank je, genoteerd: 19 maart"));
    // "ja" in a private chat that answers no open question of hers is the usual "ja".
    CHECK_THAT(chat.say("ja"), Contains("Er staat niets open om te bevestigen."));
    CHECK_THAT(chat.click("Sanne Bakker", "poll:1:1", {"3"}),
               Contains("Dank je, genoteerd: 26 maart"));
    // Joost changes his mind: the second answer replaces the first, and he hears so.
    chat.in_private("Joost van Dijk", "stem 1 1");
    CHECK_THAT(chat.say("stem 1 2"), Contains("Je eerdere antwoord is vervangen door dit nieuwe."));
    CHECK(chat.respondents(1) == 3);

    // Thursday 17:00, a day before the deadline: only the seven who did not answer hear again.
    chat.as("Marieke Jansen");
    const auto thursday = chat.say("/tijd 3 december 17:30");
    CHECK(count_of(thursday, "Nog even: **Welke datum past?**") == 0);  // shown as plain text
    CHECK(count_of(thursday, "Nog even: Welke datum past?") == 7);
    for (const auto* answered : {"Anna de Vries", "Sanne Bakker", "Joost van Dijk"}) {
        CHECK_THAT(thursday, !Contains(std::string(">>> bot to ") + answered));
    }
    CHECK_THAT(thursday, Contains(">>> bot to Marieke Jansen (privé)\nNog even"));

    // Friday 17:00 it closes by itself; the summary goes to the group.
    const auto friday = chat.say("/tijd 4 december 17:05");
    CHECK_THAT(friday, Contains(">>> bot to HSN-café Feedback die werkt\nUitslag peiling #1: Welke datum past?"));
    CHECK_THAT(friday, Contains("3 van 10"));
    const auto summary = newest_summary(*chat.store, "Welke datum past?");
    REQUIRE(summary);
    for (const auto& [label, count, display] :
         {std::tuple{"19 maart", 2, "2 (67%)"}, std::tuple{"26 maart", 1, "1 (33%)"},
          std::tuple{"12 maart", 0, "0 (0%)"}}) {
        const auto bar = bar_of(*summary, label);
        REQUIRE(bar);
        CHECK(bar->value == count);
        CHECK(bar->max == 3);
        CHECK(bar->display == display);
    }
    CHECK(chat.store->poll(1)->state == PollState::closed);

    // Too late now.
    const auto late = chat.in_private("Lotte Mulder", "stem 1 3");
    CHECK_THAT(late, Contains("Peiling #1 (\"Welke datum past?\") is gesloten"));
    CHECK(chat.respondents(1) == 3);
    // The reminder went once: nothing further comes.
    chat.as("Marieke Jansen");
    CHECK_THAT(chat.say("/tijd +7d"), !Contains("Nog even"));
}

TEST_CASE("the same evaluation run again shows the change since the last run", "[polls][trend]") {
    PollChat chat;
    chat.say("evaluatie energie");
    chat.in_private("Anna de Vries", "3");
    chat.in_private("Sanne Bakker", "3");
    chat.in_private("Joost van Dijk", "4");
    const auto first = chat.in_group("Marieke Jansen", "peiling sluiten 1");
    CHECK_THAT(first, Contains("Energie (1–5)"));
    CHECK_THAT(first, Contains("3,3 (n=3)"));
    CHECK_THAT(first, !Contains("→"));

    chat.say("/tijd +14d");
    chat.say("evaluatie energie");
    chat.in_private("Anna de Vries", "4");
    chat.in_private("Sanne Bakker", "4");
    chat.in_private("Joost van Dijk", "5");
    const auto second = chat.in_group("Marieke Jansen", "peiling sluiten 2");
    CHECK_THAT(second, Contains("Uitslag peiling #2: Energiecheck"));
    CHECK_THAT(second, Contains("  Energie     3,3 → 4,3\n"));
    CHECK_THAT(second, Contains("de verandering sinds peiling #1"));

    SECTION("in English with a decimal point") {
        chat.in_private("Marieke Jansen", "language en");
        const auto english = chat.in_private("Marieke Jansen", "poll results 2");
        INFO(english);
        CHECK_THAT(english, Contains("  Energy   3.3 → 4.3\n"));
    }
}

TEST_CASE("the CSV export: counts per option, names only for a named poll, safe for spreadsheets",
          "[polls][csv]") {
    CHECK(csv_field("plain") == "plain");
    CHECK(csv_field("a, b") == "\"a, b\"");
    CHECK(csv_field("a; b") == "\"a; b\"");  // the separator Dutch Excel reads
    CHECK(csv_field("zeg \"ja\"") == "\"zeg \"\"ja\"\"\"");
    CHECK(csv_field("twee\nregels") == "\"twee\nregels\"");
    CHECK(csv_field("=SUM(A1:A9)") == "'=SUM(A1:A9)");
    CHECK(csv_field("+31 6") == "'+31 6");
    CHECK(csv_field("-2") == "'-2");
    CHECK(csv_field("@cmd") == "'@cmd");
    CHECK(csv_field("=HYPERLINK(\"x\",\"y\")") == "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"");

    PollChat chat;
    chat.say("peiling Wat past? | =SUM(A1) | Zeg \"ja\", of nee | @thuis | -5 graden");
    chat.in_private("Anna de Vries", "1");
    chat.in_private("Sanne Bakker", "2");
    chat.in_private("Joost van Dijk", "2");

    const auto named = poll_results_csv(*chat.store, 1, Lang::nl);
    REQUIRE(named.csv);
    CHECK_THAT(
        *named.csv,
        Contains("\xEF\xBB\xBFpeiling;vraag;vraagtekst;soort;optie;aantal;procent;gemiddelde\r\n"));
    CHECK_THAT(*named.csv, Contains("1;1;Wat past?;single;'=SUM(A1);1;33;\r\n"));
    CHECK_THAT(*named.csv, Contains("1;1;Wat past?;single;\"Zeg \"\"ja\"\", of nee\";2;67;\r\n"));
    CHECK_THAT(*named.csv, Contains("1;1;Wat past?;single;'@thuis;0;0;\r\n"));
    CHECK_THAT(*named.csv, Contains("1;1;Wat past?;single;'-5 graden;0;0;\r\n"));
    // A named poll: who answered what.
    CHECK_THAT(*named.csv, Contains("deelnemer;vraag;vraagtekst;antwoord\r\n"));
    CHECK_THAT(*named.csv, Contains("Anna de Vries;1;Wat past?;'=SUM(A1)\r\n"));
    CHECK_THAT(*named.csv, Contains("Joost van Dijk;1;Wat past?;\"Zeg \"\"ja\"\", of nee\"\r\n"));

    // By chat: privately to the facilitator, even when asked in the group.
    const auto by_chat = chat.in_group("Marieke Jansen", "peiling export 1");
    CHECK_THAT(by_chat,
               Contains(">>> bot to Marieke Jansen (privé)\nUitslag van peiling #1 als CSV"));
    CHECK_THAT(by_chat, Contains("Anna de Vries;1;Wat past?;'=SUM(A1)"));
    // Only facilitators and organisers may export.
    CHECK_THAT(chat.in_group("Anna de Vries", "peiling export 1"),
               Contains("Alleen organisatoren en procesbegeleiders"));

    SECTION("an anonymous poll: aggregates only, no names, nothing below the minimum") {
        chat.in_group("Marieke Jansen", "peiling Welk thema? | Rubrics | Feedback | anoniem");
        chat.in_private("Anna de Vries", "1");
        chat.in_private("Sanne Bakker", "1");
        chat.in_private("Joost van Dijk", "2");
        // While it runs its results wait for the closing, and so does the export: exported after
        // each new answer, it would tell what that answer was.
        CHECK(poll_results_csv(*chat.store, 2, Lang::nl).error == PollExportError::not_closed);
        CHECK_THAT(chat.in_group("Marieke Jansen", "peiling export 2"),
                   Contains("Peiling #2 is anoniem en de uitslag komt pas na het sluiten"));
        const auto closed = chat.in_group("Marieke Jansen", "peiling sluiten 2");
        // Closed in the group, where the results follow: not told they are "in the group".
        CHECK_THAT(closed, Contains("is gesloten. De uitslag:"));
        CHECK_THAT(closed, !Contains("staat in de groep"));
        const auto anonymous = poll_results_csv(*chat.store, 2, Lang::en);
        REQUIRE(anonymous.csv);
        CHECK_THAT(*anonymous.csv,
                   Contains("poll;question;prompt;kind;option;count;percent;average\r\n"));
        CHECK_THAT(*anonymous.csv, Contains("2;1;Welk thema?;single;Rubrics;2;67;\r\n"));
        CHECK_THAT(*anonymous.csv, !Contains("member"));
        for (const auto* name : {"Anna", "Sanne", "Joost"}) {
            CHECK_THAT(*anonymous.csv, !Contains(name));
        }
        // A live poll shows its results in the chat while it runs (not below the minimum), but
        // its answers stay sealed: the CSV waits for the closing, and then for the minimum.
        chat.in_group("Marieke Jansen", "peiling Welke dag? | maandag | dinsdag | anoniem | live");
        chat.in_private("Anna de Vries", "1");
        chat.in_private("Sanne Bakker", "1");
        CHECK_THAT(chat.in_group("Anna de Vries", "peiling uitslag 3"),
                   Contains("pas iets vanaf 3 antwoorden"));
        chat.in_private("Joost van Dijk", "2");
        CHECK_THAT(chat.in_group("Anna de Vries", "peiling uitslag 3"), Contains("maandag"));
        CHECK(poll_results_csv(*chat.store, 3, Lang::nl).error == PollExportError::not_closed);
        chat.in_group("Marieke Jansen", "peiling sluiten 3");
        CHECK(poll_results_csv(*chat.store, 3, Lang::nl).csv);
        chat.in_group("Marieke Jansen", "peiling Welke maand? | mei | juni | anoniem | live");
        chat.in_private("Anna de Vries", "1");
        chat.in_private("Sanne Bakker", "1");
        chat.in_group("Marieke Jansen", "peiling sluiten 4");
        CHECK(poll_results_csv(*chat.store, 4, Lang::nl).error == PollExportError::too_few_answers);
        CHECK_THAT(chat.in_group("Marieke Jansen", "peiling export 4"),
                   Contains("minder dan 3 antwoorden"));
    }
}

TEST_CASE("an anonymous poll leaves nothing in the database that ties an answer to a member",
          "[polls][anonymity][sqlite]") {
    const auto path = std::filesystem::temp_directory_path() /
                      ("leernetwerk-polls-" + std::to_string(::getpid()) + ".db");
    const std::string secret = "polls-test-secret-0123456789abcdef";
    for (const auto* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path.string() + suffix);
    }
    std::set<std::string> answers = {"Ik neem de rubric mee naar groep 5",
                                     "Een vaste vorm voor de intervisie",
                                     "Meer tijd voor lesvoorbeelden"};
    std::map<Id, std::string> asked;
    {
        CapturedLog log;
        BotSettings settings;
        settings.poll_secret = secret;
        PollChat chat(path.string(), testing::demo_now(), settings);
        chat.say("evaluatie na | voor iedereen");
        const std::vector<std::pair<std::string, std::string>> people = {
            {"Anna de Vries", "Ik neem de rubric mee naar groep 5"},
            {"Sanne Bakker", "Een vaste vorm voor de intervisie"},
            {"Joost van Dijk", "Meer tijd voor lesvoorbeelden"}};
        for (const auto& [name, text] : people) {
            chat.answer_all(name, {"4", text, "2", "5", "3", "overslaan"});
            asked[chat.member_id(name)] = name;
        }
        // Anna changes a choice: her earlier answer is found and replaced, still anonymously.
        CHECK_THAT(chat.click("Anna de Vries", "poll:1:3", {"3"}),
                   Contains("Je eerdere antwoord is vervangen"));
        chat.in_group("Marieke Jansen", "peiling sluiten 1");
        // The log names no answer text.
        for (const auto& text : answers) {
            CHECK_THAT(log.lines, !Contains(text));
        }
    }

    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(path.string().c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) ==
            SQLITE_OK);
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> db(raw, sqlite3_close);
    // The knowledge base's full-text tables need their tokenizer to be read.
    storage::register_knowledge_search(db.get());
    const auto rows = [&](const std::string& sql) {
        std::vector<std::vector<std::string>> out;
        sqlite3_stmt* statement = nullptr;
        REQUIRE(sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
        while (sqlite3_step(statement) == SQLITE_ROW) {
            std::vector<std::string> row;
            for (int i = 0; i < sqlite3_column_count(statement); ++i) {
                const auto* text = sqlite3_column_text(statement, i);
                row.push_back(text ? reinterpret_cast<const char*>(text) : "");
            }
            out.push_back(std::move(row));
        }
        sqlite3_finalize(statement);
        return out;
    };

    // The answers table holds a token, the question and the value: no member, no time, and no
    // rowid whose order would tell who answered when.
    std::vector<std::string> columns;
    for (const auto& row : rows("SELECT name FROM pragma_table_info('poll_answers')")) {
        columns.push_back(row[0]);
    }
    CHECK(columns == std::vector<std::string>{"poll_id", "token", "question", "value"});
    sqlite3_stmt* rowid = nullptr;
    CHECK(sqlite3_prepare_v2(db.get(), "SELECT rowid FROM poll_answers", -1, &rowid, nullptr) !=
          SQLITE_OK);
    sqlite3_finalize(rowid);
    const auto stored = rows("SELECT token, question, value FROM poll_answers WHERE poll_id = 1");
    REQUIRE(stored.size() == 18);  // three people, six questions (one skipped each)
    std::set<std::string> tokens;
    for (const auto& row : stored) {
        tokens.insert(row[0]);
    }
    CHECK(tokens.size() == 3);
    // Respondents are counted by token; an anonymous poll keeps no member with them.
    CHECK(rows("SELECT COUNT(*) FROM poll_respondents WHERE poll_id = 1 AND member_id IS NOT NULL")
              .front()
              .front() == "0");
    CHECK(rows("SELECT COUNT(*) FROM poll_respondents WHERE poll_id = 1").front().front() == "3");

    // No other table holds a token (so nothing joins on it), and the key is nowhere.
    for (const auto& table : rows("SELECT name FROM sqlite_master WHERE type = 'table'")) {
        const auto& name = table[0];
        if (name == "poll_answers" || name == "poll_respondents" || name.rfind("sqlite_", 0) == 0) {
            continue;
        }
        for (const auto& row : rows("SELECT * FROM \"" + name + "\"")) {
            for (const auto& value : row) {
                INFO("table " << name << ": " << value);
                for (const auto& token : tokens) {
                    CHECK_THAT(value, !Contains(token));
                }
                CHECK_THAT(value, !Contains(secret));
            }
        }
    }
    std::ifstream file(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)),
                            std::istreambuf_iterator<char>());
    CHECK_THAT(bytes, !Contains(secret));

    // The outbox: an answer's text appears only in the group's results, never in a message to or
    // about a member; receipts to respondents never repeat a choice.
    for (const auto& row :
         rows("SELECT recipient_member_id, direct, content FROM outbox ORDER BY id")) {
        for (const auto& text : answers) {
            if (contains_text(row[2], text)) {
                INFO(row[2]);
                CHECK(row[0].empty());
                CHECK(row[1] == "0");
            }
        }
        if (!row[0].empty() && asked.count(std::stoll(row[0]))) {
            CHECK_THAT(row[2], !Contains("genoteerd:"));
        }
    }
    // The inbox keeps event ids and when they came: no sender, no conversation, no text.
    std::vector<std::string> inbox;
    for (const auto& row : rows("SELECT name FROM pragma_table_info('inbox')")) {
        inbox.push_back(row[0]);
    }
    CHECK(inbox == std::vector<std::string>{"platform", "event_id", "seen_at"});
    // Jobs and adapter state mention the poll, never a member or an answer.
    for (const auto& row : rows("SELECT kind, key, payload FROM jobs WHERE kind = 'poll'")) {
        CHECK((row[1] == "p1:remind" || row[1] == "p1:close"));
        CHECK(row[2].empty());
    }
    for (const auto& row : rows("SELECT key, value FROM adapter_state")) {
        for (const auto& text : answers) {
            CHECK_THAT(row[1], !Contains(text));
        }
    }
    db.reset();
    for (const auto* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path.string() + suffix);
    }
}

TEST_CASE("bad input to polls gets a clear reply and changes nothing it should not",
          "[polls][bad]") {
    PollChat chat;

    SECTION("a poll with one option, with fifty, or with none is refused with an example") {
        CHECK_THAT(chat.say("peiling Wanneer? | 12 maart"),
                   Contains("minstens twee opties (ik las er 1). Bijvoorbeeld: peiling"));
        std::string fifty = "peiling Welke dag?";
        for (int i = 1; i <= 50; ++i) {
            fifty += " | dag " + std::to_string(i);
        }
        CHECK_THAT(chat.say(fifty),
                   Contains("50 opties is te veel om op een telefoon te kiezen: hooguit 10"));
        CHECK_THAT(chat.say("peiling"),
                   Contains("Zo start je een peiling: peiling \"Welke datum past?\""));
        CHECK_THAT(chat.say("peiling Wat? | a | a"), Contains("staat er twee keer in"));
        // An option in quotes with nothing between them would be a blank line to choose.
        CHECK_THAT(chat.say("peiling Wat? | \"\" | b | c"), Contains("Een optie is leeg"));
        CHECK_THAT(chat.say("peiling Wat? | a | \"  \" | b"), Contains("Een optie is leeg"));
        CHECK_THAT(chat.say("peiling \"\" | a | b"), Contains("Zo start je een peiling"));
        CHECK_THAT(chat.say("peiling Wat? | a | b | tot vandaag 8:30"), Contains("is al voorbij"));
        CHECK_THAT(
            chat.say("peiling Wat? | a | b | tot ooit eens"),
            Contains("Ik begrijp \"ooit eens\" niet als moment. Bijvoorbeeld: tot vrijdag 17:00"));
        CHECK_THAT(chat.say("peiling Wat? | a | b | meerdere 5"),
                   Contains("een aantal van 2 tot en met 2"));
        CHECK_THAT(chat.say("evaluatie halfjaarlijks"),
                   Contains("Een evaluatie \"halfjaarlijks\" ken ik niet"));
        CHECK_THAT(chat.say("peiling Wie? | a | b | voor aanwezigen"),
                   Contains("niemand gezegd dat hij kwam"));
        CHECK(chat.store->polls_of(chat.demo.network_id).empty());
    }

    SECTION("an option that is another number than its place is refused") {
        // "4" typed would choose the fourth option, "8": options that are other numbers are not
        // taken; numbers in their own place are.
        CHECK_THAT(chat.say("peiling Hoeveel uur? | 1 | 2 | 4 | 8 | anoniem"),
                   Contains("De optie \"4\" is alleen een getal"));
        CHECK(chat.store->polls_of(chat.demo.network_id).empty());
        CHECK_THAT(chat.say("peiling Hoeveel uur? | 1 uur | 2 uur | 4 uur | 8 uur | anoniem"),
                   Contains("  3. 4 uur\n"));
        CHECK_THAT(chat.in_private("Anna de Vries", "4 uur"), Contains("ontvangen (anoniem)"));
        CHECK(chat.answers(1).front().value == "3");
        chat.as("Marieke Jansen");
        chat.say("/groep");
        CHECK_THAT(chat.say("peiling Welk cijfer? | 1 | 2 | 3"), Contains("Peiling #2 staat uit"));
        CHECK(chat.store->polls_of(chat.demo.network_id).size() == 2);
    }

    SECTION("a poll for one role, or for who came to the last meeting, asks only them") {
        const auto started = chat.say("peiling Wat? | a | b | voor workshopleiders");
        CHECK_THAT(started, Contains("Privé gevraagd aan: 1."));
        CHECK(count_of(started, "(privé)") == 1);
        CHECK_THAT(started, Contains(">>> bot to Bram de Boer (privé)"));
        // Sanne and Pieter said they came to the October meeting.
        const auto october = chat.store->meetings_of(chat.demo.network_id).front();
        REQUIRE(october.starts_at < testing::demo_now());
        chat.store->transaction([&] {
            for (const auto* name : {"Sanne Bakker", "Pieter Visser"}) {
                chat.store->set_rsvp(
                    {october.id, chat.member_id(name), RsvpAnswer::coming, "", october.created_at});
            }
            chat.store->set_rsvp({october.id, chat.member_id("Lotte Mulder"),
                                  RsvpAnswer::not_coming, "", october.created_at});
        });
        // Set A goes to who came, by default; two is fewer than the anonymous minimum (3), so
        // it could never show a result: not started, and the facilitator hears what to do.
        const auto too_few = chat.say("evaluatie na");
        CHECK_THAT(too_few, Contains("gaat naar te weinig mensen (2)"));
        CHECK_THAT(too_few, Contains("met naam"));
        CHECK(chat.store->polls_of(chat.demo.network_id).size() == 1);  // the named one above
        const auto attended = chat.say("evaluatie na | met naam");
        CHECK_THAT(attended, Contains("Privé gevraagd aan: 2."));
        CHECK_THAT(attended, Contains(">>> bot to Sanne Bakker (privé)"));
        CHECK_THAT(attended, Contains(">>> bot to Pieter Visser (privé)"));
        CHECK_THAT(attended, !Contains(">>> bot to Lotte Mulder (privé)"));
    }

    SECTION("a participant cannot start a poll and is told who can") {
        CHECK_THAT(
            chat.in_group("Anna de Vries", "peiling Wat? | a | b"),
            Contains("Alleen organisatoren en procesbegeleiders van HSN-café Feedback die werkt "
                     "kunnen peiling gebruiken. Vraag het Marieke Jansen."));
        CHECK(chat.store->polls_of(chat.demo.network_id).empty());
    }

    SECTION("answers that do not fit, forged clicks, strangers and closed polls") {
        chat.say(
            "peiling Wat kies je? | **vet** | <b>html</b> | [link](http://x.nl) | anoniem | "
            "meerdere 2");
        const Id poll = chat.newest_poll();
        REQUIRE(poll == 1);
        // Markup in options is shown as text: the question carries it escaped.
        const auto question = chat.store->outbox_in_state(Platform::console, OutboxState::sent);
        bool escaped = false;
        for (const auto& row : question) {
            if (const auto* q = std::get_if<ChoiceQuestion>(&row.message.content)) {
                escaped = q->choices.size() == 3 && q->choices[0].label == "\\*\\*vet\\*\\*" &&
                          q->choices[1].label == "\\<b\\>html\\</b\\>" &&
                          q->choices[2].label == "\\[link\\](http://x.nl)";
            }
        }
        CHECK(escaped);

        // A forged option id, a question that does not exist, an id that is not ours.
        CHECK_THAT(chat.click("Anna de Vries", "poll:1:1", {"99"}),
                   Contains("Die keuze hoort niet bij deze vraag; er is niets veranderd."));
        CHECK_THAT(chat.click("Anna de Vries", "poll:1:7", {"1"}),
                   Contains("Die keuze hoort niet bij deze vraag"));
        CHECK_THAT(chat.click("Anna de Vries", "poll:1:1", {"1", "1"}), Contains("hoort niet bij"));
        CHECK_THAT(chat.click("Anna de Vries", "poll:1:x", {"1"}),
                   Contains("Die knop hoort bij iets"));
        CHECK_THAT(chat.click("Anna de Vries", "poll:1:1", {"1", "2", "3"}),
                   Contains("hooguit 2 keuzes"));
        CHECK(chat.respondents(poll) == 0);
        // A typed answer that fits nothing is no answer.
        CHECK_THAT(chat.in_private("Anna de Vries", "stem 1 7"),
                   Contains("typ een nummer van 1 tot 3"));
        CHECK(chat.respondents(poll) == 0);
        // In the group an anonymous poll is not answered: it would show the choice to everyone.
        CHECK_THAT(chat.in_group("Anna de Vries", "stem 1 2"),
                   Contains("antwoord in je privéchat met mij"));
        CHECK(chat.respondents(poll) == 0);
        // Clicked properly: counted once; again: replaced, and the member hears so in English.
        CHECK_THAT(chat.click("Anna de Vries", "poll:1:1", {"1", "3"}),
                   Contains("ontvangen (anoniem)"));
        chat.in_private("Anna de Vries", "taal en");
        CHECK_THAT(chat.click("Anna de Vries", "poll:1:1", {"2"}),
                   Contains("Your earlier answer is replaced by this new one."));
        CHECK(chat.respondents(poll) == 1);
        CHECK(chat.answers(poll).front().value == "2");

        // Someone of another network.
        Member kees;
        kees.display_name = "Kees Kok";
        kees.created_at = testing::demo_now();
        chat.store->transaction([&] {
            Network other;
            other.name = "Ander netwerk";
            other.created_at = testing::demo_now();
            const auto other_id = chat.store->create_network(other);
            kees.id = chat.store->create_member(kees);
            chat.store->link_identity(
                {Platform::console, "member-" + std::to_string(kees.id), kees.id});
            chat.store->add_membership({other_id, kees.id, Role::participant, kees.created_at});
        });
        CHECK_THAT(chat.click("Kees Kok", "poll:1:1", {"1"}), Contains("Peiling #1 ken ik niet."));
        CHECK_THAT(chat.in_private("Kees Kok", "stem 1 1"), Contains("Peiling #1 ken ik niet."));
        CHECK(chat.respondents(poll) == 1);

        // Closed early: no more answers.
        chat.in_group("Marieke Jansen", "peiling sluiten 1");
        CHECK_THAT(chat.click("Sanne Bakker", "poll:1:1", {"1"}), Contains("is gesloten"));
        CHECK(chat.respondents(poll) == 1);
        CHECK_THAT(chat.in_group("Marieke Jansen", "peiling sluiten 1"),
                   Contains("is al gesloten"));
    }

    SECTION("the minimum for anonymous results is the network's to set, within reason") {
        CHECK_THAT(chat.say("peiling drempel 1"), Contains("kies een getal van 2 tot en met 20"));
        CHECK_THAT(chat.say("peiling drempel veel"),
                   Contains("kies een getal van 2 tot en met 20"));
        CHECK_THAT(chat.say("peiling drempel 4"), Contains("voortaan te zien vanaf 4 antwoorden"));
        chat.say("evaluatie energie");
        chat.in_private("Anna de Vries", "3");
        chat.in_private("Sanne Bakker", "3");
        chat.in_private("Joost van Dijk", "3");
        const auto closed = chat.in_group("Marieke Jansen", "peiling sluiten 1");
        CHECK_THAT(closed, Contains("pas iets vanaf 4 antwoorden"));
        CHECK_THAT(closed, !Contains("3,0"));
    }
}

TEST_CASE("every question set exists in Dutch and English and starts with one command",
          "[polls][templates]") {
    PollChat chat;
    const std::vector<std::pair<std::string, std::size_t>> nl = {
        {"na", 6},    {"tussentijds", 13}, {"eind", 11},  {"intake", 8},
        {"start", 7}, {"terugkom", 3},     {"energie", 1}};
    for (const auto& [word, count] : nl) {
        INFO(word);
        CHECK_THAT(chat.say("evaluatie " + word + " | voor iedereen"),
                   Contains("Anonieme evaluatie"));
    }
    chat.say("/prive");
    chat.say("taal en");
    for (const auto* word : {"after", "midterm", "end", "intake", "kickoff", "reunion", "energy"}) {
        INFO(word);
        CHECK_THAT(chat.say(std::string("evaluation ") + word + " | for everyone"),
                   Contains("Anonymous evaluation"));
    }
    const auto polls = chat.store->polls_of(chat.demo.network_id);
    REQUIRE(polls.size() == 14);
    for (const auto& poll : polls) {
        for (const auto& question : poll.questions) {
            INFO(poll.template_code << ": " << question.prompt);
            CHECK_FALSE(question.prompt.empty());
            CHECK(question.prompt.front() != '[');
            CHECK(question.label.front() != '[');
            for (const auto& option : question.options) {
                CHECK(option.front() != '[');
            }
        }
    }
    // Sizes as in DOMAIN.md §5.3 (A4 and B12 are two questions each).
    for (std::size_t i = 0; i < nl.size(); ++i) {
        CHECK(polls[polls.size() - 1 - i].questions.size() == nl[i].second);
    }
    // B7 and C6 are yes / partly / no.
    const auto& midterm = polls[polls.size() - 2];
    CHECK(midterm.questions[6].options == std::vector<std::string>{"Ja", "Deels", "Nee"});
    CHECK(polls[polls.size() - 3].questions[5].kind == PollQuestion::Kind::single);
    CHECK_THAT(chat.say("help evaluation"), Contains("midterm"));
    CHECK_THAT(chat.say("help poll"), Contains("multiple"));
}

TEST_CASE("the harvest reports the year's evaluations, anonymously and from the minimum on",
          "[polls][harvest]") {
    PollChat chat;
    chat.say("evaluatie tussentijds");
    chat.answer_all("Anna de Vries", midterm_answers(4, "Het delen van lesvoorbeelden", "Minder"));
    chat.answer_all("Sanne Bakker", midterm_answers(3, "De <b>sfeer</b>", "Meer tijd"));
    chat.answer_all("Joost van Dijk", midterm_answers(5, "Samen oefenen", "Kortere pauze"));
    chat.in_group("Marieke Jansen", "peiling sluiten 1");
    chat.say("evaluatie energie");
    chat.answer_all("Anna de Vries", {"4"});
    chat.in_group("Marieke Jansen", "peiling sluiten 2");
    // After a meeting: three answered, but only Anna wrote what she takes back.
    chat.say("evaluatie na | voor iedereen");
    chat.answer_all("Anna de Vries", {"4", "Alleen Anna schreef dit", "2", "5", "3", "overslaan"});
    for (const auto* name : {"Sanne Bakker", "Joost van Dijk"}) {
        chat.answer_all(name,
                        {"4", "overslaan", "overslaan", "overslaan", "overslaan", "overslaan"});
    }
    chat.in_group("Marieke Jansen", "peiling sluiten 3");

    const auto harvest = chat.in_group("Marieke Jansen", "oogst");
    CHECK_THAT(harvest, Contains("Evaluaties"));
    CHECK_THAT(
        harvest,
        Contains("Tussentijdse evaluatie, afgesloten woensdag 2 december 2026: 3 van 10 gaven "
                 "antwoord"));
    CHECK_THAT(harvest, Contains("- Inhoud (1–5): 4,0 (n=3)"));
    CHECK_THAT(harvest, Contains("- Doel in zicht?: Ja 0 (0%), Deels 3 (100%), Nee 0 (0%)"));
    // The open answers, under their question (the console shows nested lists flat).
    CHECK_THAT(harvest, Contains("- Tops\n"));
    CHECK_THAT(harvest, Contains("- Het delen van lesvoorbeelden\n"));
    CHECK_THAT(harvest, Contains("- De <b>sfeer</b>\n"));  // as typed, not as markup
    CHECK_THAT(harvest, Contains("- Tips\n"));
    // In the order they ran.
    CHECK(harvest.find("Tussentijdse evaluatie, afgesloten") <
          harvest.find("Energiecheck, afgesloten"));
    // One answer to the energy check is too few to show anything.
    CHECK_THAT(
        harvest,
        Contains("Energiecheck, afgesloten woensdag 2 december 2026: 1 van 10 gaven antwoord"));
    CHECK_THAT(harvest, Contains("Te weinig antwoorden om uitkomsten te tonen (minimaal 3)"));
    for (const auto* name : {"Anna", "Sanne", "Joost"}) {
        CHECK_THAT(harvest.substr(harvest.find("Evaluaties")), !Contains(name));
    }
    // A question too few answered shows only how many did.
    CHECK_THAT(harvest, Contains("- Waardering (1–5): 4,0 (n=3)"));
    CHECK_THAT(harvest,
               Contains("- Wat neem je mee?: 1 antwoord: te weinig om te tonen (vanaf 3)"));
    CHECK_THAT(harvest, !Contains("Alleen Anna schreef dit"));

    const auto network = chat.store->network(chat.demo.network_id);
    const auto html = harvest_html(*chat.store, *network, 2026, Lang::nl);
    CHECK_THAT(html, Contains("<h2>Evaluaties</h2>"));
    CHECK_THAT(html, Contains("<li><strong>Inhoud (1–5)</strong>: 4,0 (n=3)</li>"));
    CHECK_THAT(html, Contains("<li>De &lt;b&gt;sfeer&lt;/b&gt;</li>"));
    CHECK_THAT(
        html, Contains("<p>Te weinig antwoorden om uitkomsten te tonen (minimaal 3), zodat niemand "
                       "herkenbaar is.</p>"));
    // An earlier school year has none.
    CHECK_THAT(harvest_markdown(*chat.store, *network, 2025, Lang::nl, DocumentStyle::markdown),
               Contains("## Evaluaties\n\nDit schooljaar is er geen evaluatie afgesloten."));
}

TEST_CASE("an anonymous question that few answered shows nothing, even when the poll has enough",
          "[polls][anonymity][minimum]") {
    // Three answered the evaluation, but two skipped everything after the first question: the
    // poll has its three answers, yet what Anna alone gave must not show (Sanne and Joost would
    // know it was hers).
    PollChat chat;
    chat.say("evaluatie na | voor iedereen");
    chat.answer_all("Anna de Vries", {"4", "Alleen Anna schreef dit", "2", "5", "3", "overslaan"});
    for (const auto* name : {"Sanne Bakker", "Joost van Dijk"}) {
        chat.answer_all(name,
                        {"4", "overslaan", "overslaan", "overslaan", "overslaan", "overslaan"});
    }
    const auto closed = chat.in_group("Marieke Jansen", "peiling sluiten 1");
    INFO(closed);
    const auto sent = newest_summary(*chat.store, "");
    REQUIRE(sent);
    const auto rating = bar_of(*sent, "Waardering (1–5)");
    REQUIRE(rating);
    CHECK(rating->value == 4.0);
    CHECK(rating->display == "4,0 (n=3)");
    CHECK_THAT(closed, Contains("Halen                    1 antwoord: te weinig om te tonen (vanaf 3)"));
    CHECK_THAT(closed, Contains("Wat neem je mee?         1 antwoord: te weinig om te tonen (vanaf 3)"));
    CHECK_THAT(closed, !Contains("n=1"));
    CHECK_THAT(closed, !Contains("Er zit beweging in"));
    CHECK_THAT(closed, !Contains("Alleen Anna schreef dit"));
    // Asked again later, and in the CSV: the same.
    CHECK_THAT(chat.in_group("Anna de Vries", "peiling uitslag 1"), !Contains("Alleen Anna"));
    const auto csv = poll_results_csv(*chat.store, 1, Lang::nl);
    REQUIRE(csv.csv);
    CHECK_THAT(*csv.csv,
               Contains("1;1;Hoe waardevol was deze bijeenkomst voor jou?;rating;4;3;100;\r\n"));
    CHECK_THAT(*csv.csv, Contains("1;4;Heb je iets kunnen halen?;rating;;1;;\r\n"));
    CHECK_THAT(*csv.csv, !Contains("Alleen Anna schreef dit"));
    CHECK_THAT(*csv.csv, !Contains("Er zit beweging in"));
    CHECK_THAT(*csv.csv, !Contains("\"5,0\""));  // the average of Anna alone
}

TEST_CASE("with two polls open a bare number is not guessed into one of them", "[polls][typed]") {
    PollChat chat;
    chat.say("peiling Welke dag? | maandag | dinsdag | anoniem");
    chat.say("peiling Welke tijd? | 15:00 | 16:00 | 17:00 | anoniem");
    // Anna reads the first question and types "1": it could be either poll's.
    const auto which = chat.in_private("Anna de Vries", "1");
    CHECK_THAT(
        which,
        Contains("Er staan meer peilingen voor je open: #2 (Welke tijd?) en #1 (Welke dag?)"));
    CHECK_THAT(which, Contains("Er is nog niets opgeslagen."));
    CHECK(chat.respondents(1) == 0);
    CHECK(chat.respondents(2) == 0);
    // Text that answers nothing is still ordinary text.
    CHECK_THAT(chat.say("hoe gaat het"), !Contains("Er staan meer peilingen"));
    // Named by number it is clear; then only the other poll waits, and "3" is for it.
    CHECK_THAT(chat.say("stem 1 2"), Contains("ontvangen (anoniem)"));
    CHECK(chat.respondents(1) == 1);
    CHECK_THAT(chat.say("3"), Contains("Welke tijd?\n-> Dank je, ontvangen (anoniem)."));
    CHECK(chat.respondents(2) == 1);
    // Both answered: a new number could replace either answer, so she is asked again.
    CHECK_THAT(chat.say("1"), Contains("Er staan meer peilingen voor je open"));
    CHECK(chat.answers(1).front().value == "2");
    CHECK(chat.answers(2).front().value == "3");
}

TEST_CASE("the receipt of an anonymous skip does not tell it from an answer",
          "[polls][anonymity][skip]") {
    // The receipts stay in the outbox under the member's name for weeks. Had Anna's said
    // "Overgeslagen" at question 2, the one token with an empty second answer would be hers, and
    // with it every answer she gave.
    PollChat chat;
    chat.say("evaluatie na | voor iedereen");
    chat.answer_all("Anna de Vries", {"4", "overslaan", "2", "5", "3", "Meer lesvoorbeelden"});
    chat.answer_all("Sanne Bakker", {"3", "De rubric", "1", "4", "4", "Tijd"});
    chat.answer_all("Joost van Dijk", {"5", "Feedbackvormen", "3", "3", "2", "Koffie"});
    const auto anna = chat.member_id("Anna de Vries");
    std::vector<std::string> receipts;
    for (const auto& row : chat.store->outbox_in_state(Platform::console, OutboxState::sent)) {
        if (row.message.recipient_member_id != anna) {
            continue;
        }
        if (const auto* text = std::get_if<TextContent>(&row.message.content)) {
            receipts.push_back(text->markdown);
        } else if (const auto* question = std::get_if<ChoiceQuestion>(&row.message.content)) {
            receipts.push_back(question->closed_note);
        }
    }
    CHECK(count_of(std::accumulate(receipts.begin(), receipts.end(), std::string()),
                   "Dank je, ontvangen (anoniem).") == 6);
    for (const auto& receipt : receipts) {
        CHECK_THAT(receipt, !Contains("Overgeslagen"));
        // A skip is not called a saved answer either (issue 14, point 29).
        CHECK_THAT(receipt, !Contains("je antwoord is opgeslagen"));
    }
    // A named poll may say so: its answers carry the name anyway.
    chat.in_group("Marieke Jansen", "peiling Wat? | a | b");
    CHECK_THAT(chat.in_private("Anna de Vries", "overslaan"), Contains("Overgeslagen."));
}

TEST_CASE("an anonymous poll for fewer people than its minimum is not started, and says why",
          "[polls][minimum]") {
    PollChat chat;
    // Only Bram is a workshop leader: one answer can never show under a minimum of 3.
    const auto refused = chat.say("peiling Wat? | a | b | voor workshopleiders | anoniem");
    CHECK_THAT(refused, Contains("gaat naar te weinig mensen (1)"));
    CHECK_THAT(refused, Contains("Kies: voor iedereen in plaats van de rol, met naam,"));
    CHECK_THAT(refused, Contains("peiling drempel 2"));
    CHECK_THAT(refused, !Contains(">>> bot to Bram de Boer (privé)"));
    CHECK(chat.store->polls_of(chat.demo.network_id).empty());
    // Named, the same poll goes out; and so does an anonymous one for everyone.
    CHECK_THAT(chat.say("peiling Wat? | a | b | voor workshopleiders"),
               Contains("Privé gevraagd aan: 1."));
    CHECK_THAT(chat.say("peiling Wat? | a | b | anoniem"), Contains("Privé gevraagd aan: 10."));
}

TEST_CASE("the evaluation after a meeting names its own poll number, and is not started for too "
          "few",
          "[polls][after-meeting]") {
    SECTION("the group hears the poll's number, not the meeting's") {
        PollChat chat;
        // The February meeting (the demo's second) is on Tuesday 9 February at 15:30; the
        // evaluation starts the next afternoon, the network's first poll.
        const auto day_after = chat.say("/tijd 2027-02-10 16:00");
        CHECK_THAT(day_after,
                   Contains("Ik heb iedereen privé een korte, anonieme evaluatie gestuurd "
                            "(peiling #1)"));
        CHECK_THAT(day_after, !Contains("(peiling #2)"));
        REQUIRE(chat.store->polls_of(chat.demo.network_id).size() == 1);
        CHECK(chat.store->polls_of(chat.demo.network_id).front().id == 1);
    }
    SECTION("a network smaller than the anonymous minimum gets no evaluation, and its "
            "facilitator hears why") {
        PollChat chat;
        chat.say("peiling drempel 12");
        const auto day_after = chat.say("/tijd 2027-02-10 16:00");
        CHECK_THAT(day_after,
                   Contains(">>> bot to Marieke Jansen (privé)\nDe evaluatie na de bijeenkomst "
                            "van HSN-café Feedback die werkt heb ik niet gestart: er zijn maar 10 "
                            "leden"));
        CHECK_THAT(day_after, Contains("Typ evaluatie na | met naam"));
        CHECK(chat.store->polls_of(chat.demo.network_id).empty());
    }
}

TEST_CASE("an anonymous poll opened by an earlier version moves its answers into sealed ballots",
          "[polls][anonymity][upgrade]") {
    PollChat chat;
    chat.say("evaluatie na | voor iedereen");
    const auto poll = chat.newest_poll();
    // As an earlier version left it: no ballots, Anna's first answer in the clear under her token.
    const auto anna = chat.member_id("Anna de Vries");
    const auto token = respondent_token(chat.bot.settings(), poll, anna);
    chat.store->transaction([&] {
        chat.store->replace_poll_ballots(poll, {});
        chat.store->add_poll_respondent(poll, token, std::nullopt);
        chat.store->set_poll_answer(poll, {token, 0, "4"});
    });
    // Her next line answers question 2: the earlier answer was found, now in her ballot.
    CHECK_THAT(chat.in_private("Anna de Vries", "Meer lesvoorbeelden"),
               Contains("ontvangen (anoniem)"));
    CHECK(chat.store->poll_respondents(poll).empty());
    CHECK(chat.store->poll_answers(poll).empty());
    CHECK(chat.store->poll_ballots(poll).size() == 10);  // every invitee's, sealed
    CHECK(chat.respondents(poll) == 1);
    // Counted at the closing: both answers, under one label that is not her token.
    chat.in_group("Marieke Jansen", "peiling sluiten 1");
    const auto counted = chat.store->poll_answers(poll);
    REQUIRE(counted.size() == 2);
    CHECK(counted[0].token == counted[1].token);
    CHECK(counted[0].token != token);
    CHECK(counted[0].value == "4");
    CHECK(counted[1].value == "Meer lesvoorbeelden");
    CHECK(chat.store->poll_ballots(poll).empty());
}

TEST_CASE("a poll's default deadline falls on a school day, not on a Saturday",
          "[polls][deadline]") {
    PollChat chat;  // Wednesday 2 December 2026: three days on is a Saturday
    const auto started = chat.say("peiling \"Welke datum past?\" | 12 maart | 19 maart");
    CHECK_THAT(started, Contains("tot ma 7 dec 2026 17:00"));
    CHECK_THAT(started, !Contains("za 5 dec"));
    const auto poll = chat.store->poll(chat.newest_poll());
    REQUIRE(poll);
    CHECK(poll->deadline == utc(2026, 12, 7, 16));  // 17:00 in Amsterdam
}

TEST_CASE("the midterm evaluation's scales fit on one line each and a typed number answers them",
          "[polls][evaluation][render]") {
    PollChat chat;
    const auto started = chat.say("evaluatie tussentijds");
    // DOMAIN.md §5.3 set B: B1–B11 and tops/tips, 13 questions; each scale is one short line.
    CHECK_THAT(started, Contains("13 korte vragen"));
    CHECK_THAT(started, Contains("Vraag 1/13: Sluit de inhoud aan bij jouw leervraag?\n"
                                 "  1 · 2 · 3 · 4 · 5 (1 = helemaal niet, 5 = helemaal wel)\n"));
    const auto asked = chat.in_private("Anna de Vries", "4");
    CHECK_THAT(asked, Contains("Vraag 2/13"));
    CHECK_THAT(asked, Contains("\n  1 · 2 · 3 · 4 · 5 (1 = helemaal niet, 5 = helemaal wel)\n"));
    CHECK_THAT(asked, !Contains("1. 1"));
    CHECK_THAT(asked, !Contains("5. 5"));
}

TEST_CASE("a poll understands every anonymous and named word the bot knows",
          "[polls][anonymous][arguments]") {
    // "verborgen" and "zonder naam" were understood by agenda items only, "anon" by questions
    // only; "with name" is new. They are keywords here now, never options.
    PollChat chat;
    SECTION("anonymous") {
        const auto* word = GENERATE("verborgen", "Zonder naam", "anon", "hide my name");
        INFO(word);
        const auto started =
            chat.say(std::string("peiling Welke dag? | maandag | dinsdag | ") + word);
        CHECK_THAT(started, Contains("Privé gevraagd aan: 10."));
        const auto polls = chat.store->polls_of(chat.demo.network_id);
        REQUIRE(polls.size() == 1);
        CHECK(polls[0].anonymous);
        CHECK(polls[0].questions.at(0).options == std::vector<std::string>{"maandag", "dinsdag"});
    }
    SECTION("named: an evaluation is anonymous unless told otherwise") {
        const auto* word = GENERATE("met mijn naam", "with name", "named");
        INFO(word);
        chat.say(std::string("evaluatie energie | ") + word);
        const auto polls = chat.store->polls_of(chat.demo.network_id);
        REQUIRE(polls.size() == 1);
        CHECK_FALSE(polls[0].anonymous);
    }
}
