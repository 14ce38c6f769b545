#include "bot/engine/delivery_notice.hpp"

#include <charconv>
#include <string>
#include <variant>

#include "bot/i18n/i18n.hpp"
#include "bot/vocab/log.hpp"
#include "bot/engine/turn.hpp"

namespace leernetwerk::detail {
namespace {

std::optional<Id> outbox_id_of(const Job& job) {
    Id id = 0;
    const auto* end = job.key.data() + job.key.size();
    const auto [ptr, ec] = std::from_chars(job.key.data(), end, id);
    if (ec != std::errc() || ptr != end || id <= 0) {
        return std::nullopt;
    }
    return id;
}

/// Where the member wrote, as they would name it: the network of that conversation, else "the
/// group chat".
std::string origin_name(Store& store, const Address& origin, Lang lang) {
    if (const auto network_id = store.network_of_conversation(origin.platform,
                                                              origin.conversation_id)) {
        if (const auto network = store.network(*network_id)) {
            return tr(lang, "delivery.where_network", {{"network", network->name}});
        }
    }
    return tr(lang, "delivery.where_group");
}

std::string platform_name(Platform platform, Lang lang) {
    return tr(lang, "mydata.platform." + std::string(platform_code(platform)));
}

/// Whether what the lost reply said is repeated after the notice: text and summaries are; a
/// card's buttons or a form belong to the conversation they were meant for.
bool repeatable(const Content& content) {
    return std::holds_alternative<TextContent>(content) || std::holds_alternative<Summary>(content);
}

/// The notice, ending on how the member gets what the reply said.
Content notice_text(const OutboxRow& failed, std::string notice, Lang lang) {
    notice += "\n\n" + tr(lang, repeatable(failed.message.content) ? "delivery.it_said"
                                                                    : "delivery.ask_again");
    return TextContent{std::move(notice), {}};
}

/// The member's private conversation on a platform other than `not_on`, if they have one.
std::optional<Address> direct_elsewhere(Store& store, Id member_id, Platform not_on) {
    for (const auto& identity : store.identities_of(member_id)) {
        if (identity.platform != not_on && identity.platform != Platform::console) {
            Address to;
            to.platform = identity.platform;
            to.user_id = identity.user_id;
            to.direct = true;
            return to;
        }
    }
    return std::nullopt;
}

}  // namespace

bool schedule_delivery_notice(Store& store, Id outbox_id, Instant now) {
    if (!store.outbox_cause(outbox_id)) {
        return false;
    }
    store.schedule_job({0, std::string(kDeliveryNoticeJob), std::to_string(outbox_id), now, "",
                        JobState::due});
    return true;
}

std::optional<InboundEvent> given_up_roster_answer(Store& store, const Job& job) {
    const auto id = outbox_id_of(job);
    const auto failed = id ? store.outbox_row(*id) : std::nullopt;
    if (!failed || failed->state != OutboxState::failed) {
        return std::nullopt;
    }
    const auto* query = std::get_if<RosterQuery>(&failed->message.content);
    if (query == nullptr) {
        return std::nullopt;
    }
    InboundEvent event;
    event.kind = InboundEvent::Kind::roster;
    event.event_id = "roster-given-up:" + job.key;
    event.conversation = {failed->message.to.platform, failed->message.to.conversation_id,
                          Conversation::Kind::group, failed->message.to.thread_id};
    event.roster.request_id = query->request_id;
    event.roster.status = RosterAnswer::Status::failed;
    return event;
}

void run_delivery_notice(Store& store, const BotSettings& settings, const Job& job, Instant now) {
    const auto id = outbox_id_of(job);
    if (!id) {
        return;
    }
    const auto failed = store.outbox_row(*id);
    const auto cause = store.outbox_cause(*id);
    if (!failed || failed->state != OutboxState::failed || !cause) {
        return;  // delivered after all, pruned, or its member erased
    }
    if (std::holds_alternative<RosterQuery>(failed->message.content)) {
        return;  // no message of the bot's: answered as a failed roster (given_up_roster_answer)
    }
    const auto member = store.member(cause->member_id);
    if (!member) {
        return;
    }
    const auto lang = member->language.value_or(settings.default_language);
    const auto& to = failed->message.to;
    const auto platform = platform_name(to.platform, lang);
    OutboundMessage notice;
    notice.recipient_member_id = member->id;
    notice.lang = lang;
    if (!to.direct) {
        // A reply in a group never arrived there: the member gets it privately.
        const auto direct = direct_address(store, member->id, {to.platform});
        if (!direct) {
            log_line(LogLevel::info, "delivery notice for outbox message " + job.key +
                                         ": the member has no private chat with the bot");
            return;
        }
        notice.to = *direct;
        notice.content = notice_text(
            *failed,
            tr(lang, "delivery.group_reply_failed",
               {{"where", origin_name(store, cause->origin, lang)}, {"platform", platform}}),
            lang);
    } else if (const auto other = direct_elsewhere(store, member->id, to.platform)) {
        // A private reply never arrived: their account on another platform gets it.
        notice.to = *other;
        notice.content = notice_text(
            *failed, tr(lang, "delivery.private_reply_failed", {{"platform", platform}}), lang);
    } else if (!cause->origin.direct) {
        // They wrote in a group and their private answer never arrived: a word in that group on
        // how to open a private chat, without what the answer said.
        notice.to = cause->origin;
        notice.recipient_member_id = 0;
        const auto group_lang = network_language(
            store, settings,
            store.network_of_conversation(cause->origin.platform, cause->origin.conversation_id)
                .value_or(0));
        notice.lang = group_lang;
        notice.content = TextContent{
            tr(group_lang,
               to.platform == Platform::teams ? "delivery.no_private_chat_teams"
                                              : "delivery.no_private_chat_matrix",
               {{"name", member->display_name}, {"bot", settings.bot_name}}),
            {Mention{member->id, member->display_name}}};
    } else {
        log_line(LogLevel::info, "delivery notice for outbox message " + job.key +
                                     ": no other way to reach the member");
        return;
    }
    store.append_outbox(notice, now);
    if (notice.recipient_member_id != 0 && repeatable(failed->message.content)) {
        OutboundMessage copy = notice;
        copy.lang = failed->message.lang;
        copy.content = failed->message.content;
        store.append_outbox(copy, now);
    }
}

}  // namespace leernetwerk::detail
