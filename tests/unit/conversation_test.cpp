// Conversations with the demo network through the console, as a facilitator and participants
// would have them. Every assertion is on what the console printed or on what was stored.
#include <algorithm>
#include <set>

#include <catch2/catch.hpp>

#include "support/console_fixture.hpp"

using leernetwerk::testing::ConsoleFixture;
using namespace leernetwerk;
using Catch::Matchers::Contains;

TEST_CASE("the demo network is a believable HSN-café", "[conversation][demo]") {
    ConsoleFixture chat;
    const auto roster = chat.store->roster(chat.demo.network_id);
    REQUIRE(roster.size() == 10);
    std::set<std::string> schools;
    int organisers = 0, workshop_leaders = 0, with_expertise = 0;
    for (const auto& entry : roster) {
        schools.insert(entry.member.school_name);
        organisers += entry.membership.role == Role::organiser;
        workshop_leaders += entry.membership.role == Role::workshop_leader;
        with_expertise += !entry.member.expertise.empty();
    }
    CHECK(schools.size() == 4);
    CHECK(organisers == 1);
    CHECK(workshop_leaders == 1);
    CHECK(with_expertise == 10);
    CHECK(chat.store->cafe_weeks(2026).size() == 5);
    CHECK(chat.meeting_count() == 3);

    SECTION("seeding twice keeps one demo network") {
        const auto again = app::seed_demo(*chat.store, testing::demo_now(), "Europe/Amsterdam");
        CHECK_FALSE(again.created);
        CHECK(again.network_id == chat.demo.network_id);
        CHECK(chat.store->networks().size() == 1);
    }
}

TEST_CASE("everyone can ask for help, in their own language", "[conversation][help]") {
    ConsoleFixture chat;

    SECTION("a participant sees what participants can do, not the facilitator's commands") {
        chat.as("Anna");
        const auto reply = chat.say("hulp");
        CHECK_THAT(reply, Contains(">>> bot to HSN-café Feedback die werkt"));
        CHECK_THAT(reply, Contains("Hoi Anna de Vries!"));
        // An overview that fits a phone: per topic what everyone uses, and where to read on.
        CHECK_THAT(reply,
                   Contains("- Bijeenkomsten: bijeenkomsten, volgende, caféweken, ik kom, ik kan niet, "
                            "wie komt, herinneringen, agenda-link, agenda-link persoonlijk — meer: "
                            "hulp bijeenkomsten"));
        CHECK_THAT(reply, Contains("- Vragen aan het netwerk: vraag, vragen, antwoord"));
        CHECK_THAT(reply, !Contains("plan bijeenkomst"));
        CHECK_THAT(reply, Contains("<<<"));
        const auto topic = chat.say("hulp bijeenkomsten");
        CHECK_THAT(topic, Contains("bijeenkomsten — de komende bijeenkomsten"));
        CHECK_THAT(topic, !Contains("plan bijeenkomst"));
    }
    SECTION("the facilitator also sees how to run the network") {
        CHECK_THAT(chat.say("hulp"), Contains("Als organisator of procesbegeleider zie je bij elk "
                                              "onderwerp ook wat jij kunt regelen"));
        const auto reply = chat.say("hulp bijeenkomsten");
        CHECK_THAT(reply, Contains("Voor organisatoren en procesbegeleiders"));
        CHECK_THAT(reply, Contains("plan bijeenkomst 12 maart 15:30"));
        CHECK_THAT(reply, !Contains("agenda accepteer"));  // another topic's
    }
    SECTION("help about one command") {
        CHECK_THAT(chat.say("hulp plan bijeenkomst"),
                   Contains("Valt de datum buiten een caféweek"));
        CHECK_THAT(chat.say("help move meeting"), Contains("Alleen een dag noemen"));
    }
    SECTION("case, accents, spaces and an @mention do not matter") {
        CHECK_THAT(chat.say("  @Leernetwerk bot   HULP  "), Contains("Wat je kunt vragen"));
        CHECK_THAT(chat.say("@bot: Hulp?"), Contains("Wat je kunt vragen"));
    }
    SECTION("a member who switched to English gets English") {
        chat.as("Bram");
        chat.say("/prive");  // a group keeps its network's language
        CHECK_THAT(chat.say("language en"), Contains("I will talk English to you"));
        const auto reply = chat.say("help");
        CHECK_THAT(reply, Contains("What you can ask"));
        CHECK_THAT(reply, Contains("- Meetings: meetings, next meeting, café weeks"));
        CHECK_THAT(chat.say("help meetings"), Contains("meetings — the coming meetings"));
        CHECK_THAT(chat.say("taal nl"), Contains("Nederlands"));
        CHECK_THAT(chat.say("hulp"), Contains("Wat je kunt vragen"));
    }
    SECTION("an unknown language gets the choices") {
        CHECK_THAT(chat.say("taal klingon"),
                   Contains("Kies taal nl (Nederlands) of taal en (Engels)"));
    }
}

