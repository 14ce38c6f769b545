// Wall time <-> UTC in a tz zone, dates and times as Dutch and English text, school years and
// ISO weeks.
#include "bot/vocab/when.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <utility>

#include <date/iso_week.h>
#include <date/tz.h>

#include "bot/vocab/text.hpp"
#include "bot/vocab/when_detail.hpp"

namespace leernetwerk {

using namespace when_detail;

namespace {

using std::chrono::days;
using std::chrono::minutes;
using std::chrono::seconds;

// Zone names in the tz database are short; longer text is not looked up at all.
constexpr std::size_t kMaxZoneNameLength = 64;

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
