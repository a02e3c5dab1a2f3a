// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The engine handle: creation, configuration with the kernel's set/get
 * semantics, the timer entry point, and the outbox that hands datagrams and
 * events to the callbacks once no peer lock is held.  Locking: engine.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "config_apply.h"
#include "engine.h"
#include "error.h"
#include "os.h"
#include "set_plan.h"
#include "util.h"

enum { DEFAULT_MTU = 1420, MIN_MTU = 68, MAX_MTU = 65535 };

/* How many engine read locks this thread holds (callbacks re-enter). */
static WG_THREAD_LOCAL unsigned int read_depth;

void wg_engine_read_lock(struct wg_engine *engine)
{
	if (!read_depth && __atomic_load_n(&engine->writers_waiting, __ATOMIC_ACQUIRE)) {
		wg_mutex_lock(&engine->writer_gate);
		wg_mutex_unlock(&engine->writer_gate);
	}
	wg_rwlock_read_lock(&engine->lock);
	read_depth++;
}

void wg_engine_read_unlock(struct wg_engine *engine)
{
	read_depth--;
	wg_rwlock_read_unlock(&engine->lock);
}

void wg_engine_write_lock(struct wg_engine *engine)
{
	__atomic_add_fetch(&engine->writers_waiting, 1, __ATOMIC_ACQ_REL);
	wg_mutex_lock(&engine->writer_gate);
	wg_rwlock_write_lock(&engine->lock);
}

void wg_engine_write_unlock(struct wg_engine *engine)
{
	wg_rwlock_write_unlock(&engine->lock);
	wg_mutex_unlock(&engine->writer_gate);
	__atomic_sub_fetch(&engine->writers_waiting, 1, __ATOMIC_ACQ_REL);
}

uint64_t wg_engine_now(const struct wg_engine *engine)
{
	/* Offset by a second so that 0 can mean "never" even for a clock starting at 0. */
	if (engine->opts.clock)
		return engine->opts.clock(engine->opts.ctx) + NS_PER_S;
	return wg_os_clock_ns() + NS_PER_S;
}

void wg_engine_realtime(const struct wg_engine *engine, struct timespec *ts)
{
	if (engine->opts.realtime)
		engine->opts.realtime(ts, engine->opts.ctx);
	else
		clock_gettime(CLOCK_REALTIME, ts);
}

void wg_engine_log(const struct wg_engine *engine, int level, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (engine->opts.log)
		engine->opts.log(level, msg, engine->opts.ctx);
	else
		wg_log(level, "engine: %s", msg);
}

void wg_outbox_init(struct wg_outbox *ob, struct wg_engine *engine)
{
	ob->engine = engine;
	ob->n = ob->nev = 0;
}

uint8_t *wg_outbox_add(struct wg_outbox *ob, const wg_endpoint *dst, const uint64_t local[2], uint32_t len)
{
	struct wg_packet *pkt;

	if (!dst->addr.sa_family)
		return NULL;	/* nowhere to send it (yet) */
	if (ob->n == OUTBOX_PACKETS || len > OUTBOX_BUF - WG_PACKET_HEADROOM) {
		wg_engine_log(ob->engine, WG_LOG_DEBUG, "outbox full, dropping a %u-byte datagram", len);
		return NULL;
	}
	pkt = &ob->pkt[ob->n];
	memset(pkt, 0, sizeof(*pkt));
	pkt->buf = ob->buf[ob->n];
	pkt->size = OUTBOX_BUF;
	pkt->offset = WG_PACKET_HEADROOM;
	pkt->len = len;
	pkt->status = WG_PACKET_SEND;
	pkt->endpoint = *dst;
	pkt->reserved[0] = local[0];
	pkt->reserved[1] = local[1];
	ob->n++;
	return pkt->buf + pkt->offset;
}

void wg_outbox_add_handshake(struct wg_outbox *ob, struct engine_peer *peer, const void *msg, uint32_t len)
{
	uint8_t *buf = wg_outbox_add(ob, &peer->endpoint, peer->local, len);

	if (buf) {
		memcpy(buf, msg, len);
		peer->tx_bytes += len;
	}
	if (!peer->handshake.spare.ready && !__atomic_exchange_n(&ob->engine->spares_wanted, true, __ATOMIC_RELAXED))
		wg_engine_wake(ob->engine);
}