TEST_CASE("members see the meetings and each other", "[conversation]") {
    ConsoleFixture chat;
    chat.as("Sanne");

    SECTION("the coming meetings, with the earlier one counted") {
        const auto reply = chat.say("bijeenkomsten");
        CHECK_THAT(reply, Contains("Komende bijeenkomsten van HSN-café Feedback die werkt"));
        CHECK_THAT(reply, Contains("di 9 feb 2027 15:30"));
        CHECK_THAT(reply, Contains("Feedback op schrijfopdrachten met rubrics"));
        CHECK_THAT(reply, Contains("voorbereiding: Bram de Boer en Anna de Vries"));
        CHECK_THAT(reply, Contains("di 18 mei 2027 15:30"));
        CHECK_THAT(reply, !Contains("okt 2026"));
        CHECK_THAT(reply, Contains("En 1 eerdere bijeenkomst in 2026-2027."));
    }
    SECTION("the members with school, role and expertise") {
        const auto reply = chat.say("leden");
        CHECK_THAT(reply, Contains("Leden van HSN-café Feedback die werkt (10)"));
        CHECK_THAT(reply, Contains("Marieke Jansen · CBS De Wegwijzer · organisator"));
        CHECK_THAT(reply,
                   Contains("Bram de Boer · Het Kompas · workshopleider · expertise: formatief "
                            "evalueren, rubrics"));
        CHECK_THAT(reply, Contains("Fatima El Amrani · Het Kompas · deelnemer · expertise: NT2"));
    }
    SECTION("a member sets, shows and clears their expertise") {
        CHECK_THAT(chat.say("expertise kleuters, Spel, spel ,  rekenen"),
                   Contains("Opgeslagen. Je expertise: kleuters, Spel, rekenen."));
        CHECK_THAT(chat.say("expertise"), Contains("Je expertise: kleuters, Spel, rekenen."));
        CHECK_THAT(chat.say("expertise a,b,c,d,e,f,g,h,i,j,k"), Contains("hooguit 10 onderwerpen"));
        CHECK_THAT(chat.say("expertise"), Contains("kleuters, Spel, rekenen"));
        CHECK_THAT(chat.say("expertise wissen"), Contains("gewist"));
        CHECK_THAT(chat.say("mijn expertise"), Contains("nog geen expertise"));
    }
}

TEST_CASE("volgende: the next meeting in one line, with whether you said you come",
          "[conversation][meetings]") {
    ConsoleFixture chat;
    chat.as("Sanne");
    // The console wraps long lines; the line itself is one sentence.
    const auto one_line = [&](const std::string& typed) {
        auto printed = chat.say(typed);
        std::replace(printed.begin(), printed.end(), '\n', ' ');
        return printed;
    };
    CHECK_THAT(one_line("volgende"),
               Catch::Contains("Volgende bijeenkomst van HSN-café Feedback die werkt: #2 · di 9 "
                               "feb 2027 15:30 · Feedback op schrijfopdrachten met rubrics · Het "
                               "Kompas, Nijkerk · laat weten of je komt: **ik kom 2**"));
    chat.say("ik kom 2");
    CHECK_THAT(one_line("volgende bijeenkomst"), Catch::Contains("Het Kompas, Nijkerk · je komt"));
    chat.say("ik kan niet 2");
    CHECK_THAT(one_line("volgende"), Catch::Contains("Nijkerk · je kunt niet"));
    // It is listed with the meetings in help, and has help of its own.
    CHECK_THAT(one_line("hulp bijeenkomsten"),
               Catch::Contains("volgende — de volgende bijeenkomst in één regel"));
    CHECK_THAT(one_line("hulp volgende"), Catch::Contains("zegt in één regel"));
}

TEST_CASE("unclear input gets a friendly reply and changes nothing", "[conversation][input]") {
    ConsoleFixture chat;
    chat.as("Anna");

    SECTION("a typo gets a suggestion") {
        CHECK_THAT(chat.say("bijenkomsten"), Contains("Bedoel je bijeenkomsten?"));
        CHECK_THAT(chat.say("hlup"), Contains("Bedoel je hulp?"));
        CHECK_THAT(chat.say("lede"), Contains("Bedoel je leden?"));
    }
    SECTION("something unrelated gets the way to help") {
        CHECK_THAT(chat.say("wat een mooi weer vandaag"),
                   Contains("Dat begrijp ik niet. Typ hulp"));
    }
    SECTION("an empty message and a 10,000-character message") {
        chat.as("Marieke");
        CHECK_THAT(chat.say("@bot"), Contains("Je bericht was leeg"));
        const auto reply = chat.say("plan bijeenkomst 23 maart 15:30 | " + std::string(10000, 'x'));
        CHECK_THAT(reply,
                   Contains("Je bericht is te lang (10034 tekens; ik lees er hooguit 4000)"));
        CHECK(chat.meeting_count() == 3);
    }
    SECTION("invalid UTF-8") {
        CHECK_THAT(chat.say("hulp \xff\xfe"),
                   Contains("Ik kan de tekens in je bericht niet lezen"));
    }
}

