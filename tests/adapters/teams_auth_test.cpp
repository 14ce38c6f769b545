// Teams authentication: connector JWTs (PROTOCOLS.md §2.2 cases) with an RSA key generated here,
// tokens minted here and a scripted HTTP transport serving the OpenID metadata and JWKS; the
// bot's outbound OAuth token (§3.1); the outgoing-webhook HMAC (§5.1).
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "adapters/teams/auth.hpp"
#include "support/scripted_http.hpp"

using namespace leernetwerk;
using namespace leernetwerk::teams;
using json = nlohmann::json;
using Catch::Matchers::Contains;
using leernetwerk::testing::ScriptedHttp;

namespace {

// ---- keys and tokens minted in the test --------------------------------------------------------

struct PkeyFree {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

/// An RSA key pair and its JWKS entry.
struct TestKey {
    PkeyPtr pkey;
    Jwk jwk;
};

std::string bignum_param_b64url(EVP_PKEY* pkey, const char* name) {
    BIGNUM* bn = nullptr;
    REQUIRE(EVP_PKEY_get_bn_param(pkey, name, &bn) == 1);
    std::string bytes(std::size_t(BN_num_bytes(bn)), '\0');
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
    BN_free(bn);
    return base64url_encode(bytes);
}

TestKey make_key(unsigned bits, std::string kid, std::vector<std::string> endorsements) {
    TestKey key;
    key.pkey.reset(EVP_RSA_gen(bits));
    REQUIRE(key.pkey);
    key.jwk.kid = std::move(kid);
    key.jwk.n = bignum_param_b64url(key.pkey.get(), OSSL_PKEY_PARAM_RSA_N);
    key.jwk.e = bignum_param_b64url(key.pkey.get(), OSSL_PKEY_PARAM_RSA_E);
    key.jwk.endorsements = std::move(endorsements);
    return key;
}

/// Generated once: RSA key generation is slow under the sanitizers.
const TestKey& key1() {
    static const TestKey key = make_key(2048, "test-kid-1", {"msteams", "skype", "webchat"});
    return key;
}
const TestKey& key2() {
    static const TestKey key = make_key(2048, "test-kid-2", {"msteams"});
    return key;
}
const TestKey& small_key() {
    static const TestKey key = make_key(1024, "small-kid", {"msteams"});
    return key;
}

std::string sign_rs256(EVP_PKEY* pkey, std::string_view input) {
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    REQUIRE(md != nullptr);
    REQUIRE(EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, pkey) == 1);
    std::size_t size = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    REQUIRE(EVP_DigestSign(md, nullptr, &size, data, input.size()) == 1);
    std::string signature(size, '\0');
    REQUIRE(EVP_DigestSign(md, reinterpret_cast<unsigned char*>(signature.data()), &size, data,
                           input.size()) == 1);
    EVP_MD_CTX_free(md);
    signature.resize(size);
    return signature;
}

std::string b64u_json(const json& value) {
    return base64url_encode(value.dump());
}

/// An RS256 token signed by `key`, with its kid unless the header says otherwise.
std::string mint(const TestKey& key, const json& payload, json header = json::object()) {
    if (!header.contains("alg")) {
        header["alg"] = "RS256";
    }
    if (!header.contains("kid")) {
        header["kid"] = key.jwk.kid;
    }
    header["typ"] = "JWT";
    const std::string input = b64u_json(header) + "." + b64u_json(payload);
    return input + "." + base64url_encode(sign_rs256(key.pkey.get(), input));
}

std::string public_key_pem(EVP_PKEY* pkey) {
    BIO* bio = BIO_new(BIO_s_mem());
    REQUIRE(PEM_write_bio_PUBKEY(bio, pkey) == 1);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, std::size_t(size));
    BIO_free(bio);
    return pem;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    HMAC(EVP_sha256(), key.data(), int(key.size()),
         reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size);
    return std::string(reinterpret_cast<char*>(out), size);
}

json jwks_of(const std::vector<const TestKey*>& keys) {
    json doc{{"keys", json::array()}};
    for (const TestKey* key : keys) {
        json entry{{"kty", "RSA"},
                   {"use", "sig"},
                   {"kid", key->jwk.kid},
                   {"n", key->jwk.n},
                   {"e", key->jwk.e}};
        if (!key->jwk.endorsements.empty()) {
            entry["endorsements"] = key->jwk.endorsements;
        }
        doc["keys"].push_back(entry);
    }
    return doc;
}

// ---- the validator fixture ---------------------------------------------------------------------

constexpr const char* kAppId = "2b1c6a52-6e0c-4f2e-9f49-0c5a2c1d7e11";
constexpr const char* kIssuer = "https://api.botframework.com";
constexpr const char* kServiceUrl = "https://smba.trafficmanager.net/emea/";
constexpr const char* kMetadataUrl = "http://127.0.0.1:46150/v1/.well-known/openidconfiguration";
constexpr const char* kJwksUrl = "http://127.0.0.1:46150/v1/.well-known/keys";
const std::chrono::system_clock::time_point kStart{std::chrono::seconds{1795000000}};

struct ValidatorFixture {
    ValidatorFixture() : validator(http, make_settings(), [this] { return now; }) {
        serve_metadata(kJwksUrl);
        serve_keys({&key1()});
    }

