// The SQL of migration steps 1 to 6 (schema_steps.hpp): the initial schema up to polls.
#include "storage/sqlite/schema_steps.hpp"

namespace leernetwerk::storage {

// Conventions: instants are INTEGER unix seconds (UTC); enumerated text columns have a CHECK with
// the codes of bot/model.hpp; *_key columns hold fold()ed names for case/accent-insensitive lookup.
// Append new steps at the end; never edit a step that has been released.
extern const std::string_view kSchemaV1 = R"sql(
PRAGMA application_id = 1280202562;  -- kApplicationId, "LNWB"

CREATE TABLE networks (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    theme       TEXT NOT NULL DEFAULT '',
    time_zone   TEXT NOT NULL,
    meeting_cap INTEGER NOT NULL CHECK (meeting_cap >= 0),
    created_at  INTEGER NOT NULL
);

CREATE TABLE schools (
    id       INTEGER PRIMARY KEY,
    name     TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE
);

CREATE TABLE members (
    id                INTEGER PRIMARY KEY,
    display_name      TEXT NOT NULL,
    name_key          TEXT NOT NULL,
    school_id         INTEGER REFERENCES schools (id) ON DELETE SET NULL,
    language          TEXT CHECK (language IN ('nl', 'en')),
    active_network_id INTEGER REFERENCES networks (id) ON DELETE SET NULL,
    created_at        INTEGER NOT NULL
);
CREATE INDEX members_by_name ON members (name_key, id);
CREATE INDEX members_by_school ON members (school_id);
CREATE INDEX members_by_active_network ON members (active_network_id);

CREATE TABLE member_expertise (
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    position  INTEGER NOT NULL,
    tag       TEXT NOT NULL,
    tag_key   TEXT NOT NULL,
    PRIMARY KEY (member_id, position)
) WITHOUT ROWID;
CREATE INDEX member_expertise_by_tag ON member_expertise (tag_key);

CREATE TABLE identities (
    platform  TEXT NOT NULL CHECK (platform IN ('console', 'teams', 'matrix')),
    user_id   TEXT NOT NULL,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (platform, user_id)
) WITHOUT ROWID;
CREATE INDEX identities_by_member ON identities (member_id);

CREATE TABLE memberships (
    id         INTEGER PRIMARY KEY,
    network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('participant', 'organiser', 'facilitator',
                                             'workshop_leader', 'expert', 'guest')),
    joined_at  INTEGER NOT NULL,
    left_at    INTEGER
);
CREATE UNIQUE INDEX memberships_current ON memberships (network_id, member_id)
    WHERE left_at IS NULL;
CREATE INDEX memberships_by_member ON memberships (member_id, network_id);

CREATE TABLE conversations (
    platform        TEXT NOT NULL CHECK (platform IN ('console', 'teams', 'matrix')),
    conversation_id TEXT NOT NULL,
    network_id      INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    PRIMARY KEY (platform, conversation_id)
) WITHOUT ROWID;
CREATE INDEX conversations_by_network ON conversations (network_id);

CREATE TABLE meetings (
    id               INTEGER PRIMARY KEY,
    network_id       INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    local_start      TEXT NOT NULL CHECK (local_start GLOB
                         '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9] [0-9][0-9]:[0-9][0-9]'),
    starts_at        INTEGER NOT NULL,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes >= 0),
    location         TEXT NOT NULL DEFAULT '',
    topic            TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL CHECK (status IN ('planned', 'cancelled')),
    created_at       INTEGER NOT NULL
);
CREATE INDEX meetings_by_network ON meetings (network_id, starts_at);

CREATE TABLE meeting_preparers (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (meeting_id, position)
) WITHOUT ROWID;
CREATE INDEX meeting_preparers_by_member ON meeting_preparers (member_id);

CREATE TABLE cafe_weeks (
    school_year INTEGER NOT NULL,
    iso_year    INTEGER NOT NULL,
    iso_week    INTEGER NOT NULL CHECK (iso_week BETWEEN 1 AND 53),
    PRIMARY KEY (school_year, iso_year, iso_week)
) WITHOUT ROWID;

