/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A growing "a\0b\0" list of device names, as wg_list_device_names()
 * returns it: each backend adds the names it finds, the dispatcher (ipc.c)
 * adds the final "\0".
 */
#ifndef WG_NAME_LIST_H
#define WG_NAME_LIST_H

#include <stddef.h>

struct name_list {
	char *buf;
	size_t len, cap;
};

/* Append name unless already listed; 0 or -ENOMEM. */
int name_list_add(struct name_list *list, const char *name);

#endif
