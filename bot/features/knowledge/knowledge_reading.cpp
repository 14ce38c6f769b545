// Chat flows of the knowledge base (kennisbank), reading: search (`zoek`), the network's entries
// and one entry in full (`kennis`, `kennis 5`), a member's own entries (`mijn kennis`), and who
// may see which entry where.
#include <algorithm>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"
#include "bot/features/knowledge/knowledge_flows.hpp"

namespace leernetwerk::detail {
namespace {

constexpr int kSearchHits = 5;
constexpr std::size_t kListedEntries = 20;

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

}  // namespace

/// "5" or "#5": an entry number (at most 9 digits: a number is an int).
std::optional<int> entry_number(std::string_view word) {
    if (const auto number = read_hash_number(word, kMaxIntDigits)) {
        return static_cast<int>(*number);
    }
    return std::nullopt;
}

std::string kind_label(Turn& turn, KnowledgeKind kind) {
    return turn.t("knowledge.kind." + std::string{knowledge_kind_code(kind)});
}

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

}  // namespace leernetwerk::detail
