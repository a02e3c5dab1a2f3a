/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared between netlink.c and allowedip_removal.c; nothing here is exported. */
#ifndef WG_NETLINK_INTERNAL_H
#define WG_NETLINK_INTERNAL_H

#include "nlsock.h"

/* Bytes per set message (default 32 KiB); tests lower it to force splits. */
extern size_t wg_netlink_set_msg_size;

/*
 * Add one message of a WG_CMD_GET_DEVICE dump to the wg_device data (a peer
 * continued from the previous message is merged into it).  0, or -EPROTO for
 * a malformed message, -ENOMEM.
 */
int kernel_parse_device(const struct nlmsghdr *nlh, void *data);

/*
 * Add one peer (a WGDEVICE_A_PEERS element) of such a dump to dev, merged
 * into the last peer when it continues it.  0, -EPROTO or -ENOMEM.
 */
int kernel_parse_peer(const struct nlattr *nest, wg_device *dev);

/*
 * One WG_CMD_GET_DEVICE dump of a device (by name, or by ifindex when name
 * is NULL or ""), every data message given to cb.  restart(data) runs
 * before each attempt: a dump interrupted by a change, or sent to a
 * family that went away (module reload), starts again from the beginning.
 * 0, or -errno with a message naming the device.
 */
int kernel_dump(struct wg_netlink *nl, const char *name, uint32_t ifindex, nl_msg_fn *cb,
		int (*restart)(void *data), void *data);

/* Read a device by name, or by ifindex when name is NULL or "". */
int kernel_dump_device(struct wg_netlink *nl, wg_device **out, const char *name, uint32_t ifindex);

/* What an RTM_NEWLINK or RTM_DELLINK message says of a link. */
struct link_info {
	uint32_t ifindex;
	char name[IFNAMSIZ];	/* "" if the message had none */
	bool is_wireguard;	/* of kind "wireguard" */
	bool up;		/* IFF_UP */
	uint32_t mtu;		/* 0 if the message had none */
	bool removed;		/* RTM_DELLINK */
};

/* Parse a link message (the backend's lookups, the watch's monitor): 0 or -EPROTO. */
int kernel_parse_link(const struct nlmsghdr *nlh, struct link_info *info);

/* 0 if the link exists (by name, or by ifindex when name is NULL or ""), else -errno. */
int kernel_link_exists(struct wg_netlink *nl, const char *name, uint32_t ifindex);

/* Whether the kernel takes WGALLOWEDIP_A_FLAGS (Linux >= 6.16); probed once per handle. */
bool kernel_probe_allowedip_flags(struct wg_netlink *nl, uint16_t family);

/*
 * For kernels without per-allowed-IP removal: the set with the same outcome
 * as dev that replaces whole lists instead, computed from the device as the
 * kernel has it now (wg_set_plan_replace_removals()).  Free with
 * wg_free_device().
 */
int kernel_resolve_removals(struct wg_netlink *nl, const wg_device *dev, wg_device **resolved);

#endif
