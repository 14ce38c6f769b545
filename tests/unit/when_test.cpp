#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "bot/vocab/when.hpp"

using namespace leernetwerk;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

LocalDay ymd(int y, unsigned m, unsigned d) {
    return LocalDay{date::year{y} / date::month{m} / date::day{d}};
}

LocalTime local(int y, unsigned m, unsigned d, int hour, int minute) {
    return LocalTime{ymd(y, m, d)} + hours{hour} + minutes{minute};
}

Instant utc(int y, unsigned m, unsigned d, int hour, int minute) {
    return Instant{date::sys_days{date::year{y} / date::month{m} / date::day{d}}} + hours{hour} +
           minutes{minute};
}

// Wednesday 2 December 2026, ISO week 2026-W49.
const LocalDay kToday = ymd(2026, 12, 2);

// A value no parse ever writes, to prove that the error was actually set.
constexpr auto kUnset = static_cast<WhenError>(99);

When parsed(std::string_view text, LocalDay today = kToday) {
    WhenError error = kUnset;
    const auto when = parse_when(text, today, &error);
    INFO("text: \"" << std::string(text) << "\"");
    REQUIRE(when.has_value());
    CHECK(error == kUnset);  // success leaves the error alone
    return *when;
}

WhenError error_of(std::string_view text, LocalDay today = kToday) {
    WhenError error = kUnset;
    const auto when = parse_when(text, today, &error);
    INFO("text: \"" << std::string(text) << "\"");
    REQUIRE_FALSE(when.has_value());
    return error;
}

void check_day(std::string_view text, LocalDay expected, LocalDay today = kToday) {
    INFO("text: \"" << std::string(text) << "\"");
    const When when = parsed(text, today);
    CHECK(when.kind == When::Kind::day);
    CHECK(when.day == expected);
    CHECK(when.time_of_day == minutes{0});
    CHECK(when.local() == LocalTime{expected});
}

void check_moment(std::string_view text, LocalTime expected, LocalDay today = kToday) {
    INFO("text: \"" << std::string(text) << "\"");
    const When when = parsed(text, today);
    CHECK(when.kind == When::Kind::moment);
    CHECK(when.local() == expected);
    CHECK(when.day == date::floor<date::days>(expected));
}

void check_week(std::string_view text, int iso_year, unsigned iso_week, LocalDay monday,
                LocalDay today = kToday) {
    INFO("text: \"" << std::string(text) << "\"");
    const When when = parsed(text, today);
    CHECK(when.kind == When::Kind::week);
    CHECK(when.iso_year == iso_year);
    CHECK(when.iso_week == iso_week);
    CHECK(when.day == monday);
    CHECK(when.local() == LocalTime{monday});
}

}  // namespace

TEST_CASE("parse_when reads every documented Dutch form", "[when][parse]") {
    const LocalDay early_march = ymd(2026, 3, 1);
    check_moment("12 maart 15:30", local(2026, 3, 12, 15, 30), early_march);
    check_moment("12 maart 15:30", local(2027, 3, 12, 15, 30));
    check_moment("12 mrt 2027 15.30", local(2027, 3, 12, 15, 30));
    check_moment("12-3-2026 15:30", local(2026, 3, 12, 15, 30));
    check_day("12/3/2026", ymd(2026, 3, 12));
    check_day("12-3", ymd(2026, 3, 12), early_march);
    check_day("12-3", ymd(2027, 3, 12));
    check_moment("2026-03-12 15:30", local(2026, 3, 12, 15, 30));
    check_moment("2026-03-12T15:30", local(2026, 3, 12, 15, 30));
    check_day("2026-03-12", ymd(2026, 3, 12));
    check_week("week 11", 2027, 11, ymd(2027, 3, 15));
    check_week("week 11 2027", 2027, 11, ymd(2027, 3, 15));
    check_week("week 11 2026", 2026, 11, ymd(2026, 3, 9));
    check_moment("dinsdag week 11 15:30", local(2027, 3, 16, 15, 30));
    check_day("vandaag", kToday);
    check_moment("morgen 9:00", local(2026, 12, 3, 9, 0));
    check_moment("overmorgen 9u", local(2026, 12, 4, 9, 0));
    check_moment("dinsdag 15:30", local(2026, 12, 8, 15, 30));
    check_day("volgende week dinsdag", ymd(2026, 12, 8));
}

TEST_CASE("parse_when reads every documented time form", "[when][parse]") {
    check_moment("vandaag 15:30", local(2026, 12, 2, 15, 30));
    check_moment("vandaag 15.30", local(2026, 12, 2, 15, 30));
    check_moment("vandaag 9:00", local(2026, 12, 2, 9, 0));
    check_moment("vandaag 9u", local(2026, 12, 2, 9, 0));
    check_moment("vandaag 9 uur", local(2026, 12, 2, 9, 0));
    check_moment("vandaag 15u30", local(2026, 12, 2, 15, 30));
    check_moment("vandaag 15:30 uur", local(2026, 12, 2, 15, 30));
    check_moment("vandaag 0:00", local(2026, 12, 2, 0, 0));
    check_moment("vandaag 23:59", local(2026, 12, 2, 23, 59));
    check_moment("vandaag 09:05", local(2026, 12, 2, 9, 5));
    check_moment("morgen om 9 uur", local(2026, 12, 3, 9, 0));
    check_moment("12 maart om 15.30 uur", local(2027, 3, 12, 15, 30));
    check_moment("om 9:00 morgen", local(2026, 12, 3, 9, 0));
    check_moment("15:30 12-3-2026", local(2026, 3, 12, 15, 30));
}

