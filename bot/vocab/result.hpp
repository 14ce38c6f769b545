#pragma once
// Expected failures are values: Result<T> carries either T or one Error.
#include <chrono>
#include <optional>
#include <string>

#include <tl/expected.hpp>

namespace leernetwerk {

enum class ErrorCode {
    bad_input,     ///< the input cannot be used (malformed, too large, missing fields)
    unauthorized,  ///< authentication failed
    not_found,
    storage,  ///< the database failed; nothing was kept
    network,  ///< a peer could not be reached or timed out
    rate_limited,
    remote,  ///< a peer answered with an error
    config,
    internal,  ///< a defect in the bot itself; logged, and the work it was doing taken back
};

struct Error {
    ErrorCode code = ErrorCode::bad_input;
    std::string message;
    int http_status = 0;  ///< the status to answer or the one received; 0 when not HTTP
    std::optional<std::chrono::seconds> retry_after;
};

template <typename T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> fail(ErrorCode code, std::string message, int http_status = 0) {
    return tl::unexpected<Error>(Error{code, std::move(message), http_status, std::nullopt});
}

}  // namespace leernetwerk
