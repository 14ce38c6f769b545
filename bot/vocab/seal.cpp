#include "bot/vocab/seal.hpp"

#include <array>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

namespace leernetwerk {
namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;

struct CipherDeleter {
    void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using Cipher = std::unique_ptr<EVP_CIPHER_CTX, CipherDeleter>;

const unsigned char* bytes_of(std::string_view text) {
    return reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

std::string random_bytes(std::size_t count) {
    std::string bytes(count, '\0');
    if (count > 0 &&
        RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(count)) != 1) {
        throw std::runtime_error("no random bytes");
    }
    return bytes;
}

std::string to_hex(std::string_view bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const auto byte : bytes) {
        const auto value = static_cast<unsigned char>(byte);
        out += kHex[value >> 4];
        out += kHex[value & 0xF];
    }
    return out;
}

std::string hmac_sha256(std::string_view secret, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()), bytes_of(message),
             message.size(), digest.data(), &length) == nullptr) {
        throw std::runtime_error("HMAC-SHA256 failed");
    }
    return std::string(reinterpret_cast<const char*>(digest.data()), length);
}

std::string seal_bytes(std::string_view key, std::string_view context, std::string_view plain) {
    if (key.size() != kSealKeyBytes) {
        throw std::invalid_argument("a sealing key has 32 bytes");
    }
    const auto nonce = random_bytes(kNonceBytes);
    std::string out = nonce;
    out.resize(kNonceBytes + plain.size() + kTagBytes);
    auto* cipher = reinterpret_cast<unsigned char*>(out.data()) + kNonceBytes;
    Cipher context_(EVP_CIPHER_CTX_new());
    int length = 0;
    int final_length = 0;
    if (!context_ ||
        EVP_EncryptInit_ex(context_.get(), EVP_aes_256_gcm(), nullptr, bytes_of(key),
                           bytes_of(nonce)) != 1 ||
        EVP_EncryptUpdate(context_.get(), nullptr, &length, bytes_of(context),
                          static_cast<int>(context.size())) != 1 ||
        EVP_EncryptUpdate(context_.get(), cipher, &length, bytes_of(plain),
                          static_cast<int>(plain.size())) != 1 ||
        EVP_EncryptFinal_ex(context_.get(), cipher + length, &final_length) != 1 ||
        EVP_CIPHER_CTX_ctrl(context_.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                            cipher + plain.size()) != 1) {
        throw std::runtime_error("sealing failed");
    }
    return out;
}

std::optional<std::string> unseal_bytes(std::string_view key, std::string_view context,
                                        std::string_view sealed) {
    if (key.size() != kSealKeyBytes || sealed.size() < kNonceBytes + kTagBytes) {
        return std::nullopt;
    }
    const auto size = sealed.size() - kNonceBytes - kTagBytes;
    std::string plain(size, '\0');
    std::string tag(sealed.substr(kNonceBytes + size));
    Cipher context_(EVP_CIPHER_CTX_new());
    int length = 0;
    int final_length = 0;
    auto* out = reinterpret_cast<unsigned char*>(plain.data());
    if (!context_ ||
        EVP_DecryptInit_ex(context_.get(), EVP_aes_256_gcm(), nullptr, bytes_of(key),
                           bytes_of(sealed)) != 1 ||
        EVP_DecryptUpdate(context_.get(), nullptr, &length, bytes_of(context),
                          static_cast<int>(context.size())) != 1 ||
        EVP_DecryptUpdate(context_.get(), out, &length, bytes_of(sealed) + kNonceBytes,
                          static_cast<int>(size)) != 1 ||
        EVP_CIPHER_CTX_ctrl(context_.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                            tag.data()) != 1 ||
        EVP_DecryptFinal_ex(context_.get(), out + length, &final_length) != 1) {
        return std::nullopt;
    }
    return plain;
}

}  // namespace leernetwerk
