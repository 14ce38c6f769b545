// Questions to the network: answering and the thread (DOMAIN.md §5.4). Answers go to the asker
// and into the question's thread; the asker marks the helpful one; `vragen`, `vraag 7` (the
// thread), `antwoord`, a reply under a question, `nuttig` and `sluit vraag`.
//
// Privacy: the asker of an anonymous question appears in no message to anyone else, in no other
// table than `questions`, and in no log line. Nothing here logs a question's text or its asker.
#include <algorithm>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"
#include "bot/features/questions/question_flows.hpp"

namespace leernetwerk::detail {
namespace {

using std::chrono::days;

constexpr int kListedQuestions = 10;

/// The largest number a member types for a question (an item's number is an int).
constexpr Id kMaxTypedNumber = 999'999'999;

/// Where to post in a question's thread: each network conversation it was posted in, in the
/// thread of that post where the platform has threads and the post has been sent.
std::vector<Address> thread_addresses(Store& store, const Question& question) {
    std::vector<Address> out;
    for (const auto message_id : store.question_posts(question.id)) {
        const auto row = store.outbox_row(message_id);
        if (!row) {
            continue;
        }
        Address to = row->message.to;
        if (!row->remote_id.empty() && to.platform != Platform::console) {
            to.thread_id = row->remote_id;
        }
        out.push_back(std::move(to));
    }
    if (out.empty()) {
        // Sent long ago (the post is no longer kept) or never posted: the network's conversations.
        for (const auto& binding : store.conversations_of_network(question.network_id)) {
            Address to;
            to.platform = binding.platform;
            to.conversation_id = binding.conversation_id;
            out.push_back(std::move(to));
        }
    }
    return out;
}

std::string status_label(const Question& question, Lang lang) {
    return tr(lang, "question.status." + std::string(question_status_code(question.status)));
}

/// Where the outbox id of the asker's "Dit hielp me" card for an answer is kept.
std::string forward_key(Id answer_id) {
    return "core.helpful_card:" + std::to_string(answer_id);
}

void give_answer(Turn& turn, Question question, const std::string& typed) {
    const auto text = std::string(trim(typed));
    MessageArgs args = {{"number", number_of(question)}};
    turn.confidential = turn.confidential || question.confidential;  // its answers are, too
    if (question.status != QuestionStatus::open) {
        turn.reply_privately(TextContent{turn.t("answer.closed", args), {}});
        return;
    }
    if (question.asker_member_id == turn.me->id) {
        turn.reply_privately(TextContent{turn.t("answer.own_question", args), {}});
        return;
    }
    if (text.empty()) {
        turn.reply_privately(TextContent{turn.t("answer.empty", args), {}});
        return;
    }
    Answer answer;
    answer.question_id = question.id;
    answer.author_member_id = turn.me->id;
    answer.text = text;
    answer.created_at = turn.now;
    answer.id = turn.store.create_answer(answer);
    const auto position = std::to_string(turn.store.answers_of(question.id).size());
    cancel_follow_ups(turn.store, question);

    auto& post = turn.postman;
    const auto lang = network_language(turn.store, turn.settings, question.network_id);
    post_in_thread(post, question,
                   TextContent{tr(lang, "answer.in_thread",
                                  {{"number", number_of(question)},
                                   {"author", turn.me->display_name},
                                   {"text", text}}),
                               {}},
                   &turn.event.conversation);
    if (const auto asker = asker_of(turn.store, question)) {
        const auto forward_id = post.to_member(*asker, [&](Lang asker_lang) {
            ChoiceQuestion forward;
            forward.action_id = "helpful:" + std::to_string(answer.id);
            forward.prompt = tr(asker_lang, "answer.forward",
                                {{"number", number_of(question)},
                                 {"n", position},
                                 {"author", turn.me->display_name},
                                 {"text", text}});
            forward.choices = {{"yes", tr(asker_lang, "answer.helpful_button")}};
            return Content{forward};
        }, {.network_id = question.network_id});
        if (forward_id != 0) {
            // Remembered, so its button closes once the question is answered.
            turn.store.set_adapter_state(forward_key(answer.id), std::to_string(forward_id),
                                         turn.now);
        }
    }
    turn.reply_privately(TextContent{
        turn.t(question.anonymous ? "answer.thanks_anonymous" : "answer.thanks",
               {{"number", number_of(question)},
                {"asker", question.anonymous ? std::string()
                                             : asker_label(turn.store, question, turn.lang)}}),
        {}});
}

}  // namespace

// ---- small readers -----------------------------------------------------------------------------

/// "3" or "#3" (a question's number, or an id in a job key or a prompt's payload).
std::optional<Id> read_id(std::string_view text) {
    return read_hash_number(text);
}

/// Posts in the question's thread, except where the member wrote it (they see their own message
/// there already): the thread itself, or a conversation without threads. A reply to the post in
/// the room's main timeline (Matrix) is not in the thread, so it is posted there.
void post_in_thread(Postman& post, const Question& question, const TextContent& content,
                    const Conversation* skip) {
    for (const auto& to : thread_addresses(post.store, question)) {
        if (skip && skip->kind == Conversation::Kind::group && skip->platform == to.platform &&
            skip->id == to.conversation_id &&
            (to.thread_id.empty() || skip->thread_id == to.thread_id)) {
            continue;
        }
        post.to_address(to, 0, post.settings.default_language, content);
    }
}

/// The asker, when they are still a member.
std::optional<Member> asker_of(Store& store, const Question& question) {
    if (question.asker_member_id == 0) {
        return std::nullopt;
    }
    return store.member(question.asker_member_id);
}

/// The asker of an anonymous question acting in a group conversation: nothing is done and they
/// are told privately, so the group sees from the bot what it sees when anyone else tries the
/// same (nothing), and cannot tell who asked. True when so.
bool anonymous_asker_in_group(Turn& turn, const Question& question) {
    if (!question.anonymous || question.asker_member_id != turn.me->id ||
        turn.event.conversation.kind != Conversation::Kind::group) {
        return false;
    }
    turn.reply_privately(TextContent{
        turn.t("question.anonymous_asker_in_group", {{"number", number_of(question)}}), {}});
    return true;
}

/// The question a typed number means for the sender: sent on, in one of the networks where the
/// number is looked up (number_networks; "… in <network>" at the end of `rest` names one and is
/// cut off). Otherwise replies, with the same refusal whether the number does not exist or is
/// another network's, and returns nullopt; also when it asked which network was meant (the
/// example repeats `rest` only when `keep_rest`).
std::optional<Question> visible_question(Turn& turn, std::string_view typed, std::string& rest,
                                         bool keep_rest) {
    const auto id = read_id(typed);
    std::optional<Question> question;
    if (id && *id <= kMaxTypedNumber) {
        const auto number = static_cast<int>(*id);
        const auto networks = number_networks(turn, rest);
        bool asked = false;
        question = find_numbered<Question>(
            turn, NumberedKind::question, number, networks, keep_rest, asked,
            [&](const Network& network) -> std::optional<Question> {
                auto found = turn.store.question_by_number(network.id, number);
                // An answer to a confidential question is never logged, also when the bot only
                // asks which network was meant.
                turn.confidential = turn.confidential || (found && found->confidential);
                if (found && found->status == QuestionStatus::draft) {
                    return std::nullopt;  // not sent on yet: nobody else knows it
                }
                return found;
            });
        if (asked) {
            return std::nullopt;
        }
    }
    if (!question) {
        turn.reply_privately(
            TextContent{turn.t("question.unknown", {{"number", std::string(trim(typed))}}), {}});
        return std::nullopt;
    }
    return question;
}

std::string day_label(Instant instant, const std::string& zone, Lang lang) {
    const auto local = to_local(instant, zone);
    return local ? format_day(date::floor<days>(*local), lang) : std::string();
}

void show_thread(Turn& turn, const Question& question) {
    const auto network = turn.store.network(question.network_id);
    const auto zone = network ? turn.zone_of(*network) : turn.settings.default_time_zone;
    std::string text =
        turn.t("question.thread_title", {{"number", number_of(question)},
                                         {"status", status_label(question, turn.lang)},
                                         {"network", network ? network->name : ""},
                                         {"day", day_label(question.created_at, zone, turn.lang)},
                                         {"asker", asker_label(turn.store, question, turn.lang)},
                                         {"text", question.text}});
    if (!question.tags.empty()) {
        text += "\n" + turn.t("question.post_tags", {{"tags", tags_text(question.tags)}});
    }
    std::vector<std::string> asked;
    for (const auto& route : turn.store.question_routes(question.id)) {
        if (const auto member = turn.store.member(route.member_id)) {
            asked.push_back(member->display_name);
        }
    }
    if (!asked.empty()) {
        text += "\n" + turn.t("question.thread_asked", {{"names", join_names(asked, turn.lang)}});
    }
    if (question.confidential) {
        text += "\n" + turn.t("question.confidential_note");
    }
    const auto answers = turn.store.answers_of(question.id);
    if (answers.empty()) {
        text += "\n\n" + turn.t("question.thread_no_answers");
    } else {
        text +=
            "\n\n" + turn.t("question.thread_answers", {{"count", std::to_string(answers.size())}});
        for (std::size_t i = 0; i < answers.size(); ++i) {
            const auto author = turn.store.member(answers[i].author_member_id);
            text += "\n" + turn.t(answers[i].helpful ? "question.thread_answer_helpful"
                                                     : "question.thread_answer",
                                  {{"n", std::to_string(i + 1)},
                                   {"author", author ? author->display_name
                                                     : turn.t("question.former_member")},
                                   {"day", day_label(answers[i].created_at, zone, turn.lang)},
                                   {"text", answers[i].text}});
        }
    }
    if (question.status == QuestionStatus::open) {
        text += "\n\n" + turn.t("question.post_how", {{"number", number_of(question)}});
    }
    const auto here = turn.store.network_of_conversation(turn.event.conversation.platform,
                                                         turn.event.conversation.id);
    if (turn.event.conversation.kind == Conversation::Kind::group && here != question.network_id) {
        // Asked in another network's conversation: its members must not read this thread.
        turn.reply_privately(TextContent{text, {}});
    } else {
        turn.reply(TextContent{text, {}});
    }
}

// ---- answering ------------------------------------------------------------------------------

void mark_answer_helpful(Turn& turn, Question question, std::size_t position) {
    MessageArgs args = {{"number", number_of(question)}, {"n", std::to_string(position)}};
    if (question.asker_member_id != turn.me->id) {
        turn.reply_privately(TextContent{turn.t("helpful.not_asker", args), {}});
        return;
    }
    if (anonymous_asker_in_group(turn, question)) {
        return;  // marking it would post in the thread, right after the asker's command
    }
    if (question.status == QuestionStatus::answered) {
        turn.reply_privately(TextContent{turn.t("helpful.already", args), {}});
        return;
    }
    if (question.status != QuestionStatus::open) {
        turn.reply_privately(TextContent{turn.t("answer.closed", args), {}});
        return;
    }
    auto answers = turn.store.answers_of(question.id);
    if (position < 1 || position > answers.size()) {
        args.emplace_back("count", std::to_string(answers.size()));
        turn.reply_privately(TextContent{
            turn.t(answers.empty() ? "helpful.no_answers" : "helpful.unknown_answer", args), {}});
        return;
    }
    auto& answer = answers[position - 1];
    answer.helpful = true;
    turn.store.update_answer(answer);
    question.status = QuestionStatus::answered;
    question.helpful_answer_id = answer.id;
    question.closed_at = turn.now;
    turn.store.update_question(question);
    cancel_follow_ups(turn.store, question);

    const auto author = turn.store.member(answer.author_member_id);
    const auto author_name = author ? author->display_name : turn.t("question.former_member");
    auto& post = turn.postman;
    const auto lang = network_language(turn.store, turn.settings, question.network_id);
    post_in_thread(post, question,
                   TextContent{tr(lang, "helpful.in_thread",
                                  {{"number", number_of(question)}, {"author", author_name}}),
                               {}});
    if (author) {
        post.to_member(*author, [&](Lang author_lang) {
            return Content{TextContent{
                tr(author_lang, question.anonymous ? "helpful.thanks_anonymous" : "helpful.thanks",
                   {{"number", number_of(question)},
                    {"asker", question.anonymous ? std::string() : turn.me->display_name}}),
                {}}};
        }, {.network_id = question.network_id});
    }
    // The asker's "Dit hielp me" buttons under every answer close: the question is answered.
    for (const auto& each : answers) {
        const auto saved = turn.store.adapter_state(forward_key(each.id));
        const auto forward_id = saved ? read_id(*saved) : std::nullopt;
        const auto row = forward_id ? turn.store.outbox_row(*forward_id) : std::nullopt;
        if (row) {
            if (const auto* card = std::get_if<ChoiceQuestion>(&row->message.content)) {
                auto closed = *card;
                closed.closed_note = tr(row->message.lang, each.id == answer.id
                                                               ? "answer.helpful_closed_chosen"
                                                               : "answer.helpful_closed");
                // Addressed to the asker as the card was (an anonymous asker's too).
                OutboundMessage update = row->message;
                update.id = 0;
                update.content = closed;
                update.replaces = row->message.id;
                turn.send(update);
            }
        }
        if (saved) {
            turn.store.set_adapter_state(forward_key(each.id), "", turn.now);
        }
    }
    args.emplace_back("author", author_name);
    turn.reply_privately(TextContent{turn.t("helpful.done", args), {}});
    if (author) {
        ask_consent(turn, question, answer, *author);
    }
}

void list_questions(Turn& turn) {
    auto network = turn.require_network();
    if (!network) {
        return;
    }
    if (!turn.membership_in(network->id)) {
        turn.reply_text("question.not_member", {{"network", network->name}});
        return;
    }
    const auto open =
        turn.store.questions_of_network(network->id, QuestionStatus::open, kListedQuestions);
    if (open.empty()) {
        turn.reply_text("questions.none", {{"network", network->name}});
        return;
    }
    std::string text = turn.t("questions.title", {{"network", network->name}});
    for (const auto& question : open) {
        const auto answers = turn.store.answers_of(question.id).size();
        text += "\n" + turn.t("questions.line", {{"number", number_of(question)},
                                                 {"text", shortened(question.text, 80)},
                                                 {"count", std::to_string(answers)}});
    }
    text += "\n\n" + turn.t("questions.how");
    const auto here = turn.store.network_of_conversation(turn.event.conversation.platform,
                                                         turn.event.conversation.id);
    if (turn.event.conversation.kind == Conversation::Kind::group && here != network->id) {
        // A group that is not this network's (a chat with others, another network's channel):
        // its people must not read the network's questions.
        turn.reply_privately(TextContent{text, {}});
    } else {
        turn.reply(TextContent{text, {}});
    }
}

void answer_question(Turn& turn, const std::string& args) {
    const auto [number, typed] = first_word(args);
    if (!read_id(number)) {
        turn.reply_text("answer.usage");
        return;
    }
    std::string text = std::string(typed);
    if (const auto question = visible_question(turn, number, text, false)) {
        give_answer(turn, *question, text);
    }
}

bool answer_by_reply(Turn& turn, const std::string& text) {
    const auto& event = turn.event;
    std::optional<Id> question_id;
    for (const auto& remote : {event.reply_to_remote_id, event.conversation.thread_id}) {
        if (remote.empty() || question_id) {
            continue;
        }
        if (const auto row =
                turn.store.outbox_row_by_remote_id(event.conversation.platform, remote)) {
            question_id = turn.store.question_of_message(row->message.id);
        }
    }
    if (!question_id || !turn.me) {
        return false;
    }
    if (const auto command = parse_command(text)) {
        // These commands keep their meaning under a question ("nuttig 7 2"); any other text is
        // an answer, also when it starts like a command ("Ja, …", "Vraag het de IB'er").
        if (command->key == "answer" || command->key == "helpful" ||
            command->key == "close_question" || command->key == "help") {
            return false;
        }
    }
    const auto question = turn.store.question(*question_id);
    if (!question) {
        return false;
    }
    if (question->asker_member_id == turn.me->id) {
        // Anyone else's reply here is an answer, acknowledged privately; the anonymous asker's
        // must look the same to the group. Otherwise the asker's reply is read as a command.
        return anonymous_asker_in_group(turn, *question);
    }
    if (!turn.membership_in(question->network_id)) {
        turn.reply_privately(
            TextContent{turn.t("question.unknown", {{"number", number_of(*question)}}), {}});
        return true;
    }
    give_answer(turn, *question, text);
    return true;
}

void mark_helpful(Turn& turn, const std::string& args) {
    const auto [number, typed] = first_word(args);
    std::string rest = std::string(typed);
    number_networks(turn, rest);  // without "… in <network>", read again by visible_question
    std::string place = std::string(typed);
    const auto [position, extra] = first_word(rest);
    const auto n = read_id(position);
    if (!read_id(number) || !n || !extra.empty()) {
        turn.reply_text("helpful.usage");
        return;
    }
    if (const auto question = visible_question(turn, number, place, true)) {
        mark_answer_helpful(turn, *question, static_cast<std::size_t>(*n));
    }
}

void close_question(Turn& turn, const std::string& args) {
    const auto [number, typed] = first_word(args);
    std::string place = std::string(typed);
    number_networks(turn, place);  // "sluit vraag 7 in <network>"
    if (!read_id(number) || !trim(place).empty()) {
        turn.reply_text("close_question.usage");
        return;
    }
    place = std::string(typed);
    auto question = visible_question(turn, number, place, true);
    if (!question) {
        return;
    }
    const bool asker = question->asker_member_id == turn.me->id;
    MessageArgs message_args = {{"number", number_of(*question)}};
    if (!asker && !turn.manages(question->network_id)) {
        turn.reply_privately(TextContent{turn.t("close_question.not_allowed", message_args), {}});
        return;
    }
    if (anonymous_asker_in_group(turn, *question)) {
        return;  // closing would post in the network's other conversations
    }
    if (question->status != QuestionStatus::open) {
        turn.reply_privately(TextContent{turn.t("answer.closed", message_args), {}});
        return;
    }
    question->status = QuestionStatus::closed;
    question->closed_at = turn.now;
    turn.store.update_question(*question);
    cancel_follow_ups(turn.store, *question);
    auto& post = turn.postman;
    post_in_thread(
        post, *question,
        TextContent{tr(network_language(turn.store, turn.settings, question->network_id),
                       "close_question.in_thread", message_args),
                    {}},
        &turn.event.conversation);
    if (!asker) {
        if (const auto member = asker_of(turn.store, *question)) {
            post.to_member(*member, [&](Lang lang) {
                return Content{TextContent{
                    tr(lang, "close_question.told_asker",
                       {{"number", number_of(*question)}, {"name", turn.me->display_name}}),
                    {}}};
            }, {.network_id = question->network_id});
        }
    }
    turn.reply_privately(TextContent{turn.t("close_question.done", message_args), {}});
}

}  // namespace leernetwerk::detail
