// Conversations with the demo network through the console, as a facilitator and participants
// would have them. Every assertion is on what the console printed or on what was stored.
#include <algorithm>
#include <set>

#include <catch2/catch.hpp>

#include "support/console_fixture.hpp"

using leernetwerk::testing::ConsoleFixture;
using namespace leernetwerk;

namespace {
bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}
}  // namespace

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
        CHECK(contains(reply, ">>> bot to HSN-café Feedback die werkt"));
        CHECK(contains(reply, "Hoi Anna de Vries!"));
        // An overview that fits a phone: per topic what everyone uses, and where to read on.
        CHECK(contains(reply,
                       "- Bijeenkomsten: bijeenkomsten, volgende, caféweken, ik kom, ik kan niet, "
                       "wie komt, herinneringen, agenda-link, agenda-link persoonlijk — meer: "
                       "hulp bijeenkomsten"));
        CHECK(contains(reply, "- Vragen aan het netwerk: vraag, vragen, antwoord"));
        CHECK_FALSE(contains(reply, "plan bijeenkomst"));
        CHECK(contains(reply, "<<<"));
        const auto topic = chat.say("hulp bijeenkomsten");
        CHECK(contains(topic, "bijeenkomsten — de komende bijeenkomsten"));
        CHECK_FALSE(contains(topic, "plan bijeenkomst"));
    }
    SECTION("the facilitator also sees how to run the network") {
        CHECK(contains(chat.say("hulp"),
                       "Als organisator of procesbegeleider zie je bij elk "
                       "onderwerp ook wat jij kunt regelen"));
        const auto reply = chat.say("hulp bijeenkomsten");
        CHECK(contains(reply, "Voor organisatoren en procesbegeleiders"));
        CHECK(contains(reply, "plan bijeenkomst 12 maart 15:30"));
        CHECK_FALSE(contains(reply, "agenda accepteer"));  // another topic's
    }
    SECTION("help about one command") {
        CHECK(contains(chat.say("hulp plan bijeenkomst"), "Valt de datum buiten een caféweek"));
        CHECK(contains(chat.say("help move meeting"), "Alleen een dag noemen"));
    }
    SECTION("case, accents, spaces and an @mention do not matter") {
        CHECK(contains(chat.say("  @Leernetwerk bot   HULP  "), "Wat je kunt vragen"));
        CHECK(contains(chat.say("@bot: Hulp?"), "Wat je kunt vragen"));
    }
    SECTION("a member who switched to English gets English") {
        chat.as("Bram");
        chat.say("/prive");  // a group keeps its network's language
        CHECK(contains(chat.say("language en"), "I will talk English to you"));
        const auto reply = chat.say("help");
        CHECK(contains(reply, "What you can ask"));
        CHECK(contains(reply, "- Meetings: meetings, next meeting, café weeks"));
        CHECK(contains(chat.say("help meetings"), "meetings — the coming meetings"));
        CHECK(contains(chat.say("taal nl"), "Nederlands"));
        CHECK(contains(chat.say("hulp"), "Wat je kunt vragen"));
    }
    SECTION("an unknown language gets the choices") {
        CHECK(contains(chat.say("taal klingon"), "Kies taal nl (Nederlands) of taal en (Engels)"));
    }
}

