#include "bot/vocab/send_window.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "bot/vocab/text.hpp"

namespace leernetwerk {

namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr minutes kOneDay{24 * 60};
// A year plus the longest holiday: if no day in this span is allowed, none will be, and the
// caller learns that instead of the search running on.
constexpr int kMaxSearchDays = 400;

int weekday_index(LocalDay day) {
    return static_cast<int>(date::weekday{day}.iso_encoding()) - 1;
}

bool is_time_of_day(minutes value) {
    return value >= minutes{0} && value < kOneDay;
}

// The earliest allowed time of day on a school day: midnight, unless quiet hours cover it.
minutes first_allowed_time(const SendWindow& window) {
    return is_quiet_time(minutes{0}, window) ? window.quiet_until : minutes{0};
}

// "HH:MM" or "H:MM", 00:00 .. 23:59; strict, because it is read from a config file.
std::optional<minutes> parse_clock(std::string_view text) {
    text = trim(text);
    const std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon > 2 || text.size() != colon + 3) {
        return std::nullopt;
    }
    int hour = 0;
    int minute = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (i == colon) {
            continue;
        }
        const char c = text[i];
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        int& part = i < colon ? hour : minute;
        part = part * 10 + (c - '0');
    }
    if (hour > 23 || minute > 59) {
        return std::nullopt;
    }
    return minutes{hour * 60 + minute};
}

struct WeekdayName {
    std::string_view name;
    int index;  // 0 = Monday
};

constexpr WeekdayName kWeekdayAbbreviations[] = {
    {"ma", 0},  {"di", 1},  {"wo", 2},  {"do", 3},  {"vr", 4},  {"za", 5},  {"zo", 6},
    {"mon", 0}, {"tue", 1}, {"wed", 2}, {"thu", 3}, {"fri", 4}, {"sat", 5}, {"sun", 6},
};

// ---- built-in Dutch school holidays -----------------------------------------------------------
//
// Source: Rijksoverheid, "Schoolvakanties 2025-2026" and "Schoolvakanties 2026-2027"
// (https://www.rijksoverheid.nl/onderwerpen/schoolvakanties, "Overzicht schoolvakanties per
// schooljaar"; also published as open data at opendata.rijksoverheid.nl, type "schoolholidays"),
// and "Overzicht schoolvakanties 2027-2028" and "… 2028-2029" (read 2026-12-07, DOMAIN.md §3.1a).
// The zomervakantie, kerstvakantie and meivakantie are set by the government; herfst- and
// voorjaarsvakantie are its advisory dates ("adviesdata"), from which schools may deviate (hence
// [[reminders.holiday]] in the config and `import-vakanties`). Each period runs Saturday to
// Sunday as published. The meivakantie is the one compulsory week; many schools add the week
// before (advised for 2027-2028: 22–30 April; 2028-2029: 21–29 April), which a school adds itself.
// When the last year here comes within 60 days of its end, the bot warns (log, check-config, the
// organisers in chat): add the next year's published dates.

struct HolidayRow {
    std::string_view region;  // "" = heel Nederland
    int school_year;
    std::string_view name;
    date::year_month_day first;
    date::year_month_day last;
};

constexpr date::year_month_day ymd(int year, unsigned month, unsigned day) {
    return date::year{year} / date::month{month} / date::day{day};
}

constexpr std::string_view kRegions[] = {"noord", "midden", "zuid"};
constexpr int kSchoolYears[] = {2025, 2026, 2027, 2028};

