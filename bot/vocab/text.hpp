#pragma once
// Text helpers for reading what people type: case, accents and spacing do not matter.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace leernetwerk {

/// Lower-cases ASCII, replaces accented Latin letters (UTF-8: é è ë ê á à ä â í ì ï î ó ò ö ô ú ù
/// ü û ç ñ, upper and lower case) by their base letter, turns tabs and non-breaking spaces into
/// spaces, collapses runs of spaces and trims both ends. Other bytes are kept as they are.
std::string fold(std::string_view text);

/// Trims spaces (and tabs, CR, LF) from both ends.
std::string_view trim(std::string_view text);

/// Splits on `separator`, trimming each part; empty parts are kept.
std::vector<std::string> split(std::string_view text, char separator);

/// Splits folded text into words on spaces.
std::vector<std::string> words(std::string_view text);

/// Optimal string alignment distance (Damerau-Levenshtein with adjacent transpositions), on bytes.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// Escapes the core Markdown dialect's special characters (\\ * _ [ ] < > ` # | ~) with a
/// backslash, so that data (names, topics) can never become markup.
std::string escape_markdown(std::string_view text);
/// `<`, `>`, `&`, `"` and `'` as character references, for HTML (Matrix messages, the harvest).
std::string escape_html(std::string_view text);

/// The dialect as plain text: "**" removed, backslash escapes resolved.
std::string markdown_to_plain(std::string_view markdown);

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break (or always), and
/// prefixed with an apostrophe when a spreadsheet would run it as a formula (it starts with = + -
/// @, a tab or a carriage return).
/// (Quoted when it holds a comma, a semicolon, a quote or a line break.)
std::string csv_field(std::string_view value, bool always_quote = false);

/// True when `text` is valid UTF-8.
bool is_valid_utf8(std::string_view text);

/// Counts UTF-8 code points (invalid bytes count one each).
std::size_t utf8_length(std::string_view text);

}  // namespace leernetwerk
