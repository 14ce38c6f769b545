// Issue 17: a school year of an HSN-café as a conversation. Three meetings and a cancelled
// fourth; attendance ticked by the facilitator and confirmed by members; a late joiner; a
// workshop leader who prepares two meetings; a participant who prepares a theme. Then
// `mijn uren`, `uren`, the gift list and the year report against figures worked out by hand,
// for both hours rules.
#include <optional>
#include <set>
#include <string>

#include <catch2/catch.hpp>

#include "bot/features/participation/year_report.hpp"
#include "support/console_fixture.hpp"
#include "support/matchers.hpp"

using namespace leernetwerk;
using leernetwerk::testing::ConsoleFixture;
using Catch::Matchers::Contains;

namespace {

constexpr std::string_view kRekenen = "HSN-café Rekenen";

Member member_named(Store& store, std::string_view name) {
    for (auto& member : store.members()) {
        if (member.display_name == name) {
            return member;
        }
    }
    FAIL("no member " << name);
    return {};
}

/// A second network beside the demo's, run by Marieke, with its own meetings.
struct SchoolYear {
    explicit SchoolYear(HoursRule rule) : chat(":memory:", testing::demo_now(), settings_of(rule)) {
        auto& store = *chat.store;
        Network network;
        network.name = std::string(kRekenen);
        network.theme = "rekenen";
        network.created_at = chat.session.now();
        network_id = store.create_network(network);
        const auto now = chat.session.now();
        const auto join = [&](std::string_view name, Role role, Instant when) {
            const auto member = member_named(store, name);
            store.add_membership({network_id, member.id, role, when});
            return member.id;
        };
        marieke = join("Marieke Jansen", Role::organiser, now);
        bram = join("Bram de Boer", Role::workshop_leader, now);
        anna = join("Anna de Vries", Role::participant, now);
        sanne = join("Sanne Bakker", Role::participant, now);
        pieter = join("Pieter Visser", Role::participant, now);
        thomas = member_named(store, "Thomas Smit").id;  // joins after the first meeting
        m1 = plan(testing::utc(2027, 1, 19, 14, 30), "Rekenkringen", {bram});
        m2 = plan(testing::utc(2027, 3, 16, 14, 30), "Automatiseren", {bram});
        m3 = plan(testing::utc(2027, 5, 11, 13, 30), "Verhaalsommen", {anna});
        m4 = plan(testing::utc(2027, 6, 22, 13, 30), "Afsluiting", {});
        REQUIRE(chat.bot.reschedule_all(now));
        for (const auto* name : {"Marieke Jansen", "Anna de Vries", "Sanne Bakker",
                                 "Pieter Visser", "Bram de Boer", "Thomas Smit"}) {
            chat.as(name);
            chat.say("/prive");
            chat.say("netwerk HSN-café Rekenen");
        }
    }

    static BotSettings settings_of(HoursRule rule) {
        BotSettings settings;
        settings.participation.hours.fallback = rule;
        settings.participation.academy_contacts = {{Platform::console, "Academie HSN"}};
        settings.participation.advisers = {{Platform::console, "adviseur-ada"}};
        return settings;
    }

    Id plan(Instant starts_at, std::string topic, std::vector<Id> preparers) {
        Meeting meeting;
        meeting.network_id = network_id;
        meeting.starts_at = starts_at;
        meeting.local_start = *to_local(starts_at, "Europe/Amsterdam");
        meeting.topic = std::move(topic);
        meeting.preparer_ids = std::move(preparers);
        meeting.created_at = chat.session.now();
        return chat.store->create_meeting(meeting);
    }

    std::string say_as(std::string_view name, const std::string& line) {
        chat.as(std::string(name));
        return chat.say(line);
    }

    /// The adviser, who is in no network, writing from their own account.
    std::string adviser_says(const std::string& text) {
        InboundEvent event;
        event.event_id = "adviser-" + std::to_string(++adviser_events);
        event.text = text;
        event.conversation = {Platform::console, "console-dm-adviseur", Conversation::Kind::direct,
                              ""};
        event.sender = {"adviseur-ada", "Ada Adviseur", ""};
        chat.output.str("");
        REQUIRE(chat.bot.handle(event, chat.session.now()));
        chat.session.drain();
        return chat.output.str();
    }

