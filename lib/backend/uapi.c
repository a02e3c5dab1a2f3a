// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The UAPI client backend: userspace devices (wireguard-go, boringtun, our
 * engine) through /var/run/wireguard/NAME.sock, like wg(8).  Every socket
 * operation has a timeout so that a hung daemon cannot hang the caller.
 */
#include <dirent.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend.h"
#include "config.h"
#include "config_apply.h"
#include "error.h"
#include "set_plan.h"
#include "sockio.h"
#include "strbuf.h"
#include "uapi.h"
#include "uapi_text.h"
#include "util.h"

int uapi_timeout_ms = 10000;
/* wg_set_uapi_timeout(): this thread's choice, 0 for uapi_timeout_ms. */
static _Thread_local int thread_timeout_ms;

static int timeout_ms(void)
{
	return thread_timeout_ms ? thread_timeout_ms : uapi_timeout_ms;
}

WG_EXPORT int wg_set_uapi_timeout(int ms)
{
	int old = thread_timeout_ms;

	if (ms < 0)
		return wg_error(EINVAL, "a UAPI timeout of %d ms", ms);
	thread_timeout_ms = ms;
	return old;
}
const char *uapi_socket_dir = WG_UAPI_SOCKET_DIR;

/* Replies larger than this are refused (130k allowed IPs take ~4 MiB). */
#define MAX_REPLY (256U << 20)

static bool valid_name(const char *name)
{
	size_t n = strlen(name);

	return n && n < IFNAMSIZ && !strchr(name, '/') && strcmp(name, ".") && strcmp(name, "..");
}

static int socket_path(struct sockaddr_un *addr, const char *name)
{
	int n;

	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	n = snprintf(addr->sun_path, sizeof(addr->sun_path), "%s/%s.sock", uapi_socket_dir, name);
	if (n < 0 || (size_t)n >= sizeof(addr->sun_path))
		return wg_error(ENAMETOOLONG, "%s: socket path too long", name);
	return 0;
}

bool uapi_has_device(const char *name)
{
	struct sockaddr_un addr;
	struct stat st;
	bool live;
	int fd;

	if (!valid_name(name) || socket_path(&addr, name))
		return false;
	if (stat(addr.sun_path, &st) || !S_ISSOCK(st.st_mode))
		return false;
	/* A socket nobody listens on (a crashed daemon's) does not count, as
	 * with wg(8): the name may then be a kernel device. */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return true;
	live = !connect(fd, (struct sockaddr *)&addr, sizeof(addr)) || errno != ECONNREFUSED;
	close(fd);
	return live;
}

/* Wait until fd is ready for events, or time out with a message. */
static int wait_fd(int fd, short events, const char *name, const char *what)
{
	int ret = wg_sock_wait(fd, events, wg_sock_deadline(timeout_ms()), -1);

	if (ret == -ETIMEDOUT) {
		ret = wg_error(ETIMEDOUT, "%s: the userspace daemon did not %s within %d ms",
			       name, what, timeout_ms());
		/* Logged too: a listing that skips this daemon says why. */
		wg_log(WG_LOG_INFO, "%s", wg_last_error());
		return ret;
	}
	if (ret)
		return wg_error(-ret, "%s: poll: %s", name, strerror(-ret));
	return 0;
}

int uapi_connect(const char *name, bool wait)
{
	struct sockaddr_un addr;
	int fd, ret;

	if (!valid_name(name))
		return wg_error(EINVAL, "'%s' is not an interface name", name);
	ret = socket_path(&addr, name);
	if (ret)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return wg_error(errno, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		int err = errno;

		if ((err == EAGAIN || err == EINPROGRESS) && !wait) {
			close(fd);
			return wg_error(EAGAIN, "%s: the userspace daemon's backlog is full", name);
		}
		if (err == EAGAIN || err == EINPROGRESS) {
			/* A full backlog: wait for room, then check. */
			socklen_t len = sizeof(err);

			ret = wait_fd(fd, POLLOUT, name, "accept the connection");
			if (!ret && !getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) && !err)
				return fd;
			close(fd);
			return ret ? ret : wg_error(err, "%s: connect: %s", name, strerror(err));
		}
		close(fd);
		if (err == ENOENT || err == ECONNREFUSED)
			return wg_error(ENODEV, "%s: no userspace daemon listens on %s", name,
					addr.sun_path);
		return wg_error(err, "%s: connect to %s: %s", name, addr.sun_path, strerror(err));
	}
	return fd;
}

static int send_all(int fd, const char *buf, size_t len, const char *name)
{
	int ret = wg_sock_send_all(fd, buf, len, wg_sock_deadline(timeout_ms()), -1);

	if (ret == -ETIMEDOUT) {
		ret = wg_error(ETIMEDOUT, "%s: the userspace daemon did not read the request within %d ms",
			       name, timeout_ms());
		wg_log(WG_LOG_INFO, "%s", wg_last_error());
		return ret;
	}
	if (ret)
		return wg_error(-ret, "%s: send: %s", name, strerror(-ret));
	return 0;
}

