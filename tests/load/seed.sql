-- seed.sql — bulk data for scripts/bench, in plain SQL (generate_series), not through the API.
--
-- Adds partners number :p0 to :p1 (emails bench-p<N>@bench.test), :nclients clients for each
-- (bench-c<N>-<K>@bench.test, linked to their partner) and :nsessions video sessions per partner.
-- Run it again with a higher range to grow the data set; earlier rows stay as they were.
--
-- A partner's sessions never overlap: session k starts on day :'day0' + k / 8, at 09:00 UTC +
-- (k % 8) hours, lasts 45 minutes (end_date = session_date + duration, as the CHECK wants), and
-- belongs to client k % :nclients.
--
-- Speed: the row triggers (bookings mirror, partner/client role checks) and foreign-key checks are
-- switched off for this transaction (session_replication_role = replica; the rows are right by
-- construction) and the `bookings` rows the trigger would write are written here in the same
-- statement, so the exclusion constraint still sees every seeded session (the mixed load's
-- conflicts need them) and bookings stays one row per session. Most of the time left is the
-- bookings GiST index; scripts/bench runs several of these in parallel for the big data set.
-- Every seeded user has the password hash :'hash' (one argon2id hash made by vsessionctl).
--
-- psql variables: p0, p1, nclients, nsessions, day0 (a date), hash.

\set ON_ERROR_STOP 1
BEGIN;
SET LOCAL session_replication_role = replica;

INSERT INTO users (role, email, name, timezone, password_hash)
SELECT 'partner', format('bench-p%s@bench.test', g), format('Dr. Bench Partner %s', g), 'UTC', :'hash'
  FROM generate_series(:p0, :p1) g;

INSERT INTO users (role, email, name, timezone, password_hash)
SELECT 'client', format('bench-c%s-%s@bench.test', g, k), format('Client %s of %s', k, g), 'UTC', :'hash'
  FROM generate_series(:p0, :p1) g, generate_series(1, :nclients) k;

-- Partner number -> user id, and (partner number, client number) -> user id.
CREATE TEMP TABLE seed_p ON COMMIT DROP AS
SELECT substring(email FROM '^bench-p([0-9]+)@')::int AS g, id
  FROM users WHERE email LIKE 'bench-p%@bench.test'
   AND substring(email FROM '^bench-p([0-9]+)@')::int BETWEEN :p0 AND :p1;
CREATE TEMP TABLE seed_c ON COMMIT DROP AS
SELECT (regexp_match(email, '^bench-c([0-9]+)-([0-9]+)@'))[1]::int AS g,
       (regexp_match(email, '^bench-c([0-9]+)-([0-9]+)@'))[2]::int AS k, id
  FROM users WHERE email LIKE 'bench-c%@bench.test'
   AND (regexp_match(email, '^bench-c([0-9]+)-'))[1]::int BETWEEN :p0 AND :p1;
CREATE INDEX ON seed_c (g, k);
ANALYZE seed_p;
ANALYZE seed_c;

INSERT INTO partner_clients (partner_id, client_id)
SELECT p.id, c.id FROM seed_p p JOIN seed_c c USING (g);

WITH s AS (
INSERT INTO video_sessions (partner_id, user_id, title, session_date, duration_minutes, end_date,
                            password_enabled, password_hash, meeting_room_id, jitsi_password, notes)
SELECT p.id, c.id,
       format('Weekly check-in %s', s.k + 1),
       t.at, 45, t.at + interval '45 minutes',
       true, :'hash',
       translate(md5(format('room-%s-%s', p.g, s.k)), '0189', 'wxyz'),
       substr(md5(format('jitsi-%s-%s', p.g, s.k)), 1, 20),
       'Talked about sleep and the work deadline; follow up on the breathing exercise next time.'
  FROM seed_p p
 CROSS JOIN generate_series(0, :nsessions - 1) AS s(k)
 JOIN seed_c c ON c.g = p.g AND c.k = s.k % :nclients + 1
 CROSS JOIN LATERAL (SELECT (:'day0'::date + s.k / 8)::timestamp AT TIME ZONE 'UTC'
                            + make_interval(hours => 9 + s.k % 8) AS at) t
 ORDER BY p.g, s.k
RETURNING id, partner_id, session_date, end_date, status)
INSERT INTO bookings (partner_id, kind, ref_id, during, active)
SELECT partner_id, 'video_session', id, tstzrange(session_date, end_date, '[)'), status <> 'cancelled'
  FROM s;

COMMIT;
