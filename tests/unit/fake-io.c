// SPDX-License-Identifier: LGPL-2.1-or-later
/* In-memory TUN and UDP for the managed tunnel (fake-io.h). */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "fake-io.h"

#define MAX_SOCKETS 512
#define MAX_QUEUES 64
#define GRO_SEGMENTS 64		/* the kernel's UDP_GRO limit */
#define EPHEMERAL_FIRST 40000

union addr {
	struct sockaddr sa;
	struct sockaddr_in in4;
	struct sockaddr_in6 in6;
};

struct dgram {
	struct dgram *next;
	union addr src, dst;	/* dst: the address the sender wrote to */
	size_t len;
	uint8_t data[];
};

struct queue {
	struct dgram *head, *tail;
	size_t n;
};

static void queue_push(struct queue *q, struct dgram *d)
{
	d->next = NULL;
	if (q->tail)
		q->tail->next = d;
	else
		q->head = d;
	q->tail = d;
	q->n++;
}

static struct dgram *queue_pop(struct queue *q)
{
	struct dgram *d = q->head;

	if (d) {
		q->head = d->next;
		if (!q->head)
			q->tail = NULL;
		q->n--;
	}
	return d;
}

static void queue_clear(struct queue *q)
{
	struct dgram *d;

	while ((d = queue_pop(q)))
		free(d);
}

static struct dgram *dgram_new(size_t len)
{
	struct dgram *d = calloc(1, sizeof(*d) + len);

	if (!d)
		abort();
	d->len = len;
	return d;
}

/* The fd is readable exactly while the queue holds something: call after
 * each change, under the owner's lock. */
static void readiness(int fd, const struct queue *q)
{
	eventfd_t v;

	if (q->n)
		eventfd_write(fd, 1);
	else
		eventfd_read(fd, &v);
}

static int new_eventfd(void)
{
	return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
}

/* ------------------------------------------------------------------ wire */

struct fsock {
	bool used;
	int fd, family;
	uint16_t port;		/* 0: unbound */
	bool reuse, reuseaddr, gro, pktinfo;
	uint32_t mark;
	struct queue q;
};

struct fake_net {
	pthread_mutex_t lock;
	struct fake_net_knobs k;
	struct fake_net_stats st;
	uint64_t counter;	/* datagrams sent, for drop_every */
	uint16_t next_port;
	struct fsock socks[MAX_SOCKETS];
};

struct fake_net *fake_net_new(void)
{
	struct fake_net *net = calloc(1, sizeof(*net));

	if (!net)
		abort();
	pthread_mutex_init(&net->lock, NULL);
	net->k.gso = net->k.gro = true;
	net->next_port = EPHEMERAL_FIRST;
	return net;
}

void fake_net_free(struct fake_net *net)
{
	for (unsigned i = 0; i < MAX_SOCKETS; i++)
		if (net->socks[i].used) {
			fprintf(stderr, "fake_net_free: socket %d still open\n", net->socks[i].fd);
			abort();
		}
	pthread_mutex_destroy(&net->lock);
	free(net);
}

void fake_net_set(struct fake_net *net, const struct fake_net_knobs *k)
{
	pthread_mutex_lock(&net->lock);
	net->k = *k;
	pthread_mutex_unlock(&net->lock);
}

void fake_net_get(struct fake_net *net, struct fake_net_knobs *k)
{
	pthread_mutex_lock(&net->lock);
	*k = net->k;
	pthread_mutex_unlock(&net->lock);
}

struct fake_net_stats fake_net_stats(struct fake_net *net)
{
	struct fake_net_stats st;

	pthread_mutex_lock(&net->lock);
	st = net->st;
	pthread_mutex_unlock(&net->lock);
	return st;
}

static struct fsock *sock_of(struct fake_net *net, int fd)
{
	for (unsigned i = 0; i < MAX_SOCKETS; i++)
		if (net->socks[i].used && net->socks[i].fd == fd)
			return &net->socks[i];
	fprintf(stderr, "fake udp: fd %d is not a fake socket\n", fd);
	abort();
}

/* Sharing a port takes SO_REUSEPORT, or SO_REUSEADDR, on both sockets. */
static bool port_taken(struct fake_net *net, const struct fsock *me, uint16_t port)
{
	for (unsigned i = 0; i < MAX_SOCKETS; i++) {
		struct fsock *s = &net->socks[i];

		if (s->used && s != me && s->family == me->family && s->port == port &&
		    !(me->reuse && s->reuse) && !(me->reuseaddr && s->reuseaddr))
			return true;
	}
	return false;
}

