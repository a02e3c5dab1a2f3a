/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The wg_netlink handle shared by the generic netlink (netlink.c) and
 * rtnetlink (rtnetlink.c) code: one socket per protocol, opened lazily inside
 * the handle's network namespace, and one request/reply loop.
 */
#ifndef WG_NLSOCK_H
#define WG_NLSOCK_H

#include <libmnl/libmnl.h>

#include <wireguard.h>

/* Dumps arrive in datagrams of up to 32 KiB; a smaller buffer truncates them. */
#define NL_RECV_BUFFER (32 * 1024)

enum { NL_GENL, NL_RTNL, NL_NSOCKS };

struct wg_netlink {
	int netns_fd;			/* our dup of the caller's fd, or -1 */
	struct mnl_socket *sock[NL_NSOCKS];
	uint32_t portid[NL_NSOCKS];
	uint32_t seq;
	uint16_t wg_family;		/* generic netlink id of "wireguard", 0 = unknown */
	int8_t allowedip_flags;		/* WGALLOWEDIP_A_FLAGS supported: -1 unknown, 0, 1 */
	uint8_t *buf;			/* NL_RECV_BUFFER bytes */
};

/*
 * A handle for one call: the caller's own, or a temporary one in the
 * caller's namespace when it passed NULL.  Pair with nl_put().
 */
int nl_get(struct wg_netlink **nl, struct wg_netlink *tmp, struct wg_netlink *given);
void nl_put(struct wg_netlink *nl, struct wg_netlink *tmp);

/*
 * Whether a whole message starts at nlh within len bytes.  libmnl's
 * mnl_nlmsg_ok() compares the length as a signed int, so a length of 2^31
 * or more passes it and mnl_nlmsg_next() then jumps out of the buffer.
 */
static inline bool nl_msg_ok(const struct nlmsghdr *nlh, int len)
{
	return len >= (int)sizeof(*nlh) && nlh->nlmsg_len >= sizeof(*nlh) && nlh->nlmsg_len <= (unsigned int)len;
}

/* A callback for each data message of a reply; returns 0 or -errno. */
typedef int nl_msg_fn(const struct nlmsghdr *nlh, void *data);

/*
 * Send nlh (its seq is filled in) and read the reply up to the ACK or
 * NLMSG_DONE, calling cb for every data message.  Returns 0, the kernel's
 * -errno, cb's first error, or -EINTR when a dump was interrupted by a
 * change (the caller restarts it).  Sets no message: callers name the device.
 */
int nl_request(struct wg_netlink *nl, int proto, struct nlmsghdr *nlh, nl_msg_fn *cb, void *data);

/*
 * A non-blocking socket of protocol proto (NL_GENL, NL_RTNL) in the handle's
 * namespace that has joined the given multicast groups, for a caller's
 * event loop.  0 or -errno with a message.
 */
int nl_open_mcast(struct wg_netlink *nl, int proto, const unsigned *groups, size_t n,
		  struct mnl_socket **out);

/* Start a generic netlink request in buf: type is the family id (GENL_ID_CTRL for the controller). */
struct nlmsghdr *nl_put_genl(void *buf, uint16_t type, uint8_t cmd, uint8_t version, uint16_t flags);

/* The kernel's extended-ACK message for the last failed request, or "". */
const char *nl_ext_msg(void);

/* Generic netlink id of "wireguard"; -EOPNOTSUPP (with a message) if absent. */
int nl_wg_family(struct wg_netlink *nl, const char *devname);

#endif
