// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The configuration API against a real userspace implementation: Debian's
 * wireguard-go, already running as interface argv[1] (run-uapi.sh starts it
 * inside a network namespace).  Cross-checks with wg(8) on the same device.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "random-config.h"
#include "test.h"
#include "wireguard.h"

static const char *ifname;
static const char *daemon_name = "wireguard-go";
static uint64_t rng;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

static char *run(const char *fmt, const char *arg)
{
	char cmd[512], *out = NULL;
	size_t len = 0, cap = 0;
	FILE *p;
	int c;

	snprintf(cmd, sizeof(cmd), fmt, ifname, arg);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	while ((c = fgetc(p)) != EOF) {
		if (len + 2 > cap)
			out = realloc(out, cap = cap ? 2 * cap : 4096);
		out[len++] = (char)c;
	}
	if (out)
		out[len] = '\0';
	if (pclose(p) != 0) {
		free(out);
		return NULL;
	}
	return out ? out : strdup("");
}

static char *showconf(void)
{
	return run("wg showconf %s%s", "");
}

static wg_device *get(void)
{
	wg_device *dev = NULL;

	if (wg_get_device(&dev, ifname)) {
		fprintf(stderr, "wg_get_device: %s\n", wg_last_error());
		return NULL;
	}
	return dev;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * wireguard-go lists peers in Go map order, different on every get: compare
 * two showconf texts with their [Peer] blocks sorted, each block byte for
 * byte.
 */
static bool same_blocks(const char *x, const char *y)
{
	char *copies[2] = { strdup(x), strdup(y) }, **blocks[2];
	size_t n[2] = { 0, 0 };
	bool same;

	for (int t = 0; t < 2; t++) {
		char *s = copies[t], *sep;

		blocks[t] = calloc(strlen(s) / 2 + 2, sizeof(char *));
		for (;;) {
			blocks[t][n[t]++] = s;
			sep = strstr(s, "\n\n");
			if (!sep)
				break;
			sep[1] = '\0';
			s = sep + 2;
		}
		if (n[t] > 1)
			qsort(blocks[t] + 1, n[t] - 1, sizeof(char *), cmp_str);
	}
	same = n[0] == n[1];
	for (size_t i = 0; same && i < n[0]; i++)
		same = !strcmp(blocks[0][i], blocks[1][i]);
	for (int t = 0; t < 2; t++) {
		free(blocks[t]);
		free(copies[t]);
	}
	return same;
}

/* Our print of our get equals wg(8)'s print of its own get, byte for byte
 * (up to wireguard-go's peer order). */
static void check_showconf_identical(const char *what)
{
	wg_device *dev = get();
	char *ours = NULL, *theirs = showconf();

	CHECK(dev && wg_config_format(&ours, dev, NULL) == 0);
	CHECK(ours && theirs && same_blocks(ours, theirs));
	if (ours && theirs && !same_blocks(ours, theirs))
		fprintf(stderr, "%s: library:\n%s\nwg showconf:\n%s\n", what, ours, theirs);
	wg_config_free_text(ours);
	free(theirs);
	wg_free_device(dev);
}

static wg_key privs[5], pubs[5];

static void random_config(char *buf, size_t size)
{
	size_t n = 0;
	int npeers = (int)(rnd() % 5);
	wg_key_b64_string b64;

	n += (size_t)snprintf(buf + n, size - n, "[Interface]\nListenPort = %u\n", 40001 + rnd() % 3);
	if (rnd() % 4) {
		wg_key_to_base64(b64, privs[rnd() % 5]);
		n += (size_t)snprintf(buf + n, size - n, "PrivateKey = %s\n", b64);
	}
	if (rnd() % 2)
		n += (size_t)snprintf(buf + n, size - n, "FwMark = 0x%x\n", rnd() % 3);
	for (int i = 0; i < npeers; i++) {
		int nips = (int)(rnd() % 4);

		/* Peer keys come from the same pool as the device's: own-key
		 * peers must be ignored by wireguard-go and the library alike. */
		wg_key_to_base64(b64, pubs[rnd() % 5]);
		n += (size_t)snprintf(buf + n, size - n, "[Peer]\nPublicKey = %s\n", b64);
		if (rnd() % 2) {
			wg_key psk;

			memset(psk, 1 + (int)(rnd() % 2), 32);
			wg_key_to_base64(b64, psk);
			n += (size_t)snprintf(buf + n, size - n, "PresharedKey = %s\n", b64);
		}
		switch (rnd() % 3) {
		case 1:
			n += (size_t)snprintf(buf + n, size - n, "Endpoint = 192.0.2.%u:%u\n", rnd() % 3, 1 + rnd() % 2);
			break;
		case 2:
			n += (size_t)snprintf(buf + n, size - n, "Endpoint = [2001:db8::%u]:7\n", rnd() % 3);
			break;
		}
		if (rnd() % 3 == 0)
			n += (size_t)snprintf(buf + n, size - n, "PersistentKeepalive = 25\n");
		for (int j = 0; j < nips; j++) {
			static const char *const v4[] = { "/8", "/16", "/24", "/32" };
			static const char *const v6[] = { "/48", "/64", "/128" };

			if (rnd() % 2)
				n += (size_t)snprintf(buf + n, size - n, "AllowedIPs = 10.%u.%u.%u%s\n", rnd() % 4,
						      rnd() % 3, rnd() % 3, v4[rnd() % 4]);
			else
				n += (size_t)snprintf(buf + n, size - n, "AllowedIPs = fd00:0:0:%x::%x%s\n",
						      rnd() % 3, rnd() % 3, v6[rnd() % 3]);
		}
	}
}

static wg_device *parse(const char *text)
{
	wg_device *dev = NULL;

	if (wg_config_parse(&dev, NULL, text, strlen(text), "random", WG_CONFIG_NUMERIC)) {
		fprintf(stderr, "parse: %s\n", wg_last_error());
		return NULL;
	}
	strcpy(dev->name, ifname);
	return dev;
}

/* wg setconf of a config, then the library reads exactly that. */
static void test_wg_sets_library_reads(void)
{
	char text[8192], path[] = "/tmp/wg-interop-XXXXXX";
	int ok = 0;

	for (int i = 0; i < 20; i++) {
		wg_device *want, *got;
		char *out;
		int fd = mkstemp(path);

		random_config(text, sizeof(text));
		(void)!write(fd, text, strlen(text));
		close(fd);
		out = run("wg setconf %s %s", path);
		unlink(path);
		memcpy(path + strlen(path) - 6, "XXXXXX", 6);
		CHECK(out != NULL);
		free(out);
		want = parse(text);
		got = get();
		if (want && got) {
			wg_device_canonicalize(want);
			wg_device_canonicalize(got);
			ok += wg_device_equal(want, got);
			if (!wg_device_equal(want, got)) {
				char *x = NULL, *y = NULL;

				wg_config_format(&x, want, NULL);
				wg_config_format(&y, got, NULL);
				fprintf(stderr, "config:\n%s\nwant:\n%s\ngot:\n%s\n", text, x, y);
				free(x), free(y);
			}
		}
		wg_free_device(want);
		wg_free_device(got);
		check_showconf_identical("after wg setconf");
	}
	CHECK(ok == 20);
	fprintf(stderr, "wg setconf -> wg_get_device: %d/20 identical\n", ok);
}

static bool wg_setconf_text(const char *text)
{
	char path[] = "/tmp/wg-interop-XXXXXX", *out;
	int fd = mkstemp(path);

	(void)!write(fd, text, strlen(text));
	close(fd);
	out = run("wg setconf %s %s 2>/dev/null", path);
	unlink(path);
	free(out);
	return out != NULL;
}

/* Odd but valid texts, and invalid ones: wg(8) and the parser agree. */
static void test_parser_agrees_with_wg(void)
{
	static const char *const good[] = {
		"# comment\n[interface]\r\n  listenport = 40004 # trailing\r\n"
		"[PEER]\nPublic Key = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\n"
		"Allowed IPs = 10.0.0.1/8 , fd00::1/64,10.1.2.3\n"
		"Allowed IPs = 192.168.0.0/16\nPersistentKeepalive = off\nEndpoint = [::ffff:192.0.2.1]:9\n"
		"[Peer]\nPublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\nPersistentKeepalive = 0\n"
		"[Interface]\nFwMark = off\nFwMark = 0x00ff\n",
		"[Interface]\nPrivateKey = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\nListenPort = 40008\n",
		"[Interface]\nListenPort = 40011\n\n\n",
	};
	static const char *const bad[] = {
		"ListenPort = 40004\n",
		"[Interface]\nListenPort = 70000x\n",
		"[Peer]\nPublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\nAllowedIPs =\n",
		"[Interface]\nFwMark = 0x1ffffffff\n",
		"[Interface]\nFwMark = -1\n",
		"[Interface]\nBogus = 1\n",
		"[Interface]\nPrivateKey = AAAA\n",
		"[Peer]\nAllowedIPs = 10.0.0.0/8\n",
		"[Peer]\nPublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\nAllowedIPs = 10.0.0.0/33\n",
		"[Peer]\nPublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\nAllowedIPs = 10.0.0.0/8,\n",
		"[Peer]\nPublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\nEndpoint = 192.0.2.1\n",
		"[Peer]\nPublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\nEndpoint = [::1:9\n",
		"[Peer]\nPublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\nPersistentKeepalive = 65536\n",
		"[Peer]\nPublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\nAddress = 10.0.0.1/24\n",
		"[Interface]\nAddress = 10.0.0.1/24\n",	/* wg(8) itself rejects wg-quick keys */
	};
	int agree = 0;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		wg_device *want = NULL, *got;

		CHECK(wg_setconf_text(good[i]) || !fprintf(stderr, "wg refused good %zu\n", i));
		CHECK(wg_config_parse(&want, NULL, good[i], strlen(good[i]), NULL, WG_CONFIG_STRICT) == 0);
		got = get();
		if (want && got) {
			wg_device_canonicalize(want);
			wg_device_canonicalize(got);
			agree += wg_device_equal(want, got);
		}
		wg_free_device(want);
		wg_free_device(got);
	}
	CHECK(agree == (int)(sizeof(good) / sizeof(good[0])));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		wg_device *dev = NULL;
		char *before = showconf(), *after;

		CHECK(!wg_setconf_text(bad[i]) || !fprintf(stderr, "wg accepted bad %zu\n", i));
		CHECK(wg_config_parse(&dev, NULL, bad[i], strlen(bad[i]), NULL, WG_CONFIG_STRICT) == -EINVAL);
		after = showconf();
		CHECK(before && after && same_blocks(before, after));
		free(before);
		free(after);
		wg_free_device(dev);
	}
	fprintf(stderr, "parser vs wg(8): %d/%zu valid texts read alike, %zu invalid ones refused by both\n",
		agree, sizeof(good) / sizeof(good[0]), sizeof(bad) / sizeof(bad[0]));
}

