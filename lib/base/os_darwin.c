// SPDX-License-Identifier: LGPL-2.1-or-later
/* os.h on macOS and iOS. */
#define __STDC_WANT_LIB_EXT1__ 1	/* memset_s */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "os.h"
#include "util.h"

void wg_memzero(void *p, size_t n)
{
	if (n)
		memset_s(p, n, 0, n);	/* C11 Annex K: never optimised away */
}

void wg_random_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	/* getentropy() hands out at most 256 bytes a call. */
	while (len) {
		size_t n = len < 256 ? len : 256;

		if (getentropy(p, n))
			abort();
		p += n;
		len -= n;
	}
}

uint64_t wg_os_clock_ns(void)
{
	/* Darwin's CLOCK_MONOTONIC keeps counting while asleep
	 * (CLOCK_UPTIME_RAW is the one that stops). */
	return clock_gettime_nsec_np(CLOCK_MONOTONIC);
}

const char *wg_os_secure_getenv(const char *name)
{
	return issetugid() ? NULL : getenv(name);
}