TEST_CASE("parse_when reads the English forms", "[when][parse]") {
    check_moment("march 12 3:30 pm", local(2027, 3, 12, 15, 30));
    check_moment("March 12, 2026 3:30 PM", local(2026, 3, 12, 15, 30));
    check_day("12 march", ymd(2027, 3, 12));
    check_day("12th march", ymd(2027, 3, 12));
    check_day("march 1st 2027", ymd(2027, 3, 1));
    check_day("may 22nd", ymd(2027, 5, 22));
    check_day("june 3rd", ymd(2027, 6, 3));
    check_moment("tomorrow 9:00", local(2026, 12, 3, 9, 0));
    check_moment("tomorrow at 3pm", local(2026, 12, 3, 15, 0));
    check_moment("tomorrow 3 pm", local(2026, 12, 3, 15, 0));
    check_moment("tomorrow 11.45 a.m.", local(2026, 12, 3, 11, 45));
    check_moment("tomorrow 12 am", local(2026, 12, 3, 0, 0));
    check_moment("tomorrow 12pm", local(2026, 12, 3, 12, 0));
    check_moment("tomorrow 12:30am", local(2026, 12, 3, 0, 30));
    check_day("today", kToday);
    check_day("day after tomorrow", ymd(2026, 12, 4));
    check_day("tuesday", ymd(2026, 12, 8));
    check_day("next tuesday", ymd(2026, 12, 8));
    check_day("next week friday", ymd(2026, 12, 11));
    check_day("oct 5", ymd(2027, 10, 5));
    check_day("sept 30", ymd(2027, 9, 30));
    CHECK(error_of("12th") == WhenError::not_understood);
    CHECK(error_of("march 12st") == WhenError::not_understood);
    CHECK(error_of("march 11st") == WhenError::not_understood);
}

TEST_CASE("parse_when ignores case, accents and extra spaces", "[when][parse]") {
    check_moment("  MORGEN   Om 9\tUUR ", local(2026, 12, 3, 9, 0));
    check_day("V\xC3\x81NDAAG", kToday);
    check_day("12\xC2\xA0Maart", ymd(2027, 3, 12));
    check_day("Volgende Week Dinsdag", ymd(2026, 12, 8));
    check_day("12 mrt.", ymd(2027, 3, 12));
}

TEST_CASE("parse_when knows every Dutch and English month name", "[when][parse]") {
    const std::vector<std::pair<std::string, unsigned>> names = {
        {"januari", 1},   {"jan", 1},      {"january", 1},   {"februari", 2},  {"feb", 2},
        {"february", 2},  {"maart", 3},    {"mrt", 3},       {"mar", 3},       {"march", 3},
        {"april", 4},     {"apr", 4},      {"mei", 5},       {"may", 5},       {"juni", 6},
        {"jun", 6},       {"june", 6},     {"juli", 7},      {"jul", 7},       {"july", 7},
        {"augustus", 8},  {"aug", 8},      {"august", 8},    {"september", 9}, {"sep", 9},
        {"sept", 9},      {"oktober", 10}, {"okt", 10},      {"october", 10},  {"oct", 10},
        {"november", 11}, {"nov", 11},     {"december", 12}, {"dec", 12},
    };
    for (const auto& [name, month] : names) {
        check_day("3 " + name + " 2027", ymd(2027, month, 3));
    }
}

TEST_CASE("parse_when knows every Dutch and English weekday name", "[when][parse]") {
    // From Wednesday 2 December 2026: Monday is the 7th, Sunday the 6th.
    const std::vector<std::pair<std::string, unsigned>> names = {
        {"maandag", 7},   {"ma", 7},  {"monday", 7},   {"mon", 7}, {"dinsdag", 8},   {"di", 8},
        {"tuesday", 8},   {"tue", 8}, {"woensdag", 2}, {"wo", 2},  {"wednesday", 2}, {"wed", 2},
        {"donderdag", 3}, {"do", 3},  {"thursday", 3}, {"thu", 3}, {"vrijdag", 4},   {"vr", 4},
        {"friday", 4},    {"fri", 4}, {"zaterdag", 5}, {"za", 5},  {"saturday", 5},  {"sat", 5},
        {"zondag", 6},    {"zo", 6},  {"sunday", 6},   {"sun", 6},
    };
    for (const auto& [name, day] : names) {
        check_day(name, ymd(2026, 12, day));
    }
}

TEST_CASE("a day without a year is the next such day on or after today", "[when][parse]") {
    check_day("12 maart", ymd(2027, 3, 12));
    check_day("2 december", ymd(2026, 12, 2));
    check_day("1 december", ymd(2027, 12, 1));
    check_day("31 december", ymd(2026, 12, 31));
    check_day("1 januari", ymd(2027, 1, 1));
    check_day("29 februari", ymd(2028, 2, 29));
    check_day("29-2", ymd(2028, 2, 29));
    check_day("29 februari", ymd(2032, 2, 29), ymd(2028, 3, 1));
    check_day("12 maart", ymd(2026, 3, 12), ymd(2026, 3, 12));
    check_day("12 maart", ymd(2027, 3, 12), ymd(2026, 3, 13));
}

