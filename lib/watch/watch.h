/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The watch (wg_watch_*): one epoll fd that gathers every source of events
 * (watch.c), the comparison of two readings of a device into events
 * (watch_diff.c), kernel links from rtnetlink multicast (watch_link.c),
 * re-reading devices of every kind (watch_read.c), userspace sockets
 * appearing in /var/run/wireguard (watch_uapi.c) and events pushed by
 * in-process engines (watch_feed.c).
 *
 * Only wg_watch_feed() runs on other threads: it touches nothing but the
 * inbox (under inbox_lock); everything else belongs to the reading thread.
 */
#ifndef WG_WATCH_H
#define WG_WATCH_H

#include <libmnl/libmnl.h>
#include <sys/types.h>

#include <wireguard.h>

#include "lock.h"
#include "strbuf.h"

enum watch_src_type {
	SRC_TIMER, SRC_RTNL, SRC_GENL, SRC_INOTIFY, SRC_INBOX, SRC_READY, SRC_UAPI, SRC_SUB,
	SRC_MOUNTS,
};

struct watch_dev;
struct watch_kdump;

/* What an epoll event points at. */
struct watch_src {
	enum watch_src_type type;
	struct watch_dev *dev;		/* SRC_UAPI */
};

enum watch_dev_type { DEV_KERNEL, DEV_UAPI, DEV_ENGINE, DEV_TUNNEL };

/* Per peer of a reading, in the reading's (sorted) order. */
struct peer_act {
	uint64_t last_active_ns;	/* CLOCK_MONOTONIC; 0: never */
	bool silent;
};

struct watch_dev {
	struct watch_dev *next;
	enum watch_dev_type type;
	char name[IFNAMSIZ];
	uint32_t ifindex;
	/* The link, as rtnetlink last told us (kernel devices, and the TUN
	 * link of a userspace device). */
	bool have_link, up;
	uint32_t mtu;
	/* The last reading, sorted by wg_config_sort(); NULL before the first. */
	wg_device *state;
	struct peer_act *act;
	bool baseline;		/* the next reading is the baseline: no events */
	bool pushed;		/* handshakes arrive pushed: re-readings skip them */
	int error;		/* the error last reported (DEVICE_ERROR), 0: fine */
	bool dead;		/* removed; freed once no epoll batch points at it */
	/* Kernel: the last dump's summary, to skip unchanged configurations. */
	struct watch_kdump *kdump;
	/* In-process devices. */
	void *obj;		/* wg_engine * or wg_tunnel * */
	/* UAPI: when the socket appeared, whether the daemon ever answered, and
	 * the "get" in flight. */
	uint64_t appeared_ns;
	bool answered;
	/* UAPI, on a namespace watch: whose daemon it is is known at the first
	 * connection (ns_pending until then, no events); foreign: its daemon
	 * lives in another network namespace, the watch ignores it. */
	bool ns_pending, announce, foreign;
	int fd;
	struct watch_src src;
	struct strbuf reply;
	size_t scanned;
	uint64_t sent_ns;
	bool read_again;	/* a reading was asked for while one was in flight */
	/* UAPI: the subscription to pushed events (watch_sub.c). */
	int sub_fd;
	struct watch_src sub_src;
	struct strbuf sub_buf;
	bool sub_ok;		/* the daemon answered errno=0 */
	bool no_push;		/* it refused: re-read only */
};

/* A name wg_watch_feed() takes, and whether events of it were dropped
 * because the inbox was full (an OVERFLOW for that device is owed). */
struct fed_dev {
	char name[IFNAMSIZ];
	bool lost;
};

/* An event pushed by wg_watch_feed(), waiting for the reading thread. */
struct inbox_item {
	char device[IFNAMSIZ];
	struct wg_event ev;
	struct wg_timespec64 time;
};

struct wg_watch {
	struct wg_watch_options o;
	char (*names)[IFNAMSIZ];	/* the device filter, or NULL: all */
	size_t nnames;

	int epfd, timerfd, ready_efd, inbox_efd;
	int inotify_fd, dir_wd, parent_wd;
	wg_netlink *nl;
	struct mnl_socket *rtnl, *genl;
	uint8_t *buf;			/* netlink receive buffer */
	struct watch_src src_timer, src_rtnl, src_genl, src_inotify, src_inbox, src_ready, src_mounts;
	bool kernel_wg;			/* the kernel has the WireGuard family */

	/* A watched namespace (netns_fd): what holds it, and whether it went
	 * away (watch_netns.c). */
	dev_t ns_dev;
	ino_t ns_ino;
	/* /proc/self/mountinfo twice: its poll reports a change once per
	 * open file, and a caller's poll of our epoll fd can take that report
	 * from the file in the epoll set.  That one only wakes us; the other,
	 * polled by us alone, says whether the table changed. */
	int mounts_fd, mounts_probe_fd;
	pid_t ns_witness;		/* a process in it, or 0 */
	bool ns_mounted;		/* an nsfs mount of it exists */
	bool ns_gone;

	struct watch_dev *devs;
	struct watch_dev *graveyard;	/* removed, to free after the epoll batch */

	/* The queue of events for the reader, a ring. */
	struct wg_watch_event *q;
	size_t qhead, qlen, qcap;
	/* Devices whose events were dropped: an OVERFLOW is owed to each, and
	 * until it is queued their events are dropped too ("" = all). */
	char (*ovf)[IFNAMSIZ];
	size_t novf;

