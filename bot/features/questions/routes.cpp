// What the questions to the network feature handles: its commands, card actions, jobs and
// confirmations (bot/engine/registry.hpp).
#include "bot/engine/registry.hpp"

namespace leernetwerk::detail {

void register_questions(Registry& registry) {
    registry.command(
        {.spec = {"ask",
                  {"vraag", "ask", "vraag aan het netwerk", "ask the network", "question"},
                  "vraag",
                  "ask",
                  HelpTopic::questions},
         .run = [](Turn& turn, CommandCall& call) { ask_question(turn, call.args); }});
    registry.command({.spec = {"questions",
                               {"vragen", "questions", "open vragen", "open questions"},
                               "vragen",
                               "questions",
                               HelpTopic::questions},
                      .run = [](Turn& turn, CommandCall&) { list_questions(turn); }});
    registry.command(
        {.spec = {"answer",
                  {"antwoord", "answer", "beantwoord"},
                  "antwoord",
                  "answer",
                  HelpTopic::questions},
         .run = [](Turn& turn, CommandCall& call) { answer_question(turn, call.args); }});
    registry.command({.spec = {"helpful",
                               {"nuttig", "helpful", "dit hielp", "this helped"},
                               "nuttig",
                               "helpful",
                               HelpTopic::questions},
                      .run = [](Turn& turn, CommandCall& call) { mark_helpful(turn, call.args); }});
    registry.command(
        {.spec = {"close_question",
                  {"sluit vraag", "close question"},
                  "sluit vraag",
                  "close question",
                  HelpTopic::questions},
         .run = [](Turn& turn, CommandCall& call) { close_question(turn, call.args); }});
    registry.command(
        {.spec = {"pause", {"pauze", "pause"}, "pauze", "pause", HelpTopic::questions},
         .run = [](Turn& turn, CommandCall& call) { pause_questions(turn, call.args); }});
    registry.command(
        {.spec = {"route_count",
                  {"experts per vraag", "experts per question"},
                  "experts per vraag",
                  "experts per question",
                  HelpTopic::questions,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { set_route_count(turn, call.args); }});
    const auto card = [](Turn& turn, const ActionSubmission& action, const ActionArgs&) {
        if (!question_action(turn, action)) {
            turn.reply_text("action.unknown");
        }
    };
    registry.action({.prefix = "offer:", .run = card});
    registry.action({.prefix = "consent:", .run = card});
    registry.action({.prefix = "helpful:", .run = card});
    registry.confirmation(
        {.kinds = {"question_offer", "question_consent"},
         .answer =
             [](Turn& turn, const PendingAction& pending, bool yes, const std::string& args) {
                 (void)answer_question_prompt(turn, pending, yes, args);
             },
         .expire = expire_question_prompt});
    registry.job({.kind = kQuestionFollowUpJob, .run = [](JobContext& job) {
                      return run_question_follow_up(job.store, job.settings, job.job, job.now) ==
                                     FollowUpOutcome::deferred
                                 ? JobEnd::deferred
                                 : JobEnd::finished;
                  }});
}

}  // namespace leernetwerk::detail
