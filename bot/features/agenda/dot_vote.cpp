// The dot vote (stippenstemming, DOMAIN.md §5.2): the facilitator opens it (with a deadline or
// not) and closes it, members place their dots, the tally, and the job that closes it on time.
#include <algorithm>
#include <charconv>
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

using std::chrono::minutes;

constexpr int kDotsPerMember = 3;

/// Items that can get dots: on the list, not parked, and not a casus (only facilitators see it).
bool votable(const AgendaItem& item) {
    return item.status != AgendaStatus::parked && item.kind != AgendaItemKind::case_study;
}

// ---- sending to the whole network -----------------------------------------------------------

/// Posts to a network's group conversations except the one this turn came from; when the
/// network has no group conversation, to each member directly except the sender.
void post_to_network(Store& store, const BotSettings& settings, Instant now, const Network& network,
                     const std::function<Content(Lang)>& make, const Conversation* skip,
                     std::optional<Id> skip_member, std::vector<Id>& sent) {
    const auto bindings = store.conversations_of_network(network.id);
    if (!bindings.empty()) {
        const auto lang = network_language(store, settings, network.id);
        for (const auto& binding : bindings) {
            if (skip && binding.platform == skip->platform && binding.conversation_id == skip->id) {
                continue;
            }
            OutboundMessage message;
            message.to.platform = binding.platform;
            message.to.conversation_id = binding.conversation_id;
            message.lang = lang;
            message.content = make(lang);
            sent.push_back(store.append_outbox(message, now));
        }
        return;
    }
    for (const auto& entry : store.roster(network.id)) {
        if (skip_member && entry.member.id == *skip_member) {
            continue;
        }
        const auto identities = store.identities_of(entry.member.id);
        if (identities.empty()) {
            continue;
        }
        OutboundMessage message;
        message.to.platform = identities.front().platform;
        message.to.user_id = identities.front().user_id;
        message.to.direct = true;
        message.recipient_member_id = entry.member.id;
        message.lang = entry.member.language.value_or(settings.default_language);
        message.content = make(message.lang);
        sent.push_back(store.append_outbox(message, now));
    }
}

/// Replies with `make` in the turn's language and posts it to the rest of the network.
void reply_and_post(Turn& turn, const Network& network, const std::function<Content(Lang)>& make) {
    turn.reply(make(turn.lang));
    std::vector<Id> sent;
    post_to_network(turn.store, turn.settings, turn.now, network, make, &turn.event.conversation,
                    turn.me ? std::optional<Id>(turn.me->id) : std::nullopt, sent);
    turn.sent.insert(turn.sent.end(), sent.begin(), sent.end());
    turn.messages += static_cast<int>(sent.size());
}

}  // namespace

// ---- the dot vote ----------------------------------------------------------------------------

std::string round_key(Id network_id) {
    return "n" + std::to_string(network_id);
}

/// Dots per votable item of the list, most first (ties: list order).
Summary tally_summary(Store& store, const Network& network, const std::vector<AgendaItem>& list,
                      Lang lang, bool final_result) {
    std::vector<AgendaItem> ranked;
    std::copy_if(list.begin(), list.end(), std::back_inserter(ranked), votable);
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const AgendaItem& a, const AgendaItem& b) { return a.dots > b.dots; });
    std::set<Id> voters;
    for (const auto& dot : store.agenda_dots(network.id)) {
        voters.insert(dot.member_id);
    }
    int most = 1;
    for (const auto& item : ranked) {
        most = std::max(most, item.dots);
    }
    Summary summary;
    summary.title = tr(lang, final_result ? "agenda.result_title" : "agenda.tally_title",
                       {{"network", network.name}});
    for (const auto& item : ranked) {
        summary.bars.push_back({tr(lang, "agenda.bar_label",
                                   {{"number", std::to_string(item.number)}, {"text", item.text}}),
                                static_cast<double>(item.dots), static_cast<double>(most),
                                tr(lang, item.dots == 1 ? "agenda.dot_one" : "agenda.dots",
                                   {{"count", std::to_string(item.dots)}})});
    }
    summary.footnote = tr(lang, final_result ? "agenda.result_footnote" : "agenda.tally_footnote",
                          {{"voters", std::to_string(voters.size())},
                           {"members", std::to_string(store.roster(network.id).size())}});
    return summary;
}

