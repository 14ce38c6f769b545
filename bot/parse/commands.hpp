#pragma once
// Reading commands from chat text: Dutch words first, English aliases, tolerant of case, accents,
// extra spaces and a leading @mention of the bot.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/i18n/lang.hpp"
#include "bot/vocab/model.hpp"

namespace leernetwerk {

/// The subjects `hulp` groups the commands in, so that it fits a phone screen.
enum class HelpTopic { meetings, agenda, polls, questions, knowledge, participation, network, none };

/// How a command is typed and where `hulp` lists it. Features register theirs
/// (bot/engine/registry.hpp); the key names the command everywhere.
struct CommandSpec {
    std::string_view key;  ///< catalogue key stem: "cmd.<key>" (syntax) and "help.<key>"
    std::vector<std::string_view> phrases;  ///< folded; the first Dutch and first English are shown
    std::string_view phrase_nl;
    std::string_view phrase_en;
    HelpTopic topic = HelpTopic::none;
    /// `hulp` lists it under "for those who run the network".
    bool manage = false;
};

struct ParsedCommand {
    std::string_view key;  ///< CommandSpec::key
    std::string args;      ///< what followed the command words, as typed (spaces collapsed)
};

/// Every topic that help lists, in order.
const std::vector<HelpTopic>& help_topics();
/// The word that names a topic after "hulp" ("bijeenkomsten" / "meetings").
std::string_view help_topic_word(HelpTopic topic, Lang lang);
/// The topic typed after "hulp" ("agenda", "Peilingen", "questions"), if it names one.
std::optional<HelpTopic> parse_help_topic(std::string_view text);

/// Every command the bot knows, in the order help lists them (the registry's, engine/router.cpp).
const std::vector<CommandSpec>& command_specs();
/// The command registered under `key`; std::logic_error for a key nobody registered.
const CommandSpec& command_spec(std::string_view key);

/// Removes a leading @mention of the bot ("@Leernetwerk bot hulp" -> "hulp"; "@bot hulp" ->
/// "hulp").
std::string strip_mention(std::string_view text, std::string_view bot_name);

/// The command at the start of `text` (longest phrase wins), or nullopt.
std::optional<ParsedCommand> parse_command(std::string_view text);

/// The command phrase closest to what was typed, in `lang`, when it is close enough to suggest.
std::optional<std::string> suggest_command(std::string_view text, Lang lang);

/// Reads a role as typed: "deelnemer", "organisator", "procesbegeleider", "workshopleider",
/// "deskundige", "gast" and the English words.
std::optional<Role> parse_role_word(std::string_view word);

}  // namespace leernetwerk
