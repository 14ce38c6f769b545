#include "adapters/teams/teams_adapter.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "adapters/net/outbox_pump.hpp"
#include "adapters/net/retry.hpp"
#include "adapters/net/send_pacer.hpp"
#include "adapters/teams/activity.hpp"
#include "adapters/teams/cards.hpp"
#include "bot/log.hpp"
#include "bot/text.hpp"

namespace leernetwerk::teams {
namespace {

namespace asio = boost::asio;
using nlohmann::json;

constexpr int kMaxInFlight = 16;
constexpr std::size_t kMaxRememberedRefs = 50'000;
constexpr std::chrono::seconds kForgetPacingAfter{30};
constexpr std::chrono::milliseconds kPollInterval{1000};
constexpr std::chrono::seconds kRetryAfterCap{60};
constexpr std::chrono::minutes kWebhookMaxAge{5};

/// Teams' per-conversation send limits (PROTOCOLS.md §3.4).
const std::vector<std::pair<int, std::chrono::milliseconds>> kConversationWindows = {
    {7, std::chrono::milliseconds(1000)},
    {8, std::chrono::milliseconds(2000)},
    {60, std::chrono::milliseconds(30'000)},
    {1800, std::chrono::milliseconds(3'600'000)}};

net::Response json_error(int status, std::string_view message) {
    return net::Response::json(status, json{{"error", message}}.dump());
}

bool is_json_content_type(std::string_view value) {
    const auto semicolon = value.find(';');
    const auto media = fold(trim(value.substr(0, semicolon)));
    return media == "application/json";
}

bool host_matches(std::string_view host, std::string_view pattern) {
    if (pattern.rfind("*.", 0) == 0) {
        const auto suffix = pattern.substr(1);  // ".trafficmanager.net"
        return host.size() > suffix.size() &&
               host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0;
    }
    return host == pattern;
}

bool is_loopback_host(std::string_view host) {
    return host == "localhost" || host == "127.0.0.1" || host == "[::1]" || host == "::1";
}

std::string trim_slash(std::string url) {
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    return url;
}

std::string kind_name(InboundEvent::Kind kind) {
    static constexpr const char* kNames[] = {"message", "action", "member_joined", "bot_added",
                                             "reaction"};
    return kNames[static_cast<int>(kind)];
}

/// A neutral message as plain chat text, for outgoing-webhook replies (which cannot carry
/// interactive cards): choices are listed so the member can type the answer.
std::string webhook_text(const OutboundMessage& message) {
    struct Visitor {
        std::string operator()(const TextContent& text) const {
            return to_teams_markdown(text.markdown);
        }
        std::string operator()(const ChoiceQuestion& question) const {
            std::string out = to_teams_markdown(question.prompt);
            if (!question.closed_note.empty()) {
                return out + "\n\n" + to_teams_markdown(question.closed_note);
            }
            for (const auto& choice : question.choices) {
                out += "\n- " + to_teams_markdown(choice.label);
            }
            return out;
        }
        std::string operator()(const ShortForm& form) const {
            std::string out = "**" + to_teams_markdown(form.title) + "**";
            if (!form.intro.empty()) {
                out += "\n\n" + to_teams_markdown(form.intro);
            }
            return out;
        }
        std::string operator()(const Summary& summary) const {
            std::string out = "**" + to_teams_markdown(summary.title) + "**";
            for (const auto& row : summary.rows) {
                out += "\n- " + to_teams_markdown(row.label) + ": " + to_teams_markdown(row.value);
            }
            for (const auto& bar : summary.bars) {
                out +=
                    "\n- " + to_teams_markdown(bar.label) + ": " + to_teams_markdown(bar.display);
            }
            if (!summary.footnote.empty()) {
                out += "\n\n" + to_teams_markdown(summary.footnote);
            }
            return out;
        }
    };
    return std::visit(Visitor{}, message.content);
}

/// Reads an ISO-8601 timestamp such as "2026-11-22T04:59:58.037Z" or with an offset.
std::optional<Instant> parse_timestamp(const std::string& text) {
    for (const char* format : {"%FT%T%Ez", "%FT%TZ", "%FT%T"}) {
        std::istringstream in(text);
        date::sys_time<std::chrono::milliseconds> parsed;
        in >> date::parse(format, parsed);
        if (!in.fail()) {
            return std::chrono::time_point_cast<std::chrono::seconds>(parsed);
        }
    }
    return std::nullopt;
}

}  // namespace

struct TeamsAdapter::Impl : std::enable_shared_from_this<Impl> {
    Impl(asio::io_context& io_in, Bot& bot_in, Store& store_in, net::HttpTransport& http_in,
         net::Metrics& metrics_in, TeamsOptions options_in, Clock clock_in)
        : io(io_in),
          bot(bot_in),
          store(store_in),
          http(http_in),
          metrics(metrics_in),
          options(std::move(options_in)),
          clock(std::move(clock_in)),
          random(std::random_device{}()) {
        if (!clock) {
            clock = [] {
                return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
            };
        }
        if (options.auth) {
            auto settings = options.auth_settings;
            settings.app_id = options.app_id;
            validator = std::make_unique<TokenValidator>(http, settings);
        }
        if (!options.app_id.empty() && !options.app_password.empty()) {
            auto settings = options.token_settings;
            settings.app_id = options.app_id;
            settings.app_password = options.app_password;
            if (!options.tenant_id.empty()) {
                settings.tenant = options.tenant_id;
            }
            tokens = std::make_unique<TokenProvider>(http, settings);
        }
        metrics.describe("leernetwerk_events_total", "counter",
                         "Inbound platform events applied by the bot, by platform and kind");
        metrics.describe(
            "leernetwerk_inbound_rejected_total", "counter",
            "Inbound requests refused before reaching the bot, by platform and reason");
        metrics.describe("leernetwerk_sends_total", "counter",
                         "Outbound platform calls, by platform and result (ok, retry, failed)");
        metrics.describe("leernetwerk_send_seconds", "histogram",
                         "Latency of outbound platform calls, by platform");
    }

    asio::io_context& io;
    Bot& bot;
    Store& store;
    net::HttpTransport& http;
    net::Metrics& metrics;
    TeamsOptions options;
    Clock clock;
    std::unique_ptr<TokenValidator> validator;
    std::unique_ptr<TokenProvider> tokens;
    std::mt19937_64 random;
    bool running = false;
    net::SendPacer pacer{kConversationWindows, kMaxInFlight, kForgetPacingAfter};
    net::OutboxPump pump{io, store, pacer,
                         net::OutboxPump::Setup{Platform::teams, "teams dispatcher", kPollInterval,
                                                [this] { return clock(); }, conversation_key,
                                                [this](net::ClaimedRow claimed) {
                                                    send_row(std::move(claimed.row),
                                                             std::move(claimed.key));
                                                }}};
    struct SentRow {
        Id id;
        std::string remote_id;
        std::string key;
    };
    std::vector<SentRow> sent_batch;
    bool sent_flush_scheduled = false;
    /// The last conversation reference written per conversation, to skip unchanged writes.
    std::map<std::string, std::string> saved_refs;
    /// An activity waiting to be applied, with the request that brought it.
    struct Arrival {
        Activity activity;
        InboundEvent event;
        net::Responder respond;
    };

    std::vector<Arrival> arrivals;
    bool apply_scheduled = false;

    // ---- inbound -------------------------------------------------------------------------------

    void reject(const net::Responder& respond, int status, std::string_view reason,
                std::string_view message) {
        metrics.count("leernetwerk_inbound_rejected_total",
                      {{"platform", "teams"}, {"reason", std::string(reason)}});
        respond(json_error(status, message));
    }

    void on_messages(net::Request request, net::Responder respond) {
        if (!is_json_content_type(request.header("Content-Type"))) {
            reject(respond, 415, "content_type", "expected Content-Type: application/json");
            return;
        }
        const auto authorization = std::string(request.header("Authorization"));
        if (options.auth && authorization.rfind("Bearer ", 0) != 0) {
            reject(respond, 401, "unauthorized", "missing or malformed Authorization header");
            return;
        }
        auto activity = parse_activity(request.body);
        if (!activity) {
            // Without auth this is the first check; with auth the token is checked below before
            // anything of the activity is used.
            reject(respond, 400, "bad_request", activity.error().message);
            return;
        }
        if (!options.auth) {
            process(std::move(*activity), std::move(respond));
            return;
        }
        auto self = shared_from_this();
        const auto service_url = activity->service_url;
        const auto channel_id = activity->channel_id;
        validator->validate(
            authorization, service_url, channel_id,
            [self, activity = std::move(*activity), respond](Result<Claims> claims) mutable {
                if (!claims) {
                    log_line(LogLevel::warn,
                             "teams: refused an activity: " + claims.error().message);
                    self->reject(respond, 401, "unauthorized", "invalid token");
                    return;
                }
                self->process(std::move(activity), std::move(respond));
            });
    }

    bool service_url_allowed(std::string_view service_url) const {
        const auto url = net::parse_url(service_url);
        if (!url) {
            return false;
        }
        if (url->scheme == "http" || is_loopback_host(url->host)) {
            return options.allow_loopback_service_url && !options.auth &&
                   is_loopback_host(url->host);
        }
        return std::any_of(
            options.service_url_hosts.begin(), options.service_url_hosts.end(),
            [&](const std::string& pattern) { return host_matches(url->host, pattern); });
    }

    /// Where the activity came from, and a fingerprint of it; nullopt when it carries no
    /// conversation, or when we wrote exactly this before (the common case: nothing to write).
    std::optional<std::pair<ConversationRef, std::string>> changed_conversation(
        const Activity& activity) {
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
        auto fingerprint =
            ref.service_url + '\n' + ref.tenant_id + '\n' + ref.user_id + '\n' + ref.bot_id;
        const auto known = saved_refs.find(ref.conversation_id);
        if (known != saved_refs.end() && known->second == fingerprint) {
            return std::nullopt;
        }
        return std::make_pair(std::move(ref), std::move(fingerprint));
    }

    void remember_saved(const std::string& conversation_id, std::string fingerprint) {
        if (saved_refs.size() > kMaxRememberedRefs) {
            saved_refs.clear();
        }
        saved_refs[conversation_id] = std::move(fingerprint);
    }

    /// Saves where an activity came from, in a transaction of its own (for activities that are
    /// not applied as events, such as installationUpdate).
    void remember_conversation(const Activity& activity) {
        auto changed = changed_conversation(activity);
        if (!changed) {
            return;
        }
        if (write("save conversation", [&] { store.save_conversation_ref(changed->first); })) {
            remember_saved(changed->first.conversation_id, std::move(changed->second));
        }
    }

    void process(Activity activity, net::Responder respond) {
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

    void apply_arrivals() {
        apply_scheduled = false;
        auto batch = std::move(arrivals);
        arrivals.clear();
        std::vector<InboundEvent> events;
        std::vector<std::optional<std::pair<ConversationRef, std::string>>> refs;
        events.reserve(batch.size());
        for (const auto& arrival : batch) {
            events.push_back(arrival.event);
            refs.push_back(changed_conversation(arrival.activity));
        }
        // Activities of one conversation keep their order: after one fails, its later ones wait.
        std::vector<std::string> conversations;
        conversations.reserve(events.size());
        for (const auto& event : events) {
            conversations.push_back(event.conversation.id);
        }
        const auto results = bot.handle_batch(
            events, clock(),
            [&](std::size_t i) {
                if (refs[i]) {
                    store.save_conversation_ref(refs[i]->first);
                }
            },
            conversations);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            auto& arrival = batch[i];
            if (!results[i]) {
                // Nothing of it was kept: the connector retries, and the retry is applied then.
                arrival.respond(json_error(500, "temporarily unavailable"));
                continue;
            }
            if (refs[i]) {
                remember_saved(refs[i]->first.conversation_id, std::move(refs[i]->second));
            }
            metrics.count("leernetwerk_events_total",
                          {{"platform", "teams"}, {"kind", kind_name(arrival.event.kind)}});
            if (arrival.activity.type == "invoke") {
                arrival.respond(
                    net::Response::json(200, invoke_answer(arrival.activity, *results[i])));
            } else {
                arrival.respond(net::Response::json(200, ""));
            }
        }
        wake();
    }

    /// The synchronous answer to a card click: the clicked card as it is now (when the bot
    /// updated it), else the bot's reply as a message the clicker sees (not posted to the chat).
    std::string invoke_answer(const Activity& activity, const Handled& handled) {
        RenderOptions render_options = render_options_for();
        for (const auto id : handled.message_ids) {
            const auto row = store.outbox_row(id);
            if (!row || !row->message.replaces) {
                continue;
            }
            const auto original = store.outbox_row(*row->message.replaces);
            if (original && !activity.reply_to_id.empty() &&
                original->remote_id == activity.reply_to_id) {
                if (auto card = render_card(row->message, render_options)) {
                    return invoke_card_response(*card);
                }
            }
        }
        for (const auto id : handled.message_ids) {
            auto row = store.outbox_row(id);
            if (!row || row->message.replaces ||
                !std::holds_alternative<TextContent>(row->message.content) ||
                row->message.to.conversation_id != conversation_of(activity).id) {
                continue;
            }
            // Answered in the click's response: not posted to the conversation as well.
            if (!answered_in_response(id, "invoke:" + activity.id)) {
                continue;  // it stays in the outbox and is posted instead
            }
            return invoke_message_response(
                markdown_to_plain(std::get<TextContent>(row->message.content).markdown));
        }
        return invoke_message_response("");
    }

    /// Records that an outbox row travelled in an HTTP response instead of through the
    /// connector; false (logged) when the database failed.
    bool answered_in_response(Id id, const std::string& remote_id) {
        return write("mark answered", [&] {
            store.mark_outbox_sending(id, clock());
            store.mark_outbox_sent(id, remote_id, clock());
        });
    }

    void on_webhook(net::Request request, net::Responder respond) {
        if (!verify_webhook_hmac(request.header("Authorization"), request.body,
                                 options.webhook_security_token)) {
            reject(respond, 401, "unauthorized", "invalid HMAC");
            return;
        }
        auto activity = parse_activity(request.body);
        if (!activity) {
            reject(respond, 400, "bad_request", activity.error().message);
            return;
        }
        // The signature has no timestamp or nonce: refuse old requests (ids are deduplicated).
        const auto sent_at = parse_timestamp(activity->timestamp);
        if (!sent_at || *sent_at < clock() - kWebhookMaxAge) {
            reject(respond, 400, "stale", "missing or stale timestamp");
            return;
        }
        remember_conversation(*activity);
        const auto event = to_inbound_event(*activity);
        if (!event) {
            respond(net::Response::json(200, json{{"type", "message"}, {"text", ""}}.dump()));
            return;
        }
        const auto handled = bot.handle(*event, clock());
        if (!handled) {
            respond(json_error(500, "temporarily unavailable"));
            return;
        }
        metrics.count("leernetwerk_events_total",
                      {{"platform", "teams"}, {"kind", kind_name(event->kind)}});
        // The reply travels in the response; the outbox rows it came from are marked sent.
        std::string text;
        const auto here = conversation_of(*activity).id;
        for (const auto id : handled->message_ids) {
            const auto row = store.outbox_row(id);
            if (!row || row->message.to.conversation_id != here) {
                continue;
            }
            text += (text.empty() ? "" : "\n\n") + webhook_text(row->message);
            answered_in_response(id, "webhook:" + activity->id);
        }
        respond(net::Response::json(
            200, json{{"type", "message"}, {"text", text}, {"textFormat", "markdown"}}.dump()));
        wake();
    }

    // ---- outbound ------------------------------------------------------------------------------

    RenderOptions render_options_for() const {
        RenderOptions render_options;
        render_options.time_zone = options.time_zone;
        return render_options;
    }

    /// The options for one message: with the Teams ids of the members it mentions (a "29:" id
    /// when the member has one, else their AAD object id), so they become native mentions.
    RenderOptions render_options_for(const OutboundMessage& message) const {
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

    void wake() { pump.wake(); }

    static std::string conversation_key(const Address& to) {
        return to.conversation_id.empty() ? "user:" + to.user_id : to.conversation_id;
    }

    /// Sends that succeeded are recorded in batches: one transaction for all that completed
    /// while the I/O thread was busy, instead of one per message. The conversation stays busy
    /// until its row is recorded, so a later message cannot overtake it.
    void record_sent(Id id, std::string remote_id, const std::string& key) {
        sent_batch.push_back({id, std::move(remote_id), key});
        if (sent_flush_scheduled) {
            return;
        }
        sent_flush_scheduled = true;
        auto self = shared_from_this();
        asio::post(io, [self] { self->flush_sent(); });
    }

    void flush_sent() {
        sent_flush_scheduled = false;
        auto batch = std::move(sent_batch);
        sent_batch.clear();
        write("mark sent", [&] {
            for (const auto& done : batch) {
                store.mark_outbox_sent(done.id, done.remote_id, clock());
            }
        });
        for (const auto& done : batch) {
            finish(done.key);
        }
    }

    void finish(const std::string& key) {
        pacer.release(key);
        wake();
    }

    /// Runs a store change in its own transaction; false (logged) when the database failed.
    template <typename Work>
    bool write(const char* what, Work work) {
        try {
            store.transaction(work);
            return true;
        } catch (const StoreError& error) {
            log_line(LogLevel::error,
                     std::string("teams dispatcher: ") + what + ": " + error.what());
            return false;
        }
    }

    void give_up(const OutboxRow& row, const std::string& key, const std::string& why) {
        log_line(LogLevel::error,
                 "teams: gave up on outbox message " + std::to_string(row.message.id) + ": " + why);
        metrics.count("leernetwerk_sends_total", {{"platform", "teams"}, {"result", "failed"}});
        write("mark failed", [&] { store.mark_outbox_failed(row.message.id, why, clock()); });
        finish(key);
    }

    void send_row(OutboxRow row, std::string key) {
        if (options.app_id.empty()) {
            give_up(row, key, "no Teams bot registration (app_id) to send with");
            return;
        }
        const auto& to = row.message.to;
        if (!to.conversation_id.empty()) {
            const auto ref = store.conversation_ref(Platform::teams, to.conversation_id);
            if (!ref) {
                give_up(row, key, "conversation " + to.conversation_id + " was never seen");
                return;
            }
            deliver(std::move(row), std::move(key), *ref);
            return;
        }
        open_direct_chat(std::move(row), std::move(key));
    }

    /// The Teams user id to open a 1:1 chat with: a "29:" id when the member has one.
    std::string direct_user_id(const OutboxRow& row) {
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

    void open_direct_chat(OutboxRow row, std::string key) {
        const auto user = direct_user_id(row);
        if (auto existing = store.direct_conversation_with(Platform::teams, user)) {
            deliver(std::move(row), std::move(key), *existing);
            return;
        }
        const auto any = store.latest_conversation_ref(Platform::teams);
        if (!any) {
            give_up(row, key, "no Teams conversation seen yet, so no service URL to open a chat");
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
             [self, row = std::move(row), key = std::move(key), user, tenant, bot_id,
              service_url](Result<net::ClientResponse> response) mutable {
                 if (!response || (response->status != 200 && response->status != 201)) {
                     self->handle_failure(std::move(row), key, response);
                     return;
                 }
                 const auto parsed = json::parse(response->body, nullptr, false);
                 if (parsed.is_discarded() || !parsed.is_object() || !parsed.contains("id") ||
                     !parsed["id"].is_string()) {
                     self->give_up(row, key, "create conversation answered without an id");
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
                 self->deliver(std::move(row), std::move(key), ref);
             });
    }

    void deliver(OutboxRow row, std::string key, const ConversationRef& ref) {
        auto rendered = render_activity(row.message, render_options_for(row.message));
        if (!rendered) {
            give_up(row, key, "cannot render: " + rendered.error().message);
            return;
        }
        std::string conversation = ref.conversation_id;
        if (!row.message.to.thread_id.empty() && !ref.direct) {
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
        const auto started = std::chrono::steady_clock::now();
        const auto remote_for_update = update ? row.replaces_remote_id : std::string();
        call(std::move(request), ref.service_url,
             [self, row = std::move(row), key = std::move(key), started,
              remote_for_update](Result<net::ClientResponse> response) mutable {
                 self->metrics.observe("leernetwerk_send_seconds", {{"platform", "teams"}},
                                       std::chrono::duration_cast<std::chrono::microseconds>(
                                           std::chrono::steady_clock::now() - started));
                 if (!response || response->status < 200 || response->status > 299) {
                     self->handle_failure(std::move(row), key, response);
                     return;
                 }
                 std::string remote_id = remote_for_update;
                 const auto parsed = json::parse(response->body, nullptr, false);
                 if (remote_id.empty() && !parsed.is_discarded() && parsed.is_object() &&
                     parsed.contains("id") && parsed["id"].is_string()) {
                     remote_id = parsed["id"].get<std::string>();
                 }
                 self->metrics.count("leernetwerk_sends_total",
                                     {{"platform", "teams"}, {"result", "ok"}});
                 self->record_sent(row.message.id, std::move(remote_id), key);
             });
    }

    /// Sends a connector call with the bot's token, to an allow-listed service URL only.
    void call(net::ClientRequest request, const std::string& service_url,
              std::function<void(Result<net::ClientResponse>)> done) {
        if (!service_url_allowed(service_url)) {
            done(fail(ErrorCode::bad_input, "service URL not allowed: " + service_url));
            return;
        }
        request.headers["Content-Type"] = "application/json; charset=utf-8";
        request.timeout = std::chrono::seconds(15);
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
            self->http.send(std::move(request), std::move(done));
        });
    }

    void handle_failure(OutboxRow row, const std::string& key,
                        const Result<net::ClientResponse>& response) {
        int status = 0;
        std::optional<std::chrono::seconds> retry_after;
        std::string why;
        if (!response) {
            why = response.error().message;
            if (response.error().code == ErrorCode::bad_input) {
                give_up(row, key, why);
                return;
            }
            retry_after = response.error().retry_after;
        } else {
            status = response->status;
            why = "HTTP " + std::to_string(status);
            retry_after = net::parse_retry_after(response->header("Retry-After"),
                                                 std::chrono::system_clock::now());
        }
        if (status == 401 && tokens) {
            tokens->invalidate();
        }
        const bool retryable = status == 0 || status == 401 || status == 412 || status == 429 ||
                               status == 500 || status == 502 || status == 503 || status == 504;
        const auto age = clock() - row.created_at;
        if (!retryable || row.attempts >= options.max_send_attempts || age > options.max_send_age) {
            give_up(row, key, why + (retryable ? " (attempts used up)" : ""));
            return;
        }
        auto delay =
            net::backoff_delay(row.attempts, options.retry_base, options.retry_cap, random);
        if (retry_after) {
            delay =
                std::max<std::chrono::milliseconds>(delay, std::min(*retry_after, kRetryAfterCap));
        }
        log_line(LogLevel::warn, "teams: outbox message " + std::to_string(row.message.id) + ": " +
                                     why + ", retry in " + std::to_string(delay.count()) + " ms");
        metrics.count("leernetwerk_sends_total", {{"platform", "teams"}, {"result", "retry"}});
        const auto next = clock() + std::chrono::ceil<std::chrono::seconds>(delay);
        write("mark retry", [&] { store.mark_outbox_retry(row.message.id, next, why); });
        // Hold the conversation until the retry time so later messages keep their order.
        auto self = shared_from_this();
        auto hold = std::make_shared<asio::steady_timer>(io, delay);
        hold->async_wait(
            [self, hold, key](const boost::system::error_code&) { self->finish(key); });
    }
};

TeamsAdapter::TeamsAdapter(boost::asio::io_context& io, Bot& bot, Store& store,
                           net::HttpTransport& http, net::Metrics& metrics, TeamsOptions options,
                           Clock clock)
    : impl_(std::make_shared<Impl>(io, bot, store, http, metrics, std::move(options),
                                   std::move(clock))) {}

TeamsAdapter::~TeamsAdapter() {
    stop();
}

void TeamsAdapter::register_routes(net::HttpServer& server) {
    std::weak_ptr<Impl> weak = impl_;
    server.route(
        "POST", "/api/messages",
        [weak](net::Request request, net::Responder respond) {
            if (auto impl = weak.lock()) {
                impl->on_messages(std::move(request), std::move(respond));
            } else {
                respond(json_error(503, "shutting down"));
            }
        },
        impl_->options.max_body_bytes);
    if (!impl_->options.webhook_security_token.empty()) {
        server.route(
            "POST", "/api/teams-webhook",
            [weak](net::Request request, net::Responder respond) {
                if (auto impl = weak.lock()) {
                    impl->on_webhook(std::move(request), std::move(respond));
                } else {
                    respond(json_error(503, "shutting down"));
                }
            },
            impl_->options.max_body_bytes);
    }
}

void TeamsAdapter::start() {
    auto& impl = *impl_;
    if (impl.running) {
        return;
    }
    impl.running = true;
    if (!impl.options.auth) {
        log_line(LogLevel::warn,
                 "teams: inbound authentication is OFF ([teams] auth = false); "
                 "use this only for local testing");
    }
    // Rows a crash left in `sending` are sent again: at least once rather than lost.
    try {
        impl.store.transaction([&] {
            for (const auto& row :
                 impl.store.outbox_in_state(Platform::teams, OutboxState::sending)) {
                log_line(LogLevel::warn, "teams: outbox message " + std::to_string(row.message.id) +
                                             " was being sent when the bot stopped; sending it "
                                             "again (it may arrive twice)");
                impl.store.mark_outbox_retry(row.message.id, impl.clock(), "resent after restart");
            }
        });
    } catch (const StoreError& error) {
        log_line(LogLevel::error, std::string("teams: recovery failed: ") + error.what());
    }
    impl.pump.start();
}

void TeamsAdapter::stop() {
    if (impl_ && impl_->running) {
        impl_->running = false;
        impl_->pump.stop();
    }
}

void TeamsAdapter::wake() {
    impl_->wake();
}

}  // namespace leernetwerk::teams
