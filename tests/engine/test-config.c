// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wg_engine_set_device / wg_engine_get_device with the kernel's semantics:
 * replace peers, update-only, remove, replace allowed IPs, per-IP removal,
 * prefix moves, invalid input changing nothing.
 */
#include <errno.h>

#include "sim.h"

static void noop_send(const struct wg_packet *p, size_t n, void *ctx)
{
	(void)p;
	(void)n;
	(void)ctx;
}

static wg_peer *add_peer(wg_device *dev, const wg_key key, uint32_t flags)
{
	wg_peer *p = wg_device_add_peer(dev);

	p->flags = WGPEER_HAS_PUBLIC_KEY | flags;
	memcpy(p->public_key, key, sizeof(wg_key));
	return p;
}

static wg_allowedip *add_ip(wg_peer *p, const char *ip, uint8_t cidr, uint32_t flags)
{
	wg_allowedip *a = wg_peer_add_allowedip(p);

	a->family = strchr(ip, ':') ? AF_INET6 : AF_INET;
	inet_pton(a->family, ip, a->family == AF_INET ? (void *)&a->ip4 : (void *)&a->ip6);
	a->cidr = cidr;
	a->flags = flags;
	return a;
}

static int apply(wg_engine *e, wg_device *dev)
{
	int ret = wg_engine_set_device(e, dev);

	wg_free_device(dev);
	return ret;
}

static wg_peer *find_peer(wg_device *dev, const wg_key key)
{
	wg_peer *p;

	wg_for_each_peer(dev, p)
		if (wg_key_equal(p->public_key, key))
			return p;
	return NULL;
}

static size_t count_peers(wg_device *dev)
{
	size_t n = 0;
	wg_peer *p;

	wg_for_each_peer(dev, p)
		n++;
	return n;
}

