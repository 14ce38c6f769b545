#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "bot/i18n/lang.hpp"
#include "bot/vocab/text.hpp"

using namespace leernetwerk;

namespace {

// The straightforward O(n*m) optimal string alignment distance, to check the optimised one.
std::size_t reference_osa(const std::string& a, const std::string& b) {
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i) {
        d[i][0] = i;
    }
    for (std::size_t j = 0; j <= b.size(); ++j) {
        d[0][j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
            }
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

TEST_CASE("fold lower-cases, strips accents and normalises spaces", "[text][fold]") {
    CHECK(fold("  H\xC3\xA9l\xC3\xA8ne   \xC3\x89\xC3\x89N\tTwee ") == "helene een twee");
    CHECK(fold("Hélène   ÉÉN\tTwee") == "helene een twee");
    CHECK(fold("HELLO World") == "hello world");
    CHECK(fold("") == "");
    CHECK(fold("   \t  ") == "");
    CHECK(fold("a\t\tb") == "a b");
}

TEST_CASE("fold maps every listed accented letter to its base letter", "[text][fold]") {
    CHECK(fold("éèëê") == "eeee");
    CHECK(fold("ÉÈËÊ") == "eeee");
    CHECK(fold("áàäâ") == "aaaa");
    CHECK(fold("ÁÀÄÂ") == "aaaa");
    CHECK(fold("íìïî") == "iiii");
    CHECK(fold("ÍÌÏÎ") == "iiii");
    CHECK(fold("óòöô") == "oooo");
    CHECK(fold("ÓÒÖÔ") == "oooo");
    CHECK(fold("úùüû") == "uuuu");
    CHECK(fold("ÚÙÜÛ") == "uuuu");
    CHECK(fold("çÇñÑ") == "ccnn");
    CHECK(fold("Caf\xC3\xA9 na\xC3\xAFve co\xC3\xB6rdinator") == "cafe naive coordinator");
}

TEST_CASE("fold turns non-breaking spaces into spaces", "[text][fold]") {
    CHECK(fold("12\xC2\xA0maart") == "12 maart");
    CHECK(fold("\xC2\xA0 a \xC2\xA0\xC2\xA0 b\xC2\xA0") == "a b");
}

TEST_CASE("fold keeps other bytes as they are", "[text][fold]") {
    CHECK(fold("\xC3\x9F") == "\xC3\x9F");              // ß is not listed
    CHECK(fold("\xC3\xA5") == "\xC3\xA5");              // å is not listed
    CHECK(fold("\xE2\x82\xAC 5") == "\xE2\x82\xAC 5");  // €
    CHECK(fold("caf\xC3") == "caf\xC3");                // truncated sequence
    CHECK(fold("\xC3 x") == "\xC3 x");
    CHECK(fold("\xFF\xFE") == "\xFF\xFE");
    CHECK(fold("a\nb") == "a\nb");
    CHECK(fold("x=1, y-2!") == "x=1, y-2!");
    const std::string with_nul("a\0B", 3);
    CHECK(fold(with_nul) == std::string("a\0b", 3));
}

TEST_CASE("fold handles long input in one pass", "[text][fold]") {
    const std::string spaces(10000, ' ');
    CHECK(fold(spaces).empty());
    std::string mixed;
    for (int i = 0; i < 5000; ++i) {
        mixed += "\xC3\x89 ";
    }
    const std::string folded = fold(mixed);
    CHECK(folded.size() == 9999);
    CHECK(folded.substr(0, 5) == "e e e");
    CHECK(folded.back() == 'e');
}

TEST_CASE("trim removes spaces, tabs, CR and LF from both ends", "[text]") {
    CHECK(trim("  hallo \t\r\n") == "hallo");
    CHECK(trim("\n\ta b\t") == "a b");
    CHECK(trim("") == "");
    CHECK(trim(" \t\r\n ") == "");
    CHECK(trim("x") == "x");
}

TEST_CASE("split trims parts and keeps empty ones", "[text]") {
    CHECK(split("a, b ,c", ',') == std::vector<std::string>{"a", "b", "c"});
    CHECK(split("a,,b", ',') == std::vector<std::string>{"a", "", "b"});
    CHECK(split(",a,", ',') == std::vector<std::string>{"", "a", ""});
    CHECK(split("geen scheiding", ';') == std::vector<std::string>{"geen scheiding"});
    CHECK(split("", ',') == std::vector<std::string>{""});
    CHECK(split(" x | y ", '|') == std::vector<std::string>{"x", "y"});
}

TEST_CASE("words splits folded text on spaces", "[text]") {
    CHECK(words("plan bijeenkomst morgen") ==
          std::vector<std::string>{"plan", "bijeenkomst", "morgen"});
    CHECK(words("  a   b ") == std::vector<std::string>{"a", "b"});
    CHECK(words("").empty());
    CHECK(words("   ").empty());
    CHECK(words("een") == std::vector<std::string>{"een"});
    CHECK(words(fold("  Hélène\tÉÉN ")) == std::vector<std::string>{"helene", "een"});
}

TEST_CASE("edit_distance is the optimal string alignment distance", "[text][edit]") {
    CHECK(edit_distance("bijeenkomsten", "bijenkomsten") == 1);
    CHECK(edit_distance("hlup", "hulp") == 1);
    CHECK(edit_distance("hulp", "hulp") == 0);
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("", "abc") == 3);
    CHECK(edit_distance("abc", "") == 3);
    CHECK(edit_distance("kitten", "sitting") == 3);
    CHECK(edit_distance("ca", "abc") == 3);  // OSA, not unrestricted Damerau-Levenshtein (2)
    CHECK(edit_distance("agenda", "agneda") == 1);
    CHECK(edit_distance("ab", "ba") == 1);
    CHECK(edit_distance("abcdef", "badcfe") == 3);
    CHECK(edit_distance("leden", "ledenlijst") == 5);
    CHECK(edit_distance("x", "y") == 1);
    CHECK(edit_distance("hulp", "help") == edit_distance("help", "hulp"));
}

TEST_CASE("edit_distance agrees with the textbook algorithm", "[text][edit]") {
    // Deterministic pseudo-random strings over a small alphabet, so that many characters repeat
    // and prefixes, suffixes and transpositions interact.
    unsigned state = 12345;
    const auto next = [&state] {
        state = state * 1103515245u + 12345u;
        return (state >> 16) & 0x7fff;
    };
    for (int round = 0; round < 2000; ++round) {
        std::string a(next() % 8, 'a');
        std::string b(next() % 8, 'a');
        for (char& c : a) {
            c = static_cast<char>('a' + next() % 3);
        }
        for (char& c : b) {
            c = static_cast<char>('a' + next() % 3);
        }
        INFO(a << " / " << b);
        REQUIRE(edit_distance(a, b) == reference_osa(a, b));
    }
}

TEST_CASE("edit_distance stays fast for a long input against a word", "[text][edit]") {
    const std::string long_text(10000, 'x');
    CHECK(edit_distance(long_text, "help") == 10000);
    CHECK(edit_distance("xxxx", long_text) == 9996);
}

TEST_CASE("is_valid_utf8 accepts UTF-8 and rejects everything else", "[text][utf8]") {
    CHECK(is_valid_utf8(""));
    CHECK(is_valid_utf8("gewoon ascii"));
    CHECK(is_valid_utf8("H\xC3\xA9l\xC3\xA8ne"));
    CHECK(is_valid_utf8("\xE2\x82\xAC"));            // €
    CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));        // U+1F600
    CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));        // U+10FFFF
    CHECK(is_valid_utf8("\xED\x9F\xBF"));            // U+D7FF
    CHECK_FALSE(is_valid_utf8("\xC3"));              // truncated
    CHECK_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
    CHECK_FALSE(is_valid_utf8("\x80"));              // lone continuation
    CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
    CHECK_FALSE(is_valid_utf8("\xC1\xBF"));          // overlong
    CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong
    CHECK_FALSE(is_valid_utf8("\xF0\x80\x80\xAF"));  // overlong
    CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
    CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
    CHECK_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
    CHECK_FALSE(is_valid_utf8("\xFF"));
    CHECK_FALSE(is_valid_utf8("abc\xC3(def"));  // bad continuation
    CHECK_FALSE(is_valid_utf8("\xE2\x28\xA1"));
}

