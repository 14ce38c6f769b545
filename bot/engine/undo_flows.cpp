// What cannot simply be typed back: cancelling a meeting and removing a member are asked Ja/Nee
// first, and can be undone for a while afterwards (issue 14, point 7).
#include <charconv>

#include "bot/vocab/text.hpp"
#include "bot/engine/registry.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

constexpr std::string_view kCancelMeetingKind = "cancel_meeting";
constexpr std::string_view kRemoveMemberKind = "remove_member";
constexpr std::string_view kUndoCancelKind = "undo_cancel_meeting";
constexpr std::string_view kUndoRemoveKind = "undo_remove_member";
/// How long an undo is offered.
constexpr auto kUndoWindow = std::chrono::hours(24);

std::optional<Id> read_number(std::string_view text) {
    Id value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size() || value <= 0) {
        return std::nullopt;
    }
    return value;
}

/// Opens a Ja/Nee (or undo) question for the sender; `yes_label` is the first button.
void ask(Turn& turn, Id network_id, std::string_view kind, const std::string& payload,
         std::chrono::seconds ttl, const std::string& prompt, const std::string& yes_label,
         bool with_no) {
    PendingAction pending;
    pending.member_id = turn.me->id;
    pending.network_id = network_id;
    pending.kind = std::string(kind);
    pending.payload = payload;
    pending.created_at = turn.now;
    pending.expires_at = turn.now + ttl;
    pending.id = turn.store.create_pending(pending);
    ChoiceQuestion question;
    question.action_id = "confirm:" + std::to_string(pending.id);
    question.prompt = prompt;
    question.choices = {{"ja", yes_label}};
    if (with_no) {
        question.choices.push_back({"nee", turn.t("choice.no")});
    }
    question.deadline = pending.expires_at;
    const auto question_id = turn.reply(question);
    turn.store.set_pending_question(pending.id, question_id);
    turn.store.schedule_job({0, std::string(kPendingExpiryJob), std::to_string(pending.id),
                             pending.expires_at, "", JobState::due});
}


void cancel_now(Turn& turn, const Network& network, Meeting meeting) {
    const auto before = meeting;
    meeting.status = MeetingStatus::cancelled;
    meeting.revision += 1;
    turn.store.update_meeting(meeting);
    meeting_changed(turn, network, before, meeting);
    const auto number = std::to_string(meeting.id);
    turn.announce(network.id, "meeting.announce_cancelled",
                  {{"number", number},
                   {"when", format_moment(meeting.local_start, turn.settings.default_language)},
                   {"network", network.name}});
    ask(turn, network.id, kUndoCancelKind, number, kUndoWindow,
        turn.t("meeting.cancelled", {{"number", number},
                                     {"when", format_moment(meeting.local_start, turn.lang)},
                                     {"network", network.name}}) +
            "\n\n" + turn.t("undo.offer", {{"until", format_moment_of(turn, network,
                                                                      turn.now + kUndoWindow)}}),
        turn.t("undo.button"), false);
}

void restore_meeting(Turn& turn, const Network& network, Meeting meeting) {
    meeting.status = MeetingStatus::planned;
    meeting.revision += 1;
    turn.store.update_meeting(meeting);
    reschedule_network(turn.store, turn.settings, network.id, turn.now);
    for (const auto& rsvp : turn.store.rsvps_of(meeting.id)) {
        const auto member = turn.store.member(rsvp.member_id);
        if (!member || member->id == turn.me->id) {
            continue;
        }
        const auto lang = turn.language_of(*member);
        turn.send_to_member(
            *member, TextContent{tr(lang, "undo.meeting_restored_notice",
                                    {{"network", network.name},
                                     {"when", format_moment(meeting.local_start, lang)}}),
                                 {}});
    }
    const auto number = std::to_string(meeting.id);
    turn.reply_text("undo.meeting_restored",
                    {{"number", number}, {"when", format_moment(meeting.local_start, turn.lang)}});
    turn.announce(network.id, "undo.meeting_restored_announce",
                  {{"network", network.name},
                   {"when", format_moment(meeting.local_start, turn.settings.default_language)}});
}

void remove_now(Turn& turn, const Network& network, const Member& target, Role role) {
    turn.store.end_membership(network.id, target.id, turn.now);
    ask(turn, network.id, kUndoRemoveKind,
        std::to_string(target.id) + ":" + std::string(role_code(role)), kUndoWindow,
        turn.t("remove_member.done", {{"name", target.display_name}, {"network", network.name}}) +
            "\n\n" + turn.t("undo.offer", {{"until", format_moment_of(turn, network,
                                                                      turn.now + kUndoWindow)}}),
        turn.t("undo.button"), false);
}

}  // namespace

void close_confirmation(Turn& turn, const PendingAction& pending, const std::string& note) {
    turn.store.delete_pending(pending.id);
    turn.store.cancel_job(kPendingExpiryJob, std::to_string(pending.id));
    if (!pending.question_message_id) {
        return;
    }
    const auto row = turn.store.outbox_row(*pending.question_message_id);
    if (!row) {
        return;
    }
    if (const auto* question = std::get_if<ChoiceQuestion>(&row->message.content)) {
        auto closed = *question;
        closed.closed_note = note;
        turn.update(row->message.id, row->message.to, closed, row->message.lang);
    }
}

std::string format_moment_of(Turn& turn, const Network& network, Instant instant) {
    const auto local = to_local(instant, turn.zone_of(network));
    return local ? format_moment(*local, turn.lang) : std::string();
}

