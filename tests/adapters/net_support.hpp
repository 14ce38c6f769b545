#pragma once
// Helpers for the adapters/net tests: run the io_context until something happened (with a deadline,
// never a sleep), a raw HTTP/1.1 client that speaks bytes, and a scriptable fake HTTP peer.
#include <array>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "adapters/net/http.hpp"

namespace leernetwerk::net::test {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

inline constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

/// Runs `io` until `done()` is true or `limit` has passed; returns done().
inline bool run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = 10s) {
    const auto deadline = Clock::now() + limit;
    while (!done() && Clock::now() < deadline) {
        if (io.stopped()) {
            io.restart();
        }
        io.run_one_for(20ms);
    }
    return done();
}

/// Runs `task` on `io` to its end (at most `limit`) and returns its result.
template <typename T>
T run_task(asio::io_context& io, asio::awaitable<T> task, std::chrono::milliseconds limit = 10s) {
    auto future = asio::co_spawn(io, std::move(task), asio::use_future);
    const bool finished = run_until(
        io, [&future] { return future.wait_for(0s) == std::future_status::ready; }, limit);
    if (!finished) {
        throw std::runtime_error("test task did not finish in time");
    }
    return future.get();
}

/// Runs `io` for a while so that finished work (closed sockets, ended coroutines) unwinds.
inline void drain(asio::io_context& io) {
    io.restart();
    io.run_for(200ms);
}

/// One answer as the raw client read it.
struct Reply {
    int status = 0;
    Headers headers;
    std::string body;
    bool keep_alive = false;

    std::string header(std::string_view name) const {
        const auto it = headers.find(name);
        return it == headers.end() ? std::string{} : it->second;
    }
};

/// What a raw conversation on one connection produced.
struct Conversation {
    std::vector<Reply> replies;
    bool closed_by_server = false;  ///< the server closed after the last reply
    std::string error;              ///< why reading stopped early ("" when every reply came)
};

struct Step {
    std::string bytes;  ///< the raw request
    bool head = false;  ///< the answer to a HEAD has no body
};

inline asio::awaitable<Reply> read_reply(tcp::socket* socket, beast::flat_buffer* buffer, bool head,
                                         std::string* error) {
    http::response_parser<http::string_body> parser;
    parser.skip(head);
    auto [ec, n] = co_await http::async_read(*socket, *buffer, parser, kTuple);
    (void)n;
    Reply reply;
    if (ec) {
        *error = ec.message();
        co_return reply;
    }
    auto& message = parser.get();
    reply.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
        reply.headers[std::string(field.name_string())] = std::string(field.value());
    }
    reply.body = message.body();
    reply.keep_alive = message.keep_alive();
    co_return reply;
}

/// Whether the peer closes the connection within `limit` (reads and drops anything else).
inline asio::awaitable<bool> closes_within(tcp::socket* socket, std::chrono::milliseconds limit) {
    asio::steady_timer timer(socket->get_executor(), limit);
    auto waiting = std::make_shared<bool>(true);
    timer.async_wait([socket, waiting](boost::system::error_code ec) {
        if (!ec && *waiting) {
            socket->cancel();
        }
    });
    std::array<char, 1024> sink{};
    for (;;) {
        auto [ec, n] = co_await socket->async_read_some(asio::buffer(sink), kTuple);
        (void)n;
        if (ec) {
            *waiting = false;
            timer.cancel();
            co_return ec != asio::error::operation_aborted;
        }
    }
}

/// Sends each step's bytes on one connection to 127.0.0.1:port and reads its answer.
inline asio::awaitable<Conversation> converse(std::uint16_t port, std::vector<Step> steps,
                                              bool expect_close = false) {
    auto executor = co_await asio::this_coro::executor;
    tcp::socket socket(executor);
    Conversation conversation;
    auto [connect_error] = co_await socket.async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), kTuple);
    if (connect_error) {
        conversation.error = connect_error.message();
        co_return conversation;
    }
    beast::flat_buffer buffer;
    for (const Step& step : steps) {
        auto [write_error, written] =
            co_await asio::async_write(socket, asio::buffer(step.bytes), kTuple);
        (void)written;
        if (write_error) {
            conversation.error = write_error.message();
            co_return conversation;
        }
        Reply reply = co_await read_reply(&socket, &buffer, step.head, &conversation.error);
        if (!conversation.error.empty()) {
            co_return conversation;
        }
        conversation.replies.push_back(std::move(reply));
    }
    if (expect_close) {
        conversation.closed_by_server = co_await closes_within(&socket, 3000ms);
    }
    co_return conversation;
}

