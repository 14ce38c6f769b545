#pragma once
// What each feature handles, registered in one place per feature (bot/features/<name>/routes.cpp):
// its commands (phrases in both languages, who may use them, the handler), the card actions it
// answers, the scheduler jobs it runs and the Ja/Nee confirmations it asks. The router (router.cpp)
// reads these registrations: it checks the permission once, before a handler runs, so a handler
// never asks again who is speaking.
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/engine/turn.hpp"
#include "bot/parse/commands.hpp"

namespace leernetwerk::detail {

/// Who may use a command.
enum class Access {
    anyone,  ///< strangers too: help, language, privacy, joining, a link code
    member,  ///< anyone the bot knows as a member
    manager,  ///< organisers and facilitators of the network the command is about; the router
              ///< hands the handler that network (`CommandCall::network`)
    organiser,  ///< someone who runs at least one network; on a fresh installation with no
                ///< network yet, anyone (the first network is created this way)
};

/// One command being run: what followed its words, and for Access::manager the network the
/// sender runs and the command is about.
struct CommandCall {
    const CommandSpec& spec;
    std::string args;
    std::optional<Network> network;
};

struct CommandRoute {
    CommandSpec spec;
    Access access = Access::member;
    /// When what follows the words makes it a change (`ambitie <tekst>` sets what `ambitie`
    /// shows): who may make it. nullopt: the same as `access`.
    std::optional<Access> access_with_args;
    /// For Access::manager, when the network is named in the arguments rather than taken from
    /// the conversation (`koppel netwerk <naam>`): finds it, or replies why not and gives nullopt.
    std::function<std::optional<Network>(Turn&, const std::string& args)> network_from_args;
    /// The refusal for someone who may not, when not the general one ("only organisers and
    /// facilitators of {network} can use {command}"); it gets {network}.
    std::string_view refusal;
    std::function<void(Turn&, CommandCall&)> run;
    /// It takes nothing after its words: where the bot reads along with a group's conversation,
    /// text that goes on after them ("volgende week ben ik er niet") is members talking.
    bool no_args = false;
    /// Like no_args, for a command that takes arguments: where the bot reads along with a
    /// group's conversation, it is for the bot only when this accepts what follows its words
    /// ("afwezig 3 Bram" is; "afwezig morgen, sorry" is members talking). Empty: always.
    std::function<bool(std::string_view args)> ambient_args;
};

/// What followed an action's prefix: as sent, and as an id when the route is `numbered`.
struct ActionArgs {
    std::string_view rest;
    Id id = 0;
};

/// A card action: "<prefix><rest>" (e.g. "rsvp:12" with choice "ja"). With `numbered`, rest must
/// be an id (digits); `yes_no` requires one choice, "ja" or "nee". The router answers malformed
/// actions "unknown action", and strangers' clicks as it answers their commands.
struct ActionRoute {
    std::string_view prefix;
    bool exact = false;  ///< the whole action id is `prefix` (a form), not a prefix
    bool numbered = false;
    bool yes_no = false;
    bool one_choice = false;  ///< exactly one choice must be sent
    /// Access::manager: only who runs the network, refused as `command` is (the form of a
    /// command sends this action); the network is on the turn. Otherwise: any member.
    Access access = Access::member;
    std::string_view command;
    std::function<void(Turn&, const ActionSubmission&, const ActionArgs&)> run;
};

/// What a scheduled job asks the router to do with it once it ran.
enum class JobEnd { finished, deferred };

struct JobContext {
    Store& store;
    const BotSettings& settings;
    const Job& job;
    Instant now;
    Bot::SchedulerCounts& counts;
};

struct JobRoute {
    std::string_view kind;
    /// An event to apply, in its own transaction, before the job runs (a platform's answer that
    /// never came, answered "failed" as the adapter would have); nullopt: none.
    std::function<std::optional<InboundEvent>(Store&, const Job&)> event_first;
    /// Runs inside the job's transaction; `finished` ends the job there too.
    std::function<JobEnd(JobContext&)> run;
};

/// A Ja/Nee question kept as a PendingAction of one of `kinds`.
struct ConfirmationRoute {
    std::vector<std::string_view> kinds;
    /// Whether a typed "ja"/"nee" may answer it (an undo offer or a form: only its button).
    bool typed = true;
    /// The answer of the member who was asked (clicked, or typed: `args` is what followed).
    std::function<void(Turn&, const PendingAction&, bool yes, const std::string& args)> answer;
    /// When it expires unanswered: a job of its own (true: handled), else the router closes the
    /// card and, when `expired_notice` is set, tells the member with that catalogue key.
    std::function<bool(Store&, const BotSettings&, const Job&, Instant)> expire;
    std::string_view expired_notice;
    /// The note on its closed card when it expired (default "confirm.closed_expired").
    std::string_view closed_note;
};

class Registry {
public:
    void command(CommandRoute route);
    void action(ActionRoute route);
    void job(JobRoute route);
    void confirmation(ConfirmationRoute route);

    const std::vector<CommandRoute>& commands() const { return commands_; }
    const CommandRoute* find_command(std::string_view key) const;
    const ActionRoute* find_action(std::string_view action_id) const;
    const JobRoute* find_job(std::string_view kind) const;
    const ConfirmationRoute* find_confirmation(std::string_view kind) const;

private:
    std::vector<CommandRoute> commands_;
    std::vector<ActionRoute> actions_;
    std::vector<JobRoute> jobs_;
    std::vector<ConfirmationRoute> confirmations_;
};

/// Every feature's registrations, made once, in the order `hulp` lists them.
const Registry& registry();

// Each feature folder's routes.cpp.
void register_engine(Registry& registry);
void register_network(Registry& registry);
void register_meetings(Registry& registry);
void register_participation(Registry& registry);
void register_experts(Registry& registry);
void register_reminders(Registry& registry);
void register_calendar(Registry& registry);
void register_agenda(Registry& registry);
void register_polls(Registry& registry);
void register_questions(Registry& registry);
void register_knowledge(Registry& registry);
void register_privacy(Registry& registry);

// The router (router.cpp).
/// Runs a command as if typed, checking who may first (also for a command reached from another,
/// as `agenda 3 accepteer` reaches `agendapunt accepteren 3`).
void route_command(Turn& turn, std::string_view key, const std::string& args);
/// A card's action, or "unknown action".
void route_action(Turn& turn, const ActionSubmission& action);
/// A Ja/Nee answer: to the pending action `pending_id` (a click) or, typed, to the member's
/// newest open question that takes a typed answer.
void route_confirmation(Turn& turn, std::optional<Id> pending_id, bool yes,
                        const std::string& args);
/// Whether a typed ja/nee may answer this open prompt: not an undo offer, not a form.
bool takes_typed_yes_no(const PendingAction& pending);
/// An answered confirmation: the pending action and its expiry job are gone, and its card shows
/// `note` instead of its buttons.
void close_confirmation(Turn& turn, const PendingAction& pending, const std::string& note);
/// Scheduler job: an unanswered confirmation expires.
void route_expiry(Store& store, const BotSettings& settings, const Job& job, Instant now);
/// Runs a due job by its kind; false for a kind this version does not know.
bool route_job(Bot& bot, Store& store, const BotSettings& settings, const Job& job, Instant now,
               Bot::SchedulerCounts& counts);

}  // namespace leernetwerk::detail
