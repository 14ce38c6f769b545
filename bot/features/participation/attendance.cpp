// Attendance lists: who actually came, apart from who said they would. A list opens when the
// meeting starts (prefilled from the RSVPs) and goes to the facilitators as a card to tick;
// members confirm themselves with `ik was er` until the list closes (by a facilitator, or by
// itself some days later).
#include <algorithm>

#include "bot/features/participation/participation.hpp"
#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::detail {
namespace {

/// The names of who is present among the roster, in roster order; erased ones are counted only.
std::vector<std::string> present_names(const std::vector<RosterEntry>& roster,
                                       const std::set<Id>& present) {
    std::vector<std::string> names;
    for (const auto& entry : roster) {
        if (present.contains(entry.member.id)) {
            names.push_back(entry.member.display_name);
        }
    }
    return names;
}

MessageArgs meeting_args(const Network& network, const Meeting& meeting, Lang lang) {
    return {{"network", network.name},
            {"number", std::to_string(meeting.id)},
            {"when", format_moment(meeting.local_start, lang)},
            {"topic", meeting.topic.empty() ? tr(lang, "attendance.no_topic") : meeting.topic}};
}

/// "5 aanwezig: Anna, Bram en Cees" or "nog niemand".
std::string presence_line(Store& store, const Network& network, Id meeting_id, Lang lang) {
    const auto present = present_at(store, meeting_id).value_or(std::set<Id>{});
    if (present.empty()) {
        return tr(lang, "attendance.nobody");
    }
    auto names = present_names(store.roster(network.id), present);
    // Present members who left the network since (or were erased) still count.
    const auto others = present.size() - names.size();
    if (others > 0) {
        names.push_back(tr(lang, "attendance.others", {{"count", std::to_string(others)}}));
    }
    return tr(lang, "attendance.present_line",
              {{"count", std::to_string(present.size())},
               {"names", join_names(names, lang)}});
}

/// The card a facilitator ticks: every member of the network, who is present ticked.
ChoiceQuestion attendance_card(Store& store, const Network& network, const Meeting& meeting,
                               Lang lang) {
    auto args = meeting_args(network, meeting, lang);
    args.emplace_back("present", presence_line(store, network, meeting.id, lang));
    ChoiceQuestion card;
    card.action_id = "attendance:" + std::to_string(meeting.id);
    card.kind = ChoiceQuestion::Kind::multiple;
    card.prompt = tr(lang, "attendance.card", args);
    const auto present = present_at(store, meeting.id).value_or(std::set<Id>{});
    for (const auto& entry : store.roster(network.id)) {
        const auto id = std::to_string(entry.member.id);
        card.choices.push_back({id, entry.member.display_name});
        if (present.contains(entry.member.id)) {
            card.selected.push_back(id);
        }
    }
    card.max_choices = static_cast<int>(std::max<std::size_t>(card.choices.size(), 1));
    const auto list = store.attendance_list(meeting.id);
    if (list && list->closed_at) {
        card.closed_note = tr(lang, "attendance.card_closed", args);
    }
    return card;
}

/// Why a meeting has no list to work on (replied), or true when it has or can have one.
bool can_have_list(Turn& turn, const Network& network, const Meeting& meeting) {
    auto args = meeting_args(network, meeting, turn.lang);
    if (meeting.status == MeetingStatus::cancelled) {
        turn.reply_privately(TextContent{turn.t("attendance.cancelled", args), {}});
        return false;
    }
    if (meeting.starts_at > turn.now) {
        turn.reply_privately(TextContent{turn.t("attendance.not_started", args), {}});
        return false;
    }
    return true;
}

/// A list that is closed cannot be changed (replied), unless it is reopened.
bool refuse_if_closed(Turn& turn, const Network& network, const Meeting& meeting, bool manager) {
    const auto list = turn.store.attendance_list(meeting.id);
    if (!list || !list->closed_at) {
        return false;
    }
    auto args = meeting_args(network, meeting, turn.lang);
    turn.reply_privately(TextContent{
        turn.t(manager ? "attendance.closed_manager" : "attendance.closed_member", args), {}});
    return true;
}

/// The meeting named by a leading number in `args` (cut off), else the network's latest held
/// one. Replies and returns nullopt when there is none.
std::optional<Meeting> meeting_from(Turn& turn, const Network& network, std::string& args) {
    if (const auto leading = read_leading_number(args)) {
        auto meeting = turn.store.meeting(leading->number);
        if (!meeting || meeting->network_id != network.id) {
            turn.reply_text("meeting.not_found",
                            {{"number", leading->typed}, {"network", network.name}});
            return std::nullopt;
        }
        args = leading->rest;
        return meeting;
    }
    std::optional<Meeting> latest;
    for (auto& meeting : turn.store.meetings_of(network.id)) {
        if (is_held(meeting, turn.now)) {
            latest = std::move(meeting);
        }
    }
    if (!latest) {
        turn.reply_text("attendance.no_held_meeting", {{"network", network.name}});
    }
    return latest;
}

void reply_state(Turn& turn, const Network& network, const Meeting& meeting, std::string_view key) {
    auto args = meeting_args(network, meeting, turn.lang);
    args.emplace_back("present", presence_line(turn.store, network, meeting.id, turn.lang));
    turn.reply_privately(TextContent{turn.t(key, args), {}});
}

/// The meeting (with its network) an attendance job's key names; nullopt when either is gone.
std::optional<std::pair<Meeting, Network>> job_meeting(Store& store, const Job& job) {
    const auto id = read_number(job.key);
    auto meeting = id ? store.meeting(*id) : std::nullopt;
    auto network = meeting ? store.network(meeting->network_id) : std::nullopt;
    if (!network) {
        return std::nullopt;
    }
    return std::pair{std::move(*meeting), std::move(*network)};
}

void set_mark(Store& store, Id meeting_id, Id member_id, bool present, AttendanceSource source,
              Instant now) {
    store.set_attendance({meeting_id, member_id, present, source, now});
}

}  // namespace

