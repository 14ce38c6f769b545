// The bot's outbound OAuth token (client credentials, PROTOCOLS.md §3.1): fetched once for all
// callers, kept until shortly before it expires, fetched again after a 401.
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

struct TokenProvider::Impl : std::enable_shared_from_this<TokenProvider::Impl> {
    using TimePoint = std::chrono::steady_clock::time_point;

    Impl(net::HttpTransport& http, TokenSettings settings, Clock clock)
        : http_(http), settings_(std::move(settings)), clock_(std::move(clock)) {
        if (!clock_) {
            clock_ = [] { return std::chrono::steady_clock::now(); };
        }
    }

    void token(TokenCallback done) {
        if (settings_.app_id.empty() || settings_.app_password.empty()) {
            done(fail(ErrorCode::config, "Teams app id or app password is not configured"));
            return;
        }
        std::unique_lock lock(mutex_);
        if (!token_.empty() && clock_() < valid_until_) {
            const std::string token = token_;
            lock.unlock();
            done(token);
            return;
        }
        waiters_.push_back(std::move(done));
        if (fetching_) {
            return;
        }
        fetching_ = true;
        lock.unlock();
        fetch();
    }

    void fetch() {
        std::string base = settings_.token_url_base;
        while (!base.empty() && base.back() == '/') {
            base.pop_back();
        }
        net::ClientRequest request;
        request.method = "POST";
        request.url = base + "/" + form_encode(settings_.tenant) + "/oauth2/v2.0/token";
        request.headers.emplace("Content-Type", "application/x-www-form-urlencoded");
        request.headers.emplace("Accept", "application/json");
        request.body = "grant_type=client_credentials&client_id=" + form_encode(settings_.app_id) +
                       "&client_secret=" + form_encode(settings_.app_password) +
                       "&scope=" + form_encode(settings_.scope);
        const TimePoint started = clock_();
        http_.send(std::move(request),
                   [self = shared_from_this(), started](Result<net::ClientResponse> r) {
                       self->complete(started, self->read_response(std::move(r)));
                   });
    }

    /// The token and its lifetime, or an Error with the status and AAD's error code only (the
    /// rest of the body may echo the request).
    static Result<std::pair<std::string, std::chrono::seconds>> read_response(
        Result<net::ClientResponse> response) {
        if (!response) {
            const ErrorCode code = response.error().code == ErrorCode::network ? ErrorCode::network
                                                                               : ErrorCode::remote;
            return fail(code, "token request failed: " + response.error().message);
        }
        const json doc = json::parse(response->body, nullptr, false);
        const bool is_object = !doc.is_discarded() && doc.is_object();
        if (response->status != 200) {
            std::string message = "token request failed: HTTP " + std::to_string(response->status);
            if (const auto code = is_object ? string_member(doc, "error") : std::nullopt;
                code && is_error_code(*code)) {
                message += " (" + *code + ")";
            }
            return fail(ErrorCode::remote, std::move(message), response->status);
        }
        if (!is_object) {
            return fail(ErrorCode::remote, "token response is not a JSON object", 200);
        }
        auto access_token = string_member(doc, "access_token");
        if (!access_token || access_token->empty()) {
            return fail(ErrorCode::remote, "token response has no access_token", 200);
        }
        const auto lifetime = expires_in(doc);
        if (!lifetime) {
            return fail(ErrorCode::remote, "token response has no valid expires_in", 200);
        }
        return std::pair{std::move(*access_token), *lifetime};
    }

    /// AAD's `error` is a short snake_case code; anything else is not repeated.
    static bool is_error_code(std::string_view code) {
        return !code.empty() && code.size() <= 64 &&
               std::all_of(code.begin(), code.end(),
                           [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
    }

    /// expires_in as a positive number of seconds (AAD v1 endpoints send it as a string).
    static std::optional<std::chrono::seconds> expires_in(const json& doc) {
        const auto it = doc.find("expires_in");
        if (it == doc.end()) {
            return std::nullopt;
        }
        std::int64_t seconds = 0;
        if (it->is_number_integer()) {
            seconds = it->get<std::int64_t>();
        } else if (it->is_string()) {
            const std::string text = it->get<std::string>();
            if (text.empty() || text.size() > 9 ||
                !std::all_of(text.begin(), text.end(),
                             [](char c) { return c >= '0' && c <= '9'; })) {
                return std::nullopt;
            }
            seconds = std::stoll(text);
        } else {
            return std::nullopt;
        }
        if (seconds <= 0 || seconds > std::int64_t{366} * 24 * 3600) {
            return std::nullopt;
        }
        return std::chrono::seconds(seconds);
    }

    void complete(TimePoint started, Result<std::pair<std::string, std::chrono::seconds>> result) {
        std::vector<TokenCallback> waiters;
        {
            const std::lock_guard lock(mutex_);
            fetching_ = false;
            if (result) {
                // Refresh `refresh_before_expiry` early, but keep at least half the lifetime so a
                // short-lived token is not refetched on every call.
                auto lifetime = result->second - settings_.refresh_before_expiry;
                if (lifetime < result->second / 2) {
                    lifetime = result->second / 2;
                }
                token_ = result->first;
                valid_until_ = started + lifetime;
            }
            waiters.swap(waiters_);
        }
        for (TokenCallback& done : waiters) {
            if (result) {
                done(result->first);
            } else {
                done(tl::unexpected<Error>(result.error()));
            }
        }
    }

    void invalidate() {
        const std::lock_guard lock(mutex_);
        token_.clear();
    }

    net::HttpTransport& http_;
    const TokenSettings settings_;
    Clock clock_;

    std::mutex mutex_;
    std::string token_;
    TimePoint valid_until_{};
    bool fetching_ = false;
    std::vector<TokenCallback> waiters_;
};

TokenProvider::TokenProvider(net::HttpTransport& http, TokenSettings settings, Clock clock)
    : impl_(std::make_shared<Impl>(http, std::move(settings), std::move(clock))) {}

void TokenProvider::token(TokenCallback done) {
    impl_->token(std::move(done));
}

void TokenProvider::invalidate() {
    impl_->invalidate();
}
}  // namespace leernetwerk::teams
