// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The watch handle: one epoll fd over every source (a timer for re-reading,
 * rtnetlink, inotify, the inbox of pushed events, UAPI connections), a
 * queue of events for the reader, and the table of devices.  Layout and
 * threads: watch.h.
 */
#include <stddef.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "util.h"
#include "watch.h"

#define DEFAULT_INTERVAL_MS 1000
#define MIN_INTERVAL_MS 10
#define DEFAULT_QUEUE 4096

uint64_t watch_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + (uint64_t)ts.tv_nsec;
}

void watch_realtime(struct wg_timespec64 *t)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	t->tv_sec = ts.tv_sec;
	t->tv_nsec = ts.tv_nsec;
}

bool watch_wants(const struct wg_watch *w, const char *name)
{
	if (!w->names)
		return true;
	for (size_t i = 0; i < w->nnames; i++)
		if (!strcmp(w->names[i], name))
			return true;
	return false;
}

struct watch_dev *watch_find(const struct wg_watch *w, const char *name)
{
	for (struct watch_dev *d = w->devs; d; d = d->next)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

struct watch_dev *watch_find_ifindex(const struct wg_watch *w, uint32_t ifindex)
{
	for (struct watch_dev *d = w->devs; d; d = d->next)
		if (d->have_link && d->ifindex == ifindex)
			return d;
	return NULL;
}

struct watch_dev *watch_dev_new(struct wg_watch *w, enum watch_dev_type type, const char *name)
{
	struct watch_dev *d = calloc(1, sizeof(*d)), **tail = &w->devs;

	if (!d)
		return NULL;
	d->type = type;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->fd = d->sub_fd = -1;
	d->src.type = SRC_UAPI;
	d->src.dev = d;
	d->appeared_ns = watch_now_ns();
	/* Appended, so that re-reading goes in the order devices appeared. */
	while (*tail)
		tail = &(*tail)->next;
	*tail = d;
	return d;
}

void watch_dev_remove(struct wg_watch *w, struct watch_dev *d, int err)
{
	struct wg_watch_event ev;

	watch_event_init(&ev, d, WG_WATCH_DEVICE_REMOVED, NULL);
	ev.error = err;
	watch_emit(w, &ev);
	watch_dev_forget(w, d);
}

void watch_dev_forget(struct wg_watch *w, struct watch_dev *d)
{
	for (struct watch_dev **p = &w->devs; *p; p = &(*p)->next)
		if (*p == d) {
			*p = d->next;
			break;
		}
	watch_uapi_cancel(w, d);
	watch_sub_close(w, d);
	/* An epoll batch being handled may still point at it: free it after. */
	d->dead = true;
	d->next = w->graveyard;
	w->graveyard = d;
}

static void dev_free(struct watch_dev *d)
{
	wg_free_device(d->state);
	free(d->act);
	watch_kdump_free(d->kdump);
	free(d);
}

static void bury(struct wg_watch *w)
{
	while (w->graveyard) {
		struct watch_dev *d = w->graveyard;

		w->graveyard = d->next;
		dev_free(d);
	}
}

void watch_event_init(struct wg_watch_event *ev, const struct watch_dev *d, uint32_t kind,
		      const uint8_t *peer)
{
	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	ev->kind = kind;
	if (d) {
		memcpy(ev->device, d->name, IFNAMSIZ);
		ev->ifindex = d->have_link ? d->ifindex : 0;
	}
	if (peer) {
		memcpy(ev->public_key, peer, sizeof(wg_key));
		ev->flags |= WG_WATCH_EVENT_PEER;
	}
	watch_realtime(&ev->time);
}

static bool owed_overflow(const struct wg_watch *w, const char *name)
{
	for (size_t i = 0; i < w->novf; i++)
		if (!w->ovf[i][0] || !strcmp(w->ovf[i], name))
			return true;
	return false;
}

static void owe_overflow(struct wg_watch *w, const char *name)
{
	void *more;

	if (owed_overflow(w, name))
		return;
	more = realloc(w->ovf, (w->novf + 1) * sizeof(*w->ovf));
	if (!more) {
		/* Without room to remember the device, owe one for all. */
		w->novf = w->ovf ? 1 : 0;
		if (w->ovf)
			w->ovf[0][0] = '\0';
		return;
	}
	w->ovf = more;
	snprintf(w->ovf[w->novf++], IFNAMSIZ, "%s", name);
}

static bool push(struct wg_watch *w, const struct wg_watch_event *ev)
{
	if (w->qlen == w->qcap)
		return false;
	w->q[(w->qhead + w->qlen) % w->qcap] = *ev;
	w->qlen++;
	return true;
}

void watch_emit(struct wg_watch *w, const struct wg_watch_event *ev)
{
	/* A device whose events were dropped gets nothing more until its
	 * OVERFLOW is queued: the reader must not see a gap unannounced. */
	if (owed_overflow(w, ev->device) || !push(w, ev))
		owe_overflow(w, ev->device);
}

void watch_dev_error(struct wg_watch *w, struct watch_dev *d, int err)
{
	struct wg_watch_event ev;

	if (d->error == err)
		return;
	d->error = err;
	watch_event_init(&ev, d, WG_WATCH_DEVICE_ERROR, NULL);
	ev.error = err;
	watch_emit(w, &ev);
}

/* Queue the OVERFLOW events owed, as far as there is room. */
static void pay_overflows(struct wg_watch *w)
{
	size_t paid = 0;

	while (paid < w->novf && w->qlen < w->qcap) {
		struct wg_watch_event ev;
		struct watch_dev *d = w->ovf[paid][0] ? watch_find(w, w->ovf[paid]) : NULL;

		watch_event_init(&ev, d, WG_WATCH_OVERFLOW, NULL);
		memcpy(ev.device, w->ovf[paid], IFNAMSIZ);
		push(w, &ev);
		paid++;
	}
	if (!paid)
		return;
	memmove(w->ovf, w->ovf + paid, (w->novf - paid) * sizeof(*w->ovf));
	w->novf -= paid;
}

int watch_epoll_add(struct wg_watch *w, int fd, struct watch_src *src, enum watch_src_type type)
{
	struct epoll_event e = { .events = EPOLLIN, .data.ptr = src };

	src->type = type;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &e) < 0)
		return wg_error(errno, "epoll_ctl: %s", strerror(errno));
	return 0;
}

