// Config loading: defaults, every key, every kind of error (with file and key), secrets, and the
// shipped example file.
#include <array>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <unistd.h>

#include <catch2/catch.hpp>

#include "app/config.hpp"
#include "support/config_loading.hpp"

namespace fs = std::filesystem;
using namespace leernetwerk::app;
using leernetwerk::testing::load_error;
using leernetwerk::testing::load_errors;
using leernetwerk::testing::load_ok;
using Catch::Matchers::Contains;
using leernetwerk::Lang;

namespace {

constexpr const char* kFile = leernetwerk::testing::kConfigFile;

/// A fresh directory under the system temp directory, removed with everything in it.
class TempDir {
public:
    TempDir() {
        static int counter = 0;
        std::random_device random;
        path_ = fs::temp_directory_path() /
                ("leernetwerk-config-test-" + std::to_string(::getpid()) + "-" +
                 std::to_string(++counter) + "-" + std::to_string(random()));
        fs::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const fs::path& path() const { return path_; }

    /// Writes `contents` to a file in the directory and returns its full path.
    std::string write(const std::string& name, const std::string& contents) const {
        const fs::path file = path_ / name;
        std::ofstream out(file, std::ios::binary);
        out << contents;
        REQUIRE(out.good());
        return file.string();
    }

private:
    fs::path path_;
};

/// Sets an environment variable for the lifetime of the object.
class EnvVar {
public:
    EnvVar(std::string name, const std::string& value) : name_(std::move(name)) {
        REQUIRE(::setenv(name_.c_str(), value.c_str(), 1) == 0);
    }
    ~EnvVar() { ::unsetenv(name_.c_str()); }
    EnvVar(const EnvVar&) = delete;
    EnvVar& operator=(const EnvVar&) = delete;

private:
    std::string name_;
};

/// An environment variable name no one else uses.
std::string unique_env_name(const std::string& stem) {
    return "LEERNETWERK_TEST_" + stem + "_" + std::to_string(::getpid());
}

std::string read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in.good());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

template <class T, class = void>
struct IsStreamable : std::false_type {};
template <class T>
struct IsStreamable<T, std::void_t<decltype(std::declval<std::ostream&>() << std::declval<T>())>>
    : std::true_type {};

static_assert(!IsStreamable<const Secret&>::value, "a Secret must not be printable");
static_assert(IsStreamable<const std::string&>::value, "the trait itself must work");

}  // namespace

TEST_CASE("config: empty text gives the defaults", "[config]") {
    const Config config = load_ok(GENERATE(as<std::string>{}, "", "# only a comment\n\n"));
    CHECK(config.bot.language == Lang::nl);
    CHECK(config.bot.time_zone == "Europe/Amsterdam");
    CHECK(config.bot.name == "Leernetwerk bot");
    CHECK(config.bot.min_anonymous_respondents == 3);
    CHECK(config.storage.path == "data/leernetwerk.db");
    CHECK(config.log.level == LogLevel::info);
    CHECK(config.server.address == "0.0.0.0");
    CHECK(config.server.port == 3978);
    CHECK(config.server.max_body_bytes == 262144);
    CHECK(config.server.read_timeout_seconds == 10);
    CHECK_FALSE(config.teams.enabled);
    CHECK(config.teams.app_id.empty());
    CHECK_FALSE(config.teams.app_password.is_set());
    CHECK(config.teams.tenant_id.empty());
    CHECK(config.teams.auth);
    CHECK_FALSE(config.matrix.enabled);
    CHECK(config.matrix.mode == MatrixMode::appservice);
    CHECK(config.matrix.homeserver_url.empty());
    CHECK(config.matrix.user_id.empty());
    CHECK_FALSE(config.matrix.as_token.is_set());
    CHECK_FALSE(config.matrix.hs_token.is_set());
    CHECK_FALSE(config.matrix.access_token.is_set());
    CHECK(config.matrix.allowed_inviters.empty());
}

TEST_CASE("config: every key is read", "[config]") {
    const Config config = load_ok(R"(
[bot]
language = "en"
time_zone = "America/New_York"
name = "Netwerkbot"
min_anonymous_respondents = 5

[storage]
path = ":memory:"

[log]
level = "debug"

[server]
address = "127.0.0.1"
port = 8080
max_body_bytes = 1048576
read_timeout_seconds = 30
public_url = "https://leernetwerk.school.nl/"

[teams]
enabled = true
app_id = "11111111-2222-3333-4444-555555555555"
app_password = "teams-pw"
tenant_id = "66666666-7777-8888-9999-000000000000"
auth = false

[matrix]
enabled = true
mode = "bot"
homeserver_url = "https://matrix.school.nl/"
user_id = "@leernetwerk:school.nl"
as_token = "as-tok"
hs_token = "hs-tok"
access_token = "access-tok"
allowed_inviters = ["@ict:school.nl", "@coordinator:school.nl"]
)");
    CHECK(config.bot.language == Lang::en);
    CHECK(config.bot.time_zone == "America/New_York");
    CHECK(config.bot.name == "Netwerkbot");
    CHECK(config.bot.min_anonymous_respondents == 5);
    CHECK(config.storage.path == ":memory:");
    CHECK(config.log.level == LogLevel::debug);
    CHECK(config.server.address == "127.0.0.1");
    CHECK(config.server.port == 8080);
    CHECK(config.server.max_body_bytes == 1048576);
    CHECK(config.server.read_timeout_seconds == 30);
    CHECK(config.teams.enabled);
    CHECK(config.teams.app_id == "11111111-2222-3333-4444-555555555555");
    CHECK(config.teams.app_password.value == "teams-pw");
    CHECK(config.teams.app_password.source == Secret::Source::inline_value);
    CHECK(config.teams.tenant_id == "66666666-7777-8888-9999-000000000000");
    CHECK_FALSE(config.teams.auth);
    CHECK(config.matrix.enabled);
    CHECK(config.matrix.mode == MatrixMode::bot);
    CHECK(config.matrix.homeserver_url == "https://matrix.school.nl");  // trailing '/' removed
    CHECK(config.server.public_url == "https://leernetwerk.school.nl");  // trailing '/' removed
    CHECK(config.matrix.user_id == "@leernetwerk:school.nl");
    CHECK(config.matrix.as_token.value == "as-tok");
    CHECK(config.matrix.hs_token.value == "hs-tok");
    CHECK(config.matrix.access_token.value == "access-tok");
    CHECK(config.matrix.allowed_inviters ==
          std::vector<std::string>{"@ict:school.nl", "@coordinator:school.nl"});
}

