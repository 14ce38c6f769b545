// Knowledge base search at scale, in process: it fills a SQLite file (WAL, as in production)
// with generated Dutch-like entries — titles of about 8 words, bodies of about 60, drawn from a
// word list with its inflections (-en and -s plurals, -t verb forms, -je diminutives) by a
// Zipf-like law, so a few words are everywhere and most are rare — spread over networks, each
// entry indexed by the FTS5 index with the Dutch/English stemmer tokenizer as it is written.
// Then it runs queries of 1 to 3 words, each across the networks of one member (1 to 3), the
// way `zoek` does, and prints the index build rate, p50 and p99 query latency and the database
// size. Query words come in other forms than the indexed ones about half the time (plural for
// singular, -t for the infinitive), so the stemmer is on the measured path.
//
// It fails (exit 1, no "OK" line) when a search fails, when fewer than half the queries find
// anything, or when an inflected form does not find its entry.
//
// Usage: knowledge_search [--entries 100000] [--networks 200] [--queries 1000] [--db PATH]
//        knowledge_search --smoke   (2,000 entries, 200 queries: for ctest)
#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include "bench/report.hpp"
#include "bench/server_process.hpp"
#include "storage/sqlite/sqlite_store.hpp"

namespace {

using namespace leernetwerk;
using Clock = std::chrono::steady_clock;
using bench::file_size_or_zero;
using bench::fixed;
using bench::remove_database;
using bench::row;
using bench::seconds_since;

constexpr int kEntriesPerTransaction = 1000;
constexpr int kHitsShown = 5;  ///< what `zoek` asks for
constexpr int kEntriesPerShare = 100;
constexpr std::string_view kProbeTitle = "Verslag van de zorgvlinderbijeenkomst";
constexpr std::string_view kProbeQuery = "zorgvlinderbijeenkomsten";

struct Options {
    int entries = 100'000;
    int networks = 200;
    int queries = 1'000;
    std::string db;  ///< empty: a temporary file, deleted afterwards
};

void usage() {
    std::cerr << "usage: knowledge_search [--entries 100000] [--networks 200] [--queries 1000]"
                 " [--db PATH] | --smoke\n";
}

std::optional<Options> parse_options(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view flag = argv[i];
        if (flag == "--smoke") {
            options.entries = 2'000;
            options.networks = 20;
            options.queries = 200;
            continue;
        }
        if (i + 1 >= argc) {
            return std::nullopt;
        }
        const std::string value = argv[++i];
        if (flag == "--db") {
            options.db = value;
            continue;
        }
        int* target = flag == "--entries"    ? &options.entries
                      : flag == "--networks" ? &options.networks
                      : flag == "--queries"  ? &options.queries
                                             : nullptr;
        if (target == nullptr) {
            return std::nullopt;
        }
        try {
            *target = std::stoi(value);
        } catch (const std::exception&) {
            return std::nullopt;
        }
        if (*target <= 0) {
            return std::nullopt;
        }
    }
    return options;
}

// ---- deterministic pseudo-Dutch ----------------------------------------------------------------

/// splitmix64: the same text on every machine and standard library.
class Random {
public:
    explicit Random(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }
    /// Uniform in [0, bound).
    std::size_t below(std::size_t bound) { return static_cast<std::size_t>(next() % bound); }
    double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }

private:
    std::uint64_t state_;
};

/// A noun with its plural; diminutives are made from the singular.
struct Noun {
    std::string_view singular;
    std::string_view plural;
};
/// A verb: infinitive and the -t form (hij rekent).
struct Verb {
    std::string_view infinitive;
    std::string_view third_person;
};

