// Inbound: pushed transactions and /sync batches decoded into the core's events and applied in
// one commit (group commit), each event once.
#include "adapters/matrix/matrix_adapter_impl.hpp"

namespace leernetwerk::matrix {

bool MatrixAdapter::Impl::direct_room(std::string_view room_id) {
    try {
        const auto ref = store.conversation_ref(Platform::matrix, room_id);
        return ref && ref->direct;
    } catch (const StoreError&) {
        return false;
    }
}

DecodeContext MatrixAdapter::Impl::decode_context() {
    DecodeContext context;
    context.bot_user_id = options.user_id;
    context.bot_display_name = options.display_name;
    context.ignored_senders = options.ignored_senders;
    context.is_direct_room = [this](std::string_view room) { return direct_room(room); };
    context.display_name_of = [this](std::string_view user) {
        const auto it = display_names.find(std::string(user));
        return it == display_names.end() ? std::string() : it->second;
    };
    return context;
}

bool MatrixAdapter::Impl::inviter_allowed(const std::string& inviter) const {
    if (options.allowed_inviters.empty()) {
        return !server_of(inviter).empty() && server_of(inviter) == server_of(options.user_id);
    }
    return std::find(options.allowed_inviters.begin(), options.allowed_inviters.end(), inviter) !=
           options.allowed_inviters.end();
}

void MatrixAdapter::Impl::apply_arrivals() {
    apply_scheduled = false;
    auto batch = std::move(arrivals);
    arrivals.clear();
    if (!running) {
        // Stopping: nothing more is applied; the homeserver sends these again later.
        for (auto& arrival : batch) {
            arrival.respond(matrix_error(503, "M_UNKNOWN", "shutting down"));
        }
        return;
    }
    std::vector<bool> stored(batch.size(), true);
    std::vector<std::vector<Join>> joins(batch.size());
    Inbound inbound;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        const auto first = inbound.events.size();
        stored[i] = decode_events(batch[i].events, batch[i].origin, joins[i], inbound);
        inbound.arrival.resize(inbound.events.size(), i);
        if (!stored[i]) {
            // Not applied at all: the homeserver sends the transaction again.
            inbound.events.resize(first);
            inbound.arrival.resize(first);
            inbound.origins.resize(first);
        }
    }
    const auto results = apply_inbound(inbound);
    for (std::size_t j = 0; j < results.size(); ++j) {
        if (!results[j]) {
            stored[inbound.arrival[j]] = false;
        }
    }
    for (std::size_t i = 0; i < batch.size(); ++i) {
        if (!stored[i]) {
            batch[i].respond(matrix_error(500, "M_UNKNOWN", "temporarily unavailable"));
            continue;
        }
        batch[i].respond(net::Response::json(200, "{}"));
        for (auto& join : joins[i]) {
            join_room(join.room_id, join.invite_event_id, join.direct);
        }
    }
    wake();
}

