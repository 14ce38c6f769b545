// "Wat bewaar ik?": a member sees what the bot keeps about them, gets all of it, and can have it
// erased; what is erased is gone from the database file too.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>
#include <string>

#include <sqlite3.h>

#include "support/console_fixture.hpp"

using namespace leernetwerk;
using Catch::Matchers::Contains;

namespace {

/// Counts rows of a query on a database file, outside the store.
int count_rows(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK);
    REQUIRE(sqlite3_step(stmt) == SQLITE_ROW);
    const int count = sqlite3_column_int(stmt, 0);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return count;
}

struct TempFile {
    std::string path = (std::filesystem::temp_directory_path() /
                        ("leernetwerk-privacy-" + std::to_string(::getpid()) + ".db"))
                           .string();
    ~TempFile() {
        for (const auto* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(path + suffix);
        }
    }
};

}  // namespace

TEST_CASE("a member sees what the bot keeps about them, and all of it on request",
          "[privacy][conversation]") {
    leernetwerk::testing::ConsoleFixture chat;
    chat.as("Anna de Vries");
    chat.say("ik kan niet ouderavond op school");

    const auto overview = chat.say("mijn gegevens");
    CHECK_THAT(overview, Contains("Wat ik over je bewaar"));
    CHECK_THAT(overview, Contains("Naam: Anna de Vries"));
    CHECK_THAT(overview, Contains("School: CBS De Regenboog"));
    CHECK_THAT(overview, Contains("Expertise: rekenen, groep 5-6"));
    CHECK_THAT(overview, Contains("console (de testomgeving op de server): member-"));
    CHECK_THAT(overview, Contains("HSN-café Feedback die werkt: deelnemer, sinds"));
    CHECK_THAT(overview, Contains("1 aanmelding of afmelding"));
    CHECK_THAT(overview, Contains("mijn gegevens export"));
    CHECK_THAT(overview, !Contains("ouderavond"));  // the overview counts; the export shows

    const auto everything = chat.say("mijn gegevens export");
    CHECK_THAT(everything, Contains("Alles wat ik over je bewaar"));
    CHECK_THAT(everything, Contains("ik kan niet (ouderavond op school)"));

    chat.as("Bram de Boer");
    CHECK_THAT(chat.say("mijn gegevens export"), Contains("Bijeenkomsten die je voorbereidt"));

    chat.as("Anna de Vries");
    chat.say("/prive");
    chat.say("taal en");
    const auto english = chat.say("my data");
    CHECK_THAT(english, Contains("What I keep about you"));
    CHECK_THAT(english, Contains("Language: English"));  // a name, not a code
    CHECK_THAT(chat.say("my data everything please"), Contains("Type my data for an overview"));
}

TEST_CASE("someone the bot does not know is told nothing is kept", "[privacy]") {
    leernetwerk::testing::ConsoleFixture chat;
    for (const std::string text : {"mijn gegevens", "vergeet mij"}) {
        InboundEvent event;
        event.event_id = "stranger-" + text;
        event.conversation = {Platform::console, "console", Conversation::Kind::group, ""};
        event.sender.user_id = "iemand-anders";
        event.text = text;
        const auto handled = chat.bot.handle(event, leernetwerk::testing::demo_now());
        REQUIRE(handled);
        REQUIRE(handled->message_ids.size() == 1);
        const auto row = chat.store->outbox_row(handled->message_ids.front());
        REQUIRE(row);
        CHECK_THAT(std::get<TextContent>(row->message.content).markdown,
                   Contains("ik bewaar niets over je"));
    }
}

