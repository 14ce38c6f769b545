#include "adapters/net/http_client.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <vector>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
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
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using Clock = std::chrono::steady_clock;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kMaxResponseHeader = 64 * 1024;

using TlsStream = ssl::stream<beast::tcp_stream>;

/// One connection to a host: plain TCP or TLS over TCP.
struct Connection {
    std::unique_ptr<beast::tcp_stream> tcp;
    std::unique_ptr<TlsStream> tls;

    beast::tcp_stream& lowest() { return tls ? tls->next_layer() : *tcp; }
    bool is_open() { return lowest().socket().is_open(); }
    /// False when the peer has closed the idle connection (its FIN is waiting to be read), so a
    /// request is not written into a connection that is already gone.
    bool still_open() {
        auto& socket = lowest().socket();
        if (!socket.is_open()) {
            return false;
        }
        boost::system::error_code error;
        socket.non_blocking(true, error);
        char byte = 0;
        const auto got = socket.receive(asio::buffer(&byte, 1), tcp::socket::message_peek, error);
        boost::system::error_code ignored;
        socket.non_blocking(false, ignored);
        // Would block: alive and quiet. Data: for plain HTTP unexpected, for TLS a record.
        return error == asio::error::would_block || (!error && got > 0);
    }
    void close() {
        error_code ignored;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().close();
    }
};

