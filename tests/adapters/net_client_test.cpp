// HttpClient against loopback peers: the real HttpServer, a scriptable fake peer and a TLS peer
// with a certificate made in the test. Nothing here leaves 127.0.0.1.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>

#include "adapters/net/http_client.hpp"
#include "adapters/net/http_server.hpp"
#include "net_support.hpp"

namespace leernetwerk::net::test {
namespace {

namespace ssl = asio::ssl;

/// Sends `request` and runs the io_context until the callback came; checks it came once and
/// not from inside send().
Result<ClientResponse> exchange(asio::io_context& io, HttpClient& client, ClientRequest request) {
    int calls = 0;
    std::optional<Result<ClientResponse>> result;
    client.send(std::move(request), [&](Result<ClientResponse> r) {
        ++calls;
        result = std::move(r);
    });
    CHECK(calls == 0);  // posted, never inline
    REQUIRE(run_until(
        io, [&] { return result.has_value(); }, 15s));
    CHECK(calls == 1);
    return std::move(*result);
}

std::string url(std::uint16_t port, std::string_view target, std::string_view scheme = "http",
                std::string_view host = "127.0.0.1") {
    return std::string(scheme) + "://" + std::string(host) + ":" + std::to_string(port) +
           std::string(target);
}

// ---- a self-signed certificate, made with OpenSSL's C API -------------------------------------

struct Certificate {
    std::string cert_pem;
    std::string key_pem;
};

std::string bio_text(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

void add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &context, nid, value);
    REQUIRE(extension != nullptr);
    X509_add_ext(cert, extension, -1);
    X509_EXTENSION_free(extension);
}

/// A P-256 key and a self-signed certificate for "localhost" only (not for 127.0.0.1).
Certificate make_self_signed() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    REQUIRE(key != nullptr);
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 4242);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 24 * 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    add_extension(cert, NID_basic_constraints, "critical,CA:TRUE");
    add_extension(cert, NID_key_usage, "critical,digitalSignature,keyCertSign");
    add_extension(cert, NID_subject_alt_name, "DNS:localhost");
    REQUIRE(X509_sign(cert, key, EVP_sha256()) > 0);

    Certificate result;
    BIO* cert_bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(cert_bio, cert);
    result.cert_pem = bio_text(cert_bio);
    BIO_free(cert_bio);
    BIO* key_bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(key_bio, key, nullptr, nullptr, 0, nullptr, nullptr);
    result.key_pem = bio_text(key_bio);
    BIO_free(key_bio);
    X509_free(cert);
    EVP_PKEY_free(key);
    return result;
}

/// A TLS peer on 127.0.0.1 that answers "tls <target>" and closes.
struct TlsPeer {
    TlsPeer(asio::io_context& io, const Certificate& certificate)
        : context(ssl::context::tls_server),
          acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        context.use_certificate_chain(
            asio::buffer(certificate.cert_pem.data(), certificate.cert_pem.size()));
        context.use_private_key(
            asio::buffer(certificate.key_pem.data(), certificate.key_pem.size()),
            ssl::context::pem);
        port = acceptor.local_endpoint().port();
    }
    ssl::context context;
    tcp::acceptor acceptor;
    std::uint16_t port = 0;
    int handshakes_failed = 0;
    int answered = 0;
};

asio::awaitable<void> tls_session(TlsPeer* peer, tcp::socket socket) {
    ssl::stream<tcp::socket> stream(std::move(socket), peer->context);
    auto [handshake_error] = co_await stream.async_handshake(ssl::stream_base::server, kTuple);
    if (handshake_error) {
        ++peer->handshakes_failed;
        co_return;
    }
    beast::flat_buffer buffer;
    http::request<http::string_body> request;
    auto [read_error, n] = co_await http::async_read(stream, buffer, request, kTuple);
    (void)n;
    if (read_error) {
        co_return;
    }
    http::response<http::string_body> response{http::status::ok, 11};
    response.body() = "tls " + std::string(request.target());
    response.keep_alive(false);
    response.prepare_payload();
    auto [write_error, written] = co_await http::async_write(stream, response, kTuple);
    (void)written;
    if (!write_error) {
        ++peer->answered;
    }
}

asio::awaitable<void> tls_accept(TlsPeer* peer) {
    for (;;) {
        auto [ec, socket] = co_await peer->acceptor.async_accept(kTuple);
        if (ec) {
            co_return;
        }
        asio::co_spawn(peer->acceptor.get_executor(), tls_session(peer, std::move(socket)),
                       [](std::exception_ptr) {});
    }
}

}  // namespace

