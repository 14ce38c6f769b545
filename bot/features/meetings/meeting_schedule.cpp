// The meetings after planning: `bijeenkomsten` (the list), moving and cancelling one, and the
// board's café weeks.
#include <algorithm>
#include <set>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"
#include "bot/features/experts/experts.hpp"
#include "bot/features/meetings/meetings.hpp"

namespace leernetwerk::detail {
namespace {

/// Reads a "#3" or "3" meeting number of the network; replies and returns nullopt when it isn't.
std::optional<Meeting> find_meeting(Turn& turn, const Network& network, std::string_view typed) {
    const auto number = read_hash_number(typed);
    if (!number) {
        turn.reply_text("meeting.which", {{"typed", std::string(trim(typed))}});
        return std::nullopt;
    }
    auto meeting = turn.store.meeting(*number);
    if (!meeting || meeting->network_id != network.id) {
        const auto text = std::string(trim(typed)).substr(trim(typed).front() == '#' ? 1 : 0);
        turn.reply_text("meeting.not_found", {{"number", text}, {"network", network.name}});
        return std::nullopt;
    }
    return meeting;
}

}  // namespace

void show_meetings(Turn& turn) {
    auto network = turn.require_network();
    if (!network) {
        return;
    }
    const auto year = school_year_of(turn.today(turn.zone_of(*network)));
    Summary summary;
    summary.title = turn.t("meetings.title", {{"network", network->name}});
    int earlier = 0;
    for (const auto& meeting : turn.store.meetings_of(network->id)) {
        if (meeting.status != MeetingStatus::planned) {
            continue;
        }
        const auto ends = meeting.starts_at + std::chrono::minutes(meeting.duration_minutes);
        if (ends <= turn.now) {
            if (school_year_of(date::floor<date::days>(meeting.local_start)) == year) {
                ++earlier;
            }
            continue;
        }
        MeetingDraft draft{meeting.id,       meeting.local_start, meeting.duration_minutes,
                           meeting.location, meeting.topic,       meeting.preparer_ids};
        auto args = meeting_args(turn.store, draft, *network, turn.lang);
        args.emplace_back("number", std::to_string(meeting.id));
        auto value = turn.t("meetings.row_value", args);
        if (const auto expert = expert_on_meeting(turn.store, meeting, turn.lang);
            !expert.empty()) {
            value += " · " + expert;
        }
        summary.rows.push_back({turn.t("meetings.row_label", args), value});
    }
    if (summary.rows.empty()) {
        turn.reply_text("meetings.none", {{"network", network->name}});
        return;
    }
    if (earlier > 0) {
        summary.footnote = turn.t("meetings.earlier", {{"count", std::to_string(earlier)},
                                                       {"year", school_year_label(year)}});
    }
    turn.reply(summary);
}

void move_meeting(Turn& turn, const std::string& args) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    auto parts = words(args);
    const auto original = split(trim(args), ' ');
    if (original.size() < 2) {
        turn.reply_text("meeting.move_usage");
        return;
    }
    auto meeting = find_meeting(turn, *network, original.front());
    if (!meeting) {
        return;
    }
    if (meeting->status != MeetingStatus::planned || meeting->starts_at <= turn.now) {
        turn.reply_text("meeting.move_closed", {{"number", std::to_string(meeting->id)}});
        return;
    }
    std::size_t first = 1;
    const auto second = fold(original[1]);
    if (second == "naar" || second == "to" || second == "op" || second == "on") {
        first = 2;
    }
    std::string when_text;
    for (std::size_t i = first; i < original.size(); ++i) {
        when_text += (when_text.empty() ? "" : " ") + original[i];
    }
    WhenError error = WhenError::not_understood;
    LocalDay written{};
    auto when = parse_when(when_text, turn.today(turn.zone_of(*network)), &error, &written);
    if (!when) {
        reply_when_error(turn, error, when_text, written);
        return;
    }
    if (when->kind == When::Kind::week) {
        turn.reply_text("when.need_day", {{"week", std::to_string(when->iso_week)}});
        return;
    }
    MeetingDraft draft{meeting->id,       when->local(),  meeting->duration_minutes,
                       meeting->location, meeting->topic, meeting->preparer_ids};
    if (when->kind == When::Kind::day) {
        // A new day only: keep the meeting's time of day.
        const auto old_day = date::floor<date::days>(meeting->local_start);
        draft.local = LocalTime{when->day} + (meeting->local_start - old_day);
    }
    propose(turn, *network, draft);
}

