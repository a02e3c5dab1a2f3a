/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The allowed-IPs trie: the Linux driver's table-driven self-test cases
 * (selftest/allowedips.c), edge cases, a randomized comparison with a
 * brute-force reference (every lookup, return code and walk compared), and
 * timings at the scale of a large deployment (printed, not asserted).
 *   WG_TEST_SEED=n picks the random seed of the reference test.
 */
#include <stdlib.h>
#include <time.h>

#include "allowedips.h"
#include "os_net.h"
#include "test.h"
#include "util.h"

static char peers[26];	/* peers are &peers['a' - 'a'] ... */
#define P(c) ((void *)&peers[(c) - 'a'])

/* Parse "addr" or "addr/cidr"; returns the family. */
static int parse(const char *text, uint8_t addr[16], uint8_t *cidr)
{
	char buf[64];
	char *slash;
	int family;

	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	memset(addr, 0, 16);
	if (inet_pton(family, buf, addr) != 1) {
		fprintf(stderr, "bad test address %s\n", text);
		abort();
	}
	*cidr = slash ? (uint8_t)atoi(slash + 1) : (family == AF_INET ? 32 : 128);
	return family;
}

enum op { INS, DEL, DELPEER, LOOK };
struct step {
	enum op op;
	char peer;		/* 0: NULL */
	const char *prefix;
	int ret;		/* for INS and DEL */
};

/* Inserts and lookups from the Linux driver's self-test. */
static const struct step kernel_steps[] = {
	{ INS, 'a', "192.168.4.0/24", 0 },
	{ INS, 'b', "192.168.4.4/32", 0 },
	{ INS, 'c', "192.168.0.0/16", 0 },
	{ INS, 'd', "192.95.5.64/27", 0 },
	{ INS, 'c', "192.95.5.65/27", 0 },	/* moves it, host bits masked */
	{ INS, 'd', "2607:5300:6000:6b00::c05f:543/128", 0 },
	{ INS, 'c', "2607:5300:6000:6b00::/64", 0 },
	{ INS, 'e', "0.0.0.0/0", 0 },
	{ INS, 'e', "::/0", 0 },
	{ INS, 'f', "::/0", 0 },
	{ INS, 'g', "2404:6800::/32", 0 },
	{ INS, 'h', "2404:6800:4004:800:dead:beef:dead:beef/64", 0 },
	{ INS, 'a', "2404:6800:4004:800:dead:beef:dead:beef/128", 0 },
	{ INS, 'c', "2444:6800:40e4:800:deae:beef:def:beef/128", 0 },
	{ INS, 'b', "2444:6800:f0e4:800:eeae:beef::/98", 0 },
	{ INS, 'g', "64.15.112.0/20", 0 },
	{ INS, 'h', "64.15.123.211/25", 0 },
	{ INS, 'a', "10.0.0.0/25", 0 },
	{ INS, 'b', "10.0.0.128/25", 0 },
	{ INS, 'a', "10.1.0.0/30", 0 },
	{ INS, 'b', "10.1.0.4/30", 0 },
	{ INS, 'c', "10.1.0.8/29", 0 },
	{ INS, 'd', "10.1.0.16/29", 0 },

	{ LOOK, 'a', "192.168.4.20", 0 },
	{ LOOK, 'a', "192.168.4.0", 0 },
	{ LOOK, 'b', "192.168.4.4", 0 },
	{ LOOK, 'c', "192.168.200.182", 0 },
	{ LOOK, 'c', "192.95.5.68", 0 },
	{ LOOK, 'e', "192.95.5.96", 0 },
	{ LOOK, 'd', "2607:5300:6000:6b00::c05f:543", 0 },
	{ LOOK, 'c', "2607:5300:6000:6b00::c02e:1ee", 0 },
	{ LOOK, 'f', "2607:5300:6000:6b01::", 0 },
	{ LOOK, 'g', "2404:6800:4004:806::1006", 0 },
	{ LOOK, 'g', "2404:6800:4004:806:0:1234:0:5678", 0 },
	{ LOOK, 'f', "2404:67ff:4004:806:0:1234:0:5678", 0 },
	{ LOOK, 'f', "2404:6801:4004:806:0:1234:0:5678", 0 },
	{ LOOK, 'h', "2404:6800:4004:800:0:1234:0:5678", 0 },
	{ LOOK, 'h', "2404:6800:4004:800::", 0 },
	{ LOOK, 'h', "2404:6800:4004:800:1010:1010:1010:1010", 0 },
	{ LOOK, 'a', "2404:6800:4004:800:dead:beef:dead:beef", 0 },
	{ LOOK, 'g', "64.15.116.26", 0 },
	{ LOOK, 'g', "64.15.127.3", 0 },
	{ LOOK, 'g', "64.15.123.1", 0 },
	{ LOOK, 'h', "64.15.123.128", 0 },
	{ LOOK, 'h', "64.15.123.129", 0 },
	{ LOOK, 'a', "10.0.0.52", 0 },
	{ LOOK, 'b', "10.0.0.220", 0 },
	{ LOOK, 'a', "10.1.0.2", 0 },
	{ LOOK, 'b', "10.1.0.6", 0 },
	{ LOOK, 'c', "10.1.0.10", 0 },
	{ LOOK, 'd', "10.1.0.20", 0 },
	{ LOOK, 'c', "2444:6800:40e4:800:deae:beef:def:beef", 0 },
	{ LOOK, 'b', "2444:6800:f0e4:800:eeae:beef:0:1", 0 },
	{ LOOK, 'b', "2444:6800:f0e4:800:eeae:beef:3fff:ffff", 0 },
	{ LOOK, 'f', "2444:6800:f0e4:800:eeae:beef:4000:0", 0 },

	/* Removing a peer leaves nothing of it behind. */
	{ INS, 'a', "1.0.0.0/32", 0 },
	{ INS, 'a', "64.0.0.0/32", 0 },
	{ INS, 'a', "128.0.0.0/32", 0 },
	{ INS, 'a', "192.0.0.0/32", 0 },
	{ INS, 'a', "255.0.0.0/32", 0 },
	{ DELPEER, 'a', NULL, 0 },
	{ LOOK, 'e', "1.0.0.0", 0 },
	{ LOOK, 'e', "64.0.0.0", 0 },
	{ LOOK, 'e', "128.0.0.0", 0 },
	{ LOOK, 'e', "192.0.0.0", 0 },
	{ LOOK, 'e', "255.0.0.0", 0 },
	{ LOOK, 'c', "192.168.4.20", 0 },	/* a's /24 is gone, c's /16 shows */
	{ LOOK, 'b', "192.168.4.4", 0 },
	{ LOOK, 'h', "2404:6800:4004:800:dead:beef:dead:beef", 0 },
	{ LOOK, 'e', "10.0.0.52", 0 },
	{ LOOK, 'e', "10.1.0.2", 0 },
	{ LOOK, 'b', "10.1.0.6", 0 },
};