constexpr std::array<Noun, 72> kNouns{{
    {"leerling", "leerlingen"},
    {"bijeenkomst", "bijeenkomsten"},
    {"school", "scholen"},
    {"les", "lessen"},
    {"klas", "klassen"},
    {"leraar", "leraren"},
    {"collega", "collega's"},
    {"ouder", "ouders"},
    {"toets", "toetsen"},
    {"rubric", "rubrics"},
    {"opdracht", "opdrachten"},
    {"vraag", "vragen"},
    {"antwoord", "antwoorden"},
    {"netwerk", "netwerken"},
    {"thema", "thema's"},
    {"doel", "doelen"},
    {"werkvorm", "werkvormen"},
    {"groep", "groepen"},
    {"kleuter", "kleuters"},
    {"boek", "boeken"},
    {"tekst", "teksten"},
    {"som", "sommen"},
    {"breuk", "breuken"},
    {"tafel", "tafels"},
    {"spel", "spellen"},
    {"kaart", "kaarten"},
    {"verslag", "verslagen"},
    {"bron", "bronnen"},
    {"idee", "ideeën"},
    {"café", "cafés"},
    {"gesprek", "gesprekken"},
    {"observatie", "observaties"},
    {"methode", "methodes"},
    {"resultaat", "resultaten"},
    {"ervaring", "ervaringen"},
    {"voorbeeld", "voorbeelden"},
    {"planning", "planningen"},
    {"leerlijn", "leerlijnen"},
    {"woord", "woorden"},
    {"zin", "zinnen"},
    {"dictee", "dictees"},
    {"verhaal", "verhalen"},
    {"computer", "computers"},
    {"tablet", "tablets"},
    {"filmpje", "filmpjes"},
    {"rooster", "roosters"},
    {"dag", "dagen"},
    {"week", "weken"},
    {"maand", "maanden"},
    {"teamleider", "teamleiders"},
    {"directeur", "directeuren"},
    {"begeleider", "begeleiders"},
    {"plan", "plannen"},
    {"stap", "stappen"},
    {"kring", "kringen"},
    {"hoek", "hoeken"},
    {"taak", "taken"},
    {"gedrag", "gedragingen"},
    {"regel", "regels"},
    {"afspraak", "afspraken"},
    {"feedback", "feedbacks"},
    {"evaluatie", "evaluaties"},
    {"schrijfopdracht", "schrijfopdrachten"},
    {"rekenles", "rekenlessen"},
    {"taalles", "taallessen"},
    {"leesboek", "leesboeken"},
    {"werkblad", "werkbladen"},
    {"portfolio", "portfolio's"},
    {"gesprekstechniek", "gesprekstechnieken"},
    {"studiedag", "studiedagen"},
    {"intervisie", "intervisies"},
    {"casus", "casussen"},
}};

constexpr std::array<Verb, 36> kVerbs{{
    {"rekenen", "rekent"},
    {"werken", "werkt"},
    {"oefenen", "oefent"},
    {"leren", "leert"},
    {"spelen", "speelt"},
    {"lezen", "leest"},
    {"schrijven", "schrijft"},
    {"geven", "geeft"},
    {"vragen", "vraagt"},
    {"bespreken", "bespreekt"},
    {"plannen", "plant"},
    {"toetsen", "toetst"},
    {"delen", "deelt"},
    {"luisteren", "luistert"},
    {"kijken", "kijkt"},
    {"maken", "maakt"},
    {"zoeken", "zoekt"},
    {"vinden", "vindt"},
    {"proberen", "probeert"},
    {"uitleggen", "legt uit"},
    {"begeleiden", "begeleidt"},
    {"evalueren", "evalueert"},
    {"observeren", "observeert"},
    {"samenwerken", "werkt samen"},
    {"tekenen", "tekent"},
    {"zingen", "zingt"},
    {"vertellen", "vertelt"},
    {"herhalen", "herhaalt"},
    {"ontdekken", "ontdekt"},
    {"verbeteren", "verbetert"},
    {"motiveren", "motiveert"},
    {"stimuleren", "stimuleert"},
    {"voorbereiden", "bereidt voor"},
    {"presenteren", "presenteert"},
    {"reflecteren", "reflecteert"},
    {"organiseren", "organiseert"},
}};

constexpr std::array<std::string_view, 40> kSmallWords{
    "de",     "het",    "een",    "en",    "met",    "voor",   "in",    "op",    "van",    "bij",
    "over",   "naar",   "ook",    "niet",  "wel",    "goed",   "nieuw", "klein", "groot",  "samen",
    "elke",   "veel",   "weinig", "eerst", "daarna", "vaak",   "soms",  "mooi",  "lastig", "snel",
    "rustig", "hardop", "zelf",   "echt",  "graag",  "vooral", "dan",   "die",   "dat",    "wat"};

/// A noun's diminutive: boek → boekje, idee → ideetje, som → sompje (roughly Dutch).
std::string diminutive(std::string_view noun) {
    const char last = noun.back();
    std::string word{noun};
    if (last == 'e' || last == 'a' || last == 'o' || last == 'i' || last == 'u') {
        return word + "tje";
    }
    if (last == 'm') {
        return word + "pje";
    }
    if (last == 'n' || last == 'l' || last == 'r') {
        return word + "tje";
    }
    return word + "je";
}

/// Every word form the generator writes, with the Zipf-like weight of its lemma.
class Vocabulary {
public:
    Vocabulary() {
        // Lemmas in a fixed shuffled order: rank r gets weight 1/(r+1)^0.9.
        std::size_t rank = 0;
        for (const Noun& noun : kNouns) {
            add_lemma(
                {std::string{noun.singular}, std::string{noun.plural}, diminutive(noun.singular)},
                rank++);
        }
        for (const Verb& verb : kVerbs) {
            add_lemma({std::string{verb.infinitive}, std::string{verb.third_person}}, rank++);
        }
    }

