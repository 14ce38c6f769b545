#pragma once
// Documents made from a network's knowledge base: the export (all entries) and the school year's
// harvest (oogstdocument). The chat sends them; the command line writes them to files.
#include <string>
#include <string_view>

#include "bot/i18n/lang.hpp"
#include "bot/ports/store.hpp"
#include "bot/vocab/table.hpp"

namespace leernetwerk {

/// How a Markdown document is written.
enum class DocumentStyle {
    chat,      ///< the core dialect (bold section titles, "- " lists), for a chat message
    markdown,  ///< a Markdown file: # headings; data escaped the same way
};

/// Every entry of a network (active and archived), newest first, with kind, tags, author, dates
/// and shares. Data is escaped: nothing an entry contains becomes markup.
std::string knowledge_export_markdown(Store& store, const Network& network, Lang lang,
                                      DocumentStyle style);

/// The same entries as a table, one row each, with column names and kinds in `lang`: number,
/// kind, status, title, text, link, tags, author, question number, created and updated (UTC).
Table knowledge_export_table(Store& store, const Network& network, Lang lang);
/// That table as CSV for a Dutch Excel (tables_to_csv: byte order mark, semicolons, quoting, a
/// formula defused).
std::string knowledge_export_csv(Store& store, const Network& network, Lang lang);

/// The harvest document of a school year (`school_year`: its first calendar year): the network's
/// name, theme, central question and ambition, the year's meetings and their topics, the results
/// of the evaluations closed that year (an anonymous one only from `min_respondents` answers, or
/// the network's own minimum), and the year's active knowledge entries grouped by kind.
std::string harvest_markdown(Store& store, const Network& network, int school_year, Lang lang,
                             DocumentStyle style, int min_respondents = 3);

/// The harvest as a complete standalone HTML document, every piece of data HTML-escaped.
std::string harvest_html(Store& store, const Network& network, int school_year, Lang lang,
                         int min_respondents = 3);

/// True for an absolute http(s) address with a host and no spaces, quotes, angle brackets or
/// control characters: the only links a resource may have.
bool is_web_link(std::string_view link);

}  // namespace leernetwerk
