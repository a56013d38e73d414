/*
 * health.h — is the store reachable (GET /api/health).
 *
 * Ownership: nothing is returned but the error value.
 */
#ifndef VSESSION_HEALTH_H
#define VSESSION_HEALTH_H

#include "vsession/db.h"
#include "vsession/error.h"

/* VS_OK when the database answers a trivial query, else VS_ERR_UNAVAILABLE. */
enum vs_err vs_store_ping(struct vs_db *db);

#endif
