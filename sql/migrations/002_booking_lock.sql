-- 002_booking_lock.sql — queue concurrent bookings of one partner.
--
-- An exclusion constraint checks for conflicts after inserting its index
-- entry, so two transactions booking overlapping times for the same partner
-- can each find the other's uncommitted entry and wait for each other: a
-- deadlock that PostgreSQL breaks only after deadlock_timeout. Taking a
-- transaction-level advisory lock per partner before touching `bookings`
-- makes such writers queue instead; the second then sees the first's
-- committed row and fails at once with 23P01. The constraint remains what
-- refuses overlaps; the lock only orders the waiting. Transaction-level locks
-- also work through PgBouncer in transaction mode.

CREATE OR REPLACE FUNCTION bookings_lock_partner(p_partner bigint) RETURNS void
LANGUAGE sql AS $$
	SELECT pg_advisory_xact_lock(1987274101, (p_partner % 2147483647)::int)
$$;

CREATE OR REPLACE FUNCTION video_sessions_booking() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM bookings_lock_partner(NEW.partner_id);
		INSERT INTO bookings (partner_id, kind, ref_id, during, active)
		VALUES (NEW.partner_id, 'video_session', NEW.id,
		        tstzrange(NEW.session_date, NEW.end_date, '[)'), NEW.status <> 'cancelled');
	ELSIF TG_OP = 'UPDATE' THEN
		PERFORM bookings_lock_partner(NEW.partner_id);
		UPDATE bookings
		   SET during = tstzrange(NEW.session_date, NEW.end_date, '[)'),
		       active = NEW.status <> 'cancelled'
		 WHERE kind = 'video_session' AND ref_id = NEW.id;
	ELSE
		DELETE FROM bookings WHERE kind = 'video_session' AND ref_id = OLD.id;
		RETURN OLD;
	END IF;
	RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION appointments_booking() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		PERFORM bookings_lock_partner(NEW.partner_id);
		INSERT INTO bookings (partner_id, kind, ref_id, during)
		VALUES (NEW.partner_id, 'appointment', NEW.id, tstzrange(NEW.starts_at, NEW.ends_at, '[)'));
	ELSIF TG_OP = 'UPDATE' THEN
		PERFORM bookings_lock_partner(NEW.partner_id);
		UPDATE bookings SET during = tstzrange(NEW.starts_at, NEW.ends_at, '[)')
		 WHERE kind = 'appointment' AND ref_id = NEW.id;
	ELSE
		DELETE FROM bookings WHERE kind = 'appointment' AND ref_id = OLD.id;
		RETURN OLD;
	END IF;
	RETURN NEW;
END
$$;
