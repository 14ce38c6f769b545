// Rendering neutral content for Teams: chat messages, Adaptive Cards, invoke responses, the
// markdown dialect and the size limit. Every test parses the JSON Teams would receive.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "adapters/teams/cards.hpp"
#include "bot/vocab/text.hpp"

using namespace leernetwerk;
using namespace leernetwerk::teams;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

Instant utc(int y, unsigned m, unsigned d, int hour, int minute) {
    return Instant{date::sys_days{date::year{y} / date::month{m} / date::day{d}}} +
           std::chrono::hours{hour} + std::chrono::minutes{minute};
}

OutboundMessage message_of(Content content, Lang lang = Lang::nl) {
    OutboundMessage message;
    message.id = 41;
    message.to.platform = Platform::teams;
    message.to.conversation_id = "19:groupchat000000000000000000000001@thread.v2";
    message.lang = lang;
    message.content = std::move(content);
    return message;
}

json activity_of(const OutboundMessage& message, const RenderOptions& options = {}) {
    const auto rendered = render_activity(message, options);
    INFO((rendered ? std::string() : rendered.error().message));
    REQUIRE(rendered.has_value());
    CHECK(rendered->size() <= kMaxActivityBytes);
    json activity = json::parse(*rendered, nullptr, false);
    REQUIRE(activity.is_object());
    CHECK(activity.at("type") == "message");
    return activity;
}

/// The Adaptive Card inside a card message, checked for what every card needs.
json card_of(const OutboundMessage& message, const RenderOptions& options = {}) {
    const json activity = activity_of(message, options);
    REQUIRE(activity.at("attachments").size() == 1);
    const json& attachment = activity.at("attachments").at(0);
    CHECK(attachment.at("contentType") == "application/vnd.microsoft.card.adaptive");
    const json& card = attachment.at("content");
    CHECK(card.at("type") == "AdaptiveCard");
    CHECK(card.at("version") == "1.5");
    CHECK(card.at("$schema") == "http://adaptivecards.io/schemas/adaptive-card.json");
    REQUIRE(card.at("body").is_array());
    CHECK_FALSE(card.at("body").empty());
    // render_card gives the same card on its own.
    const auto alone = render_card(message, options);
    REQUIRE(alone.has_value());
    CHECK(json::parse(*alone) == card);
    return card;
}

/// Every element (object) anywhere in `j` that satisfies `match`, in document order.
void collect(const json& j, const std::function<bool(const json&)>& match,
             std::vector<json>& found) {
    if (j.is_object() && match(j)) {
        found.push_back(j);
    }
    if (j.is_structured()) {
        for (const auto& child : j) {
            collect(child, match, found);
        }
    }
}

std::vector<json> of_type(const json& j, const std::string& type) {
    std::vector<json> found;
    collect(
        j, [&](const json& e) { return e.contains("type") && e["type"] == type; }, found);
    return found;
}

/// Every string value in `j` (texts, titles, labels…), to check what a user could see.
void strings_in(const json& j, std::vector<std::string>& out) {
    if (j.is_string()) {
        out.push_back(j.get<std::string>());
    } else if (j.is_structured()) {
        for (const auto& child : j) {
            strings_in(child, out);
        }
    }
}

std::vector<std::string> texts_of(const json& card) {
    std::vector<std::string> texts;
    for (const auto& block : of_type(card, "TextBlock")) {
        texts.push_back(block.at("text").get<std::string>());
    }
    return texts;
}

/// The texts one per line, so that a matcher can look for a text among them.
std::string lines(const std::vector<std::string>& texts) {
    std::string all;
    for (const auto& text : texts) {
        all += text + "\n";
    }
    return all;
}

bool has_actions(const json& card) {
    std::vector<json> found;
    collect(
        card,
        [](const json& e) {
            return e.contains("actions") || (e.contains("type") && e["type"].is_string() &&
                                             e["type"].get<std::string>().rfind("Action.", 0) == 0);
        },
        found);
    return !found.empty();
}

ChoiceQuestion question(ChoiceQuestion::Kind kind, int choices) {
    ChoiceQuestion q;
    q.action_id = "poll:7";
    q.prompt = "Welk onderwerp kiezen we voor **week 11**?";
    q.kind = kind;
    for (int i = 1; i <= choices; ++i) {
        q.choices.push_back({"c" + std::to_string(i), "Optie " + std::to_string(i)});
    }
    return q;
}

