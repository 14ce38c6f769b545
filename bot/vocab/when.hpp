#pragma once
// Dates and times as Dutch teachers type them, and the wall-clock <-> UTC conversion that keeps
// meetings and reminders at the same local time across daylight-saving changes.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <date/date.h>

#include "bot/i18n/lang.hpp"

namespace leernetwerk {

/// An instant on the UTC time line; everything stored is an Instant.
using Instant = std::chrono::sys_seconds;
/// A wall-clock time without a zone (what a member typed, or what a meeting is planned at).
using LocalTime = date::local_seconds;
using LocalDay = date::local_days;

/// What `parse_when` read.
struct When {
    enum class Kind {
        moment,  ///< a day with a time: "12 maart 15:30", "morgen 9:00"
        day,     ///< a day without a time: "12 maart", "morgen", "dinsdag"
        week,    ///< an ISO week: "week 11"
    };
    Kind kind = Kind::day;
    LocalDay day{};                       ///< the day; for a week, its Monday
    std::chrono::minutes time_of_day{0};  ///< only for a moment
    int iso_year = 0;                     ///< only for a week
    unsigned iso_week = 0;                ///< only for a week

    /// The day plus the time of day (midnight for a day or a week).
    LocalTime local() const { return LocalTime{day} + time_of_day; }
};

/// Why `parse_when` could not read a text. The caller turns it into a friendly reply with examples.
enum class WhenError {
    not_understood,  ///< no date could be read at all ("volgende keer", "asdf")
    invalid_date,    ///< looks like a date but does not exist ("31 april", "29-2-2027", "week 54")
    invalid_time,    ///< looks like a time but does not exist ("25:00", "12:60")
    wrong_weekday,   ///< the date exists but is another weekday ("wo 9 februari" in 2027)
};

/// Reads a date, optionally with a time, relative to `today` (the member's local date).
/// Accepted (case, accents and extra spaces do not matter; "om" before a time is allowed):
///   "12 maart 15:30", "12 mrt 2027 15.30", "12-3-2026 15:30", "12/3/2026", "12-3" (day-month),
///   "2026-03-12 15:30", "2026-03-12T15:30", "week 11", "week 11 2027", "dinsdag week 11 15:30",
///   "vandaag", "morgen 9:00", "overmorgen 9u", "dinsdag 15:30", "volgende week dinsdag",
///   times "15:30", "15.30", "9:00", "9u", "9 uur", "15u30", and English: "march 12 3:30 pm",
///   "12 march", "tomorrow 9:00", "today", "tuesday", "next tuesday".
/// A day without a year is the next such day on or after `today`; a weekday name is the next such
/// day after `today` (a weekday that is today means a week from today only with "volgende"/"next",
/// otherwise today). "week N" without a year is the next week N whose Monday is on or after the
/// Monday of today's week. The whole text must be a date: trailing words are not_understood.
/// Never guesses: ambiguous or impossible input is an error.
/// "half vier" (15:30), "kwart over vier", "kwart voor vier" and "vier uur" are read as a school
/// means them: 1 to 6 o'clock in the afternoon, 7 to 12 in the morning, unless "'s avonds" or
/// "'s ochtends" follows. "gisteren" is read (the caller says it is in the past). With
/// wrong_weekday, `actual` (when given) is the date as written, so the reply can name its weekday.
std::optional<When> parse_when(std::string_view text, LocalDay today, WhenError* error = nullptr,
                               LocalDay* actual = nullptr);

/// Reads a time of day alone: "15:30", "15.30", "9u", "9 uur", "15u30", "3:30 pm". nullopt if not.
std::optional<std::chrono::minutes> parse_time_of_day(std::string_view text);

/// Reads a clock offset for the console's /tijd: "+2d", "+3h", "+30m", "+1w", "-1d", "+2d3h".
std::optional<std::chrono::seconds> parse_offset(std::string_view text);

/// How a wall-clock time maps onto the UTC time line in a zone.
struct ZonedResult {
    enum class Kind {
        unique,       ///< the normal case
        nonexistent,  ///< in the spring-forward gap (e.g. 02:30 on 29 March 2026 in Amsterdam)
        ambiguous,    ///< in the autumn repeat (e.g. 02:30 on 25 October 2026): the earlier is used
    };
    Kind kind = Kind::unique;
    Instant instant{};  ///< for nonexistent: the instant the clock jumps to (03:00 local)
};

/// Converts a wall-clock time in an IANA zone to UTC. nullopt when the zone is unknown.
std::optional<ZonedResult> to_instant(LocalTime local, std::string_view zone);
/// Converts a UTC instant to wall-clock time in an IANA zone. nullopt when the zone is unknown.
std::optional<LocalTime> to_local(Instant instant, std::string_view zone);
/// True when the system tz database knows `zone`.
bool is_known_zone(std::string_view zone);

/// "do 12 mrt 2026 15:30" (nl) / "Thu 12 Mar 2026 15:30" (en).
std::string format_moment(LocalTime local, Lang lang);
/// "donderdag 12 maart 2026" (nl) / "Thursday 12 March 2026" (en).
std::string format_day(LocalDay day, Lang lang);
/// "15:30".
std::string format_time_of_day(std::chrono::minutes time_of_day);

/// The school year a day falls in, by its first calendar year: 1 August 2026 .. 31 July 2027 ->
/// 2026.
int school_year_of(LocalDay day);
/// "2026-2027".
std::string school_year_label(int first_year);
/// Reads "2026-2027", "2026/2027", "2026/27", "26-27" (the second year must follow the first).
std::optional<int> parse_school_year(std::string_view text);
/// ISO 8601 week of a day: {iso_year, week}.
std::pair<int, unsigned> iso_week_of(LocalDay day);
/// Monday of an ISO week; nullopt when the year has no such week.
std::optional<LocalDay> monday_of_iso_week(int iso_year, unsigned week);
/// The ISO year of week N in a school year: weeks 31..53 fall in the first year, 1..30 in the
/// second.
int iso_year_for_school_week(int school_year, unsigned week);

}  // namespace leernetwerk
