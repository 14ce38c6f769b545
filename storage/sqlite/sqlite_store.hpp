#pragma once
// The Store on SQLite: one connection, used from one thread. WAL mode for file databases, foreign
// keys on, and the schema brought up to date by versioned migrations when the database is opened.
// Each repository's methods are defined in the file named at its group below.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/ports/store.hpp"

namespace leernetwerk::storage {

class SqliteStore final : public Store {
public:
    /// Opens (creating it and its parent directory if missing) and migrates a database file, or
    /// ":memory:". Throws StoreError naming the path when it cannot be opened or migrated, when it
    /// is not a Leernetwerk database, or when it was written by a newer version.
    static std::unique_ptr<SqliteStore> open(const std::string& path);

    /// The schema version this build creates and understands.
    static int schema_version();
    /// The schema version recorded in the database (`PRAGMA user_version`).
    int user_version();

    ~SqliteStore() override;
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;

    // ---- UnitOfWork (sqlite_store.cpp)
    void transaction(const std::function<void()>& work) override;
    void savepoint(const std::function<void()>& work) override;
    void compact_after_commit() override;

    // ---- Inbox (inbox.cpp)
    bool remember_event(Platform platform, std::string_view event_id, Instant now) override;
    int prune_inbox(Instant before) override;

    // ---- Outbox (outbox.cpp)
    void use_sealing_key(std::string key) override;
    Id append_outbox(const OutboundMessage& message, Instant now) override;
    std::optional<OutboxRow> outbox_row(Id id) override;
    std::optional<OutboxRow> outbox_row_by_remote_id(Platform platform,
                                                     std::string_view remote_id) override;
    std::optional<ReplyCause> outbox_cause(Id id) override;
    std::optional<OutboxRow> latest_direct_delivery(Platform platform,
                                                    std::string_view user_id) override;
    void release_outbox_row(Id id, const Content& content) override;

    // ---- DeliveryStore (delivery_store.cpp)
    std::vector<OutboxRow> due_outbox(Platform platform, Instant now, int limit,
                                      Id after_id = 0) override;
    std::vector<OutboxRow> outbox_in_state(Platform platform, OutboxState state) override;
    void mark_outbox_sending(Id id, Instant now) override;
    void mark_outbox_sent(Id id, std::string_view remote_id, Instant now) override;
    void mark_outbox_retry(Id id, Instant next_attempt, std::string_view error) override;
    void mark_outbox_failed(Id id, std::string_view error, Instant now) override;
    int prune_outbox(Instant before) override;
    int outbox_depth(Platform platform) override;

    // ---- AdapterState (adapter_state.cpp)
    std::optional<std::string> adapter_state(std::string_view key) override;
    void set_adapter_state(std::string_view key, std::string_view value, Instant now) override;

    // ---- Networks (networks.cpp)
    Id create_network(const Network& network) override;
    std::optional<Network> network(Id id) override;
    std::optional<Network> find_network_by_name(std::string_view name) override;
    std::vector<Network> networks() override;
    void set_network_aims(Id network_id, std::string_view central_question,
                          std::string_view ambition) override;
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

    // ---- Members (members.cpp)
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

    // ---- Memberships (memberships.cpp)
    void add_membership(const Membership& membership) override;
    void end_membership(Id network_id, Id member_id, Instant now) override;
    std::optional<Membership> membership(Id network_id, Id member_id) override;
    std::vector<Membership> memberships_of(Id member_id) override;
    std::vector<RosterEntry> roster(Id network_id) override;

    // ---- Meetings (meetings.cpp)
    Id create_meeting(const Meeting& meeting) override;
    void update_meeting(const Meeting& meeting) override;
    std::optional<Meeting> meeting(Id id) override;
    std::vector<Meeting> meetings_of(Id network_id) override;
    void set_cafe_weeks(int school_year, const std::vector<CafeWeek>& weeks) override;
    std::vector<CafeWeek> cafe_weeks(int school_year) override;

