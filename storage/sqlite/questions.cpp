// The Store's questions to the network on SQLite: questions, who was asked, answers, the messages
// that show a question, members' pauses and each network's number of members to ask.
#include <string>

#include "bot/vocab/text.hpp"
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {
namespace {

constexpr std::string_view kQuestionSelect = R"sql(
SELECT id, network_id, asker_member_id, anonymous, confidential, text, tags, status, round,
       escalated, helpful_answer_id, created_at, closed_at, number
FROM questions
)sql";

Question read_question(const Query& query) {
    Question question;
    question.id = query.column_int(0);
    question.network_id = query.column_int(1);
    question.asker_member_id = query.column_optional_int(2).value_or(0);
    question.anonymous = query.column_int(3) != 0;
    question.confidential = query.column_int(4) != 0;
    question.text = query.column_text(5);
    question.tags = split_tags(query.column_text(6));
    const auto status = query.column_text(7);
    question.status = decode(parse_question_status_code(status), "question status", status);
    question.round = static_cast<int>(query.column_int(8));
    question.escalated = query.column_int(9) != 0;
    question.helpful_answer_id = query.column_optional_int(10);
    question.created_at = query.column_instant(11);
    if (const auto closed = query.column_optional_int(12)) {
        question.closed_at = Instant{std::chrono::seconds{*closed}};
    }
    question.number = static_cast<int>(query.column_int(13));
    return question;
}

constexpr std::string_view kAnswerSelect = R"sql(
SELECT id, question_id, author_member_id, text, helpful, consent, created_at FROM answers
)sql";

Answer read_answer(const Query& query) {
    Answer answer;
    answer.id = query.column_int(0);
    answer.question_id = query.column_int(1);
    answer.author_member_id = query.column_optional_int(2).value_or(0);
    answer.text = query.column_text(3);
    answer.helpful = query.column_int(4) != 0;
    const auto consent = query.column_text(5);
    answer.consent = decode(parse_answer_consent_code(consent), "answer consent", consent);
    answer.created_at = query.column_instant(6);
    return answer;
}

std::string sql(std::string_view select, std::string_view rest) {
    return std::string(select) + std::string(rest);
}

}  // namespace

Id SqliteStore::create_question(const Question& question) {
    Atomic atomic{impl_->db(), "create_question"};
    const int number = impl_->next_number(question.network_id, "question");
    Query query = impl_->query(R"sql(
INSERT INTO questions (network_id, asker_member_id, anonymous, confidential, text, tags, status,
                       round, escalated, helpful_answer_id, created_at, closed_at, number)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
RETURNING id
)sql",
                               "create_question");
    query.bind_int(1, question.network_id)
        .bind_optional_int(2, id_or_null(question.asker_member_id))
        .bind_int(3, question.anonymous ? 1 : 0)
        .bind_int(4, question.confidential ? 1 : 0)
        .bind_text(5, question.text)
        .bind_text(6, join_tags(question.tags))
        .bind_text(7, question_status_code(question.status))
        .bind_int(8, question.round)
        .bind_int(9, question.escalated ? 1 : 0)
        .bind_optional_int(10, question.helpful_answer_id)
        .bind_instant(11, question.created_at);
    if (question.closed_at) {
        query.bind_instant(12, *question.closed_at);
    } else {
        query.bind_null(12);
    }
    query.bind_int(13, number);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    atomic.commit();
    return id;
}

std::optional<Question> SqliteStore::question(Id id) {
    static const std::string kSql = sql(kQuestionSelect, "WHERE id = ?1");
    Query query = impl_->query(kSql, "question");
    query.bind_int(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_question(query);
}

std::optional<Question> SqliteStore::question_by_number(Id network_id, int number) {
    static const std::string kSql = sql(kQuestionSelect, "WHERE network_id = ?1 AND number = ?2");
    Query query = impl_->query(kSql, "question_by_number");
    query.bind_int(1, network_id).bind_int(2, number);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_question(query);
}

void SqliteStore::update_question(const Question& question) {
    Query query = impl_->query(R"sql(
UPDATE questions SET tags = ?2, status = ?3, round = ?4, escalated = ?5, helpful_answer_id = ?6,
                     closed_at = ?7
WHERE id = ?1
)sql",
                               "update_question");
    query.bind_int(1, question.id)
        .bind_text(2, join_tags(question.tags))
        .bind_text(3, question_status_code(question.status))
        .bind_int(4, question.round)
        .bind_int(5, question.escalated ? 1 : 0)
        .bind_optional_int(6, question.helpful_answer_id);
    if (question.closed_at) {
        query.bind_instant(7, *question.closed_at);
    } else {
        query.bind_null(7);
    }
    Impl::require_changed(query.run(), "update_question", "question", question.id);
}

