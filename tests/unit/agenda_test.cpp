// Agenda input and the dot vote, as conversations in the demo network (issue 6): members add
// items (typed and through the form), dot-vote, the facilitator settles the agenda, and the
// agenda digest publishes it with times and preparers; what was not accepted rolls over.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "support/console_fixture.hpp"
#include "support/sent_content.hpp"

using namespace leernetwerk;
using Catch::Matchers::Contains;
using leernetwerk::testing::bar_of;
using leernetwerk::testing::newest_summary;
using leernetwerk::testing::ConsoleFixture;

namespace {

/// The Markdown of the last message the console printed, as the core wrote it.
std::string last_markdown(ConsoleFixture& chat) {
    const auto rows = chat.store->outbox_in_state(Platform::console, OutboxState::sent);
    REQUIRE(!rows.empty());
    const auto& content = rows.back().message.content;
    REQUIRE(std::holds_alternative<TextContent>(content));
    return std::get<TextContent>(content).markdown;
}

AgendaItem item(ConsoleFixture& chat, Id id) {
    auto found = chat.store->agenda_item(id);
    REQUIRE(found.has_value());
    return *found;
}

int dots_of(ConsoleFixture& chat, const std::string& name, Id item_id) {
    Id member_id = 0;
    for (const auto& member : chat.store->members()) {
        if (member.display_name == name) {
            member_id = member.id;
        }
    }
    int dots = 0;
    for (const auto& dot : chat.store->agenda_dots(chat.demo.network_id)) {
        if (dot.member_id == member_id && dot.item_id == item_id) {
            dots += dot.dots;
        }
    }
    return dots;
}

int total_dots_of(ConsoleFixture& chat, const std::string& name) {
    int dots = 0;
    for (const auto& dot : chat.store->agenda_dots(chat.demo.network_id)) {
        const auto member = chat.store->member(dot.member_id);
        if (member && member->display_name == name) {
            dots += dot.dots;
        }
    }
    return dots;
}

/// Five items for the meeting of 9 February 2027 (#2), one of each way in.
void collect_items(ConsoleFixture& chat) {
    chat.as("Anna");
    REQUIRE_THAT(chat.say("agendapunt Rekenen in groep 8 | we lopen vast bij breuken | ik leid in"),
                 Contains("Agendapunt #1 staat op de lijst"));
    chat.as("Sanne");
    REQUIRE_THAT(chat.say("agendapunt"), Contains("agendapunt = Agendapunt (verplicht)"));
    chat.say("text=Kleuters observeren");
    chat.say("explanation=hoe leg je vast wat je ziet?");
    chat.say("kind=succes");
    chat.say("introduce=ja");
    REQUIRE_THAT(chat.say(""), Contains("Agendapunt #2 staat op de lijst"));
    chat.as("Joost");
    REQUIRE_THAT(
        chat.say("agendapunt Feedback met **digitale** tools <b>nu</b> [klik](http://x) | anoniem"),
        Contains("Agendapunt #3 staat op de lijst"));
    chat.as("Pieter");
    REQUIRE_THAT(chat.say("agendapunt Ruzie in de klas | casus"),
                 Contains("Agendapunt #4 staat op de lijst"));
    chat.as("Lotte");
    REQUIRE_THAT(chat.say("agendapunt Begrijpend lezen"),
                 Contains("Agendapunt #5 staat op de lijst"));
    chat.as("Marieke");
}

}  // namespace