/* Exact removal, ownership, /0, /32 and /128, and bad arguments. */
static const struct step edge_steps[] = {
	{ LOOK, 0, "10.0.0.1", 0 },
	{ LOOK, 0, "::1", 0 },
	{ DEL, 'a', "10.0.0.0/8", -ENOENT },
	{ INS, 'a', "10.0.0.0/8", 0 },
	{ INS, 'a', "10.0.0.0/8", 0 },		/* again: no change */
	{ INS, 'b', "10.1.0.0/16", 0 },
	{ INS, 'c', "10.2.0.0/16", 0 },	/* 10.0.0.0/14 is now a bare branch */
	{ DEL, 'a', "10.0.0.0/14", -ENOENT },
	{ LOOK, 'a', "10.3.0.0", 0 },
	{ DEL, 'b', "10.0.0.0/8", -ENOENT },	/* not b's */
	{ DEL, 'a', "10.0.0.0/9", -ENOENT },	/* not exact */
	{ DEL, 'a', "10.0.0.0/7", -ENOENT },
	{ DEL, 'a', "10.9.9.9/8", 0 },		/* host bits ignored */
	{ LOOK, 0, "10.3.0.0", 0 },
	{ LOOK, 'b', "10.1.2.3", 0 },
	{ LOOK, 'c', "10.2.2.3", 0 },
	{ INS, 'd', "10.0.0.0/14", 0 },	/* own the branch point */
	{ LOOK, 'd', "10.3.0.0", 0 },
	{ LOOK, 'b', "10.1.0.0", 0 },
	{ DEL, 'd', "10.0.0.0/14", 0 },
	{ LOOK, 0, "10.3.0.0", 0 },
	{ INS, 'e', "0.0.0.0/0", 0 },
	{ INS, 'f', "255.255.255.255/32", 0 },
	{ INS, 'g', "0.0.0.0/32", 0 },
	{ LOOK, 'f', "255.255.255.255", 0 },
	{ LOOK, 'e', "255.255.255.254", 0 },
	{ LOOK, 'g', "0.0.0.0", 0 },
	{ LOOK, 'e', "0.0.0.1", 0 },
	{ LOOK, 'b', "10.1.255.255", 0 },
	{ LOOK, 0, "::", 0 },			/* families are apart */
	{ INS, 'h', "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", 0 },
	{ INS, 'e', "::/0", 0 },
	{ INS, 'g', "::/128", 0 },
	{ INS, 'a', "::ffff:0:0/96", 0 },	/* v4-mapped is just IPv6 here */
	{ LOOK, 'h', "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
	{ LOOK, 'e', "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", 0 },
	{ LOOK, 'g', "::", 0 },
	{ LOOK, 'e', "::1", 0 },
	{ LOOK, 'a', "::ffff:10.1.0.1", 0 },
	{ LOOK, 'b', "10.1.0.1", 0 },
	{ INS, 'b', "8000::/1", 0 },
	{ INS, 'c', "8000::/2", 0 },
	{ LOOK, 'c', "bfff::", 0 },
	{ LOOK, 'b', "c000::", 0 },
	{ LOOK, 'e', "7fff::", 0 },
	{ DEL, 'b', "8000::/1", 0 },
	{ LOOK, 'e', "c000::", 0 },
	{ LOOK, 'c', "8000::1", 0 },
	{ DEL, 'e', "0.0.0.0/0", 0 },
	{ LOOK, 0, "1.2.3.4", 0 },
	{ LOOK, 'g', "0.0.0.0", 0 },
	{ DEL, 'e', "0.0.0.0/0", -ENOENT },
	{ INS, 'a', "1.2.3.4/33", -EINVAL },
	{ INS, 'a', "::/129", -EINVAL },
	{ DEL, 'a', "1.2.3.4/33", -EINVAL },
	{ DELPEER, 'z', NULL, 0 },			/* unknown peer: nothing */
	{ DELPEER, 'e', NULL, 0 },
	{ LOOK, 0, "7fff::", 0 },
	{ LOOK, 'h', "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0 },
};

static void run_steps(struct wg_allowedips *t, const struct step *steps, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++) {
		const struct step *s = &steps[i];
		void *peer = s->peer ? P(s->peer) : NULL;
		uint8_t addr[16], cidr;
		int family = s->prefix ? parse(s->prefix, addr, &cidr) : 0;
		int ret = 0;
		bool ok = true;
		void *got;

		switch (s->op) {
		case INS:
			ret = wg_allowedips_insert(t, family, addr, cidr, peer);
			ok = ret == s->ret;
			break;
		case DEL:
			ret = wg_allowedips_remove(t, family, addr, cidr, peer);
			ok = ret == s->ret;
			break;
		case DELPEER:
			wg_allowedips_remove_by_peer(t, peer);
			break;
		case LOOK:
			got = wg_allowedips_lookup(t, family, addr);
			ok = got == peer;
			if (!ok)
				fprintf(stderr, "%s step %zu: lookup %s gave %c, want %c\n", name, i,
					s->prefix, got ? 'a' + (int)((char *)got - peers) : '-',
					s->peer ? s->peer : '-');
			break;
		}
		if (!ok && s->op != LOOK)
			fprintf(stderr, "%s step %zu: %s returned %d, want %d\n", name, i,
				s->prefix, ret, s->ret);
		CHECK(ok);
	}
}

/* ---- walk ---- */

struct seen {
	int n;
	char text[16][64];
	void *peer[16];
};

static void collect(void *peer, int family, const uint8_t *addr, uint8_t cidr, void *ctx)
{
	struct seen *s = ctx;
	char buf[INET6_ADDRSTRLEN];

	if (s->n < 16) {
		inet_ntop(family, addr, buf, sizeof(buf));
		snprintf(s->text[s->n], sizeof(s->text[0]), "%s/%u", buf, cidr);
		s->peer[s->n] = peer;
	}
	s->n++;
}

static void test_walk(void)
{
	static const char *const in[] = {
		"192.95.5.93/27", "2607:5300:6000:6b00::c05f:543/128", "10.1.0.20/29",
		"2607:5300:6d8a:6bf8:dab1:f1df:c05f:1523/83",
		"2607:5300:6d8a:6bf8:dab1:f1df:c05f:1523/21",
	};
	/* Masked, IPv4 first, in address order, shorter first. */
	static const char *const want[] = {
		"10.1.0.16/29", "192.95.5.64/27", "2607:5000::/21",
		"2607:5300:6000:6b00::c05f:543/128", "2607:5300:6d8a:6bf8:dab1:e000::/83",
	};
	struct wg_allowedips t;
	struct seen s = { 0 };
	uint8_t addr[16], cidr;

	wg_allowedips_init(&t);
	for (size_t i = 0; i < ARRAY_SIZE(in); i++) {
		int family = parse(in[i], addr, &cidr);

		CHECK(wg_allowedips_insert(&t, family, addr, cidr, P(i % 2 ? 'a' : 'b')) == 0);
	}
	CHECK(t.count == 5);
	wg_allowedips_walk(&t, collect, &s);
	CHECK(s.n == 5);
	for (size_t i = 0; i < ARRAY_SIZE(want) && i < (size_t)s.n; i++) {
		bool same = !strcmp(s.text[i], want[i]);

		if (!same)
			fprintf(stderr, "walk %zu: got %s\n", i, s.text[i]);
		CHECK(same);
	}
	CHECK(s.peer[0] == P('b') && s.peer[1] == P('b') && s.peer[2] == P('b'));
	CHECK(s.peer[3] == P('a') && s.peer[4] == P('a'));

	/* Per peer: in the order given, a moved prefix from its move. */
	memset(&s, 0, sizeof(s));
	wg_allowedips_walk_by_peer(&t, P('b'), collect, &s);
	CHECK(s.n == 3);
	CHECK(!strcmp(s.text[0], "192.95.5.64/27"));
	CHECK(!strcmp(s.text[1], "10.1.0.16/29"));
	CHECK(!strcmp(s.text[2], "2607:5000::/21"));
	parse("10.1.0.16/29", addr, &cidr);
	CHECK(wg_allowedips_insert(&t, AF_INET, addr, cidr, P('a')) == 0);
	memset(&s, 0, sizeof(s));
	wg_allowedips_walk_by_peer(&t, P('a'), collect, &s);
	CHECK(s.n == 3);
	CHECK(!strcmp(s.text[0], "2607:5300:6000:6b00::c05f:543/128"));
	CHECK(!strcmp(s.text[1], "2607:5300:6d8a:6bf8:dab1:e000::/83"));
	CHECK(!strcmp(s.text[2], "10.1.0.16/29"));
	memset(&s, 0, sizeof(s));
	wg_allowedips_walk_by_peer(&t, P('b'), collect, &s);
	CHECK(s.n == 2);
	CHECK(!strcmp(s.text[0], "192.95.5.64/27"));
	CHECK(!strcmp(s.text[1], "2607:5000::/21"));
	memset(&s, 0, sizeof(s));
	wg_allowedips_walk_by_peer(&t, P('c'), collect, &s);
	wg_allowedips_walk_by_peer(&t, NULL, collect, &s);
	CHECK(s.n == 0);
	wg_allowedips_free(&t);
}

/* Long chains of /128s that diverge at every depth, then free (ASan). */
static void test_deep(void)
{
	struct wg_allowedips t;
	uint8_t ip[16];
	int bad = 0;

	wg_allowedips_init(&t);
	for (int i = 0; i < 64; i++) {
		uint64_t part = ~UINT64_C(0) << i;

		memset(ip, 0xff, 8);
		wg_put_be64(ip + 8, part);
		bad += wg_allowedips_insert(&t, AF_INET6, ip, 128, P('a')) != 0;
		wg_put_be64(ip, part);
		memset(ip + 8, 0, 8);
		bad += wg_allowedips_insert(&t, AF_INET6, ip, 128, P('b')) != 0;
	}
	memset(ip, 0, 16);
	bad += wg_allowedips_insert(&t, AF_INET6, ip, 128, P('c')) != 0;
	CHECK(bad == 0);
	CHECK(t.count == 129);
	wg_put_be64(ip, ~UINT64_C(0) << 5);
	CHECK(wg_allowedips_lookup(&t, AF_INET6, ip) == P('b'));
	ip[15] = 1;
	CHECK(wg_allowedips_lookup(&t, AF_INET6, ip) == NULL);
	wg_allowedips_remove_by_peer(&t, P('b'));
	CHECK(t.count == 65);
	wg_allowedips_free(&t);
}

/* ---- randomized comparison with a brute-force reference ---- */

static uint64_t rng;

static uint64_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct ref {
	int family;
	uint8_t addr[16], cidr;
	void *peer;
};

static bool prefix_has(const uint8_t *p, unsigned cidr, const uint8_t *addr)
{
	unsigned full = cidr / 8, rest = cidr % 8;

	if (memcmp(p, addr, full))
		return false;
	return !rest || !((p[full] ^ addr[full]) & (0xff00 >> rest));
}

static void mask(uint8_t *a, unsigned cidr, unsigned len)
{
	for (unsigned i = 0; i < len; i++) {
		if (cidr >= 8 * (i + 1))
			continue;
		a[i] &= cidr > 8 * i ? (uint8_t)(0xff00 >> (cidr - 8 * i)) : 0;
	}
}

static void *ref_lookup(const struct ref *r, size_t n, int family, const uint8_t *addr)
{
	void *best = NULL;
	int best_cidr = -1;

	for (size_t i = 0; i < n; i++)
		if (r[i].family == family && r[i].cidr > best_cidr && prefix_has(r[i].addr, r[i].cidr, addr)) {
			best = r[i].peer;
			best_cidr = r[i].cidr;
		}
	return best;
}

static long ref_find(const struct ref *r, size_t n, int family, const uint8_t *addr, uint8_t cidr)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].family == family && r[i].cidr == cidr && !memcmp(r[i].addr, addr, 16))
			return (long)i;
	return -1;
}