/* The library sets a state, then diffs towards random others; wireguard-go's
 * resulting state is what the in-memory model predicts. */
static void test_library_sets(void)
{
	char text[8192];
	int ok = 0, total = 0;

	for (int i = 0; i < 60; i++) {
		uint32_t mode = (uint32_t)i % 2 ? WG_DIFF_REMOVE_ALLOWEDIPS : 0;
		wg_device *a, *b, *now, *d = NULL, *want = NULL, *got;
		wg_peer *q;

		random_config(text, sizeof(text));
		a = parse(text);	/* setconf semantics: replaces everything */
		random_config(text, sizeof(text));
		b = parse(text);
		CHECK(a && b && wg_set_device(a) == 0);
		now = get();
		CHECK(now && wg_device_diff(&d, now, b, mode) == 0);
		if (d)
			CHECK(wg_set_device(d) == 0);
		got = get();
		wg_device_copy(&want, b);
		wg_device_canonicalize(want);
		/* Endpoints are never cleared (wg syncconf's rule too). */
		if (now) {
			wg_device_canonicalize(now);
			wg_for_each_peer(want, q) {
				const wg_peer *o;

				if (q->endpoint.addr.sa_family)
					continue;
				wg_for_each_peer(now, o)
					if (!memcmp(o->public_key, q->public_key, 32))
						q->endpoint = o->endpoint;
			}
		}
		if (got) {
			wg_device_canonicalize(got);
			ok += wg_device_equal(got, want);
			if (!wg_device_equal(got, want)) {
				char *x = NULL, *y = NULL, *z = NULL;

				wg_config_format(&x, d, NULL);
				wg_config_format(&y, got, NULL);
				wg_config_format(&z, want, NULL);
				fprintf(stderr, "diff:\n%s\ngot:\n%s\nwant:\n%s\n", x, y, z);
				free(x), free(y), free(z);
			}
		}
		total++;
		check_showconf_identical("after wg_set_device");
		wg_free_device(a);
		wg_free_device(b);
		wg_free_device(now);
		wg_free_device(d);
		wg_free_device(want);
		wg_free_device(got);
	}
	fprintf(stderr, "wg_set_device(diff) on wireguard-go: %d/%d reach the target\n", ok, total);
	CHECK(ok == total);
}

