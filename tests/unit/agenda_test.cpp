// Agenda input and the dot vote, as conversations in the demo network (issue 6): members add
// items (typed and through the form), dot-vote, the facilitator settles the agenda, and the
// agenda digest publishes it with times and preparers; what was not accepted rolls over.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "support/console_fixture.hpp"

using namespace leernetwerk;
using leernetwerk::testing::ConsoleFixture;

namespace {

bool contains(const std::string& text, const std::string& needle) {
    return text.find(needle) != std::string::npos;
}

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
    REQUIRE(
        contains(chat.say("agendapunt Rekenen in groep 8 | we lopen vast bij breuken | ik leid in"),
                 "Agendapunt #1 staat op de lijst"));
    chat.as("Sanne");
    REQUIRE(contains(chat.say("agendapunt"), "agendapunt = Agendapunt (verplicht)"));
    chat.say("text=Kleuters observeren");
    chat.say("explanation=hoe leg je vast wat je ziet?");
    chat.say("kind=succes");
    chat.say("introduce=ja");
    REQUIRE(contains(chat.say(""), "Agendapunt #2 staat op de lijst"));
    chat.as("Joost");
    REQUIRE(contains(
        chat.say("agendapunt Feedback met **digitale** tools <b>nu</b> [klik](http://x) | anoniem"),
        "Agendapunt #3 staat op de lijst"));
    chat.as("Pieter");
    REQUIRE(contains(chat.say("agendapunt Ruzie in de klas | casus"),
                     "Agendapunt #4 staat op de lijst"));
    chat.as("Lotte");
    REQUIRE(contains(chat.say("agendapunt Begrijpend lezen"), "Agendapunt #5 staat op de lijst"));
    chat.as("Marieke");
}

}  // namespace

