#pragma once
// Helpers shared by the SqliteStore tests (storage_*_test.cpp, binary unit_storage): times, a
// temporary directory, a raw second connection, and small rows to store.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "storage/sqlite/content_json.hpp"
#include "storage/sqlite/fts_tokenizer.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace leernetwerk::storage_test {

using leernetwerk::storage::SqliteStore;

inline Instant at(std::int64_t seconds) {
    return Instant{std::chrono::seconds{seconds}};
}

inline LocalTime local(int year, unsigned month, unsigned day, int hour, int minute) {
    return LocalTime{date::local_days{date::year{year} / date::month{month} / date::day{day}}} +
           std::chrono::hours{hour} + std::chrono::minutes{minute};
}

/// A fresh directory under the system temp directory, removed with everything in it.
class TempDir {
public:
    TempDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "leernetwerk-storage-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

/// A second, raw connection to a database file: to look at what the store wrote, or to build
/// databases the store must open.
class RawDb {
public:
    explicit RawDb(const std::string& path) {
        if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) {
            throw std::runtime_error("cannot open " + path);
        }
        // Deleting a network cascades into the knowledge base's full-text index, which needs
        // its tokenizer on every connection.
        storage::register_knowledge_search(db_);
    }
    ~RawDb() { sqlite3_close(db_); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;

    sqlite3* get() const { return db_; }

    void exec(const std::string& sql) {
        char* error = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            const std::string message = error != nullptr ? error : "?";
            sqlite3_free(error);
            throw std::runtime_error(sql + ": " + message);
        }
    }

    /// The first column of the first row, as text ("" when there is no row).
    std::string text(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
        }
        std::string result;
        if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
            result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        }
        sqlite3_finalize(stmt);
        return result;
    }

    /// The details of EXPLAIN QUERY PLAN for a statement, one line per step.
    std::string plan(const std::string& sql) {
        sqlite3_stmt* stmt = nullptr;
        const std::string explain = "EXPLAIN QUERY PLAN " + sql;
        if (sqlite3_prepare_v2(db_, explain.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
        }
        std::string result;
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            result += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3));
            result += '\n';
        }
        sqlite3_finalize(stmt);
        return result;
    }

private:
    sqlite3* db_ = nullptr;
};

inline std::unique_ptr<SqliteStore> memory_store() {
    return SqliteStore::open(":memory:");
}

inline Id add_network(Store& store, const std::string& name) {
    Network network;
    network.name = name;
    network.theme = "thema " + name;
    network.created_at = at(1'000);
    return store.create_network(network);
}

inline Id add_member(Store& store, const std::string& name) {
    Member member;
    member.display_name = name;
    member.created_at = at(2'000);
    return store.create_member(member);
}

inline Id add_meeting(Store& store, Id network_id, int revision = 0) {
    Meeting meeting;
    meeting.network_id = network_id;
    meeting.local_start = local(2026, 3, 12, 15, 30);
    meeting.starts_at = at(1'773'325'800);
    meeting.created_at = at(1'770'000'000);
    meeting.revision = revision;
    return store.create_meeting(meeting);
}

inline OutboundMessage text_message(Platform platform, const std::string& text) {
    OutboundMessage message;
    message.to.platform = platform;
    message.to.conversation_id = "room-1";
    message.content = TextContent{text, {}};
    return message;
}

inline const std::string& markdown_of(const OutboxRow& row) {
    return std::get<TextContent>(row.message.content).markdown;
}

inline Content round_trip(Store& store, const Content& content) {
    OutboundMessage message = text_message(Platform::matrix, "");
    message.content = content;
    const Id id = store.append_outbox(message, at(10));
    const auto row = store.outbox_row(id);
    REQUIRE(row.has_value());
    return row->message.content;
}

}  // namespace leernetwerk::storage_test
