// Inside the configuration loader: one reader per [section] of the TOML file.
#include "app/config_readers.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <sstream>
#include <utility>

#include <arpa/inet.h>

#include "bot/vocab/send_window.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::app::config_detail {

std::string check_user_id(std::string_view user_id) {
    const std::size_t colon = user_id.find(':');
    const bool ok = user_id.size() >= 4 && user_id.front() == '@' && colon != std::string::npos &&
                    colon > 1 && colon + 1 < user_id.size() &&
                    user_id.find_first_of(" \t\r\n") == std::string::npos;
    if (ok) {
        return {};
    }
    return "expected a Matrix user ID like \"@leernetwerk:school.nl\", got " + quote(user_id);
}

namespace {

/// An IPv4 or IPv6 address the server can listen on ("999.1.1.1" is none).

bool is_ip_address(const std::string& text) {
    unsigned char buffer[16];
    return inet_pton(AF_INET, text.c_str(), buffer) == 1 ||
           inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

/// The Microsoft App ID form: 8-4-4-4-12 hexadecimal digits.

bool is_guid(std::string_view text) {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        const char c = text[i];
        const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hex) {
            return false;
        }
    }
    return true;
}

/// http://localhost or http://127.0.0.1 exactly as the host (a port or a path may follow), for a

/// local test peer; "http://localhost.evil.example/" is not.

bool is_loopback_http(std::string_view url) {
    for (const std::string_view prefix : {"http://localhost", "http://127.0.0.1"}) {
        if (url.starts_with(prefix)) {
            const auto rest = url.substr(prefix.size());
            return rest.empty() || rest.front() == ':' || rest.front() == '/';
        }
    }
    return false;
}

/// A TOML date (`first = 2027-02-12`, no quotes) of one [[reminders.holiday]] entry.

std::optional<LocalDay> read_holiday_day(Section& section, const toml::table& entry,
                                         const std::string& where, std::string_view key) {
    const std::string dotted = where + "." + std::string(key);
    const toml::node* node = entry.get(key);
    if (node == nullptr) {
        section.fail(dotted, "required: a date like 2027-02-12");
        return std::nullopt;
    }
    if (!node->is_date()) {
        section.fail(dotted, "expected a date like 2027-02-12 (a TOML date, without quotes), " +
                                 got(*node, toml::node_type::date));
        return std::nullopt;
    }
    const toml::date value = node->as_date()->get();
    return LocalDay{date::year{value.year} / date::month{value.month} / date::day{value.day}};
}

/// The [[reminders.holiday]] entries: `name`, `first` and `last` (TOML dates, both included).

void read_extra_holidays(Section& section, std::vector<HolidayPeriod>& holidays) {
    const toml::node* node = section.read_node("holiday");
    if (node == nullptr) {
        return;
    }
    constexpr std::string_view kShape =
        "expected [[reminders.holiday]] entries with name, first and last";
    const toml::array* entries = node->as_array();
    if (entries == nullptr) {
        section.fail("holiday", std::string(kShape) + ", " +
                                    got(*node, toml::node_type::array, /*echo=*/false));
        return;
    }
    std::size_t number = 0;
    for (const toml::node& item : *entries) {
        ++number;
        const std::string where = "holiday[" + std::to_string(number) + "]";
        const toml::table* entry = item.as_table();
        if (entry == nullptr) {
            section.fail(where, std::string(kShape) + ", " +
                                    got(item, toml::node_type::table, /*echo=*/false));
            continue;
        }
        bool ok = true;
        for (auto&& [key, value] : *entry) {
            (void)value;
            if (key.str() != "name" && key.str() != "first" && key.str() != "last") {
                section.fail(where + "." + std::string(key.str()),
                             "unknown key; known keys in [[reminders.holiday]]: name, first, last");
                ok = false;
            }
        }
        HolidayPeriod holiday;
        const toml::node* name = entry->get("name");
        if (name == nullptr) {
            section.fail(where + ".name", "required: what the day is called, e.g. \"Studiedag\"");
            ok = false;
        } else if (!name->is_string()) {
            section.fail(where + ".name",
                         "expected a string, " + got(*name, toml::node_type::string));
            ok = false;
        } else if (trim(name->as_string()->get()).empty()) {
            section.fail(where + ".name", "must not be empty");
            ok = false;
        } else {
            holiday.name = std::string(trim(name->as_string()->get()));
        }
        const auto first = read_holiday_day(section, *entry, where, "first");
        const auto last = read_holiday_day(section, *entry, where, "last");
        if (first && last && *last < *first) {
            section.fail(where + ".last", "before first: " + day_text(*last) + " is earlier than " +
                                              day_text(*first));
            ok = false;
        }
        if (ok && first && last) {
            holiday.first = *first;
            holiday.last = *last;
            holidays.push_back(std::move(holiday));
        }
    }
}

}  // namespace

