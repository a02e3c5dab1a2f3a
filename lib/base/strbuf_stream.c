// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * strbuf_fopen(): a stdio stream onto a strbuf, through fopencookie() (glibc,
 * musl).  Apart from strbuf.c because only the UAPI client uses it, and it
 * is built only where that is (Linux).
 */
#include <errno.h>
#include <stdio.h>

#include "error.h"
#include "strbuf.h"

static ssize_t cookie_write(void *cookie, const char *buf, size_t n)
{
	struct strbuf *sb = cookie;

	strbuf_add(sb, buf, n);
	if (sb->err) {
		errno = ENOMEM;
		return -1;
	}
	return (ssize_t)n;
}

FILE *strbuf_fopen(struct strbuf *sb)
{
	FILE *f = fopencookie(sb, "w", (cookie_io_functions_t){ .write = cookie_write });

	if (!f) {
		wg_error(ENOMEM, "out of memory");
		return NULL;
	}
	setvbuf(f, sb->iobuf, _IOFBF, sizeof(sb->iobuf));
	return f;
}
