#pragma once
// The core's Store kept in plain maps, with the semantics of storage/sqlite_store.* (orderings,
// numbers per network, uniqueness, what deleting a member or a message takes with it). It proves
// the port needs no SQL, and lets the conversation tests run on a second backend
// (unit_bot_memory). A transaction copies the state and puts the copy back when its work throws.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bot/ports/store.hpp"

namespace leernetwerk::testing {

/// Everything a MemoryStore keeps; copied whole by transaction() and savepoint().
struct MemoryState {
    /// An outbox row and the columns the core does not read back.
    struct OutboxEntry {
        OutboxRow row;
        std::optional<ReplyCause> cause;
        std::string sealed_with;  ///< the key a sealed row was sealed with; empty: not sealed
        std::optional<Instant> sent_at;
        std::optional<Instant> failed_at;
    };
    struct MemberEntry {
        Member member;  ///< school_name and expertise are kept apart
        std::string name_key;
        std::vector<std::pair<std::string, std::string>> expertise;  ///< tag, folded tag
    };
    struct MembershipEntry {
        Membership membership;
        std::optional<Instant> left_at;
    };
    struct KnowledgeShare {
        std::optional<Id> shared_by;
        Instant shared_at{};
        int number = 0;
    };
    struct RespondentEntry {
        std::optional<Id> member_id;
    };
    struct QuestionRouteEntry {
        Id id = 0;
        QuestionRoute route;
    };

    // Sequences of the tables SQLite gives AUTOINCREMENT ids (never handed out twice).
    Id outbox_seq = 0;
    Id reminder_rule_seq = 0;
    Id agenda_item_seq = 0;
    Id knowledge_seq = 0;
    Id question_seq = 0;
    Id pending_seq = 0;

    std::map<std::pair<Platform, std::string>, Instant> inbox;
    std::map<Id, OutboxEntry> outbox;
    std::map<std::string, std::string> adapter_state;

    std::map<Id, Network> networks;  ///< name_key is fold(name)
    std::map<std::pair<Platform, std::string>, Id> conversations;
    std::map<std::pair<Platform, std::string>, ConversationRef> conversation_refs;

    std::map<Id, School> schools;
    std::map<Id, MemberEntry> members;
    std::map<std::pair<Platform, std::string>, Id> identities;
    std::vector<MembershipEntry> memberships;  ///< in insertion (rowid) order

    std::map<std::string, LinkCode> link_codes;
    std::vector<std::tuple<Platform, std::string, Instant>> link_failures;

    std::map<Id, Meeting> meetings;
    std::set<std::tuple<int, int, unsigned>> cafe_weeks;

    std::map<Id, PendingAction> pending;
    std::map<Id, ReminderRule> reminder_rules;
    std::vector<Rsvp> rsvps;
    std::map<Id, Job> jobs;
    std::map<std::string, CalendarFeed> calendar_feeds;

    std::map<std::pair<Id, std::string>, int> network_numbers;

    std::map<Id, AgendaItem> agenda_items;                        ///< dots are counted when read
    std::map<std::pair<Id, Id>, std::pair<Id, int>> agenda_dots;  ///< (item, member): network, dots
    std::map<Id, AgendaRound> agenda_rounds;

    std::map<Id, Poll> polls;
    std::set<std::pair<Id, Id>> poll_invitees;
    std::map<std::pair<Id, std::string>, RespondentEntry> poll_respondents;
    std::map<std::tuple<Id, std::string, int>, std::string> poll_answers;
    std::map<std::pair<Id, std::string>, std::string> poll_ballots;  ///< (poll, slot): sealed
    std::map<Id, Id> poll_messages;                                  ///< message → poll
    std::map<Id, int> poll_settings;

    std::map<Id, KnowledgeEntry> knowledge;
    std::map<std::pair<Id, Id>, KnowledgeShare> knowledge_shares;  ///< (entry, network)

    std::map<Id, Question> questions;
    std::vector<QuestionRouteEntry> question_routes;
    Id question_route_seq = 0;
    std::map<Id, Answer> answers;
    std::map<Id, std::pair<Id, QuestionMessageKind>> question_messages;  ///< message → question
    std::map<Id, Instant> member_pauses;
    std::map<Id, int> question_route_counts;

    std::map<Id, AttendanceList> attendance_lists;
    std::map<std::pair<Id, Id>, AttendanceMark> attendance;  ///< (meeting, member)
    std::map<Id, HoursCorrection> hours_corrections;
    Id hours_correction_seq = 0;
    std::map<Id, Gift> gifts;
    Id gift_seq = 0;
    std::map<std::pair<Id, int>, YearClosure> year_closures;
};

/// The Store in memory; see MemoryState.
class MemoryStore final : public Store {
public:
    MemoryStore() = default;

