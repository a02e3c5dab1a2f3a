// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Set and get 10,000 peers x 2 allowed IPs on the real WireGuard driver
 * with the library and with wg(8) (`wg setconf` / `wg showconf`), on the same
 * configuration, in one run inside the VM; prints a table of ratios.
 *
 * Every set goes to a fresh device: replacing 10,000 existing peers costs
 * the kernel an RCU grace period per peer, which would measure the kernel's
 * teardown instead of either tool.  Runs alternate so that neither side
 * profits from a warmer kernel.
 */
#include <fcntl.h>
#include <spawn.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include "../../tests/kernel/kutil.h"

#define PEERS 10000
#define SET_RUNS 5
#define GET_RUNS 5

extern char **environ;

/* Wall-clock and user CPU seconds of one run: under TCG, and with other
 * work on the host, the wall time is noisy and dominated by the kernel's own
 * per-peer work (in sys time, the same for both); user time is each tool's. */
struct cost {
	double wall, user;
};

static double user_time(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6;
}

static double self_user(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return user_time(&ru);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Run wg(8) directly (no shell), output to /dev/null; wall -1 on failure. */
static struct cost time_wg(const char *a1, const char *a2, const char *a3)
{
	struct cost c = { -1, -1 };
	struct rusage ru;
	const char *argv[] = { "wg", a1, a2, a3, NULL };
	posix_spawn_file_actions_t fa;
	double t0 = now();
	pid_t pid;
	int st;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "wg", &fa, NULL, (char **)argv, environ) != 0)
		return c;
	posix_spawn_file_actions_destroy(&fa);
	if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return c;
	c.wall = now() - t0;
	c.user = user_time(&ru);
	return c;
}

static wg_device *config(void)
{
	wg_device *dev = wg_device_new(NULL);

	dev->flags = WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_LISTEN_PORT;
	wg_generate_private_key(dev->private_key);
	dev->listen_port = 51820;
	for (uint32_t i = 0; i < PEERS; i++) {
		wg_peer *p = wg_device_add_peer(dev);
		wg_allowedip *a;

		p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PRESHARED_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
		wg_generate_preshared_key(p->public_key);
		wg_generate_preshared_key(p->preshared_key);
		p->persistent_keepalive_interval = 25;
		p->endpoint.addr4.sin_family = AF_INET;
		p->endpoint.addr4.sin_port = htons((uint16_t)(1024 + i));
		p->endpoint.addr4.sin_addr.s_addr = htonl(0xc6120000 + i);
		a = wg_peer_add_allowedip(p);
		a->family = AF_INET;
		a->ip4.s_addr = htonl(0x0a000000 + i);
		a->cidr = 32;
		a = wg_peer_add_allowedip(p);
		a->family = AF_INET6;
		a->ip6.s6_addr[0] = 0xfd;
		a->ip6.s6_addr[14] = (uint8_t)(i >> 8);
		a->ip6.s6_addr[15] = (uint8_t)i;
		a->cidr = 128;
	}
	return dev;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const struct cost *c, int n, bool user)
{
	double v[16];

	for (int i = 0; i < n; i++)
		v[i] = user ? c[i].user : c[i].wall;
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return v[n / 2];
}

static void row(const char *what, const struct cost *lib, const struct cost *wg, int n)
{
	double lw = median(lib, n, false), ww = median(wg, n, false);
	double lu = median(lib, n, true), wu = median(wg, n, true);

	printf("%-26s %8.3f s %8.3f s %6.2fx   %8.3f s %8.3f s %6.2fx\n", what, lw, ww, lw / ww, lu, wu,
	       wu > 0 ? lu / wu : 0.0);
}

int main(void)
{
	wg_device *dev = config(), *got;
	struct cost lib_set[SET_RUNS], wg_set[SET_RUNS], lib_get[GET_RUNS], lib_show[GET_RUNS], wg_get[GET_RUNS];
	double t, u;
	char name[IFNAMSIZ], *text = conf_text(dev);
	FILE *f = fopen("/tmp/bench.conf", "w");
	bool ok = true;

	fputs(text, f);
	fclose(f);
	free(text);
	for (int r = 0; r < 2 * SET_RUNS; r++) {
		/* Alternate who goes first. */
		if ((r & 1) == (r / 2 & 1)) {
			snprintf(name, sizeof(name), "wgw%d", r / 2);
			ok &= wg_add_device(name) == 0;
			wg_set[r / 2] = time_wg("setconf", name, "/tmp/bench.conf");
			ok &= wg_set[r / 2].wall >= 0;
		} else {
			snprintf(name, sizeof(name), "wgl%d", r / 2);
			ok &= wg_add_device(name) == 0;
			strcpy(dev->name, name);
			t = now();
			u = self_user();
			ok &= wg_set_device(dev) == 0;
			lib_set[r / 2].wall = now() - t;
			lib_set[r / 2].user = self_user() - u;
		}
	}
	for (int r = 0; r < GET_RUNS; r++) {
		wg_get[r] = time_wg("showconf", "wgl0", NULL);
		ok &= wg_get[r].wall >= 0;
		t = now();
		u = self_user();
		ok &= wg_get_device(&got, "wgl0") == 0;
		lib_get[r].wall = now() - t;
		lib_get[r].user = self_user() - u;
		/* The same work as wg showconf: read, then print the text. */
		ok &= wg_config_format(&text, got, NULL) == 0;
		lib_show[r].wall = now() - t;
		lib_show[r].user = self_user() - u;
		wg_config_free_text(text);
		wg_free_device(got);
	}
	if (!ok) {
		fprintf(stderr, "a run failed: %s\n", wg_last_error());
		return 1;
	}
	/* Both sides read back the same device. */
	text = lib_text("wgl0");
	{
		char *a = lib_text("wgw0");

		if (!text || !a || strcmp(text, a)) {
			fprintf(stderr, "the devices set by the library and by wg setconf differ\n");
			return 1;
		}
		free(a);
	}
	free(text);
	printf("%d peers x 2 allowed IPs on Linux's WireGuard under qemu TCG; median of %d (set) / %d (get) runs\n",
	       PEERS, SET_RUNS, GET_RUNS);
	printf("%-26s %10s %10s %7s   %10s %10s %7s\n", "operation", "lib wall", "wg wall", "ratio", "lib user",
	       "wg user", "ratio");
	row("set (wg setconf)", lib_set, wg_set, SET_RUNS);
	row("get (wg showconf)", lib_get, wg_get, GET_RUNS);
	row("get + wg_config_format", lib_show, wg_get, GET_RUNS);
	for (int r = 0; r < SET_RUNS; r++)
		printf("set run %d: library %.3f s, wg %.3f s\n", r, lib_set[r].wall, wg_set[r].wall);
	wg_free_device(dev);
	return 0;
}
