#pragma once
// Reading a command's arguments: numbers, "#numbers", "|"-separated parts, words and the keywords
// ("anoniem", "met naam", "ja") that every command understands the same way, in Dutch and
// English. Dates and times are read by bot/vocab/when.hpp. Matching is on folded text (see
// fold() in bot/vocab/text.hpp): case, accents and extra spaces do not matter.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace leernetwerk {

// ---- numbers ------------------------------------------------------------------------------------

/// The most digits a typed number may have: 12 fits an Id and is more than anyone types.
constexpr std::size_t kMaxNumberDigits = 12;
/// The most digits of a number that must fit an int (an item's, entry's or poll's number).
constexpr std::size_t kMaxIntDigits = 9;

/// True when `text` is one or more ASCII digits and nothing else (no sign, no spaces).
bool all_digits(std::string_view text);

/// `text` as a number when it is 1 to `max_digits` ASCII digits; nullopt otherwise.
std::optional<std::int64_t> read_number(std::string_view text,
                                        std::size_t max_digits = kMaxNumberDigits);

/// "12" or "#12" (spaces around are ignored) as a number of at most `max_digits` digits.
std::optional<std::int64_t> read_hash_number(std::string_view text,
                                             std::size_t max_digits = kMaxNumberDigits);

/// A number ("3" or "#3") at the start of the text, and what follows it.
struct LeadingNumber {
    std::int64_t number = 0;
    std::string typed;  ///< the number as typed, "#" included
    std::string rest;   ///< what follows, trimmed, as typed
};

/// "3 voorbereider Bram" -> {3, "3", "voorbereider Bram"}; nullopt when the first word is not a
/// number of at most `max_digits` digits.
std::optional<LeadingNumber> read_leading_number(std::string_view text,
                                                 std::size_t max_digits = kMaxNumberDigits);

// ---- parts and words ----------------------------------------------------------------------------

/// The "|"-separated parts of `text`, each trimmed; empty parts are kept ("a||b" has three).
std::vector<std::string> bar_parts(std::string_view text);

/// The first word of `text` and what follows it, both trimmed, as typed.
std::pair<std::string, std::string> first_word(std::string_view text);

/// The words of `text` as typed (split on spaces, empty ones dropped).
std::vector<std::string> typed_words(std::string_view text);

/// A folded word without the punctuation around it ("(rekenen)," -> "rekenen"); letters, digits,
/// "-" and non-ASCII bytes are kept.
std::string bare_word(std::string_view word);

/// True when `folded` (already folded) is one of `options`.
bool is_word(std::string_view folded, std::span<const std::string_view> options);
bool is_word(std::string_view folded, std::initializer_list<std::string_view> options);

/// True when the whole of `typed` (folded, without a trailing "." or "!") is one of `options`.
bool is_phrase(std::string_view typed, std::span<const std::string_view> options);
bool is_phrase(std::string_view typed, std::initializer_list<std::string_view> options);

/// True when one of `options` (folded words, or phrases of several) occurs as whole words in
/// `typed`; punctuation around a word does not count ("ja, anoniem!" contains "anoniem").
bool contains_phrase(std::string_view typed, std::span<const std::string_view> options);
bool contains_phrase(std::string_view typed, std::initializer_list<std::string_view> options);

/// When `typed` starts with one of `options` as whole words (longest first), what follows it as
/// typed and trimmed; nullopt otherwise. "zonder naam: hoe doe ik…" -> "hoe doe ik…".
std::optional<std::string> after_leading_phrase(std::string_view typed,
                                                std::span<const std::string_view> options);

// ---- keywords -----------------------------------------------------------------------------------
// One list per meaning, Dutch and English, folded. A command that needs an extra word that would
// be ambiguous elsewhere (say "zonder" on its own) adds it locally and says so.

/// Without the sender's name: "anoniem", "anonymous", "anon", "verborgen", "zonder naam", …
extern const std::span<const std::string_view> kAnonymousWords;
/// With the sender's name: "met naam", "with name", "niet anoniem", "named", …
extern const std::span<const std::string_view> kNamedWords;
/// Yes: "ja", "yes", "jazeker", "ok", …
extern const std::span<const std::string_view> kYesWords;
/// No: "nee", "no", "niet doen", …
extern const std::span<const std::string_view> kNoWords;

/// The whole of `typed` asks for no name ("anoniem", "zonder naam", "hide my name").
bool means_anonymous(std::string_view typed);
/// The whole of `typed` asks for the name ("met naam", "niet anoniem", "with names").
bool means_named(std::string_view typed);
/// The whole of `typed` is a yes ("ja", "yes", "ok").
bool means_yes(std::string_view typed);
/// The whole of `typed` is a no ("nee", "no").
bool means_no(std::string_view typed);

}  // namespace leernetwerk