TEST_CASE("config: choices ignore case; names round-trip", "[config]") {
    const Config config = load_ok(
        "[bot]\nlanguage = \"EN\"\n[log]\nlevel = \"Warn\"\n"
        "[matrix]\nmode = \"Bot\"\n");
    CHECK(config.bot.language == Lang::en);
    CHECK(config.log.level == LogLevel::warn);
    CHECK(config.matrix.mode == MatrixMode::bot);
    CHECK(log_level_name(LogLevel::trace) == "trace");
    CHECK(log_level_name(LogLevel::off) == "off");
    CHECK(matrix_mode_name(MatrixMode::appservice) == "appservice");
    CHECK(matrix_mode_name(MatrixMode::bot) == "bot");
}

TEST_CASE("config: range, type and choice errors name the file and the key", "[config]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[server]\nport = \"abc\"",
         R"(config.toml: server.port: expected an integer from 0 to 65535, got "abc" (a string))"},
        {"[server]\nport = -1",
         "config.toml: server.port: expected an integer from 0 to 65535, got -1"},
        {"[server]\nport = 65536",
         "config.toml: server.port: expected an integer from 0 to 65535, got 65536"},
        {"[server]\nmax_body_bytes = 1023",
         "config.toml: server.max_body_bytes: expected an integer from 1024 to 10485760, got 1023"},
        {"[server]\nmax_body_bytes = 10485761",
         "config.toml: server.max_body_bytes: expected an integer from 1024 to 10485760, got "
         "10485761"},
        {"[server]\nread_timeout_seconds = 301",
         "config.toml: server.read_timeout_seconds: expected an integer from 1 to 300, got 301"},
        {"[server]\nread_timeout_seconds = 1.5",
         "config.toml: server.read_timeout_seconds: expected an integer from 1 to 300, got 1.5 (a "
         "floating-point number)"},
        {"[server]\naddress = \"\"", "config.toml: server.address: must not be empty"},
        {"[polls]\nsecret = \"short\"",
         "config.toml: polls.secret: expected at least 16 characters (a random key), got 5"},
        {"[bot]\nmin_anonymous_respondents = 0",
         "config.toml: bot.min_anonymous_respondents: expected an integer from 2 to 100, got 0"},
        // One would show an anonymous poll's first answer on its own.
        {"[bot]\nmin_anonymous_respondents = 1",
         "config.toml: bot.min_anonymous_respondents: expected an integer from 2 to 100, got 1"},
        {"[bot]\nmin_anonymous_respondents = 101",
         "config.toml: bot.min_anonymous_respondents: expected an integer from 2 to 100, got 101"},
        {"[bot]\nlanguage = \"fr\"",
         R"(config.toml: bot.language: expected "nl" or "en", got "fr")"},
        {"[bot]\nlanguage = 1",
         R"(config.toml: bot.language: expected "nl" or "en", got 1 (an integer))"},
        {"[bot]\ntime_zone = \"Europe/Amsterdm\"",
         R"(config.toml: bot.time_zone: unknown time zone "Europe/Amsterdm"; )"
         R"(use an IANA name such as "Europe/Amsterdam")"},
        {"[bot]\nname = \"\"", "config.toml: bot.name: must not be empty"},
        {"[bot]\nname = 5", "config.toml: bot.name: expected a string, got 5 (an integer)"},
        {"[bot]\nname = 2026-03-12",
         "config.toml: bot.name: expected a string, got 2026-03-12 (a date)"},
        {"[storage]\npath = true",
         "config.toml: storage.path: expected a string, got true (a boolean)"},
        {"[log]\nlevel = \"verbose\"",
         R"(config.toml: log.level: expected one of "trace", "debug", "info", "warn", "error", )"
         R"("off", got "verbose")"},
        {"[teams]\nenabled = \"yes\"",
         R"(config.toml: teams.enabled: expected a boolean (true or false), got "yes" (a string))"},
        {"[teams]\nauth = 1",
         "config.toml: teams.auth: expected a boolean (true or false), got 1 (an integer)"},
        {"[teams]\ntenant_id = 5",
         "config.toml: teams.tenant_id: expected a string, got 5 (an integer)"},
        {"[matrix]\nmode = \"client\"",
         R"(config.toml: matrix.mode: expected "appservice" or "bot", got "client")"},
        {"[matrix]\nhomeserver_url = \"matrix.school.nl\"",
         R"(config.toml: matrix.homeserver_url: expected a URL starting with http:// or )"
         R"(https://, got "matrix.school.nl")"},
        {"[matrix]\nhomeserver_url = \"https://\"",
         R"(config.toml: matrix.homeserver_url: expected a URL starting with http:// or )"
         R"(https://, got "https://")"},
        {"[server]\npublic_url = \"leernetwerk.school.nl\"",
         R"(config.toml: server.public_url: expected the https:// address members reach the bot )"
         R"(at, such as "https://leernetwerk.school.nl" (no ? or #), got "leernetwerk.school.nl")"},
        {"[server]\npublic_url = \"http://leernetwerk.school.nl\"",
         R"(config.toml: server.public_url: expected the https:// address members reach the bot )"
         R"(at, such as "https://leernetwerk.school.nl" (no ? or #), got )"
         R"("http://leernetwerk.school.nl")"},
        {"[matrix]\nuser_id = \"leernetwerk\"",
         R"(config.toml: matrix.user_id: expected a Matrix user ID like )"
         R"("@leernetwerk:school.nl", got "leernetwerk")"},
        {"[matrix]\nuser_id = \"@leernetwerk\"",
         R"(config.toml: matrix.user_id: expected a Matrix user ID like )"
         R"("@leernetwerk:school.nl", got "@leernetwerk")"},
        {"[matrix]\nallowed_inviters = \"@ict:school.nl\"",
         R"(config.toml: matrix.allowed_inviters: expected an array of strings, )"
         R"(got "@ict:school.nl" (a string))"},
        {"[matrix]\nallowed_inviters = [\"@ict:school.nl\", 5]",
         "config.toml: matrix.allowed_inviters: item 2: expected a string, got 5 (an integer)"},
        {"[matrix]\nallowed_inviters = [\"jan\"]",
         R"(config.toml: matrix.allowed_inviters: item 1: expected a Matrix user ID like )"
         R"("@leernetwerk:school.nl", got "jan")"},
        {"bot = 5", "config.toml: bot: expected a section [bot], got an integer"},
        {"[[server]]\nport = 1", "config.toml: server: expected a section [server], got an array"},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        CHECK(load_error(text) == expected);
    }
}

TEST_CASE("config: long values are cut short in errors", "[config]") {
    const std::string error = load_error("[bot]\nlanguage = \"" + std::string(200, 'x') + "\"");
    CHECK(error == "config.toml: bot.language: expected \"nl\" or \"en\", got \"" +
                       std::string(60, 'x') + "...\"");
}

TEST_CASE("config: unknown keys and sections", "[config]") {
    CHECK(load_error("[server]\nprot = 1") ==
          "config.toml: server.prot: unknown key; known keys in [server]: address, port, "
          "max_body_bytes, read_timeout_seconds, max_outbox_depth, header_timeout_seconds, "
          "idle_timeout_seconds, max_connections, max_connections_per_address, probe_reserve, "
          "min_free_disk_mb, public_url");
    CHECK(load_error("[teams]\npassword = \"x\"") ==
          "config.toml: teams.password: unknown key; known keys in [teams]: enabled, app_id, "
          "app_password, app_password_file, app_password_env, tenant_id, auth, "
          "webhook_security_token, webhook_security_token_file, webhook_security_token_env, "
          "service_url_hosts, openid_metadata_url");
    CHECK(load_error("[server.tls]\ncert = \"x\"") ==
          "config.toml: server.tls: unknown key; known keys in [server]: address, port, "
          "max_body_bytes, read_timeout_seconds, max_outbox_depth, header_timeout_seconds, "
          "idle_timeout_seconds, max_connections, max_connections_per_address, probe_reserve, "
          "min_free_disk_mb, public_url");
    CHECK(load_error("[database]\npath = \"x\"") ==
          "config.toml: database: unknown section; known sections: bot, storage, log, server, "
          "teams, matrix, reminders, polls, questions, hours, participation");
    CHECK(load_error("language = \"en\"") ==
          "config.toml: language: unknown key outside any section; did you mean to put it under "
          "[bot]?");
    CHECK(load_error("colour = \"blue\"") ==
          "config.toml: colour: unknown key outside any section; known sections: bot, storage, "
          "log, server, teams, matrix, reminders, polls, questions, hours, participation");
}

TEST_CASE("config: TOML syntax errors give line and column", "[config]") {
    SECTION("missing value") {
        auto result = load_config_string("[bot]\nlanguage = \"nl\"\nname = \n", kFile);
        REQUIRE_FALSE(result.has_value());
        REQUIRE(result.error().size() == 1);
        const ConfigError& error = result.error()[0];
        CHECK(error.file == kFile);
        CHECK(error.key.empty());
        CHECK(error.line == 3);
        CHECK(error.column > 0);
        CHECK_FALSE(error.message.empty());
        CHECK_THAT(error.to_string(),
                   Catch::StartsWith("config.toml:3:" + std::to_string(error.column) + ": "));
        CHECK_THAT(error.to_string(), Catch::EndsWith(error.message));
    }
    SECTION("unterminated string") {
        auto result = load_config_string("[bot]\n\n\nname = \"Leernetwerk\n", kFile);
        REQUIRE_FALSE(result.has_value());
        REQUIRE(result.error().size() == 1);
        CHECK(result.error()[0].line == 4);
    }
    SECTION("a key given twice") {
        auto result = load_config_string("[server]\nport = 1\nport = 2\n", kFile);
        REQUIRE_FALSE(result.has_value());
        REQUIRE(result.error().size() == 1);
        CHECK(result.error()[0].line == 3);
        CHECK_THAT(result.error()[0].to_string(), Catch::StartsWith("config.toml:3:"));
    }
}

TEST_CASE("config: secrets inline, from a file, from the environment", "[config][secret]") {
    TempDir dir;
    SECTION("inline") {
        const Config config =
            load_ok("[teams]\nenabled = true\napp_id = \"11111111-2222-3333-4444-555555555555\"\napp_password = \"pw-inline\"\n");
        CHECK(config.teams.app_password.value == "pw-inline");
        CHECK(config.teams.app_password.source == Secret::Source::inline_value);
        CHECK(config.teams.app_password.describe() == "inline");
    }
    SECTION("file, trailing newline trimmed") {
        const std::string contents =
            GENERATE(as<std::string>{}, "pw-file", "pw-file\n", "pw-file\r\n", "pw-file\n\n");
        const std::string path = dir.write("password", contents);
        const Config config = load_ok("[teams]\napp_password_file = '" + path + "'\n");
        CHECK(config.teams.app_password.value == "pw-file");
        CHECK(config.teams.app_password.source == Secret::Source::file);
        CHECK(config.teams.app_password.origin == path);
        CHECK(config.teams.app_password.describe() == "file " + path);
    }
    SECTION("file keeps inner newlines and spaces") {
        const std::string path = dir.write("token", " a b\nc \n");
        const Config config = load_ok("[matrix]\nhs_token_file = '" + path + "'\n");
        CHECK(config.matrix.hs_token.value == " a b\nc ");
    }
    SECTION("environment variable") {
        const std::string name = unique_env_name("PW");
        EnvVar env(name, "pw-env");
        const Config config = load_ok("[matrix]\nas_token_env = \"" + name + "\"\n");
        CHECK(config.matrix.as_token.value == "pw-env");
        CHECK(config.matrix.as_token.source == Secret::Source::env);
        CHECK(config.matrix.as_token.origin == name);
        CHECK(config.matrix.as_token.describe() == "env " + name);
    }
    SECTION("missing file") {
        const std::string path = (dir.path() / "nope").string();
        CHECK(load_error("[teams]\napp_password_file = '" + path + "'\n") ==
              "config.toml: teams.app_password_file: file \"" + path + "\" does not exist");
    }
    SECTION("empty file") {
        const std::string path = dir.write("empty", "\n");
        CHECK(load_error("[teams]\napp_password_file = '" + path + "'\n") ==
              "config.toml: teams.app_password_file: file \"" + path + "\" is empty");
    }
    SECTION("a directory is not a file") {
        const std::string path = dir.path().string();
        CHECK(load_error("[teams]\napp_password_file = '" + path + "'\n") ==
              "config.toml: teams.app_password_file: \"" + path + "\" is a directory, not a file");
    }
    SECTION("unset environment variable") {
        const std::string name = unique_env_name("UNSET");
        ::unsetenv(name.c_str());
        CHECK(load_error("[matrix]\naccess_token_env = \"" + name + "\"\n") ==
              "config.toml: matrix.access_token_env: environment variable " + name + " is not set");
    }
    SECTION("empty environment variable") {
        const std::string name = unique_env_name("EMPTY");
        EnvVar env(name, "");
        CHECK(load_error("[matrix]\naccess_token_env = \"" + name + "\"\n") ==
              "config.toml: matrix.access_token_env: environment variable " + name + " is empty");
    }
    SECTION("two forms at once") {
        const std::string name = unique_env_name("TWO");
        EnvVar env(name, "pw-env");
        CHECK(load_error("[teams]\napp_password = \"pw-inline\"\napp_password_env = \"" + name +
                         "\"\n") ==
              "config.toml: teams.app_password: set only one of app_password, app_password_file "
              "or app_password_env (found app_password and app_password_env)");
    }
    SECTION("a secret of the wrong type is not echoed") {
        const std::string error = load_error("[teams]\napp_password = 987654321\n");
        CHECK(error == "config.toml: teams.app_password: expected a string, got an integer");
        CHECK_THAT(error, !Contains("987654321"));
        CHECK(load_error("[matrix]\nhs_token = [\"hs-secret\"]\n") ==
              "config.toml: matrix.hs_token: expected a string, got an array");
        CHECK(load_error("[matrix]\nhs_token_file = 42\n") ==
              "config.toml: matrix.hs_token_file: expected a file path (a string), got an "
              "integer");
        CHECK(load_error("[matrix]\nhs_token = \"\"\n") ==
              "config.toml: matrix.hs_token: must not be empty");
    }
}

TEST_CASE("config: an unset Secret describes itself as not set", "[config][secret]") {
    CHECK(Secret{}.describe() == "not set");
    CHECK_FALSE(Secret{}.is_set());
}

TEST_CASE("config: teams enabled needs app_id and app_password", "[config]") {
    CHECK(load_errors("[teams]\nenabled = true\n") ==
          std::vector<std::string>{
              "config.toml: teams.app_id: required when [teams] enabled = true (unless only the "
              "outgoing webhook is used: then set webhook_security_token)",
          });
    CHECK(load_errors("[teams]\nenabled = true\napp_id = \"11111111-2222-3333-4444-555555555555\"\n") ==
          std::vector<std::string>{
              "config.toml: teams.app_password: required when [teams] enabled = true and auth = "
              "true (set app_password, app_password_file or app_password_env)",
          });
    // The outgoing webhook alone needs no bot registration.
    const auto webhook_only = load_ok(
        "[teams]\nenabled = true\nwebhook_security_token = "
        "\"vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=\"\n");
    CHECK(webhook_only.teams.app_id.empty());
    CHECK(webhook_only.teams.webhook_security_token.value ==
          "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=");
    CHECK(load_error("[teams]\nwebhook_security_token = \"not base64!\"\n") ==
          "config.toml: teams.webhook_security_token: expected the base64 security token Teams "
          "showed when the outgoing webhook was created");
    CHECK(
        load_error("[teams]\nenabled = true\napp_password = \"pw\"\n") ==
        "config.toml: teams.app_id: required when [teams] enabled = true (unless only the outgoing "
        "webhook is used: then set webhook_security_token)");
    // A broken value is reported once, not also as missing.
    CHECK(load_error("[teams]\nenabled = true\napp_id = 5\napp_password = \"pw\"\n") ==
          "config.toml: teams.app_id: expected a string, got 5 (an integer)");
    // Disabled: nothing is required.
    CHECK_FALSE(load_ok("[teams]\nenabled = false\n").teams.enabled);
}

TEST_CASE("config: matrix enabled needs its URL, user and the tokens of its mode", "[config]") {
    const std::string base =
        "[matrix]\nenabled = true\nhomeserver_url = \"https://matrix.school.nl\"\n"
        "user_id = \"@leernetwerk:school.nl\"\n";
    CHECK(load_error(base + "mode = \"bot\"\n") ==
          "config.toml: matrix.access_token: required when [matrix] enabled = true and mode = "
          "\"bot\" (set access_token, access_token_file or access_token_env)");
    CHECK(load_errors(base) ==
          std::vector<std::string>{
              "config.toml: matrix.as_token: required when [matrix] enabled = true and mode = "
              "\"appservice\" (set as_token, as_token_file or as_token_env)",
              "config.toml: matrix.hs_token: required when [matrix] enabled = true and mode = "
              "\"appservice\" (set hs_token, hs_token_file or hs_token_env)",
          });
    CHECK(load_errors("[matrix]\nenabled = true\nmode = \"bot\"\naccess_token = \"t\"\n") ==
          std::vector<std::string>{
              "config.toml: matrix.homeserver_url: required when [matrix] enabled = true",
              "config.toml: matrix.user_id: required when [matrix] enabled = true",
          });
    const Config config = load_ok(base + "as_token = \"a\"\nhs_token = \"h\"\n");
    CHECK(config.matrix.enabled);
    CHECK(config.matrix.mode == MatrixMode::appservice);
    CHECK_FALSE(config.matrix.access_token.is_set());
}

TEST_CASE("config: all errors are collected", "[config]") {
    const std::vector<std::string> errors = load_errors(R"(
[bot]
language = "de"
min_anonymous_respondents = 0

[server]
port = 99999
hostname = "x"

[teams]
enabled = true
app_id = "11111111-2222-3333-4444-555555555555"

[extra]
a = 1
)");
    // NOLINTBEGIN(bugprone-suspicious-missing-comma): long messages are split on purpose
    CHECK(errors ==
          std::vector<std::string>{
              R"(config.toml: bot.language: expected "nl" or "en", got "de")",
              "config.toml: bot.min_anonymous_respondents: expected an integer from 2 to 100, "
              "got 0",
              "config.toml: server.port: expected an integer from 0 to 65535, got 99999",
              "config.toml: server.hostname: unknown key; known keys in [server]: address, port, "
              "max_body_bytes, read_timeout_seconds, max_outbox_depth, header_timeout_seconds, "
              "idle_timeout_seconds, max_connections, max_connections_per_address, probe_reserve, "
              "min_free_disk_mb, public_url",
              "config.toml: teams.app_password: required when [teams] enabled = true and auth = "
              "true (set "
              "app_password, app_password_file or app_password_env)",
              "config.toml: extra: unknown section; known sections: bot, storage, log, server, "
              "teams, matrix, reminders, polls, questions, hours, participation",
          });
    // NOLINTEND(bugprone-suspicious-missing-comma)
}

TEST_CASE("config: describe_config shows where secrets come from, never their values",
          "[config][secret]") {
    TempDir dir;
    const std::string env_name = unique_env_name("DESCRIBE");
    EnvVar env(env_name, "s3cret-from-env");
    const std::string token_path = dir.write("hs", "s3cret-from-file\n");
    const Config config =
        load_ok("[teams]\nenabled = true\napp_id = \"11111111-2222-3333-4444-555555555555\"\napp_password_env = \"" + env_name +
                "\"\n[matrix]\nenabled = true\nhomeserver_url = \"https://m.school.nl\"\n"
                "user_id = \"@bot:school.nl\"\nas_token = \"s3cret-inline\"\nhs_token_file = '" +
                token_path + "'\n");
    REQUIRE(config.teams.app_password.value == "s3cret-from-env");
    REQUIRE(config.matrix.hs_token.value == "s3cret-from-file");
    REQUIRE(config.matrix.as_token.value == "s3cret-inline");

    const std::string text = describe_config(config);
    INFO(text);
    CHECK_THAT(text, !Contains("s3cret"));
    CHECK_THAT(text, Catch::Contains("  app_password: (from env " + env_name + ")\n"));
    CHECK_THAT(text, Catch::Contains("  hs_token: (from file " + token_path + ")\n"));
    CHECK_THAT(text, Catch::Contains("  as_token: (set inline in the config file)\n"));
    CHECK_THAT(text, Catch::Contains("  access_token: (not set)\n"));
    CHECK_THAT(text, Catch::Contains("  app_id: 11111111-2222-3333-4444-555555555555\n"));
    CHECK_THAT(text, Catch::Contains("  homeserver_url: https://m.school.nl\n"));
}

TEST_CASE("config: describe_config of the defaults", "[config]") {
    const std::string text = describe_config(Config{});
    CHECK_THAT(text, Catch::StartsWith("[bot]\n  language: nl\n  time_zone: Europe/Amsterdam\n"));
    CHECK_THAT(text, Catch::Contains("[server]\n  address: 0.0.0.0\n  port: 3978\n"
                                     "  max_body_bytes: 262144\n  read_timeout_seconds: 10\n"
                                     "  max_outbox_depth: 10000\n"));
    CHECK_THAT(text, Catch::Contains("  format: text\n"));
    CHECK_THAT(text, Catch::Contains("  level: info\n"));
    CHECK_THAT(text, Catch::Contains("  tenant_id: (any tenant)\n"));
    CHECK_THAT(text, Catch::Contains("  app_password: (not set)\n"));
    CHECK_THAT(text, Catch::Contains("  allowed_inviters: (anyone on the homeserver's domain)\n"));
    CHECK_THAT(text, Catch::EndsWith("[reminders]\n  quiet_hours: 18:00-08:00\n"
                                     "  school_days: ma, di, wo, do, vr\n"
                                     "  holiday_region: midden (built-in school holidays for "
                                     "2025-2026, 2026-2027, 2027-2028, 2028-2029)\n"
                                     "  holiday: (none)\n"
                                     "[polls]\n"
                                     "  secret: (not set: a key file next to the database)\n"

                                     "[questions]\n  route_count: 3\n"
                                     "  follow_up_school_days: 3\n"
                                     "  escalation_school_days: 7\n  consent_days: 14\n"
                                     "[hours]\n"
                                     "  default: fixed: 6 hours for 3 meeting(s) attended "
                                     "(fewer: none); task hours 5 per prepared meeting, at most "
                                     "15\n"
                                     "[participation]\n  advisers: (none)\n"
                                     "  academy_contacts: (none)\n"
                                     "  attendance_close_days: 7\n  max_expert_meetings: 2\n"
                                     "  gift: €15\n"));
}

TEST_CASE("config: load_config_file", "[config]") {
    TempDir dir;
    SECTION("a good file") {
        const std::string path = dir.write("good.toml", "[server]\nport = 4000\n");
        auto result = load_config_file(path);
        REQUIRE(result.has_value());
        CHECK(result->server.port == 4000);
    }
    SECTION("errors carry the file's path") {
        const std::string path = dir.write("bad.toml", "[server]\nport = 70000\n");
        auto result = load_config_file(path);
        REQUIRE_FALSE(result.has_value());
        REQUIRE(result.error().size() == 1);
        CHECK(result.error()[0].to_string() ==
              path + ": server.port: expected an integer from 0 to 65535, got 70000");
    }
    SECTION("a missing file") {
        const std::string path = (dir.path() / "missing.toml").string();
        auto result = load_config_file(path);
        REQUIRE_FALSE(result.has_value());
        REQUIRE(result.error().size() == 1);
        CHECK(result.error()[0].file == path);
        CHECK(result.error()[0].key.empty());
        CHECK(result.error()[0].to_string() ==
              path + ": cannot read the config file: file \"" + path + "\" does not exist");
    }
    SECTION("a missing relative path mentions the working directory") {
        auto result = load_config_file("no-such-dir-leernetwerk/config.toml");
        REQUIRE_FALSE(result.has_value());
        REQUIRE(result.error().size() == 1);
        CHECK_THAT(result.error()[0].message, Catch::Contains("relative to the working directory " +
                                                              fs::current_path().string()));
    }
}

TEST_CASE("config: the shipped example loads and documents every key", "[config]") {
    const std::string path =
        std::string(LEERNETWERK_SOURCE_DIR) + "/config/leernetwerk.example.toml";
    auto result = load_config_file(path);
    if (!result) {
        for (const ConfigError& error : result.error()) {
            UNSCOPED_INFO(error.to_string());
        }
    }
    REQUIRE(result.has_value());

    // The example shows the defaults.
    const Config defaults;
    CHECK(result->bot.language == defaults.bot.language);
    CHECK(result->bot.time_zone == defaults.bot.time_zone);
    CHECK(result->bot.min_anonymous_respondents == defaults.bot.min_anonymous_respondents);
    CHECK(result->storage.path == defaults.storage.path);
    CHECK(result->server.port == defaults.server.port);
    CHECK(result->server.max_body_bytes == defaults.server.max_body_bytes);
    CHECK(describe_config(*result) == describe_config(defaults));

    const std::string text = read_text(path);
    // The extra-holiday form is shown, commented out, and so are the hours tables.
    CHECK_THAT(text, Contains("\n# [[reminders.holiday]]\n"));
    CHECK_THAT(text, Contains("\n# [hours.years.\"2026-2027\"]\n"));
    CHECK_THAT(text, Contains("\n# [hours.networks.\"HSN-café Feedback die werkt\"]\n"));
    for (const char* section : {"[bot]", "[storage]", "[log]", "[server]", "[teams]", "[matrix]",
                                "[reminders]", "[questions]", "[hours]", "[participation]"}) {
        INFO(section);
        CHECK_THAT(text, Contains(std::string("\n") + section + "\n"));
    }
    const std::vector<std::string> keys = {"language",
                                           "time_zone",
                                           "name",
                                           "min_anonymous_respondents",
                                           "path",
                                           "level",
                                           "address",
                                           "port",
                                           "max_body_bytes",
                                           "read_timeout_seconds",
                                           "max_outbox_depth",
                                           "enabled",
                                           "app_id",
                                           "app_password",
                                           "app_password_file",
                                           "app_password_env",
                                           "tenant_id",
                                           "auth",
                                           "mode",
                                           "homeserver_url",
                                           "user_id",
                                           "as_token",
                                           "as_token_file",
                                           "as_token_env",
                                           "hs_token",
                                           "hs_token_file",
                                           "hs_token_env",
                                           "access_token",
                                           "access_token_file",
                                           "access_token_env",
                                           "allowed_inviters",
                                           "quiet_hours",
                                           "school_days",
                                           "holiday_region",
                                           "route_count",
                                           "follow_up_school_days",
                                           "escalation_school_days",
                                           "consent_days",
                                           "rule",
                                           "hours",
                                           "min_meetings",
                                           "partial",
                                           "per_meeting",
                                           "max_hours",
                                           "task_hours_per_meeting",
                                           "task_hours_max",
                                           "advisers",
                                           "academy_contacts",
                                           "attendance_close_days",
                                           "max_expert_meetings",
                                           "gift"};
    for (const std::string& key : keys) {
        INFO(key);
        // Each key appears as a setting line, active or commented out.
        const bool active = text.find("\n" + key + " = ") != std::string::npos;
        const bool commented = text.find("\n# " + key + " = ") != std::string::npos;
        CHECK((active || commented));
    }
}

// ---- [reminders] ------------------------------------------------------------------------------

namespace {

leernetwerk::LocalDay day(int y, unsigned m, unsigned d) {
    return leernetwerk::LocalDay{date::year{y} / date::month{m} / date::day{d}};
}

}  // namespace

TEST_CASE("config: [reminders] defaults: weekdays 08:00-18:00 and the midden holidays",
          "[config][reminders]") {
    const Config config = load_ok("");
    CHECK(config.reminders.quiet_hours == "18:00-08:00");
    CHECK(config.reminders.school_days == std::vector<std::string>{"ma", "di", "wo", "do", "vr"});
    CHECK(config.reminders.holiday_region == "midden");
    CHECK(config.reminders.extra_holidays.empty());

    const leernetwerk::SendWindow window = send_window_for(config.reminders);
    CHECK(window.quiet_from == std::chrono::hours{18});
    CHECK(window.quiet_until == std::chrono::hours{8});
    CHECK(window.school_days == std::array<bool, 7>{true, true, true, true, true, false, false});
    // Every built-in school year is merged in, so one window serves across 1 August.
    CHECK(window.holidays.size() == 5 * leernetwerk::known_holiday_school_years().size());
    const leernetwerk::HolidayPeriod* autumn_2025 = holiday_on(day(2025, 10, 22), window);
    REQUIRE(autumn_2025 != nullptr);
    CHECK(autumn_2025->name == "herfstvakantie");
    CHECK(holiday_on(day(2027, 7, 20), window) != nullptr);   // zomervakantie midden 2027
    CHECK(holiday_on(day(2026, 10, 12), window) == nullptr);  // only noord is off that week
}

TEST_CASE("config: every [reminders] key is read", "[config][reminders]") {
    const Config config = load_ok(R"(
[reminders]
quiet_hours = "12:00 - 13:00"
school_days = ["Mon", "di", "wo", "thu", "VR", "za"]
holiday_region = "Noord"

[[reminders.holiday]]
name = "Studiedag"
first = 2027-02-12
last = 2027-02-12

[[reminders.holiday]]
name = "Schoolreis"
first = 2027-06-01
last = 2027-06-03
)");
    const RemindersConfig& reminders = config.reminders;
    CHECK(reminders.quiet_hours == "12:00 - 13:00");
    CHECK(reminders.school_days == std::vector<std::string>{"mon", "di", "wo", "thu", "vr", "za"});
    CHECK(reminders.holiday_region == "noord");
    REQUIRE(reminders.extra_holidays.size() == 2);
    CHECK(reminders.extra_holidays[0] ==
          leernetwerk::HolidayPeriod{"Studiedag", day(2027, 2, 12), day(2027, 2, 12)});
    CHECK(reminders.extra_holidays[1] ==
          leernetwerk::HolidayPeriod{"Schoolreis", day(2027, 6, 1), day(2027, 6, 3)});

    const leernetwerk::SendWindow window = send_window_for(reminders);
    CHECK(window.quiet_from == std::chrono::hours{12});
    CHECK(window.quiet_until == std::chrono::hours{13});
    CHECK(window.school_days == std::array<bool, 7>{true, true, true, true, true, true, false});
    CHECK(holiday_on(day(2026, 10, 12), window) != nullptr);  // herfstvakantie noord
    CHECK(holiday_on(day(2026, 10, 20), window) == nullptr);  // that is midden's week
    const leernetwerk::HolidayPeriod* study_day = holiday_on(day(2027, 2, 12), window);
    REQUIRE(study_day != nullptr);
    CHECK(study_day->name == "Studiedag");
    CHECK_FALSE(is_school_day(day(2027, 6, 2), window));
    CHECK(is_school_day(day(2027, 6, 5), window));  // a Saturday, and Saturdays count here

    const std::string text = describe_config(config);
    CHECK_THAT(text, Catch::Contains("[reminders]\n  quiet_hours: 12:00 - 13:00\n"
                                     "  school_days: mon, di, wo, thu, vr, za\n"
                                     "  holiday_region: noord (built-in school holidays for "));
    CHECK_THAT(text, Catch::Contains("  holiday: Studiedag, 2027-02-12\n"
                                     "  holiday: Schoolreis, 2027-06-01 .. 2027-06-03\n[polls]\n"));
}

TEST_CASE("config: [reminders] without quiet hours or built-in holidays", "[config][reminders]") {
    const std::string region = GENERATE(as<std::string>{}, "", "geen", "GEEN", "none");
    const Config config =
        load_ok("[reminders]\nquiet_hours = \"geen\"\nholiday_region = \"" + region + "\"\n");
    const leernetwerk::SendWindow window = send_window_for(config.reminders);
    CHECK(window.quiet_from == window.quiet_until);
    CHECK(window.holidays.empty());
    CHECK_THAT(describe_config(config),
               Catch::Contains("  holiday_region: geen (no built-in school holidays)\n"));
}

TEST_CASE("config: [reminders] errors name the key and the expected form", "[config][reminders]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[reminders]\nquiet_hours = \"18-08\"",
         R"(config.toml: reminders.quiet_hours: expected "HH:MM-HH:MM" such as "18:00-08:00" )"
         R"((or "geen" for no quiet hours), got "18-08")"},
        {"[reminders]\nquiet_hours = \"25:00-08:00\"",
         R"(config.toml: reminders.quiet_hours: expected "HH:MM-HH:MM" such as "18:00-08:00" )"
         R"((or "geen" for no quiet hours), got "25:00-08:00")"},
        {"[reminders]\nquiet_hours = 1800",
         "config.toml: reminders.quiet_hours: expected a string, got 1800 (an integer)"},
        {"[reminders]\nschool_days = [\"ma\", \"maandag\"]",
         R"(config.toml: reminders.school_days: item 2: expected a weekday abbreviation (ma, di, )"
         R"(wo, do, vr, za, zo or mon, tue, wed, thu, fri, sat, sun), got "maandag")"},
        {"[reminders]\nschool_days = []",
         R"(config.toml: reminders.school_days: must list at least one day, e.g. ["ma", "di", )"
         R"("wo", "do", "vr"])"},
        {"[reminders]\nschool_days = [\"ma\", \"di\", \"Mon\"]",
         R"(config.toml: reminders.school_days: lists the same day twice ("Mon"))"},
        {"[reminders]\nschool_days = \"ma\"",
         R"(config.toml: reminders.school_days: expected an array of strings, got "ma" )"
         R"((a string))"},
        {"[reminders]\nholiday_region = \"oost\"",
         R"(config.toml: reminders.holiday_region: expected "noord", "midden", "zuid" or "geen" )"
         R"((no built-in holidays), got "oost")"},
        {"[reminders]\nquiet = \"18:00-08:00\"",
         "config.toml: reminders.quiet: unknown key; known keys in [reminders]: quiet_hours, "
         "school_days, holiday_region, holiday"},
        {"[[reminders.holiday]]\nname = \"Studiedag\"\nfirst = 2027-02-12\nlast = 2027-02-10",
         "config.toml: reminders.holiday[1].last: before first: 2027-02-10 is earlier than "
         "2027-02-12"},
        {"[[reminders.holiday]]\nname = \"Studiedag\"\nfirst = 2027-02-12\nlast = 2027-02-12\n"
         "[[reminders.holiday]]\nname = \"Reis\"\nfirst = 2027-06-03\nlast = 2027-06-01",
         "config.toml: reminders.holiday[2].last: before first: 2027-06-01 is earlier than "
         "2027-06-03"},
        {"[[reminders.holiday]]\nname = \"Studiedag\"\nfirst = \"2027-02-12\"\nlast = 2027-02-12",
         R"(config.toml: reminders.holiday[1].first: expected a date like 2027-02-12 (a TOML )"
         R"(date, without quotes), got "2027-02-12" (a string))"},
        {"[[reminders.holiday]]\nname = \"Studiedag\"\nfirst = 2027-02-12T08:00:00\n"
         "last = 2027-02-12",
         "config.toml: reminders.holiday[1].first: expected a date like 2027-02-12 (a TOML "
         "date, without quotes), got 2027-02-12T08:00:00 (a date-time)"},
        {"[[reminders.holiday]]\nname = \"Studiedag\"\nfirst = 2027-02-12",
         "config.toml: reminders.holiday[1].last: required: a date like 2027-02-12"},
        {"[[reminders.holiday]]\nfirst = 2027-02-12\nlast = 2027-02-12",
         R"(config.toml: reminders.holiday[1].name: required: what the day is called, e.g. )"
         R"("Studiedag")"},
        {"[[reminders.holiday]]\nname = \" \"\nfirst = 2027-02-12\nlast = 2027-02-12",
         "config.toml: reminders.holiday[1].name: must not be empty"},
        {"[[reminders.holiday]]\nname = \"Studiedag\"\nday = 2027-02-12\nfirst = 2027-02-12\n"
         "last = 2027-02-12",
         "config.toml: reminders.holiday[1].day: unknown key; known keys in "
         "[[reminders.holiday]]: name, first, last"},
        {"[reminders.holiday]\nname = \"Studiedag\"\nfirst = 2027-02-12\nlast = 2027-02-12",
         "config.toml: reminders.holiday: expected [[reminders.holiday]] entries with name, "
         "first and last, got a table"},
        {"[reminders]\nholiday = [\"Studiedag\"]",
         "config.toml: reminders.holiday[1]: expected [[reminders.holiday]] entries with name, "
         "first and last, got a string"},
        {"reminders = 5", "config.toml: reminders: expected a section [reminders], got an integer"},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        CHECK(load_error(text) == expected);
    }
}

