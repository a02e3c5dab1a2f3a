// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel backend's checks that need no WireGuard in the kernel (run on
 * the host, in the unit suite, also under the sanitizers): malformed input
 * is refused before any message, missing devices are -ENODEV, and the
 * allowed-IP removal resolver computes the right sets.
 */
#include <fcntl.h>
#include <unistd.h>
#include <linux/genetlink.h>

#include "genl_wireguard.h"
#include "kutil.h"
#include "netlink_internal.h"
#include "nlsock.h"
#include "set_plan.h"
#include "test.h"

static wg_device *one_peer(const char *name)
{
	wg_device *dev = wg_device_new(name);
	wg_peer *p = wg_device_add_peer(dev);

	p->flags = WGPEER_HAS_PUBLIC_KEY;
	rand_key(p->public_key);
	add_aip(p, AF_INET, "10.0.0.0", 8);
	return dev;
}

static void test_invalid(void)
{
	/* A device name that exists everywhere: nothing may reach it. */
	for (int kind = 0; kind < 9; kind++) {
		wg_device *dev = one_peer("lo");
		wg_peer *p = dev->first_peer;
		wg_allowedip *a = p->first_allowedip;

		switch (kind) {
		case 0: a->family = AF_UNIX; break;
		case 1: a->cidr = 33; break;
		case 2: a->family = AF_INET6; a->cidr = 129; break;
		case 3: p->endpoint.addr.sa_family = AF_PACKET; break;
		case 4: p->flags = 0; break;
		case 5: p->flags |= WGPEER_HAS_PROTOCOL_VERSION; p->protocol_version = 7; break;
		case 6: dev->flags |= 1U << 20; break;
		case 7: a->flags = 1U << 5; break;
		case 8: dev->name[0] = '\0'; dev->ifindex = 0; break;
		}
		CHECK(wg_netlink_set_device(NULL, dev) == -EINVAL && errno == EINVAL);
		CHECK(kind == 8 || strstr(wg_last_error(), "lo"));
		wg_free_device(dev);
	}
}

static void test_missing(void)
{
	wg_device *dev = NULL;
	struct in_addr a4 = { htonl(0x0a000001) };
	wg_netlink *nl = NULL;

	CHECK(wg_get_device(&dev, "wg-no-such") == -ENODEV && strstr(wg_last_error(), "wg-no-such"));
	CHECK(wg_get_device_by_index(&dev, 0x7ffffff0) == -ENODEV);
	dev = one_peer("wg-no-such");
	CHECK(wg_set_device(dev) == -ENODEV);
	wg_free_device(dev);
	dev = NULL;
	CHECK(wg_get_device(&dev, "lo") == -EOPNOTSUPP && strstr(wg_last_error(), "lo"));
	CHECK(wg_get_device(&dev, "this-name-is-far-too-long") == -EINVAL);
	CHECK(wg_del_device("lo") == -EOPNOTSUPP);	/* only WireGuard links are deleted */
	CHECK(wg_addr_add(NULL, "lo", AF_INET, &a4, 33) == -EINVAL);
	CHECK(wg_addr_add(NULL, "lo", 12345, &a4, 8) == -EINVAL);
	CHECK(wg_route_add(NULL, "wg-no-such", AF_INET, &a4, 8, 0) == -ENODEV);
	CHECK(wg_link_set_mtu(NULL, "lo", 0) == -EINVAL);
	CHECK(wg_link_set_netns(NULL, "lo", -1) == -EBADF);
	CHECK(wg_netlink_open(&nl, 999999) == -EBADF && !nl);
	CHECK(wg_netlink_open(&nl, -1) == 0 && nl);
	CHECK(wg_netlink_get_device(nl, &dev, "wg-no-such") == -ENODEV);
	wg_netlink_close(nl);
	wg_netlink_close(NULL);
	{
		char *names = wg_list_device_names();

		CHECK(names != NULL);
		free(names);
	}
}

