// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * UDP sockets: IPv4 and IPv6 on one port, batched with recvmmsg/sendmmsg.
 *
 * Sticky source addresses: each datagram received carries the local address
 * it arrived at (IP_PKTINFO, IPV6_RECVPKTINFO) in wg_packet.reserved, as an
 * IPv6 address (IPv4 mapped).  The engine remembers it per peer and puts it
 * on what it sends that peer, and we send from it (IP_PKTINFO/IPV6_PKTINFO
 * on sendmmsg), so that a host with several addresses answers from the one
 * the peer wrote to, as the Linux driver (endpoint.src4/src6) and
 * wireguard-go do: a peer behind a strict NAT, or one that only knows that
 * address, would not accept replies from another.  When the address is gone
 * (the send fails with EINVAL or EADDRNOTAVAIL) the datagram leaves from the
 * address routing picks and the engine forgets it for every peer.  (IPv6
 * reports EINVAL; IPv4's route lookup ENETUNREACH, which a peer without a
 * route also gets: forgetting is harmless then, the retry fails alike.)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "error.h"
#include "tunnel.h"
#include "util.h"

/* Bursts at line rate overflow the defaults (~200 KiB) long before the
 * workers fall behind on average; wireguard-go and the kernel use MiBs too. */
#define SOCKET_BUFFER (8 << 20)
/* The kernel's limit on segments per UDP GSO send and per GRO receive. */
#define MAX_SEGMENTS 64
#define MAX_GSO_BYTES 65000

/* A sent message's control data: the local address to leave from (the
 * larger, IPv6 form) and the GSO segment size. */
union send_control {
	char buf[CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(uint16_t))];
	struct cmsghdr align;
};

/* What a datagram's wg_packet.reserved holds: the local address. */
static bool has_local(const uint64_t local[2])
{
	return local[0] || local[1];
}

static bool same_local(const uint64_t a[2], const uint64_t b[2])
{
	return a[0] == b[0] && a[1] == b[1];
}

static void local_from_in6(uint64_t local[2], const struct in6_addr *a)
{
	memcpy(local, a, 16);
}

static void local_from_in4(uint64_t local[2], const struct in_addr *a)
{
	struct in6_addr m = { .s6_addr = { [10] = 0xff, [11] = 0xff } };

	memcpy(&m.s6_addr[12], a, 4);
	local_from_in6(local, &m);
}

static int sys_socket(void *ctx, int family)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	(void)ctx;
	return fd < 0 ? -errno : fd;
}

static int sys_setsockopt(void *ctx, int fd, int level, int name, const void *val, socklen_t len)
{
	(void)ctx;
	return setsockopt(fd, level, name, val, len) < 0 ? -errno : 0;
}

static int sys_bind(void *ctx, int fd, const struct sockaddr *sa, socklen_t len)
{
	(void)ctx;
	return bind(fd, sa, len) < 0 ? -errno : 0;
}

static int sys_getsockname(void *ctx, int fd, struct sockaddr *sa, socklen_t *len)
{
	(void)ctx;
	return getsockname(fd, sa, len) < 0 ? -errno : 0;
}

static int sys_sendmmsg(void *ctx, int fd, struct mmsghdr *msgs, unsigned n)
{
	int ret = sendmmsg(fd, msgs, n, 0);

	(void)ctx;
	return ret < 0 ? -errno : ret;
}

static int sys_sendmsg(void *ctx, int fd, const struct msghdr *msg)
{
	ssize_t ret = sendmsg(fd, msg, 0);

	(void)ctx;
	return ret < 0 ? -errno : (int)ret;
}

static int sys_recvmmsg(void *ctx, int fd, struct mmsghdr *msgs, unsigned n)
{
	int ret = recvmmsg(fd, msgs, n, MSG_DONTWAIT, NULL);

	(void)ctx;
	return ret < 0 ? -errno : ret;
}

static void sys_close(void *ctx, int fd)
{
	(void)ctx;
	close(fd);
}

const struct wg_udp_ops wg_udp_sys_ops = {
	.socket = sys_socket,
	.setsockopt = sys_setsockopt,
	.bind = sys_bind,
	.getsockname = sys_getsockname,
	.sendmmsg = sys_sendmmsg,
	.sendmsg = sys_sendmsg,
	.recvmmsg = sys_recvmmsg,
	.close = sys_close,
};

