// Networks on SQLite: networks and their aims, the conversations bound to them, and how to reach
// a conversation (conversation references).
#include <string>

#include "bot/vocab/text.hpp"
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {

namespace {

constexpr std::string_view kNetworkSelect =
    "SELECT id, name, theme, time_zone, meeting_cap, created_at, central_question, ambition "
    "FROM networks ";

Network read_network(const Query& query) {
    Network network;
    network.id = query.column_int(0);
    network.name = query.column_text(1);
    network.theme = query.column_text(2);
    network.time_zone = query.column_text(3);
    network.meeting_cap = static_cast<int>(query.column_int(4));
    network.created_at = query.column_instant(5);
    network.central_question = query.column_text(6);
    network.ambition = query.column_text(7);
    return network;
}

}  // namespace

Id SqliteStore::create_network(const Network& network) {
    Query query = impl_->query(
        "INSERT INTO networks (name, name_key, theme, time_zone, meeting_cap, created_at, "
        "central_question, ambition) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        "create_network");
    query.bind_text(1, network.name)
        .bind_text(2, fold(network.name))
        .bind_text(3, network.theme)
        .bind_text(4, network.time_zone)
        .bind_int(5, network.meeting_cap)
        .bind_instant(6, network.created_at)
        .bind_text(7, network.central_question)
        .bind_text(8, network.ambition);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

std::optional<Network> SqliteStore::network(Id id) {
    static const std::string kSql = select_sql(kNetworkSelect, "WHERE id = ?1");
    Query query = impl_->query(kSql, "network");
    query.bind_int(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_network(query);
}

std::optional<Network> SqliteStore::find_network_by_name(std::string_view name) {
    static const std::string kSql = select_sql(kNetworkSelect, "WHERE name_key = ?1");
    Query query = impl_->query(kSql, "find_network_by_name");
    query.bind_text(1, fold(name));
    if (!query.step()) {
        return std::nullopt;
    }
    return read_network(query);
}

std::vector<Network> SqliteStore::networks() {
    static const std::string kSql = select_sql(kNetworkSelect, "ORDER BY name_key, id");
    Query query = impl_->query(kSql, "networks");
    std::vector<Network> result;
    while (query.step()) {
        result.push_back(read_network(query));
    }
    return result;
}

void SqliteStore::set_network_aims(Id network_id, std::string_view central_question,
                                   std::string_view ambition) {
    Query query =
        impl_->query("UPDATE networks SET central_question = ?2, ambition = ?3 WHERE id = ?1",
                     "set_network_aims");
    query.bind_int(1, network_id).bind_text(2, central_question).bind_text(3, ambition);
    Impl::require_changed(query.run(), "set_network_aims", "network", network_id);
}

void SqliteStore::bind_conversation(const ConversationBinding& binding) {
    Query query = impl_->query(
        "INSERT INTO conversations (platform, conversation_id, network_id) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (platform, conversation_id) DO UPDATE SET network_id = excluded.network_id",
        "bind_conversation");
    query.bind_text(1, platform_code(binding.platform))
        .bind_text(2, binding.conversation_id)
        .bind_int(3, binding.network_id);
    query.run();
}

std::optional<Id> SqliteStore::network_of_conversation(Platform platform,
                                                       std::string_view conversation_id) {
    Query query = impl_->query(
        "SELECT network_id FROM conversations WHERE platform = ?1 AND conversation_id = ?2",
        "network_of_conversation");
    query.bind_text(1, platform_code(platform)).bind_text(2, conversation_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return query.column_int(0);
}

std::vector<ConversationBinding> SqliteStore::conversations_of_network(Id network_id) {
    Query query = impl_->query(
        "SELECT platform, conversation_id, network_id FROM conversations WHERE network_id = ?1 "
        "ORDER BY platform, conversation_id",
        "conversations_of_network");
    query.bind_int(1, network_id);
    std::vector<ConversationBinding> result;
    while (query.step()) {
        ConversationBinding binding;
        const std::string platform = query.column_text(0);
        binding.platform = decode(parse_platform_code(platform), "platform", platform);
        binding.conversation_id = query.column_text(1);
        binding.network_id = query.column_int(2);
        result.push_back(std::move(binding));
    }
    return result;
}

namespace {

constexpr std::string_view kConversationRefSelect =
    "SELECT platform, conversation_id, kind, service_url, tenant_id, user_id, bot_id, updated_at "
    "FROM conversation_refs ";

ConversationRef read_conversation_ref(const Query& query) {
    ConversationRef ref;
    const std::string platform = query.column_text(0);
    ref.platform = decode(parse_platform_code(platform), "platform", platform);
    ref.conversation_id = query.column_text(1);
    ref.direct = query.column_text(2) == "direct";
    ref.service_url = query.column_text(3);
    ref.tenant_id = query.column_text(4);
    ref.user_id = query.column_text(5);
    ref.bot_id = query.column_text(6);
    ref.updated_at = query.column_instant(7);
    return ref;
}

}  // namespace

void SqliteStore::save_conversation_ref(const ConversationRef& ref) {
    Query query = impl_->query(
        "INSERT INTO conversation_refs (platform, conversation_id, kind, service_url, tenant_id, "
        "user_id, bot_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
        "ON CONFLICT (platform, conversation_id) DO UPDATE SET kind = excluded.kind, "
        "service_url = excluded.service_url, tenant_id = excluded.tenant_id, "
        "user_id = CASE WHEN excluded.user_id = '' THEN user_id ELSE excluded.user_id END, "
        "bot_id = excluded.bot_id, updated_at = excluded.updated_at "
        // Unchanged, nothing is written: a time per member's message would tell when each
        // member last wrote (next to a sealed answer of that moment).
        "WHERE kind IS NOT excluded.kind OR service_url IS NOT excluded.service_url OR "
        "tenant_id IS NOT excluded.tenant_id OR bot_id IS NOT excluded.bot_id OR "
        "(excluded.user_id <> '' AND user_id IS NOT excluded.user_id)",
        "save_conversation_ref");
    query.bind_text(1, platform_code(ref.platform))
        .bind_text(2, ref.conversation_id)
        .bind_text(3, ref.direct ? "direct" : "group")
        .bind_text(4, ref.service_url)
        .bind_text(5, ref.tenant_id)
        .bind_text(6, ref.user_id)
        .bind_text(7, ref.bot_id)
        .bind_instant(8, ref.updated_at);
    query.run();
}

std::optional<ConversationRef> SqliteStore::conversation_ref(Platform platform,
                                                             std::string_view conversation_id) {
    static const std::string kSql =
        std::string(kConversationRefSelect) + "WHERE platform = ?1 AND conversation_id = ?2";
    Query query = impl_->query(kSql, "conversation_ref");
    query.bind_text(1, platform_code(platform)).bind_text(2, conversation_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_conversation_ref(query);
}

std::optional<ConversationRef> SqliteStore::direct_conversation_with(Platform platform,
                                                                     std::string_view user_id) {
    static const std::string kSql = std::string(kConversationRefSelect) +
                                    "WHERE platform = ?1 AND user_id = ?2 AND kind = 'direct' "
                                    "ORDER BY updated_at DESC LIMIT 1";
    Query query = impl_->query(kSql, "direct_conversation_with");
    query.bind_text(1, platform_code(platform)).bind_text(2, user_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_conversation_ref(query);
}

std::optional<ConversationRef> SqliteStore::latest_conversation_ref(Platform platform) {
    static const std::string kSql = std::string(kConversationRefSelect) +
                                    "WHERE platform = ?1 ORDER BY updated_at DESC LIMIT 1";
    Query query = impl_->query(kSql, "latest_conversation_ref");
    query.bind_text(1, platform_code(platform));
    if (!query.step()) {
        return std::nullopt;
    }
    return read_conversation_ref(query);
}

}  // namespace leernetwerk::storage
