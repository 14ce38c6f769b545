// Questions to the network, as members have them through the console: who a question goes to,
// answers and the thread, the follow-up over school days, the consent to keep a helpful answer,
// anonymity checked in the database, and isolation between networks.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <filesystem>
#include <map>
#include <regex>

#include <sqlite3.h>

#include "bot/vocab/log.hpp"
#include "support/console_fixture.hpp"
#include "support/matchers.hpp"

using leernetwerk::testing::ConsoleFixture;
using leernetwerk::testing::utc;
using namespace leernetwerk;
using Catch::Matchers::Contains;
using leernetwerk::testing::contains_text;

namespace {

/// The number in "Je vraag #12 staat in …" (0 when the reply has none).
Id question_number(const std::string& reply) {
    static const std::regex kNumber(R"(Je vraag #(\d+))");
    std::smatch match;
    return std::regex_search(reply, match, kNumber) ? std::stoll(match[1].str()) : 0;
}

Id member_id(ConsoleFixture& chat, const std::string& name) {
    for (const auto& member : chat.store->members()) {
        if (member.display_name == name) {
            return member.id;
        }
    }
    throw std::logic_error("no member " + name);
}

/// Who a question was routed to, in the order they were asked.
std::vector<std::string> routed(ConsoleFixture& chat, Id question_id) {
    std::vector<std::string> names;
    for (const auto& route : chat.store->question_routes(question_id)) {
        names.push_back(chat.store->member(route.member_id)->display_name);
    }
    return names;
}

/// The texts of every outbox row so far, with who it was for ("" for a group conversation).
std::vector<std::pair<Id, std::string>> outbox_texts(ConsoleFixture& chat) {
    std::vector<std::pair<Id, std::string>> out;
    for (Id id = 1;; ++id) {
        const auto row = chat.store->outbox_row(id);
        if (!row) {
            if (id > 2000) {
                break;
            }
            continue;
        }
        std::string text;
        if (const auto* content = std::get_if<TextContent>(&row->message.content)) {
            text = content->markdown;
            for (const auto& mention : content->mentions) {
                text += " @" + mention.display_name;
            }
        } else if (const auto* question = std::get_if<ChoiceQuestion>(&row->message.content)) {
            text = question->prompt + " " + question->closed_note;
        } else if (const auto* summary = std::get_if<Summary>(&row->message.content)) {
            text = summary->title;
        }
        out.emplace_back(row->message.recipient_member_id, text + " " + row->message.to.user_id);
    }
    return out;
}

/// A second network with its own people, reachable from the console in private chats.
struct OtherNetwork {
    Id id = 0;
    std::map<std::string, Id> people;
};

Id add_person(ConsoleFixture& chat, Id network_id, const std::string& name,
              const std::string& school, const std::vector<std::string>& expertise,
              Role role = Role::participant) {
    auto& store = *chat.store;
    Member member;
    member.display_name = name;
    member.created_at = testing::demo_now();
    const auto id = store.create_member(member);
    if (!school.empty()) {
        store.set_member_school(id, store.school_id(school));
    }
    store.set_member_expertise(id, expertise);
    store.link_identity({Platform::console, "member-" + std::to_string(id), id});
    store.add_membership({network_id, id, role, testing::demo_now()});
    store.set_active_network(id, network_id);
    return id;
}

Id add_network(ConsoleFixture& chat, const std::string& name) {
    Network network;
    network.name = name;
    network.time_zone = "Europe/Amsterdam";
    network.created_at = testing::demo_now();
    return chat.store->create_network(network);
}

constexpr std::string_view kFollowUpJob = "question_follow_up";

}  // namespace

// ---- routing ------------------------------------------------------------------------------------

namespace {

struct Person {
    std::string name;
    std::string school;
    std::vector<std::string> expertise;
    /// Setup before the question: "paused", "left", "open question" (an unanswered routed
    /// question), "asked yesterday" (answered, but asked recently), "answered rekenen" (an
    /// earlier question tagged rekenen), "answered rekenen helpfully".
    std::string state;
};

struct RoutingCase {
    std::string what;
    std::vector<Person> people;  ///< the first one asks
    std::string question;
    int route_count = 3;
    std::vector<std::string> expected;  ///< who is asked, best first
    bool by_load = false;               ///< nobody fits: the post says so
    bool anonymous = false;             ///< asked with "vraag anoniem"
};

}  // namespace

TEST_CASE("a question goes to the members whose expertise fits best", "[questions][routing]") {
    const std::vector<RoutingCase> cases = {
        {"expertise tags decide, not the order of the roster",
         {{"Vera", "A", {}, ""},
          {"Wim", "B", {"bewegingsonderwijs"}, ""},
          {"Xander", "B", {"rekenen"}, ""},
          {"Yara", "B", {"begrijpend lezen"}, ""}},
         "Hoe leer ik groep 5 breuken rekenen?",
         3,
         {"Xander"}},
        {"tags match stems and compounds: rekenonderwijs, observeren, kleuters",
         {{"Vera", "A", {}, ""},
          {"Wim", "B", {"rekenen"}, ""},
          {"Xander", "B", {"kleuters", "observeren"}, ""},
          {"Yara", "B", {"NT2"}, ""}},
         "Wie observeert kleuter-rekenonderwijs met een kijkwijzer?",
         3,
         {"Xander", "Wim"}},
        {"another school than the asker's comes first",
         {{"Vera", "A", {}, ""}, {"Wim", "A", {"rekenen"}, ""}, {"Xander", "B", {"rekenen"}, ""}},
         "Tips voor rekenen met sterke rekenaars?",
         1,
         {"Xander"}},
        {"an anonymous question gives no hint of the asker's school: no other-school preference",
         {{"Vera", "A", {}, ""}, {"Wim", "A", {"rekenen"}, ""}, {"Xander", "B", {"rekenen"}, ""}},
         "Tips voor rekenen met sterke rekenaars?",
         1,
         {"Wim"},
         false,
         true},
        {"someone with an open unanswered question is asked after the others",
         {{"Vera", "A", {}, ""},
          {"Wim", "B", {"rekenen"}, "open question"},
          {"Xander", "B", {"rekenen"}, ""}},
         "Welke rekenmethode gebruiken jullie?",
         1,
         {"Xander"}},
        {"someone asked yesterday is asked later",
         {{"Vera", "A", {}, ""},
          {"Wim", "B", {"rekenen"}, ""},
          {"Xander", "B", {"rekenen"}, "asked yesterday"}},
         "Welke rekenmethode gebruiken jullie?",
         2,
         {"Wim", "Xander"}},
        {"members who paused are skipped, and so are those who left",
         {{"Vera", "A", {}, ""},
          {"Wim", "B", {"rekenen"}, "paused"},
          {"Xander", "B", {"rekenen"}, "left"},
          {"Yara", "B", {"rekenen"}, ""}},
         "Welke rekenmethode gebruiken jullie?",
         3,
         {"Yara"}},
        {"earlier answers count as expertise, helpful ones more",
         {{"Vera", "A", {}, ""},
          {"Wim", "B", {}, "answered rekenen"},
          {"Xander", "B", {}, "answered rekenen helpfully"},
          {"Yara", "B", {}, ""}},
         "Welke rekenmethode gebruiken jullie?",
         3,
         {"Xander", "Wim"}},
        {"never the asker, even when the asker knows most",
         {{"Vera", "A", {"rekenen", "breuken"}, ""}, {"Wim", "B", {"breuken"}, ""}},
         "Breuken rekenen in groep 6?",
         3,
         {"Wim"}},
        {"the network's number of members to ask is used",
         {{"Vera", "A", {}, ""},
          {"Wim", "B", {"rekenen"}, ""},
          {"Xander", "C", {"rekenen"}, ""},
          {"Yara", "D", {"rekenen"}, ""},
          {"Zoë", "E", {"rekenen"}, ""}},
         "Welke rekenmethode gebruiken jullie?",
         2,
         {"Wim", "Xander"}},
        {"nobody fits: the least asked, said honestly",
         {{"Vera", "A", {}, ""},
          {"Wim", "B", {"gym"}, "open question"},
          {"Xander", "B", {"muziek"}, ""},
          {"Yara", "A", {"drama"}, ""}},
         "Hoe organiseer ik een schoolreisje?",
         2,
         {"Xander", "Yara"},
         true},
    };
    for (const auto& test : cases) {
        DYNAMIC_SECTION(test.what) {
            ConsoleFixture chat;
            const auto network = add_network(chat, "Netwerk Rekenen");
            std::map<std::string, Id> ids;
            for (const auto& person : test.people) {
                ids[person.name] =
                    add_person(chat, network, person.name, person.school, person.expertise);
            }
            chat.store->set_question_route_count(network, test.route_count);
            // Load from earlier questions of another member.
            for (const auto& person : test.people) {
                const auto id = ids[person.name];
                if (person.state == "paused") {
                    chat.store->set_member_pause(id, testing::demo_now() + std::chrono::days{14});
                } else if (person.state == "left") {
                    chat.store->end_membership(network, id, testing::demo_now());
                } else if (person.state.rfind("answered rekenen", 0) == 0) {
                    Question earlier;
                    earlier.network_id = network;
                    earlier.asker_member_id = ids[test.people.front().name];
                    earlier.text = "Hoe leer je tafels?";
                    earlier.tags = {"rekenen"};
                    earlier.status = QuestionStatus::answered;
                    earlier.round = 1;
                    earlier.created_at = testing::demo_now() - std::chrono::days{60};
                    earlier.id = chat.store->create_question(earlier);
                    chat.store->create_answer({0, earlier.id, id, "Met liedjes.",
                                               person.state == "answered rekenen helpfully",
                                               AnswerConsent::none, earlier.created_at});
                } else if (person.state == "open question" || person.state == "asked yesterday") {
                    Question earlier;
                    earlier.network_id = network;
                    earlier.asker_member_id = ids[test.people.front().name];
                    earlier.text = "Een eerdere vraag";
                    earlier.status = QuestionStatus::open;
                    earlier.round = 1;
                    earlier.created_at = testing::demo_now() - std::chrono::hours{24};
                    earlier.id = chat.store->create_question(earlier);
                    chat.store->add_question_route({earlier.id, id, 1, earlier.created_at});
                    if (person.state == "asked yesterday") {
                        chat.store->create_answer({0, earlier.id, id, "Zo doe ik het.", false,
                                                   AnswerConsent::none, earlier.created_at});
                    }
                }
            }
            chat.as(test.people.front().name);
            chat.say("/prive");
            const auto reply =
                chat.say(std::string(test.anonymous ? "vraag anoniem " : "vraag ") + test.question);
            const auto number = question_number(reply);
            REQUIRE(number > 0);
            CHECK(routed(chat, number) == test.expected);
            const auto question = chat.store->question(number);
            REQUIRE(question);
            CHECK(question->status == QuestionStatus::open);
            // The asker hears who was asked, by name.
            for (const auto& name : test.expected) {
                CHECK_THAT(reply, Contains(name));
            }
            CHECK(contains_text(reply, "Niemand gaf expertise op") == test.by_load);
        }
    }
}

