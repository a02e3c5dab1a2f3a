/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The generic netlink family "wireguard", version 1, as the Linux driver
 * defines it (include/uapi/linux/wireguard.h).  Kept here rather than taken
 * from the system's <linux/wireguard.h> because older headers lack the
 * allowed-IP flags that Linux 6.16 added.  Constants only, no functions.
 */
#ifndef WG_GENL_WIREGUARD_H
#define WG_GENL_WIREGUARD_H

#define WG_GENL_NAME "wireguard"
#define WG_GENL_VERSION 1
#define WG_KEY_LEN 32

enum {
	WG_CMD_GET_DEVICE,
	WG_CMD_SET_DEVICE,
};

enum {
	WGDEVICE_F_REPLACE_PEERS = 1U << 0,
};

enum {
	WGDEVICE_A_UNSPEC,
	WGDEVICE_A_IFINDEX,		/* u32 */
	WGDEVICE_A_IFNAME,		/* string */
	WGDEVICE_A_PRIVATE_KEY,		/* 32 bytes */
	WGDEVICE_A_PUBLIC_KEY,		/* 32 bytes */
	WGDEVICE_A_FLAGS,		/* u32 */
	WGDEVICE_A_LISTEN_PORT,		/* u16 */
	WGDEVICE_A_FWMARK,		/* u32 */
	WGDEVICE_A_PEERS,		/* nested array of peers */
};

enum {
	WGPEER_F_REMOVE_ME = 1U << 0,
	WGPEER_F_REPLACE_ALLOWEDIPS = 1U << 1,
	WGPEER_F_UPDATE_ONLY = 1U << 2,
};

enum {
	WGPEER_A_UNSPEC,
	WGPEER_A_PUBLIC_KEY,		/* 32 bytes */
	WGPEER_A_PRESHARED_KEY,		/* 32 bytes */
	WGPEER_A_FLAGS,			/* u32 */
	WGPEER_A_ENDPOINT,		/* struct sockaddr_in or sockaddr_in6, exactly */
	WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL,	/* u16 */
	WGPEER_A_LAST_HANDSHAKE_TIME,	/* struct __kernel_timespec: two s64 */
	WGPEER_A_RX_BYTES,		/* u64 */
	WGPEER_A_TX_BYTES,		/* u64 */
	WGPEER_A_ALLOWEDIPS,		/* nested array of allowed IPs */
	WGPEER_A_PROTOCOL_VERSION,	/* u32 */
};

/* Linux >= 6.16 only. */
enum {
	WGALLOWEDIP_F_REMOVE_ME = 1U << 0,
};

enum {
	WGALLOWEDIP_A_UNSPEC,
	WGALLOWEDIP_A_FAMILY,		/* u16 */
	WGALLOWEDIP_A_IPADDR,		/* struct in_addr or in6_addr */
	WGALLOWEDIP_A_CIDR_MASK,	/* u8 */
	WGALLOWEDIP_A_FLAGS,		/* u32, Linux >= 6.16 */
};

#endif
