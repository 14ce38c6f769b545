// Inside the configuration loader: reading the keys of one TOML [section], and the value
// phrases of its errors.
#include "app/config_section.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <utility>

namespace leernetwerk::app::config_detail {
namespace {

namespace fs = std::filesystem;

/// Longest stretch of a wrong value echoed in an error, in characters.
constexpr std::size_t kMaxEchoChars = 60;

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

std::string trim_trailing_newlines(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
        text.pop_back();
    }
    return text;
}

}  // namespace

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

std::string got(const toml::node& node, toml::node_type expected, bool echo) {
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

std::string quote_path(const std::string& path) {
    return "\"" + path + "\"";
}

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

bool means_none(std::string_view folded) {
    return folded.empty() || folded == "geen" || folded == "none";
}

std::string day_text(LocalDay day) {
    std::ostringstream out;
    out << date::year_month_day{day};
    return out.str();
}

std::string dotted_part(std::string_view key) {
    const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
    return bare ? std::string(key) : quote(key);
}

Section Section::nested(const toml::table* table,
                        std::initializer_list<std::string_view> keys) const {
    std::string name = name_;
    for (const std::string_view key : keys) {
        name += "." + dotted_part(key);
    }
    return Section(table, std::move(name), file_, errors_);
}

void Section::fail(std::string_view key, std::string message) {
    errors_.push_back(ConfigError{file_, name_ + "." + std::string(key), std::move(message)});
    failed_.emplace_back(key);
}

bool Section::failed(std::string_view key) const {
    for (const std::string& failed_key : failed_) {
        if (failed_key == key) {
            return true;
        }
    }
    return false;
}

std::optional<std::string> Section::read_string(std::string_view key, bool allow_empty) {
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

std::optional<bool> Section::read_bool(std::string_view key) {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    if (!node->is_boolean()) {
        fail(key, "expected a boolean (true or false), " + got(*node, toml::node_type::boolean));
        return std::nullopt;
    }
    return node->as_boolean()->get();
}

std::optional<std::int64_t> Section::read_int(std::string_view key, std::int64_t min,
                                              std::int64_t max) {
    const toml::node* node = find(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    const std::int64_t value = node->is_integer() ? node->as_integer()->get() : 0;
    if (!node->is_integer() || value < min || value > max) {
        fail(key, "expected an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                      ", " + got(*node, toml::node_type::integer));
        return std::nullopt;
    }
    return value;
}

Secret Section::read_secret(std::string_view name) {
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

void Section::require(std::string_view key, bool present, std::string_view when) {
    if (!present && !failed(key)) {
        fail(key, "required when " + std::string(when));
    }
}

void Section::require_secret(std::string_view name, const Secret& secret, std::string_view when) {
    if (!secret.is_set() && !failed(name)) {
        fail(name, "required when " + std::string(when) + " (set " + std::string(name) + ", " +
                       std::string(name) + "_file or " + std::string(name) + "_env)");
    }
}

void Section::report_unknown_keys() {
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
            errors_.push_back(
                ConfigError{file_, name_ + "." + std::string(key.str()),
                            "unknown key; known keys in [" + name_ + "]: " + join(known_, ", ")});
        }
    }
}

const toml::node* Section::find(std::string_view key) {
    known_.emplace_back(key);
    return table_ != nullptr ? table_->get(key) : nullptr;
}

}  // namespace leernetwerk::app::config_detail
