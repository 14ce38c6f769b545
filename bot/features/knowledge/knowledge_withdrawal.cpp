// Chat flows of the knowledge base (kennisbank), withdrawing consent: a member takes their own
// entry back (`kennis intrekken 5`), kept without their name or removed, typed or by a click.
#include <algorithm>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"
#include "bot/features/knowledge/knowledge_flows.hpp"

namespace leernetwerk::detail {
namespace {

constexpr std::string_view kWithdrawAction = "withdraw:";
constexpr std::string_view kAnonymise = "anonymise";
constexpr std::string_view kRemove = "remove";

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

}  // namespace

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

}  // namespace leernetwerk::detail
