// A school year of reminders through the scheduler, in process (no HTTP): it fills a SQLite file
// (WAL, as in production) with networks, members, café weeks and meetings, lets the Bot schedule
// the default reminder rules, and then runs 1 August 2026 .. 31 July 2027 through Bot::tick on a
// simulated clock that jumps from one due job to the next, the way the runtime's timer does. A
// fake dispatcher marks the outbox rows sent after each instant, so the outbox stays as small as
// a live one. Prints the wall time of scheduling and of the year, reminders and messages per
// second, the deepest the outbox got, peak memory and the database size.
//
// It fails (exit 1, no "OK" line) when no reminder fired, when one (kind, key) job sent twice, or
// when a network did not get exactly one day-before reminder per meeting.
//
// Usage: reminders_year [--networks 500] [--members 10000] [--meetings 4] [--db PATH]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "bench/report.hpp"
#include "bench/server_process.hpp"
#include "bot/engine/bot.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/send_window.hpp"
#include "bot/vocab/when.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

using namespace leernetwerk;
using Clock = std::chrono::steady_clock;
using bench::file_size_or_zero;
using bench::fixed;
using bench::remove_database;
using bench::row;
using bench::seconds_since;
using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;

constexpr std::string_view kZone = "Europe/Amsterdam";
constexpr int kSchoolYear = 2026;
constexpr std::string_view kHolidayRegion = "midden";
/// HSN café weeks of 2026-2027, spread over the year as a school board would set them.
constexpr unsigned kCafeWeeks[] = {41, 47, 6, 12, 20};
/// Meetings fall on Tuesday, Wednesday or Thursday of a café week; three days per week.
constexpr int kMeetingDaysPerWeek = 3;
/// The job kind the core gives reminders (bot/turn.hpp; internal to the core, so repeated here).
constexpr std::string_view kReminderJobKind = "reminder";
/// How many outbox rows the fake dispatcher marks sent per read, like a real send loop's batch.
constexpr int kDispatchBatch = 1000;

struct Options {
    int networks = 500;
    int members = 10'000;
    int meetings = 4;
    std::string db;  ///< empty: a temporary file, deleted afterwards
};

void usage() {
    std::cerr << "usage: reminders_year [--networks 500] [--members 10000] [--meetings 4]"
                 " [--db PATH]\n";
}

std::optional<Options> parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (i + 1 >= argc) {
            return std::nullopt;
        }
        const std::string value = argv[++i];
        if (flag == "--db") {
            options.db = value;
            continue;
        }
        int* target = flag == "--networks"   ? &options.networks
                      : flag == "--members"  ? &options.members
                      : flag == "--meetings" ? &options.meetings
                                             : nullptr;
        if (target == nullptr) {
            return std::nullopt;
        }
        char* end = nullptr;
        const long number = std::strtol(value.c_str(), &end, 10);
        if (*end != '\0' || number < 1 || number > 10'000'000) {
            return std::nullopt;
        }
        *target = static_cast<int>(number);
    }
    const int max_meetings = static_cast<int>(std::size(kCafeWeeks)) * kMeetingDaysPerWeek;
    if (options.members < options.networks || options.meetings > max_meetings) {
        std::cerr << "need at least one member per network and at most " << max_meetings
                  << " meetings per network (" << kMeetingDaysPerWeek << " per café week)\n";
        return std::nullopt;
    }
    return options;
}

Instant local_instant(LocalTime local) {
    const auto zoned = to_instant(local, kZone);
    if (!zoned) {
        std::cerr << "the tz database does not know " << kZone << "\n";
        std::exit(1);
    }
    return zoned->instant;
}

/// What the core reports about each reminder job through its log. Bot::tick only returns how
/// many jobs ran, so the outcomes (sent, dropped, skipped, deferred) are counted from the lines
/// run_reminder writes: "reminder sent: <kind> (<key>) for ...".
struct ReminderLog {
    std::map<std::string, int> sent_by_kind;
    std::set<std::string> sent_keys;
    std::vector<std::string> sent_twice;  ///< keys that sent a second time: must stay empty
    int sent = 0;
    int dropped = 0;
    int skipped = 0;
    int deferred = 0;
    int errors = 0;
    std::string first_error;