bool MatrixAdapter::Impl::decode_events(const std::vector<RoomEvent>& events,
                                        const std::string& origin, std::vector<Join>& joins,
                                        Inbound& inbound) {
    const auto context = decode_context();
    const auto queue = [&](InboundEvent event) {
        inbound.events.push_back(std::move(event));
        inbound.origins.push_back(origin);
    };
    for (const auto& room_event : events) {
        if (!room_event.well_formed) {
            metrics.count("leernetwerk_inbound_rejected_total",
                          {{"platform", "matrix"}, {"reason", "malformed_event"}});
            log_line(LogLevel::warn, "matrix: skipped a malformed event in " + origin +
                                         " (missing field or bad id)");
            continue;
        }
        if (room_event.type == "m.room.member" && room_event.membership == "join" &&
            room_event.state_key) {
            if (!room_event.displayname.empty()) {
                if (display_names.size() > kMaxRemembered) {
                    display_names.clear();
                }
                display_names[*room_event.state_key] = room_event.displayname;
            }
            if (!third_party_joined(room_event.room_id, *room_event.state_key)) {
                return false;
            }
        }
        auto decoded = decode_event(room_event, context);
        switch (decoded.kind) {
            case Decoded::Kind::ignored:
                break;
            case Decoded::Kind::poll_response:
            case Decoded::Kind::inbound:
                if (const auto encrypted = encrypted_room(room_event.room_id); !encrypted) {
                    return false;
                } else if (*encrypted) {
                    // Nothing in plain text where members expect encryption: only, when
                    // addressed, how to reach the bot privately.
                    metrics.count("leernetwerk_inbound_rejected_total",
                                  {{"platform", "matrix"}, {"reason", "encrypted_room"}});
                    if (decoded.kind == Decoded::Kind::inbound &&
                        decoded.event.kind == InboundEvent::Kind::message &&
                        addresses_bot(room_event)) {
                        queue(addressed_in_encrypted_room(room_event));
                    }
                    break;
                }
                if (decoded.kind == Decoded::Kind::inbound) {
                    if (decoded.event.kind == InboundEvent::Kind::message) {
                        answer_by_number(decoded.event);
                    }
                    queue(std::move(decoded.event));
                    break;
                }
                if (const auto known = poll_action(decoded); !known) {
                    return false;
                } else if (*known) {
                    queue(std::move(decoded.event));
                }
                break;
            case Decoded::Kind::invite:
                if (!inviter_allowed(decoded.user_id)) {
                    log_line(LogLevel::info, "matrix: ignored an invite to " + decoded.room_id +
                                                 " from " + decoded.user_id +
                                                 " (not an allowed inviter)");
                    break;
                }
                if (decoded.is_direct && !save_direct_room(decoded.room_id, decoded.user_id)) {
                    return false;
                }
                joins.push_back({decoded.room_id, room_event.event_id, decoded.is_direct});
                break;
            case Decoded::Kind::encrypted:
                if (const auto known = encrypted_room(decoded.room_id); !known) {
                    return false;
                } else if (!*known) {
                    queue(became_encrypted(decoded.room_id));
                }
                break;
        }
    }
    return true;
}

std::vector<Result<Handled>> MatrixAdapter::Impl::apply_inbound(
    const Inbound& inbound,
    const std::function<void(const std::vector<Result<Handled>>&)>& after_all) {
    if (inbound.events.empty() && !after_all) {
        return {};
    }
    // Events of one room keep their order: after one fails, the room's later ones wait too.
    std::vector<std::string> rooms;
    rooms.reserve(inbound.events.size());
    for (const auto& event : inbound.events) {
        rooms.push_back(event.conversation.id);
    }
    auto results = bot.handle_batch(inbound.events, clock(), {}, rooms,
                                    [&](const std::vector<Result<Handled>>& applied) {
                                        allow_room_notices(inbound.events, applied);
                                        if (after_all) {
                                            after_all(applied);
                                        }
                                    });
    for (std::size_t i = 0; i < results.size(); ++i) {
        if (!results[i]) {
            // The encrypted rooms noted while decoding may not be stored: read them again.
            encrypted_rooms.clear();
            log_line(LogLevel::error,
                     "matrix: " + inbound.origins[i] +
                         " not applied (it is delivered again): " + results[i].error().message);
        } else if (!results[i]->duplicate) {
            metrics.count("leernetwerk_events_total",
                          {{"platform", "matrix"}, {"kind", kind_name(inbound.events[i].kind)}});
        }
    }
    return results;
}

std::optional<bool> MatrixAdapter::Impl::poll_action(Decoded& decoded) {
    auto& action = decoded.event.action;
    std::optional<OutboxRow> row;
    try {
        row = store.outbox_row_by_remote_id(Platform::matrix, action.message_remote_id);
    } catch (const StoreError& error) {
        log_line(LogLevel::error,
                 std::string("matrix: poll response not applied (it is delivered again): ") +
                     error.what());
        return std::nullopt;
    }
    const auto* question = row ? std::get_if<ChoiceQuestion>(&row->message.content) : nullptr;
    const auto& sent_to = row ? row->message.to.conversation_id : std::string();
    if (!question || (!sent_to.empty() && sent_to != decoded.room_id)) {
        metrics.count("leernetwerk_inbound_rejected_total",
                      {{"platform", "matrix"}, {"reason", "unknown_poll"}});
        log_line(LogLevel::info, "matrix: ignored a poll response in " + decoded.room_id + " to " +
                                     action.message_remote_id + " (not a question of the bot)");
        return false;
    }
    action.action_id = question->action_id;
    return true;
}

}  // namespace leernetwerk::matrix
