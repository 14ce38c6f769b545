// The ballot box of an anonymous poll; the why is in ballot_box.hpp.
#include "bot/features/polls/ballot_box.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <set>
#include <stdexcept>

#include "bot/vocab/log.hpp"
#include "bot/vocab/seal.hpp"

namespace leernetwerk {
namespace {

constexpr std::size_t kSlotBytes = 16;
constexpr std::size_t kLabelBytes = 16;
constexpr std::string_view kMagic = "LNB1";
/// Room for a choice answer ("1,2,…,10") or a scale point.
constexpr std::size_t kChoiceRoom = 64;
/// Room for the token (64 hex digits) with its length.
constexpr std::size_t kTokenRoom = 4 + 64;

/// A uniform random number generator on OpenSSL's generator, for shuffling.
struct SecureRandom {
    using result_type = std::uint32_t;
    static constexpr result_type min() { return 0; }
    static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
    result_type operator()() const {
        result_type value = 0;
        const auto bytes = random_bytes(sizeof value);
        std::memcpy(&value, bytes.data(), sizeof value);
        return value;
    }
};

// ---- encoding: length-prefixed fields, padded with zeros to the poll's one size ------------------

void put_u32(std::string& out, std::size_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out += static_cast<char>((value >> shift) & 0xFF);
    }
}

std::size_t get_u32(std::string_view in, std::size_t& at) {
    if (at + 4 > in.size()) {
        throw std::runtime_error("a sealed ballot is cut short");
    }
    std::size_t value = 0;
    for (int i = 0; i < 4; ++i) {
        value = (value << 8) | static_cast<unsigned char>(in[at++]);
    }
    return value;
}

std::string get_bytes(std::string_view in, std::size_t& at, std::size_t count) {
    if (at + count > in.size()) {
        throw std::runtime_error("a sealed ballot is cut short");
    }
    std::string out(in.substr(at, count));
    at += count;
    return out;
}

std::size_t room_for(const PollQuestion& question) {
    // UTF-8 takes at most four bytes a character.
    return question.kind == PollQuestion::Kind::text ? 4 * kMaxOpenAnswerChars : kChoiceRoom;
}

std::string encode(const Ballot& ballot, std::size_t size) {
    std::string out(kMagic);
    put_u32(out, ballot.token.size());
    out += ballot.token;
    put_u32(out, ballot.answers.size());
    for (const auto& [question, value] : ballot.answers) {
        put_u32(out, static_cast<std::size_t>(question));
        put_u32(out, value.size());
        out += value;
    }
    if (out.size() > size) {
        throw std::logic_error("a ballot does not fit its poll's size");
    }
    out.resize(size, '\0');
    return out;
}

Ballot decode_ballot(std::string_view in) {
    if (in.substr(0, kMagic.size()) != kMagic) {
        throw std::runtime_error("a sealed ballot has an unknown format");
    }
    std::size_t at = kMagic.size();
    Ballot ballot;
    ballot.token = get_bytes(in, at, get_u32(in, at));
    const auto count = get_u32(in, at);
    for (std::size_t i = 0; i < count; ++i) {
        const auto question = static_cast<int>(get_u32(in, at));
        ballot.answers[question] = get_bytes(in, at, get_u32(in, at));
    }
    return ballot;
}

// ---- sealing: the poll's number is authenticated with each ballot ------------------------------

std::string poll_label(Id poll_id) {
    return "leernetwerk-ballot:" + std::to_string(poll_id);
}

std::string ballot_key(const BotSettings& settings, Id poll_id) {
    return derived_key(settings, poll_label(poll_id) + ":key");
}

std::string seal(const std::string& key, Id poll_id, const std::string& plain) {
    return seal_bytes(key, poll_label(poll_id), plain);
}

std::string unseal(const std::string& key, Id poll_id, const std::string& sealed) {
    auto plain = unseal_bytes(key, poll_label(poll_id), sealed);
    if (!plain) {
        throw std::runtime_error("a sealed ballot of poll " + std::to_string(poll_id) +
                                 " cannot be opened: the poll key is not the one it was sealed "
                                 "with, or the ballot was changed");
    }
    return std::move(*plain);
}

bool answered(const Ballot& ballot) {
    return !ballot.answers.empty();
}

bool sealed_while_open(const Poll& poll) {
    return poll.anonymous && poll.state == PollState::open;
}

}  // namespace

