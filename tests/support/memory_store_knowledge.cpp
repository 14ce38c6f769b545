// The MemoryStore's knowledge base (storage/sqlite_knowledge.cpp). Search uses the SQLite
// store's own word forms (storage/fts_tokenizer.hpp: folded, Dutch and English stems) with a
// simpler bm25 and snippet.
#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "bot/vocab/text.hpp"
#include "storage/sqlite/fts_tokenizer.hpp"
#include "support/memory_store.hpp"
#include "support/memory_store_rows.hpp"

namespace leernetwerk::testing {

using memory::clean_tags;
using memory::no_such;

// ---- knowledge base --------------------------------------------------------------------------

Id MemoryStore::create_knowledge_entry(const KnowledgeEntry& entry) {
    if (!state_.networks.contains(entry.network_id)) {
        throw StoreError("create_knowledge_entry: FOREIGN KEY constraint failed");
    }
    const int number = next_number(entry.network_id, "knowledge");
    const Id id = ++state_.knowledge_seq;
    KnowledgeEntry stored = entry;
    stored.id = id;
    stored.number = number;
    stored.tags = clean_tags(entry.tags);
    state_.knowledge.emplace(id, std::move(stored));
    return id;
}

std::optional<KnowledgeEntry> MemoryStore::knowledge_entry(Id id) {
    const auto it = state_.knowledge.find(id);
    if (it == state_.knowledge.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::optional<KnowledgeEntry> MemoryStore::knowledge_entry_by_number(Id network_id, int number) {
    for (const auto& [id, entry] : state_.knowledge) {
        if (entry.network_id == network_id && entry.number == number) {
            return entry;
        }
    }
    for (const auto& [key, share] : state_.knowledge_shares) {
        if (key.second == network_id && share.number == number) {
            return knowledge_entry(key.first);
        }
    }
    return std::nullopt;
}

std::optional<int> MemoryStore::knowledge_number_in(Id entry_id, Id network_id) {
    const auto it = state_.knowledge.find(entry_id);
    if (it != state_.knowledge.end() && it->second.network_id == network_id) {
        return it->second.number;
    }
    const auto share = state_.knowledge_shares.find({entry_id, network_id});
    if (share != state_.knowledge_shares.end()) {
        return share->second.number;
    }
    return std::nullopt;
}

void MemoryStore::update_knowledge_entry(const KnowledgeEntry& entry) {
    const auto it = state_.knowledge.find(entry.id);
    if (it == state_.knowledge.end()) {
        no_such("update_knowledge_entry", "knowledge entry", entry.id);
    }
    KnowledgeEntry& kept = it->second;
    kept.kind = entry.kind;
    kept.title = entry.title;
    kept.body = entry.body;
    kept.link = entry.link;
    kept.tags = clean_tags(entry.tags);
    kept.author_member_id = entry.author_member_id;
    kept.question_id = entry.question_id;
    kept.status = entry.status;
    kept.updated_at = entry.updated_at;
}

void MemoryStore::delete_knowledge_row(Id id) {
    state_.knowledge.erase(id);
    std::erase_if(state_.knowledge_shares,
                  [&](const auto& share) { return share.first.first == id; });
}

void MemoryStore::delete_knowledge_entry(Id id) {
    delete_knowledge_row(id);
}

namespace {

/// Newest first: created_at, then id, both descending.
std::vector<KnowledgeEntry> newest_first(std::vector<KnowledgeEntry> entries) {
    std::sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return std::pair{a.created_at, a.id} > std::pair{b.created_at, b.id};
    });
    return entries;
}

}  // namespace

std::vector<KnowledgeEntry> MemoryStore::knowledge_entries(Id network_id) {
    std::vector<KnowledgeEntry> out;
    for (const auto& [id, entry] : state_.knowledge) {
        if (entry.network_id == network_id) {
            out.push_back(entry);
        }
    }
    return newest_first(std::move(out));
}

std::vector<KnowledgeEntry> MemoryStore::knowledge_entries_by_author(Id member_id) {
    std::vector<KnowledgeEntry> out;
    for (const auto& [id, entry] : state_.knowledge) {
        if (entry.author_member_id == member_id) {
            out.push_back(entry);
        }
    }
    return newest_first(std::move(out));
}

std::vector<KnowledgeEntry> MemoryStore::anonymous_knowledge_entries_of(Id member_id) {
    std::vector<KnowledgeEntry> out;
    for (const auto& [id, entry] : state_.knowledge) {
        if (entry.author_member_id || entry.kind != KnowledgeKind::answer || !entry.question_id) {
            continue;
        }
        const auto question = state_.questions.find(*entry.question_id);
        if (question == state_.questions.end() || !question->second.helpful_answer_id) {
            continue;
        }
        const auto answer = state_.answers.find(*question->second.helpful_answer_id);
        if (answer != state_.answers.end() && answer->second.author_member_id == member_id &&
            member_id != 0) {
            out.push_back(entry);
        }
    }
    return newest_first(std::move(out));
}

namespace {

constexpr std::size_t kMaxQueryWords = 16;
constexpr std::size_t kSnippetWords = 16;

constexpr auto kStopWords = std::to_array<std::string_view>({
    "de",   "het", "een", "en",  "of",   "in",  "op",  "te",    "van",   "voor", "met",  "is",
    "zijn", "wat", "hoe", "wie", "waar", "we",  "wij", "je",    "jij",   "ik",   "over", "die",
    "dat",  "er",  "aan", "bij", "om",   "ook", "als", "naar",  "weten", "the",  "a",    "an",
    "and",  "or",  "to",  "for", "what", "how", "who", "about", "are",   "do",   "know", "on",
});

/// The searched words of what a member typed, as the SQLite store picks them.
std::vector<std::string> query_words(std::string_view typed) {
    std::vector<std::string> words;
    std::vector<std::string> folded;
    for (std::string& word : storage::search_words(typed)) {
        std::string key = fold(word);
        if (std::find(folded.begin(), folded.end(), key) != folded.end()) {
            continue;
        }
        folded.push_back(std::move(key));
        words.push_back(std::move(word));
    }
    const auto stop = [](const std::string& word) {
        const std::string key = fold(word);
        return utf8_length(key) < 2 ||
               std::find(kStopWords.begin(), kStopWords.end(), key) != kStopWords.end();
    };
    std::vector<std::string> meaningful;
    std::copy_if(words.begin(), words.end(), std::back_inserter(meaningful),
                 [&](const std::string& word) { return !stop(word); });
    if (!meaningful.empty()) {
        words = std::move(meaningful);
    }
    if (words.size() > kMaxQueryWords) {
        words.resize(kMaxQueryWords);
    }
    return words;
}

/// A word of a text: where it is and the terms it is indexed as.
struct Token {
    std::size_t begin = 0;
    std::size_t end = 0;
    std::vector<std::string> terms;
};

class Terms {
public:
    const std::vector<std::string>& of(const std::string& word) {
        auto it = cache_.find(word);
        if (it == cache_.end()) {
            it = cache_.emplace(word, storage::index_terms(word)).first;
        }
        return it->second;
    }

