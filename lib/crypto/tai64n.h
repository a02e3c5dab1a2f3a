/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* TAI64N timestamps, as carried by handshake initiations against replay. */
#ifndef WG_TAI64N_H
#define WG_TAI64N_H

#include <stdint.h>
#include <time.h>

enum { TAI64N_SIZE = 12 };

/*
 * Encode wall-clock time.  Nanoseconds are rounded down to a power of two
 * near 1/INITIATIONS_PER_SECOND so the timestamp does not leak a precise clock.
 */
void tai64n_encode(uint8_t out[TAI64N_SIZE], struct timespec realtime);

#endif