/// Checks one Action.Execute: verb, our data, and an Action.Submit fallback with the same data.
void check_execute(const json& action, const std::string& title, const json& data) {
    INFO(action.dump());
    CHECK(action.at("type") == "Action.Execute");
    CHECK(action.at("title") == title);
    CHECK(action.at("verb") == std::string(kVerb));
    CHECK(action.at("data") == data);
    const json& fallback = action.at("fallback");
    CHECK(fallback.at("type") == "Action.Submit");
    CHECK(fallback.at("title") == title);
    CHECK(fallback.at("data") == data);
}

}  // namespace

TEST_CASE("the core dialect becomes Teams chat markdown that only bolds and lists",
          "[teams][cards][markdown]") {
    CHECK(to_teams_markdown("**Vet** gewoon") == "**Vet** gewoon");
    CHECK(to_teams_markdown("- een\n- twee") == "- een\n- twee");
    // Escaped characters get a markdown backslash escape: Teams shows the character itself.
    CHECK(to_teams_markdown("\\*niet schuin\\*") == "\\*niet schuin\\*");
    CHECK(to_teams_markdown("\\_a\\_ \\~\\~b\\~\\~ \\`c\\` \\# d \\| e \\\\ f") ==
          "\\_a\\_ \\~\\~b\\~\\~ \\`c\\` # d | e \\\\ f");
    // '#' and '|' are markup only at the start of a line: elsewhere they stay themselves.
    CHECK(to_teams_markdown("Vraag \\#1 over \\#rekenen: a \\| b") ==
          "Vraag #1 over #rekenen: a | b");
    CHECK(to_teams_markdown("\\#1 bovenaan\n  \\| tabel\n\\> quote") ==
          "\\#1 bovenaan\n  \\| tabel\n&gt; quote");
    CHECK(to_teams_markdown("\\[link\\](http://x)") == "\\[link\\](http://x)");
    // The chat reads HTML: angle brackets and ampersands go as entities, shown as typed.
    CHECK(to_teams_markdown("\\<at\\>x\\</at\\> & co") == "&lt;at&gt;x&lt;/at&gt; &amp; co");
    // Stray unescaped specials are literal in the dialect, so they are escaped as well.
    CHECK(to_teams_markdown("[a](b) <b> _c_ {{DATE(x)}}") ==
          "\\[a\\](b) &lt;b&gt; \\_c\\_ \uFF5B\uFF5BDATE(x)\uFF5D\uFF5D");
    // An unpaired bold marker does not bold the rest of the text.
    CHECK(to_teams_markdown("**vet** en **los") == "**vet** en \\*\\*los");
    // Data escaped by the core reads back as the same characters, without look-alikes.
    const std::string data = "Jan *de* [Vries](x) <script> **hoi** <b>x</b>";
    const auto shown = to_teams_markdown(escape_markdown(data));
    CHECK(shown ==
          "Jan \\*de\\* \\[Vries\\](x) &lt;script&gt; \\*\\*hoi\\*\\* &lt;b&gt;x&lt;/b&gt;");
    for (const auto* look_alike : {"\u2217", "\u02C2", "\u02C3", "\uFF03", "\u2223", "\uFF3B"}) {
        CHECK_THAT(shown, !Contains(look_alike));
    }
}

TEST_CASE("a card shows what a member typed: backslash escapes, no entities, no look-alikes",
          "[teams][cards][markdown]") {
    auto q = question(ChoiceQuestion::Kind::single, 2);
    q.prompt = "Onderwerp: " + escape_markdown("**hoi** <b>x</b> #1 a | b & c [d](e)");
    q.choices[0].label = escape_markdown("**hoi** <b>x</b>");
    const json card = card_of(message_of(q));
    // A TextBlock has markdown but no HTML: '<', '>', '&', '#' and '|' are themselves.
    CHECK(texts_of(card).front() == "Onderwerp: \\*\\*hoi\\*\\* <b>x</b> #1 a | b & c \\[d\\](e)");
    // A button title has no markdown at all: the characters as typed.
    std::vector<std::string> shown;
    strings_in(card, shown);
    CHECK_THAT(lines(shown), Contains("**hoi** <b>x</b>"));
    for (const auto& text : shown) {
        CHECK_THAT(text, !Contains("\u2217"));
        CHECK_THAT(text, !Contains("\u02C2"));
        CHECK_THAT(text, !Contains("&lt;"));
    }
}

