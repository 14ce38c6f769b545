// Agenda input (DOMAIN.md §5.2): members submit items for the next meeting, the facilitator
// settles the agenda (accept, park, merge, reorder, preparer, minutes, text, another meeting), a
// dot vote prioritises it, and the agenda digest publishes what was accepted with its times.
//
// Items belong to a meeting. Whenever the list for "the next meeting" is computed, what was not
// accepted for a meeting that has passed (or was cancelled), and what waited for a meeting to be
// planned, rolls over to the next meeting, so nothing is lost; accepted items stay with their
// meeting as its history.
//
// This file: the helpers the agenda's other files share (agenda_lists.hpp) and the roll-over
// (agenda_meeting).
#include <algorithm>
#include <map>

#include "bot/parse/arguments.hpp"
#include "bot/parse/commands.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/registry.hpp"
#include "bot/engine/turn.hpp"
#include "bot/features/agenda/agenda_flows.hpp"
#include "bot/features/agenda/agenda_lists.hpp"

namespace leernetwerk::detail {
namespace {

// ---- meetings and the list for the next one -------------------------------------------------

std::optional<Meeting> next_planned(Store& store, Id network_id, Instant now) {
    for (auto& meeting : store.meetings_of(network_id)) {
        if (meeting.status == MeetingStatus::planned && meeting.starts_at > now) {
            return std::move(meeting);
        }
    }
    return std::nullopt;
}

}  // namespace

/// "#12", "12", "12," as a number; nullopt otherwise. (Items are listed "#3, #5.", so a
/// number copied from a list may carry the comma or full stop after it.)
std::optional<Id> item_number(std::string_view word) {
    auto text = trim(word);
    while (!text.empty() && (text.back() == ',' || text.back() == '.')) {
        text.remove_suffix(1);
    }
    return read_hash_number(text);
}

/// Items are shown on one line: line breaks and tabs typed into them become spaces.
std::string one_line(std::string_view text) {
    std::string out(trim(text));
    std::replace_if(
        out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r' || c == '\t'; }, ' ');
    return out;
}

/// The words after the first `skip` ones, as typed.
std::string rest_after(const std::vector<std::string>& parts, std::size_t skip) {
    std::string rest;
    for (std::size_t i = skip; i < parts.size(); ++i) {
        rest += (rest.empty() ? "" : " ") + parts[i];
    }
    return rest;
}

std::optional<AgendaItemKind> parse_kind_word(std::string_view typed) {
    auto folded = fold(typed);
    for (const std::string_view prefix : {"soort:", "soort", "type:", "type", "kind:", "kind"}) {
        if (folded.rfind(prefix, 0) == 0 && folded.size() > prefix.size()) {
            folded = std::string(trim(std::string_view(folded).substr(prefix.size())));
            break;
        }
    }
    while (!folded.empty() && (folded.back() == '.' || folded.back() == '!')) {
        folded.pop_back();
    }
    using K = AgendaItemKind;
    static const std::vector<std::pair<std::string_view, K>> kWords = {
        {"vraag", K::practice_question},
        {"vraag uit de praktijk", K::practice_question},
        {"praktijkvraag", K::practice_question},
        {"question", K::practice_question},
        {"question from practice", K::practice_question},
        {"practice question", K::practice_question},
        {"casus", K::case_study},
        {"case", K::case_study},
        {"case study", K::case_study},
        {"intervisie", K::case_study},
        {"succes", K::success},
        {"leermoment", K::success},
        {"succes/leermoment", K::success},
        {"succes of leermoment", K::success},
        {"success", K::success},
        {"learning moment", K::success},
        {"onderwerp", K::topic},
        {"thema", K::topic},
        {"topic", K::topic},
        {"theme", K::topic},
        {"vraag voor de deskundige", K::expert_question},
        {"vraag voor de expert", K::expert_question},
        {"deskundige", K::expert_question},
        {"expertvraag", K::expert_question},
        {"question for the expert", K::expert_question},
        {"expert question", K::expert_question},
        {"expert", K::expert_question},
    };
    for (const auto& [word, kind] : kWords) {
        if (folded == word) {
            return kind;
        }
    }
    return std::nullopt;
}

std::string kind_label(AgendaItemKind kind, Lang lang) {
    return tr(lang, "agenda.kind." + std::string(agenda_item_kind_code(kind)));
}

/// The items of one meeting's list (nullopt: the list waiting for a meeting), by position.
std::vector<AgendaItem> list_of(const std::vector<AgendaItem>& all, std::optional<Id> meeting_id) {
    std::vector<AgendaItem> out;
    std::copy_if(all.begin(), all.end(), std::back_inserter(out),
                 [&](const AgendaItem& item) { return item.meeting_id == meeting_id; });
    std::stable_sort(out.begin(), out.end(), [](const AgendaItem& a, const AgendaItem& b) {
        return a.position < b.position;
    });
    return out;
}

int last_position(const std::vector<AgendaItem>& list) {
    int last = 0;
    for (const auto& item : list) {
        last = std::max(last, item.position);
    }
    return last;
}

/// A dot vote whose meeting has begun (or was cancelled) is over, whether or not it was closed.
bool stale(Store& store, const AgendaRound& round, Instant now) {
    if (!round.meeting_id) {
        return false;
    }
    const auto meeting = store.meeting(*round.meeting_id);
    return !meeting || meeting->status != MeetingStatus::planned || meeting->starts_at <= now;
}

bool accepting_dots(Store& store, const std::optional<AgendaRound>& round, Instant now) {
    return round && round->open && !stale(store, *round, now) &&
           (!round->closes_at || now < *round->closes_at);
}

/// Keeps the slots a group of items occupies in a list and puts the group in `order` in them;
/// then numbers the whole list 1.. and saves the items whose position changed.
void save_order(Store& store, std::vector<AgendaItem> list, const std::vector<Id>& group,
                const std::vector<Id>& order) {
    std::vector<std::size_t> slots;
    for (std::size_t i = 0; i < list.size(); ++i) {
        if (std::find(group.begin(), group.end(), list[i].id) != group.end()) {
            slots.push_back(i);
        }
    }
    std::map<Id, AgendaItem> by_id;
    for (const auto& item : list) {
        by_id[item.id] = item;
    }
    for (std::size_t i = 0; i < slots.size() && i < order.size(); ++i) {
        list[slots[i]] = by_id[order[i]];
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
        const int position = static_cast<int>(i) + 1;
        if (list[i].position != position) {
            list[i].position = position;
            store.update_agenda_item(list[i]);
        }
    }
}

std::string member_name(Store& store, Id member_id) {
    const auto member = store.member(member_id);
    return member ? member->display_name : std::string("?");
}

// ---- showing items --------------------------------------------------------------------------

/// "**#12** Rekenen in groep 8: we lopen vast bij breuken · casus · Anna (leidt in) · …".
std::string item_line(Store& store, const AgendaItem& item, const View& view) {
    const auto lang = view.lang;
    std::string line = tr(lang, item.explanation.empty() ? "agenda.line" : "agenda.line_explained",
                          {{"number", std::to_string(item.number)},
                           {"text", item.text},
                           {"explanation", item.explanation}});
    if (item.kind != AgendaItemKind::topic) {
        line += " · " + kind_label(item.kind, lang);
    }
    std::vector<std::string> names;
    for (const auto& submitter : item.submitters) {
        if (submitter.hidden && !view.manager && submitter.member_id != view.me) {
            continue;
        }
        auto name = member_name(store, submitter.member_id);
        if (submitter.introduces) {
            name += " " + tr(lang, "agenda.introduces");
        }
        if (submitter.hidden) {
            name += " " + tr(lang, "agenda.hidden");
        }
        names.push_back(std::move(name));
    }
    if (!names.empty()) {
        line += " · " + tr(lang, "agenda.by", {{"names", join_names(names, lang)}});
    }
    if (item.preparer_id) {
        line +=
            " · " + tr(lang, "agenda.preparer", {{"name", member_name(store, *item.preparer_id)}});
    }
    if (item.minutes > 0) {
        line += " · " + tr(lang, "agenda.minutes", {{"minutes", std::to_string(item.minutes)}});
    }
    if (view.dots && item.dots > 0) {
        line += " · " + tr(lang, item.dots == 1 ? "agenda.dot_one" : "agenda.dots",
                           {{"count", std::to_string(item.dots)}});
    }
    return line;
}

std::string meeting_label(const std::optional<Meeting>& meeting, Lang lang) {
    if (!meeting) {
        return tr(lang, "agenda.meeting_unplanned");
    }
    return tr(lang, "agenda.meeting_label",
              {{"when", format_moment(meeting->local_start, lang)},
               {"number", std::to_string(meeting->id)}});
}

NextList next_list(Store& store, Id network_id, Instant now) {
    NextList next;
    next.meeting = agenda_meeting(store, network_id, now);
    next.items = list_of(store.agenda_items(network_id),
                         next.meeting ? std::optional<Id>(next.meeting->id) : std::nullopt);
    return next;
}

/// The member's network for an agenda command, or nullopt after telling them why.
std::optional<Network> member_network(Turn& turn) {
    auto network = turn.require_network();
    if (!network) {
        return std::nullopt;
    }
    if (!turn.membership_in(network->id)) {
        turn.reply_text("agenda.not_member", {{"network", network->name}});
        return std::nullopt;
    }
    return network;
}

// ---- public -----------------------------------------------------------------------------------

std::optional<Meeting> agenda_meeting(Store& store, Id network_id, Instant now) {
    const auto next = next_planned(store, network_id, now);
    const std::optional<Id> next_id = next ? std::optional<Id>(next->id) : std::nullopt;
    std::map<Id, Meeting> meetings;
    for (auto& meeting : store.meetings_of(network_id)) {
        meetings.emplace(meeting.id, std::move(meeting));
    }
    auto items = store.agenda_items(network_id);
    // Oldest meetings first, so what waited longest stays ahead.
    const auto start_of = [&](const AgendaItem& item) {
        if (!item.meeting_id) {
            return Instant::max();
        }
        const auto it = meetings.find(*item.meeting_id);
        return it == meetings.end() ? Instant::min() : it->second.starts_at;
    };
    std::stable_sort(items.begin(), items.end(), [&](const AgendaItem& a, const AgendaItem& b) {
        return start_of(a) < start_of(b);
    });
    int last = last_position(list_of(items, next_id));
    for (auto& item : items) {
        if (item.meeting_id == next_id) {
            continue;
        }
        bool roll = false;
        if (!item.meeting_id) {
            roll = next_id.has_value();  // waiting for a meeting, and now there is one
        } else {
            const auto it = meetings.find(*item.meeting_id);
            if (it == meetings.end() || it->second.status != MeetingStatus::planned) {
                roll = true;  // its meeting was cancelled
            } else if (it->second.starts_at <= now) {
                roll = item.status != AgendaStatus::accepted;  // accepted: that meeting's history
            }
        }
        if (!roll) {
            continue;
        }
        item.meeting_id = next_id;
        item.status = AgendaStatus::proposed;
        item.position = ++last;
        store.update_agenda_item(item);
    }
    return next;
}

}  // namespace leernetwerk::detail
