-- Review of refused changes (issue 10): a manager applies a quarantined change (it then goes
-- through the merge rule as the manager's) or discards it with a reason. NULL while open.
ALTER TABLE quarantine ADD COLUMN resolution TEXT;
ALTER TABLE quarantine ADD COLUMN resolved_by TEXT;
ALTER TABLE quarantine ADD COLUMN resolved_at TEXT;
ALTER TABLE quarantine ADD COLUMN reason TEXT;
