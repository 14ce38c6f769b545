// Chat flows of the knowledge base (kennisbank): search, reading an entry, a member's own entries
// and withdrawing consent; facilitators add meeting notes and resources, edit, archive, restore,
// share and export entries, set the network's central question and ambition, and make the
// school year's harvest document (oogst).
#include <algorithm>
#include <set>

#include "bot/parse/arguments.hpp"
#include "bot/parse/commands.hpp"
#include "bot/features/knowledge/knowledge.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

constexpr int kSearchHits = 5;
constexpr std::size_t kListedEntries = 20;
constexpr std::size_t kMaxTitleChars = 200;
constexpr std::size_t kMaxTags = 10;
constexpr std::size_t kMaxTagChars = 40;
constexpr std::size_t kMaxAimChars = 500;
/// A document longer than this goes out in several messages (Teams refuses messages over about
/// 28 KB), split between lines.
constexpr std::size_t kMaxDocumentMessageBytes = 12'000;
constexpr std::string_view kWithdrawAction = "withdraw:";
constexpr std::string_view kAnonymise = "anonymise";
constexpr std::string_view kRemove = "remove";

/// "5" or "#5": an entry number (at most 9 digits: a number is an int).
std::optional<int> entry_number(std::string_view word) {
    if (const auto number = read_hash_number(word, kMaxIntDigits)) {
        return static_cast<int>(*number);
    }
    return std::nullopt;
}

std::string zone_of_network(Turn& turn, Id network_id) {
    const auto network = turn.store.network(network_id);
    return network ? turn.zone_of(*network) : turn.settings.default_time_zone;
}

std::string date_of(Turn& turn, const KnowledgeEntry& entry) {
    const auto zone = zone_of_network(turn, entry.network_id);
    const auto local = to_local(entry.created_at, zone).value_or(LocalTime{});
    return format_day(date::floor<date::days>(local), turn.lang);
}

std::string author_of(Turn& turn, const KnowledgeEntry& entry) {
    if (entry.author_member_id) {
        if (const auto member = turn.store.member(*entry.author_member_id)) {
            return member->display_name;
        }
    }
    return turn.t("knowledge.anonymous");
}

std::string kind_label(Turn& turn, KnowledgeKind kind) {
    return turn.t("knowledge.kind." + std::string{knowledge_kind_code(kind)});
}

// ---- who sees what -------------------------------------------------------------------------

/// The conversation's network when the event came from a group conversation bound to one.
std::optional<Id> bound_network(Turn& turn) {
    if (turn.event.conversation.kind != Conversation::Kind::group) {
        return std::nullopt;
    }
    return turn.store.network_of_conversation(turn.event.conversation.platform,
                                              turn.event.conversation.id);
}

/// The networks whose knowledge the sender may read.
std::vector<Id> own_networks(Turn& turn) {
    std::vector<Id> ids;
    for (const auto& membership : turn.store.memberships_of(turn.me->id)) {
        ids.push_back(membership.network_id);
    }
    return ids;
}

/// The networks whose knowledge may be shown where the event came from: in a network's group
/// conversation only that network's (everyone there may read it), elsewhere the sender's own.
std::vector<Id> readable_here(Turn& turn) {
    if (const auto bound = bound_network(turn)) {
        return {*bound};
    }
    return own_networks(turn);
}

/// True when an entry belongs to, or is shared with, one of `networks`.
bool visible_to(Turn& turn, const KnowledgeEntry& entry, const std::vector<Id>& networks) {
    if (std::find(networks.begin(), networks.end(), entry.network_id) != networks.end()) {
        return true;
    }
    const auto shares = turn.store.knowledge_shares(entry.id);
    return std::any_of(shares.begin(), shares.end(), [&](Id id) {
        return std::find(networks.begin(), networks.end(), id) != networks.end();
    });
}

