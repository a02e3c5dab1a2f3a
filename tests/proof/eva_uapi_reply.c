/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eva harness for lib/backend/uapi_reply.c: the end of a UAPI reply, as the
 * UAPI client (uapi.c's read_reply) and the watch (watch_read.c) look for
 * it after each read, in the bytes received so far (a strbuf: len bytes,
 * then the '\0' strbuf_add() always writes), any number 0..REPLY_MAX of
 * any bytes, searched from any point scanned <= len (the callers pass the
 * previous length - 1, or 0).  One Eva state per length, the bytes in a
 * block of exactly len + 1 bytes: a read past them is caught.
 */
#include <limits.h>
#include <stdlib.h>

#include "__fc_builtin.h"
#include "backend.h"
#include "strbuf.h"

#ifndef REPLY_MAX
#define REPLY_MAX 12
#endif

/* Assumed (error.c records a message for the calling thread). */
/*@ assigns \result \from err;
    ensures \result == -err; */
int wg_error(int err, const char *fmt, ...);

/* Stub (libc, a GNU extension Frama-C's libc lacks): the first occurrence
 * of the needle, as glibc documents it; analysed with the code. */
void *memmem(const void *haystack, size_t hlen, const void *needle, size_t nlen)
{
	const char *h = haystack, *n = needle;

	if (nlen > hlen)
		return NULL;
	for (size_t i = 0; i + nlen <= hlen; i++) {
		size_t k = 0;

		while (k < nlen && h[i + k] == n[k])
			k++;
		if (k == nlen)
			return (void *)(h + i);
	}
	return NULL;
}

/* Stub (libc): as C says; a plain loop, so that Eva sees which bytes it
 * compares (libc's contract leaves its result free, and then a match of
 * "errno=" near the buffer's end seems possible). */
int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
		if (!a[i])
			return 0;
	}
	return 0;
}

/* Stub (libc): decimal only (the one base used), as C says: spaces, a
 * sign, digits; *end after the digits, or s when there are none; the value
 * saturated at LLONG_MIN/LLONG_MAX.  libc's contract lets *end point
 * anywhere after s, even past the string. */
long long strtoll(const char *restrict s, char **restrict end, int base)
{
	const char *p = s, *digits;
	unsigned long long v = 0, max;
	bool neg;

	(void)base;
	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	neg = *p == '-';
	max = (unsigned long long)LLONG_MAX + neg;
	if (*p == '+' || *p == '-')
		p++;
	for (digits = p; *p >= '0' && *p <= '9'; p++) {
		unsigned d = (unsigned)(*p - '0');

		v = v > (max - d) / 10 ? max : v * 10 + d;
	}
	*end = (char *)(p == digits ? s : p);
	if (neg)
		return v == max ? LLONG_MIN : -(long long)v;
	return (long long)v;
}

int main(void)
{
	struct strbuf sb = { 0 };
	size_t len = Frama_C_size_t_interval(0, REPLY_MAX), scanned, body_len = 0;
	int err = 0, r;

	/*@ split len; */
	sb.buf = malloc(len + 1);
	if (!sb.buf)
		return 0;
	Frama_C_make_unknown(sb.buf, len);
	sb.buf[len] = '\0';
	sb.len = len;
	sb.cap = len + 1;
	scanned = Frama_C_size_t_interval(0, len);
	/*@ split scanned; */
	r = uapi_reply_end(&sb, scanned, &body_len, &err, "wg0");
	if (r > 0) {
		/*@ assert body_inside: body_len <= len; */
		/*@ assert errno_range: 0 <= err <= 4095; */
	}
	return 0;
}
