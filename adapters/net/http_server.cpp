#include "adapters/net/http_server.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>
#include <set>
#include <stdexcept>
#include <unordered_map>
#include <unordered_set>

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

namespace leernetwerk::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = 4096;
/// After answering with "Connection: close", unread request bytes are drained (and dropped) for
/// at most this long and this much, so the peer reads the answer instead of a TCP reset.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::size_t kLingerBytes = std::size_t{1024} * 1024;

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
    std::size_t refused_connections = 0;  ///< closed at accept: over a cap
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

bool is_token_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_parse_error(const error_code& ec) {
    return ec.category() == http::make_error_code(http::error::bad_target).category() &&
           ec != http::error::end_of_stream && ec != http::error::partial_message;
}

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

Responder make_responder(const std::shared_ptr<Connection>& connection, std::uint64_t sequence,
                         const asio::io_context::executor_type& executor) {
    std::weak_ptr<Connection> weak = connection;
    return [weak, sequence, executor](Response response) {
        if (weak.expired()) {
            return;  // the connection is gone (closed, or its io_context destroyed)
        }
        if (executor.running_in_this_thread()) {
            if (auto target = weak.lock()) {
                target->deliver(sequence, std::move(response));
            }
            return;
        }
        // From another thread: hop onto the I/O thread first (the connection lives there).
        asio::post(executor, [weak, sequence, response = std::move(response)]() mutable {
            if (auto target = weak.lock()) {
                target->deliver(sequence, std::move(response));
            }
        });
    };
}

/// What the coroutine needs to know about the request it answers.
struct Answer {
    Response response;
    std::string route;   ///< pattern for the observer ("" when none matched)
    std::string method;  ///< as received
    unsigned version = 11;
    bool head = false;
    bool keep_alive = false;
    Clock::time_point start;
};

void notify(const ServerState& server, const Answer& answer, int status) {
    if (!server.observer.on_response) {
        return;
    }
    try {
        server.observer.on_response(
            answer.route, answer.method, status,
            std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - answer.start));
    } catch (...) {
        // An observer's failure must not take the connection down.
    }
}

/// Writes `answer`; returns true when the connection may carry another request.
asio::awaitable<bool> write_answer(std::shared_ptr<ServerState> server,
                                   std::shared_ptr<Connection> connection, Answer answer) {
    Response& response = answer.response;
    if (response.status < 200 || response.status > 599) {
        response = error_response(500, "handler answered an invalid status");
    }
    const bool keep_alive = answer.keep_alive && !server->stopping && !server->destroyed;
    http::response<http::string_body> message{static_cast<http::status>(response.status),
                                              answer.version};
    for (const auto& [name, value] : response.headers) {
        if (valid_header(name, value)) {
            message.set(name, value);
        }
    }
    message.erase(http::field::transfer_encoding);
    message.erase(http::field::content_length);
    message.set(http::field::server, "leernetwerk");
    message.keep_alive(keep_alive);
    const bool no_body = response.status == 204 || response.status == 304;
    if (!no_body) {
        if (!response.body.empty() && !response.content_type.empty()) {
            message.set(http::field::content_type, response.content_type);
        }
        if (answer.head) {
            message.content_length(response.body.size());
        } else {
            message.body() = std::move(response.body);
            message.prepare_payload();
        }
    }
    connection->stream.expires_after(server->options.read_timeout);
    auto [ec, written] = co_await http::async_write(connection->stream, message, kTuple);
    (void)written;
    notify(*server, answer, response.status);
    co_return !ec && keep_alive && !connection->closed;
}

