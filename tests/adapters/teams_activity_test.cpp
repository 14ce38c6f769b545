// Bot Framework activities: captured-style fixtures decoded, mapped to neutral events and
// re-encoded; malformed, forged and hostile input.
#include <catch2/catch.hpp>

#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "adapters/teams/activity.hpp"
#include "adapters/teams/cards.hpp"

using namespace leernetwerk;
using namespace leernetwerk::teams;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

constexpr const char* kBotId = "28:11111111-2222-4333-8444-555555555555";
constexpr const char* kMarieke =
    "29:1AnonUserMariekeXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
constexpr const char* kJan = "29:1AnonUserJanXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
constexpr const char* kPersonalChat =
    "a:1AnonPersonalChatXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX";
constexpr const char* kGroupChat = "19:groupchat000000000000000000000001@thread.v2";
constexpr const char* kChannel = "19:c0ffee00000000000000000000000001@thread.tacv2";
constexpr const char* kTeam = "19:team0000000000000000000000000001@thread.tacv2";
constexpr const char* kTenant = "0b4c0000-0000-4000-8000-00000000a001";

std::string fixture(const std::string& name) {
    std::ifstream in(std::string(LEERNETWERK_FIXTURES_DIR) + "/teams/" + name, std::ios::binary);
    INFO("fixture " << name);
    REQUIRE(in.good());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

Activity parsed(const std::string& body) {
    auto activity = parse_activity(body);
    INFO((activity ? std::string() : activity.error().message));
    REQUIRE(activity.has_value());
    return *activity;
}

Activity parsed_fixture(const std::string& name) {
    return parsed(fixture(name));
}

InboundEvent mapped(const Activity& activity) {
    const auto event = to_inbound_event(activity);
    REQUIRE(event.has_value());
    return *event;
}

Error parse_error(const std::string& body) {
    const auto activity = parse_activity(body);
    REQUIRE_FALSE(activity.has_value());
    CHECK(activity.error().code == ErrorCode::bad_input);
    CHECK(activity.error().http_status == 400);
    return activity.error();
}

void put(json& j, const std::string& pointer, const std::string& value) {
    if (!value.empty()) {
        j[json::json_pointer(pointer)] = value;
    }
}

json account_json(const ChannelAccount& account) {
    json j = json::object();
    put(j, "/id", account.id);
    put(j, "/name", account.name);
    put(j, "/aadObjectId", account.aad_object_id);
    return j;
}

/// Re-encodes the fields an Activity keeps under their wire names.
json encode(const Activity& a) {
    json j = json::object();
    put(j, "/type", a.type);
    put(j, "/id", a.id);
    put(j, "/timestamp", a.timestamp);
    put(j, "/serviceUrl", a.service_url);
    put(j, "/channelId", a.channel_id);
    put(j, "/from/id", a.from.id);
    put(j, "/from/name", a.from.name);
    put(j, "/from/aadObjectId", a.from.aad_object_id);
    put(j, "/recipient/id", a.recipient.id);
    put(j, "/recipient/name", a.recipient.name);
    put(j, "/conversation/id", a.conversation.id);
    put(j, "/conversation/conversationType", a.conversation.conversation_type);
    put(j, "/conversation/tenantId", a.conversation.tenant_id);
    if (a.conversation.is_group) {
        j["conversation"]["isGroup"] = true;
    }
    put(j, "/text", a.text);
    put(j, "/textFormat", a.text_format);
    put(j, "/replyToId", a.reply_to_id);
    put(j, "/name", a.name);
    put(j, "/action", a.action);
    if (!a.value_json.empty()) {
        j["value"] = json::parse(a.value_json);
    }
    for (const auto& member : a.members_added) {
        j["membersAdded"].push_back(account_json(member));
    }
    for (const auto& reaction : a.reactions_added) {
        j["reactionsAdded"].push_back({{"type", reaction}});
    }
    for (const auto& mention : a.mentions) {
        j["entities"].push_back({{"type", "mention"},
                                 {"text", mention.text},
                                 {"mentioned", account_json(mention.mentioned)}});
    }
    put(j, "/channelData/team/id", a.team_id);
    put(j, "/channelData/channel/id", a.teams_channel_id);
    put(j, "/channelData/eventType", a.event_type);
    return j;
}

/// Every value of the re-encoded activity equals the fixture's value at the same place
/// (mention entities are compared with the fixture's mention entities only).
void check_round_trip(const std::string& name) {
    INFO("fixture " << name);
    const json original = json::parse(fixture(name));
    const Activity activity = parsed(fixture(name));
    const json encoded = encode(activity);
    json comparable = original;
    if (original.contains("entities")) {
        json mentions = json::array();
        for (const auto& entity : original["entities"]) {
            if (entity.value("type", "") == "mention") {
                mentions.push_back(entity);
            }
        }
        comparable["entities"] = mentions;
    }
    const json flat = encoded.flatten();
    CHECK(flat.size() >= 8);
    for (const auto& [pointer, value] : flat.items()) {
        INFO("at " << pointer);
        REQUIRE(comparable.contains(json::json_pointer(pointer)));
        CHECK(comparable[json::json_pointer(pointer)] == value);
    }
    // Tenant: channelData.tenant.id, else conversation.tenantId.
    const auto tenant = original.contains(json::json_pointer("/channelData/tenant/id"))
                            ? original[json::json_pointer("/channelData/tenant/id")]
                            : original[json::json_pointer("/conversation/tenantId")];
    CHECK(activity.tenant_id == tenant.get<std::string>());
}

std::string with(const std::string& name, const std::function<void(json&)>& change) {
    json j = json::parse(fixture(name));
    change(j);
    return j.dump();
}

}  // namespace

