// What the bot says about external expert requests (bot/features/experts), Dutch and English.
#include "bot/i18n/catalog_parts.hpp"

namespace leernetwerk {
namespace {

// clang-format off
constexpr CatalogEntry kExperts[] = {
    {"expert.status.pending", "wacht op de adviseur", "waiting for the adviser"},
};
// clang-format on

}  // namespace

std::span<const CatalogEntry> experts_catalogue() { return kExperts; }

}  // namespace leernetwerk
