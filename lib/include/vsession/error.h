/*
 * error.h — the closed set of outcomes every libvsession function reports.
 *
 * 0 is success. The API layer maps each value to one HTTP status and error
 * code; the admin CLI maps them to exit statuses. Adding a value means adding
 * it to vs_strerror() and to the API's mapping table in the same change.
 */
#ifndef VSESSION_ERROR_H
#define VSESSION_ERROR_H

enum vs_err {
	VS_OK = 0,
	VS_ERR_NOMEM,          /* allocation failed */
	VS_ERR_INVALID,        /* input failed validation (caller names the field) */
	VS_ERR_NOT_FOUND,      /* no such object, or the caller may not know it exists */
	VS_ERR_FORBIDDEN,      /* authenticated but not allowed */
	VS_ERR_UNAUTHENTICATED,/* no, bad, expired or revoked credentials */
	VS_ERR_WRONG_PASSWORD, /* a session password did not match */
	VS_ERR_RATE_LIMITED,   /* too many attempts; see the retry-after value */
	VS_ERR_CONFLICT,       /* the partner is already booked then */
	VS_ERR_INVALID_STATE,  /* the object's state forbids the change */
	VS_ERR_DUPLICATE,      /* a unique value exists already */
	VS_ERR_UNAVAILABLE,    /* the database cannot be reached */
	VS_ERR_INTERNAL,       /* a bug or an unexpected library failure */
	VS_ERR__MAX
};

/* A short English description of err; never NULL, static storage. */
const char *vs_strerror(enum vs_err err);

#endif
