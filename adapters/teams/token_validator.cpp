// Connector JWT validation (PROTOCOLS.md §2): the OpenID metadata and JWKS fetched, cached and
// refreshed (one fetch shared by concurrent callers), then issuer, audience, lifetime, signature
// and the service URL and channel claims checked.
#include "adapters/teams/auth.hpp"

#include <algorithm>
#include <mutex>
#include <utility>

#include <nlohmann/json.hpp>

#include "adapters/teams/auth_detail.hpp"

namespace leernetwerk::teams {

using json = nlohmann::json;
using detail::allowed_jwks_url;
using detail::allowed_metadata_url;
using detail::form_encode;
using detail::kFailedFetchRetryAfter;
using detail::number_member;
using detail::reject;
using detail::string_member;

struct TokenValidator::Impl : std::enable_shared_from_this<TokenValidator::Impl> {
    /// One validation waiting for keys.
    struct Pending {
        Jwt jwt;
        std::string service_url;
        std::string channel_id;
        ValidateCallback done;
    };
    using PendingPtr = std::shared_ptr<Pending>;
    using TimePoint = std::chrono::system_clock::time_point;

    Impl(net::HttpTransport& http, AuthSettings settings, Clock clock)
        : http_(http), settings_(std::move(settings)), clock_(std::move(clock)) {
        if (!clock_) {
            clock_ = [] { return std::chrono::system_clock::now(); };
        }
    }

    /// Finds the token's key, fetching keys first when the cache is empty or stale, or once when
    /// the kid is unknown and the keys are old enough; `after_fetch` marks the second look.
    void step(PendingPtr p, bool after_fetch) {
        std::unique_lock lock(mutex_);
        const TimePoint now = clock_();
        const bool fresh =
            !keys_.empty() && fetched_at_ && now - *fetched_at_ < settings_.refresh_interval;
        if (fresh) {
            const auto it = keys_.find(p->jwt.kid);
            if (it != keys_.end()) {
                const Jwk key = it->second;
                lock.unlock();
                finish(*p, key);
                return;
            }
            if (fetching_) {
                waiters_.push_back(std::move(p));
                return;
            }
            const bool may_refetch = !after_fetch &&
                                     now - *fetched_at_ >= settings_.unknown_kid_refresh_after &&
                                     !in_failure_cooldown(now);
            if (!may_refetch) {
                lock.unlock();
                p->done(reject("unknown signing key id"));
                return;
            }
        } else {
            if (fetching_) {
                waiters_.push_back(std::move(p));
                return;
            }
            if (after_fetch || in_failure_cooldown(now)) {
                const std::string why = last_error_.empty()
                                            ? std::string("signing keys unavailable")
                                            : "signing keys unavailable (" + last_error_ + ")";
                lock.unlock();
                p->done(reject(why));
                return;
            }
        }
        fetching_ = true;
        waiters_.push_back(std::move(p));
        lock.unlock();
        fetch_metadata();
    }

    bool in_failure_cooldown(TimePoint now) const {
        return failed_at_ && now - *failed_at_ < kFailedFetchRetryAfter;
    }

    void fetch_metadata() {
        if (!allowed_metadata_url(settings_.openid_metadata_url)) {
            complete(fail(ErrorCode::config, "metadata URL must be https"));
            return;
        }
        net::ClientRequest request;
        request.method = "GET";
        request.url = settings_.openid_metadata_url;
        http_.send(std::move(request), [self = shared_from_this()](Result<net::ClientResponse> r) {
            self->on_metadata(std::move(r));
        });
    }

    void on_metadata(Result<net::ClientResponse> response) {
        if (!response) {
            complete(
                fail(ErrorCode::network, "metadata request failed: " + response.error().message));
            return;
        }
        if (response->status != 200) {
            complete(fail(ErrorCode::remote,
                          "metadata request answered HTTP " + std::to_string(response->status)));
            return;
        }
        const json doc = json::parse(response->body, nullptr, false);
        const auto jwks_uri = doc.is_object() ? string_member(doc, "jwks_uri") : std::nullopt;
        if (!jwks_uri) {
            complete(fail(ErrorCode::bad_input, "metadata has no jwks_uri"));
            return;
        }
        if (!allowed_jwks_url(*jwks_uri, settings_.openid_metadata_url)) {
            complete(fail(ErrorCode::bad_input, "jwks_uri must be https"));
            return;
        }
        net::ClientRequest request;
        request.method = "GET";
        request.url = *jwks_uri;
        http_.send(std::move(request), [self = shared_from_this()](Result<net::ClientResponse> r) {
            self->on_jwks(std::move(r));
        });
    }

    void on_jwks(Result<net::ClientResponse> response) {
        if (!response) {
            complete(fail(ErrorCode::network, "JWKS request failed: " + response.error().message));
            return;
        }
        if (response->status != 200) {
            complete(fail(ErrorCode::remote,
                          "JWKS request answered HTTP " + std::to_string(response->status)));
            return;
        }
        auto keys = parse_jwks(response->body);
        if (keys && keys->empty()) {
            keys = fail(ErrorCode::bad_input, "JWKS has no usable RSA keys");
        }
        complete(std::move(keys));
    }

