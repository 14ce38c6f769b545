#include "bot/i18n/lang.hpp"

#include <string>

#include "bot/vocab/text.hpp"

namespace leernetwerk {

std::optional<Lang> parse_lang(std::string_view word) {
    const std::string folded = fold(word);
    if (folded == "nl" || folded == "nederlands" || folded == "dutch") {
        return Lang::nl;
    }
    if (folded == "en" || folded == "engels" || folded == "english") {
        return Lang::en;
    }
    return std::nullopt;
}

std::string_view lang_code(Lang lang) {
    switch (lang) {
        case Lang::nl:
            return "nl";
        case Lang::en:
            return "en";
    }
    return "nl";
}

}  // namespace leernetwerk