    std::set<Id> present(Id meeting) {
        std::set<Id> ids;
        for (const auto& mark : chat.store->attendance_of(meeting)) {
            if (mark.present) {
                ids.insert(mark.member_id);
            }
        }
        return ids;
    }

    /// The year as it is lived: RSVPs, the lists, self-confirmation, a late joiner, a cancelled
    /// meeting, two corrections; the last list closes the year.
    void live_the_year() {
        const auto n = [](Id id) { return std::to_string(id); };
        // An external expert for the second meeting, approved by the adviser.
        CHECK_THAT(say_as("Marieke", "externe deskundige Automatiseren | Tafels vlot leren | "
                                     "Dr. Jansen | Rekenlab | https://rekenlab.nl/offerte | " +
                                         n(m2) + " | onafhankelijk"),
                   Contains("Aanvraag 1"));
        adviser_says("deskundige 1 goedkeuren past bij de vraag van het netwerk");
        REQUIRE(chat.store->expert_requests_of(network_id).size() == 1);
        CHECK(chat.store->expert_requests_of(network_id)[0].status ==
              ExpertRequestStatus::approved);
        say_as("Anna", "ik kom " + n(m1));
        say_as("Bram", "ik kom " + n(m1));
        say_as("Sanne", "ik kom " + n(m1));
        // Before the meeting there is no list.
        CHECK_THAT(say_as("Marieke", "aanwezigheid " + n(m1)), Contains("nog niet begonnen"));
        CHECK_THAT(say_as("Anna", "ik was er " + n(m1)), Contains("nog niet begonnen"));
        // The meeting starts: the list opens, prefilled, and the card reaches Marieke.
        const auto opened = say_as("Marieke", "/tijd 2027-01-19 15:35");
        CHECK_THAT(opened, Contains("Aanwezigheid bijeenkomst #" + n(m1)));
        CHECK(present(m1) == std::set<Id>{anna, bram, sanne});
        // Pieter came unannounced, Sanne did not come after all, Marieke was there.
        CHECK_THAT(say_as("Marieke", "aanwezig " + n(m1) + " Pieter, Marieke"),
                   Contains("5 aanwezig"));
        CHECK_THAT(say_as("Marieke", "afwezig " + n(m1) + " Sanne"), Contains("4 aanwezig"));
        // Bad input changes nothing: someone outside the network, a cancelled meeting.
        CHECK_THAT(say_as("Marieke", "aanwezig " + n(m1) + " Thomas"),
                   Contains("staat niet in HSN-café Rekenen"));
        CHECK(present(m1) == std::set<Id>{anna, bram, pieter, marieke});
        // The evaluation the day after goes to who came, not to who said they would.
        say_as("Marieke", "/tijd 2027-01-21 09:00");
        std::optional<Poll> evaluation;
        for (const auto& poll : chat.store->polls_of(network_id)) {
            if (poll.meeting_id == m1) {
                evaluation = poll;
            }
        }
        REQUIRE(evaluation);
        const auto invited = chat.store->poll_invitees(evaluation->id);
        CHECK(std::set<Id>(invited.begin(), invited.end()) ==
              std::set<Id>{anna, bram, pieter, marieke});
        CHECK_THAT(say_as("Marieke", "aanwezigheid " + n(m1) + " sluiten"),
                   Contains("is gesloten: 4 aanwezig"));
        CHECK_THAT(say_as("Sanne", "ik was er " + n(m1)), Contains("al gesloten"));

        // Thomas joins; at the second meeting the card is answered by typing its numbers.
        chat.store->add_membership({network_id, thomas, Role::participant, chat.session.now()});
        say_as("Thomas", "netwerk HSN-café Rekenen");
        for (const auto* name : {"Anna", "Bram", "Sanne", "Thomas"}) {
            say_as(name, "ik kom " + n(m2));
        }
        say_as("Marieke", "/tijd 2027-03-16 15:35");
        const auto card = say_as("Marieke", "aanwezigheid " + n(m2));
        CHECK_THAT(card, Contains("Thomas Smit"));
        // Roster order: Anna, Bram, Marieke, Pieter, Sanne, Thomas.
        CHECK_THAT(say_as("Marieke", "1, 2, 3, 5, 6"), Contains("5 aanwezig"));
        CHECK_THAT(say_as("Pieter", "ik was er"), Contains("je was bij bijeenkomst #" + n(m2)));
        CHECK(present(m2) == std::set<Id>{anna, bram, marieke, pieter, sanne, thomas});

        // The fourth meeting is cancelled; the third is the year's last.
        auto fourth = *chat.store->meeting(m4);
        fourth.status = MeetingStatus::cancelled;
        chat.store->update_meeting(fourth);
        REQUIRE(chat.bot.reschedule_all(chat.session.now()));
        for (const auto* name : {"Anna", "Bram", "Thomas", "Marieke"}) {
            say_as(name, "ik kom " + n(m3));
        }
        say_as("Marieke", "/tijd 2027-05-11 15:35");
        CHECK_THAT(say_as("Sanne", "ik was er"), Contains("Genoteerd"));
        CHECK_THAT(say_as("Marieke", "aanwezigheid " + n(m4)), Contains("geannuleerd"));
        CHECK(present(m3) == std::set<Id>{anna, bram, marieke, sanne, thomas});

        // Corrections, with a reason; a correction without one is refused.
        CHECK_THAT(say_as("Marieke", "uren correctie Sanne | +2"), Contains("De reden is verplicht"));
        CHECK_THAT(say_as("Marieke", "uren correctie Sanne | +2 | eerste uur van bijeenkomst " +
                                         n(m1) + " wel aanwezig"),
                   Contains("Gecorrigeerd: Sanne Bakker +2 uur"));
        CHECK_THAT(say_as("Marieke", "uren correctie Bram | taak +5 | bereidde de geannuleerde "
                                     "bijeenkomst voor"),
                   Contains("Nu 15 taakuren"));
        CHECK_THAT(say_as("Anna", "uren correctie Anna | +10 | zomaar"),
                   Contains("Alleen organisatoren en procesbegeleiders van HSN-café Rekenen"));
        CHECK(chat.store->hours_corrections(network_id, 2026).size() == 2);

        // The third meeting's list closes: the year closes, the gift list goes out.
        const auto closed = say_as("Marieke", "aanwezigheid " + n(m3) + " sluiten");
        CHECK_THAT(closed, Contains("Schooljaar 2026-2027 van HSN-café Rekenen is afgesloten"));
        CHECK_THAT(closed, Contains("Anna de Vries (CBS De Regenboog) — #" + n(m3) +
                                    " Verhaalsommen"));
        CHECK(chat.store->year_closure(network_id, 2026));
        // The academy's contact got the gift list too, without the facilitators' hint.
        const auto contact = chat.store->member_by_identity(Platform::console, "Academie HSN");
        REQUIRE(contact);
        std::string to_contact;
        for (const auto state : {OutboxState::pending, OutboxState::sent}) {
            for (const auto& row : chat.store->outbox_in_state(Platform::console, state)) {
                if (row.message.recipient_member_id == contact->id) {
                    to_contact += std::get<TextContent>(row.message.content).markdown;
                }
            }
        }
        CHECK_THAT(to_contact, Contains("Anna de Vries (CBS De Regenboog)"));
        CHECK_THAT(to_contact, !Contains("bedankt 1"));
    }

