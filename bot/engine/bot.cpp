#include "bot/engine/bot.hpp"

#include <algorithm>
#include <set>

#include "bot/features/polls/ballot_box.hpp"
#include "bot/engine/delivery_notice.hpp"
#include "bot/engine/platform_events.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/seal.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/registry.hpp"
#include "bot/engine/turn.hpp"
#include "bot/features/network/network.hpp"

namespace leernetwerk {
namespace detail {

// ---- Turn ------------------------------------------------------------------------------------

namespace {

/// A name made from a platform id because the real one was not known: the id itself, or a Matrix
/// id's localpart ("anna" for "@anna:school.nl").
bool is_placeholder_name(std::string_view name, std::string_view user_id) {
    if (name.empty() || name == user_id) {
        return true;
    }
    if (user_id.starts_with('@')) {
        const auto localpart = user_id.substr(1, user_id.find(':') - 1);
        return name == localpart;
    }
    return false;
}

}  // namespace

std::string stranger_tag(const BotSettings& settings, const InboundEvent& event) {
    return to_hex(hmac_sha256(derived_key(settings, "leernetwerk-stranger:key"),
                              std::string(platform_code(event.conversation.platform)) + ":" +
                                  event.sender.user_id))
        .substr(0, 32);
}

std::string stranger_language_key(const BotSettings& settings, const InboundEvent& event) {
    return "core.stranger_language:" + stranger_tag(settings, event);
}

std::optional<Lang> stranger_language(Store& store, const BotSettings& settings,
                                      const InboundEvent& event) {
    if (const auto saved = parse_lang(
            store.adapter_state(stranger_language_key(settings, event)).value_or(""))) {
        return saved;
    }
    // Kept by an earlier version under the account itself.
    return parse_lang(store
                          .adapter_state("core.stranger_language:" +
                                         std::string(platform_code(event.conversation.platform)) +
                                         ":" + event.sender.user_id)
                          .value_or(""));
}

Lang network_language(Store& store, const BotSettings& settings, Id network_id) {
    const auto saved = store.adapter_state("core.network_language:" + std::to_string(network_id));
    const auto parsed = saved ? parse_lang(*saved) : std::nullopt;
    return parsed.value_or(settings.default_language);
}

void set_network_language(Store& store, Id network_id, std::optional<Lang> lang, Instant now) {
    store.set_adapter_state("core.network_language:" + std::to_string(network_id),
                            lang ? lang_code(*lang) : std::string_view(), now);
}

void learn_display_name(Store& store, Member& member, const Sender& sender) {
    const auto name = std::string(trim(sender.display_name));
    if (name.empty() || name == member.display_name || sender.user_id.empty() ||
        is_placeholder_name(name, sender.user_id) ||
        !is_placeholder_name(member.display_name, sender.user_id) || utf8_length(name) > 100 ||
        !is_valid_utf8(name)) {
        return;  // a name a facilitator gave, or no better one
    }
    store.set_member_display_name(member.id, name);
    member.display_name = name;
}

Turn::Turn(Store& store_in, const BotSettings& settings_in, const InboundEvent& event_in,
           Instant now_in)
    : store(store_in),
      settings(settings_in),
      event(event_in),
      now(now_in),
      lang(settings_in.default_language),
      postman(store_in, settings_in, now_in, event_in, me) {
    if (!event.sender.user_id.empty()) {
        me = store.member_by_identity(event.conversation.platform, event.sender.user_id);
    }
    if (!me && !event.sender.alt_user_id.empty()) {
        // Known by their second id (a Teams AAD object id added by a facilitator): remember the
        // platform id they write from, so the next lookup is direct.
        me = store.member_by_identity(event.conversation.platform, event.sender.alt_user_id);
        if (me && !event.sender.user_id.empty()) {
            store.link_identity({event.conversation.platform, event.sender.user_id, me->id});
        }
    }
    if (me) {
        lang = language_of(*me);
        learn_display_name(store, *me, event.sender);
    } else if (!event.sender.user_id.empty()) {
        // Someone the bot does not know yet may have chosen a language already.
        lang = stranger_language(store, settings, event).value_or(lang);
    }
    if (event.conversation.kind == Conversation::Kind::group) {
        // A group speaks its network's language, whoever writes in it.
        const auto network_id =
            store.network_of_conversation(event.conversation.platform, event.conversation.id);
        lang = network_id ? network_language(store, settings, *network_id)
                          : settings.default_language;
    }
}

Lang Turn::language_of(const Member& member) const {
    return member.language.value_or(settings.default_language);
}

std::string Turn::zone_of(const Network& network) const {
    return network.time_zone.empty() ? settings.default_time_zone : network.time_zone;
}

LocalDay Turn::today(const std::string& zone) const {
    const auto local = to_local(now, zone).value_or(LocalTime{now.time_since_epoch()});
    return date::floor<date::days>(local);
}

std::optional<Network> Turn::current_network() {
    if (auto bound =
            store.network_of_conversation(event.conversation.platform, event.conversation.id)) {
        return store.network(*bound);
    }
    if (!me) {
        return std::nullopt;
    }
    const auto memberships = store.memberships_of(me->id);
    if (me->active_network_id) {
        for (const auto& membership : memberships) {
            if (membership.network_id == *me->active_network_id) {
                return store.network(membership.network_id);
            }
        }
    }
    if (memberships.size() == 1) {
        return store.network(memberships.front().network_id);
    }
    return std::nullopt;
}

std::optional<Membership> Turn::membership_in(Id network_id) {
    if (!me) {
        return std::nullopt;
    }
    return store.membership(network_id, me->id);
}

bool Turn::manages(Id network_id) {
    const auto membership = membership_in(network_id);
    return membership && can_manage_network(membership->role);
}

bool Turn::manages_any() {
    if (!me) {
        return false;
    }
    const auto memberships = store.memberships_of(me->id);
    return std::any_of(memberships.begin(), memberships.end(),
                       [](const Membership& m) { return can_manage_network(m.role); });
}

std::optional<Network> Turn::require_network() {
    auto network = current_network();
    if (!network) {
        const bool has_several = me && store.memberships_of(me->id).size() > 1;
        reply_text(has_several ? "network.choose_first" : "network.none");
        return std::nullopt;
    }
    return network;
}

std::optional<Network> Turn::require_manager(std::string_view command) {
    auto network = require_network();
    if (!network) {
        return std::nullopt;
    }
    if (manages(network->id)) {
        return network;
    }
    std::vector<std::string> managers;
    for (const auto& entry : store.roster(network->id)) {
        if (can_manage_network(entry.membership.role)) {
            managers.push_back(entry.member.display_name);
        }
    }
    const auto& spec = command_spec(command);
    reply_text(managers.empty() ? "refuse.manage_nobody" : "refuse.manage",
               {{"command", std::string(lang == Lang::nl ? spec.phrase_nl : spec.phrase_en)},
                {"network", network->name},
                {"managers", join_names(managers, lang)}});
    return std::nullopt;
}

// ---- shared helpers --------------------------------------------------------------------------

MemberMatch find_in_roster(const std::vector<RosterEntry>& roster, std::string_view name) {
    MemberMatch match;
    const auto wanted = fold(name);
    if (wanted.empty()) {
        return match;
    }
    for (const auto& entry : roster) {
        if (fold(entry.member.display_name) == wanted) {
            match.entry = entry;
            return match;
        }
    }
    // A unique first name, or a unique prefix of the full name.
    std::vector<const RosterEntry*> found;
    for (const auto& entry : roster) {
        const auto full = fold(entry.member.display_name);
        const auto first = words(full);
        const bool first_name = !first.empty() && first.front() == wanted;
        const bool prefix = full.rfind(wanted, 0) == 0;
        if (first_name || prefix) {
            found.push_back(&entry);
        }
    }
    if (found.size() == 1) {
        match.entry = *found.front();
    } else {
        for (const auto* entry : found) {
            match.candidates.push_back(entry->member.display_name);
        }
    }
    return match;
}

std::string role_label(Role role, Lang lang) {
    return tr(lang, "role." + std::string(role_code(role)));
}

std::string join_names(const std::vector<std::string>& names, Lang lang) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            out += (i + 1 == names.size()) ? (lang == Lang::nl ? " en " : " and ") : ", ";
        }
        out += names[i];
    }
    return out;
}

