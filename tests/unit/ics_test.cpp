// iCalendar as calendars read it: the export is parsed back with libical (the zone's VTIMEZONE
// included, so a wrong observance shows up as a wrong UTC time), and café weeks are read from a
// school calendar export like ParnasSys writes.
#include <algorithm>
#include <ctime>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <libical/ical.h>
#include <catch2/catch.hpp>

#include "app/ics.hpp"

namespace {

using namespace leernetwerk;
using app::cafe_weeks_from_ics;
using app::meetings_to_ics;

struct ComponentDeleter {
    void operator()(icalcomponent* component) const { icalcomponent_free(component); }
};
using Component = std::unique_ptr<icalcomponent, ComponentDeleter>;
using Catch::Matchers::Contains;

constexpr auto kZone = "Europe/Amsterdam";
const Instant kNow = date::sys_days{date::year{2026} / 9 / 1} + std::chrono::hours{7};

LocalTime local(int year, unsigned month, unsigned day, int hour, int minute) {
    return LocalTime{LocalDay{date::year{year} / date::month{month} / date::day{day}}} +
           std::chrono::hours{hour} + std::chrono::minutes{minute};
}

std::time_t utc(int year, unsigned month, unsigned day, int hour, int minute) {
    const Instant instant{local(year, month, day, hour, minute).time_since_epoch()};
    return static_cast<std::time_t>(instant.time_since_epoch().count());
}

Network network(std::string name = "HSN-café Feedback die werkt") {
    Network result;
    result.id = 1;
    result.name = std::move(name);
    return result;
}

Meeting meeting(Id id, LocalTime start, std::string topic) {
    Meeting result;
    result.id = id;
    result.network_id = 1;
    result.local_start = start;
    result.starts_at = to_instant(start, kZone)->instant;
    result.duration_minutes = 120;
    result.location = "CBS De Wegwijzer, Nijkerk";
    result.topic = std::move(topic);
    return result;
}

/// Four meetings of a school year: summer time, winter time, one cancelled, one moved twice.
std::vector<Meeting> school_year() {
    auto cancelled = meeting(3, local(2026, 11, 17, 15, 30), "Feedback in groep 3");
    cancelled.status = MeetingStatus::cancelled;
    cancelled.revision = 1;
    auto moved = meeting(2, local(2027, 2, 11, 15, 30), "Rubrics, feedback; en\nverder");
    moved.revision = 2;
    return {meeting(1, local(2026, 10, 8, 15, 30), "Kennismaken en onze gezamenlijke ambitie"),
            moved, cancelled, meeting(4, local(2027, 3, 23, 15, 30), "")};
}

std::string exported(const std::vector<Meeting>& meetings, const char* zone = kZone) {
    const auto text = meetings_to_ics(network(), meetings, zone, "school.nl", kNow);
    REQUIRE(text);
    return *text;
}

Component parse(const std::string& text) {
    Component calendar{icalparser_parse_string(text.c_str())};
    REQUIRE(calendar);
    REQUIRE(icalcomponent_isa(calendar.get()) == ICAL_VCALENDAR_COMPONENT);
    return calendar;
}

icalcomponent* event_with_uid(icalcomponent* calendar, const std::string& uid) {
    for (icalcomponent* event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
         event; event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
        if (uid == icalcomponent_get_uid(event)) {
            return event;
        }
    }
    FAIL("no VEVENT with UID " << uid);
    return nullptr;
}

/// DTSTART and DTEND on the UTC time line, through the calendar's own VTIMEZONE.
std::pair<std::time_t, std::time_t> utc_span(icalcomponent* calendar, icalcomponent* event,
                                             const char* zone = kZone) {
    icaltimezone* tz = icalcomponent_get_timezone(calendar, zone);
    REQUIRE(tz != nullptr);
    icalproperty* start = icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY);
    icalproperty* end = icalcomponent_get_first_property(event, ICAL_DTEND_PROPERTY);
    REQUIRE(start);
    REQUIRE(end);
    CHECK(std::string(icalparameter_get_tzid(
              icalproperty_get_first_parameter(start, ICAL_TZID_PARAMETER))) == zone);
    return {icaltime_as_timet_with_zone(icalproperty_get_dtstart(start), tz),
            icaltime_as_timet_with_zone(icalproperty_get_dtend(end), tz)};
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::size_t begin = 0;
    while (begin < text.size()) {
        const auto end = text.find("\r\n", begin);
        REQUIRE(end != std::string::npos);  // the last line ends in CRLF too
        lines.push_back(text.substr(begin, end - begin));
        begin = end + 2;
    }
    return lines;
}

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(LEERNETWERK_FIXTURES_DIR) + "/ics/" + name, std::ios::binary);
    REQUIRE(in);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string calendar_with(const std::string& events) {
    return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//NL\r\n" + events +
           "END:VCALENDAR\r\n";
}