    std::vector<Token> tokens(std::string_view text) {
        std::vector<Token> out;
        std::size_t cursor = 0;
        for (const std::string& word : storage::search_words(text)) {
            const std::size_t at = text.find(word, cursor);
            if (at == std::string_view::npos) {
                continue;
            }
            out.push_back({at, at + word.size(), of(word)});
            cursor = at + word.size();
        }
        return out;
    }

private:
    std::map<std::string, std::vector<std::string>> cache_;
};

bool matches(const Token& token, const std::vector<std::string>& query_terms) {
    return std::any_of(token.terms.begin(), token.terms.end(), [&](const std::string& term) {
        return std::find(query_terms.begin(), query_terms.end(), term) != query_terms.end();
    });
}

/// An entry's three searched columns, tokenized.
struct Indexed {
    std::array<std::string, 3> text;  ///< title, body, tags (one a line)
    std::array<std::vector<Token>, 3> tokens;
};

std::string joined_tags(const std::vector<std::string>& tags) {
    std::string out;
    for (const auto& tag : tags) {
        out += (out.empty() ? "" : "\n") + tag;
    }
    return out;
}

/// A snippet as FTS5's snippet(..., 16) gives it, as core Markdown: at most 16 words around the
/// first match, matched words in bold, the rest escaped, on one line.
std::string snippet(const std::string& text, const std::vector<Token>& tokens,
                    const std::vector<std::vector<std::string>>& words) {
    const auto is_match = [&](const Token& token) {
        return std::any_of(words.begin(), words.end(),
                           [&](const auto& terms) { return matches(token, terms); });
    };
    std::size_t first = 0;
    std::size_t last = tokens.size();
    if (tokens.size() > kSnippetWords) {
        std::size_t hit = 0;
        while (hit < tokens.size() && !is_match(tokens[hit])) {
            ++hit;
        }
        if (hit == tokens.size()) {
            hit = 0;
        }
        first = std::min(hit, tokens.size() - kSnippetWords);
        last = first + kSnippetWords;
    }
    std::string out;
    std::string run;
    bool in_match = false;
    const auto flush = [&] {
        if (!run.empty()) {
            out += in_match ? "**" + escape_markdown(run) + "**" : escape_markdown(run);
            run.clear();
        }
    };
    const auto plain = [&](std::string_view part) {
        for (const char c : part) {
            run += c == '\n' || c == '\r' || c == '\t' ? ' ' : c;
        }
    };
    if (first > 0) {
        run += "…";
    }
    std::size_t at = first == 0 ? 0 : tokens[first].begin;
    for (std::size_t i = first; i < last; ++i) {
        plain(std::string_view{text}.substr(at, tokens[i].begin - at));
        if (is_match(tokens[i])) {
            flush();
            in_match = true;
            run = text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
            flush();
            in_match = false;
        } else {
            run += text.substr(tokens[i].begin, tokens[i].end - tokens[i].begin);
        }
        at = tokens[i].end;
    }
    if (last == tokens.size()) {
        plain(std::string_view{text}.substr(at));
    } else {
        run += "…";
    }
    flush();
    return out;
}

}  // namespace

std::vector<KnowledgeHit> MemoryStore::search_knowledge(const std::vector<Id>& network_ids,
                                                        std::string_view typed, int limit) {
    if (network_ids.empty() || limit <= 0) {
        return {};
    }
    const auto words = query_words(typed);
    if (words.empty()) {
        return {};
    }
    Terms terms;
    std::vector<std::vector<std::string>> query_terms;
    for (const auto& word : words) {
        query_terms.push_back(terms.of(word));
    }
    // The index holds every entry; what a member may see is narrowed afterwards.
    std::map<Id, Indexed> index;
    std::array<double, 3> total_length{};
    for (const auto& [id, entry] : state_.knowledge) {
        Indexed& indexed = index[id];
        indexed.text = {entry.title, entry.body, joined_tags(entry.tags)};
        for (std::size_t column = 0; column < 3; ++column) {
            indexed.tokens[column] = terms.tokens(indexed.text[column]);
            total_length[column] += static_cast<double>(indexed.tokens[column].size());
        }
    }
    const double rows = static_cast<double>(index.size());
    // How often each word occurs in each column of an entry.
    const auto counts = [&](const Indexed& indexed, std::size_t word) {
        std::array<int, 3> out{};
        for (std::size_t column = 0; column < 3; ++column) {
            for (const auto& token : indexed.tokens[column]) {
                out[column] += matches(token, query_terms[word]) ? 1 : 0;
            }
        }
        return out;
    };
    std::vector<double> idf;
    for (std::size_t word = 0; word < words.size(); ++word) {
        double documents = 0;
        for (const auto& [id, indexed] : index) {
            const auto found = counts(indexed, word);
            documents += found[0] + found[1] + found[2] > 0 ? 1 : 0;
        }
        idf.push_back(std::max(1e-6, std::log((rows - documents + 0.5) / (documents + 0.5))));
    }
    const std::set<Id> wanted(network_ids.begin(), network_ids.end());
    const auto visible = [&](const KnowledgeEntry& entry) {
        if (entry.status != KnowledgeStatus::active) {
            return false;
        }
        if (wanted.contains(entry.network_id)) {
            return true;
        }
        return std::any_of(wanted.begin(), wanted.end(), [&](Id network) {
            return state_.knowledge_shares.contains({entry.id, network});
        });
    };
    constexpr std::array<double, 3> kWeights{5.0, 1.0, 3.0};
    std::vector<std::pair<double, Id>> ranked;
    for (const bool any : {false, true}) {
        if (any && words.size() == 1) {
            break;
        }
        for (const auto& [id, indexed] : index) {
            const KnowledgeEntry& entry = state_.knowledge.at(id);
            if (!visible(entry)) {
                continue;
            }
            double score = 0;
            std::size_t found_words = 0;
            for (std::size_t word = 0; word < words.size(); ++word) {
                const auto found = counts(indexed, word);
                if (found[0] + found[1] + found[2] == 0) {
                    continue;
                }
                ++found_words;
                for (std::size_t column = 0; column < 3; ++column) {
                    const double length = static_cast<double>(indexed.tokens[column].size());
                    const double average = rows > 0 ? total_length[column] / rows : 0;
                    const double norm = average > 0 ? length / average : 1;
                    const double tf = found[column];
                    score += kWeights[column] * idf[word] * (tf * 2.2) /
                             (tf + 1.2 * (0.25 + 0.75 * norm));
                }
            }
            if (any ? found_words > 0 : found_words == words.size()) {
                ranked.emplace_back(score, id);
            }
        }
        if (!ranked.empty()) {
            break;
        }
    }
    std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
        return a.first != b.first ? a.first > b.first : a.second > b.second;
    });
    if (ranked.size() > static_cast<std::size_t>(limit)) {
        ranked.resize(static_cast<std::size_t>(limit));
    }
    std::vector<KnowledgeHit> hits;
    for (const auto& [score, id] : ranked) {
        const Indexed& indexed = index.at(id);
        const auto marked = [&](std::size_t column) {
            return std::any_of(indexed.tokens[column].begin(), indexed.tokens[column].end(),
                               [&](const Token& token) {
                                   return std::any_of(
                                       query_terms.begin(), query_terms.end(),
                                       [&](const auto& terms) { return matches(token, terms); });
                               });
        };
        const std::size_t column = marked(1)                       ? 1
                                   : marked(2)                     ? 2
                                   : trim(indexed.text[1]).empty() ? 0
                                                                   : 1;
        hits.push_back({state_.knowledge.at(id),
                        snippet(indexed.text[column], indexed.tokens[column], query_terms)});
    }
    return hits;
}