/// Reads, routes, handles and answers one request; returns true to keep the connection.
asio::awaitable<bool> serve_request(std::shared_ptr<ServerState> server,
                                    std::shared_ptr<Connection> connection) {
    const ServerOptions& options = server->options;
    http::request_parser<http::string_body> parser;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
        options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
    parser.body_limit(boost::none);  // the route's limit is applied once the header is known

    auto [header_error, header_bytes] =
        co_await http::async_read_header(connection->stream, connection->buffer, parser, kTuple);
    (void)header_bytes;
    // The header came in time; the body (and the answer) get read_timeout from here.
    connection->stream.expires_after(options.read_timeout);
    Answer answer;
    answer.start = Clock::now();
    if (connection->closed) {
        co_return false;
    }
    if (header_error) {
        if (header_error == http::error::header_limit) {
            answer.response = error_response(431, "request header too large");
        } else if (is_parse_error(header_error)) {
            answer.response = error_response(400, "malformed request");
        } else {
            co_return false;  // the peer left, or the read timed out: nobody to answer
        }
        co_return co_await write_answer(server, connection, std::move(answer));
    }

    auto& message = parser.get();
    Request request;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    answer.method = request.method;
    answer.version = message.version();
    answer.head = request.method == "HEAD";
    answer.keep_alive = message.keep_alive();
    if (!parse_target(request.target, request)) {
        answer.response = error_response(400, "malformed request target");
        answer.keep_alive = false;
        co_return co_await write_answer(server, connection, std::move(answer));
    }

    Match match = server->find_route(request.method, request.path);
    answer.route = match.pattern;
    if (!parser.is_done()) {
        // A body we will not read leaves the stream unusable for another request.
        answer.keep_alive = answer.keep_alive && match.route != nullptr;
    }
    if (match.probe) {
        answer.response = Response{200, "", "", {}};
        co_return co_await write_answer(server, connection, std::move(answer));
    }
    if (!match.route) {
        if (match.path_known) {
            answer.response = error_response(405, "method not allowed");
            std::string allow;
            for (const auto& method : match.allowed) {
                allow += (allow.empty() ? "" : ", ") + method;
            }
            answer.response.headers["Allow"] = allow;
        } else {
            answer.response = error_response(404, "not found");
        }
        co_return co_await write_answer(server, connection, std::move(answer));
    }

    const std::size_t limit =
        match.route->body_limit != 0 ? match.route->body_limit : options.default_body_limit;
    if (const auto length = parser.content_length(); length && *length > limit) {
        answer.response = error_response(413, "body too large");
        answer.keep_alive = false;
        co_return co_await write_answer(server, connection, std::move(answer));
    }
    for (const auto& field : message) {
        auto [it, inserted] =
            request.headers.emplace(std::string(field.name_string()), std::string(field.value()));
        if (!inserted) {
            it->second += ", " + std::string(field.value());
        }
    }
    request.remote_address = connection->remote_address;
    if (match.route->gate) {
        if (auto refusal = match.route->gate(request)) {
            answer.response = std::move(*refusal);
            answer.keep_alive = answer.keep_alive && parser.is_done();  // the body stays unread
            co_return co_await write_answer(server, connection, std::move(answer));
        }
    }
    parser.body_limit(limit);
    if (!parser.is_done()) {
        if (beast::iequals(message[http::field::expect], "100-continue")) {
            static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
            auto [continue_error, continue_bytes] = co_await asio::async_write(
                connection->stream, asio::buffer(kContinue.data(), kContinue.size()), kTuple);
            (void)continue_bytes;
            if (continue_error) {
                co_return false;
            }
        }
        auto [body_error, body_bytes] =
            co_await http::async_read(connection->stream, connection->buffer, parser, kTuple);
        (void)body_bytes;
        if (connection->closed) {
            co_return false;
        }
        if (body_error) {
            if (body_error == http::error::body_limit) {
                answer.response = error_response(413, "body too large");
            } else if (is_parse_error(body_error)) {
                answer.response = error_response(400, "malformed request body");
            } else {
                co_return false;
            }
            answer.keep_alive = false;
            co_return co_await write_answer(server, connection, std::move(answer));
        }
    }
    connection->stream.expires_never();  // the handler's time is not the peer's

    request.body = std::move(message.body());

    if (server->destroyed) {
        co_return false;
    }
    const std::uint64_t sequence = ++connection->sequence;
    connection->awaiting = sequence;
    connection->response_.reset();
    const std::shared_ptr<const Route> route = match.route;
    try {
        route->handler(std::move(request),
                       make_responder(connection, sequence, server->io.get_executor()));
    } catch (...) {
        connection->deliver(sequence, error_response(500, "internal error"));
    }
    if (!connection->response_ && !connection->closed) {
        connection->signal.expires_after(options.handler_timeout);
        auto [wait_error] = co_await connection->signal.async_wait(kTuple);
        (void)wait_error;
    }
    connection->awaiting = 0;
    if (connection->closed) {
        co_return false;
    }
    answer.response = connection->response_ ? std::move(*connection->response_)
                                            : error_response(503, "handler timeout");
    connection->response_.reset();
    co_return co_await write_answer(server, connection, std::move(answer));
}

