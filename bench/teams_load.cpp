// Load test of the Teams path: concurrent clients POST message activities (auth off) to a real
// `leernetwerk serve`; each is applied, committed, and answered through a fake Bot Connector on
// loopback. Prints activities per second (counted when the reply reached the connector) at 1, 16
// and 64 connections, p50/p99 latency of the POST, the server's CPU time per activity, and its
// resident memory idle and under load. With --max-outbox-depth N the server defers activities
// (503 + Retry-After) while more than N replies wait; the bench then waits as asked, and also
// prints activities accepted and replies delivered per second, the deferred answers and the
// outbox depth over time (from /metrics).
//
// Usage: teams_load <path to leernetwerk> [--seconds N] [--connections 1,16,64]
//                   [--max-outbox-depth N]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "adapters/net/http_client.hpp"
#include "adapters/net/http_server.hpp"
#include "bench/server_process.hpp"

namespace {

using namespace leernetwerk;
using leernetwerk::bench::cpu_micros;
using leernetwerk::bench::percentile;
using leernetwerk::bench::status_kb;
using Clock = std::chrono::steady_clock;

/// The server's configuration: Teams on, authentication off (the bench is the connector).
std::string teams_config(const std::filesystem::path& dir, int max_outbox_depth) {
    return "[server]\naddress = \"127.0.0.1\"\nport = 0\nmax_outbox_depth = " +
           std::to_string(max_outbox_depth) + "\n[storage]\npath = \"" +
           (dir / "bench.db").string() +
           "\"\n[log]\nlevel = \"info\"\n[teams]\nenabled = true\napp_id = \"6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f\"\n"
           "auth = false\n";
}

std::string activity(const std::string& id, const std::string& conversation,
                     const std::string& connector, const std::string& text) {
    return R"({"type":"message","id":")" + id + R"(","channelId":"msteams","serviceUrl":")" +
           connector + R"(","from":{"id":"29:bench","name":"Bench Facilitator"},)" +
           R"("recipient":{"id":"28:6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f","name":"Leernetwerk bot"},)" +
           R"("conversation":{"id":")" + conversation +
           R"(","conversationType":"personal","tenantId":"bench-tenant"},)" +
           R"("channelData":{"tenant":{"id":"bench-tenant"}},"text":")" + text + R"("})";
}

struct Round {
    int connections = 0;
    long sent = 0;
    long deferred = 0;        ///< answered 503 + Retry-After (back-pressure)
    long delivered = 0;       ///< replies that reached the connector
    double seconds = 0;       ///< until every reply arrived
    double send_seconds = 0;  ///< while activities were being sent
    std::vector<int> depth;   ///< the Teams outbox depth, every 500 ms
    std::vector<double> latencies_ms;
    long long cpu_us = 0;
    long long rss_kb = 0;
};

class Bench {
public:
    Bench(std::uint16_t server_port)
        : server_port_(server_port), connector_(io_), client_(io_, [] {
              net::ClientOptions options;
              options.max_idle_per_host = 128;
              return options;
          }()) {
        connector_.route_prefix(
            "POST", "/v3/conversations/", [this](net::Request, net::Responder respond) {
                ++replies_;
                respond(
                    net::Response::json(201, R"({"id":")" + std::to_string(replies_) + R"("})"));
            });
        connector_port_ = connector_.listen("127.0.0.1", 0);
    }

    std::string connector_url() const {
        return "http://127.0.0.1:" + std::to_string(connector_port_);
    }

    /// Posts one activity and waits for the answer (used to set the bench user up).
    void post_and_wait(const std::string& body) {
        bool done = false;
        post(body, [&](int, int, double) { done = true; });
        while (!done) {
            io_.run_one();
        }
    }

