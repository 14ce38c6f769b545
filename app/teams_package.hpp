#pragma once
// The Teams app package an administrator uploads to install the bot: the manifest template from
// config/teams/ filled in, plus the two icons, in one zip. The template and the icons are compiled
// into the executable (see app/CMakeLists.txt), so `leernetwerk teams-package` works from any
// directory without the source tree.
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace leernetwerk::app {

/// What the manifest template is filled in with.
struct TeamsPackageInput {
    std::string app_id;    ///< [teams] app_id: the bot's Microsoft App ID, a GUID
    std::string bot_name;  ///< [bot] name: the app's name in Teams, at most 30 characters
    std::string host;      ///< --host: the bot's public host name, e.g. "leernetwerk.school.nl"
    std::string version;   ///< the app's version, "major.minor.patch"
};

/// A problem with one input, named the way the administrator wrote it.
struct TeamsPackageError {
    std::string key;  ///< "teams.app_id", "bot.name", "--host", "--out", ...
    std::string message;

    /// `teams.app_id: required ...`
    std::string to_string() const;
};

template <typename T>
using TeamsPackageResult = tl::expected<T, TeamsPackageError>;

/// The manifest template filled in and checked: JSON, no placeholder left, ids and host in place.
TeamsPackageResult<std::string> teams_manifest(const TeamsPackageInput& input);

/// The app package: a zip with manifest.json, color.png and outline.png at its root.
TeamsPackageResult<std::string> teams_package(const TeamsPackageInput& input);

/// teams_package() written to `path` (replacing it); a file that cannot be written names "--out".
TeamsPackageResult<void> write_teams_package(const TeamsPackageInput& input,
                                             const std::string& path);

/// One file in a zip archive.
struct ZipEntry {
    std::string name;  ///< path inside the archive, '/'-separated
    std::string data;
};

/// A zip archive of `entries`, each deflated (method 8) with its CRC-32. Every entry gets the same
/// fixed date, so the same entries always give the same bytes. Each entry must be under 4 GiB.
std::string zip_archive(const std::vector<ZipEntry>& entries);

/// config/teams/manifest.json as it was at build time.
std::string_view teams_manifest_template();
/// config/teams/color.png (192×192) as it was at build time.
std::string_view teams_color_icon();
/// config/teams/outline.png (32×32, white on transparent) as it was at build time.
std::string_view teams_outline_icon();

}  // namespace leernetwerk::app
