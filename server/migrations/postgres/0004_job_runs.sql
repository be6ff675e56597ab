-- Background jobs that must run once across every instance over one database: one row per
-- job and slot (the slot is the job's period number, now / every). The instance whose insert
-- made the row runs the job; a claim left unfinished past its lease (the instance died
-- mid-run) may be taken over by another instance.
CREATE TABLE job_runs (
    job            TEXT NOT NULL,
    slot           BIGINT NOT NULL,
    instance       TEXT NOT NULL,
    claimed_at_ms  BIGINT NOT NULL,
    finished_at_ms BIGINT,
    PRIMARY KEY (job, slot)
);
