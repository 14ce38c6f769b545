// The end of a café's year: theme preparers who are not workshop leaders are thanked with a gift
// (DOMAIN.md §3.1: €15 "at the end of that HSN-café"). The year closes after its last meeting's
// attendance list closes, or when a facilitator closes it; the gift list is then stored with the
// names as they are, and goes to the facilitators and the academy's contacts. `bedankt N` marks
// a gift as given.
#include <algorithm>
#include <map>

#include "bot/features/participation/participation.hpp"
#include "bot/parse/arguments.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::detail {
namespace {

/// The gifts a year earns: one per theme preparer who is not a workshop leader, with the topics
/// of the meetings they prepared (not stored).
std::vector<Gift> gifts_earned(Store& store, const Network& network, int school_year,
                               Instant now) {
    std::map<Id, Gift> by_member;
    std::vector<Id> order;
    for (const auto& meeting : held_meetings(store, network.id, school_year, now)) {
        for (const auto id : meeting.preparer_ids) {
            const auto member = store.member(id);
            const auto membership = store.membership(network.id, id);
            if (!member || (membership && membership->role == Role::workshop_leader)) {
                continue;  // workshop leaders get task hours instead
            }
            auto [it, added] = by_member.try_emplace(id);
            auto& gift = it->second;
            if (added) {
                order.push_back(id);
                gift.network_id = network.id;
                gift.school_year = school_year;
                gift.member_id = id;
                gift.name = member->display_name;
                gift.school = member->school_name;
                gift.created_at = now;
            }
            const auto what = "#" + std::to_string(meeting.id) +
                              (meeting.topic.empty() ? "" : " " + meeting.topic);
            gift.prepared += (gift.prepared.empty() ? "" : "; ") + what;
        }
    }
    std::vector<Gift> out;
    for (const auto id : order) {
        out.push_back(by_member[id]);
    }
    return out;
}

/// "1. Anna de Vries (Het Kompas) — #2 Feedback" lines, numbered as stored (or in order).
std::string gift_lines(const std::vector<Gift>& gifts, Lang lang, bool show_status) {
    std::string text;
    int position = 0;
    for (const auto& gift : gifts) {
        ++position;
        const auto number = gift.number > 0 ? gift.number : position;
        text += "\n- " + tr(lang, "gift.line",
                            {{"number", std::to_string(number)},
                             {"name", gift.name.empty() ? tr(lang, "hours.erased") : gift.name},
                             {"school", gift.school.empty() ? tr(lang, "hours.no_school")
                                                            : gift.school},
                             {"prepared", gift.prepared}});
        if (show_status) {
            text += " · " + tr(lang, "gift.status." + std::string(gift_status_code(gift.status)));
        }
    }
    return text;
}

/// The member a configured account belongs to; one is made for an account the bot has not met,
/// so that a private chat can be opened with it.
std::optional<Member> member_for(Store& store, const PlatformUser& user, Instant now) {
    if (auto member = store.member_by_identity(user.platform, user.user_id)) {
        return member;
    }
    Member member;
    member.display_name = user.user_id;
    member.created_at = now;
    member.id = store.create_member(member);
    store.link_identity({user.platform, user.user_id, member.id});
    return member;
}

}  // namespace

void close_school_year(Postman& post, const Network& network, int school_year) {
    auto& store = post.store;
    if (store.year_closure(network.id, school_year)) {
        return;
    }
    for (const auto& gift : gifts_earned(store, network, school_year, post.now)) {
        store.add_gift(gift);
    }
    store.close_year({network.id, school_year, post.now});
    const auto gifts = store.gifts(network.id, school_year);
    const auto make = [&](bool manager) {
        return [&, manager](Lang lang) -> Content {
            MessageArgs args{{"network", network.name},
                             {"year", school_year_label(school_year)},
                             {"gift", post.settings.participation.gift},
                             {"count", std::to_string(gifts.size())}};
            if (gifts.empty()) {
                return TextContent{tr(lang, "gift.year_closed_none", args), {}};
            }
            auto text = tr(lang, "gift.year_closed", args) + gift_lines(gifts, lang, false);
            if (manager) {
                text += "\n\n" + tr(lang, "gift.mark_hint");
            }
            return TextContent{text, {}};
        };
    };
    for (const auto& manager : managers_of(store, network.id)) {
        post.to_member(manager, make(true), Privately{.network_id = network.id});
    }
    if (gifts.empty()) {
        return;
    }
    for (const auto& contact : post.settings.participation.academy_contacts) {
        if (const auto member = member_for(store, contact, post.now)) {
            post.to_member(*member, make(false), Privately{.network_id = network.id});
        }
    }
}