/// Closes the network's round: its items ordered by their dots (within each status), the job
/// cancelled. Returns the list, ranked.
std::vector<AgendaItem> close_round(Store& store, const Network& network, AgendaRound round,
                                    Instant now) {
    round.open = false;
    round.closed_at = now;
    store.save_agenda_round(round);
    store.cancel_job(kAgendaRoundJob, round_key(network.id));
    auto list = next_list(store, network.id, now).items;
    for (const auto status : {AgendaStatus::accepted, AgendaStatus::proposed}) {
        std::vector<Id> group;
        std::vector<AgendaItem> members;
        for (const auto& item : list) {
            if (item.status == status && votable(item)) {
                group.push_back(item.id);
                members.push_back(item);
            }
        }
        std::stable_sort(members.begin(), members.end(),
                         [](const AgendaItem& a, const AgendaItem& b) { return a.dots > b.dots; });
        std::vector<Id> order;
        for (const auto& item : members) {
            order.push_back(item.id);
        }
        save_order(store, list, group, order);
        list = next_list(store, network.id, now).items;
    }
    return list;
}

std::string open_items_text(Store& store, const std::vector<AgendaItem>& list, Lang lang) {
    std::string text;
    View view{lang, false, 0, false};
    for (const auto& item : list) {
        if (votable(item)) {
            text += "\n- " + item_line(store, item, view);
        }
    }
    return text;
}

void show_tally(Turn& turn, const Network& network) {
    const auto round = turn.store.agenda_round(network.id);
    if (!round || stale(turn.store, *round, turn.now)) {
        turn.reply_text("agenda.vote_none_manager");
        return;
    }
    auto summary = tally_summary(
        turn.store, network, next_list(turn.store, network.id, turn.now).items, turn.lang, false);
    if (round->open && round->closes_at) {
        if (const auto local = to_local(*round->closes_at, turn.zone_of(network))) {
            summary.footnote +=
                " " + turn.t("agenda.vote_until", {{"when", format_moment(*local, turn.lang)}});
        }
    } else if (!round->open) {
        summary.footnote += " " + turn.t("agenda.vote_was_closed");
    }
    turn.reply_privately(summary);  // a tally during the vote could sway it: for the facilitator
}