void wg_outbox_event(struct wg_outbox *ob, uint32_t type, const struct engine_peer *peer)
{
	struct wg_event *ev;

	if (!ob->engine->opts.event || ob->nev == OUTBOX_EVENTS)
		return;
	ev = &ob->ev[ob->nev++];
	memset(ev, 0, sizeof(*ev));
	ev->type = type;
	memcpy(ev->public_key, peer->public_key, sizeof(ev->public_key));
	ev->endpoint = peer->endpoint;
}

void wg_outbox_flush(struct wg_outbox *ob, unsigned int room)
{
	const struct wg_engine_options *o = &ob->engine->opts;

	if (OUTBOX_PACKETS - ob->n >= room && OUTBOX_EVENTS - ob->nev >= room)
		return;
	for (unsigned int i = 0; i < ob->nev; i++)
		o->event(&ob->ev[i], o->ctx);
	if (ob->n)
		o->send(ob->pkt, ob->n, o->ctx);
	for (unsigned int i = 0; i < ob->n; i++)
		wg_memzero(ob->buf[i], OUTBOX_BUF);
	ob->n = ob->nev = 0;
}

void wg_engine_run_packets(struct wg_engine *engine, struct wg_packet *packets, size_t n, wg_packet_fn *one,
			   unsigned int room)
{
	struct wg_outbox ob;
	uint64_t now;

	wg_outbox_init(&ob, engine);
	wg_engine_read_lock(engine);
	now = wg_engine_now(engine);
	for (size_t i = 0; i < n; i++) {
		one(&ob, engine, &packets[i], now);
		wg_outbox_flush(&ob, room);
	}
	wg_outbox_flush(&ob, UINT32_MAX);
	wg_engine_read_unlock(engine);
}

WG_EXPORT int wg_engine_new(wg_engine **enginep, const struct wg_engine_options *options)
{
	struct wg_engine *engine;
	int ret;

	struct wg_engine_options opts = { 0 };

	/* A caller built against 1.0 passes the struct without the limits. */
	if (!enginep || !options || options->size < offsetof(struct wg_engine_options, max_peers) || !options->send)
		return wg_error(EINVAL, "engine options: size must be sizeof(struct wg_engine_options) and send is required");
	memcpy(&opts, options, options->size < sizeof(opts) ? options->size : sizeof(opts));
	if (opts.mtu && (opts.mtu < MIN_MTU || opts.mtu > MAX_MTU))
		return wg_error(EINVAL, "engine MTU %u is outside %d..%d", opts.mtu, MIN_MTU, MAX_MTU);
	if (opts.max_staged > STAGE_POOL_SLOTS)
		return wg_error(EINVAL, "engine max_staged %u is above %d", opts.max_staged, STAGE_POOL_SLOTS);
	engine = calloc(1, sizeof(*engine));
	if (!engine)
		return wg_error(ENOMEM, "out of memory for an engine");
	engine->opts = opts;
	engine->opts.size = sizeof(engine->opts);
	if (!engine->opts.mtu)
		engine->opts.mtu = DEFAULT_MTU;

	/* Explicitly reader-preferring: callbacks may take a read lock again. */
	ret = wg_rwlock_init(&engine->lock, WG_RWLOCK_PREFER_READERS);
	/* Initialisation fails only for want of memory (or of lock resources:
	 * reported as -ENOMEM, the one error wg_engine_new documents). */
	if (ret)
		goto err_rwlock;
	if (wg_mutex_init(&engine->writer_gate))
		goto err_gate;
	engine->next_due = UINT64_MAX;
	if (wg_mutex_init(&engine->index_lock))
		goto err_index_lock;
	if (wg_mutex_init(&engine->load_lock))
		goto err_load_lock;
	if (wg_cookie_checker_init(&engine->cookie_checker))
		goto err_cookie;
	if (wg_ratelimiter_init(&engine->ratelimiter))
		goto err_ratelimiter;
	if (wg_index_table_init(&engine->index_table))
		goto err_index;
	if (wg_key_table_init(&engine->pubkey_table))
		goto err_pubkey;
	if (wg_stage_pool_init(&engine->stage_pool, engine->opts.mtu,
			       engine->opts.max_staged ? engine->opts.max_staged : STAGE_POOL_SLOTS))
		goto err_stage;
	wg_allowedips_init(&engine->allowedips);
	*enginep = engine;
	return 0;

err_stage:
	wg_key_table_free(&engine->pubkey_table);
err_pubkey:
	wg_index_table_free(&engine->index_table);
err_index:
	wg_ratelimiter_free(&engine->ratelimiter);
err_ratelimiter:
	wg_cookie_checker_free(&engine->cookie_checker);
err_cookie:
	wg_mutex_destroy(&engine->load_lock);
err_load_lock:
	wg_mutex_destroy(&engine->index_lock);
err_index_lock:
	wg_mutex_destroy(&engine->writer_gate);
err_gate:
	wg_rwlock_destroy(&engine->lock);
err_rwlock:
	free(engine);
	return wg_error(ENOMEM, "cannot create an engine");
}

