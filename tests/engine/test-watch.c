// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The watch on in-process engines: configuration changes found by
 * re-reading, handshakes and roaming pushed by the engine through
 * wg_watch_feed(), overflow, removal, and 1,000 random changes whose
 * events must be exactly what an independent diff predicts.
 */
#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include "sim.h"
#include "test.h"
#include "watch-predict.h"

#define INTERVAL_MS 20
#define SETTLE_MS (INTERVAL_MS * 3)

static struct sim sim;
static wg_watch *watch;

static void feed(struct sim_node *node, const struct wg_event *ev)
{
	wg_watch_feed(watch, node == &sim.nodes[0] ? "a" : "b", ev);
}

static wg_watch *open_watch(uint32_t queue_max, uint32_t silent_ms)
{
	struct wg_watch_options o = {
		.size = sizeof(o), .netns_fd = -1, .flags = WG_WATCH_NO_KERNEL | WG_WATCH_NO_UAPI,
		.interval_ms = INTERVAL_MS, .queue_max = queue_max, .silent_after_ms = silent_ms,
	};
	static const char *none[] = { "no-such-dev", NULL };
	wg_watch *w = NULL;

	o.devices = none;	/* nothing of the host's */
	CHECK(wg_watch_open(&w, &o) == 0);
	if (!w) {
		fprintf(stderr, "wg_watch_open: %s\n", wg_last_error());
		exit(1);
	}
	return w;
}

static bool has_line(const struct lines *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strstr(l->v[i], s))
			return true;
	return false;
}

static void set(wg_engine *e, wg_device *dev)
{
	CHECK(wg_engine_set_device(e, dev) == 0);
	wg_free_device(dev);
}

static void test_config_events(struct sim_node *a, struct sim_node *b)
{
	struct lines got = { 0 }, want = { 0 };
	wg_device *before, *after, *dev;
	wg_peer *p;
	wg_allowedip *aip;

	CHECK(wg_engine_get_device(a->engine, &before) == 0);
	dev = wg_device_new(NULL);
	dev->flags = WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK;
	dev->listen_port = 4242;
	dev->fwmark = 0x51;
	p = wg_device_add_peer(dev);
	p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	memcpy(p->public_key, b->public_key, 32);
	p->endpoint = b->addr;
	p->persistent_keepalive_interval = 0;
	aip = wg_peer_add_allowedip(p);
	aip->family = AF_INET;
	inet_pton(AF_INET, "10.0.0.2", &aip->ip4);
	aip->cidr = 32;
	aip = wg_peer_add_allowedip(p);
	aip->family = AF_INET6;
	inet_pton(AF_INET6, "fd00::2", &aip->ip6);
	aip->cidr = 128;
	set(a->engine, dev);
	CHECK(wg_engine_get_device(a->engine, &after) == 0);
	predict(&want, "a", before, after);
	watch_collect(watch, SETTLE_MS, &got, NULL, NULL);
	CHECK(lines_same(&got, &want));
	CHECK(has_line(&got, "a listen-port 51820 -> 4242") || has_line(&got, "listen-port"));
	CHECK(has_line(&got, "peer-added"));
	CHECK(has_line(&got, "allowed-ip-added") && has_line(&got, "fd00::2/128"));
	CHECK(want.n == 6);
	lines_free(&got);
	lines_free(&want);
	wg_free_device(before);
	wg_free_device(after);
}

static void test_handshake_pushed(struct sim_node *a, struct sim_node *b)
{
	struct lines got = { 0 };
	struct wg_watch_event last;

	sim_add_peer(b, a, AF_INET, "10.0.0.1", 32, true);
	watch_collect(watch, SETTLE_MS, NULL, NULL, NULL);
	sim_send_ip(a, AF_INET, "10.0.0.1", "10.0.0.2", 1, 10, NULL);
	sim_run(&sim);
	CHECK(a->events[WG_EVENT_HANDSHAKE_COMPLETE] == 1);
	/* Pushed: there before any re-reading could have seen it. */
	watch_collect(watch, 5, &got, NULL, &last);
	CHECK(got.n >= 1 && has_line(&got, "a handshake"));
	CHECK(last.flags & WG_WATCH_EVENT_PUSHED);
	lines_free(&got);
	/* ... and the re-readings do not report it again. */
	watch_collect(watch, SETTLE_MS, &got, NULL, NULL);
	CHECK(!has_line(&got, "handshake"));
	lines_free(&got);
}

static void test_silence(void)
{
	struct sim s2;
	struct sim_node *x, *y;
	struct lines got = { 0 };
	wg_watch *w = open_watch(0, 100);

	sim_init(&s2, 7);
	x = sim_add_node(&s2, "192.0.2.10", 1000);
	y = sim_add_node(&s2, "192.0.2.11", 1001);
	sim_add_peer(x, y, AF_INET, "10.9.0.2", 32, true);
	sim_add_peer(y, x, AF_INET, "10.9.0.1", 32, true);
	CHECK(wg_watch_add_engine(w, "x", x->engine) == 0);
	/* Traffic: the peer turns active, then silent once it stops. */
	sim_send_ip(x, AF_INET, "10.9.0.1", "10.9.0.2", 1, 10, NULL);
	sim_run(&s2);
	sim_send_ip(y, AF_INET, "10.9.0.2", "10.9.0.1", 1, 10, NULL);
	sim_run(&s2);
	watch_collect(w, 60, &got, NULL, NULL);
	CHECK(has_line(&got, "x active"));
	lines_free(&got);
	watch_collect(w, 250, &got, NULL, NULL);
	CHECK(has_line(&got, "x silent"));
	CHECK(!has_line(&got, "x active"));
	lines_free(&got);
	CHECK(wg_watch_remove_device(w, "x") == 0);
	watch_collect(w, 10, &got, NULL, NULL);
	CHECK(has_line(&got, "x device-removed"));
	lines_free(&got);
	wg_watch_close(w);
	sim_free(&s2);
}

