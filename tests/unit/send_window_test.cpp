#include <catch2/catch.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "bot/vocab/send_window.hpp"

using namespace leernetwerk;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

namespace {

constexpr std::string_view kAmsterdam = "Europe/Amsterdam";

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

/// The instant a wall-clock time in Amsterdam stands for (the earlier one if it happens twice).
Instant amsterdam(int y, unsigned m, unsigned d, int hour, int minute) {
    const auto zoned = to_instant(local(y, m, d, hour, minute), kAmsterdam);
    REQUIRE(zoned.has_value());
    return zoned->instant;
}

/// When a reminder due at `candidate` goes out, as Amsterdam wall-clock time.
LocalTime sent_at(Instant candidate, const SendWindow& window) {
    const auto allowed = next_allowed(candidate, kAmsterdam, window);
    REQUIRE(allowed.has_value());
    CHECK(*allowed >= candidate);
    const auto wall = to_local(*allowed, kAmsterdam);
    REQUIRE(wall.has_value());
    return *wall;
}

SendWindow every_day() {
    SendWindow window;
    window.school_days.fill(true);
    return window;
}

}  // namespace

TEST_CASE("weekdays are school days, weekends are not", "[send_window]") {
    const SendWindow window;
    // Monday 30 November .. Sunday 6 December 2026.
    for (int offset = 0; offset < 7; ++offset) {
        const LocalDay day = ymd(2026, 11, 30) + days{offset};
        INFO("day " << offset);
        CHECK(is_school_day(day, window) == (offset < 5));
    }
}

TEST_CASE("a reminder on a school day outside quiet hours goes out at once", "[send_window]") {
    const SendWindow window;
    const Instant wednesday_ten = amsterdam(2026, 12, 2, 10, 0);
    CHECK(next_allowed(wednesday_ten, kAmsterdam, window) == wednesday_ten);
    const Instant seconds_before_six = amsterdam(2026, 12, 2, 17, 59) + seconds{59};
    CHECK(next_allowed(seconds_before_six, kAmsterdam, window) == seconds_before_six);
    const Instant eight_sharp = amsterdam(2026, 12, 2, 8, 0);
    CHECK(next_allowed(eight_sharp, kAmsterdam, window) == eight_sharp);
}

TEST_CASE("Friday 17:59 goes out, Friday 18:00 waits until Monday 08:00", "[send_window]") {
    const SendWindow window;
    const Instant friday_1759 = amsterdam(2026, 12, 4, 17, 59);
    CHECK(next_allowed(friday_1759, kAmsterdam, window) == friday_1759);
    CHECK(sent_at(amsterdam(2026, 12, 4, 18, 0), window) == local(2026, 12, 7, 8, 0));
    CHECK(next_allowed(amsterdam(2026, 12, 4, 18, 0), kAmsterdam, window) ==
          utc(2026, 12, 7, 7, 0));
}

TEST_CASE("quiet hours before 08:00 end the same morning", "[send_window]") {
    const SendWindow window;
    CHECK(sent_at(amsterdam(2026, 12, 2, 6, 30), window) == local(2026, 12, 2, 8, 0));
    CHECK(sent_at(amsterdam(2026, 12, 2, 0, 0), window) == local(2026, 12, 2, 8, 0));
    CHECK(sent_at(amsterdam(2026, 12, 2, 7, 59) + seconds{30}, window) == local(2026, 12, 2, 8, 0));
    // Tuesday evening: Wednesday morning.
    CHECK(sent_at(amsterdam(2026, 12, 1, 22, 0), window) == local(2026, 12, 2, 8, 0));
}

TEST_CASE("the weekend waits for Monday morning", "[send_window]") {
    const SendWindow window;
    CHECK(sent_at(amsterdam(2026, 12, 5, 12, 0), window) == local(2026, 12, 7, 8, 0));
    CHECK(sent_at(amsterdam(2026, 12, 6, 23, 30), window) == local(2026, 12, 7, 8, 0));
    CHECK(sent_at(amsterdam(2026, 12, 7, 3, 0), window) == local(2026, 12, 7, 8, 0));
}