TEST_CASE("forget me erases a member after they confirm, and only then", "[privacy][sqlite]") {
    TempFile file;
    {
        leernetwerk::testing::ConsoleFixture chat(file.path);
        chat.as("Anna de Vries");
        chat.say("ik kan niet ouderavond");
        chat.say("expertise rekenen, breuken");
        const auto anna = chat.store->members();
        Id anna_id = 0;
        for (const auto& member : anna) {
            if (member.display_name == "Anna de Vries") {
                anna_id = member.id;
            }
        }
        REQUIRE(anna_id != 0);

        SECTION("no keeps everything") {
            const auto question = chat.say("vergeet mij");
            CHECK_THAT(question, Contains("Wil je dat ik alles over je wis?"));
            CHECK_THAT(chat.say("nee"), Contains("ik heb niets gewist"));
            CHECK(chat.store->member(anna_id).has_value());
        }
        SECTION("an unanswered question expires after a day and erases nothing") {
            chat.say("vergeet mij");
            const auto later = chat.say("/tijd 2026-12-03 10:00");
            CHECK_THAT(later, Contains("niet binnen een dag bevestigd"));
            CHECK(chat.store->member(anna_id).has_value());
            CHECK_THAT(chat.say("ja"), Contains("niets open om te bevestigen"));
            CHECK(chat.store->member(anna_id).has_value());
        }
        SECTION("someone else cannot confirm it") {
            chat.say("vergeet mij");
            const auto pending = chat.store->pending_of_member(anna_id);
            REQUIRE(pending.size() == 1);
            chat.as("Bram de Boer");
            InboundEvent click;
            click.kind = InboundEvent::Kind::action;
            click.event_id = "forged-click";
            click.conversation = {Platform::console, "console", Conversation::Kind::group, ""};
            click.sender.user_id = "member-2";
            click.action.action_id = "confirm:" + std::to_string(pending.front().id);
            click.action.choice_ids = {"ja"};
            REQUIRE(chat.bot.handle(click, leernetwerk::testing::demo_now()));
            CHECK(chat.store->member(anna_id).has_value());
        }
        SECTION("yes erases everything about them") {
            chat.say("vergeet mij");
            CHECK_THAT(chat.say("ja"), Contains("ik heb alles over je gewist"));
            CHECK_FALSE(chat.store->member(anna_id).has_value());
            // Anna is a stranger now; the rest of the network goes on without her.
            CHECK_THAT(chat.say("bijeenkomsten"), Contains("Ik ken je nog niet"));
            chat.as("Marieke Jansen");
            CHECK_THAT(chat.say("leden"), !Contains("Anna"));
            CHECK_THAT(chat.say("wie komt 3"), !Contains("Anna"));
        }
    }
    const bool erased = count_rows(file.path,
                                   "SELECT count(*) FROM members WHERE "
                                   "display_name = 'Anna de Vries'") == 0;
    if (erased) {
        // Nothing in the file still carries her: no account, no answer, no message to her alone.
        CHECK(count_rows(file.path,
                         "SELECT count(*) FROM identities i LEFT JOIN members m "
                         "ON m.id = i.member_id WHERE m.id IS NULL") == 0);
        CHECK(count_rows(file.path,
                         "SELECT count(*) FROM rsvps WHERE reason LIKE '%ouderavond%'") == 0);
        CHECK(count_rows(file.path,
                         "SELECT count(*) FROM member_expertise WHERE tag = 'breuken'") == 0);
        CHECK(count_rows(file.path,
                         "SELECT count(*) FROM outbox WHERE content LIKE "
                         "'%ouderavond%' OR content LIKE '%Wil je dat ik alles%'") == 0);
    }
}

