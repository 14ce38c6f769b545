#pragma once
// Bot Framework Activity wire types (the subset the bot reads) and their mapping to neutral events.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bot/vocab/inbound.hpp"
#include "bot/vocab/result.hpp"

namespace leernetwerk::teams {

struct ChannelAccount {
    std::string id;  ///< "29:…" for users, "28:<appId>" for the bot
    std::string name;
    std::string aad_object_id;
};

struct ConversationAccount {
    std::string id;                 ///< may carry ";messageid=<root>" for a channel reply chain
    std::string conversation_type;  ///< "personal", "groupChat", "channel"
    std::string tenant_id;
    bool is_group = false;
};

struct MentionEntity {
    ChannelAccount mentioned;
    std::string text;  ///< "<at>Name</at>"
};

/// An inbound activity. Unknown fields are ignored; `value_json` keeps `value` as JSON text.
struct Activity {
    std::string type;  ///< "message", "invoke", "conversationUpdate", "installationUpdate", ...
    std::string id;
    std::string timestamp;
    std::string service_url;
    std::string channel_id;  ///< "msteams", ...
    ChannelAccount from;
    ChannelAccount recipient;
    ConversationAccount conversation;
    std::string text;
    std::string text_format;
    std::string reply_to_id;
    std::string name;        ///< invoke name, e.g. "adaptiveCard/action"
    std::string action;      ///< installationUpdate: "add", "remove", ...
    std::string value_json;  ///< `value` re-serialised, empty when absent
    std::vector<ChannelAccount> members_added;
    std::vector<ChannelAccount> members_removed;
    std::vector<std::string> reactions_added;  ///< reaction types, e.g. "like"
    std::vector<MentionEntity> mentions;
    std::string tenant_id;         ///< channelData.tenant.id, else conversation.tenantId
    std::string team_id;           ///< channelData.team.id
    std::string teams_channel_id;  ///< channelData.channel.id
    std::string event_type;        ///< channelData.eventType
};

/// Parses an untrusted request body. Errors (code bad_input, http_status 400) say what is wrong:
/// not JSON, not an object, or a required field missing (type; and for message/invoke/
/// conversationUpdate: id, from.id, conversation.id, serviceUrl — except that conversationUpdate
/// may come without an id, see to_inbound_event).
Result<Activity> parse_activity(std::string_view body);

/// The conversation part of an activity as the core sees it: a channel's base id (without
/// ";messageid=…") with the reply chain's root as thread_id; personal chats are direct.
Conversation conversation_of(const Activity& activity);

/// Maps an activity to the neutral event the core applies, or nullopt for those it does not
/// (typing, installationUpdate, messageUpdate, unknown types, unknown invoke names).
/// - message with text: the bot's <at>…</at> mention (entity whose mentioned.id is the
///   recipient) removed, HTML entities (&amp; &lt; &gt; &quot; &#39; &nbsp;) decoded, tags like
///   <p> dropped when textFormat is "xml"/html; the other mention entities become
///   `mentions` (once per id, with the plain name their <at> tag leaves in the text);
/// - message with `value` (Action.Submit) and invoke "adaptiveCard/action" (data in
///   value.action.data): an action event built from the card data (see cards.hpp);
/// - conversationUpdate: membersAdded containing the recipient → bot_added, otherwise
///   member_joined with the added members;
/// - messageReaction: a reaction event on reply_to_id.
/// The sender's alt_user_id is from.aadObjectId. Without an activity id the event id is derived
/// from type, conversation, members added, reactions and timestamp (stable across retries).
std::optional<InboundEvent> to_inbound_event(const Activity& activity);

}  // namespace leernetwerk::teams
