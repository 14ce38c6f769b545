// What the meetings feature handles: its commands, card actions, jobs and confirmations
// (bot/engine/registry.hpp).
#include "bot/engine/registry.hpp"
#include "bot/features/meetings/meetings.hpp"

namespace leernetwerk::detail {

void register_meetings(Registry& registry) {
    registry.command({.spec = {"meetings",
                               {"bijeenkomsten", "meetings", "planning"},
                               "bijeenkomsten",
                               "meetings",
                               HelpTopic::meetings},
                      .run = [](Turn& turn, CommandCall&) { show_meetings(turn); }});
    registry.command({.spec = {"next_meeting",
                               {"volgende", "volgende bijeenkomst", "wanneer is de volgende",
                                "next", "next meeting", "when is the next"},
                               "volgende",
                               "next meeting",
                               HelpTopic::meetings},
                      .run = [](Turn& turn, CommandCall&) { show_next_meeting(turn); },
                      .no_args = true});
    registry.command({.spec = {"plan_meeting",
                               {"plan bijeenkomst", "bijeenkomst plannen", "nieuwe bijeenkomst",
                                "bijeenkomst toevoegen", "plan meeting", "schedule meeting",
                                "new meeting", "add meeting"},
                               "plan bijeenkomst",
                               "plan meeting",
                               HelpTopic::meetings,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { plan_meeting(turn, call.args); }});
    registry.command({.spec = {"move_meeting",
                               {"verplaats bijeenkomst", "bijeenkomst verplaatsen",
                                "verzet bijeenkomst", "move meeting", "reschedule meeting"},
                               "verplaats bijeenkomst",
                               "move meeting",
                               HelpTopic::meetings,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { move_meeting(turn, call.args); }});
    registry.command(
        {.spec = {"cancel_meeting",
                  {"annuleer bijeenkomst", "bijeenkomst annuleren", "schrap bijeenkomst",
                   "cancel meeting"},
                  "annuleer bijeenkomst",
                  "cancel meeting",
                  HelpTopic::meetings,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { cancel_meeting(turn, call.args); }});
    registry.command(
        {.spec = {"cafe_weeks",
                  {"cafeweken", "cafe weken", "cafeweek", "cafe week", "cafe weeks", "cafeweeks"},
                  "caféweken",
                  "café weeks",
                  HelpTopic::meetings},
         .run = [](Turn& turn, CommandCall& call) { cafe_weeks(turn, call.args); }});
    const auto form = [](Turn& turn, const ActionSubmission& action, const ActionArgs&) {
        plan_meeting_form(turn, action);
    };
    registry.action({.prefix = "form:plan_meeting",
                     .exact = true,
                     .access = Access::manager,
                     .command = "plan_meeting",
                     .run = form});
    registry.action({.prefix = "form:plan_meeting:",
                     .access = Access::manager,
                     .command = "plan_meeting",
                     .run = form});
    const auto draft = [](Turn& turn, const PendingAction& pending, bool yes, const std::string&) {
        answer_meeting_draft(turn, pending, yes);
    };
    registry.confirmation(
        {.kinds = {"plan_meeting"}, .answer = draft, .expired_notice = "confirm.plan_expired"});
    registry.confirmation(
        {.kinds = {"move_meeting"}, .answer = draft, .expired_notice = "confirm.move_expired"});
    // The plan form: only sent back, never answered by typing; closed when it expires.
    registry.confirmation({.kinds = {"plan_meeting_form"}, .typed = false, .answer = draft});
}

}  // namespace leernetwerk::detail
