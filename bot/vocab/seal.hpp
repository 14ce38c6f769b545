#pragma once
// Sealing bytes that must not be readable from a copy of the database: AES-256-GCM with a random
// nonce, under keys derived from a secret that is never in the database (the poll key). Used for
// the ballots of anonymous polls (ballot_box.hpp) and for the messages they cause to members
// (the outbox rows the store seals, Store::use_sealing_key).
#include <optional>
#include <string>
#include <string_view>

namespace leernetwerk {

inline constexpr std::size_t kSealKeyBytes = 32;

/// `count` bytes from OpenSSL's random generator (throws when it has none).
std::string random_bytes(std::size_t count);
/// Lower-case hex of `bytes`.
std::string to_hex(std::string_view bytes);
/// HMAC-SHA256(secret, message): 32 bytes, e.g. a key for one purpose derived from the secret.
std::string hmac_sha256(std::string_view secret, std::string_view message);
/// nonce (12 bytes) || ciphertext || tag (16 bytes); `context` is authenticated with it.
std::string seal_bytes(std::string_view key, std::string_view context, std::string_view plain);
/// The plain bytes, or nullopt when the key or context is not the one it was sealed with, or the
/// sealed bytes were changed.
std::optional<std::string> unseal_bytes(std::string_view key, std::string_view context,
                                        std::string_view sealed);

}  // namespace leernetwerk