static void test_overflow(void)
{
	struct sim s3;
	struct sim_node *x;
	struct lines got = { 0 };
	wg_watch *w = open_watch(8, 0);
	wg_device *dev = wg_device_new(NULL);

	sim_init(&s3, 9);
	x = sim_add_node(&s3, "192.0.2.20", 1000);
	CHECK(wg_watch_add_engine(w, "x", x->engine) == 0);
	for (int i = 0; i < 20; i++) {
		wg_peer *p = wg_device_add_peer(dev);

		p->flags = WGPEER_HAS_PUBLIC_KEY;
		wg_generate_private_key(p->public_key);
	}
	set(x->engine, dev);
	watch_collect(w, SETTLE_MS, &got, NULL, NULL);
	/* Eight peer-added, then the overflow and nothing else of x. */
	CHECK(got.n == 9);
	CHECK(got.n && strstr(got.v[got.n - 1], "x overflow"));
	lines_free(&got);
	/* Afterwards events flow again. */
	dev = wg_device_new(NULL);
	dev->flags = WGDEVICE_HAS_LISTEN_PORT;
	dev->listen_port = 7;
	set(x->engine, dev);
	watch_collect(w, SETTLE_MS, &got, NULL, NULL);
	CHECK(got.n == 1 && has_line(&got, "x listen-port 1000 -> 7"));
	lines_free(&got);
	CHECK(wg_watch_remove_device(w, "x") == 0);
	wg_watch_close(w);
	sim_free(&s3);
}

/* The inbox of pushed events overflows with x's events: only x is owed an
 * OVERFLOW, not y, which lost nothing. */
static void test_inbox_overflow(void)
{
	struct sim s4;
	struct sim_node *x, *y;
	struct lines got = { 0 };
	wg_watch *w = open_watch(8, 0);
	struct wg_event ev = { .type = WG_EVENT_SESSION_EXPIRED };
	int lost = 0;

	sim_init(&s4, 11);
	x = sim_add_node(&s4, "192.0.2.30", 1000);
	y = sim_add_node(&s4, "192.0.2.31", 1001);
	CHECK(wg_watch_add_engine(w, "x", x->engine) == 0);
	CHECK(wg_watch_add_engine(w, "y", y->engine) == 0);
	wg_generate_private_key(ev.public_key);
	for (int i = 0; i < 10; i++)
		lost += wg_watch_feed(w, "x", &ev) == -ENOBUFS;
	CHECK(lost == 2);
	watch_collect(w, SETTLE_MS, &got, NULL, NULL);
	CHECK(has_line(&got, "x overflow"));
	CHECK(!has_line(&got, "y overflow"));
	lines_free(&got);
	/* y's events still flow; x's too, once its OVERFLOW was read. */
	CHECK(wg_watch_feed(w, "y", &ev) == 0 && wg_watch_feed(w, "x", &ev) == 0);
	watch_collect(w, SETTLE_MS, &got, NULL, NULL);
	CHECK(got.n == 2 && has_line(&got, "y session-expired") && has_line(&got, "x session-expired"));
	lines_free(&got);
	wg_watch_close(w);
	sim_free(&s4);
}

static int engine_get(void *ctx, wg_device **dev)
{
	return wg_engine_get_device(ctx, dev);
}

static int engine_set(void *ctx, wg_device *dev)
{
	return wg_engine_set_device(ctx, dev);
}

/* Random small changes in rounds; each round's events must be the predicted diff. */
static void test_random(struct sim_node *a)
{
	CHECK(predict_random_rounds(watch, "a", SETTLE_MS, engine_get, engine_set, a->engine));
}

static void test_bad_input(void)
{
	struct wg_watch_options o = { .size = 8 };
	wg_watch *w = NULL;
	struct wg_watch_event ev;

	CHECK(wg_watch_open(&w, &o) == -EINVAL && !w);
	o.size = sizeof(o);
	o.netns_fd = -1;
	o.interval_ms = 5;
	CHECK(wg_watch_open(&w, &o) == -EINVAL);
	o.interval_ms = 0;
	o.flags = 1U << 30;
	CHECK(wg_watch_open(&w, &o) == -EINVAL);
	CHECK(wg_watch_read(watch, &ev, 1, 8) == -EINVAL);
	CHECK(wg_watch_feed(watch, "nobody", &(struct wg_event){ .type = 1 }) == -ENOENT);
	CHECK(wg_watch_remove_device(watch, "nobody") == -ENOENT);
	CHECK(wg_watch_add_engine(watch, "a", sim.nodes[0].engine) == -EEXIST);
	CHECK(wg_watch_kind_name(0) == NULL && !strcmp(wg_watch_kind_name(WG_WATCH_HANDSHAKE), "handshake"));
}

int main(void)
{
	struct sim_node *a, *b;

	sim_init(&sim, 1);
	sim.event_hook = feed;
	a = sim_add_node(&sim, "192.0.2.1", 51820);
	b = sim_add_node(&sim, "192.0.2.2", 51821);
	watch = open_watch(0, 0);
	CHECK(wg_watch_add_engine(watch, "a", a->engine) == 0);
	/* The baseline produces nothing. */
	CHECK(watch_collect(watch, SETTLE_MS, NULL, NULL, NULL) == 0);
	test_config_events(a, b);
	test_handshake_pushed(a, b);
	test_bad_input();
	test_random(a);
	CHECK(wg_watch_remove_device(watch, "a") == 0);
	wg_watch_close(watch);
	test_silence();
	test_overflow();
	test_inbox_overflow();
	sim_free(&sim);
	return test_done();
}