void read_bot(Section& section, BotConfig& bot) {
    if (auto language = section.read_choice("language", kLanguages)) {
        bot.language = *language;
    }
    if (auto zone = section.read_string("time_zone")) {
        if (is_known_zone(*zone)) {
            bot.time_zone = *zone;
        } else {
            section.fail("time_zone", "unknown time zone " + quote(*zone) +
                                          "; use an IANA name such as \"Europe/Amsterdam\"");
        }
    }
    if (auto name = section.read_string("name")) {
        bot.name = *name;
    }
    // At least two: with one, an anonymous poll would show its first answer on its own.
    if (auto min = section.read_int("min_anonymous_respondents", 2, 100)) {
        bot.min_anonymous_respondents = static_cast<int>(*min);
    }
}

void read_storage(Section& section, StorageConfig& storage) {
    if (auto path = section.read_string("path")) {
        storage.path = *path;
    }
}

void read_log(Section& section, LogConfig& log) {
    if (auto level = section.read_choice("level", kLogLevels)) {
        log.level = *level;
    }
    if (auto format = section.read_choice("format", kLogFormats)) {
        log.format = *format;
    }
}

void read_server(Section& section, ServerConfig& server) {
    if (auto address = section.read_string("address")) {
        if (is_ip_address(*address)) {
            server.address = *address;
        } else {
            section.fail("address",
                         "expected an IP address to listen on, such as \"127.0.0.1\", "
                         "\"0.0.0.0\" or \"::\", got " +
                             quote(*address));
        }
    }
    if (auto port = section.read_int("port", 0, 65535)) {
        server.port = static_cast<int>(*port);
    }
    if (auto bytes = section.read_int("max_body_bytes", 1024, 10485760)) {
        server.max_body_bytes = static_cast<std::size_t>(*bytes);
    }
    if (auto seconds = section.read_int("read_timeout_seconds", 1, 300)) {
        server.read_timeout_seconds = static_cast<int>(*seconds);
    }
    if (auto depth = section.read_int("max_outbox_depth", 0, 10000000)) {
        server.max_outbox_depth = static_cast<int>(*depth);
    }
    if (auto seconds = section.read_int("header_timeout_seconds", 1, 300)) {
        server.header_timeout_seconds = static_cast<int>(*seconds);
    }
    if (auto seconds = section.read_int("idle_timeout_seconds", 1, 300)) {
        server.idle_timeout_seconds = static_cast<int>(*seconds);
    }
    if (auto count = section.read_int("max_connections", 16, 100000)) {
        server.max_connections = static_cast<std::size_t>(*count);
    }
    if (auto count = section.read_int("max_connections_per_address", 0, 100000)) {
        server.max_connections_per_address = static_cast<std::size_t>(*count);
    }
    if (auto count = section.read_int("probe_reserve", 0, 1000)) {
        server.probe_reserve = static_cast<std::size_t>(*count);
    }
    if (auto megabytes = section.read_int("min_free_disk_mb", 0, 1000000)) {
        server.min_free_disk_mb = static_cast<std::uint64_t>(*megabytes);
    }
    if (auto url = section.read_string("public_url")) {
        // https:// with a host (a path may follow, e.g. behind a proxy prefix); http:// only for
        // localhost, to try feeds on this machine. No query or fragment: feed paths are appended.
        while (url->size() > 8 && url->ends_with('/')) {
            url->pop_back();
        }
        const std::size_t scheme = url->starts_with("https://") ? 8
                                   : is_loopback_http(*url)     ? 7
                                                                : 0;
        const bool has_host = scheme > 0 && url->size() > scheme && (*url)[scheme] != '/';
        if (has_host && url->find_first_of("?# \t") == std::string::npos) {
            server.public_url = *url;
        } else {
            section.fail("public_url",
                         "expected the https:// address members reach the bot at, such as "
                         "\"https://leernetwerk.school.nl\" (no ? or #), got " +
                             quote(*url));
        }
    }
}

