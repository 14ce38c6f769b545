// The poll key: the secret behind anonymous poll answers, kept in a private file beside the
// database (never inside it) unless [polls] secret is set.
#include "app/poll_key.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <random>

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

namespace leernetwerk::app {

std::string shared_file_mode(const std::filesystem::path& path) {
    std::error_code error;
    const auto permissions = std::filesystem::status(path, error).permissions();
    using std::filesystem::perms;
    if (error || (permissions & (perms::group_all | perms::others_all)) == perms::none) {
        return "";
    }
    char mode[8];
    std::snprintf(mode, sizeof mode, "%03o", static_cast<unsigned>(permissions) & 0777U);
    return mode;
}

std::filesystem::path poll_key_path(const std::string& database) {
    return database + ".poll-key";
}

PollKeyFile read_poll_key_file(const std::filesystem::path& path) {
    PollKeyFile file;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        file.problem = "cannot be read";
        return file;
    }
    file.key.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    if (in.bad()) {
        file.problem = "cannot be read";
        return file;
    }
    while (!file.key.empty() && (file.key.back() == '\n' || file.key.back() == '\r')) {
        file.key.pop_back();
    }
    if (file.key.size() < 16) {
        file.problem = "holds " + std::to_string(file.key.size()) +
                       " characters, fewer than 16 (empty or cut short); restore it from the "
                       "backup of the database";
        return file;
    }
    if (const auto mode = shared_file_mode(path); !mode.empty()) {
        file.warning = "can be read by others than its owner (mode " + mode +
                       "): whoever reads it with the database can tell who gave an anonymous "
                       "answer; make it private with chmod 600";
    }
    return file;
}

std::optional<std::string> poll_secret(const Config& config, const std::string& database,
                                       Store& store) {
    if (config.polls.secret.is_set()) {
        return config.polls.secret.value;
    }
    if (database == ":memory:") {
        return std::string();
    }
    const std::filesystem::path path = poll_key_path(database);
    if (std::filesystem::exists(path)) {
        auto file = read_poll_key_file(path);
        if (!file.problem.empty()) {
            spdlog::error("the poll key file {} {} (or set [polls] secret_file)", path.string(),
                          file.problem);
            return std::nullopt;
        }
        if (!file.warning.empty()) {
            spdlog::warn("the poll key file {} {}", path.string(), file.warning);
        }
        return std::move(file.key);
    }
    if (const auto open = store.open_polls().size(); open > 0) {
        spdlog::error(
            "the poll key file {} is missing while {} poll(s) are open: their answers so far "
            "cannot be recognised without it, and members could answer twice; restore the file "
            "from the backup of the database (or set [polls] secret_file)",
            path.string(), open);
        return std::nullopt;
    }
    std::random_device random;
    std::string key;
    static constexpr char kHex[] = "0123456789abcdef";
    for (int i = 0; i < 64; ++i) {
        key += kHex[random() % 16];
    }
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 || ::write(fd, key.data(), key.size()) != static_cast<ssize_t>(key.size())) {
        if (fd >= 0) {
            ::close(fd);
        }
        spdlog::error("cannot create the poll key file {}", path.string());
        return std::nullopt;
    }
    ::close(fd);
    spdlog::info(
        "created the poll key file {} (keep it with the database's backups, apart "
        "from them)",
        path.string());
    return key;
}

bool copy_private_file(const std::filesystem::path& from, const std::filesystem::path& to) {
    std::ifstream in(from, std::ios::binary);
    if (!in) {
        std::cerr << from.string() << ": cannot be read\n";
        return false;
    }
    const std::string content{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    const int fd = ::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 ||
        ::write(fd, content.data(), content.size()) != static_cast<ssize_t>(content.size())) {
        if (fd >= 0) {
            ::close(fd);
        }
        std::cerr << to.string() << ": cannot be written (does it exist already?)\n";
        return false;
    }
    ::close(fd);
    return true;
}

}  // namespace leernetwerk::app
