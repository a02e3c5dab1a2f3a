/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Handshake messages apart from data, as the Linux driver queues them: the
 * socket workers check mac1 (one BLAKE2s) and put what passes into one
 * bounded queue; threads of its own (one per CPU, as the kernel's and
 * wireguard-go's) decrypt it (X25519s), telling the engine the queue's
 * depth, which decides "under load" (wg_engine_set_handshake_queue()).  A
 * flood of initiations then costs the socket workers a hash each and never
 * holds up the data behind it; beyond the queue's capacity, handshake
 * messages are dropped.
 *
 * Unlike the kernel's, the queue has a short lane in front for messages
 * whose mac2 is a cookie we gave their source (wg_engine_classify()): a
 * legitimate peer that answered our cookie reply is served before the
 * flood that made us send it, and is never dropped for the flood's sake.
 */
#ifndef WG_HANDSHAKE_QUEUE_H
#define WG_HANDSHAKE_QUEUE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <wireguard.h>

#include "lock.h"

/* The Linux driver's MAX_QUEUED_INCOMING_HANDSHAKES. */
#define WG_HANDSHAKE_QUEUE_CAPACITY 4096
/* The lane for messages with a valid cookie (each source is rate limited
 * after it: 20 a second, bursts of 5). */
#define WG_HANDSHAKE_PROVEN_CAPACITY 512
#define WG_HANDSHAKE_MAX_THREADS 16

struct wg_handshake_entry;

struct wg_handshake_ring {
	struct wg_handshake_entry *entries;
	uint32_t capacity, head, count;
};

struct wg_handshake_queue {
	wg_engine *engine;
	wg_mutex lock;
	struct wg_handshake_ring fresh, proven;	/* under lock */
	uint64_t dropped;		/* full queue, junk (atomic) */
	int ready_efd;			/* readable: messages were queued */
	int stop_efd;			/* readable: the threads return (not ours) */
	pthread_t threads[WG_HANDSHAKE_MAX_THREADS];
	unsigned nthreads, running;
};

/* stop_efd: the tunnel's workers_stop_efd (the threads pause with the
 * workers); nthreads: 1..WG_HANDSHAKE_MAX_THREADS. */
int wg_handshake_queue_init(struct wg_handshake_queue *q, wg_engine *engine, int stop_efd, unsigned nthreads);
void wg_handshake_queue_free(struct wg_handshake_queue *q);
int wg_handshake_queue_start(struct wg_handshake_queue *q);
void wg_handshake_queue_join(struct wg_handshake_queue *q);
/* Take the handshake messages out of a received batch (queued, or dropped
 * when the queue is full) and drop junk (wg_engine_classify()); the rest
 * keep their order at the front.  Returns how many are left to decrypt. */
size_t wg_handshake_queue_sort(struct wg_handshake_queue *q, struct wg_packet *pkts, size_t n);

#endif
