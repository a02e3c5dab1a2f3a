// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wg-monitor: print what happens to WireGuard devices (kernel, userspace
 * daemons), one line per event like `ip monitor`, or one JSON object per
 * line.  It shows exactly what a program using wg_watch_open() sees.
 *
 *   wg-monitor [--json] [--interval SEC] [--silent-after SEC] [--netns PATH] [DEVICE...]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <wireguard.h>

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: wg-monitor [--json] [--interval SEC] [--silent-after SEC] [--netns PATH] [DEVICE...]\n");
}

/* Seconds (fractions allowed) to milliseconds; -1 if not a number in range. */
static long parse_seconds(const char *s)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !isfinite(v) || v < 0 || v > 86400.0 * 365)
		return -1;
	return lround(v * 1000);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "interval", required_argument, NULL, 'i' },
		{ "silent-after", required_argument, NULL, 's' },
		{ "netns", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct wg_watch_options o = { .size = sizeof(o), .netns_fd = -1 };
	uint32_t fmt = 0;
	wg_watch *w;
	long v;
	int c, ret;

	while ((c = getopt_long(argc, argv, "ji:s:n:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			fmt = WG_WATCH_FORMAT_JSON;
			break;
		case 'i':
		case 's':
			v = parse_seconds(optarg);
			if (v < 0 || v > UINT32_MAX || (c == 'i' && v < 10)) {
				fprintf(stderr, "wg-monitor: bad %s '%s'\n", c == 'i' ? "interval" : "silent-after",
					optarg);
				return 2;
			}
			*(c == 'i' ? &o.interval_ms : &o.silent_after_ms) = (uint32_t)v;
			break;
		case 'n':
			o.netns_fd = open(optarg, O_RDONLY | O_CLOEXEC);
			if (o.netns_fd < 0) {
				fprintf(stderr, "wg-monitor: %s: %s\n", optarg, strerror(errno));
				return 1;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		o.devices = (const char *const *)argv + optind;	/* argv ends with NULL */
	ret = wg_watch_open(&w, &o);
	if (ret < 0) {
		fprintf(stderr, "wg-monitor: %s\n", wg_last_error());
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (!stop) {
		struct pollfd pfd = { .fd = wg_watch_fd(w), .events = POLLIN };
		struct wg_watch_event ev[64];
		int n;

		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		while ((n = wg_watch_read(w, ev, 64, sizeof(ev[0]))) > 0)
			for (int i = 0; i < n; i++) {
				char line[1024];

				wg_watch_format(line, sizeof(line), &ev[i], fmt);
				if (puts(line) == EOF)
					stop = 1;
			}
	}
	wg_watch_close(w);
	if (o.netns_fd >= 0)
		close(o.netns_fd);
	return 0;
}
