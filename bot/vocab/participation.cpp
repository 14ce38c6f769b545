#include "bot/vocab/participation.hpp"

#include <array>
#include <utility>

#include "bot/vocab/text.hpp"

namespace leernetwerk {
namespace {

template <typename Enum, std::size_t N>
using CodeTable = std::array<std::pair<Enum, std::string_view>, N>;

template <typename Enum, std::size_t N>
std::optional<Enum> find_code(const CodeTable<Enum, N>& table, std::string_view code) {
    for (const auto& [value, name] : table) {
        if (name == code) {
            return value;
        }
    }
    return std::nullopt;
}

template <typename Enum, std::size_t N>
std::string_view code_of(const CodeTable<Enum, N>& table, Enum value) {
    for (const auto& [candidate, name] : table) {
        if (candidate == value) {
            return name;
        }
    }
    return "?";
}

constexpr CodeTable<AttendanceSource, 3> kSources{{
    {AttendanceSource::rsvp, "rsvp"},
    {AttendanceSource::facilitator, "facilitator"},
    {AttendanceSource::self, "self"},
}};
constexpr CodeTable<HoursKind, 2> kHoursKinds{{
    {HoursKind::development, "development"},
    {HoursKind::task, "task"},
}};
constexpr CodeTable<GiftStatus, 2> kGiftStatuses{{
    {GiftStatus::due, "due"},
    {GiftStatus::given, "given"},
}};
constexpr CodeTable<ExpertRequestStatus, 4> kExpertStatuses{{
    {ExpertRequestStatus::pending, "pending"},
    {ExpertRequestStatus::approved, "approved"},
    {ExpertRequestStatus::declined, "declined"},
    {ExpertRequestStatus::withdrawn, "withdrawn"},
}};

}  // namespace

std::string_view hours_rule_kind_code(HoursRule::Kind kind) {
    return kind == HoursRule::Kind::fixed ? "fixed" : "per_meeting";
}

const HoursRule& HoursPolicy::rule_for(std::string_view network_name, int school_year) const {
    const auto key = fold(network_name);
    if (const auto per_network = network_years.find(key); per_network != network_years.end()) {
        if (const auto rule = per_network->second.find(school_year);
            rule != per_network->second.end()) {
            return rule->second;
        }
    }
    if (const auto rule = networks.find(key); rule != networks.end()) {
        return rule->second;
    }
    if (const auto rule = years.find(school_year); rule != years.end()) {
        return rule->second;
    }
    return fallback;
}

std::string_view attendance_source_code(AttendanceSource source) {
    return code_of(kSources, source);
}
std::optional<AttendanceSource> parse_attendance_source_code(std::string_view code) {
    return find_code(kSources, code);
}
std::string_view hours_kind_code(HoursKind kind) { return code_of(kHoursKinds, kind); }
std::optional<HoursKind> parse_hours_kind_code(std::string_view code) {
    return find_code(kHoursKinds, code);
}
std::string_view gift_status_code(GiftStatus status) { return code_of(kGiftStatuses, status); }
std::optional<GiftStatus> parse_gift_status_code(std::string_view code) {
    return find_code(kGiftStatuses, code);
}
std::string_view expert_request_status_code(ExpertRequestStatus status) {
    return code_of(kExpertStatuses, status);
}
std::optional<ExpertRequestStatus> parse_expert_request_status_code(std::string_view code) {
    return find_code(kExpertStatuses, code);
}

}  // namespace leernetwerk
