// What the participation feature handles: its commands, card actions, jobs and confirmations
// (bot/engine/registry.hpp).
#include "bot/engine/registry.hpp"
#include "bot/features/participation/participation.hpp"
#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::detail {

namespace {

/// In a room the bot reads along: "afwezig 3 Bram" is for the bot, "afwezig morgen" is not.
bool number_first(std::string_view args) { return read_leading_number(args).has_value(); }
/// Nothing, a meeting number or a school year ("2025-2026") after the words.
bool number_or_year(std::string_view args) {
    const auto [first, rest] = first_word(args);
    return args.empty() || read_leading_number(args) || parse_school_year(first);
}
/// `uren`, `uren 2025-2026`, `uren correctie …`.
bool hours_args(std::string_view args) {
    const auto [first, rest] = first_word(args);
    return number_or_year(args) || is_word(fold(first), {"correctie", "correction"});
}

}  // namespace

void register_participation(Registry& registry) {
    const auto topic = HelpTopic::participation;
    registry.command({.spec = {"attendance_list",
                               {"aanwezigheid", "aanwezigheidslijst", "presentielijst",
                                "attendance list", "attendance"},
                               "aanwezigheid",
                               "attendance list",
                               topic,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) {
                          attendance_command(turn, call.args);
                      },
                      .ambient_args = number_or_year});
    registry.command({.spec = {"mark_present",
                               {"aanwezig", "was aanwezig", "present", "mark present"},
                               "aanwezig",
                               "present",
                               topic,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) {
                          mark_attendance(turn, call.args, true);
                      },
                      .ambient_args = number_first});
    registry.command({.spec = {"mark_absent",
                               {"afwezig", "was afwezig", "absent", "mark absent"},
                               "afwezig",
                               "absent",
                               topic,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) {
                          mark_attendance(turn, call.args, false);
                      },
                      .ambient_args = number_first});
    registry.command({.spec = {"i_was_there",
                               {"ik was er", "ik was erbij", "ik was aanwezig", "i was there",
                                "i attended"},
                               "ik was er",
                               "i was there",
                               topic},
                      .run = [](Turn& turn, CommandCall& call) {
                          confirm_own_attendance(turn, call.args);
                      },
                      .ambient_args = number_or_year});
    registry.command({.spec = {"my_hours",
                               {"mijn uren", "mijn professionaliseringsuren", "my hours"},
                               "mijn uren",
                               "my hours",
                               topic},
                      .run = [](Turn& turn, CommandCall& call) { my_hours(turn, call.args); },
                      .ambient_args = number_or_year});
    registry.command({.spec = {"hours",
                               {"uren", "urenoverzicht", "urenregistratie", "hours",
                                "hours ledger"},
                               "uren",
                               "hours",
                               topic,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { hours_ledger(turn, call.args); },
                      .ambient_args = hours_args});
    registry.command({.spec = {"gift_list",
                               {"bedankjes", "cadeaulijst", "cadeaus", "thank yous", "gifts",
                                "gift list"},
                               "bedankjes",
                               "gifts",
                               topic,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { gift_list(turn, call.args); },
                      .ambient_args = number_or_year});
    // Member access: "bedankt!" on its own is thanks to the bot; with a number it is a
    // facilitator marking a gift as given, checked in gift_given.
    registry.command({.spec = {"gift_given",
                               {"bedankt", "cadeau gegeven", "bedankje gegeven", "gift given"},
                               "bedankt",
                               "gift given",
                               topic,
                               true},
                      .run = [](Turn& turn, CommandCall& call) { gift_given(turn, call.args); },
                      .ambient_args = number_first});
    registry.command({.spec = {"close_year",
                               {"jaar afsluiten", "sluit het jaar", "schooljaar afsluiten",
                                "close year", "close the year"},
                               "jaar afsluiten",
                               "close year",
                               topic,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) {
                          close_year_command(turn, call.args);
                      },
                      .ambient_args = number_or_year});
    registry.command({.spec = {"year_overview",
                               {"jaaroverzicht", "jaarverslag", "year overview", "year report"},
                               "jaaroverzicht",
                               "year overview",
                               topic,
                               true},
                      .access = Access::manager,
                      .run = [](Turn& turn, CommandCall& call) { year_overview(turn, call.args); },
                      .ambient_args = number_or_year});
    registry.action({.prefix = "attendance:",
                     .numbered = true,
                     .run = [](Turn& turn, const ActionSubmission& action, const ActionArgs& args) {
                         attendance_card_submitted(turn, action, args.id);
                     }});
    registry.job({.kind = kAttendanceOpenJob, .run = [](JobContext& job) {
                      run_attendance_open(job.store, job.settings, job.job, job.now);
                      return JobEnd::finished;
                  }});
    registry.job({.kind = kAttendanceCloseJob, .run = [](JobContext& job) {
                      run_attendance_close(job.store, job.settings, job.job, job.now);
                      return JobEnd::finished;
                  }});
}

}  // namespace leernetwerk::detail
