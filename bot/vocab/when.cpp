#include "bot/vocab/when.hpp"

#include <array>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <date/iso_week.h>
#include <date/tz.h>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk {

namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;

// A date text is a handful of words; anything longer is not a date and is rejected before parsing.
constexpr std::size_t kMaxTokens = 16;
// How many years ahead a day without a year may land (29 February can be eight years away).
constexpr int kMaxYearsAhead = 8;
// How many ISO years ahead "week N" may land (week 53 recurs at least every seven years).
constexpr int kMaxIsoYearsAhead = 7;
constexpr std::int64_t kSecondsPerDay = std::int64_t{24} * 3600;
constexpr std::int64_t kSecondsPerWeek = 7 * kSecondsPerDay;
// Offsets for the console clock are capped so that no date arithmetic can overflow.
constexpr std::int64_t kMaxOffsetSeconds = kSecondsPerDay * 366 * 100;
// Zone names in the tz database are short; longer text is not looked up at all.
constexpr std::size_t kMaxZoneNameLength = 64;

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

constexpr std::array<std::string_view, 7> kNlWeekdayShort = {"ma", "di", "wo", "do",
                                                             "vr", "za", "zo"};
constexpr std::array<std::string_view, 7> kNlWeekdayLong = {
    "maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"};
