// Chat flows around reminder rules: a network's rules as a list (`herinneringen`), and a
// facilitator's changes to them (switching off and on, changing, adding).
#include <algorithm>
#include <map>
#include <set>

#include "bot/parse/arguments.hpp"
#include "bot/parse/commands.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

using std::chrono::days;
using std::chrono::minutes;

// ---- rule descriptions --------------------------------------------------------------------

std::string kind_label(ReminderKind kind, Lang lang) {
    return tr(lang, "reminder.kind." + std::string(reminder_kind_code(kind)));
}

std::string timing_label(const ReminderRule& rule, Lang lang) {
    const auto n = std::to_string(std::abs(rule.offset_days));
    if (rule.anchor == ReminderAnchor::cafe_week) {
        if (rule.offset_days == -7) {
            return tr(lang, "reminder.when.week_monday_before");
        }
        if (rule.offset_days == 0) {
            return tr(lang, "reminder.when.week_monday");
        }
        return tr(lang, rule.offset_days < 0 ? "reminder.when.week_before" : "reminder.when.week_after",
                  {{"days", n}});
    }
    if (rule.offset_days == 0) {
        return tr(lang, "reminder.when.same_day");
    }
    if (rule.offset_days == -1) {
        return tr(lang, "reminder.when.day_before");
    }
    if (rule.offset_days == 1) {
        return tr(lang, "reminder.when.day_after");
    }
    return tr(lang, rule.offset_days < 0 ? "reminder.when.before" : "reminder.when.after",
              {{"days", n}});
}

std::string audience_label(const ReminderRule& rule, Lang lang) {
    if (rule.audience == Audience::role) {
        return tr(lang, "reminder.audience.role", {{"role", role_label(rule.role, lang)}});
    }
    return tr(lang, "reminder.audience." + std::string(audience_code(rule.audience)));
}

std::string rule_line(const ReminderRule& rule, Lang lang) {
    return tr(lang, rule.enabled ? "reminder.rule_line" : "reminder.rule_line_off",
              {{"when", timing_label(rule, lang)},
               {"time", format_time_of_day(rule.time_of_day)},
               {"audience", audience_label(rule, lang)}});
}

/// The next job of a rule that is still to fire, if any.
std::optional<Instant> next_of_rule(Store& store, const ReminderRule& rule) {
    std::optional<Instant> next;
    const auto prefix =
        "n" + std::to_string(rule.network_id) + ":r" + std::to_string(rule.id) + ":";
    for (const auto& job : store.jobs_with_key_prefix(kReminderJob, prefix)) {
        if (job.state == JobState::due && (!next || job.due_at < *next)) {
            next = job.due_at;
        }
    }
    return next;
}

// ---- reading a rule as typed --------------------------------------------------------------

/// What a facilitator typed about a rule: any part may be missing.
struct RuleSpec {
    std::optional<int> offset_days;
    std::optional<ReminderAnchor> anchor;
    std::optional<minutes> time_of_day;
    std::optional<Audience> audience;
    std::optional<Role> role;
};

bool is_filler(std::string_view word) {
    static const std::set<std::string_view> kFiller = {
        "om", "de", "het", "bijeenkomst", "naar", "aan", "voor", "at", "the", "meeting", "to",
        "of", "van", "in", "op", "on", "sturen", "send", "s", "'s"};
    return kFiller.count(word) > 0;
}

/// A small count as typed: digits (at most three) or a Dutch or English number word.
std::optional<int> read_count(std::string_view word) {
    static const std::map<std::string_view, int> kWords = {
        {"een", 1},  {"één", 1},   {"eén", 1},   {"one", 1},  {"a", 1},    {"twee", 2},
        {"two", 2},  {"drie", 3},  {"three", 3}, {"vier", 4}, {"four", 4}, {"vijf", 5},
        {"five", 5}, {"zes", 6},   {"six", 6},   {"zeven", 7}, {"seven", 7}, {"acht", 8},
        {"eight", 8}, {"negen", 9}, {"nine", 9}, {"tien", 10}, {"ten", 10}};
    if (const auto it = kWords.find(word); it != kWords.end()) {
        return it->second;
    }
    if (const auto number = read_number(word, 3)) {
        return static_cast<int>(*number);
    }
    return std::nullopt;
}

