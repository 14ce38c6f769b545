// The entry point of the `leernetwerk` executable (app/ is the composition root, the only place
// that sees every layer). This file only dispatches: the command line is read in cli.cpp, and each
// command runs in its own file (serve.cpp, console_command.cpp, and the administration commands
// of admin_commands.hpp).
#include <iostream>

#include "app/admin_commands.hpp"
#include "app/cli.hpp"
#include "app/console_command.hpp"
#include "app/serve.hpp"

int main(int argc, char** argv) {
    using namespace leernetwerk::app;
    CommandLine line;
    if (const auto exit_code = parse_command_line(argc, argv, line)) {
        return *exit_code;
    }
    const auto& command = line.command;

    // Commands that read the configuration file themselves, and name it in their messages.
    if (command == "version") {
        std::cout << "leernetwerk " << LEERNETWERK_VERSION << "\n";
        return 0;
    }
    if (command == "check-config") {
        return run_check_config(line.config_path);
    }
    if (command == "teams-package") {
        return run_teams_package(line.config_path, line.host, line.package_out);
    }
    if (command == "matrix-registration") {
        return run_matrix_registration(line.config_path, line.registration_url,
                                       line.registration_dir, line.registration_force);
    }

    // The others start from the configuration (the defaults without --config) and its logging.
    const auto config = load_config(line.config_path);
    if (!config) {
        return kExitConfigError;
    }
    setup_logging(config->log.level, config->log.format);
    if (command == "export-ics") {
        return run_export_ics(*config, command_database(*config, line.ics_demo, line.ics_db),
                              line.ics_network, line.ics_output);
    }
    if (command == "export-poll") {
        return run_export_poll(*config, command_database(*config, line.ics_demo, line.ics_db),
                               line.poll_network, line.poll_number, line.poll_format,
                               line.poll_output);
    }
    if (command == "import-vakanties") {
        return run_import_vakanties(*config, command_database(*config, line.ics_demo, line.ics_db),
                                    line.ics_file, line.holidays_match, line.ics_dry_run);
    }
    if (command == "import-cafeweken") {
        return run_import_cafeweken(*config, command_database(*config, line.ics_demo, line.ics_db),
                                    line.ics_file, line.ics_match, line.ics_dry_run);
    }
    if (command == "export-knowledge") {
        return run_export_knowledge(
            *config, command_database(*config, line.document_demo, line.document_db),
            line.document_network, line.knowledge_format, line.document_output);
    }
    if (command == "harvest") {
        return run_harvest(*config, command_database(*config, line.document_demo, line.document_db),
                           line.document_network, line.document_year, line.harvest_format,
                           line.document_output);
    }
    if (command == "year-report") {
        return run_year_report(*config, command_database(*config, line.report_demo, line.report_db),
                               {.network = line.report_network,
                                .all = line.report_all,
                                .year = line.report_year,
                                .format = line.report_format,
                                .output = line.report_output,
                                .lang = line.report_lang});
    }
    if (command == "backup") {
        return run_backup(*config, command_database(*config, false, line.ops_db), line.backup_to,
                          line.backup_key_to);
    }
    if (command == "restore") {
        return run_restore(*config, command_database(*config, false, line.ops_db),
                           line.restore_from, line.restore_key_from, line.restore_force);
    }
    if (command == "console") {
        return run_console(*config, line.demo, line.db, line.now_text);
    }
    if (command == "serve") {
        return run_serve(*config);
    }
    return 0;
}
