#include "bot/features/agenda/agenda.hpp"

#include <array>
#include <utility>

namespace leernetwerk {
namespace {

constexpr std::array<std::pair<AgendaItemKind, std::string_view>, 5> kKinds{{
    {AgendaItemKind::practice_question, "practice_question"},
    {AgendaItemKind::case_study, "case"},
    {AgendaItemKind::success, "success"},
    {AgendaItemKind::topic, "topic"},
    {AgendaItemKind::expert_question, "expert_question"},
}};

constexpr std::array<std::pair<AgendaStatus, std::string_view>, 3> kStatuses{{
    {AgendaStatus::proposed, "proposed"},
    {AgendaStatus::accepted, "accepted"},
    {AgendaStatus::parked, "parked"},
}};

}  // namespace

std::string_view agenda_item_kind_code(AgendaItemKind kind) {
    for (const auto& [value, code] : kKinds) {
        if (value == kind) {
            return code;
        }
    }
    return "?";
}

std::optional<AgendaItemKind> parse_agenda_item_kind_code(std::string_view code) {
    for (const auto& [value, name] : kKinds) {
        if (name == code) {
            return value;
        }
    }
    return std::nullopt;
}

std::string_view agenda_status_code(AgendaStatus status) {
    for (const auto& [value, code] : kStatuses) {
        if (value == status) {
            return code;
        }
    }
    return "?";
}

std::optional<AgendaStatus> parse_agenda_status_code(std::string_view code) {
    for (const auto& [value, name] : kStatuses) {
        if (name == code) {
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace leernetwerk