static int f_socket(void *ctx, int family)
{
	struct fake_net *net = ctx;
	int ret = -EMFILE;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	pthread_mutex_lock(&net->lock);
	for (unsigned i = 0; i < MAX_SOCKETS; i++) {
		struct fsock *s = &net->socks[i];

		if (s->used)
			continue;
		memset(s, 0, sizeof(*s));
		s->fd = new_eventfd();
		if (s->fd < 0) {
			ret = -errno;
			break;
		}
		s->used = true;
		s->family = family;
		net->st.sockets++;
		ret = s->fd;
		break;
	}
	pthread_mutex_unlock(&net->lock);
	return ret;
}

static int f_setsockopt(void *ctx, int fd, int level, int name, const void *val, socklen_t len)
{
	struct fake_net *net = ctx;
	int v = 0, ret = 0;
	struct fsock *s;

	if (len >= sizeof(int))
		memcpy(&v, val, sizeof(v));
	pthread_mutex_lock(&net->lock);
	s = sock_of(net, fd);
	if (level == SOL_SOCKET && name == SO_REUSEPORT)
		s->reuse = v;
	else if (level == SOL_SOCKET && name == SO_REUSEADDR)
		s->reuseaddr = v;
	else if ((level == IPPROTO_IP && name == IP_PKTINFO) ||
		 (level == IPPROTO_IPV6 && name == IPV6_RECVPKTINFO))
		s->pktinfo = v;
	else if (level == SOL_SOCKET && (name == SO_RCVBUFFORCE || name == SO_SNDBUFFORCE))
		ret = -EPERM;	/* as without CAP_NET_ADMIN */
	else if (level == SOL_SOCKET && name == SO_MARK)
		ret = net->k.mark_fails ? -EPERM : (s->mark = (uint32_t)v, 0);
	else if (level == SOL_UDP && name == UDP_SEGMENT)
		ret = net->k.gso ? 0 : -ENOPROTOOPT;
	else if (level == SOL_UDP && name == UDP_GRO)
		ret = net->k.gro ? (s->gro = v, 0) : -ENOPROTOOPT;
	pthread_mutex_unlock(&net->lock);
	return ret;
}

static uint16_t port_of(const struct sockaddr *sa)
{
	return ntohs(sa->sa_family == AF_INET6 ? ((const struct sockaddr_in6 *)sa)->sin6_port :
						 ((const struct sockaddr_in *)sa)->sin_port);
}

static int f_bind(void *ctx, int fd, const struct sockaddr *sa, socklen_t len)
{
	struct fake_net *net = ctx;
	uint16_t port = port_of(sa);
	struct fsock *s;
	int ret = 0;

	(void)len;
	pthread_mutex_lock(&net->lock);
	s = sock_of(net, fd);
	if (s->port || sa->sa_family != s->family) {
		ret = -EINVAL;
	} else if (port) {
		if (port_taken(net, s, port))
			ret = -EADDRINUSE;
		else
			s->port = port;
	} else {
		/* Ephemeral: the next port free for this family. */
		for (unsigned tries = 0; tries < 20000 && !s->port; tries++) {
			uint16_t p = net->next_port++;

			if (net->next_port >= 60000)
				net->next_port = EPHEMERAL_FIRST;
			struct fsock alone = { .family = s->family };

			if (!port_taken(net, &alone, p))
				s->port = p;
		}
		if (!s->port)
			ret = -EADDRINUSE;
	}
	pthread_mutex_unlock(&net->lock);
	return ret;
}

static void fill_addr(struct sockaddr *sa, int family, uint16_t port, bool loopback)
{
	if (family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)sa;

		memset(in6, 0, sizeof(*in6));
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		if (loopback)
			in6->sin6_addr = in6addr_loopback;
	} else {
		struct sockaddr_in *in4 = (struct sockaddr_in *)sa;

		memset(in4, 0, sizeof(*in4));
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		if (loopback)
			in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	}
}

