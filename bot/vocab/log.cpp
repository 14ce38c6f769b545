#include "bot/vocab/log.hpp"

#include <utility>

namespace leernetwerk {
namespace {
LogSink& sink() {
    static LogSink installed;
    return installed;
}
}  // namespace

void set_log_sink(LogSink new_sink) {
    sink() = std::move(new_sink);
}

void log_line(LogLevel level, std::string_view text) {
    if (const auto& current = sink()) {
        current(level, text);
    }
}

}  // namespace leernetwerk
