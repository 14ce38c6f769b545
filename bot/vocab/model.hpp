#pragma once
// The domain: networks, schools, members and their platform identities, roles, meetings and
// café weeks. Plain data; behaviour lives in the Bot, persistence behind the Store.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/i18n/lang.hpp"
#include "bot/vocab/when.hpp"

namespace leernetwerk {

/// Database row id. 0 means "not stored yet".
using Id = std::int64_t;

enum class Platform { console, teams, matrix };
std::string_view platform_code(Platform platform);
std::optional<Platform> parse_platform_code(std::string_view code);

/// A member's role in one network (DOMAIN.md §1.2).
enum class Role { participant, organiser, facilitator, workshop_leader, expert, guest };
/// Stable code stored in the database: "participant", "organiser", ...
std::string_view role_code(Role role);
std::optional<Role> parse_role_code(std::string_view code);
/// Organisers and facilitators run the network: plan meetings, manage members.
bool can_manage_network(Role role);

/// A learning network (in HSN: an HSN-café).
struct Network {
    Id id = 0;
    std::string name;
    std::string theme;
    std::string time_zone = "Europe/Amsterdam";
    int meeting_cap = 4;  ///< meetings per school year before the bot warns (HSN: 4)
    Instant created_at{};
    std::string central_question;  ///< the network's central question (startdocument), or empty
    std::string ambition;          ///< the shared ambition (gezamenlijke ambitie), or empty
};

struct School {
    Id id = 0;
    std::string name;
};

/// One person, who may reach the bot on several platforms.
struct Member {
    Id id = 0;
    std::string display_name;
    std::optional<Id> school_id;
    std::string school_name;              ///< filled in when read; ignored when written
    std::optional<Lang> language;         ///< nullopt: the installation's default
    std::vector<std::string> expertise;   ///< tags, as the member typed them
    std::optional<Id> active_network_id;  ///< the network commands act on in direct chats
    Instant created_at{};
};

/// A member's account on one platform (Teams AAD/29: id, Matrix user id, console name).
struct Identity {
    Platform platform = Platform::console;
    std::string user_id;
    Id member_id = 0;
};

struct Membership {
    Id network_id = 0;
    Id member_id = 0;
    Role role = Role::participant;
    Instant joined_at{};
};

/// A membership that ended (kept as history: who was in the network, and until when).
struct PastMembership {
    Id network_id = 0;
    Role role = Role::participant;
    Instant joined_at{};
    Instant left_at{};
};

enum class MeetingStatus { planned, cancelled };
std::string_view meeting_status_code(MeetingStatus status);
std::optional<MeetingStatus> parse_meeting_status_code(std::string_view code);

/// A network meeting, kept as local wall time in the network's zone plus the UTC instant.
struct Meeting {
    Id id = 0;
    Id network_id = 0;
    LocalTime local_start{};
    Instant starts_at{};
    int duration_minutes = 120;
    std::string location;
    std::string topic;
    std::vector<Id> preparer_ids;
    MeetingStatus status = MeetingStatus::planned;
    Instant created_at{};
    int revision = 0;  ///< counts changes (moved, cancelled): the iCalendar SEQUENCE
};

/// A week set aside for network meetings (HSN-caféweek, designated in ParnasSys).
struct CafeWeek {
    int school_year = 0;  ///< first calendar year of the school year
    int iso_year = 0;
    unsigned iso_week = 0;
};

/// A conversation on a platform that belongs to a network (a Teams channel, a Matrix room).
struct ConversationBinding {
    Platform platform = Platform::console;
    std::string conversation_id;
    Id network_id = 0;
};

/// How to reach a conversation on its platform, as the platform last described it.
struct ConversationRef {
    Platform platform = Platform::console;
    std::string conversation_id;
    bool direct = false;
    std::string service_url;  ///< Teams: where the connector for this conversation lives
    std::string tenant_id;    ///< Teams: needed to open direct chats
    std::string user_id;      ///< for a direct conversation: the member's platform id
    std::string bot_id;       ///< the bot's own id in this conversation (Teams "28:…")
    Instant updated_at{};
};

/// Something a member must confirm before it happens (e.g. a meeting outside a café week).
struct PendingAction {
    Id id = 0;
    Id member_id = 0;
    Id network_id = 0;
    std::string kind;     ///< e.g. "plan_meeting", "move_meeting"
    std::string payload;  ///< the core's own encoding of what to do
    Instant created_at{};
    Instant expires_at{};
    std::optional<Id> question_message_id;  ///< outbox id of the Ja/Nee question, to update it
};

/// What a reminder rule is for (issue: reminders). Each kind has its own wording and catch-up
/// window.
enum class ReminderKind {
    cafe_week_announcement,  ///< the Monday before a café week, to the network
    preparer_nudge,          ///< weeks before a meeting, to those who prepare it
    agenda_call,             ///< two weeks before: what should be on the agenda? and: do you come?
    agenda_digest,           ///< days before: what is on the agenda, who comes
    meeting_reminder,        ///< the day before: time, place, topic, who prepares
    rsvp_nudge,              ///< days before, only to members who have not said whether they come
    evaluation_prompt,       ///< the day after: how was it?
    custom,                  ///< a facilitator's own message
};
std::string_view reminder_kind_code(ReminderKind kind);
std::optional<ReminderKind> parse_reminder_kind_code(std::string_view code);

/// What a rule's offset counts from.
enum class ReminderAnchor {
    meeting,    ///< the day of a meeting
    cafe_week,  ///< the Monday of a café week
};
std::string_view reminder_anchor_code(ReminderAnchor anchor);
std::optional<ReminderAnchor> parse_reminder_anchor_code(std::string_view code);

/// Who a reminder goes to.
enum class Audience {
    group,          ///< the network's group conversations (each member directly when it has none)
    members,        ///< each member in their direct conversation
    role,           ///< members with one role, directly
    preparers,      ///< the meeting's preparers, directly (the organisers when none are named)
    not_responded,  ///< members who have not said whether they come, directly
};
std::string_view audience_code(Audience audience);
std::optional<Audience> parse_audience_code(std::string_view code);

/// A network's rule: "`offset_days` from the anchor day, at `time_of_day` local time, to
/// `audience`".
struct ReminderRule {
    Id id = 0;
    Id network_id = 0;
    ReminderKind kind = ReminderKind::custom;
    ReminderAnchor anchor = ReminderAnchor::meeting;
    int offset_days = 0;                       ///< negative: before the anchor day
    std::chrono::minutes time_of_day{9 * 60};  ///< local wall time in the network's zone
    Audience audience = Audience::group;
    Role role = Role::participant;  ///< for Audience::role
    bool enabled = true;
    std::string text;  ///< for custom rules: the message, as the facilitator typed it
    Instant created_at{};
};

/// A member's answer to "do you come?".
enum class RsvpAnswer { coming, not_coming };
std::string_view rsvp_answer_code(RsvpAnswer answer);
std::optional<RsvpAnswer> parse_rsvp_answer_code(std::string_view code);

struct Rsvp {
    Id meeting_id = 0;
    Id member_id = 0;
    RsvpAnswer answer = RsvpAnswer::coming;
    std::string reason;  ///< for not_coming, optional
    Instant updated_at{};
};

enum class JobState { due, done, cancelled };

/// A scheduler job: something the bot must do at an instant, once.
struct Job {
    Id id = 0;
    std::string kind;
    std::string key;  ///< unique per kind: scheduling the same (kind, key) twice keeps one job
    Instant due_at{};
    std::string payload;
    JobState state = JobState::due;
};

// ---- knowledge base ---------------------------------------------------------------------------

/// What a knowledge entry is: a Q&A, meeting notes, a resource with a link.
enum class KnowledgeKind { answer, note, resource };
std::string_view knowledge_kind_code(KnowledgeKind kind);
std::optional<KnowledgeKind> parse_knowledge_kind_code(std::string_view code);

/// Retired entries are kept (and can be restored) but are not found by search.
enum class KnowledgeStatus { active, retired };
std::string_view knowledge_status_code(KnowledgeStatus status);
std::optional<KnowledgeStatus> parse_knowledge_status_code(std::string_view code);

/// An entry of a network's knowledge base (kennisbank).
struct KnowledgeEntry {
    Id id = 0;
    Id network_id = 0;
    /// What members of its own network see and type ("kennis 5"), per network, set by the store.
    /// A network it is shared with gives it a number of its own (Store::knowledge_number_in).
    int number = 0;
    KnowledgeKind kind = KnowledgeKind::answer;
    std::string title;  ///< the question; or the note's or resource's title
    std::string body;   ///< the answer; or the note; or what the resource offers
    std::string link;   ///< a resource's address (http/https only), else empty
    std::vector<std::string> tags;
    std::optional<Id> author_member_id;  ///< nullopt: anonymous (or anonymised later)
    std::optional<Id> question_id;       ///< the routed question it came from, if any
    KnowledgeStatus status = KnowledgeStatus::active;
    Instant created_at{};
    Instant updated_at{};
};

/// One search result.
struct KnowledgeHit {
    KnowledgeEntry entry;
    std::string snippet;  ///< core Markdown: the matched words in **bold**, the rest escaped
};

}  // namespace leernetwerk