TEST_CASE("members see the meetings and each other", "[conversation]") {
    ConsoleFixture chat;
    chat.as("Sanne");

    SECTION("the coming meetings, with the earlier one counted") {
        const auto reply = chat.say("bijeenkomsten");
        CHECK(contains(reply, "Komende bijeenkomsten van HSN-café Feedback die werkt"));
        CHECK(contains(reply, "di 9 feb 2027 15:30"));
        CHECK(contains(reply, "Feedback op schrijfopdrachten met rubrics"));
        CHECK(contains(reply, "voorbereiding: Bram de Boer en Anna de Vries"));
        CHECK(contains(reply, "di 18 mei 2027 15:30"));
        CHECK_FALSE(contains(reply, "okt 2026"));
        CHECK(contains(reply, "En 1 eerdere bijeenkomst in 2026-2027."));
    }
    SECTION("the members with school, role and expertise") {
        const auto reply = chat.say("leden");
        CHECK(contains(reply, "Leden van HSN-café Feedback die werkt (10)"));
        CHECK(contains(reply, "Marieke Jansen · CBS De Wegwijzer · organisator"));
        CHECK(contains(reply,
                       "Bram de Boer · Het Kompas · workshopleider · expertise: formatief "
                       "evalueren, rubrics"));
        CHECK(contains(reply, "Fatima El Amrani · Het Kompas · deelnemer · expertise: NT2"));
    }
    SECTION("a member sets, shows and clears their expertise") {
        CHECK(contains(chat.say("expertise kleuters, Spel, spel ,  rekenen"),
                       "Opgeslagen. Je expertise: kleuters, Spel, rekenen."));
        CHECK(contains(chat.say("expertise"), "Je expertise: kleuters, Spel, rekenen."));
        CHECK(contains(chat.say("expertise a,b,c,d,e,f,g,h,i,j,k"), "hooguit 10 onderwerpen"));
        CHECK(contains(chat.say("expertise"), "kleuters, Spel, rekenen"));
        CHECK(contains(chat.say("expertise wissen"), "gewist"));
        CHECK(contains(chat.say("mijn expertise"), "nog geen expertise"));
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
        CHECK(contains(chat.say("bijenkomsten"), "Bedoel je bijeenkomsten?"));
        CHECK(contains(chat.say("hlup"), "Bedoel je hulp?"));
        CHECK(contains(chat.say("lede"), "Bedoel je leden?"));
    }
    SECTION("something unrelated gets the way to help") {
        CHECK(contains(chat.say("wat een mooi weer vandaag"), "Dat begrijp ik niet. Typ hulp"));
    }
    SECTION("an empty message and a 10,000-character message") {
        chat.as("Marieke");
        CHECK(contains(chat.say("@bot"), "Je bericht was leeg"));
        const auto reply = chat.say("plan bijeenkomst 23 maart 15:30 | " + std::string(10000, 'x'));
        CHECK(contains(reply, "Je bericht is te lang (10034 tekens; ik lees er hooguit 4000)"));
        CHECK(chat.meeting_count() == 3);
    }
    SECTION("invalid UTF-8") {
        CHECK(contains(chat.say("hulp \xff\xfe"), "Ik kan de tekens in je bericht niet lezen"));
    }
}

TEST_CASE("participants are refused the facilitator's work, politely", "[conversation][roles]") {
    ConsoleFixture chat;
    chat.as("Anna");
    const auto reply = chat.say("plan bijeenkomst 23 maart 15:30 | Het Kompas");
    CHECK(contains(reply,
                   "Alleen organisatoren en procesbegeleiders van HSN-café Feedback die werkt "
                   "kunnen plan bijeenkomst gebruiken. Vraag het Marieke Jansen."));
    CHECK(chat.meeting_count() == 3);
    CHECK(contains(chat.say("lid toevoegen Kees Klaassen | deelnemer | Het Kompas"),
                   "Vraag het Marieke Jansen"));
    CHECK(chat.store->roster(chat.demo.network_id).size() == 10);
    CHECK(contains(chat.say("annuleer bijeenkomst 2"), "Vraag het Marieke Jansen"));
    CHECK(contains(chat.say("caféweken 2026-2027: 1, 2"),
                   "Alleen organisatoren en procesbegeleiders leggen de caféweken vast"));
    CHECK(chat.store->cafe_weeks(2026).size() == 5);
    CHECK(contains(chat.say("nieuw netwerk HSN-café Anna"),
                   "Alleen organisatoren en procesbegeleiders kunnen een nieuw netwerk starten"));
    CHECK(chat.store->networks().size() == 1);
}

TEST_CASE("a facilitator plans a meeting in a café week", "[conversation][meetings]") {
    ConsoleFixture chat;
    const auto reply = chat.say(
        "plan bijeenkomst 23 maart 15:30 | Het Kompas, Nijkerk | Feedback van leerlingen | Anna, "
        "Bram");
    CHECK(contains(
        reply,
        "Bijeenkomst #4 van HSN-café Feedback die werkt staat gepland: di 23 mrt 2027 15:30"));
    CHECK(contains(reply, "- plaats: Het Kompas, Nijkerk"));
    CHECK(contains(reply, "- voorbereiding: Anna de Vries en Bram de Boer"));
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
        CHECK(contains(second, "wo 24 mrt 2027 09:00"));
        // That is the fifth of the school year: the cap warning comes first.
        CHECK(contains(second, "bijeenkomst 5 in 2026-2027"));
        const auto confirmed = chat.say("ja");
        CHECK(contains(confirmed, "- plaats: De Fontein"));
        CHECK(contains(confirmed, "- onderwerp: Feedback in groep 8"));
        CHECK(contains(confirmed, "- voorbereiding: Lotte Mulder"));
    }
    SECTION("the members see it in bijeenkomsten") {
        chat.as("Pieter");
        CHECK(contains(chat.say("bijeenkomsten"), "#4 · di 23 mrt 2027 15:30"));
    }
}

