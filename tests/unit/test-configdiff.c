// SPDX-License-Identifier: LGPL-2.1-or-later
/* Canonical form, in-memory apply (driver semantics) and diff. */
#include <errno.h>
#include <time.h>

#include "os_net.h"
#include "random-config.h"
#include "test.h"
#include "wireguard.h"

static uint64_t rng = 0x243f6a8885a308d3ULL;
static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static wg_key privs[3], pubs[3], peer_keys[8];

static void setup_keys(void)
{
	for (int i = 0; i < 3; i++) {
		memset(privs[i], 0x11 * (i + 1), 32);
		privs[i][0] &= 248;	/* clamped already, so states compare as given */
		privs[i][31] = (privs[i][31] & 127) | 64;
		wg_generate_public_key(pubs[i], privs[i]);
	}
	for (int i = 0; i < 8; i++)
		memset(peer_keys[i], 0xa0 + i, 32);
	/* Two peer keys collide with device keys: exercises self-peer rules. */
	memcpy(peer_keys[6], pubs[1], 32);
	memcpy(peer_keys[7], pubs[2], 32);
}

static void random_prefix(wg_allowedip *a)
{
	if (rnd() % 2) {
		static const uint8_t cidrs[] = { 8, 16, 24, 32 };

		a->family = AF_INET;
		a->ip4.s_addr = htonl(0x0a000000 | (rnd() % 4) << 16 | (rnd() % 3) << 8 | (rnd() % 3));
		a->cidr = cidrs[rnd() % 4];
	} else {
		static const uint8_t cidrs[] = { 48, 64, 128 };

		a->family = AF_INET6;
		memset(&a->ip6, 0, 16);
		a->ip6.s6_addr[0] = 0xfd;
		a->ip6.s6_addr[5] = (uint8_t)(rnd() % 3);
		a->ip6.s6_addr[15] = (uint8_t)(rnd() % 3);
		a->cidr = cidrs[rnd() % 3];
	}
}

static wg_device *random_state(void)
{
	wg_device *dev = wg_device_new("wgx");
	int npeers = (int)(rnd() % 7);

	if (rnd() % 4)
		memcpy(dev->private_key, privs[rnd() % 3], 32);
	dev->listen_port = (uint16_t)(rnd() % 3 * 1000);
	dev->fwmark = rnd() % 2;
	for (int i = 0; i < npeers; i++) {
		wg_peer *p = wg_device_add_peer(dev);
		int nips = (int)(rnd() % 5);

		memcpy(p->public_key, peer_keys[rnd() % 8], 32);
		if (rnd() % 2)
			memset(p->preshared_key, 1 + (int)(rnd() % 2), 32);
		switch (rnd() % 3) {
		case 1:
			p->endpoint.addr4.sin_family = AF_INET;
			p->endpoint.addr4.sin_addr.s_addr = htonl(0xc0000200 | (rnd() % 3));
			p->endpoint.addr4.sin_port = htons((uint16_t)(1 + rnd() % 2));
			break;
		case 2:
			p->endpoint.addr6.sin6_family = AF_INET6;
			p->endpoint.addr6.sin6_addr.s6_addr[0] = 0x20;
			p->endpoint.addr6.sin6_addr.s6_addr[15] = (uint8_t)(rnd() % 3);
			p->endpoint.addr6.sin6_port = htons(7);
			break;
		}
		p->persistent_keepalive_interval = rnd() % 3 ? 0 : 25;
		for (int j = 0; j < nips; j++)
			random_prefix(wg_peer_add_allowedip(p));
	}
	return dev;
}

static size_t npeers(const wg_device *d)
{
	const wg_peer *p;
	size_t n = 0;

	wg_for_each_peer(d, p)
		n++;
	return n;
}

static const wg_peer *find_peer(const wg_device *d, const wg_key k)
{
	const wg_peer *p;

	wg_for_each_peer(d, p)
		if (!memcmp(p->public_key, k, 32))
			return p;
	return NULL;
}

static bool sorted(const wg_device *d)
{
	const wg_peer *p;

	wg_for_each_peer(d, p)
		if (p->next_peer && memcmp(p->public_key, p->next_peer->public_key, 32) >= 0)
			return false;
	return true;
}