TEST_CASE("members add items, dot-vote, and the digest publishes the settled agenda",
          "[agenda][conversation]") {
    ConsoleFixture chat;
    // Marieke Jansen organises the demo network; its next meeting is #2, 9 February 2027 15:30.
    const auto empty = chat.say("agenda");
    CHECK_THAT(empty,
               Contains("Agenda van HSN-café Feedback die werkt voor de bijeenkomst van di 9 feb "
                        "2027 15:30 (#2)"));
    CHECK_THAT(empty, Contains("Nog geen agendapunten"));

    chat.as("Anna");
    const auto added =
        chat.say("agendapunt Rekenen in groep 8 | we lopen vast bij breuken | ik leid in");
    CHECK_THAT(added, Contains(">>> bot to HSN-café Feedback die werkt"));
    CHECK_THAT(added,
               Contains("Agendapunt #1 staat op de lijst voor de bijeenkomst van di 9 feb 2027 "
                        "15:30 (#2): Rekenen in groep 8. Fijn dat je het wilt inleiden!"));
    const auto first = item(chat, 1);
    CHECK(first.text == "Rekenen in groep 8");
    CHECK(first.explanation == "we lopen vast bij breuken");
    CHECK(first.meeting_id == std::optional<Id>(2));
    CHECK(first.status == AgendaStatus::proposed);
    REQUIRE(first.submitters.size() == 1);
    CHECK(first.submitters[0].introduces);
    CHECK_FALSE(first.submitters[0].hidden);

    // Sanne prefers the form.
    chat.as("Sanne");
    const auto form = chat.say("agendapunt");
    CHECK_THAT(form, Contains("Agendapunt voor HSN-café Feedback die werkt"));
    CHECK_THAT(form, Contains("inleiden = Ik kan het inleiden"));
    chat.say("text=Kleuters observeren");
    chat.say("explanation=hoe leg je vast wat je ziet?");
    chat.say("kind=succes");
    chat.say("introduce=ja");
    const auto submitted = chat.say("");
    CHECK_THAT(submitted,
               Contains("Agendapunt #2 staat op de lijst voor de bijeenkomst van di 9 feb "
                        "2027 15:30 (#2): Kleuters observeren. Soort: succes of leermoment. "
                        "Fijn dat je het wilt inleiden!"));
    CHECK(item(chat, 2).kind == AgendaItemKind::success);
    CHECK(item(chat, 2).explanation == "hoe leg je vast wat je ziet?");

    // Joost stays hidden, and his Markdown and HTML stay text.
    chat.as("Joost");
    const auto hidden =
        chat.say("agendapunt Feedback met **digitale** tools <b>nu</b> [klik](http://x) | anoniem");
    CHECK_THAT(hidden, Contains(">>> bot to Joost van Dijk (privé)"));
    CHECK_THAT(hidden, Contains("Andere leden zien niet dat het van jou komt"));
    CHECK_THAT(
        last_markdown(chat),
        Contains("Feedback met \\*\\*digitale\\*\\* tools \\<b\\>nu\\</b\\> \\[klik\\](http://x)"));
    CHECK(item(chat, 3).submitters.at(0).hidden);

    // A casus is for the facilitator's eyes.
    chat.as("Pieter");
    const auto casus = chat.say("agendapunt Ruzie in de klas | casus");
    CHECK_THAT(casus, Contains(">>> bot to Pieter Visser (privé)"));
    CHECK_THAT(casus, Contains("Een casus zien alleen de organisatoren en procesbegeleiders"));
    CHECK(item(chat, 4).kind == AgendaItemKind::case_study);

    chat.as("Lotte");
    CHECK_THAT(chat.say("agendapunt Begrijpend lezen"),
               Contains("Agendapunt #5 staat op de lijst"));

    // A member sees the proposals, without the casus and without Joost's name.
    chat.as("Anna");
    const auto members_view = chat.say("agenda");
    CHECK_THAT(members_view, Contains(">>> bot to HSN-café Feedback die werkt"));
    CHECK_THAT(members_view,
               Contains("- #1 Rekenen in groep 8: we lopen vast bij breuken · van Anna "
                        "de Vries (leidt in)"));
    CHECK_THAT(members_view,
               Contains("- #3 Feedback met **digitale** tools <b>nu</b> [klik](http://x)\n"));
    CHECK_THAT(members_view, !Contains("Ruzie"));
    CHECK_THAT(members_view, !Contains("Joost"));
    CHECK_THAT(last_markdown(chat), Contains("\\*\\*digitale\\*\\*"));

    // Who brought in a case or stayed hidden sees it in their own list, privately.
    chat.as("Pieter");
    const auto own_case = chat.say("agenda");
    CHECK_THAT(own_case, Contains(">>> bot to Pieter Visser (privé)"));
    CHECK_THAT(own_case, Contains("- #4 Ruzie in de klas · casus · van Pieter Visser"));
    chat.as("Joost");
    const auto own_hidden = chat.say("agenda");
    CHECK_THAT(own_hidden, Contains(">>> bot to Joost van Dijk (privé)"));
    CHECK_THAT(own_hidden, Contains("van Joost van Dijk (naam verborgen)"));
    CHECK_THAT(own_hidden, !Contains("Ruzie"));

    // The facilitator sees everything, privately.
    chat.as("Marieke");
    const auto full_view = chat.say("agenda");
    CHECK_THAT(full_view, Contains(">>> bot to Marieke Jansen (privé)"));
    CHECK_THAT(full_view,
               Contains("- #3 Feedback met **digitale** tools <b>nu</b> [klik](http://x) · "
                        "van Joost van Dijk (naam verborgen)"));
    CHECK_THAT(full_view, Contains("- #4 Ruzie in de klas · casus · van Pieter Visser"));

    // The dot vote opens; the members hear so in the network's conversation.
    const auto opened = chat.say("agenda stemmen");
    CHECK_THAT(opened,
               Contains(">>> bot to HSN-café Feedback die werkt\nStippenstemming voor HSN-café "
                        "Feedback die werkt, over de bijeenkomst van di 9 feb 2027 15:30 (#2): "
                        "je hebt 3 stippen."));
    CHECK_THAT(opened, Contains("- #5 Begrijpend lezen · van Lotte Mulder"));
    CHECK_THAT(opened, !Contains("Ruzie"));
    CHECK_THAT(opened, !Contains("Joost"));

    chat.as("Anna");
    const auto spread = chat.say("stip 1 1 3");
    CHECK_THAT(spread, Contains(">>> bot to Anna de Vries (privé)"));
    CHECK_THAT(spread, Contains("- 2 stippen op #1 Rekenen in groep 8"));
    CHECK_THAT(spread, Contains("- 1 stip op #3 Feedback met"));
    chat.as("Sanne");
    CHECK_THAT(chat.say("stip 2"), Contains("Je hebt nog 2 stippen over"));
    // Voting again replaces: all three stacked on #5.
    CHECK_THAT(chat.say("stip 5 5 5"), Contains("- 3 stippen op #5 Begrijpend lezen"));
    CHECK(dots_of(chat, "Sanne Bakker", 2) == 0);
    CHECK(dots_of(chat, "Sanne Bakker", 5) == 3);
    chat.as("Joost");
    chat.say("stip 1, 2, 5");
    chat.as("Lotte");
    chat.say("stip #1");

    // Dots that cannot be given change nothing.
    chat.as("Esther");
    CHECK_THAT(chat.say("stip 1 2 3 5"), Contains("Dat zijn 4 stippen; je hebt er 3."));
    CHECK_THAT(chat.say("stip 99"),
               Contains("Punt #99 staat niet open voor de stemming. Kies uit: #1, "
                        "#2, #3 en #5."));
    CHECK_THAT(chat.say("stip 4"), Contains("Punt #4 staat niet open voor de stemming"));
    CHECK_THAT(chat.say("stip drie"), Contains("\"drie\" is geen nummer van een punt"));
    CHECK(total_dots_of(chat, "Esther Hendriks") == 0);

    // The facilitator follows the tally privately: #1 4, #5 4, #2 1, #3 1.
    chat.as("Marieke");
    const auto tally = chat.say("agenda stand");
    CHECK_THAT(tally, Contains(">>> bot to Marieke Jansen (privé)\nTussenstand stippen"));
    // The dots as sent, most first (the console draws them as bars; console_test checks that).
    const auto sent_tally = newest_summary(*chat.store, "Tussenstand stippen");
    REQUIRE(sent_tally);
    REQUIRE(sent_tally->bars.size() >= 3);
    CHECK(sent_tally->bars[0].label == "#1 Rekenen in groep 8");
    CHECK(sent_tally->bars[0].value == 4);
    CHECK(sent_tally->bars[0].display == "4 stippen");
    CHECK(sent_tally->bars[1].label == "#5 Begrijpend lezen");
    CHECK(sent_tally->bars[1].value == 4);
    CHECK(sent_tally->bars[2].label == "#2 Kleuters observeren");
    CHECK(sent_tally->bars[2].value == 1);
    CHECK(sent_tally->bars[2].display == "1 stip");
    CHECK_THAT(tally, Contains("#1 Rekenen in groep 8"));
    CHECK_THAT(tally, Contains("4 van de 10 leden hebben gestemd."));

    const auto closed = chat.say("agenda stemmen sluiten");
    CHECK_THAT(closed, Contains(">>> bot to HSN-café Feedback die werkt\nUitslag stippenstemming: "
                   "HSN-café Feedback die werkt"));
    const auto sent_result = newest_summary(*chat.store, "Uitslag stippenstemming");
    REQUIRE(sent_result);
    const auto most = bar_of(*sent_result, "#1 Rekenen in groep 8");
    REQUIRE(most);
    CHECK(most->value == 4);
    CHECK(most->display == "4 stippen");
    CHECK_THAT(closed, Contains("4 van de 10 leden stemden."));
    // The list is now in order of dots (the casus keeps its place).
    std::vector<Id> order;
    for (const auto& listed : chat.store->agenda_items(chat.demo.network_id)) {
        order.push_back(listed.id);
    }
    CHECK(order == std::vector<Id>{1, 5, 2, 4, 3});

    chat.as("Anna");
    CHECK_THAT(chat.say("stip 1"), Contains("Er loopt nu geen stippenstemming"));
    CHECK(dots_of(chat, "Anna de Vries", 1) == 2);

    // The facilitator settles the agenda.
    chat.as("Marieke");
    CHECK_THAT(chat.say("agenda accepteer 1 5"),
               Contains("Punten #1 en #5 staan vast op de agenda."));
    CHECK_THAT(chat.say("agenda parkeer 2"),
               Contains("Punt #2 is geparkeerd: Kleuters observeren."));
    const auto merged = chat.say("agenda samenvoegen 1 3");
    CHECK_THAT(merged, Contains(">>> bot to Marieke Jansen (privé)"));
    CHECK_THAT(merged,
               Contains("Punt #3 is samengevoegd met punt #1:\n- #1 Rekenen in groep 8 / "
                        "Feedback met **digitale** tools <b>nu</b> [klik](http://x): we lopen "
                        "vast bij breuken · van Anna de Vries (leidt in) en Joost van Dijk "
                        "(naam verborgen)"));
    CHECK_FALSE(chat.store->agenda_item(3).has_value());
    CHECK(item(chat, 1).submitters.size() == 2);
    CHECK(item(chat, 1).dots == 5);  // 4 + Anna's dot on #3
    CHECK_THAT(chat.say("agenda accepteer 4"), Contains("Punt #4 staat vast op de agenda: casus."));
    CHECK_THAT(chat.say("agenda volgorde 5 1"),
               Contains("Nieuwe volgorde (vastgesteld): #5, #1 en #4."));
    CHECK_THAT(chat.say("agenda 5 voorbereider Lotte"),
               Contains("Lotte Mulder bereidt punt #5 voor."));
    CHECK_THAT(chat.say("agenda 5 minuten 20"), Contains("Punt #5 krijgt 20 minuten."));
    CHECK_THAT(chat.say("agenda wijzig 1 minuten 30 min"), Contains("Punt #1 krijgt 30 minuten."));
    CHECK_THAT(chat.say("agenda 1 voorbereider Anna"),
               Contains("Anna de Vries bereidt punt #1 voor."));
    CHECK_THAT(chat.say("agenda 4 minuten 25"), Contains("Punt #4 krijgt 25 minuten."));
    CHECK(item(chat, 5).preparer_id.has_value());
    CHECK(item(chat, 1).minutes == 30);

    const auto settled = chat.say("agenda");
    CHECK_THAT(settled,
               Contains("Vastgesteld\n- 15:30–15:50 #5 Begrijpend lezen · van Lotte Mulder · "
                        "voorbereider: Lotte Mulder · 20 min"));
    CHECK_THAT(settled, Contains("- 16:20–16:45 #4 Ruzie in de klas · casus"));
    CHECK_THAT(settled, Contains("Geparkeerd\n- #2 Kleuters observeren"));
    CHECK_THAT(settled, Contains("Vastgestelde punten: 75 van 120 minuten."));
    chat.as("Thomas");  // a member sees the case's slot and time, not the case
    const auto members_agenda = chat.say("agenda");
    CHECK_THAT(members_agenda, Contains(">>> bot to HSN-café Feedback die werkt"));
    CHECK_THAT(members_agenda, Contains("- 16:20–16:45 Casus (inbreng voor intervisie) · 25 min"));
    CHECK_THAT(members_agenda, !Contains("Ruzie"));
    CHECK_THAT(members_agenda, !Contains("Kleuters"));  // parked: for those who run it
    chat.as("Marieke");

    // The digest of a Tuesday meeting would fall on the day of its reminder; a week before, it
    // goes out on its own.
    CHECK_THAT(chat.say("herinnering wijzig 5 | 7 dagen voor"),
               Contains("7 dagen voor de bijeenkomst"));
    const auto digest = chat.say("/tijd 2027-02-02 09:00");
    CHECK_THAT(digest, Contains("Over 7 dagen: HSN-café Feedback die werkt"));
    CHECK_THAT(digest,
               Contains("  Agenda         3 punten\n"
                        "  15:30–15:50    Begrijpend lezen · voorbereider: Lotte Mulder · 20 min\n"
                        "  15:50–16:20    Rekenen in groep 8 / Feedback met **digitale** tools "
                        "<b>nu</b> [klik](http://x) · voorbereider: Anna de Vries · 30 min\n"
                        "  16:20–16:45    Casus (inbreng voor intervisie) · 25 min"));
    CHECK_THAT(digest, !Contains("Ruzie"));
    CHECK_THAT(digest, !Contains("Kleuters"));

    // After the meeting, the parked item is back as a proposal for the next one.
    chat.say("/tijd 2027-02-10 09:00");
    const auto next = chat.say("agenda");
    CHECK_THAT(next, Contains("voor de bijeenkomst van di 18 mei 2027 15:30 (#3)"));
    CHECK_THAT(next,
               Contains("Voorgesteld\n- #2 Kleuters observeren: hoe leg je vast wat je ziet? · "
                        "succes of leermoment · van Sanne Bakker (leidt in)"));
    CHECK_THAT(next, !Contains("Begrijpend lezen"));
    CHECK(item(chat, 2).meeting_id == std::optional<Id>(3));
    CHECK(item(chat, 2).status == AgendaStatus::proposed);
    CHECK(item(chat, 5).meeting_id == std::optional<Id>(2));  // history stays with its meeting
    chat.as("Thomas");
    CHECK_THAT(chat.say("agenda"), Contains("- #2 Kleuters observeren"));
}

