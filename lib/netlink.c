// SPDX-License-Identifier: LGPL-2.1-or-later
/* Placeholder until the generic netlink backend lands. */
#include "backend.h"
#include "error.h"

int kernel_get_device(wg_device **dev, const char *name)
{
	(void)dev;
	return wg_error(EOPNOTSUPP, "%s: kernel backend not built", name);
}

int kernel_set_device(wg_device *dev)
{
	return wg_error(EOPNOTSUPP, "%s: kernel backend not built", dev->name);
}

int kernel_add_device(const char *name)
{
	return wg_error(EOPNOTSUPP, "%s: kernel backend not built", name);
}

int kernel_del_device(const char *name)
{
	return wg_error(EOPNOTSUPP, "%s: kernel backend not built", name);
}

int kernel_list_device_names(struct name_list *list)
{
	(void)list;
	return wg_error(EOPNOTSUPP, "kernel backend not built");
}
