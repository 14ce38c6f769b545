// Teams authentication: connector JWT validation (PROTOCOLS.md §2), the outbound OAuth token
// (§3.1) and the outgoing-webhook HMAC (§5.1). Tokens, JWKS and metadata are untrusted input:
// nothing here throws for bad input, and no error message repeats a token or a secret.
#include "adapters/teams/auth.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <mutex>
#include <utility>

#include <nlohmann/json.hpp>

#include "adapters/teams/auth_detail.hpp"

namespace leernetwerk::teams {

namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxTokenSize = std::size_t{16} * 1024;
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 16384;
constexpr std::size_t kMaxModulusBytes = kMaxRsaBits / 8 + 1;  // a leading zero byte allowed
constexpr std::size_t kMaxExponentBytes = 8;
constexpr std::size_t kHmacSize = 32;

// ---- base64 ------------------------------------------------------------------------------------

constexpr std::string_view kStandardAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view bytes, std::string_view alphabet, bool pad) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        const std::uint32_t v = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                                (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8) |
                                std::uint32_t(std::uint8_t(bytes[i + 2]));
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        out += alphabet[v & 63];
    }
    const std::size_t rest = bytes.size() - i;
    if (rest == 1) {
        const std::uint32_t v = std::uint32_t(std::uint8_t(bytes[i])) << 16;
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        if (pad) {
            out += "==";
        }
    } else if (rest == 2) {
        const std::uint32_t v = (std::uint32_t(std::uint8_t(bytes[i])) << 16) |
                                (std::uint32_t(std::uint8_t(bytes[i + 1])) << 8);
        out += alphabet[(v >> 18) & 63];
        out += alphabet[(v >> 12) & 63];
        out += alphabet[(v >> 6) & 63];
        if (pad) {
            out += '=';
        }
    }
    return out;
}

int sextet(char c, bool url) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == (url ? '-' : '+')) {
        return 62;
    }
    if (c == (url ? '_' : '/')) {
        return 63;
    }
    return -1;
}

/// Strict decoding: only the alphabet's characters, padding only at the end (required for the
/// standard alphabet, optional for the url-safe one), and zero bits in the last character's unused
/// low bits, so every byte string has exactly one accepted encoding.
std::optional<std::string> decode(std::string_view text, bool url) {
    std::size_t padding = 0;
    while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
        ++padding;
    }
    if (url ? (padding > 0 && text.size() % 4 != 0) : text.size() % 4 != 0) {
        return std::nullopt;
    }
    const std::string_view data = text.substr(0, text.size() - padding);
    if (data.size() % 4 == 1 || (padding > 0 && (data.size() + padding) % 4 != 0)) {
        return std::nullopt;
    }
    std::string out;
    out.reserve(data.size() / 4 * 3 + 2);
    std::uint32_t buffer = 0;
    int bits = 0;
    for (const char c : data) {
        const int v = sextet(c, url);
        if (v < 0) {
            return std::nullopt;
        }
        buffer = (buffer << 6) | std::uint32_t(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += char((buffer >> bits) & 0xFF);
        }
    }
    if ((buffer & ((1u << bits) - 1)) != 0) {
        return std::nullopt;  // non-canonical: unused bits set
    }
    return out;
}

// ---- OpenSSL RAII ------------------------------------------------------------------------------

template <typename T, void (*Free)(T*)>
struct OsslDeleter {
    void operator()(T* p) const { Free(p); }
};
template <typename T, void (*Free)(T*)>
using OsslPtr = std::unique_ptr<T, OsslDeleter<T, Free>>;

using BignumPtr = OsslPtr<BIGNUM, BN_free>;
using ParamBldPtr = OsslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamPtr = OsslPtr<OSSL_PARAM, OSSL_PARAM_free>;
using PkeyCtxPtr = OsslPtr<EVP_PKEY_CTX, EVP_PKEY_CTX_free>;
using PkeyPtr = OsslPtr<EVP_PKEY, EVP_PKEY_free>;
using MdCtxPtr = OsslPtr<EVP_MD_CTX, EVP_MD_CTX_free>;

/// Leaves OpenSSL's thread-local error queue empty on every path, so a failed verification does
/// not confuse a later TLS call on the same (I/O) thread.
struct ClearOpensslErrors {
    ~ClearOpensslErrors() { ERR_clear_error(); }
};

BignumPtr to_bignum(const std::string& bytes) {
    return BignumPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                               int(bytes.size()), nullptr));
}

