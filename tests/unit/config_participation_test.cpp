// [hours] and [participation]: every key, inheritance from the table around, which rule applies
// to a network's year, and every contradiction reported with the file and the dotted key.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "app/config.hpp"
#include "support/config_loading.hpp"

using namespace leernetwerk::app;
using leernetwerk::testing::load_error;
using leernetwerk::testing::load_errors;
using leernetwerk::testing::load_ok;
using Catch::Matchers::Contains;
using leernetwerk::HoursRule;
using leernetwerk::Platform;

TEST_CASE("hours config: the defaults are HSN 2025-2026", "[config][hours]") {
    const Config config = load_ok("");
    const HoursRule& rule = config.participation.hours.fallback;
    CHECK(rule.kind == HoursRule::Kind::fixed);
    CHECK(rule.hours_tenths == 60);
    CHECK(rule.min_meetings == 3);
    CHECK_FALSE(rule.pro_rata);
    CHECK(rule.task_per_meeting_tenths == 50);
    CHECK(rule.task_max_tenths == 150);
    CHECK(config.participation.hours.years.empty());
    CHECK(config.participation.hours.networks.empty());
    CHECK(config.participation.advisers.empty());
    CHECK(config.participation.academy_contacts.empty());
    CHECK(config.participation.attendance_close_days == 7);
    CHECK(config.participation.max_expert_meetings == 2);
    CHECK(config.participation.gift == "€15");
}

TEST_CASE("hours config: every key of a fixed and a per-meeting rule is read", "[config][hours]") {
    const Config fixed = load_ok(R"(
[hours]
rule = "fixed"
hours = 4.5
min_meetings = 2
partial = "pro_rata"
task_hours_per_meeting = 4
task_hours_max = 0
)");
    const HoursRule& rule = fixed.participation.hours.fallback;
    CHECK(rule.kind == HoursRule::Kind::fixed);
    CHECK(rule.hours_tenths == 45);
    CHECK(rule.min_meetings == 2);
    CHECK(rule.pro_rata);
    CHECK(rule.task_per_meeting_tenths == 40);
    CHECK(rule.task_max_tenths == 0);

    const Config per_meeting = load_ok(R"(
[hours]
rule = "PER_MEETING"
per_meeting = 2.5
max_hours = 10
)");
    const HoursRule& each = per_meeting.participation.hours.fallback;
    CHECK(each.kind == HoursRule::Kind::per_meeting);
    CHECK(each.per_meeting_tenths == 25);
    CHECK(each.max_tenths == 100);
}

TEST_CASE("hours config: year and network tables inherit what they leave out", "[config][hours]") {
    const Config config = load_ok(R"(
[hours]
hours = 8
task_hours_per_meeting = 6
task_hours_max = 18

[hours.years."2026-2027"]
min_meetings = 4
)");
    const auto& fixed = config.participation.hours;
    REQUIRE(fixed.years.contains(2026));
    const HoursRule& year = fixed.years.at(2026);
    CHECK(year.kind == HoursRule::Kind::fixed);
    CHECK(year.hours_tenths == 80);
    CHECK(year.min_meetings == 4);
    CHECK(year.task_per_meeting_tenths == 60);

    // A network may switch to the other rule when [hours] gives only what both rules share.
    const Config networks = load_ok(R"(
[hours]
task_hours_max = 18

[hours.networks."HSN-café Feedback die werkt"]
rule = "per_meeting"
per_meeting = 2

[hours.networks."HSN-café Feedback die werkt".years."2027-2028"]
max_hours = 6
)");
    const auto& hours = networks.participation.hours;

    // By the folded name: case and accents do not matter.
    REQUIRE(hours.networks.contains("hsn-cafe feedback die werkt"));
    const HoursRule& network = hours.networks.at("hsn-cafe feedback die werkt");
    CHECK(network.kind == HoursRule::Kind::per_meeting);
    CHECK(network.per_meeting_tenths == 20);
    CHECK(network.max_tenths == 0);
    CHECK(network.task_max_tenths == 180);

    const HoursRule& network_year = hours.network_years.at("hsn-cafe feedback die werkt").at(2027);
    CHECK(network_year.kind == HoursRule::Kind::per_meeting);
    CHECK(network_year.per_meeting_tenths == 20);
    CHECK(network_year.max_tenths == 60);
}

