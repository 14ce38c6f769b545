// Questions to the network (DOMAIN.md §5.4, §5.8): a member asks, the bot first offers earlier
// answers from the knowledge base, then routes the question to the members whose expertise fits
// best and posts it in the network's conversations; answers go to the asker and into the thread;
// the asker marks the helpful one; unanswered questions are followed up and escalated; and a
// helpful answer goes into the knowledge base only with its author's consent.
//
// Privacy: the asker of an anonymous question appears in no message to anyone else, in no other
// table than `questions`, and in no log line. Nothing here logs a question's text or its asker.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

using std::chrono::days;
using std::chrono::minutes;

constexpr std::string_view kOfferPending = "question_offer";
constexpr std::string_view kConsentPending = "question_consent";
constexpr std::size_t kMaxQuestionTags = 8;
constexpr std::size_t kMinQuestionChars = 3;
constexpr int kKnowledgeOffers = 3;
constexpr int kListedQuestions = 10;
/// A pause lasts at most a year.
constexpr int kMaxPauseDays = 366;

// ---- small readers -----------------------------------------------------------------------------

/// The largest number a member types for a question (an item's number is an int).
constexpr Id kMaxTypedNumber = 999'999'999;

/// "3" or "#3" (a question's number, or an id in a job key or a prompt's payload).
std::optional<Id> read_id(std::string_view text) {
    return read_hash_number(text);
}

// ---- words, stems and expertise matching --------------------------------------------------------

bool is_stopword(std::string_view word) {
    static const std::set<std::string_view> kStop = {
        "een",    "het",    "de",   "van",  "voor",  "met",  "bij",   "hoe",   "wat",    "wie",
        "waar",   "als",    "dat",  "die",  "dit",   "deze", "zijn",  "ik",    "je",     "jij",
        "we",     "wij",    "mijn", "onze", "ons",   "aan",  "op",    "in",    "om",     "te",
        "en",     "of",     "er",   "is",   "kan",   "kun",  "heeft", "weet",  "iemand", "iets",
        "ook",    "nog",    "wel",  "niet", "geen",  "naar", "uit",   "over",  "tips",   "the",
        "a",      "an",     "of",   "for",  "with",  "how",  "what",  "who",   "does",   "do",
        "anyone", "know",   "and",  "or",   "to",    "my",   "our",   "are",   "can",    "welke",
        "jullie", "hebben", "doen", "goed", "graag", "your", "you",   "which", "we",     "any"};
    return word.size() < 2 || kStop.count(word) > 0;
}

/// A crude Dutch/English stem: common endings off, so "rekenen", "rekent" and "reken" meet.
std::string stem(std::string word) {
    static const std::string_view kEndings[] = {"ingen", "ing", "en", "es", "er", "e", "s", "t"};
    for (const auto ending : kEndings) {
        if (word.size() >= ending.size() + 4 &&
            word.compare(word.size() - ending.size(), ending.size(), ending) == 0) {
            word.erase(word.size() - ending.size());
            break;
        }
    }
    // A doubled vowel before the last consonant is single in the longer forms: "observeer"
    // (observeert) and "observer" (observeren) meet.
    const auto n = word.size();
    const auto vowel = [](char c) { return c == 'a' || c == 'e' || c == 'o' || c == 'u'; };
    if (n >= 5 && word[n - 2] == word[n - 3] && vowel(word[n - 2]) && !vowel(word[n - 1]) &&
        word[n - 1] != 'i' && word[n - 1] != 'j') {
        word.erase(n - 2, 1);
    }
    return word;
}

/// Two folded words mean the same thing: equal stems, or one (4+ letters) starts the other, as in
/// a compound ("reken" in "rekenonderwijs").
bool words_match(const std::string& a, const std::string& b) {
    if (a == b) {
        return true;
    }
    const auto sa = stem(a);
    const auto sb = stem(b);
    if (sa == sb) {
        return true;
    }
    const auto& shorter = sa.size() <= sb.size() ? sa : sb;
    const auto& longer = sa.size() <= sb.size() ? sb : sa;
    return shorter.size() >= 4 && longer.compare(0, shorter.size(), shorter) == 0;
}

