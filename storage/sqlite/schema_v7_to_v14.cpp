// The SQL of migration steps 7 to 14 (schema_steps.hpp): the knowledge base up to calendar
// feeds. A new step goes at the end of this file (or a next one) and into migrations.cpp's list.
#include "storage/sqlite/schema_steps.hpp"

namespace leernetwerk::storage {

// The knowledge base: entries (Q&A, meeting notes, resources) per network, shares with other
// networks, and a full-text index over title, body and tags. The index keeps no copy of the text
// (external content): triggers keep it in step with knowledge_entries, and it uses the
// "leernetwerk" tokenizer (fts_tokenizer.cpp: folded, Dutch and English stems), which
// every connection registers before it touches these tables. A network gains its central
// question and ambition (startdocument), for the harvest.
extern const std::string_view kSchemaV7 = R"sql(
ALTER TABLE networks ADD COLUMN central_question TEXT NOT NULL DEFAULT '';
ALTER TABLE networks ADD COLUMN ambition TEXT NOT NULL DEFAULT '';

-- AUTOINCREMENT: members refer to entries by number ("kennis 5"); a removed entry's number is
-- never given to another.
CREATE TABLE knowledge_entries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    network_id       INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL CHECK (kind IN ('answer', 'note', 'resource')),
    title            TEXT NOT NULL,
    body             TEXT NOT NULL DEFAULT '',
    link             TEXT NOT NULL DEFAULT '',
    tags             TEXT NOT NULL DEFAULT '',  -- one tag a line, in order
    -- NULL: anonymous. A member who is deleted leaves their consented entries anonymous.
    author_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    question_id      INTEGER,  -- the routed question the entry came from, if any
    status           TEXT NOT NULL CHECK (status IN ('active', 'retired')),
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL,
    -- The entry's network and the networks it is shared with as words of the index ("n12 n40";
    -- kept by the store and the share triggers below): a search names the member's networks in
    -- the MATCH itself, so the index narrows to them before any row is read.
    network_term     TEXT NOT NULL
);
CREATE INDEX knowledge_entries_by_network ON knowledge_entries (network_id, created_at);
CREATE INDEX knowledge_entries_by_author ON knowledge_entries (author_member_id, created_at);
CREATE INDEX knowledge_entries_by_question ON knowledge_entries (question_id)
    WHERE question_id IS NOT NULL;

CREATE TABLE knowledge_shares (
    entry_id            INTEGER NOT NULL REFERENCES knowledge_entries (id) ON DELETE CASCADE,
    network_id          INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    shared_by_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    shared_at           INTEGER NOT NULL,
    PRIMARY KEY (entry_id, network_id)
) WITHOUT ROWID;
CREATE INDEX knowledge_shares_by_network ON knowledge_shares (network_id, entry_id);
CREATE INDEX knowledge_shares_by_member ON knowledge_shares (shared_by_member_id);

CREATE VIRTUAL TABLE knowledge_fts USING fts5 (
    title, body, tags, network_term,
    content = 'knowledge_entries', content_rowid = 'id', tokenize = 'leernetwerk'
);
CREATE TRIGGER knowledge_entries_indexed AFTER INSERT ON knowledge_entries BEGIN
    INSERT INTO knowledge_fts (rowid, title, body, tags, network_term)
    VALUES (new.id, new.title, new.body, new.tags, new.network_term);
END;
CREATE TRIGGER knowledge_entries_unindexed AFTER DELETE ON knowledge_entries BEGIN
    INSERT INTO knowledge_fts (knowledge_fts, rowid, title, body, tags, network_term)
    VALUES ('delete', old.id, old.title, old.body, old.tags, old.network_term);
END;
CREATE TRIGGER knowledge_entries_reindexed
AFTER UPDATE OF title, body, tags, network_term ON knowledge_entries
BEGIN
    INSERT INTO knowledge_fts (knowledge_fts, rowid, title, body, tags, network_term)
    VALUES ('delete', old.id, old.title, old.body, old.tags, old.network_term);
    INSERT INTO knowledge_fts (rowid, title, body, tags, network_term)
    VALUES (new.id, new.title, new.body, new.tags, new.network_term);
END;
CREATE TRIGGER knowledge_shares_added AFTER INSERT ON knowledge_shares BEGIN
    UPDATE knowledge_entries SET network_term = network_term || ' n' || new.network_id
    WHERE id = new.entry_id;
