/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the managed tunnel's tests: the in-memory ones of the
 * unit suite (tunnel-io, offload) and the root ones of the interop suite
 * (tunnel-api, tunnel-sockets).
 */
#ifndef WG_TUNNEL_TEST_H
#define WG_TUNNEL_TEST_H

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <wireguard.h>

/*
 * The Internet checksum (RFC 1071) over n bytes, folded, starting from sum.
 * Written again here from the RFC, so that the tests check the library's
 * own (lib/tunnel/offload.c) against an independent one.
 */
static inline uint16_t test_inet_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The tunnel's listen port, or 0 when it cannot be read. */
static inline uint16_t test_tunnel_port(wg_tunnel *t)
{
	wg_device *dev;
	uint16_t port = 0;

	if (wg_tunnel_get_device(t, &dev) == 0) {
		port = dev->listen_port;
		wg_free_device(dev);
	}
	return port;
}

/*
 * Move into a network namespace of our own and check that a tunnel can be
 * made there with options o; exit 77 (meson's "skipped") when not root or
 * when the system has no TUN device.
 */
static inline void test_tunnel_netns_or_skip(const struct wg_tunnel_options *o)
{
	wg_tunnel *t = NULL;
	int ret;

	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0) {
		printf("SKIP: needs root to create a network namespace\n");
		exit(77);
	}
	ret = wg_tunnel_new(&t, o);
	if (ret == -EOPNOTSUPP) {
		printf("SKIP: %s\n", wg_last_error());
		exit(77);
	}
	if (ret < 0) {
		fprintf(stderr, "wg_tunnel_new: %s\n", wg_last_error());
		exit(1);
	}
	wg_tunnel_free(t);
}

#endif
