// Reminders over a whole school year: each fires once, at the right local time, out of quiet
// hours, weekends and holidays, across both daylight-saving changes; a restart neither repeats
// nor loses one; downtime applies the catch-up windows.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>
#include <map>
#include <memory>
#include <set>

#include "bot/engine/bot.hpp"
#include "bot/i18n/i18n.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/send_window.hpp"
#include "storage/sqlite/sqlite_store.hpp"
#include "support/console_fixture.hpp"

using namespace leernetwerk;
using Catch::Matchers::Contains;
using leernetwerk::testing::utc;
using std::chrono::hours;
using std::chrono::minutes;

namespace {

constexpr const char* kZone = "Europe/Amsterdam";
constexpr const char* kRoom = "cafe-rekenen";

Instant local(int y, unsigned m, unsigned d, int hour, int minute = 0) {
    const LocalTime wall =
        LocalTime{date::local_days{date::year{y} / date::month{m} / date::day{d}}} + hours{hour} +
        minutes{minute};
    return to_instant(wall, kZone)->instant;
}

/// What kind of reminder a message is, as a member would recognise it.
std::string kind_of(const Content& content) {
    if (std::holds_alternative<Summary>(content)) {
        // The evaluation after a meeting (a poll since issue 6) posts its results when it closes.
        return std::get<Summary>(content).title.find("Uitslag peiling") != std::string::npos
                   ? "evaluation results"
                   : "digest";
    }
    const std::string text =
        std::holds_alternative<TextContent>(content)      ? std::get<TextContent>(content).markdown
        : std::holds_alternative<ChoiceQuestion>(content) ? std::get<ChoiceQuestion>(content).prompt
                                                          : std::string();
    const auto has = [&](std::string_view needle) {
        return text.find(needle) != std::string::npos;
    };
    if (has("Nog even: **Na de bijeenkomst**")) {
        return "evaluation reminder";
    }
    if (has("**Na de bijeenkomst**")) {
        return "evaluation question";
    }
    if (has("Wat wil je op de agenda?")) {
        return "agenda call";
    }
    if (has("- Wanneer:")) {
        return "meeting reminder";
    }
    if (has("De evaluatie na de bijeenkomst")) {
        return "evaluation not started";
    }
    if (has("Hoe was de bijeenkomst")) {
        return "evaluation";
    }
    if (has("is het caféweek")) {
        return has("Deze week") ? "café week (this week)" : "café week";
    }
    if (has("Je bereidt de bijeenkomst") || has("bereidt nog niemand")) {
        return "preparer";
    }
    if (has("Laat het even weten")) {
        return "rsvp nudge";
    }
    if (has("**Aanwezigheid bijeenkomst")) {
        return "attendance list";
    }
    if (has("is vanzelf gesloten")) {
        return "attendance closed";
    }
    if (has("is afgesloten.**")) {
        return "year closed";
    }
    if (has("(") && has(")")) {
        return "custom";
    }
    return "other: " + text;
}

struct Sent {
    Instant at;
    std::string to;  ///< the group conversation, or "dm:<name>"
    std::string kind;
};

/// A network with four members and four meetings in 2026-2027, on a database file so the bot
/// can be restarted on it.
struct SchoolYear {
    SchoolYear() {
        path = std::filesystem::temp_directory_path() /
               ("leernetwerk-year-" + std::to_string(::getpid()) + "-" + std::to_string(counter++) +
                ".db");
        std::filesystem::remove(path);
        open();
        seed();
    }
    ~SchoolYear() {
        bot.reset();
        store.reset();
        for (const auto* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(path.string() + suffix);
        }
    }

    static BotSettings settings() {
        BotSettings settings;
        for (const auto year : {2025, 2026}) {
            for (auto& holiday : dutch_school_holidays("midden", year)) {
                settings.send_window.holidays.push_back(std::move(holiday));
            }
        }
        return settings;
    }

    /// (Re)starts the bot on the database file, as a restarted process would.
    void open() {
        bot.reset();
#ifdef LEERNETWERK_TEST_MEMORY_STORE
        // A restart keeps what was stored: the same MemoryStore, a new Bot.
        if (!store) {
            store = testing::open_test_store(":memory:");
        }
#else
        store.reset();
        store = storage::SqliteStore::open(path.string());
#endif
        bot = std::make_unique<Bot>(*store, settings());
    }

    Id add_member(const std::string& name, Role role) {
        Member member;
        member.display_name = name;
        member.created_at = start;
        const auto id = store->create_member(member);
        store->link_identity({Platform::console, "member-" + std::to_string(id), id});
        store->add_membership({network, id, role, start});
        names[id] = name;
        return id;
    }

    Id add_meeting(int y, unsigned m, unsigned d, std::vector<Id> preparers) {
        Meeting meeting;
        meeting.network_id = network;
        meeting.local_start =
            LocalTime{date::local_days{date::year{y} / date::month{m} / date::day{d}}} + hours{15} +
            minutes{30};
        meeting.starts_at = local(y, m, d, 15, 30);
        meeting.location = "De Wegwijzer";
        meeting.topic = "Rekenen";
        meeting.preparer_ids = std::move(preparers);
        meeting.created_at = start;
        return store->create_meeting(meeting);
    }