    Round run(pid_t pid, int connections, std::chrono::seconds duration) {
        Round round;
        round.connections = connections;
        const long replies_before = replies_;
        const auto cpu_before = cpu_micros(pid);
        const auto start = Clock::now();
        const auto stop_sending = start + duration;
        int active = connections;
        for (int c = 0; c < connections; ++c) {
            loop(c, stop_sending, round, active);
        }
        sampled_ = &round;
        sample_depth();
        while (active > 0) {
            io_.run_one();
        }
        round.send_seconds = std::chrono::duration<double>(Clock::now() - start).count();
        // Every POST was answered; wait until every reply reached the connector.
        const auto patience = Clock::now() + std::chrono::seconds(60);
        while (replies_ - replies_before < round.sent && Clock::now() < patience) {
            io_.run_one_for(std::chrono::milliseconds(10));
        }
        round.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        round.delivered = replies_ - replies_before;
        sampled_ = nullptr;
        depth_timer_.cancel();
        for (int i = 0; i < 50 && depth_request_open_; ++i) {
            io_.run_one_for(std::chrono::milliseconds(20));
        }
        round.cpu_us = cpu_micros(pid) - cpu_before;
        round.rss_kb = status_kb(pid, "VmRSS");
        if (replies_ - replies_before < round.sent) {
            std::cerr << "only " << replies_ - replies_before << " of " << round.sent
                      << " replies arrived\n";
        }
        return round;
    }

private:
    /// Reads the Teams outbox depth from the server's /metrics every 500 ms into `sampled_`
    /// (until it is reset).
    void sample_depth() {
        if (!sampled_ || depth_request_open_) {
            return;
        }
        net::ClientRequest request;
        request.url = "http://127.0.0.1:" + std::to_string(server_port_) + "/metrics";
        depth_request_open_ = true;
        client_.send(std::move(request), [this](auto response) {
            depth_request_open_ = false;
            constexpr std::string_view kGauge = "leernetwerk_outbox_depth{platform=\"teams\"} ";
            if (sampled_ && response && response->status == 200) {
                const auto at = response->body.find(kGauge);
                if (at != std::string::npos) {
                    sampled_->depth.push_back(
                        std::atoi(response->body.c_str() + at + kGauge.size()));
                }
            }
            depth_timer_.expires_after(std::chrono::milliseconds(500));
            depth_timer_.async_wait([this](auto error) {
                if (!error) {
                    sample_depth();
                }
            });
        });
    }

    /// Posts one activity; `done(status, retry_after_seconds, ms)` (status 0: no answer).
    void post(const std::string& body, std::function<void(int, int, double)> done) {
        net::ClientRequest request;
        request.method = "POST";
        request.url = "http://127.0.0.1:" + std::to_string(server_port_) + "/api/messages";
        request.headers["Content-Type"] = "application/json";
        request.body = body;
        const auto started = Clock::now();
        client_.send(std::move(request), [done = std::move(done), started](auto response) {
            const double ms =
                std::chrono::duration<double, std::milli>(Clock::now() - started).count();
            const int retry_after =
                response ? std::atoi(std::string(response->header("Retry-After")).c_str()) : 0;
            done(response ? response->status : 0, retry_after, ms);
        });
    }

    void loop(int connection, Clock::time_point stop_sending, Round& round, int& active) {
        if (Clock::now() >= stop_sending) {
            --active;
            return;
        }
        // Every activity is another member's 1:1 chat: Teams allows a bot only a few messages
        // a second per conversation, so one busy conversation would measure that limit.
        const auto id = "bench-" + std::to_string(++counter_);
        const auto conversation = "a:bench-" + std::to_string(counter_);
        post(activity(id, conversation, connector_url(), "leden"),
             [this, connection, stop_sending, &round, &active](int status, int retry_after,
                                                               double ms) {
                 round.latencies_ms.push_back(ms);
                 if (status == 200) {
                     ++round.sent;
                 } else if (status == 503 && retry_after > 0) {
                     // Back-pressure: come back when asked, as the Bot Connector would.
                     ++round.deferred;
                     auto timer = std::make_shared<boost::asio::steady_timer>(
                         io_, std::chrono::seconds(retry_after));
                     timer->async_wait(
                         [this, timer, connection, stop_sending, &round, &active](auto) {
                             loop(connection, stop_sending, round, active);
                         });
                     return;
                 } else {
                     ++errors_;
                 }
                 loop(connection, stop_sending, round, active);
             });
    }

