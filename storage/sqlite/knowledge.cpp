// The knowledge base on SQLite: entries, shares with other networks, and full-text search over
// the FTS5 index `knowledge_fts` (schema version 5; tokenizer in fts_tokenizer.cpp).
#include <algorithm>
#include <array>
#include <string>

#include "bot/vocab/text.hpp"
#include "storage/sqlite/fts_tokenizer.hpp"
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {
namespace {

constexpr std::string_view kEntryColumns = R"sql(
e.id, e.network_id, e.kind, e.title, e.body, e.link, e.tags, e.author_member_id, e.question_id,
e.status, e.created_at, e.updated_at, e.number
)sql";

/// Marks FTS5's snippet() puts around a matched word; turned into Markdown bold afterwards.
constexpr char kMatchOpen = '\x01';
constexpr char kMatchClose = '\x02';

/// At most this many words of a query are searched (a pasted paragraph is not a query).
constexpr std::size_t kMaxQueryWords = 16;

/// Words that say nothing about what is looked for ("wat weten we over rekenen?"): left out of a
/// query unless nothing else is left. Compared after folding.
constexpr auto kStopWords = std::to_array<std::string_view>({
    "de",   "het", "een", "en",  "of",   "in",  "op",  "te",    "van",   "voor", "met",  "is",
    "zijn", "wat", "hoe", "wie", "waar", "we",  "wij", "je",    "jij",   "ik",   "over", "die",
    "dat",  "er",  "aan", "bij", "om",   "ook", "als", "naar",  "weten", "the",  "a",    "an",
    "and",  "or",  "to",  "for", "what", "how", "who", "about", "are",   "do",   "know", "on",
});

std::string sql(std::string_view before, std::string_view after) {
    std::string text{"SELECT "};
    text += kEntryColumns;
    text += before;
    text += ' ';
    text += after;
    return text;
}

KnowledgeEntry read_entry(const Query& query) {
    KnowledgeEntry entry;
    entry.id = query.column_int(0);
    entry.network_id = query.column_int(1);
    const std::string kind = query.column_text(2);
    entry.kind = decode(parse_knowledge_kind_code(kind), "knowledge kind", kind);
    entry.title = query.column_text(3);
    entry.body = query.column_text(4);
    entry.link = query.column_text(5);
    entry.tags = split_tags(query.column_text(6));
    entry.author_member_id = query.column_optional_int(7);
    entry.question_id = query.column_optional_int(8);
    const std::string status = query.column_text(9);
    entry.status = decode(parse_knowledge_status_code(status), "knowledge status", status);
    entry.created_at = query.column_instant(10);
    entry.updated_at = query.column_instant(11);
    entry.number = static_cast<int>(query.column_int(12));
    return entry;
}

std::vector<KnowledgeEntry> read_entries(Query& query) {
    std::vector<KnowledgeEntry> entries;
    while (query.step()) {
        entries.push_back(read_entry(query));
    }
    return entries;
}

/// A stop word, or a lone letter (the "s" of "collega's", the "t" of "'t"): it would make an
/// entry without it fail the search.
bool is_stop_word(const std::string& word) {
    const std::string folded = fold(word);
    return utf8_length(folded) < 2 ||
           std::find(kStopWords.begin(), kStopWords.end(), folded) != kStopWords.end();
}

/// The words of what a member typed that are searched: distinct (folded), stop words left out
/// unless nothing else is left, at most kMaxQueryWords.
std::vector<std::string> query_words(std::string_view typed) {
    std::vector<std::string> words;
    std::vector<std::string> folded;
    for (std::string& word : search_words(typed)) {
        std::string key = fold(word);
        if (std::find(folded.begin(), folded.end(), key) != folded.end()) {
            continue;
        }
        folded.push_back(std::move(key));
        words.push_back(std::move(word));
    }
    std::vector<std::string> meaningful;
    std::copy_if(words.begin(), words.end(), std::back_inserter(meaningful),
                 [](const std::string& word) { return !is_stop_word(word); });
    if (!meaningful.empty()) {
        words = std::move(meaningful);
    }
    if (words.size() > kMaxQueryWords) {
        words.resize(kMaxQueryWords);
    }
    return words;
}

/// The words as an FTS5 query over the text columns: every word a quoted string (so `OR`,
/// `NEAR`, `*`, `-`, `col:` typed by a member are words or separators, never syntax), joined by
/// AND or OR. Phrase i of the query is word i.
std::string match_expression(const std::vector<std::string>& words, bool any) {
    // Only the text columns: a typed "n12" must not match the network term column.
    std::string expression = "{title body tags} : (";
    for (std::size_t i = 0; i < words.size(); ++i) {
        if (i > 0) {
            expression += any ? " OR " : " ";
        }
        // A word holds letters and digits only (search_words), so it never contains a quote.
        expression += '"';
        expression += words[i];
        expression += '"';
    }
    expression += ')';
    return expression;
}

/// A snippet with match marks as core Markdown: matches in bold, everything escaped, one line.
std::string snippet_markdown(std::string_view marked) {
    std::string out;
    std::string run;
    bool in_match = false;
    const auto flush = [&] {
        if (run.empty()) {
            return;
        }
        if (in_match) {
            out += "**" + escape_markdown(run) + "**";
        } else {
            out += escape_markdown(run);
        }
        run.clear();
    };
    for (const char c : marked) {
        if (c == kMatchOpen || c == kMatchClose) {
            flush();
            in_match = c == kMatchOpen;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            run += ' ';
        } else {
            run += c;
        }
    }
    flush();
    return out;
}

}  // namespace