static int opt(const struct wg_udp *udp, int fd, int level, int name, int val)
{
	return udp->ops->setsockopt(udp->ctx, fd, level, name, &val, sizeof(val));
}

static void set_buffers(const struct wg_udp *udp, int fd)
{
	/* The FORCE variants pass rmem_max/wmem_max, which needs CAP_NET_ADMIN. */
	if (opt(udp, fd, SOL_SOCKET, SO_RCVBUFFORCE, SOCKET_BUFFER) < 0)
		opt(udp, fd, SOL_SOCKET, SO_RCVBUF, SOCKET_BUFFER);
	if (opt(udp, fd, SOL_SOCKET, SO_SNDBUFFORCE, SOCKET_BUFFER) < 0)
		opt(udp, fd, SOL_SOCKET, SO_SNDBUF, SOCKET_BUFFER);
}

static int set_mark(const struct wg_udp *udp, int fd, uint32_t fwmark)
{
	int ret;

	if (fd < 0)
		return 0;
	ret = udp->ops->setsockopt(udp->ctx, fd, SOL_SOCKET, SO_MARK, &fwmark, sizeof(fwmark));
	if (ret < 0)
		return wg_error(-ret, "SO_MARK: %s", strerror(-ret));
	return 0;
}

/* The owner's hook (wg_tunnel_socket_fn), e.g. Android's protect(), sees the
 * socket before it is bound; 0 or a negative errno. */
static int run_hook(const struct wg_udp *udp, int fd, int family)
{
	int ret;

	if (!udp->hook)
		return 0;
	ret = udp->hook(fd, family, udp->hook_ctx);
	return ret > 0 ? -ret : ret;
}