    /// A copy of everything kept (to compare before and after a step).
    const MemoryState& state() const { return state_; }

    void transaction(const std::function<void()>& work) override;
    void savepoint(const std::function<void()>& work) override;

    bool remember_event(Platform platform, std::string_view event_id, Instant now) override;
    int prune_inbox(Instant before) override;

    void use_sealing_key(std::string key) override;
    Id append_outbox(const OutboundMessage& message, Instant now) override;
    std::vector<OutboxRow> due_outbox(Platform platform, Instant now, int limit,
                                      Id after_id = 0) override;
    std::vector<OutboxRow> outbox_in_state(Platform platform, OutboxState state) override;
    std::optional<OutboxRow> outbox_row(Id id) override;
    std::optional<OutboxRow> outbox_row_by_remote_id(Platform platform,
                                                     std::string_view remote_id) override;
    void mark_outbox_sending(Id id, Instant now) override;
    void mark_outbox_sent(Id id, std::string_view remote_id, Instant now) override;
    void mark_outbox_retry(Id id, Instant next_attempt, std::string_view error) override;
    void mark_outbox_failed(Id id, std::string_view error, Instant now) override;
    std::optional<ReplyCause> outbox_cause(Id id) override;
    int prune_outbox(Instant before) override;
    int outbox_depth(Platform platform) override;

    Id create_network(const Network& network) override;
    std::optional<Network> network(Id id) override;
    std::optional<Network> find_network_by_name(std::string_view name) override;
    std::vector<Network> networks() override;
    void bind_conversation(const ConversationBinding& binding) override;
    std::optional<Id> network_of_conversation(Platform platform,
                                              std::string_view conversation_id) override;
    std::vector<ConversationBinding> conversations_of_network(Id network_id) override;
    void save_conversation_ref(const ConversationRef& ref) override;
    std::optional<ConversationRef> conversation_ref(Platform platform,
                                                    std::string_view conversation_id) override;
    std::optional<ConversationRef> direct_conversation_with(Platform platform,
                                                            std::string_view user_id) override;
    std::optional<ConversationRef> latest_conversation_ref(Platform platform) override;

    Id school_id(std::string_view name) override;
    Id create_member(const Member& member) override;
    std::optional<Member> member(Id id) override;
    std::optional<Member> member_by_identity(Platform platform, std::string_view user_id) override;
    std::vector<Member> members() override;
    void set_member_school(Id member_id, std::optional<Id> school_id) override;
    void set_member_language(Id member_id, std::optional<Lang> language) override;
    void set_member_display_name(Id member_id, std::string_view name) override;
    void set_member_expertise(Id member_id, const std::vector<std::string>& tags) override;
    void set_active_network(Id member_id, std::optional<Id> network_id) override;
    void link_identity(const Identity& identity) override;
    std::vector<Identity> identities_of(Id member_id) override;

    void create_link_code(const LinkCode& code) override;
    std::optional<LinkCode> link_code(std::string_view hash) override;
    void mark_link_code_used(std::string_view hash, Instant now) override;
    void record_link_failure(Platform platform, std::string_view user_id, Instant now) override;
    int link_failures_since(Platform platform, std::string_view user_id, Instant since) override;
    void merge_members(Id into, Id from) override;
    std::optional<OutboxRow> latest_direct_delivery(Platform platform,
                                                    std::string_view user_id) override;

    void add_membership(const Membership& membership) override;
    void end_membership(Id network_id, Id member_id, Instant now) override;
    std::optional<Membership> membership(Id network_id, Id member_id) override;
    std::vector<Membership> memberships_of(Id member_id) override;
    std::vector<RosterEntry> roster(Id network_id) override;

    Id create_meeting(const Meeting& meeting) override;
    void update_meeting(const Meeting& meeting) override;
    std::optional<Meeting> meeting(Id id) override;
    std::vector<Meeting> meetings_of(Id network_id) override;
    void set_cafe_weeks(int school_year, const std::vector<CafeWeek>& weeks) override;
    std::vector<CafeWeek> cafe_weeks(int school_year) override;

    Id create_pending(const PendingAction& pending) override;
    std::optional<PendingAction> pending(Id id) override;
    std::vector<PendingAction> pending_of_member(Id member_id) override;
    void set_pending_question(Id pending_id, Id message_id) override;
    void delete_pending(Id id) override;