/// An archived entry is seen only by those who run its network (they may restore it).
bool readable(Turn& turn, const KnowledgeEntry& entry, const std::vector<Id>& networks) {
    if (entry.status == KnowledgeStatus::retired && !turn.manages(entry.network_id)) {
        return false;
    }
    return visible_to(turn, entry, networks);
}

/// The network whose number an entry is shown by here: the group conversation's network; elsewhere
/// its own network when the sender is in it, else the first of theirs it is shared with (else its
/// own).
Id shown_in(Turn& turn, const KnowledgeEntry& entry) {
    if (const auto bound = bound_network(turn)) {
        return *bound;
    }
    const auto mine = own_networks(turn);
    if (std::find(mine.begin(), mine.end(), entry.network_id) != mine.end()) {
        return entry.network_id;
    }
    for (const Id id : turn.store.knowledge_shares(entry.id)) {
        if (std::find(mine.begin(), mine.end(), id) != mine.end()) {
            return id;
        }
    }
    return entry.network_id;
}

/// The number members of `network_id` know an entry by (its own number in its own network).
int number_in(Turn& turn, const KnowledgeEntry& entry, Id network_id) {
    if (network_id == entry.network_id) {
        return entry.number;
    }
    return turn.store.knowledge_number_in(entry.id, network_id).value_or(entry.number);
}

/// The number the sender knows an entry by here, as text.
std::string number_here(Turn& turn, const KnowledgeEntry& entry) {
    return std::to_string(number_in(turn, entry, shown_in(turn, entry)));
}

/// An unbound group conversation is not a place for a member's knowledge: answer privately.
Id reply_where_allowed(Turn& turn, Content content) {
    if (turn.event.conversation.kind == Conversation::Kind::group && !bound_network(turn)) {
        return turn.reply_privately(std::move(content));
    }
    return turn.reply(std::move(content));
}

// ---- reading what a facilitator typed -------------------------------------------------------

/// Tags as typed, comma-separated; nullopt (after replying) when there are too many or too long.
std::optional<std::vector<std::string>> read_tags(Turn& turn, std::string_view typed) {
    std::vector<std::string> tags;
    std::set<std::string> seen;
    for (const auto& part : split(typed, ',')) {
        std::string tag{trim(part)};
        if (tag.empty()) {
            continue;
        }
        if (utf8_length(tag) > kMaxTagChars) {
            turn.reply_text("knowledge.tag_too_long", {{"max", std::to_string(kMaxTagChars)}});
            return std::nullopt;
        }
        if (seen.insert(fold(tag)).second) {
            tags.push_back(std::move(tag));
        }
    }
    if (tags.size() > kMaxTags) {
        turn.reply_text("knowledge.too_many_tags", {{"max", std::to_string(kMaxTags)}});
        return std::nullopt;
    }
    return tags;
}

/// The parts of a note or resource as typed: "titel | tekst | tags" or
/// "titel | link | omschrijving | tags". Empty parts are empty strings.
struct EntryParts {
    std::string title;
    std::string link;
    std::string body;
    std::optional<std::string> tags;  ///< nullopt: no tags part given
};

std::optional<EntryParts> read_parts(KnowledgeKind kind, std::string_view args) {
    const auto parts = bar_parts(args);
    const std::size_t text_parts = kind == KnowledgeKind::resource ? 3 : 2;
    if (parts.empty() || parts.size() > text_parts + 1) {
        return std::nullopt;
    }
    EntryParts read;
    read.title = parts[0];
    std::size_t next = 1;
    if (kind == KnowledgeKind::resource && parts.size() > next) {
        read.link = parts[next++];
    }
    if (parts.size() > next) {
        read.body = parts[next++];
    }
    if (parts.size() > next) {
        read.tags = parts[next];
    }
    return read;
}

std::string usage_key(KnowledgeKind kind) {
    return kind == KnowledgeKind::resource ? "knowledge.resource_usage" : "knowledge.note_usage";
}

