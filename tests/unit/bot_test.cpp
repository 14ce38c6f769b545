// The Bot at the event level: exactly-once application, card actions checked on the server,
// the outbox surviving a crash, storage failures rolling back whole.
#include <filesystem>
#include <random>

#include <sqlite3.h>
#include <catch2/catch.hpp>

#include "bot/vocab/log.hpp"
#include "support/console_fixture.hpp"
#include "support/matchers.hpp"

using namespace leernetwerk;
using Catch::Matchers::Contains;
using leernetwerk::testing::ConsoleFixture;
using leernetwerk::testing::contains_text;
using leernetwerk::testing::demo_now;

namespace {

InboundEvent message_from(const Member& member, const std::string& text, const std::string& id) {
    InboundEvent event;
    event.kind = InboundEvent::Kind::message;
    event.event_id = id;
    event.conversation = {Platform::console, "console", Conversation::Kind::group, ""};
    event.sender = {"member-" + std::to_string(member.id), member.display_name, ""};
    event.text = text;
    return event;
}

InboundEvent click(const Member& member, const std::string& action_id, const std::string& choice,
                   const std::string& id) {
    InboundEvent event;
    event.kind = InboundEvent::Kind::action;
    event.event_id = id;
    event.conversation = {Platform::console, "console", Conversation::Kind::group, ""};
    event.sender = {"member-" + std::to_string(member.id), member.display_name, ""};
    event.action.action_id = action_id;
    event.action.choice_ids = {choice};
    return event;
}

Member member_named(Store& store, const std::string& name) {
    for (auto& member : store.members()) {
        if (member.display_name == name) {
            return member;
        }
    }
    FAIL("no member " << name);
    return {};
}

/// Texts of the pending console messages, marked sent.
std::vector<std::string> take_outbox(Store& store, Instant now) {
    std::vector<std::string> texts;
    for (const auto& row : store.due_outbox(Platform::console, now, 100)) {
        texts.push_back(console::render(row.message));
        store.mark_outbox_sent(row.message.id, "test", now);
    }
    return texts;
}

std::string temp_db_path() {
    std::random_device random;
    const auto dir = std::filesystem::temp_directory_path() /
                     ("leernetwerk-bot-test-" + std::to_string(random()));
    std::filesystem::create_directories(dir);
    return (dir / "bot.db").string();
}

}  // namespace

TEST_CASE("an event id seen twice is applied once", "[bot][inbox]") {
    ConsoleFixture chat;
    const auto marieke = member_named(*chat.store, "Marieke Jansen");
    const auto event = message_from(marieke, "plan bijeenkomst 23 maart 15:30", "teams-activity-1");

    const auto first = chat.bot.handle(event, demo_now());
    REQUIRE(first);
    CHECK_FALSE(first->duplicate);
    CHECK(first->messages == 1);
    const auto second = chat.bot.handle(event, demo_now());
    REQUIRE(second);
    CHECK(second->duplicate);
    CHECK(second->messages == 0);
    CHECK(chat.meeting_count() == 4);
    CHECK(take_outbox(*chat.store, demo_now()).size() == 1);

    SECTION("the same id on another platform is another event") {
        auto other = event;
        other.conversation.platform = Platform::matrix;
        const auto third = chat.bot.handle(other, demo_now());
        REQUIRE(third);
        CHECK_FALSE(third->duplicate);
    }
    SECTION("an event without an id is refused") {
        auto anonymous = event;
        anonymous.event_id.clear();
        const auto result = chat.bot.handle(anonymous, demo_now());
        REQUIRE_FALSE(result);
        CHECK(result.error().http_status == 400);
    }
}

