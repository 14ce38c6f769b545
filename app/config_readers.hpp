#pragma once
// Inside the configuration loader: one reader per [section] of the TOML file. Each reads its
// keys into the Config part, checks them, and reports problems through the Section.
#include "app/config.hpp"
#include "app/config_section.hpp"

namespace leernetwerk::app::config_detail {

void read_bot(Section& section, BotConfig& bot);
void read_storage(Section& section, StorageConfig& storage);
void read_log(Section& section, LogConfig& log);
void read_server(Section& section, ServerConfig& server);
void read_teams(Section& section, TeamsConfig& teams);
void read_matrix(Section& section, MatrixConfig& matrix);
void read_polls(Section& section, PollsConfig& polls);
void read_reminders(Section& section, RemindersConfig& reminders);
void read_questions(Section& section, QuestionsConfig& questions);

}  // namespace leernetwerk::app::config_detail
