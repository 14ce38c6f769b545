#include "bot/engine/bot.hpp"

#include <algorithm>
#include <set>

#include "bot/features/polls/ballot_box.hpp"
#include "bot/engine/delivery_notice.hpp"
#include "bot/engine/platform_events.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/seal.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

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
      lang(settings_in.default_language) {
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

Address Turn::reply_address() const {
    Address to;
    to.platform = event.conversation.platform;
    to.conversation_id = event.conversation.id;
    to.thread_id = event.conversation.thread_id;
    to.direct = event.conversation.kind == Conversation::Kind::direct;
    if (to.direct) {
        to.user_id = event.sender.user_id;
    }
    return to;
}

Id Turn::append(const OutboundMessage& message) {
    if (anonymous_poll != 0 && (message.to.direct || message.recipient_member_id != 0) &&
        !message.sealed) {
        // Part of answering an anonymous poll: whom it goes to is sealed with what it says.
        auto sealed = message;
        sealed.sealed = true;
        return append(sealed);
    }
    if (answers_sender(message)) {
        // A reply to the sender: should the platform never take it, they are told another way.
        auto reply = message;
        reply.cause = ReplyCause{me->id, reply_address()};
        return append(reply);
    }
    const auto id = store.append_outbox(message, now);
    remember_prompt(store, message, now);
    sent.push_back(id);
    ++messages;
    return id;
}

bool Turn::answers_sender(const OutboundMessage& message) const {
    if (!me || message.cause || message.sealed || message.replaces || confidential ||
        anonymous_poll != 0 || event.kind == InboundEvent::Kind::bot_added) {
        return false;
    }
    const auto origin = reply_address();
    const bool in_place = message.to.platform == origin.platform &&
                          message.to.conversation_id == origin.conversation_id &&
                          message.to.thread_id == origin.thread_id;
    return in_place || message.recipient_member_id == me->id;
}

Id Turn::reply(Content content) {
    OutboundMessage message;
    message.to = reply_address();
    message.recipient_member_id = (me && message.to.direct) ? me->id : 0;
    message.lang = lang;
    message.content = std::move(content);
    const auto id = append(message);
    if (me && message.recipient_member_id == 0) {
        // A question answering the sender in a group (a Ja/Nee to confirm) is theirs to answer
        // by typing its number or label too.
        message.recipient_member_id = me->id;
        remember_prompt(store, message, now);
    }
    return id;
}

Id Turn::reply_text(std::string_view key, const MessageArgs& args) {
    return reply(TextContent{t(key, args), {}});
}

Id Turn::reply_privately(Content content) {
    if (event.conversation.kind == Conversation::Kind::group && me && !event.reply_is_private) {
        if (const auto id = send_to_member(*me, content)) {
            return id;
        }
    }
    return reply(std::move(content));
}

Id Turn::send_to_member(const Member& member, Content content) {
    const auto to = direct_address(store, member.id, {event.conversation.platform});
    if (!to) {
        return 0;
    }
    OutboundMessage message;
    message.to = *to;
    // Replying in the direct conversation the member is writing in, when that is where we are.
    if (event.conversation.kind == Conversation::Kind::direct &&
        event.conversation.platform == to->platform && event.sender.user_id == to->user_id) {
        message.to.conversation_id = event.conversation.id;
    }
    message.recipient_member_id = member.id;
    message.lang = language_of(member);
    message.content = std::move(content);
    return append(message);
}

void Turn::announce(Id network_id, const std::string& key, const MessageArgs& args) {
    const auto network_lang = network_language(store, settings, network_id);
    for (const auto& binding : store.conversations_of_network(network_id)) {
        // The conversation the event came from has the reply already, unless only the sender
        // saw that reply (a Teams card's invoke response): then it gets the announcement too.
        if (binding.platform == event.conversation.platform &&
            binding.conversation_id == event.conversation.id && !event.reply_is_private) {
            continue;
        }
        OutboundMessage message;
        message.to.platform = binding.platform;
        message.to.conversation_id = binding.conversation_id;
        message.lang = network_lang;
        message.content = TextContent{tr(network_lang, key, args), {}};
        append(message);
    }
}

Id Turn::send(const OutboundMessage& message) {
    return append(message);
}

Id Turn::send(const Address& to, Id recipient_member_id, Lang message_lang, Content content) {
    OutboundMessage message;
    message.to = to;
    message.recipient_member_id = recipient_member_id;
    message.lang = message_lang;
    message.content = std::move(content);
    return append(message);
}

Id Turn::update(Id message_id, const Address& to, Content content, Lang message_lang) {
    OutboundMessage message;
    message.to = to;
    message.lang = message_lang;
    message.content = std::move(content);
    message.replaces = message_id;
    return append(message);
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

std::optional<Network> Turn::require_manager(CommandId command) {
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

std::optional<Address> direct_address(Store& store, Id member_id,
                                      const std::vector<Platform>& preferred) {
    const auto identities = store.identities_of(member_id);
    if (identities.empty()) {
        return std::nullopt;
    }
    const Identity* chosen = &identities.front();
    for (const auto platform : preferred) {
        const auto it = std::find_if(identities.begin(), identities.end(),
                                     [&](const Identity& i) { return i.platform == platform; });
        if (it != identities.end()) {
            chosen = &*it;
            break;
        }
    }
    Address to;
    to.platform = chosen->platform;
    to.user_id = chosen->user_id;
    to.direct = true;
    return to;
}

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

namespace {

// ---- simple commands ---------------------------------------------------------------------------

/// The commands of one help topic for the sender: everyone's, then (for organisers and
/// facilitators) the ones that run the network.
void show_help_topic(Turn& turn, HelpTopic topic, bool manager) {
    const std::string word{help_topic_word(topic, turn.lang)};
    std::string text = turn.t("help.topic." + std::string(help_topic_word(topic, Lang::en))) + "\n";
    for (const auto& spec : command_specs()) {
        if (help_topic(spec.id) == topic && !spec.manage && spec.id != CommandId::create_network) {
            text += "- " + turn.t("cmd." + std::string(spec.key)) + "\n";
        }
    }
    if (manager) {
        text += "\n" + turn.t("help.managers") + "\n";
        for (const auto& spec : command_specs()) {
            if (help_topic(spec.id) == topic &&
                (spec.manage || spec.id == CommandId::create_network)) {
                text += "- " + turn.t("cmd." + std::string(spec.key)) + "\n";
            }
        }
        if (topic == HelpTopic::meetings) {
            // Everyone sees the café weeks; setting them is for those who run the network.
            text += "- " + turn.t("help.managers_cafe_weeks") + "\n";
        }
    }
    text += "\n" + turn.t("help.more");
    turn.reply(TextContent{text, {}});
}

void show_help(Turn& turn, const std::string& args) {
    std::optional<Network> network;
    if (turn.me) {
        network = turn.current_network();
    }
    const bool manager = network ? turn.manages(network->id) : turn.manages_any();
    if (!trim(args).empty()) {
        if (const auto topic = parse_help_topic(args)) {
            show_help_topic(turn, *topic, manager);
            return;
        }
        if (auto parsed = parse_command(args)) {
            const auto& spec = command_spec(parsed->id);
            turn.reply_text("help." + std::string(spec.key));
            return;
        }
    }
    // Help about something it does not know: said so, before the overview.
    const std::string unknown =
        trim(args).empty() ? std::string()
                           : turn.t("help.unknown_topic", {{"typed", std::string(trim(args))}}) + "\n\n";
    // An overview that fits a phone: per topic the commands everyone uses, and where to read on.
    std::string text =
        unknown + turn.t(turn.me ? "help.intro" : "help.intro_stranger",
                         {{"name", turn.me ? turn.me->display_name : turn.event.sender.display_name}});
    text += "\n\n" + turn.t("help.everyone") + "\n";
    for (const auto topic : help_topics()) {
        std::string phrases;
        for (const auto& spec : command_specs()) {
            if (help_topic(spec.id) == topic && !spec.manage &&
                spec.id != CommandId::create_network) {
                phrases +=
                    (phrases.empty() ? "**" : ", **") +
                    escape_markdown(turn.lang == Lang::nl ? spec.phrase_nl : spec.phrase_en) + "**";
            }
        }
        const std::string word{help_topic_word(topic, turn.lang)};
        text += "- " + turn.t("help.topic." + std::string(help_topic_word(topic, Lang::en))) +
                ": " + phrases + " — " + turn.t("help.topic_more", {{"word", word}}) + "\n";
    }
    if (manager) {
        text += "\n" + turn.t("help.managers_topics") + "\n";
    }
    text += "\n" + turn.t("help.more");
    turn.reply(TextContent{text, {}});
}

/// " · Teams, Matrix" for a member's list line: where they are linked. For those who run the
/// network also a warning when the bot never reached them: no account on Teams or Matrix yet, or
/// the platform refused the last private message (Store::latest_direct_delivery), with what to do.
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

constexpr std::size_t kMaxNameChars = 80;

void create_network(Turn& turn, const std::string& args) {
    const bool bootstrap = turn.store.networks().empty();
    if (!bootstrap && !turn.manages_any()) {
        turn.reply_text("refuse.create_network");
        return;
    }
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

void link_conversation(Turn& turn, const std::string& args) {
    if (turn.event.conversation.kind != Conversation::Kind::group) {
        turn.reply_text("link.only_group");
        return;
    }
    auto network =
        trim(args).empty() ? turn.current_network() : turn.store.find_network_by_name(args);
    if (!network) {
        turn.reply_text("network.not_yours", {{"network", std::string(trim(args))}});
        return;
    }
    if (!turn.manages(network->id)) {
        turn.reply_text("refuse.link", {{"network", network->name}});
        return;
    }
    turn.store.bind_conversation(
        {turn.event.conversation.platform, turn.event.conversation.id, network->id});
    turn.reply_text("link.done", {{"network", network->name}});
}

/// A platform account as typed: "@anna:hsn.nl" (Matrix) or "29:1abc…"/an AAD object id (Teams).
std::optional<Identity> parse_account(std::string_view typed) {
    const auto text = std::string(trim(typed));
    if (text.size() > 255 || text.find(' ') != std::string::npos) {
        return std::nullopt;
    }
    if (text.size() > 3 && text.front() == '@' && text.find(':') != std::string::npos) {
        return Identity{Platform::matrix, text, 0};
    }
    if (text.rfind("29:", 0) == 0 && text.size() > 3) {
        return Identity{Platform::teams, text, 0};
    }
    // An AAD object id: 8-4-4-4-12 hexadecimal digits.
    static constexpr std::string_view kGuidShape = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
    if (text.size() == kGuidShape.size()) {
        bool guid = true;
        for (std::size_t i = 0; i < text.size() && guid; ++i) {
            guid = kGuidShape[i] == '-' ? text[i] == '-'
                                        : std::isxdigit(static_cast<unsigned char>(text[i])) != 0;
        }
        if (guid) {
            return Identity{Platform::teams, text, 0};
        }
    }
    return std::nullopt;
}

/// Adds a person to a network (or changes their role) and says so: found by their account, else
/// by name, else created. `certain`: the platform named the account (a mention, the member list),
/// so it is linked whatever name the member has in the bot.
/// `quiet`: nothing is said (an import says what it did once, for everyone).
void add_person(Turn& turn, const Network& network, const std::string& name, Role role,
                const std::string& school, std::optional<Identity> account, bool certain,
                const std::string& alt_user_id, bool quiet = false) {
    // The person may exist already (in another network, or through their account).
    std::optional<Member> member;
    if (account) {
        member = turn.store.member_by_identity(account->platform, account->user_id);
        if (!member && !alt_user_id.empty()) {
            member = turn.store.member_by_identity(account->platform, alt_user_id);
        }
        if (member && !certain && fold(member->display_name) != fold(name)) {
            if (quiet) {
                return;
            }
            turn.reply_text("add_member.account_taken",
                            {{"account", account->user_id}, {"other", member->display_name}});
            return;
        }
    }
    if (!member) {
        for (auto& candidate : turn.store.members()) {
            if (fold(candidate.display_name) == fold(name)) {
                member = candidate;
                break;
            }
        }
    }
    if (member) {
        if (auto existing = turn.store.membership(network.id, member->id)) {
            // A member found by name gets the account named with them (a mention, an address
            // the roster gave, a typed id), when it is nobody's yet.
            if (account &&
                !turn.store.member_by_identity(account->platform, account->user_id)) {
                account->member_id = member->id;
                turn.store.link_identity(*account);
                if (existing->role != role) {
                    turn.store.add_membership({network.id, member->id, role, existing->joined_at});
                }
                if (!quiet) {
                    turn.reply_text("add_member.linked",
                                    {{"name", member->display_name},
                                     {"platform", turn.t("mydata.platform." +
                                                         std::string(platform_code(account->platform)))},
                                     {"role", role_label(role, turn.lang)}});
                }
                return;
            }
            if (existing->role == role) {
                if (quiet) {
                    return;
                }
                turn.reply_text("add_member.already", {{"name", member->display_name},
                                                       {"network", network.name},
                                                       {"role", role_label(role, turn.lang)}});
                return;
            }
            turn.store.add_membership({network.id, member->id, role, existing->joined_at});
            if (quiet) {
                return;
            }
            turn.reply_text("add_member.role_changed", {{"name", member->display_name},
                                                        {"role", role_label(role, turn.lang)}});
            return;
        }
    } else {
        Member fresh;
        fresh.display_name = name;
        fresh.created_at = turn.now;
        fresh.id = turn.store.create_member(fresh);
        member = fresh;
    }
    if (!school.empty()) {
        turn.store.set_member_school(member->id, turn.store.school_id(school));
    }
    if (account) {
        account->member_id = member->id;
        turn.store.link_identity(*account);
    }
    // Every member can be spoken as in the console (`/als <naam>`).
    turn.store.link_identity(
        {Platform::console, "member-" + std::to_string(member->id), member->id});
    turn.store.add_membership({network.id, member->id, role, turn.now});
    if (!member->active_network_id) {
        turn.store.set_active_network(member->id, network.id);
    }
    if (quiet) {
        return;
    }
    const auto stored = turn.store.member(member->id);
    turn.reply_text(school.empty() && (!stored || stored->school_name.empty())
                        ? "add_member.done_no_school"
                        : "add_member.done",
                    {{"name", member->display_name},
                     {"network", network.name},
                     {"role", role_label(role, turn.lang)},
                     {"school", stored ? stored->school_name : school}});
}

/// "daan.bakker@school.nl": one '@' with something before it and a domain with a dot after it.
bool looks_like_email(std::string_view text) {
    const auto at = text.find('@');
    if (at == 0 || at == std::string_view::npos || text.size() > 254 ||
        text.find('@', at + 1) != std::string_view::npos ||
        text.find_first_of(" \t\n|,<>") != std::string_view::npos) {
        return false;
    }
    const auto domain = text.substr(at + 1);
    const auto dot = domain.find('.');
    return dot != std::string_view::npos && dot > 0 && domain.back() != '.';
}

constexpr std::string_view kRosterRequestPrefix = "core.roster_request:";

/// What a roster request was for, kept in the store until its answer comes (one line each).
struct PendingRosterAdd {
    std::string purpose = "add_member";  ///< or "import_members"
    Id network_id = 0;
    Role role = Role::participant;
    Lang lang = Lang::nl;
    std::string school;
    std::string email;
    std::string name;  ///< as typed; empty: the name the member list gives
};

std::string encode(const PendingRosterAdd& pending) {
    return pending.purpose + "\n" + std::to_string(pending.network_id) + "\n" +
           std::string(role_code(pending.role)) + "\n" + std::string(lang_code(pending.lang)) +
           "\n" + pending.school + "\n" + pending.email + "\n" + pending.name;
}

std::optional<PendingRosterAdd> decode_pending(std::string_view text) {
    std::vector<std::string> lines;
    for (std::size_t start = 0;;) {
        const auto end = text.find('\n', start);
        lines.emplace_back(text.substr(start, end == std::string_view::npos ? text.npos
                                                                             : end - start));
        if (end == std::string_view::npos) {
            break;
        }
        start = end + 1;
    }
    if (lines.size() != 7 || (lines[0] != "add_member" && lines[0] != "import_members")) {
        return std::nullopt;
    }
    PendingRosterAdd pending;
    pending.purpose = lines[0];
    try {
        pending.network_id = std::stoll(lines[1]);
    } catch (const std::exception&) {
        return std::nullopt;
    }
    const auto role = parse_role_code(lines[2]);
    const auto lang = parse_lang(lines[3]);
    if (!role || !lang) {
        return std::nullopt;
    }
    pending.role = *role;
    pending.lang = *lang;
    pending.school = lines[4];
    pending.email = lines[5];
    pending.name = lines[6];
    return pending;
}

/// Keeps what a roster request is for and asks the platform for this conversation's members.
void start_roster_query(Turn& turn, const PendingRosterAdd& pending) {
    const auto sequence =
        std::stoll(turn.store.adapter_state("core.roster_request_seq").value_or("0")) + 1;
    turn.store.set_adapter_state("core.roster_request_seq", std::to_string(sequence), turn.now);
    const auto request_id = "roster-" + std::to_string(sequence);
    turn.store.set_adapter_state(std::string(kRosterRequestPrefix) + request_id, encode(pending),
                                 turn.now);
    Address to;
    to.platform = turn.event.conversation.platform;
    to.conversation_id = turn.event.conversation.id;
    to.thread_id = turn.event.conversation.thread_id;
    turn.send(to, 0, turn.lang, RosterQuery{request_id});
}

/// `lid toevoegen daan@school.nl`: the address is looked up in this conversation's member list.
/// The core does no I/O: it keeps what the request is for and asks the platform (a RosterQuery in
/// the outbox); the answer comes back as a roster event that complete_roster applies, once.
void ask_roster_for_email(Turn& turn, const Network& network, const std::string& email,
                          const std::string& name, Role role, const std::string& school) {
    const auto& conversation = turn.event.conversation;
    if (conversation.platform == Platform::matrix) {
        // A Matrix room's member list has user ids and names, no e-mail addresses.
        turn.reply_text("add_member.email_on_matrix", {{"email", email}});
        return;
    }
    if (conversation.kind != Conversation::Kind::group) {
        turn.reply_text("add_member.email_needs_group", {{"email", email}});
        return;
    }
    if (turn.store.network_of_conversation(conversation.platform, conversation.id) !=
        std::optional<Id>(network.id)) {
        turn.reply_text("add_member.email_needs_linked",
                        {{"email", email}, {"network", network.name}});
        return;
    }
    start_roster_query(turn, {"add_member", network.id, role, turn.lang, school, email, name});
}

constexpr std::string_view kImportPrefix = "core.roster_import:";
constexpr std::size_t kMaxImportChoices = 50;

/// `leden importeren`: everyone in this linked conversation who is not a member yet, proposed
/// on one card (checkboxes) once the platform has said who is here.
void import_members(Turn& turn) {
    auto network = turn.require_manager(CommandId::import_members);
    if (!network) {
        return;
    }
    const auto& conversation = turn.event.conversation;
    if (conversation.kind != Conversation::Kind::group ||
        turn.store.network_of_conversation(conversation.platform, conversation.id) !=
            std::optional<Id>(network->id)) {
        turn.reply_text("import_members.needs_linked", {{"network", network->name}});
        return;
    }
    start_roster_query(turn, {"import_members", network->id, Role::participant, turn.lang, "", "",
                              ""});
}

/// The import card: the people of the member list who are not in the network yet.
void propose_import(Turn& turn, const Network& network, const RosterAnswer& answer,
                    const std::string& request_id) {
    std::string kept;
    ChoiceQuestion card;
    card.action_id = "import:" + request_id;
    card.kind = ChoiceQuestion::Kind::multiple;
    for (const auto& person : answer.people) {
        if (person.user_id.empty() || card.choices.size() >= kMaxImportChoices) {
            continue;
        }
        auto known = turn.store.member_by_identity(turn.event.conversation.platform, person.user_id);
        if (!known && !person.alt_user_id.empty()) {
            known =
                turn.store.member_by_identity(turn.event.conversation.platform, person.alt_user_id);
        }
        if (known && turn.store.membership(network.id, known->id)) {
            continue;
        }
        const auto name = person.display_name.empty() ? person.user_id : person.display_name;
        card.choices.push_back({std::to_string(card.choices.size() + 1), name});
        // Names and accounts only: the e-mail addresses of the list are not kept.
        kept += person.user_id + "\t" + person.alt_user_id + "\t" + name + "\n";
    }
    if (card.choices.empty()) {
        turn.reply_text("import_members.nobody_new", {{"network", network.name}});
        return;
    }
    // One open import list per network: a newer one replaces the older, whose names and
    // accounts of non-members are then forgotten.
    const auto latest_key = "core.roster_import_latest:" + std::to_string(network.id);
    if (const auto older = turn.store.adapter_state(latest_key); older && !older->empty()) {
        turn.store.set_adapter_state(std::string(kImportPrefix) + *older, "", turn.now);
    }
    turn.store.set_adapter_state(latest_key, request_id, turn.now);
    turn.store.set_adapter_state(std::string(kImportPrefix) + request_id,
                                 std::to_string(network.id) + "\n" + kept, turn.now);
    card.max_choices = static_cast<int>(card.choices.size());
    card.prompt = turn.t(card.choices.size() == 1 ? "import_members.prompt_one"
                                                  : "import_members.prompt",
                         {{"count", std::to_string(card.choices.size())},
                          {"network", network.name}});
    turn.reply(card);
}

/// A facilitator confirmed the import card: the chosen people join as participants.
void confirm_import(Turn& turn, const std::string& request_id,
                    const std::vector<std::string>& chosen) {
    const auto key = std::string(kImportPrefix) + request_id;
    const auto stored = turn.store.adapter_state(key).value_or("");
    if (stored.empty()) {
        turn.reply_text("import_members.done_already");
        return;
    }
    std::vector<std::string> lines;
    for (std::size_t start = 0; start < stored.size();) {
        const auto end = stored.find('\n', start);
        lines.push_back(stored.substr(start, end == std::string::npos ? end : end - start));
        start = end == std::string::npos ? stored.size() : end + 1;
    }
    Id network_id = 0;
    try {
        network_id = lines.empty() ? 0 : std::stoll(lines[0]);
    } catch (const std::exception&) {
        network_id = 0;
    }
    const auto network = turn.store.network(network_id);
    if (!network || !turn.manages(network->id)) {
        turn.reply_text("import_members.refused", {{"network", network ? network->name : ""}});
        return;
    }
    std::vector<std::string> names;
    for (const auto& choice : chosen) {
        std::size_t index = 0;
        try {
            index = std::stoul(choice);
        } catch (const std::exception&) {
            continue;
        }
        if (index < 1 || index >= lines.size()) {
            continue;
        }
        const auto& line = lines[index];
        const auto tab1 = line.find('\t');
        const auto tab2 = tab1 == std::string::npos ? tab1 : line.find('\t', tab1 + 1);
        if (tab2 == std::string::npos) {
            continue;
        }
        const auto name = line.substr(tab2 + 1);
        add_person(turn, *network, name, Role::participant, "",
                   Identity{turn.event.conversation.platform, line.substr(0, tab1), 0}, true,
                   line.substr(tab1 + 1, tab2 - tab1 - 1), /*quiet=*/true);
        names.push_back(name);
    }
    if (names.empty()) {
        turn.reply_text("import_members.none_chosen");
        return;
    }
    turn.store.set_adapter_state(key, "", turn.now);
    turn.reply_text(names.size() == 1 ? "import_members.done_one" : "import_members.done",
                    {{"names", join_names(names, turn.lang)},
                                            {"network", network->name},
                                            {"count", std::to_string(names.size())}});
}

/// Applies the platform's answer to a RosterQuery: the pending request is completed and
/// forgotten in the same transaction, so a second answer (a retry after a crash) finds nothing.
void complete_roster(Turn& turn) {
    const auto& answer = turn.event.roster;
    const auto key = std::string(kRosterRequestPrefix) + answer.request_id;
    const auto stored = turn.store.adapter_state(key);
    if (!stored || stored->empty()) {
        return;  // answered already, or never asked
    }
    turn.store.set_adapter_state(key, "", turn.now);
    const auto pending = decode_pending(*stored);
    const auto network = pending ? turn.store.network(pending->network_id) : std::nullopt;
    if (!pending || !network) {
        return;
    }
    turn.lang = pending->lang;
    if (pending->purpose == "import_members") {
        if (answer.status != RosterAnswer::Status::ok) {
            turn.reply_text(answer.status == RosterAnswer::Status::forbidden
                                ? "import_members.forbidden"
                                : "import_members.failed");
            return;
        }
        propose_import(turn, *network, answer, answer.request_id);
        return;
    }
    if (answer.status == RosterAnswer::Status::forbidden) {
        turn.reply_text("add_member.roster_forbidden", {{"email", pending->email}});
        return;
    }
    if (answer.status == RosterAnswer::Status::failed) {
        turn.reply_text("add_member.roster_failed", {{"email", pending->email}});
        return;
    }
    std::vector<const RosterPerson*> found;
    const auto wanted = fold(pending->email);
    for (const auto& person : answer.people) {
        if (!person.user_id.empty() &&
            (fold(person.email) == wanted || fold(person.user_principal_name) == wanted)) {
            found.push_back(&person);
        }
    }
    if (found.empty()) {
        turn.reply_text("add_member.email_unknown", {{"email", pending->email}});
        return;
    }
    if (found.size() > 1) {
        std::vector<std::string> names;
        for (const auto* person : found) {
            names.push_back(person->display_name.empty() ? person->user_id
                                                         : person->display_name);
        }
        turn.reply_text("add_member.email_ambiguous",
                        {{"email", pending->email}, {"names", join_names(names, turn.lang)}});
        return;
    }
    const auto& person = *found.front();
    auto name = pending->name;
    if (name.empty()) {
        name = person.display_name.empty() ? pending->email.substr(0, pending->email.find('@'))
                                           : person.display_name;
    }
    if (utf8_length(name) > kMaxNameChars) {
        name = pending->email.substr(0, pending->email.find('@'));
    }
    // The account is what the bot needs; the address itself is not kept.
    add_person(turn, *network, name, pending->role, pending->school,
               Identity{turn.event.conversation.platform, person.user_id, 0}, true,
               person.alt_user_id);
}

/// The mention a part of a command refers to: its text as the platform left it ("Daan Bakker",
/// "@Daan Bakker" as typed before the name was picked) or its user id typed in full.
const InboundMention* mention_in(const InboundEvent& event, std::string_view part) {
    const auto typed = trim(part);
    const auto without_at = typed.starts_with('@') ? trim(typed.substr(1)) : typed;
    for (const auto& mention : event.mentions) {
        if (mention.user_id == typed ||
            (!mention.text.empty() &&
             (fold(mention.text) == fold(typed) || fold(mention.text) == fold(without_at)))) {
            return &mention;
        }
    }
    return nullptr;
}

void add_member(Turn& turn, const std::string& args) {
    auto network = turn.require_manager(CommandId::add_member);
    if (!network) {
        return;
    }
    auto parts = split(args, args.find('|') != std::string::npos ? '|' : ',');
    auto name = parts.empty() ? std::string() : std::string(trim(parts[0]));
    if (name.empty()) {
        turn.reply_text("add_member.usage");
        return;
    }
    std::optional<Identity> account;
    std::optional<std::string> email;
    bool email_is_name = false;
    // Named the platform's way: a Teams @mention, a Matrix pill or a typed Matrix id. The
    // account is then certain, and the name is the one the platform shows.
    const InboundMention* named = mention_in(turn.event, name);
    if (named && !named->is_person) {
        turn.reply_text("add_member.mention_not_person", {{"typed", named->text}});
        return;
    }
    if (named) {
        account = Identity{turn.event.conversation.platform, named->user_id, 0};
        if (!named->display_name.empty()) {
            name = named->display_name;
        } else if (named->text != named->user_id && !named->text.empty()) {
            name = named->text;
        } else if (named->user_id.starts_with('@')) {
            name = named->user_id.substr(1, named->user_id.find(':') - 1);  // until they write
        }
    } else if (looks_like_email(name)) {
        email = name;  // the name comes from the conversation's member list
        email_is_name = true;
    } else if (auto typed = parse_account(name);
               typed && typed->platform == Platform::matrix &&
               turn.event.conversation.platform != Platform::teams) {
        // A Matrix id typed in full where no adapter made it a mention (the console).
        account = typed;
        name = typed->user_id.substr(1, typed->user_id.find(':') - 1);  // until they write
    } else if (name.starts_with('@') && name.find('@', 1) == std::string::npos) {
        // "@Daan Bakker" typed without picking Daan from the platform's list, or someone who is
        // not in this conversation: no account to link, and a name with '@' is surely a slip.
        turn.reply_text(turn.event.conversation.platform == Platform::teams
                            ? "add_member.mention_unknown"
                            : "add_member.mention_unknown_matrix",
                        {{"typed", name}});
        return;
    }
    if (utf8_length(name) > kMaxNameChars) {
        turn.reply_text("add_member.name_too_long", {{"max", std::to_string(kMaxNameChars)}});
        return;
    }
    Role role = Role::participant;
    std::string school;
    for (std::size_t i = 1; i < parts.size(); ++i) {
        const auto part = std::string(trim(parts[i]));
        if (part.empty()) {
            continue;
        }
        if (const InboundMention* mention = mention_in(turn.event, part)) {
            if (!mention->is_person) {
                turn.reply_text("add_member.mention_not_person", {{"typed", mention->text}});
                return;
            }
            account = Identity{turn.event.conversation.platform, mention->user_id, 0};
            continue;
        }
        if (looks_like_email(part)) {
            email = part;
            continue;
        }
        // Something that looks like an account but is none (an e-mail address, "@kees"): said so,
        // with what an account looks like.
        const bool looks_like_account =
            part.find('@') != std::string::npos ||
            (part.find(':') != std::string::npos && part.find(' ') == std::string::npos);
        if (auto parsed_role = parse_role_word(part)) {
            role = *parsed_role;
        } else if (auto parsed_account = parse_account(part)) {
            account = parsed_account;
        } else if (looks_like_account) {
            turn.reply_text("add_member.bad_account", {{"typed", part}});
            return;
        } else if (i == 1 && parts.size() > 2) {
            turn.reply_text("add_member.unknown_role", {{"typed", part}});
            return;
        } else if (school.empty()) {
            school = part;
        } else {
            turn.reply_text("add_member.extra_part", {{"typed", part}, {"school", school}});
            return;
        }
    }
    if (utf8_length(school) > kMaxNameChars) {
        turn.reply_text("add_member.name_too_long", {{"max", std::to_string(kMaxNameChars)}});
        return;
    }

    if (email && !account) {
        ask_roster_for_email(turn, *network, *email, email_is_name ? std::string() : name, role,
                             school);
        return;
    }
    add_person(turn, *network, name, role, school, account, named != nullptr,
               named ? named->alt_user_id : std::string());
}

void remove_member(Turn& turn, const std::string& args) {
    auto network = turn.require_manager(CommandId::remove_member);
    if (!network) {
        return;
    }
    if (trim(args).empty()) {
        turn.reply_text("remove_member.usage");
        return;
    }
    const auto roster = turn.store.roster(network->id);
    const auto match = find_in_roster(roster, args);
    if (!match.entry) {
        if (!match.candidates.empty()) {
            turn.reply_text("member.ambiguous",
                            {{"typed", std::string(trim(args))},
                             {"names", join_names(match.candidates, turn.lang)}});
        } else {
            turn.reply_text("member.unknown",
                            {{"typed", std::string(trim(args))}, {"network", network->name}});
        }
        return;
    }
    const auto& target = *match.entry;
    if (can_manage_network(target.membership.role)) {
        const auto managers = std::count_if(roster.begin(), roster.end(), [](const RosterEntry& e) {
            return can_manage_network(e.membership.role);
        });
        if (managers <= 1) {
            turn.reply_text("remove_member.last_manager", {{"name", target.member.display_name}});
            return;
        }
    }
    // Asked first (also of a facilitator, or of oneself), and undoable for a day.
    ask_remove_member(turn, *network, target);
}

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
    auto network = turn.require_manager(CommandId::join_policy);
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

/// Closes the card of a pending question with a note shown instead of its buttons.
void close_membership_card(Turn& turn, const PendingAction& pending, const std::string& note) {
    if (!pending.question_message_id) {
        return;
    }
    const auto row = turn.store.outbox_row(*pending.question_message_id);
    if (!row) {
        return;
    }
    if (const auto* question = std::get_if<ChoiceQuestion>(&row->message.content)) {
        auto closed = *question;
        closed.closed_note = note;
        turn.update(row->message.id, row->message.to, closed, row->message.lang);
    }
}

bool membership_change_answered(Turn& turn, const PendingAction& pending, bool yes) {
    if (pending.kind != kAddJoinedKind && pending.kind != kRemoveLeftKind) {
        return false;
    }
    turn.store.delete_pending(pending.id);
    turn.store.cancel_job(kPendingExpiryJob, std::to_string(pending.id));
    const auto network = turn.store.network(pending.network_id);
    if (!network || !turn.manages(network->id)) {
        close_membership_card(turn, pending, turn.t("confirm.closed_gone"));
        turn.reply_text("confirm.gone");
        return true;
    }
    if (!yes) {
        close_membership_card(turn, pending,
                       turn.t("confirm.closed_no", {{"name", turn.me->display_name}}));
        turn.reply_text("joined.left_alone");
        return true;
    }
    close_membership_card(turn, pending, turn.t("confirm.closed_yes", {{"name", turn.me->display_name}}));
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

void handle_action(Turn& turn, const ActionSubmission& action);

/// Turns typed text into a command and runs it.
void handle_message(Turn& turn) {
    const auto text = strip_mention(turn.event.text, turn.settings.bot_name);
    // Members talking among themselves in a room the bot reads: only a command, or a reply to
    // one of the bot's messages, is for the bot; anything else gets no answer at all.
    const auto from_bot = [&](const std::string& remote_id) {
        return !remote_id.empty() &&
               turn.store.outbox_row_by_remote_id(turn.event.conversation.platform, remote_id);
    };
    const bool ambient = turn.event.ambient &&
                         turn.event.conversation.kind == Conversation::Kind::group &&
                         !from_bot(turn.event.reply_to_remote_id) &&
                         !from_bot(turn.event.conversation.thread_id);
    const auto typed_command = is_valid_utf8(text) ? parse_command(text) : std::nullopt;
    const bool about_privacy_or_joining =
        typed_command && (typed_command->id == CommandId::my_data ||
                          typed_command->id == CommandId::forget_me ||
                          typed_command->id == CommandId::join_network);
    if (turn.event.conversation.kind == Conversation::Kind::group && !about_privacy_or_joining) {
        // Someone writing in a network's conversation who is not in the network.
        if (const auto network_id = turn.store.network_of_conversation(
                turn.event.conversation.platform, turn.event.conversation.id)) {
            if (!turn.me || !turn.store.membership(*network_id, turn.me->id)) {
                if (const auto network = turn.store.network(*network_id)) {
                    explain_joining_once(turn, *network);
                }
            }
        }
    }
    if (ambient && (!is_valid_utf8(text) || !parse_command(text))) {
        return;
    }
    if (!is_valid_utf8(text)) {
        turn.reply_text("input.invalid_text");
        return;
    }
    if (trim(text).empty()) {
        turn.reply_text("input.empty");
        return;
    }
    const auto length = utf8_length(text);
    if (length > turn.settings.max_message_chars) {
        turn.reply_text("input.too_long",
                        {{"length", std::to_string(length)},
                         {"max", std::to_string(turn.settings.max_message_chars)}});
        return;
    }
    if (!turn.event.reply_to_remote_id.empty() || !turn.event.conversation.thread_id.empty()) {
        // A reply to a question's post or private message is an answer to it.
        if (answer_by_reply(turn, text)) {
            return;
        }
    }
    if (turn.me && !ambient) {
        // The number or the label of an option of the member's last prompt (a Ja/Nee question,
        // the knowledge-base consent, "Dit hielp me"), whatever the platform shows.
        if (const auto action = typed_prompt_answer(turn.store, turn.me->id, text, turn.now)) {
            handle_action(turn, *action);
            return;
        }
    }
    auto command = parse_command(text);
    if (command && command->id == CommandId::link_conversation &&
        looks_like_link_code(command->args) && !turn.store.find_network_by_name(command->args)) {
        // `koppel ABC123`: a code from `koppel account`, not a network's name.
        command->id = CommandId::link_code;
    }
    const auto open_prompts =
        turn.me ? turn.store.pending_of_member(turn.me->id) : std::vector<PendingAction>{};
    // In a direct chat, text that is no command may answer the member's open poll question; so
    // may "ja" / "nee" (an option, or the start of an open answer) unless a Ja/Nee confirmation
    // is waiting for them.
    const bool yes_no =
        command && (command->id == CommandId::yes || command->id == CommandId::no) &&
        (!command->args.empty() ||
         (turn.me && std::none_of(open_prompts.begin(), open_prompts.end(),
                                  [](const PendingAction& p) { return takes_typed_yes_no(p); })));
    if (turn.me && (!command || yes_no) && answer_typed(turn, text)) {
        return;
    }
    if (!command) {
        if (auto suggestion = suggest_command(text, turn.lang)) {
            turn.reply_text("input.did_you_mean", {{"command", *suggestion}});
        } else {
            turn.reply_text("input.unknown");
        }
        return;
    }
    // Strangers can ask for help and, on a fresh installation, create the first network.
    if (!turn.me && command->id != CommandId::help && command->id != CommandId::my_data &&
        command->id != CommandId::join_network &&
        command->id != CommandId::forget_me && command->id != CommandId::language &&
        command->id != CommandId::link_code &&
        !(command->id == CommandId::create_network && turn.store.networks().empty())) {
        turn.reply_text("input.stranger");
        return;
    }
    switch (command->id) {
        case CommandId::help:
            show_help(turn, command->args);
            break;
        case CommandId::meetings:
            show_meetings(turn);
            break;
        case CommandId::members:
            show_members(turn);
            break;
        case CommandId::expertise:
            expertise(turn, command->args);
            break;
        case CommandId::language:
            language(turn, command->args);
            break;
        case CommandId::networks:
            list_networks(turn);
            break;
        case CommandId::switch_network:
            switch_network(turn, command->args);
            break;
        case CommandId::create_network:
            create_network(turn, command->args);
            break;
        case CommandId::link_conversation:
            link_conversation(turn, command->args);
            break;
        case CommandId::link_account:
            create_link_code(turn);
            break;
        case CommandId::link_code:
            enter_link_code(turn, command->args);
            break;
        case CommandId::unlink_account:
            unlink_account(turn, command->args);
            break;
        case CommandId::my_school:
            my_school(turn, command->args);
            break;
        case CommandId::member_school:
            member_school(turn, command->args);
            break;
        case CommandId::calendar_link:
            calendar_link(turn, CalendarLink::network);
            break;
        case CommandId::calendar_link_renew:
            calendar_link(turn, CalendarLink::renew);
            break;
        case CommandId::calendar_link_personal:
            calendar_link(turn, CalendarLink::personal);
            break;
        case CommandId::add_member:
            add_member(turn, command->args);
            break;
        case CommandId::import_members:
            import_members(turn);
            break;
        case CommandId::join_network:
            join_network(turn);
            break;
        case CommandId::join_policy:
            set_join_policy(turn, command->args);
            break;
        case CommandId::remove_member:
            remove_member(turn, command->args);
            break;
        case CommandId::plan_meeting:
            plan_meeting(turn, command->args);
            break;
        case CommandId::move_meeting:
            move_meeting(turn, command->args);
            break;
        case CommandId::cancel_meeting:
            cancel_meeting(turn, command->args);
            break;
        case CommandId::cafe_weeks:
            cafe_weeks(turn, command->args);
            break;
        case CommandId::rsvp_yes:
            rsvp(turn, true, command->args);
            break;
        case CommandId::rsvp_no:
            rsvp(turn, false, command->args);
            break;
        case CommandId::attendance:
            show_attendance(turn, command->args);
            break;
        case CommandId::reminders:
            show_reminders(turn);
            break;
        case CommandId::edit_reminder:
            edit_reminder(turn, command->args);
            break;
        case CommandId::my_data:
            show_my_data(turn, command->args);
            break;
        case CommandId::forget_me:
            forget_me(turn);
            break;
        case CommandId::agenda_item:
            submit_agenda_item(turn, command->args);
            break;
        case CommandId::agenda:
            show_agenda(turn, command->args);
            break;
        case CommandId::dots:
            place_dots(turn, command->args);
            break;
        case CommandId::agenda_accept:
        case CommandId::agenda_park:
        case CommandId::agenda_merge:
        case CommandId::agenda_order:
        case CommandId::agenda_edit:
        case CommandId::agenda_move:
        case CommandId::agenda_remove:
        case CommandId::agenda_vote_open:
        case CommandId::agenda_vote_close:
        case CommandId::agenda_tally:
            manage_agenda(turn, command->id, command->args);
            break;
        case CommandId::poll:
            start_poll(turn, command->args);
            break;
        case CommandId::evaluation:
            start_evaluation(turn, command->args);
            break;
        case CommandId::polls:
            list_polls(turn);
            break;
        case CommandId::poll_results:
            show_poll_results(turn, command->args);
            break;
        case CommandId::poll_close:
            close_poll_now(turn, command->args);
            break;
        case CommandId::poll_export:
            export_poll(turn, command->args);
            break;
        case CommandId::poll_threshold:
            set_poll_threshold(turn, command->args);
            break;
        case CommandId::poll_answer:
            answer_poll(turn, command->args);
            break;
        case CommandId::yes:
            if (!answer_question_prompt(turn, true, command->args)) {
                answer_confirmation(turn, std::nullopt, true);
            }
            break;
        case CommandId::no:
            if (!answer_question_prompt(turn, false, command->args)) {
                answer_confirmation(turn, std::nullopt, false);
            }
            break;
        case CommandId::ask:
            ask_question(turn, command->args);
            break;
        case CommandId::questions:
            list_questions(turn);
            break;
        case CommandId::answer:
            answer_question(turn, command->args);
            break;
        case CommandId::helpful:
            mark_helpful(turn, command->args);
            break;
        case CommandId::close_question:
            close_question(turn, command->args);
            break;
        case CommandId::pause:
            pause_questions(turn, command->args);
            break;
        case CommandId::route_count:
            set_route_count(turn, command->args);
            break;
        case CommandId::search:
            search_knowledge(turn, command->args);
            break;
        case CommandId::knowledge:
            show_knowledge(turn, command->args);
            break;
        case CommandId::my_knowledge:
            my_knowledge(turn);
            break;
        case CommandId::knowledge_withdraw:
            withdraw_knowledge(turn, command->args);
            break;
        case CommandId::knowledge_note:
            add_knowledge(turn, KnowledgeKind::note, command->args);
            break;
        case CommandId::knowledge_resource:
            add_knowledge(turn, KnowledgeKind::resource, command->args);
            break;
        case CommandId::knowledge_edit:
            edit_knowledge(turn, command->args);
            break;
        case CommandId::knowledge_retire:
            set_knowledge_status(turn, command->args, true);
            break;
        case CommandId::knowledge_restore:
            set_knowledge_status(turn, command->args, false);
            break;
        case CommandId::knowledge_share:
            share_knowledge(turn, command->args);
            break;
        case CommandId::knowledge_export:
            export_knowledge(turn);
            break;
        case CommandId::harvest:
            harvest(turn, command->args);
            break;
        case CommandId::central_question:
            network_aim(turn, false, command->args);
            break;
        case CommandId::ambition:
            network_aim(turn, true, command->args);
            break;
    }
}

void handle_action(Turn& turn, const ActionSubmission& action) {
    if (!turn.me) {
        turn.reply_text("input.stranger");
        return;
    }
    constexpr std::string_view kImport = "import:";
    if (action.action_id.rfind(kImport, 0) == 0) {
        confirm_import(turn, action.action_id.substr(kImport.size()), action.choice_ids);
        return;
    }
    constexpr std::string_view kConfirm = "confirm:";
    if (action.action_id.rfind(kConfirm, 0) == 0) {
        Id pending_id = 0;
        const auto digits = action.action_id.substr(kConfirm.size());
        if (digits.empty() || digits.size() > 18 ||
            !std::all_of(digits.begin(), digits.end(),
                         [](char c) { return c >= '0' && c <= '9'; })) {
            turn.reply_text("action.unknown");
            return;
        }
        pending_id = std::stoll(digits);
        if (action.choice_ids.size() != 1 ||
            (action.choice_ids.front() != "ja" && action.choice_ids.front() != "nee")) {
            turn.reply_text("action.unknown");
            return;
        }
        answer_confirmation(turn, pending_id, action.choice_ids.front() == "ja");
        return;
    }
    constexpr std::string_view kRsvp = "rsvp:";
    if (action.action_id.rfind(kRsvp, 0) == 0) {
        const auto digits = action.action_id.substr(kRsvp.size());
        if (digits.empty() || digits.size() > 18 ||
            !std::all_of(digits.begin(), digits.end(),
                         [](char c) { return c >= '0' && c <= '9'; }) ||
            action.choice_ids.size() != 1 ||
            (action.choice_ids.front() != "ja" && action.choice_ids.front() != "nee")) {
            turn.reply_text("action.unknown");
            return;
        }
        rsvp_click(turn, std::stoll(digits), action.choice_ids.front() == "ja");
        return;
    }
    if (action.action_id.rfind("poll:", 0) == 0) {
        poll_click(turn, action);
        return;
    }
    constexpr std::string_view kWithdraw = "withdraw:";
    if (action.action_id.rfind(kWithdraw, 0) == 0) {
        const auto digits = action.action_id.substr(kWithdraw.size());
        if (digits.empty() || digits.size() > 18 ||
            !std::all_of(digits.begin(), digits.end(),
                         [](char c) { return c >= '0' && c <= '9'; }) ||
            action.choice_ids.size() != 1) {
            turn.reply_text("action.unknown");
            return;
        }
        withdraw_knowledge_click(turn, std::stoll(digits), action.choice_ids.front());
        return;
    }
    if (action.action_id == "form:plan_meeting" ||
        action.action_id.rfind("form:plan_meeting:", 0) == 0) {
        plan_meeting_form(turn, action);
        return;
    }
    if (action.action_id == "form:agenda_item") {
        submit_agenda_form(turn, action);
        return;
    }
    if (question_action(turn, action)) {
        return;
    }
    turn.reply_text("action.unknown");
}

}  // namespace

bool answer_membership_change(Turn& turn, const PendingAction& pending, bool yes) {
    return membership_change_answered(turn, pending, yes);
}

}  // namespace detail

Bot::Bot(Store& store, BotSettings settings) : store_(store), settings_(std::move(settings)) {
    // The messages an anonymous poll causes to members are stored sealed (ballot_box.hpp).
    store_.use_sealing_key(derived_key(settings_, "leernetwerk-outbox:key"));
}

namespace {

/// Applies one event inside the current transaction.
Handled apply_event(Store& store, const BotSettings& settings, const InboundEvent& event,
                    Instant now) {
    Handled handled;
    detail::save_platform_facts(store, event, now);
    if (!store.remember_event(event.conversation.platform, event.event_id, now)) {
        handled.duplicate = true;
        return handled;
    }
    detail::Turn turn(store, settings, event, now);
    switch (event.kind) {
        case InboundEvent::Kind::message:
            detail::handle_message(turn);
            break;
        case InboundEvent::Kind::action:
            detail::handle_action(turn, event.action);
            break;
        case InboundEvent::Kind::member_joined:
        case InboundEvent::Kind::bot_added:
            detail::welcome(turn);
            break;
        case InboundEvent::Kind::reaction:
            break;  // no feature reacts to reactions yet; the event is recorded as seen
        case InboundEvent::Kind::roster:
            detail::complete_roster(turn);
            break;
        case InboundEvent::Kind::member_left:
            detail::propose_left(turn);
            break;
        case InboundEvent::Kind::encrypted_room:
            detail::cannot_read_conversation(turn);
            break;
    }
    if (turn.anonymous_poll != 0) {
        for (const auto id : turn.sent) {
            store.link_poll_message(id, turn.anonymous_poll);
        }
    }
    handled.messages = turn.messages;
    handled.message_ids = turn.sent;
    handled.confidential = turn.confidential;
    handled.click_answer = detail::click_answer(turn);
    return handled;
}

/// After a defect while applying an event (its changes already taken back): the event is still
/// recorded as seen, so the platform's retries do not hit the same defect again and again, and
/// the sender is told something went wrong on the bot's side.
Handled apply_failure(Store& store, const BotSettings& settings, const InboundEvent& event,
                      Instant now) {
    Handled handled;
    store.remember_event(event.conversation.platform, event.event_id, now);
    detail::Turn turn(store, settings, event, now);
    if (event.kind == InboundEvent::Kind::message || event.kind == InboundEvent::Kind::action) {
        turn.reply_text("error.internal");
    }
    handled.messages = turn.messages;
    handled.message_ids = turn.sent;
    return handled;
}

void log_applied(const InboundEvent& event, const Handled& handled) {
    static constexpr const char* kKinds[] = {"message", "action", "member_joined", "bot_added",
                                             "reaction", "roster", "member_left",
                                             "encrypted_room"};
    log_line(LogLevel::debug,
             std::string(platform_code(event.conversation.platform)) + " " +
                 kKinds[static_cast<int>(event.kind)] + " " + event.event_id +
                 (handled.duplicate
                      ? ": seen before, ignored"
                      : ": applied, " + std::to_string(handled.messages) + " message(s) queued"));
    if (event.kind == InboundEvent::Kind::message && !handled.confidential) {
        // What members write is confidential: only at trace level; an anonymous answer or an
        // anonymous or confidential question never.
        log_line(LogLevel::trace, "text of " + event.event_id + ": " + event.text);
    }
}

}  // namespace

Result<Handled> Bot::handle(const InboundEvent& event, Instant now) {
    return std::move(handle_batch({event}, now).front());
}

std::vector<Result<Handled>> Bot::handle_batch(
    const std::vector<InboundEvent>& events, Instant now,
    const std::function<void(std::size_t)>& before_each, const std::vector<std::string>& order_keys,
    const std::function<void(const std::vector<Result<Handled>>&)>& after_all) {
    std::vector<Result<Handled>> results(events.size(), Handled{});
    std::set<std::string> failed_keys;
    const auto key_of = [&](std::size_t i) {
        return i < order_keys.size() ? order_keys[i] : std::string();
    };
    try {
        store_.transaction([&] {
            for (std::size_t i = 0; i < events.size(); ++i) {
                const auto& event = events[i];
                if (event.event_id.empty()) {
                    results[i] = fail(ErrorCode::bad_input, "event without an id", 400);
                    continue;
                }
                if (!key_of(i).empty() && failed_keys.count(key_of(i))) {
                    results[i] =
                        fail(ErrorCode::storage,
                             "held back: an earlier event of its conversation failed", 503);
                    continue;
                }
                try {
                    // Each event in its own savepoint: one that fails takes only itself back.
                    store_.savepoint([&] {
                        if (before_each) {
                            before_each(i);
                        }
                        results[i] = apply_event(store_, settings_, event, now);
                    });
                } catch (const StoreError& error) {
                    log_line(LogLevel::error,
                             "event " + event.event_id + " not applied: " + error.what());
                    results[i] = fail(ErrorCode::storage, error.what(), 500);
                    if (!key_of(i).empty()) {
                        failed_keys.insert(key_of(i));
                    }
                } catch (const std::exception& error) {
                    // A defect, not the database: what the event changed is taken back, the
                    // sender hears so, and the others in the batch and the service go on.
                    log_line(LogLevel::error,
                             "event " + event.event_id + " failed (a defect): " + error.what());
                    try {
                        store_.savepoint(
                            [&] { results[i] = apply_failure(store_, settings_, event, now); });
                    } catch (const std::exception& again) {
                        results[i] = fail(ErrorCode::internal, again.what(), 500);
                    }
                }
            }
            if (after_all) {
                after_all(results);
            }
        });
    } catch (const StoreError& error) {
        // The commit itself failed: nothing of the batch was kept.
        log_line(LogLevel::error, std::string("events not applied: ") + error.what());
        for (auto& result : results) {
            result = fail(ErrorCode::storage, error.what(), 500);
        }
        return results;
    }
    bool changed = false;
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (results[i]) {
            log_applied(events[i], *results[i]);
            // Whatever schedules a job also answers, so a silent event scheduled nothing.
            changed = changed || results[i]->messages > 0;
        }
    }
    if (changed && after_commit_) {
        after_commit_();
    }
    return results;
}

namespace {
constexpr std::string_view kHousekeepingJob = "housekeeping";
}  // namespace

void Bot::delivery_given_up(Id outbox_id, Instant now) {
    if (detail::schedule_delivery_notice(store_, outbox_id, now) && after_commit_) {
        after_commit_();
    }
}

Result<int> Bot::tick(Instant now) {
    constexpr int kBatch = 100;
    int ran = 0;
    try {
        // Deferred reminders are due again later, not now: each job is looked at once a tick.
        for (const auto& job : store_.due_jobs(now, kBatch)) {
            try {
                // One transaction per job: its messages and its being done are committed
                // together.
                run_job(job, now);
            } catch (const StoreError&) {
                throw;  // the database itself: stop, the runtime tries again a little later
            } catch (const std::exception& error) {
                // A defect in one job must not stop the scheduler or come back every tick.
                log_line(LogLevel::error, "job " + job.kind + " " + job.key +
                                              " failed and is given up: " + error.what());
                store_.transaction([&] { store_.finish_job(job.id); });
                ++counts_.jobs_failed;
            }
            ++ran;
        }
    } catch (const StoreError& error) {
        log_line(LogLevel::error, std::string("scheduler stopped for this tick: ") + error.what());
        return fail(ErrorCode::storage, error.what(), 500);
    }
    return ran;
}

void Bot::run_job(const Job& job, Instant now) {
    if (job.kind == detail::kPendingExpiryJob) {
        store_.transaction([&] {
            if (!detail::expire_question_prompt(store_, settings_, job, now)) {
                detail::expire_confirmation(store_, settings_, job, now);
            }
            store_.finish_job(job.id);
        });
    } else if (job.kind == detail::kQuestionFollowUpJob) {
        store_.transaction([&] {
            const auto outcome = detail::run_question_follow_up(store_, settings_, job, now);
            if (outcome != detail::FollowUpOutcome::deferred) {
                store_.finish_job(job.id);
            }
        });
    } else if (job.kind == detail::kDeliveryNoticeJob) {
        // A member-list request the platform never answered is answered "failed", as the
        // adapter would: the facilitator hears so and the pending request (with the address it
        // was for) is forgotten.
        if (const auto given_up = detail::given_up_roster_answer(store_, job)) {
            (void)handle(*given_up, now);
        }
        store_.transaction([&] {
            detail::run_delivery_notice(store_, settings_, job, now);
            store_.finish_job(job.id);
        });
    } else if (job.kind == kHousekeepingJob) {
        store_.transaction([&] {
            housekeeping(now);
            schedule_housekeeping(now + std::chrono::hours(1));
        });
    } else if (job.kind == detail::kAgendaRoundJob) {
        store_.transaction([&] {
            detail::close_agenda_round_job(store_, settings_, job, now);
            store_.finish_job(job.id);
        });
    } else if (job.kind == detail::kPollJob) {
        store_.transaction([&] {
            if (detail::run_poll_job(store_, settings_, job, now)) {
                store_.finish_job(job.id);
            }
        });
    } else if (job.kind == detail::kReminderJob) {
        auto outcome = detail::ReminderOutcome::skipped;
        store_.transaction([&] {
            outcome = detail::run_reminder(store_, settings_, job, now);
            if (outcome != detail::ReminderOutcome::deferred) {
                store_.finish_job(job.id);
            }
        });
        switch (outcome) {
            case detail::ReminderOutcome::sent: ++counts_.reminders_sent; break;
            case detail::ReminderOutcome::dropped: ++counts_.reminders_dropped; break;
            case detail::ReminderOutcome::skipped: ++counts_.reminders_skipped; break;
            case detail::ReminderOutcome::deferred: ++counts_.reminders_deferred; break;
        }
    } else {
        // A kind this version does not know (written by a newer one): looked at again a day
        // later, so it neither blocks the jobs behind it nor wakes the scheduler constantly.
        log_line(LogLevel::warn, "job of unknown kind '" + job.kind + "' (" + job.key +
                                     ") left for a version that knows it");
        store_.transaction([&] {
            store_.schedule_job(
                {0, job.kind, job.key, now + std::chrono::hours(24), job.payload, JobState::due});
        });
        return;
    }
    log_line(LogLevel::debug, "job " + job.kind + " " + job.key + " ran");
}

void Bot::housekeeping(Instant now) {
    const auto messages = store_.prune_outbox(now - settings_.outbox_retention);
    const auto events = store_.prune_inbox(now - settings_.inbox_retention);
    // Messages an anonymous poll caused that were still on their way when it closed.
    int poll_messages = 0;
    for (const auto poll_id : store_.closed_polls_with_messages()) {
        poll_messages += store_.forget_poll_messages(poll_id);
    }
    if (poll_messages > 0) {
        store_.compact_after_commit();
    }
    // A night with nothing to delete is not worth a line (the console's /tijd printed one per
    // night).
    log_line(messages + events > 0 ? LogLevel::info : LogLevel::debug,
             "housekeeping: deleted " + std::to_string(messages) + " sent message(s) older than " +
                 std::to_string(settings_.outbox_retention.count()) + " days and forgot " +
                 std::to_string(events) + " event id(s) older than " +
                 std::to_string(settings_.inbox_retention.count()) + " days");
    warn_if_holidays_run_out(now);
}

void Bot::warn_if_holidays_run_out(Instant now) {
    const auto& window = settings_.send_window;
    const auto today = date::floor<date::days>(
        to_local(now, settings_.default_time_zone).value_or(LocalTime{}));
    if (!holidays_run_out_soon(window, today)) {
        return;
    }
    const auto until = *holidays_known_until(window);
    log_line(LogLevel::warn,
             "school holidays are known only until " + format_day(until, Lang::en) +
                 ": after that, reminders may go out in a holiday. Add the next school year's "
                 "dates: `leernetwerk import-vakanties --file X.ics` or [[reminders.holiday]] "
                 "in the configuration (a newer version also knows more years)");
    constexpr std::string_view kWarnedKey = "core.holiday_warning";
    const auto until_text = format_day(until, Lang::en);
    if (store_.adapter_state(kWarnedKey).value_or("") == until_text) {
        return;  // the organisers were told about this date already
    }
    std::set<Id> told;
    for (const auto& network : store_.networks()) {
        for (const auto& entry : store_.roster(network.id)) {
            if (!can_manage_network(entry.membership.role) || !told.insert(entry.member.id).second) {
                continue;
            }
            const auto to = detail::direct_address(store_, entry.member.id, {});
            if (!to) {
                continue;
            }
            OutboundMessage message;
            message.to = *to;
            message.recipient_member_id = entry.member.id;
            message.lang = entry.member.language.value_or(settings_.default_language);
            message.content = TextContent{
                tr(message.lang, "holidays.running_out", {{"until", format_day(until, message.lang)}}),
                {}};
            store_.append_outbox(message, now);
        }
    }
    store_.set_adapter_state(kWarnedKey, until_text, now);
}

void Bot::schedule_housekeeping(Instant after) {
    // At night, when nothing else happens: the next 03:30 in the installation's zone.
    const auto& zone = settings_.default_time_zone;
    auto day = date::floor<date::days>(to_local(after, zone).value_or(LocalTime{}));
    for (int i = 0; i < 3; ++i, day += date::days{1}) {
        if (const auto at = at_wall_time(day, std::chrono::minutes(3 * 60 + 30), zone);
            at && *at > after) {
            store_.schedule_job(
                {0, std::string(kHousekeepingJob), "daily", *at, "", JobState::due});
            return;
        }
    }
    store_.schedule_job({0, std::string(kHousekeepingJob), "daily", after + std::chrono::hours(24),
                         "", JobState::due});
}

Result<int> Bot::reschedule_all(Instant now) {
    int changed = 0;
    try {
        store_.transaction([&] {
            const auto job = store_.job(kHousekeepingJob, "daily");
            if (!job || job->state != JobState::due) {
                schedule_housekeeping(now);
            }
            warn_if_holidays_run_out(now);
        });
        for (const auto& network : store_.networks()) {
            store_.transaction(
                [&] { changed += detail::reschedule_network(store_, settings_, network.id, now); });
        }
    } catch (const StoreError& error) {
        log_line(LogLevel::error, std::string("reminders not rescheduled: ") + error.what());
        return fail(ErrorCode::storage, error.what(), 500);
    }
    return changed;
}

std::optional<Instant> Bot::next_due() {
    try {
        return store_.next_job_due();
    } catch (const StoreError& error) {
        log_line(LogLevel::error, std::string("next job not read: ") + error.what());
        return std::nullopt;
    }
}

}  // namespace leernetwerk
