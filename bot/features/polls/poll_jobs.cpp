// The jobs of a poll: the reminder to who has not answered, and the closing with its results.
#include <set>

#include "bot/features/polls/poll_flows.hpp"
#include "bot/features/polls/ballot_box.hpp"
#include "bot/vocab/log.hpp"

namespace leernetwerk {
namespace {

using namespace detail;

std::vector<Member> invitee_members(Store& store, const Poll& poll) {
    std::vector<Member> out;
    for (const auto id : store.poll_invitees(poll.id)) {
        if (auto member = store.member(id)) {
            out.push_back(std::move(*member));
        }
    }
    return out;
}

}  // namespace

namespace detail {

/// The results to the network's group conversations; to the invitees privately when it has none.
void post_results(Postman& post, const Poll& poll, const Network& network) {
    // In the installation's language, as always (not the group's: see network_language).
    const ToGroup how{.lang = post.settings.default_language,
                      .otherwise = invitee_members(post.store, poll)};
    post.to_network(
        network.id,
        [&](Lang lang) -> Content {
            return results_summary(post.store, post.settings, poll, network, lang);
        },
        how);
    if (open_answers(post.store, post.settings, poll, post.settings.default_language)) {
        post.to_network(
            network.id,
            [&](Lang lang) -> Content { return *open_answers(post.store, post.settings, poll, lang); },
            how);
    }
}

std::string job_key(Id poll_id, std::string_view what) {
    return "p" + std::to_string(poll_id) + ":" + std::string(what);
}

/// The reminder a day before the deadline (halfway for short polls), and the closing.
void schedule_poll_jobs(Store& store, const Poll& poll, Instant now) {
    const auto left = poll.deadline - now;
    const auto remind_at =
        left >= std::chrono::hours(48) ? poll.deadline - std::chrono::hours(24) : now + left / 2;
    if (left >= std::chrono::hours(2)) {
        store.schedule_job({0, std::string(detail::kPollJob), job_key(poll.id, "remind"),
                            std::chrono::floor<std::chrono::seconds>(remind_at), "",
                            JobState::due});
    }
    store.schedule_job({0, std::string(detail::kPollJob), job_key(poll.id, "close"), poll.deadline,
                        "", JobState::due});
}

/// Closes a poll. An anonymous poll's ballots are counted (ballot_box.hpp), and the messages it
/// caused to members are forgotten: which question each was last sent, whom the reminder went to.
void close_and_count(Store& store, const BotSettings& settings, const Poll& poll, Instant now) {
    if (poll.anonymous && poll.state == PollState::open) {
        BallotBox(store, settings, poll).count();
    }
    store.close_poll(poll.id, now);
    if (poll.anonymous) {
        store.forget_poll_messages(poll.id);
    }
}

// ---- scheduler -----------------------------------------------------------------------------

bool run_poll_job(Store& store, const BotSettings& settings, const Job& job, Instant now) {
    const auto colon = job.key.find(':');
    const auto id = colon != std::string::npos && job.key.size() > 1
                        ? poll_number(std::string_view(job.key).substr(1, colon - 1))
                        : std::nullopt;
    const auto what = colon == std::string::npos ? std::string() : job.key.substr(colon + 1);
    const auto poll = id ? store.poll(*id) : std::nullopt;
    const auto network = poll ? store.network(poll->network_id) : std::nullopt;
    if (!poll || !network) {
        log_line(LogLevel::info, "poll job " + job.key + " skipped: the poll is gone");
        return true;
    }
    const auto allowed = next_allowed(now, network_zone(*network, settings), settings.send_window);
    Postman post(store, settings, now);
    if (what == "remind") {
        if (poll->state == PollState::closed || now >= poll->deadline) {
            return true;
        }
        if (allowed && *allowed > now) {
            if (*allowed < poll->deadline - std::chrono::hours(1)) {
                store.schedule_job({0, job.kind, job.key, *allowed, job.payload, JobState::due});
                return false;
            }
            log_line(LogLevel::info, "poll reminder " + job.key + " dropped: quiet until the end");
            return true;
        }
        std::set<std::string> answered;
        for (const auto& answer : answers_of(store, settings, *poll)) {
            answered.insert(answer.token);
        }
        // Whom it reminds says who had not answered: an anonymous poll's reminders are sealed.
        const Privately how{.network_id = network->id,
                            .anonymous_poll = poll->anonymous ? poll->id : 0};
        post.remembers_prompts = false;  // as before; a turn's poll questions are remembered
        int sent = 0;
        for (const auto& member : invitee_members(store, *poll)) {
            if (answered.count(respondent_token(settings, poll->id, member.id)) ||
                !store.membership(poll->network_id, member.id)) {
                continue;
            }
            post.to_member(
                member,
                [&](Lang lang) {
                    return question_content(*poll, *network, settings, 0, lang,
                                            "poll.reminder_intro");
                },
                how);
            ++sent;
        }
        log_line(LogLevel::info,
                 "poll reminder " + job.key + ": " + std::to_string(sent) + " member(s) reminded");
        return true;
    }
    if (what == "close") {
        if (poll->state == PollState::open) {
            close_and_count(store, settings, *poll, now);
            store.cancel_job(kPollJob, job_key(poll->id, "remind"));
        }
        if (allowed && *allowed > now) {
            // Closed at its deadline; the results wait for a moment messages may go out.
            store.schedule_job({0, job.kind, job.key, *allowed, job.payload, JobState::due});
            return false;
        }
        auto closed = store.poll(poll->id);
        post_results(post, *closed, *network);
        log_line(LogLevel::info, "poll " + std::to_string(poll->id) + " closed, results posted");
        return true;
    }
    log_line(LogLevel::warn, "poll job " + job.key + " of an unknown kind skipped");
    return true;
}

}  // namespace detail
}  // namespace leernetwerk