void ask_cancel_meeting(Turn& turn, const Network& network, const Meeting& meeting) {
    const auto answered = turn.store.rsvps_of(meeting.id).size();
    const auto number = std::to_string(meeting.id);
    std::string prompt = turn.t("meeting.cancel_question",
                                {{"number", number},
                                 {"when", format_moment(meeting.local_start, turn.lang)},
                                 {"network", network.name}});
    if (answered > 0) {
        prompt += " " + turn.t("meeting.cancel_question_rsvps",
                               {{"count", std::to_string(answered)}});
    }
    ask(turn, network.id, kCancelMeetingKind, number,
        std::chrono::duration_cast<std::chrono::seconds>(turn.settings.confirmation_ttl), prompt,
        turn.t("meeting.cancel_yes"), true);
}

void ask_remove_member(Turn& turn, const Network& network, const RosterEntry& target) {
    std::string prompt;
    if (target.member.id == turn.me->id) {
        prompt = turn.t("remove_member.question_self", {{"network", network.name}});
    } else if (can_manage_network(target.membership.role)) {
        prompt = turn.t("remove_member.question_manager",
                        {{"name", target.member.display_name},
                         {"role", role_label(target.membership.role, turn.lang)},
                         {"network", network.name}});
    } else {
        prompt = turn.t("remove_member.question",
                        {{"name", target.member.display_name}, {"network", network.name}});
    }
    ask(turn, network.id, kRemoveMemberKind,
        std::to_string(target.member.id) + ":" + std::string(role_code(target.membership.role)),
        std::chrono::duration_cast<std::chrono::seconds>(turn.settings.confirmation_ttl), prompt,
        turn.t("remove_member.yes"), true);
}

bool is_undoable_kind(std::string_view kind) {
    return kind == kCancelMeetingKind || kind == kRemoveMemberKind || kind == kUndoCancelKind ||
           kind == kUndoRemoveKind;
}

bool is_undo_offer(std::string_view kind) {
    return kind == kUndoCancelKind || kind == kUndoRemoveKind;
}

bool answer_undoable(Turn& turn, const PendingAction& pending, bool yes) {
    if (!is_undoable_kind(pending.kind)) {
        return false;
    }
    const auto network = turn.store.network(pending.network_id);
    const auto colon = pending.payload.find(':');
    const auto target = read_number(std::string_view(pending.payload).substr(0, colon));
    if (!network || !target) {
        close_confirmation(turn, pending, turn.t("confirm.closed_gone"));
        turn.reply_text("confirm.gone");
        return true;
    }
    const auto name = turn.me->display_name;
    if (!yes) {
        close_confirmation(turn, pending, turn.t("confirm.closed_no", {{"name", name}}));
        turn.reply_text(is_undo_offer(pending.kind) ? "undo.kept"
                        : pending.kind == kCancelMeetingKind ? "meeting.cancel_dropped"
                                                             : "remove_member.dropped");
        return true;
    }
    if (pending.kind == kCancelMeetingKind || pending.kind == kUndoCancelKind) {
        const auto meeting = turn.store.meeting(*target);
        const bool undo = pending.kind == kUndoCancelKind;
        const auto wanted = undo ? MeetingStatus::cancelled : MeetingStatus::planned;
        if (!meeting || meeting->status != wanted || meeting->starts_at <= turn.now) {
            close_confirmation(turn, pending, turn.t("confirm.closed_gone"));
            turn.reply_text("meeting.cancel_closed", {{"number", std::to_string(*target)}});
            return true;
        }
        close_confirmation(turn, pending,
                   undo ? turn.t("undo.closed", {{"name", name}})
                        : turn.t("confirm.closed_yes", {{"name", name}}));
        if (undo) {
            restore_meeting(turn, *network, *meeting);
        } else {
            cancel_now(turn, *network, *meeting);
        }
        return true;
    }
    const auto member = turn.store.member(*target);
    const auto role = parse_role_code(
        colon == std::string::npos ? "" : std::string_view(pending.payload).substr(colon + 1));
    if (!member || !role) {
        close_confirmation(turn, pending, turn.t("confirm.closed_gone"));
        turn.reply_text("confirm.gone");
        return true;
    }
    if (pending.kind == kUndoRemoveKind) {
        if (turn.store.membership(network->id, member->id)) {
            close_confirmation(turn, pending, turn.t("confirm.closed_gone"));
            turn.reply_text("confirm.gone");
            return true;
        }
        close_confirmation(turn, pending, turn.t("undo.closed", {{"name", name}}));
        turn.store.add_membership({network->id, member->id, *role, turn.now});
        turn.reply_text("undo.member_restored",
                        {{"name", member->display_name}, {"network", network->name}});
        return true;
    }
    const auto membership = turn.store.membership(network->id, member->id);
    if (!membership) {
        close_confirmation(turn, pending, turn.t("confirm.closed_gone"));
        turn.reply_text("confirm.gone");
        return true;
    }
    if (can_manage_network(membership->role)) {
        // Still not the last one who runs the network (someone may have left meanwhile).
        int managers = 0;
        for (const auto& entry : turn.store.roster(network->id)) {
            managers += can_manage_network(entry.membership.role) ? 1 : 0;
        }
        if (managers <= 1) {
            close_confirmation(turn, pending, turn.t("confirm.closed_gone"));
            turn.reply_text("remove_member.last_manager", {{"name", member->display_name}});
            return true;
        }
    }
    close_confirmation(turn, pending, turn.t("confirm.closed_yes", {{"name", name}}));
    remove_now(turn, *network, *member, membership->role);
    return true;
}

}  // namespace leernetwerk::detail
