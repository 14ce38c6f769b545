// The router: finds what a feature registered for a command, a card action, a scheduled job or a
// Ja/Nee answer, checks who may use it, and runs it.
#include <algorithm>
#include <stdexcept>

#include "bot/engine/registry.hpp"
#include "bot/i18n/i18n.hpp"
#include "bot/parse/arguments.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::detail {

// ---- the registry --------------------------------------------------------------------------------

void Registry::command(CommandRoute route) {
    if (find_command(route.spec.key)) {
        throw std::logic_error("command registered twice: " + std::string(route.spec.key));
    }
    commands_.push_back(std::move(route));
}

void Registry::action(ActionRoute route) { actions_.push_back(std::move(route)); }

void Registry::job(JobRoute route) {
    if (find_job(route.kind)) {
        throw std::logic_error("job kind registered twice: " + std::string(route.kind));
    }
    jobs_.push_back(std::move(route));
}

void Registry::confirmation(ConfirmationRoute route) {
    for (const auto kind : route.kinds) {
        if (find_confirmation(kind)) {
            throw std::logic_error("confirmation kind registered twice: " + std::string(kind));
        }
    }
    confirmations_.push_back(std::move(route));
}

const CommandRoute* Registry::find_command(std::string_view key) const {
    const auto it = std::find_if(commands_.begin(), commands_.end(),
                                 [&](const CommandRoute& route) { return route.spec.key == key; });
    return it == commands_.end() ? nullptr : &*it;
}

const ActionRoute* Registry::find_action(std::string_view action_id) const {
    // An exact match first ("form:plan_meeting"), then the longest prefix ("form:plan_meeting:3").
    const ActionRoute* best = nullptr;
    for (const auto& route : actions_) {
        if (route.exact ? action_id == route.prefix
                        : action_id.substr(0, route.prefix.size()) == route.prefix) {
            if (route.exact) {
                return &route;
            }
            if (!best || route.prefix.size() > best->prefix.size()) {
                best = &route;
            }
        }
    }
    return best;
}

const JobRoute* Registry::find_job(std::string_view kind) const {
    const auto it = std::find_if(jobs_.begin(), jobs_.end(),
                                 [&](const JobRoute& route) { return route.kind == kind; });
    return it == jobs_.end() ? nullptr : &*it;
}

const ConfirmationRoute* Registry::find_confirmation(std::string_view kind) const {
    for (const auto& route : confirmations_) {
        if (std::find(route.kinds.begin(), route.kinds.end(), kind) != route.kinds.end()) {
            return &route;
        }
    }
    return nullptr;
}

const Registry& registry() {
    static const Registry all = [] {
        Registry made;
        // The order `hulp` lists commands in within a topic.
        register_engine(made);
        register_meetings(made);
        register_participation(made);
        register_experts(made);
        register_reminders(made);
        register_calendar(made);
        register_network(made);
        register_privacy(made);
        register_agenda(made);
        register_polls(made);
        register_knowledge(made);
        register_questions(made);
        return made;
    }();
    return all;
}

}  // namespace leernetwerk::detail

namespace leernetwerk {

const std::vector<CommandSpec>& command_specs() {
    static const std::vector<CommandSpec> specs = [] {
        std::vector<CommandSpec> out;
        for (const auto& route : detail::registry().commands()) {
            out.push_back(route.spec);
        }
        return out;
    }();
    return specs;
}

const CommandSpec& command_spec(std::string_view key) {
    if (const auto* route = detail::registry().find_command(key)) {
        return route->spec;
    }
    throw std::logic_error("no command registered as " + std::string(key));
}

}  // namespace leernetwerk