END;
CREATE TRIGGER knowledge_shares_removed AFTER DELETE ON knowledge_shares BEGIN
    UPDATE knowledge_entries
    SET network_term = 'n' || network_id ||
        coalesce((SELECT group_concat(' n' || s.network_id, '') FROM knowledge_shares AS s
                  WHERE s.entry_id = old.entry_id), '')
    WHERE id = old.entry_id;
END;
-- How many entries hold a term: the rank function's document counts, read per query word.
CREATE VIRTUAL TABLE knowledge_vocab USING fts5vocab (knowledge_fts, 'row');
)sql";

// Questions to the network (issue 7): the question (its number is its id: AUTOINCREMENT, never
// reused), who was asked in which round, the answers, which sent messages show a question (a
// reply to one is an answer), members' pauses and each network's number of members to ask.
// The asker of an anonymous question is kept in `questions.asker_member_id` only: no other table
// names them.
extern const std::string_view kSchemaV8 = R"sql(
CREATE TABLE questions (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    network_id        INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    asker_member_id   INTEGER REFERENCES members (id) ON DELETE SET NULL,
    anonymous         INTEGER NOT NULL CHECK (anonymous IN (0, 1)),
    confidential      INTEGER NOT NULL CHECK (confidential IN (0, 1)),
    text              TEXT NOT NULL,
    tags              TEXT NOT NULL DEFAULT '',  -- one tag per line
    status            TEXT NOT NULL CHECK (status IN ('draft', 'open', 'answered', 'closed')),
    round             INTEGER NOT NULL DEFAULT 0 CHECK (round >= 0),
    escalated         INTEGER NOT NULL DEFAULT 0 CHECK (escalated IN (0, 1)),
    helpful_answer_id INTEGER,
    created_at        INTEGER NOT NULL,
    closed_at         INTEGER
);
CREATE INDEX questions_by_network ON questions (network_id, status, id);
CREATE INDEX questions_by_asker ON questions (asker_member_id);

CREATE TABLE question_routes (
    id          INTEGER PRIMARY KEY,  -- the order in which members were asked
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    member_id   INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    round       INTEGER NOT NULL CHECK (round >= 1),
    routed_at   INTEGER NOT NULL,
    UNIQUE (question_id, member_id)
);
CREATE INDEX question_routes_by_member ON question_routes (member_id, routed_at);

CREATE TABLE answers (
    id               INTEGER PRIMARY KEY,
    question_id      INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    -- NULL once the author had themselves erased ("vergeet mij"): the answer stays, nameless.
    author_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL,
    text             TEXT NOT NULL,
    helpful          INTEGER NOT NULL DEFAULT 0 CHECK (helpful IN (0, 1)),
    consent          TEXT NOT NULL DEFAULT 'none' CHECK (consent IN ('none', 'asked', 'named',
                                                                     'anonymous', 'refused',
                                                                     'expired')),
    created_at       INTEGER NOT NULL
);
CREATE INDEX answers_by_question ON answers (question_id, id);
CREATE INDEX answers_by_author ON answers (author_member_id);

CREATE TABLE question_messages (
    message_id  INTEGER PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
    question_id INTEGER NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('post', 'routed'))
);
CREATE INDEX question_messages_by_question ON question_messages (question_id, kind);

CREATE TABLE member_pauses (
    member_id INTEGER PRIMARY KEY REFERENCES members (id) ON DELETE CASCADE,
    until     INTEGER NOT NULL
);

CREATE TABLE network_question_settings (
    network_id  INTEGER PRIMARY KEY REFERENCES networks (id) ON DELETE CASCADE,
    route_count INTEGER NOT NULL CHECK (route_count BETWEEN 1 AND 10)
);
)sql";

// A confirmation's id is on the card that asks it ("confirm:12"): it must never be handed out
// again, or a click on an old card would answer a newer question (another meeting, "vergeet
// mij"). The table is rebuilt with AUTOINCREMENT, counting on from the highest id ever used (every
// confirmation had an expiry job keyed by its id, kept after it ran).
extern const std::string_view kSchemaV9 = R"sql(
CREATE TABLE pending_actions_new (
    id                  INTEGER PRIMARY KEY AUTOINCREMENT,
    member_id           INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    network_id          INTEGER REFERENCES networks (id) ON DELETE CASCADE,
    kind                TEXT NOT NULL,
    payload             TEXT NOT NULL DEFAULT '',
    created_at          INTEGER NOT NULL,
    expires_at          INTEGER NOT NULL,
    question_message_id INTEGER REFERENCES outbox (id) ON DELETE SET NULL
);
INSERT INTO pending_actions_new
    SELECT id, member_id, network_id, kind, payload, created_at, expires_at, question_message_id
    FROM pending_actions;
