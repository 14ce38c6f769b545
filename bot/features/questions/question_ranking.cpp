// Questions to the network: who knows (DOMAIN.md §5.4). A question's words and tags against the
// members' expertise and earlier answers, every member who may be asked ranked best first (fit,
// another school, load), and who is chosen.
#include <algorithm>
#include <map>
#include <set>

#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"
#include "bot/features/questions/question_flows.hpp"

namespace leernetwerk::detail {
namespace {

using std::chrono::days;

constexpr std::size_t kMaxQuestionTags = 8;

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

constexpr int kTagWeight = 10;
constexpr int kPartialTagWeight = 4;
constexpr int kEvidenceWeight = 3;
constexpr int kHelpfulEvidenceWeight = 6;
constexpr int kMaxEvidence = 12;
constexpr int kOtherSchoolBonus = 4;
constexpr int kOpenQuestionPenalty = 4;
constexpr int kRecentlyAskedPenalty = 3;
constexpr days kRecentlyAsked{7};

}  // namespace

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

// ---- routing ------------------------------------------------------------------------------------

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

}  // namespace leernetwerk::detail
