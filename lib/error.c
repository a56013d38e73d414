/*
 * error.c — descriptions of the library's error values.
 */
#include <stddef.h>

#include "vsession/error.h"

static const char *const azErr[VS_ERR__MAX] = {
	[VS_OK]                  = "success",
	[VS_ERR_NOMEM]           = "out of memory",
	[VS_ERR_INVALID]         = "invalid input",
	[VS_ERR_NOT_FOUND]       = "not found",
	[VS_ERR_FORBIDDEN]       = "forbidden",
	[VS_ERR_UNAUTHENTICATED] = "not authenticated",
	[VS_ERR_WRONG_PASSWORD]  = "wrong password",
	[VS_ERR_RATE_LIMITED]    = "too many attempts",
	[VS_ERR_CONFLICT]        = "booking conflict",
	[VS_ERR_INVALID_STATE]   = "invalid state for this change",
	[VS_ERR_DUPLICATE]       = "already exists",
	[VS_ERR_UNAVAILABLE]     = "database unavailable",
	[VS_ERR_INTERNAL]        = "internal error",
};

const char *vs_strerror(enum vs_err err)
{
	if ((unsigned)err >= VS_ERR__MAX || azErr[err] == NULL)
		return "unknown error";
	return azErr[err];
}