std::optional<Member> member_in_network(Turn& turn, const Network& network,
                                        const std::vector<RosterEntry>& roster,
                                        std::string_view name) {
    const auto match = find_in_roster(roster, name);
    if (!match.entry) {
        turn.reply_text(
            match.candidates.empty() ? "attendance.not_in_network" : "attendance.which_member",
            {{"name", std::string(name)},
             {"network", network.name},
             {"candidates", join_names(match.candidates, turn.lang)}});
        return std::nullopt;
    }
    return match.entry->member;
}

std::vector<Member> managers_of(Store& store, Id network_id) {
    std::vector<Member> out;
    for (const auto& entry : store.roster(network_id)) {
        if (can_manage_network(entry.membership.role)) {
            out.push_back(entry.member);
        }
    }
    return out;
}

bool is_held(const Meeting& meeting, Instant now) {
    return meeting.status == MeetingStatus::planned && meeting.starts_at <= now;
}

std::optional<std::set<Id>> present_at(Store& store, Id meeting_id) {
    if (!store.attendance_list(meeting_id)) {
        return std::nullopt;
    }
    std::set<Id> present;
    for (const auto& mark : store.attendance_of(meeting_id)) {
        if (mark.present) {
            present.insert(mark.member_id);
        }
    }
    return present;
}

bool open_attendance_list(Store& store, const Meeting& meeting, Instant now) {
    if (!store.open_attendance(meeting.id, now)) {
        return false;
    }
    // Prefilled with who said they would come and is still in the network.
    std::set<Id> members;
    for (const auto& entry : store.roster(meeting.network_id)) {
        members.insert(entry.member.id);
    }
    for (const auto& rsvp : store.rsvps_of(meeting.id)) {
        if (rsvp.answer == RsvpAnswer::coming && members.contains(rsvp.member_id)) {
            set_mark(store, meeting.id, rsvp.member_id, true, AttendanceSource::rsvp, now);
        }
    }
    return true;
}

