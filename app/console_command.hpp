#pragma once
// `leernetwerk console`: chat with the bot in this terminal.
#include <string>

#include "app/config.hpp"

namespace leernetwerk::app {

/// Runs the console on --db, the demo database for --demo (seeded, speaking as its facilitator)
/// or [storage] path, its clock starting at --now (local time) or now; the exit code.
int run_console(const Config& config, bool demo, const std::string& db_override,
                const std::string& now_text);

}  // namespace leernetwerk::app
