// The Experts port on both backends (SqliteStore and the in-memory MemoryStore): requests keep
// every field, are numbered per network without reusing a number, take a decision, and name
// nobody once their requester or adviser was erased.
#include <catch2/catch.hpp>

#include "storage/sqlite/sqlite_store.hpp"
#include "support/memory_store.hpp"

namespace {

using namespace leernetwerk;

Instant at(std::int64_t seconds) {
    return Instant{std::chrono::seconds{seconds}};
}

std::unique_ptr<Store> open_store(bool sqlite) {
    if (sqlite) {
        return storage::SqliteStore::open(":memory:");
    }
    return std::make_unique<testing::MemoryStore>();
}

struct ExpertsDb {
    explicit ExpertsDb(bool sqlite) : store(open_store(sqlite)) {
        for (const auto* name : {"HSN-café Rekenen", "HSN-café Lezen"}) {
            Network cafe;
            cafe.name = name;
            cafe.created_at = at(100);
            networks.push_back(store->create_network(cafe));
        }
        for (const auto* name : {"Anna", "Ada Adviseur"}) {
            Member member;
            member.display_name = name;
            member.created_at = at(100);
            members.push_back(store->create_member(member));
        }
    }

    ExpertRequest request(Id network, std::vector<Id> meetings) const {
        ExpertRequest made;
        made.network_id = network;
        made.school_year = 2026;
        made.requested_by = members[0];
        made.topic = "Rekenproblemen";
        made.goal = "Signaleren van dyscalculie";
        made.expert = "Dr. Jansen";
        made.organisation = "Rekenlab";
        made.quote = "https://rekenlab.nl/offerte/12";
        made.independent = true;
        made.meeting_ids = std::move(meetings);
        made.created_at = at(200);
        return made;
    }

    std::unique_ptr<Store> store;
    std::vector<Id> networks;
    std::vector<Id> members;
};

}  // namespace

TEST_CASE("expert requests keep every field and are numbered per network", "[storage][experts]") {
    const bool sqlite = GENERATE(true, false);
    INFO((sqlite ? "sqlite" : "memory"));
    ExpertsDb db(sqlite);
    const auto first = db.store->create_expert_request(db.request(db.networks[0], {7, 8}));
    const auto second = db.store->create_expert_request(db.request(db.networks[0], {9}));
    const auto other = db.store->create_expert_request(db.request(db.networks[1], {3}));

    const auto read = db.store->expert_request(first);
    REQUIRE(read);
    CHECK(read->number == 1);
    CHECK(read->network_id == db.networks[0]);
    CHECK(read->school_year == 2026);
    CHECK(read->requested_by == db.members[0]);
    CHECK(read->topic == "Rekenproblemen");
    CHECK(read->goal == "Signaleren van dyscalculie");
    CHECK(read->expert == "Dr. Jansen");
    CHECK(read->organisation == "Rekenlab");
    CHECK(read->quote == "https://rekenlab.nl/offerte/12");
    CHECK(read->independent);
    CHECK(read->meeting_ids == std::vector<Id>{7, 8});
    CHECK(read->status == ExpertRequestStatus::pending);
    CHECK_FALSE(read->decided_by);
    CHECK_FALSE(read->decided_at);
    CHECK(read->created_at == at(200));

    CHECK(db.store->expert_request(second)->number == 2);
    CHECK(db.store->expert_request(other)->number == 1);
    CHECK(db.store->expert_request_by_number(db.networks[0], 2)->id == second);
    CHECK(db.store->expert_request_by_number(db.networks[1], 1)->id == other);
    CHECK_FALSE(db.store->expert_request_by_number(db.networks[1], 2));
    CHECK_FALSE(db.store->expert_request(999));
    CHECK(db.store->expert_requests_of(db.networks[0]).size() == 2);
    CHECK(db.store->expert_requests_of(db.networks[0]).front().id == first);
    CHECK(db.store->expert_requests_by(db.members[0]).size() == 3);
    CHECK(db.store->expert_requests_by(db.members[1]).empty());

    SECTION("a decision is stored; a withdrawn request keeps its number") {
        auto decided = *read;
        decided.status = ExpertRequestStatus::approved;
        decided.decided_by = db.members[1];
        decided.decision_reason = "Past bij het schoolplan";
        decided.decided_at = at(300);
        db.store->update_expert_request(decided);
        const auto again = db.store->expert_request(first);
        CHECK(again->status == ExpertRequestStatus::approved);
        CHECK(again->decided_by == db.members[1]);
        CHECK(again->decision_reason == "Past bij het schoolplan");
        CHECK(again->decided_at == at(300));

        auto withdrawn = *db.store->expert_request(second);
        withdrawn.status = ExpertRequestStatus::withdrawn;
        db.store->update_expert_request(withdrawn);
        const auto third = db.store->create_expert_request(db.request(db.networks[0], {10}));
        CHECK(db.store->expert_request(third)->number == 3);
    }
    SECTION("updating a request that does not exist fails") {
        auto missing = *read;
        missing.id = 999;
        CHECK_THROWS_AS(db.store->update_expert_request(missing), StoreError);
    }
    SECTION("erasing the requester and the adviser leaves the request, naming nobody") {
        auto decided = *read;
        decided.status = ExpertRequestStatus::declined;
        decided.decided_by = db.members[1];
        decided.decision_reason = "Geen offerte";
        decided.decided_at = at(300);
        db.store->update_expert_request(decided);
        db.store->erase_member(db.members[0]);
        db.store->erase_member(db.members[1]);
        const auto kept = db.store->expert_request(first);
        REQUIRE(kept);
        CHECK_FALSE(kept->requested_by);
        CHECK_FALSE(kept->decided_by);
        CHECK(kept->decision_reason == "Geen offerte");
        CHECK(db.store->expert_requests_by(db.members[0]).empty());
    }
    SECTION("merging two members moves their requests") {
        db.store->merge_members(db.members[1], db.members[0]);
        CHECK(db.store->expert_requests_by(db.members[1]).size() == 3);
    }
}
