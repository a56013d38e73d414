/*
 * worker.h — one pre-forked worker: accept FastCGI requests and answer them.
 */
#ifndef VSESSION_WORKER_H
#define VSESSION_WORKER_H

#include <stdint.h>
#include "vsession/config.h"

/* Per-worker slot in the master's shared scoreboard (php-fpm style). */
struct vs_slot {
	volatile int     iPid;
	volatile int64_t iRequestStartUs; /* 0 while idle */
	volatile int     iRoute;          /* route of the request in progress, -1 none */
	volatile int64_t nServed;
	char             zRequestId[48];
};

/*
 * Runs the worker loop on the listening socket iListenFd until the master
 * asks it to stop (SIGTERM/SIGQUIT, delivered through a self-pipe), the
 * configured request count is reached, or the master goes away. Never
 * returns: exits 0 after a graceful stop.
 */
void vs_worker_run(const struct vs_config *cfg, int iListenFd, struct vs_slot *pSlot)
	__attribute__((noreturn));

/* Logs one line to stderr: time, level, and the formatted message. */
void vs_log(const char *zLevel, const char *zFmt, ...) __attribute__((format(printf, 2, 3)));

#endif