    ConsoleFixture chat;
    Id network_id = 0;
    Id marieke = 0, bram = 0, anna = 0, sanne = 0, pieter = 0, thomas = 0;
    Id m1 = 0, m2 = 0, m3 = 0, m4 = 0;
    int adviser_events = 0;
};

const YearReportMember& row_of(const YearReport& report, std::string_view name) {
    for (const auto& member : report.members) {
        if (member.name == name) {
            return member;
        }
    }
    FAIL("no row for " << name);
    return report.members.front();
}

}  // namespace

TEST_CASE("A school year with a fixed hours rule: 6 hours for 3 meetings",
          "[participation][conversation]") {
    HoursRule rule;  // the HSN 2025-2026 defaults: 6 hours for 3, task hours 5 up to 15
    SchoolYear year(rule);
    year.live_the_year();

    // Attended: Anna, Bram, Marieke 3; Pieter, Sanne, Thomas (the late joiner) 2.
    // Hours: 6, 6, 6, 0, 0 + 2 (correction), 0 = 20. Task: Bram 2 x 5 + 5 = 15.
    const auto mine = year.say_as("Anna", "mijn uren");
    CHECK_THAT(mine, Contains("Professionaliseringsuren: 6 · aanwezig bij 3"));
    CHECK_THAT(year.say_as("Thomas", "mijn uren"),
               Contains("Professionaliseringsuren: 0 · aanwezig bij 2"));
    const auto bram = year.say_as("Bram", "mijn uren");
    CHECK_THAT(bram, Contains("Taakuren: 15 · 2 voorbereid"));
    const auto statement = year.say_as("Anna", "mijn uren verklaring");
    CHECK_THAT(statement, Contains("Verklaring professionaliseringsuren 2026-2027"));
    CHECK_THAT(statement, Contains("Anna de Vries (CBS De Regenboog) nam in schooljaar 2026-2027"));
    CHECK_THAT(statement, Contains("Rekenkringen"));

    const auto ledger = year.say_as("Marieke", "uren");
    CHECK_THAT(ledger, Contains("Sanne Bakker: 2 aanwezig · 2 uur (gecorrigeerd)"));
    CHECK_THAT(ledger, Contains("Bram de Boer: 3 aanwezig · 6 uur · 15 taakuren"));
    CHECK_THAT(ledger, Contains("Totaal: 20 professionaliseringsuren, 15 taakuren."));
    CHECK_THAT(ledger, Contains("bereidde de geannuleerde bijeenkomst voor (door Marieke Jansen)"));

    const auto gifts = year.say_as("Marieke", "bedankjes");
    CHECK_THAT(gifts, Contains("1. Anna de Vries (CBS De Regenboog)"));
    CHECK_THAT(gifts, Contains("nog te geven"));
    CHECK_THAT(year.say_as("Marieke", "bedankt 1"), Contains("bedankje 1 voor Anna de Vries is gegeven"));
    CHECK_THAT(year.say_as("Marieke", "bedankt 1"), Contains("is al gegeven"));
    CHECK_THAT(year.say_as("Marieke", "bedankt 7"), Contains("geen bedankje 7"));

    const auto report = year_report(*year.chat.store, year.chat.bot.settings(),
                                    *year.chat.store->network(year.network_id), 2026,
                                    year.chat.session.now(), Lang::nl);
    CHECK(report.held == 3);
    CHECK(report.planned == 3);
    CHECK(report.cancelled == 1);
    CHECK(report.closed);
    REQUIRE(report.meetings.size() == 4);
    CHECK(report.meetings[0].present == 4);
    CHECK(report.meetings[0].members == 5);  // Thomas had not joined yet
    CHECK(report.meetings[1].present == 6);
    CHECK(report.meetings[2].present == 5);
    CHECK(report.meetings[3].state == YearReportMeeting::State::cancelled);
    CHECK(report.development_tenths == 200);
    CHECK(report.task_tenths == 150);
    CHECK(row_of(report, "Thomas Smit").development_tenths == 0);
    CHECK(row_of(report, "Sanne Bakker").development_tenths == 20);
    REQUIRE(report.gifts.size() == 1);
    CHECK(report.gifts[0].given);
    REQUIRE(report.experts.size() == 1);
    CHECK(report.experts[0].status == "approved");
    CHECK(report.meetings[1].expert == "Dr. Jansen, Rekenlab");

    const auto overview = year.say_as("Marieke", "jaaroverzicht");
    CHECK_THAT(overview, Contains("3 gehouden, 3 gepland (max. 4), 1 geannuleerd"));
    CHECK_THAT(overview, Contains("4 van 5 aanwezig (80%)"));
    CHECK_THAT(overview, Contains("20 professionaliseringsuren, 15 taakuren"));
    CHECK_THAT(overview, Contains("externe deskundige: Dr. Jansen, Rekenlab"));
    CHECK_THAT(year.say_as("Anna", "jaaroverzicht"), Contains("Alleen organisatoren"));
}

