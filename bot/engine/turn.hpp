#pragma once
// Internal to the core: the context of one event or tick being applied, and the flows that the
// Bot dispatches to. Not part of the core's public interface.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/engine/bot.hpp"
#include "bot/engine/sender.hpp"
#include "bot/parse/commands.hpp"
#include "bot/i18n/i18n.hpp"

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
    /// Everything this turn sends goes through it; the methods below are its short forms.
    Postman postman;
    int& messages = postman.messages;   ///< outbox rows appended so far
    std::vector<Id>& sent = postman.sent;  ///< their ids, in order
    /// The event's text is never logged: an anonymous answer, an anonymous or confidential
    /// question, an answer to a confidential question.
    bool& confidential = postman.confidential;
    /// An anonymous poll this event answered (or tried to): every message it sends is forgotten
    /// when the poll closes, so nothing tells afterwards who answered it (0: none).
    Id& anonymous_poll = postman.anonymous_poll;

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
    /// Appends a message addressed by the caller; returns its outbox id.
    Id send(const OutboundMessage& message);
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
    /// can and the command (its key) they tried. The router calls it (registry.hpp).
    std::optional<Network> require_manager(std::string_view command);
    /// The network a command of Access::manager is about, set by the router once it checked
    /// that the sender runs it.
    std::optional<Network> managed_network;
};

/// A member of a roster found by name: exact (folded) first, then by unique first-name or prefix.
struct MemberMatch {
    std::optional<RosterEntry> entry;
    std::vector<std::string> candidates;  ///< when ambiguous
};
MemberMatch find_in_roster(const std::vector<RosterEntry>& roster, std::string_view name);

// Numbers members type (numbers.cpp). Polls, questions, agenda items and knowledge entries are
// numbered within their network; a number of a network the sender is not in is never found, so
// it gets the same reply as a number that does not exist.
enum class NumberedKind { poll, question, agenda_item, knowledge };
/// Where a number typed in this event is looked up. `args` is what followed the number: when it
/// ends with one of the sender's networks ("… in HSN-café Rekenen"), that network, and the name is
/// cut off `args`; another network named there: nothing (and the name is cut off). Otherwise in
/// a network's group conversation that network (nothing when the sender is not its member),
/// elsewhere (a private chat, a group of no network) every network of the sender's.
std::vector<Network> number_networks(Turn& turn, std::string& args);
/// Which of `networks` is named at the end of `args` ("… in HSN-café Rekenen"), if one is; the
/// name is then cut off `args`.
std::optional<std::size_t> cut_network_name(std::string& args,
                                            const std::vector<Network>& networks);
/// For a command that works on one network's list (`network`: the conversation's or the chosen
/// one): when `after` (what followed the number) ends with another network's name ("… in
/// HSN-café Rekenen"), tells the sender which network the command is about and how to choose
/// the other, and returns true; the number is then not looked up.
bool names_other_network(Turn& turn, const Network& network, int number, std::string_view after);
/// Tells the sender that a number is found in several of their networks (`found`) and how to say
/// which; the example keeps what they typed after the number only when `keep_rest`.
void ask_which_network(Turn& turn, NumberedKind kind, int number, const std::vector<Network>& found,
                       bool keep_rest);
/// The one item a number means among `networks`: `find(network)` gives that network's item with
/// the number when it has one that counts. None: nullopt (the caller says it does not know the
/// number). Several: the sender is asked which network, `asked` is set, and nullopt.
template <typename Item, typename Find>
std::optional<Item> find_numbered(Turn& turn, NumberedKind kind, int number,
                                  const std::vector<Network>& networks, bool keep_rest, bool& asked,
                                  Find find) {
    std::vector<Network> where;
    std::vector<Item> items;
    for (const auto& network : networks) {
        if (auto item = find(network)) {
            where.push_back(network);
            items.push_back(std::move(*item));
        }
    }
    asked = items.size() > 1;
    if (asked) {
        ask_which_network(turn, kind, number, where, keep_rest);
    }
    if (items.size() != 1) {
        return std::nullopt;
    }
    return std::move(items.front());
}

/// Remembers a choice question sent to one member (not a poll's), so that its number or its label
/// typed later answers it; a poll question or a closed card forgets the earlier one.
void remember_prompt(Store& store, const OutboundMessage& message, Instant now);
/// Forgets the member's remembered prompt (its choices), e.g. before they are erased.
void forget_prompt(Store& store, Id member_id, Instant now);
/// Typed text (an option's number or its exact label, punctuation and case aside) as the answer
/// to the member's last prompt that is still open; nullopt when it is not one.
std::optional<ActionSubmission> typed_prompt_answer(Store& store, Id member_id,
                                                    std::string_view text, Instant now);

/// Takes the display name a platform sent for a member whose stored name was only made from
/// their id (a Matrix localpart such as "anna"); a name a facilitator gave stays.
void learn_display_name(Store& store, Member& member, const Sender& sender);