TEST_CASE("hours config: the most specific table applies to a network's year", "[config][hours]") {
    const Config config = load_ok(R"(
[hours]
hours = 6

[hours.years."2026-2027"]
hours = 7

[hours.networks."Café Lezen"]
hours = 8

[hours.networks."Café Lezen".years."2026-2027"]
hours = 9
)");
    const auto& hours = config.participation.hours;
    CHECK(hours.rule_for("CAFE LEZEN", 2026).hours_tenths == 90);    // the network's year
    CHECK(hours.rule_for("Café Lezen", 2027).hours_tenths == 80);    // the network's own
    CHECK(hours.rule_for("Café Rekenen", 2026).hours_tenths == 70);  // the year's
    CHECK(hours.rule_for("Café Rekenen", 2025).hours_tenths == 60);  // the default
}

TEST_CASE("hours config: bad values name the file and the dotted key", "[config][hours]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[hours]\nrule = \"weekly\"",
         "config.toml: hours.rule: expected \"fixed\" or \"per_meeting\", got \"weekly\""},
        {"[hours]\nhours = -1",
         "config.toml: hours.hours: expected hours from 0 to 100 with at most one decimal, such "
         "as 6 or 4.5, got -1"},
        {"[hours]\nhours = 100.5",
         "config.toml: hours.hours: expected hours from 0 to 100 with at most one decimal, such "
         "as 6 or 4.5, got 100.5"},
        {"[hours]\nhours = 4.25",
         "config.toml: hours.hours: expected hours from 0 to 100 with at most one decimal, such "
         "as 6 or 4.5, got 4.25"},
        {"[hours]\ntask_hours_per_meeting = \"4,5\"",
         "config.toml: hours.task_hours_per_meeting: expected hours from 0 to 100 with at most "
         "one decimal, such as 6 or 4.5, got \"4,5\" (a string); write the number without "
         "quotes, with a decimal point"},
        {"[hours]\nmin_meetings = 0",
         "config.toml: hours.min_meetings: expected an integer from 1 to 12, got 0"},
        {"[hours]\npartial = \"half\"",
         "config.toml: hours.partial: expected \"none\" or \"pro_rata\", got \"half\""},
        {"[hours]\nweekly = 1",
         "config.toml: hours.weekly: unknown key; known keys in [hours]: rule, hours, "
         "min_meetings, partial, per_meeting, max_hours, task_hours_per_meeting, "
         "task_hours_max, years, networks"},
        {"[hours.years.\"2026-2027\"]\nnetworks = 1",
         "config.toml: hours.years.2026-2027.networks: unknown key; known keys in "
         "[hours.years.2026-2027]: rule, hours, min_meetings, partial, per_meeting, max_hours, "
         "task_hours_per_meeting, task_hours_max"},
        {"[hours.years.\"2026-2028\"]\nhours = 6",
         "config.toml: hours.years.2026-2028: expected a school year such as \"2026-2027\" (two "
         "consecutive years), got \"2026-2028\""},
        {"[hours.years.\"26-27\"]\nhours = 6",
         "config.toml: hours.years.26-27: expected a school year such as \"2026-2027\" (two "
         "consecutive years), got \"26-27\""},
        {"[hours]\nyears = 2026",
         "config.toml: hours.years: expected tables like [hours.years.\"2026-2027\"], got an "
         "integer"},
        {"[hours.networks]\n\"Café Lezen\" = 6",
         "config.toml: hours.networks.\"Café Lezen\": expected a table of hours keys (rule, "
         "hours, ...), got an integer"},
        {"[hours.networks.\"Café Lezen\".years.\"2026-2027\"]\nhours = 101",
         "config.toml: hours.networks.\"Café Lezen\".years.2026-2027.hours: expected hours from "
         "0 to 100 with at most one decimal, such as 6 or 4.5, got 101"},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        CHECK(load_error(text) == expected);
    }
}

TEST_CASE("hours config: a key of the other rule is a contradiction", "[config][hours]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[hours]\nrule = \"fixed\"\nper_meeting = 2",
         "config.toml: hours.per_meeting: applies only to rule = \"per_meeting\", and this table "
         "sets rule = \"fixed\""},
        {"[hours]\nmax_hours = 8",
         "config.toml: hours.max_hours: applies only to rule = \"per_meeting\", and the rule "
         "here is \"fixed\" (from the default); set rule = \"per_meeting\" in this table"},
        {"[hours]\nrule = \"per_meeting\"\nmin_meetings = 3",
         "config.toml: hours.min_meetings: applies only to rule = \"fixed\", and this table "
         "sets rule = \"per_meeting\""},
        {"[hours]\nrule = \"per_meeting\"\n[hours.years.\"2026-2027\"]\npartial = \"none\"",
         "config.toml: hours.years.2026-2027.partial: applies only to rule = \"fixed\", and the "
         "rule here is \"per_meeting\" (from [hours]); set rule = \"fixed\" in this table"},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        CHECK(load_error(text) == expected);
    }
}

