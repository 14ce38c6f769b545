// Members join the way people do on their platform: a facilitator names them with a Teams
// @mention, a Matrix pill or a typed Matrix id, and the bot links that account at once.
#include <catch2/catch.hpp>

#include "support/console_fixture.hpp"

using namespace leernetwerk;
using Catch::Matchers::Contains;
using leernetwerk::testing::ConsoleFixture;
using leernetwerk::testing::demo_now;

namespace {

Member member_named(Store& store, const std::string& name) {
    for (auto& member : store.members()) {
        if (member.display_name == name) {
            return member;
        }
    }
    FAIL("no member " << name);
    return {};
}

/// A facilitator of the demo network (Marieke) writing in a group chat on `platform`.
struct PlatformChat {
    explicit PlatformChat(Platform platform_in) : platform(platform_in) {
        marieke = member_named(*chat.store, "Marieke Jansen");
        chat.store->link_identity({platform, account_of_marieke(), marieke.id});
    }

    std::string account_of_marieke() const {
        return platform == Platform::teams ? "29:marieke" : "@marieke:hsn.nl";
    }

    /// Sends `text` with `mentions` and returns the bot's replies, joined.
    std::string say(const std::string& text, std::vector<InboundMention> mentions = {}) {
        InboundEvent event;
        event.kind = InboundEvent::Kind::message;
        event.event_id = "joining-" + std::to_string(++sequence);
        event.conversation = {platform,
                              platform == Platform::teams ? "19:kompas@thread.v2"
                                                          : "!kompas:hsn.nl",
                              Conversation::Kind::group, ""};
        event.sender = {account_of_marieke(), "Marieke Jansen", ""};
        event.text = text;
        event.mentions = std::move(mentions);
        const auto handled = chat.bot.handle(event, demo_now());
        REQUIRE(handled);
        std::string replies;
        for (const auto id : handled->message_ids) {
            const auto row = chat.store->outbox_row(id);
            REQUIRE(row);
            if (const auto* text_content = std::get_if<TextContent>(&row->message.content)) {
                replies += text_content->markdown + "\n";
            }
        }
        return replies;
    }

    bool in_network(const std::string& name) {
        const auto roster = chat.store->roster(chat.demo.network_id);
        return std::any_of(roster.begin(), roster.end(), [&](const RosterEntry& entry) {
            return entry.member.display_name == name;
        });
    }

    Platform platform;
    ConsoleFixture chat;
    Member marieke;
    int sequence = 0;
};

InboundMention daan_on_teams() {
    return {"29:daan", "Daan Bakker", "Daan Bakker", "6c1f0e52-0000-4000-8000-00000000000d", true};
}

}  // namespace

TEST_CASE("a facilitator adds someone by @mention in Teams and their account is linked",
          "[bot][joining][mention]") {
    PlatformChat teams(Platform::teams);
    const auto reply =
        teams.say("lid toevoegen Daan Bakker | deelnemer | Het Kompas", {daan_on_teams()});
    CHECK_THAT(reply, Contains("Daan Bakker (Het Kompas) zit nu in"));
    const auto linked = teams.chat.store->member_by_identity(Platform::teams, "29:daan");
    REQUIRE(linked);
    CHECK(linked->display_name == "Daan Bakker");
    CHECK(teams.in_network("Daan Bakker"));

    // Daan writes from that account and is known at once.
    InboundEvent event;
    event.event_id = "daan-1";
    event.conversation = {Platform::teams, "a:1daan", Conversation::Kind::direct, ""};
    event.sender = {"29:daan", "Daan Bakker", ""};
    event.text = "mijn gegevens";
    const auto handled = teams.chat.bot.handle(event, demo_now());
    REQUIRE(handled);
    REQUIRE_FALSE(handled->message_ids.empty());
    const auto row = teams.chat.store->outbox_row(handled->message_ids.front());
    REQUIRE(row);
    CHECK_THAT(std::get<TextContent>(row->message.content).markdown, Contains("Daan Bakker"));
}

TEST_CASE("the name Teams shows wins over the name typed with the mention, and a mention "
          "in the account place links it too",
          "[bot][joining][mention]") {
    PlatformChat teams(Platform::teams);
    // Typed "@Daan" and picked Daan Bakker: Teams leaves "Daan Bakker" in the text.
    auto mention = daan_on_teams();
    CHECK_THAT(teams.say("lid toevoegen Daan Bakker | workshopleider", {mention}),
               Contains("Daan Bakker zit nu in"));
    CHECK(teams.chat.store->member_by_identity(Platform::teams, "29:daan"));

    PlatformChat other(Platform::teams);
    CHECK_THAT(other.say("lid toevoegen Daan B. | deelnemer | Het Kompas | Daan Bakker", {mention}),
               Contains("Daan B. (Het Kompas) zit nu in"));
    const auto linked = other.chat.store->member_by_identity(Platform::teams, "29:daan");
    REQUIRE(linked);
    CHECK(linked->display_name == "Daan B.");
}

