// Matrix wire formats: appservice transactions decoded into neutral events (who is ignored, how
// the bot's mention is stripped, which ids are refused) and neutral content rendered as m.notice
// HTML that never lets user text become markup.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/matrix/transaction.hpp"
#include "adapters/matrix/render.hpp"

using namespace leernetwerk;
using namespace leernetwerk::matrix;
using Catch::Matchers::Contains;
using nlohmann::json;

namespace {

constexpr const char* kBot = "@leernetwerk:localhost";

DecodeContext context(std::vector<std::string> direct_rooms = {}) {
    DecodeContext c;
    c.bot_user_id = kBot;
    c.bot_display_name = "Leernetwerk bot";
    c.ignored_senders = {"@otherbot:localhost"};
    c.is_direct_room = [direct_rooms](std::string_view room) {
        return std::find(direct_rooms.begin(), direct_rooms.end(), room) != direct_rooms.end();
    };
    return c;
}

Decoded decode_one(const std::string& body, const DecodeContext& c = context()) {
    auto transaction = parse_transaction(body);
    REQUIRE(transaction);
    REQUIRE(transaction->events.size() == 1);
    return decode_event(transaction->events.front(), c);
}

std::string message_event(const std::string& sender, const std::string& msgtype,
                          const std::string& body, const std::string& room = "!room:localhost") {
    return json{{"events",
                 {{{"event_id", "$e1"},
                   {"room_id", room},
                   {"sender", sender},
                   {"type", "m.room.message"},
                   {"origin_server_ts", 1700000000000},
                   {"content",
                    {{"msgtype", msgtype},
                     {"body", body},
                     {"format", "org.matrix.custom.html"},
                     {"formatted_body", "<b>ignored</b>"}}}}}}}
        .dump();
}

}  // namespace

TEST_CASE("matrix: a member's text message becomes a neutral message", "[matrix][wire]") {
    const auto decoded = decode_one(message_event("@anna:localhost", "m.text", "hulp"));
    REQUIRE(decoded.kind == Decoded::Kind::inbound);
    CHECK(decoded.event.kind == InboundEvent::Kind::message);
    CHECK(decoded.event.event_id == "$e1");
    CHECK(decoded.event.text == "hulp");
    CHECK(decoded.event.conversation.platform == Platform::matrix);
    CHECK(decoded.event.conversation.id == "!room:localhost");
    CHECK(decoded.event.conversation.kind == Conversation::Kind::group);
    CHECK(decoded.event.sender.user_id == "@anna:localhost");
    CHECK(decoded.event.sender.display_name == "anna");

    const auto direct = decode_one(message_event("@anna:localhost", "m.emote", "hulp", "!dm:x"),
                                   context({"!dm:x"}));
    REQUIRE(direct.kind == Decoded::Kind::inbound);
    CHECK(direct.event.conversation.kind == Conversation::Kind::direct);
}

TEST_CASE("matrix: notices, the bot's own events and other bots are ignored", "[matrix][wire]") {
    CHECK(decode_one(message_event("@anna:localhost", "m.notice", "hulp")).kind ==
          Decoded::Kind::ignored);
    CHECK(decode_one(message_event(kBot, "m.text", "hulp")).kind == Decoded::Kind::ignored);
    CHECK(decode_one(message_event("@otherbot:localhost", "m.text", "hulp")).kind ==
          Decoded::Kind::ignored);
    CHECK(decode_one(message_event("@anna:localhost", "m.image", "foto.png")).kind ==
          Decoded::Kind::ignored);
    const auto unknown = json{{"events",
                               {{{"event_id", "$u"},
                                 {"room_id", "!r:localhost"},
                                 {"sender", "@anna:localhost"},
                                 {"type", "com.example.unknown"},
                                 {"content", {{"x", 1}}}}}}}
                             .dump();
    CHECK(decode_one(unknown).kind == Decoded::Kind::ignored);
}