WG_EXPORT void wg_engine_free(wg_engine *engine)
{
	if (!engine)
		return;
	while (engine->first_peer)
		engine_peer_remove(engine->first_peer);
	wg_allowedips_free(&engine->allowedips);
	wg_stage_pool_free(&engine->stage_pool);
	wg_key_table_free(&engine->pubkey_table);
	wg_index_table_free(&engine->index_table);
	wg_ratelimiter_free(&engine->ratelimiter);
	wg_cookie_checker_free(&engine->cookie_checker);
	wg_mutex_destroy(&engine->load_lock);
	wg_mutex_destroy(&engine->index_lock);
	wg_mutex_destroy(&engine->writer_gate);
	wg_rwlock_destroy(&engine->lock);
	wg_memzero(engine, sizeof(*engine));
	free(engine);
}

static void set_private_key(struct wg_engine *engine, const uint8_t private_key[NOISE_PUBLIC_KEY_LEN])
{
	struct noise_static_identity id;
	struct engine_peer *peer;

	wg_noise_set_static_identity(&id, private_key);
	/* The planner has already removed a peer with the new public key. */
	if (id.has_identity == engine->identity.has_identity &&
	    wg_ct_equal(id.static_private, engine->identity.static_private, sizeof(id.static_private)))
		goto out;
	engine->identity = id;
	wg_cookie_checker_precompute_device_keys(&engine->cookie_checker,
						 id.has_identity ? id.static_public : NULL);
	for (peer = engine->first_peer; peer; peer = peer->next) {
		wg_mutex_lock(&peer->lock);
		wg_noise_precompute_static_static(peer);
		wg_noise_expire_current_peer_keypairs(peer);
		wg_mutex_unlock(&peer->lock);
	}
out:
	wg_memzero(&id, sizeof(id));
}

/* What the set planner reads of the engine (under its write lock). */
static void *engine_find_peer(void *ctx, const uint8_t key[32])
{
	return engine_peer_lookup_by_key(ctx, key);
}

static bool engine_prefix_owner(void *ctx, const struct wg_plan_prefix *p, uint8_t owner[32])
{
	struct wg_engine *engine = ctx;
	struct engine_peer *peer = wg_allowedips_owner_of(&engine->allowedips, p->family, p->addr, p->cidr);

	if (peer)
		memcpy(owner, peer->public_key, 32);
	return peer != NULL;
}

/* Every allocation the plan needs, made before anything changes. */
struct prepared {
	struct engine_peer **fresh;	/* one per WG_PLAN_CREATE_PEER, in order */
	size_t nfresh, used;
	uint8_t *keepalive_on;		/* per operation: turned a keepalive on */
	struct engine_peer **live;	/* per plan peer: its engine peer once looked up */
	uint8_t *known;			/* per plan peer: live[] is current */
};

static void unprepare(struct prepared *pr)
{
	for (size_t i = pr->used; i < pr->nfresh; i++)
		engine_peer_discard(pr->fresh[i]);
	free(pr->fresh);
	free(pr->keepalive_on);
	free(pr->live);
	free(pr->known);
}