TEST_CASE("a text message is markdown with a preview", "[teams][cards]") {
    TextContent text;
    text.markdown = "**Welkom** bij het netwerk.\n- hulp\n- agenda";
    const json activity = activity_of(message_of(text));
    CHECK(activity.at("textFormat") == "markdown");
    CHECK(activity.at("text") == "**Welkom** bij het netwerk.  \n- hulp  \n- agenda");
    CHECK(activity.at("summary") == "Welkom bij het netwerk. - hulp - agenda");
    CHECK_FALSE(activity.contains("attachments"));
    CHECK_FALSE(activity.contains("entities"));
    CHECK_FALSE(render_card(message_of(text), {}).has_value());
}

TEST_CASE("mentioned members become Teams mentions", "[teams][cards]") {
    TextContent text;
    text.markdown = "Welkom Jan\\_J en Fatima! Jan\\_J, stel je voor.";
    text.mentions = {{7, "Jan_J"}, {8, "Fatima"}, {9, "Piet"}, {10, "Zonder Id"}};
    RenderOptions options;
    options.mention_ids[7] = {"29:jan", "Jan_J"};
    options.mention_ids[8] = {"29:fatima", "Fatima"};
    options.mention_ids[9] = {"29:piet", "Piet"};
    const json activity = activity_of(message_of(text), options);
    const std::string jan = "<at>Jan_J</at>";
    CHECK(activity.at("text") ==
          "Welkom " + jan + " en <at>Fatima</at>! Jan\\_J, stel je voor. <at>Piet</at>");
    REQUIRE(activity.at("entities").size() == 3);
    const json& first = activity.at("entities").at(0);
    CHECK(first.at("type") == "mention");
    CHECK(first.at("text") == jan);
    CHECK(first.at("mentioned").at("id") == "29:jan");
    CHECK(first.at("mentioned").at("name") == "Jan_J");
    CHECK(activity.at("entities").at(1).at("text") == "<at>Fatima</at>");
    CHECK(activity.at("entities").at(2).at("mentioned").at("id") == "29:piet");
    // Every <at> in the text has its entity: member 10 has no Teams id and stays text.
    CHECK_THAT(activity.at("text").get<std::string>(), !Contains("Zonder"));
}

TEST_CASE("a single-choice question is a row of Execute buttons", "[teams][cards]") {
    const auto q = question(ChoiceQuestion::Kind::single, 3);
    const json card = card_of(message_of(q));
    const auto texts = texts_of(card);
    REQUIRE_FALSE(texts.empty());
    CHECK(texts.front() == "Welk onderwerp kiezen we voor **week 11**?");
    const auto sets = of_type(card, "ActionSet");
    REQUIRE(sets.size() == 1);
    const json& actions = sets.front().at("actions");
    REQUIRE(actions.size() == 3);
    for (int i = 0; i < 3; ++i) {
        const std::string id = "c" + std::to_string(i + 1);
        check_execute(actions.at(i), "Optie " + std::to_string(i + 1),
                      {{"leernetwerk", {{"action_id", "poll:7"}, {"choice", id}}}});
    }
    CHECK(of_type(card, "Input.ChoiceSet").empty());
    CHECK(activity_of(message_of(q)).at("summary") == "Welk onderwerp kiezen we voor week 11?");
}

TEST_CASE("a rating shows what the ends of the scale mean", "[teams][cards]") {
    auto q = question(ChoiceQuestion::Kind::rating, 5);
    q.low_label = "helemaal niet";
    q.high_label = "heel erg";
    const json card = card_of(message_of(q));
    const auto texts = texts_of(card);
    CHECK_THAT(lines(texts), Contains("helemaal niet"));
    CHECK_THAT(lines(texts), Contains("heel erg"));
    const auto actions = of_type(card, "Action.Execute");
    REQUIRE(actions.size() == 5);
    check_execute(actions.back(), "Optie 5",
                  {{"leernetwerk", {{"action_id", "poll:7"}, {"choice", "c5"}}}});
}