/// Checks title and link of an entry about to be stored; replies and returns false when wrong.
bool valid_entry(Turn& turn, const KnowledgeEntry& entry) {
    if (utf8_length(entry.title) > kMaxTitleChars) {
        turn.reply_text("knowledge.title_too_long", {{"max", std::to_string(kMaxTitleChars)}});
        return false;
    }
    if (entry.kind == KnowledgeKind::resource && !is_web_link(entry.link)) {
        turn.reply_text("knowledge.bad_link", {{"link", entry.link}});
        return false;
    }
    return true;
}

/// The entry named by the first word of `args` that the sender runs the network of, after
/// the router checked that (Turn::managed_network); replies and returns nullopt otherwise. `rest`
/// gets what followed the number. `command`: the command's key.
std::optional<KnowledgeEntry> managed_entry(Turn& turn, std::string_view command,
                                            std::string_view args, std::string& rest) {
    const auto network = turn.managed_network;
    if (!network) {
        return std::nullopt;
    }
    auto [word, after] = first_word(args);
    rest = after;
    const auto number = entry_number(word);
    if (!number) {
        turn.reply_text("knowledge.usage." + std::string{command});
        return std::nullopt;
    }
    // "kennis archiveer 5 in <another network>" is not read as this network's 5 (sharing names
    // its target network after the number, without "in"; editing has "|" parts).
    if (command != "knowledge_share" && command != "knowledge_edit" &&
        names_other_network(turn, *network, *number, rest)) {
        return std::nullopt;
    }
    // The number is this network's: one of its own entries, or one shared with it.
    auto entry = turn.store.knowledge_entry_by_number(network->id, *number);
    if (entry && entry->network_id == network->id) {
        return entry;
    }
    if (entry) {
        const auto owner = turn.store.network(entry->network_id);
        turn.reply_text("knowledge.not_managed",
                        {{"number", word}, {"network", owner ? owner->name : ""}});
        return std::nullopt;
    }
    turn.reply_text("knowledge.not_found", {{"number", std::to_string(*number)}});
    return std::nullopt;
}

// ---- showing entries -----------------------------------------------------------------------

/// An entry in full, by its number in network `network_id`.
std::string entry_text(Turn& turn, const KnowledgeEntry& entry, Id network_id) {
    std::string text = "**#" + std::to_string(number_in(turn, entry, network_id)) + " " +
                       escape_markdown(entry.title) + "**\n";
    std::vector<std::string> meta{kind_label(turn, entry.kind),
                                  escape_markdown(author_of(turn, entry)), date_of(turn, entry)};
    if (entry.status == KnowledgeStatus::retired) {
        meta.push_back(turn.t("knowledge.retired_mark"));
    }
    const auto bound = bound_network(turn);
    const auto memberships = own_networks(turn);
    const bool own = bound ? *bound == entry.network_id
                           : std::find(memberships.begin(), memberships.end(), entry.network_id) !=
                                 memberships.end();
    if (!own) {
        if (const auto owner = turn.store.network(entry.network_id)) {
            meta.push_back(turn.t("knowledge.shared_from", {{"network", owner->name}}));
        }
    }
    for (std::size_t i = 0; i < meta.size(); ++i) {
        text += (i ? " · " : "") + meta[i];
    }
    text += "\n";
    if (!trim(entry.body).empty()) {
        text += "\n" + escape_markdown(trim(entry.body)) + "\n";
    }
    if (!entry.link.empty()) {
        text += "\n" + turn.t("doc.link", {{"link", entry.link}});
    }
    if (!entry.tags.empty()) {
        std::string tags;
        for (const auto& tag : entry.tags) {
            tags += (tags.empty() ? "" : ", ") + tag;
        }
        text += "\n" + turn.t("doc.tags", {{"tags", tags}});
    }
    return std::string{trim(text)};
}

