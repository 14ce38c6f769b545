// External expert requests as a conversation (bot/features/experts): Marieke (the demo network's
// organiser) asks for an expert, Ada (the adviser education & quality, named in the settings and
// in no network) decides with one click and a reason, and the network sees the expert with its
// meetings. HSN's rules: one or two meetings, an independent party, two meetings a school year.
#include <catch2/catch.hpp>

#include "bot/vocab/log.hpp"
#include "support/console_fixture.hpp"
#include "support/matchers.hpp"

using Catch::Matchers::Contains;
using leernetwerk::testing::ConsoleFixture;
using namespace leernetwerk;

namespace {

constexpr std::string_view kAdviser = "adviseur-ada";

BotSettings with_adviser() {
    BotSettings settings;
    settings.participation.advisers = {{Platform::console, std::string(kAdviser)}};
    return settings;
}

/// The demo network with an adviser; the demo's coming meetings are #2 (February) and #3 (May).
struct ExpertChat {
    explicit ExpertChat(BotSettings settings = with_adviser())
        : chat(":memory:", testing::demo_now(), std::move(settings)) {}

    /// The console wraps long lines (and indents every line after a message's first): read as
    /// one line, so that a sentence is found wherever it was wrapped.
    static std::string flat(std::string printed) {
        std::size_t at = 0;
        while ((at = printed.find("\n  ", at)) != std::string::npos) {
            printed.replace(at, 3, " ");
        }
        return printed;
    }
    std::string say(const std::string& line) { return flat(chat.say(line)); }

    /// Sends an event as someone writing from their own account (the adviser, who is in no
    /// network of the console) and returns what the console printed.
    std::string from(std::string_view user, InboundEvent event) {
        event.event_id = "expert-test-" + std::to_string(++events);
        event.conversation = {Platform::console, "console-dm-" + std::string(user),
                              Conversation::Kind::direct, ""};
        event.sender = {std::string(user), "Ada Adviseur", ""};
        chat.output.str("");
        REQUIRE(chat.bot.handle(event, chat.session.now()));
        chat.session.drain();
        return flat(chat.output.str());
    }
    std::string adviser_says(const std::string& text, std::string_view user = kAdviser) {
        InboundEvent event;
        event.text = text;
        return from(user, std::move(event));
    }
    std::string adviser_submits(const std::string& action_id, const std::string& reason) {
        InboundEvent event;
        event.kind = InboundEvent::Kind::action;
        event.action.action_id = action_id;
        event.action.fields = {{"reason", reason}};
        return from(kAdviser, std::move(event));
    }

    /// The newest form sent whose action starts with `prefix`.
    std::string newest_form(std::string_view prefix) {
        std::string found;
        for (const auto& row : chat.store->outbox_in_state(Platform::console, OutboxState::sent)) {
            if (const auto* form = std::get_if<ShortForm>(&row.message.content);
                form && form->action_id.rfind(prefix, 0) == 0) {
                found = form->action_id;
            }
        }
        return found;
    }

    /// A meeting added as the store keeps it (a day in May 2027, 15:30).
    Id add_meeting(unsigned day, MeetingStatus status = MeetingStatus::planned, Id network_id = 0) {
        Meeting meeting;
        meeting.network_id = network_id != 0 ? network_id : chat.demo.network_id;
        meeting.local_start = LocalTime{date::local_days{date::year{2027} / 5 / day}} +
                              std::chrono::hours{15} + std::chrono::minutes{30};
        meeting.starts_at = testing::utc(2027, 5, day, 13, 30);
        meeting.topic = "Extra bijeenkomst";
        meeting.status = status;
        meeting.created_at = testing::demo_now();
        Id id = 0;
        chat.store->transaction([&] { id = chat.store->create_meeting(meeting); });
        return id;
    }

    std::vector<ExpertRequest> requests() {
        return chat.store->expert_requests_of(chat.demo.network_id);
    }

    ConsoleFixture chat;
    int events = 0;
};

const std::string kRequest =
    "externe deskundige Rekenproblemen signaleren | Leerkrachten herkennen dyscalculie eerder | "
    "Dr. Jansen | Rekenlab | https://rekenlab.nl/offerte-12 | ";

}  // namespace