    void seed() {
        store->transaction([&] {
            Network cafe;
            cafe.name = "HSN-café Rekenen";
            cafe.created_at = start;
            network = store->create_network(cafe);
            store->bind_conversation({Platform::console, kRoom, network});
            marieke = add_member("Marieke", Role::facilitator);
            anna = add_member("Anna", Role::participant);
            bram = add_member("Bram", Role::participant);
            cees = add_member("Cees", Role::participant);
            std::vector<CafeWeek> weeks;
            for (const auto& [year, week] :
                 {std::pair{2026, 44u}, {2027, 1u}, {2027, 13u}, {2027, 23u}}) {
                weeks.push_back({2026, year, week});
            }
            store->set_cafe_weeks(2026, weeks);
            autumn = add_meeting(2026, 10, 27, {bram});      // after the clocks go back
            winter = add_meeting(2027, 1, 4, {bram, anna});  // right after the Christmas holiday
            spring = add_meeting(2027, 3, 30, {anna});       // after the clocks go forward
            summer = add_meeting(2027, 6, 10, {});           // nobody prepares it yet
        });
        REQUIRE(bot->reschedule_all(start));
    }

    /// Runs the scheduler as the runtime does: each job at its own moment, up to `until`.
    void run_until(Instant until) {
        while (true) {
            const auto next = bot->next_due();
            if (!next || *next > until) {
                break;
            }
            now = std::max(now, *next);
            const auto ran = bot->tick(now);
            REQUIRE(ran);
        }
        now = std::max(now, until);
    }

    std::string say(Id member, const std::string& text) {
        InboundEvent event;
        event.kind = InboundEvent::Kind::message;
        event.event_id = "e" + std::to_string(++events);
        event.conversation = {Platform::console, kRoom, Conversation::Kind::group, ""};
        event.sender.user_id = "member-" + std::to_string(member);
        event.sender.display_name = names[member];
        event.text = text;
        const auto handled = bot->handle(event, now);
        REQUIRE(handled);
        std::string said;
        replies.insert(handled->message_ids.begin(), handled->message_ids.end());
        for (const auto id : handled->message_ids) {
            const auto row = store->outbox_row(id);
            if (row && std::holds_alternative<TextContent>(row->message.content)) {
                said += std::get<TextContent>(row->message.content).markdown + "\n";
            } else if (row && std::holds_alternative<Summary>(row->message.content)) {
                const auto& summary = std::get<Summary>(row->message.content);
                said += summary.title + "\n";
                for (const auto& r : summary.rows) {
                    said += r.label + ": " + r.value + "\n";
                }
            } else if (row && std::holds_alternative<ChoiceQuestion>(row->message.content)) {
                said += std::get<ChoiceQuestion>(row->message.content).prompt + "\n";
            }
        }
        return said;
    }

    /// Every message the scheduler queued (not the replies to say()), in order.
    std::vector<Sent> sent() {
        std::vector<Sent> out;
        for (const auto& row : store->outbox_in_state(Platform::console, OutboxState::pending)) {
            if (replies.count(row.message.id)) {
                continue;
            }
            const auto& to = row.message.to;
            const auto name = names.count(row.message.recipient_member_id)
                                  ? names[row.message.recipient_member_id]
                                  : std::string("?");
            out.push_back({row.created_at, to.direct ? "dm:" + name : to.conversation_id,
                           kind_of(row.message.content)});
        }
        return out;
    }

    std::vector<Sent> sent_to(const std::string& to) {
        std::vector<Sent> out;
        for (auto& s : sent()) {
            if (s.to == to) {
                out.push_back(std::move(s));
            }
        }
        return out;
    }

    static inline int counter = 0;
    std::filesystem::path path;
    std::unique_ptr<testing::TestStore> store;
    std::unique_ptr<Bot> bot;
    const Instant start = local(2026, 8, 1, 0);
    std::set<Id> replies;
    Instant now = start;
    int events = 0;
    Id network = 0, marieke = 0, anna = 0, bram = 0, cees = 0;
    Id autumn = 0, winter = 0, spring = 0, summer = 0;
    std::map<Id, std::string> names;
};

bool operator==(const Sent& a, const Sent& b) {
    return a.at == b.at && a.to == b.to && a.kind == b.kind;
}

std::ostream& operator<<(std::ostream& out, const Sent& s) {
    return out << date::format("%F %R UTC", s.at) << " " << s.to << " " << s.kind;
}

/// The group conversation's year, as expected: UTC instants, so daylight saving is visible.
/// `spring_evaluated`: whether the spring meeting's evaluation poll ran (and posted results).
std::vector<Sent> expected_group_year(bool spring_evaluated = false) {
    std::vector<Sent> year = {
        {utc(2026, 10, 13, 7), kRoom, "agenda call"},  // Tue 09:00 CEST
        // Herfstvakantie (17-25 Oct) and the weekend: the café-week announcement goes out on
        // Monday 08:00 CET, which is 07:00 UTC now that the clocks went back. The digest (due in
        // the holiday, a week before) would land on the day of the day-before reminder, which
        // carries the same: it is left out.
        {utc(2026, 10, 26, 7), kRoom, "café week (this week)"},
        {utc(2026, 10, 26, 15), kRoom, "meeting reminder"},  // Mon 16:00 CET
        {utc(2026, 10, 28, 14), kRoom, "evaluation"},        // Wed 15:00 CET
        // The evaluation after the meeting (set A, a week to answer: until 17:00) posts its
        // results.
        {utc(2026, 11, 4, 16), kRoom, "evaluation results"},
        // Everything before the 4 January meeting fell in the Christmas holiday: the day-before
        // reminder comes on the morning itself, without an agenda call or digest beside it.
        {utc(2027, 1, 4, 7), kRoom, "café week (this week)"},
        {utc(2027, 1, 4, 7), kRoom, "meeting reminder"},
        {utc(2027, 1, 5, 14), kRoom, "evaluation"},
        {utc(2027, 1, 12, 16), kRoom, "evaluation results"},
        {utc(2027, 3, 16, 8), kRoom, "agenda call"},        // Tue 09:00 CET
        {utc(2027, 3, 22, 8), kRoom, "café week"},          // Mon 09:00 CET, the week before
        {utc(2027, 3, 23, 8), kRoom, "digest"},             // Tue 09:00 CET, a week before
        {utc(2027, 3, 29, 14), kRoom, "meeting reminder"},  // Mon 16:00 CEST (after 28 March)
        // When only Anna said she came to the spring meeting, one answer could never show
        // anonymously: no evaluation poll and no results; the group still hears the question.
        {utc(2027, 3, 31, 13), kRoom, "evaluation"},  // Wed 15:00 CEST
        {utc(2027, 5, 27, 7), kRoom, "agenda call"},
        {utc(2027, 5, 31, 7), kRoom, "café week"},
        {utc(2027, 6, 3, 7), kRoom, "digest"},  // Thu 09:00 CEST, a week before
        {utc(2027, 6, 9, 14), kRoom, "meeting reminder"},
        {utc(2027, 6, 11, 13), kRoom, "evaluation"},
        {utc(2027, 6, 18, 15), kRoom, "evaluation results"},
    };
    if (spring_evaluated) {
        const auto after = std::find(year.begin(), year.end(),
                                     Sent{utc(2027, 3, 31, 13), kRoom, "evaluation"});
        year.insert(after + 1, {utc(2027, 4, 7, 15), kRoom, "evaluation results"});
    }
    return year;
}

struct CapturedLog {
    CapturedLog() {
        set_log_sink([this](LogLevel level, std::string_view text) {
            if (level >= LogLevel::info) {
                lines += std::string(text) + "\n";
            }
        });
    }
    ~CapturedLog() { set_log_sink({}); }
    std::string lines;
};

}  // namespace

