#pragma once
// Plain HTTP data shared by the server, the client and the platform adapters. No Boost here:
// adapters' headers stay free of Beast/Asio types (STYLE.md), the .cpp files use them.
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "bot/vocab/result.hpp"

namespace leernetwerk::net {

/// Header names compared case-insensitively, as HTTP wants.
struct HeaderLess {
    bool operator()(std::string_view a, std::string_view b) const;
    using is_transparent = void;
};
using Headers = std::map<std::string, std::string, HeaderLess>;

/// An inbound request as a route handler sees it.
struct Request {
    std::string method;                        ///< "GET", "POST", "PUT", ...
    std::string target;                        ///< as received: path and query
    std::string path;                          ///< percent-decoded path without the query
    std::map<std::string, std::string> query;  ///< percent-decoded query parameters
    Headers headers;
    std::string body;
    std::string remote_address;  ///< the peer's IP address, without the port

    /// The header's value, or "" when absent.
    std::string_view header(std::string_view name) const;
};

/// What a route handler answers.
struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
    Headers headers;  ///< extra headers (Retry-After, ...)

    static Response json(int status, std::string body);
    static Response text(int status, std::string body);
};

/// A handler answers by calling `respond` exactly once, now or later (after async work).
using Responder = std::function<void(Response)>;
using Handler = std::function<void(Request, Responder)>;
/// Looks at a request whose header has arrived but whose body has not been read: an answer
/// refuses it there (e.g. 503 while the bot catches up), nullopt lets it in.
using Gate = std::function<std::optional<Response>(const Request& head)>;

/// An outbound request.
struct ClientRequest {
    std::string method = "GET";
    std::string url;  ///< absolute http:// or https:// URL
    Headers headers;
    std::string body;
    std::chrono::milliseconds timeout{10000};  ///< whole exchange: connect, write, read
};

struct ClientResponse {
    int status = 0;
    Headers headers;
    std::string body;

    std::string_view header(std::string_view name) const;
};

using ClientCallback = std::function<void(Result<ClientResponse>)>;

/// Sends HTTP requests. The real one is HttpClient; tests script their own.
class HttpTransport {
public:
    virtual ~HttpTransport() = default;
    /// Sends `request`; `done` is called exactly once, on the I/O thread: with the response
    /// (whatever its status), or with an Error (code network for connect/TLS/timeout failures,
    /// bad_input for a malformed URL or a response over the size limit).
    virtual void send(ClientRequest request, ClientCallback done) = 0;
};

/// Parts of an absolute URL.
struct Url {
    std::string scheme;  ///< "http" or "https"
    std::string host;
    std::string port;    ///< explicit or the scheme's default
    std::string target;  ///< path and query, at least "/"
};
std::optional<Url> parse_url(std::string_view url);

/// Percent-encodes one path segment (':' ';' '@' '/' '?' '#' and everything outside unreserved).
std::string encode_path_segment(std::string_view segment);
/// Percent-encodes a query value.
std::string encode_query_value(std::string_view value);

}  // namespace leernetwerk::net
