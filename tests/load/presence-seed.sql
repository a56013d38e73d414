-- presence-seed.sql — 1,000 waiting rooms for scripts/bench (issue 18): for each partner of the
-- range :p0 to :p1 (made by seed.sql with one client and no sessions), one session that started 5 minutes ago and lasts 3 hours,
-- its booking, and a guest invite whose token is "bench-invite-<session id>" (stored, as always,
-- only as its SHA-256). Prints the session ids, comma-separated, for the wrk data file.
--
-- psql variables: p0, p1, hash.

\set ON_ERROR_STOP 1
BEGIN;
SET LOCAL session_replication_role = replica;

CREATE TEMP TABLE waiting ON COMMIT DROP AS
SELECT p.id AS partner_id, pc.client_id, substring(p.email FROM '^bench-p([0-9]+)@')::int AS g
  FROM users p JOIN partner_clients pc ON pc.partner_id = p.id
 WHERE p.email LIKE 'bench-p%@bench.test'
   AND substring(p.email FROM '^bench-p([0-9]+)@')::int BETWEEN :p0 AND :p1;

CREATE TEMP TABLE waiting_sessions ON COMMIT DROP AS
WITH s AS (
INSERT INTO video_sessions (partner_id, user_id, title, session_date, duration_minutes, end_date,
                            password_enabled, password_hash, meeting_room_id, jitsi_password)
SELECT w.partner_id, w.client_id, 'Waiting room', t.at, 180, t.at + interval '180 minutes', true, :'hash',
       translate(md5(format('waiting-room-%s', w.g)), '0189', 'wxyz'), substr(md5(format('waiting-jitsi-%s', w.g)), 1, 20)
  FROM waiting w CROSS JOIN LATERAL (SELECT date_trunc('minute', now()) - interval '5 minutes' AS at) t
RETURNING id, partner_id, session_date, end_date)
SELECT * FROM s;

INSERT INTO bookings (partner_id, kind, ref_id, during, active)
SELECT partner_id, 'video_session', id, tstzrange(session_date, end_date, '[)'), true FROM waiting_sessions;

INSERT INTO invites (video_session_id, token_sha256, expires_at)
SELECT id, encode(sha256(convert_to('bench-invite-' || id, 'UTF8')), 'hex'), end_date FROM waiting_sessions;

SELECT string_agg(id::text, ',' ORDER BY id) FROM waiting_sessions;
COMMIT;
