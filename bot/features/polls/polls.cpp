// Looking at polls: the list, the results, closing early, the CSV export and the minimum of
// answers of an anonymous poll. Starting, answering and the jobs: see poll_flows.hpp.
#include "bot/features/polls/polls.hpp"

#include "bot/features/polls/ballot_box.hpp"
#include "bot/features/polls/poll_flows.hpp"
#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk {
namespace {

using namespace detail;

std::optional<Poll> poll_of_network(detail::Turn& turn, const Network& network,
                                    const std::string& args, std::string_view usage_key) {
    const auto number = poll_number(words(args).empty() ? std::string() : words(args).front());
    if (!number) {
        turn.reply_text(std::string(usage_key));
        return std::nullopt;
    }
    // These commands work on `network` (the conversation's, or the one chosen with `netwerk`): a
    // network named after the number, as `stem` takes it, is not silently read as this one.
    const auto text = std::string(trim(args));
    const auto space = text.find(' ');
    if (space != std::string::npos &&
        detail::names_other_network(turn, network, static_cast<int>(*number),
                                    std::string_view(text).substr(space))) {
        return std::nullopt;
    }
    auto poll = turn.store.poll_by_number(network.id, static_cast<int>(*number));
    if (!poll) {
        turn.reply_text("poll.not_found",
                        {{"number", std::to_string(*number)}, {"network", network.name}});
        return std::nullopt;
    }
    return poll;
}

}  // namespace

namespace detail {

// ---- looking at polls --------------------------------------------------------------------------

void list_polls(Turn& turn) {
    auto network = turn.require_network();
    if (!network) {
        return;
    }
    const auto polls = turn.store.polls_of(network->id);
    if (polls.empty()) {
        turn.reply_text("polls.none", {{"network", network->name}});
        return;
    }
    std::string text = turn.t("polls.title", {{"network", network->name}});
    constexpr std::size_t kShown = 10;
    for (std::size_t i = 0; i < polls.size() && i < kShown; ++i) {
        const auto& poll = polls[i];
        const bool open = poll.state == PollState::open && turn.now < poll.deadline;
        text += "\n" +
                turn.t(open ? "polls.line_open" : "polls.line_closed",
                       {{"number", std::to_string(poll.number)},
                        {"title", title_of(poll, turn.lang)},
                        {"count", std::to_string(respondent_count(turn.store, turn.settings, poll))},
                        {"invited", std::to_string(turn.store.poll_invitees(poll.id).size())},
                        {"deadline", moment(poll.deadline, *network, turn.settings, turn.lang)}});
    }
    turn.reply(TextContent{text, {}});
}

void show_poll_results(Turn& turn, const std::string& args) {
    auto network = turn.require_network();
    if (!network) {
        return;
    }
    if (!turn.membership_in(network->id)) {
        // Not their network (its group conversation): none of its polls is there for them, and
        // they hear what a number that does not exist gets.
        const auto typed = words(args);
        const auto number = typed.empty() ? std::nullopt : poll_number(typed.front());
        if (!number) {
            turn.reply_text("poll.results_usage");
            return;
        }
        turn.reply_text("poll.unknown", {{"number", std::to_string(*number)}});
        return;
    }
    auto poll = poll_of_network(turn, *network, args, "poll.results_usage");
    if (!poll) {
        return;
    }
    if (poll->state == PollState::open && !poll->live) {
        turn.reply_text("poll.results_later",
                        {{"number", std::to_string(poll->number)},
                         {"count", std::to_string(respondent_count(turn.store, turn.settings, *poll))},
                         {"invited", std::to_string(turn.store.poll_invitees(poll->id).size())},
                         {"deadline", moment(poll->deadline, *network, turn.settings, turn.lang)}});
        return;
    }
    turn.reply(results_summary(turn.store, turn.settings, *poll, *network, turn.lang));
    if (auto texts = open_answers(turn.store, turn.settings, *poll, turn.lang)) {
        turn.reply(std::move(*texts));
    }
}

void close_poll_now(Turn& turn, const std::string& args) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    auto poll = poll_of_network(turn, *network, args, "poll.close_usage");
    if (!poll) {
        return;
    }
    if (poll->state == PollState::closed) {
        turn.reply_text("poll.already_closed", {{"number", std::to_string(poll->number)}});
        return;
    }
    close_and_count(turn.store, turn.settings, *poll, turn.now);
    turn.store.cancel_job(kPollJob, job_key(poll->id, "remind"));
    turn.store.cancel_job(kPollJob, job_key(poll->id, "close"));
    poll->state = PollState::closed;
    poll->closed_at = turn.now;
    // Typed in the group, the results follow right below: no need to say where they are.
    turn.reply_text(turn.event.conversation.kind == Conversation::Kind::group
                        ? "poll.closed_now_here"
                        : "poll.closed_now",
                    {{"number", std::to_string(poll->number)}});
    post_results(turn.postman, *poll, *network);
}

void export_poll(Turn& turn, const std::string& args) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    auto poll = poll_of_network(turn, *network, args, "poll.export_usage");
    if (!poll) {
        return;
    }
    const auto exported =
        poll_results_csv(turn.store, poll->id, turn.lang, turn.settings.min_anonymous_respondents);
    if (!exported.csv && exported.error == PollExportError::not_closed) {
        turn.reply_privately(TextContent{
            turn.t("poll.export_not_closed",
                   {{"number", std::to_string(poll->number)},
                    {"deadline", moment(poll->deadline, *network, turn.settings, turn.lang)}}),
            {}});
        return;
    }
    if (!exported.csv) {
        turn.reply_privately(TextContent{
            turn.t(
                "poll.export_too_few",
                {{"min", std::to_string(min_respondents(
                             turn.store, turn.settings.min_anonymous_respondents, network->id))}}),
            {}});
        return;
    }
    // CSV is data, not Markdown: every character is escaped so it arrives as typed.
    turn.reply_privately(
        TextContent{turn.t("poll.export_intro", {{"number", std::to_string(poll->number)}}) +
                        "\n\n" + escape_markdown(*exported.csv),
                    {}});
}

void set_poll_threshold(Turn& turn, const std::string& args) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto typed = std::string(trim(args));
    if (typed.empty()) {
        turn.reply_text(
            "poll.threshold_show",
            {{"min", std::to_string(min_respondents(
                         turn.store, turn.settings.min_anonymous_respondents, network->id))},
             {"network", network->name}});
        return;
    }
    const auto threshold = read_number(typed, 3);
    if (!threshold || *threshold < kMinThreshold || *threshold > kMaxThreshold) {
        turn.reply_text("poll.threshold_bad", {{"typed", typed},
                                               {"lowest", std::to_string(kMinThreshold)},
                                               {"highest", std::to_string(kMaxThreshold)}});
        return;
    }
    turn.store.set_poll_min_respondents(network->id, static_cast<int>(*threshold));
    turn.reply_text("poll.threshold_set", {{"min", typed}, {"network", network->name}});
}

}  // namespace detail
}  // namespace leernetwerk
