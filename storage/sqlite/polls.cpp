// Polls and evaluations on SQLite. Answers are keyed by respondent token only (see kSchemaV5).
#include <nlohmann/json.hpp>

#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {
namespace {

using json = nlohmann::json;

constexpr std::string_view kPollSelect =
    "SELECT id, network_id, created_by, title, template, language, anonymous, live, deadline, "
    "audience, role, meeting_id, state, created_at, closed_at, number FROM polls ";

Poll read_poll(const Query& query) {
    Poll poll;
    poll.id = query.column_int(0);
    poll.network_id = query.column_int(1);
    poll.created_by = query.column_optional_int(2).value_or(0);
    poll.title = query.column_text(3);
    poll.template_code = query.column_text(4);
    const std::string lang = query.column_text(5);
    poll.lang = decode(parse_lang(lang), "language", lang);
    poll.anonymous = query.column_int(6) != 0;
    poll.live = query.column_int(7) != 0;
    poll.deadline = query.column_instant(8);
    const std::string audience = query.column_text(9);
    poll.audience = decode(parse_poll_audience_code(audience), "poll audience", audience);
    const std::string role = query.column_text(10);
    poll.role = decode(parse_role_code(role), "role", role);
    poll.meeting_id = query.column_optional_int(11);
    const std::string state = query.column_text(12);
    if (state != "open" && state != "closed") {
        throw StoreError("corrupt row: unknown poll state '" + state + "'");
    }
    poll.state = state == "open" ? PollState::open : PollState::closed;
    poll.created_at = query.column_instant(13);
    if (query.column_optional_int(14)) {
        poll.closed_at = query.column_instant(14);
    }
    poll.number = static_cast<int>(query.column_int(15));
    return poll;
}

std::vector<std::string> read_options(const std::string& text) {
    std::vector<std::string> options;
    const auto parsed = json::parse(text, nullptr, false);
    if (!parsed.is_array()) {
        throw StoreError("corrupt row: poll question options are not a JSON array");
    }
    for (const auto& option : parsed) {
        if (!option.is_string()) {
            throw StoreError("corrupt row: a poll option is not a string");
        }
        options.push_back(option.get<std::string>());
    }
    return options;
}

}  // namespace

Id SqliteStore::create_poll(const Poll& poll) {
    Atomic atomic{impl_->db(), "create_poll"};
    const int number = impl_->next_number(poll.network_id, "poll");
    Query query = impl_->query(R"sql(
INSERT INTO polls (network_id, created_by, title, template, language, anonymous, live, deadline,
                   audience, role, meeting_id, state, created_at, closed_at, number)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'open', ?12, NULL, ?13)
RETURNING id
)sql",
                               "create_poll");
    query.bind_int(1, poll.network_id)
        .bind_optional_int(2, id_or_null(poll.created_by))
        .bind_text(3, poll.title)
        .bind_text(4, poll.template_code)
        .bind_text(5, lang_code(poll.lang))
        .bind_int(6, poll.anonymous ? 1 : 0)
        .bind_int(7, poll.live ? 1 : 0)
        .bind_instant(8, poll.deadline)
        .bind_text(9, poll_audience_code(poll.audience))
        .bind_text(10, role_code(poll.role))
        .bind_optional_int(11, poll.meeting_id)
        .bind_instant(12, poll.created_at)
        .bind_int(13, number);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    for (std::size_t position = 0; position < poll.questions.size(); ++position) {
        const auto& question = poll.questions[position];
        json options = json::array();
        for (const auto& option : question.options) {
            options.push_back(option);
        }
        Query insert = impl_->query(R"sql(
INSERT INTO poll_questions (poll_id, position, kind, prompt, label, options, max_choices, scale,
                            low_label, high_label)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
)sql",
                                    "create_poll");
        insert.bind_int(1, id)
            .bind_int(2, static_cast<std::int64_t>(position))
            .bind_text(3, poll_question_kind_code(question.kind))
            .bind_text(4, question.prompt)
            .bind_text(5, question.label)
            .bind_text(6, options.dump(-1, ' ', false, json::error_handler_t::replace))
            .bind_int(7, question.max_choices)
            .bind_int(8, question.scale)
            .bind_text(9, question.low_label)
            .bind_text(10, question.high_label);
        insert.run();
    }
    atomic.commit();
    return id;
}

