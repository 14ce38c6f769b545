#include "bot/vocab/table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "bot/vocab/text.hpp"

namespace leernetwerk {

std::string cell_text(const TableCell& cell, Lang lang) {
    switch (cell.kind) {
        case TableCell::Kind::text:
            return cell.text;
        case TableCell::Kind::integer:
            return std::to_string(std::llround(cell.number));
        case TableCell::Kind::percent:
            return std::to_string(std::llround(100.0 * cell.number));
        case TableCell::Kind::decimal: {
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%.1f", cell.number);
            std::string text = buffer;
            if (lang == Lang::nl) {
                std::replace(text.begin(), text.end(), '.', ',');
            }
            return text;
        }
    }
    return cell.text;
}

std::string tables_to_csv(const std::vector<Table>& tables, Lang lang) {
    std::string out = "\xEF\xBB\xBF";
    const auto row = [&out](const std::vector<std::string>& fields) {
        for (std::size_t i = 0; i < fields.size(); ++i) {
            out += (i ? ";" : "") + csv_field(fields[i]);
        }
        out += "\r\n";
    };
    for (std::size_t t = 0; t < tables.size(); ++t) {
        if (t > 0) {
            out += "\r\n";
        }
        row(tables[t].header);
        for (const auto& cells : tables[t].rows) {
            std::vector<std::string> fields;
            fields.reserve(cells.size());
            for (const auto& cell : cells) {
                fields.push_back(cell_text(cell, lang));
            }
            row(fields);
        }
    }
    return out;
}

}  // namespace leernetwerk
