// SqliteStore: networks, conversations, schools, members and memberships.
#include "storage_test_support.hpp"

namespace {

using namespace leernetwerk;
using namespace leernetwerk::storage_test;
using Catch::Matchers::Contains;

}  // namespace

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
