// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One set semantics everywhere: random sets (every flag, peers listed twice,
 * own-key peers, prefixes moving and removed) applied to the in-memory
 * engine and through wg_device_apply() must give the same state and the
 * same error; the set without per-IP removals that the kernel (< 6.16) and
 * UAPI backends send instead must give the same state too.
 */
#include <errno.h>

#include "random-config.h"
#include "set_plan.h"
#include "test.h"

static void noop_send(const struct wg_packet *p, size_t n, void *ctx)
{
	(void)p;
	(void)n;
	(void)ctx;
}

static wg_device *engine_state(wg_engine *e)
{
	wg_device *d = NULL;

	CHECK(wg_engine_get_device(e, &d) == 0);
	return d;
}

static void test_engine_vs_apply(void)
{
	struct wg_engine_options o = { .size = sizeof(o), .send = noop_send };
	int agree = 0, total = 0, errors = 0;
	struct rc r;

	rc_init(&r, 0x5eed);
	for (int round = 0; round < 40; round++) {
		wg_device *model = wg_device_new(NULL);
		wg_engine *e;

		r.allowedip_removal = round % 2;
		CHECK(wg_engine_new(&e, &o) == 0);
		for (int step = 0; step < 15; step++) {
			wg_device *set = rc_set(&r, NULL), *got, *before = NULL;
			int want = rc_spoil(&r, set), a, b;

			CHECK(wg_device_copy(&before, model) == 0);
			a = wg_device_apply(model, set);
			b = wg_engine_set_device(e, set);
			CHECK(a == want);
			CHECK(a == b);
			if (a) {
				errors++;
				CHECK(rc_agrees(set, before, model, "wg_device_apply after an error"));
			}
			got = engine_state(e);
			agree += rc_agrees(set, got, model, "engine");
			total++;
			wg_free_device(got);
			wg_free_device(before);
			wg_free_device(set);
		}
		wg_engine_free(e);
		wg_free_device(model);
	}
	fprintf(stderr, "random sets, engine vs wg_device_apply: %d/%d states agree, %d refused by both\n", agree,
		total, errors);
	CHECK(agree == total);
	CHECK(errors > 0);
}

/* The emulation of per-IP removal, against the real thing. */
static void test_replace_removals(void)
{
	int agree = 0, total = 0, rewritten = 0;
	struct rc r;

	rc_init(&r, 0xabcdef);
	r.allowedip_removal = true;
	for (int round = 0; round < 40; round++) {
		wg_device *model = wg_device_new(NULL);

		for (int step = 0; step < 15; step++) {
			wg_device *set = rc_set(&r, NULL), *sent = NULL, *emulated = NULL;

			CHECK(wg_set_plan_replace_removals(model, set, &sent) == 0);
			CHECK(wg_device_copy(&emulated, model) == 0);
			if (!sent || !emulated)
				return;
			CHECK(!wg_set_has_allowedip_removal(sent));
			rewritten += wg_set_has_allowedip_removal(set);
			CHECK(wg_device_apply(emulated, sent) == 0);
			CHECK(wg_device_apply(model, set) == 0);
			agree += rc_agrees(set, emulated, model, "emulated removal");
			total++;
			wg_free_device(sent);
			wg_free_device(emulated);
			wg_free_device(set);
		}
		wg_free_device(model);
	}
	fprintf(stderr, "random sets, emulated per-IP removal vs wg_device_apply: %d/%d agree (%d rewritten)\n",
		agree, total, rewritten);
	CHECK(agree == total);
	CHECK(rewritten > 0);
}

static wg_peer *peer_of(wg_device *d, const wg_key key, uint32_t flags)
{
	wg_peer *p = wg_device_add_peer(d);

	p->flags = WGPEER_HAS_PUBLIC_KEY | flags;
	memcpy(p->public_key, key, 32);
	return p;
}

static void ip_of(wg_peer *p, uint8_t last, uint8_t cidr, uint32_t flags)
{
	wg_allowedip *a = wg_peer_add_allowedip(p);

	a->family = AF_INET;
	a->ip4.s_addr = htonl(0x0a000000 | last);
	a->cidr = cidr;
	a->flags = flags;
}

