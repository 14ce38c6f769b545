// What the bot says about attendance, hours, gifts and the year overview
// (bot/features/participation), Dutch and English.
#include "bot/i18n/catalog_parts.hpp"

namespace leernetwerk {
namespace {

// clang-format off
constexpr CatalogEntry kParticipation[] = {
    {"help.topic.hours", "**Aanwezigheid, uren en bedankjes**", "**Attendance, hours and thanks**"},
};
// clang-format on

}  // namespace

std::span<const CatalogEntry> participation_catalogue() { return kParticipation; }

}  // namespace leernetwerk
