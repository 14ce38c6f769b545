#pragma once
// Private to the Teams adapter: the core's Markdown dialect as Teams text (markdown_text.cpp),
// used by the card writer (cards.cpp).
#include <cstddef>
#include <string>
#include <string_view>

namespace leernetwerk::teams::detail {

// --- The core Markdown dialect as Teams text -------------------------------------------------
//
// A member's text must reach the others as the characters they typed: "**hoi**" with its
// asterisks, "<b>x</b>" with its angle brackets, visibly, not bold and not as look-alike Unicode
// (issue 14, point 25). Teams reads text three ways, and each gets its own escaping:
//
// - Chat text (a message's `text`, textFormat "markdown"): markdown, and HTML in it (the Bot
//   Framework docs, "Format your bot messages": Teams supports a subset of Markdown and XML/HTML
//   tags in text messages). So '<', '>' and '&' go as the entities &lt; &gt; &amp;, which the
//   HTML shows as the characters; the markdown characters * _ ` ~ [ ] \ get a backslash, as
//   CommonMark escapes any ASCII punctuation; '#' and '|' are markup only at a line's start
//   (a heading, a table row) and are escaped only there.
// - Adaptive Card TextBlocks and Facts: the card's own small markdown (bold, italic, lists,
//   links), no HTML and no entities: Teams mobile shows "&minus;" as typed (msteams-docs #10997),
//   so '<', '>' and '&' stay themselves, and * _ [ ] \ get a backslash. Mobile used to show that
//   backslash (AdaptiveCards #5590, #7474, msteams-docs #5793); Microsoft fixed it in Teams
//   Android and iOS (msteams-docs #5793: "solved on latest", 2022; Teams-AdaptiveCards-Mobile
//   #58, 2023). Runs of backslashes are still collapsed oddly (AdaptiveCards #4677): a backslash
//   is escaped only before punctuation, where it would otherwise escape it.
// - Button titles, choices, input labels and the notification preview: plain text, no markdown:
//   the characters as they are.
//
// Braces stay look-alikes in chat text and cards: the chat hides text between { and }
// (msteams-docs #4956) and a TextBlock reads {{DATE(…)}} as a function, and no escape is known to
// work for either. Only "**" (bold) and "- " list lines of the core's own text are markup.
enum class Target {
    chat,   ///< a message's text, textFormat "markdown"
    card,   ///< an Adaptive Card TextBlock or Fact
    plain,  ///< a title or label shown without markdown
};

/// Converts the dialect for `target`; with keep_bold "**" stays bold, otherwise it is dropped.
std::string convert(std::string_view markdown, Target target, bool keep_bold);
/// After conversion the only unescaped "**" left are bold markers: an unpaired last one (from
/// the source or from trimming) is escaped instead of opening bold to the end.
void balance_bold(std::string& text);
/// Cuts `text` to at most `cap` code points ending in "…" (cap 0: unlimited).
std::string trimmed(std::string text, std::size_t cap);

}  // namespace leernetwerk::teams::detail
