// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Userspace devices appear and disappear as sockets NAME.sock in the UAPI
 * directory (/var/run/wireguard): inotify tells us, so the directory is
 * never polled.  If the directory does not exist yet, its parent is watched
 * until it does.
 *
 * The directory is a path: it belongs to a mount namespace, not to a
 * network namespace.  A daemon started with `ip netns exec NS` binds its
 * socket in the same /var/run/wireguard as the host's daemons (ip netns
 * exec remounts /sys, not /run).  So a watch on a network namespace
 * watches the same directory and keeps only the daemons that live in that
 * namespace: at the first connection to a socket, the daemon's pid
 * (SO_PEERCRED) tells its network namespace (/proc/PID/ns/net).  Until
 * then the device is not announced and its failures are not reported;
 * another namespace's daemon is ignored for as long as its socket exists.
 * A daemon whose /var/run is private to another mount namespace is not
 * visible at all.  A watch on the caller's namespace keeps every socket,
 * as wg(8) shows every socket of the directory.
 */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "error.h"
#include "uapi.h"
#include "util.h"
#include "watch.h"

#define DIR_EVENTS (IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE_SELF | IN_MOVE_SELF)

/* "NAME.sock" -> NAME, or false if the file is not a device's socket. */
static bool device_name(const char *file, char name[IFNAMSIZ])
{
	size_t n = strlen(file);

	if (n <= 5 || n - 5 >= IFNAMSIZ || strcmp(file + n - 5, ".sock") || file[0] == '.')
		return false;
	memcpy(name, file, n - 5);
	name[n - 5] = '\0';
	return true;
}

static void socket_appeared(struct wg_watch *w, const char *name, bool baseline)
{
	struct watch_dev *d = watch_find(w, name);
	struct wg_watch_event ev;

	/* A device of that name (a kernel one, or in-process) was here first. */
	if (!watch_wants(w, name) || d)
		return;
	d = watch_dev_new(w, DEV_UAPI, name);
	if (!d)
		return;
	d->baseline = baseline;
	if (w->o.netns_fd >= 0) {
		/* Announced once its daemon is known to live in the namespace. */
		d->ns_pending = true;
		d->announce = !baseline;
	} else {
		watch_link_lookup(w, d);
		if (!baseline) {
			watch_event_init(&ev, d, WG_WATCH_DEVICE_ADDED, NULL);
			watch_emit(w, &ev);
		}
	}
	watch_read_device(w, d);
}

/* Its socket is gone; silently if it was never announced. */
static void socket_gone(struct wg_watch *w, struct watch_dev *d)
{
	if (d->ns_pending || d->foreign)
		watch_dev_forget(w, d);
	else
		watch_dev_remove(w, d, 0);
}

static void socket_vanished(struct wg_watch *w, const char *name)
{
	struct watch_dev *d = watch_find(w, name);

	if (d && d->type == DEV_UAPI)
		socket_gone(w, d);
}

void watch_uapi_placed(struct wg_watch *w, struct watch_dev *d, int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	struct wg_watch_event ev;

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    !watch_netns_has(w, cred.pid)) {
		d->foreign = true;
		return;
	}
	d->ns_pending = false;
	watch_link_lookup(w, d);
	if (d->announce) {
		watch_event_init(&ev, d, WG_WATCH_DEVICE_ADDED, NULL);
		watch_emit(w, &ev);
	}
}

void watch_uapi_scan(struct wg_watch *w, bool baseline)
{
	struct dirent *ent;
	DIR *dir = opendir(uapi_socket_dir);
	char name[IFNAMSIZ];

	if (!dir)
		return;
	while ((ent = readdir(dir)))
		if (device_name(ent->d_name, name))
			socket_appeared(w, name, baseline);
	closedir(dir);
}

/* Watch the directory, or its parent until the directory exists. */
static void watch_dir(struct wg_watch *w)
{
	char parent[PATH_MAX], *slash;

	w->dir_wd = inotify_add_watch(w->inotify_fd, uapi_socket_dir, DIR_EVENTS | IN_ONLYDIR);
	if (w->dir_wd >= 0 || w->parent_wd >= 0)
		return;
	snprintf(parent, sizeof(parent), "%s", uapi_socket_dir);
	slash = strrchr(parent, '/');
	if (!slash)
		return;
	*(slash == parent ? slash + 1 : slash) = '\0';
	w->parent_wd = inotify_add_watch(w->inotify_fd, parent, IN_CREATE | IN_MOVED_TO | IN_ONLYDIR);
}

int watch_uapi_open(struct wg_watch *w)
{
	w->inotify_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->inotify_fd < 0)
		return wg_error(errno, "inotify_init1: %s", strerror(errno));
	watch_dir(w);
	return watch_epoll_add(w, w->inotify_fd, &w->src_inotify, SRC_INOTIFY);
}

void watch_inotify_dispatch(struct wg_watch *w)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	char name[IFNAMSIZ];
	bool rescan = false;

	for (;;) {
		ssize_t n = read(w->inotify_fd, buf, sizeof(buf));

		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)p;

			p += sizeof(*e) + e->len;
			if (e->mask & IN_Q_OVERFLOW) {
				rescan = true;
			} else if (e->wd == w->parent_wd) {
				/* Did the directory itself appear? */
				if (w->dir_wd < 0) {
					watch_dir(w);
					rescan = w->dir_wd >= 0;
				}
			} else if (e->wd == w->dir_wd) {
				if (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED)) {
					w->dir_wd = -1;
					watch_dir(w);
					rescan = true;
				} else if (e->len && device_name(e->name, name)) {
					if (e->mask & (IN_CREATE | IN_MOVED_TO))
						socket_appeared(w, name, false);
					else
						socket_vanished(w, name);
				}
			}
		}
	}
	if (rescan) {
		struct watch_dev *d, *next;
		struct stat st;
		char path[PATH_MAX];

		/* Sockets that vanished unseen, then those that appeared. */
		for (d = w->devs; d; d = next) {
			next = d->next;
			snprintf(path, sizeof(path), "%s/%s.sock", uapi_socket_dir, d->name);
			if (d->type == DEV_UAPI && stat(path, &st) < 0)
				socket_gone(w, d);
		}
		watch_uapi_scan(w, false);
	}
}