static int copy_options(struct wg_watch *w, const struct wg_watch_options *o)
{
	size_t n = 0;

	if (o && o->size < offsetof(struct wg_watch_options, queue_max) + sizeof(o->queue_max))
		return wg_error(EINVAL, "struct wg_watch_options: size %zu is too small", o->size);
	if (o)
		w->o = *o;
	else
		w->o.netns_fd = -1;
	w->o.size = sizeof(w->o);
	if (!w->o.interval_ms)
		w->o.interval_ms = DEFAULT_INTERVAL_MS;
	if (w->o.interval_ms < MIN_INTERVAL_MS)
		return wg_error(EINVAL, "watch interval %u ms is below %d ms", w->o.interval_ms,
				MIN_INTERVAL_MS);
	if (!w->o.queue_max)
		w->o.queue_max = DEFAULT_QUEUE;
	if (w->o.flags & ~(uint32_t)(WG_WATCH_NO_KERNEL | WG_WATCH_NO_UAPI | WG_WATCH_NO_PUSH))
		return wg_error(EINVAL, "unknown watch flags 0x%x", w->o.flags);
	if (!w->o.devices)
		return 0;
	while (w->o.devices[n])
		n++;
	w->names = calloc(n ? n : 1, sizeof(*w->names));
	if (!w->names)
		return wg_error(ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(w->o.devices[i]);

		if (!len || len >= IFNAMSIZ)
			return wg_error(EINVAL, "'%s': interface names have 1 to %d bytes",
					w->o.devices[i], IFNAMSIZ - 1);
		memcpy(w->names[i], w->o.devices[i], len + 1);
	}
	w->nnames = n;
	w->o.devices = NULL;	/* not ours to keep */
	return 0;
}

static int open_fds(struct wg_watch *w)
{
	struct itimerspec it = { 0 };
	int ret;

	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	w->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	w->ready_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	w->inbox_efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (w->epfd < 0 || w->timerfd < 0 || w->ready_efd < 0 || w->inbox_efd < 0)
		return wg_error(errno, "cannot create the watch's descriptors: %s", strerror(errno));
	it.it_interval.tv_sec = w->o.interval_ms / 1000;
	it.it_interval.tv_nsec = (long)(w->o.interval_ms % 1000) * 1000000;
	it.it_value = it.it_interval;
	if (timerfd_settime(w->timerfd, 0, &it, NULL) < 0)
		return wg_error(errno, "timerfd_settime: %s", strerror(errno));
	ret = watch_epoll_add(w, w->timerfd, &w->src_timer, SRC_TIMER);
	if (!ret)
		ret = watch_epoll_add(w, w->ready_efd, &w->src_ready, SRC_READY);
	if (!ret)
		ret = watch_epoll_add(w, w->inbox_efd, &w->src_inbox, SRC_INBOX);
	return ret;
}