TEST_CASE("a holiday is skipped as a whole", "[send_window]") {
    SendWindow window;
    window.holidays = dutch_school_holidays("midden", 2026);
    REQUIRE_FALSE(window.holidays.empty());

    const HolidayPeriod* autumn = holiday_on(ymd(2026, 10, 21), window);
    REQUIRE(autumn != nullptr);
    CHECK(autumn->name == "herfstvakantie");
    CHECK_FALSE(is_school_day(ymd(2026, 10, 21), window));  // a Wednesday in the holiday
    CHECK(holiday_on(ymd(2026, 10, 16), window) == nullptr);
    CHECK(is_school_day(ymd(2026, 10, 16), window));

    // Friday evening before the herfstvakantie: the Monday after it (summer time has ended).
    CHECK(sent_at(amsterdam(2026, 10, 16, 19, 0), window) == local(2026, 10, 26, 8, 0));
    // Due in the middle of the week: still the Monday after.
    CHECK(sent_at(amsterdam(2026, 10, 21, 10, 0), window) == local(2026, 10, 26, 8, 0));
    // The kerstvakantie runs over New Year.
    CHECK(sent_at(amsterdam(2026, 12, 18, 18, 30), window) == local(2027, 1, 4, 8, 0));

    // A single study day of the school's own.
    window.holidays.push_back({"Studiedag", ymd(2027, 2, 12), ymd(2027, 2, 12)});
    CHECK(sent_at(amsterdam(2027, 2, 11, 20, 0), window) == local(2027, 2, 15, 8, 0));
}

TEST_CASE("quiet hours keep their wall-clock times across daylight saving", "[send_window][dst]") {
    const SendWindow window;
    SECTION("spring forward, 29 March 2026") {
        // Friday 18:30 CET -> Monday 08:00 CEST (06:00 UTC).
        const Instant friday = amsterdam(2026, 3, 27, 18, 30);
        CHECK(sent_at(friday, window) == local(2026, 3, 30, 8, 0));
        CHECK(next_allowed(friday, kAmsterdam, window) == utc(2026, 3, 30, 6, 0));
        // With every day a school day, the night of the change is an hour shorter.
        const Instant saturday_night = amsterdam(2026, 3, 28, 22, 0);
        CHECK(sent_at(saturday_night, every_day()) == local(2026, 3, 29, 8, 0));
        CHECK(next_allowed(saturday_night, kAmsterdam, every_day()) == utc(2026, 3, 29, 6, 0));
    }
    SECTION("fall back, 25 October 2026") {
        // Friday 18:30 CEST -> Monday 08:00 CET (07:00 UTC).
        const Instant friday = amsterdam(2026, 10, 23, 18, 30);
        CHECK(sent_at(friday, window) == local(2026, 10, 26, 8, 0));
        CHECK(next_allowed(friday, kAmsterdam, window) == utc(2026, 10, 26, 7, 0));
        const Instant saturday_night = amsterdam(2026, 10, 24, 23, 0);
        CHECK(sent_at(saturday_night, every_day()) == local(2026, 10, 25, 8, 0));
        CHECK(next_allowed(saturday_night, kAmsterdam, every_day()) == utc(2026, 10, 25, 7, 0));
        // Inside the repeated hour (second 02:30, already CET): still the same morning.
        CHECK(sent_at(utc(2026, 10, 25, 1, 30), every_day()) == local(2026, 10, 25, 8, 0));
    }
}