TEST_CASE("a scale is one row of tappable points, two rows of five for 1-10", "[teams][cards]") {
    auto q = question(ChoiceQuestion::Kind::rating, 10);
    for (int i = 0; i < 10; ++i) {
        q.choices[i].label = std::to_string(i + 1);
    }
    q.low_label = "slecht";
    q.high_label = "top";
    const json card = card_of(message_of(q));
    // No ActionSet (on a phone one button per line): points in ColumnSets, five to a row.
    CHECK(of_type(card, "ActionSet").empty());
    const auto sets = of_type(card, "ColumnSet");
    REQUIRE(sets.size() == 3);  // two rows of points, then what the ends mean
    for (std::size_t row = 0; row < 2; ++row) {
        const auto& columns = sets[row].at("columns");
        REQUIRE(columns.size() == 5);
        for (std::size_t i = 0; i < 5; ++i) {
            const auto point = std::to_string(row * 5 + i + 1);
            CHECK(columns[i].at("items").at(0).at("text") == point);
            check_execute(columns[i].at("selectAction"), point,
                          {{"leernetwerk", {{"action_id", "poll:7"}, {"choice", "c" + point}}}});
        }
    }
    CHECK_THAT(lines(texts_of(card)), Contains("slecht"));
    CHECK_THAT(lines(texts_of(card)), Contains("top"));

    q.choices.resize(5);
    const auto five = of_type(card_of(message_of(q)), "ColumnSet");
    REQUIRE(five.size() == 2);
    CHECK(five[0].at("columns").size() == 5);
}

TEST_CASE("a multiple-choice question is a multi-select input with one submit", "[teams][cards]") {
    auto q = question(ChoiceQuestion::Kind::multiple, 4);
    q.max_choices = 2;
    const json card = card_of(message_of(q));
    const auto inputs = of_type(card, "Input.ChoiceSet");
    REQUIRE(inputs.size() == 1);
    const json& input = inputs.front();
    CHECK(input.at("id") == "choices");
    CHECK(input.at("isMultiSelect") == true);
    CHECK(input.at("style") == "expanded");
    REQUIRE(input.at("choices").size() == 4);
    CHECK(input.at("choices").at(2) == json{{"title", "Optie 3"}, {"value", "c3"}});
    CHECK_THAT(lines(texts_of(card)), Contains("Kies maximaal 2"));
    const auto actions = of_type(card, "Action.Execute");
    REQUIRE(actions.size() == 1);
    check_execute(actions.front(), "Verstuur", {{"leernetwerk", {{"action_id", "poll:7"}}}});

    const json english = card_of(message_of(q, Lang::en));
    CHECK_THAT(lines(texts_of(english)), Contains("Choose up to 2"));
    CHECK(of_type(english, "Action.Execute").front().at("title") == "Submit");
}

TEST_CASE("the deadline shows in Amsterdam time and the anonymous note", "[teams][cards]") {
    auto q = question(ChoiceQuestion::Kind::single, 2);
    q.anonymous = true;
    q.deadline = utc(2027, 3, 1, 16, 0);  // 17:00 in Amsterdam (CET)
    const auto texts = texts_of(card_of(message_of(q)));
    CHECK_THAT(lines(texts), Contains("Deadline: ma 1 mrt 2027 17:00"));
    CHECK_THAT(lines(texts), Contains("Anoniem"));
    CHECK_THAT(lines(texts), !Contains("16:00"));

    q.deadline = utc(2027, 7, 1, 16, 0);  // summer time: 18:00
    const auto english = texts_of(card_of(message_of(q, Lang::en)));
    CHECK_THAT(lines(english), Contains("Deadline: Thu 1 Jul 2027 18:00"));
    CHECK_THAT(lines(english), Contains("Anonymous"));

    RenderOptions london;
    london.time_zone = "Europe/London";
    CHECK_THAT(lines(texts_of(card_of(message_of(q, Lang::en), london))), Contains("17:00"));
}