/// "- **#5** Title · kind", by the number `number`.
std::string list_line(Turn& turn, const KnowledgeEntry& entry, int number) {
    std::string line = "- **#" + std::to_string(number) + "** " + escape_markdown(entry.title) +
                       " · " + kind_label(turn, entry.kind);
    if (entry.status == KnowledgeStatus::retired) {
        line += " · " + turn.t("knowledge.retired_mark");
    }
    return line;
}

void list_network_entries(Turn& turn) {
    const auto network = turn.require_network();
    if (!network) {
        return;
    }
    const bool manager = turn.manages(network->id);
    std::vector<KnowledgeEntry> shown;
    for (auto& entry : turn.store.knowledge_entries(network->id)) {
        if (entry.status == KnowledgeStatus::active || manager) {
            shown.push_back(std::move(entry));
        }
    }
    if (shown.empty()) {
        turn.reply_text("knowledge.list_none", {{"network", network->name}});
        return;
    }
    std::string text = turn.t("knowledge.list_title", {{"network", network->name},
                                                       {"count", std::to_string(shown.size())}});
    for (std::size_t i = 0; i < shown.size() && i < kListedEntries; ++i) {
        text += "\n" + list_line(turn, shown[i], shown[i].number);
    }
    if (shown.size() > kListedEntries) {
        text += "\n" + turn.t("knowledge.list_more",
                              {{"count", std::to_string(shown.size() - kListedEntries)}});
    }
    text += "\n\n" + turn.t("knowledge.list_hint");
    turn.reply(TextContent{text, {}});
}

// ---- withdrawing consent -------------------------------------------------------------------

std::optional<std::string_view> withdraw_choice(std::string_view word) {
    if (means_anonymous(word)) {
        return kAnonymise;
    }
    // The words for "remove" stay here: elsewhere "verwijder" or "weg" is a command of its own
    // (an agenda item, a reminder rule), not a choice between keeping it without a name or not.
    if (is_word(fold(word), {"verwijder", "verwijderen", "weg", "wissen", "remove", "delete"})) {
        return kRemove;
    }
    return std::nullopt;
}

/// True when the entry is the sender's: under their name, or kept without it from their answer.
bool is_own_entry(Turn& turn, const KnowledgeEntry& entry) {
    if (entry.author_member_id) {
        return *entry.author_member_id == turn.me->id;
    }
    const auto anonymous = turn.store.anonymous_knowledge_entries_of(turn.me->id);
    return std::any_of(anonymous.begin(), anonymous.end(),
                       [&](const KnowledgeEntry& mine) { return mine.id == entry.id; });
}

/// The sender's own entry with this id (from a card they were sent); replies and returns nullopt
/// when it is not theirs.
std::optional<KnowledgeEntry> own_entry(Turn& turn, Id entry_id) {
    auto entry = turn.store.knowledge_entry(entry_id);
    if (!entry || !is_own_entry(turn, *entry)) {
        turn.reply_privately(TextContent{
            turn.t("knowledge.withdraw_not_yours",
                   {{"number", entry ? std::to_string(entry->number) : std::string("?")}}),
            {}});
        return std::nullopt;
    }
    return entry;
}

/// The sender's own entry (see is_own_entry) with this number in its own network, as `mijn
/// kennis` lists it; "… in <network>" at the end of `rest` names that network (and is cut off).
/// Otherwise replies: not theirs, or which network when several of theirs have the number.
std::optional<KnowledgeEntry> own_entry_by_number(Turn& turn, int number, std::string& rest) {
    auto entries = turn.store.knowledge_entries_by_author(turn.me->id);
    for (auto& entry : turn.store.anonymous_knowledge_entries_of(turn.me->id)) {
        entries.push_back(std::move(entry));
    }
    std::vector<KnowledgeEntry> matching;
    std::vector<Network> networks;
    for (auto& entry : entries) {
        auto network = turn.store.network(entry.network_id);
        if (entry.number == number && network) {
            matching.push_back(std::move(entry));
            networks.push_back(std::move(*network));
        }
    }
    if (const auto named = cut_network_name(rest, networks)) {
        return matching[*named];
    }
    if (matching.size() == 1) {
        return matching.front();
    }
    if (matching.empty()) {
        turn.reply_privately(TextContent{
            turn.t("knowledge.withdraw_not_yours", {{"number", std::to_string(number)}}), {}});
    } else {
        ask_which_network(turn, NumberedKind::knowledge, number, networks, true);
    }
    return std::nullopt;
}

