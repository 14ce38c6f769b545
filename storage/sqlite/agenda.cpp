// The agenda's part of the SqliteStore: items with their submitters, the dots of the dot vote,
// and the network's round.
#include "storage/sqlite/sqlite_impl.hpp"

namespace leernetwerk::storage {
namespace {

constexpr std::string_view kItemSelect = R"sql(
SELECT i.id, i.network_id, i.meeting_id, i.kind, i.text, i.explanation, i.status, i.position,
       i.preparer_id, i.minutes, i.created_at,
       (SELECT COALESCE(SUM(d.dots), 0) FROM agenda_dots d WHERE d.item_id = i.id), i.number
FROM agenda_items i
)sql";

std::string item_sql(std::string_view rest) {
    std::string text{kItemSelect};
    text += rest;
    return text;
}

AgendaItem read_item(const Query& query) {
    AgendaItem item;
    item.id = query.column_int(0);
    item.network_id = query.column_int(1);
    item.meeting_id = query.column_optional_int(2);
    const std::string kind = query.column_text(3);
    item.kind = decode(parse_agenda_item_kind_code(kind), "agenda item kind", kind);
    item.text = query.column_text(4);
    item.explanation = query.column_text(5);
    const std::string status = query.column_text(6);
    item.status = decode(parse_agenda_status_code(status), "agenda status", status);
    item.position = static_cast<int>(query.column_int(7));
    item.preparer_id = query.column_optional_int(8);
    item.minutes = static_cast<int>(query.column_int(9));
    item.created_at = query.column_instant(10);
    item.dots = static_cast<int>(query.column_int(11));
    item.number = static_cast<int>(query.column_int(12));
    return item;
}

}  // namespace

namespace {

void load_submitters(StatementCache& statements, AgendaItem& item) {
    Query query{statements,
                "SELECT member_id, hidden, introduces FROM agenda_submitters WHERE item_id = ?1 "
                "ORDER BY position",
                "read agenda submitters"};
    query.bind_int(1, item.id);
    while (query.step()) {
        item.submitters.push_back(
            {query.column_int(0), query.column_int(1) != 0, query.column_int(2) != 0});
    }
}

void write_submitters(StatementCache& statements, const AgendaItem& item, Id item_id,
                      std::string_view operation) {
    Query clear{statements, "DELETE FROM agenda_submitters WHERE item_id = ?1", operation};
    clear.bind_int(1, item_id);
    clear.run();
    int position = 0;
    for (const auto& submitter : item.submitters) {
        Query query{statements,
                    "INSERT INTO agenda_submitters (item_id, member_id, position, hidden, "
                    "introduces) VALUES (?1, ?2, ?3, ?4, ?5) "
                    "ON CONFLICT (item_id, member_id) DO NOTHING",
                    operation};
        query.bind_int(1, item_id)
            .bind_int(2, submitter.member_id)
            .bind_int(3, position++)
            .bind_int(4, submitter.hidden ? 1 : 0)
            .bind_int(5, submitter.introduces ? 1 : 0);
        query.run();
    }
}

AgendaRound read_round(const Query& query) {
    AgendaRound round;
    round.network_id = query.column_int(0);
    round.meeting_id = query.column_optional_int(1);
    round.open = query.column_int(2) != 0;
    round.opened_by = query.column_optional_int(3);
    round.opened_at = query.column_instant(4);
    if (const auto closes = query.column_optional_int(5)) {
        round.closes_at = Instant{std::chrono::seconds{*closes}};
    }
    if (const auto closed = query.column_optional_int(6)) {
        round.closed_at = Instant{std::chrono::seconds{*closed}};
    }
    return round;
}

std::optional<std::int64_t> seconds_or_null(std::optional<Instant> instant) {
    if (!instant) {
        return std::nullopt;
    }
    return std::chrono::duration_cast<std::chrono::seconds>(instant->time_since_epoch()).count();
}

}  // namespace

