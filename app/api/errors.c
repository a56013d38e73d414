/*
 * errors.c — the table of HTTP answers to library errors (errors.h).
 *
 * Adding a value to enum vs_err means adding its row here; the unit test
 * tests/unit/test_errors.c fails for a value without one.
 */
#include <stddef.h>

#include "errors.h"

const struct vs_err_answer vs_aErrAnswer[VS_ERR__MAX] = {
	[VS_OK]                  = { 500, "internal", "Something went wrong on our side.", NULL, false },
	[VS_ERR_NOMEM]           = { 500, "internal", "Something went wrong on our side.", NULL, false },
	[VS_ERR_INVALID]         = { 422, "validation_failed", "A value is not valid.", NULL, true },
	[VS_ERR_NOT_FOUND]       = { 404, "not_found", "There is no such resource.", NULL, false },
	[VS_ERR_FORBIDDEN]       = { 403, "forbidden", "You are not allowed to do this.", NULL, true },
	[VS_ERR_UNAUTHENTICATED] = { 401, "unauthenticated", "Log in to continue.", NULL, false },
	[VS_ERR_WRONG_PASSWORD]  = { 403, "wrong_password", "The password is not right.", NULL, true },
	[VS_ERR_RATE_LIMITED]    = { 429, "too_many_attempts", "Too many attempts; try again later.", NULL, true },
	[VS_ERR_CONFLICT]        = { 409, "conflict", "The partner is already booked at that time.", NULL, true },
	[VS_ERR_INVALID_STATE]   = { 409, "invalid_state", "The object's state does not allow this change.", NULL, true },
	[VS_ERR_DUPLICATE]       = { 500, "internal", "Something went wrong on our side.", NULL, false },
	[VS_ERR_UNAVAILABLE]     = { 503, "unavailable", "The service is briefly unavailable; try again in a moment.", "2", false },
	[VS_ERR_INTERNAL]        = { 500, "internal", "Something went wrong on our side.", NULL, false },
};

const struct vs_err_answer *vs_err_answer(enum vs_err err)
{
	if ((unsigned)err >= VS_ERR__MAX || vs_aErrAnswer[err].zCode == NULL)
		return &vs_aErrAnswer[VS_ERR_INTERNAL];
	return &vs_aErrAnswer[err];
}