    std::optional<std::string> adapter_state(std::string_view key) override;
    void set_adapter_state(std::string_view key, std::string_view value, Instant now) override;

    std::vector<ReminderRule> reminder_rules(Id network_id) override;
    std::optional<ReminderRule> reminder_rule(Id id) override;
    Id create_reminder_rule(const ReminderRule& rule) override;
    void update_reminder_rule(const ReminderRule& rule) override;
    void delete_reminder_rule(Id id) override;
    void set_rsvp(const Rsvp& rsvp) override;
    std::vector<Rsvp> rsvps_of(Id meeting_id) override;
    void clear_rsvps(Id meeting_id) override;

    Id schedule_job(const Job& job) override;
    std::vector<Job> due_jobs(Instant now, int limit) override;
    void finish_job(Id id) override;
    void cancel_job(std::string_view kind, std::string_view key) override;
    std::optional<Job> job(std::string_view kind, std::string_view key) override;
    std::vector<Job> jobs_with_key_prefix(std::string_view kind,
                                          std::string_view key_prefix) override;
    std::optional<Instant> next_job_due() override;

    void replace_calendar_feed(const CalendarFeed& feed) override;
    std::optional<CalendarFeed> calendar_feed(std::string_view token_hash) override;
    bool has_calendar_feed(Id network_id, std::optional<Id> member_id) override;

    std::vector<PastMembership> ended_memberships_of(Id member_id) override;
    std::vector<Rsvp> rsvps_of_member(Id member_id) override;
    int outbox_count_for_member(Id member_id) override;
    void erase_member(Id member_id) override;
    void release_outbox_row(Id id, const Content& content) override;

    Id create_agenda_item(const AgendaItem& item) override;
    std::optional<AgendaItem> agenda_item(Id id) override;
    std::optional<AgendaItem> agenda_item_by_number(Id network_id, int number) override;
    std::vector<AgendaItem> agenda_items(Id network_id) override;
    void update_agenda_item(const AgendaItem& item) override;
    void delete_agenda_item(Id id) override;
    void merge_agenda_items(Id into, Id from) override;
    void set_agenda_dots(Id network_id, Id member_id, const std::vector<AgendaDot>& dots) override;
    std::vector<AgendaDot> agenda_dots(Id network_id) override;
    void clear_agenda_dots(Id network_id) override;
    std::optional<AgendaRound> agenda_round(Id network_id) override;
    void save_agenda_round(const AgendaRound& round) override;

    Id create_poll(const Poll& poll) override;
    std::optional<Poll> poll(Id id) override;
    std::optional<Poll> poll_by_number(Id network_id, int number) override;
    std::vector<Poll> polls_of(Id network_id) override;
    std::vector<Poll> open_polls() override;
    void close_poll(Id id, Instant now) override;
    void add_poll_invitees(Id poll_id, const std::vector<Id>& member_ids) override;
    std::vector<Id> poll_invitees(Id poll_id) override;
    bool add_poll_respondent(Id poll_id, std::string_view token,
                             std::optional<Id> member_id) override;
    std::vector<PollRespondent> poll_respondents(Id poll_id) override;
    bool set_poll_answer(Id poll_id, const PollAnswer& answer) override;
    std::vector<PollAnswer> poll_answers(Id poll_id) override;
    std::vector<PollAnswer> poll_answers_of(Id poll_id, std::string_view token) override;
    void merge_poll_respondent(Id poll_id, std::string_view into_token,
                               std::string_view from_token) override;
    void remove_poll_answers(Id poll_id) override;
    void replace_poll_ballots(Id poll_id, const std::vector<SealedBallot>& ballots) override;
    std::vector<SealedBallot> poll_ballots(Id poll_id) override;
    void link_poll_message(Id message_id, Id poll_id) override;
    int forget_poll_messages(Id poll_id) override;
    std::vector<Id> closed_polls_with_messages() override;
    void compact_after_commit() override;
    std::optional<int> poll_min_respondents(Id network_id) override;
    void set_poll_min_respondents(Id network_id, int count) override;

