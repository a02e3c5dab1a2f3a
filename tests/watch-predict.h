/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * What a watch should report between two readings of a device, predicted
 * independently of lib/watch: a quadratic walk over peers and prefixes
 * that prints each expected event as wg_watch_format() prints it (text,
 * without handshakes and silence, which need traffic).  Tests compare the
 * sorted lines with what the watch delivered: no loss, no duplicate.
 */
#ifndef WG_WATCH_PREDICT_H
#define WG_WATCH_PREDICT_H

#include <arpa/inet.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <wireguard.h>

struct lines {
	char **v;
	size_t n;
};

static inline void lines_add(struct lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void lines_add(struct lines *l, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		abort();
	va_end(ap);
	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = s;
}

static inline void lines_free(struct lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static inline int lines_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Equal as multisets; prints the difference when not. */
static inline bool lines_same(struct lines *got, struct lines *want)
{
	size_t i = 0, j = 0;
	bool same = true;

	qsort(got->v, got->n, sizeof(char *), lines_cmp);
	qsort(want->v, want->n, sizeof(char *), lines_cmp);
	while (i < got->n || j < want->n) {
		int c = i == got->n ? 1 : j == want->n ? -1 : strcmp(got->v[i], want->v[j]);

		if (c < 0)
			fprintf(stderr, "  unexpected: %s\n", got->v[i++]), same = false;
		else if (c > 0)
			fprintf(stderr, "  missing:    %s\n", want->v[j++]), same = false;
		else
			i++, j++;
	}
	return same;
}

static inline void predict_key(char out[64], const uint8_t *key)
{
	wg_key_b64_string b64;
	wg_key pub;

	if (wg_key_is_zero(key)) {
		strcpy(out, "(none)");
		return;
	}
	wg_generate_public_key(pub, key);
	wg_key_to_base64(b64, pub);
	strcpy(out, b64);
}

static inline void predict_endpoint(char out[80], const wg_endpoint *ep)
{
	char ip[INET6_ADDRSTRLEN];

	if (ep->addr.sa_family == AF_INET) {
		inet_ntop(AF_INET, &ep->addr4.sin_addr, ip, sizeof(ip));
		snprintf(out, 80, "%s:%u", ip, ntohs(ep->addr4.sin_port));
	} else if (ep->addr.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &ep->addr6.sin6_addr, ip, sizeof(ip));
		snprintf(out, 80, "[%s]:%u", ip, ntohs(ep->addr6.sin6_port));
	} else {
		strcpy(out, "(none)");
	}
}

static inline bool predict_same_ep(const wg_endpoint *a, const wg_endpoint *b)
{
	char x[80], y[80];

	predict_endpoint(x, a);
	predict_endpoint(y, b);
	return !strcmp(x, y);
}

static inline void predict_prefix(char out[64], const wg_allowedip *a)
{
	char ip[INET6_ADDRSTRLEN];

	inet_ntop(a->family, a->family == AF_INET ? (const void *)&a->ip4 : (const void *)&a->ip6, ip, sizeof(ip));
	snprintf(out, 64, "%s/%u", ip, a->cidr);
}

static inline const wg_peer *predict_find(const wg_device *d, const uint8_t *key)
{
	const wg_peer *p;

	wg_for_each_peer(d, p)
		if (!memcmp(p->public_key, key, 32))
			return p;
	return NULL;
}

static inline bool predict_has_prefix(const wg_peer *p, const wg_allowedip *x)
{
	const wg_allowedip *a;
	char s[64], t[64];

	predict_prefix(s, x);
	wg_for_each_allowedip(p, a) {
		predict_prefix(t, a);
		if (!strcmp(s, t))
			return true;
	}
	return false;
}

static inline void predict(struct lines *out, const char *dev, const wg_device *a, const wg_device *b)
{
	char x[80], y[80];
	wg_key_b64_string k;
	const wg_peer *p, *q;
	const wg_allowedip *aip;

	if (memcmp(a->private_key, b->private_key, 32)) {
		predict_key(x, a->private_key);
		predict_key(y, b->private_key);
		lines_add(out, "%s private-key %s -> %s", dev, x, y);
	}
	if (a->listen_port != b->listen_port)
		lines_add(out, "%s listen-port %u -> %u", dev, a->listen_port, b->listen_port);
	if (a->fwmark != b->fwmark)
		lines_add(out, "%s fwmark 0x%x -> 0x%x", dev, a->fwmark, b->fwmark);
	wg_for_each_peer(a, p)
		if (!predict_find(b, p->public_key)) {
			wg_key_to_base64(k, p->public_key);
			lines_add(out, "%s peer-removed %s", dev, k);
		}
	wg_for_each_peer(b, q) {
		static const wg_peer none;

		p = predict_find(a, q->public_key);
		wg_key_to_base64(k, q->public_key);
		if (!p)
			lines_add(out, "%s peer-added %s", dev, k);
		if (!predict_same_ep(p ? &p->endpoint : &none.endpoint, &q->endpoint)) {
			predict_endpoint(x, p ? &p->endpoint : &none.endpoint);
			predict_endpoint(y, &q->endpoint);
			lines_add(out, "%s endpoint %s %s -> %s", dev, k, x, y);
		}
		if (memcmp(p ? p->preshared_key : none.preshared_key, q->preshared_key, 32))
			lines_add(out, "%s preshared-key %s", dev, k);
		if ((p ? p->persistent_keepalive_interval : 0) != q->persistent_keepalive_interval)
			lines_add(out, "%s keepalive %s %u -> %u", dev, k,
				  p ? p->persistent_keepalive_interval : 0, q->persistent_keepalive_interval);
		wg_for_each_allowedip(q, aip)
			if (!p || !predict_has_prefix(p, aip)) {
				predict_prefix(x, aip);
				lines_add(out, "%s allowed-ip-added %s %s", dev, k, x);
			}
		if (p)
			wg_for_each_allowedip(p, aip)
				if (!predict_has_prefix(q, aip)) {
					predict_prefix(x, aip);
					lines_add(out, "%s allowed-ip-removed %s %s", dev, k, x);
				}
	}
}

/* Read every event that arrives within ms, as text lines (kinds in skip are left out). */
static inline size_t watch_collect(wg_watch *w, int ms, struct lines *out, const uint32_t *skip,
				   struct wg_watch_event *last)
{
	struct timespec t0, t;
	size_t total = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct wg_watch_event ev[64];
		struct pollfd pfd = { .fd = wg_watch_fd(w), .events = POLLIN };
		int n, left;

		clock_gettime(CLOCK_MONOTONIC, &t);
		left = ms - (int)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			break;
		poll(&pfd, 1, left);
		n = wg_watch_read(w, ev, 64, sizeof(ev[0]));
		for (int i = 0; i < n; i++) {
			char line[512];
			bool skipped = false;

			for (const uint32_t *s = skip; s && *s; s++)
				skipped |= ev[i].kind == *s;
			total++;
			if (last)
				*last = ev[i];
			if (skipped)
				continue;
			wg_watch_format(line, sizeof(line), &ev[i], 0);
			if (out)
				lines_add(out, "%s", line);
		}
	}
	return total;
}

