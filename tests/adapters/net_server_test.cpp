// HttpServer against raw HTTP/1.1 bytes on 127.0.0.1: routing, limits, timeouts, keep-alive.
#include <catch2/catch.hpp>

#include <thread>

#include "adapters/net/http_server.hpp"
#include "net_support.hpp"

namespace leernetwerk::net::test {
namespace {

struct Observed {
    std::string route;
    std::string method;
    int status = 0;
};

/// A server on 127.0.0.1:0 with an observer that records every answered request.
struct ServerFixture {
    explicit ServerFixture(ServerOptions options = {})
        : server(std::make_unique<HttpServer>(io, options)) {
        server->set_observer(ServerObserver{[this](std::string_view route, std::string_view method,
                                                   int status, std::chrono::microseconds) {
            observed.push_back({std::string(route), std::string(method), status});
        }});
    }
    ~ServerFixture() {
        server.reset();
        drain(io);
    }
    ServerFixture(const ServerFixture&) = delete;
    ServerFixture& operator=(const ServerFixture&) = delete;

    void listen() { port = server->listen("127.0.0.1", 0); }

    Conversation converse(std::vector<Step> steps, bool expect_close = false) {
        return run_task(io, test::converse(port, std::move(steps), expect_close));
    }

    asio::io_context io;
    std::unique_ptr<HttpServer> server;
    std::uint16_t port = 0;
    std::vector<Observed> observed;
};

/// Trickles a header that never ends, one byte per `interval`; returns how long until the
/// server closed the connection and how many bytes went out before that.
struct Trickle {
    std::chrono::milliseconds until_closed{0};
    int bytes_sent = 0;
};

asio::awaitable<Trickle> trickle(std::uint16_t port, std::chrono::milliseconds interval) {
    auto executor = co_await asio::this_coro::executor;
    tcp::socket socket(executor);
    const auto start = Clock::now();
    co_await socket.async_connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port),
                                  asio::use_awaitable);
    const std::string opening = "POST /api/messages HTTP/1.1\r\nHost: test\r\nX-Slow: ";
    co_await asio::async_write(socket, asio::buffer(opening), asio::use_awaitable);
    socket.non_blocking(true);
    Trickle result;
    asio::steady_timer timer(executor);
    while (Clock::now() - start < 10s) {
        timer.expires_after(interval);
        co_await timer.async_wait(asio::use_awaitable);
        std::array<char, 256> sink{};
        boost::system::error_code read_error;
        socket.read_some(asio::buffer(sink), read_error);
        if (read_error && read_error != asio::error::would_block) {
            break;  // eof or reset: the server gave up on us
        }
        boost::system::error_code write_error;
        socket.write_some(asio::buffer("a", 1), write_error);
        if (write_error && write_error != asio::error::would_block) {
            break;
        }
        ++result.bytes_sent;
    }
    result.until_closed =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    co_return result;
}

/// Opens three connections; the server allows two. Reports whether the third was closed at
/// once and whether the first two are still served.
struct Crowd {
    bool third_closed = false;
    int first_status = 0;
    int second_status = 0;
};

asio::awaitable<Crowd> crowd(std::uint16_t port) {
    auto executor = co_await asio::this_coro::executor;
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    tcp::socket a(executor), b(executor), c(executor);
    co_await a.async_connect(endpoint, asio::use_awaitable);
    co_await b.async_connect(endpoint, asio::use_awaitable);
    co_await c.async_connect(endpoint, asio::use_awaitable);
    Crowd result;
    result.third_closed = co_await closes_within(&c, 2000ms);
    std::string error;
    beast::flat_buffer buffer_a, buffer_b;
    const std::string request = get("/hello");
    co_await asio::async_write(a, asio::buffer(request), asio::use_awaitable);
    result.first_status = (co_await read_reply(&a, &buffer_a, false, &error)).status;
    co_await asio::async_write(b, asio::buffer(request), asio::use_awaitable);
    result.second_status = (co_await read_reply(&b, &buffer_b, false, &error)).status;
    co_return result;
}

struct StopOutcome {
    int status = 0;
    bool closed_after_stop = false;
    bool refused_after_stop = false;
};

