-- The team (issue 10): users can be disabled, and must change a first password.
-- A disabled user stays as a name in history; every token of theirs stops reading at once
-- (`disabled_at`), and may only hand in what its device still held (a last push).
ALTER TABLE users ADD COLUMN disabled_at TEXT;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN created_at TEXT;

-- Why a token ended: 'logout', 'disabled', 'device' (a manager cut the device off),
-- 'password' (its user's password was reset). NULL while it lives.
ALTER TABLE tokens ADD COLUMN revoked_reason TEXT;
-- How many changes the device still had waiting when it last pushed (it says so).
ALTER TABLE tokens ADD COLUMN waiting INTEGER;

-- Who did what, when, from which device. Append-only: no API changes or deletes a row.
CREATE TABLE audit (
    seq BIGSERIAL PRIMARY KEY,
    org_id  TEXT NOT NULL REFERENCES orgs(id),
    at      TEXT NOT NULL,
    actor   TEXT,
    device  TEXT,
    action  TEXT NOT NULL,
    subject TEXT,
    detail  TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_org_seq ON audit (org_id, seq);
