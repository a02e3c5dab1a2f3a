// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel backend: the generic netlink family "wireguard", read with one
 * dump (merged across messages, restarted when interrupted) and written with
 * as many set messages as the configuration needs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <linux/genetlink.h>
#include <net/if.h>

#include "backend.h"
#include "config.h"
#include "config_apply.h"
#include "error.h"
#include "genl_wireguard.h"
#include "netlink_internal.h"
#include "nlsock.h"
#include "set_plan.h"
#include "util.h"

/* Size of each set message; tests shrink it to exercise the split. */
size_t wg_netlink_set_msg_size = NL_RECV_BUFFER;

/* "wg0" or "ifindex 7", for messages. */
static const char *label(char buf[32], const char *name, uint32_t ifindex)
{
	if (name && name[0])
		return name;
	snprintf(buf, 32, "ifindex %u", ifindex);
	return buf;
}

/*
 * The family id, or an error: without WireGuard in the kernel a missing
 * device is still -ENODEV, an existing one -EOPNOTSUPP.
 */
static int genl_family(struct wg_netlink *nl, const char *name, uint32_t ifindex, const char *dev_label)
{
	int family = nl_wg_family(nl, dev_label);

	if (family == -EOPNOTSUPP && kernel_link_exists(nl, name, ifindex) == -ENODEV)
		return wg_error(ENODEV, "%s: no such device", dev_label);
	return family;
}

/*
 * Reloading the module registers the family under a new id, and a request
 * to the old one gets -ENOENT.  A long-lived handle then forgets what it
 * cached of the family so that the caller's one retry looks it up again.
 */
static bool family_went_away(struct wg_netlink *nl, int ret)
{
	if (ret != -ENOENT || !nl->wg_family)
		return false;
	wg_log(WG_LOG_DEBUG, "the WireGuard netlink family went away; looking it up again");
	nl->wg_family = 0;
	nl->allowedip_flags = -1;
	return true;
}

/* A message naming the device for each errno the kernel gives. */
static int kernel_error(int err, const char *what, const char *dev)
{
	const char *ext = nl_ext_msg();

	switch (err) {
	case ENODEV:
		return wg_error(err, "%s: no such device", dev);
	case EOPNOTSUPP:
		return wg_error(err, "%s: not a WireGuard device", dev);
	case EPERM:
		return wg_error(err, "%s: %s needs CAP_NET_ADMIN in the device's network namespace", dev, what);
	default:
		return wg_error(err, "%s: %s: %s%s%s", dev, what, strerror(err), ext[0] ? ": " : "", ext);
	}
}

/* ------------------------------------------------------------------------ */
/* Get                                                                       */
/* ------------------------------------------------------------------------ */

static int parse_allowedip(const struct nlattr *nest, wg_peer *peer)
{
	const struct nlattr *attr;
	wg_allowedip *aip;
	bool has_addr = false, has_cidr = false;
	uint16_t family = 0;
	uint8_t addr[16], cidr = 0;
	size_t addr_len = 0;

	mnl_attr_for_each_nested(attr, nest) {
		switch (mnl_attr_get_type(attr)) {
		case WGALLOWEDIP_A_FAMILY:
			if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
				return -EPROTO;
			family = mnl_attr_get_u16(attr);
			break;
		case WGALLOWEDIP_A_IPADDR:
			addr_len = mnl_attr_get_payload_len(attr);
			if (addr_len != 4 && addr_len != 16)
				return -EPROTO;
			memcpy(addr, mnl_attr_get_payload(attr), addr_len);
			has_addr = true;
			break;
		case WGALLOWEDIP_A_CIDR_MASK:
			if (mnl_attr_validate(attr, MNL_TYPE_U8) < 0)
				return -EPROTO;
			cidr = mnl_attr_get_u8(attr);
			has_cidr = true;
			break;
		}
	}
	if (!has_addr || !has_cidr ||
	    !((family == AF_INET && addr_len == 4 && cidr <= 32) ||
	      (family == AF_INET6 && addr_len == 16 && cidr <= 128)))
		return -EPROTO;
	aip = wg_peer_add_allowedip(peer);
	if (!aip)
		return -ENOMEM;
	aip->family = family;
	memcpy(family == AF_INET ? (void *)&aip->ip4 : (void *)&aip->ip6, addr, addr_len);
	aip->cidr = cidr;
	return 0;
}

