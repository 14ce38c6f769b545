#include "adapters/teams/activity.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <initializer_list>

#include <nlohmann/json.hpp>

#include "adapters/net/json_limits.hpp"
#include "adapters/teams/cards.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::teams {
namespace {

using nlohmann::json;

/// Real activities nest about eight levels deep; anything far deeper is hostile. Checked before
/// parsing so that no recursive walk (dump, our own readers) can exhaust the stack.
constexpr int kMaxNesting = 64;

const json* member(const json& object, std::string_view key) {
    if (!object.is_object()) {
        return nullptr;
    }
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

/// The string at `key`, or "" when it is missing or not a string (optional fields are tolerant).
std::string string_at(const json& object, std::string_view key) {
    const json* value = member(object, key);
    return value && value->is_string() ? value->get<std::string>() : std::string();
}

/// The string at a nested path such as {"channelData", "tenant", "id"}.
std::string string_at(const json& object, std::initializer_list<std::string_view> path) {
    const json* current = &object;
    for (const auto key : path) {
        current = member(*current, key);
        if (!current) {
            return {};
        }
    }
    return current->is_string() ? current->get<std::string>() : std::string();
}

void from_json(const json& j, ChannelAccount& account) {
    account.id = string_at(j, "id");
    account.name = string_at(j, "name");
    account.aad_object_id = string_at(j, "aadObjectId");
}

void from_json(const json& j, ConversationAccount& conversation) {
    conversation.id = string_at(j, "id");
    conversation.conversation_type = string_at(j, "conversationType");
    conversation.tenant_id = string_at(j, "tenantId");
    const json* is_group = member(j, "isGroup");
    conversation.is_group = is_group && is_group->is_boolean() && is_group->get<bool>();
}

std::vector<ChannelAccount> accounts_at(const json& j, std::string_view key) {
    std::vector<ChannelAccount> accounts;
    if (const json* list = member(j, key); list && list->is_array()) {
        for (const auto& item : *list) {
            if (item.is_object()) {
                ChannelAccount account;
                from_json(item, account);
                accounts.push_back(std::move(account));
            }
        }
    }
    return accounts;
}

void from_json(const json& j, Activity& activity) {
    activity.type = string_at(j, "type");
    activity.id = string_at(j, "id");
    activity.timestamp = string_at(j, "timestamp");
    activity.service_url = string_at(j, "serviceUrl");
    activity.channel_id = string_at(j, "channelId");
    if (const json* from = member(j, "from")) {
        from_json(*from, activity.from);
    }
    if (const json* recipient = member(j, "recipient")) {
        from_json(*recipient, activity.recipient);
    }
    if (const json* conversation = member(j, "conversation")) {
        from_json(*conversation, activity.conversation);
    }
    activity.text = string_at(j, "text");
    activity.text_format = string_at(j, "textFormat");
    activity.reply_to_id = string_at(j, "replyToId");
    activity.name = string_at(j, "name");
    activity.action = string_at(j, "action");
    if (const json* value = member(j, "value"); value && !value->is_null()) {
        activity.value_json = value->dump(-1, ' ', false, json::error_handler_t::replace);
    }
    activity.members_added = accounts_at(j, "membersAdded");
    activity.members_removed = accounts_at(j, "membersRemoved");
    if (const json* reactions = member(j, "reactionsAdded"); reactions && reactions->is_array()) {
        for (const auto& reaction : *reactions) {
            if (auto type = string_at(reaction, "type"); !type.empty()) {
                activity.reactions_added.push_back(std::move(type));
            }
        }
    }
    if (const json* entities = member(j, "entities"); entities && entities->is_array()) {
        for (const auto& entity : *entities) {
            if (string_at(entity, "type") != "mention") {
                continue;
            }
            MentionEntity mention;
            if (const json* mentioned = member(entity, "mentioned")) {
                from_json(*mentioned, mention.mentioned);
            }
            mention.text = string_at(entity, "text");
            activity.mentions.push_back(std::move(mention));
        }
    }
    activity.tenant_id = string_at(j, {"channelData", "tenant", "id"});
    if (activity.tenant_id.empty()) {
        activity.tenant_id = activity.conversation.tenant_id;
    }
    activity.team_id = string_at(j, {"channelData", "team", "id"});
    activity.teams_channel_id = string_at(j, {"channelData", "channel", "id"});
    activity.event_type = string_at(j, {"channelData", "eventType"});
}

Error bad_activity(std::string message) {
    return Error{ErrorCode::bad_input, "Teams activity: " + std::move(message), 400, std::nullopt};
}

/// Bot ids are "28:<appId>" in Teams; the playground sends the bare app id.
std::string_view without_bot_prefix(std::string_view id) {
    return id.substr(0, 3) == "28:" ? id.substr(3) : id;
}

bool same_account(std::string_view a, std::string_view b) {
    return !a.empty() && !b.empty() && (a == b || without_bot_prefix(a) == without_bot_prefix(b));
}

void erase_all(std::string& text, std::string_view needle) {
    if (needle.empty()) {
        return;
    }
    for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos)) {
        text.erase(pos, needle.size());
    }
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (c != prefix[i]) {
            return false;
        }
    }
    return true;
}

