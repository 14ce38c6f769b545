// The core's Markdown dialect as Teams text: chat text, Adaptive Card text and plain text each
// get their own escaping (see markdown_text.hpp), and texts are trimmed by code points.
#include "adapters/teams/markdown_text.hpp"

#include "adapters/teams/cards.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::teams {
namespace detail {
namespace {

/// The characters the dialect escapes with a backslash (bot/text.hpp escape_markdown).
bool is_dialect_special(char c) {
    return std::string_view("\\*_[]<>`#|~").find(c) != std::string_view::npos;
}

bool is_ascii_punctuation(char c) {
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
           (c >= '{' && c <= '~');
}

/// Whether `out` is at the start of a line (only spaces since the last line break).
bool at_line_start(const std::string& out) {
    const auto newline = out.find_last_of('\n');
    const auto from = newline == std::string::npos ? 0 : newline + 1;
    return out.find_first_not_of(' ', from) == std::string::npos;
}

/// One literal character (one the member typed, or one the dialect escaped) as `target` shows
/// it; `next` is the character after it in the source (0 at the end).
void append_literal(std::string& out, char c, char next, Target target) {
    if (target == Target::plain) {
        out += c;
        return;
    }
    if (c == '{') {
        out += "\uFF5B";  // ｛ FULLWIDTH LEFT CURLY BRACKET (see above)
        return;
    }
    if (c == '}') {
        out += "\uFF5D";  // ｝ FULLWIDTH RIGHT CURLY BRACKET
        return;
    }
    if (target == Target::chat) {
        switch (c) {
            case '<':
                out += "&lt;";
                return;
            case '>':
                // Also at a line's start: a reference cannot start a quote (CommonMark 0.30,
                // "Entity and numeric character references": they cannot stand in for
                // structure), and "\&" would show the entity's text.
                out += "&gt;";
                return;
            case '&':
                out += "&amp;";
                return;
            case '*':
            case '_':
            case '`':
            case '~':
            case '[':
            case ']':
            case '\\':
                out += '\\';
                out += c;
                return;
            case '#':
            case '|':
                if (at_line_start(out)) {
                    out += '\\';
                }
                out += c;
                return;
            default:
                out += c;
                return;
        }
    }
    switch (c) {  // a card
        case '*':
        case '_':
        case '[':
        case ']':
            out += '\\';
            out += c;
            return;
        case '\\':
            if (is_ascii_punctuation(next) || next == 0) {
                out += '\\';
            }
            out += c;
            return;
        default:
            out += c;
            return;
    }
}

bool is_continuation(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

}  // namespace

/// Converts the dialect for `target`; with keep_bold "**" stays bold, otherwise it is dropped.
std::string convert(std::string_view markdown, Target target, bool keep_bold) {
    std::string out;
    out.reserve(markdown.size() + markdown.size() / 8);
    for (std::size_t i = 0; i < markdown.size(); ++i) {
        const char c = markdown[i];
        const bool escaped =
            c == '\\' && i + 1 < markdown.size() && is_dialect_special(markdown[i + 1]);
        if (escaped) {
            ++i;
            append_literal(out, markdown[i], i + 1 < markdown.size() ? markdown[i + 1] : 0, target);
        } else if (c == '*' && i + 1 < markdown.size() && markdown[i + 1] == '*') {
            if (keep_bold && target != Target::plain) {
                out += "**";
            }
            ++i;
        } else {
            append_literal(out, c, i + 1 < markdown.size() ? markdown[i + 1] : 0, target);
        }
    }
    return out;
}

/// After conversion the only unescaped "**" left are bold markers: an unpaired last one (from
/// the source or from trimming) is escaped instead of opening bold to the end.
void balance_bold(std::string& text) {
    std::size_t count = 0;
    std::size_t last = std::string::npos;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] == '\\') {
            ++i;  // an escaped character
        } else if (text[i] == '*' && text[i + 1] == '*') {
            ++count;
            last = i;
            ++i;
        }
    }
    if (count % 2 == 1) {
        text.replace(last, 2, "\\*\\*");
    }
}

/// Cuts `text` to at most `cap` code points ending in "…" (cap 0: unlimited).
std::string trimmed(std::string text, std::size_t cap) {
    if (cap == 0 || utf8_length(text) <= cap) {
        return text;
    }
    std::size_t chars = 0;
    std::size_t end = 0;
    while (end < text.size() && chars < cap - 1) {
        ++end;
        while (end < text.size() && is_continuation(text[end])) {
            ++end;
        }
        ++chars;
    }
    text.resize(end);
    // Nothing cut in half: a "**", a backslash without what it escapes, an entity ("&l").
    if (const auto amp = text.rfind('&'); amp != std::string::npos && text.size() - amp <= 5 &&
                                          text.find(';', amp) == std::string::npos) {
        text.resize(amp);
    }
    std::size_t backslashes = 0;
    while (backslashes < text.size() && text[text.size() - 1 - backslashes] == '\\') {
        ++backslashes;
    }
    if (backslashes % 2 == 1) {
        text.pop_back();
    }
    if (!text.empty() && text.back() == '*' && (text.size() < 2 || text[text.size() - 2] != '*')) {
        text.pop_back();  // half of a "**"
    }
    return text + "\u2026";
}

}  // namespace detail

std::string to_teams_markdown(std::string_view core_markdown) {
    try {
        auto text = detail::convert(core_markdown, detail::Target::chat, true);
        detail::balance_bold(text);
        return text;
    } catch (const std::exception&) {
        return {};
    }
}

}  // namespace leernetwerk::teams
