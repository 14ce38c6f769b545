// Reading a Dutch (or English) date/time phrase into its pieces: a time ("half vier", "15:30",
// "3pm"), a day ("morgen", "volgende week dinsdag", "12 maart", "week 11"). Ranges and the
// calendar are checked when the pieces are resolved (when_parse.cpp).
#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <date/iso_week.h>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"
#include "bot/vocab/when_detail.hpp"

namespace leernetwerk::when_detail {

namespace {

using std::chrono::days;
using std::chrono::minutes;

struct Name {
    std::string_view name;
    int value;
};

constexpr Name kMonthNames[] = {
    {"januari", 1},   {"jan", 1},      {"january", 1},   {"februari", 2},  {"feb", 2},
    {"february", 2},  {"maart", 3},    {"mrt", 3},       {"mar", 3},       {"march", 3},
    {"april", 4},     {"apr", 4},      {"mei", 5},       {"may", 5},       {"juni", 6},
    {"jun", 6},       {"june", 6},     {"juli", 7},      {"jul", 7},       {"july", 7},
    {"augustus", 8},  {"aug", 8},      {"august", 8},    {"september", 9}, {"sep", 9},
    {"sept", 9},      {"oktober", 10}, {"okt", 10},      {"october", 10},  {"oct", 10},
    {"november", 11}, {"nov", 11},     {"december", 12}, {"dec", 12},
};

// Weekdays as 0 = Monday .. 6 = Sunday (ISO order).
constexpr Name kWeekdayNames[] = {
    {"maandag", 0},  {"ma", 0},        {"monday", 0}, {"mon", 0},       {"dinsdag", 1},
    {"di", 1},       {"tuesday", 1},   {"tue", 1},    {"tues", 1},      {"woensdag", 2},
    {"wo", 2},       {"wednesday", 2}, {"wed", 2},    {"donderdag", 3}, {"do", 3},
    {"thursday", 3}, {"thu", 3},       {"thur", 3},   {"thurs", 3},     {"vrijdag", 4},
    {"vr", 4},       {"friday", 4},    {"fri", 4},    {"zaterdag", 5},  {"za", 5},
    {"saturday", 5}, {"sat", 5},       {"zondag", 6}, {"zo", 6},        {"sunday", 6},
    {"sun", 6},
};

}  // namespace

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// A run of `min_digits`..`max_digits` ASCII digits (at most 9, so it always fits in an int).
std::optional<int> parse_number(std::string_view s, std::size_t min_digits,
                                std::size_t max_digits) {
    if (s.size() < min_digits || s.size() > max_digits || s.size() > 9 || !all_digits(s)) {
        return std::nullopt;
    }
    int value = 0;
    for (const char c : s) {
        value = value * 10 + (c - '0');
    }
    return value;
}

namespace {

std::optional<int> lookup(std::span<const Name> names, std::string_view word) {
    if (word.size() > 1 && word.back() == '.') {
        word.remove_suffix(1);  // "mrt.", "di."
    }
    for (const Name& entry : names) {
        if (entry.name == word) {
            return entry.value;
        }
    }
    return std::nullopt;
}

std::optional<int> month_of(std::string_view word) {
    return lookup(kMonthNames, word);
}
std::optional<int> weekday_of(std::string_view word) {
    return lookup(kWeekdayNames, word);
}

bool is_any(std::string_view word, std::string_view a, std::string_view b) {
    return word == a || word == b;
}

}  // namespace

int weekday_index(LocalDay day) {
    return static_cast<int>(date::weekday{day}.iso_encoding()) - 1;
}

unsigned max_day_in_month(int month) {
    constexpr std::array<unsigned, 12> kMaxDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return kMaxDays[static_cast<std::size_t>(month - 1)];
}

namespace {

// ---- times -----------------------------------------------------------------------------------

std::optional<Meridiem> meridiem_of(std::string_view word) {
    if (word == "am" || word == "a.m.") {
        return Meridiem::am;
    }
    if (word == "pm" || word == "p.m.") {
        return Meridiem::pm;
    }
    return std::nullopt;
}

// "15:30", "15.30", "15u30", "9u", "9 uur", "15:30 uur", "3pm", "3 pm", "3:30pm", "3:30 p.m.",
// optionally after "om" / "at". Only the shape is checked here; ranges are checked later.
/// An hour on the clock face as a word or a number: "vier", "4" → 4; 1..12 only.
std::optional<int> clock_hour(std::string_view word) {
    static constexpr Name kHours[] = {{"een", 1},  {"twee", 2},  {"drie", 3},   {"vier", 4},
                                      {"vijf", 5}, {"zes", 6},   {"zeven", 7},  {"acht", 8},
                                      {"negen", 9}, {"tien", 10}, {"elf", 11},  {"twaalf", 12}};
    if (const auto named = lookup(kHours, word)) {
        return named;
    }
    if (!word.empty() && word.size() <= 2 && all_digits(word)) {
        const auto number = *parse_number(word, 1, 2);
        if (number >= 1 && number <= 12) {
            return number;
        }
    }
    return std::nullopt;
}

/// Dutch clock phrases: "half vier", "kwart over vier", "kwart voor vier", "vier uur" (also with
/// digits: "half 4"). Judgement call, as a school would mean them: 1 to 6 o'clock is the
/// afternoon, 7 to 12 the morning, unless "'s avonds", "'s middags" or "'s ochtends" follows.
std::optional<Match<RawTime>> parse_clock_phrase(const Tokens& tokens, std::size_t pos) {
    std::size_t p = pos;
    int hour = 0;
    int minute = 0;
    const auto word = [&](std::size_t i) {
        return i < tokens.size() ? std::string_view(tokens[i]) : std::string_view();
    };
    if (word(p) == "half" && clock_hour(word(p + 1))) {
        hour = *clock_hour(word(p + 1)) - 1;
        minute = 30;
        p += 2;
    } else if (word(p) == "kwart" && (word(p + 1) == "over" || word(p + 1) == "voor") &&
               clock_hour(word(p + 2))) {
        const bool over = word(p + 1) == "over";
        hour = *clock_hour(word(p + 2)) - (over ? 0 : 1);
        minute = over ? 15 : 45;
        p += 3;
    } else if (clock_hour(word(p)) && !all_digits(word(p)) && word(p + 1) == "uur") {
        hour = *clock_hour(word(p));
        p += 2;
    } else {
        return std::nullopt;
    }
    if (hour == 0) {
        hour = 12;  // "half een": 12:30
    }
    bool evening = hour <= 6;
    const auto part = word(p) == "s" || word(p) == "'s" ? word(p + 1) : std::string_view();
    if (part == "avonds" || part == "middags") {
        evening = hour != 12;
        p += 2;
    } else if (part == "ochtends" || part == "morgens") {
        evening = false;
        p += 2;
    }
    RawTime time;
    time.hour = evening && hour < 12 ? hour + 12 : hour;
    time.minute = minute;
    return Match<RawTime>{time, p - pos};
}

}  // namespace

std::optional<Match<RawTime>> parse_time(const Tokens& tokens, std::size_t pos) {
    std::size_t p = pos;
    if (p < tokens.size() && is_any(tokens[p], "om", "at")) {
        ++p;
    }
    if (p >= tokens.size()) {
        return std::nullopt;
    }
    if (const auto phrase = parse_clock_phrase(tokens, p)) {
        return Match<RawTime>{phrase->value, p + phrase->used - pos};
    }
    std::string_view token = tokens[p];
    RawTime time;
    for (const std::string_view suffix : {"a.m.", "p.m.", "am", "pm"}) {
        if (token.size() > suffix.size() && token.ends_with(suffix)) {
            time.meridiem = *meridiem_of(suffix);
            token.remove_suffix(suffix.size());
            break;
        }
    }
    std::size_t digits = 0;
    while (digits < token.size() && is_digit(token[digits])) {
        ++digits;
    }
    if (digits == 0 || digits > 2) {
        return std::nullopt;
    }
    time.hour = *parse_number(token.substr(0, digits), 1, 2);
    token.remove_prefix(digits);

    enum class Form { bare, separated, u_only, u_minutes };
    Form form = Form::bare;
    if (token.empty()) {
        form = Form::bare;
    } else if (token.size() == 3 && (token[0] == ':' || token[0] == '.' || token[0] == 'u') &&
               is_digit(token[1]) && is_digit(token[2])) {
        time.minute = *parse_number(token.substr(1), 2, 2);
        form = token[0] == 'u' ? Form::u_minutes : Form::separated;
    } else if (token == "u") {
        form = Form::u_only;
    } else {
        return std::nullopt;
    }
    if (time.meridiem != Meridiem::none && (form == Form::u_only || form == Form::u_minutes)) {
        return std::nullopt;
    }
    ++p;

    bool has_uur = false;
    if (time.meridiem == Meridiem::none && (form == Form::bare || form == Form::separated) &&
        p < tokens.size()) {
        if (const auto meridiem = meridiem_of(tokens[p])) {
            time.meridiem = *meridiem;
            ++p;
        } else if (is_any(tokens[p], "uur", "u")) {
            has_uur = true;
            ++p;
        }
    }
    if (form == Form::bare && time.meridiem == Meridiem::none && !has_uur) {
        return std::nullopt;  // a bare number is not a time: "om 9" could be 9:00 or 21:00
    }
    return Match<RawTime>{time, p - pos};
}

std::optional<minutes> resolve_time(const RawTime& time) {
    if (time.minute < 0 || time.minute > 59) {
        return std::nullopt;
    }
    int hour = time.hour;
    if (time.meridiem == Meridiem::none) {
        if (hour < 0 || hour > 23) {
            return std::nullopt;
        }
    } else {
        if (hour < 1 || hour > 12) {
            return std::nullopt;
        }
        hour %= 12;
        if (time.meridiem == Meridiem::pm) {
            hour += 12;
        }
    }
    return minutes{hour * 60 + time.minute};
}

// ---- days ------------------------------------------------------------------------------------

// "12-3", "12-3-2026", "12/3/2026", "12.3.2026", "2026-03-12", "2026/3/12".
std::optional<RawDate> parse_numeric_date(std::string_view token) {
    if (token.size() > 10) {
        return std::nullopt;
    }
    char separator = 0;
    for (const char c : token) {
        if (is_digit(c)) {
            continue;
        }
        if (c != '-' && c != '/' && c != '.') {
            return std::nullopt;
        }
        if (separator != 0 && c != separator) {
            return std::nullopt;
        }
        separator = c;
    }
    if (separator == 0) {
        return std::nullopt;
    }
    std::array<std::string_view, 3> parts{};
    std::size_t count = 0;
    std::size_t start = 0;
    while (true) {
        const std::size_t at = token.find(separator, start);
        if (count == parts.size()) {
            return std::nullopt;
        }
        if (at == std::string_view::npos) {
            parts[count++] = token.substr(start);
            break;
        }
        parts[count++] = token.substr(start, at - start);
        start = at + 1;
    }
    RawDate parsed;
    if (count == 2) {
        if (separator == '.') {
            return std::nullopt;  // "15.30" is a time
        }
        const auto day = parse_number(parts[0], 1, 2);
        const auto month = parse_number(parts[1], 1, 2);
        if (!day || !month) {
            return std::nullopt;
        }
        parsed.day = *day;
        parsed.month = *month;
        return parsed;
    }
    if (parts[0].size() == 4) {
        if (separator == '.') {
            return std::nullopt;
        }
        const auto year = parse_number(parts[0], 4, 4);
        const auto month = parse_number(parts[1], 1, 2);
        const auto day = parse_number(parts[2], 1, 2);
        if (!year || !month || !day) {
            return std::nullopt;
        }
        parsed.year = *year;
        parsed.month = *month;
        parsed.day = *day;
        parsed.year_first = true;
        return parsed;
    }
    const auto day = parse_number(parts[0], 1, 2);
    const auto month = parse_number(parts[1], 1, 2);
    const auto year = parse_number(parts[2], 4, 4);  // two-digit years are never guessed
    if (!day || !month || !year) {
        return std::nullopt;
    }
    parsed.day = *day;
    parsed.month = *month;
    parsed.year = *year;
    return parsed;
}

namespace {

std::optional<int> parse_year_token(const Tokens& tokens, std::size_t pos) {
    if (pos >= tokens.size()) {
        return std::nullopt;
    }
    return parse_number(tokens[pos], 4, 4);
}

// A day of the month: "12", and in English also "12th", "1st", "march 12," before a year.
std::optional<int> parse_day_number(std::string_view token, bool allow_comma) {
    if (allow_comma && token.size() > 1 && token.back() == ',') {
        token.remove_suffix(1);
    }
    if (token.size() > 2 && !is_digit(token.back())) {
        const std::string_view suffix = token.substr(token.size() - 2);
        const auto number = parse_number(token.substr(0, token.size() - 2), 1, 2);
        if (!number) {
            return std::nullopt;
        }
        const int tens = *number / 10 % 10;
        const int ones = *number % 10;
        std::string_view expected = "th";
        if (tens != 1 && ones == 1) {
            expected = "st";
        } else if (tens != 1 && ones == 2) {
            expected = "nd";
        } else if (tens != 1 && ones == 3) {
            expected = "rd";
        }
        return suffix == expected ? number : std::nullopt;
    }
    return parse_number(token, 1, 2);
}

// A calendar date: numeric, "12 maart [2027]" or "march 12 [2027]".
std::optional<Match<RawDate>> parse_date(const Tokens& tokens, std::size_t pos) {
    if (pos >= tokens.size()) {
        return std::nullopt;
    }
    const std::string_view token = tokens[pos];
    if (const auto numeric = parse_numeric_date(token)) {
        return Match<RawDate>{*numeric, 1};
    }
    if (pos + 1 >= tokens.size()) {
        return std::nullopt;
    }
    RawDate parsed;
    if (const auto day = parse_day_number(token, false)) {
        const auto month = month_of(tokens[pos + 1]);
        if (!month) {
            return std::nullopt;
        }
        parsed.day = *day;
        parsed.month = *month;
    } else if (const auto month = month_of(token)) {
        const auto day_of_month = parse_day_number(tokens[pos + 1], true);
        if (!day_of_month) {
            return std::nullopt;
        }
        parsed.day = *day_of_month;
        parsed.month = *month;
    } else {
        return std::nullopt;
    }
    parsed.year = parse_year_token(tokens, pos + 2);
    return Match<RawDate>{parsed, parsed.year ? 3u : 2u};
}
// "week 11", "week 11 2027".
std::optional<Match<RawWeek>> parse_week(const Tokens& tokens, std::size_t pos) {
    if (pos + 1 >= tokens.size() || tokens[pos] != "week") {
        return std::nullopt;
    }
    const auto week = parse_number(tokens[pos + 1], 1, 2);
    if (!week) {
        return std::nullopt;
    }
    RawWeek raw{*week, parse_year_token(tokens, pos + 2)};
    return Match<RawWeek>{raw, raw.year ? 3u : 2u};
}
bool tokens_are(const Tokens& tokens, std::size_t pos,
                std::initializer_list<std::string_view> seq) {
    if (pos + seq.size() > tokens.size()) {
        return false;
    }
    for (const std::string_view word : seq) {
        if (tokens[pos++] != word) {
            return false;
        }
    }
    return true;
}

}  // namespace

std::optional<Match<RawDay>> parse_day(const Tokens& tokens, std::size_t pos) {
    if (pos >= tokens.size()) {
        return std::nullopt;
    }
    const std::string_view token = tokens[pos];
    RawDay raw;
    const auto relative = [&raw](int offset, std::size_t used) {
        raw.form = RawDay::Form::relative;
        raw.offset = offset;
        return Match<RawDay>{raw, used};
    };
    if (is_any(token, "vandaag", "today")) {
        return relative(0, 1);
    }
    if (is_any(token, "morgen", "tomorrow")) {
        return relative(1, 1);
    }
    if (is_any(token, "gisteren", "yesterday")) {
        return relative(-1, 1);  // in the past: the caller says so
    }
    if (token == "eergisteren") {
        return relative(-2, 1);
    }
    if (token == "overmorgen") {
        return relative(2, 1);
    }
    if (tokens_are(tokens, pos, {"day", "after", "tomorrow"})) {
        return relative(2, 3);
    }
    if (tokens_are(tokens, pos, {"the", "day", "after", "tomorrow"})) {
        return relative(2, 4);
    }

    if (is_any(token, "volgende", "next")) {
        if (pos + 1 < tokens.size() && tokens[pos + 1] == "week") {
            if (pos + 2 < tokens.size()) {
                if (const auto weekday = weekday_of(tokens[pos + 2])) {
                    raw.form = RawDay::Form::weekday_next_week;
                    raw.weekday = *weekday;
                    return Match<RawDay>{raw, 3};
                }
            }
            raw.form = RawDay::Form::next_week;
            return Match<RawDay>{raw, 2};
        }
        if (pos + 1 < tokens.size()) {
            if (const auto weekday = weekday_of(tokens[pos + 1])) {
                raw.form = RawDay::Form::next_weekday;
                raw.weekday = *weekday;
                return Match<RawDay>{raw, 2};
            }
        }
        return std::nullopt;
    }

    if (const auto weekday = weekday_of(token)) {
        raw.weekday = *weekday;
        if (pos + 2 < tokens.size() && is_any(tokens[pos + 1], "volgende", "next") &&
            tokens[pos + 2] == "week") {
            raw.form = RawDay::Form::weekday_next_week;
            return Match<RawDay>{raw, 3};
        }
        if (const auto week = parse_week(tokens, pos + 1)) {
            raw.form = RawDay::Form::week;
            raw.week = week->value;
            return Match<RawDay>{raw, 1 + week->used};
        }
        if (const auto found = parse_date(tokens, pos + 1)) {
            raw.form = RawDay::Form::date;
            raw.calendar = found->value;
            return Match<RawDay>{raw, 1 + found->used};
        }
        raw.form = RawDay::Form::weekday;
        return Match<RawDay>{raw, 1};
    }

    if (const auto week = parse_week(tokens, pos)) {
        raw.form = RawDay::Form::week;
        raw.week = week->value;
        std::size_t used = week->used;
        if (pos + used < tokens.size()) {
            if (const auto weekday = weekday_of(tokens[pos + used])) {
                raw.weekday = *weekday;
                ++used;
            }
        }
        return Match<RawDay>{raw, used};
    }

    if (const auto found = parse_date(tokens, pos)) {
        raw.form = RawDay::Form::date;
        raw.calendar = found->value;
        return Match<RawDay>{raw, found->used};
    }
    return std::nullopt;
}

}  // namespace leernetwerk::when_detail
