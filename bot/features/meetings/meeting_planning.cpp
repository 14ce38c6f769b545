// Planning a meeting: `plan bijeenkomst` typed or through its form, the Ja/Nee confirmation when
// a plan breaks a network rule (outside a café week, more meetings than the yearly cap), and
// storing and announcing it (also for a move).
#include <algorithm>
#include <charconv>
#include <sstream>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"
#include "bot/features/meetings/meetings.hpp"

namespace leernetwerk::detail {
namespace {

/// The open "plan bijeenkomst" form, answered once.
constexpr std::string_view kPlanFormKind = "plan_meeting_form";
constexpr auto kPlanFormTtl = std::chrono::hours(24 * 7);

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