TEST_CASE("agenda commands that cannot be used get an example that works", "[agenda][bad]") {
    ConsoleFixture chat;
    CHECK_THAT(chat.say("agenda stemmen"), Contains("Er staan nog geen punten om over te stemmen"));
    CHECK_FALSE(chat.store->agenda_round(chat.demo.network_id).has_value());
    collect_items(chat);

    SECTION("participants are referred to who runs the network") {
        chat.as("Anna");
        CHECK_THAT(
            chat.say("agenda accepteer 1"),
            Contains("Alleen organisatoren en procesbegeleiders van HSN-café Feedback die werkt "
                     "kunnen agenda accepteer gebruiken. Vraag het Marieke Jansen."));
        CHECK_THAT(chat.say("agenda 1 minuten 20"), Contains("kunnen agenda wijzig gebruiken"));
        CHECK_THAT(chat.say("agenda stemmen"), Contains("kunnen agenda stemmen gebruiken"));
        CHECK_THAT(chat.say("agenda samenvoegen 1 2"), Contains("Vraag het Marieke Jansen"));
        chat.as("Bram");  // a workshop leader does not run the network either
        CHECK_THAT(chat.say("agenda parkeer 1"), Contains("Vraag het Marieke Jansen"));
        CHECK(item(chat, 1).status == AgendaStatus::proposed);
        CHECK(item(chat, 1).minutes == 0);
        CHECK(chat.store->agenda_items(chat.demo.network_id).size() == 5);
    }
    SECTION("voting without an open round") {
        chat.as("Anna");
        CHECK_THAT(chat.say("stip 1 1 2"), Contains("Er loopt nu geen stippenstemming"));
        CHECK(chat.store->agenda_dots(chat.demo.network_id).empty());
        chat.as("Marieke");
        CHECK_THAT(chat.say("agenda stemmen sluiten"), Contains("Er loopt geen stippenstemming"));
    }
    SECTION("unknown items and bad numbers change nothing") {
        CHECK_THAT(
            chat.say("agenda accepteer 99"),
            Contains("HSN-café Feedback die werkt heeft geen agendapunt \"99\". Typ agenda voor "
                     "de nummers, en dan bijvoorbeeld agenda accepteer 3."));
        CHECK_THAT(chat.say("agenda accepteer 1 99"), Contains("geen agendapunt \"99\""));
        CHECK(item(chat, 1).status == AgendaStatus::proposed);  // all or nothing
        CHECK_THAT(chat.say("agenda accepteer"), Contains("Welk punt? Typ het nummer erachter, "
                                                          "bijvoorbeeld agenda accepteer 3."));
        CHECK_THAT(
            chat.say("agenda 1 minuten twintig"),
            Contains("\"twintig\" is geen aantal minuten. Typ een getal van 1 tot en met 240"));
        CHECK_THAT(chat.say("agenda 1 minuten 500"), Contains("is geen aantal minuten"));
        CHECK_THAT(chat.say("agenda 1 kleur rood"), Contains("Wat wil je aanpassen? Bijvoorbeeld "
                                                             "agenda 3 voorbereider Bram"));
        CHECK_THAT(chat.say("agenda 1 voorbereider Kees"),
                   Contains("Ik vind niemand die \"Kees\" heet"));
        CHECK_THAT(chat.say("agenda samenvoegen 1"), Contains("Welke twee punten?"));
        CHECK_THAT(chat.say("agenda samenvoegen 1 1"),
                   Contains("Een punt samenvoegen met zichzelf"));
        CHECK_THAT(chat.say("agenda volgorde 1 9"),
                   Contains("Er zijn 5 punten voorgesteld; kies een plaats van 1 tot en met 5"));
        CHECK_THAT(chat.say("agenda verplaats 1 naar 3 maart"),
                   Contains("Bij \"3 maart\" vind ik geen komende bijeenkomst"));
        CHECK_THAT(chat.say("agenda 1 tekst " + std::string(301, 'x')),
                   Contains("Dat punt is 301 tekens"));
        CHECK_THAT(chat.say("agenda kleur"), Contains("Typ agenda voor de lijst."));
        CHECK(item(chat, 1).meeting_id == std::optional<Id>(2));
        CHECK(item(chat, 1).minutes == 0);
        CHECK(item(chat, 1).text == "Rekenen in groep 8");
        CHECK(chat.store->agenda_items(chat.demo.network_id).size() == 5);
        // What works after the examples:
        CHECK_THAT(
            chat.say("agenda verplaats 1 naar 18 mei"),
            Contains("Punt #1 staat nu op de lijst voor de bijeenkomst van di 18 mei 2027 15:30 "
                     "(#3)."));
        CHECK(item(chat, 1).meeting_id == std::optional<Id>(3));
        CHECK_THAT(chat.say("agenda 1 tekst Breuken in groep 8"),
                   Contains("Punt #1 heet nu: Breuken in groep 8."));
    }
    SECTION("deadlines that cannot be used") {
        CHECK_THAT(chat.say("agenda stemmen tot volgende keer"),
                   Contains("\"volgende keer\" kan ik niet lezen als moment"));
        CHECK_THAT(chat.say("agenda stemmen tot 1 december 2026 17:00"), Contains("is al voorbij"));
        CHECK_THAT(chat.say("agenda stemmen tot 1 maart 2027"),
                   Contains("is na het begin van de bijeenkomst van di 9 feb 2027 15:30 (#2)"));
        CHECK_FALSE(chat.store->agenda_round(chat.demo.network_id).has_value());
    }
    SECTION("items that are too long or empty") {
        chat.as("Anna");
        CHECK_THAT(chat.say("agendapunt " + std::string(301, 'a')),
                   Contains("Dat punt is 301 tekens; houd het kort (hooguit 300)"));
        CHECK_THAT(
            chat.say("agendapunt | alleen een toelichting"),
            Contains("Wat wil je op de agenda? Typ bijvoorbeeld agendapunt Rekenen in groep 8"));
        chat.say("agendapunt");
        chat.say("text=Iets");
        chat.say("kind=grap");
        CHECK_THAT(chat.say(""), Contains("\"grap\" ken ik niet als soort. Kies uit: vraag"));
        chat.say("agendapunt");
        chat.say("explanation=alleen uitleg");
        CHECK_THAT(chat.say(""), Contains("Wat wil je op de agenda?"));
        CHECK(chat.store->agenda_items(chat.demo.network_id).size() == 5);
    }
    SECTION("someone outside the network") {
        Member outsider;
        outsider.display_name = "Kees Buiten";
        outsider.id = chat.store->create_member(outsider);
        chat.store->link_identity(
            {Platform::console, "member-" + std::to_string(outsider.id), outsider.id});
        chat.as("Kees Buiten");
        CHECK_THAT(chat.say("agendapunt Mijn punt"),
                   Contains("Je zit niet in HSN-café Feedback die werkt"));
        CHECK_THAT(chat.say("agenda"), Contains("Je zit niet in HSN-café Feedback die werkt"));
        CHECK_THAT(chat.say("stip 1"), Contains("Je zit niet in HSN-café Feedback die werkt"));
        CHECK(chat.store->agenda_items(chat.demo.network_id).size() == 5);
    }
}

