// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The managed tunnel's UDP sockets as a phone app needs them (issue #16):
 * the socket hook (Android's VpnService.protect()) sees every socket before
 * it is bound, at creation, after a port change and after wg_tunnel_rebind();
 * a hook error fails that call and changes nothing; and traffic with a peer
 * goes on after a rebind without a new handshake.  The peer is an engine in
 * this process on a loopback socket.  Needs root (a network namespace of its
 * own); skips (77) without it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <wireguard.h>

#include "test.h"
#include "tunnel-test.h"

#define MAX_SEEN 64

/* What the hook saw since the last reset. */
static struct hook_log {
	int fds[MAX_SEEN];
	unsigned n, n4, n6;
	bool bound;		/* a socket was already bound when seen */
	bool wrong_family;	/* family differs from the socket's */
	int fail;		/* what the hook returns */
	unsigned calls;
} seen;

static uint16_t local_port(int fd)
{
	wg_endpoint sa = { 0 };
	socklen_t len = sizeof(sa);

	if (getsockname(fd, &sa.addr, &len) < 0)
		return 0xffff;
	return ntohs(sa.addr.sa_family == AF_INET6 ? sa.addr6.sin6_port : sa.addr4.sin_port);
}

static int hook(int fd, int family, void *ctx)
{
	int domain = -1;
	socklen_t len = sizeof(domain);

	CHECK(ctx == &seen);
	seen.calls++;
	if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != family)
		seen.wrong_family = true;
	if (local_port(fd) != 0)
		seen.bound = true;
	if (seen.fail)
		return seen.fail;
	if (seen.n < MAX_SEEN)
		seen.fds[seen.n++] = fd;
	if (family == AF_INET)
		seen.n4++;
	else
		seen.n6++;
	return 0;
}

static void reset_seen(void)
{
	memset(&seen, 0, sizeof(seen));
}

/* UDP sockets of this namespace bound to port (IPv4 and IPv6). */
static unsigned sockets_on(uint16_t port)
{
	const char *files[] = { "/proc/net/udp", "/proc/net/udp6" };
	unsigned n = 0;

	for (int i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "r");
		char line[512];
		unsigned p;

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x", &p) == 1 && p == port)
				n++;
		fclose(f);
	}
	return n;
}

/* The hook saw every socket of the tunnel, each before its bind, and only those. */
static void check_seen(uint16_t port, unsigned threads)
{
	CHECK(seen.n4 == threads);
	CHECK(seen.n6 == 0 || seen.n6 == threads);
	CHECK(!seen.bound && !seen.wrong_family);
	CHECK(sockets_on(port) == seen.n);
	for (unsigned i = 0; i < seen.n; i++)
		CHECK(local_port(seen.fds[i]) == port);
}

static uint64_t rx_of(wg_tunnel *t)
{
	wg_device *dev;
	uint64_t rx = 0;

	if (wg_tunnel_get_device(t, &dev) == 0) {
		if (dev->first_peer)
			rx = dev->first_peer->rx_bytes;
		wg_free_device(dev);
	}
	return rx;
}

static int set_port(wg_tunnel *t, uint16_t port)
{
	wg_device *dev = wg_device_new(NULL);
	int ret;

	dev->flags = WGDEVICE_HAS_LISTEN_PORT;
	dev->listen_port = port;
	ret = wg_tunnel_set_device(t, dev);
	wg_free_device(dev);
	return ret;
}

/* The peer: an engine on a loopback UDP socket, driven by this thread. */
struct peer_b {
	wg_engine *engine;
	int fd;
	uint16_t port;
};

static void b_send(const struct wg_packet *d, size_t n, void *ctx)
{
	struct peer_b *b = ctx;

	for (size_t i = 0; i < n; i++)
		sendto(b->fd, d[i].buf + d[i].offset, d[i].len, 0, &d[i].endpoint.addr,
		       sizeof(d[i].endpoint.addr4));
}

/* Run b until an authenticated data message (a keepalive) arrives from the
 * tunnel's UDP port `port`, for at most ms milliseconds. */
