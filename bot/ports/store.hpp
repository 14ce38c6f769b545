#pragma once
// The core's only door to persistence. The Bot calls it synchronously inside one transaction per
// event or tick; storage/ implements it on SQLite. Implementations throw StoreError when the
// database itself fails (disk full, corruption): the transaction is then rolled back whole.
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "bot/features/agenda/agenda.hpp"
#include "bot/vocab/content.hpp"
#include "bot/vocab/model.hpp"
#include "bot/features/polls/poll.hpp"
#include "bot/features/questions/questions.hpp"

namespace leernetwerk {

/// The database failed; nothing of the current transaction was kept.
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// A one-time code that links a second account to a member (`koppel account`). Only its keyed
/// hash is stored.
struct LinkCode {
    std::string hash;  ///< HMAC of the code; the code itself is never stored
    Id member_id = 0;
    Platform platform = Platform::console;  ///< the account that asked for it
    std::string user_id;
    Instant created_at{};
    Instant expires_at{};
    std::optional<Instant> used_at;
};

/// A secret calendar feed (`agenda-link`): a network's, or one member's personal one. Only the
/// hash of its token is stored (calendar_feed.hpp).
struct CalendarFeed {
    std::string token_hash;
    Id network_id = 0;
    std::optional<Id> member_id;  ///< a personal feed: only the meetings this member comes to
    Instant created_at{};
};

/// A member with their role in one network.
struct RosterEntry {
    Member member;
    Membership membership;
};

class Store {
public:
    virtual ~Store() = default;

    /// Runs `work` in one transaction: committed when it returns, rolled back (and the exception
    /// rethrown) when it throws. Not re-entrant.
    virtual void transaction(const std::function<void()>& work) = 0;
    /// Inside a transaction: runs `work` so that, when it throws, only its own changes are undone
    /// (and the exception rethrown); the surrounding transaction goes on.
    virtual void savepoint(const std::function<void()>& work) = 0;

    // ---- inbox: platform events already applied -------------------------------------------
    /// Records an inbound event id; false when it was recorded before (apply it once only).
    virtual bool remember_event(Platform platform, std::string_view event_id, Instant now) = 0;

    /// Forgets event ids seen before `before` (platforms retry within hours, not weeks); returns
    /// how many.
    virtual int prune_inbox(Instant before) = 0;

    // ---- outbox: messages to send ----------------------------------------------------------
    /// The key (32 bytes) of sealed outbox rows (OutboundMessage::sealed): their address,
    /// recipient, language and content are stored encrypted, and read back through this key.
    virtual void use_sealing_key(std::string key) = 0;
    /// Appends a message (state pending, due now); returns its id.
    virtual Id append_outbox(const OutboundMessage& message, Instant now) = 0;
    /// Pending rows of a platform whose next attempt is due, oldest (lowest id) first, from after
    /// `after_id` (to read on past rows the dispatcher could not take). A row that updates an
    /// earlier message waits until that message has a remote id (or has failed: then it is
    /// returned with an empty replaces_remote_id and the dispatcher sends it as a new message).
    virtual std::vector<OutboxRow> due_outbox(Platform platform, Instant now, int limit,
                                              Id after_id = 0) = 0;
    /// Rows of a platform in a state (e.g. `sending` rows left by a crash), oldest first.
    virtual std::vector<OutboxRow> outbox_in_state(Platform platform, OutboxState state) = 0;
    virtual std::optional<OutboxRow> outbox_row(Id id) = 0;
    /// The row a platform knows by `remote_id` (the id it gave the sent message), if any.
    virtual std::optional<OutboxRow> outbox_row_by_remote_id(Platform platform,
                                                             std::string_view remote_id) = 0;
    /// Marks a row `sending` and counts the attempt (before the platform call).
    virtual void mark_outbox_sending(Id id, Instant now) = 0;
    virtual void mark_outbox_sent(Id id, std::string_view remote_id, Instant now) = 0;
    /// Back to `pending`, to be tried again at `next_attempt`.
    virtual void mark_outbox_retry(Id id, Instant next_attempt, std::string_view error) = 0;
    /// Gives up on a row.
    virtual void mark_outbox_failed(Id id, std::string_view error, Instant now) = 0;
    /// Whose message a row answers and where they wrote it (OutboundMessage::cause); nullopt
    /// for a row that answers nobody, a sealed row, or one whose member was erased.
    virtual std::optional<ReplyCause> outbox_cause(Id id) = 0;
    /// Deletes rows that were sent or given up on before `before`; returns how many. Pending and
    /// sending rows are never touched.
    virtual int prune_outbox(Instant before) = 0;
    /// Number of rows of a platform still pending or sending.
    virtual int outbox_depth(Platform platform) = 0;

