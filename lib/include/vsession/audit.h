/*
 * audit.h — the append-only audit log (lib/audit.c).
 *
 * Changes write their row in their own statement (audit_sql.h); these
 * functions write rows that stand alone: refusals, failed logins, joins and
 * reads of notes. Ownership: the strings of a vs_audit belong to the
 * caller; nothing is returned but the error value.
 */
#ifndef VSESSION_AUDIT_H
#define VSESSION_AUDIT_H

#include <stdint.h>

#include "vsession/audit_sql.h"
#include "vsession/caller.h"
#include "vsession/db.h"
#include "vsession/error.h"

struct vs_audit {
	int64_t     iActorId;     /* 0 = none */
	const char *zActorEmail;  /* a failed login's keyed email hash ("hmac-sha256:<hex>"), else NULL */
	const char *zAction;      /* "login", "video_session.update", ... */
	const char *zObjectType;  /* NULL or "video_session", ... */
	int64_t     iObjectId;    /* 0 = none */
	const char *zOutcome;     /* "ok", "denied", "failed" */
};

/* Appends one row; failures are reported but callers usually go on. */
enum vs_err vs_audit_write(struct vs_db *db, const struct vs_origin *o, const struct vs_audit *a);
/* The same for a read (of notes): committed without waiting for the disk. */
enum vs_err vs_audit_write_read(struct vs_db *db, const struct vs_origin *o, const struct vs_audit *a);

/* One row for the view's caller (actor) and origin: vs_audit_write. */
enum vs_err vs_audit_view(struct vs_db *db, const struct vs_view *v, const char *zAction,
			  const char *zType, int64_t iObj, const char *zOutcome);
/* The same as a read row ("ok"): vs_audit_write_read. */
enum vs_err vs_audit_view_read(struct vs_db *db, const struct vs_view *v, const char *zAction,
			       const char *zType, int64_t iObj);

/*
 * The three parameters of VS_AUDIT_ROW's actor, request id and address, in
 * that order, for the view's caller: az[0..2]. zActor (the caller's) holds
 * the actor's id as text; the others point into the view's origin.
 */
void vs_audit_params(const struct vs_view *v, char zActor[24], const char **az);
/* Runs a change st whose $1 is the object iObj and $2..$4 the view's audit parameters. */
enum vs_err vs_audit_run_on(struct vs_db *db, const struct vs_view *v, struct vs_stmt *st, int64_t iObj);

#endif