TEST_CASE("a meeting outside a café week asks for confirmation",
          "[conversation][meetings][confirm]") {
    ConsoleFixture chat;
    const auto question =
        chat.say("plan bijeenkomst 10 maart 2027 15:30 | De Fontein | Intervisie");
    CHECK(contains(question,
                   "Let op: week 10 is geen caféweek. De caféweken van 2026-2027 zijn de weken 41, "
                   "47, 6, 12, 20."));
    CHECK(contains(question, "Wil je hem toch plannen?"));
    CHECK(contains(question, "1. Ja"));
    CHECK(contains(question, "2. Nee"));
    CHECK(chat.meeting_count() == 3);

    SECTION("Ja plans it and closes the question") {
        const auto answer = chat.say("1");
        CHECK(contains(answer, "(bijgewerkt)"));
        CHECK(contains(answer, "-> Marieke Jansen koos: Ja"));
        CHECK(contains(answer, "staat gepland: wo 10 mrt 2027 15:30"));
        CHECK(chat.meeting_count() == 4);
        SECTION("answering again changes nothing") {
            CHECK(contains(chat.say("ja"), "Er staat niets open om te bevestigen"));
            CHECK(chat.meeting_count() == 4);
        }
    }
    SECTION("Nee plans nothing") {
        const auto answer = chat.say("nee");
        CHECK(contains(answer, "-> Marieke Jansen koos: Nee"));
        CHECK(contains(answer, "Goed, ik heb niets gepland."));
        CHECK(chat.meeting_count() == 3);
    }
    SECTION("an unanswered question expires after a day") {
        const auto later = chat.say("/tijd +25h");
        CHECK(contains(later, "-> Verlopen zonder antwoord"));
        CHECK(contains(later, "Je hebt de bijeenkomst niet bevestigd"));
        CHECK(contains(chat.say("ja"), "Er staat niets open"));
        CHECK(chat.meeting_count() == 3);
    }
}

TEST_CASE("dates that cannot be used get examples, never a guess",
          "[conversation][meetings][dates]") {
    ConsoleFixture chat;
    CHECK(contains(chat.say("plan bijeenkomst 31 april 15:30"), "bestaat niet in de kalender"));
    CHECK(
        contains(chat.say("plan bijeenkomst volgende keer"),
                 "Ik kan \"volgende keer\" niet als datum lezen. Zo gaat het wel: 12 maart 15:30"));
    CHECK(contains(chat.say("plan bijeenkomst week 12"), "Op welke dag in week 12?"));
    CHECK(contains(chat.say("plan bijeenkomst morgen"), "Hoe laat op donderdag 3 december 2026?"));
    CHECK(contains(chat.say("plan bijeenkomst 1 december 2026 15:30"), "is al voorbij"));
    CHECK(contains(chat.say("plan bijeenkomst 23 maart 25:00"), "tijd die niet bestaat"));
    CHECK(contains(chat.say("plan bijeenkomst 23 maart 15:30 | | | Kees"),
                   "Ik vind niemand die \"Kees\" heet"));
    CHECK(chat.meeting_count() == 3);
}