    // ---- networks and the conversations bound to them --------------------------------------
    virtual Id create_network(const Network& network) = 0;
    virtual std::optional<Network> network(Id id) = 0;
    /// Case-, accent- and space-insensitive exact name match.
    virtual std::optional<Network> find_network_by_name(std::string_view name) = 0;
    virtual std::vector<Network> networks() = 0;
    /// Binds a conversation to a network (replacing an earlier binding of that conversation).
    virtual void bind_conversation(const ConversationBinding& binding) = 0;
    virtual std::optional<Id> network_of_conversation(Platform platform,
                                                      std::string_view conversation_id) = 0;
    virtual std::vector<ConversationBinding> conversations_of_network(Id network_id) = 0;

    /// Saves (or refreshes) how to reach a conversation.
    virtual void save_conversation_ref(const ConversationRef& ref) = 0;
    virtual std::optional<ConversationRef> conversation_ref(Platform platform,
                                                            std::string_view conversation_id) = 0;
    /// The most recently seen direct conversation with a platform user.
    virtual std::optional<ConversationRef> direct_conversation_with(Platform platform,
                                                                    std::string_view user_id) = 0;
    /// Any conversation reference of a platform (the newest), e.g. for a Teams service URL.
    virtual std::optional<ConversationRef> latest_conversation_ref(Platform platform) = 0;

    // ---- schools and members ---------------------------------------------------------------
    /// The school with this name (case/accent-insensitive), created if new.
    virtual Id school_id(std::string_view name) = 0;
    virtual Id create_member(const Member& member) = 0;
    virtual std::optional<Member> member(Id id) = 0;
    virtual std::optional<Member> member_by_identity(Platform platform,
                                                     std::string_view user_id) = 0;
    /// Every member, ordered by display name.
    virtual std::vector<Member> members() = 0;
    virtual void set_member_school(Id member_id, std::optional<Id> school_id) = 0;
    virtual void set_member_language(Id member_id, std::optional<Lang> language) = 0;
    /// The name shown for a member (from the platform's profile when it was only an id before).
    virtual void set_member_display_name(Id member_id, std::string_view name) = 0;
    virtual void set_member_expertise(Id member_id, const std::vector<std::string>& tags) = 0;
    virtual void set_active_network(Id member_id, std::optional<Id> network_id) = 0;
    /// Links a platform account to a member (replacing an earlier link of that account).
    virtual void link_identity(const Identity& identity) = 0;
    virtual std::vector<Identity> identities_of(Id member_id) = 0;

    // ---- one person, several accounts ---------------------------------------------------------
    /// Stores a new link code; the member's earlier unused codes are withdrawn, and codes that
    /// expired long ago are forgotten.
    virtual void create_link_code(const LinkCode& code) = 0;
    virtual std::optional<LinkCode> link_code(std::string_view hash) = 0;
    virtual void mark_link_code_used(std::string_view hash, Instant now) = 0;
    /// Counts a wrong code typed on an account (for the rate limit); tries older than a day are
    /// forgotten.
    virtual void record_link_failure(Platform platform, std::string_view user_id, Instant now) = 0;
    virtual int link_failures_since(Platform platform, std::string_view user_id, Instant since) = 0;
    /// Makes `from` part of `into`: its accounts, memberships (the higher role where both have
    /// one), answers, agenda items, questions, knowledge and messages move to `into`; profile
    /// fields `into` lacks are taken from `from`; then `from` is deleted.
    virtual void merge_members(Id into, Id from) = 0;
    /// The newest private message to this account that was sent or given up on, if any (whether
    /// the platform delivers to it).
    virtual std::optional<OutboxRow> latest_direct_delivery(Platform platform,
                                                            std::string_view user_id) = 0;