TEST_CASE("weekday names count from today", "[when][parse]") {
    // Today is a Wednesday.
    check_day("woensdag", kToday);
    check_day("volgende woensdag", ymd(2026, 12, 9));
    check_day("next wednesday", ymd(2026, 12, 9));
    check_day("donderdag", ymd(2026, 12, 3));
    check_day("volgende donderdag", ymd(2026, 12, 3));
    check_day("dinsdag", ymd(2026, 12, 8));
    check_day("volgende dinsdag", ymd(2026, 12, 8));
    check_moment("woensdag 8:15", local(2026, 12, 2, 8, 15));
    check_moment("volgende woensdag 8:15", local(2026, 12, 9, 8, 15));

    // "volgende week X" is X in the next calendar week, whatever today is.
    check_day("volgende week woensdag", ymd(2026, 12, 9));
    check_day("volgende week maandag", ymd(2026, 12, 7));
    check_day("volgende week zondag", ymd(2026, 12, 13));
    check_day("donderdag volgende week", ymd(2026, 12, 10));
    check_moment("volgende week dinsdag 15:30", local(2026, 12, 8, 15, 30));

    // From Monday 30 November the difference between the forms shows.
    const LocalDay monday = ymd(2026, 11, 30);
    check_day("dinsdag", ymd(2026, 12, 1), monday);
    check_day("volgende dinsdag", ymd(2026, 12, 1), monday);
    check_day("volgende week dinsdag", ymd(2026, 12, 8), monday);
    check_day("maandag", monday, monday);
    check_day("volgende maandag", ymd(2026, 12, 7), monday);

    // Across a year boundary.
    check_day("vrijdag", ymd(2027, 1, 1), ymd(2026, 12, 31));
    check_day("morgen", ymd(2027, 1, 1), ymd(2026, 12, 31));
}

TEST_CASE("a weekday with a date must agree with it", "[when][parse]") {
    check_day("donderdag 12 maart 2026", ymd(2026, 3, 12));
    check_day("do 12-3-2026", ymd(2026, 3, 12));
    check_day("vrijdag 12 maart", ymd(2027, 3, 12));  // 12 March 2027 is a Friday
    // The date exists but is another weekday: said so (the caller names the right one).
    CHECK(error_of("dinsdag 12 maart 2026") == WhenError::wrong_weekday);
    CHECK(error_of("maandag 12 maart") == WhenError::wrong_weekday);
    CHECK(error_of("maandag 31 april") == WhenError::invalid_date);
}

TEST_CASE("ISO weeks", "[when][parse][week]") {
    check_week("week 11", 2027, 11, ymd(2027, 3, 15));
    check_week("week 49", 2026, 49, ymd(2026, 11, 30));  // this week
    check_week("week 48", 2027, 48, ymd(2027, 11, 29));  // last week -> next year
    check_week("week 53", 2026, 53, ymd(2026, 12, 28));
    check_week("week 53 2026", 2026, 53, ymd(2026, 12, 28));
    check_week("week 1", 2027, 1, ymd(2027, 1, 4));
    check_week("week 01 2026", 2026, 1, ymd(2025, 12, 29));
    check_week("week 53", 2032, 53, ymd(2032, 12, 27), ymd(2027, 1, 10));
    check_week("volgende week", 2026, 50, ymd(2026, 12, 7));
    check_week("next week", 2026, 50, ymd(2026, 12, 7));
    check_week("volgende week", 2027, 1, ymd(2027, 1, 4), ymd(2026, 12, 30));
    check_day("week 11 dinsdag", ymd(2027, 3, 16));
    check_day("vrijdag week 53 2026", ymd(2027, 1, 1));
    const When tuesday = parsed("dinsdag week 11");
    CHECK(tuesday.kind == When::Kind::day);
    CHECK(tuesday.day == ymd(2027, 3, 16));
    CHECK(error_of("week 54") == WhenError::invalid_date);
    CHECK(error_of("week 0") == WhenError::invalid_date);
    CHECK(error_of("week 53 2027") == WhenError::invalid_date);
    CHECK(error_of("dinsdag week 53 2027") == WhenError::invalid_date);
    CHECK(error_of("week 11 15:30") == WhenError::not_understood);  // which day?
    CHECK(error_of("volgende week 15:30") == WhenError::not_understood);
    CHECK(error_of("week") == WhenError::not_understood);
    CHECK(error_of("week elf") == WhenError::not_understood);
    CHECK(error_of("week 123") == WhenError::not_understood);
    CHECK(error_of("week 11 27") == WhenError::not_understood);
}

TEST_CASE("parse_when reports days that do not exist", "[when][parse][errors]") {
    CHECK(error_of("31 april") == WhenError::invalid_date);
    CHECK(error_of("31-4") == WhenError::invalid_date);
    CHECK(error_of("29-2-2027") == WhenError::invalid_date);
    check_day("29-2-2028", ymd(2028, 2, 29));
    CHECK(error_of("30 februari") == WhenError::invalid_date);
    CHECK(error_of("0 maart") == WhenError::invalid_date);
    CHECK(error_of("32 januari") == WhenError::invalid_date);
    CHECK(error_of("12-13-2026") == WhenError::invalid_date);  // day-month order
    CHECK(error_of("0-0") == WhenError::invalid_date);
    CHECK(error_of("2026-02-30") == WhenError::invalid_date);
    CHECK(error_of("2026-13-01") == WhenError::invalid_date);
    CHECK(error_of("31 april 15:30") == WhenError::invalid_date);
    CHECK(error_of("31 april 25:00") == WhenError::invalid_date);
}

TEST_CASE("parse_when reports times that do not exist", "[when][parse][errors]") {
    CHECK(error_of("25:00") == WhenError::invalid_time);
    CHECK(error_of("12:60") == WhenError::invalid_time);
    CHECK(error_of("morgen 25:00") == WhenError::invalid_time);
    CHECK(error_of("morgen 24:00") == WhenError::invalid_time);
    CHECK(error_of("morgen 12:60") == WhenError::invalid_time);
    CHECK(error_of("morgen 30 uur") == WhenError::invalid_time);
    CHECK(error_of("morgen 24u") == WhenError::invalid_time);
    CHECK(error_of("morgen 13pm") == WhenError::invalid_time);
    CHECK(error_of("morgen 0 am") == WhenError::invalid_time);
    CHECK(error_of("morgen 15:30 pm") == WhenError::invalid_time);
}

