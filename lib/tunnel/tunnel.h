/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The managed engine's internals (Linux): a TUN interface (tun.c, offload.c), UDP
 * sockets (udp.c), worker threads that move batches between them through the
 * engine (worker.c), the UAPI server (uapi_server.c), and the handle that
 * owns them all with the timer thread (tunnel.c).
 */
#ifndef WG_TUNNEL_H
#define WG_TUNNEL_H

#include <pthread.h>

#include "lock.h"
#include <stdbool.h>
#include <stdint.h>
#include <linux/virtio_net.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <wireguard.h>

#include "tunnel_io.h"

#define WG_TUNNEL_MAX_THREADS 64
/* Packets per batch: one recvmmsg/sendmmsg, one engine call. */
#define WG_BATCH 128
/* Datagrams per receive batch: with UDP GRO each buffer holds up to 64. */
#define WG_RX_PACKETS 1024
/* TUN packets per write operation (tunnel_io.h). */
#define WG_TUN_WRITES 64
#define WG_TUN_IOVS (4 * (64 + 1))	/* room for 4 GRO writes of 64 segments */

/* tun.c: open `queues` queues of the TUN interface `name` (creating it if
 * missing; a "%d" template is allowed).  The kernel's chosen name goes to
 * `actual`; *created says whether the interface is new. */
int wg_tun_open(const char *name, unsigned queues, bool vnet, int *fds, char actual[IFNAMSIZ],
		bool *created);
/* IFF_VNET_HDR and TSO/checksum offload on every queue; false if refused. */
bool wg_tun_enable_offload(const int *fds, unsigned n);
/* The name of the interface behind a TUN fd, whether it has the flags we
 * need, and whether it carries virtio_net_hdrs (IFF_VNET_HDR). */
int wg_tun_attach(int fd, bool *vnet, char actual[IFNAMSIZ]);
int wg_tun_set_mtu(const char *name, uint32_t mtu);
int wg_tun_get_mtu(const char *name, uint32_t *mtu);

/* udp.c: one IPv4 and one IPv6 socket per worker, all bound to one port
 * (SO_REUSEPORT when there are several, so the kernel keeps each peer's
 * datagrams on one socket and thus in order). fd6 is -1 without IPv6. */
struct wg_udp {
	const struct wg_udp_ops *ops;
	void *ctx;
	int fd4[WG_TUNNEL_MAX_THREADS], fd6[WG_TUNNEL_MAX_THREADS];
	unsigned n;
	uint16_t port;
	uint32_t fwmark;
	bool offload;		/* try UDP_SEGMENT (GSO) and UDP_GRO */
	bool gso, gro;		/* what the kernel accepted */
	/* Set by the caller before wg_udp_open(), which keeps them: */
	wg_tunnel_socket_fn *hook;	/* sees each socket before bind; may be NULL */
	void *hook_ctx;
	bool share;		/* bind beside a set that allows it (a rebind) */
	/* Told when a local address to send from (wg_packet.reserved) is
	 * gone (udp.c: sticky source addresses); may be NULL. */
	void (*forget_local)(const uint64_t local[2], void *ctx);
	void *forget_ctx;
};
int wg_udp_open(struct wg_udp *udp, const struct wg_udp_ops *ops, void *ctx, unsigned n, uint16_t port,
		uint32_t fwmark, bool offload);
void wg_udp_close(struct wg_udp *udp);
/* SO_REUSEADDR on or off: a set being replaced lets the new one bind its port. */
void wg_udp_share(struct wg_udp *udp, bool on);
int wg_udp_set_fwmark(struct wg_udp *udp, uint32_t fwmark);
/* Send datagrams through socket set i: all of them, or (only_ready) those
 * whose status is WG_PACKET_SEND. */
void wg_udp_send(struct wg_udp *udp, unsigned i, const struct wg_packet *pkts, size_t n,
		 bool only_ready);
/* Receive into up to nbufs buffers of bufsize bytes; with UDP GRO one buffer
 * may hold several datagrams.  Each datagram becomes one of at most maxpkts
 * packets, with the local address it arrived at in .reserved.  Returns how
 * many, 0 when none is waiting, or -errno. */