    static AuthSettings make_settings() {
        AuthSettings settings;
        settings.app_id = kAppId;
        settings.openid_metadata_url = kMetadataUrl;
        return settings;
    }

    void serve_metadata(const std::string& jwks_uri, const std::string& url = kMetadataUrl) {
        http.replies[url] = {200, json{{"issuer", kIssuer},
                                       {"jwks_uri", jwks_uri},
                                       {"id_token_signing_alg_values_supported", {"RS256"}}}
                                      .dump()};
    }
    void serve_keys(const std::vector<const TestKey*>& keys) {
        http.replies[kJwksUrl] = {200, jwks_of(keys).dump()};
    }

    std::int64_t now_s() const {
        return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
    }

    /// Claims a connector token carries, valid now.
    json claims() const {
        return json{{"iss", kIssuer},
                    {"aud", kAppId},
                    {"nbf", now_s() - 5},
                    {"exp", now_s() + 3600},
                    {"serviceurl", kServiceUrl}};
    }

    /// Validates and returns the one callback result.
    Result<Claims> validate(std::string_view authorization, std::string_view service_url,
                            std::string_view channel_id = "msteams") {
        int calls = 0;
        Result<Claims> out = fail(ErrorCode::bad_input, "callback not called");
        validator.validate(authorization, service_url, channel_id, [&](Result<Claims> r) {
            ++calls;
            out = std::move(r);
        });
        REQUIRE(calls == 1);
        return out;
    }
    Result<Claims> validate_token(const std::string& token, std::string_view channel = "msteams") {
        return validate("Bearer " + token, kServiceUrl, channel);
    }

    ScriptedHttp http;
    std::chrono::system_clock::time_point now = kStart;
    TokenValidator validator;
};

/// Rejected with 401, saying `why`, and not repeating the token or any part of it.
void require_rejected(const Result<Claims>& result, const std::string& why,
                      const std::string& token = {}) {
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == ErrorCode::unauthorized);
    CHECK(result.error().http_status == 401);
    CHECK_THAT(result.error().message, Contains(why));
    if (!token.empty()) {
        const auto last_dot = token.rfind('.');
        CHECK_THAT(result.error().message, !Contains(token));
        CHECK_THAT(result.error().message, !Contains(token.substr(0, token.find('.'))));
        CHECK_THAT(result.error().message, !Contains(token.substr(last_dot + 1)));
    }
}

void require_accepted(const Result<Claims>& result) {
    INFO((result ? std::string("accepted") : result.error().message));
    REQUIRE(result.has_value());
    CHECK(result->issuer == kIssuer);
    CHECK(result->audience == kAppId);
    CHECK(result->service_url == kServiceUrl);
}

}  // namespace

// ---- base64 ------------------------------------------------------------------------------------