/* Addresses clustered around a few bases so prefixes overlap and nest. */
enum { NBASES = 32 };

static int random_addr(uint8_t addr[16], const uint8_t bases[NBASES][16])
{
	int family = next_rand() % 2 ? AF_INET : AF_INET6;
	unsigned len = family == AF_INET ? 4 : 16, flips = (unsigned)(next_rand() % 6);

	memset(addr, 0, 16);
	memcpy(addr, bases[next_rand() % NBASES], len);
	for (unsigned i = 0; i < flips; i++) {
		unsigned bit = (unsigned)(next_rand() % (8 * len));

		addr[bit / 8] ^= (uint8_t)(0x80 >> (bit % 8));
	}
	return family;
}

struct walk_check {
	const struct ref *r;
	size_t n, visited;
	int bad;
	int last_family;
	uint8_t last_addr[16], last_cidr;
};

static void check_walk(void *peer, int family, const uint8_t *addr, uint8_t cidr, void *ctx)
{
	struct walk_check *w = ctx;
	uint8_t a[16] = { 0 };
	long i;

	memcpy(a, addr, family == AF_INET ? 4 : 16);
	i = ref_find(w->r, w->n, family, a, cidr);
	w->bad += i < 0 || w->r[i].peer != peer;
	/* Order: IPv4 first, then by address, then shorter first. */
	if (w->visited) {
		int c = memcmp(w->last_addr, a, 16);

		w->bad += family < w->last_family ||
			  (family == w->last_family && (c > 0 || (c == 0 && cidr <= w->last_cidr)));
	}
	w->last_family = family;
	memcpy(w->last_addr, a, 16);
	w->last_cidr = cidr;
	w->visited++;
}

