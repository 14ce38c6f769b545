#pragma once
// Teams authentication: the connector's JWT on every inbound request (PROTOCOLS.md §2), the
// bot's own OAuth token for outbound calls (§3.1), and the outgoing-webhook HMAC (§5.1).
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/net/http.hpp"
#include "bot/vocab/result.hpp"

namespace leernetwerk::teams {

/// A decoded JWT (signature not yet checked).
struct Jwt {
    std::string header_json;
    std::string payload_json;
    std::string signing_input;  ///< base64url(header) "." base64url(payload)
    std::string signature;      ///< raw bytes
    std::string alg;
    std::string kid;
};
/// Splits and base64url-decodes a compact JWT; bad_input when malformed.
Result<Jwt> decode_jwt(std::string_view token);

/// One signing key from a JWKS document.
struct Jwk {
    std::string kid;
    std::string n;  ///< base64url modulus
    std::string e;  ///< base64url exponent
    std::vector<std::string> endorsements;
};
/// Parses a JWKS document ({"keys":[…]}); RSA keys only, others skipped.
Result<std::vector<Jwk>> parse_jwks(std::string_view json);
/// Verifies an RS256 signature over `signing_input` with the RSA key (n, e). False on any error.
bool verify_rs256(const Jwk& key, std::string_view signing_input, std::string_view signature);

struct AuthSettings {
    std::string app_id;  ///< expected audience
    std::string openid_metadata_url =
        "https://login.botframework.com/v1/.well-known/openidconfiguration";
    std::string issuer = "https://api.botframework.com";
    std::chrono::seconds clock_skew{300};
    std::chrono::hours refresh_interval{24};
    std::chrono::minutes unknown_kid_refresh_after{60};  ///< don't refetch more often than this
};

/// What a valid token says.
struct Claims {
    std::string issuer;
    std::string audience;
    std::string service_url;
    std::vector<std::string> endorsements;  ///< the signing key's channels (empty: any)

    /// Whether the token covers an activity from `service_url` on `channel_id` (for a token
    /// validated before its activity was read).
    bool covers(std::string_view activity_service_url, std::string_view channel_id) const;
};

using ValidateCallback = std::function<void(Result<Claims>)>;

/// Validates connector tokens: fetches and caches the OpenID metadata and JWKS (refreshed daily
/// and once on an unknown kid), RS256 only; checks iss, aud, exp/nbf with skew, the serviceurl
/// claim against the activity's serviceUrl, and the key's endorsements against the channel id.
/// Fails closed (unauthorized) when keys cannot be fetched.
class TokenValidator {
public:
    using Clock = std::function<std::chrono::system_clock::time_point()>;
    TokenValidator(net::HttpTransport& http, AuthSettings settings, Clock clock = {});

    /// `authorization` is the raw Authorization header. The callback runs once: Claims, or an
    /// Error with code unauthorized and http_status 401 saying why (never the token itself).
    /// With an empty `service_url` (the activity not read yet) the serviceurl claim and the
    /// endorsements are not compared: the caller checks them with Claims::covers.
    void validate(std::string_view authorization, std::string_view service_url,
                  std::string_view channel_id, ValidateCallback done);

    /// Number of successful JWKS fetches so far (for tests and metrics).
    int key_fetches() const;

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

struct TokenSettings {
    std::string app_id;
    std::string app_password;
    /// "botframework.com" for multi-tenant bots, else the bot's tenant id.
    std::string tenant = "botframework.com";
    std::string token_url_base = "https://login.microsoftonline.com";
    std::string scope = "https://api.botframework.com/.default";
    std::chrono::seconds refresh_before_expiry{300};
};

using TokenCallback = std::function<void(Result<std::string>)>;

/// The bot's outbound OAuth token (client credentials), cached until shortly before it expires;
/// concurrent requests while fetching share one fetch.
class TokenProvider {
public:
    using Clock = std::function<std::chrono::steady_clock::time_point()>;
    TokenProvider(net::HttpTransport& http, TokenSettings settings, Clock clock = {});
    /// Calls back with the access token or an Error (never containing the password).
    void token(TokenCallback done);
    /// Forgets the cached token (after a 401 from the connector).
    void invalidate();

private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

/// Checks an outgoing-webhook request: `authorization` must be "HMAC <base64>", equal (constant
/// time) to base64(HMAC-SHA256(base64decode(security_token), body)).
bool verify_webhook_hmac(std::string_view authorization, std::string_view body,
                         std::string_view security_token_base64);

/// Base64 helpers (standard alphabet with padding; url-safe without).
std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);
std::optional<std::string> base64url_decode(std::string_view text);
std::string base64url_encode(std::string_view bytes);

}  // namespace leernetwerk::teams
