// The network and its members: who is in it, their expertise and language, choosing, creating
// and linking networks.
#include <algorithm>
#include <set>

#include "bot/engine/registry.hpp"
#include "bot/engine/turn.hpp"
#include "bot/features/network/network.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::detail {

std::string member_reach(Turn& turn, const Member& member, bool manager) {
    const auto identities = turn.store.identities_of(member.id);
    std::vector<Platform> platforms;
    std::optional<Platform> refused;
    for (const auto& identity : identities) {
        if (std::find(platforms.begin(), platforms.end(), identity.platform) == platforms.end()) {
            platforms.push_back(identity.platform);
        }
        if (identity.platform != Platform::console && !refused) {
            const auto last =
                turn.store.latest_direct_delivery(identity.platform, identity.user_id);
            if (last && last->state == OutboxState::failed) {
                refused = identity.platform;
            }
        }
    }
    std::sort(platforms.begin(), platforms.end(), [](Platform a, Platform b) {
        // Teams and Matrix first; the console (the test chat) last.
        return (a == Platform::console) < (b == Platform::console) ||
               ((a == Platform::console) == (b == Platform::console) && a < b);
    });
    std::string names;
    for (const auto platform : platforms) {
        names += (names.empty() ? "" : ", ") +
                 turn.t("mydata.platform_short." + std::string(platform_code(platform)));
    }
    std::string text = names.empty() ? "" : " · " + names;
    if (!manager) {
        return text;
    }
    const bool reachable = std::any_of(identities.begin(), identities.end(), [](const auto& i) {
        return i.platform != Platform::console;
    });
    const MessageArgs args{{"name", member.display_name}};
    if (!reachable) {
        text += "\n  ⚠ " + turn.t("members.no_account", args);
    } else if (refused) {
        text += "\n  ⚠ " + turn.t("members.refused." + std::string(platform_code(*refused)), args);
    }
    return text;
}

void show_members(Turn& turn) {
    auto network = turn.require_network();
    if (!network) {
        return;
    }
    const bool manager = turn.manages(network->id);
    const auto roster = turn.store.roster(network->id);
    std::string text = turn.t(
        "members.title", {{"network", network->name}, {"count", std::to_string(roster.size())}});
    for (const auto& entry : roster) {
        text += "\n- **" + escape_markdown(entry.member.display_name) + "**";
        if (!entry.member.school_name.empty()) {
            text += " · " + escape_markdown(entry.member.school_name);
        }
        text += " · " + role_label(entry.membership.role, turn.lang);
        if (!entry.member.expertise.empty()) {
            std::string tags;
            for (const auto& tag : entry.member.expertise) {
                tags += (tags.empty() ? "" : ", ") + tag;
            }
            text += " · " + turn.t("members.expertise", {{"tags", tags}});
        }
        text += member_reach(turn, entry.member, manager);
    }
    turn.reply(TextContent{text, {}});
}

constexpr std::size_t kMaxTags = 10;
constexpr std::size_t kMaxTagChars = 40;

void expertise(Turn& turn, const std::string& args) {
    const auto folded = fold(args);
    if (folded.empty()) {
        if (turn.me->expertise.empty()) {
            turn.reply_text("expertise.none");
        } else {
            std::string tags;
            for (const auto& tag : turn.me->expertise) {
                tags += (tags.empty() ? "" : ", ") + tag;
            }
            turn.reply_text("expertise.show", {{"tags", tags}});
        }
        return;
    }
    if (folded == "wis" || folded == "wissen" || folded == "geen" || folded == "clear" ||
        folded == "none") {
        turn.store.set_member_expertise(turn.me->id, {});
        turn.reply_text("expertise.cleared");
        return;
    }
    std::vector<std::string> tags;
    std::set<std::string> seen;
    for (const auto& part : split(args, ',')) {
        const auto tag = std::string(trim(part));
        if (tag.empty()) {
            continue;
        }
        if (utf8_length(tag) > kMaxTagChars) {
            turn.reply_text("expertise.too_long", {{"max", std::to_string(kMaxTagChars)}});
            return;
        }
        if (seen.insert(fold(tag)).second) {
            tags.push_back(tag);
        }
    }
    if (tags.empty()) {
        turn.reply_text("expertise.none");
        return;
    }
    if (tags.size() > kMaxTags) {
        turn.reply_text("expertise.too_many", {{"max", std::to_string(kMaxTags)}});
        return;
    }
    turn.store.set_member_expertise(turn.me->id, tags);
    std::string joined;
    for (const auto& tag : tags) {
        joined += (joined.empty() ? "" : ", ") + tag;
    }
    turn.reply_text("expertise.saved", {{"tags", joined}});
}