/* Entering a namespace needs CAP_SYS_ADMIN: without it, -EPERM and no handle. */
static void test_netns_perm(void)
{
	pid_t pid;
	int st, fd;

	if (geteuid() != 0) {
		printf("not root: skipping the privilege check\n");
		return;
	}
	fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0);
	pid = fork();
	if (pid == 0) {
		wg_netlink *nl = NULL;
		int ret;

		if (setuid(65534) < 0)
			_exit(3);
		ret = wg_netlink_open(&nl, fd);
		_exit(ret == -EPERM && !nl && strstr(wg_last_error(), "namespace") ? 0 : 1);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(fd);
}

static int count(const wg_peer *p)
{
	const wg_allowedip *a;
	int n = 0;

	wg_for_each_allowedip(p, a)
		n++;
	return n;
}

/*
 * What the emulation of per-IP removal sends instead (the kernel path reads
 * the device first; here the state is given: empty, as after REPLACE_PEERS).
 */
static void test_resolver(void)
{
	wg_device *dev = wg_device_new("wgx"), *res = NULL, *empty = wg_device_new("wgx"), *state = NULL;
	wg_peer *p = wg_device_add_peer(dev), *q = wg_device_add_peer(dev);
	char *text;

	dev->flags = WGDEVICE_REPLACE_PEERS;
	p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	p->persistent_keepalive_interval = 5;
	rand_key(p->public_key);
	add_aip(p, AF_INET, "10.0.0.0", 24);
	add_aip(p, AF_INET, "10.0.0.77", 24)->flags = WGALLOWEDIP_REMOVE_ME;	/* same prefix */
	add_aip(p, AF_INET6, "fd00::", 64);
	add_aip(p, AF_INET, "10.1.0.0", 16)->flags = WGALLOWEDIP_REMOVE_ME;	/* absent */
	add_aip(p, AF_INET, "10.2.0.0", 16)->flags = WGALLOWEDIP_REMOVE_ME;
	add_aip(p, AF_INET, "10.2.0.0", 16);				/* re-added after */
	q->flags = WGPEER_HAS_PUBLIC_KEY;
	rand_key(q->public_key);
	add_aip(q, AF_INET, "192.168.0.0", 16);
	CHECK(wg_set_plan_replace_removals(empty, dev, &res) == 0);
	if (res) {
		wg_peer *rp = res->first_peer, *rq = rp ? rp->next_peer : NULL;

		CHECK(rp && rp->flags & WGPEER_REPLACE_ALLOWEDIPS && rp->persistent_keepalive_interval == 5);
		CHECK(rp && count(rp) == 2);
		text = conf_text(res);
		CHECK(strstr(text, "AllowedIPs = fd00::/64, 10.2.0.0/16\n") != NULL);
		free(text);
		/* Peers without removals are passed through as they are. */
		CHECK(rq && count(rq) == 1 && !(rq->flags & WGPEER_REPLACE_ALLOWEDIPS) && !rq->next_peer);
	}
	wg_free_device(res);
	/* The caller's device is not modified. */
	CHECK(count(p) == 6 && !(p->flags & WGPEER_REPLACE_ALLOWEDIPS));

	/* The same peer twice, one with removals: applied in order, as the driver does. */
	memcpy(q->public_key, p->public_key, 32);
	res = NULL;
	CHECK(wg_set_plan_replace_removals(empty, dev, &res) == 0 && res);
	CHECK(wg_device_copy(&state, empty) == 0);
	CHECK(res && wg_device_apply(state, res) == 0);
	text = state ? conf_text(state) : NULL;
	CHECK(text && strstr(text, "AllowedIPs = fd00::/64, 10.2.0.0/16, 192.168.0.0/16\n") != NULL);
	free(text);
	wg_free_device(state);
	wg_free_device(res);
	wg_free_device(empty);
	wg_free_device(dev);
}

/* ---- replies: what the kernel would send, and broken variants ---- */

static uint8_t msgbuf[4096];

static struct nlmsghdr *reply(void)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(msgbuf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = WG_CMD_GET_DEVICE;
	g->version = 1;
	mnl_attr_put_u32(nlh, WGDEVICE_A_IFINDEX, 7);
	mnl_attr_put_strz(nlh, WGDEVICE_A_IFNAME, "wg7");
	return nlh;
}