TEST_CASE("base64 encodes the RFC 4648 vectors and decodes them back") {
    const std::vector<std::pair<std::string, std::string>> vectors = {{"", ""},
                                                                      {"f", "Zg=="},
                                                                      {"fo", "Zm8="},
                                                                      {"foo", "Zm9v"},
                                                                      {"foob", "Zm9vYg=="},
                                                                      {"fooba", "Zm9vYmE="},
                                                                      {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        CHECK(base64_encode(plain) == encoded);
        CHECK(base64_decode(encoded) == plain);
        std::string unpadded = encoded;
        unpadded.erase(unpadded.find_last_not_of('=') + 1);
        CHECK(base64url_encode(plain) == unpadded);
        CHECK(base64url_decode(unpadded) == plain);
        CHECK(base64url_decode(encoded) == plain);  // padding is optional, not forbidden
    }
    const std::string binary("\xfb\xff\xfe\x00\x3e", 5);
    CHECK(base64_encode(binary) == "+//+AD4=");
    CHECK(base64url_encode(binary) == "-__-AD4");
    CHECK(base64url_decode("-__-AD4") == binary);
}

TEST_CASE("base64 decoding is strict") {
    CHECK_FALSE(base64_decode("Zm9v!A==").has_value());    // bad character
    CHECK_FALSE(base64_decode("Zm9vYg").has_value());      // standard needs padding
    CHECK_FALSE(base64_decode("Zm=vYg==").has_value());    // padding in the middle
    CHECK_FALSE(base64_decode("Zm9vY===").has_value());    // three padding characters
    CHECK_FALSE(base64_decode("Zh==").has_value());        // unused bits set (non-canonical)
    CHECK_FALSE(base64_decode("Zm9v\n").has_value());      // whitespace
    CHECK_FALSE(base64_decode("-__-AD4=").has_value());    // url alphabet in the standard variant
    CHECK_FALSE(base64url_decode("+//+AD4").has_value());  // standard alphabet in the url one
    CHECK_FALSE(base64url_decode("Zm9vY").has_value());    // impossible length
    CHECK_FALSE(base64url_decode("Zm9vYg=").has_value());  // wrong amount of padding
    CHECK_FALSE(base64url_decode("Zm9v.").has_value());
}

// ---- decode_jwt, parse_jwks, verify_rs256 ------------------------------------------------------

TEST_CASE("decode_jwt splits a compact token and rejects malformed ones") {
    const std::string token = mint(key1(), json{{"iss", kIssuer}});
    const auto jwt = decode_jwt(token);
    REQUIRE(jwt.has_value());
    CHECK(jwt->alg == "RS256");
    CHECK(jwt->kid == "test-kid-1");
    CHECK(jwt->payload_json == R"({"iss":"https://api.botframework.com"})");
    CHECK(jwt->signing_input == token.substr(0, token.rfind('.')));
    CHECK(jwt->signature.size() == 256);

    const std::string header = b64u_json(json{{"alg", "RS256"}});
    const std::string payload = b64u_json(json::object());
    const auto compact = [](std::string_view h, std::string_view p, std::string_view sig) {
        std::string out(h);
        out.append(".").append(p).append(".").append(sig);
        return out;
    };
    for (const std::string& bad : {
             std::string(),
             std::string(header).append(".").append(payload),  // two parts
             compact(header, payload, "c2ln.extra"),           // four parts
             compact("", payload, "c2ln"),                     // empty header
             compact(header, "", "c2ln"),                      // empty payload
             compact(header, payload, "c2ln+"),                // bad base64url
             compact(base64url_encode("not json"), payload, "c2ln"),
             compact(b64u_json(json{{"kid", "x"}}), payload, "c2ln"),  // no alg
             compact(b64u_json(json{{"alg", 256}}), payload, "c2ln"),
             compact(b64u_json(json{{"alg", "RS256"}, {"kid", 1}}), payload, "c2ln"),
             compact(header, b64u_json(json::array()), "c2ln"),
             compact(header, payload, std::string(20000, 'A')),  // too long
         }) {
        INFO(bad.substr(0, 80));
        const auto result = decode_jwt(bad);
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().code == ErrorCode::bad_input);
    }
}

TEST_CASE("parse_jwks keeps RSA signing keys with their endorsements and skips the rest") {
    const auto keys = parse_jwks(R"({"keys":[
        {"kty":"RSA","use":"sig","kid":"a","n":"AQAB","e":"AQAB","x5c":["..."],
         "endorsements":["msteams","skype",7]},
        {"kty":"EC","kid":"ec","crv":"P-256","x":"AA","y":"AA"},
        {"kty":"RSA","use":"enc","kid":"encryption","n":"AQAB","e":"AQAB"},
        {"kty":"RSA","kid":"no-n","e":"AQAB"},
        {"kty":"RSA","kid":"b","n":"AQAB","e":"AQAB"},
        "garbage"]})");
    REQUIRE(keys.has_value());
    REQUIRE(keys->size() == 2);
    CHECK((*keys)[0].kid == "a");
    CHECK((*keys)[0].endorsements == std::vector<std::string>{"msteams", "skype"});
    CHECK((*keys)[1].kid == "b");
    CHECK((*keys)[1].endorsements.empty());

    CHECK_FALSE(parse_jwks("not json").has_value());
    CHECK_FALSE(parse_jwks(R"({"keys":{}})").has_value());
    CHECK_FALSE(parse_jwks("[]").has_value());
}

TEST_CASE("verify_rs256 accepts a good signature and nothing else") {
    const std::string input = "header.payload";
    const std::string signature = sign_rs256(key1().pkey.get(), input);
    CHECK(verify_rs256(key1().jwk, input, signature));
    CHECK_FALSE(verify_rs256(key1().jwk, "header.payloaD", signature));
    CHECK_FALSE(verify_rs256(key2().jwk, input, signature));
    CHECK_FALSE(verify_rs256(key1().jwk, input, signature.substr(1)));
    CHECK_FALSE(verify_rs256(key1().jwk, input, ""));
    Jwk garbage = key1().jwk;
    garbage.n = "not base64!";
    CHECK_FALSE(verify_rs256(garbage, input, signature));
    garbage = key1().jwk;
    garbage.e = "";
    CHECK_FALSE(verify_rs256(garbage, input, signature));
}

TEST_CASE("verify_rs256 rejects a key under 2048 bits even with a correct signature") {
    const std::string input = "header.payload";
    const std::string signature = sign_rs256(small_key().pkey.get(), input);
    CHECK(signature.size() == 128);
    CHECK_FALSE(verify_rs256(small_key().jwk, input, signature));
}

// ---- TokenValidator ----------------------------------------------------------------------------

TEST_CASE("a valid connector token is accepted after one metadata and one JWKS fetch") {
    ValidatorFixture f;
    const auto result = f.validate_token(mint(key1(), f.claims()));
    require_accepted(result);
    CHECK(f.validator.key_fetches() == 1);
    REQUIRE(f.http.requests.size() == 2);
    CHECK(f.http.requests[0].method == "GET");
    CHECK(f.http.requests[0].url == kMetadataUrl);
    CHECK(f.http.requests[1].url == kJwksUrl);

    SECTION("later tokens use the cached keys") {
        f.now += std::chrono::hours(2);
        require_accepted(f.validate_token(mint(key1(), f.claims())));
        CHECK(f.http.requests.size() == 2);
        CHECK(f.validator.key_fetches() == 1);
    }
}