TEST_CASE("a dot vote with a deadline closes itself; English works too", "[agenda][en]") {
    ConsoleFixture chat;
    chat.as("Anna");
    chat.say("/prive");
    chat.say("taal en");
    const auto added =
        chat.say("agenda item Fractions in year 6 | we get stuck | i can introduce it");
    CHECK_THAT(added, Contains("Agenda item #1 is on the list for the meeting of"));
    CHECK_THAT(added, Contains("Great that you can introduce it!"));
    chat.as("Lotte");
    chat.say("agendapunt Begrijpend lezen | vraag voor de deskundige");
    CHECK(item(chat, 2).kind == AgendaItemKind::expert_question);

    // Opened in a private chat: the network's conversation hears it.
    chat.as("Marieke");
    chat.session.handle_line("/prive");
    const auto opened = chat.say("agenda stemmen open tot 4 december 17:00");
    CHECK_THAT(opened, Contains(">>> bot to Marieke Jansen (privé)\nStippenstemming"));
    CHECK_THAT(opened, Contains(">>> bot to HSN-café Feedback die werkt\nStippenstemming"));
    CHECK_THAT(opened, Contains("De stemming sluit vr 4 dec 2026 17:00."));
    chat.session.handle_line("/groep");
    CHECK_THAT(chat.say("agenda stemmen"), Contains("Er loopt al een stippenstemming"));

    chat.as("Anna");
    chat.say("/prive");  // she reads English; the group speaks Dutch
    const auto voted = chat.say("dots 1 1 2");
    CHECK_THAT(voted,
               Contains("Your dots are in:\n- 2 dots on #1 Fractions in year 6\n- 1 dot on #2"));
    CHECK_THAT(chat.say("dots 1 2 2 2"), Contains("That is 4 dots; you have 3."));
    CHECK_THAT(chat.say("agenda accept 1"), Contains("Only organisers and facilitators"));
    const auto list = chat.say("agenda");
    CHECK_THAT(list, Contains("Agenda of HSN-café Feedback die werkt for the meeting of"));
    CHECK_THAT(list, Contains("A dot vote is running"));
    CHECK_THAT(list, !Contains("2 dots"));  // the tally stays with the facilitator until closing

    const auto result = chat.say("/tijd 2026-12-04 17:00");
    CHECK_THAT(result, Contains("Uitslag stippenstemming: HSN-café Feedback die werkt"));
    const auto sent_result = newest_summary(*chat.store, "Uitslag stippenstemming");
    REQUIRE(sent_result);
    const auto fractions = bar_of(*sent_result, "#1 Fractions in year 6");
    REQUIRE(fractions);
    CHECK(fractions->value == 2);
    CHECK(fractions->display == "2 stippen");
    const auto round = chat.store->agenda_round(chat.demo.network_id);
    REQUIRE(round.has_value());
    CHECK_FALSE(round->open);
    CHECK_THAT(chat.say("dots 1"), Contains("No dot vote is running now."));
    CHECK_THAT(chat.say("agenda"),
               Contains("#1 Fractions in year 6: we get stuck · from Anna de Vries "
                        "(introduces it) · 2 dots"));
}