constexpr std::array<std::string_view, 7> kEnWeekdayShort = {"Mon", "Tue", "Wed", "Thu",
                                                             "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> kEnWeekdayLong = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
constexpr std::array<std::string_view, 12> kNlMonthShort = {
    "jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"};
constexpr std::array<std::string_view, 12> kNlMonthLong = {
    "januari", "februari", "maart",     "april",   "mei",      "juni",
    "juli",    "augustus", "september", "oktober", "november", "december"};
constexpr std::array<std::string_view, 12> kEnMonthShort = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 12> kEnMonthLong = {
    "January", "February", "March",     "April",   "May",      "June",
    "July",    "August",   "September", "October", "November", "December"};

using Tokens = std::vector<std::string>;

template <class T>
struct Match {
    T value;
    std::size_t used = 0;  // tokens consumed
};

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

int weekday_index(LocalDay day) {
    return static_cast<int>(date::weekday{day}.iso_encoding()) - 1;
}

unsigned max_day_in_month(int month) {
    constexpr std::array<unsigned, 12> kMaxDays = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return kMaxDays[static_cast<std::size_t>(month - 1)];
}

// ---- times -----------------------------------------------------------------------------------

enum class Meridiem { none, am, pm };

struct RawTime {
    int hour = 0;
    int minute = 0;
    Meridiem meridiem = Meridiem::none;
};

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

struct RawDate {
    int day = 0;
    int month = 0;
    std::optional<int> year;
    bool year_first = false;  // written as an ISO date "2026-03-12"
};

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

struct RawWeek {
    int week = 0;
    std::optional<int> year;
};

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

struct RawDay {
    enum class Form {
        relative,           // "vandaag", "morgen", "overmorgen"
        weekday,            // "dinsdag": on or after today
        next_weekday,       // "volgende dinsdag": after today
        weekday_next_week,  // "volgende week dinsdag": in the next ISO week
        next_week,          // "volgende week": the next ISO week itself
        week,               // "week 11 [2027]", with an optional weekday
        date,               // a calendar date, with an optional weekday that must match
    };
    Form form = Form::relative;
    int offset = 0;
    int weekday = -1;  // 0 = Monday; -1 = none
    RawWeek week;
    RawDate calendar;
};

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

struct ResolvedDay {
    When::Kind kind = When::Kind::day;
    LocalDay day{};
    int iso_year = 0;
    unsigned iso_week = 0;
};

LocalDay monday_of(LocalDay day) {
    return day - days{weekday_index(day)};
}

std::optional<LocalDay> resolve_date(const RawDate& raw, LocalDay today) {
    if (raw.month < 1 || raw.month > 12 || raw.day < 1) {
        return std::nullopt;
    }
    const date::month month{static_cast<unsigned>(raw.month)};
    const date::day day{static_cast<unsigned>(raw.day)};
    if (raw.year) {
        const date::year_month_day ymd{date::year{*raw.year}, month, day};
        if (*raw.year < 1 || !ymd.ok()) {
            return std::nullopt;
        }
        return LocalDay{ymd};
    }
    if (static_cast<unsigned>(raw.day) > max_day_in_month(raw.month)) {
        return std::nullopt;
    }
    const date::year this_year = date::year_month_day{today}.year();
    for (int ahead = 0; ahead <= kMaxYearsAhead; ++ahead) {
        const date::year_month_day ymd{this_year + date::years{ahead}, month, day};
        if (ymd.ok() && LocalDay{ymd} >= today) {
            return LocalDay{ymd};
        }
    }
    return std::nullopt;
}

std::optional<ResolvedDay> resolve_week(const RawWeek& raw, int weekday, LocalDay today) {
    if (raw.week < 1 || raw.week > 53) {
        return std::nullopt;
    }
    const auto week = static_cast<unsigned>(raw.week);
    ResolvedDay resolved;
    if (raw.year) {
        const auto monday = monday_of_iso_week(*raw.year, week);
        if (!monday) {
            return std::nullopt;
        }
        resolved.day = *monday;
        resolved.iso_year = *raw.year;
    } else {
        const LocalDay this_monday = monday_of(today);
        const int this_iso_year = iso_week_of(today).first;
        bool found = false;
        for (int ahead = 0; ahead <= kMaxIsoYearsAhead && !found; ++ahead) {
            const auto monday = monday_of_iso_week(this_iso_year + ahead, week);
            if (monday && *monday >= this_monday) {
                resolved.day = *monday;
                resolved.iso_year = this_iso_year + ahead;
                found = true;
            }
        }
        if (!found) {
            return std::nullopt;
        }
    }
    if (weekday >= 0) {
        resolved.kind = When::Kind::day;
        resolved.day += days{weekday};
        resolved.iso_year = 0;
    } else {
        resolved.kind = When::Kind::week;
        resolved.iso_week = week;
    }
    return resolved;
}

// nullopt: the day does not exist.
std::optional<ResolvedDay> resolve_day(const RawDay& raw, LocalDay today) {
    ResolvedDay resolved;
    const int today_index = weekday_index(today);
    switch (raw.form) {
        case RawDay::Form::relative:
            resolved.day = today + days{raw.offset};
            return resolved;
        case RawDay::Form::weekday:
            resolved.day = today + days{(raw.weekday - today_index + 7) % 7};
            return resolved;
        case RawDay::Form::next_weekday: {
            const int ahead = (raw.weekday - today_index + 7) % 7;
            resolved.day = today + days{ahead == 0 ? 7 : ahead};
            return resolved;
        }
        case RawDay::Form::weekday_next_week:
            resolved.day = monday_of(today) + days{7 + raw.weekday};
            return resolved;
        case RawDay::Form::next_week: {
            resolved.kind = When::Kind::week;
            resolved.day = monday_of(today) + days{7};
            const auto [iso_year, iso_week] = iso_week_of(resolved.day);
            resolved.iso_year = iso_year;
            resolved.iso_week = iso_week;
            return resolved;
        }
        case RawDay::Form::week:
            return resolve_week(raw.week, raw.weekday, today);
        case RawDay::Form::date: {
            const auto day = resolve_date(raw.calendar, today);
            if (!day || (raw.weekday >= 0 && weekday_index(*day) != raw.weekday)) {
                return std::nullopt;  // does not exist, or the weekday contradicts the date
            }
            resolved.day = *day;
            return resolved;
        }
    }
    return std::nullopt;
}

// Folded words, with an ISO "2026-03-12t15:30" split into its date and its time.
Tokens tokenize(std::string_view text) {
    Tokens tokens = words(fold(text));
    if (tokens.size() > kMaxTokens) {
        return tokens;
    }
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const std::size_t t = tokens[i].find('t');
        if (t == std::string::npos || t + 1 >= tokens[i].size()) {
            continue;
        }
        const auto iso_date = parse_numeric_date(std::string_view{tokens[i]}.substr(0, t));
        if (iso_date && iso_date->year_first) {
            std::string time = tokens[i].substr(t + 1);
            tokens[i].resize(t);
            tokens.insert(tokens.begin() + static_cast<std::ptrdiff_t>(i) + 1, std::move(time));
            ++i;
        }
    }
    return tokens;
}

