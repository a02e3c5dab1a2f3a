// SPDX-License-Identifier: LGPL-2.1-or-later
/* Per-thread error messages and the process-wide log callback. */
#include <stdarg.h>
#include <stdio.h>

#include "error.h"
#include "lock.h"
#include "util.h"

static WG_THREAD_LOCAL char last_error[256];

/* The callback, its context and level change together, so one lock guards all three. */
static wg_mutex log_lock = WG_MUTEX_INIT;
static wg_log_fn *log_fn;
static void *log_ctx;
static int log_max_level;

WG_EXPORT const char *wg_version(void)
{
	return WG_STRINGIFY(WG_VERSION_MAJOR) "." WG_STRINGIFY(WG_VERSION_MINOR) "." WG_STRINGIFY(WG_VERSION_PATCH);
}

WG_EXPORT const char *wg_last_error(void)
{
	return last_error;
}

int wg_error(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(last_error, sizeof(last_error), fmt, ap);
	va_end(ap);
	errno = err;
	return -err;
}

WG_EXPORT void wg_set_log_callback(wg_log_fn *fn, void *ctx, int max_level)
{
	wg_mutex_lock(&log_lock);
	log_ctx = ctx;
	__atomic_store_n(&log_max_level, max_level, __ATOMIC_RELAXED);
	__atomic_store_n(&log_fn, fn, __ATOMIC_RELAXED);
	wg_mutex_unlock(&log_lock);
}

void wg_log(int level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	/* Unlocked peek: the common case (no callback, or level filtered) stays cheap. */
	if (!__atomic_load_n(&log_fn, __ATOMIC_RELAXED) ||
	    level > __atomic_load_n(&log_max_level, __ATOMIC_RELAXED))
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	wg_mutex_lock(&log_lock);
	if (log_fn && level <= log_max_level)
		log_fn(level, msg, log_ctx);
	wg_mutex_unlock(&log_lock);
}
