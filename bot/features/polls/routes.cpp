// What the polls and evaluations feature handles: its commands, card actions, jobs and
// confirmations (bot/engine/registry.hpp).
#include "bot/engine/registry.hpp"

namespace leernetwerk::detail {

void register_polls(Registry& registry) {
    registry.command({.spec = {"poll",
                               {"peiling", "poll", "nieuwe peiling", "peiling starten",
                                "start peiling", "new poll", "start poll", "stemming"},
                               "peiling",
                               "poll",
                               HelpTopic::polls,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { start_poll(turn, call.args); }});
    registry.command(
        {.spec = {"evaluation",
                  {"evaluatie", "evaluation", "evalueren", "evaluate", "start evaluatie",
                   "start evaluation"},
                  "evaluatie",
                  "evaluation",
                  HelpTopic::polls,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { start_evaluation(turn, call.args); }});
    registry.command(
        {.spec = {"polls",
                  {"peilingen", "polls", "evaluaties", "evaluations", "mijn peilingen"},
                  "peilingen",
                  "polls",
                  HelpTopic::polls},
         .run = [](Turn& turn, CommandCall&) { list_polls(turn); }});
    registry.command(
        {.spec = {"poll_results",
                  {"peiling uitslag", "uitslag peiling", "uitslag", "peiling resultaten",
                   "poll results", "poll result", "results poll", "results"},
                  "peiling uitslag",
                  "poll results",
                  HelpTopic::polls},
         .run = [](Turn& turn, CommandCall& call) { show_poll_results(turn, call.args); }});
    registry.command(
        {.spec = {"poll_close",
                  {"peiling sluiten", "sluit peiling", "peiling stoppen", "poll close",
                   "close poll", "end poll"},
                  "peiling sluiten",
                  "close poll",
                  HelpTopic::polls,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { close_poll_now(turn, call.args); }});
    registry.command({.spec = {"poll_export",
                               {"peiling export", "peiling exporteren", "exporteer peiling",
                                "poll export", "export poll"},
                               "peiling export",
                               "export poll",
                               HelpTopic::polls,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { export_poll(turn, call.args); }});
    registry.command(
        {.spec = {"poll_threshold",
                  {"peiling drempel", "drempel peiling", "poll threshold", "poll minimum"},
                  "peiling drempel",
                  "poll threshold",
                  HelpTopic::polls,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { set_poll_threshold(turn, call.args); }});
    registry.command({.spec = {"poll_answer",
                               {"stem", "antwoord peiling", "peiling antwoord", "vote",
                                "answer poll", "poll answer"},
                               "stem",
                               "vote",
                               HelpTopic::polls},
                      .run = [](Turn& turn, CommandCall& call) { answer_poll(turn, call.args); }});
    registry.action({.prefix = "poll:",
                     .run = [](Turn& turn, const ActionSubmission& action, const ActionArgs&) {
                         poll_click(turn, action);
                     }});
    registry.job({.kind = kPollJob, .run = [](JobContext& job) {
                      return run_poll_job(job.store, job.settings, job.job, job.now)
                                 ? JobEnd::finished
                                 : JobEnd::deferred;
                  }});
}

}  // namespace leernetwerk::detail
