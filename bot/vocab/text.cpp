#include "bot/vocab/text.hpp"

#include <algorithm>
#include <array>

namespace leernetwerk {

namespace {

constexpr unsigned char kUtf8Lead = 0xC3;  // lead byte of U+00C0..U+00FF
constexpr unsigned char kNbspLead = 0xC2;  // U+00A0 is C2 A0
constexpr unsigned char kNbspTrail = 0xA0;

// Base letters for U+00C0..U+00FF (the second byte of C3 xx, minus 0x80); 0 = keep as is.
// Only the letters the header lists are folded: a e i o u with acute, grave, diaeresis and
// circumflex, c cedilla and n tilde, in both cases.
constexpr std::array<char, 64> kLatin1Base = [] {
    std::array<char, 64> table{};
    auto set = [&table](unsigned code_point, char base) {
        table[code_point - 0xC0] = base;         // upper case
        table[code_point - 0xC0 + 0x20] = base;  // lower case is 0x20 higher
    };
    set(0xC0, 'a');  // À à
    set(0xC1, 'a');  // Á á
    set(0xC2, 'a');  // Â â
    set(0xC4, 'a');  // Ä ä
    set(0xC7, 'c');  // Ç ç
    set(0xC8, 'e');  // È è
    set(0xC9, 'e');  // É é
    set(0xCA, 'e');  // Ê ê
    set(0xCB, 'e');  // Ë ë
    set(0xCC, 'i');  // Ì ì
    set(0xCD, 'i');  // Í í
    set(0xCE, 'i');  // Î î
    set(0xCF, 'i');  // Ï ï
    set(0xD1, 'n');  // Ñ ñ
    set(0xD2, 'o');  // Ò ò
    set(0xD3, 'o');  // Ó ó
    set(0xD4, 'o');  // Ô ô
    set(0xD6, 'o');  // Ö ö
    set(0xD9, 'u');  // Ù ù
    set(0xDA, 'u');  // Ú ú
    set(0xDB, 'u');  // Û û
    set(0xDC, 'u');  // Ü ü
    return table;
}();

bool is_trim_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_word_separator(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

bool is_continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

// Length of the valid UTF-8 sequence starting at `i`, or 0 when the bytes there are not one.
std::size_t valid_sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&text](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char c = byte(i);
    const std::size_t left = text.size() - i;
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        return left >= 2 && is_continuation(byte(i + 1)) ? 2 : 0;
    }
    if (c >= 0xE0 && c <= 0xEF) {
        if (left < 3) {
            return 0;
        }
        const unsigned char c1 = byte(i + 1);
        if (!is_continuation(c1) || !is_continuation(byte(i + 2))) {
            return 0;
        }
        if (c == 0xE0 && c1 < 0xA0) {
            return 0;  // overlong
        }
        if (c == 0xED && c1 > 0x9F) {
            return 0;  // UTF-16 surrogates
        }
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (left < 4) {
            return 0;
        }
        const unsigned char c1 = byte(i + 1);
        if (!is_continuation(c1) || !is_continuation(byte(i + 2)) ||
            !is_continuation(byte(i + 3))) {
            return 0;
        }
        if (c == 0xF0 && c1 < 0x90) {
            return 0;  // overlong
        }
        if (c == 0xF4 && c1 > 0x8F) {
            return 0;  // above U+10FFFF
        }
        return 4;
    }
    return 0;  // continuation byte, C0/C1 (always overlong) or F5..FF
}

}  // namespace

std::string fold(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    bool pending_space = false;  // a space is owed before the next non-space byte
    const auto emit = [&out, &pending_space](char c) {
        if (pending_space && !out.empty()) {
            out.push_back(' ');
        }
        pending_space = false;
        out.push_back(c);
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c == ' ' || c == '\t') {
            pending_space = true;
            continue;
        }
        if (c >= 'A' && c <= 'Z') {
            emit(static_cast<char>(c - 'A' + 'a'));
            continue;
        }
        if (i + 1 < text.size()) {
            const auto next = static_cast<unsigned char>(text[i + 1]);
            if (c == kNbspLead && next == kNbspTrail) {
                pending_space = true;
                ++i;
                continue;
            }
            if (c == kUtf8Lead && next >= 0x80 && next <= 0xBF && kLatin1Base[next - 0x80] != 0) {
                emit(kLatin1Base[next - 0x80]);
                ++i;
                continue;
            }
        }
        emit(static_cast<char>(c));
    }
    return out;
}