TEST_CASE("a whole school year: every reminder once, at the right local time",
          "[reminders][year]") {
    SchoolYear year;
    // Anna says she comes to the spring meeting before its nudge goes out.
    year.run_until(local(2027, 3, 20, 12));
    CHECK(year.say(year.anna, "ik kom " + std::to_string(year.spring)).find("Genoteerd") !=
          std::string::npos);
    year.run_until(local(2027, 7, 31, 23));

    CHECK(year.sent_to(kRoom) == expected_group_year());

    // The preparers hear 21 days ahead; the summer meeting has none, so the facilitator hears.
    // Nudges pushed onto the day of the day-before reminder (26 October, 4 January) are left out:
    // that reminder has the same buttons. The day after a meeting the evaluation's first question
    // comes privately, and a day before it closes a reminder to who has not answered: to who
    // said they came, else (nobody said so) to everyone.
    CHECK(year.sent_to("dm:Bram") == std::vector<Sent>{
                                         {utc(2026, 10, 6, 7), "dm:Bram", "preparer"},
                                         {utc(2026, 10, 28, 14), "dm:Bram", "evaluation question"},
                                         {utc(2026, 11, 3, 16), "dm:Bram", "evaluation reminder"},
                                         {utc(2026, 12, 14, 8), "dm:Bram", "preparer"},
                                         {utc(2027, 1, 5, 14), "dm:Bram", "evaluation question"},
                                         {utc(2027, 1, 11, 16), "dm:Bram", "evaluation reminder"},
                                         {utc(2027, 3, 25, 8), "dm:Bram", "rsvp nudge"},
                                         {utc(2027, 6, 7, 6), "dm:Bram", "rsvp nudge"},
                                         {utc(2027, 6, 11, 13), "dm:Bram", "evaluation question"},
                                         {utc(2027, 6, 17, 15), "dm:Bram", "evaluation reminder"},
                                     });
    const auto anna = year.sent_to("dm:Anna");
    // Anna answered for spring: no nudge for it, only her preparer note. She was the only one
    // who said she came: one answer could never show anonymously, so the spring meeting's
    // evaluation is not started (issue 14, point 4) and the facilitator hears why.
    CHECK(anna == std::vector<Sent>{
                      {utc(2026, 10, 28, 14), "dm:Anna", "evaluation question"},
                      {utc(2026, 11, 3, 16), "dm:Anna", "evaluation reminder"},
                      {utc(2026, 12, 14, 8), "dm:Anna", "preparer"},
                      {utc(2027, 1, 5, 14), "dm:Anna", "evaluation question"},
                      {utc(2027, 1, 11, 16), "dm:Anna", "evaluation reminder"},
                      {utc(2027, 3, 9, 8), "dm:Anna", "preparer"},
                      {utc(2027, 6, 7, 6), "dm:Anna", "rsvp nudge"},
                      {utc(2027, 6, 11, 13), "dm:Anna", "evaluation question"},
                      {utc(2027, 6, 17, 15), "dm:Anna", "evaluation reminder"},
                  });
    const auto marieke = year.sent_to("dm:Marieke");
    // The organiser also gets each meeting's attendance list when it starts, hears a week later
    // that it closed by itself, and after the year's last meeting that the year is closed.
    CHECK(marieke == std::vector<Sent>{
                         {utc(2026, 10, 27, 14, 30), "dm:Marieke", "attendance list"},
                         {utc(2026, 10, 28, 14), "dm:Marieke", "evaluation question"},
                         {utc(2026, 11, 3, 14, 30), "dm:Marieke", "attendance closed"},
                         {utc(2026, 11, 3, 16), "dm:Marieke", "evaluation reminder"},
                         {utc(2027, 1, 4, 14, 30), "dm:Marieke", "attendance list"},
                         {utc(2027, 1, 5, 14), "dm:Marieke", "evaluation question"},
                         {utc(2027, 1, 11, 14, 30), "dm:Marieke", "attendance closed"},
                         {utc(2027, 1, 11, 16), "dm:Marieke", "evaluation reminder"},
                         {utc(2027, 3, 25, 8), "dm:Marieke", "rsvp nudge"},
                         {utc(2027, 3, 30, 13, 30), "dm:Marieke", "attendance list"},
                         {utc(2027, 3, 31, 13), "dm:Marieke", "evaluation not started"},
                         {utc(2027, 4, 6, 13, 30), "dm:Marieke", "attendance closed"},
                         {utc(2027, 5, 20, 7), "dm:Marieke", "preparer"},  // nobody prepares
                         {utc(2027, 6, 7, 6), "dm:Marieke", "rsvp nudge"},
                         {utc(2027, 6, 10, 13, 30), "dm:Marieke", "attendance list"},
                         {utc(2027, 6, 11, 13), "dm:Marieke", "evaluation question"},
                         {utc(2027, 6, 17, 13, 30), "dm:Marieke", "attendance closed"},
                         {utc(2027, 6, 17, 13, 30), "dm:Marieke", "year closed"},
                         {utc(2027, 6, 17, 15), "dm:Marieke", "evaluation reminder"},
                     });

    // Nothing at night, at the weekend or in a holiday.
    SendWindow window = SchoolYear::settings().send_window;
    for (const auto& s : year.sent()) {
        INFO(s);
        const auto wall = *to_local(s.at, kZone);
        const auto time = wall - date::floor<date::days>(wall);
        CHECK(time >= hours{8});
        CHECK(time < hours{18});
        CHECK(is_school_day(date::floor<date::days>(wall), window));
    }
    // Every reminder ran: none is left due in the year; only the nightly housekeeping is.
    for (const auto& job : year.store->jobs_with_key_prefix("reminder", "")) {
        INFO(job.key);
        CHECK(job.state != JobState::due);
    }
    const auto next = year.bot->next_due();
    REQUIRE(next);
    CHECK(*next == local(2027, 8, 1, 3, 30));
}