TEST_CASE("matrix: a leading mention of the bot is stripped from the plain body",
          "[matrix][wire]") {
    CHECK(strip_bot_mention("Leernetwerk bot: hulp", kBot, "Leernetwerk bot") == "hulp");
    CHECK(strip_bot_mention("leernetwerk bot, bijeenkomsten", kBot, "Leernetwerk bot") ==
          "bijeenkomsten");
    CHECK(strip_bot_mention("@leernetwerk:localhost hulp", kBot, "Leernetwerk bot") == "hulp");
    CHECK(strip_bot_mention("leernetwerk: hulp", kBot, "Leernetwerk bot") == "hulp");
    CHECK(strip_bot_mention("leernetwerkbot hulp", kBot, "Leernetwerk bot") ==
          "leernetwerkbot hulp");
    CHECK(strip_bot_mention("> <@anna:localhost> vraag\n\nhulp", kBot, "Leernetwerk bot") ==
          "hulp");
    CHECK(strip_bot_mention("  hulp  ", kBot, "Leernetwerk bot") == "hulp");
}

TEST_CASE("matrix: pills, typed user ids and m.mentions become the message's mentions",
          "[matrix][wire][mention]") {
    auto body = json::parse(
        message_event("@anna:localhost", "m.text",
                      "Leernetwerk bot: lid toevoegen Daan Bakker | deelnemer | @fenna:school.nl. "
                      "mail daan@school.nl of @Kees of @kees: of @Lies:school.nl"));
    auto& content = body["events"][0]["content"];
    content["formatted_body"] =
        "<a href=\"https://matrix.to/#/@leernetwerk:localhost\">Leernetwerk bot</a>: lid "
        "toevoegen <a href='https://matrix.to/#/%40daan%3Aschool.nl?via=school.nl'>Daan "
        "&amp; co</a> | <A HREF=\"https://matrix.to/#/@broken\">x</A> "
        "<a href=\"https://example.org/#/@evil:example.org\">Evil</a>";
    content["m.mentions"] = {{"user_ids", {kBot, "@daan:school.nl", "@piet:school.nl", "nope"}}};
    auto c = context();
    c.display_name_of = [](std::string_view user) {
        return user == "@piet:school.nl" ? std::string("Piet") : std::string();
    };
    const auto decoded = decode_one(body.dump(), c);
    REQUIRE(decoded.kind == Decoded::Kind::inbound);
    const auto& mentions = decoded.event.mentions;
    REQUIRE(mentions.size() == 3);
    // The pill: its user id from the (percent-encoded) link, its text as the name shown.
    CHECK(mentions[0].user_id == "@daan:school.nl");
    CHECK(mentions[0].display_name == "Daan & co");
    CHECK(mentions[0].text == "Daan & co");
    // A user id typed in full, the sentence's full stop not part of it; an e-mail address,
    // "@Kees", "@kees:" and an upper-case localpart are no user ids.
    CHECK(mentions[1].user_id == "@fenna:school.nl");
    CHECK(mentions[1].text == "@fenna:school.nl");
    CHECK(mentions[1].display_name.empty());
    // Named only in m.mentions: no text of its own, the name the room knows.
    CHECK(mentions[2].user_id == "@piet:school.nl");
    CHECK(mentions[2].text.empty());
    CHECK(mentions[2].display_name == "Piet");
    CHECK(std::all_of(mentions.begin(), mentions.end(),
                      [](const InboundMention& m) { return m.is_person; }));
}

TEST_CASE("matrix: a typed user id follows the current grammar", "[matrix][wire][mention]") {
    CHECK(is_typed_user_id("@daan:school.nl"));
    CHECK(is_typed_user_id("@d.a_a=n-1/+:school.nl:8448"));
    CHECK(is_typed_user_id("@daan:[::1]:8448"));
    CHECK(is_typed_user_id("@daan:127.0.0.1"));
    CHECK_FALSE(is_typed_user_id("@Daan:school.nl"));
    CHECK_FALSE(is_typed_user_id("@daan"));
    CHECK_FALSE(is_typed_user_id("@daan:"));
    CHECK_FALSE(is_typed_user_id("@:school.nl"));
    CHECK_FALSE(is_typed_user_id("@daan:school.nl:"));
    CHECK_FALSE(is_typed_user_id("@daan:school.nl:123456"));
    CHECK_FALSE(is_typed_user_id("@daan:school_nl"));
    CHECK_FALSE(is_typed_user_id("@daan:.school.nl"));
    CHECK_FALSE(is_typed_user_id("daan@school.nl"));
    CHECK_FALSE(is_typed_user_id("@da an:school.nl"));
}