/* One peer with one allowed IP; `broken` selects what to get wrong. */
static struct nlmsghdr *peer_reply(const wg_key key, uint32_t ip, int broken)
{
	struct nlmsghdr *nlh = reply();
	struct nlattr *peers = mnl_attr_nest_start(nlh, WGDEVICE_A_PEERS);
	struct nlattr *peer = mnl_attr_nest_start(nlh, 0), *aips, *aip;
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(5) };
	uint8_t addr6[16] = { 0xfd };

	if (broken != 1)
		mnl_attr_put(nlh, WGPEER_A_PUBLIC_KEY, broken == 2 ? 31 : 32, key);
	mnl_attr_put(nlh, WGPEER_A_ENDPOINT, broken == 3 ? sizeof(sin) - 1 : sizeof(sin), &sin);
	aips = mnl_attr_nest_start(nlh, WGPEER_A_ALLOWEDIPS);
	aip = mnl_attr_nest_start(nlh, 0);
	mnl_attr_put_u16(nlh, WGALLOWEDIP_A_FAMILY, broken == 4 ? AF_INET6 : AF_INET);
	if (broken == 5)
		mnl_attr_put(nlh, WGALLOWEDIP_A_IPADDR, 16, addr6);
	else
		mnl_attr_put(nlh, WGALLOWEDIP_A_IPADDR, 4, &ip);
	mnl_attr_put_u8(nlh, WGALLOWEDIP_A_CIDR_MASK, broken == 6 ? 33 : 32);
	mnl_attr_nest_end(nlh, aip);
	mnl_attr_nest_end(nlh, aips);
	if (broken == 7)
		mnl_attr_put_u8(nlh, WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL, 1);	/* u16 expected */
	mnl_attr_nest_end(nlh, peer);
	mnl_attr_nest_end(nlh, peers);
	if (broken == 8)	/* a nest whose length runs past the message */
		peers->nla_len = (uint16_t)(peers->nla_len + 64);
	if (broken == 9)
		mnl_attr_put(nlh, WGDEVICE_A_PRIVATE_KEY, 33, msgbuf);
	return nlh;
}

static void test_replies(void)
{
	wg_key k1, k2;
	wg_device *dev = wg_device_new(NULL);
	int n = 0;
	wg_peer *p;

	rand_key(k1);
	rand_key(k2);
	/* A peer split across two messages (same key) is merged; the next is new. */
	CHECK(kernel_parse_device(peer_reply(k1, htonl(0x0a000001), 0), dev) == 0);
	CHECK(kernel_parse_device(peer_reply(k1, htonl(0x0a000002), 0), dev) == 0);
	CHECK(kernel_parse_device(peer_reply(k2, htonl(0x0a000003), 0), dev) == 0);
	wg_for_each_peer(dev, p)
		n++;
	CHECK(n == 2 && !strcmp(dev->name, "wg7") && dev->ifindex == 7);
	CHECK(dev->first_peer && count(dev->first_peer) == 2 && count(dev->last_peer) == 1);
	CHECK(dev->first_peer && dev->first_peer->endpoint.addr4.sin_port == htons(5));
	wg_free_device(dev);

	for (int broken = 1; broken <= 9; broken++) {
		struct nlmsghdr *nlh;
		int ret;

		dev = wg_device_new(NULL);
		nlh = peer_reply(k1, htonl(0x0a000001), broken);
		ret = kernel_parse_device(nlh, dev);
		/* A nest overrunning the message is skipped by libmnl's bounds checks. */
		CHECK(broken == 8 ? ret == 0 || ret == -EPROTO : ret == -EPROTO);
		if (broken != 8 && ret != -EPROTO)
			fprintf(stderr, "broken reply %d parsed: %d\n", broken, ret);
		wg_free_device(dev);
	}
	/* Shorter than its generic netlink header. */
	{
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(msgbuf);

		dev = wg_device_new(NULL);
		CHECK(kernel_parse_device(nlh, dev) == -EPROTO);
		wg_free_device(dev);
	}
}

int main(void)
{
	test_invalid();
	test_missing();
	test_netns_perm();
	test_resolver();
	test_replies();
	return test_done();
}
