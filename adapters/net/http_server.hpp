#pragma once
// The HTTP/1.1 server every platform route lives on: one io_context thread, one coroutine per
// connection, a timeout on every read and write, header and body limits, keep-alive.
#include <cstdint>
#include <memory>
#include <string>

#include "adapters/net/http.hpp"

namespace boost::asio {
class io_context;
}

namespace leernetwerk::net {

struct ServerOptions {
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t default_body_limit = 256 * 1024;  ///< per route, unless the route says otherwise
    std::chrono::seconds read_timeout{10};        ///< a whole request must arrive within this
    std::chrono::seconds idle_timeout{60};        ///< keep-alive connection with no request
    std::chrono::seconds handler_timeout{30};     ///< a handler that never responds gets a 503
    std::size_t max_connections = 1024;           ///< more are closed at once
};

/// What the server counts, for /metrics.
struct ServerObserver {
    /// Called once per answered request with the route pattern ("" when no route matched).
    std::function<void(std::string_view route, std::string_view method, int status,
                       std::chrono::microseconds elapsed)>
        on_response;
};

class HttpServer {
public:
    HttpServer(boost::asio::io_context& io, ServerOptions options = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    /// Routes `method` on an exact path. A request to a known path with another method gets 405;
    /// an unknown path 404. A body over `body_limit` (0: the default) gets 413 before the handler.
    /// A `gate` is asked before the body is read (after the body limit is checked).
    void route(std::string method, std::string path, Handler handler, std::size_t body_limit = 0,
               Gate gate = {});
    /// Routes `method` on every path that starts with `prefix` (e.g. "/_matrix/app/v1/users/").
    void route_prefix(std::string method, std::string prefix, Handler handler,
                      std::size_t body_limit = 0, Gate gate = {});
    void set_observer(ServerObserver observer);

    /// Starts listening; returns the bound port (useful with port 0). Throws std::runtime_error
    /// naming the address when it cannot bind.
    std::uint16_t listen(const std::string& address, std::uint16_t port);
    /// Stops accepting, closes idle connections, lets in-flight requests finish.
    void stop();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace leernetwerk::net