static void test_random(void)
{
	int ok = 0, empty_ok = 0, idem = 0;
	const int iters = 1000;

	for (int it = 0; it < iters; it++) {
		wg_device *a = random_state(), *b = random_state(), *ca = NULL, *cb = NULL;

		wg_device_copy(&ca, a);
		wg_device_copy(&cb, b);
		CHECK(wg_device_canonicalize(ca) == 0 && wg_device_canonicalize(cb) == 0);
		{
			wg_device *again = NULL;

			wg_device_copy(&again, cb);
			wg_device_canonicalize(again);
			idem += wg_device_equal(again, cb) && sorted(cb);
			wg_free_device(again);
		}
		for (uint32_t mode = 0; mode <= WG_DIFF_REMOVE_ALLOWEDIPS; mode++) {
			wg_device *d = NULL, *s = NULL, *want = NULL, *none = NULL;
			wg_peer *q;

			CHECK(wg_device_diff(&d, a, b, mode) == 0);
			wg_device_copy(&s, ca);
			CHECK(wg_device_apply(s, d) == 0);
			CHECK(wg_device_canonicalize(s) == 0);
			/* Endpoints are never cleared: the wanted state keeps old ones. */
			wg_device_copy(&want, cb);
			wg_for_each_peer(want, q) {
				const wg_peer *old = find_peer(ca, q->public_key);

				if (!q->endpoint.addr.sa_family && old)
					q->endpoint = old->endpoint;
			}
			ok += wg_device_equal(s, want);
			if (!wg_device_equal(s, want)) {
				char *t1, *t2, *t3, *t4;

				wg_config_format(&t1, ca, NULL);
				wg_config_format(&t2, d, NULL);
				wg_config_format(&t3, s, NULL);
				wg_config_format(&t4, want, NULL);
				fprintf(stderr, "mode %u\nA:\n%s\nDIFF:\n%s\nGOT:\n%s\nWANT:\n%s\n", mode,
					t1, t2, t3, t4);
				free(t1), free(t2), free(t3), free(t4);
			}
			/* The diff of a state to itself is empty. */
			CHECK(wg_device_diff(&none, want, want, mode) == 0);
			empty_ok += none && !none->flags && !none->first_peer;
			wg_free_device(none);
			wg_free_device(want);
			wg_free_device(s);
			wg_free_device(d);
		}
		wg_free_device(a);
		wg_free_device(b);
		wg_free_device(ca);
		wg_free_device(cb);
	}
	fprintf(stderr, "random: %d/%d applied diffs reach the target\n", ok, 2 * iters);
	CHECK(ok == 2 * iters);
	CHECK(empty_ok == 2 * iters);
	CHECK(idem == iters);
}

static wg_allowedip *add_ip(wg_peer *p, const char *ip, uint8_t cidr)
{
	wg_allowedip *a = wg_peer_add_allowedip(p);

	if (strchr(ip, ':')) {
		a->family = AF_INET6;
		inet_pton(AF_INET6, ip, &a->ip6);
	} else {
		a->family = AF_INET;
		inet_pton(AF_INET, ip, &a->ip4);
	}
	a->cidr = cidr;
	return a;
}

static wg_peer *add_peer(wg_device *d, int key)
{
	wg_peer *p = wg_device_add_peer(d);

	memcpy(p->public_key, peer_keys[key], 32);
	p->flags = WGPEER_HAS_PUBLIC_KEY;
	return p;
}

static size_t nips(const wg_peer *p)
{
	const wg_allowedip *a;
	size_t n = 0;

	wg_for_each_allowedip(p, a)
		n++;
	return n;
}