TEST_CASE("a restart in the middle of the year neither repeats nor loses a reminder",
          "[reminders][restart]") {
    SchoolYear year;
    year.run_until(local(2026, 12, 20, 12));
    const auto before = year.sent().size();
    REQUIRE(before > 0);
    // A new process on the same file: it schedules again (as serve does at start-up).
    year.open();
    REQUIRE(year.bot->reschedule_all(year.now));
    year.run_until(local(2026, 12, 20, 12));
    CHECK(year.sent().size() == before);  // nothing repeated
    year.run_until(local(2027, 7, 31, 23));
    // Nobody said they came to spring: everyone is asked to evaluate it, and its results come.
    CHECK(year.sent_to(kRoom).size() == expected_group_year(true).size());
    CHECK(year.sent_to(kRoom) == expected_group_year(true));
}

TEST_CASE("after two days down, the catch-up windows decide what is still sent",
          "[reminders][downtime]") {
    CapturedLog log;
    SchoolYear year;
    SECTION("a day-before reminder found six hours late is dropped, and the log says so") {
        year.run_until(local(2027, 3, 27, 12));
        const auto before = year.sent_to(kRoom).size();
        // Down from Saturday noon until Monday 29 March 21:00, in quiet hours: the reminder of
        // Monday 16:00 could only go out on Tuesday 08:00, past its six hours.
        year.now = local(2027, 3, 29, 21);
        const auto counted = year.bot->scheduler_counts();
        REQUIRE(year.bot->tick(year.now));
        CHECK_THAT(log.lines, Contains("reminder dropped: meeting_reminder"));
        // Counted for /metrics (leernetwerk_reminders_total{result="dropped"}).
        CHECK(year.bot->scheduler_counts().reminders_dropped == counted.reminders_dropped + 1);
        CHECK(counted.reminders_sent > 0);
        year.run_until(local(2027, 4, 2, 12));
        const auto after = year.sent_to(kRoom);
        REQUIRE(after.size() == before + 1);
        CHECK(after[before] == Sent{utc(2027, 3, 31, 13), kRoom, "evaluation"});
    }
    SECTION("a digest found late at night waits for the morning, within its two days") {
        year.run_until(local(2027, 6, 2, 12));
        const auto before = year.sent_to(kRoom).size();
        // Down from Wednesday 2 June noon until Thursday 21:00: the digest of Thursday 09:00 is
        // deferred to Friday 08:00, still within two days and before next Thursday's meeting.
        year.now = local(2027, 6, 3, 21);
        REQUIRE(year.bot->tick(year.now));
        CHECK_THAT(log.lines,
                   Contains("reminder deferred to the next allowed moment: agenda_digest"));
        year.run_until(local(2027, 6, 12, 12));
        const auto after = year.sent_to(kRoom);
        REQUIRE(after.size() == before + 3);
        CHECK(after[before] == Sent{local(2027, 6, 4, 8), kRoom, "digest"});
        CHECK(after[before + 1] == Sent{local(2027, 6, 9, 16), kRoom, "meeting reminder"});
        CHECK(after[before + 2] == Sent{local(2027, 6, 11, 15), kRoom, "evaluation"});
        // Bram's nudge (five days before: a Saturday) went out on Monday morning; the day after
        // the meeting comes the evaluation's first question.
        const auto bram = year.sent_to("dm:Bram");
        REQUIRE(bram.size() >= 2);
        CHECK(bram[bram.size() - 2] == Sent{local(2027, 6, 7, 8), "dm:Bram", "rsvp nudge"});
        CHECK(bram.back() == Sent{local(2027, 6, 11, 15), "dm:Bram", "evaluation question"});
    }
}

