// SqliteStore's accounts part: merging two members into one moves every row that names the one
// that goes, and link codes and wrong tries are kept as the core asks.
#include <catch2/catch.hpp>

#include "storage/sqlite/sqlite_store.hpp"

namespace {

using namespace leernetwerk;
using leernetwerk::storage::SqliteStore;

Instant at(std::int64_t seconds) {
    return Instant{std::chrono::seconds{seconds}};
}

Id add_member(Store& store, const std::string& name) {
    Member member;
    member.display_name = name;
    member.created_at = at(100);
    return store.create_member(member);
}

}  // namespace

TEST_CASE("merging members keeps one person's questions, answers, knowledge and history",
          "[storage][accounts]") {
    auto store = SqliteStore::open(":memory:");
    Network network;
    network.name = "HSN-café Rekenen";
    network.created_at = at(100);
    const auto cafe = store->create_network(network);
    const auto anna = add_member(*store, "Anna");
    const auto matrix_anna = add_member(*store, "Anna (Matrix)");
    const auto bram = add_member(*store, "Bram");
    store->link_identity({Platform::teams, "29:anna", anna});
    store->link_identity({Platform::matrix, "@anna:hsn.nl", matrix_anna});
    store->add_membership({cafe, anna, Role::participant, at(200)});
    store->add_membership({cafe, matrix_anna, Role::facilitator, at(150)});
    store->add_membership({cafe, bram, Role::participant, at(100)});

    Question question;
    question.network_id = cafe;
    question.asker_member_id = matrix_anna;
    question.text = "Hoe oefenen jullie breuken?";
    question.created_at = at(300);
    const auto asked = store->create_question(question);
    store->add_question_route({asked, anna, 1, at(300)});
    store->add_question_route({asked, matrix_anna, 1, at(300)});
    Answer answer;
    answer.question_id = asked;
    answer.author_member_id = matrix_anna;
    answer.text = "Met pizzapunten.";
    answer.created_at = at(400);
    store->create_answer(answer);
    KnowledgeEntry entry;
    entry.network_id = cafe;
    entry.title = "Breuken";
    entry.body = "Pizzapunten werken.";
    entry.author_member_id = matrix_anna;
    entry.created_at = at(500);
    entry.updated_at = at(500);
    store->create_knowledge_entry(entry);
    store->end_membership(cafe, bram, at(600));  // someone else's history is left alone
    store->set_member_pause(matrix_anna, at(10'000));

    store->merge_members(anna, matrix_anna);

    CHECK_FALSE(store->member(matrix_anna).has_value());
    CHECK(store->member_by_identity(Platform::matrix, "@anna:hsn.nl")->id == anna);
    CHECK(store->identities_of(anna).size() == 2);
    const auto membership = store->membership(cafe, anna);
    REQUIRE(membership);
    CHECK(membership->role == Role::facilitator);  // the higher role
    CHECK(membership->joined_at == at(150));       // the earlier date
    CHECK(store->memberships_of(anna).size() == 1);
    CHECK(store->question(asked)->asker_member_id == anna);
    CHECK(store->question_routes(asked).size() == 1);
    CHECK(store->answers_of(asked).front().author_member_id == anna);
    CHECK(store->knowledge_entries_by_author(anna).size() == 1);
    CHECK(store->member_pause(anna) == at(10'000));
    CHECK(store->ended_memberships_of(bram).size() == 1);
    CHECK_THROWS_AS(store->merge_members(anna, anna), StoreError);
}

TEST_CASE("link codes are found by their hash, used once, and wrong tries counted per account",
          "[storage][accounts]") {
    auto store = SqliteStore::open(":memory:");
    const auto anna = add_member(*store, "Anna");
    LinkCode code;
    code.hash = std::string(32, '\x01');
    code.member_id = anna;
    code.platform = Platform::teams;
    code.user_id = "29:anna";
    code.created_at = at(1000);
    code.expires_at = at(1900);
    store->create_link_code(code);
    LinkCode newer = code;
    newer.hash = std::string(32, '\x02');
    store->create_link_code(newer);  // withdraws the unused one

    CHECK_FALSE(store->link_code(code.hash).has_value());
    auto found = store->link_code(newer.hash);
    REQUIRE(found);
    CHECK(found->member_id == anna);
    CHECK(found->platform == Platform::teams);
    CHECK(found->expires_at == at(1900));
    CHECK_FALSE(found->used_at.has_value());
    store->mark_link_code_used(newer.hash, at(1200));
    CHECK(store->link_code(newer.hash)->used_at == at(1200));

    store->record_link_failure(Platform::matrix, "@x:hsn.nl", at(1000));
    store->record_link_failure(Platform::matrix, "@x:hsn.nl", at(2000));
    store->record_link_failure(Platform::matrix, "@y:hsn.nl", at(2000));
    CHECK(store->link_failures_since(Platform::matrix, "@x:hsn.nl", at(1500)) == 1);
    CHECK(store->link_failures_since(Platform::matrix, "@x:hsn.nl", at(0)) == 2);
    CHECK(store->link_failures_since(Platform::teams, "@x:hsn.nl", at(0)) == 0);
}
