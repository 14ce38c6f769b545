// What the external experts feature handles: its commands, card actions, jobs and confirmations
// (bot/engine/registry.hpp).
#include "bot/engine/registry.hpp"

namespace leernetwerk::detail {

void register_experts(Registry&) {}

}  // namespace leernetwerk::detail
