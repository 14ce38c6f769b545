// Numbers per network (issue 12): polls, questions, agenda items and knowledge entries are
// numbered 1, 2, 3… within their own network. Two networks both have a #1 of each; an outsider's
// number gets the same reply as a number that does not exist; one network adding items does not
// move another's numbers; in a private chat a number that several of the member's networks have
// makes the bot ask which network.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "bot/vocab/log.hpp"
#include "support/console_fixture.hpp"

using leernetwerk::testing::ConsoleFixture;
using namespace leernetwerk;
using Catch::Matchers::Contains;

namespace {

/// Every occurrence of `from` in `text` replaced by `to`.
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
        text.replace(at, from.size(), to);
    }
    return text;
}

Id member_named(ConsoleFixture& chat, const std::string& name) {
    for (const auto& member : chat.store->members()) {
        if (member.display_name == name) {
            return member.id;
        }
    }
    FAIL("no member " << name);
    return 0;
}

/// A second network, "HSN-café Rekenen", with its own group conversation, its facilitator Rob and
/// participant Pim; Anna (of the demo network) is in it too.
struct Rekenen {
    Id network_id = 0;
    Id rob = 0;
    Id pim = 0;
};
constexpr std::string_view kRekenenGroup = "rekenen-groep";

Rekenen add_rekenen(ConsoleFixture& chat) {
    Rekenen second;
    chat.store->transaction([&] {
        Network network;
        network.name = "HSN-café Rekenen";
        network.time_zone = "Europe/Amsterdam";
        network.created_at = testing::demo_now();
        second.network_id = chat.store->create_network(network);
        chat.store->bind_conversation(
            {Platform::console, std::string(kRekenenGroup), second.network_id});
        const auto add = [&](const std::string& name, Role role, const std::string& tag) {
            Member member;
            member.display_name = name;
            member.created_at = testing::demo_now();
            const Id id = chat.store->create_member(member);
            chat.store->link_identity({Platform::console, "member-" + std::to_string(id), id});
            chat.store->set_member_expertise(id, {tag});
            chat.store->add_membership({second.network_id, id, role, testing::demo_now()});
            return id;
        };
        second.rob = add("Rob Rekenaar", Role::facilitator, "tafels");
        second.pim = add("Pim Post", Role::participant, "tafels");
        chat.store->add_membership({second.network_id, member_named(chat, "Anna de Vries"),
                                    Role::participant, testing::demo_now()});
    });
    return second;
}

/// `text` typed by a member in a conversation, straight to the bot (not through the console,
/// which reads a bare number as a click); what the bot sent, each message after a line naming
/// where it went.
std::string typed_in(ConsoleFixture& chat, Id member_id, const Conversation& conversation,
                     const std::string& text) {
    static int counter = 0;
    InboundEvent event;
    event.kind = InboundEvent::Kind::message;
    event.event_id = "numbers-" + std::to_string(++counter);
    event.conversation = conversation;
    event.sender = {"member-" + std::to_string(member_id), "", ""};
    event.text = text;
    const auto handled = chat.bot.handle(event, chat.session.now());
    std::string out;
    if (!handled) {
        return out;
    }
    for (const auto id : handled->message_ids) {
        const auto row = chat.store->outbox_row(id);
        if (!row) {
            continue;
        }
        out += ">>> " +
               (row->message.to.direct ? std::string("direct") : row->message.to.conversation_id) +
               "\n";
        if (const auto* plain = std::get_if<TextContent>(&row->message.content)) {
            out += plain->markdown + "\n";
        } else if (const auto* choice = std::get_if<ChoiceQuestion>(&row->message.content)) {
            out += choice->prompt + "\n";
        }
    }
    return out;
}

/// `text` typed by a member in HSN-café Rekenen's group conversation.
std::string in_rekenen_group(ConsoleFixture& chat, Id member_id, const std::string& text) {
    return typed_in(chat, member_id,
                    {Platform::console, std::string(kRekenenGroup), Conversation::Kind::group, ""},
                    text);
}