namespace {

/// Turns typed text into a command and runs it.
void handle_message(Turn& turn) {
    const auto text = strip_mention(turn.event.text, turn.settings.bot_name);
    // Members talking among themselves in a room the bot reads: only a command, or a reply to
    // one of the bot's messages, is for the bot; anything else gets no answer at all.
    const auto from_bot = [&](const std::string& remote_id) {
        return !remote_id.empty() &&
               turn.store.outbox_row_by_remote_id(turn.event.conversation.platform, remote_id);
    };
    const bool ambient = turn.event.ambient &&
                         turn.event.conversation.kind == Conversation::Kind::group &&
                         !from_bot(turn.event.reply_to_remote_id) &&
                         !from_bot(turn.event.conversation.thread_id);
    const auto typed_command = is_valid_utf8(text) ? parse_command(text) : std::nullopt;
    const bool about_privacy_or_joining =
        typed_command && (typed_command->key == "my_data" || typed_command->key == "forget_me" ||
                          typed_command->key == "join_network");
    if (turn.event.conversation.kind == Conversation::Kind::group && !about_privacy_or_joining) {
        // Someone writing in a network's conversation who is not in the network.
        if (const auto network_id = turn.store.network_of_conversation(
                turn.event.conversation.platform, turn.event.conversation.id)) {
            if (!turn.me || !turn.store.membership(*network_id, turn.me->id)) {
                if (const auto network = turn.store.network(*network_id)) {
                    explain_joining_once(turn, *network);
                }
            }
        }
    }
    if (ambient && (!is_valid_utf8(text) || !parse_command(text))) {
        return;
    }
    if (!is_valid_utf8(text)) {
        turn.reply_text("input.invalid_text");
        return;
    }
    if (trim(text).empty()) {
        turn.reply_text("input.empty");
        return;
    }
    const auto length = utf8_length(text);
    if (length > turn.settings.max_message_chars) {
        turn.reply_text("input.too_long",
                        {{"length", std::to_string(length)},
                         {"max", std::to_string(turn.settings.max_message_chars)}});
        return;
    }
    if (!turn.event.reply_to_remote_id.empty() || !turn.event.conversation.thread_id.empty()) {
        // A reply to a question's post or private message is an answer to it.
        if (answer_by_reply(turn, text)) {
            return;
        }
    }
    if (turn.me && !ambient) {
        // The number or the label of an option of the member's last prompt (a Ja/Nee question,
        // the knowledge-base consent, "Dit hielp me"), whatever the platform shows.
        if (const auto action = typed_prompt_answer(turn.store, turn.me->id, text, turn.now)) {
            route_action(turn, *action);
            return;
        }
    }
    auto command = parse_command(text);
    if (command && command->key == "link_conversation" && looks_like_link_code(command->args) &&
        !turn.store.find_network_by_name(command->args)) {
        // `koppel ABC123`: a code from `koppel account`, not a network's name.
        command->key = "link_code";
    }
    const auto open_prompts =
        turn.me ? turn.store.pending_of_member(turn.me->id) : std::vector<PendingAction>{};
    // In a direct chat, text that is no command may answer the member's open poll question; so
    // may "ja" / "nee" (an option, or the start of an open answer) unless a Ja/Nee confirmation
    // is waiting for them.
    const bool yes_no =
        command && (command->key == "yes" || command->key == "no") &&
        (!command->args.empty() ||
         (turn.me && std::none_of(open_prompts.begin(), open_prompts.end(),
                                  [](const PendingAction& p) { return takes_typed_yes_no(p); })));
    if (turn.me && (!command || yes_no) && answer_typed(turn, text)) {
        return;
    }
    if (!command) {
        if (auto suggestion = suggest_command(text, turn.lang)) {
            turn.reply_text("input.did_you_mean", {{"command", *suggestion}});
        } else {
            turn.reply_text("input.unknown");
        }
        return;
    }
    route_command(turn, command->key, command->args);
}

}  // namespace

}  // namespace detail