TEST_CASE("the routed members are mentioned in the post and asked privately",
          "[questions][routing]") {
    ConsoleFixture chat;
    chat.as("Anna");
    const auto reply = chat.say("vraag Hoe geven jullie feedback op rekenwerk? #toetsing");
    const auto number = question_number(reply);
    REQUIRE(number > 0);
    // Marieke knows feedback (another school than Anna's); Joost's "digitale feedbacktools" fits
    // partly. Nobody else's tags do, so two are asked rather than three.
    CHECK(routed(chat, number) == std::vector<std::string>{"Marieke Jansen", "Joost van Dijk"});
    const auto question = chat.store->question(number);
    REQUIRE(question);
    // Its tags: the #tag typed, then the network's expertise tags it matches.
    CHECK(question->tags == std::vector<std::string>{"toetsing", "rekenen", "feedback"});

    // The post in the group, with native mentions of both.
    const auto posts = chat.store->question_posts(number);
    REQUIRE(posts.size() == 1);
    const auto post = chat.store->outbox_row(posts.front());
    REQUIRE(post);
    CHECK_FALSE(post->message.to.direct);
    const auto& content = std::get<TextContent>(post->message.content);
    REQUIRE(content.mentions.size() == 2);
    CHECK(content.mentions[0].display_name == "Marieke Jansen");
    CHECK(content.mentions[1].display_name == "Joost van Dijk");
    CHECK_THAT(content.markdown,
               Contains("Vraag #" + std::to_string(number) + "** van Anna de Vries"));
    CHECK_THAT(reply, Contains(">>> bot to HSN-café Feedback die werkt"));
    CHECK_THAT(reply, Contains(">>> bot to Marieke Jansen (privé)"));
    CHECK_THAT(reply, Contains("Je krijgt deze vraag omdat je verstand hebt van feedback."));
    CHECK_THAT(reply, Contains(">>> bot to Joost van Dijk (privé)"));
    CHECK_THAT(reply, Contains("Ik heb Marieke Jansen en Joost van Dijk gevraagd"));
    // The next question on the same subject spreads the load: Joost and Marieke now have an open
    // question each, but still fit best; someone else's question about ICT goes to Joost only.
    chat.as("Sanne");
    const auto second = question_number(chat.say("vraag Welke ICT gebruiken jullie in de klas?"));
    CHECK(routed(chat, second) == std::vector<std::string>{"Joost van Dijk"});
}

// ---- answers and the thread ---------------------------------------------------------------------

TEST_CASE("answers reach the asker, the thread shows them, and the helpful one closes it",
          "[questions][answers]") {
    ConsoleFixture chat;
    chat.as("Anna");
    const auto number = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    REQUIRE(number > 0);
    const auto n = std::to_string(number);

    chat.as("Marieke");
    auto reply = chat.say("antwoord " + n + " Wij werken met **rubrics** en kleuren.");
    // To Anna privately, with a button; in the group the answer is there already (typed there).
    CHECK_THAT(reply, Contains(">>> bot to Anna de Vries (privé)"));
    CHECK_THAT(reply, Contains("Antwoord 1 op je vraag #" + n + ", van Marieke Jansen"));
    CHECK_THAT(reply, Contains("Dit hielp me"));
    CHECK_THAT(reply, Contains("Dank je! Ik heb je antwoord op vraag #" + n +
                               " doorgestuurd naar Anna de Vries"));

    // A reply to the question's post is an answer too.
    const auto post = chat.store->outbox_row(chat.store->question_posts(number).front());
    REQUIRE(post);
    InboundEvent event;
    event.kind = InboundEvent::Kind::message;
    event.event_id = "reply-1";
    event.conversation = {Platform::console, "console", Conversation::Kind::group, ""};
    const auto joost = member_id(chat, "Joost van Dijk");
    event.sender = {"member-" + std::to_string(joost), "Joost van Dijk", ""};
    event.text = "Ja, met een feedbackapp die de leerlingen zelf invullen.";
    event.reply_to_remote_id = post->remote_id;
    REQUIRE(chat.bot.handle(event, chat.session.now()));
    const auto answers = chat.store->answers_of(number);
    REQUIRE(answers.size() == 2);
    CHECK(answers[1].author_member_id == joost);
    CHECK(answers[1].text == event.text);  // "Ja, …" is an answer here, not a confirmation
    // So is a reply that starts like another command, in the post's thread.
    event.event_id = "reply-2";
    event.sender = {"member-" + std::to_string(member_id(chat, "Bram de Boer")), "Bram", ""};
    event.text = "Vraag het de rekencoördinator, die heeft een mooie kijkwijzer.";
    event.reply_to_remote_id.clear();
    event.conversation.thread_id = post->remote_id;
    REQUIRE(chat.bot.handle(event, chat.session.now()));
    REQUIRE(chat.store->answers_of(number).size() == 3);
    CHECK(chat.store->answers_of(number)[2].text == event.text);

    // Anyone in the network sees the whole thread.
    chat.as("Lotte");
    reply = chat.say("vraag " + n);
    CHECK_THAT(reply, Contains("Vraag #" + n + " · open"));
    CHECK_THAT(reply, Contains("Van Anna de Vries (CBS De Regenboog)"));
    CHECK_THAT(reply, Contains("Antwoorden (3)"));
    CHECK_THAT(reply, Contains("1. Marieke Jansen"));
    CHECK_THAT(reply, Contains("Wij werken met **rubrics** en kleuren."));  // as text, escaped
    CHECK_THAT(reply, Contains("2. Joost van Dijk"));
    // And the list of open questions.
    reply = chat.say("vragen");
    CHECK_THAT(reply, Contains("Open vragen in HSN-café Feedback die werkt:"));
    CHECK_THAT(reply,
               Contains("#" + n + " Hoe geven jullie feedback op rekenwerk? (3 antwoorden)"));

    SECTION("only the asker marks the helpful answer") {
        chat.as("Lotte");
        CHECK_THAT(chat.say("nuttig " + n + " 1"), Contains("Alleen wie vraag #" + n + " stelde"));
        chat.as("Anna");
        CHECK_THAT(chat.say("nuttig " + n + " 4"),
                   Contains("Vraag #" + n + " heeft geen antwoord 4"));
        reply = chat.say("nuttig " + n + " 2");
        CHECK_THAT(reply,
                   Contains("Vraag #" + n + " is beantwoord en ik heb Joost van Dijk bedankt"));
        CHECK_THAT(reply, Contains("Anna de Vries vond je antwoord op vraag #" + n + " nuttig"));
        CHECK_THAT(reply,
                   Contains("Vraag #" + n + " is beantwoord: het antwoord van Joost van Dijk"));
        const auto question = chat.store->question(number);
        CHECK(question->status == QuestionStatus::answered);
        CHECK(question->helpful_answer_id == answers[1].id);
        CHECK(chat.store->answers_of(number)[1].helpful);
        // No more answers now.
        chat.as("Bram");
        CHECK_THAT(chat.say("antwoord " + n + " Nog een idee"),
                   Contains("al beantwoord of gesloten"));
        CHECK(chat.store->answers_of(number).size() == 3);
    }
    SECTION("the button under a forwarded answer does the same") {
        InboundEvent click;
        click.kind = InboundEvent::Kind::action;
        click.event_id = "click-1";
        click.conversation = {Platform::console, "console-dm", Conversation::Kind::direct, ""};
        click.sender = {"member-" + std::to_string(member_id(chat, "Anna de Vries")), "Anna", ""};
        click.action.action_id = "helpful:" + std::to_string(answers[0].id);
        click.action.choice_ids = {"yes"};
        REQUIRE(chat.bot.handle(click, chat.session.now()));
        CHECK(chat.store->question(number)->helpful_answer_id == answers[0].id);
    }
    SECTION("the asker or a facilitator closes it; others cannot") {
        chat.as("Lotte");
        CHECK_THAT(chat.say("sluit vraag " + n),
                   Contains("alleen de vraagsteller of een procesbegeleider"));
        chat.as("Marieke");  // the organiser
        reply = chat.say("sluit vraag " + n);
        CHECK_THAT(reply, Contains("Vraag #" + n + " is gesloten."));
        CHECK_THAT(reply, Contains("Marieke Jansen heeft je vraag #" + n + " gesloten."));
        CHECK(chat.store->question(number)->status == QuestionStatus::closed);
        CHECK_THAT(chat.say("sluit vraag " + n), Contains("al beantwoord of gesloten"));
    }
}

