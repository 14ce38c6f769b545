#include "app/config.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <utility>

#include <arpa/inet.h>

// Debian builds toml++ as a shared library: the imported target tomlplusplus::tomlplusplus adds
// -DTOML_HEADER_ONLY=0 -DTOML_SHARED_LIB=1 and links libtomlplusplus.so. It is built with
// exceptions, so toml::parse returns a toml::table and throws toml::parse_error.
#include <toml++/toml.h>

#include "bot/vocab/send_window.hpp"
#include "bot/vocab/text.hpp"
#include "bot/vocab/when.hpp"

namespace leernetwerk::app {
namespace {

namespace fs = std::filesystem;

/// Longest stretch of a wrong value echoed in an error, in characters.
constexpr std::size_t kMaxEchoChars = 60;

template <class E>
struct Choice {
    std::string_view name;
    E value;
};

constexpr Choice<Lang> kLanguages[] = {{"nl", Lang::nl}, {"en", Lang::en}};
constexpr Choice<LogLevel> kLogLevels[] = {
    {"trace", LogLevel::trace}, {"debug", LogLevel::debug}, {"info", LogLevel::info},
    {"warn", LogLevel::warn},   {"error", LogLevel::error}, {"off", LogLevel::off},
};
constexpr Choice<LogFormat> kLogFormats[] = {{"text", LogFormat::text}, {"json", LogFormat::json}};
constexpr Choice<MatrixMode> kMatrixModes[] = {
    {"appservice", MatrixMode::appservice},
    {"bot", MatrixMode::bot},
};

std::string type_phrase(toml::node_type type) {
    switch (type) {
        case toml::node_type::string:
            return "a string";
        case toml::node_type::integer:
            return "an integer";
        case toml::node_type::floating_point:
            return "a floating-point number";
        case toml::node_type::boolean:
            return "a boolean";
        case toml::node_type::date:
            return "a date";
        case toml::node_type::time:
            return "a time";
        case toml::node_type::date_time:
            return "a date-time";
        case toml::node_type::array:
            return "an array";
        case toml::node_type::table:
            return "a table";
        case toml::node_type::none:
            break;
    }
    return "nothing";
}

/// `text` in double quotes, with quotes and control characters escaped and long text cut short.
std::string quote(std::string_view text) {
    std::string out = "\"";
    std::size_t chars = 0;
    for (char c : text) {
        const bool starts_char = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        if (starts_char) {
            if (chars == kMaxEchoChars) {
                out += "...";
                break;
            }
            ++chars;
        }
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                out += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
                break;
        }
    }
    out += '"';
    return out;
}

/// How a scalar value is shown in an error; nullopt for arrays and tables.
std::optional<std::string> shown_value(const toml::node& node) {
    std::ostringstream out;
    switch (node.type()) {
        case toml::node_type::string:
            return quote(node.as_string()->get());
        case toml::node_type::integer:
            return std::to_string(node.as_integer()->get());
        case toml::node_type::boolean:
            return node.as_boolean()->get() ? "true" : "false";
        case toml::node_type::floating_point:
            out << *node.as_floating_point();
            break;
        case toml::node_type::date:
            out << *node.as_date();
            break;
        case toml::node_type::time:
            out << *node.as_time();
            break;
        case toml::node_type::date_time:
            out << *node.as_date_time();
            break;
        default:
            return std::nullopt;
    }
    return out.str();
}

/// "got 70000", "got \"abc\" (a string)" (the type is named when it is not the expected one),
/// or just "got an integer" when the value must not be echoed (secrets).
std::string got(const toml::node& node, toml::node_type expected, bool echo = true) {
    const std::optional<std::string> shown = echo ? shown_value(node) : std::nullopt;
    if (!shown) {
        return "got " + type_phrase(node.type());
    }
    if (node.type() == expected) {
        return "got " + *shown;
    }
    return "got " + *shown + " (" + type_phrase(node.type()) + ")";
}

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) {
            return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
        };
        if (lower(a[i]) != lower(b[i])) {
            return false;
        }
    }
    return true;
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
    std::string out;
    for (const std::string& item : items) {
        if (!out.empty()) {
            out += separator;
        }
        out += item;
    }
    return out;
}

/// `"nl" or "en"`, or `one of "trace", "debug", ...`.
template <class E, std::size_t N>
std::string choice_phrase(const Choice<E> (&choices)[N]) {
    if constexpr (N == 2) {
        return quote(choices[0].name) + " or " + quote(choices[1].name);
    } else {
        std::vector<std::string> names;
        for (const Choice<E>& choice : choices) {
            names.push_back(quote(choice.name));
        }
        return "one of " + join(names, ", ");
    }
}

template <class E, std::size_t N>
std::string_view choice_name(const Choice<E> (&choices)[N], E value) {
    for (const Choice<E>& choice : choices) {
        if (choice.value == value) {
            return choice.name;
        }
    }
    return "?";
}

std::string trim_trailing_newlines(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    return text;
}

/// A path in double quotes, whole: an administrator needs all of it to find the file.
std::string quote_path(const std::string& path) {
    return "\"" + path + "\"";
}

