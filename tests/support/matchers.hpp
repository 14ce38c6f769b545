#pragma once
// Text checks shared by the tests. In an assertion, use Catch's matcher:
// CHECK_THAT(reply, Contains("…")) (and !Contains, or Contains(a) || Contains(b)); the helper
// below is for conditions outside an assertion (a count, a search, a flag checked later).
#include <string_view>

namespace leernetwerk::testing {

/// Whether `text` contains `part` (case-sensitive, like Catch::Matchers::Contains), without
/// copying either: some callers search whole database files.
inline bool contains_text(std::string_view text, std::string_view part) {
    return text.find(part) != std::string_view::npos;
}

}  // namespace leernetwerk::testing
