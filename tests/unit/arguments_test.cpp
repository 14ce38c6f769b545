#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "bot/parse/arguments.hpp"

using namespace leernetwerk;

TEST_CASE("all_digits is true for ASCII digits only", "[arguments][numbers]") {
    CHECK(all_digits("0"));
    CHECK(all_digits("0123456789"));
    CHECK(all_digits(std::string(40, '9')));  // a predicate: no length limit
    CHECK_FALSE(all_digits(""));
    CHECK_FALSE(all_digits("-3"));
    CHECK_FALSE(all_digits("+3"));
    CHECK_FALSE(all_digits("3 "));
    CHECK_FALSE(all_digits("#3"));
    CHECK_FALSE(all_digits("1,5"));
    CHECK_FALSE(all_digits("\xD9\xA3"));  // an Arabic-Indic three is no ASCII digit
}

TEST_CASE("read_number reads up to the allowed number of digits, never overflowing",
          "[arguments][numbers]") {
    CHECK(read_number("3") == 3);
    CHECK(read_number("007") == 7);
    CHECK(read_number("999999999999") == 999'999'999'999);  // twelve digits: the default limit
    CHECK_FALSE(read_number("1000000000000"));              // thirteen
    CHECK_FALSE(read_number("99999999999999999999999"));    // would overflow: not a number
    CHECK(read_number("240", 3) == 240);
    CHECK_FALSE(read_number("1000", 3));
    CHECK(read_number("999999999", kMaxIntDigits) == 999'999'999);
    CHECK_FALSE(read_number("1000000000", kMaxIntDigits));  // an int's number never overflows
    CHECK_FALSE(read_number("1000000000000", 20));          // never more than twelve
    CHECK_FALSE(read_number(""));
    CHECK_FALSE(read_number("#3"));
    CHECK_FALSE(read_number(" 3"));
    CHECK_FALSE(read_number("-3"));
    CHECK_FALSE(read_number("3a"));
}

TEST_CASE("read_hash_number reads 12 and #12, with spaces around", "[arguments][numbers]") {
    CHECK(read_hash_number("12") == 12);
    CHECK(read_hash_number("#12") == 12);
    CHECK(read_hash_number("  #12 ") == 12);
    CHECK(read_hash_number("#0") == 0);
    CHECK_FALSE(read_hash_number("#"));
    CHECK_FALSE(read_hash_number("##12"));
    CHECK_FALSE(read_hash_number("# 12"));
    CHECK_FALSE(read_hash_number("12,"));
    CHECK_FALSE(read_hash_number("#1234567890", kMaxIntDigits));
    CHECK(read_hash_number("#123456789", kMaxIntDigits) == 123'456'789);
}

TEST_CASE("read_leading_number splits a number from the rest", "[arguments][numbers]") {
    const auto edit = read_leading_number("3 voorbereider Bram");
    REQUIRE(edit);
    CHECK(edit->number == 3);
    CHECK(edit->typed == "3");
    CHECK(edit->rest == "voorbereider Bram");

    const auto marked = read_leading_number("  #12   tekst  Twee  spaties ");
    REQUIRE(marked);
    CHECK(marked->number == 12);
    CHECK(marked->typed == "#12");
    CHECK(marked->rest == "tekst  Twee  spaties");  // the rest as typed, trimmed

    const auto alone = read_leading_number("7");
    REQUIRE(alone);
    CHECK(alone->number == 7);
    CHECK(alone->rest.empty());

    CHECK_FALSE(read_leading_number("voorbereider 3"));
    CHECK_FALSE(read_leading_number(""));
    CHECK_FALSE(read_leading_number("3a rest"));
    CHECK_FALSE(read_leading_number("1234567890 rest", kMaxIntDigits));
}

TEST_CASE("bar_parts splits on | and trims each part, keeping empty ones", "[arguments][parts]") {
    CHECK(bar_parts("Vraag? | ja | nee ") == std::vector<std::string>{"Vraag?", "ja", "nee"});
    CHECK(bar_parts("a||b") == std::vector<std::string>{"a", "", "b"});
    CHECK(bar_parts("alleen") == std::vector<std::string>{"alleen"});
    CHECK(bar_parts("  ") == std::vector<std::string>{""});
    CHECK(bar_parts("a |") == std::vector<std::string>{"a", ""});
}

TEST_CASE("first_word and typed_words keep what was typed", "[arguments][words]") {
    CHECK(first_word("  #3   in HSN-café ") ==
          std::pair<std::string, std::string>{"#3", "in HSN-café"});
    CHECK(first_word("alleen") == std::pair<std::string, std::string>{"alleen", ""});
    CHECK(first_word("") == std::pair<std::string, std::string>{"", ""});
    CHECK(typed_words(" Samenvoegen  3 en  5 ") ==
          std::vector<std::string>{"Samenvoegen", "3", "en", "5"});
    CHECK(typed_words("   ").empty());
}

TEST_CASE("bare_word drops the punctuation around a word", "[arguments][words]") {
    CHECK(bare_word("(rekenen),") == "rekenen");
    CHECK(bare_word("anoniem:") == "anoniem");
    CHECK(bare_word("kleuter-rekenen!") == "kleuter-rekenen");
    CHECK(bare_word("caf\xC3\xA9.") == "caf\xC3\xA9");  // non-ASCII letters are kept
    CHECK(bare_word("...") == "");
}

TEST_CASE("is_word and is_phrase compare folded text with a list", "[arguments][words]") {
    CHECK(is_word("naar", {"naar", "to"}));
    CHECK_FALSE(is_word("Naar", {"naar", "to"}));  // is_word takes folded text
    CHECK_FALSE(is_word("naar toe", {"naar", "to"}));
    CHECK(is_phrase("  Ik LEID het in! ", {"ik leid het in"}));
    CHECK(is_phrase("Zónder   naam.", {"zonder naam"}));
    CHECK_FALSE(is_phrase("zonder naam graag", {"zonder naam"}));
}

TEST_CASE("contains_phrase finds whole words and phrases in a sentence", "[arguments][words]") {
    CHECK(contains_phrase("Ja, anoniem graag!", {"anoniem"}));
    CHECK(contains_phrase("ja MET naam", {"met naam"}));
    CHECK_FALSE(contains_phrase("ja, met mijn naam", {"met naam"}));
    CHECK_FALSE(contains_phrase("anonimiteit", {"anoniem"}));  // a whole word, not a part
    CHECK_FALSE(contains_phrase("", {"anoniem"}));
}

TEST_CASE("after_leading_phrase takes the longest keyword at the start", "[arguments][words]") {
    CHECK(after_leading_phrase("Anoniem: hoe doe ik dat?", kAnonymousWords) ==
          std::optional<std::string>("hoe doe ik dat?"));
    CHECK(after_leading_phrase("zonder mijn naam  Hoe  doe ik dat?", kAnonymousWords) ==
          std::optional<std::string>("Hoe  doe ik dat?"));
    CHECK(after_leading_phrase("verborgen", kAnonymousWords) == std::optional<std::string>(""));
    CHECK_FALSE(after_leading_phrase("hoe doe ik dat anoniem?", kAnonymousWords));
    CHECK_FALSE(after_leading_phrase("zonder hulp lukt het niet", kAnonymousWords));
}

TEST_CASE("the anonymous words are the same for every command, in Dutch and English",
          "[arguments][keywords]") {
    for (const auto* typed : {"anoniem",        "Anoniem!",          "anonymous",
                              "anon",           "anonymously",       "verborgen",
                              "hidden",         "zonder naam",       "Zonder mijn naam.",
                              "naam verbergen", "verberg mijn naam", "naam verborgen",
                              "hide my name",   "without my name",   "hide name",
                              "name hidden",    "anonimiseer",       "anonimiseren",
                              "anonymise",      "anonymize"}) {
        INFO(typed);
        CHECK(means_anonymous(typed));
        CHECK_FALSE(means_named(typed));
    }
    CHECK_FALSE(means_anonymous("niet anoniem"));
    CHECK_FALSE(means_anonymous("zonder"));  // alone only in answer consent (question_prompts.cpp)
    CHECK_FALSE(means_anonymous("anoniem graag"));
}

TEST_CASE("the named words say the name may be shown", "[arguments][keywords]") {
    for (const auto* typed : {"met naam", "Met namen", "met mijn naam", "niet anoniem", "named",
                              "not anonymous", "with name", "with names", "with my name"}) {
        INFO(typed);
        CHECK(means_named(typed));
        CHECK_FALSE(means_anonymous(typed));
    }
    CHECK_FALSE(means_named("naam"));  // alone only in answer consent (question_prompts.cpp)
}

TEST_CASE("yes and no", "[arguments][keywords]") {
    for (const auto* typed : {"ja", "Ja!", "yes", "ja graag", "jazeker", "ok", "oké"}) {
        INFO(typed);
        CHECK(means_yes(typed));
        CHECK_FALSE(means_no(typed));
    }
    for (const auto* typed : {"nee", "No.", "nee dank je", "niet doen"}) {
        INFO(typed);
        CHECK(means_no(typed));
        CHECK_FALSE(means_yes(typed));
    }
    CHECK_FALSE(means_yes("ja maar"));
}
