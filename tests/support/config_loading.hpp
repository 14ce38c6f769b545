#pragma once
// Loading a configuration text in a test: it must load (every error shown when it does not), or
// it must fail with its errors as the administrator reads them.
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>

#include "app/config.hpp"

namespace leernetwerk::testing {

inline constexpr const char* kConfigFile = "config.toml";

/// Loads `text`, failing the test (with every error shown) when it does not load.
inline app::Config load_ok(std::string_view text) {
    auto result = app::load_config_string(text, kConfigFile);
    if (!result) {
        for (const app::ConfigError& error : result.error()) {
            UNSCOPED_INFO(error.to_string());
        }
    }
    REQUIRE(result.has_value());
    return *result;
}

/// Loads `text`, which must fail, and returns every error as to_string().
inline std::vector<std::string> load_errors(std::string_view text) {
    auto result = app::load_config_string(text, kConfigFile);
    REQUIRE_FALSE(result.has_value());
    std::vector<std::string> out;
    for (const app::ConfigError& error : result.error()) {
        out.push_back(error.to_string());
    }
    return out;
}

/// The one error `text` gives.
inline std::string load_error(std::string_view text) {
    const std::vector<std::string> errors = load_errors(text);
    INFO(::Catch::Detail::stringify(errors));
    REQUIRE(errors.size() == 1);
    return errors[0];
}

}  // namespace leernetwerk::testing