Bot::Bot(Store& store, BotSettings settings) : store_(store), settings_(std::move(settings)) {
    // The messages an anonymous poll causes to members are stored sealed (ballot_box.hpp).
    store_.use_sealing_key(derived_key(settings_, "leernetwerk-outbox:key"));
}

namespace {

/// Applies one event inside the current transaction.
Handled apply_event(Store& store, const BotSettings& settings, const InboundEvent& event,
                    Instant now) {
    Handled handled;
    detail::save_platform_facts(store, event, now);
    if (!store.remember_event(event.conversation.platform, event.event_id, now)) {
        handled.duplicate = true;
        return handled;
    }
    detail::Turn turn(store, settings, event, now);
    switch (event.kind) {
        case InboundEvent::Kind::message:
            detail::handle_message(turn);
            break;
        case InboundEvent::Kind::action:
            detail::route_action(turn, event.action);
            break;
        case InboundEvent::Kind::member_joined:
        case InboundEvent::Kind::bot_added:
            detail::welcome(turn);
            break;
        case InboundEvent::Kind::reaction:
            break;  // no feature reacts to reactions yet; the event is recorded as seen
        case InboundEvent::Kind::roster:
            detail::complete_roster(turn);
            break;
        case InboundEvent::Kind::member_left:
            detail::propose_left(turn);
            break;
        case InboundEvent::Kind::encrypted_room:
            detail::cannot_read_conversation(turn);
            break;
    }
    if (turn.anonymous_poll != 0) {
        for (const auto id : turn.sent) {
            store.link_poll_message(id, turn.anonymous_poll);
        }
    }
    handled.messages = turn.messages;
    handled.message_ids = turn.sent;
    handled.confidential = turn.confidential;
    handled.click_answer = detail::click_answer(turn);
    return handled;
}

/// After a defect while applying an event (its changes already taken back): the event is still
/// recorded as seen, so the platform's retries do not hit the same defect again and again, and
/// the sender is told something went wrong on the bot's side.
Handled apply_failure(Store& store, const BotSettings& settings, const InboundEvent& event,
                      Instant now) {
    Handled handled;
    store.remember_event(event.conversation.platform, event.event_id, now);
    detail::Turn turn(store, settings, event, now);
    if (event.kind == InboundEvent::Kind::message || event.kind == InboundEvent::Kind::action) {
        turn.reply_text("error.internal");
    }
    handled.messages = turn.messages;
    handled.message_ids = turn.sent;
    return handled;
}

void log_applied(const InboundEvent& event, const Handled& handled) {
    static constexpr const char* kKinds[] = {"message", "action", "member_joined", "bot_added",
                                             "reaction", "roster", "member_left",
                                             "encrypted_room"};
    log_line(LogLevel::debug,
             std::string(platform_code(event.conversation.platform)) + " " +
                 kKinds[static_cast<int>(event.kind)] + " " + event.event_id +
                 (handled.duplicate
                      ? ": seen before, ignored"
                      : ": applied, " + std::to_string(handled.messages) + " message(s) queued"));
    if (event.kind == InboundEvent::Kind::message && !handled.confidential) {
        // What members write is confidential: only at trace level; an anonymous answer or an
        // anonymous or confidential question never.
        log_line(LogLevel::trace, "text of " + event.event_id + ": " + event.text);
    }
}

}  // namespace

