#pragma once
// Internal to storage/sqlite: the SQL of each migration step (migrations.hpp), defined in
// schema_v1_to_v6.cpp, schema_v7_to_v14.cpp and schema_v15.cpp; migrations.cpp lists them in order. A step that
// has shipped is never edited.
#include <string_view>

namespace leernetwerk::storage {

extern const std::string_view kSchemaV1;   ///< initial schema
extern const std::string_view kSchemaV2;   ///< conversation references
extern const std::string_view kSchemaV3;   ///< outbox by remote id, adapter state
extern const std::string_view kSchemaV4;   ///< reminder rules, RSVPs, meeting revision
extern const std::string_view kSchemaV5;   ///< agenda items, submitters, dot vote
extern const std::string_view kSchemaV6;   ///< polls and evaluations
extern const std::string_view kSchemaV7;   ///< knowledge base with full-text search, network aims
extern const std::string_view kSchemaV8;   ///< questions to the network
extern const std::string_view kSchemaV9;   ///< confirmation ids never handed out twice
extern const std::string_view kSchemaV10;  ///< sealed ballots, messages a poll caused
extern const std::string_view kSchemaV11;  ///< numbers per network
extern const std::string_view kSchemaV12;  ///< whose message an outbox reply answers
extern const std::string_view kSchemaV13;  ///< link codes, wrong tries
extern const std::string_view kSchemaV14;  ///< secret calendar feeds
extern const std::string_view kSchemaV15;  ///< attendance, hours, gifts, expert requests

}  // namespace leernetwerk::storage
