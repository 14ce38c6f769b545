// Chat flows around who comes to a meeting: `ik kom` / `ik kan niet` (typed and clicked),
// `wie komt`, and the notice to who had answered when a meeting moves or is cancelled.
#include <algorithm>
#include <set>

#include "bot/parse/arguments.hpp"
#include "bot/parse/commands.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

/// The next planned meeting of a network that has not started yet.
std::optional<Meeting> next_meeting(Store& store, Id network_id, Instant now) {
    for (auto& meeting : store.meetings_of(network_id)) {
        if (meeting.status == MeetingStatus::planned && meeting.starts_at > now) {
            return std::move(meeting);
        }
    }
    return std::nullopt;
}

/// A leading "#3" (or a lone "3") names the meeting; the rest is returned in `rest`. Without
/// one the network's next meeting is meant, so "ik kan niet 2 kinderen ziek" is a reason.
/// Replies and returns nullopt when there is no such meeting.
std::optional<Meeting> meeting_from_args(Turn& turn, const Network& network,
                                         const std::string& args, std::string& rest) {
    auto text = std::string(trim(args));
    rest = text;
    const auto space = text.find(' ');
    auto first = text.substr(0, space);
    const bool marked = !first.empty() && first.front() == '#';
    if (marked) {
        first.erase(0, 1);
    }
    // A number, also a negative or an absurdly long one, names a meeting: it is never taken as
    // "the next meeting" with a note.
    const bool signed_number = first.size() > 1 && (first.front() == '-' || first.front() == '+') &&
                               all_digits(std::string_view(first).substr(1));
    if ((all_digits(first) || signed_number) && (marked || space == std::string::npos)) {
        rest = space == std::string::npos ? std::string() : std::string(trim(text.substr(space)));
        // Longer than any id, zero or signed: no such meeting.
        const auto number = signed_number ? std::nullopt : read_number(first);
        if (!number || *number <= 0) {
            turn.reply_text("meeting.not_found", {{"number", first}, {"network", network.name}});
            return std::nullopt;
        }
        auto meeting = turn.store.meeting(*number);
        if (!meeting || meeting->network_id != network.id) {
            turn.reply_text("meeting.not_found", {{"number", first}, {"network", network.name}});
            return std::nullopt;
        }
        return meeting;
    }
    auto meeting = next_meeting(turn.store, network.id, turn.now);
    if (!meeting) {
        turn.reply_text("rsvp.no_meeting", {{"network", network.name}});
    }
    return meeting;
}

void record_rsvp(Turn& turn, const Network& network, const Meeting& meeting, bool coming,
                 std::string reason) {
    MessageArgs args = {{"network", network.name},
                        {"when", format_moment(meeting.local_start, turn.lang)},
                        {"number", std::to_string(meeting.id)}};
    if (meeting.status != MeetingStatus::planned || meeting.starts_at <= turn.now) {
        turn.reply_privately(TextContent{turn.t("rsvp.closed", args), {}});
        return;
    }
    if (!turn.membership_in(network.id)) {
        turn.reply_privately(TextContent{turn.t("rsvp.not_member", args), {}});
        return;
    }
    Rsvp rsvp;
    rsvp.meeting_id = meeting.id;
    rsvp.member_id = turn.me->id;
    rsvp.answer = coming ? RsvpAnswer::coming : RsvpAnswer::not_coming;
    rsvp.reason = coming ? std::string() : std::move(reason);
    rsvp.updated_at = turn.now;
    turn.store.set_rsvp(rsvp);
    if (coming) {
        turn.reply_privately(TextContent{turn.t("rsvp.noted_yes", args), {}});
    } else if (rsvp.reason.empty()) {
        turn.reply_privately(TextContent{turn.t("rsvp.noted_no", args), {}});
    } else {
        args.emplace_back("reason", rsvp.reason);
        turn.reply_privately(TextContent{turn.t("rsvp.noted_no_reason", args), {}});
    }
}

}  // namespace

void rsvp(Turn& turn, bool coming, const std::string& args) {
    const auto network = turn.require_network();
    if (!network) {
        return;
    }
    std::string reason;
    const auto meeting = meeting_from_args(turn, *network, args, reason);
    if (!meeting) {
        return;
    }
    record_rsvp(turn, *network, *meeting, coming, coming ? std::string() : reason);
}

