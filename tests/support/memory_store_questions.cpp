// The MemoryStore's questions to the network (storage/sqlite_questions.cpp).
#include <algorithm>
#include <map>

#include "support/memory_store.hpp"
#include "support/memory_store_rows.hpp"

namespace leernetwerk::testing {

using memory::clean_tags;
using memory::no_such;

// ---- questions to the network ----------------------------------------------------------------

Id MemoryStore::create_question(const Question& question) {
    if (!state_.networks.contains(question.network_id)) {
        throw StoreError("create_question: FOREIGN KEY constraint failed");
    }
    const int number = next_number(question.network_id, "question");
    const Id id = ++state_.question_seq;
    Question stored = question;
    stored.id = id;
    stored.number = number;
    stored.tags = clean_tags(question.tags);
    state_.questions.emplace(id, std::move(stored));
    return id;
}

std::optional<Question> MemoryStore::question(Id id) {
    const auto it = state_.questions.find(id);
    if (it == state_.questions.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<Question> MemoryStore::question_by_number(Id network_id, int number) {
    for (const auto& [id, question] : state_.questions) {
        if (question.network_id == network_id && question.number == number) {
            return question;
        }
    }
    return std::nullopt;
}

void MemoryStore::update_question(const Question& question) {
    const auto it = state_.questions.find(question.id);
    if (it == state_.questions.end()) {
        no_such("update_question", "question", question.id);
    }
    Question& kept = it->second;
    kept.tags = clean_tags(question.tags);
    kept.status = question.status;
    kept.round = question.round;
    kept.escalated = question.escalated;
    kept.helpful_answer_id = question.helpful_answer_id;
    kept.closed_at = question.closed_at;
}

void MemoryStore::delete_question_row(Id id) {
    state_.questions.erase(id);
    std::erase_if(state_.question_routes,
                  [&](const auto& route) { return route.route.question_id == id; });
    std::erase_if(state_.answers,
                  [&](const auto& answer) { return answer.second.question_id == id; });
    std::erase_if(state_.question_messages,
                  [&](const auto& message) { return message.second.first == id; });
}

void MemoryStore::delete_question(Id id) {
    delete_question_row(id);
}

std::vector<Question> MemoryStore::questions_of_network(Id network_id, QuestionStatus status,
                                                        int limit) {
    std::vector<Question> out;
    for (auto it = state_.questions.rbegin(); it != state_.questions.rend(); ++it) {
        if (limit >= 0 && static_cast<int>(out.size()) >= limit) {
            break;  // a negative LIMIT is no limit in SQLite
        }
        if (it->second.network_id == network_id && it->second.status == status) {
            out.push_back(it->second);
        }
    }
    return out;
}

void MemoryStore::add_question_route(const QuestionRoute& route) {
    const bool exists = std::any_of(state_.question_routes.begin(), state_.question_routes.end(),
                                    [&](const auto& kept) {
                                        return kept.route.question_id == route.question_id &&
                                               kept.route.member_id == route.member_id;
                                    });
    if (exists) {
        return;
    }
    if (!state_.questions.contains(route.question_id) ||
        !state_.members.contains(route.member_id)) {
        throw StoreError("add_question_route: FOREIGN KEY constraint failed");
    }
    state_.question_routes.push_back({++state_.question_route_seq, route});
}

std::vector<QuestionRoute> MemoryStore::question_routes(Id question_id) {
    std::vector<QuestionRoute> out;
    for (const auto& kept : state_.question_routes) {
        if (kept.route.question_id == question_id) {
            out.push_back(kept.route);
        }
    }
    return out;
}

std::vector<RouteLoad> MemoryStore::route_loads() {
    std::map<Id, RouteLoad> loads;
    for (const auto& kept : state_.question_routes) {
        const auto& route = kept.route;
        const auto question = state_.questions.find(route.question_id);
        if (question == state_.questions.end()) {
            continue;
        }
        RouteLoad& load = loads[route.member_id];
        load.member_id = route.member_id;
        if (!load.last_routed_at || route.routed_at > *load.last_routed_at) {
            load.last_routed_at = route.routed_at;
        }
        if (question->second.status == QuestionStatus::open) {
            const bool answered =
                std::any_of(state_.answers.begin(), state_.answers.end(), [&](const auto& a) {
                    return a.second.question_id == route.question_id &&
                           a.second.author_member_id == route.member_id;
                });
            load.open_unanswered += answered ? 0 : 1;
        }
    }
    std::vector<RouteLoad> out;
    for (const auto& [member, load] : loads) {
        out.push_back(load);
    }
    return out;
}

Id MemoryStore::create_answer(const Answer& answer) {
    if (!state_.questions.contains(answer.question_id)) {
        throw StoreError("create_answer: FOREIGN KEY constraint failed");
    }
    const Id id = state_.answers.empty() ? 1 : state_.answers.rbegin()->first + 1;
    Answer stored = answer;
    stored.id = id;
    state_.answers.emplace(id, std::move(stored));
    return id;
}

std::optional<Answer> MemoryStore::answer(Id id) {
    const auto it = state_.answers.find(id);
    if (it == state_.answers.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::vector<Answer> MemoryStore::answers_of(Id question_id) {
    std::vector<Answer> out;
    for (const auto& [id, answer] : state_.answers) {
        if (answer.question_id == question_id) {
            out.push_back(answer);
        }
    }
    return out;
}

void MemoryStore::update_answer(const Answer& answer) {
    const auto it = state_.answers.find(answer.id);
    if (it == state_.answers.end()) {
        no_such("update_answer", "answer", answer.id);
    }
    it->second.helpful = answer.helpful;
    it->second.consent = answer.consent;
}

std::vector<AnswerEvidence> MemoryStore::answer_evidence(Id network_id) {
    std::vector<AnswerEvidence> out;
    for (const auto& [id, answer] : state_.answers) {
        const auto question = state_.questions.find(answer.question_id);
        if (question == state_.questions.end() || question->second.network_id != network_id) {
            continue;
        }
        out.push_back({answer.author_member_id, question->second.tags, question->second.text,
                       answer.helpful, question->second.confidential});
    }
    return out;
}

void MemoryStore::add_question_message(Id question_id, Id message_id, QuestionMessageKind kind) {
    if (state_.question_messages.contains(message_id)) {
        return;
    }
    if (!state_.questions.contains(question_id) || !state_.outbox.contains(message_id)) {
        throw StoreError("add_question_message: FOREIGN KEY constraint failed");
    }
    state_.question_messages.emplace(message_id, std::pair{question_id, kind});
}

std::optional<Id> MemoryStore::question_of_message(Id message_id) {
    const auto it = state_.question_messages.find(message_id);
    if (it == state_.question_messages.end()) {
        return std::nullopt;
    }
    return it->second.first;
}

std::vector<Id> MemoryStore::question_posts(Id question_id) {
    std::vector<Id> out;
    for (const auto& [message, link] : state_.question_messages) {
        if (link.first == question_id && link.second == QuestionMessageKind::post) {
            out.push_back(message);
        }
    }
    return out;
}

void MemoryStore::set_member_pause(Id member_id, std::optional<Instant> until) {
    if (!until) {
        state_.member_pauses.erase(member_id);
        return;
    }
    member_entry(member_id, "set_member_pause");
    state_.member_pauses[member_id] = *until;
}

std::optional<Instant> MemoryStore::member_pause(Id member_id) {
    const auto it = state_.member_pauses.find(member_id);
    if (it == state_.member_pauses.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<int> MemoryStore::question_route_count(Id network_id) {
    const auto it = state_.question_route_counts.find(network_id);
    if (it == state_.question_route_counts.end()) {
        return std::nullopt;
    }
    return it->second;
}

void MemoryStore::set_question_route_count(Id network_id, int count) {
    state_.question_route_counts[network_id] = count;
}

}  // namespace leernetwerk::testing
