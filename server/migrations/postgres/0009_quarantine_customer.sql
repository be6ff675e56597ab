-- The customer each refused change belongs to, noted when it is refused (issue 10), so an
-- erasure purges the quarantine by customer rather than by searching the changes' text.
ALTER TABLE quarantine ADD COLUMN customer_id TEXT;
CREATE INDEX quarantine_customer ON quarantine (org_id, customer_id);