TEST_CASE("my data lists agenda items, dots and named poll answers; forget me erases them",
          "[privacy][polls][agenda][sqlite]") {
    TempFile file;
    Id anna_id = 0;
    {
        BotSettings settings;
        settings.poll_secret = "privacy-test-secret-0123456789";
        leernetwerk::testing::ConsoleFixture chat(file.path, leernetwerk::testing::demo_now(),
                                                  settings);
        for (const auto& member : chat.store->members()) {
            if (member.display_name == "Anna de Vries") {
                anna_id = member.id;
            }
        }
        REQUIRE(anna_id != 0);
        chat.say("peiling Welke dag past? | maandag | dinsdag");         // named: poll #1
        chat.say("peiling Welk thema? | rubrics | feedback | anoniem");  // anonymous: #2
        chat.as("Anna de Vries");
        chat.say("agendapunt Breuken in groep 5 | ik leid in");
        chat.say("agendapunt Een lastige ouder | anoniem");
        chat.say("/prive");
        chat.say("stem 1 dinsdag");
        chat.say("stem 2 feedback");
        chat.as("Marieke Jansen");
        chat.say("/groep");
        chat.say("peiling Wat neem je mee? | open");  // named, open text: #3
        // Typed on a phone, over two lines: in the export it stays one list item.
        InboundEvent typed;
        typed.kind = InboundEvent::Kind::message;
        typed.event_id = "two-lines";
        typed.conversation = {Platform::console, "console-dm-" + std::to_string(anna_id),
                              Conversation::Kind::direct, ""};
        typed.sender.user_id = "member-" + std::to_string(anna_id);
        typed.text = "stem 3 De rubric\n- en de kijkwijzer";
        REQUIRE(chat.bot.handle(typed, leernetwerk::testing::demo_now()));
        chat.say("agenda stemmen");
        chat.as("Anna de Vries");
        chat.say("stip 1 1");

        const auto overview = chat.say("mijn gegevens");
        CHECK_THAT(overview, Contains("2 agendapunten, stippen op 1 punt, 2 antwoorden in "
                                      "peilingen met naam, 3 open peilingen voor jou"));
        const auto all = chat.say("mijn gegevens export");
        CHECK_THAT(all, Contains("Agendapunten die je inbracht"));
        CHECK_THAT(all,
                   Contains("- HSN-café Feedback die werkt: #1 Breuken in groep 5 (voorgesteld)"));
        CHECK_THAT(all,
                   Contains("- HSN-café Feedback die werkt: #2 Een lastige ouder (voorgesteld) "
                            "(naam verborgen)"));
        CHECK_THAT(all, Contains("- HSN-café Feedback die werkt: 2 op #1"));
        CHECK_THAT(all,
                   Contains("- HSN-café Feedback die werkt, peiling #1 (Welke dag past?), vraag 1: "
                            "dinsdag"));
        CHECK_THAT(
            all, Contains("peiling #3 (Wat neem je mee?), vraag 1: De rubric - en de kijkwijzer"));
        CHECK_THAT(all, Contains("Open peilingen waarvoor je gevraagd bent"));
        CHECK_THAT(all, Contains("peiling #2 (Welk thema?), tot"));
        // Her anonymous answer is hers alone: not even her own export can find it.
        CHECK_THAT(all, !Contains("vraag 1: feedback"));
        // Another member's data does not show Anna's hidden item.
        chat.as("Sanne Bakker");
        CHECK_THAT(chat.say("mijn gegevens export"), !Contains("lastige ouder"));

        chat.as("Anna de Vries");
        chat.say("vergeet mij");
        CHECK_THAT(chat.say("ja"), Contains("ik heb alles over je gewist"));
        // The named poll goes on without her answer; the anonymous one keeps its total.
        CHECK(chat.respondents(1) == 0);
        CHECK(chat.answers(1).empty());
        CHECK(chat.respondents(2) == 1);
    }
    const auto id = std::to_string(anna_id);
    CHECK(count_rows(file.path, "SELECT count(*) FROM poll_respondents WHERE member_id = " + id) ==
          0);
    CHECK(count_rows(file.path, "SELECT count(*) FROM poll_answers WHERE poll_id IN (1, 3)") == 0);
    CHECK(count_rows(file.path, "SELECT count(*) FROM poll_invitees WHERE member_id = " + id) == 0);
    CHECK(count_rows(file.path, "SELECT count(*) FROM agenda_submitters WHERE member_id = " + id) ==
          0);
    CHECK(count_rows(file.path, "SELECT count(*) FROM agenda_dots WHERE member_id = " + id) == 0);
    CHECK(count_rows(file.path,
                     "SELECT count(*) FROM outbox WHERE content LIKE '%dinsdag%' AND "
                     "content LIKE '%genoteerd%'") == 0);
}

