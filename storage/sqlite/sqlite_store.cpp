#include "storage/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include "bot/vocab/seal.hpp"
#include "bot/vocab/text.hpp"
#include "storage/sqlite/content_json.hpp"
#include "storage/sqlite/fts_tokenizer.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_impl.hpp"
#include "storage/sqlite/statement.hpp"

namespace leernetwerk::storage {
namespace {

constexpr const char* kMemoryPath = ":memory:";
constexpr int kBusyTimeoutMs = 5000;

// ---- codes and conversions -------------------------------------------------------------------

constexpr std::array<std::pair<JobState, std::string_view>, 3> kJobStates{{
    {JobState::due, "due"},
    {JobState::done, "done"},
    {JobState::cancelled, "cancelled"},
}};

std::string_view job_state_code(JobState state) {
    for (const auto& [value, code] : kJobStates) {
        if (value == state)
            return code;
    }
    return "due";
}

std::optional<JobState> parse_job_state_code(std::string_view code) {
    for (const auto& [value, name] : kJobStates) {
        if (name == code)
            return value;
    }
    return std::nullopt;
}

/// "YYYY-MM-DD HH:MM"; seconds are dropped (meetings are planned to the minute).
std::string format_local_start(LocalTime local) {
    const auto day = date::floor<date::days>(local);
    const date::year_month_day ymd{day};
    const auto minutes = date::floor<std::chrono::minutes>(local - day).count();
    std::array<char, 32> buffer{};
    std::snprintf(buffer.data(), buffer.size(), "%04d-%02u-%02u %02d:%02d",
                  static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()), static_cast<int>(minutes / 60),
                  static_cast<int>(minutes % 60));
    return buffer.data();
}

LocalTime parse_local_start(const std::string& text) {
    const auto number = [&text](std::size_t offset, std::size_t length) {
        int value = -1;
        const char* first = text.data() + offset;
        const auto [end, error] = std::from_chars(first, first + length, value);
        return error == std::errc{} && end == first + length ? value : -1;
    };
    if (text.size() == 16 && text[4] == '-' && text[7] == '-' && text[10] == ' ' &&
        text[13] == ':') {
        const int year = number(0, 4);
        const int month = number(5, 2);
        const int day = number(8, 2);
        const int hour = number(11, 2);
        const int minute = number(14, 2);
        const date::year_month_day ymd{date::year{year}, date::month(static_cast<unsigned>(month)),
                                       date::day(static_cast<unsigned>(day))};
        if (year >= 0 && month > 0 && day > 0 && ymd.ok() && hour >= 0 && hour < 24 &&
            minute >= 0 && minute < 60) {
            return LocalTime{date::local_days{ymd}} + std::chrono::hours{hour} +
                   std::chrono::minutes{minute};
        }
    }
    throw StoreError("corrupt row: meeting local_start '" + text + "'");
}

// ---- SQL -------------------------------------------------------------------------------------

constexpr std::string_view kOutboxSelect = R"sql(
SELECT o.id, o.platform, o.conversation_id, o.user_id, o.direct, o.thread_id,
       o.recipient_member_id, o.lang, o.content, o.replaces_id, o.state, o.attempts,
       o.created_at, o.next_attempt_at, o.remote_id, o.last_error,
       CASE WHEN r.state = 'sent' THEN r.remote_id ELSE '' END, o.sealed
FROM outbox AS o LEFT JOIN outbox AS r ON r.id = o.replaces_id
)sql";

constexpr std::string_view kNetworkSelect =
    "SELECT id, name, theme, time_zone, meeting_cap, created_at, central_question, ambition "
    "FROM networks ";

constexpr std::string_view kMemberSelect = R"sql(
SELECT m.id, m.display_name, m.school_id, COALESCE(s.name, ''), m.language,
       m.active_network_id, m.created_at
FROM members AS m LEFT JOIN schools AS s ON s.id = m.school_id
)sql";

constexpr std::string_view kMeetingSelect = R"sql(
SELECT id, network_id, local_start, starts_at, duration_minutes, location, topic, status,
       created_at, revision
FROM meetings
)sql";

constexpr std::string_view kPendingSelect = R"sql(
SELECT id, member_id, network_id, kind, payload, created_at, expires_at, question_message_id
FROM pending_actions
)sql";

constexpr std::string_view kJobSelect = "SELECT id, kind, key, due_at, payload, state FROM jobs ";

constexpr std::string_view kReminderRuleSelect = R"sql(
SELECT id, network_id, kind, anchor, offset_days, time_of_day, audience, role, enabled, text,
       created_at
FROM reminder_rules
)sql";

constexpr std::string_view kRsvpSelect =
    "SELECT meeting_id, member_id, answer, reason, updated_at FROM rsvps ";

std::string sql(std::string_view select, std::string_view rest) {
    std::string text{select};
    text += ' ';
    text += rest;
    return text;
}

// ---- row readers -----------------------------------------------------------------------------

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

/// Reads the kMemberSelect columns; expertise is loaded separately.
Member read_member(const Query& query) {
    Member member;
    member.id = query.column_int(0);
    member.display_name = query.column_text(1);
    member.school_id = query.column_optional_int(2);
    member.school_name = query.column_text(3);
    const std::string language = query.column_text(4);
    if (!language.empty()) {
        member.language = decode(parse_lang(language), "language", language);
    }
    member.active_network_id = query.column_optional_int(5);
    member.created_at = query.column_instant(6);
    return member;
}

Membership read_membership(const Query& query, int first) {
    Membership membership;
    membership.network_id = query.column_int(first);
    membership.member_id = query.column_int(first + 1);
    const std::string role = query.column_text(first + 2);
    membership.role = decode(parse_role_code(role), "role", role);
    membership.joined_at = query.column_instant(first + 3);
    return membership;
}

