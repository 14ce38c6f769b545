#include "bot/vocab/model.hpp"

#include <array>
#include <utility>

#include "bot/vocab/content.hpp"

namespace leernetwerk {
namespace {

template <typename Enum, std::size_t N>
std::optional<Enum> find_code(const std::array<std::pair<Enum, std::string_view>, N>& table,
                              std::string_view code) {
    for (const auto& [value, name] : table) {
        if (name == code) {
            return value;
        }
    }
    return std::nullopt;
}

template <typename Enum, std::size_t N>
std::string_view code_of(const std::array<std::pair<Enum, std::string_view>, N>& table,
                         Enum value) {
    for (const auto& [candidate, name] : table) {
        if (candidate == value) {
            return name;
        }
    }
    return "?";
}

constexpr std::array<std::pair<Platform, std::string_view>, 3> kPlatforms{{
    {Platform::console, "console"},
    {Platform::teams, "teams"},
    {Platform::matrix, "matrix"},
}};

constexpr std::array<std::pair<Role, std::string_view>, 6> kRoles{{
    {Role::participant, "participant"},
    {Role::organiser, "organiser"},
    {Role::facilitator, "facilitator"},
    {Role::workshop_leader, "workshop_leader"},
    {Role::expert, "expert"},
    {Role::guest, "guest"},
}};

constexpr std::array<std::pair<MeetingStatus, std::string_view>, 2> kMeetingStatuses{{
    {MeetingStatus::planned, "planned"},
    {MeetingStatus::cancelled, "cancelled"},
}};

constexpr std::array<std::pair<ReminderKind, std::string_view>, 8> kReminderKinds{{
    {ReminderKind::cafe_week_announcement, "cafe_week_announcement"},
    {ReminderKind::preparer_nudge, "preparer_nudge"},
    {ReminderKind::agenda_call, "agenda_call"},
    {ReminderKind::agenda_digest, "agenda_digest"},
    {ReminderKind::meeting_reminder, "meeting_reminder"},
    {ReminderKind::rsvp_nudge, "rsvp_nudge"},
    {ReminderKind::evaluation_prompt, "evaluation_prompt"},
    {ReminderKind::custom, "custom"},
}};

constexpr std::array<std::pair<ReminderAnchor, std::string_view>, 2> kReminderAnchors{{
    {ReminderAnchor::meeting, "meeting"},
    {ReminderAnchor::cafe_week, "cafe_week"},
}};

constexpr std::array<std::pair<Audience, std::string_view>, 5> kAudiences{{
    {Audience::group, "group"},
    {Audience::members, "members"},
    {Audience::role, "role"},
    {Audience::preparers, "preparers"},
    {Audience::not_responded, "not_responded"},
}};

constexpr std::array<std::pair<RsvpAnswer, std::string_view>, 2> kRsvpAnswers{{
    {RsvpAnswer::coming, "coming"},
    {RsvpAnswer::not_coming, "not_coming"},
}};

constexpr std::array<std::pair<OutboxState, std::string_view>, 4> kOutboxStates{{
    {OutboxState::pending, "pending"},
    {OutboxState::sending, "sending"},
    {OutboxState::sent, "sent"},
    {OutboxState::failed, "failed"},
}};

constexpr std::array<std::pair<KnowledgeKind, std::string_view>, 3> kKnowledgeKinds{{
    {KnowledgeKind::answer, "answer"},
    {KnowledgeKind::note, "note"},
    {KnowledgeKind::resource, "resource"},
}};

constexpr std::array<std::pair<KnowledgeStatus, std::string_view>, 2> kKnowledgeStatuses{{
    {KnowledgeStatus::active, "active"},
    {KnowledgeStatus::retired, "retired"},
}};

}  // namespace

std::string_view platform_code(Platform platform) {
    return code_of(kPlatforms, platform);
}
std::optional<Platform> parse_platform_code(std::string_view code) {
    return find_code(kPlatforms, code);
}

std::string_view role_code(Role role) {
    return code_of(kRoles, role);
}
std::optional<Role> parse_role_code(std::string_view code) {
    return find_code(kRoles, code);
}
bool can_manage_network(Role role) {
    return role == Role::organiser || role == Role::facilitator;
}

std::string_view meeting_status_code(MeetingStatus status) {
    return code_of(kMeetingStatuses, status);
}
std::optional<MeetingStatus> parse_meeting_status_code(std::string_view code) {
    return find_code(kMeetingStatuses, code);
}

std::string_view reminder_kind_code(ReminderKind kind) {
    return code_of(kReminderKinds, kind);
}
std::optional<ReminderKind> parse_reminder_kind_code(std::string_view code) {
    return find_code(kReminderKinds, code);
}

std::string_view reminder_anchor_code(ReminderAnchor anchor) {
    return code_of(kReminderAnchors, anchor);
}
std::optional<ReminderAnchor> parse_reminder_anchor_code(std::string_view code) {
    return find_code(kReminderAnchors, code);
}

std::string_view audience_code(Audience audience) {
    return code_of(kAudiences, audience);
}
std::optional<Audience> parse_audience_code(std::string_view code) {
    return find_code(kAudiences, code);
}

std::string_view rsvp_answer_code(RsvpAnswer answer) {
    return code_of(kRsvpAnswers, answer);
}
std::optional<RsvpAnswer> parse_rsvp_answer_code(std::string_view code) {
    return find_code(kRsvpAnswers, code);
}

std::string_view outbox_state_code(OutboxState state) {
    return code_of(kOutboxStates, state);
}
std::optional<OutboxState> parse_outbox_state_code(std::string_view code) {
    return find_code(kOutboxStates, code);
}

std::string_view knowledge_kind_code(KnowledgeKind kind) {
    return code_of(kKnowledgeKinds, kind);
}
std::optional<KnowledgeKind> parse_knowledge_kind_code(std::string_view code) {
    return find_code(kKnowledgeKinds, code);
}

std::string_view knowledge_status_code(KnowledgeStatus status) {
    return code_of(kKnowledgeStatuses, status);
}
std::optional<KnowledgeStatus> parse_knowledge_status_code(std::string_view code) {
    return find_code(kKnowledgeStatuses, code);
}

}  // namespace leernetwerk
