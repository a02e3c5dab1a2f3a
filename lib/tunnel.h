/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The managed engine's internals (Linux): a TUN interface (tun.c), UDP
 * sockets (udp.c), worker threads that move batches between them through the
 * engine (worker.c), the UAPI server (uapi_server.c), and the handle that
 * owns them all with the timer thread (tunnel.c).
 */
#ifndef WG_TUNNEL_H
#define WG_TUNNEL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include "../include/wireguard.h"

#define WG_TUNNEL_MAX_THREADS 64
/* Packets per batch: one recvmmsg/sendmmsg, one engine call. */
#define WG_BATCH 64

/* tun.c: open `queues` queues of the TUN interface `name` (creating it if
 * missing; a "%d" template is allowed).  The kernel's chosen name goes to
 * `actual`; *created says whether the interface is new. */
int wg_tun_open(const char *name, unsigned queues, int *fds, char actual[IFNAMSIZ], bool *created);
/* The name of the interface behind a TUN fd, and whether it has the flags we need. */
int wg_tun_attach(int fd, char actual[IFNAMSIZ]);
int wg_tun_set_mtu(const char *name, uint32_t mtu);
int wg_tun_get_mtu(const char *name, uint32_t *mtu);

/* udp.c: one IPv4 and one IPv6 socket per worker, all bound to one port
 * (SO_REUSEPORT when there are several, so the kernel keeps each peer's
 * datagrams on one socket and thus in order). fd6 is -1 without IPv6. */
struct wg_udp {
	int fd4[WG_TUNNEL_MAX_THREADS], fd6[WG_TUNNEL_MAX_THREADS];
	unsigned n;
	uint16_t port;
	uint32_t fwmark;
};
int wg_udp_open(struct wg_udp *udp, unsigned n, uint16_t port, uint32_t fwmark);
void wg_udp_close(struct wg_udp *udp);
int wg_udp_set_fwmark(struct wg_udp *udp, uint32_t fwmark);
/* Send datagrams through socket set i: all of them, or (only_ready) those
 * whose status is WG_PACKET_SEND. */
void wg_udp_send(const struct wg_udp *udp, unsigned i, const struct wg_packet *pkts, size_t n,
		 bool only_ready);
/* Receive up to n datagrams into pkts[].buf (size preset); returns how many,
 * 0 when none is waiting, or -errno. */
int wg_udp_recv(int fd, struct wg_packet *pkts, size_t n);

/* worker.c */
struct wg_worker {
	struct wg_tunnel *tunnel;
	unsigned index;
	int tun_rfd;		/* this worker's TUN queue, or -1 */
	int epfd;
	pthread_t thread;
	bool running;
	uint8_t *arena;		/* WG_BATCH packet buffers */
	struct wg_packet pkts[WG_BATCH];
};
int wg_worker_start(struct wg_worker *w);
void wg_worker_join(struct wg_worker *w);
void wg_worker_free(struct wg_worker *w);

/* uapi_server.c: /var/run/wireguard/NAME.sock served by its own thread. */
struct wg_uapi_server;
int wg_uapi_server_start(struct wg_uapi_server **server, wg_tunnel *tunnel, const char *name);
void wg_uapi_server_stop(struct wg_uapi_server *server);

/* tunnel.c */
struct wg_tunnel {
	wg_engine *engine;
	char name[IFNAMSIZ];
	uint32_t flags;
	uint32_t mtu;
	int tun_fds[WG_TUNNEL_MAX_THREADS];
	unsigned ntun;
	unsigned nworkers;
	struct wg_worker *workers;

	/* Senders outside the workers (the engine's send callback) read the
	 * sockets under this lock; a rebind writes them with workers stopped. */
	pthread_rwlock_t udp_lock;
	struct wg_udp udp;
	/* Serialises configuration changes (and so rebinds). */
	pthread_mutex_t config_lock;

	int workers_stop_efd;	/* readable: workers return */
	int stop_efd;		/* readable: timer thread returns */
	int stopped_efd;	/* readable: the tunnel died by itself */
	bool dead;
	pthread_t timer_thread;
	bool timer_running;
	struct wg_uapi_server *uapi;

	wg_engine_event_fn *event;
	void *ctx;
};
/* The interface went away or I/O failed for good: tell the owner. */
void wg_tunnel_fail(struct wg_tunnel *tunnel, const char *why, int err);

#endif