Meeting read_meeting(const Query& query) {
    Meeting meeting;
    meeting.id = query.column_int(0);
    meeting.network_id = query.column_int(1);
    meeting.local_start = parse_local_start(query.column_text(2));
    meeting.starts_at = query.column_instant(3);
    meeting.duration_minutes = static_cast<int>(query.column_int(4));
    meeting.location = query.column_text(5);
    meeting.topic = query.column_text(6);
    const std::string status = query.column_text(7);
    meeting.status = decode(parse_meeting_status_code(status), "meeting status", status);
    meeting.created_at = query.column_instant(8);
    meeting.revision = static_cast<int>(query.column_int(9));
    return meeting;
}

PendingAction read_pending(const Query& query) {
    PendingAction pending;
    pending.id = query.column_int(0);
    pending.member_id = query.column_int(1);
    pending.network_id = query.column_optional_int(2).value_or(0);
    pending.kind = query.column_text(3);
    pending.payload = query.column_text(4);
    pending.created_at = query.column_instant(5);
    pending.expires_at = query.column_instant(6);
    pending.question_message_id = query.column_optional_int(7);
    return pending;
}

ReminderRule read_reminder_rule(const Query& query) {
    ReminderRule rule;
    rule.id = query.column_int(0);
    rule.network_id = query.column_int(1);
    const std::string kind = query.column_text(2);
    rule.kind = decode(parse_reminder_kind_code(kind), "reminder kind", kind);
    const std::string anchor = query.column_text(3);
    rule.anchor = decode(parse_reminder_anchor_code(anchor), "reminder anchor", anchor);
    rule.offset_days = static_cast<int>(query.column_int(4));
    rule.time_of_day = std::chrono::minutes{query.column_int(5)};
    const std::string audience = query.column_text(6);
    rule.audience = decode(parse_audience_code(audience), "audience", audience);
    const std::string role = query.column_text(7);
    rule.role = decode(parse_role_code(role), "role", role);
    rule.enabled = query.column_int(8) != 0;
    rule.text = query.column_text(9);
    rule.created_at = query.column_instant(10);
    return rule;
}

Rsvp read_rsvp(const Query& query) {
    Rsvp rsvp;
    rsvp.meeting_id = query.column_int(0);
    rsvp.member_id = query.column_int(1);
    const std::string answer = query.column_text(2);
    rsvp.answer = decode(parse_rsvp_answer_code(answer), "rsvp answer", answer);
    rsvp.reason = query.column_text(3);
    rsvp.updated_at = query.column_instant(4);
    return rsvp;
}

/// The smallest string greater than every string that starts with `prefix` (byte order, as
/// SQLite's BINARY collation compares): the prefix with its last byte below 0xFF incremented and
/// what follows it dropped. nullopt when there is none (an empty prefix, or only 0xFF bytes).
std::optional<std::string> key_prefix_end(std::string_view prefix) {
    std::string end{prefix};
    while (!end.empty()) {
        const auto last = static_cast<unsigned char>(end.back());
        if (last != 0xFF) {
            end.back() = static_cast<char>(last + 1);
            return end;
        }
        end.pop_back();
    }
    return std::nullopt;
}

Job read_job(const Query& query) {
    Job job;
    job.id = query.column_int(0);
    job.kind = query.column_text(1);
    job.key = query.column_text(2);
    job.due_at = query.column_instant(3);
    job.payload = query.column_text(4);
    const std::string state = query.column_text(5);
    job.state = decode(parse_job_state_code(state), "job state", state);
    return job;
}

// ---- opening ---------------------------------------------------------------------------------

void create_parent_directory(const std::string& path) {
    const std::filesystem::path parent = std::filesystem::path{path}.parent_path();
    if (parent.empty()) {
        return;
    }
    std::error_code error;
    std::filesystem::create_directories(parent, error);
    if (error) {
        throw StoreError("cannot create directory '" + parent.string() + "': " + error.message());
    }
}

Connection open_connection(const std::string& path) {
    if (path.empty()) {
        throw StoreError("no database path given (use a file path or \":memory:\")");
    }
    const bool in_memory = path == kMemoryPath;
    if (!in_memory) {
        create_parent_directory(path);
    }
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(
        path.c_str(), &raw,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
        nullptr);
    Connection db{raw};
    if (rc != SQLITE_OK) {
        throw_sqlite_error(db.get(), "cannot open");
    }
    sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);  // what PRAGMA busy_timeout sets
    if (!in_memory) {
        const std::string mode = query_text(db.get(), "PRAGMA journal_mode = WAL", "journal_mode");
        if (mode != "wal") {
            throw StoreError("journal_mode: WAL is not available (the database stays in '" + mode +
                             "' mode)");
        }
    }
    register_knowledge_search(db.get());  // before anything reads the knowledge base's index
    exec(db.get(), "PRAGMA foreign_keys = ON", "foreign_keys");
    if (query_text(db.get(), "PRAGMA foreign_keys", "foreign_keys") != "1") {
        throw StoreError("foreign_keys: this SQLite does not enforce foreign keys");
    }
    exec(db.get(), "PRAGMA synchronous = NORMAL", "synchronous");
    // Deleted rows are overwritten with zeros, not left in free pages: a removed message or
    // sealed ballot cannot be read back from the file.
    exec(db.get(), "PRAGMA secure_delete = ON", "secure_delete");
    // A bigger page cache (16 MB): the hot pages (inbox, outbox, members) are served without a
    // read() system call per page.
    exec(db.get(), "PRAGMA cache_size = -16384", "cache_size");
    // Statement journals (one per writing statement inside a savepoint) and sorts stay in memory
    // rather than in temporary files.
    exec(db.get(), "PRAGMA temp_store = MEMORY", "temp_store");
    return db;
}