// ---- follow-up and escalation -------------------------------------------------------------------

TEST_CASE("an unanswered question is followed up after 3 and escalated after 7 school days",
          "[questions][follow-up]") {
    ConsoleFixture chat;  // Wednesday 2 December 2026, 09:00
    chat.as("Anna");
    const auto number = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    REQUIRE(number > 0);
    const auto n = std::to_string(number);
    CHECK(routed(chat, number) == std::vector<std::string>{"Marieke Jansen", "Joost van Dijk"});

    // Thursday, Friday and the weekend pass: nothing yet.
    auto printed = chat.say("/tijd 2026-12-07 08:59");
    CHECK_THAT(printed, !Contains("vraag #" + n));
    // Monday 09:00, three school days later: the next best are asked, not the same ones again.
    printed = chat.say("/tijd 2026-12-07 09:30");
    CHECK_THAT(printed, Contains("Er is na 3 schooldagen nog geen antwoord op je vraag #" + n));
    CHECK_THAT(printed, Contains("Nog geen antwoord op vraag #" + n + ". Ik vraag nu ook"));
    CHECK_THAT(printed, Contains("Er is nog geen antwoord gekomen, dus ik vraag nu ook jou."));
    const auto asked = routed(chat, number);
    REQUIRE(asked.size() == 5);
    CHECK(asked[0] == "Marieke Jansen");
    CHECK(asked[1] == "Joost van Dijk");
    CHECK(std::count(asked.begin(), asked.end(), "Marieke Jansen") == 1);
    CHECK(std::find(asked.begin(), asked.end(), "Anna de Vries") == asked.end());
    CHECK(chat.store->question(number)->round == 2);

    // Nothing more until Friday 11 December 09:00 (seven school days): then the facilitator.
    printed = chat.say("/tijd 2026-12-11 08:59");
    CHECK_THAT(printed, !Contains("vraag #" + n));
    printed = chat.say("/tijd 2026-12-11 12:00");
    CHECK_THAT(printed, Contains(">>> bot to Marieke Jansen (privé)"));
    CHECK_THAT(printed, Contains("heeft na 7 schooldagen nog geen antwoord"));
    CHECK_THAT(printed,
               Contains("Ik heb Marieke Jansen (procesbegeleiding) gevraagd om te helpen."));
    CHECK(chat.store->question(number)->escalated);

    // A follow-up never fires twice.
    printed = chat.say("/tijd 2026-12-31 12:00");
    CHECK_THAT(printed, !Contains("vraag #" + n));
    CHECK(chat.store->job(std::string(kFollowUpJob), "q" + n + ":follow_up")->state ==
          JobState::done);
    CHECK(chat.store->job(std::string(kFollowUpJob), "q" + n + ":escalate")->state ==
          JobState::done);
}

TEST_CASE("an answer or closing cancels the follow-up", "[questions][follow-up]") {
    ConsoleFixture chat;
    chat.as("Anna");
    const auto number = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    const auto n = std::to_string(number);
    SECTION("answered on Thursday") {
        chat.say("/tijd 2026-12-03 10:00");
        chat.as("Joost");
        chat.say("antwoord " + n + " Met een exit-ticket.");
    }
    SECTION("closed by the asker") {
        chat.say("sluit vraag " + n);
    }
    const auto printed = chat.say("/tijd 2026-12-31 12:00");
    CHECK_THAT(printed, !Contains("schooldagen"));
    CHECK(routed(chat, number).size() == 2);
    CHECK(chat.store->job(std::string(kFollowUpJob), "q" + n + ":follow_up")->state ==
          JobState::cancelled);
    CHECK(chat.store->job(std::string(kFollowUpJob), "q" + n + ":escalate")->state ==
          JobState::cancelled);
}

TEST_CASE("a question asked in the evening is followed up in school time",
          "[questions][follow-up]") {
    ConsoleFixture chat;
    chat.say("/tijd 2026-12-04 21:00");  // Friday evening
    chat.as("Anna");
    const auto number = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    const auto job =
        chat.store->job(std::string(kFollowUpJob), "q" + std::to_string(number) + ":follow_up");
    REQUIRE(job);
    // Mon, Tue, Wed → Wednesday 9 December 21:00 is quiet time: Thursday 08:00 (07:00 UTC).
    CHECK(job->due_at == utc(2026, 12, 10, 7));
}

TEST_CASE("the school days are counted from when the question is sent on, not from the offer",
          "[questions][follow-up]") {
    ConsoleFixture chat;  // Wednesday 2 December 2026, 09:00
    chat.as("Marieke");
    chat.say("kennis notitie Feedback op rekenwerk | Met rubrics en een kleurcode.");
    chat.as("Anna");
    chat.say("/prive");
    CHECK_THAT(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"),
               Contains("Is dit wat je zoekt?"));
    // Thursday 08:00, the offer still open: not what she needed, so it is sent on now.
    chat.say("/tijd 2026-12-03 08:00");
    const auto number = question_number(chat.say("nee"));
    REQUIRE(number > 0);
    const auto n = std::to_string(number);
    const auto follow_up = chat.store->job(std::string(kFollowUpJob), "q" + n + ":follow_up");
    const auto escalate = chat.store->job(std::string(kFollowUpJob), "q" + n + ":escalate");
    REQUIRE(follow_up);
    REQUIRE(escalate);
    // Friday, Monday, Tuesday: Tuesday 8 December 08:00 in Amsterdam (07:00 UTC); seven school
    // days: Monday 14 December.
    CHECK(follow_up->due_at == utc(2026, 12, 8, 7));
    CHECK(escalate->due_at == utc(2026, 12, 14, 7));
}

