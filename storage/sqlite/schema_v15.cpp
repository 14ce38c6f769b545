// The SQL of migration step 15 (schema_steps.hpp): participation (issue 17). A new step goes at
// the end of this file (or a next one) and into migrations.cpp's list.
#include "storage/sqlite/schema_steps.hpp"

namespace leernetwerk::storage {

// Who came to a meeting, apart from who said they would (the RSVPs): a list per meeting, opened
// when it starts, and one mark per member. A member who is erased keeps their marks under a
// negative number that names nobody (erasure keeps the network's figures), which is why
// attendance.member_id and the hours' member ids refer to no table.
// Hours are computed from attendance, preparers and the configured rules; only a facilitator's
// corrections are stored, with their reason. The gift list of theme preparers is made when a
// café's year ends (year_closures), with the names as they were then. External expert requests
// wait for the adviser's decision.
extern const std::string_view kSchemaV15 = R"sql(
CREATE TABLE attendance_lists (
    meeting_id      INTEGER PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    opened_at       INTEGER NOT NULL,
    closed_at       INTEGER,
    card_message_id INTEGER
);

CREATE TABLE attendance (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL,
    present    INTEGER NOT NULL CHECK (present IN (0, 1)),
    source     TEXT NOT NULL CHECK (source IN ('rsvp', 'facilitator', 'self')),
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
) WITHOUT ROWID;
CREATE INDEX attendance_by_member ON attendance (member_id);

CREATE TABLE hours_corrections (
    id           INTEGER PRIMARY KEY,
    network_id   INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    member_id    INTEGER NOT NULL,
    school_year  INTEGER NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('development', 'task')),
    delta_tenths INTEGER NOT NULL,
    reason       TEXT NOT NULL,
    by_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX hours_corrections_by_year ON hours_corrections (network_id, school_year, id);
CREATE INDEX hours_corrections_by_member ON hours_corrections (member_id);

CREATE TABLE gifts (
    id          INTEGER PRIMARY KEY,
    network_id  INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    school_year INTEGER NOT NULL,
    number      INTEGER NOT NULL,
    member_id   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    name        TEXT NOT NULL,
    school      TEXT NOT NULL DEFAULT '',
    prepared    TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('due', 'given')),
    given_at    INTEGER,
    created_at  INTEGER NOT NULL,
    UNIQUE (network_id, school_year, number)
);
CREATE INDEX gifts_by_member ON gifts (member_id) WHERE member_id IS NOT NULL;

CREATE TABLE year_closures (
    network_id  INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    school_year INTEGER NOT NULL,
    closed_at   INTEGER NOT NULL,
    PRIMARY KEY (network_id, school_year)
) WITHOUT ROWID;

CREATE TABLE expert_requests (
    id              INTEGER PRIMARY KEY,
    network_id      INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    number          INTEGER NOT NULL,
    school_year     INTEGER NOT NULL,
    requested_by    INTEGER REFERENCES members (id) ON DELETE SET NULL,
    topic           TEXT NOT NULL,
    goal            TEXT NOT NULL,
    expert          TEXT NOT NULL DEFAULT '',
    organisation    TEXT NOT NULL,
    quote           TEXT NOT NULL,
    independent     INTEGER NOT NULL CHECK (independent IN (0, 1)),
    meeting_ids     TEXT NOT NULL DEFAULT '',  -- meeting ids, one a line
    status          TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined', 'withdrawn')),
    decided_by      INTEGER REFERENCES members (id) ON DELETE SET NULL,
    decision_reason TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    decided_at      INTEGER,
    UNIQUE (network_id, number)
);
CREATE INDEX expert_requests_by_member ON expert_requests (requested_by)
    WHERE requested_by IS NOT NULL;
)sql";

}  // namespace leernetwerk::storage
