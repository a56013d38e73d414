-- 005_outbox.sql — outgoing email as data: the transactional outbox and the settings it obeys.
--
-- A message row is written by the same statement or transaction as the change that causes it
-- (a session scheduled, moved or cancelled, an invite, an onboarding or reset request), so a
-- change without its message, or a message for a change that rolled back, cannot exist. The
-- sender (vsession-mailer) delivers due rows over SMTP, several senders at once being safe
-- (FOR UPDATE SKIP LOCKED).
--
-- `payload` holds what the message renders. Secrets that must reach the recipient (a link token,
-- a session password the partner chose to email) live there only until the message is sent or
-- has failed for good: the sender clears them then.

CREATE TABLE outbox (
	id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind              text NOT NULL CHECK (kind IN ('session_scheduled', 'session_moved', 'session_cancelled',
	                                                'reminder_24h', 'reminder_1h', 'guest_invite',
	                                                'onboarding', 'password_reset')),
	recipient_user_id bigint REFERENCES users (id) ON DELETE CASCADE,
	recipient_email   text NOT NULL CHECK (length(recipient_email) BETWEEN 3 AND 254
	                                       AND recipient_email ~ '^[^@\s]+@[^@\s]+$'),
	recipient_name    text CHECK (length(recipient_name) <= 200),
	video_session_id  bigint REFERENCES video_sessions (id) ON DELETE SET NULL,
	payload           jsonb NOT NULL DEFAULT '{}'::jsonb,
	message_id        text NOT NULL UNIQUE DEFAULT (encode(gen_random_bytes(16), 'hex')),
	status            text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
	attempts          integer NOT NULL DEFAULT 0,
	not_before        timestamptz NOT NULL DEFAULT now(),
	last_error        text CHECK (length(last_error) <= 500),
	created_at        timestamptz NOT NULL DEFAULT now(),
	sent_at           timestamptz
);
CREATE INDEX outbox_due ON outbox (not_before) WHERE status = 'pending';
CREATE INDEX outbox_session ON outbox (video_session_id) WHERE video_session_id IS NOT NULL;

-- What each person wants: reminders may be turned off by anyone for themselves.
ALTER TABLE users ADD COLUMN email_reminders boolean NOT NULL DEFAULT true;

-- A partner's practice: the name emails are sent under, which reminders go out, and whether
-- session titles may appear in email (off by default: titles can carry health information).
CREATE TABLE partner_settings (
	partner_id      bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
	practice_name   text CHECK (length(practice_name) BETWEEN 1 AND 200),
	reminder_24h    boolean NOT NULL DEFAULT true,
	reminder_1h     boolean NOT NULL DEFAULT true,
	titles_in_email boolean NOT NULL DEFAULT false,
	updated_at      timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, UPDATE, DELETE ON outbox, partner_settings TO vsession_app;