void schedule_attendance(Store& store, Id network_id, Instant now) {
    for (const auto& meeting : store.meetings_of(network_id)) {
        const auto key = std::to_string(meeting.id);
        if (meeting.status == MeetingStatus::cancelled) {
            store.cancel_job(kAttendanceOpenJob, key);
            store.cancel_job(kAttendanceCloseJob, key);
        } else if (meeting.starts_at > now) {
            store.schedule_job({0, std::string(kAttendanceOpenJob), key, meeting.starts_at, "",
                                JobState::due});
        }
    }
}

void attendance_command(Turn& turn, const std::string& typed) {
    const auto network = *turn.managed_network;
    std::string args = typed;
    const auto meeting = meeting_from(turn, network, args);
    if (!meeting || !can_have_list(turn, network, *meeting)) {
        return;
    }
    const auto word = fold(trim(args));
    if (is_word(word, {"sluiten", "sluit", "dicht", "close", "closed"})) {
        open_attendance_list(turn.store, *meeting, turn.now);
        turn.store.close_attendance(meeting->id, turn.now);
        reply_state(turn, network, *meeting, "attendance.closed_now");
        close_year_after_last_meeting(turn.postman, network, *meeting);
        return;
    }
    if (is_word(word, {"heropenen", "heropen", "open", "reopen"})) {
        open_attendance_list(turn.store, *meeting, turn.now);
        turn.store.reopen_attendance(meeting->id);
        reply_state(turn, network, *meeting, "attendance.reopened");
        return;
    }
    if (!word.empty()) {
        turn.reply_text("attendance.usage", {{"number", std::to_string(meeting->id)}});
        return;
    }
    open_attendance_list(turn.store, *meeting, turn.now);
    turn.reply_privately(attendance_card(turn.store, network, *meeting, turn.lang));
}

void mark_attendance(Turn& turn, const std::string& typed, bool present) {
    const auto network = *turn.managed_network;
    const auto leading = read_leading_number(typed);
    if (!leading || trim(leading->rest).empty()) {
        turn.reply_text(present ? "attendance.mark_usage" : "attendance.unmark_usage");
        return;
    }
    std::string args = typed;
    const auto meeting = meeting_from(turn, network, args);
    if (!meeting || !can_have_list(turn, network, *meeting) ||
        refuse_if_closed(turn, network, *meeting, true)) {
        return;
    }
    // Every name must be a member before anything changes.
    const auto roster = turn.store.roster(network.id);
    std::vector<Id> ids;
    std::string names = args;
    for (auto& piece : split(names, ',')) {
        for (auto& name : split(piece, '&')) {
            const auto wanted = trim(name);
            if (wanted.empty()) {
                continue;
            }
            const auto member = member_in_network(turn, network, roster, wanted);
            if (!member) {
                return;
            }
            ids.push_back(member->id);
        }
    }
    open_attendance_list(turn.store, *meeting, turn.now);
    for (const auto id : ids) {
        set_mark(turn.store, meeting->id, id, present, AttendanceSource::facilitator, turn.now);
    }
    reply_state(turn, network, *meeting, "attendance.saved");
}

void confirm_own_attendance(Turn& turn, const std::string& typed) {
    const auto network = turn.require_network();
    if (!network) {
        return;
    }
    if (!turn.membership_in(network->id)) {
        turn.reply_text("attendance.self_not_member", {{"network", network->name}});
        return;
    }
    std::string args = typed;
    std::optional<Meeting> meeting;
    if (read_leading_number(args)) {
        meeting = meeting_from(turn, *network, args);
    } else {
        // The latest meeting that took place; a list that is still open is meant first.
        for (auto& each : turn.store.meetings_of(network->id)) {
            if (!is_held(each, turn.now)) {
                continue;
            }
            const auto list = turn.store.attendance_list(each.id);
            if (!meeting || !list || !list->closed_at) {
                meeting = std::move(each);
            }
        }
        if (!meeting) {
            turn.reply_text("attendance.no_held_meeting", {{"network", network->name}});
        }
    }
    if (!meeting || !can_have_list(turn, *network, *meeting) ||
        refuse_if_closed(turn, *network, *meeting, false)) {
        return;
    }
    open_attendance_list(turn.store, *meeting, turn.now);
    set_mark(turn.store, meeting->id, turn.me->id, true, AttendanceSource::self, turn.now);
    turn.reply_privately(
        TextContent{turn.t("attendance.self_noted", meeting_args(*network, *meeting, turn.lang)),
                    {}});
}