TEST_CASE("hours config: a table with its own rule leaves the other rule's keys around it",
          "[config][hours]") {
    const Config config = load_ok(R"(
[hours]
hours = 6
min_meetings = 3
[hours.networks."Café Lezen"]
rule = "per_meeting"
per_meeting = 2.5
max_hours = 6
)");
    const auto& hours = config.participation.hours;
    CHECK(hours.rule_for("HSN-café Rekenen", 2026).kind == HoursRule::Kind::fixed);
    CHECK(hours.rule_for("HSN-café Rekenen", 2026).hours_tenths == 60);
    const auto& lezen = hours.rule_for("Café Lezen", 2026);
    CHECK(lezen.kind == HoursRule::Kind::per_meeting);
    CHECK(lezen.per_meeting_tenths == 25);
    CHECK(lezen.max_tenths == 60);
}

TEST_CASE("hours config: a cap below one meeting's hours", "[config][hours]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[hours]\nrule = \"per_meeting\"\nper_meeting = 3\nmax_hours = 2",
         "config.toml: hours.max_hours: is below per_meeting (3, from [hours]), got 2; 0 means "
         "no cap"},
        {"[hours]\ntask_hours_max = 4",
         "config.toml: hours.task_hours_max: is below task_hours_per_meeting (5, from the "
         "default), got 4; 0 means no cap"},
        {"[hours.networks.\"Café Lezen\"]\ntask_hours_per_meeting = 20",
         "config.toml: hours.networks.\"Café Lezen\".task_hours_per_meeting: is above "
         "task_hours_max (15, from the default), got 20; raise task_hours_max here, or set it "
         "to 0 for no cap"},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        CHECK(load_error(text) == expected);
    }
    // No cap at all: any amount per meeting.
    const Config config = load_ok("[hours]\ntask_hours_max = 0\ntask_hours_per_meeting = 20\n");
    CHECK(config.participation.hours.fallback.task_per_meeting_tenths == 200);
}

TEST_CASE("hours config: every table is checked and all problems come at once", "[config][hours]") {
    const auto errors = load_errors(R"(
[hours]
hours = 4.55
[hours.years."2026-2027"]
rule = "daily"
[hours.years."2027"]
hours = 6
[hours.networks."Café Lezen"]
per_meeting = 2
[hours.networks."Café Rekenen".years."2026-2027"]
min_meetings = 13
[participation]
gift = ""
)");
    INFO(::Catch::Detail::stringify(errors));
    REQUIRE(errors.size() == 6);
    CHECK_THAT(errors[0], Contains("hours.hours: "));
    CHECK_THAT(errors[1], Contains("hours.years.2026-2027.rule: "));
    CHECK_THAT(errors[2], Contains("hours.years.2027: "));
    CHECK_THAT(errors[3], Contains("hours.networks.\"Café Lezen\".per_meeting: "));
    CHECK_THAT(errors[4],
               Contains("hours.networks.\"Café Rekenen\".years.2026-2027.min_meetings: "));
    CHECK_THAT(errors[5], Contains("participation.gift: "));
}

TEST_CASE("hours config: two spellings of one network are refused", "[config][hours]") {
    // Tables come in byte order: "Café Lezen" (capital C) before "cafe lezen".
    CHECK(load_error("[hours.networks.\"Café Lezen\"]\nhours = 6\n"
                     "[hours.networks.\"cafe lezen\"]\nhours = 7\n") ==
          "config.toml: hours.networks.\"cafe lezen\": names the same network as another table "
          "(names are compared ignoring case and accents)");
}