/// One keep-alive request, then `server->stop()`: is the idle connection closed, and is a new
/// connection refused?
asio::awaitable<StopOutcome> stop_while_idle(HttpServer* server, std::uint16_t port) {
    auto executor = co_await asio::this_coro::executor;
    const tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    tcp::socket socket(executor);
    co_await socket.async_connect(endpoint, asio::use_awaitable);
    const std::string request = get("/hello");
    co_await asio::async_write(socket, asio::buffer(request), asio::use_awaitable);
    beast::flat_buffer buffer;
    std::string error;
    StopOutcome outcome;
    outcome.status = (co_await read_reply(&socket, &buffer, false, &error)).status;
    server->stop();
    outcome.closed_after_stop = co_await closes_within(&socket, 2000ms);
    tcp::socket late(executor);
    auto [connect_error] = co_await late.async_connect(endpoint, kTuple);
    outcome.refused_after_stop = connect_error == asio::error::connection_refused;
    co_return outcome;
}

Handler answer_text(std::string text) {
    return [text](Request, Responder respond) { respond(Response::text(200, text)); };
}

}  // namespace

TEST_CASE("routes answer 200, unknown paths 404 and other methods 405 with Allow",
          "[net][server]") {
    ServerFixture f;
    f.server->route("GET", "/hello", answer_text("hallo"));
    f.server->route("POST", "/api/messages", answer_text("posted"));
    std::vector<Request> seen;
    f.server->route_prefix("GET", "/_matrix/app/v1/users/",
                           [&seen](Request request, Responder respond) {
                               seen.push_back(request);
                               respond(Response::json(200, "{}"));
                           });
    f.listen();

    const auto talk = f.converse({
        {get("/hello")},
        {get("/nope")},
        {"DELETE /hello HTTP/1.1\r\nHost: test\r\n\r\n"},
        {get("/_matrix/app/v1/users/%40anna%3Avoorbeeld.nl?access_token=a%20b+c&x=1",
             "X-Trace: een\r\n")},
        {post("/api/messages", "{\"type\":\"message\"}")},
    });
    REQUIRE(talk.error.empty());
    REQUIRE(talk.replies.size() == 5);

    CHECK(talk.replies[0].status == 200);
    CHECK(talk.replies[0].body == "hallo");
    CHECK(talk.replies[0].header("Server") == "leernetwerk");
    CHECK(talk.replies[0].header("Content-Length") == "5");
    CHECK(talk.replies[0].header("content-type") == "text/plain; charset=utf-8");

    CHECK(talk.replies[1].status == 404);
    CHECK(talk.replies[1].body == R"({"error":"not found"})");

    CHECK(talk.replies[2].status == 405);
    CHECK(talk.replies[2].header("Allow") == "GET, HEAD");

    CHECK(talk.replies[3].status == 200);
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].path == "/_matrix/app/v1/users/@anna:voorbeeld.nl");
    CHECK(seen[0].target ==
          "/_matrix/app/v1/users/%40anna%3Avoorbeeld.nl?access_token=a%20b+c&x=1");
    CHECK(seen[0].query.at("access_token") == "a b c");
    CHECK(seen[0].query.at("x") == "1");
    CHECK(seen[0].header("x-trace") == "een");
    CHECK(seen[0].header("X-Absent").empty());
    CHECK(seen[0].remote_address == "127.0.0.1");

    CHECK(talk.replies[4].status == 200);
    CHECK(talk.replies[4].body == "posted");

    REQUIRE(f.observed.size() == 5);
    CHECK(f.observed[0].route == "/hello");
    CHECK(f.observed[1].route.empty());
    CHECK(f.observed[1].status == 404);
    CHECK(f.observed[2].route == "/hello");
    CHECK(f.observed[2].method == "DELETE");
    CHECK(f.observed[2].status == 405);
    CHECK(f.observed[3].route == "/_matrix/app/v1/users/");
    CHECK(f.observed[4].route == "/api/messages");
}

TEST_CASE("the longest matching prefix wins and an exact route beats a prefix", "[net][server]") {
    ServerFixture f;
    f.server->route_prefix("GET", "/a/", answer_text("short"));
    f.server->route_prefix("GET", "/a/b/", answer_text("long"));
    f.server->route("GET", "/a/b/c", answer_text("exact"));
    f.listen();
    const auto talk = f.converse({{get("/a/x")}, {get("/a/b/x")}, {get("/a/b/c")}});
    REQUIRE(talk.replies.size() == 3);
    CHECK(talk.replies[0].body == "short");
    CHECK(talk.replies[1].body == "long");
    CHECK(talk.replies[2].body == "exact");
}

