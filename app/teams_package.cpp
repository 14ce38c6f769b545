#include "app/teams_package.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <stdexcept>
#include <utility>

#include <zlib.h>
#include <nlohmann/json.hpp>

namespace leernetwerk::app {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxShortNameChars = 30;  // manifest name.short
constexpr std::size_t kMaxHostChars = 253;
constexpr std::size_t kMaxHostLabelChars = 63;
// The date every zip entry carries (MS-DOS format): 2026-01-01 00:00.
constexpr std::uint16_t kZipDate = ((2026 - 1980) << 9) | (1 << 5) | 1;
constexpr std::uint16_t kZipTime = 0;
constexpr std::uint16_t kZipVersionNeeded = 20;               // 2.0: deflate
constexpr std::uint16_t kZipVersionMadeBy = (3 << 8) | 20;    // Unix, 2.0
constexpr std::uint32_t kZipFileAttributes = 0100644u << 16;  // a regular file, rw-r--r--
constexpr std::uint16_t kZipDeflate = 8;

std::string quote(std::string_view text) {
    return "\"" + std::string(text) + "\"";
}

std::size_t utf8_chars(std::string_view text) {
    std::size_t count = 0;
    for (const char c : text) {
        count += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    return count;
}

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// "8-4-4-4-12" hexadecimal digits, as the manifest's id and botId require.
bool is_guid(std::string_view text) {
    if (text.size() != 36) {
        return false;
    }
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? text[i] != '-' : !is_hex(text[i])) {
            return false;
        }
    }
    return true;
}

/// A public DNS name: dot-separated labels of letters, digits and '-', the last one not numeric.
bool is_host_name(std::string_view host) {
    if (host.empty() || host.size() > kMaxHostChars || host.find('.') == std::string_view::npos) {
        return false;
    }
    std::size_t start = 0;
    std::string_view label;
    while (start <= host.size()) {
        const auto dot = std::min(host.find('.', start), host.size());
        label = host.substr(start, dot - start);
        if (label.empty() || label.size() > kMaxHostLabelChars || label.front() == '-' ||
            label.back() == '-') {
            return false;
        }
        for (const char c : label) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                return false;
            }
        }
        start = dot + 1;
    }
    return label.find_first_of("abcdefghijklmnopqrstuvwxyz") != std::string_view::npos;
}

/// "1.2.3": three dot-separated numbers.
bool is_version(std::string_view text) {
    int parts = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto dot = std::min(text.find('.', start), text.size());
        const auto part = text.substr(start, dot - start);
        if (part.empty() || part.size() > 9 ||
            part.find_first_not_of("0123456789") != std::string_view::npos) {
            return false;
        }
        ++parts;
        start = dot + 1;
    }
    return parts == 3;
}

std::string lower(std::string_view text) {
    std::string result(text);
    for (auto& c : result) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return result;
}

/// `value` escaped for use inside a JSON string; nullopt if it is not valid UTF-8.
std::optional<std::string> json_escaped(const std::string& value) {
    try {
        const auto dumped = json(value).dump(-1, ' ', false, json::error_handler_t::strict);
        return dumped.substr(1, dumped.size() - 2);
    } catch (const json::exception&) {
        return std::nullopt;
    }
}

TeamsPackageResult<void> check(const TeamsPackageInput& input) {
    if (input.app_id.empty()) {
        return tl::make_unexpected(TeamsPackageError{
            "teams.app_id",
            "required to build the Teams app package: the Microsoft App ID (a GUID) of the bot's "
            "Azure Bot registration"});
    }
    if (!is_guid(input.app_id)) {
        return tl::make_unexpected(TeamsPackageError{
            "teams.app_id",
            "expected the Microsoft App ID, a GUID like 00000000-0000-0000-0000-000000000000, "
            "got " +
                quote(input.app_id)});
    }
    const auto name_chars = utf8_chars(input.bot_name);
    if (input.bot_name.find_first_not_of(" \t") == std::string::npos ||
        name_chars > kMaxShortNameChars || input.bot_name.find("{{") != std::string::npos) {
        return tl::make_unexpected(
            TeamsPackageError{"bot.name", "the app's name in Teams: expected 1 to " +
                                              std::to_string(kMaxShortNameChars) +
                                              " characters, got " + quote(input.bot_name)});
    }
    if (!is_host_name(lower(input.host))) {
        return tl::make_unexpected(TeamsPackageError{
            "--host",
            "expected the bot's public host name, such as leernetwerk.school.nl (no https://, "
            "port or path), got " +
                quote(input.host)});
    }
    if (!is_version(input.version)) {
        return tl::make_unexpected(TeamsPackageError{
            "version", "expected major.minor.patch, got " + quote(input.version)});
    }
    return {};
}