PkeyPtr rsa_public_key(const Jwk& key) {
    const auto n_bytes = base64url_decode(key.n);
    const auto e_bytes = base64url_decode(key.e);
    if (!n_bytes || !e_bytes || n_bytes->empty() || e_bytes->empty() ||
        n_bytes->size() > kMaxModulusBytes || e_bytes->size() > kMaxExponentBytes) {
        return nullptr;
    }
    const BignumPtr n = to_bignum(*n_bytes);
    const BignumPtr e = to_bignum(*e_bytes);
    if (!n || !e) {
        return nullptr;
    }
    const int bits = BN_num_bits(n.get());
    if (bits < kMinRsaBits || bits > kMaxRsaBits || !BN_is_odd(e.get()) || BN_is_one(e.get())) {
        return nullptr;
    }
    const ParamBldPtr builder(OSSL_PARAM_BLD_new());
    if (!builder || OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
        OSSL_PARAM_BLD_push_BN(builder.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
        return nullptr;
    }
    const ParamPtr params(OSSL_PARAM_BLD_to_param(builder.get()));
    const PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1) {
        return nullptr;
    }
    EVP_PKEY* raw = nullptr;
    if (EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        return nullptr;
    }
    return PkeyPtr(raw);
}

// ---- URLs --------------------------------------------------------------------------------------

/// Scheme (lowercased) and host (lowercased, without brackets) of an absolute URL; nullopt when
/// the URL is not absolute or carries userinfo.
struct SchemeHost {
    std::string scheme;
    std::string host;
};

std::string lowercase(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    return out;
}

std::optional<SchemeHost> scheme_host(std::string_view url) {
    const auto sep = url.find("://");
    if (sep == std::string_view::npos || sep == 0) {
        return std::nullopt;
    }
    SchemeHost out{lowercase(url.substr(0, sep)), {}};
    std::string_view authority = url.substr(sep + 3);
    authority = authority.substr(0, authority.find_first_of("/?#"));
    if (authority.find('@') != std::string_view::npos) {
        return std::nullopt;
    }
    if (!authority.empty() && authority.front() == '[') {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) {
            return std::nullopt;
        }
        out.host = lowercase(authority.substr(1, close - 1));
    } else {
        out.host = lowercase(authority.substr(0, authority.find(':')));
    }
    if (out.host.empty()) {
        return std::nullopt;
    }
    return out;
}

bool is_loopback_host(std::string_view host) {
    return host == "127.0.0.1" || host == "localhost" || host == "::1";
}

bool is_http_loopback(const std::optional<SchemeHost>& url) {
    return url && url->scheme == "http" && is_loopback_host(url->host);
}
}  // namespace

namespace detail {

// ---- JSON helpers ------------------------------------------------------------------------------

/// The member's string value, or nullopt when absent or not a string.
std::optional<std::string> string_member(const json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_string()) {
        return std::nullopt;
    }
    return it->get<std::string>();
}

/// The member's numeric value, or nullopt when absent or not a (finite) number.
std::optional<double> number_member(const json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || !it->is_number()) {
        return std::nullopt;
    }
    const double value = it->get<double>();
    if (!std::isfinite(value)) {
        return std::nullopt;
    }
    return value;
}

/// https, or http on a loopback host (tests and local runs).
bool allowed_metadata_url(std::string_view url) {
    const auto parts = scheme_host(url);
    return parts && (parts->scheme == "https" || is_http_loopback(parts));
}

/// https, or http on loopback when the metadata itself came from http on loopback.
bool allowed_jwks_url(std::string_view jwks_url, std::string_view metadata_url) {
    const auto jwks = scheme_host(jwks_url);
    if (!jwks) {
        return false;
    }
    if (jwks->scheme == "https") {
        return true;
    }
    return is_http_loopback(jwks) && is_http_loopback(scheme_host(metadata_url));
}

/// application/x-www-form-urlencoded value: unreserved characters kept, all else %XX.
std::string form_encode(std::string_view value) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(value.size() * 3);
    for (const char c : value) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') ||
            u == '-' || u == '.' || u == '_' || u == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 15];
        }
    }
    return out;
}

tl::unexpected<Error> reject(std::string why) {
    return fail(ErrorCode::unauthorized, "token rejected: " + std::move(why), 401);
}
}  // namespace detail

using detail::reject;
using detail::string_member;

// ---- base64 ------------------------------------------------------------------------------------

std::string base64_encode(std::string_view bytes) {
    return encode(bytes, kStandardAlphabet, true);
}

std::string base64url_encode(std::string_view bytes) {
    return encode(bytes, kUrlAlphabet, false);
}

std::optional<std::string> base64_decode(std::string_view text) {
    return decode(text, false);
}

std::optional<std::string> base64url_decode(std::string_view text) {
    return decode(text, true);
}

// ---- JWT / JWKS --------------------------------------------------------------------------------