TEST_CASE("participants are refused the facilitator's work, politely", "[conversation][roles]") {
    ConsoleFixture chat;
    chat.as("Anna");
    const auto reply = chat.say("plan bijeenkomst 23 maart 15:30 | Het Kompas");
    CHECK_THAT(reply,
               Contains("Alleen organisatoren en procesbegeleiders van HSN-café Feedback die werkt "
                        "kunnen plan bijeenkomst gebruiken. Vraag het Marieke Jansen."));
    CHECK(chat.meeting_count() == 3);
    CHECK_THAT(chat.say("lid toevoegen Kees Klaassen | deelnemer | Het Kompas"),
               Contains("Vraag het Marieke Jansen"));
    CHECK(chat.store->roster(chat.demo.network_id).size() == 10);
    CHECK_THAT(chat.say("annuleer bijeenkomst 2"), Contains("Vraag het Marieke Jansen"));
    CHECK_THAT(chat.say("caféweken 2026-2027: 1, 2"),
               Contains("Alleen organisatoren en procesbegeleiders leggen de caféweken vast"));
    CHECK(chat.store->cafe_weeks(2026).size() == 5);
    CHECK_THAT(
        chat.say("nieuw netwerk HSN-café Anna"),
        Contains("Alleen organisatoren en procesbegeleiders kunnen een nieuw netwerk starten"));
    CHECK(chat.store->networks().size() == 1);
}

TEST_CASE("a facilitator plans a meeting in a café week", "[conversation][meetings]") {
    ConsoleFixture chat;
    const auto reply = chat.say(
        "plan bijeenkomst 23 maart 15:30 | Het Kompas, Nijkerk | Feedback van leerlingen | Anna, "
        "Bram");
    CHECK_THAT(
        reply,
        Contains(
            "Bijeenkomst #4 van HSN-café Feedback die werkt staat gepland: di 23 mrt 2027 15:30"));
    CHECK_THAT(reply, Contains("- plaats: Het Kompas, Nijkerk"));
    CHECK_THAT(reply, Contains("- voorbereiding: Anna de Vries en Bram de Boer"));
    REQUIRE(chat.meeting_count() == 4);
    const auto meeting = chat.store->meeting(4);
    REQUIRE(meeting);
    CHECK(meeting->starts_at == testing::utc(2027, 3, 23, 14, 30));  // CET: UTC+1
    CHECK(meeting->topic == "Feedback van leerlingen");
    CHECK(meeting->preparer_ids.size() == 2);

    SECTION("labelled parts in any order") {
        const auto second = chat.say(
            "bijeenkomst plannen: 24-3-2027 9:00 | onderwerp: Feedback in groep 8 | voorbereiding "
            "Lotte | plaats De Fontein");
        CHECK_THAT(second, Contains("wo 24 mrt 2027 09:00"));
        // That is the fifth of the school year: the cap warning comes first.
        CHECK_THAT(second, Contains("bijeenkomst 5 in 2026-2027"));
        const auto confirmed = chat.say("ja");
        CHECK_THAT(confirmed, Contains("- plaats: De Fontein"));
        CHECK_THAT(confirmed, Contains("- onderwerp: Feedback in groep 8"));
        CHECK_THAT(confirmed, Contains("- voorbereiding: Lotte Mulder"));
    }
    SECTION("the members see it in bijeenkomsten") {
        chat.as("Pieter");
        CHECK_THAT(chat.say("bijeenkomsten"), Contains("#4 · di 23 mrt 2027 15:30"));
    }
}

TEST_CASE("a meeting outside a café week asks for confirmation",
          "[conversation][meetings][confirm]") {
    ConsoleFixture chat;
    const auto question =
        chat.say("plan bijeenkomst 10 maart 2027 15:30 | De Fontein | Intervisie");
    CHECK_THAT(
        question,
        Contains("Let op: week 10 is geen caféweek. De caféweken van 2026-2027 zijn de weken 41, "
                 "47, 6, 12, 20."));
    CHECK_THAT(question, Contains("Wil je hem toch plannen?"));
    CHECK_THAT(question, Contains("1. Ja"));
    CHECK_THAT(question, Contains("2. Nee"));
    CHECK(chat.meeting_count() == 3);

    SECTION("Ja plans it and closes the question") {
        const auto answer = chat.say("1");
        CHECK_THAT(answer, Contains("(bijgewerkt)"));
        CHECK_THAT(answer, Contains("-> Marieke Jansen koos: Ja"));
        CHECK_THAT(answer, Contains("staat gepland: wo 10 mrt 2027 15:30"));
        CHECK(chat.meeting_count() == 4);
        SECTION("answering again changes nothing") {
            CHECK_THAT(chat.say("ja"), Contains("Er staat niets open om te bevestigen"));
            CHECK(chat.meeting_count() == 4);
        }
    }
    SECTION("Nee plans nothing") {
        const auto answer = chat.say("nee");
        CHECK_THAT(answer, Contains("-> Marieke Jansen koos: Nee"));
        CHECK_THAT(answer, Contains("Goed, ik heb niets gepland."));
        CHECK(chat.meeting_count() == 3);
    }
    SECTION("an unanswered question expires after a day") {
        const auto later = chat.say("/tijd +25h");
        CHECK_THAT(later, Contains("-> Verlopen zonder antwoord"));
        CHECK_THAT(later, Contains("Je hebt de bijeenkomst niet bevestigd"));
        CHECK_THAT(chat.say("ja"), Contains("Er staat niets open"));
        CHECK(chat.meeting_count() == 3);
    }
}