/* The allowed IPs of a peer as "a/n b/n ..." sorted, for easy comparison. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void ips_of(wg_peer *p, char *out, size_t size)
{
	char buf[64][64], *ptr[64];
	size_t n = 0;
	wg_allowedip *a;

	out[0] = 0;
	if (!p)
		return;
	wg_for_each_allowedip(p, a) {
		char ip[INET6_ADDRSTRLEN];

		inet_ntop(a->family, a->family == AF_INET ? (void *)&a->ip4 : (void *)&a->ip6, ip, sizeof(ip));
		snprintf(buf[n], sizeof(buf[n]), "%s/%u", ip, a->cidr);
		ptr[n] = buf[n];
		n++;
	}
	qsort(ptr, n, sizeof(ptr[0]), cmp_str);
	for (size_t i = 0; i < n; i++) {
		strncat(out, ptr[i], size - strlen(out) - 1);
		if (i + 1 < n)
			strncat(out, " ", size - strlen(out) - 1);
	}
}

static void check_ips(wg_engine *e, const wg_key key, const char *want)
{
	wg_device *dev;
	char got[1024];

	CHECK(wg_engine_get_device(e, &dev) == 0);
	ips_of(find_peer(dev, key), got, sizeof(got));
	if (strcmp(got, want)) {
		fprintf(stderr, "allowed IPs: got '%s', want '%s'\n", got, want);
		CHECK(0);
	} else {
		CHECK(1);
	}
	wg_free_device(dev);
}

int main(void)
{
	struct wg_engine_options o = { .size = sizeof(o), .send = noop_send };
	wg_key priv, pub, k1, k2, k3, psk, zero = { 0 };
	wg_engine *e;
	wg_device *dev, *before;
	wg_peer *p;

	/* Options are checked. */
	struct wg_engine_options bad = o;
	bad.send = NULL;
	CHECK(wg_engine_new(&e, &bad) == -EINVAL);
	bad = o;
	bad.size = 8;
	CHECK(wg_engine_new(&e, &bad) == -EINVAL);
	bad = o;
	bad.mtu = 20;
	CHECK(wg_engine_new(&e, &bad) == -EINVAL);
	CHECK(wg_engine_new(&e, &o) == 0);

	/* An empty engine. */
	CHECK(wg_engine_get_device(e, &dev) == 0);
	CHECK(!dev->first_peer && !(dev->flags & WGDEVICE_HAS_PRIVATE_KEY));
	wg_free_device(dev);

	wg_generate_private_key(priv);
	wg_generate_public_key(pub, priv);
	wg_generate_private_key(k1);
	wg_generate_private_key(k2);
	wg_generate_private_key(k3);
	wg_generate_preshared_key(psk);

	/* Device keys, port, fwmark; peers with allowed IPs (host bits masked on read). */
	dev = wg_device_new("ignored");
	dev->flags = WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK;
	memcpy(dev->private_key, priv, sizeof(wg_key));
	dev->listen_port = 51820;
	dev->fwmark = 42;
	p = add_peer(dev, k1, WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL);
	memcpy(p->preshared_key, psk, sizeof(wg_key));
	p->persistent_keepalive_interval = 25;
	p->endpoint.addr6.sin6_family = AF_INET6;
	p->endpoint.addr6.sin6_port = htons(1234);
	inet_pton(AF_INET6, "2001:db8::1", &p->endpoint.addr6.sin6_addr);
	add_ip(p, "10.1.0.5", 24, 0);
	add_ip(p, "fd00::1:2", 64, 0);
	p = add_peer(dev, k2, 0);
	add_ip(p, "10.2.0.0", 16, 0);
	add_ip(p, "0.0.0.0", 0, 0);
	CHECK(apply(e, dev) == 0);

	CHECK(wg_engine_get_device(e, &dev) == 0);
	CHECK(wg_key_equal(dev->public_key, pub));
	CHECK(dev->listen_port == 51820 && dev->fwmark == 42);
	CHECK(count_peers(dev) == 2);
	CHECK(dev->first_peer && wg_key_equal(dev->first_peer->public_key, k1));	/* creation order */
	p = find_peer(dev, k1);
	CHECK(p && wg_key_equal(p->preshared_key, psk));
	CHECK(p && p->persistent_keepalive_interval == 25);
	CHECK(p && p->endpoint.addr.sa_family == AF_INET6 && p->endpoint.addr6.sin6_port == htons(1234));
	CHECK(p && p->rx_bytes == 0 && p->last_handshake_time.tv_sec == 0);
	/* Turning the persistent keepalive on started a handshake at once. */
	CHECK(p && p->tx_bytes == 148);
	wg_free_device(dev);
	check_ips(e, k1, "10.1.0.0/24 fd00::/64");
	check_ips(e, k2, "0.0.0.0/0 10.2.0.0/16");

	/* Adding a prefix another peer owns moves it. */
	dev = wg_device_new(NULL);
	add_ip(add_peer(dev, k2, 0), "10.1.0.0", 24, 0);
	CHECK(apply(e, dev) == 0);
	check_ips(e, k1, "fd00::/64");
	check_ips(e, k2, "0.0.0.0/0 10.1.0.0/24 10.2.0.0/16");

	/* Per-IP removal, only from the owner. */
	dev = wg_device_new(NULL);
	add_ip(add_peer(dev, k1, 0), "10.2.0.0", 16, WGALLOWEDIP_REMOVE_ME);
	add_ip(add_peer(dev, k2, 0), "0.0.0.0", 0, WGALLOWEDIP_REMOVE_ME);
	CHECK(apply(e, dev) == 0);
	check_ips(e, k2, "10.1.0.0/24 10.2.0.0/16");

	/* Replace allowed IPs. */
	dev = wg_device_new(NULL);
	add_ip(add_peer(dev, k2, WGPEER_REPLACE_ALLOWEDIPS), "192.168.0.0", 16, 0);
	CHECK(apply(e, dev) == 0);
	check_ips(e, k2, "192.168.0.0/16");
	dev = wg_device_new(NULL);
	add_peer(dev, k2, WGPEER_REPLACE_ALLOWEDIPS);
	CHECK(apply(e, dev) == 0);
	check_ips(e, k2, "");

	/* Update-only never creates; it does update. */
	dev = wg_device_new(NULL);
	add_ip(add_peer(dev, k3, WGPEER_UPDATE_ONLY), "10.3.0.0", 16, 0);
	p = add_peer(dev, k1, WGPEER_UPDATE_ONLY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL);
	p->persistent_keepalive_interval = 0;
	CHECK(apply(e, dev) == 0);
	CHECK(wg_engine_get_device(e, &dev) == 0);
	CHECK(count_peers(dev) == 2 && !find_peer(dev, k3));
	CHECK(find_peer(dev, k1) && find_peer(dev, k1)->persistent_keepalive_interval == 0);
	/* Unflagged fields keep their values. */
	CHECK(find_peer(dev, k1) && wg_key_equal(find_peer(dev, k1)->preshared_key, psk));
	wg_free_device(dev);

	/* Invalid input: an error, and nothing changes, not even the valid parts. */
	CHECK(wg_engine_get_device(e, &before) == 0);
	dev = wg_device_new(NULL);
	dev->flags = WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_REPLACE_PEERS;
	dev->listen_port = 1;
	add_ip(add_peer(dev, k3, 0), "10.9.0.0", 16, 0);
	add_ip(add_peer(dev, k1, 0), "10.0.0.0", 33, 0);
	CHECK(apply(e, dev) == -EINVAL);
	dev = wg_device_new(NULL);
	p = add_peer(dev, k3, 0);
	p->endpoint.addr.sa_family = AF_UNIX;
	CHECK(apply(e, dev) == -EINVAL);
	dev = wg_device_new(NULL);
	add_ip(add_peer(dev, k3, 0), "fd00::", 129, 0);
	CHECK(apply(e, dev) == -EINVAL);
	CHECK(wg_engine_get_device(e, &dev) == 0);
	CHECK(dev->listen_port == before->listen_port && count_peers(dev) == count_peers(before));
	CHECK(!find_peer(dev, k3));
	wg_free_device(dev);
	wg_free_device(before);

	/* A peer with the device's own public key is ignored. */
	dev = wg_device_new(NULL);
	add_peer(dev, pub, 0);
	CHECK(apply(e, dev) == 0);
	CHECK(wg_engine_get_device(e, &dev) == 0);
	CHECK(count_peers(dev) == 2 && !find_peer(dev, pub));
	wg_free_device(dev);

	/* Removing a peer takes its allowed IPs with it. */
	dev = wg_device_new(NULL);
	add_ip(add_peer(dev, k3, 0), "10.3.0.0", 16, 0);
	add_peer(dev, k1, WGPEER_REMOVE_ME);
	CHECK(apply(e, dev) == 0);
	CHECK(wg_engine_get_device(e, &dev) == 0);
	CHECK(count_peers(dev) == 2 && !find_peer(dev, k1) && find_peer(dev, k3));
	wg_free_device(dev);

	/* A new private key whose public key is a peer's removes that peer. */
	dev = wg_device_new(NULL);
	dev->flags = WGDEVICE_HAS_PRIVATE_KEY;
	memcpy(dev->private_key, k3, sizeof(wg_key));
	CHECK(apply(e, dev) == 0);
	wg_key k3pub;
	wg_generate_public_key(k3pub, k3);
	dev = wg_device_new(NULL);
	add_peer(dev, k3pub, 0);
	CHECK(apply(e, dev) == 0);	/* now the device's own key: ignored */
	CHECK(wg_engine_get_device(e, &dev) == 0);
	CHECK(wg_key_equal(dev->public_key, k3pub));
	CHECK(count_peers(dev) == 2 && !find_peer(dev, k3pub));
	wg_free_device(dev);

	/* Replace peers; a zero private key removes the identity. */
	dev = wg_device_new(NULL);
	dev->flags = WGDEVICE_REPLACE_PEERS | WGDEVICE_HAS_PRIVATE_KEY;
	memcpy(dev->private_key, zero, sizeof(wg_key));
	add_peer(dev, k2, 0);
	CHECK(apply(e, dev) == 0);
	CHECK(wg_engine_get_device(e, &dev) == 0);
	CHECK(count_peers(dev) == 1 && find_peer(dev, k2));
	CHECK(!(dev->flags & WGDEVICE_HAS_PRIVATE_KEY));
	check_ips(e, k2, "");
	wg_free_device(dev);

	/* Many peers: set and read back. */
	dev = wg_device_new(NULL);
	dev->flags = WGDEVICE_REPLACE_PEERS;
	for (int i = 0; i < 2000; i++) {
		wg_key k;
		char ip[32];

		wg_generate_private_key(k);
		p = add_peer(dev, k, 0);
		snprintf(ip, sizeof(ip), "10.%d.%d.0", i / 256, i % 256);
		add_ip(p, ip, 24, 0);
	}
	CHECK(apply(e, dev) == 0);
	CHECK(wg_engine_get_device(e, &dev) == 0);
	CHECK(count_peers(dev) == 2000);
	size_t ips = 0;
	wg_for_each_peer(dev, p) {
		wg_allowedip *a;

		wg_for_each_allowedip(p, a)
			ips++;
	}
	CHECK(ips == 2000);
	wg_free_device(dev);

	wg_engine_free(e);
	wg_engine_free(NULL);
	return test_done();
}
