// Room state and membership: private chats (noted, opened at most once, listed in m.direct),
// private chats that became group rooms, encrypted rooms, joins after an invite, and member
// lists for the core.
#include "adapters/matrix/matrix_adapter_impl.hpp"

namespace leernetwerk::matrix {

void MatrixAdapter::Impl::answer_by_number(InboundEvent& event) {
    const auto open = open_question(event.conversation.id);
    if (!open) {
        return;
    }
    const auto picked = numbered_answer(trim(event.text), open->choice_ids.size());
    if (!picked || (!open->multiple && picked->size() != 1)) {
        return;
    }
    event.kind = InboundEvent::Kind::action;
    event.action.action_id = open->action_id;
    for (const auto index : *picked) {
        event.action.choice_ids.push_back(open->choice_ids[index]);
    }
}

std::string MatrixAdapter::Impl::question_state_key(std::string_view room_id) {
    return "matrix.open_question:" + std::string(room_id);
}

auto MatrixAdapter::Impl::open_question(const std::string& room_id) -> std::optional<OpenQuestion> {
    if (const auto it = open_questions.find(room_id); it != open_questions.end()) {
        if (it->second.action_id.empty()) {
            return std::nullopt;  // known to have none
        }
        return it->second;
    }
    std::optional<std::string> saved;
    try {
        saved = store.adapter_state(question_state_key(room_id));
    } catch (const StoreError&) {
        return std::nullopt;
    }
    if (!saved || saved->empty()) {
        remember_question(room_id, {});  // no question: remembered, so no read per message
        return std::nullopt;
    }
    const auto parsed = json::parse(*saved, nullptr, false);
    if (!parsed.is_object() || !parsed.contains("action_id") || !parsed["action_id"].is_string() ||
        !parsed.contains("choice_ids") || !parsed["choice_ids"].is_array()) {
        return std::nullopt;
    }
    OpenQuestion open;
    open.action_id = parsed["action_id"].get<std::string>();
    open.multiple = parsed.value("multiple", false);
    for (const auto& choice : parsed["choice_ids"]) {
        if (!choice.is_string()) {
            return std::nullopt;
        }
        open.choice_ids.push_back(choice.get<std::string>());
    }
    remember_question(room_id, open);
    return open;
}

void MatrixAdapter::Impl::remember_question(const std::string& room_id, OpenQuestion open) {
    if (open_questions.size() > kMaxRemembered) {
        open_questions.clear();  // a cache: the store still has them
    }
    open_questions[room_id] = std::move(open);
}

bool MatrixAdapter::Impl::third_party_joined(const std::string& room_id,
                                             const std::string& user_id) {
    std::optional<ConversationRef> ref;
    try {
        ref = store.conversation_ref(Platform::matrix, room_id);
    } catch (const StoreError& error) {
        log_line(LogLevel::error, std::string("matrix: room state not read: ") + error.what());
        return false;
    }
    if (!ref || !ref->direct || user_id == ref->user_id || user_id == options.user_id) {
        return true;
    }
    log_line(LogLevel::info, "matrix: " + room_id + " is no longer a private chat with " +
                                 ref->user_id + ": " + user_id + " joined");
    ref->direct = false;
    ref->updated_at = clock();
    open_questions.erase(room_id);
    return write("note a private chat became a group", [&] { store.save_conversation_ref(*ref); });
}

ConversationRef MatrixAdapter::Impl::direct_room_ref(const std::string& room_id,
                                                     const std::string& user_id) {
    ConversationRef ref;
    ref.platform = Platform::matrix;
    ref.conversation_id = room_id;
    ref.direct = true;
    ref.user_id = user_id;
    ref.bot_id = options.user_id;
    ref.updated_at = clock();
    return ref;
}

bool MatrixAdapter::Impl::save_direct_room(const std::string& room_id, const std::string& user_id) {
    const auto ref = direct_room_ref(room_id, user_id);
    return write("save direct room", [&] { store.save_conversation_ref(ref); });
}

std::string MatrixAdapter::Impl::encrypted_key(std::string_view room_id) {
    return "matrix.encrypted_room_noted:" + std::string(room_id);
}

std::string MatrixAdapter::Impl::notice_key(Id outbox_id) {
    return "matrix.encrypted_room_notice:" + std::to_string(outbox_id);
}

bool MatrixAdapter::Impl::is_encrypted_room(const std::string& room_id) {
    if (const auto it = encrypted_rooms.find(room_id); it != encrypted_rooms.end()) {
        return it->second;
    }
    const bool encrypted = store.adapter_state(encrypted_key(room_id)).value_or("") == "1";
    if (encrypted_rooms.size() > kMaxRemembered) {
        encrypted_rooms.clear();
    }
    encrypted_rooms[room_id] = encrypted;
    return encrypted;
}

std::optional<bool> MatrixAdapter::Impl::encrypted_room(const std::string& room_id) {
    try {
        return is_encrypted_room(room_id);
    } catch (const StoreError& error) {
        log_line(LogLevel::error, std::string("matrix: room state not read: ") + error.what());
        return std::nullopt;
    }
}

bool MatrixAdapter::Impl::addresses_bot(const RoomEvent& event) const {
    const auto body = fold(event.body);
    const auto localpart = options.user_id.substr(1, options.user_id.find(':') - 1);
    for (const auto& name : {options.user_id, localpart, options.display_name}) {
        if (!name.empty() && body.find(fold(name)) != std::string::npos) {
            return true;
        }
    }
    return false;
}

InboundEvent MatrixAdapter::Impl::became_encrypted(const std::string& room_id) {
    log_line(LogLevel::warn, "matrix: room " + room_id +
                                 " is encrypted; the bot cannot read it (end-to-end "
                                 "encryption is not supported yet) and says so there once");
    encrypted_rooms[room_id] = true;  // later events of the batch are not read
    InboundEvent event;
    event.kind = InboundEvent::Kind::encrypted_room;
    event.event_id = "encrypted-room:" + room_id;
    event.conversation.platform = Platform::matrix;
    event.conversation.id = room_id;
    // Kept with the adapter's state, not only the inbox: the inbox forgets after a month.
    event.adapter_state[encrypted_key(room_id)] = "1";
    return event;
}

InboundEvent MatrixAdapter::Impl::addressed_in_encrypted_room(const RoomEvent& room_event) {
    InboundEvent event;
    event.kind = InboundEvent::Kind::encrypted_room;
    event.event_id = "encrypted-reach:" + room_event.event_id;
    event.conversation.platform = Platform::matrix;
    event.conversation.id = room_event.room_id;
    event.sender.user_id = room_event.sender;
    return event;
}

void MatrixAdapter::Impl::allow_room_notices(const std::vector<InboundEvent>& events,
                                             const std::vector<Result<Handled>>& results) {
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (events[i].kind != InboundEvent::Kind::encrypted_room || !results[i]) {
            continue;
        }
        for (const auto id : results[i]->message_ids) {
            const auto row = store.outbox_row(id);
            if (row && row->message.to.conversation_id == events[i].conversation.id) {
                store.set_adapter_state(notice_key(id), "1", clock());
            }
        }
    }
}