/// Half-closes, then reads and drops what the peer still sends, so it sees our answer.
asio::awaitable<void> linger_close(std::shared_ptr<Connection> connection) {
    if (connection->closed || !connection->stream.socket().is_open()) {
        co_return;
    }
    error_code ignored;
    connection->stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    connection->stream.expires_after(kLingerTime);
    std::array<char, kReadChunk> sink{};
    std::size_t drained = 0;
    while (drained < kLingerBytes && !connection->closed) {
        auto [ec, n] = co_await connection->stream.async_read_some(asio::buffer(sink), kTuple);
        if (ec) {
            break;
        }
        drained += n;
    }
}

/// How long the request line and headers may take from the first byte (or the accept).
std::chrono::seconds header_deadline(const ServerOptions& options) {
    return std::min(options.header_timeout, options.read_timeout);
}

asio::awaitable<void> serve_connection(std::shared_ptr<ServerState> server,
                                       std::shared_ptr<Connection> connection) {
    const ServerOptions& options = server->options;
    bool first = true;
    bool keep = true;
    while (keep && !connection->closed && !server->stopping) {
        // The first request must arrive within read_timeout of the accept; a later one may take
        // idle_timeout to start and then read_timeout to arrive.
        connection->idle = true;
        connection->kept_alive = !first;
        connection->idle_since = Clock::now();
        connection->stream.expires_after(first ? header_deadline(options) : options.idle_timeout);
        if (connection->buffer.size() == 0) {
            auto [ec, n] = co_await connection->stream.async_read_some(
                connection->buffer.prepare(kReadChunk), kTuple);
            if (ec || connection->closed) {
                break;
            }
            connection->buffer.commit(n);
        }
        connection->idle = false;
        connection->kept_alive = false;
        if (!first) {
            connection->stream.expires_after(header_deadline(options));
        }
        first = false;
        keep = co_await serve_request(server, connection);
    }
    if (!keep) {
        co_await linger_close(connection);
    }
    connection->close();
}

void swallow_failure(const std::weak_ptr<ServerState>& weak, const std::exception_ptr& failure) {
    if (!failure) {
        return;
    }
    try {
        std::rethrow_exception(failure);
    } catch (...) {
        if (auto server = weak.lock()) {
            ++server->task_failures;
        }
    }
}

/// Closes the connection that has waited longest for its next keep-alive request; false when
/// none is waiting so.
bool evict_idle(ServerState& server) {
    Connection* oldest = nullptr;
    for (Connection* connection : server.connections) {
        if (connection->idle && connection->kept_alive && !connection->closed &&
            (oldest == nullptr || connection->idle_since < oldest->idle_since)) {
            oldest = connection;
        }
    }
    if (oldest == nullptr) {
        return false;
    }
    oldest->close();
    ++server.evicted_connections;
    return true;
}

/// Whether a new connection may stay: under the cap per address, and under the global cap (less
/// the probe reserve for anyone but a local probe), making room by closing idle keep-alive
/// connections where needed.
bool admit(ServerState& server, const tcp::socket& socket) {
    error_code ec;
    const auto endpoint = socket.remote_endpoint(ec);
    if (ec) {
        return false;  // gone already
    }
    const auto address = endpoint.address().to_string();
    const auto& options = server.options;
    if (options.max_connections_per_address > 0) {
        const auto it = server.per_address.find(address);
        if (it != server.per_address.end() && it->second >= options.max_connections_per_address) {
            return false;
        }
    }
    const auto reserve = std::min(options.probe_reserve, options.max_connections / 4);
    const auto cap = is_probe_address(address) ? options.max_connections
                                                : options.max_connections - reserve;
    // Closed connections leave the set when their coroutine ends: count only the open ones.
    const auto open = [&server] {
        return static_cast<std::size_t>(
            std::count_if(server.connections.begin(), server.connections.end(),
                          [](const Connection* c) { return !c->closed; }));
    };
    while (open() >= cap) {
        if (!evict_idle(server)) {
            return false;
        }
    }
    return true;
}