TEST_CASE("the issuer must be the Bot Framework's") {
    ValidatorFixture f;
    json claims = f.claims();
    claims["iss"] = "https://sts.windows.net/evil/";
    const std::string token = mint(key1(), claims);
    require_rejected(f.validate_token(token), "issuer", token);
    claims.erase("iss");
    require_rejected(f.validate_token(mint(key1(), claims)), "issuer");
}

TEST_CASE("the audience must be the bot's app id, as a string or in an array") {
    ValidatorFixture f;
    json claims = f.claims();
    claims["aud"] = "00000000-0000-0000-0000-000000000000";
    const std::string token = mint(key1(), claims);
    require_rejected(f.validate_token(token), "audience", token);

    claims["aud"] = json::array({"https://api.botframework.com", kAppId});
    require_accepted(f.validate_token(mint(key1(), claims)));

    claims["aud"] = json::array({"https://api.botframework.com", "someone-else"});
    require_rejected(f.validate_token(mint(key1(), claims)), "audience");
    claims.erase("aud");
    require_rejected(f.validate_token(mint(key1(), claims)), "audience");
}

TEST_CASE("exp and nbf are checked with five minutes of clock skew") {
    constexpr std::int64_t kSixMinutes = 360;
    constexpr std::int64_t kFourMinutes = 240;
    ValidatorFixture f;
    json claims = f.claims();

    claims["exp"] = f.now_s() - kSixMinutes;
    const std::string expired = mint(key1(), claims);
    require_rejected(f.validate_token(expired), "expired", expired);

    claims["exp"] = f.now_s() - kFourMinutes;
    require_accepted(f.validate_token(mint(key1(), claims)));

    claims["exp"] = f.now_s() + 3600;
    claims["nbf"] = f.now_s() + kSixMinutes;
    require_rejected(f.validate_token(mint(key1(), claims)), "nbf");

    claims["nbf"] = f.now_s() + kFourMinutes;
    require_accepted(f.validate_token(mint(key1(), claims)));

    claims["nbf"] = "soon";
    require_rejected(f.validate_token(mint(key1(), claims)), "nbf");

    claims.erase("nbf");
    claims.erase("exp");
    require_rejected(f.validate_token(mint(key1(), claims)), "exp missing");

    claims["exp"] = std::to_string(f.now_s() + 3600);  // a string is not a NumericDate
    require_rejected(f.validate_token(mint(key1(), claims)), "exp missing");
}

TEST_CASE("only RS256 is accepted: alg none, HS256 with the public key and RS384 are rejected") {
    ValidatorFixture f;
    const json claims = f.claims();
    const std::string input_none =
        b64u_json(json{{"alg", "none"}, {"kid", "test-kid-1"}}) + "." + b64u_json(claims);
    require_rejected(f.validate_token(input_none + "."), "alg");

    const std::string input_hs =
        b64u_json(json{{"alg", "HS256"}, {"kid", "test-kid-1"}}) + "." + b64u_json(claims);
    const std::string hs_token =
        input_hs + "." + base64url_encode(hmac_sha256(public_key_pem(key1().pkey.get()), input_hs));
    require_rejected(f.validate_token(hs_token), "alg", hs_token);

    // Correctly RS256-signed, but the header claims another algorithm.
    require_rejected(f.validate_token(mint(key1(), claims, json{{"alg", "RS384"}})), "alg");
    require_rejected(f.validate_token(mint(key1(), claims, json{{"alg", "rs256"}})), "alg");
    CHECK(f.http.requests.empty());  // rejected before any key fetch
}

TEST_CASE("an unknown kid triggers exactly one JWKS refresh, and not again within the hour") {
    ValidatorFixture f;
    require_accepted(f.validate_token(mint(key1(), f.claims())));
    REQUIRE(f.validator.key_fetches() == 1);

    // key2 is not published: an attacker's key, or a rotation not yet seen.
    SECTION("right after a fetch the unknown kid is rejected without refetching") {
        const std::string token = mint(key2(), f.claims());
        require_rejected(f.validate_token(token), "unknown signing key", token);
        CHECK(f.http.count(kJwksUrl) == 1);
    }
    SECTION("an hour after the last fetch it refetches once, then rejects") {
        f.now += std::chrono::minutes(61);
        require_rejected(f.validate_token(mint(key2(), f.claims())), "unknown signing key");
        CHECK(f.http.count(kMetadataUrl) == 2);
        CHECK(f.http.count(kJwksUrl) == 2);
        CHECK(f.validator.key_fetches() == 2);

        f.now += std::chrono::minutes(30);
        require_rejected(f.validate_token(mint(key2(), f.claims())), "unknown signing key");
        CHECK(f.http.count(kJwksUrl) == 2);
        CHECK(f.validator.key_fetches() == 2);
        // The known key still works meanwhile.
        require_accepted(f.validate_token(mint(key1(), f.claims())));
        CHECK(f.http.count(kJwksUrl) == 2);
    }
}

TEST_CASE("key rotation: a kid that appears in the refreshed JWKS is accepted") {
    ValidatorFixture f;
    require_accepted(f.validate_token(mint(key1(), f.claims())));
    f.serve_keys({&key2()});  // Microsoft rotated: key1 retired, key2 published
    f.now += std::chrono::minutes(61);
    require_accepted(f.validate_token(mint(key2(), f.claims())));
    CHECK(f.validator.key_fetches() == 2);
    // The retired key is gone from the cache.
    require_rejected(f.validate_token(mint(key1(), f.claims())), "unknown signing key");
    CHECK(f.validator.key_fetches() == 2);
}