TEST_CASE("my data lists questions, answers and knowledge; forget me leaves them nameless",
          "[privacy][questions][knowledge][sqlite]") {
    TempFile file;
    Id marieke_id = 0;
    Id anna_id = 0;
    {
        leernetwerk::testing::ConsoleFixture chat(file.path);
        for (const auto& member : chat.store->members()) {
            marieke_id = member.display_name == "Marieke Jansen" ? member.id : marieke_id;
            anna_id = member.display_name == "Anna de Vries" ? member.id : anna_id;
        }
        chat.as("Anna de Vries");
        chat.say("/prive");  // asked anonymously: not in front of the group
        CHECK_THAT(chat.say("vraag anoniem Hoe geven jullie feedback op rekenwerk?"),
                   Contains("Je vraag #1 staat in"));
        chat.say("vraag Wie heeft een goede rubric voor begrijpend lezen?");
        chat.as("Marieke Jansen");
        chat.say("antwoord 1 Met rubrics en een kleurcode per criterium.");
        chat.as("Anna de Vries");
        chat.say("nuttig 1 1");
        chat.as("Marieke Jansen");
        CHECK_THAT(chat.say("ja met naam"), Contains("staat in de kennisbank, met je naam"));
        chat.say("pauze 2 weken");

        chat.as("Anna de Vries");
        const auto anna = chat.say("mijn gegevens export");
        CHECK_THAT(anna, Contains("Je vragen aan het netwerk"));
        CHECK_THAT(
            anna, Contains("vraag #1: Hoe geven jullie feedback op rekenwerk? (beantwoord; anoniem "
                           "gesteld: alleen jij en ik weten dat hij van jou is)"));
        CHECK_THAT(anna,
                   Contains("vraag #2: Wie heeft een goede rubric voor begrijpend lezen? (open)"));
        chat.as("Marieke Jansen");
        const auto marieke = chat.say("mijn gegevens export");
        // Not Anna's anonymous question: Marieke only answered it.
        CHECK_THAT(marieke, !Contains("anoniem gesteld"));
        CHECK_THAT(marieke, Contains("Je antwoorden op vragen"));
        CHECK_THAT(marieke,
                   Contains("vraag #1 (Hoe geven jullie feedback op rekenwerk?): Met rubrics"));
        CHECK_THAT(marieke, Contains("Wat je aan de kennisbank gaf"));
        CHECK_THAT(marieke, Contains(": #1 Hoe geven jullie feedback op rekenwerk? (active)"));
        CHECK_THAT(marieke, Contains("Je krijgt tot "));
        CHECK_THAT(chat.say("mijn gegevens"), Contains("1 antwoord gegeven, 1 bijdrage aan de "
                                                       "kennisbank"));

        const auto question = chat.say("vergeet mij");
        CHECK_THAT(question, Contains("blijven staan zonder je naam"));
        CHECK_THAT(chat.say("ja"), Contains("ik heb alles over je gewist"));
        // What she gave stays for the others, without her name.
        chat.as("Anna de Vries");
        const auto thread = chat.say("vraag 1");
        CHECK_THAT(thread, Contains("Met rubrics en een kleurcode per criterium."));
        CHECK_THAT(thread, !Contains("Marieke"));
        const auto found = chat.say("zoek rubrics kleurcode");
        CHECK_THAT(found, Contains("Hoe geven jullie feedback op rekenwerk?"));
        CHECK_THAT(found, !Contains("Marieke"));
    }
    const auto id = std::to_string(marieke_id);
    CHECK(count_rows(file.path, "SELECT count(*) FROM answers WHERE author_member_id IS NULL") ==
          1);
    CHECK(count_rows(file.path, "SELECT count(*) FROM answers WHERE author_member_id = " + id) ==
          0);
    CHECK(count_rows(file.path,
                     "SELECT count(*) FROM knowledge_entries WHERE author_member_id = " + id) == 0);
    CHECK(count_rows(file.path, "SELECT count(*) FROM question_routes WHERE member_id = " + id) ==
          0);
    CHECK(count_rows(file.path, "SELECT count(*) FROM member_pauses WHERE member_id = " + id) == 0);
    CHECK(count_rows(file.path, "SELECT count(*) FROM questions WHERE asker_member_id = " +
                                    std::to_string(anna_id)) == 2);
}

