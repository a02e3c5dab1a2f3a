/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A minimal test harness: CHECK() records a failure and goes on, so one run
 * shows every broken case; test_done() prints "N passed, N failed" and gives
 * the exit status meson expects.
 */
#ifndef WG_TEST_H
#define WG_TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_passed, test_failed;

#define CHECK(cond) do { \
	if (cond) { \
		test_passed++; \
	} else { \
		test_failed++; \
		fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
	} \
} while (0)

#define CHECK_MEM(a, b, n) do { \
	if (!memcmp((a), (b), (n))) { \
		test_passed++; \
	} else { \
		test_failed++; \
		fprintf(stderr, "%s:%d: %s != %s\n", __FILE__, __LINE__, #a, #b); \
		test_hexdump("  got", (a), (n)); \
		test_hexdump("  want", (b), (n)); \
	} \
} while (0)

static inline void test_hexdump(const char *label, const void *p, size_t n)
{
	const unsigned char *b = p;

	fprintf(stderr, "%s: ", label);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "%02x", b[i]);
	fputc('\n', stderr);
}

/* Decode a hex literal into a static buffer big enough for any test vector. */
static inline size_t test_unhex(unsigned char *out, const char *hex)
{
	size_t n = strlen(hex) / 2;

	for (size_t i = 0; i < n; i++)
		sscanf(hex + 2 * i, "%2hhx", &out[i]);
	return n;
}

static inline int test_key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

/* How many of n 32-byte keys equal the one before them once sorted (sorts them). */
static inline unsigned int test_repeated_keys(unsigned char (*keys)[32], size_t n)
{
	unsigned int repeats = 0;

	qsort(keys, n, 32, test_key_cmp);
	for (size_t i = 1; i < n; i++)
		repeats += !memcmp(keys[i - 1], keys[i], 32);
	return repeats;
}

static inline int test_done(void)
{
	printf("%d passed, %d failed\n", test_passed, test_failed);
	return test_failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