TEST_CASE("utf8_length counts code points and invalid bytes one each", "[text][utf8]") {
    CHECK(utf8_length("") == 0);
    CHECK(utf8_length("abc") == 3);
    CHECK(utf8_length("H\xC3\xA9l\xC3\xA8ne") == 6);
    CHECK(utf8_length("\xE2\x82\xAC\xF0\x9F\x98\x80") == 2);
    CHECK(utf8_length("\xFF\xFE") == 2);
    CHECK(utf8_length("a\xC3") == 2);
    CHECK(utf8_length("\xE2\x82") == 2);       // a truncated sequence: two invalid bytes
    CHECK(utf8_length("\xC3\xA9\x80x") == 3);  // é, stray continuation, x
    CHECK(utf8_length(std::string(10000, '\x80')) == 10000);
}

TEST_CASE("parse_lang and lang_code", "[lang]") {
    CHECK(parse_lang("nl") == Lang::nl);
    CHECK(parse_lang("NL") == Lang::nl);
    CHECK(parse_lang("nederlands") == Lang::nl);
    CHECK(parse_lang(" Dutch ") == Lang::nl);
    CHECK(parse_lang("en") == Lang::en);
    CHECK(parse_lang("English") == Lang::en);
    CHECK(parse_lang("engels") == Lang::en);
    CHECK_FALSE(parse_lang("de").has_value());
    CHECK_FALSE(parse_lang("").has_value());
    CHECK_FALSE(parse_lang("nl en").has_value());
    CHECK(lang_code(Lang::nl) == "nl");
    CHECK(lang_code(Lang::en) == "en");
    CHECK(parse_lang(lang_code(Lang::en)) == Lang::en);
}

TEST_CASE("escape_markdown and markdown_to_plain are each other's inverse on data",
          "[text][markdown]") {
    using leernetwerk::escape_markdown;
    using leernetwerk::markdown_to_plain;
    CHECK(escape_markdown("**a** [b](c) <d> `e` #f |g ~h _i \\j") ==
          "\\*\\*a\\*\\* \\[b\\](c) \\<d\\> \\`e\\` \\#f \\|g \\~h \\_i \\\\j");
    for (const std::string data : {"**Kees**", "a\\*b", "plain", "", "\\", "***", "é*ü"}) {
        CHECK(markdown_to_plain(escape_markdown(data)) == data);
    }
    CHECK(markdown_to_plain("**Let op:** " + escape_markdown("2*3")) == "Let op: 2*3");
}