TEST_CASE("a channel message that mentions the bot becomes the typed text", "[teams][activity]") {
    const Activity activity = parsed_fixture("message_channel_mention.json");
    CHECK(activity.type == "message");
    CHECK(activity.team_id == kTeam);
    CHECK(activity.teams_channel_id == kChannel);
    REQUIRE(activity.mentions.size() == 2);  // the clientInfo entity is not a mention
    CHECK(activity.mentions[0].mentioned.id == kBotId);

    const InboundEvent event = mapped(activity);
    CHECK(event.kind == InboundEvent::Kind::message);
    CHECK(event.event_id == event.conversation.id + "|1795323612345");
    CHECK(event.conversation.platform == Platform::teams);
    CHECK(event.conversation.kind == Conversation::Kind::group);
    CHECK(event.conversation.id == kChannel);
    CHECK(event.conversation.thread_id == "1795323600000");
    CHECK(event.sender.user_id == kMarieke);
    CHECK(event.sender.display_name == "Marieke de Vries");
    CHECK(event.sender.alt_user_id == "6c1f0e52-0000-4000-8000-000000000001");
    // The bot's mention is gone, Jan's stays as his name, entities are decoded.
    CHECK(event.text == "agenda Taal & rekenen <groep 5> met Jan Jansen");
}

TEST_CASE("other people's mentions reach the core with their account and name",
          "[teams][activity][mention]") {
    const InboundEvent event = mapped(parsed_fixture("message_channel_mention.json"));
    REQUIRE(event.mentions.size() == 1);  // the bot's own mention is not among them
    CHECK(event.mentions[0].user_id ==
          "29:1AnonUserJanXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX");
    CHECK(event.mentions[0].display_name == "Jan Jansen");
    CHECK(event.mentions[0].text == "Jan Jansen");
    CHECK(event.mentions[0].is_person);
    CHECK_THAT(event.text, Contains(event.mentions[0].text));

    // "lid toevoegen @Daan Bakker | deelnemer": the name as Teams shows it, entities decoded, the
    // same person mentioned twice counted once, a channel mention marked as no person.
    const auto body = with("message_channel_mention.json", [](json& j) {
        j["text"] =
            "<at>Leernetwerk</at> lid toevoegen <at>Daan &amp; Bakker</at> | deelnemer "
            "<at>Daan &amp; Bakker</at> <at>Algemeen</at>";
        j["entities"][1] = {{"type", "mention"},
                            {"text", "<at>Daan &amp; Bakker</at>"},
                            {"mentioned",
                             {{"id", "29:daan"},
                              {"name", "Daan & Bakker"},
                              {"aadObjectId", "6c1f0e52-0000-4000-8000-00000000000d"}}}};
        j["entities"].push_back(j["entities"][1]);
        j["entities"].push_back(
            {{"type", "mention"},
             {"text", "<at>Algemeen</at>"},
             {"mentioned", {{"id", "19:general@thread.tacv2"}, {"name", "Algemeen"}}}});
    });
    const InboundEvent typed = mapped(parsed(body));
    CHECK(typed.text == "lid toevoegen Daan & Bakker | deelnemer Daan & Bakker Algemeen");
    REQUIRE(typed.mentions.size() == 2);
    CHECK(typed.mentions[0].user_id == "29:daan");
    CHECK(typed.mentions[0].text == "Daan & Bakker");
    CHECK(typed.mentions[0].alt_user_id == "6c1f0e52-0000-4000-8000-00000000000d");
    CHECK(typed.mentions[1].user_id == "19:general@thread.tacv2");
    CHECK_FALSE(typed.mentions[1].is_person);
}

