#pragma once
// When the bot may send a reminder: outside quiet hours, on a school day, not in a school holiday.
// Pure functions over wall-clock rules in an IANA zone, so a reminder at "08:00" stays at 08:00
// local time on both sides of a daylight-saving change.
#include <array>
#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "bot/vocab/when.hpp"

namespace leernetwerk {

/// A named stretch of days without school, `first` and `last` both included.
struct HolidayPeriod {
    std::string name;  ///< "herfstvakantie", "Studiedag", ...
    LocalDay first{};
    LocalDay last{};

    friend bool operator==(const HolidayPeriod&, const HolidayPeriod&) = default;
};

/// The rules a reminder has to respect. Quiet hours are wall-clock times of day in [0, 24h); they
/// wrap midnight when `quiet_from` is later than `quiet_until` (18:00-08:00), stay within one day
/// otherwise (12:00-13:00), and are switched off when both are equal.
struct SendWindow {
    std::chrono::minutes quiet_from{std::chrono::hours{18}};
    std::chrono::minutes quiet_until{std::chrono::hours{8}};
    /// Monday .. Sunday (ISO order).
    std::array<bool, 7> school_days{true, true, true, true, true, false, false};
    std::vector<HolidayPeriod> holidays;
    /// A holiday calendar is expected (a region is configured): warn before its dates run out.
    bool holiday_calendar = false;
};

/// From this many days before the known school holidays end, the bot warns (log, check-config,
/// the organisers in chat) that reminders will soon go out in holidays.
inline constexpr int kHolidayWarningDays = 60;

/// The last day of the last known holiday, when a holiday calendar is expected; nullopt when none
/// is (no region) or no dates are known at all.
std::optional<LocalDay> holidays_known_until(const SendWindow& window);

/// True when `today` is within kHolidayWarningDays of holidays_known_until (or past it).
bool holidays_run_out_soon(const SendWindow& window, LocalDay today);

/// Where `import-vakanties` keeps the holidays it read (a named value in the store).
inline constexpr std::string_view kImportedHolidaysKey = "calendar.holidays";
/// Holidays as kept under kImportedHolidaysKey: one "YYYY-MM-DD\tYYYY-MM-DD\tname" per line.
std::string encode_holidays(const std::vector<HolidayPeriod>& holidays);
/// The lines of encode_holidays; unreadable lines are skipped.
std::vector<HolidayPeriod> decode_holidays(std::string_view text);

/// Quiet hours as read from "HH:MM-HH:MM".
struct QuietHours {
    std::chrono::minutes from{0};
    std::chrono::minutes until{0};
};

/// The holiday that contains `day`, or nullptr. Points into `window.holidays`.
const HolidayPeriod* holiday_on(LocalDay day, const SendWindow& window);

/// True when `day`'s weekday is a school day and no holiday contains it.
bool is_school_day(LocalDay day, const SendWindow& window);

/// True when `time_of_day` (from local midnight) falls in the quiet hours.
bool is_quiet_time(std::chrono::minutes time_of_day, const SendWindow& window);

/// The instant the wall clock in `zone` shows `time_of_day` on `day`; the earlier one when that
/// time happens twice, the end of the gap when it is skipped. nullopt for an unknown zone.
std::optional<Instant> at_wall_time(LocalDay day, std::chrono::minutes time_of_day,
                                    std::string_view zone);

/// The first instant at or after `candidate` at which a reminder may be sent: `candidate` itself
/// when it is allowed, otherwise the end of the quiet hours on the same day or the first allowed
/// moment of the next school day. nullopt when the zone is unknown, the quiet hours are outside
/// [0, 24h), or no day in the next 400 is allowed (no school days, or one long holiday).
std::optional<Instant> next_allowed(Instant candidate, std::string_view zone,
                                    const SendWindow& window);

/// Reads "18:00-08:00" (also "8:00 - 18:00"); "geen" / "none" means no quiet hours (0:00-0:00).
std::optional<QuietHours> parse_quiet_hours(std::string_view text);

/// Reads a weekday abbreviation, Dutch or English, any case: "ma".."zo", "mon".."sun".
/// Returns 0 for Monday .. 6 for Sunday.
std::optional<int> parse_weekday_abbreviation(std::string_view text);

/// The Dutch school-holiday regions with built-in dates: "noord", "midden", "zuid".
std::span<const std::string_view> known_holiday_regions();

/// The school years (by their first calendar year) for which built-in dates exist.
std::span<const int> known_holiday_school_years();

/// The official school holidays of a region (lower case, see known_holiday_regions) in a school
/// year (2026 for 2026-2027), Saturday to Sunday as published. Empty for an unknown region or year.
std::vector<HolidayPeriod> dutch_school_holidays(std::string_view region, int school_year);

}  // namespace leernetwerk
