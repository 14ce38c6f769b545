// The import commands: import-cafeweken and import-vakanties. Each reads a school calendar
// export (.ics), shows what it found, and stores it unless --dry-run.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "app/admin_commands.hpp"
#include "app/admin_database.hpp"
#include "app/cli.hpp"
#include "app/ics.hpp"

namespace leernetwerk::app {
namespace {

std::string week_list(const std::vector<CafeWeek>& weeks) {
    std::string result;
    for (const auto& week : weeks) {
        result += (result.empty() ? "" : ", ") + std::to_string(week.iso_week);
    }
    return result.empty() ? "none" : result;
}

/// The whole of a calendar file, or nullopt after saying it cannot be read.
std::optional<std::string> read_calendar_file(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        std::cerr << "cannot read " << file << "\n";
        return std::nullopt;
    }
    return std::string{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

int run_import_cafeweken(const Config& config, const std::string& database, const std::string& file,
                         const std::string& match, bool dry_run) {
    const auto text = read_calendar_file(file);
    if (!text) {
        return kExitConfigError;
    }
    const auto found = cafe_weeks_from_ics(*text, match, config.bot.time_zone);
    if (!found) {
        std::cerr << file << ": " << found.error().message << "\n";
        return kExitConfigError;
    }
    std::map<int, std::vector<CafeWeek>> by_year;
    for (const auto& week : found->weeks) {
        by_year[week.school_year].push_back(week);
    }
    std::cout << file << ": " << found->matched << " of " << found->events << " event(s) match \""
              << match << "\"\n";
    if (by_year.empty()) {
        std::cout << "no café weeks found, nothing stored (try another --match)\n";
        return 0;
    }
    for (const auto& [year, weeks] : by_year) {
        std::cout << school_year_label(year) << ": " << week_list(weeks) << "\n";
    }
    if (dry_run) {
        std::string years;
        for (const auto& [year, weeks] : by_year) {
            years += (years.empty() ? "" : ", ") + school_year_label(year);
        }
        std::cout << "dry run: nothing stored; without --dry-run these weeks replace the café "
                     "weeks stored for "
                  << years << "\n";
        return 0;
    }
    const auto opened = open_admin_database(database, {.must_exist = false});
    if (opened.exit_code != 0) {
        return opened.exit_code;
    }
    const auto& store = opened.store;
    std::map<int, std::vector<CafeWeek>> before;
    try {
        store->transaction([&] {
            for (const auto& [year, weeks] : by_year) {
                before[year] = store->cafe_weeks(year);
                store->set_cafe_weeks(year, weeks);
            }
        });
    } catch (const StoreError& error) {
        std::cerr << "nothing stored: " << error.what() << "\n";
        return kExitStartupError;
    }
    for (const auto& [year, weeks] : before) {
        std::cout << "stored in " << database << ": replaced the café weeks of "
                  << school_year_label(year) << " (were: " << week_list(weeks) << ")\n";
    }
    return 0;
}

int run_import_vakanties(const Config& config, const std::string& database, const std::string& file,
                         const std::string& match, bool dry_run) {
    const auto text = read_calendar_file(file);
    if (!text) {
        return kExitConfigError;
    }
    const auto found = holidays_from_ics(*text, match, config.bot.time_zone);
    if (!found) {
        std::cerr << file << ": " << found.error().message << "\n";
        return kExitConfigError;
    }
    std::cout << file << ": " << found->matched << " of " << found->events
              << " event(s) are holidays or days off"
              << (match.empty() ? std::string() : " (matching \"" + match + "\")") << "\n";
    if (found->holidays.empty()) {
        std::cout << "no holidays found, nothing stored (try --match)\n";
        return 0;
    }
    std::set<int> years;
    for (const auto& holiday : found->holidays) {
        years.insert(school_year_of(holiday.first));
        std::cout << school_year_label(school_year_of(holiday.first)) << ": " << holiday.name
                  << ", " << format_day(holiday.first, Lang::en)
                  << (holiday.last == holiday.first ? ""
                                                    : " .. " + format_day(holiday.last, Lang::en))
                  << "\n";
    }
    std::string year_list;
    for (const int year : years) {
        year_list += (year_list.empty() ? "" : ", ") + school_year_label(year);
    }
    if (dry_run) {
        std::cout << "dry run: nothing stored; without --dry-run these replace the imported "
                     "holidays of "
                  << year_list << "\n";
        return 0;
    }
    const auto opened = open_admin_database(database, {.must_exist = false});
    if (opened.exit_code != 0) {
        return opened.exit_code;
    }
    const auto& store = opened.store;
    try {
        store->transaction([&] {
            auto kept = decode_holidays(store->adapter_state(kImportedHolidaysKey).value_or(""));
            std::erase_if(kept, [&](const HolidayPeriod& holiday) {
                return years.contains(school_year_of(holiday.first));
            });
            kept.insert(kept.end(), found->holidays.begin(), found->holidays.end());
            std::sort(kept.begin(), kept.end(), [](const HolidayPeriod& a, const HolidayPeriod& b) {
                return a.first < b.first;
            });
            store->set_adapter_state(
                kImportedHolidaysKey, encode_holidays(kept),
                date::floor<std::chrono::seconds>(std::chrono::system_clock::now()));
        });
    } catch (const StoreError& error) {
        std::cerr << "nothing stored: " << error.what() << "\n";
        return kExitStartupError;
    }
    std::cout << "stored in " << database << ": the holidays of " << year_list
              << " (restart `serve` to use them)\n";
    return 0;
}

}  // namespace leernetwerk::app
