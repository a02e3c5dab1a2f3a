// SPDX-License-Identifier: LGPL-2.1-or-later
#include "tai64n.h"
#include "util.h"

/* 2^62 + 10: TAI64's epoch label plus the TAI-UTC offset in 1970. */
#define TAI64_BASE 0x400000000000000aULL
/* The largest power of two below 1e9 / 50 (INITIATIONS_PER_SECOND). */
#define TAI64N_NSEC_GRANULARITY (1L << 24)

void tai64n_encode(uint8_t out[TAI64N_SIZE], struct timespec t)
{
	long nsec = t.tv_nsec & ~(TAI64N_NSEC_GRANULARITY - 1);

	wg_put_be64(out, TAI64_BASE + (uint64_t)t.tv_sec);
	wg_put_be32(out + 8, (uint32_t)nsec);
}
