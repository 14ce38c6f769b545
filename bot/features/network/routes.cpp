// What the network feature handles: its commands, card actions, jobs and confirmations
// (bot/engine/registry.hpp).
#include "bot/engine/registry.hpp"
#include "bot/features/network/network.hpp"

namespace leernetwerk::detail {

void register_network(Registry& registry) {
    registry.command({.spec = {"members",
                               {"leden", "members", "deelnemers", "wie zijn er"},
                               "leden",
                               "members",
                               HelpTopic::network},
                      .run = [](Turn& turn, CommandCall&) { show_members(turn); }});
    registry.command({.spec = {"expertise",
                               {"expertise", "mijn expertise", "my expertise", "deskundigheid"},
                               "expertise",
                               "expertise",
                               HelpTopic::network},
                      .run = [](Turn& turn, CommandCall& call) { expertise(turn, call.args); }});
    registry.command(
        {.spec = {"language", {"taal", "language", "lang"}, "taal", "language", HelpTopic::network},
         .access = Access::anyone,
         .run = [](Turn& turn, CommandCall& call) { language(turn, call.args); }});
    registry.command({.spec = {"networks",
                               {"netwerken", "networks", "mijn netwerken", "my networks"},
                               "netwerken",
                               "networks",
                               HelpTopic::network},
                      .run = [](Turn& turn, CommandCall&) { list_networks(turn); }});
    registry.command(
        {.spec = {"switch_network",
                  {"netwerk", "network", "kies netwerk", "switch network"},
                  "netwerk",
                  "network",
                  HelpTopic::network},
         .run = [](Turn& turn, CommandCall& call) { switch_network(turn, call.args); }});
    registry.command(
        {.spec = {"create_network",
                  {"netwerk nieuw", "nieuw netwerk", "maak netwerk", "netwerk maken",
                   "netwerk aanmaken", "new network", "create network", "network new"},
                  "nieuw netwerk",
                  "new network",
                  HelpTopic::network},
         .access = Access::organiser,
         .run = [](Turn& turn, CommandCall& call) { create_network(turn, call.args); }});
    registry.command(
        {.spec = {"link_conversation",
                  {"koppel netwerk", "koppel", "netwerk koppelen", "link network", "link"},
                  "koppel netwerk",
                  "link network",
                  HelpTopic::network,
                  true},
         .access = Access::manager,
         .network_from_args = linked_network,
         .refusal = "refuse.link",
         .run = [](Turn& turn, CommandCall&) { link_conversation(turn); }});
    registry.command({.spec = {"add_member",
                               {"lid toevoegen", "voeg lid toe", "nieuw lid", "lid erbij",
                                "add member", "new member"},
                               "lid toevoegen",
                               "add member",
                               HelpTopic::network,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { add_member(turn, call.args); }});
    registry.command({.spec = {"import_members",
                               {"leden importeren", "importeer leden", "leden ophalen",
                                "import members", "members import"},
                               "leden importeren",
                               "import members",
                               HelpTopic::network,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall&) { import_members(turn); }});
    registry.command({.spec = {"join_network",
                               {"doe mee", "meedoen", "ik doe mee", "join network", "join"},
                               "doe mee",
                               "join",
                               HelpTopic::network},
                      .access = Access::anyone,
                      .run = [](Turn& turn, CommandCall&) { join_network(turn); }});
    registry.command(
        {.spec = {"join_policy",
                  {"netwerk toetreden", "toetreden", "network joining", "joining"},
                  "netwerk toetreden",
                  "network joining",
                  HelpTopic::network,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { set_join_policy(turn, call.args); }});
    registry.command(
        {.spec = {"remove_member",
                  {"lid verwijderen", "verwijder lid", "lid weg", "remove member", "delete member"},
                  "lid verwijderen",
                  "remove member",
                  HelpTopic::network,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { remove_member(turn, call.args); }});
    registry.command(
        {.spec = {"link_account",
                  {"koppel account", "account koppelen", "koppel mijn account", "koppel accounts",
                   "link account", "link my account", "link accounts"},
                  "koppel account",
                  "link account",
                  HelpTopic::network},
         .run = [](Turn& turn, CommandCall&) { create_link_code(turn); }});
    registry.command(
        {.spec = {"link_code",
                  {"koppel code", "koppelcode", "link code"},
                  "koppel code",
                  "link code",
                  HelpTopic::network},
         .access = Access::anyone,
         .run = [](Turn& turn, CommandCall& call) { enter_link_code(turn, call.args); }});
    registry.command(
        {.spec = {"unlink_account",
                  {"ontkoppel", "ontkoppel account", "account ontkoppelen", "unlink",
                   "unlink account"},
                  "ontkoppel",
                  "unlink",
                  HelpTopic::network},
         .run = [](Turn& turn, CommandCall& call) { unlink_account(turn, call.args); }});
    registry.command({.spec = {"my_school",
                               {"mijn school", "my school"},
                               "mijn school",
                               "my school",
                               HelpTopic::network},
                      .run = [](Turn& turn, CommandCall& call) { my_school(turn, call.args); }});
    registry.command(
        {.spec = {"member_school",
                  {"lid school", "school van lid", "member school"},
                  "lid school",
                  "member school",
                  HelpTopic::network,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { member_school(turn, call.args); }});
    registry.action({.prefix = "import:",
                     .run = [](Turn& turn, const ActionSubmission& action, const ActionArgs& args) {
                         confirm_import(turn, std::string(args.rest), action.choice_ids);
                     }});
    registry.confirmation(
        {.kinds = {"add_joined", "remove_left"},
         .answer = [](Turn& turn, const PendingAction& pending, bool yes,
                      const std::string&) { (void)membership_change_answered(turn, pending, yes); },
         .expired_notice = "joined.expired"});
}

}  // namespace leernetwerk::detail