/// The words of a question that can say what it is about.
std::vector<std::string> content_words(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& word : words(fold(text))) {
        auto clean = bare_word(word);
        if (is_stopword(clean)) {
            continue;
        }
        if (clean.find('-') != std::string::npos) {
            // "kleuter-rekenonderwijs": the parts count as words too.
            for (auto& part : split(clean, '-')) {
                if (!is_stopword(part)) {
                    out.push_back(std::move(part));
                }
            }
        }
        out.push_back(std::move(clean));
    }
    return out;
}

/// How well a tag fits a question's words: 2 when every word of the tag is in the question, 1
/// when a longer word of a multi-word tag is, 0 otherwise.
int tag_fit(std::string_view tag, const std::vector<std::string>& question_words) {
    const auto tag_words = content_words(tag);
    if (tag_words.empty()) {
        return 0;
    }
    int found = 0;
    bool long_found = false;
    for (const auto& word : tag_words) {
        const bool in_question =
            std::any_of(question_words.begin(), question_words.end(),
                        [&](const std::string& q) { return words_match(word, q); });
        if (in_question) {
            ++found;
            long_found = long_found || word.size() >= 6;
        }
    }
    if (found == static_cast<int>(tag_words.size())) {
        return 2;
    }
    return long_found ? 1 : 0;
}

/// The "#tags" typed in a question, as typed (without the #).
std::vector<std::string> hash_tags(std::string_view text) {
    std::vector<std::string> out;
    for (const auto& part : split(text, ' ')) {
        if (part.size() > 1 && part.front() == '#') {
            auto tag = bare_word(fold(part.substr(1)));
            if (!tag.empty() && utf8_length(tag) <= 40) {
                out.push_back(std::move(tag));
            }
        }
    }
    return out;
}

// ---- routing ------------------------------------------------------------------------------------

/// A member who could be asked, with why.
struct Candidate {
    Member member;
    int fit = 0;    ///< expertise: tags and earlier answers
    int score = 0;  ///< fit, school and load together
    std::vector<std::string> matched_tags;
    int open_unanswered = 0;
    std::optional<Instant> last_routed_at;
};

constexpr int kTagWeight = 10;
constexpr int kPartialTagWeight = 4;
constexpr int kEvidenceWeight = 3;
constexpr int kHelpfulEvidenceWeight = 6;
constexpr int kMaxEvidence = 12;
constexpr int kOtherSchoolBonus = 4;
constexpr int kOpenQuestionPenalty = 4;
constexpr int kRecentlyAskedPenalty = 3;
constexpr days kRecentlyAsked{7};

