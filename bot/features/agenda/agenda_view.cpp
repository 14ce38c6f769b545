// The list view (`agenda`): the next meeting's items by status, with their times, for members
// and for those who run the network; and the agenda rows of the meeting digest.
#include <algorithm>

#include "bot/parse/arguments.hpp"
#include "bot/parse/commands.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/registry.hpp"
#include "bot/engine/turn.hpp"
#include "bot/features/agenda/agenda_flows.hpp"
#include "bot/features/agenda/agenda_lists.hpp"

namespace leernetwerk::detail {
namespace {

using std::chrono::minutes;

/// Minutes after local midnight of a meeting's start.
minutes start_of_day(const Meeting& meeting) {
    const auto day = date::floor<date::days>(meeting.local_start);
    return std::chrono::duration_cast<minutes>(meeting.local_start - day);
}

/// The times of accepted items, from the meeting's start and each item's minutes: "15:30–15:50"
/// (or "15:30" without minutes); "…" once an earlier item has no minutes.
/// How long an item without a length of its own is assumed to take: an equal share of what the
/// meeting has left (in steps of 5 minutes, at least 10).
int assumed_minutes(const Meeting& meeting, const std::vector<AgendaItem>& items) {
    int set = 0;
    int unset = 0;
    for (const auto& item : items) {
        set += item.minutes > 0 ? item.minutes : 0;
        unset += item.minutes > 0 ? 0 : 1;
    }
    if (unset == 0) {
        return 0;
    }
    const int share = (meeting.duration_minutes - set) / unset / 5 * 5;
    return std::max(share, 10);
}

std::vector<std::string> time_labels(const Meeting& meeting, const std::vector<AgendaItem>& items) {
    // An item without a length gets an assumed one (its times marked "±"), so the items after it
    // keep their start times.
    std::vector<std::string> out;
    auto at = start_of_day(meeting);
    const int assumed = assumed_minutes(meeting, items);
    for (const auto& item : items) {
        const auto wrap = [](minutes m) { return minutes{m.count() % (24 * 60)}; };
        const bool estimated = item.minutes <= 0;
        const auto end = at + minutes{estimated ? assumed : item.minutes};
        out.push_back(std::string(estimated ? "±" : "") + format_time_of_day(wrap(at)) + "–" +
                      format_time_of_day(wrap(end)));
        at = end;
    }
    return out;
}

bool visible(const AgendaItem& item, const View& view) {
    if (view.manager) {
        return true;
    }
    const bool mine = std::any_of(item.submitters.begin(), item.submitters.end(),
                                  [&](const AgendaSubmitter& s) { return s.member_id == view.me; });
    if (item.kind == AgendaItemKind::case_study) {
        return mine;
    }
    return item.status != AgendaStatus::parked || mine;
}

}  // namespace

std::vector<SummaryRow> agenda_digest_rows(Store& store, const Meeting& meeting, Lang lang) {
    std::vector<AgendaItem> accepted;
    for (const auto& item : list_of(store.agenda_items(meeting.network_id), meeting.id)) {
        if (item.status == AgendaStatus::accepted) {
            accepted.push_back(item);
        }
    }
    if (accepted.empty()) {
        return {};
    }
    std::vector<SummaryRow> rows;
    rows.push_back(
        {tr(lang, "agenda.digest_row"),
         tr(lang, accepted.size() == 1 ? "agenda.digest_count_one" : "agenda.digest_count",
            {{"count", std::to_string(accepted.size())}})});
    const auto times = time_labels(meeting, accepted);
    for (std::size_t i = 0; i < accepted.size(); ++i) {
        const auto& item = accepted[i];
        // A casus is the facilitator's until the meeting: the group sees its slot, not its text.
        std::string value = item.kind == AgendaItemKind::case_study
                                ? tr(lang, "agenda.digest_case")
                                : tr(lang, "agenda.digest_item", {{"text", item.text}});
        if (item.preparer_id) {
            value += " · " +
                     tr(lang, "agenda.preparer", {{"name", member_name(store, *item.preparer_id)}});
        }
        if (item.minutes > 0) {
            value +=
                " · " + tr(lang, "agenda.minutes", {{"minutes", std::to_string(item.minutes)}});
        } else {
            value += " · " + tr(lang, "agenda.minutes_assumed");
        }
        rows.push_back({tr(lang, "agenda.digest_time", {{"time", times[i]}}), value});
    }
    return rows;
}

void show_agenda(Turn& turn, const std::string& args) {
    if (!trim(args).empty()) {
        // "agenda 3 voorbereider Bram", "agenda 3 accepteer", "agenda 3 naar 16 maart"
        const auto parts = typed_words(args);
        if (item_number(parts.front()) && parts.size() >= 2) {
            const auto verb = fold(parts[1]);
            const auto number = parts.front();
            const auto rest = rest_after(parts, 2);
            if (is_word(verb, {"accepteer", "accepteren", "akkoord", "accept", "vast"})) {
                route_command(turn, "agenda_accept", number);
            } else if (is_word(verb, {"parkeer", "parkeren", "park"})) {
                route_command(turn, "agenda_park", number);
            } else if (is_word(verb, {"naar", "to", "verplaats", "move"})) {
                route_command(turn, "agenda_move", number + " naar " + rest);
            } else if (is_word(verb,
                               {"volgorde", "plaats", "positie", "order", "position", "place"})) {
                route_command(turn, "agenda_order", number + " " + rest);
            } else if (is_word(verb, {"verwijder", "verwijderen", "remove", "delete"})) {
                route_command(turn, "agenda_remove", number);
            } else {
                route_command(turn, "agenda_edit", args);
            }
            return;
        }
        turn.reply_text("agenda.usage");
        return;
    }
    const auto network = member_network(turn);
    if (!network) {
        return;
    }
    const bool manager = turn.manages(network->id);
    const auto next = next_list(turn.store, network->id, turn.now);
    const auto round = turn.store.agenda_round(network->id);
    const bool round_current = round && !stale(turn.store, *round, turn.now);
    const bool open = accepting_dots(turn.store, round, turn.now);
    // Dots show once the vote is closed; while it runs, only to those who run it.
    View view{turn.lang, manager, turn.me->id, round_current && (manager || !round->open)};
    std::string text =
        turn.t("agenda.title",
               {{"network", network->name}, {"meeting", meeting_label(next.meeting, turn.lang)}});
    if (open) {
        text += "\n" + turn.t("agenda.vote_running");
    }
    bool private_parts = false;
    bool any = false;
    for (const auto status :
         {AgendaStatus::accepted, AgendaStatus::proposed, AgendaStatus::parked}) {
        // Settled cases the reader may not see keep their slot (and its time) without their text.
        const bool settled = status == AgendaStatus::accepted;
        std::vector<AgendaItem> listed;
        for (const auto& item : next.items) {
            if (item.status == status &&
                (visible(item, view) || (settled && item.kind == AgendaItemKind::case_study))) {
                listed.push_back(item);
            }
        }
        if (listed.empty()) {
            continue;
        }
        any = true;
        text += "\n\n" + turn.t("agenda.section." + std::string(agenda_status_code(status)));
        const auto times = settled && next.meeting ? time_labels(*next.meeting, listed)
                                                   : std::vector<std::string>();
        for (std::size_t i = 0; i < listed.size(); ++i) {
            const auto& item = listed[i];
            text += "\n- ";
            if (i < times.size()) {
                text += turn.t("agenda.time_prefix", {{"time", times[i]}});
            }
            if (!visible(item, view)) {
                text += turn.t("agenda.digest_case");
                if (item.minutes > 0) {
                    text += " · " +
                            turn.t("agenda.minutes", {{"minutes", std::to_string(item.minutes)}});
                }
                continue;
            }
            text += item_line(turn.store, item, view);
            // A case, or a hidden name this reader may see (their own, or anyone's for those
            // who run the network), is not for the room.
            private_parts = private_parts || item.kind == AgendaItemKind::case_study ||
                            std::any_of(item.submitters.begin(), item.submitters.end(),
                                        [&](const AgendaSubmitter& s) {
                                            return s.hidden && (manager || s.member_id == view.me);
                                        });
        }
    }
    if (!any) {
        text += "\n\n" + turn.t("agenda.empty");
    }
    if (manager) {
        int planned = 0;
        for (const auto& item : next.items) {
            planned += item.status == AgendaStatus::accepted ? item.minutes : 0;
        }
        if (next.meeting && planned > 0) {
            text += "\n\n" + turn.t(planned > next.meeting->duration_minutes ? "agenda.time_over"
                                                                             : "agenda.time_used",
                                    {{"planned", std::to_string(planned)},
                                     {"duration", std::to_string(next.meeting->duration_minutes)}});
        }
        text += "\n\n" + turn.t("agenda.manager_hint");
    } else {
        text += "\n\n" + turn.t("agenda.member_hint");
    }
    if (private_parts) {
        turn.reply_privately(TextContent{text, {}});
    } else {
        turn.reply(TextContent{text, {}});
    }
}

}  // namespace leernetwerk::detail