TEST_CASE("GET and POST against the loopback HttpServer", "[net][client]") {
    asio::io_context io;
    HttpServer server(io);
    std::vector<Request> seen;
    server.route("GET", "/info", [&seen](Request request, Responder respond) {
        seen.push_back(request);
        Response response = Response::json(200, R"({"ok":true})");
        response.headers["X-Served-By"] = "test";
        respond(response);
    });
    server.route("POST", "/echo", [&seen](Request request, Responder respond) {
        seen.push_back(request);
        respond(Response::json(201, request.body));
    });
    const auto port = server.listen("127.0.0.1", 0);
    HttpClient client(io);

    const auto got = exchange(io, client, {"GET", url(port, "/info?q=1"), {}, "", 5000ms});
    REQUIRE(got.has_value());
    CHECK(got->status == 200);
    CHECK(got->body == R"({"ok":true})");
    CHECK(got->header("x-served-by") == "test");
    CHECK(got->header("Content-Type") == "application/json");

    ClientRequest post_request{"POST", url(port, "/echo"), {}, R"({"tekst":"hoi"})", 5000ms};
    post_request.headers["Content-Type"] = "application/json";
    post_request.headers["Authorization"] = "Bearer abc";
    const auto posted = exchange(io, client, post_request);
    REQUIRE(posted.has_value());
    CHECK(posted->status == 201);
    CHECK(posted->body == R"({"tekst":"hoi"})");

    REQUIRE(seen.size() == 2);
    CHECK(seen[0].header("Host") == "127.0.0.1:" + std::to_string(port));
    CHECK(seen[0].header("User-Agent") == "leernetwerk-bot");
    CHECK(seen[0].query.at("q") == "1");
    CHECK(seen[1].header("Content-Length") == "15");
    CHECK(seen[1].header("Authorization") == "Bearer abc");
    CHECK(seen[1].header("content-type") == "application/json");
}

TEST_CASE("keep-alive connections are reused per host", "[net][client]") {
    asio::io_context io;
    FakePeer peer(io, FakePeer::Mode::answer);
    start(peer);
    HttpClient client(io);
    for (int i = 1; i <= 3; ++i) {
        const auto got = exchange(io, client, {"GET", url(peer.port, "/n"), {}, "", 5000ms});
        REQUIRE(got.has_value());
        CHECK(got->body == "ok " + std::to_string(i));
    }
    CHECK(peer.requests == 3);
    CHECK(peer.accepted == 1);
}

TEST_CASE("a stale pooled connection is retried once on a fresh one", "[net][client]") {
    asio::io_context io;
    FakePeer peer(io, FakePeer::Mode::answer_and_drop);
    start(peer);
    HttpClient client(io);
    const auto first = exchange(io, client, {"POST", url(peer.port, "/a"), {}, "x", 5000ms});
    REQUIRE(first.has_value());
    CHECK(first->body == "ok 1");
    const auto second = exchange(io, client, {"POST", url(peer.port, "/b"), {}, "y", 5000ms});
    REQUIRE(second.has_value());
    CHECK(second->body == "ok 2");
    CHECK(peer.accepted == 2);
    CHECK(peer.targets == std::vector<std::string>{"/a", "/b"});
}

TEST_CASE("a POST the peer read but never answered is not sent again by the client",
          "[net][client]") {
    asio::io_context io;
    FakePeer peer(io, FakePeer::Mode::drop_after_first);
    start(peer);
    HttpClient client(io);
    REQUIRE(exchange(io, client, {"POST", url(peer.port, "/a"), {}, "x", 5000ms}).has_value());
    // The peer may have acted on it (a message posted, a room made): its caller decides.
    const auto post = exchange(io, client, {"POST", url(peer.port, "/b"), {}, "y", 5000ms});
    CHECK_FALSE(post.has_value());
    CHECK(peer.targets == std::vector<std::string>{"/a", "/b"});
    // A request that is safe to repeat is tried once more on a fresh connection.
    REQUIRE(exchange(io, client, {"GET", url(peer.port, "/c"), {}, "", 5000ms}).has_value());
    const auto get = exchange(io, client, {"GET", url(peer.port, "/d"), {}, "", 5000ms});
    CHECK(get.has_value());
    CHECK(peer.targets == std::vector<std::string>{"/a", "/b", "/c", "/d", "/d"});
}

TEST_CASE("a peer that never answers times out as a network error", "[net][client]") {
    asio::io_context io;
    FakePeer peer(io, FakePeer::Mode::silent);
    start(peer);
    HttpClient client(io);
    const auto started = Clock::now();
    const auto got = exchange(io, client, {"GET", url(peer.port, "/slow"), {}, "", 300ms});
    const auto elapsed = Clock::now() - started;
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().code == ErrorCode::network);
    CHECK_THAT(got.error().message, Catch::Contains("timed out after 300 ms") &&
                                        Catch::Contains("waiting for the response"));
    CHECK(elapsed >= 250ms);
    CHECK(elapsed < 2000ms);
    CHECK(peer.requests == 1);
}

