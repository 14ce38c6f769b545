// The knowledge base in SQLite: the tokenizer (folding and Dutch/English stems) straight through
// SQL MATCH, and the store's entries, shares and search.
#include <catch2/catch.hpp>

#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include <sqlite3.h>
#include <unistd.h>

#include "storage/sqlite/fts_tokenizer.hpp"
#include "storage/sqlite/migrations.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

using namespace leernetwerk;
using leernetwerk::storage::SqliteStore;

Instant at(std::int64_t seconds) {
    return Instant{std::chrono::seconds{seconds}};
}

/// An in-memory connection with the tokenizer and one FTS5 table `t(x)` that uses it.
class TokenizerDb {
public:
    TokenizerDb() {
        if (sqlite3_open(":memory:", &db_) != SQLITE_OK) {
            throw std::runtime_error("cannot open :memory:");
        }
        storage::register_knowledge_search(db_);
        exec("CREATE VIRTUAL TABLE t USING fts5 (x, tokenize = 'leernetwerk')");
    }
    ~TokenizerDb() { sqlite3_close(db_); }
    TokenizerDb(const TokenizerDb&) = delete;
    TokenizerDb& operator=(const TokenizerDb&) = delete;

    void exec(const std::string& sql) {
        char* error = nullptr;
        if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
            const std::string message = error != nullptr ? error : "?";
            sqlite3_free(error);
            throw std::runtime_error(sql + ": " + message);
        }
    }

    void add(const std::string& text) {
        sqlite3_stmt* stmt = nullptr;
        sqlite3_prepare_v2(db_, "INSERT INTO t (x) VALUES (?1)", -1, &stmt, nullptr);
        sqlite3_bind_text(stmt, 1, text.c_str(), -1, SQLITE_TRANSIENT);
        const int rc = sqlite3_step(stmt);
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) {
            throw std::runtime_error("insert failed: " + text);
        }
    }

    /// The rows whose text matches the FTS5 query, in insertion order.
    std::vector<std::string> match(const std::string& query) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, "SELECT x FROM t WHERE t MATCH ?1 ORDER BY rowid", -1, &stmt,
                               nullptr) != SQLITE_OK) {
            throw std::runtime_error(sqlite3_errmsg(db_));
        }
        sqlite3_bind_text(stmt, 1, query.c_str(), -1, SQLITE_TRANSIENT);
        std::vector<std::string> rows;
        int rc = SQLITE_OK;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            rows.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0)));
        }
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) {
            throw std::runtime_error(query + ": " + sqlite3_errmsg(db_));
        }
        return rows;
    }

    /// highlight() of the one row matching the query, with [ ] around matches.
    std::string highlight(const std::string& query) {
        sqlite3_stmt* stmt = nullptr;
        sqlite3_prepare_v2(db_, "SELECT highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?1", -1,
                           &stmt, nullptr);
        sqlite3_bind_text(stmt, 1, query.c_str(), -1, SQLITE_TRANSIENT);
        std::string result;
        if (sqlite3_step(stmt) == SQLITE_ROW) {
            result = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        }
        sqlite3_finalize(stmt);
        return result;
    }

private:
    sqlite3* db_ = nullptr;
};

using Rows = std::vector<std::string>;

