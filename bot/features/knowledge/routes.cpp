// What the knowledge base feature handles: its commands, card actions, jobs and confirmations
// (bot/engine/registry.hpp).
#include "bot/engine/registry.hpp"

namespace leernetwerk::detail {

void register_knowledge(Registry& registry) {
    registry.command(
        {.spec = {"search",
                  {"zoek", "zoeken", "zoek op", "search", "find", "wat weten we over",
                   "what do we know about"},
                  "zoek",
                  "search",
                  HelpTopic::knowledge},
         .run = [](Turn& turn, CommandCall& call) { search_knowledge(turn, call.args); }});
    registry.command(
        {.spec = {"knowledge",
                  {"kennis", "kennisbank", "knowledge", "knowledge base"},
                  "kennis",
                  "knowledge",
                  HelpTopic::knowledge},
         .run = [](Turn& turn, CommandCall& call) { show_knowledge(turn, call.args); }});
    registry.command({.spec = {"my_knowledge",
                               {"mijn kennis", "my knowledge"},
                               "mijn kennis",
                               "my knowledge",
                               HelpTopic::knowledge},
                      .run = [](Turn& turn, CommandCall&) { my_knowledge(turn); }});
    registry.command(
        {.spec = {"knowledge_withdraw",
                  {"kennis intrekken", "kennis trek in", "knowledge withdraw",
                   "withdraw knowledge"},
                  "kennis intrekken",
                  "knowledge withdraw",
                  HelpTopic::knowledge},
         .run = [](Turn& turn, CommandCall& call) { withdraw_knowledge(turn, call.args); }});
    registry.command(
        {.spec = {"knowledge_note",
                  {"kennis notitie", "kennis verslag", "knowledge note", "knowledge notes"},
                  "kennis notitie",
                  "knowledge note",
                  HelpTopic::knowledge,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) {
             add_knowledge(turn, KnowledgeKind::note, call.args);
         }});
    registry.command(
        {.spec = {"knowledge_resource",
                  {"kennis bron", "kennis link", "knowledge resource", "knowledge link"},
                  "kennis bron",
                  "knowledge resource",
                  HelpTopic::knowledge,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) {
             add_knowledge(turn, KnowledgeKind::resource, call.args);
         }});
    registry.command(
        {.spec = {"knowledge_edit",
                  {"kennis wijzig", "kennis wijzigen", "kennis bewerk", "kennis bewerken",
                   "knowledge edit"},
                  "kennis wijzig",
                  "knowledge edit",
                  HelpTopic::knowledge,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { edit_knowledge(turn, call.args); }});
    registry.command({.spec = {"knowledge_retire",
                               {"kennis archiveer", "kennis archiveren", "knowledge retire",
                                "knowledge archive"},
                               "kennis archiveer",
                               "knowledge archive",
                               HelpTopic::knowledge,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) {
                          set_knowledge_status(turn, call.args, true);
                      }});
    registry.command({.spec = {"knowledge_restore",
                               {"kennis herstel", "kennis herstellen", "kennis terugzetten",
                                "knowledge restore"},
                               "kennis herstel",
                               "knowledge restore",
                               HelpTopic::knowledge,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) {
                          set_knowledge_status(turn, call.args, false);
                      }});
    registry.command(
        {.spec = {"knowledge_share",
                  {"kennis deel", "kennis delen", "knowledge share"},
                  "kennis deel",
                  "knowledge share",
                  HelpTopic::knowledge,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { share_knowledge(turn, call.args); }});
    registry.command(
        {.spec = {"knowledge_export",
                  {"kennis export", "kennis exporteer", "kennis exporteren", "knowledge export"},
                  "kennis export",
                  "knowledge export",
                  HelpTopic::knowledge,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall&) { export_knowledge(turn); }});
    registry.command({.spec = {"harvest",
                               {"oogst", "oogstdocument", "harvest"},
                               "oogst",
                               "harvest",
                               HelpTopic::knowledge,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { harvest(turn, call.args); }});
    registry.command(
        {.spec = {"central_question",
                  {"centrale vraag", "central question"},
                  "centrale vraag",
                  "central question",
                  HelpTopic::network,
                  true},
         .access_with_args = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { network_aim(turn, false, call.args); }});
    registry.command(
        {.spec = {"ambition",
                  {"ambitie", "gezamenlijke ambitie", "ambition", "shared ambition"},
                  "ambitie",
                  "ambition",
                  HelpTopic::network,
                  true},
         .access_with_args = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { network_aim(turn, true, call.args); }});
    registry.action({.prefix = "withdraw:",
                     .numbered = true,
                     .one_choice = true,
                     .run = [](Turn& turn, const ActionSubmission& action, const ActionArgs& args) {
                         withdraw_knowledge_click(turn, args.id, action.choice_ids.front());
                     }});
}

}  // namespace leernetwerk::detail