/// Every member who may be asked, best first: fitting expertise first, then by score; ties go to
/// the one asked least, longest ago, then the lowest id (deterministic).
std::vector<Candidate> rank_candidates(Store& store, const Question& question,
                                       const std::set<Id>& exclude, Instant now) {
    const auto asker = store.member(question.asker_member_id);
    std::map<Id, RouteLoad> loads;
    for (const auto& load : store.route_loads()) {
        loads[load.member_id] = load;
    }
    auto question_words = content_words(question.text);
    for (const auto& tag : question.tags) {
        for (auto& word : content_words(tag)) {
            question_words.push_back(std::move(word));
        }
    }
    const auto evidence = store.answer_evidence(question.network_id);
    std::vector<Candidate> out;
    for (const auto& entry : store.roster(question.network_id)) {
        const auto& member = entry.member;
        if (member.id == question.asker_member_id || exclude.count(member.id) > 0 ||
            entry.membership.role == Role::guest || store.identities_of(member.id).empty()) {
            continue;
        }
        if (const auto until = store.member_pause(member.id); until && *until > now) {
            continue;
        }
        Candidate candidate;
        candidate.member = member;
        for (const auto& tag : member.expertise) {
            const auto fit = tag_fit(tag, question_words);
            if (fit == 2) {
                candidate.fit += kTagWeight;
                candidate.matched_tags.push_back(tag);
            } else if (fit == 1) {
                candidate.fit += kPartialTagWeight;
                candidate.matched_tags.push_back(tag);
            }
        }
        int earlier = 0;
        for (const auto& answer : evidence) {
            if (answer.author_member_id != member.id || answer.confidential) {
                continue;
            }
            bool related = false;
            for (const auto& tag : answer.question_tags) {
                related = related || tag_fit(tag, question_words) > 0;
            }
            if (related) {
                earlier += answer.helpful ? kHelpfulEvidenceWeight : kEvidenceWeight;
            }
        }
        candidate.fit += std::min(earlier, kMaxEvidence);
        candidate.score = candidate.fit;
        // Another school than the asker's first, but not for an anonymous question: who was
        // passed over would hint at the asker's school.
        if (!question.anonymous && asker && asker->school_id && member.school_id &&
            *asker->school_id != *member.school_id) {
            candidate.score += kOtherSchoolBonus;
        }
        if (const auto load = loads.find(member.id); load != loads.end()) {
            candidate.open_unanswered = load->second.open_unanswered;
            candidate.last_routed_at = load->second.last_routed_at;
        }
        candidate.score -= kOpenQuestionPenalty * candidate.open_unanswered;
        if (candidate.last_routed_at && now - *candidate.last_routed_at < kRecentlyAsked) {
            candidate.score -= kRecentlyAskedPenalty;
        }
        out.push_back(std::move(candidate));
    }
    std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
        if ((a.fit > 0) != (b.fit > 0)) {
            return a.fit > 0;
        }
        if (a.score != b.score) {
            return a.score > b.score;
        }
        if (a.open_unanswered != b.open_unanswered) {
            return a.open_unanswered < b.open_unanswered;
        }
        if (a.last_routed_at != b.last_routed_at) {
            return !a.last_routed_at || (b.last_routed_at && *a.last_routed_at < *b.last_routed_at);
        }
        return a.member.id < b.member.id;
    });
    return out;
}

/// Who to ask: the best `count` whose expertise fits; when nobody's does, `count` by load.
std::vector<Candidate> choose(std::vector<Candidate> ranked, int count, bool& by_expertise) {
    const auto fitting = static_cast<std::size_t>(
        std::count_if(ranked.begin(), ranked.end(), [](const Candidate& c) { return c.fit > 0; }));
    by_expertise = fitting > 0;
    const auto wanted = static_cast<std::size_t>(std::max(count, 0));
    ranked.resize(std::min(wanted, by_expertise ? fitting : ranked.size()));
    return ranked;
}

int route_count(Store& store, const BotSettings& settings, Id network_id) {
    return store.question_route_count(network_id).value_or(settings.questions.route_count);
}

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

/// Posts in the question's thread, except where the member wrote it (they see their own message
/// there already): the thread itself, or a conversation without threads. A reply to the post in
/// the room's main timeline (Matrix) is not in the thread, so it is posted there.
void post_in_thread(Postman& post, const Question& question, const TextContent& content,
                    const Conversation* skip = nullptr) {
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

void cancel_follow_ups(Store& store, const Question& question) {
    store.cancel_job(kQuestionFollowUpJob, "q" + id_of(question) + ":follow_up");
    store.cancel_job(kQuestionFollowUpJob, "q" + id_of(question) + ":escalate");
}

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

std::string status_label(const Question& question, Lang lang) {
    return tr(lang, "question.status." + std::string(question_status_code(question.status)));
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

/// The tags of a new question: its #tags, then the network's expertise tags it matches.
std::vector<std::string> question_tags(Store& store, Id network_id, const std::string& text) {
    std::vector<std::string> tags;
    std::set<std::string> seen;
    const auto add = [&](const std::string& tag) {
        if (tags.size() < kMaxQuestionTags && seen.insert(fold(tag)).second) {
            tags.push_back(tag);
        }
    };
    for (const auto& tag : hash_tags(text)) {
        add(tag);
    }
    const auto question_words = content_words(text);
    for (const auto& entry : store.roster(network_id)) {
        for (const auto& tag : entry.member.expertise) {
            if (tag_fit(tag, question_words) == 2) {
                add(tag);
            }
        }
    }
    return tags;
}

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

/// Where the outbox id of the asker's "Dit hielp me" card for an answer is kept.
std::string forward_key(Id answer_id) {
    return "core.helpful_card:" + std::to_string(answer_id);
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

// ---- answering ------------------------------------------------------------------------------

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

}  // namespace

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