CREATE TABLE inbox (
    platform TEXT NOT NULL CHECK (platform IN ('console', 'teams', 'matrix')),
    event_id TEXT NOT NULL,
    seen_at  INTEGER NOT NULL,
    PRIMARY KEY (platform, event_id)
) WITHOUT ROWID;
CREATE INDEX inbox_by_seen_at ON inbox (seen_at);

-- AUTOINCREMENT: an id is the Matrix transaction id and must never be handed out twice, even
-- after old rows are pruned.
CREATE TABLE outbox (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    platform            TEXT NOT NULL CHECK (platform IN ('console', 'teams', 'matrix')),
    conversation_id     TEXT NOT NULL,
    user_id             TEXT NOT NULL,
    direct              INTEGER NOT NULL CHECK (direct IN (0, 1)),
    thread_id           TEXT NOT NULL,
    recipient_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    lang                TEXT NOT NULL CHECK (lang IN ('nl', 'en')),
    content             TEXT NOT NULL,
    replaces_id         INTEGER REFERENCES outbox (id) ON DELETE SET NULL,
    state               TEXT NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
    attempts            INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_attempt_at     INTEGER,
    created_at          INTEGER NOT NULL,
    next_attempt_at     INTEGER NOT NULL,
    remote_id           TEXT NOT NULL DEFAULT '',
    last_error          TEXT NOT NULL DEFAULT '',
    sent_at             INTEGER,
    failed_at           INTEGER
);
CREATE INDEX outbox_due ON outbox (platform, state, next_attempt_at);
CREATE INDEX outbox_by_replaces ON outbox (replaces_id);
CREATE INDEX outbox_by_recipient ON outbox (recipient_member_id);

CREATE TABLE pending_actions (
    id                  INTEGER PRIMARY KEY,
    member_id           INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    network_id          INTEGER REFERENCES networks (id) ON DELETE CASCADE,
    kind                TEXT NOT NULL,
    payload             TEXT NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    question_message_id INTEGER REFERENCES outbox (id) ON DELETE SET NULL
);
CREATE INDEX pending_actions_by_member ON pending_actions (member_id);
CREATE INDEX pending_actions_by_network ON pending_actions (network_id);
CREATE INDEX pending_actions_by_expiry ON pending_actions (expires_at);
CREATE INDEX pending_actions_by_question ON pending_actions (question_message_id);

CREATE TABLE jobs (
    id      INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,
    key     TEXT NOT NULL,
    due_at  INTEGER NOT NULL,
    payload TEXT NOT NULL DEFAULT '',
    state   TEXT NOT NULL CHECK (state IN ('due', 'done', 'cancelled')),
    UNIQUE (kind, key)
);
CREATE INDEX jobs_due ON jobs (state, due_at);
)sql";

// Where to reach a conversation on its platform (Teams: the service URL and tenant the connector
// gave; both platforms: who a direct conversation is with, so it is reused).
extern const std::string_view kSchemaV2 = R"sql(
CREATE TABLE conversation_refs (
    platform        TEXT NOT NULL CHECK (platform IN ('console', 'teams', 'matrix')),
    conversation_id TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
    service_url     TEXT NOT NULL DEFAULT '',
    tenant_id       TEXT NOT NULL DEFAULT '',
    user_id         TEXT NOT NULL DEFAULT '',
    bot_id          TEXT NOT NULL DEFAULT '',
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (platform, conversation_id)
) WITHOUT ROWID;
CREATE INDEX conversation_refs_direct ON conversation_refs (platform, user_id, updated_at)
    WHERE kind = 'direct';
)sql";