void attendance_card_submitted(Turn& turn, const ActionSubmission& action, Id meeting_id) {
    const auto meeting = turn.store.meeting(meeting_id);
    const auto network = meeting ? turn.store.network(meeting->network_id) : std::nullopt;
    if (!meeting || !network) {
        turn.reply_privately(TextContent{turn.t("action.unknown"), {}});
        return;
    }
    if (!turn.manages(network->id)) {
        turn.reply_privately(
            TextContent{turn.t("attendance.only_managers", {{"network", network->name}}), {}});
        return;
    }
    if (!can_have_list(turn, *network, *meeting) ||
        refuse_if_closed(turn, *network, *meeting, true)) {
        return;
    }
    // The card sends the whole list of who was there: each id must be a member's.
    std::set<Id> members;
    for (const auto& entry : turn.store.roster(network->id)) {
        members.insert(entry.member.id);
    }
    std::set<Id> ticked;
    for (const auto& choice : action.choice_ids) {
        const auto id = read_number(choice);
        if (!id || !members.contains(*id)) {
            turn.reply_privately(TextContent{
                turn.t("attendance.not_in_network", {{"name", choice}, {"network", network->name}}),
                {}});
            return;
        }
        ticked.insert(*id);
    }
    open_attendance_list(turn.store, *meeting, turn.now);
    const auto before = present_at(turn.store, meeting->id).value_or(std::set<Id>{});
    for (const auto id : members) {
        if (ticked.contains(id) != before.contains(id)) {
            set_mark(turn.store, meeting->id, id, ticked.contains(id),
                     AttendanceSource::facilitator, turn.now);
        }
    }
    reply_state(turn, *network, *meeting, "attendance.saved");
}

void run_attendance_open(Store& store, const BotSettings& settings, const Job& job, Instant now) {
    const auto found = job_meeting(store, job);
    if (!found || !is_held(found->first, now)) {
        return;  // cancelled, or moved later (then its job was moved too)
    }
    const Meeting& meeting = found->first;
    const Network& network = found->second;
    if (!open_attendance_list(store, meeting, now)) {
        return;
    }
    Postman post(store, settings, now);
    std::optional<Id> first;
    for (const auto& manager : managers_of(store, network.id)) {
        const auto sent = post.to_member(
            manager,
            [&](Lang lang) -> Content { return attendance_card(store, network, meeting, lang); },
            Privately{.network_id = network.id});
        if (sent && !first) {
            first = sent;
        }
    }
    if (first) {
        store.set_attendance_card(meeting.id, *first);
    }
    const auto days = std::chrono::days{std::max(1, settings.participation.attendance_close_days)};
    store.schedule_job({0, std::string(kAttendanceCloseJob), job.key, now + days, "",
                        JobState::due});
}

void run_attendance_close(Store& store, const BotSettings& settings, const Job& job, Instant now) {
    const auto found = job_meeting(store, job);
    const auto list = found ? store.attendance_list(found->first.id) : std::nullopt;
    if (!list || list->closed_at) {
        return;  // closed by a facilitator already
    }
    const Meeting& meeting = found->first;
    const Network& network = found->second;
    store.close_attendance(meeting.id, now);
    Postman post(store, settings, now);
    for (const auto& manager : managers_of(store, network.id)) {
        post.to_member(
            manager,
            [&](Lang lang) -> Content {
                auto args = meeting_args(network, meeting, lang);
                args.emplace_back("present", presence_line(store, network, meeting.id, lang));
                return TextContent{tr(lang, "attendance.auto_closed", args), {}};
            },
            Privately{.network_id = network.id});
    }
    close_year_after_last_meeting(post, network, meeting);
}

}  // namespace leernetwerk::detail
