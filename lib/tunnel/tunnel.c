// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The managed engine's handle: it owns the engine, the TUN queues, the UDP
 * sockets, the workers, the timer thread and the UAPI server, and applies
 * the parts of a configuration the engine cannot (listen port, fwmark).
 */
#include <limits.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "crypto.h"
#include "engine.h"
#include "error.h"
#include "handshake_queue.h"
#include "set_plan.h"
#include "tunnel.h"
#include "tunnel_io.h"
#include "uapi_event.h"
#include "uapi_server.h"
#include "util.h"

#define DEFAULT_MTU 1420

/* udp.c could not send from a local address a peer wrote to (it is gone). */
static void forget_local(const uint64_t local[2], void *ctx)
{
	struct wg_tunnel *t = ctx;

	wg_engine_forget_local(t->engine, local);
}

static void engine_send(const struct wg_packet *datagrams, size_t n, void *ctx)
{
	struct wg_tunnel *t = ctx;

	wg_rwlock_read_lock(&t->udp_lock);
	wg_udp_send(&t->udp, 0, datagrams, n, false);
	wg_rwlock_read_unlock(&t->udp_lock);
}

/*
 * Write an event block (uapi_event.h) to every UAPI subscriber, never
 * waiting: a subscriber whose socket is full loses its connection (it sees
 * the stream end, reads the device again and subscribes anew), so a slow
 * reader cannot hold the tunnel's threads.
 */
static void publish(struct wg_tunnel *t, const struct wg_event *event)
{
	char block[UAPI_EVENT_MAX];
	struct wg_timespec64 now;
	struct timespec ts;
	size_t len;

	if (!__atomic_load_n(&t->nsubs, __ATOMIC_RELAXED))
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	now.tv_sec = ts.tv_sec;
	now.tv_nsec = ts.tv_nsec;
	len = uapi_event_format(block, event, &now);
	wg_mutex_lock(&t->sub_lock);
	for (size_t i = 0; i < t->nsubs; i++)
		if (send(t->subs[i], block, len, MSG_DONTWAIT | MSG_NOSIGNAL) != (ssize_t)len)
			shutdown(t->subs[i], SHUT_RDWR);
	wg_mutex_unlock(&t->sub_lock);
}

static void engine_event(const struct wg_event *event, void *ctx)
{
	struct wg_tunnel *t = ctx;

	publish(t, event);
	if (t->event)
		t->event(event, t->ctx);
}

/* The engine armed a timer earlier than any (a packet to send, a handshake
 * to retry) or wants spare ephemerals: the timer thread recomputes its sleep. */
static void engine_wake(void *ctx)
{
	struct wg_tunnel *t = ctx;

	eventfd_write(t->wake_efd, 1);
}

/* Sleeps until the engine's next deadline, or until woken: an idle tunnel
 * does not wake at all while no timer is armed. */
static void *timer_main(void *arg)
{
	struct wg_tunnel *t = arg;
	struct pollfd pfd[2] = {
		{ .fd = t->stop_efd, .events = POLLIN },
		{ .fd = t->wake_efd, .events = POLLIN },
	};

	for (;;) {
		uint64_t ns = wg_engine_tick_until_due(t->engine);
		int ms = ns == UINT64_MAX ? -1 :
			 ns >= (uint64_t)INT_MAX * 1000000 ? INT_MAX : (int)((ns + 999999) / 1000000);
		eventfd_t v;

		if (poll(pfd, 2, ms) > 0) {
			if (pfd[0].revents)
				return NULL;
			eventfd_read(t->wake_efd, &v);
		}
	}
}

void wg_tunnel_fail(struct wg_tunnel *t, const char *why, int err)
{
	if (__atomic_exchange_n(&t->dead, true, __ATOMIC_ACQ_REL))
		return;
	wg_log(WG_LOG_ERROR, "%s: %s (%s): stopping", t->name, why, strerror(err));
	eventfd_write(t->stopped_efd, 1);
}

static void pause_workers(struct wg_tunnel *t)
{
	eventfd_t v;

	eventfd_write(t->workers_stop_efd, 1);
	for (unsigned i = 0; i < t->nthreads; i++)
		wg_worker_join(&t->workers[i]);
	if (t->handshakes)
		wg_handshake_queue_join(t->handshakes);
	eventfd_read(t->workers_stop_efd, &v);
}