int wg_udp_recv(const struct wg_udp *udp, int fd, uint8_t *const *bufs, size_t nbufs, size_t bufsize,
		struct wg_packet *pkts, size_t maxpkts);

/* offload.c: TSO segmentation of what the TUN gives us, GRO coalescing of
 * what we give it. */
int wg_tso_count(const struct virtio_net_hdr *vh, const uint8_t *pkt, size_t len);
size_t wg_tso_segment(const struct virtio_net_hdr *vh, const uint8_t *pkt, size_t len,
		      unsigned k, uint8_t *out);
struct wg_gro {
	struct virtio_net_hdr vh;
	struct iovec iov[64 + 1];
	int niov;
};
/* Group pkts[0] with the following packets of its TCP flow (all DELIVER):
 * fills g with one write's worth; returns how many packets it took. */
size_t wg_gro_group(struct wg_packet *pkts, size_t n, struct wg_gro *g);

/* worker.c: lane `index` (a TUN queue and a socket pair) has two workers:
 * one reads the TUN queue and sends, the other receives and writes the TUN,
 * so that a busy direction never delays the other (e.g. TCP's ACKs). */
struct wg_worker {
	struct wg_tunnel *tunnel;
	unsigned index;
	bool tun_side;		/* reads the TUN; else reads the sockets */
	int tun_rfd;		/* TUN queue to read, or -1 */
	int tun_wfd;		/* TUN queue to write decrypted packets to */
	int epfd;
	pthread_t thread;
	bool running;
	uint8_t *arena;		/* WG_BATCH packet buffers */
	uint8_t *gso_buf;	/* a TUN super-packet before segmentation */
	struct wg_packet pkts[WG_RX_PACKETS];
	/* One batch of TUN writes (socket side): their iovecs and headers. */
	struct wg_tun_msg out[WG_TUN_WRITES];
	struct iovec out_iov[WG_TUN_IOVS];
	struct virtio_net_hdr out_vh[WG_TUN_WRITES];
};
int wg_worker_start(struct wg_worker *w);
void wg_worker_join(struct wg_worker *w);
void wg_worker_free(struct wg_worker *w);

struct wg_handshake_queue;

/* uapi_server.h: /var/run/wireguard/NAME.sock, served through tunnel.c's operations. */
struct wg_uapi_server;

/* tunnel.c */
struct wg_tunnel {
	wg_engine *engine;
	const struct wg_tun_ops *tun_ops;	/* the TUN's I/O (tunnel_io.h) */
	void *tun_ctx;
	char name[IFNAMSIZ];
	uint32_t flags;
	uint32_t mtu;
	int tun_fds[WG_TUNNEL_MAX_THREADS];
	unsigned ntun;
	bool vnet;		/* TUN reads and writes carry a virtio_net_hdr */
	unsigned nworkers;	/* lanes */
	unsigned nthreads;	/* workers: two per lane */
	struct wg_worker *workers;

	/* Senders outside the workers (the engine's send callback) read the
	 * sockets under this lock; a rebind writes them with workers stopped. */
	wg_rwlock udp_lock;
	struct wg_udp udp;
	/* Serialises configuration changes (and so rebinds). */
	wg_mutex config_lock;

	int workers_stop_efd;	/* readable: workers return */
	int stop_efd;		/* readable: timer thread returns */
	int stopped_efd;	/* readable: the tunnel died by itself */
	int wake_efd;		/* readable: the engine lowered its next deadline */
	bool dead;
	pthread_t timer_thread;
	bool timer_running;
	struct wg_uapi_server *uapi;
	/* Handshake messages, decrypted apart from data (handshake_queue.h). */
	struct wg_handshake_queue *handshakes;

	wg_engine_event_fn *event;
	void *ctx;

	/* UAPI subscribers (subscribe=1): connections that get every event. */
	wg_mutex sub_lock;
	int *subs;		/* under sub_lock */
	size_t nsubs;		/* written under sub_lock, read without it as a hint */
};
/* The interface went away or I/O failed for good: tell the owner. */
void wg_tunnel_fail(struct wg_tunnel *tunnel, const char *why, int err);

#endif