TEST_CASE("a personal message is a direct conversation without a thread", "[teams][activity]") {
    const InboundEvent event = mapped(parsed_fixture("message_personal.json"));
    CHECK(event.kind == InboundEvent::Kind::message);
    CHECK(event.event_id == event.conversation.id + "|1795300000001");
    CHECK(event.text == "hulp");
    CHECK(event.conversation.kind == Conversation::Kind::direct);
    CHECK(event.conversation.id == kPersonalChat);
    CHECK(event.conversation.thread_id.empty());
    CHECK(event.sender.user_id == kJan);
    CHECK(event.sender.display_name == "Jan Jansen");
    CHECK(event.sender.alt_user_id == "6c1f0e52-0000-4000-8000-000000000002");
    CHECK(parsed_fixture("message_personal.json").tenant_id == kTenant);
}

TEST_CASE("the playground's bot id without 28: still has its mention removed",
          "[teams][activity]") {
    const Activity activity = parsed_fixture("message_playground_group_mention.json");
    const InboundEvent event = mapped(activity);
    CHECK(event.text == "hulp");
    CHECK(event.event_id == event.conversation.id + "|5d0c9a61-0000-4000-8000-00000000beef");
    CHECK(event.conversation.kind == Conversation::Kind::group);
    CHECK(event.conversation.id == "19:group-chat-id@thread.v2");
    CHECK(event.sender.user_id == "user-id-1");
    CHECK(event.sender.alt_user_id == "00000000-0000-0000-0000-0000000000021");

    // The other way round: recipient with 28:, entity without.
    const auto swapped = with("message_playground_group_mention.json", [](json& j) {
        j["recipient"]["id"] = "28:00000000-0000-0000-0000-00000000000011";
        j["entities"][0]["mentioned"]["id"] = "00000000-0000-0000-0000-00000000000011";
    });
    CHECK(mapped(parsed(swapped)).text == "hulp");

    // A mention of someone else with the bot's name is not removed.
    const auto other = with("message_playground_group_mention.json",
                            [](json& j) { j["entities"][0]["mentioned"]["id"] = "user-id-4"; });
    CHECK(mapped(parsed(other)).text == "Test Bot hulp");
}

TEST_CASE("html text has its tags dropped and entities decoded", "[teams][activity]") {
    const auto body = with("message_personal.json", [](json& j) {
        j["textFormat"] = "xml";
        j["text"] =
            "<p>Agenda&nbsp;<b>week&#160;11</b></p><p>Jan &quot;J&quot; &#39;s &amp; co "
            "&#x1F44D; &bogus; &#0;</p>";
    });
    CHECK(mapped(parsed(body)).text == "Agenda week 11\nJan \"J\" 's & co 👍 &bogus; &#0;");
}

TEST_CASE("an Action.Submit message becomes an action with the form's fields",
          "[teams][activity]") {
    const InboundEvent event = mapped(parsed_fixture("message_submit.json"));
    CHECK(event.kind == InboundEvent::Kind::action);
    CHECK(event.event_id == event.conversation.id + "|1795300000077");
    CHECK(event.action.action_id == "form:agenda:7");
    CHECK(event.action.choice_ids.empty());
    CHECK(event.action.message_remote_id == "1795323617771");
    const std::map<std::string, std::string> fields{
        {"title", "Rekenen in groep 5"},
        {"details", "Wat werkt bij breuken?\nEn wat niet?"},
        {"share", "true"}};
    CHECK(event.action.fields == fields);
    CHECK(event.sender.alt_user_id == "6c1f0e52-0000-4000-8000-000000000002");
    CHECK(event.conversation.kind == Conversation::Kind::direct);
    CHECK_FALSE(event.reply_is_private);  // an Action.Submit's reply is a message in the chat
}

