// Questions to the network: the prompts and cards (DOMAIN.md §5.4, §5.8). The offer of earlier
// answers from the knowledge base before a question is sent on, the consent to keep a helpful
// answer in the knowledge base (only with its author's say), the clicks on a question's cards
// ("offer:", "consent:", "helpful:"), a typed ja/nee, and the prompts' expiry.
#include <algorithm>
#include <functional>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"
#include "bot/features/questions/question_flows.hpp"

namespace leernetwerk::detail {
namespace {

constexpr std::string_view kOfferPending = "question_offer";
constexpr std::string_view kConsentPending = "question_consent";

// ---- prompts that wait for an answer (offer, consent) ------------------------------------------

Id open_prompt(Turn& turn, const Member& member, std::string_view kind, Id network_id,
               const std::string& payload, Instant expires_at,
               const std::function<ChoiceQuestion(Id pending_id, Lang lang)>& make) {
    PendingAction pending;
    pending.member_id = member.id;
    pending.network_id = network_id;
    pending.kind = std::string(kind);
    pending.payload = payload;
    pending.created_at = turn.now;
    pending.expires_at = expires_at;
    pending.id = turn.store.create_pending(pending);
    auto& post = turn.postman;
    const auto message_id = post.to_member(member, [&](Lang lang) {
        auto question = make(pending.id, lang);
        question.deadline = expires_at;
        return Content{question};
    }, {.network_id = network_id});
    if (message_id != 0) {
        turn.store.set_pending_question(pending.id, message_id);
    }
    turn.store.schedule_job({0, std::string(kPendingExpiryJob), std::to_string(pending.id),
                             expires_at, "", JobState::due});
    return pending.id;
}

/// Shows a prompt as answered (its buttons replaced by a note).
void close_prompt(Store& store, const PendingAction& pending, Instant now,
                  const std::string& note) {
    store.delete_pending(pending.id);
    store.cancel_job(kPendingExpiryJob, std::to_string(pending.id));
    if (!pending.question_message_id) {
        return;
    }
    const auto row = store.outbox_row(*pending.question_message_id);
    if (!row) {
        return;
    }
    if (const auto* question = std::get_if<ChoiceQuestion>(&row->message.content)) {
        auto closed = *question;
        closed.closed_note = note;
        OutboundMessage update;
        update.to = row->message.to;
        update.recipient_member_id = row->message.recipient_member_id;
        update.lang = row->message.lang;
        update.content = closed;
        update.replaces = row->message.id;
        store.append_outbox(update, now);
    }
}

constexpr std::size_t kOfferBodyChars = 400;

/// The offer of earlier answers was answered: it helped (nothing is sent on) or not (route).
void answer_offer(Turn& turn, const PendingAction& pending, bool helps) {
    const auto id = read_id(pending.payload);
    auto question = id ? turn.store.question(*id) : std::nullopt;
    close_prompt(turn.store, pending, turn.now,
                 turn.t(helps ? "question.offer_closed_helps" : "question.offer_closed_send"));
    if (!question || question->status != QuestionStatus::draft) {
        turn.reply_privately(TextContent{turn.t("confirm.gone"), {}});
        return;
    }
    if (helps) {
        turn.store.delete_question(question->id);
        turn.reply_privately(TextContent{turn.t("question.offer_glad"), {}});
        return;
    }
    route(turn, *question);
}

void keep_answer(Turn& turn, const PendingAction& pending, AnswerConsent consent) {
    const auto id = read_id(pending.payload);
    auto answer = id ? turn.store.answer(*id) : std::nullopt;
    const auto question = answer ? turn.store.question(answer->question_id) : std::nullopt;
    const std::string note_key = consent == AnswerConsent::named       ? "consent.closed_named"
                                 : consent == AnswerConsent::anonymous ? "consent.closed_anonymous"
                                                                       : "consent.closed_no";
    close_prompt(turn.store, pending, turn.now, turn.t(note_key));
    if (!answer || !question || question->confidential) {
        turn.reply_privately(TextContent{turn.t("confirm.gone"), {}});
        return;
    }
    answer->consent = consent;
    turn.store.update_answer(*answer);
    MessageArgs args = {{"number", number_of(*question)}};
    if (consent == AnswerConsent::refused) {
        turn.reply_privately(TextContent{turn.t("consent.refused", args), {}});
        return;
    }
    KnowledgeEntry entry;
    entry.network_id = question->network_id;
    entry.kind = KnowledgeKind::answer;
    entry.title = question->text;
    entry.body = answer->text;
    entry.tags = question->tags;
    if (consent == AnswerConsent::named) {
        entry.author_member_id = answer->author_member_id != 0
                                     ? std::optional<Id>{answer->author_member_id}
                                     : std::nullopt;
    }
    entry.question_id = question->id;
    entry.status = KnowledgeStatus::active;
    entry.created_at = turn.now;
    entry.updated_at = turn.now;
    turn.store.create_knowledge_entry(entry);
    turn.reply_privately(TextContent{
        turn.t(consent == AnswerConsent::named ? "consent.kept_named" : "consent.kept_anonymous",
               args),
        {}});
}

}  // namespace

/// `text` cut at a word boundary after about `max` characters, with "…" when cut.
std::string shortened(const std::string& text, std::size_t max) {
    if (utf8_length(text) <= max) {
        return text;
    }
    std::size_t bytes = 0;
    for (std::size_t chars = 0; bytes < text.size() && chars < max; ++chars) {
        const auto lead = static_cast<unsigned char>(text[bytes]);
        bytes += lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    }
    auto cut = text.rfind(' ', std::min(bytes, text.size()));
    if (cut == std::string::npos || cut < bytes / 2) {
        cut = std::min(bytes, text.size());
    }
    return text.substr(0, cut) + "…";
}

void offer_knowledge(Turn& turn, Question question, const std::vector<KnowledgeHit>& hits) {
    question.status = QuestionStatus::draft;
    turn.store.update_question(question);
    open_prompt(
        turn, *turn.me, kOfferPending, question.network_id, id_of(question),
        turn.now + turn.settings.confirmation_ttl, [&](Id pending_id, Lang lang) {
            ChoiceQuestion prompt;
            prompt.action_id = "offer:" + std::to_string(pending_id) + ":" + id_of(question);
            std::string text = tr(lang, "question.offer_intro");
            int n = 0;
            for (const auto& hit : hits) {
                text += "\n\n" + std::to_string(++n) + ". **" + escape_markdown(hit.entry.title) +
                        "**\n" + escape_markdown(shortened(hit.entry.body, kOfferBodyChars));
                if (!hit.entry.link.empty()) {
                    text += "\n" + escape_markdown(hit.entry.link);
                }
                if (hit.entry.author_member_id) {
                    if (const auto author = turn.store.member(*hit.entry.author_member_id)) {
                        text += "\n— " + escape_markdown(author->display_name);
                    }
                }
            }
            text += "\n\n" + tr(lang, "question.offer_question");
            prompt.prompt = text;
            prompt.choices = {{"help", tr(lang, "question.offer_helps")},
                              {"send", tr(lang, "question.offer_send")}};
            return prompt;
        });
}

/// Asks the author of a helpful answer whether it may be kept in the knowledge base.
void ask_consent(Turn& turn, const Question& question, Answer answer, const Member& author) {
    if (question.confidential || answer.consent != AnswerConsent::none) {
        return;
    }
    const auto network = turn.store.network(question.network_id);
    answer.consent = AnswerConsent::asked;
    turn.store.update_answer(answer);
    open_prompt(turn, author, kConsentPending, question.network_id, std::to_string(answer.id),
                turn.now + turn.settings.questions.consent_ttl, [&](Id pending_id, Lang lang) {
                    ChoiceQuestion prompt;
                    prompt.action_id =
                        "consent:" + std::to_string(pending_id) + ":" + std::to_string(answer.id);
                    prompt.prompt = tr(lang, "consent.prompt",
                                       {{"number", number_of(question)},
                                        {"network", network ? network->name : ""},
                                        {"question", question.text},
                                        {"answer", answer.text}});
                    prompt.choices = {{"named", tr(lang, "consent.named")},
                                      {"anonymous", tr(lang, "consent.anonymous")},
                                      {"no", tr(lang, "consent.no")}};
                    return prompt;
                });
}

bool question_action(Turn& turn, const ActionSubmission& action) {
    const auto colon = action.action_id.find(':');
    if (colon == std::string::npos) {
        return false;
    }
    const auto kind = action.action_id.substr(0, colon);
    if (kind != "offer" && kind != "consent" && kind != "helpful") {
        return false;
    }
    // "helpful:<answer>", "offer:<prompt>:<question>", "consent:<prompt>:<answer>": a prompt's
    // card names what it was about too, because a prompt's number is given again once it is
    // answered, and a click on the old card must not answer the new prompt.
    const auto rest = std::string_view(action.action_id).substr(colon + 1);
    const auto second = rest.find(':');
    const auto id = read_id(rest.substr(0, second));
    const auto about =
        second == std::string_view::npos ? std::string_view() : rest.substr(second + 1);
    if (!id || action.choice_ids.size() != 1) {
        turn.reply_text("action.unknown");
        return true;
    }
    const auto& choice = action.choice_ids.front();
    if (kind == "helpful") {
        const auto answer = turn.store.answer(*id);
        const auto question = answer ? turn.store.question(answer->question_id) : std::nullopt;
        if (choice != "yes" || !question || !turn.membership_in(question->network_id)) {
            turn.reply_text("action.unknown");
            return true;
        }
        const auto answers = turn.store.answers_of(question->id);
        const auto at = std::find_if(answers.begin(), answers.end(),
                                     [&](const Answer& a) { return a.id == answer->id; });
        mark_answer_helpful(turn, *question, static_cast<std::size_t>(at - answers.begin()) + 1);
        return true;
    }
    const auto pending = turn.store.pending(*id);
    const auto expected = kind == "offer" ? kOfferPending : kConsentPending;
    if (!pending || pending->kind != expected || pending->payload != about) {
        turn.reply_privately(TextContent{turn.t("confirm.gone"), {}});
        return true;
    }
    if (pending->member_id != turn.me->id) {
        turn.reply_privately(TextContent{turn.t("question.prompt_not_yours"), {}});
        return true;
    }
    if (kind == "offer" && (choice == "help" || choice == "send")) {
        answer_offer(turn, *pending, choice == "help");
    } else if (kind == "consent" &&
               (choice == "named" || choice == "anonymous" || choice == "no")) {
        keep_answer(turn, *pending,
                    choice == "named"       ? AnswerConsent::named
                    : choice == "anonymous" ? AnswerConsent::anonymous
                                            : AnswerConsent::refused);
    } else {
        turn.reply_text("action.unknown");
    }
    return true;
}

bool answer_question_prompt(Turn& turn, const PendingAction& pending, bool yes,
                            const std::string& args) {
    if (pending.kind == kOfferPending) {
        answer_offer(turn, pending, yes);
        return true;
    }
    if (pending.kind != kConsentPending) {
        return false;
    }
    if (!yes) {
        keep_answer(turn, pending, AnswerConsent::refused);
        return true;
    }
    // Read in this order: "met naam" and "niet anoniem" first (both hold an anonymous word);
    // then the shared anonymous words, and "zonder" alone, which only here means "without my
    // name" (elsewhere it starts a sentence); then "naam"/"name" alone, which only here can mean
    // "with my name" (elsewhere a name is any text).
    if (contains_phrase(args, kNamedWords)) {
        keep_answer(turn, pending, AnswerConsent::named);
    } else if (contains_phrase(args, kAnonymousWords) || contains_phrase(args, {"zonder"})) {
        keep_answer(turn, pending, AnswerConsent::anonymous);
    } else if (contains_phrase(args, {"naam", "name"})) {
        keep_answer(turn, pending, AnswerConsent::named);
    } else {
        turn.reply_privately(TextContent{turn.t("consent.which"), {}});
    }
    return true;
}

// ---- scheduler ----------------------------------------------------------------------------------

bool expire_question_prompt(Store& store, const BotSettings& settings, const Job& job,
                            Instant now) {
    const auto id = read_id(job.key);
    const auto pending = id ? store.pending(*id) : std::nullopt;
    if (!pending || (pending->kind != kOfferPending && pending->kind != kConsentPending)) {
        return false;
    }
    const auto member = store.member(pending->member_id);
    const auto lang =
        member ? member->language.value_or(settings.default_language) : settings.default_language;
    close_prompt(store, *pending, now, tr(lang, "confirm.closed_expired"));
    Postman post(store, settings, now);
    const auto payload_id = read_id(pending->payload);
    if (pending->kind == kOfferPending) {
        // Not answered: the asker did not want it sent on after all; nothing is kept.
        const auto question = payload_id ? store.question(*payload_id) : std::nullopt;
        if (question && question->status == QuestionStatus::draft) {
            store.delete_question(question->id);
            if (member) {
                post.to_member(*member, [&](Lang member_lang) {
                    return Content{TextContent{tr(member_lang, "question.offer_expired"), {}}};
                }, {.network_id = pending->network_id});
            }
        }
        return true;
    }
    if (auto answer = payload_id ? store.answer(*payload_id) : std::nullopt;
        answer && answer->consent == AnswerConsent::asked) {
        answer->consent = AnswerConsent::expired;
        store.update_answer(*answer);
    }
    return true;
}

}  // namespace leernetwerk::detail
