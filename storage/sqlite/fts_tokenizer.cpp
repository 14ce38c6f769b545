#include "storage/sqlite/fts_tokenizer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <unordered_map>

#include <libstemmer.h>
#include <sqlite3.h>

#include "bot/ports/store.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::storage {
namespace {

/// Words longer than this (in bytes) are indexed folded but not stemmed: they are not words.
constexpr std::size_t kMaxStemmedLength = 64;

// ---- splitting text into words -----------------------------------------------------------------

/// One UTF-8 code point at `text[at]`: its value and length in bytes; {0xFFFD, 1} for a byte that
/// does not start a valid sequence.
struct CodePoint {
    char32_t value = 0;
    std::size_t length = 1;
};

CodePoint decode_at(std::string_view text, std::size_t at) {
    const auto lead = static_cast<unsigned char>(text[at]);
    if (lead < 0x80) {
        return {lead, 1};
    }
    std::size_t length = 0;
    char32_t value = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        value = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        value = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        value = lead & 0x07;
    } else {
        return {0xFFFD, 1};
    }
    if (at + length > text.size()) {
        return {0xFFFD, 1};
    }
    for (std::size_t i = 1; i < length; ++i) {
        const auto next = static_cast<unsigned char>(text[at + i]);
        if ((next & 0xC0) != 0x80) {
            return {0xFFFD, 1};
        }
        value = (value << 6) | (next & 0x3F);
    }
    return {value, length};
}

/// Letters and digits make words. Outside ASCII everything counts as a letter except the
/// punctuation, space and symbol blocks (Latin-1 punctuation, × ÷, general punctuation, arrows,
/// symbols, CJK punctuation, full-width forms' punctuation, emoji) and invalid bytes.
bool is_word_code_point(char32_t c) {
    if (c < 0x80) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
    if (c == 0xFFFD || c < 0xC0 || c == 0xD7 || c == 0xF7) {
        return false;
    }
    if ((c >= 0x2000 && c <= 0x2BFF) || (c >= 0x3000 && c <= 0x303F) ||
        (c >= 0xFE10 && c <= 0xFE6F) || (c >= 0xFF00 && c <= 0xFF0F) ||
        (c >= 0xFFF0 && c <= 0xFFFF) || (c >= 0x1F000 && c <= 0x1FAFF)) {
        return false;
    }
    return true;
}

/// Calls `on_word(begin, end)` with the byte range of every word of `text`, in order.
template <typename OnWord>
int for_each_word(std::string_view text, OnWord&& on_word) {
    std::size_t at = 0;
    while (at < text.size()) {
        CodePoint point = decode_at(text, at);
        if (!is_word_code_point(point.value)) {
            at += point.length;
            continue;
        }
        const std::size_t begin = at;
        while (at < text.size()) {
            point = decode_at(text, at);
            if (!is_word_code_point(point.value)) {
                break;
            }
            at += point.length;
        }
        if (const int rc = on_word(begin, at); rc != SQLITE_OK) {
            return rc;
        }
    }
    return SQLITE_OK;
}

/// fold() (lower case, Latin accents removed) and combining accents (U+0300–U+036F) dropped.
std::string fold_word(std::string_view word) {
    std::string folded = fold(word);
    std::string out;
    out.reserve(folded.size());
    for (std::size_t i = 0; i < folded.size(); ++i) {
        const auto c = static_cast<unsigned char>(folded[i]);
        if (i + 1 < folded.size() &&
            (c == 0xCC || (c == 0xCD && static_cast<unsigned char>(folded[i + 1]) <= 0xAF))) {
            ++i;  // a combining diacritical mark: é typed as e + U+0301
            continue;
        }
        out.push_back(folded[i]);
    }
    return out;
}

// ---- stemming ----------------------------------------------------------------------------------

struct StemmerCloser {
    void operator()(sb_stemmer* stemmer) const { sb_stemmer_delete(stemmer); }
};
using Stemmer = std::unique_ptr<sb_stemmer, StemmerCloser>;

/// The Dutch and English stemmers of one tokenizer instance (a stemmer is not thread-safe; a
/// connection is used from one thread).
class Stemmers {
public:
    Stemmers()
        : dutch_(sb_stemmer_new("dutch", "UTF_8")), english_(sb_stemmer_new("english", "UTF_8")) {
        if (!dutch_ || !english_) {
            throw StoreError("libstemmer has no Dutch or English stemmer");
        }
    }