/// Removes tags. With `all` every tag goes (line-ending ones become "\n"); otherwise only the
/// <at …> and </at> around other people's mentions, so their plain names remain.
std::string drop_tags(std::string_view text, bool all) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '<') {
            out += text[i];
            continue;
        }
        const auto close = text.find('>', i);
        if (close == std::string_view::npos) {
            out += text.substr(i);
            break;
        }
        const auto tag = text.substr(i, close - i + 1);
        const bool is_at = starts_with_ci(tag, "<at>") || starts_with_ci(tag, "<at ") ||
                           starts_with_ci(tag, "</at>");
        if (!all && !is_at) {
            out += text[i];
            continue;
        }
        if (all && (starts_with_ci(tag, "<br") || starts_with_ci(tag, "</p") ||
                    starts_with_ci(tag, "</div"))) {
            out += '\n';
        }
        i = close;
    }
    return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// Reads "#39" / "#x27" into a code point; nullopt for anything that is not a valid scalar value.
std::optional<std::uint32_t> numeric_entity(std::string_view name) {
    if (name.size() < 2 || name[0] != '#') {
        return std::nullopt;
    }
    const bool hex = name[1] == 'x' || name[1] == 'X';
    const auto digits = name.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) {
        return std::nullopt;
    }
    std::uint32_t cp = 0;
    for (const char c : digits) {
        int digit = -1;
        if (c >= '0' && c <= '9') {
            digit = c - '0';
        } else if (hex && c >= 'a' && c <= 'f') {
            digit = c - 'a' + 10;
        } else if (hex && c >= 'A' && c <= 'F') {
            digit = c - 'A' + 10;
        }
        if (digit < 0) {
            return std::nullopt;
        }
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit);
    }
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        return std::nullopt;
    }
    return cp;
}

/// Decodes &amp; &lt; &gt; &quot; &#39; &apos; &nbsp; (as a plain space) and numeric entities;
/// anything else stays as it was typed.
std::string decode_entities(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '&') {
            out += text[i];
            continue;
        }
        const auto semi = text.find(';', i);
        if (semi == std::string_view::npos || semi - i > 12) {
            out += '&';
            continue;
        }
        const auto name = text.substr(i + 1, semi - i - 1);
        if (name == "amp") {
            out += '&';
        } else if (name == "lt") {
            out += '<';
        } else if (name == "gt") {
            out += '>';
        } else if (name == "quot") {
            out += '"';
        } else if (name == "apos") {
            out += '\'';
        } else if (name == "nbsp") {
            out += ' ';
        } else if (const auto cp = numeric_entity(name)) {
            append_utf8(out, *cp == 0xA0 ? ' ' : *cp);
        } else {
            out += '&';
            continue;
        }
        i = semi;
    }
    return out;
}

/// What the member typed: the bot's mention removed, tags dropped, entities decoded, trimmed.
std::string typed_text(const Activity& activity) {
    std::string text = activity.text;
    for (const auto& mention : activity.mentions) {
        if (same_account(mention.mentioned.id, activity.recipient.id)) {
            erase_all(text, mention.text);
        }
    }
    const bool markup = activity.text_format == "xml" || activity.text_format == "html";
    text = decode_entities(drop_tags(text, markup));
    return std::string(trim(text));
}

