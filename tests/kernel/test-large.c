// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Large configurations against the real driver (inside the VM): one peer
 * with 130,561 allowed IPs, and 10,000 peers with 2 allowed IPs each, set by
 * the library and read by wg(8), and the other way round.
 */
#include <time.h>
#include <unistd.h>

#include "kutil.h"
#include "test.h"

#define BIG_AIPS 130561
#define MANY_PEERS 10000

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Allowed IP number i of a family-mixed, duplicate-free sequence. */
static void nth_aip(wg_allowedip *a, uint32_t i)
{
	if (i & 1) {
		a->family = AF_INET6;
		a->cidr = 128;
		memset(&a->ip6, 0, sizeof(a->ip6));
		a->ip6.s6_addr[0] = 0xfd;
		a->ip6.s6_addr[12] = (uint8_t)(i >> 24);
		a->ip6.s6_addr[13] = (uint8_t)(i >> 16);
		a->ip6.s6_addr[14] = (uint8_t)(i >> 8);
		a->ip6.s6_addr[15] = (uint8_t)i;
	} else {
		a->family = AF_INET;
		a->cidr = 32;
		a->ip4.s_addr = htonl(0x0a000000 | i);
	}
}

static int cmp_text_lines(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The allowed IPs of a peer as a sorted list of "addr/cidr", joined by '\n'. */
static char *sorted_aips(const wg_peer *peer)
{
	size_t n = 0, i = 0, len = 0;
	const wg_allowedip *a;
	char **lines, *out, *o, ip[INET6_ADDRSTRLEN];

	wg_for_each_allowedip(peer, a)
		n++;
	lines = calloc(n + 1, sizeof(*lines));
	if (!lines)
		abort();
	wg_for_each_allowedip(peer, a) {
		inet_ntop(a->family, &a->ip6, ip, sizeof(ip));
		if (asprintf(&lines[i], "%s/%u", ip, a->cidr) < 0)
			abort();
		len += strlen(lines[i]) + 1;
		i++;
	}
	qsort(lines, n, sizeof(*lines), cmp_text_lines);
	out = o = malloc(len + 1);
	if (!out)
		abort();
	for (i = 0; i < n; i++) {
		size_t l = strlen(lines[i]);

		memcpy(o, lines[i], l);
		o[l] = '\n';
		o += l + 1;
		free(lines[i]);
	}
	*o = '\0';
	free(lines);
	return out;
}

static void test_big_peer(void)
{
	wg_device *dev = wg_device_new("wgl0"), *got = NULL;
	wg_peer *peer = wg_device_add_peer(dev);
	char *want, *have, *wg, *lib;
	size_t n = 0;
	double t0, t1, t2;

	dev->flags = WGDEVICE_REPLACE_PEERS;
	peer->flags = WGPEER_HAS_PUBLIC_KEY;
	rand_key(peer->public_key);
	for (uint32_t i = 0; i < BIG_AIPS; i++)
		nth_aip(wg_peer_add_allowedip(peer), i);
	CHECK(wg_add_device("wgl0") == 0);
	t0 = now();
	CHECK(wg_set_device(dev) == 0);
	t1 = now();
	CHECK(wg_get_device(&got, "wgl0") == 0);
	t2 = now();
	printf("one peer x %d allowed IPs: set %.2f s, get %.2f s\n", BIG_AIPS, t1 - t0, t2 - t1);
	if (!got || !got->first_peer)
		return;
	CHECK(!got->first_peer->next_peer);	/* the split dump was merged into one peer */
	want = sorted_aips(peer);
	have = sorted_aips(got->first_peer);
	CHECK(text_equal("allowed IPs of the big peer", have, want));
	lib = conf_text(got);
	wg = sh_out("wg showconf wgl0");
	CHECK(text_equal("big peer: library vs wg showconf", lib, wg));
	free(lib);
	free(wg);
	free(have);
	wg_free_device(got);

	/* Remove one allowed IP (emulated before Linux 6.16: read, replace). */
	{
		wg_device *rm = wg_device_new("wgl0");
		wg_peer *p = wg_device_add_peer(rm);
		wg_allowedip *a;

		p->flags = WGPEER_HAS_PUBLIC_KEY;
		memcpy(p->public_key, peer->public_key, 32);
		a = wg_peer_add_allowedip(p);
		nth_aip(a, 12345);
		a->flags = WGALLOWEDIP_REMOVE_ME;
		t0 = now();
		CHECK(wg_set_device(rm) == 0);
		printf("removing one of them: %.2f s\n", now() - t0);
		wg_free_device(rm);
		CHECK(wg_get_device(&got, "wgl0") == 0);
		if (got && got->first_peer) {
			wg_allowedip gone;
			int found = 0;

			nth_aip(&gone, 12345);
			wg_for_each_allowedip(got->first_peer, a) {
				n++;
				if (a->family == AF_INET6 && !memcmp(&a->ip6, &gone.ip6, 16))
					found++;
			}
			CHECK(n == BIG_AIPS - 1 && !found);
			if (n != BIG_AIPS - 1 || found)
				fprintf(stderr, "n=%zu found=%d peers=%s\n", n, found, got->first_peer->next_peer ? "many" : "one");
		}
		wg_free_device(got);
	}
	free(want);
	wg_free_device(dev);
	CHECK(wg_del_device("wgl0") == 0);
}

static wg_device *many_peers(const char *name)
{
	wg_device *dev = wg_device_new(name);

	dev->flags = WGDEVICE_REPLACE_PEERS | WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_LISTEN_PORT;
	wg_generate_private_key(dev->private_key);
	dev->listen_port = 51000;
	for (uint32_t i = 0; i < MANY_PEERS; i++) {
		wg_peer *p = wg_device_add_peer(dev);

		p->flags = WGPEER_HAS_PUBLIC_KEY;
		rand_key(p->public_key);
		if (i % 3 == 0) {
			p->flags |= WGPEER_HAS_PRESHARED_KEY;
			rand_key(p->preshared_key);
		}
		if (i % 2 == 0) {
			p->endpoint.addr4.sin_family = AF_INET;
			p->endpoint.addr4.sin_port = htons((uint16_t)(1024 + i));
			p->endpoint.addr4.sin_addr.s_addr = htonl(0xc6120000 + i);	/* 198.18/15 */
		}
		nth_aip(wg_peer_add_allowedip(p), 2 * i);
		nth_aip(wg_peer_add_allowedip(p), 2 * i + 1);
	}
	return dev;
}

static void test_many_peers(void)
{
	wg_device *dev = many_peers("wgl1"), *got = NULL;
	char *want, *lib, *wg;
	double t0, t1, t2;
	FILE *f;

	CHECK(wg_add_device("wgl1") == 0);
	t0 = now();
	CHECK(wg_set_device(dev) == 0);
	t1 = now();
	CHECK(wg_get_device(&got, "wgl1") == 0);
	t2 = now();
	printf("%d peers x 2 allowed IPs: set %.2f s, get %.2f s\n", MANY_PEERS, t1 - t0, t2 - t1);
	want = conf_text(dev);
	lib = got ? conf_text(got) : NULL;
	wg = sh_out("wg showconf wgl1");
	CHECK(text_equal("10k peers: library vs what was set", lib, want));
	CHECK(text_equal("10k peers: wg showconf vs what was set", wg, want));
	{
		char *fmt = NULL;

		CHECK(got && wg_config_format(&fmt, got, NULL) == 0);
		CHECK(text_equal("10k peers: wg_config_format vs wg showconf", fmt, wg));
		wg_config_free_text(fmt);
	}
	free(lib);
	free(wg);
	wg_free_device(got);
	/* No deletion: the kernel removes peers at one RCU grace period each, minutes for 10,000 under TCG. */

	/* And what wg setconf sets, the library reads back. */
	CHECK(wg_add_device("wgl2") == 0);
	f = fopen("/tmp/many.conf", "w");
	fputs(want, f);
	fclose(f);
	t0 = now();
	CHECK(sh("wg setconf wgl2 /tmp/many.conf") == 0);
	t1 = now();
	lib = lib_text("wgl2");
	printf("wg setconf of the same: %.2f s\n", t1 - t0);
	CHECK(text_equal("10k peers: library vs the file wg setconf read", lib, want));
	free(lib);
	free(want);
	wg_free_device(dev);
}

static int restarts;

static void count_restarts(int level, const char *msg, void *ctx)
{
	(void)level;
	(void)ctx;
	if (strstr(msg, "changed during the dump"))
		restarts++;
}

/* A dump that the kernel marks interrupted (NLM_F_DUMP_INTR) is read again. */
static void test_dump_restart(void)
{
	wg_device *got = NULL, *upd;
	int gets = 0, good = 0, st;
	pid_t pid;

	CHECK(wg_get_device(&got, "wgl2") == 0);
	if (!got || !got->first_peer)
		return;
	upd = wg_device_new("wgl2");
	wg_device_add_peer(upd)->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	memcpy(upd->first_peer->public_key, got->last_peer->public_key, 32);
	wg_free_device(got);
	pid = fork();
	if (pid == 0) {
		/* Change the device now and then while the parent reads it. */
		for (int i = 0; i < 12; i++) {
			upd->first_peer->persistent_keepalive_interval = (uint16_t)(i + 1);
			if (wg_set_device(upd) < 0)
				_exit(1);
			usleep(150000);
		}
		_exit(0);
	}
	wg_set_log_callback(count_restarts, NULL, WG_LOG_DEBUG);
	while (waitpid(pid, &st, WNOHANG) == 0) {
		int n = 0;
		wg_peer *p;

		gets++;
		if (wg_get_device(&got, "wgl2") == 0) {
			wg_for_each_peer(got, p)
				n++;
			good += n == MANY_PEERS;
			wg_free_device(got);
		} else {
			fprintf(stderr, "get during updates: %s\n", wg_last_error());
		}
	}
	wg_set_log_callback(NULL, NULL, 0);
	printf("%d gets while the device changed, %d restarted dumps\n", gets, restarts);
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	CHECK(gets > 0 && good == gets);
	CHECK(restarts > 0);
	wg_free_device(upd);
}

int main(void)
{
	test_big_peer();
	test_many_peers();
	test_dump_restart();
	return test_done();
}
