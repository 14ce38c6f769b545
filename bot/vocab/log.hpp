#pragma once
// Logging from the core without tying it to a logging library: the application installs a sink.
// Rule: never a secret, and never the text of a member's message above `debug`.
#include <functional>
#include <string_view>

namespace leernetwerk {

enum class LogLevel { trace, debug, info, warn, error };

using LogSink = std::function<void(LogLevel, std::string_view)>;

/// Installs the sink (the app wires it to spdlog); without one, the core logs nothing.
void set_log_sink(LogSink sink);
/// Writes one line through the installed sink.
void log_line(LogLevel level, std::string_view text);

}  // namespace leernetwerk
