#pragma once
// The `leernetwerk` command line: its commands and options (CLI11), the exit codes, and what the
// commands share before they start (the configuration, logging, the database they work on).
#include <optional>
#include <string>

#include "app/config.hpp"

namespace leernetwerk::app {

inline constexpr int kExitConfigError = 2;   ///< a usage or configuration error
inline constexpr int kExitStartupError = 1;  ///< the database, a file or a port failed

/// The command given on the command line, with every option value (defaults when not given).
struct CommandLine {
    std::string command;  ///< exactly one, e.g. "serve"
    std::string config_path;

    // console
    bool demo = false;
    std::string db;
    std::string now_text;

    // teams-package
    std::string host;
    std::string package_out = "leernetwerk-teams.zip";

    // matrix-registration
    std::string registration_url;
    std::string registration_dir = ".";
    bool registration_force = false;

    // export-ics, import-cafeweken, import-vakanties (and export-poll's --db and --demo)
    std::string holidays_match;
    std::string ics_network;
    std::string ics_output = "-";
    std::string ics_file;
    std::string ics_match = "caf";
    std::string ics_db;
    bool ics_demo = false;
    bool ics_dry_run = false;

    // export-poll
    std::string poll_network;
    std::string poll_format = "csv";
    std::string poll_text;
    std::string poll_output = "-";
    int poll_number = 0;  ///< poll_text read as a number, checked

    // export-knowledge, harvest
    std::string document_network;
    std::string document_output = "-";
    std::string document_db;
    std::string document_year;
    std::string knowledge_format = "md";
    std::string harvest_format = "md";
    bool document_demo = false;

    // year-report
    std::string report_network;
    bool report_all = false;
    std::string report_year;
    std::string report_format = "csv";
    std::string report_output = "-";
    std::string report_lang;
    std::string report_db;
    bool report_demo = false;

    // backup, restore
    std::string ops_db;
    std::string backup_to;
    std::string backup_key_to;
    std::string restore_from;
    std::string restore_key_from;
    bool restore_force = false;
};

/// Reads the command line into `line`. An exit code when the process ends here (help, version,
/// a usage error, an unknown command), after saying why; nullopt when `line.command` can run.
std::optional<int> parse_command_line(int argc, char** argv, CommandLine& line);

/// The configuration from --config, or the defaults when no file was named; nullopt after
/// printing every problem of the file.
std::optional<Config> load_config(const std::string& path);

/// Sends spdlog's and the core's log lines to stderr, as text or as JSON lines.
void setup_logging(LogLevel level, LogFormat format);

/// The database of a command: --db, else the demo database for --demo (as `console` chooses
/// it), else [storage] path.
std::string command_database(const Config& config, bool demo, const std::string& db);

}  // namespace leernetwerk::app
