/*
 * account.h — accounts people run themselves: a partner adding a client,
 * onboarding and password-reset links, personal and practice settings, and
 * password changes (account.c: clients, links, reset; settings.c: settings
 * and password changes).
 *
 * Links carry a 32-byte random token (base64url) in the URL fragment
 * ("/welcome#token=…", "/reset-password#token=…"), so it never reaches a
 * server log or a Referer; the database keeps its SHA-256 only. Each link
 * is written with its outbox message in one transaction. Functions follow
 * store.h: they return a vs_err and fill a vs_outcome with the 422 field and
 * the message for people.
 */
#ifndef VSESSION_ACCOUNT_H
#define VSESSION_ACCOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsession/store.h"

#define VS_ONBOARDING_TTL_SEC  (7 * 24 * 3600)
#define VS_RESET_TTL_SEC       (30 * 60)
#define VS_PASSWORD_MIN_BYTES  8
#define VS_PASSWORD_MAX_BYTES  1024

/* Password-reset requests: per typed email (keyed hash) and per client address. */
#define VS_RESET_WINDOW_SEC    3600
#define VS_RESET_MAX_EMAIL     5
#define VS_RESET_MAX_ADDR      20
/* Failed link uses per client address (a link token cannot be guessed; this bounds the work). */
#define VS_LINK_WINDOW_SEC     (15 * 60)
#define VS_LINK_MAX_ADDR       30
/* Wrong current passwords on a password change, per account. */
#define VS_PWCHANGE_WINDOW_SEC (15 * 60)
#define VS_PWCHANGE_MAX        10

enum vs_link_purpose { VS_LINK_ANY = 0, VS_LINK_ONBOARDING, VS_LINK_PASSWORD_RESET };

/* "onboarding" / "password_reset" -> purpose; VS_LINK_ANY for anything else. */
enum vs_link_purpose vs_link_purpose_parse(const char *z);

/* True when z (n bytes) is a plausible email address: one '@', no spaces or controls, 3..254 bytes. */
bool vs_email_plausible(const char *z, size_t n);
/* True when z (n bytes) has no control characters and at least one non-space character. */
bool vs_text_is_clean_line(const char *z, size_t n);

/* A client as the partner's answer shows it. */
struct vs_client_added {
	struct vs_user user;
	bool bLinkCreated;   /* a new partner-client link (201), else an invitation sent again (200) */
};

/*
 * Partner iPartner (the caller) adds a client by name and email; zTimezone
 * NULL means the partner's own zone. In one transaction:
 *  - a new email: a client account without a password, the link, an
 *    onboarding token (7 days) and its outbox message;
 *  - a client of this partner who never set a password: the token is
 *    replaced and the message sent again;
 *  - a client of another practice: linked, and told by an onboarding message
 *    that carries no token (they log in with the account they have); the
 *    answer looks like the one for a new client and says nothing of the
 *    other practice;
 *  - an existing client of this partner with a password: VS_ERR_INVALID_STATE;
 *  - an email of a partner or admin: VS_ERR_INVALID (field "email").
 * Audited (client.add / client.invite). The write limit of store.h applies.
 */
enum vs_err vs_client_add(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
			  const char *zName, const char *zEmail, const char *zTimezone,
			  struct vs_client_added *pOut, struct vs_outcome *pOutcome);

/* What a successful set-password gives: a login like vs_login's. */
struct vs_link_login {
	struct vs_user user;
	char    zSid[VS_SID_MAX];
	int64_t iExpiresSec;
	char    zDeviceCookie[VS_DEVICE_COOKIE_MAX];
};

/*
 * Uses an onboarding or reset link: checks the token (live, not used, of
 * purpose ePurpose unless VS_LINK_ANY), sets the password (argon2id), deletes
 * every token of the account, ends every login session of the account and
 * opens a new one, all in one statement with its audit row. A wrong, used,
 * expired or other-purpose token is VS_ERR_INVALID with field "token" (one
 * answer for all). Failed uses count against VS_LINK_MAX_ADDR per address.
 */
enum vs_err vs_link_set_password(struct vs_db *db, const struct vs_origin *o,
				 const unsigned char *pKey, size_t nKey, int64_t iTtlSec,
				 const char *zToken, enum vs_link_purpose ePurpose,
				 const char *zPassword, size_t nPassword,
				 struct vs_link_login *pOut, struct vs_outcome *pOutcome);

/*
 * A "forgot password" request for the typed email. Whether or not an
 * account has it, the work is the same (one statement; a token is made
 * either way) and the result is VS_OK, so neither the answer nor its time
 * tells whether the email exists. Rate-limited per typed email (keyed hash)
 * and per client address: VS_ERR_RATE_LIMITED with pOutcome->iRetryAfter.
 */
enum vs_err vs_password_reset_request(struct vs_db *db, const struct vs_origin *o,
				      const unsigned char *pKey, size_t nKey,
				      const char *zPublicUrl, const char *zEmail,
				      struct vs_outcome *pOutcome);

/*
 * Changes the caller's password: the current one must match (failures are
 * rate-limited per account and audited); every other login session of the
 * account ends, the caller's own (c->zSid) stays; pending reset links die.
 * *pnEnded is the number of login sessions ended.
 */
enum vs_err vs_password_change(struct vs_db *db, const struct vs_origin *o, const struct vs_caller *c,
			       const char *zCurrent, size_t nCurrent, const char *zNew, size_t nNew,
			       int *pnEnded, struct vs_outcome *pOutcome);

/* A person's own settings. */
struct vs_my_settings_input {
	const char *zName;       /* NULL = unchanged */
	const char *zTimezone;   /* NULL = unchanged */
	bool bReminders, bRemindersValue;
};
/* {"name","email","role","timezone","email_reminders"} of the caller into out. */
enum vs_err vs_my_settings_json(struct vs_db *db, const struct vs_caller *c, struct vs_buf *out);
/* Applies the given fields (audited as user.settings) and writes the result as above. */
enum vs_err vs_my_settings_update(struct vs_db *db, const struct vs_origin *o, const struct vs_caller *c,
				  const struct vs_my_settings_input *in, struct vs_buf *out,
				  struct vs_outcome *pOutcome);

/* A partner's practice settings. */
struct vs_practice_settings_input {
	bool bName, bNameNull;
	const char *zName;
	bool b24h, b24hValue, b1h, b1hValue, bTitles, bTitlesValue;
	/* the cancellation policy and the session modal's defaults */
	bool bNotice, bDefaultDuration, bDefaultTitle, bDefaultTitleNull;
	int nNoticeHours, nDefaultDuration;
	const char *zDefaultTitle;
};
/*
 * {"practice_name","reminder_24h","reminder_1h","titles_in_email","cancel_notice_hours",
 * "default_duration_minutes","default_title"} (defaults when never saved).
 */
enum vs_err vs_practice_settings_json(struct vs_db *db, int64_t iPartner, struct vs_buf *out);
enum vs_err vs_practice_settings_update(struct vs_db *db, const struct vs_origin *o, const struct vs_caller *c,
					int64_t iPartner, const struct vs_practice_settings_input *in,
					struct vs_buf *out);

#endif
