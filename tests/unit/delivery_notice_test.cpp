// A reply the platform never took: its member is told another way where that is possible
// (bot/delivery_notice.hpp). The delivery engine gives the row up and calls
// Bot::delivery_given_up in the same transaction; the scheduler then sends the notice.
#include <catch2/catch.hpp>

#include "support/console_fixture.hpp"

using namespace leernetwerk;
using Catch::Matchers::Contains;
using leernetwerk::testing::ConsoleFixture;
using leernetwerk::testing::demo_now;

namespace {

constexpr const char* kTeamsGroup = "19:cafe-feedback@thread.tacv2";
constexpr const char* kMarieke = "29:marieke";

struct Rig {
    ConsoleFixture chat;
    Member marieke;
    int events = 0;

    Rig() {
        for (const auto& member : chat.store->members()) {
            if (member.display_name == "Marieke Jansen") {
                marieke = member;
            }
        }
        chat.store->link_identity({Platform::teams, kMarieke, marieke.id});
        chat.store->bind_conversation({Platform::teams, kTeamsGroup, chat.demo.network_id});
    }

    /// Marieke types `text` in the network's Teams channel; returns the outbox ids it caused.
    std::vector<Id> in_channel(const std::string& text) {
        InboundEvent event;
        event.event_id = "teams-" + std::to_string(++events);
        event.conversation = {Platform::teams, kTeamsGroup, Conversation::Kind::group, ""};
        event.sender = {kMarieke, "Marieke Jansen", ""};
        event.text = text;
        const auto handled = chat.bot.handle(event, demo_now());
        REQUIRE(handled);
        return handled->message_ids;
    }

    /// What the platform does after its last try: the row is failed, in the transaction that
    /// tells the core; then the scheduler runs.
    void give_up(Id outbox_id) {
        chat.store->transaction([&] {
            chat.store->mark_outbox_failed(outbox_id, "403 Forbidden", demo_now());
            chat.bot.delivery_given_up(outbox_id, demo_now());
        });
        REQUIRE(chat.bot.tick(demo_now()));
    }

    /// Rows to `platform` that are still to be sent, after `after`.
    std::vector<OutboxRow> pending_after(Platform platform, Id after) {
        std::vector<OutboxRow> rows;
        for (auto& row : chat.store->outbox_in_state(platform, OutboxState::pending)) {
            if (row.message.id > after) {
                rows.push_back(std::move(row));
            }
        }
        return rows;
    }

    static std::string text_of(const OutboxRow& row) {
        return std::get<TextContent>(row.message.content).markdown;
    }
};

}  // namespace

TEST_CASE("a reply in a group that never arrived reaches its member privately, with what it said",
          "[delivery][notice]") {
    Rig rig;
    const auto ids = rig.in_channel("bijeenkomsten");
    REQUIRE(ids.size() == 1);
    const auto reply = rig.chat.store->outbox_row(ids.front());
    REQUIRE(reply);
    REQUIRE_FALSE(reply->message.to.direct);
    REQUIRE(std::holds_alternative<Summary>(reply->message.content));

    rig.give_up(ids.front());

    const auto notices = rig.pending_after(Platform::teams, ids.front());
    REQUIRE(notices.size() == 2);
    const auto& notice = notices.front();
    CHECK(notice.message.to.direct);
    CHECK(notice.message.to.user_id == kMarieke);
    CHECK(notice.message.recipient_member_id == rig.marieke.id);
    const auto text = Rig::text_of(notice);
    CHECK_THAT(text, Contains("Mijn antwoord op je bericht in de groep van HSN-café Feedback die "
                              "werkt is daar niet aangekomen: Teams nam het niet aan."));
    CHECK_THAT(text, Contains("Hieronder staat het nog eens."));
    // Then the list of meetings itself, to her alone.
    const auto& copy = notices.back();
    CHECK(copy.message.to.user_id == kMarieke);
    CHECK(copy.message.recipient_member_id == rig.marieke.id);
    CHECK(console::render(copy.message) == console::render(reply->message));
    CHECK_FALSE(rig.chat.store->outbox_cause(copy.message.id));
    // Told once: the notice answers nobody itself, so its own failure causes nothing more.
    CHECK_FALSE(rig.chat.store->outbox_cause(notice.message.id));
    rig.give_up(notice.message.id);
    rig.give_up(copy.message.id);
    CHECK(rig.pending_after(Platform::teams, copy.message.id).empty());
}