TEST_CASE("a facilitator requests an external expert and the adviser approves it with a reason",
          "[experts]") {
    ExpertChat test;
    auto& chat = test.chat;
    auto sent = test.say(kRequest + "2 | onafhankelijk");
    CHECK_THAT(sent, Contains("Aanvraag 1 voor een externe deskundige"));
    CHECK_THAT(sent, Contains("verstuurd naar de adviseur onderwijs en kwaliteit: adviseur-ada"));
    // The adviser's card, privately, with everything they decide on and the two buttons.
    CHECK_THAT(sent, Contains(">>> bot to adviseur-ada (privé)"));
    CHECK_THAT(sent, Contains("Aanvraag externe deskundige 1 — HSN-café Feedback die werkt"));
    CHECK_THAT(sent, Contains("Doel: Leerkrachten herkennen dyscalculie eerder"));
    CHECK_THAT(sent, Contains("Deskundige: Dr. Jansen (Rekenlab)"));
    CHECK_THAT(sent, Contains("Offerte: https://rekenlab.nl/offerte-12"));
    CHECK_THAT(sent, Contains("Aangevraagd door: Marieke Jansen"));
    CHECK_THAT(sent, Contains("#2 di 9 feb 2027 15:30 (Feedback op schrijfopdrachten"));
    CHECK_THAT(sent, Contains("Goedkeuren"));
    CHECK_THAT(sent, Contains("Afwijzen"));
    REQUIRE(test.requests().size() == 1);
    CHECK(test.requests().front().status == ExpertRequestStatus::pending);
    CHECK(test.requests().front().meeting_ids == std::vector<Id>{2});
    // The adviser became a member from the configured account, and writing names them.
    const auto adviser = chat.store->member_by_identity(Platform::console, std::string(kAdviser));
    REQUIRE(adviser);

    SECTION("one click, then the reason in a form: approved") {
        auto asked = test.adviser_says("Goedkeuren");  // the card's label typed: its click
        CHECK_THAT(asked, Contains("Aanvraag 1 goedkeuren"));
        CHECK_THAT(asked, Contains("Wat is je reden?"));
        CHECK(test.requests().front().status == ExpertRequestStatus::pending);
        const auto form = test.newest_form("form:expert_reason:");
        REQUIRE_FALSE(form.empty());
        auto decided = test.adviser_submits(form, "Past bij het schoolplan rekenen");
        CHECK_THAT(decided, Contains("Aanvraag 1 van HSN-café Feedback die werkt is goedgekeurd"));
        // Marieke hears it with the reason; the group gets one announcement; the card closes.
        CHECK_THAT(decided, Contains(">>> bot to Marieke Jansen (privé)"));
        CHECK_THAT(decided, Contains("Ada Adviseur heeft aanvraag 1 van HSN-café Feedback die "
                                     "werkt goedgekeurd"));
        CHECK_THAT(decided, Contains("Reden: Past bij het schoolplan rekenen"));
        CHECK_THAT(decided, Contains(">>> bot to HSN-café Feedback die werkt\nEr komt een externe "
                                     "deskundige: Dr. Jansen (Rekenlab)"));
        CHECK_THAT(decided, Contains("goedgekeurd door Ada Adviseur op"));
        const auto request = test.requests().front();
        CHECK(request.status == ExpertRequestStatus::approved);
        CHECK(request.decided_by == adviser->id);
        CHECK(request.decision_reason == "Past bij het schoolplan rekenen");

        // The network sees the expert with the meeting.
        auto meetings = test.say("bijeenkomsten");
        CHECK_THAT(meetings, Contains("externe deskundige: Dr. Jansen (Rekenlab)"));
        CHECK_THAT(test.say("volgende"), Contains("externe deskundige: Dr. Jansen (Rekenlab)"));
        CHECK_THAT(test.say("deskundigen"), Contains("1 · goedgekeurd · Rekenproblemen"));

        // Decided once: a second decision is refused, saying who decided and when.
        auto again = test.adviser_says("deskundige 1 afwijzen toch niet");
        CHECK_THAT(again, Contains("Over aanvraag 1 is al beslist: goedgekeurd door Ada Adviseur"));
        CHECK(test.requests().front().status == ExpertRequestStatus::approved);
        CHECK_THAT(test.adviser_submits(form, "nog eens"), Contains("al verstuurd of verlopen"));
    }
    SECTION("declined, typed, with its reason") {
        auto reasonless = test.adviser_says("deskundige 1 afwijzen");
        CHECK_THAT(reasonless, Contains("Zet er een reden bij"));
        CHECK(test.requests().front().status == ExpertRequestStatus::pending);
        auto declined = test.adviser_says("deskundige 1 afwijzen Geen offerte bijgevoegd");
        CHECK_THAT(declined, Contains("Aanvraag 1 van HSN-café Feedback die werkt is afgewezen"));
        CHECK_THAT(declined, Contains("Reden: Geen offerte bijgevoegd"));
        CHECK_THAT(declined, !Contains("Er komt een externe deskundige"));
        CHECK(test.requests().front().status == ExpertRequestStatus::declined);
        CHECK_THAT(test.say("bijeenkomsten"), !Contains("externe deskundige:"));
    }
    SECTION("anyone else who tries to decide is refused, and nothing changes") {
        chat.as("Sanne");
        CHECK_THAT(test.say("deskundige 1 goedkeuren prima"),
                   Contains("Alleen de adviseur onderwijs en kwaliteit kan"));
        chat.as("Marieke");
        CHECK_THAT(test.say("deskundige 1 goedkeuren zelf gedaan"),
                   Contains("Alleen de adviseur onderwijs en kwaliteit kan"));
        InboundEvent click;
        click.kind = InboundEvent::Kind::action;
        click.action.action_id = "expert:" + std::to_string(test.requests().front().id);
        click.action.choice_ids = {"approve"};
        chat.output.str("");
        click.event_id = "click-by-marieke";
        click.conversation = {Platform::console, "console", Conversation::Kind::group, ""};
        click.sender = {"member-" + std::to_string(chat.demo.facilitator_id), "Marieke", ""};
        REQUIRE(chat.bot.handle(click, chat.session.now()));
        chat.session.drain();
        CHECK_THAT(chat.output.str(), Contains("Alleen de adviseur onderwijs en kwaliteit kan"));
        CHECK(test.requests().front().status == ExpertRequestStatus::pending);
    }
    SECTION("withdrawn while it waits; the adviser can no longer decide") {
        chat.as("Sanne");
        CHECK_THAT(test.say("deskundige 1 intrekken"), Contains("Alleen wie aanvraag 1 deed"));
        chat.as("Marieke");
        CHECK_THAT(test.say("deskundige 1 intrekken"), Contains("Aanvraag 1 is ingetrokken."));
        CHECK(test.requests().front().status == ExpertRequestStatus::withdrawn);
        CHECK_THAT(test.adviser_says("deskundige 1 goedkeuren prima"),
                   Contains("ingetrokken door Marieke Jansen"));
        CHECK_THAT(test.say("deskundigen"), Contains("1 · ingetrokken"));
    }
    SECTION("mijn gegevens lists it; erasure keeps the request without its requester") {
        test.say("/prive");
        CHECK_THAT(test.say("mijn gegevens"),
                   Contains("HSN-café Feedback die werkt: aanvraag 1, Rekenproblemen signaleren "
                            "— Dr. Jansen (Rekenlab), wacht op de adviseur"));
        CHECK_THAT(test.say("mijn gegevens export"), Contains("aanvraag 1, Rekenproblemen"));
        test.say("vergeet mij");
        CHECK_THAT(test.say("ja"), Contains("ik heb alles over je gewist"));
        const auto kept = test.requests();
        REQUIRE(kept.size() == 1);
        CHECK_FALSE(kept.front().requested_by);
        CHECK_THAT(test.adviser_says("deskundigen"), Contains("Rekenproblemen"));
        CHECK_THAT(test.adviser_says("deskundige 1"), Contains("Aangevraagd door: iemand"));
    }
}