    // ---- memberships -----------------------------------------------------------------------
    /// Adds a member to a network, or changes their role when they are in it already.
    virtual void add_membership(const Membership& membership) = 0;
    /// Ends a membership (kept in history with the date it ended).
    virtual void end_membership(Id network_id, Id member_id, Instant now) = 0;
    /// The current membership, if any.
    virtual std::optional<Membership> membership(Id network_id, Id member_id) = 0;
    /// Current memberships of a member.
    virtual std::vector<Membership> memberships_of(Id member_id) = 0;
    /// Current members of a network with their roles, ordered by display name.
    virtual std::vector<RosterEntry> roster(Id network_id) = 0;

    // ---- meetings and café weeks -----------------------------------------------------------
    virtual Id create_meeting(const Meeting& meeting) = 0;
    /// Overwrites every field of an existing meeting, preparers included.
    virtual void update_meeting(const Meeting& meeting) = 0;
    virtual std::optional<Meeting> meeting(Id id) = 0;
    /// All meetings of a network, cancelled ones included, ordered by start.
    virtual std::vector<Meeting> meetings_of(Id network_id) = 0;
    /// Replaces the café weeks of one school year.
    virtual void set_cafe_weeks(int school_year, const std::vector<CafeWeek>& weeks) = 0;
    /// Café weeks of a school year, in calendar order.
    virtual std::vector<CafeWeek> cafe_weeks(int school_year) = 0;

    // ---- confirmations waiting for an answer -----------------------------------------------
    virtual Id create_pending(const PendingAction& pending) = 0;
    virtual std::optional<PendingAction> pending(Id id) = 0;
    /// A member's open confirmations, oldest first.
    virtual std::vector<PendingAction> pending_of_member(Id member_id) = 0;
    virtual void set_pending_question(Id pending_id, Id message_id) = 0;
    virtual void delete_pending(Id id) = 0;

    // ---- adapter state: small named values kept across restarts (e.g. a sync position) -------
    virtual std::optional<std::string> adapter_state(std::string_view key) = 0;
    virtual void set_adapter_state(std::string_view key, std::string_view value, Instant now) = 0;

    // ---- reminder rules and RSVPs ------------------------------------------------------------
    /// A network's rules, in the order they were created.
    virtual std::vector<ReminderRule> reminder_rules(Id network_id) = 0;
    virtual std::optional<ReminderRule> reminder_rule(Id id) = 0;
    virtual Id create_reminder_rule(const ReminderRule& rule) = 0;
    /// Overwrites every field but id, network and created_at.
    virtual void update_reminder_rule(const ReminderRule& rule) = 0;
    virtual void delete_reminder_rule(Id id) = 0;
    /// Records (or replaces) a member's answer for a meeting.
    virtual void set_rsvp(const Rsvp& rsvp) = 0;
    /// The answers for a meeting, oldest first.
    virtual std::vector<Rsvp> rsvps_of(Id meeting_id) = 0;
    /// Forgets every answer for a meeting (its date changed: people are asked again).
    virtual void clear_rsvps(Id meeting_id) = 0;

    // ---- scheduler ---------------------------------------------------------------------------
    /// Schedules a job; when a job with the same kind and key exists it is moved to the new time
    /// and payload (and made due again if it was cancelled). Returns its id.
    virtual Id schedule_job(const Job& job) = 0;
    /// Jobs in state `due` whose time has come, earliest first.
    virtual std::vector<Job> due_jobs(Instant now, int limit) = 0;
    virtual void finish_job(Id id) = 0;
    virtual void cancel_job(std::string_view kind, std::string_view key) = 0;
    virtual std::optional<Job> job(std::string_view kind, std::string_view key) = 0;
    /// Every job of a kind whose key starts with `key_prefix`, whatever its state, by key.
    virtual std::vector<Job> jobs_with_key_prefix(std::string_view kind,
                                                  std::string_view key_prefix) = 0;
    /// When the earliest job in state `due` is due; nullopt when none is.
    virtual std::optional<Instant> next_job_due() = 0;