Id SqliteStore::create_agenda_item(const AgendaItem& item) {
    constexpr std::string_view kOperation = "create_agenda_item";
    Atomic atomic{impl_->db(), kOperation};
    const int number = impl_->next_number(item.network_id, "agenda_item");
    Query query = impl_->query(R"sql(
INSERT INTO agenda_items (network_id, meeting_id, kind, text, explanation, status, position,
                          preparer_id, minutes, created_at, number)
VALUES (?1, ?2, ?3, ?4, ?5, ?6,
        (SELECT COALESCE(MAX(position), 0) + 1 FROM agenda_items
         WHERE network_id = ?1 AND meeting_id IS ?2),
        ?7, ?8, ?9, ?10)
RETURNING id
)sql",
                               kOperation);
    query.bind_int(1, item.network_id)
        .bind_optional_int(2, item.meeting_id)
        .bind_text(3, agenda_item_kind_code(item.kind))
        .bind_text(4, item.text)
        .bind_text(5, item.explanation)
        .bind_text(6, agenda_status_code(item.status))
        .bind_optional_int(7, item.preparer_id)
        .bind_int(8, item.minutes)
        .bind_instant(9, item.created_at)
        .bind_int(10, number);
    query.step();
    const Id id = query.column_int(0);
    query.run();
    write_submitters(impl_->statements_, item, id, kOperation);
    atomic.commit();
    return id;
}

std::optional<AgendaItem> SqliteStore::agenda_item(Id id) {
    static const std::string kSql = item_sql("WHERE i.id = ?1");
    Query query = impl_->query(kSql, "agenda_item");
    query.bind_int(1, id);
    if (!query.step()) {
        return std::nullopt;
    }
    auto item = read_item(query);
    load_submitters(impl_->statements_, item);
    return item;
}

std::optional<AgendaItem> SqliteStore::agenda_item_by_number(Id network_id, int number) {
    const auto id = impl_->id_by_number(
        "SELECT id FROM agenda_items WHERE network_id = ?1 AND number = ?2", network_id, number);
    return id ? agenda_item(*id) : std::nullopt;
}

std::vector<AgendaItem> SqliteStore::agenda_items(Id network_id) {
    static const std::string kSql = item_sql("WHERE i.network_id = ?1 ORDER BY i.position, i.id");
    Query query = impl_->query(kSql, "agenda_items");
    query.bind_int(1, network_id);
    std::vector<AgendaItem> items;
    while (query.step()) {
        items.push_back(read_item(query));
    }
    for (auto& item : items) {
        load_submitters(impl_->statements_, item);
    }
    return items;
}

void SqliteStore::update_agenda_item(const AgendaItem& item) {
    constexpr std::string_view kOperation = "update_agenda_item";
    Atomic atomic{impl_->db(), kOperation};
    Query query = impl_->query(R"sql(
UPDATE agenda_items SET meeting_id = ?2, kind = ?3, text = ?4, explanation = ?5, status = ?6,
                        position = ?7, preparer_id = ?8, minutes = ?9
WHERE id = ?1
)sql",
                               kOperation);
    query.bind_int(1, item.id)
        .bind_optional_int(2, item.meeting_id)
        .bind_text(3, agenda_item_kind_code(item.kind))
        .bind_text(4, item.text)
        .bind_text(5, item.explanation)
        .bind_text(6, agenda_status_code(item.status))
        .bind_int(7, item.position)
        .bind_optional_int(8, item.preparer_id)
        .bind_int(9, item.minutes);
    Impl::require_changed(query.run(), kOperation, "agenda item", item.id);
    write_submitters(impl_->statements_, item, item.id, kOperation);
    atomic.commit();
}

void SqliteStore::delete_agenda_item(Id id) {
    Query query = impl_->query("DELETE FROM agenda_items WHERE id = ?1", "delete_agenda_item");
    query.bind_int(1, id);
    query.run();
}

