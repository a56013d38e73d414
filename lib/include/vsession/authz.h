/*
 * authz.h — object-level authorization: every decision of the form
 * (caller, action, object) is made by one of these functions (lib/authz.c).
 *
 * Ownership: pure functions of their arguments; nothing is allocated.
 * VS_OK allows, VS_ERR_FORBIDDEN (403) when the caller may know the object
 * exists but not do this, VS_ERR_NOT_FOUND (404) when the caller may not
 * even know it.
 */
#ifndef VSESSION_AUTHZ_H
#define VSESSION_AUTHZ_H

#include <stdbool.h>
#include <stdint.h>

#include "vsession/caller.h"
#include "vsession/error.h"

enum vs_action { VS_ACT_READ, VS_ACT_WRITE, VS_ACT_VERIFY, VS_ACT_JOIN };

/* /api/partners/:id/... collections. */
enum vs_err vs_authorize_partner_collection(const struct vs_caller *c, int64_t iPartner,
					    enum vs_action a);
/* /api/users/:id/... collections; bLinked: iUser is one of the calling partner's clients. */
enum vs_err vs_authorize_user_collection(const struct vs_caller *c, int64_t iUser, bool bLinked);
/* Creating a video session. */
enum vs_err vs_authorize_session_create(const struct vs_caller *c);
/* One video session of partner iPartner with client iClient. */
enum vs_err vs_authorize_session(const struct vs_caller *c, enum vs_action a,
				 int64_t iPartner, int64_t iClient);
/* One appointment of partner iPartner. */
enum vs_err vs_authorize_appointment(const struct vs_caller *c, enum vs_action a, int64_t iPartner);
/* What only a session's client does to it (cancel their own, ask for another time). */
enum vs_err vs_authorize_session_client(const struct vs_caller *c, int64_t iPartner, int64_t iClient);
/* Another object a partner owns (a dashboard notice): as an appointment. */
enum vs_err vs_authorize_partner_object(const struct vs_caller *c, enum vs_action a, int64_t iPartner);

#endif
