// The Teams app package as Teams reads it: the zip is taken apart here with zlib (central
// directory, local headers, inflate, CRC-32), so a broken archive cannot pass unnoticed.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>

#include <unistd.h>
#include <zlib.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "app/teams_package.hpp"

namespace {

using leernetwerk::app::TeamsPackageInput;
using json = nlohmann::json;
using Catch::Matchers::Contains;

constexpr const char* kAppId = "6f1c2d3e-4a5b-4c6d-8e9f-0a1b2c3d4e5f";

TeamsPackageInput input() {
    return {kAppId, "Leernetwerk bot", "leernetwerk.school.nl", "0.1.0"};
}

std::uint32_t read16(const std::string& data, std::size_t at) {
    if (at + 2 > data.size()) {
        throw std::runtime_error("zip: read past the end");
    }
    return static_cast<unsigned char>(data[at]) | (static_cast<unsigned char>(data[at + 1]) << 8);
}

std::uint32_t read32(const std::string& data, std::size_t at) {
    return read16(data, at) | (read16(data, at + 2) << 16);
}

std::string inflate_raw(std::string_view compressed, std::size_t size) {
    z_stream stream{};
    REQUIRE(inflateInit2(&stream, -MAX_WBITS) == Z_OK);
    std::string out(size, '\0');
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
    stream.avail_in = static_cast<uInt>(compressed.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int result = inflate(&stream, Z_FINISH);
    const auto produced = stream.total_out;
    inflateEnd(&stream);
    REQUIRE(result == Z_STREAM_END);
    REQUIRE(produced == size);
    return out;
}

/// Every file in a zip archive, read the way an unzip tool does: end record → central directory
/// → local header → data; checks method 8, sizes and CRC-32 on the way.
std::map<std::string, std::string> unzip(const std::string& zip) {
    const auto end = zip.rfind(std::string("PK\x05\x06", 4));
    REQUIRE(end != std::string::npos);
    REQUIRE(end + 22 == zip.size());  // no archive comment
    const auto count = read16(zip, end + 10);
    REQUIRE(read16(zip, end + 8) == count);
    auto at = static_cast<std::size_t>(read32(zip, end + 16));
    REQUIRE(at + read32(zip, end + 12) == end);

    std::map<std::string, std::string> files;
    for (std::uint32_t i = 0; i < count; ++i) {
        REQUIRE(read32(zip, at) == 0x02014b50);
        const auto method = read16(zip, at + 10);
        const auto crc = read32(zip, at + 16);
        const auto compressed_size = read32(zip, at + 20);
        const auto size = read32(zip, at + 24);
        const auto name_size = read16(zip, at + 28);
        const auto extra_size = read16(zip, at + 30);
        const auto comment_size = read16(zip, at + 32);
        const auto local = static_cast<std::size_t>(read32(zip, at + 42));
        const auto name = zip.substr(at + 46, name_size);
        at += 46 + name_size + extra_size + comment_size;

        CHECK(method == 8);
        REQUIRE(read32(zip, local) == 0x04034b50);
        CHECK(read16(zip, local + 8) == method);
        CHECK(read32(zip, local + 14) == crc);
        CHECK(read32(zip, local + 18) == compressed_size);
        CHECK(read32(zip, local + 22) == size);
        CHECK(zip.substr(local + 30, read16(zip, local + 26)) == name);
        const auto data_at = local + 30 + read16(zip, local + 26) + read16(zip, local + 28);
        REQUIRE(data_at + compressed_size <= zip.size());
        auto data = inflate_raw(std::string_view(zip).substr(data_at, compressed_size), size);
        CHECK(crc32(crc32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data.data()),
                    static_cast<uInt>(data.size())) == crc);
        files[name] = std::move(data);
    }
    return files;
}

struct PngHeader {
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    int color_type = -1;
};

std::uint32_t read32_big(const std::string& data, std::size_t at) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        value = (value << 8) | static_cast<unsigned char>(data.at(at + i));
    }
    return value;
}

/// Width, height and colour type from the PNG's IHDR chunk (right after the signature).
PngHeader png_header(const std::string& png) {
    REQUIRE(png.size() > 33);
    REQUIRE(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    REQUIRE(png.substr(12, 4) == "IHDR");
    return {read32_big(png, 16), read32_big(png, 20), static_cast<unsigned char>(png[25])};
}

}  // namespace

