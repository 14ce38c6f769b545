// The sender: client-server calls, and the delivery engine's Matrix side (finds the room,
// renders, sends with an idempotent txnId, reads the homeserver's answer).
#include "adapters/matrix/matrix_adapter_impl.hpp"

namespace leernetwerk::matrix {

std::string MatrixAdapter::Impl::client_url(
    const std::string& path, const std::vector<std::pair<std::string, std::string>>& query) const {
    std::string url = options.homeserver_url + kClientApi + path;
    char separator = '?';
    auto add = [&](const std::string& name, const std::string& value) {
        url += separator + name + "=" + net::encode_query_value(value);
        separator = '&';
    };
    if (!bot_mode()) {
        add("user_id", options.user_id);
    }
    for (const auto& [name, value] : query) {
        add(name, value);
    }
    return url;
}

void MatrixAdapter::Impl::call(net::ClientRequest request,
                               std::function<void(Result<net::ClientResponse>)> done,
                               std::chrono::milliseconds timeout) {
    request.headers["Authorization"] =
        "Bearer " + (bot_mode() ? options.access_token : options.as_token);
    if (!request.body.empty()) {
        request.headers["Content-Type"] = "application/json";
    }
    request.timeout = timeout;
    http.send(std::move(request), std::move(done));
}

auto MatrixAdapter::Impl::describe(const Result<net::ClientResponse>& response) -> Failure {
    Failure failure;
    if (!response) {
        failure.why = response.error().message;
        failure.bad_input = response.error().code == ErrorCode::bad_input;
        if (response.error().retry_after) {
            failure.retry_after = *response.error().retry_after;
        }
        return failure;
    }
    failure.status = response->status;
    const auto parsed = json::parse(response->body, nullptr, false);
    if (parsed.is_object() && parsed.contains("errcode") && parsed["errcode"].is_string()) {
        failure.errcode = parsed["errcode"].get<std::string>();
    }
    failure.why = "HTTP " + std::to_string(failure.status) +
                  (failure.errcode.empty() ? "" : " " + failure.errcode);
    if (const auto header = net::parse_retry_after(response->header("Retry-After"),
                                                   std::chrono::system_clock::now())) {
        failure.retry_after = *header;
    }
    if (parsed.is_object() && parsed.contains("retry_after_ms") &&
        parsed["retry_after_ms"].is_number_integer()) {
        const auto ms = std::chrono::milliseconds(parsed["retry_after_ms"].get<std::int64_t>());
        failure.retry_after = std::max(failure.retry_after.value_or(ms), ms);
    }
    return failure;
}

bool MatrixAdapter::Impl::promises_anonymity(const OutboundMessage& message) {
    const auto* question = std::get_if<ChoiceQuestion>(&message.content);
    return question && question->anonymous && question->closed_note.empty();
}

std::string MatrixAdapter::Impl::direct_user(const OutboxRow& row) {
    const auto& user = row.message.to.user_id;
    if (is_valid_user_id(user) || row.message.recipient_member_id == 0) {
        return user;
    }
    for (const auto& identity : store.identities_of(row.message.recipient_member_id)) {
        if (identity.platform == Platform::matrix && is_valid_user_id(identity.user_id)) {
            return identity.user_id;
        }
    }
    return user;
}

void MatrixAdapter::Impl::send_row(OutboxRow row, dispatch::OutcomeCallback done) {
    const auto& to = row.message.to;
    if (const auto* query = std::get_if<RosterQuery>(&row.message.content)) {
        fetch_joined_members(to.conversation_id, to.thread_id, query->request_id, std::move(done));
        return;
    }
    try {
        if (!to.conversation_id.empty()) {
            if (!is_valid_room_id(to.conversation_id)) {
                done(dispatch::Outcome::give_up("not a Matrix room id: " + to.conversation_id));
                return;
            }
            const auto room = to.conversation_id;
            if (is_encrypted_room(room) &&
                store.adapter_state(notice_key(row.message.id)).value_or("") != "1") {
                done(dispatch::Outcome::give_up(
                    "room " + room + " is encrypted: nothing is sent there in plain text"));
                return;
            }
            if (promises_anonymity(row.message)) {
                const auto ref = store.conversation_ref(Platform::matrix, room);
                if (!ref || !ref->direct) {
                    // Answers in a shared room are events everyone there can read, with the
                    // sender.
                    done(dispatch::Outcome::give_up(
                        "an anonymous question goes to members' private chats only, not to "
                        "room " +
                        room));
                    return;
                }
            }
            deliver(std::move(row), room, std::move(done));
            return;
        }
        const auto user = direct_user(row);
        if (!is_valid_user_id(user)) {
            done(dispatch::Outcome::give_up("no Matrix user id to open a private chat with"));
            return;
        }
        if (const auto existing = store.direct_conversation_with(Platform::matrix, user)) {
            deliver(std::move(row), existing->conversation_id, std::move(done));
            return;
        }
        create_direct_room(std::move(row), user, std::move(done));
    } catch (const StoreError& error) {
        done(dispatch::Outcome::again(std::string("database: ") + error.what()));
    }
}

std::string MatrixAdapter::Impl::transaction_id(const OutboxRow& row) {
    // Stable across retries and restarts; the creation time keeps it unique should the
    // database ever be recreated and row ids start again.
    return "lnw" + std::to_string(row.message.id) + "." +
           std::to_string(row.created_at.time_since_epoch().count());
}

void MatrixAdapter::Impl::deliver(OutboxRow row, std::string room_id,
                                  dispatch::OutcomeCallback done) {
    RenderOptions render_options;
    render_options.user_of_member = [this](Id member_id) {
        try {
            for (const auto& identity : store.identities_of(member_id)) {
                if (identity.platform == Platform::matrix) {
                    return identity.user_id;
                }
            }
        } catch (const StoreError&) {
        }
        return std::string();
    };
    const auto replaces = row.message.replaces ? row.replaces_remote_id : std::string();
    net::ClientRequest request;
    request.method = "PUT";
    auto event = render_event(row.message, replaces, render_options);
    request.url = client_url("/rooms/" + net::encode_path_segment(room_id) + "/send/" +
                             net::encode_path_segment(event.type) + "/" +
                             net::encode_path_segment(transaction_id(row)));
    request.body = std::move(event.content);
    call(
        std::move(request),
        [replaces, room_id, done = std::move(done)](Result<net::ClientResponse> response) mutable {
            if (!response || response->status != 200) {
                done(classify(response));
                return;
            }
            std::string remote_id = replaces;  // edits keep pointing at the original event
            const auto parsed = json::parse(response->body, nullptr, false);
            if (remote_id.empty() && parsed.is_object() && parsed.contains("event_id") &&
                parsed["event_id"].is_string()) {
                remote_id = parsed["event_id"].get<std::string>();
            }
            done(dispatch::Outcome::delivered(std::move(remote_id), room_id));
        },
        options.send_timeout);
}

dispatch::Outcome MatrixAdapter::Impl::classify(const Result<net::ClientResponse>& response) {
    const auto failure = describe(response);
    if (failure.bad_input) {
        return dispatch::Outcome::give_up(failure.why);
    }
    const auto status = failure.status;
    if (status != 0 && status != 408 && status != 429 && status < 500) {
        return dispatch::Outcome::give_up(failure.why);
    }
    return dispatch::Outcome::again(failure.why, failure.retry_after, status == 0);
}

}  // namespace leernetwerk::matrix
