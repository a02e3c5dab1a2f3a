// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What watching a kernel device with 10,000 peers costs per interval: the
 * watch's re-read and diff (one generic netlink dump, sort, compare with
 * the last reading) against `wg show DEV dump`, which is what tools poll
 * with today, at the same interval, in one VM run.  CPU is user + system
 * time (the kernel's dump work is in both); each side runs READS times,
 * alternating.  Prints the medians and the ratio (goal: <= 0.5).
 *
 * The watch first only summarises a dump and parses, sorts and diffs it
 * only when the configuration changed (watch_kernel.c).  So this is
 * measured twice: with nothing changed between readings (the usual
 * interval, which the goal is about) and with one peer's endpoint changed
 * before every reading (the dump is then taken twice and diffed in full).
 *
 *   meson test -C build --benchmark --suite kernel watch -v
 */
#include <fcntl.h>
#include <spawn.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include "../../tests/kernel/kutil.h"
#include "watch.h"

#define PEERS 10000
#define READS 9

extern char **environ;

static double user(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6;
}

static double cpu(const struct rusage *ru)
{
	return (double)ru->ru_utime.tv_sec + (double)ru->ru_utime.tv_usec / 1e6 +
	       (double)ru->ru_stime.tv_sec + (double)ru->ru_stime.tv_usec / 1e6;
}

static double self_cpu(double *u)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	*u = user(&ru);
	return cpu(&ru);
}

static double last_wg_user;

/* CPU seconds of `wg show DEV dump` > /dev/null, or -1. */
static double wg_dump(const char *dev)
{
	const char *argv[] = { "wg", "show", dev, "dump", NULL };
	posix_spawn_file_actions_t fa;
	struct rusage ru;
	pid_t pid;
	int st;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	if (posix_spawnp(&pid, "wg", &fa, NULL, (char **)argv, environ) != 0)
		return -1;
	posix_spawn_file_actions_destroy(&fa);
	if (wait4(pid, &st, 0, &ru) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	last_wg_user = user(&ru);
	return cpu(&ru);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* One peer's endpoint moved, as roaming does. */
static int move_peer(const wg_key key, int round)
{
	wg_device *dev = wg_device_new("wgbench");
	wg_peer *p = wg_device_add_peer(dev);
	int ret;

	p->flags = WGPEER_HAS_PUBLIC_KEY;
	memcpy(p->public_key, key, sizeof(wg_key));
	p->endpoint.addr4.sin_family = AF_INET;
	p->endpoint.addr4.sin_port = htons((uint16_t)(60000 + round));
	p->endpoint.addr4.sin_addr.s_addr = htonl(0xc6336401);
	ret = wg_set_device(dev);
	wg_free_device(dev);
	return ret;
}

/* READS readings each side; changed: one peer moved before each. */
static int measure(wg_watch *w, bool changed, const wg_key key, double *ours, double *theirs,
		   double *ours_user, double *theirs_user, int *events)
{
	struct wg_watch_event ev[64];

	*events = 0;
	for (int r = 0; r < READS; r++) {
		double u0, u1, t0;
		int n;

		if (changed && move_peer(key, r) < 0) {
			fprintf(stderr, "set: %s\n", wg_last_error());
			return -1;
		}
		t0 = self_cpu(&u0);
		watch_read_all(w);
		ours[r] = self_cpu(&u1) - t0;
		ours_user[r] = u1 - u0;
		theirs[r] = wg_dump("wgbench");
		theirs_user[r] = last_wg_user;
		if (theirs[r] < 0)
			return -1;
		while ((n = wg_watch_read(w, ev, 64, sizeof(ev[0]))) > 0)
			*events += n;
	}
	return 0;
}

static void report(const char *what, double *ours, double *theirs, double *ours_user,
		   double *theirs_user)
{
	printf("%s, CPU per interval, median of %d:\n", what, READS);
	printf("  libwireguard watch (dump, compare; parse + sort + diff on change): %8.2f ms\n",
	       median(ours, READS) * 1e3);
	printf("  wg show DEV dump (what tools poll):                                %8.2f ms\n",
	       median(theirs, READS) * 1e3);
	printf("  ratio watch / wg show dump:                                        %8.2fx\n",
	       median(ours, READS) / median(theirs, READS));
	printf("  of which user time: watch %.2f ms, wg %.2f ms (the rest is the kernel's dump)\n",
	       median(ours_user, READS) * 1e3, median(theirs_user, READS) * 1e3);
}

int main(void)
{
	struct wg_watch_options o = { .size = sizeof(o), .netns_fd = -1, .interval_ms = 3600000 };
	const char *names[] = { "wgbench", NULL };
	double ours[READS], theirs[READS], ours_user[READS], theirs_user[READS];
	double ours2[READS], theirs2[READS], ours2_user[READS], theirs2_user[READS];
	wg_key moved;
	wg_device *dev;
	wg_watch *w;
	int n, n2;

	if (sh("ip link add wgbench type wireguard") != 0)
		return 1;
	/* 10,000 peers with 2 allowed IPs each, set by the library in chunks. */
	for (int base = 0; base < PEERS; base += 1000) {
		dev = wg_device_new("wgbench");
		for (int i = base; i < base + 1000; i++) {
			wg_peer *p = wg_device_add_peer(dev);
			wg_allowedip *a = wg_peer_add_allowedip(p), *b = wg_peer_add_allowedip(p);

			p->flags = WGPEER_HAS_PUBLIC_KEY;
			wg_generate_private_key(p->public_key);
			if (i == PEERS / 2)
				memcpy(moved, p->public_key, sizeof(wg_key));
			p->endpoint.addr4.sin_family = AF_INET;
			p->endpoint.addr4.sin_port = htons((uint16_t)(1000 + i % 50000));
			p->endpoint.addr4.sin_addr.s_addr = htonl(0xc0000200 + (uint32_t)i);
			a->family = b->family = AF_INET;
			a->ip4.s_addr = htonl(0x0a000000 | (uint32_t)i << 8);
			b->ip4.s_addr = htonl(0x0b000000 | (uint32_t)i << 8);
			a->cidr = b->cidr = 24;
		}
		if (wg_set_device(dev) < 0) {
			fprintf(stderr, "set: %s\n", wg_last_error());
			return 1;
		}
		wg_free_device(dev);
	}
	/* The interval is the caller's; what it costs is one reading each. */
	o.devices = names;
	if (wg_watch_open(&w, &o) < 0) {
		fprintf(stderr, "wg_watch_open: %s\n", wg_last_error());
		return 1;
	}
	if (measure(w, false, moved, ours, theirs, ours_user, theirs_user, &n) < 0 ||
	    measure(w, true, moved, ours2, theirs2, ours2_user, theirs2_user, &n2) < 0)
		return 1;
	printf("watching a kernel device with %d peers (2 allowed IPs each)\n", PEERS);
	report("nothing changed between readings (goal <= 0.5x)", ours, theirs, ours_user, theirs_user);
	printf("  events from unchanged readings: %d (expected 0)\n", n);
	report("one peer's endpoint changed before each reading", ours2, theirs2, ours2_user, theirs2_user);
	printf("  events from changed readings: %d (expected %d)\n", n2, READS);
	wg_watch_close(w);
	return n != 0 || n2 != READS;
}
