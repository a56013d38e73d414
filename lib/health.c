/*
 * health.c — the database answers (GET /api/health).
 */
#include "vsession/health.h"

static struct vs_stmt stPing = VS_STMT("ping", 0, true, "SELECT 1");

enum vs_err vs_store_ping(struct vs_db *db)
{
	return vs_db_run(db, &stPing, NULL) == VS_OK ? VS_OK : VS_ERR_UNAVAILABLE;
}