TEST_CASE("dates that cannot be used get examples, never a guess",
          "[conversation][meetings][dates]") {
    ConsoleFixture chat;
    CHECK_THAT(chat.say("plan bijeenkomst 31 april 15:30"),
               Contains("bestaat niet in de kalender"));
    CHECK_THAT(
        chat.say("plan bijeenkomst volgende keer"),
        Contains("Ik kan \"volgende keer\" niet als datum lezen. Zo gaat het wel: 12 maart 15:30"));
    CHECK_THAT(chat.say("plan bijeenkomst week 12"), Contains("Op welke dag in week 12?"));
    CHECK_THAT(chat.say("plan bijeenkomst morgen"),
               Contains("Hoe laat op donderdag 3 december 2026?"));
    CHECK_THAT(chat.say("plan bijeenkomst 1 december 2026 15:30"), Contains("is al voorbij"));
    CHECK_THAT(chat.say("plan bijeenkomst 23 maart 25:00"), Contains("tijd die niet bestaat"));
    CHECK_THAT(chat.say("plan bijeenkomst 23 maart 15:30 | | | Kees"),
               Contains("Ik vind niemand die \"Kees\" heet"));
    CHECK(chat.meeting_count() == 3);
}

TEST_CASE("daylight saving days keep meetings at their wall-clock time",
          "[conversation][dates][dst]") {
    // Early in 2026, so that the 2026 changes are still ahead.
    ConsoleFixture chat(":memory:", testing::utc(2026, 1, 10, 9));
    CHECK_THAT(chat.say("caféweken 2025-2026: 13, 43"), Contains("De caféweken zijn opgeslagen"));

    SECTION("02:30 on 29 March 2026 does not exist") {
        CHECK_THAT(chat.say("plan bijeenkomst 29 maart 2026 02:30"),
                   Contains("die nacht gaat de klok een uur vooruit"));
    }
    SECTION("the afternoon of 29 March 2026 is summer time") {
        // A Sunday: asked first.
        CHECK_THAT(chat.say("plan bijeenkomst 29-3-2026 15:30"), Contains("valt in het weekend"));
        CHECK_THAT(chat.say("ja"), Contains("zo 29 mrt 2026 15:30"));
        bool found = false;
        for (const auto& m : chat.store->meetings_of(chat.demo.network_id)) {
            found = found || (m.starts_at == testing::utc(2026, 3, 29, 13, 30) &&
                              date::format("%F %R", m.local_start) == "2026-03-29 15:30");
        }
        CHECK(found);
    }
    SECTION("the day before is still winter time") {
        chat.say("plan bijeenkomst 2026-03-28 15:30");
        chat.say("ja");
        const auto meetings = chat.store->meetings_of(chat.demo.network_id);
        bool found = false;
        for (const auto& m : meetings) {
            found = found || m.starts_at == testing::utc(2026, 3, 28, 14, 30);
        }
        CHECK(found);
    }
    SECTION("02:30 on 25 October 2026 happens twice: the first is used, and said") {
        // A Sunday night: asked first.
        auto reply = chat.say("plan bijeenkomst 25 oktober 2026 02:30");
        CHECK_THAT(reply, Contains("02:30 is een ongewoon tijdstip"));
        reply += chat.say("ja");
        CHECK_THAT(reply, Contains("komt die nacht twee keer voor"));
        const auto meetings = chat.store->meetings_of(chat.demo.network_id);
        bool found = false;
        for (const auto& m : meetings) {
            found = found || m.starts_at == testing::utc(2026, 10, 25, 0, 30);
        }
        CHECK(found);
    }
}

TEST_CASE("a fifth meeting in a school year warns about the HSN maximum",
          "[conversation][meetings]") {
    ConsoleFixture chat;
    chat.say("plan bijeenkomst 23 maart 15:30");
    REQUIRE(chat.meeting_count() == 4);
    const auto question = chat.say("plan bijeenkomst 24 maart 15:30");
    CHECK_THAT(
        question,
        Contains("dit wordt bijeenkomst 5 in 2026-2027, en een HSN-café komt hooguit 4 keer per "
                 "jaar bij elkaar"));
    CHECK(chat.meeting_count() == 4);
    chat.say("2");
    CHECK(chat.meeting_count() == 4);
}