/// The people (and channels or tags) a message names besides the bot, each once, with the text
/// their mention leaves in typed_text.
std::vector<InboundMention> other_mentions(const Activity& activity) {
    std::vector<InboundMention> mentions;
    for (const auto& entity : activity.mentions) {
        if (entity.mentioned.id.empty() ||
            same_account(entity.mentioned.id, activity.recipient.id)) {
            continue;
        }
        const bool seen =
            std::any_of(mentions.begin(), mentions.end(),
                        [&](const InboundMention& m) { return m.user_id == entity.mentioned.id; });
        if (seen) {
            continue;
        }
        InboundMention mention;
        mention.user_id = entity.mentioned.id;
        mention.display_name = entity.mentioned.name;
        mention.alt_user_id = entity.mentioned.aad_object_id;
        mention.text = std::string(trim(decode_entities(drop_tags(entity.text, true))));
        if (mention.text.empty()) {
            mention.text = mention.display_name;
        }
        // Users are "29:…"; a channel ("19:…@thread…") or a tag can be mentioned too.
        mention.is_person = mention.user_id.rfind("29:", 0) == 0;
        mentions.push_back(std::move(mention));
    }
    return mentions;
}

std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t hash = 14695981039346656037ULL;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ULL;
    }
    return hash;
}

/// A stable event id for activities the connector sends without one: the same activity (same
/// conversation, members, reactions and timestamp) always gets the same id.
std::string derived_event_id(const Activity& activity) {
    std::string key = activity.type + '\n' + activity.conversation.id + '\n' + activity.from.id +
                      '\n' + activity.reply_to_id + '\n';
    for (const auto& added : activity.members_added) {
        key += added.id + ',';
    }
    for (const auto& removed : activity.members_removed) {
        key += '-' + removed.id + ',';
    }
    key += '\n';
    for (const auto& reaction : activity.reactions_added) {
        key += reaction + ',';
    }
    key += '\n' + activity.timestamp;
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (auto hash = fnv1a(key); hex.size() < 16; hash >>= 4) {
        hex.insert(hex.begin(), kHex[hash & 0xF]);
    }
    return "teams:" + activity.type + ":" + hex;
}

Sender sender_of(const ChannelAccount& account) {
    return Sender{account.id, account.name, account.aad_object_id};
}

/// The action data of an invoke "adaptiveCard/action": value.action.data, re-serialised.
std::optional<std::string> invoke_data(const Activity& activity) {
    const json value = json::parse(activity.value_json, nullptr, false);
    if (value.is_discarded()) {
        return std::nullopt;
    }
    const json* action = member(value, "action");
    const json* data = action ? member(*action, "data") : nullptr;
    if (!data || !data->is_object()) {
        return std::nullopt;
    }
    return data->dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<InboundEvent> map_activity(const Activity& activity) {
    InboundEvent event;
    event.conversation = conversation_of(activity);
    // Activity ids are unique within a conversation only (a channel message's id is its
    // timestamp in milliseconds), so the conversation is part of the key the bot applies it by.
    event.event_id = activity.id.empty() ? derived_event_id(activity)
                                         : event.conversation.id + "|" + activity.id;
    event.sender = sender_of(activity.from);

    if (activity.type == "message") {
        if (!activity.value_json.empty()) {
            // An Action.Submit from one of our cards; other values (not ours) fall through.
            if (auto action = read_action_data(activity.value_json)) {
                event.kind = InboundEvent::Kind::action;
                event.action = std::move(*action);
                event.action.message_remote_id = activity.reply_to_id;
                return event;
            }
        }
        if (activity.text.empty()) {
            return std::nullopt;
        }
        event.kind = InboundEvent::Kind::message;
        event.text = typed_text(activity);
        event.mentions = other_mentions(activity);
        event.reply_to_remote_id = activity.reply_to_id;
        return event;
    }
    if (activity.type == "invoke") {
        if (activity.name != "adaptiveCard/action") {
            return std::nullopt;
        }
        const auto data = invoke_data(activity);
        auto action = data ? read_action_data(*data) : std::nullopt;
        if (!action) {
            return std::nullopt;
        }
        event.kind = InboundEvent::Kind::action;
        event.action = std::move(*action);
        event.action.message_remote_id = activity.reply_to_id;
        event.reply_is_private = true;  // the invoke response is shown to the clicker alone
        return event;
    }
    if (activity.type == "conversationUpdate") {
        if (activity.members_added.empty()) {
            // People removed from (or leaving) the chat or team; the bot's own removal is not
            // an event for the core.
            for (const auto& removed : activity.members_removed) {
                if (same_account(removed.id, activity.recipient.id)) {
                    return std::nullopt;
                }
                if (!removed.id.empty()) {
                    event.left.push_back(sender_of(removed));
                }
            }
            if (event.left.empty()) {
                return std::nullopt;
            }
            event.kind = InboundEvent::Kind::member_left;
            return event;
        }
        for (const auto& added : activity.members_added) {
            if (same_account(added.id, activity.recipient.id)) {
                event.kind = InboundEvent::Kind::bot_added;
                return event;
            }
        }
        event.kind = InboundEvent::Kind::member_joined;
        for (const auto& added : activity.members_added) {
            if (!added.id.empty()) {
                event.joined.push_back(sender_of(added));
            }
        }
        if (event.joined.empty()) {
            return std::nullopt;
        }
        return event;
    }
    if (activity.type == "messageReaction") {
        if (activity.reactions_added.empty() || activity.reply_to_id.empty() ||
            activity.from.id.empty() || activity.conversation.id.empty()) {
            return std::nullopt;
        }
        event.kind = InboundEvent::Kind::reaction;
        event.reaction = activity.reactions_added.front();
        event.reply_to_remote_id = activity.reply_to_id;
        return event;
    }
    return std::nullopt;
}

}  // namespace

