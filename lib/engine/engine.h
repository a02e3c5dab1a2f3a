/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The engine handle and what crosses the engine's files.
 *
 * Locking (simplest correct design first):
 *  - engine->lock, a rwlock: readers are encrypt, decrypt, tick and
 *    get_device; the writer is set_device.  It protects the configuration:
 *    the identity, the peer list, the allowed-IPs trie and the public-key
 *    table, and keeps every peer alive while a reader runs.
 *  - peer->lock, a mutex per peer: handshake, keypairs, counters, replay
 *    windows, timers, staged packets, endpoint and statistics.  Held only
 *    briefly on the data path: a key is copied out under it and the AEAD
 *    runs outside it.
 *  - engine->index_lock: the receiver-index table (handshakes add and
 *    remove entries while readers run).
 *  - the cookie checker's lock (its secret), load_lock (the under-load
 *    window), the staging pool's lock (its free list); the ratelimiter is
 *    thread-safe on its own.
 * Order: engine->lock, peer->lock, then index_lock / cookie / load / pool
 * locks (leaves: nothing is taken under them).
 * Callbacks run with no peer lock held but with engine->lock held for
 * reading (or nothing held, after set_device): they may call encrypt,
 * decrypt, tick and get_device, never set_device or free.
 *
 * The locks are lock.h's capability types, and CI builds with clang's
 * -Wthread-safety: every path releases what it took, and a function marked
 * WG_REQUIRES(peer->lock) is only called with it held.  Fields cannot carry
 * WG_GUARDED_BY in C before clang 19, so what each lock protects stays a
 * comment here.
 */
#ifndef WG_ENGINE_H
#define WG_ENGINE_H

#include "lock.h"
#include <stdarg.h>

#include "allowedips.h"
#include "cookie.h"
#include "index_table.h"
#include "messages.h"
#include "noise.h"
#include "peer.h"
#include "ratelimiter.h"
#include <wireguard.h>

struct wg_engine {
	struct wg_engine_options opts;
	wg_rwlock lock;
	/* Keeps a waiting writer from starving behind a stream of readers. */
	wg_mutex writer_gate;
	unsigned int writers_waiting;	/* atomic */
	wg_mutex index_lock;
	wg_mutex load_lock;

	struct noise_static_identity identity;
	struct cookie_checker cookie_checker;
	struct wg_allowedips allowedips;
	struct wg_index_table index_table;
	struct wg_key_table pubkey_table;
	struct wg_ratelimiter ratelimiter;
	struct stage_pool stage_pool;

	struct engine_peer *first_peer, *last_peer;
	size_t num_peers;
	uint16_t listen_port;
	uint32_t fwmark;

	/* Earliest timer deadline of any peer, or later (atomic; timers.c). */
	uint64_t next_due;
	/*
	 * The driver's alarm (wg_engine_set_wake()): called when next_due is
	 * lowered (a packet armed a timer earlier than any) or spares are
	 * wanted, outside a tick, so a driver can sleep until the deadline
	 * instead of polling.  Must not block or take engine locks.
	 */
	void (*wake)(void *ctx);
	void *wake_ctx;

	/*
	 * A handshake took some peer's spare ephemeral (atomic): the next tick
	 * makes new ones.  Not at once: the packets that answer the handshake
	 * would wait behind them, or share the CPU with them.
	 */
	bool spares_wanted;

	/* Handshake load (handshake_load.c): messages seen in the current
	 * one-second window, or the driver's queue (atomic: capacity << 32 |
	 * depth; 0 without a queue). */
	uint64_t load_window_start, last_under_load;
	unsigned int load_count;
	uint64_t handshake_queue;

	/* Test hooks (see wg_engine_test_*): fixed ephemeral keys, forced load. */
	bool test_under_load;
	bool test_have_ephemeral;
	uint8_t test_ephemeral[NOISE_PUBLIC_KEY_LEN];
};

/*
 * engine->lock for the API calls.  The rwlock prefers readers, so that a
 * callback may re-enter the engine for reading; a writer closes a gate that
 * new outermost readers wait at, so set_device is not starved by traffic.
 */
void wg_engine_read_lock(struct wg_engine *engine) WG_ACQUIRE_SHARED(engine->lock);
void wg_engine_read_unlock(struct wg_engine *engine) WG_RELEASE_SHARED(engine->lock);
void wg_engine_write_lock(struct wg_engine *engine) WG_ACQUIRE(engine->writer_gate, engine->lock);
void wg_engine_write_unlock(struct wg_engine *engine) WG_RELEASE(engine->lock, engine->writer_gate);

