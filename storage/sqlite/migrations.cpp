// The migration runner: the ordered list of steps (their SQL is in schema_v*.cpp) and how a
// database is brought up to date, each step in its own transaction with its version bump.
#include "storage/sqlite/migrations.hpp"

#include <array>
#include <string>

#include <sqlite3.h>

#include "bot/ports/unit_of_work.hpp"
#include "storage/sqlite/fts_tokenizer.hpp"
#include "storage/sqlite/schema_steps.hpp"
#include "storage/sqlite/statement.hpp"

namespace leernetwerk::storage {

std::span<const Migration> migrations() {
    static const std::array<Migration, 15> kMigrations{{
        {1, "initial schema", kSchemaV1},
        {2, "conversation references", kSchemaV2},
        {3, "outbox by remote id, adapter state", kSchemaV3},
        {4, "reminder rules, RSVPs, meeting revision", kSchemaV4},
        {5, "agenda items, submitters, dot vote", kSchemaV5},
        {6, "polls and evaluations", kSchemaV6},
        {7, "knowledge base with full-text search, network aims", kSchemaV7},
        {8, "questions to the network", kSchemaV8},
        {9, "confirmation ids never handed out twice", kSchemaV9},
        {10, "sealed ballots of anonymous polls, messages a poll caused", kSchemaV10},
        {11, "numbers per network for polls, questions, agenda items, knowledge", kSchemaV11},
        {12, "whose message an outbox reply answers", kSchemaV12},
        {13, "codes that link a member's accounts, wrong tries", kSchemaV13},
        {14, "secret calendar feeds of networks and members", kSchemaV14},
        {15, "attendance, hours corrections, gifts, external expert requests", kSchemaV15},
    }};
    return kMigrations;
}

int latest_schema_version() {
    return migrations().back().version;
}

int read_user_version(sqlite3* db) {
    return std::stoi(query_text(db, "PRAGMA user_version", "read user_version"));
}

void migrate(sqlite3* db, int target) {
    // The knowledge base's index needs its tokenizer on this connection (registering again is
    // harmless), also for a connection the store did not open.
    register_knowledge_search(db);
    const int current = read_user_version(db);
    if (current > target) {
        throw StoreError("migrate: database is at schema version " + std::to_string(current) +
                         ", newer than " + std::to_string(target));
    }
    for (const Migration& step : migrations()) {
        if (step.version <= current || step.version > target) {
            continue;
        }
        const std::string operation = "migration to schema version " +
                                      std::to_string(step.version) + " (" +
                                      std::string{step.description} + ")";
        Atomic atomic{db, operation};
        // sqlite3_exec runs every statement of the step; the SQL is ours, never user data.
        exec(db, std::string{step.sql}.c_str(), operation);
        exec(db, ("PRAGMA user_version = " + std::to_string(step.version)).c_str(), operation);
        atomic.commit();
    }
}

}  // namespace leernetwerk::storage