Id SqliteStore::create_knowledge_entry(const KnowledgeEntry& entry) {
    Atomic atomic{impl_->db(), "create_knowledge_entry"};
    const int number = impl_->next_number(entry.network_id, "knowledge");
    Query query = impl_->query(R"sql(
INSERT INTO knowledge_entries (network_id, kind, title, body, link, tags, author_member_id,
                               question_id, status, created_at, updated_at, network_term, number)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'n' || ?1, ?12)
RETURNING id
)sql",
                               "create_knowledge_entry");
    query.bind_int(1, entry.network_id)
        .bind_text(2, knowledge_kind_code(entry.kind))
        .bind_text(3, entry.title)
        .bind_text(4, entry.body)
        .bind_text(5, entry.link)
        .bind_text(6, join_tags(entry.tags))
        .bind_optional_int(7, entry.author_member_id)
        .bind_optional_int(8, entry.question_id)
        .bind_text(9, knowledge_status_code(entry.status))
        .bind_instant(10, entry.created_at)
        .bind_instant(11, entry.updated_at)
        .bind_int(12, number);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    atomic.commit();
    return id;
}

std::optional<KnowledgeEntry> SqliteStore::knowledge_entry(Id id) {
    static const std::string kSql = sql(" FROM knowledge_entries AS e", "WHERE e.id = ?1");
    Query query = impl_->query(kSql, "knowledge_entry");
    query.bind_int(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_entry(query);
}

std::optional<KnowledgeEntry> SqliteStore::knowledge_entry_by_number(Id network_id, int number) {
    const auto id = impl_->id_by_number(R"sql(
SELECT id FROM knowledge_entries WHERE network_id = ?1 AND number = ?2
UNION ALL
SELECT entry_id FROM knowledge_shares WHERE network_id = ?1 AND number = ?2
)sql",
                                        network_id, number);
    return id ? knowledge_entry(*id) : std::nullopt;
}

std::optional<int> SqliteStore::knowledge_number_in(Id entry_id, Id network_id) {
    Query query = impl_->query(R"sql(
SELECT number FROM knowledge_entries WHERE id = ?1 AND network_id = ?2
UNION ALL
SELECT number FROM knowledge_shares WHERE entry_id = ?1 AND network_id = ?2
)sql",
                               "knowledge_number_in");
    query.bind_int(1, entry_id).bind_int(2, network_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return static_cast<int>(query.column_int(0));
}

