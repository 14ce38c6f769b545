#pragma once
// The message catalogue: every sentence a user sees, in Dutch (informal "je") and English.
// Logic names a message by key; placeholders are written {name}.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/i18n/lang.hpp"

namespace leernetwerk {

using MessageArgs = std::vector<std::pair<std::string_view, std::string>>;

/// The message `key` in `lang` with its {placeholders} filled in. An unknown key returns the key
/// itself in brackets (and the catalogue test fails), an unknown placeholder is left as written.
std::string tr(Lang lang, std::string_view key, const MessageArgs& args = {});

/// Every key in the catalogue (for tests: each must exist in both languages).
std::vector<std::string_view> catalogue_keys();
/// The raw template of a key, empty when missing (for tests).
std::string_view catalogue_template(Lang lang, std::string_view key);

}  // namespace leernetwerk
