/*
 * audit.c — rows of the append-only audit log that stand alone: refusals,
 * failed logins, joins and reads of notes. A change writes its own row in
 * its own statement instead (audit_sql.h), so the two commit together.
 */
#include "vsession/audit.h"

static struct vs_stmt stAudit = VS_STMT("audit_write", 8, false,
	"INSERT INTO audit_log (actor_id, actor_email, action, object_type, object_id, outcome,"
	" request_id, client_addr) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)");

/*
 * The same row for reads (who read which notes): committed without waiting
 * for the WAL flush, so a read costs no disk sync. A crash of PostgreSQL
 * itself may lose the last fraction of a second of read rows; changes and
 * their audit rows are always committed synchronously.
 */
static struct vs_stmt stAuditRead = VS_STMT("audit_read", 8, false,
	"WITH c AS (SELECT set_config('synchronous_commit', 'off', true))"
	" INSERT INTO audit_log (actor_id, actor_email, action, object_type, object_id, outcome,"
	" request_id, client_addr) SELECT $1, $2, $3, $4, $5, $6, $7, $8 FROM c");

static enum vs_err audit_exec(struct vs_db *db, struct vs_stmt *st, const struct vs_origin *o,
			      const struct vs_audit *a);

enum vs_err vs_audit_write(struct vs_db *db, const struct vs_origin *o, const struct vs_audit *a)
{
	return audit_exec(db, &stAudit, o, a);
}

enum vs_err vs_audit_write_read(struct vs_db *db, const struct vs_origin *o, const struct vs_audit *a)
{
	return audit_exec(db, &stAuditRead, o, a);
}

static enum vs_err audit_exec(struct vs_db *db, struct vs_stmt *st, const struct vs_origin *o,
			      const struct vs_audit *a)
{
	char zActor[24], zObj[24];
	const char *az[8];

	az[0] = a->iActorId > 0 ? vs_db_param_i64(zActor, a->iActorId) : NULL;
	az[1] = a->zActorEmail;
	az[2] = a->zAction;
	az[3] = a->zObjectType;
	az[4] = a->iObjectId > 0 ? vs_db_param_i64(zObj, a->iObjectId) : NULL;
	az[5] = a->zOutcome;
	az[6] = vs_origin_request_id(o);
	az[7] = o != NULL ? o->zClientAddr : NULL;
	return vs_db_run(db, st, az);
}

enum vs_err vs_audit_view(struct vs_db *db, const struct vs_view *v, const char *zAction,
			  const char *zType, int64_t iObj, const char *zOutcome)
{
	struct vs_audit a = { v->c != NULL ? v->c->iId : 0, NULL, zAction, zType, iObj, zOutcome };
	return vs_audit_write(db, v->o, &a);
}

enum vs_err vs_audit_view_read(struct vs_db *db, const struct vs_view *v, const char *zAction,
			       const char *zType, int64_t iObj)
{
	struct vs_audit a = { v->c != NULL ? v->c->iId : 0, NULL, zAction, zType, iObj, "ok" };
	return vs_audit_write_read(db, v->o, &a);
}

void vs_audit_params(const struct vs_view *v, char zActor[24], const char **az)
{
	az[0] = vs_db_param_i64(zActor, v->c->iId);
	az[1] = vs_origin_request_id(v->o);
	az[2] = v->o != NULL ? v->o->zClientAddr : NULL;
}

enum vs_err vs_audit_run_on(struct vs_db *db, const struct vs_view *v, struct vs_stmt *st, int64_t iObj)
{
	char zObj[24], zActor[24];
	const char *az[4] = { vs_db_param_i64(zObj, iObj) };

	vs_audit_params(v, zActor, az + 1);
	return vs_db_run(db, st, az);
}
