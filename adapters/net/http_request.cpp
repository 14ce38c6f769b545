// Reading a request the way the server needs it: the target split and percent-decoded, the
// route chosen (404/405 told apart, HEAD probes), headers checked before they are sent.
#include <cctype>
#include <limits>
#include <stdexcept>

#include "adapters/net/server_state.hpp"

namespace leernetwerk::net::detail {
namespace {

bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

}  // namespace

bool is_parse_error(const error_code& ec) {
    return ec.category() == http::make_error_code(http::error::bad_target).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
}

namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/// Percent-decodes `text` ('+' as space when `plus_is_space`); nullopt on a broken escape or NUL.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            if (i + 2 >= text.size()) {
                return std::nullopt;
            }
            const int high = hex_value(text[i + 1]);
            const int low = hex_value(text[i + 2]);
            if (high < 0 || low < 0) {
                return std::nullopt;
            }
            c = static_cast<char>(high * 16 + low);
            i += 2;
        } else if (c == '+' && plus_is_space) {
            c = ' ';
        }
        if (c == '\0') {
            return std::nullopt;
        }
        out += c;
    }
    return out;
}

}  // namespace

/// Splits an origin-form target into the decoded path and query; false when it is not one.
bool parse_target(std::string_view target, Request& request) {
    if (target.empty() || target.front() != '/') {
        return false;
    }
    const auto question = target.find('?');
    auto path = percent_decode(target.substr(0, question), false);
    if (!path) {
        return false;
    }
    request.path = std::move(*path);
    if (question == std::string_view::npos) {
        return true;
    }
    std::string_view query = target.substr(question + 1);
    while (!query.empty()) {
        const auto amp = query.find('&');
        const std::string_view pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        if (pair.empty()) {
            continue;
        }
        const auto equals = pair.find('=');
        auto name = percent_decode(pair.substr(0, equals), true);
        auto value = percent_decode(
            equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1), true);
        if (!name || !value) {
            return false;
        }
        request.query.emplace(std::move(*name), std::move(*value));  // the first one wins
    }
    return true;
}

Match ServerState::find_route(const std::string& method, const std::string& path) const {
    // Candidate patterns, most specific first: the exact path, then prefixes by length.
    std::vector<std::pair<std::size_t, std::string>> patterns;  // (rank, pattern)
    std::set<std::string> seen;
    for (const auto& route : routes) {
        const bool matches =
            route->prefix ? path.starts_with(route->pattern) : path == route->pattern;
        if (matches && seen.insert((route->prefix ? "p" : "e") + route->pattern).second) {
            const std::size_t rank = route->prefix ? path.size() - route->pattern.size() + 1 : 0;
            patterns.emplace_back(rank, route->pattern);
        }
    }
    std::sort(patterns.begin(), patterns.end());

    Match match;
    if (patterns.empty()) {
        return match;
    }
    match.path_known = true;
    match.pattern = patterns.front().second;
    const auto route_for = [this](std::size_t rank, const std::string& pattern,
                                  std::string_view wanted) -> std::shared_ptr<const Route> {
        for (const auto& route : routes) {
            const bool same_pattern = route->pattern == pattern && route->prefix == (rank != 0);
            if (same_pattern && route->method == wanted) {
                return route;
            }
        }
        return nullptr;
    };
    for (const auto& [rank, pattern] : patterns) {
        if (auto route = route_for(rank, pattern, method)) {
            match.route = std::move(route);
            match.pattern = pattern;
            return match;
        }
        if (method == "HEAD") {
            if (auto get = route_for(rank, pattern, "GET")) {
                match.route = std::move(get);
                match.pattern = pattern;
                return match;
            }
            if (route_for(rank, pattern, "POST")) {
                match.probe = true;
                match.pattern = pattern;
                return match;
            }
        }
    }
    for (const auto& [rank, pattern] : patterns) {
        for (const auto& route : routes) {
            if (route->pattern == pattern && route->prefix == (rank != 0)) {
                match.allowed.insert(route->method);
                if (route->method == "GET" || route->method == "POST") {
                    match.allowed.insert("HEAD");
                }
            }
        }
    }
    return match;
}

Response error_response(int status, std::string_view message) {
    return Response::json(status, "{\"error\":\"" + std::string(message) + "\"}");
}

bool valid_header(const std::string& name, const std::string& value) {
    return !name.empty() && std::all_of(name.begin(), name.end(), is_token_char) &&
           value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos;
}

}  // namespace leernetwerk::net::detail