static int parse_peer_attr(const struct nlattr *attr, wg_peer *peer)
{
	size_t len = mnl_attr_get_payload_len(attr);
	const void *p = mnl_attr_get_payload(attr);
	const struct nlattr *nest;
	int ret;

	switch (mnl_attr_get_type(attr)) {
	case WGPEER_A_PUBLIC_KEY:
		if (len != WG_KEY_LEN)
			return -EPROTO;
		memcpy(peer->public_key, p, WG_KEY_LEN);
		peer->flags |= WGPEER_HAS_PUBLIC_KEY;
		break;
	case WGPEER_A_PRESHARED_KEY:
		if (len != WG_KEY_LEN)
			return -EPROTO;
		memcpy(peer->preshared_key, p, WG_KEY_LEN);
		if (!wg_key_is_zero(peer->preshared_key))
			peer->flags |= WGPEER_HAS_PRESHARED_KEY;
		break;
	case WGPEER_A_ENDPOINT:
		if (len == sizeof(struct sockaddr_in) && ((const struct sockaddr *)p)->sa_family == AF_INET)
			memcpy(&peer->endpoint.addr4, p, len);
		else if (len == sizeof(struct sockaddr_in6) && ((const struct sockaddr *)p)->sa_family == AF_INET6)
			memcpy(&peer->endpoint.addr6, p, len);
		else
			return -EPROTO;
		break;
	case WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL:
		if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
			return -EPROTO;
		peer->persistent_keepalive_interval = mnl_attr_get_u16(attr);
		peer->flags |= WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
		break;
	case WGPEER_A_LAST_HANDSHAKE_TIME: {
		int64_t ts[2];

		if (len != sizeof(ts))
			return -EPROTO;
		memcpy(ts, p, sizeof(ts));
		peer->last_handshake_time.tv_sec = ts[0];
		peer->last_handshake_time.tv_nsec = ts[1];
		break;
	}
	case WGPEER_A_RX_BYTES:
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return -EPROTO;
		peer->rx_bytes = mnl_attr_get_u64(attr);
		break;
	case WGPEER_A_TX_BYTES:
		if (mnl_attr_validate(attr, MNL_TYPE_U64) < 0)
			return -EPROTO;
		peer->tx_bytes = mnl_attr_get_u64(attr);
		break;
	case WGPEER_A_PROTOCOL_VERSION:
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return -EPROTO;
		peer->protocol_version = mnl_attr_get_u32(attr);
		peer->flags |= WGPEER_HAS_PROTOCOL_VERSION;
		break;
	case WGPEER_A_ALLOWEDIPS:
		mnl_attr_for_each_nested(nest, attr) {
			ret = parse_allowedip(nest, peer);
			if (ret < 0)
				return ret;
		}
		break;
	}
	return 0;
}

/*
 * A peer whose allowed IPs did not fit in one message continues in the next
 * with its public key repeated: merge it into the one before.
 */
int kernel_parse_peer(const struct nlattr *nest, wg_device *dev)
{
	wg_peer *peer = calloc(1, sizeof(*peer)), *last = dev->last_peer;
	const struct nlattr *attr;
	int ret = 0;

	if (!peer)
		return -ENOMEM;
	mnl_attr_for_each_nested(attr, nest) {
		ret = parse_peer_attr(attr, peer);
		if (ret < 0)
			goto out;
	}
	if (!(peer->flags & WGPEER_HAS_PUBLIC_KEY)) {
		ret = -EPROTO;
		goto out;
	}
	if (last && !memcmp(last->public_key, peer->public_key, WG_KEY_LEN)) {
		if (peer->first_allowedip) {
			if (last->last_allowedip)
				last->last_allowedip->next_allowedip = peer->first_allowedip;
			else
				last->first_allowedip = peer->first_allowedip;
			last->last_allowedip = peer->last_allowedip;
			peer->first_allowedip = NULL;
		}
		goto out;
	}
	if (last)
		last->next_peer = peer;
	else
		dev->first_peer = peer;
	dev->last_peer = peer;
	return 0;
out:
	wg_peer_free(peer);
	return ret;
}