TEST_CASE("parse_when does not guess", "[when][parse][errors]") {
    check_day("morgen", ymd(2026, 12, 3));
    CHECK(error_of("asdf") == WhenError::not_understood);
    CHECK(error_of("") == WhenError::not_understood);
    CHECK(error_of("   \t ") == WhenError::not_understood);
    CHECK(error_of(std::string(10000, 'x')) == WhenError::not_understood);
    CHECK(error_of("volgende keer") == WhenError::not_understood);
    CHECK(error_of("volgende") == WhenError::not_understood);
    CHECK(error_of("morgen asdf") == WhenError::not_understood);
    CHECK(error_of("12 maart 2027 extra") == WhenError::not_understood);
    CHECK(error_of("morgen morgen") == WhenError::not_understood);
    CHECK(error_of("morgen 9:00 10:00") == WhenError::not_understood);
    CHECK(error_of("15:30") == WhenError::not_understood);  // a time is not a date
    CHECK(error_of("om 15:30") == WhenError::not_understood);
    CHECK(error_of("morgen om 9") == WhenError::not_understood);  // 9:00 or 21:00?
    CHECK(error_of("morgen 9") == WhenError::not_understood);
    CHECK(error_of("morgen 9:5") == WhenError::not_understood);
    CHECK(error_of("morgen 9u am") == WhenError::not_understood);
    CHECK(error_of("12 maart 26") == WhenError::not_understood);  // two-digit year
    CHECK(error_of("12-3-26") == WhenError::not_understood);
    CHECK(error_of("12/3/26") == WhenError::not_understood);
    CHECK(error_of("12-3/2026") == WhenError::not_understood);
    CHECK(error_of("12.3") == WhenError::not_understood);
    CHECK(error_of("2026-03") == WhenError::not_understood);
    CHECK(error_of("2026-03-12T") == WhenError::not_understood);
    CHECK(error_of("2026-03-12T15:30:00") == WhenError::not_understood);
    CHECK(error_of("12 maart, 15:30") == WhenError::not_understood);
    CHECK(error_of("maart") == WhenError::not_understood);
    CHECK(error_of("12") == WhenError::not_understood);
    CHECK(error_of("-1-3-2026") == WhenError::not_understood);
    CHECK(error_of("\xFF\xFE\xFD") == WhenError::not_understood);
    CHECK(error_of("morgen\xC3") == WhenError::not_understood);
    CHECK(error_of(std::string("morgen\0", 7)) == WhenError::not_understood);
    std::string many_words;
    for (int i = 0; i < 5000; ++i) {
        many_words += "morgen ";
    }
    CHECK(error_of(many_words) == WhenError::not_understood);
}

TEST_CASE("parse_when without an error pointer", "[when][parse]") {
    CHECK_FALSE(parse_when("asdf", kToday).has_value());
    CHECK_FALSE(parse_when("31 april", kToday, nullptr).has_value());
    const auto when = parse_when("morgen", kToday, nullptr);
    REQUIRE(when.has_value());
    CHECK(when->day == ymd(2026, 12, 3));
}

TEST_CASE("parse_when survives arbitrary input", "[when][parse][fuzz]") {
    const std::vector<std::string> vocabulary = {
        "12",   "maart", "2026",  "15:30", "week", "11",   "dinsdag",          "volgende",
        "om",   "uur",   "9u",    "pm",    "-",    "12-3", "2026-03-12T15:30", "\xC3",
        "\xFF", "t",     "29-2",  ":",     "53",   "next", "tomorrow",         "3pm",
        "31",   "april", "25:00", "ma",    "0",    "",
    };
    unsigned state = 2026;
    const auto next = [&state] {
        state = state * 1103515245u + 12345u;
        return (state >> 16) & 0x7fff;
    };
    int parsed_count = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string text;
        const unsigned length = next() % 6;
        for (unsigned i = 0; i < length; ++i) {
            text += vocabulary[next() % vocabulary.size()];
            if (next() % 4 != 0) {
                text += ' ';
            }
        }
        if (next() % 5 == 0) {
            text += static_cast<char>(next() % 256);
        }
        WhenError error = kUnset;
        const auto when = parse_when(text, kToday, &error);
        INFO("text: \"" << text << "\"");
        if (when) {
            ++parsed_count;
            CHECK(error == kUnset);
            CHECK(when->time_of_day >= minutes{0});
            CHECK(when->time_of_day < hours{24});
            CHECK(when->day >= ymd(1, 1, 1));  // "1212" is a year the vocabulary can build
            CHECK(when->day <= ymd(9999, 12, 31));
        } else {
            CHECK((error == WhenError::not_understood || error == WhenError::invalid_date ||
                   error == WhenError::invalid_time || error == WhenError::wrong_weekday));
        }
    }
    CHECK(parsed_count > 0);
}

TEST_CASE("parse_when reads back what format_moment and format_day write", "[when][format]") {
    const std::vector<LocalTime> moments = {
        local(2026, 3, 12, 15, 30), local(2027, 1, 1, 0, 0),   local(2026, 12, 31, 23, 59),
        local(2028, 2, 29, 9, 5),   local(2026, 5, 17, 12, 0), local(2026, 9, 6, 7, 45),
    };
    for (const LocalTime moment : moments) {
        for (const Lang lang : {Lang::nl, Lang::en}) {
            const std::string text = format_moment(moment, lang);
            check_moment(text, moment);
            const LocalDay day = date::floor<date::days>(moment);
            check_day(format_day(day, lang), day);
        }
    }
}