// Finding a sent message by the platform's id (a Matrix poll response names its poll start), and
// small named values an adapter keeps across restarts (a Matrix /sync position).
extern const std::string_view kSchemaV3 = R"sql(
CREATE INDEX outbox_by_remote_id ON outbox (platform, remote_id) WHERE remote_id <> '';
CREATE TABLE adapter_state (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql";

// Reminder rules per network, members' answers to "do you come?", and a meeting's revision (the
// iCalendar SEQUENCE). Existing meetings start at revision 0. The scheduler's new queries are
// served by indexes of version 1: jobs_with_key_prefix by UNIQUE (kind, key), next_job_due by
// jobs_due.
extern const std::string_view kSchemaV4 = R"sql(
ALTER TABLE meetings ADD COLUMN revision INTEGER NOT NULL DEFAULT 0 CHECK (revision >= 0);

-- AUTOINCREMENT: a rule's id is part of its jobs' keys; a new rule must never take the id of a
-- removed one, whose jobs already fired.
-- The dispatchers read due rows in id order (a conversation's messages go out in the order they
-- were written, also after a retry) and stop at their limit: this index serves that walk.
CREATE INDEX outbox_pending ON outbox (platform, state, id);
-- It also serves the depth count; the old index by next attempt is no longer read.
DROP INDEX outbox_due;

CREATE TABLE reminder_rules (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    network_id  INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('cafe_week_announcement', 'preparer_nudge',
                                              'agenda_call', 'agenda_digest', 'meeting_reminder',
                                              'rsvp_nudge', 'evaluation_prompt', 'custom')),
    anchor      TEXT NOT NULL CHECK (anchor IN ('meeting', 'cafe_week')),
    offset_days INTEGER NOT NULL CHECK (offset_days BETWEEN -366 AND 366),
    time_of_day INTEGER NOT NULL CHECK (time_of_day BETWEEN 0 AND 1439),  -- minutes after 00:00
    audience    TEXT NOT NULL CHECK (audience IN ('group', 'members', 'role', 'preparers',
                                                  'not_responded')),
    role        TEXT NOT NULL CHECK (role IN ('participant', 'organiser', 'facilitator',
                                              'workshop_leader', 'expert', 'guest')),
    enabled     INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    text        TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
);
CREATE INDEX reminder_rules_by_network ON reminder_rules (network_id, id);

CREATE TABLE rsvps (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    answer     TEXT NOT NULL CHECK (answer IN ('coming', 'not_coming')),
    reason     TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (meeting_id, member_id)
) WITHOUT ROWID;
CREATE INDEX rsvps_by_member ON rsvps (member_id);
)sql";

// Agenda input: items members submit for a meeting (with who brought them in), and the dot vote
// that prioritises them: at most one round per network, each member's dots per item.
// AUTOINCREMENT: an item's number is what members type ("agenda accepteer 12"); a removed item's
// number is never given to a new one.
extern const std::string_view kSchemaV5 = R"sql(
CREATE TABLE agenda_items (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    network_id  INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    meeting_id  INTEGER REFERENCES meetings (id) ON DELETE SET NULL,  -- NULL: not planned yet
    kind        TEXT NOT NULL CHECK (kind IN ('practice_question', 'case', 'success', 'topic',
                                              'expert_question')),
    text        TEXT NOT NULL,
    explanation TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'parked')),
    position    INTEGER NOT NULL,
    preparer_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    minutes     INTEGER NOT NULL DEFAULT 0 CHECK (minutes BETWEEN 0 AND 1440),
    created_at  INTEGER NOT NULL
);
CREATE INDEX agenda_items_by_meeting ON agenda_items (network_id, meeting_id, position);
CREATE INDEX agenda_items_by_preparer ON agenda_items (preparer_id);

CREATE TABLE agenda_submitters (
    item_id    INTEGER NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    hidden     INTEGER NOT NULL CHECK (hidden IN (0, 1)),
    introduces INTEGER NOT NULL CHECK (introduces IN (0, 1)),
    PRIMARY KEY (item_id, member_id)
) WITHOUT ROWID;
CREATE INDEX agenda_submitters_by_member ON agenda_submitters (member_id);

