// What the agenda feature handles: its commands, card actions, jobs and confirmations
// (bot/engine/registry.hpp).
#include "bot/engine/registry.hpp"
#include "bot/features/agenda/agenda_flows.hpp"

namespace leernetwerk::detail {

void register_agenda(Registry& registry) {
    registry.command(
        {.spec = {"agenda_item",
                  {"agendapunt", "agenda punt", "nieuw agendapunt", "agendapunt toevoegen",
                   "agenda item", "agenda-item", "new agenda item", "add agenda item"},
                  "agendapunt",
                  "agenda item",
                  HelpTopic::agenda},
         .run = [](Turn& turn, CommandCall& call) { submit_agenda_item(turn, call.args); }});
    registry.command({.spec = {"agenda",
                               {"agenda", "de agenda", "the agenda"},
                               "agenda",
                               "agenda",
                               HelpTopic::agenda},
                      .run = [](Turn& turn, CommandCall& call) { show_agenda(turn, call.args); }});
    registry.command(
        {.spec = {"dots", {"stip", "stippen", "dot", "dots"}, "stip", "dots", HelpTopic::agenda},
         .run = [](Turn& turn, CommandCall& call) { place_dots(turn, call.args); }});
    registry.command(
        {.spec = {"agenda_accept",
                  {"agenda accepteer", "agenda accepteren", "agenda akkoord", "agenda accept"},
                  "agenda accepteer",
                  "agenda accept",
                  HelpTopic::agenda,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) {
             set_status(turn, call.args, AgendaStatus::accepted);
         }});
    registry.command({.spec = {"agenda_park",
                               {"agenda parkeer", "agenda parkeren", "agenda park"},
                               "agenda parkeer",
                               "agenda park",
                               HelpTopic::agenda,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) {
                          set_status(turn, call.args, AgendaStatus::parked);
                      }});
    registry.command({.spec = {"agenda_merge",
                               {"agenda samenvoegen", "agenda voeg samen", "agenda merge"},
                               "agenda samenvoegen",
                               "agenda merge",
                               HelpTopic::agenda,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { merge_items(turn, call.args); }});
    registry.command({.spec = {"agenda_order",
                               {"agenda volgorde", "agenda order", "agenda reorder"},
                               "agenda volgorde",
                               "agenda order",
                               HelpTopic::agenda,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { reorder_item(turn, call.args); }});
    registry.command({.spec = {"agenda_edit",
                               {"agenda wijzig", "agenda wijzigen", "agenda edit", "agenda change"},
                               "agenda wijzig",
                               "agenda edit",
                               HelpTopic::agenda,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { edit_item(turn, call.args); }});
    registry.command({.spec = {"agenda_move",
                               {"agenda verplaats", "agenda verplaatsen", "agenda move"},
                               "agenda verplaats",
                               "agenda move",
                               HelpTopic::agenda,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { move_item(turn, call.args); }});
    registry.command(
        {.spec = {"agenda_remove",
                  {"agenda verwijder", "agenda verwijderen", "agenda remove", "agenda delete"},
                  "agenda verwijder",
                  "agenda remove",
                  HelpTopic::agenda,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { remove_item(turn, call.args); }});
    registry.command({.spec = {"agenda_vote_open",
                               {"agenda stemmen", "agenda stemming", "agenda stippenstemming",
                                "agenda vote", "agenda voting", "agenda dot vote"},
                               "agenda stemmen",
                               "agenda vote",
                               HelpTopic::agenda,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { open_round(turn, call.args); }});
    registry.command(
        {.spec = {"agenda_vote_close",
                  {"agenda stemmen sluiten", "agenda stemming sluiten", "agenda stemmen dicht",
                   "agenda sluit stemming", "agenda vote close", "agenda close vote",
                   "agenda close voting", "agenda voting close", "agenda end vote"},
                  "agenda stemmen sluiten",
                  "agenda vote close",
                  HelpTopic::agenda,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall&) { close_vote(turn); }});
    registry.command(
        {.spec = {"agenda_tally",
                  {"agenda stand", "agenda tussenstand", "agenda tally", "agenda stemmen stand",
                   "agenda vote tally"},
                  "agenda stand",
                  "agenda tally",
                  HelpTopic::agenda,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { show_tally(turn, *call.network); }});
    registry.action({.prefix = "form:agenda_item",
                     .exact = true,
                     .run = [](Turn& turn, const ActionSubmission& action, const ActionArgs&) {
                         submit_agenda_form(turn, action);
                     }});
    registry.job({.kind = kAgendaRoundJob, .run = [](JobContext& job) {
                      close_agenda_round_job(job.store, job.settings, job.job, job.now);
                      return JobEnd::finished;
                  }});
}

}  // namespace leernetwerk::detail