TEST_CASE("an agenda call found after the digest went out is not sent", "[reminders][downtime]") {
    SchoolYear later;
    later.run_until(local(2027, 5, 20, 12));
    // This facilitator wants the digest ten days before (Monday 31 May 09:00 for the Thursday
    // 10 June meeting): within the agenda call's own seven days (from Thursday 27 May).
    CHECK_THAT(later.say(later.marieke, "herinnering wijzig 5 | 10 dagen voor"),
               Contains("is aangepast"));
    const auto sent_before = later.sent_to(kRoom).size();
    // Down from 26 May to Tuesday 1 June 10:00: the agenda call is five days late, within its
    // window, but the digest is due before now: asking for agenda items would ask for what is
    // settled. The digest itself is a day late, within its two days.
    later.run_until(local(2027, 5, 26, 12));
    later.now = local(2027, 6, 1, 10);
    REQUIRE(later.bot->tick(later.now));
    later.run_until(local(2027, 6, 12, 12));
    const auto room = later.sent_to(kRoom);
    REQUIRE(room.size() > sent_before);
    std::vector<std::string> kinds;
    for (auto i = sent_before; i < room.size(); ++i) {
        kinds.push_back(room[i].kind);
    }
    CHECK(std::count(kinds.begin(), kinds.end(), "agenda call") == 0);
    CHECK(std::find(room.begin(), room.end(), Sent{local(2027, 6, 1, 10), kRoom, "digest"}) !=
          room.end());
    CHECK(kinds.back() == "evaluation");
    CHECK(std::count(kinds.begin(), kinds.end(), "meeting reminder") == 1);
}

TEST_CASE("a facilitator lists, switches off, changes and adds reminders by chat",
          "[reminders][chat]") {
    leernetwerk::testing::ConsoleFixture chat;
    const auto list = chat.say("herinneringen");
    CHECK_THAT(list, Contains("1. Caféweek-aankondiging"));
    CHECK_THAT(list, Contains("de maandag voor een caféweek om 09:00, aan de groep"));
    CHECK_THAT(list, Contains("3. Oproep agendapunten"));
    CHECK_THAT(list, Contains("volgende: di 26 jan 2027 09:00"));
    CHECK_THAT(list, Contains("7. Terugblik"));
    CHECK_THAT(list, Contains("herinnering uit 3"));  // the facilitator is told how to change them

    CHECK_THAT(
        chat.say("herinnering uit 3"),
        Contains("Herinnering 3 (Oproep agendapunten) staat uit: uit (14 dagen voor de bijeenkomst "
                 "om 09:00, aan de groep)."));
    // The day-before reminder two days ahead at 17:00: that Sunday is no school day, so Monday.
    const auto changed = chat.say("herinnering wijzig 6 | 2 dagen voor | 17:00");
    CHECK_THAT(changed,
               Contains("Herinnering 6 (Herinnering bijeenkomst) is aangepast: 2 dagen voor de "
                        "bijeenkomst om 17:00, aan de groep."));
    CHECK_THAT(changed, Contains("volgende: ma 8 feb 2027 08:00"));
    const auto added = chat.say(
        "herinnering toevoegen 7 dagen voor | 10:00 | iedereen | Neem je lesvoorbeeld mee");
    CHECK_THAT(added,
               Contains("Herinnering 8 is toegevoegd: 7 dagen voor de bijeenkomst om 10:00, aan "
                        "iedereen apart."));
    CHECK_THAT(added, Contains("volgende: di 2 feb 2027 10:00"));

    const auto january = chat.say("/tijd 2027-01-27 12:00");
    CHECK_THAT(january, Contains("Je bereidt de bijeenkomst"));  // the preparers' nudge still comes
    CHECK_THAT(january, !Contains("Wat wil je op de agenda?"));  // the agenda call is off
    const auto february = chat.say("/tijd 2027-02-02 12:00");
    CHECK_THAT(february, Contains(">>> bot to Anna de Vries (privé)\nNeem je lesvoorbeeld mee"));
    CHECK_THAT(february, Contains(">>> bot to Thomas Smit (privé)\nNeem je lesvoorbeeld mee"));

    CHECK_THAT(chat.say("herinnering verwijderen 2"), Contains("hoort bij de standaard"));
    CHECK_THAT(chat.say("herinnering verwijderen 8"), Contains("Herinnering 8 is verwijderd."));
    CHECK_THAT(chat.say("herinnering aan 3"), Contains("staat aan"));

    SECTION("what cannot be used is explained, and nothing changes") {
        CHECK_THAT(chat.say("herinnering wijzig 3 | morgenochtend"),
                   Contains("\"morgenochtend\" begrijp ik niet"));
        CHECK_THAT(chat.say("herinnering wijzig 7 | 2 dagen voor"),
                   Contains("hoort na de bijeenkomst te komen"));
        CHECK_THAT(chat.say("herinnering wijzig 6 | 3 dagen na"),
                   Contains("hoort voor de bijeenkomst te komen"));
        CHECK_THAT(chat.say("herinnering uit 12"), Contains("kies een nummer van 1 tot 7"));
        CHECK_THAT(chat.say("herinnering toevoegen 3 dagen voor | 09:00 | groep"),
                   Contains("Wat moet ik sturen?"));
        CHECK_THAT(chat.say("herinnering"), Contains("Zo pas je een herinnering aan"));
        CHECK_THAT(chat.say("herinneringen"), Contains("2 dagen voor de bijeenkomst om 17:00"));
    }
    SECTION("a participant can look but not change") {
        chat.as("Anna");
        const auto seen = chat.say("herinneringen");
        CHECK_THAT(seen, Contains("1. Caféweek-aankondiging"));
        CHECK_THAT(seen, !Contains("herinnering uit 3"));
        CHECK_THAT(chat.say("herinnering uit 1"),
                   Contains("Alleen organisatoren en procesbegeleiders"));
    }
    SECTION("in English") {
        chat.say("/prive");
        chat.say("language en");
        const auto english = chat.say("reminders");
        CHECK_THAT(english, Contains("Reminders of HSN-café Feedback die werkt"));
        CHECK_THAT(english, Contains("2 days before the meeting at 17:00, to the group"));
        CHECK_THAT(chat.say("reminder off 1"),
                   Contains("Reminder 1 (Café week announcement) is off"));
    }
}

