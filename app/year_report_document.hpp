#pragma once
// A network's school year at a glance (bot/features/participation/year_report.hpp) as the files
// `leernetwerk year-report` writes: CSV tables a Dutch Excel opens, and one printable HTML page.
// The wording lives here, per language; the figures come from the core's YearReport.
#include <string>
#include <vector>

#include "bot/features/participation/year_report.hpp"
#include "bot/vocab/table.hpp"

namespace leernetwerk::app {

/// The reports as tables: an overview, meetings, members, gifts, external experts and
/// evaluations. Each starts with a network column, so that with several networks (`--all`) every
/// table holds them all, one after the other, and an administrator can filter it in Excel.
std::vector<Table> year_report_tables(const std::vector<YearReport>& reports, Lang lang);

/// The tables as CSV: a UTF-8 byte order mark, semicolons, formulas defused (tables_to_csv).
std::string year_report_csv(const std::vector<YearReport>& reports, Lang lang);

/// What a page covers: one network's year, or every network's (`--all`).
struct YearReportScope {
    int school_year = 0;
    bool all_networks = false;
};

/// One self-contained page to print or mail: per network a heading, the meetings held against
/// the cap, the totals, the hours rule, the evaluations' trend and the same tables; every piece
/// of data escaped.
std::string year_report_html(const std::vector<YearReport>& reports, YearReportScope scope,
                             Lang lang);

/// "Jaaroverzicht 2026-2027 — HSN-café Lezen" (one network) or "… — alle netwerken".
std::string year_report_title(const std::vector<YearReport>& reports, YearReportScope scope,
                              Lang lang);

}  // namespace leernetwerk::app
