// A network's meetings as iCalendar (with a VTIMEZONE built from the tz database), and the
// calendar feeds `serve` answers. Reading school calendars is in ics_import.cpp.
#include "app/ics.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>

#include <date/tz.h>
#include <libical/ical.h>

#include "app/ics_component.hpp"
#include "bot/features/calendar/calendar_feed.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::app {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

constexpr const char* kProductId = "-//Leernetwerk bot//NL";

// ---- times between the project's types and libical's ------------------------------------------

icaltimetype local_to_ical(LocalTime local) {
    const auto day = date::floor<date::days>(local);
    const date::year_month_day ymd{day};
    const date::hh_mm_ss time{local - LocalTime{day}};
    icaltimetype value = icaltime_null_time();
    value.year = static_cast<int>(ymd.year());
    value.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
    value.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
    value.hour = static_cast<int>(time.hours().count());
    value.minute = static_cast<int>(time.minutes().count());
    value.second = static_cast<int>(time.seconds().count());
    value.is_date = 0;
    return value;
}

icaltimetype utc_to_ical(Instant instant) {
    icaltimetype value = local_to_ical(LocalTime{instant.time_since_epoch()});
    value.zone = icaltimezone_get_utc_timezone();
    return value;
}

// ---- VTIMEZONE from the tz database ------------------------------------------------------------

/// One observance of a zone: its offset and name from its onsets on. Outlook needs these to place
/// a TZID it does not know by its IANA name.
struct Observance {
    bool daylight = false;
    seconds from{};
    seconds to{};
    std::string name;
    std::vector<LocalTime> onsets;  ///< wall-clock times before each change (RFC 5545 DTSTART)
};

std::vector<Observance> observances(const date::time_zone& tz, int first_year, int last_year) {
    const Instant begin{date::sys_days{date::year{first_year} / date::January / 1}};
    const Instant end{date::sys_days{date::year{last_year + 1} / date::January / 1}};
    std::vector<Observance> result;
    auto info = tz.get_info(begin);
    const auto initial = info;
    while (info.end < end) {
        const auto next = tz.get_info(info.end);
        const bool daylight = next.save != minutes{0};
        const LocalTime onset{(next.begin + info.offset).time_since_epoch()};
        const auto same = [&](const Observance& o) {
            return o.daylight == daylight && o.from == info.offset && o.to == next.offset &&
                   o.name == next.abbrev;
        };
        if (auto found = std::find_if(result.begin(), result.end(), same); found != result.end()) {
            found->onsets.push_back(onset);
        } else {
            result.push_back({daylight, info.offset, next.offset, next.abbrev, {onset}});
        }
        info = next;
    }
    // Before the first change (or for a zone without changes) the offset at `begin` holds; the
    // first year is a margin, so it is only needed when nothing changes in it.
    const LocalTime margin_end{LocalDay{date::year{first_year + 1} / date::January / 1}};
    const bool changes_in_margin = std::any_of(
        result.begin(), result.end(), [&](const auto& o) { return o.onsets.front() < margin_end; });
    if (!changes_in_margin) {
        result.insert(result.begin(),
                      Observance{initial.save != minutes{0},
                                 initial.offset,
                                 initial.offset,
                                 initial.abbrev,
                                 {LocalTime{(begin + initial.offset).time_since_epoch()}}});
    }
    return result;
}

/// "FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU" when every onset falls on the same weekday of the same month
/// at the same time, counted the same way (last, or n-th, of the month); empty when they do not.
std::string yearly_rule(const std::vector<LocalTime>& onsets) {
    static constexpr const char* kDays[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};
    struct Shape {
        unsigned month;
        unsigned weekday;
        seconds time;
        unsigned nth;
        bool last;
    };
    std::vector<Shape> shapes;
    for (const auto onset : onsets) {
        const auto day = date::floor<date::days>(onset);
        const date::year_month_day ymd{day};
        const auto month_end =
            date::year_month_day_last{ymd.year(), date::month_day_last{ymd.month()}};
        const unsigned d = static_cast<unsigned>(ymd.day());
        shapes.push_back({static_cast<unsigned>(ymd.month()), date::weekday{day}.c_encoding(),
                          onset - LocalTime{day}, (d - 1) / 7 + 1,
                          d + 7 > static_cast<unsigned>(month_end.day())});
    }
    const auto& first = shapes.front();
    const bool same_day = std::all_of(shapes.begin(), shapes.end(), [&](const Shape& s) {
        return s.month == first.month && s.weekday == first.weekday && s.time == first.time;
    });
    if (!same_day) {
        return {};
    }
    std::string position;
    if (std::all_of(shapes.begin(), shapes.end(), [](const Shape& s) { return s.last; })) {
        position = "-1";
    } else if (std::all_of(shapes.begin(), shapes.end(),
                           [&](const Shape& s) { return s.nth == first.nth; })) {
        position = std::to_string(first.nth);
    } else {
        return {};
    }
    return "FREQ=YEARLY;BYMONTH=" + std::to_string(first.month) + ";BYDAY=" + position +
           kDays[first.weekday];
}