TEST_CASE("an expert request through the form", "[experts]") {
    ExpertChat test;
    auto form = test.say("externe deskundige");
    CHECK_THAT(form, Contains("Externe deskundige aanvragen"));
    CHECK_THAT(form, Contains("Komende bijeenkomsten: #2"));
    CHECK_THAT(form, Contains("di 9 feb 2027 15:30 (Feedback op schrijfopdrachten met rubrics)"));
    test.say("topic=Feedback met beeld");
    test.say("goal=Video-feedback in de klas leren gebruiken");
    test.say("expert=Lies de Wit");
    test.say("organisation=Beeldcoaching BV");
    test.say("quote=bijlage_3 in mijn mail van 3 maart");
    test.say("meetings=2, 3");

    SECTION("without the independence ticked: refused with HSN's reasons, nothing stored") {
        auto refused = test.say("");
        CHECK_THAT(refused, Contains("geen HSN-medewerker"));
        CHECK_THAT(refused, Contains("schijnzelfstandigheid"));
        CHECK_THAT(refused, Contains("gelijk behandeld"));
        CHECK(test.requests().empty());
    }
    SECTION("ticked: sent, and the form is closed") {
        test.say("independent=true");
        auto sent = test.say("");
        CHECK_THAT(sent, Contains("Aanvraag 1 voor een externe deskundige"));
        CHECK_THAT(sent, Contains("Verstuurd door Marieke Jansen."));
        // What was typed is shown as typed, markup characters too.
        CHECK_THAT(sent, Contains("Offerte: bijlage_3 in mijn mail van 3 maart"));
        CHECK_THAT(sent, Contains("Bijeenkomsten: #2 di 9 feb 2027 15:30 (Feedback op "
                                  "schrijfopdrachten met rubrics) en #3 di 18 mei 2027"));
        REQUIRE(test.requests().size() == 1);
        const auto request = test.requests().front();
        CHECK(request.meeting_ids == std::vector<Id>{2, 3});
        CHECK(request.quote == "bijlage_3 in mijn mail van 3 maart");
        CHECK(request.independent);
        CHECK(request.school_year == 2026);
    }
}

