// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Links from rtnetlink: a dump when the watch opens (and again if the
 * multicast socket overflowed), then RTNLGRP_LINK messages as they come.
 * A link of kind "wireguard" is a kernel device; another link with the name
 * of a userspace device is its TUN interface, whose state it reports too.
 *
 * The kernel's "wireguard" generic netlink family has no multicast group
 * (patches adding one were never merged); we look for one anyway and, if a
 * kernel offers it, re-read a device as soon as it announces a change.
 */
#include <stdlib.h>
#include <sys/epoll.h>
#include <linux/genetlink.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "error.h"
#include "genl_wireguard.h"
#include "netlink_internal.h"
#include "nlsock.h"
#include "util.h"
#include "watch.h"

static int parse_link(const struct nlmsghdr *nlh, struct link_info *m)
{
	int ret = kernel_parse_link(nlh, m);

	if (ret < 0)
		return ret;
	return m->name[0] || m->removed ? 0 : -EPROTO;
}

static void link_changes(struct wg_watch *w, struct watch_dev *d, const struct link_info *m,
			 bool quiet)
{
	struct wg_watch_event ev;

	if (strcmp(d->name, m->name) && d->type == DEV_KERNEL) {
		watch_event_init(&ev, d, WG_WATCH_DEVICE_RENAMED, NULL);
		memcpy(ev.before.name, d->name, IFNAMSIZ);
		memcpy(ev.after.name, m->name, IFNAMSIZ);
		memcpy(ev.device, m->name, IFNAMSIZ);
		memcpy(d->name, m->name, IFNAMSIZ);
		if (!quiet)
			watch_emit(w, &ev);
	}
	if (d->up != m->up) {
		d->up = m->up;
		watch_event_init(&ev, d, m->up ? WG_WATCH_DEVICE_UP : WG_WATCH_DEVICE_DOWN, NULL);
		ev.before.number = !m->up;
		ev.after.number = m->up;
		if (!quiet)
			watch_emit(w, &ev);
	}
	if (m->mtu && d->mtu != m->mtu) {
		watch_event_init(&ev, d, WG_WATCH_DEVICE_MTU, NULL);
		ev.before.number = d->mtu;
		ev.after.number = m->mtu;
		d->mtu = m->mtu;
		if (!quiet)
			watch_emit(w, &ev);
	}
}

static void attach(struct watch_dev *d, const struct link_info *m)
{
	d->have_link = true;
	d->ifindex = m->ifindex;
	d->up = m->up;
	d->mtu = m->mtu;
}

/* One link message; baseline: the watch is opening, report nothing. */
static void handle_link(struct wg_watch *w, const struct link_info *m, bool baseline)
{
	struct watch_dev *d = watch_find_ifindex(w, m->ifindex);
	struct wg_watch_event ev;

	if (m->removed) {
		if (!d)
			return;
		if (d->type == DEV_KERNEL)
			watch_dev_remove(w, d, 0);
		else
			d->have_link = false;	/* the socket's removal removes it */
		return;
	}
	if (d) {
		link_changes(w, d, m, baseline);
		return;
	}
	d = watch_find(w, m->name);
	if (d && d->type != DEV_KERNEL && !d->have_link) {
		attach(d, m);	/* a userspace device's TUN interface */
		return;
	}
	if (d || !m->is_wireguard || (w->o.flags & WG_WATCH_NO_KERNEL) || !watch_wants(w, m->name))
		return;
	d = watch_dev_new(w, DEV_KERNEL, m->name);
	if (!d)
		return;
	attach(d, m);
	d->baseline = baseline;
	if (!baseline) {
		watch_event_init(&ev, d, WG_WATCH_DEVICE_ADDED, NULL);
		watch_emit(w, &ev);
		if (m->up) {
			watch_event_init(&ev, d, WG_WATCH_DEVICE_UP, NULL);
			ev.after.number = 1;
			watch_emit(w, &ev);
		}
		watch_read_device(w, d);
	}
}

struct sync_ctx {
	struct wg_watch *w;
	bool baseline;
	uint32_t *seen;
	size_t nseen, cap;
};

static int sync_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sync_ctx *c = data;
	struct link_info m;

	if (parse_link(nlh, &m) < 0)
		return 0;
	if (c->nseen == c->cap) {
		uint32_t *more = realloc(c->seen, (c->cap * 2 + 16) * sizeof(*more));

		if (!more)
			return -ENOMEM;
		c->seen = more;
		c->cap = c->cap * 2 + 16;
	}
	c->seen[c->nseen++] = m.ifindex;
	handle_link(c->w, &m, c->baseline);
	return 0;
}

int watch_link_sync(struct wg_watch *w, bool baseline)
{
	struct sync_ctx c = { .w = w, .baseline = baseline };
	uint8_t buf[256];
	struct nlmsghdr *nlh;
	struct rtgenmsg *g;
	struct watch_dev *d, *next;
	int ret;

	do {
		c.nseen = 0;
		nlh = mnl_nlmsg_put_header(buf);
		nlh->nlmsg_type = RTM_GETLINK;
		nlh->nlmsg_flags = NLM_F_DUMP;
		g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
		g->rtgen_family = AF_UNSPEC;
		ret = nl_request(w->nl, NL_RTNL, nlh, sync_cb, &c);
	} while (ret == -EINTR);
	if (ret < 0) {
		free(c.seen);
		return wg_error(-ret, "cannot list the network interfaces: %s", strerror(-ret));
	}
	/* Links that vanished while we were not listening (after an overflow). */
	for (d = w->devs; d; d = next) {
		bool seen = false;

		next = d->next;
		for (size_t i = 0; i < c.nseen && !seen; i++)
			seen = d->have_link && c.seen[i] == d->ifindex;
		if (d->have_link && !seen) {
			if (d->type == DEV_KERNEL)
				watch_dev_remove(w, d, 0);
			else
				d->have_link = false;
		}
	}
	free(c.seen);
	return 0;
}

