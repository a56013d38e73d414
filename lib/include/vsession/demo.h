/*
 * demo.h — demo data for a new database (lib/demo.c), `vsessionctl demo`.
 *
 * Ownership: the logins are appended to the caller's vs_buf; *pzWhy points
 * to static text.
 */
#ifndef VSESSION_DEMO_H
#define VSESSION_DEMO_H

#include "vsession/buf.h"
#include "vsession/db.h"
#include "vsession/error.h"

/* Fills a new, empty database with demo users, links, sessions and appointments. */
enum vs_err vs_demo_load(struct vs_db *db, struct vs_buf *pLogins, const char **pzWhy);

#endif
