#pragma once
// The catalogue in parts: the main table in catalog.cpp, and one table per feature that keeps
// its sentences beside it (catalog_<feature>.cpp). tr() looks in all of them; a key is in one.
#include <span>
#include <string_view>

namespace leernetwerk {

struct CatalogEntry {
    std::string_view key;
    std::string_view nl;
    std::string_view en;
};

/// Attendance, hours, gifts and the year overview (bot/features/participation).
std::span<const CatalogEntry> participation_catalogue();
/// External expert requests (bot/features/experts).
std::span<const CatalogEntry> experts_catalogue();

}  // namespace leernetwerk