TEST_CASE("a key with endorsements must be endorsed for the activity's channel") {
    ValidatorFixture f;
    TestKey webchat_only{nullptr, key2().jwk};
    webchat_only.jwk.endorsements = {"webchat", "skype"};
    f.http.replies[kJwksUrl] = {200, jwks_of({&webchat_only}).dump()};

    const std::string token = mint(key2(), f.claims());
    require_rejected(f.validate_token(token, "msteams"), "endorsed", token);
    require_accepted(f.validate_token(token, "webchat"));
    require_rejected(f.validate_token(token, ""), "endorsed");

    SECTION("a key without endorsements is not restricted") {
        TestKey unendorsed{nullptr, key2().jwk};
        unendorsed.jwk.endorsements.clear();
        f.http.replies[kJwksUrl] = {200, jwks_of({&unendorsed}).dump()};
        f.now += std::chrono::hours(25);
        require_accepted(f.validate_token(mint(key2(), f.claims()), "msteams"));
    }
}

TEST_CASE("the serviceurl claim must equal the activity's serviceUrl exactly") {
    ValidatorFixture f;
    const std::string token = mint(key1(), f.claims());
    require_rejected(f.validate("Bearer " + token, "https://attacker.example/"), "serviceurl",
                     token);
    require_rejected(f.validate("Bearer " + token, "https://smba.trafficmanager.net/emea"),
                     "serviceurl");
    require_rejected(f.validate("Bearer " + token, "HTTPS://smba.trafficmanager.net/emea/"),
                     "serviceurl");
    require_accepted(f.validate("Bearer " + token, kServiceUrl));

    json claims = f.claims();
    claims.erase("serviceurl");
    require_rejected(f.validate_token(mint(key1(), claims)), "serviceurl claim missing");
    claims["serviceurl"] = json::array({kServiceUrl});
    require_rejected(f.validate_token(mint(key1(), claims)), "serviceurl claim missing");
}

TEST_CASE("the Authorization header must be exactly 'Bearer <token>'") {
    ValidatorFixture f;
    const std::string token = mint(key1(), f.claims());
    require_rejected(f.validate("bearer " + token, kServiceUrl), "not Bearer", token);
    require_rejected(f.validate("BEARER " + token, kServiceUrl), "not Bearer", token);
    require_rejected(f.validate("Basic dXNlcjpwYXNzd29yZA==", kServiceUrl), "not Bearer");
    require_rejected(f.validate("Bearer", kServiceUrl), "not Bearer");
    require_rejected(f.validate("Bearer ", kServiceUrl), "malformed");
    require_rejected(f.validate("Bearer  " + token, kServiceUrl), "malformed", token);
    require_rejected(f.validate("Bearer " + token + " extra", kServiceUrl), "malformed", token);
    require_rejected(f.validate("Bearer not-a-jwt", kServiceUrl), "malformed");
    require_rejected(f.validate("", kServiceUrl), "missing Authorization header");
    CHECK(f.http.requests.empty());
    require_accepted(f.validate("Bearer " + token, kServiceUrl));
}

TEST_CASE("a tampered payload fails the signature check") {
    ValidatorFixture f;
    const std::string token = mint(key1(), f.claims());
    json claims = f.claims();
    claims["serviceurl"] = "https://attacker.example/";
    const auto first_dot = token.find('.');
    const auto last_dot = token.rfind('.');
    const std::string tampered =
        token.substr(0, first_dot + 1) + b64u_json(claims) + token.substr(last_dot);
    require_rejected(f.validate("Bearer " + tampered, "https://attacker.example/"), "signature",
                     tampered);
    CHECK(f.validator.key_fetches() == 1);  // it got as far as the signature
}

TEST_CASE("a token signed with a published key under 2048 bits is rejected") {
    ValidatorFixture f;
    f.serve_keys({&key1(), &small_key()});
    const std::string token = mint(small_key(), f.claims());
    require_rejected(f.validate_token(token), "signature", token);
    CHECK(f.validator.key_fetches() == 1);
    require_accepted(f.validate_token(mint(key1(), f.claims())));
}

