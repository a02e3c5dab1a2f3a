// SPDX-License-Identifier: LGPL-2.1-or-later
/* os.h on Linux (glibc, musl, Android's bionic). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "os.h"
#include "util.h"

/* (NULL, 0) is allowed: explicit_bzero's pointer is declared nonnull. */
void wg_memzero(void *p, size_t n)
{
	if (n)
		explicit_bzero(p, n);
}

void wg_random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t r = getrandom(p, len, 0);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			abort();
		}
		p += r;
		len -= (size_t)r;
	}
}

uint64_t wg_os_clock_ns(void)
{
	struct timespec ts;

	/* CLOCK_MONOTONIC stops while suspended; CLOCK_BOOTTIME does not. */
	clock_gettime(CLOCK_BOOTTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *wg_os_secure_getenv(const char *name)
{
	return secure_getenv(name);
}
