#pragma once
// The Matrix tests' link to tests/matrix_peer/fake_homeserver.py: start it as a child process
// and call its control API. It stops when our end of its stdin closes (also when the test dies).
#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "adapters/net/http_client.hpp"
#include "adapters/net_support.hpp"

namespace leernetwerk::test {

/// The Matrix specification's data beside the checkout; the peer needs it to validate.
inline std::filesystem::path matrix_spec_dir() {
    return std::filesystem::path(LEERNETWERK_SOURCE_DIR) / ".." / "shared" / "matrix-spec" / "data";
}

/// Fails the running test (it does not pass with a warning) when the spec data is missing: the fake
/// homeserver validates every request against it, so without it nothing is tested.
inline void require_matrix_spec() {
    const auto dir = matrix_spec_dir();
    if (!std::filesystem::exists(dir)) {
        FAIL("the Matrix spec data is missing at " << dir.string()
                                                   << " (a checkout of matrix-org/matrix-spec's "
                                                      "data/ folder is expected there)");
    }
}

class FakeHomeserver {
public:
    /// Starts the peer with these arguments (besides --idle-timeout and --stop-on-stdin-eof);
    /// `port` stays 0 when it did not start (e.g. the spec data is missing).
    explicit FakeHomeserver(const std::vector<std::string>& arguments) {
        int to_child[2];
        int from_child[2];
        if (pipe(to_child) != 0 || pipe(from_child) != 0) {
            return;
        }
        const std::string script =
            std::string(LEERNETWERK_SOURCE_DIR) + "/tests/matrix_peer/fake_homeserver.py";
        std::vector<std::string> all = {"python3", script};
        all.insert(all.end(), arguments.begin(), arguments.end());
        for (const char* fixed : {"--idle-timeout", "60", "--stop-on-stdin-eof"}) {
            all.emplace_back(fixed);
        }
        std::vector<char*> argv;
        for (auto& argument : all) {
            argv.push_back(argument.data());
        }
        argv.push_back(nullptr);
        pid_ = fork();
        if (pid_ == 0) {
            dup2(to_child[0], 0);
            dup2(from_child[1], 1);
            close(to_child[1]);
            close(from_child[0]);
            execv("/usr/bin/python3", argv.data());
            _exit(127);
        }
        close(to_child[0]);
        close(from_child[1]);
        stdin_ = to_child[1];
        out_ = fdopen(from_child[0], "r");
        char line[256];
        while (out_ && fgets(line, sizeof line, out_)) {
            if (std::sscanf(line, "LISTENING %d", &port) == 1) {
                break;
            }
        }
    }
    ~FakeHomeserver() {
        if (stdin_ >= 0) {
            close(stdin_);
        }
        if (out_) {
            fclose(out_);
        }
        if (pid_ > 0) {
            int status = 0;
            waitpid(pid_, &status, 0);
        }
    }
    FakeHomeserver(const FakeHomeserver&) = delete;
    FakeHomeserver& operator=(const FakeHomeserver&) = delete;

    int port = 0;

private:
    pid_t pid_ = -1;
    int stdin_ = -1;
    FILE* out_ = nullptr;
};

/// A call to the peer (its control API or any path on it); requires 200 and returns the JSON.
inline nlohmann::json peer_call(boost::asio::io_context& io, net::HttpClient& client, int port,
                                const std::string& method, const std::string& path,
                                const nlohmann::json& body = nullptr) {
    net::ClientRequest request;
    request.method = method;
    request.url = "http://127.0.0.1:" + std::to_string(port) + path;
    if (!body.is_null()) {
        request.headers["Content-Type"] = "application/json";
        request.body = body.dump();
    }
    request.timeout = std::chrono::seconds(30);
    std::optional<Result<net::ClientResponse>> answer;
    client.send(request, [&](Result<net::ClientResponse> response) { answer = response; });
    REQUIRE(net::test::run_until(
        io, [&] { return answer.has_value(); }, std::chrono::seconds(30)));
    REQUIRE(answer->has_value());
    INFO((*answer)->body);
    REQUIRE((*answer)->status == 200);
    return nlohmann::json::parse((*answer)->body);
}

}  // namespace leernetwerk::test
