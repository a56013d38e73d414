-- 001_schema.sql — the first whole schema of vsession.
--
-- The database enforces what it can: roles, ownership, lengths, durations and,
-- above all, that no two of a partner's bookings overlap. Video sessions and
-- appointments each mirror their time range into `bookings`, whose exclusion
-- constraint is the one place double booking is refused, under any number
-- of concurrent writers on any number of hosts.
--
-- The API connects as a member of the role `vsession_app`, which may read
-- and write the data but only INSERT and SELECT the audit log.

CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS pgcrypto;

DO $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'vsession_app') THEN
		CREATE ROLE vsession_app NOLOGIN;
	END IF;
END
$$;

CREATE TABLE users (
	id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	role          text NOT NULL CHECK (role IN ('partner', 'client', 'admin')),
	email         text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND email ~ '^[^@\s]+@[^@\s]+$'),
	name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
	timezone      text NOT NULL DEFAULT 'UTC' CHECK (length(timezone) BETWEEN 1 AND 64),
	password_hash text NOT NULL CHECK (password_hash LIKE '$argon2id$%'),
	created_at    timestamptz NOT NULL DEFAULT now(),
	updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- A partner's clients. `alias`, when set, is the name the partner's sessions
-- show the client as in the video room.
CREATE TABLE partner_clients (
	partner_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	client_id  bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	alias      text CHECK (length(alias) BETWEEN 1 AND 100),
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (partner_id, client_id),
	CHECK (partner_id <> client_id)
);
CREATE INDEX partner_clients_client ON partner_clients (client_id);

CREATE FUNCTION partner_clients_check_roles() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF (SELECT role FROM users WHERE id = NEW.partner_id) IS DISTINCT FROM 'partner' THEN
		RAISE EXCEPTION 'partner_clients.partner_id must be a partner' USING ERRCODE = '23514';
	END IF;
	IF (SELECT role FROM users WHERE id = NEW.client_id) IS DISTINCT FROM 'client' THEN
		RAISE EXCEPTION 'partner_clients.client_id must be a client' USING ERRCODE = '23514';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER partner_clients_roles BEFORE INSERT OR UPDATE ON partner_clients
	FOR EACH ROW EXECUTE FUNCTION partner_clients_check_roles();

-- Server-side login sessions: a token's `sid`. Revoking one logs that token
-- out on every worker and host at once.
CREATE TABLE login_sessions (
	id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
	user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	created_at  timestamptz NOT NULL DEFAULT now(),
	expires_at  timestamptz NOT NULL,
	revoked_at  timestamptz,
	client_addr text,
	CHECK (expires_at > created_at)
);
CREATE INDEX login_sessions_user ON login_sessions (user_id);

-- Every booked range of a partner's time. Rows are written only by the
-- triggers below; `active` is false for cancelled video sessions.
CREATE TABLE bookings (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	partner_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	kind       text NOT NULL CHECK (kind IN ('video_session', 'appointment')),
	ref_id     bigint NOT NULL,
	during     tstzrange NOT NULL CHECK (NOT isempty(during) AND lower_inc(during) AND NOT upper_inc(during)
	                                     AND NOT lower_inf(during) AND NOT upper_inf(during)),
	active     boolean NOT NULL DEFAULT true,
	UNIQUE (kind, ref_id),
	CONSTRAINT bookings_no_overlap EXCLUDE USING gist (partner_id WITH =, during WITH &&) WHERE (active)
);

CREATE TABLE video_sessions (
	id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	partner_id       bigint NOT NULL,
	user_id          bigint NOT NULL,
	title            text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	session_date     timestamptz NOT NULL,
	duration_minutes integer NOT NULL CHECK (duration_minutes BETWEEN 30 AND 180 AND duration_minutes % 15 = 0),
	end_date         timestamptz NOT NULL,
	status           text NOT NULL DEFAULT 'scheduled'
	                 CHECK (status IN ('scheduled', 'in_progress', 'completed', 'cancelled')),
	password_enabled boolean NOT NULL DEFAULT true,
	password_hash    text CHECK (password_hash LIKE '$argon2id$%'),
	meeting_room_id  text NOT NULL UNIQUE CHECK (meeting_room_id ~ '^[a-z2-7]{26,64}$'),
	jitsi_password   text NOT NULL CHECK (length(jitsi_password) BETWEEN 16 AND 64),
	notes            text NOT NULL DEFAULT '' CHECK (length(notes) <= 10000),
	sequence         integer NOT NULL DEFAULT 0,
	created_at       timestamptz NOT NULL DEFAULT now(),
	updated_at       timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (partner_id, user_id) REFERENCES partner_clients (partner_id, client_id),
	CHECK (end_date = session_date + make_interval(mins => duration_minutes)),
	CHECK (password_enabled = (password_hash IS NOT NULL))
);
CREATE INDEX video_sessions_partner_start ON video_sessions (partner_id, session_date, id);
CREATE INDEX video_sessions_user_start ON video_sessions (user_id, session_date, id);