TEST_CASE("a closed question shows the prompt and the note, nothing to click", "[teams][cards]") {
    auto q = question(ChoiceQuestion::Kind::multiple, 3);
    q.deadline = utc(2027, 3, 1, 16, 0);
    q.closed_note = "Je koos: **Optie 2**";
    const json card = card_of(message_of(q));
    CHECK_FALSE(has_actions(card));
    CHECK(of_type(card, "Input.ChoiceSet").empty());
    CHECK(texts_of(card) == std::vector<std::string>{"Welk onderwerp kiezen we voor **week 11**?",
                                                     "Je koos: **Optie 2**"});

    auto open = question(ChoiceQuestion::Kind::single, 3);
    CHECK(has_actions(card_of(message_of(open))));  // the check above can fail
}

TEST_CASE("a short form has one input per field and an Execute submit", "[teams][cards]") {
    ShortForm form;
    form.action_id = "form:agenda:7";
    form.title = "Agendapunt toevoegen";
    form.intro = "Wat wil je bespreken?";
    form.fields = {{"title", "Onderwerp", FormField::Kind::text, true, "Rekenen in groep 5"},
                   {"details", "Toelichting", FormField::Kind::multiline, false, ""},
                   {"share", "Deel met het netwerk", FormField::Kind::toggle, false, ""}};
    form.submit_label = "Toevoegen";
    const json card = card_of(message_of(form));
    const auto texts = texts_of(card);
    CHECK(texts.at(0) == "Agendapunt toevoegen");
    CHECK(of_type(card, "TextBlock").at(0).at("weight") == "bolder");
    CHECK(texts.at(1) == "Wat wil je bespreken?");

    const auto inputs = of_type(card, "Input.Text");
    REQUIRE(inputs.size() == 2);
    CHECK(inputs[0].at("id") == "title");
    CHECK(inputs[0].at("label") == "Onderwerp");
    CHECK(inputs[0].at("placeholder") == "Rekenen in groep 5");
    CHECK(inputs[0].at("isRequired") == true);
    CHECK(inputs[0].at("errorMessage") == "Verplicht");
    CHECK_FALSE(inputs[0].contains("isMultiline"));
    CHECK(inputs[1].at("id") == "details");
    CHECK(inputs[1].at("isMultiline") == true);
    CHECK_FALSE(inputs[1].contains("isRequired"));
    const auto toggles = of_type(card, "Input.Toggle");
    REQUIRE(toggles.size() == 1);
    CHECK(toggles[0].at("id") == "share");
    CHECK(toggles[0].at("title") == "Deel met het netwerk");

    const auto actions = of_type(card, "Action.Execute");
    REQUIRE(actions.size() == 1);
    check_execute(actions.front(), "Toevoegen",
                  {{"leernetwerk", {{"action_id", "form:agenda:7"}}}});

    form.closed_note = "Toegevoegd aan de agenda.";
    const json closed = card_of(message_of(form));
    CHECK_FALSE(has_actions(closed));
    CHECK(of_type(closed, "Input.Text").empty());
    CHECK(of_type(closed, "Input.Toggle").empty());
    CHECK(texts_of(closed) ==
          std::vector<std::string>{"Agendapunt toevoegen", "Toegevoegd aan de agenda."});
}

TEST_CASE("a summary has a title, facts, bars and a footnote", "[teams][cards]") {
    Summary summary;
    summary.title = "Uitslag: onderwerp week 11";
    summary.rows = {{"Stemmen", "10"}, {"Gesloten", "ma 1 mrt"}};
    summary.bars = {
        {"Rekenen", 5, 10, "5 (50%)"}, {"Taal", 0, 10, "0 (0%)"}, {"Alles", 10, 10, "10 (100%)"}};
    summary.footnote = "Anoniem gestemd.";
    const json card = card_of(message_of(summary));
    const json title = of_type(card, "TextBlock").at(0);
    CHECK(title.at("text") == "Uitslag: onderwerp week 11");
    CHECK(title.at("weight") == "bolder");

    const auto facts = of_type(card, "FactSet");
    REQUIRE(facts.size() == 1);
    CHECK(facts[0].at("facts") == json::array({{{"title", "Stemmen"}, {"value", "10"}},
                                               {{"title", "Gesloten"}, {"value", "ma 1 mrt"}}}));

    const auto bars = of_type(card, "ColumnSet");
    REQUIRE(bars.size() == 3);
    auto bar_texts = [](const json& set) {
        std::vector<std::string> texts;
        for (const auto& column : set.at("columns")) {
            texts.push_back(column.at("items").at(0).at("text").get<std::string>());
        }
        return texts;
    };
    auto count = [](const std::string& text, const std::string& cell) {
        std::size_t n = 0;
        for (auto pos = text.find(cell); pos != std::string::npos; pos = text.find(cell, pos + 1)) {
            ++n;
        }
        return n;
    };
    const auto half = bar_texts(bars[0]);
    REQUIRE(half.size() == 3);
    CHECK(half[0] == "Rekenen");
    CHECK(count(half[1], "\u2588") == 10);
    CHECK(count(half[1], "\u2591") == 10);
    CHECK(half[2] == "5 (50%)");
    CHECK(count(bar_texts(bars[1])[1], "\u2588") == 0);
    CHECK(count(bar_texts(bars[2])[1], "\u2588") == 20);
    CHECK(texts_of(card).back() == "Anoniem gestemd.");
    CHECK(activity_of(message_of(summary)).at("summary") == "Uitslag: onderwerp week 11");
}

