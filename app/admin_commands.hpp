#pragma once
// The administration commands of `leernetwerk`: each returns its exit code and says on stdout
// what it did, on stderr why not. `database` is the one command_database chose.
#include <string>

#include "app/config.hpp"

namespace leernetwerk::app {

// ---- setup: setup_commands.cpp --------------------------------------------------------------

/// Checks a configuration file (with the poll key file and the secret files it names, and the
/// known school holidays) and describes it.
int run_check_config(const std::string& path);

/// Writes the Teams app package for `host` from the config's [teams] app_id and [bot] name.
int run_teams_package(const std::string& path, const std::string& host, const std::string& out);

/// Writes the appservice registration and token files for the config's [matrix] user_id.
int run_matrix_registration(const std::string& path, const std::string& url,
                            const std::string& out_dir, bool force);

// ---- exports: export_commands.cpp -----------------------------------------------------------

/// Writes a network's meetings as an iCalendar file, to stdout for "-".
int run_export_ics(const Config& config, const std::string& database,
                   const std::string& network_name, const std::string& output);

/// Writes a poll's results as CSV or a spreadsheet (aggregates; named answers only for named
/// polls). Poll numbers are per network, as members see them: the network is named too.
int run_export_poll(const Config& config, const std::string& database,
                    const std::string& network_name, int poll_number, const std::string& format,
                    const std::string& output);

/// Writes a network's knowledge base (every entry, archived ones marked) as Markdown, CSV or a
/// spreadsheet.
int run_export_knowledge(const Config& config, const std::string& database,
                         const std::string& network_name, const std::string& format,
                         const std::string& output);

/// Writes a network's harvest document of a school year as Markdown or standalone HTML.
int run_harvest(const Config& config, const std::string& database, const std::string& network_name,
                const std::string& year_text, const std::string& format, const std::string& output);

/// What `year-report` was asked for.
struct YearReportOptions {
    std::string network;  ///< one network, by name; empty with `all`
    bool all = false;     ///< every network of the database, one after the other
    std::string year;     ///< "2026-2027"; empty: the current school year
    std::string format = "csv";
    std::string output = "-";
    std::string lang;  ///< "nl" or "en"; empty: [bot] language
};

/// Writes the year report (meetings against the cap, attendance, hours, task hours, gifts,
/// external experts, evaluations) of one network or all, as CSV or a printable HTML page.
int run_year_report(const Config& config, const std::string& database,
                    const YearReportOptions& options);

// ---- imports: import_commands.cpp -----------------------------------------------------------

/// Reads café weeks from a school calendar export; replaces those of each school year found.
int run_import_cafeweken(const Config& config, const std::string& database, const std::string& file,
                         const std::string& match, bool dry_run);

/// Reads school holidays and days off from a calendar export; replaces the imported holidays of
/// each school year found (the built-in and configured ones stay).
int run_import_vakanties(const Config& config, const std::string& database, const std::string& file,
                         const std::string& match, bool dry_run);

// ---- backup_commands.cpp --------------------------------------------------------------------

/// Copies the database (consistently, also while serve runs), and the poll key to `key_to`.
int run_backup(const Config& config, const std::string& database, const std::string& to,
               const std::string& key_to);

/// Replaces the database with a backup (serve must be stopped), and the poll key from `key_from`.
int run_restore(const Config& config, const std::string& database, const std::string& from,
                const std::string& key_from, bool force);

}  // namespace leernetwerk::app
