// Questions to the network: asking (DOMAIN.md §5.4, §5.8). `vraag`: a member asks, the bot first
// offers earlier answers from the knowledge base (question_prompts.cpp), then routes the question
// to the members whose expertise fits best (question_ranking.cpp) and posts it in the network's
// conversations; `pauze` and `experts per vraag`.
//
// Privacy: the asker of an anonymous question appears in no message to anyone else, in no other
// table than `questions`, and in no log line. Nothing here logs a question's text or its asker.
#include "bot/parse/arguments.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/text.hpp"
#include "bot/features/questions/question_flows.hpp"

namespace leernetwerk::detail {
namespace {

using std::chrono::days;
using std::chrono::minutes;

constexpr std::size_t kMinQuestionChars = 3;
constexpr int kKnowledgeOffers = 3;

/// A pause lasts at most a year.
constexpr int kMaxPauseDays = 366;

/// The private message to a routed member.
TextContent routed_message(Store& store, const Network& network, const Question& question,
                           const Candidate& candidate, bool by_expertise, bool follow_up,
                           Lang lang) {
    MessageArgs args = {{"number", number_of(question)},
                        {"network", network.name},
                        {"asker", asker_label(store, question, lang)},
                        {"text", question.text}};
    std::string text = tr(lang, "question.routed", args) + "\n\n";
    if (by_expertise && !candidate.matched_tags.empty()) {
        text += tr(lang, "question.routed_why", {{"tags", tags_text(candidate.matched_tags)}});
    } else if (by_expertise && candidate.fit > 0) {
        text += tr(lang, "question.routed_why_earlier");
    } else if (follow_up) {
        text += tr(lang, "question.routed_why_follow_up");
    } else {
        text += tr(lang, "question.routed_why_load");
    }
    text += "\n\n" + tr(lang, "question.routed_how", args);
    if (question.confidential) {
        text += "\n\n" + tr(lang, "question.confidential_note");
    }
    return TextContent{text, {}};
}

}  // namespace

/// The number members of its network see and type ("vraag 7").
std::string number_of(const Question& question) {
    return std::to_string(question.number);
}

/// The id, for what members never see: job keys, card actions, confirmation payloads.
std::string id_of(const Question& question) {
    return std::to_string(question.id);
}

/// How the asker is named to others: their name (and school), or "een collega (anoniem)".
std::string asker_label(Store& store, const Question& question, Lang lang) {
    if (question.anonymous) {
        return tr(lang, "question.anonymous_asker");
    }
    const auto asker = store.member(question.asker_member_id);
    if (!asker) {
        return tr(lang, "question.former_member");
    }
    return asker->school_name.empty() ? asker->display_name
                                      : asker->display_name + " (" + asker->school_name + ")";
}

std::string tags_text(const std::vector<std::string>& tags) {
    std::string out;
    for (const auto& tag : tags) {
        out += (out.empty() ? "" : ", ") + tag;
    }
    return out;
}

std::vector<std::string> names_of(const std::vector<Candidate>& chosen) {
    std::vector<std::string> names;
    names.reserve(chosen.size());
    for (const auto& candidate : chosen) {
        names.push_back(candidate.member.display_name);
    }
    return names;
}

/// Asks the chosen members privately and records that they were asked.
void ask_members(Postman& post, const Network& network, const Question& question,
                 const std::vector<Candidate>& chosen, bool by_expertise, bool follow_up) {
    for (const auto& candidate : chosen) {
        const auto id = post.to_member(
            candidate.member,
            [&](Lang lang) {
                return Content{routed_message(post.store, network, question, candidate,
                                              by_expertise, follow_up, lang)};
            },
            {.network_id = network.id});
        post.store.add_question_route({question.id, candidate.member.id, question.round, post.now});
        if (id != 0) {
            post.store.add_question_message(question.id, id, QuestionMessageKind::routed);
        }
    }
}

std::vector<Mention> mentions_of(const std::vector<Candidate>& chosen) {
    std::vector<Mention> out;
    out.reserve(chosen.size());
    for (const auto& candidate : chosen) {
        out.push_back({candidate.member.id, candidate.member.display_name});
    }
    return out;
}

/// Sends an open question on: chooses who to ask, posts it in the network's conversations with
/// mentions, asks them privately, tells the asker, and schedules the follow-up.
void route(Turn& turn, Question question) {
    const auto network = turn.store.network(question.network_id);
    if (!network) {
        return;
    }
    auto& store = turn.store;
    bool by_expertise = false;
    const auto chosen = choose(rank_candidates(store, question, {}, turn.now),
                               route_count(store, turn.settings, network->id), by_expertise);
    question.status = QuestionStatus::open;
    question.round = 1;
    store.update_question(question);

    auto& postman = turn.postman;
    const auto lang = network_language(store, turn.settings, network->id);
    MessageArgs args = {{"number", number_of(question)},
                        {"asker", asker_label(store, question, lang)},
                        {"text", question.text},
                        {"names", join_names(names_of(chosen), lang)},
                        {"count", std::to_string(chosen.size())}};
    std::string post = tr(lang, "question.post", args) + "\n\n";
    if (!question.tags.empty()) {
        post += tr(lang, "question.post_tags", {{"tags", tags_text(question.tags)}}) + "\n";
    }
    if (chosen.empty()) {
        post += tr(lang, "question.post_nobody");
    } else if (by_expertise) {
        post += tr(lang, "question.post_asked", args);
    } else {
        post += tr(lang, "question.post_asked_load", args);
    }
    post += "\n\n" + tr(lang, "question.post_how", args);
    if (question.confidential) {
        post += "\n\n" + tr(lang, "question.confidential_note");
    }
    const TextContent content{post, mentions_of(chosen)};
    for (const auto id : postman.to_network(
             network->id, [&](Lang) -> Content { return content; },
             {.lang = turn.settings.default_language})) {
        store.add_question_message(question.id, id, QuestionMessageKind::post);
    }
    ask_members(postman, *network, question, chosen, by_expertise, false);
    schedule_follow_ups(store, turn.settings, question, turn.now);

    MessageArgs mine = {{"number", number_of(question)},
                        {"network", network->name},
                        {"names", join_names(names_of(chosen), turn.lang)}};
    std::string receipt = turn.t(chosen.empty() ? "question.sent_nobody"
                                 : by_expertise ? "question.sent"
                                                : "question.sent_load",
                                 mine);
    receipt += "\n\n" + turn.t("question.sent_next", mine);
    if (question.anonymous) {
        receipt += "\n\n" + turn.t("question.sent_anonymous");
    }
    if (question.confidential) {
        receipt += "\n\n" + turn.t("question.sent_confidential");
    }
    turn.reply_privately(TextContent{receipt, {}});
    log_line(LogLevel::info, "question id " + id_of(question) + " routed to " +
                                 std::to_string(chosen.size()) + " member(s)");
}

// ---- commands -----------------------------------------------------------------------------------

void ask_question(Turn& turn, const std::string& args) {
    auto rest = std::string(trim(args));
    if (rest.empty()) {
        turn.reply_text("question.usage");
        return;
    }
    // A number (also one too long to be a question's), alone or with the network it is in
    // ("vraag 3 in HSN-café Rekenen"), asks to see that question's thread: it is never sent to
    // the network as a question itself.
    {
        const auto [first, after] = first_word(rest);
        const auto number = !first.empty() && first.front() == '#' ? first.substr(1) : first;
        std::string named = after;
        number_networks(turn, named);
        if (all_digits(number) && trim(named).empty()) {
            std::string place = std::string(after);
            if (const auto question = visible_question(turn, first, place, true)) {
                show_thread(turn, *question);
            }
            return;
        }
    }
    bool anonymous = false;
    bool confidential = false;
    while (true) {
        // Every anonymous word the bot knows, also "verborgen" or "hidden", which could start a
        // question ("Hidden curriculum: …"): taken wrongly, a question goes without a name and
        // the receipt says so; missed, it would go out under the name of someone who asked not to.
        if (auto unnamed = after_leading_phrase(rest, kAnonymousWords)) {
            anonymous = true;
            rest = std::move(*unnamed);
            continue;
        }
        const auto [word, after] = first_word(rest);
        const auto folded = bare_word(fold(word));
        const auto [next, after_next] = first_word(after);
        const auto pair = folded + " " + bare_word(fold(next));
        if (pair == "niet bewaren" || pair == "not saved" || folded == "unsaved") {
            // Kept out of the knowledge base (the question is still posted with its asker).
            confidential = true;
            if (folded != "unsaved") {
                rest = after_next;
                continue;
            }
        } else if (folded == "vertrouwelijk" || folded == "confidential") {
            // The word promises what the bot does not do: the question would be posted in the
            // group with the asker's name. Nothing is sent; the sender hears what is possible.
            turn.confidential = true;
            turn.reply_privately(TextContent{turn.t("question.no_confidential"), {}});
            return;
        } else {
            break;
        }
        rest = after;
    }
    // What an anonymous asker typed is tied to them by the event: never logged, nor is a
    // confidential question.
    turn.confidential = turn.confidential || anonymous || confidential;
    if (utf8_length(rest) < kMinQuestionChars || content_words(rest).empty()) {
        turn.reply_text("question.empty");
        return;
    }
    if (anonymous && turn.event.conversation.kind == Conversation::Kind::group) {
        // Typed in the group, the question already carries the name: nothing is routed.
        turn.reply_privately(TextContent{turn.t("question.anonymous_in_group"), {}});
        return;
    }
    auto network = turn.require_network();
    if (!network) {
        return;
    }
    if (!turn.membership_in(network->id)) {
        turn.reply_text("question.not_member", {{"network", network->name}});
        return;
    }
    // The same open question of the same asker again (a double send): not routed twice.
    for (const auto& open : turn.store.questions_of_network(network->id, QuestionStatus::open, 20)) {
        if (open.asker_member_id == turn.me->id && fold(open.text) == fold(rest)) {
            turn.reply_privately(
                TextContent{turn.t("question.duplicate", {{"number", number_of(open)}}), {}});
            return;
        }
    }
    Question question;
    question.network_id = network->id;
    question.asker_member_id = turn.me->id;
    question.anonymous = anonymous;
    question.confidential = confidential;
    question.text = rest;
    question.tags = question_tags(turn.store, network->id, rest);
    question.status = QuestionStatus::draft;
    question.created_at = turn.now;
    question.id = turn.store.create_question(question);
    if (const auto stored = turn.store.question(question.id)) {
        question.number = stored->number;
    }

    std::vector<Id> network_ids;
    for (const auto& membership : turn.store.memberships_of(turn.me->id)) {
        network_ids.push_back(membership.network_id);
    }
    std::string words;
    for (const auto& word : content_words(rest)) {
        words += (words.empty() ? "" : " ") + word;
    }
    const auto hits = turn.store.search_knowledge(network_ids, words, kKnowledgeOffers);
    if (!hits.empty()) {
        offer_knowledge(turn, question, hits);
        return;
    }
    route(turn, question);
}

void pause_questions(Turn& turn, const std::string& args) {
    const auto folded = fold(args);
    const auto zone = turn.settings.default_time_zone;
    if (folded.empty()) {
        const auto until = turn.store.member_pause(turn.me->id);
        if (until && *until > turn.now) {
            turn.reply_text("pause.show", {{"day", day_label(*until, zone, turn.lang)}});
        } else {
            turn.reply_text("pause.none");
        }
        return;
    }
    if (folded == "uit" || folded == "stop" || folded == "off" || folded == "klaar" ||
        folded == "einde" || folded == "end") {
        turn.store.set_member_pause(turn.me->id, std::nullopt);
        turn.reply_text("pause.ended");
        return;
    }
    std::optional<Instant> until;
    const auto parts = words(folded);
    if (parts.size() == 2) {
        // Bounded before it is multiplied: "pauze 613566757 weken" must not wrap to 3 days.
        const auto read = read_number(parts[0]);
        const int count = read && *read <= kMaxPauseDays ? static_cast<int>(*read) : 0;
        const auto& unit = parts[1];
        if (count > 0) {
            if (unit == "week" || unit == "weken" || unit == "weeks") {
                until = turn.now + days{7 * count};
            } else if (unit == "dag" || unit == "dagen" || unit == "day" || unit == "days") {
                until = turn.now + days{count};
            }
        }
    }
    if (!until && !parts.empty() && (parts[0] == "tot" || parts[0] == "until")) {
        const auto day_text = trim(std::string_view(folded).substr(parts[0].size()));
        if (const auto when = parse_when(day_text, turn.today(zone));
            when && when->kind != When::Kind::week) {
            until = at_wall_time(when->day, minutes{0}, zone);
        }
    }
    if (!until || *until <= turn.now || *until - turn.now > days{kMaxPauseDays}) {
        turn.reply_text("pause.usage");
        return;
    }
    turn.store.set_member_pause(turn.me->id, *until);
    turn.reply_text("pause.saved", {{"day", day_label(*until, zone, turn.lang)}});
}

void set_route_count(Turn& turn, const std::string& args) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto current = route_count(turn.store, turn.settings, network->id);
    if (trim(args).empty()) {
        turn.reply_text("route_count.show",
                        {{"network", network->name}, {"count", std::to_string(current)}});
        return;
    }
    const auto count = read_id(trim(args));
    if (!count || *count < 1 || *count > 10) {
        turn.reply_text("route_count.usage");
        return;
    }
    turn.store.set_question_route_count(network->id, static_cast<int>(*count));
    turn.reply_text("route_count.saved",
                    {{"network", network->name}, {"count", std::to_string(*count)}});
}

}  // namespace leernetwerk::detail