TEST_CASE("meetings are moved and cancelled", "[conversation][meetings]") {
    ConsoleFixture chat;

    SECTION("moving to another day in a café week keeps the time") {
        const auto reply = chat.say("verplaats bijeenkomst 2 naar 10 februari");
        CHECK_THAT(
            reply,
            Contains("Bijeenkomst #2 van HSN-café Feedback die werkt is verplaatst naar wo 10 "
                     "feb 2027 15:30"));
        CHECK(chat.store->meeting(2)->starts_at == testing::utc(2027, 2, 10, 14, 30));
    }
    SECTION("moving outside the café weeks asks first") {
        CHECK_THAT(chat.say("verplaats bijeenkomst #2 naar 2 maart 2027 16:00"),
                   Contains("Wil je hem toch verplaatsen?"));
        CHECK_THAT(chat.say("ja"), Contains("is verplaatst naar di 2 mrt 2027 16:00"));
    }
    SECTION("a past meeting cannot be moved") {
        CHECK_THAT(chat.say("verplaats bijeenkomst 1 naar 9 februari 15:30"),
                   Contains("al voorbij of geannuleerd"));
    }
    SECTION("an unknown number") {
        CHECK_THAT(chat.say("annuleer bijeenkomst 42"), Contains("heeft geen bijeenkomst #42"));
        CHECK_THAT(chat.say("annuleer bijeenkomst volgende"),
                   Contains("Welke bijeenkomst bedoel je"));
    }
    SECTION("cancelling: asked first, undoable for a day") {
        auto reply = chat.say("annuleer bijeenkomst 3");
        CHECK_THAT(reply,
                   Contains("Bijeenkomst #3 van HSN-café Feedback die werkt op di 18 mei 2027 "
                            "15:30 annuleren?"));
        CHECK_THAT(reply, Contains("Ja, annuleer"));
        CHECK(chat.store->meeting(3)->status == MeetingStatus::planned);
        SECTION("no: it goes ahead") {
            CHECK_THAT(chat.say("nee"), Contains("de bijeenkomst gaat gewoon door"));
            CHECK(chat.store->meeting(3)->status == MeetingStatus::planned);
        }
        SECTION("yes, then undone") {
            reply = chat.say("ja");
            CHECK_THAT(reply,
                       Contains("Bijeenkomst #3 van HSN-café Feedback die werkt op di 18 mei "
                                "2027 15:30 is geannuleerd"));
            CHECK_THAT(reply,
                       Contains("Vergist? Je kunt dit ongedaan maken tot do 3 dec 2026 09:00"));
            CHECK(chat.store->meeting(3)->status == MeetingStatus::cancelled);
            chat.as("Anna");
            CHECK_THAT(chat.say("bijeenkomsten"), !Contains("18 mei"));
            chat.as("Marieke");
            // A second "ja" does not take it back; the undo button (or its label) does.
            CHECK_THAT(chat.say("ja"), Contains("Er staat niets open om te bevestigen"));
            CHECK(chat.store->meeting(3)->status == MeetingStatus::cancelled);
            reply = chat.say("ongedaan maken");
            CHECK_THAT(reply, Contains("Bijeenkomst #3 op di 18 mei 2027 15:30 gaat toch door"));
            CHECK_THAT(reply, Contains("Marieke Jansen maakte dit ongedaan"));
            CHECK(chat.store->meeting(3)->status == MeetingStatus::planned);
            chat.as("Anna");
            CHECK_THAT(chat.say("bijeenkomsten"), Contains("18 mei"));
        }
        SECTION("yes, and the undo runs out after a day") {
            chat.say("ja");
            CHECK_THAT(chat.say("/tijd +25h"), Contains("Niet meer ongedaan te maken"));
            CHECK_THAT(chat.say("ongedaan maken"), !Contains("gaat toch door"));
            CHECK(chat.store->meeting(3)->status == MeetingStatus::cancelled);
        }
    }
}

