// Meetings and café weeks: plan, move, cancel, list; the Ja/Nee confirmation when a plan breaks
// a network rule (outside a café week, more meetings than the yearly cap).
#include <algorithm>
#include <charconv>
#include <set>
#include <sstream>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

/// The open "plan bijeenkomst" form, answered once.
constexpr std::string_view kPlanFormKind = "plan_meeting_form";
constexpr auto kPlanFormTtl = std::chrono::hours(24 * 7);

/// A meeting as a facilitator asked for it, before it is stored.
struct MeetingDraft {
    Id meeting_id = 0;  ///< set when moving an existing meeting
    LocalTime local{};
    int duration_minutes = 120;
    std::string location;
    std::string topic;
    std::vector<Id> preparer_ids;
};

std::string escape_line(std::string_view value) {
    std::string out;
    for (char c : value) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

std::string unescape_line(std::string_view value) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) {
            out += value[i + 1] == 'n' ? '\n' : value[i + 1];
            ++i;
        } else {
            out += value[i];
        }
    }
    return out;
}

std::string local_text(LocalTime local) {
    return date::format("%Y-%m-%d %H:%M", local);
}

std::optional<LocalTime> parse_local_text(const std::string& text) {
    std::istringstream in(text);
    date::local_time<std::chrono::minutes> parsed;
    in >> date::parse("%Y-%m-%d %H:%M", parsed);
    if (in.fail()) {
        return std::nullopt;
    }
    return std::chrono::time_point_cast<std::chrono::seconds>(parsed);
}

std::string encode(const MeetingDraft& draft) {
    std::string preparers;
    for (auto id : draft.preparer_ids) {
        preparers += (preparers.empty() ? "" : ",") + std::to_string(id);
    }
    return "meeting=" + std::to_string(draft.meeting_id) + "\nstart=" + local_text(draft.local) +
           "\nduration=" + std::to_string(draft.duration_minutes) +
           "\nlocation=" + escape_line(draft.location) + "\ntopic=" + escape_line(draft.topic) +
           "\npreparers=" + preparers + "\n";
}

std::optional<MeetingDraft> decode(std::string_view payload) {
    MeetingDraft draft;
    bool has_start = false;
    for (const auto& line : split(payload, '\n')) {
        const auto eq = line.find('=');
        if (eq == std::string::npos) {
            continue;
        }
        const auto key = line.substr(0, eq);
        const auto value = line.substr(eq + 1);
        try {
            if (key == "meeting") {
                draft.meeting_id = std::stoll(value);
            } else if (key == "start") {
                auto local = parse_local_text(value);
                if (!local) {
                    return std::nullopt;
                }
                draft.local = *local;
                has_start = true;
            } else if (key == "duration") {
                draft.duration_minutes = std::stoi(value);
            } else if (key == "location") {
                draft.location = unescape_line(value);
            } else if (key == "topic") {
                draft.topic = unescape_line(value);
            } else if (key == "preparers") {
                for (const auto& id : split(value, ',')) {
                    if (!id.empty()) {
                        draft.preparer_ids.push_back(std::stoll(id));
                    }
                }
            }
        } catch (const std::exception&) {
            return std::nullopt;
        }
    }
    if (!has_start) {
        return std::nullopt;
    }
    return draft;
}

/// What follows "plan bijeenkomst": "<wanneer> | <plaats> | <onderwerp> | <voorbereiding>", where
/// parts may also carry a label ("plaats: …", "onderwerp …", "voorbereiding: …") in any order.
struct MeetingInput {
    std::string when;
    std::string location;
    std::string topic;
    std::string preparers;
};