/// Where the language chosen by someone who is no member yet is kept.
/// Who a stranger (someone the bot does not know) is in what the core keeps of them: an HMAC of
/// their account under a key derived from the poll key (not in the database), so a copy of the
/// database does not list the people who wrote to the bot without being members.
std::string stranger_tag(const BotSettings& settings, const InboundEvent& event);
std::string stranger_language_key(const BotSettings& settings, const InboundEvent& event);
/// The language a stranger chose, if they did.
std::optional<Lang> stranger_language(Store& store, const BotSettings& settings,
                                      const InboundEvent& event);
/// The language a network's group conversations speak: set by its facilitators (`taal groep
/// en`), else the installation's ([bot] language). Private messages use the member's own.
Lang network_language(Store& store, const BotSettings& settings, Id network_id);
/// Sets it (nullopt: back to the installation's).
void set_network_language(Store& store, Id network_id, std::optional<Lang> lang, Instant now);

/// "procesbegeleider" / "facilitator".
std::string role_label(Role role, Lang lang);
/// Names joined as "Anna, Bram en Cees" / "Anna, Bram and Cees".
std::string join_names(const std::vector<std::string>& names, Lang lang);

/// `hulp`, `hulp <onderwerp>`, `hulp <opdracht>` (help.cpp).
void show_help(Turn& turn, const std::string& args);

// Flows, one function per command (meeting_flows.cpp).
void show_meetings(Turn& turn);
void plan_meeting(Turn& turn, const std::string& args);
void plan_meeting_form(Turn& turn, const ActionSubmission& action);
void move_meeting(Turn& turn, const std::string& args);
void cancel_meeting(Turn& turn, const std::string& args);
void cafe_weeks(Turn& turn, const std::string& args);
/// The answer to "plan (or move) this meeting?" (pending kinds plan_meeting, move_meeting).
void answer_meeting_draft(Turn& turn, const PendingAction& pending, bool yes);

inline constexpr std::string_view kPendingExpiryJob = "pending_expiry";

// Ja/Nee before what cannot simply be typed back, and an undo afterwards (undo_flows.cpp).
/// `annuleer bijeenkomst 3`, checked: asks the sender Ja/Nee, naming who answered already.
void ask_cancel_meeting(Turn& turn, const Network& network, const Meeting& meeting);
/// `lid verwijderen X`, checked: asks Ja/Nee, saying so when X runs the network or is the sender.
void ask_remove_member(Turn& turn, const Network& network, const RosterEntry& target);
/// The answer to one of those questions or to an undo offer; false for other confirmations.
bool answer_undoable(Turn& turn, const PendingAction& pending, bool yes);
/// An undo offer ("Ongedaan maken"): a typed ja/nee never answers it, only its button or label.
bool is_undo_offer(std::string_view kind);
/// Whether a pending confirmation is one of undo_flows'.
bool is_undoable_kind(std::string_view kind);
/// A moment in the network's zone as the sender reads it.
std::string format_moment_of(Turn& turn, const Network& network, Instant instant);

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

// What the bot keeps about a member: see, export, erase (privacy_flows.cpp).
/// "mijn gegevens" (an overview) or "mijn gegevens export" (everything), sent privately.
void show_my_data(Turn& turn, const std::string& args);
/// "vergeet mij": asks for confirmation before erasing everything about the sender.
void forget_me(Turn& turn);
bool is_forget_me(const PendingAction& pending);
/// The answer to the "vergeet mij" question.
void answer_forget_me(Turn& turn, const PendingAction& pending, bool yes);
// One person, several accounts; schools (account_flows.cpp).
/// `koppel account`: a one-time code, sent privately, to type on the member's other platform.
void create_link_code(Turn& turn);
/// `koppel ABC123`: the account typing it becomes part of the member who asked for the code.
void enter_link_code(Turn& turn, const std::string& args);
/// Whether typed text has the form of a link code (so `koppel ABC123` is no network's name).
bool looks_like_link_code(std::string_view typed);
/// `ontkoppel [teams|matrix]`: the account becomes a member of its own again.
void unlink_account(Turn& turn, const std::string& args);
/// `mijn school Het Kompas` (without a name: shows it).
void my_school(Turn& turn, const std::string& args);
/// `lid school Daan | Het Kompas`, for facilitators.
void member_school(Turn& turn, const std::string& args);