void MatrixAdapter::Impl::join_room(const std::string& room_id, const std::string& invite_event_id,
                                    bool direct) {
    net::ClientRequest request;
    request.method = "POST";
    request.url = client_url("/join/" + net::encode_path_segment(room_id));
    request.body = "{}";
    auto self = shared_from_this();
    call(std::move(request), [self, room_id, invite_event_id,
                              direct](Result<net::ClientResponse> response) {
        if (!response || response->status != 200) {
            log_line(LogLevel::warn, "matrix: could not join " + room_id + ": " +
                                         (response ? "HTTP " + std::to_string(response->status) +
                                                         " " + response->body.substr(0, 200)
                                                   : response.error().message));
            return;
        }
        log_line(LogLevel::info, "matrix: joined " + room_id);
        if (direct) {
            return;  // a private chat needs no introduction
        }
        self->welcome_unless_encrypted(room_id, invite_event_id);
    });
}

void MatrixAdapter::Impl::welcome_unless_encrypted(const std::string& room_id,
                                                   const std::string& invite_event_id) {
    net::ClientRequest request;
    request.method = "GET";
    request.url =
        client_url("/rooms/" + net::encode_path_segment(room_id) + "/state/m.room.encryption/");
    auto self = shared_from_this();
    call(
        std::move(request), [self, room_id, invite_event_id](Result<net::ClientResponse> response) {
            if (response && response->status == 200) {
                if (const auto known = self->encrypted_room(room_id); known && !*known) {
                    Inbound inbound;
                    inbound.events.push_back(self->became_encrypted(room_id));
                    inbound.origins.push_back("the join of " + room_id);
                    self->apply_inbound(inbound);
                    self->wake();
                }
                return;
            }
            InboundEvent event;
            event.kind = InboundEvent::Kind::bot_added;
            event.event_id = invite_event_id + "/joined";
            event.conversation.platform = Platform::matrix;
            event.conversation.id = room_id;
            if (const auto handled = self->bot.handle(event, self->clock()); !handled) {
                log_line(LogLevel::error, "matrix: welcome not stored: " + handled.error().message);
            }
            self->wake();
        });
}

