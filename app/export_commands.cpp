// The export commands: export-ics, export-poll, export-knowledge and harvest. Each reads one
// network of an existing database and writes a file, or stdout for "-".
#include <chrono>
#include <fstream>
#include <iostream>
#include <optional>
#include <vector>

#include "app/admin_commands.hpp"
#include "app/admin_database.hpp"
#include "app/cli.hpp"
#include "app/ics.hpp"
#include "app/xlsx.hpp"
#include "bot/features/knowledge/knowledge.hpp"
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
        year = parse_school_year(year_text);
        if (!year) {
            std::cerr << "--year must be a school year such as 2026-2027, not \"" << year_text
                      << "\"\n";
            return kExitConfigError;
        }
    }
    const auto source = open_admin_database(database, {.network = network_name});
    if (!source.network) {
        return source.exit_code;
    }
    if (!year) {
        const std::string zone =
            source.network->time_zone.empty() ? config.bot.time_zone : source.network->time_zone;
        const auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        const auto local = to_local(now, zone).value_or(LocalTime{now.time_since_epoch()});
        year = school_year_of(date::floor<date::days>(local));
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

}  // namespace leernetwerk::app