TEST_CASE("matrix: invites, joins and encryption", "[matrix][wire]") {
    auto member = [](const std::string& sender, const std::string& state_key,
                     const std::string& membership, bool direct = false) {
        return json{{"events",
                     {{{"event_id", "$m"},
                       {"room_id", "!r:localhost"},
                       {"sender", sender},
                       {"type", "m.room.member"},
                       {"state_key", state_key},
                       {"content",
                        {{"membership", membership},
                         {"displayname", "Anna de Vries"},
                         {"is_direct", direct}}}}}}}
            .dump();
    };
    const auto invite = decode_one(member("@marieke:localhost", kBot, "invite", true));
    CHECK(invite.kind == Decoded::Kind::invite);
    CHECK(invite.user_id == "@marieke:localhost");
    CHECK(invite.is_direct);
    CHECK(decode_one(member("@marieke:localhost", "@bert:localhost", "invite")).kind ==
          Decoded::Kind::ignored);
    const auto joined = decode_one(member("@anna:localhost", "@anna:localhost", "join"));
    REQUIRE(joined.kind == Decoded::Kind::inbound);
    CHECK(joined.event.kind == InboundEvent::Kind::member_joined);
    REQUIRE(joined.event.joined.size() == 1);
    CHECK(joined.event.joined.front().display_name == "Anna de Vries");
    CHECK(decode_one(member(kBot, kBot, "join")).kind == Decoded::Kind::ignored);
    // Leaving, or being removed: the core hears who left; the bot's own leave is nothing.
    const auto left = decode_one(member("@anna:localhost", "@anna:localhost", "leave"));
    REQUIRE(left.kind == Decoded::Kind::inbound);
    CHECK(left.event.kind == InboundEvent::Kind::member_left);
    REQUIRE(left.event.left.size() == 1);
    CHECK(left.event.left.front().user_id == "@anna:localhost");
    CHECK(decode_one(member("@marieke:localhost", "@anna:localhost", "ban")).event.kind ==
          InboundEvent::Kind::member_left);
    CHECK(decode_one(member(kBot, kBot, "leave")).kind == Decoded::Kind::ignored);

    const auto encrypted = json{{"events",
                                 {{{"event_id", "$x"},
                                   {"room_id", "!r:localhost"},
                                   {"sender", "@anna:localhost"},
                                   {"type", "m.room.encrypted"},
                                   {"content", {{"algorithm", "m.megolm.v1.aes-sha2"}}}}}}}
                               .dump();
    CHECK(decode_one(encrypted).kind == Decoded::Kind::encrypted);
}

