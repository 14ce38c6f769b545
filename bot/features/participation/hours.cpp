// Hours: computed from the attendance lists, the meetings' preparers and the rule of the
// network's school year, plus a facilitator's corrections. `mijn uren` (with a statement to
// forward to a school leader) and `uren` (the network's ledger, and corrections with a reason).
#include <algorithm>
#include <cmath>
#include <map>

#include "bot/features/participation/participation.hpp"
#include "bot/features/participation/year_report.hpp"
#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk {

std::string format_hours(int tenths, Lang lang) {
    const auto sign = tenths < 0 ? std::string("-") : std::string();
    const int whole = std::abs(tenths) / 10;
    const int part = std::abs(tenths) % 10;
    auto text = sign + std::to_string(whole);
    if (part != 0) {
        text += (lang == Lang::nl ? "," : ".") + std::to_string(part);
    }
    return text;
}

}  // namespace leernetwerk

namespace leernetwerk::detail {
namespace {

constexpr std::size_t kMaxReasonChars = 300;
constexpr int kMaxCorrectionTenths = 1000;

/// Hours by the rule for a number of attended meetings (tenths, rounded to the nearest).
int development_by_rule(const HoursRule& rule, int attended) {
    if (rule.kind == HoursRule::Kind::per_meeting) {
        const int earned = attended * rule.per_meeting_tenths;
        return rule.max_tenths > 0 ? std::min(earned, rule.max_tenths) : earned;
    }
    const int needed = std::max(rule.min_meetings, 1);
    if (attended >= needed) {
        return rule.hours_tenths;
    }
    if (!rule.pro_rata) {
        return 0;
    }
    return (rule.hours_tenths * attended + needed / 2) / needed;
}

int task_by_rule(const HoursRule& rule, int prepared) {
    const int earned = prepared * rule.task_per_meeting_tenths;
    return rule.task_max_tenths > 0 ? std::min(earned, rule.task_max_tenths) : earned;
}

/// A member's role in a network: the current one, else the last one they had there.
std::optional<Role> role_in(Store& store, Id network_id, Id member_id) {
    if (const auto membership = store.membership(network_id, member_id)) {
        return membership->role;
    }
    std::optional<Role> last;
    for (const auto& past : store.ended_memberships_of(member_id)) {
        if (past.network_id == network_id) {
            last = past.role;
        }
    }
    return last;
}

/// "+1,5 uur" with its sign.
std::string signed_hours(int tenths, Lang lang) {
    return (tenths > 0 ? "+" : "") + format_hours(tenths, lang);
}

/// Reads "+2", "-1,5", "taak +5": the hours in tenths and whether they are task hours.
std::optional<std::pair<int, HoursKind>> read_correction_amount(std::string_view typed) {
    auto text = std::string(trim(typed));
    auto kind = HoursKind::development;
    const auto [first, rest] = first_word(text);
    if (is_word(fold(first), {"taak", "taakuren", "task", "taskhours"})) {
        kind = HoursKind::task;
        text = rest;
    }
    auto lower = fold(text);
    for (const auto* unit : {" uur", " uren", " hours", " hour", "uur", "u", "h"}) {
        if (lower.size() > std::string_view(unit).size() && lower.ends_with(unit)) {
            lower.erase(lower.size() - std::string_view(unit).size());
            break;
        }
    }
    lower = std::string(trim(lower));
    if (lower.empty()) {
        return std::nullopt;
    }
    int sign = 1;
    if (lower.front() == '+' || lower.front() == '-') {
        sign = lower.front() == '-' ? -1 : 1;
        lower.erase(0, 1);
    }
    const auto mark = lower.find_first_of(".,");
    const auto whole = read_number(lower.substr(0, mark), 4);
    if (!whole) {
        return std::nullopt;
    }
    int tenths = static_cast<int>(*whole) * 10;
    if (mark != std::string::npos) {
        const auto part = lower.substr(mark + 1);
        if (part.size() != 1 || !all_digits(part)) {
            return std::nullopt;
        }
        tenths += part[0] - '0';
    }
    if (tenths == 0 || tenths > kMaxCorrectionTenths) {
        return std::nullopt;
    }
    return std::pair{sign * tenths, kind};
}

/// "#2 di 9 feb 2027" for each meeting id.
std::string meeting_list(Store& store, const std::vector<Id>& ids, Lang lang) {
    std::vector<std::string> parts;
    for (const auto id : ids) {
        if (const auto meeting = store.meeting(id)) {
            parts.push_back("#" + std::to_string(id) + " " + format_day(date::floor<date::days>(meeting->local_start), lang));
        }
    }
    return join_names(parts, lang);
}

/// The networks a member has (or had) hours in: current ones first.
std::vector<Network> networks_of_member(Store& store, Id member_id) {
    std::vector<Network> out;
    const auto add = [&](Id network_id) {
        if (std::none_of(out.begin(), out.end(), [&](const auto& n) { return n.id == network_id; })) {
            if (auto network = store.network(network_id)) {
                out.push_back(std::move(*network));
            }
        }
    };
    for (const auto& membership : store.memberships_of(member_id)) {
        add(membership.network_id);
    }
    for (const auto& mark : store.attendance_of_member(member_id)) {
        if (const auto meeting = store.meeting(mark.meeting_id)) {
            add(meeting->network_id);
        }
    }
    return out;
}

/// One network's lines of `mijn uren`.
std::string my_network_hours(Turn& turn, const Network& network, const MemberHours& row,
                             const HoursRule& rule) {
    const auto lang = turn.lang;
    std::string text = turn.t("hours.mine_network", {{"network", network.name},
                                                     {"rule", describe_rule(rule, lang)}});
    text += "\n- " + turn.t("hours.mine_development",
                            {{"hours", format_hours(row.development(), lang)},
                             {"count", std::to_string(row.attended.size())},
                             {"meetings", row.attended.empty()
                                              ? turn.t("hours.none")
                                              : meeting_list(turn.store, row.attended, lang)}});
    if (row.role == Role::workshop_leader || row.task() > 0) {
        text += "\n- " + turn.t("hours.mine_task",
                                {{"hours", format_hours(row.task(), lang)},
                                 {"count", std::to_string(row.prepared.size())},
                                 {"meetings", row.prepared.empty()
                                                  ? turn.t("hours.none")
                                                  : meeting_list(turn.store, row.prepared, lang)}});
    }
    if (row.development_correction != 0 || row.task_correction != 0) {
        text += "\n- " + turn.t("hours.mine_corrected",
                                {{"development", signed_hours(row.development_correction, lang)},
                                 {"task", signed_hours(row.task_correction, lang)}});
    }
    if (row.provisional) {
        text += "\n- " + turn.t("hours.provisional");
    }
    return text;
}

/// The printable statement for one network, to forward to a school leader.
std::string statement(Turn& turn, const Network& network, const MemberHours& row,
                      const HoursRule& rule, int school_year) {
    const auto lang = turn.lang;
    std::string text = turn.t("hours.statement_title", {{"year", school_year_label(school_year)}});
    text += "\n\n" + turn.t("hours.statement_intro",
                            {{"name", row.name},
                             {"school", row.school.empty() ? turn.t("hours.no_school") : row.school},
                             {"network", network.name},
                             {"year", school_year_label(school_year)}});
    for (const auto id : row.attended) {
        if (const auto meeting = turn.store.meeting(id)) {
            text += "\n- " + format_moment(meeting->local_start, lang) +
                    (meeting->topic.empty() ? "" : " · " + escape_markdown(meeting->topic));
        }
    }
    text += "\n\n" + turn.t("hours.statement_hours",
                            {{"hours", format_hours(row.development(), lang)},
                             {"rule", describe_rule(rule, lang)}});
    if (row.task() > 0) {
        text += "\n" + turn.t("hours.statement_task",
                              {{"hours", format_hours(row.task(), lang)},
                               {"count", std::to_string(row.prepared.size())}});
    }
    if (row.provisional) {
        text += "\n" + turn.t("hours.provisional");
    }
    text += "\n\n" + turn.t("hours.statement_footer",
                            {{"date", format_day(turn.today(turn.zone_of(network)), lang)},
                             {"bot", turn.settings.bot_name}});
    return text;
}

/// `uren correctie naam | +2 | reden`.
void correct_hours(Turn& turn, const Network& network, int school_year, const std::string& args) {
    const auto parts = bar_parts(args);
    if (parts.size() != 3 || parts[0].empty() || parts[2].empty()) {
        turn.reply_text("hours.correction_usage");
        return;
    }
    const auto member = member_in_network(turn, network, turn.store.roster(network.id), parts[0]);
    if (!member) {
        return;
    }
    const auto amount = read_correction_amount(parts[1]);
    if (!amount) {
        turn.reply_text("hours.correction_amount", {{"typed", parts[1]}});
        return;
    }
    if (utf8_length(parts[2]) > kMaxReasonChars) {
        turn.reply_text("hours.correction_reason_long",
                        {{"max", std::to_string(kMaxReasonChars)}});
        return;
    }
    HoursCorrection correction;
    correction.network_id = network.id;
    correction.member_id = member->id;
    correction.school_year = school_year;
    correction.kind = amount->second;
    correction.delta_tenths = amount->first;
    correction.reason = parts[2];
    correction.by_member_id = turn.me->id;
    correction.created_at = turn.now;
    turn.store.add_hours_correction(correction);
    const auto rows = network_hours(turn.store, turn.settings, network, school_year, turn.now);
    const auto row = std::find_if(rows.begin(), rows.end(), [&](const MemberHours& r) {
        return r.member_id == correction.member_id;
    });
    turn.reply_text(
        correction.kind == HoursKind::task ? "hours.corrected_task" : "hours.corrected",
        {{"name", member->display_name},
         {"delta", signed_hours(correction.delta_tenths, turn.lang)},
         {"reason", correction.reason},
         {"year", school_year_label(school_year)},
         {"hours", format_hours(row == rows.end() ? 0
                                : correction.kind == HoursKind::task ? row->task()
                                                                     : row->development(),
                                turn.lang)}});
}

}  // namespace

std::vector<Meeting> held_meetings(Store& store, Id network_id, int school_year, Instant now) {
    std::vector<Meeting> out;
    for (auto& meeting : store.meetings_of(network_id)) {
        if (is_held(meeting, now) &&
            school_year_of(date::floor<date::days>(meeting.local_start)) == school_year) {
            out.push_back(std::move(meeting));
        }
    }
    return out;
}

std::vector<MemberHours> network_hours(Store& store, const BotSettings& settings,
                                       const Network& network, int school_year, Instant now) {
    const auto& rule = settings.participation.hours.rule_for(network.name, school_year);
    std::map<Id, MemberHours> rows;
    std::vector<Id> order;
    const auto row_of = [&](Id member_id) -> MemberHours& {
        auto [it, added] = rows.try_emplace(member_id);
        if (added) {
            it->second.member_id = member_id;
            order.push_back(member_id);
        }
        return it->second;
    };
    for (const auto& entry : store.roster(network.id)) {
        row_of(entry.member.id);
    }
    for (const auto& meeting : held_meetings(store, network.id, school_year, now)) {
        const auto list = store.attendance_list(meeting.id);
        for (const auto& mark : store.attendance_of(meeting.id)) {
            if (mark.present) {
                auto& row = row_of(mark.member_id);
                row.attended.push_back(meeting.id);
                row.provisional = row.provisional || !list || !list->closed_at;
            }
        }
        for (const auto id : meeting.preparer_ids) {
            row_of(id).prepared.push_back(meeting.id);
        }
    }
    for (const auto& correction : store.hours_corrections(network.id, school_year)) {
        auto& row = row_of(correction.member_id);
        (correction.kind == HoursKind::task ? row.task_correction : row.development_correction) +=
            correction.delta_tenths;
    }
    std::vector<MemberHours> out;
    for (const auto id : order) {
        auto& row = rows[id];
        if (const auto member = id > 0 ? store.member(id) : std::nullopt) {
            row.name = member->display_name;
            row.school = member->school_name;
        }
        row.role = id > 0 ? role_in(store, network.id, id) : std::nullopt;
        row.computed_development = development_by_rule(rule, static_cast<int>(row.attended.size()));
        row.computed_task = row.role == Role::workshop_leader
                                ? task_by_rule(rule, static_cast<int>(row.prepared.size()))
                                : 0;
        out.push_back(std::move(row));
    }
    return out;
}

std::string describe_rule(const HoursRule& rule, Lang lang) {
    std::string text;
    if (rule.kind == HoursRule::Kind::per_meeting) {
        text = tr(lang, rule.max_tenths > 0 ? "hours.rule_per_meeting_max" : "hours.rule_per_meeting",
                  {{"hours", format_hours(rule.per_meeting_tenths, lang)},
                   {"max", format_hours(rule.max_tenths, lang)}});
    } else {
        text = tr(lang, rule.pro_rata ? "hours.rule_fixed_pro_rata" : "hours.rule_fixed",
                  {{"hours", format_hours(rule.hours_tenths, lang)},
                   {"count", std::to_string(rule.min_meetings)}});
    }
    return text + "; " +
           tr(lang, rule.task_max_tenths > 0 ? "hours.rule_task_max" : "hours.rule_task",
              {{"hours", format_hours(rule.task_per_meeting_tenths, lang)},
               {"max", format_hours(rule.task_max_tenths, lang)}});
}

int school_year_from(Turn& turn, const Network& network, std::string& args) {
    auto [first, rest] = first_word(args);
    if (const auto year = parse_school_year(first)) {
        args = rest;
        return *year;
    }
    return school_year_of(turn.today(turn.zone_of(network)));
}

void my_hours(Turn& turn, const std::string& typed) {
    std::string args = typed;
    auto [first, rest] = first_word(args);
    const bool wants_statement =
        is_word(fold(first), {"verklaring", "statement", "bewijs", "overzicht"});
    if (wants_statement) {
        args = rest;
    }
    const auto networks = networks_of_member(turn.store, turn.me->id);
    if (networks.empty()) {
        turn.reply_text("hours.mine_no_network");
        return;
    }
    std::string text;
    int year = 0;
    for (const auto& network : networks) {
        std::string own = args;
        year = school_year_from(turn, network, own);
        const auto& rule = turn.settings.participation.hours.rule_for(network.name, year);
        const auto rows = network_hours(turn.store, turn.settings, network, year, turn.now);
        const auto row = std::find_if(rows.begin(), rows.end(),
                                      [&](const MemberHours& r) { return r.member_id == turn.me->id; });
        if (row == rows.end()) {
            continue;
        }
        text += (text.empty() ? "" : "\n\n") +
                (wants_statement ? statement(turn, network, *row, rule, year)
                                 : my_network_hours(turn, network, *row, rule));
    }
    if (text.empty()) {
        turn.reply_text("hours.mine_nothing", {{"year", school_year_label(year)}});
        return;
    }
    if (!wants_statement) {
        text = turn.t("hours.mine_title", {{"year", school_year_label(year)}}) + "\n\n" + text +
               "\n\n" + turn.t("hours.mine_statement_hint");
    }
    // Hours are personal: they go to the member's private chat, also when asked in a group.
    turn.reply_privately(TextContent{text, {}});
}

void hours_ledger(Turn& turn, const std::string& typed) {
    const auto network = *turn.managed_network;
    std::string args = typed;
    const int year = school_year_from(turn, network, args);
    auto [first, rest] = first_word(args);
    if (is_word(fold(first), {"correctie", "corrigeer", "correctie:", "correction", "correct"})) {
        correct_hours(turn, network, year, rest);
        return;
    }
    if (!trim(args).empty()) {
        turn.reply_text("hours.ledger_usage");
        return;
    }
    const auto lang = turn.lang;
    const auto& rule = turn.settings.participation.hours.rule_for(network.name, year);
    const auto rows = network_hours(turn.store, turn.settings, network, year, turn.now);
    std::string text = turn.t("hours.ledger_title", {{"network", network.name},
                                                     {"year", school_year_label(year)},
                                                     {"rule", describe_rule(rule, lang)}});
    int development = 0;
    int task = 0;
    bool provisional = false;
    for (const auto& row : rows) {
        development += row.development();
        task += row.task();
        provisional = provisional || row.provisional;
        text += "\n- " + turn.t(row.task() > 0 ? "hours.ledger_row_task" : "hours.ledger_row",
                                {{"name", row.name.empty() ? turn.t("hours.erased") : row.name},
                                 {"count", std::to_string(row.attended.size())},
                                 {"hours", format_hours(row.development(), lang)},
                                 {"task", format_hours(row.task(), lang)}});
        if (row.development_correction != 0 || row.task_correction != 0) {
            text += " " + turn.t("hours.ledger_corrected");
        }
    }
    text += "\n\n" + turn.t("hours.ledger_total", {{"hours", format_hours(development, lang)},
                                                   {"task", format_hours(task, lang)}});
    if (provisional) {
        text += "\n" + turn.t("hours.ledger_provisional");
    }
    const auto corrections = turn.store.hours_corrections(network.id, year);
    if (!corrections.empty()) {
        text += "\n\n" + turn.t("hours.history");
        for (const auto& correction : corrections) {
            const auto member = correction.member_id > 0 ? turn.store.member(correction.member_id)
                                                         : std::nullopt;
            const auto by = correction.by_member_id ? turn.store.member(*correction.by_member_id)
                                                    : std::nullopt;
            text += "\n- " +
                    turn.t(correction.kind == HoursKind::task ? "hours.history_row_task"
                                                              : "hours.history_row",
                           {{"date", format_moment_of(turn, network, correction.created_at)},
                            {"name", member ? member->display_name : turn.t("hours.erased")},
                            {"delta", signed_hours(correction.delta_tenths, lang)},
                            {"reason", correction.reason},
                            {"by", by ? by->display_name : turn.t("hours.erased")}});
        }
    }
    text += "\n\n" + turn.t("hours.ledger_hint");
    turn.reply_privately(TextContent{text, {}});
}

std::vector<std::string> participation_data_lines(Store& store, const BotSettings& settings,
                                                  const Member& member, Lang lang) {
    (void)settings;
    std::vector<std::string> lines;
    for (const auto& mark : store.attendance_of_member(member.id)) {
        const auto meeting = store.meeting(mark.meeting_id);
        const auto network = meeting ? store.network(meeting->network_id) : std::nullopt;
        if (!meeting || !network) {
            continue;
        }
        lines.push_back(tr(lang, mark.present ? "mydata.attended" : "mydata.absent",
                           {{"network", network->name},
                            {"date", format_moment(meeting->local_start, lang)},
                            {"source", tr(lang, "attendance.source." +
                                                    std::string(attendance_source_code(mark.source)))}}));
    }
    for (const auto& correction : store.hours_corrections_of_member(member.id)) {
        const auto network = store.network(correction.network_id);
        lines.push_back(tr(lang, "mydata.hours_correction",
                           {{"network", network ? network->name : std::string()},
                            {"year", school_year_label(correction.school_year)},
                            {"delta", signed_hours(correction.delta_tenths, lang)},
                            {"reason", correction.reason}}));
    }
    for (const auto& gift : store.gifts_of_member(member.id)) {
        const auto network = store.network(gift.network_id);
        lines.push_back(tr(lang, "mydata.gift",
                           {{"network", network ? network->name : std::string()},
                            {"year", school_year_label(gift.school_year)},
                            {"prepared", gift.prepared},
                            {"status", tr(lang, "gift.status." +
                                                    std::string(gift_status_code(gift.status)))}}));
    }
    return lines;
}

void keep_hours_of_erased(Store& store, const BotSettings& settings, Id member_id, Instant now) {
    // Their preparer roles go with them; what those earned stays as a correction, which the
    // erasure then files under a number that names nobody.
    std::set<Id> networks;
    for (const auto& membership : store.memberships_of(member_id)) {
        networks.insert(membership.network_id);
    }
    for (const auto& past : store.ended_memberships_of(member_id)) {
        networks.insert(past.network_id);
    }
    std::set<std::pair<Id, int>> years;
    for (const auto network_id : networks) {
        for (const auto& meeting : store.meetings_of(network_id)) {
            if (is_held(meeting, now) &&
                std::count(meeting.preparer_ids.begin(), meeting.preparer_ids.end(), member_id)) {
                years.insert(
                    {network_id, school_year_of(date::floor<date::days>(meeting.local_start))});
            }
        }
    }
    for (const auto& [network_id, year] : years) {
        const auto network = store.network(network_id);
        if (!network) {
            continue;
        }
        for (const auto& row : network_hours(store, settings, *network, year, now)) {
            if (row.member_id == member_id && row.computed_task > 0) {
                store.add_hours_correction({0, network_id, member_id, year, HoursKind::task,
                                            row.computed_task, "erased member: task hours kept",
                                            std::nullopt, now});
            }
        }
    }
}

}  // namespace leernetwerk::detail
