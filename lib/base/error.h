/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Per-thread error messages and the process-wide log callback. */
#ifndef WG_ERROR_H
#define WG_ERROR_H

#include <errno.h>

#include <wireguard.h>

/*
 * Record a failure for wg_last_error(), set errno to err and return -err, so
 * that a failing path reads `return wg_error(EINVAL, "bad key on line %d", n);`.
 */
int wg_error(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Deliver a message to the log callback, if one wants this level. */
void wg_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