static int f_getsockname(void *ctx, int fd, struct sockaddr *sa, socklen_t *len)
{
	struct fake_net *net = ctx;
	struct fsock *s;

	pthread_mutex_lock(&net->lock);
	s = sock_of(net, fd);
	fill_addr(sa, s->family, s->port, false);
	*len = s->family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	pthread_mutex_unlock(&net->lock);
	return 0;
}

/* One datagram from socket `from`, leaving from address src, to `to` (any
 * address is this host's). */
static void deliver(struct fake_net *net, const struct fsock *from, const union addr *src,
		    const struct sockaddr *to, const uint8_t *data, size_t len)
{
	struct fsock *group[MAX_SOCKETS];
	unsigned n = 0, max = net->k.queue_max ? net->k.queue_max : 4096;
	uint16_t port = port_of(to);
	struct fsock *s;
	struct dgram *d;

	net->st.sent++;
	if (net->k.drop_every && ++net->counter % net->k.drop_every == 0) {
		net->st.dropped++;
		return;
	}
	for (unsigned i = 0; i < MAX_SOCKETS; i++)
		if (net->socks[i].used && net->socks[i].family == to->sa_family && net->socks[i].port == port)
			group[n++] = &net->socks[i];
	if (!n) {
		net->st.dropped++;	/* port unreachable */
		return;
	}
	/* SO_REUSEPORT: one socket per source, as the kernel's 4-tuple hash. */
	s = group[from->port % n];
	if (s->q.n >= max) {
		net->st.dropped++;
		return;
	}
	d = dgram_new(len);
	memcpy(d->data, data, len);
	d->src = *src;
	memcpy(&d->dst, to, to->sa_family == AF_INET6 ? sizeof(d->dst.in6) : sizeof(d->dst.in4));
	queue_push(&s->q, d);
	readiness(s->fd, &s->q);
	net->st.delivered++;
}

static size_t gather(const struct msghdr *h, uint8_t *out, size_t room)
{
	size_t len = 0;

	for (size_t i = 0; i < h->msg_iovlen; i++) {
		size_t n = h->msg_iov[i].iov_len;

		if (len + n > room)
			n = room - len;
		memcpy(out + len, h->msg_iov[i].iov_base, n);
		len += n;
	}
	return len;
}

/* What the control messages ask: the GSO segment size, and the source
 * address (IP_PKTINFO's ipi_spec_dst, IPV6_PKTINFO's ipi6_addr; any: none). */
static uint16_t parse_control(const struct msghdr *h, union addr *src)
{
	uint16_t seg = 0;

	if (!h->msg_control)
		return 0;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(h); cm; cm = CMSG_NXTHDR((struct msghdr *)h, cm)) {
		if (cm->cmsg_level == SOL_UDP && cm->cmsg_type == UDP_SEGMENT) {
			memcpy(&seg, CMSG_DATA(cm), sizeof(seg));
		} else if (cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_PKTINFO) {
			struct in_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			src->in4.sin_addr = pi.ipi_spec_dst;
		} else if (cm->cmsg_level == IPPROTO_IPV6 && cm->cmsg_type == IPV6_PKTINFO) {
			struct in6_pktinfo pi;

			memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
			src->in6.sin6_addr = pi.ipi6_addr;
		}
	}
	return seg;
}

/* The fake host's addresses: 127.0.0.0/8 but knobs.gone4, and ::1. */
static bool is_local(const struct fake_net *net, const union addr *a)
{
	if (a->sa.sa_family == AF_INET)
		return (ntohl(a->in4.sin_addr.s_addr) >> 24) == 127 && a->in4.sin_addr.s_addr != net->k.gone4;
	return IN6_IS_ADDR_LOOPBACK(&a->in6.sin6_addr);
}

/* The source of a datagram: the one asked for, or routing's (loopback). */
static int source(const struct fake_net *net, const struct fsock *s, const struct msghdr *h, union addr *src,
		  uint16_t *seg)
{
	fill_addr(&src->sa, s->family, s->port, false);
	*seg = parse_control(h, src);
	if (s->family == AF_INET ? src->in4.sin_addr.s_addr == INADDR_ANY :
				   IN6_IS_ADDR_UNSPECIFIED(&src->in6.sin6_addr)) {
		fill_addr(&src->sa, s->family, s->port, true);
		return 0;
	}
	/* Not (or no longer) an address of this host: as Linux, EINVAL. */
	return is_local(net, src) ? 0 : -EINVAL;
}

