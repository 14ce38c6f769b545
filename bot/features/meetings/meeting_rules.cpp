// What a planned moment may break or get wrong: café weeks, the yearly cap, night hours,
// weekends, Dutch public holidays, another meeting at the same time.
#include <algorithm>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"
#include "bot/features/meetings/meetings.hpp"

namespace leernetwerk::detail {
namespace {

std::string week_list(const std::vector<CafeWeek>& weeks) {
    std::string out;
    for (const auto& week : weeks) {
        out += (out.empty() ? "" : ", ") + std::to_string(week.iso_week);
    }
    return out;
}

/// Easter Sunday of a year (the Gregorian computus, "anonymous" algorithm).
LocalDay easter_sunday(int year) {
    const int a = year % 19;
    const int b = year / 100;
    const int c = year % 100;
    const int d = b / 4;
    const int e = b % 4;
    const int f = (b + 8) / 25;
    const int g = (b - f + 1) / 3;
    const int h = (19 * a + b - d - g + 15) % 30;
    const int i = c / 4;
    const int k = c % 4;
    const int l = (32 + 2 * e + 2 * i - h - k) % 7;
    const int m = (a + 11 * h + 22 * l) / 451;
    const int month = (h + l - 7 * m + 114) / 31;
    const int day = ((h + l - 7 * m + 114) % 31) + 1;
    return LocalDay{date::year{year} / date::month{static_cast<unsigned>(month)} /
                    date::day{static_cast<unsigned>(day)}};
}

/// The Dutch public holiday on a day ("Nieuwjaarsdag", "Tweede Paasdag", …), or "".
std::string public_holiday_on(LocalDay day) {
    const date::year_month_day ymd{day};
    const int year = static_cast<int>(ymd.year());
    const auto month = static_cast<unsigned>(ymd.month());
    const auto mday = static_cast<unsigned>(ymd.day());
    if (month == 1 && mday == 1) {
        return "Nieuwjaarsdag";
    }
    if (month == 12 && mday == 25) {
        return "Eerste Kerstdag";
    }
    if (month == 12 && mday == 26) {
        return "Tweede Kerstdag";
    }
    // Koningsdag: 27 April, the 26th when the 27th is a Sunday.
    const LocalDay kings{date::year{year} / date::April / date::day{27}};
    const LocalDay kings_day = date::weekday{kings} == date::Sunday ? kings - date::days{1} : kings;
    if (day == kings_day) {
        return "Koningsdag";
    }
    if (month == 5 && mday == 5) {
        return "Bevrijdingsdag";
    }
    const auto easter = easter_sunday(year);
    const std::pair<int, const char*> movable[] = {
        {-2, "Goede Vrijdag"},      {0, "Eerste Paasdag"},     {1, "Tweede Paasdag"},
        {39, "Hemelvaartsdag"},     {49, "Eerste Pinksterdag"}, {50, "Tweede Pinksterdag"}};
    for (const auto& [offset, name] : movable) {
        if (day == easter + date::days{offset}) {
            return name;
        }
    }
    return "";
}

}  // namespace

/// The rules a plan may break (café weeks, the yearly cap) and moments that are probably a
/// slip (night hours, a weekend, a holiday, another meeting at the same time): warnings to
/// confirm, and notes.
std::vector<std::string> rule_warnings(Turn& turn, const Network& network,
                                       const MeetingDraft& draft, std::vector<std::string>& notes) {
    std::vector<std::string> warnings;
    const auto day = date::floor<date::days>(draft.local);
    const int year = school_year_of(day);
    const auto weeks = turn.store.cafe_weeks(year);
    const auto [iso_year, iso_week] = iso_week_of(day);
    if (weeks.empty()) {
        notes.push_back(turn.t("meeting.note_no_cafe_weeks", {{"year", school_year_label(year)}}));
    } else if (std::none_of(weeks.begin(), weeks.end(),
                            [&, y = iso_year, w = iso_week](const CafeWeek& c) {
                                return c.iso_year == y && c.iso_week == w;
                            })) {
        warnings.push_back(
            turn.t("meeting.warn_outside_cafe_week", {{"week", std::to_string(iso_week)},
                                                      {"weeks", week_list(weeks)},
                                                      {"year", school_year_label(year)}}));
    }
    int planned = 0;
    for (const auto& meeting : turn.store.meetings_of(network.id)) {
        if (meeting.status == MeetingStatus::planned && meeting.id != draft.meeting_id &&
            school_year_of(date::floor<date::days>(meeting.local_start)) == year) {
            ++planned;
        }
    }
    // Moving a meeting within its school year does not change how many there are.
    const auto original = draft.meeting_id != 0 ? turn.store.meeting(draft.meeting_id) : std::nullopt;
    const bool same_year = original && original->status == MeetingStatus::planned &&
                           school_year_of(date::floor<date::days>(original->local_start)) == year;
    if (planned >= network.meeting_cap && !same_year) {
        warnings.push_back(turn.t("meeting.warn_cap", {{"count", std::to_string(planned + 1)},
                                                       {"cap", std::to_string(network.meeting_cap)},
                                                       {"year", school_year_label(year)}}));
    }
    // Judgement call: a school meeting starts between 07:00 and 21:00 on a school day.
    const auto time_of_day =
        std::chrono::duration_cast<std::chrono::minutes>(draft.local - LocalTime{day});
    if (time_of_day < std::chrono::hours(7) || time_of_day >= std::chrono::hours(21)) {
        warnings.push_back(turn.t("meeting.warn_odd_hour",
                                  {{"time", format_time_of_day(time_of_day)}}));
    }
    const date::weekday weekday{day};
    if (weekday == date::Saturday || weekday == date::Sunday) {
        warnings.push_back(turn.t("meeting.warn_weekend", {{"day", format_day(day, turn.lang)}}));
    }
    if (const auto* holiday = holiday_on(day, turn.settings.send_window)) {
        warnings.push_back(turn.t("meeting.warn_holiday", {{"day", format_day(day, turn.lang)},
                                                           {"holiday", holiday->name}}));
    }
    if (const auto name = public_holiday_on(day); !name.empty()) {
        warnings.push_back(
            turn.t("meeting.warn_public_holiday", {{"day", format_day(day, turn.lang)},
                                                   {"holiday", name}}));
    }
    const auto end = draft.local + std::chrono::minutes(draft.duration_minutes);
    for (const auto& other : turn.store.meetings_of(network.id)) {
        if (other.status != MeetingStatus::planned || other.id == draft.meeting_id) {
            continue;
        }
        const auto other_end = other.local_start + std::chrono::minutes(other.duration_minutes);
        if (other.local_start < end && draft.local < other_end) {
            warnings.push_back(turn.t("meeting.warn_overlap",
                                      {{"number", std::to_string(other.id)},
                                       {"when", format_moment(other.local_start, turn.lang)}}));
        }
    }
    return warnings;
}

}  // namespace leernetwerk::detail