void open_round(Turn& turn, const std::string& args) {
    const auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto existing = turn.store.agenda_round(network->id);
    if (accepting_dots(turn.store, existing, turn.now)) {
        turn.reply_text("agenda.vote_already_open");
        show_tally(turn, *network);
        return;
    }
    // "tot vrijdag 17:00", "until friday 5 pm"
    auto deadline_text = std::string(trim(args));
    {
        // "agenda stemmen open tot vrijdag": "open" says what the command does already.
        auto parts = typed_words(deadline_text);
        std::size_t skip = 0;
        if (skip < parts.size() &&
            is_word(fold(parts[skip]), {"open", "openen", "start", "starten", "begin"})) {
            ++skip;
        }
        if (skip < parts.size() &&
            is_word(fold(parts[skip]),
                    {"tot", "until", "till", "deadline", "t/m", "tm", "voor", "before", "by"})) {
            ++skip;
        }
        deadline_text = rest_after(parts, skip);
    }
    const auto next = next_list(turn.store, network->id, turn.now);
    std::optional<Instant> closes_at;
    if (!trim(deadline_text).empty()) {
        const auto zone = turn.zone_of(*network);
        const auto when = parse_when(deadline_text, turn.today(zone));
        if (!when || when->kind == When::Kind::week) {
            turn.reply_text("agenda.vote_deadline_bad", {{"typed", deadline_text}});
            return;
        }
        // A day without a time: until the end of that day.
        const auto wall = when->kind == When::Kind::moment
                              ? when->local()
                              : LocalTime{when->day} + std::chrono::hours{23} + minutes{59};
        const auto zoned = to_instant(wall, zone);
        if (!zoned) {
            turn.reply_text("agenda.vote_deadline_bad", {{"typed", deadline_text}});
            return;
        }
        closes_at = zoned->instant;
        if (*closes_at <= turn.now) {
            turn.reply_text("agenda.vote_deadline_past",
                            {{"when", format_moment(wall, turn.lang)}});
            return;
        }
        if (next.meeting && *closes_at >= next.meeting->starts_at) {
            turn.reply_text("agenda.vote_deadline_after_meeting",
                            {{"when", format_moment(wall, turn.lang)},
                             {"meeting", meeting_label(next.meeting, turn.lang)}});
            return;
        }
    }
    if (std::none_of(next.items.begin(), next.items.end(), votable)) {
        turn.reply_text("agenda.vote_nothing",
                        {{"meeting", meeting_label(next.meeting, turn.lang)}});
        return;
    }
    AgendaRound round;
    round.network_id = network->id;
    round.meeting_id = next.meeting ? std::optional<Id>(next.meeting->id) : std::nullopt;
    round.open = true;
    round.opened_by = turn.me->id;
    round.opened_at = turn.now;
    round.closes_at = closes_at;
    turn.store.clear_agenda_dots(network->id);
    turn.store.save_agenda_round(round);
    if (closes_at) {
        turn.store.schedule_job({0, std::string(kAgendaRoundJob), round_key(network->id),
                                 *closes_at, "", JobState::due});
    } else {
        turn.store.cancel_job(kAgendaRoundJob, round_key(network->id));
    }
    const auto items = next_list(turn.store, network->id, turn.now).items;
    const auto zone = turn.zone_of(*network);
    reply_and_post(turn, *network, [&](Lang lang) -> Content {
        std::string text = tr(lang, "agenda.vote_opened",
                              {{"network", network->name},
                               {"meeting", meeting_label(next.meeting, lang)},
                               {"dots", std::to_string(kDotsPerMember)}});
        if (closes_at) {
            if (const auto local = to_local(*closes_at, zone)) {
                text +=
                    " " + tr(lang, "agenda.vote_until", {{"when", format_moment(*local, lang)}});
            }
        }
        text += open_items_text(turn.store, items, lang);
        return TextContent{text, {}};
    });
}

void close_vote(Turn& turn) {
    const auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto round = turn.store.agenda_round(network->id);
    if (!round || !round->open || stale(turn.store, *round, turn.now)) {
        turn.reply_text("agenda.vote_not_open");
        return;
    }
    const auto list = close_round(turn.store, *network, *round, turn.now);
    reply_and_post(turn, *network, [&](Lang lang) -> Content {
        return tally_summary(turn.store, *network, list, lang, true);
    });
}