TEST_CASE("an Action.Execute invoke becomes an action with the chosen option",
          "[teams][activity]") {
    const Activity activity = parsed_fixture("invoke_action.json");
    CHECK(activity.name == "adaptiveCard/action");
    const InboundEvent event = mapped(activity);
    CHECK(event.kind == InboundEvent::Kind::action);
    CHECK(event.event_id == event.conversation.id + "|f:5f0e0000-0000-4000-8000-000000000042");
    CHECK(event.action.action_id == "confirm:12");
    CHECK(event.action.choice_ids == std::vector<std::string>{"yes"});
    CHECK(event.action.message_remote_id == "1795323617771");
    CHECK(event.conversation.kind == Conversation::Kind::group);
    CHECK(event.conversation.id == kGroupChat);
    CHECK(event.sender.user_id == kMarieke);
    // Teams shows the invoke response to the clicker only: a private answer can go back there.
    CHECK(event.reply_is_private);

    SECTION("a multi-select arrives as a comma-joined input beside our data") {
        const auto body = with("invoke_action.json", [](json& j) {
            j["value"]["action"]["data"] = {{"leernetwerk", {{"action_id", "poll:3"}}},
                                            {"choices", "b,d, a"}};
        });
        const auto multi = mapped(parsed(body));
        CHECK(multi.action.action_id == "poll:3");
        CHECK(multi.action.choice_ids == std::vector<std::string>{"b", "d", "a"});
        CHECK(multi.action.fields.empty());
    }
    SECTION("an unknown invoke name is not ours") {
        const auto body = with("invoke_action.json", [](json& j) { j["name"] = "task/fetch"; });
        CHECK_FALSE(to_inbound_event(parsed(body)).has_value());
    }
    SECTION("an invoke without our data is not ours") {
        const auto body = with("invoke_action.json", [](json& j) {
            j["value"]["action"]["data"] = {{"pollId", "p1"}, {"choice", "red"}};
        });
        CHECK_FALSE(to_inbound_event(parsed(body)).has_value());
    }
}

TEST_CASE("the bot being added and members joining", "[teams][activity]") {
    SECTION("bot added: no activity id, so a stable one is derived") {
        const Activity activity = parsed_fixture("conversation_update_bot_added.json");
        CHECK(activity.id.empty());
        const InboundEvent event = mapped(activity);
        CHECK(event.kind == InboundEvent::Kind::bot_added);
        CHECK(event.conversation.id == kGroupChat);
        CHECK(event.conversation.kind == Conversation::Kind::group);
        CHECK(event.sender.user_id == kMarieke);
        CHECK(event.sender.alt_user_id == "6c1f0e52-0000-4000-8000-000000000001");
        CHECK(event.event_id.rfind("teams:conversationUpdate:", 0) == 0);
        // The connector's retry of the same activity maps to the same id; a later one does not.
        CHECK(mapped(parsed_fixture("conversation_update_bot_added.json")).event_id ==
              event.event_id);
        const auto later = with("conversation_update_bot_added.json",
                                [](json& j) { j["timestamp"] = "2027-02-27T12:00:00.000Z"; });
        CHECK(mapped(parsed(later)).event_id != event.event_id);
        // The playground's bot id without 28: is recognised too.
        const auto playground = with("conversation_update_bot_added.json", [](json& j) {
            j["membersAdded"][0]["id"] = "11111111-2222-4333-8444-555555555555";
        });
        CHECK(mapped(parsed(playground)).kind == InboundEvent::Kind::bot_added);
    }
    SECTION("members added") {
        const Activity activity = parsed_fixture("conversation_update_members_added.json");
        CHECK(activity.event_type == "teamMemberAdded");
        const InboundEvent event = mapped(activity);
        CHECK(event.kind == InboundEvent::Kind::member_joined);
        CHECK(event.event_id == event.conversation.id + "|f:8a3c0000-0000-4000-8000-000000000099");
        CHECK(event.conversation.id == kTeam);
        REQUIRE(event.joined.size() == 2);
        CHECK(event.joined[0].user_id ==
              "29:1AnonUserPietXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX");
        CHECK(event.joined[0].alt_user_id == "6c1f0e52-0000-4000-8000-000000000003");
        CHECK(event.joined[1].alt_user_id == "6c1f0e52-0000-4000-8000-000000000004");
    }
    SECTION("members removed: the core hears who left; the bot's own removal is nothing") {
        const auto body = with("conversation_update_members_added.json", [](json& j) {
            j["membersRemoved"] = j["membersAdded"];
            j.erase("membersAdded");
        });
        const Activity activity = parsed(body);
        CHECK(activity.members_removed.size() == 2);
        const InboundEvent event = mapped(activity);
        CHECK(event.kind == InboundEvent::Kind::member_left);
        REQUIRE(event.left.size() == 2);
        CHECK(event.left[0].alt_user_id == "6c1f0e52-0000-4000-8000-000000000003");
        CHECK(event.joined.empty());
        const auto bot_removed = with("conversation_update_bot_added.json", [](json& j) {
            j["membersRemoved"] = j["membersAdded"];
            j.erase("membersAdded");
        });
        CHECK_FALSE(to_inbound_event(parsed(bot_removed)).has_value());
    }
}