constexpr HolidayRow kHolidays[] = {
    // 2025-2026
    {"noord", 2025, "herfstvakantie", ymd(2025, 10, 18), ymd(2025, 10, 26)},
    {"midden", 2025, "herfstvakantie", ymd(2025, 10, 18), ymd(2025, 10, 26)},
    {"zuid", 2025, "herfstvakantie", ymd(2025, 10, 11), ymd(2025, 10, 19)},
    {"", 2025, "kerstvakantie", ymd(2025, 12, 20), ymd(2026, 1, 4)},
    {"noord", 2025, "voorjaarsvakantie", ymd(2026, 2, 21), ymd(2026, 3, 1)},
    {"midden", 2025, "voorjaarsvakantie", ymd(2026, 2, 14), ymd(2026, 2, 22)},
    {"zuid", 2025, "voorjaarsvakantie", ymd(2026, 2, 14), ymd(2026, 2, 22)},
    {"", 2025, "meivakantie", ymd(2026, 4, 25), ymd(2026, 5, 3)},
    {"noord", 2025, "zomervakantie", ymd(2026, 7, 4), ymd(2026, 8, 16)},
    {"midden", 2025, "zomervakantie", ymd(2026, 7, 18), ymd(2026, 8, 30)},
    {"zuid", 2025, "zomervakantie", ymd(2026, 7, 11), ymd(2026, 8, 23)},
    // 2026-2027
    {"noord", 2026, "herfstvakantie", ymd(2026, 10, 10), ymd(2026, 10, 18)},
    {"midden", 2026, "herfstvakantie", ymd(2026, 10, 17), ymd(2026, 10, 25)},
    {"zuid", 2026, "herfstvakantie", ymd(2026, 10, 17), ymd(2026, 10, 25)},
    {"", 2026, "kerstvakantie", ymd(2026, 12, 19), ymd(2027, 1, 3)},
    {"noord", 2026, "voorjaarsvakantie", ymd(2027, 2, 20), ymd(2027, 2, 28)},
    {"midden", 2026, "voorjaarsvakantie", ymd(2027, 2, 20), ymd(2027, 2, 28)},
    {"zuid", 2026, "voorjaarsvakantie", ymd(2027, 2, 13), ymd(2027, 2, 21)},
    {"", 2026, "meivakantie", ymd(2027, 4, 24), ymd(2027, 5, 2)},
    {"noord", 2026, "zomervakantie", ymd(2027, 7, 10), ymd(2027, 8, 22)},
    {"midden", 2026, "zomervakantie", ymd(2027, 7, 17), ymd(2027, 8, 29)},
    {"zuid", 2026, "zomervakantie", ymd(2027, 7, 24), ymd(2027, 9, 5)},
    // 2027-2028
    {"noord", 2027, "herfstvakantie", ymd(2027, 10, 16), ymd(2027, 10, 24)},
    {"midden", 2027, "herfstvakantie", ymd(2027, 10, 16), ymd(2027, 10, 24)},
    {"zuid", 2027, "herfstvakantie", ymd(2027, 10, 23), ymd(2027, 10, 31)},
    {"", 2027, "kerstvakantie", ymd(2027, 12, 25), ymd(2028, 1, 9)},
    {"noord", 2027, "voorjaarsvakantie", ymd(2028, 2, 19), ymd(2028, 2, 27)},
    {"midden", 2027, "voorjaarsvakantie", ymd(2028, 2, 26), ymd(2028, 3, 5)},
    {"zuid", 2027, "voorjaarsvakantie", ymd(2028, 2, 26), ymd(2028, 3, 5)},
    {"", 2027, "meivakantie", ymd(2028, 4, 29), ymd(2028, 5, 7)},
    {"noord", 2027, "zomervakantie", ymd(2028, 7, 15), ymd(2028, 8, 27)},
    {"midden", 2027, "zomervakantie", ymd(2028, 7, 8), ymd(2028, 8, 20)},
    {"zuid", 2027, "zomervakantie", ymd(2028, 7, 22), ymd(2028, 9, 3)},
    // 2028-2029
    {"noord", 2028, "herfstvakantie", ymd(2028, 10, 14), ymd(2028, 10, 22)},
    {"midden", 2028, "herfstvakantie", ymd(2028, 10, 21), ymd(2028, 10, 29)},
    {"zuid", 2028, "herfstvakantie", ymd(2028, 10, 21), ymd(2028, 10, 29)},
    {"", 2028, "kerstvakantie", ymd(2028, 12, 23), ymd(2029, 1, 7)},
    {"noord", 2028, "voorjaarsvakantie", ymd(2029, 2, 17), ymd(2029, 2, 25)},
    {"midden", 2028, "voorjaarsvakantie", ymd(2029, 2, 17), ymd(2029, 2, 25)},
    {"zuid", 2028, "voorjaarsvakantie", ymd(2029, 2, 10), ymd(2029, 2, 18)},
    {"", 2028, "meivakantie", ymd(2029, 4, 28), ymd(2029, 5, 6)},
    {"noord", 2028, "zomervakantie", ymd(2029, 7, 21), ymd(2029, 9, 2)},
    {"midden", 2028, "zomervakantie", ymd(2029, 7, 7), ymd(2029, 8, 19)},
    {"zuid", 2028, "zomervakantie", ymd(2029, 7, 14), ymd(2029, 8, 26)},
};

}  // namespace

