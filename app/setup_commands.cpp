// The setup commands: check-config, teams-package and matrix-registration. They read the
// configuration file and write what the platforms need; only check-config looks at the database.
#include <filesystem>
#include <iostream>
#include <utility>

#include "app/admin_commands.hpp"
#include "app/admin_database.hpp"
#include "app/bot_setup.hpp"
#include "app/cli.hpp"
#include "app/matrix_registration.hpp"
#include "app/poll_key.hpp"
#include "app/teams_package.hpp"

namespace leernetwerk::app {
namespace {

/// The check-config warning when the known school holidays end within kHolidayWarningDays.
std::string holiday_warning(const SendWindow& window, const std::string& zone) {
    const auto now = date::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    const auto today = date::floor<date::days>(to_local(now, zone).value_or(LocalTime{}));
    if (!holidays_run_out_soon(window, today)) {
        return "";
    }
    return "reminders: warning: school holidays are known only until " +
           format_day(*holidays_known_until(window), Lang::en) +
           "; after that, reminders may go out in a holiday. Add the next school year's dates "
           "with `leernetwerk import-vakanties --file X.ics` or [[reminders.holiday]]";
}

}  // namespace

int run_check_config(const std::string& path) {
    auto config = load_config_file(path);
    if (!config) {
        for (const auto& error : config.error()) {
            std::cerr << error.to_string() << "\n";
        }
        std::cerr << path << ": " << config.error().size() << " problem(s)\n";
        return kExitConfigError;
    }
    // The poll key file next to the database (when no [polls] secret is set) is part of the
    // configuration: a server that would refuse to start on it is reported here already.
    if (!config->polls.secret.is_set() && config->storage.path != ":memory:") {
        const auto key_path = poll_key_path(config->storage.path);
        if (std::filesystem::exists(key_path)) {
            const auto file = read_poll_key_file(key_path);
            if (!file.problem.empty()) {
                std::cerr << path << ": polls.secret: not set, and the poll key file "
                          << key_path.string() << " " << file.problem << "\n";
                std::cerr << path << ": 1 problem(s)\n";
                return kExitConfigError;
            }
            if (!file.warning.empty()) {
                std::cerr << path << ": polls.secret: warning: the poll key file "
                          << key_path.string() << " " << file.warning << "\n";
            }
        }
    }
    // Secret files others can read: still usable, but anyone on the machine could act as the bot.
    const std::pair<const char*, const Secret*> secrets[] = {
        {"teams.app_password_file", &config->teams.app_password},
        {"teams.webhook_security_token_file", &config->teams.webhook_security_token},
        {"matrix.as_token_file", &config->matrix.as_token},
        {"matrix.hs_token_file", &config->matrix.hs_token},
        {"matrix.access_token_file", &config->matrix.access_token},
        {"polls.secret_file", &config->polls.secret}};
    for (const auto& [key, secret] : secrets) {
        if (secret->source != Secret::Source::file) {
            continue;
        }
        if (const auto mode = shared_file_mode(secret->origin); !mode.empty()) {
            std::cerr << path << ": " << key << ": warning: " << secret->origin
                      << " can be read by others than its owner (mode " << mode
                      << "); make it private with chmod 600\n";
        }
    }
    auto window = send_window_for(config->reminders);
    if (config->storage.path != ":memory:" && std::filesystem::exists(config->storage.path)) {
        if (const auto opened = open_admin_database(config->storage.path, {.must_exist = false});
            opened.store) {
            add_imported_holidays(*opened.store, window);
        }
    }
    if (const auto warning = holiday_warning(window, config->bot.time_zone); !warning.empty()) {
        std::cerr << path << ": " << warning << "\n";
    }
    std::cout << path << ": OK\n" << describe_config(*config);
    return 0;
}

/// Writes the Teams app package for `host` from the config's [teams] app_id and [bot] name.
int run_teams_package(const std::string& path, const std::string& host, const std::string& out) {
    const auto config = load_config(path);
    if (!config) {
        return kExitConfigError;
    }
    const TeamsPackageInput input{config->teams.app_id, config->bot.name, host,
                                  LEERNETWERK_VERSION};
    if (const auto written = write_teams_package(input, out); !written) {
        const auto& error = written.error();
        // Configuration keys are named with their file, like check-config does.
        std::cerr << (error.key.starts_with("--") ? "" : path + ": ") << error.to_string() << "\n";
        return kExitConfigError;
    }
    std::cout << "wrote " << out << " (app " << input.app_id << ", host " << host
              << "): upload it in Teams under Apps > Manage your apps > Upload an app\n";
    return 0;
}

int run_matrix_registration(const std::string& path, const std::string& url,
                            const std::string& out_dir, bool force) {
    const auto config = load_config(path);
    if (!config) {
        return kExitConfigError;
    }
    MatrixRegistrationInput input;
    input.user_id = config->matrix.user_id;
    input.url = url;
    input.as_token = config->matrix.as_token.value;
    input.hs_token = config->matrix.hs_token.value;
    input.out_dir = out_dir;
    input.force = force;
    const auto written = write_matrix_registration(std::move(input));
    if (!written) {
        std::cerr << path << ": " << written.error() << "\n";
        return kExitConfigError;
    }
    std::cout << "wrote " << written->registration << ", " << written->as_token << " and "
              << written->hs_token << " (mode 0600"
              << (written->generated_tokens ? ", new random tokens" : ", tokens from the config")
              << ").\nGive the registration to the homeserver (Synapse: app_service_config_files) "
                 "and point [matrix] as_token_file and hs_token_file at the token files.\n";
    return 0;
}

}  // namespace leernetwerk::app