    // ---- Confirmations (confirmations.cpp)
    Id create_pending(const PendingAction& pending) override;
    std::optional<PendingAction> pending(Id id) override;
    std::vector<PendingAction> pending_of_member(Id member_id) override;
    void set_pending_question(Id pending_id, Id message_id) override;
    void delete_pending(Id id) override;

    // ---- Reminders (reminders.cpp)
    std::vector<ReminderRule> reminder_rules(Id network_id) override;
    std::optional<ReminderRule> reminder_rule(Id id) override;
    Id create_reminder_rule(const ReminderRule& rule) override;
    void update_reminder_rule(const ReminderRule& rule) override;
    void delete_reminder_rule(Id id) override;
    void set_rsvp(const Rsvp& rsvp) override;
    std::vector<Rsvp> rsvps_of(Id meeting_id) override;
    void clear_rsvps(Id meeting_id) override;

    // ---- Scheduler (scheduler.cpp)
    Id schedule_job(const Job& job) override;
    std::vector<Job> due_jobs(Instant now, int limit) override;
    void finish_job(Id id) override;
    void cancel_job(std::string_view kind, std::string_view key) override;
    std::optional<Job> job(std::string_view kind, std::string_view key) override;
    std::vector<Job> jobs_with_key_prefix(std::string_view kind,
                                          std::string_view key_prefix) override;
    std::optional<Instant> next_job_due() override;

    // ---- CalendarFeeds (calendar_feeds.cpp)
    void replace_calendar_feed(const CalendarFeed& feed) override;
    std::optional<CalendarFeed> calendar_feed(std::string_view token_hash) override;
    bool has_calendar_feed(Id network_id, std::optional<Id> member_id) override;

    // ---- PersonalData (personal_data.cpp)
    std::vector<PastMembership> ended_memberships_of(Id member_id) override;
    std::vector<Rsvp> rsvps_of_member(Id member_id) override;
    int outbox_count_for_member(Id member_id) override;
    void erase_member(Id member_id) override;

    // ---- Agenda (agenda.cpp)
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

    // ---- Polls (polls.cpp)
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
    std::optional<int> poll_min_respondents(Id network_id) override;
    void set_poll_min_respondents(Id network_id, int count) override;

    // ---- Knowledge (knowledge.cpp)
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

    // ---- Attendance (attendance.cpp)
    bool open_attendance(Id meeting_id, Instant now) override;
    std::optional<AttendanceList> attendance_list(Id meeting_id) override;
    void close_attendance(Id meeting_id, Instant now) override;
    void reopen_attendance(Id meeting_id) override;
    void set_attendance_card(Id meeting_id, Id message_id) override;
    void set_attendance(const AttendanceMark& mark) override;
    std::vector<AttendanceMark> attendance_of(Id meeting_id) override;
    std::vector<AttendanceMark> attendance_of_member(Id member_id) override;

    // ---- Hours (hours.cpp)
    Id add_hours_correction(const HoursCorrection& correction) override;
    std::vector<HoursCorrection> hours_corrections(Id network_id, int school_year) override;
    std::vector<HoursCorrection> hours_corrections_of_member(Id member_id) override;
    Id add_gift(const Gift& gift) override;
    std::vector<Gift> gifts(Id network_id, int school_year) override;
    std::vector<Gift> gifts_of_member(Id member_id) override;
    void mark_gift_given(Id gift_id, Instant now) override;
    void close_year(const YearClosure& closure) override;
    std::optional<YearClosure> year_closure(Id network_id, int school_year) override;

    // ---- Questions (questions.cpp)
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

private:
    struct Impl;
    explicit SqliteStore(std::unique_ptr<Impl> impl);
    /// Reads the polls a query selects, with their questions (polls.cpp).
    std::vector<Poll> read_polls(std::string_view sql, std::optional<Id> bound);

    std::unique_ptr<Impl> impl_;
};

}  // namespace leernetwerk::storage