TEST_CASE("school holidays do not count, and the timings come from the settings",
          "[questions][follow-up]") {
    BotSettings settings;
    settings.send_window.holidays = dutch_school_holidays("midden", 2026);
    settings.questions.follow_up_school_days = 2;
    settings.questions.escalation_school_days = 4;
    settings.questions.route_count = 1;
    // Thursday 17 December 2026, 10:00; the Christmas holiday runs from 19 December to 3 January.
    ConsoleFixture chat(":memory:", utc(2026, 12, 17, 9), settings);
    chat.as("Anna");
    const auto number = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    REQUIRE(number > 0);
    const auto n = std::to_string(number);
    CHECK(routed(chat, number) == std::vector<std::string>{"Marieke Jansen"});
    const auto follow_up = chat.store->job(std::string(kFollowUpJob), "q" + n + ":follow_up");
    const auto escalate = chat.store->job(std::string(kFollowUpJob), "q" + n + ":escalate");
    REQUIRE(follow_up);
    REQUIRE(escalate);
    // Friday 18 December, then Monday 4 January: 10:00 in Amsterdam is 09:00 UTC.
    CHECK(follow_up->due_at == utc(2027, 1, 4, 9));
    // Tuesday 5 and Wednesday 6 January.
    CHECK(escalate->due_at == utc(2027, 1, 6, 9));
    const auto printed = chat.say("/tijd 2027-01-04 10:30");
    CHECK_THAT(printed, Contains("Er is na 2 schooldagen nog geen antwoord op je vraag #" + n +
                                 ". Ik heb nu ook Joost van Dijk gevraagd."));
}

TEST_CASE("the scheduler reaches a member on a platform of the network, as a turn does",
          "[questions][follow-up][accounts]") {
    ConsoleFixture chat;  // Wednesday 2 December 2026, 09:00
    auto& store = *chat.store;
    // The network has a Teams channel too. Fleur, its facilitator, is on Matrix and on Teams;
    // her first account (in the order the store lists them) is the Matrix one.
    store.bind_conversation({Platform::teams, "19:feedback@thread.tacv2", chat.demo.network_id});
    Member fleur;
    fleur.display_name = "Fleur Kok";
    fleur.created_at = testing::demo_now();
    const auto fleur_id = store.create_member(fleur);
    store.link_identity({Platform::matrix, "@fleur:hsn.nl", fleur_id});
    store.link_identity({Platform::teams, "29:fleur", fleur_id});
    store.add_membership({chat.demo.network_id, fleur_id, Role::facilitator, testing::demo_now()});
    REQUIRE(store.identities_of(fleur_id).front().platform == Platform::matrix);

    chat.as("Anna");
    const auto number = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    REQUIRE(number > 0);
    // Friday 11 December, seven school days later: the scheduler asks the facilitator. Like
    // every private message about the network, it goes to her account on a platform the
    // network's conversations are on (Teams), not to her first account (Matrix).
    chat.say("/tijd 2026-12-11 12:00");
    REQUIRE(store.question(number)->escalated);
    std::vector<Address> to_fleur;
    for (Id id = 1; id < 2000; ++id) {
        const auto row = store.outbox_row(id);
        const auto* text = row ? std::get_if<TextContent>(&row->message.content) : nullptr;
        if (text && row->message.recipient_member_id == fleur_id &&
            contains_text(text->markdown, "heeft na 7 schooldagen nog geen antwoord")) {
            to_fleur.push_back(row->message.to);
        }
    }
    REQUIRE(to_fleur.size() == 1);
    CHECK(to_fleur.front().platform == Platform::teams);
    CHECK(to_fleur.front().user_id == "29:fleur");
    CHECK(to_fleur.front().direct);
}

// ---- the knowledge base: offered before routing, kept only with consent --------------------

TEST_CASE("a helpful answer is kept in the knowledge base only with its author's consent",
          "[questions][consent]") {
    ConsoleFixture chat;
    chat.as("Anna");
    const auto number = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    const auto n = std::to_string(number);
    chat.as("Marieke");
    chat.say("antwoord " + n + " Met rubrics en een kleurcode per criterium.");
    chat.as("Anna");
    auto reply = chat.say("nuttig " + n + " 1");
    CHECK_THAT(reply, Contains(">>> bot to Marieke Jansen (privé)"));
    CHECK_THAT(reply, Contains("Mag ik je antwoord op vraag #" + n + " bewaren in de kennisbank"));
    CHECK_THAT(reply, Contains("Ja, met mijn naam"));
    CHECK_THAT(reply, Contains("Ja, anoniem"));
    CHECK(chat.store->answers_of(number)[0].consent == AnswerConsent::asked);
    CHECK(chat.store->knowledge_entries(chat.demo.network_id).empty());

    chat.as("Marieke");
    SECTION("yes, with the name") {
        CHECK_THAT(chat.say("ja"),
                   Contains("Met je naam of anoniem?"));  // a plain yes is not enough
        reply = chat.say("ja met naam");
        CHECK_THAT(reply, Contains("staat in de kennisbank, met je naam"));
        CHECK_THAT(reply, Contains("Bewaard met naam"));  // the question's buttons are closed
        const auto entries = chat.store->knowledge_entries(chat.demo.network_id);
        REQUIRE(entries.size() == 1);
        CHECK(entries[0].kind == KnowledgeKind::answer);
        CHECK(entries[0].title == "Hoe geven jullie feedback op rekenwerk?");
        CHECK(entries[0].body == "Met rubrics en een kleurcode per criterium.");
        CHECK(entries[0].author_member_id == member_id(chat, "Marieke Jansen"));
        CHECK(entries[0].question_id == number);
        CHECK(entries[0].tags == std::vector<std::string>{"rekenen", "feedback"});
        CHECK(chat.store->answers_of(number)[0].consent == AnswerConsent::named);

        // The next member with the same question is offered the answer first.
        chat.as("Bram");
        reply = chat.say("vraag Hoe geef ik feedback op rekenwerk?");
        CHECK_THAT(reply, Contains("Is dit wat je zoekt?"));
        CHECK_THAT(reply, Contains("Hoe geven jullie feedback op rekenwerk?"));
        CHECK_THAT(reply, Contains("Nee, stuur mijn vraag door"));
        CHECK_THAT(reply, !Contains("staat in HSN-café"));  // not routed yet
        SECTION("it helps: nothing is sent on") {
            reply = chat.say("1");
            CHECK_THAT(reply, Contains("Fijn dat het helpt!"));
            CHECK_THAT(reply, !Contains("(privé)\n**Vraag"));
        }
        SECTION("it does not help: the question is routed after all") {
            reply = chat.say("nee");
            const auto second = question_number(reply);
            REQUIRE(second > 0);
            CHECK(chat.store->question(second)->status == QuestionStatus::open);
            CHECK_FALSE(routed(chat, second).empty());
        }
        SECTION("no answer to the offer: it expires, nothing is sent on") {
            reply = chat.say("/tijd +2d");
            CHECK_THAT(reply, Contains("Je vraag is niet doorgestuurd"));
            CHECK(chat.store->knowledge_entries(chat.demo.network_id).size() == 1);
        }
    }
    SECTION("yes, anonymously") {
        reply = chat.say("ja anoniem");
        CHECK_THAT(reply, Contains("zonder je naam"));
        const auto entries = chat.store->knowledge_entries(chat.demo.network_id);
        REQUIRE(entries.size() == 1);
        CHECK_FALSE(entries[0].author_member_id.has_value());
        CHECK(chat.store->answers_of(number)[0].consent == AnswerConsent::anonymous);
        const auto e = std::to_string(entries[0].id);

        // Still hers to withdraw: she sees it among her contributions (privately), nobody else
        // can withdraw it, and she can have it removed.
        reply = chat.say("mijn kennis");
        CHECK_THAT(reply, Contains(">>> bot to Marieke Jansen (privé)"));
        CHECK_THAT(reply, Contains("#" + e + " Hoe geven jullie feedback op rekenwerk?"));
        CHECK_THAT(reply, Contains("anoniem"));
        chat.as("Anna");  // the asker
        CHECK_THAT(chat.say("mijn kennis"), !Contains("rekenwerk"));
        CHECK_THAT(chat.say("kennis intrekken " + e + " verwijderen"),
                   Contains("staat niet op jouw naam"));
        chat.as("Joost");
        CHECK_THAT(chat.say("kennis intrekken " + e + " verwijderen"),
                   Contains("staat niet op jouw naam"));
        REQUIRE(chat.store->knowledge_entry(entries[0].id));
        chat.as("Marieke");
        reply = chat.say("kennis intrekken " + e + " verwijderen");
        CHECK_THAT(reply, Contains("is uit de kennisbank verwijderd"));
        CHECK_FALSE(chat.store->knowledge_entry(entries[0].id));
    }
    SECTION("no: nothing is stored") {
        reply = chat.say("nee");
        CHECK_THAT(reply, Contains("ik bewaar je antwoord op vraag #" + n + " niet"));
        CHECK(chat.store->knowledge_entries(chat.demo.network_id).empty());
        CHECK(chat.store->answers_of(number)[0].consent == AnswerConsent::refused);
    }
    SECTION("no answer within two weeks: the prompt expires, nothing is stored") {
        reply = chat.say("/tijd +15d");
        CHECK_THAT(reply, Contains("Verlopen zonder antwoord"));
        CHECK(chat.store->answers_of(number)[0].consent == AnswerConsent::expired);
        CHECK_THAT(chat.say("ja met naam"), Contains("Er staat niets open om te bevestigen"));
        CHECK(chat.store->knowledge_entries(chat.demo.network_id).empty());
    }
}