std::vector<Poll> SqliteStore::read_polls(std::string_view sql, std::optional<Id> bound) {
    std::vector<Poll> polls;
    {
        Query query = impl_->query(sql, "read polls");
        if (bound) {
            query.bind_int(1, *bound);
        }
        while (query.step()) {
            polls.push_back(read_poll(query));
        }
    }
    for (auto& poll : polls) {
        Query query = impl_->query(
            "SELECT kind, prompt, label, options, max_choices, scale, low_label, high_label "
            "FROM poll_questions WHERE poll_id = ?1 ORDER BY position",
            "read poll questions");
        query.bind_int(1, poll.id);
        while (query.step()) {
            PollQuestion question;
            const std::string kind = query.column_text(0);
            question.kind = decode(parse_poll_question_kind_code(kind), "poll question kind", kind);
            question.prompt = query.column_text(1);
            question.label = query.column_text(2);
            question.options = read_options(query.column_text(3));
            question.max_choices = static_cast<int>(query.column_int(4));
            question.scale = static_cast<int>(query.column_int(5));
            question.low_label = query.column_text(6);
            question.high_label = query.column_text(7);
            poll.questions.push_back(std::move(question));
        }
    }
    return polls;
}

std::optional<Poll> SqliteStore::poll(Id id) {
    static const std::string kSql = std::string(kPollSelect) + "WHERE id = ?1";
    auto polls = read_polls(kSql, id);
    if (polls.empty()) {
        return std::nullopt;
    }
    return std::move(polls.front());
}

std::optional<Poll> SqliteStore::poll_by_number(Id network_id, int number) {
    const auto id = impl_->id_by_number(
        "SELECT id FROM polls WHERE network_id = ?1 AND number = ?2", network_id, number);
    return id ? poll(*id) : std::nullopt;
}

std::vector<Poll> SqliteStore::polls_of(Id network_id) {
    static const std::string kSql =
        std::string(kPollSelect) + "WHERE network_id = ?1 ORDER BY id DESC";
    return read_polls(kSql, network_id);
}

std::vector<Poll> SqliteStore::open_polls() {
    static const std::string kSql = std::string(kPollSelect) + "WHERE state = 'open' ORDER BY id";
    return read_polls(kSql, std::nullopt);
}

void SqliteStore::close_poll(Id id, Instant now) {
    Query query = impl_->query(
        "UPDATE polls SET state = 'closed', closed_at = ?2 WHERE id = ?1 AND state = 'open'",
        "close_poll");
    query.bind_int(1, id).bind_instant(2, now);
    query.run();
}

void SqliteStore::add_poll_invitees(Id poll_id, const std::vector<Id>& member_ids) {
    for (const auto member_id : member_ids) {
        Query query =
            impl_->query("INSERT OR IGNORE INTO poll_invitees (poll_id, member_id) VALUES (?1, ?2)",
                         "add_poll_invitees");
        query.bind_int(1, poll_id).bind_int(2, member_id);
        query.run();
    }
}

std::vector<Id> SqliteStore::poll_invitees(Id poll_id) {
    Query query =
        impl_->query("SELECT member_id FROM poll_invitees WHERE poll_id = ?1 ORDER BY member_id",
                     "poll_invitees");
    query.bind_int(1, poll_id);
    std::vector<Id> ids;
    while (query.step()) {
        ids.push_back(query.column_int(0));
    }
    return ids;
}

