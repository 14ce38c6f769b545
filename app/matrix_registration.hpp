#pragma once
// `leernetwerk matrix-registration`: the appservice registration YAML a homeserver administrator
// loads (Synapse: app_service_config_files), plus the as_token and hs_token files the bot's
// config points at, all written with mode 0600.
#include <string>

#include <tl/expected.hpp>

namespace leernetwerk::app {

struct MatrixRegistrationInput {
    std::string user_id;   ///< [matrix] user_id, "@leernetwerk:school.nl"
    std::string url;       ///< --url: where the homeserver reaches the bot, "http://bot-host:8080"
    std::string as_token;  ///< from the config; empty: a new random one
    std::string hs_token;  ///< from the config; empty: a new random one
    std::string out_dir = ".";
    bool force = false;  ///< overwrite existing files
};

/// What was written, for the message to the administrator.
struct MatrixRegistrationFiles {
    std::string registration;
    std::string as_token;
    std::string hs_token;
    bool generated_tokens = false;
};

/// The registration YAML for `input` (tokens filled in).
std::string matrix_registration_yaml(const MatrixRegistrationInput& input);

/// 32 random bytes (OpenSSL RAND_bytes), base64url without padding.
std::string random_matrix_token();

/// Writes registration.yaml, as_token and hs_token into out_dir. An error names what is wrong
/// (a bad user id or URL, an existing file without --force, a file that cannot be written).
tl::expected<MatrixRegistrationFiles, std::string> write_matrix_registration(
    MatrixRegistrationInput input);

}  // namespace leernetwerk::app
