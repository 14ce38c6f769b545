#pragma once
// Internal to storage/sqlite: the SqliteStore's connection and statement cache, and the row
// readers and SELECTs more than one file needs, shared by the files that implement its parts
// (sqlite_store.cpp for opening and the unit of work, and one file per repository, e.g. polls.cpp).
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <sqlite3.h>

#include "storage/sqlite/sqlite_store.hpp"
#include "storage/sqlite/statement.hpp"

namespace leernetwerk::storage {

struct ConnectionCloser {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Connection = std::unique_ptr<sqlite3, ConnectionCloser>;

/// A code read from the database that the code does not know: the row is corrupt.
template <typename Enum>
Enum decode(std::optional<Enum> value, std::string_view what, const std::string& code) {
    if (!value) {
        throw StoreError("corrupt row: unknown " + std::string{what} + " '" + code + "'");
    }
    return *value;
}

inline std::optional<std::int64_t> id_or_null(Id id) {
    return id != 0 ? std::optional<std::int64_t>{id} : std::nullopt;
}

/// Tags as one column: one per line; a line break inside a tag becomes a space, and empty tags
/// are left out (knowledge entries, questions).
std::string join_tags(const std::vector<std::string>& tags);
std::vector<std::string> split_tags(const std::string& joined);

/// A SELECT (one of the k*Select below or in a repository's file) followed by the rest of a query.
inline std::string select_sql(std::string_view select, std::string_view rest) {
    std::string text{select};
    text += ' ';
    text += rest;
    return text;
}

/// The columns read_outbox_row reads (outbox.cpp), with the remote id of the message a row
/// replaces once that one was sent (outbox.cpp, delivery_store.cpp).
inline constexpr std::string_view kOutboxSelect = R"sql(
SELECT o.id, o.platform, o.conversation_id, o.user_id, o.direct, o.thread_id,
       o.recipient_member_id, o.lang, o.content, o.replaces_id, o.state, o.attempts,
       o.created_at, o.next_attempt_at, o.remote_id, o.last_error,
       CASE WHEN r.state = 'sent' THEN r.remote_id ELSE '' END, o.sealed
FROM outbox AS o LEFT JOIN outbox AS r ON r.id = o.replaces_id
)sql";

/// The columns read_rsvp reads (reminders.cpp, personal_data.cpp).
inline constexpr std::string_view kRsvpSelect =
    "SELECT meeting_id, member_id, answer, reason, updated_at FROM rsvps ";
Rsvp read_rsvp(const Query& query);

/// Reads the members columns of a SELECT (members.cpp; also the roster in memberships.cpp);
/// expertise is loaded separately.
Member read_member(const Query& query);

/// The member a sealed outbox row is for (0: a group, or it cannot be opened with `key`).
Id sealed_recipient(const std::string& key, const std::string& sealed);

// ---- the store's state -------------------------------------------------------------------------

struct SqliteStore::Impl {
    explicit Impl(Connection connection)
        : connection_(std::move(connection)), statements_(connection_.get()) {}

    sqlite3* db() const { return connection_.get(); }
    Query query(std::string_view sql, std::string_view operation) {
        return Query{statements_, sql, operation};
    }

    /// Throws when an update by id touched no row: the caller holds an id that does not exist.
    static void require_changed(int changes, std::string_view operation, std::string_view what,
                                Id id) {
        if (changes == 0) {
            throw StoreError(std::string{operation} + ": no " + std::string{what} + " with id " +
                             std::to_string(id));
        }
    }

    void require_member(Id member_id, std::string_view operation) {
        Query query = this->query("SELECT 1 FROM members WHERE id = ?1", operation);
        query.bind_int(1, member_id);
        if (!query.step()) {
            require_changed(0, operation, "member", member_id);
        }
    }

    void load_expertise(Member& member) {
        Query query =
            this->query("SELECT tag FROM member_expertise WHERE member_id = ?1 ORDER BY position",
                        "read member expertise");
        query.bind_int(1, member.id);
        while (query.step()) {
            member.expertise.push_back(query.column_text(0));
        }
    }

    void load_preparers(Meeting& meeting) {
        Query query = this->query(
            "SELECT member_id FROM meeting_preparers WHERE meeting_id = ?1 ORDER BY position",
            "read meeting preparers");
        query.bind_int(1, meeting.id);
        while (query.step()) {
            meeting.preparer_ids.push_back(query.column_int(0));
        }
    }

    void insert_preparers(const Meeting& meeting, Id meeting_id, std::string_view operation) {
        for (std::size_t position = 0; position < meeting.preparer_ids.size(); ++position) {
            Query query = this->query(
                "INSERT INTO meeting_preparers (meeting_id, position, member_id) "
                "VALUES (?1, ?2, ?3)",
                operation);
            query.bind_int(1, meeting_id)
                .bind_int(2, static_cast<std::int64_t>(position))
                .bind_int(3, meeting.preparer_ids[position]);
            query.run();
        }
    }

    /// The next number members of a network see for a kind of item ("poll", "question",
    /// "agenda_item", "knowledge"; table network_numbers): one more than the last one ever given
    /// there, so a removed item's number is never given again, and no network's numbers say how
    /// many items another has.
    int next_number(Id network_id, std::string_view kind) {
        Query query = this->query(R"sql(
INSERT INTO network_numbers (network_id, kind, last) VALUES (?1, ?2, 1)
ON CONFLICT (network_id, kind) DO UPDATE SET last = last + 1
RETURNING last
)sql",
                                  "next number");
        query.bind_int(1, network_id).bind_text(2, kind);
        query.step();
        const auto number = static_cast<int>(query.column_int(0));
        query.run();
        return number;
    }

    /// The id `sql` finds for a network (?1) and a number (?2), if any.
    std::optional<Id> id_by_number(std::string_view sql, Id network_id, int number) {
        Query query = this->query(sql, "find by number");
        query.bind_int(1, network_id).bind_int(2, number);
        if (!query.step()) {
            return std::nullopt;
        }
        return query.column_int(0);
    }

    std::vector<OutboxRow> read_outbox_rows(Query& query);
    /// The ids of sealed outbox rows (not being sent) for this member.
    std::vector<Id> sealed_rows_for(Id member_id);
    std::vector<Member> read_members(Query& query);

    Connection connection_;      // declared first: closed last
    StatementCache statements_;  // finalized before the connection closes
    bool in_transaction_ = false;
    bool compact_requested_ = false;  ///< compact_after_commit() was called in this transaction
    std::string sealing_key_;         ///< of sealed outbox rows; empty until use_sealing_key
};

}  // namespace leernetwerk::storage
