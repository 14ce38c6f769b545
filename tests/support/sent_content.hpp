#pragma once
// What the core sent, as neutral content, before any renderer drew it: conversation tests assert
// on these (the numbers of a result) rather than on how the console happens to print them.
#include <optional>
#include <string_view>

#include "bot/ports/store.hpp"

namespace leernetwerk::testing {

/// The newest summary the console was sent whose title contains `title`.
inline std::optional<Summary> newest_summary(Store& store, std::string_view title) {
    std::optional<Summary> newest;
    for (const auto& row : store.outbox_in_state(Platform::console, OutboxState::sent)) {
        if (const auto* summary = std::get_if<Summary>(&row.message.content)) {
            if (summary->title.find(title) != std::string::npos) {
                newest = *summary;
            }
        }
    }
    return newest;
}

/// The bar labelled `label` in a summary (nullopt: none).
inline std::optional<Bar> bar_of(const Summary& summary, std::string_view label) {
    for (const auto& bar : summary.bars) {
        if (bar.label == label) {
            return bar;
        }
    }
    return std::nullopt;
}

}  // namespace leernetwerk::testing
