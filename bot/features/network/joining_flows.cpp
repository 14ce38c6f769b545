// People who join or leave a linked chat: the facilitators' Ja/Nee card, `doe mee` and the
// join policy, the welcome.
#include <algorithm>
#include <set>

#include "bot/engine/registry.hpp"
#include "bot/engine/turn.hpp"
#include "bot/features/network/network.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::detail {

constexpr std::string_view kAddJoinedKind = "add_joined";
constexpr std::string_view kRemoveLeftKind = "remove_left";
/// How long a facilitator's one-click add or remove stays open.
constexpr auto kMembershipChangeTtl = std::chrono::hours(24 * 7);

/// Asks each facilitator of the network privately, on a card with one button, whether to add
/// (kind add_joined) or remove (kind remove_left) someone; the payload is "platform user
/// id\talt id\tname" or the member id.
void ask_facilitators(Turn& turn, const Network& network, std::string_view kind,
                      const std::string& payload, const std::string& key,
                      const MessageArgs& args, const std::string& yes_key) {
    for (const auto& entry : turn.store.roster(network.id)) {
        if (!can_manage_network(entry.membership.role)) {
            continue;
        }
        PendingAction pending;
        pending.member_id = entry.member.id;
        pending.network_id = network.id;
        pending.kind = std::string(kind);
        pending.payload = payload;
        pending.created_at = turn.now;
        pending.expires_at = turn.now + kMembershipChangeTtl;
        pending.id = turn.store.create_pending(pending);
        const auto lang = turn.language_of(entry.member);
        ChoiceQuestion question;
        question.action_id = "confirm:" + std::to_string(pending.id);
        question.prompt = tr(lang, key, args);
        question.choices = {{"ja", tr(lang, yes_key)}, {"nee", tr(lang, "choice.no")}};
        question.deadline = pending.expires_at;
        const auto question_id = turn.send_to_member(entry.member, question);
        if (question_id == 0) {
            turn.store.delete_pending(pending.id);
            continue;
        }
        turn.store.set_pending_question(pending.id, question_id);
        turn.store.schedule_job({0, std::string(kPendingExpiryJob), std::to_string(pending.id),
                                 pending.expires_at, "", JobState::due});
    }
}

/// People who joined a linked conversation and are not in its network: facilitators may add
/// them with one click.
void propose_joined(Turn& turn, const Network& network) {
    for (const auto& joined : turn.event.joined) {
        auto member =
            turn.store.member_by_identity(turn.event.conversation.platform, joined.user_id);
        if (!member && !joined.alt_user_id.empty()) {
            member =
                turn.store.member_by_identity(turn.event.conversation.platform, joined.alt_user_id);
        }
        if (member && turn.store.membership(network.id, member->id)) {
            continue;
        }
        const auto name = joined.display_name.empty() ? joined.user_id : joined.display_name;
        if (name.find('\t') != std::string::npos || joined.user_id.find('\t') != std::string::npos) {
            continue;
        }
        ask_facilitators(turn, network, kAddJoinedKind,
                         std::string(platform_code(turn.event.conversation.platform)) + "\t" +
                             joined.user_id + "\t" + joined.alt_user_id + "\t" + name,
                         "joined.propose_add", {{"name", name}, {"network", network.name}},
                         "joined.add_button");
    }
}

/// Members who left a linked conversation: facilitators may take them out with one click.
void propose_left(Turn& turn) {
    const auto network_id = turn.store.network_of_conversation(turn.event.conversation.platform,
                                                               turn.event.conversation.id);
    const auto network = network_id ? turn.store.network(*network_id) : std::nullopt;
    if (!network) {
        return;
    }
    for (const auto& left : turn.event.left) {
        auto member = turn.store.member_by_identity(turn.event.conversation.platform, left.user_id);
        if (!member && !left.alt_user_id.empty()) {
            member =
                turn.store.member_by_identity(turn.event.conversation.platform, left.alt_user_id);
        }
        if (!member || !turn.store.membership(network->id, member->id)) {
            continue;
        }
        ask_facilitators(turn, *network, kRemoveLeftKind, std::to_string(member->id),
                         "left.propose_remove",
                         {{"name", member->display_name}, {"network", network->name}},
                         "left.remove_button");
    }
}

/// How people who are not members may join a network (`netwerk toetreden`).
enum class JoinPolicy { open, on_request, closed };

std::string join_policy_key(Id network_id) {
    return "core.network_join:" + std::to_string(network_id);
}

