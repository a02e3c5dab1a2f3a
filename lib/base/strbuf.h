/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A growing string for text that may hold secrets: growth copies and wipes
 * the old buffer instead of realloc(), so no stale copy of a key is left in
 * freed memory.
 */
#ifndef WG_STRBUF_H
#define WG_STRBUF_H

#include <stddef.h>
#include <stdio.h>

struct strbuf {
	char *buf;	/* NUL-terminated once anything was added */
	size_t len, cap;
	int err;	/* first failure (-ENOMEM), sticky */
	char iobuf[4096];	/* stdio's buffer for strbuf_fopen(), wiped with the rest */
};

void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Hand over the string (never NULL on success), or return sb->err. */
int strbuf_finish(struct strbuf *sb, char **out);
/* Wipe and free. */
void strbuf_wipe(struct strbuf *sb);
/* A stdio stream appending to sb, buffered in sb->iobuf (so that stdio keeps
 * no copy of its own); fclose() it before strbuf_finish(). */
FILE *strbuf_fopen(struct strbuf *sb);

#endif