void apply_withdrawal(Turn& turn, KnowledgeEntry entry, std::string_view choice) {
    const MessageArgs args{{"number", std::to_string(entry.number)}, {"title", entry.title}};
    if (choice == kRemove) {
        turn.store.delete_knowledge_entry(entry.id);
        turn.reply_privately(TextContent{turn.t("knowledge.withdrawn_removed", args), {}});
        return;
    }
    entry.author_member_id.reset();
    entry.updated_at = turn.now;
    turn.store.update_knowledge_entry(entry);
    turn.reply_privately(TextContent{turn.t("knowledge.withdrawn_anonymised", args), {}});
}

/// Sends a document to the sender alone, in as many messages as its size needs.
void send_document_privately(Turn& turn, const std::string& document) {
    std::string part;
    for (const auto& line : split(document, '\n')) {
        if (!part.empty() && part.size() + line.size() + 1 > kMaxDocumentMessageBytes) {
            turn.reply_privately(TextContent{std::string{trim(part)}, {}});
            part.clear();
        }
        part += line;
        part += '\n';
    }
    if (!trim(part).empty()) {
        turn.reply_privately(TextContent{std::string{trim(part)}, {}});
    }
}

}  // namespace

// ---- everyone ------------------------------------------------------------------------------

void search_knowledge(Turn& turn, const std::string& args) {
    if (trim(args).empty()) {
        turn.reply_text("knowledge.search_usage");
        return;
    }
    const auto networks = readable_here(turn);
    if (networks.empty()) {
        turn.reply_text("network.none");
        return;
    }
    const auto hits = turn.store.search_knowledge(networks, args, kSearchHits);
    const std::string words{trim(args)};
    if (hits.empty()) {
        reply_where_allowed(turn,
                            TextContent{turn.t("knowledge.search_none", {{"words", words}}), {}});
        return;
    }
    std::string text = turn.t("knowledge.search_title", {{"words", words}});
    for (const auto& hit : hits) {
        text += "\n- **#" + number_here(turn, hit.entry) + " " + escape_markdown(hit.entry.title) +
                "**";
        if (!hit.snippet.empty()) {
            text += " — " + hit.snippet;
        }
        // Numbers are per network: from several networks, each hit says whose number it shows.
        const auto shown =
            networks.size() > 1 ? turn.store.network(shown_in(turn, hit.entry)) : std::nullopt;
        text += " " + turn.t(shown ? "knowledge.hit_meta_network" : "knowledge.hit_meta",
                             {{"author", author_of(turn, hit.entry)},
                              {"date", date_of(turn, hit.entry)},
                              {"network", shown ? shown->name : std::string()}});
    }
    text +=
        "\n\n" + turn.t("knowledge.search_hint", {{"number", number_here(turn, hits[0].entry)}});
    reply_where_allowed(turn, TextContent{text, {}});
}

