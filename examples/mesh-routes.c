// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A mesh routing daemon's core, on libwireguard's watch: for each peer of a
 * WireGuard device, route its allowed IPs through the device once a
 * handshake with it completes, and withdraw the routes when it goes silent
 * or is removed (also by someone else, with `wg set`).  Works the same on a
 * kernel device and on a userspace one (wg-engine, wireguard-go).
 *
 *   mesh-routes [--silent-after SEC] [--interval SEC] DEVICE
 *
 * Prints one line per route added or withdrawn.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wireguard.h>

#define MAX_PEERS 1024

/* The routes we installed, per peer: what we must withdraw later. */
struct routed {
	wg_key peer;
	size_t n;
	struct wg_watch_prefix *prefixes;
};

static struct routed routed[MAX_PEERS];
static size_t nrouted;
static const char *device;
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static struct routed *find(const uint8_t *key)
{
	for (size_t i = 0; i < nrouted; i++)
		if (!memcmp(routed[i].peer, key, sizeof(wg_key)))
			return &routed[i];
	return NULL;
}

static void route(const struct wg_watch_prefix *p, bool add)
{
	char ip[INET6_ADDRSTRLEN];
	int ret = add ? wg_route_add(NULL, device, p->family, &p->ip4, p->cidr, 0) :
			wg_route_del(NULL, device, p->family, &p->ip4, p->cidr, 0);

	inet_ntop(p->family, &p->ip4, ip, sizeof(ip));
	if (ret < 0 && ret != -EEXIST && ret != -ESRCH)
		fprintf(stderr, "mesh-routes: %s\n", wg_last_error());
	else
		printf("%s %s/%u dev %s\n", add ? "route add" : "route del", ip, p->cidr, device);
}

/* Route every allowed IP of the peer (read now: the device is the truth). */
static void install(const uint8_t *key)
{
	struct routed *r = find(key);
	wg_device *dev;
	wg_peer *peer;
	wg_allowedip *aip;

	if (r || nrouted == MAX_PEERS || wg_get_device(&dev, device) < 0)
		return;
	wg_for_each_peer(dev, peer) {
		if (memcmp(peer->public_key, key, sizeof(wg_key)))
			continue;
		r = &routed[nrouted++];
		memset(r, 0, sizeof(*r));	/* a slot freed by withdraw() */
		memcpy(r->peer, key, sizeof(wg_key));
		wg_for_each_allowedip(peer, aip) {
			struct wg_watch_prefix p = { .family = aip->family, .cidr = aip->cidr };

			memcpy(&p.ip6, &aip->ip6, aip->family == AF_INET ? 4 : 16);
			r->prefixes = realloc(r->prefixes, (r->n + 1) * sizeof(p));
			if (!r->prefixes)
				abort();
			r->prefixes[r->n++] = p;
			route(&p, true);
		}
	}
	wg_free_device(dev);
}

static void withdraw(const uint8_t *key)
{
	struct routed *r = find(key);

	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		route(&r->prefixes[i], false);
	free(r->prefixes);
	*r = routed[--nrouted];
	memset(&routed[nrouted], 0, sizeof(routed[nrouted]));
}

/* An allowed IP added or removed while the peer is routed. */
static void change(const uint8_t *key, const struct wg_watch_prefix *p, bool add)
{
	struct routed *r = find(key);

	if (!r)
		return;
	if (add) {
		r->prefixes = realloc(r->prefixes, (r->n + 1) * sizeof(*p));
		if (!r->prefixes)
			abort();
		r->prefixes[r->n++] = *p;
	} else {
		for (size_t i = 0; i < r->n; i++)
			if (!memcmp(&r->prefixes[i], p, sizeof(*p)))
				r->prefixes[i] = r->prefixes[--r->n];
	}
	route(p, add);
}

static void handle(const struct wg_watch_event *ev)
{
	switch (ev->kind) {
	case WG_WATCH_HANDSHAKE:
	case WG_WATCH_PEER_ACTIVE:
		install(ev->public_key);
		break;
	case WG_WATCH_PEER_SILENT:
	case WG_WATCH_PEER_REMOVED:
		withdraw(ev->public_key);
		break;
	case WG_WATCH_ALLOWEDIP_ADDED:
		change(ev->public_key, &ev->after.prefix, true);
		break;
	case WG_WATCH_ALLOWEDIP_REMOVED:
		change(ev->public_key, &ev->before.prefix, false);
		break;
	case WG_WATCH_OVERFLOW:
	case WG_WATCH_DEVICE_REMOVED:
		/* We missed events (or the routes went with the device): start
		 * over; routed peers are reinstalled at their next handshake. */
		while (nrouted)
			withdraw(routed[0].peer);
		break;
	}
}

int main(int argc, char **argv)
{
	struct wg_watch_options o = { .size = sizeof(o), .netns_fd = -1, .silent_after_ms = 135000 };
	const char *names[2] = { NULL, NULL };
	wg_watch *w;
	int i;

	for (i = 1; i + 1 < argc && !strncmp(argv[i], "--", 2); i += 2) {
		if (!strcmp(argv[i], "--silent-after"))
			o.silent_after_ms = (uint32_t)(atof(argv[i + 1]) * 1000);
		else if (!strcmp(argv[i], "--interval"))
			o.interval_ms = (uint32_t)(atof(argv[i + 1]) * 1000);
		else
			break;
	}
	if (i + 1 != argc) {
		fprintf(stderr, "usage: mesh-routes [--silent-after SEC] [--interval SEC] DEVICE\n");
		return 2;
	}
	device = names[0] = argv[i];
	o.devices = names;
	if (wg_watch_open(&w, &o) < 0) {
		fprintf(stderr, "mesh-routes: %s\n", wg_last_error());
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The watch reports changes from now on: peers already talking get
	 * their routes from the device's current state. */
	{
		wg_device *dev;
		wg_peer *peer;
		time_t now = time(NULL);

		if (wg_get_device(&dev, device) == 0) {
			wg_for_each_peer(dev, peer)
				if (peer->last_handshake_time.tv_sec &&
				    (now - peer->last_handshake_time.tv_sec) * 1000 < (int64_t)o.silent_after_ms)
					install(peer->public_key);
			wg_free_device(dev);
		}
	}
	while (!stop) {
		struct pollfd pfd = { .fd = wg_watch_fd(w), .events = POLLIN };
		struct wg_watch_event ev[32];
		int n;

		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		while ((n = wg_watch_read(w, ev, 32, sizeof(ev[0]))) > 0)
			for (int k = 0; k < n; k++)
				handle(&ev[k]);
	}
	while (nrouted)
		withdraw(routed[0].peer);
	wg_watch_close(w);
	return 0;
}
