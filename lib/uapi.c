// SPDX-License-Identifier: LGPL-2.1-or-later
/* Placeholder until the UAPI client lands. */
#include "backend.h"
#include "error.h"

bool uapi_has_device(const char *name)
{
	(void)name;
	return false;
}

int uapi_get_device(wg_device **dev, const char *name)
{
	(void)dev;
	return wg_error(EOPNOTSUPP, "%s: UAPI backend not built", name);
}

int uapi_set_device(wg_device *dev)
{
	return wg_error(EOPNOTSUPP, "%s: UAPI backend not built", dev->name);
}

int uapi_list_device_names(struct name_list *list)
{
	(void)list;
	return 0;
}
