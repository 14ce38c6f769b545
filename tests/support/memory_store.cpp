// The MemoryStore's unit of work, inbox, outbox, adapter state, networks and conversations, as
// storage/sqlite_store.cpp keeps them.
#include "support/memory_store.hpp"

#include <algorithm>

#include "bot/vocab/seal.hpp"
#include "bot/vocab/text.hpp"
#include "storage/sqlite/content_json.hpp"
#include "support/memory_store_rows.hpp"

namespace leernetwerk::testing {

using memory::no_such;

// ---- unit of work ----------------------------------------------------------------------------

void MemoryStore::atomically(const std::function<void()>& work) {
    MemoryState saved = state_;
    try {
        work();
    } catch (...) {
        state_ = std::move(saved);
        throw;
    }
}

void MemoryStore::transaction(const std::function<void()>& work) {
    if (in_transaction_) {
        throw StoreError("transaction: already in a transaction (transactions do not nest)");
    }
    in_transaction_ = true;
    try {
        atomically(work);
    } catch (...) {
        in_transaction_ = false;
        throw;
    }
    in_transaction_ = false;
}

void MemoryStore::savepoint(const std::function<void()>& work) {
    if (!in_transaction_) {
        throw StoreError("savepoint: only inside a transaction");
    }
    atomically(work);
}

void MemoryStore::compact_after_commit() {
    // Nothing to fold: no file keeps earlier versions of what was removed.
}

// ---- inbox -----------------------------------------------------------------------------------

bool MemoryStore::remember_event(Platform platform, std::string_view event_id, Instant now) {
    return state_.inbox.emplace(std::pair{platform, std::string{event_id}}, now).second;
}

int MemoryStore::prune_inbox(Instant before) {
    return static_cast<int>(
        std::erase_if(state_.inbox, [&](const auto& entry) { return entry.second < before; }));
}

// ---- outbox ----------------------------------------------------------------------------------

void MemoryStore::use_sealing_key(std::string key) {
    if (key.size() != kSealKeyBytes) {
        throw StoreError("use_sealing_key: a sealing key has 32 bytes");
    }
    sealing_key_ = std::move(key);
}

Id MemoryStore::append_outbox(const OutboundMessage& message, Instant now) {
    if (message.sealed && sealing_key_.empty()) {
        throw StoreError("append_outbox: a sealed message needs the sealing key");
    }
    MemoryState::OutboxEntry entry;
    const Id id = ++state_.outbox_seq;
    OutboundMessage& stored = entry.row.message;
    stored.id = id;
    stored.to.platform = message.to.platform;
    stored.replaces = message.replaces;
    if (message.sealed) {
        // As the plain columns of a sealed SQLite row: nothing says whom it is for.
        stored.to.direct = true;
        stored.lang = Lang::nl;
        entry.sealed_with = sealing_key_;
        // The sealed part, kept here as the key would open it.
        OutboundMessage sealed = message;
        sealed.id = id;
        sealed.cause.reset();
        sealed.content = storage::content_from_json(storage::content_to_json(message.content));
        entry.row.message = sealed;
    } else {
        stored.to = message.to;
        stored.recipient_member_id = message.recipient_member_id;
        stored.lang = message.lang;
        stored.content = storage::content_from_json(storage::content_to_json(message.content));
        if (message.cause && message.cause->member_id != 0) {
            entry.cause = message.cause;
        }
    }
    entry.row.state = OutboxState::pending;
    entry.row.attempts = 0;
    entry.row.created_at = now;
    entry.row.next_attempt_at = now;
    state_.outbox.emplace(id, std::move(entry));
    return id;
}

OutboxRow MemoryStore::read_outbox(const MemoryState::OutboxEntry& entry) const {
    OutboxRow row = entry.row;
    row.message.cause.reset();
    if (!entry.sealed_with.empty() && entry.sealed_with != sealing_key_) {
        throw StoreError("outbox row " + std::to_string(row.message.id) +
                         ": sealed with another key than this one (was the poll key changed?)");
    }
    row.message.sealed = !entry.sealed_with.empty();
    row.replaces_remote_id.clear();
    if (row.message.replaces) {
        const auto replaced = state_.outbox.find(*row.message.replaces);
        if (replaced != state_.outbox.end() && replaced->second.row.state == OutboxState::sent) {
            row.replaces_remote_id = replaced->second.row.remote_id;
        }
    }
    return row;
}

Id MemoryStore::sealed_recipient(const MemoryState::OutboxEntry& entry) const {
    if (entry.sealed_with.empty() || sealing_key_.empty() || entry.sealed_with != sealing_key_) {
        return 0;
    }
    return entry.row.message.recipient_member_id;
}

std::vector<OutboxRow> MemoryStore::due_outbox(Platform platform, Instant now, int limit,
                                               Id after_id) {
    std::vector<OutboxRow> rows;
    if (limit <= 0) {
        return rows;
    }
    for (auto it = state_.outbox.upper_bound(after_id);
         it != state_.outbox.end() && static_cast<int>(rows.size()) < limit; ++it) {
        const auto& row = it->second.row;
        if (row.message.to.platform != platform || row.state != OutboxState::pending ||
            row.next_attempt_at > now) {
            continue;
        }
        if (row.message.replaces) {
            const auto replaced = state_.outbox.find(*row.message.replaces);
            if (replaced != state_.outbox.end() &&
                replaced->second.row.state != OutboxState::sent &&
                replaced->second.row.state != OutboxState::failed) {
                continue;
            }
        }
        rows.push_back(read_outbox(it->second));
    }
    return rows;
}

std::vector<OutboxRow> MemoryStore::outbox_in_state(Platform platform, OutboxState state) {
    std::vector<OutboxRow> rows;
    for (const auto& [id, entry] : state_.outbox) {
        if (entry.row.message.to.platform == platform && entry.row.state == state) {
            rows.push_back(read_outbox(entry));
        }
    }
    return rows;
}

std::optional<OutboxRow> MemoryStore::outbox_row(Id id) {
    const auto it = state_.outbox.find(id);
    if (it == state_.outbox.end()) {
        return std::nullopt;
    }
    return read_outbox(it->second);
}

std::optional<OutboxRow> MemoryStore::outbox_row_by_remote_id(Platform platform,
                                                              std::string_view remote_id) {
    if (remote_id.empty()) {
        return std::nullopt;
    }
    for (const auto& [id, entry] : state_.outbox) {
        if (entry.row.message.to.platform == platform && entry.row.remote_id == remote_id) {
            return read_outbox(entry);
        }
    }
    return std::nullopt;
}

namespace {

MemoryState::OutboxEntry& outbox_entry(MemoryState& state, Id id, std::string_view operation) {
    const auto it = state.outbox.find(id);
    if (it == state.outbox.end()) {
        no_such(operation, "outbox row", id);
    }
    return it->second;
}

}  // namespace

void MemoryStore::mark_outbox_sending(Id id, Instant /*now*/) {
    auto& row = outbox_entry(state_, id, "mark_outbox_sending").row;
    row.state = OutboxState::sending;
    ++row.attempts;
}

void MemoryStore::mark_outbox_sent(Id id, std::string_view remote_id, Instant now) {
    auto& entry = outbox_entry(state_, id, "mark_outbox_sent");
    entry.row.state = OutboxState::sent;
    entry.row.remote_id = std::string{remote_id};
    entry.sent_at = now;
}

void MemoryStore::mark_outbox_retry(Id id, Instant next_attempt, std::string_view error) {
    auto& row = outbox_entry(state_, id, "mark_outbox_retry").row;
    row.state = OutboxState::pending;
    row.next_attempt_at = next_attempt;
    row.last_error = std::string{error};
}

void MemoryStore::mark_outbox_failed(Id id, std::string_view error, Instant now) {
    auto& entry = outbox_entry(state_, id, "mark_outbox_failed");
    entry.row.state = OutboxState::failed;
    entry.row.last_error = std::string{error};
    entry.failed_at = now;
}

std::optional<ReplyCause> MemoryStore::outbox_cause(Id id) {
    const auto it = state_.outbox.find(id);
    if (it == state_.outbox.end()) {
        return std::nullopt;
    }
    return it->second.cause;
}

int MemoryStore::prune_outbox(Instant before) {
    std::set<Id> ids;
    for (const auto& [id, entry] : state_.outbox) {
        if ((entry.row.state == OutboxState::sent && entry.sent_at && *entry.sent_at < before) ||
            (entry.row.state == OutboxState::failed && entry.failed_at &&
             *entry.failed_at < before)) {
            ids.insert(id);
        }
    }
    delete_outbox_rows(ids);
    return static_cast<int>(ids.size());
}

int MemoryStore::outbox_depth(Platform platform) {
    int depth = 0;
    for (const auto& [id, entry] : state_.outbox) {
        if (entry.row.message.to.platform == platform &&
            (entry.row.state == OutboxState::pending || entry.row.state == OutboxState::sending)) {
            ++depth;
        }
    }
    return depth;
}

void MemoryStore::delete_outbox_rows(const std::set<Id>& ids) {
    if (ids.empty()) {
        return;
    }
    for (const Id id : ids) {
        state_.outbox.erase(id);
        state_.poll_messages.erase(id);
        state_.question_messages.erase(id);
    }
    for (auto& [id, entry] : state_.outbox) {
        if (entry.row.message.replaces && ids.contains(*entry.row.message.replaces)) {
            entry.row.message.replaces.reset();
        }
    }
    for (auto& [id, pending] : state_.pending) {
        if (pending.question_message_id && ids.contains(*pending.question_message_id)) {
            pending.question_message_id.reset();
        }
    }
}

std::optional<std::string> MemoryStore::adapter_state(std::string_view key) {
    const auto it = state_.adapter_state.find(std::string{key});
    if (it == state_.adapter_state.end()) {
        return std::nullopt;
    }
    return it->second;
}

void MemoryStore::set_adapter_state(std::string_view key, std::string_view value, Instant) {
    state_.adapter_state[std::string{key}] = std::string{value};
}

// ---- networks and conversations --------------------------------------------------------------

Id MemoryStore::create_network(const Network& network) {
    const std::string key = fold(network.name);
    for (const auto& [id, other] : state_.networks) {
        if (fold(other.name) == key) {
            throw StoreError("create_network: UNIQUE constraint failed: networks.name_key");
        }
    }
    const Id id = state_.networks.empty() ? 1 : state_.networks.rbegin()->first + 1;
    Network stored = network;
    stored.id = id;
    state_.networks.emplace(id, std::move(stored));
    return id;
}

std::optional<Network> MemoryStore::network(Id id) {
    const auto it = state_.networks.find(id);
    if (it == state_.networks.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<Network> MemoryStore::find_network_by_name(std::string_view name) {
    const std::string key = fold(name);
    for (const auto& [id, network] : state_.networks) {
        if (fold(network.name) == key) {
            return network;
        }
    }
    return std::nullopt;
}

std::vector<Network> MemoryStore::networks() {
    std::vector<Network> result;
    for (const auto& [id, network] : state_.networks) {
        result.push_back(network);
    }
    std::stable_sort(result.begin(), result.end(), [](const Network& a, const Network& b) {
        return fold(a.name) < fold(b.name);
    });
    return result;
}

void MemoryStore::bind_conversation(const ConversationBinding& binding) {
    state_.conversations[{binding.platform, binding.conversation_id}] = binding.network_id;
}

std::optional<Id> MemoryStore::network_of_conversation(Platform platform,
                                                       std::string_view conversation_id) {
    const auto it = state_.conversations.find({platform, std::string{conversation_id}});
    if (it == state_.conversations.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::vector<ConversationBinding> MemoryStore::conversations_of_network(Id network_id) {
    // By platform code, then conversation id, as SQLite orders the text columns.
    std::vector<ConversationBinding> result;
    for (const auto& [key, network] : state_.conversations) {
        if (network == network_id) {
            result.push_back({key.first, key.second, network});
        }
    }
    std::stable_sort(result.begin(), result.end(), [](const auto& a, const auto& b) {
        return std::pair{platform_code(a.platform), std::string_view{a.conversation_id}} <
               std::pair{platform_code(b.platform), std::string_view{b.conversation_id}};
    });
    return result;
}

void MemoryStore::save_conversation_ref(const ConversationRef& ref) {
    const std::pair key{ref.platform, ref.conversation_id};
    const auto it = state_.conversation_refs.find(key);
    if (it == state_.conversation_refs.end()) {
        state_.conversation_refs.emplace(key, ref);
        return;
    }
    ConversationRef& old = it->second;
    const bool changed = old.direct != ref.direct || old.service_url != ref.service_url ||
                         old.tenant_id != ref.tenant_id || old.bot_id != ref.bot_id ||
                         (!ref.user_id.empty() && old.user_id != ref.user_id);
    if (!changed) {
        return;  // unchanged, nothing is written (not even the time)
    }
    old.direct = ref.direct;
    old.service_url = ref.service_url;
    old.tenant_id = ref.tenant_id;
    if (!ref.user_id.empty()) {
        old.user_id = ref.user_id;
    }
    old.bot_id = ref.bot_id;
    old.updated_at = ref.updated_at;
}

std::optional<ConversationRef> MemoryStore::conversation_ref(Platform platform,
                                                             std::string_view conversation_id) {
    const auto it = state_.conversation_refs.find({platform, std::string{conversation_id}});
    if (it == state_.conversation_refs.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<ConversationRef> MemoryStore::direct_conversation_with(Platform platform,
                                                                     std::string_view user_id) {
    std::optional<ConversationRef> best;
    for (const auto& [key, ref] : state_.conversation_refs) {
        if (key.first == platform && ref.direct && ref.user_id == user_id &&
            (!best || ref.updated_at > best->updated_at)) {
            best = ref;
        }
    }
    return best;
}

std::optional<ConversationRef> MemoryStore::latest_conversation_ref(Platform platform) {
    std::optional<ConversationRef> best;
    for (const auto& [key, ref] : state_.conversation_refs) {
        if (key.first == platform && (!best || ref.updated_at > best->updated_at)) {
            best = ref;
        }
    }
    return best;
}

}  // namespace leernetwerk::testing
