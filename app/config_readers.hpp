#pragma once
// Inside the configuration loader: one reader per [section] of the TOML file. Each reads its
// keys into the Config part, checks them, and reports problems through the Section.
#include "app/config.hpp"
#include "app/config_section.hpp"

namespace leernetwerk::app::config_detail {

/// An empty string when `user_id` looks like "@localpart:server", else the problem.
std::string check_user_id(std::string_view user_id);

void read_bot(Section& section, BotConfig& bot);
void read_storage(Section& section, StorageConfig& storage);
void read_log(Section& section, LogConfig& log);
void read_server(Section& section, ServerConfig& server);
void read_teams(Section& section, TeamsConfig& teams);
void read_matrix(Section& section, MatrixConfig& matrix);
void read_polls(Section& section, PollsConfig& polls);
void read_reminders(Section& section, RemindersConfig& reminders);
void read_questions(Section& section, QuestionsConfig& questions);

// config_participation.cpp
void read_hours(Section& section, HoursPolicy& hours);
void read_participation(Section& section, ParticipationSettings& participation);
/// A rule in words for check-config: "fixed: 6 hours for 3 meetings (fewer: none); task hours
/// 5 per prepared meeting, at most 15".
std::string hours_rule_summary(const HoursRule& rule);
/// "matrix:@anne:hsn.nl", as the config writes an account.
std::string platform_user_text(const PlatformUser& user);

}  // namespace leernetwerk::app::config_detail
