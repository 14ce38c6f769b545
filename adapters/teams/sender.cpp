// The sender: the delivery engine's Teams side (finds or opens the conversation, renders,
// posts through the Bot Connector with the bot's token, reads the connector's answer).
#include "adapters/teams/teams_adapter_impl.hpp"

namespace leernetwerk::teams {

RenderOptions TeamsAdapter::Impl::render_options_for() const {
    RenderOptions render_options;
    render_options.time_zone = options.time_zone;
    return render_options;
}

RenderOptions TeamsAdapter::Impl::render_options_for(const OutboundMessage& message) const {
    RenderOptions render_options = render_options_for();
    const auto* text = std::get_if<TextContent>(&message.content);
    if (!text) {
        return render_options;
    }
    for (const auto& mention : text->mentions) {
        std::vector<Identity> identities;
        try {
            identities = store.identities_of(mention.member_id);
        } catch (const StoreError& error) {
            log_line(LogLevel::warn,
                     std::string("teams: a mention is sent as plain text: ") + error.what());
            continue;
        }
        std::string id;
        for (const auto& identity : identities) {
            if (identity.platform == Platform::teams &&
                (id.empty() || identity.user_id.rfind("29:", 0) == 0)) {
                id = identity.user_id;
            }
        }
        if (!id.empty()) {
            render_options.mention_ids[mention.member_id] = {id, mention.display_name};
        }
    }
    return render_options;
}

void TeamsAdapter::Impl::send_row(OutboxRow row, dispatch::OutcomeCallback done) {
    if (options.app_id.empty()) {
        done(dispatch::Outcome::give_up("no Teams bot registration (app_id) to send with"));
        return;
    }
    const auto& to = row.message.to;
    try {
        if (!to.conversation_id.empty()) {
            const auto ref = store.conversation_ref(Platform::teams, to.conversation_id);
            if (!ref) {
                done(dispatch::Outcome::give_up("conversation " + to.conversation_id +
                                                " was never seen"));
                return;
            }
            if (const auto* query = std::get_if<RosterQuery>(&row.message.content)) {
                const auto request_id = query->request_id;
                fetch_members(std::move(row), *ref, request_id, {}, {}, 0, std::move(done));
                return;
            }
            deliver(std::move(row), *ref, std::move(done));
            return;
        }
        if (std::holds_alternative<RosterQuery>(row.message.content)) {
            done(dispatch::Outcome::give_up("a roster query needs a conversation"));
            return;
        }
        open_direct_chat(std::move(row), std::move(done));
    } catch (const StoreError& error) {
        done(dispatch::Outcome::again(std::string("database: ") + error.what()));
    }
}

std::string TeamsAdapter::Impl::direct_user_id(const OutboxRow& row) {
    const auto& user = row.message.to.user_id;
    if (user.rfind("29:", 0) == 0 || row.message.recipient_member_id == 0) {
        return user;
    }
    for (const auto& identity : store.identities_of(row.message.recipient_member_id)) {
        if (identity.platform == Platform::teams && identity.user_id.rfind("29:", 0) == 0) {
            return identity.user_id;
        }
    }
    return user;
}

void TeamsAdapter::Impl::open_direct_chat(OutboxRow row, dispatch::OutcomeCallback done) {
    const auto user = direct_user_id(row);
    if (auto existing = store.direct_conversation_with(Platform::teams, user)) {
        deliver(std::move(row), *existing, std::move(done));
        return;
    }
    const auto any = store.latest_conversation_ref(Platform::teams);
    if (!any) {
        done(dispatch::Outcome::give_up(
            "no Teams conversation seen yet, so no service URL to open a chat"));
        return;
    }
    const auto tenant = options.tenant_id.empty() ? any->tenant_id : options.tenant_id;
    const auto bot_id = any->bot_id.empty() ? "28:" + options.app_id : any->bot_id;
    json body = {{"bot", {{"id", bot_id}}},
                 {"members", json::array({{{"id", user}}})},
                 {"channelData", {{"tenant", {{"id", tenant}}}}},
                 {"isGroup", false},
                 {"tenantId", tenant}};
    net::ClientRequest request;
    request.method = "POST";
    request.url = any->service_url + "/v3/conversations";
    request.body = body.dump();
    auto self = shared_from_this();
    const auto service_url = any->service_url;
    call(std::move(request), service_url,
         [self, row = std::move(row), done = std::move(done), user, tenant, bot_id,
          service_url](Result<net::ClientResponse> response) mutable {
             if (!response || (response->status != 200 && response->status != 201)) {
                 done(classify(response, false));
                 return;
             }
             const auto parsed = json::parse(response->body, nullptr, false);
             if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("id") ||
                 !parsed["id"].is_string()) {
                 done(dispatch::Outcome::again("create conversation answered without an id"));
                 return;
             }
             ConversationRef ref;
             ref.platform = Platform::teams;
             ref.conversation_id = parsed["id"].get<std::string>();
             ref.direct = true;
             ref.service_url = service_url;
             ref.tenant_id = tenant;
             ref.user_id = user;
             ref.bot_id = bot_id;
             ref.updated_at = self->clock();
             self->write("save direct chat", [&] { self->store.save_conversation_ref(ref); });
             self->deliver(std::move(row), ref, std::move(done));
         });
}

std::string TeamsAdapter::Impl::channel_state_key(std::string_view conversation_id) {
    return "teams.channel:" + std::string(conversation_id);
}

