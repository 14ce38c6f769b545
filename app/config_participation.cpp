// Inside the configuration loader: [hours], the rules by which meetings earn hours (a default,
// a school year's own, a network's own, a network's own for one year: each table inherits what
// it leaves out from the one around it), and [participation].
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "app/config_readers.hpp"
#include "bot/vocab/text.hpp"
#include "bot/vocab/when.hpp"

namespace leernetwerk::app::config_detail {
namespace {

constexpr Choice<HoursRule::Kind> kRuleKinds[] = {
    {"fixed", HoursRule::Kind::fixed},
    {"per_meeting", HoursRule::Kind::per_meeting},
};
/// `partial`: what fewer than min_meetings attended earns (a late joiner, a partial year).
constexpr Choice<bool> kPartial[] = {{"none", false}, {"pro_rata", true}};

/// The keys each rule reads; given under the other rule they would silently do nothing.
const std::vector<std::string_view> kFixedKeys = {"hours", "min_meetings", "partial"};
const std::vector<std::string_view> kPerMeetingKeys = {"per_meeting", "max_hours"};

constexpr int kMaxHours = 100;

/// One hours table as it applies: the rule after inheritance, and for every key given along the
/// way the table that gave it, so that a contradiction is reported where it arose.
struct HoursTable {
    HoursRule rule;
    std::map<std::string, std::string, std::less<>> given;
};

/// "6" or "4.5": hours kept in tenths.
std::string tenths_text(int tenths) {
    std::string text = std::to_string(tenths / 10);
    if (tenths % 10 != 0) {
        text += "." + std::to_string(tenths % 10);
    }
    return text;
}

/// Hours as an administrator writes them: 6 or 4.5, from 0 to 100, at most one decimal.
std::optional<int> read_tenths(Section& section, std::string_view key) {
    const toml::node* node = section.read_node(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    std::optional<double> hours;
    if (node->is_integer()) {
        hours = static_cast<double>(node->as_integer()->get());
    } else if (node->is_floating_point()) {
        hours = node->as_floating_point()->get();
    }
    const bool in_range = hours && std::isfinite(*hours) && *hours >= 0 && *hours <= kMaxHours;
    const double tenths = in_range ? *hours * 10 : 0;
    if (in_range && std::abs(tenths - std::round(tenths)) < 1e-6) {
        return static_cast<int>(std::lround(tenths));
    }
    std::string message = "expected hours from 0 to " + std::to_string(kMaxHours) +
                          " with at most one decimal, such as 6 or 4.5, ";
    message += got(*node, hours ? node->type() : toml::node_type::floating_point);
    if (node->is_string()) {
        message += "; write the number without quotes, with a decimal point";
    }
    section.fail(key, std::move(message));
    return std::nullopt;
}

/// `[hours.networks."Café X"]` as the error messages name a table.
std::string table_label(const std::string& name) {
    return "[" + name + "]";
}

/// Where `key`'s value in `table` came from: "[hours]", or "the default".
std::string origin_of(const HoursTable& table, std::string_view key) {
    const auto given = table.given.find(key);
    return given == table.given.end() ? "the default" : table_label(given->second);
}

/// Whether `key` was given in this table itself, not inherited.
bool own(const Section& section, const HoursTable& table, std::string_view key) {
    const auto given = table.given.find(key);
    return given != table.given.end() && given->second == section.name();
}

/// A key of the other rule is an error in the table that gives it.
void check_rule_keys(Section& section, const HoursTable& table) {
    if (section.failed("rule")) {
        return;
    }
    const bool fixed = table.rule.kind == HoursRule::Kind::fixed;
    const std::string kind(choice_name(kRuleKinds, table.rule.kind));
    const std::string other = fixed ? "per_meeting" : "fixed";
    const std::string applies = "applies only to rule = \"" + other + "\"";
    const std::string problem = own(section, table, "rule")
                                    ? applies + ", and this table sets rule = \"" + kind + "\""
                                    : applies + ", and the rule here is \"" + kind + "\" (from " +
                                          origin_of(table, "rule") + "); set rule = \"" + other +
                                          "\" in this table";
    // A key of the other rule given in this table is an error; one it inherits is not for it
    // (a network with rule = "per_meeting" under an [hours] of the fixed rule leaves hours and
    // min_meetings to the tables that use them).
    for (const std::string_view key : fixed ? kPerMeetingKeys : kFixedKeys) {
        const auto given = table.given.find(key);
        if (given != table.given.end() && !section.failed(key) &&
            given->second == section.name()) {
            section.fail(key, problem);
        }
    }
}

/// A cap below what one meeting earns is reported on whichever of the two this table gave.
void check_cap(Section& section, const HoursTable& table, std::string_view cap_key, int cap,
               std::string_view each_key, int each) {
    if (cap == 0 || cap >= each || section.failed(cap_key) || section.failed(each_key)) {
        return;
    }
    if (own(section, table, cap_key)) {
        section.fail(cap_key, "is below " + std::string(each_key) + " (" + tenths_text(each) +
                                  ", from " + origin_of(table, each_key) + "), got " +
                                  tenths_text(cap) + "; 0 means no cap");
    } else if (own(section, table, each_key)) {
        section.fail(each_key, "is above " + std::string(cap_key) + " (" + tenths_text(cap) +
                                   ", from " + origin_of(table, cap_key) + "), got " +
                                   tenths_text(each) + "; raise " + std::string(cap_key) +
                                   " here, or set it to 0 for no cap");
    }
}

void check_hours_table(Section& section, const HoursTable& table) {
    check_rule_keys(section, table);
    const HoursRule& rule = table.rule;
    if (rule.kind == HoursRule::Kind::per_meeting) {
        check_cap(section, table, "max_hours", rule.max_tenths, "per_meeting",
                  rule.per_meeting_tenths);
    }
    check_cap(section, table, "task_hours_max", rule.task_max_tenths, "task_hours_per_meeting",
              rule.task_per_meeting_tenths);
}

/// Reads one hours table's own keys over what it inherits, and checks the rule that gives.
HoursTable read_hours_keys(Section& section, const HoursTable& inherited) {
    HoursTable table = inherited;
    HoursRule& rule = table.rule;
    const auto given = [&](std::string_view key) {
        table.given[std::string(key)] = section.name();
    };
    if (const auto kind = section.read_choice("rule", kRuleKinds)) {
        rule.kind = *kind;
        given("rule");
    }
    const auto read_hours_key = [&](std::string_view key, int& field) {
        if (const auto tenths = read_tenths(section, key)) {
            field = *tenths;
            given(key);
        }
    };
    read_hours_key("hours", rule.hours_tenths);
    if (const auto count = section.read_int("min_meetings", 1, 12)) {
        rule.min_meetings = static_cast<int>(*count);
        given("min_meetings");
    }
    if (const auto pro_rata = section.read_choice("partial", kPartial)) {
        rule.pro_rata = *pro_rata;
        given("partial");
    }
    read_hours_key("per_meeting", rule.per_meeting_tenths);
    read_hours_key("max_hours", rule.max_tenths);
    read_hours_key("task_hours_per_meeting", rule.task_per_meeting_tenths);
    read_hours_key("task_hours_max", rule.task_max_tenths);
    check_hours_table(section, table);
    return table;
}

/// The tables under `key` (`years`, `networks`), or nullptr when there are none.
const toml::table* sub_tables(Section& section, std::string_view key, std::string_view example) {
    const toml::node* node = section.read_node(key);
    if (node == nullptr) {
        return nullptr;
    }
    if (!node->is_table()) {
        section.fail(key, "expected tables like " + std::string(example) + ", " +
                              got(*node, toml::node_type::table, /*echo=*/false));
        return nullptr;
    }
    return node->as_table();
}

/// One entry under `years`/`networks` as a table, or nullptr after saying what it should be.
const toml::table* entry_table(Section& section, std::string_view parent, const std::string& key,
                               const toml::node& node) {
    if (node.is_table()) {
        return node.as_table();
    }
    section.fail(std::string(parent) + "." + dotted_part(key),
                 "expected a table of hours keys (rule, hours, ...), " +
                     got(node, toml::node_type::table, /*echo=*/false));
    return nullptr;
}

/// "2026-2027" exactly (two consecutive years): its first calendar year.
std::optional<int> school_year_key(std::string_view key) {
    const bool shape = key.size() == 9 && key[4] == '-' &&
                       key.find_first_not_of("0123456789", 5) == std::string_view::npos &&
                       key.substr(0, 4).find_first_not_of("0123456789") == std::string_view::npos;
    return shape ? parse_school_year(key) : std::nullopt;
}

/// `[<table>.years."2026-2027"]`: a school year's own rule, inheriting from `parent`.
std::map<int, HoursRule> read_years(Section& section, const HoursTable& parent) {
    std::map<int, HoursRule> years;
    const toml::table* tables = sub_tables(section, "years", "[hours.years.\"2026-2027\"]");
    if (tables == nullptr) {
        return years;
    }
    for (auto&& [key, node] : *tables) {
        const std::string name(key.str());
        const auto year = school_year_key(name);
        if (!year) {
            section.fail("years." + dotted_part(name),
                         "expected a school year such as \"2026-2027\" (two consecutive years), "
                         "got " +
                             quote(name));
            continue;
        }
        const toml::table* table = entry_table(section, "years", name, node);
        if (table == nullptr) {
            continue;
        }
        Section year_section = section.nested(table, {"years", name});
        years[*year] = read_hours_keys(year_section, parent).rule;
        year_section.report_unknown_keys();
    }
    return years;
}

/// `[hours.networks."Name"]` and `[hours.networks."Name".years."2026-2027"]`, by fold(name).
void read_networks(Section& section, const HoursTable& fallback, HoursPolicy& hours) {
    const toml::table* tables =
        sub_tables(section, "networks", "[hours.networks.\"HSN-café Feedback die werkt\"]");
    if (tables == nullptr) {
        return;
    }
    for (auto&& [key, node] : *tables) {
        const std::string name(key.str());
        const std::string folded = fold(name);
        const std::string where = "networks." + dotted_part(name);
        if (folded.empty()) {
            section.fail(where, "expected a network's name, as the bot knows it");
            continue;
        }
        if (hours.networks.contains(folded)) {
            // Networks are found by their folded name: two spellings would make one of them
            // apply at random.
            section.fail(where,
                         "names the same network as another table (names are compared "
                         "ignoring case and accents)");
            continue;
        }
        const toml::table* table = entry_table(section, "networks", name, node);
        if (table == nullptr) {
            continue;
        }
        Section network_section = section.nested(table, {"networks", name});
        const HoursTable network = read_hours_keys(network_section, fallback);
        hours.networks[folded] = network.rule;
        if (auto years = read_years(network_section, network); !years.empty()) {
            hours.network_years[folded] = std::move(years);
        }
        network_section.report_unknown_keys();
    }
}

/// "matrix:@anne:hsn.nl", "teams:<user id>" or "console:<name>" as a PlatformUser.
tl::expected<PlatformUser, std::string> parse_account(std::string_view account) {
    const std::string expected =
        "expected an account like \"matrix:@anne:hsn.nl\", \"teams:<user id>\" or "
        "\"console:<name>\", got " +
        quote(account);
    const std::size_t colon = account.find(':');
    const auto platform = colon == std::string_view::npos
                              ? std::nullopt
                              : parse_platform_code(account.substr(0, colon));
    if (!platform) {
        return tl::unexpected(expected);
    }
    PlatformUser user{*platform, std::string(trim(account.substr(colon + 1)))};
    if (user.user_id.empty()) {
        return tl::unexpected(expected);
    }
    if (user.platform == Platform::matrix) {
        if (std::string problem = check_user_id(user.user_id); !problem.empty()) {
            return tl::unexpected(std::move(problem));
        }
    }
    if (user.platform == Platform::teams &&
        user.user_id.find_first_of(" \t\r\n") != std::string::npos) {
        return tl::unexpected(expected);
    }
    return user;
}

/// `advisers`, `academy_contacts`: lists of accounts; every bad one is reported.
void read_accounts(Section& section, std::string_view key, std::vector<PlatformUser>& users) {
    const auto accounts = section.read_string_list(key, [](std::string_view account) {
        const auto user = parse_account(account);
        return user ? std::string() : user.error();
    });
    if (!accounts) {
        return;
    }
    users.clear();
    for (const std::string& account : *accounts) {
        users.push_back(*parse_account(account));
    }
}

}  // namespace

void read_hours(Section& section, HoursPolicy& hours) {
    const HoursTable fallback = read_hours_keys(section, HoursTable{});
    hours.fallback = fallback.rule;
    hours.years = read_years(section, fallback);
    read_networks(section, fallback, hours);
}

void read_participation(Section& section, ParticipationSettings& participation) {
    read_accounts(section, "advisers", participation.advisers);
    read_accounts(section, "academy_contacts", participation.academy_contacts);
    if (const auto days = section.read_int("attendance_close_days", 1, 60)) {
        participation.attendance_close_days = static_cast<int>(*days);
    }
    // DOMAIN.md §3.1: an external expert for "one or two meetings"; a café meets at most four
    // times.
    if (const auto count = section.read_int("max_expert_meetings", 1, 4)) {
        participation.max_expert_meetings = static_cast<int>(*count);
    }
    if (const auto gift = section.read_string("gift", /*allow_empty=*/true)) {
        const std::string_view text = trim(*gift);
        const std::size_t length = utf8_length(text);
        if (length >= 1 && length <= 40) {
            participation.gift = std::string(text);
        } else {
            section.fail("gift",
                         "expected 1 to 40 characters, such as \"€15\" or \"een boekenbon "
                         "van €15\", got " +
                             std::to_string(length));
        }
    }
}

std::string hours_rule_summary(const HoursRule& rule) {
    std::string text;
    if (rule.kind == HoursRule::Kind::fixed) {
        text = "fixed: " + tenths_text(rule.hours_tenths) + " hours for " +
               std::to_string(rule.min_meetings) +
               " meeting(s) attended (fewer: " + (rule.pro_rata ? "pro rata" : "none") + ")";
    } else {
        text = "per meeting: " + tenths_text(rule.per_meeting_tenths) +
               " hours per meeting attended, " +
               (rule.max_tenths == 0 ? "no cap" : "at most " + tenths_text(rule.max_tenths));
    }
    text += "; task hours " + tenths_text(rule.task_per_meeting_tenths) +
            " per prepared meeting, " +
            (rule.task_max_tenths == 0 ? "no cap" : "at most " + tenths_text(rule.task_max_tenths));
    return text;
}

std::string platform_user_text(const PlatformUser& user) {
    return std::string(platform_code(user.platform)) + ":" + user.user_id;
}

}  // namespace leernetwerk::app::config_detail
