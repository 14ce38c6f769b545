#pragma once
// iCalendar (RFC 5545): a network's meetings as a calendar file that Outlook, Google and Apple
// calendars subscribe to, and café weeks and school holidays read from a school's calendar export
// (ParnasSys).
// libical stays inside ics.cpp.
#include <string>
#include <string_view>
#include <vector>

#include "bot/vocab/model.hpp"
#include "bot/vocab/result.hpp"
#include "bot/vocab/send_window.hpp"
#include "bot/ports/store.hpp"

namespace leernetwerk::app {

/// A VCALENDAR (METHOD:PUBLISH) with one VEVENT per meeting, cancelled ones included, and a
/// VTIMEZONE for `zone` covering the meetings' years. UIDs are `meeting-<id>@<uid_domain>`, so a
/// calendar that imports the file again updates its events instead of adding new ones; SEQUENCE
/// is the meeting's revision. `now` is the DTSTAMP. Fails (config) when `zone` is unknown.
Result<std::string> meetings_to_ics(const Network& network, const std::vector<Meeting>& meetings,
                                    std::string_view zone, std::string_view uid_domain,
                                    Instant now);

/// The body of the secret calendar feed `GET /ics/<token>.ics` (`agenda-link`): the network's
/// meetings, or for a personal feed only those its member said they would come to (RSVP yes). The
/// token is looked up by its hash (calendar_feed.hpp). nullopt, whatever the reason, for a token
/// that is unknown, revoked or malformed, a personal feed of someone no longer in the network, or
/// a network whose time zone is unknown: the caller answers each the same (404).
std::optional<std::string> calendar_feed_body(Store& store, std::string_view token,
                                              std::string_view default_zone,
                                              std::string_view uid_domain, Instant now);

/// The domain part of exported UIDs: the server of the Matrix user id ("@bot:school.nl" ->
/// "school.nl"), else the bot name as a slug ("Leernetwerk bot" -> "leernetwerk-bot").
std::string ics_uid_domain(std::string_view matrix_user_id, std::string_view bot_name);

/// What `cafe_weeks_from_ics` found.
struct CafeWeekImport {
    /// Sorted by school year, then calendar order; each week once per school year.
    std::vector<CafeWeek> weeks;
    int events = 0;   ///< VEVENTs in the file
    int matched = 0;  ///< of which the SUMMARY matched and the event was not cancelled
};

/// Reads café weeks from an iCalendar file: every VEVENT whose SUMMARY contains `match` (case-
/// and accent-insensitive; empty matches all) gives each ISO week in which it covers a weekday
/// (Monday to Friday), grouped by the school year of that day. All-day events and date-times in
/// their own TZID are taken as written; UTC date-times are converted to `zone`. Recurring events
/// (RRULE, minus EXDATEs and moved occurrences) are expanded up to two years from their start and
/// at most 200 times. Cancelled events are skipped. Fails (bad_input) naming what is wrong when
/// the text is no calendar or a matching event has no usable dates.
Result<CafeWeekImport> cafe_weeks_from_ics(std::string_view ics_text,
                                           std::string_view match = "caf",
                                           std::string_view zone = "Europe/Amsterdam");

/// What `holidays_from_ics` found.
struct HolidayImport {
    /// In calendar order; each named period once.
    std::vector<HolidayPeriod> holidays;
    int events = 0;   ///< VEVENTs in the file
    int matched = 0;  ///< of which the SUMMARY matched and the event was not cancelled
};

/// Reads school holidays and days off from an iCalendar file (a school's calendar export, or an
/// overview of the school holidays): every VEVENT whose SUMMARY contains `match` (case- and
/// accent-insensitive), or with an empty `match` one of "vakantie", "vrij", "studiedag",
/// "feestdag", "holiday", "vacation", "day off"; `match` "*" takes every event. Each occurrence
/// gives one period from its first to its last day (an all-day event's DTEND is the day after).
/// Dates are read as cafe_weeks_from_ics reads them; fails the same way.
Result<HolidayImport> holidays_from_ics(std::string_view ics_text, std::string_view match = "",
                                        std::string_view zone = "Europe/Amsterdam");

}  // namespace leernetwerk::app
