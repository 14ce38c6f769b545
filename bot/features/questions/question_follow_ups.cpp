// Questions to the network: follow-up and escalation (DOMAIN.md §5.4). An unanswered question is
// followed up (more members asked) and then escalated to its network's facilitators, counted in
// school days; an answer, the helpful mark or closing cancels both.
#include <set>

#include "bot/vocab/log.hpp"
#include "bot/features/questions/question_flows.hpp"

namespace leernetwerk::detail {
namespace {

using std::chrono::days;
using std::chrono::minutes;

/// `count` school days after `from`, at the same wall-clock time, moved into the send window.
std::optional<Instant> after_school_days(Instant from, int count, const std::string& zone,
                                         const SendWindow& window) {
    const auto local = to_local(from, zone);
    if (!local) {
        return std::nullopt;
    }
    auto day = date::floor<days>(*local);
    const auto time_of_day = std::chrono::duration_cast<minutes>(*local - day);
    for (int counted = 0, guard = 0; counted < count && guard < 400; ++guard) {
        day += days{1};
        if (is_school_day(day, window)) {
            ++counted;
        }
    }
    const auto at = at_wall_time(day, time_of_day, zone);
    if (!at) {
        return std::nullopt;
    }
    return next_allowed(*at, zone, window).value_or(*at);
}

std::string zone_of_network(Store& store, const BotSettings& settings, Id network_id) {
    const auto network = store.network(network_id);
    return network && !network->time_zone.empty() ? network->time_zone : settings.default_time_zone;
}

}  // namespace

void cancel_follow_ups(Store& store, const Question& question) {
    store.cancel_job(kQuestionFollowUpJob, "q" + id_of(question) + ":follow_up");
    store.cancel_job(kQuestionFollowUpJob, "q" + id_of(question) + ":escalate");
}

/// The follow-up and the escalation, counted in school days from `sent` (when the question went
/// out to the members, which is later than its creation when earlier answers were offered first).
void schedule_follow_ups(Store& store, const BotSettings& settings, const Question& question,
                         Instant sent) {
    const auto zone = zone_of_network(store, settings, question.network_id);
    const auto& window = settings.send_window;
    const auto& timing = settings.questions;
    if (const auto at = after_school_days(sent, timing.follow_up_school_days, zone, window)) {
        store.schedule_job({0, std::string(kQuestionFollowUpJob),
                            "q" + id_of(question) + ":follow_up", *at, "", JobState::due});
    }
    if (const auto at = after_school_days(sent, timing.escalation_school_days, zone, window)) {
        store.schedule_job({0, std::string(kQuestionFollowUpJob),
                            "q" + id_of(question) + ":escalate", *at, "", JobState::due});
    }
}

// ---- scheduler ----------------------------------------------------------------------------------

FollowUpOutcome run_question_follow_up(Store& store, const BotSettings& settings, const Job& job,
                                       Instant now) {
    // Keys: "q<number>:follow_up" and "q<number>:escalate".
    const auto colon = job.key.find(':');
    const auto id = job.key.size() > 1 && job.key.front() == 'q' && colon != std::string::npos
                        ? read_id(std::string_view(job.key).substr(1, colon - 1))
                        : std::nullopt;
    const bool escalate = colon != std::string::npos && job.key.substr(colon + 1) == "escalate";
    auto question = id ? store.question(*id) : std::nullopt;
    if (!question || question->status != QuestionStatus::open ||
        !store.answers_of(question->id).empty()) {
        return FollowUpOutcome::skipped;
    }
    const auto network = store.network(question->network_id);
    if (!network) {
        return FollowUpOutcome::skipped;
    }
    const auto zone = zone_of_network(store, settings, network->id);
    const auto allowed = next_allowed(now, zone, settings.send_window);
    if (allowed && *allowed > now) {
        store.schedule_job({0, job.kind, job.key, *allowed, job.payload, JobState::due});
        return FollowUpOutcome::deferred;
    }
    Postman post(store, settings, now);
    const auto asker = asker_of(store, *question);
    const auto lang = settings.default_language;
    if (!escalate) {
        std::set<Id> asked;
        for (const auto& route : store.question_routes(question->id)) {
            asked.insert(route.member_id);
        }
        bool by_expertise = false;
        const auto chosen = choose(rank_candidates(store, *question, asked, now),
                                   route_count(store, settings, network->id), by_expertise);
        question->round += 1;
        store.update_question(*question);
        if (!chosen.empty()) {
            ask_members(post, *network, *question, chosen, by_expertise, true);
            post_in_thread(post, *question,
                           TextContent{tr(lang, "follow_up.in_thread",
                                          {{"number", number_of(*question)},
                                           {"names", join_names(names_of(chosen), lang)}}),
                                       mentions_of(chosen)});
        }
        if (asker) {
            post.to_member(*asker, [&](Lang asker_lang) {
                return Content{TextContent{
                    tr(asker_lang, chosen.empty() ? "follow_up.asker_nobody" : "follow_up.asker",
                       {{"number", number_of(*question)},
                        {"names", join_names(names_of(chosen), asker_lang)},
                        {"days", std::to_string(settings.questions.follow_up_school_days)}}),
                    {}}};
            }, {.network_id = network->id});
        }
        log_line(LogLevel::info, "question id " + id_of(*question) + " followed up: " +
                                     std::to_string(chosen.size()) + " more member(s) asked");
        return FollowUpOutcome::sent;
    }
    std::vector<Member> facilitators;
    for (const auto& entry : store.roster(network->id)) {
        if (can_manage_network(entry.membership.role) &&
            entry.member.id != question->asker_member_id) {
            facilitators.push_back(entry.member);
        }
    }
    // Facilitators first, organisers when there is no facilitator.
    std::vector<Member> helpers;
    for (const auto& member : facilitators) {
        const auto membership = store.membership(network->id, member.id);
        if (membership && membership->role == Role::facilitator) {
            helpers.push_back(member);
        }
    }
    if (helpers.empty()) {
        helpers = facilitators;
    }
    question->escalated = true;
    store.update_question(*question);
    std::vector<std::string> names;
    for (const auto& helper : helpers) {
        names.push_back(helper.display_name);
        const auto message_id = post.to_member(helper, [&](Lang helper_lang) {
            return Content{TextContent{
                tr(helper_lang, "escalate.facilitator",
                   {{"number", number_of(*question)},
                    {"network", network->name},
                    {"asker", asker_label(store, *question, helper_lang)},
                    {"text", question->text},
                    {"days", std::to_string(settings.questions.escalation_school_days)}}),
                {}}};
        }, {.network_id = network->id});
        if (message_id != 0) {
            store.add_question_message(question->id, message_id, QuestionMessageKind::routed);
        }
    }
    if (asker) {
        post.to_member(*asker, [&](Lang asker_lang) {
            return Content{TextContent{
                tr(asker_lang, helpers.empty() ? "escalate.asker_nobody" : "escalate.asker",
                   {{"number", number_of(*question)},
                    {"names", join_names(names, asker_lang)},
                    {"days", std::to_string(settings.questions.escalation_school_days)}}),
                {}}};
        }, {.network_id = network->id});
    }
    log_line(LogLevel::info, "question id " + id_of(*question) + " escalated to " +
                                 std::to_string(helpers.size()) + " facilitator(s)");
    return FollowUpOutcome::sent;
}

}  // namespace leernetwerk::detail
