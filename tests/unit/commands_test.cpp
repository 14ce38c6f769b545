// Reading commands and the message catalogue.
#include <regex>
#include <set>

#include <catch2/catch.hpp>

#include "bot/parse/commands.hpp"
#include "bot/i18n/i18n.hpp"

using namespace leernetwerk;
using Catch::Matchers::Contains;

TEST_CASE("commands are read tolerantly, longest phrase first", "[commands]") {
    CHECK(parse_command("bijeenkomsten")->key == "meetings");
    CHECK(parse_command("BIJEENKOMSTEN")->key == "meetings");
    CHECK(parse_command("Plan  Bijeenkomst   12 maart 15:30")->key == "plan_meeting");
    CHECK(parse_command("Plan  Bijeenkomst   12 maart 15:30")->args == "12 maart 15:30");
    CHECK(parse_command("plan bijeenkomst: 12 Maart")->args == "12 Maart");
    CHECK(parse_command("netwerk nieuw HSN-café X")->key == "create_network");
    CHECK(parse_command("netwerk HSN-café X")->key == "switch_network");
    CHECK(parse_command("Caféweken 2026-2027: 41")->key == "cafe_weeks");
    CHECK(parse_command("cafe weeks")->key == "cafe_weeks");
    CHECK(parse_command("hulp?")->key == "help");
    CHECK(parse_command("add member Kees | guest")->key == "add_member");
    CHECK_FALSE(parse_command("bijeenkomstenlijst"));
    CHECK_FALSE(parse_command(""));
    CHECK_FALSE(parse_command("   "));
}

TEST_CASE("a leading mention of the bot is removed", "[commands]") {
    CHECK(strip_mention("@Leernetwerk bot hulp", "Leernetwerk bot") == "hulp");
    CHECK(strip_mention("@leernetwerk hulp", "Leernetwerk bot") == "hulp");
    CHECK(strip_mention("@bot: leden", "Leernetwerk bot") == "leden");
    CHECK(strip_mention("hulp @bot", "Leernetwerk bot") == "hulp @bot");
    CHECK(strip_mention("@Leernetwerk bot", "Leernetwerk bot").empty());
}

TEST_CASE("near misses get a suggestion in the member's language", "[commands]") {
    CHECK(suggest_command("bijenkomsten", Lang::nl) == "bijeenkomsten");
    CHECK(suggest_command("meetngs", Lang::en) == "meetings");
    CHECK(suggest_command("lid toevoegn Kees", Lang::nl) == "lid toevoegen");
    CHECK_FALSE(suggest_command("wat een mooi weer", Lang::nl));
    CHECK_FALSE(suggest_command("", Lang::nl));
}

TEST_CASE("roles are read in Dutch and English", "[commands]") {
    CHECK(parse_role_word("Procesbegeleider") == Role::facilitator);
    CHECK(parse_role_word("workshop leader") == Role::workshop_leader);
    CHECK(parse_role_word("gast") == Role::guest);
    CHECK(parse_role_word(" deelnemer ") == Role::participant);
    CHECK_FALSE(parse_role_word("directeur"));
}

TEST_CASE("every message exists in Dutch and English with the same placeholders", "[i18n]") {
    const std::regex placeholder(R"(\{([a-z_]+)\})");
    auto names = [&](std::string_view text) {
        std::set<std::string> out;
        const std::string s(text);
        for (auto it = std::sregex_iterator(s.begin(), s.end(), placeholder);
             it != std::sregex_iterator(); ++it) {
            out.insert((*it)[1]);
        }
        return out;
    };
    std::set<std::string_view> seen;
    for (auto key : catalogue_keys()) {
        INFO(key);
        CHECK(seen.insert(key).second);
        CHECK_FALSE(catalogue_template(Lang::nl, key).empty());
        CHECK_FALSE(catalogue_template(Lang::en, key).empty());
        CHECK(names(catalogue_template(Lang::nl, key)) == names(catalogue_template(Lang::en, key)));
    }
    for (const auto& spec : command_specs()) {
        INFO(spec.key);
        CHECK_FALSE(catalogue_template(Lang::nl, "cmd." + std::string(spec.key)).empty());
        CHECK_FALSE(catalogue_template(Lang::nl, "help." + std::string(spec.key)).empty());
    }
    CHECK(tr(Lang::nl, "meeting.in_past", {{"when", "gisteren"}}) ==
          "gisteren is al voorbij. Kies een moment in de toekomst.");
    CHECK(tr(Lang::en, "no.such.key") == "[no.such.key]");
}

TEST_CASE("every command has an English form that is understood, and English texts are English",
          "[commands][catalog][en]") {
    for (const auto& spec : command_specs()) {
        INFO(spec.key);
        REQUIRE_FALSE(spec.phrase_en.empty());
        const auto parsed = parse_command(std::string(spec.phrase_en));
        REQUIRE(parsed.has_value());
        CHECK(parsed->key == spec.key);
    }
    // A text left untranslated is the same in both languages; a template of placeholders and
    // punctuation, or a short label, may be.
    static const std::regex kPlaceholder(R"(\{[a-z_]+\})");
    static const std::regex kWord(R"([A-Za-z]{3,})");
    for (auto key : catalogue_keys()) {
        INFO(key);
        const std::string nl(catalogue_template(Lang::nl, key));
        const auto words = std::regex_replace(nl, kPlaceholder, "");
        const auto count = std::distance(std::sregex_iterator(words.begin(), words.end(), kWord),
                                         std::sregex_iterator());
        if (count >= 3) {
            CHECK(nl != catalogue_template(Lang::en, key));
        }
    }
    CHECK(parse_command("who comes")->key == "attendance");
}

TEST_CASE("the catalogue has one and other forms of a word", "[catalog][plural]") {
    CHECK(tr(Lang::nl, "meetings.earlier", {{"count", "1"}, {"year", "2026-2027"}}) ==
          "En 1 eerdere bijeenkomst in 2026-2027.");
    CHECK(tr(Lang::nl, "meetings.earlier", {{"count", "2"}, {"year", "2026-2027"}}) ==
          "En 2 eerdere bijeenkomsten in 2026-2027.");
    CHECK(tr(Lang::en, "agenda.tally_footnote", {{"voters", "1"}, {"members", "11"}}) ==
          "1 of the 11 members has voted.");
    CHECK(tr(Lang::nl, "agenda.tally_footnote", {{"voters", "1"}, {"members", "11"}}) ==
          "1 van de 11 leden heeft gestemd.");
    CHECK(tr(Lang::en, "mydata.question_counts", {{"asked", "1"}, {"answered", "0"}, {"entries", "0"}})
              .find("1 question asked, 0 answers given, 0 knowledge base entries") !=
          std::string::npos);
    CHECK(tr(Lang::nl, "question.post_asked", {{"names", "Anna"}, {"count", "1"}}) ==
          "Ik heb Anna gevraagd om mee te denken: die weet hier veel van.");
    // No catalogue text writes a plural the old way.
    for (auto key : catalogue_keys()) {
        INFO(key);
        for (const auto lang : {Lang::nl, Lang::en}) {
            const std::string text(catalogue_template(lang, key));
            CHECK_THAT(text, !Contains("(en)"));
            CHECK_THAT(text, !Contains("(s)"));
        }
    }
}
