// Calendar feeds (issue 18): `agenda-link` gives a member the secret iCalendar URL of their
// network, which Outlook, Google and Apple calendars subscribe to; `agenda-link vernieuwen` makes
// a new one (facilitators; the old URL stops at once); `agenda-link persoonlijk` a member's own
// feed with only the meetings they said they would come to. `leernetwerk serve` answers the URLs
// (app/main.cpp, app/ics.cpp).
//
// Only a hash of a feed's token is stored, so a copy of the database does not give the URLs. The
// price: the bot cannot show a URL again. The network's URL is shown to whoever asks first; after
// that `agenda-link` says so and points to `agenda-link vernieuwen`, and a personal URL is made
// new (the old one stopping) each time a member asks.
#include <string>

#include "bot/features/calendar/calendar_feed.hpp"
#include "bot/vocab/text.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

/// The public base URL without a trailing slash.
std::string base_url(std::string_view public_url) {
    std::string base(trim(public_url));
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    return base;
}

/// Where a message for the sender alone goes: their direct chat on this platform (or their first
/// account); nullopt when there is none.
std::optional<Address> private_address(Turn& turn) {
    if (turn.event.conversation.kind == Conversation::Kind::direct) {
        Address to;
        to.platform = turn.event.conversation.platform;
        to.conversation_id = turn.event.conversation.id;
        to.user_id = turn.event.sender.user_id;
        to.direct = true;
        return to;
    }
    return direct_address(turn.store, turn.me->id, {turn.event.conversation.platform});
}

}  // namespace

void calendar_link(Turn& turn, CalendarLink kind) {
    const auto network = kind == CalendarLink::renew
                             ? turn.managed_network
                             : turn.require_network();
    if (!network) {
        return;
    }
    if (!turn.membership_in(network->id)) {
        turn.reply_text("calendar.not_member", {{"network", network->name}});
        return;
    }
    const auto base = base_url(turn.settings.public_url);
    if (base.empty()) {
        turn.reply_text("calendar.no_public_url");
        return;
    }
    const std::optional<Id> owner =
        kind == CalendarLink::personal ? std::optional<Id>{turn.me->id} : std::nullopt;
    if (kind == CalendarLink::network && turn.store.has_calendar_feed(network->id, owner)) {
        turn.reply_text(
            turn.manages(network->id) ? "calendar.shown_once_manager" : "calendar.shown_once",
            {{"network", network->name}});
        return;
    }
    const auto to = private_address(turn);
    if (!to) {
        turn.reply_text("calendar.private_only");
        return;
    }
    const auto token = new_calendar_feed_token();
    CalendarFeed feed;
    feed.token_hash = calendar_feed_token_hash(token);
    feed.network_id = network->id;
    feed.member_id = owner;
    feed.created_at = turn.now;
    turn.store.replace_calendar_feed(feed);

    // The URL goes to the sender alone, sealed in the outbox like a link code: the database keeps
    // it neither in the clear nor as the message that carried it.
    OutboundMessage message;
    message.to = *to;
    message.recipient_member_id = turn.me->id;
    message.lang = turn.language_of(*turn.me);
    message.sealed = true;
    const std::string key = kind == CalendarLink::personal ? "calendar.personal_link"
                            : kind == CalendarLink::renew  ? "calendar.renewed_link"
                                                           : "calendar.network_link";
    message.content = TextContent{tr(message.lang, key,
                                     {{"network", network->name},
                                      {"url", base + calendar_feed_path(token)},
                                      {"how", tr(message.lang, "calendar.how_to_subscribe")}}),
                                  {}};
    turn.send(message);
    if (!to->direct || to->conversation_id != turn.event.conversation.id) {
        turn.reply_text("calendar.sent_privately");
    }
}

}  // namespace leernetwerk::detail