static int prepare(struct wg_engine *engine, const struct wg_set_plan *plan, struct prepared *pr)
{
	memset(pr, 0, sizeof(*pr));
	pr->fresh = calloc(plan->creates ? plan->creates : 1, sizeof(*pr->fresh));
	pr->keepalive_on = calloc(plan->nops ? plan->nops : 1, 1);
	pr->live = calloc(plan->npeers ? plan->npeers : 1, sizeof(*pr->live));
	pr->known = calloc(plan->npeers ? plan->npeers : 1, 1);
	if (!pr->fresh || !pr->keepalive_on || !pr->live || !pr->known)
		return -ENOMEM;
	/* The planner looked them up in the state the commit starts from. */
	for (size_t i = 0; i < plan->npeers; i++) {
		pr->live[i] = plan->peers[i].ref;
		pr->known[i] = plan->peers[i].ref != NULL;
	}
	for (size_t i = 0; i < plan->nops; i++) {
		const struct wg_plan_op *op = &plan->ops[i];

		if (op->kind != WG_PLAN_CREATE_PEER)
			continue;
		pr->fresh[pr->nfresh] = engine_peer_alloc(engine, plan->peers[op->peer].public_key);
		if (!pr->fresh[pr->nfresh])
			return -ENOMEM;
		pr->nfresh++;
	}
	if (wg_key_table_reserve(&engine->pubkey_table, plan->creates) ||
	    wg_allowedips_reserve(&engine->allowedips, plan->adds, plan->adding_peers))
		return -ENOMEM;
	return 0;
}

static void update_peer(struct engine_peer *peer, const struct wg_plan_op *op, uint8_t *keepalive_on)
{
	const wg_peer *cfg = op->src;

	wg_mutex_lock(&peer->lock);
	if (op->what & WG_PLAN_SET_PRESHARED_KEY)
		memcpy(peer->handshake.preshared_key, cfg->preshared_key, NOISE_SYMMETRIC_KEY_LEN);
	if (op->what & WG_PLAN_SET_ENDPOINT) {
		wg_endpoint_copy(&peer->endpoint, &cfg->endpoint);
		/* A new endpoint: let routing choose our address for it. */
		peer->local[0] = peer->local[1] = 0;
	}
	if (op->what & WG_PLAN_SET_KEEPALIVE) {
		/* Turning it on sends one at once, which also brings the session up. */
		*keepalive_on = !peer->persistent_keepalive_interval && cfg->persistent_keepalive_interval;
		peer->persistent_keepalive_interval = cfg->persistent_keepalive_interval;
		if (!peer->persistent_keepalive_interval)
			peer->timers.persistent_keepalive = 0;
	}
	wg_mutex_unlock(&peer->lock);
}

/* Carry the plan out: nothing here can fail (prepare() made room for it all). */
static void commit(struct wg_engine *engine, const struct wg_set_plan *plan, struct prepared *pr)
{
	const wg_device *dev = plan->set;

	for (size_t i = 0; i < plan->nops; i++) {
		const struct wg_plan_op *op = &plan->ops[i];
		struct engine_peer *peer = NULL;

		/* One key lookup per peer of the plan, not one per operation. */
		if (op->peer != UINT32_MAX && op->kind != WG_PLAN_CREATE_PEER) {
			if (!pr->known[op->peer]) {
				pr->live[op->peer] = engine_peer_lookup_by_key(engine, plan->peers[op->peer].public_key);
				pr->known[op->peer] = 1;
			}
			peer = pr->live[op->peer];
		}
		switch (op->kind) {
		case WG_PLAN_REMOVE_ALL_PEERS:
			while (engine->first_peer)
				engine_peer_remove(engine->first_peer);
			memset(pr->known, 0, plan->npeers);
			break;
		case WG_PLAN_PRIVATE_KEY:
			set_private_key(engine, plan->private_key);
			break;
		case WG_PLAN_LISTEN_PORT:
			engine->listen_port = dev->listen_port;
			break;
		case WG_PLAN_FWMARK:
			engine->fwmark = dev->fwmark;
			break;
		case WG_PLAN_REMOVE_PEER:
			engine_peer_remove(peer);
			pr->known[op->peer] = 0;
			break;
		case WG_PLAN_CREATE_PEER:
			engine_peer_link(pr->fresh[pr->used]);
			pr->live[op->peer] = pr->fresh[pr->used++];
			pr->known[op->peer] = 1;
			break;
		case WG_PLAN_UPDATE_PEER:
			update_peer(peer, op, &pr->keepalive_on[i]);
			break;
		case WG_PLAN_CLEAR_ALLOWEDIPS:
			wg_allowedips_remove_by_peer(&engine->allowedips, peer);
			break;
		case WG_PLAN_ADD_ALLOWEDIP:
			(void)wg_allowedips_insert(&engine->allowedips, op->prefix.family, op->prefix.addr,
						   op->prefix.cidr, peer);
			break;
		case WG_PLAN_REMOVE_ALLOWEDIP:
			(void)wg_allowedips_remove(&engine->allowedips, op->prefix.family, op->prefix.addr,
						   op->prefix.cidr, peer);
			break;
		}
	}
	wg_key_table_release(&engine->pubkey_table);
	wg_allowedips_release(&engine->allowedips);
}