const HolidayPeriod* holiday_on(LocalDay day, const SendWindow& window) {
    for (const HolidayPeriod& holiday : window.holidays) {
        if (holiday.first <= day && day <= holiday.last) {
            return &holiday;
        }
    }
    return nullptr;
}

bool is_school_day(LocalDay day, const SendWindow& window) {
    return window.school_days[static_cast<std::size_t>(weekday_index(day))] &&
           holiday_on(day, window) == nullptr;
}

bool is_quiet_time(minutes time_of_day, const SendWindow& window) {
    const minutes from = window.quiet_from;
    const minutes until = window.quiet_until;
    if (from == until) {
        return false;
    }
    if (from < until) {
        return from <= time_of_day && time_of_day < until;
    }
    return time_of_day >= from || time_of_day < until;  // wraps midnight
}

std::optional<Instant> at_wall_time(LocalDay day, minutes time_of_day, std::string_view zone) {
    const auto zoned = to_instant(LocalTime{day} + time_of_day, zone);
    if (!zoned) {
        return std::nullopt;
    }
    return zoned->instant;
}

std::optional<Instant> next_allowed(Instant candidate, std::string_view zone,
                                    const SendWindow& window) {
    if (!is_time_of_day(window.quiet_from) || !is_time_of_day(window.quiet_until)) {
        return std::nullopt;
    }
    const auto local = to_local(candidate, zone);
    if (!local) {
        return std::nullopt;
    }
    const LocalDay today = date::floor<days>(*local);
    const seconds since_midnight = *local - LocalTime{today};
    const minutes time_of_day = std::chrono::floor<minutes>(since_midnight);

    if (is_school_day(today, window)) {
        if (!is_quiet_time(time_of_day, window)) {
            return candidate;
        }
        if (time_of_day < window.quiet_until) {  // the quiet hours end later today
            const auto end = at_wall_time(today, window.quiet_until, zone);
            if (!end) {
                return std::nullopt;
            }
            if (*end > candidate) {
                return end;
            }
            // quiet_until happens twice today (autumn) and we are in the repeated hour, past its
            // first pass: the clock reaches it again on the current offset.
            return candidate + (window.quiet_until - since_midnight);
        }
    }

    // Searched by local day, not by adding 24 hours, so the result is the same wall time on
    // either side of a daylight-saving change.
    const minutes start = first_allowed_time(window);
    for (int ahead = 1; ahead <= kMaxSearchDays; ++ahead) {
        const LocalDay day = today + days{ahead};
        if (is_school_day(day, window)) {
            return at_wall_time(day, start, zone);
        }
    }
    return std::nullopt;
}

std::optional<QuietHours> parse_quiet_hours(std::string_view text) {
    const std::string folded = fold(text);
    if (folded == "geen" || folded == "none") {
        return QuietHours{};
    }
    const std::size_t dash = folded.find('-');
    if (dash == std::string::npos || folded.find('-', dash + 1) != std::string::npos) {
        return std::nullopt;
    }
    const auto from = parse_clock(std::string_view(folded).substr(0, dash));
    const auto until = parse_clock(std::string_view(folded).substr(dash + 1));
    if (!from || !until) {
        return std::nullopt;
    }
    return QuietHours{*from, *until};
}