TEST_CASE("members add items, dot-vote, and the digest publishes the settled agenda",
          "[agenda][conversation]") {
    ConsoleFixture chat;
    // Marieke Jansen organises the demo network; its next meeting is #2, 9 February 2027 15:30.
    const auto empty = chat.say("agenda");
    CHECK(contains(empty,
                   "Agenda van HSN-café Feedback die werkt voor de bijeenkomst van di 9 feb "
                   "2027 15:30 (#2)"));
    CHECK(contains(empty, "Nog geen agendapunten"));

    chat.as("Anna");
    const auto added =
        chat.say("agendapunt Rekenen in groep 8 | we lopen vast bij breuken | ik leid in");
    CHECK(contains(added, ">>> bot to HSN-café Feedback die werkt"));
    CHECK(contains(added,
                   "Agendapunt #1 staat op de lijst voor de bijeenkomst van di 9 feb 2027 "
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
    CHECK(contains(form, "Agendapunt voor HSN-café Feedback die werkt"));
    CHECK(contains(form, "inleiden = Ik kan het inleiden"));
    chat.say("text=Kleuters observeren");
    chat.say("explanation=hoe leg je vast wat je ziet?");
    chat.say("kind=succes");
    chat.say("introduce=ja");
    const auto submitted = chat.say("");
    CHECK(contains(submitted,
                   "Agendapunt #2 staat op de lijst voor de bijeenkomst van di 9 feb "
                   "2027 15:30 (#2): Kleuters observeren. Soort: succes of leermoment. "
                   "Fijn dat je het wilt inleiden!"));
    CHECK(item(chat, 2).kind == AgendaItemKind::success);
    CHECK(item(chat, 2).explanation == "hoe leg je vast wat je ziet?");

    // Joost stays hidden, and his Markdown and HTML stay text.
    chat.as("Joost");
    const auto hidden =
        chat.say("agendapunt Feedback met **digitale** tools <b>nu</b> [klik](http://x) | anoniem");
    CHECK(contains(hidden, ">>> bot to Joost van Dijk (privé)"));
    CHECK(contains(hidden, "Andere leden zien niet dat het van jou komt"));
    CHECK(
        contains(last_markdown(chat),
                 "Feedback met \\*\\*digitale\\*\\* tools \\<b\\>nu\\</b\\> \\[klik\\](http://x)"));
    CHECK(item(chat, 3).submitters.at(0).hidden);

    // A casus is for the facilitator's eyes.
    chat.as("Pieter");
    const auto casus = chat.say("agendapunt Ruzie in de klas | casus");
    CHECK(contains(casus, ">>> bot to Pieter Visser (privé)"));
    CHECK(contains(casus, "Een casus zien alleen de organisatoren en procesbegeleiders"));
    CHECK(item(chat, 4).kind == AgendaItemKind::case_study);

    chat.as("Lotte");
    CHECK(contains(chat.say("agendapunt Begrijpend lezen"), "Agendapunt #5 staat op de lijst"));

    // A member sees the proposals, without the casus and without Joost's name.
    chat.as("Anna");
    const auto members_view = chat.say("agenda");
    CHECK(contains(members_view, ">>> bot to HSN-café Feedback die werkt"));
    CHECK(contains(members_view,
                   "- #1 Rekenen in groep 8: we lopen vast bij breuken · van Anna "
                   "de Vries (leidt in)"));
    CHECK(contains(members_view,
                   "- #3 Feedback met **digitale** tools <b>nu</b> [klik](http://x)\n"));
    CHECK_FALSE(contains(members_view, "Ruzie"));
    CHECK_FALSE(contains(members_view, "Joost"));
    CHECK(contains(last_markdown(chat), "\\*\\*digitale\\*\\*"));

    // Who brought in a case or stayed hidden sees it in their own list, privately.
    chat.as("Pieter");
    const auto own_case = chat.say("agenda");
    CHECK(contains(own_case, ">>> bot to Pieter Visser (privé)"));
    CHECK(contains(own_case, "- #4 Ruzie in de klas · casus · van Pieter Visser"));
    chat.as("Joost");
    const auto own_hidden = chat.say("agenda");
    CHECK(contains(own_hidden, ">>> bot to Joost van Dijk (privé)"));
    CHECK(contains(own_hidden, "van Joost van Dijk (naam verborgen)"));
    CHECK_FALSE(contains(own_hidden, "Ruzie"));

    // The facilitator sees everything, privately.
    chat.as("Marieke");
    const auto full_view = chat.say("agenda");
    CHECK(contains(full_view, ">>> bot to Marieke Jansen (privé)"));
    CHECK(contains(full_view,
                   "- #3 Feedback met **digitale** tools <b>nu</b> [klik](http://x) · "
                   "van Joost van Dijk (naam verborgen)"));
    CHECK(contains(full_view, "- #4 Ruzie in de klas · casus · van Pieter Visser"));

    // The dot vote opens; the members hear so in the network's conversation.
    const auto opened = chat.say("agenda stemmen");
    CHECK(contains(opened,
                   ">>> bot to HSN-café Feedback die werkt\nStippenstemming voor HSN-café "
                   "Feedback die werkt, over de bijeenkomst van di 9 feb 2027 15:30 (#2): "
                   "je hebt 3 stippen."));
    CHECK(contains(opened, "- #5 Begrijpend lezen · van Lotte Mulder"));
    CHECK_FALSE(contains(opened, "Ruzie"));
    CHECK_FALSE(contains(opened, "Joost"));

    chat.as("Anna");
    const auto spread = chat.say("stip 1 1 3");
    CHECK(contains(spread, ">>> bot to Anna de Vries (privé)"));
    CHECK(contains(spread, "- 2 stippen op #1 Rekenen in groep 8"));
    CHECK(contains(spread, "- 1 stip op #3 Feedback met"));
    chat.as("Sanne");
    CHECK(contains(chat.say("stip 2"), "Je hebt nog 2 stippen over"));
    // Voting again replaces: all three stacked on #5.
    CHECK(contains(chat.say("stip 5 5 5"), "- 3 stippen op #5 Begrijpend lezen"));
    CHECK(dots_of(chat, "Sanne Bakker", 2) == 0);
    CHECK(dots_of(chat, "Sanne Bakker", 5) == 3);
    chat.as("Joost");
    chat.say("stip 1, 2, 5");
    chat.as("Lotte");
    chat.say("stip #1");

    // Dots that cannot be given change nothing.
    chat.as("Esther");
    CHECK(contains(chat.say("stip 1 2 3 5"), "Dat zijn 4 stippen; je hebt er 3."));
    CHECK(contains(chat.say("stip 99"),
                   "Punt #99 staat niet open voor de stemming. Kies uit: #1, "
                   "#2, #3 en #5."));
    CHECK(contains(chat.say("stip 4"), "Punt #4 staat niet open voor de stemming"));
    CHECK(contains(chat.say("stip drie"), "\"drie\" is geen nummer van een punt"));
    CHECK(total_dots_of(chat, "Esther Hendriks") == 0);

    // The facilitator follows the tally privately: #1 4, #5 4, #2 1, #3 1.
    chat.as("Marieke");
    const auto tally = chat.say("agenda stand");
    CHECK(contains(tally, ">>> bot to Marieke Jansen (privé)\nTussenstand stippen"));
    CHECK(contains(tally,
                   "#1 Rekenen in groep 8  ####################  4 stippen\n  #5 Begrijpend "
                   "lezen  ####################  4 stippen\n  #2 Kleuters observeren  "
                   "#####...............  1 stip"));
    CHECK(contains(tally, "4 van de 10 leden hebben gestemd."));

    const auto closed = chat.say("agenda stemmen sluiten");
    CHECK(contains(closed,
                   ">>> bot to HSN-café Feedback die werkt\nUitslag stippenstemming: "
                   "HSN-café Feedback die werkt"));
    CHECK(contains(closed, "  #1 Rekenen in groep 8  ####################  4 stippen"));
    CHECK(contains(closed, "4 van de 10 leden stemden."));
    // The list is now in order of dots (the casus keeps its place).
    std::vector<Id> order;
    for (const auto& listed : chat.store->agenda_items(chat.demo.network_id)) {
        order.push_back(listed.id);
    }
    CHECK(order == std::vector<Id>{1, 5, 2, 4, 3});

    chat.as("Anna");
    CHECK(contains(chat.say("stip 1"), "Er loopt nu geen stippenstemming"));
    CHECK(dots_of(chat, "Anna de Vries", 1) == 2);

    // The facilitator settles the agenda.
    chat.as("Marieke");
    CHECK(contains(chat.say("agenda accepteer 1 5"), "Punten #1 en #5 staan vast op de agenda."));
    CHECK(contains(chat.say("agenda parkeer 2"), "Punt #2 is geparkeerd: Kleuters observeren."));
    const auto merged = chat.say("agenda samenvoegen 1 3");
    CHECK(contains(merged, ">>> bot to Marieke Jansen (privé)"));
    CHECK(contains(merged,
                   "Punt #3 is samengevoegd met punt #1:\n- #1 Rekenen in groep 8 / "
                   "Feedback met **digitale** tools <b>nu</b> [klik](http://x): we lopen "
                   "vast bij breuken · van Anna de Vries (leidt in) en Joost van Dijk "
                   "(naam verborgen)"));
    CHECK_FALSE(chat.store->agenda_item(3).has_value());
    CHECK(item(chat, 1).submitters.size() == 2);
    CHECK(item(chat, 1).dots == 5);  // 4 + Anna's dot on #3
    CHECK(contains(chat.say("agenda accepteer 4"), "Punt #4 staat vast op de agenda: casus."));
    CHECK(
        contains(chat.say("agenda volgorde 5 1"), "Nieuwe volgorde (vastgesteld): #5, #1 en #4."));
    CHECK(contains(chat.say("agenda 5 voorbereider Lotte"), "Lotte Mulder bereidt punt #5 voor."));
    CHECK(contains(chat.say("agenda 5 minuten 20"), "Punt #5 krijgt 20 minuten."));
    CHECK(contains(chat.say("agenda wijzig 1 minuten 30 min"), "Punt #1 krijgt 30 minuten."));
    CHECK(contains(chat.say("agenda 1 voorbereider Anna"), "Anna de Vries bereidt punt #1 voor."));
    CHECK(contains(chat.say("agenda 4 minuten 25"), "Punt #4 krijgt 25 minuten."));
    CHECK(item(chat, 5).preparer_id.has_value());
    CHECK(item(chat, 1).minutes == 30);

    const auto settled = chat.say("agenda");
    CHECK(contains(settled,
                   "Vastgesteld\n- 15:30–15:50 #5 Begrijpend lezen · van Lotte Mulder · "
                   "voorbereider: Lotte Mulder · 20 min"));
    CHECK(contains(settled, "- 16:20–16:45 #4 Ruzie in de klas · casus"));
    CHECK(contains(settled, "Geparkeerd\n- #2 Kleuters observeren"));
    CHECK(contains(settled, "Vastgestelde punten: 75 van 120 minuten."));
    chat.as("Thomas");  // a member sees the case's slot and time, not the case
    const auto members_agenda = chat.say("agenda");
    CHECK(contains(members_agenda, ">>> bot to HSN-café Feedback die werkt"));
    CHECK(contains(members_agenda, "- 16:20–16:45 Casus (inbreng voor intervisie) · 25 min"));
    CHECK_FALSE(contains(members_agenda, "Ruzie"));
    CHECK_FALSE(contains(members_agenda, "Kleuters"));  // parked: for those who run it
    chat.as("Marieke");

    // The digest of a Tuesday meeting would fall on the day of its reminder; a week before, it
    // goes out on its own.
    CHECK(contains(chat.say("herinnering wijzig 5 | 7 dagen voor"), "7 dagen voor de bijeenkomst"));
    const auto digest = chat.say("/tijd 2027-02-02 09:00");
    CHECK(contains(digest, "Over 7 dagen: HSN-café Feedback die werkt"));
    CHECK(contains(digest,
                   "  Agenda         3 punten\n"
                   "  15:30–15:50    Begrijpend lezen · voorbereider: Lotte Mulder · 20 min\n"
                   "  15:50–16:20    Rekenen in groep 8 / Feedback met **digitale** tools "
                   "<b>nu</b> [klik](http://x) · voorbereider: Anna de Vries · 30 min\n"
                   "  16:20–16:45    Casus (inbreng voor intervisie) · 25 min"));
    CHECK_FALSE(contains(digest, "Ruzie"));
    CHECK_FALSE(contains(digest, "Kleuters"));

    // After the meeting, the parked item is back as a proposal for the next one.
    chat.say("/tijd 2027-02-10 09:00");
    const auto next = chat.say("agenda");
    CHECK(contains(next, "voor de bijeenkomst van di 18 mei 2027 15:30 (#3)"));
    CHECK(contains(next,
                   "Voorgesteld\n- #2 Kleuters observeren: hoe leg je vast wat je ziet? · "
                   "succes of leermoment · van Sanne Bakker (leidt in)"));
    CHECK_FALSE(contains(next, "Begrijpend lezen"));
    CHECK(item(chat, 2).meeting_id == std::optional<Id>(3));
    CHECK(item(chat, 2).status == AgendaStatus::proposed);
    CHECK(item(chat, 5).meeting_id == std::optional<Id>(2));  // history stays with its meeting
    chat.as("Thomas");
    CHECK(contains(chat.say("agenda"), "- #2 Kleuters observeren"));
}

TEST_CASE("agenda commands that cannot be used get an example that works", "[agenda][bad]") {
    ConsoleFixture chat;
    CHECK(contains(chat.say("agenda stemmen"), "Er staan nog geen punten om over te stemmen"));
    CHECK_FALSE(chat.store->agenda_round(chat.demo.network_id).has_value());
    collect_items(chat);

    SECTION("participants are referred to who runs the network") {
        chat.as("Anna");
        CHECK(contains(chat.say("agenda accepteer 1"),
                       "Alleen organisatoren en procesbegeleiders van HSN-café Feedback die werkt "
                       "kunnen agenda accepteer gebruiken. Vraag het Marieke Jansen."));
        CHECK(contains(chat.say("agenda 1 minuten 20"), "kunnen agenda wijzig gebruiken"));
        CHECK(contains(chat.say("agenda stemmen"), "kunnen agenda stemmen gebruiken"));
        CHECK(contains(chat.say("agenda samenvoegen 1 2"), "Vraag het Marieke Jansen"));
        chat.as("Bram");  // a workshop leader does not run the network either
        CHECK(contains(chat.say("agenda parkeer 1"), "Vraag het Marieke Jansen"));
        CHECK(item(chat, 1).status == AgendaStatus::proposed);
        CHECK(item(chat, 1).minutes == 0);
        CHECK(chat.store->agenda_items(chat.demo.network_id).size() == 5);
    }
    SECTION("voting without an open round") {
        chat.as("Anna");
        CHECK(contains(chat.say("stip 1 1 2"), "Er loopt nu geen stippenstemming"));
        CHECK(chat.store->agenda_dots(chat.demo.network_id).empty());
        chat.as("Marieke");
        CHECK(contains(chat.say("agenda stemmen sluiten"), "Er loopt geen stippenstemming"));
    }
    SECTION("unknown items and bad numbers change nothing") {
        CHECK(contains(chat.say("agenda accepteer 99"),
                       "HSN-café Feedback die werkt heeft geen agendapunt \"99\". Typ agenda voor "
                       "de nummers, en dan bijvoorbeeld agenda accepteer 3."));
        CHECK(contains(chat.say("agenda accepteer 1 99"), "geen agendapunt \"99\""));
        CHECK(item(chat, 1).status == AgendaStatus::proposed);  // all or nothing
        CHECK(contains(chat.say("agenda accepteer"),
                       "Welk punt? Typ het nummer erachter, "
                       "bijvoorbeeld agenda accepteer 3."));
        CHECK(contains(chat.say("agenda 1 minuten twintig"),
                       "\"twintig\" is geen aantal minuten. Typ een getal van 1 tot en met 240"));
        CHECK(contains(chat.say("agenda 1 minuten 500"), "is geen aantal minuten"));
        CHECK(contains(chat.say("agenda 1 kleur rood"),
                       "Wat wil je aanpassen? Bijvoorbeeld "
                       "agenda 3 voorbereider Bram"));
        CHECK(
            contains(chat.say("agenda 1 voorbereider Kees"), "Ik vind niemand die \"Kees\" heet"));
        CHECK(contains(chat.say("agenda samenvoegen 1"), "Welke twee punten?"));
        CHECK(contains(chat.say("agenda samenvoegen 1 1"), "Een punt samenvoegen met zichzelf"));
        CHECK(contains(chat.say("agenda volgorde 1 9"),
                       "Er zijn 5 punten voorgesteld; kies een plaats van 1 tot en met 5"));
        CHECK(contains(chat.say("agenda verplaats 1 naar 3 maart"),
                       "Bij \"3 maart\" vind ik geen komende bijeenkomst"));
        CHECK(contains(chat.say("agenda 1 tekst " + std::string(301, 'x')),
                       "Dat punt is 301 tekens"));
        CHECK(contains(chat.say("agenda kleur"), "Typ agenda voor de lijst."));
        CHECK(item(chat, 1).meeting_id == std::optional<Id>(2));
        CHECK(item(chat, 1).minutes == 0);
        CHECK(item(chat, 1).text == "Rekenen in groep 8");
        CHECK(chat.store->agenda_items(chat.demo.network_id).size() == 5);
        // What works after the examples:
        CHECK(contains(chat.say("agenda verplaats 1 naar 18 mei"),
                       "Punt #1 staat nu op de lijst voor de bijeenkomst van di 18 mei 2027 15:30 "
                       "(#3)."));
        CHECK(item(chat, 1).meeting_id == std::optional<Id>(3));
        CHECK(contains(chat.say("agenda 1 tekst Breuken in groep 8"),
                       "Punt #1 heet nu: Breuken in groep 8."));
    }
    SECTION("deadlines that cannot be used") {
        CHECK(contains(chat.say("agenda stemmen tot volgende keer"),
                       "\"volgende keer\" kan ik niet lezen als moment"));
        CHECK(contains(chat.say("agenda stemmen tot 1 december 2026 17:00"), "is al voorbij"));
        CHECK(contains(chat.say("agenda stemmen tot 1 maart 2027"),
                       "is na het begin van de bijeenkomst van di 9 feb 2027 15:30 (#2)"));
        CHECK_FALSE(chat.store->agenda_round(chat.demo.network_id).has_value());
    }
    SECTION("items that are too long or empty") {
        chat.as("Anna");
        CHECK(contains(chat.say("agendapunt " + std::string(301, 'a')),
                       "Dat punt is 301 tekens; houd het kort (hooguit 300)"));
        CHECK(contains(chat.say("agendapunt | alleen een toelichting"),
                       "Wat wil je op de agenda? Typ bijvoorbeeld agendapunt Rekenen in groep 8"));
        chat.say("agendapunt");
        chat.say("text=Iets");
        chat.say("kind=grap");
        CHECK(contains(chat.say(""), "\"grap\" ken ik niet als soort. Kies uit: vraag"));
        chat.say("agendapunt");
        chat.say("explanation=alleen uitleg");
        CHECK(contains(chat.say(""), "Wat wil je op de agenda?"));
        CHECK(chat.store->agenda_items(chat.demo.network_id).size() == 5);
    }
    SECTION("someone outside the network") {
        Member outsider;
        outsider.display_name = "Kees Buiten";
        outsider.id = chat.store->create_member(outsider);
        chat.store->link_identity(
            {Platform::console, "member-" + std::to_string(outsider.id), outsider.id});
        chat.as("Kees Buiten");
        CHECK(contains(chat.say("agendapunt Mijn punt"),
                       "Je zit niet in HSN-café Feedback die werkt"));
        CHECK(contains(chat.say("agenda"), "Je zit niet in HSN-café Feedback die werkt"));
        CHECK(contains(chat.say("stip 1"), "Je zit niet in HSN-café Feedback die werkt"));
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
    CHECK(contains(added, "Agenda item #1 is on the list for the meeting of"));
    CHECK(contains(added, "Great that you can introduce it!"));
    chat.as("Lotte");
    chat.say("agendapunt Begrijpend lezen | vraag voor de deskundige");
    CHECK(item(chat, 2).kind == AgendaItemKind::expert_question);

    // Opened in a private chat: the network's conversation hears it.
    chat.as("Marieke");
    chat.session.handle_line("/prive");
    const auto opened = chat.say("agenda stemmen open tot 4 december 17:00");
    CHECK(contains(opened, ">>> bot to Marieke Jansen (privé)\nStippenstemming"));
    CHECK(contains(opened, ">>> bot to HSN-café Feedback die werkt\nStippenstemming"));
    CHECK(contains(opened, "De stemming sluit vr 4 dec 2026 17:00."));
    chat.session.handle_line("/groep");
    CHECK(contains(chat.say("agenda stemmen"), "Er loopt al een stippenstemming"));

    chat.as("Anna");
    chat.say("/prive");  // she reads English; the group speaks Dutch
    const auto voted = chat.say("dots 1 1 2");
    CHECK(contains(voted, "Your dots are in:\n- 2 dots on #1 Fractions in year 6\n- 1 dot on #2"));
    CHECK(contains(chat.say("dots 1 2 2 2"), "That is 4 dots; you have 3."));
    CHECK(contains(chat.say("agenda accept 1"), "Only organisers and facilitators"));
    const auto list = chat.say("agenda");
    CHECK(contains(list, "Agenda of HSN-café Feedback die werkt for the meeting of"));
    CHECK(contains(list, "A dot vote is running"));
    CHECK_FALSE(contains(list, "2 dots"));  // the tally stays with the facilitator until closing

    const auto result = chat.say("/tijd 2026-12-04 17:00");
    CHECK(contains(result, "Uitslag stippenstemming: HSN-café Feedback die werkt"));
    CHECK(contains(result, "#1 Fractions in year 6  ####################  2 stippen"));
    const auto round = chat.store->agenda_round(chat.demo.network_id);
    REQUIRE(round.has_value());
    CHECK_FALSE(round->open);
    CHECK(contains(chat.say("dots 1"), "No dot vote is running now."));
    CHECK(contains(chat.say("agenda"),
                   "#1 Fractions in year 6: we get stuck · from Anna de Vries "
                   "(introduces it) · 2 dots"));
}

TEST_CASE("help lists the agenda commands for who may use them", "[agenda][help]") {
    ConsoleFixture chat;
    chat.as("Anna");
    const auto member_help = chat.say("hulp agenda");
    CHECK(contains(member_help, "- agendapunt Rekenen in groep 8 | toelichting | ik leid in"));
    CHECK(contains(member_help, "- agenda — de punten voor de volgende bijeenkomst"));
    CHECK(contains(member_help, "- stip 3 3 5"));
    CHECK_FALSE(contains(member_help, "agenda accepteer"));
    chat.as("Marieke");
    const auto manager_help = chat.say("hulp agenda");
    for (const auto* phrase :
         {"agenda accepteer 3", "agenda parkeer 4", "agenda samenvoegen 3 5", "agenda volgorde 5 1",
          "agenda 3 voorbereider Bram", "agenda verplaats 3", "agenda stemmen tot",
          "agenda stemmen sluiten", "agenda stand"}) {
        CHECK(contains(manager_help, phrase));
    }
    CHECK(contains(chat.say("hulp stip"), "stip 3 3 5 geeft twee stippen aan punt 3"));
}

TEST_CASE("items wait for a meeting to be planned and then join its list", "[agenda][rollover]") {
    // After the school year's last demo meeting (18 May 2027): nothing is planned.
    ConsoleFixture chat(":memory:", testing::utc(2027, 6, 1, 8));
    chat.as("Fatima");
    CHECK(contains(chat.say("agendapunt NT2 in de onderbouw"),
                   "Agendapunt #1 staat op de lijst voor de volgende bijeenkomst (nog niet "
                   "gepland): NT2 in de onderbouw."));
    CHECK_FALSE(item(chat, 1).meeting_id.has_value());
    chat.as("Marieke");
    CHECK(contains(chat.say("agenda"), "voor de volgende bijeenkomst (nog niet gepland)"));
    chat.say("plan bijeenkomst 15 juni 2027 15:30 | De Fontein | Taal");
    CHECK(contains(chat.say("ja"), "staat gepland"));
    const auto listed = chat.say("agenda");
    CHECK(contains(listed, "voor de bijeenkomst van di 15 jun 2027 15:30 (#4)"));
    CHECK(contains(listed, "- #1 NT2 in de onderbouw · van Fatima El Amrani"));
    CHECK(item(chat, 1).meeting_id == std::optional<Id>(4));

    // Accepted for a meeting that is then cancelled: it is a proposal again, waiting.
    chat.say("agenda accepteer 1");
    chat.say("annuleer bijeenkomst 4");
    CHECK(contains(chat.say("ja"), "geannuleerd"));
    CHECK(contains(chat.say("agenda"), "Voorgesteld\n- #1 NT2 in de onderbouw"));
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
    CHECK(contains(list, "#1 Feedback geven in groep 7 / Een collega die nooit feedback wil"));
    CHECK_FALSE(contains(list, "Joost"));
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
    CHECK(contains(chat.say("agenda samenvoegen 1 en 2"),
                   "Samen wordt de tekst 403 tekens, meer dan de 300 die passen; er is niets "
                   "samengevoegd."));
    CHECK(item(chat, 1).text == long_a);
    CHECK(chat.store->agenda_item(2).has_value());
    // The explanations join on one line, so the second cannot start a list item of its own.
    chat.say("agenda samenvoegen 3 en 4");
    CHECK(item(chat, 3).explanation == "we lopen vast / - en de ouders klagen");
    CHECK_FALSE(contains(chat.say("agenda"), "\n- en de ouders"));
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
    CHECK(contains(settled, "15:30–15:50 #1 Begrijpend lezen"));
    CHECK(contains(settled, "±15:50–17:00 #2 Rekenen in groep 8"));
    CHECK(contains(settled, "17:00–17:30 #3 Kleuters observeren"));
    CHECK_FALSE(contains(settled, "…"));
    const auto digest = chat.say("/tijd 2027-02-02 09:00");
    CHECK(contains(digest, "±15:50–17:00"));
    CHECK(contains(digest, "duur nog niet vastgesteld (±: geschat)"));
    CHECK(contains(digest, "17:00–17:30"));
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
    CHECK(contains(reply, "Andere leden zien niet dat het van jou komt"));
    CHECK(item(chat, 1).submitters.at(0).hidden);
    CHECK(item(chat, 1).explanation.empty());  // a keyword, not an explanation

    // "met naam" (understood by polls) says the default out loud: not taken as an explanation.
    chat.say("agendapunt Feedback geven in groep 7 | met naam");
    CHECK_FALSE(item(chat, 2).submitters.at(0).hidden);
    CHECK(item(chat, 2).explanation.empty());
}