/// Reads one "|"-separated part: "2 dagen voor", "een week van tevoren", "de dag na", "maandag
/// voor de caféweek", "16:00", "om 16 uur", "groep", "iedereen", "voorbereiders",
/// "procesbegeleiders", "wie nog niet reageerde". Nothing of `spec` changes unless the whole part
/// is understood and names at least one thing.
bool read_rule_part(std::string_view part, RuleSpec& spec) {
    RuleSpec read;
    bool named = false;
    auto w = words(part);
    std::vector<bool> used(w.size(), false);
    const auto mark = [&](std::size_t from, std::size_t count) {
        for (std::size_t i = from; i < from + count && i < used.size(); ++i) {
            used[i] = true;
        }
        named = true;
    };
    const auto is = [&](std::size_t i, std::initializer_list<std::string_view> options) {
        return i < w.size() && is_word(w[i], options);
    };
    // "voor", "ervoor", "van tevoren" / "na", "erna": how many words, and which way.
    const auto direction = [&](std::size_t i) -> std::pair<std::size_t, int> {
        if (is(i, {"voor", "before", "ervoor", "eerder", "earlier", "tevoren", "vooraf"})) {
            return {1, -1};
        }
        if (is(i, {"van"}) && is(i + 1, {"tevoren", "te", "voren"})) {
            return {is(i + 1, {"te"}) ? 3 : 2, -1};
        }
        if (is(i, {"na", "after", "erna", "later", "nadien", "achteraf"})) {
            return {1, 1};
        }
        return {0, 0};
    };
    for (std::size_t i = 0; i < w.size(); ++i) {
        if (used[i]) {
            continue;
        }
        if (w[i].find_first_of(":.") != std::string::npos) {
            if (const auto time = parse_time_of_day(w[i])) {
                read.time_of_day = *time;
                mark(i, 1);
                continue;
            }
        }
        if (const auto hour = read_count(w[i]);
            hour && *hour <= 23 && is(i + 1, {"uur", "u", "h", "o'clock"})) {
            read.time_of_day = minutes{*hour * 60};
            mark(i, 2);
            continue;
        }
        if (is(i, {"caféweek", "cafeweek", "cafe"})) {
            read.anchor = ReminderAnchor::cafe_week;
            mark(i, is(i + 1, {"week"}) ? 2 : 1);
            continue;
        }
        if (is(i, {"maandag", "monday"}) && !read.offset_days) {
            // "maandag voor de caféweek" is the Monday a week before it starts.
            const bool before = direction(i + 1).second < 0;
            read.offset_days = before ? -7 : 0;
            read.anchor = ReminderAnchor::cafe_week;
            mark(i, before ? 1 + direction(i + 1).first : 1);
            continue;
        }
        if (const auto count = read_count(w[i]);
            count && is(i + 1, {"dag", "dagen", "day", "days", "week", "weken", "weeks"})) {
            const auto [length, sign] = direction(i + 2);
            if (sign != 0 && *count <= 60) {
                const int factor = is(i + 1, {"week", "weken", "weeks"}) ? 7 : 1;
                read.offset_days = sign * *count * factor;
                mark(i, 2 + length);
                continue;
            }
        }
        if (is(i, {"dag", "day", "week"}) && direction(i + 1).second != 0) {
            // "de dag voor", "een week erna"
            const auto [length, sign] = direction(i + 1);
            read.offset_days = sign * (is(i, {"week"}) ? 7 : 1);
            mark(i, 1 + length);
            continue;
        }
        if (is(i, {"zelfde", "same"}) && is(i + 1, {"dag", "day"})) {
            read.offset_days = 0;
            mark(i, 2);
            continue;
        }
        if (is(i, {"dag", "day"}) && i > 0 && is(i - 1, {"de", "the"}) && i + 1 == w.size()) {
            read.offset_days = 0;  // "op de dag"
            mark(i, 1);
            continue;
        }
        if (is(i, {"groep", "group", "kanaal", "channel", "chat"})) {
            read.audience = Audience::group;
            mark(i, 1);
            continue;
        }
        if (is(i, {"iedereen", "everyone", "allen", "leden", "members", "prive", "privé",
                   "privately", "apart"}) &&
            !is(i + 1, {"die", "who"})) {
            read.audience = Audience::members;
            mark(i, 1);
            continue;
        }
        if (is(i, {"voorbereiders", "voorbereider", "preparers", "preparer"})) {
            read.audience = Audience::preparers;
            mark(i, 1);
            continue;
        }
        if (is(i, {"wie", "who", "iedereen", "everyone"})) {
            // "wie nog niet reageerde", "iedereen die nog niet heeft gereageerd"
            std::size_t j = i;
            bool negated = false;
            while (j < w.size() &&
                   is(j, {"wie", "who", "iedereen", "everyone", "die", "nog", "niet", "not",
                          "has", "have", "heeft", "hebben", "reageerde", "gereageerd",
                          "geantwoord", "antwoordde", "answered", "responded", "replied",
                          "yet"})) {
                negated = negated || is(j, {"niet", "not"});
                ++j;
            }
            if (negated) {
                read.audience = Audience::not_responded;
                mark(i, j - i);
                continue;
            }
        }
        auto role_word = w[i];
        auto role = parse_role_word(role_word);
        for (const std::string_view plural : {"s", "en", "n"}) {
            if (!role && role_word.size() > plural.size() + 2 &&
                role_word.compare(role_word.size() - plural.size(), plural.size(), plural) == 0) {
                role = parse_role_word(role_word.substr(0, role_word.size() - plural.size()));
            }
        }
        if (role) {
            read.audience = Audience::role;
            read.role = *role;
            mark(i, 1);
            continue;
        }
    }
    for (std::size_t i = 0; i < w.size(); ++i) {
        if (!used[i] && !is_filler(w[i])) {
            return false;
        }
    }
    if (!named) {
        return false;
    }
    spec.offset_days = read.offset_days ? read.offset_days : spec.offset_days;
    spec.anchor = read.anchor ? read.anchor : spec.anchor;
    spec.time_of_day = read.time_of_day ? read.time_of_day : spec.time_of_day;
    spec.audience = read.audience ? read.audience : spec.audience;
    spec.role = read.role ? read.role : spec.role;
    return true;
}