/* One socket of `family` bound to *port (0: any, then *port is the choice). */
static int bind_one(const struct wg_udp *udp, int family, uint16_t *port, bool reuse, uint32_t fwmark)
{
	union {
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
	} sa = { 0 };
	socklen_t len;
	int fd, ret;

	fd = udp->ops->socket(udp->ctx, family);
	if (fd < 0)
		return fd;
	if (family == AF_INET6) {
		/* Separate IPv4 socket: IPv4-mapped addresses would complicate endpoints. */
		opt(udp, fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
		/* The local address of each datagram (sticky sources, above). */
		opt(udp, fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1);
		sa.in6.sin6_family = AF_INET6;
		sa.in6.sin6_port = htons(*port);
		len = sizeof(sa.in6);
	} else {
		opt(udp, fd, IPPROTO_IP, IP_PKTINFO, 1);
		sa.in4.sin_family = AF_INET;
		sa.in4.sin_port = htons(*port);
		len = sizeof(sa.in4);
	}
	if (reuse)
		opt(udp, fd, SOL_SOCKET, SO_REUSEPORT, 1);
	/* A rebind binds beside the old set, which allows it for that moment;
	 * cleared once bound, so that nobody else can join the port later. */
	if (udp->share)
		opt(udp, fd, SOL_SOCKET, SO_REUSEADDR, 1);
	set_buffers(udp, fd);
	ret = fwmark ? set_mark(udp, fd, fwmark) : 0;
	if (ret == 0)
		ret = run_hook(udp, fd, family);
	if (ret == 0)
		ret = udp->ops->bind(udp->ctx, fd, (struct sockaddr *)&sa, len);
	if (ret == 0 && udp->share)
		opt(udp, fd, SOL_SOCKET, SO_REUSEADDR, 0);
	if (ret == 0)
		ret = udp->ops->getsockname(udp->ctx, fd, (struct sockaddr *)&sa, &len);
	if (ret < 0) {
		udp->ops->close(udp->ctx, fd);
		return ret;
	}
	*port = ntohs(family == AF_INET6 ? sa.in6.sin6_port : sa.in4.sin_port);
	return fd;
}

/* UDP GSO/GRO (Linux 4.18/5.0): one syscall and one trip through the stack
 * per 64 KiB instead of per datagram.  Probed, never required. */
static void enable_offload(struct wg_udp *udp, int fd)
{
	if (!udp->offload)
		return;
	udp->gso = opt(udp, fd, SOL_UDP, UDP_SEGMENT, 0) == 0;
	if (opt(udp, fd, SOL_UDP, UDP_GRO, 1) < 0)
		udp->gro = false;
}

static int open_set(struct wg_udp *udp, unsigned n, uint16_t port, uint32_t fwmark)
{
	bool reuse = n > 1, v6 = true;
	uint16_t p = port;
	int fd;

	for (unsigned i = 0; i < WG_TUNNEL_MAX_THREADS; i++)
		udp->fd4[i] = udp->fd6[i] = -1;
	udp->n = n;
	udp->fwmark = fwmark;
	udp->gso = false;
	udp->gro = udp->offload;
	/* IPv6 first: if its random port is free for IPv4 too, both share it. */
	fd = bind_one(udp, AF_INET6, &p, reuse, fwmark);
	if (fd == -EAFNOSUPPORT || fd == -EADDRNOTAVAIL) {
		v6 = false;	/* no IPv6 in this kernel or namespace */
	} else if (fd < 0) {
		return fd;
	} else {
		udp->fd6[0] = fd;
	}
	fd = bind_one(udp, AF_INET, &p, reuse, fwmark);
	if (fd < 0)
		return fd;
	udp->fd4[0] = fd;
	udp->port = p;
	for (unsigned i = 1; i < n; i++) {
		fd = bind_one(udp, AF_INET, &p, reuse, fwmark);
		if (fd < 0)
			return fd;
		udp->fd4[i] = fd;
		if (!v6)
			continue;
		fd = bind_one(udp, AF_INET6, &p, reuse, fwmark);
		if (fd < 0)
			return fd;
		udp->fd6[i] = fd;
	}
	for (unsigned i = 0; i < n; i++) {
		enable_offload(udp, udp->fd4[i]);
		if (udp->fd6[i] >= 0)
			enable_offload(udp, udp->fd6[i]);
	}
	return 0;
}

int wg_udp_open(struct wg_udp *udp, const struct wg_udp_ops *ops, void *ctx, unsigned n, uint16_t port,
		uint32_t fwmark, bool offload)
{
	int ret;

	udp->ops = ops;
	udp->ctx = ctx;
	udp->offload = offload;
	if (!n || n > WG_TUNNEL_MAX_THREADS)
		return wg_error(EINVAL, "invalid number of sockets %u", n);
	/* A random IPv6 port may be taken for IPv4: try a few others. */
	for (int attempt = 0; attempt < (port ? 1 : 100); attempt++) {
		ret = open_set(udp, n, port, fwmark);
		if (ret == 0)
			return 0;
		wg_udp_close(udp);
		if (ret != -EADDRINUSE)
			break;
	}
	if (ret == -EADDRINUSE)
		return wg_error(EADDRINUSE, "UDP port %u is in use", port);
	if (ret == -EPERM || ret == -EACCES)
		return wg_error(-ret, "UDP port %u: permission denied", port);
	return wg_error(-ret, "UDP port %u: %s", port, strerror(-ret));
}

void wg_udp_share(struct wg_udp *udp, bool on)
{
	for (unsigned i = 0; i < udp->n; i++) {
		if (udp->fd4[i] >= 0)
			opt(udp, udp->fd4[i], SOL_SOCKET, SO_REUSEADDR, on);
		if (udp->fd6[i] >= 0)
			opt(udp, udp->fd6[i], SOL_SOCKET, SO_REUSEADDR, on);
	}
}

void wg_udp_close(struct wg_udp *udp)
{
	for (unsigned i = 0; i < WG_TUNNEL_MAX_THREADS; i++) {
		if (udp->fd4[i] >= 0)
			udp->ops->close(udp->ctx, udp->fd4[i]);
		if (udp->fd6[i] >= 0)
			udp->ops->close(udp->ctx, udp->fd6[i]);
		udp->fd4[i] = udp->fd6[i] = -1;
	}
}

int wg_udp_set_fwmark(struct wg_udp *udp, uint32_t fwmark)
{
	int ret;

	for (unsigned i = 0; i < udp->n; i++) {
		ret = set_mark(udp, udp->fd4[i], fwmark);
		if (ret == 0)
			ret = set_mark(udp, udp->fd6[i], fwmark);
		if (ret < 0) {
			/* Put the old mark back on the ones already changed. */
			for (unsigned j = 0; j <= i; j++) {
				set_mark(udp, udp->fd4[j], udp->fwmark);
				set_mark(udp, udp->fd6[j], udp->fwmark);
			}
			return ret;
		}
	}
	udp->fwmark = fwmark;
	return 0;
}

/* The kernel refused a GSO send (a device without checksum offload on the
 * route): send its datagrams one by one, and stop using GSO. */
static void send_split(struct wg_udp *udp, int fd, struct msghdr *h, int err, const struct cmsghdr *pktinfo)
{
	union send_control one_ctl;

	__atomic_store_n(&udp->gso, false, __ATOMIC_RELAXED);
	wg_log(WG_LOG_INFO, "UDP GSO refused (%s): disabled", strerror(err));
	if (pktinfo)
		memcpy(one_ctl.buf, pktinfo, pktinfo->cmsg_len);
	for (size_t j = 0; j < h->msg_iovlen; j++) {
		struct msghdr one = {
			.msg_name = h->msg_name,
			.msg_namelen = h->msg_namelen,
			.msg_iov = &h->msg_iov[j],
			.msg_iovlen = 1,
			.msg_control = pktinfo ? one_ctl.buf : NULL,
			.msg_controllen = pktinfo ? CMSG_SPACE(pktinfo->cmsg_len - CMSG_LEN(0)) : 0,
		};

		udp->ops->sendmsg(udp->ctx, fd, &one);
	}
}

/* A run of datagrams for one sendmmsg (one family, so one socket). */
struct send_run {
	struct mmsghdr *m;
	union send_control *c;
	const uint64_t **local;	/* each message's local address (sticky source) */
	unsigned n;
};

/* The message's control data: where it leaves from, and how GSO cuts it. */
static void set_control(struct mmsghdr *m, union send_control *c, const uint64_t *local)
{
	struct msghdr *h = &m->msg_hdr;
	size_t iov0 = h->msg_iov[0].iov_len;
	struct cmsghdr *cm;
	size_t len = 0;

	h->msg_control = c->buf;
	h->msg_controllen = sizeof(c->buf);
	cm = CMSG_FIRSTHDR(h);
	if (local && has_local(local)) {
		if (((struct sockaddr *)h->msg_name)->sa_family == AF_INET) {
			struct in_pktinfo pi = { 0 };

			memcpy(&pi.ipi_spec_dst, (const uint8_t *)local + 12, 4);
			cm->cmsg_level = IPPROTO_IP;
			cm->cmsg_type = IP_PKTINFO;
			cm->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
			len += CMSG_SPACE(sizeof(pi));
		} else {
			struct in6_pktinfo pi = { 0 };

			memcpy(&pi.ipi6_addr, local, 16);
			cm->cmsg_level = IPPROTO_IPV6;
			cm->cmsg_type = IPV6_PKTINFO;
			cm->cmsg_len = CMSG_LEN(sizeof(pi));
			memcpy(CMSG_DATA(cm), &pi, sizeof(pi));
			len += CMSG_SPACE(sizeof(pi));
		}
		cm = CMSG_NXTHDR(h, cm);
	}
	if (h->msg_iovlen >= 2) {
		uint16_t seg = (uint16_t)iov0;

		cm->cmsg_level = SOL_UDP;
		cm->cmsg_type = UDP_SEGMENT;
		cm->cmsg_len = CMSG_LEN(sizeof(seg));
		memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
		len += CMSG_SPACE(sizeof(seg));
	}
	h->msg_controllen = len;
	if (!len)
		h->msg_control = NULL;
}

/* Sending from run->local[k] failed (the address is gone): the engine
 * forgets it, and this message and the rest of the run that would leave
 * from it let routing choose instead. */
static void local_gone(struct wg_udp *udp, struct send_run *run, unsigned k, int err)
{
	uint64_t gone[2] = { run->local[k][0], run->local[k][1] };
	char text[INET6_ADDRSTRLEN] = "?";

	inet_ntop(AF_INET6, gone, text, sizeof(text));
	wg_log(WG_LOG_DEBUG, "cannot send from %s (%s): let routing choose", text, strerror(err));
	if (udp->forget_local)
		udp->forget_local(gone, udp->forget_ctx);
	for (unsigned j = k; j < run->n; j++)
		if (run->local[j] && same_local(run->local[j], gone)) {
			run->local[j] = NULL;
			set_control(&run->m[j], &run->c[j], NULL);
		}
}

static void flush(struct wg_udp *udp, int fd, struct send_run *run)
{
	struct mmsghdr *msgs = run->m;
	unsigned done = 0, n = run->n;
	int ret;

	while (done < n) {
		ret = udp->ops->sendmmsg(udp->ctx, fd, msgs + done, n - done);
		if (ret < 0) {
			struct msghdr *h = &msgs[done].msg_hdr;

			if (ret == -EINTR)
				continue;
			if (run->local[done] && (ret == -EINVAL || ret == -EADDRNOTAVAIL || ret == -ENETUNREACH)) {
				local_gone(udp, run, done, -ret);
				continue;	/* the same message again */
			}
			if (h->msg_iovlen > 1 && (ret == -EIO || ret == -EINVAL)) {
				send_split(udp, fd, h, -ret, run->local[done] ? CMSG_FIRSTHDR(h) : NULL);
			} else {
				/* EAGAIN (full buffer) and unreachable endpoints lose
				 * the datagram, as a congested wire would; go on. */
				wg_log(WG_LOG_DEBUG, "sendmmsg: %s", strerror(-ret));
			}
			ret = 1;
		}
		done += (unsigned)ret;
	}
}

struct send_batch {
	struct mmsghdr m4[WG_BATCH], m6[WG_BATCH];
	union send_control c4[WG_BATCH], c6[WG_BATCH];
	const uint64_t *l4[WG_BATCH], *l6[WG_BATCH];
	struct iovec iov[WG_BATCH];
	unsigned n4, n6, k;
	struct mmsghdr *last;	/* the message the newest iovec belongs to */
	const uint64_t *last_local;
	uint32_t seg, bytes;
};

static void send_batch_flush(struct wg_udp *udp, unsigned i, struct send_batch *b)
{
	struct send_run r4 = { b->m4, b->c4, b->l4, b->n4 }, r6 = { b->m6, b->c6, b->l6, b->n6 };

	for (unsigned j = 0; j < b->n4; j++)
		set_control(&b->m4[j], &b->c4[j], b->l4[j]);
	for (unsigned j = 0; j < b->n6; j++)
		set_control(&b->m6[j], &b->c6[j], b->l6[j]);
	if (b->n4)
		flush(udp, udp->fd4[i], &r4);
	if (b->n6)
		flush(udp, udp->fd6[i], &r6);
	b->n4 = b->n6 = b->k = 0;
	b->last = NULL;
}

void wg_udp_send(struct wg_udp *udp, unsigned i, const struct wg_packet *pkts, size_t n,
		 bool only_ready)
{
	bool gso = __atomic_load_n(&udp->gso, __ATOMIC_RELAXED);
	struct send_batch b;

	b.n4 = b.n6 = b.k = 0;
	b.last = NULL;
	for (size_t j = 0; j < n; j++) {
		const struct wg_packet *p = &pkts[j];
		const uint64_t *local = has_local(p->reserved) ? p->reserved : NULL;
		struct mmsghdr *m;
		bool v4 = p->endpoint.addr.sa_family == AF_INET;

		if (only_ready && p->status != WG_PACKET_SEND)
			continue;
		if (!v4 && (p->endpoint.addr.sa_family != AF_INET6 || udp->fd6[i] < 0))
			continue;
		b.iov[b.k].iov_base = p->buf + p->offset;
		b.iov[b.k].iov_len = p->len;
		m = b.last;
		/* GSO: a run of equal-sized datagrams to one endpoint from one
		 * local address, the last one maybe shorter, is one message cut
		 * up by the kernel. */
		if (gso && m && m->msg_hdr.msg_iovlen < MAX_SEGMENTS &&
		    wg_endpoint_equal(m->msg_hdr.msg_name, &p->endpoint) && p->len <= b.seg &&
		    m->msg_hdr.msg_iov[m->msg_hdr.msg_iovlen - 1].iov_len == b.seg &&
		    b.bytes + p->len <= MAX_GSO_BYTES &&
		    (local ? b.last_local && same_local(b.last_local, local) : !b.last_local)) {
			m->msg_hdr.msg_iovlen++;
			b.bytes += p->len;
		} else {
			if (v4) {
				b.l4[b.n4] = local;
				m = &b.m4[b.n4++];
			} else {
				b.l6[b.n6] = local;
				m = &b.m6[b.n6++];
			}
			*m = (struct mmsghdr){
				.msg_hdr = {
					.msg_name = (void *)&p->endpoint,
					.msg_namelen = v4 ? sizeof(struct sockaddr_in) :
							    sizeof(struct sockaddr_in6),
					.msg_iov = &b.iov[b.k],
					.msg_iovlen = 1,
				},
			};
			b.last = m;
			b.last_local = local;
			b.seg = p->len;
			b.bytes = p->len;
		}
		if (++b.k == WG_BATCH)
			send_batch_flush(udp, i, &b);
	}
	send_batch_flush(udp, i, &b);
}

int wg_udp_recv(const struct wg_udp *udp, int fd, uint8_t *const *bufs, size_t nbufs, size_t bufsize,
		struct wg_packet *pkts, size_t maxpkts)
{
	struct mmsghdr msgs[MAX_SEGMENTS];
	struct iovec iov[MAX_SEGMENTS];
	wg_endpoint src[MAX_SEGMENTS];
	union {
		char buf[CMSG_SPACE(sizeof(int)) + CMSG_SPACE(sizeof(struct in6_pktinfo))];
		struct cmsghdr align;
	} ctl[MAX_SEGMENTS];
	size_t nm = udp->gro ? maxpkts / MAX_SEGMENTS : maxpkts, np = 0;
	int ret;

	if (nm > nbufs)
		nm = nbufs;
	if (nm > MAX_SEGMENTS)
		nm = MAX_SEGMENTS;
	for (size_t i = 0; i < nm; i++) {
		iov[i].iov_base = bufs[i];
		iov[i].iov_len = bufsize;
		msgs[i] = (struct mmsghdr){
			.msg_hdr = {
				.msg_name = &src[i],
				.msg_namelen = sizeof(src[i]),
				.msg_iov = &iov[i],
				.msg_iovlen = 1,
				.msg_control = ctl[i].buf,
				.msg_controllen = sizeof(ctl[i].buf),
			},
		};
		memset(&src[i], 0, sizeof(src[i]));
	}
	do
		ret = udp->ops->recvmmsg(udp->ctx, fd, msgs, (unsigned)nm);
	while (ret == -EINTR);
	if (ret < 0)
		return ret == -EAGAIN ? 0 : ret;
	for (int i = 0; i < ret; i++) {
		struct msghdr *h = &msgs[i].msg_hdr;
		size_t len = msgs[i].msg_len, seg = len;
		uint64_t local[2] = { 0, 0 };

		/* A truncated datagram cannot authenticate: drop it here. */
		if (h->msg_flags & MSG_TRUNC)
			continue;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(h); cm; cm = CMSG_NXTHDR(h, cm)) {
			if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_GRO) {
				int v;

				memcpy(&v, CMSG_DATA(cm), sizeof(v));
				if (v > 0)
					seg = (size_t)v;
			} else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
				struct in_pktinfo pi;

				/* spec_dst: the address to answer from (for a
				 * broadcast, not the header's destination). */
				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				local_from_in4(local, &pi.ipi_spec_dst);
			} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;

				/* A multicast destination is no address to send from. */
				memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
				if (!IN6_IS_ADDR_MULTICAST(&pi.ipi6_addr))
					local_from_in6(local, &pi.ipi6_addr);
			}
		}
		for (size_t off = 0; off < len && np < maxpkts; off += seg) {
			struct wg_packet *p = &pkts[np++];

			p->buf = bufs[i] + off;
			p->len = (uint32_t)(len - off < seg ? len - off : seg);
			p->size = p->len;
			p->offset = 0;
			p->status = 0;
			p->reason = 0;
			p->endpoint = src[i];
			p->reserved[0] = local[0];
			p->reserved[1] = local[1];
		}
	}
	return (int)np;
}