static void resume_workers(struct wg_tunnel *t)
{
	for (unsigned i = 0; i < t->nthreads; i++)
		if (wg_worker_start(&t->workers[i]) < 0)
			wg_tunnel_fail(t, wg_last_error(), errno);
	if (wg_handshake_queue_start(t->handshakes) < 0)
		wg_tunnel_fail(t, wg_last_error(), errno);
}

static int set_fwmark(struct wg_tunnel *t, uint32_t mark)
{
	int ret;

	/* Senders read the socket set, wg_tunnel_get_device() the mark. */
	wg_rwlock_write_lock(&t->udp_lock);
	ret = wg_udp_set_fwmark(&t->udp, mark);
	wg_rwlock_write_unlock(&t->udp_lock);
	return ret;
}

/* Put a socket set bound and marked in place of the current one. */
static void swap_sockets(struct wg_tunnel *t, struct wg_udp *fresh)
{
	struct wg_udp old;

	pause_workers(t);
	wg_rwlock_write_lock(&t->udp_lock);
	old = t->udp;
	t->udp = *fresh;
	wg_rwlock_write_unlock(&t->udp_lock);
	wg_udp_close(&old);
	resume_workers(t);
	wg_log(WG_LOG_INFO, "%s: listening on UDP port %u", t->name, t->udp.port);
}

/*
 * All or nothing, in an order where only the last step changes what runs
 * and cannot fail: validate; bind the new port's sockets beside the old ones
 * (or mark the current ones, which can be unmarked); apply to the engine
 * (itself all or nothing); then swap the sockets in.  A failure before the
 * swap closes the new sockets (or puts the old mark back): the port, the
 * sockets and the peers are as they were.
 */
/* A socket set to open beside the current one: same hooks. */
static struct wg_udp fresh_set(const struct wg_tunnel *t, bool share)
{
	return (struct wg_udp){ .hook = t->udp.hook, .hook_ctx = t->udp.hook_ctx, .share = share,
				.forget_local = t->udp.forget_local, .forget_ctx = t->udp.forget_ctx };
}

/*
 * New sockets on the same port, bound while the old ones still are (they
 * allow it with SO_REUSEADDR meanwhile), so that a failure (the hook, a
 * taken port) leaves the old ones in place; then the same swap as a port
 * change.  The engine keeps peers, sessions and endpoints, and forgets the
 * local addresses it would send from (sticky sources).
 */
WG_EXPORT int wg_tunnel_rebind(wg_tunnel *t)
{
	struct wg_udp fresh = fresh_set(t, true);
	int ret;

	wg_mutex_lock(&t->config_lock);
	wg_udp_share(&t->udp, true);
	ret = wg_udp_open(&fresh, t->udp.ops, t->udp.ctx, t->nworkers, t->udp.port, t->udp.fwmark, t->udp.offload);
	wg_udp_share(&t->udp, false);
	if (ret == 0) {
		fresh.share = false;
		swap_sockets(t, &fresh);
		/* The addresses peers wrote to may be gone with the old network. */
		wg_engine_forget_local(t->engine, NULL);
	}
	wg_mutex_unlock(&t->config_lock);
	return ret;
}

WG_EXPORT int wg_tunnel_set_device(wg_tunnel *t, const wg_device *dev)
{
	struct wg_udp fresh = fresh_set(t, false);
	bool new_port, new_mark;
	uint32_t mark, old_mark;
	char msg[256];
	int ret;

	ret = wg_set_plan_validate(dev, false);
	if (ret < 0)
		return ret;
	wg_mutex_lock(&t->config_lock);
	old_mark = t->udp.fwmark;
	mark = (dev->flags & WGDEVICE_HAS_FWMARK) ? dev->fwmark : old_mark;
	new_port = (dev->flags & WGDEVICE_HAS_LISTEN_PORT) && dev->listen_port != t->udp.port;
	new_mark = mark != old_mark;
	if (new_port)
		ret = wg_udp_open(&fresh, t->udp.ops, t->udp.ctx, t->nworkers, dev->listen_port, mark,
				  t->udp.offload);
	else if (new_mark)
		ret = set_fwmark(t, mark);
	if (ret < 0)
		goto out;
	ret = wg_engine_set_device(t->engine, dev);
	if (ret < 0) {
		/* Undoing must not replace the message of what failed. */
		snprintf(msg, sizeof(msg), "%s", wg_last_error());
		if (new_port)
			wg_udp_close(&fresh);
		else if (new_mark)
			set_fwmark(t, old_mark);	/* we could set it: we can reset it */
		wg_error(-ret, "%s", msg);
		goto out;
	}
	if (new_port)
		swap_sockets(t, &fresh);
	publish(t, NULL);	/* "changed": subscribers read it again */
out:
	wg_mutex_unlock(&t->config_lock);
	return ret;
}