    // ---- calendar feeds (`agenda-link`) -------------------------------------------------------
    /// Stores a new feed; the earlier feed of the same network (or of the same member in it)
    /// stops at once.
    virtual void replace_calendar_feed(const CalendarFeed& feed) = 0;
    /// The feed with this token hash, if one is current.
    virtual std::optional<CalendarFeed> calendar_feed(std::string_view token_hash) = 0;
    /// Whether a network (member_id nullopt) or a member in it has a current feed.
    virtual bool has_calendar_feed(Id network_id, std::optional<Id> member_id) = 0;

    // ---- personal data: what a member can see, export and have erased ------------------------
    /// Memberships of a member that ended, oldest first.
    virtual std::vector<PastMembership> ended_memberships_of(Id member_id) = 0;
    /// A member's answers to meeting invitations, oldest first.
    virtual std::vector<Rsvp> rsvps_of_member(Id member_id) = 0;
    /// How many messages to this member the outbox still keeps (sent ones until the nightly
    /// housekeeping deletes them).
    virtual int outbox_count_for_member(Id member_id) = 0;
    /// Erases a member: their profile, accounts, memberships, answers (RSVPs, named poll answers),
    /// poll invitations, agenda dots, preparer roles and open confirmations, and every kept message
    /// addressed to them alone (except one being sent right now). What they wrote in shared places
    /// (agenda items) stays without their name.
    virtual void erase_member(Id member_id) = 0;
    /// Makes one kept message nobody's before its recipient is erased: it names no member any
    /// more and says `content` instead (which must not name them either); its conversation (or,
    /// without one, its user id) and remote id stay, so that this one message can still be
    /// updated. A sealed row is left alone.
    virtual void release_outbox_row(Id id, const Content& content) = 0;
    // ---- agenda: items for meetings, and the dot vote ------------------------------------------
    /// Stores a new item (with its submitters) at the end of its meeting's list, with the next
    /// number of its network; returns its id.
    virtual Id create_agenda_item(const AgendaItem& item) = 0;
    virtual std::optional<AgendaItem> agenda_item(Id id) = 0;
    /// The item a network knows by this number, if any.
    virtual std::optional<AgendaItem> agenda_item_by_number(Id network_id, int number) = 0;
    /// Every item of a network, with submitters and dots, ordered by position then id.
    virtual std::vector<AgendaItem> agenda_items(Id network_id) = 0;
    /// Overwrites every field but id, network and created_at, submitters included.
    virtual void update_agenda_item(const AgendaItem& item) = 0;
    virtual void delete_agenda_item(Id id) = 0;
    /// Moves the submitters (those not on `into` already) and the dots of `from` onto `into`,
    /// then deletes `from`.
    virtual void merge_agenda_items(Id into, Id from) = 0;
    /// Replaces a member's dots in a network's dot vote (empty: takes them all back).
    virtual void set_agenda_dots(Id network_id, Id member_id,
                                 const std::vector<AgendaDot>& dots) = 0;
    /// Every dot in a network's dot vote, by item then member.
    virtual std::vector<AgendaDot> agenda_dots(Id network_id) = 0;
    /// Forgets every dot of a network (a new round starts).
    virtual void clear_agenda_dots(Id network_id) = 0;
    /// The network's dot vote, open or the last one closed.
    virtual std::optional<AgendaRound> agenda_round(Id network_id) = 0;
    /// Saves (or replaces) the network's dot vote.
    virtual void save_agenda_round(const AgendaRound& round) = 0;
    // ---- polls and evaluations ---------------------------------------------------------------
    /// Stores a poll with its questions and the next number of its network; returns its id.
    virtual Id create_poll(const Poll& poll) = 0;
    virtual std::optional<Poll> poll(Id id) = 0;
    /// The poll a network knows by this number, if any.
    virtual std::optional<Poll> poll_by_number(Id network_id, int number) = 0;
    /// A network's polls, newest first.
    virtual std::vector<Poll> polls_of(Id network_id) = 0;
    /// Every open poll, oldest first.
    virtual std::vector<Poll> open_polls() = 0;
    virtual void close_poll(Id id, Instant now) = 0;
    /// Who a poll was sent to (says nothing about who answered).
    virtual void add_poll_invitees(Id poll_id, const std::vector<Id>& member_ids) = 0;
    virtual std::vector<Id> poll_invitees(Id poll_id) = 0;
    /// Records a respondent once; false when the token answered before. `member_id` only for
    /// named polls.
    virtual bool add_poll_respondent(Id poll_id, std::string_view token,
                                     std::optional<Id> member_id) = 0;
    /// Respondents ordered by token (a keyed hash: no order of answering).
    virtual std::vector<PollRespondent> poll_respondents(Id poll_id) = 0;
    /// Stores (or replaces) one answer; true when it replaced an earlier one.
    virtual bool set_poll_answer(Id poll_id, const PollAnswer& answer) = 0;
    /// Every answer of a poll, ordered by token and question.
    virtual std::vector<PollAnswer> poll_answers(Id poll_id) = 0;
    /// The answers of one respondent, by question.
    virtual std::vector<PollAnswer> poll_answers_of(Id poll_id, std::string_view token) = 0;
    /// One person answered an open named poll from two accounts that are now one member: the
    /// answers of `from_token` go to `into_token` where it has none for that question, and the
    /// `from_token` respondent is removed.
    virtual void merge_poll_respondent(Id poll_id, std::string_view into_token,
                                       std::string_view from_token) = 0;
    /// Removes every respondent and answer of a poll (an open anonymous poll of an earlier
    /// version, whose answers are moved into sealed ballots).
    virtual void remove_poll_answers(Id poll_id) = 0;
    /// Replaces every sealed ballot of an open anonymous poll (an empty list removes them).
    virtual void replace_poll_ballots(Id poll_id, const std::vector<SealedBallot>& ballots) = 0;
    /// The sealed ballots of a poll, in slot order (random).
    virtual std::vector<SealedBallot> poll_ballots(Id poll_id) = 0;
    /// Links a message to a member (outbox id) to the anonymous poll that caused it.
    virtual void link_poll_message(Id message_id, Id poll_id) = 0;
    /// Removes the messages a closed poll caused that are delivered (or given up); those still on
    /// their way stay linked until a later call. Returns how many were removed.
    virtual int forget_poll_messages(Id poll_id) = 0;
    /// Closed polls that still have linked messages (on their way when the poll closed).
    virtual std::vector<Id> closed_polls_with_messages() = 0;
    /// Asks that, once the current transaction has committed, the write-ahead log is folded into
    /// the database and emptied, so no earlier version of a page stays in a file (after a poll's
    /// ballots are counted and its messages removed). Freed pages are always overwritten.
    virtual void compact_after_commit() = 0;
    /// How many answers an anonymous poll needs before results are shown (nullopt: the default).
    virtual std::optional<int> poll_min_respondents(Id network_id) = 0;
    virtual void set_poll_min_respondents(Id network_id, int count) = 0;
    // ---- knowledge base ------------------------------------------------------------------------
    /// Stores an entry with the next number of its network; returns its id.
    virtual Id create_knowledge_entry(const KnowledgeEntry& entry) = 0;
    virtual std::optional<KnowledgeEntry> knowledge_entry(Id id) = 0;
    /// The entry a network knows by this number: one of its own, or one shared with it (under
    /// the number the share got there), if any.
    virtual std::optional<KnowledgeEntry> knowledge_entry_by_number(Id network_id, int number) = 0;
    /// The number an entry has in a network: its own number at home, the share's number in a
    /// network it is shared with; nullopt elsewhere.
    virtual std::optional<int> knowledge_number_in(Id entry_id, Id network_id) = 0;
    /// Overwrites every field but id, network and created_at.
    virtual void update_knowledge_entry(const KnowledgeEntry& entry) = 0;
    virtual void delete_knowledge_entry(Id id) = 0;
    /// A network's entries (all states), newest first.
    virtual std::vector<KnowledgeEntry> knowledge_entries(Id network_id) = 0;
    /// Entries a member wrote (any network, all states), newest first.
    virtual std::vector<KnowledgeEntry> knowledge_entries_by_author(Id member_id) = 0;
    /// Entries without an author that were kept from a member's helpful answers (consent given
    /// anonymously, or the name withdrawn later), newest first: still theirs to withdraw.
    virtual std::vector<KnowledgeEntry> anonymous_knowledge_entries_of(Id member_id) = 0;
    /// Active entries of these networks (and entries shared with them), best match first (bm25).
    /// `words` is what a member typed: every word is searched as a plain word (no query syntax);
    /// all words must match, or, when no entry has them all, any of them.
    virtual std::vector<KnowledgeHit> search_knowledge(const std::vector<Id>& network_ids,
                                                       std::string_view words, int limit) = 0;
    /// Shares an entry with another network (its members then find and read it, under a number
    /// of that network's, given here); sharing twice keeps one share and its number.
    virtual void share_knowledge_entry(Id entry_id, Id network_id, std::optional<Id> shared_by,
                                       Instant now) = 0;
    virtual void unshare_knowledge_entry(Id entry_id, Id network_id) = 0;
    /// The networks an entry is shared with (not its own), by id.
    virtual std::vector<Id> knowledge_shares(Id entry_id) = 0;
    /// Sets a network's central question and shared ambition (empty: not set).
    virtual void set_network_aims(Id network_id, std::string_view central_question,
                                  std::string_view ambition) = 0;

