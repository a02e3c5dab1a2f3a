/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The managed tunnel's I/O as operation tables, so that its logic (worker.c,
 * udp.c, tunnel.c) runs unchanged against in-memory fakes in tests, without
 * root and under the sanitizers (tests/unit/fake-io.c, as wireguard-go's
 * tuntest and bindtest).  Internal: nothing here is in wireguard.h or
 * exported by the shared library.
 *
 * The defaults are the system calls (wg_tun_sys_ops in tun.c, wg_udp_sys_ops
 * in udp.c).  The data operations each move a batch (one recvmmsg, one
 * sendmmsg, up to a batch of TUN reads or writes), so the indirect call is
 * paid once per batch, never per packet.
 *
 * Every fd an operation returns must be pollable (epoll): the workers wait
 * on it for input.  A fake gives an eventfd that is readable while it holds
 * data.  Operations return -errno on failure unless said otherwise.
 */
#ifndef WG_TUNNEL_IO_H
#define WG_TUNNEL_IO_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <wireguard.h>

/* One packet written to the TUN: a virtio_net_hdr and segments (vnet), or
 * the packet alone. */
struct wg_tun_msg {
	struct iovec *iov;
	int niov;
};

struct wg_tun_ops {
	/* Open `queues` queues of interface `name` (created if missing, "%d"
	 * allowed); the kernel's name to `actual`; *created: the interface is
	 * new.  Errors are also reported through wg_error(). */
	int (*open)(void *ctx, const char *name, unsigned queues, bool vnet, int *fds,
		    char actual[IFNAMSIZ], bool *created);
	/* Adopt a caller's TUN fd: its name and whether it has IFF_VNET_HDR. */
	int (*attach)(void *ctx, int fd, bool *vnet, char actual[IFNAMSIZ]);
	/* TSO/checksum offload on every queue; false if refused. */
	bool (*enable_offload)(void *ctx, const int *fds, unsigned n);
	int (*set_mtu)(void *ctx, const char *name, uint32_t mtu);
	int (*get_mtu)(void *ctx, const char *name, uint32_t *mtu);
	/* Read up to n packets, packet i into bufs[i] (iov_len in: room, out:
	 * length).  Returns how many, 0 when none is waiting, or -errno when
	 * the first read failed (-EBADFD, -ENXIO: the interface is gone). */
	int (*read)(void *ctx, int fd, struct iovec *bufs, size_t n);
	/* Write n packets; a packet the device refuses is dropped, as a full
	 * queue would.  Returns 0, or -EBADFD when the interface is gone. */
	int (*write)(void *ctx, int fd, const struct wg_tun_msg *msgs, size_t n);
	void (*close)(void *ctx, int fd);
};

/* The socket calls udp.c makes, with the system calls' arguments; each
 * returns what the call returns, but -errno instead of -1 and errno. */
struct wg_udp_ops {
	int (*socket)(void *ctx, int family);	/* SOCK_DGRAM, non-blocking */
	int (*setsockopt)(void *ctx, int fd, int level, int name, const void *val, socklen_t len);
	int (*bind)(void *ctx, int fd, const struct sockaddr *sa, socklen_t len);
	int (*getsockname)(void *ctx, int fd, struct sockaddr *sa, socklen_t *len);
	int (*sendmmsg)(void *ctx, int fd, struct mmsghdr *msgs, unsigned n);
	int (*sendmsg)(void *ctx, int fd, const struct msghdr *msg);
	/* Never waits (MSG_DONTWAIT): -EAGAIN when nothing is queued. */
	int (*recvmmsg)(void *ctx, int fd, struct mmsghdr *msgs, unsigned n);
	void (*close)(void *ctx, int fd);
};

extern const struct wg_tun_ops wg_tun_sys_ops;
extern const struct wg_udp_ops wg_udp_sys_ops;

struct wg_tunnel_io {
	const struct wg_tun_ops *tun;	/* NULL: &wg_tun_sys_ops */
	void *tun_ctx;
	const struct wg_udp_ops *udp;	/* NULL: &wg_udp_sys_ops */
	void *udp_ctx;
	const char *uapi_dir;		/* NULL: WG_UAPI_SOCKET_DIR */
};

/* wg_tunnel_new() with other I/O (io NULL: the system's). */
int wg_tunnel_new_io(wg_tunnel **tunnel, const struct wg_tunnel_options *options,
		     const struct wg_tunnel_io *io);

#endif