/// The whole file as text, or an error message (which names the file, never its contents).
tl::expected<std::string, std::string> read_whole_file(const std::string& path) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (status.type() == fs::file_type::not_found) {
        return tl::unexpected("file " + quote_path(path) + " does not exist");
    }
    if (status.type() == fs::file_type::directory) {
        return tl::unexpected(quote_path(path) + " is a directory, not a file");
    }
    // A device or a pipe (/dev/zero) would be read forever; a configuration or secret is a small
    // regular file.
    constexpr std::uintmax_t kMaxFileBytes = 1024 * 1024;
    if (status.type() != fs::file_type::regular) {
        return tl::unexpected(quote_path(path) + " is not a regular file");
    }
    if (const auto size = fs::file_size(path, ec); !ec && size > kMaxFileBytes) {
        return tl::unexpected("file " + quote_path(path) + " is larger than 1 MiB");
    }
    errno = 0;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        const int saved = errno;
        return tl::unexpected("cannot read file " + quote_path(path) +
                              (saved != 0 ? std::string(": ") + std::strerror(saved) : ""));
    }
    std::ostringstream contents;
    contents << in.rdbuf();
    if (in.bad()) {
        return tl::unexpected("cannot read file " + quote_path(path));
    }
    return contents.str();
}

/// Reads the keys of one [section], collects its errors, and knows which keys it read so it can
/// report the rest as unknown.
class Section {
public:
    Section(const toml::table* table, std::string name, const std::string& file,
            std::vector<ConfigError>& errors)
        : table_(table), name_(std::move(name)), file_(file), errors_(errors) {}

    const std::string& name() const { return name_; }
    const std::vector<std::string>& known_keys() const { return known_; }

    void fail(std::string_view key, std::string message) {
        errors_.push_back(ConfigError{file_, name_ + "." + std::string(key), std::move(message)});
        failed_.emplace_back(key);
    }

    /// True when an error was reported for `key` (so "required" is not reported on top of it).
    bool failed(std::string_view key) const {
        for (const std::string& failed_key : failed_) {
            if (failed_key == key) {
                return true;
            }
        }
        return false;
    }

