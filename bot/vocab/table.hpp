#pragma once
// A table to export (a poll's results, a knowledge base): rows of typed cells, without a file
// format. The core builds it; the CSV writer here and the spreadsheet writer of the app
// (app/xlsx.cpp) render the same table, each showing a number as a number.
#include <string>
#include <vector>

#include "bot/i18n/lang.hpp"

namespace leernetwerk {

/// One cell: text, a whole number, a decimal number, or a share shown as a percentage.
struct TableCell {
    enum class Kind { text, integer, decimal, percent };
    Kind kind = Kind::text;
    std::string text;   ///< a text cell's text (empty: an empty cell)
    double number = 0;  ///< a number cell's value; a percentage as a fraction (0.5 is 50 %)

    static TableCell of(std::string text) { return {Kind::text, std::move(text), 0}; }
    static TableCell integer(long long value) {
        return {Kind::integer, {}, static_cast<double>(value)};
    }
    static TableCell decimal(double value) { return {Kind::decimal, {}, value}; }
    static TableCell percent(double fraction) { return {Kind::percent, {}, fraction}; }
    static TableCell empty() { return {}; }
};

/// One sheet: a name (a spreadsheet tab), a header row and the rows under it.
struct Table {
    std::string name;
    std::vector<std::string> header;
    std::vector<std::vector<TableCell>> rows;
};

/// The tables as CSV that a Dutch Excel opens in columns: a UTF-8 byte order mark (without it
/// "café" reads as "cafÃ©"), fields separated by semicolons (a comma is the decimal separator
/// there), CRLF line ends, a field quoted when it holds a comma, semicolon, quote or line break,
/// and a formula defused (csv_field). Whole numbers plain, decimals with one digit after a comma
/// in Dutch and a point in English, percentages as whole numbers ("50"). Tables one after the
/// other, an empty line between them.
std::string tables_to_csv(const std::vector<Table>& tables, Lang lang);

/// A cell as text the way the CSV shows it.
std::string cell_text(const TableCell& cell, Lang lang);

}  // namespace leernetwerk