/*
 * Random sets (every flag, own-key peers, prefixes moving between peers)
 * applied to wireguard-go through wg_set_device() and to an in-memory model
 * through wg_device_apply(): the two states must stay identical.  Half the
 * rounds also remove single prefixes, which the client emulates.
 */
static void test_random_sets(void)
{
	struct rc r;
	int agree = 0, total = 0;
	wg_device *model, *reset;

	rc_init(&r, rng);
	for (int round = 0; round < 8; round++) {
		r.allowedip_removal = round % 2;
		/* Start from a known state: no key, no peers, a fixed port. */
		reset = wg_device_new(ifname);
		reset->flags = WGDEVICE_REPLACE_PEERS | WGDEVICE_HAS_PRIVATE_KEY |
			       WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK;
		reset->listen_port = 40001;
		CHECK(wg_set_device(reset) == 0);
		model = get();
		wg_free_device(reset);
		if (!model)
			return;
		for (int step = 0; step < 12; step++) {
			wg_device *set = rc_set(&r, ifname), *got;
			int want = rc_spoil(&r, set);

			/* The same answer as the model, bad input included (then nothing changes). */
			CHECK(wg_set_device(set) == want);
			CHECK(wg_device_apply(model, set) == want);
			got = get();
			agree += rc_agrees(set, got, model, daemon_name);
			total++;
			wg_free_device(set);
			wg_free_device(got);
		}
		wg_free_device(model);
	}
	fprintf(stderr, "random sets, %s vs wg_device_apply: %d/%d states agree\n", daemon_name, agree, total);
	CHECK(agree == total);
}

