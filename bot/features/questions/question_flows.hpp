#pragma once
// Questions to the network (DOMAIN.md §5.4, §5.8): a member asks, the bot first offers earlier
// answers from the knowledge base, then routes the question to the members whose expertise fits
// best and posts it in the network's conversations; answers go to the asker and into the thread;
// the asker marks the helpful one; unanswered questions are followed up and escalated; and a
// helpful answer goes into the knowledge base only with its author's consent.
//
// Privacy: the asker of an anonymous question appears in no message to anyone else, in no other
// table than `questions`, and in no log line. Nothing here logs a question's text or its asker.
//
// What the feature's files share (the commands, card actions and jobs are declared in
// bot/engine/turn.hpp). Feature-internal: included by bot/features/questions/*.cpp only.
#include <cstddef>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {

/// A member who could be asked, with why.
struct Candidate {
    Member member;
    int fit = 0;    ///< expertise: tags and earlier answers
    int score = 0;  ///< fit, school and load together
    std::vector<std::string> matched_tags;
    int open_unanswered = 0;
    std::optional<Instant> last_routed_at;
};

// Who knows (question_ranking.cpp).
std::vector<std::string> content_words(std::string_view text);
std::vector<Candidate> rank_candidates(Store& store, const Question& question,
                                       const std::set<Id>& exclude, Instant now);
std::vector<Candidate> choose(std::vector<Candidate> ranked, int count, bool& by_expertise);
int route_count(Store& store, const BotSettings& settings, Id network_id);
std::vector<std::string> question_tags(Store& store, Id network_id, const std::string& text);

// Asking and routing (question_asking.cpp).
std::string number_of(const Question& question);
std::string id_of(const Question& question);
std::string asker_label(Store& store, const Question& question, Lang lang);
std::string tags_text(const std::vector<std::string>& tags);
std::vector<std::string> names_of(const std::vector<Candidate>& chosen);
void ask_members(Postman& post, const Network& network, const Question& question,
                 const std::vector<Candidate>& chosen, bool by_expertise, bool follow_up);
std::vector<Mention> mentions_of(const std::vector<Candidate>& chosen);
void route(Turn& turn, Question question);

// Answering and the thread (question_answers.cpp).
std::optional<Id> read_id(std::string_view text);
void post_in_thread(Postman& post, const Question& question, const TextContent& content,
                    const Conversation* skip = nullptr);
std::optional<Member> asker_of(Store& store, const Question& question);
bool anonymous_asker_in_group(Turn& turn, const Question& question);
std::optional<Question> visible_question(Turn& turn, std::string_view typed, std::string& rest,
                                         bool keep_rest);
std::string day_label(Instant instant, const std::string& zone, Lang lang);
void show_thread(Turn& turn, const Question& question);
void mark_answer_helpful(Turn& turn, Question question, std::size_t position);

// Prompts and cards: the offer, the consent (question_prompts.cpp).
std::string shortened(const std::string& text, std::size_t max);
void offer_knowledge(Turn& turn, Question question, const std::vector<KnowledgeHit>& hits);
void ask_consent(Turn& turn, const Question& question, Answer answer, const Member& author);

// Follow-up and escalation (question_follow_ups.cpp).
void cancel_follow_ups(Store& store, const Question& question);
void schedule_follow_ups(Store& store, const BotSettings& settings, const Question& question,
                         Instant sent);

}  // namespace leernetwerk::detail
