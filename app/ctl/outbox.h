/*
 * outbox.h — vsessionctl outbox: the email outbox for administrators.
 */
#ifndef VSESSIONCTL_OUTBOX_H
#define VSESSIONCTL_OUTBOX_H

#include "vsession/config.h"

/* "outbox" lists pending and failed messages; "outbox retry ID" makes one due now. Exit status. */
int ctl_outbox(const struct vs_config *cfg, int argc, char **argv);

#endif