std::string MatrixAdapter::Impl::opening_key(std::string_view user) {
    return "matrix.opening_private_chat:" + std::string(user);
}

void MatrixAdapter::Impl::create_direct_room(OutboxRow row, std::string user,
                                             dispatch::OutcomeCallback done) {
    std::string intent = store.adapter_state(opening_key(user)).value_or("");
    if (!intent.empty()) {
        find_opened_room(std::move(row), std::move(user), std::move(intent), std::move(done));
        return;
    }
    intent = "lnw" + std::to_string(row.message.id) + "." +
             std::to_string(clock().time_since_epoch().count());
    store.transaction([&] { store.set_adapter_state(opening_key(user), intent, clock()); });
    open_room(std::move(row), std::move(user), std::move(intent), std::move(done));
}

void MatrixAdapter::Impl::open_room(OutboxRow row, std::string user, std::string intent,
                                    dispatch::OutcomeCallback done) {
    net::ClientRequest request;
    request.method = "POST";
    request.url = client_url("/createRoom");
    request.body =
        json{{"preset", "trusted_private_chat"},
             {"is_direct", true},
             {"invite", json::array({user})},
             {"initial_state", json::array({{{"type", kPrivateChatMarker},
                                             {"state_key", ""},
                                             {"content", {{"user", user}, {"intent", intent}}}}})}}
            .dump();
    auto self = shared_from_this();
    call(
        std::move(request),
        [self, row = std::move(row), user,
         done = std::move(done)](Result<net::ClientResponse> response) mutable {
            if (!response || response->status != 200) {
                done(classify(response));
                return;
            }
            const auto parsed = json::parse(response->body, nullptr, false);
            const json* room =
                parsed.is_object() && parsed.contains("room_id") ? &parsed["room_id"] : nullptr;
            if (!room || !room->is_string() || !is_valid_room_id(room->get<std::string>())) {
                done(dispatch::Outcome::again("createRoom answered without a room id"));
                return;
            }
            log_line(LogLevel::info,
                     "matrix: opened a private chat " + room->get<std::string>() + " with " + user);
            self->use_private_chat(std::move(row), user, room->get<std::string>(), std::move(done));
        },
        options.send_timeout);
}

void MatrixAdapter::Impl::use_private_chat(OutboxRow row, const std::string& user,
                                           const std::string& room_id,
                                           dispatch::OutcomeCallback done) {
    const auto ref = direct_room_ref(room_id, user);
    const bool saved = write("save private chat", [&] {
        store.save_conversation_ref(ref);
        store.set_adapter_state(opening_key(user), "", clock());
    });
    if (!saved) {
        done(dispatch::Outcome::again("private chat " + room_id + " not recorded"));
        return;
    }
    update_direct_account_data(user, room_id);
    deliver(std::move(row), room_id, std::move(done));
}

