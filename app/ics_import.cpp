// Café weeks and school holidays read from a school administration system's calendar export
// (.ics): recurring events, moved and cancelled occurrences, dates and UTC times.
#include "app/ics.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <tuple>

#include <date/tz.h>
#include <libical/ical.h>

#include "app/ics_component.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::app {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

struct RecurIteratorDeleter {
    void operator()(icalrecur_iterator* iterator) const { icalrecur_iterator_free(iterator); }
};

constexpr auto kRecurrenceWindow = date::days{731};  // two years
constexpr int kMaxOccurrences = 200;
constexpr auto kMaxEventLength = date::days{366};

// ---- times as a calendar means them -------------------------------------------------------------

/// The value's fields as written, without any zone; nullopt when they are no date.
std::optional<LocalTime> ical_fields(const icaltimetype& value) {
    const date::year_month_day ymd{date::year{value.year}, date::month(value.month),
                                   date::day(value.day)};
    if (icaltime_is_null_time(value) || !ymd.ok() || value.hour < 0 || value.hour > 23 ||
        value.minute < 0 || value.minute > 59 || value.second < 0 || value.second > 60) {
        return std::nullopt;
    }
    return LocalTime{LocalDay{ymd}} + hours{value.hour} + minutes{value.minute} +
           seconds{value.second};
}

/// The wall-clock time a calendar means: dates, floating times and times in their own TZID as
/// written (the school's calendar is in the school's zone), UTC times converted to `zone`.
std::optional<LocalTime> wall_clock(const icaltimetype& value, std::string_view zone) {
    const auto written = ical_fields(value);
    if (!written || value.is_date || !icaltime_is_utc(value)) {
        return written;
    }
    return to_local(Instant{written->time_since_epoch()}, zone);
}

// ---- reading events ----------------------------------------------------------------------------

/// How an error names an event: its UID, else its SUMMARY.
std::string who(icalcomponent* event) {
    if (const char* uid = icalcomponent_get_uid(event); uid && *uid) {
        return std::string("UID ") + uid;
    }
    if (const char* summary = icalcomponent_get_summary(event); summary && *summary) {
        return std::string("SUMMARY \"") + summary + "\"";
    }
    return "no UID";
}

/// libical drops a property it cannot read and leaves an X-LIC-ERROR saying why.
std::string parse_errors(icalcomponent* event) {
    std::string result;
    for (icalproperty* error = icalcomponent_get_first_property(event, ICAL_XLICERROR_PROPERTY);
         error; error = icalcomponent_get_next_property(event, ICAL_XLICERROR_PROPERTY)) {
        result += result.empty() ? ": " : "; ";
        result += icalproperty_get_xlicerror(error);
    }
    return result;
}

/// A stretch of wall-clock time; `end` is exclusive.
struct Span {
    LocalTime start;
    LocalTime end;
};

Result<Span> event_span(icalcomponent* event, std::string_view zone) {
    icalproperty* start_property = icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY);
    if (!start_property) {
        return fail(ErrorCode::bad_input,
                    "VEVENT without DTSTART (" + who(event) + ")" + parse_errors(event));
    }
    const icaltimetype start_value = icalproperty_get_dtstart(start_property);
    const auto start = wall_clock(start_value, zone);
    if (!start) {
        return fail(ErrorCode::bad_input,
                    "VEVENT with an unreadable DTSTART (" + who(event) + ")" + parse_errors(event));
    }
    LocalTime end = start_value.is_date ? *start + date::days{1} : *start;
    if (icalproperty* end_property = icalcomponent_get_first_property(event, ICAL_DTEND_PROPERTY)) {
        const auto value = wall_clock(icalproperty_get_dtend(end_property), zone);
        if (!value) {
            return fail(ErrorCode::bad_input, "VEVENT with an unreadable DTEND (" + who(event) +
                                                  ")" + parse_errors(event));
        }
        end = *value;
    } else if (icalproperty* duration =
                   icalcomponent_get_first_property(event, ICAL_DURATION_PROPERTY)) {
        end = *start + seconds{icaldurationtype_as_int(icalproperty_get_duration(duration))};
    }
    if (end < *start) {
        return fail(ErrorCode::bad_input, "VEVENT ends before it starts (" + who(event) + ")");
    }
    if (end - *start > kMaxEventLength) {
        return fail(ErrorCode::bad_input,
                    "VEVENT lasts more than a year, too long for a café week (" + who(event) + ")");
    }
    return Span{*start, end};
}

/// Occurrences of a recurring event moved to another time: a VEVENT with the same UID and a
/// RECURRENCE-ID takes the place of the occurrence at that time.
using MovedOccurrences = std::map<std::string, std::set<LocalTime>>;