Id add_network(Store& store, const std::string& name) {
    Network network;
    network.name = name;
    network.created_at = at(1'000);
    return store.create_network(network);
}

Id add_member(Store& store, const std::string& name) {
    Member member;
    member.display_name = name;
    member.created_at = at(2'000);
    return store.create_member(member);
}

Id add_entry(Store& store, Id network_id, const std::string& title, const std::string& body,
             std::int64_t created = 10'000) {
    KnowledgeEntry entry;
    entry.network_id = network_id;
    entry.kind = KnowledgeKind::note;
    entry.title = title;
    entry.body = body;
    entry.created_at = at(created);
    entry.updated_at = at(created);
    return store.create_knowledge_entry(entry);
}

std::vector<Id> ids_of(const std::vector<KnowledgeHit>& hits) {
    std::vector<Id> ids;
    for (const KnowledgeHit& hit : hits) {
        ids.push_back(hit.entry.id);
    }
    return ids;
}

}  // namespace

// ---- the tokenizer -------------------------------------------------------------------------

TEST_CASE("the tokenizer joins Dutch inflections, English plurals and accents",
          "[storage][knowledge][tokenizer]") {
    TokenizerDb db;
    db.add("De bijeenkomst van maart");            // 1
    db.add("Wie rekent het snelst?");              // 2
    db.add("Koffie in het café");                  // 3
    db.add("Nieuwe ideeën voor de les");           // 4
    db.add("The weekly meeting");                  // 5
    db.add("Een boekje over lezen");               // 6
    db.add("Naïeve vragen zijn welkom");           // 7
    db.add("ÉÉN HOOFDLETTERZIN OVER WERKVORMEN");  // 8

    CHECK(db.match("bijeenkomsten") == Rows{"De bijeenkomst van maart"});
    CHECK(db.match("rekenen") == Rows{"Wie rekent het snelst?"});
    CHECK(db.match("cafe") == Rows{"Koffie in het café"});
    CHECK(db.match("CAFÉ") == Rows{"Koffie in het café"});
    CHECK(db.match("ideeen") == Rows{"Nieuwe ideeën voor de les"});
    CHECK(db.match("meetings") == Rows{"The weekly meeting"});
    CHECK(db.match("boeken") == Rows{"Een boekje over lezen"});
    CHECK(db.match("naieve") == Rows{"Naïeve vragen zijn welkom"});
    CHECK(db.match("werkvorm") == Rows{"ÉÉN HOOFDLETTERZIN OVER WERKVORMEN"});
    // A combining accent (e + U+0301) folds like a precomposed one.
    CHECK(db.match("\"cafe\xCC\x81\"") == Rows{"Koffie in het café"});
    // Unrelated words stay apart.
    CHECK(db.match("rekenmachine").empty());
    CHECK(db.match("boekhouding").empty());
}

TEST_CASE("highlights mark whole original words, accents and case kept",
          "[storage][knowledge][tokenizer]") {
    TokenizerDb db;
    db.add("Twee Bijeenkomsten in het Café, over “rekenen”.");
    CHECK(db.highlight("bijeenkomst cafe rekent") ==
          "Twee [Bijeenkomsten] in het [Café], over “[rekenen]”.");
}

TEST_CASE("the tokenizer splits on punctuation and symbols, not on letters",
          "[storage][knowledge][tokenizer]") {
    using storage::search_words;
    CHECK(search_words("NEAR(rekenen, taal)*") == Rows{"NEAR", "rekenen", "taal"});
    CHECK(search_words("title:\"café\" -spelling ^x") == Rows{"title", "café", "spelling", "x"});
    CHECK(search_words("auto’s — 3D‑printer… 🙂 ok") ==
          Rows{"auto", "s", "3D", "printer", "ok"});
    CHECK(search_words("  ,.;:!? \"' ").empty());
    CHECK(search_words("").empty());
    // Invalid UTF-8 separates words; it never becomes part of one.
    CHECK(search_words("a\xFF"
                       "b\xC3") == Rows{"a", "b"});
}

TEST_CASE("a word's terms are its Dutch and English stems, distinct",
          "[storage][knowledge][tokenizer]") {
    using storage::index_terms;
    CHECK(index_terms("Bijeenkomsten") == Rows{"bijeenkomst", "bijeenkomsten"});
    CHECK(index_terms("café") == Rows{"caf", "cafe"});
    CHECK(index_terms("rekent") == Rows{"rekent", "reken"});
    CHECK(index_terms("boekjes") == Rows{"boekjes", "boekj", "boek"});
    CHECK(index_terms("2026") == Rows{"2026"});
    const std::string long_word(200, 'a');
    CHECK(index_terms(long_word) == Rows{long_word});
}

// ---- entries -------------------------------------------------------------------------------

TEST_CASE("a knowledge entry keeps every field and is updated except id, network and creation",
          "[storage][knowledge]") {
    auto store = SqliteStore::open(":memory:");
    const Id network = add_network(*store, "Rekenen");
    const Id other = add_network(*store, "Taal");
    const Id anna = add_member(*store, "Anna");

    KnowledgeEntry entry;
    entry.network_id = network;
    entry.kind = KnowledgeKind::resource;
    entry.title = "Rekenspellen";
    entry.body = "Spellen voor groep 5";
    entry.link = "https://example.org/spellen";
    entry.tags = {"rekenen", " groep 5 ", "", "line\nbreak"};
    entry.author_member_id = anna;
    entry.question_id = 42;
    entry.created_at = at(100);
    entry.updated_at = at(100);
    const Id id = store->create_knowledge_entry(entry);
    CHECK(id > 0);

    auto stored = store->knowledge_entry(id);
    REQUIRE(stored.has_value());
    CHECK(stored->network_id == network);
    CHECK(stored->kind == KnowledgeKind::resource);
    CHECK(stored->title == "Rekenspellen");
    CHECK(stored->body == "Spellen voor groep 5");
    CHECK(stored->link == "https://example.org/spellen");
    CHECK(stored->tags == Rows{"rekenen", "groep 5", "line break"});
    CHECK(stored->author_member_id == anna);
    CHECK(stored->question_id == 42);
    CHECK(stored->status == KnowledgeStatus::active);
    CHECK(stored->created_at == at(100));
    CHECK(stored->updated_at == at(100));

    KnowledgeEntry changed = *stored;
    changed.network_id = other;    // ignored
    changed.created_at = at(999);  // ignored
    changed.kind = KnowledgeKind::note;
    changed.title = "Rekenspelletjes";
    changed.body = "Voor groep 6";
    changed.link.clear();
    changed.tags = {"spel"};
    changed.author_member_id.reset();
    changed.question_id.reset();
    changed.status = KnowledgeStatus::retired;
    changed.updated_at = at(200);
    store->update_knowledge_entry(changed);
    stored = store->knowledge_entry(id);
    REQUIRE(stored.has_value());
    CHECK(stored->network_id == network);
    CHECK(stored->created_at == at(100));
    CHECK(stored->kind == KnowledgeKind::note);
    CHECK(stored->title == "Rekenspelletjes");
    CHECK(stored->body == "Voor groep 6");
    CHECK(stored->link.empty());
    CHECK(stored->tags == Rows{"spel"});
    CHECK_FALSE(stored->author_member_id.has_value());
    CHECK_FALSE(stored->question_id.has_value());
    CHECK(stored->status == KnowledgeStatus::retired);
    CHECK(stored->updated_at == at(200));

    changed.id = id + 100;
    CHECK_THROWS_AS(store->update_knowledge_entry(changed), StoreError);

    store->delete_knowledge_entry(id);
    CHECK_FALSE(store->knowledge_entry(id).has_value());
}

TEST_CASE("entries are listed per network and per author, newest first, in every state",
          "[storage][knowledge]") {
    auto store = SqliteStore::open(":memory:");
    const Id rekenen = add_network(*store, "Rekenen");
    const Id taal = add_network(*store, "Taal");
    const Id anna = add_member(*store, "Anna");
    const Id bram = add_member(*store, "Bram");

    const auto add = [&](Id network, Id author, std::int64_t when, KnowledgeStatus status) {
        KnowledgeEntry entry;
        entry.network_id = network;
        entry.title = "t" + std::to_string(when);
        entry.author_member_id = author;
        entry.status = status;
        entry.created_at = at(when);
        entry.updated_at = at(when);
        return store->create_knowledge_entry(entry);
    };
    const Id first = add(rekenen, anna, 100, KnowledgeStatus::active);
    const Id second = add(rekenen, bram, 300, KnowledgeStatus::retired);
    const Id third = add(taal, anna, 200, KnowledgeStatus::active);

    const auto ids = [](const std::vector<KnowledgeEntry>& entries) {
        std::vector<Id> result;
        for (const auto& entry : entries) {
            result.push_back(entry.id);
        }
        return result;
    };
    CHECK(ids(store->knowledge_entries(rekenen)) == std::vector<Id>{second, first});
    CHECK(ids(store->knowledge_entries(taal)) == std::vector<Id>{third});
    CHECK(ids(store->knowledge_entries_by_author(anna)) == std::vector<Id>{third, first});
    CHECK(ids(store->knowledge_entries_by_author(bram)) == std::vector<Id>{second});
}

TEST_CASE("a deleted author leaves their entries anonymous; a deleted network takes its entries",
          "[storage][knowledge]") {
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("leernetwerk-knowledge-" + std::to_string(::getpid()) + ".db"))
                                 .string();
    std::filesystem::remove(path);
    Id kept = 0;
    Id gone = 0;
    Id anna = 0;
    Id taal = 0;
    {
        auto store = SqliteStore::open(path);
        const Id rekenen = add_network(*store, "Rekenen");
        taal = add_network(*store, "Taal");
        anna = add_member(*store, "Anna");
        KnowledgeEntry entry;
        entry.network_id = rekenen;
        entry.title = "Breuken met pizza";
        entry.author_member_id = anna;
        kept = store->create_knowledge_entry(entry);
        gone = add_entry(*store, taal, "Spelling met pizza", "");
        store->share_knowledge_entry(kept, taal, anna, at(5));
    }
    {
        // A second connection, as a purge script would use: it needs the tokenizer too.
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
        storage::register_knowledge_search(raw);
        sqlite3_exec(raw, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
        const std::string sql = "DELETE FROM members WHERE id = " + std::to_string(anna) +
                                "; DELETE FROM networks WHERE id = " + std::to_string(taal);
        CHECK(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(raw);
    }
    {
        auto store = SqliteStore::open(path);
        const auto entry = store->knowledge_entry(kept);
        REQUIRE(entry.has_value());
        CHECK_FALSE(entry->author_member_id.has_value());
        CHECK(store->knowledge_shares(kept).empty());
        CHECK_FALSE(store->knowledge_entry(gone).has_value());
        // The index forgot the removed entry: "pizza" finds only the kept one.
        CHECK(ids_of(store->search_knowledge({entry->network_id}, "pizza", 10)) ==
              std::vector<Id>{kept});
    }
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
}

TEST_CASE("a version 4 database gains the knowledge base with its old networks kept",
          "[storage][knowledge][migrations]") {
    const std::string path = (std::filesystem::temp_directory_path() /
                              ("leernetwerk-knowledge-v4-" + std::to_string(::getpid()) + ".db"))
                                 .string();
    std::filesystem::remove(path);
    {
        sqlite3* raw = nullptr;
        REQUIRE(sqlite3_open(path.c_str(), &raw) == SQLITE_OK);
        storage::migrate(raw, 4);
        CHECK(sqlite3_exec(raw,
                           "INSERT INTO networks (id, name, name_key, theme, time_zone, "
                           "meeting_cap, created_at) VALUES (7, 'Rekenen', 'rekenen', '', "
                           "'Europe/Amsterdam', 4, 100)",
                           nullptr, nullptr, nullptr) == SQLITE_OK);
        sqlite3_close(raw);
    }
    {
        auto store = SqliteStore::open(path);
        CHECK(store->user_version() == SqliteStore::schema_version());
        const auto network = store->network(7);
        REQUIRE(network.has_value());
        CHECK(network->central_question.empty());
        CHECK(network->ambition.empty());
        const Id id = add_entry(*store, 7, "Bijeenkomst", "Rekenen met geld");
        CHECK(ids_of(store->search_knowledge({7}, "bijeenkomsten", 5)) == std::vector<Id>{id});
    }
    std::filesystem::remove(path);
    std::filesystem::remove(path + "-wal");
    std::filesystem::remove(path + "-shm");
}

/// A file database with a raw second connection to look at the index directly.
class IndexedFile {
public:
    IndexedFile()
        : path_((std::filesystem::temp_directory_path() /
                 ("leernetwerk-knowledge-index-" + std::to_string(::getpid()) + ".db"))
                    .string()) {
        remove();
        store = SqliteStore::open(path_);
    }
    ~IndexedFile() {
        store.reset();
        remove();
    }
    IndexedFile(const IndexedFile&) = delete;
    IndexedFile& operator=(const IndexedFile&) = delete;

    /// FTS5's integrity check, comparing the index with the entries (the content table).
    int integrity() {
        return exec(
            "INSERT INTO knowledge_fts (knowledge_fts, rank) "
            "VALUES ('integrity-check', 1)");
    }

    int exec(const std::string& sql) {
        sqlite3* raw = nullptr;
        sqlite3_open(path_.c_str(), &raw);
        storage::register_knowledge_search(raw);
        sqlite3_exec(raw, "PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
        const int rc = sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr);
        sqlite3_close(raw);
        return rc;
    }

    /// Row ids of the first column of a query, in order.
    std::vector<Id> ids(const std::string& sql) {
        sqlite3* raw = nullptr;
        sqlite3_open(path_.c_str(), &raw);
        storage::register_knowledge_search(raw);
        sqlite3_stmt* stmt = nullptr;
        std::vector<Id> result;
        if (sqlite3_prepare_v2(raw, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK) {
            while (sqlite3_step(stmt) == SQLITE_ROW) {
                result.push_back(sqlite3_column_int64(stmt, 0));
            }
        }
        sqlite3_finalize(stmt);
        sqlite3_close(raw);
        return result;
    }

    std::unique_ptr<SqliteStore> store;

private:
    void remove() {
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::filesystem::remove(path_ + suffix);
        }
    }
    std::string path_;
};

TEST_CASE("the index stays true to the entries through edits, shares and deletions",
          "[storage][knowledge][index]") {
    IndexedFile file;
    Store& store = *file.store;
    const Id rekenen = add_network(store, "Rekenen");
    const Id taal = add_network(store, "Taal");
    const Id burgerschap = add_network(store, "Burgerschap");
    const Id first = add_entry(store, rekenen, "Breuken", "met pizza");
    const Id second = add_entry(store, taal, "Spelling", "met pizza");
    const Id third = add_entry(store, rekenen, "Tafels", "met kaartjes");
    CHECK(file.integrity() == SQLITE_OK);

    store.share_knowledge_entry(first, taal, std::nullopt, at(1));
    store.share_knowledge_entry(first, burgerschap, std::nullopt, at(2));
    store.share_knowledge_entry(second, rekenen, std::nullopt, at(3));
    auto entry = *store.knowledge_entry(first);
    entry.body = "met taart";
    entry.author_member_id.reset();
    store.update_knowledge_entry(entry);
    CHECK(file.integrity() == SQLITE_OK);
    CHECK(ids_of(store.search_knowledge({burgerschap}, "taart", 5)) == std::vector<Id>{first});

    store.unshare_knowledge_entry(first, burgerschap);
    CHECK(store.search_knowledge({burgerschap}, "taart", 5).empty());
    CHECK(ids_of(store.search_knowledge({taal}, "taart", 5)) == std::vector<Id>{first});
    CHECK(file.integrity() == SQLITE_OK);

    store.delete_knowledge_entry(first);  // its share goes with it
    CHECK(file.integrity() == SQLITE_OK);
    // A network that entries were shared with goes: the entries stay, found in their own.
    CHECK(file.exec("DELETE FROM networks WHERE id = " + std::to_string(rekenen)) == SQLITE_OK);
    CHECK(file.integrity() == SQLITE_OK);
    CHECK_FALSE(store.knowledge_entry(third).has_value());
    CHECK(ids_of(store.search_knowledge({taal}, "pizza", 5)) == std::vector<Id>{second});
    CHECK(store.knowledge_shares(second).empty());
}

TEST_CASE("the rank orders as FTS5's bm25 does", "[storage][knowledge][search]") {
    IndexedFile file;
    Store& store = *file.store;
    const Id network = add_network(store, "Rekenen");
    add_entry(store, network, "Tafels oefenen", "Met een spel; ook rekenen komt terug");
    add_entry(store, network, "Rekenen in groep 5", "Rekenen met geld: rekenen wordt concreet");
    add_entry(store, network, "Rekenen",
              "Over van alles en nog wat, heel lang verhaal over "
              "lezen, schrijven en spelling");
    add_entry(store, network, "Spelling", "Dictee met woordkaartjes");
    add_entry(store, network, "Geld", "Rekenen met geld in de winkelhoek");
    for (const std::string words : {"rekenen", "geld", "rekenen geld", "spelling"}) {
        INFO(words);
        std::string expression = "{title body tags} : (";
        for (const auto& word : storage::search_words(words)) {
            expression += "\"" + word + "\" ";
        }
        expression += ")";
        const auto expected =
            file.ids("SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH '" + expression +
                     "' ORDER BY bm25(knowledge_fts, 5.0, 1.0, 3.0, 0.0), rowid DESC");
        CHECK(ids_of(store.search_knowledge({network}, words, 10)) == expected);
        CHECK_FALSE(expected.empty());
    }
}

// ---- search ----------------------------------------------------------------------------------

TEST_CASE("search finds stems and folded accents, best match first",
          "[storage][knowledge][search]") {
    auto store = SqliteStore::open(":memory:");
    const Id network = add_network(*store, "Rekenen");
    const Id meeting = add_entry(*store, network, "Verslag van de bijeenkomst",
                                 "We bespraken hoe een leerling rekent met breuken.");
    const Id cafe = add_entry(*store, network, "Het café van maart", "Ideeën over taal.");
    const Id both = add_entry(*store, network, "Rekenen in bijeenkomsten",
                              "Rekenen, rekenen en nog eens rekenen.");

    CHECK(ids_of(store->search_knowledge({network}, "bijeenkomsten", 10)) ==
          std::vector<Id>{both, meeting});
    CHECK(ids_of(store->search_knowledge({network}, "cafe", 10)) == std::vector<Id>{cafe});
    CHECK(ids_of(store->search_knowledge({network}, "ideeen", 10)) == std::vector<Id>{cafe});
    // Ranking: the entry with "rekenen" in its title and body beats one with it once in the body.
    CHECK(ids_of(store->search_knowledge({network}, "rekenen", 10)) ==
          std::vector<Id>{both, meeting});
    // The limit.
    CHECK(ids_of(store->search_knowledge({network}, "rekenen", 1)) == std::vector<Id>{both});
    // All words must match when some entry has them all; otherwise any of them does.
    CHECK(ids_of(store->search_knowledge({network}, "breuken bijeenkomst", 10)) ==
          std::vector<Id>{meeting});
    CHECK(ids_of(store->search_knowledge({network}, "breuken café", 10)).size() == 2);
    // A lone letter is no word to require: "collega's" finds "collega".
    const Id colleague = add_entry(*store, network, "Een collega helpt", "");
    CHECK(ids_of(store->search_knowledge({network}, "collega's", 10)) ==
          std::vector<Id>{colleague});
    // Stop words are left out while other words remain.
    CHECK(ids_of(store->search_knowledge({network}, "wat weten we over het café?", 10)) ==
          std::vector<Id>{cafe});
}

TEST_CASE("the snippet marks the match in bold and escapes Markdown in the data",
          "[storage][knowledge][search]") {
    auto store = SqliteStore::open(":memory:");
    const Id network = add_network(*store, "Rekenen");
    add_entry(*store, network, "Tafels",
              "Oefen **tafels** met <b>kaartjes</b> en [link](x) _snel_");
    const auto hits = store->search_knowledge({network}, "kaartje", 5);
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].snippet ==
          "Oefen \\*\\*tafels\\*\\* met \\<b\\>**kaartjes**\\</b\\> en \\[link\\](x) \\_snel\\_");
}

