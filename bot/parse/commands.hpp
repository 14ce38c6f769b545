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

enum class CommandId {
    help,
    meetings,
    members,
    expertise,
    language,
    networks,
    switch_network,
    create_network,
    link_conversation,
    add_member,
    import_members,
    join_network,
    join_policy,
    remove_member,
    plan_meeting,
    move_meeting,
    cancel_meeting,
    cafe_weeks,
    rsvp_yes,
    rsvp_no,
    attendance,
    reminders,
    edit_reminder,
    my_data,
    forget_me,
    agenda_item,
    agenda,
    dots,
    agenda_accept,
    agenda_park,
    agenda_merge,
    agenda_order,
    agenda_edit,
    agenda_move,
    agenda_remove,
    agenda_vote_open,
    agenda_vote_close,
    agenda_tally,
    poll,
    evaluation,
    polls,
    poll_results,
    poll_close,
    poll_export,
    poll_threshold,
    poll_answer,
    yes,
    no,
    // knowledge base (knowledge_flows.cpp)
    search,
    knowledge,
    my_knowledge,
    knowledge_withdraw,
    knowledge_note,
    knowledge_resource,
    knowledge_edit,
    knowledge_retire,
    knowledge_restore,
    knowledge_share,
    knowledge_export,
    harvest,
    central_question,
    ambition,
    ask,
    questions,
    answer,
    helpful,
    close_question,
    pause,
    route_count,
    // one person, several accounts; schools (account_flows.cpp)
    link_account,
    link_code,
    unlink_account,
    member_school,
    my_school,
    // calendar feeds (calendar_flows.cpp)
    calendar_link,
    calendar_link_renew,
    calendar_link_personal,
};

/// How a command is typed and who may use it.
struct CommandSpec {
    CommandId id;
    std::string_view key;  ///< catalogue key stem: "cmd.<key>" (syntax) and "help.<key>"
    std::vector<std::string_view> phrases;  ///< folded; the first Dutch and first English are shown
    std::string_view phrase_nl;
    std::string_view phrase_en;
    bool manage = false;  ///< only organisers and facilitators
};

struct ParsedCommand {
    CommandId id;
    std::string args;  ///< what followed the command words, as typed (spaces collapsed)
};

/// The subjects `hulp` groups the commands in, so that it fits a phone screen.
enum class HelpTopic { meetings, agenda, polls, questions, knowledge, network, none };

/// Every topic that help lists, in order.
const std::vector<HelpTopic>& help_topics();
/// Which topic a command is listed under (none: yes, no and help itself).
HelpTopic help_topic(CommandId id);
/// The word that names a topic after "hulp" ("bijeenkomsten" / "meetings").
std::string_view help_topic_word(HelpTopic topic, Lang lang);
/// The topic typed after "hulp" ("agenda", "Peilingen", "questions"), if it names one.
std::optional<HelpTopic> parse_help_topic(std::string_view text);

/// Every command the bot knows, in the order help lists them.
const std::vector<CommandSpec>& command_specs();
const CommandSpec& command_spec(CommandId id);

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
