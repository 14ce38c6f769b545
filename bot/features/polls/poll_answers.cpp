// Polls and quick evaluations (DOMAIN.md §5.3, issue 6): a facilitator asks, each member answers
// privately one question at a time, one reminder goes to who has not answered, and a neutral
// summary goes back to the group when the poll closes. This file: answering, typed and clicked,
// one question at a time (the rest: poll_flows.hpp).
//
// Anonymity: an answer is stored under the respondent token, HMAC-SHA256(key, poll id, member id)
// with the key outside the database (BotSettings::poll_secret). The token finds a member's own
// answers (to replace them, to ask the next question, to remind who has not answered); without
// the key nothing in the database links an answer to a member. Receipts never repeat an anonymous
// answer, group posts never name who answered, and the text of an answer is never logged.
#include <algorithm>
#include <set>

#include "bot/features/polls/poll_flows.hpp"

#include "bot/features/polls/ballot_box.hpp"
#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk {
namespace {

using namespace detail;
using K = PollQuestion::Kind;

constexpr std::size_t kMaxAnswerChars = kMaxOpenAnswerChars;

// ---- asking ---------------------------------------------------------------------------------

/// The first question not in `done`.
std::optional<std::size_t> first_unanswered(const Poll& poll, const std::set<int>& done) {
    for (std::size_t i = 0; i < poll.questions.size(); ++i) {
        if (!done.count(static_cast<int>(i))) {
            return i;
        }
    }
    return std::nullopt;
}

std::optional<std::size_t> next_question(Store& store, const BotSettings& settings, const Poll& poll,
                                         const std::string& token) {
    std::set<int> done;
    for (const auto& answer : answers_of_token(store, settings, poll, token)) {
        done.insert(answer.question);
    }
    return first_unanswered(poll, done);
}

// ---- answering -----------------------------------------------------------------------------

/// The poll an answer of the sender is for (`poll`, found by its `number`), when they may answer
/// it; otherwise nullopt after telling them why (privately). A poll of a network they are not in
/// gets the same reply as a number that does not exist.
std::optional<std::pair<Poll, Network>> answerable(detail::Turn& turn, std::optional<Poll> poll,
                                                   long long typed) {
    const auto refuse = [&](std::string_view key, const MessageArgs& args) {
        turn.reply_privately(TextContent{turn.t(std::string(key), args), {}});
        return std::nullopt;
    };
    const MessageArgs number = {{"number", std::to_string(typed)}};
    if (!poll) {
        return refuse("poll.unknown", number);
    }
    auto network = turn.store.network(poll->network_id);
    if (!network || !turn.membership_in(network->id)) {
        return refuse("poll.unknown", number);
    }
    const auto invitees = turn.store.poll_invitees(poll->id);
    if (std::find(invitees.begin(), invitees.end(), turn.me->id) == invitees.end()) {
        return refuse("poll.not_invited", number);
    }
    if (poll->state == PollState::closed || turn.now >= poll->deadline) {
        return refuse("poll.closed_for_answers", {{"number", std::to_string(poll->number)},
                                                  {"title", title_of(*poll, turn.lang)}});
    }
    return std::make_pair(std::move(*poll), std::move(*network));
}

/// The poll a typed number means for the sender: among the networks where it is looked up
/// (detail::number_networks; "… in <network>" at the end of `rest` names one), the open polls they
/// were invited to; when none has the number, any poll with it (to say why it cannot be
/// answered). Several: asks which network, sets `asked`.
std::optional<Poll> poll_to_answer(detail::Turn& turn, int number, std::string& rest, bool& asked) {
    const auto networks = detail::number_networks(turn, rest);
    const auto open_for_me = [&](const Poll& poll) {
        if (poll.state != PollState::open || turn.now >= poll.deadline) {
            return false;
        }
        const auto invitees = turn.store.poll_invitees(poll.id);
        return std::find(invitees.begin(), invitees.end(), turn.me->id) != invitees.end();
    };
    for (const bool only_open : {true, false}) {
        auto poll = detail::find_numbered<Poll>(
            turn, detail::NumberedKind::poll, number, networks, false, asked,
            [&](const Network& network) -> std::optional<Poll> {
                auto found = turn.store.poll_by_number(network.id, number);
                // What follows the number may be an anonymous answer: never logged, also when
                // the bot only asks which network was meant.
                turn.confidential = turn.confidential || (found && found->anonymous);
                if (found && found->anonymous) {
                    turn.anonymous_poll = found->id;  // the question is forgotten at closing
                }
                if (found && only_open && !open_for_me(*found)) {
                    return std::nullopt;
                }
                return found;
            });
        if (poll || asked) {
            return poll;
        }
    }
    return std::nullopt;
}

enum class ValueError { none, bad_option, too_many, empty };

/// Checks choice ids ("1".."n") against a question; the stored value, or why not.
std::string choice_value(const PollQuestion& question, const std::vector<std::string>& ids,
                         ValueError& error) {
    const std::size_t points = question.kind == K::rating ? static_cast<std::size_t>(question.scale)
                                                          : question.options.size();
    std::set<int> chosen;
    for (const auto& id : ids) {
        const auto read = read_number(id, 3);
        if (!read) {
            error = ValueError::bad_option;
            return {};
        }
        const auto number = static_cast<int>(*read);
        if (number < 1 || static_cast<std::size_t>(number) > points) {
            error = ValueError::bad_option;
            return {};
        }
        chosen.insert(number);
    }
    if (chosen.empty()) {
        error = ValueError::empty;
        return {};
    }
    const int max = question.kind == K::multiple ? question.max_choices : 1;
    if (static_cast<int>(chosen.size()) > max || chosen.size() != ids.size()) {
        error = chosen.size() != ids.size() ? ValueError::bad_option : ValueError::too_many;
        return {};
    }
    std::string value;
    for (const auto number : chosen) {
        value += (value.empty() ? "" : ",") + std::to_string(number);
    }
    error = ValueError::none;
    return value;
}

/// Reads a typed answer to a choice question: "2", "1, 3", "1 3", or an option's text.
std::vector<std::string> typed_choices(const Poll& poll, std::size_t index, Lang lang,
                                       std::string_view typed) {
    std::vector<std::string> ids;
    std::string spaced(typed);
    std::replace(spaced.begin(), spaced.end(), ',', ' ');
    const auto parts = words(spaced);
    if (!parts.empty() && std::all_of(parts.begin(), parts.end(), [](const std::string& p) {
            return read_number(p, 3).has_value();
        })) {
        return parts;
    }
    const auto folded = fold(typed);
    const auto& question = poll.questions[index];
    for (std::size_t i = 0; i < question.options.size(); ++i) {
        if (fold(question.options[i]) == folded ||
            fold(markdown_to_plain(options_of(poll, index, lang)[i])) == folded) {
            ids.push_back(std::to_string(i + 1));
            return ids;
        }
    }
    ids.push_back("0");  // matches nothing: answered with a clear reply
    return ids;
}

bool is_skip(std::string_view typed) {
    const auto folded = fold(typed);
    return folded == "overslaan" || folded == "sla over" || folded == "skip" || folded == "-";
}

/// Stores one answer of the sender and asks the next question.
void record_answer(detail::Turn& turn, const Poll& poll, const Network& network, std::size_t index,
                   const std::string& value, const ActionSubmission* clicked) {
    auto& post = turn.postman;
    const Privately privately{.network_id = network.id};
    const auto token = respondent_token(turn.settings, poll.id, turn.me->id);
    bool replaced = false;
    std::optional<std::size_t> next;
    if (poll.anonymous) {
        // Sealed in the member's ballot; every ballot of the poll is sealed anew (ballot_box.hpp).
        // The next question is read from the same, already opened box.
        turn.confidential = true;
        turn.anonymous_poll = poll.id;
        BallotBox box(turn.store, turn.settings, poll);
        replaced = box.cast(token, static_cast<int>(index), value);
        std::set<int> done;
        for (const auto& [answered, ignored] : box.find(token)->answers) {
            done.insert(answered);
        }
        next = first_unanswered(poll, done);
    } else {
        turn.store.add_poll_respondent(poll.id, token, turn.me->id);
        replaced = turn.store.set_poll_answer(poll.id, {token, static_cast<int>(index), value});
        next = next_question(turn.store, turn.settings, poll, token);
    }
    const auto& question = poll.questions[index];
    std::string note;
    if (value.empty() && !poll.anonymous) {
        note = turn.t("poll.skipped");
    } else if (poll.anonymous && !replaced) {
        // One receipt for an anonymous answer and a skip alike: it stays in the outbox, with the
        // member's name, until the poll closes, and a skip told apart would match the one
        // respondent whose answer to that question is empty.
        note = turn.t("poll.received_anonymous");
    } else if (replaced) {
        note = turn.t("poll.replaced");
    } else if (!poll.anonymous && question.kind != K::text) {
        // Named: the receipt may say what was chosen. Anonymous receipts never do.
        std::string chosen;
        const auto options = options_of(poll, index, turn.lang);
        for (const auto& part : split(value, ',')) {
            const auto n = static_cast<std::size_t>(std::stoi(part));
            const auto label = question.kind == K::rating
                                   ? part
                                   : (n >= 1 && n <= options.size() ? options[n - 1] : part);
            chosen += (chosen.empty() ? "" : ", ") + label;
        }
        note = turn.t("poll.received_named") + " " + chosen;
    } else {
        note = turn.t("poll.received");
    }
    if (question.kind != K::text) {
        // The question closes where it was asked: the clicked card is updated in place when
        // it is known; otherwise a closed copy follows (it also ends a typed-number answer).
        auto closed = std::get<ChoiceQuestion>(
            question_content(poll, network, turn.settings, index, turn.lang, ""));
        closed.closed_note = note;
        std::optional<OutboxRow> original;
        if (clicked && !clicked->message_remote_id.empty()) {
            original = turn.store.outbox_row_by_remote_id(turn.event.conversation.platform,
                                                          clicked->message_remote_id);
        }
        const auto* asked =
            original ? std::get_if<ChoiceQuestion>(&original->message.content) : nullptr;
        if (original && asked && asked->action_id == closed.action_id &&
            original->message.recipient_member_id == turn.me->id) {
            turn.update(original->message.id, original->message.to, closed, turn.lang);
        } else {
            post.to_member(*turn.me, closed, privately);
        }
    } else {
        post.to_member(*turn.me, TextContent{note, {}}, privately);
    }
    if (next) {
        post.to_member(
            *turn.me,
            [&](Lang lang) {
                return question_content(poll, network, turn.settings, *next, lang, "");
            },
            privately);
    } else if (!replaced || value.empty()) {
        post.to_member(*turn.me, [&](Lang lang) -> Content {
            return TextContent{
                tr(lang, poll.live ? "poll.done_live" : "poll.done",
                   {{"number", std::to_string(poll.number)},
                    {"deadline", moment(poll.deadline, network, turn.settings, lang)}}),
                {}};
        }, privately);
    }
}

/// Answers question `index` with what was typed; replies when it does not fit.
void answer_with_text(detail::Turn& turn, const Poll& poll, const Network& network,
                      std::size_t index, const std::string& typed) {
    if (poll.anonymous) {
        turn.confidential = true;  // even an answer that does not fit is never logged
        turn.anonymous_poll = poll.id;
    }
    const auto& question = poll.questions[index];
    if (is_skip(typed)) {
        record_answer(turn, poll, network, index, "", nullptr);
        return;
    }
    if (question.kind == K::text) {
        const auto text = std::string(trim(typed));
        if (utf8_length(text) > kMaxAnswerChars) {
            turn.reply_privately(TextContent{
                turn.t("poll.answer_too_long", {{"max", std::to_string(kMaxAnswerChars)}}), {}});
            return;
        }
        record_answer(turn, poll, network, index, text, nullptr);
        return;
    }
    ValueError error = ValueError::none;
    const auto value = choice_value(question, typed_choices(poll, index, turn.lang, typed), error);
    if (error != ValueError::none) {
        const auto points =
            question.kind == K::rating ? question.scale : static_cast<int>(question.options.size());
        turn.reply_privately(TextContent{
            turn.t(error == ValueError::too_many ? "poll.too_many_choices" : "poll.bad_typed",
                   {{"count", std::to_string(points)},
                    {"max", std::to_string(question.max_choices)},
                    {"number", std::to_string(poll.number)}}),
            {}});
        return;
    }
    record_answer(turn, poll, network, index, value, nullptr);
}

}  // namespace

