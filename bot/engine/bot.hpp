#pragma once
// The bot's behaviour. It takes neutral events and the current time, changes state and appends
// the messages it wants sent to the outbox, all in one Store transaction. No I/O of its own.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "bot/vocab/inbound.hpp"
#include "bot/i18n/lang.hpp"
#include "bot/vocab/participation.hpp"
#include "bot/vocab/result.hpp"
#include "bot/vocab/send_window.hpp"
#include "bot/ports/store.hpp"

namespace leernetwerk {

/// Timings and numbers for questions to the network (see [questions] config).
struct QuestionSettings {
    int route_count = 3;                ///< members asked per question (a network may change it)
    int follow_up_school_days = 3;      ///< no answer after this: the next best members are asked
    int escalation_school_days = 7;     ///< no answer after this: the facilitator is asked
    std::chrono::days consent_ttl{14};  ///< how long "may I keep your answer?" stays open
};

struct BotSettings {
    Lang default_language = Lang::nl;
    std::string default_time_zone = "Europe/Amsterdam";
    std::string bot_name = "Leernetwerk bot";
    /// How long a Ja/Nee confirmation stays open.
    std::chrono::hours confirmation_ttl{24};
    /// Longer messages are refused with a friendly reply (counted in characters, not bytes).
    std::size_t max_message_chars = 4000;
    /// When reminders may go out: quiet hours, school days, holidays (see [reminders] config).
    SendWindow send_window;
    /// Sent (or given-up) messages are kept this long, then deleted by the nightly housekeeping.
    std::chrono::days outbox_retention{90};
    /// Platform event ids are remembered this long to apply retries once (retries come within
    /// hours).
    std::chrono::days inbox_retention{30};
    /// Key of the respondent tokens of polls (HMAC-SHA256 of poll and member): kept outside the
    /// database ([polls] secret). Empty: a random key for this process only, so a restart can no
    /// longer recognise who answered an open poll.
    std::string poll_secret;
    /// Results of an anonymous poll show from this many answers, unless a network sets its own
    /// (`peiling drempel`).
    int min_anonymous_respondents = 3;
    QuestionSettings questions;
    /// Where `leernetwerk serve` is reached from outside ([server] public_url, e.g.
    /// "https://leernetwerk.school.nl"), the base of calendar feed URLs; empty: no feeds.
    std::string public_url;
    /// Hours rules, the adviser and the academy's contact ([hours], [participation] config).
    ParticipationSettings participation;
};

/// The message that answers a click in the platform's own response to it (a Teams card's invoke
/// response, InboundEvent::reply_is_private): the clicked card as it is now, else the reply.
struct ClickAnswer {
    Id outbox_id = 0;           ///< its outbox row: a reply is shown in the response, not posted
    OutboundMessage message;    ///< what to show
    bool updates_card = false;  ///< the clicked card updated; false: a reply to the clicker
};

/// What applying an event did.
struct Handled {
    bool duplicate = false;       ///< the event id was applied before: nothing happened now
    int messages = 0;             ///< outbox rows appended
    std::vector<Id> message_ids;  ///< their outbox ids, in order
    bool confidential = false;    ///< its text is not logged (see Turn::confidential)
    std::optional<ClickAnswer> click_answer{};  ///< a click answered in the platform's response
};

class Bot {
public:
    Bot(Store& store, BotSettings settings);

    /// Applies one event exactly once: dedupes its id, applies it, appends outbox rows, commits.
    /// A storage failure rolls everything back and is returned (the platform should retry).
    Result<Handled> handle(const InboundEvent& event, Instant now);

    /// Applies several events in one transaction (one commit: what a busy adapter received
    /// together), each in its own savepoint so one failing event does not take the others back.
    /// `before_each(i)` runs inside the transaction just before event i (e.g. to save where the
    /// event came from). Results are in the order of `events`.
    /// `order_keys` (empty, or one per event, e.g. the conversation): once an event fails, the
    /// later events with its key are not applied either, so that when the platform delivers
    /// them again they are applied in their order.
    /// `after_all(results)` runs inside the same transaction after the last event (e.g. to store
    /// how far the platform's stream was read, committed together with the events it covers);
    /// a StoreError it throws takes the whole batch back.
    std::vector<Result<Handled>> handle_batch(
        const std::vector<InboundEvent>& events, Instant now,
        const std::function<void(std::size_t)>& before_each = {},
        const std::vector<std::string>& order_keys = {},
        const std::function<void(const std::vector<Result<Handled>>&)>& after_all = {});

    /// Runs the scheduler jobs that are due at `now`; returns how many ran.
    Result<int> tick(Instant now);

    /// Brings every network's reminder jobs in line with its rules, meetings, café weeks and the
    /// current send window (run at start-up: the configuration may have changed). Returns how
    /// many jobs changed.
    Result<int> reschedule_all(Instant now);

    /// When the next scheduler job is due (for the runtime's timer); nullopt when none is.
    std::optional<Instant> next_due();

    const BotSettings& settings() const { return settings_; }

    /// What the scheduler did since start, for /metrics: reminder occurrences by outcome
    /// (committed ones only) and jobs given up after a defect.
    struct SchedulerCounts {
        std::uint64_t reminders_sent = 0;
        std::uint64_t reminders_dropped = 0;   ///< too late to be useful
        std::uint64_t reminders_skipped = 0;   ///< nothing to remind of (cancelled, off, nobody)
        std::uint64_t reminders_deferred = 0;  ///< moved out of quiet hours or a holiday
        std::uint64_t jobs_failed = 0;
    };
    const SchedulerCounts& scheduler_counts() const { return counts_; }

    /// Called after each commit of applied events (they may have scheduled jobs), so the runtime
    /// can move its timer forward when the next job is now due sooner.
    void set_after_commit(std::function<void()> hook) { after_commit_ = std::move(hook); }

    /// The delivery engine gave outbox row `outbox_id` up. Runs inside the transaction that
    /// marks it failed: when the row answered a member's message, a notice to them by another
    /// way is scheduled (bot/delivery_notice.hpp) and the after-commit hook moves the timer.
    void delivery_given_up(Id outbox_id, Instant now);

private:
    /// Runs one due job in its own transaction.
    void run_job(const Job& job, Instant now);
    /// Deletes what is kept only for a while (sent messages, seen event ids).
    void housekeeping(Instant now);
    /// When the known school holidays end within kHolidayWarningDays: a warning in the log, and
    /// once per end date a private message to every network's organisers and facilitators.
    void warn_if_holidays_run_out(Instant now);
    /// Schedules the nightly housekeeping after `after`.
    void schedule_housekeeping(Instant after);

    Store& store_;
    BotSettings settings_;
    std::function<void()> after_commit_;
    SchedulerCounts counts_;
};

}  // namespace leernetwerk
