// SqliteStore: opening and migrating databases (":memory:", or a file in a fresh temporary
// directory). The parts of the Store are tested per repository in storage_*_test.cpp.
#include "storage_test_support.hpp"

namespace {

using namespace leernetwerk;
using namespace leernetwerk::storage_test;
using Catch::Matchers::Contains;

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
