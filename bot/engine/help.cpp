// `hulp`: an overview that fits a phone, a topic's commands, one command's help.
#include <algorithm>
#include <set>

#include "bot/engine/registry.hpp"
#include "bot/engine/turn.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::detail {

// ---- simple commands ---------------------------------------------------------------------------

/// The commands of one help topic for the sender: everyone's, then (for organisers and
/// facilitators) the ones that run the network.
namespace {

void show_help_topic(Turn& turn, HelpTopic topic, bool manager) {
    const std::string word{help_topic_word(topic, turn.lang)};
    std::string text = turn.t("help.topic." + std::string(help_topic_word(topic, Lang::en))) + "\n";
    for (const auto& spec : command_specs()) {
        if (spec.topic == topic && !spec.manage && spec.key != "create_network") {
            text += "- " + turn.t("cmd." + std::string(spec.key)) + "\n";
        }
    }
    if (manager) {
        text += "\n" + turn.t("help.managers") + "\n";
        for (const auto& spec : command_specs()) {
            if (spec.topic == topic &&
                (spec.manage || spec.key == "create_network")) {
                text += "- " + turn.t("cmd." + std::string(spec.key)) + "\n";
            }
        }
        if (topic == HelpTopic::meetings) {
            // Everyone sees the café weeks; setting them is for those who run the network.
            text += "- " + turn.t("help.managers_cafe_weeks") + "\n";
        }
    }
    text += "\n" + turn.t("help.more");
    turn.reply(TextContent{text, {}});
}

}  // namespace

void show_help(Turn& turn, const std::string& args) {
    std::optional<Network> network;
    if (turn.me) {
        network = turn.current_network();
    }
    const bool manager = network ? turn.manages(network->id) : turn.manages_any();
    if (!trim(args).empty()) {
        if (const auto topic = parse_help_topic(args)) {
            show_help_topic(turn, *topic, manager);
            return;
        }
        if (auto parsed = parse_command(args)) {
            const auto& spec = command_spec(parsed->key);
            turn.reply_text("help." + std::string(spec.key));
            return;
        }
    }
    // Help about something it does not know: said so, before the overview.
    const std::string unknown =
        trim(args).empty() ? std::string()
                           : turn.t("help.unknown_topic", {{"typed", std::string(trim(args))}}) + "\n\n";
    // An overview that fits a phone: per topic the commands everyone uses, and where to read on.
    std::string text =
        unknown + turn.t(turn.me ? "help.intro" : "help.intro_stranger",
                         {{"name", turn.me ? turn.me->display_name : turn.event.sender.display_name}});
    text += "\n\n" + turn.t("help.everyone") + "\n";
    for (const auto topic : help_topics()) {
        std::string phrases;
        for (const auto& spec : command_specs()) {
            if (spec.topic == topic && !spec.manage &&
                spec.key != "create_network") {
                phrases +=
                    (phrases.empty() ? "**" : ", **") +
                    escape_markdown(turn.lang == Lang::nl ? spec.phrase_nl : spec.phrase_en) + "**";
            }
        }
        const std::string word{help_topic_word(topic, turn.lang)};
        text += "- " + turn.t("help.topic." + std::string(help_topic_word(topic, Lang::en))) +
                ": " + phrases + " — " + turn.t("help.topic_more", {{"word", word}}) + "\n";
    }
    if (manager) {
        text += "\n" + turn.t("help.managers_topics") + "\n";
    }
    text += "\n" + turn.t("help.more");
    turn.reply(TextContent{text, {}});
}

/// " · Teams, Matrix" for a member's list line: where they are linked. For those who run the
/// network also a warning when the bot never reached them: no account on Teams or Matrix yet, or
/// the platform refused the last private message (Store::latest_direct_delivery), with what to do.

}  // namespace leernetwerk::detail
