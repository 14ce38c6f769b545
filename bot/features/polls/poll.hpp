#pragma once
// Polls and quick evaluations (DOMAIN.md §5.3): plain data shared by the core and storage. An
// anonymous poll's answers are kept under a keyed hash of poll and member (the respondent token),
// never under a member id; the key lives outside the database.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// One question of a poll or evaluation form.
struct PollQuestion {
    enum class Kind { single, multiple, rating, text };
    Kind kind = Kind::single;
    std::string prompt;                ///< as asked (a template's prompt in the poll's language)
    std::string label;                 ///< short name in results, e.g. "Energie"; may be empty
    std::vector<std::string> options;  ///< for single and multiple
    int max_choices = 1;               ///< for multiple
    int scale = 5;                     ///< for rating: 1..scale
    std::string low_label;             ///< for rating
    std::string high_label;            ///< for rating
};

/// Who is asked.
enum class PollAudience {
    network,   ///< every current member of the network
    attended,  ///< those who said they came to the last meeting (or this poll's meeting)
    role,      ///< the members with one role
};

enum class PollState { open, closed };

struct Poll {
    Id id = 0;
    Id network_id = 0;
    /// What members see and type ("peiling 3"): 1, 2, 3… within its network; set by the store.
    int number = 0;
    Id created_by = 0;          ///< 0: the bot (an evaluation after a meeting)
    std::string title;          ///< the question of a one-question poll, or the form's name
    std::string template_code;  ///< "a".."g" for DOMAIN.md's question sets; empty for custom
    Lang lang = Lang::nl;       ///< the language the questions were written in
    bool anonymous = true;
    bool live = false;  ///< results may be seen while the poll is open
    Instant deadline{};
    PollAudience audience = PollAudience::network;
    Role role = Role::participant;  ///< for PollAudience::role
    std::optional<Id> meeting_id;   ///< the meeting an evaluation is about
    PollState state = PollState::open;
    Instant created_at{};
    std::optional<Instant> closed_at;
    std::vector<PollQuestion> questions;
};

/// One stored answer: who it belongs to only as the respondent token.
struct PollAnswer {
    std::string token;
    int question = 0;   ///< 0-based position
    std::string value;  ///< choice numbers "1,3", a scale point "4", text; empty: skipped
};

/// One sealed ballot of an open anonymous poll as stored: a random slot and the encrypted ballot
/// (see bot/ballot_box.hpp). Neither says whose it is.
struct SealedBallot {
    std::string slot;
    std::string sealed;
};

/// Someone who answered: a token; the member only for named polls.
struct PollRespondent {
    std::string token;
    std::optional<Id> member_id;
};

inline std::string_view poll_question_kind_code(PollQuestion::Kind kind) {
    switch (kind) {
        case PollQuestion::Kind::single:
            return "single";
        case PollQuestion::Kind::multiple:
            return "multiple";
        case PollQuestion::Kind::rating:
            return "rating";
        case PollQuestion::Kind::text:
            return "text";
    }
    return "single";
}

inline std::optional<PollQuestion::Kind> parse_poll_question_kind_code(std::string_view code) {
    for (const auto kind : {PollQuestion::Kind::single, PollQuestion::Kind::multiple,
                            PollQuestion::Kind::rating, PollQuestion::Kind::text}) {
        if (poll_question_kind_code(kind) == code) {
            return kind;
        }
    }
    return std::nullopt;
}

inline std::string_view poll_audience_code(PollAudience audience) {
    switch (audience) {
        case PollAudience::network:
            return "network";
        case PollAudience::attended:
            return "attended";
        case PollAudience::role:
            return "role";
    }
    return "network";
}

inline std::optional<PollAudience> parse_poll_audience_code(std::string_view code) {
    for (const auto audience :
         {PollAudience::network, PollAudience::attended, PollAudience::role}) {
        if (poll_audience_code(audience) == code) {
            return audience;
        }
    }
    return std::nullopt;
}

}  // namespace leernetwerk