TeamsPackageError template_error(const std::string& message) {
    return {"config/teams/manifest.json", "(embedded at build time) " + message};
}

void put16(std::string& out, std::uint16_t value) {
    out.push_back(static_cast<char>(value & 0xFF));
    out.push_back(static_cast<char>(value >> 8));
}

void put32(std::string& out, std::uint32_t value) {
    put16(out, static_cast<std::uint16_t>(value & 0xFFFF));
    put16(out, static_cast<std::uint16_t>(value >> 16));
}

std::uint32_t size32(std::size_t size) {
    if (size > std::numeric_limits<std::uint32_t>::max()) {
        throw std::length_error("zip_archive: entry or archive larger than 4 GiB");
    }
    return static_cast<std::uint32_t>(size);
}

/// Raw deflate (no zlib header), as zip's method 8 stores it.
std::string deflate_raw(std::string_view data) {
    z_stream stream{};
    if (deflateInit2(&stream, Z_BEST_COMPRESSION, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        throw std::runtime_error("zip_archive: deflateInit2 failed");
    }
    std::string out(deflateBound(&stream, size32(data.size())), '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream.avail_in = size32(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = size32(out.size());
    const int result = deflate(&stream, Z_FINISH);
    out.resize(stream.total_out);
    deflateEnd(&stream);
    if (result != Z_STREAM_END) {
        throw std::runtime_error("zip_archive: deflate did not finish");
    }
    return out;
}

}  // namespace

std::string TeamsPackageError::to_string() const {
    return key + ": " + message;
}

TeamsPackageResult<std::string> teams_manifest(const TeamsPackageInput& input) {
    if (auto checked = check(input); !checked) {
        return tl::make_unexpected(checked.error());
    }
    const std::string host = lower(input.host);
    const auto bot_name = json_escaped(input.bot_name);
    if (!bot_name) {
        return tl::make_unexpected(TeamsPackageError{"bot.name", "is not valid UTF-8"});
    }
    const std::pair<std::string_view, std::string> values[] = {{"APP_ID", input.app_id},
                                                               {"BOT_NAME", *bot_name},
                                                               {"HOST", host},
                                                               {"VERSION", input.version}};

    // One pass over the template: a value is never scanned for placeholders again.
    const auto source = teams_manifest_template();
    std::string filled;
    filled.reserve(source.size() + 256);
    std::size_t pos = 0;
    while (true) {
        const auto open = source.find("{{", pos);
        filled.append(source.substr(pos, open == std::string_view::npos ? open : open - pos));
        if (open == std::string_view::npos) {
            break;
        }
        const auto close = source.find("}}", open + 2);
        if (close == std::string_view::npos) {
            return tl::make_unexpected(template_error("a \"{{\" without \"}}\""));
        }
        const auto name = source.substr(open + 2, close - open - 2);
        bool known = false;
        for (const auto& [placeholder, value] : values) {
            if (name == placeholder) {
                filled += value;
                known = true;
            }
        }
        if (!known) {
            return tl::make_unexpected(
                template_error("unknown placeholder {{" + std::string(name) + "}}"));
        }
        pos = close + 2;
    }

    const auto manifest = json::parse(filled, nullptr, false);
    if (manifest.is_discarded() || !manifest.is_object()) {
        return tl::make_unexpected(template_error("is not valid JSON once filled in"));
    }
    const auto id = manifest.value("id", std::string());
    const auto bots = manifest.value("bots", json::array());
    const auto domains = manifest.value("validDomains", json::array());
    if (id != input.app_id || bots.empty() || bots[0].value("botId", std::string()) != id ||
        domains.empty() || domains[0] != host) {
        return tl::make_unexpected(
            template_error("expected \"id\", \"bots[0].botId\" and \"validDomains\" to be filled"));
    }
    return filled;
}

TeamsPackageResult<std::string> teams_package(const TeamsPackageInput& input) {
    auto manifest = teams_manifest(input);
    if (!manifest) {
        return tl::make_unexpected(manifest.error());
    }
    return zip_archive({{"manifest.json", std::move(*manifest)},
                        {"color.png", std::string(teams_color_icon())},
                        {"outline.png", std::string(teams_outline_icon())}});
}

TeamsPackageResult<void> write_teams_package(const TeamsPackageInput& input,
                                             const std::string& path) {
    const auto package = teams_package(input);
    if (!package) {
        return tl::make_unexpected(package.error());
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) {
        return tl::make_unexpected(TeamsPackageError{
            "--out", "cannot write " + quote(path) + ": " + std::strerror(errno)});
    }
    out.write(package->data(), static_cast<std::streamsize>(package->size()));
    out.close();
    if (!out) {
        std::remove(path.c_str());
        return tl::make_unexpected(TeamsPackageError{"--out", "cannot write " + quote(path)});
    }
    return {};
}

std::string zip_archive(const std::vector<ZipEntry>& entries) {
    if (entries.size() > 0xFFFF) {
        throw std::length_error("zip_archive: more than 65535 entries");
    }
    std::string archive;
    std::string directory;
    for (const auto& entry : entries) {
        const auto compressed = deflate_raw(entry.data);
        const auto crc = static_cast<std::uint32_t>(
            crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(entry.data.data()),
                  size32(entry.data.size())));
        const auto offset = size32(archive.size());
        if (entry.name.size() > 0xFFFF) {
            throw std::length_error("zip_archive: entry name longer than 65535 bytes");
        }
        const auto name_size = static_cast<std::uint16_t>(entry.name.size());

        put32(archive, 0x04034b50);  // local file header
        put16(archive, kZipVersionNeeded);
        put16(archive, 0);  // flags
        put16(archive, kZipDeflate);
        put16(archive, kZipTime);
        put16(archive, kZipDate);
        put32(archive, crc);
        put32(archive, size32(compressed.size()));
        put32(archive, size32(entry.data.size()));
        put16(archive, name_size);
        put16(archive, 0);  // extra field length
        archive += entry.name;
        archive += compressed;

        put32(directory, 0x02014b50);  // central directory header
        put16(directory, kZipVersionMadeBy);
        put16(directory, kZipVersionNeeded);
        put16(directory, 0);  // flags
        put16(directory, kZipDeflate);
        put16(directory, kZipTime);
        put16(directory, kZipDate);
        put32(directory, crc);
        put32(directory, size32(compressed.size()));
        put32(directory, size32(entry.data.size()));
        put16(directory, name_size);
        put16(directory, 0);  // extra field length
        put16(directory, 0);  // comment length
        put16(directory, 0);  // disk number
        put16(directory, 0);  // internal attributes
        put32(directory, kZipFileAttributes);
        put32(directory, offset);
        directory += entry.name;
    }
    const auto directory_offset = size32(archive.size());
    archive += directory;
    const auto count = static_cast<std::uint16_t>(entries.size());
    put32(archive, 0x06054b50);  // end of central directory
    put16(archive, 0);           // this disk
    put16(archive, 0);           // the disk with the directory
    put16(archive, count);
    put16(archive, count);
    put32(archive, size32(directory.size()));
    put32(archive, directory_offset);
    put16(archive, 0);  // comment length
    return archive;
}

}  // namespace leernetwerk::app