TEST_CASE("quiet hours that end inside a daylight-saving change", "[send_window][dst]") {
    SendWindow window = every_day();
    window.quiet_from = hours{22};
    window.quiet_until = hours{2} + minutes{30};
    SECTION("02:30 does not exist on 29 March 2026: the clock's jump to 03:00 is used") {
        CHECK(next_allowed(utc(2026, 3, 29, 0, 0), kAmsterdam, window) == utc(2026, 3, 29, 1, 0));
        CHECK(next_allowed(amsterdam(2026, 3, 28, 23, 0), kAmsterdam, window) ==
              utc(2026, 3, 29, 1, 0));
    }
    SECTION("02:30 happens twice on 25 October 2026: the first one that is still ahead") {
        // 02:15 CEST (00:15 UTC) -> 02:30 CEST (00:30 UTC).
        CHECK(next_allowed(utc(2026, 10, 25, 0, 15), kAmsterdam, window) ==
              utc(2026, 10, 25, 0, 30));
        // 02:15 CET (01:15 UTC), after the first 02:30 has passed -> 02:30 CET (01:30 UTC).
        CHECK(next_allowed(utc(2026, 10, 25, 1, 15), kAmsterdam, window) ==
              utc(2026, 10, 25, 1, 30));
    }
}

TEST_CASE("quiet hours that do not wrap midnight", "[send_window]") {
    SendWindow window;
    window.quiet_from = hours{12};
    window.quiet_until = hours{13};
    CHECK(is_quiet_time(hours{12}, window));
    CHECK_FALSE(is_quiet_time(hours{13}, window));
    CHECK_FALSE(is_quiet_time(hours{23}, window));

    const Instant before_lunch = amsterdam(2026, 12, 2, 11, 59);
    CHECK(next_allowed(before_lunch, kAmsterdam, window) == before_lunch);
    CHECK(sent_at(amsterdam(2026, 12, 2, 12, 0), window) == local(2026, 12, 2, 13, 0));
    CHECK(sent_at(amsterdam(2026, 12, 2, 12, 59) + seconds{59}, window) ==
          local(2026, 12, 2, 13, 0));
    const Instant evening = amsterdam(2026, 12, 2, 23, 0);
    CHECK(next_allowed(evening, kAmsterdam, window) == evening);
    // Saturday: Monday's first allowed moment is midnight, which is not quiet here.
    CHECK(sent_at(amsterdam(2026, 12, 5, 12, 30), window) == local(2026, 12, 7, 0, 0));
}

TEST_CASE("quiet hours until midnight, and no quiet hours at all", "[send_window]") {
    SendWindow until_midnight;
    until_midnight.quiet_from = hours{18};
    until_midnight.quiet_until = hours{0};
    CHECK(sent_at(amsterdam(2026, 12, 2, 20, 0), until_midnight) == local(2026, 12, 3, 0, 0));
    const Instant early = amsterdam(2026, 12, 3, 0, 30);
    CHECK(next_allowed(early, kAmsterdam, until_midnight) == early);

    SendWindow never_quiet;
    never_quiet.quiet_from = hours{8};
    never_quiet.quiet_until = hours{8};
    const Instant night = amsterdam(2026, 12, 2, 3, 0);
    CHECK(next_allowed(night, kAmsterdam, never_quiet) == night);
    CHECK(sent_at(amsterdam(2026, 12, 5, 3, 0), never_quiet) == local(2026, 12, 7, 0, 0));
}

TEST_CASE("next_allowed gives up when nothing is ever allowed", "[send_window]") {
    const Instant now = amsterdam(2026, 12, 2, 10, 0);
    SECTION("no school days") {
        SendWindow window;
        window.school_days.fill(false);
        CHECK_FALSE(next_allowed(now, kAmsterdam, window).has_value());
    }
    SECTION("a holiday longer than the search") {
        SendWindow window;
        window.holidays.push_back({"sabbatical", ymd(2026, 1, 1), ymd(2028, 12, 31)});
        CHECK_FALSE(next_allowed(now, kAmsterdam, window).has_value());
    }
    SECTION("an unknown zone") {
        CHECK_FALSE(next_allowed(now, "Europe/Atlantis", SendWindow{}).has_value());
        CHECK_FALSE(at_wall_time(ymd(2026, 12, 2), hours{8}, "Europe/Atlantis").has_value());
    }
    SECTION("quiet hours outside the day") {
        SendWindow window;
        window.quiet_until = hours{24};
        CHECK_FALSE(next_allowed(now, kAmsterdam, window).has_value());
        window.quiet_until = minutes{-1};
        CHECK_FALSE(next_allowed(now, kAmsterdam, window).has_value());
    }
}

