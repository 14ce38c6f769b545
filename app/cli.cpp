// The `leernetwerk` command line: every command and option (CLI11), and what the commands share
// before they start.
#include "app/cli.hpp"

#include <algorithm>
#include <iostream>
#include <memory>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "app/json_log.hpp"
#include "bot/vocab/log.hpp"

namespace leernetwerk::app {

std::optional<int> parse_command_line(int argc, char** argv, CommandLine& line) {
    CLI::App cli{
        "Leernetwerk bot: keeps a teachers' learning network going between its meetings, "
        "on Microsoft Teams and Matrix."};
    cli.require_subcommand(1);
    cli.set_version_flag("--version", std::string(LEERNETWERK_VERSION));

    auto* console_cmd = cli.add_subcommand("console", "Chat with the bot in this terminal");
    console_cmd->add_option("--config", line.config_path, "TOML configuration file");
    console_cmd->add_flag("--demo", line.demo,
                          "Start with the demo network (database data/demo.db)");
    console_cmd->add_option("--db", line.db, "SQLite database file (overrides the configuration)");
    console_cmd->add_option(
        "--now", line.now_text,
        "Start the console's clock at this local time, e.g. \"2026-12-02 09:00\"");

    auto* serve_cmd = cli.add_subcommand("serve", "Run the HTTP server for Teams and Matrix");
    serve_cmd->add_option("--config", line.config_path, "TOML configuration file");

    auto* check_cmd = cli.add_subcommand("check-config", "Check a configuration file and exit");
    check_cmd->add_option("--config", line.config_path, "TOML configuration file")->required();

    auto* package_cmd = cli.add_subcommand(
        "teams-package", "Write the Teams app package (manifest and icons) to upload in Teams");
    package_cmd
        ->add_option("--config", line.config_path, "TOML configuration file ([teams] app_id)")
        ->required();
    package_cmd
        ->add_option("--host", line.host, "The bot's public host name, e.g. leernetwerk.school.nl")
        ->required();
    package_cmd->add_option("--out", line.package_out, "The zip file to write")
        ->capture_default_str();

    auto* registration_cmd = cli.add_subcommand(
        "matrix-registration", "Write the Matrix appservice registration and token files");
    registration_cmd->add_option("--config", line.config_path, "TOML configuration file ([matrix])")
        ->required();
    registration_cmd
        ->add_option("--url", line.registration_url,
                     "Where the homeserver reaches the bot, e.g. http://bot-host:8080")
        ->required();
    registration_cmd->add_option("--out-dir", line.registration_dir, "Directory for the files")
        ->capture_default_str();
    registration_cmd->add_flag("--force", line.registration_force, "Replace existing files");

    auto* export_cmd = cli.add_subcommand(
        "export-ics", "Write a network's meetings as an iCalendar (.ics) file for calendar apps");
    auto* import_cmd = cli.add_subcommand(
        "import-cafeweken", "Read café weeks from a school calendar export (.ics, e.g. ParnasSys)");
    auto* holidays_cmd = cli.add_subcommand(
        "import-vakanties",
        "Read school holidays and days off from a calendar export (.ics) for the reminders");
    for (auto* command : {export_cmd, import_cmd, holidays_cmd}) {
        command->add_option("--config", line.config_path, "TOML configuration file");
        command->add_option("--db", line.ics_db,
                            "SQLite database file (overrides the configuration)");
        command->add_flag("--demo", line.ics_demo, "Use the demo database of `console --demo`");
    }
    export_cmd->add_option("--network", line.ics_network, "The network's name")->required();
    export_cmd->add_option("--output", line.ics_output, "The file to write, - for stdout")
        ->capture_default_str();
    import_cmd->add_option("--file", line.ics_file, "The .ics file")->required();
    import_cmd
        ->add_option("--match", line.ics_match,
                     "Events whose title contains this are café weeks (empty: every event)")
        ->capture_default_str();
    import_cmd->add_flag("--dry-run", line.ics_dry_run, "Show the weeks found, store nothing");
    holidays_cmd->add_option("--file", line.ics_file, "The .ics file")->required();
    holidays_cmd->add_option(
        "--match", line.holidays_match,
        "Events whose title contains this are holidays (default: titles "
        "with vakantie, vrij, studiedag, feestdag, holiday; * for every event)");
    holidays_cmd->add_flag("--dry-run", line.ics_dry_run, "Show the holidays found, store nothing");

    auto* poll_cmd = cli.add_subcommand(
        "export-poll",
        "Write a poll's results as CSV or an .xlsx spreadsheet (names only for named polls)");
    poll_cmd->add_option("--config", line.config_path, "TOML configuration file");
    poll_cmd->add_option("--db", line.ics_db, "SQLite database file (overrides the configuration)");
    poll_cmd->add_flag("--demo", line.ics_demo, "Use the demo database of `console --demo`");
    poll_cmd->add_option("--network", line.poll_network, "The poll's network, by name")->required();
    // Read as text: a number that is no poll number is named as typed, not as a range.
    poll_cmd
        ->add_option("--poll", line.poll_text,
                     "The poll's number in its network (see `peilingen` in chat)")
        ->required();
    poll_cmd
        ->add_option("--out,--to", line.poll_output, "The file to write, - for stdout (csv only)")
        ->capture_default_str();
    poll_cmd
        ->add_option("--format", line.poll_format,
                     "csv (semicolons and a byte order mark, as Excel opens it) or xlsx")
        ->capture_default_str();
    auto* knowledge_cmd = cli.add_subcommand("export-knowledge",
                                             "Write a network's knowledge base as Markdown, "
                                             "CSV or an .xlsx spreadsheet");
    auto* harvest_cmd = cli.add_subcommand(
        "harvest", "Write a network's harvest document of a school year as Markdown or HTML");
    for (auto* command : {knowledge_cmd, harvest_cmd}) {
        command->add_option("--config", line.config_path, "TOML configuration file");
        command->add_option("--db", line.document_db,
                            "SQLite database file (overrides the configuration)");
        command->add_flag("--demo", line.document_demo,
                          "Use the demo database of `console --demo`");
        command->add_option("--network", line.document_network, "The network's name")->required();
        command
            ->add_option("--out,--output,--to", line.document_output,
                         "The file to write, - for stdout (not for xlsx)")
            ->capture_default_str();
    }
    knowledge_cmd->add_option("--format", line.knowledge_format, "md, csv or xlsx")
        ->capture_default_str();
    harvest_cmd->add_option("--format", line.harvest_format, "md or html")->capture_default_str();
    harvest_cmd->add_option("--year", line.document_year,
                            "The school year, e.g. 2026-2027 (default: the current one)");

    auto* report_cmd = cli.add_subcommand(
        "year-report",
        "Write the year report of a network (or of all): meetings, attendance, hours, task hours, "
        "gifts, external experts, evaluations, as CSV or a printable HTML page");
    report_cmd->add_option("--config", line.config_path, "TOML configuration file");
    report_cmd->add_option("--db", line.report_db,
                           "SQLite database file (overrides the configuration)");
    report_cmd->add_flag("--demo", line.report_demo, "Use the demo database of `console --demo`");
    report_cmd->add_option("--network", line.report_network, "The network's name");
    report_cmd->add_flag("--all", line.report_all, "Every network, one after the other");
    report_cmd->add_option("--year", line.report_year,
                           "The school year, e.g. 2026-2027 (default: the current one)");
    report_cmd
        ->add_option("--format", line.report_format,
                     "csv (semicolons and a byte order mark, as Excel opens it) or html")
        ->capture_default_str();
    report_cmd
        ->add_option("--to,--out,--output", line.report_output, "The file to write, - for stdout")
        ->capture_default_str();
    report_cmd->add_option("--lang", line.report_lang, "nl or en (default: [bot] language)");

    auto* backup_cmd = cli.add_subcommand(
        "backup", "Copy the database consistently, also while serve runs, with a manifest");
    auto* restore_cmd =
        cli.add_subcommand("restore", "Replace the database with a backup (serve must be stopped)");
    for (auto* command : {backup_cmd, restore_cmd}) {
        command->add_option("--config", line.config_path, "TOML configuration file");
        command->add_option("--db", line.ops_db,
                            "SQLite database file (overrides the configuration)");
    }
    backup_cmd->add_option("--to", line.backup_to, "The backup file to write (must not exist)")
        ->required();
    backup_cmd->add_option("--poll-key-to", line.backup_key_to,
                           "Also copy the poll key to this file (keep it apart from the backup)");
    restore_cmd->add_option("--from", line.restore_from, "The backup file")->required();
    restore_cmd->add_option("--poll-key-from", line.restore_key_from,
                            "The poll key saved with --poll-key-to, put back beside the database");
    restore_cmd->add_flag("--force", line.restore_force, "Replace an existing database");

    cli.add_subcommand("version", "Print the version");

    // A command the executable does not know is named, with the ones it knows.
    const auto subcommands = cli.get_subcommands([](const CLI::App*) { return true; });
    if (argc >= 2 && argv[1][0] != '-' &&
        std::none_of(subcommands.begin(), subcommands.end(),
                     [&](const CLI::App* command) { return command->check_name(argv[1]); })) {
        std::string known;
        for (const auto* command : subcommands) {
            known += (known.empty() ? "" : ", ") + command->get_name();
        }
        std::cerr << "leernetwerk: unknown command \"" << argv[1]
                  << "\"; the commands are: " << known << " (--help explains them)\n";
        return kExitConfigError;
    }
    try {
        cli.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return cli.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return cli.exit(e);
    } catch (const CLI::ParseError& e) {
        // Every usage error exits 2, like a configuration error, with CLI11's own explanation.
        cli.exit(e);
        return kExitConfigError;
    }
    line.command = cli.get_subcommands().front()->get_name();
    if (poll_cmd->parsed()) {
        const auto& poll_text = line.poll_text;
        const bool digits = !poll_text.empty() && poll_text.size() <= 9 &&
                            poll_text.find_first_not_of("0123456789") == std::string::npos;
        line.poll_number = digits ? std::stoi(poll_text) : 0;
        if (line.poll_number <= 0) {
            std::cerr
                << "--poll: expected a poll number such as 3 (see `peilingen` in chat), got \""
                << poll_text << "\"\n";
            return kExitConfigError;
        }
    }
    if (report_cmd->parsed() && line.report_all == !line.report_network.empty()) {
        std::cerr << "year-report: "
                  << (line.report_all ? "--network and --all exclude each other"
                                      : "which networks?")
                  << ": name one with --network NAME, or every network with --all\n";
        return kExitConfigError;
    }
    return std::nullopt;
}

std::optional<Config> load_config(const std::string& path) {
    if (path.empty()) {
        return Config{};
    }
    auto config = load_config_file(path);
    if (!config) {
        for (const auto& error : config.error()) {
            std::cerr << error.to_string() << "\n";
        }
        return std::nullopt;
    }
    return *config;
}

void setup_logging(LogLevel level, LogFormat format) {
    if (format == LogFormat::json) {
        auto logger = std::make_shared<spdlog::logger>("leernetwerk", json_stderr_sink());
        spdlog::set_default_logger(logger);
    } else {
        auto logger = spdlog::stderr_color_mt("leernetwerk");
        spdlog::set_default_logger(logger);
        spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
    }
    static constexpr spdlog::level::level_enum kLevels[] = {
        spdlog::level::trace, spdlog::level::debug, spdlog::level::info,
        spdlog::level::warn,  spdlog::level::err,   spdlog::level::off};
    spdlog::set_level(kLevels[static_cast<int>(level)]);
    set_log_sink([](leernetwerk::LogLevel core_level, std::string_view text) {
        static constexpr spdlog::level::level_enum kCoreLevels[] = {
            spdlog::level::trace, spdlog::level::debug, spdlog::level::info, spdlog::level::warn,
            spdlog::level::err};
        spdlog::log(kCoreLevels[static_cast<int>(core_level)], "{}", text);
    });
}

std::string command_database(const Config& config, bool demo, const std::string& db) {
    if (!db.empty()) {
        return db;
    }
    return demo ? "data/demo.db" : config.storage.path;
}

}  // namespace leernetwerk::app