TEST_CASE("a refused connection is a network error", "[net][client]") {
    asio::io_context io;
    std::uint16_t closed_port = 0;
    {
        tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        closed_port = probe.local_endpoint().port();
    }
    HttpClient client(io);
    const auto got = exchange(io, client, {"GET", url(closed_port, "/"), {}, "", 5000ms});
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().code == ErrorCode::network);
    CHECK_THAT(got.error().message, Catch::Contains("cannot connect to 127.0.0.1:"));
}

TEST_CASE("a response over max_response_bytes is bad_input", "[net][client]") {
    asio::io_context io;
    FakePeer peer(io, FakePeer::Mode::huge);
    start(peer);
    ClientOptions options;
    options.max_response_bytes = 1000;
    HttpClient client(io, options);
    const auto got = exchange(io, client, {"GET", url(peer.port, "/big"), {}, "", 5000ms});
    REQUIRE_FALSE(got.has_value());
    CHECK(got.error().code == ErrorCode::bad_input);
    CHECK_THAT(got.error().message, Catch::Contains("over 1000 bytes"));

    // The half-read connection is not pooled: the next request gets a fresh one.
    options.max_response_bytes = 20000;
    HttpClient roomy(io, options);
    const auto whole = exchange(io, roomy, {"GET", url(peer.port, "/big"), {}, "", 5000ms});
    REQUIRE(whole.has_value());
    CHECK(whole->body.size() == 10000);
}

TEST_CASE("a malformed URL, method or header is bad_input", "[net][client]") {
    asio::io_context io;
    HttpClient client(io);
    for (const char* bad : {"ftp://example.org/", "http://", "not a url", "http://ho st/",
                            "http://host:99999/", "https://user@host/", "http://host/a b"}) {
        INFO(bad);
        const auto got = exchange(io, client, {"GET", bad, {}, "", 1000ms});
        REQUIRE_FALSE(got.has_value());
        CHECK(got.error().code == ErrorCode::bad_input);
    }
    const auto bad_method = exchange(io, client, {"GE T", "http://127.0.0.1:1/", {}, "", 1000ms});
    REQUIRE_FALSE(bad_method.has_value());
    CHECK(bad_method.error().code == ErrorCode::bad_input);
    ClientRequest injected{"GET", "http://127.0.0.1:1/", {}, "", 1000ms};
    injected.headers["X-Evil"] = "a\r\nX-Injected: 1";
    const auto bad_header = exchange(io, client, injected);
    REQUIRE_FALSE(bad_header.has_value());
    CHECK(bad_header.error().code == ErrorCode::bad_input);
}

TEST_CASE("TLS: an untrusted certificate is refused, a trusted one is used", "[net][client][tls]") {
    asio::io_context io;
    const Certificate certificate = make_self_signed();
    TlsPeer peer(io, certificate);
    asio::co_spawn(io, tls_accept(&peer), [](std::exception_ptr) {});

    SECTION("the system store does not trust a self-signed certificate") {
        HttpClient client(io);
        const auto got = exchange(
            io, client, {"GET", url(peer.port, "/x", "https", "localhost"), {}, "", 5000ms});
        REQUIRE_FALSE(got.has_value());
        CHECK(got.error().code == ErrorCode::network);
        CHECK_THAT(got.error().message, Catch::Contains("TLS handshake with localhost:") &&
                                            Catch::Contains("self-signed"));
        CHECK(peer.answered == 0);
    }
    SECTION("with the certificate as an extra CA the exchange succeeds") {
        ClientOptions options;
        options.extra_ca_pem = certificate.cert_pem;
        HttpClient client(io, options);
        const auto got = exchange(
            io, client, {"GET", url(peer.port, "/veilig", "https", "localhost"), {}, "", 5000ms});
        REQUIRE(got.has_value());
        CHECK(got->status == 200);
        CHECK(got->body == "tls /veilig");
        CHECK(peer.answered == 1);
    }
    SECTION("a trusted certificate for another name is refused (host name verification)") {
        ClientOptions options;
        options.extra_ca_pem = certificate.cert_pem;
        HttpClient client(io, options);
        const auto got = exchange(
            io, client, {"GET", url(peer.port, "/x", "https", "127.0.0.1"), {}, "", 5000ms});
        REQUIRE_FALSE(got.has_value());
        CHECK(got.error().code == ErrorCode::network);
        CHECK_THAT(got.error().message,
                   Catch::Contains("TLS handshake with 127.0.0.1:") && Catch::Contains("mismatch"));
        CHECK(peer.answered == 0);
    }
}

TEST_CASE("ClientOptions::extra_ca_pem that is not PEM throws at construction", "[net][client]") {
    asio::io_context io;
    ClientOptions options;
    options.extra_ca_pem = "not a certificate";
    CHECK_THROWS(HttpClient(io, options));
}

}  // namespace leernetwerk::net::test
