// SPDX-License-Identifier: LGPL-2.1-or-later
/* A growing string that wipes what it lets go of (see strbuf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"
#include "strbuf.h"
#include "util.h"

static bool grow(struct strbuf *sb, size_t need)
{
	size_t cap;
	char *buf;

	if (sb->err)
		return false;
	if (sb->len + need + 1 <= sb->cap)
		return true;
	cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + need + 1)
		cap *= 2;
	buf = malloc(cap);
	if (!buf) {
		sb->err = wg_error(ENOMEM, "out of memory");
		return false;
	}
	if (sb->buf) {
		memcpy(buf, sb->buf, sb->len + 1);
		wg_memzero(sb->buf, sb->cap);
		free(sb->buf);
	}
	sb->buf = buf;
	sb->cap = cap;
	return true;
}

void strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
	if (!grow(sb, n))
		return;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	size_t room = sb->cap > sb->len ? sb->cap - sb->len : 0;
	va_list ap;
	int n;

	if (sb->err)
		return;
	/* Format straight into the free space; only a line that does not fit
	 * is formatted twice, after growing. */
	va_start(ap, fmt);
	n = vsnprintf(room ? sb->buf + sb->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= room) {
		if (!grow(sb, (size_t)n))
			return;
		va_start(ap, fmt);
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
}

int strbuf_finish(struct strbuf *sb, char **out)
{
	wg_memzero(sb->iobuf, sizeof(sb->iobuf));
	if (!sb->err && !grow(sb, 0))
		return sb->err;
	if (sb->err) {
		strbuf_wipe(sb);
		return sb->err;
	}
	sb->buf[sb->len] = '\0';
	*out = sb->buf;
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return 0;
}

void strbuf_wipe(struct strbuf *sb)
{
	wg_memzero(sb->iobuf, sizeof(sb->iobuf));
	if (sb->buf) {
		wg_memzero(sb->buf, sb->cap);
		free(sb->buf);
	}
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}