void SqliteStore::update_knowledge_entry(const KnowledgeEntry& entry) {
    Query query = impl_->query(R"sql(
UPDATE knowledge_entries
SET kind = ?2, title = ?3, body = ?4, link = ?5, tags = ?6, author_member_id = ?7,
    question_id = ?8, status = ?9, updated_at = ?10
WHERE id = ?1
)sql",
                               "update_knowledge_entry");
    query.bind_int(1, entry.id)
        .bind_text(2, knowledge_kind_code(entry.kind))
        .bind_text(3, entry.title)
        .bind_text(4, entry.body)
        .bind_text(5, entry.link)
        .bind_text(6, join_tags(entry.tags))
        .bind_optional_int(7, entry.author_member_id)
        .bind_optional_int(8, entry.question_id)
        .bind_text(9, knowledge_status_code(entry.status))
        .bind_instant(10, entry.updated_at);
    Impl::require_changed(query.run(), "update_knowledge_entry", "knowledge entry", entry.id);
}

void SqliteStore::delete_knowledge_entry(Id id) {
    Query query =
        impl_->query("DELETE FROM knowledge_entries WHERE id = ?1", "delete_knowledge_entry");
    query.bind_int(1, id);
    query.run();
}

std::vector<KnowledgeEntry> SqliteStore::knowledge_entries(Id network_id) {
    static const std::string kSql = sql(" FROM knowledge_entries AS e",
                                        "WHERE e.network_id = ?1 ORDER BY e.created_at DESC, "
                                        "e.id DESC");
    Query query = impl_->query(kSql, "knowledge_entries");
    query.bind_int(1, network_id);
    return read_entries(query);
}

std::vector<KnowledgeEntry> SqliteStore::knowledge_entries_by_author(Id member_id) {
    static const std::string kSql = sql(" FROM knowledge_entries AS e",
                                        "WHERE e.author_member_id = ?1 ORDER BY e.created_at "
                                        "DESC, e.id DESC");
    Query query = impl_->query(kSql, "knowledge_entries_by_author");
    query.bind_int(1, member_id);
    return read_entries(query);
}

std::vector<KnowledgeEntry> SqliteStore::anonymous_knowledge_entries_of(Id member_id) {
    // The entry names no author; the answer it was kept from (its question's helpful answer)
    // does, in `answers`, which only the bot reads.
    static const std::string kSql =
        sql(" FROM knowledge_entries AS e JOIN questions AS q ON q.id = e.question_id "
            "JOIN answers AS a ON a.id = q.helpful_answer_id",
            "WHERE e.author_member_id IS NULL AND e.kind = 'answer' AND a.author_member_id = ?1 "
            "ORDER BY e.created_at DESC, e.id DESC");
    Query query = impl_->query(kSql, "anonymous_knowledge_entries_of");
    query.bind_int(1, member_id);
    return read_entries(query);
}

