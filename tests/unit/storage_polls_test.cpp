// SqliteStore: polls and their answers.
#include "storage_test_support.hpp"

namespace {

using namespace leernetwerk;
using namespace leernetwerk::storage_test;
using Catch::Matchers::Contains;

}  // namespace

TEST_CASE("a poll keeps its questions; answers are replaced by token and read in token order",
          "[storage][polls]") {
    TempDir dir;
    const std::string path = dir.file("polls.db");
    auto store = SqliteStore::open(path);
    const Id network_id = add_network(*store, "Rekenen");
    const Id anna = add_member(*store, "Anna");
    Poll poll;
    poll.network_id = network_id;
    poll.created_by = anna;
    poll.title = "Welke datum past?";
    poll.template_code = "";
    poll.lang = Lang::en;
    poll.anonymous = false;
    poll.live = true;
    poll.deadline = at(5000);
    poll.audience = PollAudience::role;
    poll.role = Role::expert;
    poll.created_at = at(100);
    PollQuestion choice;
    choice.kind = PollQuestion::Kind::multiple;
    choice.prompt = "Welke \"datum\"?";
    choice.options = {"12 maart", "19 \"maart\"", "26 maart"};
    choice.max_choices = 2;
    PollQuestion scale;
    scale.kind = PollQuestion::Kind::rating;
    scale.prompt = "Hoe?";
    scale.label = "Waardering";
    scale.scale = 10;
    scale.low_label = "slecht";
    scale.high_label = "goed";
    poll.questions = {choice, scale};
    const Id id = store->create_poll(poll);

    const auto back = store->poll(id);
    REQUIRE(back);
    CHECK(back->title == poll.title);
    CHECK(back->lang == Lang::en);
    CHECK_FALSE(back->anonymous);
    CHECK(back->live);
    CHECK(back->deadline == at(5000));
    CHECK(back->audience == PollAudience::role);
    CHECK(back->role == Role::expert);
    CHECK(back->state == PollState::open);
    REQUIRE(back->questions.size() == 2);
    CHECK(back->questions[0].options == choice.options);
    CHECK(back->questions[0].max_choices == 2);
    CHECK(back->questions[1].kind == PollQuestion::Kind::rating);
    CHECK(back->questions[1].scale == 10);
    CHECK(back->questions[1].high_label == "goed");
    CHECK(store->open_polls().size() == 1);

    store->add_poll_invitees(id, {anna, anna});
    CHECK(store->poll_invitees(id) == std::vector<Id>{anna});
    CHECK(store->add_poll_respondent(id, "ffff", anna));
    CHECK_FALSE(store->add_poll_respondent(id, "ffff", anna));
    CHECK(store->add_poll_respondent(id, "0000", std::nullopt));
    const auto respondents = store->poll_respondents(id);
    REQUIRE(respondents.size() == 2);
    CHECK(respondents[0].token == "0000");  // by token, not by when
    CHECK_FALSE(respondents[0].member_id);
    CHECK(respondents[1].member_id == anna);

    CHECK_FALSE(store->set_poll_answer(id, {"ffff", 0, "1,3"}));
    CHECK(store->set_poll_answer(id, {"ffff", 0, "2"}));
    CHECK_FALSE(store->set_poll_answer(id, {"0000", 1, "7"}));
    const auto answers = store->poll_answers(id);
    REQUIRE(answers.size() == 2);
    CHECK(answers[0].token == "0000");
    CHECK(answers[1].value == "2");
    CHECK(store->poll_answers_of(id, "ffff").size() == 1);

    CHECK_FALSE(store->poll_min_respondents(network_id));
    store->set_poll_min_respondents(network_id, 5);
    store->set_poll_min_respondents(network_id, 4);
    CHECK(store->poll_min_respondents(network_id) == 4);

    store->close_poll(id, at(6000));
    CHECK(store->poll(id)->state == PollState::closed);
    CHECK(store->poll(id)->closed_at == at(6000));
    CHECK(store->open_polls().empty());
    CHECK(store->polls_of(network_id).size() == 1);
    {
        RawDb raw{path};
        raw.exec("PRAGMA foreign_keys = ON");
        raw.exec("DELETE FROM networks WHERE id = " + std::to_string(network_id));
    }
    CHECK_FALSE(store->poll(id));
    CHECK(store->poll_answers(id).empty());
    CHECK(store->poll_respondents(id).empty());
}