/* The engine's lock is held, no peer lock. */
static void make_spare(struct engine_peer *peer)
{
	struct wg_ephemeral fresh;
	bool ready;

	wg_mutex_lock(&peer->lock);
	ready = peer->handshake.spare.ready;
	wg_mutex_unlock(&peer->lock);
	/* The X25519 run unlocked: remote_static never changes. */
	if (ready || !wg_ephemeral_make(&fresh, peer->handshake.remote_static, NULL))
		return;
	wg_mutex_lock(&peer->lock);
	if (!peer->handshake.spare.ready)
		peer->handshake.spare = fresh;
	wg_mutex_unlock(&peer->lock);
	wg_memzero(&fresh, sizeof(fresh));
}

WG_EXPORT int wg_engine_set_device(wg_engine *engine, const wg_device *dev)
{
	struct wg_plan_state view = { .ctx = engine, .find_peer = engine_find_peer,
				      .prefix_owner = engine_prefix_owner };
	struct wg_set_plan plan;
	struct prepared pr = { 0 };
	struct wg_outbox ob;
	const wg_peer *cfg;
	int ret;

	/* Everything a set could reject, checked before taking the lock. */
	ret = wg_set_plan_validate(dev, false);
	if (ret < 0)
		return ret;
	wg_outbox_init(&ob, engine);
	wg_engine_write_lock(engine);
	view.npeers = engine->num_peers;
	view.max_peers = engine->opts.max_peers;
	view.has_identity = engine->identity.has_identity;
	memcpy(view.public_key, engine->identity.static_public, sizeof(view.public_key));
	ret = wg_set_plan_build(&plan, dev, &view, false);
	if (ret < 0)
		goto unlock;
	/* All or nothing: every allocation first, then a commit that cannot fail. */
	if (prepare(engine, &plan, &pr)) {
		wg_key_table_release(&engine->pubkey_table);
		wg_allowedips_release(&engine->allowedips);
		ret = wg_error(ENOMEM, "out of memory applying a configuration");
		goto free_plan;
	}
	commit(engine, &plan, &pr);
	for (size_t i = 0; i < plan.nops; i++) {
		struct engine_peer *peer;

		if (!pr.keepalive_on[i] || !engine->identity.has_identity)
			continue;
		peer = engine_peer_lookup_by_key(engine, plan.peers[plan.ops[i].peer].public_key);
		if (peer) {
			wg_mutex_lock(&peer->lock);
			wg_packet_send_keepalive(&ob, peer);
			wg_mutex_unlock(&peer->lock);
		}
	}
free_plan:
	unprepare(&pr);
	wg_set_plan_free(&plan);
unlock:
	wg_engine_write_unlock(engine);
	/* Nothing is locked now: the callbacks may do as they please. */
	wg_outbox_flush(&ob, UINT32_MAX);
	if (ret < 0)
		return ret;

	/* Spare ephemerals for new peers, so that their first handshakes wait
	 * for two X25519 fewer; made under the read lock, not stalling traffic. */
	wg_engine_read_lock(engine);
	wg_for_each_peer(dev, cfg) {
		struct engine_peer *peer;

		if (!(cfg->flags & WGPEER_REMOVE_ME) && (peer = engine_peer_lookup_by_key(engine, cfg->public_key)))
			make_spare(peer);
	}
	wg_engine_read_unlock(engine);
	return 0;
}