void MatrixAdapter::Impl::find_opened_room(OutboxRow row, std::string user, std::string intent,
                                           dispatch::OutcomeCallback done) {
    net::ClientRequest request;
    request.method = "GET";
    request.url = client_url("/joined_rooms");
    auto self = shared_from_this();
    call(std::move(request), [self, row = std::move(row), user, intent, done = std::move(done)](
                                 Result<net::ClientResponse> response) mutable {
        if (!response || response->status != 200) {
            done(classify(response));
            return;
        }
        const auto parsed = json::parse(response->body, nullptr, false);
        auto rooms = std::make_shared<std::vector<std::string>>();
        if (parsed.is_object() && parsed.contains("joined_rooms") &&
            parsed["joined_rooms"].is_array()) {
            for (const auto& room : parsed["joined_rooms"]) {
                if (room.is_string() && rooms->size() < kMaxRoomsSearched) {
                    rooms->push_back(room.get<std::string>());
                }
            }
        }
        // The newest rooms are listed last by most homeservers: look there first.
        std::reverse(rooms->begin(), rooms->end());
        self->check_room(std::move(row), std::move(user), std::move(intent), rooms, 0,
                         std::move(done));
    });
}

void MatrixAdapter::Impl::check_room(OutboxRow row, std::string user, std::string intent,
                                     std::shared_ptr<std::vector<std::string>> rooms,
                                     std::size_t index, dispatch::OutcomeCallback done) {
    if (index >= rooms->size()) {
        log_line(LogLevel::info,
                 "matrix: no private chat with " + user + " from an earlier attempt; opening one");
        open_room(std::move(row), std::move(user), std::move(intent), std::move(done));
        return;
    }
    const auto room_id = (*rooms)[index];
    net::ClientRequest request;
    request.method = "GET";
    request.url = client_url("/rooms/" + net::encode_path_segment(room_id) + "/state/" +
                             net::encode_path_segment(kPrivateChatMarker) + "/");
    auto self = shared_from_this();
    call(std::move(request),
         [self, row = std::move(row), user, intent, rooms, index, room_id,
          done = std::move(done)](Result<net::ClientResponse> response) mutable {
             if (!response || response->status == 429 || response->status >= 500) {
                 done(classify(response));  // not known yet: never open a second on a guess
                 return;
             }
             const auto parsed = json::parse(response->body, nullptr, false);
             if (response->status == 200 && parsed.is_object() &&
                 parsed.value("user", "") == user && parsed.value("intent", "") == intent) {
                 log_line(LogLevel::info, "matrix: using the private chat " + room_id + " with " +
                                              user + " an earlier attempt opened");
                 self->use_private_chat(std::move(row), user, room_id, std::move(done));
                 return;
             }
             self->check_room(std::move(row), std::move(user), std::move(intent), rooms, index + 1,
                              std::move(done));
         });
}

void MatrixAdapter::Impl::update_direct_account_data(const std::string& user,
                                                     const std::string& room_id) {
    const auto path =
        "/user/" + net::encode_path_segment(options.user_id) + "/account_data/m.direct";
    net::ClientRequest request;
    request.method = "GET";
    request.url = client_url(path);
    auto self = shared_from_this();
    call(std::move(request), [self, path, user, room_id](Result<net::ClientResponse> got) {
        json direct = json::object();
        if (got && got->status == 200) {
            auto parsed = json::parse(got->body, nullptr, false);
            if (parsed.is_object()) {
                direct = std::move(parsed);
            }
        } else if (!got || got->status != 404) {
            log_line(LogLevel::warn, "matrix: m.direct not read; not updated");
            return;
        }
        auto& rooms = direct[user];
        if (!rooms.is_array()) {
            rooms = json::array();
        }
        if (std::find(rooms.begin(), rooms.end(), json(room_id)) == rooms.end()) {
            rooms.push_back(room_id);
        }
        net::ClientRequest put;
        put.method = "PUT";
        put.url = self->client_url(path);
        put.body = direct.dump();
        self->call(std::move(put), [](Result<net::ClientResponse> written) {
            if (!written || written->status != 200) {
                log_line(LogLevel::warn, "matrix: m.direct not updated");
            }
        });
    });
}