TEST_CASE("card actions are checked on the server", "[bot][actions]") {
    ConsoleFixture chat;
    const auto marieke = member_named(*chat.store, "Marieke Jansen");
    const auto anna = member_named(*chat.store, "Anna de Vries");
    REQUIRE(chat.bot.handle(message_from(marieke, "plan bijeenkomst 10 maart 2027 15:30", "e1"),
                            demo_now()));
    take_outbox(*chat.store, demo_now());
    const auto pending = chat.store->pending_of_member(marieke.id);
    REQUIRE(pending.size() == 1);
    const auto action_id = "confirm:" + std::to_string(pending.front().id);

    SECTION("a participant who clicks the facilitator's card is refused, privately") {
        REQUIRE(chat.bot.handle(click(anna, action_id, "ja", "e2"), demo_now()));
        const auto rows = chat.store->due_outbox(Platform::console, demo_now(), 10);
        REQUIRE(rows.size() == 1);
        CHECK(rows[0].message.to.direct);
        CHECK(rows[0].message.recipient_member_id == anna.id);
        const auto texts = take_outbox(*chat.store, demo_now());
        REQUIRE(texts.size() == 1);
        CHECK_THAT(texts[0],
                   Contains("Deze vraag is voor Marieke Jansen; alleen die kan hem beantwoorden."));
        CHECK(chat.meeting_count() == 3);
        CHECK(chat.store->pending(pending.front().id));
    }
    SECTION("the facilitator's click plans it and updates the card in place") {
        REQUIRE(chat.bot.handle(click(marieke, action_id, "ja", "e3"), demo_now()));
        const auto rows = chat.store->due_outbox(Platform::console, demo_now(), 10);
        REQUIRE(rows.size() == 2);
        CHECK(rows[0].message.replaces == pending.front().question_message_id);
        const auto& card = std::get<ChoiceQuestion>(rows[0].message.content);
        CHECK(card.closed_note == "Marieke Jansen koos: Ja");
        CHECK_THAT(console::render(rows[1].message), Contains("staat gepland"));
        CHECK(chat.meeting_count() == 4);
        SECTION("clicking again is harmless") {
            take_outbox(*chat.store, demo_now());
            REQUIRE(chat.bot.handle(click(marieke, action_id, "ja", "e4"), demo_now()));
            const auto texts = take_outbox(*chat.store, demo_now());
            REQUIRE(texts.size() == 1);
            CHECK_THAT(texts[0], Contains("al beantwoord of verlopen"));
            CHECK(chat.meeting_count() == 4);
        }
    }
    SECTION("forged actions change nothing") {
        using Forged = std::pair<std::string, std::string>;
        const std::vector<Forged> forgeries = {
            Forged{"confirm:abc", "ja"}, Forged{"confirm:", "ja"}, Forged{action_id, "misschien"},
            Forged{"confirm:99999999999999999999999", "ja"}, Forged{"poll:7", "1"}};
        for (const auto& [forged, choice] : forgeries) {
            REQUIRE(chat.bot.handle(click(marieke, forged, choice, "forged-" + forged + choice),
                                    demo_now()));
            const auto texts = take_outbox(*chat.store, demo_now());
            REQUIRE(texts.size() == 1);
            CHECK_THAT(texts[0], Contains("Die knop hoort bij iets wat ik niet (meer) ken"));
        }
        REQUIRE(chat.bot.handle(click(marieke, "confirm:424242", "ja", "gone"), demo_now()));
        CHECK_THAT(take_outbox(*chat.store, demo_now()).at(0),
                   Contains("al beantwoord of verlopen"));
        CHECK(chat.meeting_count() == 3);
    }
}

TEST_CASE("the plan-meeting form works like the one-line command", "[bot][forms]") {
    ConsoleFixture chat;
    const auto form = chat.say("plan bijeenkomst");
    CHECK_THAT(form, Contains("Bijeenkomst plannen — HSN-café Feedback die werkt"));
    // The fields are named in Dutch, and typed so (the field's id still works).
    CHECK_THAT(form, Contains("datum = Datum en tijd (verplicht), bv. 12 maart 15:30"));
    CHECK_THAT(form, Contains("plaats = Plaats"));
    CHECK_THAT(form, Contains("onderwerp = Onderwerp"));
    CHECK_THAT(form, Contains("voorbereiders = Voorbereiders: wie bereidt voor?"));
    CHECK_THAT(form, !Contains("when ="));
    chat.say("datum=23 maart 15:30");
    chat.say("Plaats = Het Kompas");
    chat.say("preparers=Sanne");
    const auto reply = chat.say("");
    CHECK_THAT(reply, Contains("staat gepland: di 23 mrt 2027 15:30"));
    CHECK_THAT(reply, Contains("Het Kompas"));
    CHECK_THAT(reply, Contains("- voorbereiding: Sanne Bakker"));
    CHECK(chat.meeting_count() == 4);
}