asio::awaitable<void> accept_loop(std::shared_ptr<ServerState> server, tcp::acceptor* acceptor) {
    for (;;) {
        auto [ec, socket] = co_await acceptor->async_accept(kTuple);
        if (!acceptor->is_open() || server->stopping || ec == asio::error::operation_aborted) {
            co_return;
        }
        if (ec) {
            // Out of descriptors or a connection reset while queued: pause instead of spinning.
            asio::steady_timer pause(server->io, std::chrono::milliseconds(50));
            co_await pause.async_wait(kTuple);
            continue;
        }
        if (!admit(*server, socket)) {
            ++server->refused_connections;
            error_code ignored;
            socket.close(ignored);
            continue;
        }
        error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        auto connection = std::make_shared<Connection>(std::move(socket), server);
        std::weak_ptr<ServerState> weak = server;
        asio::co_spawn(
            server->io, serve_connection(server, std::move(connection)),
            [weak](const std::exception_ptr& failure) { swallow_failure(weak, failure); });
    }
}

}  // namespace

bool is_probe_address(const std::string& address) {
    return address == "127.0.0.1" || address == "::1" || address == "::ffff:127.0.0.1";
}

struct HttpServer::Impl : ServerState {
    using ServerState::ServerState;
};

HttpServer::HttpServer(boost::asio::io_context& io, ServerOptions options)
    : impl_(std::make_shared<Impl>(io, options)) {}

HttpServer::~HttpServer() {
    stop();
    impl_->destroyed = true;
    std::vector<Connection*> open(impl_->connections.begin(), impl_->connections.end());
    for (Connection* connection : open) {
        connection->close();
    }
}

void HttpServer::route(std::string method, std::string path, Handler handler,
                       std::size_t body_limit, Gate gate) {
    impl_->routes.push_back(
        std::make_shared<const Route>(Route{std::move(method), std::move(path), false,
                                            std::move(handler), body_limit, std::move(gate)}));
}

void HttpServer::route_prefix(std::string method, std::string prefix, Handler handler,
                              std::size_t body_limit, Gate gate) {
    impl_->routes.push_back(
        std::make_shared<const Route>(Route{std::move(method), std::move(prefix), true,
                                            std::move(handler), body_limit, std::move(gate)}));
}

void HttpServer::set_observer(ServerObserver observer) {
    impl_->observer = std::move(observer);
}

HttpServer::Stats HttpServer::stats() const {
    Stats stats;
    stats.open_connections = impl_->connections.size();
    stats.refused_connections = impl_->refused_connections;
    stats.evicted_connections = impl_->evicted_connections;
    return stats;
}

std::uint16_t HttpServer::listen(const std::string& address, std::uint16_t port) {
    const auto where = address + ":" + std::to_string(port);
    error_code ec;
    const auto ip = asio::ip::make_address(address, ec);
    if (ec) {
        throw std::runtime_error("cannot listen on " + where + ": not an IP address");
    }
    auto acceptor = std::make_unique<tcp::acceptor>(impl_->io);
    const tcp::endpoint endpoint{ip, port};
    acceptor->open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor->set_option(asio::socket_base::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor->bind(endpoint, ec);
    }
    if (!ec) {
        acceptor->listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw std::runtime_error("cannot listen on " + where + ": " + ec.message());
    }
    impl_->stopping = false;
    const std::uint16_t bound = acceptor->local_endpoint().port();
    tcp::acceptor* raw = acceptor.get();
    impl_->acceptors.push_back(std::move(acceptor));
    std::shared_ptr<ServerState> server = impl_;
    std::weak_ptr<ServerState> weak = server;
    asio::co_spawn(impl_->io, accept_loop(server, raw),
                   [weak](const std::exception_ptr& failure) { swallow_failure(weak, failure); });
    return bound;
}

void HttpServer::stop() {
    impl_->stopping = true;
    for (auto& acceptor : impl_->acceptors) {
        error_code ignored;
        acceptor->close(ignored);
    }
    std::vector<Connection*> open(impl_->connections.begin(), impl_->connections.end());
    for (Connection* connection : open) {
        if (connection->idle) {
            connection->close();
        }
    }
}

}  // namespace leernetwerk::net