void MemoryStore::share_knowledge_entry(Id entry_id, Id network_id, std::optional<Id> shared_by,
                                        Instant now) {
    if (state_.knowledge_shares.contains({entry_id, network_id})) {
        return;  // shared before: it keeps its number there
    }
    if (!state_.knowledge.contains(entry_id) || !state_.networks.contains(network_id)) {
        throw StoreError("share_knowledge_entry: FOREIGN KEY constraint failed");
    }
    const int number = next_number(network_id, "knowledge");
    state_.knowledge_shares.emplace(std::pair{entry_id, network_id},
                                    MemoryState::KnowledgeShare{shared_by, now, number});
}

void MemoryStore::unshare_knowledge_entry(Id entry_id, Id network_id) {
    state_.knowledge_shares.erase({entry_id, network_id});
}

std::vector<Id> MemoryStore::knowledge_shares(Id entry_id) {
    std::vector<Id> networks;
    for (const auto& [key, share] : state_.knowledge_shares) {
        if (key.first == entry_id) {
            networks.push_back(key.second);
        }
    }
    return networks;
}

void MemoryStore::set_network_aims(Id network_id, std::string_view central_question,
                                   std::string_view ambition) {
    const auto it = state_.networks.find(network_id);
    if (it == state_.networks.end()) {
        no_such("set_network_aims", "network", network_id);
    }
    it->second.central_question = std::string{central_question};
    it->second.ambition = std::string{ambition};
}

}  // namespace leernetwerk::testing