/// Applies a spec to a rule; replies and returns false when the result cannot be used.
bool apply_spec(Turn& turn, const RuleSpec& spec, ReminderRule& rule) {
    if (spec.anchor) {
        rule.anchor = *spec.anchor;
    }
    if (spec.offset_days) {
        rule.offset_days = *spec.offset_days;
    }
    if (spec.time_of_day) {
        rule.time_of_day = *spec.time_of_day;
    }
    if (spec.audience) {
        rule.audience = *spec.audience;
    }
    if (spec.role) {
        rule.role = *spec.role;
    }
    if (rule.offset_days < -60 || rule.offset_days > 60) {
        turn.reply_text("reminder.offset_range");
        return false;
    }
    const bool before_kind = rule.kind == ReminderKind::preparer_nudge ||
                             rule.kind == ReminderKind::agenda_call ||
                             rule.kind == ReminderKind::agenda_digest ||
                             rule.kind == ReminderKind::meeting_reminder ||
                             rule.kind == ReminderKind::rsvp_nudge;
    if (before_kind && (rule.offset_days > 0 || rule.anchor != ReminderAnchor::meeting)) {
        turn.reply_text("reminder.must_be_before",
                        {{"kind", kind_label(rule.kind, turn.lang)}});
        return false;
    }
    if (rule.kind == ReminderKind::evaluation_prompt &&
        (rule.offset_days < 0 || rule.anchor != ReminderAnchor::meeting)) {
        turn.reply_text("reminder.must_be_after", {{"kind", kind_label(rule.kind, turn.lang)}});
        return false;
    }
    if (rule.kind == ReminderKind::cafe_week_announcement &&
        rule.anchor != ReminderAnchor::cafe_week) {
        turn.reply_text("reminder.must_be_week", {{"kind", kind_label(rule.kind, turn.lang)}});
        return false;
    }
    if (rule.audience == Audience::not_responded && rule.anchor != ReminderAnchor::meeting) {
        turn.reply_text("reminder.not_responded_needs_meeting");
        return false;
    }
    return true;
}

