// Bot-account mode: the /sync long-poll loop with its filter, back-fill of gappy timelines and
// backoff; batches go through the same path as pushed transactions.
#include "adapters/matrix/matrix_adapter_impl.hpp"

namespace leernetwerk::matrix {

bool MatrixAdapter::Impl::sync_alive(std::uint64_t generation) const {
    return running && generation == sync_generation;
}

void MatrixAdapter::Impl::start_sync() {
    const auto generation = ++sync_generation;
    sync_failures = 0;
    try {
        since = store.adapter_state(kNextBatchKey).value_or("");
        // Databases from before this was kept have none: nothing is held back there.
        const auto start = store.adapter_state(kSyncStartKey).value_or("");
        history_before_ms = 0;
        std::from_chars(start.data(), start.data() + start.size(), history_before_ms);
    } catch (const StoreError& error) {
        log_line(LogLevel::error, std::string("matrix: sync position not read, starting "
                                              "without history: ") +
                                      error.what());
        since.clear();
    }
    log_line(LogLevel::info, since.empty() ? "matrix: bot-account mode, first sync"
                                           : "matrix: bot-account mode, resuming sync");
    upload_filter(generation);
}

void MatrixAdapter::Impl::upload_filter(std::uint64_t generation) {
    net::ClientRequest request;
    request.method = "POST";
    request.url = client_url("/user/" + net::encode_path_segment(options.user_id) + "/filter");
    request.body = sync_filter_json();
    auto self = shared_from_this();
    call(std::move(request), [self, generation](Result<net::ClientResponse> response) {
        if (!self->sync_alive(generation)) {
            return;
        }
        std::string id;
        if (response && response->status == 200) {
            const auto parsed = json::parse(response->body, nullptr, false);
            if (parsed.is_object() && parsed.contains("filter_id") &&
                parsed["filter_id"].is_string()) {
                id = parsed["filter_id"].get<std::string>();
            }
        }
        if (id.empty()) {
            log_line(LogLevel::warn, "matrix: sync filter not uploaded (" + describe(response).why +
                                         "); syncing with an inline filter");
            id = sync_filter_json();
        }
        self->sync_filter = std::move(id);
        self->sync_once(generation);
    });
}

void MatrixAdapter::Impl::sync_once(std::uint64_t generation) {
    if (!sync_alive(generation)) {
        return;
    }
    const bool initial = since.empty();
    std::vector<std::pair<std::string, std::string>> query = {
        {"filter", sync_filter},
        {"timeout", std::to_string(initial ? 0 : options.sync_timeout.count())},
        {"set_presence", "offline"}};
    if (!initial) {
        query.emplace_back("since", since);
    }
    net::ClientRequest request;
    request.method = "GET";
    request.url = client_url("/sync", query);
    auto self = shared_from_this();
    call(
        std::move(request),
        [self, generation, initial](Result<net::ClientResponse> response) {
            if (!self->sync_alive(generation)) {
                return;
            }
            if (!response || response->status != 200) {
                self->sync_failed(generation, describe(response));
                return;
            }
            auto batch = parse_sync(response->body, self->options.user_id);
            if (!batch) {
                Failure failure;
                failure.why = batch.error();
                self->sync_failed(generation, failure);
                return;
            }
            auto shared = std::make_shared<SyncBatch>(std::move(*batch));
            if (initial) {
                // History from before the bot was running is not answered: only pending
                // invites are taken up, and the position is kept.
                for (auto& room : shared->joined) {
                    room.events.clear();
                }
                log_line(LogLevel::info,
                         "matrix: first sync: " + std::to_string(shared->joined.size()) +
                             " joined rooms, earlier messages are not answered");
                self->apply_batch(generation, shared, true);
                return;
            }
            self->backfill(generation, shared, 0);
        },
        options.sync_timeout + kSyncGrace);
}

void MatrixAdapter::Impl::backfill(std::uint64_t generation, std::shared_ptr<SyncBatch> batch,
                                   std::size_t index) {
    while (index < batch->joined.size() &&
           (!batch->joined[index].limited || batch->joined[index].prev_batch.empty())) {
        ++index;
    }
    if (index == batch->joined.size()) {
        apply_batch(generation, batch);
        return;
    }
    const auto room_id = batch->joined[index].room_id;
    net::ClientRequest request;
    request.method = "GET";
    request.url = client_url("/rooms/" + net::encode_path_segment(room_id) + "/messages",
                             {{"dir", "b"},
                              {"from", batch->joined[index].prev_batch},
                              {"to", since},
                              {"limit", std::to_string(options.backfill_limit)},
                              {"filter", timeline_filter_json()}});
    auto self = shared_from_this();
    call(std::move(request), [self, generation, batch, index,
                              room_id](Result<net::ClientResponse> response) {
        if (!self->sync_alive(generation)) {
            return;
        }
        auto& room = batch->joined[index];
        std::optional<MessagesPage> page;
        if (response && response->status == 200) {
            if (auto parsed = parse_messages(response->body, room_id)) {
                page = std::move(*parsed);
            }
        }
        if (!page) {
            log_line(LogLevel::warn, "matrix: messages missed in " + room_id +
                                         " (a gap in the sync) could not be fetched (" +
                                         describe(response).why +
                                         "); older messages there were skipped");
        } else {
            log_line(LogLevel::info, "matrix: fetched " + std::to_string(page->events.size()) +
                                         " messages missed in " + room_id);
            if (page->more) {
                log_line(LogLevel::warn, "matrix: more than " +
                                             std::to_string(self->options.backfill_limit) +
                                             " messages missed in " + room_id +
                                             "; older messages there were skipped");
            }
            page->events.insert(page->events.end(), std::make_move_iterator(room.events.begin()),
                                std::make_move_iterator(room.events.end()));
            room.events = std::move(page->events);
        }
        self->backfill(generation, batch, index + 1);
    });
}

void MatrixAdapter::Impl::apply_batch(std::uint64_t generation,
                                      const std::shared_ptr<SyncBatch>& batch, bool initial) {
    std::vector<Join> joins;
    Inbound inbound;
    bool applied = decode_events(batch->invites, "sync", joins, inbound);
    for (const auto& room : batch->joined) {
        std::vector<RoomEvent> recent;
        for (const auto& event : room.events) {
            if (event.origin_server_ts > 0 && event.origin_server_ts < history_before_ms) {
                metrics.count("leernetwerk_inbound_skipped_events_total",
                              {{"platform", "matrix"}, {"reason", "before_start"}});
                continue;
            }
            recent.push_back(event);
        }
        applied = applied && decode_events(recent, "sync", joins, inbound);
    }
    const auto started_ms = std::to_string(
        std::chrono::duration_cast<std::chrono::milliseconds>(clock().time_since_epoch()).count());
    bool stored = false;
    if (applied) {
        const auto results =
            apply_inbound(inbound, [&](const std::vector<Result<Handled>>& so_far) {
                if (!std::all_of(so_far.begin(), so_far.end(),
                                 [](const Result<Handled>& r) { return bool(r); })) {
                    return;  // fetched again from the stored position
                }
                store.set_adapter_state(kNextBatchKey, batch->next_batch, clock());
                if (initial) {
                    store.set_adapter_state(kSyncStartKey, started_ms, clock());
                }
                stored = true;
            });
        applied = stored && std::all_of(results.begin(), results.end(),
                                        [](const Result<Handled>& r) { return bool(r); });
    }
    if (!applied) {
        Failure failure;
        failure.why = "the batch was not stored";
        sync_failed(generation, failure);
        wake();
        return;
    }
    if (initial) {
        std::from_chars(started_ms.data(), started_ms.data() + started_ms.size(),
                        history_before_ms);
    }
    since = batch->next_batch;
    sync_failures = 0;
    metrics.count("leernetwerk_matrix_syncs_total", {{"result", "ok"}});
    for (const auto& join : joins) {
        join_room(join.room_id, join.invite_event_id, join.direct);
    }
    wake();
    auto self = shared_from_this();
    asio::post(io, [self, generation] { self->sync_once(generation); });
}

void MatrixAdapter::Impl::sync_failed(std::uint64_t generation, const Failure& failure) {
    ++sync_failures;
    auto delay = net::backoff_delay(
        sync_failures, options.retry.base,
        std::min<std::chrono::milliseconds>(options.retry.cap, kSyncRetryCap), random);
    if (failure.retry_after) {
        delay = std::max(
            delay, std::min<std::chrono::milliseconds>(*failure.retry_after, kSyncRetryAfterCap));
    }
    metrics.count("leernetwerk_matrix_syncs_total", {{"result", "retry"}});
    const auto wait = ", next sync in " + std::to_string(delay.count()) + " ms";
    if (failure.status == 401 || failure.errcode == "M_UNKNOWN_TOKEN" ||
        failure.errcode == "M_MISSING_TOKEN") {
        log_line(LogLevel::error,
                 "matrix: configuration error: the homeserver refused the bot account's "
                 "access token (" +
                     failure.why + "); check [matrix] access_token_file and user_id" + wait);
    } else {
        log_line(LogLevel::warn, "matrix: sync failed: " + failure.why + wait);
    }
    sync_timer.expires_after(delay);
    auto self = shared_from_this();
    sync_timer.async_wait([self, generation](const boost::system::error_code& error) {
        if (error != asio::error::operation_aborted) {
            self->sync_once(generation);
        }
    });
}

}  // namespace leernetwerk::matrix
