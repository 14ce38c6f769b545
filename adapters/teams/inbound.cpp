// Inbound: activities turned into the core's events (with where their conversation is reached)
// and applied in one commit (group commit); a card click answered with what the core chose.
#include "adapters/teams/teams_adapter_impl.hpp"

namespace leernetwerk::teams {

auto TeamsAdapter::Impl::changed_conversation(const Activity& activity)
    -> std::optional<ChangedRef> {
    if (activity.conversation.id.empty() || activity.service_url.empty()) {
        return std::nullopt;
    }
    const auto conversation = conversation_of(activity);
    ConversationRef ref;
    ref.platform = Platform::teams;
    ref.conversation_id = conversation.id;
    ref.direct = conversation.kind == Conversation::Kind::direct;
    ref.service_url = trim_slash(activity.service_url);
    ref.tenant_id = activity.tenant_id;
    ref.user_id = ref.direct ? activity.from.id : "";
    ref.bot_id = activity.recipient.id;
    ref.updated_at = clock();
    const bool channel = activity.conversation.conversation_type == "channel";
    auto fingerprint = ref.service_url + '\n' + ref.tenant_id + '\n' + ref.user_id + '\n' +
                       ref.bot_id + '\n' + (channel ? "channel" : "chat");
    const auto known = saved_refs.find(ref.conversation_id);
    if (known != saved_refs.end() && known->second == fingerprint) {
        return std::nullopt;
    }
    return ChangedRef{std::move(ref), std::move(fingerprint), channel};
}

void TeamsAdapter::Impl::carry_ref(InboundEvent& event, const ChangedRef& changed) {
    event.conversation_ref = changed.ref;
    if (!changed.ref.direct) {
        event.adapter_state[channel_state_key(changed.ref.conversation_id)] =
            changed.channel ? "1" : "0";
    }
}

void TeamsAdapter::Impl::save_ref(const ChangedRef& changed) {
    store.save_conversation_ref(changed.ref);
    if (!changed.ref.direct) {
        store.set_adapter_state(channel_state_key(changed.ref.conversation_id),
                                changed.channel ? "1" : "0", clock());
    }
}

void TeamsAdapter::Impl::remember_saved(const std::string& conversation_id,
                                        std::string fingerprint) {
    if (saved_refs.size() > kMaxRememberedRefs) {
        saved_refs.clear();
    }
    saved_refs[conversation_id] = std::move(fingerprint);
}

void TeamsAdapter::Impl::remember_conversation(const Activity& activity) {
    auto changed = changed_conversation(activity);
    if (!changed) {
        return;
    }
    if (write("save conversation", [&] { save_ref(*changed); })) {
        remember_saved(changed->ref.conversation_id, std::move(changed->fingerprint));
    }
}

void TeamsAdapter::Impl::process(Activity activity, net::Responder respond) {
    const bool invoke = activity.type == "invoke";
    if (!service_url_allowed(activity.service_url)) {
        log_line(LogLevel::warn,
                 "teams: activity from a service URL outside the allow-list "
                 "(replies cannot be sent there): " +
                     activity.service_url);
    }
    auto event = to_inbound_event(activity);
    if (!event) {
        remember_conversation(activity);
        if (invoke && activity.name == "adaptiveCard/action") {
            reject(respond, 400, "bad_request", "card action without usable data");
        } else if (invoke) {
            respond(net::Response::json(
                501, invoke_error_response(501, "NotImplemented", "unknown invoke")));
        } else {
            respond(net::Response::json(200, ""));
        }
        return;
    }
    // Applied together with whatever else arrives while the I/O thread is busy: one commit
    // for all of them (group commit), and each request answered after that commit.
    arrivals.push_back({std::move(activity), std::move(*event), std::move(respond)});
    if (!apply_scheduled) {
        apply_scheduled = true;
        auto self = shared_from_this();
        asio::post(io, [self] { self->apply_arrivals(); });
    }
}

void TeamsAdapter::Impl::apply_arrivals() {
    apply_scheduled = false;
    auto batch = std::move(arrivals);
    arrivals.clear();
    std::vector<InboundEvent> events;
    std::vector<std::optional<ChangedRef>> refs;
    events.reserve(batch.size());
    for (const auto& arrival : batch) {
        events.push_back(arrival.event);
        refs.push_back(changed_conversation(arrival.activity));
        if (refs.back()) {
            carry_ref(events.back(), *refs.back());
        }
    }
    // Activities of one conversation keep their order: after one fails, its later ones wait.
    std::vector<std::string> conversations;
    conversations.reserve(events.size());
    for (const auto& event : events) {
        conversations.push_back(event.conversation.id);
    }
    const auto results = bot.handle_batch(events, clock(), {}, conversations);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        auto& arrival = batch[i];
        if (!results[i]) {
            // Nothing of it was kept: the connector retries, and the retry is applied then.
            arrival.respond(json_error(500, "temporarily unavailable"));
            continue;
        }
        if (refs[i]) {
            remember_saved(refs[i]->ref.conversation_id, std::move(refs[i]->fingerprint));
        }
        metrics.count("leernetwerk_events_total",
                      {{"platform", "teams"}, {"kind", kind_name(arrival.event.kind)}});
        if (arrival.activity.type == "invoke") {
            arrival.respond(net::Response::json(200, invoke_answer(arrival.activity, *results[i])));
        } else {
            arrival.respond(net::Response::json(200, ""));
        }
    }
    wake();
}

std::string TeamsAdapter::Impl::invoke_answer(const Activity& activity, const Handled& handled) {
    const auto& answer = handled.click_answer;
    if (answer && answer->updates_card) {
        if (auto card = render_card(answer->message, render_options_for())) {
            return invoke_card_response(*card);
        }
    } else if (answer && std::holds_alternative<TextContent>(answer->message.content) &&
               answered_in_response(answer->outbox_id, "invoke:" + activity.id)) {
        // Answered in the click's response: not posted to the conversation as well (when
        // that was not recorded, it stays in the outbox and is posted instead).
        return invoke_message_response(
            markdown_to_plain(std::get<TextContent>(answer->message.content).markdown));
    }
    return invoke_message_response("");
}

bool TeamsAdapter::Impl::answered_in_response(Id id, const std::string& remote_id) {
    return write("mark answered", [&] {
        store.mark_outbox_sending(id, clock());
        store.mark_outbox_sent(id, remote_id, clock());
    });
}

}  // namespace leernetwerk::teams