TEST_CASE("A school year with hours per meeting: 2,5 per meeting, at most 6",
          "[participation][conversation]") {
    HoursRule rule;
    rule.kind = HoursRule::Kind::per_meeting;
    rule.per_meeting_tenths = 25;
    rule.max_tenths = 60;
    SchoolYear year(rule);
    year.live_the_year();

    // 3 attended: 7,5 capped at 6; 2 attended: 5. Anna, Bram, Marieke 6; Pieter, Thomas 5;
    // Sanne 5 + 2 = 7. Total 35.
    CHECK_THAT(year.say_as("Thomas", "mijn uren"),
               Contains("Professionaliseringsuren: 5 · aanwezig bij 2"));
    CHECK_THAT(year.say_as("Anna", "mijn uren"), Contains("2,5 uur per bijeenkomst, max. 6 uur"));
    const auto ledger = year.say_as("Marieke", "uren");
    CHECK_THAT(ledger, Contains("Sanne Bakker: 2 aanwezig · 7 uur (gecorrigeerd)"));
    CHECK_THAT(ledger, Contains("Totaal: 35 professionaliseringsuren, 15 taakuren."));
    const auto report = year_report(*year.chat.store, year.chat.bot.settings(),
                                    *year.chat.store->network(year.network_id), 2026,
                                    year.chat.session.now(), Lang::en);
    CHECK(report.development_tenths == 350);
    CHECK(row_of(report, "Pieter Visser").development_tenths == 50);
    CHECK_THAT(report.hours_rule, Contains("2.5 hours per meeting, at most 6 hours"));
}