TEST_CASE("expert requests that break HSN's rules are refused and nothing is stored", "[experts]") {
    ExpertChat test;
    auto& chat = test.chat;
    SECTION("missing independence") {
        CHECK_THAT(test.say(kRequest + "2"), Contains("schijnzelfstandigheid"));
    }
    SECTION("a missing part") {
        CHECK_THAT(test.say("externe deskundige Rekenen | doel | naam"),
                   Contains("Vul ook Organisatie in"));
    }
    SECTION("a quote link that is not https") {
        CHECK_THAT(test.say("externe deskundige Rekenen | doel | naam | org | "
                            "http://rekenlab.nl/offerte | 2 | onafhankelijk"),
                   Contains("een link moet met https:// beginnen"));
        CHECK_THAT(test.say("externe deskundige Rekenen | doel | naam | org | "
                            "javascript:alert(1) | 2 | onafhankelijk"),
                   Contains("een link moet met https:// beginnen"));
    }
    SECTION("a past meeting, a cancelled one, another network's, three at once") {
        CHECK_THAT(test.say(kRequest + "1 | onafhankelijk"), Contains("#1 van HSN-café Feedback "
                                                                      "die werkt is al geweest"));
        const auto cancelled = test.add_meeting(18, MeetingStatus::cancelled);
        CHECK_THAT(test.say(kRequest + std::to_string(cancelled) + " | onafhankelijk"),
                   Contains("is geannuleerd"));
        CHECK_THAT(test.say(kRequest + "99 | onafhankelijk"), Contains("geen bijeenkomst #99"));
        const auto third = test.add_meeting(25);
        CHECK_THAT(test.say(kRequest + "2, 3, " + std::to_string(third) + " | onafhankelijk"),
                   Contains("één of twee bijeenkomsten komen, niet voor 3."));
    }
    SECTION("a participant may not request one") {
        chat.as("Sanne");
        CHECK_THAT(test.say(kRequest + "2 | onafhankelijk"),
                   Contains("Alleen organisatoren en procesbegeleiders"));
    }
    CHECK(test.requests().empty());
}

TEST_CASE("a café has an external expert for at most two meetings a school year", "[experts]") {
    ExpertChat test;
    const auto third = test.add_meeting(25);
    CHECK_THAT(test.say(kRequest + "2 | onafhankelijk"), Contains("Aanvraag 1"));
    CHECK_THAT(test.say(kRequest + "2 | onafhankelijk"), Contains("al aanvraag 1 gedaan"));
    CHECK_THAT(test.say(kRequest + "3 | onafhankelijk"), Contains("Aanvraag 2"));
    auto refused = test.say(kRequest + std::to_string(third) + " | onafhankelijk");
    CHECK_THAT(refused, Contains("hoogstens 2 bijeenkomsten een externe deskundige"));
    CHECK_THAT(refused, Contains("In 2026-2027 is dat al gedaan voor 2"));
    CHECK_THAT(refused, Contains("Ik heb niets verstuurd"));
    CHECK(test.requests().size() == 2);
    SECTION("a declined request frees its meeting") {
        test.adviser_says("deskundige 2 afwijzen Onderwerp past niet");
        CHECK_THAT(test.say(kRequest + std::to_string(third) + " | onafhankelijk"),
                   Contains("Aanvraag 3"));
    }
}