TEST_CASE("the snippet shows the body, or the tags when only they matched",
          "[storage][knowledge][search]") {
    auto store = SqliteStore::open(":memory:");
    const Id network = add_network(*store, "Rekenen");
    add_entry(*store, network, "Breuken", "Met een pizza in acht stukken");
    KnowledgeEntry tagged;
    tagged.network_id = network;
    tagged.title = "Sommen";
    tagged.body = "Oefenen met geld";
    tagged.tags = {"verhoudingen"};
    store->create_knowledge_entry(tagged);
    KnowledgeEntry bare;
    bare.network_id = network;
    bare.kind = KnowledgeKind::resource;
    bare.title = "Rekenrek";
    bare.link = "https://example.org";
    store->create_knowledge_entry(bare);

    auto hits = store->search_knowledge({network}, "breuk", 5);
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].snippet == "Met een pizza in acht stukken");  // the title matched
    hits = store->search_knowledge({network}, "verhouding", 5);
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].snippet == "**verhoudingen**");
    hits = store->search_knowledge({network}, "rekenrek", 5);
    REQUIRE(hits.size() == 1);
    CHECK(hits[0].snippet == "**Rekenrek**");  // no body: what matched
}

TEST_CASE("query syntax is searched as plain words and never reaches FTS5 as syntax",
          "[storage][knowledge][search]") {
    auto store = SqliteStore::open(":memory:");
    const Id network = add_network(*store, "Rekenen");
    const Id near = add_entry(*store, network, "Near and far", "or not");
    const Id sums = add_entry(*store, network, "Sommen", "title body");
    for (const std::string query : {"\"",      "\"\"",     "'",
                                    "*",       "-",        "^",
                                    "NEAR(",   "NEAR",     "OR",
                                    "AND NOT", "title:",   "{title}:",
                                    "(",       ")",        "col:x",
                                    "a\"b",    "\xFF\xFE", "   ",
                                    "",        "🙂",     "-- ; DROP TABLE knowledge_entries"}) {
        INFO(query);
        CHECK_NOTHROW(store->search_knowledge({network}, query, 5));
    }
    CHECK(store->search_knowledge({network}, "", 5).empty());
    CHECK(store->search_knowledge({network}, " ?!.,;:\"' ", 5).empty());
    CHECK(ids_of(store->search_knowledge({network}, "NEAR(far", 5)) == std::vector<Id>{near});
    CHECK(ids_of(store->search_knowledge({network}, "title:body", 5)) == std::vector<Id>{sums});
    CHECK(ids_of(store->search_knowledge({network}, "sommen*", 5)) == std::vector<Id>{sums});
    CHECK(ids_of(store->search_knowledge({network}, "-sommen", 5)) == std::vector<Id>{sums});
    CHECK(ids_of(store->search_knowledge({network}, "\"sommen", 5)) == std::vector<Id>{sums});
    // "or" alone is a stop word, searched when nothing else is left: it is in the body.
    CHECK(ids_of(store->search_knowledge({network}, "OR", 5)) == std::vector<Id>{near});
    CHECK(store->knowledge_entry(sums).has_value());
}

