// Matrix identifiers as the spec writes them: user, room and event ids checked before use, a
// user id typed in a message recognised, the server name of a user id.
#include <algorithm>
#include <cctype>
#include <string>

#include "adapters/matrix/transaction.hpp"
#include "adapters/matrix/wire_detail.hpp"

namespace leernetwerk::matrix {
namespace {

using detail::kMaxIdBytes;

bool has_control_or_space(std::string_view text) {
    return std::any_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

bool valid_server_name(std::string_view server) {
    return !server.empty() && !has_control_or_space(server) &&
           server.find_first_of("/?#@") == std::string_view::npos;
}

bool is_localpart_char(char c) {
    // Historical user ids may contain more than the current grammar; accept printable ASCII
    // except ':' and spaces, which is what homeservers still federate.
    return c > 0x20 && c < 0x7f && c != ':';
}

bool sigil_id(std::string_view id, char sigil, bool server_required) {
    if (id.size() < 2 || id.size() > kMaxIdBytes || id.front() != sigil ||
        has_control_or_space(id)) {
        return false;
    }
    const auto colon = id.find(':');
    if (colon == std::string_view::npos) {
        return !server_required;
    }
    return colon > 1 && valid_server_name(id.substr(colon + 1));
}
}  // namespace

bool is_valid_user_id(std::string_view id) {
    if (!sigil_id(id, '@', /*server_required=*/true)) {
        return false;
    }
    const auto localpart = id.substr(1, id.find(':') - 1);
    return std::all_of(localpart.begin(), localpart.end(), is_localpart_char);
}

bool is_typed_user_id(std::string_view id) {
    if (id.size() < 4 || id.size() > kMaxIdBytes || id.front() != '@') {
        return false;
    }
    const auto colon = id.find(':');
    if (colon == std::string_view::npos || colon == 1) {
        return false;
    }
    const auto localpart = id.substr(1, colon - 1);
    const bool local_ok = std::all_of(localpart.begin(), localpart.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               std::string_view("._=-/+").find(c) != std::string_view::npos;
    });
    auto server = id.substr(colon + 1);
    if (!local_ok || server.empty()) {
        return false;
    }
    std::string_view host = server;
    std::string_view port;
    if (server.front() == '[') {  // an IPv6 literal
        const auto bracket = server.find(']');
        if (bracket == std::string_view::npos || bracket < 3) {
            return false;
        }
        const auto inside = server.substr(1, bracket - 1);
        if (!std::all_of(inside.begin(), inside.end(), [](char c) {
                return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.';
            })) {
            return false;
        }
        host = {};
        const auto rest = server.substr(bracket + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                return false;
            }
            port = rest.substr(1);
            if (port.empty()) {
                return false;
            }
        }
    } else if (const auto port_colon = server.find(':'); port_colon != std::string_view::npos) {
        host = server.substr(0, port_colon);
        port = server.substr(port_colon + 1);
        if (port.empty()) {
            return false;
        }
    }
    if (port.size() > 5 ||
        !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return false;
    }
    if (server.front() != '[') {
        if (host.empty() || host.front() == '.' || host.back() == '.' || host.front() == '-' ||
            host.size() > 253) {
            return false;
        }
        return std::all_of(host.begin(), host.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-';
        });
    }
    return true;
}

bool is_valid_room_id(std::string_view id) {
    return sigil_id(id, '!', /*server_required=*/false);
}

bool is_valid_event_id(std::string_view id) {
    return sigil_id(id, '$', /*server_required=*/false);
}

std::string server_of(std::string_view user_id) {
    if (!is_valid_user_id(user_id)) {
        return {};
    }
    return std::string(user_id.substr(user_id.find(':') + 1));
}

}  // namespace leernetwerk::matrix
