// Agenda input (DOMAIN.md §5.2): members submit items for the next meeting, the facilitator
// settles the agenda (accept, park, merge, reorder, preparer, minutes, text, another meeting), a
// dot vote prioritises it, and the agenda digest publishes what was accepted with its times.
//
// Items belong to a meeting. Whenever the list for "the next meeting" is computed, what was not
// accepted for a meeting that has passed (or was cancelled), and what waited for a meeting to be
// planned, rolls over to the next meeting, so nothing is lost; accepted items stay with their
// meeting as its history.
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

namespace leernetwerk::detail {
namespace {

using std::chrono::minutes;

constexpr std::size_t kMaxItemChars = 300;
constexpr std::size_t kMaxExplanationChars = 1000;
constexpr int kDotsPerMember = 3;
constexpr int kMaxItemMinutes = 240;

/// The largest number an item can have (a number is an int).
constexpr Id kMaxItemNumber = 999'999'999;

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

bool is_introduce_phrase(std::string_view typed) {
    return is_phrase(
        typed, {"ik leid in", "ik leid het in", "ik kan het inleiden", "ik kan inleiden",
                "ik wil het inleiden", "ik wil inleiden", "inleiden", "ik leid dit in",
                "i can introduce it", "i can introduce", "i'll introduce it", "i will introduce it",
                "i introduce it", "introduce"});
}

/// A card's toggle is on: a yes, or the values toggles send ("true", "1", "on", "aan", "x").
bool toggle_on(std::string_view value) {
    return means_yes(value) || is_word(fold(value), {"true", "1", "on", "aan", "x"});
}

std::string kind_label(AgendaItemKind kind, Lang lang) {
    return tr(lang, "agenda.kind." + std::string(agenda_item_kind_code(kind)));
}

// ---- meetings and the list for the next one -------------------------------------------------

std::optional<Meeting> next_planned(Store& store, Id network_id, Instant now) {
    for (auto& meeting : store.meetings_of(network_id)) {
        if (meeting.status == MeetingStatus::planned && meeting.starts_at > now) {
            return std::move(meeting);
        }
    }
    return std::nullopt;
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

/// Items that can get dots: on the list, not parked, and not a casus (only facilitators see it).
bool votable(const AgendaItem& item) {
    return item.status != AgendaStatus::parked && item.kind != AgendaItemKind::case_study;
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

// ---- showing items --------------------------------------------------------------------------

/// What a reader may see of the list.
struct View {
    Lang lang = Lang::nl;
    bool manager = false;
    Id me = 0;
    bool dots = false;  ///< show the dot counts
};

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

/// The network's next meeting after rolling over what must move to it; the items as well.
struct NextList {
    std::optional<Meeting> meeting;
    std::vector<AgendaItem> items;  ///< its list, by position
};

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

// ---- submitting ------------------------------------------------------------------------------

struct Submission {
    std::string text;
    std::string explanation;
    AgendaItemKind kind = AgendaItemKind::topic;
    bool introduces = false;
    bool hidden = false;
};

void store_submission(Turn& turn, const Network& network, Submission submission) {
    submission.text = one_line(submission.text);
    submission.explanation = one_line(submission.explanation);
    if (submission.text.empty()) {
        turn.reply_text("agenda.submit_usage");
        return;
    }
    if (const auto length = utf8_length(submission.text); length > kMaxItemChars) {
        turn.reply_text("agenda.text_too_long", {{"length", std::to_string(length)},
                                                 {"max", std::to_string(kMaxItemChars)}});
        return;
    }
    if (const auto length = utf8_length(submission.explanation); length > kMaxExplanationChars) {
        turn.reply_text(
            "agenda.explanation_too_long",
            {{"length", std::to_string(length)}, {"max", std::to_string(kMaxExplanationChars)}});
        return;
    }
    const auto meeting = agenda_meeting(turn.store, network.id, turn.now);
    // The same item again (a double send, a retyped line): said so, not listed twice.
    const auto wanted_meeting = meeting ? std::optional<Id>(meeting->id) : std::nullopt;
    for (const auto& existing : turn.store.agenda_items(network.id)) {
        if (existing.meeting_id == wanted_meeting && fold(existing.text) == fold(submission.text)) {
            turn.reply_text("agenda.duplicate", {{"number", std::to_string(existing.id)},
                                                 {"text", existing.text}});
            return;
        }
    }
    AgendaItem item;
    item.network_id = network.id;
    item.meeting_id = meeting ? std::optional<Id>(meeting->id) : std::nullopt;
    item.kind = submission.kind;
    item.text = submission.text;
    item.explanation = submission.explanation;
    item.status = AgendaStatus::proposed;
    item.submitters = {{turn.me->id, submission.hidden, submission.introduces}};
    item.created_at = turn.now;
    item.id = turn.store.create_agenda_item(item);
    if (const auto stored = turn.store.agenda_item(item.id)) {
        item.number = stored->number;
    }

    std::string text = turn.t("agenda.submitted", {{"number", std::to_string(item.number)},
                                                   {"text", item.text},
                                                   {"meeting", meeting_label(meeting, turn.lang)}});
    if (item.kind != AgendaItemKind::topic) {
        text += " " + turn.t("agenda.submitted_kind", {{"kind", kind_label(item.kind, turn.lang)}});
    }
    if (submission.introduces) {
        text += " " + turn.t("agenda.submitted_introduces");
    }
    if (item.kind == AgendaItemKind::case_study) {
        text += " " + turn.t("agenda.submitted_case");
    } else if (submission.hidden) {
        text += " " + turn.t("agenda.submitted_hidden");
    }
    text += "\n" + turn.t("agenda.submitted_more");
    if (submission.hidden || item.kind == AgendaItemKind::case_study) {
        turn.reply_privately(TextContent{text, {}});
    } else {
        turn.reply(TextContent{text, {}});
    }
}

ShortForm agenda_form(Turn& turn, const Network& network) {
    ShortForm form;
    form.action_id = "form:agenda_item";
    form.title = turn.t("agenda.form_title", {{"network", network.name}});
    form.intro = turn.t("agenda.form_intro", {{"max", std::to_string(kMaxItemChars)}});
    form.fields = {
        {"text", turn.t("agenda.field_text"), FormField::Kind::text, true,
         turn.t("agenda.field_text_example")},
        {"explanation", turn.t("agenda.field_explanation"), FormField::Kind::multiline, false, ""},
        {"kind", turn.t("agenda.field_kind"), FormField::Kind::text, false,
         turn.t("agenda.field_kind_example")},
        {"introduce", turn.t("agenda.field_introduce"), FormField::Kind::toggle, false, ""},
        {"hidden", turn.t("agenda.field_hidden"), FormField::Kind::toggle, false, ""},
    };
    form.submit_label = turn.t("agenda.form_submit");
    return form;
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

void submit_agenda_item(Turn& turn, const std::string& args) {
    const auto network = member_network(turn);
    if (!network) {
        return;
    }
    if (trim(args).empty()) {
        turn.reply(agenda_form(turn, *network));
        return;
    }
    const auto parts = bar_parts(args);
    Submission submission;
    submission.text = std::string(trim(parts.front()));
    std::vector<std::string> explanation;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto part = std::string(trim(parts[i]));
        if (part.empty()) {
            continue;
        }
        if (is_introduce_phrase(part)) {
            submission.introduces = true;
        } else if (means_anonymous(part)) {
            submission.hidden = true;
        } else if (means_named(part)) {
            submission.hidden = false;  // the default, said out loud: not taken as explanation
        } else if (const auto kind = parse_kind_word(part)) {
            submission.kind = *kind;
        } else {
            explanation.push_back(part);
        }
    }
    for (const auto& part : explanation) {
        submission.explanation += (submission.explanation.empty() ? "" : " | ") + part;
    }
    store_submission(turn, *network, std::move(submission));
}

void submit_agenda_form(Turn& turn, const ActionSubmission& action) {
    const auto network = member_network(turn);
    if (!network) {
        return;
    }
    const auto field = [&](const char* id) {
        const auto found = action.fields.find(id);
        return found == action.fields.end() ? std::string() : std::string(trim(found->second));
    };
    Submission submission;
    submission.text = field("text");
    submission.explanation = field("explanation");
    submission.introduces = toggle_on(field("introduce"));
    submission.hidden = toggle_on(field("hidden"));
    if (const auto kind_text = field("kind"); !kind_text.empty()) {
        const auto kind = parse_kind_word(kind_text);
        if (!kind) {
            turn.reply_text("agenda.kind_unknown", {{"typed", kind_text}});
            return;
        }
        submission.kind = *kind;
    }
    store_submission(turn, *network, std::move(submission));
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