TEST_CASE("a reaction refers to the bot's message", "[teams][activity]") {
    const InboundEvent event = mapped(parsed_fixture("message_reaction.json"));
    CHECK(event.kind == InboundEvent::Kind::reaction);
    CHECK(event.event_id == event.conversation.id + "|f:9f78d1f3");
    CHECK(event.reaction == "like");
    CHECK(event.reply_to_remote_id == "1795323617771");
    CHECK(event.conversation.id == kChannel);
    CHECK(event.conversation.thread_id == "1795323600000");
    CHECK(event.sender.alt_user_id == "6c1f0e52-0000-4000-8000-000000000003");
}

TEST_CASE("installation updates, typing and unknown types are not events", "[teams][activity]") {
    const Activity install = parsed_fixture("installation_update_add.json");
    CHECK(install.action == "add");
    CHECK(install.teams_channel_id == kTeam);
    CHECK_FALSE(to_inbound_event(install).has_value());

    const Activity typing = parsed_fixture("typing.json");
    CHECK(typing.type == "typing");
    CHECK_FALSE(to_inbound_event(typing).has_value());

    const auto unknown = with("message_personal.json", [](json& j) { j["type"] = "fooBar"; });
    CHECK(parsed(unknown).type == "fooBar");
    CHECK_FALSE(to_inbound_event(parsed(unknown)).has_value());
}

TEST_CASE("fixtures re-encode to the values they were read from", "[teams][activity]") {
    for (const auto* name :
         {"message_channel_mention.json", "message_personal.json", "message_submit.json",
          "invoke_action.json", "conversation_update_bot_added.json",
          "conversation_update_members_added.json", "installation_update_add.json",
          "message_reaction.json", "typing.json", "message_playground_group_mention.json"}) {
        check_round_trip(name);
    }
}

TEST_CASE("required fields missing are named in the error", "[teams][activity]") {
    const auto all = parse_error(R"({"type":"message"})");
    CHECK_THAT(all.message, Catch::Contains("id") && Catch::Contains("from.id") &&
                                Catch::Contains("conversation.id") &&
                                Catch::Contains("serviceUrl"));

    const auto no_type = parse_error(R"({"id":"1"})");
    CHECK_THAT(no_type.message, Catch::Contains("type"));

    const auto one = with("invoke_action.json", [](json& j) { j["from"].erase("id"); });
    const auto from = parse_error(one);
    CHECK_THAT(from.message, Catch::Contains("from.id"));
    CHECK_THAT(from.message, !Catch::Contains("serviceUrl"));

    // A required field of the wrong type counts as missing.
    const auto number = with("message_personal.json", [](json& j) { j["id"] = 42; });
    CHECK_THAT(parse_error(number).message, Catch::Contains(": id"));

    // Wrong types in optional fields are ignored.
    const auto odd = with("message_personal.json", [](json& j) {
        j["conversation"]["isGroup"] = "yes";
        j["entities"] = "none";
        j["membersAdded"] = 7;
        j["from"]["name"] = json::array({1, 2});
    });
    const Activity tolerant = parsed(odd);
    CHECK(tolerant.from.name.empty());
    CHECK(mapped(tolerant).text == "hulp");
}

TEST_CASE("malformed JSON and non-objects are rejected", "[teams][activity]") {
    CHECK_THAT(parse_error("{\"type\":\"message\"").message, Catch::Contains("not valid JSON"));
    CHECK_THAT(parse_error("").message, Catch::Contains("not valid JSON"));
    CHECK_THAT(parse_error("[]").message, Catch::Contains("not a JSON object"));
    CHECK_THAT(parse_error("\"message\"").message, Catch::Contains("not a JSON object"));
    CHECK_THAT(parse_error("42").message, Catch::Contains("not a JSON object"));
}