/// The rule numbered `typed` in the network's list; replies when there is none.
std::optional<ReminderRule> rule_numbered(Turn& turn, const std::vector<ReminderRule>& rules,
                                          std::string_view typed) {
    const auto number = read_hash_number(typed);
    if (!number || *number < 1 || *number > static_cast<std::int64_t>(rules.size())) {
        turn.reply_text("reminder.which", {{"typed", std::string(trim(typed))},
                                           {"count", std::to_string(rules.size())}});
        return std::nullopt;
    }
    return rules[static_cast<std::size_t>(*number - 1)];
}

void confirm_rule(Turn& turn, const Network& network, const ReminderRule& rule, int number,
                  std::string_view key) {
    reschedule_network(turn.store, turn.settings, network.id, turn.now);
    MessageArgs args = {{"number", std::to_string(number)},
                        {"kind", kind_label(rule.kind, turn.lang)},
                        {"rule", rule_line(rule, turn.lang)}};
    std::string text = turn.t(key, args);
    if (const auto next = next_of_rule(turn.store, rule)) {
        if (const auto local = to_local(*next, network.time_zone)) {
            text += "\n" + turn.t("reminder.next", {{"when", format_moment(*local, turn.lang)}});
        }
    }
    // What the facilitator may not expect: nobody to send it to, or a time in the quiet hours.
    if (rule.audience == Audience::role) {
        const auto roster = turn.store.roster(network.id);
        if (std::none_of(roster.begin(), roster.end(), [&](const RosterEntry& entry) {
                return entry.membership.role == rule.role;
            })) {
            text += "\n\n" + turn.t("reminder.warn_nobody_with_role",
                                    {{"role", role_label(rule.role, turn.lang)}});
        }
    }
    if (is_quiet_time(rule.time_of_day, turn.settings.send_window)) {
        const auto& window = turn.settings.send_window;
        text += "\n\n" + turn.t("reminder.warn_quiet_hours",
                                {{"time", format_time_of_day(rule.time_of_day)},
                                 {"from", format_time_of_day(window.quiet_from)},
                                 {"until", format_time_of_day(window.quiet_until)}});
    }
    turn.reply(TextContent{text, {}});
}

}  // namespace

void show_reminders(Turn& turn) {
    const auto network = turn.require_network();
    if (!network) {
        return;
    }
    reschedule_network(turn.store, turn.settings, network->id, turn.now);
    const auto rules = rules_of(turn.store, network->id, turn.now);
    Summary summary;
    summary.title = turn.t("reminder.list_title", {{"network", network->name}});
    int number = 0;
    for (const auto& rule : rules) {
        ++number;
        auto label = turn.t("reminder.list_label", {{"number", std::to_string(number)},
                                                    {"kind", kind_label(rule.kind, turn.lang)}});
        auto value = rule_line(rule, turn.lang);
        if (rule.kind == ReminderKind::custom && !rule.text.empty()) {
            value += " · " + turn.t("reminder.value", {{"value", rule.text}});
        }
        if (const auto next = rule.enabled ? next_of_rule(turn.store, rule) : std::nullopt) {
            if (const auto local = to_local(*next, network->time_zone)) {
                value += " · " + turn.t("reminder.next", {{"when", format_moment(*local, turn.lang)}});
            }
        }
        summary.rows.push_back({label, value});
    }
    summary.footnote = turn.t(turn.manages(network->id) ? "reminder.list_footnote_manage"
                                                        : "reminder.list_footnote");
    turn.reply(summary);
}

