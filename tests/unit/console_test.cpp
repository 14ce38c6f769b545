// The console renders every neutral content kind, so the platform adapters have a reference, and
// its own commands (/als, /tijd, /prive) do what the README says.
#include <catch2/catch.hpp>

#include "support/console_fixture.hpp"

using namespace leernetwerk;
using Catch::Matchers::Contains;
using leernetwerk::testing::ConsoleFixture;

namespace {
OutboundMessage message_with(Content content, Lang lang = Lang::nl) {
    OutboundMessage message;
    message.lang = lang;
    message.content = std::move(content);
    return message;
}
}  // namespace

TEST_CASE("the console renders every content kind", "[console][render]") {
    SECTION("text, with Markdown bold shown plainly") {
        CHECK(console::render(message_with(TextContent{"**Let op:** morgen", {}})) ==
              "Let op: morgen");
    }
    SECTION("a single-choice question with a deadline, numbered") {
        ChoiceQuestion question;
        question.prompt = "Welke datum past?";
        question.choices = {{"a", "12 maart"}, {"b", "19 maart"}, {"c", "26 maart"}};
        question.anonymous = true;
        question.deadline = testing::utc(2027, 3, 1, 16);  // 17:00 in Amsterdam
        const auto text = console::render(message_with(question));
        CHECK_THAT(text,
                   Contains("Welke datum past?\n  1. 12 maart\n  2. 19 maart\n  3. 26 maart"));
        CHECK_THAT(text, Contains("Antwoord met het nummer (1–3)"));
        CHECK_THAT(text, Contains("Je antwoord is anoniem."));
        CHECK_THAT(text, Contains("Antwoord vóór ma 1 mrt 2027 17:00."));
    }
    SECTION("a multiple-choice question") {
        ChoiceQuestion question;
        question.kind = ChoiceQuestion::Kind::multiple;
        question.max_choices = 2;
        question.prompt = "Which topics?";
        question.choices = {{"1", "Rubrics"}, {"2", "Peer feedback"}, {"3", "Self-assessment"}};
        const auto text = console::render(message_with(question, Lang::en));
        CHECK_THAT(text, Contains("Answer with the numbers, separated by commas (at most 2)."));
    }
    SECTION("a rating scale with its labels") {
        ChoiceQuestion question;
        question.kind = ChoiceQuestion::Kind::rating;
        question.prompt = "Hoe waardevol was deze bijeenkomst voor jou?";
        for (int i = 1; i <= 5; ++i) {
            question.choices.push_back({std::to_string(i), std::to_string(i)});
        }
        question.low_label = "weinig";
        question.high_label = "heel veel";
        CHECK_THAT(console::render(message_with(question)),
                   Contains("(1 = weinig, 5 = heel veel)"));
    }
    SECTION("an answered question shows the answer instead of the options") {
        ChoiceQuestion question;
        question.prompt = "Toch plannen?";
        question.choices = {{"ja", "Ja"}, {"nee", "Nee"}};
        question.closed_note = "Marieke koos: Ja";
        const auto text = console::render(message_with(question));
        CHECK(text == "Toch plannen?\n-> Marieke koos: Ja");
    }
    SECTION("a short form lists its fields") {
        ShortForm form;
        form.title = "Agendapunt";
        form.intro = "Wat wil je bespreken?";
        form.fields = {{"text", "Onderwerp", FormField::Kind::text, true, "Feedback in groep 8"},
                       {"intro", "Ik kan het inleiden", FormField::Kind::toggle, false, ""}};
        const auto text = console::render(message_with(form));
        CHECK_THAT(text, Contains("  onderwerp = Onderwerp (verplicht), bv. Feedback in groep 8"));
        CHECK_THAT(text, Contains("  inleiden = Ik kan het inleiden\n"));
        CHECK_THAT(text, Contains("veld=waarde"));
    }
    SECTION("a summary with aligned rows and bars") {
        Summary summary;
        summary.title = "Uitslag: Welke datum past?";
        summary.rows = {{"Antwoorden", "10"}, {"Open", "2"}};
        summary.bars = {{"12 maart", 6, 10, "6 (60%)"}, {"19 maart", 4, 10, "4 (40%)"}};
        summary.footnote = "Anoniem.";
        const auto text = console::render(message_with(summary));
        CHECK_THAT(text, Contains("  Antwoorden  10\n  Open        2"));
        CHECK_THAT(text, Contains("  12 maart  ############........  6 (60%)"));
        CHECK_THAT(text, Contains("  19 maart  ########............  4 (40%)"));
        CHECK_THAT(text, Contains("\nAnoniem."));
    }
}

TEST_CASE("the console's own commands", "[console]") {
    ConsoleFixture chat;
    SECTION("/als switches the member you speak as") {
        CHECK_THAT(chat.say("/als fatima"),
                   Contains("# je bent nu / you are now: Fatima El Amrani"));
        CHECK_THAT(chat.say("hulp"), Contains("Hoi Fatima El Amrani!"));
        CHECK_THAT(chat.say("/als niemand"), Contains("wie? / who?"));
    }
    SECTION("/tijd moves the clock forward or to a moment") {
        CHECK_THAT(chat.say("/tijd +2d"), Contains("tijd / time: vr 4 dec 2026 09:00"));
        CHECK_THAT(chat.say("/tijd 2027-03-10 09:00"),
                   Contains("tijd / time: wo 10 mrt 2027 09:00"));
        CHECK(chat.session.now() == testing::utc(2027, 3, 10, 8));
        CHECK_THAT(chat.say("/tijd ooit"),
                   Contains("/tijd +2d, /tijd +3h, /tijd 2026-03-10 09:00"));
        CHECK(chat.session.now() == testing::utc(2027, 3, 10, 8));
        // Meetings before the new clock are now in the past.
        CHECK_THAT(chat.say("bijeenkomsten"), Contains("En 2 eerdere bijeenkomsten in 2026-2027."));
    }
    SECTION("/prive answers in a private conversation") {
        chat.say("/prive");
        CHECK_THAT(chat.say("hulp"), Contains(">>> bot to Marieke Jansen (privé)"));
        chat.say("/groep");
        CHECK_THAT(chat.say("hulp"), Contains(">>> bot to HSN-café Feedback die werkt\n"));
    }
    SECTION("an unknown console command shows the ones there are") {
        CHECK_THAT(chat.say("/dans"), Contains("/als <naam>, /tijd +2d, /prive, /groep, /stop"));
    }
    SECTION("/stop ends the session") {
        CHECK_FALSE(chat.session.handle_line("/stop"));
        CHECK(chat.session.handle_line("hulp"));
    }
}

TEST_CASE("console: a scale fits on one line", "[console][render]") {
    ChoiceQuestion scale;
    scale.action_id = "poll:1:1";
    scale.prompt = "Hoe was het?";
    scale.kind = ChoiceQuestion::Kind::rating;
    for (int i = 1; i <= 10; ++i) {
        scale.choices.push_back({std::to_string(i), std::to_string(i)});
    }
    scale.low_label = "slecht";
    scale.high_label = "top";
    const auto text = console::render(message_with(scale));
    // The points and what the ends mean on one line.
    CHECK_THAT(text,
               Contains("\n  1 · 2 · 3 · 4 · 5 · 6 · 7 · 8 · 9 · 10 (1 = slecht, 10 = top)\n"));
    CHECK_THAT(text, !Contains("1. 1"));
}