/* A device of up to 12 peers changed at random, one small change each call:
 * a peer removed, its endpoint, keepalive or allowed IPs (added, replaced or
 * one removed) changed, or the device's listen port.  r is random. */
static inline wg_device *predict_random_change(const char *name, wg_key keys[12], uint32_t r)
{
	wg_device *dev = wg_device_new(name);
	wg_peer *p = wg_device_add_peer(dev);
	wg_allowedip *aip;

	p->flags = WGPEER_HAS_PUBLIC_KEY;
	memcpy(p->public_key, keys[r % 12], 32);
	switch ((r >> 8) % 7) {
	case 0:
		p->flags |= WGPEER_REMOVE_ME;
		break;
	case 1:
		p->endpoint.addr4.sin_family = AF_INET;
		p->endpoint.addr4.sin_port = htons((uint16_t)(1 + (r >> 16) % 50));
		p->endpoint.addr4.sin_addr.s_addr = htonl(0xc6336401);	/* 198.51.100.1 */
		break;
	case 2:
		p->flags |= WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
		p->persistent_keepalive_interval = (uint16_t)((r >> 16) % 3);
		break;
	case 3:
		p->flags |= WGPEER_REPLACE_ALLOWEDIPS;
		/* fall through */
	default:
		aip = wg_peer_add_allowedip(p);
		aip->family = AF_INET;
		aip->ip4.s_addr = htonl(0x0a000000 | ((r >> 16) % 24) << 8);
		aip->cidr = 24;
		if ((r >> 12) % 3 == 0)
			aip->flags = WGALLOWEDIP_REMOVE_ME;
		break;
	case 6:
		dev->flags |= WGDEVICE_HAS_LISTEN_PORT;
		dev->listen_port = (uint16_t)(2000 + (r >> 16) % 3);
		break;
	}
	return dev;
}

/* How a test reads and changes the device under the watch (0 or -errno). */
typedef int predict_get_fn(void *ctx, wg_device **dev);
typedef int predict_set_fn(void *ctx, wg_device *dev);

/*
 * 1,000 random changes in rounds of 10: each round's events, collected for
 * settle_ms, must be exactly what predict() says of the device read before
 * and after the round.  Prints a summary; returns whether every round
 * matched (a failed read or change counts as a mismatch).
 */
static inline bool predict_random_rounds(wg_watch *w, const char *name, int settle_ms,
					 predict_get_fn *get, predict_set_fn *set, void *ctx)
{
	uint64_t rng = 0x1234567;
	wg_key keys[12];
	unsigned changes = 0, rounds = 0, events = 0;
	bool ok = true;

	for (size_t i = 0; i < 12; i++)
		wg_generate_private_key(keys[i]);
	while (changes < 1000) {
		struct lines got = { 0 }, want = { 0 };
		wg_device *before = NULL, *after = NULL;

		if (get(ctx, &before) < 0)
			return false;
		for (int k = 0; k < 10; k++, changes++) {
			wg_device *dev;

			rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
			dev = predict_random_change(name, keys, (uint32_t)(rng >> 33));
			if (set(ctx, dev) < 0) {
				fprintf(stderr, "change %u failed: %s\n", changes, wg_last_error());
				ok = false;
			}
			wg_free_device(dev);
		}
		if (get(ctx, &after) < 0) {
			wg_free_device(before);
			return false;
		}
		predict(&want, name, before, after);
		watch_collect(w, settle_ms, &got, NULL, NULL);
		events += (unsigned)got.n;
		if (!lines_same(&got, &want)) {
			ok = false;
			fprintf(stderr, "round %u differs\n", rounds);
		}
		rounds++;
		lines_free(&got);
		lines_free(&want);
		wg_free_device(before);
		wg_free_device(after);
	}
	printf("random: %u changes in %u rounds, %u events, all as predicted: %s\n", changes, rounds,
	       events, ok ? "yes" : "no");
	return ok;
}

#endif