    /// A content word in one of its forms.
    const std::string& word(Random& random, std::size_t* lemma_out = nullptr) const {
        const double target = random.unit() * cumulative_.back();
        const auto it = std::lower_bound(cumulative_.begin(), cumulative_.end(), target);
        const auto lemma = static_cast<std::size_t>(std::distance(cumulative_.begin(), it));
        if (lemma_out != nullptr) {
            *lemma_out = lemma;
        }
        const auto& forms = lemmas_[std::min(lemma, lemmas_.size() - 1)];
        return forms[random.below(forms.size())];
    }

    /// Another form of the same lemma than `form` when there is one.
    const std::string& other_form(Random& random, std::size_t lemma,
                                  const std::string& form) const {
        const auto& forms = lemmas_[lemma];
        const auto& chosen = forms[random.below(forms.size())];
        return chosen == form ? forms.front() : chosen;
    }

    /// A sentence-like run of `count` words, about a third small words.
    std::string text(Random& random, int count) const {
        std::string out;
        for (int i = 0; i < count; ++i) {
            if (!out.empty()) {
                out += (random.below(12) == 0) ? ". " : " ";
            }
            out += random.below(3) == 0 ? std::string{kSmallWords[random.below(kSmallWords.size())]}
                                        : word(random);
        }
        if (!out.empty()) {
            out.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(out.front())));
            out += '.';
        }
        return out;
    }

private:
    void add_lemma(std::vector<std::string> forms, std::size_t rank) {
        lemmas_.push_back(std::move(forms));
        const double weight = 1.0 / std::pow(static_cast<double>(rank + 1), 0.9);
        cumulative_.push_back((cumulative_.empty() ? 0.0 : cumulative_.back()) + weight);
    }

    std::vector<std::vector<std::string>> lemmas_;
    std::vector<double> cumulative_;
};

// ---- the run -----------------------------------------------------------------------------------

/// Networks and one facilitator each (the entries' author); returns the network ids.
std::vector<Id> create_networks(Store& store, int count, Instant now) {
    std::vector<Id> ids;
    store.transaction([&] {
        for (int i = 0; i < count; ++i) {
            Network network;
            network.name = "HSN-café " + std::to_string(i + 1);
            network.created_at = now;
            const Id id = store.create_network(network);
            Member member;
            member.display_name = "Procesbegeleider " + std::to_string(i + 1);
            member.created_at = now;
            const Id member_id = store.create_member(member);
            store.add_membership({id, member_id, Role::facilitator, now});
            ids.push_back(id);
        }
    });
    return ids;
}

}  // namespace