std::string all_day_event(const std::string& uid, const std::string& summary,
                          const std::string& start, const std::string& end,
                          const std::string& extra = "") {
    return "BEGIN:VEVENT\r\nUID:" + uid +
           "\r\nDTSTAMP:20260601T080000Z\r\nDTSTART;VALUE=DATE:" + start +
           "\r\nDTEND;VALUE=DATE:" + end + "\r\nSUMMARY:" + summary + "\r\n" + extra +
           "END:VEVENT\r\n";
}

using Week = std::tuple<int, int, unsigned>;

std::vector<Week> weeks_of(const app::CafeWeekImport& found) {
    std::vector<Week> result;
    for (const auto& week : found.weeks) {
        result.emplace_back(week.school_year, week.iso_year, week.iso_week);
    }
    return result;
}

}  // namespace

TEST_CASE("a calendar app reads each meeting at its Amsterdam time, summer and winter", "[ics]") {
    const auto text = exported(school_year());
    const auto calendar = parse(text);
    CHECK(text.starts_with("BEGIN:VCALENDAR\r\n"));
    CHECK_THAT(text, Contains("PRODID:-//Leernetwerk bot//NL\r\n"));
    CHECK_THAT(text, Contains("VERSION:2.0\r\n"));
    CHECK_THAT(text, Contains("METHOD:PUBLISH\r\n"));
    CHECK_THAT(text, Contains("CALSCALE:GREGORIAN\r\n"));
    CHECK_THAT(text, Contains("X-WR-CALNAME:HSN-café Feedback die werkt\r\n"));

    auto* summer = event_with_uid(calendar.get(), "meeting-1@school.nl");
    CHECK(utc_span(calendar.get(), summer) ==
          std::pair{utc(2026, 10, 8, 13, 30), utc(2026, 10, 8, 15, 30)});
    auto* winter = event_with_uid(calendar.get(), "meeting-2@school.nl");
    CHECK(utc_span(calendar.get(), winter) ==
          std::pair{utc(2027, 2, 11, 14, 30), utc(2027, 2, 11, 16, 30)});
    // A week before the clocks go forward (28 March 2027) it is still winter time.
    auto* march = event_with_uid(calendar.get(), "meeting-4@school.nl");
    CHECK(utc_span(calendar.get(), march).first == utc(2027, 3, 23, 14, 30));
    CHECK_THAT(text, Contains("DTSTART;TZID=Europe/Amsterdam:20261008T153000\r\n"));
    CHECK_THAT(text, Contains("DTSTAMP:20260901T070000Z\r\n"));

    CHECK(std::string(icalcomponent_get_summary(summer)) ==
          "Kennismaken en onze gezamenlijke ambitie");
    CHECK(std::string(icalcomponent_get_location(summer)) == "CBS De Wegwijzer, Nijkerk");
    CHECK(std::string(icalcomponent_get_summary(march)) ==
          "HSN-café Feedback die werkt: bijeenkomst");
}

TEST_CASE("a cancelled meeting is published as cancelled and a moved one with its revision",
          "[ics]") {
    const auto calendar = parse(exported(school_year()));
    auto* cancelled = event_with_uid(calendar.get(), "meeting-3@school.nl");
    CHECK(icalcomponent_get_status(cancelled) == ICAL_STATUS_CANCELLED);
    CHECK(icalcomponent_get_sequence(cancelled) == 1);
    auto* moved = event_with_uid(calendar.get(), "meeting-2@school.nl");
    CHECK(icalcomponent_get_status(moved) == ICAL_STATUS_CONFIRMED);
    CHECK(icalcomponent_get_sequence(moved) == 2);
    CHECK(icalcomponent_get_sequence(event_with_uid(calendar.get(), "meeting-1@school.nl")) == 0);
}

