#pragma once
// `[log] format = "json"`: one JSON object per line on standard error, for journald or a log
// collector: {"time":"2026-12-07T05:30:00.123Z","level":"warn","logger":"leernetwerk",
// "message":"…"}. Invalid UTF-8 in a message is replaced, never passed on.
#include <memory>

#include <spdlog/sinks/sink.h>

namespace leernetwerk::app {

std::shared_ptr<spdlog::sinks::sink> json_stderr_sink();

}  // namespace leernetwerk::app