JoinPolicy join_policy_of(Store& store, Id network_id) {
    const auto saved = store.adapter_state(join_policy_key(network_id)).value_or("");
    return saved == "open" ? JoinPolicy::open
           : saved == "closed" ? JoinPolicy::closed
                               : JoinPolicy::on_request;  // the default
}

std::string join_offer_key(const Turn& turn) {
    return "core.join_offer:" + stranger_tag(turn.settings, turn.event);
}

/// Sends text privately to the sender, also when the bot does not know them yet.
void tell_sender_privately(Turn& turn, const std::string& text) {
    if (turn.me) {
        if (turn.send_to_member(*turn.me, TextContent{text, {}}) != 0) {
            return;
        }
    }
    Address to;
    to.platform = turn.event.conversation.platform;
    to.user_id = turn.event.sender.user_id;
    to.direct = true;
    turn.send(to, 0, turn.lang, TextContent{text, {}});
}

/// Someone who is not in the network writes in its conversation: they are told once, privately,
/// what the network is and how to join.
void explain_joining_once(Turn& turn, const Network& network) {
    if (turn.event.sender.user_id.empty()) {
        return;
    }
    const auto key = "core.join_explained:" + std::to_string(network.id) + ":" +
                     stranger_tag(turn.settings, turn.event);
    if (turn.store.adapter_state(key).value_or("") == "1") {
        return;
    }
    turn.store.set_adapter_state(key, "1", turn.now);
    turn.store.set_adapter_state(join_offer_key(turn), std::to_string(network.id), turn.now);
    const auto policy = join_policy_of(turn.store, network.id);
    tell_sender_privately(turn, turn.t(policy == JoinPolicy::closed ? "join.explain_closed"
                                       : policy == JoinPolicy::open ? "join.explain_open"
                                                                    : "join.explain_request",
                                       {{"network", network.name}}));
}

/// `doe mee`: join the network of this conversation (or the one explained to you).
void join_network(Turn& turn) {
    std::optional<Id> network_id;
    if (turn.event.conversation.kind == Conversation::Kind::group) {
        network_id = turn.store.network_of_conversation(turn.event.conversation.platform,
                                                        turn.event.conversation.id);
    } else if (const auto offered = turn.store.adapter_state(join_offer_key(turn));
               offered && !offered->empty()) {
        try {
            network_id = std::stoll(*offered);
        } catch (const std::exception&) {
            network_id.reset();
        }
    }
    const auto network = network_id ? turn.store.network(*network_id) : std::nullopt;
    if (!network) {
        turn.reply_text("join.where");
        return;
    }
    if (turn.me && turn.store.membership(network->id, turn.me->id)) {
        turn.reply_text("join.already", {{"network", network->name}});
        return;
    }
    const auto policy = join_policy_of(turn.store, network->id);
    if (policy == JoinPolicy::closed) {
        tell_sender_privately(turn, turn.t("join.closed", {{"network", network->name}}));
        return;
    }
    const auto name = turn.event.sender.display_name.empty() ? turn.event.sender.user_id
                                                             : turn.event.sender.display_name;
    if (policy == JoinPolicy::open) {
        if (turn.me) {
            turn.store.add_membership({network->id, turn.me->id, Role::participant, turn.now});
            if (!turn.me->active_network_id) {
                turn.store.set_active_network(turn.me->id, network->id);
            }
        } else {
            add_person(turn, *network, name, Role::participant, "",
                       Identity{turn.event.conversation.platform, turn.event.sender.user_id, 0},
                       true, turn.event.sender.alt_user_id, /*quiet=*/true);
        }
        tell_sender_privately(turn, turn.t("join.welcome", {{"network", network->name}}));
        return;
    }
    if (name.find('\t') != std::string::npos) {
        return;
    }
    ask_facilitators(turn, *network, kAddJoinedKind,
                     std::string(platform_code(turn.event.conversation.platform)) + "\t" +
                         turn.event.sender.user_id + "\t" + turn.event.sender.alt_user_id + "\t" +
                         name,
                     "join.request_prompt", {{"name", name}, {"network", network->name}},
                     "joined.add_button");
    tell_sender_privately(turn, turn.t("join.requested", {{"network", network->name}}));
}

