/*
 * users.h — accounts and the partner–client links (lib/users.c).
 *
 * Ownership: a vs_user has fixed-size fields and needs no freeing; JSON is
 * appended to the caller's vs_buf; *pzWhy points to static text.
 */
#ifndef VSESSION_USERS_H
#define VSESSION_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vsession/buf.h"
#include "vsession/caller.h"
#include "vsession/crypto.h"
#include "vsession/db.h"
#include "vsession/error.h"

#define VS_NAME_MAX   (200 * 4 + 1)   /* 200 code points of UTF-8 */
#define VS_EMAIL_MAX  255
#define VS_TZ_MAX     65

struct vs_user {
	int64_t      iId;
	enum vs_role eRole;
	char         zName[VS_NAME_MAX];
	char         zEmail[VS_EMAIL_MAX];
	char         zTimezone[VS_TZ_MAX];
};

/*
 * Creates a user. VS_ERR_DUPLICATE when the email (case-insensitively) is
 * taken, VS_ERR_INVALID when a value breaks a rule (zWhy names it).
 */
enum vs_err vs_user_create(struct vs_db *db, enum vs_role eRole, const char *zEmail,
			   const char *zName, const char *zTimezone, const char *zPassword,
			   size_t nPassword, int64_t *piId, const char **pzWhy);
enum vs_err vs_user_get(struct vs_db *db, int64_t iId, struct vs_user *pUser);
enum vs_err vs_user_find_email(struct vs_db *db, const char *zEmail, struct vs_user *pUser);
/*
 * The user with email zEmail (case-insensitively) and their password hash,
 * for a login check: VS_ERR_NOT_FOUND when no user has it. The hash is
 * written to zHash; the caller wipes it.
 */
enum vs_err vs_user_find_credentials(struct vs_db *db, const char *zEmail, struct vs_user *pUser,
				     char zHash[VS_PASSWORD_HASH_MAX]);
/* Links a client to a partner by their emails (idempotent). */
enum vs_err vs_client_link(struct vs_db *db, const char *zPartnerEmail, const char *zClientEmail,
			   const char **pzWhy);
/* True when iClient is one of iPartner's clients. */
enum vs_err vs_client_is_linked(struct vs_db *db, int64_t iPartner, int64_t iClient, bool *pb);

/*
 * A partner's clients as the JSON object {"clients":[...]} into out, for a
 * caller allowed to read that partner's collections (authz.h).
 */
enum vs_err vs_clients_json(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
			    struct vs_buf *out);

#endif
