#pragma once
// The bot's settings, read from a TOML file (see config/leernetwerk.example.toml). Every setting
// has a default, so the bot also runs without a file. Loading checks everything at once and reports
// every problem with the file name and the key, so an administrator can fix them in one go.
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "bot/i18n/lang.hpp"
#include "bot/vocab/participation.hpp"
#include "bot/vocab/send_window.hpp"

namespace leernetwerk::app {

/// A password or token. Read from one of three forms of a key `name`: `name = "..."` (inline),
/// `name_file = "/path"` (the file's contents without trailing newlines) or `name_env = "VAR"`
/// (an environment variable). Never print `value`: describe() tells where it came from instead.
struct Secret {
    enum class Source { none, inline_value, file, env };

    Source source = Source::none;
    std::string origin;  ///< the file path or the environment variable name; empty otherwise
    std::string value;   ///< the secret itself; never log it

    bool is_set() const { return source != Source::none; }
    /// "inline", "file /run/secrets/x", "env TEAMS_PASSWORD" or "not set"; never the value.
    std::string describe() const;

    /// Deleted on purpose, so a Secret cannot end up in a log line by accident.
    friend std::ostream& operator<<(std::ostream&, const Secret&) = delete;
};

enum class LogLevel { trace, debug, info, warn, error, off };
/// "trace", "debug", "info", "warn", "error" or "off".
std::string_view log_level_name(LogLevel level);

/// How the bot talks to Matrix: as an application service, or as an ordinary logged-in user.
enum class MatrixMode { appservice, bot };
/// "appservice" or "bot".
std::string_view matrix_mode_name(MatrixMode mode);

struct BotConfig {
    Lang language = Lang::nl;  ///< the default language for members who have not chosen one
    std::string time_zone = "Europe/Amsterdam";  ///< an IANA zone known to the system tz database
    std::string name = "Leernetwerk bot";  ///< display name; a leading @mention of it is stripped
    int min_anonymous_respondents = 3;     ///< 2..100
};

struct StorageConfig {
    /// SQLite database file, relative to the working directory; ":memory:" keeps nothing.
    std::string path = "data/leernetwerk.db";
};

/// How log lines are written to standard error: for people, or one JSON object per line (for
/// journald, Loki, Elastic and other collectors).
enum class LogFormat { text, json };

struct LogConfig {
    LogLevel level = LogLevel::info;
    LogFormat format = LogFormat::text;
};

struct ServerConfig {
    std::string address = "0.0.0.0";
    int port = 3978;                      ///< 0..65535; 0: any free port (logged)
    std::size_t max_body_bytes = 262144;  ///< 1024..10485760
    int read_timeout_seconds = 10;        ///< 1..300
    /// Messages waiting in a platform's outbox beyond which new inbound events are refused
    /// with a retryable answer (back-pressure); 0: no bound. 0..10000000
    int max_outbox_depth = 10000;
    int header_timeout_seconds = 5;  ///< 1..300: request line and headers
    int idle_timeout_seconds = 5;    ///< 1..300: a keep-alive connection between requests
    std::size_t max_connections = 1024;             ///< 16..100000
    std::size_t max_connections_per_address = 128;  ///< 0..100000; 0: no cap
    std::size_t probe_reserve = 32;  ///< 0..1000: of max_connections, for local health probes
    /// /readyz says not ready below this much free space where the database is. 0..1000000
    std::uint64_t min_free_disk_mb = 200;
    /// The address members reach the server at from outside ("https://leernetwerk.school.nl",
    /// no trailing slash): the base of calendar feed URLs. Empty: the bot offers no feeds.
    std::string public_url;
};

struct TeamsConfig {
    bool enabled = false;
    std::string app_id;     ///< required when enabled
    Secret app_password;    ///< required when enabled
    std::string tenant_id;  ///< empty: any tenant (multi-tenant)
    bool auth = true;       ///< check incoming requests' tokens; false only for local testing
    /// Outgoing-webhook security token (base64); when set, /api/teams-webhook is served.
    Secret webhook_security_token;
    /// Hosts the bot sends its token to ("*.x" matches subdomains).
    std::vector<std::string> service_url_hosts = {"smba.trafficmanager.net", "*.trafficmanager.net",
                                                  "*.botframework.com"};
    std::string openid_metadata_url =
        "https://login.botframework.com/v1/.well-known/openidconfiguration";
};

struct MatrixConfig {
    bool enabled = false;
    MatrixMode mode = MatrixMode::appservice;
    std::string homeserver_url;  ///< starts with http:// or https://; trailing '/' removed
    std::string user_id;         ///< "@localpart:server"
    Secret as_token;             ///< required in appservice mode when enabled
    Secret hs_token;             ///< required in appservice mode when enabled
    Secret access_token;         ///< required in bot mode when enabled
    /// User IDs allowed to invite the bot; empty: anyone on the homeserver's domain.
    std::vector<std::string> allowed_inviters;
};

/// When reminders may go out. Kept as the administrator wrote it (lower-cased), so that
/// describe_config can show it back; send_window_for turns it into the rules.
struct RemindersConfig {
    /// "HH:MM-HH:MM" in the bot's time zone, wrapping midnight when the first is later;
    /// "geen" (or equal times) for no quiet hours.
    std::string quiet_hours = "18:00-08:00";
    /// Weekday abbreviations, Dutch or English: "ma".."zo", "mon".."sun".
    std::vector<std::string> school_days = {"ma", "di", "wo", "do", "vr"};
    /// "noord", "midden" or "zuid": the built-in school holidays of that region; "" or "geen":
    /// none.
    std::string holiday_region = "midden";
    /// [[reminders.holiday]] entries: study days and the school's own deviations.
    std::vector<HolidayPeriod> extra_holidays;
};

/// Polls and evaluations. The key of the respondent tokens that keep anonymous answers
/// anonymous lives here or in a file, never in the database. Not set: `serve` and `console` keep
/// a random key in a file next to the database (mode 0600), made on first start.
struct PollsConfig {
    Secret secret;  ///< `secret`, `secret_file` or `secret_env`; at least 16 characters
};

/// Questions to the network: how many members are asked, and when an unanswered question is
/// followed up and escalated.
struct QuestionsConfig {
    int route_count = 3;             ///< 1..10: members first asked (a network may change it)
    int follow_up_school_days = 3;   ///< 1..30: no answer after this, the next best are asked
    int escalation_school_days = 7;  ///< 2..60, more than follow_up: the facilitator is asked
    int consent_days = 14;           ///< 1..90: how long "may I keep your answer?" stays open
};

/// All settings. A default-constructed Config is what the bot uses without a config file.
struct Config {
    BotConfig bot;
    StorageConfig storage;
    LogConfig log;
    ServerConfig server;
    TeamsConfig teams;
    MatrixConfig matrix;
    RemindersConfig reminders;
    PollsConfig polls;
    QuestionsConfig questions;
    /// [hours] (the rules in `participation.hours`) and [participation]: attendance, hours,
    /// the adviser, the academy's contacts, experts and the gift. Read as the core uses them.
    ParticipationSettings participation;
};

/// The rules reminders follow: the quiet hours, the school days, the region's built-in holidays
/// of every school year the bot knows (all of them, so one SendWindow keeps working across the
/// 1 August boundary and for reminders planned months ahead) and the extra holidays. A value that
/// load_config would have refused keeps the SendWindow default.
SendWindow send_window_for(const RemindersConfig& reminders);

/// One problem in a config file. Never contains a secret's value.
struct ConfigError {
    std::string file;
    std::string key;  ///< dotted, e.g. "server.port"; empty for file-level and syntax errors
    std::string message;
    std::size_t line = 0;    ///< 1-based; set only for TOML syntax errors
    std::size_t column = 0;  ///< 1-based; set only for TOML syntax errors

    /// `config.toml: server.port: expected ...`, or `config.toml:12:5: ...` for syntax errors.
    std::string to_string() const;
};

using ConfigResult = tl::expected<Config, std::vector<ConfigError>>;

/// Reads and checks a config file; on failure returns every problem found, in a stable order.
ConfigResult load_config_file(const std::string& path);
/// Like load_config_file, for text already in memory; `file_name` is used in the errors.
ConfigResult load_config_string(std::string_view toml_text, const std::string& file_name);

/// A multi-line summary for logs and check-config; secrets appear only as "(from env VAR)" etc.
std::string describe_config(const Config& config);

}  // namespace leernetwerk::app