TEST_CASE("a click on an answered consent card never answers a later prompt",
          "[questions][consent]") {
    ConsoleFixture chat;
    const auto marieke = member_id(chat, "Marieke Jansen");
    chat.as("Anna");
    const auto first = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    chat.as("Marieke");
    chat.say("antwoord " + std::to_string(first) + " Met rubrics.");
    chat.as("Anna");
    chat.say("nuttig " + std::to_string(first) + " 1");
    auto open = chat.store->pending_of_member(marieke);
    REQUIRE(open.size() == 1);
    const auto old_prompt = open.front();
    const auto old_card = chat.store->outbox_row(*old_prompt.question_message_id);
    REQUIRE(old_card);
    const auto old_action = std::get<ChoiceQuestion>(old_card->message.content).action_id;
    chat.as("Marieke");
    CHECK_THAT(chat.say("nee"),
               Contains("ik bewaar je antwoord op vraag #" + std::to_string(first)));

    // A second helpful answer of hers: a new prompt, which may get the old prompt's number.
    chat.as("Lotte");
    const auto second = question_number(
        chat.say("vraag Welke gesprekstechnieken gebruiken jullie bij oudergesprekken?"));
    chat.as("Marieke");
    chat.say("antwoord " + std::to_string(second) + " Actief luisteren en samenvatten.");
    chat.as("Lotte");
    chat.say("nuttig " + std::to_string(second) + " 1");
    REQUIRE(chat.store->pending_of_member(marieke).size() == 1);

    // "Ja, met mijn naam" on the first card (a client that still shows its buttons): about the
    // first answer, which she said no to. Nothing is kept, the new prompt stays open.
    InboundEvent click;
    click.kind = InboundEvent::Kind::action;
    click.event_id = "old-card";
    click.conversation = {Platform::console, "console-dm", Conversation::Kind::direct, ""};
    click.sender = {"member-" + std::to_string(marieke), "Marieke Jansen", ""};
    click.action.action_id = old_action;
    click.action.choice_ids = {"named"};
    click.action.message_remote_id = old_card->remote_id;
    REQUIRE(chat.bot.handle(click, chat.session.now()));
    chat.output.str("");
    chat.session.drain();
    CHECK_THAT(chat.output.str(), Contains("al beantwoord of verlopen"));
    CHECK(chat.store->knowledge_entries(chat.demo.network_id).empty());
    CHECK(chat.store->answers_of(second)[0].consent == AnswerConsent::asked);
    REQUIRE(chat.store->pending_of_member(marieke).size() == 1);

    // The new card works.
    const auto new_card =
        chat.store->outbox_row(*chat.store->pending_of_member(marieke).front().question_message_id);
    click.event_id = "new-card";
    click.action.action_id = std::get<ChoiceQuestion>(new_card->message.content).action_id;
    click.action.message_remote_id = new_card->remote_id;
    REQUIRE(chat.bot.handle(click, chat.session.now()));
    const auto entries = chat.store->knowledge_entries(chat.demo.network_id);
    REQUIRE(entries.size() == 1);
    CHECK(entries[0].body == "Actief luisteren en samenvatten.");
    CHECK(entries[0].author_member_id == marieke);
}

TEST_CASE("a question kept out of the knowledge base is never offered for it; 'vertrouwelijk' is refused",
          "[questions][consent][confidential]") {
    std::vector<std::string> logged;
    set_log_sink([&](LogLevel, std::string_view line) { logged.emplace_back(line); });
    ConsoleFixture chat;
    chat.as("Anna");
    chat.say("/prive");
    // "vertrouwelijk" promises what a question to the network is not: nothing is sent.
    auto reply = chat.say("vraag vertrouwelijk Een ouder is boos over mijn feedback op rekenwerk.");
    CHECK(question_number(reply) == 0);
    CHECK_THAT(reply, Contains("Een vertrouwelijke vraag kan ik niet stellen"));
    CHECK_THAT(reply, Contains("vraag niet bewaren"));
    CHECK(chat.store->questions_of_network(chat.demo.network_id, QuestionStatus::open, 10).empty());
    reply = chat.say("vraag niet bewaren Een ouder is boos over mijn feedback op rekenwerk.");
    const auto number = question_number(reply);
    REQUIRE(number > 0);
    const auto n = std::to_string(number);
    CHECK_THAT(reply, Contains("Je vraag wordt niet bewaard"));
    CHECK_THAT(reply,
               Contains("Niet bewaren: deze vraag en de antwoorden komen nooit in de kennisbank"));
    CHECK(chat.store->question(number)->text == "Een ouder is boos over mijn feedback op rekenwerk.");
    CHECK(chat.store->question(number)->confidential);
    chat.as("Marieke");
    chat.say("antwoord " + n + " Bel de ouder op en luister eerst.");
    chat.as("Anna");
    reply = chat.say("nuttig " + n + " 1");
    CHECK_THAT(reply, Contains("is beantwoord"));
    CHECK_THAT(reply, !Contains("kennisbank"));
    CHECK(chat.store->answers_of(number)[0].consent == AnswerConsent::none);
    CHECK(chat.store->pending_of_member(member_id(chat, "Marieke Jansen")).empty());
    CHECK(chat.store->knowledge_entries(chat.demo.network_id).empty());
    // Nor is its answer searchable.
    CHECK(chat.store->search_knowledge({chat.demo.network_id}, "ouder boos", 5).empty());
    // Neither the question nor its answer is written to the log, not even at trace level.
    set_log_sink({});
    REQUIRE_FALSE(logged.empty());
    for (const auto& line : logged) {
        CHECK_THAT(line, !Contains("ouder is boos"));
        CHECK_THAT(line, !Contains("luister eerst"));
    }
}

// ---- anonymity ----------------------------------------------------------------------------------

TEST_CASE("an anonymous question typed in the group is refused: the group saw the name",
          "[questions][anonymous]") {
    ConsoleFixture chat;
    chat.as("Sanne");
    const auto reply = chat.say("vraag anoniem Hoe geef je feedback aan een collega?");
    CHECK_THAT(reply, Contains("Een anonieme vraag stel je in een privégesprek met mij"));
    CHECK(question_number(reply) == 0);
}