TEST_CASE("a facilitator manages the members", "[conversation][members]") {
    ConsoleFixture chat;

    SECTION("adding a member with role and school") {
        CHECK_THAT(
            chat.say("lid toevoegen Kees Klaassen | workshopleider | CBS De Regenboog"),
            Contains("Kees Klaassen (CBS De Regenboog) zit nu in HSN-café Feedback die werkt als "
                     "workshopleider."));
        CHECK(chat.store->roster(chat.demo.network_id).size() == 11);
        // The school is the existing one, not a new one.
        std::set<std::string> schools;
        for (const auto& entry : chat.store->roster(chat.demo.network_id)) {
            schools.insert(entry.member.school_name);
        }
        CHECK(schools.size() == 4);
        SECTION("and the new member can speak") {
            chat.as("Kees");
            CHECK_THAT(chat.say("hulp"), Contains("Hoi Kees Klaassen!"));
        }
        SECTION("adding the same person again changes nothing") {
            CHECK_THAT(chat.say("lid toevoegen kees klaassen | workshopleider"),
                       Contains("zit al in"));
            CHECK(chat.store->roster(chat.demo.network_id).size() == 11);
        }
        SECTION("adding with another role changes the role") {
            CHECK_THAT(chat.say("lid toevoegen Kees Klaassen | deelnemer"),
                       Contains("Kees Klaassen is nu deelnemer."));
        }
    }
    SECTION("a member with a Matrix account") {
        CHECK_THAT(chat.say("lid toevoegen Ilse Wouters | deelnemer | Het Kompas | @ilse:hsn.nl"),
                   Contains("zit nu in"));
        const auto member = chat.store->member_by_identity(Platform::matrix, "@ilse:hsn.nl");
        REQUIRE(member);
        CHECK(member->display_name == "Ilse Wouters");
        CHECK_THAT(chat.say("lid toevoegen Iemand Anders | deelnemer | @ilse:hsn.nl"),
                   Contains("hoort al bij Ilse Wouters"));
    }
    SECTION("an unknown role") {
        CHECK_THAT(chat.say("lid toevoegen Kees | directeur | Het Kompas"),
                   Contains("\"directeur\" ken ik niet als rol"));
        CHECK(chat.store->roster(chat.demo.network_id).size() == 10);
    }
    SECTION("removing a member: asked first, undoable") {
        CHECK_THAT(chat.say("lid verwijderen Thomas"),
                   Contains("Thomas Smit uit HSN-café Feedback die werkt verwijderen?"));
        CHECK(chat.store->roster(chat.demo.network_id).size() == 10);
        CHECK_THAT(chat.say("ja"), Contains("Thomas Smit zit niet meer in"));
        CHECK(chat.store->roster(chat.demo.network_id).size() == 9);
        CHECK_THAT(chat.say("lid verwijderen Thomas"),
                   Contains("Ik vind niemand die \"Thomas\" heet"));
        CHECK_THAT(chat.say("Ongedaan maken"), Contains("Thomas Smit zit weer in"));
        CHECK(chat.store->roster(chat.demo.network_id).size() == 10);
    }
    SECTION("removing a facilitator, or oneself, says so") {
        chat.say("lid toevoegen Kees Klaassen | procesbegeleider | Het Kompas");
        CHECK_THAT(
            chat.say("lid verwijderen Kees"),
            Contains("Kees Klaassen is procesbegeleider van HSN-café Feedback die werkt. Toch "
                     "verwijderen?"));
        CHECK_THAT(chat.say("nee"), Contains("er verandert niets"));
        CHECK_THAT(chat.say("lid verwijderen Marieke Jansen"), Contains("Je verwijdert jezelf"));
        CHECK(chat.store->roster(chat.demo.network_id).size() == 11);
    }
    SECTION("the last organiser cannot be removed") {
        CHECK_THAT(chat.say("lid verwijderen Marieke Jansen"),
                   Contains("is de enige organisator of procesbegeleider"));
        CHECK(chat.store->roster(chat.demo.network_id).size() == 10);
    }
}

TEST_CASE("a facilitator starts a second network", "[conversation][networks]") {
    ConsoleFixture chat;
    chat.say("/prive");
    CHECK_THAT(chat.say("nieuw netwerk HSN-café Rekenen | Rekenonderwijs"),
               Contains("Netwerk HSN-café Rekenen is gestart en jij bent de procesbegeleider"));
    CHECK(chat.store->networks().size() == 2);
    CHECK_THAT(chat.say("netwerken"),
               Contains("HSN-café Rekenen · procesbegeleider · je opdrachten gaan hierover"));
    CHECK_THAT(chat.say("nieuw netwerk hsn-cafe REKENEN"), Contains("Er is al een netwerk dat"));
    CHECK_THAT(chat.say("bijeenkomsten"),
               Contains("HSN-café Rekenen heeft nog geen komende bijeenkomsten"));
    CHECK_THAT(chat.say("netwerk HSN-café Feedback die werkt"),
               Contains("Goed, je opdrachten gaan nu over"));
    CHECK_THAT(chat.say("bijeenkomsten"), Contains("rubrics"));
}