TEST_CASE("search sees only the given networks, shares, and active entries",
          "[storage][knowledge][search]") {
    auto store = SqliteStore::open(":memory:");
    const Id rekenen = add_network(*store, "Rekenen");
    const Id taal = add_network(*store, "Taal");
    const Id third = add_network(*store, "Burgerschap");
    const Id ours = add_entry(*store, rekenen, "Breuken", "met pizza");
    const Id theirs = add_entry(*store, taal, "Spelling", "met pizza");

    CHECK(ids_of(store->search_knowledge({rekenen}, "pizza", 10)) == std::vector<Id>{ours});
    CHECK(ids_of(store->search_knowledge({taal}, "pizza", 10)) == std::vector<Id>{theirs});
    CHECK(store->search_knowledge({third}, "pizza", 10).empty());
    CHECK(store->search_knowledge({}, "pizza", 10).empty());
    // The network's own index term is not text: typing it finds nothing.
    CHECK(store->search_knowledge({rekenen}, "n" + std::to_string(rekenen), 10).empty());
    CHECK(store->search_knowledge({rekenen}, "pizza", 0).empty());

    store->share_knowledge_entry(theirs, rekenen, std::nullopt, at(50));
    store->share_knowledge_entry(theirs, rekenen, std::nullopt, at(60));  // kept once
    CHECK(store->knowledge_shares(theirs) == std::vector<Id>{rekenen});
    CHECK(ids_of(store->search_knowledge({rekenen}, "pizza", 10)).size() == 2);
    CHECK(store->search_knowledge({third}, "pizza", 10).empty());
    // A share is found once even when the member is in both networks.
    CHECK(ids_of(store->search_knowledge({rekenen, taal}, "pizza", 10)).size() == 2);

    auto retired = *store->knowledge_entry(theirs);
    retired.status = KnowledgeStatus::retired;
    store->update_knowledge_entry(retired);
    CHECK(ids_of(store->search_knowledge({rekenen, taal}, "pizza", 10)) == std::vector<Id>{ours});

    store->unshare_knowledge_entry(theirs, rekenen);
    CHECK(store->knowledge_shares(theirs).empty());
}