/* Variants of one small state, built from scratch for each case. */
enum { BASE, LOSE_V4, MOVE, DROP_PEER, KEEPALIVE, GAIN };
static wg_device *base(int variant)
{
	wg_device *d = wg_device_new("wg0");
	wg_peer *p0 = add_peer(d, 0), *p1 = add_peer(d, 1), *p2 = NULL;

	if (variant != DROP_PEER)
		p2 = add_peer(d, 2);
	add_ip(p0, "10.0.0.0", 24);
	if (variant != LOSE_V4)
		add_ip(p1, "10.0.1.0", 24);
	add_ip(p1, "fd00::", 64);
	if (p2)
		add_ip(p2, "10.0.2.0", 24);
	if (variant == MOVE)
		add_ip(p2, "10.0.0.0", 24);
	if (variant == GAIN)
		add_ip(p0, "10.9.0.0", 16);
	if (variant == KEEPALIVE)
		p1->persistent_keepalive_interval = 25;
	if (variant == DROP_PEER)
		d->listen_port = 9;
	return d;
}

/* Small, hand-checked diffs: exactly what changed and nothing else. */
static void test_minimal(void)
{
	wg_device *a = base(BASE), *b, *d;

	b = base(KEEPALIVE);
	CHECK(wg_device_diff(&d, a, b, 0) == 0);
	CHECK(!d->flags && npeers(d) == 1 && !strcmp(d->name, "wg0"));
	CHECK(d->first_peer->flags == (WGPEER_HAS_PUBLIC_KEY | WGPEER_UPDATE_ONLY |
				       WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL));
	CHECK(!memcmp(d->first_peer->public_key, peer_keys[1], 32) && !d->first_peer->first_allowedip);
	wg_free_device(d);
	wg_free_device(b);

	/* Gain a prefix: one add, no replace. */
	b = base(GAIN);
	CHECK(wg_device_diff(&d, a, b, 0) == 0);
	CHECK(npeers(d) == 1 && d->first_peer->flags == (WGPEER_HAS_PUBLIC_KEY | WGPEER_UPDATE_ONLY));
	CHECK(nips(d->first_peer) == 1 && d->first_peer->first_allowedip->cidr == 16 &&
	      !d->first_peer->first_allowedip->flags);
	wg_free_device(d);
	wg_free_device(b);

	/* Lose one: replace with the whole remaining list, or one REMOVE_ME. */
	b = base(LOSE_V4);
	CHECK(wg_device_diff(&d, a, b, 0) == 0);
	CHECK(npeers(d) == 1 && (d->first_peer->flags & WGPEER_REPLACE_ALLOWEDIPS) &&
	      nips(d->first_peer) == 1 && d->first_peer->first_allowedip->family == AF_INET6);
	wg_free_device(d);
	CHECK(wg_device_diff(&d, a, b, WG_DIFF_REMOVE_ALLOWEDIPS) == 0);
	CHECK(npeers(d) == 1 && !(d->first_peer->flags & WGPEER_REPLACE_ALLOWEDIPS) &&
	      nips(d->first_peer) == 1 && d->first_peer->first_allowedip->family == AF_INET &&
	      d->first_peer->first_allowedip->flags == WGALLOWEDIP_REMOVE_ME);
	wg_free_device(d);
	wg_free_device(b);

	/* Move a prefix: only the gaining peer appears. */
	b = base(MOVE);
	CHECK(wg_device_diff(&d, a, b, 0) == 0);
	CHECK(npeers(d) == 1 && !memcmp(d->first_peer->public_key, peer_keys[2], 32) &&
	      nips(d->first_peer) == 1);
	wg_free_device(d);
	wg_free_device(b);

	/* Remove a peer; change the port. */
	b = base(DROP_PEER);
	CHECK(wg_device_diff(&d, a, b, 0) == 0);
	CHECK(d->flags == WGDEVICE_HAS_LISTEN_PORT && d->listen_port == 9 && npeers(d) == 1 &&
	      d->first_peer->flags == (WGPEER_HAS_PUBLIC_KEY | WGPEER_REMOVE_ME));
	wg_free_device(d);
	wg_free_device(b);
	wg_free_device(a);
}