TEST_CASE("realistic large cards stay under 28 KB", "[teams][cards][size]") {
    Summary summary;
    summary.title = "Aanmeldingen HSN-café Noord, bijeenkomst 4";
    for (int i = 0; i < 40; ++i) {
        summary.rows.push_back({"Deelnemer met een lange naam " + std::to_string(i),
                                "Basisschool De Regenboog, groep 5/6"});
    }
    const auto big_summary = render_activity(message_of(summary), {});
    REQUIRE(big_summary.has_value());
    CHECK(big_summary->size() <= std::size_t{28} * 1024);
    CHECK_THAT(json::parse(*big_summary).at("attachments").at(0).at("content").dump(),
               Contains("Deelnemer met een lange naam 39"));

    auto q = question(ChoiceQuestion::Kind::single, 10);
    for (auto& choice : q.choices) {
        choice.label =
            "Een keuze met een redelijk lange omschrijving, zoals mensen die typen " + choice.id;
    }
    q.deadline = utc(2027, 3, 1, 16, 0);
    q.anonymous = true;
    const auto big_question = render_activity(message_of(q), {});
    REQUIRE(big_question.has_value());
    CHECK(big_question->size() <= std::size_t{28} * 1024);
    CHECK(of_type(json::parse(*big_question), "Action.Execute").size() == 10);
}

TEST_CASE("a very long text is trimmed to fit; an impossible message is an error",
          "[teams][cards][size]") {
    std::string long_text;
    while (long_text.size() < 50000) {
        long_text += "Dit is een lange zin over **rekenen** in groep vijf. ";
    }
    TextContent text{long_text, {}};
    const json activity = activity_of(message_of(text));
    const auto shown = activity.at("text").get<std::string>();
    CHECK(utf8_length(shown) <= 2100);
    CHECK(shown.rfind("\u2026") == shown.size() - 3);
    CHECK(shown.rfind("Dit is een lange zin", 0) == 0);

    // A short text is not trimmed.
    TextContent short_text{"Kort.", {}};
    CHECK(activity_of(message_of(short_text)).at("text") == "Kort.");

    // A long prompt in a card is trimmed the same way.
    auto q = question(ChoiceQuestion::Kind::single, 2);
    q.prompt = long_text;
    const auto prompt = texts_of(card_of(message_of(q))).front();
    CHECK(utf8_length(prompt) <= 2000);
    CHECK(prompt.size() < long_text.size());

    Summary huge;
    huge.title = "Te veel";
    for (int i = 0; i < 2000; ++i) {
        huge.rows.push_back({"Rij " + std::to_string(i), "waarde"});
    }
    const auto refused = render_activity(message_of(huge), {});
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().code == ErrorCode::bad_input);
    CHECK_THAT(refused.error().message, Catch::Contains("too large"));
}

