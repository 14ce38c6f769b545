#include "app/matrix_registration.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include <openssl/rand.h>

namespace leernetwerk::app {
namespace {

/// A YAML double-quoted scalar.
std::string yaml_string(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

/// A POSIX extended regex matching exactly `text`.
std::string regex_escape(std::string_view text) {
    std::string out = "^";
    for (const char c : text) {
        if (std::string_view(".[]{}()\\*+?|^$").find(c) != std::string_view::npos) {
            out += '\\';
        }
        out += c;
    }
    return out + "$";
}

bool valid_user_id(std::string_view id) {
    const auto colon = id.find(':');
    return id.size() > 3 && id.front() == '@' && colon != std::string_view::npos && colon > 1 &&
           colon + 1 < id.size() && id.find_first_of(" \t\r\n\"\\") == std::string_view::npos;
}

/// Writes `content` to a new file with mode 0600 (replacing it only with `force`).
tl::expected<void, std::string> write_private(const std::filesystem::path& path,
                                              const std::string& content, bool force) {
    int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (force ? O_TRUNC : O_EXCL);
    const int fd = ::open(path.c_str(), flags, 0600);
    if (fd < 0) {
        if (errno == EEXIST) {
            return tl::unexpected(path.string() + " exists already (use --force to replace it)");
        }
        return tl::unexpected("cannot write " + path.string() + ": " + std::strerror(errno));
    }
    ::fchmod(fd, 0600);
    std::size_t done = 0;
    while (done < content.size()) {
        const auto n = ::write(fd, content.data() + done, content.size() - done);
        if (n <= 0) {
            ::close(fd);
            return tl::unexpected("cannot write " + path.string() + ": " + std::strerror(errno));
        }
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    return {};
}

}  // namespace

std::string random_matrix_token() {
    unsigned char bytes[32];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        throw std::runtime_error("OpenSSL could not produce random bytes");
    }
    static constexpr char kAlphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const unsigned char byte : bytes) {
        buffer = (buffer << 8) | byte;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += kAlphabet[(buffer >> bits) & 0x3f];
        }
    }
    if (bits > 0) {
        out += kAlphabet[(buffer << (6 - bits)) & 0x3f];
    }
    return out;
}

std::string matrix_registration_yaml(const MatrixRegistrationInput& input) {
    const auto localpart = input.user_id.substr(1, input.user_id.find(':') - 1);
    std::string yaml;
    yaml += "# Appservice registration for the Leernetwerk bot, written by\n";
    yaml += "# `leernetwerk matrix-registration`. Synapse: list this file under\n";
    yaml += "# app_service_config_files in homeserver.yaml and restart the homeserver.\n";
    yaml += "id: " + yaml_string("leernetwerk") + "\n";
    yaml += "url: " + yaml_string(input.url) + "\n";
    yaml += "as_token: " + yaml_string(input.as_token) + "\n";
    yaml += "hs_token: " + yaml_string(input.hs_token) + "\n";
    yaml += "sender_localpart: " + yaml_string(localpart) + "\n";
    yaml += "namespaces:\n";
    yaml += "  users:\n";
    yaml += "    - exclusive: true\n";
    yaml += "      regex: " + yaml_string(regex_escape(input.user_id)) + "\n";
    yaml += "  aliases: []\n";
    yaml += "  rooms: []\n";
    yaml += "rate_limited: false\n";
    return yaml;
}

tl::expected<MatrixRegistrationFiles, std::string> write_matrix_registration(
    MatrixRegistrationInput input) {
    if (!valid_user_id(input.user_id)) {
        return tl::unexpected(std::string(
            "matrix.user_id: required, the bot's Matrix id such as \"@leernetwerk:school.nl\""));
    }
    if ((input.url.rfind("http://", 0) != 0 && input.url.rfind("https://", 0) != 0) ||
        input.url.find_first_of(" \t\r\n\"") != std::string::npos) {
        return tl::unexpected(
            std::string("--url: where the homeserver reaches the bot, e.g. http://bot-host:8080"));
    }
    while (input.url.size() > 8 && input.url.back() == '/') {
        input.url.pop_back();
    }
    MatrixRegistrationFiles files;
    if (input.as_token.empty()) {
        input.as_token = random_matrix_token();
        files.generated_tokens = true;
    }
    if (input.hs_token.empty()) {
        input.hs_token = random_matrix_token();
        files.generated_tokens = true;
    }
    if (input.as_token == input.hs_token) {
        return tl::unexpected(std::string("matrix.as_token and matrix.hs_token must differ"));
    }
    const std::filesystem::path dir(input.out_dir);
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
        return tl::unexpected("--out-dir: cannot create " + dir.string() + ": " + error.message());
    }
    files.registration = (dir / "registration.yaml").string();
    files.as_token = (dir / "as_token").string();
    files.hs_token = (dir / "hs_token").string();
    if (!input.force) {
        for (const auto& path : {files.registration, files.as_token, files.hs_token}) {
            if (std::filesystem::exists(path)) {
                return tl::unexpected(path + " exists already (use --force to replace it)");
            }
        }
    }
    for (const auto& [path, content] :
         {std::pair{files.registration, matrix_registration_yaml(input)},
          std::pair{files.as_token, input.as_token + "\n"},
          std::pair{files.hs_token, input.hs_token + "\n"}}) {
        if (auto written = write_private(path, content, input.force); !written) {
            return tl::unexpected(written.error());
        }
    }
    return files;
}

}  // namespace leernetwerk::app
