// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for the parser of WG_CMD_GET_DEVICE dump messages, which
 * read what the kernel sends: any bytes must give a device or -EPROTO, never
 * a crash, an overread or a leak.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netlink_internal.h"
#include "nlsock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Netlink messages are 4-byte aligned in the receive buffer. */
	uint32_t *buf = malloc(size + 4);
	const struct nlmsghdr *nlh;
	wg_device *dev = wg_device_new(NULL);
	int len = (int)size;

	if (!buf || !dev || size > 1 << 20)
		goto out;
	memcpy(buf, data, size);
	for (nlh = (const struct nlmsghdr *)buf; nl_msg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
		if (kernel_parse_device(nlh, dev) < 0)
			break;
out:
	wg_free_device(dev);
	free(buf);
	return 0;
}
