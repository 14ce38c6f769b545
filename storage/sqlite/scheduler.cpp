// The scheduler's jobs on SQLite, keyed by kind and key.
#include <array>
#include <string>
#include <utility>

#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {

namespace {

constexpr std::array<std::pair<JobState, std::string_view>, 3> kJobStates{{
    {JobState::due, "due"},
    {JobState::done, "done"},
    {JobState::cancelled, "cancelled"},
}};

std::string_view job_state_code(JobState state) {
    for (const auto& [value, code] : kJobStates) {
        if (value == state)
            return code;
    }
    return "due";
}

std::optional<JobState> parse_job_state_code(std::string_view code) {
    for (const auto& [value, name] : kJobStates) {
        if (name == code)
            return value;
    }
    return std::nullopt;
}

constexpr std::string_view kJobSelect = "SELECT id, kind, key, due_at, payload, state FROM jobs ";

/// The smallest string greater than every string that starts with `prefix` (byte order, as
/// SQLite's BINARY collation compares): the prefix with its last byte below 0xFF incremented and
/// what follows it dropped. nullopt when there is none (an empty prefix, or only 0xFF bytes).
std::optional<std::string> key_prefix_end(std::string_view prefix) {
    std::string end{prefix};
    while (!end.empty()) {
        const auto last = static_cast<unsigned char>(end.back());
        if (last != 0xFF) {
            end.back() = static_cast<char>(last + 1);
            return end;
        }
        end.pop_back();
    }
    return std::nullopt;
}

Job read_job(const Query& query) {
    Job job;
    job.id = query.column_int(0);
    job.kind = query.column_text(1);
    job.key = query.column_text(2);
    job.due_at = query.column_instant(3);
    job.payload = query.column_text(4);
    const std::string state = query.column_text(5);
    job.state = decode(parse_job_state_code(state), "job state", state);
    return job;
}

}  // namespace

Id SqliteStore::schedule_job(const Job& job) {
    // Scheduling an existing (kind, key) again moves it and makes it due, whatever its state.
    Query query = impl_->query(
        "INSERT INTO jobs (kind, key, due_at, payload, state) VALUES (?1, ?2, ?3, ?4, 'due') "
        "ON CONFLICT (kind, key) DO UPDATE SET due_at = excluded.due_at, "
        "payload = excluded.payload, state = 'due' "
        "RETURNING id",
        "schedule_job");
    query.bind_text(1, job.kind)
        .bind_text(2, job.key)
        .bind_instant(3, job.due_at)
        .bind_text(4, job.payload);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    return id;
}

std::vector<Job> SqliteStore::due_jobs(Instant now, int limit) {
    if (limit <= 0) {
        return {};
    }
    static const std::string kSql =
        select_sql(kJobSelect, "WHERE state = 'due' AND due_at <= ?1 ORDER BY due_at, id LIMIT ?2");
    Query query = impl_->query(kSql, "due_jobs");
    query.bind_instant(1, now).bind_int(2, limit);
    std::vector<Job> result;
    while (query.step()) {
        result.push_back(read_job(query));
    }
    return result;
}

void SqliteStore::finish_job(Id id) {
    Query query = impl_->query("UPDATE jobs SET state = ?2 WHERE id = ?1", "finish_job");
    query.bind_int(1, id).bind_text(2, job_state_code(JobState::done));
    Impl::require_changed(query.run(), "finish_job", "job", id);
}

void SqliteStore::cancel_job(std::string_view kind, std::string_view key) {
    Query query = impl_->query(
        "UPDATE jobs SET state = 'cancelled' WHERE kind = ?1 AND key = ?2 AND state = 'due'",
        "cancel_job");
    query.bind_text(1, kind).bind_text(2, key);
    query.run();
}

std::optional<Job> SqliteStore::job(std::string_view kind, std::string_view key) {
    static const std::string kSql = select_sql(kJobSelect, "WHERE kind = ?1 AND key = ?2");
    Query query = impl_->query(kSql, "job");
    query.bind_text(1, kind).bind_text(2, key);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_job(query);
}

std::vector<Job> SqliteStore::jobs_with_key_prefix(std::string_view kind,
                                                   std::string_view key_prefix) {
    // A range on the UNIQUE (kind, key) index: prefix <= key < the prefix's end. No LIKE or GLOB,
    // whose wildcards a key may contain and which do not use the index.
    static const std::string kBoundedSql =
        select_sql(kJobSelect, "WHERE kind = ?1 AND key >= ?2 AND key < ?3 ORDER BY key");
    static const std::string kOpenSql =
        select_sql(kJobSelect, "WHERE kind = ?1 AND key >= ?2 ORDER BY key");
    const std::optional<std::string> end = key_prefix_end(key_prefix);
    Query query = impl_->query(end ? kBoundedSql : kOpenSql, "jobs_with_key_prefix");
    query.bind_text(1, kind).bind_text(2, key_prefix);
    if (end) {
        query.bind_text(3, *end);
    }
    std::vector<Job> result;
    while (query.step()) {
        result.push_back(read_job(query));
    }
    return result;
}

std::optional<Instant> SqliteStore::next_job_due() {
    // Served by the jobs_due (state, due_at) index: one step to its first 'due' entry.
    Query query = impl_->query("SELECT min(due_at) FROM jobs WHERE state = 'due'", "next_job_due");
    query.step();  // an aggregate: always one row, NULL when no job is due
    if (!query.column_optional_int(0)) {
        return std::nullopt;
    }
    return query.column_instant(0);
}

}  // namespace leernetwerk::storage
