// The turn: who is speaking, in which network and language, and what they may do there; and the
// helpers flows share (names, roles, strangers, the network's language).
#include "bot/engine/turn.hpp"

#include <algorithm>
#include <set>

#include "bot/features/polls/ballot_box.hpp"
#include "bot/engine/delivery_notice.hpp"
#include "bot/engine/platform_events.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/seal.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/registry.hpp"
#include "bot/engine/turn.hpp"
#include "bot/features/network/network.hpp"

namespace leernetwerk {
namespace detail {

// ---- Turn ------------------------------------------------------------------------------------

namespace {

/// A name made from a platform id because the real one was not known: the id itself, or a Matrix
/// id's localpart ("anna" for "@anna:school.nl").
bool is_placeholder_name(std::string_view name, std::string_view user_id) {
    if (name.empty() || name == user_id) {
        return true;
    }
    if (user_id.starts_with('@')) {
        const auto localpart = user_id.substr(1, user_id.find(':') - 1);
        return name == localpart;
    }
    return false;
}

}  // namespace

std::string stranger_tag(const BotSettings& settings, const InboundEvent& event) {
    return to_hex(hmac_sha256(derived_key(settings, "leernetwerk-stranger:key"),
                              std::string(platform_code(event.conversation.platform)) + ":" +
                                  event.sender.user_id))
        .substr(0, 32);
}

std::string stranger_language_key(const BotSettings& settings, const InboundEvent& event) {
    return "core.stranger_language:" + stranger_tag(settings, event);
}

std::optional<Lang> stranger_language(Store& store, const BotSettings& settings,
                                      const InboundEvent& event) {
    if (const auto saved = parse_lang(
            store.adapter_state(stranger_language_key(settings, event)).value_or(""))) {
        return saved;
    }
    // Kept by an earlier version under the account itself.
    return parse_lang(store
                          .adapter_state("core.stranger_language:" +
                                         std::string(platform_code(event.conversation.platform)) +
                                         ":" + event.sender.user_id)
                          .value_or(""));
}

Lang network_language(Store& store, const BotSettings& settings, Id network_id) {
    const auto saved = store.adapter_state("core.network_language:" + std::to_string(network_id));
    const auto parsed = saved ? parse_lang(*saved) : std::nullopt;
    return parsed.value_or(settings.default_language);
}

void set_network_language(Store& store, Id network_id, std::optional<Lang> lang, Instant now) {
    store.set_adapter_state("core.network_language:" + std::to_string(network_id),
                            lang ? lang_code(*lang) : std::string_view(), now);
}

void learn_display_name(Store& store, Member& member, const Sender& sender) {
    const auto name = std::string(trim(sender.display_name));
    if (name.empty() || name == member.display_name || sender.user_id.empty() ||
        is_placeholder_name(name, sender.user_id) ||
        !is_placeholder_name(member.display_name, sender.user_id) || utf8_length(name) > 100 ||
        !is_valid_utf8(name)) {
        return;  // a name a facilitator gave, or no better one
    }
    store.set_member_display_name(member.id, name);
    member.display_name = name;
}

Turn::Turn(Store& store_in, const BotSettings& settings_in, const InboundEvent& event_in,
           Instant now_in)
    : store(store_in),
      settings(settings_in),
      event(event_in),
      now(now_in),
      lang(settings_in.default_language),
      postman(store_in, settings_in, now_in, event_in, me) {
    if (!event.sender.user_id.empty()) {
        me = store.member_by_identity(event.conversation.platform, event.sender.user_id);
    }
    if (!me && !event.sender.alt_user_id.empty()) {
        // Known by their second id (a Teams AAD object id added by a facilitator): remember the
        // platform id they write from, so the next lookup is direct.
        me = store.member_by_identity(event.conversation.platform, event.sender.alt_user_id);
        if (me && !event.sender.user_id.empty()) {
            store.link_identity({event.conversation.platform, event.sender.user_id, me->id});
        }
    }
    if (me) {
        lang = language_of(*me);
        learn_display_name(store, *me, event.sender);
    } else if (!event.sender.user_id.empty()) {
        // Someone the bot does not know yet may have chosen a language already.
        lang = stranger_language(store, settings, event).value_or(lang);
    }
    if (event.conversation.kind == Conversation::Kind::group) {
        // A group speaks its network's language, whoever writes in it.
        const auto network_id =
            store.network_of_conversation(event.conversation.platform, event.conversation.id);
        lang = network_id ? network_language(store, settings, *network_id)
                          : settings.default_language;
    }
}

Lang Turn::language_of(const Member& member) const {
    return member.language.value_or(settings.default_language);
}

std::string Turn::zone_of(const Network& network) const {
    return network.time_zone.empty() ? settings.default_time_zone : network.time_zone;
}

LocalDay Turn::today(const std::string& zone) const {
    const auto local = to_local(now, zone).value_or(LocalTime{now.time_since_epoch()});
    return date::floor<date::days>(local);
}

std::optional<Network> Turn::current_network() {
    if (auto bound =
            store.network_of_conversation(event.conversation.platform, event.conversation.id)) {
        return store.network(*bound);
    }
    if (!me) {
        return std::nullopt;
    }
    const auto memberships = store.memberships_of(me->id);
    if (me->active_network_id) {
        for (const auto& membership : memberships) {
            if (membership.network_id == *me->active_network_id) {
                return store.network(membership.network_id);
            }
        }
    }
    if (memberships.size() == 1) {
        return store.network(memberships.front().network_id);
    }
    return std::nullopt;
}

std::optional<Membership> Turn::membership_in(Id network_id) {
    if (!me) {
        return std::nullopt;
    }
    return store.membership(network_id, me->id);
}

bool Turn::manages(Id network_id) {
    const auto membership = membership_in(network_id);
    return membership && can_manage_network(membership->role);
}

bool Turn::manages_any() {
    if (!me) {
        return false;
    }
    const auto memberships = store.memberships_of(me->id);
    return std::any_of(memberships.begin(), memberships.end(),
                       [](const Membership& m) { return can_manage_network(m.role); });
}

std::optional<Network> Turn::require_network() {
    auto network = current_network();
    if (!network) {
        const bool has_several = me && store.memberships_of(me->id).size() > 1;
        reply_text(has_several ? "network.choose_first" : "network.none");
        return std::nullopt;
    }
    return network;
}

std::optional<Network> Turn::require_manager(std::string_view command) {
    auto network = require_network();
    if (!network) {
        return std::nullopt;
    }
    if (manages(network->id)) {
        return network;
    }
    std::vector<std::string> managers;
    for (const auto& entry : store.roster(network->id)) {
        if (can_manage_network(entry.membership.role)) {
            managers.push_back(entry.member.display_name);
        }
    }
    const auto& spec = command_spec(command);
    reply_text(managers.empty() ? "refuse.manage_nobody" : "refuse.manage",
               {{"command", std::string(lang == Lang::nl ? spec.phrase_nl : spec.phrase_en)},
                {"network", network->name},
                {"managers", join_names(managers, lang)}});
    return std::nullopt;
}

// ---- shared helpers --------------------------------------------------------------------------

MemberMatch find_in_roster(const std::vector<RosterEntry>& roster, std::string_view name) {
    MemberMatch match;
    const auto wanted = fold(name);
    if (wanted.empty()) {
        return match;
    }
    for (const auto& entry : roster) {
        if (fold(entry.member.display_name) == wanted) {
            match.entry = entry;
            return match;
        }
    }
    // A unique first name, or a unique prefix of the full name.
    std::vector<const RosterEntry*> found;
    for (const auto& entry : roster) {
        const auto full = fold(entry.member.display_name);
        const auto first = words(full);
        const bool first_name = !first.empty() && first.front() == wanted;
        const bool prefix = full.rfind(wanted, 0) == 0;
        if (first_name || prefix) {
            found.push_back(&entry);
        }
    }
    if (found.size() == 1) {
        match.entry = *found.front();
    } else {
        for (const auto* entry : found) {
            match.candidates.push_back(entry->member.display_name);
        }
    }
    return match;
}

std::string role_label(Role role, Lang lang) {
    return tr(lang, "role." + std::string(role_code(role)));
}

std::string join_names(const std::vector<std::string>& names, Lang lang) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) {
        if (i > 0) {
            out += (i + 1 == names.size()) ? (lang == Lang::nl ? " en " : " and ") : ", ";
        }
        out += names[i];
    }
    return out;
}

}  // namespace detail
}  // namespace leernetwerk
