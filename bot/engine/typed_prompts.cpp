// A prompt with options answered by typing: the option's number or its exact label, on every
// platform. The core remembers the last choice question it sent each member (not a poll's: those
// are read by the poll flow), so an adapter that cannot map typed text to a card's buttons (Teams,
// a console user who switched speakers) still gets it understood.
#include <algorithm>
#include <chrono>
#include <charconv>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

/// How long a remembered prompt may be answered by typing; prompts with their own expiry (a
/// Ja/Nee confirmation, the knowledge-base consent) end earlier.
constexpr auto kPromptLifetime = std::chrono::hours(24 * 30);

std::string prompt_key(Id member_id) {
    return "core.prompt:" + std::to_string(member_id);
}

/// Folded, with punctuation turned into spaces: "Ja, anoniem!" and "ja anoniem" read the same.
std::string comparable(std::string_view text) {
    auto folded = fold(text);
    for (auto& c : folded) {
        if (c == ',' || c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == '"' ||
            c == '\'' || c == '(' || c == ')') {
            c = ' ';
        }
    }
    return fold(folded);
}

std::optional<Id> leading_id(std::string_view text) {
    Id value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc() || ptr == text.data() || value <= 0) {
        return std::nullopt;
    }
    return value;
}

/// The id after "<kind>:" in an action id ("consent:12:40" → 12).
std::optional<Id> action_target(std::string_view action_id) {
    const auto colon = action_id.find(':');
    return colon == std::string_view::npos ? std::nullopt
                                           : leading_id(action_id.substr(colon + 1));
}

/// Whether the prompt an action id names can still be answered.
bool still_open(Store& store, const std::string& action_id, Instant now) {
    const auto kind = action_id.substr(0, action_id.find(':'));
    const auto target = action_target(action_id);
    if (!target) {
        return false;
    }
    if (kind == "confirm" || kind == "consent" || kind == "offer") {
        const auto pending = store.pending(*target);
        return pending && pending->expires_at > now;
    }
    if (kind == "helpful") {
        const auto answer = store.answer(*target);
        const auto question = answer ? store.question(answer->question_id) : std::nullopt;
        return question && question->status == QuestionStatus::open;
    }
    if (kind == "attendance") {
        const auto list = store.attendance_list(*target);
        return list && !list->closed_at;
    }
    if (kind == "rsvp") {
        const auto meeting = store.meeting(*target);
        return meeting && meeting->status == MeetingStatus::planned && meeting->starts_at > now;
    }
    return true;
}

}  // namespace

void remember_prompt(Store& store, const OutboundMessage& message, Instant now) {
    const auto* question = std::get_if<ChoiceQuestion>(&message.content);
    if (!question || message.recipient_member_id == 0 || message.replaces || message.sealed) {
        // A sealed message (an anonymous poll's) writes nothing under the member's name: a
        // write at the moment they answer would tell who answered when. Its questions are newer
        // than a prompt remembered before the poll started (typed_prompt_answer).
        return;
    }
    const auto key = prompt_key(message.recipient_member_id);
    if (question->action_id.rfind("poll:", 0) == 0 || !question->closed_note.empty() ||
        question->choices.empty() ||
        (question->kind == ChoiceQuestion::Kind::multiple &&
         question->action_id.rfind("attendance:", 0) != 0)) {
        // A poll question is newer than any prompt before it, and read by the poll flow.
        if (store.adapter_state(key).value_or("").empty()) {
            return;
        }
        store.set_adapter_state(key, "", now);
        return;
    }
    const auto expires =
        std::chrono::duration_cast<std::chrono::seconds>((now + kPromptLifetime).time_since_epoch());
    // A "*" before the action id: several numbers may be typed ("1, 3, 5"), all of them sent.
    const auto* several = question->kind == ChoiceQuestion::Kind::multiple ? "*" : "";
    std::string saved = std::to_string(expires.count()) + "\n" + several + question->action_id;
    for (const auto& choice : question->choices) {
        saved += "\n" + choice.id + "\t" + comparable(choice.label);
    }
    store.set_adapter_state(key, saved, now);
}

