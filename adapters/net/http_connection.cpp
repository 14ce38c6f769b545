// One connection's coroutine: requests read with their deadlines and limits, handed to the
// route's handler, answered in order (503 when the handler does not answer in time), kept alive or
// closed with a linger; and the accept loop with its caps per address and in total.
#include <algorithm>
#include <array>
#include <stdexcept>

#include "adapters/net/server_state.hpp"

namespace leernetwerk::net::detail {
namespace {

/// The Responder a handler gets for request `sequence`: it answers on the I/O thread, and not at
/// all when the connection is gone.
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

}  // namespace

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

namespace {

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
    const auto cap =
        is_probe_address(address) ? options.max_connections : options.max_connections - reserve;
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

}  // namespace

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

}  // namespace leernetwerk::net::detail
