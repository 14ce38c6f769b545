#pragma once
// The poll key: the secret behind the respondent tokens of anonymous polls. [polls] secret, else
// a private file beside the database (`<database>.poll-key`, mode 0600), never inside it, so the
// database alone cannot tie an anonymous answer to anyone. `serve` and `console` use it,
// `check-config` checks it, `backup` and `restore` copy it.
#include <filesystem>
#include <optional>
#include <string>

#include "app/config.hpp"
#include "bot/ports/store.hpp"

namespace leernetwerk::app {

/// The poll key file of a database when no [polls] secret is set: `<database>.poll-key`.
std::filesystem::path poll_key_path(const std::string& database);

/// An existing poll key file: its key, or what is wrong with it.
struct PollKeyFile {
    std::string key;
    std::string problem;  ///< empty when the key can be used
    std::string warning;  ///< e.g. readable by others; the key can still be used
};

PollKeyFile read_poll_key_file(const std::filesystem::path& path);

/// The mode of a file as three octal digits ("640") when its group or others have any access,
/// else empty (also when it cannot be read).
std::string shared_file_mode(const std::filesystem::path& path);

/// The key of poll respondent tokens: [polls] secret, else the key file next to the database,
/// made with random bytes the first time. Empty for an in-memory database (a key for the process
/// only); nullopt after logging why it failed. A new key is not made while polls are open: their
/// answers so far were stored under the old one, and with another key everyone could answer them
/// again.
std::optional<std::string> poll_secret(const Config& config, const std::string& database,
                                       Store& store);

/// Copies a private file (the poll key) to `to`, which must not exist, with mode 0600; false
/// after saying why not.
bool copy_private_file(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace leernetwerk::app