TEST_CASE("an edited entry is found by its new words only", "[storage][knowledge][search]") {
    auto store = SqliteStore::open(":memory:");
    const Id network = add_network(*store, "Rekenen");
    const Id id = add_entry(*store, network, "Breuken", "met pizza");
    auto entry = *store->knowledge_entry(id);
    entry.body = "met taart";
    entry.tags = {"verhoudingen"};
    store->update_knowledge_entry(entry);
    CHECK(store->search_knowledge({network}, "pizza", 5).empty());
    CHECK(ids_of(store->search_knowledge({network}, "taart", 5)) == std::vector<Id>{id});
    CHECK(ids_of(store->search_knowledge({network}, "verhouding", 5)) == std::vector<Id>{id});
    store->delete_knowledge_entry(id);
    CHECK(store->search_knowledge({network}, "taart", 5).empty());
}

TEST_CASE("a network's central question and ambition are stored", "[storage][knowledge]") {
    auto store = SqliteStore::open(":memory:");
    const Id network = add_network(*store, "Rekenen");
    CHECK(store->network(network)->central_question.empty());
    store->set_network_aims(network, "Hoe leren leerlingen rekenen?", "Elke leerling telt");
    const auto stored = store->network(network);
    CHECK(stored->central_question == "Hoe leren leerlingen rekenen?");
    CHECK(stored->ambition == "Elke leerling telt");
    CHECK(store->find_network_by_name("rekenen")->ambition == "Elke leerling telt");
    CHECK_THROWS_AS(store->set_network_aims(network + 10, "x", "y"), StoreError);
}