// ---- zones -----------------------------------------------------------------------------------

const date::time_zone* find_zone(std::string_view zone) {
    if (zone.empty() || zone.size() > kMaxZoneNameLength) {
        return nullptr;
    }
    try {
        return date::locate_zone(std::string{zone});
    } catch (...) {
        return nullptr;
    }
}

// Years 1..9999: far beyond any meeting, and safely inside what the date library can compute.
constexpr LocalTime kFirstLocal{LocalDay{date::year{1} / 1 / 1}};
constexpr LocalTime kEndLocal{LocalDay{date::year{10000} / 1 / 1}};
constexpr Instant kFirstInstant{date::sys_days{date::year{1} / 1 / 2}};
constexpr Instant kEndInstant{date::sys_days{date::year{9999} / 12 / 31}};

void append_number(std::string& out, long long value, int width) {
    std::string digits = std::to_string(value < 0 ? -value : value);
    if (value < 0) {
        out.push_back('-');
    }
    for (int i = static_cast<int>(digits.size()); i < width; ++i) {
        out.push_back('0');
    }
    out += digits;
}

// "12 mrt 2026" / "12 maart 2026" and friends.
void append_day_month_year(std::string& out, LocalDay day, bool long_month, Lang lang) {
    const date::year_month_day ymd{day};
    const auto month_index = static_cast<std::size_t>(static_cast<unsigned>(ymd.month()) - 1);
    append_number(out, static_cast<unsigned>(ymd.day()), 1);
    out.push_back(' ');
    if (lang == Lang::en) {
        out += long_month ? kEnMonthLong[month_index] : kEnMonthShort[month_index];
    } else {
        out += long_month ? kNlMonthLong[month_index] : kNlMonthShort[month_index];
    }
    out.push_back(' ');
    append_number(out, static_cast<int>(ymd.year()), 1);
}

}  // namespace

std::optional<When> parse_when(std::string_view text, LocalDay today, WhenError* error,
                               LocalDay* actual) {
    const auto fail = [error](WhenError reason) -> std::optional<When> {
        if (error != nullptr) {
            *error = reason;
        }
        return std::nullopt;
    };
    const Tokens tokens = tokenize(text);
    if (tokens.empty() || tokens.size() > kMaxTokens) {
        return fail(WhenError::not_understood);
    }

    std::size_t pos = 0;
    std::optional<RawTime> time;
    if (const auto match = parse_time(tokens, pos)) {
        time = match->value;
        pos += match->used;
    }
    std::optional<RawDay> day;
    if (const auto match = parse_day(tokens, pos)) {
        day = match->value;
        pos += match->used;
    }
    if (!time && day) {
        if (const auto match = parse_time(tokens, pos)) {
            time = match->value;
            pos += match->used;
        }
    }
    if (pos != tokens.size()) {
        return fail(WhenError::not_understood);
    }
    if (!day) {
        // A time alone is not a date; a time that does not exist is still worth naming.
        if (time && !resolve_time(*time)) {
            return fail(WhenError::invalid_time);
        }
        return fail(WhenError::not_understood);
    }
    const bool is_week = (day->form == RawDay::Form::week && day->weekday < 0) ||
                         day->form == RawDay::Form::next_week;
    if (time && is_week) {
        return fail(WhenError::not_understood);  // "week 11 15:30": which day?
    }
    if (day->form == RawDay::Form::date && day->weekday >= 0) {
        if (const auto written = resolve_date(day->calendar, today);
            written && weekday_index(*written) != day->weekday) {
            if (actual != nullptr) {
                *actual = *written;
            }
            return fail(WhenError::wrong_weekday);
        }
    }
    const auto resolved = resolve_day(*day, today);
    if (!resolved) {
        return fail(WhenError::invalid_date);
    }
    When when;
    when.kind = resolved->kind;
    when.day = resolved->day;
    when.iso_year = resolved->iso_year;
    when.iso_week = resolved->iso_week;
    if (time) {
        const auto time_of_day = resolve_time(*time);
        if (!time_of_day) {
            return fail(WhenError::invalid_time);
        }
        when.kind = When::Kind::moment;
        when.time_of_day = *time_of_day;
    }
    return when;
}