std::vector<KnowledgeHit> SqliteStore::search_knowledge(const std::vector<Id>& network_ids,
                                                        std::string_view typed, int limit) {
    if (network_ids.empty() || limit <= 0) {
        return {};
    }
    // The index finds the matches within the member's networks itself: each entry's network,
    // and every network it is shared with, is a word of its `network_term` column. Title matches
    // weigh most, then tags, then the body; the network term not at all.
    static const std::string kSearch = sql(R"sql(
FROM knowledge_fts JOIN knowledge_entries AS e ON e.id = knowledge_fts.rowid
WHERE knowledge_fts MATCH ?1 AND e.status = 'active'
)sql",
                                           "ORDER BY knowledge_rank(knowledge_fts, ?2, 5.0, 1.0, "
                                           "3.0, 0.0), e.id DESC LIMIT ?3");
    // Snippets only for the hits shown, not for every match: of the body, where the answer is
    // (the title is shown anyway); of the tags when only they matched; of the title when the body
    // is empty.
    static const std::string kSnippet =
        "SELECT snippet(knowledge_fts, 1, char(1), char(2), '…', 16), "
        "snippet(knowledge_fts, 2, char(1), char(2), '…', 16), "
        "snippet(knowledge_fts, 0, char(1), char(2), '…', 16) "
        "FROM knowledge_fts WHERE knowledge_fts MATCH ?1 AND rowid = ?2";
    const auto words = query_words(typed);
    if (words.empty()) {
        return {};
    }
    // Phrase i is word i: its document count is that of its most frequent term (its terms sit at
    // one position, so that is close to the phrase's own count); the network phrases come last
    // and weigh nothing.
    std::string doc_counts;
    for (const std::string& word : words) {
        std::int64_t count = 0;
        for (const std::string& term : index_terms(word)) {
            Query vocab = impl_->query("SELECT doc FROM knowledge_vocab WHERE term = ?1",
                                       "search_knowledge: term count");
            vocab.bind_text(1, term);
            if (vocab.step()) {
                count = std::max(count, vocab.column_int(0));
            }
        }
        doc_counts += (doc_counts.empty() ? "" : " ") + std::to_string(count);
    }
    std::string own_networks;
    for (const Id id : network_ids) {
        own_networks += (own_networks.empty() ? "\"n" : " OR \"n") + std::to_string(id) + '"';
    }
    std::string expression;
    std::vector<KnowledgeEntry> entries;
    for (const bool any : {false, true}) {
        if (any && words.size() == 1) {
            break;  // OR would search the same single word again
        }
        expression = match_expression(words, any);
        std::string in_networks = expression;
        in_networks += " AND network_term : (";
        in_networks += own_networks;
        in_networks += ')';
        Query query = impl_->query(kSearch, "search_knowledge");
        query.bind_text(1, in_networks).bind_text(2, doc_counts).bind_int(3, limit);
        entries = read_entries(query);
        if (!entries.empty()) {
            break;
        }
    }
    std::vector<KnowledgeHit> hits;
    hits.reserve(entries.size());
    for (KnowledgeEntry& entry : entries) {
        Query query = impl_->query(kSnippet, "search_knowledge: snippet");
        query.bind_text(1, expression).bind_int(2, entry.id);
        std::string snippet;
        if (query.step()) {
            const std::string body = query.column_text(0);
            const std::string tags = query.column_text(1);
            const auto marked = [](const std::string& text) {
                return text.find(kMatchOpen) != std::string::npos;
            };
            snippet = marked(body)               ? body
                      : marked(tags)             ? tags
                      : trim(entry.body).empty() ? query.column_text(2)
                                                 : body;  // only the title matched
        }
        hits.push_back(KnowledgeHit{std::move(entry), snippet_markdown(snippet)});
    }
    return hits;
}

void SqliteStore::share_knowledge_entry(Id entry_id, Id network_id, std::optional<Id> shared_by,
                                        Instant now) {
    constexpr std::string_view kOperation = "share_knowledge_entry";
    {
        Query existing = impl_->query(
            "SELECT 1 FROM knowledge_shares WHERE entry_id = ?1 AND network_id = ?2", kOperation);
        existing.bind_int(1, entry_id).bind_int(2, network_id);
        if (existing.step()) {
            return;  // shared before: it keeps its number there
        }
    }
    Atomic atomic{impl_->db(), kOperation};
    const int number = impl_->next_number(network_id, "knowledge");
    Query query = impl_->query(R"sql(
INSERT INTO knowledge_shares (entry_id, network_id, shared_by_member_id, shared_at, number)
VALUES (?1, ?2, ?3, ?4, ?5)
)sql",
                               kOperation);
    query.bind_int(1, entry_id)
        .bind_int(2, network_id)
        .bind_optional_int(3, shared_by)
        .bind_instant(4, now)
        .bind_int(5, number);
    query.run();
    atomic.commit();
}

void SqliteStore::unshare_knowledge_entry(Id entry_id, Id network_id) {
    Query query =
        impl_->query("DELETE FROM knowledge_shares WHERE entry_id = ?1 AND network_id = ?2",
                     "unshare_knowledge_entry");
    query.bind_int(1, entry_id).bind_int(2, network_id);
    query.run();
}

std::vector<Id> SqliteStore::knowledge_shares(Id entry_id) {
    Query query = impl_->query(
        "SELECT network_id FROM knowledge_shares WHERE entry_id = ?1 ORDER BY network_id",
        "knowledge_shares");
    query.bind_int(1, entry_id);
    std::vector<Id> networks;
    while (query.step()) {
        networks.push_back(query.column_int(0));
    }
    return networks;
}

}  // namespace leernetwerk::storage
