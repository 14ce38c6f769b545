// adapters/net without sockets: URLs and encoding, Prometheus text, backoff, Retry-After and the
// per-conversation send windows.
#include <catch2/catch.hpp>

#include <thread>

#include "adapters/net/http.hpp"
#include "adapters/net/metrics.hpp"
#include "adapters/net/retry.hpp"

using namespace std::chrono_literals;
namespace net = leernetwerk::net;

TEST_CASE("parse_url splits absolute http and https URLs", "[net][url]") {
    const auto plain = net::parse_url("http://Example.org/api/v1?x=1#frag");
    REQUIRE(plain);
    CHECK(plain->scheme == "http");
    CHECK(plain->host == "example.org");
    CHECK(plain->port == "80");
    CHECK(plain->target == "/api/v1?x=1");

    const auto tls = net::parse_url("HTTPS://smba.trafficmanager.net:8443");
    REQUIRE(tls);
    CHECK(tls->scheme == "https");
    CHECK(tls->port == "8443");
    CHECK(tls->target == "/");

    const auto query_only = net::parse_url("https://matrix.example.org?since=s1");
    REQUIRE(query_only);
    CHECK(query_only->port == "443");
    CHECK(query_only->target == "/?since=s1");

    const auto v6 = net::parse_url("http://[::1]:8008/_matrix/client/versions");
    REQUIRE(v6);
    CHECK(v6->host == "::1");
    CHECK(v6->port == "8008");
    CHECK(v6->target == "/_matrix/client/versions");

    for (const char* bad :
         {"", "example.org/x", "ftp://example.org/", "http://", "http://:80/", "http://host:0/",
          "http://host:65536/", "http://host:8a/", "http://us er@host/", "http://user:pw@host/",
          "http://ho st/", "http://host/a b", "http://[::1/", "http://[zz]/"}) {
        INFO(bad);
        CHECK_FALSE(net::parse_url(bad));
    }
}

TEST_CASE("path segments and query values are percent-encoded", "[net][url]") {
    CHECK(net::encode_path_segment("!abc:def@matrix.org") == "%21abc%3Adef%40matrix.org");
    CHECK(net::encode_path_segment("a/b?c#d;e") == "a%2Fb%3Fc%23d%3Be");
    CHECK(net::encode_path_segment("Az09-._~") == "Az09-._~");
    CHECK(net::encode_path_segment("café") == "caf%C3%A9");
    CHECK(net::encode_query_value("a b&c=d+e") == "a%20b%26c%3Dd%2Be");
}

TEST_CASE("headers compare case-insensitively", "[net][url]") {
    net::Headers headers;
    headers["Content-Type"] = "application/json";
    headers["retry-after"] = "5";
    CHECK(headers.count("content-type") == 1);
    CHECK(headers.find("RETRY-AFTER")->second == "5");
    net::ClientResponse response;
    response.headers = headers;
    CHECK(response.header("Retry-After") == "5");
    CHECK(response.header("X-Missing").empty());
    CHECK(net::Response::json(201, "{}").content_type == "application/json");
    CHECK(net::Response::text(200, "hoi").content_type == "text/plain; charset=utf-8");
    CHECK(net::Response::text(404, "x").status == 404);
}

