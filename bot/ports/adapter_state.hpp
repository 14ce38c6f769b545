#pragma once
// Adapter state: small named values kept across restarts (e.g. a sync position).
#include <optional>
#include <string>
#include <string_view>

#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// Named values by key.
class AdapterState {
public:
    virtual ~AdapterState() = default;

    virtual std::optional<std::string> adapter_state(std::string_view key) = 0;
    virtual void set_adapter_state(std::string_view key, std::string_view value, Instant now) = 0;
};

}  // namespace leernetwerk
