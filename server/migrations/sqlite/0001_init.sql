-- Huitou sync server schema (SQLite). Append-only: add a new file for any change.

CREATE TABLE orgs (
    id   TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE users (
    id            TEXT PRIMARY KEY,
    org_id        TEXT NOT NULL REFERENCES orgs(id),
    username      TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    UNIQUE (org_id, username)
);

-- Only the SHA-256 of a token is kept, so a leaked database does not leak sessions.
CREATE TABLE tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id),
    device     TEXT,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

-- The log: seq order is commit order because every push holds the write lock (BEGIN IMMEDIATE).
CREATE TABLE changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      TEXT NOT NULL REFERENCES orgs(id),
    op          TEXT NOT NULL,
    kind        TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    field       TEXT NOT NULL,
    value       TEXT NOT NULL,
    hlc         TEXT NOT NULL,
    author      TEXT NOT NULL,
    device      TEXT NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (org_id, op)
);
CREATE INDEX changes_org_seq ON changes (org_id, seq);

-- The fold of the log with the merge rule: one winning write per field.
CREATE TABLE state (
    org_id    TEXT NOT NULL,
    kind      TEXT NOT NULL,
    record_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    value     TEXT NOT NULL,
    hlc       TEXT NOT NULL,
    op        TEXT NOT NULL,
    author    TEXT NOT NULL,
    PRIMARY KEY (org_id, kind, record_id, field)
);

-- Which customer each record belongs to (NULL = organisation-wide); drives read permissions.
CREATE TABLE scope (
    org_id      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    customer_id TEXT,
    creator     TEXT NOT NULL,
    PRIMARY KEY (org_id, kind, record_id)
);
CREATE INDEX scope_customer ON scope (org_id, customer_id);

-- Refused changes, kept for managers to inspect (SYNC §3: nothing is dropped silently).
CREATE TABLE quarantine (
    id      INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id  TEXT NOT NULL,
    user_id TEXT NOT NULL,
    device  TEXT NOT NULL,
    op      TEXT NOT NULL,
    change  TEXT NOT NULL,
    code    TEXT NOT NULL,
    message TEXT NOT NULL,
    at      TEXT NOT NULL
);
CREATE INDEX quarantine_org ON quarantine (org_id, id);

-- Customers a salesperson's device was last told about, one snapshot per pull cursor,
-- so a newly visible customer brings its history and a hidden one is revoked, even on retries.
CREATE TABLE visible_snapshots (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id    TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE visible_customers (
    snapshot_id INTEGER NOT NULL REFERENCES visible_snapshots(id) ON DELETE CASCADE,
    customer_id TEXT NOT NULL,
    PRIMARY KEY (snapshot_id, customer_id)
);