std::optional<minutes> parse_time_of_day(std::string_view text) {
    const Tokens tokens = words(fold(text));
    if (tokens.empty() || tokens.size() > kMaxTokens) {
        return std::nullopt;
    }
    const auto match = parse_time(tokens, 0);
    if (!match || match->used != tokens.size()) {
        return std::nullopt;
    }
    return resolve_time(match->value);
}

std::optional<seconds> parse_offset(std::string_view text) {
    const std::string folded = fold(text);
    std::string_view rest = folded;
    std::int64_t sign = 1;
    if (!rest.empty() && (rest.front() == '+' || rest.front() == '-')) {
        sign = rest.front() == '-' ? -1 : 1;
        rest.remove_prefix(1);
    }
    const auto skip_spaces = [&rest] {
        while (!rest.empty() && rest.front() == ' ') {
            rest.remove_prefix(1);
        }
    };
    skip_spaces();
    if (rest.empty()) {
        return std::nullopt;
    }
    std::int64_t total = 0;
    while (!rest.empty()) {
        std::size_t digits = 0;
        while (digits < rest.size() && is_digit(rest[digits])) {
            ++digits;
        }
        const auto amount = parse_number(rest.substr(0, digits), 1, 9);
        if (!amount || digits >= rest.size()) {
            return std::nullopt;
        }
        std::int64_t unit = 0;
        switch (rest[digits]) {
            case 'w':
                unit = kSecondsPerWeek;
                break;
            case 'd':
                unit = kSecondsPerDay;
                break;
            case 'h':
            case 'u':
                unit = 3600;
                break;
            case 'm':
                unit = 60;
                break;
            case 's':
                unit = 1;
                break;
            default:
                return std::nullopt;
        }
        total += std::int64_t{*amount} * unit;  // at most 6e14 per part: no overflow
        if (total > kMaxOffsetSeconds) {
            return std::nullopt;
        }
        rest.remove_prefix(digits + 1);
        skip_spaces();
    }
    return seconds{sign * total};
}

std::optional<ZonedResult> to_instant(LocalTime local, std::string_view zone) {
    const date::time_zone* tz = find_zone(zone);
    if (tz == nullptr || local < kFirstLocal || local >= kEndLocal) {
        return std::nullopt;
    }
    try {
        const date::local_info info = tz->get_info(local);
        ZonedResult result;
        switch (info.result) {
            case date::local_info::unique:
                result.kind = ZonedResult::Kind::unique;
                result.instant = Instant{local.time_since_epoch() - info.first.offset};
                break;
            case date::local_info::nonexistent:
                // The clock jumps over the gap: the first instant after it.
                result.kind = ZonedResult::Kind::nonexistent;
                result.instant = info.first.end;
                break;
            case date::local_info::ambiguous:
                // The time happens twice: the earlier one, still on the offset before the change.
                result.kind = ZonedResult::Kind::ambiguous;
                result.instant = Instant{local.time_since_epoch() - info.first.offset};
                break;
        }
        return result;
    } catch (...) {
        return std::nullopt;
    }
}

