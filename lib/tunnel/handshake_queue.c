// SPDX-License-Identifier: LGPL-2.1-or-later
/* The queue of handshake messages and its thread (handshake_queue.h). */
#include <poll.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "error.h"
#include "handshake_queue.h"
#include "util.h"

/* Messages per engine call: small, so that the depth the engine reads is
 * never far behind the queue's (the kernel reads it per message). */
#define HANDSHAKE_BATCH 16
/* Datagrams classified per lock of the queue. */
#define SORT_CHUNK 256
/* An initiation, the longest handshake message. */
#define HANDSHAKE_MAX_LEN 148

struct wg_handshake_entry {
	wg_endpoint src;
	uint32_t len;
	uint8_t msg[HANDSHAKE_MAX_LEN];
};

int wg_handshake_queue_init(struct wg_handshake_queue *q, wg_engine *engine, int stop_efd)
{
	memset(q, 0, sizeof(*q));
	q->engine = engine;
	q->stop_efd = stop_efd;
	q->ready_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->ready_efd < 0)
		return wg_error(errno, "eventfd: %s", strerror(errno));
	q->ring = calloc(WG_HANDSHAKE_QUEUE_CAPACITY, sizeof(*q->ring));
	if (!q->ring || wg_mutex_init(&q->lock)) {
		free(q->ring);
		close(q->ready_efd);
		q->ready_efd = -1;
		return wg_error(ENOMEM, "out of memory for the handshake queue");
	}
	return 0;
}

void wg_handshake_queue_free(struct wg_handshake_queue *q)
{
	if (!q->ring)
		return;
	wg_handshake_queue_join(q);
	wg_mutex_destroy(&q->lock);
	free(q->ring);
	q->ring = NULL;
	close(q->ready_efd);
	q->ready_efd = -1;
}

/* One chunk of a batch: pkts[from, to) sorted, the others moved to *keep. */
static void sort_chunk(struct wg_handshake_queue *q, struct wg_packet *pkts, size_t from, size_t to,
		       size_t *keep)
{
	uint8_t kind[SORT_CHUNK];
	size_t queued = 0, dropped = 0;
	bool was_empty;

	/* The BLAKE2s of each mac1 outside the lock. */
	for (size_t i = from; i < to; i++) {
		kind[i - from] = (uint8_t)wg_engine_classify(q->engine, &pkts[i]);
		queued += kind[i - from] == WG_DATAGRAM_HANDSHAKE;
		dropped += kind[i - from] == WG_DATAGRAM_JUNK;
	}
	if (queued) {
		wg_mutex_lock(&q->lock);
		was_empty = !q->count;
		for (size_t i = from; i < to; i++) {
			struct wg_handshake_entry *e;

			if (kind[i - from] != WG_DATAGRAM_HANDSHAKE)
				continue;
			if (q->count == WG_HANDSHAKE_QUEUE_CAPACITY) {
				dropped++;
				continue;
			}
			e = &q->ring[(q->head + q->count++) % WG_HANDSHAKE_QUEUE_CAPACITY];
			e->src = pkts[i].endpoint;
			e->len = pkts[i].len;
			memcpy(e->msg, pkts[i].buf + pkts[i].offset, pkts[i].len);
		}
		wg_mutex_unlock(&q->lock);
		if (was_empty)
			eventfd_write(q->ready_efd, 1);
	}
	if (dropped)
		__atomic_add_fetch(&q->dropped, dropped, __ATOMIC_RELAXED);
	for (size_t i = from; i < to; i++)
		if (kind[i - from] == WG_DATAGRAM_OTHER && (*keep)++ != i)
			pkts[*keep - 1] = pkts[i];
}

size_t wg_handshake_queue_sort(struct wg_handshake_queue *q, struct wg_packet *pkts, size_t n)
{
	size_t keep = 0;

	for (size_t i = 0; i < n; i += SORT_CHUNK)
		sort_chunk(q, pkts, i, n - i < SORT_CHUNK ? n : i + SORT_CHUNK, &keep);
	return keep;
}

/* Up to HANDSHAKE_BATCH messages out of the queue; *depth: how many it held. */
static size_t take(struct wg_handshake_queue *q, struct wg_handshake_entry *batch, uint32_t *depth)
{
	size_t n = 0;

	wg_mutex_lock(&q->lock);
	*depth = q->count;
	while (n < HANDSHAKE_BATCH && q->count) {
		batch[n++] = q->ring[q->head];
		q->head = (q->head + 1) % WG_HANDSHAKE_QUEUE_CAPACITY;
		q->count--;
	}
	wg_mutex_unlock(&q->lock);
	return n;
}

static bool readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, timeout_ms) > 0;
}

static void *handshake_main(void *arg)
{
	struct wg_handshake_queue *q = arg;
	struct wg_handshake_entry batch[HANDSHAKE_BATCH];
	struct wg_packet pkts[HANDSHAKE_BATCH];
	struct pollfd wait[2] = {
		{ .fd = q->stop_efd, .events = POLLIN },
		{ .fd = q->ready_efd, .events = POLLIN },
	};
	uint32_t depth;
	eventfd_t v;
	size_t n;

	for (;;) {
		/* Drain first: messages may have waited through a pause. */
		eventfd_read(q->ready_efd, &v);
		while ((n = take(q, batch, &depth))) {
			for (size_t i = 0; i < n; i++)
				pkts[i] = (struct wg_packet){
					.buf = batch[i].msg,
					.size = sizeof(batch[i].msg),
					.len = batch[i].len,
					.endpoint = batch[i].src,
				};
			wg_engine_set_handshake_queue(q->engine, depth, WG_HANDSHAKE_QUEUE_CAPACITY);
			wg_engine_decrypt(q->engine, pkts, n);
			if (readable(q->stop_efd, 0))
				return NULL;
		}
		wg_engine_set_handshake_queue(q->engine, 0, WG_HANDSHAKE_QUEUE_CAPACITY);
		while (poll(wait, 2, -1) < 0 && errno == EINTR)
			;
		if (wait[0].revents)
			return NULL;
	}
}

int wg_handshake_queue_start(struct wg_handshake_queue *q)
{
	int ret = pthread_create(&q->thread, NULL, handshake_main, q);

	if (ret)
		return wg_error(ret, "pthread_create: %s", strerror(ret));
	q->running = true;
	return 0;
}

void wg_handshake_queue_join(struct wg_handshake_queue *q)
{
	if (q->running)
		pthread_join(q->thread, NULL);
	q->running = false;
}