/// One of each kind in the demo network (as Marieke, in its group) and in HSN-café Rekenen (as
/// Rob, in his group): each is number 1 in its own network.
void one_of_each(ConsoleFixture& chat, const Rekenen& rekenen) {
    chat.as("Marieke");
    chat.say("/groep");
    CHECK_THAT(chat.say("peiling \"Welke datum past?\" | 12 maart | 19 maart"),
               Contains("Peiling #1 staat uit"));
    CHECK_THAT(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"),
               Contains("Je vraag #1 staat in"));
    CHECK_THAT(chat.say("agendapunt Feedback in groep 8"),
               Contains("Agendapunt #1 staat op de lijst"));
    CHECK_THAT(chat.say("kennis notitie Verslag maart | We oefenden met rubrics"),
               Contains("Opgeslagen als kennis 1 (verslag)"));

    CHECK_THAT(
        in_rekenen_group(chat, rekenen.rob, "peiling \"Welk spel kiezen we?\" | Kwartet | Domino"),
        Contains("Peiling **#1** staat uit"));
    CHECK_THAT(in_rekenen_group(chat, rekenen.rob, "vraag Hoe oefenen jullie de tafels?"),
               Contains("Je vraag #1 staat in HSN-café Rekenen"));
    CHECK_THAT(in_rekenen_group(chat, rekenen.rob, "agendapunt Tafels oefenen met spel"),
               Contains("Agendapunt **#1** staat op de lijst"));
    CHECK_THAT(
        in_rekenen_group(chat, rekenen.rob, "kennis notitie Verslag april | Tafelspel gespeeld"),
        Contains("Opgeslagen als kennis 1 (verslag)"));
}

}  // namespace

TEST_CASE("two networks each have poll, question, agenda item and knowledge entry number 1",
          "[numbers]") {
    ConsoleFixture chat;
    const auto rekenen = add_rekenen(chat);
    one_of_each(chat, rekenen);
    const auto demo = chat.demo.network_id;
    const auto other = rekenen.network_id;

    // Stored: one of each with number 1 in either network, different items.
    REQUIRE(chat.store->poll_by_number(demo, 1));
    REQUIRE(chat.store->poll_by_number(other, 1));
    CHECK(chat.store->poll_by_number(demo, 1)->title == "Welke datum past?");
    CHECK(chat.store->poll_by_number(other, 1)->title == "Welk spel kiezen we?");
    CHECK(chat.store->question_by_number(demo, 1)->text ==
          "Hoe geven jullie feedback op rekenwerk?");
    CHECK(chat.store->question_by_number(other, 1)->text == "Hoe oefenen jullie de tafels?");
    CHECK(chat.store->agenda_item_by_number(demo, 1)->text == "Feedback in groep 8");
    CHECK(chat.store->agenda_item_by_number(other, 1)->text == "Tafels oefenen met spel");
    CHECK(chat.store->knowledge_entry_by_number(demo, 1)->title == "Verslag maart");
    CHECK(chat.store->knowledge_entry_by_number(other, 1)->title == "Verslag april");

    // In each network's group, number 1 is that network's.
    chat.as("Marieke");
    chat.say("/groep");
    CHECK_THAT(chat.say("vraag 1"), Contains("Hoe geven jullie feedback op rekenwerk?"));
    CHECK_THAT(chat.say("kennis 1"), Contains("Verslag maart"));
    CHECK_THAT(chat.say("agenda"), Contains("#1 Feedback in groep 8"));
    CHECK_THAT(chat.say("peilingen"), Contains("#1"));
    // A facilitator's command on this network's list, with the other network named: not read as
    // this network's number 1.
    CHECK_THAT(chat.say("kennis archiveer 1 in HSN-café Rekenen"),
               Contains("Dit gaat over HSN-café Feedback die werkt: daar zoek ik nummer 1."));
    CHECK(chat.store->knowledge_entry_by_number(demo, 1)->status == KnowledgeStatus::active);
    auto reply = in_rekenen_group(chat, rekenen.pim, "vraag 1");
    CHECK_THAT(reply, Contains("Hoe oefenen jullie de tafels?"));
    CHECK_THAT(reply, !Contains("rekenwerk"));
    CHECK_THAT(in_rekenen_group(chat, rekenen.pim, "kennis 1"), Contains("Verslag april"));
    reply = in_rekenen_group(chat, rekenen.pim, "agenda");
    INFO(reply);
    CHECK_THAT(reply, Contains("**#1** Tafels oefenen met spel"));
    reply = in_rekenen_group(chat, rekenen.rob, "agenda parkeer 1");
    CHECK_THAT(reply, Contains("#1"));
    CHECK(chat.store->agenda_item_by_number(other, 1)->status == AgendaStatus::parked);
    CHECK(chat.store->agenda_item_by_number(demo, 1)->status == AgendaStatus::proposed);

    // Pim answers his network's poll 1 in its group (named poll): only that poll counts it.
    const auto demo_poll = chat.store->poll_by_number(demo, 1)->id;
    const auto other_poll = chat.store->poll_by_number(other, 1)->id;
    chat.as("Pim");
    chat.say("/prive");
    CHECK_THAT(chat.say("stem 1 2"), Contains("genoteerd: Domino"));
    CHECK(chat.store->poll_respondents(other_poll).size() == 1);
    CHECK(chat.store->poll_respondents(demo_poll).empty());
}