void SqliteStore::merge_agenda_items(Id into, Id from) {
    constexpr std::string_view kOperation = "merge_agenda_items";
    if (into == from) {
        throw StoreError(std::string{kOperation} + ": an item cannot be merged into itself");
    }
    Atomic atomic{impl_->db(), kOperation};
    {
        Query check =
            impl_->query("SELECT COUNT(*) FROM agenda_items WHERE id IN (?1, ?2)", kOperation);
        check.bind_int(1, into).bind_int(2, from);
        check.step();
        if (check.column_int(0) != 2) {
            Impl::require_changed(0, kOperation, "agenda item pair", from);
        }
    }
    // Someone who brought in both items stays hidden when they asked for it on either: the merged
    // item carries the text they did not want their name on.
    Query submitters = impl_->query(R"sql(
INSERT INTO agenda_submitters (item_id, member_id, position, hidden, introduces)
SELECT ?1, member_id,
       (SELECT COALESCE(MAX(position), -1) FROM agenda_submitters WHERE item_id = ?1) + 1 +
           position,
       hidden, introduces
FROM agenda_submitters WHERE item_id = ?2
ON CONFLICT (item_id, member_id) DO UPDATE SET
    introduces = MAX(introduces, excluded.introduces),
    hidden = MAX(hidden, excluded.hidden)
)sql",
                                    kOperation);
    submitters.bind_int(1, into).bind_int(2, from);
    submitters.run();
    // A member's dots on both add up; each member's total stays what it was (at most three).
    Query dots = impl_->query(R"sql(
INSERT INTO agenda_dots (item_id, member_id, network_id, dots)
SELECT ?1, member_id, network_id, dots FROM agenda_dots WHERE item_id = ?2
ON CONFLICT (item_id, member_id) DO UPDATE SET dots = dots + excluded.dots
)sql",
                              kOperation);
    dots.bind_int(1, into).bind_int(2, from);
    dots.run();
    Query remove = impl_->query("DELETE FROM agenda_items WHERE id = ?1", kOperation);
    remove.bind_int(1, from);
    remove.run();
    atomic.commit();
}

void SqliteStore::set_agenda_dots(Id network_id, Id member_id, const std::vector<AgendaDot>& dots) {
    constexpr std::string_view kOperation = "set_agenda_dots";
    Atomic atomic{impl_->db(), kOperation};
    Query clear = impl_->query("DELETE FROM agenda_dots WHERE network_id = ?1 AND member_id = ?2",
                               kOperation);
    clear.bind_int(1, network_id).bind_int(2, member_id);
    clear.run();
    for (const auto& dot : dots) {
        Query query = impl_->query(
            "INSERT INTO agenda_dots (item_id, member_id, network_id, dots) "
            "VALUES (?1, ?2, ?3, ?4) "
            "ON CONFLICT (item_id, member_id) DO UPDATE SET dots = dots + excluded.dots",
            kOperation);
        query.bind_int(1, dot.item_id)
            .bind_int(2, member_id)
            .bind_int(3, network_id)
            .bind_int(4, dot.dots);
        query.run();
    }
    atomic.commit();
}

std::vector<AgendaDot> SqliteStore::agenda_dots(Id network_id) {
    Query query = impl_->query(
        "SELECT item_id, member_id, dots FROM agenda_dots WHERE network_id = ?1 "
        "ORDER BY item_id, member_id",
        "agenda_dots");
    query.bind_int(1, network_id);
    std::vector<AgendaDot> dots;
    while (query.step()) {
        dots.push_back(
            {query.column_int(0), query.column_int(1), static_cast<int>(query.column_int(2))});
    }
    return dots;
}

void SqliteStore::clear_agenda_dots(Id network_id) {
    Query query =
        impl_->query("DELETE FROM agenda_dots WHERE network_id = ?1", "clear_agenda_dots");
    query.bind_int(1, network_id);
    query.run();
}

std::optional<AgendaRound> SqliteStore::agenda_round(Id network_id) {
    Query query = impl_->query(
        "SELECT network_id, meeting_id, open, opened_by, opened_at, closes_at, closed_at "
        "FROM agenda_rounds WHERE network_id = ?1",
        "agenda_round");
    query.bind_int(1, network_id);
    if (!query.step()) {
        return std::nullopt;
    }
    return read_round(query);
}

void SqliteStore::save_agenda_round(const AgendaRound& round) {
    Query query = impl_->query(R"sql(
INSERT INTO agenda_rounds (network_id, meeting_id, open, opened_by, opened_at, closes_at,
                           closed_at)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
ON CONFLICT (network_id) DO UPDATE SET
    meeting_id = excluded.meeting_id, open = excluded.open, opened_by = excluded.opened_by,
    opened_at = excluded.opened_at, closes_at = excluded.closes_at, closed_at = excluded.closed_at
)sql",
                               "save_agenda_round");
    query.bind_int(1, round.network_id)
        .bind_optional_int(2, round.meeting_id)
        .bind_int(3, round.open ? 1 : 0)
        .bind_optional_int(4, round.opened_by)
        .bind_instant(5, round.opened_at)
        .bind_optional_int(6, seconds_or_null(round.closes_at))
        .bind_optional_int(7, seconds_or_null(round.closed_at));
    query.run();
}

}  // namespace leernetwerk::storage