void read_teams(Section& section, TeamsConfig& teams) {
    if (auto enabled = section.read_bool("enabled")) {
        teams.enabled = *enabled;
    }
    if (auto app_id = section.read_string("app_id")) {
        if (is_guid(*app_id)) {
            teams.app_id = *app_id;
        } else {
            section.fail("app_id",
                         "expected the Microsoft App ID, a GUID like "
                         "00000000-0000-0000-0000-000000000000, got " +
                             quote(*app_id));
        }
    }
    teams.app_password = section.read_secret("app_password");
    if (auto tenant_id = section.read_string("tenant_id", /*allow_empty=*/true)) {
        teams.tenant_id = *tenant_id;
    }
    if (auto auth = section.read_bool("auth")) {
        teams.auth = *auth;
    }
    teams.webhook_security_token = section.read_secret("webhook_security_token");
    if (teams.webhook_security_token.is_set()) {
        const auto& token = teams.webhook_security_token.value;
        const bool base64 = !token.empty() && token.size() % 4 == 0 &&
                            token.find_first_not_of(
                                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
                                "vwxyz0123456789+/=") == std::string::npos;
        if (!base64) {
            section.fail("webhook_security_token",
                         "expected the base64 security token Teams showed when the outgoing "
                         "webhook was created");
        }
    }
    if (auto hosts = section.read_string_list("service_url_hosts", [](std::string_view host) {
            const bool ok = !host.empty() && host.find_first_of(" /:") == std::string_view::npos;
            return ok ? std::string()
                      : "expected a host name such as \"smba.trafficmanager.net\" "
                        "or \"*.botframework.com\", got " +
                            quote(host);
        })) {
        teams.service_url_hosts = std::move(*hosts);
    }
    if (auto url = section.read_string("openid_metadata_url")) {
        if (url->starts_with("https://") || is_loopback_http(*url)) {
            teams.openid_metadata_url = *url;
        } else {
            section.fail("openid_metadata_url", "expected an https:// URL, got " + quote(*url));
        }
    }
    if (teams.enabled) {
        // A team without a bot registration can still use the outgoing webhook alone.
        constexpr std::string_view kWhen =
            "[teams] enabled = true (unless only the outgoing webhook is used: then set "
            "webhook_security_token)";
        section.require("app_id", !teams.app_id.empty() || teams.webhook_security_token.is_set(),
                        kWhen);
        if (teams.auth && !teams.app_id.empty()) {
            section.require_secret("app_password", teams.app_password,
                                   "[teams] enabled = true and auth = true");
        }
    }
}

void read_matrix(Section& section, MatrixConfig& matrix) {
    if (auto enabled = section.read_bool("enabled")) {
        matrix.enabled = *enabled;
    }
    if (auto mode = section.read_choice("mode", kMatrixModes)) {
        matrix.mode = *mode;
    }
    if (auto url = section.read_string("homeserver_url")) {
        const std::size_t scheme = url->starts_with("https://")  ? 8
                                   : url->starts_with("http://") ? 7
                                                                 : 0;
        while (scheme > 0 && url->size() > scheme && url->ends_with('/')) {
            url->pop_back();
        }
        if (scheme > 0 && url->size() > scheme) {
            matrix.homeserver_url = *url;
        } else {
            section.fail("homeserver_url",
                         "expected a URL starting with http:// or https://, got " + quote(*url));
        }
    }
    if (auto user_id = section.read_string("user_id")) {
        if (std::string problem = check_user_id(*user_id); problem.empty()) {
            matrix.user_id = *user_id;
        } else {
            section.fail("user_id", problem);
        }
    }
    matrix.as_token = section.read_secret("as_token");
    matrix.hs_token = section.read_secret("hs_token");
    matrix.access_token = section.read_secret("access_token");
    if (auto inviters = section.read_string_list("allowed_inviters", check_user_id)) {
        matrix.allowed_inviters = std::move(*inviters);
    }
    if (matrix.enabled) {
        constexpr std::string_view kWhen = "[matrix] enabled = true";
        section.require("homeserver_url", !matrix.homeserver_url.empty(), kWhen);
        section.require("user_id", !matrix.user_id.empty(), kWhen);
        if (!section.failed("mode")) {
            if (matrix.mode == MatrixMode::appservice) {
                constexpr std::string_view kWhenAppservice =
                    "[matrix] enabled = true and mode = \"appservice\"";
                section.require_secret("as_token", matrix.as_token, kWhenAppservice);
                section.require_secret("hs_token", matrix.hs_token, kWhenAppservice);
            } else {
                section.require_secret("access_token", matrix.access_token,
                                       "[matrix] enabled = true and mode = \"bot\"");
            }
        }
    }
}

