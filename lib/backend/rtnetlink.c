// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * rtnetlink: WireGuard links (create, delete, list) and what wg-quick does
 * around them (up/down, MTU, addresses, routes).
 */
#include <stdio.h>
#include <stdlib.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "backend.h"
#include "error.h"
#include "netlink_internal.h"
#include "nlsock.h"
#include "util.h"

#define WG_LINK_KIND "wireguard"

static int rtnl_error(int err, const char *what, const char *name)
{
	const char *ext = nl_ext_msg();

	switch (err) {
	case ENODEV:
		return wg_error(err, "%s: no such device", name);
	case EPERM:
		return wg_error(err, "%s: %s needs CAP_NET_ADMIN", name, what);
	default:
		return wg_error(err, "%s: %s: %s%s%s", name, what, strerror(err), ext[0] ? ": " : "", ext);
	}
}

static int check_name(const char *name)
{
	if (!name[0] || strlen(name) >= IFNAMSIZ)
		return wg_error(EINVAL, "'%s': interface names have 1 to %d bytes", name, IFNAMSIZ - 1);
	return 0;
}

/* ---- links --------------------------------------------------------------- */

int kernel_parse_link(const struct nlmsghdr *nlh, struct link_info *info)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr, *nest;

	if ((nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK) ||
	    mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return -EPROTO;
	memset(info, 0, sizeof(*info));
	info->removed = nlh->nlmsg_type == RTM_DELLINK;
	info->ifindex = (uint32_t)ifi->ifi_index;
	info->up = ifi->ifi_flags & IFF_UP;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi)) {
		switch (mnl_attr_get_type(attr)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 ||
			    mnl_attr_get_payload_len(attr) > IFNAMSIZ)
				return -EPROTO;
			strcpy(info->name, mnl_attr_get_str(attr));
			break;
		case IFLA_MTU:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) == 0)
				info->mtu = mnl_attr_get_u32(attr);
			break;
		case IFLA_LINKINFO:
			mnl_attr_for_each_nested(nest, attr) {
				if (mnl_attr_get_type(nest) == IFLA_INFO_KIND &&
				    mnl_attr_validate(nest, MNL_TYPE_STRING) == 0 &&
				    mnl_attr_get_payload_len(nest) >= strlen(WG_LINK_KIND) &&
				    !strncmp(mnl_attr_get_str(nest), WG_LINK_KIND, mnl_attr_get_payload_len(nest)))
					info->is_wireguard = true;
			}
			break;
		}
	}
	return 0;
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	return kernel_parse_link(nlh, data);
}

/* Look a link up by name in the handle's namespace (if_nametoindex would use ours). */
static int get_link_by(struct wg_netlink *nl, const char *name, uint32_t ifindex, struct link_info *info)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = RTM_GETLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	if (name && name[0])
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	else
		ifi->ifi_index = (int)ifindex;
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nl_request(nl, NL_RTNL, nlh, link_cb, info);
}

static int get_link(struct wg_netlink *nl, const char *name, struct link_info *info)
{
	return get_link_by(nl, name, 0, info);
}

int kernel_link_exists(struct wg_netlink *nl, const char *name, uint32_t ifindex)
{
	struct link_info info;

	return get_link_by(nl, name, ifindex, &info);
}

static int link_ifindex(struct wg_netlink *nl, const char *name, uint32_t *ifindex)
{
	struct link_info info;
	int ret = check_name(name);

	if (ret < 0)
		return ret;
	ret = get_link(nl, name, &info);
	if (ret < 0)
		return rtnl_error(-ret, "looking up the link", name);
	*ifindex = info.ifindex;
	return 0;
}

static struct nlmsghdr *put_link_msg(void *buf, uint16_t type, uint16_t flags, struct ifinfomsg **ifi)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	*ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(**ifi));
	(*ifi)->ifi_family = AF_UNSPEC;
	return nlh;
}

WG_EXPORT int wg_netlink_add_device(wg_netlink *given, const char *name)
{
	struct wg_netlink tmp, *nl;
	uint8_t buf[256];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *nest;
	int ret = check_name(name);

	if (ret < 0)
		return ret;
	ret = nl_get(&nl, &tmp, given);
	if (ret < 0)
		return ret;
	nlh = put_link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, WG_LINK_KIND);
	mnl_attr_nest_end(nlh, nest);
	ret = nl_request(nl, NL_RTNL, nlh, NULL, NULL);
	if (ret == -EOPNOTSUPP)
		ret = wg_error(EOPNOTSUPP, "%s: the kernel has no WireGuard support (link kind \"wireguard\")", name);
	else if (ret == -EEXIST)
		ret = wg_error(EEXIST, "%s: a link of that name exists", name);
	else if (ret < 0)
		ret = rtnl_error(-ret, "creating the link", name);
	nl_put(nl, &tmp);
	return ret;
}

