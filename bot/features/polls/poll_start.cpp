// Starting polls and evaluations: who is asked, the first question to each of them, and the
// reminder and closing jobs; the evaluation a meeting starts by itself.
#include <algorithm>
#include <set>

#include "bot/features/polls/poll_flows.hpp"

#include "bot/features/polls/ballot_box.hpp"
#include "bot/features/participation/participation.hpp"
#include "bot/vocab/log.hpp"
#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk {
namespace {

using namespace detail;
using K = PollQuestion::Kind;

constexpr std::size_t kMaxOptions = 10;
constexpr std::size_t kMaxPromptChars = 300;
constexpr std::size_t kMaxOptionChars = 100;

/// Who is asked; empty when nobody fits (the reason in `why`).
std::vector<Member> audience_of(Store& store, const Poll& poll, Instant now, std::string& why) {
    const auto roster = store.roster(poll.network_id);
    std::vector<Member> out;
    if (poll.audience == PollAudience::attended) {
        std::optional<Meeting> meeting;
        if (poll.meeting_id) {
            meeting = store.meeting(*poll.meeting_id);
        } else {
            for (auto& m : store.meetings_of(poll.network_id)) {
                if (m.status == MeetingStatus::planned && m.starts_at <= now) {
                    meeting = std::move(m);
                }
            }
        }
        if (!meeting) {
            why = "poll.no_last_meeting";
            return out;
        }
        // Who came as the attendance list says; without a list, who said they would come.
        auto came = present_at(store, meeting->id).value_or(std::set<Id>{});
        if (!store.attendance_list(meeting->id)) {
            for (const auto& rsvp : store.rsvps_of(meeting->id)) {
                if (rsvp.answer == RsvpAnswer::coming) {
                    came.insert(rsvp.member_id);
                }
            }
        }
        for (const auto& entry : roster) {
            if (came.count(entry.member.id)) {
                out.push_back(entry.member);
            }
        }
        if (out.empty()) {
            why = "poll.nobody_attended";
        }
        return out;
    }
    for (const auto& entry : roster) {
        if (poll.audience == PollAudience::network || entry.membership.role == poll.role) {
            out.push_back(entry.member);
        }
    }
    if (out.empty()) {
        why = "poll.nobody_in_role";
    }
    return out;
}

/// Stores the poll, asks everyone in `audience` its first question, schedules reminder and
/// closing. Returns the poll with its id.
Poll launch(Postman& post, Poll poll, const Network& network, const std::vector<Member>& audience) {
    poll.id = post.store.create_poll(poll);
    if (const auto stored = post.store.poll(poll.id)) {
        poll.number = stored->number;
    }
    std::vector<Id> ids;
    for (const auto& member : audience) {
        ids.push_back(member.id);
    }
    post.store.add_poll_invitees(poll.id, ids);
    if (poll.anonymous) {
        std::vector<std::string> tokens;
        for (const auto id : ids) {
            tokens.push_back(respondent_token(post.settings, poll.id, id));
        }
        BallotBox(post.store, post.settings, poll).open(tokens);
    }
    // An anonymous poll's questions are sealed, and forgotten when it closes.
    const Privately how{.network_id = network.id, .anonymous_poll = poll.anonymous ? poll.id : 0};
    for (const auto& member : audience) {
        post.to_member(
            member,
            [&](Lang lang) {
                return question_content(poll, network, post.settings, 0, lang, "poll.intro");
            },
            how);
    }
    schedule_poll_jobs(post.store, poll, post.now);
    log_line(LogLevel::info, "poll " + std::to_string(poll.id) + " started in network " +
                                 std::to_string(network.id) + ": " +
                                 std::to_string(audience.size()) + " member(s) asked");
    return poll;
}

/// An anonymous poll for fewer people than its minimum of answers could never show a result:
/// the facilitator hears so, with what to do instead, and it is not started.
bool too_few_for_results(detail::Turn& turn, const Poll& poll, const Network& network,
                         std::size_t audience) {
    const auto min = min_respondents(turn.store, turn.settings.min_anonymous_respondents,
                                     network.id);
    if (!poll.anonymous || audience >= static_cast<std::size_t>(min)) {
        return false;
    }
    turn.reply_text("poll.too_few_invited",
                    {{"count", std::to_string(audience)},
                     {"min", std::to_string(min)},
                     {"lowest", std::to_string(std::max<std::size_t>(audience, kMinThreshold))},
                     {"network", network.name}});
    return true;
}

}  // namespace

