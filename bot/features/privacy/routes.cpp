// What the privacy feature handles: its commands, card actions, jobs and confirmations
// (bot/engine/registry.hpp).
#include "bot/engine/registry.hpp"

namespace leernetwerk::detail {

void register_privacy(Registry& registry) {
    registry.command({.spec = {"my_data",
                               {"mijn gegevens", "wat bewaar je", "wat weet je van mij", "gegevens",
                                "privacy", "my data", "what do you store", "what do you keep"},
                               "mijn gegevens",
                               "my data",
                               HelpTopic::network},
                      .access = Access::anyone,
                      .run = [](Turn& turn, CommandCall& call) { show_my_data(turn, call.args); }});
    registry.command(
        {.spec = {"forget_me",
                  {"vergeet mij", "vergeet me", "wis mijn gegevens", "verwijder mijn gegevens",
                   "forget me", "delete my data", "erase my data"},
                  "vergeet mij",
                  "forget me",
                  HelpTopic::network},
         .access = Access::anyone,
         .run = [](Turn& turn, CommandCall&) { forget_me(turn); }});
    registry.confirmation(
        {.kinds = {"forget_me"},
         .answer = [](Turn& turn, const PendingAction& pending, bool yes,
                      const std::string&) { answer_forget_me(turn, pending, yes); },
         .expired_notice = "forget.expired"});
}

}  // namespace leernetwerk::detail
