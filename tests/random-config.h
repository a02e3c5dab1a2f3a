/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Random set-style configurations over small pools of keys, prefixes and
 * endpoints, so that collisions (a prefix moving between peers, a peer with
 * the device's own key, removing what is not there) happen often.  Shared
 * by tests that compare implementations of the set semantics.
 */
#ifndef WG_TEST_RANDOM_CONFIG_H
#define WG_TEST_RANDOM_CONFIG_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "os_net.h"
#include "wireguard.h"

#define RC_KEYS 5

struct rc {
	uint64_t rng;
	wg_key privs[RC_KEYS], pubs[RC_KEYS];
	bool allowedip_removal;	/* may emit WGALLOWEDIP_REMOVE_ME */
};

static inline uint32_t rc_rnd(struct rc *r)
{
	r->rng ^= r->rng << 13;
	r->rng ^= r->rng >> 7;
	r->rng ^= r->rng << 17;
	return (uint32_t)r->rng;
}

static inline void rc_init(struct rc *r, uint64_t seed)
{
	r->rng = seed | 1;
	for (int i = 0; i < RC_KEYS; i++) {
		wg_generate_private_key(r->privs[i]);
		wg_generate_public_key(r->pubs[i], r->privs[i]);
	}
}

static inline void rc_prefix(struct rc *r, wg_allowedip *a)
{
	static const uint8_t c4[] = { 8, 16, 24, 32 }, c6[] = { 48, 64, 128 };

	if (rc_rnd(r) % 2) {
		a->family = AF_INET;
		a->ip4.s_addr = htonl(0x0a000000 | (rc_rnd(r) % 4) << 16 | (rc_rnd(r) % 3) << 8 |
				      (rc_rnd(r) % 3));
		a->cidr = c4[rc_rnd(r) % 4];
	} else {
		a->family = AF_INET6;
		memset(&a->ip6, 0, 16);
		a->ip6.s6_addr[0] = 0xfd;
		a->ip6.s6_addr[7] = (uint8_t)(rc_rnd(r) % 3);
		a->ip6.s6_addr[15] = (uint8_t)(rc_rnd(r) % 3);
		a->cidr = c6[rc_rnd(r) % 3];
	}
}

/* A set with random flags; listen ports are never 0 (a daemon would pick one). */
static inline wg_device *rc_set(struct rc *r, const char *name)
{
	wg_device *d = wg_device_new(name);
	int npeers = (int)(rc_rnd(r) % 5);

	if (rc_rnd(r) % 3 == 0) {
		d->flags |= WGDEVICE_HAS_PRIVATE_KEY;
		if (rc_rnd(r) % 5)
			memcpy(d->private_key, r->privs[rc_rnd(r) % RC_KEYS], 32);
	}
	if (rc_rnd(r) % 3 == 0) {
		d->flags |= WGDEVICE_HAS_LISTEN_PORT;
		d->listen_port = (uint16_t)(40001 + rc_rnd(r) % 3);
	}
	if (rc_rnd(r) % 3 == 0) {
		d->flags |= WGDEVICE_HAS_FWMARK;
		d->fwmark = rc_rnd(r) % 3;
	}
	if (rc_rnd(r) % 6 == 0)
		d->flags |= WGDEVICE_REPLACE_PEERS;
	for (int i = 0; i < npeers; i++) {
		wg_peer *p = wg_device_add_peer(d);
		int nips = (int)(rc_rnd(r) % 4);

		p->flags = WGPEER_HAS_PUBLIC_KEY;
		memcpy(p->public_key, r->pubs[rc_rnd(r) % RC_KEYS], 32);
		if (rc_rnd(r) % 8 == 0)
			p->flags |= WGPEER_REMOVE_ME;
		if (rc_rnd(r) % 4 == 0)
			p->flags |= WGPEER_UPDATE_ONLY;
		if (rc_rnd(r) % 3 == 0)
			p->flags |= WGPEER_REPLACE_ALLOWEDIPS;
		if (rc_rnd(r) % 3 == 0) {
			p->flags |= WGPEER_HAS_PRESHARED_KEY;
			memset(p->preshared_key, (int)(rc_rnd(r) % 3), 32);
		}
		if (rc_rnd(r) % 3 == 0) {
			p->flags |= WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
			p->persistent_keepalive_interval = rc_rnd(r) % 2 ? 25 : 0;
		}
		switch (rc_rnd(r) % 4) {
		case 1:
			p->endpoint.addr4.sin_family = AF_INET;
			p->endpoint.addr4.sin_addr.s_addr = htonl(0xc0000200 | (rc_rnd(r) % 3));
			p->endpoint.addr4.sin_port = htons((uint16_t)(1 + rc_rnd(r) % 2));
			break;
		case 2:
			p->endpoint.addr6.sin6_family = AF_INET6;
			p->endpoint.addr6.sin6_addr.s6_addr[0] = 0x20;
			p->endpoint.addr6.sin6_addr.s6_addr[1] = 0x01;
			p->endpoint.addr6.sin6_addr.s6_addr[2] = 0x0d;
			p->endpoint.addr6.sin6_addr.s6_addr[3] = 0xb8;
			p->endpoint.addr6.sin6_addr.s6_addr[15] = (uint8_t)(rc_rnd(r) % 3);
			p->endpoint.addr6.sin6_port = htons(7);
			break;
		}
		for (int j = 0; j < nips; j++) {
			wg_allowedip *a = wg_peer_add_allowedip(p);

			rc_prefix(r, a);
			if (r->allowedip_removal && rc_rnd(r) % 4 == 0)
				a->flags = WGALLOWEDIP_REMOVE_ME;
		}
	}
	return d;
}

/*
 * Sometimes (one set in eight) make a set invalid the way callers get it
 * wrong: a peer without WGPEER_HAS_PUBLIC_KEY, an unknown peer or device
 * flag.  Returns the error every backend must give for it (0 or -EINVAL).
 */
static inline int rc_spoil(struct rc *r, wg_device *set)
{
	wg_peer *p = set->last_peer;

	if (!p || rc_rnd(r) % 8)
		return 0;
	switch (rc_rnd(r) % 3) {
	case 0:
		p->flags &= ~(uint32_t)WGPEER_HAS_PUBLIC_KEY;
		break;
	case 1:
		p->flags |= 1U << 12;
		break;
	default:
		set->flags |= 1U << 9;
		break;
	}
	return -EINVAL;
}

/*
 * Whether a backend's state after a set (got) equals the in-memory model's,
 * in canonical form; prints the three configurations when not.  got is
 * canonicalized in place.
 */
static inline bool rc_agrees(const wg_device *set, wg_device *got, const wg_device *model, const char *backend)
{
	wg_device *want = NULL;
	bool same;

	if (!got || wg_device_copy(&want, model) < 0 || !want)
		return false;
	wg_device_canonicalize(got);
	wg_device_canonicalize(want);
	same = wg_device_equal(got, want);
	if (!same) {
		char *a = NULL, *b = NULL, *c = NULL;

		wg_config_format(&a, set, NULL);
		wg_config_format(&b, got, NULL);
		wg_config_format(&c, want, NULL);
		fprintf(stderr, "set:\n%s\n%s:\n%s\nmodel:\n%s\n", a, backend, b, c);
		free(a), free(b), free(c);
	}
	wg_free_device(want);
	return same;
}

#endif