std::optional<int> parse_weekday_abbreviation(std::string_view text) {
    const std::string folded = fold(text);
    for (const WeekdayName& entry : kWeekdayAbbreviations) {
        if (entry.name == folded) {
            return entry.index;
        }
    }
    return std::nullopt;
}

std::span<const std::string_view> known_holiday_regions() {
    return kRegions;
}

std::span<const int> known_holiday_school_years() {
    return kSchoolYears;
}

std::vector<HolidayPeriod> dutch_school_holidays(std::string_view region, int school_year) {
    if (std::find(std::begin(kRegions), std::end(kRegions), region) == std::end(kRegions)) {
        return {};
    }
    std::vector<HolidayPeriod> periods;
    for (const HolidayRow& row : kHolidays) {
        if (row.school_year == school_year && (row.region.empty() || row.region == region)) {
            periods.push_back(
                HolidayPeriod{std::string(row.name), LocalDay{row.first}, LocalDay{row.last}});
        }
    }
    // The table is in calendar order per year already; sorting keeps that true if rows are added.
    std::stable_sort(
        periods.begin(), periods.end(),
        [](const HolidayPeriod& a, const HolidayPeriod& b) { return a.first < b.first; });
    return periods;
}

namespace {

std::string format_iso_day(LocalDay day) {
    const date::year_month_day ymd{day};
    char text[16];
    std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return text;
}

std::optional<LocalDay> parse_iso_day(std::string_view text) {
    int year = 0;
    unsigned month = 0;
    unsigned day = 0;
    const auto number = [&](std::size_t at, std::size_t length, auto& out) {
        const auto* first = text.data() + at;
        return std::from_chars(first, first + length, out).ptr == first + length;
    };
    if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !number(0, 4, year) ||
        !number(5, 2, month) || !number(8, 2, day)) {
        return std::nullopt;
    }
    const auto ymd = date::year{year} / date::month{month} / date::day{day};
    if (!ymd.ok()) {
        return std::nullopt;
    }
    return LocalDay{ymd};
}

}  // namespace

std::optional<LocalDay> holidays_known_until(const SendWindow& window) {
    if (!window.holiday_calendar || window.holidays.empty()) {
        return std::nullopt;
    }
    LocalDay last = window.holidays.front().last;
    for (const HolidayPeriod& holiday : window.holidays) {
        last = std::max(last, holiday.last);
    }
    return last;
}

bool holidays_run_out_soon(const SendWindow& window, LocalDay today) {
    const auto until = holidays_known_until(window);
    return until && today + date::days{kHolidayWarningDays} >= *until;
}

std::string encode_holidays(const std::vector<HolidayPeriod>& holidays) {
    std::string text;
    for (const HolidayPeriod& holiday : holidays) {
        text += format_iso_day(holiday.first) + "\t" + format_iso_day(holiday.last) + "\t" +
                holiday.name + "\n";
    }
    return text;
}

std::vector<HolidayPeriod> decode_holidays(std::string_view text) {
    std::vector<HolidayPeriod> holidays;
    while (!text.empty()) {
        const auto end = text.find('\n');
        const auto line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
        const auto tab1 = line.find('\t');
        const auto tab2 = tab1 == std::string_view::npos ? tab1 : line.find('\t', tab1 + 1);
        if (tab2 == std::string_view::npos) {
            continue;
        }
        const auto first = parse_iso_day(line.substr(0, tab1));
        const auto last = parse_iso_day(line.substr(tab1 + 1, tab2 - tab1 - 1));
        if (first && last && *first <= *last) {
            holidays.push_back({std::string(line.substr(tab2 + 1)), *first, *last});
        }
    }
    return holidays;
}

}  // namespace leernetwerk
