#pragma once
// Questions to the network (DOMAIN.md §5.4): a member's question, who it was routed to, the
// answers, and the small settings around them. Plain data; the flows are in question_*.cpp.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// draft: waiting for the asker to say whether earlier answers from the knowledge base helped.
enum class QuestionStatus { draft, open, answered, closed };

inline std::string_view question_status_code(QuestionStatus status) {
    switch (status) {
        case QuestionStatus::draft:
            return "draft";
        case QuestionStatus::open:
            return "open";
        case QuestionStatus::answered:
            return "answered";
        case QuestionStatus::closed:
            return "closed";
    }
    return "?";
}

inline std::optional<QuestionStatus> parse_question_status_code(std::string_view code) {
    for (auto status : {QuestionStatus::draft, QuestionStatus::open, QuestionStatus::answered,
                        QuestionStatus::closed}) {
        if (question_status_code(status) == code) {
            return status;
        }
    }
    return std::nullopt;
}

/// A question a member put to their network.
struct Question {
    Id id = 0;
    Id network_id = 0;
    /// What members see and type ("vraag 7"): 1, 2, 3… within its network; set by the store.
    int number = 0;
    /// Who asked. For an anonymous question this is kept here only (to forward answers to them):
    /// it is never shown, exported, logged, or stored anywhere else.
    Id asker_member_id = 0;
    bool anonymous = false;
    bool confidential = false;  ///< never offered for the knowledge base, never searchable
    std::string text;
    std::vector<std::string> tags;
    QuestionStatus status = QuestionStatus::open;
    int round = 0;  ///< routing rounds so far (1 after the first routing, 2 after the follow-up)
    bool escalated = false;
    std::optional<Id> helpful_answer_id;
    Instant created_at{};
    std::optional<Instant> closed_at;
};

/// One member asked to answer a question, in a routing round.
struct QuestionRoute {
    Id question_id = 0;
    Id member_id = 0;
    int round = 1;
    Instant routed_at{};
};

/// What the answerer said when asked whether an answer may go into the knowledge base.
enum class AnswerConsent { none, asked, named, anonymous, refused, expired };

inline std::string_view answer_consent_code(AnswerConsent consent) {
    switch (consent) {
        case AnswerConsent::none:
            return "none";
        case AnswerConsent::asked:
            return "asked";
        case AnswerConsent::named:
            return "named";
        case AnswerConsent::anonymous:
            return "anonymous";
        case AnswerConsent::refused:
            return "refused";
        case AnswerConsent::expired:
            return "expired";
    }
    return "?";
}

inline std::optional<AnswerConsent> parse_answer_consent_code(std::string_view code) {
    for (auto consent :
         {AnswerConsent::none, AnswerConsent::asked, AnswerConsent::named, AnswerConsent::anonymous,
          AnswerConsent::refused, AnswerConsent::expired}) {
        if (answer_consent_code(consent) == code) {
            return consent;
        }
    }
    return std::nullopt;
}

/// A member's answer to a question.
struct Answer {
    Id id = 0;
    Id question_id = 0;
    Id author_member_id = 0;  ///< 0: the author had themselves erased; the answer stays nameless
    std::string text;
    bool helpful = false;
    AnswerConsent consent = AnswerConsent::none;
    Instant created_at{};
};

/// How a message the bot sent belongs to a question.
enum class QuestionMessageKind {
    post,    ///< the question in a network conversation (the thread root)
    routed,  ///< the question sent privately to a routed member
};

/// A member's routing load: how often and how recently they were asked.
struct RouteLoad {
    Id member_id = 0;
    int open_unanswered = 0;  ///< open questions routed to them that they have not answered
    std::optional<Instant> last_routed_at;
};

/// An earlier answer in a network, as evidence of what its author knows.
struct AnswerEvidence {
    Id author_member_id = 0;  ///< 0: the author had themselves erased; the answer stays nameless
    std::vector<std::string> question_tags;
    std::string question_text;
    bool helpful = false;
    bool confidential = false;
};

}  // namespace leernetwerk