TEST_CASE("on Teams, 'mijn gegevens' lists the accounts a member knows; the export all of them",
          "[privacy][accounts]") {
    leernetwerk::testing::ConsoleFixture chat;
    Id anna = 0;
    for (const auto& member : chat.store->members()) {
        anna = member.display_name == "Anna de Vries" ? member.id : anna;
    }
    chat.store->link_identity({Platform::teams, "29:anna", anna});
    InboundEvent event;
    event.kind = InboundEvent::Kind::message;
    event.event_id = "teams-1";
    event.conversation = {Platform::teams, "a:anna", Conversation::Kind::direct, ""};
    event.sender = {"29:anna", "Anna de Vries", ""};
    event.text = "mijn gegevens";
    REQUIRE(chat.bot.handle(event, leernetwerk::testing::demo_now()));
    const auto rows = chat.store->due_outbox(Platform::teams, leernetwerk::testing::demo_now(), 10);
    REQUIRE(rows.size() == 1);
    const auto& overview = std::get<TextContent>(rows[0].message.content).markdown;
    CHECK_THAT(overview, Contains("Teams: 29:anna"));
    CHECK_THAT(overview, !Contains("console"));
    CHECK_THAT(overview, !Contains("member-"));
}

TEST_CASE("after 'Ja, wis alles' the forget-me card closes like after 'Nee', naming nobody",
          "[privacy][cards][sqlite]") {
    TempFile file;
    Id question_id = 0;
    std::string user_id;
    {
        leernetwerk::testing::ConsoleFixture chat(file.path);
        chat.as("Anna de Vries");
        chat.say("ik kan niet ouderavond");
        chat.say("vergeet mij");
        Id anna_id = 0;
        for (const auto& member : chat.store->members()) {
            anna_id = member.display_name == "Anna de Vries" ? member.id : anna_id;
        }
        const auto pending = chat.store->pending_of_member(anna_id);
        REQUIRE(pending.size() == 1);
        REQUIRE(pending.front().question_message_id);
        question_id = *pending.front().question_message_id;
        const auto accounts = chat.store->identities_of(anna_id);
        REQUIRE(accounts.size() == 1);
        user_id = accounts.front().user_id;

        const auto answer = chat.say("ja");
        // The card she clicked is updated in place: no buttons, a closed note.
        CHECK_THAT(answer, Contains("(bijgewerkt)"));
        CHECK_THAT(answer, Contains("Je gegevens zijn gewist."));
        CHECK_THAT(answer, Contains("ik heb alles over je gewist"));
        // Told privately, where the question was, not in the group where "ja" was typed.
        CHECK_THAT(answer, !Contains("Feedback die werkt\nKlaar"));

        // What Teams and Matrix would send: an update of the sent card (PUT of its activity, an
        // m.replace of its event), closed, to nobody by name.
        const auto original = chat.store->outbox_row(question_id);
        REQUIRE(original);
        CHECK(original->message.recipient_member_id == 0);
        const auto& card = std::get<ChoiceQuestion>(original->message.content);
        CHECK(card.closed_note == "Je gegevens zijn gewist.");
        CHECK_THAT(card.prompt, !Contains("Wil je dat ik alles"));
    }
    // The update names nobody; nothing else of hers is left.
    const auto id = std::to_string(question_id);
    CHECK(count_rows(file.path, "SELECT count(*) FROM outbox WHERE replaces_id = " + id +
                                    " AND state = 'sent' AND recipient_member_id IS NULL "
                                    "AND content LIKE '%Je gegevens zijn gewist.%'") == 1);
    CHECK(count_rows(file.path,
                     "SELECT count(*) FROM outbox WHERE content LIKE '%Anna%' "
                     "OR content LIKE '%ouderavond%' OR content LIKE '%Wil je dat%'") == 0);
    CHECK(count_rows(file.path, "SELECT count(*) FROM members WHERE display_name LIKE 'Anna%'") ==
          0);
    // Her account only where it is the way to her private chat (asked from the group, the chat
    // is opened by the adapter): the card, its update and the "done"; no other message, and
    // not the choices of the question she answered.
    CHECK(count_rows(file.path, "SELECT count(*) FROM outbox WHERE user_id = '" + user_id +
                                    "' AND id < " + id) == 0);
    CHECK(count_rows(file.path, "SELECT count(*) FROM outbox WHERE user_id = '" + user_id +
                                    "' AND direct = 1 AND recipient_member_id IS NULL") == 3);
    CHECK(count_rows(file.path,
                     "SELECT count(*) FROM identities WHERE user_id = '" + user_id + "'") == 0);
    CHECK(count_rows(file.path,
                     "SELECT count(*) FROM adapter_state WHERE value LIKE '%wis alles%'") == 0);
}

