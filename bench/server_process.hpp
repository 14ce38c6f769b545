#pragma once
// What both load tests need around the server they measure: start `leernetwerk serve` with a
// configuration, read the port it reports, and read its CPU time and memory from /proc.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <sys/types.h>

namespace leernetwerk::bench {

struct ServerProcess {
    pid_t pid = -1;
    std::uint16_t port = 0;
};

/// Writes `config_toml` to dir/bench.toml, starts `binary serve --config` with its output in
/// dir/server.log, and waits (10 s at most) for "listening on 127.0.0.1:<port>". Exits the bench
/// with the server's log when it does not start.
ServerProcess start_server(const std::string& binary, const std::filesystem::path& dir,
                           const std::string& config_toml);
/// Stops the server and waits for it.
void stop_server(const ServerProcess& server);
/// utime + stime of a process, in microseconds.
long long cpu_micros(pid_t pid);
/// A /proc/<pid>/status field in kB (VmRSS, VmHWM).
long long status_kb(pid_t pid, const std::string& key);
/// The p-th quantile (0..1) of `values`, 0 when empty.
double percentile(std::vector<double> values, double p);

}  // namespace leernetwerk::bench
