// SPDX-License-Identifier: LGPL-2.1-or-later
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "name_list.h"

int name_list_add(struct name_list *list, const char *name)
{
	size_t n = strlen(name) + 1;

	/* Already listed (a userspace device also has a kernel TUN link)? */
	for (size_t off = 0; off < list->len; off += strlen(list->buf + off) + 1)
		if (!strcmp(list->buf + off, name))
			return 0;
	if (list->len + n + 1 > list->cap) {
		size_t cap = (list->cap ? list->cap * 2 : 256) + n;
		char *buf = realloc(list->buf, cap);

		if (!buf)
			return wg_error(ENOMEM, "out of memory");
		list->buf = buf;
		list->cap = cap;
	}
	memcpy(list->buf + list->len, name, n);
	list->len += n;
	return 0;
}
