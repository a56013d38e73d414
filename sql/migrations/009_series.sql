-- 009_series.sql — weekly series of video sessions.
--
-- A series is the rule a partner booked several sessions by: every `interval_weeks` weeks,
-- `occurrences` times, from the wall-clock time `first_local` in the time zone `timezone` (the
-- partner's when the series was made), so an occurrence keeps its local time across DST changes.
-- Occurrence n (1-based) of the rule starts at
--   (first_local + 7 * interval_weeks * (n - 1) days) AT TIME ZONE timezone.
-- Each occurrence is an ordinary row of video_sessions (its own room, its own booking under the
-- same exclusion constraint) that names its series and its number in it. An occurrence that was
-- skipped at creation, deleted, cancelled or moved away from its rule time is an exception of
-- the rule (the calendar file's EXDATE). "This and following" changes of the time start a new
-- series from the member changed, so a rule always describes the times of its members.

CREATE TABLE session_series (
	id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	partner_id     bigint NOT NULL,
	user_id        bigint NOT NULL,
	interval_weeks integer NOT NULL CHECK (interval_weeks IN (1, 2)),
	occurrences    integer NOT NULL CHECK (occurrences BETWEEN 1 AND 53),
	first_local    timestamp NOT NULL,
	timezone       text NOT NULL CHECK (length(timezone) BETWEEN 1 AND 64),
	created_at     timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (partner_id, user_id) REFERENCES partner_clients (partner_id, client_id) ON DELETE CASCADE
);
CREATE INDEX session_series_partner ON session_series (partner_id);

ALTER TABLE video_sessions
	ADD COLUMN series_id bigint REFERENCES session_series (id) ON DELETE SET NULL,
	ADD COLUMN series_index integer CHECK (series_index BETWEEN 1 AND 53);
CREATE INDEX video_sessions_series ON video_sessions (series_id, series_index) WHERE series_id IS NOT NULL;

GRANT SELECT, INSERT, UPDATE, DELETE ON session_series TO vsession_app;
