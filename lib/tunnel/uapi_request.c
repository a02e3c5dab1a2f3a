// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The framing of UAPI requests (see uapi_request.h): a buffer that grows
 * as bytes arrive, the search for a request's blank line, the size limit,
 * EOF.  It touches the client's bytes only here and in the parser
 * (uapi_text.c); both are proved free of run-time errors by Frama-C's Eva
 * (docs/PROOFS.md, "The UAPI server's framing").
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "uapi_request.h"
#include "util.h"

/* The first buffer; it doubles as a request needs.  The proof
 * (tests/proof/eva_uapi_request.c) sets small sizes (4 and 16) so that Eva
 * follows every length exactly: nothing below depends on their values but
 * through these two names. */
#ifndef UAPI_REQUEST_FIRST
#define UAPI_REQUEST_FIRST 4096
#endif
/* A set of tens of thousands of peers is a few MiB of text. */
#ifndef UAPI_REQUEST_MAX
#define UAPI_REQUEST_MAX (64 << 20)
#endif

static const char *const operations[] = {
	[UAPI_OP_GET] = "get=1\n",
	[UAPI_OP_SET] = "set=1\n",
	[UAPI_OP_SUBSCRIBE] = "subscribe=1\n",
};

enum uapi_op uapi_request_op(const char *req, size_t len, const char **body, size_t *body_len)
{
	for (size_t i = 0; i < ARRAY_SIZE(operations); i++) {
		size_t n = strlen(operations[i]);

		if (len >= n && !memcmp(req, operations[i], n)) {
			*body = req + n;
			*body_len = len - n;
			return (enum uapi_op)i;
		}
	}
	*body = req;
	*body_len = len;
	return UAPI_OP_UNKNOWN;
}

/* Where the first complete request in buf[0..len) ends: the index of its
 * blank line, or len when none.  Search from `from` (already scanned). */
static size_t request_end(const char *buf, size_t len, size_t from)
{
	for (size_t i = from ? from - 1 : 0; i + 1 < len; i++)
		if (buf[i] == '\n' && buf[i + 1] == '\n')
			return i + 1;
	return len;
}

int uapi_request_serve(const struct uapi_request_io *io, void *ctx)
{
	/* len < cap, but for the '\n' added at EOF (recv keeps a byte for it). */
	size_t len = 0, cap = UAPI_REQUEST_FIRST, scanned = 0;
	char *buf = malloc(cap);
	int64_t deadline = -1;	/* of the request begun in buf; none while idle */
	bool eof = false;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		size_t end = request_end(buf, len, scanned);
		/* At EOF the rest is a request (without its blank line). */
		bool last = end == len && eof && len;

		if (last && buf[len - 1] != '\n') {
			/* End its last line; room: len < cap (see read). */
			buf[len++] = '\n';
			end = len;
		}
		/*@ split len; */
		/*@ split end; */
		if (end < len || last) {
			/* The request and its blank line, or all that is left. */
			size_t used = end < len ? end + 1 : len;

			if (io->handle(ctx, buf, end) < 0)
				break;
			wg_memzero(buf, used);
			/* Not with buf + used one past the end (used == cap at EOF):
			 * Frama-C's libc, as a strict reading of C, wants a pointer
			 * to an object even for 0 bytes. */
			if (used < len)
				memmove(buf, buf + used, len - used);
			len -= used;
			scanned = 0;
			deadline = len ? io->deadline(ctx) : -1;
		} else if (eof) {
			break;
		} else {
			ssize_t r;

			scanned = len;
			if (len + 1 >= cap) {	/* keep a byte for the '\n' added at EOF */
				char *bigger = cap < UAPI_REQUEST_MAX ? malloc(cap * 2) : NULL;

				if (!bigger) {
					ret = -EMSGSIZE;
					break;
				}
				/* Not realloc(): it would free the old bytes unwiped. */
				memcpy(bigger, buf, len);
				wg_memzero(buf, cap);
				free(buf);
				cap *= 2;
				/*@ split cap; */	/* for Eva: see the loop's end */
				buf = bigger;
			}
			r = io->read(ctx, buf + len, cap - 1 - len, deadline);
			if (r < 0)
				break;
			if (r == 0) {
				eof = true;
			} else {
				if (!len)
					deadline = io->deadline(ctx);
				len += (size_t)r;
			}
		}
		/* For Frama-C's Eva (tests/proof/eva_uapi_request.c): one state
		 * per buffer size and length at the loop's head, so that every
		 * access is checked against the exact size.  (An annotation
		 * needs a statement after it.) */
		/*@ merge end; */
		/*@ split cap; */
		/*@ split len; */
		continue;
	}
	/* Requests carry keys. */
	wg_memzero(buf, cap);
	free(buf);
	return ret;
}