TEST_CASE("an anonymous asker appears in no message, no other table and no log line",
          "[questions][anonymous][sqlite]") {
    const auto path = std::filesystem::temp_directory_path() /
                      ("leernetwerk-questions-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(path);
    std::vector<std::string> logged;
    set_log_sink([&](LogLevel, std::string_view line) { logged.emplace_back(line); });
    Id number = 0;
    Id sanne = 0;
    {
        ConsoleFixture chat(path.string());
        sanne = member_id(chat, "Sanne Bakker");
        chat.as("Sanne");
        chat.say("/prive");
        auto reply =
            chat.say("vraag anoniem Hoe geef ik feedback aan een collega die niet wil luisteren?");
        number = question_number(reply);
        REQUIRE(number > 0);
        const auto n = std::to_string(number);
        CHECK_THAT(reply, Contains("alleen ik weet dat jij het vroeg"));
        CHECK_THAT(reply, Contains("van een collega (anoniem)"));
        chat.as("Marieke");
        reply = chat.say("antwoord " + n + " Vraag eerst wat hij zelf wil bereiken.");
        CHECK_THAT(reply, Contains("doorgestuurd naar de vraagsteller"));
        CHECK_THAT(reply, Contains(">>> bot to Sanne Bakker (privé)"));  // forwarded by the bot
        reply = chat.say("vraag " + n);
        CHECK_THAT(reply, Contains("Van een collega (anoniem)"));
        CHECK_THAT(reply, !Contains("Sanne"));
        chat.as("Sanne");
        reply = chat.say("nuttig " + n + " 1");
        CHECK_THAT(reply, Contains("De vraagsteller vond je antwoord op vraag #" + n + " nuttig"));
        chat.as("Marieke");
        chat.say("ja met naam");
        chat.say("/tijd 2026-12-20 12:00");  // every job there is has run

        // No message to anyone but Sanne names her or carries her account.
        for (const auto& [recipient, text] : outbox_texts(chat)) {
            if (recipient != sanne) {
                CHECK_THAT(text, !Contains("Sanne"));
                CHECK_THAT(text, !Contains("member-" + std::to_string(sanne)));
            }
        }
        const auto entries = chat.store->knowledge_entries(chat.demo.network_id);
        REQUIRE(entries.size() == 1);
        CHECK(entries[0].author_member_id == member_id(chat, "Marieke Jansen"));
    }
    set_log_sink({});
    REQUIRE_FALSE(logged.empty());
    for (const auto& line : logged) {
        CHECK_THAT(line, !Contains("Sanne"));
        CHECK_THAT(line, !Contains("member-" + std::to_string(sanne)));
        // Not even at trace level is the text logged next to the event that ties it to her.
        CHECK_THAT(line, !Contains("niet wil luisteren"));
    }

    // In the database file: the asker is in questions.asker_member_id and nowhere else that
    // refers to the question (routes, answers, prompts, jobs, knowledge base).
    sqlite3* raw = nullptr;
    REQUIRE(sqlite3_open_v2(path.string().c_str(), &raw, SQLITE_OPEN_READONLY, nullptr) ==
            SQLITE_OK);
    const auto count = [&](const std::string& sql) {
        sqlite3_stmt* statement = nullptr;
        REQUIRE(sqlite3_prepare_v2(raw, sql.c_str(), -1, &statement, nullptr) == SQLITE_OK);
        REQUIRE(sqlite3_step(statement) == SQLITE_ROW);
        const auto value = sqlite3_column_int64(statement, 0);
        sqlite3_finalize(statement);
        return value;
    };
    const auto s = std::to_string(sanne);
    const auto q = std::to_string(number);
    CHECK(count("SELECT count(*) FROM questions WHERE id = " + q + " AND asker_member_id = " + s +
                " AND anonymous = 1") == 1);
    CHECK(count("SELECT count(*) FROM question_routes WHERE member_id = " + s) == 0);
    CHECK(count("SELECT count(*) FROM answers WHERE author_member_id = " + s) == 0);
    CHECK(count("SELECT count(*) FROM pending_actions WHERE member_id = " + s) == 0);
    CHECK(count("SELECT count(*) FROM knowledge_entries WHERE author_member_id = " + s) == 0);
    CHECK(count("SELECT count(*) FROM knowledge_entries WHERE title LIKE '%Sanne%' OR body LIKE "
                "'%Sanne%' OR tags LIKE '%Sanne%'") == 0);
    // The question's messages (posts and private questions) are none of Sanne's.
    CHECK(count("SELECT count(*) FROM question_messages m JOIN outbox o ON o.id = m.message_id "
                "WHERE o.recipient_member_id = " +
                s + " OR o.user_id = 'member-" + s + "'") == 0);
    // Every outbox row that names her or goes to her account is addressed to her.
    CHECK(count("SELECT count(*) FROM outbox WHERE (content LIKE '%Sanne%' OR user_id = 'member-" +
                s + "') AND recipient_member_id IS NOT " + s) == 0);
    sqlite3_close(raw);
    for (const auto* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path.string() + suffix);
    }
}

TEST_CASE("what the anonymous asker does in the group looks to the group like anyone else's try",
          "[questions][anonymous]") {
    ConsoleFixture chat;
    const auto sanne = member_id(chat, "Sanne Bakker");
    const auto lotte = member_id(chat, "Lotte Mulder");
    chat.as("Sanne");
    chat.say("/prive");
    const auto number = question_number(
        chat.say("vraag anoniem Hoe geef ik feedback aan een collega die niet wil luisteren?"));
    REQUIRE(number > 0);
    const auto n = std::to_string(number);
    chat.say("/groep");
    chat.as("Marieke");
    chat.say("antwoord " + n + " Vraag eerst wat hij zelf wil bereiken.");
    const auto group = ">>> bot to HSN-café Feedback die werkt";
    const auto post = chat.store->outbox_row(chat.store->question_posts(number).front());
    REQUIRE(post);

    // A reply in the question's thread in the group: from anyone else it is an answer,
    // acknowledged privately; from Sanne the group must not see anything different either.
    const auto reply_in_thread = [&](Id who, const std::string& event_id) {
        InboundEvent event;
        event.kind = InboundEvent::Kind::message;
        event.event_id = event_id;
        event.conversation = {Platform::console, "console", Conversation::Kind::group,
                              post->remote_id};
        event.sender = {"member-" + std::to_string(who), "", ""};
        event.text = "Dank jullie wel allemaal!";
        REQUIRE(chat.bot.handle(event, chat.session.now()));
        chat.output.str("");
        chat.session.drain();
        return chat.output.str();
    };
    auto seen = reply_in_thread(lotte, "thread-lotte");
    CHECK_THAT(seen, !Contains(group));
    seen = reply_in_thread(sanne, "thread-sanne");
    CHECK_THAT(seen, !Contains(group));
    CHECK_THAT(seen, Contains(">>> bot to Sanne Bakker (privé)\nJe vraag #" + n + " is anoniem"));
    CHECK(chat.store->answers_of(number).size() == 2);  // Marieke's and Lotte's

    // Marking an answer helpful or closing the question, typed in the group.
    chat.as("Lotte");
    CHECK_THAT(chat.say("nuttig " + n + " 1"), !Contains(group));
    CHECK_THAT(chat.say("sluit vraag " + n), !Contains(group));
    chat.as("Sanne");
    seen = chat.say("nuttig " + n + " 1");
    CHECK_THAT(seen, !Contains(group));
    CHECK_THAT(seen, Contains("Doe het hier, in ons privégesprek"));
    seen = chat.say("sluit vraag " + n);
    CHECK_THAT(seen, !Contains(group));
    CHECK_THAT(seen, Contains("Doe het hier, in ons privégesprek"));
    CHECK(chat.store->question(number)->status == QuestionStatus::open);

    // In the private chat it works, and the group hears only that the question is answered.
    chat.say("/prive");
    seen = chat.say("nuttig " + n + " 1");
    CHECK_THAT(seen,
               Contains("Vraag #" + n + " is beantwoord: het antwoord van Marieke Jansen hielp"));
    CHECK(chat.store->question(number)->status == QuestionStatus::answered);
}

// ---- isolation and bad input --------------------------------------------------------------------

