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

static void set_buffers(int fd)
{
	int size = SOCKET_BUFFER;

	/* The FORCE variants pass rmem_max/wmem_max, which needs CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
}

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

static int set_mark(int fd, uint32_t fwmark)
{
	if (fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_MARK, &fwmark, sizeof(fwmark)) < 0)
		return wg_error(errno, "SO_MARK: %s", strerror(errno));
	return 0;
}

/* One socket of `family` bound to *port (0: any, then *port is the choice). */
static int bind_one(int family, uint16_t *port, bool reuse, uint32_t fwmark)
{
	union {
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
	} sa = { 0 };
	socklen_t len;
	int fd, on = 1, err;

	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (family == AF_INET6) {
		/* Separate IPv4 socket: IPv4-mapped addresses would complicate endpoints. */
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		/* The local address of each datagram (sticky sources, above). */
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof(on));
		sa.in6.sin6_family = AF_INET6;
		sa.in6.sin6_port = htons(*port);
		len = sizeof(sa.in6);
	} else {
		setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &on, sizeof(on));
		sa.in4.sin_family = AF_INET;
		sa.in4.sin_port = htons(*port);
		len = sizeof(sa.in4);
	}
	if (reuse)
		setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof(on));
	set_buffers(fd);
	if (fwmark && set_mark(fd, fwmark) < 0)
		goto err;
	if (bind(fd, (struct sockaddr *)&sa, len) < 0)
		goto err;
	if (getsockname(fd, (struct sockaddr *)&sa, &len) < 0)
		goto err;
	*port = ntohs(family == AF_INET6 ? sa.in6.sin6_port : sa.in4.sin_port);
	return fd;
err:
	err = errno;
	close(fd);
	return -err;
}

/* UDP GSO/GRO (Linux 4.18/5.0): one syscall and one trip through the stack
 * per 64 KiB instead of per datagram.  Probed, never required. */
static void enable_offload(struct wg_udp *udp, int fd)
{
	int on = 1, zero = 0;

	if (!udp->offload)
		return;
	udp->gso = setsockopt(fd, SOL_UDP, UDP_SEGMENT, &zero, sizeof(zero)) == 0;
	if (setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof(on)) < 0)
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
	fd = bind_one(AF_INET6, &p, reuse, fwmark);
	if (fd == -EAFNOSUPPORT || fd == -EADDRNOTAVAIL) {
		v6 = false;	/* no IPv6 in this kernel or namespace */
	} else if (fd < 0) {
		return fd;
	} else {
		udp->fd6[0] = fd;
	}
	fd = bind_one(AF_INET, &p, reuse, fwmark);
	if (fd < 0)
		return fd;
	udp->fd4[0] = fd;
	udp->port = p;
	for (unsigned i = 1; i < n; i++) {
		fd = bind_one(AF_INET, &p, reuse, fwmark);
		if (fd < 0)
			return fd;
		udp->fd4[i] = fd;
		if (!v6)
			continue;
		fd = bind_one(AF_INET6, &p, reuse, fwmark);
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

int wg_udp_open(struct wg_udp *udp, unsigned n, uint16_t port, uint32_t fwmark, bool offload)
{
	int ret;

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

void wg_udp_close(struct wg_udp *udp)
{
	for (unsigned i = 0; i < WG_TUNNEL_MAX_THREADS; i++) {
		if (udp->fd4[i] >= 0)
			close(udp->fd4[i]);
		if (udp->fd6[i] >= 0)
			close(udp->fd6[i]);
		udp->fd4[i] = udp->fd6[i] = -1;
	}
}

int wg_udp_set_fwmark(struct wg_udp *udp, uint32_t fwmark)
{
	int ret;

	for (unsigned i = 0; i < udp->n; i++) {
		ret = set_mark(udp->fd4[i], fwmark);
		if (ret == 0)
			ret = set_mark(udp->fd6[i], fwmark);
		if (ret < 0) {
			/* Put the old mark back on the ones already changed. */
			for (unsigned j = 0; j <= i; j++) {
				set_mark(udp->fd4[j], udp->fwmark);
				set_mark(udp->fd6[j], udp->fwmark);
			}
			return ret;
		}
	}
	udp->fwmark = fwmark;
	return 0;
}

/* The kernel refused a GSO send (a device without checksum offload on the
 * route): send its datagrams one by one, and stop using GSO. */
static void send_split(struct wg_udp *udp, int fd, struct msghdr *h, const struct cmsghdr *pktinfo)
{
	union send_control one_ctl;

	__atomic_store_n(&udp->gso, false, __ATOMIC_RELAXED);
	wg_log(WG_LOG_INFO, "UDP GSO refused (%s): disabled", strerror(errno));
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

		sendmsg(fd, &one, 0);
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
static void local_gone(struct wg_udp *udp, struct send_run *run, unsigned k)
{
	uint64_t gone[2] = { run->local[k][0], run->local[k][1] };
	char text[INET6_ADDRSTRLEN] = "?";

	inet_ntop(AF_INET6, gone, text, sizeof(text));
	wg_log(WG_LOG_DEBUG, "cannot send from %s (%s): let routing choose", text, strerror(errno));
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
		ret = sendmmsg(fd, msgs + done, n - done, 0);
		if (ret < 0) {
			struct msghdr *h = &msgs[done].msg_hdr;

			if (errno == EINTR)
				continue;
			if (run->local[done] && (errno == EINVAL || errno == EADDRNOTAVAIL || errno == ENETUNREACH)) {
				local_gone(udp, run, done);
				continue;	/* the same message again */
			}
			if (h->msg_iovlen > 1 && (errno == EIO || errno == EINVAL)) {
				send_split(udp, fd, h, run->local[done] ? CMSG_FIRSTHDR(h) : NULL);
			} else {
				/* EAGAIN (full buffer) and unreachable endpoints lose
				 * the datagram, as a congested wire would; go on. */
				wg_log(WG_LOG_DEBUG, "sendmmsg: %s", strerror(errno));
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
		ret = recvmmsg(fd, msgs, (unsigned)nm, MSG_DONTWAIT, NULL);
	while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return errno == EAGAIN ? 0 : -errno;
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
