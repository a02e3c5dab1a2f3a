// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Re-reading devices every interval.  Kernel devices are dumped over
 * generic netlink (the kernel answers at once); in-process engines and
 * tunnels through their get functions; userspace daemons asynchronously: a
 * "get=1" request is sent and its reply read as it arrives in the watch's
 * event loop, so a daemon that hangs costs the caller nothing but a
 * DEVICE_ERROR event.
 */
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend.h"
#include "error.h"
#include "strbuf.h"
#include "uapi_text.h"
#include "util.h"
#include "watch.h"

/* A daemon has this long (or three intervals, if longer) to answer. */
#define UAPI_ANSWER_MS 2000
#define MAX_REPLY (256U << 20)
#define UAPI_STARTUP_NS (2ULL * 1000000000)

void watch_uapi_cancel(struct wg_watch *w, struct watch_dev *d)
{
	if (d->fd >= 0) {
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, d->fd, NULL);
		close(d->fd);
		d->fd = -1;
	}
	strbuf_wipe(&d->reply);
	d->scanned = 0;
}

static void uapi_start(struct wg_watch *w, struct watch_dev *d)
{
	static const char req[] = "get=1\n\n";
	uint64_t now = watch_now_ns();
	uint64_t limit = (uint64_t)w->o.interval_ms * 3;

	if (d->foreign)
		return;	/* another namespace's daemon */
	if (d->fd >= 0) {
		if (limit < UAPI_ANSWER_MS)
			limit = UAPI_ANSWER_MS;
		if (now - d->sent_ns < limit * 1000000)
			return;		/* still waiting for the answer */
		watch_uapi_cancel(w, d);
		watch_dev_error(w, d, ETIMEDOUT);
	}
	d->fd = uapi_connect(d->name, false);
	if (d->fd < 0) {
		int err = -d->fd;

		d->fd = -1;
		/* ENODEV: nobody listens (a crashed daemon's stale socket) ... */
		if (err == ENODEV)
			err = ECONNREFUSED;
		/* ... or not yet: daemons bind (the file appears) before they
		 * listen; give a new socket a moment before calling it dead. */
		if (err == ECONNREFUSED && !d->answered && now - d->appeared_ns < UAPI_STARTUP_NS)
			return;
		/* Not known to be ours: not ours to report. */
		if (!d->ns_pending)
			watch_dev_error(w, d, err);
		return;
	}
	if (d->ns_pending) {
		watch_uapi_placed(w, d, d->fd);
		if (d->foreign) {
			close(d->fd);
			d->fd = -1;
			return;
		}
	}
	/* A few bytes into an empty socket buffer: never blocks. */
	if (send(d->fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)sizeof(req) - 1 ||
	    watch_epoll_add(w, d->fd, &d->src, SRC_UAPI) < 0) {
		int err = errno;

		close(d->fd);
		d->fd = -1;
		watch_dev_error(w, d, err);
		return;
	}
	d->sent_ns = now;
}

void watch_uapi_dispatch(struct wg_watch *w, struct watch_dev *d)
{
	char chunk[16384];
	size_t body_len;
	wg_device *dev = NULL;
	int err = 0, ret;

	for (;;) {
		ssize_t r = recv(d->fd, chunk, sizeof(chunk), MSG_DONTWAIT);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0) {
			watch_uapi_cancel(w, d);
			watch_dev_error(w, d, r < 0 ? errno : EPIPE);
			goto out;
		}
		d->scanned = d->reply.len ? d->reply.len - 1 : 0;
		strbuf_add(&d->reply, chunk, (size_t)r);
		if (d->reply.err || d->reply.len > MAX_REPLY) {
			watch_uapi_cancel(w, d);
			watch_dev_error(w, d, ENOMEM);
			goto out;
		}
	}
	ret = uapi_reply_end(&d->reply, d->scanned, &body_len, &err, d->name);
	if (ret == 0)
		goto out;	/* more to come */
	if (ret > 0 && !err)
		ret = uapi_text_parse_get(d->reply.buf, body_len, &dev);
	watch_uapi_cancel(w, d);
	if (ret < 0 || err) {
		watch_dev_error(w, d, err ? err : -ret);
		goto out;
	}
	snprintf(dev->name, sizeof(dev->name), "%s", d->name);
	d->answered = true;
	watch_dev_error(w, d, 0);
	watch_update(w, d, dev);
	watch_sub_start(w, d);
	if (d->read_again) {
		d->read_again = false;
		uapi_start(w, d);
	}
out:
	wg_memzero(chunk, sizeof(chunk));	/* replies hold the private key */
}

void watch_read_soon(struct wg_watch *w, struct watch_dev *d)
{
	if (d->fd >= 0)
		d->read_again = true;
	else
		watch_read_device(w, d);
}

void watch_read_device(struct wg_watch *w, struct watch_dev *d)
{
	wg_device *dev = NULL;
	int ret;

	switch (d->type) {
	case DEV_KERNEL:
		watch_read_kernel(w, d);
		return;
	case DEV_ENGINE:
		ret = wg_engine_get_device(d->obj, &dev);
		break;
	case DEV_TUNNEL:
		ret = wg_tunnel_get_device(d->obj, &dev);
		break;
	case DEV_UAPI:
		uapi_start(w, d);
		return;
	default:
		return;
	}
	if (ret < 0) {
		watch_dev_error(w, d, -ret);
		return;
	}
	watch_dev_error(w, d, 0);
	watch_update(w, d, dev);
}

void watch_read_all(struct wg_watch *w)
{
	struct watch_dev *d, *next;

	for (d = w->devs; d; d = next) {
		next = d->next;
		watch_read_device(w, d);
	}
}