void watch_link_lookup(struct wg_watch *w, struct watch_dev *d)
{
	struct sync_ctx c = { .w = w, .baseline = true };
	uint8_t buf[256];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (!w->nl || d->have_link)
		return;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_GETLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, d->name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	nl_request(w->nl, NL_RTNL, nlh, sync_cb, &c);
	free(c.seen);
}

static void link_msg_cb(struct wg_watch *w, const struct nlmsghdr *nlh)
{
	struct link_info m;

	if (parse_link(nlh, &m) == 0)
		handle_link(w, &m, false);
}

/* Read a non-blocking multicast socket dry; false if the kernel dropped messages. */
static bool drain(struct wg_watch *w, struct mnl_socket *sock,
		  void (*cb)(struct wg_watch *w, const struct nlmsghdr *nlh))
{
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(sock, w->buf, 32 * 1024);
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)w->buf;
		int len = (int)n;

		if (n < 0)
			return errno != ENOBUFS;
		for (; nl_msg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len))
			cb(w, nlh);
	}
}

void watch_link_close(struct wg_watch *w)
{
	struct mnl_socket **socks[] = { &w->rtnl, &w->genl };

	for (size_t i = 0; i < ARRAY_SIZE(socks); i++) {
		if (!*socks[i])
			continue;
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, mnl_socket_get_fd(*socks[i]), NULL);
		mnl_socket_close(*socks[i]);
		*socks[i] = NULL;
	}
	wg_netlink_close(w->nl);
	w->nl = NULL;
}

void watch_link_dispatch(struct wg_watch *w)
{
	if (!w->rtnl)
		return;	/* closed earlier in this epoll batch */
	/* Overflowed: what we missed is whatever differs from a new dump. */
	if (!drain(w, w->rtnl, link_msg_cb))
		watch_link_sync(w, false);
}

/* ---- a WireGuard multicast group, should a kernel ever have one ---- */

struct groups {
	unsigned ids[8];
	size_t n;
};

static int family_groups_cb(const struct nlmsghdr *nlh, void *data)
{
	struct groups *g = data;
	const struct nlattr *attr, *grp, *a;

	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(attr) != CTRL_ATTR_MCAST_GROUPS)
			continue;
		mnl_attr_for_each_nested(grp, attr)
			mnl_attr_for_each_nested(a, grp)
				if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID &&
				    mnl_attr_validate(a, MNL_TYPE_U32) == 0 && g->n < ARRAY_SIZE(g->ids))
					g->ids[g->n++] = mnl_attr_get_u32(a);
	}
	return 0;
}

static void genl_msg_cb(struct wg_watch *w, const struct nlmsghdr *nlh)
{
	const struct nlattr *attr;
	struct watch_dev *d;
	uint32_t ifindex = 0;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return;
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr))
		if (mnl_attr_get_type(attr) == WGDEVICE_A_IFINDEX &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
			ifindex = mnl_attr_get_u32(attr);
	for (d = w->devs; d; d = d->next)
		if (d->type == DEV_KERNEL && (!ifindex || d->ifindex == ifindex))
			watch_read_device(w, d);
}

void watch_genl_dispatch(struct wg_watch *w)
{
	if (w->genl && !drain(w, w->genl, genl_msg_cb))
		for (struct watch_dev *d = w->devs; d; d = d->next)
			if (d->type == DEV_KERNEL)
				watch_read_device(w, d);
}

static void probe_wireguard_groups(struct wg_watch *w)
{
	struct groups g = { .n = 0 };
	uint8_t buf[256];
	struct nlmsghdr *nlh = nl_put_genl(buf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1, 0);

	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, WG_GENL_NAME);
	if (nl_request(w->nl, NL_GENL, nlh, family_groups_cb, &g) < 0)
		return;		/* no WireGuard in this kernel (yet): links only */
	w->kernel_wg = true;
	if (!g.n || nl_open_mcast(w->nl, NL_GENL, g.ids, g.n, &w->genl) < 0)
		return;
	wg_log(WG_LOG_INFO, "watch: the kernel's WireGuard family has %zu multicast group(s): joined", g.n);
}

int watch_link_open(struct wg_watch *w)
{
	static const unsigned link_group[] = { RTNLGRP_LINK };
	int ret;

	ret = wg_netlink_open(&w->nl, w->o.netns_fd);
	if (ret < 0)
		return ret;
	w->buf = malloc(32 * 1024);
	if (!w->buf)
		return wg_error(ENOMEM, "out of memory");
	ret = nl_open_mcast(w->nl, NL_RTNL, link_group, 1, &w->rtnl);
	if (ret < 0)
		return ret;
	if (!(w->o.flags & WG_WATCH_NO_KERNEL))
		probe_wireguard_groups(w);
	ret = watch_epoll_add(w, mnl_socket_get_fd(w->rtnl), &w->src_rtnl, SRC_RTNL);
	if (!ret && w->genl)
		ret = watch_epoll_add(w, mnl_socket_get_fd(w->genl), &w->src_genl, SRC_GENL);
	return ret;
}
