// SPDX-License-Identifier: LGPL-2.1-or-later
/* The queue of handshake messages and its threads (handshake_queue.h). */
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
	uint64_t local[2];	/* wg_packet.reserved: where it arrived (udp.c) */
	uint32_t len;
	uint8_t msg[HANDSHAKE_MAX_LEN];
};

static int ring_init(struct wg_handshake_ring *r, uint32_t capacity)
{
	r->entries = calloc(capacity, sizeof(*r->entries));
	r->capacity = capacity;
	r->head = r->count = 0;
	return r->entries ? 0 : -ENOMEM;
}

static bool ring_put(struct wg_handshake_ring *r, const struct wg_packet *p)
{
	struct wg_handshake_entry *e;

	if (r->count == r->capacity)
		return false;
	e = &r->entries[(r->head + r->count++) % r->capacity];
	e->src = p->endpoint;
	e->local[0] = p->reserved[0];
	e->local[1] = p->reserved[1];
	e->len = p->len;
	memcpy(e->msg, p->buf + p->offset, p->len);
	return true;
}

static size_t ring_take(struct wg_handshake_ring *r, struct wg_handshake_entry *out, size_t room)
{
	size_t n = 0;

	while (n < room && r->count) {
		out[n++] = r->entries[r->head];
		r->head = (r->head + 1) % r->capacity;
		r->count--;
	}
	return n;
}

int wg_handshake_queue_init(struct wg_handshake_queue *q, wg_engine *engine, int stop_efd, unsigned nthreads)
{
	memset(q, 0, sizeof(*q));
	q->engine = engine;
	q->stop_efd = stop_efd;
	q->nthreads = nthreads < 1 ? 1 : nthreads > WG_HANDSHAKE_MAX_THREADS ? WG_HANDSHAKE_MAX_THREADS : nthreads;
	q->ready_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (q->ready_efd < 0)
		return wg_error(errno, "eventfd: %s", strerror(errno));
	if (ring_init(&q->fresh, WG_HANDSHAKE_QUEUE_CAPACITY) || ring_init(&q->proven, WG_HANDSHAKE_PROVEN_CAPACITY) ||
	    wg_mutex_init(&q->lock)) {
		free(q->fresh.entries);
		free(q->proven.entries);
		q->fresh.entries = q->proven.entries = NULL;
		close(q->ready_efd);
		q->ready_efd = -1;
		return wg_error(ENOMEM, "out of memory for the handshake queue");
	}
	return 0;
}

void wg_handshake_queue_free(struct wg_handshake_queue *q)
{
	if (!q->fresh.entries)
		return;
	wg_handshake_queue_join(q);
	wg_mutex_destroy(&q->lock);
	free(q->fresh.entries);
	free(q->proven.entries);
	q->fresh.entries = q->proven.entries = NULL;
	close(q->ready_efd);
	q->ready_efd = -1;
}

/* One chunk of a batch: pkts[from, to) sorted, the others moved to *keep. */
static void sort_chunk(struct wg_handshake_queue *q, struct wg_packet *pkts, size_t from, size_t to,
		       size_t *keep)
{
	uint8_t kind[SORT_CHUNK];
	size_t queued = 0, dropped = 0;

	/* The BLAKE2s of each mac outside the lock. */
	for (size_t i = from; i < to; i++) {
		uint8_t k = (uint8_t)wg_engine_classify(q->engine, &pkts[i]);

		kind[i - from] = k;
		queued += k == WG_DATAGRAM_HANDSHAKE || k == WG_DATAGRAM_HANDSHAKE_COOKIE;
		dropped += k == WG_DATAGRAM_JUNK;
	}
	if (queued) {
		wg_mutex_lock(&q->lock);
		for (size_t i = from; i < to; i++) {
			uint8_t k = kind[i - from];

			if (k == WG_DATAGRAM_HANDSHAKE_COOKIE && ring_put(&q->proven, &pkts[i]))
				continue;
			if ((k == WG_DATAGRAM_HANDSHAKE || k == WG_DATAGRAM_HANDSHAKE_COOKIE) &&
			    !ring_put(&q->fresh, &pkts[i]))
				dropped++;
		}
		wg_mutex_unlock(&q->lock);
		/* Wakes every idle thread; the busy ones look again anyway. */
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

/* Up to HANDSHAKE_BATCH messages, proven ones first; *depth: how many the
 * queue held. */
static size_t take(struct wg_handshake_queue *q, struct wg_handshake_entry *batch, uint32_t *depth)
{
	size_t n;

	wg_mutex_lock(&q->lock);
	*depth = q->fresh.count + q->proven.count;
	n = ring_take(&q->proven, batch, HANDSHAKE_BATCH);
	n += ring_take(&q->fresh, batch + n, HANDSHAKE_BATCH - n);
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
					.reserved = { batch[i].local[0], batch[i].local[1] },
				};
			wg_engine_set_handshake_queue(q->engine, depth, WG_HANDSHAKE_QUEUE_CAPACITY);
			wg_engine_decrypt(q->engine, pkts, n);
			if (readable(q->stop_efd, 0))
				return NULL;
		}
		while (poll(wait, 2, -1) < 0 && errno == EINTR)
			;
		if (wait[0].revents)
			return NULL;
	}
}

int wg_handshake_queue_start(struct wg_handshake_queue *q)
{
	for (; q->running < q->nthreads; q->running++) {
		int ret = pthread_create(&q->threads[q->running], NULL, handshake_main, q);

		if (ret)
			return wg_error(ret, "pthread_create: %s", strerror(ret));
	}
	return 0;
}

void wg_handshake_queue_join(struct wg_handshake_queue *q)
{
	for (; q->running; q->running--)
		pthread_join(q->threads[q->running - 1], NULL);
}
