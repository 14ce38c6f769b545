// The configuration file: read it, check every [section] (config_readers.cpp, through
// config_section.hpp), describe the result, and the reminders' send window it gives.
#include "app/config.hpp"

#include <array>
#include <filesystem>
#include <ostream>
#include <sstream>
#include <utility>

// Debian builds toml++ as a shared library: the imported target tomlplusplus::tomlplusplus adds
// -DTOML_HEADER_ONLY=0 -DTOML_SHARED_LIB=1 and links libtomlplusplus.so. It is built with
// exceptions, so toml::parse returns a toml::table and throws toml::parse_error.
#include <toml++/toml.h>

#include "app/config_readers.hpp"
#include "app/config_section.hpp"
#include "bot/vocab/send_window.hpp"
#include "bot/vocab/text.hpp"
#include "bot/vocab/when.hpp"

namespace leernetwerk::app {
namespace {

namespace fs = std::filesystem;
using namespace config_detail;

ConfigResult check_config(const toml::table& root, const std::string& file) {
    Config config;
    std::vector<ConfigError> errors;

    struct SectionReader {
        std::string_view name;
        void (*read)(Section&, Config&);
    };
    static constexpr SectionReader kSections[] = {
        {"bot", [](Section& s, Config& c) { read_bot(s, c.bot); }},
        {"storage", [](Section& s, Config& c) { read_storage(s, c.storage); }},
        {"log", [](Section& s, Config& c) { read_log(s, c.log); }},
        {"server", [](Section& s, Config& c) { read_server(s, c.server); }},
        {"teams", [](Section& s, Config& c) { read_teams(s, c.teams); }},
        {"matrix", [](Section& s, Config& c) { read_matrix(s, c.matrix); }},
        {"reminders", [](Section& s, Config& c) { read_reminders(s, c.reminders); }},
        {"polls", [](Section& s, Config& c) { read_polls(s, c.polls); }},
        {"questions", [](Section& s, Config& c) { read_questions(s, c.questions); }},
        {"hours", [](Section& s, Config& c) { read_hours(s, c.participation.hours); }},
        {"participation", [](Section& s, Config& c) { read_participation(s, c.participation); }},
    };

    std::vector<Section> sections;
    sections.reserve(std::size(kSections));
    for (const SectionReader& reader : kSections) {
        const toml::node* node = root.get(reader.name);
        const toml::table* table = node != nullptr ? node->as_table() : nullptr;
        if (node != nullptr && table == nullptr) {
            errors.push_back(ConfigError{file, std::string(reader.name),
                                         "expected a section [" + std::string(reader.name) + "], " +
                                             got(*node, toml::node_type::table, /*echo=*/false)});
        }
        Section& section = sections.emplace_back(table, std::string(reader.name), file, errors);
        reader.read(section, config);
        section.report_unknown_keys();
    }

    std::vector<std::string> section_names;
    for (const SectionReader& reader : kSections) {
        section_names.emplace_back(reader.name);
    }
    for (auto&& [key, node] : root) {
        const std::string name(key.str());
        bool known = false;
        for (const SectionReader& reader : kSections) {
            known = known || reader.name == name;
        }
        if (known) {
            continue;
        }
        std::string message;
        if (node.is_table()) {
            message = "unknown section; known sections: " + join(section_names, ", ");
        } else {
            std::string home;
            for (const Section& section : sections) {
                for (const std::string& known_key : section.known_keys()) {
                    if (home.empty() && known_key == name) {
                        home = section.name();
                    }
                }
            }
            message = home.empty()
                          ? "unknown key outside any section; known sections: " +
                                join(section_names, ", ")
                          : "unknown key outside any section; did you mean to put it under [" +
                                home + "]?";
        }
        errors.push_back(ConfigError{file, name, std::move(message)});
    }

    if (!errors.empty()) {
        return tl::unexpected(std::move(errors));
    }
    return config;
}

std::string secret_summary(const Secret& secret) {
    switch (secret.source) {
        case Secret::Source::none:
            return "(not set)";
        case Secret::Source::inline_value:
            return "(set inline in the config file)";
        case Secret::Source::file:
        case Secret::Source::env:
            return "(from " + secret.describe() + ")";
    }
    return "(not set)";
}

std::string or_not_set(const std::string& text) {
    return text.empty() ? "(not set)" : text;
}

/// "midden (built-in school holidays for 2025-2026, 2026-2027)" or "geen (...)".
std::string holiday_region_summary(const std::string& region) {
    if (means_none(region)) {
        return "geen (no built-in school holidays)";
    }
    std::vector<std::string> years;
    for (const int year : known_holiday_school_years()) {
        years.push_back(school_year_label(year));
    }
    return region + " (built-in school holidays for " + join(years, ", ") + ")";
}

/// "matrix:@anne:hsn.nl, teams:29:1a..." or "(none)".
std::string accounts_summary(const std::vector<PlatformUser>& users) {
    std::vector<std::string> accounts;
    for (const PlatformUser& user : users) {
        accounts.push_back(platform_user_text(user));
    }
    return accounts.empty() ? "(none)" : join(accounts, ", ");
}

/// [hours] as rules in words, most general first, and [participation].
void describe_participation(std::ostream& out, const ParticipationSettings& participation) {
    const HoursPolicy& hours = participation.hours;
    out << "[hours]\n"
        << "  default: " << hours_rule_summary(hours.fallback) << "\n";
    for (const auto& [year, rule] : hours.years) {
        out << "  " << school_year_label(year) << ": " << hours_rule_summary(rule) << "\n";
    }
    for (const auto& [network, rule] : hours.networks) {
        out << "  network " << quote(network) << ": " << hours_rule_summary(rule) << "\n";
        const auto years = hours.network_years.find(network);
        if (years == hours.network_years.end()) {
            continue;
        }
        for (const auto& [year, year_rule] : years->second) {
            out << "  network " << quote(network) << ", " << school_year_label(year) << ": "
                << hours_rule_summary(year_rule) << "\n";
        }
    }
    out << "[participation]\n"
        << "  advisers: " << accounts_summary(participation.advisers) << "\n"
        << "  academy_contacts: " << accounts_summary(participation.academy_contacts) << "\n"
        << "  attendance_close_days: " << participation.attendance_close_days << "\n"
        << "  max_expert_meetings: " << participation.max_expert_meetings << "\n"
        << "  gift: " << participation.gift << "\n";
}

}  // namespace

std::string Secret::describe() const {
    switch (source) {
        case Source::none:
            return "not set";
        case Source::inline_value:
            return "inline";
        case Source::file:
            return "file " + origin;
        case Source::env:
            return "env " + origin;
    }
    return "not set";
}

std::string_view log_level_name(LogLevel level) {
    return choice_name(kLogLevels, level);
}

std::string_view matrix_mode_name(MatrixMode mode) {
    return choice_name(kMatrixModes, mode);
}

std::string ConfigError::to_string() const {
    std::string out = file;
    if (line > 0) {
        out += ":" + std::to_string(line) + ":" + std::to_string(column);
    }
    out += ": ";
    if (!key.empty()) {
        out += key + ": ";
    }
    out += message;
    return out;
}

ConfigResult load_config_string(std::string_view toml_text, const std::string& file_name) {
    toml::table root;
    try {
        root = toml::parse(toml_text, file_name);
    } catch (const toml::parse_error& error) {
        ConfigError syntax{file_name, "", std::string(error.description())};
        syntax.line = error.source().begin.line;
        syntax.column = error.source().begin.column;
        return tl::unexpected(std::vector<ConfigError>{std::move(syntax)});
    }
    return check_config(root, file_name);
}

ConfigResult load_config_file(const std::string& path) {
    auto text = read_whole_file(path);
    if (!text) {
        std::error_code ec;
        std::string message = "cannot read the config file: " + text.error();
        if (fs::path(path).is_relative()) {
            const fs::path cwd = fs::current_path(ec);
            if (!ec) {
                message += " (relative to the working directory " + cwd.string() + ")";
            }
        }
        return tl::unexpected(std::vector<ConfigError>{ConfigError{path, "", std::move(message)}});
    }
    return load_config_string(*text, path);
}

std::string describe_config(const Config& config) {
    std::ostringstream out;
    const BotConfig& bot = config.bot;
    out << "[bot]\n"
        << "  language: " << choice_name(kLanguages, bot.language) << "\n"
        << "  time_zone: " << bot.time_zone << "\n"
        << "  name: " << bot.name << "\n"
        << "  min_anonymous_respondents: " << bot.min_anonymous_respondents << "\n";
    out << "[storage]\n"
        << "  path: " << config.storage.path
        << (config.storage.path == ":memory:" ? " (in memory: nothing is saved)" : "") << "\n";
    out << "[log]\n"
        << "  level: " << log_level_name(config.log.level) << "\n"
        << "  format: " << (config.log.format == LogFormat::json ? "json" : "text") << "\n";
    const ServerConfig& server = config.server;
    out << "[server]\n"
        << "  address: " << server.address << "\n"
        << "  port: " << server.port << "\n"
        << "  max_body_bytes: " << server.max_body_bytes << "\n"
        << "  read_timeout_seconds: " << server.read_timeout_seconds << "\n"
        << "  max_outbox_depth: " << server.max_outbox_depth
        << (server.max_outbox_depth == 0 ? " (no bound)" : "") << "\n"
        << "  header_timeout_seconds: " << server.header_timeout_seconds << "\n"
        << "  idle_timeout_seconds: " << server.idle_timeout_seconds << "\n"
        << "  max_connections: " << server.max_connections << " (of which " << server.probe_reserve
        << " kept for local health probes)\n"
        << "  max_connections_per_address: " << server.max_connections_per_address
        << (server.max_connections_per_address == 0 ? " (no cap)" : "") << "\n"
        << "  min_free_disk_mb: " << server.min_free_disk_mb << "\n"
        << "  public_url: " << or_not_set(server.public_url)
        << (server.public_url.empty() ? " (no calendar feeds)" : "") << "\n";
    const TeamsConfig& teams = config.teams;
    out << "[teams]\n"
        << "  enabled: " << (teams.enabled ? "true" : "false") << "\n"
        << "  app_id: " << or_not_set(teams.app_id) << "\n"
        << "  app_password: " << secret_summary(teams.app_password) << "\n"
        << "  tenant_id: " << (teams.tenant_id.empty() ? "(any tenant)" : teams.tenant_id) << "\n"
        << "  auth: " << (teams.auth ? "true" : "false (requests are NOT checked)") << "\n"
        << "  webhook_security_token: " << secret_summary(teams.webhook_security_token) << "\n"
        << "  service_url_hosts: " << join(teams.service_url_hosts, ", ") << "\n"
        << "  openid_metadata_url: " << teams.openid_metadata_url << "\n";
    const MatrixConfig& matrix = config.matrix;
    out << "[matrix]\n"
        << "  enabled: " << (matrix.enabled ? "true" : "false") << "\n"
        << "  mode: " << matrix_mode_name(matrix.mode) << "\n"
        << "  homeserver_url: " << or_not_set(matrix.homeserver_url) << "\n"
        << "  user_id: " << or_not_set(matrix.user_id) << "\n"
        << "  as_token: " << secret_summary(matrix.as_token) << "\n"
        << "  hs_token: " << secret_summary(matrix.hs_token) << "\n"
        << "  access_token: " << secret_summary(matrix.access_token) << "\n"
        << "  allowed_inviters: "
        << (matrix.allowed_inviters.empty() ? "(anyone on the homeserver's domain)"
                                            : join(matrix.allowed_inviters, ", "))
        << "\n";
    const RemindersConfig& reminders = config.reminders;
    out << "[reminders]\n"
        << "  quiet_hours: " << reminders.quiet_hours << "\n"
        << "  school_days: " << join(reminders.school_days, ", ") << "\n"
        << "  holiday_region: " << holiday_region_summary(reminders.holiday_region) << "\n";
    if (reminders.extra_holidays.empty()) {
        out << "  holiday: (none)\n";
    }
    for (const HolidayPeriod& holiday : reminders.extra_holidays) {
        out << "  holiday: " << holiday.name << ", " << day_text(holiday.first)
            << (holiday.last == holiday.first ? "" : " .. " + day_text(holiday.last)) << "\n";
    }
    out << "[polls]\n"
        << "  secret: "
        << (config.polls.secret.is_set() ? secret_summary(config.polls.secret)
                                         : "(not set: a key file next to the database)")
        << "\n";
    const QuestionsConfig& questions = config.questions;
    out << "[questions]\n"
        << "  route_count: " << questions.route_count << "\n"
        << "  follow_up_school_days: " << questions.follow_up_school_days << "\n"
        << "  escalation_school_days: " << questions.escalation_school_days << "\n"
        << "  consent_days: " << questions.consent_days << "\n";
    describe_participation(out, config.participation);
    return out.str();
}

SendWindow send_window_for(const RemindersConfig& reminders) {
    SendWindow window;
    if (const auto quiet = parse_quiet_hours(reminders.quiet_hours)) {
        window.quiet_from = quiet->from;
        window.quiet_until = quiet->until;
    }
    std::array<bool, 7> school_days{};
    bool any_day = false;
    for (const std::string& day : reminders.school_days) {
        if (const auto index = parse_weekday_abbreviation(day)) {
            school_days[static_cast<std::size_t>(*index)] = true;
            any_day = true;
        }
    }
    if (any_day) {
        window.school_days = school_days;
    }
    const std::string region = fold(reminders.holiday_region);
    // A region, or holidays of its own: the administrator keeps a holiday calendar.
    window.holiday_calendar = !means_none(region) || !reminders.extra_holidays.empty();
    for (const int year : known_holiday_school_years()) {
        for (HolidayPeriod& holiday : dutch_school_holidays(region, year)) {
            window.holidays.push_back(std::move(holiday));
        }
    }
    window.holidays.insert(window.holidays.end(), reminders.extra_holidays.begin(),
                           reminders.extra_holidays.end());
    return window;
}

}  // namespace leernetwerk::app
