#include "adapters/net/http.hpp"

#include <algorithm>
#include <cctype>

namespace leernetwerk::net {
namespace {

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

bool is_unreserved(char c) {
    const auto u = static_cast<unsigned char>(c);
    return std::isalnum(u) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (is_unreserved(c)) {
            out += c;
        } else {
            const auto u = static_cast<unsigned char>(c);
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 0x0F];
        }
    }
    return out;
}

std::string_view find_header(const Headers& headers, std::string_view name) {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string_view{} : std::string_view{it->second};
}

bool valid_port(std::string_view port) {
    if (port.empty() || port.size() > 5) {
        return false;
    }
    int value = 0;
    for (char c : port) {
        if (c < '0' || c > '9') {
            return false;
        }
        value = value * 10 + (c - '0');
    }
    return value >= 1 && value <= 65535;
}

bool valid_reg_name(std::string_view host) {
    if (host.empty()) {
        return false;
    }
    return std::all_of(host.begin(), host.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.' || c == '_';
    });
}

bool valid_ipv6_literal(std::string_view host) {
    if (host.empty()) {
        return false;
    }
    return std::all_of(host.begin(), host.end(), [](char c) {
        return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
    });
}

}  // namespace

bool HeaderLess::operator()(std::string_view a, std::string_view b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                        [](char x, char y) { return lower(x) < lower(y); });
}

std::string_view Request::header(std::string_view name) const {
    return find_header(headers, name);
}

std::string_view ClientResponse::header(std::string_view name) const {
    return find_header(headers, name);
}

Response Response::json(int status, std::string body) {
    Response response;
    response.status = status;
    response.content_type = "application/json";
    response.body = std::move(body);
    return response;
}

Response Response::text(int status, std::string body) {
    Response response;
    response.status = status;
    response.content_type = "text/plain; charset=utf-8";
    response.body = std::move(body);
    return response;
}

std::optional<Url> parse_url(std::string_view url) {
    const auto separator = url.find("://");
    if (separator == std::string_view::npos) {
        return std::nullopt;
    }
    Url parsed;
    for (char c : url.substr(0, separator)) {
        parsed.scheme += lower(c);
    }
    if (parsed.scheme != "http" && parsed.scheme != "https") {
        return std::nullopt;
    }
    const std::string_view rest = url.substr(separator + 3);
    const auto authority_end = rest.find_first_of("/?#");
    const std::string_view authority = rest.substr(0, authority_end);
    std::string_view tail =
        authority_end == std::string_view::npos ? std::string_view{} : rest.substr(authority_end);
    if (authority.empty() || authority.find('@') != std::string_view::npos) {
        return std::nullopt;  // no host, or user information (never sent in a URL here)
    }

    std::string_view host;
    std::string_view port;
    bool has_port = false;
    if (authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        host = authority.substr(1, close - 1);
        const std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                return std::nullopt;
            }
            port = after.substr(1);
            has_port = true;
        }
        if (!valid_ipv6_literal(host)) {
            return std::nullopt;
        }
    } else {
        const auto colon = authority.rfind(':');
        host = authority.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = authority.substr(colon + 1);
            has_port = true;
        }
        if (!valid_reg_name(host)) {
            return std::nullopt;
        }
    }
    if (has_port && !port.empty() && !valid_port(port)) {
        return std::nullopt;
    }
    for (char c : host) {
        parsed.host += lower(c);
    }
    parsed.port = port.empty() ? (parsed.scheme == "https" ? "443" : "80") : std::string(port);

    if (const auto hash = tail.find('#'); hash != std::string_view::npos) {
        tail = tail.substr(0, hash);
    }
    for (char c : tail) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7F) {
            return std::nullopt;  // spaces and control characters must be percent-encoded
        }
    }
    parsed.target =
        tail.empty() || tail.front() == '?' ? "/" + std::string(tail) : std::string(tail);
    return parsed;
}

std::string encode_path_segment(std::string_view segment) {
    return percent_encode(segment);
}

std::string encode_query_value(std::string_view value) {
    return percent_encode(value);
}

}  // namespace leernetwerk::net