CREATE TABLE agenda_dots (
    item_id    INTEGER NOT NULL REFERENCES agenda_items (id) ON DELETE CASCADE,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    dots       INTEGER NOT NULL CHECK (dots BETWEEN 1 AND 3),
    PRIMARY KEY (item_id, member_id)
) WITHOUT ROWID;
CREATE INDEX agenda_dots_by_network ON agenda_dots (network_id, member_id);
CREATE INDEX agenda_dots_by_member ON agenda_dots (member_id);

CREATE TABLE agenda_rounds (
    network_id INTEGER PRIMARY KEY REFERENCES networks (id) ON DELETE CASCADE,
    meeting_id INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
    open       INTEGER NOT NULL CHECK (open IN (0, 1)),
    opened_by  INTEGER REFERENCES members (id) ON DELETE SET NULL,
    opened_at  INTEGER NOT NULL,
    closes_at  INTEGER,
    closed_at  INTEGER
);
CREATE INDEX agenda_rounds_by_meeting ON agenda_rounds (meeting_id);
CREATE INDEX agenda_rounds_by_member ON agenda_rounds (opened_by);
)sql";

// Polls and evaluations. An anonymous answer is stored under its respondent token only (a keyed
// hash of poll and member whose key is not in the database); the tables are WITHOUT ROWID and
// ordered by token, and carry no time, so neither row order nor a timestamp tells who answered
// when. poll_respondents.member_id is set for named polls only.
extern const std::string_view kSchemaV6 = R"sql(
CREATE TABLE polls (
    id          INTEGER PRIMARY KEY,
    network_id  INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    created_by  INTEGER REFERENCES members (id) ON DELETE SET NULL,
    title       TEXT NOT NULL,
    template    TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL CHECK (language IN ('nl', 'en')),
    anonymous   INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
    live        INTEGER NOT NULL CHECK (live IN (0, 1)),
    deadline    INTEGER NOT NULL,
    audience    TEXT NOT NULL CHECK (audience IN ('network', 'attended', 'role')),
    role        TEXT NOT NULL CHECK (role IN ('participant', 'organiser', 'facilitator',
                                              'workshop_leader', 'expert', 'guest')),
    meeting_id  INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
    state       TEXT NOT NULL CHECK (state IN ('open', 'closed')),
    created_at  INTEGER NOT NULL,
    closed_at   INTEGER
);
CREATE INDEX polls_by_network ON polls (network_id, id);
CREATE INDEX polls_by_state ON polls (state, id);

CREATE TABLE poll_questions (
    poll_id     INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('single', 'multiple', 'rating', 'text')),
    prompt      TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT '',
    options     TEXT NOT NULL DEFAULT '[]',  -- JSON array of option labels
    max_choices INTEGER NOT NULL DEFAULT 1,
    scale       INTEGER NOT NULL DEFAULT 5,
    low_label   TEXT NOT NULL DEFAULT '',
    high_label  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (poll_id, position)
) WITHOUT ROWID;

CREATE TABLE poll_invitees (
    poll_id   INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    member_id INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    PRIMARY KEY (poll_id, member_id)
) WITHOUT ROWID;

CREATE TABLE poll_respondents (
    poll_id   INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    token     TEXT NOT NULL,
    member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    PRIMARY KEY (poll_id, token)
) WITHOUT ROWID;

CREATE TABLE poll_answers (
    poll_id  INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    token    TEXT NOT NULL,
    question INTEGER NOT NULL,
    value    TEXT NOT NULL,
    PRIMARY KEY (poll_id, token, question)
) WITHOUT ROWID;

CREATE TABLE poll_settings (
    network_id      INTEGER PRIMARY KEY REFERENCES networks (id) ON DELETE CASCADE,
    min_respondents INTEGER NOT NULL CHECK (min_respondents >= 1)
);
)sql";

}  // namespace leernetwerk::storage
