#include "adapters/teams/teams_adapter.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include "adapters/dispatch/delivery_engine.hpp"
#include "adapters/net/retry.hpp"
#include "adapters/teams/activity.hpp"
#include "adapters/teams/cards.hpp"
#include "bot/vocab/log.hpp"
#include "bot/vocab/text.hpp"

namespace leernetwerk::teams {
namespace {

namespace asio = boost::asio;
using nlohmann::json;

constexpr int kMaxInFlight = 16;
constexpr std::size_t kMaxRememberedRefs = 50'000;
constexpr std::chrono::minutes kWebhookMaxAge{5};
constexpr std::chrono::minutes kWebhookMaxSkew{5};  ///< how far ahead a timestamp may be

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
                                             "reaction", "roster", "member_left",
                                             "encrypted_room"};
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
            if (question.kind == ChoiceQuestion::Kind::rating) {
                // A scale on one line, as in the other text renderings: "1 · 2 · 3 · 4 · 5".
                std::string line;
                for (const auto& choice : question.choices) {
                    line += (line.empty() ? "" : " · ") + to_teams_markdown(choice.label);
                }
                if (!question.low_label.empty() || !question.high_label.empty()) {
                    line += " (1 = " + to_teams_markdown(question.low_label) + ", " +
                            std::to_string(question.choices.size()) + " = " +
                            to_teams_markdown(question.high_label) + ")";
                }
                return out + "\n\n" + line;
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
        std::string operator()(const RosterQuery&) const { return {}; }
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
          clock(clock_in ? std::move(clock_in) : Clock(dispatch::store_clock_now)),
          send_timeout(options.send_timeout),
          engine(io_in, store_in, metrics_in, delivery_side(), options.retry, clock) {
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
    }

    /// What the delivery engine needs from Teams: its windows, the conversation key, a send.
    dispatch::PlatformSide delivery_side() {
        dispatch::PlatformSide side;
        side.platform = Platform::teams;
        side.name = "teams";
        side.windows = kConversationWindows;
        side.max_in_flight = kMaxInFlight;
        side.key_of = dispatch::conversation_key;
        // The engine lives inside this Impl and is stopped with it: `this` outlives its calls.
        side.send = [this](OutboxRow row, dispatch::OutcomeCallback done) {
            send_row(std::move(row), std::move(done));
        };
        // A reply that is given up: the core tells its member another way where it can.
        side.on_given_up = [this](const OutboxRow& row, Instant now) {
            bot.delivery_given_up(row.message.id, now);
        };
        return side;
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
    bool running = false;
    std::chrono::milliseconds send_timeout;
    dispatch::DeliveryEngine engine;
    /// Outbox rows whose thread the connector did not know: they go into the conversation.
    std::set<Id> unthreaded;
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
        if (!options.auth) {
            auto activity = parse_activity(request.body);
            if (!activity) {
                reject(respond, 400, "bad_request", activity.error().message);
                return;
            }
            process(std::move(*activity), std::move(respond));
            return;
        }
        // The token first: nothing of the body is read before it is known to come from the
        // Bot Connector. Its serviceurl claim and key endorsements are compared with the
        // activity once that is read.
        auto self = shared_from_this();
        validator->validate(
            authorization, "", "",
            [self, body = std::move(request.body), respond](Result<Claims> claims) mutable {
                if (!claims) {
                    log_line(LogLevel::warn,
                             "teams: refused an activity: " + claims.error().message);
                    self->reject(respond, 401, "unauthorized", "invalid token");
                    return;
                }
                auto activity = parse_activity(body);
                if (!activity) {
                    self->reject(respond, 400, "bad_request", activity.error().message);
                    return;
                }
                if (!claims->covers(activity->service_url, activity->channel_id)) {
                    log_line(LogLevel::warn,
                             "teams: refused an activity: its serviceUrl or channel is not the "
                             "token's");
                    self->reject(respond, 401, "unauthorized", "invalid token");
                    return;
                }
                self->process(std::move(*activity), std::move(respond));
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
    struct ChangedRef {
        ConversationRef ref;
        std::string fingerprint;
        bool channel = false;
    };

    std::optional<ChangedRef> changed_conversation(const Activity& activity) {
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

    /// Gives the event the conversation's reference and whether it is a channel (the only kind
    /// with threads): the core saves both with the event.
    static void carry_ref(InboundEvent& event, const ChangedRef& changed) {
        event.conversation_ref = changed.ref;
        if (!changed.ref.direct) {
            event.adapter_state[channel_state_key(changed.ref.conversation_id)] =
                changed.channel ? "1" : "0";
        }
    }

    /// Saves a conversation reference and whether it is a channel.
    void save_ref(const ChangedRef& changed) {
        store.save_conversation_ref(changed.ref);
        if (!changed.ref.direct) {
            store.set_adapter_state(channel_state_key(changed.ref.conversation_id),
                                    changed.channel ? "1" : "0", clock());
        }
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
        if (write("save conversation", [&] { save_ref(*changed); })) {
            remember_saved(changed->ref.conversation_id, std::move(changed->fingerprint));
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
                arrival.respond(
                    net::Response::json(200, invoke_answer(arrival.activity, *results[i])));
            } else {
                arrival.respond(net::Response::json(200, ""));
            }
        }
        wake();
    }

    /// The synchronous answer to a card click, as the core chose it: the clicked card as it is
    /// now (when the bot updated it), else the bot's reply as a message the clicker sees (not
    /// posted to the chat).
    std::string invoke_answer(const Activity& activity, const Handled& handled) {
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

    /// Records that an outbox row travelled in an HTTP response instead of through the
    /// connector; false (logged) when the database failed.
    bool answered_in_response(Id id, const std::string& remote_id) {
        return write("mark answered", [&] {
            store.mark_outbox_sending(id, clock());
            store.mark_outbox_sent(id, remote_id, clock());
        });
    }

    void on_webhook(net::Request request, net::Responder respond) {
        if (!is_json_content_type(request.header("Content-Type"))) {
            reject(respond, 415, "content_type", "expected Content-Type: application/json");
            return;
        }
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
        // Nor ones dated ahead (a signed request kept for later): a little clock skew only.
        if (*sent_at > clock() + kWebhookMaxSkew) {
            reject(respond, 400, "future", "timestamp in the future");
            return;
        }
        auto event = to_inbound_event(*activity);
        if (!event) {
            remember_conversation(*activity);
            respond(net::Response::json(200, json{{"type", "message"}, {"text", ""}}.dump()));
            return;
        }
        auto changed = changed_conversation(*activity);
        if (changed) {
            carry_ref(*event, *changed);
        }
        const auto handled = bot.handle(*event, clock());
        if (!handled) {
            respond(json_error(500, "temporarily unavailable"));
            return;
        }
        if (changed) {
            remember_saved(changed->ref.conversation_id, std::move(changed->fingerprint));
        }
        metrics.count("leernetwerk_events_total",
                      {{"platform", "teams"}, {"kind", kind_name(event->kind)}});
        // The reply travels in the response; the outbox rows it came from are marked sent.
        std::string text;
        const auto here = conversation_of(*activity).id;
        for (const auto id : handled->message_ids) {
            const auto row = store.outbox_row(id);
            if (!row || row->message.to.conversation_id != here ||
                std::holds_alternative<RosterQuery>(row->message.content)) {
                continue;  // a roster query is the dispatcher's to answer
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

    void wake() { engine.wake(); }

    template <typename Work>
    bool write(const char* what, Work&& work) {
        return dispatch::write_logged(store, "teams dispatcher", what, std::forward<Work>(work));
    }

    /// The delivery engine's Teams side: finds (or opens) the conversation, renders, posts.
    void send_row(OutboxRow row, dispatch::OutcomeCallback done) {
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

    /// At most this many pages of members (100 each) are read for one roster query.
    static constexpr int kMaxMemberPages = 100;

    /// Answers a RosterQuery: GET /v3/conversations/{id}/pagedmembers, page after page
    /// (continuationToken), then gives the bot the whole list as a roster event. A refusal (403)
    /// or an answer that will never be better becomes a roster event saying so; what may pass
    /// (429, 5xx, no answer) is retried by the engine, and the core applies one answer only.
    void fetch_members(OutboxRow row, ConversationRef ref, std::string request_id,
                       std::vector<RosterPerson> people, std::string continuation, int page,
                       dispatch::OutcomeCallback done) {
        net::ClientRequest request;
        request.method = "GET";
        request.url = ref.service_url + "/v3/conversations/" +
                      net::encode_path_segment(ref.conversation_id) + "/pagedmembers?pageSize=100";
        if (!continuation.empty()) {
            request.url += "&continuationToken=" + net::encode_path_segment(continuation);
        }
        auto self = shared_from_this();
        const auto service_url = ref.service_url;
        call(std::move(request), service_url,
             [self, row = std::move(row), ref = std::move(ref), request_id,
              people = std::move(people), page,
              done = std::move(done)](Result<net::ClientResponse> response) mutable {
                 if (response && response->status == 403) {
                     done(answered(self->answer_roster(row, request_id,
                                                       RosterAnswer::Status::forbidden, {}),
                                   request_id));
                     return;
                 }
                 if (!response || response->status < 200 || response->status > 299) {
                     auto outcome = classify(response, false);
                     if (outcome.kind == dispatch::Outcome::Kind::permanent) {
                         self->answer_roster(row, request_id, RosterAnswer::Status::failed, {});
                     }
                     done(std::move(outcome));
                     return;
                 }
                 const auto parsed = json::parse(response->body, nullptr, false);
                 const json* members =
                     parsed.is_object() && parsed.contains("members") ? &parsed["members"]
                                                                      : nullptr;
                 if (!members || !members->is_array()) {
                     self->answer_roster(row, request_id, RosterAnswer::Status::failed, {});
                     done(dispatch::Outcome::give_up("pagedmembers answered without members"));
                     return;
                 }
                 for (const auto& item : *members) {
                     RosterPerson person;
                     person.user_id = string_field(item, "id");
                     person.alt_user_id = string_field(item, "aadObjectId");
                     person.display_name = string_field(item, "name");
                     person.email = string_field(item, "email");
                     person.user_principal_name = string_field(item, "userPrincipalName");
                     if (!person.user_id.empty()) {
                         people.push_back(std::move(person));
                     }
                 }
                 const auto next = string_field(parsed, "continuationToken");
                 if (!next.empty() && page + 1 < kMaxMemberPages) {
                     self->fetch_members(std::move(row), std::move(ref), std::move(request_id),
                                         std::move(people), next, page + 1, std::move(done));
                     return;
                 }
                 done(answered(self->answer_roster(row, request_id, RosterAnswer::Status::ok,
                                                   std::move(people)),
                               request_id));
             });
    }

    static std::string string_field(const json& object, const char* key) {
        if (!object.is_object()) {
            return {};
        }
        const auto it = object.find(key);
        return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
    }

    /// Gives the bot the answer to a roster query, as an event of the conversation it was about.
    /// False when the database failed: the query is then tried again.
    bool answer_roster(const OutboxRow& row, const std::string& request_id,
                       RosterAnswer::Status status, std::vector<RosterPerson> people) {
        InboundEvent event;
        event.kind = InboundEvent::Kind::roster;
        event.event_id = "roster|" + row.message.to.conversation_id + "|" + request_id;
        event.conversation = {Platform::teams, row.message.to.conversation_id,
                              Conversation::Kind::group, row.message.to.thread_id};
        event.roster.request_id = request_id;
        event.roster.status = status;
        event.roster.people = std::move(people);
        if (const auto handled = bot.handle(event, clock()); !handled) {
            log_line(LogLevel::warn, "teams: a roster answer was not applied: " +
                                         handled.error().message);
            return false;
        }
        metrics.count("leernetwerk_events_total", {{"platform", "teams"}, {"kind", "roster"}});
        wake();
        return true;
    }

    /// The outcome of a roster query whose answer the bot has (or could not store).
    static dispatch::Outcome answered(bool applied, const std::string& request_id) {
        return applied ? dispatch::Outcome::delivered("roster:" + request_id)
                       : dispatch::Outcome::again("database: the roster answer was not stored");
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

    void open_direct_chat(OutboxRow row, dispatch::OutcomeCallback done) {
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

    static std::string channel_state_key(std::string_view conversation_id) {
        return "teams.channel:" + std::string(conversation_id);
    }

    /// Whether a conversation is a team channel, the only kind of Teams conversation with reply
    /// threads (`;messageid=`): group chats and 1:1 chats have none. Kept from the activities that
    /// came from it; for one seen before that was kept, read from the id (channels are
    /// "19:…@thread.tacv2" or "…@thread.skype", group chats "19:…@thread.v2").
    bool is_channel(const ConversationRef& ref) {
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

    void deliver(OutboxRow row, const ConversationRef& ref, dispatch::OutcomeCallback done) {
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

    /// Sends a connector call with the bot's token, to an allow-listed service URL only.
    void call(net::ClientRequest request, const std::string& service_url,
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
            self->http.send(std::move(request), [self, done = std::move(done)](
                                                    Result<net::ClientResponse> response) {
                if (response && response->status == 401 && self->tokens) {
                    self->tokens->invalidate();  // the next attempt fetches a new one
                }
                done(std::move(response));
            });
        });
    }

    /// How the Bot Connector's answer reads: no answer, 5xx, 429, 412 and a first 401 (the token
    /// is fetched again) are worth another attempt; a 404 on a thread is retried at once in the
    /// conversation itself; other 4xx will never succeed.
    static dispatch::Outcome classify(const Result<net::ClientResponse>& response, bool threaded) {
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
    impl_->engine.set_depth_bound(impl_->options.max_outbox_depth);
    server.route(
        "POST", "/api/messages",
        [weak](net::Request request, net::Responder respond) {
            if (auto impl = weak.lock()) {
                impl->on_messages(std::move(request), std::move(respond));
            } else {
                respond(json_error(503, "shutting down"));
            }
        },
        impl_->options.max_body_bytes,
        [weak](const net::Request&) -> std::optional<net::Response> {
            // Back-pressure: while the bot catches up, the connector is asked to come back.
            const auto impl = weak.lock();
            const auto wait = impl ? impl->engine.busy() : std::nullopt;
            if (!wait) {
                return std::nullopt;
            }
            auto busy = json_error(503, "busy: too many replies waiting; retry later");
            busy.headers["Retry-After"] = std::to_string(wait->count());
            return busy;
        });
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
    impl.engine.start();
}

void TeamsAdapter::stop() {
    if (impl_ && impl_->running) {
        impl_->running = false;
        impl_->engine.stop();
    }
}

void TeamsAdapter::wake() {
    impl_->wake();
}

dispatch::DeliveryHealth TeamsAdapter::delivery_health() const {
    return impl_->engine.health();
}

}  // namespace leernetwerk::teams