TEST_CASE("a mentioned person who is a member already keeps their membership, whatever the "
          "name",
          "[bot][joining][mention]") {
    PlatformChat teams(Platform::teams);
    teams.say("lid toevoegen Daan Bakker | deelnemer", {daan_on_teams()});
    auto renamed = daan_on_teams();
    renamed.display_name = "Daan Bakker (Het Kompas)";
    renamed.text = renamed.display_name;
    CHECK_THAT(teams.say("lid toevoegen Daan Bakker (Het Kompas) | deelnemer", {renamed}),
               Contains("Daan Bakker zit al in"));
    CHECK_FALSE(teams.in_network("Daan Bakker (Het Kompas)"));
}

TEST_CASE("a member added earlier without an account gets the mentioned account linked",
          "[bot][joining][mention]") {
    PlatformChat teams(Platform::teams);
    teams.say("lid toevoegen Daan Bakker | deelnemer");  // no account yet
    REQUIRE(teams.in_network("Daan Bakker"));
    REQUIRE_FALSE(teams.chat.store->member_by_identity(Platform::teams, "29:daan"));
    const auto reply = teams.say("lid toevoegen @Daan Bakker | deelnemer", {daan_on_teams()});
    CHECK_THAT(reply, Contains("Daan Bakker was al lid; ik heb het Teams-account aan Daan Bakker "
                               "gekoppeld (deelnemer)"));
    const auto linked = teams.chat.store->member_by_identity(Platform::teams, "29:daan");
    REQUIRE(linked);
    CHECK(linked->display_name == "Daan Bakker");
    // Once linked, the same again is just "already".
    CHECK_THAT(teams.say("lid toevoegen @Daan Bakker | deelnemer", {daan_on_teams()}),
               Contains("Daan Bakker zit al in"));
}

TEST_CASE("an @name that names nobody, or a channel, gets a clear reply and changes nothing",
          "[bot][joining][mention]") {
    PlatformChat teams(Platform::teams);
    const auto before = teams.chat.store->members().size();
    const auto unknown = teams.say("lid toevoegen @Daan Bakker | deelnemer | Het Kompas");
    CHECK_THAT(unknown, Contains("Typ @ en kies de naam uit de lijst die Teams toont"));
    InboundMention channel{"19:general@thread.tacv2", "Algemeen", "Algemeen", "", false};
    CHECK_THAT(teams.say("lid toevoegen Algemeen | deelnemer", {channel}),
               Contains("\"Algemeen\" is een kanaal of groep, geen persoon"));
    CHECK(teams.chat.store->members().size() == before);

    PlatformChat matrix(Platform::matrix);
    CHECK_THAT(matrix.say("lid toevoegen @daan | deelnemer"),
               Contains("typ de volledige Matrix-id, zoals @daan:school.nl"));
    CHECK_FALSE(matrix.in_network("@daan"));
}

TEST_CASE("a Matrix pill or a typed Matrix id links that account", "[bot][joining][mention]") {
    PlatformChat matrix(Platform::matrix);
    // A pill: the body carries the name the client showed.
    InboundMention pill{"@daan:school.nl", "Daan Bakker", "Daan Bakker", "", true};
    CHECK_THAT(matrix.say("lid toevoegen Daan Bakker | deelnemer | Het Kompas", {pill}),
               Contains("Daan Bakker (Het Kompas) zit nu in"));
    CHECK(matrix.chat.store->member_by_identity(Platform::matrix, "@daan:school.nl"));

    // A typed id with no display name known: the localpart until they write themselves.
    InboundMention typed{"@fenna:school.nl", "", "@fenna:school.nl", "", true};
    CHECK_THAT(matrix.say("lid toevoegen @fenna:school.nl | deelnemer", {typed}),
               Contains("fenna zit nu in"));
    const auto fenna = matrix.chat.store->member_by_identity(Platform::matrix, "@fenna:school.nl");
    REQUIRE(fenna);
    CHECK(fenna->display_name == "fenna");
}