TEST_CASE("a body over the route's limit gets 413 and never reaches the handler", "[net][server]") {
    ServerFixture f;
    int calls = 0;
    std::string received;
    f.server->route(
        "POST", "/small",
        [&](Request request, Responder respond) {
            ++calls;
            received = request.body;
            respond(Response::json(200, "{}"));
        },
        16);
    f.listen();

    SECTION("declared by Content-Length") {
        const auto talk = f.converse({{post("/small", std::string(100, 'x'))}}, true);
        REQUIRE(talk.replies.size() == 1);
        CHECK(talk.replies[0].status == 413);
        CHECK(talk.replies[0].body == R"({"error":"body too large"})");
        CHECK_FALSE(talk.replies[0].keep_alive);
        CHECK(talk.closed_by_server);
        CHECK(calls == 0);
        REQUIRE(f.observed.size() == 1);
        CHECK(f.observed[0].status == 413);
        CHECK(f.observed[0].route == "/small");
    }
    SECTION("sent in chunks") {
        const std::string chunked =
            "POST /small HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n"
            "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n";
        const auto talk = f.converse({{chunked}}, true);
        REQUIRE(talk.replies.size() == 1);
        CHECK(talk.replies[0].status == 413);
        CHECK(talk.closed_by_server);
        CHECK(calls == 0);
    }
    SECTION("within the limit it arrives whole") {
        const auto talk = f.converse({{post("/small", "0123456789abcdef")}});
        REQUIRE(talk.replies.size() == 1);
        CHECK(talk.replies[0].status == 200);
        CHECK(calls == 1);
        CHECK(received == "0123456789abcdef");
    }
}

TEST_CASE("a request header over max_header_bytes gets 431", "[net][server]") {
    ServerOptions options;
    options.max_header_bytes = 1024;
    ServerFixture f(options);
    int calls = 0;
    f.server->route("GET", "/hello", [&calls](Request, Responder respond) {
        ++calls;
        respond(Response::text(200, "hallo"));
    });
    f.listen();
    const auto talk =
        f.converse({{get("/hello", "X-Big: " + std::string(2000, 'b') + "\r\n")}}, true);
    REQUIRE(talk.replies.size() == 1);
    CHECK(talk.replies[0].status == 431);
    CHECK(talk.closed_by_server);
    CHECK(calls == 0);
}

TEST_CASE("malformed HTTP gets 400 and the connection closes", "[net][server]") {
    ServerFixture f;
    f.server->route("GET", "/hello", answer_text("hallo"));
    f.listen();
    SECTION("a broken request line") {
        const auto talk = f.converse({{"GET /hello HTTP/9\r\n\r\n"}}, true);
        REQUIRE(talk.replies.size() == 1);
        CHECK(talk.replies[0].status == 400);
        CHECK(talk.closed_by_server);
    }
    SECTION("a broken percent escape in the target") {
        const auto talk = f.converse({{get("/hello%zz")}}, true);
        REQUIRE(talk.replies.size() == 1);
        CHECK(talk.replies[0].status == 400);
        CHECK(talk.closed_by_server);
    }
}

TEST_CASE("HEAD probes: a POST route answers 200 empty, a GET route like GET without body",
          "[net][server]") {
    ServerFixture f;
    int posts = 0;
    f.server->route("POST", "/api/messages", [&posts](Request, Responder respond) {
        ++posts;
        respond(Response::json(200, "{}"));
    });
    f.server->route("GET", "/hello", answer_text("hallo"));
    f.listen();
    const auto talk = f.converse({
        {"HEAD /api/messages HTTP/1.1\r\nHost: test\r\n\r\n", true},
        {"HEAD /hello HTTP/1.1\r\nHost: test\r\n\r\n", true},
        {get("/hello")},
    });
    REQUIRE(talk.error.empty());
    REQUIRE(talk.replies.size() == 3);
    CHECK(talk.replies[0].status == 200);
    CHECK(talk.replies[0].header("Content-Length") == "0");
    CHECK(posts == 0);
    CHECK(talk.replies[1].status == 200);
    CHECK(talk.replies[1].header("Content-Length") == "5");
    CHECK(talk.replies[1].body.empty());
    // The connection is still in step: the GET after the HEADs reads its own body.
    CHECK(talk.replies[2].body == "hallo");
}

