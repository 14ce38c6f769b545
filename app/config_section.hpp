#pragma once
// Inside the configuration loader (leernetwerk_config) only: reading the keys of one TOML
// [section] with every problem collected, and the value phrases its errors use. config.cpp
// reads the file and checks it whole, config_readers.cpp reads each section.
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>
#include <tl/expected.hpp>

#include "app/config.hpp"
#include "bot/vocab/when.hpp"

namespace leernetwerk::app::config_detail {

/// One accepted spelling of an enumerated setting.
template <class E>
struct Choice {
    std::string_view name;
    E value;
};

inline constexpr Choice<Lang> kLanguages[] = {{"nl", Lang::nl}, {"en", Lang::en}};
inline constexpr Choice<LogLevel> kLogLevels[] = {
    {"trace", LogLevel::trace}, {"debug", LogLevel::debug}, {"info", LogLevel::info},
    {"warn", LogLevel::warn},   {"error", LogLevel::error}, {"off", LogLevel::off},
};
inline constexpr Choice<LogFormat> kLogFormats[] = {{"text", LogFormat::text},
                                                    {"json", LogFormat::json}};
inline constexpr Choice<MatrixMode> kMatrixModes[] = {
    {"appservice", MatrixMode::appservice},
    {"bot", MatrixMode::bot},
};

/// `text` in double quotes, with quotes and control characters escaped and long text cut short.
std::string quote(std::string_view text);

/// "got 70000", "got \"abc\" (a string)" (the type is named when it is not the expected one),
/// or just "got an integer" when the value must not be echoed (secrets).
std::string got(const toml::node& node, toml::node_type expected, bool echo = true);

/// Equal, ignoring the case of ASCII letters.
bool iequals(std::string_view a, std::string_view b);

/// The items with `separator` between them.
std::string join(const std::vector<std::string>& items, std::string_view separator);

/// A path in double quotes, whole: an administrator needs all of it to find the file.
std::string quote_path(const std::string& path);

/// The whole file as text, or an error message (which names the file, never its contents).
tl::expected<std::string, std::string> read_whole_file(const std::string& path);

/// "geen" and "none" switch a setting off; so does an empty string where that is allowed.
bool means_none(std::string_view folded);

/// `key` as a part of a dotted TOML key: bare when it may be ("2026-2027"), else quoted.
std::string dotted_part(std::string_view key);

/// `2027-02-12` as TOML writes a date.
std::string day_text(LocalDay day);

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

/// The spelling of `value` among `choices` ("?" when none).
template <class E, std::size_t N>
std::string_view choice_name(const Choice<E> (&choices)[N], E value) {
    for (const Choice<E>& choice : choices) {
        if (choice.value == value) {
            return choice.name;
        }
    }
    return "?";
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

    void fail(std::string_view key, std::string message);

    /// True when an error was reported for `key` (so "required" is not reported on top of it).
    bool failed(std::string_view key) const;

    std::optional<std::string> read_string(std::string_view key, bool allow_empty = false);

    std::optional<bool> read_bool(std::string_view key);

    std::optional<std::int64_t> read_int(std::string_view key, std::int64_t min, std::int64_t max);

    template <class E, std::size_t N>
    std::optional<E> read_choice(std::string_view key, const Choice<E> (&choices)[N]);

    /// An array of non-empty strings; each item is checked by `check` (an error message or "").
    template <class Check>
    std::optional<std::vector<std::string>> read_string_list(std::string_view key, Check check);

    /// A secret from `name`, `name_file` or `name_env`; Source::none when none of them is set or
    /// when there was an error. Errors never contain the value.
    Secret read_secret(std::string_view name);

    /// The raw value of `key` (now a known key), for shapes the read_* helpers do not cover.
    const toml::node* read_node(std::string_view key) { return find(key); }

    /// Reports a key that is required in the current situation but absent.
    void require(std::string_view key, bool present, std::string_view when);

    void require_secret(std::string_view name, const Secret& secret, std::string_view when);

    /// Call after every read_*: reports the keys of the section that nothing read.
    void report_unknown_keys();

    /// A table inside this one, under `keys` (`years`, `2026-2027`): its errors name it by its
    /// dotted key (`hours.years.2026-2027`), each part quoted when TOML needs quotes for it.
    Section nested(const toml::table* table, std::initializer_list<std::string_view> keys) const;

private:
    const toml::node* find(std::string_view key);

    const toml::table* table_;
    std::string name_;
    const std::string& file_;
    std::vector<ConfigError>& errors_;
    std::vector<std::string> known_;
    std::vector<std::string> failed_;
};

template <class E, std::size_t N>
std::optional<E> Section::read_choice(std::string_view key, const Choice<E> (&choices)[N]) {
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
    fail(key, "expected " + choice_phrase(choices) + ", " + got(*node, toml::node_type::string));
    return std::nullopt;
}

template <class Check>
std::optional<std::vector<std::string>> Section::read_string_list(std::string_view key,
                                                                  Check check) {
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

}  // namespace leernetwerk::app::config_detail