TEST_CASE("a member of another network cannot see, answer or close a question",
          "[questions][isolation]") {
    ConsoleFixture chat;
    const auto other = add_network(chat, "HSN-café Rekenen");
    add_person(chat, other, "Kees Prins", "OBS Het Anker", {"rekenen", "feedback"});
    add_person(chat, other, "Lies Vos", "OBS De Linde", {"rekenen"});
    chat.as("Anna");
    const auto number = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    REQUIRE(number > 0);
    const auto n = std::to_string(number);
    // Kees fits by expertise but is in another network: never asked.
    CHECK(routed(chat, number) == std::vector<std::string>{"Marieke Jansen", "Joost van Dijk"});

    chat.as("Kees");
    chat.say("/prive");
    const auto unknown = "Vraag " + n + " ken ik niet in jouw netwerken.";
    const auto missing = "Vraag 99999 ken ik niet in jouw netwerken.";
    CHECK_THAT(chat.say("vraag " + n), Contains(unknown));
    CHECK_THAT(chat.say("vraag 99999"),
               Contains(missing));  // the same words: existence is not told
    CHECK_THAT(chat.say("antwoord " + n + " Zo doe ik het."), Contains(unknown));
    CHECK_THAT(chat.say("nuttig " + n + " 1"), Contains(unknown));
    CHECK_THAT(chat.say("sluit vraag " + n), Contains(unknown));
    CHECK(chat.store->answers_of(number).empty());
    CHECK(chat.store->question(number)->status == QuestionStatus::open);

    // Kees's own question stays in his network, where it is number 1 too (numbers are per
    // network): Anna's "vraag 1" is her own network's question.
    const auto his = question_number(chat.say("vraag Hoe oefenen jullie de tafels met feedback?"));
    REQUIRE(his == 1);
    const auto his_id = chat.store->question_by_number(other, static_cast<int>(his))->id;
    CHECK(routed(chat, his_id) == std::vector<std::string>{"Lies Vos"});
    const auto listed = chat.say("vragen");
    CHECK_THAT(listed, Contains("#" + std::to_string(his) + " Hoe oefenen jullie de tafels"));
    CHECK_THAT(listed, !Contains("rekenwerk"));
    chat.as("Anna");
    const auto hers = chat.say("vraag " + std::to_string(his));
    CHECK_THAT(hers, Contains("rekenwerk"));
    CHECK_THAT(hers, !Contains("tafels"));
    // Naming Kees's network does not help her: the same reply as for a number that is not there.
    CHECK_THAT(chat.say("vraag " + std::to_string(his) + " in HSN-café Rekenen"),
               Contains("Vraag 1 ken ik niet in jouw netwerken."));

    // The list of open questions, asked in a group that is no network's (a chat with others):
    // Anna gets it privately, the group does not.
    InboundEvent list;
    list.kind = InboundEvent::Kind::message;
    list.event_id = "list-elsewhere";
    list.conversation = {Platform::console, "lerarenkamer", Conversation::Kind::group, ""};
    list.sender = {"member-" + std::to_string(member_id(chat, "Anna de Vries")), "Anna", ""};
    list.text = "vragen";
    const auto handled = chat.bot.handle(list, chat.session.now());
    REQUIRE(handled);
    REQUIRE_FALSE(handled->message_ids.empty());
    int private_lists = 0;
    for (const auto id : handled->message_ids) {
        const auto row = chat.store->outbox_row(id);
        REQUIRE(row);
        if (contains_text(std::get<TextContent>(row->message.content).markdown, "rekenwerk")) {
            ++private_lists;
            CHECK(row->message.to.direct);
            CHECK(row->message.to.conversation_id != "lerarenkamer");
        }
    }
    CHECK(private_lists == 1);

    // Lotte is in both networks: asked in the demo network's group, the other network's thread
    // is shown to her privately, not to the group.
    chat.store->add_membership(
        {other, member_id(chat, "Lotte Mulder"), Role::participant, testing::demo_now()});
    chat.as("Lotte");
    const auto shown = chat.say("vraag " + std::to_string(his) + " in HSN-café Rekenen");
    CHECK_THAT(shown, Contains(">>> bot to Lotte Mulder (privé)\nVraag #" + std::to_string(his)));
    CHECK_THAT(shown, !Contains(">>> bot to HSN-café Feedback die werkt"));
}

TEST_CASE("wrong input about questions gets a friendly reply and changes nothing",
          "[questions][input]") {
    ConsoleFixture chat;
    chat.as("Anna");
    CHECK_THAT(chat.say("vraag"), Contains("Typ vraag en dan je vraag"));
    CHECK_THAT(chat.say("vraag ?"), Contains("Ik zie nog geen vraag"));
    CHECK_THAT(chat.say("vraag anoniem"), Contains("Ik zie nog geen vraag"));
    CHECK_THAT(chat.say("antwoord"), Contains("Typ antwoord, het nummer van de vraag"));
    CHECK_THAT(chat.say("antwoord 12345 Zo dus."), Contains("Vraag 12345 ken ik niet"));
    // A number too long to be a question's is not sent to the network as a question either.
    for (const auto* typed : {"vraag 99999999999999999999", "vraag #1234567890123"}) {
        INFO(typed);
        const auto reply = chat.say(typed);
        CHECK_THAT(reply, Contains("ken ik niet in jouw netwerken"));
        CHECK(question_number(reply) == 0);
    }
    CHECK(chat.store->questions_of_network(chat.demo.network_id, QuestionStatus::open, 10).empty());
    CHECK_THAT(chat.say("nuttig"), Contains("Typ nuttig, het nummer van je vraag"));
    CHECK_THAT(chat.say("sluit vraag"), Contains("Typ sluit vraag en het nummer"));
    CHECK_THAT(chat.say("pauze morgen misschien"), Contains("Typ bijvoorbeeld pauze 2 weken"));
    CHECK_THAT(chat.say("experts per vraag 4"),
               Contains("Alleen organisatoren en procesbegeleiders"));

    const auto number =
        question_number(chat.say("vraag Wat doet **dit** en <b>dat</b> en [klik](http://x.nl)?"));
    REQUIRE(number > 0);
    const auto n = std::to_string(number);
    const auto post = chat.store->outbox_row(chat.store->question_posts(number).front());
    const auto& markdown = std::get<TextContent>(post->message.content).markdown;
    CHECK_THAT(markdown,
               Contains("\\*\\*dit\\*\\* en \\<b\\>dat\\</b\\> en \\[klik\\](http://x.nl)"));

    CHECK_THAT(chat.say("antwoord " + n + " Mijn eigen antwoord"), Contains("je eigen vraag"));
    chat.as("Marieke");
    CHECK_THAT(chat.say("antwoord " + n), Contains("Je antwoord op vraag #" + n + " is leeg"));
    CHECK(chat.store->answers_of(number).empty());
    chat.as("Anna");
    chat.say("sluit vraag " + n);
    chat.as("Marieke");
    CHECK_THAT(chat.say("antwoord " + n + " Te laat"), Contains("al beantwoord of gesloten"));
    CHECK(chat.store->answers_of(number).empty());

    // Someone the bot does not know.
    InboundEvent event;
    event.kind = InboundEvent::Kind::message;
    event.event_id = "stranger-1";
    event.conversation = {Platform::console, "console", Conversation::Kind::group, ""};
    event.sender = {"someone-else", "Onbekend", ""};
    event.text = "antwoord " + n + " Ik weet het!";
    const auto handled = chat.bot.handle(event, chat.session.now());
    REQUIRE(handled);
    CHECK(chat.store->answers_of(number).empty());
}

// ---- pauses and the number of members to ask --------------------------------------------------

TEST_CASE("members pause being asked; facilitators set how many are asked", "[questions][pause]") {
    ConsoleFixture chat;
    chat.as("Joost");
    CHECK_THAT(chat.say("pauze"), Contains("Je hebt geen pauze"));
    CHECK_THAT(chat.say("pauze 2 weken"), Contains("tot woensdag 16 december"));
    CHECK_THAT(chat.say("pauze"), Contains("Je hebt pauze tot woensdag 16 december"));
    CHECK_THAT(chat.say("pauze tot 1 maart"), Contains("tot maandag 1 maart"));
    // Too long, or so large it would wrap around to a few days: refused, the pause kept.
    for (const auto* typed :
         {"pauze 613566757 weken", "pauze 2147483647 dagen", "pauze 53 weken", "pauze 367 dagen",
          "pauze 0 dagen", "pauze -2 weken", "pauze 99999999999 dagen", "pauze tot 31 februari"}) {
        INFO(typed);
        CHECK_THAT(chat.say(typed), Contains("Typ bijvoorbeeld pauze 2 weken"));
        CHECK_THAT(chat.say("pauze"), Contains("Je hebt pauze tot maandag 1 maart"));
    }
    chat.as("Anna");
    auto number = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    CHECK(routed(chat, number) == std::vector<std::string>{"Marieke Jansen"});
    chat.as("Joost");
    CHECK_THAT(chat.say("pauze uit"), Contains("Je pauze is voorbij"));
    // In English too (in her private chat: the group speaks Dutch).
    chat.say("/prive");
    chat.say("language en");
    CHECK_THAT(chat.say("pause 3 days"), Contains("until Saturday 5 December"));
    CHECK_THAT(chat.say("pause until 1 March"), Contains("until Monday 1 March"));
    CHECK_THAT(chat.say("pause off"), Contains("Your pause is over"));

    chat.as("Marieke");
    CHECK_THAT(chat.say("experts per vraag"), Contains("eerst naar 3 leden"));
    CHECK_THAT(chat.say("experts per vraag 11"), Contains("Typ een aantal van 1 tot 10"));
    CHECK_THAT(chat.say("experts per vraag 1"), Contains("voortaan eerst naar 1 leden"));
    chat.as("Bram");
    number = question_number(chat.say("vraag Hoe organiseer ik een schoolreisje?"));
    CHECK(routed(chat, number).size() == 1);
}

