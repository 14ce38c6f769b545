// SqliteStore's agenda part: items with their submitters, positions per meeting, merging, the
// dots of the dot vote and the network's round.
#include <catch2/catch.hpp>

#include "storage/sqlite/sqlite_store.hpp"

namespace {

using namespace leernetwerk;
using leernetwerk::storage::SqliteStore;

Instant at(std::int64_t seconds) {
    return Instant{std::chrono::seconds{seconds}};
}

struct AgendaDb {
    AgendaDb() : store(SqliteStore::open(":memory:")) {
        Network cafe;
        cafe.name = "HSN-café Rekenen";
        cafe.created_at = at(100);
        network = store->create_network(cafe);
        for (const auto* name : {"Anna", "Bram", "Cees"}) {
            Member member;
            member.display_name = name;
            member.created_at = at(100);
            members.push_back(store->create_member(member));
            store->add_membership({network, members.back(), Role::participant, at(100)});
        }
        Meeting first;
        first.network_id = network;
        first.local_start =
            LocalTime{date::local_days{date::year{2027} / 2 / 9}} + std::chrono::hours{15};
        first.starts_at = at(1'800'000'000);
        first.created_at = at(100);
        meeting = store->create_meeting(first);
    }

    Id add(const std::string& text, std::optional<Id> meeting_id, Id submitter,
           bool hidden = false) {
        AgendaItem item;
        item.network_id = network;
        item.meeting_id = meeting_id;
        item.text = text;
        item.submitters = {{submitter, hidden, false}};
        item.created_at = at(200);
        return store->create_agenda_item(item);
    }

    std::unique_ptr<SqliteStore> store;
    Id network = 0;
    Id meeting = 0;
    std::vector<Id> members;
};

}  // namespace

TEST_CASE("agenda items keep every field and are numbered per meeting list", "[storage][agenda]") {
    AgendaDb db;
    const auto a = db.add("Breuken", db.meeting, db.members[0], true);
    const auto b = db.add("Rubrics", db.meeting, db.members[1]);
    const auto waiting = db.add("Zonder bijeenkomst", std::nullopt, db.members[2]);
    CHECK(db.store->agenda_item(a)->position == 1);
    CHECK(db.store->agenda_item(b)->position == 2);
    CHECK(db.store->agenda_item(waiting)->position == 1);  // its own list: not planned yet
    CHECK_FALSE(db.store->agenda_item(waiting)->meeting_id.has_value());

    auto item = *db.store->agenda_item(a);
    CHECK(item.text == "Breuken");
    CHECK(item.status == AgendaStatus::proposed);
    CHECK(item.kind == AgendaItemKind::topic);
    REQUIRE(item.submitters.size() == 1);
    CHECK(item.submitters[0].hidden);
    item.kind = AgendaItemKind::case_study;
    item.status = AgendaStatus::accepted;
    item.explanation = "we lopen vast";
    item.preparer_id = db.members[1];
    item.minutes = 20;
    item.position = 7;
    item.submitters.push_back({db.members[2], false, true});
    db.store->update_agenda_item(item);
    const auto back = *db.store->agenda_item(a);
    CHECK(back.kind == AgendaItemKind::case_study);
    CHECK(back.status == AgendaStatus::accepted);
    CHECK(back.explanation == "we lopen vast");
    CHECK(back.preparer_id == std::optional<Id>(db.members[1]));
    CHECK(back.minutes == 20);
    CHECK(back.position == 7);
    REQUIRE(back.submitters.size() == 2);
    CHECK(back.submitters[1].introduces);
    CHECK(back.created_at == at(200));

    // Listed by position.
    const auto all = db.store->agenda_items(db.network);
    REQUIRE(all.size() == 3);
    CHECK(all.back().id == a);

    AgendaItem missing = back;
    missing.id = 999;
    CHECK_THROWS_AS(db.store->update_agenda_item(missing), StoreError);
    db.store->delete_agenda_item(b);
    CHECK_FALSE(db.store->agenda_item(b).has_value());
}

TEST_CASE("a member's dots are replaced as a whole and counted per item", "[storage][agenda]") {
    AgendaDb db;
    const auto a = db.add("Breuken", db.meeting, db.members[0]);
    const auto b = db.add("Rubrics", db.meeting, db.members[1]);
    db.store->set_agenda_dots(db.network, db.members[0], {{a, 0, 2}, {b, 0, 1}});
    db.store->set_agenda_dots(db.network, db.members[1], {{a, 0, 1}});
    CHECK(db.store->agenda_item(a)->dots == 3);
    CHECK(db.store->agenda_item(b)->dots == 1);
    // Voting again replaces.
    db.store->set_agenda_dots(db.network, db.members[0], {{b, 0, 3}});
    CHECK(db.store->agenda_item(a)->dots == 1);
    CHECK(db.store->agenda_item(b)->dots == 3);
    CHECK(db.store->agenda_dots(db.network).size() == 2);
    // More than three on one item is refused by the schema.
    CHECK_THROWS_AS(db.store->set_agenda_dots(db.network, db.members[2], {{a, 0, 4}}), StoreError);
    CHECK(db.store->agenda_dots(db.network).size() == 2);
    db.store->clear_agenda_dots(db.network);
    CHECK(db.store->agenda_dots(db.network).empty());
}

TEST_CASE("merging keeps both submitters and adds up the dots", "[storage][agenda]") {
    AgendaDb db;
    const auto into = db.add("Breuken", db.meeting, db.members[0]);
    const auto from = db.add("Kommagetallen", db.meeting, db.members[1], true);
    db.store->set_agenda_dots(db.network, db.members[0], {{into, 0, 1}, {from, 0, 2}});
    db.store->set_agenda_dots(db.network, db.members[2], {{from, 0, 1}});
    db.store->merge_agenda_items(into, from);
    CHECK_FALSE(db.store->agenda_item(from).has_value());
    const auto merged = *db.store->agenda_item(into);
    CHECK(merged.dots == 4);
    REQUIRE(merged.submitters.size() == 2);
    CHECK(merged.submitters[0].member_id == db.members[0]);
    CHECK(merged.submitters[1].member_id == db.members[1]);
    CHECK(merged.submitters[1].hidden);
    int annas = 0;
    for (const auto& dot : db.store->agenda_dots(db.network)) {
        annas += dot.member_id == db.members[0] ? dot.dots : 0;
    }
    CHECK(annas == 3);  // her total stays three
    CHECK_THROWS_AS(db.store->merge_agenda_items(into, into), StoreError);
    CHECK_THROWS_AS(db.store->merge_agenda_items(into, 999), StoreError);
    CHECK(db.store->agenda_item(into).has_value());
}

TEST_CASE("a network's dot vote round is saved, replaced and read back", "[storage][agenda]") {
    AgendaDb db;
    CHECK_FALSE(db.store->agenda_round(db.network).has_value());
    AgendaRound round;
    round.network_id = db.network;
    round.meeting_id = db.meeting;
    round.open = true;
    round.opened_by = db.members[0];
    round.opened_at = at(300);
    round.closes_at = at(400);
    db.store->save_agenda_round(round);
    auto back = db.store->agenda_round(db.network);
    REQUIRE(back.has_value());
    CHECK(back->open);
    CHECK(back->meeting_id == std::optional<Id>(db.meeting));
    CHECK(back->opened_by == std::optional<Id>(db.members[0]));
    CHECK(back->closes_at == std::optional<Instant>(at(400)));
    CHECK_FALSE(back->closed_at.has_value());
    round.open = false;
    round.closes_at.reset();
    round.closed_at = at(350);
    db.store->save_agenda_round(round);
    back = db.store->agenda_round(db.network);
    CHECK_FALSE(back->open);
    CHECK_FALSE(back->closes_at.has_value());
    CHECK(back->closed_at == std::optional<Instant>(at(350)));
}