void SqliteStore::delete_question(Id id) {
    Query query = impl_->query("DELETE FROM questions WHERE id = ?1", "delete_question");
    query.bind_int(1, id);
    query.run();
}

std::vector<Question> SqliteStore::questions_of_network(Id network_id, QuestionStatus status,
                                                        int limit) {
    static const std::string kSql =
        sql(kQuestionSelect, "WHERE network_id = ?1 AND status = ?2 ORDER BY id DESC LIMIT ?3");
    Query query = impl_->query(kSql, "questions_of_network");
    query.bind_int(1, network_id).bind_text(2, question_status_code(status)).bind_int(3, limit);
    std::vector<Question> out;
    while (query.step()) {
        out.push_back(read_question(query));
    }
    return out;
}

void SqliteStore::add_question_route(const QuestionRoute& route) {
    Query query = impl_->query(R"sql(
INSERT INTO question_routes (question_id, member_id, round, routed_at) VALUES (?1, ?2, ?3, ?4)
ON CONFLICT (question_id, member_id) DO NOTHING
)sql",
                               "add_question_route");
    query.bind_int(1, route.question_id)
        .bind_int(2, route.member_id)
        .bind_int(3, route.round)
        .bind_instant(4, route.routed_at);
    query.run();
}

std::vector<QuestionRoute> SqliteStore::question_routes(Id question_id) {
    Query query = impl_->query(R"sql(
SELECT question_id, member_id, round, routed_at FROM question_routes
WHERE question_id = ?1 ORDER BY id
)sql",
                               "question_routes");
    query.bind_int(1, question_id);
    std::vector<QuestionRoute> out;
    while (query.step()) {
        out.push_back({query.column_int(0), query.column_int(1),
                       static_cast<int>(query.column_int(2)), query.column_instant(3)});
    }
    return out;
}

std::vector<RouteLoad> SqliteStore::route_loads() {
    Query query = impl_->query(R"sql(
SELECT r.member_id,
       SUM(CASE WHEN q.status = 'open' AND NOT EXISTS (
               SELECT 1 FROM answers a
               WHERE a.question_id = r.question_id AND a.author_member_id = r.member_id)
           THEN 1 ELSE 0 END),
       MAX(r.routed_at)
FROM question_routes r JOIN questions q ON q.id = r.question_id
GROUP BY r.member_id ORDER BY r.member_id
)sql",
                               "route_loads");
    std::vector<RouteLoad> out;
    while (query.step()) {
        RouteLoad load;
        load.member_id = query.column_int(0);
        load.open_unanswered = static_cast<int>(query.column_int(1));
        load.last_routed_at = query.column_instant(2);
        out.push_back(load);
    }
    return out;
}

Id SqliteStore::create_answer(const Answer& answer) {
    Query query = impl_->query(R"sql(
INSERT INTO answers (question_id, author_member_id, text, helpful, consent, created_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6)
RETURNING id
)sql",
                               "create_answer");
    query.bind_int(1, answer.question_id)
        .bind_optional_int(2, id_or_null(answer.author_member_id))
        .bind_text(3, answer.text)
        .bind_int(4, answer.helpful ? 1 : 0)
        .bind_text(5, answer_consent_code(answer.consent))
        .bind_instant(6, answer.created_at);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