    void complete(Result<std::vector<Jwk>> keys) {
        std::vector<PendingPtr> waiters;
        {
            const std::lock_guard lock(mutex_);
            fetching_ = false;
            const TimePoint now = clock_();
            if (keys) {
                keys_.clear();
                for (Jwk& key : *keys) {
                    keys_.try_emplace(key.kid, std::move(key));
                }
                fetched_at_ = now;
                failed_at_.reset();
                last_error_.clear();
                ++fetches_;
            } else {
                failed_at_ = now;
                last_error_ = keys.error().message;
            }
            waiters.swap(waiters_);
        }
        for (PendingPtr& p : waiters) {
            step(std::move(p), true);
        }
    }

    /// Signature, then claims, then the key's endorsements.
    void finish(const Pending& p, const Jwk& key) {
        if (!verify_rs256(key, p.jwt.signing_input, p.jwt.signature)) {
            p.done(reject("signature does not verify"));
            return;
        }
        p.done(check_claims(p, key));
    }

    Result<Claims> check_claims(const Pending& p, const Jwk& key) const {
        const json payload = json::parse(p.jwt.payload_json, nullptr, false);
        if (payload.is_discarded() || !payload.is_object()) {
            return reject("payload is not a JSON object");
        }
        if (string_member(payload, "iss") != settings_.issuer) {
            return reject("issuer mismatch");
        }
        if (settings_.app_id.empty()) {
            return reject("no app id configured");
        }
        bool audience_ok = false;
        if (const auto aud = payload.find("aud"); aud != payload.end()) {
            if (aud->is_string()) {
                audience_ok = aud->get<std::string>() == settings_.app_id;
            } else if (aud->is_array()) {
                audience_ok = std::any_of(aud->begin(), aud->end(), [&](const json& a) {
                    return a.is_string() && a.get<std::string>() == settings_.app_id;
                });
            }
        }
        if (!audience_ok) {
            return reject("audience mismatch");
        }
        const double now = double(
            std::chrono::duration_cast<std::chrono::seconds>(clock_().time_since_epoch()).count());
        const double skew = double(settings_.clock_skew.count());
        const auto exp = number_member(payload, "exp");
        if (!exp) {
            return reject("exp missing");
        }
        if (now > *exp + skew) {
            return reject("expired (exp)");
        }
        if (payload.contains("nbf")) {
            const auto nbf = number_member(payload, "nbf");
            if (!nbf) {
                return reject("nbf is not a number");
            }
            if (*nbf > now + skew) {
                return reject("not yet valid (nbf)");
            }
        }
        const auto service_url = string_member(payload, "serviceurl");
        if (!service_url || service_url->empty()) {
            return reject("serviceurl claim missing");
        }
        Claims claims{settings_.issuer, settings_.app_id, *service_url, key.endorsements};
        if (p.service_url.empty()) {
            return claims;  // the caller compares once it has read the activity
        }
        if (*service_url != p.service_url) {
            return reject("serviceurl claim does not match the activity's serviceUrl");
        }
        if (!claims.covers(p.service_url, p.channel_id)) {
            return reject("signing key is not endorsed for this channel");
        }
        return claims;
    }

    net::HttpTransport& http_;
    const AuthSettings settings_;
    Clock clock_;

    mutable std::mutex mutex_;
    std::map<std::string, Jwk, std::less<>> keys_;  ///< by kid
    std::optional<TimePoint> fetched_at_;           ///< last successful fetch
    std::optional<TimePoint> failed_at_;            ///< last failed fetch, if after it
    std::string last_error_;
    bool fetching_ = false;
    std::vector<PendingPtr> waiters_;
    int fetches_ = 0;
};

bool Claims::covers(std::string_view activity_service_url, std::string_view channel_id) const {
    return service_url == activity_service_url &&
           (endorsements.empty() ||
            std::find(endorsements.begin(), endorsements.end(), channel_id) != endorsements.end());
}

TokenValidator::TokenValidator(net::HttpTransport& http, AuthSettings settings, Clock clock)
    : impl_(std::make_shared<Impl>(http, std::move(settings), std::move(clock))) {}

void TokenValidator::validate(std::string_view authorization, std::string_view service_url,
                              std::string_view channel_id, ValidateCallback done) {
    constexpr std::string_view kScheme = "Bearer ";
    if (authorization.empty()) {
        done(reject("missing Authorization header"));
        return;
    }
    if (authorization.substr(0, kScheme.size()) != kScheme) {
        done(reject("Authorization scheme is not Bearer"));
        return;
    }
    const std::string_view token = authorization.substr(kScheme.size());
    if (token.empty() || token.find_first_of(" \t\r\n") != std::string_view::npos) {
        done(reject("malformed Bearer credentials"));
        return;
    }
    auto jwt = decode_jwt(token);
    if (!jwt) {
        done(reject(jwt.error().message));
        return;
    }
    if (jwt->alg != "RS256") {
        done(reject("unsupported alg (only RS256 is accepted)"));
        return;
    }
    if (jwt->kid.empty()) {
        done(reject("token has no kid"));
        return;
    }
    auto pending = std::make_shared<Impl::Pending>(Impl::Pending{
        std::move(*jwt), std::string(service_url), std::string(channel_id), std::move(done)});
    impl_->step(std::move(pending), false);
}

int TokenValidator::key_fetches() const {
    const std::lock_guard lock(impl_->mutex_);
    return impl_->fetches_;
}
}  // namespace leernetwerk::teams