bool SqliteStore::add_poll_respondent(Id poll_id, std::string_view token,
                                      std::optional<Id> member_id) {
    Query query = impl_->query(
        "INSERT OR IGNORE INTO poll_respondents (poll_id, token, member_id) VALUES (?1, ?2, ?3)",
        "add_poll_respondent");
    query.bind_int(1, poll_id).bind_text(2, token).bind_optional_int(3, member_id);
    return query.run() > 0;
}

std::vector<PollRespondent> SqliteStore::poll_respondents(Id poll_id) {
    Query query = impl_->query(
        "SELECT token, member_id FROM poll_respondents WHERE poll_id = ?1 ORDER BY token",
        "poll_respondents");
    query.bind_int(1, poll_id);
    std::vector<PollRespondent> out;
    while (query.step()) {
        out.push_back({query.column_text(0), query.column_optional_int(1)});
    }
    return out;
}

bool SqliteStore::set_poll_answer(Id poll_id, const PollAnswer& answer) {
    bool replaced = false;
    {
        Query query = impl_->query(
            "SELECT 1 FROM poll_answers WHERE poll_id = ?1 AND token = ?2 AND question = ?3",
            "set_poll_answer");
        query.bind_int(1, poll_id).bind_text(2, answer.token).bind_int(3, answer.question);
        replaced = query.step();
    }
    Query query = impl_->query(
        "INSERT INTO poll_answers (poll_id, token, question, value) VALUES (?1, ?2, ?3, ?4) "
        "ON CONFLICT (poll_id, token, question) DO UPDATE SET value = excluded.value",
        "set_poll_answer");
    query.bind_int(1, poll_id)
        .bind_text(2, answer.token)
        .bind_int(3, answer.question)
        .bind_text(4, answer.value);
    query.run();
    return replaced;
}

std::vector<PollAnswer> SqliteStore::poll_answers(Id poll_id) {
    Query query = impl_->query(
        "SELECT token, question, value FROM poll_answers WHERE poll_id = ?1 "
        "ORDER BY token, question",
        "poll_answers");
    query.bind_int(1, poll_id);
    std::vector<PollAnswer> out;
    while (query.step()) {
        out.push_back(
            {query.column_text(0), static_cast<int>(query.column_int(1)), query.column_text(2)});
    }
    return out;
}

std::vector<PollAnswer> SqliteStore::poll_answers_of(Id poll_id, std::string_view token) {
    Query query = impl_->query(
        "SELECT token, question, value FROM poll_answers WHERE poll_id = ?1 AND token = ?2 "
        "ORDER BY question",
        "poll_answers_of");
    query.bind_int(1, poll_id).bind_text(2, token);
    std::vector<PollAnswer> out;
    while (query.step()) {
        out.push_back(
            {query.column_text(0), static_cast<int>(query.column_int(1)), query.column_text(2)});
    }
    return out;
}

void SqliteStore::remove_poll_answers(Id poll_id) {
    for (const auto* sql : {"DELETE FROM poll_answers WHERE poll_id = ?1",
                            "DELETE FROM poll_respondents WHERE poll_id = ?1"}) {
        Query query = impl_->query(sql, "remove_poll_answers");
        query.bind_int(1, poll_id);
        query.run();
    }
}

void SqliteStore::replace_poll_ballots(Id poll_id, const std::vector<SealedBallot>& ballots) {
    Query remove = impl_->query("DELETE FROM poll_ballots WHERE poll_id = ?1", "replace_poll_ballots");
    remove.bind_int(1, poll_id);
    remove.run();
    for (const auto& ballot : ballots) {
        Query insert = impl_->query(
            "INSERT INTO poll_ballots (poll_id, slot, sealed) VALUES (?1, ?2, ?3)",
            "replace_poll_ballots");
        insert.bind_int(1, poll_id).bind_blob(2, ballot.slot).bind_blob(3, ballot.sealed);
        insert.run();
    }
}

