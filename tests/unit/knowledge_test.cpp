// The knowledge base and the harvest as members meet them in chat: searching with Dutch word
// forms and accents, facilitators keeping notes and resources, networks kept apart unless a
// facilitator shares, consent withdrawn either way, and the school year's harvest document.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "bot/features/knowledge/knowledge.hpp"
#include "support/console_fixture.hpp"

using leernetwerk::testing::ConsoleFixture;
using namespace leernetwerk;
using Catch::Matchers::Contains;

namespace {

/// The core Markdown of the last message the bot sent (before the console rendered it).
std::string last_markdown(ConsoleFixture& chat) {
    const auto rows = chat.store->outbox_in_state(Platform::console, OutboxState::sent);
    REQUIRE_FALSE(rows.empty());
    const auto* text = std::get_if<TextContent>(&rows.back().message.content);
    REQUIRE(text != nullptr);
    return text->markdown;
}

/// The entry numbers in a reply, in the order shown ("#12 ...").
std::vector<Id> numbers_in(const std::string& reply) {
    std::vector<Id> numbers;
    for (std::size_t at = reply.find("- #"); at != std::string::npos;
         at = reply.find("- #", at + 1)) {
        numbers.push_back(std::stoll(reply.substr(at + 3)));
    }
    return numbers;
}

/// An entry as the questions flow stores a consented answer.
Id add_answer(ConsoleFixture& chat, Id network, const std::string& question,
              const std::string& answer, std::optional<Id> author) {
    KnowledgeEntry entry;
    entry.network_id = network;
    entry.kind = KnowledgeKind::answer;
    entry.title = question;
    entry.body = answer;
    entry.author_member_id = author;
    entry.created_at = testing::demo_now();
    entry.updated_at = testing::demo_now();
    Id id = 0;
    chat.store->transaction([&] { id = chat.store->create_knowledge_entry(entry); });
    return id;
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

/// A second network, "HSN-café Rekenen", with its own facilitator (Rob) and participant (Pim);
/// Anna de Vries of the demo network is in it too.
struct SecondNetwork {
    Id network_id = 0;
    Id rob = 0;
    Id pim = 0;
};

SecondNetwork add_second_network(ConsoleFixture& chat) {
    SecondNetwork second;
    chat.store->transaction([&] {
        Network network;
        network.name = "HSN-café Rekenen";
        network.created_at = testing::demo_now();
        second.network_id = chat.store->create_network(network);
        const auto add = [&](const std::string& name, Role role) {
            Member member;
            member.display_name = name;
            member.created_at = testing::demo_now();
            const Id id = chat.store->create_member(member);
            chat.store->link_identity({Platform::console, "member-" + std::to_string(id), id});
            chat.store->add_membership({second.network_id, id, role, testing::demo_now()});
            return id;
        };
        second.rob = add("Rob Rekenaar", Role::facilitator);
        second.pim = add("Pim Post", Role::participant);
        chat.store->add_membership({second.network_id, member_named(chat, "Anna de Vries"),
                                    Role::participant, testing::demo_now()});
    });
    return second;
}

}  // namespace

TEST_CASE("search finds Dutch word forms and folded accents", "[knowledge][search]") {
    ConsoleFixture chat;
    chat.say(
        "kennis notitie Verslag van de bijeenkomst | We bespraken hoe een leerling rekent "
        "met breuken | rekenen");
    chat.say("kennis notitie Koffie in het café | Nieuwe ideeën voor feedback");
    chat.as("Anna");

    auto reply = chat.say("zoek bijeenkomsten");
    CHECK_THAT(reply, Contains("Dit vond ik in de kennisbank over 'bijeenkomsten':"));
    CHECK_THAT(reply, Contains("#1 Verslag van de bijeenkomst"));
    CHECK_THAT(reply, Contains("(Marieke Jansen, woensdag 2 december 2026)"));
    CHECK_THAT(reply, Contains("Typ kennis 1 om een nummer helemaal te lezen."));
    CHECK_THAT(reply, !Contains("Koffie"));

    reply = chat.say("zoek rekenen");
    CHECK(numbers_in(reply) == std::vector<Id>{1});
    // The snippet marks the matched word in the Markdown the platforms render.
    CHECK_THAT(last_markdown(chat), Contains("hoe een leerling **rekent** met breuken"));

    CHECK(numbers_in(chat.say("zoek cafe")) == std::vector<Id>{2});
    CHECK(numbers_in(chat.say("zoek ideeen")) == std::vector<Id>{2});
    CHECK(numbers_in(chat.say("zoek IDEEËN")) == std::vector<Id>{2});
    CHECK_THAT(last_markdown(chat), Contains("Nieuwe **ideeën** voor feedback"));

    SECTION("in English, meetings finds meeting") {
        chat.say("kennis notitie Weekly meeting | Notes of the meeting");  // refused: Anna
        chat.as("Marieke");
        chat.say("kennis notitie Weekly meeting | Notes of the meeting");
        chat.as("Anna");
        chat.say("/prive");
        chat.say("taal en");
        reply = chat.say("search meetings");
        CHECK_THAT(reply, Contains("This is what I found in the knowledge base about 'meetings':"));
        CHECK(numbers_in(reply) == std::vector<Id>{3});
    }
}

TEST_CASE("the better match comes first, and nothing found gets a friendly reply",
          "[knowledge][search]") {
    ConsoleFixture chat;
    chat.say("kennis notitie Tafels oefenen | Met een spel; ook rekenen komt terug");
    chat.say(
        "kennis notitie Rekenen in groep 5 | Rekenen met geld: rekenen wordt concreet | "
        "rekenen");
    chat.say("kennis notitie Spelling | Dictee met woordkaartjes");
    const auto reply = chat.say("zoek rekenen");
    CHECK(numbers_in(reply) == std::vector<Id>{2, 1});

    const auto none = chat.say("zoek pizza");
    CHECK_THAT(none,
               Contains("Ik vond niets over 'pizza' in de kennisbank. Probeer andere of minder "
                        "woorden, of stel je vraag aan het netwerk met vraag en je vraag."));
    CHECK_THAT(chat.say("zoek"), Contains("Waar wil je naar zoeken?"));
}

TEST_CASE("search treats query syntax as words and shows data as text", "[knowledge][search]") {
    ConsoleFixture chat;
    chat.say(
        "kennis notitie **Vet** en <b>html</b> | Gebruik [klik](javascript:x) of `code` en "
        "_nadruk_ bij feedback");

    for (const std::string query :
         {"zoek NEAR(feedback", "zoek feedback OR", "zoek title:feedback", "zoek -feedback",
          "zoek feedback*", "zoek ^feedback", "zoek \"feedback"}) {
        INFO(query);
        CHECK(numbers_in(chat.say(query)) == std::vector<Id>{1});
    }
    for (const std::string query :
         {"zoek \"", "zoek ?!", "zoek \" \"", "zoek * OR -", "zoek NOT", "zoek {title}:"}) {
        INFO(query);
        const auto reply = chat.say(query);
        CHECK_THAT(reply, Contains("Ik vond niets over"));
    }

    chat.say("zoek feedback");
    const auto markdown = last_markdown(chat);
    CHECK_THAT(markdown, Contains("**#1 \\*\\*Vet\\*\\* en \\<b\\>html\\</b\\>**"));
    CHECK_THAT(markdown,
               Contains("Gebruik \\[klik\\](javascript:x) of \\`code\\` en \\_nadruk\\_ bij "
                        "**feedback**"));
}

TEST_CASE("facilitators keep notes and resources; participants are told who can",
          "[knowledge][manage]") {
    ConsoleFixture chat;

    SECTION("a note, then edited, archived and restored") {
        auto reply = chat.say(
            "kennis notitie Verslag maart | We oefenden met pizza | breuken, "
            "rubrics");
        CHECK_THAT(reply,
                   Contains("Opgeslagen als kennis 1 (verslag): 'Verslag maart'. Iedereen in "
                            "HSN-café Feedback die werkt vindt het met zoek."));
        auto stored = chat.store->knowledge_entry(1);
        REQUIRE(stored.has_value());
        CHECK(stored->kind == KnowledgeKind::note);
        CHECK(stored->tags == std::vector<std::string>{"breuken", "rubrics"});
        CHECK(stored->author_member_id == chat.demo.facilitator_id);

        reply = chat.say("kennis wijzig 1 | We oefenden met taart");
        CHECK_THAT(reply, Contains("Kennis 1 'Verslag maart' is bijgewerkt."));
        CHECK(chat.store->knowledge_entry(1)->body == "We oefenden met taart");
        CHECK(chat.store->knowledge_entry(1)->title == "Verslag maart");
        CHECK(numbers_in(chat.say("zoek taart")) == std::vector<Id>{1});
        CHECK(numbers_in(chat.say("zoek pizza")).empty());

        reply = chat.say("kennis archiveer 1");
        CHECK_THAT(reply, Contains("Kennis 1 'Verslag maart' is gearchiveerd"));
        CHECK(numbers_in(chat.say("zoek taart")).empty());
        CHECK_THAT(chat.say("kennis 1"),
                   Contains("gearchiveerd"));  // the facilitator still sees it
        chat.as("Anna");
        CHECK_THAT(chat.say("kennis 1"),
                   Contains("Ik vind geen kennis met nummer 1 die jij kunt lezen"));
        chat.as("Marieke");
        CHECK_THAT(chat.say("kennis archiveer 1"), Contains("was al gearchiveerd"));
        CHECK_THAT(chat.say("kennis herstel 1"), Contains("staat weer in de kennisbank"));
        CHECK(numbers_in(chat.say("zoek taart")) == std::vector<Id>{1});
    }
    SECTION("a resource needs an http(s) link") {
        auto reply = chat.say("kennis bron Waaier | javascript:alert(1) | Vragen | feedback");
        CHECK_THAT(reply, Contains("'javascript:alert(1)' is geen webadres dat ik bewaar"));
        reply = chat.say("kennis bron Waaier | ftp://x.nl/a | Vragen");
        CHECK_THAT(reply, Contains("is geen webadres dat ik bewaar"));
        reply = chat.say("kennis bron Waaier | https://user@evil.example | Vragen");
        CHECK_THAT(reply, Contains("is geen webadres dat ik bewaar"));
        CHECK(chat.store->knowledge_entries(chat.demo.network_id).empty());
        reply = chat.say(
            "kennis bron Feedbackwaaier | https://voorbeeld.nl/waaier?x=1 | "
            "Vragen voor het nagesprek | feedback");
        CHECK_THAT(reply, Contains("Opgeslagen als kennis 1 (bron)"));
        CHECK(chat.store->knowledge_entry(1)->link == "https://voorbeeld.nl/waaier?x=1");
        reply = chat.say("kennis 1");
        CHECK_THAT(reply, Contains("Link: https://voorbeeld.nl/waaier?x=1"));
        CHECK_THAT(reply, Contains("Vragen voor het nagesprek"));
        reply = chat.say("kennis wijzig 1 | mailto:x@y.nl");
        CHECK_THAT(reply, Contains("is geen webadres dat ik bewaar"));
        CHECK(chat.store->knowledge_entry(1)->link == "https://voorbeeld.nl/waaier?x=1");
    }
    SECTION("wrong input gets the form that works, and nothing is stored") {
        CHECK_THAT(chat.say("kennis notitie"), Contains("Typ kennis notitie titel | tekst | tags"));
        CHECK_THAT(chat.say("kennis notitie Alleen een titel"), Contains("Typ kennis notitie"));
        CHECK_THAT(chat.say("kennis notitie a | b | c | d"), Contains("Typ kennis notitie"));
        CHECK_THAT(chat.say("kennis archiveer vijf"),
                   Contains("Typ kennis archiveer en het nummer"));
        CHECK_THAT(chat.say("kennis archiveer 99"), Contains("Ik vind geen kennis met nummer 99"));
        CHECK_THAT(chat.say("kennis 1 2"), Contains("Typ kennis met een nummer"));
        CHECK(chat.store->knowledge_entries(chat.demo.network_id).empty());
    }
    SECTION("participants are refused politely, naming who can") {
        chat.say("kennis notitie Verslag | tekst");
        chat.as("Anna");
        for (const std::string command :
             {"kennis notitie Mijn notitie | tekst", "kennis bron X | https://x.nl | y",
              "kennis wijzig 1 | anders", "kennis archiveer 1", "kennis herstel 1",
              "kennis deel 1 HSN-café Rekenen", "kennis export", "oogst", "ambitie Alles"}) {
            INFO(command);
            const auto reply = chat.say(command);
            CHECK_THAT(reply, Contains("Alleen organisatoren en procesbegeleiders van HSN-café "
                                       "Feedback die werkt kunnen"));
            CHECK_THAT(reply, Contains("Vraag het Marieke Jansen."));
        }
        CHECK(chat.store->knowledge_entries(chat.demo.network_id).size() == 1);
        CHECK(chat.store->knowledge_entry(1)->body == "tekst");
        CHECK(chat.store->knowledge_entry(1)->status == KnowledgeStatus::active);
        CHECK(chat.store->network(chat.demo.network_id)->ambition.empty());
    }
}

TEST_CASE("the knowledge base is listed, read in full and exported privately",
          "[knowledge][manage]") {
    ConsoleFixture chat;
    chat.say("kennis notitie Verslag maart | We oefenden met *rubrics* | feedback");
    chat.say("kennis bron Waaier | https://voorbeeld.nl/w | Vragen");
    chat.say("kennis archiveer 2");

    chat.as("Anna");
    auto reply = chat.say("kennis");
    CHECK_THAT(reply, Contains("Kennisbank van HSN-café Feedback die werkt (1):"));
    CHECK_THAT(reply, Contains("- #1 Verslag maart · verslag"));
    CHECK_THAT(reply, !Contains("Waaier"));
    reply = chat.say("kennis 1");
    CHECK_THAT(reply,
               Contains("#1 Verslag maart\nverslag · Marieke Jansen · woensdag 2 december 2026"));
    CHECK_THAT(reply, Contains("We oefenden met *rubrics*"));
    CHECK_THAT(last_markdown(chat), Contains("We oefenden met \\*rubrics\\*"));
    CHECK_THAT(reply, Contains("Tags: feedback"));

    chat.as("Marieke");
    reply = chat.say("kennis export");
    CHECK_THAT(reply, Contains(">>> bot to Marieke Jansen (privé)"));
    CHECK_THAT(reply, Contains("Kennisbank van HSN-café Feedback die werkt"));
    CHECK_THAT(reply, Contains("#1 Verslag maart"));
    CHECK_THAT(reply, Contains("#2 Waaier"));
    CHECK_THAT(reply, Contains("bron · Marieke Jansen · woensdag 2 december 2026 · gearchiveerd"));
    CHECK_THAT(reply, Contains("Link: https://voorbeeld.nl/w"));
    CHECK_THAT(reply,
               Contains(">>> bot to HSN-café Feedback die werkt\nIk heb het je privé gestuurd."));
}

TEST_CASE("networks never see each other's knowledge unless a facilitator shares it",
          "[knowledge][isolation]") {
    ConsoleFixture chat;
    const auto second = add_second_network(chat);
    const Id pizza = add_answer(chat, second.network_id, "Breuken uitleggen?",
                                "Met een pizza in acht stukken", second.pim);
    const Id ours = add_answer(chat, chat.demo.network_id, "Feedback op rekenwerk?",
                               "Kort en direct, ook bij pizza-sommen", std::nullopt);

    // Numbers are per network: each entry is number 1 in its own network.
    REQUIRE(chat.store->knowledge_entry(pizza)->number == 1);
    REQUIRE(chat.store->knowledge_entry(ours)->number == 1);

    // Marieke (demo network only): nothing of the other network, by search, number or export.
    auto reply = chat.say("zoek pizza");
    CHECK(numbers_in(reply) == std::vector<Id>{1});
    CHECK_THAT(reply, !Contains("acht stukken"));
    reply = chat.say("kennis 1");
    CHECK_THAT(reply, Contains("Kort en direct"));
    CHECK_THAT(reply, !Contains("acht stukken"));
    CHECK_THAT(chat.say("kennis 2"), Contains("Ik vind geen kennis met nummer 2"));
    CHECK_THAT(chat.say("kennis 1 in HSN-café Rekenen"),
               Contains("Ik vind geen kennis met nummer 1"));
    CHECK_THAT(chat.say("kennis export"), !Contains("Breuken"));
    CHECK_THAT(chat.say("kennis archiveer 2"), Contains("Ik vind geen kennis"));
    CHECK(chat.store->knowledge_entry(pizza)->status == KnowledgeStatus::active);
    chat.say("/prive");
    CHECK(numbers_in(chat.say("zoek pizza")) == std::vector<Id>{1});

    // Pim (other network only), in his direct chat: only his network's entry.
    chat.as("Pim");
    reply = chat.say("zoek pizza");
    CHECK(numbers_in(reply) == std::vector<Id>{1});
    CHECK_THAT(reply, Contains("acht stukken"));
    CHECK_THAT(chat.say("kennis 2"), Contains("Ik vind geen kennis"));

    // Anna is in both: privately she finds both; in the demo network's room only its own.
    chat.as("Anna");
    CHECK(numbers_in(chat.say("zoek pizza")).size() == 2);
    chat.say("/groep");
    reply = chat.say("zoek pizza");
    CHECK(numbers_in(reply) == std::vector<Id>{1});
    CHECK_THAT(reply, !Contains("acht stukken"));
    // Asked for the other network's entry in this room, she gets it privately.
    reply = chat.say("kennis 1 in HSN-café Rekenen");
    CHECK_THAT(reply, Contains(">>> bot to Anna de Vries (privé)"));
    CHECK_THAT(reply, Contains("Met een pizza in acht stukken"));

    // Rob shares his network's entry with the demo network; now Marieke finds it, marked, under
    // the demo network's next number.
    chat.as("Rob");
    chat.say("/prive");
    // The demo network's entry is not his to see, let alone share.
    CHECK_THAT(chat.say("kennis deel 2 HSN-café Rekenen"),
               Contains("Ik vind geen kennis met nummer 2"));
    CHECK_THAT(chat.say("kennis deel 1 Atlantis"), Contains("Ik ken geen netwerk 'Atlantis'"));
    CHECK_THAT(
        chat.say("kennis deel 1 hsn-cafe feedback die werkt"),
        Contains("is gedeeld met HSN-café Feedback die werkt: de leden daarvan vinden het nu "
                 "ook, daar als kennis 2."));
    CHECK_THAT(chat.say("kennis deel 1 HSN-café Feedback die werkt"), Contains("was al gedeeld"));
    CHECK(chat.store->knowledge_number_in(pizza, chat.demo.network_id) == 2);
    chat.as("Marieke");
    chat.say("/groep");
    CHECK(numbers_in(chat.say("zoek pizza")) == std::vector<Id>{2, 1});
    reply = chat.say("kennis 2");
    CHECK_THAT(reply, Contains("#2 Breuken uitleggen?"));
    CHECK_THAT(reply, Contains("gedeeld door HSN-café Rekenen"));
    // Sharing lets them read it, not change it.
    CHECK_THAT(chat.say("kennis archiveer 2"), Contains("hoort bij HSN-café Rekenen"));
}

TEST_CASE("a member withdraws consent: anonymised or removed, their choice",
          "[knowledge][consent]") {
    ConsoleFixture chat;
    const Id anna = member_named(chat, "Anna de Vries");
    const Id first = add_answer(chat, chat.demo.network_id, "Hoe geef je feedback op rekenwerk?",
                                "Kort en concreet", anna);
    const Id second =
        add_answer(chat, chat.demo.network_id, "Rubrics in groep 5?", "Met pictogrammen", anna);
    const Id other = add_answer(chat, chat.demo.network_id, "Kleuters observeren?", "Met foto's",
                                member_named(chat, "Sanne Bakker"));

    chat.as("Anna");
    auto reply = chat.say("mijn kennis");
    CHECK_THAT(reply, Contains(">>> bot to Anna de Vries (privé)"));
    CHECK_THAT(reply, Contains("Jouw bijdragen aan de kennisbank (2):"));
    CHECK_THAT(reply,
               Contains("#" + std::to_string(first) + " Hoe geef je feedback op rekenwerk?"));
    CHECK_THAT(reply, !Contains("Kleuters"));

    SECTION("asked, and anonymised by answering the question") {
        reply = chat.say("kennis intrekken " + std::to_string(first));
        CHECK_THAT(reply, Contains(">>> bot to Anna de Vries (privé)"));
        CHECK_THAT(reply,
                   Contains("Je trekt je toestemming in voor kennis " + std::to_string(first)));
        CHECK_THAT(reply, Contains("Anoniem maken (de tekst blijft, mijn naam gaat eraf)"));
        CHECK_THAT(reply, Contains("Helemaal verwijderen"));
        CHECK(chat.store->knowledge_entry(first)->author_member_id == anna);  // nothing yet
        reply = chat.say("1");
        CHECK_THAT(reply, Contains("staat er nu zonder jouw naam"));
        const auto entry = chat.store->knowledge_entry(first);
        REQUIRE(entry.has_value());
        CHECK_FALSE(entry->author_member_id.has_value());
        CHECK(entry->body == "Kort en concreet");
        CHECK(numbers_in(chat.say("zoek rekenwerk")) == std::vector<Id>{first});
        CHECK_THAT(chat.say("zoek rekenwerk"), Contains("(anoniem, woensdag 2 december 2026)"));
        CHECK_THAT(chat.say("mijn kennis"), !Contains("rekenwerk"));
    }
    SECTION("removed with a click on the card, which then closes") {
        chat.say("kennis intrekken " + std::to_string(second));
        const auto rows = chat.store->outbox_in_state(Platform::console, OutboxState::sent);
        const auto& question = rows.back();
        REQUIRE(std::holds_alternative<ChoiceQuestion>(question.message.content));
        // A click as Teams and Matrix report it: naming the card that was clicked.
        InboundEvent click;
        click.kind = InboundEvent::Kind::action;
        click.event_id = "click-withdraw";
        click.conversation = {Platform::console, "console-dm-" + std::to_string(anna),
                              Conversation::Kind::direct, ""};
        click.sender = {"member-" + std::to_string(anna), "Anna de Vries", ""};
        click.action.action_id = "withdraw:" + std::to_string(second);
        click.action.choice_ids = {"remove"};
        click.action.message_remote_id = question.remote_id;
        REQUIRE(chat.bot.handle(click, testing::demo_now()));
        chat.output.str("");
        chat.session.drain();
        reply = chat.output.str();
        CHECK_THAT(reply, Contains("is uit de kennisbank verwijderd"));
        CHECK_THAT(reply, Contains("(bijgewerkt)"));
        CHECK_THAT(reply, Contains("Verwijderd."));
        CHECK_FALSE(chat.store->knowledge_entry(second).has_value());
        // A second click changes nothing.
        click.event_id = "click-withdraw-again";
        REQUIRE(chat.bot.handle(click, testing::demo_now()));
        chat.output.str("");
        chat.session.drain();
        CHECK_THAT(chat.output.str(), Contains("staat niet op jouw naam"));
    }
    SECTION("removed by typing the choice") {
        reply = chat.say("kennis intrekken " + std::to_string(second) + " verwijderen");
        CHECK_THAT(reply, Contains("is uit de kennisbank verwijderd"));
        CHECK_FALSE(chat.store->knowledge_entry(second).has_value());
        CHECK(numbers_in(chat.say("zoek pictogrammen")).empty());
    }
    SECTION("only the author can withdraw") {
        reply = chat.say("kennis intrekken " + std::to_string(other) + " verwijderen");
        CHECK_THAT(reply, Contains("staat niet op jouw naam in de kennisbank"));
        CHECK(chat.store->knowledge_entry(other).has_value());
        CHECK_THAT(chat.say("kennis intrekken " + std::to_string(first) + " misschien"),
                   Contains("Typ kennis intrekken en het nummer"));
        CHECK(chat.store->knowledge_entry(first)->author_member_id == anna);
    }
}

TEST_CASE("the harvest gathers the school year for the facilitator", "[knowledge][harvest]") {
    ConsoleFixture chat;
    CHECK_THAT(chat.say("ambitie"), Contains("heeft nog geen gezamenlijke ambitie"));
    CHECK_THAT(chat.say("centrale vraag Hoe maken we feedback <b>die werkt</b>?"),
               Contains("De centrale vraag van HSN-café Feedback die werkt is nu"));
    CHECK_THAT(chat.say("ambitie Elke leerling krijgt **wekelijks** feedback"),
               Contains("De gezamenlijke ambitie van HSN-café Feedback die werkt is nu"));
    chat.say("kennis notitie Verslag oktober | We <script>alert(1)</script> oefenden | feedback");
    chat.say("kennis bron Waaier | https://voorbeeld.nl/w?a=1&b=2 | Vragen \"voor\" 't nagesprek");
    add_answer(chat, chat.demo.network_id, "Feedback bij kleuters?", "Met duimpjes", std::nullopt);
    chat.say("kennis notitie Oud verslag | weg");
    chat.say("kennis archiveer 4");

    auto reply = chat.say("oogst");
    CHECK_THAT(reply, Contains(">>> bot to Marieke Jansen (privé)"));
    CHECK_THAT(reply, Contains("Oogst 2026-2027: HSN-café Feedback die werkt"));
    CHECK_THAT(reply, Contains("Centrale vraag\nHoe maken we feedback <b>die werkt</b>?"));
    CHECK_THAT(reply, Contains("Ambitie\nElke leerling krijgt **wekelijks** feedback"));
    CHECK_THAT(reply, Contains("- di 6 okt 2026 15:30 — Kennismaken en onze gezamenlijke ambitie"));
    CHECK_THAT(reply,
               Contains("- di 18 mei 2027 15:30 — Oogst: wat nemen we mee naar onze scholen?"));
    CHECK_THAT(reply,
               Contains("Vragen en antwoorden\n- Feedback bij kleuters? — Met duimpjes (anoniem"));
    CHECK_THAT(reply, Contains("Verslagen en notities\n- Verslag oktober"));
    CHECK_THAT(reply, Contains("Bronnen\n- Waaier"));
    CHECK_THAT(reply, !Contains("Oud verslag"));  // archived
    CHECK_THAT(reply, Contains("Evaluaties\nDit schooljaar is er geen evaluatie afgesloten."));
    CHECK_THAT(reply, Contains("Ik heb het je privé gestuurd."));
    // In the Markdown, the data is text.
    const auto rows = chat.store->outbox_in_state(Platform::console, OutboxState::sent);
    const auto& document = std::get<TextContent>(rows[rows.size() - 2].message.content).markdown;
    CHECK_THAT(document,
               Contains("**Centrale vraag**\nHoe maken we feedback \\<b\\>die werkt\\</b\\>?"));
    CHECK_THAT(document, Contains("We \\<script\\>alert(1)\\</script\\> oefenden"));

    SECTION("another school year has nothing of this one") {
        reply = chat.say("oogst 2025-2026");
        CHECK_THAT(reply, Contains("Oogst 2025-2026"));
        CHECK_THAT(reply, Contains("Geen bijeenkomsten in dit schooljaar."));
        CHECK_THAT(reply, Contains("Dit schooljaar kwam er niets bij in de kennisbank."));
        CHECK_THAT(chat.say("oogst volgend jaar"), Contains("lees ik niet als schooljaar"));
    }
    SECTION("the HTML document is standalone and escapes every piece of data") {
        const auto network = chat.store->network(chat.demo.network_id);
        const auto html = harvest_html(*chat.store, *network, 2026, Lang::nl);
        CHECK(html.rfind("<!DOCTYPE html>\n<html lang=\"nl\">", 0) == 0);
        CHECK_THAT(html, Contains("<meta charset=\"utf-8\">"));
        CHECK_THAT(html, Contains("<title>Oogst 2026-2027: HSN-café Feedback die werkt</title>"));
        CHECK_THAT(html, Contains("<h2>Centrale vraag</h2>\n<p>Hoe maken we feedback &lt;b&gt;die "
                                  "werkt&lt;/b&gt;?</p>"));
        CHECK_THAT(html, Contains("We &lt;script&gt;alert(1)&lt;/script&gt; oefenden"));
        CHECK_THAT(html, !Contains("<script>"));
        CHECK_THAT(html, Contains("<a href=\"https://voorbeeld.nl/w?a=1&amp;b=2\">"));
        CHECK_THAT(html, Contains("Vragen &quot;voor&quot; &#39;t nagesprek"));
        CHECK_THAT(html, Contains("<h3>Bronnen</h3>"));
        CHECK(html.size() > 20);
        CHECK(html.substr(html.size() - 8) == "</html>\n");
        const auto markdown =
            harvest_markdown(*chat.store, *network, 2026, Lang::en, DocumentStyle::markdown);
        CHECK(markdown.rfind("# Harvest 2026-2027: HSN-café Feedback die werkt\n", 0) == 0);
        CHECK_THAT(markdown, Contains("## Central question\n\nHoe maken we feedback \\<b\\>die "
                                      "werkt\\</b\\>?"));
        CHECK_THAT(markdown, Contains("### Meeting notes\n\n- **Verslag oktober**"));
    }
}

TEST_CASE("the knowledge export as CSV opens in columns in a Dutch Excel and defuses formulas",
          "[knowledge][manage]") {
    ConsoleFixture chat;
    chat.say("kennis notitie =HYPERLINK(\"x\") | regel \"een\"; twee | a, b");
    const auto network = chat.store->network(chat.demo.network_id);
    const auto csv = knowledge_export_csv(*chat.store, *network, Lang::nl);
    // A byte order mark (UTF-8 for Excel), Dutch column names, semicolons between them.
    CHECK(csv.rfind("\xEF\xBB\xBFnummer;soort;status;titel;tekst;link;tags;auteur;vraag;"
                    "gemaakt (UTC);bijgewerkt (UTC)\r\n",
                    0) == 0);
    // A number is a number; a semicolon, a quote or a comma in a field is quoted.
    CHECK_THAT(
        csv,
        Contains("\r\n1;verslag;actief;\"'=HYPERLINK(\"\"x\"\")\";\"regel \"\"een\"\"; twee\";;"
                 "\"a, b\";Marieke Jansen;;2026-12-02T08:00:00Z;"));
    const auto english = knowledge_export_csv(*chat.store, *network, Lang::en);
    CHECK(english.rfind("\xEF\xBB\xBFnumber;kind;status;title;text;", 0) == 0);
    CHECK_THAT(english, Contains("\r\n1;notes;active;"));
}

TEST_CASE("help lists the knowledge commands by role", "[knowledge][help]") {
    ConsoleFixture chat;
    auto reply = chat.say("hulp kennis");
    CHECK_THAT(reply, Contains("zoek woorden — zoek in de kennisbank van je netwerk"));
    CHECK_THAT(reply, Contains("kennis notitie titel | tekst | tags"));
    CHECK_THAT(reply, Contains("oogst 2026-2027 — het oogstdocument van een schooljaar"));
    CHECK_THAT(chat.say("hulp kennis intrekken"), Contains("Jij kiest: anoniem"));
    chat.as("Anna");
    reply = chat.say("hulp kennis");
    CHECK_THAT(reply, Contains("mijn kennis — wat jij aan de kennisbank gaf"));
    CHECK_THAT(reply, !Contains("kennis notitie"));
}

TEST_CASE("a long export comes in several private messages, nothing lost", "[knowledge][manage]") {
    ConsoleFixture chat;
    const std::string body(400, 'x');
    for (int i = 1; i <= 60; ++i) {
        add_answer(chat, chat.demo.network_id, "Vraag nummer " + std::to_string(i), body,
                   std::nullopt);
    }
    const auto reply = chat.say("kennis export");
    std::size_t messages = 0;
    for (std::size_t at = reply.find(">>> bot to Marieke Jansen (privé)"); at != std::string::npos;
         at = reply.find(">>> bot to Marieke Jansen (privé)", at + 1)) {
        ++messages;
    }
    CHECK(messages >= 3);
    for (int i = 1; i <= 60; ++i) {
        CHECK_THAT(reply,
                   Contains("#" + std::to_string(i) + " Vraag nummer " + std::to_string(i) + "\n"));
    }
    for (const auto& row : chat.store->outbox_in_state(Platform::console, OutboxState::sent)) {
        if (const auto* text = std::get_if<TextContent>(&row.message.content)) {
            CHECK(text->markdown.size() <= 12'000);
        }
    }
}

TEST_CASE("withdrawing consent understands every anonymous word the bot knows",
          "[knowledge][consent][arguments]") {
    // "verborgen" and "zonder naam" were understood by agenda items only, "anon" by questions
    // only: here they mean "keep it without my name" too.
    ConsoleFixture chat;
    const Id anna = member_named(chat, "Anna de Vries");
    const Id entry = add_answer(chat, chat.demo.network_id, "Hoe geef je feedback op rekenwerk?",
                                "Kort en concreet", anna);
    chat.as("Anna");
    const auto* word = GENERATE("verborgen", "zonder naam", "anon", "hide my name");
    INFO(word);
    const auto reply = chat.say("kennis intrekken " + std::to_string(entry) + " " + word);
    CHECK_THAT(reply, Contains("staat er nu zonder jouw naam"));
    const auto kept = chat.store->knowledge_entry(entry);
    REQUIRE(kept.has_value());
    CHECK_FALSE(kept->author_member_id.has_value());
    CHECK(kept->body == "Kort en concreet");
}
