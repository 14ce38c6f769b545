#pragma once
// The two languages the bot speaks. Dutch is the default everywhere.
#include <optional>
#include <string_view>

namespace leernetwerk {

enum class Lang { nl, en };

/// "nl" / "en" (also "nederlands", "dutch", "engels", "english"); nullopt for anything else.
std::optional<Lang> parse_lang(std::string_view word);
/// The ISO code: "nl" or "en".
std::string_view lang_code(Lang lang);

}  // namespace leernetwerk
