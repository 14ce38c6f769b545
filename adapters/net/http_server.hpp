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
    /// The request line and headers must arrive within this (and within read_timeout).
    std::chrono::seconds header_timeout{5};
    std::chrono::seconds read_timeout{10};  ///< the body must arrive within this after the header
    std::chrono::seconds idle_timeout{5};    ///< keep-alive connection with no request
    std::chrono::seconds handler_timeout{30};  ///< a handler that never responds gets a 503
    /// Open connections in all. At the cap, the connection that waited longest for its next
    /// keep-alive request is closed to make room; without one, the new connection is closed.
    std::size_t max_connections = 1024;
    /// Of max_connections, this many only a local probe (127.0.0.1 or ::1) may use, so health
    /// checks get through while others fill the rest.
    std::size_t probe_reserve = 32;
    /// Open connections per remote address (0: no cap). Behind a reverse proxy every request
    /// comes from the proxy's address: raise it there, or let the proxy limit per client.
    std::size_t max_connections_per_address = 128;
};

/// Whether `address` is where a local health probe comes from (127.0.0.1, ::1, ::ffff:127.0.0.1).
bool is_probe_address(const std::string& address);

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

    struct Stats {
        std::size_t open_connections = 0;
        std::size_t refused_connections = 0;  ///< closed at accept, over a cap
        std::size_t evicted_connections = 0;  ///< idle keep-alive ones closed to make room
    };
    Stats stats() const;

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
