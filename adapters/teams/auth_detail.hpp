#pragma once
// Private to the Teams authentication code (auth.cpp, token_validator.cpp, token_provider.cpp):
// the JSON and URL checks they share, defined in auth.cpp.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "bot/vocab/result.hpp"

namespace leernetwerk::teams::detail {

/// After a failed key fetch, requests fail closed without a new fetch for this long, so an
/// outage of the metadata endpoint does not turn every inbound request into an outbound one.
inline constexpr std::chrono::seconds kFailedFetchRetryAfter{10};

/// The member's string value, or nullopt when absent or not a string.
std::optional<std::string> string_member(const nlohmann::json& object, const char* name);
/// The member's numeric value, or nullopt when absent or not a (finite) number.
std::optional<double> number_member(const nlohmann::json& object, const char* name);
/// https, or http on a loopback host (tests and local runs).
bool allowed_metadata_url(std::string_view url);
/// https, or http on loopback when the metadata itself came from http on loopback.
bool allowed_jwks_url(std::string_view jwks_url, std::string_view metadata_url);
/// application/x-www-form-urlencoded value: unreserved characters kept, all else %XX.
std::string form_encode(std::string_view value);
/// A token refused: 401, the reason named (never the token).
tl::unexpected<Error> reject(std::string why);

}  // namespace leernetwerk::teams::detail
