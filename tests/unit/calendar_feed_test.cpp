// Calendar feeds as members and facilitators use them (issue 18): `agenda-link` typed in the chat,
// the feed read with the token from the private answer, and parsed back with libical as a
// calendar app reads it, moved and cancelled meetings included.
#include <algorithm>
#include <memory>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <libical/ical.h>
#include <catch2/catch.hpp>

#include "app/ics.hpp"
#include "bot/features/calendar/calendar_feed.hpp"
#include "support/console_fixture.hpp"

namespace {

using namespace leernetwerk;
using leernetwerk::testing::ConsoleFixture;

struct ComponentDeleter {
    void operator()(icalcomponent* component) const { icalcomponent_free(component); }
};
using Component = std::unique_ptr<icalcomponent, ComponentDeleter>;
using Catch::Matchers::Contains;

BotSettings with_public_url() {
    BotSettings settings;
    settings.public_url = "https://leernetwerk.school.nl/";
    return settings;
}

/// The token of the feed URL in a reply; empty when the reply has none.
std::string token_in(const std::string& reply) {
    static const std::regex kUrl(R"(https://leernetwerk\.school\.nl/ics/([0-9a-f]{48})\.ics)");
    std::smatch match;
    return std::regex_search(reply, match, kUrl) ? std::string(match[1]) : std::string();
}

/// What `GET /ics/<token>.ics` answers (nullopt: 404).
std::optional<std::string> feed(ConsoleFixture& chat, const std::string& token) {
    return app::calendar_feed_body(*chat.store, token, "Europe/Amsterdam", "school.nl",
                                   leernetwerk::testing::demo_now());
}

Component parse(const std::string& text) {
    Component calendar{icalparser_parse_string(text.c_str())};
    REQUIRE(calendar);
    REQUIRE(icalcomponent_isa(calendar.get()) == ICAL_VCALENDAR_COMPONENT);
    return calendar;
}

/// The UIDs of the calendar's events.
std::set<std::string> uids(icalcomponent* calendar) {
    std::set<std::string> result;
    for (icalcomponent* event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
         event; event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
        result.insert(icalcomponent_get_uid(event));
    }
    return result;
}

icalcomponent* event_with_uid(icalcomponent* calendar, const std::string& uid) {
    for (icalcomponent* event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
         event; event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
        if (uid == icalcomponent_get_uid(event)) {
            return event;
        }
    }
    FAIL("no VEVENT with UID " << uid);
    return nullptr;
}

}  // namespace

TEST_CASE("without a public URL configured the bot says the administrator must set it",
          "[calendar][conversation]") {
    ConsoleFixture chat;
    chat.as("Anna de Vries");
    const auto reply = chat.say("agenda-link");
    CHECK_THAT(reply, Contains("de beheerder moet eerst `[server] public_url` instellen"));
    CHECK(token_in(reply).empty());
    CHECK_FALSE(chat.store->has_calendar_feed(chat.demo.network_id, std::nullopt));
}

TEST_CASE(
    "a member gets the network's calendar link once, and a facilitator renews it and the old "
    "one stops",
    "[calendar][conversation]") {
    ConsoleFixture chat{":memory:", leernetwerk::testing::demo_now(), with_public_url()};
    chat.as("Anna de Vries");
    const auto first = chat.say("agenda-link");
    const auto token = token_in(first);
    REQUIRE(token.size() == 48);
    CHECK_THAT(first, Contains("Dit is de agenda-link van HSN-café Feedback die werkt:"));
    CHECK_THAT(first, Contains("in Outlook via Agenda toevoegen > Abonneren vanaf internet"));
    CHECK_THAT(first, Contains("Google Agenda"));
    CHECK_THAT(first, Contains("Apple Agenda"));
    CHECK_THAT(first, Contains("maar één keer"));
    // Only a hash of the token is kept.
    const auto stored = chat.store->calendar_feed(calendar_feed_token_hash(token));
    REQUIRE(stored);
    CHECK(stored->token_hash != token);
    CHECK_FALSE(stored->member_id.has_value());

    // The feed holds the network's three meetings.
    const auto body = feed(chat, token);
    REQUIRE(body);
    const auto calendar = parse(*body);
    CHECK(uids(calendar.get()) == std::set<std::string>{"meeting-1@school.nl",
                                                        "meeting-2@school.nl",
                                                        "meeting-3@school.nl"});
    CHECK(std::string(
              icalcomponent_get_summary(event_with_uid(calendar.get(), "meeting-2@school.nl"))) ==
          "Feedback op schrijfopdrachten met rubrics");

    // Asked again, the link is not shown: the bot cannot, and says who can make a new one.
    chat.as("Sanne Bakker");
    const auto again = chat.say("agenda link");
    CHECK(token_in(again).empty());
    CHECK_THAT(again, Contains("De agenda-link van HSN-café Feedback die werkt is al gemaakt"));
    CHECK_THAT(again, Contains("die met agenda-link vernieuwen ook een nieuwe kan maken"));
    CHECK_THAT(chat.say("agenda-link vernieuwen"), Contains("Marieke Jansen"));
    CHECK(feed(chat, token).has_value());

    chat.as("Marieke Jansen");
    CHECK_THAT(chat.say("agenda-link"),
               Contains("Kwijt? Typ agenda-link vernieuwen voor een nieuwe"));
    const auto renewed = chat.say("agenda-link vernieuwen");
    const auto fresh = token_in(renewed);
    REQUIRE(fresh.size() == 48);
    CHECK(fresh != token);
    CHECK_THAT(renewed, Contains("De nieuwe agenda-link van HSN-café Feedback die werkt"));
    CHECK_FALSE(feed(chat, token).has_value());  // the old URL answers 404 at once
    CHECK(feed(chat, fresh).has_value());

    // The English twins, in her private chat (a group hears the network's language).
    chat.as("Anna de Vries");
    chat.say("/prive");
    chat.say("taal en");
    CHECK_THAT(chat.say("calendar link"), Contains("has been made already"));
    const auto personal = chat.say("calendar link personal");
    CHECK(token_in(personal).size() == 48);
    CHECK_THAT(personal, Contains("This link is for you alone."));
    CHECK_THAT(personal, Contains("in Outlook via Add calendar > Subscribe from web"));
    CHECK_THAT(chat.say("help calendar link"),
               Contains("Subscribe to it in Outlook, Google or Apple"));
}