uint64_t wg_engine_now(const struct wg_engine *engine);
void wg_engine_realtime(const struct wg_engine *engine, struct timespec *ts);
void wg_engine_log(const struct wg_engine *engine, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Datagrams and events produced with a peer lock held are collected here, on
 * the stack of the API call, and handed to the callbacks once the lock is
 * dropped: callbacks never run under a peer lock.
 */
enum { OUTBOX_PACKETS = 8, OUTBOX_EVENTS = 8, OUTBOX_BUF = WG_PACKET_HEADROOM + 148 + WG_PACKET_TAILROOM };
struct wg_outbox {
	struct wg_engine *engine;
	unsigned int n, nev;
	struct wg_packet pkt[OUTBOX_PACKETS];
	struct wg_event ev[OUTBOX_EVENTS];
	_Alignas(16) uint8_t buf[OUTBOX_PACKETS][OUTBOX_BUF];
};

void wg_outbox_init(struct wg_outbox *ob, struct wg_engine *engine);
/* Room for a datagram of len bytes to dst; NULL (dropped) when full or dst is unset. */
uint8_t *wg_outbox_add(struct wg_outbox *ob, const wg_endpoint *dst, const uint64_t local[2], uint32_t len);
/* Queue a copy of a handshake message to the peer's endpoint, counting its bytes. */
void wg_outbox_add_handshake(struct wg_outbox *ob, struct engine_peer *peer, const void *msg, uint32_t len);
void wg_outbox_event(struct wg_outbox *ob, uint32_t type, const struct engine_peer *peer);
/* No peer lock may be held.  Flushes when fewer than `room` slots are free. */
void wg_outbox_flush(struct wg_outbox *ob, unsigned int room);

/*
 * The body of wg_engine_encrypt/decrypt: each packet through one() under the
 * engine's read lock, flushing the outbox whenever fewer than room slots are
 * free (room: the most datagrams or events one packet may add), and once at
 * the end.
 */
typedef void wg_packet_fn(struct wg_outbox *ob, struct wg_engine *engine, struct wg_packet *pkt, uint64_t now);
void wg_engine_run_packets(struct wg_engine *engine, struct wg_packet *packets, size_t n, wg_packet_fn *one,
			   unsigned int room);

/* send.c, peer lock held. */
void wg_packet_send_handshake_initiation(struct wg_outbox *ob, struct engine_peer *peer, bool is_retry)
	WG_REQUIRES(peer->lock);
void wg_packet_send_keepalive(struct wg_outbox *ob, struct engine_peer *peer) WG_REQUIRES(peer->lock);
/* send.c, no peer lock held: encrypt and send what waited for a session. */
void wg_packet_send_staged(struct engine_peer *peer) WG_EXCLUDES(peer->lock);

/*
 * Test hooks (internal, reached through the static library): a fixed
 * ephemeral private key for golden handshakes (NULL: random again), and the
 * next sending counter of a peer's current session (-ENOENT without one).
 */
/* Set the wake callback (see struct wg_engine) before any traffic. */
void wg_engine_set_wake(wg_engine *engine, void (*wake)(void *ctx), void *ctx);
/* Tell the driver, unless the calling thread is ticking (it reads next_due
 * after its walk anyway). */
void wg_engine_wake(struct wg_engine *engine);
/* The driver could not send from this local address (wg_packet.reserved of
 * a datagram; it is gone): every peer that remembers it forgets it, so that
 * routing picks our address for them until they write to us again.
 * local NULL: every peer forgets its local address (a network change). */
void wg_engine_forget_local(wg_engine *engine, const uint64_t local[2]);
/* wg_engine_tick() without its one-second cap: ns until the next deadline,
 * UINT64_MAX when no timer is armed (sleep until woken). */
uint64_t wg_engine_tick_until_due(wg_engine *engine);
void wg_engine_test_set_ephemeral(wg_engine *engine, const uint8_t *private_key);
int wg_engine_test_set_send_counter(wg_engine *engine, const uint8_t public_key[32], uint64_t counter);
/* handshake_load.c: whether a handshake message with a valid mac1 arriving
 * now finds the engine under load (then it must bring a cookie). */
bool wg_engine_under_load(struct wg_engine *engine, uint64_t now);
/* Act as if under load (cookie replies for handshakes without a valid mac2). */
void wg_engine_test_set_under_load(wg_engine *engine, bool under_load);

static inline bool wg_birthdate_has_expired(uint64_t birthdate, uint64_t expiration_s, uint64_t now)
{
	return birthdate + expiration_s * NS_PER_S <= now;
}

#endif