    boost::asio::io_context io_;
    std::uint16_t server_port_;
    net::HttpServer connector_;
    net::HttpClient client_;
    std::uint16_t connector_port_ = 0;
    long replies_ = 0;
    long counter_ = 0;
    long errors_ = 0;
    bool depth_request_open_ = false;
    Round* sampled_ = nullptr;  ///< the round whose outbox depth is being sampled
    boost::asio::steady_timer depth_timer_{io_};
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr
            << "usage: teams_load <path to leernetwerk> [--seconds N] [--connections 1,16,64]\n";
        return 2;
    }
    const std::string binary = argv[1];
    int seconds = 5;
    int max_outbox_depth = 0;
    std::vector<int> levels = {1, 16, 64};
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--seconds") {
            seconds = std::max(1, std::atoi(argv[i + 1]));
        } else if (flag == "--max-outbox-depth") {
            max_outbox_depth = std::max(0, std::atoi(argv[i + 1]));
        } else if (flag == "--connections") {
            levels.clear();
            std::stringstream list(argv[i + 1]);
            for (std::string item; std::getline(list, item, ',');) {
                levels.push_back(std::max(1, std::stoi(item)));
            }
        }
    }
    const auto dir =
        std::filesystem::temp_directory_path() / ("leernetwerk-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const auto server = bench::start_server(binary, dir, teams_config(dir, max_outbox_depth));
    Bench bench(server.port);

    // The bench user starts a network, so every message comes from a known facilitator.
    bench.post_and_wait(
        activity("setup-1", "a:bench-setup", bench.connector_url(), "nieuw netwerk Bench"));
    usleep(200'000);
    const auto idle_kb = status_kb(server.pid, "VmRSS");

    std::printf(
        "Teams path: POST /api/messages (auth off) -> applied, committed -> reply through "
        "a fake connector\n");
    std::printf("%-12s %12s %10s %10s %14s %12s\n", "connections", "activities/s", "p50 ms",
                "p99 ms", "CPU us/activity", "RSS MB");
    for (const int connections : levels) {
        const auto round = bench.run(server.pid, connections, std::chrono::seconds(seconds));
        std::printf(
            "%-12d %12.0f %10.2f %10.2f %14.1f %12.1f\n", connections,
            static_cast<double>(round.sent) / round.seconds, percentile(round.latencies_ms, 0.50),
            percentile(round.latencies_ms, 0.99),
            round.sent ? static_cast<double>(round.cpu_us) / static_cast<double>(round.sent) : 0.0,
            static_cast<double>(round.rss_kb) / 1024.0);
        if (max_outbox_depth > 0) {
            std::string series;
            int deepest = 0;
            for (std::size_t i = 0; i < round.depth.size(); ++i) {
                deepest = std::max(deepest, round.depth[i]);
                if (i % 2 == 0) {
                    series += (series.empty() ? "" : " ") + std::to_string(round.depth[i]);
                }
            }
            std::printf(
                "  back-pressure (bound %d): accepted %.0f/s, delivered %.0f/s, deferred %ld "
                "(503 + Retry-After), outbox depth max %d, per second: %s\n",
                max_outbox_depth, static_cast<double>(round.sent) / round.send_seconds,
                static_cast<double>(round.delivered) / round.seconds, round.deferred, deepest,
                series.c_str());
        }
    }
    std::printf("server RSS idle: %.1f MB, peak: %.1f MB\n", static_cast<double>(idle_kb) / 1024.0,
                static_cast<double>(status_kb(server.pid, "VmHWM")) / 1024.0);
    bench::stop_server(server);
    std::filesystem::remove_all(dir);
    return 0;
}
