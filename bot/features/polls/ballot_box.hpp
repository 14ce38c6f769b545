#pragma once
// The ballot box of an anonymous poll (issue 12): what keeps an anonymous answer from ever being
// linked to the member who gave it, by anyone holding a copy of the database, its write-ahead log
// or the log file.
//
// While the poll is open, every invitee has one sealed ballot: their respondent token and their
// answers, padded to one size for the whole poll and encrypted (AES-256-GCM) with a key derived
// from the poll key, which is never in the database. Every answer re-seals every ballot of the
// poll under fresh random slots and nonces, so the rows, pages and sizes written when one member
// answers are the same as when any other member does. Nothing is ever written in the clear while
// the poll is open; live results and "who has not answered yet" are read in memory.
//
// At the closing, the ballots are counted: each ballot with an answer becomes a respondent under
// a fresh random label (not the token), written in random order, and the ballots are removed;
// the database then forgets the messages the poll caused to members and folds its write-ahead log
// in (Store::compact_after_commit). An answer is stored in the same transaction as the member's
// receipt, so a crash loses neither or both, and the platform's retry brings it again.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bot/engine/bot.hpp"
#include "bot/features/polls/poll.hpp"
#include "bot/ports/store.hpp"

namespace leernetwerk {

/// The longest open answer, in characters (a ballot has room for it).
inline constexpr std::size_t kMaxOpenAnswerChars = 1000;

/// The key of respondent tokens and ballots: [polls] secret, else one for this process only.
const std::string& poll_key(const BotSettings& settings);
/// A key for one purpose ("leernetwerk-outbox:key"), derived from the poll key: what it protects
/// cannot be opened or matched with the database alone.
std::string derived_key(const BotSettings& settings, std::string_view purpose);

/// HMAC-SHA256(key, poll id, member id) in hex: finds a member's own ballot, or their answers in a
/// named poll, without the database naming them.
std::string respondent_token(const BotSettings& settings, Id poll_id, Id member_id);

/// One member's answers to an open anonymous poll, as sealed in their ballot.
struct Ballot {
    std::string token;
    std::map<int, std::string> answers;  ///< question (0-based) → value; "" is a skip
};

class BallotBox {
public:
    BallotBox(Store& store, const BotSettings& settings, const Poll& poll);

    /// Seals one empty ballot for each token (the invitees'), when the poll starts.
    void open(const std::vector<std::string>& tokens);
    /// Every ballot, opened in memory (in random order).
    const std::vector<Ballot>& ballots();
    /// The ballot of a token, or nullptr.
    const Ballot* find(const std::string& token);
    /// Stores an answer in the token's ballot and re-seals every ballot of the poll. True when it
    /// replaced an earlier answer to the same question.
    bool cast(const std::string& token, int question, const std::string& value);
    /// At the closing: the answers go to the poll's results under random labels, in random order,
    /// and the ballots are removed.
    void count();
    /// Two accounts of one person became one member: the ballot of `from_token` becomes theirs
    /// (`into_token`); when they have one already, its answers win and the other's fill in the
    /// questions it lacks, and one ballot is left. Re-seals every ballot.
    void merge(const std::string& into_token, const std::string& from_token);

    /// The bytes every sealed ballot of this poll has, whatever it holds.
    std::size_t sealed_size() const;

private:
    void load();
    void reseal();

    Store& store_;
    const BotSettings& settings_;
    const Poll& poll_;
    std::optional<std::vector<Ballot>> ballots_;
};

/// Every answer of a poll, for its results: an open anonymous poll's from its ballots (in memory,
/// under their tokens), otherwise as stored.
std::vector<PollAnswer> answers_of(Store& store, const BotSettings& settings, const Poll& poll);
/// How many have answered at least one question (a skip counts).
std::size_t respondent_count(Store& store, const BotSettings& settings, const Poll& poll);
/// After Store::merge_members(into, from): in every open poll `from` was invited to, its ballot
/// (anonymous: BallotBox::merge) or its named answers (Store::merge_poll_respondent) become
/// `into`'s, so one person answers once. `polls` are the polls as read before the merge.
void merge_ballots(Store& store, const BotSettings& settings, const std::vector<Poll>& polls,
                   Id into, Id from);
/// One respondent's answers, by question.
std::vector<PollAnswer> answers_of_token(Store& store, const BotSettings& settings,
                                         const Poll& poll, const std::string& token);

}  // namespace leernetwerk