void forget_prompt(Store& store, Id member_id, Instant now) {
    const auto key = prompt_key(member_id);
    if (!store.adapter_state(key).value_or("").empty()) {
        store.set_adapter_state(key, "", now);
    }
}

std::optional<ActionSubmission> typed_prompt_answer(Store& store, Id member_id,
                                                    std::string_view text, Instant now) {
    const auto key = prompt_key(member_id);
    const auto saved = store.adapter_state(key);
    if (!saved || saved->empty()) {
        return std::nullopt;
    }
    const auto lines = split(*saved, '\n');
    if (lines.size() < 3) {
        return std::nullopt;
    }
    const auto expires = leading_id(lines[0]);
    const bool several = !lines[1].empty() && lines[1].front() == '*';
    const auto action_id = several ? lines[1].substr(1) : lines[1];
    if (!expires || Instant(std::chrono::seconds(*expires)) <= now ||
        !still_open(store, action_id, now)) {
        // Answered, expired or gone. Left as it is (the next prompt replaces it): a write here,
        // under the member's name, would mark the moment they typed, perhaps an anonymous answer.
        return std::nullopt;
    }
    // An anonymous poll that started after this prompt was remembered, and was sent to the
    // member, asks the newer question: a typed number is for the poll.
    const auto remembered = Instant(std::chrono::seconds(*expires)) - kPromptLifetime;
    for (const auto& poll : store.open_polls()) {
        if (poll.anonymous && poll.created_at >= remembered && now < poll.deadline) {
            const auto invitees = store.poll_invitees(poll.id);
            if (std::find(invitees.begin(), invitees.end(), member_id) != invitees.end()) {
                return std::nullopt;
            }
        }
    }
    const auto typed = comparable(text);
    if (typed.empty()) {
        return std::nullopt;
    }
    const auto options = static_cast<Id>(lines.size() - 2);
    if (several) {
        // Every word a number of an option ("1 2 5": commas became spaces), each once.
        ActionSubmission action;
        action.action_id = action_id;
        for (const auto& word : split(typed, ' ')) {
            const auto index = word.size() <= 3 ? leading_id(word) : std::nullopt;
            if (word.empty()) {
                continue;
            }
            if (!index || *index > options || !all_digits(word)) {
                return std::nullopt;
            }
            const auto& line = lines[static_cast<std::size_t>(*index) + 1];
            auto id = line.substr(0, line.find('\t'));
            if (std::find(action.choice_ids.begin(), action.choice_ids.end(), id) ==
                action.choice_ids.end()) {
                action.choice_ids.push_back(std::move(id));
            }
        }
        if (action.choice_ids.empty()) {
            return std::nullopt;
        }
        store.set_adapter_state(key, "", now);
        return action;
    }
    std::optional<std::string> chosen;
    const auto number = typed.front() == '#' ? std::string_view(typed).substr(1) : typed;
    if (!number.empty() && std::all_of(number.begin(), number.end(),
                                       [](char c) { return c >= '0' && c <= '9'; })) {
        const auto index = number.size() <= 3 ? leading_id(number) : std::nullopt;
        if (!index || *index > options) {
            return std::nullopt;
        }
        const auto& line = lines[static_cast<std::size_t>(*index) + 1];
        chosen = line.substr(0, line.find('\t'));
    } else {
        for (std::size_t i = 2; i < lines.size(); ++i) {
            const auto tab = lines[i].find('\t');
            if (tab != std::string::npos && lines[i].substr(tab + 1) == typed) {
                chosen = lines[i].substr(0, tab);
                break;
            }
        }
    }
    if (!chosen) {
        return std::nullopt;
    }
    store.set_adapter_state(key, "", now);
    ActionSubmission action;
    action.action_id = action_id;
    action.choice_ids = {*chosen};
    return action;
}

}  // namespace leernetwerk::detail