void show_knowledge(Turn& turn, const std::string& args) {
    if (trim(args).empty()) {
        list_network_entries(turn);
        return;
    }
    const auto [word, rest] = first_word(args);
    const auto number = entry_number(word);
    std::string place = rest;
    const auto networks = number_networks(turn, place);
    if (!number || !place.empty()) {
        turn.reply_text("knowledge.show_usage");
        return;
    }
    // The number of one of the networks where it is looked up: an entry of that network's, or
    // one shared with it.
    bool asked = false;
    const auto found = find_numbered<std::pair<KnowledgeEntry, Id>>(
        turn, NumberedKind::knowledge, *number, networks, true, asked,
        [&](const Network& network) -> std::optional<std::pair<KnowledgeEntry, Id>> {
            auto entry = turn.store.knowledge_entry_by_number(network.id, *number);
            if (entry && readable(turn, *entry, {network.id})) {
                return std::pair{std::move(*entry), network.id};
            }
            return std::nullopt;
        });
    if (asked) {
        return;
    }
    if (!found) {
        turn.reply_text("knowledge.not_found", {{"number", std::to_string(*number)}});
        return;
    }
    const auto& [entry, network_id] = *found;
    TextContent text{entry_text(turn, entry, network_id), {}};
    const auto bound = bound_network(turn);
    if (bound && *bound != network_id) {
        // Another network of theirs, named in this network's room: the member gets it directly.
        turn.reply_privately(std::move(text));
        return;
    }
    reply_where_allowed(turn, std::move(text));
}

void my_knowledge(Turn& turn) {
    // Under their name, and kept from their answers without it (shown to them alone, here).
    auto entries = turn.store.knowledge_entries_by_author(turn.me->id);
    for (auto& entry : turn.store.anonymous_knowledge_entries_of(turn.me->id)) {
        entries.push_back(std::move(entry));
    }
    if (entries.empty()) {
        turn.reply_privately(TextContent{turn.t("knowledge.mine_none"), {}});
        return;
    }
    std::stable_sort(
        entries.begin(), entries.end(), [](const KnowledgeEntry& a, const KnowledgeEntry& b) {
            return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
        });
    std::string text = turn.t("knowledge.mine_title", {{"count", std::to_string(entries.size())}});
    for (const auto& entry : entries) {
        text += "\n" + list_line(turn, entry, entry.number);  // with its network, below
        if (const auto network = turn.store.network(entry.network_id)) {
            text += " · " + escape_markdown(network->name);
        }
        if (!entry.author_member_id) {
            text += " · " + turn.t("knowledge.anonymous");
        }
    }
    text += "\n\n" + turn.t("knowledge.mine_hint");
    turn.reply_privately(TextContent{text, {}});
}

void withdraw_knowledge(Turn& turn, const std::string& args) {
    auto [word, rest] = first_word(args);
    const auto number = entry_number(word);
    std::string choice_word = rest;
    number_networks(turn, choice_word);  // "… in <network>" is read by own_entry_by_number
    const auto choice = withdraw_choice(choice_word);
    if (!number || (!choice_word.empty() && !choice)) {
        turn.reply_text("knowledge.withdraw_usage");
        return;
    }
    auto entry = own_entry_by_number(turn, *number, rest);
    if (!entry) {
        return;
    }
    if (choice) {
        apply_withdrawal(turn, std::move(*entry), *choice);
        return;
    }
    ChoiceQuestion question;
    question.action_id = std::string{kWithdrawAction} + std::to_string(entry->id);
    question.prompt = turn.t("knowledge.withdraw_prompt",
                             {{"number", std::to_string(entry->number)}, {"title", entry->title}});
    question.choices = {{std::string{kAnonymise}, turn.t("knowledge.withdraw_choice_anonymise")},
                        {std::string{kRemove}, turn.t("knowledge.withdraw_choice_remove")}};
    turn.reply_privately(question);
}

void withdraw_knowledge_click(Turn& turn, Id entry_id, std::string_view choice) {
    if (choice != kAnonymise && choice != kRemove) {
        turn.reply_text("action.unknown");
        return;
    }
    auto entry = own_entry(turn, entry_id);
    if (!entry) {
        return;
    }
    const std::string title = entry->title;
    apply_withdrawal(turn, std::move(*entry), choice);
    // Close the question that was clicked, so it cannot be answered twice.
    const auto& remote_id = turn.event.action.message_remote_id;
    if (remote_id.empty()) {
        return;
    }
    auto row = turn.store.outbox_row_by_remote_id(turn.event.conversation.platform, remote_id);
    if (!row || row->message.recipient_member_id != turn.me->id) {
        return;
    }
    if (auto* question = std::get_if<ChoiceQuestion>(&row->message.content);
        question &&
        question->action_id == std::string{kWithdrawAction} + std::to_string(entry_id)) {
        question->closed_note =
            tr(row->message.lang, choice == kRemove ? "knowledge.withdraw_closed_removed"
                                                    : "knowledge.withdraw_closed_anonymised");
        turn.update(row->message.id, row->message.to, *question, row->message.lang);
    }
}