TEST_CASE("metrics render in the Prometheus text format, sorted and escaped", "[net][metrics]") {
    net::Metrics metrics;
    metrics.describe("leernetwerk_http_requests_total", "counter", "HTTP requests answered.");
    metrics.describe("leernetwerk_outbox_pending", "gauge",
                     "Rows waiting to be sent.\nPer platform.");
    metrics.describe("leernetwerk_http_request_seconds", "histogram", "Time to answer.");
    metrics.count("leernetwerk_http_requests_total",
                  {{"route", "/api/messages"}, {"status", "200"}});
    metrics.count("leernetwerk_http_requests_total",
                  {{"status", "200"}, {"route", "/api/messages"}});
    metrics.count("leernetwerk_http_requests_total", {{"route", "/a\"b\\c\nd"}, {"status", "404"}},
                  2);
    metrics.set("leernetwerk_outbox_pending", {{"platform", "teams"}}, 3);
    metrics.set("leernetwerk_outbox_pending", {{"platform", "matrix"}}, 0.5);
    metrics.observe("leernetwerk_http_request_seconds", {{"route", "/x"}}, 3ms);
    metrics.observe("leernetwerk_http_request_seconds", {{"route", "/x"}}, 2s);
    metrics.count("unlabelled_total");

    CHECK(metrics.value("leernetwerk_http_requests_total",
                        {{"status", "200"}, {"route", "/api/messages"}}) == 2);
    CHECK(metrics.value("leernetwerk_outbox_pending", {{"platform", "teams"}}) == 3);
    CHECK(metrics.value("never_set") == 0);

    const std::string expected =
        "# HELP leernetwerk_http_request_seconds Time to answer.\n"
        "# TYPE leernetwerk_http_request_seconds histogram\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"0.0005\"} 0\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"0.001\"} 0\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"0.0025\"} 0\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"0.005\"} 1\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"0.01\"} 1\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"0.025\"} 1\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"0.05\"} 1\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"0.25\"} 1\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"0.5\"} 1\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"1\"} 1\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"2.5\"} 2\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"5\"} 2\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"10\"} 2\n"
        "leernetwerk_http_request_seconds_bucket{route=\"/x\",le=\"+Inf\"} 2\n"
        "leernetwerk_http_request_seconds_sum{route=\"/x\"} 2.003\n"
        "leernetwerk_http_request_seconds_count{route=\"/x\"} 2\n"
        "# HELP leernetwerk_http_requests_total HTTP requests answered.\n"
        "# TYPE leernetwerk_http_requests_total counter\n"
        "leernetwerk_http_requests_total{route=\"/a\\\"b\\\\c\\nd\",status=\"404\"} 2\n"
        "leernetwerk_http_requests_total{route=\"/api/messages\",status=\"200\"} 2\n"
        "# HELP leernetwerk_outbox_pending Rows waiting to be sent.\\nPer platform.\n"
        "# TYPE leernetwerk_outbox_pending gauge\n"
        "leernetwerk_outbox_pending{platform=\"matrix\"} 0.5\n"
        "leernetwerk_outbox_pending{platform=\"teams\"} 3\n"
        "unlabelled_total 1\n";
    CHECK(metrics.render() == expected);
}