    void take(LogLevel level, std::string_view line) {
        if (level == LogLevel::error) {
            if (errors++ == 0) {
                first_error = line;
            }
            return;
        }
        constexpr std::string_view kSent = "reminder sent: ";
        if (line.starts_with(kSent)) {
            ++sent;
            line.remove_prefix(kSent.size());
            const auto open = line.find(" (");
            const auto close = line.find(')', open);
            if (open == std::string_view::npos || close == std::string_view::npos) {
                return;
            }
            ++sent_by_kind[std::string(line.substr(0, open))];
            std::string key(line.substr(open + 2, close - open - 2));
            if (!sent_keys.insert(key).second) {
                sent_twice.push_back(std::move(key));
            }
        } else if (line.starts_with("reminder dropped: ")) {
            ++dropped;
        } else if (line.starts_with("reminder deferred")) {
            ++deferred;
        } else if (line.starts_with("reminder ") && line.find(" skipped: ") != line.npos) {
            ++skipped;
        }
    }
};

/// Café weeks, networks, members with a console identity, one group conversation per network,
/// and meetings at 15:30 in café weeks with two preparers each. A hundred networks per
/// transaction: one commit per network would measure fsyncs, not the scheduler.
void populate(Store& store, const Options& options, Instant created) {
    std::vector<CafeWeek> weeks;
    for (const auto week : kCafeWeeks) {
        weeks.push_back({kSchoolYear, iso_year_for_school_week(kSchoolYear, week), week});
    }
    store.transaction([&] { store.set_cafe_weeks(kSchoolYear, weeks); });

    constexpr int kNetworksPerTransaction = 100;
    for (int first = 0; first < options.networks; first += kNetworksPerTransaction) {
        store.transaction([&] {
            const int last = std::min(options.networks, first + kNetworksPerTransaction);
            for (int n = first; n < last; ++n) {
                Network network;
                network.name = "Leernetwerk " + std::to_string(n + 1);
                network.theme = "Thema " + std::to_string(n % 17 + 1);
                network.created_at = created;
                network.id = store.create_network(network);
                store.bind_conversation(
                    {Platform::console, "group-" + std::to_string(network.id), network.id});

                // The remainder of members / networks goes one each to the first networks.
                const int size = options.members / options.networks +
                                 (n < options.members % options.networks ? 1 : 0);
                std::vector<Id> people;
                for (int m = 0; m < size; ++m) {
                    Member member;
                    member.display_name =
                        "Docent " + std::to_string(n + 1) + "-" + std::to_string(m + 1);
                    member.created_at = created;
                    member.id = store.create_member(member);
                    store.link_identity(
                        {Platform::console, "docent-" + std::to_string(member.id), member.id});
                    store.add_membership({network.id, member.id,
                                          m == 0 ? Role::organiser : Role::participant, created});
                    people.push_back(member.id);
                }

                for (int k = 0; k < options.meetings; ++k) {
                    // Networks start at different café weeks and weekdays, so the load is spread
                    // over the year instead of every network meeting on the same afternoon.
                    const auto& week = weeks[(n + k) % weeks.size()];
                    const auto monday = monday_of_iso_week(week.iso_year, week.iso_week);
                    const int weekday =
                        1 + (n + k / static_cast<int>(weeks.size())) % kMeetingDaysPerWeek;
                    Meeting meeting;
                    meeting.network_id = network.id;
                    meeting.local_start =
                        LocalTime{*monday + days{weekday}} + hours{15} + minutes{30};
                    meeting.starts_at = local_instant(meeting.local_start);
                    meeting.location = "Lokaal " + std::to_string(k + 1);
                    meeting.topic = "Bijeenkomst " + std::to_string(k + 1);
                    // Two participants prepare it (the organiser too in a network of two).
                    for (int p = 0; p < 2 && p < size; ++p) {
                        const auto index = size == 1 ? 0 : 1 + (2 * k + p) % (size - 1);
                        if (std::find(meeting.preparer_ids.begin(), meeting.preparer_ids.end(),
                                      people[index]) == meeting.preparer_ids.end()) {
                            meeting.preparer_ids.push_back(people[index]);
                        }
                    }
                    meeting.created_at = created;
                    store.create_meeting(meeting);
                }
            }
        });
    }
}

/// What the fake dispatcher saw.
struct Dispatched {
    long long group = 0;   ///< rows to a group conversation
    long long direct = 0;  ///< rows to one member
    int max_depth = 0;     ///< the most rows pending at once
    double seconds = 0;
};