TEST_CASE("help lists the agenda commands for who may use them", "[agenda][help]") {
    ConsoleFixture chat;
    chat.as("Anna");
    const auto member_help = chat.say("hulp agenda");
    CHECK_THAT(member_help, Contains("- agendapunt Rekenen in groep 8 | toelichting | ik leid in"));
    CHECK_THAT(member_help, Contains("- agenda — de punten voor de volgende bijeenkomst"));
    CHECK_THAT(member_help, Contains("- stip 3 3 5"));
    CHECK_THAT(member_help, !Contains("agenda accepteer"));
    chat.as("Marieke");
    const auto manager_help = chat.say("hulp agenda");
    for (const auto* phrase :
         {"agenda accepteer 3", "agenda parkeer 4", "agenda samenvoegen 3 5", "agenda volgorde 5 1",
          "agenda 3 voorbereider Bram", "agenda verplaats 3", "agenda stemmen tot",
          "agenda stemmen sluiten", "agenda stand"}) {
        CHECK_THAT(manager_help, Contains(phrase));
    }
    CHECK_THAT(chat.say("hulp stip"), Contains("stip 3 3 5 geeft twee stippen aan punt 3"));
}

TEST_CASE("items wait for a meeting to be planned and then join its list", "[agenda][rollover]") {
    // After the school year's last demo meeting (18 May 2027): nothing is planned.
    ConsoleFixture chat(":memory:", testing::utc(2027, 6, 1, 8));
    chat.as("Fatima");
    CHECK_THAT(chat.say("agendapunt NT2 in de onderbouw"),
               Contains("Agendapunt #1 staat op de lijst voor de volgende bijeenkomst (nog niet "
                        "gepland): NT2 in de onderbouw."));
    CHECK_FALSE(item(chat, 1).meeting_id.has_value());
    chat.as("Marieke");
    CHECK_THAT(chat.say("agenda"), Contains("voor de volgende bijeenkomst (nog niet gepland)"));
    chat.say("plan bijeenkomst 15 juni 2027 15:30 | De Fontein | Taal");
    CHECK_THAT(chat.say("ja"), Contains("staat gepland"));
    const auto listed = chat.say("agenda");
    CHECK_THAT(listed, Contains("voor de bijeenkomst van di 15 jun 2027 15:30 (#4)"));
    CHECK_THAT(listed, Contains("- #1 NT2 in de onderbouw · van Fatima El Amrani"));
    CHECK(item(chat, 1).meeting_id == std::optional<Id>(4));

    // Accepted for a meeting that is then cancelled: it is a proposal again, waiting.
    chat.say("agenda accepteer 1");
    chat.say("annuleer bijeenkomst 4");
    CHECK_THAT(chat.say("ja"), Contains("geannuleerd"));
    CHECK_THAT(chat.say("agenda"), Contains("Voorgesteld\n- #1 NT2 in de onderbouw"));
    CHECK_FALSE(item(chat, 1).meeting_id.has_value());
    CHECK(item(chat, 1).status == AgendaStatus::proposed);
}