TEST_CASE("café weeks are listed and set", "[conversation][cafe-weeks]") {
    ConsoleFixture chat;
    chat.as("Lotte");
    CHECK_THAT(chat.say("Caféweken"),
               Contains("week 6: maandag 8 februari 2027 t/m vrijdag 12 februari 2027"));
    chat.as("Marieke");
    CHECK_THAT(chat.say("cafe weken 2027-2028: week 41, 47, 5, 11"),
               Contains("De caféweken zijn opgeslagen"));
    const auto weeks = chat.store->cafe_weeks(2027);
    REQUIRE(weeks.size() == 4);
    CHECK(weeks.front().iso_year == 2027);
    CHECK(weeks.back().iso_year == 2028);
    CHECK_THAT(chat.say("caféweken 2027-2028: 41, 60"), Contains("\"60\" is geen weeknummer"));
    CHECK(chat.store->cafe_weeks(2027).size() == 4);
}

TEST_CASE("strangers are told how to join", "[conversation]") {
    ConsoleFixture chat;
    InboundEvent event;
    event.event_id = "stranger-1";
    event.conversation = {Platform::console, "console", Conversation::Kind::group, ""};
    event.sender = {"unknown-person", "Onbekend", ""};
    event.text = "bijeenkomsten";
    REQUIRE(chat.bot.handle(event, testing::demo_now()));
    chat.output.str("");
    chat.session.drain();
    CHECK_THAT(chat.output.str(), Contains("Ik ken je nog niet"));
}

TEST_CASE("networks are chosen and linked to conversations", "[conversation][networks]") {
    ConsoleFixture chat;
    chat.say("/prive");
    chat.say("nieuw netwerk HSN-café Rekenen");
    chat.say("/groep");

    SECTION("an unknown network or one you are not in") {
        CHECK_THAT(chat.say("netwerk HSN-café Onbekend"),
                   Contains("Ik vind geen netwerk \"HSN-café Onbekend\" waar je in zit"));
        chat.as("Anna");
        CHECK_THAT(chat.say("netwerk HSN-café Rekenen"), Contains("Ik vind geen netwerk"));
    }
    SECTION("in a network's channel, that network applies") {
        CHECK_THAT(chat.say("netwerk hsn-cafe rekenen"),
                   Contains("In dit kanaal gaat het altijd over HSN-café Feedback die werkt"));
        CHECK_THAT(chat.say("bijeenkomsten"), Contains("rubrics"));
    }
    SECTION("a facilitator links the channel to another network") {
        CHECK_THAT(chat.say("koppel netwerk HSN-café Rekenen"),
                   Contains("Dit gesprek hoort nu bij HSN-café Rekenen"));
        CHECK(chat.store->network_of_conversation(Platform::console, "console") ==
              chat.store->find_network_by_name("HSN-café Rekenen")->id);
        CHECK_THAT(chat.say("bijeenkomsten"), Contains("HSN-café Rekenen heeft nog geen komende"));
    }
    SECTION("a participant cannot link, and a private chat cannot be linked") {
        chat.as("Anna");
        CHECK_THAT(
            chat.say("koppel netwerk HSN-café Feedback die werkt"),
            Contains("Alleen organisatoren en procesbegeleiders van HSN-café Feedback die werkt "
                     "kunnen een kanaal"));
        chat.as("Marieke");
        chat.say("/prive");
        CHECK_THAT(chat.say("koppel netwerk HSN-café Rekenen"),
                   Contains("niet aan een privégesprek"));
    }
}

TEST_CASE("a group speaks its network's language; private messages the member's own",
          "[conversation][language]") {
    ConsoleFixture chat;
    auto reply = chat.say("taal en");  // Marieke, in the group
    CHECK_THAT(reply,
               Contains("I will talk English to you from now on when I write to you personally"));
    // Her plans in the group stay Dutch, for a Dutch group.
    reply = chat.say("bijeenkomsten");
    CHECK_THAT(reply, Contains("Komende bijeenkomsten van HSN-café"));
    chat.say("/prive");
    CHECK_THAT(chat.say("bijeenkomsten"), Contains("Coming meetings of HSN-café"));
    chat.say("/groep");
    // A participant cannot change the group's language; a facilitator can.
    chat.as("Anna");
    CHECK_THAT(chat.say("taal groep en"), Contains("kiezen de organisatoren en procesbegeleiders"));
    chat.as("Marieke");
    CHECK_THAT(chat.say("taal groep en"),
               Contains("in the group conversations of HSN-café Feedback "
                        "die werkt I will talk English from now on"));
    chat.as("Anna");  // Dutch herself
    CHECK_THAT(chat.say("bijeenkomsten"), Contains("Coming meetings of HSN-café"));
    chat.say("/prive");
    CHECK_THAT(chat.say("bijeenkomsten"), Contains("Komende bijeenkomsten van HSN-café"));
}

