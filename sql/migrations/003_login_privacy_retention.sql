-- 003_login_privacy_retention.sql — typed login emails are never stored, and
-- what only grows can be purged.
--
-- A failed login's audit row names the user id when the typed email matches
-- a user, otherwise an HMAC-SHA256 of the normalised text under a key only the
-- API holds ("hmac-sha256:<64 hex>" in actor_email), never the text: a password
-- typed into the email field must not sit in an append-only table. Rows
-- written before this rule are cleared of the text here (the table owner may;
-- the API's role still only inserts). Login counters that were keyed by a
-- typed email are dropped: counters are short-lived and the new keys are the
-- user id, the keyed hash, the device or the address.
--
-- `vsessionctl purge` deletes expired counters and ended login sessions; the
-- indexes below keep that a range scan.

ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only;
UPDATE audit_log SET actor_email = NULL
 WHERE actor_email IS NOT NULL AND actor_email !~ '^hmac-sha256:[0-9a-f]{64}$';
ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_actor_email_keyed
	CHECK (actor_email IS NULL OR actor_email ~ '^hmac-sha256:[0-9a-f]{64}$');

DELETE FROM attempt_counters WHERE key LIKE 'login:email:%' AND key !~ '^login:email:[0-9a-f]{64}$';

CREATE INDEX attempt_counters_window ON attempt_counters (window_start);
CREATE INDEX login_sessions_expires ON login_sessions (expires_at);