int kernel_parse_device(const struct nlmsghdr *nlh, void *data)
{
	wg_device *dev = data;
	const struct nlattr *attr, *nest;
	size_t len;
	int ret;

	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct genlmsghdr))
		return -EPROTO;
	mnl_attr_for_each(attr, nlh, sizeof(struct genlmsghdr)) {
		len = mnl_attr_get_payload_len(attr);
		switch (mnl_attr_get_type(attr)) {
		case WGDEVICE_A_IFINDEX:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
				return -EPROTO;
			dev->ifindex = mnl_attr_get_u32(attr);
			break;
		case WGDEVICE_A_IFNAME:
			if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0 || len > IFNAMSIZ)
				return -EPROTO;
			strcpy(dev->name, mnl_attr_get_str(attr));
			break;
		case WGDEVICE_A_PRIVATE_KEY:
			if (len != WG_KEY_LEN)
				return -EPROTO;
			memcpy(dev->private_key, mnl_attr_get_payload(attr), WG_KEY_LEN);
			dev->flags |= WGDEVICE_HAS_PRIVATE_KEY;
			break;
		case WGDEVICE_A_PUBLIC_KEY:
			if (len != WG_KEY_LEN)
				return -EPROTO;
			memcpy(dev->public_key, mnl_attr_get_payload(attr), WG_KEY_LEN);
			dev->flags |= WGDEVICE_HAS_PUBLIC_KEY;
			break;
		case WGDEVICE_A_LISTEN_PORT:
			if (mnl_attr_validate(attr, MNL_TYPE_U16) < 0)
				return -EPROTO;
			dev->listen_port = mnl_attr_get_u16(attr);
			dev->flags |= WGDEVICE_HAS_LISTEN_PORT;
			break;
		case WGDEVICE_A_FWMARK:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
				return -EPROTO;
			dev->fwmark = mnl_attr_get_u32(attr);
			dev->flags |= WGDEVICE_HAS_FWMARK;
			break;
		case WGDEVICE_A_PEERS:
			mnl_attr_for_each_nested(nest, attr) {
				ret = kernel_parse_peer(nest, dev);
				if (ret < 0)
					return ret;
			}
			break;
		}
	}
	return 0;
}

/* Dumps are retried this often when the device keeps changing under them. */
#define DUMP_RETRIES 64

int kernel_dump(struct wg_netlink *nl, const char *name, uint32_t ifindex, nl_msg_fn *cb,
		int (*restart)(void *data), void *data)
{
	uint8_t buf[128];
	char lbuf[32];
	const char *dev_label = label(lbuf, name, ifindex);
	struct nlmsghdr *nlh;
	bool refreshed = false;
	int family, ret = 0;

	if (name && strlen(name) >= IFNAMSIZ)
		return wg_error(EINVAL, "%s: interface name longer than %d bytes", name, IFNAMSIZ - 1);
	for (int attempt = 0; attempt < DUMP_RETRIES; attempt++) {
		family = genl_family(nl, name, ifindex, dev_label);
		if (family < 0)
			return family;
		ret = restart(data);
		if (ret < 0)
			return ret;
		nlh = nl_put_genl(buf, (uint16_t)family, WG_CMD_GET_DEVICE, WG_GENL_VERSION, NLM_F_DUMP);
		if (name && name[0])
			mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, name);
		else
			mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, ifindex);
		ret = nl_request(nl, NL_GENL, nlh, cb, data);
		/* The reply held the private and preshared keys; an open handle keeps its buffer. */
		wg_memzero(nl->buf, NL_RECV_BUFFER);
		if (!ret)
			return 0;
		if (!refreshed && family_went_away(nl, ret)) {
			refreshed = true;
			continue;
		}
		if (ret != -EINTR)
			break;
		wg_log(WG_LOG_DEBUG, "%s: the device changed during the dump; reading it again", dev_label);
	}
	if (ret == -EINTR)
		return wg_error(EAGAIN, "%s: the device kept changing during %d dumps", dev_label, DUMP_RETRIES);
	if (ret == -EPROTO)
		return wg_error(EPROTO, "%s: malformed reply from the kernel", dev_label);
	return kernel_error(-ret, "reading the device", dev_label);
}

/* A fresh device for each attempt of the dump. */
static int new_reading(void *data)
{
	wg_device **dev = data;

	wg_free_device(*dev);
	*dev = wg_device_new(NULL);
	return *dev ? 0 : -ENOMEM;
}

