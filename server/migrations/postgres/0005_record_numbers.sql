-- Pushes write far fewer pages (issue 9). Every record gets a number (rid) the first time the
-- server sees it, so the fold of the log is keyed by (rid, field): a new record's fields land
-- side by side at the end of the index instead of at random places across an index of
-- 36-character ids. The fold keeps the winning write's clock and log position, not a second
-- copy of its value. A record's scope and, for customers, who may read it (owner, shared) are
-- one `records` row. Device and arrival time are kept once per push.
--
-- Old tables are copied into the new ones and dropped; log positions (seq) are kept, so every
-- device's cursor stays valid. hlc and op use the "C" collation: byte order is merge order.

CREATE TABLE pushes (
    id          BIGSERIAL PRIMARY KEY,
    device      TEXT NOT NULL,
    received_at TEXT NOT NULL
);

CREATE TABLE records (
    rid         BIGSERIAL PRIMARY KEY,
    org_id      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    record_id   TEXT NOT NULL,
    -- The customer the record belongs to (NULL: organisation-wide; a customer names itself).
    customer_id TEXT,
    creator     TEXT NOT NULL,
    -- For organisation-wide records: the only salesperson who reads it (NULL: everyone).
    private_to  TEXT,
    -- A customer's winning `owner` (a user id; NULL when unset, null or "") and `shared`.
    owner       TEXT,
    shared      BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE UNIQUE INDEX records_key ON records (org_id, kind, record_id);
CREATE INDEX records_customer ON records (org_id, customer_id);

-- The log: seq order is commit order because every push holds its organisation's advisory lock.
CREATE TABLE log (
    seq       BIGSERIAL PRIMARY KEY,
    org_id    TEXT NOT NULL,
    op        TEXT NOT NULL,
    rid       BIGINT NOT NULL,
    kind      TEXT NOT NULL,
    record_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    value     TEXT NOT NULL,
    hlc       TEXT COLLATE "C" NOT NULL,
    author    TEXT NOT NULL,
    push      BIGINT NOT NULL
);
CREATE UNIQUE INDEX log_org_op ON log (org_id, op);
CREATE INDEX log_org_seq ON log (org_id, seq);

-- The fold of the log with the merge rule: per field, the winning write's clock and position.
CREATE TABLE fields (
    rid   BIGINT NOT NULL,
    field TEXT NOT NULL,
    hlc   TEXT COLLATE "C" NOT NULL,
    op    TEXT COLLATE "C" NOT NULL,
    seq   BIGINT NOT NULL,
    PRIMARY KEY (rid, field)
);

INSERT INTO pushes (device, received_at)
SELECT device, received_at FROM changes GROUP BY device, received_at ORDER BY MIN(seq);

INSERT INTO records (org_id, kind, record_id, customer_id, creator, private_to, owner, shared)
SELECT s.org_id, s.kind, s.record_id, s.customer_id, s.creator, s.private_to,
       -- (A string owner with a NUL escape, which text cannot hold, names no user: kept as its
       -- JSON; any other value with one is not decoded at all, and is no owner, as owner_of says.)
       (SELECT CASE WHEN strpos(st.value, '\u0000') > 0
                    THEN CASE WHEN left(st.value, 1) = '"' THEN st.value END
                    WHEN jsonb_typeof(st.value::jsonb) = 'string' AND st.value::jsonb #>> '{}' <> ''
                    THEN st.value::jsonb #>> '{}' END
          FROM state st WHERE st.org_id = s.org_id AND st.kind = s.kind
           AND st.record_id = s.record_id AND st.field = 'owner' AND s.kind = 'customer'),
       COALESCE((SELECT st.value = 'true' FROM state st WHERE st.org_id = s.org_id
           AND st.kind = s.kind AND st.record_id = s.record_id AND st.field = 'shared'
           AND s.kind = 'customer'), FALSE)
FROM scope s ORDER BY s.org_id, s.kind, s.record_id;

INSERT INTO log (seq, org_id, op, rid, kind, record_id, field, value, hlc, author, push)
SELECT c.seq, c.org_id, c.op, r.rid, c.kind, c.record_id, c.field, c.value, c.hlc, c.author, p.id
FROM changes c
JOIN records r ON r.org_id = c.org_id AND r.kind = c.kind AND r.record_id = c.record_id
JOIN pushes p ON p.device = c.device AND p.received_at = c.received_at
ORDER BY c.seq;
SELECT setval(pg_get_serial_sequence('log', 'seq'), COALESCE((SELECT MAX(seq) FROM log), 0) + 1, false);

INSERT INTO fields (rid, field, hlc, op, seq)
SELECT r.rid, st.field, st.hlc, st.op, c.seq
FROM state st
JOIN records r ON r.org_id = st.org_id AND r.kind = st.kind AND r.record_id = st.record_id
JOIN changes c ON c.org_id = st.org_id AND c.op = st.op;

DROP TABLE state;
DROP TABLE scope;
DROP TABLE changes;
ANALYZE log, records, fields, pushes;
