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
-- The senders' claim order: oldest due first, ties by id (a bulk insert shares one not_before).
CREATE INDEX outbox_due ON outbox (not_before, id) WHERE status = 'pending';
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

-- ---- delivery bookkeeping -------------------------------------------------------------------
-- first_tried_at: when the sender first tried; retries stop 24 hours after it (then 'failed').
ALTER TABLE outbox ADD COLUMN first_tried_at timestamptz;
CREATE INDEX outbox_open ON outbox (status, created_at) WHERE status IN ('pending', 'failed');

-- The sender is woken by this channel when a row becomes due now; rows due later (reminders)
-- and any missed notification are found by its polling fallback.
CREATE FUNCTION outbox_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('vsession_outbox', '');
	RETURN NULL;
END
$$;
CREATE TRIGGER outbox_notify AFTER INSERT OR UPDATE OF not_before, status ON outbox
	FOR EACH ROW WHEN (NEW.status = 'pending' AND NEW.not_before <= now())
	EXECUTE FUNCTION outbox_notify();

-- ---- what a session change sends ------------------------------------------------------------
-- The triggers below enqueue in the writing transaction itself, so every writer (the API,
-- vsessionctl, the demo loader) produces the same messages and a rolled-back change none.
-- A session password is emailed only when the writer put it, in clear, into the transaction
-- setting vsession.mail_password (set_config(..., true): gone at commit); the sender clears it
-- from the payload once the message is sent or has failed for good.

-- The facts of a session a message describes, as they are at this change.
CREATE FUNCTION outbox_session_payload(s video_sessions, p_sequence integer) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('session_id', s.id, 'partner_id', s.partner_id, 'title', s.title,
	                          'start', s.session_date, 'end', s.end_date, 'sequence', p_sequence,
	                          'created', s.created_at)
$$;