TEST_CASE("config: a bad [reminders] entry does not hide the others", "[config][reminders]") {
    CHECK(load_errors("[reminders]\nquiet_hours = \"laat\"\nholiday_region = \"oost\"\n"
                      "[[reminders.holiday]]\nname = \"A\"\nfirst = 2027-02-12\n"
                      "last = 2027-02-11\n") ==
          std::vector<std::string>{
              R"(config.toml: reminders.quiet_hours: expected "HH:MM-HH:MM" such as "18:00-08:00" )"
              R"((or "geen" for no quiet hours), got "laat")",
              R"(config.toml: reminders.holiday_region: expected "noord", "midden", "zuid" or )"
              R"("geen" (no built-in holidays), got "oost")",
              "config.toml: reminders.holiday[1].last: before first: 2027-02-11 is earlier than "
              "2027-02-12",
          });
}

// ---- [questions] ------------------------------------------------------------------------------

TEST_CASE("config: [questions] keys are read and shown", "[config][questions]") {
    const Config defaults;
    CHECK(defaults.questions.route_count == 3);
    CHECK(defaults.questions.follow_up_school_days == 3);
    CHECK(defaults.questions.escalation_school_days == 7);
    CHECK(defaults.questions.consent_days == 14);
    const Config config = load_ok(
        "[questions]\nroute_count = 2\nfollow_up_school_days = 4\nescalation_school_days = 10\n"
        "consent_days = 30\n");
    CHECK(config.questions.route_count == 2);
    CHECK(config.questions.follow_up_school_days == 4);
    CHECK(config.questions.escalation_school_days == 10);
    CHECK(config.questions.consent_days == 30);
    // The follow-up alone, still before the default escalation.
    CHECK(load_ok("[questions]\nfollow_up_school_days = 6\n").questions.follow_up_school_days == 6);
    CHECK_THAT(describe_config(config),
               Catch::Contains("[questions]\n  route_count: 2\n  follow_up_school_days: 4\n"
                               "  escalation_school_days: 10\n  consent_days: 30\n"));
}