TEST_CASE("merging a hidden item into a member's visible one keeps their name hidden",
          "[agenda][merge][privacy]") {
    ConsoleFixture chat;
    chat.as("Joost");
    chat.say("agendapunt Feedback geven in groep 7");
    chat.say("agendapunt Een collega die nooit feedback wil | anoniem");
    REQUIRE(item(chat, 2).submitters.front().hidden);
    chat.as("Marieke Jansen");
    chat.say("agenda samenvoegen 1 en 2");
    const auto merged = item(chat, 1);
    REQUIRE(merged.submitters.size() == 1);
    // He asked to stay hidden with the second text: the merged item carries it, so he stays hidden.
    CHECK(merged.submitters.front().hidden);
    chat.as("Anna");
    const auto list = chat.say("agenda");
    CHECK_THAT(list, Contains("#1 Feedback geven in groep 7 / Een collega die nooit feedback wil"));
    CHECK_THAT(list, !Contains("Joost"));
}

TEST_CASE("a merge stays within what a typed item may be, on one line", "[agenda][merge][bad]") {
    ConsoleFixture chat;
    const std::string long_a(200, 'a');
    const std::string long_b(200, 'b');
    chat.as("Anna");
    chat.say("agendapunt " + long_a);
    chat.say("agendapunt " + long_b);
    chat.say("agendapunt Breuken | we lopen vast");
    chat.say("agendapunt Kommagetallen | - en de ouders klagen");
    chat.as("Marieke Jansen");
    // 403 characters would not fit the digest line that a typed item is kept to.
    CHECK_THAT(chat.say("agenda samenvoegen 1 en 2"),
               Contains("Samen wordt de tekst 403 tekens, meer dan de 300 die passen; er is niets "
                        "samengevoegd."));
    CHECK(item(chat, 1).text == long_a);
    CHECK(chat.store->agenda_item(2).has_value());
    // The explanations join on one line, so the second cannot start a list item of its own.
    chat.say("agenda samenvoegen 3 en 4");
    CHECK(item(chat, 3).explanation == "we lopen vast / - en de ouders klagen");
    CHECK_THAT(chat.say("agenda"), !Contains("\n- en de ouders"));
}