TEST_CASE("daylight saving days keep meetings at their wall-clock time",
          "[conversation][dates][dst]") {
    // Early in 2026, so that the 2026 changes are still ahead.
    ConsoleFixture chat(":memory:", testing::utc(2026, 1, 10, 9));
    CHECK(contains(chat.say("caféweken 2025-2026: 13, 43"), "De caféweken zijn opgeslagen"));

    SECTION("02:30 on 29 March 2026 does not exist") {
        CHECK(contains(chat.say("plan bijeenkomst 29 maart 2026 02:30"),
                       "die nacht gaat de klok een uur vooruit"));
    }
    SECTION("the afternoon of 29 March 2026 is summer time") {
        // A Sunday: asked first.
        CHECK(contains(chat.say("plan bijeenkomst 29-3-2026 15:30"), "valt in het weekend"));
        CHECK(contains(chat.say("ja"), "zo 29 mrt 2026 15:30"));
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
        CHECK(contains(reply, "02:30 is een ongewoon tijdstip"));
        reply += chat.say("ja");
        CHECK(contains(reply, "komt die nacht twee keer voor"));
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
    CHECK(contains(question,
                   "dit wordt bijeenkomst 5 in 2026-2027, en een HSN-café komt hooguit 4 keer per "
                   "jaar bij elkaar"));
    CHECK(chat.meeting_count() == 4);
    chat.say("2");
    CHECK(chat.meeting_count() == 4);
}

TEST_CASE("meetings are moved and cancelled", "[conversation][meetings]") {
    ConsoleFixture chat;

    SECTION("moving to another day in a café week keeps the time") {
        const auto reply = chat.say("verplaats bijeenkomst 2 naar 10 februari");
        CHECK(contains(reply,
                       "Bijeenkomst #2 van HSN-café Feedback die werkt is verplaatst naar wo 10 "
                       "feb 2027 15:30"));
        CHECK(chat.store->meeting(2)->starts_at == testing::utc(2027, 2, 10, 14, 30));
    }
    SECTION("moving outside the café weeks asks first") {
        CHECK(contains(chat.say("verplaats bijeenkomst #2 naar 2 maart 2027 16:00"),
                       "Wil je hem toch verplaatsen?"));
        CHECK(contains(chat.say("ja"), "is verplaatst naar di 2 mrt 2027 16:00"));
    }
    SECTION("a past meeting cannot be moved") {
        CHECK(contains(chat.say("verplaats bijeenkomst 1 naar 9 februari 15:30"),
                       "al voorbij of geannuleerd"));
    }
    SECTION("an unknown number") {
        CHECK(contains(chat.say("annuleer bijeenkomst 42"), "heeft geen bijeenkomst #42"));
        CHECK(contains(chat.say("annuleer bijeenkomst volgende"), "Welke bijeenkomst bedoel je"));
    }
    SECTION("cancelling: asked first, undoable for a day") {
        auto reply = chat.say("annuleer bijeenkomst 3");
        CHECK(contains(reply, "Bijeenkomst #3 van HSN-café Feedback die werkt op di 18 mei 2027 "
                              "15:30 annuleren?"));
        CHECK(contains(reply, "Ja, annuleer"));
        CHECK(chat.store->meeting(3)->status == MeetingStatus::planned);
        SECTION("no: it goes ahead") {
            CHECK(contains(chat.say("nee"), "de bijeenkomst gaat gewoon door"));
            CHECK(chat.store->meeting(3)->status == MeetingStatus::planned);
        }
        SECTION("yes, then undone") {
            reply = chat.say("ja");
            CHECK(contains(reply, "Bijeenkomst #3 van HSN-café Feedback die werkt op di 18 mei "
                                  "2027 15:30 is geannuleerd"));
            CHECK(contains(reply, "Vergist? Je kunt dit ongedaan maken tot do 3 dec 2026 09:00"));
            CHECK(chat.store->meeting(3)->status == MeetingStatus::cancelled);
            chat.as("Anna");
            CHECK_FALSE(contains(chat.say("bijeenkomsten"), "18 mei"));
            chat.as("Marieke");
            // A second "ja" does not take it back; the undo button (or its label) does.
            CHECK(contains(chat.say("ja"), "Er staat niets open om te bevestigen"));
            CHECK(chat.store->meeting(3)->status == MeetingStatus::cancelled);
            reply = chat.say("ongedaan maken");
            CHECK(contains(reply, "Bijeenkomst #3 op di 18 mei 2027 15:30 gaat toch door"));
            CHECK(contains(reply, "Marieke Jansen maakte dit ongedaan"));
            CHECK(chat.store->meeting(3)->status == MeetingStatus::planned);
            chat.as("Anna");
            CHECK(contains(chat.say("bijeenkomsten"), "18 mei"));
        }
        SECTION("yes, and the undo runs out after a day") {
            chat.say("ja");
            CHECK(contains(chat.say("/tijd +25h"), "Niet meer ongedaan te maken"));
            CHECK_FALSE(contains(chat.say("ongedaan maken"), "gaat toch door"));
            CHECK(chat.store->meeting(3)->status == MeetingStatus::cancelled);
        }
    }
}

TEST_CASE("a facilitator manages the members", "[conversation][members]") {
    ConsoleFixture chat;

    SECTION("adding a member with role and school") {
        CHECK(contains(chat.say("lid toevoegen Kees Klaassen | workshopleider | CBS De Regenboog"),
                       "Kees Klaassen (CBS De Regenboog) zit nu in HSN-café Feedback die werkt als "
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
            CHECK(contains(chat.say("hulp"), "Hoi Kees Klaassen!"));
        }
        SECTION("adding the same person again changes nothing") {
            CHECK(contains(chat.say("lid toevoegen kees klaassen | workshopleider"), "zit al in"));
            CHECK(chat.store->roster(chat.demo.network_id).size() == 11);
        }
        SECTION("adding with another role changes the role") {
            CHECK(contains(chat.say("lid toevoegen Kees Klaassen | deelnemer"),
                           "Kees Klaassen is nu deelnemer."));
        }
    }
    SECTION("a member with a Matrix account") {
        CHECK(
            contains(chat.say("lid toevoegen Ilse Wouters | deelnemer | Het Kompas | @ilse:hsn.nl"),
                     "zit nu in"));
        const auto member = chat.store->member_by_identity(Platform::matrix, "@ilse:hsn.nl");
        REQUIRE(member);
        CHECK(member->display_name == "Ilse Wouters");
        CHECK(contains(chat.say("lid toevoegen Iemand Anders | deelnemer | @ilse:hsn.nl"),
                       "hoort al bij Ilse Wouters"));
    }
    SECTION("an unknown role") {
        CHECK(contains(chat.say("lid toevoegen Kees | directeur | Het Kompas"),
                       "\"directeur\" ken ik niet als rol"));
        CHECK(chat.store->roster(chat.demo.network_id).size() == 10);
    }
    SECTION("removing a member: asked first, undoable") {
        CHECK(contains(chat.say("lid verwijderen Thomas"),
                       "Thomas Smit uit HSN-café Feedback die werkt verwijderen?"));
        CHECK(chat.store->roster(chat.demo.network_id).size() == 10);
        CHECK(contains(chat.say("ja"), "Thomas Smit zit niet meer in"));
        CHECK(chat.store->roster(chat.demo.network_id).size() == 9);
        CHECK(contains(chat.say("lid verwijderen Thomas"), "Ik vind niemand die \"Thomas\" heet"));
        CHECK(contains(chat.say("Ongedaan maken"), "Thomas Smit zit weer in"));
        CHECK(chat.store->roster(chat.demo.network_id).size() == 10);
    }
    SECTION("removing a facilitator, or oneself, says so") {
        chat.say("lid toevoegen Kees Klaassen | procesbegeleider | Het Kompas");
        CHECK(contains(chat.say("lid verwijderen Kees"),
                       "Kees Klaassen is procesbegeleider van HSN-café Feedback die werkt. Toch "
                       "verwijderen?"));
        CHECK(contains(chat.say("nee"), "er verandert niets"));
        CHECK(contains(chat.say("lid verwijderen Marieke Jansen"), "Je verwijdert jezelf"));
        CHECK(chat.store->roster(chat.demo.network_id).size() == 11);
    }
    SECTION("the last organiser cannot be removed") {
        CHECK(contains(chat.say("lid verwijderen Marieke Jansen"),
                       "is de enige organisator of procesbegeleider"));
        CHECK(chat.store->roster(chat.demo.network_id).size() == 10);
    }
}

TEST_CASE("a facilitator starts a second network", "[conversation][networks]") {
    ConsoleFixture chat;
    chat.say("/prive");
    CHECK(contains(chat.say("nieuw netwerk HSN-café Rekenen | Rekenonderwijs"),
                   "Netwerk HSN-café Rekenen is gestart en jij bent de procesbegeleider"));
    CHECK(chat.store->networks().size() == 2);
    CHECK(contains(chat.say("netwerken"),
                   "HSN-café Rekenen · procesbegeleider · je opdrachten gaan hierover"));
    CHECK(contains(chat.say("nieuw netwerk hsn-cafe REKENEN"), "Er is al een netwerk dat"));
    CHECK(contains(chat.say("bijeenkomsten"),
                   "HSN-café Rekenen heeft nog geen komende bijeenkomsten"));
    CHECK(contains(chat.say("netwerk HSN-café Feedback die werkt"),
                   "Goed, je opdrachten gaan nu over"));
    CHECK(contains(chat.say("bijeenkomsten"), "rubrics"));
}

TEST_CASE("café weeks are listed and set", "[conversation][cafe-weeks]") {
    ConsoleFixture chat;
    chat.as("Lotte");
    CHECK(contains(chat.say("Caféweken"),
                   "week 6: maandag 8 februari 2027 t/m vrijdag 12 februari 2027"));
    chat.as("Marieke");
    CHECK(contains(chat.say("cafe weken 2027-2028: week 41, 47, 5, 11"),
                   "De caféweken zijn opgeslagen"));
    const auto weeks = chat.store->cafe_weeks(2027);
    REQUIRE(weeks.size() == 4);
    CHECK(weeks.front().iso_year == 2027);
    CHECK(weeks.back().iso_year == 2028);
    CHECK(contains(chat.say("caféweken 2027-2028: 41, 60"), "\"60\" is geen weeknummer"));
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
    CHECK(contains(chat.output.str(), "Ik ken je nog niet"));
}

TEST_CASE("networks are chosen and linked to conversations", "[conversation][networks]") {
    ConsoleFixture chat;
    chat.say("/prive");
    chat.say("nieuw netwerk HSN-café Rekenen");
    chat.say("/groep");

    SECTION("an unknown network or one you are not in") {
        CHECK(contains(chat.say("netwerk HSN-café Onbekend"),
                       "Ik vind geen netwerk \"HSN-café Onbekend\" waar je in zit"));
        chat.as("Anna");
        CHECK(contains(chat.say("netwerk HSN-café Rekenen"), "Ik vind geen netwerk"));
    }
    SECTION("in a network's channel, that network applies") {
        CHECK(contains(chat.say("netwerk hsn-cafe rekenen"),
                       "In dit kanaal gaat het altijd over HSN-café Feedback die werkt"));
        CHECK(contains(chat.say("bijeenkomsten"), "rubrics"));
    }
    SECTION("a facilitator links the channel to another network") {
        CHECK(contains(chat.say("koppel netwerk HSN-café Rekenen"),
                       "Dit gesprek hoort nu bij HSN-café Rekenen"));
        CHECK(chat.store->network_of_conversation(Platform::console, "console") ==
              chat.store->find_network_by_name("HSN-café Rekenen")->id);
        CHECK(contains(chat.say("bijeenkomsten"), "HSN-café Rekenen heeft nog geen komende"));
    }
    SECTION("a participant cannot link, and a private chat cannot be linked") {
        chat.as("Anna");
        CHECK(contains(chat.say("koppel netwerk HSN-café Feedback die werkt"),
                       "Alleen organisatoren en procesbegeleiders van HSN-café Feedback die werkt "
                       "kunnen een kanaal"));
        chat.as("Marieke");
        chat.say("/prive");
        CHECK(contains(chat.say("koppel netwerk HSN-café Rekenen"), "niet aan een privégesprek"));
    }
}

TEST_CASE("a group speaks its network's language; private messages the member's own",
          "[conversation][language]") {
    ConsoleFixture chat;
    auto reply = chat.say("taal en");  // Marieke, in the group
    CHECK(contains(reply, "I will talk English to you from now on when I write to you personally"));
    // Her plans in the group stay Dutch, for a Dutch group.
    reply = chat.say("bijeenkomsten");
    CHECK(contains(reply, "Komende bijeenkomsten van HSN-café"));
    chat.say("/prive");
    CHECK(contains(chat.say("bijeenkomsten"), "Coming meetings of HSN-café"));
    chat.say("/groep");
    // A participant cannot change the group's language; a facilitator can.
    chat.as("Anna");
    CHECK(contains(chat.say("taal groep en"), "kiezen de organisatoren en procesbegeleiders"));
    chat.as("Marieke");
    CHECK(contains(chat.say("taal groep en"), "in the group conversations of HSN-café Feedback "
                                              "die werkt I will talk English from now on"));
    chat.as("Anna");  // Dutch herself
    CHECK(contains(chat.say("bijeenkomsten"), "Coming meetings of HSN-café"));
    chat.say("/prive");
    CHECK(contains(chat.say("bijeenkomsten"), "Komende bijeenkomsten van HSN-café"));
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
        CHECK(contains(reply, odd));
        CHECK(contains(reply, "Wil je"));  // the Ja/Nee question
        CHECK(chat.meeting_count() == before);
        CHECK(contains(chat.say("nee"), "niets gepland"));
    }
    // An ordinary Tuesday afternoon in a café week is planned at once.
    const auto before = chat.meeting_count();
    const auto reply = chat.say("plan bijeenkomst 23 maart 2027 15:30");
    CHECK_FALSE(contains(reply, "Let op"));
    CHECK(chat.meeting_count() == before + 1);
}

TEST_CASE("planning reads Dutch clock phrases and says what is wrong with a date",
          "[conversation][dates]") {
    ConsoleFixture chat;
    CHECK(contains(chat.say("plan bijeenkomst wo 9 februari 15:30"),
                   "die datum is dinsdag 9 februari 2027"));
    CHECK(contains(chat.say("plan bijeenkomst gisteren 15:30"), "is al voorbij"));
    const auto before = chat.meeting_count();
    auto reply = chat.say("plan bijeenkomst di 23-3 om half vier");
    CHECK(contains(reply, "di 23 mrt 2027 15:30"));
    CHECK(chat.meeting_count() == before + 1);
}

TEST_CASE("moving a meeting within its school year does not warn about the yearly maximum",
          "[conversation][meetings]") {
    ConsoleFixture chat;
    // A fourth and a fifth meeting this school year (the maximum is four): the fifth warns.
    chat.say("plan bijeenkomst 23 maart 2027 15:30");
    CHECK(chat.meeting_count() == 4);
    CHECK(contains(chat.say("plan bijeenkomst 11 mei 2027 15:30"), "dit wordt bijeenkomst 5"));
    chat.say("ja");
    // Moving one of them within the year: the count stays, so no warning about it.
    const auto moved = chat.say("verplaats bijeenkomst 2 naar 16 februari 2027 15:30");
    CHECK_FALSE(contains(moved, "dit wordt bijeenkomst"));
}

TEST_CASE("adding a member with a wrong part says which part and what would work",
          "[conversation][members]") {
    ConsoleFixture chat;
    // An e-mail address is looked up in the conversation's member list (empty here).
    auto reply = chat.say("lid toevoegen Daan Bakker | deelnemer | Het Kompas | daan.bakker@school.nl");
    CHECK(contains(reply, "Niemand in dit gesprek heeft het e-mailadres daan.bakker@school.nl"));
    reply = chat.say("lid toevoegen Daan Bakker | deelnemer | Het Kompas | daan@school");
    CHECK(contains(reply, "\"daan@school\" is geen account"));
    CHECK(contains(reply, "@kees:school.nl"));
    CHECK_FALSE(contains(reply, "Zo voeg je iemand toe"));
    reply = chat.say("lid toevoegen Daan Bakker | deelnemer | Het Kompas | De Fontein");
    CHECK(contains(reply, "Ik weet niet wat ik met \"De Fontein\" moet"));
    CHECK(chat.store->roster(chat.demo.network_id).size() == 10);
    CHECK(contains(chat.say("lid toevoegen Daan Bakker | deelnemer | Het Kompas | @daan:school.nl"),
                   "Daan Bakker"));
    CHECK(chat.store->roster(chat.demo.network_id).size() == 11);
}

TEST_CASE("help about something unknown says so; organisers learn how to set café weeks",
          "[conversation][help]") {
    ConsoleFixture chat;
    const auto unknown = chat.say("hulp onzin");
    CHECK(contains(unknown, "Over \"onzin\" weet ik geen uitleg"));
    CHECK(contains(unknown, "Wat je kunt vragen"));  // the overview follows
    CHECK(contains(chat.say("hulp bijeenkomsten"), "caféweken 2026-2027: 41, 47, 6, 12, 20"));
    chat.as("Anna");
    CHECK_FALSE(contains(chat.say("hulp bijeenkomsten"), "caféweken 2026-2027: 41"));
}