namespace detail {

// ---- starting ---------------------------------------------------------------------------------

void start_poll(Turn& turn, const std::string& args) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto parts = bar_parts(args);
    const auto question_text = parts.empty() ? std::string() : strip_quotes(parts[0]);
    if (question_text.empty()) {
        turn.reply_text("poll.usage");
        return;
    }
    if (utf8_length(question_text) > kMaxPromptChars) {
        turn.reply_text("poll.question_too_long", {{"max", std::to_string(kMaxPromptChars)}});
        return;
    }
    PollOptions options;
    std::vector<std::string> answers;
    std::set<std::string> seen;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto part = std::string(trim(parts[i]));
        if (part.empty()) {
            continue;
        }
        std::string error_key;
        MessageArgs error_args;
        switch (read_part(turn, *network, part, options, error_key, error_args)) {
            case PartRead::error:
                turn.reply_text(error_key, error_args);
                return;
            case PartRead::keyword:
                break;
            case PartRead::option: {
                const auto option = strip_quotes(part);
                if (option.empty()) {
                    turn.reply_text("poll.empty_option");
                    return;
                }
                if (utf8_length(option) > kMaxOptionChars) {
                    turn.reply_text("poll.option_too_long",
                                    {{"max", std::to_string(kMaxOptionChars)}});
                    return;
                }
                if (!seen.insert(fold(option)).second) {
                    turn.reply_text("poll.duplicate_option", {{"option", option}});
                    return;
                }
                answers.push_back(option);
                break;
            }
        }
    }
    PollQuestion question;
    question.prompt = question_text;
    if (options.scale || options.text) {
        if (!answers.empty()) {
            turn.reply_text("poll.no_options_for_kind");
            return;
        }
        question.kind = options.text ? K::text : K::rating;
        question.scale = options.scale.value_or(5);
        question.low_label = turn.t("poll.scale.low");
        question.high_label = turn.t("poll.scale.high");
    } else {
        if (answers.size() < 2) {
            turn.reply_text("poll.too_few_options", {{"count", std::to_string(answers.size())}});
            return;
        }
        if (answers.size() > kMaxOptions) {
            turn.reply_text("poll.too_many_options", {{"count", std::to_string(answers.size())},
                                                      {"max", std::to_string(kMaxOptions)}});
            return;
        }
        for (std::size_t i = 0; i < answers.size(); ++i) {
            // A typed "4" chooses option 4: an option that is itself another number would be
            // chosen by mistake (in an anonymous poll without the receipt saying so).
            const auto& option = answers[i];
            if (read_number(option) && option != std::to_string(i + 1)) {
                turn.reply_text("poll.number_option", {{"option", option}});
                return;
            }
        }
        question.options = answers;
        if (options.multiple) {
            const int max =
                *options.multiple == 0 ? static_cast<int>(answers.size()) : *options.multiple;
            if (max < 2 || max > static_cast<int>(answers.size())) {
                turn.reply_text("poll.bad_multiple_count",
                                {{"count", std::to_string(answers.size())}});
                return;
            }
            question.kind = K::multiple;
            question.max_choices = max;
        }
    }
    Poll poll;
    poll.network_id = network->id;
    poll.created_by = turn.me->id;
    poll.title = question_text;
    poll.lang = turn.lang;
    poll.anonymous = options.anonymous.value_or(false);
    poll.live = options.live;
    poll.deadline =
        options.deadline.value_or(default_deadline(*network, turn.settings, turn.now, 3));
    poll.audience = options.audience.value_or(PollAudience::network);
    poll.role = options.role;
    poll.created_at = turn.now;
    poll.questions.push_back(std::move(question));
    std::string why;
    const auto audience = audience_of(turn.store, poll, turn.now, why);
    if (audience.empty()) {
        turn.reply_text(why, {{"network", network->name}});
        return;
    }
    if (too_few_for_results(turn, poll, *network, audience.size())) {
        return;
    }
    poll = launch(turn.postman, std::move(poll), *network, audience);
    const MessageArgs facts = {
        {"number", std::to_string(poll.number)},
        {"title", poll.title},
        {"count", std::to_string(audience.size())},
        {"deadline", moment(poll.deadline, *network, turn.settings, turn.lang)}};
    turn.reply_text(poll.anonymous ? "poll.started_anonymous" : "poll.started", facts);
    turn.announce(network->id, "poll.announce", facts);
}