TEST_CASE("forget me asked in the private chat leaves no account id in what is kept",
          "[privacy][cards]") {
    leernetwerk::testing::ConsoleFixture chat;
    chat.as("Anna de Vries");
    chat.say("/prive");
    Id anna_id = 0;
    for (const auto& member : chat.store->members()) {
        anna_id = member.display_name == "Anna de Vries" ? member.id : anna_id;
    }
    const auto user_id = chat.store->identities_of(anna_id).front().user_id;
    chat.say("vergeet mij");
    const auto answer = chat.say("ja");
    CHECK_THAT(answer, Contains("Je gegevens zijn gewist."));
    CHECK_THAT(answer, Contains("ik heb alles over je gewist"));
    // The private chat is named by its conversation: the card's update and the "done" need no
    // account id, so none is kept.
    for (const auto platform : {Platform::console}) {
        for (const auto state : {OutboxState::pending, OutboxState::sent}) {
            for (const auto& row : chat.store->outbox_in_state(platform, state)) {
                CHECK(row.message.to.user_id != user_id);
            }
        }
    }
}

TEST_CASE("a stranger who writes in a network's chat is not listed by account in the database",
          "[privacy][joining][sqlite]") {
    TempFile file;
    {
        leernetwerk::testing::ConsoleFixture chat(file.path);
        chat.store->bind_conversation({Platform::teams, "19:kompas@thread.v2", chat.demo.network_id});
        InboundEvent event;
        event.kind = InboundEvent::Kind::message;
        event.event_id = "noor-1";
        event.conversation = {Platform::teams, "19:kompas@thread.v2", Conversation::Kind::group, ""};
        event.sender = {"29:noor-secret-id", "Noor Hendriks", ""};
        event.text = "hulp";
        REQUIRE(chat.bot.handle(event, leernetwerk::testing::demo_now()));
        // She was told how to join (the markers exist), and chooses English in a private chat,
        // which is kept for her and used ...
        REQUIRE(count_rows(file.path, "SELECT count(*) FROM adapter_state WHERE key LIKE "
                                      "'core.join_explained:%'") == 1);
        event.conversation = {Platform::teams, "a:noor", Conversation::Kind::direct, ""};
        event.event_id = "noor-2";
        event.text = "taal en";
        REQUIRE(chat.bot.handle(event, leernetwerk::testing::demo_now()));
        event.event_id = "noor-3";
        event.text = "hulp";
        const auto help = chat.bot.handle(event, leernetwerk::testing::demo_now());
        REQUIRE(help);
        REQUIRE_FALSE(help->message_ids.empty());
        const auto reply = chat.store->outbox_row(help->message_ids.front());
        REQUIRE(reply);
        CHECK(reply->message.lang == Lang::en);
        REQUIRE(count_rows(file.path, "SELECT count(*) FROM adapter_state WHERE key LIKE "
                                      "'core.stranger_language:%'") == 1);
    }
    // ... but no marker names her account.
    CHECK(count_rows(file.path, "SELECT count(*) FROM adapter_state WHERE key LIKE "
                                "'%noor-secret-id%' OR value LIKE '%noor-secret-id%'") == 0);
}