/* The driver's rules, one by one. */
static void test_apply_rules(void)
{
	wg_device *s = wg_device_new("wg0"), *set = wg_device_new("wg0");
	wg_peer *p;
	char *before, *after;

	/* UPDATE_ONLY never creates. */
	p = add_peer(set, 0);
	p->flags |= WGPEER_UPDATE_ONLY;
	CHECK(wg_device_apply(s, set) == 0 && npeers(s) == 0);
	p->flags &= ~(uint32_t)WGPEER_UPDATE_ONLY;
	add_ip(p, "10.1.2.3", 8);
	CHECK(wg_device_apply(s, set) == 0 && npeers(s) == 1);
	CHECK(s->first_peer->first_allowedip->ip4.s_addr == htonl(0x0a000000));	/* masked */
	s->first_peer->rx_bytes = 77;

	/* A peer with the device's own key is ignored; setting the key drops one. */
	wg_free_device(set);
	set = wg_device_new(NULL);
	set->flags = WGDEVICE_HAS_PRIVATE_KEY;
	memcpy(set->private_key, privs[0], 32);
	memcpy(add_peer(set, 1)->public_key, pubs[0], 32);
	CHECK(wg_device_apply(s, set) == 0 && npeers(s) == 1 && s->first_peer->rx_bytes == 77);
	CHECK(wg_key_equal(s->public_key, pubs[0]));
	wg_free_device(set);
	set = wg_device_new(NULL);
	set->flags = WGDEVICE_HAS_PRIVATE_KEY;
	memcpy(set->private_key, privs[1], 32);
	set->private_key[0] |= 7;	/* unclamped: stored clamped */
	CHECK(wg_device_apply(s, set) == 0 && wg_key_equal(s->private_key, privs[1]));
	wg_free_device(set);
	set = wg_device_new(NULL);
	memcpy(add_peer(set, 1)->public_key, pubs[2], 32);
	CHECK(wg_device_apply(s, set) == 0 && npeers(s) == 2);
	wg_free_device(set);
	set = wg_device_new(NULL);
	set->flags = WGDEVICE_HAS_PRIVATE_KEY;
	memcpy(set->private_key, privs[2], 32);
	CHECK(wg_device_apply(s, set) == 0 && npeers(s) == 1);

	/* REMOVE_ME of another peer's prefix does nothing; a plain add moves it. */
	wg_free_device(set);
	set = wg_device_new(NULL);
	add_ip(add_peer(set, 3), "10.0.0.0", 8)->flags = WGALLOWEDIP_REMOVE_ME;
	CHECK(wg_device_apply(s, set) == 0 && npeers(s) == 2 && nips(s->first_peer) == 1);
	set->first_peer->first_allowedip->flags = 0;
	CHECK(wg_device_apply(s, set) == 0 && nips(s->first_peer) == 0 && nips(s->last_peer) == 1);

	/* Bad input changes nothing. */
	wg_config_format(&before, s, NULL);
	set->first_peer->first_allowedip->cidr = 33;
	add_peer(set, 4);
	CHECK(wg_device_apply(s, set) == -EINVAL);
	set->first_peer->first_allowedip->cidr = 8;
	set->first_peer->first_allowedip->family = 99;
	CHECK(wg_device_apply(s, set) == -EINVAL);
	set->first_peer->first_allowedip->family = AF_INET;
	set->last_peer->flags = 0;
	CHECK(wg_device_apply(s, set) == -EINVAL);
	set->last_peer->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PROTOCOL_VERSION;
	set->last_peer->protocol_version = 2;
	CHECK(wg_device_apply(s, set) == -EINVAL);
	set->last_peer->protocol_version = 1;
	set->last_peer->flags |= 1U << 20;
	CHECK(wg_device_apply(s, set) == -EINVAL);
	set->last_peer->flags &= ~(1U << 20);
	set->flags |= 1U << 9;
	CHECK(wg_device_apply(s, set) == -EINVAL);
	set->flags &= ~(1U << 9);
	set->last_peer->endpoint.addr.sa_family = AF_UNIX;
	CHECK(wg_device_apply(s, set) == -EINVAL);
	wg_config_format(&after, s, NULL);
	CHECK(!strcmp(before, after) && npeers(s) == 2);
	wg_config_free_text(before);
	wg_config_free_text(after);

	/* A state listing a peer twice: one peer, the prefixes of both listings. */
	{
		wg_device *dup = wg_device_new(NULL), *none = wg_device_new(NULL);

		add_ip(add_peer(dup, 5), "10.5.0.0", 16);
		add_ip(add_peer(dup, 6), "10.6.0.0", 16);
		add_ip(add_peer(dup, 5), "10.6.0.0", 16);	/* later listing wins */
		CHECK(wg_device_apply(dup, none) == 0 && npeers(dup) == 2);
		CHECK(nips(dup->first_peer) == 2 && nips(dup->last_peer) == 0);
		wg_free_device(dup);
		wg_free_device(none);
	}

	/* REPLACE_PEERS. */
	set->last_peer->endpoint.addr.sa_family = 0;
	set->flags = WGDEVICE_REPLACE_PEERS;
	CHECK(wg_device_apply(s, set) == 0 && npeers(s) == 2 &&
	      !memcmp(s->first_peer->public_key, peer_keys[3], 32));
	wg_free_device(set);
	wg_free_device(s);
}