namespace detail {

// ---- answering
// -----------------------------------------------------------------------------------

void answer_poll(Turn& turn, const std::string& args) {
    const auto leading = read_leading_number(args, kMaxIntDigits);
    const auto number = leading ? std::optional<Id>(leading->number) : std::nullopt;
    auto rest = leading ? leading->rest : std::string();
    if (!number || rest.empty()) {
        turn.reply_text("poll.answer_usage");
        return;
    }
    bool asked = false;
    auto meant = poll_to_answer(turn, static_cast<int>(*number), rest, asked);
    if (asked) {
        return;
    }
    auto found = answerable(turn, std::move(meant), *number);
    if (!found) {
        return;
    }
    if (rest.empty()) {
        turn.reply_text("poll.answer_usage");
        return;
    }
    const auto& [poll, network] = *found;
    turn.confidential = turn.confidential || poll.anonymous;
    if (poll.anonymous) {
        turn.anonymous_poll = poll.id;
    }
    if (poll.anonymous && turn.event.conversation.kind == Conversation::Kind::group) {
        turn.reply_privately(TextContent{
            turn.t("poll.answer_privately", {{"number", std::to_string(poll.number)}}), {}});
        return;
    }
    const auto token = respondent_token(turn.settings, poll.id, turn.me->id);
    auto index = next_question(turn.store, turn.settings, poll, token);
    if (!index) {
        if (poll.questions.size() != 1) {
            turn.reply_privately(TextContent{
                turn.t("poll.all_answered", {{"number", std::to_string(poll.number)}}), {}});
            return;
        }
        index = 0;  // a one-question poll: answering again replaces the answer
    }
    answer_with_text(turn, poll, network, *index, rest);
}

bool answer_typed(Turn& turn, const std::string& text) {
    if (!turn.me || turn.event.conversation.kind != Conversation::Kind::direct) {
        return false;
    }
    struct Candidate {
        Poll poll;
        std::size_t index = 0;
    };
    const auto polls = turn.store.open_polls();
    const auto asked = [&](const Poll& poll) {
        if (turn.now >= poll.deadline || !turn.store.membership(poll.network_id, turn.me->id)) {
            return false;
        }
        const auto invitees = turn.store.poll_invitees(poll.id);
        return std::find(invitees.begin(), invitees.end(), turn.me->id) != invitees.end();
    };
    // The member's open polls that still have a question for them, newest first.
    std::vector<Candidate> open;
    for (auto it = polls.rbegin(); it != polls.rend(); ++it) {
        if (!asked(*it)) {
            continue;
        }
        if (const auto next =
                next_question(turn.store, turn.settings, *it,
                              respondent_token(turn.settings, it->id, turn.me->id))) {
            open.push_back({*it, *next});
        }
    }
    if (open.empty()) {
        // Typed again after answering a one-question poll: a new choice replaces the old one.
        for (auto it = polls.rbegin(); it != polls.rend(); ++it) {
            if (it->questions.size() == 1 && it->questions.front().kind != K::text && asked(*it)) {
                open.push_back({*it, 0});
            }
        }
    }
    // Only something that looks like an answer is taken as one; other text goes on as usual.
    const auto fits = [&](const Candidate& candidate) {
        if (candidate.poll.questions[candidate.index].kind == K::text || is_skip(text)) {
            return true;
        }
        const auto ids = typed_choices(candidate.poll, candidate.index, turn.lang, text);
        return !(ids.size() == 1 && ids.front() == "0");
    };
    if (std::none_of(open.begin(), open.end(), fits)) {
        return false;
    }
    if (open.size() > 1) {
        // Two polls wait for this member: a bare "2" could be meant for either, and an answer
        // stored in the wrong (anonymous) poll could not be found again. Ask which one.
        // Numbers are per network: polls of several networks are named with their network.
        const bool networks = std::any_of(open.begin(), open.end(), [&](const Candidate& other) {
            return other.poll.network_id != open.front().poll.network_id;
        });
        std::vector<std::string> names;
        for (const auto& candidate : open) {
            turn.confidential = turn.confidential || candidate.poll.anonymous;
            if (candidate.poll.anonymous) {
                turn.anonymous_poll = candidate.poll.id;
            }
            std::string where;
            if (const auto network = turn.store.network(candidate.poll.network_id);
                networks && network) {
                where = ", " + network->name;
            }
            names.push_back("#" + std::to_string(candidate.poll.number) + " (" +
                            title_of(candidate.poll, turn.lang) + where + ")");
        }
        turn.reply_privately(TextContent{
            turn.t("poll.which_poll", {{"polls", join_names(names, turn.lang)},
                                       {"number", std::to_string(open.front().poll.number)}}),
            {}});
        return true;
    }
    const auto& [poll, index] = open.front();
    const auto network = turn.store.network(poll.network_id);
    if (!network) {
        return false;
    }
    answer_with_text(turn, poll, *network, index, text);
    return true;
}

void poll_click(Turn& turn, const ActionSubmission& action) {
    // "poll:<poll>:<question>", both numbers; anything else is not ours.
    const auto parts = split(action.action_id, ':');
    const auto poll_id = parts.size() == 3 ? read_number(parts[1]) : std::nullopt;
    const auto question_read = parts.size() == 3 ? read_number(parts[2], 3) : std::nullopt;
    if (parts.size() != 3 || parts[0] != "poll" || !poll_id || !question_read) {
        turn.reply_text("action.unknown");
        return;
    }
    // The card names the poll by its id; what the sender reads is its number.
    auto clicked = turn.store.poll(*poll_id);
    if (!clicked) {
        turn.reply_text("action.unknown");
        return;
    }
    const auto number = clicked->number;
    auto found = answerable(turn, std::move(clicked), number);
    if (!found) {
        return;
    }
    const auto& [poll, network] = *found;
    const auto question_number = static_cast<std::size_t>(*question_read);
    if (question_number < 1 || question_number > poll.questions.size() ||
        poll.questions[question_number - 1].kind == K::text) {
        turn.reply_privately(TextContent{turn.t("poll.bad_option"), {}});
        return;
    }
    const auto index = question_number - 1;
    ValueError error = ValueError::none;
    const auto value = choice_value(poll.questions[index], action.choice_ids, error);
    if (error != ValueError::none) {
        turn.reply_privately(TextContent{
            turn.t(error == ValueError::too_many ? "poll.too_many_choices" : "poll.bad_option",
                   {{"max", std::to_string(poll.questions[index].max_choices)},
                    {"count", std::to_string(poll.questions[index].options.size())},
                    {"number", std::to_string(poll.number)}}),
            {}});
        return;
    }
    record_answer(turn, poll, network, index, value, &action);
}

}  // namespace detail
}  // namespace leernetwerk