DROP TABLE pending_actions;
ALTER TABLE pending_actions_new RENAME TO pending_actions;
CREATE INDEX pending_actions_by_member ON pending_actions (member_id);
CREATE INDEX pending_actions_by_network ON pending_actions (network_id);
CREATE INDEX pending_actions_by_expiry ON pending_actions (expires_at);
CREATE INDEX pending_actions_by_question ON pending_actions (question_message_id);
DELETE FROM sqlite_sequence WHERE name = 'pending_actions';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'pending_actions', max(COALESCE((SELECT max(id) FROM pending_actions), 0),
                                  COALESCE((SELECT max(CAST(key AS INTEGER)) FROM jobs
                                            WHERE kind = 'pending_expiry'), 0));
)sql";

// Anonymous answers that no copy of the database links to a person (issue 12). While an
// anonymous poll is open, every invitee has one sealed ballot: their answers and token, padded to
// one size and encrypted with a key derived from the poll key (outside the database). Every
// answer re-seals every ballot of the poll under fresh random slots, so no row, page or size
// tells whose ballot changed. At the closing the ballots are counted into poll_answers under
// random labels, in random order, and removed. poll_messages lists the messages to members that
// an anonymous poll caused (questions, receipts, reminders): they are stored sealed, and removed
// when it closes.
extern const std::string_view kSchemaV10 = R"sql(
CREATE TABLE poll_ballots (
    poll_id INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    slot    BLOB NOT NULL,
    sealed  BLOB NOT NULL,
    PRIMARY KEY (poll_id, slot)
) WITHOUT ROWID;

CREATE TABLE poll_messages (
    message_id INTEGER PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
    poll_id    INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE
);
CREATE INDEX poll_messages_by_poll ON poll_messages (poll_id);

-- A sealed message (to a member, caused by an anonymous poll) keeps its address, recipient,
-- language and content only here, encrypted; the plain columns hold nothing of them.
ALTER TABLE outbox ADD COLUMN sealed BLOB;
)sql";

// Numbers per network (issue 12): polls, questions, agenda items and knowledge entries get the
// number members see and type ("stem 3 1", "vraag 7") from their own network's sequence, so an
// outsider cannot tell another network's items from ones that do not exist, nor count them. The
// ids stay internal (card actions, job keys, foreign keys). network_numbers keeps the last number
// given per network and kind, so a removed item's number is never given again. A knowledge entry
// shared with another network gets a number of that network's sequence on the share. Existing
// rows are numbered per network in id order (shares after the network's own entries, in the order
// they were shared).
extern const std::string_view kSchemaV11 = R"sql(
CREATE TABLE network_numbers (
    network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    kind       TEXT NOT NULL CHECK (kind IN ('poll', 'question', 'agenda_item', 'knowledge')),
    last       INTEGER NOT NULL CHECK (last >= 1),
    PRIMARY KEY (network_id, kind)
) WITHOUT ROWID;

ALTER TABLE polls ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
UPDATE polls SET number = numbered.n
FROM (SELECT id, row_number() OVER (PARTITION BY network_id ORDER BY id) AS n FROM polls)
    AS numbered
WHERE numbered.id = polls.id;
CREATE UNIQUE INDEX polls_by_number ON polls (network_id, number);
INSERT INTO network_numbers (network_id, kind, last)
    SELECT network_id, 'poll', max(number) FROM polls GROUP BY network_id;

ALTER TABLE questions ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
UPDATE questions SET number = numbered.n
FROM (SELECT id, row_number() OVER (PARTITION BY network_id ORDER BY id) AS n FROM questions)
    AS numbered
WHERE numbered.id = questions.id;
CREATE UNIQUE INDEX questions_by_number ON questions (network_id, number);
INSERT INTO network_numbers (network_id, kind, last)
    SELECT network_id, 'question', max(number) FROM questions GROUP BY network_id;

