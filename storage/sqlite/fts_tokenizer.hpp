#pragma once
// Internal to storage/: the FTS5 tokenizer and rank function of the knowledge base. Words are
// folded (lower case, accents removed: é→e, ë→e, ï→i) and each is indexed, and searched, as its
// Dutch and its English Snowball stem at one position (FTS5_TOKEN_COLOCATED), so that
// "bijeenkomsten" finds "bijeenkomst", "meetings" finds "meeting" and "cafe" finds "café". Two
// Dutch forms the Snowball stemmer keeps apart are joined as well: a verb's -t form with its
// infinitive ("rekent" and "rekenen") and a diminutive with its noun ("boekje" and "boek").
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace leernetwerk::storage {

/// The tokenizer's name in `CREATE VIRTUAL TABLE ... USING fts5(..., tokenize='<name>')`.
inline constexpr const char* kKnowledgeTokenizer = "leernetwerk";

/// The rank function: `knowledge_rank(knowledge_fts, 'n1 n2 ...', weights...)` is FTS5's bm25()
/// with each phrase's document count given (from the fts5vocab table) rather than counted.
inline constexpr const char* kKnowledgeRank = "knowledge_rank";

/// Registers the tokenizer and the rank function on a connection. Every connection that reads
/// or writes a table that uses the tokenizer must do this first (the store does when it opens,
/// before migrating). Throws StoreError.
void register_knowledge_search(sqlite3* db);

/// The words of a text as the tokenizer splits it (letters and digits; anything else separates),
/// unfolded. What a member types becomes these words before it is searched.
std::vector<std::string> search_words(std::string_view text);

/// The terms the tokenizer indexes for one word (folded, then stemmed), distinct, Dutch stem first.
std::vector<std::string> index_terms(std::string_view word);

}  // namespace leernetwerk::storage