struct peer_check {
	const struct ref *r;
	size_t n, visited;
	void *peer;
	int bad;
};

static void check_peer(void *peer, int family, const uint8_t *addr, uint8_t cidr, void *ctx)
{
	struct peer_check *pc = ctx;
	uint8_t a[16] = { 0 };
	long i;

	memcpy(a, addr, family == AF_INET ? 4 : 16);
	i = ref_find(pc->r, pc->n, family, a, cidr);
	pc->bad += peer != pc->peer || i < 0 || pc->r[i].peer != peer;
	pc->visited++;
}

static void test_random(uint64_t seed)
{
	enum { ROUNDS = 6, OPS = 6000, LOOKUPS = 5000, NPEERS = 12 };
	static struct ref r[ROUNDS * OPS];
	uint8_t bases[NBASES][16];
	struct wg_allowedips t;
	size_t n = 0;
	int bad_ret = 0, bad_look = 0, bad_walk = 0, found = 0;

	rng = seed;
	for (int i = 0; i < NBASES; i++)
		for (int j = 0; j < 16; j += 8)
			wg_put_le64(bases[i] + j, next_rand());
	wg_allowedips_init(&t);
	for (int round = 0; round < ROUNDS; round++) {
		for (int op = 0; op < OPS; op++) {
			uint8_t addr[16], cidr;
			int family = random_addr(addr, bases);
			unsigned bits = family == AF_INET ? 32 : 128;
			void *peer = P('a' + (int)(next_rand() % NPEERS));
			unsigned kind = (unsigned)(next_rand() % 10);
			long i;

			/* Mostly long prefixes, some short, now and then /0. */
			cidr = (uint8_t)(next_rand() % 4 ? bits - next_rand() % (bits / 4 + 1)
							 : next_rand() % (bits + 1));
			mask(addr, cidr, 16);
			i = ref_find(r, n, family, addr, cidr);
			if (kind < 7) {
				bad_ret += wg_allowedips_insert(&t, family, addr, cidr, peer) != 0;
				if (i >= 0)
					r[i].peer = peer;
				else
					r[n++] = (struct ref){ family, { 0 }, cidr, peer },
					memcpy(r[n - 1].addr, addr, 16);
			} else if (kind < 9) {
				/* Remove something that exists half the time. */
				if (n && next_rand() % 2) {
					i = (long)(next_rand() % n);
					family = r[i].family;
					memcpy(addr, r[i].addr, 16);
					cidr = r[i].cidr;
					if (next_rand() % 4)
						peer = r[i].peer;
				}
				int want = i >= 0 && r[i].peer == peer ? 0 : -ENOENT;

				bad_ret += wg_allowedips_remove(&t, family, addr, cidr, peer) != want;
				if (!want)
					r[i] = r[--n];
			} else if (next_rand() % 8 == 0) {
				wg_allowedips_remove_by_peer(&t, peer);
				for (size_t k = 0; k < n;)
					if (r[k].peer == peer)
						r[k] = r[--n];
					else
						k++;
			}
		}
		bad_ret += t.count != n;
		for (int l = 0; l < LOOKUPS; l++) {
			uint8_t addr[16];
			int family = random_addr(addr, bases);

			void *want = ref_lookup(r, n, family, addr);

			bad_look += wg_allowedips_lookup(&t, family, addr) != want;
			found += want != NULL;
		}
		struct walk_check w = { .r = r, .n = n };

		wg_allowedips_walk(&t, check_walk, &w);
		bad_walk += w.bad + (w.visited != n);
		/* Each peer's list holds exactly its prefixes. */
		for (int p = 0; p < NPEERS; p++) {
			struct peer_check pc = { .r = r, .n = n, .peer = P('a' + p) };
			size_t want = 0;

			for (size_t k = 0; k < n; k++)
				want += r[k].peer == pc.peer;
			wg_allowedips_walk_by_peer(&t, pc.peer, check_peer, &pc);
			bad_walk += pc.bad + (pc.visited != want);
		}
	}
	printf("random (seed %llu): %zu prefixes at the end, %d lookups compared (%d matched)\n",
	       (unsigned long long)seed, n, ROUNDS * LOOKUPS, found);
	CHECK(bad_ret == 0);
	CHECK(bad_look == 0);
	CHECK(bad_walk == 0);
	for (int p = 0; p < NPEERS; p++)
		wg_allowedips_remove_by_peer(&t, P('a' + p));
	CHECK(t.count == 0 && !t.root4 && !t.root6 && t.owners_count == 0);
	CHECK(t.nslabs == 0);	/* memory returned once empty */
	wg_allowedips_free(&t);
}