TEST_CASE("config: [questions] errors name the key and the expected form", "[config][questions]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[questions]\nroute_count = 0",
         "config.toml: questions.route_count: expected an integer from 1 to 10, got 0"},
        {"[questions]\nroute_count = \"3\"",
         "config.toml: questions.route_count: expected an integer from 1 to 10, got \"3\" (a "
         "string)"},
        {"[questions]\nfollow_up_school_days = 31",
         "config.toml: questions.follow_up_school_days: expected an integer from 1 to 30, got 31"},
        {"[questions]\nfollow_up_school_days = 5\nescalation_school_days = 5",
         "config.toml: questions.escalation_school_days: must be more than "
         "follow_up_school_days (5), got 5"},
        {"[questions]\nfollow_up_school_days = 10",
         "config.toml: questions.follow_up_school_days: must be less than "
         "escalation_school_days (7), got 10"},
        {"[questions]\nfollow_up_school_days = 7",
         "config.toml: questions.follow_up_school_days: must be less than "
         "escalation_school_days (7), got 7"},
        {"[questions]\nescalation_school_days = 2",
         "config.toml: questions.escalation_school_days: must be more than "
         "follow_up_school_days (3), got 2"},
        {"[questions]\nconsent_days = 365",
         "config.toml: questions.consent_days: expected an integer from 1 to 90, got 365"},
        {"[questions]\nroutes = 3",
         "config.toml: questions.routes: unknown key; known keys in [questions]: route_count, "
         "follow_up_school_days, escalation_school_days, consent_days"},
    };
    for (const auto& [toml, expected] : cases) {
        INFO(toml);
        CHECK(load_error(toml) == expected);
    }
}

