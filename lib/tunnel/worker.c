// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Worker threads.  Each lane has a TUN queue and a socket pair, and two
 * workers that move a batch at a time: TUN -> encrypt -> sendmmsg, and
 * recvmmsg -> decrypt -> TUN.  The
 * kernel steers a flow to one TUN queue and a peer's datagrams to one socket
 * (SO_REUSEPORT hashes the 4-tuple), so each peer's packets stay in order
 * while different flows and peers run in parallel.
 */
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "error.h"
#include "handshake_queue.h"
#include "tunnel.h"
#include "util.h"

/* Room for the largest IP packet or UDP datagram with the engine's head- and
 * tailroom: an MTU raised after start must not truncate packets.  The arena
 * is mapped lazily, so only the pages that packets touch cost memory. */
#define SLOT_SIZE (65536 + 128)
#define GSO_BUF_SIZE (65536 + sizeof(struct virtio_net_hdr))

static uint8_t *slot(struct wg_worker *w, size_t i)
{
	return w->arena + i * SLOT_SIZE;
}

static void tun_gone(struct wg_worker *w, int err)
{
	epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->tun_rfd, NULL);
	wg_tunnel_fail(w->tunnel, "the interface is gone", err);
}

static void encrypt_and_send(struct wg_worker *w, size_t n)
{
	struct wg_tunnel *t = w->tunnel;

	wg_engine_encrypt(t->engine, w->pkts, n);
	wg_udp_send(&t->udp, w->index, w->pkts, n, true);
}

static void init_packet(struct wg_packet *p, uint8_t *buf, size_t len)
{
	p->buf = buf;
	p->size = SLOT_SIZE;
	p->offset = WG_PACKET_HEADROOM;
	p->len = (uint32_t)len;
	p->status = 0;
	p->reason = 0;
}

/* Up to n packets into bufs; 0 when the TUN has nothing more (or is gone). */
static size_t tun_read(struct wg_worker *w, struct iovec *bufs, size_t n)
{
	struct wg_tunnel *t = w->tunnel;
	int r = t->tun_ops->read(t->tun_ctx, w->tun_rfd, bufs, n);

	if (r == -EBADFD || r == -ENXIO)
		tun_gone(w, -r);
	else if (r < 0)
		wg_log(WG_LOG_DEBUG, "%s: TUN read: %s", t->name, strerror(-r));
	return r < 0 ? 0 : (size_t)r;
}

static void from_tun(struct wg_worker *w)
{
	struct iovec bufs[WG_BATCH];
	size_t n = 0;

	if (!w->tunnel->vnet) {
		for (size_t i = 0; i < WG_BATCH; i++) {
			bufs[i].iov_base = slot(w, i) + WG_PACKET_HEADROOM;
			bufs[i].iov_len = SLOT_SIZE - WG_PACKET_HEADROOM - WG_PACKET_TAILROOM;
		}
		for (size_t got = tun_read(w, bufs, WG_BATCH); n < got; n++)
			init_packet(&w->pkts[n], slot(w, n), bufs[n].iov_len);
	} else {
		/* Up to two super-packets per batch; cut each into segments. */
		while (n < WG_BATCH / 2) {
			struct virtio_net_hdr vh;
			const uint8_t *pkt = w->gso_buf + sizeof(vh);
			size_t len;
			int segs;

			bufs[0].iov_base = w->gso_buf;
			bufs[0].iov_len = GSO_BUF_SIZE;
			if (!tun_read(w, bufs, 1))
				break;
			if (bufs[0].iov_len <= sizeof(vh))
				continue;
			memcpy(&vh, w->gso_buf, sizeof(vh));
			len = bufs[0].iov_len - sizeof(vh);
			segs = wg_tso_count(&vh, pkt, len);
			for (int k = 0; k < segs; k++) {
				uint8_t *buf = slot(w, n);

				init_packet(&w->pkts[n], buf,
					    wg_tso_segment(&vh, pkt, len, (unsigned)k, buf + WG_PACKET_HEADROOM));
				if (++n == WG_BATCH) {
					encrypt_and_send(w, n);
					n = 0;
				}
			}
		}
	}
	if (n)
		encrypt_and_send(w, n);
}

/* false when the interface is gone */
static bool tun_write(struct wg_worker *w, size_t k)
{
	struct wg_tunnel *t = w->tunnel;

	if (t->tun_ops->write(t->tun_ctx, w->tun_wfd, w->out, k) == -EBADFD) {
		wg_tunnel_fail(t, "the interface is gone", EBADFD);
		return false;
	}
	return true;
}

/* The delivered packets to the TUN, up to WG_TUN_WRITES writes per call: a
 * packet each, or with offloads one write per run of a TCP flow (GRO).  The
 * batch is kept compact (iovecs and headers side by side, not a wg_gro per
 * write) so that it stays in cache like the single wg_gro it replaces. */