TEST_CASE("a number of another network gets the same reply as a number that does not exist",
          "[numbers][isolation]") {
    ConsoleFixture chat;
    const auto rekenen = add_rekenen(chat);
    // Only HSN-café Rekenen has a poll, a question, an agenda item and a knowledge entry.
    in_rekenen_group(chat, rekenen.rob, "peiling \"Welk spel kiezen we?\" | Kwartet | Domino");
    in_rekenen_group(chat, rekenen.rob, "vraag Hoe oefenen jullie de tafels?");
    in_rekenen_group(chat, rekenen.rob, "agendapunt Tafels oefenen met spel");
    in_rekenen_group(chat, rekenen.rob, "kennis notitie Verslag april | Tafelspel gespeeld");
    const auto poll = chat.store->poll_by_number(rekenen.network_id, 1);
    REQUIRE(poll);

    // Marieke is not in it: her private chat and her own network's group.
    chat.as("Marieke");
    for (const std::string where : {"/prive", "/groep"}) {
        INFO(where);
        chat.say(where);
        chat.say("taal nl");  // what the other network's commands sent is printed before this
        const auto one = chat.say("stem 1 1");
        const auto missing = chat.say("stem 99 1");
        CHECK_THAT(one, Contains("Peiling #1 ken ik niet. peilingen toont welke er lopen."));
        CHECK(one == replaced(missing, "99", "1"));
        CHECK(chat.say("vraag 1") == replaced(chat.say("vraag 99"), "99", "1"));
        CHECK_THAT(chat.say("vraag 1"), Contains("Vraag 1 ken ik niet in jouw netwerken."));
        CHECK(chat.say("antwoord 1 Zo doe ik het.") ==
              replaced(chat.say("antwoord 99 Zo doe ik het."), "99", "1"));
        CHECK(chat.say("kennis 1") == replaced(chat.say("kennis 99"), "99", "1"));
        CHECK_THAT(chat.say("kennis 1"), Contains("Ik vind geen kennis met nummer 1"));
        CHECK(chat.say("agenda parkeer 1") == replaced(chat.say("agenda parkeer 99"), "99", "1"));
        // Naming the other network does not help.
        CHECK(chat.say("stem 1 1 in HSN-café Rekenen") == one);
    }
    // In the other network's own group conversation, where she is no member, the same.
    const auto marieke = chat.demo.facilitator_id;
    const auto there = [&](const std::string& text) {
        return in_rekenen_group(chat, marieke, text);
    };
    // The first line she writes there brings the one-time private explanation of how to join
    // (issue 16); after that every answer stands alone.
    CHECK_THAT(there("hulp"), Contains("daar zit je nog niet in"));
    CHECK(there("stem 1 1") == replaced(there("stem 99 1"), "99", "1"));
    CHECK_THAT(there("stem 1 1"), Contains("Peiling #1 ken ik niet."));
    CHECK(there("peiling uitslag 1") == replaced(there("peiling uitslag 99"), "99", "1"));
    CHECK(there("vraag 1") == replaced(there("vraag 99"), "99", "1"));
    CHECK_THAT(there("vraag 1"), Contains("Vraag 1 ken ik niet in jouw netwerken."));
    CHECK(there("kennis 1") == replaced(there("kennis 99"), "99", "1"));

    // The poll's card, clicked by someone it was not sent to: the same words again.
    chat.say("/prive");
    const auto clicked = [&] {
        InboundEvent event;
        event.kind = InboundEvent::Kind::action;
        event.event_id = "outsider-click";
        event.conversation = {Platform::console,
                              "console-dm-" + std::to_string(chat.demo.facilitator_id),
                              Conversation::Kind::direct, ""};
        event.sender = {"member-" + std::to_string(chat.demo.facilitator_id), "", ""};
        event.action.action_id = "poll:" + std::to_string(poll->id) + ":1";
        event.action.choice_ids = {"1"};
        const auto handled = chat.bot.handle(event, chat.session.now());
        REQUIRE(handled);
        REQUIRE(handled->message_ids.size() == 1);
        const auto row = chat.store->outbox_row(handled->message_ids.front());
        return std::get<TextContent>(row->message.content).markdown;
    }();
    CHECK(clicked == "Peiling #1 ken ik niet. **peilingen** toont welke er lopen.");
    // Nothing was stored anywhere.
    CHECK(chat.store->poll_respondents(poll->id).empty());
    CHECK(
        chat.store->answers_of(chat.store->question_by_number(rekenen.network_id, 1)->id).empty());
    CHECK(chat.store->agenda_item_by_number(rekenen.network_id, 1)->status ==
          AgendaStatus::proposed);
}