    /// Appends the distinct terms of one word to `terms` (cleared first).
    void terms(std::string_view word, std::vector<std::string>& terms) {
        terms.clear();
        const std::string folded = fold_word(word);
        if (folded.empty()) {
            return;
        }
        if (folded.size() > kMaxStemmedLength) {
            terms.push_back(folded);
            return;
        }
        add(terms, stem(dutch_.get(), folded));
        add(terms, stem(english_.get(), folded));
        if (const auto joined = dutch_base_form(folded)) {
            add(terms, stem(dutch_.get(), *joined));
        }
    }

private:
    static std::string stem(sb_stemmer* stemmer, const std::string& word) {
        const sb_symbol* stemmed =
            sb_stemmer_stem(stemmer, reinterpret_cast<const sb_symbol*>(word.data()),
                            static_cast<int>(word.size()));
        if (stemmed == nullptr) {
            throw std::bad_alloc{};
        }
        return {reinterpret_cast<const char*>(stemmed),
                static_cast<std::size_t>(sb_stemmer_length(stemmer))};
    }

    static void add(std::vector<std::string>& terms, std::string term) {
        if (!term.empty() && std::find(terms.begin(), terms.end(), term) == terms.end()) {
            terms.push_back(std::move(term));
        }
    }

    /// The form Snowball's Dutch stemmer would join with, for two endings it leaves alone: a
    /// diminutive ("boekje", "boekjes" → "boek") and a verb's -t form ("rekent" → "rekenen",
    /// "werkt" → "werken"). A noun ending in t gets a spurious extra term; that costs a little
    /// index space and, rarely, a loose match.
    static std::optional<std::string> dutch_base_form(const std::string& word) {
        const auto ends_with = [&word](std::string_view suffix) {
            return word.size() > suffix.size() &&
                   word.compare(word.size() - suffix.size(), suffix.size(), suffix) == 0;
        };
        if (ends_with("jes") && word.size() >= 6) {
            return word.substr(0, word.size() - 3);
        }
        if (ends_with("je") && word.size() >= 5) {
            return word.substr(0, word.size() - 2);
        }
        if (word.size() >= 5 && word.back() == 't') {
            const char before = word[word.size() - 2];
            if (before >= 'a' && before <= 'z' && before != 't' && before != 'd') {
                return word.substr(0, word.size() - 1) + "en";
            }
        }
        return std::nullopt;
    }

    Stemmer dutch_;
    Stemmer english_;
};

// ---- the FTS5 tokenizer ------------------------------------------------------------------------

/// Words recur (a few are everywhere): their terms are kept, up to this many words.
constexpr std::size_t kCachedWords = 20'000;

struct Tokenizer {
    Stemmers stemmers;
    std::unordered_map<std::string, std::vector<std::string>> cache;  ///< word as typed → terms

    const std::vector<std::string>& terms(std::string_view word) {
        std::string key{word};
        if (const auto found = cache.find(key); found != cache.end()) {
            return found->second;
        }
        if (cache.size() >= kCachedWords) {
            cache.clear();
        }
        std::vector<std::string> computed;
        stemmers.terms(word, computed);
        return cache.emplace(std::move(key), std::move(computed)).first->second;
    }
};

int create_tokenizer(void*, const char**, int argument_count, Fts5Tokenizer** out) {
    if (argument_count != 0) {
        return SQLITE_ERROR;
    }
    try {
        *out = reinterpret_cast<Fts5Tokenizer*>(new Tokenizer{});
        return SQLITE_OK;
    } catch (const std::bad_alloc&) {
        return SQLITE_NOMEM;
    } catch (...) {
        return SQLITE_ERROR;
    }
}

void delete_tokenizer(Fts5Tokenizer* tokenizer) {
    delete reinterpret_cast<Tokenizer*>(tokenizer);
}

using TokenCallback = int (*)(void*, int, const char*, int, int, int);

int tokenize(Fts5Tokenizer* instance, void* context, int /*flags*/, const char* text, int length,
             TokenCallback on_token) {
    auto& tokenizer = *reinterpret_cast<Tokenizer*>(instance);
    const std::string_view input{text, static_cast<std::size_t>(std::max(length, 0))};
    try {
        // Documents and queries alike: the terms of a word sit at one position, so a query word
        // matches a document word when any of their terms agree.
        return for_each_word(input, [&](std::size_t begin, std::size_t end) {
            const auto& terms = tokenizer.terms(input.substr(begin, end - begin));
            int flags = 0;
            for (const std::string& term : terms) {
                const int rc = on_token(context, flags, term.data(), static_cast<int>(term.size()),
                                        static_cast<int>(begin), static_cast<int>(end));
                if (rc != SQLITE_OK) {
                    return rc;
                }
                flags = FTS5_TOKEN_COLOCATED;
            }
            return SQLITE_OK;
        });
    } catch (const std::bad_alloc&) {
        return SQLITE_NOMEM;
    } catch (...) {
        return SQLITE_ERROR;
    }
}

