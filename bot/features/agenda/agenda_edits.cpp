// The facilitator settles the agenda (DOMAIN.md §5.2): accept, park, merge, reorder, move to
// another meeting, remove, and edit an item's preparer, minutes, text, explanation or kind.
#include <algorithm>
#include <map>
#include <set>

#include "bot/parse/arguments.hpp"
#include "bot/parse/commands.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/registry.hpp"
#include "bot/engine/turn.hpp"
#include "bot/features/agenda/agenda_flows.hpp"
#include "bot/features/agenda/agenda_lists.hpp"

namespace leernetwerk::detail {
namespace {

constexpr int kMaxItemMinutes = 240;

/// The largest number an item can have (a number is an int).
constexpr Id kMaxItemNumber = 999'999'999;

/// The item numbered `typed` in a network; replies when there is none.
std::optional<AgendaItem> find_item(Turn& turn, const Network& network, std::string_view typed,
                                    std::string_view example_key) {
    const auto number = item_number(typed);
    auto item = number && *number <= kMaxItemNumber
                    ? turn.store.agenda_item_by_number(network.id, static_cast<int>(*number))
                    : std::nullopt;
    if (!item) {
        turn.reply_text("agenda.unknown_item", {{"typed", std::string(trim(typed))},
                                                {"network", network.name},
                                                {"example", turn.t(example_key)}});
        return std::nullopt;
    }
    return item;
}

// ---- the facilitator's changes ----------------------------------------------------------------

std::string short_text(const AgendaItem& item, Lang lang) {
    if (item.kind == AgendaItemKind::case_study) {
        return kind_label(item.kind, lang);
    }
    return item.text;
}

}  // namespace

// ---- the facilitator's agenda commands (routes.cpp) ------------------------------------------

void set_status(Turn& turn, const std::string& args, AgendaStatus status) {
    const auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto example =
        status == AgendaStatus::accepted ? "agenda.example_accept" : "agenda.example_park";
    const auto parts = typed_words(args);
    if (parts.empty()) {
        turn.reply_text("agenda.needs_number", {{"example", turn.t(example)}});
        return;
    }
    agenda_meeting(turn.store, network->id, turn.now);  // roll over first
    std::vector<AgendaItem> items;
    std::set<Id> seen;
    for (const auto& part : parts) {
        auto item = find_item(turn, *network, part, example);
        if (!item) {
            return;  // nothing changed: all or nothing
        }
        if (seen.insert(item->id).second) {
            items.push_back(std::move(*item));
        }
    }
    std::vector<std::string> done;
    for (auto& item : items) {
        item.status = status;
        turn.store.update_agenda_item(item);
        done.push_back("#" + std::to_string(item.number));
    }
    const auto key = status == AgendaStatus::accepted
                         ? (items.size() == 1 ? "agenda.accepted_one" : "agenda.accepted")
                         : (items.size() == 1 ? "agenda.parked_one" : "agenda.parked");
    turn.reply_text(key, {{"numbers", join_names(done, turn.lang)},
                          {"text", short_text(items.front(), turn.lang)}});
}

int status_rank(AgendaStatus status) {
    switch (status) {
        case AgendaStatus::accepted:
            return 2;
        case AgendaStatus::proposed:
            return 1;
        case AgendaStatus::parked:
            return 0;
    }
    return 0;
}

void merge_items(Turn& turn, const std::string& args) {
    const auto network = turn.managed_network;
    if (!network) {
        return;
    }
    auto parts = typed_words(args);
    // "samenvoegen 3 en 5", "merge 3 with 5"
    parts.erase(std::remove_if(parts.begin(), parts.end(),
                               [](const std::string& w) {
                                   return is_word(fold(w), {"en", "and", "met", "with", "+", "&"});
                               }),
                parts.end());
    if (parts.size() != 2) {
        turn.reply_text("agenda.merge_usage");
        return;
    }
    agenda_meeting(turn.store, network->id, turn.now);
    auto into = find_item(turn, *network, parts[0], "agenda.example_merge");
    if (!into) {
        return;
    }
    auto from = find_item(turn, *network, parts[1], "agenda.example_merge");
    if (!from) {
        return;
    }
    if (into->id == from->id) {
        turn.reply_text("agenda.merge_same");
        return;
    }
    // Both texts (and explanations) on one line, within the limits a typed item has: a merged
    // item is shown, edited and published like any other.
    into->text = into->text + " / " + from->text;
    if (!from->explanation.empty()) {
        into->explanation += (into->explanation.empty() ? "" : " / ") + from->explanation;
    }
    if (utf8_length(into->text) > kMaxItemChars ||
        utf8_length(into->explanation) > kMaxExplanationChars) {
        const bool text = utf8_length(into->text) > kMaxItemChars;
        turn.reply_text(
            "agenda.merge_too_long",
            {{"what", turn.t(text ? "agenda.merge_part_text" : "agenda.merge_part_explanation")},
             {"length", std::to_string(utf8_length(text ? into->text : into->explanation))},
             {"max", std::to_string(text ? kMaxItemChars : kMaxExplanationChars)},
             {"number", std::to_string(into->number)}});
        return;
    }
    if (from->kind == AgendaItemKind::case_study) {
        into->kind = AgendaItemKind::case_study;  // the more private of the two
    }
    if (!into->preparer_id) {
        into->preparer_id = from->preparer_id;
    }
    if (into->minutes == 0) {
        into->minutes = from->minutes;
    }
    if (status_rank(from->status) > status_rank(into->status)) {
        into->status = from->status;
    }
    turn.store.update_agenda_item(*into);
    turn.store.merge_agenda_items(into->id, from->id);
    const auto merged = turn.store.agenda_item(into->id);
    View view{turn.lang, true, turn.me->id, true};
    const auto text = turn.t("agenda.merged", {{"from", std::to_string(from->number)},
                                               {"into", std::to_string(into->number)}}) +
                      "\n- " + item_line(turn.store, merged.value_or(*into), view);
    // The line names hidden submitters: for the facilitator's eyes.
    const bool private_parts =
        merged && (merged->kind == AgendaItemKind::case_study ||
                   std::any_of(merged->submitters.begin(), merged->submitters.end(),
                               [](const AgendaSubmitter& s) { return s.hidden; }));
    if (private_parts) {
        turn.reply_privately(TextContent{text, {}});
    } else {
        turn.reply(TextContent{text, {}});
    }
}

void reorder_item(Turn& turn, const std::string& args) {
    const auto network = turn.managed_network;
    if (!network) {
        return;
    }
    auto parts = typed_words(args);
    parts.erase(std::remove_if(parts.begin(), parts.end(),
                               [](const std::string& w) {
                                   return is_word(fold(w), {"naar", "op", "to", "plaats", "positie",
                                                            "position", "place"});
                               }),
                parts.end());
    if (parts.size() != 2 || !item_number(parts[1])) {
        turn.reply_text("agenda.order_usage");
        return;
    }
    agenda_meeting(turn.store, network->id, turn.now);
    auto item = find_item(turn, *network, parts[0], "agenda.example_order");
    if (!item) {
        return;
    }
    const auto place = *item_number(parts[1]);
    const auto list = list_of(turn.store.agenda_items(network->id), item->meeting_id);
    std::vector<Id> group;
    for (const auto& other : list) {
        if (other.status == item->status) {
            group.push_back(other.id);
        }
    }
    if (place < 1 || place > static_cast<Id>(group.size())) {
        turn.reply_text(
            "agenda.order_range",
            {{"count", std::to_string(group.size())},
             {"status", turn.t("agenda.status." + std::string(agenda_status_code(item->status)))}});
        return;
    }
    auto order = group;
    order.erase(std::find(order.begin(), order.end(), item->id));
    order.insert(order.begin() + (place - 1), item->id);
    save_order(turn.store, list, group, order);
    std::vector<std::string> numbers;
    for (const auto id : order) {
        const auto it = std::find_if(list.begin(), list.end(),
                                     [&](const AgendaItem& other) { return other.id == id; });
        numbers.push_back("#" + std::to_string(it != list.end() ? it->number : 0));
    }
    turn.reply_text(
        "agenda.reordered",
        {{"status", turn.t("agenda.status." + std::string(agenda_status_code(item->status)))},
         {"order", join_names(numbers, turn.lang)}});
}

/// A meeting named by number ("#7", "7") or by its day ("16 maart").
std::optional<Meeting> find_target_meeting(Turn& turn, const Network& network,
                                           const std::string& typed) {
    if (const auto number = item_number(typed)) {
        auto meeting = turn.store.meeting(*number);
        if (meeting && meeting->network_id == network.id) {
            return meeting;
        }
        return std::nullopt;
    }
    const auto when = parse_when(typed, turn.today(turn.zone_of(network)));
    if (!when || when->kind == When::Kind::week) {
        return std::nullopt;
    }
    for (auto& meeting : turn.store.meetings_of(network.id)) {
        if (meeting.status == MeetingStatus::planned &&
            date::floor<date::days>(meeting.local_start) == when->day) {
            return std::move(meeting);
        }
    }
    return std::nullopt;
}

void move_item(Turn& turn, const std::string& args) {
    const auto network = turn.managed_network;
    if (!network) {
        return;
    }
    auto parts = typed_words(args);
    if (parts.size() < 2) {
        turn.reply_text("agenda.move_usage");
        return;
    }
    std::size_t skip = 1;
    if (is_word(fold(parts[1]), {"naar", "to", "voor", "for"})) {
        skip = 2;
    }
    const auto target_text = rest_after(parts, skip);
    if (trim(target_text).empty()) {
        turn.reply_text("agenda.move_usage");
        return;
    }
    agenda_meeting(turn.store, network->id, turn.now);
    auto item = find_item(turn, *network, parts[0], "agenda.example_move");
    if (!item) {
        return;
    }
    const auto target = find_target_meeting(turn, *network, target_text);
    if (!target || target->status != MeetingStatus::planned || target->starts_at <= turn.now) {
        turn.reply_text("agenda.move_no_meeting", {{"typed", target_text}});
        return;
    }
    if (item->meeting_id == target->id) {
        turn.reply_text("agenda.move_same", {{"number", std::to_string(item->number)},
                                             {"meeting", meeting_label(target, turn.lang)}});
        return;
    }
    item->meeting_id = target->id;
    item->position = last_position(list_of(turn.store.agenda_items(network->id), target->id)) + 1;
    turn.store.update_agenda_item(*item);
    turn.reply_text("agenda.moved", {{"number", std::to_string(item->number)},
                                     {"meeting", meeting_label(target, turn.lang)}});
}

void remove_item(Turn& turn, const std::string& args) {
    const auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto parts = typed_words(args);
    if (parts.size() != 1) {
        turn.reply_text("agenda.needs_number", {{"example", turn.t("agenda.example_remove")}});
        return;
    }
    auto item = find_item(turn, *network, parts[0], "agenda.example_remove");
    if (!item) {
        return;
    }
    turn.store.delete_agenda_item(item->id);
    turn.reply_text("agenda.removed", {{"number", std::to_string(item->number)}});
}

/// "3 voorbereider Bram", "3 minuten 20", "3 tekst …", "3 toelichting …", "3 soort casus".
void edit_item(Turn& turn, const std::string& args) {
    const auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto parts = typed_words(args);
    if (parts.size() < 2) {
        turn.reply_text("agenda.edit_usage");
        return;
    }
    const auto field = fold(parts[1]);
    const auto value = one_line(rest_after(parts, 2));
    const bool clear = is_word(fold(value), {"geen", "niemand", "none", "nobody", "-", "0"});
    enum class Field { preparer, minutes, text, explanation, kind };
    std::optional<Field> which;
    if (is_word(field, {"voorbereider", "voorbereiding", "inleider", "preparer", "prepared",
                        "introducer"})) {
        which = Field::preparer;
    } else if (is_word(field, {"minuten", "minuut", "min", "tijd", "minutes", "minute", "time"})) {
        which = Field::minutes;
    } else if (is_word(field, {"tekst", "text", "titel", "title"})) {
        which = Field::text;
    } else if (is_word(field, {"toelichting", "uitleg", "explanation", "details"})) {
        which = Field::explanation;
    } else if (is_word(field, {"soort", "type", "kind"})) {
        which = Field::kind;
    }
    if (!which) {
        turn.reply_text("agenda.edit_usage");
        return;
    }
    if (trim(value).empty() && which != Field::explanation) {
        turn.reply_text("agenda.edit_usage");
        return;
    }
    agenda_meeting(turn.store, network->id, turn.now);
    auto item = find_item(turn, *network, parts[0], "agenda.example_edit");
    if (!item) {
        return;
    }
    const auto number = std::to_string(item->number);
    switch (*which) {
        case Field::preparer: {
            if (clear) {
                item->preparer_id.reset();
                turn.store.update_agenda_item(*item);
                turn.reply_text("agenda.preparer_cleared", {{"number", number}});
                return;
            }
            const auto match = find_in_roster(turn.store.roster(network->id), value);
            if (!match.entry) {
                if (!match.candidates.empty()) {
                    turn.reply_text(
                        "member.ambiguous",
                        {{"typed", value}, {"names", join_names(match.candidates, turn.lang)}});
                } else {
                    turn.reply_text("member.unknown",
                                    {{"typed", value}, {"network", network->name}});
                }
                return;
            }
            item->preparer_id = match.entry->member.id;
            turn.store.update_agenda_item(*item);
            turn.reply_text("agenda.preparer_set",
                            {{"number", number}, {"name", match.entry->member.display_name}});
            return;
        }
        case Field::minutes: {
            auto words_of_value = words(fold(value));
            if (clear) {
                item->minutes = 0;
                turn.store.update_agenda_item(*item);
                turn.reply_text("agenda.minutes_cleared", {{"number", number}});
                return;
            }
            const bool unit_ok =
                words_of_value.size() == 1 ||
                (words_of_value.size() == 2 &&
                 is_word(words_of_value[1], {"min", "minuten", "minutes", "minuut", "minute"}));
            const auto count = unit_ok ? read_number(words_of_value[0], 4) : std::nullopt;
            if (!count || *count < 1 || *count > kMaxItemMinutes) {
                turn.reply_text("agenda.minutes_bad",
                                {{"typed", value}, {"max", std::to_string(kMaxItemMinutes)}});
                return;
            }
            item->minutes = static_cast<int>(*count);
            turn.store.update_agenda_item(*item);
            turn.reply_text("agenda.minutes_set",
                            {{"number", number}, {"minutes", std::to_string(item->minutes)}});
            return;
        }
        case Field::text: {
            if (const auto length = utf8_length(value); length > kMaxItemChars) {
                turn.reply_text("agenda.text_too_long", {{"length", std::to_string(length)},
                                                         {"max", std::to_string(kMaxItemChars)}});
                return;
            }
            item->text = value;
            turn.store.update_agenda_item(*item);
            turn.reply_text("agenda.text_set", {{"number", number}, {"text", value}});
            return;
        }
        case Field::explanation: {
            if (const auto length = utf8_length(value); length > kMaxExplanationChars) {
                turn.reply_text("agenda.explanation_too_long",
                                {{"length", std::to_string(length)},
                                 {"max", std::to_string(kMaxExplanationChars)}});
                return;
            }
            item->explanation = clear ? std::string() : value;
            turn.store.update_agenda_item(*item);
            turn.reply_text("agenda.explanation_set", {{"number", number}});
            return;
        }
        case Field::kind: {
            const auto kind = parse_kind_word(value);
            if (!kind) {
                turn.reply_text("agenda.kind_unknown", {{"typed", value}});
                return;
            }
            item->kind = *kind;
            turn.store.update_agenda_item(*item);
            turn.reply_text("agenda.kind_set",
                            {{"number", number}, {"kind", kind_label(*kind, turn.lang)}});
            return;
        }
    }
}

}  // namespace leernetwerk::detail