TEST_CASE("members say whether they come, and the facilitator sees who", "[reminders][rsvp]") {
    leernetwerk::testing::ConsoleFixture chat;
    chat.as("Anna");
    CHECK_THAT(
        chat.say("ik kom"),
        Contains("Genoteerd: je komt naar HSN-café Feedback die werkt op di 9 feb 2027 15:30"));
    chat.as("Bram");
    CHECK_THAT(chat.say("ik kan niet ouderavond"), Contains("(ouderavond)"));
    CHECK_THAT(chat.say("ik kom 99"), Contains("99"));  // no such meeting: said so

    chat.as("Anna");
    const auto seen = chat.say("wie komt");
    CHECK_THAT(seen, Contains("Komen (1)"));
    CHECK_THAT(seen, Contains("Kunnen niet (1)"));
    CHECK_THAT(seen, !Contains("ouderavond"));  // reasons are for the organisers
    chat.as("Marieke");
    chat.say("/prive");  // reasons only in her private chat
    const auto organiser = chat.say("wie komt");
    CHECK_THAT(organiser, Contains("Bram de Boer (ouderavond)"));
    CHECK_THAT(organiser, Contains("Nog geen antwoord (8)"));
    chat.say("/groep");

    SECTION("a moved meeting asks again, and tells those who answered") {
        const auto moved = chat.say("verplaats bijeenkomst 2 naar 10 februari 2027 15:30");
        CHECK_THAT(
            moved,
            Contains(">>> bot to Anna de Vries (privé)\nDe bijeenkomst van HSN-café Feedback "
                     "die werkt is verplaatst van di 9 feb 2027 15:30 naar wo 10 feb 2027 "
                     "15:30 (je zou komen). Kom je op de nieuwe datum?"));
        CHECK_THAT(moved, Contains(">>> bot to Bram de Boer (privé)"));
        CHECK_THAT(chat.say("wie komt"), Contains("Komen (0)"));
        CHECK_THAT(chat.say("herinneringen"),
                   Contains("volgende: wo 27 jan 2027 09:00"));  // 14 days before
    }
    SECTION("a cancelled meeting tells those who answered, and its reminders stop") {
        chat.say("annuleer bijeenkomst 2");
        const auto cancelled = chat.say("ja");
        CHECK_THAT(cancelled,
                   Contains(">>> bot to Anna de Vries (privé)\nDe bijeenkomst van HSN-café "
                            "Feedback die werkt op di 9 feb 2027 15:30 gaat niet door"));
        // The next agenda call is the one for the May meeting.
        CHECK_THAT(chat.say("herinneringen"), Contains("volgende: di 4 mei 2027 09:00"));
        CHECK_THAT(chat.say("ik kom 2"), Contains("al geweest of gaat niet door"));
    }
}

TEST_CASE("the nightly housekeeping deletes old sent messages and forgets old event ids",
          "[reminders][housekeeping]") {
    SchoolYear year;
    const auto sent_id =
        year.store->append_outbox(OutboundMessage{0,
                                                  {Platform::console, kRoom, "", false, ""},
                                                  0,
                                                  Lang::nl,
                                                  TextContent{"oud", {}},
                                                  std::nullopt},
                                  year.start);
    year.store->mark_outbox_sent(sent_id, "r1", year.start);
    const auto waiting_id =
        year.store->append_outbox(OutboundMessage{0,
                                                  {Platform::console, kRoom, "", false, ""},
                                                  0,
                                                  Lang::nl,
                                                  TextContent{"wacht", {}},
                                                  std::nullopt},
                                  year.start);
    REQUIRE(year.store->remember_event(Platform::console, "old-event", year.start));
    // 91 days on, after 03:30.
    year.run_until(year.start + std::chrono::days{91} + hours{4});
    CHECK_FALSE(year.store->outbox_row(sent_id));  // sent 91 days ago: gone
    CHECK(year.store->outbox_row(waiting_id));     // never sent: kept
    CHECK(year.store->remember_event(Platform::console, "old-event", year.now));  // forgotten
}