TEST_CASE("at_wall_time", "[send_window]") {
    CHECK(at_wall_time(ymd(2026, 12, 2), hours{8}, kAmsterdam) == utc(2026, 12, 2, 7, 0));
    CHECK(at_wall_time(ymd(2026, 7, 1), hours{8}, kAmsterdam) == utc(2026, 7, 1, 6, 0));
    // In the spring gap: the jump instant, 03:00 CEST.
    CHECK(at_wall_time(ymd(2026, 3, 29), hours{2} + minutes{30}, kAmsterdam) ==
          utc(2026, 3, 29, 1, 0));
    // In the autumn repeat: the earlier one, still CEST.
    CHECK(at_wall_time(ymd(2026, 10, 25), hours{2} + minutes{30}, kAmsterdam) ==
          utc(2026, 10, 25, 0, 30));
}

TEST_CASE("parse_quiet_hours", "[send_window][parse]") {
    const auto check = [](std::string_view text, minutes from, minutes until) {
        INFO("text: \"" << std::string(text) << "\"");
        const auto quiet = parse_quiet_hours(text);
        REQUIRE(quiet.has_value());
        CHECK(quiet->from == from);
        CHECK(quiet->until == until);
    };
    check("18:00-08:00", hours{18}, hours{8});
    check("8:00 - 18:30", hours{8}, hours{18} + minutes{30});
    check("12:00-13:00", hours{12}, hours{13});
    check("00:00-00:00", minutes{0}, minutes{0});
    check("geen", minutes{0}, minutes{0});
    check("None", minutes{0}, minutes{0});
    for (const char* bad :
         {"", "18:00", "18-08", "18:00-", "24:00-08:00", "18:60-08:00", "18:00-08:00-09:00",
          "6pm-8am", "18.00-08.00", "18:0-08:00", "118:00-08:00", "x8:00-08:00"}) {
        INFO("text: \"" << bad << "\"");
        CHECK_FALSE(parse_quiet_hours(bad).has_value());
    }
}

TEST_CASE("parse_weekday_abbreviation reads Dutch and English", "[send_window][parse]") {
    const std::vector<std::string_view> dutch = {"ma", "di", "wo", "do", "vr", "za", "zo"};
    const std::vector<std::string_view> english = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (int i = 0; i < 7; ++i) {
        CHECK(parse_weekday_abbreviation(dutch[static_cast<std::size_t>(i)]) == i);
        CHECK(parse_weekday_abbreviation(english[static_cast<std::size_t>(i)]) == i);
    }
    CHECK(parse_weekday_abbreviation("MA") == 0);
    CHECK(parse_weekday_abbreviation(" Vr ") == 4);
    CHECK_FALSE(parse_weekday_abbreviation("maandag").has_value());
    CHECK_FALSE(parse_weekday_abbreviation("m").has_value());
    CHECK_FALSE(parse_weekday_abbreviation("").has_value());
}