WG_EXPORT int wg_watch_open(wg_watch **watch, const struct wg_watch_options *options)
{
	struct wg_watch *w = calloc(1, sizeof(*w));
	int ret;

	if (!w)
		return wg_error(ENOMEM, "out of memory");
	w->epfd = w->timerfd = w->ready_efd = w->inbox_efd = w->inotify_fd = -1;
	w->dir_wd = w->parent_wd = -1;
	w->mounts_fd = w->mounts_probe_fd = -1;
	wg_mutex_init(&w->inbox_lock);
	ret = copy_options(w, options);
	if (ret)
		goto err;
	w->qcap = w->o.queue_max;
	w->q = calloc(w->qcap, sizeof(*w->q));
	if (!w->q) {
		ret = wg_error(ENOMEM, "out of memory");
		goto err;
	}
	ret = open_fds(w);
	if (ret)
		goto err;
	if (w->o.netns_fd >= 0) {
		ret = watch_netns_identify(w);
		if (ret)
			goto err;
	}
	/* Userspace sockets first, so that their TUN links found by the link
	 * dump attach to them.  The UAPI directory is the one of our mount
	 * namespace; on a namespace watch only the daemons living in that
	 * network namespace count (watch_uapi.c). */
	if (!(w->o.flags & WG_WATCH_NO_UAPI)) {
		ret = watch_uapi_open(w);
		if (ret)
			goto err;
		watch_uapi_scan(w, true);
	}
	ret = watch_link_open(w);
	if (ret)
		goto err;
	if (w->rtnl) {
		ret = watch_link_sync(w, true);
		if (ret)
			goto err;
	}
	watch_read_all(w);
	if (w->o.netns_fd >= 0) {
		ret = watch_netns_open(w);
		if (ret)
			goto err;
	}
	*watch = w;
	return 0;
err:
	wg_watch_close(w);
	return ret;
}

WG_EXPORT void wg_watch_close(wg_watch *w)
{
	if (!w)
		return;
	while (w->devs) {
		struct watch_dev *d = w->devs;

		w->devs = d->next;
		watch_uapi_cancel(w, d);
		watch_sub_close(w, d);
		dev_free(d);
	}
	bury(w);
	if (w->rtnl)
		mnl_socket_close(w->rtnl);
	if (w->genl)
		mnl_socket_close(w->genl);
	wg_netlink_close(w->nl);
	if (w->buf)
		wg_memzero(w->buf, 32 * 1024);	/* a dump of keys may have passed */
	free(w->buf);
	watch_netns_close(w);	/* before the epoll fd it is in */
	for (int *fd = &w->epfd; fd <= &w->inbox_efd; fd++)
		if (*fd >= 0)
			close(*fd);
	if (w->inotify_fd >= 0)
		close(w->inotify_fd);
	wg_mutex_destroy(&w->inbox_lock);
	free(w->inbox);
	free(w->fed);
	free(w->ovf);
	free(w->q);
	free(w->names);
	free(w);
}

WG_EXPORT int wg_watch_fd(const wg_watch *w)
{
	return w->epfd;
}

static void dispatch(struct wg_watch *w)
{
	struct epoll_event evs[16];
	int n;

	bury(w);	/* devices removed outside dispatch (wg_watch_remove_device) */
	watch_netns_poll(w);	/* the caller's poll may have taken SRC_MOUNTS */
	/* Each round handles what was ready; a few rounds catch what the first
	 * ones caused (a UAPI reply to a request the timer sent), and bound the
	 * time spent here. */
	for (int round = 0; round < 4; round++) {
		n = epoll_wait(w->epfd, evs, (int)ARRAY_SIZE(evs), 0);
		if (n <= 0)
			return;
		for (int i = 0; i < n; i++) {
			struct watch_src *src = evs[i].data.ptr;
			uint64_t v;

			switch (src->type) {
			case SRC_TIMER:
				if (read(w->timerfd, &v, sizeof(v)) == sizeof(v)) {
					watch_read_all(w);
					watch_netns_tick(w);
				}
				break;
			case SRC_MOUNTS:
				watch_netns_poll(w);
				break;
			case SRC_RTNL:
				watch_link_dispatch(w);
				break;
			case SRC_GENL:
				watch_genl_dispatch(w);
				break;
			case SRC_INOTIFY:
				watch_inotify_dispatch(w);
				break;
			case SRC_INBOX:
				watch_inbox_dispatch(w);
				break;
			case SRC_UAPI:
				if (!src->dev->dead)
					watch_uapi_dispatch(w, src->dev);
				break;
			case SRC_SUB:
				if (!src->dev->dead)
					watch_sub_dispatch(w, src->dev);
				break;
			case SRC_READY:
				break;
			}
		}
		bury(w);
		if (n < (int)ARRAY_SIZE(evs))
			return;
	}
}

WG_EXPORT int wg_watch_read(wg_watch *w, void *events, size_t n, size_t event_size)
{
	size_t got = 0, copy = event_size < sizeof(struct wg_watch_event) ?
			       event_size : sizeof(struct wg_watch_event);
	uint64_t v;

	if (event_size < offsetof(struct wg_watch_event, before))
		return wg_error(EINVAL, "event size %zu is too small", event_size);
	dispatch(w);
	pay_overflows(w);
	while (got < n && w->qlen) {
		uint8_t *out = (uint8_t *)events + got * event_size;
		struct wg_watch_event *ev = &w->q[w->qhead];

		ev->size = (uint32_t)copy;
		memcpy(out, ev, copy);
		w->qhead = (w->qhead + 1) % w->qcap;
		w->qlen--;
		got++;
	}
	pay_overflows(w);
	/* Keep the fd readable while events wait, so that a reader that takes
	 * a batch at a time is woken again. */
	if (w->qlen || w->novf)
		eventfd_write(w->ready_efd, 1);
	else
		eventfd_read(w->ready_efd, &v);
	return (int)got;
}