MovedOccurrences moved_occurrences(const std::vector<icalcomponent*>& events,
                                   std::string_view zone) {
    MovedOccurrences result;
    for (icalcomponent* event : events) {
        const char* uid = icalcomponent_get_uid(event);
        if (!uid || !icalcomponent_get_first_property(event, ICAL_RECURRENCEID_PROPERTY)) {
            continue;
        }
        if (const auto at = wall_clock(icalcomponent_get_recurrenceid(event), zone)) {
            result[uid].insert(*at);
        }
    }
    return result;
}

/// The event's occurrences: itself, or with an RRULE and RDATEs its expansion within the window.
Result<std::vector<Span>> occurrences(icalcomponent* event, const Span& first,
                                      const std::set<LocalTime>& moved, std::string_view zone) {
    icalproperty* rule = icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY);
    icalproperty* extra = icalcomponent_get_first_property(event, ICAL_RDATE_PROPERTY);
    if (!rule && !extra) {
        return std::vector<Span>{first};
    }
    std::set<LocalTime> excluded = moved;
    std::set<LocalDay> excluded_days;
    for (icalproperty* exdate = icalcomponent_get_first_property(event, ICAL_EXDATE_PROPERTY);
         exdate; exdate = icalcomponent_get_next_property(event, ICAL_EXDATE_PROPERTY)) {
        const icaltimetype value = icalproperty_get_exdate(exdate);
        if (const auto at = wall_clock(value, zone)) {
            if (value.is_date) {
                excluded_days.insert(date::floor<date::days>(*at));
            } else {
                excluded.insert(*at);
            }
        }
    }
    const auto length = first.end - first.start;
    const auto window_end = first.start + kRecurrenceWindow;
    std::set<LocalTime> starts;
    if (rule) {
        const icaltimetype start_value = icalproperty_get_dtstart(
            icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY));
        std::unique_ptr<icalrecur_iterator, RecurIteratorDeleter> iterator{
            icalrecur_iterator_new(icalproperty_get_rrule(rule), start_value)};
        if (!iterator) {
            return fail(ErrorCode::bad_input,
                        "VEVENT with an RRULE libical cannot expand (" + who(event) + ")");
        }
        for (int count = 0; count < kMaxOccurrences; ++count) {
            const icaltimetype next = icalrecur_iterator_next(iterator.get());
            const auto at = icaltime_is_null_time(next) ? std::nullopt : wall_clock(next, zone);
            if (!at || *at >= window_end) {
                break;
            }
            starts.insert(*at);
        }
    }
    starts.insert(first.start);  // DTSTART is always the first occurrence (RFC 5545 3.8.5.3)
    for (; extra; extra = icalcomponent_get_next_property(event, ICAL_RDATE_PROPERTY)) {
        if (const auto at = wall_clock(icalproperty_get_rdate(extra).time, zone)) {
            starts.insert(*at);
        }
    }
    std::vector<Span> result;
    for (const auto start : starts) {
        if (!excluded.contains(start) && !excluded_days.contains(date::floor<date::days>(start)) &&
            result.size() < static_cast<std::size_t>(kMaxOccurrences)) {
            result.push_back({start, start + length});
        }
    }
    return result;
}

using WeekKey = std::tuple<int, int, unsigned>;  // school year, ISO year, ISO week

/// Each ISO week in which the span covers a weekday; a weekend alone is no café week.
void add_weeks(const Span& span, std::set<WeekKey>& weeks) {
    const auto first = date::floor<date::days>(span.start);
    const auto last =
        span.end > span.start ? date::floor<date::days>(span.end - seconds{1}) : first;
    for (auto day = first; day <= last; day += date::days{1}) {
        const date::weekday weekday{day};
        if (weekday == date::Saturday || weekday == date::Sunday) {
            continue;
        }
        const auto [iso_year, iso_week] = iso_week_of(day);
        weeks.insert({school_year_of(day), iso_year, iso_week});
    }
}

/// The occurrences of the events whose summary `matches`, with their summary.
struct MatchedEvents {
    int events = 0;
    int matched = 0;
    std::vector<std::pair<std::string, Span>> occurrences;
};