static int parse_reading(const struct nlmsghdr *nlh, void *data)
{
	return kernel_parse_device(nlh, *(wg_device **)data);
}

int kernel_dump_device(struct wg_netlink *nl, wg_device **out, const char *name, uint32_t ifindex)
{
	wg_device *dev = NULL;
	int ret = kernel_dump(nl, name, ifindex, parse_reading, new_reading, &dev);

	if (ret < 0) {
		wg_free_device(dev);
		return ret;
	}
	*out = dev;
	return 0;
}

WG_EXPORT int wg_netlink_get_device(wg_netlink *given, wg_device **dev, const char *name)
{
	struct wg_netlink tmp, *nl;
	int ret = nl_get(&nl, &tmp, given);

	if (ret < 0)
		return ret;
	if (!name[0])
		ret = wg_error(EINVAL, "empty interface name");
	else
		ret = kernel_dump_device(nl, dev, name, 0);
	nl_put(nl, &tmp);
	return ret;
}

WG_EXPORT int wg_netlink_get_device_by_index(wg_netlink *given, wg_device **dev, uint32_t ifindex)
{
	struct wg_netlink tmp, *nl;
	int ret = nl_get(&nl, &tmp, given);

	if (ret < 0)
		return ret;
	if (!ifindex)
		ret = wg_error(EINVAL, "interface index 0");
	else
		ret = kernel_dump_device(nl, dev, NULL, ifindex);
	nl_put(nl, &tmp);
	return ret;
}

WG_EXPORT int wg_get_device_by_index(wg_device **dev, uint32_t ifindex)
{
	return wg_netlink_get_device_by_index(NULL, dev, ifindex);
}

int kernel_get_device(wg_device **dev, const char *name)
{
	return wg_netlink_get_device(NULL, dev, name);
}

/* ------------------------------------------------------------------------ */
/* Set                                                                       */
/* ------------------------------------------------------------------------ */

/* Everything the kernel would reject part-way is rejected here, before any message. */
static int validate(const wg_device *dev, bool *has_removals)
{
	const wg_peer *peer;
	const wg_allowedip *aip;
	int ret;

	*has_removals = false;
	if (!dev->name[0] && !dev->ifindex)
		return wg_error(EINVAL, "the device has neither a name nor an interface index");
	if (strnlen(dev->name, IFNAMSIZ) >= IFNAMSIZ)
		return wg_error(EINVAL, "the device name is not NUL-terminated within %d bytes", IFNAMSIZ);
	ret = wg_set_plan_validate(dev, false);
	if (ret < 0)
		return ret;
	wg_for_each_peer(dev, peer)
		wg_for_each_allowedip(peer, aip)
			if (aip->flags & WGALLOWEDIP_REMOVE_ME)
				*has_removals = true;
	return 0;
}

/* Where the message builder stands: the next peer, and within it the next allowed IP. */
struct set_cursor {
	const wg_peer *peer;
	const wg_allowedip *aip;
	bool continued;		/* the peer's attributes went in an earlier message */
};

static bool put_peer_attrs(struct nlmsghdr *nlh, size_t size, const wg_peer *peer)
{
	uint32_t flags = 0;

	if (peer->flags & WGPEER_REMOVE_ME)
		flags |= WGPEER_F_REMOVE_ME;
	if (peer->flags & WGPEER_REPLACE_ALLOWEDIPS)
		flags |= WGPEER_F_REPLACE_ALLOWEDIPS;
	if (peer->flags & WGPEER_UPDATE_ONLY)
		flags |= WGPEER_F_UPDATE_ONLY;
	if (flags && !mnl_attr_put_u32_check(nlh, size, WGPEER_A_FLAGS, flags))
		return false;
	if (peer->flags & WGPEER_REMOVE_ME)
		return true;
	if ((peer->flags & WGPEER_HAS_PRESHARED_KEY) &&
	    !mnl_attr_put_check(nlh, size, WGPEER_A_PRESHARED_KEY, WG_KEY_LEN, peer->preshared_key))
		return false;
	if (peer->endpoint.addr.sa_family == AF_INET &&
	    !mnl_attr_put_check(nlh, size, WGPEER_A_ENDPOINT, sizeof(peer->endpoint.addr4), &peer->endpoint.addr4))
		return false;
	if (peer->endpoint.addr.sa_family == AF_INET6 &&
	    !mnl_attr_put_check(nlh, size, WGPEER_A_ENDPOINT, sizeof(peer->endpoint.addr6), &peer->endpoint.addr6))
		return false;
	if ((peer->flags & WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL) &&
	    !mnl_attr_put_u16_check(nlh, size, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL,
				    peer->persistent_keepalive_interval))
		return false;
	if ((peer->flags & WGPEER_HAS_PROTOCOL_VERSION) && peer->protocol_version &&
	    !mnl_attr_put_u32_check(nlh, size, WGPEER_A_PROTOCOL_VERSION, peer->protocol_version))
		return false;
	return true;
}

