// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A watched network namespace that goes away.  The watch's netlink sockets
 * live in the namespace and keep it alive, so the kernel never destroys it
 * under us: "goes away" has to be decided here.  It is gone when nothing
 * but us holds it any more: no process has it as its network namespace
 * and no nsfs bind mount of it (ip netns add's /run/netns/NAME, a
 * container runtime's) is left in our mount namespace.  Then the watch
 * reports DEVICE_REMOVED for its kernel devices and one NAMESPACE_GONE,
 * closes its sockets (so the kernel can free the namespace) and keeps
 * serving its other devices (in-process engines and tunnels, daemons).
 *
 * Cheaply: one process found in it (the witness) is checked with one stat()
 * per interval; while a bind mount holds it, nothing is checked until the
 * mount table changes (/proc/self/mountinfo polls with EPOLLPRI, so
 * `ip netns del` is seen at once; watch.h says why it is open twice).
 * Only when the witness left and no mount holds it is /proc scanned for
 * another process.  Other holders (an
 * fd kept by another program, a mount in another mount namespace) are not
 * seen: for them the namespace is reported gone while it lives on.
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "util.h"
#include "watch.h"

static bool is_ours(const struct wg_watch *w, const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && st.st_dev == w->ns_dev && st.st_ino == w->ns_ino;
}

bool watch_netns_has(const struct wg_watch *w, pid_t pid)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	return pid > 0 && is_ours(w, path);
}


/* Whether an nsfs mount of the namespace is in our mount table. */
static bool mounted(const struct wg_watch *w)
{
	char needle[48], *line = NULL;
	size_t cap = 0;
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return true;	/* cannot tell: assume it is held */
	snprintf(needle, sizeof(needle), " net:[%llu] ", (unsigned long long)w->ns_ino);
	while (!found && getline(&line, &cap, f) > 0)
		found = strstr(line, needle) != NULL;
	free(line);
	fclose(f);
	return found;
}

static pid_t find_process(const struct wg_watch *w)
{
	DIR *dir = opendir("/proc");
	struct dirent *ent;
	pid_t pid = 0;

	if (!dir)
		return -1;	/* cannot tell */
	while (!pid && (ent = readdir(dir))) {
		char path[300];

		if (ent->d_name[0] < '1' || ent->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", ent->d_name);
		if (is_ours(w, path))
			pid = (pid_t)atoi(ent->d_name);
	}
	closedir(dir);
	return pid;
}

static void gone(struct wg_watch *w)
{
	struct wg_watch_event ev;
	struct watch_dev *d, *next;

	w->ns_gone = true;
	for (d = w->devs; d; d = next) {
		next = d->next;
		if (d->type == DEV_KERNEL)
			watch_dev_remove(w, d, 0);
	}
	watch_event_init(&ev, NULL, WG_WATCH_NAMESPACE_GONE, NULL);
	watch_emit(w, &ev);
	/* Let go of it: our sockets are the last reference. */
	watch_link_close(w);
	watch_netns_close(w);
}

static void check(struct wg_watch *w)
{
	if (w->ns_gone || watch_netns_has(w, w->ns_witness))
		return;
	w->ns_witness = 0;
	w->ns_mounted = mounted(w);
	if (w->ns_mounted)
		return;
	w->ns_witness = find_process(w);
	if (!w->ns_witness)
		gone(w);
}

int watch_netns_identify(struct wg_watch *w)
{
	struct stat st;

	if (fstat(w->o.netns_fd, &st) < 0)
		return wg_error(errno, "bad network namespace descriptor %d: %s", w->o.netns_fd,
				strerror(errno));
	w->ns_dev = st.st_dev;
	w->ns_ino = st.st_ino;
	return 0;
}

int watch_netns_open(struct wg_watch *w)
{
	struct epoll_event e = { .events = EPOLLPRI | EPOLLERR, .data.ptr = &w->src_mounts };

	w->src_mounts.type = SRC_MOUNTS;
	w->mounts_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	w->mounts_probe_fd = open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC);
	/* Without them, mounts are checked every interval instead. */
	if (w->mounts_fd < 0 || w->mounts_probe_fd < 0 ||
	    epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->mounts_fd, &e) < 0)
		watch_netns_close(w);
	check(w);
	return 0;
}

void watch_netns_close(struct wg_watch *w)
{
	if (w->mounts_fd >= 0) {
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->mounts_fd, NULL);
		close(w->mounts_fd);
	}
	if (w->mounts_probe_fd >= 0)
		close(w->mounts_probe_fd);
	w->mounts_fd = w->mounts_probe_fd = -1;
}

void watch_netns_tick(struct wg_watch *w)
{
	if (w->o.netns_fd < 0 || w->ns_gone)
		return;
	if (!w->ns_mounted || w->mounts_fd < 0)
		check(w);
}

void watch_netns_poll(struct wg_watch *w)
{
	struct pollfd p = { .fd = w->mounts_probe_fd, .events = POLLPRI };

	if (p.fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLPRI))
		check(w);
}