TEST_CASE("moving a meeting keeps its UID, so calendars update the event instead of adding one",
          "[ics]") {
    auto planned = meeting(7, local(2026, 10, 8, 15, 30), "Oogst");
    auto moved = planned;
    moved.local_start = local(2026, 10, 15, 16, 0);
    moved.revision = 1;
    const auto before = parse(exported({planned}));
    const auto after = parse(exported({moved}));
    auto* old_event = event_with_uid(before.get(), "meeting-7@school.nl");
    auto* new_event = event_with_uid(after.get(), "meeting-7@school.nl");
    CHECK(icalcomponent_get_sequence(new_event) > icalcomponent_get_sequence(old_event));
    CHECK(utc_span(after.get(), new_event).first == utc(2026, 10, 15, 14, 0));
}

TEST_CASE("topics with commas, semicolons, newlines and long accented text survive the trip",
          "[ics]") {
    const std::string long_topic =
        "Feedback die werkt: één rubric voor alle groepen, van kleuters tot groep 8 — "
        "wat werkt écht in de klas?";
    auto meetings = school_year();
    meetings.push_back(meeting(5, local(2027, 5, 18, 15, 30), long_topic));
    const auto text = *meetings_to_ics(
        network("HSN-café Één rubric voor alle groepen, van kleuters tot groep acht"), meetings,
        kZone, "school.nl", kNow);
    CHECK_THAT(text, Contains("SUMMARY:Rubrics\\, feedback\\; en\\nverder\r\n"));
    const auto named = meetings_to_ics(network("Rekenen, taal; en meer"), {}, kZone, "x", kNow);
    REQUIRE(named);
    CHECK_THAT(*named, Contains("\r\nX-WR-CALNAME:Rekenen\\, taal\\; en meer\r\n"));
    CHECK_THAT(*named, Contains("\r\nNAME:Rekenen\\, taal\\; en meer\r\n"));

    const auto calendar = parse(text);
    CHECK(std::string(icalcomponent_get_summary(event_with_uid(
              calendar.get(), "meeting-2@school.nl"))) == "Rubrics, feedback; en\nverder");
    CHECK(std::string(icalcomponent_get_summary(
              event_with_uid(calendar.get(), "meeting-5@school.nl"))) == long_topic);

    bool folded = false;
    for (const auto& line : lines_of(text)) {
        CHECK(line.size() <= 75);
        CHECK_THAT(line, !Contains("\n"));
        if (line.starts_with(" ")) {
            folded = true;
            // A fold inside a UTF-8 character would leave a continuation byte here.
            CHECK((static_cast<unsigned char>(line[1]) & 0xC0) != 0x80);
        }
    }
    CHECK(folded);
}

TEST_CASE("the time zone is described for Outlook: yearly rules where the zone has them", "[ics]") {
    const auto text = exported(school_year());
    CHECK_THAT(text, Contains("BEGIN:VTIMEZONE\r\nTZID:Europe/Amsterdam\r\n"));
    CHECK_THAT(text, Contains("RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3\r\n"));
    CHECK_THAT(text, Contains("RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10\r\n"));
    CHECK_THAT(text, Contains("TZOFFSETTO:+0200\r\n"));
    CHECK_THAT(text, Contains("TZNAME:CEST\r\n"));

    SECTION("a zone without daylight saving has one observance") {
        const auto tokyo = exported({meeting(1, local(2026, 10, 8, 15, 30), "x")}, "Asia/Tokyo");
        const auto calendar = parse(tokyo);
        CHECK_THAT(tokyo, !Contains("BEGIN:DAYLIGHT"));
        CHECK_THAT(tokyo, Contains("TZOFFSETTO:+0900\r\n"));
        CHECK(utc_span(calendar.get(), event_with_uid(calendar.get(), "meeting-1@school.nl"),
                       "Asia/Tokyo")
                  .first == utc(2026, 10, 8, 6, 30));
    }
    SECTION("a zone that dropped its rule gets explicit dates (São Paulo, no DST after 2019)") {
        auto january = meeting(1, local(2019, 1, 15, 10, 0), "zomer");
        auto june = meeting(2, local(2019, 6, 1, 10, 0), "winter");
        const auto text_sp = exported({january, june}, "America/Sao_Paulo");
        const auto calendar = parse(text_sp);
        CHECK_THAT(text_sp, !Contains("RRULE"));
        CHECK_THAT(text_sp, Contains("RDATE"));
        CHECK(utc_span(calendar.get(), event_with_uid(calendar.get(), "meeting-1@school.nl"),
                       "America/Sao_Paulo")
                  .first == utc(2019, 1, 15, 12, 0));
        CHECK(utc_span(calendar.get(), event_with_uid(calendar.get(), "meeting-2@school.nl"),
                       "America/Sao_Paulo")
                  .first == utc(2019, 6, 1, 13, 0));
    }
}