TEST_CASE("one network's numbers do not move when another network adds items", "[numbers]") {
    ConsoleFixture chat;
    const auto rekenen = add_rekenen(chat);
    one_of_each(chat, rekenen);

    // HSN-café Rekenen adds three more of each.
    for (int i = 2; i <= 4; ++i) {
        const auto n = std::to_string(i);
        in_rekenen_group(chat, rekenen.rob, "peiling \"Spel " + n + "?\" | Ja | Nee");
        in_rekenen_group(chat, rekenen.rob, "agendapunt Tafels ronde " + n);
        in_rekenen_group(chat, rekenen.rob, "kennis notitie Verslag " + n + " | Tafels " + n);
        CHECK_THAT(in_rekenen_group(chat, rekenen.pim,
                                    "vraag Hoe leer je klokkijken aan groep " + n + "?"),
                   Contains("Je vraag #" + n + " staat in HSN-café Rekenen"));
    }
    CHECK(chat.store->poll_by_number(rekenen.network_id, 4));

    // The demo network's items keep their numbers, and its next ones are 2, not 5.
    chat.as("Marieke");
    chat.say("/groep");
    CHECK_THAT(chat.say("vraag 1"), Contains("Hoe geven jullie feedback op rekenwerk?"));
    CHECK_THAT(chat.say("peiling \"Welk lokaal?\" | A | B"), Contains("Peiling #2 staat uit"));
    CHECK_THAT(chat.say("vraag Hoe plannen jullie spreekbeurten in groep 6?"),
               Contains("Je vraag #2 staat in"));
    CHECK_THAT(chat.say("agendapunt Rubrics delen"), Contains("Agendapunt #2"));
    CHECK_THAT(chat.say("kennis notitie Verslag mei | Over rubrics"), Contains("kennis 2"));
    const auto agenda = chat.say("agenda");
    CHECK_THAT(agenda, Contains("#1 Feedback in groep 8"));
    CHECK_THAT(agenda, Contains("#2 Rubrics delen"));
    CHECK_THAT(agenda, !Contains("#5"));

    // A removed item's number is not given again in its network.
    CHECK_THAT(chat.say("agenda verwijder 2"), Contains("#2"));
    CHECK_THAT(chat.say("agendapunt Nog een punt"), Contains("Agendapunt #3"));
    CHECK_FALSE(chat.store->agenda_item_by_number(chat.demo.network_id, 2));
}

