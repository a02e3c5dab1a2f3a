// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Two network namespaces, each with a WireGuard link configured only through
 * the library (links, keys, peers, addresses, routes, MTU, up), ping each
 * other through WireGuard over IPv4 and IPv6 (inside the VM).
 *
 * As in wg(8)'s netns.sh, both links are created in the VM's own namespace,
 * where their UDP sockets stay and talk over loopback, and are then moved
 * into namespaces "a" and "b" (created by the caller).
 */
#include <fcntl.h>
#include <unistd.h>

#include "kutil.h"
#include "test.h"

struct side {
	const char *ns, *link;
	uint16_t port;
	const char *addr4, *addr6;
	wg_key priv, pub;
	wg_netlink *nl;
};

static void configure(struct side *me, const struct side *other, const char *extra_prefix)
{
	wg_device *dev = wg_device_new(me->link);
	wg_peer *p = wg_device_add_peer(dev);

	dev->flags = WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_REPLACE_PEERS;
	memcpy(dev->private_key, me->priv, 32);
	dev->listen_port = me->port;
	p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_REPLACE_ALLOWEDIPS;
	memcpy(p->public_key, other->pub, 32);
	p->endpoint.addr4.sin_family = AF_INET;
	p->endpoint.addr4.sin_port = htons(other->port);
	p->endpoint.addr4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	add_aip(p, AF_INET, other->addr4, 32);
	add_aip(p, AF_INET6, other->addr6, 128);
	if (extra_prefix)
		add_aip(p, AF_INET, extra_prefix, 24);
	CHECK(wg_set_device(dev) == 0);
	wg_free_device(dev);
}

static void place(struct side *me)
{
	char path[64];
	struct in_addr a4;
	struct in6_addr a6;
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", me->ns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(wg_link_set_netns(NULL, me->link, fd) == 0);
	CHECK(wg_netlink_open(&me->nl, fd) == 0);
	close(fd);
	inet_pton(AF_INET, me->addr4, &a4);
	inet_pton(AF_INET6, me->addr6, &a6);
	CHECK(wg_link_set_mtu(me->nl, me->link, 1420) == 0);
	CHECK(wg_addr_add(me->nl, me->link, AF_INET, &a4, 24) == 0);
	CHECK(wg_addr_add(me->nl, me->link, AF_INET6, &a6, 64) == 0);
	CHECK(wg_link_set_up(me->nl, me->link, true) == 0);
}

static void check_traffic(struct side *me)
{
	wg_device *dev = NULL;
	char *names;

	CHECK(wg_netlink_get_device(me->nl, &dev, me->link) == 0);
	CHECK(dev && dev->first_peer && dev->first_peer->last_handshake_time.tv_sec > 0);
	CHECK(dev && dev->first_peer && dev->first_peer->rx_bytes > 0 && dev->first_peer->tx_bytes > 0);
	if (dev && dev->first_peer)
		printf("%s: rx %llu tx %llu bytes\n", me->link, (unsigned long long)dev->first_peer->rx_bytes,
		       (unsigned long long)dev->first_peer->tx_bytes);
	wg_free_device(dev);
	names = wg_netlink_list_device_names(me->nl);
	CHECK(names && !strcmp(names, me->link) && names[strlen(me->link) + 1] == '\0');
	free(names);
}

int main(void)
{
	struct side a = { .ns = "a", .link = "wga", .port = 10001, .addr4 = "10.0.0.1", .addr6 = "fd00::1" };
	struct side b = { .ns = "b", .link = "wgb", .port = 10002, .addr4 = "10.0.0.2", .addr6 = "fd00::2" };
	struct in_addr extra, extra_host;

	wg_generate_private_key(a.priv);
	wg_generate_private_key(b.priv);
	wg_generate_public_key(a.pub, a.priv);
	wg_generate_public_key(b.pub, b.priv);
	CHECK(wg_add_device(a.link) == 0);
	CHECK(wg_add_device(b.link) == 0);
	configure(&a, &b, "10.99.0.0");
	configure(&b, &a, NULL);
	place(&a);
	place(&b);
	if (!a.nl || !b.nl)
		return test_done();
	/* A prefix behind b, reached from a through an explicit route. */
	inet_pton(AF_INET, "10.99.0.0", &extra);
	inet_pton(AF_INET, "10.99.0.1", &extra_host);
	CHECK(wg_route_add(a.nl, a.link, AF_INET, &extra, 24, 0) == 0);
	CHECK(wg_addr_add(b.nl, b.link, AF_INET, &extra_host, 32) == 0);

	CHECK(sh("ip netns exec a ping -c 2 -w 20 10.0.0.2") == 0);
	CHECK(sh("ip netns exec b ping -c 2 -w 20 10.0.0.1") == 0);
	CHECK(sh("ip netns exec a ping -c 2 -w 20 fd00::2") == 0);
	CHECK(sh("ip netns exec a ping -c 2 -w 20 10.99.0.1") == 0);
	/* Nothing outside the allowed IPs gets through. */
	CHECK(sh("ip netns exec a ping -c 1 -w 2 10.0.0.3 >/dev/null 2>&1") != 0);
	check_traffic(&a);
	check_traffic(&b);
	wg_netlink_close(a.nl);
	wg_netlink_close(b.nl);
	return test_done();
}
