-- A user's store or team (issue 12: Insights by store/team), published on their `user` record.
ALTER TABLE users ADD COLUMN team TEXT NOT NULL DEFAULT '';