TEST_CASE(
    "a personal feed holds only the meetings the member comes to, and moved and cancelled "
    "meetings are updated in the calendars",
    "[calendar][conversation][ics]") {
    ConsoleFixture chat{":memory:", leernetwerk::testing::demo_now(), with_public_url()};
    chat.as("Anna de Vries");
    chat.say("ik kom 2");
    chat.say("ik kom 3");
    const auto personal = token_in(chat.say("agenda-link persoonlijk"));
    REQUIRE(personal.size() == 48);
    {
        const auto body = feed(chat, personal);
        REQUIRE(body);
        CHECK(uids(parse(*body).get()) ==
              std::set<std::string>{"meeting-2@school.nl", "meeting-3@school.nl"});
    }

    chat.as("Marieke Jansen");
    const auto network = token_in(chat.say("agenda-link"));
    REQUIRE(network.size() == 48);
    CHECK_THAT(chat.say("verplaats bijeenkomst 2 naar 10 februari"),
               Contains("is verplaatst naar"));
    chat.say("annuleer bijeenkomst 3");
    CHECK_THAT(chat.say("ja"), Contains("geannuleerd"));

    const auto body = feed(chat, network);
    REQUIRE(body);
    const auto calendar = parse(*body);
    auto* moved = event_with_uid(calendar.get(), "meeting-2@school.nl");
    CHECK(icalcomponent_get_sequence(moved) == 1);
    CHECK(icalcomponent_get_status(moved) == ICAL_STATUS_CONFIRMED);
    CHECK_THAT(*body, Contains("DTSTART;TZID=Europe/Amsterdam:20270210T153000\r\n"));
    CHECK(icalcomponent_get_timezone(calendar.get(), "Europe/Amsterdam") != nullptr);
    CHECK(std::string(icalcomponent_get_location(moved)) == "Het Kompas, Nijkerk");
    auto* cancelled = event_with_uid(calendar.get(), "meeting-3@school.nl");
    CHECK(icalcomponent_get_status(cancelled) == ICAL_STATUS_CANCELLED);
    CHECK(icalcomponent_get_sequence(cancelled) == 1);

    // Her personal feed shows the cancellation too.
    const auto mine = feed(chat, personal);
    REQUIRE(mine);
    const auto own = parse(*mine);
    CHECK(icalcomponent_get_status(event_with_uid(own.get(), "meeting-3@school.nl")) ==
          ICAL_STATUS_CANCELLED);
    CHECK_FALSE(uids(own.get()).contains("meeting-1@school.nl"));

    // Asking again gives a new personal link; the old one stops.
    chat.as("Anna de Vries");
    const auto newer = token_in(chat.say("agenda-link persoonlijk"));
    REQUIRE(newer.size() == 48);
    CHECK_FALSE(feed(chat, personal).has_value());
    CHECK(feed(chat, newer).has_value());

    // "mijn gegevens" says she has one; erasing her stops it.
    CHECK_THAT(chat.say("mijn gegevens"),
               Contains("Je hebt een persoonlijke agenda-link van HSN-café Feedback die werkt."));
    const auto members = chat.store->members();
    const auto anna = std::find_if(members.begin(), members.end(), [](const Member& member) {
        return member.display_name == "Anna de Vries";
    });
    REQUIRE(anna != members.end());
    chat.store->erase_member(anna->id);
    CHECK_FALSE(feed(chat, newer).has_value());
    CHECK(feed(chat, network).has_value());
}

TEST_CASE("an unknown or malformed token gives no calendar", "[calendar]") {
    ConsoleFixture chat{":memory:", leernetwerk::testing::demo_now(), with_public_url()};
    for (const std::string& token :
         std::vector<std::string>{"", "nonsense", std::string(48, '0'), std::string(48, 'z')}) {
        CHECK_FALSE(feed(chat, token).has_value());
    }
    CHECK(calendar_feed_token_from_path("/ics/" + std::string(48, 'a') + ".ics") ==
          std::string(48, 'a'));
    CHECK(calendar_feed_token_from_path("/ics/ABC.ics").empty());
    CHECK(calendar_feed_token_from_path("/ics/abc").empty());
    CHECK(calendar_feed_token_from_path("/ics/../x.ics").empty());
}
