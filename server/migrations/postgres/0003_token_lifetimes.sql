-- Tokens end: idle expiry reads last_used_at (updated at most once a minute), absolute
-- expiry reads created_at. last_sync_at says when the device last pushed or pulled, and
-- `device` (already there) which device signed in.
ALTER TABLE tokens ADD COLUMN last_used_at TEXT;
ALTER TABLE tokens ADD COLUMN last_sync_at TEXT;
CREATE INDEX tokens_user ON tokens (user_id);

-- Short-lived, single-use tickets for the live stream (EventSource cannot send headers):
-- the long-lived bearer token never appears in a URL. Only the SHA-256 of a ticket is kept.
CREATE TABLE live_tickets (
    ticket_hash TEXT PRIMARY KEY,
    token_hash  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