namespace {

RosterPerson daan_in_roster() {
    return {"29:daan", "6c1f0e52-0000-4000-8000-00000000000d", "Daan Bakker",
            "Daan.Bakker@school.nl", "daan.bakker@school.nl"};
}

/// The pending roster queries in the console outbox, marked sent (as a dispatcher would).
std::vector<OutboxRow> take_roster_queries(Store& store) {
    std::vector<OutboxRow> queries;
    for (const auto& row : store.due_outbox(Platform::console, demo_now(), 100)) {
        if (std::holds_alternative<RosterQuery>(row.message.content)) {
            queries.push_back(row);
        }
    }
    return queries;
}

}  // namespace

TEST_CASE("a facilitator adds someone by e-mail: the conversation's member list names them",
          "[bot][joining][email]") {
    ConsoleFixture chat;
    chat.session.set_roster({{"member-1", "", "Marieke Jansen", "marieke@hsn.nl", ""},
                             daan_in_roster()});
    CHECK_THAT(chat.say("lid toevoegen daan.bakker@school.nl | deelnemer | Het Kompas"),
               Contains("Daan Bakker (Het Kompas) zit nu in"));
    const auto daan = chat.store->member_by_identity(Platform::console, "29:daan");
    REQUIRE(daan);
    CHECK(daan->display_name == "Daan Bakker");
    // A name typed with the address wins; the address is found case-insensitively.
    chat.session.set_roster(
        {{"29:fenna", "", "F. de Wit", "", "FENNA@school.nl"}, daan_in_roster()});
    CHECK_THAT(chat.say("lid toevoegen Fenna de Wit | gast | fenna@school.nl"),
               Contains("Fenna de Wit zit nu in"));
    CHECK(chat.store->member_by_identity(Platform::console, "29:fenna"));
    // The address itself is stored nowhere: the account is what the bot needs.
    CHECK_THAT(chat.say("mijn gegevens"), !Contains("@school.nl"));
}

TEST_CASE("an e-mail that matches nobody or two people, or a member list the bot may not "
          "read, gets a clear reply and changes nothing",
          "[bot][joining][email]") {
    ConsoleFixture chat;
    const auto before = chat.store->members().size();
    chat.session.set_roster({daan_in_roster()});
    CHECK_THAT(chat.say("lid toevoegen kees@school.nl | deelnemer"),
               Contains("Niemand in dit gesprek heeft het e-mailadres kees@school.nl"));
    auto twin = daan_in_roster();
    twin.user_id = "29:daan-2";
    twin.display_name = "Daan Bakker (2)";
    chat.session.set_roster({daan_in_roster(), twin});
    CHECK_THAT(
        chat.say("lid toevoegen daan.bakker@school.nl | deelnemer"),
        Contains("hoort bij meer dan één persoon in dit gesprek: Daan Bakker en Daan Bakker (2)"));
    chat.session.set_roster({daan_in_roster()}, /*refused=*/true);
    CHECK_THAT(chat.say("lid toevoegen daan.bakker@school.nl | deelnemer"),
               Contains("Ik mag de ledenlijst van dit gesprek niet lezen"));
    CHECK(chat.store->members().size() == before);
    CHECK_FALSE(chat.store->member_by_identity(Platform::console, "29:daan"));
    // In a private chat there is no member list to look in.
    chat.say("/prive");
    CHECK_THAT(chat.say("lid toevoegen daan.bakker@school.nl | deelnemer"),
               Contains("daan.bakker@school.nl in het kanaal, de groepschat of de room"));
}

