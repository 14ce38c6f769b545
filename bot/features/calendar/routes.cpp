// What the calendar feed feature handles: its commands, card actions, jobs and confirmations
// (bot/engine/registry.hpp).
#include "bot/engine/registry.hpp"

namespace leernetwerk::detail {

void register_calendar(Registry& registry) {
    registry.command(
        {.spec = {"calendar_link",
                  {"agenda-link", "agenda link", "agendalink", "agenda-abonnement",
                   "agenda abonnement", "calendar link", "calendar-link", "calendar feed",
                   "calendar subscription"},
                  "agenda-link",
                  "calendar link",
                  HelpTopic::meetings},
         .run = [](Turn& turn, CommandCall&) { calendar_link(turn, CalendarLink::network); }});
    registry.command(
        {.spec = {"calendar_link_renew",
                  {"agenda-link vernieuwen", "agenda link vernieuwen", "agendalink vernieuwen",
                   "agenda-link nieuw", "agenda link nieuw", "vernieuw agenda-link",
                   "vernieuw agenda link", "nieuwe agenda-link", "nieuwe agenda link",
                   "calendar link renew", "calendar-link renew", "renew calendar link",
                   "new calendar link", "calendar link new"},
                  "agenda-link vernieuwen",
                  "calendar link renew",
                  HelpTopic::meetings,
                  true},
         .access = Access::manager,
         .run = [](Turn& turn, CommandCall&) { calendar_link(turn, CalendarLink::renew); }});
    registry.command(
        {.spec = {"calendar_link_personal",
                  {"agenda-link persoonlijk", "agenda link persoonlijk", "agendalink persoonlijk",
                   "persoonlijke agenda-link", "persoonlijke agenda link", "mijn agenda-link",
                   "mijn agenda link", "calendar link personal", "calendar-link personal",
                   "personal calendar link", "my calendar link"},
                  "agenda-link persoonlijk",
                  "calendar link personal",
                  HelpTopic::meetings},
         .run = [](Turn& turn, CommandCall&) { calendar_link(turn, CalendarLink::personal); }});
}

}  // namespace leernetwerk::detail
