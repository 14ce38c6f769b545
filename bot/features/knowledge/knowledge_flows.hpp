#pragma once
// Chat flows of the knowledge base (kennisbank): search, reading an entry, a member's own entries
// and withdrawing consent; facilitators add meeting notes and resources, edit, archive, restore,
// share and export entries, set the network's central question and ambition, and make the
// school year's harvest document (oogst).
//
// What the feature's files share (the commands are declared in bot/engine/turn.hpp).
// Feature-internal: included by bot/features/knowledge/*.cpp only.
#include <optional>
#include <string>
#include <string_view>

#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {

// knowledge_reading.cpp
std::optional<int> entry_number(std::string_view word);
std::string kind_label(Turn& turn, KnowledgeKind kind);

}  // namespace leernetwerk::detail