static bool put_allowedip(struct nlmsghdr *nlh, size_t size, const wg_allowedip *aip, bool with_flags)
{
	struct nlattr *nest = mnl_attr_nest_start_check(nlh, size, 0);

	if (!nest)
		return false;
	if (!mnl_attr_put_u16_check(nlh, size, WGALLOWEDIP_A_FAMILY, aip->family) ||
	    !mnl_attr_put_check(nlh, size, WGALLOWEDIP_A_IPADDR, aip->family == AF_INET ? 4 : 16,
				aip->family == AF_INET ? (const void *)&aip->ip4 : (const void *)&aip->ip6) ||
	    !mnl_attr_put_u8_check(nlh, size, WGALLOWEDIP_A_CIDR_MASK, aip->cidr) ||
	    (with_flags && aip->flags &&
	     !mnl_attr_put_u32_check(nlh, size, WGALLOWEDIP_A_FLAGS, WGALLOWEDIP_F_REMOVE_ME))) {
		mnl_attr_nest_cancel(nlh, nest);
		return false;
	}
	mnl_attr_nest_end(nlh, nest);
	return true;
}

/*
 * Add as much of the peer at the cursor as fits.  Returns true when the peer
 * is complete; false when the message is full, with the cursor at the first
 * allowed IP still to send.  *progress tells whether anything was added.
 */
static bool put_peer(struct nlmsghdr *nlh, size_t size, struct set_cursor *cur, bool with_flags, bool *progress)
{
	const wg_peer *peer = cur->peer;
	struct nlattr *peer_nest, *aips_nest = NULL;
	const wg_allowedip *aip = cur->aip;
	bool sent_attrs = false, sent_aips = false;

	*progress = false;
	peer_nest = mnl_attr_nest_start_check(nlh, size, 0);
	if (!peer_nest)
		return false;
	if (!mnl_attr_put_check(nlh, size, WGPEER_A_PUBLIC_KEY, WG_KEY_LEN, peer->public_key))
		goto full;
	if (!cur->continued) {
		if (!put_peer_attrs(nlh, size, peer))
			goto full;
		sent_attrs = true;
	} else if ((peer->flags & WGPEER_UPDATE_ONLY) &&
		   !mnl_attr_put_u32_check(nlh, size, WGPEER_A_FLAGS, WGPEER_F_UPDATE_ONLY)) {
		/* Repeated so that a continuation never creates a peer the first part did not. */
		goto full;
	}
	if (aip && !(peer->flags & WGPEER_REMOVE_ME)) {
		aips_nest = mnl_attr_nest_start_check(nlh, size, WGPEER_A_ALLOWEDIPS);
		if (!aips_nest)
			goto full;
		for (; aip; aip = aip->next_allowedip) {
			if (!put_allowedip(nlh, size, aip, with_flags))
				goto full;
			sent_aips = true;
		}
		mnl_attr_nest_end(nlh, aips_nest);
	}
	mnl_attr_nest_end(nlh, peer_nest);
	*progress = true;
	return true;
full:
	if (!sent_attrs && !sent_aips) {
		mnl_attr_nest_cancel(nlh, peer_nest);
		return false;
	}
	if (aips_nest) {
		if (sent_aips)
			mnl_attr_nest_end(nlh, aips_nest);
		else
			mnl_attr_nest_cancel(nlh, aips_nest);
	}
	mnl_attr_nest_end(nlh, peer_nest);
	cur->aip = aip;
	cur->continued = true;
	*progress = true;
	return false;
}

