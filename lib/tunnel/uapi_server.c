// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The UAPI server: /var/run/wireguard/NAME.sock, the text protocol of
 * wireguard-go (parsed and printed by uapi_text.c), so that wg(8) and the
 * configuration API drive a tunnel as they drive any userspace device.
 * Requests are rare and short: one thread serves one connection at a time.
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend.h"
#include "error.h"
#include "tunnel.h"
#include "uapi_text.h"
#include "util.h"

/* A set of tens of thousands of peers is a few MiB of text. */
#define MAX_REQUEST (64 << 20)
/* A client that stalls mid-request must not hold the server forever. */
#define CLIENT_TIMEOUT_MS 5000

struct wg_uapi_server {
	wg_tunnel *tunnel;
	int listen_fd;
	int stop_efd;
	pthread_t thread;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev;
	ino_t ino;
};

static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t r = send(fd, p, len, MSG_NOSIGNAL);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

static int reply_errno(int fd, int err)
{
	char line[32];
	int n = snprintf(line, sizeof(line), "errno=%d\n\n", err);

	return write_all(fd, line, (size_t)n);
}

static int do_get(struct wg_uapi_server *s, int fd)
{
	wg_device *dev = NULL;
	char *text = NULL;
	size_t len = 0;
	FILE *out;
	int ret;

	ret = wg_tunnel_get_device(s->tunnel, &dev);
	if (ret < 0)
		goto out;
	out = open_memstream(&text, &len);
	if (!out) {
		ret = -ENOMEM;
		goto out;
	}
	ret = uapi_text_format_get(out, dev);
	if (fclose(out) != 0 && ret == 0)
		ret = -ENOMEM;
	if (ret == 0)
		ret = write_all(fd, text, len);
out:
	if (text) {
		/* The reply holds the private key. */
		wg_memzero(text, len);
		free(text);
	}
	wg_free_device(dev);
	if (ret < 0)
		wg_log(WG_LOG_ERROR, "%s: UAPI get: %s", s->tunnel->name, wg_last_error());
	return reply_errno(fd, ret < 0 ? -ret : 0);
}

static int do_set(struct wg_uapi_server *s, int fd, const char *body, size_t len)
{
	wg_device *dev = NULL;
	int ret;

	ret = uapi_text_parse_set(body, len, &dev);
	if (ret == 0)
		ret = wg_tunnel_set_device(s->tunnel, dev);
	wg_free_device(dev);
	if (ret < 0)
		wg_log(WG_LOG_ERROR, "%s: UAPI set: %s", s->tunnel->name, wg_last_error());
	return reply_errno(fd, ret < 0 ? -ret : 0);
}

/* One request: its lines, the last followed by the blank line at req[len]. */
static int handle(struct wg_uapi_server *s, int fd, const char *req, size_t len)
{
	if (len == 6 && !memcmp(req, "get=1\n", 6))
		return do_get(s, fd);
	if (len >= 6 && !memcmp(req, "set=1\n", 6))
		return do_set(s, fd, req + 6, len - 6);
	wg_log(WG_LOG_ERROR, "%s: UAPI: unknown operation", s->tunnel->name);
	reply_errno(fd, EINVAL);
	return -EINVAL;	/* close: the client does not speak the protocol */
}

static bool wait_readable(struct wg_uapi_server *s, int fd)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = POLLIN },
		{ .fd = s->stop_efd, .events = POLLIN },
	};

	return poll(pfd, 2, CLIENT_TIMEOUT_MS) > 0 && !pfd[1].revents;
}

static void serve(struct wg_uapi_server *s, int fd)
{
	size_t len = 0, cap = 4096, scanned = 0;
	char *buf = malloc(cap);

	while (buf) {
		char *end = NULL;
		ssize_t r;

		/* Complete requests first: a client may pipeline several. */
		for (size_t i = scanned ? scanned - 1 : 0; i + 1 < len; i++)
			if (buf[i] == '\n' && buf[i + 1] == '\n') {
				end = buf + i;
				break;
			}
		if (end) {
			size_t req = (size_t)(end - buf) + 1;

			if (handle(s, fd, buf, req) < 0)
				break;
			wg_memzero(buf, req + 1);
			memmove(buf, buf + req + 1, len - req - 1);
			len -= req + 1;
			scanned = 0;
			continue;
		}
		scanned = len;
		if (len == cap) {
			char *bigger = cap < MAX_REQUEST ? realloc(buf, cap * 2) : NULL;

			if (!bigger) {
				reply_errno(fd, ENOMEM);
				break;
			}
			buf = bigger;
			cap *= 2;
		}
		if (!wait_readable(s, fd))
			break;
		r = read(fd, buf + len, cap - len);
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	if (buf) {
		/* Requests carry keys. */
		wg_memzero(buf, cap);
		free(buf);
	}
}

static void *server_main(void *arg)
{
	struct wg_uapi_server *s = arg;
	struct pollfd pfd[2] = {
		{ .fd = s->listen_fd, .events = POLLIN },
		{ .fd = s->stop_efd, .events = POLLIN },
	};

	for (;;) {
		int fd;

		if (poll(pfd, 2, -1) < 0 && errno != EINTR)
			return NULL;
		if (pfd[1].revents)
			return NULL;
		if (!pfd[0].revents)
			continue;
		fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0)
			continue;
		serve(s, fd);
		close(fd);
	}
}

