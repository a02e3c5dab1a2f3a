// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The end of a UAPI reply (see backend.h), for the UAPI client (uapi.c) and
 * the watch's reader (watch_read.c): where the bytes a daemon sent stop
 * being key=value lines.  Alone in its file, without sockets, so that
 * Frama-C checks it (tests/proof/eva_uapi_reply.c, docs/PROOFS.md).
 */
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "error.h"
#include "strbuf.h"

/* Errno values are below 4096 (the kernel's MAX_ERRNO). */
#define MAX_ERRNO 4095

int uapi_reply_end(const struct strbuf *sb, size_t scanned, size_t *body_len, int *err,
		   const char *name)
{
	char *end, *line, *e;
	long long v;

	/* The reply ends at its first blank line. */
	if (sb->len < 2 || !(end = memmem(sb->buf + scanned, sb->len - scanned, "\n\n", 2)))
		return 0;
	line = end;
	while (line > sb->buf && line[-1] != '\n')
		line--;
	if (strncmp(line, "errno=", 6))
		return wg_error(EPROTO, "%s: UAPI reply does not end with errno=", name);
	v = strtoll(line + 6, &e, 10);
	/* Bounded before negating (LLONG_MIN) and narrowing to int. */
	if (e != end || e == line + 6 || v < -MAX_ERRNO || v > MAX_ERRNO)
		return wg_error(EPROTO, "%s: malformed errno line in UAPI reply", name);
	*err = (int)(v < 0 ? -v : v);
	*body_len = (size_t)(line - sb->buf);
	return 1;
}