namespace leernetwerk::detail {

// ---- commands --------------------------------------------------------------------------------------

namespace {

/// Whether the sender may use a command of `access`; otherwise tells them why. For
/// Access::manager the network they run is set on the turn.
bool allowed(Turn& turn, const CommandRoute& route, Access access, const std::string& args) {
    switch (access) {
        case Access::anyone:
            return true;
        case Access::member:
            if (!turn.me) {
                turn.reply_text("input.stranger");
                return false;
            }
            return true;
        case Access::organiser:
            if (turn.store.networks().empty()) {
                return true;  // the first network of a fresh installation
            }
            if (!turn.me) {
                turn.reply_text("input.stranger");
                return false;
            }
            if (!turn.manages_any()) {
                turn.reply_text("refuse.create_network");
                return false;
            }
            return true;
        case Access::manager: {
            if (!turn.me) {
                turn.reply_text("input.stranger");
                return false;
            }
            if (route.network_from_args) {
                auto network = route.network_from_args(turn, args);
                if (!network) {
                    return false;
                }
                if (!turn.manages(network->id)) {
                    turn.reply_text(route.refusal, {{"network", network->name}});
                    return false;
                }
                turn.managed_network = std::move(network);
                return true;
            }
            turn.managed_network = turn.require_manager(route.spec.key);
            return turn.managed_network.has_value();
        }
    }
    return false;
}

}  // namespace

void route_command(Turn& turn, std::string_view key, const std::string& args) {
    const auto* route = registry().find_command(key);
    if (!route) {
        throw std::logic_error("no command registered as " + std::string(key));
    }
    if (route->no_args && turn.event.ambient && !trim(args).empty()) {
        return;
    }
    if (route->ambient_args && turn.event.ambient && !route->ambient_args(trim(args))) {
        return;
    }
    const auto access =
        !trim(args).empty() && route->access_with_args ? *route->access_with_args : route->access;
    turn.managed_network.reset();
    if (!allowed(turn, *route, access, args)) {
        return;
    }
    CommandCall call{route->spec, args, turn.managed_network};
    route->run(turn, call);
}

// ---- card actions ------------------------------------------------------------------------------------

void route_action(Turn& turn, const ActionSubmission& action) {
    if (!turn.me) {
        turn.reply_text("input.stranger");
        return;
    }
    const auto* route = registry().find_action(action.action_id);
    if (!route) {
        turn.reply_text("action.unknown");
        return;
    }
    const std::string_view rest = std::string_view(action.action_id).substr(route->prefix.size());
    Id id = 0;
    if (route->numbered) {
        const auto number = read_number(rest, 18);
        if (!number) {
            turn.reply_text("action.unknown");
            return;
        }
        id = *number;
    }
    if ((route->one_choice || route->yes_no) && action.choice_ids.size() != 1) {
        turn.reply_text("action.unknown");
        return;
    }
    if (route->yes_no && action.choice_ids.front() != "ja" && action.choice_ids.front() != "nee") {
        turn.reply_text("action.unknown");
        return;
    }
    turn.managed_network.reset();
    if (route->access == Access::manager) {
        turn.managed_network = turn.require_manager(route->command);
        if (!turn.managed_network) {
            return;
        }
    }
    route->run(turn, action, ActionArgs{rest, id});
}

// ---- Ja/Nee confirmations ----------------------------------------------------------------------------

bool takes_typed_yes_no(const PendingAction& pending) {
    const auto* route = registry().find_confirmation(pending.kind);
    return !route || route->typed;
}

void route_confirmation(Turn& turn, std::optional<Id> pending_id, bool yes,
                        const std::string& args) {
    std::optional<PendingAction> pending;
    if (pending_id) {
        pending = turn.store.pending(*pending_id);
    } else {
        // A typed ja/nee answers the newest question, but never an undo offer: a second "ja"
        // must not take back what the first one did.
        auto open = turn.store.pending_of_member(turn.me->id);
        std::erase_if(open, [](const PendingAction& p) { return !takes_typed_yes_no(p); });
        if (open.empty()) {
            turn.reply_text("confirm.nothing");
            return;
        }
        pending = open.back();
    }
    if (!pending) {
        turn.reply_text("confirm.gone");
        return;
    }
    if (pending->member_id != turn.me->id) {
        const auto requester = turn.store.member(pending->member_id);
        turn.reply_privately(TextContent{
            turn.t("confirm.not_yours", {{"name", requester ? requester->display_name : "?"}}),
            {}});
        return;
    }
    const auto* route = registry().find_confirmation(pending->kind);
    if (!route) {
        // Written by a version that knew this question: it can no longer be answered.
        turn.store.delete_pending(pending->id);
        turn.store.cancel_job(kPendingExpiryJob, std::to_string(pending->id));
        turn.reply_text("confirm.gone");
        return;
    }
    route->answer(turn, *pending, yes, args);
}

void route_expiry(Store& store, const BotSettings& settings, const Job& job, Instant now) {
    Id pending_id = 0;
    try {
        pending_id = std::stoll(job.key);
    } catch (const std::exception&) {
        return;
    }
    const auto pending = store.pending(pending_id);
    if (!pending) {
        return;
    }
    const auto* route = registry().find_confirmation(pending->kind);
    if (route && route->expire && route->expire(store, settings, job, now)) {
        return;
    }
    store.delete_pending(pending->id);
    if (!pending->question_message_id) {
        return;
    }
    const auto row = store.outbox_row(*pending->question_message_id);
    if (!row) {
        return;
    }
    const auto member = store.member(pending->member_id);
    const auto lang = member && member->language ? *member->language : settings.default_language;
    const std::string_view closed_note =
        route && !route->closed_note.empty() ? route->closed_note : "confirm.closed_expired";
    // The card, a form or a choice question, shows why it has no buttons any more.
    const auto close = [&](auto closed, std::string_view note) {
        closed.closed_note = tr(lang, note);
        OutboundMessage update;
        update.to = row->message.to;
        update.lang = row->message.lang;
        update.content = std::move(closed);
        update.replaces = row->message.id;
        store.append_outbox(update, now);
    };
    if (const auto* form = std::get_if<ShortForm>(&row->message.content)) {
        close(*form, "confirm.closed_expired");
    }
    if (const auto* question = std::get_if<ChoiceQuestion>(&row->message.content)) {
        close(*question, closed_note);
    }
    const std::string_view expired = route ? route->expired_notice : "confirm.plan_expired";
    if (expired.empty()) {
        return;  // an undo is simply no longer offered; a form is closed
    }
    OutboundMessage notice;
    notice.to = row->message.to;
    notice.recipient_member_id = row->message.recipient_member_id;
    notice.lang = lang;
    notice.content = TextContent{tr(lang, expired), {}};
    store.append_outbox(notice, now);
}

// ---- scheduled jobs ----------------------------------------------------------------------------------

bool route_job(Bot& bot, Store& store, const BotSettings& settings, const Job& job, Instant now,
               Bot::SchedulerCounts& counts) {
    const auto* route = registry().find_job(job.kind);
    if (!route) {
        return false;
    }
    if (route->event_first) {
        if (const auto event = route->event_first(store, job)) {
            (void)bot.handle(*event, now);
        }
    }
    store.transaction([&] {
        JobContext context{store, settings, job, now, counts};
        if (route->run(context) == JobEnd::finished) {
            store.finish_job(job.id);
        }
    });
    return true;
}

}  // namespace leernetwerk::detail
