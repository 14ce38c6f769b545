// Load test of the Matrix appservice path: concurrent clients PUT transactions (one m.room.message
// event each, unique txnIds and event ids) to a real `leernetwerk serve`; each event is applied,
// committed, and answered through a fake homeserver that runs in this process on loopback. Prints
// events per second (counted when the reply reached the homeserver) at 1, 16 and 64 connections,
// p50/p99 latency of the PUT, the server's CPU time per event, its resident memory idle and under
// load, and the Matrix outbox depth from /metrics afterwards (it must stay bounded).
//
// Usage: matrix_load <path to leernetwerk> [--seconds N] [--connections 1,16,64]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>

#include "adapters/net/http_client.hpp"
#include "adapters/net/http_server.hpp"
#include "bench/server_process.hpp"

namespace {

using namespace leernetwerk;
using leernetwerk::bench::cpu_micros;
using leernetwerk::bench::percentile;
using leernetwerk::bench::status_kb;
using Clock = std::chrono::steady_clock;

constexpr const char* kHsToken = "bench-hs-token-0123456789abcdef0123456789abcdef";
constexpr const char* kAsToken = "bench-as-token-0123456789abcdef0123456789abcdef";
constexpr const char* kSender = "@facilitator:bench.local";

/// The server's configuration: Matrix as an appservice against the bench's homeserver.
std::string matrix_config(const std::filesystem::path& dir, const std::string& homeserver_url) {
    return "[server]\naddress = \"127.0.0.1\"\nport = 0\n[storage]\npath = \"" +
           (dir / "bench.db").string() +
           "\"\n[log]\nlevel = \"info\"\n[matrix]\nenabled = true\nmode = \"appservice\"\n"
           "homeserver_url = \"" +
           homeserver_url + "\"\nuser_id = \"@leernetwerk:bench.local\"\nas_token = \"" + kAsToken +
           "\"\nhs_token = \"" + kHsToken + "\"\n";
}

/// A transaction with one m.text message from the bench facilitator.
std::string transaction(const std::string& event_id, const std::string& room_id,
                        const std::string& text) {
    return R"({"events":[{"type":"m.room.message","event_id":")" + event_id + R"(","room_id":")" +
           room_id + R"(","sender":")" + kSender +
           R"(","origin_server_ts":1700000000000,"unsigned":{"age":1},)" +
           R"("content":{"msgtype":"m.text","body":")" + text + R"("}}]})";
}

struct Round {
    int connections = 0;
    long sent = 0;
    double seconds = 0;
    std::vector<double> latencies_ms;
    long long cpu_us = 0;
    long long rss_kb = 0;
};

class Bench {
public:
    Bench()
        : homeserver_(io_), client_(io_, [] {
              net::ClientOptions options;
              options.max_idle_per_host = 128;
              return options;
          }()) {
        // PUT /_matrix/client/v3/rooms/{roomId}/send/m.room.message/{txnId}: the bot's replies.
        homeserver_.route_prefix(
            "PUT", "/_matrix/client/v3/rooms/",
            [this](net::Request request, net::Responder respond) {
                if (!authorized(request)) {
                    respond(unauthorized());
                    return;
                }
                if (request.path.find("/send/m.room.message/") != std::string::npos) {
                    ++replies_;
                } else {
                    ++other_calls_;
                }
                respond(net::Response::json(
                    200, R"({"event_id":"$)" + std::to_string(replies_ + other_calls_) + R"("})"));
            });
        // What else the adapter might call: join after an invite, private chats and m.direct.
        homeserver_.route_prefix(
            "POST", "/_matrix/client/v3/join/",
            [this](net::Request request, net::Responder respond) {
                ++other_calls_;
                const auto room =
                    request.path.substr(std::string("/_matrix/client/v3/join/").size());
                respond(net::Response::json(200, R"({"room_id":")" + room + R"("})"));
            });
        homeserver_.route(
            "POST", "/_matrix/client/v3/createRoom", [this](net::Request, net::Responder respond) {
                ++other_calls_;
                respond(net::Response::json(
                    200,
                    R"({"room_id":"!dm-)" + std::to_string(other_calls_) + R"(:bench.local"})"));
            });
        for (const char* method : {"GET", "PUT"}) {
            homeserver_.route_prefix(method, "/_matrix/client/v3/user/",
                                     [this](net::Request, net::Responder respond) {
                                         ++other_calls_;
                                         respond(net::Response::json(200, "{}"));
                                     });
        }
        homeserver_port_ = homeserver_.listen("127.0.0.1", 0);
    }