TEST_CASE("a roster request survives a restart and its answer is applied exactly once",
          "[bot][joining][email][outbox]") {
    ConsoleFixture chat;
    const auto marieke = member_named(*chat.store, "Marieke Jansen");
    InboundEvent typed;
    typed.kind = InboundEvent::Kind::message;
    typed.event_id = "email-1";
    typed.conversation = {Platform::console, "console", Conversation::Kind::group, ""};
    typed.sender = {"member-" + std::to_string(marieke.id), "Marieke Jansen", ""};
    typed.text = "lid toevoegen daan.bakker@school.nl | workshopleider";
    REQUIRE(chat.bot.handle(typed, demo_now()));
    const auto queries = take_roster_queries(*chat.store);
    REQUIRE(queries.size() == 1);
    const auto request_id = std::get<RosterQuery>(queries[0].message.content).request_id;
    CHECK(queries[0].message.to.conversation_id == "console");

    // The process stops here; a new Bot on the same store gets the platform's answer, twice (a
    // dispatcher that crashed before recording the first).
    Bot restarted(*chat.store, chat.bot.settings());
    InboundEvent answer;
    answer.kind = InboundEvent::Kind::roster;
    answer.conversation = typed.conversation;
    answer.roster.request_id = request_id;
    answer.roster.people = {daan_in_roster()};
    answer.event_id = "roster-answer-1";
    const auto first = restarted.handle(answer, demo_now());
    REQUIRE(first);
    REQUIRE(first->message_ids.size() == 1);
    const auto reply = chat.store->outbox_row(first->message_ids.front());
    REQUIRE(reply);
    CHECK_THAT(std::get<TextContent>(reply->message.content).markdown,
               Contains("Daan Bakker zit nu in"));
    answer.event_id = "roster-answer-2";  // another attempt's answer, not a duplicate event
    const auto second = restarted.handle(answer, demo_now());
    REQUIRE(second);
    CHECK(second->message_ids.empty());
    const auto roster = chat.store->roster(chat.demo.network_id);
    CHECK(std::count_if(roster.begin(), roster.end(), [](const RosterEntry& entry) {
              return entry.member.display_name == "Daan Bakker";
          }) == 1);
}

TEST_CASE("on Matrix an e-mail address gets a clear reply: a room has no addresses",
          "[bot][joining][email]") {
    PlatformChat matrix(Platform::matrix);
    CHECK_THAT(matrix.say("lid toevoegen daan@school.nl | deelnemer"),
               Contains("In Matrix kan ik iemand niet op e-mailadres (daan@school.nl) vinden"));
    CHECK(matrix.chat.store->due_outbox(Platform::matrix, demo_now(), 10).size() == 1);
}

TEST_CASE("leden importeren proposes everyone in the conversation who is not a member yet, and "
          "the facilitator's choice joins them as participants, once",
          "[bot][joining][import]") {
    ConsoleFixture chat;
    chat.session.set_roster({{"member-1", "", "Marieke Jansen", "marieke@hsn.nl", ""},
                             daan_in_roster(),
                             {"29:fenna", "", "Fenna de Wit", "fenna@school.nl", ""},
                             {"29:joost", "", "Joost van Dijk", "", ""}});
    const auto card = chat.say("leden importeren");
    CHECK_THAT(card, Contains("Deze 3 mensen in dit gesprek zitten nog niet in"));
    CHECK_THAT(card, Contains("1. Daan Bakker"));
    CHECK_THAT(card, Contains("3. Joost van Dijk"));
    CHECK_THAT(card, !Contains("Marieke Jansen"));  // already a member
    const auto done = chat.say("1, 2");
    CHECK_THAT(done, Contains("Daan Bakker en Fenna de Wit zitten nu in"));
    const auto daan = chat.store->member_by_identity(Platform::console, "29:daan");
    REQUIRE(daan);
    const auto membership = chat.store->membership(chat.demo.network_id, daan->id);
    REQUIRE(membership);
    CHECK(membership->role == Role::participant);
    CHECK_FALSE(chat.store->member_by_identity(Platform::console, "29:joost"));
    // A second import proposes only Joost; a refused member list says so.
    CHECK_THAT(chat.say("leden importeren"),
               Contains("Eén persoon in dit gesprek zit nog niet in"));
    chat.session.set_roster({}, /*refused=*/true);
    CHECK_THAT(chat.say("leden importeren"),
               Contains("Ik mag de ledenlijst van dit gesprek niet lezen"));
}

namespace {

/// The private cards a member was sent, newest last.
std::vector<OutboxRow> cards_to(Store& store, Platform platform, Id member_id) {
    std::vector<OutboxRow> cards;
    for (const auto& row : store.due_outbox(platform, demo_now(), 200)) {
        if (row.message.recipient_member_id == member_id &&
            std::holds_alternative<ChoiceQuestion>(row.message.content)) {
            cards.push_back(row);
        }
    }
    return cards;
}

}  // namespace

