/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Handshake messages apart from data, as the Linux driver queues them: the
 * socket workers check mac1 (one BLAKE2s) and put what passes into one
 * bounded queue; a thread of its own decrypts it (X25519s), telling the
 * engine the queue's depth, which decides "under load"
 * (wg_engine_set_handshake_queue()).  A flood of initiations then costs the
 * socket workers a hash each and never holds up the data behind it; beyond
 * the queue's capacity, handshake messages are dropped.
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

struct wg_handshake_entry;

struct wg_handshake_queue {
	wg_engine *engine;
	wg_mutex lock;
	struct wg_handshake_entry *ring;	/* CAPACITY entries */
	uint32_t head, count;		/* under lock */
	uint64_t dropped;		/* full queue (atomic) */
	int ready_efd;			/* readable: the queue went non-empty */
	int stop_efd;			/* readable: the thread returns (not ours) */
	pthread_t thread;
	bool running;
};

/* stop_efd: the tunnel's workers_stop_efd (the thread pauses with the workers). */
int wg_handshake_queue_init(struct wg_handshake_queue *q, wg_engine *engine, int stop_efd);
void wg_handshake_queue_free(struct wg_handshake_queue *q);
int wg_handshake_queue_start(struct wg_handshake_queue *q);
void wg_handshake_queue_join(struct wg_handshake_queue *q);
/* Take the handshake messages out of a received batch (queued, or dropped
 * when the queue is full) and drop junk (wg_engine_classify()); the rest
 * keep their order at the front.  Returns how many are left to decrypt. */
size_t wg_handshake_queue_sort(struct wg_handshake_queue *q, struct wg_packet *pkts, size_t n);

#endif
