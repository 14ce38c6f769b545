// The export commands: export-ics, export-poll, export-knowledge, harvest and year-report. Each
// reads one network (year-report: or all) of an existing database and writes a file, or stdout
// for "-".
#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <vector>

#include "app/admin_commands.hpp"
#include "app/admin_database.hpp"
#include "app/bot_setup.hpp"
#include "app/cli.hpp"
#include "app/ics.hpp"
#include "app/xlsx.hpp"
#include "app/year_report_document.hpp"
#include "bot/features/knowledge/knowledge.hpp"
#include "bot/features/participation/year_report.hpp"
#include "bot/features/polls/polls.hpp"

namespace leernetwerk::app {
namespace {

/// Writes a document to a file, or to stdout for "-".
int write_document(const std::string& document, const std::string& output,
                   const std::string& what) {
    if (output == "-") {
        std::cout << document << std::flush;
        return 0;
    }
    std::ofstream out(output, std::ios::binary);
    out << document;
    out.close();
    if (!out) {
        std::cerr << "cannot write " << output << "\n";
        return kExitStartupError;
    }
    std::cout << "wrote " << output << ": " << what << "\n";
    return 0;
}

/// Writes tables as a spreadsheet file (never to stdout: an .xlsx is binary).
int write_spreadsheet(const std::vector<Table>& tables, const std::string& output,
                      const std::string& what) {
    if (const auto written = write_xlsx(tables, output); !written) {
        std::cerr << written.error().message << "\n";
        return kExitStartupError;
    }
    std::cout << "wrote " << output << ": " << what << "\n";
    return 0;
}

/// Whether an export may be written as `format` to `output`; says why not.
bool export_format_ok(const std::string& format, const std::string& output,
                      const std::string& formats = "csv or xlsx") {
    if (format != "csv" && format != "xlsx" && format != "md") {
        std::cerr << "--format must be " << formats << ", not \"" << format << "\"\n";
        return false;
    }
    if (format == "md" && formats.find("md") == std::string::npos) {
        std::cerr << "--format must be " << formats << ", not \"" << format << "\"\n";
        return false;
    }
    if (format == "xlsx" && (output.empty() || output == "-")) {
        std::cerr << "an .xlsx spreadsheet is a binary file: name it with --to FILE.xlsx "
                     "(only csv can go to stdout)\n";
        return false;
    }
    return true;
}

/// The school year `year_text` names (harvest, year-report); nullopt after saying why not.
std::optional<int> school_year_option(const std::string& year_text) {
    const auto year = parse_school_year(year_text);
    if (!year) {
        std::cerr << "--year must be a school year such as 2026-2027, not \"" << year_text
                  << "\"\n";
    }
    return year;
}

/// The school year it is now in `zone` (August to July).
int current_school_year(const std::string& zone) {
    const auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto local = to_local(now, zone).value_or(LocalTime{now.time_since_epoch()});
    return school_year_of(date::floor<date::days>(local));
}

/// The networks a year report covers: the one named, or every one of the database.
std::vector<Network> report_networks(const AdminDatabase& source, bool all) {
    if (!all) {
        return {*source.network};
    }
    return source.store->networks();
}

}  // namespace

int run_export_ics(const Config& config, const std::string& database,
                   const std::string& network_name, const std::string& output) {
    const auto opened = open_admin_database(database, {.network = network_name});
    if (opened.exit_code != 0) {
        return opened.exit_code;
    }
    const auto& store = opened.store;
    const auto& network = opened.network;
    const std::string zone = network->time_zone.empty() ? config.bot.time_zone : network->time_zone;
    const auto meetings = store->meetings_of(network->id);
    const auto ics = meetings_to_ics(
        *network, meetings, zone, ics_uid_domain(config.matrix.user_id, config.bot.name),
        date::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
    if (!ics) {
        std::cerr << "network \"" << network->name << "\": " << ics.error().message << "\n";
        return kExitConfigError;
    }
    return write_document(*ics, output,
                          std::to_string(meetings.size()) + " meeting(s) of " + network->name +
                              " (time zone " + zone + ")");
}

int run_export_poll(const Config& config, const std::string& database,
                    const std::string& network_name, int poll_number, const std::string& format,
                    const std::string& output) {
    if (!export_format_ok(format, output)) {
        return kExitConfigError;
    }
    const auto source = open_admin_database(database, {.network = network_name});
    if (!source.network) {
        return source.exit_code;
    }
    const auto poll = source.store->poll_by_number(source.network->id, poll_number);
    if (!poll) {
        std::cerr << source.network->name << " has no poll " << poll_number << " in " << database
                  << "\n";
        return kExitConfigError;
    }
    const auto exported = poll_results_csv(*source.store, poll->id, config.bot.language,
                                           config.bot.min_anonymous_respondents);
    if (!exported.csv) {
        if (exported.error == PollExportError::not_closed) {
            std::cerr << "poll " << poll_number << " is anonymous and still open; its results, and "
                      << "their export, come after it closes\n";
            return kExitConfigError;
        }
        std::cerr << "poll " << poll_number
                  << " is anonymous and has fewer answers than its minimum; "
                  << "there is nothing to export without making someone recognisable\n";
        return kExitConfigError;
    }
    const auto what =
        "the results of poll " + std::to_string(poll_number) + " of " + source.network->name;
    if (format == "xlsx") {
        return write_spreadsheet(exported.tables, output, what);
    }
    return write_document(*exported.csv, output, what);
}

int run_export_knowledge(const Config& config, const std::string& database,
                         const std::string& network_name, const std::string& format,
                         const std::string& output) {
    if (!export_format_ok(format, output, "md, csv or xlsx")) {
        return kExitConfigError;
    }
    const auto source = open_admin_database(database, {.network = network_name});
    if (!source.network) {
        return source.exit_code;
    }
    const auto count = source.store->knowledge_entries(source.network->id).size();
    const auto what = std::to_string(count) + " knowledge entr" + (count == 1 ? "y" : "ies") +
                      " of " + source.network->name;
    const auto lang = config.bot.language;
    if (format == "xlsx") {
        return write_spreadsheet({knowledge_export_table(*source.store, *source.network, lang)},
                                 output, what);
    }
    const auto document = format == "csv"
                              ? knowledge_export_csv(*source.store, *source.network, lang)
                              : knowledge_export_markdown(*source.store, *source.network, lang,
                                                          DocumentStyle::markdown);
    return write_document(document, output, what);
}

int run_harvest(const Config& config, const std::string& database, const std::string& network_name,
                const std::string& year_text, const std::string& format,
                const std::string& output) {
    if (format != "md" && format != "html") {
        std::cerr << "--format must be md or html, not \"" << format << "\"\n";
        return kExitConfigError;
    }
    std::optional<int> year;
    if (!year_text.empty()) {
        year = school_year_option(year_text);
        if (!year) {
            return kExitConfigError;
        }
    }
    const auto source = open_admin_database(database, {.network = network_name});
    if (!source.network) {
        return source.exit_code;
    }
    if (!year) {
        year = current_school_year(source.network->time_zone.empty() ? config.bot.time_zone
                                                                     : source.network->time_zone);
    }
    const auto document =
        format == "html"
            ? harvest_html(*source.store, *source.network, *year, config.bot.language,
                           config.bot.min_anonymous_respondents)
            : harvest_markdown(*source.store, *source.network, *year, config.bot.language,
                               DocumentStyle::markdown, config.bot.min_anonymous_respondents);
    return write_document(document, output,
                          "harvest " + school_year_label(*year) + " of " + source.network->name);
}

int run_year_report(const Config& config, const std::string& database,
                    const YearReportOptions& options) {
    if (options.format != "csv" && options.format != "html") {
        std::cerr << "--format must be csv or html, not \"" << options.format << "\"\n";
        return kExitConfigError;
    }
    const auto lang =
        options.lang.empty() ? std::optional{config.bot.language} : parse_lang(options.lang);
    if (!lang) {
        std::cerr << "--lang must be nl or en, not \"" << options.lang << "\"\n";
        return kExitConfigError;
    }
    std::optional<int> year;
    if (!options.year.empty()) {
        year = school_year_option(options.year);
        if (!year) {
            return kExitConfigError;
        }
    }
    const auto source = open_admin_database(database, {.network = options.network});
    if (source.exit_code != 0) {
        return source.exit_code;
    }
    const auto networks = report_networks(source, options.all);
    if (networks.empty()) {
        std::cerr << "no networks in " << database << " yet: there is nothing to report\n";
        return kExitConfigError;
    }
    // One network: its own time zone decides which school year it is now, as for harvest.
    const std::string own_zone = options.all ? std::string() : networks.front().time_zone;
    const int school_year =
        year.value_or(current_school_year(own_zone.empty() ? config.bot.time_zone : own_zone));
    const BotSettings settings = bot_settings(config);
    const auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    std::vector<YearReport> reports;
    reports.reserve(networks.size());
    for (const Network& network : networks) {
        reports.push_back(year_report(*source.store, settings, network, school_year, now, *lang));
    }
    const auto document = options.format == "html"
                              ? year_report_html(reports, {school_year, options.all}, *lang)
                              : year_report_csv(reports, *lang);
    return write_document(
        document, options.output,
        "year report " + school_year_label(school_year) + " of " +
            (options.all ? std::to_string(reports.size()) + " network(s)" : networks.front().name));
}

}  // namespace leernetwerk::app