/// `netwerk toetreden open|op verzoek|gesloten`: how people who are not members may join.
void set_join_policy(Turn& turn, const std::string& args) {
    auto network = turn.managed_network;
    if (!network) {
        return;
    }
    const auto word = fold(trim(args));
    std::string code;
    if (word == "open") {
        code = "open";
    } else if (word == "op verzoek" || word == "on request" || word == "verzoek" ||
               word == "request") {
        code = "request";
    } else if (word == "gesloten" || word == "dicht" || word == "closed") {
        code = "closed";
    } else if (word.empty()) {
        const auto policy = join_policy_of(turn.store, network->id);
        turn.reply_text("join_policy.current",
                        {{"network", network->name},
                         {"policy", turn.t(policy == JoinPolicy::open     ? "join_policy.open"
                                           : policy == JoinPolicy::closed ? "join_policy.closed"
                                                                          : "join_policy.request")}});
        return;
    } else {
        turn.reply_text("join_policy.usage", {{"typed", std::string(trim(args))}});
        return;
    }
    turn.store.set_adapter_state(join_policy_key(network->id), code, turn.now);
    turn.reply_text("join_policy.set", {{"network", network->name},
                                        {"policy", turn.t("join_policy." + code)}});
}

void welcome(Turn& turn) {
    const auto network_id = turn.store.network_of_conversation(turn.event.conversation.platform,
                                                               turn.event.conversation.id);
    if (turn.event.kind == InboundEvent::Kind::bot_added) {
        if (turn.event.conversation.kind == Conversation::Kind::direct) {
            // Someone's own chat with the bot: greet the person, say what they can do here.
            const auto name = turn.me ? turn.me->display_name : turn.event.sender.display_name;
            turn.reply_text(turn.me ? "welcome.bot_added_direct" : "welcome.bot_added_direct_stranger",
                            {{"name", name}});
        } else if (network_id) {
            const auto network = turn.store.network(*network_id);
            turn.reply_text("welcome.bot_added_bound", {{"network", network ? network->name : ""}});
        } else if (turn.store.networks().empty()) {
            // A fresh installation: there is no network to link yet.
            turn.reply_text("welcome.bot_added_fresh");
        } else {
            turn.reply_text("welcome.bot_added");
        }
        return;
    }
    if (!network_id) {
        return;
    }
    const auto network = turn.store.network(*network_id);
    std::vector<std::string> names;
    for (const auto& joined : turn.event.joined) {
        if (joined.user_id.empty()) {
            continue;
        }
        auto member =
            turn.store.member_by_identity(turn.event.conversation.platform, joined.user_id);
        if (member) {
            learn_display_name(turn.store, *member, joined);
        }
        names.push_back(member
                            ? member->display_name
                            : (joined.display_name.empty() ? joined.user_id : joined.display_name));
    }
    if (!names.empty() && network) {
        turn.reply_text("welcome.members",
                        {{"names", join_names(names, turn.lang)}, {"network", network->name}});
    }
    if (network) {
        propose_joined(turn, *network);
    }
}

bool membership_change_answered(Turn& turn, const PendingAction& pending, bool yes) {
    if (pending.kind != kAddJoinedKind && pending.kind != kRemoveLeftKind) {
        return false;
    }
    const auto network = turn.store.network(pending.network_id);
    if (!network || !turn.manages(network->id)) {
        close_confirmation(turn, pending, turn.t("confirm.closed_gone"));
        turn.reply_text("confirm.gone");
        return true;
    }
    if (!yes) {
        close_confirmation(turn, pending,
                           turn.t("confirm.closed_no", {{"name", turn.me->display_name}}));
        turn.reply_text("joined.left_alone");
        return true;
    }
    close_confirmation(turn, pending,
                       turn.t("confirm.closed_yes", {{"name", turn.me->display_name}}));
    if (pending.kind == kAddJoinedKind) {
        // "platform\tuser id\talt id\tname": the account of the platform the person came from.
        std::vector<std::string> parts;
        for (std::size_t start = 0;;) {
            const auto tab = pending.payload.find('\t', start);
            parts.push_back(pending.payload.substr(start, tab == std::string::npos ? tab
                                                                                    : tab - start));
            if (tab == std::string::npos) {
                break;
            }
            start = tab + 1;
        }
        const auto platform = parts.size() == 4 ? parse_platform_code(parts[0]) : std::nullopt;
        if (!platform) {
            turn.reply_text("confirm.gone");
            return true;
        }
        add_person(turn, *network, parts[3], Role::participant, "",
                   Identity{*platform, parts[1], 0}, true, parts[2]);
        return true;
    }
    Id member_id = 0;
    try {
        member_id = std::stoll(pending.payload);
    } catch (const std::exception&) {
        member_id = 0;
    }
    const auto member = turn.store.member(member_id);
    if (!member || !turn.store.membership(network->id, member->id)) {
        turn.reply_text("confirm.gone");
        return true;
    }
    turn.store.end_membership(network->id, member->id, turn.now);
    turn.reply_text("left.removed", {{"name", member->display_name}, {"network", network->name}});
    return true;
}

}  // namespace leernetwerk::detail
