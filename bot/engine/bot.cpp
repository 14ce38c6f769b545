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