/// Marks every due console row sent, in one transaction, as a dispatcher that just delivered them
/// would; without this the outbox (and its index) would grow all year, which no live one does.
void dispatch(Store& store, Instant now, Dispatched& out) {
    const auto start = Clock::now();
    out.max_depth = std::max(out.max_depth, store.outbox_depth(Platform::console));
    store.transaction([&] {
        for (;;) {
            const auto rows = store.due_outbox(Platform::console, now, kDispatchBatch);
            if (rows.empty()) {
                break;
            }
            for (const auto& row : rows) {
                (row.message.to.direct ? out.direct : out.group) += 1;
                store.mark_outbox_sent(row.message.id, "sent-" + std::to_string(row.message.id),
                                       now);
            }
        }
    });
    out.seconds += seconds_since(start);
}

/// How many of a network's day-before reminder jobs ran (state done); they are found by the
/// key prefix of its meeting_reminder rule. 0 when the network has no such rule.
int meeting_reminders_done(Store& store, Id network_id) {
    for (const auto& rule : store.reminder_rules(network_id)) {
        if (rule.kind != ReminderKind::meeting_reminder) {
            continue;
        }
        // Appended piece by piece: "n" + std::to_string(...) trips g++ 12's -Wrestrict bug.
        std::string prefix = "n";
        prefix += std::to_string(network_id) + ":r" + std::to_string(rule.id) + ":m";
        int done = 0;
        for (const auto& job : store.jobs_with_key_prefix(kReminderJobKind, prefix)) {
            done += job.state == JobState::done ? 1 : 0;
        }
        return done;
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    const auto parsed = parse_options(argc, argv);
    if (!parsed) {
        usage();
        return 2;
    }
    const Options& options = *parsed;
    const bool keep_db = !options.db.empty();
    const auto db_path = bench::bench_database(options.db, "reminders_year");
    if (db_path.empty()) {
        return 2;
    }

    ReminderLog log;
    set_log_sink([&log](LogLevel level, std::string_view line) { log.take(level, line); });

    const auto start = local_instant(LocalTime{LocalDay{date::year{kSchoolYear} / 8 / 1}});
    const auto end = local_instant(LocalTime{LocalDay{date::year{kSchoolYear + 1} / 8 / 1}});

    auto store = storage::SqliteStore::open(db_path.string());
    const auto populate_start = Clock::now();
    populate(*store, options, start);
    const double populate_seconds = seconds_since(populate_start);

    BotSettings settings;
    // The summer holiday of 2025-2026 runs into August 2026, so both school years count.
    for (const int year : {kSchoolYear - 1, kSchoolYear}) {
        for (auto& holiday : dutch_school_holidays(kHolidayRegion, year)) {
            settings.send_window.holidays.push_back(std::move(holiday));
        }
    }
    Bot bot(*store, settings);

    const auto schedule_start = Clock::now();
    const auto scheduled = bot.reschedule_all(start);
    const double schedule_seconds = seconds_since(schedule_start);
    if (!scheduled) {
        std::cerr << "reschedule_all failed: " << scheduled.error().message << "\n";
        return 1;
    }

    // The year: jump to the next due job, run ticks (100 jobs each at most) until nothing more
    // is due at that instant, then let the dispatcher empty the outbox.
    const auto year_start = Clock::now();
    const long long year_cpu_start = bench::cpu_micros(getpid());
    long long jobs_run = 0;
    long long ticks = 0;
    long long instants = 0;
    Dispatched dispatched;
    std::string failure;
    for (auto next = bot.next_due(); next && *next < end; next = bot.next_due()) {
        ++instants;
        int ran_here = 0;
        for (;;) {
            const auto ran = bot.tick(*next);
            ++ticks;
            if (!ran) {
                failure = "tick failed: " + ran.error().message;
                break;
            }
            ran_here += *ran;
            if (*ran == 0) {
                break;
            }
        }
        jobs_run += ran_here;
        dispatch(*store, *next, dispatched);
        if (!failure.empty()) {
            break;
        }
        if (ran_here == 0) {
            // A job is due that tick does not run (an unknown kind): the timer would spin.
            failure = "a job is due at an instant where tick runs nothing";
            break;
        }
    }
    const double year_seconds = seconds_since(year_start);
    // CPU next to wall time: the gap is waiting for the disk (or for other processes).
    const double year_cpu_seconds =
        static_cast<double>(bench::cpu_micros(getpid()) - year_cpu_start) / 1e6;

    int networks_short = 0;
    std::string short_example;
    for (const auto& network : store->networks()) {
        const int done = meeting_reminders_done(*store, network.id);
        if (done != options.meetings && networks_short++ == 0) {
            short_example = network.name + " has " + std::to_string(done);
        }
    }
    const int outbox_left = store->outbox_depth(Platform::console);
    const auto day_before_sent = log.sent_by_kind["meeting_reminder"];
    const long long meetings = static_cast<long long>(options.networks) * options.meetings;

    store.reset();  // closing checkpoints the WAL into the database file
    set_log_sink({});
    const auto db_bytes = file_size_or_zero(db_path) + file_size_or_zero(db_path.string() + "-wal");
    if (!keep_db) {
        remove_database(db_path);
    }

    const long long messages = dispatched.group + dispatched.direct;
    std::printf("reminders_year: school year %d-%d, holidays %s, quiet hours 18:00-08:00\n",
                kSchoolYear, kSchoolYear + 1, std::string(kHolidayRegion).c_str());
    row("networks", std::to_string(options.networks));
    row("members", std::to_string(options.members));
    row("meetings",
        std::to_string(meetings) + " (" + std::to_string(std::size(kCafeWeeks)) + " café weeks)");
    row("populate", fixed(populate_seconds, 2) + " s");
    row("jobs scheduled", std::to_string(*scheduled) + " in " + fixed(schedule_seconds, 2) +
                              " s (" + fixed(*scheduled / schedule_seconds, 0) + " jobs/s)");
    row("jobs run", std::to_string(jobs_run) + " in " + std::to_string(ticks) + " ticks at " +
                        std::to_string(instants) + " instants");
    row("reminders sent", std::to_string(log.sent));
    for (const auto& [kind, count] : log.sent_by_kind) {
        row("  " + kind, std::to_string(count));
    }
    row("dropped/skipped/deferred", std::to_string(log.dropped) + " / " +
                                        std::to_string(log.skipped) + " / " +
                                        std::to_string(log.deferred));
    row("messages appended", std::to_string(messages) + " (" + std::to_string(dispatched.group) +
                                 " to groups, " + std::to_string(dispatched.direct) + " direct)");
    row("year wall time", fixed(year_seconds, 2) + " s (CPU " + fixed(year_cpu_seconds, 2) +
                              " s; marking sent " + fixed(dispatched.seconds, 2) + " s)");
    row("reminders/s", fixed(log.sent / year_seconds, 0));
    row("messages/s", fixed(static_cast<double>(messages) / year_seconds, 0));
    row("outbox depth max / end",
        std::to_string(dispatched.max_depth) + " / " + std::to_string(outbox_left));
    row("peak RSS", std::to_string(bench::status_kb(getpid(), "VmHWM") / 1024) + " MiB");
    row("database", fixed(static_cast<double>(db_bytes) / (1024.0 * 1024.0), 1) + " MiB" +
                        (keep_db ? " at " + db_path.string() : std::string()));

    if (failure.empty() && log.errors > 0) {
        failure = std::to_string(log.errors) + " error(s) logged, first: " + log.first_error;
    }
    if (failure.empty() && log.sent == 0) {
        failure = "no reminder was sent";
    }
    if (failure.empty() && !log.sent_twice.empty()) {
        failure = std::to_string(log.sent_twice.size()) + " job(s) sent twice, e.g. " +
                  log.sent_twice.front();
    }
    if (failure.empty() && (networks_short > 0 || day_before_sent != meetings)) {
        failure = "expected " + std::to_string(options.meetings) +
                  " day-before reminders per network (" + std::to_string(meetings) +
                  " in all), sent " + std::to_string(day_before_sent) + "; " +
                  std::to_string(networks_short) + " network(s) off" +
                  (short_example.empty() ? "" : ", e.g. " + short_example);
    }
    if (failure.empty() && outbox_left != 0) {
        failure = std::to_string(outbox_left) + " outbox row(s) never became due";
    }
    if (!failure.empty()) {
        std::printf("FAILED: %s\n", failure.c_str());
        return 1;
    }
    std::printf("OK: every job sent at most once; every network got its %d day-before reminders\n",
                options.meetings);
    return 0;
}