TEST_CASE("questions work in English for members who chose it", "[questions][english]") {
    ConsoleFixture chat;
    chat.as("Joost");
    chat.say("/prive");
    chat.say("language en");
    auto reply = chat.say("ask How do you give feedback with rubrics?");
    const std::regex kNumber(R"(Your question #(\d+) is in HSN-café Feedback die werkt)");
    std::smatch match;
    REQUIRE(std::regex_search(reply, match, kNumber));
    const auto n = match[1].str();
    CHECK_THAT(reply, Contains("I have asked"));
    CHECK_THAT(reply, Contains("Bram de Boer"));  // rubrics
    chat.as("Bram");
    chat.say("answer " + n + " We score each criterion with a colour.");
    chat.as("Joost");
    reply = chat.say("helpful " + n + " 1");
    CHECK_THAT(reply,
               Contains("Great! Question #" + n + " is answered and I have thanked Bram de Boer."));
    CHECK_THAT(chat.say("questions"), Contains("There are no open questions"));
}

TEST_CASE("a numbered prompt accepts its number and its label, also where no card is clicked",
          "[questions][consent][prompt]") {
    // The forwarded answer offers "1. Dit hielp me", the consent "1. Ja, met mijn naam 2. Ja,
    // anoniem 3. Nee". Each is answered after switching speakers, as on Teams, where no adapter
    // reads a typed number for the card.
    for (const auto& [helpful, consent] : std::vector<std::pair<std::string, std::string>>{
             {"1", "2"}, {"Dit hielp me", "Ja, anoniem"}, {"dit hielp me!", "ja, ANONIEM."}}) {
        INFO(helpful << " / " << consent);
        ConsoleFixture chat;
        chat.as("Anna");
        const auto number =
            question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
        const auto n = std::to_string(number);
        chat.as("Marieke");
        chat.say("antwoord " + n + " Met rubrics en een kleurcode per criterium.");
        chat.as("Anna");
        auto reply = chat.say(helpful);
        CHECK(chat.store->question(number)->status == QuestionStatus::answered);
        CHECK_THAT(reply,
                   Contains("Mag ik je antwoord op vraag #" + n + " bewaren in de kennisbank"));
        chat.as("Marieke");
        reply = chat.say(consent);
        CHECK_THAT(reply, !Contains("begrijp ik niet"));
        const auto entries = chat.store->knowledge_entries(chat.demo.network_id);
        REQUIRE(entries.size() == 1);
        CHECK_FALSE(entries[0].author_member_id.has_value());
        CHECK(chat.store->answers_of(number)[0].consent == AnswerConsent::anonymous);
        // Answered: a later "2" is not taken as the old prompt's answer again.
        CHECK_THAT(chat.say("2"), !Contains("kennisbank"));
    }
}

TEST_CASE("a prompt in English accepts its English label", "[questions][consent][prompt]") {
    ConsoleFixture chat;
    chat.say("taal en");  // Marieke reads English
    chat.as("Anna");
    const auto number = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    const auto n = std::to_string(number);
    chat.as("Marieke");
    chat.say("antwoord " + n + " Met rubrics.");
    chat.as("Anna");
    CHECK_THAT(chat.say("nuttig " + n + " 1"), Contains("Yes, anonymously"));
    chat.as("Marieke");
    chat.say("/prive");
    CHECK_THAT(chat.say("yes, anonymously."), Contains("without your name"));
    CHECK(chat.store->answers_of(number)[0].consent == AnswerConsent::anonymous);
}

TEST_CASE("after 'nuttig' the asker's 'Dit hielp me' buttons close", "[questions][helpful]") {
    ConsoleFixture chat;
    chat.as("Anna");
    const auto number = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    const auto n = std::to_string(number);
    chat.as("Marieke");
    chat.say("antwoord " + n + " Met rubrics.");
    chat.as("Bram");
    chat.say("antwoord " + n + " Met een kleurcode.");
    chat.as("Anna");
    const auto reply = chat.say("nuttig " + n + " 2");
    CHECK_THAT(reply, Contains("Dit antwoord hielp je"));   // Bram's card
    CHECK_THAT(reply, Contains("De vraag is beantwoord"));  // Marieke's card
    // Typing "1" afterwards is not read as a click on an old card.
    CHECK_THAT(chat.say("1"), !Contains("al beantwoord"));
}

TEST_CASE("the same question or agenda item twice in a row is not taken twice",
          "[questions][duplicate]") {
    ConsoleFixture chat;
    chat.as("Anna");
    const auto first = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    REQUIRE(first > 0);
    const auto again = chat.say("vraag hoe geven jullie feedback op rekenwerk?");
    CHECK_THAT(again, Contains("Die vraag heb je al gesteld: vraag #" + std::to_string(first)));
    CHECK(question_number(again) == 0);
    chat.say("agendapunt Rekenen in groep 8");
    CHECK_THAT(chat.say("agendapunt Rekenen in groep 8"),
               Contains("Dat punt staat al op de lijst"));
    CHECK(chat.store->agenda_items(chat.demo.network_id).size() == 1);
    // The console names a person, not an account, also on an update of a private card.
    chat.as("Marieke");
    chat.say("antwoord " + std::to_string(first) + " Met rubrics.");
    chat.as("Anna");
    chat.say("nuttig " + std::to_string(first) + " 1");
    chat.as("Marieke");
    const auto kept = chat.say("ja met naam");
    CHECK_THAT(kept, Contains("Bewaard met naam"));
    CHECK_THAT(kept, !Contains("bot to member-"));
}

TEST_CASE("a question is asked anonymously with every anonymous word the bot knows",
          "[questions][anonymous][arguments]") {
    // "verborgen", "zonder mijn naam" and "hide my name" were understood by agenda items only,
    // "anonymously" by polls only; a question now reads them as "anoniem" too.
    ConsoleFixture chat;
    chat.as("Sanne");
    chat.say("/prive");
    const auto* word = GENERATE("verborgen", "Zonder mijn naam:", "hide my name", "anonymously");
    INFO(word);
    const auto reply = chat.say(std::string("vraag ") + word +
                                " Hoe geef ik feedback aan een collega die niet wil luisteren?");
    const auto number = question_number(reply);
    REQUIRE(number > 0);
    CHECK_THAT(reply, Contains("van een collega (anoniem)"));
    const auto question = chat.store->question(number);
    REQUIRE(question.has_value());
    CHECK(question->anonymous);
    CHECK(question->text == "Hoe geef ik feedback aan een collega die niet wil luisteren?");
}

TEST_CASE("consent to keep an answer reads the shared anonymous and named words",
          "[questions][consent][arguments]") {
    ConsoleFixture chat;
    chat.as("Anna");
    const auto number = question_number(chat.say("vraag Hoe geven jullie feedback op rekenwerk?"));
    const auto n = std::to_string(number);
    chat.as("Marieke");
    chat.say("antwoord " + n + " Met rubrics en een kleurcode per criterium.");
    chat.as("Anna");
    chat.say("nuttig " + n + " 1");
    chat.as("Marieke");
    SECTION("anonymous: words that agenda items understood") {
        const auto* typed = GENERATE("ja verborgen", "ja hide my name", "ja zonder naam");
        INFO(typed);
        const auto said = chat.say(typed);
        INFO(said);
        CHECK_THAT(said, Contains("zonder je naam"));
        CHECK(chat.store->answers_of(number)[0].consent == AnswerConsent::anonymous);
    }
    SECTION("named: 'niet anoniem' (understood by polls) holds an anonymous word, and wins") {
        const auto* typed = GENERATE("ja niet anoniem", "yes with my name", "ja met naam");
        INFO(typed);
        CHECK_THAT(chat.say(typed), Contains("met je naam"));
        CHECK(chat.store->answers_of(number)[0].consent == AnswerConsent::named);
    }
}