static int send_device(struct wg_netlink *nl, uint16_t family, const wg_device *dev, bool with_flags,
		       const char *dev_label)
{
	size_t size = wg_netlink_set_msg_size;
	struct set_cursor cur = { .peer = dev->first_peer, .aip = NULL, .continued = false };
	uint8_t *buf = malloc(size);
	bool first = true;
	int ret = 0;

	if (!buf)
		return wg_error(ENOMEM, "out of memory");
	if (cur.peer)
		cur.aip = cur.peer->first_allowedip;
	do {
		struct nlmsghdr *nlh = nl_put_genl(buf, family, WG_CMD_SET_DEVICE, WG_GENL_VERSION, 0);
		struct nlattr *peers = NULL;
		bool progress = false, step;

		if (dev->name[0])
			mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, dev->name);
		else
			mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, dev->ifindex);
		if (first) {
			if (dev->flags & WGDEVICE_HAS_PRIVATE_KEY)
				mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, WG_KEY_LEN, dev->private_key);
			if (dev->flags & WGDEVICE_HAS_LISTEN_PORT)
				mnl_attr_put_u16(nlh, WGDEVICE_A_LISTEN_PORT, dev->listen_port);
			if (dev->flags & WGDEVICE_HAS_FWMARK)
				mnl_attr_put_u32(nlh, WGDEVICE_A_FWMARK, dev->fwmark);
			if (dev->flags & WGDEVICE_REPLACE_PEERS)
				mnl_attr_put_u32(nlh, WGDEVICE_A_FLAGS, WGDEVICE_F_REPLACE_PEERS);
		}
		if (cur.peer)
			peers = mnl_attr_nest_start_check(nlh, size, WGDEVICE_A_PEERS);
		while (peers && cur.peer) {
			bool done = put_peer(nlh, size, &cur, with_flags, &step);

			progress |= step;
			if (!done)
				break;
			cur.peer = cur.peer->next_peer;
			cur.aip = cur.peer ? cur.peer->first_allowedip : NULL;
			cur.continued = false;
		}
		if (peers) {
			if (progress)
				mnl_attr_nest_end(nlh, peers);
			else
				mnl_attr_nest_cancel(nlh, peers);
		}
		if (!first && !progress) {
			/* Cannot happen with messages of a sane size; never loop forever. */
			ret = wg_error(EMSGSIZE, "%s: a peer does not fit in a %zu-byte message", dev_label, size);
			break;
		}
		ret = nl_request(nl, NL_GENL, nlh, NULL, NULL);
		if (ret < 0) {
			ret = kernel_error(-ret, first ? "setting the device" : "setting the device (partly applied)",
					   dev_label);
			break;
		}
		first = false;
	} while (cur.peer);
	wg_memzero(buf, size);	/* it held keys */
	free(buf);
	return ret;
}

static int set_device(struct wg_netlink *nl, wg_device *dev)
{
	char lbuf[32];
	const char *dev_label = label(lbuf, dev->name, dev->ifindex);
	wg_device *resolved = NULL;
	bool has_removals;
	int family, ret;

	ret = validate(dev, &has_removals);
	if (ret < 0)
		return ret;
	for (bool refreshed = false;; refreshed = true) {
		family = genl_family(nl, dev->name, dev->ifindex, dev_label);
		if (family < 0)
			return family;
		if (has_removals && !kernel_probe_allowedip_flags(nl, (uint16_t)family)) {
			ret = kernel_resolve_removals(nl, dev, &resolved);
			if (ret < 0)
				return ret;
		}
		ret = send_device(nl, (uint16_t)family, resolved ? resolved : dev, has_removals && !resolved,
				  dev_label);
		wg_free_device(resolved);
		resolved = NULL;
		if (refreshed || !family_went_away(nl, ret))
			return ret;
	}
}

WG_EXPORT int wg_netlink_set_device(wg_netlink *given, wg_device *dev)
{
	struct wg_netlink tmp, *nl;
	int ret = nl_get(&nl, &tmp, given);

	if (ret < 0)
		return ret;
	ret = set_device(nl, dev);
	nl_put(nl, &tmp);
	return ret;
}

int kernel_set_device(wg_device *dev)
{
	return wg_netlink_set_device(NULL, dev);
}