WG_EXPORT int wg_tunnel_get_device(wg_tunnel *t, wg_device **dev)
{
	int ret = wg_engine_get_device(t->engine, dev);

	if (ret < 0)
		return ret;
	snprintf((*dev)->name, sizeof((*dev)->name), "%s", t->name);
	(*dev)->ifindex = if_nametoindex(t->name);
	wg_rwlock_read_lock(&t->udp_lock);
	(*dev)->listen_port = t->udp.port;
	(*dev)->fwmark = t->udp.fwmark;
	wg_rwlock_read_unlock(&t->udp_lock);
	(*dev)->flags |= WGDEVICE_HAS_LISTEN_PORT;
	/* As wireguard-go: a zero mark is no mark. */
	if ((*dev)->fwmark)
		(*dev)->flags |= WGDEVICE_HAS_FWMARK;
	else
		(*dev)->flags &= ~(uint32_t)WGDEVICE_HAS_FWMARK;
	return 0;
}

WG_EXPORT const char *wg_tunnel_name(const wg_tunnel *t)
{
	return t->name;
}

WG_EXPORT int wg_tunnel_stopped_fd(const wg_tunnel *t)
{
	return t->stopped_efd;
}

static int uapi_get(void *ctx, wg_device **dev)
{
	return wg_tunnel_get_device(ctx, dev);
}

static int uapi_set(void *ctx, const wg_device *dev)
{
	return wg_tunnel_set_device(ctx, dev);
}

static int uapi_subscribe(void *ctx, int fd, bool add)
{
	struct wg_tunnel *t = ctx;
	int ret = 0;

	wg_mutex_lock(&t->sub_lock);
	if (add) {
		int *more = realloc(t->subs, (t->nsubs + 1) * sizeof(*more));

		if (more) {
			t->subs = more;
			t->subs[t->nsubs] = fd;
			__atomic_store_n(&t->nsubs, t->nsubs + 1, __ATOMIC_RELAXED);
		} else {
			ret = wg_error(ENOMEM, "out of memory");
		}
	} else {
		for (size_t i = 0; i < t->nsubs; i++)
			if (t->subs[i] == fd) {
				t->subs[i] = t->subs[t->nsubs - 1];
				__atomic_store_n(&t->nsubs, t->nsubs - 1, __ATOMIC_RELAXED);
				break;
			}
	}
	wg_mutex_unlock(&t->sub_lock);
	return ret;
}

/* What the UAPI server serves: this tunnel's configuration and events. */
static const struct wg_uapi_ops uapi_ops = {
	.get = uapi_get, .set = uapi_set, .subscribe = uapi_subscribe,
};

/* Two threads per lane: one lane per two CPUs keeps them all busy
 * (measured on 2 vCPUs: 1 lane beat 2 by 15-25%, bench/throughput.sh). */
static unsigned default_lanes(void)
{
	long n = (sysconf(_SC_NPROCESSORS_ONLN) + 1) / 2;

	return n < 1 ? 1 : n > WG_TUNNEL_MAX_THREADS ? WG_TUNNEL_MAX_THREADS : (unsigned)n;
}

static int open_tun(struct wg_tunnel *t, const struct wg_tunnel_options *o)
{
	bool created;
	int ret;

	if (!o->ifname) {
		ret = t->tun_ops->attach(t->tun_ctx, o->tun_fd, &t->vnet, t->name);
		if (ret < 0)
			return ret;
		t->tun_fds[0] = o->tun_fd;
		t->ntun = 1;
		/* vnet headers come with the fd; TSO we may ask for. */
		if (t->vnet && !(o->flags & WG_TUNNEL_NO_OFFLOAD))
			t->tun_ops->enable_offload(t->tun_ctx, t->tun_fds, 1);
		return t->tun_ops->get_mtu(t->tun_ctx, t->name, &t->mtu);
	}
	t->vnet = !(o->flags & WG_TUNNEL_NO_OFFLOAD);
	ret = t->tun_ops->open(t->tun_ctx, o->ifname, t->nworkers, t->vnet, t->tun_fds, t->name, &created);
	if (ret < 0)
		return ret;
	t->ntun = t->nworkers;
	if (t->vnet && !t->tun_ops->enable_offload(t->tun_ctx, t->tun_fds, t->ntun))
		wg_log(WG_LOG_INFO, "%s: the kernel refused TUN offloads", t->name);
	if (created) {
		t->mtu = o->mtu ? o->mtu : DEFAULT_MTU;
		return t->tun_ops->set_mtu(t->tun_ctx, t->name, t->mtu);
	}
	return t->tun_ops->get_mtu(t->tun_ctx, t->name, &t->mtu);
}