TEST_CASE("when the keys cannot be fetched, validation fails closed and retries later") {
    ValidatorFixture f;
    const std::string token = mint(key1(), f.claims());

    SECTION("transport failure") {
        f.http.down = true;
        require_rejected(f.validate_token(token),
                         "signing keys unavailable (metadata request failed: connect: connection "
                         "refused)",
                         token);
        CHECK(f.validator.key_fetches() == 0);
        CHECK(f.http.requests.size() == 1);

        // Within ten seconds no new attempt: an outage does not stampede the endpoint.
        f.now += std::chrono::seconds(5);
        require_rejected(f.validate_token(token), "signing keys unavailable");
        CHECK(f.http.requests.size() == 1);

        f.http.down = false;
        f.now += std::chrono::seconds(6);
        require_accepted(f.validate_token(token));
        CHECK(f.validator.key_fetches() == 1);
        CHECK(f.http.requests.size() == 3);
    }
    SECTION("JWKS endpoint answers 500") {
        f.http.replies[kJwksUrl] = {500, "oops"};
        require_rejected(f.validate_token(token), "HTTP 500");
        CHECK(f.validator.key_fetches() == 0);
    }
    SECTION("metadata is not JSON") {
        f.http.replies[kMetadataUrl] = {200, "<html>"};
        require_rejected(f.validate_token(token), "no jwks_uri");
    }
    SECTION("JWKS without any RSA key") {
        f.http.replies[kJwksUrl] = {200, R"({"keys":[{"kty":"EC","kid":"x"}]})"};
        require_rejected(f.validate_token(token), "no usable RSA keys");
    }
    SECTION("a daily refresh that fails does not fall back to the stale keys") {
        require_accepted(f.validate_token(token));
        f.now += std::chrono::hours(25);
        f.http.down = true;
        require_rejected(f.validate_token(mint(key1(), f.claims())), "signing keys unavailable");
    }
}

TEST_CASE("jwks_uri must be https unless the metadata came over http from loopback") {
    ValidatorFixture f;
    const std::string token = mint(key1(), f.claims());

    SECTION("http jwks_uri on a public host") {
        f.serve_metadata("http://keys.example.com/keys");
        f.http.replies["http://keys.example.com/keys"] = {200, jwks_of({&key1()}).dump()};
        require_rejected(f.validate_token(token), "jwks_uri must be https");
        CHECK(f.http.count("http://keys.example.com/keys") == 0);
    }
    SECTION("https metadata pointing at an http loopback jwks_uri") {
        AuthSettings settings = ValidatorFixture::make_settings();
        settings.openid_metadata_url = "https://login.example.com/openid";
        TokenValidator validator(f.http, settings, [&] { return f.now; });
        f.serve_metadata(kJwksUrl, settings.openid_metadata_url);
        std::optional<Result<Claims>> result;
        validator.validate("Bearer " + token, kServiceUrl, "msteams",
                           [&](Result<Claims> r) { result = std::move(r); });
        REQUIRE(result.has_value());
        require_rejected(*result, "jwks_uri must be https");
        CHECK(f.http.count(kJwksUrl) == 0);
    }
    SECTION("https everywhere is fine") {
        AuthSettings settings = ValidatorFixture::make_settings();
        settings.openid_metadata_url = "https://login.example.com/openid";
        TokenValidator validator(f.http, settings, [&] { return f.now; });
        f.serve_metadata("https://login.example.com/keys", settings.openid_metadata_url);
        f.http.replies["https://login.example.com/keys"] = {200, jwks_of({&key1()}).dump()};
        std::optional<Result<Claims>> result;
        validator.validate("Bearer " + token, kServiceUrl, "msteams",
                           [&](Result<Claims> r) { result = std::move(r); });
        REQUIRE(result.has_value());
        require_accepted(*result);
    }
    SECTION("an http metadata URL on a public host is refused without a request") {
        AuthSettings settings = ValidatorFixture::make_settings();
        settings.openid_metadata_url = "http://login.example.com/openid";
        TokenValidator validator(f.http, settings, [&] { return f.now; });
        std::optional<Result<Claims>> result;
        validator.validate("Bearer " + token, kServiceUrl, "msteams",
                           [&](Result<Claims> r) { result = std::move(r); });
        REQUIRE(result.has_value());
        require_rejected(*result, "metadata URL must be https");
        CHECK(f.http.requests.empty());
    }
}

TEST_CASE("the keys are refreshed daily") {
    ValidatorFixture f;
    require_accepted(f.validate_token(mint(key1(), f.claims())));
    f.now += std::chrono::hours(23);
    require_accepted(f.validate_token(mint(key1(), f.claims())));
    CHECK(f.validator.key_fetches() == 1);
    f.now += std::chrono::hours(2);  // 25 h after the first fetch
    require_accepted(f.validate_token(mint(key1(), f.claims())));
    CHECK(f.validator.key_fetches() == 2);
    CHECK(f.http.count(kMetadataUrl) == 2);
    CHECK(f.http.count(kJwksUrl) == 2);
}

TEST_CASE("concurrent validations during a fetch share that one fetch") {
    ValidatorFixture f;
    f.http.hold = true;
    std::vector<Result<Claims>> results;
    const auto collect = [&](Result<Claims> r) { results.push_back(std::move(r)); };
    const std::string good = mint(key1(), f.claims());
    const std::string unknown = mint(key2(), f.claims());
    f.validator.validate("Bearer " + good, kServiceUrl, "msteams", collect);
    f.validator.validate("Bearer " + good, kServiceUrl, "msteams", collect);
    f.validator.validate("Bearer " + unknown, kServiceUrl, "msteams", collect);
    CHECK(results.empty());
    REQUIRE(f.http.held() == 1);  // one metadata request for all three
    f.http.release();
    REQUIRE(f.http.held() == 1);  // then one JWKS request
    CHECK(results.empty());
    f.http.release();
    REQUIRE(results.size() == 3);
    require_accepted(results[0]);
    require_accepted(results[1]);
    require_rejected(results[2], "unknown signing key");
    CHECK(f.http.requests.size() == 2);
    CHECK(f.validator.key_fetches() == 1);
}