TEST_CASE("an unknown time zone is a configuration error, not a broken calendar", "[ics]") {
    const auto text = meetings_to_ics(network(), school_year(), "Europe/Nijkerk", "x", kNow);
    REQUIRE_FALSE(text);
    CHECK(text.error().code == ErrorCode::config);
    CHECK_THAT(text.error().message, Contains("Europe/Nijkerk"));
}

TEST_CASE("UIDs use the Matrix server, else the bot's name", "[ics]") {
    CHECK(app::ics_uid_domain("@leernetwerk:school.nl", "Leernetwerk bot") == "school.nl");
    CHECK(app::ics_uid_domain("", "Leernetwerk bot") == "leernetwerk-bot");
    CHECK(app::ics_uid_domain("", "  Café-bot Één! ") == "cafe-bot-een");
    CHECK(app::ics_uid_domain("", "???") == "leernetwerk");
}

TEST_CASE("café weeks come from a school's calendar export, grouped by school year", "[ics]") {
    const auto found = cafe_weeks_from_ics(fixture("parnassys_jaarplanning.ics"), "caf");
    REQUIRE(found);
    // Studiedag, holidays and the team meeting do not match; the cancelled café week is skipped.
    CHECK(weeks_of(*found) == std::vector<Week>{{2026, 2026, 41},
                                                {2026, 2026, 47},
                                                {2026, 2027, 6},
                                                {2026, 2027, 12},
                                                {2026, 2027, 20},
                                                {2027, 2027, 41}});
    CHECK(found->events == 13);
    CHECK(found->matched == 6);

    SECTION("an accented match finds the unaccented spelling too") {
        const auto cafe = cafe_weeks_from_ics(fixture("parnassys_jaarplanning.ics"), "CAFÉ");
        REQUIRE(cafe);
        CHECK(cafe->weeks.size() == 6);
    }
    SECTION("an empty match takes every event: the Christmas holiday covers weeks 52 and 53") {
        const auto all = cafe_weeks_from_ics(fixture("parnassys_jaarplanning.ics"), "");
        REQUIRE(all);
        CHECK(all->matched == 12);
        const auto weeks = weeks_of(*all);
        CHECK(std::count(weeks.begin(), weeks.end(), Week{2026, 2026, 52}) == 1);
        CHECK(std::count(weeks.begin(), weeks.end(), Week{2026, 2026, 53}) == 1);
    }
}

TEST_CASE("café weeks from timed events: UTC is converted, TZID is taken as written", "[ics]") {
    const auto text = calendar_with(
        // 00:00-24:00 on Monday 12 October in Amsterdam, written in UTC: week 42, not 41.
        "BEGIN:VEVENT\r\nUID:a\r\nDTSTART:20261011T220000Z\r\nDTEND:20261012T220000Z\r\n"
        "SUMMARY:Caféweek\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:b\r\nDTSTART;TZID=Europe/Amsterdam:20270413T153000\r\n"
        "DTEND;TZID=Europe/Amsterdam:20270413T173000\r\nSUMMARY:Café-middag\r\nEND:VEVENT\r\n"
        "BEGIN:VEVENT\r\nUID:c\r\nDTSTART;VALUE=DATE:20261102\r\nDURATION:P5D\r\n"
        "SUMMARY:cafe week\r\nEND:VEVENT\r\n" +
        // A weekend is no café week.
        all_day_event("d", "Caféweekend", "20261107", "20261109"));
    const auto found = cafe_weeks_from_ics(text, "caf");
    REQUIRE(found);
    CHECK(weeks_of(*found) ==
          std::vector<Week>{{2026, 2026, 42}, {2026, 2026, 45}, {2026, 2027, 15}});
}