std::optional<Answer> SqliteStore::answer(Id id) {
    static const std::string kSql = sql(kAnswerSelect, "WHERE id = ?1");
    Query query = impl_->query(kSql, "answer");
    query.bind_int(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_answer(query);
}

std::vector<Answer> SqliteStore::answers_of(Id question_id) {
    static const std::string kSql = sql(kAnswerSelect, "WHERE question_id = ?1 ORDER BY id");
    Query query = impl_->query(kSql, "answers_of");
    query.bind_int(1, question_id);
    std::vector<Answer> out;
    while (query.step()) {
        out.push_back(read_answer(query));
    }
    return out;
}

void SqliteStore::update_answer(const Answer& answer) {
    Query query = impl_->query("UPDATE answers SET helpful = ?2, consent = ?3 WHERE id = ?1",
                               "update_answer");
    query.bind_int(1, answer.id)
        .bind_int(2, answer.helpful ? 1 : 0)
        .bind_text(3, answer_consent_code(answer.consent));
    Impl::require_changed(query.run(), "update_answer", "answer", answer.id);
}

std::vector<AnswerEvidence> SqliteStore::answer_evidence(Id network_id) {
    Query query = impl_->query(R"sql(
SELECT a.author_member_id, q.tags, q.text, a.helpful, q.confidential
FROM answers a JOIN questions q ON q.id = a.question_id
WHERE q.network_id = ?1 ORDER BY a.id
)sql",
                               "answer_evidence");
    query.bind_int(1, network_id);
    std::vector<AnswerEvidence> out;
    while (query.step()) {
        AnswerEvidence evidence;
        evidence.author_member_id = query.column_optional_int(0).value_or(0);
        evidence.question_tags = split_tags(query.column_text(1));
        evidence.question_text = query.column_text(2);
        evidence.helpful = query.column_int(3) != 0;
        evidence.confidential = query.column_int(4) != 0;
        out.push_back(std::move(evidence));
    }
    return out;
}

void SqliteStore::add_question_message(Id question_id, Id message_id, QuestionMessageKind kind) {
    Query query = impl_->query(R"sql(
INSERT INTO question_messages (message_id, question_id, kind) VALUES (?1, ?2, ?3)
ON CONFLICT (message_id) DO NOTHING
)sql",
                               "add_question_message");
    query.bind_int(1, message_id)
        .bind_int(2, question_id)
        .bind_text(3, kind == QuestionMessageKind::post ? "post" : "routed");
    query.run();
}

std::optional<Id> SqliteStore::question_of_message(Id message_id) {
    Query query = impl_->query("SELECT question_id FROM question_messages WHERE message_id = ?1",
                               "question_of_message");
    query.bind_int(1, message_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return query.column_int(0);
}

std::vector<Id> SqliteStore::question_posts(Id question_id) {
    Query query = impl_->query(R"sql(
SELECT message_id FROM question_messages WHERE question_id = ?1 AND kind = 'post'
ORDER BY message_id
)sql",
                               "question_posts");
    query.bind_int(1, question_id);
    std::vector<Id> out;
    while (query.step()) {
        out.push_back(query.column_int(0));
    }
    return out;
}

void SqliteStore::set_member_pause(Id member_id, std::optional<Instant> until) {
    if (!until) {
        Query query =
            impl_->query("DELETE FROM member_pauses WHERE member_id = ?1", "set_member_pause");
        query.bind_int(1, member_id);
        query.run();
        return;
    }
    impl_->require_member(member_id, "set_member_pause");
    Query query = impl_->query(R"sql(
INSERT INTO member_pauses (member_id, until) VALUES (?1, ?2)
ON CONFLICT (member_id) DO UPDATE SET until = excluded.until
)sql",
                               "set_member_pause");
    query.bind_int(1, member_id).bind_instant(2, *until);
    query.run();
}

std::optional<Instant> SqliteStore::member_pause(Id member_id) {
    Query query =
        impl_->query("SELECT until FROM member_pauses WHERE member_id = ?1", "member_pause");
    query.bind_int(1, member_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return query.column_instant(0);
}

std::optional<int> SqliteStore::question_route_count(Id network_id) {
    Query query =
        impl_->query("SELECT route_count FROM network_question_settings WHERE network_id = ?1",
                     "question_route_count");
    query.bind_int(1, network_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return static_cast<int>(query.column_int(0));
}

void SqliteStore::set_question_route_count(Id network_id, int count) {
    Query query = impl_->query(R"sql(
INSERT INTO network_question_settings (network_id, route_count) VALUES (?1, ?2)
ON CONFLICT (network_id) DO UPDATE SET route_count = excluded.route_count
)sql",
                               "set_question_route_count");
    query.bind_int(1, network_id).bind_int(2, count);
    query.run();
}

}  // namespace leernetwerk::storage
