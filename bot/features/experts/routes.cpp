// What the external experts feature handles: its commands, card actions, jobs and confirmations
// (bot/engine/registry.hpp).
#include "bot/engine/registry.hpp"
#include "bot/features/experts/experts.hpp"

namespace leernetwerk::detail {

namespace {

void register_commands(Registry& registry) {
    registry.command(
        {.spec = {"expert_request",
                  {"externe deskundige", "expert aanvragen", "deskundige aanvragen",
                   "external expert", "request expert", "request an expert"},
                  "externe deskundige",
                  "external expert",
                  HelpTopic::participation,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall& call) { request_expert(turn, call.args); }});
    // For who runs a network, and for the advisers (who need not be in any network): each
    // handler checks which of the two the sender is.
    registry.command(
        {.spec = {"expert_requests",
                  {"deskundigen", "experts", "expert requests"},
                  "deskundigen",
                  "experts",
                  HelpTopic::participation,
                  true},
         .run = [](Turn& turn, CommandCall& call) { list_expert_requests(turn, call.args); }});
    registry.command(
        {.spec = {"expert",
                  {"deskundige", "expert", "expert request"},
                  "deskundige",
                  "expert",
                  HelpTopic::participation,
                  true},
         .run = [](Turn& turn, CommandCall& call) { expert_command(turn, call.args); }});
}

void register_cards(Registry& registry) {
    const auto form = [](Turn& turn, const ActionSubmission& action, const ActionArgs&) {
        request_expert_form(turn, action);
    };
    registry.action({.prefix = "form:expert_request:",
                     .access = Access::manager,
                     .command = "expert_request",
                     .run = form});
    // The adviser's card: any member may click, the handler refuses who is no adviser.
    registry.action({.prefix = "expert:",
                     .numbered = true,
                     .one_choice = true,
                     .run = [](Turn& turn, const ActionSubmission& action, const ActionArgs& args) {
                         expert_card_click(turn, action, args.id);
                     }});
    registry.action({.prefix = "form:expert_reason:",
                     .run = [](Turn& turn, const ActionSubmission& action, const ActionArgs&) {
                         expert_reason_form(turn, action);
                     }});
    // The forms are only sent back, never answered by a typed ja/nee; closed when they expire.
    const auto not_typed = [](Turn& turn, const PendingAction& pending, bool, const std::string&) {
        close_form(turn, pending, turn.t("confirm.closed_gone"));
        turn.reply_text("confirm.gone");
    };
    registry.confirmation({.kinds = {kExpertFormKind}, .typed = false, .answer = not_typed});
    registry.confirmation({.kinds = {kExpertReasonKind},
                           .typed = false,
                           .answer = not_typed,
                           .expired_notice = "expert.reason_expired"});
}

}  // namespace

void register_experts(Registry& registry) {
    register_commands(registry);
    register_cards(registry);
}

}  // namespace leernetwerk::detail