struct walk_ctx {
	wg_peer *peer;
	bool failed;
};

static void add_allowedip(void *peer, int family, const uint8_t *addr, uint8_t cidr, void *ctx)
{
	struct walk_ctx *w = ctx;
	wg_allowedip *aip;

	(void)peer;
	aip = wg_peer_add_allowedip(w->peer);
	if (!aip) {
		w->failed = true;
		return;
	}
	aip->family = (uint16_t)family;
	aip->cidr = cidr;
	if (family == AF_INET)
		memcpy(&aip->ip4, addr, sizeof(aip->ip4));
	else
		memcpy(&aip->ip6, addr, sizeof(aip->ip6));
}

WG_EXPORT int wg_engine_get_device(wg_engine *engine, wg_device **devp)
{
	struct walk_ctx w = { 0 };
	struct engine_peer *ep;
	wg_device *dev;
	int ret = 0;

	wg_engine_read_lock(engine);
	dev = wg_device_new(NULL);
	if (!dev) {
		ret = wg_error(ENOMEM, "out of memory reading the engine's configuration");
		goto out;
	}
	dev->flags = WGDEVICE_HAS_LISTEN_PORT | WGDEVICE_HAS_FWMARK;
	dev->listen_port = engine->listen_port;
	dev->fwmark = engine->fwmark;
	if (engine->identity.has_identity) {
		dev->flags |= WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_PUBLIC_KEY;
		memcpy(dev->private_key, engine->identity.static_private, sizeof(dev->private_key));
		memcpy(dev->public_key, engine->identity.static_public, sizeof(dev->public_key));
	}
	for (ep = engine->first_peer; ep; ep = ep->next) {
		wg_peer *p = wg_device_add_peer(dev);

		if (!p) {
			ret = wg_error(ENOMEM, "out of memory reading the engine's configuration");
			goto out;
		}
		p->flags = WGPEER_HAS_PUBLIC_KEY | WGPEER_HAS_PRESHARED_KEY |
			   WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL | WGPEER_HAS_PROTOCOL_VERSION;
		p->protocol_version = 1;
		memcpy(p->public_key, ep->public_key, sizeof(p->public_key));
		wg_mutex_lock(&ep->lock);
		memcpy(p->preshared_key, ep->handshake.preshared_key, sizeof(p->preshared_key));
		p->endpoint = ep->endpoint;
		p->last_handshake_time = ep->last_handshake_time;
		p->rx_bytes = ep->rx_bytes;
		p->tx_bytes = ep->tx_bytes;
		p->persistent_keepalive_interval = ep->persistent_keepalive_interval;
		wg_mutex_unlock(&ep->lock);
		/* In the order they were given, as the kernel dumps them. */
		w.peer = p;
		wg_allowedips_walk_by_peer(&engine->allowedips, ep, add_allowedip, &w);
		if (w.failed) {
			ret = wg_error(ENOMEM, "out of memory reading the engine's configuration");
			goto out;
		}
	}
out:
	wg_engine_read_unlock(engine);
	if (ret < 0) {
		wg_free_device(dev);
		return ret;
	}
	*devp = dev;
	return 0;
}

void wg_engine_forget_local(wg_engine *engine, const uint64_t local[2])
{
	struct engine_peer *peer;

	if (local && !local[0] && !local[1])
		return;
	wg_engine_read_lock(engine);
	for (peer = engine->first_peer; peer; peer = peer->next) {
		wg_mutex_lock(&peer->lock);
		if (!local || (peer->local[0] == local[0] && peer->local[1] == local[1]))
			peer->local[0] = peer->local[1] = 0;
		wg_mutex_unlock(&peer->lock);
	}
	wg_engine_read_unlock(engine);
}