void read_polls(Section& section, PollsConfig& polls) {
    polls.secret = section.read_secret("secret");
    if (polls.secret.is_set() && polls.secret.value.size() < 16) {
        section.fail("secret", "expected at least 16 characters (a random key), got " +
                                   std::to_string(polls.secret.value.size()));
    }
}

void read_reminders(Section& section, RemindersConfig& reminders) {
    if (auto quiet = section.read_string("quiet_hours")) {
        if (parse_quiet_hours(*quiet)) {
            reminders.quiet_hours = fold(*quiet);
        } else {
            section.fail("quiet_hours",
                         "expected \"HH:MM-HH:MM\" such as \"18:00-08:00\" (or \"geen\" for no "
                         "quiet hours), got " +
                             quote(*quiet));
        }
    }
    if (auto days = section.read_string_list("school_days", [](std::string_view day) {
            return parse_weekday_abbreviation(day)
                       ? std::string()
                       : "expected a weekday abbreviation (ma, di, wo, do, vr, za, zo or mon, "
                         "tue, wed, thu, fri, sat, sun), got " +
                             quote(day);
        })) {
        std::array<bool, 7> seen{};
        std::string repeated;
        for (const std::string& day : *days) {
            bool& was_seen = seen[static_cast<std::size_t>(*parse_weekday_abbreviation(day))];
            if (was_seen && repeated.empty()) {
                repeated = day;
            }
            was_seen = true;
        }
        if (days->empty()) {
            // No school day at all would hold every reminder back for ever.
            section.fail(
                "school_days",
                "must list at least one day, e.g. [\"ma\", \"di\", \"wo\", \"do\", \"vr\"]");
        } else if (!repeated.empty()) {
            section.fail("school_days", "lists the same day twice (" + quote(repeated) + ")");
        } else {
            reminders.school_days.clear();
            for (const std::string& day : *days) {
                reminders.school_days.push_back(fold(day));
            }
        }
    }
    if (auto region = section.read_string("holiday_region", /*allow_empty=*/true)) {
        const std::string folded = fold(*region);
        const auto regions = known_holiday_regions();
        if (means_none(folded) ||
            std::find(regions.begin(), regions.end(), folded) != regions.end()) {
            reminders.holiday_region = folded;
        } else {
            std::vector<std::string> names;
            for (const std::string_view name : regions) {
                names.push_back(quote(name));
            }
            section.fail("holiday_region", "expected " + join(names, ", ") +
                                               " or \"geen\" (no built-in holidays), got " +
                                               quote(*region));
        }
    }
    read_extra_holidays(section, reminders.extra_holidays);
}

void read_questions(Section& section, QuestionsConfig& questions) {
    if (auto count = section.read_int("route_count", 1, 10)) {
        questions.route_count = static_cast<int>(*count);
    }
    const auto follow_up = section.read_int("follow_up_school_days", 1, 30);
    if (follow_up) {
        questions.follow_up_school_days = static_cast<int>(*follow_up);
    }
    // The facilitator is asked after the other members, never before: also when only the
    // follow-up is set, past the default escalation.
    if (auto days = section.read_int("escalation_school_days", 2, 60)) {
        if (*days > questions.follow_up_school_days) {
            questions.escalation_school_days = static_cast<int>(*days);
        } else {
            section.fail("escalation_school_days",
                         "must be more than follow_up_school_days (" +
                             std::to_string(questions.follow_up_school_days) + "), got " +
                             std::to_string(*days));
        }
    } else if (follow_up && *follow_up >= questions.escalation_school_days) {
        section.fail("follow_up_school_days", "must be less than escalation_school_days (" +
                                                  std::to_string(questions.escalation_school_days) +
                                                  "), got " + std::to_string(*follow_up));
    }
    if (auto days = section.read_int("consent_days", 1, 90)) {
        questions.consent_days = static_cast<int>(*days);
    }
}

}  // namespace leernetwerk::app::config_detail