/* One message: a datagram, or with UDP_SEGMENT a run of them cut at seg bytes. */
static int send_one(struct fake_net *net, struct fsock *s, const struct msghdr *h, bool gso_ok,
		    size_t *sent)
{
	static __thread uint8_t buf[65536];
	size_t len = gather(h, buf, sizeof(buf));
	unsigned segs = 0;
	union addr src;
	uint16_t seg;
	int ret;

	if (!h->msg_name || ((const struct sockaddr *)h->msg_name)->sa_family != s->family)
		return -EINVAL;
	ret = source(net, s, h, &src, &seg);
	if (ret < 0)
		return ret;
	if (!gso_ok)
		seg = 0;
	if (seg && net->k.gso_fails)
		return -EIO;
	if (!seg || seg >= len) {
		deliver(net, s, &src, h->msg_name, buf, len);
		segs = 1;
	} else {
		for (size_t off = 0; off < len; off += seg, segs++)
			deliver(net, s, &src, h->msg_name, buf + off, len - off < seg ? len - off : seg);
		net->st.gso_sends++;
	}
	if (segs > net->st.max_segs)
		net->st.max_segs = segs;
	*sent = len;
	return 0;
}

static int f_sendmmsg(void *ctx, int fd, struct mmsghdr *msgs, unsigned n)
{
	struct fake_net *net = ctx;
	struct fsock *s;
	unsigned i;
	int ret = 0;

	pthread_mutex_lock(&net->lock);
	s = sock_of(net, fd);
	for (i = 0; i < n; i++) {
		size_t len;

		if (net->k.send_stalled) {
			ret = -EAGAIN;
			break;
		}
		ret = send_one(net, s, &msgs[i].msg_hdr, true, &len);
		if (ret < 0)
			break;
		msgs[i].msg_len = (unsigned)len;
	}
	pthread_mutex_unlock(&net->lock);
	return i ? (int)i : ret;
}

static int f_sendmsg(void *ctx, int fd, const struct msghdr *msg)
{
	struct fake_net *net = ctx;
	size_t len = 0;
	int ret;

	pthread_mutex_lock(&net->lock);
	net->st.split_sends++;
	ret = net->k.send_stalled ? -EAGAIN : send_one(net, sock_of(net, fd), msg, false, &len);
	pthread_mutex_unlock(&net->lock);
	return ret < 0 ? ret : (int)len;
}

/* Appends a control message; false when the buffer is full (MSG_CTRUNC). */
static bool put_cmsg(struct msghdr *h, size_t *used, int level, int type, const void *data, size_t len)
{
	struct cmsghdr *cm;

	if (*used + CMSG_SPACE(len) > h->msg_controllen) {
		h->msg_flags |= MSG_CTRUNC;
		return false;
	}
	cm = (struct cmsghdr *)((uint8_t *)h->msg_control + *used);
	cm->cmsg_level = level;
	cm->cmsg_type = type;
	cm->cmsg_len = CMSG_LEN(len);
	memcpy(CMSG_DATA(cm), data, len);
	*used += CMSG_SPACE(len);
	return true;
}

static bool same_addr(const union addr *a, const union addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return false;
	if (a->sa.sa_family == AF_INET)
		return a->in4.sin_addr.s_addr == b->in4.sin_addr.s_addr && a->in4.sin_port == b->in4.sin_port;
	return !memcmp(&a->in6.sin6_addr, &b->in6.sin6_addr, 16) && a->in6.sin6_port == b->in6.sin6_port;
}

/* One receive buffer: a datagram, or with UDP_GRO a run of equal-sized
 * datagrams of one source to one address (the last may be shorter), as the
 * kernel's GRO; with IP_PKTINFO/IPV6_RECVPKTINFO, the address it came to. */
