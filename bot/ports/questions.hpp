#pragma once
// Questions to the network: the question, who was asked (routes), answers, the messages that
// show a question, and members' pauses from being asked.
#include <optional>
#include <vector>

#include "bot/features/questions/questions.hpp"
#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// Questions, routes and answers.
class Questions {
public:
    virtual ~Questions() = default;

    /// Stores a new question with the next number of its network; returns its id.
    virtual Id create_question(const Question& question) = 0;
    virtual std::optional<Question> question(Id id) = 0;
    /// The question a network knows by this number, if any (drafts included).
    virtual std::optional<Question> question_by_number(Id network_id, int number) = 0;
    /// Overwrites status, tags, round, escalated, helpful answer and closed_at.
    virtual void update_question(const Question& question) = 0;
    /// Deletes a question that was never sent on (a draft), with everything attached to it.
    virtual void delete_question(Id id) = 0;
    /// A network's questions in a state, newest first, at most `limit`.
    virtual std::vector<Question> questions_of_network(Id network_id, QuestionStatus status,
                                                       int limit) = 0;
    /// Records that a member was asked to answer (once per question and member).
    virtual void add_question_route(const QuestionRoute& route) = 0;
    /// Who was asked, in the order they were asked.
    virtual std::vector<QuestionRoute> question_routes(Id question_id) = 0;
    /// The routing load of every member that was ever asked (members not listed were never asked).
    virtual std::vector<RouteLoad> route_loads() = 0;
    virtual Id create_answer(const Answer& answer) = 0;
    virtual std::optional<Answer> answer(Id id) = 0;
    /// A question's answers, oldest first (their position is the number members type).
    virtual std::vector<Answer> answers_of(Id question_id) = 0;
    /// Overwrites helpful and consent.
    virtual void update_answer(const Answer& answer) = 0;
    /// Every answer given in a network, with its question's tags: who knows what.
    virtual std::vector<AnswerEvidence> answer_evidence(Id network_id) = 0;
    /// Links a sent message (outbox id) to the question it shows, so a reply to it is an answer.
    virtual void add_question_message(Id question_id, Id message_id, QuestionMessageKind kind) = 0;
    virtual std::optional<Id> question_of_message(Id message_id) = 0;
    /// The outbox ids of a question's posts in network conversations, oldest first.
    virtual std::vector<Id> question_posts(Id question_id) = 0;
    /// Until when a member does not want to be asked questions; nullopt clears the pause.
    virtual void set_member_pause(Id member_id, std::optional<Instant> until) = 0;
    virtual std::optional<Instant> member_pause(Id member_id) = 0;
    /// How many members a network's questions go to; nullopt: the default.
    virtual std::optional<int> question_route_count(Id network_id) = 0;
    virtual void set_question_route_count(Id network_id, int count) = 0;
};

}  // namespace leernetwerk