// ---- facilitators ----------------------------------------------------------------------------

void add_knowledge(Turn& turn, KnowledgeKind kind, const std::string& args) {
    const auto network =
        turn.managed_network;
    if (!network) {
        return;
    }
    const auto parts = read_parts(kind, args);
    if (!parts || parts->title.empty() ||
        (kind == KnowledgeKind::resource ? parts->link.empty() : parts->body.empty())) {
        turn.reply_text(usage_key(kind));
        return;
    }
    KnowledgeEntry entry;
    entry.network_id = network->id;
    entry.kind = kind;
    entry.title = parts->title;
    entry.body = parts->body;
    entry.link = parts->link;
    if (parts->tags) {
        auto tags = read_tags(turn, *parts->tags);
        if (!tags) {
            return;
        }
        entry.tags = std::move(*tags);
    }
    entry.author_member_id = turn.me->id;
    entry.created_at = turn.now;
    entry.updated_at = turn.now;
    if (!valid_entry(turn, entry)) {
        return;
    }
    const Id id = turn.store.create_knowledge_entry(entry);
    const auto stored = turn.store.knowledge_entry(id);
    turn.reply_text("knowledge.added", {{"number", std::to_string(stored ? stored->number : 0)},
                                        {"title", entry.title},
                                        {"kind", kind_label(turn, kind)},
                                        {"network", network->name}});
}

void edit_knowledge(Turn& turn, const std::string& args) {
    std::string rest;
    auto entry = managed_entry(turn, "knowledge_edit", args, rest);
    if (!entry) {
        return;
    }
    const auto parts = read_parts(entry->kind, rest);
    if (!parts ||
        (parts->title.empty() && parts->link.empty() && parts->body.empty() && !parts->tags)) {
        turn.reply_text(entry->kind == KnowledgeKind::resource ? "knowledge.edit_usage_resource"
                                                               : "knowledge.edit_usage");
        return;
    }
    // An empty part keeps what was there.
    if (!parts->title.empty()) {
        entry->title = parts->title;
    }
    if (!parts->link.empty()) {
        entry->link = parts->link;
    }
    if (!parts->body.empty()) {
        entry->body = parts->body;
    }
    if (parts->tags) {
        auto tags = read_tags(turn, *parts->tags);
        if (!tags) {
            return;
        }
        entry->tags = std::move(*tags);
    }
    if (!valid_entry(turn, *entry)) {
        return;
    }
    entry->updated_at = turn.now;
    turn.store.update_knowledge_entry(*entry);
    turn.reply_text("knowledge.edited",
                    {{"number", std::to_string(entry->number)}, {"title", entry->title}});
}

void set_knowledge_status(Turn& turn, const std::string& args, bool retire) {
    std::string rest;
    auto entry = managed_entry(
        turn, retire ? "knowledge_retire" : "knowledge_restore", args, rest);
    if (!entry) {
        return;
    }
    const MessageArgs reply_args{{"number", std::to_string(entry->number)},
                                 {"title", entry->title}};
    const auto wanted = retire ? KnowledgeStatus::retired : KnowledgeStatus::active;
    if (entry->status == wanted) {
        turn.reply_text(retire ? "knowledge.already_retired" : "knowledge.already_active",
                        reply_args);
        return;
    }
    entry->status = wanted;
    entry->updated_at = turn.now;
    turn.store.update_knowledge_entry(*entry);
    turn.reply_text(retire ? "knowledge.retired" : "knowledge.restored", reply_args);
}

