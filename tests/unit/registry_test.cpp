// The registry every feature fills (bot/engine/registry.hpp): each command it registers can be
// typed, has its help in both languages, and is refused by the router, the same way, to a member
// who may not use it.
#include <algorithm>
#include <set>

#include <catch2/catch.hpp>

#include "bot/engine/registry.hpp"
#include "bot/i18n/i18n.hpp"
#include "support/console_fixture.hpp"

using leernetwerk::testing::ConsoleFixture;
using namespace leernetwerk;
using detail::Access;

TEST_CASE("every registered command has its syntax and help in Dutch and English",
          "[registry]") {
    const auto& commands = detail::registry().commands();
    REQUIRE(commands.size() > 70);
    std::set<std::string_view> keys;
    for (const auto& route : commands) {
        INFO(route.spec.key);
        CHECK(keys.insert(route.spec.key).second);
        CHECK(route.run);
        if (route.spec.key == "yes" || route.spec.key == "no") {
            continue;  // answers, not commands to look up
        }
        for (const auto lang : {Lang::nl, Lang::en}) {
            for (const auto* stem : {"cmd.", "help."}) {
                const auto key = stem + std::string(route.spec.key);
                CHECK(tr(lang, key) != "[" + key + "]");
            }
        }
        // The phrase help shows is one the parser reads as this command.
        for (const auto shown : {route.spec.phrase_nl, route.spec.phrase_en}) {
            const auto parsed = parse_command(shown);
            REQUIRE(parsed);
            CHECK(parsed->key == route.spec.key);
        }
    }
}

TEST_CASE("the router refuses every facilitator's command to a participant, naming who can",
          "[registry][roles]") {
    ConsoleFixture chat;
    chat.as("Sanne");  // a participant of the demo network
    int refused = 0;
    for (const auto& route : detail::registry().commands()) {
        if (route.access != Access::manager || route.network_from_args) {
            continue;
        }
        INFO(route.spec.key);
        auto reply = chat.say(std::string(route.spec.phrase_nl) + " 1");
        std::replace(reply.begin(), reply.end(), '\n', ' ');
        CHECK_THAT(reply, Catch::Contains("Alleen organisatoren en procesbegeleiders van HSN-café "
                                          "Feedback die werkt kunnen"));
        CHECK_THAT(reply, Catch::Contains("Marieke Jansen"));
        ++refused;
    }
    CHECK(refused >= 30);
    // A command that shows for everyone and changes for those who run the network.
    auto shown = chat.say("ambitie");
    CHECK_THAT(shown, !Catch::Contains("Alleen organisatoren"));
    auto set = chat.say("ambitie Iedereen geeft feedback die werkt");
    std::replace(set.begin(), set.end(), '\n', ' ');
    CHECK_THAT(set, Catch::Contains("Alleen organisatoren en procesbegeleiders"));
}
