#pragma once
// Internal to the core: the context of one event or tick being applied, and the flows that the
// Bot dispatches to. Not part of the core's public interface.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/bot.hpp"
#include "bot/commands.hpp"
#include "bot/i18n.hpp"

namespace leernetwerk::detail {

/// One event being applied: who speaks, in which language, in which network; and what is sent.
class Turn {
public:
    Turn(Store& store, const BotSettings& settings, const InboundEvent& event, Instant now);

    Store& store;
    const BotSettings& settings;
    const InboundEvent& event;
    const Instant now;
    std::optional<Member> me;  ///< the sender, when known
    Lang lang;                 ///< the sender's language (the default for strangers)
    int messages = 0;          ///< outbox rows appended so far
    std::vector<Id> sent;      ///< their ids, in order

    std::string t(std::string_view key, const MessageArgs& args = {}) const {
        return tr(lang, key, args);
    }

    /// Sends content back where the event came from; returns the outbox id.
    Id reply(Content content);
    Id reply_text(std::string_view key, const MessageArgs& args = {});
    /// Like reply, but an answer meant for the sender alone (a refusal after a click on someone
    /// else's question, a receipt for an anonymous answer) goes to their direct conversation when
    /// the event came from a group, so the room does not see it.
    Id reply_privately(Content content);
    /// Sends to one member directly, in their language, on the platform of this event when they
    /// have an account there, else on their first account. 0 when they have no account at all.
    Id send_to_member(const Member& member, Content content);
    /// Posts to every conversation bound to a network except the one this event came from.
    void announce(Id network_id, const std::string& key, const MessageArgs& args);
    /// Sends content to an address (a network conversation, a thread in it); returns the outbox id.
    Id send(const Address& to, Id recipient_member_id, Lang message_lang, Content content);
    /// Updates an earlier message in place.
    Id update(Id message_id, const Address& to, Content content, Lang lang);

    /// The network this event is about: the conversation's, else the sender's active network,
    /// else the sender's only network.
    std::optional<Network> current_network();
    std::optional<Membership> membership_in(Id network_id);
    bool manages(Id network_id);
    bool manages_any();
    Lang language_of(const Member& member) const;
    std::string zone_of(const Network& network) const;
    LocalDay today(const std::string& zone) const;