void share_knowledge(Turn& turn, const std::string& args) {
    std::string rest;
    const auto entry = managed_entry(turn, "knowledge_share", args, rest);
    if (!entry) {
        return;
    }
    if (rest.empty()) {
        turn.reply_text("knowledge.usage.knowledge_share");
        return;
    }
    const auto target = turn.store.find_network_by_name(rest);
    if (!target) {
        turn.reply_text("knowledge.share_unknown_network", {{"network", rest}});
        return;
    }
    const MessageArgs reply_args{{"number", std::to_string(entry->number)},
                                 {"title", entry->title},
                                 {"network", target->name}};
    if (target->id == entry->network_id) {
        turn.reply_text("knowledge.share_own_network", reply_args);
        return;
    }
    if (entry->status == KnowledgeStatus::retired) {
        turn.reply_text("knowledge.share_retired", reply_args);
        return;
    }
    const auto shares = turn.store.knowledge_shares(entry->id);
    if (std::find(shares.begin(), shares.end(), target->id) != shares.end()) {
        turn.reply_text("knowledge.share_already", reply_args);
        return;
    }
    turn.store.share_knowledge_entry(entry->id, target->id, turn.me->id, turn.now);
    auto shared_args = reply_args;
    shared_args.emplace_back(
        "there", std::to_string(turn.store.knowledge_number_in(entry->id, target->id).value_or(0)));
    turn.reply_text("knowledge.shared", shared_args);
}

void export_knowledge(Turn& turn) {
    const auto network = turn.managed_network;
    if (!network) {
        return;
    }
    send_document_privately(
        turn, knowledge_export_markdown(turn.store, *network, turn.lang, DocumentStyle::chat));
    if (turn.event.conversation.kind == Conversation::Kind::group && !turn.event.reply_is_private) {
        turn.reply_text("knowledge.sent_privately");
    }
}

void harvest(Turn& turn, const std::string& args) {
    const auto network = turn.managed_network;
    if (!network) {
        return;
    }
    int year = school_year_of(turn.today(turn.zone_of(*network)));
    if (!trim(args).empty()) {
        const auto parsed = parse_school_year(args);
        if (!parsed) {
            turn.reply_text("harvest.usage", {{"typed", std::string{trim(args)}}});
            return;
        }
        year = *parsed;
    }
    send_document_privately(
        turn, harvest_markdown(turn.store, *network, year, turn.lang, DocumentStyle::chat,
                               turn.settings.min_anonymous_respondents) +
                  "\n" + turn.t("harvest.cli_hint"));
    if (turn.event.conversation.kind == Conversation::Kind::group && !turn.event.reply_is_private) {
        turn.reply_text("knowledge.sent_privately");
    }
}

void network_aim(Turn& turn, bool ambition, const std::string& args) {
    const std::string_view key = ambition ? "ambition" : "central_question";
    const std::string text{trim(args)};
    if (text.empty()) {
        const auto network = turn.require_network();
        if (!network) {
            return;
        }
        const std::string& current = ambition ? network->ambition : network->central_question;
        if (current.empty()) {
            turn.reply_text("aims." + std::string{key} + "_none", {{"network", network->name}});
        } else {
            turn.reply_text("aims." + std::string{key} + "_show",
                            {{"network", network->name}, {"text", current}});
        }
        return;
    }
    const auto network =
        turn.managed_network;
    if (!network) {
        return;
    }
    if (utf8_length(text) > kMaxAimChars) {
        turn.reply_text("aims.too_long", {{"max", std::to_string(kMaxAimChars)}});
        return;
    }
    turn.store.set_network_aims(network->id, ambition ? network->central_question : text,
                                ambition ? text : network->ambition);
    turn.reply_text("aims." + std::string{key} + "_saved",
                    {{"network", network->name}, {"text", text}});
}

}  // namespace leernetwerk::detail