	/* Events from other threads (wg_watch_feed) and the names they may use,
	 * all under inbox_lock. */
	wg_mutex inbox_lock;
	struct inbox_item *inbox;
	size_t inbox_len, inbox_cap;
	struct fed_dev *fed;
	size_t nfed;
};

/* watch.c */
int watch_epoll_add(struct wg_watch *w, int fd, struct watch_src *src, enum watch_src_type type);
uint64_t watch_now_ns(void);
void watch_realtime(struct wg_timespec64 *t);
bool watch_wants(const struct wg_watch *w, const char *name);
struct watch_dev *watch_find(const struct wg_watch *w, const char *name);
struct watch_dev *watch_find_ifindex(const struct wg_watch *w, uint32_t ifindex);
struct watch_dev *watch_dev_new(struct wg_watch *w, enum watch_dev_type type, const char *name);
/* Emit DEVICE_REMOVED (with err) and forget the device. */
void watch_dev_remove(struct wg_watch *w, struct watch_dev *d, int err);
/* Forget the device without an event. */
void watch_dev_forget(struct wg_watch *w, struct watch_dev *d);
/* Start an event of kind for d (and peer, if not NULL). */
void watch_event_init(struct wg_watch_event *ev, const struct watch_dev *d, uint32_t kind,
		      const uint8_t *peer);
/* Queue an event (or drop it and owe an OVERFLOW, when the queue is full). */
void watch_emit(struct wg_watch *w, const struct wg_watch_event *ev);
/* Report (err != 0) or clear (err == 0) a device's failure, once per change. */
void watch_dev_error(struct wg_watch *w, struct watch_dev *d, int err);

/* watch_diff.c: a new reading of d (taken over: sorted, kept or freed).
 * 0, or -ENOMEM when the old reading was kept. */
int watch_update(struct wg_watch *w, struct watch_dev *d, wg_device *reading);
/* A peer in both readings (a before, b now): its changes, then whether it
 * went silent or active. */
void watch_diff_peer(struct wg_watch *w, const struct watch_dev *d, const wg_peer *a,
		     const wg_peer *b, struct peer_act *act, uint64_t now);
/* A peer's new handshake time and received bytes against its last reading
 * a: HANDSHAKE (unless pushed), PEER_SILENT, PEER_ACTIVE. */
void watch_peer_progress(struct wg_watch *w, const struct watch_dev *d, const wg_peer *a,
			 const struct wg_timespec64 *hs, uint64_t rx, struct peer_act *act, uint64_t now);
/* The index of a peer in d->state, or -1. */
ssize_t watch_peer_index(const struct watch_dev *d, const uint8_t *key);
/* A peer of d was active now (a pushed handshake): PEER_ACTIVE if it was silent. */
void watch_peer_active(struct wg_watch *w, struct watch_dev *d, size_t i);

/* watch_link.c */
int watch_link_open(struct wg_watch *w);
/* Dump every link: new ones are devices (baseline: without events). */
int watch_link_sync(struct wg_watch *w, bool baseline);
void watch_link_dispatch(struct wg_watch *w);
/* The link of a userspace device, if it has one by now. */
void watch_link_lookup(struct wg_watch *w, struct watch_dev *d);
void watch_genl_dispatch(struct wg_watch *w);

/* watch_kernel.c: re-read a kernel device (the full diff only on change). */
void watch_read_kernel(struct wg_watch *w, struct watch_dev *d);
void watch_kdump_free(struct watch_kdump *k);

/* watch_link.c: close the netlink sockets (the namespace went away). */
void watch_link_close(struct wg_watch *w);

/* watch_netns.c */
int watch_netns_identify(struct wg_watch *w);
/* Whether process pid lives in the watched namespace. */
bool watch_netns_has(const struct wg_watch *w, pid_t pid);
int watch_netns_open(struct wg_watch *w);
void watch_netns_tick(struct wg_watch *w);
/* Rechecks the namespace if the mount table changed since the last call. */
void watch_netns_poll(struct wg_watch *w);
void watch_netns_close(struct wg_watch *w);

/* watch_read.c */
void watch_read_device(struct wg_watch *w, struct watch_dev *d);
void watch_read_all(struct wg_watch *w);
void watch_uapi_dispatch(struct wg_watch *w, struct watch_dev *d);
void watch_uapi_cancel(struct wg_watch *w, struct watch_dev *d);
/* Read d now (or right after the reading in flight). */
void watch_read_soon(struct wg_watch *w, struct watch_dev *d);

/* watch_uapi.c: sockets in the UAPI directory.  watch_uapi_placed(): the
 * first connection (fd) to d's daemon on a namespace watch: is it ours? */
int watch_uapi_open(struct wg_watch *w);
void watch_uapi_scan(struct wg_watch *w, bool baseline);
void watch_inotify_dispatch(struct wg_watch *w);
void watch_uapi_placed(struct wg_watch *w, struct watch_dev *d, int fd);

/* watch_feed.c */
void watch_inbox_dispatch(struct wg_watch *w);
/* An engine event pushed for d (by wg_watch_feed or a daemon), at time. */
void watch_pushed(struct wg_watch *w, struct watch_dev *d, const struct wg_event *ev,
		  const struct wg_timespec64 *time);

/* watch_sub.c */
void watch_sub_start(struct wg_watch *w, struct watch_dev *d);
void watch_sub_dispatch(struct wg_watch *w, struct watch_dev *d);
void watch_sub_close(struct wg_watch *w, struct watch_dev *d);

#endif