static void recv_one(struct fake_net *net, struct fsock *s, struct mmsghdr *m)
{
	struct msghdr *h = &m->msg_hdr;
	uint8_t *out = h->msg_iov[0].iov_base;
	size_t room = h->msg_iov[0].iov_len, len = 0, used = 0;
	struct dgram *d = queue_pop(&s->q), *next;
	union addr src = d->src, dst = d->dst;
	size_t seg = d->len, segs = 0;
	socklen_t namelen = src.sa.sa_family == AF_INET6 ? sizeof(src.in6) : sizeof(src.in4);

	h->msg_flags = 0;
	if (h->msg_name) {
		memcpy(h->msg_name, &src, namelen < h->msg_namelen ? namelen : h->msg_namelen);
		h->msg_namelen = namelen;
	}
	for (;;) {
		size_t n = d->len;

		if (len + n > room) {
			n = room - len;
			h->msg_flags |= MSG_TRUNC;
		}
		memcpy(out + len, d->data, n);
		len += n;
		segs++;
		free(d);
		next = s->q.head;
		if (!s->gro || !next || segs == GRO_SEGMENTS || (h->msg_flags & MSG_TRUNC) ||
		    len != segs * seg || next->len > seg || len + next->len > room ||
		    !same_addr(&next->src, &src) || !same_addr(&next->dst, &dst))
			break;
		d = queue_pop(&s->q);
	}
	m->msg_len = (unsigned)len;
	if (s->pktinfo && dst.sa.sa_family == AF_INET) {
		struct in_pktinfo pi = { .ipi_ifindex = 1, .ipi_spec_dst = dst.in4.sin_addr,
					 .ipi_addr = dst.in4.sin_addr };

		put_cmsg(h, &used, IPPROTO_IP, IP_PKTINFO, &pi, sizeof(pi));
	} else if (s->pktinfo) {
		struct in6_pktinfo pi = { .ipi6_addr = dst.in6.sin6_addr, .ipi6_ifindex = 1 };

		put_cmsg(h, &used, IPPROTO_IPV6, IPV6_PKTINFO, &pi, sizeof(pi));
	}
	if (segs > 1) {
		int v = (int)seg;

		put_cmsg(h, &used, SOL_UDP, UDP_GRO, &v, sizeof(v));
		net->st.gro_receives++;
	}
	h->msg_controllen = used;
}

static int f_recvmmsg(void *ctx, int fd, struct mmsghdr *msgs, unsigned n)
{
	struct fake_net *net = ctx;
	struct fsock *s;
	unsigned i = 0;

	pthread_mutex_lock(&net->lock);
	s = sock_of(net, fd);
	if (net->k.recv_batch && n > net->k.recv_batch)
		n = net->k.recv_batch;
	while (i < n && s->q.n)
		recv_one(net, s, &msgs[i++]);
	readiness(s->fd, &s->q);
	if (i > net->st.max_recv)
		net->st.max_recv = i;
	pthread_mutex_unlock(&net->lock);
	return i ? (int)i : -EAGAIN;
}

static void f_close(void *ctx, int fd)
{
	struct fake_net *net = ctx;
	struct fsock *s;

	pthread_mutex_lock(&net->lock);
	s = sock_of(net, fd);
	queue_clear(&s->q);
	close(s->fd);
	s->used = false;
	net->st.sockets--;
	pthread_mutex_unlock(&net->lock);
}

const struct wg_udp_ops fake_udp_ops = {
	.socket = f_socket,
	.setsockopt = f_setsockopt,
	.bind = f_bind,
	.getsockname = f_getsockname,
	.sendmmsg = f_sendmmsg,
	.sendmsg = f_sendmsg,
	.recvmmsg = f_recvmmsg,
	.close = f_close,
};

/* ------------------------------------------------------------------- TUN */

struct tqueue {
	int fd;			/* -1: closed */
	struct queue in;	/* for the tunnel to read */
};

struct fake_tun {
	pthread_mutex_t lock;
	pthread_cond_t cond;	/* a packet came out; a stall ended */
	struct fake_tun_knobs k;
	struct fake_tun_stats st;
	char name[IFNAMSIZ];
	bool gone;
	unsigned nq;
	struct tqueue q[MAX_QUEUES];
	struct queue out;	/* written by the tunnel, for the test to take */
};

struct fake_tun *fake_tun_new(void)
{
	struct fake_tun *tun = calloc(1, sizeof(*tun));

	if (!tun)
		abort();
	pthread_mutex_init(&tun->lock, NULL);
	pthread_cond_init(&tun->cond, NULL);
	return tun;
}

void fake_tun_free(struct fake_tun *tun)
{
	if (tun->st.queues) {
		fprintf(stderr, "fake_tun_free: %u queue(s) still open\n", tun->st.queues);
		abort();
	}
	for (unsigned i = 0; i < tun->nq; i++)
		queue_clear(&tun->q[i].in);
	queue_clear(&tun->out);
	pthread_cond_destroy(&tun->cond);
	pthread_mutex_destroy(&tun->lock);
	free(tun);
}