CREATE TABLE appointments (
	id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	partner_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	user_id    bigint,
	title      text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
	starts_at  timestamptz NOT NULL,
	ends_at    timestamptz NOT NULL,
	notes      text NOT NULL DEFAULT '' CHECK (length(notes) <= 10000),
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	FOREIGN KEY (partner_id, user_id) REFERENCES partner_clients (partner_id, client_id),
	CHECK (ends_at - starts_at BETWEEN interval '15 minutes' AND interval '12 hours')
);
CREATE INDEX appointments_partner_start ON appointments (partner_id, starts_at, id);

-- Mirror each booking's range into `bookings`; the exclusion constraint there
-- raises 23P01 (bookings_no_overlap) from inside the writing statement.
CREATE FUNCTION video_sessions_booking() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO bookings (partner_id, kind, ref_id, during, active)
		VALUES (NEW.partner_id, 'video_session', NEW.id,
		        tstzrange(NEW.session_date, NEW.end_date, '[)'), NEW.status <> 'cancelled');
	ELSIF TG_OP = 'UPDATE' THEN
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
CREATE TRIGGER video_sessions_booking AFTER INSERT OR DELETE OR UPDATE OF session_date, end_date, status
	ON video_sessions FOR EACH ROW EXECUTE FUNCTION video_sessions_booking();

CREATE FUNCTION appointments_booking() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	IF TG_OP = 'INSERT' THEN
		INSERT INTO bookings (partner_id, kind, ref_id, during)
		VALUES (NEW.partner_id, 'appointment', NEW.id, tstzrange(NEW.starts_at, NEW.ends_at, '[)'));
	ELSIF TG_OP = 'UPDATE' THEN
		UPDATE bookings SET during = tstzrange(NEW.starts_at, NEW.ends_at, '[)')
		 WHERE kind = 'appointment' AND ref_id = NEW.id;
	ELSE
		DELETE FROM bookings WHERE kind = 'appointment' AND ref_id = OLD.id;
		RETURN OLD;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER appointments_booking AFTER INSERT OR DELETE OR UPDATE OF starts_at, ends_at
	ON appointments FOR EACH ROW EXECUTE FUNCTION appointments_booking();

-- A client's (or guest invite's) passed password check, remembered until
-- the session ends so the join endpoint can hand out the room.
CREATE TABLE session_verifications (
	video_session_id bigint NOT NULL REFERENCES video_sessions (id) ON DELETE CASCADE,
	user_id          bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	verified_at      timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (video_session_id, user_id)
);

-- Guest invites: one live invite per session; only the token's SHA-256 is kept.
CREATE TABLE invites (
	video_session_id bigint PRIMARY KEY REFERENCES video_sessions (id) ON DELETE CASCADE,
	token_sha256     text NOT NULL UNIQUE CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
	created_at       timestamptz NOT NULL DEFAULT now(),
	expires_at       timestamptz NOT NULL
);

-- Rate-limit counters shared by every worker and host: a fixed window that
-- starts at the first counted attempt. `attempts` is raised before the
-- expensive check and lowered again when it succeeds, so concurrent tries
-- can never exceed the limit.
CREATE TABLE attempt_counters (
	key          text PRIMARY KEY CHECK (length(key) BETWEEN 1 AND 400),
	window_start timestamptz NOT NULL,
	attempts     integer NOT NULL CHECK (attempts >= 0)
);

CREATE TABLE audit_log (
	id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at          timestamptz NOT NULL DEFAULT clock_timestamp(),
	actor_id    bigint,
	actor_email text,
	action      text NOT NULL CHECK (length(action) BETWEEN 1 AND 64),
	object_type text,
	object_id   bigint,
	outcome     text NOT NULL CHECK (outcome IN ('ok', 'denied', 'failed')),
	request_id  text,
	client_addr text
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
	RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
	FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

GRANT SELECT, INSERT, UPDATE, DELETE ON users, partner_clients, login_sessions, video_sessions,
	appointments, session_verifications, invites, attempt_counters TO vsession_app;
GRANT SELECT ON bookings TO vsession_app;
GRANT SELECT, INSERT ON audit_log TO vsession_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO vsession_app;
