-- A salesperson's pull now works out from the log which customers became visible or hidden
-- since its cursor (the log is never pruned), so the per-user snapshots, which were pruned
-- and then skipped revocations, go.
DROP TABLE visible_customers;
DROP TABLE visible_snapshots;

-- A salesperson's record of a kind the server does not know stays theirs (and managers'),
-- instead of reaching every device of the organisation. NULL: organisation-wide.
ALTER TABLE scope ADD COLUMN private_to TEXT;