/// Refuses databases this build cannot or must not migrate.
void check_database(sqlite3* db) {
    const int version = read_user_version(db);
    const int latest = latest_schema_version();
    if (version > latest) {
        throw StoreError("database was written by a newer version of leernetwerk (schema version " +
                         std::to_string(version) + "; this version knows up to " +
                         std::to_string(latest) + ")");
    }
    if (version == 0) {
        if (query_text(db, "SELECT count(*) FROM sqlite_master", "read schema") != "0") {
            throw StoreError("not a leernetwerk database (it has tables but no schema version)");
        }
        return;
    }
    const std::string application_id = query_text(db, "PRAGMA application_id", "application_id");
    if (application_id != std::to_string(kApplicationId)) {
        throw StoreError("not a leernetwerk database (application_id " + application_id + ")");
    }
}

}  // namespace

// ---- the store -------------------------------------------------------------------------------

std::vector<OutboxRow> SqliteStore::Impl::read_outbox_rows(Query& query) {
    std::vector<OutboxRow> rows;
    while (query.step()) {
        rows.push_back(read_outbox_row(query, sealing_key_));
    }
    return rows;
}

std::vector<Id> SqliteStore::Impl::sealed_rows_for(Id member_id) {
    Query query = this->query(
        "SELECT id, sealed FROM outbox WHERE sealed IS NOT NULL AND state <> 'sending'",
        "sealed rows of a member");
    std::vector<Id> ids;
    while (query.step()) {
        if (sealed_recipient(sealing_key_, query.column_blob(1)) == member_id) {
            ids.push_back(query.column_int(0));
        }
    }
    return ids;
}

std::vector<Member> SqliteStore::Impl::read_members(Query& query) {
    std::vector<Member> result;
    while (query.step()) {
        result.push_back(read_member(query));
    }
    return result;
}

std::string join_tags(const std::vector<std::string>& tags) {
    std::string joined;
    for (const std::string& tag : tags) {
        std::string clean{trim(tag)};
        std::replace(clean.begin(), clean.end(), '\n', ' ');
        std::replace(clean.begin(), clean.end(), '\r', ' ');
        if (clean.empty()) {
            continue;
        }
        if (!joined.empty()) {
            joined += '\n';
        }
        joined += clean;
    }
    return joined;
}

std::vector<std::string> split_tags(const std::string& joined) {
    std::vector<std::string> tags;
    if (joined.empty()) {
        return tags;
    }
    for (std::string& tag : split(joined, '\n')) {
        if (!tag.empty()) {
            tags.push_back(std::move(tag));
        }
    }
    return tags;
}

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

SqliteStore::~SqliteStore() = default;

std::unique_ptr<SqliteStore> SqliteStore::open(const std::string& path) {
    try {
        Connection connection = open_connection(path);
        check_database(connection.get());
        migrate(connection.get(), latest_schema_version());
        return std::unique_ptr<SqliteStore>(
            new SqliteStore(std::make_unique<Impl>(std::move(connection))));
    } catch (const StoreError& error) {
        throw StoreError("database '" + path + "': " + error.what());
    }
}

int SqliteStore::schema_version() {
    return latest_schema_version();
}

int SqliteStore::user_version() {
    return read_user_version(impl_->db());
}

