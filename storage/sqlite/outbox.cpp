// The outbox on SQLite as the core sees it: appending messages (sealed ones encrypted under the
// key the Bot gives), reading rows back, whose message a row answers, the last private delivery
// to an account, and releasing a row before its recipient is erased. Claiming due rows and
// recording each send: delivery_store.cpp.
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "bot/vocab/seal.hpp"
#include "storage/sqlite/content_json.hpp"
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {

namespace {

constexpr std::string_view kSealedContext = "leernetwerk-outbox";

/// A sealed message's address, recipient, language and content, padded so that its size tells
/// little of what it says.
std::string seal_message(const std::string& key, const OutboundMessage& message) {
    if (key.empty()) {
        throw StoreError("append_outbox: a sealed message needs the sealing key");
    }
    nlohmann::json plain = {{"conversation", message.to.conversation_id},
                            {"user", message.to.user_id},
                            {"direct", message.to.direct},
                            {"thread", message.to.thread_id},
                            {"recipient", message.recipient_member_id},
                            {"lang", std::string(lang_code(message.lang))},
                            {"content", content_to_json(message.content)}};
    auto text = plain.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::size_t size = 1024;
    while (size < text.size()) {
        size *= 2;
    }
    text.resize(size, ' ');  // JSON ignores trailing white space
    return seal_bytes(key, kSealedContext, text);
}

void unseal_message(const std::string& key, const std::string& sealed, OutboundMessage& message) {
    const auto plain = unseal_bytes(key, kSealedContext, sealed);
    if (!plain) {
        throw StoreError("outbox row " + std::to_string(message.id) +
                         ": sealed with another key than this one (was the poll key changed?)");
    }
    const auto json = nlohmann::json::parse(*plain, nullptr, false);
    if (!json.is_object() || !json.contains("content") || !json["content"].is_string() ||
        !json.contains("lang") || !json["lang"].is_string()) {
        throw StoreError("outbox row " + std::to_string(message.id) + ": a corrupt sealed message");
    }
    message.to.conversation_id = json.value("conversation", "");
    message.to.user_id = json.value("user", "");
    message.to.direct = json.value("direct", false);
    message.to.thread_id = json.value("thread", "");
    message.recipient_member_id = json.value("recipient", Id{0});
    const auto lang = json["lang"].get<std::string>();
    message.lang = decode(parse_lang(lang), "language", lang);
    message.content = content_from_json(json["content"].get<std::string>());
    message.sealed = true;
}

}  // namespace

Id sealed_recipient(const std::string& key, const std::string& sealed) {
    if (key.empty()) {
        return 0;
    }
    OutboundMessage message;
    try {
        unseal_message(key, sealed, message);
    } catch (const std::exception&) {
        return 0;
    }
    return message.recipient_member_id;
}

namespace {

OutboxRow read_outbox_row(const Query& query, const std::string& sealing_key) {
    OutboxRow row;
    OutboundMessage& message = row.message;
    message.id = query.column_int(0);
    const std::string platform = query.column_text(1);
    message.to.platform = decode(parse_platform_code(platform), "platform", platform);
    message.to.conversation_id = query.column_text(2);
    message.to.user_id = query.column_text(3);
    message.to.direct = query.column_int(4) != 0;
    message.to.thread_id = query.column_text(5);
    message.recipient_member_id = query.column_optional_int(6).value_or(0);
    const std::string lang = query.column_text(7);
    message.lang = decode(parse_lang(lang), "language", lang);
    const auto sealed = query.column_blob(17);
    if (sealed.empty()) {
        try {
            message.content = content_from_json(query.column_text(8));
        } catch (const StoreError& error) {
            throw StoreError("outbox row " + std::to_string(message.id) + ": " + error.what());
        }
    }
    message.replaces = query.column_optional_int(9);
    const std::string state = query.column_text(10);
    row.state = decode(parse_outbox_state_code(state), "outbox state", state);
    row.attempts = static_cast<int>(query.column_int(11));
    row.created_at = query.column_instant(12);
    row.next_attempt_at = query.column_instant(13);
    row.remote_id = query.column_text(14);
    row.last_error = query.column_text(15);
    row.replaces_remote_id = query.column_text(16);
    if (!sealed.empty()) {
        try {
            unseal_message(sealing_key, sealed, message);
        } catch (const StoreError&) {
            throw;
        } catch (const std::exception& error) {
            throw StoreError("outbox row " + std::to_string(message.id) + ": " + error.what());
        }
    }
    return row;
}

}  // namespace

std::vector<OutboxRow> SqliteStore::Impl::read_outbox_rows(Query& query) {
    std::vector<OutboxRow> rows;
    while (query.step()) {
        rows.push_back(read_outbox_row(query, sealing_key_));
    }
    return rows;
}

std::vector<Id> SqliteStore::Impl::sealed_rows_for(Id member_id) {
    Query query =
        this->query("SELECT id, sealed FROM outbox WHERE sealed IS NOT NULL AND state <> 'sending'",
                    "sealed rows of a member");
    std::vector<Id> ids;
    while (query.step()) {
        if (sealed_recipient(sealing_key_, query.column_blob(1)) == member_id) {
            ids.push_back(query.column_int(0));
        }
    }
    return ids;
}

void SqliteStore::use_sealing_key(std::string key) {
    if (key.size() != kSealKeyBytes) {
        throw StoreError("use_sealing_key: a sealing key has 32 bytes");
    }
    impl_->sealing_key_ = std::move(key);
}

Id SqliteStore::append_outbox(const OutboundMessage& message, Instant now) {
    Query query = impl_->query(R"sql(
INSERT INTO outbox (platform, conversation_id, user_id, direct, thread_id, recipient_member_id,
                    lang, content, replaces_id, state, attempts, created_at, next_attempt_at,
                    sealed, cause_member_id, cause_origin)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'pending', 0, ?10, ?10, ?11, ?12, ?13)
RETURNING id
)sql",
                               "append_outbox");
    query.bind_text(1, platform_code(message.to.platform));
    if (message.sealed) {
        // Nothing in the plain columns says whom it is for or what it says.
        query.bind_text(2, "")
            .bind_text(3, "")
            .bind_int(4, 1)
            .bind_text(5, "")
            .bind_null(6)
            .bind_text(7, lang_code(Lang::nl))
            .bind_text(8, "")
            .bind_blob(11, seal_message(impl_->sealing_key_, message));
    } else {
        query.bind_text(2, message.to.conversation_id)
            .bind_text(3, message.to.user_id)
            .bind_int(4, message.to.direct ? 1 : 0)
            .bind_text(5, message.to.thread_id)
            .bind_optional_int(6, id_or_null(message.recipient_member_id))
            .bind_text(7, lang_code(message.lang))
            .bind_text(8, content_to_json(message.content))
            .bind_null(11);
    }
    query.bind_optional_int(9, message.replaces).bind_instant(10, now);
    if (message.cause && message.cause->member_id != 0 && !message.sealed) {
        const auto& origin = message.cause->origin;
        const nlohmann::json where = {{"platform", std::string(platform_code(origin.platform))},
                                      {"conversation", origin.conversation_id},
                                      {"user", origin.user_id},
                                      {"direct", origin.direct},
                                      {"thread", origin.thread_id}};
        query.bind_int(12, message.cause->member_id)
            .bind_text(13, where.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } else {
        query.bind_null(12).bind_null(13);
    }
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

std::optional<OutboxRow> SqliteStore::outbox_row(Id id) {
    static const std::string kSql = select_sql(kOutboxSelect, "WHERE o.id = ?1");
    Query query = impl_->query(kSql, "outbox_row");
    query.bind_int(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_outbox_row(query, impl_->sealing_key_);
}

std::optional<OutboxRow> SqliteStore::outbox_row_by_remote_id(Platform platform,
                                                              std::string_view remote_id) {
    if (remote_id.empty()) {
        return std::nullopt;
    }
    static const std::string kSql = select_sql(
        kOutboxSelect, "WHERE o.platform = ?1 AND o.remote_id = ?2 ORDER BY o.id LIMIT 1");
    Query query = impl_->query(kSql, "outbox_row_by_remote_id");
    query.bind_text(1, platform_code(platform)).bind_text(2, remote_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_outbox_row(query, impl_->sealing_key_);
}

std::optional<ReplyCause> SqliteStore::outbox_cause(Id id) {
    Query query = impl_->query(
        "SELECT cause_member_id, cause_origin FROM outbox WHERE id = ?1 "
        "AND cause_member_id IS NOT NULL AND cause_origin IS NOT NULL",
        "outbox_cause");
    query.bind_int(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    const auto where = nlohmann::json::parse(query.column_text(1), nullptr, false);
    if (!where.is_object() || !where.value("platform", nlohmann::json()).is_string()) {
        throw StoreError("outbox row " + std::to_string(id) + ": a corrupt cause_origin");
    }
    ReplyCause cause;
    cause.member_id = query.column_int(0);
    const auto platform = where["platform"].get<std::string>();
    cause.origin.platform = decode(parse_platform_code(platform), "platform", platform);
    cause.origin.conversation_id = where.value("conversation", "");
    cause.origin.user_id = where.value("user", "");
    cause.origin.direct = where.value("direct", false);
    cause.origin.thread_id = where.value("thread", "");
    return cause;
}

std::optional<OutboxRow> SqliteStore::latest_direct_delivery(Platform platform,
                                                             std::string_view user_id) {
    Query query = impl_->query(
        "SELECT id FROM outbox WHERE platform = ?1 AND user_id = ?2 AND direct = 1 "
        "AND state IN ('sent', 'failed') ORDER BY id DESC LIMIT 1",
        "latest_direct_delivery");
    query.bind_text(1, platform_code(platform)).bind_text(2, user_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return outbox_row(query.column_int(0));
}

void SqliteStore::release_outbox_row(Id id, const Content& content) {
    Query query = impl_->query(
        "UPDATE outbox SET recipient_member_id = NULL, content = ?2, "
        "user_id = CASE WHEN conversation_id <> '' THEN '' ELSE user_id END "
        "WHERE id = ?1 AND sealed IS NULL",
        "release_outbox_row");
    query.bind_int(1, id).bind_text(2, content_to_json(content));
    query.run();
}

}  // namespace leernetwerk::storage