// ---- keys and tokens ---------------------------------------------------------------------------

const std::string& poll_key(const BotSettings& settings) {
    if (!settings.poll_secret.empty()) {
        return settings.poll_secret;
    }
    static const std::string key = [] {
        log_line(LogLevel::warn,
                 "polls: no [polls] secret configured; using a key for this process only");
        return random_bytes(kSealKeyBytes);
    }();
    return key;
}

std::string derived_key(const BotSettings& settings, std::string_view purpose) {
    return hmac_sha256(poll_key(settings), purpose);
}

std::string respondent_token(const BotSettings& settings, Id poll_id, Id member_id) {
    return to_hex(hmac_sha256(poll_key(settings), "leernetwerk-poll:" + std::to_string(poll_id) +
                                                   ":" + std::to_string(member_id)));
}

// ---- the box -------------------------------------------------------------------------------------

BallotBox::BallotBox(Store& store, const BotSettings& settings, const Poll& poll)
    : store_(store), settings_(settings), poll_(poll) {}

std::size_t BallotBox::sealed_size() const {
    std::size_t size = kMagic.size() + kTokenRoom + 4;
    for (const auto& question : poll_.questions) {
        size += 8 + room_for(question);
    }
    constexpr std::size_t kStep = 256;
    return (size + kStep - 1) / kStep * kStep;
}

void BallotBox::open(const std::vector<std::string>& tokens) {
    ballots_.emplace();
    for (const auto& token : tokens) {
        ballots_->push_back({token, {}});
    }
    reseal();
}

void BallotBox::load() {
    if (ballots_) {
        return;
    }
    ballots_.emplace();
    const auto key = ballot_key(settings_, poll_.id);
    for (const auto& sealed : store_.poll_ballots(poll_.id)) {
        ballots_->push_back(decode_ballot(unseal(key, poll_.id, sealed.sealed)));
    }
    // An anonymous poll opened by an earlier version keeps its answers in the clear under tokens:
    // they move into sealed ballots the first time the poll is touched.
    if (!sealed_while_open(poll_)) {
        return;
    }
    const auto respondents = store_.poll_respondents(poll_.id);
    if (respondents.empty()) {
        return;
    }
    std::map<std::string, std::size_t> by_token;
    for (std::size_t i = 0; i < ballots_->size(); ++i) {
        by_token[(*ballots_)[i].token] = i;
    }
    const auto ensure = [&](const std::string& token) -> Ballot& {
        const auto [it, added] = by_token.emplace(token, ballots_->size());
        if (added) {
            ballots_->push_back({token, {}});
        }
        return (*ballots_)[it->second];
    };
    for (const auto& invitee : store_.poll_invitees(poll_.id)) {
        ensure(respondent_token(settings_, poll_.id, invitee));
    }
    for (const auto& respondent : respondents) {
        ensure(respondent.token);
    }
    for (const auto& answer : store_.poll_answers(poll_.id)) {
        ensure(answer.token).answers.emplace(answer.question, answer.value);
    }
    store_.remove_poll_answers(poll_.id);
    reseal();
    store_.compact_after_commit();
}

const std::vector<Ballot>& BallotBox::ballots() {
    load();
    return *ballots_;
}

const Ballot* BallotBox::find(const std::string& token) {
    load();
    for (const auto& ballot : *ballots_) {
        if (ballot.token == token) {
            return &ballot;
        }
    }
    return nullptr;
}

bool BallotBox::cast(const std::string& token, int question, const std::string& value) {
    load();
    if (question < 0 || static_cast<std::size_t>(question) >= poll_.questions.size()) {
        throw std::invalid_argument("an answer to a question the poll does not have");
    }
    if (value.size() > room_for(poll_.questions[static_cast<std::size_t>(question)])) {
        throw std::invalid_argument("an answer longer than a ballot has room for");
    }
    auto it = std::find_if(ballots_->begin(), ballots_->end(),
                           [&](const Ballot& ballot) { return ballot.token == token; });
    if (it == ballots_->end()) {
        ballots_->push_back({token, {}});
        it = std::prev(ballots_->end());
    }
    const bool replaced = it->answers.count(question) > 0;
    it->answers[question] = value;
    reseal();
    return replaced;
}