TEST_CASE("someone joining or leaving a linked Teams chat is put to the facilitators, who add "
          "or remove them with one click",
          "[bot][joining][changes]") {
    PlatformChat teams(Platform::teams);
    auto& store = *teams.chat.store;
    store.bind_conversation({Platform::teams, "19:kompas@thread.v2", teams.chat.demo.network_id});
    InboundEvent joined;
    joined.kind = InboundEvent::Kind::member_joined;
    joined.event_id = "joined-1";
    joined.conversation = {Platform::teams, "19:kompas@thread.v2", Conversation::Kind::group, ""};
    joined.joined = {{"29:noor", "Noor Hendriks", "aad-noor"}};
    REQUIRE(teams.chat.bot.handle(joined, demo_now()));
    auto cards = cards_to(store, Platform::teams, teams.marieke.id);
    REQUIRE(cards.size() == 1);
    const auto card = std::get<ChoiceQuestion>(cards[0].message.content);
    CHECK_THAT(card.prompt, Contains("Noor Hendriks is bij het gesprek van"));
    CHECK(card.choices[0].label == "Toevoegen");
    CHECK(cards[0].message.to.direct);

    InboundEvent click;
    click.kind = InboundEvent::Kind::action;
    click.event_id = "click-1";
    click.conversation = {Platform::teams, "a:marieke", Conversation::Kind::direct, ""};
    click.sender = {"29:marieke", "Marieke Jansen", ""};
    click.action.action_id = card.action_id;
    click.action.choice_ids = {"ja"};
    const auto clicked = teams.chat.bot.handle(click, demo_now());
    REQUIRE(clicked);
    for (const auto id : clicked->message_ids) {
        const auto row = store.outbox_row(id);
        if (const auto* text = row ? std::get_if<TextContent>(&row->message.content) : nullptr) {
            INFO(text->markdown);
            CHECK_THAT(text->markdown, !Contains("niet"));
        }
    }
    const auto noor = store.member_by_identity(Platform::teams, "29:noor");
    REQUIRE(noor);
    CHECK(store.membership(teams.chat.demo.network_id, noor->id));
    // The same card again: nothing more happens.
    click.event_id = "click-2";
    REQUIRE(teams.chat.bot.handle(click, demo_now()));
    CHECK(store.members().size() == teams.chat.store->members().size());

    // Noor leaves the chat: the facilitator may take her out.
    InboundEvent left;
    left.kind = InboundEvent::Kind::member_left;
    left.event_id = "left-1";
    left.conversation = joined.conversation;
    left.left = {{"29:noor", "Noor Hendriks", ""}};
    REQUIRE(teams.chat.bot.handle(left, demo_now()));
    cards = cards_to(store, Platform::teams, teams.marieke.id);
    REQUIRE_FALSE(cards.empty());
    const auto removal = std::get<ChoiceQuestion>(cards.back().message.content);
    CHECK_THAT(removal.prompt, Contains("Noor Hendriks heeft het gesprek van"));
    click.event_id = "click-3";
    click.action.action_id = removal.action_id;
    REQUIRE(teams.chat.bot.handle(click, demo_now()));
    CHECK_FALSE(store.membership(teams.chat.demo.network_id, noor->id));

    // Someone leaving who was never a member, or a chat that is not linked: nobody is asked.
    const auto before = cards_to(store, Platform::teams, teams.marieke.id).size();
    left.event_id = "left-2";
    left.left = {{"29:stranger", "Iemand", ""}};
    REQUIRE(teams.chat.bot.handle(left, demo_now()));
    CHECK(cards_to(store, Platform::teams, teams.marieke.id).size() == before);
}