/* ---- scale ---- */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);	/* CPU time: steadier on a busy machine */
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_scale(void)
{
	enum { PREFIXES = 130561, PEERS = 10000, LOOKUPS = 1000000 };
	static char many[PEERS];
	struct wg_allowedips t;
	uint8_t (*addrs)[16] = malloc(LOOKUPS * sizeof(*addrs));
	int *fams = malloc(LOOKUPS * sizeof(*fams));
	uint8_t (*ins)[16] = malloc(PREFIXES * sizeof(*ins));
	int *ins_fam = malloc(PREFIXES * sizeof(*ins_fam));
	size_t hits = 0;
	int bad = 0;
	double t0;

	CHECK(addrs && fams && ins && ins_fam);
	if (!addrs || !fams || !ins || !ins_fam)
		return;
	rng = 0x9e3779b97f4a7c15;
	wg_allowedips_init(&t);
	/* Like a hub: each peer gets a few IPv4 and IPv6 prefixes,
	 * mostly host routes and small subnets. */
	t0 = now_s();
	for (int i = 0; i < PREFIXES; i++) {
		uint8_t addr[16];
		int v6 = i % 3 == 2;
		uint8_t cidr = v6 ? (uint8_t)(next_rand() % 2 ? 128 : 48 + next_rand() % 17)
				  : (uint8_t)(next_rand() % 2 ? 32 : 16 + next_rand() % 17);

		wg_put_le64(addr, next_rand());
		wg_put_le64(addr + 8, next_rand());
		if (!v6)
			addr[0] = 10;
		else
			addr[0] = 0xfd;
		bad += wg_allowedips_insert(&t, v6 ? AF_INET6 : AF_INET, addr, cidr,
					    &many[next_rand() % PEERS]) != 0;
		memcpy(ins[i], addr, 16);
		ins_fam[i] = v6 ? AF_INET6 : AF_INET;
	}
	double ins_s = now_s() - t0;
	size_t slab_bytes = 0, nslabs = t.nslabs;

	for (size_t i = 0; i < t.nslabs; i++)
		slab_bytes += (i < 8 ? (size_t)16 << i : 4096) * 64;

	CHECK(bad == 0);
	/* Half the lookups are inserted addresses (hits), half random
	 * addresses in the same ranges (mostly misses in IPv6). */
	for (int i = 0; i < LOOKUPS; i++) {
		if (i % 2) {
			size_t k = (size_t)(i / 2) % PREFIXES;

			fams[i] = ins_fam[k];
			memcpy(addrs[i], ins[k], 16);
			continue;
		}
		fams[i] = i % 4 ? AF_INET6 : AF_INET;
		wg_put_le64(addrs[i], next_rand());
		wg_put_le64(addrs[i] + 8, next_rand());
		addrs[i][0] = fams[i] == AF_INET ? 10 : 0xfd;
	}
	t0 = now_s();
	for (int i = 0; i < LOOKUPS; i++)
		hits += wg_allowedips_lookup(&t, fams[i], addrs[i]) != NULL;
	double look = now_s() - t0;

	t0 = now_s();
	for (int i = 0; i < PEERS; i++)
		wg_allowedips_remove_by_peer(&t, &many[i]);
	double del = now_s() - t0;

	CHECK(t.count == 0 && !t.root4 && !t.root6 && t.nslabs == 0);
	printf("scale: %d prefixes in %.1f MiB of nodes (%zu slabs)\n", PREFIXES,
	       (double)slab_bytes / (1 << 20), nslabs);
	printf("scale: insert %d prefixes %.1f ms (%.0f ns each); %d lookups %.1f ms "
	       "(%.0f ns each, %zu hits); remove_by_peer x %d %.1f ms\n",
	       PREFIXES, ins_s * 1e3, ins_s * 1e9 / PREFIXES, LOOKUPS, look * 1e3,
	       look * 1e9 / LOOKUPS, hits, PEERS, del * 1e3);
	wg_allowedips_free(&t);
	free(addrs);
	free(fams);
	free(ins);
	free(ins_fam);
}

int main(void)
{
	struct wg_allowedips t;
	const char *seed = getenv("WG_TEST_SEED");

	wg_allowedips_init(&t);
	run_steps(&t, kernel_steps, ARRAY_SIZE(kernel_steps), "kernel");
	wg_allowedips_free(&t);
	wg_allowedips_init(&t);
	run_steps(&t, edge_steps, ARRAY_SIZE(edge_steps), "edge");
	wg_allowedips_free(&t);
	/* Lookups on an unknown family find nothing. */
	CHECK(wg_allowedips_lookup(&t, AF_UNIX, "\0\0\0\0") == NULL);
	CHECK(wg_allowedips_insert(&t, AF_UNIX, "\0\0\0\0", 0, P('a')) == -EINVAL);
	CHECK(wg_allowedips_insert(&t, AF_INET, "\0\0\0\0", 0, NULL) == -EINVAL);

	test_walk();
	test_deep();
	test_random(seed ? strtoull(seed, NULL, 0) : 1);
	test_random(seed ? strtoull(seed, NULL, 0) + 1 : 0x5eed);
	test_scale();
	return test_done();
}