    std::string homeserver_url() const {
        return "http://127.0.0.1:" + std::to_string(homeserver_port_);
    }

    void connect(std::uint16_t server_port) { server_port_ = server_port; }

    long replies() const { return replies_; }
    long other_calls() const { return other_calls_; }
    long errors() const { return errors_; }
    long unauthorized_calls() const { return unauthorized_; }

    /// PUTs one transaction and waits for the answer and for `replies` more replies at the
    /// homeserver (used to set the bench user up).
    bool put_and_wait(const std::string& body, long replies) {
        const long before = replies_;
        bool done = false;
        bool ok = false;
        put(body, [&](bool answered, double) {
            done = true;
            ok = answered;
        });
        while (!done) {
            io_.run_one();
        }
        const auto patience = Clock::now() + std::chrono::seconds(10);
        while (replies_ - before < replies && Clock::now() < patience) {
            io_.run_one_for(std::chrono::milliseconds(10));
        }
        return ok && replies_ - before >= replies;
    }

    /// GET /metrics and the value of `series` (e.g. `name{label="x"}`), if present.
    std::optional<double> scrape(const std::string& series) {
        net::ClientRequest request;
        request.method = "GET";
        request.url = "http://127.0.0.1:" + std::to_string(server_port_) + "/metrics";
        std::optional<double> value;
        bool done = false;
        client_.send(std::move(request), [&](auto response) {
            done = true;
            if (!response || response->status != 200) {
                return;
            }
            std::istringstream lines(response->body);
            for (std::string line; std::getline(lines, line);) {
                if (line.rfind(series + " ", 0) == 0) {
                    value = std::strtod(line.c_str() + series.size() + 1, nullptr);
                }
            }
        });
        while (!done) {
            io_.run_one();
        }
        return value;
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
            loop(stop_sending, round, active);
        }
        while (active > 0) {
            io_.run_one();
        }
        round.rss_kb = status_kb(pid, "VmRSS");  // under load, before the outbox drained
        // Every PUT was answered; wait until every reply reached the homeserver.
        const auto patience = Clock::now() + std::chrono::seconds(60);
        while (replies_ - replies_before < round.sent && Clock::now() < patience) {
            io_.run_one_for(std::chrono::milliseconds(10));
        }
        round.seconds = std::chrono::duration<double>(Clock::now() - start).count();
        round.cpu_us = cpu_micros(pid) - cpu_before;
        if (replies_ - replies_before < round.sent) {
            std::cerr << "only " << replies_ - replies_before << " of " << round.sent
                      << " replies arrived\n";
        }
        return round;
    }