TEST_CASE("a private answer that never arrived: a word in the group on how to open a chat, "
          "never its content",
          "[delivery][notice]") {
    Rig rig;
    const auto ids = rig.in_channel("mijn gegevens");
    REQUIRE(ids.size() == 1);
    const auto answer = rig.chat.store->outbox_row(ids.front());
    REQUIRE(answer);
    REQUIRE(answer->message.to.direct);  // her data go to her private chat
    const auto said = Rig::text_of(*answer);

    rig.give_up(ids.front());

    const auto notices = rig.pending_after(Platform::teams, ids.front());
    REQUIRE(notices.size() == 1);
    const auto& notice = notices.front();
    CHECK_FALSE(notice.message.to.direct);
    CHECK(notice.message.to.conversation_id == kTeamsGroup);
    const auto text = Rig::text_of(notice);
    CHECK_THAT(text, Contains("Marieke Jansen, ik kon je mijn antwoord niet privé sturen."));
    CHECK_THAT(text, Contains("Open in Teams een chat met Leernetwerk bot"));
    CHECK_THAT(text, !Contains("CBS De Wegwijzer"));  // nothing of what the answer said
    CHECK_THAT(said, Contains("CBS De Wegwijzer"));
    const auto& mentions = std::get<TextContent>(notice.message.content).mentions;
    REQUIRE(mentions.size() == 1);
    CHECK(mentions.front().member_id == rig.marieke.id);
}

TEST_CASE("a private answer that never arrived goes to the member's account on the other platform",
          "[delivery][notice]") {
    Rig rig;
    rig.chat.store->link_identity({Platform::matrix, "@marieke:hsn.nl", rig.marieke.id});
    rig.chat.say("taal engels");  // the notice is in her language
    const auto ids = rig.in_channel("mijn gegevens");
    REQUIRE(ids.size() == 1);
    const auto said = Rig::text_of(*rig.chat.store->outbox_row(ids.front()));

    rig.give_up(ids.front());

    CHECK(rig.pending_after(Platform::teams, ids.front()).empty());
    const auto notices = rig.pending_after(Platform::matrix, 0);
    REQUIRE(notices.size() == 2);
    CHECK(notices.front().message.to.user_id == "@marieke:hsn.nl");
    const auto text = Rig::text_of(notices.front());
    CHECK_THAT(text, Contains("My answer to your message in your private chat on Teams did not "
                              "arrive, so I am sending it here."));
    CHECK(notices.back().message.to.user_id == "@marieke:hsn.nl");
    CHECK(Rig::text_of(notices.back()) == said);
}

TEST_CASE("no notice for a reply that arrived after all, nor once its member is erased",
          "[delivery][notice]") {
    Rig rig;
    SECTION("delivered in the end") {
        const auto ids = rig.in_channel("bijeenkomsten");
        rig.chat.store->transaction(
            [&] { rig.chat.bot.delivery_given_up(ids.front(), demo_now()); });
        rig.chat.store->mark_outbox_sent(ids.front(), "1234", demo_now());
        REQUIRE(rig.chat.bot.tick(demo_now()));
        CHECK(rig.pending_after(Platform::teams, ids.front()).empty());
    }
    SECTION("erased") {
        const auto ids = rig.in_channel("bijeenkomsten");
        rig.chat.store->mark_outbox_sent(ids.front(), "1234", demo_now());
        REQUIRE(rig.chat.store->outbox_cause(ids.front()));
        rig.chat.store->erase_member(rig.marieke.id);
        // Nothing says any more whose message the group's reply answered.
        CHECK_FALSE(rig.chat.store->outbox_cause(ids.front()));
    }
}

TEST_CASE("only replies to the sender record whom they answer", "[delivery][notice]") {
    Rig rig;
    // An announcement to the network's other conversations answers nobody in them.
    rig.chat.store->bind_conversation({Platform::matrix, "!cafe:hsn.nl", rig.chat.demo.network_id});
    const auto ids = rig.in_channel("plan bijeenkomst 23 maart 15:30");
    REQUIRE(ids.size() >= 1);
    int causes = 0;
    for (const auto id : ids) {
        const auto row = rig.chat.store->outbox_row(id);
        REQUIRE(row);
        const auto cause = rig.chat.store->outbox_cause(id);
        if (row->message.to.platform == Platform::matrix) {
            CHECK_FALSE(cause);
        } else if (cause) {
            ++causes;
            CHECK(cause->member_id == rig.marieke.id);
            CHECK(cause->origin.conversation_id == kTeamsGroup);
        }
    }
    CHECK(causes >= 1);
}