int main(int argc, char** argv) {
    const auto parsed = parse_options(argc, argv);
    if (!parsed) {
        usage();
        return 2;
    }
    const Options& options = *parsed;
    const bool keep_db = !options.db.empty();
    const auto db_path = bench::bench_database(options.db, "knowledge_search");
    if (db_path.empty()) {
        return 2;
    }

    const Instant now = date::sys_days{date::year{2026} / 12 / 2} + std::chrono::hours{8};
    const Vocabulary vocabulary;
    Random random{20261202};
    auto store = storage::SqliteStore::open(db_path.string());
    const auto networks = create_networks(*store, options.networks, now);

    // The index build: entries as the store writes them (each through the FTS5 triggers), a
    // thousand to a transaction as a bulk import would.
    const auto build_start = Clock::now();
    const long long build_cpu_start = bench::cpu_micros(getpid());
    Id probe_id = 0;
    for (int done = 0; done < options.entries;) {
        store->transaction([&] {
            for (int i = 0; i < kEntriesPerTransaction && done < options.entries; ++i, ++done) {
                KnowledgeEntry entry;
                entry.network_id = networks[random.below(networks.size())];
                entry.kind = static_cast<KnowledgeKind>(random.below(3));
                entry.title = vocabulary.text(random, 6 + static_cast<int>(random.below(5)));
                entry.body = vocabulary.text(random, 45 + static_cast<int>(random.below(31)));
                if (entry.kind == KnowledgeKind::resource) {
                    entry.link = "https://voorbeeld.nl/bron/" + std::to_string(done);
                }
                for (std::size_t t = random.below(4); t > 0; --t) {
                    entry.tags.push_back(vocabulary.word(random));
                }
                entry.created_at = now;
                entry.updated_at = now;
                if (done == options.entries / 2) {
                    entry.title = std::string{kProbeTitle};
                    probe_id = store->create_knowledge_entry(entry);
                    continue;
                }
                store->create_knowledge_entry(entry);
            }
        });
    }
    const double build_seconds = seconds_since(build_start);
    const double build_cpu =
        static_cast<double>(bench::cpu_micros(getpid()) - build_cpu_start) / 1e6;

    // Facilitators share one entry in a hundred with another network: searches also look up
    // what was shared with the member's networks.
    const int shares = std::max(1, options.entries / kEntriesPerShare);
    store->transaction([&] {
        for (int i = 0; i < shares; ++i) {
            const Id entry_id =
                1 + static_cast<Id>(random.below(static_cast<std::size_t>(options.entries)));
            const auto entry = store->knowledge_entry(entry_id);
            const Id target = networks[random.below(networks.size())];
            if (entry && entry->network_id != target) {
                store->share_knowledge_entry(entry_id, target, std::nullopt, now);
            }
        }
    });

    // The queries: 1-3 content words, in another form than the usual about half the time,
    // across the networks of one member (1-3 networks).
    std::vector<double> latencies_ms;
    latencies_ms.reserve(static_cast<std::size_t>(options.queries));
    long long hits = 0;
    int with_hits = 0;
    std::string failure;
    const long long query_cpu_start = bench::cpu_micros(getpid());
    const auto query_start = Clock::now();
    for (int q = 0; q < options.queries && failure.empty(); ++q) {
        std::vector<Id> member_networks;
        for (std::size_t n = 1 + random.below(3); n > 0; --n) {
            member_networks.push_back(networks[random.below(networks.size())]);
        }
        std::string words;
        for (std::size_t n = 1 + random.below(3); n > 0; --n) {
            std::size_t lemma = 0;
            const std::string& form = vocabulary.word(random, &lemma);
            words += (words.empty() ? "" : " ") +
                     (random.below(2) == 0 ? vocabulary.other_form(random, lemma, form) : form);
        }
        const auto start = Clock::now();
        try {
            const auto found = store->search_knowledge(member_networks, words, kHitsShown);
            latencies_ms.push_back(seconds_since(start) * 1000.0);
            hits += static_cast<long long>(found.size());
            with_hits += found.empty() ? 0 : 1;
        } catch (const StoreError& error) {
            failure = "search for '" + words + "' failed: " + error.what();
        }
    }
    const double query_seconds = seconds_since(query_start);
    const double query_cpu =
        static_cast<double>(bench::cpu_micros(getpid()) - query_cpu_start) / 1e6;

    bool probe_found = false;
    if (probe_id != 0) {
        const auto probe = store->knowledge_entry(probe_id);
        for (const auto& hit : store->search_knowledge({probe->network_id}, kProbeQuery, 5)) {
            probe_found = probe_found || hit.entry.id == probe_id;
        }
    }

    store.reset();  // closing checkpoints the WAL into the database file
    const auto db_bytes = file_size_or_zero(db_path) + file_size_or_zero(db_path.string() + "-wal");
    if (!keep_db) {
        remove_database(db_path);
    }

    std::printf(
        "knowledge_search: %d entries in %d networks, FTS5 with the Dutch/English stemmer\n",
        options.entries, options.networks);
    row("index build", fixed(build_seconds, 2) + " s (CPU " + fixed(build_cpu, 2) + " s), " +
                           fixed(options.entries / build_seconds, 0) + " entries/s");
    row("shared entries", std::to_string(shares) + " (with another network each)");
    row("queries", std::to_string(latencies_ms.size()) + " of 1-3 words over 1-3 networks, " +
                       std::to_string(with_hits) + " with hits, " + std::to_string(hits) +
                       " hits shown (at most " + std::to_string(kHitsShown) + " each)");
    row("query latency p50", fixed(bench::percentile(latencies_ms, 0.50), 2) + " ms");
    row("query latency p99", fixed(bench::percentile(latencies_ms, 0.99), 2) + " ms");
    row("query latency max", fixed(bench::percentile(latencies_ms, 1.0), 2) + " ms");
    row("queries/s", fixed(static_cast<double>(latencies_ms.size()) / query_seconds, 0) + " (CPU " +
                         fixed(query_cpu, 2) + " s)");
    row("peak RSS", std::to_string(bench::status_kb(getpid(), "VmHWM") / 1024) + " MiB");
    row("database", fixed(static_cast<double>(db_bytes) / (1024.0 * 1024.0), 1) + " MiB" +
                        (keep_db ? " at " + db_path.string() : std::string()));

    if (failure.empty() && with_hits * 2 < static_cast<int>(latencies_ms.size())) {
        failure = "only " + std::to_string(with_hits) + " of " +
                  std::to_string(latencies_ms.size()) + " queries found anything";
    }
    if (failure.empty() && !probe_found) {
        failure = std::string{"'"} + std::string{kProbeQuery} + "' did not find '" +
                  std::string{kProbeTitle} + "'";
    }
    if (!failure.empty()) {
        std::printf("FAILED: %s\n", failure.c_str());
        return 1;
    }
    std::printf("OK: every search answered; an inflected form found its entry\n");
    return 0;
}
