// Polls and quick evaluations (DOMAIN.md §5.3, issue 6): a facilitator asks, each member answers
// privately one question at a time, one reminder goes to who has not answered, and a neutral
// summary goes back to the group when the poll closes. The question sets are in
// poll_questions.cpp, the summary and the CSV export in poll_results.cpp.
//
// Anonymity: an answer is stored under the respondent token, HMAC-SHA256(key, poll id, member id)
// with the key outside the database (BotSettings::poll_secret). The token finds a member's own
// answers (to replace them, to ask the next question, to remind who has not answered); without
// the key nothing in the database links an answer to a member. Receipts never repeat an anonymous
// answer, group posts never name who answered, and the text of an answer is never logged.
#include "bot/features/polls/polls.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "bot/features/polls/ballot_box.hpp"
#include "bot/vocab/log.hpp"
#include "bot/features/polls/poll_parts.hpp"
#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk {
namespace {

using namespace detail;
using K = PollQuestion::Kind;

constexpr std::size_t kMaxOptions = 10;
constexpr std::size_t kMaxPromptChars = 300;
constexpr std::size_t kMaxOptionChars = 100;
constexpr std::size_t kMaxAnswerChars = kMaxOpenAnswerChars;
constexpr int kMaxDeadlineDays = 60;
constexpr int kMinThreshold = 2;
constexpr int kMaxThreshold = 20;

std::vector<Member> invitee_members(Store& store, const Poll& poll) {
    std::vector<Member> out;
    for (const auto id : store.poll_invitees(poll.id)) {
        if (auto member = store.member(id)) {
            out.push_back(std::move(*member));
        }
    }
    return out;
}

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
        std::set<Id> came;
        for (const auto& rsvp : store.rsvps_of(meeting->id)) {
            if (rsvp.answer == RsvpAnswer::coming) {
                came.insert(rsvp.member_id);
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

// ---- reading commands ----------------------------------------------------------------------

/// "3" or "#3"; at most 9 digits (a number members type, or an id in a job key).
std::optional<Id> poll_number(std::string_view word) {
    return read_hash_number(word, kMaxIntDigits);
}

std::string strip_quotes(std::string_view text) {
    auto out = std::string(trim(text));
    for (const auto& [open, close] : std::vector<std::pair<std::string, std::string>>{
             {"\"", "\""}, {"“", "”"}, {"'", "'"}, {"„", "”"}, {"‘", "’"}}) {
        if (out.size() >= open.size() + close.size() && out.rfind(open, 0) == 0 &&
            out.compare(out.size() - close.size(), close.size(), close) == 0) {
            return std::string(
                trim(out.substr(open.size(), out.size() - open.size() - close.size())));
        }
    }
    return out;
}

std::optional<Role> read_role_plural(std::string_view word) {
    const auto folded = fold(word);
    for (const auto& candidate :
         {folded, folded.size() > 1 ? folded.substr(0, folded.size() - 1) : folded,
          folded.size() > 2 ? folded.substr(0, folded.size() - 2) : folded}) {
        if (auto role = parse_role_word(candidate)) {
            return role;
        }
    }
    return std::nullopt;
}

/// The options a facilitator adds to a poll or an evaluation, "|"-separated.
struct PollOptions {
    std::optional<bool> anonymous;
    bool live = false;
    std::optional<int> multiple;  ///< 0: as many as there are options
    std::optional<Instant> deadline;
    std::optional<PollAudience> audience;
    Role role = Role::participant;
    std::optional<int> scale;
    bool text = false;
};

enum class PartRead { option, keyword, error };

/// Reads one part; `error_key` is set when it is a keyword that is wrong.
PartRead read_part(detail::Turn& turn, const Network& network, std::string_view part,
                   PollOptions& options, std::string& error_key, MessageArgs& error_args) {
    const auto folded = fold(part);
    const auto w = words(folded);
    if (w.empty()) {
        return PartRead::option;
    }
    if (means_anonymous(folded)) {
        options.anonymous = true;
        return PartRead::keyword;
    }
    if (means_named(folded)) {
        options.anonymous = false;
        return PartRead::keyword;
    }
    if (folded == "live") {
        options.live = true;
        return PartRead::keyword;
    }
    if (w[0] == "meerdere" || w[0] == "multiple" || folded == "meer keuzes" ||
        folded == "meerkeuze") {
        if (w.size() == 1 || folded == "meer keuzes" || folded == "meerkeuze") {
            options.multiple = 0;
            return PartRead::keyword;
        }
        if (const auto count = w.size() == 2 ? read_number(w[1], 2) : std::nullopt) {
            options.multiple = static_cast<int>(*count);
            return PartRead::keyword;
        }
        error_key = "poll.bad_multiple";
        return PartRead::error;
    }
    if (w[0] == "schaal" || w[0] == "scale") {
        if (w.size() == 1 || (w.size() == 2 && (w[1] == "1-5" || w[1] == "5"))) {
            options.scale = 5;
            return PartRead::keyword;
        }
        if (w.size() == 2 && (w[1] == "1-10" || w[1] == "10")) {
            options.scale = 10;
            return PartRead::keyword;
        }
        error_key = "poll.bad_scale";
        return PartRead::error;
    }
    if (folded == "open" || folded == "open vraag" || folded == "open question" ||
        folded == "tekst" || folded == "text") {
        options.text = true;
        return PartRead::keyword;
    }
    if (folded == "voor iedereen" || folded == "iedereen" || folded == "for everyone" ||
        folded == "everyone" || folded == "heel het netwerk" || folded == "whole network") {
        options.audience = PollAudience::network;
        return PartRead::keyword;
    }
    if (folded == "voor aanwezigen" || folded == "aanwezigen" || folded == "for attendees" ||
        folded == "attendees" || folded == "wie er was" || folded == "wie er waren" ||
        folded == "who came") {
        options.audience = PollAudience::attended;
        return PartRead::keyword;
    }
    if ((w[0] == "voor" || w[0] == "for") && w.size() >= 2) {
        std::string rest;
        for (std::size_t i = 1; i < w.size(); ++i) {
            rest += (i > 1 ? " " : "") + w[i];
        }
        if (auto role = read_role_plural(rest)) {
            options.audience = PollAudience::role;
            options.role = *role;
            return PartRead::keyword;
        }
    }
    if (w[0] == "tot" || w[0] == "until" || w[0] == "deadline" || w[0] == "uiterlijk" ||
        w[0] == "before" || w[0] == "voor" || w[0] == "sluit" || w[0] == "closes") {
        const auto space = std::string(trim(part)).find(' ');
        const auto rest = space == std::string::npos
                              ? std::string()
                              : std::string(trim(std::string(trim(part)).substr(space)));
        const auto zone = network_zone(network, turn.settings);
        WhenError why = WhenError::not_understood;
        const auto when = parse_when(rest, turn.today(zone), &why);
        if (!when || when->kind == When::Kind::week) {
            if (w[0] == "voor" || w[0] == "before") {
                return PartRead::option;  // "voor de kerst" may just be an option
            }
            error_key = "poll.bad_deadline";
            error_args = {{"typed", rest}};
            return PartRead::error;
        }
        auto local = when->local();
        if (when->kind == When::Kind::day) {
            local += std::chrono::hours(17);  // a day alone: that afternoon, at 17:00
        }
        const auto instant = to_instant(local, zone);
        if (!instant) {
            error_key = "poll.bad_deadline";
            error_args = {{"typed", rest}};
            return PartRead::error;
        }
        if (instant->instant <= turn.now + std::chrono::minutes(30)) {
            error_key = "poll.deadline_past";
            error_args = {{"when", format_moment(local, turn.lang)}};
            return PartRead::error;
        }
        if (instant->instant > turn.now + date::days(kMaxDeadlineDays)) {
            error_key = "poll.deadline_far";
            error_args = {{"days", std::to_string(kMaxDeadlineDays)}};
            return PartRead::error;
        }
        options.deadline = instant->instant;
        return PartRead::keyword;
    }
    return PartRead::option;
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
