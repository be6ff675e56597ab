-- Erasure (issue 10, SYNC §5): an erased customer's row says so, so a push can refuse later
-- changes of it or its records (`erased`) without reading the log.
ALTER TABLE records ADD COLUMN erased BOOLEAN NOT NULL DEFAULT FALSE;

