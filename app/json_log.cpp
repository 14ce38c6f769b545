#include "app/json_log.hpp"

#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include <date/date.h>
#include <nlohmann/json.hpp>
#include <spdlog/details/log_msg.h>
#include <spdlog/sinks/base_sink.h>

namespace leernetwerk::app {
namespace {

class JsonStderrSink final : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        const auto level = spdlog::level::to_string_view(msg.level);
        const nlohmann::json line = {
            {"time", date::format("%FT%TZ", std::chrono::floor<std::chrono::milliseconds>(msg.time))},
            {"level", std::string(level.data(), level.size())},
            {"logger", std::string(msg.logger_name.data(), msg.logger_name.size())},
            {"message", std::string(msg.payload.data(), msg.payload.size())}};
        const auto text =
            line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        std::fwrite(text.data(), 1, text.size(), stderr);
    }
    void flush_() override { std::fflush(stderr); }
};

}  // namespace

std::shared_ptr<spdlog::sinks::sink> json_stderr_sink() {
    return std::make_shared<JsonStderrSink>();
}

}  // namespace leernetwerk::app