std::vector<SealedBallot> SqliteStore::poll_ballots(Id poll_id) {
    Query query = impl_->query(
        "SELECT slot, sealed FROM poll_ballots WHERE poll_id = ?1 ORDER BY slot", "poll_ballots");
    query.bind_int(1, poll_id);
    std::vector<SealedBallot> out;
    while (query.step()) {
        out.push_back({query.column_blob(0), query.column_blob(1)});
    }
    return out;
}

void SqliteStore::link_poll_message(Id message_id, Id poll_id) {
    Query query = impl_->query(
        "INSERT OR IGNORE INTO poll_messages (message_id, poll_id) VALUES (?1, ?2)",
        "link_poll_message");
    query.bind_int(1, message_id).bind_int(2, poll_id);
    query.run();
}

int SqliteStore::forget_poll_messages(Id poll_id) {
    // The link goes with the message (ON DELETE CASCADE); so do a question's links to it.
    Query query = impl_->query(R"sql(
DELETE FROM outbox WHERE state IN ('sent', 'failed') AND id IN (
    SELECT message_id FROM poll_messages WHERE poll_id = ?1)
  AND NOT EXISTS (SELECT 1 FROM outbox later WHERE later.replaces_id = outbox.id
                                               AND later.state IN ('pending', 'sending'))
)sql",
                               "forget_poll_messages");
    query.bind_int(1, poll_id);
    return query.run();
}

std::vector<Id> SqliteStore::closed_polls_with_messages() {
    Query query = impl_->query(
        "SELECT DISTINCT m.poll_id FROM poll_messages m JOIN polls p ON p.id = m.poll_id "
        "WHERE p.state = 'closed' ORDER BY m.poll_id",
        "closed_polls_with_messages");
    std::vector<Id> out;
    while (query.step()) {
        out.push_back(query.column_int(0));
    }
    return out;
}

std::optional<int> SqliteStore::poll_min_respondents(Id network_id) {
    Query query = impl_->query("SELECT min_respondents FROM poll_settings WHERE network_id = ?1",
                               "poll_min_respondents");
    query.bind_int(1, network_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return static_cast<int>(query.column_int(0));
}

void SqliteStore::set_poll_min_respondents(Id network_id, int count) {
    Query query = impl_->query(
        "INSERT INTO poll_settings (network_id, min_respondents) VALUES (?1, ?2) "
        "ON CONFLICT (network_id) DO UPDATE SET min_respondents = excluded.min_respondents",
        "set_poll_min_respondents");
    query.bind_int(1, network_id).bind_int(2, count);
    query.run();
}

void SqliteStore::merge_poll_respondent(Id poll_id, std::string_view into_token,
                                        std::string_view from_token) {
    constexpr std::string_view kOperation = "merge_poll_respondent";
    Atomic atomic{impl_->db(), kOperation};
    const auto run = [&](std::string_view sql) {
        Query query = impl_->query(sql, kOperation);
        query.bind_int(1, poll_id).bind_text(2, into_token).bind_text(3, from_token);
        query.run();
    };
    run("INSERT INTO poll_respondents (poll_id, token, member_id) "
        "SELECT poll_id, ?2, member_id FROM poll_respondents WHERE poll_id = ?1 AND token = ?3 "
        "ON CONFLICT (poll_id, token) DO NOTHING");
    run("INSERT INTO poll_answers (poll_id, token, question, value) "
        "SELECT poll_id, ?2, question, value FROM poll_answers WHERE poll_id = ?1 AND token = ?3 "
        "ON CONFLICT (poll_id, token, question) DO NOTHING");
    run("DELETE FROM poll_answers WHERE poll_id = ?1 AND token = ?3 AND ?2 <> ?3");
    run("DELETE FROM poll_respondents WHERE poll_id = ?1 AND token = ?3 AND ?2 <> ?3");
    atomic.commit();
}

}  // namespace leernetwerk::storage