TEST_CASE("what a facilitator types about a rule is read carefully", "[reminders][chat]") {
    leernetwerk::testing::ConsoleFixture chat;
    // Numbers too large for any rule are not understood (and never overflow into a valid one).
    CHECK_THAT(chat.say("herinnering wijzig 3 | 99999999999 dagen voor"),
               Contains("begrijp ik niet"));
    CHECK_THAT(chat.say("herinnering wijzig 3 | 613566757 weken voor"),
               Contains("begrijp ik niet"));
    CHECK_THAT(chat.say("herinnering wijzig 3 | de van het"), Contains("begrijp ik niet"));
    // Natural Dutch.
    CHECK_THAT(chat.say("herinnering wijzig 3 | een week van tevoren | om 16 uur"),
               Contains("7 dagen voor de bijeenkomst om 16:00, aan de groep"));
    CHECK_THAT(chat.say("herinnering wijzig 3 | twee weken voor | iedereen die nog niet heeft "
                        "gereageerd"),
               Contains("14 dagen voor de bijeenkomst om 16:00, aan wie nog niet reageerde"));
    CHECK_THAT(chat.say("herinnering wijzig 2 | procesbegeleiders"),
               Contains("aan elke procesbegeleider"));
    // A message that happens to contain a time or a word like "groep" stays the message.
    const auto added = chat.say(
        "herinnering toevoegen 7 dagen voor | 10:00 | iedereen | Neem om 14:00 de groep mee");
    CHECK_THAT(added, Contains("7 dagen voor de bijeenkomst om 10:00, aan iedereen apart"));
    CHECK_THAT(chat.say("herinneringen"), Contains("Neem om 14:00 de groep mee"));
}

TEST_CASE("a removed rule's number is not reused, so its successor still fires",
          "[reminders][chat]") {
    leernetwerk::testing::ConsoleFixture chat;
    chat.say("herinnering toevoegen 7 dagen voor | 10:00 | groep | Neem je laptop mee");
    CHECK_THAT(chat.say("/tijd 2027-02-03 12:00"), Contains("Neem je laptop mee"));
    CHECK_THAT(chat.say("herinnering verwijderen 8"), Contains("is verwijderd"));
    chat.say("herinnering toevoegen 7 dagen voor | 10:00 | groep | Neem je rubric mee");
    // Meeting 3 (18 May) is the next one: its reminder comes 11 May.
    CHECK_THAT(chat.say("/tijd 2027-05-12 12:00"), Contains("Neem je rubric mee"));
}

TEST_CASE("a rule after the meeting still fires weeks later, across reschedules",
          "[reminders][chat]") {
    leernetwerk::testing::ConsoleFixture chat;
    CHECK_THAT(
        chat.say("herinnering toevoegen 14 dagen na | 10:00 | groep | Heb je het geprobeerd?"),
        Contains("14 dagen na de bijeenkomst om 10:00"));
    chat.say("/tijd 2027-02-18 12:00");  // nine days after the 9 February meeting
    chat.say("herinneringen");           // reschedules
    CHECK_THAT(chat.say("/tijd 2027-02-24 12:00"), Contains("Heb je het geprobeerd?"));
}

TEST_CASE("a moved meeting gets its reminders again for the new date", "[reminders][chat]") {
    leernetwerk::testing::ConsoleFixture chat;
    CHECK_THAT(chat.say("/tijd 2027-01-27 12:00"), Contains("Wat wil je op de agenda?"));
    // Moved three weeks on (week 9 is no café week: confirmed).
    chat.say("verplaats bijeenkomst 2 naar 2 maart 2027 15:30");
    CHECK_THAT(chat.say("ja"), Contains("verplaatst"));
    const auto later = chat.say("/tijd 2027-03-02 12:00");
    CHECK_THAT(later, Contains("Wat wil je op de agenda?"));  // the agenda call again, for 2 March
    CHECK_THAT(later, Contains("di 2 mrt 2027 15:30"));
}

TEST_CASE("a reason is not read as a meeting number, and reasons stay with the organisers",
          "[reminders][rsvp]") {
    leernetwerk::testing::ConsoleFixture chat;
    chat.as("Bram");
    CHECK_THAT(chat.say("ik kan niet 2 kinderen ziek"),
               Contains("je kunt niet op di 9 feb 2027 15:30 (2 kinderen ziek)"));
    chat.as("Marieke");
    // In the group the answer stays in the group, without reasons, and says where they are.
    const auto in_group = chat.say("wie komt");
    CHECK_THAT(in_group, Contains(">>> bot to HSN-café Feedback die werkt\nWie komt"));
    CHECK_THAT(in_group, !Contains("(privé)"));
    CHECK_THAT(in_group, !Contains("kinderen ziek"));
    CHECK_THAT(in_group, Contains("in je privégesprek met mij typt"));
    chat.say("/prive");
    const auto organiser = chat.say("wie komt");
    CHECK_THAT(organiser, Contains(">>> bot to Marieke Jansen (privé)\nWie komt naar"));
    CHECK_THAT(organiser, Contains("Bram de Boer (2 kinderen ziek)"));
}

TEST_CASE("a job of a kind this version does not know blocks nothing", "[reminders][jobs]") {
    leernetwerk::testing::ConsoleFixture chat;
    chat.store->transaction([&] {
        for (int i = 0; i < 120; ++i) {
            chat.store->schedule_job({0, "from_a_newer_version", std::to_string(i),
                                      leernetwerk::testing::demo_now(), "", JobState::due});
        }
    });
    // The preparer nudge of 19 January still comes, and the clock gets there.
    const auto january = chat.say("/tijd 2027-01-20 12:00");
    CHECK_THAT(january, Contains("Je bereidt de bijeenkomst"));
    CHECK_THAT(january, Contains("wo 20 jan 2027 12:00"));
    const auto job = chat.store->job("from_a_newer_version", "7");
    REQUIRE(job);
    CHECK(job->state == JobState::due);  // kept for the version that knows it
}

// ---- the school holidays the bot knows run out ----------------------------------------------

