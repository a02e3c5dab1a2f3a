// SPDX-License-Identifier: LGPL-2.1-or-later
/* UDP sockets: IPv4 and IPv6 on one port, batched with recvmmsg/sendmmsg. */
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "error.h"
#include "tunnel.h"
#include "util.h"

/* Bursts at line rate overflow the defaults (~200 KiB) long before the
 * workers fall behind on average; wireguard-go and the kernel use MiBs too. */
#define SOCKET_BUFFER (8 << 20)

static void set_buffers(int fd)
{
	int size = SOCKET_BUFFER;

	/* The FORCE variants pass rmem_max/wmem_max, which needs CAP_NET_ADMIN. */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
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
		sa.in6.sin6_family = AF_INET6;
		sa.in6.sin6_port = htons(*port);
		len = sizeof(sa.in6);
	} else {
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

static int open_set(struct wg_udp *udp, unsigned n, uint16_t port, uint32_t fwmark)
{
	bool reuse = n > 1, v6 = true;
	uint16_t p = port;
	int fd;

	for (unsigned i = 0; i < WG_TUNNEL_MAX_THREADS; i++)
		udp->fd4[i] = udp->fd6[i] = -1;
	udp->n = n;
	udp->fwmark = fwmark;
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
	return 0;
}

int wg_udp_open(struct wg_udp *udp, unsigned n, uint16_t port, uint32_t fwmark)
{
	int ret;

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

static void flush(int fd, struct mmsghdr *msgs, unsigned n)
{
	unsigned done = 0;
	int ret;

	while (done < n) {
		ret = sendmmsg(fd, msgs + done, n - done, 0);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			/* EAGAIN (full buffer) and unreachable endpoints lose the
			 * datagram, as a congested wire would; skip it, go on. */
			wg_log(WG_LOG_DEBUG, "sendmmsg: %s", strerror(errno));
			ret = 1;
		}
		done += (unsigned)ret;
	}
}

void wg_udp_send(const struct wg_udp *udp, unsigned i, const struct wg_packet *pkts, size_t n,
		 bool only_ready)
{
	struct mmsghdr m4[WG_BATCH], m6[WG_BATCH];
	struct iovec iov[WG_BATCH];
	unsigned n4 = 0, n6 = 0, k = 0;

	for (size_t j = 0; j < n; j++) {
		const struct wg_packet *p = &pkts[j];
		struct mmsghdr *m;

		if (only_ready && p->status != WG_PACKET_SEND)
			continue;
		if (p->endpoint.addr.sa_family == AF_INET)
			m = &m4[n4++];
		else if (p->endpoint.addr.sa_family == AF_INET6 && udp->fd6[i] >= 0)
			m = &m6[n6++];
		else
			continue;
		iov[k].iov_base = p->buf + p->offset;
		iov[k].iov_len = p->len;
		*m = (struct mmsghdr){
			.msg_hdr = {
				.msg_name = (void *)&p->endpoint,
				.msg_namelen = p->endpoint.addr.sa_family == AF_INET ?
					sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6),
				.msg_iov = &iov[k],
				.msg_iovlen = 1,
			},
		};
		k++;
		if (k == WG_BATCH) {
			flush(udp->fd4[i], m4, n4);
			if (n6)
				flush(udp->fd6[i], m6, n6);
			n4 = n6 = k = 0;
		}
	}
	if (n4)
		flush(udp->fd4[i], m4, n4);
	if (n6)
		flush(udp->fd6[i], m6, n6);
}

int wg_udp_recv(int fd, struct wg_packet *pkts, size_t n)
{
	struct mmsghdr msgs[WG_BATCH];
	struct iovec iov[WG_BATCH];
	int ret;

	if (n > WG_BATCH)
		n = WG_BATCH;
	for (size_t i = 0; i < n; i++) {
		iov[i].iov_base = pkts[i].buf;
		iov[i].iov_len = pkts[i].size;
		memset(&pkts[i].endpoint, 0, sizeof(pkts[i].endpoint));
		msgs[i] = (struct mmsghdr){
			.msg_hdr = {
				.msg_name = &pkts[i].endpoint,
				.msg_namelen = sizeof(pkts[i].endpoint),
				.msg_iov = &iov[i],
				.msg_iovlen = 1,
			},
		};
	}
	do
		ret = recvmmsg(fd, msgs, (unsigned)n, MSG_DONTWAIT, NULL);
	while (ret < 0 && errno == EINTR);
	if (ret < 0)
		return errno == EAGAIN ? 0 : -errno;
	for (int i = 0; i < ret; i++) {
		pkts[i].offset = 0;
		/* A truncated datagram cannot authenticate: make it obviously bad. */
		pkts[i].len = msgs[i].msg_hdr.msg_flags & MSG_TRUNC ? 0 : msgs[i].msg_len;
		pkts[i].status = 0;
		pkts[i].reason = 0;
	}
	return ret;
}
