-- 007_account.sql — accounts a partner creates: onboarding and password-reset links.
--
-- A client a partner adds has no password until they follow the onboarding
-- link, so password_hash may be NULL; a login to such an account fails like a
-- wrong password (same answer, same cost). A link carries a random token;
-- only its SHA-256 is kept here, with its purpose and expiry (onboarding 7
-- days, password reset 30 minutes). A token is single use: setting the
-- password deletes it together with every other token of the account. A new
-- link of the same purpose replaces the old one.

ALTER TABLE users ALTER COLUMN password_hash DROP NOT NULL;

CREATE TABLE account_tokens (
	token_sha256 text PRIMARY KEY CHECK (token_sha256 ~ '^[0-9a-f]{64}$'),
	user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	purpose      text NOT NULL CHECK (purpose IN ('onboarding', 'password_reset')),
	created_at   timestamptz NOT NULL DEFAULT now(),
	expires_at   timestamptz NOT NULL,
	CHECK (expires_at > created_at)
);
CREATE INDEX account_tokens_user ON account_tokens (user_id, purpose);
CREATE INDEX account_tokens_expires ON account_tokens (expires_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON account_tokens TO vsession_app;