bool TeamsAdapter::Impl::is_channel(const ConversationRef& ref) {
    if (ref.direct) {
        return false;
    }
    if (const auto known = store.adapter_state(channel_state_key(ref.conversation_id));
        known && !known->empty()) {
        return *known == "1";
    }
    const auto& id = ref.conversation_id;
    return id.find("@thread.tacv2") != std::string::npos ||
           id.find("@thread.skype") != std::string::npos;
}

void TeamsAdapter::Impl::deliver(OutboxRow row, const ConversationRef& ref,
                                 dispatch::OutcomeCallback done) {
    auto rendered = render_activity(row.message, render_options_for(row.message));
    if (!rendered) {
        done(dispatch::Outcome::give_up("cannot render: " + rendered.error().message));
        return;
    }
    // A reply that belongs to a thread goes into it in a channel; a group chat or a 1:1
    // chat has no threads, so it goes into the chat itself (the text names the question).
    // A thread the connector does not know (404) is left for the channel itself.
    std::string conversation = ref.conversation_id;
    const bool threaded = !row.message.to.thread_id.empty() &&
                          unthreaded.count(row.message.id) == 0 && is_channel(ref);
    if (threaded) {
        conversation += ";messageid=" + row.message.to.thread_id;
    }
    net::ClientRequest request;
    const auto base = ref.service_url + "/v3/conversations/" +
                      net::encode_path_segment(conversation) + "/activities";
    const bool update = row.message.replaces && !row.replaces_remote_id.empty();
    if (update) {
        auto body = json::parse(*rendered, nullptr, false);
        body["id"] = row.replaces_remote_id;
        request.method = "PUT";
        request.url = base + "/" + net::encode_path_segment(row.replaces_remote_id);
        request.body = body.dump();
    } else {
        request.method = "POST";
        request.url = base;
        request.body = std::move(*rendered);
    }
    auto self = shared_from_this();
    const auto remote_for_update = update ? row.replaces_remote_id : std::string();
    const auto id = row.message.id;
    call(std::move(request), ref.service_url,
         [self, id, threaded, done = std::move(done),
          remote_for_update](Result<net::ClientResponse> response) mutable {
             // Remembered only until the next attempt: it goes into the conversation.
             if (threaded && response && response->status == 404) {
                 self->unthreaded.insert(id);
             } else {
                 self->unthreaded.erase(id);
             }
             if (!response || response->status < 200 || response->status > 299) {
                 done(classify(response, threaded));
                 return;
             }
             std::string remote_id = remote_for_update;
             const auto parsed = json::parse(response->body, nullptr, false);
             if (remote_id.empty() && !parsed.is_discarded() && parsed.is_object() &&
                 parsed.contains("id") && parsed["id"].is_string()) {
                 remote_id = parsed["id"].get<std::string>();
             }
             done(dispatch::Outcome::delivered(std::move(remote_id)));
         });
}

void TeamsAdapter::Impl::call(net::ClientRequest request, const std::string& service_url,
                              std::function<void(Result<net::ClientResponse>)> done) {
    if (!service_url_allowed(service_url)) {
        done(fail(ErrorCode::bad_input, "service URL not allowed: " + service_url));
        return;
    }
    request.headers["Content-Type"] = "application/json; charset=utf-8";
    request.timeout = send_timeout;
    const auto url = net::parse_url(service_url);
    // A local test peer (allowed only with auth off) gets no token: there is none to give.
    if (!tokens || (url && is_loopback_host(url->host))) {
        http.send(std::move(request), std::move(done));
        return;
    }
    auto self = shared_from_this();
    tokens->token([self, request = std::move(request),
                   done = std::move(done)](Result<std::string> token) mutable {
        if (!token) {
            done(tl::unexpected(token.error()));
            return;
        }
        request.headers["Authorization"] = "Bearer " + *token;
        self->http.send(std::move(request),
                        [self, done = std::move(done)](Result<net::ClientResponse> response) {
                            if (response && response->status == 401 && self->tokens) {
                                self->tokens->invalidate();  // the next attempt fetches a new one
                            }
                            done(std::move(response));
                        });
    });
}

dispatch::Outcome TeamsAdapter::Impl::classify(const Result<net::ClientResponse>& response,
                                               bool threaded) {
    if (!response) {
        if (response.error().code == ErrorCode::bad_input) {
            return dispatch::Outcome::give_up(response.error().message);
        }
        std::optional<std::chrono::milliseconds> retry_after;
        if (response.error().retry_after) {
            retry_after = *response.error().retry_after;
        }
        return dispatch::Outcome::again(response.error().message, retry_after, true);
    }
    const int status = response->status;
    auto why = "HTTP " + std::to_string(status);
    if (status == 404 && threaded) {
        auto outcome = dispatch::Outcome::again(why + " on the thread; posting in the chat");
        outcome.at_once = true;
        return outcome;
    }
    const bool retryable =
        status == 401 || status == 408 || status == 412 || status == 429 || status >= 500;
    if (!retryable) {
        return dispatch::Outcome::give_up(why);
    }
    std::optional<std::chrono::milliseconds> retry_after;
    if (const auto header = net::parse_retry_after(response->header("Retry-After"),
                                                   std::chrono::system_clock::now())) {
        retry_after = *header;
    }
    return dispatch::Outcome::again(why, retry_after);
}

}  // namespace leernetwerk::teams