TEST_CASE("matrix: bad transaction bodies and malformed ids are refused", "[matrix][wire]") {
    CHECK(parse_transaction("{not json").error().errcode == "M_NOT_JSON");
    CHECK(parse_transaction(std::string(200, '[') + std::string(200, ']')).error().errcode ==
          "M_NOT_JSON");
    CHECK(parse_transaction(R"({"evts":[]})").error().errcode == "M_BAD_JSON");
    CHECK(parse_transaction(R"({"events":[]})")->events.empty());
    // An event that is not an object is skipped with its reason; the others are kept.
    const auto mixed = parse_transaction(
        R"({"events":[1,null,{"event_id":"$a","room_id":"!r:x","sender":"@a:x","type":"m.room.message","origin_server_ts":1,"content":{}}]})");
    REQUIRE(mixed);
    CHECK(mixed->events.size() == 1);
    REQUIRE(mixed->skipped.size() == 2);
    CHECK(mixed->skipped[0].index == 0);
    CHECK(mixed->skipped[0].reason == "not_an_object");
    CHECK(mixed->skipped[1].reason == "null");
    // Invalid JSON text in one event (a lone surrogate): that event alone is skipped.
    const auto surrogate = parse_transaction(
        R"({"events":[{"event_id":"$b","content":{"body":"\udc80"}},{"event_id":"$a","room_id":"!r:x","sender":"@a:x","type":"m.room.message","origin_server_ts":1,"content":{}}],"ephemeral":[]})");
    REQUIRE(surrogate);
    CHECK(surrogate->events.size() == 1);
    REQUIRE(surrogate->skipped.size() == 1);
    CHECK(surrogate->skipped[0].reason == "undecodable");
    CHECK(parse_transaction(R"({"events":[{"a":"\udc80"},)").error().errcode == "M_NOT_JSON");

    CHECK(is_valid_user_id("@anna:localhost"));
    CHECK(is_valid_user_id("@anna:matrix.school.nl:8448"));
    CHECK_FALSE(is_valid_user_id("anna:localhost"));
    CHECK_FALSE(is_valid_user_id("@anna"));
    CHECK_FALSE(is_valid_user_id("@:localhost"));
    CHECK_FALSE(is_valid_user_id("@an na:localhost"));
    CHECK(is_valid_room_id("!abc:localhost"));
    CHECK(is_valid_room_id("!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM"));
    CHECK_FALSE(is_valid_room_id("#alias:localhost"));
    CHECK_FALSE(is_valid_room_id("!a\nb:localhost"));
    CHECK(server_of("@a:example.org") == "example.org");

    const auto bad_sender = parse_transaction(message_event("not-a-user", "m.text", "hulp"));
    REQUIRE(bad_sender);
    CHECK_FALSE(bad_sender->events.front().well_formed);
    CHECK(decode_event(bad_sender->events.front(), context()).kind == Decoded::Kind::ignored);
    const auto bad_room =
        parse_transaction(message_event("@anna:localhost", "m.text", "hulp", "room"));
    CHECK_FALSE(bad_room->events.front().well_formed);
}

TEST_CASE("matrix: the core dialect becomes safe HTML", "[matrix][render]") {
    CHECK(markdown_to_html("**Bijeenkomst** gepland") == "<strong>Bijeenkomst</strong> gepland");
    CHECK(markdown_to_html("Lijst:\n- een\n- twee\nKlaar") ==
          "Lijst:<ul><li>een</li><li>twee</li></ul>Klaar");
    CHECK(markdown_to_html("a\nb") == "a<br>b");
    CHECK(markdown_to_html("<script>alert(1)</script> & \"x\" 'y'") ==
          "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot; &#39;y&#39;");
    CHECK(markdown_to_html("\\*\\*niet vet\\*\\* \\<b\\>") == "**niet vet** &lt;b&gt;");
    CHECK(markdown_to_html("**open") == "<strong>open</strong>");
}

TEST_CASE("matrix: a text message is an m.notice with body, HTML and mentions",
          "[matrix][render]") {
    OutboundMessage message;
    message.content = TextContent{"Hoi Anna de Vries, **welkom** <3", {{7, "Anna de Vries"}}};
    RenderOptions options;
    options.user_of_member = [](Id id) {
        return id == 7 ? std::string("@anna:localhost") : std::string();
    };
    const auto content = json::parse(render_message(message, "", options));
    CHECK(content["msgtype"] == "m.notice");
    CHECK(content["body"] == "Hoi Anna de Vries, welkom <3");
    CHECK(content["format"] == "org.matrix.custom.html");
    CHECK(content["formatted_body"] ==
          "Hoi <a href=\"https://matrix.to/#/@anna:localhost\">Anna de Vries</a>, "
          "<strong>welkom</strong> &lt;3");
    CHECK(content["m.mentions"]["user_ids"] == json::array({"@anna:localhost"}));
    CHECK_FALSE(content.contains("m.relates_to"));
}

