-- 010_attendance.sql — the rhythm of therapy, part 2: who came, the outcome after the end,
-- a client's own cancellation under the partner's notice period, and what the partner is told.
--
-- The status lifecycle keeps its four values; the outcome is a separate field the partner sets
-- after the end (or the server sets to 'late_cancel' when a client cancels inside the notice
-- period). Attendance is written by the join grant itself, first join only.

ALTER TABLE video_sessions
	ADD COLUMN outcome text CHECK (outcome IN ('attended', 'no_show', 'late_cancel')),
	ADD COLUMN cancelled_by text CHECK (cancelled_by IN ('partner', 'client'));

-- The first time each person was granted the room: the partner, the client, and each guest by
-- the name shown in the room ('' for the partner and the client).
CREATE TABLE session_attendance (
	video_session_id bigint NOT NULL REFERENCES video_sessions (id) ON DELETE CASCADE,
	role             text NOT NULL CHECK (role IN ('partner', 'client', 'guest')),
	guest_name       text NOT NULL DEFAULT '' CHECK (length(guest_name) <= 200),
	first_joined_at  timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (video_session_id, role, guest_name),
	CHECK ((role = 'guest') = (guest_name <> ''))
);

-- The partner's policy and the session modal's defaults.
ALTER TABLE partner_settings
	ADD COLUMN cancel_notice_hours integer NOT NULL DEFAULT 24 CHECK (cancel_notice_hours BETWEEN 0 AND 168),
	ADD COLUMN default_duration_minutes integer NOT NULL DEFAULT 60
	           CHECK (default_duration_minutes BETWEEN 30 AND 180 AND default_duration_minutes % 5 = 0),
	ADD COLUMN default_title text CHECK (length(default_title) BETWEEN 1 AND 200);

-- What a partner is told on the dashboard until dismissed: a client's cancellation, or a
-- client's request for another time (a short message).
CREATE TABLE partner_notices (
	id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	partner_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	client_id        bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	video_session_id bigint REFERENCES video_sessions (id) ON DELETE SET NULL,
	kind             text NOT NULL CHECK (kind IN ('client_cancel', 'reschedule_request')),
	message          text CHECK (length(message) BETWEEN 1 AND 500),
	late             boolean NOT NULL DEFAULT false,
	created_at       timestamptz NOT NULL DEFAULT now(),
	dismissed_at     timestamptz
);
CREATE INDEX partner_notices_open ON partner_notices (partner_id, created_at, id) WHERE dismissed_at IS NULL;

-- The partner's email when a client cancels: a new kind of outbox message, queued by the
-- cancelling statement itself.
ALTER TABLE outbox DROP CONSTRAINT outbox_kind_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_kind_check
	CHECK (kind IN ('session_scheduled', 'session_moved', 'session_cancelled', 'reminder_24h', 'reminder_1h',
	                'guest_invite', 'onboarding', 'password_reset', 'client_cancelled'));

GRANT SELECT, INSERT, UPDATE, DELETE ON session_attendance, partner_notices TO vsession_app;