std::optional<LocalTime> to_local(Instant instant, std::string_view zone) {
    const date::time_zone* tz = find_zone(zone);
    if (tz == nullptr || instant < kFirstInstant || instant >= kEndInstant) {
        return std::nullopt;
    }
    try {
        return date::floor<seconds>(tz->to_local(instant));
    } catch (...) {
        return std::nullopt;
    }
}

bool is_known_zone(std::string_view zone) {
    return find_zone(zone) != nullptr;
}

std::string format_moment(LocalTime local, Lang lang) {
    const LocalDay day = date::floor<days>(local);
    const auto weekday = static_cast<std::size_t>(weekday_index(day));
    std::string out;
    out += lang == Lang::en ? kEnWeekdayShort[weekday] : kNlWeekdayShort[weekday];
    out.push_back(' ');
    append_day_month_year(out, day, false, lang);
    out.push_back(' ');
    out += format_time_of_day(date::floor<minutes>(local - day));
    return out;
}

std::string format_day(LocalDay day, Lang lang) {
    const auto weekday = static_cast<std::size_t>(weekday_index(day));
    std::string out;
    out += lang == Lang::en ? kEnWeekdayLong[weekday] : kNlWeekdayLong[weekday];
    out.push_back(' ');
    append_day_month_year(out, day, true, lang);
    return out;
}

std::string format_time_of_day(minutes time_of_day) {
    const long long total = time_of_day.count();
    const long long magnitude = total < 0 ? -total : total;
    std::string out;
    if (total < 0) {
        out.push_back('-');
    }
    append_number(out, magnitude / 60, 2);
    out.push_back(':');
    append_number(out, magnitude % 60, 2);
    return out;
}

int school_year_of(LocalDay day) {
    const date::year_month_day ymd{day};
    const int year = static_cast<int>(ymd.year());
    return ymd.month() >= date::August ? year : year - 1;
}

std::string school_year_label(int first_year) {
    return std::to_string(first_year) + "-" + std::to_string(first_year + 1);
}

std::optional<int> parse_school_year(std::string_view text) {
    const std::string folded = fold(text);
    const std::string_view view = folded;
    const std::size_t separator = view.find_first_of("-/");
    if (separator == std::string_view::npos) {
        return std::nullopt;
    }
    const std::string_view first_text = trim(view.substr(0, separator));
    const std::string_view second_text = trim(view.substr(separator + 1));
    const auto first = parse_number(first_text, 2, 4);
    const auto second = parse_number(second_text, 2, 4);
    if (!first || !second || first_text.size() == 3 || second_text.size() == 3) {
        return std::nullopt;
    }
    if (first_text.size() == 4) {
        if (second_text.size() == 4) {
            return *second == *first + 1 ? first : std::nullopt;
        }
        return *second == (*first + 1) % 100 ? first : std::nullopt;
    }
    if (second_text.size() != 2) {
        return std::nullopt;  // "26-2027" is not a way anyone writes it
    }
    const int first_year = 2000 + *first;
    return *second == (first_year + 1) % 100 ? std::optional<int>{first_year} : std::nullopt;
}

std::pair<int, unsigned> iso_week_of(LocalDay day) {
    const iso_week::year_weeknum_weekday iso{day};
    return {static_cast<int>(iso.year()), static_cast<unsigned>(iso.weeknum())};
}

std::optional<LocalDay> monday_of_iso_week(int iso_year, unsigned week) {
    if (week < 1 || week > 53 || iso_year < 1 || iso_year > 9999) {
        return std::nullopt;
    }
    const iso_week::year_weeknum_weekday iso{iso_week::year{iso_year}, iso_week::weeknum{week},
                                             iso_week::mon};
    if (!iso.ok()) {
        return std::nullopt;
    }
    return LocalDay{iso};
}

int iso_year_for_school_week(int school_year, unsigned week) {
    return week >= 31 ? school_year : school_year + 1;
}

}  // namespace leernetwerk