ALTER TABLE agenda_items ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
UPDATE agenda_items SET number = numbered.n
FROM (SELECT id, row_number() OVER (PARTITION BY network_id ORDER BY id) AS n FROM agenda_items)
    AS numbered
WHERE numbered.id = agenda_items.id;
CREATE UNIQUE INDEX agenda_items_by_number ON agenda_items (network_id, number);
INSERT INTO network_numbers (network_id, kind, last)
    SELECT network_id, 'agenda_item', max(number) FROM agenda_items GROUP BY network_id;

ALTER TABLE knowledge_entries ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
UPDATE knowledge_entries SET number = numbered.n
FROM (SELECT id, row_number() OVER (PARTITION BY network_id ORDER BY id) AS n
      FROM knowledge_entries) AS numbered
WHERE numbered.id = knowledge_entries.id;
CREATE UNIQUE INDEX knowledge_entries_by_number ON knowledge_entries (network_id, number);
ALTER TABLE knowledge_shares ADD COLUMN number INTEGER NOT NULL DEFAULT 0;
UPDATE knowledge_shares SET number = numbered.n
FROM (SELECT s.entry_id, s.network_id,
             COALESCE((SELECT max(e.number) FROM knowledge_entries AS e
                       WHERE e.network_id = s.network_id), 0) +
             row_number() OVER (PARTITION BY s.network_id ORDER BY s.shared_at, s.entry_id) AS n
      FROM knowledge_shares AS s) AS numbered
WHERE numbered.entry_id = knowledge_shares.entry_id
  AND numbered.network_id = knowledge_shares.network_id;
CREATE UNIQUE INDEX knowledge_shares_by_number ON knowledge_shares (network_id, number);
INSERT INTO network_numbers (network_id, kind, last)
    SELECT network_id, 'knowledge', max(number)
    FROM (SELECT network_id, number FROM knowledge_entries
          UNION ALL SELECT network_id, number FROM knowledge_shares)
    GROUP BY network_id;
)sql";

// Replies remember whose message they answer and where it was written (issue 13), so that a reply
// the platform never took can be followed by a notice to its sender another way. The origin is a
// small JSON address; the member reference is cleared when the member is erased.
extern const std::string_view kSchemaV12 = R"sql(
ALTER TABLE outbox ADD COLUMN cause_member_id INTEGER REFERENCES members (id) ON DELETE SET NULL;
ALTER TABLE outbox ADD COLUMN cause_origin TEXT;
CREATE INDEX outbox_by_cause ON outbox (cause_member_id) WHERE cause_member_id IS NOT NULL;
)sql";

// One person, several accounts (issue 16): a member asks for a one-time code on one account and
// types it on another. Only the code's HMAC (under a key derived from the poll secret, which is
// not in the database) is kept, with the account that asked and until when it is valid; a used
// code is kept until it expires, so typing it again is told apart from a wrong one. Wrong codes
// are counted per typing account (the rate limit) and forgotten after a day.
extern const std::string_view kSchemaV13 = R"sql(
CREATE TABLE link_codes (
    code_hash  BLOB PRIMARY KEY,
    member_id  INTEGER NOT NULL REFERENCES members (id) ON DELETE CASCADE,
    platform   TEXT NOT NULL CHECK (platform IN ('console', 'teams', 'matrix')),
    user_id    TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX link_codes_by_member ON link_codes (member_id);

CREATE TABLE link_failures (
    id       INTEGER PRIMARY KEY,
    platform TEXT NOT NULL CHECK (platform IN ('console', 'teams', 'matrix')),
    user_id  TEXT NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX link_failures_by_account ON link_failures (platform, user_id, at);
)sql";

// Calendar feeds (issue 18): a network's secret iCalendar URL, and members' personal ones. Only a
// hash of the token in the URL is kept, so a copy of the database does not give the URL; one feed
// per network and one per member in it (a new one replaces the old, which stops at once).
extern const std::string_view kSchemaV14 = R"sql(
CREATE TABLE calendar_feeds (
    token_hash BLOB PRIMARY KEY,
    network_id INTEGER NOT NULL REFERENCES networks (id) ON DELETE CASCADE,
    member_id  INTEGER REFERENCES members (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX calendar_feeds_one_per_owner ON calendar_feeds (network_id, IFNULL(member_id, 0));
CREATE INDEX calendar_feeds_by_member ON calendar_feeds (member_id);
)sql";

}  // namespace leernetwerk::storage
