#pragma once
// How the in-process benchmarks print their figures and clean up their database files.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>

namespace leernetwerk::bench {

/// Seconds of wall time since `start`.
double seconds_since(std::chrono::steady_clock::time_point start);
/// One figure: "  label                      value".
void row(const std::string& label, const std::string& value);
/// `value` with `decimals` decimals.
std::string fixed(double value, int decimals);
/// The file's size in bytes, 0 when it does not exist.
std::uintmax_t file_size_or_zero(const std::filesystem::path& path);
/// Removes an SQLite database with its -wal and -shm files.
void remove_database(const std::filesystem::path& path);
/// The database a bench writes: `asked` (a new file, kept afterwards), or a temporary one named
/// after the bench and this process, cleared of what a crashed run with the same pid left. Empty
/// after telling why when `asked` exists already: a bench never overwrites a database that may
/// hold real data.
std::filesystem::path bench_database(const std::string& asked, const std::string& bench_name);

}  // namespace leernetwerk::bench
