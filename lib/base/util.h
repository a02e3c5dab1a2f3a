/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Small helpers shared by every file of the library; nothing here is exported. */
#ifndef WG_UTIL_H
#define WG_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define WG_EXPORT __attribute__((visibility("default")))
#define WG_STRINGIFY_(x) #x
#define WG_STRINGIFY(x) WG_STRINGIFY_(x)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * A wipe the compiler cannot drop as a dead store (os_*.c: each system has
 * its own).  (NULL, 0) is allowed, as for an empty buffer never allocated.
 */
void wg_memzero(void *p, size_t n);

/* Constant-time comparison: the time depends on n only. */
static inline bool wg_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;

	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

static inline uint32_t wg_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void wg_put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static inline uint64_t wg_le64(const uint8_t *p)
{
	return (uint64_t)wg_le32(p) | (uint64_t)wg_le32(p + 4) << 32;
}

static inline void wg_put_le64(uint8_t *p, uint64_t v)
{
	wg_put_le32(p, (uint32_t)v);
	wg_put_le32(p + 4, (uint32_t)(v >> 32));
}

static inline void wg_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void wg_put_be64(uint8_t *p, uint64_t v)
{
	wg_put_be32(p, (uint32_t)(v >> 32));
	wg_put_be32(p + 4, (uint32_t)v);
}

/* Fill buf from the system's CSPRNG (os_*.c); aborts if it cannot supply randomness. */
void wg_random_bytes(void *buf, size_t len);

#endif
