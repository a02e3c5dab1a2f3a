/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * In-memory I/O for the managed tunnel (lib/tunnel/tunnel_io.h), as
 * wireguard-go's tuntest and bindtest: a fake TUN whose packets a test
 * injects and takes, and a fake wire that joins fake UDP sockets of several
 * tunnels.  Both keep the kernel's contracts that the tunnel relies on
 * (pollable fds, batches, UDP GSO/GRO and IP_PKTINFO/IPV6_PKTINFO with
 * their control messages, TUN
 * virtio_net_hdr super-packets are passed through untouched), and add knobs
 * a kernel does not have: batch sizes, drops, stalls, failures.
 *
 * Every fd is an eventfd, readable while its queue holds data.  Knobs are
 * read under the object's lock; set them with the setters.
 */
#ifndef WG_FAKE_IO_H
#define WG_FAKE_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "tunnel_io.h"

/* ---- the wire: fake UDP sockets (ctx: struct fake_net *) ---- */
extern const struct wg_udp_ops fake_udp_ops;

struct fake_net_knobs {
	unsigned recv_batch;	/* at most this many messages per recvmmsg; 0: as asked */
	bool gso, gro;		/* UDP_SEGMENT / UDP_GRO accepted */
	bool gso_fails;		/* a send with UDP_SEGMENT fails with EIO (as without csum offload) */
	unsigned drop_every;	/* drop every Nth datagram sent; 0: none */
	bool send_stalled;	/* sendmmsg returns EAGAIN (full socket buffer) */
	bool mark_fails;	/* SO_MARK fails with EPERM (no CAP_NET_ADMIN) */
	unsigned queue_max;	/* datagrams a socket holds before dropping; 0: 4096 */
	/* The host's addresses are 127.0.0.0/8 and ::1; this one (network
	 * order; 0: none) is gone: sending from it fails with EINVAL. */
	in_addr_t gone4;
};

struct fake_net_stats {
	uint64_t sent, delivered, dropped;
	uint64_t gso_sends;	/* messages sent with UDP_SEGMENT and more than one segment */
	uint64_t split_sends;	/* sendmsg() calls (the GSO fallback) */
	uint64_t gro_receives;	/* buffers received holding more than one datagram */
	unsigned max_recv;	/* most messages one recvmmsg returned */
	unsigned max_segs;	/* most datagrams in one GSO send */
	unsigned sockets;	/* open now */
};

struct fake_net *fake_net_new(void);
/* Frees the wire; every socket must be closed. */
void fake_net_free(struct fake_net *net);
void fake_net_set(struct fake_net *net, const struct fake_net_knobs *k);
void fake_net_get(struct fake_net *net, struct fake_net_knobs *k);
struct fake_net_stats fake_net_stats(struct fake_net *net);

/* ---- the TUN (ctx: struct fake_tun *) ---- */
extern const struct wg_tun_ops fake_tun_ops;

struct fake_tun_knobs {
	unsigned read_batch;	/* at most this many packets per read; 0: as asked */
	bool write_stalled;	/* the write operation blocks until cleared */
	bool offload_refused;	/* enable_offload says no */
};

struct fake_tun_stats {
	uint64_t read, written;
	uint64_t read_calls, write_calls;
	unsigned max_read, max_write;	/* most packets in one call */
	bool vnet;		/* opened with IFF_VNET_HDR */
	unsigned queues;	/* open now */
	uint32_t mtu;
};

struct fake_tun *fake_tun_new(void);
void fake_tun_free(struct fake_tun *tun);
void fake_tun_set(struct fake_tun *tun, const struct fake_tun_knobs *k);
struct fake_tun_stats fake_tun_stats(struct fake_tun *tun);
/* A packet the tunnel will read from queue q (with vnet: a virtio_net_hdr
 * first).  false: no such queue. */
bool fake_tun_inject(struct fake_tun *tun, unsigned q, const void *pkt, size_t len);
/* n packets at once, as a burst queued while the reader was busy. */
bool fake_tun_inject_burst(struct fake_tun *tun, unsigned q, const uint8_t *const *pkts, const size_t *lens,
			   size_t n);
/* The next packet the tunnel wrote (its iovecs joined), waiting up to
 * timeout_ms: its length, or 0 when none came (longer than size: cut). */
size_t fake_tun_take(struct fake_tun *tun, void *buf, size_t size, int timeout_ms);
/* Packets written and not taken yet. */
size_t fake_tun_pending(struct fake_tun *tun);
/* The interface is deleted: reads and writes fail with EBADFD. */
void fake_tun_remove(struct fake_tun *tun);

#endif