std::string_view trim(std::string_view text) {
    std::size_t begin = 0;
    std::size_t end = text.size();
    while (begin < end && is_trim_space(text[begin])) {
        ++begin;
    }
    while (end > begin && is_trim_space(text[end - 1])) {
        --end;
    }
    return text.substr(begin, end - begin);
}

std::vector<std::string> split(std::string_view text, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t at = text.find(separator, start);
        if (at == std::string_view::npos) {
            parts.emplace_back(trim(text.substr(start)));
            break;
        }
        parts.emplace_back(trim(text.substr(start, at - start)));
        start = at + 1;
    }
    return parts;
}

std::vector<std::string> words(std::string_view text) {
    std::vector<std::string> result;
    std::size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && is_word_separator(text[i])) {
            ++i;
        }
        const std::size_t start = i;
        while (i < text.size() && !is_word_separator(text[i])) {
            ++i;
        }
        if (i > start) {
            result.emplace_back(text.substr(start, i - start));
        }
    }
    return result;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Common prefixes and suffixes never change the distance; dropping them keeps the usual case
    // (a word against a near miss) cheap.
    while (!a.empty() && !b.empty() && a.front() == b.front()) {
        a.remove_prefix(1);
        b.remove_prefix(1);
    }
    while (!a.empty() && !b.empty() && a.back() == b.back()) {
        a.remove_suffix(1);
        b.remove_suffix(1);
    }
    if (a.size() < b.size()) {
        std::swap(a, b);  // b is the shorter: rows are b.size() + 1 long
    }
    if (b.empty()) {
        return a.size();
    }

    const std::size_t width = b.size() + 1;
    std::vector<std::size_t> before_previous(width);
    std::vector<std::size_t> previous(width);
    std::vector<std::size_t> current(width);
    for (std::size_t j = 0; j < width; ++j) {
        previous[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j < width; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            std::size_t best =
                std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                best = std::min(best, before_previous[j - 2] + 1);
            }
            current[j] = best;
        }
        std::swap(before_previous, previous);
        std::swap(previous, current);
    }
    return previous[b.size()];
}

bool is_valid_utf8(std::string_view text) {
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t length = valid_sequence_length(text, i);
        if (length == 0) {
            return false;
        }
        i += length;
    }
    return true;
}

std::size_t utf8_length(std::string_view text) {
    std::size_t count = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t length = valid_sequence_length(text, i);
        i += length == 0 ? 1 : length;
        ++count;
    }
    return count;
}

namespace {
constexpr std::string_view kMarkdownSpecials = "\\*_[]<>`#|~";
}  // namespace

std::string escape_markdown(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 8);
    for (char c : text) {
        if (kMarkdownSpecials.find(c) != std::string_view::npos) {
            out += '\\';
        }
        out += c;
    }
    return out;
}

std::string markdown_to_plain(std::string_view markdown) {
    std::string out;
    out.reserve(markdown.size());
    for (std::size_t i = 0; i < markdown.size(); ++i) {
        const char c = markdown[i];
        if (c == '\\' && i + 1 < markdown.size() &&
            kMarkdownSpecials.find(markdown[i + 1]) != std::string_view::npos) {
            out += markdown[++i];
        } else if (c == '*' && i + 1 < markdown.size() && markdown[i + 1] == '*') {
            ++i;
        } else {
            out += c;
        }
    }
    return out;
}

std::string csv_field(std::string_view value, bool always_quote) {
    std::string text(value);
    if (!text.empty() && (text.front() == '=' || text.front() == '+' || text.front() == '-' ||
                          text.front() == '@' || text.front() == '\t' || text.front() == '\r')) {
        text.insert(text.begin(), '\'');
    }
    if (!always_quote && text.find_first_of(",;\"\r\n") == std::string::npos) {
        return text;
    }
    std::string quoted = "\"";
    for (const char c : text) {
        quoted += c;
        if (c == '"') {
            quoted += '"';
        }
    }
    return quoted + "\"";
}

std::string escape_html(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

}  // namespace leernetwerk