bool is_token(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

bool is_ip_literal(const std::string& host) {
    error_code ec;
    asio::ip::make_address(host, ec);
    return !ec;
}

/// The state every pending request shares with the client.
struct ClientState : std::enable_shared_from_this<ClientState> {
    ClientState(asio::io_context& context, ClientOptions client_options)
        : io(context), options(std::move(client_options)), tls(ssl::context::tls_client) {
        error_code ignored;
        tls.set_default_verify_paths(ignored);
        tls.set_verify_mode(ssl::verify_peer);
        SSL_CTX_set_min_proto_version(tls.native_handle(), TLS1_2_VERSION);
        if (!options.extra_ca_pem.empty()) {
            tls.add_certificate_authority(
                asio::buffer(options.extra_ca_pem.data(), options.extra_ca_pem.size()));
        }
    }

    std::unique_ptr<Connection> take_idle(const std::string& key) {
        auto it = idle.find(key);
        while (it != idle.end() && !it->second.empty()) {
            std::unique_ptr<Connection> connection = std::move(it->second.back());
            it->second.pop_back();
            if (connection->still_open()) {
                return connection;
            }
            connection->close();
        }
        return nullptr;
    }

    void put_idle(const std::string& key, std::unique_ptr<Connection> connection) {
        auto& pool = idle[key];
        if (closed || pool.size() >= options.max_idle_per_host) {
            connection->close();
            return;
        }
        connection->lowest().expires_never();
        pool.push_back(std::move(connection));
    }

    asio::io_context& io;
    ClientOptions options;
    ssl::context tls;
    std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle;  ///< per origin
    bool closed = false;
    std::size_t task_failures = 0;
};

/// One request in flight: its deadline, the connection it uses, and its once-only callback.
struct Call {
    Call(asio::io_context& context, ClientRequest client_request, Url parsed, ClientCallback cb)
        : io(context),
          request(std::move(client_request)),
          url(std::move(parsed)),
          done(std::move(cb)),
          deadline_timer(context),
          deadline(Clock::now() + request.timeout) {}

    std::string where() const {
        const bool v6 = url.host.find(':') != std::string::npos;
        return (v6 ? "[" + url.host + "]" : url.host) + ":" + url.port;
    }

    /// Hands `result` to the callback, posted on the I/O thread; later results are dropped.
    void finish(Result<ClientResponse> result) {
        if (finished) {
            return;
        }
        finished = true;
        deadline_timer.cancel();
        asio::post(io, [callback = std::move(done), result = std::move(result)]() mutable {
            callback(std::move(result));
        });
    }

    Error timeout_error() const {
        return Error{ErrorCode::network,
                     "request to " + url.scheme + "://" + where() + " timed out after " +
                         std::to_string(request.timeout.count()) + " ms while " + phase,
                     0, std::nullopt};
    }

    /// The deadline passed: answer now, and abort whatever is still running.
    void expire() {
        if (finished) {
            return;
        }
        finish(tl::unexpected<Error>(timeout_error()));
        if (resolver) {
            resolver->cancel();
        }
        if (active) {
            active->close();
        }
    }

    asio::io_context& io;
    ClientRequest request;
    Url url;
    ClientCallback done;
    asio::steady_timer deadline_timer;
    Clock::time_point deadline;
    http::request<http::string_body> message;
    std::string phase = "connecting";
    std::shared_ptr<tcp::resolver> resolver;  ///< while resolving
    Connection* active = nullptr;             ///< while a connection is in use
    bool finished = false;
};

Error network_error(std::string message) {
    return Error{ErrorCode::network, std::move(message), 0, std::nullopt};
}

asio::awaitable<Result<std::unique_ptr<Connection>>> open_connection(
    std::shared_ptr<ClientState> client, std::shared_ptr<Call> call) {
    call->phase = "resolving " + call->url.host;
    call->resolver = std::make_shared<tcp::resolver>(client->io);
    auto [resolve_error, endpoints] =
        co_await call->resolver->async_resolve(call->url.host, call->url.port, kTuple);
    call->resolver.reset();
    if (call->finished) {
        co_return tl::unexpected<Error>(call->timeout_error());
    }
    if (resolve_error) {
        co_return tl::unexpected<Error>(
            network_error("cannot resolve " + call->url.host + ": " + resolve_error.message()));
    }

    auto connection = std::make_unique<Connection>();
    if (call->url.scheme == "https") {
        connection->tls = std::make_unique<TlsStream>(client->io.get_executor(), client->tls);
    } else {
        connection->tcp = std::make_unique<beast::tcp_stream>(client->io.get_executor());
    }
    call->active = connection.get();
    call->phase = "connecting";
    connection->lowest().expires_at(call->deadline);
    auto [connect_error, endpoint] = co_await connection->lowest().async_connect(endpoints, kTuple);
    (void)endpoint;
    if (call->finished || connect_error == beast::error::timeout) {
        call->active = nullptr;
        co_return tl::unexpected<Error>(call->timeout_error());
    }
    if (connect_error) {
        call->active = nullptr;
        co_return tl::unexpected<Error>(
            network_error("cannot connect to " + call->where() + ": " + connect_error.message()));
    }
    error_code ignored;
    connection->lowest().socket().set_option(tcp::no_delay(true), ignored);

    if (connection->tls) {
        TlsStream& tls = *connection->tls;
        if (!is_ip_literal(call->url.host)) {
            SSL_set_tlsext_host_name(tls.native_handle(), call->url.host.c_str());  // SNI
        }
        // OpenSSL checks the name itself (so a mismatch is reported as "hostname mismatch"),
        // and Asio's callback checks it once more.
        X509_VERIFY_PARAM* param = SSL_get0_param(tls.native_handle());
        if (is_ip_literal(call->url.host)) {
            X509_VERIFY_PARAM_set1_ip_asc(param, call->url.host.c_str());
        } else {
            X509_VERIFY_PARAM_set1_host(param, call->url.host.c_str(), call->url.host.size());
        }
        tls.set_verify_mode(ssl::verify_peer);
        tls.set_verify_callback(ssl::host_name_verification(call->url.host));
        call->phase = "in the TLS handshake";
        auto [handshake_error] = co_await tls.async_handshake(ssl::stream_base::client, kTuple);
        if (call->finished || handshake_error == beast::error::timeout) {
            call->active = nullptr;
            co_return tl::unexpected<Error>(call->timeout_error());
        }
        if (handshake_error) {
            std::string message =
                "TLS handshake with " + call->where() + " failed: " + handshake_error.message();
            const long verify = SSL_get_verify_result(tls.native_handle());
            if (verify != X509_V_OK) {
                message += std::string(" (") + X509_verify_cert_error_string(verify) + ")";
            }
            call->active = nullptr;
            co_return tl::unexpected<Error>(network_error(std::move(message)));
        }
    }
    call->active = nullptr;
    co_return connection;
}

/// How one attempt on one connection ended.
struct Attempt {
    Result<ClientResponse> result = fail(ErrorCode::network, "not sent");
    bool retry = false;     ///< failed before any response byte: may be tried on a fresh connection
    bool reusable = false;  ///< the connection can carry another request
};

template <typename Stream>
asio::awaitable<Attempt> exchange(std::shared_ptr<ClientState> client, std::shared_ptr<Call> call,
                                  Stream* stream, beast::tcp_stream* lowest) {
    Attempt attempt;
    call->phase = "sending the request";
    lowest->expires_at(call->deadline);
    auto [write_error, written] = co_await http::async_write(*stream, call->message, kTuple);
    (void)written;
    if (call->finished || write_error == beast::error::timeout) {
        attempt.result = tl::unexpected<Error>(call->timeout_error());
        co_return attempt;
    }
    if (write_error) {
        attempt.result = tl::unexpected<Error>(network_error(
            "sending the request to " + call->where() + " failed: " + write_error.message()));
        attempt.retry = true;
        co_return attempt;
    }

    call->phase = "waiting for the response";
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.header_limit(kMaxResponseHeader);
    parser.body_limit(client->options.max_response_bytes);
    if (call->request.method == "HEAD") {
        parser.skip(true);
    }
    auto [read_error, read] = co_await http::async_read(*stream, buffer, parser, kTuple);
    (void)read;
    if (read_error == ssl::error::stream_truncated && parser.is_header_done() &&
        !parser.is_done()) {
        // A TLS peer that closes without close_notify after a body delimited by the close.
        read_error = {};
        parser.put_eof(read_error);
    }
    if (call->finished || read_error == beast::error::timeout) {
        attempt.result = tl::unexpected<Error>(call->timeout_error());
        co_return attempt;
    }
    if (read_error == http::error::body_limit) {
        attempt.result = fail(ErrorCode::bad_input,
                              "the response from " + call->where() + " is over " +
                                  std::to_string(client->options.max_response_bytes) + " bytes");
        co_return attempt;
    }
    if (read_error) {
        attempt.result = tl::unexpected<Error>(network_error(
            "reading the response from " + call->where() + " failed: " + read_error.message()));
        // The request went out whole, so the peer may have acted on it before the connection
        // closed: only a request that is safe to repeat is sent again by itself (RFC 9110
        // 9.2.2). A POST (a Teams message, a new Matrix room) goes back to its caller instead,
        // who knows whether a second one is harmless.
        const auto& method = call->request.method;
        const bool idempotent = method == "GET" || method == "HEAD" || method == "PUT" ||
                                method == "DELETE" || method == "OPTIONS";
        attempt.retry = idempotent && !parser.got_some() && buffer.size() == 0;
        co_return attempt;
    }

    auto& message = parser.get();
    ClientResponse response;
    response.status = static_cast<int>(message.result_int());
    for (const auto& field : message) {
        auto [it, inserted] =
            response.headers.emplace(std::string(field.name_string()), std::string(field.value()));
        if (!inserted) {
            it->second += ", " + std::string(field.value());
        }
    }
    response.body = std::move(message.body());
    attempt.reusable = message.keep_alive() && !parser.need_eof() && buffer.size() == 0;
    attempt.result = std::move(response);
    co_return attempt;
}

asio::awaitable<void> run_call(std::shared_ptr<ClientState> client, std::shared_ptr<Call> call) {
    const std::string origin = call->url.scheme + "://" + call->where();
    for (int round = 0; round < 2; ++round) {
        std::unique_ptr<Connection> connection;
        if (round == 0) {
            connection = client->take_idle(origin);
        }
        const bool reused = connection != nullptr;
        if (!connection) {
            auto opened = co_await open_connection(client, call);
            if (!opened) {
                call->finish(tl::unexpected<Error>(std::move(opened.error())));
                co_return;
            }
            connection = std::move(*opened);
        }
        call->active = connection.get();
        Attempt attempt;
        if (connection->tls) {
            attempt = co_await exchange(client, call, connection->tls.get(), &connection->lowest());
        } else {
            attempt = co_await exchange(client, call, connection->tcp.get(), &connection->lowest());
        }
        call->active = nullptr;
        if (call->finished) {
            co_return;  // timed out; the deadline already answered
        }
        if (!attempt.result && attempt.retry && reused) {
            connection->close();
            continue;  // a stale keep-alive connection: once more on a fresh one
        }
        if (attempt.result && attempt.reusable) {
            client->put_idle(origin, std::move(connection));
        } else {
            connection->close();
        }
        call->finish(std::move(attempt.result));
        co_return;
    }
}

std::string host_header(const Url& url) {
    std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
    const bool default_port =
        (url.scheme == "http" && url.port == "80") || (url.scheme == "https" && url.port == "443");
    return default_port ? host : host + ":" + url.port;
}

}  // namespace