static bool data_from(struct peer_b *b, uint16_t port, int ms)
{
	static uint8_t buf[2048];

	for (int waited = 0; waited < ms; waited += 20) {
		struct pollfd p = { .fd = b->fd, .events = POLLIN };

		wg_engine_tick(b->engine);
		if (poll(&p, 1, 20) <= 0)
			continue;
		for (;;) {
			struct wg_packet pkt = { .buf = buf, .size = sizeof(buf) };
			socklen_t len = sizeof(pkt.endpoint);
			ssize_t n = recvfrom(b->fd, buf, sizeof(buf), MSG_DONTWAIT, &pkt.endpoint.addr, &len);
			bool data;

			if (n < 0)
				break;
			data = n >= 16 && buf[0] == 4;	/* MESSAGE_DATA */
			pkt.len = (uint32_t)n;
			wg_engine_decrypt(b->engine, &pkt, 1);
			if (data && pkt.status != WG_PACKET_DROP && ntohs(pkt.endpoint.addr4.sin_port) == port)
				return true;
		}
	}
	return false;
}

/* b sends one IPv4 packet through the tunnel to a's inner address. */
static void b_to_a(struct peer_b *b)
{
	static uint8_t buf[WG_PACKET_HEADROOM + 20 + WG_PACKET_TAILROOM];
	uint8_t *ip = buf + WG_PACKET_HEADROOM;
	struct wg_packet pkt = { .buf = buf, .size = sizeof(buf), .offset = WG_PACKET_HEADROOM, .len = 20 };

	memset(buf, 0, sizeof(buf));
	ip[0] = 0x45;
	ip[3] = 20;
	ip[8] = 64;
	ip[9] = 253;	/* experimental protocol: the kernel drops it quietly */
	memcpy(ip + 12, (uint8_t[]){ 10, 99, 0, 2 }, 4);
	memcpy(ip + 16, (uint8_t[]){ 10, 99, 0, 1 }, 4);
	wg_engine_encrypt(b->engine, &pkt, 1);
	CHECK(pkt.status == WG_PACKET_SEND);
	b_send(&pkt, 1, b);
}

/* a's datagrams reach b from `port`, and b's reach a. */
static void traffic(wg_tunnel *a, struct peer_b *b, uint16_t port)
{
	uint64_t rx;

	CHECK(data_from(b, port, 5000));
	rx = rx_of(a);
	b_to_a(b);
	for (int i = 0; i < 100 && rx_of(a) == rx; i++)
		usleep(20000);
	CHECK(rx_of(a) > rx);
}

static int peer_b_new(struct peer_b *b, const wg_key priv_b, const wg_key pub_a)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct wg_engine_options eo = { .size = sizeof(eo), .ctx = b, .send = b_send };
	socklen_t len = sizeof(sa);
	wg_device *dev = wg_device_new(NULL);
	wg_peer *peer = wg_device_add_peer(dev);
	wg_allowedip *aip = wg_peer_add_allowedip(peer);
	int ret;

	b->fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (b->fd < 0 || bind(b->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(b->fd, (struct sockaddr *)&sa, &len) < 0)
		return -errno;
	b->port = ntohs(sa.sin_port);
	ret = wg_engine_new(&b->engine, &eo);
	if (ret < 0)
		return ret;
	dev->flags = WGDEVICE_HAS_PRIVATE_KEY;
	memcpy(dev->private_key, priv_b, sizeof(wg_key));
	peer->flags = WGPEER_HAS_PUBLIC_KEY;
	memcpy(peer->public_key, pub_a, sizeof(wg_key));
	aip->family = AF_INET;
	inet_pton(AF_INET, "10.99.0.1", &aip->ip4);
	aip->cidr = 32;
	ret = wg_engine_set_device(b->engine, dev);
	wg_free_device(dev);
	return ret;
}

/* a: the tunnel's key and peer b at 127.0.0.1, with a keepalive every second. */
static int configure_a(wg_tunnel *a, const wg_key priv_a, const wg_key pub_b, uint16_t b_port)
{
	wg_device *dev = wg_device_new(NULL);
	wg_peer *peer = wg_device_add_peer(dev);
	wg_allowedip *aip = wg_peer_add_allowedip(peer);
	int ret;

	dev->flags = WGDEVICE_HAS_PRIVATE_KEY;
	memcpy(dev->private_key, priv_a, sizeof(wg_key));
	peer->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	memcpy(peer->public_key, pub_b, sizeof(wg_key));
	peer->persistent_keepalive_interval = 1;
	peer->endpoint.addr4.sin_family = AF_INET;
	peer->endpoint.addr4.sin_port = htons(b_port);
	peer->endpoint.addr4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	aip->family = AF_INET;
	inet_pton(AF_INET, "10.99.0.2", &aip->ip4);
	aip->cidr = 32;
	ret = wg_tunnel_set_device(a, dev);
	wg_free_device(dev);
	return ret;
}