/// The zone's observances from `first_year` to `last_year`: a yearly RRULE where the zone follows
/// one in every one of those years (what Outlook handles best), explicit RDATEs otherwise.
Result<icalcomponent*> vtimezone(std::string_view zone, int first_year, int last_year) {
    const date::time_zone* tz = nullptr;
    try {
        tz = date::locate_zone(zone);
    } catch (const std::runtime_error&) {
        return fail(ErrorCode::config, "unknown time zone \"" + std::string(zone) +
                                           "\" (expected an IANA zone like Europe/Amsterdam)");
    }
    icalcomponent* result = icalcomponent_new(ICAL_VTIMEZONE_COMPONENT);
    icalcomponent_add_property(result, icalproperty_new_tzid(std::string(zone).c_str()));
    const auto years = static_cast<std::size_t>(last_year - first_year) + 1;
    for (const auto& observance : observances(*tz, first_year, last_year)) {
        icalcomponent* part = icalcomponent_new(observance.daylight ? ICAL_XDAYLIGHT_COMPONENT
                                                                    : ICAL_XSTANDARD_COMPONENT);
        icalcomponent_add_property(
            part, icalproperty_new_dtstart(local_to_ical(observance.onsets.front())));
        icalcomponent_add_property(
            part, icalproperty_new_tzoffsetfrom(static_cast<int>(observance.from.count())));
        icalcomponent_add_property(
            part, icalproperty_new_tzoffsetto(static_cast<int>(observance.to.count())));
        icalcomponent_add_property(part, icalproperty_new_tzname(observance.name.c_str()));
        const std::string rule =
            observance.onsets.size() == years ? yearly_rule(observance.onsets) : std::string{};
        if (!rule.empty()) {
            icalcomponent_add_property(
                part, icalproperty_new_rrule(icalrecurrencetype_from_string(rule.c_str())));
        } else {
            for (std::size_t i = 1; i < observance.onsets.size(); ++i) {
                icaldatetimeperiodtype rdate{};
                rdate.time = local_to_ical(observance.onsets[i]);
                rdate.period = icalperiodtype_null_period();
                icalcomponent_add_property(part, icalproperty_new_rdate(rdate));
            }
        }
        icalcomponent_add_component(result, part);
    }
    return result;
}

/// RFC 5545 TEXT escaping.
std::string escape_text(std::string_view text) {
    std::string result;
    for (const char c : text) {
        if (c == '\\' || c == ';' || c == ',') {
            result += '\\';
            result += c;
        } else if (c == '\n') {
            result += "\\n";
        } else if (c != '\r') {
            result += c;
        }
    }
    return result;
}

/// A content line with CRLF, folded at 75 octets (RFC 5545 3.1) between UTF-8 characters.
std::string folded_line(std::string_view line) {
    std::string result;
    std::size_t width = 75;
    while (line.size() > width) {
        std::size_t cut = width;
        while (cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) {
            --cut;
        }
        result.append(line.substr(0, cut));
        result += "\r\n ";
        line.remove_prefix(cut);
        width = 74;  // the leading space of a continuation counts
    }
    result.append(line);
    result += "\r\n";
    return result;
}

icalproperty* with_tzid(icalproperty* property, const std::string& zone) {
    icalproperty_add_parameter(property, icalparameter_new_tzid(zone.c_str()));
    return property;
}

}  // namespace