    /// The network for a command that needs one, or nullopt after telling the sender why.
    std::optional<Network> require_network();
    /// Like require_network, and the sender must run it; otherwise a friendly refusal naming who
    /// can.
    std::optional<Network> require_manager(CommandId command);

private:
    Address reply_address() const;
    Id append(const OutboundMessage& message);
};

/// A member of a roster found by name: exact (folded) first, then by unique first-name or prefix.
struct MemberMatch {
    std::optional<RosterEntry> entry;
    std::vector<std::string> candidates;  ///< when ambiguous
};
MemberMatch find_in_roster(const std::vector<RosterEntry>& roster, std::string_view name);

/// "procesbegeleider" / "facilitator".
std::string role_label(Role role, Lang lang);
/// Names joined as "Anna, Bram en Cees" / "Anna, Bram and Cees".
std::string join_names(const std::vector<std::string>& names, Lang lang);

// Flows, one function per command (meeting_flows.cpp).
void show_meetings(Turn& turn);
void plan_meeting(Turn& turn, const std::string& args);
void plan_meeting_form(Turn& turn, const ActionSubmission& action);
void move_meeting(Turn& turn, const std::string& args);
void cancel_meeting(Turn& turn, const std::string& args);
void cafe_weeks(Turn& turn, const std::string& args);
/// A click on a Ja/Nee confirmation ("confirm:<id>") or a typed ja/nee.
void answer_confirmation(Turn& turn, std::optional<Id> pending_id, bool yes);
/// Scheduler job: an unanswered confirmation expires.
void expire_confirmation(Store& store, const BotSettings& settings, const Job& job, Instant now);

inline constexpr std::string_view kPendingExpiryJob = "pending_expiry";

// Reminders (reminders.cpp): rules, their jobs, and sending them.
inline constexpr std::string_view kReminderJob = "reminder";
/// The rules every network starts with (issue: reminders; DOMAIN.md §5.1).
std::vector<ReminderRule> default_reminder_rules(Id network_id, Instant now);
/// A network's rules; the defaults are created the first time.
std::vector<ReminderRule> rules_of(Store& store, Id network_id, Instant now);
/// Makes the network's reminder jobs match its rules, meetings and café weeks: new occurrences
/// scheduled, moved ones moved, ones no longer wanted cancelled; fired ones never again. Returns
/// how many jobs changed.
int reschedule_network(Store& store, const BotSettings& settings, Id network_id, Instant now);
enum class ReminderOutcome { sent, dropped, skipped, deferred };
/// Scheduler job: one occurrence of a rule. `deferred`: it was moved to a later moment (the job
/// stays due); otherwise the job is finished.
ReminderOutcome run_reminder(Store& store, const BotSettings& settings, const Job& job,
                             Instant now);
/// The Ik kom / Ik kan niet question for a meeting.
ChoiceQuestion rsvp_question(const Meeting& meeting, std::string prompt, Lang lang);

// RSVP and reminder rules in chat (reminder_flows.cpp).
void rsvp(Turn& turn, bool coming, const std::string& args);
void rsvp_click(Turn& turn, Id meeting_id, bool coming);
void show_attendance(Turn& turn, const std::string& args);
void show_reminders(Turn& turn);
void edit_reminder(Turn& turn, const std::string& args);
/// A meeting was moved or cancelled: who answered is told (and asked again when it moved), and
/// its reminders follow.
void meeting_changed(Turn& turn, const Network& network, const Meeting& before,
                     const Meeting& after);

// Questions to the network (question_flows.cpp): asking, routing, answering, follow-up and the
// consent to keep a helpful answer in the knowledge base.
inline constexpr std::string_view kQuestionFollowUpJob = "question_follow_up";
/// `vraag <tekst>` (also `anoniem`, `vertrouwelijk`), or `vraag 7` to show a question's thread.
void ask_question(Turn& turn, const std::string& args);
/// `vragen`: the network's open questions, newest first.
void list_questions(Turn& turn);
/// `antwoord 7 <tekst>`.
void answer_question(Turn& turn, const std::string& args);
/// A message replying to one of a question's messages is an answer to it. False when the message
/// refers to no question (or is the asker's own, or a command): read it as usual.
bool answer_by_reply(Turn& turn, const std::string& text);
/// `nuttig 7 2`: the asker marks answer 2 of question 7 as the one that helped.
void mark_helpful(Turn& turn, const std::string& args);
/// `sluit vraag 7`, for the asker or a facilitator.
void close_question(Turn& turn, const std::string& args);
/// `pauze 2 weken`, `pauze tot 1 maart`, `pauze uit`: not being asked questions for a while.
void pause_questions(Turn& turn, const std::string& args);
/// `experts per vraag 4`: how many members a network's questions go to.
void set_route_count(Turn& turn, const std::string& args);
/// A click on a question's card ("offer:", "consent:", "helpful:"); false when not one of these.
bool question_action(Turn& turn, const ActionSubmission& action);
/// A typed ja/nee when the member's newest open prompt is a question's; false otherwise.
bool answer_question_prompt(Turn& turn, bool yes, const std::string& args);
/// Scheduler job: a question's prompt expired. False when the job's prompt is not a question's.
bool expire_question_prompt(Store& store, const BotSettings& settings, const Job& job, Instant now);
enum class FollowUpOutcome { sent, skipped, deferred };
/// Scheduler job: an unanswered question gets more members asked, or its facilitator. `deferred`:
/// moved to the next allowed moment (the job stays due).
FollowUpOutcome run_question_follow_up(Store& store, const BotSettings& settings, const Job& job,
                                       Instant now);

}  // namespace leernetwerk::detail
