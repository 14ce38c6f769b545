#pragma once
// Private to the Matrix wire code (transaction.cpp, ids.cpp, decode.cpp): the limits on what a
// homeserver may send, and the small JSON helpers the readers share.
#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

namespace leernetwerk::matrix::detail {

using nlohmann::json;

inline constexpr int kMaxJsonDepth = 32;
inline constexpr std::size_t kMaxIdBytes = 255;
inline constexpr std::size_t kMaxPollAnswers = 20;
inline constexpr std::size_t kMaxPills = 20;

/// An MSC3381 poll response (unstable or stable name).
inline bool is_poll_response(std::string_view type) {
    return type == "org.matrix.msc3381.poll.response" || type == "m.poll.response";
}

/// A member of a JSON object, or nullptr (also when `object` is not an object).
inline const json* member(const json& object, std::string_view key) {
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

}  // namespace leernetwerk::matrix::detail