TEST_CASE("matrix: an update is an m.replace edit", "[matrix][render]") {
    OutboundMessage message;
    message.content = TextContent{"Nieuwe tekst", {}};
    const auto content = json::parse(render_message(message, "$orig", {}));
    CHECK(content["body"] == "* Nieuwe tekst");
    CHECK(content["m.new_content"]["body"] == "Nieuwe tekst");
    CHECK(content["m.new_content"]["msgtype"] == "m.notice");
    CHECK(content["m.relates_to"]["rel_type"] == "m.replace");
    CHECK(content["m.relates_to"]["event_id"] == "$orig");
}

TEST_CASE("matrix: choice questions, forms and summaries are readable text", "[matrix][render]") {
    OutboundMessage question;
    ChoiceQuestion choice;
    choice.action_id = "confirm:1";
    choice.prompt = "Wil je hem toch plannen?";
    choice.choices = {{"ja", "Ja"}, {"nee", "Nee"}};
    question.content = choice;
    auto content = json::parse(render_message(question, "", {}));
    const auto body = content["body"].get<std::string>();
    CHECK(body.find("Wil je hem toch plannen?\n1. Ja\n2. Nee") == 0);
    CHECK_THAT(body, Contains("Antwoord met het nummer"));
    CHECK_THAT(content["formatted_body"].get<std::string>(),
               Contains("<ol><li>Ja</li><li>Nee</li></ol>"));

    OutboundMessage summary;
    summary.content = Summary{"Uitslag <b>",
                              {{"Gestemd", "4"}},
                              {{"Ja", 3, 4, "3 (75%)"}, {"Nee", 1, 4, "1 (25%)"}},
                              "Anoniem"};
    content = json::parse(render_message(summary, "", {}));
    const auto html = content["formatted_body"].get<std::string>();
    CHECK(html.find("<strong>Uitslag &lt;b&gt;</strong><table><tbody><tr><th>Gestemd</th>"
                    "<td>4</td></tr>") == 0);
    CHECK_THAT(html, Contains("<th>Ja</th><td>████████░░ 3 (75%)</td>"));
    CHECK_THAT(content["body"].get<std::string>(), Contains("Ja: ████████░░ 3 (75%)"));

    OutboundMessage form;
    ShortForm short_form;
    short_form.action_id = "agenda:1";
    short_form.title = "Agendapunt";
    short_form.intro = "Wat wil je bespreken?";
    short_form.fields = {{"topic", "Onderwerp", FormField::Kind::text, true, ""}};
    form.content = short_form;
    content = json::parse(render_message(form, "", {}));
    CHECK(content["body"] == "Agendapunt\nWat wil je bespreken?\n- Onderwerp (verplicht)");
}