TEST_CASE("metrics may be written from several threads", "[net][metrics]") {
    net::Metrics metrics;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&metrics] {
            for (int i = 0; i < 1000; ++i) {
                metrics.count("hits_total", {{"kind", "a"}});
                metrics.observe("latency_seconds", {}, 1ms);
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    CHECK(metrics.value("hits_total", {{"kind", "a"}}) == 4000);
    CHECK_THAT(metrics.render(), Catch::Contains("latency_seconds_count 4000\n"));
}

TEST_CASE("backoff with full jitter stays within [0, min(cap, base * 2^(n-1))]", "[net][retry]") {
    std::mt19937_64 random(42);
    for (int attempt = 1; attempt <= 8; ++attempt) {
        const auto ceiling = std::min(2000ms, 100ms * (1 << (attempt - 1)));
        auto lowest = ceiling;
        auto highest = 0ms;
        for (int i = 0; i < 2000; ++i) {
            const auto delay = net::backoff_delay(attempt, 100ms, 2000ms, random);
            REQUIRE(delay >= 0ms);
            REQUIRE(delay <= ceiling);
            lowest = std::min(lowest, delay);
            highest = std::max(highest, delay);
        }
        INFO("attempt " << attempt);
        CHECK(lowest < ceiling / 10);  // full jitter: near zero happens
        CHECK(highest > ceiling * 9 / 10);
    }
    // Far-out attempts neither overflow nor pass the cap.
    for (int attempt : {40, 64, 1000, std::numeric_limits<int>::max()}) {
        CHECK(net::backoff_delay(attempt, 100ms, 30s, random) <= 30s);
    }
    CHECK(net::backoff_delay(0, 100ms, 2s, random) <= 100ms);
}

TEST_CASE("Retry-After as delta-seconds or an HTTP-date", "[net][retry]") {
    using std::chrono::seconds;
    // Wed, 21 Oct 2015 07:28:00 GMT
    const std::chrono::system_clock::time_point date =
        std::chrono::sys_days{std::chrono::year{2015} / 10 / 21} + 7h + 28min;
    const auto now = date - 90s;

    CHECK(net::parse_retry_after("120", now) == seconds{120});
    CHECK(net::parse_retry_after(" 0 ", now) == seconds{0});
    CHECK(net::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now) == seconds{90});
    CHECK(net::parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", now) == seconds{90});
    CHECK(net::parse_retry_after("Wed Oct 21 07:28:00 2015", now) == seconds{90});
    CHECK(net::parse_retry_after("Sun Nov  6 08:49:37 1994",
                                 std::chrono::sys_days{std::chrono::year{1994} / 11 / 6} + 8h +
                                     49min + 30s) == seconds{7});
    // A date in the past means "now".
    CHECK(net::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", date + 1h) == seconds{0});
    // Sub-second "now" rounds the wait up, never down to an early retry.
    CHECK(net::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now + 500ms) == seconds{90});

    for (const char* bad : {"", "soon", "-5", "1.5", "Wed, 21 Oct 2015 07:28:00",
                            "Wed, 32 Oct 2015 07:28:00 GMT", "Wed, 21 Foo 2015 07:28:00 GMT",
                            "Wed, 21 Oct 2015 25:28:00 GMT", "99999999999999999999999"}) {
        INFO(bad);
        CHECK_FALSE(net::parse_retry_after(bad, now));
    }
}

TEST_CASE("WindowLimiter with the Teams windows: 7 per second, 8 per 2 s, 60 per 30 s",
          "[net][retry]") {
    net::WindowLimiter limiter({{7, 1000ms}, {8, 2000ms}, {60, 30000ms}, {1800, 3600000ms}});
    const net::SteadyTime t0{};

    SECTION("seven in a second pass, the eighth waits for the first to leave the window") {
        for (int i = 0; i < 7; ++i) {
            const auto at = t0 + std::chrono::milliseconds(i * 100);
            REQUIRE(limiter.wait_time(at) == 0ms);
            limiter.record(at);
        }
        CHECK(limiter.wait_time(t0 + 700ms) == 300ms);  // the event at t0 leaves at t0 + 1 s
        CHECK(limiter.wait_time(t0 + 1000ms) == 0ms);
        limiter.record(t0 + 1000ms);
        // Eight in the last two seconds now: the next one waits for t0 + 2 s.
        CHECK(limiter.wait_time(t0 + 1100ms) == 900ms);
    }
    SECTION("sixty in thirty seconds, then the 61st waits") {
        // One every 400 ms stays under 7/1s and 8/2s but reaches 60 after 23.6 s.
        for (int i = 0; i < 60; ++i) {
            const auto at = t0 + std::chrono::milliseconds(i * 400);
            REQUIRE(limiter.wait_time(at) == 0ms);
            limiter.record(at);
        }
        const auto next = t0 + 24000ms;
        CHECK(limiter.wait_time(next) == 6000ms);  // until the first leaves the 30 s window
        CHECK(limiter.wait_time(t0 + 30000ms) == 0ms);
    }
}

TEST_CASE("WindowLimiter refuses windows that allow nothing", "[net][retry]") {
    CHECK_THROWS_AS(net::WindowLimiter({{0, 1000ms}}), std::invalid_argument);
    CHECK_THROWS_AS(net::WindowLimiter({{5, 0ms}}), std::invalid_argument);
}
