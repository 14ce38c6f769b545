// Members join the way people do on their platform: a facilitator names them with a Teams
// @mention, a Matrix pill or a typed Matrix id, and the bot links that account at once.
#include <catch2/catch.hpp>

#include "support/console_fixture.hpp"

using namespace leernetwerk;
using leernetwerk::testing::ConsoleFixture;
using leernetwerk::testing::demo_now;

namespace {

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
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
    CHECK(contains(reply, "Daan Bakker (Het Kompas) zit nu in"));
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
    CHECK(contains(std::get<TextContent>(row->message.content).markdown, "Daan Bakker"));
}

TEST_CASE("the name Teams shows wins over the name typed with the mention, and a mention "
          "in the account place links it too",
          "[bot][joining][mention]") {
    PlatformChat teams(Platform::teams);
    // Typed "@Daan" and picked Daan Bakker: Teams leaves "Daan Bakker" in the text.
    auto mention = daan_on_teams();
    CHECK(contains(teams.say("lid toevoegen Daan Bakker | workshopleider", {mention}),
                   "Daan Bakker zit nu in"));
    CHECK(teams.chat.store->member_by_identity(Platform::teams, "29:daan"));

    PlatformChat other(Platform::teams);
    CHECK(contains(other.say("lid toevoegen Daan B. | deelnemer | Het Kompas | Daan Bakker",
                             {mention}),
                   "Daan B. (Het Kompas) zit nu in"));
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
    CHECK(contains(teams.say("lid toevoegen Daan Bakker (Het Kompas) | deelnemer", {renamed}),
                   "Daan Bakker zit al in"));
    CHECK_FALSE(teams.in_network("Daan Bakker (Het Kompas)"));
}

TEST_CASE("an @name that names nobody, or a channel, gets a clear reply and changes nothing",
          "[bot][joining][mention]") {
    PlatformChat teams(Platform::teams);
    const auto before = teams.chat.store->members().size();
    const auto unknown = teams.say("lid toevoegen @Daan Bakker | deelnemer | Het Kompas");
    CHECK(contains(unknown, "Typ @ en kies de naam uit de lijst die Teams toont"));
    InboundMention channel{"19:general@thread.tacv2", "Algemeen", "Algemeen", "", false};
    CHECK(contains(teams.say("lid toevoegen Algemeen | deelnemer", {channel}),
                   "\"Algemeen\" is een kanaal of groep, geen persoon"));
    CHECK(teams.chat.store->members().size() == before);

    PlatformChat matrix(Platform::matrix);
    CHECK(contains(matrix.say("lid toevoegen @daan | deelnemer"),
                   "typ de volledige Matrix-id, zoals @daan:school.nl"));
    CHECK_FALSE(matrix.in_network("@daan"));
}

TEST_CASE("a Matrix pill or a typed Matrix id links that account", "[bot][joining][mention]") {
    PlatformChat matrix(Platform::matrix);
    // A pill: the body carries the name the client showed.
    InboundMention pill{"@daan:school.nl", "Daan Bakker", "Daan Bakker", "", true};
    CHECK(contains(matrix.say("lid toevoegen Daan Bakker | deelnemer | Het Kompas", {pill}),
                   "Daan Bakker (Het Kompas) zit nu in"));
    CHECK(matrix.chat.store->member_by_identity(Platform::matrix, "@daan:school.nl"));

    // A typed id with no display name known: the localpart until they write themselves.
    InboundMention typed{"@fenna:school.nl", "", "@fenna:school.nl", "", true};
    CHECK(contains(matrix.say("lid toevoegen @fenna:school.nl | deelnemer", {typed}),
                   "fenna zit nu in"));
    const auto fenna = matrix.chat.store->member_by_identity(Platform::matrix, "@fenna:school.nl");
    REQUIRE(fenna);
    CHECK(fenna->display_name == "fenna");
}
