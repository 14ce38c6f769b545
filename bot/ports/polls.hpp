#pragma once
// Polls and evaluations: questions, invitees, respondents and answers (named polls), sealed
// ballots (open anonymous polls) and the messages an anonymous poll caused.
#include <optional>
#include <string_view>
#include <vector>

#include "bot/features/polls/poll.hpp"
#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// Polls and their answers.
class Polls {
public:
    virtual ~Polls() = default;

    /// Stores a poll with its questions and the next number of its network; returns its id.
    virtual Id create_poll(const Poll& poll) = 0;
    virtual std::optional<Poll> poll(Id id) = 0;
    /// The poll a network knows by this number, if any.
    virtual std::optional<Poll> poll_by_number(Id network_id, int number) = 0;
    /// A network's polls, newest first.
    virtual std::vector<Poll> polls_of(Id network_id) = 0;
    /// Every open poll, oldest first.
    virtual std::vector<Poll> open_polls() = 0;
    virtual void close_poll(Id id, Instant now) = 0;
    /// Who a poll was sent to (says nothing about who answered).
    virtual void add_poll_invitees(Id poll_id, const std::vector<Id>& member_ids) = 0;
    virtual std::vector<Id> poll_invitees(Id poll_id) = 0;
    /// Records a respondent once; false when the token answered before. `member_id` only for
    /// named polls.
    virtual bool add_poll_respondent(Id poll_id, std::string_view token,
                                     std::optional<Id> member_id) = 0;
    /// Respondents ordered by token (a keyed hash: no order of answering).
    virtual std::vector<PollRespondent> poll_respondents(Id poll_id) = 0;
    /// Stores (or replaces) one answer; true when it replaced an earlier one.
    virtual bool set_poll_answer(Id poll_id, const PollAnswer& answer) = 0;
    /// Every answer of a poll, ordered by token and question.
    virtual std::vector<PollAnswer> poll_answers(Id poll_id) = 0;
    /// The answers of one respondent, by question.
    virtual std::vector<PollAnswer> poll_answers_of(Id poll_id, std::string_view token) = 0;
    /// One person answered an open named poll from two accounts that are now one member: the
    /// answers of `from_token` go to `into_token` where it has none for that question, and the
    /// `from_token` respondent is removed.
    virtual void merge_poll_respondent(Id poll_id, std::string_view into_token,
                                       std::string_view from_token) = 0;
    /// Removes every respondent and answer of a poll (an open anonymous poll of an earlier
    /// version, whose answers are moved into sealed ballots).
    virtual void remove_poll_answers(Id poll_id) = 0;
    /// Replaces every sealed ballot of an open anonymous poll (an empty list removes them).
    virtual void replace_poll_ballots(Id poll_id, const std::vector<SealedBallot>& ballots) = 0;
    /// The sealed ballots of a poll, in slot order (random).
    virtual std::vector<SealedBallot> poll_ballots(Id poll_id) = 0;
    /// Links a message to a member (outbox id) to the anonymous poll that caused it.
    virtual void link_poll_message(Id message_id, Id poll_id) = 0;
    /// Removes the messages a closed poll caused that are delivered (or given up); those still on
    /// their way stay linked until a later call. Returns how many were removed.
    virtual int forget_poll_messages(Id poll_id) = 0;
    /// Closed polls that still have linked messages (on their way when the poll closed).
    virtual std::vector<Id> closed_polls_with_messages() = 0;
    /// How many answers an anonymous poll needs before results are shown (nullopt: the default).
    virtual std::optional<int> poll_min_respondents(Id network_id) = 0;
    virtual void set_poll_min_respondents(Id network_id, int count) = 0;
};

}  // namespace leernetwerk
