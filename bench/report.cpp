#include "bench/report.hpp"

#include <cstdio>
#include <iostream>
#include <system_error>

#include <unistd.h>

namespace leernetwerk::bench {

double seconds_since(std::chrono::steady_clock::time_point start) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void row(const std::string& label, const std::string& value) {
    std::printf("  %-26s %s\n", label.c_str(), value.c_str());
}

std::string fixed(double value, int decimals) {
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::uintmax_t file_size_or_zero(const std::filesystem::path& path) {
    std::error_code error;
    const auto size = std::filesystem::file_size(path, error);
    return error ? 0 : size;
}

void remove_database(const std::filesystem::path& path) {
    std::error_code ignored;
    for (const auto* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path.string() + suffix, ignored);
    }
}

std::filesystem::path bench_database(const std::string& asked, const std::string& bench_name) {
    if (!asked.empty()) {
        if (std::filesystem::exists(asked)) {
            std::cerr << asked << " exists already; give a path to a new file\n";
            return {};
        }
        return asked;
    }
    const auto path = std::filesystem::temp_directory_path() /
                      (bench_name + "-" + std::to_string(getpid()) + ".db");
    remove_database(path);
    return path;
}

}  // namespace leernetwerk::bench