TEST_CASE("config: what serve or teams-package would refuse is refused here already",
          "[config][check]") {
    CHECK(load_error("[teams]\napp_id = \"not-a-guid\"\n") ==
          "config.toml: teams.app_id: expected the Microsoft App ID, a GUID like "
          "00000000-0000-0000-0000-000000000000, got \"not-a-guid\"");
    CHECK(load_error("[server]\naddress = \"999.1.1.1\"\n") ==
          "config.toml: server.address: expected an IP address to listen on, such as "
          "\"127.0.0.1\", \"0.0.0.0\" or \"::\", got \"999.1.1.1\"");
    CHECK(load_ok("[server]\naddress = \"::1\"\n").server.address == "::1");
    CHECK(load_error("[teams]\nopenid_metadata_url = \"http://localhost.evil.example/x\"\n") ==
          "config.toml: teams.openid_metadata_url: expected an https:// URL, got "
          "\"http://localhost.evil.example/x\"");
    CHECK(load_ok("[teams]\nopenid_metadata_url = \"http://localhost:9000/openid\"\n")
              .teams.openid_metadata_url == "http://localhost:9000/openid");
    // A device is never read (it would not end).
    const auto zero = leernetwerk::app::load_config_file("/dev/zero");
    REQUIRE_FALSE(zero);
    CHECK_THAT(zero.error().front().to_string(), Contains("is not a regular file"));
}