TEST_CASE("user text cannot become markup, mentions or links", "[teams][cards][escape]") {
    const std::vector<std::string> hostile = {"**vet**",    "[link](http://x)",
                                              "<at>x</at>", "<script>alert(1)</script>",
                                              "`code`",     "{{DATE(2017-02-14T06:08:00Z)}}"};
    // Unescaped "**" is bold by the dialect's definition; escaped it must stay literal. In
    // markdown (chat text, TextBlocks, Facts) a markup character is escaped with a backslash;
    // the chat also reads HTML, so no '<' reaches it; titles and labels have no markup at all.
    const auto unescaped = [](const std::string& text, std::string_view needle) {
        for (auto pos = text.find(needle); pos != std::string::npos;
             pos = text.find(needle, pos + 1)) {
            std::size_t backslashes = 0;
            while (backslashes < pos && text[pos - 1 - backslashes] == '\\') {
                ++backslashes;
            }
            if (backslashes % 2 == 0) {
                return true;
            }
        }
        return false;
    };
    auto check_markdown = [&](const std::string& text, bool escaped, bool html) {
        INFO(text);
        CHECK((!escaped || !unescaped(text, "**vet")));
        CHECK_FALSE(unescaped(text, "["));
        CHECK_FALSE(unescaped(text, "]("));
        CHECK((!html || text.find('<') == std::string::npos));
        CHECK((!html || !unescaped(text, "`")));
        CHECK_THAT(text, !Contains("{{"));
    };
    for (const auto& raw : hostile) {
        for (const bool escaped : {true, false}) {
            // The core escapes data; even unescaped it must stay harmless.
            const std::string data = escaped ? escape_markdown(raw) : raw;
            INFO("data: " << data);

            TextContent text{"Onderwerp: " + data, {}};
            const json chat = activity_of(message_of(text));
            CHECK_FALSE(chat.contains("entities"));
            check_markdown(chat.at("text").get<std::string>(), escaped, true);
            // The notification preview is plain text: the characters as typed.
            CHECK_THAT(chat.at("summary").get<std::string>(),
                       Contains(markdown_to_plain(data).substr(0, 3)));

            auto q = question(ChoiceQuestion::Kind::single, 1);
            q.prompt = data;
            q.choices[0].label = data;
            Summary summary{data, {{data, data}}, {{data, 1, 2, data}}, data};
            ShortForm form{"form:1", data, data, {{"f", data, FormField::Kind::text, true, data}},
                           data,     ""};
            for (const auto& content : std::vector<Content>{q, summary, form}) {
                const json card = card_of(message_of(content));
                for (const auto& block : texts_of(card)) {
                    check_markdown(block, escaped, false);
                }
                for (const auto& facts : of_type(card, "FactSet")) {
                    for (const auto& fact : facts.at("facts")) {
                        check_markdown(fact.at("title").get<std::string>(), escaped, false);
                        check_markdown(fact.at("value").get<std::string>(), escaped, false);
                    }
                }
            }
        }
    }
    // The text keeps its characters: "[link](http://x)" reads as typed.
    TextContent text{escape_markdown("[link](http://x)"), {}};
    CHECK(activity_of(message_of(text)).at("text") == "\\[link\\](http://x)");
}

TEST_CASE("invoke responses follow the AdaptiveCardInvokeResponse shapes", "[teams][cards]") {
    const auto card = render_card(message_of(question(ChoiceQuestion::Kind::single, 2)), {});
    REQUIRE(card.has_value());
    const json with_card = json::parse(invoke_card_response(*card));
    CHECK(with_card.at("statusCode") == 200);
    CHECK(with_card.at("type") == "application/vnd.microsoft.card.adaptive");
    CHECK(with_card.at("value") == json::parse(*card));
    CHECK(with_card.at("value").at("type") == "AdaptiveCard");

    const json with_text = json::parse(invoke_message_response("Dank je, je stem is geteld"));
    CHECK(with_text == json{{"statusCode", 200},
                            {"type", "application/vnd.microsoft.activity.message"},
                            {"value", "Dank je, je stem is geteld"}});

    const json error = json::parse(invoke_error_response(400, "BadRequest", "onbekende actie"));
    CHECK(error == json{{"statusCode", 400},
                        {"type", "application/vnd.microsoft.error"},
                        {"value", {{"code", "BadRequest"}, {"message", "onbekende actie"}}}});

    // Invalid UTF-8 from anywhere never makes a response that is not JSON.
    const json odd = json::parse(invoke_message_response("caf\xE9"));
    CHECK(odd.at("value").get<std::string>().rfind("caf", 0) == 0);
    const json broken = json::parse(invoke_card_response("{not a card"));
    CHECK(broken.at("statusCode") == 500);
    CHECK(broken.at("type") == "application/vnd.microsoft.error");
}
