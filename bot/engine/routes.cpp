// What the engine (help, Ja/Nee, undo, delivery notices) feature handles: its commands, card
// actions, jobs and confirmations (bot/engine/registry.hpp).
#include "bot/engine/delivery_notice.hpp"
#include "bot/engine/registry.hpp"

namespace leernetwerk::detail {

void register_engine(Registry& registry) {
    registry.command({.spec = {"help",
                               {"hulp", "help", "?", "wat kun je", "what can you do"},
                               "hulp",
                               "help",
                               HelpTopic::none},
                      .access = Access::anyone,
                      .run = [](Turn& turn, CommandCall& call) { show_help(turn, call.args); }});
    registry.command({.spec = {"yes",
                               {"ja", "yes", "ja graag", "jazeker", "ok", "oke"},
                               "ja",
                               "yes",
                               HelpTopic::none},
                      .run = [](Turn& turn, CommandCall& call) {
                          route_confirmation(turn, std::nullopt, true, call.args);
                      }});
    registry.command(
        {.spec = {"no", {"nee", "no", "nee dank je", "niet doen"}, "nee", "no", HelpTopic::none},
         .run = [](Turn& turn, CommandCall& call) {
             route_confirmation(turn, std::nullopt, false, call.args);
         }});
    registry.action({.prefix = "confirm:",
                     .numbered = true,
                     .yes_no = true,
                     .run = [](Turn& turn, const ActionSubmission& action, const ActionArgs& args) {
                         route_confirmation(turn, args.id, action.choice_ids.front() == "ja", "");
                     }});
    const auto undoable = [](Turn& turn, const PendingAction& pending, bool yes,
                             const std::string&) { (void)answer_undoable(turn, pending, yes); };
    registry.confirmation({.kinds = {"cancel_meeting"},
                           .answer = undoable,
                           .expired_notice = "confirm.cancel_expired"});
    registry.confirmation({.kinds = {"remove_member"},
                           .answer = undoable,
                           .expired_notice = "confirm.remove_expired"});
    // An undo offer is answered by its button only, and is simply no longer offered later.
    registry.confirmation({.kinds = {"undo_cancel_meeting", "undo_remove_member"},
                           .typed = false,
                           .answer = undoable,
                           .closed_note = "undo.closed_expired"});
    registry.job({.kind = kPendingExpiryJob, .run = [](JobContext& job) {
                      route_expiry(job.store, job.settings, job.job, job.now);
                      return JobEnd::finished;
                  }});
    // A member-list request the platform never answered is answered "failed", as the adapter
    // would: the facilitator hears so and the pending request (with its address) is forgotten.
    registry.job({.kind = kDeliveryNoticeJob,
                  .event_first = given_up_roster_answer,
                  .run = [](JobContext& job) {
                      run_delivery_notice(job.store, job.settings, job.job, job.now);
                      return JobEnd::finished;
                  }});
}

}  // namespace leernetwerk::detail
