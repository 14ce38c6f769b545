#pragma once
// Internal to the polls feature's flows (what a facilitator and a member type, and the jobs):
// the grammar of a poll in poll_grammar.cpp, starting in poll_start.cpp, answering in
// poll_answers.cpp, the reminder and closing jobs in poll_jobs.cpp, looking at polls in polls.cpp.
#include <optional>
#include <string>
#include <string_view>

#include "bot/engine/turn.hpp"
#include "bot/features/polls/poll_parts.hpp"

namespace leernetwerk::detail {

inline constexpr int kMinThreshold = 2;
inline constexpr int kMaxThreshold = 20;

// ---- reading commands (poll_grammar.cpp) ----------------------------------------------------

/// "3" or "#3"; at most 9 digits (a number members type, or an id in a job key).
std::optional<Id> poll_number(std::string_view word);

std::string strip_quotes(std::string_view text);

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
                   PollOptions& options, std::string& error_key, MessageArgs& error_args);

// ---- the jobs (poll_jobs.cpp) ----------------------------------------------------------------

/// The results to the network's group conversations; to the invitees privately when it has none.
void post_results(Postman& post, const Poll& poll, const Network& network);

std::string job_key(Id poll_id, std::string_view what);

/// The reminder a day before the deadline (halfway for short polls), and the closing.
void schedule_poll_jobs(Store& store, const Poll& poll, Instant now);

/// Closes a poll. An anonymous poll's ballots are counted (ballot_box.hpp), and the messages it
/// caused to members are forgotten: which question each was last sent, whom the reminder went to.
void close_and_count(Store& store, const BotSettings& settings, const Poll& poll, Instant now);

}  // namespace leernetwerk::detail