/* Bad data returns an error and leaves the device as it was. */
static void test_errors(void)
{
	char known[512], *before, *after;
	wg_key_b64_string priv, pub;
	wg_device *start;

	/* A known starting point with a private key and a peer. */
	wg_key_to_base64(priv, privs[0]);
	wg_key_to_base64(pub, pubs[1]);
	snprintf(known, sizeof(known), "[Interface]\nListenPort = 40007\nPrivateKey = %s\n"
		 "[Peer]\nPublicKey = %s\nAllowedIPs = 10.9.0.0/16\n", priv, pub);
	start = parse(known);
	CHECK(start && wg_set_device(start) == 0);
	wg_free_device(start);
	before = showconf();
	wg_device *dev = parse("[Interface]\nListenPort = 40009\n[Peer]\n"
			       "PublicKey = TrMvSoP4jYQlY6RIzBgbssQqY3vxI2Pi+y71lOWWXX0=\n"
			       "AllowedIPs = 10.0.0.0/8\n");
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(40010) };
	int busy;

	dev->first_peer->first_allowedip->cidr = 33;
	CHECK(wg_set_device(dev) == -EINVAL);
	dev->first_peer->first_allowedip->cidr = 8;
	dev->first_peer->flags &= ~(uint32_t)WGPEER_HAS_PUBLIC_KEY;
	CHECK(wg_set_device(dev) == -EINVAL);
	dev->first_peer->flags |= WGPEER_HAS_PUBLIC_KEY;
	after = showconf();
	CHECK(before && after && same_blocks(before, after));
	free(after);

	/* Refused by the daemon (port taken): nothing else of the request is
	 * applied, because the port goes first.  (wireguard-go itself loses its
	 * old port on such a failure: it set the port before binding it.) */
	busy = socket(AF_INET, SOCK_DGRAM, 0);
	CHECK(bind(busy, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	dev->listen_port = 40010;
	CHECK(wg_set_device(dev) == -EADDRINUSE);
	fprintf(stderr, "port in use: %s\n", wg_last_error());
	close(busy);
	after = showconf();
	{
		const char *pb = before ? strstr(before, "PrivateKey") : NULL;
		const char *pa = after ? strstr(after, "PrivateKey") : NULL;

		/* From the private key on (the rest of [Interface], all peers), unchanged. */
		CHECK(pb && pa && same_blocks(pb, pa) && !strstr(after, "TrMvSoP4"));
		if (!pb || !pa || !same_blocks(pb, pa))
			fprintf(stderr, "before:\n%s\nafter:\n%s\n", before, after);
	}
	free(after);
	free(before);
	wg_free_device(dev);

	/* Names. */
	{
		char *names = wg_list_device_names();
		bool found = false;

		for (char *n = names; n && *n; n += strlen(n) + 1)
			found |= !strcmp(n, ifname);
		CHECK(found);
		free(names);
	}
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 10,000 peers x 2 allowed IPs: the library against wg(8), same device. */
static void test_scale(void)
{
	size_t cap = 10000 * 200, n = 0;
	char *text = malloc(cap), path[] = "/tmp/wg-interop-XXXXXX", *out, *ours = NULL;
	wg_device *dev, *got;
	double t0, t1, t2, t3, t4, best[4];
	wg_key k, pk;
	wg_key_b64_string b64;
	int fd;

	n += (size_t)snprintf(text + n, cap - n, "[Interface]\nListenPort = 40005\n");
	for (int i = 0; i < 10000; i++) {
		memset(k, 0, 32);
		memcpy(k, &i, sizeof(i));
		k[31] = 0x42;
		wg_generate_public_key(pk, k);
		wg_key_to_base64(b64, pk);
		n += (size_t)snprintf(text + n, cap - n, "[Peer]\nPublicKey = %s\nAllowedIPs = 10.%d.%d.0/24, fd00::%x/128\n",
				      b64, i / 256, i % 256, i);
	}
	dev = parse(text);
	fd = mkstemp(path);
	(void)!write(fd, text, n);
	close(fd);
	/* Alternate library and wg(8), twice each, and keep the best of each:
	 * wireguard-go's first big configuration pays for its heap growing. */
	best[0] = best[1] = best[2] = best[3] = 1e9;
	got = NULL;
	out = NULL;
	for (int round = 0; round < 2; round++) {
		t0 = now_s();
		CHECK(dev && wg_set_device(dev) == 0);
		t1 = now_s();
		wg_free_device(got);
		got = get();
		t2 = now_s();
		free(run("wg setconf %s %s", path));
		t3 = now_s();
		free(out);
		out = showconf();
		t4 = now_s();
		best[0] = t1 - t0 < best[0] ? t1 - t0 : best[0];
		best[1] = t2 - t1 < best[1] ? t2 - t1 : best[1];
		best[2] = t3 - t2 < best[2] ? t3 - t2 : best[2];
		best[3] = t4 - t3 < best[3] ? t4 - t3 : best[3];
	}
	unlink(path);
	CHECK(got && wg_config_format(&ours, got, NULL) == 0);
	CHECK(out && ours && same_blocks(out, ours));
	fprintf(stderr, "10000 peers x 2 IPs on wireguard-go: set %.3f s (wg setconf %.3f s, ratio %.2f), "
		"get %.3f s (wg showconf %.3f s, ratio %.2f)\n", best[0], best[2], best[0] / best[2],
		best[1], best[3], best[1] / best[3]);
	free(out);
	wg_config_free_text(ours);
	wg_free_device(dev);
	wg_free_device(got);
	free(text);

	/* One peer with 130,561 allowed IPs (the kernel test's figure): a 4 MiB
	 * reply through the client. */
	{
		wg_device *big = wg_device_new(ifname), *back = NULL;
		wg_peer *p = wg_device_add_peer(big);
		size_t count = 0;
		const wg_allowedip *a;

		big->flags = WGDEVICE_REPLACE_PEERS;
		p->flags = WGPEER_HAS_PUBLIC_KEY;
		memcpy(p->public_key, pubs[0], 32);
		for (uint32_t i = 0; i < 130561; i++) {
			wg_allowedip *aip = wg_peer_add_allowedip(p);

			aip->family = AF_INET;
			aip->ip4.s_addr = htonl(0x0a000000 + i);
			aip->cidr = 32;
		}
		t0 = now_s();
		CHECK(wg_set_device(big) == 0);
		t1 = now_s();
		back = get();
		t2 = now_s();
		if (back && back->first_peer)
			wg_for_each_allowedip(back->first_peer, a)
				count++;
		CHECK(count == 130561);
		fprintf(stderr, "130561 allowed IPs on one peer: set %.3f s, get %.3f s\n", t1 - t0, t2 - t1);
		wg_free_device(big);
		wg_free_device(back);
	}
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s INTERFACE [DAEMON]\n", argv[0]);
		return 2;
	}
	ifname = argv[1];
	if (argc == 3)
		daemon_name = argv[2];
	rng = 0x6a09e667f3bcc908ULL ^ (uint64_t)time(NULL);
	fprintf(stderr, "seed %llu\n", (unsigned long long)rng);
	for (int i = 0; i < 5; i++) {
		wg_generate_private_key(privs[i]);
		wg_generate_public_key(pubs[i], privs[i]);
	}
	if (strcmp(daemon_name, "wireguard-go")) {
		/* Another daemon (wg-engine): the set semantics only. */
		test_random_sets();
		return test_done();
	}
	test_wg_sets_library_reads();
	test_parser_agrees_with_wg();
	test_library_sets();
	test_random_sets();
	test_errors();
	test_scale();
	return test_done();
}
