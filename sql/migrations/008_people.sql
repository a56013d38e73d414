-- 008_people.sql — what the people around a session need: durations in 5-minute steps
-- (a 50-minute therapy hour), as API.md says.

ALTER TABLE video_sessions DROP CONSTRAINT video_sessions_duration_minutes_check;
ALTER TABLE video_sessions ADD CONSTRAINT video_sessions_duration_minutes_check
	CHECK (duration_minutes BETWEEN 30 AND 180 AND duration_minutes % 5 = 0);

-- Presence: who is on a session's join page or in its room right now. Each page beats about
-- every 15 s with one UPSERT; a row older than 40 s means that person has gone. UNLOGGED: a
-- beat writes no WAL, and after a crash the table starts empty, which is the truth within one
-- beat. `since` is when this stay began (a gap of more than 40 s starts a new one), for
-- "Sam is waiting · 2 min".
CREATE UNLOGGED TABLE presence (
	video_session_id bigint NOT NULL REFERENCES video_sessions (id) ON DELETE CASCADE,
	role             text NOT NULL CHECK (role IN ('partner', 'client', 'guest')),
	place            text NOT NULL CHECK (place IN ('waiting', 'room')),
	name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	since            timestamptz NOT NULL,
	last_seen        timestamptz NOT NULL,
	PRIMARY KEY (video_session_id, role)
) WITH (fillfactor = 70);

GRANT SELECT, INSERT, UPDATE, DELETE ON presence TO vsession_app;

-- Why a session was cancelled, for the client to read (at most 500 characters; none when not said).
ALTER TABLE video_sessions ADD COLUMN cancel_reason text CHECK (length(cancel_reason) BETWEEN 1 AND 500);