Result<Handled> Bot::handle(const InboundEvent& event, Instant now) {
    return std::move(handle_batch({event}, now).front());
}

std::vector<Result<Handled>> Bot::handle_batch(
    const std::vector<InboundEvent>& events, Instant now,
    const std::function<void(std::size_t)>& before_each, const std::vector<std::string>& order_keys,
    const std::function<void(const std::vector<Result<Handled>>&)>& after_all) {
    std::vector<Result<Handled>> results(events.size(), Handled{});
    std::set<std::string> failed_keys;
    const auto key_of = [&](std::size_t i) {
        return i < order_keys.size() ? order_keys[i] : std::string();
    };
    try {
        store_.transaction([&] {
            for (std::size_t i = 0; i < events.size(); ++i) {
                const auto& event = events[i];
                if (event.event_id.empty()) {
                    results[i] = fail(ErrorCode::bad_input, "event without an id", 400);
                    continue;
                }
                if (!key_of(i).empty() && failed_keys.count(key_of(i))) {
                    results[i] =
                        fail(ErrorCode::storage,
                             "held back: an earlier event of its conversation failed", 503);
                    continue;
                }
                try {
                    // Each event in its own savepoint: one that fails takes only itself back.
                    store_.savepoint([&] {
                        if (before_each) {
                            before_each(i);
                        }
                        results[i] = apply_event(store_, settings_, event, now);
                    });
                } catch (const StoreError& error) {
                    log_line(LogLevel::error,
                             "event " + event.event_id + " not applied: " + error.what());
                    results[i] = fail(ErrorCode::storage, error.what(), 500);
                    if (!key_of(i).empty()) {
                        failed_keys.insert(key_of(i));
                    }
                } catch (const std::exception& error) {
                    // A defect, not the database: what the event changed is taken back, the
                    // sender hears so, and the others in the batch and the service go on.
                    log_line(LogLevel::error,
                             "event " + event.event_id + " failed (a defect): " + error.what());
                    try {
                        store_.savepoint(
                            [&] { results[i] = apply_failure(store_, settings_, event, now); });
                    } catch (const std::exception& again) {
                        results[i] = fail(ErrorCode::internal, again.what(), 500);
                    }
                }
            }
            if (after_all) {
                after_all(results);
            }
        });
    } catch (const StoreError& error) {
        // The commit itself failed: nothing of the batch was kept.
        log_line(LogLevel::error, std::string("events not applied: ") + error.what());
        for (auto& result : results) {
            result = fail(ErrorCode::storage, error.what(), 500);
        }
        return results;
    }
    bool changed = false;
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (results[i]) {
            log_applied(events[i], *results[i]);
            // Whatever schedules a job also answers, so a silent event scheduled nothing.
            changed = changed || results[i]->messages > 0;
        }
    }
    if (changed && after_commit_) {
        after_commit_();
    }
    return results;
}