struct HttpClient::Impl : ClientState {
    using ClientState::ClientState;
};

HttpClient::HttpClient(boost::asio::io_context& io, ClientOptions options)
    : impl_(std::make_shared<Impl>(io, std::move(options))) {}

HttpClient::~HttpClient() {
    impl_->closed = true;
    for (auto& [origin, pool] : impl_->idle) {
        for (auto& connection : pool) {
            connection->close();
        }
    }
    impl_->idle.clear();
}

void HttpClient::send(ClientRequest request, ClientCallback done) {
    const auto reject = [this, &done](std::string message) {
        asio::post(impl_->io, [callback = std::move(done), message = std::move(message)]() {
            callback(fail(ErrorCode::bad_input, message));
        });
    };
    auto url = parse_url(request.url);
    if (!url) {
        reject("malformed URL: \"" + request.url + "\" (expected http:// or https://host/path)");
        return;
    }
    if (!is_token(request.method)) {
        reject("malformed HTTP method \"" + request.method + "\"");
        return;
    }
    for (const auto& [name, value] : request.headers) {
        if (!is_token(name) ||
            value.find_first_of(std::string_view("\r\n\0", 3)) != std::string::npos) {
            reject("malformed header \"" + name + "\"");
            return;
        }
    }

    auto call =
        std::make_shared<Call>(impl_->io, std::move(request), std::move(*url), std::move(done));
    auto& message = call->message;
    message.version(11);
    const http::verb verb = http::string_to_verb(call->request.method);
    if (verb == http::verb::unknown) {
        message.method_string(call->request.method);
    } else {
        message.method(verb);
    }
    message.target(call->url.target);
    message.set(http::field::host, host_header(call->url));
    message.set(http::field::user_agent, impl_->options.user_agent);
    for (const auto& [name, value] : call->request.headers) {
        message.set(name, value);
    }
    message.erase(http::field::content_length);
    message.erase(http::field::transfer_encoding);
    message.keep_alive(true);
    message.body() = std::move(call->request.body);
    message.prepare_payload();

    call->deadline_timer.expires_at(call->deadline);
    call->deadline_timer.async_wait([call](error_code ec) {
        if (!ec) {
            call->expire();
        }
    });
    std::weak_ptr<ClientState> weak = impl_;
    std::shared_ptr<ClientState> client = impl_;
    asio::co_spawn(
        impl_->io, run_call(client, call), [weak, call](const std::exception_ptr& failure) {
            if (!failure) {
                return;
            }
            try {
                std::rethrow_exception(failure);
            } catch (const std::exception& e) {
                call->finish(
                    fail(ErrorCode::network, std::string("HTTP client failure: ") + e.what()));
            } catch (...) {
                call->finish(fail(ErrorCode::network, "HTTP client failure"));
            }
            if (auto state = weak.lock()) {
                ++state->task_failures;
            }
        });
}

}  // namespace leernetwerk::net