TEST_CASE("without an adviser configured the request is kept and the facilitator told",
          "[experts]") {
    ExpertChat test(BotSettings{});
    std::vector<std::string> warnings;
    set_log_sink([&](LogLevel level, std::string_view line) {
        if (level == LogLevel::warn) {
            warnings.emplace_back(line);
        }
    });
    auto sent = test.say(kRequest + "2 | onafhankelijk");
    set_log_sink({});
    CHECK_THAT(sent, Contains("is bewaard, maar deze installatie noemt nog geen adviseur"));
    CHECK_THAT(sent, Contains("[participation] advisers"));
    CHECK(test.requests().size() == 1);
    // The administrator reads why in the log.
    REQUIRE(warnings.size() == 1);
    CHECK_THAT(warnings.front(), Contains("none is configured ([participation] advisers)"));
}

TEST_CASE("external expert requests in English", "[experts][en]") {
    ExpertChat test;
    test.say("/prive");
    test.say("taal en");
    auto sent = test.say(
        "external expert Maths | Spot dyscalculia | Dr. Jansen | Rekenlab | "
        "https://rekenlab.nl/q | 2 | independent");
    CHECK_THAT(sent, Contains("Request 1 for an external expert"));
    CHECK_THAT(test.say("experts"), Contains("1 · waiting for the adviser · Maths"));
    CHECK_THAT(test.say("expert 1 withdraw"), Contains("Request 1 is withdrawn."));
}

TEST_CASE("help explains the expert commands under their topic", "[experts][help]") {
    ExpertChat test;
    const auto topic = test.say("hulp uren");
    CHECK_THAT(topic, Contains("externe deskundige"));
    CHECK_THAT(topic, Contains("deskundigen"));
    CHECK_THAT(test.say("hulp externe deskundige"),
               Contains("onafhankelijke partij zijn, geen HSN-medewerker"));
    test.chat.as("Sanne");
    CHECK_THAT(test.say("deskundigen"), Contains("Alleen organisatoren en procesbegeleiders"));
}

TEST_CASE("the adviser decides for every network; a number two networks have is asked about",
          "[experts][numbers]") {
    ExpertChat test;
    CHECK_THAT(test.say(kRequest + "2 | onafhankelijk"), Contains("Aanvraag 1"));
    test.say("/prive");
    test.say("nieuw netwerk HSN-café Rekenen | Rekenonderwijs");
    const auto rekenen = test.chat.store->find_network_by_name("HSN-café Rekenen")->id;
    const auto meeting = test.add_meeting(25, MeetingStatus::planned, rekenen);
    CHECK_THAT(test.say(kRequest + std::to_string(meeting) + " | onafhankelijk"),
               Contains("Aanvraag 1 voor een externe deskundige"));
    CHECK(test.chat.store->expert_requests_of(rekenen).size() == 1);

    const auto both = test.adviser_says("deskundigen");
    CHECK_THAT(both, Contains("Aanvragen externe deskundige — HSN-café Feedback die werkt"));
    CHECK_THAT(both, Contains("Aanvragen externe deskundige — HSN-café Rekenen"));
    CHECK_THAT(test.adviser_says("deskundige 1 goedkeuren prima"),
               Contains("Aanvraag 1 bestaat in HSN-café Feedback die werkt en HSN-café Rekenen"));
    CHECK(test.requests().front().status == ExpertRequestStatus::pending);
    CHECK_THAT(test.adviser_says("deskundige 1 goedkeuren prima in HSN-café Rekenen"),
               Contains("Aanvraag 1 van HSN-café Rekenen is goedgekeurd"));
    CHECK(test.chat.store->expert_requests_of(rekenen).front().decision_reason == "prima");
    CHECK(test.requests().front().status == ExpertRequestStatus::pending);
}