/*
 * Read one reply: key=value lines up to the blank line that follows
 * "errno=N".  On success the first *body_len bytes of sb are everything before the errno
 * line and *err the daemon's errno (made positive: wireguard-go sends it
 * negative).  The buffer is a strbuf (it may hold a private key).
 */
static int read_reply(int fd, struct strbuf *sb, size_t *body_len, int *err, const char *name)
{
	char chunk[65536];
	size_t scanned = 0;	/* bytes already searched for the end, so a big reply costs O(n) */
	int ret;

	for (;;) {
		ssize_t r;

		ret = uapi_reply_end(sb, scanned, body_len, err, name);
		if (ret)
			goto out_end;
		r = recv(fd, chunk, sizeof(chunk), 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				ret = wait_fd(fd, POLLIN, name, "answer");
				if (ret)
					goto out;
				continue;
			}
			ret = wg_error(errno, "%s: recv: %s", name, strerror(errno));
			goto out;
		}
		if (!r) {
			ret = wg_error(EPROTO, "%s: the userspace daemon closed the connection mid-reply", name);
			goto out;
		}
		if (sb->len + (size_t)r > MAX_REPLY) {
			ret = wg_error(EMSGSIZE, "%s: UAPI reply larger than %u bytes", name, MAX_REPLY);
			goto out;
		}
		scanned = sb->len ? sb->len - 1 : 0;
		strbuf_add(sb, chunk, (size_t)r);
		if (sb->err) {
			ret = sb->err;
			goto out;
		}
	}
out_end:
	ret = ret > 0 ? 0 : ret;
out:
	wg_memzero(chunk, sizeof(chunk));	/* it may have held a private key */
	return ret;
}

/* One request on a fresh connection; the reply body is left in reply. */
static int transact(const char *name, const char *req, size_t req_len, struct strbuf *reply,
		    size_t *body_len)
{
	int fd, err = 0, ret;

	fd = uapi_connect(name, true);
	if (fd < 0)
		return fd;
	ret = send_all(fd, req, req_len, name);
	if (!ret)
		ret = read_reply(fd, reply, body_len, &err, name);
	close(fd);
	if (!ret && err)
		ret = wg_error(err, "%s: the userspace daemon refused the request: %s", name,
			       strerror(err));
	return ret;
}

int uapi_get_device(wg_device **dev, const char *name)
{
	struct strbuf reply = { 0 };
	size_t body_len = 0;
	int ret;

	ret = transact(name, "get=1\n\n", 7, &reply, &body_len);
	if (!ret)
		ret = uapi_text_parse_get(reply.buf, body_len, dev);
	strbuf_wipe(&reply);
	if (!ret) {
		strcpy((*dev)->name, name);
		(*dev)->ifindex = if_nametoindex(name);
	}
	return ret;
}

/*
 * UAPI has no single-prefix removal (wireguard-go parses allowed_ip with
 * netip.ParsePrefix only).  Emulate it: read the device, plan, and send the
 * set that replaces whole lists to the same outcome
 * (wg_set_plan_replace_removals()).  Not atomic against a concurrent writer
 * between the get and the set.
 */
static int emulate_removal(const wg_device *dev, wg_device **out)
{
	wg_device *before = NULL;
	int ret;

	ret = uapi_get_device(&before, dev->name);
	if (!ret)
		ret = wg_set_plan_replace_removals(before, dev, out);
	wg_free_device(before);
	return ret;
}

int uapi_set_device(wg_device *dev)
{
	struct strbuf req = { 0 }, reply = { 0 };
	wg_device *emulated = NULL;
	const wg_device *send_dev = dev;
	size_t body_len;
	FILE *f;
	int ret;

	ret = wg_set_plan_validate(dev, false);
	if (ret)
		return ret;
	if (wg_set_has_allowedip_removal(dev)) {
		ret = emulate_removal(dev, &emulated);
		if (ret)
			return ret;
		send_dev = emulated;
	}
	f = strbuf_fopen(&req);
	if (!f) {
		ret = -ENOMEM;
		goto out;
	}
	fputs("set=1\n", f);
	ret = uapi_text_format_set(f, send_dev);
	fputs("\n", f);
	fclose(f);
	if (!ret && req.err)
		ret = req.err;
	if (!ret)
		ret = transact(dev->name, req.buf, req.len, &reply, &body_len);
out:
	strbuf_wipe(&req);
	strbuf_wipe(&reply);
	wg_free_device(emulated);
	return ret;
}

int uapi_list_device_names(struct name_list *list)
{
	struct dirent *ent;
	DIR *dir;
	int ret = 0;

	dir = opendir(uapi_socket_dir);
	if (!dir)
		return errno == ENOENT ? 0 : wg_error(errno, "%s: %s", uapi_socket_dir, strerror(errno));
	while ((ent = readdir(dir))) {
		size_t n = strlen(ent->d_name);
		char name[IFNAMSIZ];

		if (n <= 5 || n - 5 >= IFNAMSIZ || strcmp(ent->d_name + n - 5, ".sock"))
			continue;
		memcpy(name, ent->d_name, n - 5);
		name[n - 5] = '\0';
		if (!uapi_has_device(name))
			continue;
		ret = name_list_add(list, name);
		if (ret)
			break;
	}
	closedir(dir);
	return ret;
}