// ---- TokenProvider -----------------------------------------------------------------------------

namespace {

constexpr const char* kTokenUrl =
    "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token";
constexpr const char* kSecret = "s3cr&t=value with space+slash/%";

struct ProviderFixture {
    explicit ProviderFixture(TokenSettings settings = make_settings())
        : provider(http, std::move(settings), [this] { return now; }) {
        serve_token("token-1", 3600);
    }

    static TokenSettings make_settings() {
        TokenSettings settings;
        settings.app_id = kAppId;
        settings.app_password = kSecret;
        return settings;
    }

    void serve_token(const std::string& token, int expires_in, const std::string& url = kTokenUrl) {
        http.replies[url] = {
            200, json{{"token_type", "Bearer"}, {"expires_in", expires_in}, {"access_token", token}}
                     .dump()};
    }

    Result<std::string> token() {
        int calls = 0;
        Result<std::string> out = fail(ErrorCode::bad_input, "callback not called");
        provider.token([&](Result<std::string> r) {
            ++calls;
            out = std::move(r);
        });
        REQUIRE(calls == 1);
        return out;
    }

    ScriptedHttp http;
    std::chrono::steady_clock::time_point now{std::chrono::hours(1000)};
    TokenProvider provider;
};

/// The form body's parameters, percent-decoded.
std::map<std::string, std::string> form_fields(const std::string& body) {
    const auto decode = [](std::string_view text) {
        std::string out;
        for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '%' && i + 2 < text.size()) {
                out += char(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
                i += 2;
            } else {
                out += text[i];
            }
        }
        return out;
    };
    std::map<std::string, std::string> fields;
    std::size_t start = 0;
    while (start <= body.size()) {
        const auto end = std::min(body.find('&', start), body.size());
        const std::string_view pair = std::string_view(body).substr(start, end - start);
        const auto eq = pair.find('=');
        REQUIRE(eq != std::string_view::npos);
        fields[std::string(pair.substr(0, eq))] = decode(pair.substr(eq + 1));
        start = end + 1;
    }
    return fields;
}

}  // namespace

TEST_CASE("the bot token is fetched with client credentials and cached") {
    ProviderFixture f;
    const auto first = f.token();
    REQUIRE(first.has_value());
    CHECK(*first == "token-1");
    REQUIRE(f.http.requests.size() == 1);
    const net::ClientRequest& request = f.http.requests[0];
    CHECK(request.method == "POST");
    CHECK(request.url == kTokenUrl);
    const auto content_type = request.headers.find("content-type");
    REQUIRE(content_type != request.headers.end());
    CHECK(content_type->second == "application/x-www-form-urlencoded");
    CHECK(request.body ==
          "grant_type=client_credentials&client_id=2b1c6a52-6e0c-4f2e-9f49-0c5a2c1d7e11"
          "&client_secret=s3cr%26t%3Dvalue%20with%20space%2Bslash%2F%25"
          "&scope=https%3A%2F%2Fapi.botframework.com%2F.default");
    const auto fields = form_fields(request.body);
    CHECK(fields.size() == 4);
    CHECK(fields.at("grant_type") == "client_credentials");
    CHECK(fields.at("client_id") == kAppId);
    CHECK(fields.at("client_secret") == kSecret);
    CHECK(fields.at("scope") == "https://api.botframework.com/.default");

    f.serve_token("token-2", 3600);
    f.now += std::chrono::minutes(30);
    CHECK(f.token() == "token-1");
    CHECK(f.http.requests.size() == 1);
}

TEST_CASE("the bot token is refreshed shortly before it expires") {
    ProviderFixture f;
    REQUIRE(f.token() == "token-1");
    f.serve_token("token-2", 3600);
    f.now += std::chrono::seconds(3600 - 300 - 1);
    CHECK(f.token() == "token-1");
    f.now += std::chrono::seconds(2);  // inside the last five minutes
    CHECK(f.token() == "token-2");
    CHECK(f.http.requests.size() == 2);

    SECTION("invalidate forgets the token") {
        f.serve_token("token-3", 3600);
        f.provider.invalidate();
        CHECK(f.token() == "token-3");
        CHECK(f.http.requests.size() == 3);
    }
}

TEST_CASE("concurrent token requests share one fetch") {
    ProviderFixture f;
    f.http.hold = true;
    std::vector<Result<std::string>> results;
    for (int i = 0; i < 3; ++i) {
        f.provider.token([&](Result<std::string> r) { results.push_back(std::move(r)); });
    }
    CHECK(results.empty());
    CHECK(f.http.held() == 1);
    f.http.release();
    REQUIRE(results.size() == 3);
    for (const auto& r : results) {
        CHECK(r == "token-1");
    }
    CHECK(f.http.requests.size() == 1);
}

