/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What the operating system supplies, one implementation file per platform
 * (os_linux.c, os_darwin.c, os_windows.c; lib/meson.build picks one): the
 * portable layers call these and include no system-specific header.
 * wg_memzero() and wg_random_bytes() are declared in util.h.
 */
#ifndef WG_OS_H
#define WG_OS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Nanoseconds on a clock that never goes back and keeps counting while the
 * machine is suspended (CLOCK_BOOTTIME on Linux): a phone that slept through
 * REJECT_AFTER_TIME must find its sessions expired, not resume them.
 */
uint64_t wg_os_clock_ns(void);

/* getenv(), but NULL in a set-user-ID or set-group-ID process. */
const char *wg_os_secure_getenv(const char *name);

/* open(path) read-only, not inherited by child processes: an fd or -errno. */
int wg_os_open_read(const char *path);

/* C11's aligned_alloc() and the free() that goes with it (Windows has
 * neither, only _aligned_malloc() and _aligned_free()). */
void *wg_os_aligned_alloc(size_t align, size_t size);
void wg_os_aligned_free(void *p);

#endif