static void to_tun(struct wg_worker *w, size_t n)
{
	struct wg_tunnel *t = w->tunnel;
	size_t k = 0, used = 0;	/* messages, iovecs */
	struct wg_gro g;

	for (size_t i = 0; i < n;) {
		struct wg_packet *p = &w->pkts[i];
		struct iovec *iov = &w->out_iov[used];

		if (p->status != WG_PACKET_DELIVER) {
			i++;
			continue;
		}
		if (t->vnet) {
			i += wg_gro_group(p, n - i, &g);
			w->out_vh[k] = g.vh;
			g.iov[0].iov_base = &w->out_vh[k];
			memcpy(iov, g.iov, (size_t)g.niov * sizeof(*iov));
			w->out[k].niov = g.niov;
		} else {
			i++;
			iov->iov_base = p->buf + p->offset;
			iov->iov_len = p->len;
			w->out[k].niov = 1;
		}
		w->out[k].iov = iov;
		used += (size_t)w->out[k++].niov;
		/* Full, or no room for one more of the most iovecs. */
		if (k == WG_TUN_WRITES || used + ARRAY_SIZE(g.iov) > WG_TUN_IOVS) {
			if (!tun_write(w, k))
				return;
			k = used = 0;
		}
	}
	if (k)
		tun_write(w, k);
}

static void from_udp(struct wg_worker *w, int fd)
{
	struct wg_tunnel *t = w->tunnel;
	uint8_t *bufs[WG_BATCH];
	int n;

	for (size_t i = 0; i < WG_BATCH; i++)
		bufs[i] = slot(w, i);
	n = wg_udp_recv(&t->udp, fd, bufs, WG_BATCH, SLOT_SIZE, w->pkts, WG_RX_PACKETS);
	if (n <= 0) {
		if (n < 0)
			wg_log(WG_LOG_DEBUG, "%s: UDP receive: %s", t->name, strerror(-n));
		return;
	}
	/* Handshakes to their own thread, junk away: data never waits behind X25519s. */
	n = (int)wg_handshake_queue_sort(t->handshakes, w->pkts, (size_t)n);
	wg_engine_decrypt(t->engine, w->pkts, (size_t)n);
	to_tun(w, (size_t)n);
}

static void *worker_main(void *arg)
{
	struct wg_worker *w = arg;
	struct wg_tunnel *t = w->tunnel;
	struct epoll_event ev[8];

	for (;;) {
		int n = epoll_wait(w->epfd, ev, ARRAY_SIZE(ev), -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			wg_tunnel_fail(t, "epoll_wait failed", errno);
			return NULL;
		}
		for (int i = 0; i < n; i++)
			if (ev[i].data.fd == t->workers_stop_efd)
				return NULL;
		for (int i = 0; i < n; i++) {
			int fd = ev[i].data.fd;

			if (fd != w->tun_rfd)
				from_udp(w, fd);
			else if (ev[i].events & (EPOLLERR | EPOLLHUP))
				tun_gone(w, EBADFD);
			else
				from_tun(w);
		}
	}
}

static int watch(int epfd, int fd)
{
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = fd };

	if (fd >= 0 && epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
		return wg_error(errno, "epoll_ctl: %s", strerror(errno));
	return 0;
}

int wg_worker_start(struct wg_worker *w)
{
	struct wg_tunnel *t = w->tunnel;
	int ret;

	if (!w->gso_buf) {
		w->gso_buf = malloc(GSO_BUF_SIZE);
		if (!w->gso_buf)
			return wg_error(ENOMEM, "out of memory for packet buffers");
	}
	if (!w->arena) {
		w->arena = mmap(NULL, (size_t)SLOT_SIZE * WG_BATCH, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (w->arena == MAP_FAILED) {
			w->arena = NULL;
			return wg_error(ENOMEM, "out of memory for packet buffers");
		}
	}
	/* A fresh epoll set each start: a rebind replaced the sockets. */
	if (w->epfd >= 0)
		close(w->epfd);
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0)
		return wg_error(errno, "epoll_create1: %s", strerror(errno));
	ret = watch(w->epfd, t->workers_stop_efd);
	if (w->tun_side) {
		if (!ret && !__atomic_load_n(&t->dead, __ATOMIC_ACQUIRE))
			ret = watch(w->epfd, w->tun_rfd);
	} else {
		if (!ret)
			ret = watch(w->epfd, t->udp.fd4[w->index]);
		if (!ret)
			ret = watch(w->epfd, t->udp.fd6[w->index]);
	}
	if (ret)
		return ret;
	ret = pthread_create(&w->thread, NULL, worker_main, w);
	if (ret)
		return wg_error(ret, "pthread_create: %s", strerror(ret));
	w->running = true;
	return 0;
}

void wg_worker_join(struct wg_worker *w)
{
	if (w->running)
		pthread_join(w->thread, NULL);
	w->running = false;
}

void wg_worker_free(struct wg_worker *w)
{
	if (w->epfd >= 0)
		close(w->epfd);
	w->epfd = -1;
	if (w->arena)
		munmap(w->arena, (size_t)SLOT_SIZE * WG_BATCH);
	w->arena = NULL;
	free(w->gso_buf);
	w->gso_buf = NULL;
}
