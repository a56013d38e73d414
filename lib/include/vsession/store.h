/*
 * store.h — the whole session store in one include, for programs that use
 * most of it (vsessionctl, the API's handlers). Library files include only
 * the subsystem headers they need.
 *
 * Every subsystem has its header and its source file in lib/; each header
 * says who owns what its functions return. The HTTP contract they serve is
 * app/api/openapi.yaml.
 */
#ifndef VSESSION_STORE_H
#define VSESSION_STORE_H

#include "vsession/appointments.h"
#include "vsession/audit.h"
#include "vsession/authz.h"
#include "vsession/caller.h"
#include "vsession/demo.h"
#include "vsession/health.h"
#include "vsession/invites.h"
#include "vsession/joins.h"
#include "vsession/limits.h"
#include "vsession/logins.h"
#include "vsession/migrations.h"
#include "vsession/sessions.h"
#include "vsession/users.h"
#include "vsession/waiting.h"
#include "vsession/joinhints.h"

#endif