void start_evaluation(Turn& turn, const std::string& args) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto parts = bar_parts(args);
    const auto* chosen = parts.empty() ? nullptr : template_by_word(trim(parts[0]));
    if (!chosen) {
        turn.reply_text(
            parts.empty() || trim(parts[0]).empty() ? "evaluation.usage" : "evaluation.unknown",
            {{"typed", parts.empty() ? std::string() : std::string(trim(parts[0]))}});
        return;
    }
    PollOptions options;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto part = std::string(trim(parts[i]));
        if (part.empty()) {
            continue;
        }
        std::string error_key;
        MessageArgs error_args;
        const auto read = read_part(turn, *network, part, options, error_key, error_args);
        if (read == PartRead::error) {
            turn.reply_text(error_key, error_args);
            return;
        }
        if (read == PartRead::option || options.scale || options.text || options.multiple) {
            turn.reply_text("evaluation.bad_option", {{"typed", part}});
            return;
        }
    }
    Poll poll = poll_from_template(*chosen, turn.lang);
    poll.network_id = network->id;
    poll.created_by = turn.me->id;
    poll.anonymous = options.anonymous.value_or(true);
    poll.live = options.live;
    poll.deadline = options.deadline.value_or(
        default_deadline(*network, turn.settings, turn.now, chosen->days));
    poll.audience = options.audience.value_or(chosen->code == "a" ? PollAudience::attended
                                                                  : PollAudience::network);
    poll.role = options.role;
    poll.created_at = turn.now;
    std::string why;
    const auto audience = audience_of(turn.store, poll, turn.now, why);
    if (audience.empty()) {
        turn.reply_text(why, {{"network", network->name}});
        return;
    }
    if (too_few_for_results(turn, poll, *network, audience.size())) {
        return;
    }
    poll = launch(turn.postman, std::move(poll), *network, audience);
    const MessageArgs facts = {
        {"number", std::to_string(poll.number)},
        {"title", poll.title},
        {"count", std::to_string(audience.size())},
        {"questions", std::to_string(poll.questions.size())},
        {"deadline", moment(poll.deadline, *network, turn.settings, turn.lang)}};
    turn.reply_text(poll.anonymous ? "evaluation.started_anonymous" : "evaluation.started", facts);
    turn.announce(network->id, "poll.announce", facts);
}

Id start_meeting_evaluation(Store& store, const BotSettings& settings, const Network& network,
                            const Meeting& meeting, Instant now) {
    for (const auto& earlier : store.polls_of(network.id)) {
        if (earlier.template_code == "a" && earlier.meeting_id == meeting.id) {
            return 0;
        }
    }
    Poll poll = poll_from_template(*template_by_code("a"), settings.default_language);
    poll.network_id = network.id;
    poll.anonymous = true;
    poll.deadline = default_deadline(network, settings, now, 7);
    poll.audience = PollAudience::attended;
    poll.meeting_id = meeting.id;
    poll.created_at = now;
    std::string why;
    auto audience = audience_of(store, poll, now, why);
    const auto min = static_cast<std::size_t>(
        min_respondents(store, settings.min_anonymous_respondents, network.id));
    if (audience.empty()) {
        // Nobody said they came: everyone is asked (those who were not there can skip it).
        poll.audience = PollAudience::network;
        audience = audience_of(store, poll, now, why);
    }
    Postman post(store, settings, now);
    if (audience.size() < min) {
        // Fewer than the anonymous minimum could answer: the results could never show. Not
        // started; the facilitators hear why and what they can do (ask everyone, ask named, or
        // lower the minimum).
        const auto* key = poll.audience == PollAudience::attended ? "evaluation.auto_too_few_came"
                                                                  : "evaluation.auto_too_few";
        for (const auto& entry : store.roster(network.id)) {
            if (!can_manage_network(entry.membership.role)) {
                continue;
            }
            post.to_member(
                entry.member,
                [&](Lang lang) -> Content {
                    return TextContent{
                        tr(lang, key,
                           {{"network", network.name},
                            {"count", std::to_string(audience.size())},
                            {"min", std::to_string(min)},
                            {"lowest", std::to_string(std::max<std::size_t>(audience.size(),
                                                                            kMinThreshold))}}),
                        {}};
                },
                {.network_id = network.id});
        }
        log_line(LogLevel::info, "evaluation after meeting " + std::to_string(meeting.id) +
                                     " not started: fewer than the anonymous minimum to ask");
        return 0;
    }
    return launch(post, std::move(poll), network, audience).id;
}

}  // namespace detail
}  // namespace leernetwerk
