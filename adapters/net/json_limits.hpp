#pragma once
// A check every adapter runs on untrusted JSON before parsing it.
#include <string_view>

namespace leernetwerk::net {

/// True when no array or object in `text` nests deeper than `max_depth` (strings are skipped).
/// Checked before parsing, so that no recursive walk can exhaust the stack on hostile input.
bool json_nesting_within(std::string_view text, int max_depth);

}  // namespace leernetwerk::net
