#pragma once
// Private to bot/vocab/when_*.cpp: the pieces a date/time phrase is read into
// (when_phrases.cpp), and the small helpers the parsing (when_parse.cpp) and the calendar
// (when_calendar.cpp) share with it.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/vocab/when.hpp"

namespace leernetwerk::when_detail {

using Tokens = std::vector<std::string>;

template <class T>
struct Match {
    T value;
    std::size_t used = 0;  // tokens consumed
};

bool is_digit(char c);
// A run of `min_digits`..`max_digits` ASCII digits (at most 9, so it always fits in an int).
std::optional<int> parse_number(std::string_view s, std::size_t min_digits,
                                std::size_t max_digits);
// 0 = Monday .. 6 = Sunday.
int weekday_index(LocalDay day);
unsigned max_day_in_month(int month);

enum class Meridiem { none, am, pm };

struct RawTime {
    int hour = 0;
    int minute = 0;
    Meridiem meridiem = Meridiem::none;
};

std::optional<Match<RawTime>> parse_time(const Tokens& tokens, std::size_t pos);
std::optional<std::chrono::minutes> resolve_time(const RawTime& time);

struct RawDate {
    int day = 0;
    int month = 0;
    std::optional<int> year;
    bool year_first = false;  // written as an ISO date "2026-03-12"
};

// "12-3", "12-3-2026", "12/3/2026", "12.3.2026", "2026-03-12", "2026/3/12".
std::optional<RawDate> parse_numeric_date(std::string_view token);

struct RawWeek {
    int week = 0;
    std::optional<int> year;
};

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

std::optional<Match<RawDay>> parse_day(const Tokens& tokens, std::size_t pos);

}  // namespace leernetwerk::when_detail