Result<Activity> parse_activity(std::string_view body) {
    try {
        if (!net::json_nesting_within(body, kMaxNesting)) {
            return tl::unexpected(bad_activity("JSON nested too deeply"));
        }
        const json j = json::parse(body, nullptr, false);
        if (j.is_discarded()) {
            return tl::unexpected(bad_activity("body is not valid JSON"));
        }
        if (!j.is_object()) {
            return tl::unexpected(bad_activity("body is not a JSON object"));
        }
        Activity activity;
        from_json(j, activity);

        std::vector<std::string_view> missing;
        if (activity.type.empty()) {
            missing.push_back("type");
        }
        const bool routed = activity.type == "message" || activity.type == "invoke" ||
                            activity.type == "conversationUpdate";
        if (routed) {
            // The connector (and the playground) send conversationUpdate without an id.
            if (activity.id.empty() && activity.type != "conversationUpdate") {
                missing.push_back("id");
            }
            if (activity.from.id.empty()) {
                missing.push_back("from.id");
            }
            if (activity.conversation.id.empty()) {
                missing.push_back("conversation.id");
            }
            if (activity.service_url.empty()) {
                missing.push_back("serviceUrl");
            }
        }
        if (!missing.empty()) {
            std::string list;
            for (const auto field : missing) {
                list += (list.empty() ? "" : ", ") + std::string(field);
            }
            return tl::unexpected(
                bad_activity("missing required field(s) (absent, empty or not a string): " + list));
        }
        return activity;
    } catch (const std::exception& e) {
        return tl::unexpected(bad_activity(std::string("cannot be read: ") + e.what()));
    }
}

Conversation conversation_of(const Activity& activity) {
    Conversation conversation;
    conversation.platform = Platform::teams;
    const std::string_view id = activity.conversation.id;
    constexpr std::string_view kMessageId = ";messageid=";
    const auto marker = id.find(kMessageId);
    if (marker == std::string_view::npos) {
        conversation.id = std::string(id);
    } else {
        conversation.id = std::string(id.substr(0, marker));
        auto root = id.substr(marker + kMessageId.size());
        root = root.substr(0, root.find(';'));
        conversation.thread_id = std::string(root);
    }
    const auto& type = activity.conversation.conversation_type;
    const bool direct = type == "personal" || (type.empty() && !activity.conversation.is_group);
    conversation.kind = direct ? Conversation::Kind::direct : Conversation::Kind::group;
    return conversation;
}

std::optional<InboundEvent> to_inbound_event(const Activity& activity) {
    try {
        return map_activity(activity);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace leernetwerk::teams