TEST_CASE("the built-in Dutch school holidays are sane", "[send_window][holidays]") {
    REQUIRE(known_holiday_regions().size() == 3);
    CHECK(known_holiday_regions()[0] == "noord");
    CHECK(known_holiday_regions()[1] == "midden");
    CHECK(known_holiday_regions()[2] == "zuid");
    REQUIRE_FALSE(known_holiday_school_years().empty());

    const std::vector<std::string> names = {"herfstvakantie", "kerstvakantie", "voorjaarsvakantie",
                                            "meivakantie", "zomervakantie"};
    for (const int year : known_holiday_school_years()) {
        std::vector<LocalDay> summer_starts;
        for (const std::string_view region : known_holiday_regions()) {
            INFO(std::string(region) << " " << school_year_label(year));
            const std::vector<HolidayPeriod> periods = dutch_school_holidays(region, year);
            REQUIRE(periods.size() == names.size());
            for (std::size_t i = 0; i < periods.size(); ++i) {
                const HolidayPeriod& period = periods[i];
                INFO(period.name);
                CHECK(period.name == names[i]);  // in calendar order
                CHECK(period.first <= period.last);
                CHECK(date::weekday{period.first} == date::Saturday);
                CHECK(date::weekday{period.last} == date::Sunday);
                // Only the start: zuid's zomervakantie may end in September.
                CHECK(school_year_of(period.first) == year);
                if (i > 0) {
                    CHECK(periods[i - 1].last < period.first);
                }
                const auto length = (period.last - period.first).count() + 1;
                if (period.name == "zomervakantie") {
                    CHECK(length == 44);  // six weeks, Saturday to Sunday
                    summer_starts.push_back(period.first);
                } else if (period.name == "kerstvakantie") {
                    CHECK(length == 16);
                } else {
                    CHECK(length == 9);
                }
            }
        }
        // The summer holidays are spread: each region starts in a different week.
        REQUIRE(summer_starts.size() == 3);
        CHECK(summer_starts[0] != summer_starts[1]);
        CHECK(summer_starts[1] != summer_starts[2]);
        CHECK(summer_starts[0] != summer_starts[2]);
    }

    // Spot checks against the published overview.
    const auto midden = dutch_school_holidays("midden", 2026);
    REQUIRE(midden.size() == 5);
    CHECK(midden[0].first == ymd(2026, 10, 17));
    CHECK(midden[0].last == ymd(2026, 10, 25));
    // 2027-2028 and 2028-2029 (DOMAIN.md §3.1a): the regions differ per holiday.
    const auto zuid_2027 = dutch_school_holidays("zuid", 2027);
    REQUIRE(zuid_2027.size() == 5);
    CHECK(zuid_2027[0].first == ymd(2027, 10, 23));  // herfst: a week after noord and midden
    CHECK(zuid_2027[2].first == ymd(2028, 2, 26));   // voorjaar, leap year: to 5 March
    CHECK(zuid_2027[2].last == ymd(2028, 3, 5));
    CHECK(zuid_2027[4].last == ymd(2028, 9, 3));
    const auto midden_2028 = dutch_school_holidays("midden", 2028);
    REQUIRE(midden_2028.size() == 5);
    CHECK(midden_2028[1].first == ymd(2028, 12, 23));
    CHECK(midden_2028[1].last == ymd(2029, 1, 7));
    CHECK(midden_2028[4].first == ymd(2029, 7, 7));
    CHECK(dutch_school_holidays("noord", 2028)[4].last == ymd(2029, 9, 2));
    CHECK(known_holiday_school_years().back() == 2028);

    const auto noord = dutch_school_holidays("noord", 2025);
    REQUIRE(noord.size() == 5);
    CHECK(noord[4].first == ymd(2026, 7, 4));
    CHECK(noord[4].last == ymd(2026, 8, 16));

    CHECK(dutch_school_holidays("midden", 2019).empty());
    CHECK(dutch_school_holidays("oost", 2026).empty());
    CHECK(dutch_school_holidays("", 2026).empty());
}

TEST_CASE("the known holidays end with their last day; a warning comes 60 days before",
          "[send_window][holidays]") {
    SendWindow window;
    window.holidays = dutch_school_holidays("midden", 2028);
    CHECK_FALSE(holidays_known_until(window).has_value());  // no holiday calendar kept
    window.holiday_calendar = true;
    REQUIRE(holidays_known_until(window) == ymd(2029, 8, 19));
    CHECK_FALSE(holidays_run_out_soon(window, ymd(2029, 6, 19)));
    CHECK(holidays_run_out_soon(window, ymd(2029, 6, 20)));  // 60 days before
    CHECK(holidays_run_out_soon(window, ymd(2029, 10, 1)));

    // What import-vakanties keeps reads back the same; broken lines are skipped.
    const std::vector<HolidayPeriod> kept = {{"Studiedag", ymd(2029, 10, 5), ymd(2029, 10, 5)},
                                             {"Herfstvakantie", ymd(2029, 10, 13), ymd(2029, 10, 21)}};
    CHECK(decode_holidays(encode_holidays(kept)) == kept);
    CHECK(decode_holidays("2029-13-01\t2029-13-02\tx\nrubbish\n").empty());
}