void BallotBox::merge(const std::string& into_token, const std::string& from_token) {
    load();
    const auto from = std::find_if(ballots_->begin(), ballots_->end(), [&](const Ballot& ballot) {
        return ballot.token == from_token;
    });
    if (from == ballots_->end()) {
        return;
    }
    const auto into = std::find_if(ballots_->begin(), ballots_->end(), [&](const Ballot& ballot) {
        return ballot.token == into_token;
    });
    if (into == ballots_->end()) {
        from->token = into_token;
    } else {
        for (const auto& [question, value] : from->answers) {
            into->answers.emplace(question, value);
        }
        ballots_->erase(from);
    }
    reseal();
}

void BallotBox::reseal() {
    // Every ballot gets a fresh slot and nonce, so what changes in the database is the same
    // whoever answered. The order of the rows is the slots' order: random.
    std::shuffle(ballots_->begin(), ballots_->end(), SecureRandom{});
    const auto key = ballot_key(settings_, poll_.id);
    const auto size = sealed_size();
    std::vector<SealedBallot> sealed;
    sealed.reserve(ballots_->size());
    for (const auto& ballot : *ballots_) {
        sealed.push_back({random_bytes(kSlotBytes), seal(key, poll_.id, encode(ballot, size))});
    }
    store_.replace_poll_ballots(poll_.id, sealed);
}

void BallotBox::count() {
    load();
    auto counted = *ballots_;
    std::shuffle(counted.begin(), counted.end(), SecureRandom{});
    for (const auto& ballot : counted) {
        if (!answered(ballot)) {
            continue;
        }
        const auto label = to_hex(random_bytes(kLabelBytes));
        store_.add_poll_respondent(poll_.id, label, std::nullopt);
        for (const auto& [question, value] : ballot.answers) {
            store_.set_poll_answer(poll_.id, {label, question, value});
        }
    }
    store_.replace_poll_ballots(poll_.id, {});
    ballots_.emplace();
    store_.compact_after_commit();
}

// ---- reading answers for results -----------------------------------------------------------------

std::vector<PollAnswer> answers_of(Store& store, const BotSettings& settings, const Poll& poll) {
    if (!sealed_while_open(poll)) {
        return store.poll_answers(poll.id);
    }
    std::vector<PollAnswer> out;
    BallotBox box(store, settings, poll);
    for (const auto& ballot : box.ballots()) {
        for (const auto& [question, value] : ballot.answers) {
            out.push_back({ballot.token, question, value});
        }
    }
    std::sort(out.begin(), out.end(), [](const PollAnswer& a, const PollAnswer& b) {
        return std::tie(a.token, a.question) < std::tie(b.token, b.question);
    });
    return out;
}

std::size_t respondent_count(Store& store, const BotSettings& settings, const Poll& poll) {
    if (!sealed_while_open(poll)) {
        return store.poll_respondents(poll.id).size();
    }
    BallotBox box(store, settings, poll);
    const auto& ballots = box.ballots();
    return static_cast<std::size_t>(std::count_if(ballots.begin(), ballots.end(), answered));
}

void merge_ballots(Store& store, const BotSettings& settings, const std::vector<Poll>& polls,
                   Id into, Id from) {
    for (const auto& poll : polls) {
        if (poll.state != PollState::open) {
            continue;  // a closed poll's results are history, and name no tokens
        }
        const auto into_token = respondent_token(settings, poll.id, into);
        const auto from_token = respondent_token(settings, poll.id, from);
        if (sealed_while_open(poll)) {
            BallotBox box(store, settings, poll);
            box.merge(into_token, from_token);
        } else {
            store.merge_poll_respondent(poll.id, into_token, from_token);
        }
    }
}

std::vector<PollAnswer> answers_of_token(Store& store, const BotSettings& settings,
                                         const Poll& poll, const std::string& token) {
    if (!sealed_while_open(poll)) {
        return store.poll_answers_of(poll.id, token);
    }
    std::vector<PollAnswer> out;
    BallotBox box(store, settings, poll);
    if (const auto* ballot = box.find(token)) {
        for (const auto& [question, value] : ballot->answers) {
            out.push_back({token, question, value});
        }
    }
    return out;
}

}  // namespace leernetwerk