TEST_CASE("parse_time_of_day", "[when][time]") {
    CHECK(parse_time_of_day("15:30") == minutes{15 * 60 + 30});
    CHECK(parse_time_of_day("15.30") == minutes{15 * 60 + 30});
    CHECK(parse_time_of_day("9u") == minutes{9 * 60});
    CHECK(parse_time_of_day("9 uur") == minutes{9 * 60});
    CHECK(parse_time_of_day("15u30") == minutes{15 * 60 + 30});
    CHECK(parse_time_of_day("3:30 pm") == minutes{15 * 60 + 30});
    CHECK(parse_time_of_day("3pm") == minutes{15 * 60});
    CHECK(parse_time_of_day("3:30PM") == minutes{15 * 60 + 30});
    CHECK(parse_time_of_day("12 am") == minutes{0});
    CHECK(parse_time_of_day("12:15 pm") == minutes{12 * 60 + 15});
    CHECK(parse_time_of_day("  om 9:00 ") == minutes{9 * 60});
    CHECK(parse_time_of_day("0:00") == minutes{0});
    CHECK(parse_time_of_day("23:59") == minutes{23 * 60 + 59});
    CHECK(parse_time_of_day("07:05 uur") == minutes{7 * 60 + 5});
    CHECK_FALSE(parse_time_of_day("25:00"));
    CHECK_FALSE(parse_time_of_day("12:60"));
    CHECK_FALSE(parse_time_of_day("24:00"));
    CHECK_FALSE(parse_time_of_day("9"));
    CHECK_FALSE(parse_time_of_day("om"));
    CHECK_FALSE(parse_time_of_day(""));
    CHECK_FALSE(parse_time_of_day("15:30 morgen"));
    CHECK_FALSE(parse_time_of_day("9:5"));
    CHECK_FALSE(parse_time_of_day("123:00"));
    CHECK_FALSE(parse_time_of_day("13pm"));
    CHECK_FALSE(parse_time_of_day("9u30 pm"));
    CHECK_FALSE(parse_time_of_day("uur"));
    CHECK_FALSE(parse_time_of_day(std::string(10000, '9')));
}

TEST_CASE("parse_offset", "[when][offset]") {
    CHECK(parse_offset("+2d") == seconds{2 * 86400});
    CHECK(parse_offset("+3h") == seconds{3 * 3600});
    CHECK(parse_offset("+30m") == seconds{30 * 60});
    CHECK(parse_offset("+1w") == seconds{7 * 86400});
    CHECK(parse_offset("-1d") == seconds{-86400});
    CHECK(parse_offset("+2d3h") == seconds{2 * 86400 + 3 * 3600});
    CHECK(parse_offset("-1w2d3h4m") == -seconds{9 * 86400 + 3 * 3600 + 4 * 60});
    CHECK(parse_offset(" +2D ") == seconds{2 * 86400});
    CHECK(parse_offset("2d") == seconds{2 * 86400});
    CHECK(parse_offset("+0m") == seconds{0});
    CHECK_FALSE(parse_offset(""));
    CHECK_FALSE(parse_offset("+"));
    CHECK_FALSE(parse_offset("-"));
    CHECK_FALSE(parse_offset("+2"));
    CHECK_FALSE(parse_offset("+2x"));
    CHECK_FALSE(parse_offset("+d"));
    CHECK_FALSE(parse_offset("--1d"));
    CHECK_FALSE(parse_offset("+2d3"));
    CHECK_FALSE(parse_offset("morgen"));
    CHECK_FALSE(parse_offset("+99999999999d"));
    CHECK_FALSE(parse_offset("+999999999w"));
    std::string huge = "+";
    for (int i = 0; i < 1000; ++i) {
        huge += "999999999w";
    }
    CHECK_FALSE(parse_offset(huge));
}

TEST_CASE("to_instant across daylight saving in Amsterdam", "[when][zone]") {
    const std::string_view amsterdam = "Europe/Amsterdam";

    const auto gap = to_instant(local(2026, 3, 29, 2, 30), amsterdam);
    REQUIRE(gap.has_value());
    CHECK(gap->kind == ZonedResult::Kind::nonexistent);
    CHECK(gap->instant == utc(2026, 3, 29, 1, 0));

    const auto repeat = to_instant(local(2026, 10, 25, 2, 30), amsterdam);
    REQUIRE(repeat.has_value());
    CHECK(repeat->kind == ZonedResult::Kind::ambiguous);
    CHECK(repeat->instant == utc(2026, 10, 25, 0, 30));

    const auto after_spring = to_instant(local(2026, 3, 29, 15, 30), amsterdam);
    REQUIRE(after_spring.has_value());
    CHECK(after_spring->kind == ZonedResult::Kind::unique);
    CHECK(after_spring->instant == utc(2026, 3, 29, 13, 30));

    const auto before_spring = to_instant(local(2026, 3, 28, 15, 30), amsterdam);
    REQUIRE(before_spring.has_value());
    CHECK(before_spring->kind == ZonedResult::Kind::unique);
    CHECK(before_spring->instant == utc(2026, 3, 28, 14, 30));

    const auto after_autumn = to_instant(local(2026, 10, 25, 15, 30), amsterdam);
    REQUIRE(after_autumn.has_value());
    CHECK(after_autumn->kind == ZonedResult::Kind::unique);
    CHECK(after_autumn->instant == utc(2026, 10, 25, 14, 30));

    // The edges of the gap and of the repeat.
    CHECK(to_instant(local(2026, 3, 29, 1, 59), amsterdam)->kind == ZonedResult::Kind::unique);
    CHECK(to_instant(local(2026, 3, 29, 2, 0), amsterdam)->kind == ZonedResult::Kind::nonexistent);
    CHECK(to_instant(local(2026, 3, 29, 3, 0), amsterdam)->instant == utc(2026, 3, 29, 1, 0));
    CHECK(to_instant(local(2026, 10, 25, 2, 0), amsterdam)->kind == ZonedResult::Kind::ambiguous);
    CHECK(to_instant(local(2026, 10, 25, 3, 0), amsterdam)->kind == ZonedResult::Kind::unique);
    CHECK(to_instant(local(2026, 10, 25, 3, 0), amsterdam)->instant == utc(2026, 10, 25, 2, 0));
}