/* Invalid input is refused by the engine as by every other backend, with nothing changed. */
static void test_engine_refuses(void)
{
	struct wg_engine_options o = { .size = sizeof(o), .send = noop_send };
	wg_key k1, k2;
	wg_engine *e;
	wg_device *d, *got;

	wg_generate_private_key(k1);
	wg_generate_private_key(k2);
	CHECK(wg_engine_new(&e, &o) == 0);
	d = wg_device_new(NULL);
	peer_of(d, k1, 0);
	peer_of(d, k2, 0)->flags = 0;	/* no WGPEER_HAS_PUBLIC_KEY */
	CHECK(wg_engine_set_device(e, d) == -EINVAL);
	d->last_peer->flags = WGPEER_HAS_PUBLIC_KEY | (1U << 20);	/* unknown flag */
	CHECK(wg_engine_set_device(e, d) == -EINVAL);
	got = engine_state(e);
	CHECK(got && !got->first_peer);
	wg_free_device(got);
	wg_free_device(d);
	wg_engine_free(e);
}

/*
 * A peer listed twice, the first time removing a prefix the second gives
 * it back: the kernel applies the entries in order (so does every backend).
 */
static void test_listed_twice(void)
{
	wg_device *state = wg_device_new(NULL), *set = wg_device_new(NULL), *sent = NULL, *emulated = NULL;
	wg_key a, b;
	wg_peer *p;

	wg_generate_private_key(a);
	wg_generate_private_key(b);
	p = peer_of(state, a, 0);
	ip_of(p, 1, 32, 0);
	ip_of(p, 2, 32, 0);
	p = peer_of(set, a, 0);
	ip_of(p, 1, 32, WGALLOWEDIP_REMOVE_ME);
	p = peer_of(set, b, 0);
	ip_of(p, 2, 32, 0);
	p = peer_of(set, a, 0);
	ip_of(p, 3, 32, 0);
	CHECK(wg_set_plan_replace_removals(state, set, &sent) == 0);
	CHECK(wg_device_copy(&emulated, state) == 0);
	CHECK(wg_device_apply(emulated, sent) == 0);
	CHECK(wg_device_apply(state, set) == 0);
	CHECK(rc_agrees(set, emulated, state, "emulated removal"));
	/* a: 10.0.0.3 only; b: 10.0.0.2. */
	CHECK(state->first_peer && state->first_peer->first_allowedip &&
	      state->first_peer->first_allowedip == state->first_peer->last_allowedip &&
	      state->first_peer->first_allowedip->ip4.s_addr == htonl(0x0a000003));
	wg_free_device(state);
	wg_free_device(set);
	wg_free_device(sent);
	wg_free_device(emulated);
}

static void *fake_find_peer(void *ctx, const uint8_t key[32])
{
	return !memcmp(ctx, key, 32) ? ctx : NULL;
}

static bool fake_prefix_owner(void *ctx, const struct wg_plan_prefix *p, uint8_t owner[32])
{
	(void)ctx;
	(void)p;
	(void)owner;
	return false;
}

/* The driver's peer limit: a set that would pass it fails with -ENOMEM, as in the kernel. */
static void test_peer_limit(void)
{
	wg_key existing, fresh;
	struct wg_plan_state full = { .ctx = existing, .npeers = WG_MAX_PEERS_PER_DEVICE,
				      .find_peer = fake_find_peer, .prefix_owner = fake_prefix_owner };
	struct wg_set_plan plan;
	wg_device *set = wg_device_new(NULL);

	wg_generate_private_key(existing);
	wg_generate_private_key(fresh);
	peer_of(set, existing, 0);	/* an update: fine */
	CHECK(wg_set_plan_build(&plan, set, &full, false) == 0);
	wg_set_plan_free(&plan);
	peer_of(set, fresh, 0);		/* one more peer: too many */
	CHECK(wg_set_plan_build(&plan, set, &full, false) == -ENOMEM);
	set->first_peer->flags |= WGPEER_REMOVE_ME;	/* unless one goes first */
	CHECK(wg_set_plan_build(&plan, set, &full, false) == 0 && plan.creates == 1);
	wg_set_plan_free(&plan);
	set->first_peer->flags &= ~(uint32_t)WGPEER_REMOVE_ME;
	set->flags = WGDEVICE_REPLACE_PEERS;		/* or all do */
	CHECK(wg_set_plan_build(&plan, set, &full, false) == 0 && plan.creates == 2);
	wg_set_plan_free(&plan);
	wg_free_device(set);
}

int main(void)
{
	test_peer_limit();
	test_engine_refuses();
	test_listed_twice();
	test_engine_vs_apply();
	test_replace_removals();
	return test_done();
}