TEST_CASE("keep-alive: two requests on one connection, and Connection: close is honoured",
          "[net][server]") {
    ServerFixture f;
    int calls = 0;
    f.server->route("GET", "/count", [&calls](Request, Responder respond) {
        respond(Response::text(200, std::to_string(++calls)));
    });
    f.listen();
    const auto talk = f.converse({{get("/count")}, {get("/count", "Connection: close\r\n")}}, true);
    REQUIRE(talk.error.empty());
    REQUIRE(talk.replies.size() == 2);
    CHECK(talk.replies[0].body == "1");
    CHECK(talk.replies[0].keep_alive);
    CHECK(talk.replies[1].body == "2");
    CHECK_FALSE(talk.replies[1].keep_alive);
    CHECK(talk.closed_by_server);
}

TEST_CASE("a slowloris that trickles its header is cut off at read_timeout", "[net][server]") {
    ServerOptions options;
    options.read_timeout = 1s;
    ServerFixture f(options);
    f.server->route("POST", "/api/messages", answer_text("never"));
    f.listen();
    const Trickle result = run_task(f.io, trickle(f.port, 100ms), 15s);
    CHECK(result.until_closed >= 900ms);
    CHECK(result.until_closed <= 3000ms);
    CHECK(result.bytes_sent >= 5);  // every single read succeeded, the whole request took too long
}

TEST_CASE("a handler that never answers gets 503 after handler_timeout", "[net][server]") {
    ServerOptions options;
    options.handler_timeout = 1s;
    ServerFixture f(options);
    std::vector<Responder> kept;
    f.server->route("GET", "/stuck",
                    [&kept](Request, Responder respond) { kept.push_back(std::move(respond)); });
    f.server->route("GET", "/hello", answer_text("hallo"));
    f.listen();

    const auto start = Clock::now();
    const auto first = f.converse({{get("/stuck")}});
    const auto elapsed = Clock::now() - start;
    REQUIRE(first.replies.size() == 1);
    CHECK(first.replies[0].status == 503);
    CHECK(elapsed >= 900ms);
    CHECK(elapsed <= 3000ms);

    // Answering after the 503 is dropped; a new request on a new connection is unaffected.
    REQUIRE(kept.size() == 1);
    kept[0](Response::text(200, "too late"));
    const auto second = f.converse({{get("/hello")}});
    REQUIRE(second.replies.size() == 1);
    CHECK(second.replies[0].body == "hallo");
    REQUIRE(f.observed.size() == 2);
    CHECK(f.observed[0].status == 503);
}

TEST_CASE("a handler may answer later, from a timer on the io thread", "[net][server]") {
    ServerFixture f;
    asio::steady_timer timer(f.io);
    f.server->route("GET", "/later", [&timer](Request, Responder respond) {
        timer.expires_after(200ms);
        timer.async_wait(
            [respond](boost::system::error_code) { respond(Response::text(200, "later")); });
    });
    f.listen();
    const auto start = Clock::now();
    const auto talk = f.converse({{get("/later")}});
    REQUIRE(talk.replies.size() == 1);
    CHECK(talk.replies[0].status == 200);
    CHECK(talk.replies[0].body == "later");
    CHECK(Clock::now() - start >= 150ms);
}

TEST_CASE("a Responder called from another thread hops onto the io thread", "[net][server]") {
    ServerFixture f;
    std::thread worker;
    f.server->route("GET", "/elsewhere", [&worker](Request, Responder respond) {
        worker = std::thread([respond] { respond(Response::text(200, "from a thread")); });
    });
    f.listen();
    const auto talk = f.converse({{get("/elsewhere")}});
    worker.join();
    REQUIRE(talk.replies.size() == 1);
    CHECK(talk.replies[0].body == "from a thread");
}