void SqliteStore::transaction(const std::function<void()>& work) {
    if (impl_->in_transaction_) {
        throw StoreError("transaction: already in a transaction (transactions do not nest)");
    }
    // Prepared once and cached: a busy adapter opens many transactions a second.
    impl_->query("BEGIN IMMEDIATE", "transaction: begin").run();
    impl_->in_transaction_ = true;
    try {
        work();
        impl_->query("COMMIT", "transaction: commit").run();
    } catch (...) {
        impl_->in_transaction_ = false;
        impl_->compact_requested_ = false;
        if (sqlite3_get_autocommit(impl_->db()) == 0) {
            sqlite3_exec(impl_->db(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
        throw;
    }
    impl_->in_transaction_ = false;
    if (impl_->compact_requested_) {
        impl_->compact_requested_ = false;
        compact_after_commit();
    }
}

void SqliteStore::compact_after_commit() {
    if (impl_->in_transaction_) {
        impl_->compact_requested_ = true;
        return;
    }
    // TRUNCATE: every frame is copied into the database and the log file is cut to zero bytes,
    // so the versions of pages it held (who was written to, and when) are gone from the files.
    // A reader holding an old snapshot makes it return busy; it is asked again next time.
    int log_frames = 0;
    int copied = 0;
    const int rc = sqlite3_wal_checkpoint_v2(impl_->db(), nullptr, SQLITE_CHECKPOINT_TRUNCATE,
                                             &log_frames, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY && rc != SQLITE_LOCKED) {
        throw_sqlite_error(impl_->db(), "compact: wal checkpoint");
    }
}

void SqliteStore::savepoint(const std::function<void()>& work) {
    if (!impl_->in_transaction_) {
        throw StoreError("savepoint: only inside a transaction");
    }
    impl_->query("SAVEPOINT event", "savepoint: begin").run();
    try {
        work();
    } catch (...) {
        if (sqlite3_get_autocommit(impl_->db()) == 0) {
            sqlite3_exec(impl_->db(), "ROLLBACK TO event; RELEASE event", nullptr, nullptr,
                         nullptr);
        }
        throw;
    }
    impl_->query("RELEASE event", "savepoint: release").run();
}

// ---- inbox -----------------------------------------------------------------------------------

bool SqliteStore::remember_event(Platform platform, std::string_view event_id, Instant now) {
    Query query = impl_->query(
        "INSERT INTO inbox (platform, event_id, seen_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (platform, event_id) DO NOTHING",
        "remember_event");
    query.bind_text(1, platform_code(platform)).bind_text(2, event_id).bind_instant(3, now);
    return query.run() == 1;
}

int SqliteStore::prune_inbox(Instant before) {
    Query query = impl_->query("DELETE FROM inbox WHERE seen_at < ?1", "prune_inbox");
    query.bind_instant(1, before);
    return query.run();
}

int SqliteStore::prune_outbox(Instant before) {
    Query query = impl_->query(
        "DELETE FROM outbox WHERE (state = 'sent' AND sent_at < ?1) OR "
        "(state = 'failed' AND failed_at < ?1)",
        "prune_outbox");
    query.bind_instant(1, before);
    return query.run();
}

// ---- outbox ----------------------------------------------------------------------------------

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

std::vector<OutboxRow> SqliteStore::due_outbox(Platform platform, Instant now, int limit,
                                               Id after_id) {
    if (limit <= 0) {
        return {};
    }
    // An update waits while the message it replaces is still pending or sending. In id order, so
    // a conversation's messages go out as they were written (a retried row keeps its place);
    // the outbox_pending index serves the walk and the LIMIT ends it.
    static const std::string kSql = sql(kOutboxSelect, R"sql(
WHERE o.platform = ?1 AND o.state = 'pending' AND o.id > ?4 AND o.next_attempt_at <= ?2
  AND (r.id IS NULL OR r.state IN ('sent', 'failed'))
ORDER BY o.id
LIMIT ?3
)sql");
    Query query = impl_->query(kSql, "due_outbox");
    query.bind_text(1, platform_code(platform))
        .bind_instant(2, now)
        .bind_int(3, limit)
        .bind_int(4, after_id);
    return impl_->read_outbox_rows(query);
}

std::vector<OutboxRow> SqliteStore::outbox_in_state(Platform platform, OutboxState state) {
    static const std::string kSql =
        sql(kOutboxSelect, "WHERE o.platform = ?1 AND o.state = ?2 ORDER BY o.id");
    Query query = impl_->query(kSql, "outbox_in_state");
    query.bind_text(1, platform_code(platform)).bind_text(2, outbox_state_code(state));
    return impl_->read_outbox_rows(query);
}

std::optional<OutboxRow> SqliteStore::outbox_row(Id id) {
    static const std::string kSql = sql(kOutboxSelect, "WHERE o.id = ?1");
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
    static const std::string kSql =
        sql(kOutboxSelect, "WHERE o.platform = ?1 AND o.remote_id = ?2 ORDER BY o.id LIMIT 1");
    Query query = impl_->query(kSql, "outbox_row_by_remote_id");
    query.bind_text(1, platform_code(platform)).bind_text(2, remote_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_outbox_row(query, impl_->sealing_key_);
}

std::optional<std::string> SqliteStore::adapter_state(std::string_view key) {
    Query query = impl_->query("SELECT value FROM adapter_state WHERE key = ?1", "adapter_state");
    query.bind_text(1, key);
    if (!query.step()) {
        return std::nullopt;
    }
    return query.column_text(0);
}

void SqliteStore::set_adapter_state(std::string_view key, std::string_view value, Instant now) {
    Query query = impl_->query(
        "INSERT INTO adapter_state (key, value, updated_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        "set_adapter_state");
    query.bind_text(1, key).bind_text(2, value).bind_instant(3, now);
    query.run();
}

void SqliteStore::mark_outbox_sending(Id id, Instant now) {
    Query query = impl_->query(
        "UPDATE outbox SET state = 'sending', attempts = attempts + 1, last_attempt_at = ?2 "
        "WHERE id = ?1",
        "mark_outbox_sending");
    query.bind_int(1, id).bind_instant(2, now);
    Impl::require_changed(query.run(), "mark_outbox_sending", "outbox row", id);
}

void SqliteStore::mark_outbox_sent(Id id, std::string_view remote_id, Instant now) {
    Query query =
        impl_->query("UPDATE outbox SET state = 'sent', remote_id = ?2, sent_at = ?3 WHERE id = ?1",
                     "mark_outbox_sent");
    query.bind_int(1, id).bind_text(2, remote_id).bind_instant(3, now);
    Impl::require_changed(query.run(), "mark_outbox_sent", "outbox row", id);
}

void SqliteStore::mark_outbox_retry(Id id, Instant next_attempt, std::string_view error) {
    Query query = impl_->query(
        "UPDATE outbox SET state = 'pending', next_attempt_at = ?2, last_error = ?3 WHERE id = ?1",
        "mark_outbox_retry");
    query.bind_int(1, id).bind_instant(2, next_attempt).bind_text(3, error);
    Impl::require_changed(query.run(), "mark_outbox_retry", "outbox row", id);
}

void SqliteStore::mark_outbox_failed(Id id, std::string_view error, Instant now) {
    Query query = impl_->query(
        "UPDATE outbox SET state = 'failed', last_error = ?2, failed_at = ?3 WHERE id = ?1",
        "mark_outbox_failed");
    query.bind_int(1, id).bind_text(2, error).bind_instant(3, now);
    Impl::require_changed(query.run(), "mark_outbox_failed", "outbox row", id);
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

int SqliteStore::outbox_depth(Platform platform) {
    Query query = impl_->query(
        "SELECT count(*) FROM outbox WHERE platform = ?1 AND state IN ('pending', 'sending')",
        "outbox_depth");
    query.bind_text(1, platform_code(platform));
    query.step();
    return static_cast<int>(query.column_int(0));
}

// ---- networks and conversations --------------------------------------------------------------

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
    static const std::string kSql = sql(kNetworkSelect, "WHERE id = ?1");
    Query query = impl_->query(kSql, "network");
    query.bind_int(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_network(query);
}

std::optional<Network> SqliteStore::find_network_by_name(std::string_view name) {
    static const std::string kSql = sql(kNetworkSelect, "WHERE name_key = ?1");
    Query query = impl_->query(kSql, "find_network_by_name");
    query.bind_text(1, fold(name));
    if (!query.step()) {
        return std::nullopt;
    }
    return read_network(query);
}

std::vector<Network> SqliteStore::networks() {
    static const std::string kSql = sql(kNetworkSelect, "ORDER BY name_key, id");
    Query query = impl_->query(kSql, "networks");
    std::vector<Network> result;
    while (query.step()) {
        result.push_back(read_network(query));
    }
    return result;
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

// ---- schools and members ---------------------------------------------------------------------

Id SqliteStore::school_id(std::string_view name) {
    // The no-op update makes RETURNING yield the existing row; the first spelling is kept.
    Query query = impl_->query(
        "INSERT INTO schools (name, name_key) VALUES (?1, ?2) "
        "ON CONFLICT (name_key) DO UPDATE SET name = name RETURNING id",
        "school_id");
    query.bind_text(1, trim(name)).bind_text(2, fold(name));
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

Id SqliteStore::create_member(const Member& member) {
    Atomic atomic{impl_->db(), "create_member"};
    Id id = 0;
    {
        Query query = impl_->query(
            "INSERT INTO members (display_name, name_key, school_id, language, "
            "active_network_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
            "create_member");
        query.bind_text(1, member.display_name)
            .bind_text(2, fold(member.display_name))
            .bind_optional_int(3, member.school_id)
            .bind_optional_int(5, member.active_network_id)
            .bind_instant(6, member.created_at);
        if (member.language) {
            query.bind_text(4, lang_code(*member.language));
        }
        query.step();
        id = query.column_int(0);
        query.run();
    }
    set_member_expertise(id, member.expertise);
    atomic.commit();
    return id;
}

std::optional<Member> SqliteStore::member(Id id) {
    static const std::string kSql = sql(kMemberSelect, "WHERE m.id = ?1");
    std::optional<Member> result;
    {
        Query query = impl_->query(kSql, "member");
        query.bind_int(1, id);
        if (!query.step()) {
            return std::nullopt;
        }
        result = read_member(query);
    }
    impl_->load_expertise(*result);
    return result;
}

std::optional<Member> SqliteStore::member_by_identity(Platform platform, std::string_view user_id) {
    static const std::string kSql =
        sql(kMemberSelect,
            "JOIN identities AS i ON i.member_id = m.id WHERE i.platform = ?1 AND i.user_id = ?2");
    std::optional<Member> result;
    {
        Query query = impl_->query(kSql, "member_by_identity");
        query.bind_text(1, platform_code(platform)).bind_text(2, user_id);
        if (!query.step()) {
            return std::nullopt;
        }
        result = read_member(query);
    }
    impl_->load_expertise(*result);
    return result;
}

std::vector<Member> SqliteStore::members() {
    static const std::string kSql = sql(kMemberSelect, "ORDER BY m.name_key, m.id");
    std::vector<Member> result;
    {
        Query query = impl_->query(kSql, "members");
        result = impl_->read_members(query);
    }
    for (Member& member : result) {
        impl_->load_expertise(member);
    }
    return result;
}

void SqliteStore::set_member_school(Id member_id, std::optional<Id> school_id) {
    Query query =
        impl_->query("UPDATE members SET school_id = ?2 WHERE id = ?1", "set_member_school");
    query.bind_int(1, member_id).bind_optional_int(2, school_id);
    Impl::require_changed(query.run(), "set_member_school", "member", member_id);
}

void SqliteStore::set_member_language(Id member_id, std::optional<Lang> language) {
    Query query =
        impl_->query("UPDATE members SET language = ?2 WHERE id = ?1", "set_member_language");
    query.bind_int(1, member_id);
    if (language) {
        query.bind_text(2, lang_code(*language));
    }
    Impl::require_changed(query.run(), "set_member_language", "member", member_id);
}

void SqliteStore::set_member_display_name(Id member_id, std::string_view name) {
    Query query = impl_->query("UPDATE members SET display_name = ?2 WHERE id = ?1",
                               "set_member_display_name");
    query.bind_int(1, member_id).bind_text(2, name);
    Impl::require_changed(query.run(), "set_member_display_name", "member", member_id);
}

void SqliteStore::set_member_expertise(Id member_id, const std::vector<std::string>& tags) {
    Atomic atomic{impl_->db(), "set_member_expertise"};
    impl_->require_member(member_id, "set_member_expertise");
    {
        Query query = impl_->query("DELETE FROM member_expertise WHERE member_id = ?1",
                                   "set_member_expertise");
        query.bind_int(1, member_id);
        query.run();
    }
    for (std::size_t position = 0; position < tags.size(); ++position) {
        Query query = impl_->query(
            "INSERT INTO member_expertise (member_id, position, tag, tag_key) "
            "VALUES (?1, ?2, ?3, ?4)",
            "set_member_expertise");
        query.bind_int(1, member_id)
            .bind_int(2, static_cast<std::int64_t>(position))
            .bind_text(3, tags[position])
            .bind_text(4, fold(tags[position]));
        query.run();
    }
    atomic.commit();
}

void SqliteStore::set_active_network(Id member_id, std::optional<Id> network_id) {
    Query query = impl_->query("UPDATE members SET active_network_id = ?2 WHERE id = ?1",
                               "set_active_network");
    query.bind_int(1, member_id).bind_optional_int(2, network_id);
    Impl::require_changed(query.run(), "set_active_network", "member", member_id);
}

void SqliteStore::link_identity(const Identity& identity) {
    Query query = impl_->query(
        "INSERT INTO identities (platform, user_id, member_id) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (platform, user_id) DO UPDATE SET member_id = excluded.member_id",
        "link_identity");
    query.bind_text(1, platform_code(identity.platform))
        .bind_text(2, identity.user_id)
        .bind_int(3, identity.member_id);
    query.run();
}

std::vector<Identity> SqliteStore::identities_of(Id member_id) {
    Query query = impl_->query(
        "SELECT platform, user_id, member_id FROM identities WHERE member_id = ?1 "
        "ORDER BY platform, user_id",
        "identities_of");
    query.bind_int(1, member_id);
    std::vector<Identity> result;
    while (query.step()) {
        Identity identity;
        const std::string platform = query.column_text(0);
        identity.platform = decode(parse_platform_code(platform), "platform", platform);
        identity.user_id = query.column_text(1);
        identity.member_id = query.column_int(2);
        result.push_back(std::move(identity));
    }
    return result;
}

// ---- memberships -----------------------------------------------------------------------------

void SqliteStore::add_membership(const Membership& membership) {
    // At most one current row per (network, member): a member already in keeps their joined_at.
    Query query = impl_->query(
        "INSERT INTO memberships (network_id, member_id, role, joined_at) "
        "VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (network_id, member_id) WHERE left_at IS NULL "
        "DO UPDATE SET role = excluded.role",
        "add_membership");
    query.bind_int(1, membership.network_id)
        .bind_int(2, membership.member_id)
        .bind_text(3, role_code(membership.role))
        .bind_instant(4, membership.joined_at);
    query.run();
}

void SqliteStore::end_membership(Id network_id, Id member_id, Instant now) {
    Query query = impl_->query(
        "UPDATE memberships SET left_at = ?3 "
        "WHERE network_id = ?1 AND member_id = ?2 AND left_at IS NULL",
        "end_membership");
    query.bind_int(1, network_id).bind_int(2, member_id).bind_instant(3, now);
    query.run();
}

std::optional<Membership> SqliteStore::membership(Id network_id, Id member_id) {
    Query query = impl_->query(
        "SELECT network_id, member_id, role, joined_at FROM memberships "
        "WHERE network_id = ?1 AND member_id = ?2 AND left_at IS NULL",
        "membership");
    query.bind_int(1, network_id).bind_int(2, member_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_membership(query, 0);
}

std::vector<Membership> SqliteStore::memberships_of(Id member_id) {
    Query query = impl_->query(
        "SELECT network_id, member_id, role, joined_at FROM memberships "
        "WHERE member_id = ?1 AND left_at IS NULL ORDER BY joined_at, network_id",
        "memberships_of");
    query.bind_int(1, member_id);
    std::vector<Membership> result;
    while (query.step()) {
        result.push_back(read_membership(query, 0));
    }
    return result;
}

std::vector<RosterEntry> SqliteStore::roster(Id network_id) {
    // The kMemberSelect columns, then the membership's from column 7.
    constexpr std::string_view kSql = R"sql(
SELECT m.id, m.display_name, m.school_id, COALESCE(s.name, ''), m.language,
       m.active_network_id, m.created_at,
       ms.network_id, ms.member_id, ms.role, ms.joined_at
FROM memberships AS ms
JOIN members AS m ON m.id = ms.member_id
LEFT JOIN schools AS s ON s.id = m.school_id
WHERE ms.network_id = ?1 AND ms.left_at IS NULL
ORDER BY m.name_key, m.id
)sql";
    std::vector<RosterEntry> result;
    {
        Query query = impl_->query(kSql, "roster");
        query.bind_int(1, network_id);
        while (query.step()) {
            result.push_back({read_member(query), read_membership(query, 7)});
        }
    }
    for (RosterEntry& entry : result) {
        impl_->load_expertise(entry.member);
    }
    return result;
}

// ---- meetings and café weeks -----------------------------------------------------------------

Id SqliteStore::create_meeting(const Meeting& meeting) {
    Atomic atomic{impl_->db(), "create_meeting"};
    Id id = 0;
    {
        Query query = impl_->query(R"sql(
INSERT INTO meetings (network_id, local_start, starts_at, duration_minutes, location, topic,
                      status, created_at, revision)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
RETURNING id
)sql",
                                   "create_meeting");
        query.bind_int(1, meeting.network_id)
            .bind_text(2, format_local_start(meeting.local_start))
            .bind_instant(3, meeting.starts_at)
            .bind_int(4, meeting.duration_minutes)
            .bind_text(5, meeting.location)
            .bind_text(6, meeting.topic)
            .bind_text(7, meeting_status_code(meeting.status))
            .bind_instant(8, meeting.created_at)
            .bind_int(9, meeting.revision);
        query.step();
        id = query.column_int(0);
        query.run();
    }
    impl_->insert_preparers(meeting, id, "create_meeting");
    atomic.commit();
    return id;
}

void SqliteStore::update_meeting(const Meeting& meeting) {
    Atomic atomic{impl_->db(), "update_meeting"};
    {
        Query query = impl_->query(R"sql(
UPDATE meetings SET network_id = ?2, local_start = ?3, starts_at = ?4, duration_minutes = ?5,
                    location = ?6, topic = ?7, status = ?8, created_at = ?9, revision = ?10
WHERE id = ?1
)sql",
                                   "update_meeting");
        query.bind_int(1, meeting.id)
            .bind_int(2, meeting.network_id)
            .bind_text(3, format_local_start(meeting.local_start))
            .bind_instant(4, meeting.starts_at)
            .bind_int(5, meeting.duration_minutes)
            .bind_text(6, meeting.location)
            .bind_text(7, meeting.topic)
            .bind_text(8, meeting_status_code(meeting.status))
            .bind_instant(9, meeting.created_at)
            .bind_int(10, meeting.revision);
        Impl::require_changed(query.run(), "update_meeting", "meeting", meeting.id);
    }
    {
        Query query =
            impl_->query("DELETE FROM meeting_preparers WHERE meeting_id = ?1", "update_meeting");
        query.bind_int(1, meeting.id);
        query.run();
    }
    impl_->insert_preparers(meeting, meeting.id, "update_meeting");
    atomic.commit();
}

std::optional<Meeting> SqliteStore::meeting(Id id) {
    static const std::string kSql = sql(kMeetingSelect, "WHERE id = ?1");
    std::optional<Meeting> result;
    {
        Query query = impl_->query(kSql, "meeting");
        query.bind_int(1, id);
        if (!query.step()) {
            return std::nullopt;
        }
        result = read_meeting(query);
    }
    impl_->load_preparers(*result);
    return result;
}

std::vector<Meeting> SqliteStore::meetings_of(Id network_id) {
    static const std::string kSql =
        sql(kMeetingSelect, "WHERE network_id = ?1 ORDER BY starts_at, id");
    std::vector<Meeting> result;
    {
        Query query = impl_->query(kSql, "meetings_of");
        query.bind_int(1, network_id);
        while (query.step()) {
            result.push_back(read_meeting(query));
        }
    }
    for (Meeting& meeting : result) {
        impl_->load_preparers(meeting);
    }
    return result;
}

void SqliteStore::set_cafe_weeks(int school_year, const std::vector<CafeWeek>& weeks) {
    Atomic atomic{impl_->db(), "set_cafe_weeks"};
    {
        Query query =
            impl_->query("DELETE FROM cafe_weeks WHERE school_year = ?1", "set_cafe_weeks");
        query.bind_int(1, school_year);
        query.run();
    }
    for (const CafeWeek& week : weeks) {
        // The school year comes from the argument; a week listed twice is kept once.
        Query query = impl_->query(
            "INSERT INTO cafe_weeks (school_year, iso_year, iso_week) VALUES (?1, ?2, ?3) "
            "ON CONFLICT DO NOTHING",
            "set_cafe_weeks");
        query.bind_int(1, school_year).bind_int(2, week.iso_year).bind_int(3, week.iso_week);
        query.run();
    }
    atomic.commit();
}

std::vector<CafeWeek> SqliteStore::cafe_weeks(int school_year) {
    Query query = impl_->query(
        "SELECT school_year, iso_year, iso_week FROM cafe_weeks WHERE school_year = ?1 "
        "ORDER BY iso_year, iso_week",
        "cafe_weeks");
    query.bind_int(1, school_year);
    std::vector<CafeWeek> result;
    while (query.step()) {
        result.push_back({static_cast<int>(query.column_int(0)),
                          static_cast<int>(query.column_int(1)),
                          static_cast<unsigned>(query.column_int(2))});
    }
    return result;
}

// ---- pending actions -------------------------------------------------------------------------

Id SqliteStore::create_pending(const PendingAction& pending) {
    Query query = impl_->query(R"sql(
INSERT INTO pending_actions (member_id, network_id, kind, payload, created_at, expires_at,
                             question_message_id)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
RETURNING id
)sql",
                               "create_pending");
    query.bind_int(1, pending.member_id)
        .bind_optional_int(2, id_or_null(pending.network_id))
        .bind_text(3, pending.kind)
        .bind_text(4, pending.payload)
        .bind_instant(5, pending.created_at)
        .bind_instant(6, pending.expires_at)
        .bind_optional_int(7, pending.question_message_id);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

std::optional<PendingAction> SqliteStore::pending(Id id) {
    static const std::string kSql = sql(kPendingSelect, "WHERE id = ?1");
    Query query = impl_->query(kSql, "pending");
    query.bind_int(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_pending(query);
}

std::vector<PendingAction> SqliteStore::pending_of_member(Id member_id) {
    static const std::string kSql = sql(kPendingSelect, "WHERE member_id = ?1 ORDER BY id");
    Query query = impl_->query(kSql, "pending_of_member");
    query.bind_int(1, member_id);
    std::vector<PendingAction> out;
    while (query.step()) {
        out.push_back(read_pending(query));
    }
    return out;
}

void SqliteStore::set_pending_question(Id pending_id, Id message_id) {
    Query query = impl_->query("UPDATE pending_actions SET question_message_id = ?2 WHERE id = ?1",
                               "set_pending_question");
    query.bind_int(1, pending_id).bind_int(2, message_id);
    Impl::require_changed(query.run(), "set_pending_question", "pending action", pending_id);
}

void SqliteStore::delete_pending(Id id) {
    Query query = impl_->query("DELETE FROM pending_actions WHERE id = ?1", "delete_pending");
    query.bind_int(1, id);
    query.run();
}

// ---- reminder rules and RSVPs ----------------------------------------------------------------

std::vector<ReminderRule> SqliteStore::reminder_rules(Id network_id) {
    static const std::string kSql = sql(kReminderRuleSelect, "WHERE network_id = ?1 ORDER BY id");
    Query query = impl_->query(kSql, "reminder_rules");
    query.bind_int(1, network_id);
    std::vector<ReminderRule> result;
    while (query.step()) {
        result.push_back(read_reminder_rule(query));
    }
    return result;
}

std::optional<ReminderRule> SqliteStore::reminder_rule(Id id) {
    static const std::string kSql = sql(kReminderRuleSelect, "WHERE id = ?1");
    Query query = impl_->query(kSql, "reminder_rule");
    query.bind_int(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_reminder_rule(query);
}

Id SqliteStore::create_reminder_rule(const ReminderRule& rule) {
    Query query = impl_->query(R"sql(
INSERT INTO reminder_rules (network_id, kind, anchor, offset_days, time_of_day, audience, role,
                            enabled, text, created_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
RETURNING id
)sql",
                               "create_reminder_rule");
    query.bind_int(1, rule.network_id)
        .bind_text(2, reminder_kind_code(rule.kind))
        .bind_text(3, reminder_anchor_code(rule.anchor))
        .bind_int(4, rule.offset_days)
        .bind_int(5, rule.time_of_day.count())
        .bind_text(6, audience_code(rule.audience))
        .bind_text(7, role_code(rule.role))
        .bind_int(8, rule.enabled ? 1 : 0)
        .bind_text(9, rule.text)
        .bind_instant(10, rule.created_at);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

void SqliteStore::update_reminder_rule(const ReminderRule& rule) {
    Query query = impl_->query(R"sql(
UPDATE reminder_rules SET kind = ?2, anchor = ?3, offset_days = ?4, time_of_day = ?5,
                          audience = ?6, role = ?7, enabled = ?8, text = ?9
WHERE id = ?1
)sql",
                               "update_reminder_rule");
    query.bind_int(1, rule.id)
        .bind_text(2, reminder_kind_code(rule.kind))
        .bind_text(3, reminder_anchor_code(rule.anchor))
        .bind_int(4, rule.offset_days)
        .bind_int(5, rule.time_of_day.count())
        .bind_text(6, audience_code(rule.audience))
        .bind_text(7, role_code(rule.role))
        .bind_int(8, rule.enabled ? 1 : 0)
        .bind_text(9, rule.text);
    Impl::require_changed(query.run(), "update_reminder_rule", "reminder rule", rule.id);
}

void SqliteStore::delete_reminder_rule(Id id) {
    Query query = impl_->query("DELETE FROM reminder_rules WHERE id = ?1", "delete_reminder_rule");
    query.bind_int(1, id);
    query.run();
}

void SqliteStore::set_rsvp(const Rsvp& rsvp) {
    Query query = impl_->query(
        "INSERT INTO rsvps (meeting_id, member_id, answer, reason, updated_at) "
        "VALUES (?1, ?2, ?3, ?4, ?5) "
        "ON CONFLICT (meeting_id, member_id) DO UPDATE SET answer = excluded.answer, "
        "reason = excluded.reason, updated_at = excluded.updated_at",
        "set_rsvp");
    query.bind_int(1, rsvp.meeting_id)
        .bind_int(2, rsvp.member_id)
        .bind_text(3, rsvp_answer_code(rsvp.answer))
        .bind_text(4, rsvp.reason)
        .bind_instant(5, rsvp.updated_at);
    query.run();
}

std::vector<Rsvp> SqliteStore::rsvps_of(Id meeting_id) {
    static const std::string kSql =
        sql(kRsvpSelect, "WHERE meeting_id = ?1 ORDER BY updated_at, member_id");
    Query query = impl_->query(kSql, "rsvps_of");
    query.bind_int(1, meeting_id);
    std::vector<Rsvp> result;
    while (query.step()) {
        result.push_back(read_rsvp(query));
    }
    return result;
}

std::vector<Rsvp> SqliteStore::rsvps_of_member(Id member_id) {
    static const std::string kSql =
        sql(kRsvpSelect, "WHERE member_id = ?1 ORDER BY updated_at, meeting_id");
    Query query = impl_->query(kSql, "rsvps_of_member");
    query.bind_int(1, member_id);
    std::vector<Rsvp> result;
    while (query.step()) {
        result.push_back(read_rsvp(query));
    }
    return result;
}

void SqliteStore::clear_rsvps(Id meeting_id) {
    Query query = impl_->query("DELETE FROM rsvps WHERE meeting_id = ?1", "clear_rsvps");
    query.bind_int(1, meeting_id);
    query.run();
}

// ---- scheduler -------------------------------------------------------------------------------

Id SqliteStore::schedule_job(const Job& job) {
    // Scheduling an existing (kind, key) again moves it and makes it due, whatever its state.
    Query query = impl_->query(
        "INSERT INTO jobs (kind, key, due_at, payload, state) VALUES (?1, ?2, ?3, ?4, 'due') "
        "ON CONFLICT (kind, key) DO UPDATE SET due_at = excluded.due_at, "
        "payload = excluded.payload, state = 'due' "
        "RETURNING id",
        "schedule_job");
    query.bind_text(1, job.kind)
        .bind_text(2, job.key)
        .bind_instant(3, job.due_at)
        .bind_text(4, job.payload);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

std::vector<Job> SqliteStore::due_jobs(Instant now, int limit) {
    if (limit <= 0) {
        return {};
    }
    static const std::string kSql =
        sql(kJobSelect, "WHERE state = 'due' AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2");
    Query query = impl_->query(kSql, "due_jobs");
    query.bind_instant(1, now).bind_int(2, limit);
    std::vector<Job> result;
    while (query.step()) {
        result.push_back(read_job(query));
    }
    return result;
}

void SqliteStore::finish_job(Id id) {
    Query query = impl_->query("UPDATE jobs SET state = ?2 WHERE id = ?1", "finish_job");
    query.bind_int(1, id).bind_text(2, job_state_code(JobState::done));
    Impl::require_changed(query.run(), "finish_job", "job", id);
}

void SqliteStore::cancel_job(std::string_view kind, std::string_view key) {
    Query query = impl_->query(
        "UPDATE jobs SET state = 'cancelled' WHERE kind = ?1 AND key = ?2 AND state = 'due'",
        "cancel_job");
    query.bind_text(1, kind).bind_text(2, key);
    query.run();
}

std::optional<Job> SqliteStore::job(std::string_view kind, std::string_view key) {
    static const std::string kSql = sql(kJobSelect, "WHERE kind = ?1 AND key = ?2");
    Query query = impl_->query(kSql, "job");
    query.bind_text(1, kind).bind_text(2, key);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_job(query);
}

std::vector<Job> SqliteStore::jobs_with_key_prefix(std::string_view kind,
                                                   std::string_view key_prefix) {
    // A range on the UNIQUE (kind, key) index: prefix <= key < the prefix's end. No LIKE or GLOB,
    // whose wildcards a key may contain and which do not use the index.
    static const std::string kBoundedSql =
        sql(kJobSelect, "WHERE kind = ?1 AND key >= ?2 AND key < ?3 ORDER BY key");
    static const std::string kOpenSql =
        sql(kJobSelect, "WHERE kind = ?1 AND key >= ?2 ORDER BY key");
    const std::optional<std::string> end = key_prefix_end(key_prefix);
    Query query = impl_->query(end ? kBoundedSql : kOpenSql, "jobs_with_key_prefix");
    query.bind_text(1, kind).bind_text(2, key_prefix);
    if (end) {
        query.bind_text(3, *end);
    }
    std::vector<Job> result;
    while (query.step()) {
        result.push_back(read_job(query));
    }
    return result;
}

std::optional<Instant> SqliteStore::next_job_due() {
    // Served by the jobs_due (state, due_at) index: one step to its first 'due' entry.
    Query query = impl_->query("SELECT min(due_at) FROM jobs WHERE state = 'due'", "next_job_due");
    query.step();  // an aggregate: always one row, NULL when no job is due
    if (!query.column_optional_int(0)) {
        return std::nullopt;
    }
    return query.column_instant(0);
}

}  // namespace leernetwerk::storage