TEST_CASE("to_instant in other zones", "[when][zone]") {
    const auto utc_result = to_instant(local(2026, 3, 29, 2, 30), "UTC");
    REQUIRE(utc_result.has_value());
    CHECK(utc_result->kind == ZonedResult::Kind::unique);
    CHECK(utc_result->instant == utc(2026, 3, 29, 2, 30));

    const auto new_york = to_instant(local(2026, 3, 8, 2, 30), "America/New_York");
    REQUIRE(new_york.has_value());
    CHECK(new_york->kind == ZonedResult::Kind::nonexistent);
    CHECK(new_york->instant == utc(2026, 3, 8, 7, 0));

    const auto kolkata = to_instant(local(2026, 6, 1, 12, 0), "Asia/Kolkata");
    REQUIRE(kolkata.has_value());
    CHECK(kolkata->instant == utc(2026, 6, 1, 6, 30));
}

TEST_CASE("to_local and round trips", "[when][zone]") {
    const std::string_view amsterdam = "Europe/Amsterdam";
    CHECK(to_local(utc(2026, 3, 29, 13, 30), amsterdam) == local(2026, 3, 29, 15, 30));
    CHECK(to_local(utc(2026, 3, 28, 14, 30), amsterdam) == local(2026, 3, 28, 15, 30));
    CHECK(to_local(utc(2026, 1, 15, 8, 0), amsterdam) == local(2026, 1, 15, 9, 0));
    CHECK(to_local(utc(2026, 7, 15, 8, 0), amsterdam) == local(2026, 7, 15, 10, 0));
    // The gap lands on 03:00; both passes of the repeated hour read 02:30.
    CHECK(to_local(utc(2026, 3, 29, 1, 0), amsterdam) == local(2026, 3, 29, 3, 0));
    CHECK(to_local(utc(2026, 10, 25, 0, 30), amsterdam) == local(2026, 10, 25, 2, 30));
    CHECK(to_local(utc(2026, 10, 25, 1, 30), amsterdam) == local(2026, 10, 25, 2, 30));

    const std::vector<LocalTime> wall_clock = {
        local(2026, 3, 28, 15, 30),  local(2026, 3, 29, 15, 30),  local(2026, 10, 24, 9, 0),
        local(2026, 10, 25, 15, 30), local(2026, 12, 31, 23, 59), local(2027, 6, 1, 0, 0),
        local(2026, 10, 25, 2, 30),  // ambiguous: the earlier instant still reads 02:30
    };
    for (const LocalTime time : wall_clock) {
        const auto instant = to_instant(time, amsterdam);
        REQUIRE(instant.has_value());
        CHECK(to_local(instant->instant, amsterdam) == time);
    }
    for (const char* zone : {"America/New_York", "Asia/Tokyo", "Australia/Sydney", "UTC"}) {
        const Instant instant = utc(2026, 4, 5, 16, 15);
        const auto wall = to_local(instant, zone);
        REQUIRE(wall.has_value());
        const auto back = to_instant(*wall, zone);
        REQUIRE(back.has_value());
        CHECK(back->instant == instant);
    }
}

TEST_CASE("unknown zones give nullopt", "[when][zone]") {
    CHECK_FALSE(to_instant(local(2026, 3, 12, 15, 30), "Europe/Atlantis"));
    CHECK_FALSE(to_instant(local(2026, 3, 12, 15, 30), ""));
    CHECK_FALSE(to_instant(local(2026, 3, 12, 15, 30), "../../../etc/passwd"));
    CHECK_FALSE(to_instant(local(2026, 3, 12, 15, 30), std::string(10000, 'x')));
    CHECK_FALSE(to_instant(local(2026, 3, 12, 15, 30), "europe/amsterdam"));
    CHECK_FALSE(to_local(utc(2026, 3, 12, 15, 30), "Europe/Atlantis"));
    CHECK_FALSE(to_local(utc(2026, 3, 12, 15, 30), std::string("Europe/Amsterdam\0x", 18)));
    CHECK(is_known_zone("Europe/Amsterdam"));
    CHECK(is_known_zone("America/New_York"));
    CHECK(is_known_zone("UTC"));
    CHECK_FALSE(is_known_zone("Europe/Atlantis"));
    CHECK_FALSE(is_known_zone(""));
    CHECK_FALSE(is_known_zone("\xFF\xFE"));
}

TEST_CASE("to_instant and to_local refuse times far outside any calendar", "[when][zone]") {
    CHECK_FALSE(to_instant(LocalTime::max(), "Europe/Amsterdam"));
    CHECK_FALSE(to_instant(LocalTime::min(), "Europe/Amsterdam"));
    CHECK_FALSE(to_local(Instant::max(), "Europe/Amsterdam"));
    CHECK_FALSE(to_local(Instant::min(), "Europe/Amsterdam"));
}