TEST_CASE("a Responder kept past the server's end is harmless to call", "[net][server]") {
    std::vector<Responder> kept;
    std::optional<Conversation> talk;
    {
        ServerFixture f;
        f.server->route("GET", "/slow", [&kept](Request, Responder respond) {
            kept.push_back(std::move(respond));
        });
        f.listen();
        auto future = asio::co_spawn(f.io, converse(f.port, {{get("/slow")}}), asio::use_future);
        REQUIRE(run_until(f.io, [&kept] { return !kept.empty(); }));
        f.server.reset();  // closes the connection the handler still owes an answer
        REQUIRE(run_until(f.io,
                          [&future] { return future.wait_for(0s) == std::future_status::ready; }));
        talk = future.get();
        REQUIRE(kept.size() == 1);
        kept[0](Response::text(200, "nobody listens"));  // the connection is closed by now
        drain(f.io);
        CHECK(f.observed.empty());
    }
    kept[0](Response::text(200, "nobody at all"));  // and the io_context is gone
    CHECK(talk->replies.empty());
    CHECK_FALSE(talk->error.empty());
}

TEST_CASE("answering twice is harmless: the second answer is dropped", "[net][server]") {
    ServerFixture f;
    int calls = 0;
    Responder previous;
    f.server->route("GET", "/twice", [&](Request, Responder respond) {
        ++calls;
        if (previous) {
            previous(Response::text(500, "stale answer for the previous request"));
        }
        respond(Response::text(200, "first " + std::to_string(calls)));
        respond(Response::text(500, "second"));
        previous = respond;
    });
    f.listen();
    const auto talk = f.converse({{get("/twice")}, {get("/twice")}});
    REQUIRE(talk.error.empty());
    REQUIRE(talk.replies.size() == 2);
    CHECK(talk.replies[0].status == 200);
    CHECK(talk.replies[0].body == "first 1");
    CHECK(talk.replies[1].status == 200);
    CHECK(talk.replies[1].body == "first 2");
    CHECK(f.observed.size() == 2);
}

TEST_CASE("a handler that throws gets a 500 and the server keeps serving", "[net][server]") {
    ServerFixture f;
    f.server->route("GET", "/boom", [](Request, Responder) { throw std::runtime_error("bug"); });
    f.server->route("GET", "/hello", answer_text("hallo"));
    f.listen();
    const auto talk = f.converse({{get("/boom")}, {get("/hello")}});
    REQUIRE(talk.replies.size() == 2);
    CHECK(talk.replies[0].status == 500);
    CHECK(talk.replies[1].body == "hallo");
}

TEST_CASE("beyond max_connections new connections are closed at once", "[net][server]") {
    ServerOptions options;
    options.max_connections = 2;
    ServerFixture f(options);
    f.server->route("GET", "/hello", answer_text("hallo"));
    f.listen();
    const Crowd result = run_task(f.io, crowd(f.port));
    CHECK(result.third_closed);
    CHECK(result.first_status == 200);
    CHECK(result.second_status == 200);
}

TEST_CASE("stop() closes idle connections and refuses new ones", "[net][server]") {
    ServerFixture f;
    f.server->route("GET", "/hello", answer_text("hallo"));
    f.listen();

    const StopOutcome outcome = run_task(f.io, stop_while_idle(f.server.get(), f.port));
    CHECK(outcome.status == 200);
    CHECK(outcome.closed_after_stop);
    CHECK(outcome.refused_after_stop);
}

TEST_CASE("listen() names the address it cannot bind", "[net][server]") {
    asio::io_context io;
    HttpServer server(io);
    CHECK_THROWS_WITH(server.listen("not-an-ip", 0), Catch::Contains("not-an-ip"));
}


namespace {

/// A connection from another loopback address than a local probe's (127.0.0.1).
asio::awaitable<std::unique_ptr<tcp::socket>> connect_from(const char* source,
                                                           std::uint16_t port) {
    auto executor = co_await asio::this_coro::executor;
    auto socket = std::make_unique<tcp::socket>(executor);
    socket->open(tcp::v4());
    socket->bind(tcp::endpoint(asio::ip::make_address(source), 0));
    co_await socket->async_connect(
        tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), asio::use_awaitable);
    co_return socket;
}

struct Flood {
    int refused = 0;     ///< of the flood's connections, closed by the server at once
    int probes_ok = 0;   ///< of 20 probes from 127.0.0.1 during the flood, answered 200
    int evicted = 0;     ///< kept-alive flood connections closed to make room
};

