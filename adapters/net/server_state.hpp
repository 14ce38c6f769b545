#pragma once
// Private to the HTTP server (http_server.cpp, http_request.cpp, http_connection.cpp): what the
// server shares with its connection coroutines, and the steps they share. Asio and Beast types:
// include it from .cpp files only.
#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "adapters/net/http_server.hpp"

namespace leernetwerk::net::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
inline constexpr std::size_t kReadChunk = 4096;
/// After answering with "Connection: close", unread request bytes are drained (and dropped) for
/// at most this long and this much, so the peer reads the answer instead of a TCP reset.
inline constexpr std::chrono::milliseconds kLingerTime{1000};
inline constexpr std::size_t kLingerBytes = std::size_t{1024} * 1024;

struct Route {
    std::string method;
    std::string pattern;
    bool prefix = false;
    Handler handler;
    std::size_t body_limit = 0;
    Gate gate;
};

/// What routing decided for one request.
struct Match {
    std::shared_ptr<const Route> route;  ///< null: 404 or 405
    std::string pattern;                 ///< the most specific pattern that matched the path
    bool path_known = false;
    bool probe = false;  ///< HEAD on a POST route: answer 200 without calling the handler
    std::set<std::string> allowed;
};

class Connection;

/// Everything the server shares with its connection coroutines (which keep it alive).
struct ServerState : std::enable_shared_from_this<ServerState> {
    ServerState(asio::io_context& context, ServerOptions server_options)
        : io(context), options(server_options) {}

    Match find_route(const std::string& method, const std::string& path) const;

    asio::io_context& io;
    ServerOptions options;
    std::vector<std::shared_ptr<const Route>> routes;
    ServerObserver observer;
    std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
    std::unordered_set<Connection*> connections;
    std::unordered_map<std::string, std::size_t> per_address;  ///< open connections by address
    std::size_t refused_connections = 0;                       ///< closed at accept: over a cap
    std::size_t evicted_connections = 0;  ///< idle keep-alive connections closed to make room
    bool stopping = false;
    bool destroyed = false;
    std::size_t task_failures = 0;  ///< coroutines that ended with an exception (a bug)
};

/// One accepted TCP connection; owned by its coroutine, reachable from Responders by weak_ptr.
class Connection {
public:
    Connection(tcp::socket socket, const std::shared_ptr<ServerState>& server)
        : stream(std::move(socket)), signal(server->io), server_(server) {
        error_code ec;
        const auto endpoint = stream.socket().remote_endpoint(ec);
        if (!ec) {
            remote_address = endpoint.address().to_string();
        }
        server->connections.insert(this);
        ++server->per_address[remote_address];
    }
    ~Connection() {
        if (auto server = server_.lock()) {
            server->connections.erase(this);
            if (auto it = server->per_address.find(remote_address);
                it != server->per_address.end() && --it->second == 0) {
                server->per_address.erase(it);
            }
        }
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// The handler's answer to request `sequence`; anything else (a second call, an answer after
    /// the 503, after a close or for an earlier request) is dropped.
    void deliver(std::uint64_t sequence, Response response) {
        if (closed || sequence != awaiting || response_) {
            return;
        }
        response_ = std::move(response);
        signal.cancel();
    }

    void close() {
        closed = true;
        stream.close();
        signal.cancel();
    }

    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    asio::steady_timer signal;  ///< the coroutine waits on it for the handler's answer
    std::string remote_address;
    std::uint64_t sequence = 0;  ///< requests read so far
    std::uint64_t awaiting = 0;  ///< the request whose answer is awaited (0: none)
    std::optional<Response> response_;
    bool idle = true;  ///< waiting for the first byte of a request
    /// Idle after an answered request (keep-alive), since `idle_since`: may be closed for room.
    bool kept_alive = false;
    Clock::time_point idle_since{};
    bool closed = false;

private:
    std::weak_ptr<ServerState> server_;
};

/// Whether a read failed because the request was malformed (400), not the connection.
bool is_parse_error(const error_code& ec);
/// Splits a request target into path and query (percent-decoded); false when malformed.
bool parse_target(std::string_view target, Request& request);
/// A JSON error answer with this status.
Response error_response(int status, std::string_view message);
/// A header a handler set is one we may send (a token name, no line breaks in the value).
bool valid_header(const std::string& name, const std::string& value);
/// Logs and counts a coroutine that ended with an exception (a bug), for as long as the server
/// lives.
void swallow_failure(const std::weak_ptr<ServerState>& weak, const std::exception_ptr& failure);
/// Accepts connections on `acceptor` and serves each in its own coroutine, within the caps.
asio::awaitable<void> accept_loop(std::shared_ptr<ServerState> server, tcp::acceptor* acceptor);

}  // namespace leernetwerk::net::detail
