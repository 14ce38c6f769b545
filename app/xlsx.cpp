#include "app/xlsx.hpp"

#include <algorithm>
#include <memory>

#include <xlsxwriter.h>

#include "bot/vocab/text.hpp"

namespace leernetwerk::app {
namespace {

/// Column widths in characters: the widest line of a column, within these bounds (a long text
/// such as a knowledge entry's body wraps instead of making a column a screen wide).
constexpr double kMinWidth = 6;
constexpr double kMaxWidth = 60;
/// Excel's limit on the characters of one cell.
constexpr std::size_t kMaxCellBytes = 32000;

double widest_line(std::string_view text) {
    std::size_t widest = 0;
    for (const auto& line : split(text, '\n')) {
        widest = std::max(widest, utf8_length(line));
    }
    return static_cast<double>(widest);
}

/// Text cut to what a cell holds, on a character boundary.
std::string cell_string(const std::string& text) {
    if (text.size() <= kMaxCellBytes) {
        return text;
    }
    std::size_t end = kMaxCellBytes;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        --end;
    }
    return text.substr(0, end);
}

}  // namespace

Result<void> write_xlsx(const std::vector<Table>& tables, const std::string& path) {
    lxw_workbook* workbook = workbook_new(path.c_str());
    if (!workbook) {
        return fail(ErrorCode::bad_input, "cannot create a workbook for " + path);
    }
    lxw_format* header = workbook_add_format(workbook);
    format_set_bold(header);
    lxw_format* percent = workbook_add_format(workbook);
    format_set_num_format(percent, "0%");
    lxw_format* decimal = workbook_add_format(workbook);
    format_set_num_format(decimal, "0.0");
    lxw_format* wrapped = workbook_add_format(workbook);
    format_set_text_wrap(wrapped);
    format_set_align(wrapped, LXW_ALIGN_VERTICAL_TOP);

    lxw_error error = LXW_NO_ERROR;
    const auto keep = [&error](lxw_error result) {
        if (error == LXW_NO_ERROR) {
            error = result;
        }
    };
    for (const auto& table : tables) {
        lxw_worksheet* sheet =
            workbook_add_worksheet(workbook, table.name.empty() ? nullptr : table.name.c_str());
        if (!sheet) {
            keep(LXW_ERROR_SHEETNAME_ALREADY_USED);
            break;
        }
        std::vector<double> widths(table.header.size(), kMinWidth);
        std::vector<bool> multiline(table.header.size(), false);
        for (std::size_t c = 0; c < table.header.size(); ++c) {
            keep(worksheet_write_string(sheet, 0, static_cast<lxw_col_t>(c),
                                        table.header[c].c_str(), header));
            widths[c] = std::max(widths[c], widest_line(table.header[c]) + 2);
        }
        for (std::size_t r = 0; r < table.rows.size(); ++r) {
            const auto row = static_cast<lxw_row_t>(r + 1);
            const auto& cells = table.rows[r];
            for (std::size_t c = 0; c < cells.size(); ++c) {
                const auto& cell = cells[c];
                const auto col = static_cast<lxw_col_t>(c);
                if (c >= widths.size()) {
                    widths.push_back(kMinWidth);
                    multiline.push_back(false);
                }
                switch (cell.kind) {
                    case TableCell::Kind::text:
                        if (!cell.text.empty()) {
                            const auto text = cell_string(cell.text);
                            const bool lines = text.find('\n') != std::string::npos;
                            multiline[c] = multiline[c] || lines;
                            keep(worksheet_write_string(sheet, row, col, text.c_str(),
                                                        lines ? wrapped : nullptr));
                            widths[c] = std::max(widths[c], widest_line(text) + 1);
                        }
                        break;
                    case TableCell::Kind::integer:
                        keep(worksheet_write_number(sheet, row, col, cell.number, nullptr));
                        widths[c] = std::max(widths[c], 8.0);
                        break;
                    case TableCell::Kind::decimal:
                        keep(worksheet_write_number(sheet, row, col, cell.number, decimal));
                        widths[c] = std::max(widths[c], 8.0);
                        break;
                    case TableCell::Kind::percent:
                        keep(worksheet_write_number(sheet, row, col, cell.number, percent));
                        widths[c] = std::max(widths[c], 8.0);
                        break;
                }
            }
        }
        for (std::size_t c = 0; c < widths.size(); ++c) {
            keep(worksheet_set_column(sheet, static_cast<lxw_col_t>(c), static_cast<lxw_col_t>(c),
                                      std::min(widths[c], kMaxWidth),
                                      multiline[c] || widths[c] > kMaxWidth ? wrapped : nullptr));
        }
        // The header stays in view while scrolling.
        worksheet_freeze_panes(sheet, 1, 0);
    }
    const auto closed = workbook_close(workbook);  // frees the workbook, also after an error
    keep(closed);
    if (error != LXW_NO_ERROR) {
        return fail(ErrorCode::bad_input,
                    "cannot write " + path + ": " + std::string(lxw_strerror(error)));
    }
    return {};
}

}  // namespace leernetwerk::app