static void engine_send(const struct wg_packet *datagrams, size_t n, void *ctx)
{
	(void)datagrams;
	(void)n;
	(void)ctx;
}

/*
 * The in-process engine implements the set semantics on its own: random
 * sequences of random sets must leave it exactly where wg_device_apply()
 * says (two implementations of one specification, checked against each
 * other; the interop suite does the same against wireguard-go).
 */
static void test_engine_agrees(void)
{
	struct wg_engine_options opts = { .size = sizeof(opts), .send = engine_send };
	struct rc r = { .allowedip_removal = true };
	int agree = 0, total = 0;

	rc_init(&r, 0x510e527fade682d1ULL);
	for (int round = 0; round < 40; round++) {
		wg_engine *engine = NULL;
		wg_device *model = wg_device_new(NULL);

		if (wg_engine_new(&engine, &opts)) {
			fprintf(stderr, "engine: %s\n", wg_last_error());
			CHECK(0);
			wg_free_device(model);
			return;
		}
		for (int step = 0; step < 15; step++) {
			wg_device *set = rc_set(&r, NULL), *got = NULL;

			CHECK(wg_engine_set_device(engine, set) == 0);
			CHECK(wg_device_apply(model, set) == 0);
			CHECK(wg_engine_get_device(engine, &got) == 0);
			agree += rc_agrees(set, got, model, "engine");
			total++;
			wg_free_device(set);
			wg_free_device(got);
		}
		wg_engine_free(engine);
		wg_free_device(model);
	}
	fprintf(stderr, "engine vs wg_device_apply: %d/%d states agree\n", agree, total);
	CHECK(agree == total);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 10,000 peers x 2 prefixes: linear-ish, not quadratic. */
static void test_scale(void)
{
	wg_device *a = wg_device_new("wg0"), *b, *d = NULL;
	double t0, t1, t2;
	wg_peer *p;
	int i = 0;

	for (i = 0; i < 10000; i++) {
		p = wg_device_add_peer(a);
		p->flags = WGPEER_HAS_PUBLIC_KEY;
		memcpy(p->public_key, &i, sizeof(i));
		p->public_key[31] = 1;
		add_ip(p, "10.0.0.0", 32)->ip4.s_addr = htonl(0x0a000000 + (uint32_t)i);
		memcpy(&add_ip(p, "fd00::", 128)->ip6.s6_addr[12], &(uint32_t){ htonl((uint32_t)i) }, 4);
	}
	wg_device_copy(&b, a);
	i = 0;
	wg_for_each_peer(b, p)
		if (i++ % 10 == 0)
			p->persistent_keepalive_interval = 25;
	t0 = now();
	CHECK(wg_device_diff(&d, a, b, 0) == 0 && npeers(d) == 1000);
	t1 = now();
	CHECK(wg_device_apply(a, d) == 0 && npeers(a) == 10000);
	t2 = now();
	CHECK(wg_device_canonicalize(a) == 0 && wg_device_canonicalize(b) == 0 && wg_device_equal(a, b));
	fprintf(stderr, "scale: diff of 10000 peers %.3f s, apply %.3f s\n", t1 - t0, t2 - t1);
	CHECK(t1 - t0 < 5 && t2 - t1 < 5);
	wg_free_device(a);
	wg_free_device(b);
	wg_free_device(d);
}

int main(void)
{
	setup_keys();
	test_random();
	test_minimal();
	test_apply_rules();
	test_engine_agrees();
	test_scale();
	return test_done();
}
