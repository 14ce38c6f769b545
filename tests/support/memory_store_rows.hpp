#pragma once
// Internal to the MemoryStore's .cpp files: what several aggregates share.
#include <algorithm>
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "bot/ports/store.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::testing::memory {

/// What SQLite's require_changed says when a row to update is missing.
[[noreturn]] inline void no_such(std::string_view operation, std::string_view what, Id id) {
    throw StoreError(std::string{operation} + ": no " + std::string{what} + " with id " +
                     std::to_string(id));
}

/// Tags as the SQLite store's join_tags/split_tags leave them: trimmed, no line breaks, no empty
/// ones.
inline std::vector<std::string> clean_tags(const std::vector<std::string>& tags) {
    std::vector<std::string> out;
    for (const auto& tag : tags) {
        std::string clean{trim(tag)};
        std::replace(clean.begin(), clean.end(), '\n', ' ');
        std::replace(clean.begin(), clean.end(), '\r', ' ');
        if (!clean.empty()) {
            out.push_back(std::move(clean));
        }
    }
    return out;
}

}  // namespace leernetwerk::testing::memory