TEST_CASE("an item without a length does not hide the start times after it", "[agenda][times]") {
    ConsoleFixture chat;
    chat.say("agendapunt Begrijpend lezen");
    chat.say("agendapunt Rekenen in groep 8");
    chat.say("agendapunt Kleuters observeren");
    chat.say("agenda accepteer 1 2 3");
    chat.say("agenda 1 minuten 20");
    chat.say("agenda 3 minuten 30");  // #2 has no length: 120 - 50 = 70 minutes assumed
    const auto settled = chat.say("agenda");
    CHECK_THAT(settled, Contains("15:30–15:50 #1 Begrijpend lezen"));
    CHECK_THAT(settled, Contains("±15:50–17:00 #2 Rekenen in groep 8"));
    CHECK_THAT(settled, Contains("17:00–17:30 #3 Kleuters observeren"));
    CHECK_THAT(settled, !Contains("…"));
    const auto digest = chat.say("/tijd 2027-02-02 09:00");
    CHECK_THAT(digest, Contains("±15:50–17:00"));
    CHECK_THAT(digest, Contains("duur nog niet vastgesteld (±: geschat)"));
    CHECK_THAT(digest, Contains("17:00–17:30"));
}

TEST_CASE("an agenda item understands every anonymous word the bot knows, and 'met naam'",
          "[agenda][anonymous][arguments]") {
    // "anon" and "anonymously" were understood by questions and polls only, "anonimiseer" by the
    // knowledge base only; they now hide the submitter here too.
    ConsoleFixture chat;
    chat.as("Joost");
    const auto* word = GENERATE("anon", "Anonymously", "anonimiseer", "zonder naam.");
    INFO(word);
    const auto reply =
        chat.say(std::string("agendapunt Een collega die nooit feedback wil | ") + word);
    CHECK_THAT(reply, Contains("Andere leden zien niet dat het van jou komt"));
    CHECK(item(chat, 1).submitters.at(0).hidden);
    CHECK(item(chat, 1).explanation.empty());  // a keyword, not an explanation

    // "met naam" (understood by polls) says the default out loud: not taken as an explanation.
    chat.say("agendapunt Feedback geven in groep 7 | met naam");
    CHECK_FALSE(item(chat, 2).submitters.at(0).hidden);
    CHECK(item(chat, 2).explanation.empty());
}