void MatrixAdapter::Impl::fetch_joined_members(std::string room_id, std::string thread_id,
                                               std::string request_id,
                                               dispatch::OutcomeCallback done) {
    if (!is_valid_room_id(room_id)) {
        answer_roster(room_id, thread_id, request_id, RosterAnswer::Status::failed, {});
        done(dispatch::Outcome::give_up("not a Matrix room id: " + room_id));
        return;
    }
    net::ClientRequest request;
    request.method = "GET";
    request.url = client_url("/rooms/" + net::encode_path_segment(room_id) + "/joined_members");
    auto self = shared_from_this();
    call(std::move(request), [self, room_id, thread_id, request_id, done = std::move(done)](
                                 Result<net::ClientResponse> response) mutable {
        if (response && response->status == 403) {
            done(self->answered(self->answer_roster(room_id, thread_id, request_id,
                                                    RosterAnswer::Status::forbidden, {}),
                                request_id));
            return;
        }
        if (!response || response->status != 200) {
            auto outcome = classify(response);
            if (outcome.kind == dispatch::Outcome::Kind::permanent) {
                self->answer_roster(room_id, thread_id, request_id, RosterAnswer::Status::failed,
                                    {});
            }
            done(std::move(outcome));
            return;
        }
        const auto parsed = json::parse(response->body, nullptr, false);
        if (!parsed.is_object() || !parsed.contains("joined") || !parsed["joined"].is_object()) {
            self->answer_roster(room_id, thread_id, request_id, RosterAnswer::Status::failed, {});
            done(dispatch::Outcome::give_up("joined_members answered without joined"));
            return;
        }
        std::vector<RosterPerson> people;
        for (const auto& [user_id, profile] : parsed["joined"].items()) {
            if (!is_valid_user_id(user_id) || user_id == self->options.user_id) {
                continue;
            }
            RosterPerson person;
            person.user_id = user_id;
            if (profile.is_object() && profile.contains("display_name") &&
                profile["display_name"].is_string()) {
                person.display_name = profile["display_name"].get<std::string>();
            }
            people.push_back(std::move(person));
        }
        done(self->answered(self->answer_roster(room_id, thread_id, request_id,
                                                RosterAnswer::Status::ok, std::move(people)),
                            request_id));
    });
}

bool MatrixAdapter::Impl::answer_roster(const std::string& room_id, const std::string& thread_id,
                                        const std::string& request_id, RosterAnswer::Status status,
                                        std::vector<RosterPerson> people) {
    InboundEvent event;
    event.kind = InboundEvent::Kind::roster;
    event.event_id = "roster|" + room_id + "|" + request_id;
    event.conversation = {Platform::matrix, room_id, Conversation::Kind::group, thread_id};
    event.roster.request_id = request_id;
    event.roster.status = status;
    event.roster.people = std::move(people);
    if (const auto handled = bot.handle(event, clock()); !handled) {
        log_line(LogLevel::warn,
                 "matrix: a roster answer was not applied: " + handled.error().message);
        return false;
    }
    metrics.count("leernetwerk_events_total", {{"platform", "matrix"}, {"kind", "roster"}});
    wake();
    return true;
}

dispatch::Outcome MatrixAdapter::Impl::answered(bool applied, const std::string& request_id) {
    return applied ? dispatch::Outcome::delivered("roster:" + request_id)
                   : dispatch::Outcome::again("database: the roster answer was not stored");
}

void MatrixAdapter::Impl::track_question(const std::string& room_id,
                                         const OutboundMessage& message) {
    const auto* question = std::get_if<ChoiceQuestion>(&message.content);
    if (!question) {
        return;
    }
    const auto key = question_state_key(room_id);
    if (!question->closed_note.empty() || question->choices.empty()) {
        const auto open = open_question(room_id);
        if (open && open->action_id == question->action_id) {
            open_questions.erase(room_id);
            store.set_adapter_state(key, "", clock());
        }
        return;
    }
    OpenQuestion open;
    open.action_id = question->action_id;
    open.multiple = question->kind == ChoiceQuestion::Kind::multiple;
    json saved = {
        {"action_id", open.action_id}, {"multiple", open.multiple}, {"choice_ids", json::array()}};
    for (const auto& choice : question->choices) {
        open.choice_ids.push_back(choice.id);
        saved["choice_ids"].push_back(choice.id);
    }
    remember_question(room_id, std::move(open));
    store.set_adapter_state(key, saved.dump(), clock());
}

}  // namespace leernetwerk::matrix