    std::optional<std::string> read_string(std::string_view key, bool allow_empty = false) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (!node->is_string()) {
            fail(key, "expected a string, " + got(*node, toml::node_type::string));
            return std::nullopt;
        }
        std::string value = node->as_string()->get();
        if (value.empty() && !allow_empty) {
            fail(key, "must not be empty");
            return std::nullopt;
        }
        return value;
    }

    std::optional<bool> read_bool(std::string_view key) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (!node->is_boolean()) {
            fail(key,
                 "expected a boolean (true or false), " + got(*node, toml::node_type::boolean));
            return std::nullopt;
        }
        return node->as_boolean()->get();
    }

    std::optional<std::int64_t> read_int(std::string_view key, std::int64_t min, std::int64_t max) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        const std::int64_t value = node->is_integer() ? node->as_integer()->get() : 0;
        if (!node->is_integer() || value < min || value > max) {
            fail(key, "expected an integer from " + std::to_string(min) + " to " +
                          std::to_string(max) + ", " + got(*node, toml::node_type::integer));
            return std::nullopt;
        }
        return value;
    }

    template <class E, std::size_t N>
    std::optional<E> read_choice(std::string_view key, const Choice<E> (&choices)[N]) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (node->is_string()) {
            for (const Choice<E>& choice : choices) {
                if (iequals(node->as_string()->get(), choice.name)) {
                    return choice.value;
                }
            }
        }
        fail(key,
             "expected " + choice_phrase(choices) + ", " + got(*node, toml::node_type::string));
        return std::nullopt;
    }

    /// An array of non-empty strings; each item is checked by `check` (an error message or "").
    template <class Check>
    std::optional<std::vector<std::string>> read_string_list(std::string_view key, Check check) {
        const toml::node* node = find(key);
        if (node == nullptr) {
            return std::nullopt;
        }
        if (!node->is_array()) {
            fail(key, "expected an array of strings, " + got(*node, toml::node_type::array));
            return std::nullopt;
        }
        std::vector<std::string> items;
        bool ok = true;
        std::size_t number = 0;
        for (const toml::node& item : *node->as_array()) {
            ++number;
            const std::string where = "item " + std::to_string(number) + ": ";
            if (!item.is_string()) {
                fail(key, where + "expected a string, " + got(item, toml::node_type::string));
                ok = false;
                continue;
            }
            std::string text = item.as_string()->get();
            if (std::string problem = check(text); !problem.empty()) {
                fail(key, where + problem);
                ok = false;
                continue;
            }
            items.push_back(std::move(text));
        }
        if (!ok) {
            return std::nullopt;
        }
        return items;
    }

    /// A secret from `name`, `name_file` or `name_env`; Source::none when none of them is set or
    /// when there was an error. Errors never contain the value.
    Secret read_secret(std::string_view name) {
        const std::string file_key = std::string(name) + "_file";
        const std::string env_key = std::string(name) + "_env";
        const toml::node* inline_node = find(name);
        const toml::node* file_node = find(file_key);
        const toml::node* env_node = find(env_key);

        std::vector<std::string> present;
        for (auto [node, key] : {std::pair{inline_node, std::string(name)},
                                 std::pair{file_node, file_key}, std::pair{env_node, env_key}}) {
            if (node != nullptr) {
                present.push_back(key);
            }
        }
        if (present.empty()) {
            return {};
        }
        if (present.size() > 1) {
            fail(name, "set only one of " + std::string(name) + ", " + file_key + " or " + env_key +
                           " (found " + join(present, " and ") + ")");
            return {};
        }

        Secret secret;
        if (inline_node != nullptr) {
            if (!inline_node->is_string()) {
                fail(name, "expected a string, " +
                               got(*inline_node, toml::node_type::string, /*echo=*/false));
                return {};
            }
            secret.value = inline_node->as_string()->get();
            if (secret.value.empty()) {
                fail(name, "must not be empty");
                return {};
            }
            secret.source = Secret::Source::inline_value;
            return secret;
        }

        const bool from_file = file_node != nullptr;
        const std::string& key = from_file ? file_key : env_key;
        const toml::node* source_node = from_file ? file_node : env_node;
        if (source_node == nullptr) {
            return {};  // not reached: exactly one form is present here
        }
        const toml::node& node = *source_node;
        if (!node.is_string()) {
            fail(key, std::string("expected ") +
                          (from_file ? "a file path" : "an environment variable name") +
                          " (a string), " + got(node, toml::node_type::string, /*echo=*/false));
            failed_.emplace_back(name);
            return {};
        }
        secret.origin = node.as_string()->get();
        if (secret.origin.empty()) {
            fail(key, "must not be empty");
            failed_.emplace_back(name);
            return {};
        }

        if (from_file) {
            auto contents = read_whole_file(secret.origin);
            if (!contents) {
                fail(key, contents.error());
                failed_.emplace_back(name);
                return {};
            }
            secret.value = trim_trailing_newlines(std::move(*contents));
            if (secret.value.empty()) {
                fail(key, "file " + quote(secret.origin) + " is empty");
                failed_.emplace_back(name);
                return {};
            }
            secret.source = Secret::Source::file;
            return secret;
        }

        const char* env_value = std::getenv(secret.origin.c_str());
        if (env_value == nullptr || *env_value == '\0') {
            fail(key, "environment variable " + secret.origin +
                          (env_value == nullptr ? " is not set" : " is empty"));
            failed_.emplace_back(name);
            return {};
        }
        secret.value = env_value;
        secret.source = Secret::Source::env;
        return secret;
    }

    /// The raw value of `key` (now a known key), for shapes the read_* helpers do not cover.
    const toml::node* read_node(std::string_view key) { return find(key); }

    /// Reports a key that is required in the current situation but absent.
    void require(std::string_view key, bool present, std::string_view when) {
        if (!present && !failed(key)) {
            fail(key, "required when " + std::string(when));
        }
    }

    void require_secret(std::string_view name, const Secret& secret, std::string_view when) {
        if (!secret.is_set() && !failed(name)) {
            fail(name, "required when " + std::string(when) + " (set " + std::string(name) + ", " +
                           std::string(name) + "_file or " + std::string(name) + "_env)");
        }
    }

    /// Call after every read_*: reports the keys of the section that nothing read.
    void report_unknown_keys() {
        if (table_ == nullptr) {
            return;
        }
        for (auto&& [key, node] : *table_) {
            (void)node;
            bool known = false;
            for (const std::string& known_key : known_) {
                known = known || known_key == key.str();
            }
            if (!known) {
                errors_.push_back(ConfigError{
                    file_, name_ + "." + std::string(key.str()),
                    "unknown key; known keys in [" + name_ + "]: " + join(known_, ", ")});
            }
        }
    }

private:
    const toml::node* find(std::string_view key) {
        known_.emplace_back(key);
        return table_ != nullptr ? table_->get(key) : nullptr;
    }

    const toml::table* table_;
    std::string name_;
    const std::string& file_;
    std::vector<ConfigError>& errors_;
    std::vector<std::string> known_;
    std::vector<std::string> failed_;
};

/// An empty string when `user_id` looks like "@localpart:server", else the problem.
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

void read_server(Section& section, ServerConfig& server) {
    if (auto address = section.read_string("address")) {
        if (is_ip_address(*address)) {
            server.address = *address;
        } else {
            section.fail("address", "expected an IP address to listen on, such as \"127.0.0.1\", "
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
            section.fail("app_id", "expected the Microsoft App ID, a GUID like "
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

/// "geen" and "none" switch a setting off; so does an empty string where that is allowed.
bool means_none(std::string_view folded) {
    return folded.empty() || folded == "geen" || folded == "none";
}

/// `2027-02-12` as TOML writes a date.
std::string day_text(LocalDay day) {
    std::ostringstream out;
    out << date::year_month_day{day};
    return out.str();
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
