/*
 * appointments.h — a partner's other bookings, and the calendar that shows
 * them beside the video sessions (lib/appointments.c).
 *
 * Ownership: answers are appended as JSON to the caller's vs_buf; refusals
 * are described in the caller's vs_outcome. Every function authorizes the
 * view's caller itself (authz.h).
 */
#ifndef VSESSION_APPOINTMENTS_H
#define VSESSION_APPOINTMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "vsession/buf.h"
#include "vsession/caller.h"
#include "vsession/db.h"
#include "vsession/error.h"

#define VS_APPOINTMENT_MAX_US (INT64_C(12) * 3600 * 1000000)

/* A validated create or update of an appointment; bX says whether X was given. */
struct vs_appointment_input {
	bool        bUser, bTitle, bStart, bEnd, bNotes;
	bool        bUserNull;
	int64_t     iUserId;
	const char *zTitle;
	int64_t     iStartUs, iEndUs;
	const char *zNotes;
};

enum vs_err vs_appointments_list(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
				 int64_t iFromUs, int64_t iToUs, struct vs_buf *out);
enum vs_err vs_appointment_create(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
				  const struct vs_appointment_input *in, struct vs_buf *out,
				  struct vs_outcome *pOut);
enum vs_err vs_appointment_read(struct vs_db *db, const struct vs_view *v, int64_t iId, struct vs_buf *out);
enum vs_err vs_appointment_update(struct vs_db *db, const struct vs_view *v, int64_t iId,
				  const struct vs_appointment_input *in, struct vs_buf *out,
				  struct vs_outcome *pOut);
enum vs_err vs_appointment_delete(struct vs_db *db, const struct vs_view *v, int64_t iId);

/* The partner's calendar between two times ({"events":[...]}). */
enum vs_err vs_calendar(struct vs_db *db, const struct vs_view *v, int64_t iPartner,
			int64_t iFromUs, int64_t iToUs, struct vs_buf *out);

#endif