void fake_tun_set(struct fake_tun *tun, const struct fake_tun_knobs *k)
{
	pthread_mutex_lock(&tun->lock);
	tun->k = *k;
	pthread_cond_broadcast(&tun->cond);
	pthread_mutex_unlock(&tun->lock);
}

struct fake_tun_stats fake_tun_stats(struct fake_tun *tun)
{
	struct fake_tun_stats st;

	pthread_mutex_lock(&tun->lock);
	st = tun->st;
	pthread_mutex_unlock(&tun->lock);
	return st;
}

bool fake_tun_inject_burst(struct fake_tun *tun, unsigned q, const uint8_t *const *pkts, const size_t *lens,
			   size_t n)
{
	struct dgram *d;
	bool ok;

	pthread_mutex_lock(&tun->lock);
	ok = q < tun->nq && tun->q[q].fd >= 0;
	for (size_t i = 0; ok && i < n; i++) {
		d = dgram_new(lens[i]);
		memcpy(d->data, pkts[i], lens[i]);
		queue_push(&tun->q[q].in, d);
	}
	if (ok)
		readiness(tun->q[q].fd, &tun->q[q].in);
	pthread_mutex_unlock(&tun->lock);
	return ok;
}

bool fake_tun_inject(struct fake_tun *tun, unsigned q, const void *pkt, size_t len)
{
	const uint8_t *one = pkt;

	return fake_tun_inject_burst(tun, q, &one, &len, 1);
}

