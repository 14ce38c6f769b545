#pragma once
// The spreadsheet (.xlsx) form of an export: the core's tables (bot/table.hpp) written with
// libxlsxwriter, which only the app links.
#include <string>
#include <vector>

#include "bot/vocab/result.hpp"
#include "bot/vocab/table.hpp"

namespace leernetwerk::app {

/// Writes `tables` as a workbook to `path`, one worksheet each: the header row bold and frozen,
/// columns as wide as their content (within limits), whole numbers and decimals as numbers,
/// percentages as numbers with a % format. An error names the file and what went wrong.
Result<void> write_xlsx(const std::vector<Table>& tables, const std::string& path);

}  // namespace leernetwerk::app