TEST_CASE("organisers hear once, and the log daily, when the known school holidays run out",
          "[reminders][holidays]") {
    std::vector<std::string> warnings;
    set_log_sink([&](LogLevel level, std::string_view text) {
        if (level == LogLevel::warn && text.find("school holidays") != std::string_view::npos) {
            warnings.emplace_back(text);
        }
    });
    BotSettings settings;
    settings.send_window.holiday_calendar = true;
    settings.send_window.holidays = {
        {"kerstvakantie", LocalDay{date::year{2026} / 12 / 19}, LocalDay{date::year{2027} / 1 / 3}}};
    testing::ConsoleFixture chat(":memory:", testing::demo_now(), settings);
    // At start (2 December 2026, 32 days before the dates end): the log, and the organisers.
    CHECK(warnings.size() == 1);
    CHECK_THAT(warnings.front(), Contains("known only until Sunday 3 January 2027"));
    auto printed = chat.say("mijn gegevens");
    CHECK_THAT(printed,
               Contains(">>> bot to Marieke Jansen (privé)\nLet op: ik ken de schoolvakanties maar "
                        "tot en met zondag 3 januari 2027."));
    // The nightly housekeeping logs it again, but the organisers heard it already.
    printed = chat.say("/tijd +2d");
    CHECK(warnings.size() == 3);
    CHECK_THAT(printed, !Contains("schoolvakanties maar"));
    set_log_sink({});

    // Dates known well ahead, or no holiday calendar at all: no warning.
    settings.send_window.holidays.back().last = LocalDay{date::year{2027} / 3 / 1};
    warnings.clear();
    set_log_sink([&](LogLevel level, std::string_view text) {
        if (level == LogLevel::warn && text.find("school holidays") != std::string_view::npos) {
            warnings.emplace_back(text);
        }
    });
    testing::ConsoleFixture later(":memory:", testing::demo_now(), settings);
    CHECK(warnings.empty());
    settings.send_window.holiday_calendar = false;
    settings.send_window.holidays.back().last = LocalDay{date::year{2027} / 1 / 3};
    testing::ConsoleFixture none(":memory:", testing::demo_now(), settings);
    CHECK(warnings.empty());
    CHECK_THAT(none.say("mijn gegevens"), !Contains("schoolvakanties maar"));
    set_log_sink({});
}

TEST_CASE("an RSVP for a meeting number that cannot exist is refused, not taken as the next",
          "[reminders][rsvp]") {
    testing::ConsoleFixture chat;
    chat.as("Anna");
    for (const auto* typed : {"ik kom 99999999999999999999", "ik kom -1", "ik kom 0",
                              "ik kan niet #-3", "ik kom +2"}) {
        INFO(typed);
        const auto reply = chat.say(typed);
        CHECK_THAT(reply, Contains("heeft geen bijeenkomst"));
    }
    for (const auto& meeting : chat.store->meetings_of(chat.demo.network_id)) {
        for (const auto& rsvp : chat.store->rsvps_of(meeting.id)) {
            CHECK(chat.store->member(rsvp.member_id)->display_name != "Anna de Vries");
        }
    }
}

TEST_CASE("a custom reminder for a role nobody has, or in the quiet hours, says so when set",
          "[reminders][rules]") {
    testing::ConsoleFixture chat;
    auto reply = chat.say("herinnering toevoegen 7 dagen voor | 10:00 | gasten | Welkom!");
    CHECK_THAT(reply, Contains("niemand in het netwerk is nu gast"));
    reply = chat.say("herinnering toevoegen 7 dagen voor | 20:00 | groep | Neem je laptop mee");
    CHECK_THAT(reply, Contains("20:00 valt in de stille uren (18:00–08:00)"));
    reply = chat.say("herinnering toevoegen 6 dagen voor | 10:00 | groep | Neem je rubric mee");
    CHECK_THAT(reply, !Contains("Let op"));
}

TEST_CASE("a preparer is told to agree with the other preparers, not with themselves",
          "[reminders][preparers]") {
    testing::ConsoleFixture chat;
    chat.say("plan bijeenkomst 23 maart 2027 15:30 | De Wegwijzer | Rekenen | Anna, Bram");
    // 21 days before: Tuesday 2 March 2027, 09:00.
    const auto nudges = chat.say("/tijd 2027-03-02 09:05");
    const auto anna = nudges.find(">>> bot to Anna de Vries (privé)\nJe bereidt");
    const auto bram = nudges.find(">>> bot to Bram de Boer (privé)\nJe bereidt");
    REQUIRE(anna != std::string::npos);
    REQUIRE(bram != std::string::npos);
    const auto anna_text = nudges.substr(anna, nudges.find("<<<", anna) - anna);
    const auto bram_text = nudges.substr(bram, nudges.find("<<<", bram) - bram);
    CHECK_THAT(anna_text, Contains("af met Bram de Boer"));
    CHECK(anna_text.find("Anna de Vries", anna_text.find('\n')) == std::string::npos);
    CHECK_THAT(bram_text, Contains("af met Anna de Vries"));
    // Nobody has answered yet: 'wie komt' ends with its footnote, not an empty bar.
    CHECK_THAT(chat.say("wie komt 4"), Contains("Komen (0)"));
}

TEST_CASE("a value ending in punctuation gets no second full stop", "[catalog]") {
    CHECK(tr(Lang::nl, "agenda.text_set", {{"number", "3"}, {"text", "Hoe betrekken we scholen?"}}) ==
          "Punt #3 heet nu: Hoe betrekken we scholen?");
    CHECK(tr(Lang::nl, "agenda.text_set", {{"number", "3"}, {"text", "Rekenen"}}) ==
          "Punt #3 heet nu: Rekenen.");
}