fts5_api* fts5_of(sqlite3* db) {
    sqlite3_stmt* statement = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &statement, nullptr) != SQLITE_OK) {
        sqlite3_finalize(statement);
        throw StoreError(std::string{"FTS5 is not available: "} + sqlite3_errmsg(db));
    }
    fts5_api* api = nullptr;
    sqlite3_bind_pointer(statement, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
    sqlite3_step(statement);
    sqlite3_finalize(statement);
    if (api == nullptr || api->iVersion < 2) {
        throw StoreError("FTS5 is not available in this SQLite");
    }
    return api;
}

// ---- the rank function ---------------------------------------------------------------------

/// FTS5's own bm25() (k1 = 1.2, b = 0.75, per-column weights), except that each phrase's
/// document count comes as an argument instead of from a pass over the phrase's whole doclist on
/// the first row: for a common word in 100,000 entries that pass costs more than the search.
/// knowledge_rank(fts, 'count1 count2 ...', weight_column0, weight_column1, ...): lower is better,
/// like bm25(). Phrases without a count get 1.
void knowledge_rank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* result,
                    int argument_count, sqlite3_value** arguments) {
    constexpr double k1 = 1.2;
    constexpr double b = 0.75;
    sqlite3_int64 rows = 0;
    sqlite3_int64 total_tokens = 0;
    int tokens = 0;
    int rc = api->xRowCount(fts, &rows);
    if (rc == SQLITE_OK) {
        rc = api->xColumnTotalSize(fts, -1, &total_tokens);
    }
    if (rc == SQLITE_OK) {
        rc = api->xColumnSize(fts, -1, &tokens);
    }
    int instances = 0;
    if (rc == SQLITE_OK) {
        rc = api->xInstCount(fts, &instances);
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(result, rc);
        return;
    }
    const int phrases = api->xPhraseCount(fts);
    std::vector<double> doc_counts(static_cast<std::size_t>(phrases), 1.0);
    if (argument_count > 0 && sqlite3_value_type(arguments[0]) == SQLITE_TEXT) {
        const std::string_view counts{
            reinterpret_cast<const char*>(sqlite3_value_text(arguments[0])),
            static_cast<std::size_t>(sqlite3_value_bytes(arguments[0]))};
        std::size_t phrase = 0;
        for (const std::string& count : split(counts, ' ')) {
            if (phrase < doc_counts.size() && !count.empty()) {
                doc_counts[phrase] = std::strtod(count.c_str(), nullptr);
            }
            ++phrase;
        }
    }
    std::vector<double> frequency(static_cast<std::size_t>(phrases), 0.0);
    for (int i = 0; i < instances; ++i) {
        int phrase = 0;
        int column = 0;
        int offset = 0;
        if (api->xInst(fts, i, &phrase, &column, &offset) != SQLITE_OK || phrase < 0 ||
            phrase >= phrases) {
            continue;
        }
        const int weight_index = 1 + column;
        const double weight =
            weight_index < argument_count ? sqlite3_value_double(arguments[weight_index]) : 1.0;
        frequency[static_cast<std::size_t>(phrase)] += weight;
    }
    const double average =
        rows > 0 ? static_cast<double>(total_tokens) / static_cast<double>(rows) : 1.0;
    const double length_part = k1 * (1 - b + b * static_cast<double>(tokens) / average);
    double score = 0;
    for (std::size_t phrase = 0; phrase < frequency.size(); ++phrase) {
        if (frequency[phrase] == 0) {
            continue;
        }
        const double n = std::max(doc_counts[phrase], 0.0);
        double idf = std::log((static_cast<double>(rows) - n + 0.5) / (n + 0.5));
        if (idf <= 0.0) {
            idf = 1e-6;
        }
        score += idf * (frequency[phrase] * (k1 + 1)) / (frequency[phrase] + length_part);
    }
    sqlite3_result_double(result, -score);
}

}  // namespace

void register_knowledge_search(sqlite3* db) {
    fts5_api* api = fts5_of(db);
    fts5_tokenizer tokenizer{create_tokenizer, delete_tokenizer, tokenize};
    if (api->xCreateTokenizer(api, kKnowledgeTokenizer, nullptr, &tokenizer, nullptr) !=
        SQLITE_OK) {
        throw StoreError(std::string{"cannot register the knowledge tokenizer: "} +
                         sqlite3_errmsg(db));
    }
    if (api->xCreateFunction(api, kKnowledgeRank, nullptr, knowledge_rank, nullptr) != SQLITE_OK) {
        throw StoreError(std::string{"cannot register the knowledge rank function: "} +
                         sqlite3_errmsg(db));
    }
}

std::vector<std::string> search_words(std::string_view text) {
    std::vector<std::string> words;
    for_each_word(text, [&](std::size_t begin, std::size_t end) {
        words.emplace_back(text.substr(begin, end - begin));
        return SQLITE_OK;
    });
    return words;
}

std::vector<std::string> index_terms(std::string_view word) {
    Stemmers stemmers;
    std::vector<std::string> terms;
    stemmers.terms(word, terms);
    return terms;
}

}  // namespace leernetwerk::storage