TEST_CASE("a non-member writing in a linked chat is told once, privately, and can join the way "
          "the network chose",
          "[bot][joining][self-join]") {
    PlatformChat teams(Platform::teams);
    auto& store = *teams.chat.store;
    const auto network_id = teams.chat.demo.network_id;
    store.bind_conversation({Platform::teams, "19:kompas@thread.v2", network_id});
    const auto write = [&](const std::string& id, const std::string& text) {
        InboundEvent event;
        event.kind = InboundEvent::Kind::message;
        event.event_id = id;
        event.conversation = {Platform::teams, "19:kompas@thread.v2", Conversation::Kind::group,
                              ""};
        event.sender = {"29:noor", "Noor Hendriks", ""};
        event.text = text;
        const auto handled = teams.chat.bot.handle(event, demo_now());
        REQUIRE(handled);
        std::vector<OutboxRow> rows;
        for (const auto message_id : handled->message_ids) {
            rows.push_back(*store.outbox_row(message_id));
        }
        return rows;
    };
    const auto private_text = [](const std::vector<OutboxRow>& rows) {
        std::string out;
        for (const auto& row : rows) {
            const auto* text = std::get_if<TextContent>(&row.message.content);
            if (row.message.to.direct && text) {
                out += text->markdown;
            }
        }
        return out;
    };
    // On request (the default): one private explanation, the first time only.
    auto rows = write("noor-1", "hulp");
    CHECK_THAT(private_text(rows),
               Contains("Typ **doe mee**, dan vraag ik het de procesbegeleider"));
    CHECK(rows.front().message.to.user_id == "29:noor");
    CHECK_THAT(private_text(write("noor-2", "hulp")), !Contains("doe mee"));
    // "doe mee" asks the facilitator, who approves with one click.
    CHECK_THAT(private_text(write("noor-3", "doe mee")), Contains("Ik heb de procesbegeleider"));
    const auto cards = cards_to(store, Platform::teams, teams.marieke.id);
    REQUIRE(cards.size() == 1);
    const auto card = std::get<ChoiceQuestion>(cards[0].message.content);
    CHECK_THAT(card.prompt, Contains("Noor Hendriks wil meedoen met"));
    InboundEvent click;
    click.kind = InboundEvent::Kind::action;
    click.event_id = "approve-1";
    click.conversation = {Platform::teams, "a:marieke", Conversation::Kind::direct, ""};
    click.sender = {"29:marieke", "Marieke Jansen", ""};
    click.action.action_id = card.action_id;
    click.action.choice_ids = {"ja"};
    REQUIRE(teams.chat.bot.handle(click, demo_now()));
    const auto noor = store.member_by_identity(Platform::teams, "29:noor");
    REQUIRE(noor);
    CHECK(store.membership(network_id, noor->id));

    // Closed: nobody joins by themselves; open: anyone does at once.
    CHECK_THAT(teams.say("netwerk toetreden gesloten"), Contains("is nu gesloten"));
    CHECK_THAT(teams.say("netwerk toetreden"), Contains("is gesloten"));
    CHECK_THAT(teams.say("netwerk toetreden misschien"), Contains("ken ik niet"));
    InboundEvent other;
    other.kind = InboundEvent::Kind::message;
    other.event_id = "sem-1";
    other.conversation = {Platform::teams, "19:kompas@thread.v2", Conversation::Kind::group, ""};
    other.sender = {"29:sem", "Sem de Groot", ""};
    other.text = "doe mee";
    REQUIRE(teams.chat.bot.handle(other, demo_now()));
    CHECK_FALSE(store.member_by_identity(Platform::teams, "29:sem"));
    CHECK_THAT(teams.say("netwerk toetreden open"), Contains("is nu open"));
    other.event_id = "sem-2";
    REQUIRE(teams.chat.bot.handle(other, demo_now()));
    const auto sem = store.member_by_identity(Platform::teams, "29:sem");
    REQUIRE(sem);
    const auto membership = store.membership(network_id, sem->id);
    REQUIRE(membership);
    CHECK(membership->role == Role::participant);
}

TEST_CASE("a member-list request the platform never answers ends as failed, and its address is "
          "forgotten",
          "[bot][joining][email][outbox]") {
    ConsoleFixture chat;
    const auto marieke = member_named(*chat.store, "Marieke Jansen");
    InboundEvent typed;
    typed.kind = InboundEvent::Kind::message;
    typed.event_id = "email-1";
    typed.conversation = {Platform::console, "console", Conversation::Kind::group, ""};
    typed.sender = {"member-" + std::to_string(marieke.id), "Marieke Jansen", ""};
    typed.text = "lid toevoegen daan.bakker@school.nl | workshopleider";
    REQUIRE(chat.bot.handle(typed, demo_now()));
    const auto queries = take_roster_queries(*chat.store);
    REQUIRE(queries.size() == 1);
    const auto request_id = std::get<RosterQuery>(queries[0].message.content).request_id;
    REQUIRE(chat.store->adapter_state("core.roster_request:" + request_id).value_or("") != "");

    // The dispatcher gives the request up (past its horizon), as it does a message.
    chat.store->transaction([&] {
        chat.store->mark_outbox_failed(queries[0].message.id, "no longer useful", demo_now());
        chat.bot.delivery_given_up(queries[0].message.id, demo_now());
    });
    REQUIRE(chat.bot.tick(demo_now()));
    std::string told;
    for (const auto& row : chat.store->due_outbox(Platform::console, demo_now(), 100)) {
        if (const auto* text = std::get_if<TextContent>(&row.message.content)) {
            told += text->markdown + "\n";
        }
    }
    CHECK_THAT(told, Contains("daan.bakker@school.nl"));
    CHECK_THAT(told, !Contains("niet aangekomen"));  // no "my answer did not arrive" for it
    CHECK(chat.store->adapter_state("core.roster_request:" + request_id).value_or("") == "");
}