    // ---- questions to the network ---------------------------------------------------------------
    /// Stores a new question with the next number of its network; returns its id.
    virtual Id create_question(const Question& question) = 0;
    virtual std::optional<Question> question(Id id) = 0;
    /// The question a network knows by this number, if any (drafts included).
    virtual std::optional<Question> question_by_number(Id network_id, int number) = 0;
    /// Overwrites status, tags, round, escalated, helpful answer and closed_at.
    virtual void update_question(const Question& question) = 0;
    /// Deletes a question that was never sent on (a draft), with everything attached to it.
    virtual void delete_question(Id id) = 0;
    /// A network's questions in a state, newest first, at most `limit`.
    virtual std::vector<Question> questions_of_network(Id network_id, QuestionStatus status,
                                                       int limit) = 0;
    /// Records that a member was asked to answer (once per question and member).
    virtual void add_question_route(const QuestionRoute& route) = 0;
    /// Who was asked, in the order they were asked.
    virtual std::vector<QuestionRoute> question_routes(Id question_id) = 0;
    /// The routing load of every member that was ever asked (members not listed were never asked).
    virtual std::vector<RouteLoad> route_loads() = 0;
    virtual Id create_answer(const Answer& answer) = 0;
    virtual std::optional<Answer> answer(Id id) = 0;
    /// A question's answers, oldest first (their position is the number members type).
    virtual std::vector<Answer> answers_of(Id question_id) = 0;
    /// Overwrites helpful and consent.
    virtual void update_answer(const Answer& answer) = 0;
    /// Every answer given in a network, with its question's tags: who knows what.
    virtual std::vector<AnswerEvidence> answer_evidence(Id network_id) = 0;
    /// Links a sent message (outbox id) to the question it shows, so a reply to it is an answer.
    virtual void add_question_message(Id question_id, Id message_id, QuestionMessageKind kind) = 0;
    virtual std::optional<Id> question_of_message(Id message_id) = 0;
    /// The outbox ids of a question's posts in network conversations, oldest first.
    virtual std::vector<Id> question_posts(Id question_id) = 0;
    /// Until when a member does not want to be asked questions; nullopt clears the pause.
    virtual void set_member_pause(Id member_id, std::optional<Instant> until) = 0;
    virtual std::optional<Instant> member_pause(Id member_id) = 0;
    /// How many members a network's questions go to; nullopt: the default.
    virtual std::optional<int> question_route_count(Id network_id) = 0;
    virtual void set_question_route_count(Id network_id, int count) = 0;
};

}  // namespace leernetwerk