TEST_CASE("the package holds the filled-in manifest and both icons at its root") {
    const auto package = leernetwerk::app::teams_package(input());
    REQUIRE(package);
    const auto files = unzip(*package);
    REQUIRE(files.size() == 3);
    REQUIRE(files.count("manifest.json") == 1);
    REQUIRE(files.count("color.png") == 1);
    REQUIRE(files.count("outline.png") == 1);

    const auto& text = files.at("manifest.json");
    CHECK_THAT(text, !Contains("{{"));
    const auto manifest = json::parse(text, nullptr, false);
    REQUIRE(!manifest.is_discarded());
    CHECK(manifest.at("manifestVersion").get<std::string>() == "1.17");
    CHECK(manifest.at("version").get<std::string>() == "0.1.0");
    CHECK(manifest.at("id").get<std::string>() == kAppId);
    CHECK(manifest.at("name").at("short").get<std::string>() == "Leernetwerk bot");
    const auto& bot = manifest.at("bots").at(0);
    CHECK(bot.at("botId").get<std::string>() == kAppId);
    CHECK(bot.at("scopes") == json({"personal", "team", "groupChat"}));
    CHECK(bot.at("supportsFiles").get<bool>() == false);
    CHECK(bot.at("isNotificationOnly").get<bool>() == false);
    CHECK(manifest.at("validDomains") == json({"leernetwerk.school.nl"}));
    CHECK(manifest.at("developer").at("privacyUrl").get<std::string>() ==
          "https://leernetwerk.school.nl/privacy");
    CHECK(manifest.at("icons").at("color").get<std::string>() == "color.png");
    CHECK(manifest.at("icons").at("outline").get<std::string>() == "outline.png");

    // Teams' limits: a command list per scope, titles ≤ 32 and descriptions ≤ 128 characters.
    REQUIRE(bot.at("commandLists").size() == 3);
    for (const auto& list : bot.at("commandLists")) {
        REQUIRE(list.at("scopes").size() == 1);
        const auto& commands = list.at("commands");
        CHECK(commands.size() == 7);
        CHECK(commands.at(0).at("title").get<std::string>() == "hulp");
        CHECK(commands.at(6).at("title").get<std::string>() == "plan bijeenkomst");
        for (const auto& command : commands) {
            CHECK(command.at("title").get<std::string>().size() <= 32);
            CHECK(command.at("description").get<std::string>().size() <= 128);
        }
    }
    CHECK(manifest.at("description").at("short").get<std::string>().size() <= 80);
}

TEST_CASE("the icons have the sizes Teams requires") {
    const auto files = unzip(*leernetwerk::app::teams_package(input()));
    const auto color = png_header(files.at("color.png"));
    CHECK(color.width == 192);
    CHECK(color.height == 192);
    const auto outline = png_header(files.at("outline.png"));
    CHECK(outline.width == 32);
    CHECK(outline.height == 32);
    CHECK(outline.color_type == 6);  // RGBA: the background can be transparent
    CHECK(files.at("color.png") == leernetwerk::app::teams_color_icon());
}

TEST_CASE("a bot name with quotes is escaped and the host is written in lower case") {
    auto with_quotes = input();
    with_quotes.bot_name = "Café \"Rekenen\"";
    with_quotes.host = "Bot.School.NL";
    const auto manifest = leernetwerk::app::teams_manifest(with_quotes);
    REQUIRE(manifest);
    const auto parsed = json::parse(*manifest);
    CHECK(parsed.at("name").at("short").get<std::string>() == "Café \"Rekenen\"");
    CHECK(parsed.at("name").at("full").get<std::string>() ==
          "Café \"Rekenen\" voor leernetwerken en HSN-cafés");
    CHECK(parsed.at("validDomains") == json({"bot.school.nl"}));
}

TEST_CASE("the same input gives the same package") {
    CHECK(*leernetwerk::app::teams_package(input()) == *leernetwerk::app::teams_package(input()));
}

TEST_CASE("what an administrator gets wrong is named") {
    auto wrong = input();
    SECTION("no app id") {
        wrong.app_id.clear();
        const auto result = leernetwerk::app::teams_package(wrong);
        REQUIRE(!result);
        CHECK(result.error().key == "teams.app_id");
        CHECK(result.error().to_string().starts_with("teams.app_id: required"));
    }
    SECTION("an app id that is not a GUID") {
        wrong.app_id = "leernetwerk";
        const auto result = leernetwerk::app::teams_package(wrong);
        REQUIRE(!result);
        CHECK(result.error().key == "teams.app_id");
        CHECK_THAT(result.error().message, Contains("\"leernetwerk\""));
    }
    SECTION("a bot name longer than Teams allows") {
        wrong.bot_name = "Leernetwerk bot van het HSN-café Rekenen";
        const auto result = leernetwerk::app::teams_package(wrong);
        REQUIRE(!result);
        CHECK(result.error().key == "bot.name");
    }
    SECTION("a URL or a port where the host name goes") {
        for (const auto* host :
             {"https://bot.school.nl", "bot.school.nl:443", "bot.school.nl/", "localhost", "",
              "bot..school.nl", "-bot.school.nl", "10.0.0.1", "bot.school.nl\"}"}) {
            wrong.host = host;
            const auto result = leernetwerk::app::teams_package(wrong);
            REQUIRE(!result);
            CHECK(result.error().key == "--host");
        }
    }
}

TEST_CASE("the package is written to a file, or the error names --out") {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("teams_package_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const auto path = (dir / "app.zip").string();
    REQUIRE(leernetwerk::app::write_teams_package(input(), path));
    std::ifstream in(path, std::ios::binary);
    const std::string written((std::istreambuf_iterator<char>(in)), {});
    CHECK(written == *leernetwerk::app::teams_package(input()));

    const auto result =
        leernetwerk::app::write_teams_package(input(), (dir / "missing" / "app.zip").string());
    REQUIRE(!result);
    CHECK(result.error().key == "--out");
    std::filesystem::remove_all(dir);
}

TEST_CASE("zip_archive stores any content, including empty files") {
    const std::string big(100000, 'x');
    const auto files = unzip(leernetwerk::app::zip_archive(
        {{"empty.txt", ""}, {"big.txt", big}, {"sub/bytes.bin", std::string("binary\0data", 11)}}));
    REQUIRE(files.size() == 3);
    CHECK(files.at("empty.txt").empty());
    CHECK(files.at("big.txt") == big);
    CHECK(files.at("sub/bytes.bin") == std::string("binary\0data", 11));
}
