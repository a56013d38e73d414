/*
 * caller.c — roles, origins and refusals: the small types every subsystem
 * shares (caller.h).
 */
#include <stdio.h>
#include <string.h>

#include "vsession/caller.h"

static const char *const azRole[] = { "none", "partner", "client", "admin" };

const char *vs_role_name(enum vs_role e)
{
	return (unsigned)e <= VS_ROLE_ADMIN ? azRole[e] : "none";
}

enum vs_role vs_role_parse(const char *z)
{
	for (int i = VS_ROLE_PARTNER; i <= VS_ROLE_ADMIN; i++)
		if (z != NULL && !strcmp(z, azRole[i]))
			return (enum vs_role)i;
	return VS_ROLE_NONE;
}
const char *vs_origin_request_id(const struct vs_origin *o)
{
	return o != NULL && o->zRequestId != NULL && strlen(o->zRequestId) < 64 ? o->zRequestId : NULL;
}

void vs_outcome_set(struct vs_outcome *o, const char *zField, const char *zMessage)
{
	if (o == NULL)
		return;
	o->zField = zField;
	snprintf(o->zMessage, sizeof(o->zMessage), "%s", zMessage);
}