void rsvp_click(Turn& turn, Id meeting_id, bool coming) {
    const auto meeting = turn.store.meeting(meeting_id);
    const auto network = meeting ? turn.store.network(meeting->network_id) : std::nullopt;
    if (!meeting || !network) {
        turn.reply_privately(TextContent{turn.t("action.unknown"), {}});
        return;
    }
    record_rsvp(turn, *network, *meeting, coming, {});
}

void show_attendance(Turn& turn, const std::string& args) {
    const auto network = turn.require_network();
    if (!network) {
        return;
    }
    std::string rest;
    const auto meeting = meeting_from_args(turn, *network, args, rest);
    if (!meeting) {
        return;
    }
    // Reasons for not coming are for those who run the network, and only in a private chat: in
    // a group the answer stays where it was asked (sending it to a private chat instead cost a
    // chat to be opened, or another conversation's send, on every `wie komt` of a facilitator).
    const bool manager = turn.manages(network->id);
    const bool reasons =
        manager && turn.event.conversation.kind == Conversation::Kind::direct;
    std::vector<std::string> coming;
    std::vector<std::string> not_coming;
    std::vector<bool> not_coming_reasons;
    std::set<Id> answered;
    for (const auto& rsvp : turn.store.rsvps_of(meeting->id)) {
        const auto member = turn.store.member(rsvp.member_id);
        if (!member) {
            continue;
        }
        answered.insert(rsvp.member_id);
        if (rsvp.answer == RsvpAnswer::coming) {
            coming.push_back(member->display_name);
        } else {
            not_coming_reasons.push_back(!rsvp.reason.empty());
            not_coming.push_back(reasons && !rsvp.reason.empty()
                                     ? member->display_name + " (" + rsvp.reason + ")"
                                     : member->display_name);
        }
    }
    std::vector<std::string> open;
    for (const auto& entry : turn.store.roster(network->id)) {
        if (!answered.count(entry.member.id)) {
            open.push_back(entry.member.display_name);
        }
    }
    const auto row = [&](std::string_view key, const std::vector<std::string>& names) {
        return SummaryRow{turn.t(key, {{"count", std::to_string(names.size())}}),
                          names.empty() ? turn.t("rsvp.nobody")
                                        : turn.t("reminder.value",
                                                 {{"value", join_names(names, turn.lang)}})};
    };
    Summary summary;
    summary.title = turn.t("rsvp.title", {{"network", network->name},
                                          {"when", format_moment(meeting->local_start, turn.lang)}});
    summary.rows = {row("rsvp.row_coming", coming), row("rsvp.row_not_coming", not_coming),
                    row("rsvp.row_open", open)};
    // A bar only when there is something to show: an empty one would just end the list.
    if (!coming.empty()) {
        summary.bars = {{turn.t("rsvp.bar_coming"), static_cast<double>(coming.size()),
                         static_cast<double>(coming.size() + not_coming.size() + open.size()),
                         std::to_string(coming.size())}};
    }
    summary.footnote = turn.t("rsvp.footnote");
    const bool reasons_elsewhere =
        manager && !reasons && std::any_of(not_coming_reasons.begin(), not_coming_reasons.end(),
                                           [](bool has) { return has; });
    if (reasons_elsewhere) {
        summary.footnote += " " + turn.t("rsvp.reasons_privately");
    }
    turn.reply(summary);
}

void meeting_changed(Turn& turn, const Network& network, const Meeting& before,
                     const Meeting& after) {
    const bool cancelled = after.status == MeetingStatus::cancelled;
    for (const auto& rsvp : turn.store.rsvps_of(before.id)) {
        const auto member = turn.store.member(rsvp.member_id);
        if (!member || (turn.me && member->id == turn.me->id)) {
            continue;
        }
        const auto lang = turn.language_of(*member);
        MessageArgs args = {{"network", network.name},
                            {"before", format_moment(before.local_start, lang)},
                            {"when", format_moment(after.local_start, lang)},
                            {"answer", tr(lang, rsvp.answer == RsvpAnswer::coming
                                                    ? "rsvp.you_were_coming"
                                                    : "rsvp.you_were_not_coming")}};
        if (cancelled) {
            turn.send_to_member(*member, TextContent{tr(lang, "rsvp.cancelled_notice", args), {}});
        } else {
            turn.send_to_member(*member, rsvp_question(after, tr(lang, "rsvp.moved_notice", args),
                                                       lang));
        }
    }
    if (!cancelled) {
        // A new date: everyone is asked again.
        turn.store.clear_rsvps(before.id);
    }
    reschedule_network(turn.store, turn.settings, network.id, turn.now);
}

}  // namespace leernetwerk::detail