WG_EXPORT int wg_netlink_del_device(wg_netlink *given, const char *name)
{
	struct wg_netlink tmp, *nl;
	struct link_info info;
	uint8_t buf[256];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int ret = check_name(name);

	if (ret < 0)
		return ret;
	ret = nl_get(&nl, &tmp, given);
	if (ret < 0)
		return ret;
	/* Deleting by name must not take some other kind of link with it. */
	ret = get_link(nl, name, &info);
	if (ret < 0) {
		ret = rtnl_error(-ret, "looking up the link", name);
		goto out;
	}
	if (!info.is_wireguard) {
		ret = wg_error(EOPNOTSUPP, "%s: not a WireGuard device; left alone", name);
		goto out;
	}
	nlh = put_link_msg(buf, RTM_DELLINK, 0, &ifi);
	ifi->ifi_index = (int)info.ifindex;
	ret = nl_request(nl, NL_RTNL, nlh, NULL, NULL);
	if (ret < 0)
		ret = rtnl_error(-ret, "deleting the link", name);
out:
	nl_put(nl, &tmp);
	return ret;
}

static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_info info;
	int ret = link_cb(nlh, &info);

	if (ret < 0)
		return ret;
	if (!info.is_wireguard || !info.name[0])
		return 0;
	return name_list_add(data, info.name) < 0 ? -ENOMEM : 0;
}

static int list_links(struct wg_netlink *nl, struct name_list *list)
{
	uint8_t buf[256];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *nest;
	int ret;

	for (int attempt = 0; attempt < 64; attempt++) {
		size_t start = list->len;

		nlh = put_link_msg(buf, RTM_GETLINK, NLM_F_DUMP, &ifi);
		mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
		/* Kernels since 4.x filter by kind themselves; we check again anyway. */
		nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
		mnl_attr_put_strz(nlh, IFLA_INFO_KIND, WG_LINK_KIND);
		mnl_attr_nest_end(nlh, nest);
		ret = nl_request(nl, NL_RTNL, nlh, list_cb, list);
		if (ret != -EINTR)
			break;
		list->len = start;	/* interrupted: forget this attempt's names */
	}
	if (ret < 0)
		return rtnl_error(-ret, "listing links", "WireGuard devices");
	return 0;
}

WG_EXPORT char *wg_netlink_list_device_names(wg_netlink *given)
{
	struct wg_netlink tmp, *nl;
	struct name_list list = { 0 };
	int ret = nl_get(&nl, &tmp, given);

	if (ret < 0)
		return NULL;
	ret = list_links(nl, &list);
	if (ret == 0)
		ret = name_list_add(&list, "");
	nl_put(nl, &tmp);
	if (ret < 0) {
		free(list.buf);
		errno = -ret;
		return NULL;
	}
	return list.buf;
}

int kernel_add_device(const char *name)
{
	return wg_netlink_add_device(NULL, name);
}

int kernel_del_device(const char *name)
{
	return wg_netlink_del_device(NULL, name);
}

int kernel_list_device_names(struct name_list *list)
{
	struct wg_netlink tmp, *nl;
	int ret = nl_get(&nl, &tmp, NULL);

	if (ret < 0)
		return ret;
	ret = list_links(nl, list);
	nl_put(nl, &tmp);
	return ret;
}

/* What set_link changes: exactly one of these. */
struct link_change {
	int up;		/* -1: leave, 0: down, 1: up */
	uint32_t mtu;	/* 0: leave */
	int netns_fd;	/* -1: leave */
};

static int set_link(wg_netlink *given, const char *name, struct link_change change, const char *what)
{
	struct wg_netlink tmp, *nl;
	uint8_t buf[256];
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	int ret = check_name(name);

	if (ret < 0)
		return ret;
	ret = nl_get(&nl, &tmp, given);
	if (ret < 0)
		return ret;
	nlh = put_link_msg(buf, RTM_NEWLINK, 0, &ifi);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (change.mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, change.mtu);
	if (change.netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)change.netns_fd);
	if (change.up >= 0) {
		ifi->ifi_change = IFF_UP;
		ifi->ifi_flags = change.up ? IFF_UP : 0;
	}
	ret = nl_request(nl, NL_RTNL, nlh, NULL, NULL);
	if (ret < 0)
		ret = rtnl_error(-ret, what, name);
	nl_put(nl, &tmp);
	return ret;
}

WG_EXPORT int wg_link_set_up(wg_netlink *nl, const char *name, bool up)
{
	struct link_change change = { .up = up, .mtu = 0, .netns_fd = -1 };

	return set_link(nl, name, change, up ? "bringing the link up" : "bringing the link down");
}

WG_EXPORT int wg_link_set_mtu(wg_netlink *nl, const char *name, uint32_t mtu)
{
	struct link_change change = { .up = -1, .mtu = mtu, .netns_fd = -1 };

	if (!mtu)
		return wg_error(EINVAL, "%s: MTU 0", name);
	return set_link(nl, name, change, "setting the MTU");
}

WG_EXPORT int wg_link_set_netns(wg_netlink *nl, const char *name, int netns_fd)
{
	struct link_change change = { .up = -1, .mtu = 0, .netns_fd = netns_fd };

	if (netns_fd < 0)
		return wg_error(EBADF, "%s: bad network namespace descriptor %d", name, netns_fd);
	return set_link(nl, name, change, "moving the link to another network namespace");
}

