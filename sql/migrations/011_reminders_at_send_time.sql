-- 011_reminders_at_send_time.sql — reminders are planned by the sender when they come due, not
-- written as two outbox rows by every session change.
--
-- A session change used to insert its two reminder rows (24 h and 1 h before the start) in the
-- writing transaction; a create paid for three outbox rows. Now the change writes only its own
-- message, and the sender (vsession-mailer) plans, every few seconds, the reminders that come due
-- within a short horizon (outbox_plan_due_reminders). The rules stay those of 005:
--   - a reminder goes to the session's client, per the partner's settings (default: both);
--   - a reminder whose moment had already passed when the client was told of this start (the
--     scheduled or moved message) is not planned: that message is recent enough;
--   - a cancelled session gets none; a moved one gets its reminders at the new time.
-- Each reminder goes once: one row per session, kind, client and start (reminder_for), enforced
-- by a unique index, so two senders planning at once insert it once, and one dropped at send time
-- (reminders turned off) is not planned again. A move or a cancellation still cancels the pending
-- reminder rows (outbox_cancel_pending), which then leave the index (reminder_for NULL: a session
-- moved back to that start gets its reminder again); a row planned for a start the session no
-- longer has is dropped at send time.

ALTER TABLE outbox ADD COLUMN reminder_for timestamptz;

-- Reminder rows written before this migration, the latest of each session, kind and client that a
-- change did not cancel (a move or a new client cancelled the pending ones; one sent or dropped
-- counts only if no later scheduled or moved message named another start), are for the
-- session's current start.
UPDATE outbox o SET reminder_for = s.session_date
  FROM video_sessions s
 WHERE o.video_session_id = s.id AND o.kind IN ('reminder_24h', 'reminder_1h') AND o.recipient_user_id = s.user_id
   AND o.id = (SELECT max(d.id) FROM outbox d
                WHERE d.video_session_id = o.video_session_id AND d.kind = o.kind
                  AND d.recipient_user_id = o.recipient_user_id
                  AND NOT (d.status = 'cancelled' AND d.last_error IN ('session moved', 'session cancelled',
                           'session given to another client', 'session deleted')))
   AND NOT EXISTS (SELECT 1 FROM outbox l
                    WHERE l.video_session_id = s.id AND l.id > o.id
                      AND l.kind IN ('session_scheduled', 'session_moved')
                      AND (l.payload->>'start')::timestamptz <> s.session_date);

CREATE UNIQUE INDEX outbox_reminder_once ON outbox (video_session_id, kind, recipient_user_id, reminder_for)
	WHERE reminder_for IS NOT NULL;

-- 005's function, and a cancelled reminder row leaves outbox_reminder_once.
CREATE OR REPLACE FUNCTION outbox_cancel_pending(p_id bigint, p_all boolean, p_why text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
	UPDATE outbox SET status = 'cancelled', last_error = p_why, payload = payload - 'password' - 'url',
	       reminder_for = NULL
	 WHERE video_session_id = p_id AND status = 'pending'
	   AND (p_all OR kind IN ('reminder_24h', 'reminder_1h'))
$$;

-- The planner's scan: sessions starting within the next day.
CREATE INDEX video_sessions_start ON video_sessions (session_date);

-- Plans every reminder due by now() + p_ahead (not_before = its moment, so one planned ahead
-- waits for it); returns how many rows it wrote. Safe to run from several senders at once.
CREATE FUNCTION outbox_plan_due_reminders(p_ahead interval) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
	WITH r AS (
		SELECT k.kind, s.id, s.user_id, s.session_date, s.session_date - k.lead_time AS at
		  FROM video_sessions s
		  LEFT JOIN partner_settings ps ON ps.partner_id = s.partner_id
		 CROSS JOIN (VALUES ('reminder_24h', interval '24 hours'), ('reminder_1h', interval '1 hour')) k (kind, lead_time)
		 WHERE s.session_date > now() AND s.session_date <= now() + interval '24 hours' + p_ahead
		   AND s.status <> 'cancelled'
		   AND s.session_date - k.lead_time <= now() + p_ahead
		   AND CASE k.kind WHEN 'reminder_24h' THEN coalesce(ps.reminder_24h, true)
		                   ELSE coalesce(ps.reminder_1h, true) END
		   -- the client was told of this start before the reminder's moment
		   AND EXISTS (SELECT 1 FROM outbox m
		                WHERE m.video_session_id = s.id AND m.recipient_user_id = s.user_id
		                  AND m.kind IN ('session_scheduled', 'session_moved')
		                  AND (m.payload->>'start')::timestamptz = s.session_date
		                  AND m.created_at < s.session_date - k.lead_time
		                  AND NOT EXISTS (SELECT 1 FROM outbox l
		                                   WHERE l.video_session_id = s.id AND l.id > m.id
		                                     AND l.kind IN ('session_scheduled', 'session_moved')
		                                     AND (l.payload->>'start')::timestamptz <> s.session_date))
		   AND NOT EXISTS (SELECT 1 FROM outbox o
		                    WHERE o.video_session_id = s.id AND o.kind = k.kind
		                      AND o.recipient_user_id = s.user_id AND o.reminder_for = s.session_date)),
	i AS (
		INSERT INTO outbox (kind, recipient_user_id, recipient_email, recipient_name, video_session_id,
		                    payload, not_before, reminder_for)
		SELECT r.kind, u.id, u.email, u.name, r.id, jsonb_build_object('session_id', r.id), r.at, r.session_date
		  FROM r JOIN users u ON u.id = r.user_id
		ON CONFLICT (video_session_id, kind, recipient_user_id, reminder_for)
		   WHERE reminder_for IS NOT NULL DO NOTHING
		RETURNING 1)
	SELECT count(*)::integer FROM i
$$;

-- The session change trigger of 005 without its two reminder inserts (outbox_plan_reminders);
-- everything else as it was.
CREATE OR REPLACE FUNCTION video_sessions_outbox() RETURNS trigger
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
	ELSIF NEW.session_date <> OLD.session_date OR NEW.end_date <> OLD.end_date THEN
		PERFORM outbox_cancel_pending(NEW.id, false, 'session moved');
		pl := outbox_session_payload(NEW, NEW.sequence) || jsonb_build_object('old_start', OLD.session_date);
		IF pw IS NOT NULL THEN
			pl := pl || jsonb_build_object('password', pw);
		END IF;
		PERFORM outbox_enqueue_session('session_moved', NEW, pl, now(), true);
	ELSIF pw IS NOT NULL THEN
		-- a new password the partner chose to email: the session's details again, with it
		PERFORM outbox_enqueue_session('session_scheduled', NEW,
			outbox_session_payload(NEW, NEW.sequence) || jsonb_build_object('password', pw), now(), true);
	END IF;
	RETURN NULL;
END
$$;

DROP FUNCTION outbox_plan_reminders(video_sessions);
