// What the reminders and RSVPs feature handles: its commands, card actions, jobs and confirmations
// (bot/engine/registry.hpp).
#include "bot/engine/registry.hpp"

namespace leernetwerk::detail {

void register_reminders(Registry& registry) {
    registry.command(
        {.spec = {"rsvp_yes",
                  {"ik kom", "ik ben erbij", "ik kom ook", "ik ben er", "aanmelden", "i'm coming",
                   "im coming", "i am coming", "i will come", "i'll be there", "attending"},
                  "ik kom",
                  "i'm coming",
                  HelpTopic::meetings},
         .run = [](Turn& turn, CommandCall& call) { rsvp(turn, true, call.args); }});
    registry.command({.spec = {"rsvp_no",
                               {"ik kan niet", "ik kom niet", "ik ben verhinderd", "verhinderd",
                                "afmelden", "ik ben er niet", "i can't come", "i cant come",
                                "i cannot come", "can't come", "not coming", "i'm not coming"},
                               "ik kan niet",
                               "i can't come",
                               HelpTopic::meetings},
                      .run = [](Turn& turn, CommandCall& call) { rsvp(turn, false, call.args); }});
    registry.command(
        {.spec = {"attendance",
                  {"wie komt", "wie komen er", "wie komt er", "aanmeldingen", "afmeldingen",
                   "who's coming", "whos coming", "who is coming", "who comes", "who will come",
                   "attendance"},
                  "wie komt",
                  "who's coming",
                  HelpTopic::meetings},
         .run = [](Turn& turn, CommandCall& call) { show_attendance(turn, call.args); }});
    registry.command({.spec = {"reminders",
                               {"herinneringen", "reminders", "mijn herinneringen"},
                               "herinneringen",
                               "reminders",
                               HelpTopic::meetings},
                      .run = [](Turn& turn, CommandCall&) { show_reminders(turn); }});
    registry.command(
        {.spec = {"edit_reminder",
                  {"herinnering", "reminder"},
                  "herinnering",
                  "reminder",
                  HelpTopic::meetings,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { edit_reminder(turn, call.args); }});
    registry.action({.prefix = "rsvp:",
                     .numbered = true,
                     .yes_no = true,
                     .run = [](Turn& turn, const ActionSubmission& action, const ActionArgs& args) {
                         rsvp_click(turn, args.id, action.choice_ids.front() == "ja");
                     }});
    registry.job({.kind = kReminderJob, .run = [](JobContext& job) {
                      const auto outcome = run_reminder(job.store, job.settings, job.job, job.now);
                      switch (outcome) {
                          case ReminderOutcome::sent:
                              ++job.counts.reminders_sent;
                              break;
                          case ReminderOutcome::dropped:
                              ++job.counts.reminders_dropped;
                              break;
                          case ReminderOutcome::skipped:
                              ++job.counts.reminders_skipped;
                              break;
                          case ReminderOutcome::deferred:
                              ++job.counts.reminders_deferred;
                              break;
                      }
                      return outcome == ReminderOutcome::deferred ? JobEnd::deferred
                                                                  : JobEnd::finished;
                  }});
}

}  // namespace leernetwerk::detail