TEST_CASE("participation config: every key is read", "[config][participation]") {
    const Config config = load_ok(R"(
[participation]
advisers = ["matrix:@anne:hsn.nl", "teams:29:1aBcD"]
academy_contacts = ["console:Academie"]
attendance_close_days = 14
max_expert_meetings = 1
gift = "  een boekenbon van €15 "
)");
    const auto& participation = config.participation;
    REQUIRE(participation.advisers.size() == 2);
    CHECK(participation.advisers[0].platform == Platform::matrix);
    CHECK(participation.advisers[0].user_id == "@anne:hsn.nl");
    CHECK(participation.advisers[1].platform == Platform::teams);
    CHECK(participation.advisers[1].user_id == "29:1aBcD");
    REQUIRE(participation.academy_contacts.size() == 1);
    CHECK(participation.academy_contacts[0].platform == Platform::console);
    CHECK(participation.academy_contacts[0].user_id == "Academie");
    CHECK(participation.attendance_close_days == 14);
    CHECK(participation.max_expert_meetings == 1);
    CHECK(participation.gift == "een boekenbon van €15");
}

TEST_CASE("participation config: errors name the key and the expected form",
          "[config][participation]") {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"[participation]\nadvisers = [\"anne@hsn.nl\"]",
         "config.toml: participation.advisers: item 1: expected an account like "
         "\"matrix:@anne:hsn.nl\", \"teams:<user id>\" or \"console:<name>\", got \"anne@hsn.nl\""},
        {"[participation]\nacademy_contacts = [\"slack:anne\"]",
         "config.toml: participation.academy_contacts: item 1: expected an account like "
         "\"matrix:@anne:hsn.nl\", \"teams:<user id>\" or \"console:<name>\", got \"slack:anne\""},
        {"[participation]\nadvisers = [\"matrix:anne\"]",
         "config.toml: participation.advisers: item 1: expected a Matrix user ID like "
         "\"@leernetwerk:school.nl\", got \"anne\""},
        {"[participation]\nadvisers = \"matrix:@anne:hsn.nl\"",
         "config.toml: participation.advisers: expected an array of strings, got "
         "\"matrix:@anne:hsn.nl\" (a string)"},
        {"[participation]\nattendance_close_days = 0",
         "config.toml: participation.attendance_close_days: expected an integer from 1 to 60, "
         "got 0"},
        {"[participation]\nmax_expert_meetings = 5",
         "config.toml: participation.max_expert_meetings: expected an integer from 1 to 4, got 5"},
        {"[participation]\ngift = \"   \"",
         "config.toml: participation.gift: expected 1 to 40 characters, such as \"€15\" or \"een "
         "boekenbon van €15\", got 0"},
        {"[participation]\ngift = \"" + std::string(41, 'x') + "\"",
         "config.toml: participation.gift: expected 1 to 40 characters, such as \"€15\" or \"een "
         "boekenbon van €15\", got 41"},
        {"[participation]\nadviser = []",
         "config.toml: participation.adviser: unknown key; known keys in [participation]: "
         "advisers, academy_contacts, attendance_close_days, max_expert_meetings, gift"},
    };
    for (const auto& [text, expected] : cases) {
        INFO(text);
        CHECK(load_error(text) == expected);
    }
}

TEST_CASE("participation config: describe_config shows the rules in words and the accounts",
          "[config][hours][participation]") {
    const Config config = load_ok(R"(
[hours]
task_hours_max = 15
[hours.years."2026-2027"]
rule = "per_meeting"
per_meeting = 2
max_hours = 8
[hours.networks."Café Lezen"]
hours = 4.5
partial = "pro_rata"
task_hours_max = 0
[hours.networks."Café Lezen".years."2027-2028"]
min_meetings = 2
[participation]
advisers = ["matrix:@anne:hsn.nl"]
gift = "€20"
)");
    const std::string text = describe_config(config);
    CHECK_THAT(text,
               Contains("[hours]\n"
                        "  default: fixed: 6 hours for 3 meeting(s) attended (fewer: none); "
                        "task hours 5 per prepared meeting, at most 15\n"
                        "  2026-2027: per meeting: 2 hours per meeting attended, at most 8; task "
                        "hours 5 per prepared meeting, at most 15\n"
                        "  network \"cafe lezen\": fixed: 4.5 hours for 3 meeting(s) attended "
                        "(fewer: pro rata); task hours 5 per prepared meeting, no cap\n"
                        "  network \"cafe lezen\", 2027-2028: fixed: 4.5 hours for 2 meeting(s) "
                        "attended (fewer: pro rata); task hours 5 per prepared meeting, no cap\n"
                        "[participation]\n"
                        "  advisers: matrix:@anne:hsn.nl\n"
                        "  academy_contacts: (none)\n"
                        "  attendance_close_days: 7\n"
                        "  max_expert_meetings: 2\n"
                        "  gift: €20\n"));
}