TEST_CASE("a crash between commit and send loses nothing and sends nothing twice",
          "[bot][outbox][sqlite]") {
    const auto path = temp_db_path();
    {
        ConsoleFixture chat(path);
        const auto marieke = member_named(*chat.store, "Marieke Jansen");
        // The reply is committed to the outbox, and the process dies before the console prints it.
        REQUIRE(chat.bot.handle(message_from(marieke, "plan bijeenkomst 23 maart 15:30", "crash-1"),
                                demo_now()));
        CHECK(chat.store->outbox_depth(Platform::console) == 1);
    }
    {
        ConsoleFixture restarted(path);
        CHECK_FALSE(restarted.demo.created);
        restarted.output.str("");
        restarted.session.drain();
        CHECK_THAT(restarted.output.str(),
                   Contains("Bijeenkomst #4 van HSN-café Feedback die werkt staat gepland"));
        CHECK(restarted.store->outbox_depth(Platform::console) == 0);
        restarted.output.str("");
        restarted.session.drain();
        CHECK(restarted.output.str().empty());
        // The platform retrying the same event after the restart changes nothing.
        const auto marieke = member_named(*restarted.store, "Marieke Jansen");
        const auto retry = restarted.bot.handle(
            message_from(marieke, "plan bijeenkomst 23 maart 15:30", "crash-1"), demo_now());
        REQUIRE(retry);
        CHECK(retry->duplicate);
        CHECK(restarted.meeting_count() == 4);
    }
    std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST_CASE("a storage failure keeps nothing of the event, so a retry applies it",
          "[bot][outbox][sqlite]") {
    const auto path = temp_db_path();
    ConsoleFixture chat(path);
    const auto marieke = member_named(*chat.store, "Marieke Jansen");
    // A second connection makes every outbox insert fail, as a full disk would.
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    REQUIRE(sqlite3_exec(raw,
                         "CREATE TRIGGER fail_outbox BEFORE INSERT ON outbox "
                         "BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    const auto event = message_from(marieke, "plan bijeenkomst 23 maart 15:30", "fails-once");
    const auto failed = chat.bot.handle(event, demo_now());
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code == ErrorCode::storage);
    CHECK(failed.error().http_status == 500);
    CHECK(chat.meeting_count() == 3);

    REQUIRE(sqlite3_exec(raw, "DROP TRIGGER fail_outbox;", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
    const auto retried = chat.bot.handle(event, demo_now());
    REQUIRE(retried);
    CHECK_FALSE(retried->duplicate);
    CHECK(chat.meeting_count() == 4);
    std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST_CASE("joining people are welcomed in a network's conversation", "[bot][welcome]") {
    ConsoleFixture chat;
    InboundEvent joined;
    joined.kind = InboundEvent::Kind::member_joined;
    joined.event_id = "join-1";
    joined.conversation = {Platform::console, "console", Conversation::Kind::group, ""};
    joined.joined = {{"member-3", "Anna", ""}, {"someone-new", "Nieuwe Collega", ""}};
    REQUIRE(chat.bot.handle(joined, demo_now()));
    const auto texts = take_outbox(*chat.store, demo_now());
    // The welcome, and (issue 16) a card to the facilitator to add the newcomer who is no member.
    REQUIRE(texts.size() == 2);
    CHECK_THAT(texts[0],
               Contains("Welkom Anna de Vries en Nieuwe Collega bij HSN-café Feedback die werkt!"));
    CHECK_THAT(texts[1],
               Contains("Nieuwe Collega is bij het gesprek van HSN-café Feedback die werkt"));

    InboundEvent added;
    added.kind = InboundEvent::Kind::bot_added;
    added.event_id = "added-1";
    added.conversation = {Platform::console, "elsewhere", Conversation::Kind::group, ""};
    REQUIRE(chat.bot.handle(added, demo_now()));
    const auto intro = take_outbox(*chat.store, demo_now());
    REQUIRE(intro.size() == 1);
    CHECK_THAT(intro[0], Contains("koppel netwerk naam"));
}

TEST_CASE("on a fresh installation the first person starts the first network", "[bot][bootstrap]") {
    auto store = testing::open_test_store(":memory:");
    Bot bot(*store, BotSettings{});
    InboundEvent event;
    event.event_id = "first";
    event.conversation = {Platform::matrix, "!room:hsn.nl", Conversation::Kind::group, ""};
    event.sender = {"@marieke:hsn.nl", "Marieke", ""};
    event.text = "@bot nieuw netwerk HSN-café Rekenen";
    REQUIRE(bot.handle(event, demo_now()));
    const auto network = store->find_network_by_name("HSN-café Rekenen");
    REQUIRE(network);
    const auto founder = store->member_by_identity(Platform::matrix, "@marieke:hsn.nl");
    REQUIRE(founder);
    CHECK(store->membership(network->id, founder->id)->role == Role::facilitator);
    CHECK(store->network_of_conversation(Platform::matrix, "!room:hsn.nl") == network->id);

    // A second stranger cannot start one too.
    event.event_id = "second";
    event.sender = {"@bram:hsn.nl", "Bram", ""};
    event.text = "nieuw netwerk Van Bram";
    REQUIRE(bot.handle(event, demo_now()));
    CHECK(store->networks().size() == 1);
    CHECK_FALSE(store->member_by_identity(Platform::matrix, "@bram:hsn.nl"));
}

TEST_CASE("what members write is logged only at trace level", "[bot][log]") {
    ConsoleFixture chat;
    std::vector<std::pair<LogLevel, std::string>> lines;
    set_log_sink([&](LogLevel level, std::string_view text) { lines.emplace_back(level, text); });
    const auto marieke = member_named(*chat.store, "Marieke Jansen");
    REQUIRE(chat.bot.handle(message_from(marieke, "expertise vertrouwelijk-geheim", "log-1"),
                            demo_now()));
    set_log_sink({});
    bool traced = false;
    for (const auto& [level, text] : lines) {
        const bool has_text = contains_text(text, "vertrouwelijk-geheim");
        if (level != LogLevel::trace) {
            CHECK_FALSE(has_text);
        }
        traced = traced || has_text;
    }
    CHECK(traced);
    CHECK(std::any_of(lines.begin(), lines.end(), [](const auto& line) {
        return line.first == LogLevel::debug &&
               contains_text(line.second, "log-1: applied, 1 message(s)");
    }));
}

TEST_CASE("data never becomes markup", "[bot][markdown]") {
    ConsoleFixture chat;
    chat.say("lid toevoegen **Kees** [klik](http://x) | deelnemer | <b>Het</b> Kompas");
    const auto roster = chat.store->roster(chat.demo.network_id);
    const auto kees = std::find_if(roster.begin(), roster.end(), [](const RosterEntry& entry) {
        return entry.member.display_name == "**Kees** [klik](http://x)";
    });
    REQUIRE(kees != roster.end());
    // The console shows the name exactly as typed, and the stored text escapes it.
    CHECK_THAT(chat.say("leden"),
               Contains("- **Kees** [klik](http://x) · <b>Het</b> Kompas · deelnemer"));
    const auto marieke = member_named(*chat.store, "Marieke Jansen");
    REQUIRE(chat.bot.handle(message_from(marieke, "leden", "markup-1"), demo_now()));
    const auto rows = chat.store->due_outbox(Platform::console, demo_now(), 10);
    REQUIRE(rows.size() == 1);
    const auto& markdown = std::get<TextContent>(rows[0].message.content).markdown;
    CHECK_THAT(markdown,
               Contains("- **\\*\\*Kees\\*\\* \\[klik\\](http://x)** · \\<b\\>Het\\</b\\> Kompas"));
}

TEST_CASE("a member added by their second id is recognised and linked", "[bot][identity]") {
    ConsoleFixture chat;
    chat.say(
        "lid toevoegen Ilse Wouters | deelnemer | Het Kompas | "
        "0a1b2c3d-1111-2222-3333-444455556666");
    InboundEvent event;
    event.event_id = "teams-1";
    event.conversation = {Platform::teams, "a:1ilse", Conversation::Kind::direct, ""};
    event.sender = {"29:ilse-mri", "Ilse", "0a1b2c3d-1111-2222-3333-444455556666"};
    event.text = "leden";
    const auto handled = chat.bot.handle(event, demo_now());
    REQUIRE(handled);
    REQUIRE(handled->message_ids.size() == 1);
    const auto row = chat.store->outbox_row(handled->message_ids.front());
    REQUIRE(row);
    CHECK_THAT(std::get<TextContent>(row->message.content).markdown, Contains("Ilse Wouters"));
    CHECK(row->message.to.platform == Platform::teams);
    CHECK(row->message.to.conversation_id == "a:1ilse");
    const auto linked = chat.store->member_by_identity(Platform::teams, "29:ilse-mri");
    REQUIRE(linked);
    CHECK(linked->display_name == "Ilse Wouters");
}

TEST_CASE("a batch is one commit, and an event that fails takes only itself back",
          "[bot][outbox][batch][sqlite]") {
    const auto path = temp_db_path();
    ConsoleFixture chat(path);
    const auto marieke = member_named(*chat.store, "Marieke Jansen");
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
    // Replies that mention "weigerbaar" fail to be stored, as a full disk would for them.
    REQUIRE(sqlite3_exec(raw,
                         "CREATE TRIGGER fail_some BEFORE INSERT ON outbox "
                         "WHEN NEW.content LIKE '%weigerbaar%' "
                         "BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    const std::vector<InboundEvent> batch = {
        message_from(marieke, "expertise rubrics", "batch-1"),
        message_from(marieke, "expertise weigerbaar", "batch-2"),
        message_from(marieke, "plan bijeenkomst 23 maart 15:30", "batch-3"),
    };
    std::vector<std::size_t> before;
    const auto results =
        chat.bot.handle_batch(batch, demo_now(), [&](std::size_t i) { before.push_back(i); });
    REQUIRE(results.size() == 3);
    CHECK(results[0]);
    REQUIRE_FALSE(results[1]);
    CHECK(results[1].error().http_status == 500);
    CHECK(results[2]);
    CHECK(before == std::vector<std::size_t>{0, 1, 2});
    CHECK(chat.meeting_count() == 4);
    CHECK(chat.store->member(marieke.id)->expertise == std::vector<std::string>{"rubrics"});

    // The failed event left no trace: once the disk has room, the platform's retry applies it.
    REQUIRE(sqlite3_exec(raw, "DROP TRIGGER fail_some;", nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(raw);
    const auto retried = chat.bot.handle(batch[1], demo_now());
    REQUIRE(retried);
    CHECK_FALSE(retried->duplicate);
    CHECK(chat.store->member(marieke.id)->expertise == std::vector<std::string>{"weigerbaar"});
    std::filesystem::remove_all(std::filesystem::path(path).parent_path());
}

TEST_CASE("after an event fails, the later events of its conversation wait for the retry",
          "[bot][batch][sqlite]") {
    const auto path = (std::filesystem::temp_directory_path() /
                       ("leernetwerk-batch-" + std::to_string(::getpid()) + ".db"))
                          .string();
    std::filesystem::remove(path);
    {
        ConsoleFixture chat(path);
        const auto marieke = member_named(*chat.store, "Marieke Jansen");
        // A second connection makes the inbox refuse one event id, as a failing disk might.
        sqlite3* db = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
        sqlite3_busy_timeout(db, 2000);
        REQUIRE(sqlite3_exec(db,
                             "CREATE TRIGGER refuse BEFORE INSERT ON inbox WHEN NEW.event_id = "
                             "'bad' BEGIN SELECT RAISE(ABORT, 'disk trouble'); END;",
                             nullptr, nullptr, nullptr) == SQLITE_OK);
        auto first = message_from(marieke, "taal en", "bad");
        auto second = message_from(marieke, "hulp", "good");
        // In her private chat: a group speaks its network's language.
        first.conversation.kind = Conversation::Kind::direct;
        second.conversation.kind = Conversation::Kind::direct;
        auto elsewhere = message_from(marieke, "hulp", "other");
        elsewhere.conversation.id = "another-room";
        const std::vector<InboundEvent> batch = {first, second, elsewhere};
        const std::vector<std::string> keys = {"console", "console", "another-room"};
        auto results = chat.bot.handle_batch(batch, demo_now(), {}, keys);
        CHECK_FALSE(results[0]);
        CHECK_FALSE(results[1]);  // held back: it must not overtake the failed one
        CHECK(results[2]);
        REQUIRE(sqlite3_exec(db, "DROP TRIGGER refuse", nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(db);
        // Delivered again: applied in order; the one applied already is a duplicate.
        results = chat.bot.handle_batch(batch, demo_now(), {}, keys);
        REQUIRE(results[0]);
        REQUIRE(results[1]);
        REQUIRE(results[2]);
        CHECK_FALSE(results[0]->duplicate);
        CHECK_FALSE(results[1]->duplicate);
        CHECK(results[2]->duplicate);
        // "taal en" came first, so the help after it is in English.
        const auto help = chat.store->outbox_row(results[1]->message_ids.at(0));
        REQUIRE(help);
        CHECK(std::get<TextContent>(help->message.content).markdown.find("What you can ask") !=
              std::string::npos);
    }
    for (const auto* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path + suffix);
    }
}

TEST_CASE("in a room where members talk among themselves, the bot answers only what is for it",
          "[bot][group]") {
    ConsoleFixture chat;
    const auto anna = member_named(*chat.store, "Anna de Vries");
    auto said = [&](InboundEvent event) {
        REQUIRE(chat.bot.handle(event, demo_now()));
        return take_outbox(*chat.store, demo_now());
    };
    take_outbox(*chat.store, demo_now());
    auto chatter = message_from(anna, "Goedemorgen allemaal! Ik neem donderdag koffie mee.", "m1");
    chatter.ambient = true;  // a Matrix room: the bot reads every line
    CHECK(said(chatter).empty());
    auto typo = message_from(anna, "Heeft iemand de slides van vorige keer?", "m2");
    typo.ambient = true;
    CHECK(said(typo).empty());

    // A command is answered, also without naming the bot.
    auto command = message_from(anna, "bijeenkomsten", "m3");
    command.ambient = true;
    const auto meetings = said(command);
    REQUIRE(meetings.size() == 1);
    CHECK_THAT(meetings.front(), Contains("bijeenkomst"));

    // A reply to one of the bot's messages is for the bot, so is a line that names it (the
    // adapter then does not mark it ambient).
    auto reply = message_from(anna, "dank je", "m4");
    reply.ambient = true;
    reply.reply_to_remote_id = "test";  // take_outbox marked the bot's messages sent as "test"
    const auto answered = said(reply);
    REQUIRE(answered.size() == 1);
    CHECK_THAT(answered.front(), Contains("begrijp ik niet"));
    const auto named = said(message_from(anna, "goedemorgen", "m5"));
    REQUIRE(named.size() == 1);
    CHECK_THAT(named.front(), Contains("begrijp ik niet"));

    // A command that takes nothing after its words, followed by more words, is members talking:
    // "volgende week ..." is no question for the bot about the next meeting.
    auto talk = message_from(anna, "volgende week ben ik er niet", "m7");
    talk.ambient = true;
    CHECK(said(talk).empty());
    auto next = message_from(anna, "volgende", "m8");
    next.ambient = true;
    const auto next_meeting = said(next);
    REQUIRE(next_meeting.size() == 1);
    CHECK_THAT(next_meeting.front(), Contains("Volgende bijeenkomst van"));

    // In a private chat the bot keeps helping.
    auto direct = message_from(anna, "Goedemorgen!", "m6");
    direct.ambient = true;
    direct.conversation.kind = Conversation::Kind::direct;
    direct.conversation.id = "console-dm";
    CHECK_FALSE(said(direct).empty());
}

TEST_CASE("a member known only by their Matrix id gets their display name, and is found by it",
          "[bot][names]") {
    ConsoleFixture chat;
    auto& store = *chat.store;
    Member kees;
    kees.display_name = "kees";  // made from @kees:school.nl before the room told the bot more
    kees.created_at = demo_now();
    kees.id = store.create_member(kees);
    store.link_identity({Platform::matrix, "@kees:school.nl", kees.id});
    store.add_membership({chat.demo.network_id, kees.id, Role::facilitator, demo_now()});
    store.set_active_network(kees.id, chat.demo.network_id);

    InboundEvent event;
    event.kind = InboundEvent::Kind::message;
    event.event_id = "$k1";
    event.conversation = {Platform::matrix, "!dm:school.nl", Conversation::Kind::direct, ""};
    event.sender = {"@kees:school.nl", "Kees Klaassen", ""};
    event.text = "hulp";
    REQUIRE(chat.bot.handle(event, demo_now()));
    CHECK(store.member(kees.id)->display_name == "Kees Klaassen");
    const auto rows = store.due_outbox(Platform::matrix, demo_now(), 10);
    REQUIRE_FALSE(rows.empty());
    CHECK_THAT(std::get<TextContent>(rows.back().message.content).markdown,
               Contains("Kees Klaassen"));

    // Everyone finds him by that name now: as a preparer, in the member list.
    auto printed =
        chat.say("plan bijeenkomst 10 maart 2027 15:30 | De Wegwijzer | Rekenen | Kees Klaassen");
    printed += chat.say("ja");
    CHECK_THAT(printed, !Contains("Ik vind niemand"));
    CHECK_THAT(printed, Contains("Kees Klaassen"));
    CHECK_THAT(chat.say("leden"), Contains("Kees Klaassen"));

    // A name a facilitator gave is not replaced by a platform nickname.
    event.event_id = "$k2";
    event.sender.display_name = "kk";
    REQUIRE(chat.bot.handle(event, demo_now()));
    CHECK(store.member(kees.id)->display_name == "Kees Klaassen");
}

TEST_CASE("the plan-meeting form plans once, closes, and is announced in the group",
          "[bot][form]") {
    ConsoleFixture chat;
    const auto marieke = member_named(*chat.store, "Marieke Jansen");
    REQUIRE(chat.bot.handle(message_from(marieke, "plan bijeenkomst", "f1"), demo_now()));
    std::string action_id;
    for (const auto& row : chat.store->due_outbox(Platform::console, demo_now(), 100)) {
        if (const auto* form = std::get_if<ShortForm>(&row.message.content)) {
            action_id = form->action_id;
        }
    }
    REQUIRE(action_id.rfind("form:plan_meeting:", 0) == 0);
    take_outbox(*chat.store, demo_now());
    const auto before = chat.meeting_count();

    // Teams: the submission is an invoke, whose reply only the clicker sees; clicked twice.
    auto submit = click(marieke, action_id, "", "f2");
    submit.action.choice_ids.clear();
    submit.action.fields = {{"when", "23 maart 2027 15:30"},
                            {"location", "De Wegwijzer"},
                            {"topic", "Rekenen"},
                            {"preparers", ""}};
    submit.reply_is_private = true;
    REQUIRE(chat.bot.handle(submit, demo_now()));
    CHECK(chat.meeting_count() == before + 1);
    auto texts = take_outbox(*chat.store, demo_now());
    std::string all;
    for (const auto& text : texts) {
        all += text + "\n---\n";
    }
    INFO(all);
    CHECK_THAT(all,
               Contains("Nieuwe bijeenkomst van HSN-café Feedback die werkt"));  // the group post
    CHECK_THAT(all, Contains("Verstuurd door Marieke Jansen"));                  // the form closed
    submit.event_id = "f3";
    REQUIRE(chat.bot.handle(submit, demo_now()));
    CHECK(chat.meeting_count() == before + 1);
    texts = take_outbox(*chat.store, demo_now());
    REQUIRE(texts.size() == 1);
    CHECK_THAT(texts.front(), Contains("Dit formulier is al verstuurd"));
}

TEST_CASE("someone the bot does not know yet can choose a language and get help",
          "[bot][stranger]") {
    ConsoleFixture chat;
    Member stranger;
    stranger.id = 999;
    stranger.display_name = "Nieuwe Collega";
    auto event = message_from(stranger, "taal en", "s1");
    event.conversation = {Platform::console, "console-dm-999", Conversation::Kind::direct, ""};
    REQUIRE(chat.bot.handle(event, demo_now()));
    auto texts = take_outbox(*chat.store, demo_now());
    REQUIRE(texts.size() == 1);
    CHECK_THAT(texts.front(), Contains("I will talk English to you"));
    event.event_id = "s2";
    event.text = "help";
    REQUIRE(chat.bot.handle(event, demo_now()));
    texts = take_outbox(*chat.store, demo_now());
    REQUIRE(texts.size() == 1);
    CHECK_THAT(texts.front(), !Contains("I don't know you"));
    CHECK_THAT(texts.front(), Contains("Hi! I am the learning network's bot"));
    // Something only members can do is still refused, in their language.
    event.event_id = "s3";
    event.text = "bijeenkomsten";
    REQUIRE(chat.bot.handle(event, demo_now()));
    texts = take_outbox(*chat.store, demo_now());
    REQUIRE(texts.size() == 1);
    CHECK_THAT(texts.front(), Contains("I don't know you yet"));
}

TEST_CASE("added to a person's own chat the bot greets that person; on a fresh installation it "
          "points to starting a network",
          "[bot][welcome]") {
    ConsoleFixture chat;
    const auto marieke = member_named(*chat.store, "Marieke Jansen");
    InboundEvent added;
    added.kind = InboundEvent::Kind::bot_added;
    added.event_id = "added-dm";
    added.conversation = {Platform::console, "console-dm-1", Conversation::Kind::direct, ""};
    added.sender = {"member-" + std::to_string(marieke.id), "Marieke Jansen", ""};
    REQUIRE(chat.bot.handle(added, demo_now()));
    auto texts = take_outbox(*chat.store, demo_now());
    REQUIRE(texts.size() == 1);
    CHECK_THAT(texts[0], Contains("Hoi Marieke Jansen!"));
    CHECK_THAT(texts[0], !Contains("allemaal"));
    CHECK_THAT(texts[0], !Contains("koppel netwerk"));
    CHECK_THAT(texts[0], Contains("hulp"));

    auto store = testing::open_test_store(":memory:");
    Bot bot(*store, BotSettings{});
    added.event_id = "added-fresh";
    added.conversation = {Platform::matrix, "!room:hsn.nl", Conversation::Kind::group, ""};
    added.sender = {"@marieke:hsn.nl", "Marieke", ""};
    REQUIRE(bot.handle(added, demo_now()));
    const auto rows = store->due_outbox(Platform::matrix, demo_now(), 10);
    REQUIRE(rows.size() == 1);
    const auto& text = std::get<TextContent>(rows[0].message.content).markdown;
    CHECK_THAT(text, Contains("**nieuw netwerk** naam"));
    CHECK_THAT(text, !Contains("koppel netwerk"));
}

TEST_CASE("an answer given as a reply to the question's post is posted in its thread",
          "[bot][questions][thread]") {
    ConsoleFixture chat;
    auto& store = *chat.store;
    store.bind_conversation({Platform::matrix, "!room:hsn.nl", chat.demo.network_id});
    const auto anna = member_named(store, "Anna de Vries");
    const auto marieke = member_named(store, "Marieke Jansen");
    store.link_identity({Platform::matrix, "@anna:hsn.nl", anna.id});
    store.link_identity({Platform::matrix, "@marieke:hsn.nl", marieke.id});
    const auto in_room = [](const std::string& user, const std::string& text,
                            const std::string& id) {
        InboundEvent event;
        event.kind = InboundEvent::Kind::message;
        event.event_id = id;
        event.conversation = {Platform::matrix, "!room:hsn.nl", Conversation::Kind::group, ""};
        event.sender = {user, "", ""};
        event.text = text;
        return event;
    };
    REQUIRE(chat.bot.handle(
        in_room("@anna:hsn.nl", "vraag Hoe geven jullie feedback op rekenwerk?", "$q"),
        demo_now()));
    // The post in the room is sent; the homeserver gave it an event id.
    std::string post_id;
    for (const auto& row : store.due_outbox(Platform::matrix, demo_now(), 100)) {
        store.mark_outbox_sent(row.message.id, "$post" + std::to_string(row.message.id),
                               demo_now());
        if (row.message.to.conversation_id == "!room:hsn.nl") {
            post_id = "$post" + std::to_string(row.message.id);
        }
    }
    REQUIRE_FALSE(post_id.empty());
    auto reply = in_room("@marieke:hsn.nl", "Met rubrics en een kleurcode.", "$a");
    reply.reply_to_remote_id = post_id;  // a reply in the main timeline, not in the thread
    REQUIRE(chat.bot.handle(reply, demo_now()));
    bool in_thread = false;
    for (const auto& row : store.due_outbox(Platform::matrix, demo_now(), 100)) {
        const auto* text = std::get_if<TextContent>(&row.message.content);
        in_thread = in_thread || (row.message.to.conversation_id == "!room:hsn.nl" &&
                                  row.message.to.thread_id == post_id && text &&
                                  contains_text(text->markdown, "Met rubrics en een kleurcode."));
    }
    CHECK(in_thread);
}