-- Enqueues one message about session s to its client.
CREATE FUNCTION outbox_enqueue_session(p_kind text, s video_sessions, p_payload jsonb,
                                       p_not_before timestamptz, p_link boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	INSERT INTO outbox (kind, recipient_user_id, recipient_email, recipient_name, video_session_id,
	                    payload, not_before)
	SELECT p_kind, u.id, u.email, u.name, CASE WHEN p_link THEN s.id END, p_payload, p_not_before
	  FROM users u WHERE u.id = s.user_id;
END
$$;

-- The reminders of an upcoming session, per its partner's settings (default: both). A reminder
-- whose moment has already passed is not planned: the session email itself is recent enough.
CREATE FUNCTION outbox_plan_reminders(s video_sessions) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	r24 boolean;
	r1  boolean;
BEGIN
	IF s.status = 'cancelled' THEN
		RETURN;
	END IF;
	SELECT coalesce(ps.reminder_24h, true), coalesce(ps.reminder_1h, true) INTO r24, r1
	  FROM (SELECT 1) x LEFT JOIN partner_settings ps ON ps.partner_id = s.partner_id;
	IF r24 AND s.session_date - interval '24 hours' > now() THEN
		PERFORM outbox_enqueue_session('reminder_24h', s, jsonb_build_object('session_id', s.id),
		                               s.session_date - interval '24 hours', true);
	END IF;
	IF r1 AND s.session_date - interval '1 hour' > now() THEN
		PERFORM outbox_enqueue_session('reminder_1h', s, jsonb_build_object('session_id', s.id),
		                               s.session_date - interval '1 hour', true);
	END IF;
END
$$;

-- Pending reminders (and, with p_all, every pending message) of session p_id are not sent.
CREATE FUNCTION outbox_cancel_pending(p_id bigint, p_all boolean, p_why text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
	UPDATE outbox SET status = 'cancelled', last_error = p_why, payload = payload - 'password' - 'url'
	 WHERE video_session_id = p_id AND status = 'pending'
	   AND (p_all OR kind IN ('reminder_24h', 'reminder_1h'))
$$;

-- The password the writer asked to email, or NULL.
CREATE FUNCTION outbox_mail_password() RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT nullif(current_setting('vsession.mail_password', true), '')
$$;

CREATE FUNCTION video_sessions_outbox() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
	pl jsonb;
	pw text := outbox_mail_password();
BEGIN
	IF TG_OP = 'INSERT' THEN
		IF NEW.status = 'cancelled' OR NEW.end_date <= now() THEN
			RETURN NULL;
		END IF;
		pl := outbox_session_payload(NEW, NEW.sequence);
		IF pw IS NOT NULL THEN
			pl := pl || jsonb_build_object('password', pw);
		END IF;
		PERFORM outbox_enqueue_session('session_scheduled', NEW, pl, now(), true);
		PERFORM outbox_plan_reminders(NEW);
		RETURN NULL;
	END IF;

	-- UPDATE
	IF NEW.status = 'cancelled' AND OLD.status <> 'cancelled' THEN
		PERFORM outbox_cancel_pending(NEW.id, false, 'session cancelled');
		IF OLD.end_date > now() THEN
			PERFORM outbox_enqueue_session('session_cancelled', OLD,
				outbox_session_payload(OLD, NEW.sequence), now(), true);
		END IF;
		RETURN NULL;
	END IF;
	IF NEW.status = 'cancelled' THEN
		RETURN NULL;
	END IF;
	IF NEW.user_id <> OLD.user_id THEN
		-- another client: the old one learns it is off, the new one gets the whole session
		PERFORM outbox_cancel_pending(NEW.id, true, 'session given to another client');
		IF OLD.end_date > now() THEN
			PERFORM outbox_enqueue_session('session_cancelled', OLD,
				outbox_session_payload(OLD, NEW.sequence), now(), true);
		END IF;
		pl := outbox_session_payload(NEW, NEW.sequence);
		IF pw IS NOT NULL THEN
			pl := pl || jsonb_build_object('password', pw);
		END IF;
		PERFORM outbox_enqueue_session('session_scheduled', NEW, pl, now(), true);
		PERFORM outbox_plan_reminders(NEW);
	ELSIF NEW.session_date <> OLD.session_date OR NEW.end_date <> OLD.end_date THEN
		PERFORM outbox_cancel_pending(NEW.id, false, 'session moved');
		pl := outbox_session_payload(NEW, NEW.sequence) || jsonb_build_object('old_start', OLD.session_date);
		IF pw IS NOT NULL THEN
			pl := pl || jsonb_build_object('password', pw);
		END IF;
		PERFORM outbox_enqueue_session('session_moved', NEW, pl, now(), true);
		PERFORM outbox_plan_reminders(NEW);
	ELSIF pw IS NOT NULL THEN
		-- a new password the partner chose to email: the session's details again, with it
		PERFORM outbox_enqueue_session('session_scheduled', NEW,
			outbox_session_payload(NEW, NEW.sequence) || jsonb_build_object('password', pw), now(), true);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER video_sessions_outbox AFTER INSERT OR UPDATE OF user_id, session_date, end_date, status, password_hash
	ON video_sessions FOR EACH ROW EXECUTE FUNCTION video_sessions_outbox();

-- Deleting an upcoming session cancels it for the client. BEFORE DELETE: the row's pending
-- messages still point at it (the foreign key's SET NULL runs later), and the cancellation is
-- not linked to a row that is about to go.
CREATE FUNCTION video_sessions_outbox_delete() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	PERFORM outbox_cancel_pending(OLD.id, true, 'session deleted');
	IF OLD.status <> 'cancelled' AND OLD.end_date > now() THEN
		PERFORM outbox_enqueue_session('session_cancelled', OLD,
			outbox_session_payload(OLD, OLD.sequence + 1), now(), false);
	END IF;
	RETURN OLD;
END
$$;
CREATE TRIGGER video_sessions_outbox_delete BEFORE DELETE ON video_sessions
	FOR EACH ROW EXECUTE FUNCTION video_sessions_outbox_delete();