/* Is someone answering on path?  Then it is not a stale socket. */
static bool in_use(const struct sockaddr_un *sa)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool used;

	if (fd < 0)
		return false;
	used = connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0;
	close(fd);
	return used;
}

/*
 * Bind in a private 0700 directory, chmod 0600, then rename into place: the
 * socket is never reachable with looser permissions, and no process-wide
 * umask (not thread-safe in a library) is needed.
 */
static int create_socket(struct wg_uapi_server *s, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX }, tmp = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	struct stat st;
	int fd, ret;

	if (mkdir(WG_UAPI_SOCKET_DIR, 0755) < 0 && errno != EEXIST)
		return wg_error(errno, "%s: %s", WG_UAPI_SOCKET_DIR, strerror(errno));
	if ((size_t)snprintf(s->path, sizeof(s->path), "%s/%s.sock", WG_UAPI_SOCKET_DIR, name) >=
	    sizeof(s->path))
		return wg_error(EINVAL, "%s: socket path too long", name);
	memcpy(sa.sun_path, s->path, sizeof(s->path));
	if (in_use(&sa))
		return wg_error(EADDRINUSE, "%s is in use by another process", s->path);
	snprintf(dir, sizeof(dir), "%s/.%s.XXXXXX", WG_UAPI_SOCKET_DIR, name);
	if (!mkdtemp(dir))
		return wg_error(errno, "%s: %s", dir, strerror(errno));
	if ((size_t)snprintf(tmp.sun_path, sizeof(tmp.sun_path), "%s/s", dir) >= sizeof(tmp.sun_path)) {
		rmdir(dir);
		return wg_error(EINVAL, "%s: socket path too long", name);
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		ret = wg_error(errno, "socket: %s", strerror(errno));
		goto out;
	}
	if (bind(fd, (struct sockaddr *)&tmp, sizeof(tmp)) < 0 || chmod(tmp.sun_path, 0600) < 0 ||
	    listen(fd, 16) < 0 || rename(tmp.sun_path, s->path) < 0 || stat(s->path, &st) < 0) {
		ret = wg_error(errno, "%s: %s", s->path, strerror(errno));
		close(fd);
		goto out;
	}
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->listen_fd = fd;
	ret = 0;
out:
	unlink(tmp.sun_path);
	rmdir(dir);
	return ret;
}

int wg_uapi_server_start(struct wg_uapi_server **server, wg_tunnel *tunnel, const char *name)
{
	struct wg_uapi_server *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return wg_error(ENOMEM, "out of memory");
	s->tunnel = tunnel;
	s->listen_fd = -1;
	s->stop_efd = eventfd(0, EFD_CLOEXEC);
	if (s->stop_efd < 0) {
		ret = wg_error(errno, "eventfd: %s", strerror(errno));
		free(s);
		return ret;
	}
	ret = create_socket(s, name);
	if (ret == 0) {
		ret = pthread_create(&s->thread, NULL, server_main, s);
		if (ret) {
			ret = wg_error(ret, "pthread_create: %s", strerror(ret));
			unlink(s->path);
			close(s->listen_fd);
		}
	}
	if (ret) {
		close(s->stop_efd);
		free(s);
		return ret;
	}
	*server = s;
	return 0;
}

void wg_uapi_server_stop(struct wg_uapi_server *s)
{
	struct stat st;

	eventfd_write(s->stop_efd, 1);
	pthread_join(s->thread, NULL);
	/* Remove the socket only if it is still ours, not a successor's. */
	if (stat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
		unlink(s->path);
	close(s->listen_fd);
	close(s->stop_efd);
	free(s);
}