namespace {
constexpr std::string_view kHousekeepingJob = "housekeeping";
}  // namespace

void Bot::delivery_given_up(Id outbox_id, Instant now) {
    if (detail::schedule_delivery_notice(store_, outbox_id, now) && after_commit_) {
        after_commit_();
    }
}

Result<int> Bot::tick(Instant now) {
    constexpr int kBatch = 100;
    int ran = 0;
    try {
        // Deferred reminders are due again later, not now: each job is looked at once a tick.
        for (const auto& job : store_.due_jobs(now, kBatch)) {
            try {
                // One transaction per job: its messages and its being done are committed
                // together.
                run_job(job, now);
            } catch (const StoreError&) {
                throw;  // the database itself: stop, the runtime tries again a little later
            } catch (const std::exception& error) {
                // A defect in one job must not stop the scheduler or come back every tick.
                log_line(LogLevel::error, "job " + job.kind + " " + job.key +
                                              " failed and is given up: " + error.what());
                store_.transaction([&] { store_.finish_job(job.id); });
                ++counts_.jobs_failed;
            }
            ++ran;
        }
    } catch (const StoreError& error) {
        log_line(LogLevel::error, std::string("scheduler stopped for this tick: ") + error.what());
        return fail(ErrorCode::storage, error.what(), 500);
    }
    return ran;
}

void Bot::run_job(const Job& job, Instant now) {
    if (job.kind == kHousekeepingJob) {
        store_.transaction([&] {
            housekeeping(now);
            schedule_housekeeping(now + std::chrono::hours(1));
        });
    } else if (!detail::route_job(*this, store_, settings_, job, now, counts_)) {
        // A kind this version does not know (written by a newer one): looked at again a day
        // later, so it neither blocks the jobs behind it nor wakes the scheduler constantly.
        log_line(LogLevel::warn, "job of unknown kind '" + job.kind + "' (" + job.key +
                                     ") left for a version that knows it");
        store_.transaction([&] {
            store_.schedule_job(
                {0, job.kind, job.key, now + std::chrono::hours(24), job.payload, JobState::due});
        });
        return;
    }
    log_line(LogLevel::debug, "job " + job.kind + " " + job.key + " ran");
}