/* Set while this thread runs a tick: its own arms need no wake-up. */
static WG_THREAD_LOCAL bool ticking;

void wg_engine_set_wake(wg_engine *engine, void (*wake)(void *ctx), void *ctx)
{
	engine->wake_ctx = ctx;
	engine->wake = wake;
}

void wg_engine_wake(struct wg_engine *engine)
{
	if (engine->wake && !ticking)
		engine->wake(engine->wake_ctx);
}

/* Fire what is due; returns the earliest deadline left (UINT64_MAX: none). */
static uint64_t tick(wg_engine *engine, uint64_t *now_out)
{
	struct wg_outbox ob;
	struct engine_peer *peer;
	uint64_t now, next, due;

	ticking = true;
	wg_outbox_init(&ob, engine);
	wg_engine_read_lock(engine);
	now = wg_engine_now(engine);
	next = __atomic_load_n(&engine->next_due, __ATOMIC_ACQUIRE);
	if (next > now)
		goto out;	/* nothing due: no walk over the peers */
	/*
	 * Forget the earliest deadline, then find it again while firing: a
	 * timer armed meanwhile lowers it again through arm().
	 */
	__atomic_store_n(&engine->next_due, UINT64_MAX, __ATOMIC_RELEASE);
	next = UINT64_MAX;
	for (peer = engine->first_peer; peer; peer = peer->next) {
		wg_mutex_lock(&peer->lock);
		due = wg_timers_run(&ob, peer, now);
		wg_mutex_unlock(&peer->lock);
		if (due && due < next)
			next = due;
		wg_outbox_flush(&ob, 3);
	}
	due = __atomic_load_n(&engine->next_due, __ATOMIC_RELAXED);
	while (next < due && !__atomic_compare_exchange_n(&engine->next_due, &due, next, true, __ATOMIC_RELEASE,
							  __ATOMIC_RELAXED))
		;
	next = __atomic_load_n(&engine->next_due, __ATOMIC_ACQUIRE);
out:
	wg_outbox_flush(&ob, UINT32_MAX);
	if (__atomic_exchange_n(&engine->spares_wanted, false, __ATOMIC_ACQ_REL))
		for (peer = engine->first_peer; peer; peer = peer->next)
			make_spare(peer);
	wg_engine_read_unlock(engine);
	ticking = false;
	*now_out = now;
	return next;
}

WG_EXPORT uint64_t wg_engine_tick(wg_engine *engine)
{
	uint64_t now, next = tick(engine, &now);

	/* Never more than a second, as documented. */
	if (next <= now)
		return 0;
	return next - now < NS_PER_S ? next - now : NS_PER_S;
}

uint64_t wg_engine_tick_until_due(wg_engine *engine)
{
	uint64_t now, next = tick(engine, &now);

	if (next == UINT64_MAX)
		return UINT64_MAX;
	return next <= now ? 0 : next - now;
}

void wg_engine_test_set_ephemeral(wg_engine *engine, const uint8_t *private_key)
{
	wg_engine_write_lock(engine);
	engine->test_have_ephemeral = private_key != NULL;
	if (private_key)
		memcpy(engine->test_ephemeral, private_key, NOISE_PUBLIC_KEY_LEN);
	wg_engine_write_unlock(engine);
}

int wg_engine_test_set_send_counter(wg_engine *engine, const uint8_t public_key[32], uint64_t counter)
{
	struct engine_peer *peer;
	int ret = -ENOENT;

	wg_engine_read_lock(engine);
	peer = engine_peer_lookup_by_key(engine, public_key);
	if (peer) {
		wg_mutex_lock(&peer->lock);
		if (peer->keypairs.current) {
			peer->keypairs.current->sending_counter = counter;
			ret = 0;
		}
		wg_mutex_unlock(&peer->lock);
	}
	wg_engine_read_unlock(engine);
	return ret;
}

void wg_engine_test_set_under_load(wg_engine *engine, bool under_load)
{
	wg_engine_write_lock(engine);
	engine->test_under_load = under_load;
	wg_engine_write_unlock(engine);
}