TEST_CASE("format_moment and format_day", "[when][format]") {
    CHECK(format_moment(local(2026, 3, 12, 15, 30), Lang::nl) == "do 12 mrt 2026 15:30");
    CHECK(format_moment(local(2026, 3, 12, 15, 30), Lang::en) == "Thu 12 Mar 2026 15:30");
    CHECK(format_moment(local(2026, 11, 1, 9, 5), Lang::nl) == "zo 1 nov 2026 09:05");
    CHECK(format_moment(local(2026, 11, 1, 9, 5), Lang::en) == "Sun 1 Nov 2026 09:05");
    CHECK(format_moment(local(2026, 5, 17, 0, 0), Lang::nl) == "zo 17 mei 2026 00:00");
    CHECK(format_moment(local(2026, 10, 6, 23, 59), Lang::nl) == "di 6 okt 2026 23:59");
    CHECK(format_moment(local(2026, 3, 12, 15, 30) + seconds{59}, Lang::nl) ==
          "do 12 mrt 2026 15:30");
    CHECK(format_day(ymd(2026, 3, 12), Lang::nl) == "donderdag 12 maart 2026");
    CHECK(format_day(ymd(2026, 3, 12), Lang::en) == "Thursday 12 March 2026");
    CHECK(format_day(ymd(2026, 12, 2), Lang::nl) == "woensdag 2 december 2026");
    CHECK(format_day(ymd(2026, 12, 2), Lang::en) == "Wednesday 2 December 2026");
}

TEST_CASE("format names every weekday and month", "[when][format]") {
    const std::vector<std::string> nl_long = {"maandag", "dinsdag",  "woensdag", "donderdag",
                                              "vrijdag", "zaterdag", "zondag"};
    const std::vector<std::string> en_long = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                              "Friday", "Saturday", "Sunday"};
    const std::vector<std::string> nl_short = {"ma", "di", "wo", "do", "vr", "za", "zo"};
    const std::vector<std::string> en_short = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    for (unsigned i = 0; i < 7; ++i) {
        const unsigned d = 9 + i;  // Monday 9 March 2026 .. Sunday 15 March 2026
        const std::string day = std::to_string(d);
        CHECK(format_day(ymd(2026, 3, d), Lang::nl) == nl_long[i] + " " + day + " maart 2026");
        CHECK(format_day(ymd(2026, 3, d), Lang::en) == en_long[i] + " " + day + " March 2026");
        CHECK(format_moment(local(2026, 3, d, 8, 0), Lang::nl) ==
              nl_short[i] + " " + day + " mrt 2026 08:00");
        CHECK(format_moment(local(2026, 3, d, 8, 0), Lang::en) ==
              en_short[i] + " " + day + " Mar 2026 08:00");
    }
    const std::vector<std::string> nl_months = {"januari",   "februari", "maart",    "april",
                                                "mei",       "juni",     "juli",     "augustus",
                                                "september", "oktober",  "november", "december"};
    const std::vector<std::string> nl_short_months = {"jan", "feb", "mrt", "apr", "mei", "jun",
                                                      "jul", "aug", "sep", "okt", "nov", "dec"};
    const std::vector<std::string> en_months = {"January",   "February", "March",    "April",
                                                "May",       "June",     "July",     "August",
                                                "September", "October",  "November", "December"};
    const std::vector<std::string> en_short_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    for (unsigned m = 1; m <= 12; ++m) {
        const LocalDay first = ymd(2026, m, 1);
        const std::string nl = format_day(first, Lang::nl);
        const std::string en = format_day(first, Lang::en);
        CHECK(nl.substr(nl.find(' ') + 1) == "1 " + nl_months[m - 1] + " 2026");
        CHECK(en.substr(en.find(' ') + 1) == "1 " + en_months[m - 1] + " 2026");
        const std::string nl_moment = format_moment(LocalTime{first}, Lang::nl);
        const std::string en_moment = format_moment(LocalTime{first}, Lang::en);
        CHECK(nl_moment.substr(nl_moment.find(' ') + 1) ==
              "1 " + nl_short_months[m - 1] + " 2026 00:00");
        CHECK(en_moment.substr(en_moment.find(' ') + 1) ==
              "1 " + en_short_months[m - 1] + " 2026 00:00");
    }
}

TEST_CASE("format_time_of_day", "[when][format]") {
    CHECK(format_time_of_day(minutes{15 * 60 + 30}) == "15:30");
    CHECK(format_time_of_day(minutes{0}) == "00:00");
    CHECK(format_time_of_day(minutes{5}) == "00:05");
    CHECK(format_time_of_day(minutes{9 * 60}) == "09:00");
    CHECK(format_time_of_day(minutes{23 * 60 + 59}) == "23:59");
}

