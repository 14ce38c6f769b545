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

#include "adapters/net/server_state.hpp"

namespace leernetwerk::net {

using namespace detail;

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