TEST_CASE("card data is untrusted: forged or oversized data is refused", "[teams][activity]") {
    auto read = [](const json& data) { return read_action_data(data.dump()); };
    const json ours = {{"leernetwerk", {{"action_id", "poll:1"}, {"choice", "a"}}}};
    REQUIRE(read(ours).has_value());

    CHECK_FALSE(read_action_data("not json").has_value());
    CHECK_FALSE(read(json::array({ours})).has_value());
    CHECK_FALSE(read({{"pollId", "p1"}}).has_value());
    CHECK_FALSE(read({{"leernetwerk", "poll:1"}}).has_value());
    CHECK_FALSE(read({{"leernetwerk", {{"action_id", 7}}}}).has_value());
    CHECK_FALSE(read({{"leernetwerk", {{"action_id", ""}}}}).has_value());
    CHECK_FALSE(read({{"leernetwerk", {{"action_id", std::string(201, 'a')}}}}).has_value());
    CHECK(read({{"leernetwerk", {{"action_id", std::string(200, 'a')}}}}).has_value());

    json field = {{"leernetwerk", {{"action_id", "form:1"}}}, {"title", std::string(4000, 'x')}};
    CHECK(read(field).has_value());
    field["title"] = std::string(4001, 'x');
    CHECK_FALSE(read(field).has_value());

    json many = {{"leernetwerk", {{"action_id", "form:1"}}}};
    for (int i = 0; i < 50; ++i) {
        many["f" + std::to_string(i)] = "v";
    }
    CHECK(read(many).value().fields.size() == 50);
    many["f50"] = "v";
    CHECK_FALSE(read(many).has_value());

    // Numbers and booleans become strings; nested objects, arrays and null are ignored.
    const auto mixed = read({{"leernetwerk", {{"action_id", "form:2"}}},
                             {"count", 3},
                             {"ok", true},
                             {"nested", {{"a", "b"}}},
                             {"list", {1, 2}},
                             {"none", nullptr}});
    REQUIRE(mixed.has_value());
    const std::map<std::string, std::string> fields{{"count", "3"}, {"ok", "true"}};
    CHECK(mixed->fields == fields);

    // A forged submit with an oversized field maps to no event (the adapter answers 400).
    const auto forged = with("message_submit.json",
                             [](json& j) { j["value"]["details"] = std::string(5000, 'x'); });
    CHECK_FALSE(to_inbound_event(parsed(forged)).has_value());
}

TEST_CASE("hostile bodies never crash the decoder", "[teams][activity][fuzz]") {
    // 256 KB of '[' (the body limit) and deep objects: refused before parsing.
    CHECK_THAT(parse_error(std::string(std::size_t{256} * 1024, '[')).message,
               Catch::Contains("deep"));
    std::string objects;
    for (int i = 0; i < 20000; ++i) {
        objects += "{\"a\":";
    }
    CHECK_THAT(parse_error(objects).message, Catch::Contains("deep"));
    CHECK_FALSE(read_action_data(std::string(std::size_t{256} * 1024, '[')).has_value());
    // Brackets inside strings do not count as nesting.
    const auto in_string =
        with("message_personal.json", [](json& j) { j["text"] = std::string(1000, '['); });
    CHECK(mapped(parsed(in_string)).text == std::string(1000, '['));

    std::mt19937 random(20270301);
    std::uniform_int_distribution<int> byte(0, 255);
    for (int round = 0; round < 300; ++round) {
        std::string noise(static_cast<std::size_t>(byte(random)) * 4, '\0');
        for (auto& c : noise) {
            c = static_cast<char>(byte(random));
        }
        const auto result = parse_activity(noise);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().http_status == 400);
    }
    // Mutations of real fixtures: either an activity or a 400, and mapping never throws.
    const std::string base = fixture("invoke_action.json");
    int accepted = 0;
    for (int round = 0; round < 500; ++round) {
        std::string mutated = base;
        for (int flips = 0; flips < 3; ++flips) {
            mutated[static_cast<std::size_t>(random() % mutated.size())] =
                static_cast<char>(byte(random));
        }
        const auto result = parse_activity(mutated);
        if (result) {
            ++accepted;
            (void)to_inbound_event(*result);
        } else {
            CHECK(result.error().http_status == 400);
        }
    }
    CHECK(accepted > 0);
}