void language(Turn& turn, const std::string& args) {
    if (trim(args).empty()) {
        turn.reply_text("language.show");
        return;
    }
    auto typed = words(fold(args));
    const bool for_group = typed.size() == 2 && (typed[0] == "groep" || typed[0] == "group" ||
                                                 typed[0] == "netwerk" || typed[0] == "network");
    auto chosen = parse_lang(for_group ? typed[1] : fold(args));
    if (!chosen) {
        turn.reply_text("language.unknown", {{"typed", std::string(trim(args))}});
        return;
    }
    if (for_group) {
        // `taal groep en`: what the network's group conversations speak; its facilitators decide.
        const auto network = turn.require_network();
        if (!network) {
            return;
        }
        if (!turn.manages(network->id)) {
            turn.reply_text("language.group_not_manager", {{"network", network->name}});
            return;
        }
        set_network_language(turn.store, network->id, *chosen, turn.now);
        turn.lang = *chosen;
        turn.reply_text("language.group_saved", {{"network", network->name}});
        return;
    }
    if (!turn.me) {
        // Not a member (yet): the choice is kept for their account, and taken over when they
        // start a network.
        turn.store.set_adapter_state(stranger_language_key(turn.settings, turn.event),
                                     lang_code(*chosen), turn.now);
        turn.lang = *chosen;
        turn.reply_text("language.saved");
        return;
    }
    turn.store.set_member_language(turn.me->id, *chosen);
    const bool in_group = turn.event.conversation.kind == Conversation::Kind::group;
    turn.lang = *chosen;
    turn.reply_text(in_group ? "language.saved_in_group" : "language.saved");
}

void list_networks(Turn& turn) {
    const auto memberships = turn.store.memberships_of(turn.me->id);
    if (memberships.empty()) {
        turn.reply_text("networks.none");
        return;
    }
    const auto current = turn.current_network();
    std::string text = turn.t("networks.title");
    for (const auto& membership : memberships) {
        const auto network = turn.store.network(membership.network_id);
        if (!network) {
            continue;
        }
        text += "\n- **" + escape_markdown(network->name) + "** · " +
                role_label(membership.role, turn.lang);
        if (current && current->id == network->id) {
            text += " · " + turn.t("networks.current");
        }
    }
    turn.reply(TextContent{text, {}});
}

void switch_network(Turn& turn, const std::string& args) {
    if (trim(args).empty()) {
        if (auto network = turn.current_network()) {
            turn.reply_text("network.current", {{"network", network->name}});
        } else {
            list_networks(turn);
        }
        return;
    }
    auto network = turn.store.find_network_by_name(args);
    if (!network || !turn.membership_in(network->id)) {
        turn.reply_text("network.not_yours", {{"network", std::string(trim(args))}});
        return;
    }
    turn.store.set_active_network(turn.me->id, network->id);
    const auto bound = turn.store.network_of_conversation(turn.event.conversation.platform,
                                                          turn.event.conversation.id);
    if (bound && *bound != network->id) {
        const auto here = turn.store.network(*bound);
        turn.reply_text("network.switched_but_bound",
                        {{"network", network->name}, {"here", here ? here->name : ""}});
        return;
    }
    turn.reply_text("network.switched", {{"network", network->name}});
}

void create_network(Turn& turn, const std::string& args) {
    const auto parts = split(args, '|');
    const auto name = parts.empty() ? std::string() : std::string(trim(parts[0]));
    const auto theme = parts.size() > 1 ? std::string(trim(parts[1])) : std::string();
    if (name.empty()) {
        turn.reply_text("network.create_usage");
        return;
    }
    if (utf8_length(name) > kMaxNameChars || utf8_length(theme) > 200) {
        turn.reply_text("network.name_too_long", {{"max", std::to_string(kMaxNameChars)}});
        return;
    }
    if (turn.store.find_network_by_name(name)) {
        turn.reply_text("network.exists", {{"network", name}});
        return;
    }
    if (!turn.me) {
        // The very first network of a fresh installation: whoever creates it is its facilitator.
        Member member;
        member.display_name = turn.event.sender.display_name.empty()
                                  ? turn.event.sender.user_id
                                  : turn.event.sender.display_name;
        member.created_at = turn.now;
        if (const auto chosen = stranger_language(turn.store, turn.settings, turn.event)) {
            member.language = *chosen;
        }
        member.id = turn.store.create_member(member);
        turn.store.link_identity(
            {turn.event.conversation.platform, turn.event.sender.user_id, member.id});
        turn.me = member;
    }
    Network network;
    network.name = name;
    network.theme = theme;
    network.time_zone = turn.settings.default_time_zone;
    network.created_at = turn.now;
    network.id = turn.store.create_network(network);
    turn.store.add_membership({network.id, turn.me->id, Role::facilitator, turn.now});
    turn.store.set_active_network(turn.me->id, network.id);
    reschedule_network(turn.store, turn.settings, network.id, turn.now);  // the default rules
    bool bound = false;
    if (turn.event.conversation.kind == Conversation::Kind::group &&
        !turn.store.network_of_conversation(turn.event.conversation.platform,
                                            turn.event.conversation.id)) {
        turn.store.bind_conversation(
            {turn.event.conversation.platform, turn.event.conversation.id, network.id});
        bound = true;
    }
    turn.reply_text(bound ? "network.created_bound" : "network.created",
                    {{"network", network.name}});
}

std::optional<Network> linked_network(Turn& turn, const std::string& args) {
    if (turn.event.conversation.kind != Conversation::Kind::group) {
        turn.reply_text("link.only_group");
        return std::nullopt;
    }
    auto network =
        trim(args).empty() ? turn.current_network() : turn.store.find_network_by_name(args);
    if (!network) {
        turn.reply_text("network.not_yours", {{"network", std::string(trim(args))}});
    }
    return network;
}

void link_conversation(Turn& turn) {
    const auto& network = turn.managed_network;
    turn.store.bind_conversation(
        {turn.event.conversation.platform, turn.event.conversation.id, network->id});
    turn.reply_text("link.done", {{"network", network->name}});
}

/// A platform account as typed: "@anna:hsn.nl" (Matrix) or "29:1abc…"/an AAD object id (Teams).

}  // namespace leernetwerk::detail