void cancel_meeting(Turn& turn, const std::string& args) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    if (trim(args).empty()) {
        turn.reply_text("meeting.cancel_usage");
        return;
    }
    auto meeting = find_meeting(turn, *network, words(args).front());
    if (!meeting) {
        return;
    }
    if (meeting->status != MeetingStatus::planned || meeting->starts_at <= turn.now) {
        turn.reply_text("meeting.cancel_closed", {{"number", std::to_string(meeting->id)}});
        return;
    }
    // Everyone is told and every reminder stops: asked first, and undoable for a day.
    ask_cancel_meeting(turn, *network, *meeting);
}

void cafe_weeks(Turn& turn, const std::string& args) {
    const auto today = turn.today(turn.settings.default_time_zone);
    int year = school_year_of(today);
    auto text = std::string(trim(args));
    // An optional school year first: "2026-2027: 41, 47, 12".
    if (!text.empty()) {
        const auto first_end = text.find_first_of(" :");
        const auto head = text.substr(0, first_end);
        if (auto parsed = parse_school_year(head)) {
            year = *parsed;
            text = first_end == std::string::npos ? "" : std::string(trim(text.substr(first_end)));
            while (!text.empty() && text.front() == ':') {
                text = std::string(trim(text.substr(1)));
            }
        }
    }
    auto describe = [&](int school_year) {
        const auto weeks = turn.store.cafe_weeks(school_year);
        if (weeks.empty()) {
            return turn.t("cafe_weeks.none", {{"year", school_year_label(school_year)}});
        }
        std::string out = turn.t("cafe_weeks.title", {{"year", school_year_label(school_year)}});
        for (const auto& week : weeks) {
            const auto monday = monday_of_iso_week(week.iso_year, week.iso_week);
            if (!monday) {
                continue;
            }
            out += "\n- " + turn.t("cafe_weeks.row",
                                   {{"week", std::to_string(week.iso_week)},
                                    {"from", format_day(*monday, turn.lang)},
                                    {"to", format_day(*monday + date::days{4}, turn.lang)}});
        }
        return out;
    };
    if (text.empty()) {
        turn.reply(TextContent{describe(year), {}});
        return;
    }
    if (!turn.manages_any()) {
        turn.reply_text("refuse.cafe_weeks");
        return;
    }
    std::vector<CafeWeek> weeks;
    std::set<unsigned> seen;
    for (auto token : words(text)) {
        while (!token.empty() && (token.back() == ',' || token.back() == ';')) {
            token.pop_back();
        }
        if (token.empty() || token == "week" || token == "weken" || token == "weeks" ||
            token == "," || token == "en" || token == "and") {
            continue;
        }
        for (const auto& piece : split(token, ',')) {
            if (piece.empty()) {
                continue;
            }
            const auto read = read_number(piece, 2);
            const bool digits = read.has_value();
            const unsigned number = digits ? static_cast<unsigned>(*read) : 0;
            const int iso_year = iso_year_for_school_week(year, number);
            if (!digits || number < 1 || !monday_of_iso_week(iso_year, number)) {
                turn.reply_text("cafe_weeks.bad_week",
                                {{"typed", piece}, {"year", school_year_label(year)}});
                return;
            }
            if (seen.insert(number).second) {
                weeks.push_back({year, iso_year, number});
            }
        }
    }
    if (weeks.empty()) {
        turn.reply_text("cafe_weeks.usage");
        return;
    }
    std::sort(weeks.begin(), weeks.end(), [](const CafeWeek& a, const CafeWeek& b) {
        return std::pair(a.iso_year, a.iso_week) < std::pair(b.iso_year, b.iso_week);
    });
    turn.store.set_cafe_weeks(year, weeks);
    for (const auto& each : turn.store.networks()) {
        // Café weeks are the board's, shared by every network: all their announcements follow.
        reschedule_network(turn.store, turn.settings, each.id, turn.now);
    }
    turn.reply(TextContent{turn.t("cafe_weeks.saved") + "\n" + describe(year), {}});
}

}  // namespace leernetwerk::detail