    Id create_knowledge_entry(const KnowledgeEntry& entry) override;
    std::optional<KnowledgeEntry> knowledge_entry(Id id) override;
    std::optional<KnowledgeEntry> knowledge_entry_by_number(Id network_id, int number) override;
    std::optional<int> knowledge_number_in(Id entry_id, Id network_id) override;
    void update_knowledge_entry(const KnowledgeEntry& entry) override;
    void delete_knowledge_entry(Id id) override;
    std::vector<KnowledgeEntry> knowledge_entries(Id network_id) override;
    std::vector<KnowledgeEntry> knowledge_entries_by_author(Id member_id) override;
    std::vector<KnowledgeEntry> anonymous_knowledge_entries_of(Id member_id) override;
    std::vector<KnowledgeHit> search_knowledge(const std::vector<Id>& network_ids,
                                               std::string_view words, int limit) override;
    void share_knowledge_entry(Id entry_id, Id network_id, std::optional<Id> shared_by,
                               Instant now) override;
    void unshare_knowledge_entry(Id entry_id, Id network_id) override;
    std::vector<Id> knowledge_shares(Id entry_id) override;
    void set_network_aims(Id network_id, std::string_view central_question,
                          std::string_view ambition) override;

    Id create_question(const Question& question) override;
    std::optional<Question> question(Id id) override;
    std::optional<Question> question_by_number(Id network_id, int number) override;
    void update_question(const Question& question) override;
    void delete_question(Id id) override;
    std::vector<Question> questions_of_network(Id network_id, QuestionStatus status,
                                               int limit) override;
    void add_question_route(const QuestionRoute& route) override;
    std::vector<QuestionRoute> question_routes(Id question_id) override;
    std::vector<RouteLoad> route_loads() override;
    Id create_answer(const Answer& answer) override;
    std::optional<Answer> answer(Id id) override;
    std::vector<Answer> answers_of(Id question_id) override;
    void update_answer(const Answer& answer) override;
    std::vector<AnswerEvidence> answer_evidence(Id network_id) override;
    void add_question_message(Id question_id, Id message_id, QuestionMessageKind kind) override;
    std::optional<Id> question_of_message(Id message_id) override;
    std::vector<Id> question_posts(Id question_id) override;
    void set_member_pause(Id member_id, std::optional<Instant> until) override;
    std::optional<Instant> member_pause(Id member_id) override;
    std::optional<int> question_route_count(Id network_id) override;
    void set_question_route_count(Id network_id, int count) override;

    bool open_attendance(Id meeting_id, Instant now) override;
    std::optional<AttendanceList> attendance_list(Id meeting_id) override;
    void close_attendance(Id meeting_id, Instant now) override;
    void reopen_attendance(Id meeting_id) override;
    void set_attendance_card(Id meeting_id, Id message_id) override;
    void set_attendance(const AttendanceMark& mark) override;
    std::vector<AttendanceMark> attendance_of(Id meeting_id) override;
    std::vector<AttendanceMark> attendance_of_member(Id member_id) override;
    Id add_hours_correction(const HoursCorrection& correction) override;
    std::vector<HoursCorrection> hours_corrections(Id network_id, int school_year) override;
    std::vector<HoursCorrection> hours_corrections_of_member(Id member_id) override;
    Id add_gift(const Gift& gift) override;
    std::vector<Gift> gifts(Id network_id, int school_year) override;
    std::vector<Gift> gifts_of_member(Id member_id) override;
    void mark_gift_given(Id gift_id, Instant now) override;
    void close_year(const YearClosure& closure) override;
    std::optional<YearClosure> year_closure(Id network_id, int school_year) override;

private:
    /// Erasure and merging of members for the participation rows (memory_store_participation.cpp).
    void erase_participation(Id member_id);
    void merge_participation(Id into, Id from);
    /// Runs `work` on a copy of the state: kept when it returns, dropped when it throws.
    void atomically(const std::function<void()>& work);
    /// The row as the core reads it (a sealed row opened with the current key; throws StoreError
    /// when the key is another).
    OutboxRow read_outbox(const MemoryState::OutboxEntry& entry) const;
    /// Deletes outbox rows, with what refers to them (ON DELETE CASCADE / SET NULL in SQLite).
    void delete_outbox_rows(const std::set<Id>& ids);
    /// Deletes a member row, with what refers to it.
    void delete_member_row(Id member_id);
    void delete_question_row(Id id);
    void delete_knowledge_row(Id id);
    void delete_agenda_row(Id id);
    MemoryState::MemberEntry& member_entry(Id id, std::string_view operation);
    Member read_member(const MemoryState::MemberEntry& entry) const;
    AgendaItem read_agenda_item(const AgendaItem& item) const;
    /// The recipient of a sealed row as the current key reads it (0 when it cannot).
    Id sealed_recipient(const MemoryState::OutboxEntry& entry) const;
    int next_number(Id network_id, const std::string& kind);

    MemoryState state_;
    std::string sealing_key_;
    bool in_transaction_ = false;
    int savepoint_depth_ = 0;
};

}  // namespace leernetwerk::testing
