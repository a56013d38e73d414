/*
 * handlers_series.h — the series halves of the session handlers
 * (handlers_series.c): a create with "recurrence", a PUT and a cancel with
 * "scope". The session handlers call them once they see those members.
 */
#ifndef VSESSION_HANDLERS_SERIES_H
#define VSESSION_HANDLERS_SERIES_H

#include "handlers.h"
#include "vsession/sessions.h"

/* POST /api/video-sessions with "recurrence" (pRule) and/or "skip_conflicts" (pSkip), detached from the body. */
void vs_h_series_create(struct vs_ctx *ctx, struct vs_h_call *k, const struct vs_session_input *in,
			const cJSON *pRule, const cJSON *pSkip);
/* PUT /api/video-sessions/:id with "scope" (detached from the body). */
void vs_h_series_update(struct vs_ctx *ctx, struct vs_h_call *k, const struct vs_session_input *in,
			const cJSON *pScope);
/* POST /api/video-sessions/:id/cancel with a "scope" ("one" or "following"; other values answered 422 here). */
void vs_h_series_cancel(struct vs_ctx *ctx, struct vs_h_call *k, const char *zReason, const char *zScope);

#endif