void edit_reminder(Turn& turn, const std::string& args) {
    const auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto rules = rules_of(turn.store, network->id, turn.now);
    auto parts = bar_parts(args);
    const auto head = words(parts.empty() ? std::string_view() : std::string_view(parts[0]));
    if (head.empty()) {
        turn.reply_text("reminder.edit_usage");
        return;
    }
    const auto& verb = head[0];
    // The number follows the verb; whatever follows the number in the first part is a spec too.
    const auto first_rest = [&](std::size_t skip) {
        std::string rest;
        for (std::size_t i = skip; i < head.size(); ++i) {
            rest += (rest.empty() ? "" : " ") + head[i];
        }
        return rest;
    };
    if (is_word(verb, {"uit", "off", "stop", "aan", "on", "verwijder", "verwijderen", "weg",
                       "remove", "delete", "wijzig", "verander", "change", "edit"})) {
        if (head.size() < 2) {
            turn.reply_text("reminder.edit_usage");
            return;
        }
        auto rule = rule_numbered(turn, rules, head[1]);
        if (!rule) {
            return;
        }
        const int number = static_cast<int>(
            std::find_if(rules.begin(), rules.end(),
                         [&](const ReminderRule& r) { return r.id == rule->id; }) -
            rules.begin() + 1);
        if (is_word(verb, {"uit", "off", "stop"})) {
            rule->enabled = false;
            turn.store.update_reminder_rule(*rule);
            confirm_rule(turn, *network, *rule, number, "reminder.switched_off");
            return;
        }
        if (is_word(verb, {"aan", "on"})) {
            rule->enabled = true;
            turn.store.update_reminder_rule(*rule);
            confirm_rule(turn, *network, *rule, number, "reminder.switched_on");
            return;
        }
        if (is_word(verb, {"verwijder", "verwijderen", "weg", "remove", "delete"})) {
            if (rule->kind != ReminderKind::custom) {
                turn.reply_text("reminder.default_not_removed", {{"number", std::to_string(number)}});
                return;
            }
            turn.store.delete_reminder_rule(rule->id);
            reschedule_network(turn.store, turn.settings, network->id, turn.now);
            turn.reply_text("reminder.removed", {{"number", std::to_string(number)}});
            return;
        }
        RuleSpec spec;
        std::vector<std::string> specs = {first_rest(2)};
        specs.insert(specs.end(), parts.begin() + 1, parts.end());
        bool any = false;
        for (const auto& part : specs) {
            if (trim(part).empty()) {
                continue;
            }
            if (!read_rule_part(part, spec)) {
                turn.reply_text("reminder.not_understood", {{"typed", std::string(trim(part))}});
                return;
            }
            any = true;
        }
        if (!any) {
            turn.reply_text("reminder.edit_usage");
            return;
        }
        if (!apply_spec(turn, spec, *rule)) {
            return;
        }
        turn.store.update_reminder_rule(*rule);
        confirm_rule(turn, *network, *rule, number, "reminder.changed");
        return;
    }
    if (is_word(verb, {"toevoegen", "nieuw", "nieuwe", "add", "new", "erbij"})) {
        // "herinnering toevoegen 7 dagen voor | 09:00 | iedereen | Neem je lesvoorbeeld mee"
        RuleSpec spec;
        std::string text;
        std::vector<std::string> specs = {first_rest(1)};
        specs.insert(specs.end(), parts.begin() + 1, parts.end());
        for (std::size_t i = 0; i < specs.size(); ++i) {
            const auto part = std::string(trim(specs[i]));
            if (part.empty()) {
                continue;
            }
            if (!read_rule_part(part, spec)) {
                if (i + 1 != specs.size()) {
                    turn.reply_text("reminder.not_understood", {{"typed", part}});
                    return;
                }
                // The last part is the message; take it as typed, not folded.
                const auto raw = bar_parts(args);
                text = std::string(trim(raw.back()));
            }
        }
        if (text.empty()) {
            turn.reply_text("reminder.add_needs_text");
            return;
        }
        if (!spec.offset_days) {
            turn.reply_text("reminder.add_needs_when");
            return;
        }
        if (utf8_length(text) > 1000) {
            turn.reply_text("reminder.text_too_long");
            return;
        }
        ReminderRule rule;
        rule.network_id = network->id;
        rule.kind = ReminderKind::custom;
        rule.anchor = ReminderAnchor::meeting;
        rule.time_of_day = minutes{9 * 60};
        rule.audience = Audience::group;
        rule.text = text;
        rule.created_at = turn.now;
        if (!apply_spec(turn, spec, rule)) {
            return;
        }
        rule.id = turn.store.create_reminder_rule(rule);
        confirm_rule(turn, *network, rule, static_cast<int>(rules.size()) + 1, "reminder.added");
        return;
    }
    turn.reply_text("reminder.edit_usage");
}

}  // namespace leernetwerk::detail