Result<Jwt> decode_jwt(std::string_view token) {
    if (token.empty() || token.size() > kMaxTokenSize) {
        return fail(ErrorCode::bad_input, "malformed token: empty or too long");
    }
    const auto first = token.find('.');
    const auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        return fail(ErrorCode::bad_input, "malformed token: expected three parts");
    }
    const std::string_view header_part = token.substr(0, first);
    const std::string_view payload_part = token.substr(first + 1, second - first - 1);
    const std::string_view signature_part = token.substr(second + 1);
    if (header_part.empty() || payload_part.empty()) {
        return fail(ErrorCode::bad_input, "malformed token: empty header or payload");
    }
    auto header = base64url_decode(header_part);
    auto payload = base64url_decode(payload_part);
    auto signature = base64url_decode(signature_part);
    if (!header || !payload || !signature) {
        return fail(ErrorCode::bad_input, "malformed token: bad base64url");
    }
    const json header_doc = json::parse(*header, nullptr, false);
    if (header_doc.is_discarded() || !header_doc.is_object()) {
        return fail(ErrorCode::bad_input, "malformed token: header is not a JSON object");
    }
    const json payload_doc = json::parse(*payload, nullptr, false);
    if (payload_doc.is_discarded() || !payload_doc.is_object()) {
        return fail(ErrorCode::bad_input, "malformed token: payload is not a JSON object");
    }
    auto alg = string_member(header_doc, "alg");
    if (!alg) {
        return fail(ErrorCode::bad_input, "malformed token: header without alg");
    }
    std::string kid;
    if (const auto it = header_doc.find("kid"); it != header_doc.end()) {
        if (!it->is_string()) {
            return fail(ErrorCode::bad_input, "malformed token: kid is not a string");
        }
        kid = it->get<std::string>();
    }
    Jwt jwt;
    jwt.header_json = std::move(*header);
    jwt.payload_json = std::move(*payload);
    jwt.signing_input = std::string(token.substr(0, second));
    jwt.signature = std::move(*signature);
    jwt.alg = std::move(*alg);
    jwt.kid = std::move(kid);
    return jwt;
}

Result<std::vector<Jwk>> parse_jwks(std::string_view text) {
    const json doc = json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        return fail(ErrorCode::bad_input, "JWKS is not a JSON object");
    }
    const auto keys = doc.find("keys");
    if (keys == doc.end() || !keys->is_array()) {
        return fail(ErrorCode::bad_input, "JWKS has no keys array");
    }
    std::vector<Jwk> out;
    for (const json& entry : *keys) {
        if (!entry.is_object() || string_member(entry, "kty") != "RSA") {
            continue;
        }
        if (const auto use = string_member(entry, "use"); use && *use != "sig") {
            continue;
        }
        if (const auto alg = string_member(entry, "alg"); alg && *alg != "RS256") {
            continue;
        }
        auto kid = string_member(entry, "kid");
        auto n = string_member(entry, "n");
        auto e = string_member(entry, "e");
        if (!kid || !n || !e || kid->empty() || n->empty() || e->empty()) {
            continue;
        }
        Jwk key{std::move(*kid), std::move(*n), std::move(*e), {}};
        if (const auto it = entry.find("endorsements"); it != entry.end() && it->is_array()) {
            for (const json& endorsement : *it) {
                if (endorsement.is_string()) {
                    key.endorsements.push_back(endorsement.get<std::string>());
                }
            }
        }
        out.push_back(std::move(key));
    }
    return out;
}

bool verify_rs256(const Jwk& key, std::string_view signing_input, std::string_view signature) {
    const ClearOpensslErrors clear_errors;
    const PkeyPtr pkey = rsa_public_key(key);
    if (!pkey || signature.empty() || int(signature.size()) != EVP_PKEY_get_size(pkey.get())) {
        return false;
    }
    const MdCtxPtr md(EVP_MD_CTX_new());
    if (!md || EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, pkey.get()) != 1) {
        return false;
    }
    return EVP_DigestVerify(md.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                            signature.size(),
                            reinterpret_cast<const unsigned char*>(signing_input.data()),
                            signing_input.size()) == 1;
}

// ---- outgoing webhook HMAC ---------------------------------------------------------------------

bool verify_webhook_hmac(std::string_view authorization, std::string_view body,
                         std::string_view security_token_base64) {
    constexpr std::string_view kScheme = "HMAC ";
    if (authorization.substr(0, kScheme.size()) != kScheme) {
        return false;
    }
    const auto mac = base64_decode(authorization.substr(kScheme.size()));
    const auto key = base64_decode(security_token_base64);
    if (!mac || !key || mac->size() != kHmacSize || key->empty()) {
        return false;
    }
    const ClearOpensslErrors clear_errors;
    std::array<unsigned char, EVP_MAX_MD_SIZE> expected{};
    unsigned int expected_size = 0;
    if (HMAC(EVP_sha256(), key->data(), int(key->size()),
             reinterpret_cast<const unsigned char*>(body.data()), body.size(), expected.data(),
             &expected_size) == nullptr ||
        expected_size != kHmacSize) {
        return false;
    }
    return CRYPTO_memcmp(expected.data(), mac->data(), kHmacSize) == 0;
}

}  // namespace leernetwerk::teams