TEST_CASE("Hours and attendance are personal data: shown, exported, and erased without "
          "changing the network's figures",
          "[participation][privacy]") {
    SchoolYear year(HoursRule{});
    year.live_the_year();
    const auto data = year.say_as("Sanne", "mijn gegevens export");
    CHECK_THAT(data, Contains("HSN-café Rekenen: niet aanwezig bij"));
    CHECK_THAT(data, Contains("uren gecorrigeerd met +2"));
    CHECK_THAT(year.say_as("Anna", "mijn gegevens export"), Contains("bedankje voor #"));

    const auto before = year_report(*year.chat.store, year.chat.bot.settings(),
                                    *year.chat.store->network(year.network_id), 2026,
                                    year.chat.session.now(), Lang::nl);
    year.say_as("Bram", "vergeet mij");
    year.say_as("Bram", "ja");
    year.say_as("Anna", "vergeet mij");
    year.say_as("Anna", "ja");
    const auto after = year_report(*year.chat.store, year.chat.bot.settings(),
                                   *year.chat.store->network(year.network_id), 2026,
                                   year.chat.session.now(), Lang::nl);
    // The network keeps its figures; nobody's name is in them any more.
    CHECK(after.development_tenths == before.development_tenths);
    CHECK(after.task_tenths == before.task_tenths);
    CHECK(after.meetings[1].present == before.meetings[1].present);
    for (const auto& member : after.members) {
        CHECK(member.name != "Bram de Boer");
        CHECK(member.name != "Anna de Vries");
    }
    REQUIRE(after.gifts.size() == 1);
    CHECK(after.gifts[0].name.empty());
    CHECK(year.chat.store->attendance_of_member(year.bram).empty());
    CHECK(year.chat.store->hours_corrections_of_member(year.bram).empty());
}