Result<MatchedEvents> matching_occurrences(std::string_view ics_text,
                                           const std::function<bool(std::string_view)>& matches,
                                           std::string_view zone) {
    // Windows tools write a byte order mark, which libical does not skip.
    if (ics_text.starts_with("\xEF\xBB\xBF")) {
        ics_text.remove_prefix(3);
    }
    const std::string text(ics_text);
    Component root{icalparser_parse_string(text.c_str())};
    std::vector<icalcomponent*> calendars;
    if (root && icalcomponent_isa(root.get()) == ICAL_VCALENDAR_COMPONENT) {
        calendars.push_back(root.get());
    } else if (root && icalcomponent_isa(root.get()) == ICAL_XROOT_COMPONENT) {
        for (icalcomponent* child =
                 icalcomponent_get_first_component(root.get(), ICAL_VCALENDAR_COMPONENT);
             child;
             child = icalcomponent_get_next_component(root.get(), ICAL_VCALENDAR_COMPONENT)) {
            calendars.push_back(child);
        }
    }
    if (calendars.empty()) {
        return fail(ErrorCode::bad_input,
                    "no VCALENDAR found: an iCalendar file starts with BEGIN:VCALENDAR");
    }
    std::vector<icalcomponent*> events;
    for (icalcomponent* calendar : calendars) {
        for (icalcomponent* event =
                 icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
             event; event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
            events.push_back(event);
        }
    }

    MatchedEvents result;
    result.events = static_cast<int>(events.size());
    const auto moved = moved_occurrences(events, zone);
    for (icalcomponent* event : events) {
        const char* summary = icalcomponent_get_summary(event);
        if (!matches(summary ? summary : "") ||
            icalcomponent_get_status(event) == ICAL_STATUS_CANCELLED) {
            continue;
        }
        ++result.matched;
        const auto span = event_span(event, zone);
        if (!span) {
            return tl::unexpected(span.error());
        }
        const char* uid = icalcomponent_get_uid(event);
        const bool is_override =
            icalcomponent_get_first_property(event, ICAL_RECURRENCEID_PROPERTY);
        static const std::set<LocalTime> kNone;
        const auto found = uid && !is_override ? moved.find(uid) : moved.end();
        const auto spans =
            occurrences(event, *span, found == moved.end() ? kNone : found->second, zone);
        if (!spans) {
            return tl::unexpected(spans.error());
        }
        for (const auto& occurrence : *spans) {
            result.occurrences.emplace_back(summary ? summary : "", occurrence);
        }
    }
    return result;
}

}  // namespace

Result<CafeWeekImport> cafe_weeks_from_ics(std::string_view ics_text, std::string_view match,
                                           std::string_view zone) {
    const std::string needle = fold(match);
    const auto found = matching_occurrences(
        ics_text,
        [&](std::string_view summary) {
            return needle.empty() || fold(summary).find(needle) != std::string::npos;
        },
        zone);
    if (!found) {
        return tl::unexpected(found.error());
    }
    std::set<WeekKey> weeks;
    for (const auto& [summary, occurrence] : found->occurrences) {
        add_weeks(occurrence, weeks);
    }
    CafeWeekImport result;
    result.events = found->events;
    result.matched = found->matched;
    for (const auto& [school_year, iso_year, iso_week] : weeks) {
        result.weeks.push_back({school_year, iso_year, iso_week});
    }
    return result;
}

Result<HolidayImport> holidays_from_ics(std::string_view ics_text, std::string_view match,
                                        std::string_view zone) {
    static constexpr std::string_view kHolidayWords[] = {"vakantie", "vrij",     "studiedag",
                                                         "feestdag", "holiday",  "vacation",
                                                         "vrije dag", "day off"};
    const std::string needle = fold(match);
    const auto found = matching_occurrences(
        ics_text,
        [&](std::string_view summary) {
            const auto folded = fold(summary);
            if (match == "*") {
                return true;
            }
            if (!needle.empty()) {
                return folded.find(needle) != std::string::npos;
            }
            return std::any_of(std::begin(kHolidayWords), std::end(kHolidayWords),
                               [&](std::string_view word) {
                                   return folded.find(word) != std::string::npos;
                               });
        },
        zone);
    if (!found) {
        return tl::unexpected(found.error());
    }
    HolidayImport result;
    result.events = found->events;
    result.matched = found->matched;
    for (const auto& [summary, occurrence] : found->occurrences) {
        const auto first = date::floor<date::days>(occurrence.start);
        const auto last = occurrence.end > occurrence.start
                              ? date::floor<date::days>(occurrence.end - seconds{1})
                              : first;
        result.holidays.push_back({std::string(trim(summary)), first, last});
    }
    std::sort(result.holidays.begin(), result.holidays.end(),
              [](const HolidayPeriod& a, const HolidayPeriod& b) {
                  return std::tie(a.first, a.last) < std::tie(b.first, b.last);
              });
    result.holidays.erase(std::unique(result.holidays.begin(), result.holidays.end()),
                          result.holidays.end());
    return result;
}

}  // namespace leernetwerk::app