private:
    static bool authorized(const net::Request& request) {
        return request.header("Authorization") == std::string("Bearer ") + kAsToken;
    }

    net::Response unauthorized() {
        ++unauthorized_;
        return net::Response::json(401, R"({"errcode":"M_UNKNOWN_TOKEN","error":"bad token"})");
    }

    void put(const std::string& body, std::function<void(bool, double)> done) {
        net::ClientRequest request;
        request.method = "PUT";
        request.url = "http://127.0.0.1:" + std::to_string(server_port_) +
                      "/_matrix/app/v1/transactions/bench-txn-" + std::to_string(++txn_counter_);
        request.headers["Authorization"] = std::string("Bearer ") + kHsToken;
        request.headers["Content-Type"] = "application/json";
        request.body = body;
        const auto started = Clock::now();
        client_.send(std::move(request), [done = std::move(done), started](auto response) {
            const double ms =
                std::chrono::duration<double, std::milli>(Clock::now() - started).count();
            done(response && response->status == 200, ms);
        });
    }

    void loop(Clock::time_point stop_sending, Round& round, int& active) {
        if (Clock::now() >= stop_sending) {
            --active;
            return;
        }
        // One room per event: the adapter paces each room at a few messages a second, so one
        // busy room would measure that limit instead of the server.
        const auto n = std::to_string(++counter_);
        put(transaction("$bench-" + n, "!bench-" + n + ":bench.local", "leden"),
            [this, stop_sending, &round, &active](bool ok, double ms) {
                if (ok) {
                    ++round.sent;
                    round.latencies_ms.push_back(ms);
                } else {
                    ++errors_;
                }
                loop(stop_sending, round, active);
            });
    }

    boost::asio::io_context io_;
    net::HttpServer homeserver_;
    net::HttpClient client_;
    std::uint16_t homeserver_port_ = 0;
    std::uint16_t server_port_ = 0;
    long replies_ = 0;
    long other_calls_ = 0;
    long unauthorized_ = 0;
    long counter_ = 0;
    long txn_counter_ = 0;
    long errors_ = 0;
};

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr
            << "usage: matrix_load <path to leernetwerk> [--seconds N] [--connections 1,16,64]\n";
        return 2;
    }
    const std::string binary = argv[1];
    int seconds = 5;
    std::vector<int> levels = {1, 16, 64};
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        if (flag == "--seconds") {
            seconds = std::max(1, std::atoi(argv[i + 1]));
        } else if (flag == "--connections") {
            levels.clear();
            std::stringstream list(argv[i + 1]);
            for (std::string item; std::getline(list, item, ',');) {
                levels.push_back(std::max(1, std::stoi(item)));
            }
        }
    }
    const auto dir = std::filesystem::temp_directory_path() /
                     ("leernetwerk-matrix-bench-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    Bench bench;
    const auto server =
        bench::start_server(binary, dir, matrix_config(dir, bench.homeserver_url()));
    bench.connect(server.port);

    // The bench user starts a network, so every message comes from a known facilitator.
    if (!bench.put_and_wait(
            transaction("$bench-setup", "!bench-setup:bench.local", "nieuw netwerk Bench"), 1)) {
        std::cerr << "setting up the bench facilitator failed (no answer or no reply)\n";
    }
    usleep(200'000);
    const auto idle_kb = status_kb(server.pid, "VmRSS");

    std::printf(
        "Matrix path: PUT /_matrix/app/v1/transactions (1 event each) -> applied, committed -> "
        "reply through a fake homeserver\n");
    std::printf("%-12s %12s %10s %10s %14s %12s\n", "connections", "events/s", "p50 ms", "p99 ms",
                "CPU us/event", "RSS MB");
    for (const int connections : levels) {
        const auto round = bench.run(server.pid, connections, std::chrono::seconds(seconds));
        std::printf(
            "%-12d %12.0f %10.2f %10.2f %14.1f %12.1f\n", connections,
            static_cast<double>(round.sent) / round.seconds, percentile(round.latencies_ms, 0.50),
            percentile(round.latencies_ms, 0.99),
            round.sent ? static_cast<double>(round.cpu_us) / static_cast<double>(round.sent) : 0.0,
            static_cast<double>(round.rss_kb) / 1024.0);
    }
    std::printf("server RSS idle: %.1f MB, peak: %.1f MB\n", static_cast<double>(idle_kb) / 1024.0,
                static_cast<double>(status_kb(server.pid, "VmHWM")) / 1024.0);
    const auto depth = bench.scrape(R"(leernetwerk_outbox_depth{platform="matrix"})");
    if (depth) {
        std::printf("matrix outbox depth afterwards: %.0f\n", *depth);
    } else {
        std::printf("matrix outbox depth afterwards: not in /metrics\n");
    }
    std::printf("failed PUTs: %ld, other homeserver calls: %ld, refused (bad as_token): %ld\n",
                bench.errors(), bench.other_calls(), bench.unauthorized_calls());
    bench::stop_server(server);
    std::filesystem::remove_all(dir);
    return 0;
}
