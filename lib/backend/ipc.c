// SPDX-License-Identifier: LGPL-2.1-or-later
/* Device calls, dispatched to the userspace or kernel backend per name. */
#include <stdlib.h>

#include "backend.h"
#include "error.h"
#include "util.h"

WG_EXPORT int wg_get_device(wg_device **dev, const char *device_name)
{
	if (uapi_has_device(device_name))
		return uapi_get_device(dev, device_name);
	return kernel_get_device(dev, device_name);
}

WG_EXPORT int wg_set_device(wg_device *dev)
{
	if (uapi_has_device(dev->name))
		return uapi_set_device(dev);
	return kernel_set_device(dev);
}

WG_EXPORT int wg_add_device(const char *device_name)
{
	return kernel_add_device(device_name);
}

WG_EXPORT int wg_del_device(const char *device_name)
{
	return kernel_del_device(device_name);
}

WG_EXPORT char *wg_list_device_names(void)
{
	struct name_list list = { 0 };
	int ret;

	/* A missing kernel module only means no kernel devices. */
	ret = kernel_list_device_names(&list);
	if (ret < 0 && ret != -EOPNOTSUPP && ret != -EAFNOSUPPORT)
		goto err;
	ret = uapi_list_device_names(&list);
	if (ret < 0)
		goto err;
	/* The empty name terminates the list. */
	ret = name_list_add(&list, "");
	if (ret < 0)
		goto err;
	return list.buf;
err:
	free(list.buf);
	errno = -ret;
	return NULL;
}