inline std::string get(std::string_view target, std::string_view extra_headers = "") {
    return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" +
           std::string(extra_headers) + "\r\n";
}

inline std::string post(std::string_view target, std::string_view body,
                        std::string_view extra_headers = "") {
    return "POST " + std::string(target) + " HTTP/1.1\r\nHost: test\r\nContent-Type: " +
           "application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
           std::string(extra_headers) + "\r\n" + std::string(body);
}

/// A fake HTTP peer for the client tests, with a behaviour per test.
struct FakePeer {
    enum class Mode {
        answer,            ///< 200 "ok <n>", keep-alive
        answer_and_drop,   ///< 200 with keep-alive promised, then closes the connection anyway
        silent,            ///< reads the request and never answers
        huge,              ///< 200 with a 10,000 byte body
        drop_after_first,  ///< answers a connection's first request; reads the next, then closes
    };

    FakePeer(asio::io_context& io, Mode peer_mode)
        : acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)), mode(peer_mode) {
        port = acceptor.local_endpoint().port();
    }

    tcp::acceptor acceptor;
    Mode mode;
    std::uint16_t port = 0;
    int accepted = 0;
    int requests = 0;
    std::vector<std::string> targets;
    std::vector<std::shared_ptr<tcp::socket>> held;  ///< silent connections stay open
};

inline asio::awaitable<void> fake_session(FakePeer* peer, std::shared_ptr<tcp::socket> socket) {
    beast::flat_buffer buffer;
    for (int on_this_connection = 1;; ++on_this_connection) {
        http::request<http::string_body> request;
        auto [read_error, n] = co_await http::async_read(*socket, buffer, request, kTuple);
        (void)n;
        if (read_error) {
            co_return;
        }
        ++peer->requests;
        peer->targets.emplace_back(request.target());
        if (peer->mode == FakePeer::Mode::drop_after_first && on_this_connection > 1) {
            boost::system::error_code ignored;
            socket->close(ignored);  // read (and maybe acted on), never answered
            co_return;
        }
        if (peer->mode == FakePeer::Mode::silent) {
            peer->held.push_back(socket);
            co_return;
        }
        http::response<http::string_body> response{http::status::ok, 11};
        response.set(http::field::content_type, "text/plain");
        response.body() = peer->mode == FakePeer::Mode::huge
                              ? std::string(10000, 'x')
                              : "ok " + std::to_string(peer->requests);
        response.keep_alive(true);
        response.prepare_payload();
        auto [write_error, written] = co_await http::async_write(*socket, response, kTuple);
        (void)written;
        if (write_error || peer->mode == FakePeer::Mode::answer_and_drop) {
            boost::system::error_code ignored;
            socket->shutdown(tcp::socket::shutdown_both, ignored);
            socket->close(ignored);
            co_return;
        }
    }
}

inline asio::awaitable<void> fake_accept(FakePeer* peer) {
    for (;;) {
        auto [ec, socket] = co_await peer->acceptor.async_accept(kTuple);
        if (ec) {
            co_return;
        }
        ++peer->accepted;
        auto shared = std::make_shared<tcp::socket>(std::move(socket));
        asio::co_spawn(peer->acceptor.get_executor(), fake_session(peer, shared),
                       [](std::exception_ptr) {});
    }
}

/// Starts `peer` accepting on the io_context it was made with.
inline void start(FakePeer& peer) {
    asio::co_spawn(peer.acceptor.get_executor(), fake_accept(&peer), [](std::exception_ptr) {});
}

}  // namespace leernetwerk::net::test