static void deadline_in(struct timespec *ts, int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

size_t fake_tun_take(struct fake_tun *tun, void *buf, size_t size, int timeout_ms)
{
	struct timespec until;
	struct dgram *d;
	size_t len = 0;

	deadline_in(&until, timeout_ms);
	pthread_mutex_lock(&tun->lock);
	while (!tun->out.n && pthread_cond_timedwait(&tun->cond, &tun->lock, &until) == 0)
		;
	d = queue_pop(&tun->out);
	pthread_mutex_unlock(&tun->lock);
	if (d) {
		len = d->len;
		memcpy(buf, d->data, len < size ? len : size);
		free(d);
	}
	return len;
}

size_t fake_tun_pending(struct fake_tun *tun)
{
	size_t n;

	pthread_mutex_lock(&tun->lock);
	n = tun->out.n;
	pthread_mutex_unlock(&tun->lock);
	return n;
}

void fake_tun_remove(struct fake_tun *tun)
{
	pthread_mutex_lock(&tun->lock);
	tun->gone = true;
	/* Wake the readers, as the kernel's EPOLLHUP. */
	for (unsigned i = 0; i < tun->nq; i++)
		if (tun->q[i].fd >= 0)
			eventfd_write(tun->q[i].fd, 1);
	pthread_cond_broadcast(&tun->cond);
	pthread_mutex_unlock(&tun->lock);
}

static int t_open(void *ctx, const char *name, unsigned queues, bool vnet, int *fds, char actual[IFNAMSIZ],
		  bool *created)
{
	struct fake_tun *tun = ctx;
	const char *pct = strstr(name, "%d");
	int ret = 0;

	if (!*name || strlen(name) >= IFNAMSIZ || !queues || queues > MAX_QUEUES)
		return -EINVAL;
	pthread_mutex_lock(&tun->lock);
	if (tun->nq) {
		ret = -EBUSY;	/* one interface per fake */
		goto out;
	}
	for (unsigned i = 0; i < queues; i++) {
		tun->q[i].fd = fds[i] = new_eventfd();
		if (fds[i] < 0)
			abort();
	}
	tun->nq = tun->st.queues = queues;
	tun->st.vnet = vnet;
	if (pct)
		snprintf(actual, IFNAMSIZ, "%.*s0%s", (int)(pct - name), name, pct + 2);
	else
		snprintf(actual, IFNAMSIZ, "%s", name);
	snprintf(tun->name, sizeof(tun->name), "%s", actual);
	*created = true;
out:
	pthread_mutex_unlock(&tun->lock);
	return ret;
}

static int t_attach(void *ctx, int fd, bool *vnet, char actual[IFNAMSIZ])
{
	(void)ctx, (void)fd, (void)vnet, (void)actual;
	return -EINVAL;		/* the fake only creates */
}

static bool t_enable_offload(void *ctx, const int *fds, unsigned n)
{
	struct fake_tun *tun = ctx;
	bool ok;

	(void)fds, (void)n;
	pthread_mutex_lock(&tun->lock);
	ok = !tun->k.offload_refused;
	pthread_mutex_unlock(&tun->lock);
	return ok;
}

static int t_set_mtu(void *ctx, const char *name, uint32_t mtu)
{
	struct fake_tun *tun = ctx;

	(void)name;
	pthread_mutex_lock(&tun->lock);
	tun->st.mtu = mtu;
	pthread_mutex_unlock(&tun->lock);
	return 0;
}

static int t_get_mtu(void *ctx, const char *name, uint32_t *mtu)
{
	struct fake_tun *tun = ctx;

	(void)name;
	pthread_mutex_lock(&tun->lock);
	*mtu = tun->st.mtu;
	pthread_mutex_unlock(&tun->lock);
	return 0;
}

static struct tqueue *tqueue_of(struct fake_tun *tun, int fd)
{
	for (unsigned i = 0; i < tun->nq; i++)
		if (tun->q[i].fd == fd)
			return &tun->q[i];
	fprintf(stderr, "fake tun: fd %d is not a queue\n", fd);
	abort();
}

static int t_read(void *ctx, int fd, struct iovec *bufs, size_t n)
{
	struct fake_tun *tun = ctx;
	struct tqueue *q;
	size_t i = 0;

	pthread_mutex_lock(&tun->lock);
	q = tqueue_of(tun, fd);
	if (tun->gone) {
		pthread_mutex_unlock(&tun->lock);
		return -EBADFD;
	}
	if (tun->k.read_batch && n > tun->k.read_batch)
		n = tun->k.read_batch;
	for (; i < n && q->in.n; i++) {
		struct dgram *d = queue_pop(&q->in);

		/* A read() into a short buffer cuts the packet. */
		if (d->len < bufs[i].iov_len)
			bufs[i].iov_len = d->len;
		memcpy(bufs[i].iov_base, d->data, bufs[i].iov_len);
		free(d);
	}
	readiness(q->fd, &q->in);
	tun->st.read += i;
	tun->st.read_calls++;
	if (i > tun->st.max_read)
		tun->st.max_read = (unsigned)i;
	pthread_mutex_unlock(&tun->lock);
	return (int)i;
}

static int t_write(void *ctx, int fd, const struct wg_tun_msg *msgs, size_t n)
{
	struct fake_tun *tun = ctx;

	pthread_mutex_lock(&tun->lock);
	(void)tqueue_of(tun, fd);
	while (tun->k.write_stalled && !tun->gone)
		pthread_cond_wait(&tun->cond, &tun->lock);
	if (tun->gone) {
		pthread_mutex_unlock(&tun->lock);
		return -EBADFD;
	}
	for (size_t i = 0; i < n; i++) {
		size_t len = 0;
		struct dgram *d;

		for (int j = 0; j < msgs[i].niov; j++)
			len += msgs[i].iov[j].iov_len;
		d = dgram_new(len);
		len = 0;
		for (int j = 0; j < msgs[i].niov; j++) {
			memcpy(d->data + len, msgs[i].iov[j].iov_base, msgs[i].iov[j].iov_len);
			len += msgs[i].iov[j].iov_len;
		}
		queue_push(&tun->out, d);
	}
	tun->st.written += n;
	tun->st.write_calls++;
	if (n > tun->st.max_write)
		tun->st.max_write = (unsigned)n;
	pthread_cond_broadcast(&tun->cond);
	pthread_mutex_unlock(&tun->lock);
	return 0;
}

static void t_close(void *ctx, int fd)
{
	struct fake_tun *tun = ctx;
	struct tqueue *q;

	pthread_mutex_lock(&tun->lock);
	q = tqueue_of(tun, fd);
	queue_clear(&q->in);
	close(q->fd);
	q->fd = -1;
	tun->st.queues--;
	pthread_mutex_unlock(&tun->lock);
}

const struct wg_tun_ops fake_tun_ops = {
	.open = t_open,
	.attach = t_attach,
	.enable_offload = t_enable_offload,
	.set_mtu = t_set_mtu,
	.get_mtu = t_get_mtu,
	.read = t_read,
	.write = t_write,
	.close = t_close,
};
