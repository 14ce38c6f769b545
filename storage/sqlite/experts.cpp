// External expert requests (table expert_requests, schema v15) and the adviser's decisions.
#include <charconv>

#include "bot/vocab/text.hpp"
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {
namespace {

constexpr std::string_view kRequestSelect = R"sql(
SELECT id, network_id, number, school_year, requested_by, topic, goal, expert, organisation,
       quote, independent, meeting_ids, status, decided_by, decision_reason, created_at,
       decided_at
FROM expert_requests
)sql";

/// Meeting ids as the column keeps them: one a line.
std::string join_ids(const std::vector<Id>& ids) {
    std::string joined;
    for (const auto id : ids) {
        joined += (joined.empty() ? "" : "\n") + std::to_string(id);
    }
    return joined;
}

std::vector<Id> split_ids(const std::string& joined) {
    std::vector<Id> ids;
    for (const auto& line : split(joined, '\n')) {
        Id id = 0;
        const auto [end, error] = std::from_chars(line.data(), line.data() + line.size(), id);
        if (error != std::errc() || end != line.data() + line.size()) {
            throw StoreError("corrupt row: expert request meeting id '" + line + "'");
        }
        ids.push_back(id);
    }
    return ids;
}

ExpertRequest read_request(const Query& query) {
    ExpertRequest request;
    request.id = query.column_int(0);
    request.network_id = query.column_int(1);
    request.number = static_cast<int>(query.column_int(2));
    request.school_year = static_cast<int>(query.column_int(3));
    request.requested_by = query.column_optional_int(4);
    request.topic = query.column_text(5);
    request.goal = query.column_text(6);
    request.expert = query.column_text(7);
    request.organisation = query.column_text(8);
    request.quote = query.column_text(9);
    request.independent = query.column_int(10) != 0;
    const auto meetings = query.column_text(11);
    if (!meetings.empty()) {
        request.meeting_ids = split_ids(meetings);
    }
    const std::string status = query.column_text(12);
    request.status =
        decode(parse_expert_request_status_code(status), "expert request status", status);
    request.decided_by = query.column_optional_int(13);
    request.decision_reason = query.column_text(14);
    request.created_at = query.column_instant(15);
    if (const auto decided = query.column_optional_int(16)) {
        request.decided_at = Instant{std::chrono::seconds{*decided}};
    }
    return request;
}

std::optional<std::int64_t> seconds_or_null(std::optional<Instant> instant) {
    if (!instant) {
        return std::nullopt;
    }
    return std::chrono::duration_cast<std::chrono::seconds>(instant->time_since_epoch()).count();
}

}  // namespace

Id SqliteStore::create_expert_request(const ExpertRequest& request) {
    // The number is one more than the network's highest: requests are never deleted on their
    // own (a withdrawn one stays, with its status), so a number is never given twice.
    Query query = impl_->query(R"sql(
INSERT INTO expert_requests (network_id, number, school_year, requested_by, topic, goal, expert,
                             organisation, quote, independent, meeting_ids, status, decided_by,
                             decision_reason, created_at, decided_at)
VALUES (?1, (SELECT COALESCE(MAX(number), 0) + 1 FROM expert_requests WHERE network_id = ?1),
        ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
RETURNING id
)sql",
                               "create_expert_request");
    query.bind_int(1, request.network_id)
        .bind_int(2, request.school_year)
        .bind_optional_int(3, request.requested_by)
        .bind_text(4, request.topic)
        .bind_text(5, request.goal)
        .bind_text(6, request.expert)
        .bind_text(7, request.organisation)
        .bind_text(8, request.quote)
        .bind_int(9, request.independent ? 1 : 0)
        .bind_text(10, join_ids(request.meeting_ids))
        .bind_text(11, expert_request_status_code(request.status))
        .bind_optional_int(12, request.decided_by)
        .bind_text(13, request.decision_reason)
        .bind_instant(14, request.created_at)
        .bind_optional_int(15, seconds_or_null(request.decided_at));
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

std::optional<ExpertRequest> SqliteStore::expert_request(Id id) {
    static const std::string kSql = select_sql(kRequestSelect, "WHERE id = ?1");
    Query query = impl_->query(kSql, "expert_request");
    query.bind_int(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_request(query);
}

std::optional<ExpertRequest> SqliteStore::expert_request_by_number(Id network_id, int number) {
    static const std::string kSql =
        select_sql(kRequestSelect, "WHERE network_id = ?1 AND number = ?2");
    Query query = impl_->query(kSql, "expert_request_by_number");
    query.bind_int(1, network_id).bind_int(2, number);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_request(query);
}

std::vector<ExpertRequest> SqliteStore::expert_requests_of(Id network_id) {
    static const std::string kSql = select_sql(kRequestSelect, "WHERE network_id = ?1 ORDER BY id");
    Query query = impl_->query(kSql, "expert_requests_of");
    query.bind_int(1, network_id);
    std::vector<ExpertRequest> requests;
    while (query.step()) {
        requests.push_back(read_request(query));
    }
    return requests;
}

void SqliteStore::update_expert_request(const ExpertRequest& request) {
    constexpr std::string_view kOperation = "update_expert_request";
    Query query = impl_->query(R"sql(
UPDATE expert_requests
SET status = ?2, decided_by = ?3, decision_reason = ?4, decided_at = ?5, meeting_ids = ?6
WHERE id = ?1
)sql",
                               kOperation);
    query.bind_int(1, request.id)
        .bind_text(2, expert_request_status_code(request.status))
        .bind_optional_int(3, request.decided_by)
        .bind_text(4, request.decision_reason)
        .bind_optional_int(5, seconds_or_null(request.decided_at))
        .bind_text(6, join_ids(request.meeting_ids));
    Impl::require_changed(query.run(), kOperation, "expert request", request.id);
}

std::vector<ExpertRequest> SqliteStore::expert_requests_by(Id member_id) {
    static const std::string kSql =
        select_sql(kRequestSelect, "WHERE requested_by = ?1 ORDER BY id");
    Query query = impl_->query(kSql, "expert_requests_by");
    query.bind_int(1, member_id);
    std::vector<ExpertRequest> requests;
    while (query.step()) {
        requests.push_back(read_request(query));
    }
    return requests;
}

}  // namespace leernetwerk::storage