WG_EXPORT int wg_tunnel_new(wg_tunnel **tunnel, const struct wg_tunnel_options *options)
{
	return wg_tunnel_new_io(tunnel, options, NULL);
}

int wg_tunnel_new_io(wg_tunnel **tunnel, const struct wg_tunnel_options *options,
		     const struct wg_tunnel_io *io)
{
	static const struct wg_tunnel_io sys_io = { 0 };
	struct wg_tunnel_options o = { 0 };
	struct wg_engine_options eo = { .size = sizeof(eo) };
	struct wg_tunnel *t;
	int ret;

	if (!options || options->size < offsetof(struct wg_tunnel_options, event))
		return wg_error(EINVAL, "invalid wg_tunnel_options size");
	memcpy(&o, options, options->size < sizeof(o) ? options->size : sizeof(o));
	if (!o.ifname && o.tun_fd < 0)
		return wg_error(EINVAL, "neither an interface name nor a TUN fd");
	if (o.threads > WG_TUNNEL_MAX_THREADS)
		return wg_error(EINVAL, "at most %d threads", WG_TUNNEL_MAX_THREADS);
	if (o.flags & ~(uint32_t)(WG_TUNNEL_UAPI | WG_TUNNEL_NO_OFFLOAD))
		return wg_error(EINVAL, "unknown wg_tunnel flags 0x%x", o.flags);

	t = calloc(1, sizeof(*t));
	if (!t)
		return wg_error(ENOMEM, "out of memory");
	for (unsigned i = 0; i < WG_TUNNEL_MAX_THREADS; i++)
		t->tun_fds[i] = t->udp.fd4[i] = t->udp.fd6[i] = -1;
	if (!io)
		io = &sys_io;
	t->tun_ops = io->tun ? io->tun : &wg_tun_sys_ops;
	t->tun_ctx = io->tun_ctx;
	/* Set here too: wg_tunnel_free() closes sockets through them. */
	t->udp.ops = io->udp ? io->udp : &wg_udp_sys_ops;
	t->udp.ctx = io->udp_ctx;
	t->flags = o.flags;
	t->event = o.event;
	t->ctx = o.ctx;
	t->nworkers = o.threads ? o.threads : default_lanes();
	wg_rwlock_init(&t->udp_lock, WG_RWLOCK_DEFAULT);
	wg_mutex_init(&t->config_lock);
	wg_mutex_init(&t->sub_lock);
	t->workers_stop_efd = eventfd(0, EFD_CLOEXEC);
	t->stop_efd = eventfd(0, EFD_CLOEXEC);
	t->stopped_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	t->wake_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (t->workers_stop_efd < 0 || t->stop_efd < 0 || t->stopped_efd < 0 || t->wake_efd < 0) {
		ret = wg_error(errno, "eventfd: %s", strerror(errno));
		goto err;
	}
	ret = open_tun(t, &o);
	if (ret < 0) {
		/* The caller keeps its fd when we fail. */
		if (!o.ifname)
			t->tun_fds[0] = -1;
		goto err;
	}
	eo.ctx = t;
	eo.send = engine_send;
	eo.event = engine_event;
	eo.mtu = t->mtu;
	ret = wg_engine_new(&t->engine, &eo);
	if (ret == -EINVAL) {
		/* An MTU outside the engine's range: let it pad by its default. */
		eo.mtu = 0;
		ret = wg_engine_new(&t->engine, &eo);
	}
	if (ret < 0)
		goto err;
	wg_engine_set_wake(t->engine, engine_wake, t);
	t->udp.hook = o.socket;
	t->udp.hook_ctx = o.socket_ctx;
	t->udp.forget_local = forget_local;
	t->udp.forget_ctx = t;
	ret = wg_udp_open(&t->udp, t->udp.ops, t->udp.ctx, t->nworkers, o.listen_port, o.fwmark,
			  !(o.flags & WG_TUNNEL_NO_OFFLOAD));
	if (ret < 0)
		goto err;

	t->workers = calloc(2 * t->nworkers, sizeof(*t->workers));
	if (!t->workers) {
		ret = wg_error(ENOMEM, "out of memory");
		goto err;
	}
	t->nthreads = 2 * t->nworkers;
	for (unsigned i = 0; i < t->nthreads; i++) {
		struct wg_worker *w = &t->workers[i];
		unsigned lane = i / 2;

		w->tunnel = t;
		w->index = lane;
		w->tun_side = !(i % 2);
		/* An attached fd is one queue: lane 0 reads it, all write it. */
		w->tun_wfd = lane < t->ntun ? t->tun_fds[lane] : t->tun_fds[0];
		w->tun_rfd = w->tun_side && lane < t->ntun ? t->tun_fds[lane] : -1;
		w->epfd = -1;
	}
	t->handshakes = malloc(sizeof(*t->handshakes));
	if (!t->handshakes) {
		ret = wg_error(ENOMEM, "out of memory");
		goto err;
	}
	/* One thread per CPU, as the kernel's handshake workers. */
	ret = wg_handshake_queue_init(t->handshakes, t->engine, t->workers_stop_efd,
				      (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	if (ret < 0) {
		free(t->handshakes);
		t->handshakes = NULL;
		goto err;
	}
	ret = wg_handshake_queue_start(t->handshakes);
	if (ret < 0)
		goto err;
	for (unsigned i = 0; i < t->nthreads; i++) {
		ret = wg_worker_start(&t->workers[i]);
		if (ret < 0)
			goto err;
	}
	ret = pthread_create(&t->timer_thread, NULL, timer_main, t);
	if (ret) {
		ret = wg_error(ret, "pthread_create: %s", strerror(ret));
		goto err;
	}
	t->timer_running = true;
	/* Before the UAPI socket exists: from then on a set may rebind. */
	wg_log(WG_LOG_INFO, "%s: up, UDP port %u, %u lane(s), MTU %u, crypto %s/%s, offloads:%s%s%s", t->name,
	       t->udp.port, t->nworkers, t->mtu, wg_aead()->name, wg_x25519()->name,
	       t->vnet ? " TUN-TSO/GRO" : "", t->udp.gso ? " UDP-GSO" : "", t->udp.gro ? " UDP-GRO" : "");
	/* Last: once the socket exists, everything behind it works. */
	if (o.flags & WG_TUNNEL_UAPI) {
		ret = wg_uapi_server_start(&t->uapi, &uapi_ops, t, io->uapi_dir ? io->uapi_dir : WG_UAPI_SOCKET_DIR,
					   t->name);
		if (ret < 0)
			goto err;
	}
	*tunnel = t;
	return 0;
err:
	{
		char msg[256];

		/* Teardown must not replace the message of what failed. */
		snprintf(msg, sizeof(msg), "%s", wg_last_error());
		wg_tunnel_free(t);
		return wg_error(-ret, "%s", msg);
	}
}

WG_EXPORT void wg_tunnel_free(wg_tunnel *t)
{
	if (!t)
		return;
	if (t->uapi)
		wg_uapi_server_stop(t->uapi);
	if (t->workers) {
		if (t->workers_stop_efd >= 0)
			pause_workers(t);
		for (unsigned i = 0; i < t->nthreads; i++)
			wg_worker_free(&t->workers[i]);
		free(t->workers);
	}
	if (t->handshakes) {
		/* Paused with the workers above. */
		wg_handshake_queue_free(t->handshakes);
		free(t->handshakes);
	}
	if (t->timer_running) {
		eventfd_write(t->stop_efd, 1);
		pthread_join(t->timer_thread, NULL);
	}
	wg_udp_close(&t->udp);
	/* Closing the last queue of a created (non-persistent) TUN deletes it. */
	for (unsigned i = 0; i < WG_TUNNEL_MAX_THREADS; i++)
		if (t->tun_fds[i] >= 0)
			t->tun_ops->close(t->tun_ctx, t->tun_fds[i]);
	wg_engine_free(t->engine);
	if (t->workers_stop_efd >= 0)
		close(t->workers_stop_efd);
	if (t->stop_efd >= 0)
		close(t->stop_efd);
	if (t->stopped_efd >= 0)
		close(t->stopped_efd);
	if (t->wake_efd >= 0)
		close(t->wake_efd);
	wg_rwlock_destroy(&t->udp_lock);
	wg_mutex_destroy(&t->config_lock);
	wg_mutex_destroy(&t->sub_lock);
	free(t->subs);
	free(t);
}