void Bot::housekeeping(Instant now) {
    const auto messages = store_.prune_outbox(now - settings_.outbox_retention);
    const auto events = store_.prune_inbox(now - settings_.inbox_retention);
    // Messages an anonymous poll caused that were still on their way when it closed.
    int poll_messages = 0;
    for (const auto poll_id : store_.closed_polls_with_messages()) {
        poll_messages += store_.forget_poll_messages(poll_id);
    }
    if (poll_messages > 0) {
        store_.compact_after_commit();
    }
    // A night with nothing to delete is not worth a line (the console's /tijd printed one per
    // night).
    log_line(messages + events > 0 ? LogLevel::info : LogLevel::debug,
             "housekeeping: deleted " + std::to_string(messages) + " sent message(s) older than " +
                 std::to_string(settings_.outbox_retention.count()) + " days and forgot " +
                 std::to_string(events) + " event id(s) older than " +
                 std::to_string(settings_.inbox_retention.count()) + " days");
    warn_if_holidays_run_out(now);
}

void Bot::warn_if_holidays_run_out(Instant now) {
    const auto& window = settings_.send_window;
    const auto today = date::floor<date::days>(
        to_local(now, settings_.default_time_zone).value_or(LocalTime{}));
    if (!holidays_run_out_soon(window, today)) {
        return;
    }
    const auto until = *holidays_known_until(window);
    log_line(LogLevel::warn,
             "school holidays are known only until " + format_day(until, Lang::en) +
                 ": after that, reminders may go out in a holiday. Add the next school year's "
                 "dates: `leernetwerk import-vakanties --file X.ics` or [[reminders.holiday]] "
                 "in the configuration (a newer version also knows more years)");
    constexpr std::string_view kWarnedKey = "core.holiday_warning";
    const auto until_text = format_day(until, Lang::en);
    if (store_.adapter_state(kWarnedKey).value_or("") == until_text) {
        return;  // the organisers were told about this date already
    }
    std::set<Id> told;
    for (const auto& network : store_.networks()) {
        for (const auto& entry : store_.roster(network.id)) {
            if (!can_manage_network(entry.membership.role) || !told.insert(entry.member.id).second) {
                continue;
            }
            const auto to = detail::direct_address(store_, entry.member.id, {});
            if (!to) {
                continue;
            }
            OutboundMessage message;
            message.to = *to;
            message.recipient_member_id = entry.member.id;
            message.lang = entry.member.language.value_or(settings_.default_language);
            message.content = TextContent{
                tr(message.lang, "holidays.running_out", {{"until", format_day(until, message.lang)}}),
                {}};
            store_.append_outbox(message, now);
        }
    }
    store_.set_adapter_state(kWarnedKey, until_text, now);
}

void Bot::schedule_housekeeping(Instant after) {
    // At night, when nothing else happens: the next 03:30 in the installation's zone.
    const auto& zone = settings_.default_time_zone;
    auto day = date::floor<date::days>(to_local(after, zone).value_or(LocalTime{}));
    for (int i = 0; i < 3; ++i, day += date::days{1}) {
        if (const auto at = at_wall_time(day, std::chrono::minutes(3 * 60 + 30), zone);
            at && *at > after) {
            store_.schedule_job(
                {0, std::string(kHousekeepingJob), "daily", *at, "", JobState::due});
            return;
        }
    }
    store_.schedule_job({0, std::string(kHousekeepingJob), "daily", after + std::chrono::hours(24),
                         "", JobState::due});
}

Result<int> Bot::reschedule_all(Instant now) {
    int changed = 0;
    try {
        store_.transaction([&] {
            const auto job = store_.job(kHousekeepingJob, "daily");
            if (!job || job->state != JobState::due) {
                schedule_housekeeping(now);
            }
            warn_if_holidays_run_out(now);
        });
        for (const auto& network : store_.networks()) {
            store_.transaction(
                [&] { changed += detail::reschedule_network(store_, settings_, network.id, now); });
        }
    } catch (const StoreError& error) {
        log_line(LogLevel::error, std::string("reminders not rescheduled: ") + error.what());
        return fail(ErrorCode::storage, error.what(), 500);
    }
    return changed;
}

std::optional<Instant> Bot::next_due() {
    try {
        return store_.next_job_due();
    } catch (const StoreError& error) {
        log_line(LogLevel::error, std::string("next job not read: ") + error.what());
        return std::nullopt;
    }
}

}  // namespace leernetwerk