/* ---- addresses and routes ----------------------------------------------- */

static int check_prefix(const char *name, int family, uint8_t prefix, size_t *len)
{
	if (family == AF_INET && prefix <= 32)
		*len = 4;
	else if (family == AF_INET6 && prefix <= 128)
		*len = 16;
	else if (family != AF_INET && family != AF_INET6)
		return wg_error(EINVAL, "%s: address family %d is neither IPv4 nor IPv6", name, family);
	else
		return wg_error(EINVAL, "%s: prefix length %u is too long", name, prefix);
	return 0;
}

/* An address or a route of a link: what the request names. */
struct prefix_op {
	const char *what;	/* "address" or "route", for messages */
	int family;
	const void *addr;
	uint8_t prefix;
	size_t len;		/* of addr: 4 or 16 */
	uint32_t table;		/* routes only */
	bool add;
};

static void put_addr(struct nlmsghdr *nlh, const struct prefix_op *op, uint32_t ifindex)
{
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = op->add ? RTM_NEWADDR : RTM_DELADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = (uint8_t)op->family;
	ifa->ifa_prefixlen = op->prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, op->len, op->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, op->len, op->addr);
}

static void put_route(struct nlmsghdr *nlh, const struct prefix_op *op, uint32_t ifindex)
{
	struct rtmsg *rtm;

	nlh->nlmsg_type = op->add ? RTM_NEWROUTE : RTM_DELROUTE;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = (uint8_t)op->family;
	rtm->rtm_dst_len = op->prefix;
	rtm->rtm_table = op->table < 256 ? (uint8_t)op->table : RT_TABLE_UNSPEC;
	rtm->rtm_protocol = op->add ? RTPROT_BOOT : 0;
	rtm->rtm_scope = op->add ? RT_SCOPE_LINK : RT_SCOPE_NOWHERE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_DST, op->len, op->addr);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	mnl_attr_put_u32(nlh, RTA_TABLE, op->table);
}

/* Add or remove an address or route of the link name; put() writes the request. */
static int change_prefix(wg_netlink *given, const char *name, struct prefix_op *op,
			 void (*put)(struct nlmsghdr *, const struct prefix_op *, uint32_t))
{
	struct wg_netlink tmp, *nl;
	uint8_t buf[256];
	struct nlmsghdr *nlh;
	uint32_t ifindex = 0;
	char text[INET6_ADDRSTRLEN] = "?", table[24] = "";
	int ret = check_prefix(name, op->family, op->prefix, &op->len);

	if (ret < 0)
		return ret;
	ret = nl_get(&nl, &tmp, given);
	if (ret < 0)
		return ret;
	ret = link_ifindex(nl, name, &ifindex);
	if (ret < 0)
		goto out;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_flags = op->add ? NLM_F_CREATE | NLM_F_EXCL : 0;
	put(nlh, op, ifindex);
	ret = nl_request(nl, NL_RTNL, nlh, NULL, NULL);
	if (ret < 0) {
		inet_ntop(op->family, op->addr, text, sizeof(text));
		if (op->table)
			snprintf(table, sizeof(table), " (table %u)", op->table);
		ret = wg_error(-ret, "%s: %s %s %s/%u%s: %s%s%s", name, op->add ? "adding" : "removing", op->what, text,
			       op->prefix, table, strerror(-ret), nl_ext_msg()[0] ? ": " : "", nl_ext_msg());
	}
out:
	nl_put(nl, &tmp);
	return ret;
}

static int change_addr(wg_netlink *nl, const char *name, int family, const void *addr, uint8_t prefix, bool add)
{
	struct prefix_op op = { .what = "address", .family = family, .addr = addr, .prefix = prefix, .add = add };

	return change_prefix(nl, name, &op, put_addr);
}

WG_EXPORT int wg_addr_add(wg_netlink *nl, const char *name, int family, const void *addr, uint8_t prefix)
{
	return change_addr(nl, name, family, addr, prefix, true);
}

WG_EXPORT int wg_addr_del(wg_netlink *nl, const char *name, int family, const void *addr, uint8_t prefix)
{
	return change_addr(nl, name, family, addr, prefix, false);
}

static int change_route(wg_netlink *nl, const char *name, int family, const void *dest, uint8_t prefix,
			uint32_t table, bool add)
{
	struct prefix_op op = { .what = "route", .family = family, .addr = dest, .prefix = prefix,
				.table = table ? table : RT_TABLE_MAIN, .add = add };

	return change_prefix(nl, name, &op, put_route);
}

WG_EXPORT int wg_route_add(wg_netlink *nl, const char *name, int family, const void *dest, uint8_t prefix,
			   uint32_t table)
{
	return change_route(nl, name, family, dest, prefix, table, true);
}

WG_EXPORT int wg_route_del(wg_netlink *nl, const char *name, int family, const void *dest, uint8_t prefix,
			   uint32_t table)
{
	return change_route(nl, name, family, dest, prefix, table, false);
}
