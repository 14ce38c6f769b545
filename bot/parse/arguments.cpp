#include "bot/parse/arguments.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>

#include "bot/vocab/text.hpp"

namespace leernetwerk {
namespace {

bool is_word_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           static_cast<unsigned char>(c) >= 0x80;
}

/// Folded, and without a trailing "." or "!" ("Anoniem!" reads as "anoniem").
std::string folded_phrase(std::string_view typed) {
    auto folded = fold(typed);
    while (!folded.empty() && (folded.back() == '.' || folded.back() == '!')) {
        folded.pop_back();
    }
    return folded;
}

// The union of what the commands understood before they shared one list: agenda items
// ("verborgen", "zonder naam", "hide my name", …), knowledge withdrawal ("anonimiseer",
// "anonymise", …), questions ("anon"), polls ("anonymously") and answer consent.
constexpr std::array<std::string_view, 19> kAnonymous = {
    "anoniem",      "anonymous",        "anon",           "anonymously",       "anonimiseer",
    "anonimiseren", "anonymise",        "anonymize",      "verborgen",         "hidden",
    "zonder naam",  "zonder mijn naam", "naam verbergen", "verberg mijn naam", "naam verborgen",
    "hide my name", "without my name",  "hide name",      "name hidden"};

constexpr std::array<std::string_view, 9> kNamed = {"met naam",     "met namen",  "met mijn naam",
                                                    "niet anoniem", "named",      "not anonymous",
                                                    "with name",    "with names", "with my name"};

constexpr std::array<std::string_view, 6> kYes = {"ja", "yes", "ja graag", "jazeker", "ok", "oke"};

constexpr std::array<std::string_view, 4> kNo = {"nee", "no", "nee dank je", "niet doen"};

/// The bare folded words of `typed`.
std::vector<std::string> bare_words(std::string_view typed) {
    std::vector<std::string> out;
    for (const auto& word : words(fold(typed))) {
        if (auto clean = bare_word(word); !clean.empty()) {
            out.push_back(std::move(clean));
        }
    }
    return out;
}

}  // namespace

const std::span<const std::string_view> kAnonymousWords = kAnonymous;
const std::span<const std::string_view> kNamedWords = kNamed;
const std::span<const std::string_view> kYesWords = kYes;
const std::span<const std::string_view> kNoWords = kNo;

// ---- numbers ------------------------------------------------------------------------------------

bool all_digits(std::string_view text) {
    return !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<std::int64_t> read_number(std::string_view text, std::size_t max_digits) {
    if (text.size() > std::min(max_digits, kMaxNumberDigits) || !all_digits(text)) {
        return std::nullopt;
    }
    std::int64_t value = 0;
    std::from_chars(text.data(), text.data() + text.size(), value);
    return value;
}

std::optional<std::int64_t> read_hash_number(std::string_view text, std::size_t max_digits) {
    text = trim(text);
    if (!text.empty() && text.front() == '#') {
        text.remove_prefix(1);
    }
    return read_number(text, max_digits);
}

std::optional<LeadingNumber> read_leading_number(std::string_view text, std::size_t max_digits) {
    auto [first, rest] = first_word(text);
    const auto number = read_hash_number(first, max_digits);
    if (!number) {
        return std::nullopt;
    }
    return LeadingNumber{*number, std::move(first), std::move(rest)};
}

// ---- parts and words ----------------------------------------------------------------------------

std::vector<std::string> bar_parts(std::string_view text) {
    return split(text, '|');
}

std::pair<std::string, std::string> first_word(std::string_view text) {
    text = trim(text);
    const auto space = text.find(' ');
    if (space == std::string_view::npos) {
        return {std::string(text), std::string()};
    }
    return {std::string(text.substr(0, space)), std::string(trim(text.substr(space + 1)))};
}

std::vector<std::string> typed_words(std::string_view text) {
    std::vector<std::string> out;
    for (auto& part : split(trim(text), ' ')) {
        if (!part.empty()) {
            out.push_back(std::move(part));
        }
    }
    return out;
}

std::string bare_word(std::string_view word) {
    while (!word.empty() && !is_word_char(word.front())) {
        word.remove_prefix(1);
    }
    while (!word.empty() && !is_word_char(word.back())) {
        word.remove_suffix(1);
    }
    return std::string(word);
}

bool is_word(std::string_view folded, std::span<const std::string_view> options) {
    return std::find(options.begin(), options.end(), folded) != options.end();
}

bool is_word(std::string_view folded, std::initializer_list<std::string_view> options) {
    return is_word(folded, std::span<const std::string_view>(options.begin(), options.size()));
}

bool is_phrase(std::string_view typed, std::span<const std::string_view> options) {
    return is_word(folded_phrase(typed), options);
}

bool is_phrase(std::string_view typed, std::initializer_list<std::string_view> options) {
    return is_phrase(typed, std::span<const std::string_view>(options.begin(), options.size()));
}

bool contains_phrase(std::string_view typed, std::span<const std::string_view> options) {
    const auto have = bare_words(typed);
    for (const auto option : options) {
        const auto wanted = words(option);
        if (wanted.empty() || wanted.size() > have.size()) {
            continue;
        }
        for (std::size_t at = 0; at + wanted.size() <= have.size(); ++at) {
            if (std::equal(wanted.begin(), wanted.end(),
                           have.begin() + static_cast<std::ptrdiff_t>(at))) {
                return true;
            }
        }
    }
    return false;
}

bool contains_phrase(std::string_view typed, std::initializer_list<std::string_view> options) {
    return contains_phrase(typed,
                           std::span<const std::string_view>(options.begin(), options.size()));
}

std::optional<std::string> after_leading_phrase(std::string_view typed,
                                                std::span<const std::string_view> options) {
    std::optional<std::string> best;
    std::size_t best_words = 0;
    for (const auto option : options) {
        const auto wanted = words(option);
        if (wanted.size() <= best_words) {
            continue;
        }
        std::string rest(trim(typed));
        bool all = true;
        for (const auto& word : wanted) {
            auto [first, after] = first_word(rest);
            if (bare_word(fold(first)) != word) {
                all = false;
                break;
            }
            rest = std::move(after);
        }
        if (all) {
            best = std::move(rest);
            best_words = wanted.size();
        }
    }
    return best;
}

// ---- keywords -----------------------------------------------------------------------------------

bool means_anonymous(std::string_view typed) {
    return is_phrase(typed, kAnonymousWords);
}

bool means_named(std::string_view typed) {
    return is_phrase(typed, kNamedWords);
}

bool means_yes(std::string_view typed) {
    return is_phrase(typed, kYesWords);
}

bool means_no(std::string_view typed) {
    return is_phrase(typed, kNoWords);
}

}  // namespace leernetwerk