void place_dots(Turn& turn, const std::string& args) {
    const auto network = member_network(turn);
    if (!network) {
        return;
    }
    const auto round = turn.store.agenda_round(network->id);
    if (!accepting_dots(turn.store, round, turn.now)) {
        turn.reply_privately(TextContent{turn.t("agenda.vote_none"), {}});
        return;
    }
    const auto next = next_list(turn.store, network->id, turn.now);
    std::map<Id, Id> open_ids;  // by the number members type
    std::vector<std::string> open_numbers;
    for (const auto& item : next.items) {
        if (votable(item)) {
            open_ids[item.number] = item.id;
            open_numbers.push_back("#" + std::to_string(item.number));
        }
    }
    const auto numbers_text = join_names(open_numbers, turn.lang);
    const auto folded = fold(args);
    if (folded.empty()) {
        turn.reply_privately(TextContent{turn.t("agenda.dots_usage", {{"numbers", numbers_text}}) +
                                             open_items_text(turn.store, next.items, turn.lang),
                                         {}});
        return;
    }
    if (is_word(folded, {"wis", "wissen", "geen", "terug", "clear", "none", "remove"})) {
        turn.store.set_agenda_dots(network->id, turn.me->id, {});
        turn.reply_privately(TextContent{turn.t("agenda.dots_cleared"), {}});
        return;
    }
    std::vector<std::string> tokens;
    for (const auto& part : split(folded, ',')) {
        for (auto& word : words(part)) {
            if (!is_word(word, {"en", "and", "op", "on"})) {
                tokens.push_back(std::move(word));
            }
        }
    }
    std::map<Id, int> chosen;
    std::vector<Id> order;
    for (const auto& token : tokens) {
        const auto number = item_number(token);
        if (!number) {
            turn.reply_privately(TextContent{
                turn.t("agenda.dots_not_understood", {{"typed", token}, {"numbers", numbers_text}}),
                {}});
            return;
        }
        if (!chosen.count(*number)) {
            order.push_back(*number);
        }
        ++chosen[*number];
    }
    if (static_cast<int>(tokens.size()) > kDotsPerMember) {
        turn.reply_privately(
            TextContent{turn.t("agenda.dots_too_many", {{"count", std::to_string(tokens.size())},
                                                        {"max", std::to_string(kDotsPerMember)}}),
                        {}});
        return;
    }
    for (const auto number : order) {
        if (!open_ids.count(number)) {
            turn.reply_privately(
                TextContent{turn.t("agenda.dots_unknown",
                                   {{"number", std::to_string(number)}, {"numbers", numbers_text}}),
                            {}});
            return;
        }
    }
    std::vector<AgendaDot> dots;
    std::vector<std::string> described;
    for (const auto number : order) {
        const auto id = open_ids[number];
        dots.push_back({id, turn.me->id, chosen[number]});
        const auto it = std::find_if(next.items.begin(), next.items.end(),
                                     [&](const AgendaItem& item) { return item.id == id; });
        described.push_back(turn.t(chosen[number] == 1 ? "agenda.dots_on_one" : "agenda.dots_on",
                                   {{"count", std::to_string(chosen[number])},
                                    {"number", std::to_string(number)},
                                    {"text", it != next.items.end() ? it->text : std::string()}}));
    }
    turn.store.set_agenda_dots(network->id, turn.me->id, dots);
    std::string text = turn.t("agenda.dots_saved");
    for (const auto& line : described) {
        text += "\n- " + line;
    }
    const int left = kDotsPerMember - static_cast<int>(tokens.size());
    if (left > 0) {
        text += "\n" + turn.t(left == 1 ? "agenda.dots_left_one" : "agenda.dots_left",
                              {{"count", std::to_string(left)}});
    }
    turn.reply_privately(TextContent{text, {}});
}

void close_agenda_round_job(Store& store, const BotSettings& settings, const Job& job,
                            Instant now) {
    Id network_id = 0;
    const std::string_view key = job.key;
    if (key.size() < 2 || key.front() != 'n' ||
        std::from_chars(key.data() + 1, key.data() + key.size(), network_id).ec != std::errc()) {
        return;
    }
    const auto network = store.network(network_id);
    const auto round = store.agenda_round(network_id);
    if (!network || !round || !round->open || !round->closes_at || *round->closes_at > now) {
        return;  // closed by hand, or its deadline moved
    }
    if (stale(store, *round, now)) {
        auto over = *round;
        over.open = false;
        over.closed_at = now;
        store.save_agenda_round(over);
        return;
    }
    const auto list = close_round(store, *network, *round, now);
    std::vector<Id> sent;
    post_to_network(
        store, settings, now, *network,
        [&](Lang lang) -> Content { return tally_summary(store, *network, list, lang, true); },
        nullptr, std::nullopt, sent);
}

}  // namespace leernetwerk::detail