// Calendar feeds (calendar_flows.cpp).
enum class CalendarLink {
    network,   ///< `agenda-link`: the network's feed, made on first use, then shown only once
    renew,     ///< `agenda-link vernieuwen`: a new network feed; the old URL stops at once
    personal,  ///< `agenda-link persoonlijk`: the sender's own feed (meetings they come to)
};
/// Sends the sender a feed URL privately, with how to subscribe to it.
void calendar_link(Turn& turn, CalendarLink kind);
// Agenda input and the dot vote (agenda_flows.cpp).
inline constexpr std::string_view kAgendaRoundJob = "agenda_round";
/// `agendapunt <tekst> | toelichting | ik leid in | casus | anoniem`; without text: the form.
void submit_agenda_item(Turn& turn, const std::string& args);
/// The form "form:agenda_item" sent back.
void submit_agenda_form(Turn& turn, const ActionSubmission& action);
/// `agenda`: the list for the next meeting; `agenda 3 voorbereider Bram` and the like: changes.
void show_agenda(Turn& turn, const std::string& args);
/// `stip 3 3 5`: a member's three dots, replacing earlier ones.
void place_dots(Turn& turn, const std::string& args);
/// Scheduler job: a dot vote's deadline has come; it closes and its result goes to the network.
void close_agenda_round_job(Store& store, const BotSettings& settings, const Job& job, Instant now);
/// The network's next meeting (nullopt: none planned), after moving to it what was not accepted
/// for a meeting that has passed or was cancelled, and what waited for a meeting to be planned.
std::optional<Meeting> agenda_meeting(Store& store, Id network_id, Instant now);
/// The agenda digest's rows for a meeting's accepted items, in order, with their start times;
/// empty when nothing was accepted.
std::vector<SummaryRow> agenda_digest_rows(Store& store, const Meeting& meeting, Lang lang);
// Polls and evaluations (polls.cpp; DOMAIN.md §5.3).
inline constexpr std::string_view kPollJob = "poll";
void start_poll(Turn& turn, const std::string& args);
void start_evaluation(Turn& turn, const std::string& args);
void list_polls(Turn& turn);
void show_poll_results(Turn& turn, const std::string& args);
void close_poll_now(Turn& turn, const std::string& args);
void export_poll(Turn& turn, const std::string& args);
void set_poll_threshold(Turn& turn, const std::string& args);
void answer_poll(Turn& turn, const std::string& args);
/// A click on a poll question ("poll:<poll>:<question>").
void poll_click(Turn& turn, const ActionSubmission& action);
/// Text typed in a direct chat that is no command: the answer to the member's open poll question
/// when there is one. False when it is not (the caller answers as usual).
bool answer_typed(Turn& turn, const std::string& text);
/// Scheduler job of a poll: the reminder or the closing. False: it was moved to later.
bool run_poll_job(Store& store, const BotSettings& settings, const Job& job, Instant now);
/// The "after a meeting" evaluation (set A) for a meeting, sent to who came; its id (members see
/// its number), or 0 when it was started before or nobody can be asked.
Id start_meeting_evaluation(Store& store, const BotSettings& settings, const Network& network,
                            const Meeting& meeting, Instant now);
// Knowledge base and harvest (bot/features/knowledge/).
/// `zoek <woorden>`: ranked hits over the knowledge the sender may read here.
void search_knowledge(Turn& turn, const std::string& args);
/// `kennis`: the network's entries; `kennis 5`: one entry in full.
void show_knowledge(Turn& turn, const std::string& args);
void my_knowledge(Turn& turn);
/// `kennis intrekken 5 [anoniem|verwijder]`: the author's choice, asked when not given.
void withdraw_knowledge(Turn& turn, const std::string& args);
/// A click on the withdraw question ("withdraw:<entry id>", choice "anonymise" or "remove").
void withdraw_knowledge_click(Turn& turn, Id entry_id, std::string_view choice);
void add_knowledge(Turn& turn, KnowledgeKind kind, const std::string& args);
void edit_knowledge(Turn& turn, const std::string& args);
/// Archives (`retire`) or restores an entry.
void set_knowledge_status(Turn& turn, const std::string& args, bool retire);
void share_knowledge(Turn& turn, const std::string& args);
void export_knowledge(Turn& turn);
void harvest(Turn& turn, const std::string& args);
/// `ambitie` / `centrale vraag`: shows it, or (facilitators) sets it.
void network_aim(Turn& turn, bool ambition, const std::string& args);
// Questions to the network (bot/features/questions/): asking, routing, answering, follow-up and the
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
bool answer_question_prompt(Turn& turn, const PendingAction& pending, bool yes,
                            const std::string& args);
/// Scheduler job: a question's prompt expired. False when the job's prompt is not a question's.
bool expire_question_prompt(Store& store, const BotSettings& settings, const Job& job, Instant now);
enum class FollowUpOutcome { sent, skipped, deferred };
/// Scheduler job: an unanswered question gets more members asked, or its facilitator. `deferred`:
/// moved to the next allowed moment (the job stays due).
FollowUpOutcome run_question_follow_up(Store& store, const BotSettings& settings, const Job& job,
                                       Instant now);


}  // namespace leernetwerk::detail