static void sockets(void)
{
	struct wg_tunnel_options o = {
		.size = sizeof(o), .ifname = "wgsock0", .tun_fd = -1, .threads = 2,
		.socket = hook, .socket_ctx = &seen,
	};
	wg_key priv_a, pub_a, priv_b, pub_b;
	struct peer_b b = { .fd = -1 };
	wg_tunnel *a = NULL;
	uint16_t port, port2;
	unsigned nsock;

	wg_generate_private_key(priv_a);
	wg_generate_public_key(pub_a, priv_a);
	wg_generate_private_key(priv_b);
	wg_generate_public_key(pub_b, priv_b);
	CHECK(peer_b_new(&b, priv_b, pub_a) == 0);

	/* Creation: the hook sees each socket before its bind. */
	reset_seen();
	CHECK(wg_tunnel_new(&a, &o) == 0);
	if (!a)
		return;
	port = test_tunnel_port(a);
	check_seen(port, 2);
	CHECK(system("ip link set wgsock0 up") == 0);
	CHECK(configure_a(a, priv_a, pub_b, b.port) == 0);
	traffic(a, &b, port);

	/* Rebind: new sockets on the same port, through the hook again; the
	 * old ones are closed; the session goes on. */
	reset_seen();
	CHECK(wg_tunnel_rebind(a) == 0);
	CHECK(test_tunnel_port(a) == port);
	check_seen(port, 2);
	traffic(a, &b, port);

	/* A port change: the hook sees the new port's sockets. */
	port2 = port == 51990 ? 51991 : 51990;
	reset_seen();
	CHECK(set_port(a, port2) == 0);
	CHECK(test_tunnel_port(a) == port2);
	check_seen(port2, 2);
	nsock = seen.n;
	CHECK(sockets_on(port) == 0);
	traffic(a, &b, port2);

	/* The hook refuses: the call fails with its errno, nothing changes. */
	reset_seen();
	seen.fail = -EPERM;
	CHECK(set_port(a, 51992) == -EPERM);
	CHECK(seen.calls == 1 && sockets_on(51992) == 0);
	CHECK(test_tunnel_port(a) == port2 && sockets_on(port2) == nsock);
	seen.calls = 0;
	CHECK(wg_tunnel_rebind(a) == -EPERM);
	CHECK(seen.calls == 1);
	CHECK(test_tunnel_port(a) == port2 && sockets_on(port2) == nsock);
	seen.fail = 5;	/* a positive errno is read as its negative */
	CHECK(wg_tunnel_rebind(a) == -5);
	seen.fail = 0;
	traffic(a, &b, port2);

	wg_tunnel_free(a);
	wg_engine_free(b.engine);
	close(b.fd);

	/* At creation: no tunnel, no interface left behind. */
	reset_seen();
	seen.fail = -EACCES;
	a = NULL;
	CHECK(wg_tunnel_new(&a, &o) == -EACCES && !a);
	CHECK(seen.calls == 1);
	CHECK(if_nametoindex("wgsock0") == 0);
}

/* One lane: its sockets have no SO_REUSEPORT, so the new set can only bind
 * beside the old one because the old one allows it for that moment. */
static void one_lane(void)
{
	struct wg_tunnel_options o = {
		.size = sizeof(o), .ifname = "wgsock1", .tun_fd = -1, .threads = 1,
		.socket = hook, .socket_ctx = &seen,
	};
	struct sockaddr_in sa = { .sin_family = AF_INET };
	wg_tunnel *t = NULL;
	uint16_t port;
	int other;

	reset_seen();
	CHECK(wg_tunnel_new(&t, &o) == 0);
	if (!t)
		return;
	port = test_tunnel_port(t);
	check_seen(port, 1);
	reset_seen();
	CHECK(wg_tunnel_rebind(t) == 0);
	CHECK(test_tunnel_port(t) == port);
	check_seen(port, 1);
	/* Afterwards the port is exclusive again, even to a socket asking reuse. */
	other = socket(AF_INET, SOCK_DGRAM, 0);
	setsockopt(other, SOL_SOCKET, SO_REUSEADDR, &(int){ 1 }, sizeof(int));
	sa.sin_port = htons(port);
	CHECK(bind(other, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno == EADDRINUSE);
	close(other);
	wg_tunnel_free(t);
}

int main(void)
{
	struct wg_tunnel_options o = { .size = sizeof(o), .ifname = "wgprobe0", .tun_fd = -1, .threads = 1 };

	test_tunnel_netns_or_skip(&o);
	CHECK(system("ip link set lo up") == 0);
	sockets();
	one_lane();
	return test_done();
}
