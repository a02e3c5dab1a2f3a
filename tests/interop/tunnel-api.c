// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The managed engine's C API in a network namespace of its own: options,
 * a created and an attached TUN, listen port and fwmark changes (a failing
 * change changes nothing), the UAPI socket's mode, and noticing that the
 * interface was deleted.  Needs root; skips (77) without it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <wireguard.h>

#include "test.h"
#include "tunnel-test.h"

static struct wg_tunnel_options opts(const char *name)
{
	struct wg_tunnel_options o = { .size = sizeof(o), .ifname = name, .tun_fd = -1, .threads = 2 };

	return o;
}

static int set_port(wg_tunnel *t, uint16_t port, bool bad_peer)
{
	wg_device *dev = wg_device_new(NULL);
	int ret;

	dev->flags = WGDEVICE_HAS_LISTEN_PORT;
	dev->listen_port = port;
	if (bad_peer) {
		wg_peer *peer = wg_device_add_peer(dev);
		wg_allowedip *aip = wg_peer_add_allowedip(peer);

		peer->flags = WGPEER_HAS_PUBLIC_KEY;
		wg_generate_private_key(peer->public_key);
		aip->family = AF_INET;
		aip->cidr = 40;	/* longer than IPv4 allows */
	}
	ret = wg_tunnel_set_device(t, dev);
	wg_free_device(dev);
	return ret;
}

static void options(void)
{
	struct wg_tunnel_options o = opts("wgx0");
	wg_tunnel *t = NULL;

	o.size = 0;
	CHECK(wg_tunnel_new(&t, &o) == -EINVAL);
	o = opts(NULL);
	CHECK(wg_tunnel_new(&t, &o) == -EINVAL);
	o = opts("wgx0");
	o.threads = 1000;
	CHECK(wg_tunnel_new(&t, &o) == -EINVAL);
	o = opts("wgx0");
	o.flags = 1U << 31;
	CHECK(wg_tunnel_new(&t, &o) == -EINVAL);
	o = opts("lo");	/* exists, and is no TUN */
	CHECK(wg_tunnel_new(&t, &o) == -EBUSY);
}

static void ports(void)
{
	struct wg_tunnel_options o = opts("wgapi%d");
	wg_device *dev;
	wg_tunnel *t = NULL;
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(52000) };
	int busy;

	o.fwmark = 7;
	CHECK(wg_tunnel_new(&t, &o) == 0);
	if (!t)
		return;
	CHECK(!strncmp(wg_tunnel_name(t), "wgapi", 5) && wg_tunnel_name(t)[5] >= '0');
	CHECK(test_tunnel_port(t) != 0);	/* a random port */
	CHECK(set_port(t, 51999, false) == 0);
	CHECK(test_tunnel_port(t) == 51999);
	/* The engine refuses the peer: the new port must not stay. */
	CHECK(set_port(t, 51998, true) == -EINVAL);
	CHECK(test_tunnel_port(t) == 51999);
	/* A taken port is refused, and nothing changes. */
	busy = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(bind(busy, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CHECK(set_port(t, 52000, false) == -EADDRINUSE);
	CHECK(test_tunnel_port(t) == 51999);
	close(busy);
	CHECK(wg_tunnel_get_device(t, &dev) == 0);
	CHECK(dev->fwmark == 7 && (dev->flags & WGDEVICE_HAS_FWMARK));
	CHECK(!strcmp(dev->name, wg_tunnel_name(t)));
	wg_free_device(dev);
	wg_tunnel_free(t);
}

static void attach_fd(void)
{
	struct ifreq ifr = { .ifr_flags = IFF_TUN | IFF_NO_PI };
	struct wg_tunnel_options o = opts(NULL);
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	wg_tunnel *t = NULL;

	strcpy(ifr.ifr_name, "wgfd0");
	CHECK(fd >= 0 && ioctl(fd, TUNSETIFF, &ifr) == 0);
	o.tun_fd = fd;
	CHECK(wg_tunnel_new(&t, &o) == 0);
	if (!t)
		return;
	CHECK(!strcmp(wg_tunnel_name(t), "wgfd0"));
	wg_tunnel_free(t);	/* closes fd, which deletes the interface */
	CHECK(if_nametoindex("wgfd0") == 0);
}

static void deleted(void)
{
	struct wg_tunnel_options o = opts("wgdel0");
	struct pollfd pfd = { .events = POLLIN };
	struct stat st;
	wg_tunnel *t = NULL;

	o.flags = WG_TUNNEL_UAPI;
	CHECK(wg_tunnel_new(&t, &o) == 0);
	if (!t)
		return;
	CHECK(stat("/var/run/wireguard/wgdel0.sock", &st) == 0 && (st.st_mode & 0777) == 0600);
	pfd.fd = wg_tunnel_stopped_fd(t);
	CHECK(poll(&pfd, 1, 0) == 0);
	CHECK(system("ip link del wgdel0") == 0);
	CHECK(poll(&pfd, 1, 5000) == 1);
	wg_tunnel_free(t);
	CHECK(stat("/var/run/wireguard/wgdel0.sock", &st) < 0);
}

int main(void)
{
	struct wg_tunnel_options o = opts("wgprobe0");

	test_tunnel_netns_or_skip(&o);
	options();
	ports();
	attach_fd();
	deleted();
	return test_done();
}