TEST_CASE("school years", "[when][school]") {
    CHECK(school_year_of(ymd(2026, 8, 1)) == 2026);
    CHECK(school_year_of(ymd(2026, 12, 2)) == 2026);
    CHECK(school_year_of(ymd(2027, 7, 31)) == 2026);
    CHECK(school_year_of(ymd(2027, 8, 1)) == 2027);
    CHECK(school_year_of(ymd(2026, 7, 31)) == 2025);
    CHECK(school_year_of(ymd(2027, 1, 1)) == 2026);
    CHECK(school_year_label(2026) == "2026-2027");
    CHECK(school_year_label(1999) == "1999-2000");

    CHECK(parse_school_year("2026-2027") == 2026);
    CHECK(parse_school_year("2026/2027") == 2026);
    CHECK(parse_school_year("2026/27") == 2026);
    CHECK(parse_school_year("2026-27") == 2026);
    CHECK(parse_school_year("26-27") == 2026);
    CHECK(parse_school_year(" 2026 - 2027 ") == 2026);
    CHECK(parse_school_year("2099/00") == 2099);
    CHECK(parse_school_year(school_year_label(2031)) == 2031);
    CHECK_FALSE(parse_school_year("2026-2028"));
    CHECK_FALSE(parse_school_year("2027-2026"));
    CHECK_FALSE(parse_school_year("2026-2026"));
    CHECK_FALSE(parse_school_year("2026/28"));
    CHECK_FALSE(parse_school_year("26-28"));
    CHECK_FALSE(parse_school_year("26-2027"));
    CHECK_FALSE(parse_school_year("2026"));
    CHECK_FALSE(parse_school_year(""));
    CHECK_FALSE(parse_school_year("abc-def"));
    CHECK_FALSE(parse_school_year("2026-2027-2028"));
    CHECK_FALSE(parse_school_year("202-203"));
    CHECK_FALSE(parse_school_year("-"));
    CHECK_FALSE(parse_school_year(std::string(10000, '2') + "-" + std::string(10000, '3')));
}

TEST_CASE("ISO week helpers", "[when][week]") {
    CHECK(iso_week_of(ymd(2026, 12, 2)) == std::pair<int, unsigned>{2026, 49});
    CHECK(iso_week_of(ymd(2026, 3, 12)) == std::pair<int, unsigned>{2026, 11});
    CHECK(iso_week_of(ymd(2027, 1, 1)) == std::pair<int, unsigned>{2026, 53});
    CHECK(iso_week_of(ymd(2026, 1, 1)) == std::pair<int, unsigned>{2026, 1});
    CHECK(iso_week_of(ymd(2024, 12, 30)) == std::pair<int, unsigned>{2025, 1});
    CHECK(iso_week_of(ymd(2027, 3, 15)) == std::pair<int, unsigned>{2027, 11});

    CHECK(monday_of_iso_week(2027, 11) == ymd(2027, 3, 15));
    CHECK(monday_of_iso_week(2026, 11) == ymd(2026, 3, 9));
    CHECK(monday_of_iso_week(2026, 1) == ymd(2025, 12, 29));
    CHECK(monday_of_iso_week(2026, 53) == ymd(2026, 12, 28));
    CHECK(monday_of_iso_week(2032, 53) == ymd(2032, 12, 27));
    CHECK_FALSE(monday_of_iso_week(2027, 53));
    CHECK_FALSE(monday_of_iso_week(2026, 0));
    CHECK_FALSE(monday_of_iso_week(2026, 54));
    CHECK_FALSE(monday_of_iso_week(2026, 4000000000u));
    CHECK_FALSE(monday_of_iso_week(-2000000000, 10));
    for (unsigned week = 1; week <= 53; ++week) {
        const auto monday = monday_of_iso_week(2026, week);
        REQUIRE(monday.has_value());
        CHECK(iso_week_of(*monday) == std::pair<int, unsigned>{2026, week});
        CHECK(date::weekday{*monday} == date::Monday);
    }

    CHECK(iso_year_for_school_week(2026, 31) == 2026);
    CHECK(iso_year_for_school_week(2026, 36) == 2026);
    CHECK(iso_year_for_school_week(2026, 53) == 2026);
    CHECK(iso_year_for_school_week(2026, 1) == 2027);
    CHECK(iso_year_for_school_week(2026, 30) == 2027);
}

TEST_CASE("parse_when reads the Dutch clock: half vier, kwart over, kwart voor, vier uur",
          "[when][parse][clock]") {
    const auto january = ymd(2026, 1, 10);  // 10 March 2026 is a Tuesday
    check_moment("di 10-3 om half vier", local(2026, 3, 10, 15, 30), january);
    check_moment("dinsdag 10 maart om half vier", local(2026, 3, 10, 15, 30), january);
    check_moment("10 maart half vier", local(2026, 3, 10, 15, 30), january);
    check_moment("10 maart om kwart over vier", local(2026, 3, 10, 16, 15), january);
    check_moment("10 maart kwart voor vier", local(2026, 3, 10, 15, 45), january);
    check_moment("10 maart vier uur", local(2026, 3, 10, 16, 0), january);
    check_moment("10 maart half 4", local(2026, 3, 10, 15, 30), january);
    check_moment("10 maart half negen", local(2026, 3, 10, 8, 30), january);
    check_moment("10 maart half acht 's avonds", local(2026, 3, 10, 19, 30), january);
    check_moment("10 maart half een", local(2026, 3, 10, 12, 30), january);
    // "half" alone, or with a number that is no hour, is no time.
    CHECK(error_of("10 maart half") == WhenError::not_understood);
    CHECK(error_of("10 maart half dertien") == WhenError::not_understood);
}

TEST_CASE("parse_when says when the weekday does not fit the date, and reads gisteren",
          "[when][parse]") {
    WhenError error = WhenError::not_understood;
    LocalDay written{};
    CHECK_FALSE(parse_when("wo 9 februari 15:30", kToday, &error, &written));
    CHECK(error == WhenError::wrong_weekday);
    CHECK(written == ymd(2027, 2, 9));
    CHECK(format_day(written, Lang::nl) == "dinsdag 9 februari 2027");
    check_moment("gisteren 15:30", local(2026, 12, 1, 15, 30));
    check_day("gisteren", ymd(2026, 12, 1));
}