Result<std::string> meetings_to_ics(const Network& network, const std::vector<Meeting>& meetings,
                                    std::string_view zone, std::string_view uid_domain,
                                    Instant now) {
    if (!is_known_zone(zone)) {
        return fail(ErrorCode::config, "unknown time zone \"" + std::string(zone) +
                                           "\" (expected an IANA zone like Europe/Amsterdam)");
    }
    const std::string tzid(zone);
    Component calendar{icalcomponent_new(ICAL_VCALENDAR_COMPONENT)};
    icalcomponent_add_property(calendar.get(), icalproperty_new_prodid(kProductId));
    icalcomponent_add_property(calendar.get(), icalproperty_new_version("2.0"));
    icalcomponent_add_property(calendar.get(), icalproperty_new_calscale("GREGORIAN"));
    icalcomponent_add_property(calendar.get(), icalproperty_new_method(ICAL_METHOD_PUBLISH));
    icalcomponent_add_property(calendar.get(), icalproperty_new_name(network.name.c_str()));
    // libical 3.0 leaves commas and semicolons in X- properties unescaped, so the calendar name
    // that Outlook and Google show is written by hand in place of this placeholder.
    icalproperty* calendar_name = icalproperty_new_x("-");
    icalproperty_set_x_name(calendar_name, "X-WR-CALNAME");
    icalcomponent_add_property(calendar.get(), calendar_name);
    icalproperty* calendar_zone = icalproperty_new_x(tzid.c_str());
    icalproperty_set_x_name(calendar_zone, "X-WR-TIMEZONE");
    icalcomponent_add_property(calendar.get(), calendar_zone);

    if (!meetings.empty()) {
        const auto year_of = [](const Meeting& meeting) {
            const date::year_month_day ymd{date::floor<date::days>(meeting.local_start)};
            return static_cast<int>(ymd.year());
        };
        const auto [earliest, latest] = std::minmax_element(
            meetings.begin(), meetings.end(),
            [&](const Meeting& a, const Meeting& b) { return year_of(a) < year_of(b); });
        auto timezone = vtimezone(zone, year_of(*earliest) - 1, year_of(*latest) + 1);
        if (!timezone) {
            return tl::unexpected(timezone.error());
        }
        icalcomponent_add_component(calendar.get(), *timezone);
    }

    for (const auto& meeting : meetings) {
        const auto start = to_instant(meeting.local_start, zone);
        const auto end = to_local(start->instant + minutes{meeting.duration_minutes}, zone);
        icalcomponent* event = icalcomponent_new(ICAL_VEVENT_COMPONENT);
        const std::string uid =
            "meeting-" + std::to_string(meeting.id) + "@" + std::string(uid_domain);
        icalcomponent_add_property(event, icalproperty_new_uid(uid.c_str()));
        icalcomponent_add_property(event, icalproperty_new_dtstamp(utc_to_ical(now)));
        icalcomponent_add_property(
            event, with_tzid(icalproperty_new_dtstart(local_to_ical(meeting.local_start)), tzid));
        icalcomponent_add_property(event,
                                   with_tzid(icalproperty_new_dtend(local_to_ical(*end)), tzid));
        icalcomponent_add_property(event, icalproperty_new_sequence(meeting.revision));
        const std::string summary =
            meeting.topic.empty() ? network.name + ": bijeenkomst" : meeting.topic;
        icalcomponent_add_property(event, icalproperty_new_summary(summary.c_str()));
        if (!meeting.location.empty()) {
            icalcomponent_add_property(event, icalproperty_new_location(meeting.location.c_str()));
        }
        icalcomponent_add_property(
            event, icalproperty_new_status(meeting.status == MeetingStatus::cancelled
                                               ? ICAL_STATUS_CANCELLED
                                               : ICAL_STATUS_CONFIRMED));
        icalcomponent_add_component(calendar.get(), event);
    }

    char* text = icalcomponent_as_ical_string_r(calendar.get());
    std::string result(text);
    icalmemory_free_buffer(text);
    constexpr std::string_view kPlaceholder = "X-WR-CALNAME:-\r\n";
    if (const auto at = result.find(kPlaceholder); at != std::string::npos) {
        result.replace(at, kPlaceholder.size(),
                       folded_line("X-WR-CALNAME:" + escape_text(network.name)));
    }
    return result;
}

std::optional<std::string> calendar_feed_body(Store& store, std::string_view token,
                                              std::string_view default_zone,
                                              std::string_view uid_domain, Instant now) {
    // A malformed token is hashed and looked up like any other: one answer, one cost.
    const auto feed = store.calendar_feed(calendar_feed_token_hash(token));
    if (!feed) {
        return std::nullopt;
    }
    const auto network = store.network(feed->network_id);
    if (!network) {
        return std::nullopt;
    }
    auto meetings = store.meetings_of(network->id);
    if (feed->member_id) {
        if (!store.membership(network->id, *feed->member_id)) {
            return std::nullopt;
        }
        std::set<Id> coming;
        for (const auto& rsvp : store.rsvps_of_member(*feed->member_id)) {
            if (rsvp.answer == RsvpAnswer::coming) {
                coming.insert(rsvp.meeting_id);
            }
        }
        std::erase_if(meetings,
                      [&](const Meeting& meeting) { return !coming.contains(meeting.id); });
    }
    const std::string_view zone = network->time_zone.empty() ? default_zone : network->time_zone;
    auto ics = meetings_to_ics(*network, meetings, zone, uid_domain, now);
    if (!ics) {
        return std::nullopt;
    }
    return std::move(*ics);
}

std::string ics_uid_domain(std::string_view matrix_user_id, std::string_view bot_name) {
    if (const auto colon = matrix_user_id.find(':');
        colon != std::string_view::npos && colon + 1 < matrix_user_id.size()) {
        return std::string(matrix_user_id.substr(colon + 1));
    }
    std::string slug;
    for (const char c : fold(bot_name)) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            slug += c;
        } else if (!slug.empty() && slug.back() != '-') {
            slug += '-';
        }
    }
    while (!slug.empty() && slug.back() == '-') {
        slug.pop_back();
    }
    return slug.empty() ? "leernetwerk" : slug;
}

}  // namespace leernetwerk::app
