// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Pushed events from userspace daemons that offer our UAPI extension
 * "subscribe=1" (wg-engine; docs/uapi-subscribe.md): after a device first
 * answers a get, the watch opens a second connection and subscribes.  A
 * daemon that refuses (wireguard-go, boringtun: an unknown operation) is
 * only re-read; one that accepts streams handshakes and roaming at once and
 * says "changed" after every set, which makes the watch read it again
 * without waiting for the interval.  If the stream ends (the daemon
 * restarted, or dropped us for reading too slowly), handshakes come from
 * re-reading again until a new subscription is up.
 */
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "backend.h"
#include "strbuf.h"
#include "uapi_event.h"
#include "util.h"
#include "watch.h"

void watch_sub_close(struct wg_watch *w, struct watch_dev *d)
{
	if (d->sub_fd < 0)
		return;
	epoll_ctl(w->epfd, EPOLL_CTL_DEL, d->sub_fd, NULL);
	close(d->sub_fd);
	d->sub_fd = -1;
	d->sub_ok = false;
	d->pushed = false;
	strbuf_wipe(&d->sub_buf);
}

void watch_sub_start(struct wg_watch *w, struct watch_dev *d)
{
	static const char req[] = "subscribe=1\n\n";

	if ((w->o.flags & WG_WATCH_NO_PUSH) || d->no_push || d->sub_fd >= 0 || d->type != DEV_UAPI)
		return;
	d->sub_fd = uapi_connect(d->name, false);
	if (d->sub_fd < 0) {
		d->sub_fd = -1;
		return;		/* the next reading tries again */
	}
	d->sub_src.type = SRC_SUB;
	d->sub_src.dev = d;
	if (send(d->sub_fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)sizeof(req) - 1 ||
	    watch_epoll_add(w, d->sub_fd, &d->sub_src, SRC_SUB) < 0) {
		close(d->sub_fd);
		d->sub_fd = -1;
	}
}

/* One block of the stream (without its blank line). */
static void block(struct wg_watch *w, struct watch_dev *d, const char *b, size_t len)
{
	struct wg_timespec64 time;
	struct wg_event ev;
	int ret;

	if (!d->sub_ok) {
		/* The answer to the request: anything but errno=0 is a refusal. */
		if (len == 7 && !memcmp(b, "errno=0", 7)) {
			d->sub_ok = true;
			return;
		}
		d->no_push = true;
		watch_sub_close(w, d);
		return;
	}
	ret = uapi_event_parse(b, len, &ev, &time);
	if (ret > 0)
		watch_pushed(w, d, &ev, &time);
	else if (ret == 0)
		watch_read_soon(w, d);
	/* < 0: an event of a later version; skipped. */
}

void watch_sub_dispatch(struct wg_watch *w, struct watch_dev *d)
{
	char chunk[4096];
	size_t start = 0;
	bool ended = false;

	for (;;) {
		ssize_t r = recv(d->sub_fd, chunk, sizeof(chunk), MSG_DONTWAIT);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0) {
			ended = true;
			break;
		}
		strbuf_add(&d->sub_buf, chunk, (size_t)r);
		if (d->sub_buf.err || d->sub_buf.len > (1U << 20)) {
			ended = true;
			break;
		}
	}
	for (size_t i = 0; d->sub_fd >= 0 && i + 1 < d->sub_buf.len; i++)
		if (d->sub_buf.buf[i] == '\n' && d->sub_buf.buf[i + 1] == '\n') {
			block(w, d, d->sub_buf.buf + start, i - start);
			start = i + 2;
			i++;
		}
	if (d->sub_fd >= 0 && start) {
		memmove(d->sub_buf.buf, d->sub_buf.buf + start, d->sub_buf.len - start);
		d->sub_buf.len -= start;
	}
	if (ended && d->sub_fd >= 0) {
		bool refused = !d->sub_ok;

		watch_sub_close(w, d);
		/* Closed before answering: a daemon that does not know the request. */
		if (refused)
			d->no_push = true;
		else
			watch_read_soon(w, d);	/* what happened while we were cut off */
	}
}