MeetingInput read_meeting_args(std::string_view args) {
    static const std::vector<std::pair<std::string_view, int>> kLabels = {
        {"plaats", 1},   {"locatie", 1},   {"waar", 1},          {"place", 1},
        {"location", 1}, {"where", 1},     {"onderwerp", 2},     {"thema", 2},
        {"topic", 2},    {"theme", 2},     {"voorbereiding", 3}, {"voorbereid door", 3},
        {"door", 3},     {"preparers", 3}, {"prepared by", 3},   {"preparer", 3},
        {"wanneer", 0},  {"datum", 0},     {"when", 0},          {"date", 0},
    };
    MeetingInput input;
    std::string* slots[] = {&input.when, &input.location, &input.topic, &input.preparers};
    int next_positional = 0;
    for (const auto& raw : bar_parts(args)) {
        auto part = std::string(trim(raw));
        if (part.empty()) {
            ++next_positional;
            continue;
        }
        const auto folded = fold(part);
        int slot = -1;
        for (const auto& [label, index] : kLabels) {
            if (folded.rfind(label, 0) == 0 &&
                (folded.size() == label.size() || folded[label.size()] == ':' ||
                 folded[label.size()] == ' ')) {
                // Drop the label from the original text: count its words.
                const auto label_words = words(label).size();
                auto rest = part;
                for (std::size_t w = 0; w < label_words; ++w) {
                    const auto space = rest.find_first_of(" :");
                    rest = space == std::string::npos ? "" : rest.substr(space + 1);
                    rest = std::string(trim(rest));
                }
                while (!rest.empty() && rest.front() == ':') {
                    rest = std::string(trim(rest.substr(1)));
                }
                part = rest;
                slot = index;
                break;
            }
        }
        if (slot < 0) {
            while (next_positional < 4 && !slots[next_positional]->empty()) {
                ++next_positional;
            }
            slot = std::min(next_positional, 3);
            ++next_positional;
        }
        *slots[slot] = part;
    }
    return input;
}

std::vector<std::string> split_names(std::string_view text) {
    std::string normalized(text);
    for (const std::string_view joiner : {" en ", " and ", " & ", ";"}) {
        std::size_t at = 0;
        while ((at = normalized.find(joiner, at)) != std::string::npos) {
            normalized.replace(at, joiner.size(), ",");
        }
    }
    std::vector<std::string> names;
    for (const auto& part : split(normalized, ',')) {
        if (!part.empty()) {
            names.push_back(part);
        }
    }
    return names;
}

std::string preparer_names(Store& store, const std::vector<Id>& ids, Lang lang) {
    std::vector<std::string> names;
    for (auto id : ids) {
        if (auto member = store.member(id)) {
            names.push_back(member->display_name);
        }
    }
    return join_names(names, lang);
}

/// "Gepland" lines about a meeting, shared by replies, confirmations and announcements.
MessageArgs meeting_args(Store& store, const MeetingDraft& draft, const Network& network,
                         Lang lang) {
    const auto preparers = preparer_names(store, draft.preparer_ids, lang);
    return {{"network", network.name},
            {"when", format_moment(draft.local, lang)},
            {"location", draft.location.empty() ? tr(lang, "meeting.no_location") : draft.location},
            {"topic", draft.topic.empty() ? tr(lang, "meeting.no_topic") : draft.topic},
            {"preparers", preparers.empty() ? tr(lang, "meeting.no_preparers") : preparers}};
}

std::string week_list(const std::vector<CafeWeek>& weeks) {
    std::string out;
    for (const auto& week : weeks) {
        out += (out.empty() ? "" : ", ") + std::to_string(week.iso_week);
    }
    return out;
}

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

