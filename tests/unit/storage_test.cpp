// SqliteStore: opening and migrating databases, and every part of the Store interface against a
// real SQLite database (":memory:", or a file in a fresh temporary directory).
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

namespace {

using namespace leernetwerk;
using Catch::Matchers::Contains;
using leernetwerk::storage::SqliteStore;

Instant at(std::int64_t seconds) {
    return Instant{std::chrono::seconds{seconds}};
}

LocalTime local(int year, unsigned month, unsigned day, int hour, int minute) {
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

std::unique_ptr<SqliteStore> memory_store() {
    return SqliteStore::open(":memory:");
}

Id add_network(Store& store, const std::string& name) {
    Network network;
    network.name = name;
    network.theme = "thema " + name;
    network.created_at = at(1'000);
    return store.create_network(network);
}

Id add_member(Store& store, const std::string& name) {
    Member member;
    member.display_name = name;
    member.created_at = at(2'000);
    return store.create_member(member);
}

Id add_meeting(Store& store, Id network_id, int revision = 0) {
    Meeting meeting;
    meeting.network_id = network_id;
    meeting.local_start = local(2026, 3, 12, 15, 30);
    meeting.starts_at = at(1'773'325'800);
    meeting.created_at = at(1'770'000'000);
    meeting.revision = revision;
    return store.create_meeting(meeting);
}

OutboundMessage text_message(Platform platform, const std::string& text) {
    OutboundMessage message;
    message.to.platform = platform;
    message.to.conversation_id = "room-1";
    message.content = TextContent{text, {}};
    return message;
}

const std::string& markdown_of(const OutboxRow& row) {
    return std::get<TextContent>(row.message.content).markdown;
}

Content round_trip(Store& store, const Content& content) {
    OutboundMessage message = text_message(Platform::matrix, "");
    message.content = content;
    const Id id = store.append_outbox(message, at(10));
    const auto row = store.outbox_row(id);
    REQUIRE(row.has_value());
    return row->message.content;
}

}  // namespace

// ---- opening and migrations ----------------------------------------------------------------

TEST_CASE("a fresh in-memory database is at the latest schema version", "[storage][open]") {
    auto store = memory_store();
    REQUIRE(SqliteStore::schema_version() >= 1);
    REQUIRE(SqliteStore::schema_version() == static_cast<int>(storage::migrations().size()));
    CHECK(store->user_version() == SqliteStore::schema_version());
    CHECK(store->networks().empty());
}

TEST_CASE("a file database is created with its directory, uses WAL and keeps its data",
          "[storage][open]") {
    TempDir dir;
    const std::string path = dir.file("nested/data/bot.db");
    Id network_id = 0;
    {
        auto store = SqliteStore::open(path);
        CHECK(store->user_version() == SqliteStore::schema_version());
        network_id = add_network(*store, "HSN-café Rekenen");
        const Id member_id = add_member(*store, "Anna de Vries");
        store->add_membership({network_id, member_id, Role::facilitator, at(3'000)});
    }
    REQUIRE(std::filesystem::exists(path));
    {
        auto store = SqliteStore::open(path);
        const auto network = store->network(network_id);
        REQUIRE(network.has_value());
        CHECK(network->name == "HSN-café Rekenen");
        CHECK(network->theme == "thema HSN-café Rekenen");
        const auto roster = store->roster(network_id);
        REQUIRE(roster.size() == 1);
        CHECK(roster[0].member.display_name == "Anna de Vries");
        CHECK(roster[0].membership.role == Role::facilitator);
    }
    RawDb raw{path};
    CHECK(raw.text("PRAGMA journal_mode") == "wal");
    CHECK(raw.text("PRAGMA application_id") == std::to_string(storage::kApplicationId));
}

TEST_CASE("a database at any earlier schema version is migrated with its data kept",
          "[storage][migrations]") {
    for (int version = 0; version < SqliteStore::schema_version(); ++version) {
        DYNAMIC_SECTION("from version " << version) {
            TempDir dir;
            const std::string path = dir.file("old.db");
            {
                RawDb raw{path};
                storage::migrate(raw.get(), version);
                REQUIRE(storage::read_user_version(raw.get()) == version);
                if (version >= 1) {
                    // Only columns of version 1: later steps must keep such rows readable.
                    raw.exec(
                        "INSERT INTO networks (id, name, name_key, theme, time_zone, "
                        "meeting_cap, created_at) VALUES (7, 'Oude Café', 'oude cafe', 'oud', "
                        "'Europe/Amsterdam', 3, 1234)");
                    raw.exec(
                        "INSERT INTO meetings (id, network_id, local_start, starts_at, "
                        "duration_minutes, location, topic, status, created_at) VALUES (21, 7, "
                        "'2025-11-13 15:30', 1763044200, 90, 'Aula', 'Oud', 'planned', 1300)");
                }
            }
            auto store = SqliteStore::open(path);
            CHECK(store->user_version() == SqliteStore::schema_version());
            if (version >= 1) {
                const auto network = store->find_network_by_name("oude café");
                REQUIRE(network.has_value());
                CHECK(network->id == 7);
                CHECK(network->meeting_cap == 3);
                CHECK(network->created_at == at(1234));
                // Version 4 added the revision: older meetings start at 0.
                const auto meeting = store->meeting(21);
                REQUIRE(meeting.has_value());
                CHECK(meeting->local_start == local(2025, 11, 13, 15, 30));
                CHECK(meeting->topic == "Oud");
                CHECK(meeting->revision == 0);
            } else {
                CHECK(store->networks().empty());
            }
        }
    }
}

TEST_CASE("a confirmation's id is never handed out again, also across the upgrade",
          "[storage][migrations][pending]") {
    TempDir dir;
    const std::string path = dir.file("old.db");
    {
        RawDb raw{path};
        storage::migrate(raw.get(), 8);
        raw.exec(
            "INSERT INTO members (id, display_name, name_key, created_at) "
            "VALUES (3, 'Anna', 'anna', 1)");
        raw.exec(
            "INSERT INTO pending_actions (id, member_id, kind, created_at, expires_at) "
            "VALUES (5, 3, 'plan_meeting', 1, 2)");
        // Confirmations 6 to 9 came and went; their expiry jobs remember them.
        raw.exec(
            "INSERT INTO jobs (kind, key, due_at, payload, state) "
            "VALUES ('pending_expiry', '9', 2, '', 'done')");
    }
    auto store = SqliteStore::open(path);
    const auto kept = store->pending(5);
    REQUIRE(kept);
    CHECK(kept->kind == "plan_meeting");
    PendingAction pending;
    pending.member_id = 3;
    pending.kind = "forget_me";
    pending.created_at = at(10);
    pending.expires_at = at(20);
    const auto next = store->create_pending(pending);
    CHECK(next == 10);
    store->delete_pending(next);
    store->delete_pending(5);
    CHECK(store->create_pending(pending) == 11);  // not 10 again, though the table is empty
}

TEST_CASE("the upgrade to numbers per network numbers existing rows in id order",
          "[storage][migrations][numbers]") {
    TempDir dir;
    const std::string path = dir.file("old.db");
    {
        RawDb raw{path};
        storage::migrate(raw.get(), 10);
        raw.exec(
            "INSERT INTO networks (id, name, name_key, time_zone, meeting_cap, created_at) VALUES "
            "(1, 'Eén', 'een', 'Europe/Amsterdam', 4, 1), "
            "(2, 'Twee', 'twee', 'Europe/Amsterdam', 4, 1)");
        raw.exec(
            "INSERT INTO members (id, display_name, name_key, created_at) "
            "VALUES (3, 'Anna', 'anna', 1)");
        // Ids as one global sequence would hand them out, the networks taking turns (id 4 is
        // gone: a removed row).
        for (const auto& [id, network] :
             std::vector<std::pair<int, int>>{{1, 1}, {2, 2}, {3, 1}, {5, 2}}) {
            raw.exec(
                "INSERT INTO polls (id, network_id, created_by, title, language, anonymous, live, "
                "deadline, audience, role, state, created_at) VALUES (" +
                std::to_string(id) + ", " + std::to_string(network) +
                ", 3, 'Peiling', 'nl', 1, 0, 100, 'network', 'participant', 'open', 1)");
        }
        for (const auto& [id, network] :
             std::vector<std::pair<int, int>>{{10, 2}, {11, 1}, {12, 2}}) {
            raw.exec(
                "INSERT INTO questions (id, network_id, asker_member_id, anonymous, confidential, "
                "text, status, created_at) VALUES (" +
                std::to_string(id) + ", " + std::to_string(network) +
                ", 3, 0, 0, 'Vraag', 'open', 1)");
        }
        for (const auto& [id, network] : std::vector<std::pair<int, int>>{{4, 1}, {6, 1}, {7, 2}}) {
            raw.exec(
                "INSERT INTO agenda_items (id, network_id, kind, text, status, position, "
                "created_at) VALUES (" +
                std::to_string(id) + ", " + std::to_string(network) +
                ", 'topic', 'Punt', 'proposed', " + std::to_string(id) + ", 1)");
        }
        for (const auto& [id, network] : std::vector<std::pair<int, int>>{{1, 1}, {2, 2}, {3, 1}}) {
            raw.exec(
                "INSERT INTO knowledge_entries (id, network_id, kind, title, status, created_at, "
                "updated_at, network_term) VALUES (" +
                std::to_string(id) + ", " + std::to_string(network) + ", 'note', 'Kennis " +
                std::to_string(id) + "', 'active', 1, 1, 'n" + std::to_string(network) + "')");
        }
        // Entry 2 (network 2's) is shared with network 1; entry 1 with network 2.
        raw.exec(
            "INSERT INTO knowledge_shares (entry_id, network_id, shared_at) "
            "VALUES (2, 1, 50), (1, 2, 40)");
    }
    auto store = SqliteStore::open(path);
    REQUIRE(store->user_version() == SqliteStore::schema_version());
    // Each network counts its own rows, in id order.
    CHECK(store->poll(1)->number == 1);
    CHECK(store->poll(3)->number == 2);
    CHECK(store->poll(2)->number == 1);
    CHECK(store->poll(5)->number == 2);
    CHECK(store->question(11)->number == 1);
    CHECK(store->question(10)->number == 1);
    CHECK(store->question(12)->number == 2);
    CHECK(store->agenda_item(4)->number == 1);
    CHECK(store->agenda_item(6)->number == 2);
    CHECK(store->agenda_item(7)->number == 1);
    CHECK(store->knowledge_entry(1)->number == 1);
    CHECK(store->knowledge_entry(3)->number == 2);
    CHECK(store->knowledge_entry(2)->number == 1);
    // A share is numbered after the network's own entries.
    CHECK(store->knowledge_number_in(2, 1) == 3);
    CHECK(store->knowledge_number_in(1, 2) == 2);
    CHECK(store->knowledge_number_in(3, 2) == std::nullopt);
    CHECK(store->knowledge_entry_by_number(1, 3)->id == 2);
    CHECK(store->knowledge_entry_by_number(2, 2)->id == 1);
    CHECK(store->poll_by_number(2, 2)->id == 5);
    CHECK(store->question_by_number(2, 2)->id == 12);
    CHECK(store->agenda_item_by_number(1, 2)->id == 6);
    CHECK_FALSE(store->poll_by_number(1, 3));

    // New items go on from each network's last number.
    Poll poll;
    poll.network_id = 1;
    poll.title = "Nieuw";
    poll.created_at = at(2);
    poll.deadline = at(200);
    CHECK(store->poll(store->create_poll(poll))->number == 3);
    poll.network_id = 2;
    CHECK(store->poll(store->create_poll(poll))->number == 3);
    Question question;
    question.network_id = 1;
    question.asker_member_id = 3;
    question.text = "Nieuwe vraag";
    question.created_at = at(2);
    CHECK(store->question(store->create_question(question))->number == 2);
    AgendaItem item;
    item.network_id = 2;
    item.text = "Nieuw punt";
    item.created_at = at(2);
    const auto item_id = store->create_agenda_item(item);
    CHECK(store->agenda_item(item_id)->number == 2);
    KnowledgeEntry entry;
    entry.network_id = 2;
    entry.title = "Nieuwe kennis";
    entry.created_at = at(2);
    entry.updated_at = at(2);
    const auto entry_id = store->create_knowledge_entry(entry);
    CHECK(store->knowledge_entry(entry_id)->number == 3);  // after the share's 2
    store->share_knowledge_entry(3, 2, std::nullopt, at(3));
    CHECK(store->knowledge_number_in(3, 2) == 4);
    store->share_knowledge_entry(3, 2, std::nullopt, at(4));  // again: keeps its number
    CHECK(store->knowledge_number_in(3, 2) == 4);

    // A removed item's number is not given again.
    store->delete_agenda_item(item_id);
    CHECK(store->agenda_item(store->create_agenda_item(item))->number == 3);
}

TEST_CASE("each migration step bumps user_version in order", "[storage][migrations]") {
    const auto steps = storage::migrations();
    for (std::size_t i = 0; i < steps.size(); ++i) {
        CHECK(steps[i].version == static_cast<int>(i) + 1);
        CHECK_FALSE(steps[i].sql.empty());
    }
    TempDir dir;
    RawDb raw{dir.file("steps.db")};
    storage::migrate(raw.get(), storage::latest_schema_version());
    CHECK(storage::read_user_version(raw.get()) == storage::latest_schema_version());
    CHECK_THROWS_AS(storage::migrate(raw.get(), 0), StoreError);
}

TEST_CASE("a database written by a newer version is refused", "[storage][open]") {
    TempDir dir;
    const std::string path = dir.file("future.db");
    {
        RawDb raw{path};
        storage::migrate(raw.get(), storage::latest_schema_version());
        raw.exec("PRAGMA user_version = " + std::to_string(SqliteStore::schema_version() + 1));
    }
    REQUIRE_THROWS_AS(SqliteStore::open(path), StoreError);
    REQUIRE_THROWS_WITH(SqliteStore::open(path), Contains("newer version") && Contains(path));
    RawDb raw{path};
    CHECK(raw.text("PRAGMA user_version") == std::to_string(SqliteStore::schema_version() + 1));
}

TEST_CASE("what is not a leernetwerk database is refused, naming the path", "[storage][open]") {
    TempDir dir;
    SECTION("a text file") {
        const std::string path = dir.file("notes.db");
        std::ofstream{path} << "this is not a database, just some text that is long enough\n";
        REQUIRE_THROWS_WITH(SqliteStore::open(path), Contains(path));
    }
    SECTION("another application's database") {
        const std::string path = dir.file("other.db");
        RawDb{path}.exec("CREATE TABLE something (x INTEGER)");
        REQUIRE_THROWS_WITH(SqliteStore::open(path),
                            Contains("not a leernetwerk database") && Contains(path));
        CHECK(RawDb{path}.text("SELECT count(*) FROM sqlite_master") == "1");
    }
    SECTION("a directory that cannot be created") {
        const std::string blocker = dir.file("file");
        std::ofstream{blocker} << "x";
        const std::string path = blocker + "/sub/bot.db";
        REQUIRE_THROWS_WITH(SqliteStore::open(path), Contains(path));
    }
}

TEST_CASE("foreign keys are enforced", "[storage][open]") {
    auto store = memory_store();
    Meeting meeting;
    meeting.network_id = 999;
    meeting.local_start = local(2026, 3, 12, 15, 30);
    REQUIRE_THROWS_AS(store->create_meeting(meeting), StoreError);
    REQUIRE_THROWS_WITH(store->create_meeting(meeting), Contains("FOREIGN KEY"));
    CHECK(store->meetings_of(999).empty());
    CHECK_THROWS_AS(store->add_membership({999, 998, Role::guest, at(1)}), StoreError);
}

// ---- transactions ----------------------------------------------------------------------------

TEST_CASE("a transaction keeps everything or nothing", "[storage][transaction]") {
    auto store = memory_store();
    SECTION("committed when the work returns") {
        store->transaction([&] {
            store->append_outbox(text_message(Platform::teams, "een"), at(1));
            store->append_outbox(text_message(Platform::teams, "twee"), at(1));
        });
        CHECK(store->outbox_depth(Platform::teams) == 2);
    }
    SECTION("rolled back when the work throws, and the exception passes through") {
        store->append_outbox(text_message(Platform::teams, "before"), at(1));
        REQUIRE_THROWS_WITH(store->transaction([&] {
            store->append_outbox(text_message(Platform::teams, "inside"), at(2));
            add_network(*store, "Verloren netwerk");
            throw std::runtime_error("boom");
        }),
                            "boom");
        CHECK(store->outbox_depth(Platform::teams) == 1);
        CHECK_FALSE(store->find_network_by_name("verloren netwerk").has_value());
        // The connection is usable again afterwards.
        store->transaction([&] { add_network(*store, "Daarna"); });
        CHECK(store->find_network_by_name("daarna").has_value());
    }
    SECTION("rolled back when a statement inside fails") {
        REQUIRE_THROWS_AS(store->transaction([&] {
            add_network(*store, "Eerst");
            add_network(*store, "EERST");  // same folded name: UNIQUE fails
        }),
                          StoreError);
        CHECK(store->networks().empty());
    }
    SECTION("a multi-statement operation that fails inside a transaction undoes only itself") {
        store->transaction([&] {
            add_network(*store, "Blijft");
            Meeting meeting;
            meeting.network_id = 12345;  // missing network
            meeting.local_start = local(2026, 1, 1, 9, 0);
            CHECK_THROWS_AS(store->create_meeting(meeting), StoreError);
        });
        CHECK(store->find_network_by_name("blijft").has_value());
    }
    SECTION("transactions do not nest") {
        REQUIRE_THROWS_AS(store->transaction([&] {
            store->append_outbox(text_message(Platform::teams, "outer"), at(1));
            store->transaction([] {});
        }),
                          StoreError);
        CHECK(store->outbox_depth(Platform::teams) == 0);
    }
}

// ---- inbox -----------------------------------------------------------------------------------

TEST_CASE("an inbound event is remembered once per platform", "[storage][inbox]") {
    auto store = memory_store();
    CHECK(store->remember_event(Platform::teams, "activity-1", at(1)));
    CHECK_FALSE(store->remember_event(Platform::teams, "activity-1", at(2)));
    CHECK(store->remember_event(Platform::matrix, "activity-1", at(3)));
    CHECK(store->remember_event(Platform::teams, "activity-2", at(4)));
    CHECK_FALSE(store->remember_event(Platform::matrix, "activity-1", at(5)));
}

// ---- outbox ----------------------------------------------------------------------------------

TEST_CASE("a sealed message keeps whom it is for and what it says only in its sealed column",
          "[storage][outbox][sealed]") {
    TempDir dir;
    const std::string path = dir.file("sealed.db");
    auto store = SqliteStore::open(path);
    store->use_sealing_key(std::string(32, 'k'));
    const Id anna = add_member(*store, "Anna");
    const Id bram = add_member(*store, "Bram");
    OutboundMessage message = text_message(Platform::matrix, "Dank je, ontvangen (anoniem).");
    message.to.conversation_id = "!dm-anna:school.nl";
    message.to.user_id = "@anna:school.nl";
    message.to.direct = true;
    message.recipient_member_id = anna;
    message.lang = Lang::en;
    message.sealed = true;
    const Id id = store->append_outbox(message, at(100));
    message.to.conversation_id = "!dm-bram:school.nl";
    message.to.user_id = "@bram:school.nl";
    message.recipient_member_id = bram;
    message.sealed = false;
    store->append_outbox(message, at(101));

    // Read back through the store: as it was written.
    const auto row = store->outbox_row(id);
    REQUIRE(row);
    CHECK(row->message.to.conversation_id == "!dm-anna:school.nl");
    CHECK(row->message.to.user_id == "@anna:school.nl");
    CHECK(row->message.recipient_member_id == anna);
    CHECK(row->message.lang == Lang::en);
    CHECK(std::get<TextContent>(row->message.content).markdown ==
          "Dank je, ontvangen (anoniem).");
    CHECK(store->outbox_count_for_member(anna) == 1);
    // In the file: nothing of it in the clear, only Bram's plain message.
    store->compact_after_commit();
    std::ifstream file(path, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(file)),
                            std::istreambuf_iterator<char>());
    CHECK(bytes.find("dm-anna") == std::string::npos);
    CHECK(bytes.find("@anna:school.nl") == std::string::npos);
    CHECK(bytes.find("dm-bram") != std::string::npos);
    // Another key cannot read it, and says why.
    auto other = SqliteStore::open(path);
    other->use_sealing_key(std::string(32, 'x'));
    CHECK_THROWS_WITH(other->outbox_row(id), Catch::Contains("sealed with another key"));
    other.reset();
    // Forgetting Anna takes her sealed message too; Bram's stays.
    store->erase_member(anna);
    CHECK_FALSE(store->outbox_row(id));
    CHECK(store->outbox_count_for_member(bram) == 1);
}

TEST_CASE("an outbox row goes pending, sending, sent", "[storage][outbox]") {
    auto store = memory_store();
    const Id member_id = add_member(*store, "Bram");
    OutboundMessage message = text_message(Platform::matrix, "Hallo");
    message.to.user_id = "@bram:school.nl";
    message.to.direct = true;
    message.to.thread_id = "$root";
    message.recipient_member_id = member_id;
    message.lang = Lang::en;
    const Id id = store->append_outbox(message, at(100));
    REQUIRE(id > 0);

    auto row = store->outbox_row(id);
    REQUIRE(row.has_value());
    CHECK(row->message.id == id);
    CHECK(row->message.to.platform == Platform::matrix);
    CHECK(row->message.to.conversation_id == "room-1");
    CHECK(row->message.to.user_id == "@bram:school.nl");
    CHECK(row->message.to.direct);
    CHECK(row->message.to.thread_id == "$root");
    CHECK(row->message.recipient_member_id == member_id);
    CHECK(row->message.lang == Lang::en);
    CHECK_FALSE(row->message.replaces.has_value());
    CHECK(row->state == OutboxState::pending);
    CHECK(row->attempts == 0);
    CHECK(row->created_at == at(100));
    CHECK(row->next_attempt_at == at(100));
    CHECK(markdown_of(*row) == "Hallo");
    CHECK(store->outbox_depth(Platform::matrix) == 1);
    CHECK(store->outbox_depth(Platform::teams) == 0);

    CHECK(store->due_outbox(Platform::matrix, at(99), 10).empty());
    CHECK(store->due_outbox(Platform::teams, at(100), 10).empty());
    REQUIRE(store->due_outbox(Platform::matrix, at(100), 10).size() == 1);

    store->mark_outbox_sending(id, at(101));
    row = store->outbox_row(id);
    CHECK(row->state == OutboxState::sending);
    CHECK(row->attempts == 1);
    CHECK(store->due_outbox(Platform::matrix, at(200), 10).empty());
    REQUIRE(store->outbox_in_state(Platform::matrix, OutboxState::sending).size() == 1);
    CHECK(store->outbox_depth(Platform::matrix) == 1);

    store->mark_outbox_sent(id, "$event-1", at(102));
    row = store->outbox_row(id);
    CHECK(row->state == OutboxState::sent);
    CHECK(row->remote_id == "$event-1");
    CHECK(row->attempts == 1);
    CHECK(store->outbox_depth(Platform::matrix) == 0);
    CHECK(store->outbox_in_state(Platform::matrix, OutboxState::sending).empty());
    CHECK(store->outbox_in_state(Platform::matrix, OutboxState::sent).size() == 1);
    CHECK_FALSE(store->outbox_row(id + 100).has_value());
}

TEST_CASE("an outbox row is retried later and can fail", "[storage][outbox]") {
    auto store = memory_store();
    const Id id = store->append_outbox(text_message(Platform::teams, "Herinnering"), at(100));

    store->mark_outbox_sending(id, at(100));
    store->mark_outbox_retry(id, at(160), "429 Too Many Requests");
    auto row = store->outbox_row(id);
    CHECK(row->state == OutboxState::pending);
    CHECK(row->next_attempt_at == at(160));
    CHECK(row->last_error == "429 Too Many Requests");
    CHECK(store->due_outbox(Platform::teams, at(159), 10).empty());
    CHECK(store->due_outbox(Platform::teams, at(160), 10).size() == 1);

    store->mark_outbox_sending(id, at(160));
    CHECK(store->outbox_row(id)->attempts == 2);
    store->mark_outbox_failed(id, "403 Forbidden", at(161));
    row = store->outbox_row(id);
    CHECK(row->state == OutboxState::failed);
    CHECK(row->last_error == "403 Forbidden");
    CHECK(row->attempts == 2);
    CHECK(store->outbox_depth(Platform::teams) == 0);
    CHECK(store->due_outbox(Platform::teams, at(1'000), 10).empty());
    CHECK(store->outbox_in_state(Platform::teams, OutboxState::failed).size() == 1);

    CHECK_THROWS_AS(store->mark_outbox_sent(id + 1, "x", at(1)), StoreError);
}

TEST_CASE("due outbox rows come oldest first, within the limit", "[storage][outbox]") {
    auto store = memory_store();
    const Id first = store->append_outbox(text_message(Platform::teams, "1"), at(30));
    const Id second = store->append_outbox(text_message(Platform::teams, "2"), at(10));
    const Id third = store->append_outbox(text_message(Platform::teams, "3"), at(20));
    store->append_outbox(text_message(Platform::matrix, "other"), at(5));

    const auto due = store->due_outbox(Platform::teams, at(30), 2);
    REQUIRE(due.size() == 2);
    CHECK(due[0].message.id == first);
    CHECK(due[1].message.id == second);
    const auto all = store->due_outbox(Platform::teams, at(30), 10);
    REQUIRE(all.size() == 3);
    CHECK(all[2].message.id == third);
    CHECK(store->due_outbox(Platform::teams, at(30), 0).empty());
    // Reading on after the rows a dispatcher could not take.
    const auto next_page = store->due_outbox(Platform::teams, at(30), 10, second);
    REQUIRE(next_page.size() == 1);
    CHECK(next_page[0].message.id == third);
    // At t=15 only the row created at 10 is due.
    const auto early = store->due_outbox(Platform::teams, at(15), 10);
    REQUIRE(early.size() == 1);
    CHECK(early[0].message.id == second);
    // A row put back for a retry keeps its place once it is due again.
    store->mark_outbox_sending(first, at(30));
    store->mark_outbox_retry(first, at(40), "503");
    REQUIRE(store->due_outbox(Platform::teams, at(35), 10).size() == 2);
    const auto again = store->due_outbox(Platform::teams, at(40), 10);
    REQUIRE(again.size() == 3);
    CHECK(again[0].message.id == first);
}

TEST_CASE("an update waits for its original and then carries its remote id", "[storage][outbox]") {
    auto store = memory_store();
    const Id original = store->append_outbox(text_message(Platform::teams, "Poll"), at(10));
    OutboundMessage update = text_message(Platform::teams, "Poll (gesloten)");
    update.replaces = original;
    const Id update_id = store->append_outbox(update, at(11));

    auto due = store->due_outbox(Platform::teams, at(20), 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].message.id == original);

    store->mark_outbox_sending(original, at(20));
    CHECK(store->due_outbox(Platform::teams, at(20), 10).empty());

    store->mark_outbox_sent(original, "activity-77", at(21));
    due = store->due_outbox(Platform::teams, at(21), 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].message.id == update_id);
    REQUIRE(due[0].message.replaces.has_value());
    CHECK(*due[0].message.replaces == original);
    CHECK(due[0].replaces_remote_id == "activity-77");
    CHECK(markdown_of(due[0]) == "Poll (gesloten)");
    CHECK(store->outbox_row(update_id)->replaces_remote_id == "activity-77");

    SECTION("an update of a failed message is due with no remote id") {
        const Id lost = store->append_outbox(text_message(Platform::teams, "Lost"), at(30));
        OutboundMessage fix = text_message(Platform::teams, "Fix");
        fix.replaces = lost;
        const Id fix_id = store->append_outbox(fix, at(31));
        store->mark_outbox_sent(update_id, "activity-78", at(31));
        CHECK(store->due_outbox(Platform::teams, at(40), 10).size() == 1);  // the original
        store->mark_outbox_failed(lost, "gone", at(41));
        due = store->due_outbox(Platform::teams, at(41), 10);
        REQUIRE(due.size() == 1);
        CHECK(due[0].message.id == fix_id);
        CHECK(due[0].replaces_remote_id.empty());
    }
    SECTION("an update of a message that does not exist is refused") {
        OutboundMessage orphan = text_message(Platform::teams, "?");
        orphan.replaces = 4242;
        CHECK_THROWS_AS(store->append_outbox(orphan, at(50)), StoreError);
    }
}

TEST_CASE("every kind of content round-trips through the outbox", "[storage][outbox][content]") {
    auto store = memory_store();

    SECTION("text with mentions") {
        const TextContent text{"**Welkom** _allemaal_\n- één\n- \"twee\"",
                               {{12, "Zoë"}, {34, "Bram"}}};
        const auto back = std::get<TextContent>(round_trip(*store, text));
        CHECK(back.markdown == text.markdown);
        REQUIRE(back.mentions.size() == 2);
        CHECK(back.mentions[0].member_id == 12);
        CHECK(back.mentions[0].display_name == "Zoë");
        CHECK(back.mentions[1].member_id == 34);
        CHECK(back.mentions[1].display_name == "Bram");
    }
    SECTION("a choice question with and without a deadline") {
        ChoiceQuestion question;
        question.action_id = "poll:7";
        question.prompt = "Hoe was de bijeenkomst?";
        question.kind = ChoiceQuestion::Kind::rating;
        question.choices = {{"1", "een"}, {"2", "twee"}, {"3", "drie"}};
        question.max_choices = 2;
        question.low_label = "slecht";
        question.high_label = "top";
        question.anonymous = true;
        question.deadline = at(1'773'000'000);
        question.closed_note = "Gesloten";
        auto back = std::get<ChoiceQuestion>(round_trip(*store, question));
        CHECK(back.action_id == "poll:7");
        CHECK(back.prompt == "Hoe was de bijeenkomst?");
        CHECK(back.kind == ChoiceQuestion::Kind::rating);
        REQUIRE(back.choices.size() == 3);
        CHECK(back.choices[2].id == "3");
        CHECK(back.choices[2].label == "drie");
        CHECK(back.max_choices == 2);
        CHECK(back.low_label == "slecht");
        CHECK(back.high_label == "top");
        CHECK(back.anonymous);
        REQUIRE(back.deadline.has_value());
        CHECK(*back.deadline == at(1'773'000'000));
        CHECK(back.closed_note == "Gesloten");

        question.kind = ChoiceQuestion::Kind::multiple;
        question.deadline.reset();
        question.anonymous = false;
        back = std::get<ChoiceQuestion>(round_trip(*store, question));
        CHECK(back.kind == ChoiceQuestion::Kind::multiple);
        CHECK_FALSE(back.deadline.has_value());
        CHECK_FALSE(back.anonymous);
    }
    SECTION("a short form") {
        ShortForm form;
        form.action_id = "agenda:3";
        form.title = "Agendapunt";
        form.intro = "Wat wil je bespreken?";
        form.fields = {{"onderwerp", "Onderwerp", FormField::Kind::text, true, "bv. toetsing"},
                       {"toelichting", "Toelichting", FormField::Kind::multiline, false, ""},
                       {"anoniem", "Anoniem", FormField::Kind::toggle, false, "nee"}};
        form.submit_label = "Versturen";
        form.closed_note = "Ingediend";
        const auto back = std::get<ShortForm>(round_trip(*store, form));
        CHECK(back.action_id == "agenda:3");
        CHECK(back.title == "Agendapunt");
        CHECK(back.intro == "Wat wil je bespreken?");
        REQUIRE(back.fields.size() == 3);
        CHECK(back.fields[0].id == "onderwerp");
        CHECK(back.fields[0].label == "Onderwerp");
        CHECK(back.fields[0].kind == FormField::Kind::text);
        CHECK(back.fields[0].required);
        CHECK(back.fields[0].placeholder == "bv. toetsing");
        CHECK(back.fields[1].kind == FormField::Kind::multiline);
        CHECK_FALSE(back.fields[1].required);
        CHECK(back.fields[2].kind == FormField::Kind::toggle);
        CHECK(back.fields[2].placeholder == "nee");
        CHECK(back.submit_label == "Versturen");
        CHECK(back.closed_note == "Ingediend");
    }
    SECTION("a summary with rows and bars") {
        Summary summary;
        summary.title = "Resultaten";
        summary.rows = {{"Respondenten", "10"}, {"Gemiddeld", "3,8"}};
        summary.bars = {{"Ja", 4, 10, "4 (40%)"},
                        {"Nee", 0.1 + 0.2, 1e300, "0,3"},
                        {"Leeg", std::numeric_limits<double>::quiet_NaN(),
                         std::numeric_limits<double>::infinity(), "-"}};
        summary.footnote = "Anoniem";
        const auto back = std::get<Summary>(round_trip(*store, summary));
        CHECK(back.title == "Resultaten");
        REQUIRE(back.rows.size() == 2);
        CHECK(back.rows[1].label == "Gemiddeld");
        CHECK(back.rows[1].value == "3,8");
        REQUIRE(back.bars.size() == 3);
        CHECK(back.bars[0].label == "Ja");
        CHECK(back.bars[0].value == 4);
        CHECK(back.bars[0].max == 10);
        CHECK(back.bars[0].display == "4 (40%)");
        CHECK(back.bars[1].value == 0.1 + 0.2);  // exact, not approximately
        CHECK(back.bars[1].max == 1e300);
        CHECK(std::isnan(back.bars[2].value));
        CHECK(back.bars[2].max == std::numeric_limits<double>::infinity());
        CHECK(back.footnote == "Anoniem");
    }
    SECTION("empty content keeps its kind") {
        CHECK(std::holds_alternative<TextContent>(round_trip(*store, TextContent{})));
        CHECK(std::holds_alternative<ChoiceQuestion>(round_trip(*store, ChoiceQuestion{})));
        CHECK(std::holds_alternative<ShortForm>(round_trip(*store, ShortForm{})));
        CHECK(std::holds_alternative<Summary>(round_trip(*store, Summary{})));
    }
}

TEST_CASE("corrupt outbox content is reported as a StoreError", "[storage][outbox][content]") {
    CHECK_THROWS_AS(storage::content_from_json("{"), StoreError);
    CHECK_THROWS_AS(storage::content_from_json("[]"), StoreError);
    CHECK_THROWS_AS(storage::content_from_json(R"({"type":"video"})"), StoreError);
    CHECK_THROWS_AS(storage::content_from_json(R"({"type":"text","markdown":3,"mentions":[]})"),
                    StoreError);
    CHECK_THROWS_AS(storage::content_from_json(R"({"type":"text","markdown":"x","mentions":{}})"),
                    StoreError);
    const auto text = storage::content_from_json(storage::content_to_json(TextContent{"ok", {}}));
    CHECK(std::get<TextContent>(text).markdown == "ok");

    TempDir dir;
    const std::string path = dir.file("corrupt.db");
    Id id = 0;
    {
        auto store = SqliteStore::open(path);
        id = store->append_outbox(text_message(Platform::teams, "x"), at(1));
    }
    RawDb{path}.exec("UPDATE outbox SET content = '{\"type\":' WHERE id = " + std::to_string(id));
    auto store = SqliteStore::open(path);
    CHECK_THROWS_WITH(store->outbox_row(id),
                      Contains("outbox row " + std::to_string(id)) && Contains("corrupt"));
}

// ---- networks and conversations --------------------------------------------------------------

TEST_CASE("networks are found by name regardless of case, accents and spaces",
          "[storage][networks]") {
    auto store = memory_store();
    Network network;
    network.name = "HSN-café Feedback";
    network.theme = "Feedback geven";
    network.time_zone = "Europe/Brussels";
    network.meeting_cap = 6;
    network.created_at = at(1'700'000'000);
    const Id id = store->create_network(network);
    add_network(*store, "Zorg");

    const auto found = store->find_network_by_name("  hsn-CAFÉ  feedback ");
    REQUIRE(found.has_value());
    CHECK(found->id == id);
    CHECK(found->name == "HSN-café Feedback");
    CHECK(found->theme == "Feedback geven");
    CHECK(found->time_zone == "Europe/Brussels");
    CHECK(found->meeting_cap == 6);
    CHECK(found->created_at == at(1'700'000'000));
    CHECK_FALSE(store->find_network_by_name("hsn-cafe").has_value());
    CHECK_FALSE(store->network(id + 100).has_value());

    const auto all = store->networks();
    REQUIRE(all.size() == 2);
    CHECK(all[0].name == "HSN-café Feedback");
    CHECK(all[1].name == "Zorg");

    Network twin;
    twin.name = "hsn-cafe feedback";
    CHECK_THROWS_AS(store->create_network(twin), StoreError);
}

TEST_CASE("conversations are bound to one network each", "[storage][networks]") {
    auto store = memory_store();
    const Id rekenen = add_network(*store, "Rekenen");
    const Id taal = add_network(*store, "Taal");
    store->bind_conversation({Platform::teams, "19:channel@thread", rekenen});
    store->bind_conversation({Platform::matrix, "!room:school.nl", rekenen});
    store->bind_conversation({Platform::matrix, "19:channel@thread", taal});

    CHECK(store->network_of_conversation(Platform::teams, "19:channel@thread") == rekenen);
    CHECK(store->network_of_conversation(Platform::matrix, "19:channel@thread") == taal);
    CHECK_FALSE(store->network_of_conversation(Platform::console, "19:channel@thread"));
    auto bound = store->conversations_of_network(rekenen);
    REQUIRE(bound.size() == 2);
    CHECK(bound[0].platform == Platform::matrix);  // ordered by platform code, then id
    CHECK(bound[0].conversation_id == "!room:school.nl");
    CHECK(bound[1].platform == Platform::teams);
    CHECK(bound[1].conversation_id == "19:channel@thread");

    store->bind_conversation({Platform::teams, "19:channel@thread", taal});
    CHECK(store->network_of_conversation(Platform::teams, "19:channel@thread") == taal);
    bound = store->conversations_of_network(rekenen);
    REQUIRE(bound.size() == 1);
    CHECK(bound[0].platform == Platform::matrix);
    CHECK(bound[0].conversation_id == "!room:school.nl");
    CHECK(bound[0].network_id == rekenen);
    CHECK(store->conversations_of_network(taal).size() == 2);
}

// ---- schools and members ---------------------------------------------------------------------

TEST_CASE("school_id is idempotent and ignores case and accents", "[storage][members]") {
    auto store = memory_store();
    const Id first = store->school_id("  Sint-Jozef Basisschool ");
    CHECK(store->school_id("sint-jozef basisschool") == first);
    CHECK(store->school_id("SINT-JÓZEF  BASISSCHOOL") == first);
    const Id other = store->school_id("De Regenboog");
    CHECK(other != first);

    const Id member_id = add_member(*store, "Anna");
    store->set_member_school(member_id, first);
    CHECK(store->member(member_id)->school_name == "Sint-Jozef Basisschool");
}

TEST_CASE("members are stored with every field and listed by folded name", "[storage][members]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    Member member;
    member.display_name = "Émile Jansen";
    member.school_id = store->school_id("De Regenboog");
    member.language = Lang::en;
    member.expertise = {"Rekenen", "ICT", "Rekenen groep 8"};
    member.active_network_id = network_id;
    member.created_at = at(5'000);
    const Id emile = store->create_member(member);
    add_member(*store, "zara");
    add_member(*store, "Bram");

    const auto read = store->member(emile);
    REQUIRE(read.has_value());
    CHECK(read->id == emile);
    CHECK(read->display_name == "Émile Jansen");
    CHECK(read->school_id == member.school_id);
    CHECK(read->school_name == "De Regenboog");
    CHECK(read->language == Lang::en);
    CHECK(read->expertise == std::vector<std::string>{"Rekenen", "ICT", "Rekenen groep 8"});
    CHECK(read->active_network_id == network_id);
    CHECK(read->created_at == at(5'000));

    const auto all = store->members();
    REQUIRE(all.size() == 3);
    CHECK(all[0].display_name == "Bram");
    CHECK(all[1].display_name == "Émile Jansen");  // folded: "emile", between b and z
    CHECK(all[1].expertise.size() == 3);
    CHECK(all[2].display_name == "zara");

    store->set_member_school(emile, std::nullopt);
    store->set_member_language(emile, std::nullopt);
    store->set_member_expertise(emile, {"Taal"});
    store->set_active_network(emile, std::nullopt);
    const auto changed = store->member(emile);
    CHECK_FALSE(changed->school_id.has_value());
    CHECK(changed->school_name.empty());
    CHECK_FALSE(changed->language.has_value());
    CHECK(changed->expertise == std::vector<std::string>{"Taal"});
    CHECK_FALSE(changed->active_network_id.has_value());

    CHECK_FALSE(store->member(emile + 100).has_value());
    CHECK_THROWS_AS(store->set_member_language(emile + 100, Lang::nl), StoreError);
    CHECK_THROWS_AS(store->set_member_expertise(emile + 100, {}), StoreError);
    CHECK_THROWS_AS(store->set_active_network(emile, network_id + 100), StoreError);
}

TEST_CASE("platform identities link to members and can be relinked", "[storage][members]") {
    auto store = memory_store();
    const Id anna = add_member(*store, "Anna");
    const Id bram = add_member(*store, "Bram");
    store->link_identity({Platform::teams, "29:anna", anna});
    store->link_identity({Platform::matrix, "@anna:school.nl", anna});

    const auto found = store->member_by_identity(Platform::teams, "29:anna");
    REQUIRE(found.has_value());
    CHECK(found->id == anna);
    CHECK_FALSE(store->member_by_identity(Platform::matrix, "29:anna").has_value());
    auto identities = store->identities_of(anna);
    REQUIRE(identities.size() == 2);
    CHECK(identities[0].platform == Platform::matrix);
    CHECK(identities[0].user_id == "@anna:school.nl");
    CHECK(identities[1].platform == Platform::teams);

    store->link_identity({Platform::matrix, "@anna:school.nl", bram});
    CHECK(store->member_by_identity(Platform::matrix, "@anna:school.nl")->id == bram);
    identities = store->identities_of(anna);
    REQUIRE(identities.size() == 1);
    CHECK(identities[0].user_id == "29:anna");
    REQUIRE(store->identities_of(bram).size() == 1);
    CHECK(store->identities_of(bram)[0].member_id == bram);

    CHECK_THROWS_AS(store->link_identity({Platform::console, "ghost", bram + 100}), StoreError);
}

// ---- memberships -----------------------------------------------------------------------------

TEST_CASE("memberships are added, changed, ended and added again with history kept",
          "[storage][memberships]") {
    TempDir dir;
    const std::string path = dir.file("memberships.db");
    auto store = SqliteStore::open(path);
    const Id network_id = add_network(*store, "Rekenen");
    const Id other_network = add_network(*store, "Taal");
    const Id anna = add_member(*store, "Anna");
    const Id bram = add_member(*store, "bram");
    const Id cees = add_member(*store, "Cees");

    store->add_membership({network_id, cees, Role::participant, at(100)});
    store->add_membership({network_id, anna, Role::participant, at(200)});
    store->add_membership({network_id, bram, Role::expert, at(300)});
    store->add_membership({other_network, anna, Role::guest, at(50)});

    auto roster = store->roster(network_id);
    REQUIRE(roster.size() == 3);
    CHECK(roster[0].member.display_name == "Anna");
    CHECK(roster[1].member.display_name == "bram");
    CHECK(roster[1].membership.role == Role::expert);
    CHECK(roster[2].member.display_name == "Cees");
    CHECK(roster[2].membership.joined_at == at(100));

    // Adding again changes the role and keeps the date joined.
    store->add_membership({network_id, anna, Role::facilitator, at(999)});
    auto current = store->membership(network_id, anna);
    REQUIRE(current.has_value());
    CHECK(current->role == Role::facilitator);
    CHECK(current->joined_at == at(200));
    auto of_anna = store->memberships_of(anna);
    REQUIRE(of_anna.size() == 2);
    CHECK(of_anna[0].network_id == other_network);
    CHECK(of_anna[1].network_id == network_id);

    store->end_membership(network_id, anna, at(1'000));
    CHECK_FALSE(store->membership(network_id, anna).has_value());
    CHECK(store->roster(network_id).size() == 2);
    CHECK(store->memberships_of(anna).size() == 1);
    store->end_membership(network_id, anna, at(1'001));  // no current membership: nothing happens

    store->add_membership({network_id, anna, Role::participant, at(2'000)});
    current = store->membership(network_id, anna);
    REQUIRE(current.has_value());
    CHECK(current->role == Role::participant);
    CHECK(current->joined_at == at(2'000));
    CHECK(store->roster(network_id).size() == 3);

    RawDb raw{path};
    CHECK(raw.text("SELECT count(*) FROM memberships WHERE network_id = " +
                   std::to_string(network_id) + " AND member_id = " + std::to_string(anna)) == "2");
    CHECK(raw.text("SELECT left_at FROM memberships WHERE member_id = " + std::to_string(anna) +
                   " AND left_at IS NOT NULL") == "1000");
}

// ---- meetings and café weeks -----------------------------------------------------------------

TEST_CASE("meetings keep every field and their preparers in order", "[storage][meetings]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    const Id anna = add_member(*store, "Anna");
    const Id bram = add_member(*store, "Bram");
    const Id cees = add_member(*store, "Cees");

    Meeting meeting;
    meeting.network_id = network_id;
    meeting.local_start = local(2026, 3, 12, 15, 30);
    meeting.starts_at = at(1'773'325'800);
    meeting.duration_minutes = 90;
    meeting.location = "Lokaal 12";
    meeting.topic = "Toetsing";
    meeting.preparer_ids = {cees, anna};
    meeting.created_at = at(1'770'000'000);
    const Id id = store->create_meeting(meeting);

    auto read = store->meeting(id);
    REQUIRE(read.has_value());
    CHECK(read->id == id);
    CHECK(read->network_id == network_id);
    CHECK(read->local_start == local(2026, 3, 12, 15, 30));
    CHECK(read->starts_at == at(1'773'325'800));
    CHECK(read->duration_minutes == 90);
    CHECK(read->location == "Lokaal 12");
    CHECK(read->topic == "Toetsing");
    CHECK(read->preparer_ids == std::vector<Id>{cees, anna});
    CHECK(read->status == MeetingStatus::planned);
    CHECK(read->created_at == at(1'770'000'000));

    meeting.id = id;
    meeting.local_start = local(2026, 10, 25, 2, 30);
    meeting.starts_at = at(1'792'888'200);
    meeting.location = "Aula";
    meeting.topic = "Toetsing (verzet)";
    meeting.preparer_ids = {bram, cees, anna};
    meeting.status = MeetingStatus::cancelled;
    store->update_meeting(meeting);
    read = store->meeting(id);
    CHECK(read->local_start == local(2026, 10, 25, 2, 30));
    CHECK(read->starts_at == at(1'792'888'200));
    CHECK(read->location == "Aula");
    CHECK(read->topic == "Toetsing (verzet)");
    CHECK(read->preparer_ids == std::vector<Id>{bram, cees, anna});
    CHECK(read->status == MeetingStatus::cancelled);

    Meeting earlier = meeting;
    earlier.preparer_ids.clear();
    earlier.starts_at = at(1'700'000'000);
    earlier.local_start = local(2023, 11, 14, 23, 13);
    earlier.status = MeetingStatus::planned;
    const Id earlier_id = store->create_meeting(earlier);
    const auto all = store->meetings_of(network_id);
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == earlier_id);
    CHECK(all[0].preparer_ids.empty());
    CHECK(all[1].id == id);
    CHECK(all[1].status == MeetingStatus::cancelled);
    CHECK(all[1].preparer_ids.size() == 3);

    meeting.id = id + 100;
    CHECK_THROWS_AS(store->update_meeting(meeting), StoreError);
    CHECK_FALSE(store->meeting(id + 100).has_value());
    // A failed update leaves the meeting as it was.
    meeting.id = id;
    meeting.preparer_ids = {anna, bram + 100};
    CHECK_THROWS_AS(store->update_meeting(meeting), StoreError);
    CHECK(store->meeting(id)->preparer_ids == std::vector<Id>{bram, cees, anna});
}

TEST_CASE("café weeks are replaced per school year and read in calendar order",
          "[storage][meetings]") {
    auto store = memory_store();
    store->set_cafe_weeks(2026, {{2026, 2027, 3}, {2026, 2026, 45}, {2026, 2027, 12}});
    store->set_cafe_weeks(2027, {{2027, 2027, 40}});

    auto weeks = store->cafe_weeks(2026);
    REQUIRE(weeks.size() == 3);
    CHECK(weeks[0].school_year == 2026);
    CHECK(weeks[0].iso_year == 2026);
    CHECK(weeks[0].iso_week == 45);
    CHECK(weeks[1].iso_year == 2027);
    CHECK(weeks[1].iso_week == 3);
    CHECK(weeks[2].iso_week == 12);

    store->set_cafe_weeks(2026, {{2026, 2026, 47}, {2026, 2026, 47}});
    weeks = store->cafe_weeks(2026);
    REQUIRE(weeks.size() == 1);
    CHECK(weeks[0].iso_week == 47);
    REQUIRE(store->cafe_weeks(2027).size() == 1);
    CHECK(store->cafe_weeks(2027)[0].iso_week == 40);

    store->set_cafe_weeks(2026, {});
    CHECK(store->cafe_weeks(2026).empty());
    CHECK_THROWS_AS(store->set_cafe_weeks(2028, {{2028, 2028, 54}}), StoreError);
    CHECK(store->cafe_weeks(2028).empty());
}

// ---- pending actions -------------------------------------------------------------------------

TEST_CASE("pending actions are stored, linked to their question and deleted",
          "[storage][pending]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    const Id member_id = add_member(*store, "Anna");
    PendingAction pending;
    pending.member_id = member_id;
    pending.network_id = network_id;
    pending.kind = "plan_meeting";
    pending.payload = "2026-03-12 15:30|Lokaal 12";
    pending.created_at = at(100);
    pending.expires_at = at(3'700);
    const Id id = store->create_pending(pending);

    auto read = store->pending(id);
    REQUIRE(read.has_value());
    CHECK(read->id == id);
    CHECK(read->member_id == member_id);
    CHECK(read->network_id == network_id);
    CHECK(read->kind == "plan_meeting");
    CHECK(read->payload == "2026-03-12 15:30|Lokaal 12");
    CHECK(read->created_at == at(100));
    CHECK(read->expires_at == at(3'700));
    CHECK_FALSE(read->question_message_id.has_value());

    const Id question = store->append_outbox(text_message(Platform::teams, "Zeker?"), at(101));
    store->set_pending_question(id, question);
    CHECK(store->pending(id)->question_message_id == question);
    CHECK_THROWS_AS(store->set_pending_question(id + 100, question), StoreError);

    PendingAction without_network = pending;
    without_network.network_id = 0;
    const Id second = store->create_pending(without_network);
    CHECK(store->pending(second)->network_id == 0);

    store->delete_pending(id);
    CHECK_FALSE(store->pending(id).has_value());
    CHECK(store->pending(second).has_value());
    store->delete_pending(id);  // already gone: nothing happens
}

// ---- scheduler -------------------------------------------------------------------------------

TEST_CASE("jobs are scheduled once per kind and key, become due, finish and cancel",
          "[storage][jobs]") {
    auto store = memory_store();
    const Id reminder =
        store->schedule_job({0, "meeting_reminder", "meeting:1", at(500), "day_before", {}});
    const Id poll = store->schedule_job({0, "close_poll", "poll:9", at(300), "", {}});
    const Id other = store->schedule_job({0, "meeting_reminder", "meeting:2", at(400), "", {}});

    // The same (kind, key) again moves the one job.
    const Id moved =
        store->schedule_job({0, "meeting_reminder", "meeting:1", at(200), "hour_before", {}});
    CHECK(moved == reminder);
    auto job = store->job("meeting_reminder", "meeting:1");
    REQUIRE(job.has_value());
    CHECK(job->id == reminder);
    CHECK(job->due_at == at(200));
    CHECK(job->payload == "hour_before");
    CHECK(job->state == JobState::due);

    auto due = store->due_jobs(at(1'000), 10);
    REQUIRE(due.size() == 3);
    CHECK(due[0].id == reminder);
    CHECK(due[1].id == poll);
    CHECK(due[2].id == other);
    due = store->due_jobs(at(1'000), 2);
    REQUIRE(due.size() == 2);
    CHECK(due[1].id == poll);
    due = store->due_jobs(at(300), 10);
    REQUIRE(due.size() == 2);
    CHECK(due[1].kind == "close_poll");
    CHECK(due[1].key == "poll:9");
    CHECK(store->due_jobs(at(199), 10).empty());

    store->finish_job(reminder);
    CHECK(store->job("meeting_reminder", "meeting:1")->state == JobState::done);
    CHECK_THROWS_AS(store->finish_job(other + 100), StoreError);

    store->cancel_job("close_poll", "poll:9");
    CHECK(store->job("close_poll", "poll:9")->state == JobState::cancelled);
    store->cancel_job("close_poll", "poll:404");  // unknown: nothing happens
    due = store->due_jobs(at(1'000), 10);
    REQUIRE(due.size() == 1);
    CHECK(due[0].id == other);

    // A cancelled job scheduled again is due again at its new time.
    CHECK(store->schedule_job({0, "close_poll", "poll:9", at(600), "reopened", {}}) == poll);
    due = store->due_jobs(at(1'000), 10);
    REQUIRE(due.size() == 2);
    CHECK(due[0].id == other);
    CHECK(due[1].id == poll);
    CHECK(due[1].payload == "reopened");
    CHECK_FALSE(store->job("close_poll", "poll:404").has_value());
}

TEST_CASE("conversation references are saved, refreshed and found", "[storage][conversations]") {
    auto store = memory_store();
    ConversationRef channel{Platform::teams, "19:abc@thread.tacv2",
                            false,           "https://smba.trafficmanager.net/emea/",
                            "tenant-1",      "",
                            "28:bot",        at(100)};
    store->save_conversation_ref(channel);
    ConversationRef direct{
        Platform::teams, "a:1xyz",  true,     "https://smba.trafficmanager.net/emea/",
        "tenant-1",      "29:anna", "28:bot", at(200)};
    store->save_conversation_ref(direct);

    const auto read = store->conversation_ref(Platform::teams, "19:abc@thread.tacv2");
    REQUIRE(read);
    CHECK_FALSE(read->direct);
    CHECK(read->service_url == "https://smba.trafficmanager.net/emea/");
    CHECK(read->bot_id == "28:bot");
    CHECK_FALSE(store->conversation_ref(Platform::matrix, "19:abc@thread.tacv2"));

    const auto with_anna = store->direct_conversation_with(Platform::teams, "29:anna");
    REQUIRE(with_anna);
    CHECK(with_anna->conversation_id == "a:1xyz");
    CHECK_FALSE(store->direct_conversation_with(Platform::teams, "29:bram"));

    // The connector moved the conversation to another region; the user id is kept when absent.
    direct.service_url = "https://smba.trafficmanager.net/amer/";
    direct.user_id.clear();
    direct.updated_at = at(300);
    store->save_conversation_ref(direct);
    const auto moved = store->conversation_ref(Platform::teams, "a:1xyz");
    REQUIRE(moved);
    CHECK(moved->service_url == "https://smba.trafficmanager.net/amer/");
    CHECK(moved->user_id == "29:anna");
    CHECK(store->latest_conversation_ref(Platform::teams)->conversation_id == "a:1xyz");
    CHECK_FALSE(store->latest_conversation_ref(Platform::matrix));

    // Saved again unchanged (every message of Anna's brings it): nothing is written, so the
    // database keeps no time of each member's last message.
    direct.updated_at = at(400);
    store->save_conversation_ref(direct);
    CHECK(store->conversation_ref(Platform::teams, "a:1xyz")->updated_at == at(300));
}

TEST_CASE("a sent message is found by its remote id, and adapter state persists",
          "[storage][outbox][state]") {
    TempDir dir;
    const std::string path = dir.file("state.db");
    {
        auto store = SqliteStore::open(path);
        OutboundMessage message;
        message.to.platform = Platform::matrix;
        message.to.conversation_id = "!room:hsn.nl";
        message.content = TextContent{"Welke datum past?", {}};
        const Id id = store->append_outbox(message, at(10));
        store->mark_outbox_sending(id, at(11));
        store->mark_outbox_sent(id, "$poll-start", at(12));
        const auto found = store->outbox_row_by_remote_id(Platform::matrix, "$poll-start");
        REQUIRE(found);
        CHECK(found->message.id == id);
        CHECK_FALSE(store->outbox_row_by_remote_id(Platform::teams, "$poll-start"));
        CHECK_FALSE(store->outbox_row_by_remote_id(Platform::matrix, ""));

        CHECK_FALSE(store->adapter_state("matrix.next_batch"));
        store->set_adapter_state("matrix.next_batch", "s72594_4483_1934", at(20));
        store->set_adapter_state("matrix.next_batch", "s72595_4483_1935", at(21));
    }
    auto reopened = SqliteStore::open(path);
    CHECK(reopened->adapter_state("matrix.next_batch") == "s72595_4483_1935");
}

// ---- schema version 4: reminder rules, RSVPs, meeting revision, job lookups ------------------

TEST_CASE("a version 3 database with meetings upgrades to version 4", "[storage][migrations]") {
    TempDir dir;
    const std::string path = dir.file("v3.db");
    {
        RawDb raw{path};
        storage::migrate(raw.get(), 3);
        raw.exec(
            "INSERT INTO networks (id, name, name_key, theme, time_zone, meeting_cap, created_at) "
            "VALUES (7, 'Rekenen', 'rekenen', '', 'Europe/Amsterdam', 4, 100)");
        raw.exec(
            "INSERT INTO members (id, display_name, name_key, created_at) "
            "VALUES (3, 'Anna', 'anna', 100)");
        raw.exec(
            "INSERT INTO meetings (id, network_id, local_start, starts_at, duration_minutes, "
            "location, topic, status, created_at) VALUES (21, 7, '2026-03-12 15:30', "
            "1773325800, 90, 'Lokaal 12', 'Toetsing', 'cancelled', 1300)");
        raw.exec(
            "INSERT INTO meeting_preparers (meeting_id, position, member_id) VALUES (21, 0, 3)");
    }
    auto store = SqliteStore::open(path);
    REQUIRE(store->user_version() == SqliteStore::schema_version());
    const auto meeting = store->meeting(21);
    REQUIRE(meeting.has_value());
    CHECK(meeting->revision == 0);
    CHECK(meeting->status == MeetingStatus::cancelled);
    CHECK(meeting->location == "Lokaal 12");
    CHECK(meeting->preparer_ids == std::vector<Id>{3});
    REQUIRE(store->meetings_of(7).size() == 1);
    CHECK(store->meetings_of(7)[0].revision == 0);

    // The new tables work with the old rows.
    store->set_rsvp({21, 3, RsvpAnswer::coming, "", at(2'000)});
    CHECK(store->rsvps_of(21).size() == 1);
    ReminderRule rule;
    rule.network_id = 7;
    CHECK(store->create_reminder_rule(rule) > 0);
    CHECK(store->reminder_rules(7).size() == 1);
}

TEST_CASE("a meeting's revision is stored, updated and read everywhere", "[storage][meetings]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    const Id fresh = add_meeting(*store, network_id);
    const Id moved = add_meeting(*store, network_id, 2);
    CHECK(store->meeting(fresh)->revision == 0);
    CHECK(store->meeting(moved)->revision == 2);

    Meeting meeting = *store->meeting(moved);
    meeting.revision = 3;
    meeting.status = MeetingStatus::cancelled;
    store->update_meeting(meeting);
    CHECK(store->meeting(moved)->revision == 3);
    const auto all = store->meetings_of(network_id);
    REQUIRE(all.size() == 2);
    CHECK(all[0].id == fresh);
    CHECK(all[0].revision == 0);
    CHECK(all[1].id == moved);
    CHECK(all[1].revision == 3);
}

TEST_CASE("reminder rules keep every field and every code", "[storage][reminders]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    const Id other_network = add_network(*store, "Taal");

    const std::vector<ReminderKind> kinds{ReminderKind::cafe_week_announcement,
                                          ReminderKind::preparer_nudge,
                                          ReminderKind::agenda_call,
                                          ReminderKind::agenda_digest,
                                          ReminderKind::meeting_reminder,
                                          ReminderKind::rsvp_nudge,
                                          ReminderKind::evaluation_prompt,
                                          ReminderKind::custom};
    const std::vector<ReminderAnchor> anchors{ReminderAnchor::meeting, ReminderAnchor::cafe_week};
    const std::vector<Audience> audiences{Audience::group, Audience::members, Audience::role,
                                          Audience::preparers, Audience::not_responded};
    const std::vector<Role> roles{Role::participant,     Role::organiser, Role::facilitator,
                                  Role::workshop_leader, Role::expert,    Role::guest};
    const std::vector<int> offsets{-366, -14, -7, -3, -1, 0, 1, 366};
    const std::vector<int> minutes{0, 9 * 60, 1439, 8 * 60 + 15, 12 * 60, 17 * 60, 600, 1};

    // Eight rules cover every kind, anchor, audience and role between them.
    std::vector<ReminderRule> written;
    for (std::size_t i = 0; i < kinds.size(); ++i) {
        ReminderRule rule;
        rule.network_id = network_id;
        rule.kind = kinds[i];
        rule.anchor = anchors[i % anchors.size()];
        rule.offset_days = offsets[i];
        rule.time_of_day = std::chrono::minutes{minutes[i]};
        rule.audience = audiences[i % audiences.size()];
        rule.role = roles[i % roles.size()];
        rule.enabled = i % 3 != 0;
        rule.text = "Regel " + std::to_string(i) + ": vergeet de koffie niet ☕";
        rule.created_at = at(1'000 + static_cast<std::int64_t>(i));
        rule.id = store->create_reminder_rule(rule);
        REQUIRE(rule.id > 0);
        written.push_back(rule);
        if (i == 3) {
            ReminderRule elsewhere;
            elsewhere.network_id = other_network;
            store->create_reminder_rule(elsewhere);
        }
    }

    const auto check_same = [](const ReminderRule& read, const ReminderRule& rule) {
        CHECK(read.id == rule.id);
        CHECK(read.network_id == rule.network_id);
        CHECK(read.kind == rule.kind);
        CHECK(read.anchor == rule.anchor);
        CHECK(read.offset_days == rule.offset_days);
        CHECK(read.time_of_day == rule.time_of_day);
        CHECK(read.audience == rule.audience);
        CHECK(read.role == rule.role);
        CHECK(read.enabled == rule.enabled);
        CHECK(read.text == rule.text);
        CHECK(read.created_at == rule.created_at);
    };
    const auto rules = store->reminder_rules(network_id);
    REQUIRE(rules.size() == written.size());
    for (std::size_t i = 0; i < rules.size(); ++i) {
        INFO("rule " << i);
        check_same(rules[i], written[i]);
        const auto one = store->reminder_rule(written[i].id);
        REQUIRE(one.has_value());
        check_same(*one, written[i]);
    }
    REQUIRE(store->reminder_rules(other_network).size() == 1);
    CHECK(store->reminder_rules(other_network)[0].kind == ReminderKind::custom);
    CHECK(store->reminder_rules(other_network)[0].time_of_day == std::chrono::minutes{9 * 60});
    CHECK(store->reminder_rules(network_id + 100).empty());
    CHECK_FALSE(store->reminder_rule(written.back().id + 100).has_value());
}

TEST_CASE("a reminder rule is updated except its id, network and creation, and deleted",
          "[storage][reminders]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    const Id other_network = add_network(*store, "Taal");
    ReminderRule rule;
    rule.network_id = network_id;
    rule.kind = ReminderKind::meeting_reminder;
    rule.offset_days = -1;
    rule.created_at = at(500);
    rule.id = store->create_reminder_rule(rule);
    ReminderRule second = rule;
    second.kind = ReminderKind::evaluation_prompt;
    second.offset_days = 1;
    second.id = store->create_reminder_rule(second);

    ReminderRule changed = rule;
    changed.network_id = other_network;  // ignored
    changed.created_at = at(999);        // ignored
    changed.kind = ReminderKind::custom;
    changed.anchor = ReminderAnchor::cafe_week;
    changed.offset_days = -3;
    changed.time_of_day = std::chrono::minutes{16 * 60 + 45};
    changed.audience = Audience::role;
    changed.role = Role::workshop_leader;
    changed.enabled = false;
    changed.text = "Denk aan de presentatie";
    store->update_reminder_rule(changed);

    auto read = store->reminder_rule(rule.id);
    REQUIRE(read.has_value());
    CHECK(read->network_id == network_id);
    CHECK(read->created_at == at(500));
    CHECK(read->kind == ReminderKind::custom);
    CHECK(read->anchor == ReminderAnchor::cafe_week);
    CHECK(read->offset_days == -3);
    CHECK(read->time_of_day == std::chrono::minutes{16 * 60 + 45});
    CHECK(read->audience == Audience::role);
    CHECK(read->role == Role::workshop_leader);
    CHECK_FALSE(read->enabled);
    CHECK(read->text == "Denk aan de presentatie");
    CHECK(store->reminder_rules(other_network).empty());
    CHECK(store->reminder_rule(second.id)->kind == ReminderKind::evaluation_prompt);

    changed.id = second.id + 100;
    CHECK_THROWS_AS(store->update_reminder_rule(changed), StoreError);

    store->delete_reminder_rule(rule.id);
    CHECK_FALSE(store->reminder_rule(rule.id).has_value());
    const auto left = store->reminder_rules(network_id);
    REQUIRE(left.size() == 1);
    CHECK(left[0].id == second.id);
    store->delete_reminder_rule(rule.id);  // already gone: nothing happens
    CHECK(store->reminder_rules(network_id).size() == 1);
}

TEST_CASE("the schema refuses reminder rules with unknown codes or out-of-range values",
          "[storage][reminders]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    ReminderRule valid;
    valid.network_id = network_id;
    const Id id = store->create_reminder_rule(valid);

    ReminderRule bad = valid;
    SECTION("unknown kind") {
        bad.kind = static_cast<ReminderKind>(99);
    }
    SECTION("unknown anchor") {
        bad.anchor = static_cast<ReminderAnchor>(99);
    }
    SECTION("unknown audience") {
        bad.audience = static_cast<Audience>(99);
    }
    SECTION("unknown role") {
        bad.role = static_cast<Role>(99);
    }
    SECTION("offset beyond a year") {
        bad.offset_days = 367;
    }
    SECTION("offset before a year") {
        bad.offset_days = -367;
    }
    SECTION("time of day after 23:59") {
        bad.time_of_day = std::chrono::minutes{1440};
    }
    SECTION("negative time of day") {
        bad.time_of_day = std::chrono::minutes{-1};
    }

    REQUIRE_THROWS_AS(store->create_reminder_rule(bad), StoreError);
    REQUIRE_THROWS_WITH(store->create_reminder_rule(bad), Contains("CHECK constraint failed"));
    bad.id = id;
    REQUIRE_THROWS_WITH(store->update_reminder_rule(bad), Contains("CHECK constraint failed"));
    const auto rules = store->reminder_rules(network_id);
    REQUIRE(rules.size() == 1);
    CHECK(rules[0].kind == valid.kind);
    CHECK(rules[0].offset_days == valid.offset_days);
    CHECK(rules[0].time_of_day == valid.time_of_day);
    CHECK_THROWS_WITH(store->create_reminder_rule(ReminderRule{}), Contains("FOREIGN KEY"));
}

TEST_CASE("an RSVP is replaced by the member's next answer and cleared per meeting",
          "[storage][rsvps]") {
    auto store = memory_store();
    const Id network_id = add_network(*store, "Rekenen");
    const Id meeting_id = add_meeting(*store, network_id);
    const Id other_meeting = add_meeting(*store, network_id);
    const Id anna = add_member(*store, "Anna");
    const Id bram = add_member(*store, "Bram");
    const Id cees = add_member(*store, "Cees");

    store->set_rsvp({meeting_id, anna, RsvpAnswer::coming, "", at(100)});
    store->set_rsvp({meeting_id, bram, RsvpAnswer::not_coming, "ziek", at(200)});
    store->set_rsvp({meeting_id, cees, RsvpAnswer::coming, "", at(300)});
    store->set_rsvp({other_meeting, anna, RsvpAnswer::not_coming, "", at(150)});

    auto answers = store->rsvps_of(meeting_id);
    REQUIRE(answers.size() == 3);
    CHECK(answers[0].member_id == anna);
    CHECK(answers[0].meeting_id == meeting_id);
    CHECK(answers[0].answer == RsvpAnswer::coming);
    CHECK(answers[0].updated_at == at(100));
    CHECK(answers[1].member_id == bram);
    CHECK(answers[1].answer == RsvpAnswer::not_coming);
    CHECK(answers[1].reason == "ziek");

    // Anna changes her mind: one answer, the new one, now the most recent.
    store->set_rsvp({meeting_id, anna, RsvpAnswer::not_coming, "studiedag", at(400)});
    // Bram is better: the old reason does not linger.
    store->set_rsvp({meeting_id, bram, RsvpAnswer::coming, "", at(250)});
    answers = store->rsvps_of(meeting_id);
    REQUIRE(answers.size() == 3);
    CHECK(answers[0].member_id == bram);
    CHECK(answers[0].answer == RsvpAnswer::coming);
    CHECK(answers[0].reason.empty());
    CHECK(answers[0].updated_at == at(250));
    CHECK(answers[1].member_id == cees);
    CHECK(answers[2].member_id == anna);
    CHECK(answers[2].answer == RsvpAnswer::not_coming);
    CHECK(answers[2].reason == "studiedag");
    CHECK(answers[2].updated_at == at(400));

    CHECK_THROWS_AS(store->set_rsvp({meeting_id + 100, anna, RsvpAnswer::coming, "", at(1)}),
                    StoreError);
    CHECK_THROWS_AS(store->set_rsvp({meeting_id, cees + 100, RsvpAnswer::coming, "", at(1)}),
                    StoreError);
    CHECK_THROWS_WITH(store->set_rsvp({meeting_id, anna, static_cast<RsvpAnswer>(7), "", at(500)}),
                      Contains("CHECK constraint failed"));
    CHECK(store->rsvps_of(meeting_id)[2].answer == RsvpAnswer::not_coming);

    store->clear_rsvps(meeting_id);
    CHECK(store->rsvps_of(meeting_id).empty());
    REQUIRE(store->rsvps_of(other_meeting).size() == 1);
    CHECK(store->rsvps_of(other_meeting)[0].member_id == anna);
    store->clear_rsvps(meeting_id);  // nothing left: nothing happens
}

// The Store cannot delete networks or members yet; the schema already cascades, so that erasing a
// member (privacy) or a network later takes their rules and answers with them.
TEST_CASE("deleting a network or member row cascades to rules and RSVPs", "[storage][rsvps]") {
    TempDir dir;
    const std::string path = dir.file("cascade.db");
    auto store = SqliteStore::open(path);
    const Id network_id = add_network(*store, "Rekenen");
    const Id kept_network = add_network(*store, "Taal");
    const Id meeting_id = add_meeting(*store, kept_network);
    const Id anna = add_member(*store, "Anna");
    const Id bram = add_member(*store, "Bram");
    ReminderRule rule;
    rule.network_id = network_id;
    store->create_reminder_rule(rule);
    rule.network_id = kept_network;
    const Id kept_rule = store->create_reminder_rule(rule);
    store->set_rsvp({meeting_id, anna, RsvpAnswer::coming, "", at(100)});
    store->set_rsvp({meeting_id, bram, RsvpAnswer::coming, "", at(200)});
    {
        RawDb raw{path};
        raw.exec("PRAGMA foreign_keys = ON");
        raw.exec("DELETE FROM networks WHERE id = " + std::to_string(network_id));
        raw.exec("DELETE FROM members WHERE id = " + std::to_string(anna));
    }
    CHECK(store->reminder_rules(network_id).empty());
    REQUIRE(store->reminder_rules(kept_network).size() == 1);
    CHECK(store->reminder_rules(kept_network)[0].id == kept_rule);
    const auto answers = store->rsvps_of(meeting_id);
    REQUIRE(answers.size() == 1);
    CHECK(answers[0].member_id == bram);
}

TEST_CASE("jobs are found by key prefix, exactly, in every state", "[storage][jobs]") {
    auto store = memory_store();
    const auto schedule = [&store](const std::string& kind, const std::string& key) {
        return store->schedule_job({0, kind, key, at(100), "", {}});
    };
    // Keys of network 1, and keys that sort right next to them but belong to others.
    const Id n1_b = schedule("reminder", "n1:m2:r1");
    const Id n1_a = schedule("reminder", "n1:m1:r1");
    const Id n1_c = schedule("reminder", "n1:m1:r2");
    schedule("reminder", "n10:m1:r1");
    schedule("reminder", "n1");
    schedule("reminder", "n1;");  // ';' follows ':': the first key past the prefix
    schedule("reminder", "n2:m1:r1");
    schedule("close_poll", "n1:m1:r1");  // another kind
    store->finish_job(n1_b);
    store->cancel_job("reminder", "n1:m1:r2");

    auto found = store->jobs_with_key_prefix("reminder", "n1:");
    REQUIRE(found.size() == 3);
    CHECK(found[0].id == n1_a);
    CHECK(found[0].key == "n1:m1:r1");
    CHECK(found[0].kind == "reminder");
    CHECK(found[0].state == JobState::due);
    CHECK(found[1].id == n1_c);
    CHECK(found[1].state == JobState::cancelled);
    CHECK(found[2].id == n1_b);
    CHECK(found[2].state == JobState::done);

    found = store->jobs_with_key_prefix("reminder", "n1:m1:");
    REQUIRE(found.size() == 2);
    CHECK(found[1].key == "n1:m1:r2");
    CHECK(store->jobs_with_key_prefix("reminder", "n1").size() == 6);  // n1, n1:…, n1;, n10:…
    CHECK(store->jobs_with_key_prefix("reminder", "n1:m1:r1").size() == 1);
    CHECK(store->jobs_with_key_prefix("reminder", "n3:").empty());
    CHECK(store->jobs_with_key_prefix("unknown", "n1:").empty());
    CHECK(store->jobs_with_key_prefix("close_poll", "").size() == 1);
    CHECK(store->jobs_with_key_prefix("reminder", "").size() == 7);

    SECTION("wildcards are plain characters") {
        schedule("poll", "50%_a");
        schedule("poll", "50ab");
        found = store->jobs_with_key_prefix("poll", "50%_");
        REQUIRE(found.size() == 1);
        CHECK(found[0].key == "50%_a");
    }
    SECTION("a prefix ending in the highest byte") {
        schedule("raw", "a\xff\x01");
        schedule("raw", "a\xff");
        schedule("raw", "b");
        schedule("raw", "a");
        found = store->jobs_with_key_prefix("raw", "a\xff");
        REQUIRE(found.size() == 2);
        CHECK(found[0].key == "a\xff");
        CHECK(found[1].key == "a\xff\x01");
        CHECK(store->jobs_with_key_prefix("raw", "\xff").empty());
    }
}

TEST_CASE("the next due job ignores finished and cancelled jobs", "[storage][jobs]") {
    auto store = memory_store();
    CHECK_FALSE(store->next_job_due().has_value());
    const Id late = store->schedule_job({0, "reminder", "a", at(500), "", {}});
    const Id early = store->schedule_job({0, "reminder", "b", at(300), "", {}});
    store->schedule_job({0, "close_poll", "c", at(400), "", {}});
    CHECK(store->next_job_due() == at(300));

    store->finish_job(early);
    CHECK(store->next_job_due() == at(400));
    store->cancel_job("close_poll", "c");
    CHECK(store->next_job_due() == at(500));
    store->finish_job(late);
    CHECK_FALSE(store->next_job_due().has_value());

    store->schedule_job({0, "close_poll", "c", at(450), "", {}});  // due again
    CHECK(store->next_job_due() == at(450));
}

TEST_CASE("job lookups use the jobs indexes", "[storage][jobs]") {
    TempDir dir;
    const std::string path = dir.file("plans.db");
    SqliteStore::open(path);
    RawDb raw{path};
    // The statements of jobs_with_key_prefix and next_job_due.
    CHECK_THAT(raw.plan("SELECT id, kind, key, due_at, payload, state FROM jobs "
                        "WHERE kind = 'r' AND key >= 'n1:' AND key < 'n1;' ORDER BY key"),
               Contains("USING INDEX sqlite_autoindex_jobs_1 (kind=? AND key>? AND key<?)") &&
                   !Contains("TEMP B-TREE"));
    CHECK_THAT(raw.plan("SELECT min(due_at) FROM jobs WHERE state = 'due'"),
               Contains("INDEX jobs_due (state=?)"));
}

TEST_CASE("a poll keeps its questions; answers are replaced by token and read in token order",
          "[storage][polls]") {
    TempDir dir;
    const std::string path = dir.file("polls.db");
    auto store = SqliteStore::open(path);
    const Id network_id = add_network(*store, "Rekenen");
    const Id anna = add_member(*store, "Anna");
    Poll poll;
    poll.network_id = network_id;
    poll.created_by = anna;
    poll.title = "Welke datum past?";
    poll.template_code = "";
    poll.lang = Lang::en;
    poll.anonymous = false;
    poll.live = true;
    poll.deadline = at(5000);
    poll.audience = PollAudience::role;
    poll.role = Role::expert;
    poll.created_at = at(100);
    PollQuestion choice;
    choice.kind = PollQuestion::Kind::multiple;
    choice.prompt = "Welke \"datum\"?";
    choice.options = {"12 maart", "19 \"maart\"", "26 maart"};
    choice.max_choices = 2;
    PollQuestion scale;
    scale.kind = PollQuestion::Kind::rating;
    scale.prompt = "Hoe?";
    scale.label = "Waardering";
    scale.scale = 10;
    scale.low_label = "slecht";
    scale.high_label = "goed";
    poll.questions = {choice, scale};
    const Id id = store->create_poll(poll);

    const auto back = store->poll(id);
    REQUIRE(back);
    CHECK(back->title == poll.title);
    CHECK(back->lang == Lang::en);
    CHECK_FALSE(back->anonymous);
    CHECK(back->live);
    CHECK(back->deadline == at(5000));
    CHECK(back->audience == PollAudience::role);
    CHECK(back->role == Role::expert);
    CHECK(back->state == PollState::open);
    REQUIRE(back->questions.size() == 2);
    CHECK(back->questions[0].options == choice.options);
    CHECK(back->questions[0].max_choices == 2);
    CHECK(back->questions[1].kind == PollQuestion::Kind::rating);
    CHECK(back->questions[1].scale == 10);
    CHECK(back->questions[1].high_label == "goed");
    CHECK(store->open_polls().size() == 1);

    store->add_poll_invitees(id, {anna, anna});
    CHECK(store->poll_invitees(id) == std::vector<Id>{anna});
    CHECK(store->add_poll_respondent(id, "ffff", anna));
    CHECK_FALSE(store->add_poll_respondent(id, "ffff", anna));
    CHECK(store->add_poll_respondent(id, "0000", std::nullopt));
    const auto respondents = store->poll_respondents(id);
    REQUIRE(respondents.size() == 2);
    CHECK(respondents[0].token == "0000");  // by token, not by when
    CHECK_FALSE(respondents[0].member_id);
    CHECK(respondents[1].member_id == anna);

    CHECK_FALSE(store->set_poll_answer(id, {"ffff", 0, "1,3"}));
    CHECK(store->set_poll_answer(id, {"ffff", 0, "2"}));
    CHECK_FALSE(store->set_poll_answer(id, {"0000", 1, "7"}));
    const auto answers = store->poll_answers(id);
    REQUIRE(answers.size() == 2);
    CHECK(answers[0].token == "0000");
    CHECK(answers[1].value == "2");
    CHECK(store->poll_answers_of(id, "ffff").size() == 1);

    CHECK_FALSE(store->poll_min_respondents(network_id));
    store->set_poll_min_respondents(network_id, 5);
    store->set_poll_min_respondents(network_id, 4);
    CHECK(store->poll_min_respondents(network_id) == 4);

    store->close_poll(id, at(6000));
    CHECK(store->poll(id)->state == PollState::closed);
    CHECK(store->poll(id)->closed_at == at(6000));
    CHECK(store->open_polls().empty());
    CHECK(store->polls_of(network_id).size() == 1);
    {
        RawDb raw{path};
        raw.exec("PRAGMA foreign_keys = ON");
        raw.exec("DELETE FROM networks WHERE id = " + std::to_string(network_id));
    }
    CHECK_FALSE(store->poll(id));
    CHECK(store->poll_answers(id).empty());
    CHECK(store->poll_respondents(id).empty());
}
