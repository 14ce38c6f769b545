// Chat flows of the knowledge base (kennisbank), for facilitators: add meeting notes and
// resources, edit, archive, restore, share and export entries, make the school year's harvest
// document (oogst), and set the network's central question and ambition (shown to everyone).
#include <algorithm>
#include <set>

#include "bot/parse/arguments.hpp"
#include "bot/parse/commands.hpp"
#include "bot/features/knowledge/knowledge.hpp"
#include "bot/vocab/text.hpp"
#include "bot/features/knowledge/knowledge_flows.hpp"

namespace leernetwerk::detail {
namespace {

constexpr std::size_t kMaxTitleChars = 200;
constexpr std::size_t kMaxTags = 10;
constexpr std::size_t kMaxTagChars = 40;
constexpr std::size_t kMaxAimChars = 500;
/// A document longer than this goes out in several messages (Teams refuses messages over about
/// 28 KB), split between lines.
constexpr std::size_t kMaxDocumentMessageBytes = 12'000;

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