TEST_CASE("in a private chat a number several of your networks have: the bot asks which",
          "[numbers][private]") {
    ConsoleFixture chat;
    const auto rekenen = add_rekenen(chat);
    one_of_each(chat, rekenen);
    const auto demo_poll = chat.store->poll_by_number(chat.demo.network_id, 1)->id;
    const auto other_poll = chat.store->poll_by_number(rekenen.network_id, 1)->id;

    // Anna is in both networks and was sent both polls.
    const auto anna = member_named(chat, "Anna de Vries");
    const auto invited = [&](Id poll) {
        const auto ids = chat.store->poll_invitees(poll);
        return std::find(ids.begin(), ids.end(), anna) != ids.end();
    };
    REQUIRE(invited(demo_poll));
    REQUIRE(invited(other_poll));
    chat.as("Anna");
    chat.say("/prive");
    auto reply = chat.say("stem 1 2");
    CHECK_THAT(
        reply,
        Contains("Peiling #1 bestaat in meer dan één van je netwerken: HSN-café Feedback die "
                 "werkt en HSN-café Rekenen. Welk netwerk bedoel je? Zet de naam erachter, "
                 "bijvoorbeeld stem 1 … in HSN-café Feedback die werkt, of typ het in het "
                 "groepsgesprek van dat netwerk. Ik heb nog niets gedaan."));
    CHECK(chat.store->poll_respondents(demo_poll).empty());
    CHECK(chat.store->poll_respondents(other_poll).empty());
    // A bare "2" is no better: the polls are named with their networks.
    reply = typed_in(
        chat, anna,
        {Platform::console, "console-dm-" + std::to_string(anna), Conversation::Kind::direct, ""},
        "2");
    CHECK_THAT(reply, Contains("#1 (Welke datum past?, HSN-café Feedback die werkt)"));
    CHECK_THAT(reply, Contains("#1 (Welk spel kiezen we?, HSN-café Rekenen)"));
    CHECK(chat.store->poll_respondents(other_poll).empty());

    // Naming the network answers there only.
    CHECK_THAT(chat.say("stem 1 2 in HSN-café Rekenen"), Contains("genoteerd: Domino"));
    CHECK(chat.store->poll_respondents(other_poll).size() == 1);
    CHECK(chat.store->poll_respondents(demo_poll).empty());

    // The poll commands that work on one network's list use her chosen network; naming another
    // one is not silently read as it.
    CHECK_THAT(
        chat.say("peiling uitslag 1 in HSN-café Rekenen"),
        Contains("Dit gaat over HSN-café Feedback die werkt: daar zoek ik nummer 1. Bedoel je "
                 "HSN-café Rekenen? Kies dat netwerk met netwerk HSN-café Rekenen"));
    chat.say("netwerk HSN-café Rekenen");
    CHECK_THAT(chat.say("peiling uitslag 1 in HSN-café Rekenen"),
               Contains("Tot nu toe antwoordden 1 van de 3."));  // Rekenen's poll: Rob, Pim, Anna
    chat.say("netwerk HSN-café Feedback die werkt");

    // Questions and knowledge the same way; in English when she speaks English.
    reply = chat.say("vraag 1");
    CHECK_THAT(reply, Contains("Vraag 1 bestaat in meer dan één van je netwerken"));
    CHECK_THAT(reply, !Contains("rekenwerk"));
    reply = chat.say("vraag 1 in HSN-café Rekenen");
    CHECK_THAT(reply, Contains("Hoe oefenen jullie de tafels?"));
    CHECK(chat.store->question_by_number(rekenen.network_id, 2) == std::nullopt);  // not asked
    chat.say("taal en");
    reply = chat.say("knowledge 1");
    CHECK_THAT(reply,
               Contains("Knowledge entry #1 exists in more than one of your networks: HSN-café "
                        "Feedback die werkt and HSN-café Rekenen. Which network do you mean?"));
    CHECK_THAT(reply, Contains("knowledge 1 in HSN-café Feedback die werkt"));
    CHECK_THAT(chat.say("knowledge 1 in HSN-café Feedback die werkt"), Contains("Verslag maart"));

    // Someone in one network only is never asked: Pim's "vraag 1" is his network's.
    chat.as("Pim");
    chat.say("/prive");
    CHECK_THAT(chat.say("vraag 1"), Contains("Hoe oefenen jullie de tafels?"));
}

TEST_CASE("an anonymous answer typed with a number two networks have is asked about, never logged",
          "[numbers][private][anonymity]") {
    ConsoleFixture chat;
    const auto rekenen = add_rekenen(chat);
    chat.as("Marieke");
    chat.say("/groep");
    CHECK_THAT(chat.say("peiling \"Wat wil je kwijt?\" | open | anoniem"),
               Contains("Anonieme peiling #1 staat uit"));
    CHECK_THAT(in_rekenen_group(chat, rekenen.rob, "peiling \"Wat mist er?\" | open | anoniem"),
               Contains("Anonieme peiling **#1** staat uit"));

    std::vector<std::string> logged;
    set_log_sink([&](LogLevel, std::string_view line) { logged.emplace_back(line); });
    chat.as("Anna");
    chat.say("/prive");
    const auto reply = chat.say("stem 1 Mijn eerlijke mening over de sfeer");
    set_log_sink({});
    CHECK_THAT(reply, Contains("Peiling #1 bestaat in meer dan één van je netwerken"));
    CHECK_THAT(reply, Contains("bijvoorbeeld stem 1 … in HSN-café Feedback die werkt"));
    CHECK_THAT(reply, !Contains("eerlijke mening"));  // the answer is not repeated back
    REQUIRE_FALSE(logged.empty());
    for (const auto& line : logged) {
        INFO(line);
        CHECK_THAT(line, !Contains("eerlijke mening"));
    }
    for (const auto network : {chat.demo.network_id, rekenen.network_id}) {
        CHECK(chat.store->poll_answers(chat.store->poll_by_number(network, 1)->id).empty());
    }
}