/// `idle` connections from 127.0.0.2 that never send a byte, `kept` that send one request and
/// stay open; then 20 probes from 127.0.0.1, each on a new connection (kept open when
/// `hold_probes`).
asio::awaitable<Flood> flood(std::uint16_t port, int idle, int kept, bool hold_probes = false) {
    std::vector<std::unique_ptr<tcp::socket>> crowd;
    for (int i = 0; i < idle + kept; ++i) {
        crowd.push_back(co_await connect_from("127.0.0.2", port));
    }
    Flood result;
    std::string error;
    for (int i = idle; i < idle + kept; ++i) {
        const std::string request = get("/hello");
        auto [write_error, written] =
            co_await asio::async_write(*crowd[i], asio::buffer(request), kTuple);
        (void)written;
        beast::flat_buffer buffer;
        if (write_error || (co_await read_reply(crowd[i].get(), &buffer, false, &error)).status != 200) {
            ++result.refused;
        }
    }
    for (int i = 0; i < idle; ++i) {
        result.refused += (co_await closes_within(crowd[i].get(), 50ms)) ? 1 : 0;
    }
    std::vector<std::unique_ptr<tcp::socket>> held;
    for (int i = 0; i < 20; ++i) {
        auto probe = co_await connect_from("127.0.0.1", port);
        const std::string request = get("/healthz");
        auto [write_error, written] = co_await asio::async_write(*probe, asio::buffer(request), kTuple);
        (void)written;
        beast::flat_buffer buffer;
        result.probes_ok += !write_error &&
                            (co_await read_reply(probe.get(), &buffer, false, &error)).status == 200;
        if (hold_probes) {
            held.push_back(std::move(probe));
        }
    }
    for (int i = idle; i < idle + kept; ++i) {
        result.evicted += (co_await closes_within(crowd[i].get(), 50ms)) ? 1 : 0;
    }
    co_return result;
}

}  // namespace

TEST_CASE("idle connections from one client leave room for local health probes",
          "[net][server][limits]") {
    ServerOptions options;
    options.max_connections = 40;
    options.probe_reserve = 8;
    options.max_connections_per_address = 0;  // only the global cap and its reserve
    ServerFixture f(options);
    f.server->route("GET", "/healthz", answer_text("ok"));
    f.listen();
    const Flood result = run_task(f.io, flood(f.port, 60, 0), 30s);
    CHECK(result.refused == 60 - 32);  // 40 less the 8 kept for probes
    CHECK(result.probes_ok == 20);
    CHECK(f.server->stats().refused_connections == 28);
}

TEST_CASE("one address gets at most max_connections_per_address", "[net][server][limits]") {
    ServerOptions options;
    options.max_connections_per_address = 5;
    ServerFixture f(options);
    f.server->route("GET", "/healthz", answer_text("ok"));
    f.listen();
    const Flood result = run_task(f.io, flood(f.port, 12, 0), 30s);
    CHECK(result.refused == 7);
    CHECK(result.probes_ok == 20);  // another address is not affected
}

TEST_CASE("at the cap, the longest-idle keep-alive connection makes room", "[net][server][limits]") {
    ServerOptions options;
    options.max_connections = 12;
    options.probe_reserve = 2;
    options.max_connections_per_address = 0;
    ServerFixture f(options);
    f.server->route("GET", "/hello", answer_text("hallo"));
    f.server->route("GET", "/healthz", answer_text("ok"));
    f.listen();
    // Ten kept-alive connections fill the ten places others than probes may use; the probes, who
    // keep their connections too, take the reserve, and beyond it the longest idle connections:
    // first all ten of the flood's, then earlier probes'.
    const Flood result = run_task(f.io, flood(f.port, 0, 10, true), 30s);
    CHECK(result.refused == 0);
    CHECK(result.probes_ok == 20);
    CHECK(result.evicted == 10);
    CHECK(f.server->stats().evicted_connections == 18);  // 20 probes in 12 places
}

TEST_CASE("an idle keep-alive connection is closed after idle_timeout", "[net][server][limits]") {
    ServerOptions options;
    options.idle_timeout = 1s;
    ServerFixture f(options);
    f.server->route("GET", "/hello", answer_text("hallo"));
    f.listen();
    const auto talk = f.converse({{get("/hello")}}, true);
    REQUIRE(talk.replies.size() == 1);
    CHECK(talk.replies[0].status == 200);
    CHECK(talk.closed_by_server);
}

}  // namespace leernetwerk::net::test