TEST_CASE("an implausible meeting moment is asked Ja/Nee first, naming what is odd",
          "[conversation][meetings]") {
    BotSettings settings;
    settings.send_window.holidays = dutch_school_holidays("midden", 2026);
    ConsoleFixture chat(":memory:", testing::demo_now(), settings);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"plan bijeenkomst 9 maart 2027 03:00", "03:00 is een ongewoon tijdstip"},
        {"plan bijeenkomst 9 maart 2027 22:00", "22:00 is een ongewoon tijdstip"},
        {"plan bijeenkomst 13 maart 2027 15:30", "zaterdag 13 maart 2027 valt in het weekend"},
        {"plan bijeenkomst 22 december 2026 15:30", "valt in de kerstvakantie"},
        {"plan bijeenkomst 1 januari 2027 15:30", "is een feestdag (Nieuwjaarsdag)"},
        {"plan bijeenkomst 29 maart 2027 15:30", "is een feestdag (Tweede Paasdag)"},
        {"plan bijeenkomst 9 februari 2027 16:00", "is er al bijeenkomst #2"},
    };
    for (const auto& [typed, odd] : cases) {
        INFO(typed);
        const auto before = chat.meeting_count();
        const auto reply = chat.say(typed);
        CHECK_THAT(reply, Contains(odd));
        CHECK_THAT(reply, Contains("Wil je"));  // the Ja/Nee question
        CHECK(chat.meeting_count() == before);
        CHECK_THAT(chat.say("nee"), Contains("niets gepland"));
    }
    // An ordinary Tuesday afternoon in a café week is planned at once.
    const auto before = chat.meeting_count();
    const auto reply = chat.say("plan bijeenkomst 23 maart 2027 15:30");
    CHECK_THAT(reply, !Contains("Let op"));
    CHECK(chat.meeting_count() == before + 1);
}

TEST_CASE("planning reads Dutch clock phrases and says what is wrong with a date",
          "[conversation][dates]") {
    ConsoleFixture chat;
    CHECK_THAT(chat.say("plan bijeenkomst wo 9 februari 15:30"),
               Contains("die datum is dinsdag 9 februari 2027"));
    CHECK_THAT(chat.say("plan bijeenkomst gisteren 15:30"), Contains("is al voorbij"));
    const auto before = chat.meeting_count();
    auto reply = chat.say("plan bijeenkomst di 23-3 om half vier");
    CHECK_THAT(reply, Contains("di 23 mrt 2027 15:30"));
    CHECK(chat.meeting_count() == before + 1);
}

TEST_CASE("moving a meeting within its school year does not warn about the yearly maximum",
          "[conversation][meetings]") {
    ConsoleFixture chat;
    // A fourth and a fifth meeting this school year (the maximum is four): the fifth warns.
    chat.say("plan bijeenkomst 23 maart 2027 15:30");
    CHECK(chat.meeting_count() == 4);
    CHECK_THAT(chat.say("plan bijeenkomst 11 mei 2027 15:30"), Contains("dit wordt bijeenkomst 5"));
    chat.say("ja");
    // Moving one of them within the year: the count stays, so no warning about it.
    const auto moved = chat.say("verplaats bijeenkomst 2 naar 16 februari 2027 15:30");
    CHECK_THAT(moved, !Contains("dit wordt bijeenkomst"));
}

TEST_CASE("adding a member with a wrong part says which part and what would work",
          "[conversation][members]") {
    ConsoleFixture chat;
    // An e-mail address is looked up in the conversation's member list (empty here).
    auto reply = chat.say("lid toevoegen Daan Bakker | deelnemer | Het Kompas | daan.bakker@school.nl");
    CHECK_THAT(reply,
               Contains("Niemand in dit gesprek heeft het e-mailadres daan.bakker@school.nl"));
    reply = chat.say("lid toevoegen Daan Bakker | deelnemer | Het Kompas | daan@school");
    CHECK_THAT(reply, Contains("\"daan@school\" is geen account"));
    CHECK_THAT(reply, Contains("@kees:school.nl"));
    CHECK_THAT(reply, !Contains("Zo voeg je iemand toe"));
    reply = chat.say("lid toevoegen Daan Bakker | deelnemer | Het Kompas | De Fontein");
    CHECK_THAT(reply, Contains("Ik weet niet wat ik met \"De Fontein\" moet"));
    CHECK(chat.store->roster(chat.demo.network_id).size() == 10);
    CHECK_THAT(chat.say("lid toevoegen Daan Bakker | deelnemer | Het Kompas | @daan:school.nl"),
               Contains("Daan Bakker"));
    CHECK(chat.store->roster(chat.demo.network_id).size() == 11);
}

TEST_CASE("help about something unknown says so; organisers learn how to set café weeks",
          "[conversation][help]") {
    ConsoleFixture chat;
    const auto unknown = chat.say("hulp onzin");
    CHECK_THAT(unknown, Contains("Over \"onzin\" weet ik geen uitleg"));
    CHECK_THAT(unknown, Contains("Wat je kunt vragen"));  // the overview follows
    CHECK_THAT(chat.say("hulp bijeenkomsten"), Contains("caféweken 2026-2027: 41, 47, 6, 12, 20"));
    chat.as("Anna");
    CHECK_THAT(chat.say("hulp bijeenkomsten"), !Contains("caféweken 2026-2027: 41"));
}