TEST_CASE("token errors carry the status and AAD's error code, never the secret") {
    ProviderFixture f;

    SECTION("401 invalid_client") {
        f.http.replies[kTokenUrl] = {
            401, json{{"error", "invalid_client"},
                      {"error_description",
                       std::string("AADSTS7000215: Invalid client secret provided: ") + kSecret}}
                     .dump()};
        const auto result = f.token();
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().code == ErrorCode::remote);
        CHECK(result.error().http_status == 401);
        CHECK(result.error().message == "token request failed: HTTP 401 (invalid_client)");

        // Not cached: the next call tries again.
        f.serve_token("token-after-fix", 3600);
        CHECK(f.token() == "token-after-fix");
        CHECK(f.http.requests.size() == 2);
    }
    SECTION("an error field that is not a plain code is not repeated") {
        f.http.replies[kTokenUrl] = {400, json{{"error", kSecret}}.dump()};
        const auto result = f.token();
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().message == "token request failed: HTTP 400");
    }
    SECTION("network failure") {
        f.http.down = true;
        const auto result = f.token();
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().code == ErrorCode::network);
        CHECK_THAT(result.error().message, Contains("connection refused"));
        CHECK_THAT(result.error().message, !Contains("s3cr"));
    }
    SECTION("200 without an access token") {
        f.http.replies[kTokenUrl] = {200, R"({"token_type":"Bearer","expires_in":3600})"};
        const auto result = f.token();
        REQUIRE_FALSE(result.has_value());
        CHECK(result.error().code == ErrorCode::remote);
        CHECK_THAT(result.error().message, Contains("access_token"));
    }
    SECTION("200 with a nonsense expires_in") {
        f.http.replies[kTokenUrl] = {200, R"({"access_token":"t","expires_in":-5})"};
        const auto result = f.token();
        REQUIRE_FALSE(result.has_value());
        CHECK_THAT(result.error().message, Contains("expires_in"));
    }
}

TEST_CASE("the token URL uses the configured tenant and base") {
    TokenSettings settings = ProviderFixture::make_settings();
    settings.tenant = "0f2a1b3c-aaaa-bbbb-cccc-1234567890ab";
    settings.token_url_base = "http://127.0.0.1:46151/";
    ProviderFixture f(settings);
    const std::string url =
        "http://127.0.0.1:46151/0f2a1b3c-aaaa-bbbb-cccc-1234567890ab/oauth2/v2.0/token";
    f.http.replies[url] = {200, R"({"access_token":"tenant-token","expires_in":"3599"})"};
    CHECK(f.token() == "tenant-token");
    REQUIRE(f.http.requests.size() == 1);
    CHECK(f.http.requests[0].url == url);
}

TEST_CASE("a provider without an app password fails without a request") {
    TokenSettings settings = ProviderFixture::make_settings();
    settings.app_password.clear();
    ProviderFixture f(settings);
    const auto result = f.token();
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().code == ErrorCode::config);
    CHECK(f.http.requests.empty());
}

// ---- outgoing webhook HMAC ---------------------------------------------------------------------

TEST_CASE("outgoing webhook HMAC matches the PROTOCOLS.md vector and nothing else") {
    const std::string key = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=";
    const std::string body = R"({"type":"message","text":"<at>PollBot</at> hello"})";
    const std::string header = "HMAC sAuZRPY/2P7kEWVkvvXV9whSvaWsT4PJZYvkA2rIOak=";
    CHECK(verify_webhook_hmac(header, body, key));

    CHECK_FALSE(verify_webhook_hmac(header, body + " ", key));
    CHECK_FALSE(
        verify_webhook_hmac(header, R"({"type":"message","text":"<at>PollBot</at> hellO"})", key));
    CHECK_FALSE(verify_webhook_hmac(header, body, "wqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA="));
    CHECK_FALSE(verify_webhook_hmac(header, body, ""));
    CHECK_FALSE(verify_webhook_hmac(header, body, "not base64!"));
    // A truncated MAC: the first 16 bytes, correctly encoded.
    const std::string mac = *base64_decode(header.substr(5));
    CHECK_FALSE(verify_webhook_hmac("HMAC " + base64_encode(mac.substr(0, 16)), body, key));
    CHECK_FALSE(verify_webhook_hmac("HMAC " + base64_encode(mac + "x"), body, key));
    CHECK_FALSE(verify_webhook_hmac("HMAC sAuZRPY/2P7kEWVkvvXV9whSvaWsT4PJZYvkA2rIOak", body, key));
    CHECK_FALSE(
        verify_webhook_hmac("HMAC s@uZRPY/2P7kEWVkvvXV9whSvaWsT4PJZYvkA2rIOak=", body, key));
    CHECK_FALSE(verify_webhook_hmac("sAuZRPY/2P7kEWVkvvXV9whSvaWsT4PJZYvkA2rIOak=", body, key));
    CHECK_FALSE(
        verify_webhook_hmac("hmac sAuZRPY/2P7kEWVkvvXV9whSvaWsT4PJZYvkA2rIOak=", body, key));
    CHECK_FALSE(
        verify_webhook_hmac("Bearer sAuZRPY/2P7kEWVkvvXV9whSvaWsT4PJZYvkA2rIOak=", body, key));
    CHECK_FALSE(verify_webhook_hmac("", body, key));
    // One flipped bit in the MAC.
    std::string flipped = mac;
    flipped[31] = char(flipped[31] ^ 1);
    CHECK_FALSE(verify_webhook_hmac("HMAC " + base64_encode(flipped), body, key));
}
