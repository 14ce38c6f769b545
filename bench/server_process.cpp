#include "bench/server_process.hpp"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

namespace leernetwerk::bench {

ServerProcess start_server(const std::string& binary, const std::filesystem::path& dir,
                           const std::string& config_toml) {
    const auto config = dir / "bench.toml";
    std::ofstream(config) << config_toml;
    const auto log = dir / "server.log";
    ServerProcess server;
    server.pid = fork();
    if (server.pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 2);
        dup2(fd, 1);
        execl(binary.c_str(), binary.c_str(), "serve", "--config", config.c_str(),
              static_cast<char*>(nullptr));
        _exit(127);
    }
    for (int i = 0; i < 200 && server.port == 0; ++i) {
        usleep(50'000);
        std::ifstream in(log);
        std::string line;
        while (std::getline(in, line)) {
            const auto at = line.find("listening on 127.0.0.1:");
            if (at != std::string::npos) {
                server.port = static_cast<std::uint16_t>(std::stoi(line.substr(at + 23)));
            }
        }
    }
    if (server.port == 0) {
        std::cerr << "the server did not start; its log:\n" << std::ifstream(log).rdbuf();
        stop_server(server);
        std::exit(1);
    }
    return server;
}

void stop_server(const ServerProcess& server) {
    if (server.pid > 0) {
        kill(server.pid, SIGTERM);
        waitpid(server.pid, nullptr, 0);
    }
}

long long cpu_micros(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(content.substr(content.rfind(')') + 2));
    std::string field;
    long long utime = 0;
    long long stime = 0;
    for (int index = 3; fields >> field; ++index) {
        if (index == 14) {
            utime = std::stoll(field);
        } else if (index == 15) {
            stime = std::stoll(field);
            break;
        }
    }
    return (utime + stime) * 1'000'000 / sysconf(_SC_CLK_TCK);
}

long long status_kb(pid_t pid, const std::string& key) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + ":", 0) == 0) {
            return std::stoll(line.substr(key.size() + 1));
        }
    }
    return 0;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto index = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1));
    return values[index];
}

}  // namespace leernetwerk::bench
