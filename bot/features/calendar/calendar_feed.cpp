#include "bot/features/calendar/calendar_feed.hpp"

#include "bot/vocab/seal.hpp"

namespace leernetwerk {
namespace {

constexpr std::size_t kTokenBytes = 24;
constexpr std::string_view kTokenAlphabet = "0123456789abcdef";
constexpr std::string_view kPrefix = "/ics/";
constexpr std::string_view kSuffix = ".ics";
constexpr std::size_t kMaxTokenChars = 64;

}  // namespace

std::string new_calendar_feed_token() {
    return to_hex(random_bytes(kTokenBytes));
}

std::string calendar_feed_token_hash(std::string_view token) {
    return hmac_sha256("leernetwerk-calendar-feed:v1", token);
}

std::string calendar_feed_path(std::string_view token) {
    return std::string(kPrefix) + std::string(token) + std::string(kSuffix);
}

std::string calendar_feed_token_from_path(std::string_view path) {
    if (path.substr(0, kPrefix.size()) == kPrefix) {
        path.remove_prefix(kPrefix.size());
    }
    if (path.size() <= kSuffix.size() || path.substr(path.size() - kSuffix.size()) != kSuffix) {
        return {};
    }
    path.remove_suffix(kSuffix.size());
    if (path.size() > kMaxTokenChars ||
        path.find_first_not_of(kTokenAlphabet) != std::string_view::npos) {
        return {};
    }
    return std::string(path);
}

}  // namespace leernetwerk
