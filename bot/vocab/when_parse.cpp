// Dutch date/time phrases to a When (parse_when), a time of day alone, and the console clock's
// offsets ("+2d 3h"). The words are read in when_phrases.cpp; here they are resolved against
// today.
#include "bot/vocab/when.hpp"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <date/iso_week.h>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"
#include "bot/vocab/when_detail.hpp"

namespace leernetwerk {

using namespace when_detail;

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

}  // namespace leernetwerk