/// Resolves the start of a draft in the network's zone; replies when it can't be used.
std::optional<Instant> resolve_start(Turn& turn, const Network& network, LocalTime local,
                                     std::vector<std::string>& notes) {
    const auto zoned = to_instant(local, turn.zone_of(network));
    if (!zoned) {
        turn.reply_text("meeting.bad_zone", {{"zone", turn.zone_of(network)}});
        return std::nullopt;
    }
    if (zoned->kind == ZonedResult::Kind::nonexistent) {
        turn.reply_text("when.nonexistent", {{"when", format_moment(local, turn.lang)}});
        return std::nullopt;
    }
    if (zoned->kind == ZonedResult::Kind::ambiguous) {
        notes.push_back(turn.t("when.ambiguous", {{"when", format_moment(local, turn.lang)}}));
    }
    if (zoned->instant <= turn.now) {
        turn.reply_text("meeting.in_past", {{"when", format_moment(local, turn.lang)}});
        return std::nullopt;
    }
    return zoned->instant;
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

/// Stores the meeting (new or moved) and tells the facilitator and the network.
void commit_meeting(Turn& turn, const Network& network, const MeetingDraft& draft, Instant start,
                    const std::vector<std::string>& notes) {
    Meeting meeting;
    bool moved = false;
    if (draft.meeting_id != 0) {
        if (auto existing = turn.store.meeting(draft.meeting_id)) {
            meeting = *existing;
            moved = true;
        }
    }
    const auto before = meeting;
    meeting.network_id = network.id;
    meeting.local_start = draft.local;
    meeting.starts_at = start;
    meeting.duration_minutes = draft.duration_minutes;
    meeting.location = draft.location;
    meeting.topic = draft.topic;
    meeting.preparer_ids = draft.preparer_ids;
    meeting.status = MeetingStatus::planned;
    if (moved) {
        meeting.revision += 1;
        turn.store.update_meeting(meeting);
    } else {
        meeting.created_at = turn.now;
        meeting.id = turn.store.create_meeting(meeting);
    }
    auto args = meeting_args(turn.store, draft, network, turn.lang);
    args.emplace_back("number", std::to_string(meeting.id));
    std::string text = turn.t(moved ? "meeting.moved" : "meeting.planned", args);
    for (const auto& note : notes) {
        text += "\n\n" + note;
    }
    turn.reply(TextContent{text, {}});
    auto announce_args = meeting_args(turn.store, draft, network, turn.settings.default_language);
    announce_args.emplace_back("number", std::to_string(meeting.id));
    turn.announce(network.id, moved ? "meeting.announce_moved" : "meeting.announce_planned",
                  announce_args);
    if (moved) {
        meeting_changed(turn, network, before, meeting);
    } else {
        reschedule_network(turn.store, turn.settings, network.id, turn.now);
    }
}

/// Checks a draft and either stores it or asks the facilitator to confirm a broken rule.
/// Plans (or moves) the meeting, or asks Ja/Nee first; false when the moment cannot be used
/// (the sender was told why).
bool propose(Turn& turn, const Network& network, const MeetingDraft& draft) {
    std::vector<std::string> notes;
    const auto start = resolve_start(turn, network, draft.local, notes);
    if (!start) {
        return false;
    }
    const auto warnings = rule_warnings(turn, network, draft, notes);
    if (warnings.empty()) {
        commit_meeting(turn, network, draft, *start, notes);
        return true;
    }
    PendingAction pending;
    pending.member_id = turn.me->id;
    pending.network_id = network.id;
    pending.kind = draft.meeting_id ? "move_meeting" : "plan_meeting";
    pending.payload = encode(draft);
    pending.created_at = turn.now;
    pending.expires_at = turn.now + turn.settings.confirmation_ttl;
    pending.id = turn.store.create_pending(pending);

    ChoiceQuestion question;
    question.action_id = "confirm:" + std::to_string(pending.id);
    std::string prompt = turn.t(draft.meeting_id ? "meeting.confirm_move" : "meeting.confirm_plan",
                                meeting_args(turn.store, draft, network, turn.lang));
    for (const auto& warning : warnings) {
        prompt += "\n\n" + warning;
    }
    prompt += "\n\n" + turn.t(draft.meeting_id ? "meeting.confirm_move_question"
                                               : "meeting.confirm_question");
    question.prompt = prompt;
    question.choices = {{"ja", turn.t("choice.yes")}, {"nee", turn.t("choice.no")}};
    question.deadline = pending.expires_at;
    const auto question_id = turn.reply(question);
    turn.store.set_pending_question(pending.id, question_id);
    turn.store.schedule_job({0, std::string(kPendingExpiryJob), std::to_string(pending.id),
                             pending.expires_at, "", JobState::due});
    return true;
}

/// Says why a typed moment could not be used, with examples.
void reply_when_error(Turn& turn, WhenError error, const std::string& typed, LocalDay written) {
    if (error == WhenError::wrong_weekday) {
        turn.reply_text("when.wrong_weekday", {{"typed", typed}, {"day", format_day(written, turn.lang)}});
        return;
    }
    const auto key = error == WhenError::invalid_date   ? "when.invalid_date"
                     : error == WhenError::invalid_time ? "when.invalid_time"
                                                        : "when.not_understood";
    turn.reply_text(key, {{"typed", typed}});
}

/// Builds a draft from typed parts; replies and returns nullopt on the first problem.
std::optional<MeetingDraft> draft_from_input(Turn& turn, const Network& network,
                                             const MeetingInput& input) {
    if (trim(input.when).empty()) {
        turn.reply_text("meeting.plan_usage");
        return std::nullopt;
    }
    WhenError error = WhenError::not_understood;
    LocalDay written{};
    const auto when = parse_when(input.when, turn.today(turn.zone_of(network)), &error, &written);
    if (!when) {
        reply_when_error(turn, error, input.when, written);
        return std::nullopt;
    }
    if (when->kind == When::Kind::week) {
        turn.reply_text("when.need_day", {{"week", std::to_string(when->iso_week)}});
        return std::nullopt;
    }
    if (when->kind == When::Kind::day) {
        turn.reply_text("when.need_time",
                        {{"day", format_day(when->day, turn.lang)}, {"typed", input.when}});
        return std::nullopt;
    }
    constexpr std::size_t kMaxField = 200;
    if (utf8_length(input.location) > kMaxField || utf8_length(input.topic) > kMaxField) {
        turn.reply_text("meeting.field_too_long", {{"max", std::to_string(kMaxField)}});
        return std::nullopt;
    }
    MeetingDraft draft;
    draft.local = when->local();
    draft.location = input.location;
    draft.topic = input.topic;
    const auto roster = turn.store.roster(network.id);
    for (const auto& name : split_names(input.preparers)) {
        const auto match = find_in_roster(roster, name);
        if (!match.entry) {
            if (!match.candidates.empty()) {
                turn.reply_text(
                    "member.ambiguous",
                    {{"typed", name}, {"names", join_names(match.candidates, turn.lang)}});
            } else {
                turn.reply_text("member.unknown", {{"typed", name}, {"network", network.name}});
            }
            return std::nullopt;
        }
        if (std::find(draft.preparer_ids.begin(), draft.preparer_ids.end(),
                      match.entry->member.id) == draft.preparer_ids.end()) {
            draft.preparer_ids.push_back(match.entry->member.id);
        }
    }
    return draft;
}

void close_question(Turn& turn, const PendingAction& pending, const std::string& note) {
    if (!pending.question_message_id) {
        return;
    }
    auto row = turn.store.outbox_row(*pending.question_message_id);
    if (!row) {
        return;
    }
    if (auto* question = std::get_if<ChoiceQuestion>(&row->message.content)) {
        question->closed_note = note;
        turn.update(row->message.id, row->message.to, *question, row->message.lang);
    } else if (auto* form = std::get_if<ShortForm>(&row->message.content)) {
        form->closed_note = note;
        turn.update(row->message.id, row->message.to, *form, row->message.lang);
    }
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
        summary.rows.push_back(
            {turn.t("meetings.row_label", args), turn.t("meetings.row_value", args)});
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

void plan_meeting(Turn& turn, const std::string& args) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    if (trim(args).empty()) {
        // The form is answered once: its submission is tied to this open prompt, so a second
        // click (or a double click) on Plannen plans nothing twice.
        PendingAction pending;
        pending.member_id = turn.me->id;
        pending.network_id = network->id;
        pending.kind = std::string(kPlanFormKind);
        pending.created_at = turn.now;
        pending.expires_at = turn.now + kPlanFormTtl;
        pending.id = turn.store.create_pending(pending);
        ShortForm form;
        form.action_id = "form:plan_meeting:" + std::to_string(pending.id);
        form.title = turn.t("meeting.form_title", {{"network", network->name}});
        form.intro = turn.t("meeting.form_intro");
        form.fields = {
            {"when", turn.t("meeting.field_when"), FormField::Kind::text, true,
             turn.t("meeting.field_when_example")},
            {"location", turn.t("meeting.field_location"), FormField::Kind::text, false, ""},
            {"topic", turn.t("meeting.field_topic"), FormField::Kind::text, false, ""},
            {"preparers", turn.t("meeting.field_preparers"), FormField::Kind::text, false,
             turn.t("meeting.field_preparers_example")},
        };
        form.submit_label = turn.t("meeting.form_submit");
        turn.store.set_pending_question(pending.id, turn.reply(form));
        turn.store.schedule_job({0, std::string(kPendingExpiryJob), std::to_string(pending.id),
                                 pending.expires_at, "", JobState::due});
        return;
    }
    const auto draft = draft_from_input(turn, *network, read_meeting_args(args));
    if (draft) {
        propose(turn, *network, *draft);
    }
}

void plan_meeting_form(Turn& turn, const ActionSubmission& action) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    auto field = [&](const char* id) {
        const auto found = action.fields.find(id);
        if (found == action.fields.end()) {
            return std::string();
        }
        // A form field is one line: a newline typed in it becomes a space.
        auto value = found->second;
        std::replace(value.begin(), value.end(), '\n', ' ');
        return std::string(trim(value));
    };
    // "form:plan_meeting:<prompt>": a form already sent (or expired) plans nothing again. A form
    // without a number comes from an older version of the bot.
    std::optional<PendingAction> form;
    if (const auto number = action.action_id.substr(std::string_view("form:plan_meeting").size());
        !number.empty()) {
        Id id = 0;
        const auto [ptr, ec] =
            std::from_chars(number.data() + 1, number.data() + number.size(), id);
        form = ec == std::errc() ? turn.store.pending(id) : std::nullopt;
        if (!form || form->kind != kPlanFormKind) {
            turn.reply_privately(TextContent{turn.t("meeting.form_used"), {}});
            return;
        }
    }
    const MeetingInput input{field("when"), field("location"), field("topic"), field("preparers")};
    const auto draft = draft_from_input(turn, *network, input);
    if (draft && propose(turn, *network, *draft) && form) {
        close_question(turn, *form, turn.t("meeting.form_closed", {{"name", turn.me->display_name}}));
        turn.store.delete_pending(form->id);
        turn.store.cancel_job(kPendingExpiryJob, std::to_string(form->id));
    }
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

void answer_meeting_draft(Turn& turn, const PendingAction& answered, bool yes) {
    const std::optional<PendingAction> pending = answered;
    const auto network = turn.store.network(pending->network_id);
    const auto draft = decode(pending->payload);
    turn.store.delete_pending(pending->id);
    turn.store.cancel_job(kPendingExpiryJob, std::to_string(pending->id));
    if (!network || !draft) {
        close_question(turn, *pending, turn.t("confirm.closed_gone"));
        turn.reply_text("confirm.gone");
        return;
    }
    if (!yes) {
        close_question(turn, *pending,
                       turn.t("confirm.closed_no", {{"name", turn.me->display_name}}));
        turn.reply_text(draft->meeting_id ? "confirm.move_dropped" : "confirm.plan_dropped");
        return;
    }
    if (draft->meeting_id) {
        const auto meeting = turn.store.meeting(draft->meeting_id);
        if (!meeting || meeting->status != MeetingStatus::planned) {
            close_question(turn, *pending, turn.t("confirm.closed_gone"));
            turn.reply_text("meeting.move_closed", {{"number", std::to_string(draft->meeting_id)}});
            return;
        }
    }
    std::vector<std::string> notes;
    const auto start = resolve_start(turn, *network, draft->local, notes);
    if (!start) {
        close_question(turn, *pending, turn.t("confirm.closed_gone"));
        return;
    }
    close_question(turn, *pending, turn.t("confirm.closed_yes", {{"name", turn.me->display_name}}));
    commit_meeting(turn, *network, *draft, *start, notes);
}

}  // namespace leernetwerk::detail
