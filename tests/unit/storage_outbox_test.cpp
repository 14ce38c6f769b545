// SqliteStore: transactions, the inbox, the outbox and adapter state.
#include "storage_test_support.hpp"

namespace {

using namespace leernetwerk;
using namespace leernetwerk::storage_test;
using Catch::Matchers::Contains;

}  // namespace

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