void close_year_after_last_meeting(Postman& post, const Network& network, const Meeting& meeting) {
    const int year = school_year_of(date::floor<date::days>(meeting.local_start));
    for (const auto& other : post.store.meetings_of(network.id)) {
        if (other.status == MeetingStatus::planned && other.starts_at > meeting.starts_at &&
            school_year_of(date::floor<date::days>(other.local_start)) == year) {
            return;  // not the year's last meeting
        }
    }
    close_school_year(post, network, year);
}

void gift_list(Turn& turn, const std::string& typed) {
    const auto network = *turn.managed_network;
    std::string args = typed;
    const int year = school_year_from(turn, network, args);
    MessageArgs base{{"network", network.name},
                     {"year", school_year_label(year)},
                     {"gift", turn.settings.participation.gift}};
    if (turn.store.year_closure(network.id, year)) {
        const auto gifts = turn.store.gifts(network.id, year);
        if (gifts.empty()) {
            turn.reply_text("gift.none_closed", base);
            return;
        }
        turn.reply_privately(TextContent{turn.t("gift.list_closed", base) +
                                             gift_lines(gifts, turn.lang, true) + "\n\n" +
                                             turn.t("gift.mark_hint"),
                                         {}});
        return;
    }
    const auto gifts = gifts_earned(turn.store, network, year, turn.now);
    if (gifts.empty()) {
        turn.reply_text("gift.none_yet", base);
        return;
    }
    turn.reply_privately(TextContent{turn.t("gift.list_open", base) +
                                         gift_lines(gifts, turn.lang, false) + "\n\n" +
                                         turn.t("gift.list_open_hint"),
                                     {}});
}

void gift_given(Turn& turn, const std::string& typed) {
    const auto leading = read_leading_number(typed);
    if (!leading) {
        // "bedankt!" to the bot is thanks, not a command; in a group it is members talking.
        if (turn.event.conversation.kind == Conversation::Kind::direct) {
            turn.reply_text("gift.welcome");
        }
        return;
    }
    const auto network = turn.require_manager("gift_given");
    if (!network) {
        return;
    }
    std::string args = leading->rest;
    const int year = school_year_from(turn, *network, args);
    MessageArgs base{{"network", network->name},
                     {"year", school_year_label(year)},
                     {"number", leading->typed}};
    if (!turn.store.year_closure(network->id, year)) {
        turn.reply_text("gift.year_open", base);
        return;
    }
    const auto gifts = turn.store.gifts(network->id, year);
    const auto gift = std::find_if(gifts.begin(), gifts.end(),
                                   [&](const Gift& g) { return g.number == leading->number; });
    if (gift == gifts.end()) {
        turn.reply_text("gift.not_found", base);
        return;
    }
    base.emplace_back("name", gift->name.empty() ? turn.t("hours.erased") : gift->name);
    if (gift->status == GiftStatus::given) {
        base.emplace_back("date", format_moment_of(turn, *network, *gift->given_at));
        turn.reply_text("gift.already_given", base);
        return;
    }
    turn.store.mark_gift_given(gift->id, turn.now);
    turn.reply_text("gift.marked", base);
}

void close_year_command(Turn& turn, const std::string& typed) {
    const auto network = *turn.managed_network;
    std::string args = typed;
    const int year = school_year_from(turn, network, args);
    MessageArgs base{{"network", network.name}, {"year", school_year_label(year)}};
    if (const auto closed = turn.store.year_closure(network.id, year)) {
        base.emplace_back("date", format_moment_of(turn, network, closed->closed_at));
        turn.reply_text("year.already_closed", base);
        return;
    }
    // Lists still open are closed with the year: the hours become final.
    for (const auto& meeting : held_meetings(turn.store, network.id, year, turn.now)) {
        open_attendance_list(turn.store, meeting, turn.now);
        turn.store.close_attendance(meeting.id, turn.now);
    }
    close_school_year(turn.postman, network, year);
    turn.reply_text("year.closed_now", base);
}

}  // namespace leernetwerk::detail