TEST_CASE("a recurring café week is expanded, without excluded and with moved occurrences",
          "[ics]") {
    SECTION("every six weeks, four times, one left out and one moved a week later") {
        const auto text =
            calendar_with(all_day_event("r", "Caféweek", "20260907", "20260912",
                                        "RRULE:FREQ=WEEKLY;INTERVAL=6;COUNT=4\r\n"
                                        "EXDATE;VALUE=DATE:20261019\r\n") +
                          "BEGIN:VEVENT\r\nUID:r\r\nRECURRENCE-ID;VALUE=DATE:20261130\r\n"
                          "DTSTART;VALUE=DATE:20261207\r\nDTEND;VALUE=DATE:20261212\r\n"
                          "SUMMARY:Caféweek (verschoven)\r\nEND:VEVENT\r\n");
        const auto found = cafe_weeks_from_ics(text, "caf");
        REQUIRE(found);
        CHECK(weeks_of(*found) ==
              std::vector<Week>{{2026, 2026, 37}, {2026, 2026, 50}, {2026, 2027, 2}});
    }
    SECTION("a rule without end stops after two years") {
        const auto text = calendar_with(
            all_day_event("w", "Caféweek", "20260907", "20260912", "RRULE:FREQ=WEEKLY\r\n"));
        const auto found = cafe_weeks_from_ics(text, "caf");
        REQUIRE(found);
        // 105 Mondays from 7 September 2026 to 4 September 2028; the week of Monday 31 July
        // 2028 is in two school years, as a meeting on either side of 1 August looks it up.
        const auto weeks = weeks_of(*found);
        CHECK(weeks.size() == 106);
        CHECK(weeks.front() == Week{2026, 2026, 37});
        CHECK(std::count(weeks.begin(), weeks.end(), Week{2027, 2028, 31}) == 1);
        CHECK(std::count(weeks.begin(), weeks.end(), Week{2028, 2028, 31}) == 1);
        CHECK(weeks.back() == Week{2028, 2028, 36});
    }
    SECTION("and after 200 occurrences") {
        const auto text = calendar_with(
            all_day_event("d", "Caféweek", "20260907", "20260908", "RRULE:FREQ=DAILY\r\n"));
        const auto found = cafe_weeks_from_ics(text, "caf");
        REQUIRE(found);
        // 200 days from Monday 7 September 2026 end on Wednesday 24 March 2027 (week 12).
        CHECK(weeks_of(*found).back() == Week{2026, 2027, 12});
    }
}

TEST_CASE("a file that is not a calendar, or an event without dates, is refused by name", "[ics]") {
    SECTION("not iCalendar at all") {
        for (const char* text : {"", "Dit is geen agenda\r\n", "BEGIN:VEVENT\r\nEND:VEVENT\r\n"}) {
            const auto found = cafe_weeks_from_ics(text, "caf");
            REQUIRE_FALSE(found);
            CHECK(found.error().code == ErrorCode::bad_input);
            CHECK_THAT(found.error().message, Contains("no VCALENDAR found"));
        }
    }
    SECTION("a café week without DTSTART") {
        const auto found = cafe_weeks_from_ics(
            calendar_with("BEGIN:VEVENT\r\nUID:x-1@school.nl\r\nSUMMARY:Caféweek\r\n"
                          "END:VEVENT\r\n"),
            "caf");
        REQUIRE_FALSE(found);
        CHECK(found.error().message == "VEVENT without DTSTART (UID x-1@school.nl)");
    }
    SECTION("a café week whose date cannot be read") {
        const auto found = cafe_weeks_from_ics(
            calendar_with(all_day_event("x-2@school.nl", "Caféweek", "2026-13-45", "20261010")),
            "caf");
        REQUIRE_FALSE(found);
        CHECK_THAT(found.error().message, Contains("UID x-2@school.nl"));
        CHECK_THAT(found.error().message, Contains("DTSTART"));
    }
    SECTION("a café week that ends before it starts") {
        const auto found = cafe_weeks_from_ics(
            calendar_with(all_day_event("x-3@school.nl", "Caféweek", "20261010", "20261005")),
            "caf");
        REQUIRE_FALSE(found);
        CHECK(found.error().message == "VEVENT ends before it starts (UID x-3@school.nl)");
    }
    SECTION("a broken event that does not match is no reason to refuse the file") {
        const auto found = cafe_weeks_from_ics(
            calendar_with("BEGIN:VEVENT\r\nUID:y\r\nSUMMARY:Studiedag\r\nEND:VEVENT\r\n" +
                          all_day_event("z", "Caféweek", "20261005", "20261010")),
            "caf");
        REQUIRE(found);
        CHECK(weeks_of(*found) == std::vector<Week>{{2026, 2026, 41}});
    }
}