TEST_CASE("matrix: content over the limit is trimmed", "[matrix][render]") {
    OutboundMessage message;
    std::string long_text;
    for (int i = 0; i < 20'000; ++i) {
        long_text += "é<&";
    }
    message.content = TextContent{long_text, {}};
    const auto rendered = render_message(message, "", {});
    CHECK(rendered.size() <= 60'000);
    const auto content = json::parse(rendered);
    CHECK(content["body"].get<std::string>().size() < long_text.size());
    CHECK_THAT(content["formatted_body"].get<std::string>(), !Contains("<&"));
}

TEST_CASE("matrix: a named choice question is a native poll with a text fallback",
          "[matrix][render][poll]") {
    OutboundMessage question;
    ChoiceQuestion choice;
    choice.action_id = "confirm:1";
    choice.prompt = "Wil je hem **toch** plannen?";
    choice.choices = {{"ja", "Ja"}, {"nee", "Nee"}};
    question.content = choice;
    REQUIRE(is_poll(question));
    auto event = render_event(question, "", {});
    CHECK(event.type == "org.matrix.msc3381.poll.start");
    auto content = json::parse(event.content);
    const auto& start = content["org.matrix.msc3381.poll.start"];
    CHECK(start["question"]["org.matrix.msc1767.text"] == "Wil je hem toch plannen?");
    CHECK(start["kind"] == "org.matrix.msc3381.poll.disclosed");
    CHECK(start["max_selections"] == 1);
    CHECK(start["answers"] == json::parse(R"([{"id":"ja","org.matrix.msc1767.text":"Ja"},
                                              {"id":"nee","org.matrix.msc1767.text":"Nee"}])"));
    // The fallback is the numbered text, the same as the m.room.message body.
    const auto text = json::parse(render_message(question, "", {}));
    CHECK(content["org.matrix.msc1767.text"] == text["body"]);
    CHECK(content["org.matrix.msc1767.text"].get<std::string>().find(
              "Wil je hem toch plannen?\n1. Ja\n2. Nee") == 0);
    CHECK_FALSE(content.contains("msgtype"));

    // Several choices: max_selections is max_choices, bounded by the number of answers.
    choice.kind = ChoiceQuestion::Kind::multiple;
    choice.max_choices = 5;
    question.content = choice;
    content = json::parse(render_event(question, "", {}).content);
    CHECK(content["org.matrix.msc3381.poll.start"]["max_selections"] == 2);

    // Closed: a poll end referencing the start, the closed note as its text.
    choice.closed_note = "Gepland door **Marieke**.";
    question.content = choice;
    event = render_event(question, "$start", {});
    CHECK(event.type == "org.matrix.msc3381.poll.end");
    content = json::parse(event.content);
    CHECK(content["m.relates_to"] == json{{"rel_type", "m.reference"}, {"event_id", "$start"}});
    CHECK(content["org.matrix.msc3381.poll.end"] == json::object());
    CHECK(content["org.matrix.msc1767.text"] == "Gepland door Marieke.");
    // Closed before it was ever sent: plain text.
    CHECK(render_event(question, "", {}).type == "m.room.message");
}

TEST_CASE("matrix: anonymous questions and other content stay m.room.message",
          "[matrix][render][poll]") {
    OutboundMessage question;
    ChoiceQuestion choice;
    choice.action_id = "poll:1";
    choice.prompt = "Hoe ging het?";
    choice.choices = {{"goed", "Goed"}, {"matig", "Matig"}};
    choice.anonymous = true;
    question.content = choice;
    CHECK_FALSE(is_poll(question));
    auto event = render_event(question, "", {});
    CHECK(event.type == "m.room.message");
    CHECK(event.content == render_message(question, "", {}));
    choice.closed_note = "Gesloten.";
    question.content = choice;
    event = render_event(question, "$orig", {});
    CHECK(event.type == "m.room.message");
    CHECK(json::parse(event.content)["m.relates_to"]["rel_type"] == "m.replace");

    OutboundMessage text;
    text.content = TextContent{"Hallo", {}};
    CHECK(render_event(text, "", {}).type == "m.room.message");
}

TEST_CASE("matrix: a poll response becomes an action on the poll start", "[matrix][wire][poll]") {
    auto response = [](const std::string& sender, const json& answers,
                       const std::string& type = "org.matrix.msc3381.poll.response") {
        return json{{"events",
                     {{{"event_id", "$vote"},
                       {"room_id", "!room:localhost"},
                       {"sender", sender},
                       {"type", type},
                       {"origin_server_ts", 1700000000000},
                       {"content",
                        {{"m.relates_to", {{"rel_type", "m.reference"}, {"event_id", "$start"}}},
                         {type, {{"answers", answers}}}}}}}}}
            .dump();
    };
    auto decoded = decode_one(response("@anna:localhost", json::array({"ja"})));
    REQUIRE(decoded.kind == Decoded::Kind::poll_response);
    CHECK(decoded.event.kind == InboundEvent::Kind::action);
    CHECK(decoded.event.event_id == "$vote");
    CHECK(decoded.event.sender.user_id == "@anna:localhost");
    CHECK(decoded.event.conversation.id == "!room:localhost");
    CHECK(decoded.event.action.message_remote_id == "$start");
    CHECK(decoded.event.action.choice_ids == std::vector<std::string>{"ja"});
    CHECK(decoded.event.action.action_id.empty());  // the adapter looks the poll up
    CHECK(decode_one(response("@anna:localhost", json::array({"a", "b"}), "m.poll.response"))
              .event.action.choice_ids.size() == 2);
    // Withdrawn votes, junk answers, the bot's own and other bots' votes are ignored.
    CHECK(decode_one(response("@anna:localhost", json::array())).kind == Decoded::Kind::ignored);
    CHECK(decode_one(response("@anna:localhost", json::array({1, json::object()}))).kind ==
          Decoded::Kind::ignored);
    CHECK(decode_one(response(kBot, json::array({"ja"}))).kind == Decoded::Kind::ignored);
    CHECK(decode_one(response("@otherbot:localhost", json::array({"ja"}))).kind ==
          Decoded::Kind::ignored);
}

TEST_CASE("matrix: a room message that does not name the bot is marked ambient",
          "[matrix][wire]") {
    auto decoded = decode_one(message_event("@anna:localhost", "m.text", "Goedemorgen allemaal!"));
    REQUIRE(decoded.kind == Decoded::Kind::inbound);
    CHECK(decoded.event.ambient);
    decoded = decode_one(message_event("@anna:localhost", "m.text", "Leernetwerk bot: wie komt"));
    CHECK_FALSE(decoded.event.ambient);
    CHECK(decoded.event.text == "wie komt");
    // An intentional mention (a pill) in m.mentions.
    auto body = json::parse(message_event("@anna:localhost", "m.text", "wie komt?"));
    body["events"][0]["content"]["m.mentions"] = {{"user_ids", {kBot}}};
    CHECK_FALSE(decode_one(body.dump()).event.ambient);
    // A private chat is never ambient.
    decoded = decode_one(message_event("@anna:localhost", "m.text", "Goedemorgen!", "!dm:localhost"),
                         context({"!dm:localhost"}));
    CHECK_FALSE(decoded.event.ambient);
}

TEST_CASE("matrix: a scale in numbered text fits on one line", "[matrix][render]") {
    ChoiceQuestion scale;
    scale.action_id = "poll:1:1";
    scale.prompt = "Hoe was het?";
    scale.kind = ChoiceQuestion::Kind::rating;
    for (int i = 1; i <= 5; ++i) {
        scale.choices.push_back({std::to_string(i), std::to_string(i)});
    }
    scale.low_label = "helemaal niet";
    scale.high_label = "helemaal wel";
    const auto text = render_text(Content{scale}, Lang::nl);
    CHECK_THAT(text.body, Contains("\n1 · 2 · 3 · 4 · 5 (1 = helemaal niet, 5 = helemaal wel)\n"));
    CHECK_THAT(text.body, !Contains("1. 1"));
    CHECK_THAT(text.html,
               Contains("<p>1 · 2 · 3 · 4 · 5 (1 = helemaal niet, 5 = helemaal wel)</p>"));
    CHECK_THAT(text.html, !Contains("<ol>"));

    // A named scale of five points is a native poll (one tap); of ten, the one line of text:
    // a poll lists one answer per row.
    OutboundMessage message;
    message.to = {Platform::matrix, "!room:localhost", "", false, ""};
    message.content = scale;
    CHECK(is_poll(message));
    for (int i = 6; i <= 10; ++i) {
        scale.choices.push_back({std::to_string(i), std::to_string(i)});
    }
    scale.high_label = "top";
    message.content = scale;
    CHECK_FALSE(is_poll(message));
    const auto event = render_event(message, "", RenderOptions{});
    CHECK(event.type == "m.room.message");
    CHECK_THAT(event.content,
               Contains("1 · 2 · 3 · 4 · 5 · 6 · 7 · 8 · 9 · 10 (1 = helemaal niet, 10 = top)"));
}
