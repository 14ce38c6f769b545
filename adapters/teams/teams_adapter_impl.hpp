#pragma once
// Private to the Teams adapter: TeamsAdapter::Impl, shared by teams_adapter.cpp (endpoints,
// start/stop), inbound.cpp, sender.cpp and roster.cpp.
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

namespace asio = boost::asio;
using nlohmann::json;

inline constexpr int kMaxInFlight = 16;
inline constexpr std::size_t kMaxRememberedRefs = 50'000;
inline constexpr std::chrono::minutes kWebhookMaxAge{5};
inline constexpr std::chrono::minutes kWebhookMaxSkew{5};  ///< how far ahead a timestamp may be

/// Teams' per-conversation send limits (PROTOCOLS.md §3.4).
const std::vector<std::pair<int, std::chrono::milliseconds>> kConversationWindows = {
    {7, std::chrono::milliseconds(1000)},
    {8, std::chrono::milliseconds(2000)},
    {60, std::chrono::milliseconds(30'000)},
    {1800, std::chrono::milliseconds(3'600'000)}};

inline net::Response json_error(int status, std::string_view message) {
    return net::Response::json(status, json{{"error", message}}.dump());
}

inline bool is_json_content_type(std::string_view value) {
    const auto semicolon = value.find(';');
    const auto media = fold(trim(value.substr(0, semicolon)));
    return media == "application/json";
}

inline bool host_matches(std::string_view host, std::string_view pattern) {
    if (pattern.rfind("*.", 0) == 0) {
        const auto suffix = pattern.substr(1);  // ".trafficmanager.net"
        return host.size() > suffix.size() &&
               host.compare(host.size() - suffix.size(), suffix.size(), suffix) == 0;
    }
    return host == pattern;
}

inline bool is_loopback_host(std::string_view host) {
    return host == "localhost" || host == "127.0.0.1" || host == "[::1]" || host == "::1";
}

inline std::string trim_slash(std::string url) {
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    return url;
}

inline std::string kind_name(InboundEvent::Kind kind) {
    static constexpr const char* kNames[] = {"message",     "action",        "member_joined",
                                             "bot_added",   "reaction",      "roster",
                                             "member_left", "encrypted_room"};
    return kNames[static_cast<int>(kind)];
}

/// A neutral message as plain chat text, for outgoing-webhook replies (which cannot carry
/// interactive cards): choices are listed so the member can type the answer.
inline std::string webhook_text(const OutboundMessage& message) {
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
inline std::optional<Instant> parse_timestamp(const std::string& text) {
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
    dispatch::PlatformSide delivery_side();

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
                std::string_view message);

    void on_messages(net::Request request, net::Responder respond);

    bool service_url_allowed(std::string_view service_url) const;

    /// Where the activity came from, and a fingerprint of it; nullopt when it carries no
    /// conversation, or when we wrote exactly this before (the common case: nothing to write).
    struct ChangedRef {
        ConversationRef ref;
        std::string fingerprint;
        bool channel = false;
    };

    std::optional<ChangedRef> changed_conversation(const Activity& activity);

    /// Gives the event the conversation's reference and whether it is a channel (the only kind
    /// with threads): the core saves both with the event.
    static void carry_ref(InboundEvent& event, const ChangedRef& changed);

    /// Saves a conversation reference and whether it is a channel.
    void save_ref(const ChangedRef& changed);

    void remember_saved(const std::string& conversation_id, std::string fingerprint);

    /// Saves where an activity came from, in a transaction of its own (for activities that are
    /// not applied as events, such as installationUpdate).
    void remember_conversation(const Activity& activity);

    void process(Activity activity, net::Responder respond);

    void apply_arrivals();

    /// The synchronous answer to a card click, as the core chose it: the clicked card as it is
    /// now (when the bot updated it), else the bot's reply as a message the clicker sees (not
    /// posted to the chat).
    std::string invoke_answer(const Activity& activity, const Handled& handled);

    /// Records that an outbox row travelled in an HTTP response instead of through the
    /// connector; false (logged) when the database failed.
    bool answered_in_response(Id id, const std::string& remote_id);

    void on_webhook(net::Request request, net::Responder respond);

    // ---- outbound ------------------------------------------------------------------------------

    RenderOptions render_options_for() const;

    /// The options for one message: with the Teams ids of the members it mentions (a "29:" id
    /// when the member has one, else their AAD object id), so they become native mentions.
    RenderOptions render_options_for(const OutboundMessage& message) const;

    void wake() { engine.wake(); }

    template <typename Work>
    bool write(const char* what, Work&& work) {
        return dispatch::write_logged(store, "teams dispatcher", what, std::forward<Work>(work));
    }

    /// The delivery engine's Teams side: finds (or opens) the conversation, renders, posts.
    void send_row(OutboxRow row, dispatch::OutcomeCallback done);

    /// At most this many pages of members (100 each) are read for one roster query.
    static constexpr int kMaxMemberPages = 100;

    /// Answers a RosterQuery: GET /v3/conversations/{id}/pagedmembers, page after page
    /// (continuationToken), then gives the bot the whole list as a roster event. A refusal (403)
    /// or an answer that will never be better becomes a roster event saying so; what may pass
    /// (429, 5xx, no answer) is retried by the engine, and the core applies one answer only.
    void fetch_members(OutboxRow row, ConversationRef ref, std::string request_id,
                       std::vector<RosterPerson> people, std::string continuation, int page,
                       dispatch::OutcomeCallback done);

    static std::string string_field(const json& object, const char* key);

    /// Gives the bot the answer to a roster query, as an event of the conversation it was about.
    /// False when the database failed: the query is then tried again.
    bool answer_roster(const OutboxRow& row, const std::string& request_id,
                       RosterAnswer::Status status, std::vector<RosterPerson> people);

    /// The outcome of a roster query whose answer the bot has (or could not store).
    static dispatch::Outcome answered(bool applied, const std::string& request_id);

    /// The Teams user id to open a 1:1 chat with: a "29:" id when the member has one.
    std::string direct_user_id(const OutboxRow& row);

    void open_direct_chat(OutboxRow row, dispatch::OutcomeCallback done);

    static std::string channel_state_key(std::string_view conversation_id);

    /// Whether a conversation is a team channel, the only kind of Teams conversation with reply
    /// threads (`;messageid=`): group chats and 1:1 chats have none. Kept from the activities that
    /// came from it; for one seen before that was kept, read from the id (channels are
    /// "19:…@thread.tacv2" or "…@thread.skype", group chats "19:…@thread.v2").
    bool is_channel(const ConversationRef& ref);

    void deliver(OutboxRow row, const ConversationRef& ref, dispatch::OutcomeCallback done);

    /// Sends a connector call with the bot's token, to an allow-listed service URL only.
    void call(net::ClientRequest request, const std::string& service_url,
              std::function<void(Result<net::ClientResponse>)> done);

    /// How the Bot Connector's answer reads: no answer, 5xx, 429, 412 and a first 401 (the token
    /// is fetched again) are worth another attempt; a 404 on a thread is retried at once in the
    /// conversation itself; other 4xx will never succeed.
    static dispatch::Outcome classify(const Result<net::ClientResponse>& response, bool threaded);
};

}  // namespace leernetwerk::teams
