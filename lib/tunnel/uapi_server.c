// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The UAPI server: DIR/NAME.sock, the text protocol of wireguard-go (parsed
 * and printed by uapi_text.c), so that wg(8) and the configuration API drive
 * a tunnel as they drive any userspace device.
 *
 * One thread accepts and keeps new connections in an epoll set; a connection
 * gets a thread of its own once it sends something (wireguard-go gives each
 * a goroutine), so a client that stalls (never reads its replies, sends a
 * byte a second, or sits idle) holds only its own thread or nothing, and
 * every other client is answered at once.  A connection may carry any number of
 * requests and stay open between them.  Resources are bounded: at most
 * MAX_CONNECTIONS threads with small stacks; a request must be complete
 * REQUEST_TIMEOUT_MS after its first byte, a reply taken within
 * REPLY_TIMEOUT_MS.  Every wait also watches stop_efd, which stays readable
 * once written, so stopping never waits for a client.
 *
 * Order: sets run one at a time, in the order they take config_lock; gets run
 * in parallel with each other, never beside a set, so a get sees the
 * configuration before or after a set, never half of one.
 *
 * A request ends at its blank line, or at EOF (the client shut down its
 * sending side): then it is applied and answered like one that ended with a
 * blank line, as wireguard-go does.
 */
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "error.h"
#include "lock.h"
#include "sockio.h"
#include "uapi_request.h"
#include "uapi_server.h"
#include "uapi_text.h"
#include "util.h"

/* From a request's first byte to its end: a slowloris loses its connection. */
#define REQUEST_TIMEOUT_MS 10000
/* A client that stops reading its reply loses its connection. */
#define REPLY_TIMEOUT_MS 10000
/* More are accepted and closed at once: wg(8) then reports an error. */
#define MAX_CONNECTIONS 1024
/* The deepest path (a set through the engine) needs a few KiB; sanitizers more. */
#define CONNECTION_STACK (512 << 10)

struct wg_uapi_server {
	const struct wg_uapi_ops *ops;
	void *ctx;
	char name[IFNAMSIZ];		/* for log messages */
	int listen_fd;
	int stop_efd;			/* readable: every thread returns */
	int epfd;			/* the listen socket, stop_efd, waiting connections */
	char stop_mark;			/* its address: stop_efd's epoll data */
	pthread_t thread;		/* accepts */
	wg_rwlock config_lock;	/* sets exclusive, gets shared */
	wg_mutex lock;		/* protects nconn */
	pthread_cond_t idle;		/* nconn dropped to 0 */
	unsigned nconn;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	dev_t dev;
	ino_t ino;
};

struct connection {
	struct wg_uapi_server *s;
	int fd;
	/* The accept thread's list of connections still waiting for a byte. */
	struct connection *next, **prev;
};

/* The reply: body (may be NULL) then "errno=N" with N = 0 or -errno, the
 * sign wireguard-go uses and wg(8) expects. */
static int reply(struct wg_uapi_server *s, int fd, const char *body, size_t len, int ret)
{
	char line[32];
	int64_t deadline = wg_sock_deadline(REPLY_TIMEOUT_MS);
	int n = snprintf(line, sizeof(line), "errno=%d\n\n", ret < 0 ? ret : 0);
	int err = len ? wg_sock_send_all(fd, body, len, deadline, s->stop_efd) : 0;

	if (!err)
		err = wg_sock_send_all(fd, line, (size_t)n, deadline, s->stop_efd);
	if (err)
		wg_log(WG_LOG_DEBUG, "%s: UAPI: reply not delivered: %s", s->name, strerror(-err));
	return err;
}

static int do_get(struct wg_uapi_server *s, int fd, const char *body, size_t len)
{
	wg_device *dev = NULL;
	char *text = NULL;
	size_t text_len = 0;
	FILE *out;
	int ret;

	(void)body;
	if (len)	/* as wireguard-go: nothing may follow get=1 */
		return reply(s, fd, NULL, 0, wg_error(EINVAL, "trailing lines in a UAPI get"));
	wg_rwlock_read_lock(&s->config_lock);
	ret = s->ops->get(s->ctx, &dev);
	wg_rwlock_read_unlock(&s->config_lock);
	if (ret < 0) {
		wg_log(WG_LOG_ERROR, "%s: UAPI get: %s", s->name, wg_last_error());
		return reply(s, fd, NULL, 0, ret);
	}
	out = open_memstream(&text, &text_len);
	if (!out) {
		ret = -ENOMEM;
	} else {
		ret = uapi_text_format_get(out, dev);
		if (fclose(out) != 0 && ret == 0)
			ret = -ENOMEM;
	}
	wg_free_device(dev);
	if (ret < 0)
		wg_log(WG_LOG_ERROR, "%s: UAPI get: cannot format the reply: %s", s->name, strerror(-ret));
	ret = reply(s, fd, ret < 0 ? NULL : text, ret < 0 ? 0 : text_len, ret);
	if (text) {
		/* The reply holds the private key. */
		wg_memzero(text, text_len);
		free(text);
	}
	return ret;
}

static int do_set(struct wg_uapi_server *s, int fd, const char *body, size_t len)
{
	wg_device *dev = NULL;
	int ret;

	ret = uapi_text_parse_set(body, len, &dev);
	if (ret == 0) {
		wg_rwlock_write_lock(&s->config_lock);
		ret = s->ops->set(s->ctx, dev);
		wg_rwlock_write_unlock(&s->config_lock);
	}
	wg_free_device(dev);
	if (ret < 0)
		wg_log(WG_LOG_ERROR, "%s: UAPI set: %s", s->name, wg_last_error());
	return reply(s, fd, NULL, 0, ret);
}

/*
 * subscribe=1: answer, hand the connection to ops->subscribe, which writes
 * events to it from the tunnel's threads, and hold it until the client
 * leaves (what it sends is ignored) or the server stops.
 */
static int do_subscribe(struct wg_uapi_server *s, int fd, const char *body, size_t len)
{
	char sink[256];
	int ret;

	(void)body;
	if (!s->ops->subscribe) {
		wg_log(WG_LOG_ERROR, "%s: UAPI: unknown operation", s->name);
		reply(s, fd, NULL, 0, -EINVAL);
		return -EINVAL;
	}
	if (len)
		return reply(s, fd, NULL, 0, wg_error(EINVAL, "trailing lines in a UAPI subscribe"));
	if (reply(s, fd, NULL, 0, 0) < 0)
		return -EPIPE;
	ret = s->ops->subscribe(s->ctx, fd, true);
	if (ret < 0)
		return ret;
	while (wg_sock_wait(fd, POLLIN, -1, s->stop_efd) == 0) {
		ssize_t r = recv(fd, sink, sizeof(sink), MSG_DONTWAIT);

		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR))
			break;
	}
	s->ops->subscribe(s->ctx, fd, false);
	return -ECONNRESET;	/* close it */
}

/* Indexed by enum uapi_op (uapi_request.h). */
static int (*const operations[])(struct wg_uapi_server *s, int fd, const char *body, size_t len) = {
	[UAPI_OP_GET] = do_get,
	[UAPI_OP_SET] = do_set,
	[UAPI_OP_SUBSCRIBE] = do_subscribe,
};

struct conn_io {
	struct wg_uapi_server *s;
	int fd;
};

/* One request (see uapi_request.h).  Returns < 0 to close the connection. */
static int handle(void *ctx, const char *req, size_t len)
{
	struct conn_io *c = ctx;
	const char *body;
	size_t body_len;
	enum uapi_op op = uapi_request_op(req, len, &body, &body_len);

	if (op != UAPI_OP_UNKNOWN)
		return operations[op](c->s, c->fd, body, body_len);
	wg_log(WG_LOG_ERROR, "%s: UAPI: unknown operation", c->s->name);
	reply(c->s, c->fd, NULL, 0, -EINVAL);
	return -EINVAL;	/* close: the client does not speak the protocol */
}

/* Bytes of a request, waiting for them until its deadline or the stop. */
static ssize_t read_request(void *ctx, char *buf, size_t room, int64_t deadline)
{
	struct conn_io *c = ctx;

	for (;;) {
		ssize_t r = recv(c->fd, buf, room, MSG_DONTWAIT);
		int ret;

		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		ret = wg_sock_wait(c->fd, POLLIN, deadline, c->s->stop_efd);
		if (ret == -ETIMEDOUT)
			wg_log(WG_LOG_DEBUG, "%s: UAPI: request not complete in %d ms",
			       c->s->name, REQUEST_TIMEOUT_MS);
		if (ret)
			return -1;
	}
}

static int64_t request_deadline(void *ctx)
{
	(void)ctx;
	return wg_sock_deadline(REQUEST_TIMEOUT_MS);
}

static const struct uapi_request_io request_io = {
	.read = read_request,
	.deadline = request_deadline,
	.handle = handle,
};

/* The connection's requests, one after the other (framing: uapi_request.c). */
static void serve(struct wg_uapi_server *s, int fd)
{
	struct conn_io c = { .s = s, .fd = fd };

	if (uapi_request_serve(&request_io, &c) == -EMSGSIZE) {
		wg_log(WG_LOG_ERROR, "%s: UAPI: request too large", s->name);
		reply(s, fd, NULL, 0, -ENOMEM);
	}
}

static void connection_done(struct wg_uapi_server *s)
{
	wg_mutex_lock(&s->lock);
	if (--s->nconn == 0)
		pthread_cond_broadcast(&s->idle);
	wg_mutex_unlock(&s->lock);
}

static void connection_close(struct wg_uapi_server *s, struct connection *c)
{
	close(c->fd);
	free(c);
	connection_done(s);	/* last: s may be freed right after */
}

static void *connection_main(void *arg)
{
	struct connection *c = arg;

	serve(c->s, c->fd);
	connection_close(c->s, c);
	return NULL;
}

/* A connection that has something to say (or hung up) gets its thread. */
static void start_thread(struct wg_uapi_server *s, struct connection *c)
{
	pthread_attr_t attr;
	pthread_t thread;
	int ret;

	ret = pthread_attr_init(&attr);
	if (!ret) {
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		pthread_attr_setstacksize(&attr, CONNECTION_STACK < PTHREAD_STACK_MIN ?
					  PTHREAD_STACK_MIN : CONNECTION_STACK);
		ret = pthread_create(&thread, &attr, connection_main, c);
		pthread_attr_destroy(&attr);
	}
	if (ret) {
		wg_log(WG_LOG_ERROR, "%s: UAPI: cannot serve a connection: %s", s->name, strerror(ret));
		connection_close(s, c);
	}
}

/* A new connection waits in the accept thread's epoll set, costing no
 * thread until its first byte (or hangup): connects that never send cost
 * a descriptor and a few bytes. */
static void add_connection(struct wg_uapi_server *s, int fd, struct connection **waiting)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLRDHUP };
	struct connection *c = NULL;

	wg_mutex_lock(&s->lock);
	if (s->nconn < MAX_CONNECTIONS) {
		c = calloc(1, sizeof(*c));
		s->nconn += !!c;
	}
	wg_mutex_unlock(&s->lock);
	if (!c) {
		wg_log(WG_LOG_DEBUG, "%s: UAPI: %d connections open, refusing one", s->name,
		       MAX_CONNECTIONS);
		close(fd);
		return;
	}
	c->s = s;
	c->fd = fd;
	ev.data.ptr = c;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		start_thread(s, c);	/* serve it at once instead */
		return;
	}
	c->next = *waiting;
	c->prev = waiting;
	if (*waiting)
		(*waiting)->prev = &c->next;
	*waiting = c;
}

static void unlink_waiting(struct connection *c)
{
	*c->prev = c->next;
	if (c->next)
		c->next->prev = c->prev;
}

static void *accept_main(void *arg)
{
	struct wg_uapi_server *s = arg;
	struct connection *waiting = NULL;	/* in epfd, no thread yet */
	struct epoll_event evs[64];

	for (;;) {
		int n = epoll_wait(s->epfd, evs, ARRAY_SIZE(evs), -1);

		if (n < 0 && errno != EINTR)
			break;
		for (int i = 0; i < n; i++) {
			struct connection *c = evs[i].data.ptr;
			int fd;

			if (evs[i].data.ptr == &s->stop_mark)
				goto out;
			if (c) {
				epoll_ctl(s->epfd, EPOLL_CTL_DEL, c->fd, NULL);
				unlink_waiting(c);
				start_thread(s, c);
				continue;
			}
			fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
			if (fd >= 0) {
				add_connection(s, fd, &waiting);
			} else if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS ||
				   errno == ENOMEM) {
				/* Out of descriptors: the connection stays queued; retry
				 * soon rather than spin on a listen socket still readable. */
				struct pollfd pfd = { .fd = s->stop_efd, .events = POLLIN };

				poll(&pfd, 1, 100);
			}
		}
	}
out:
	while (waiting) {
		struct connection *c = waiting;

		unlink_waiting(c);
		connection_close(s, c);
	}
	return NULL;
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
 * umask (not thread-safe in a library) is needed.  The backlog is the
 * system's largest: clients that connect without blocking (Go's net.Dial,
 * so wgctrl-go) get EAGAIN when it is full.
 */
static int create_socket(struct wg_uapi_server *s, const char *sockdir, const char *name)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX }, tmp = { .sun_family = AF_UNIX };
	char dir[sizeof(sa.sun_path)];
	struct stat st;
	int fd, ret;

	if (mkdir(sockdir, 0755) < 0 && errno != EEXIST)
		return wg_error(errno, "%s: %s", sockdir, strerror(errno));
	if ((size_t)snprintf(s->path, sizeof(s->path), "%s/%s.sock", sockdir, name) >=
	    sizeof(s->path))
		return wg_error(EINVAL, "%s: socket path too long", name);
	memcpy(sa.sun_path, s->path, sizeof(s->path));
	if (in_use(&sa))
		return wg_error(EADDRINUSE, "%s is in use by another process", s->path);
	snprintf(dir, sizeof(dir), "%s/.%s.XXXXXX", sockdir, name);
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
	    listen(fd, SOMAXCONN) < 0 || rename(tmp.sun_path, s->path) < 0 || stat(s->path, &st) < 0) {
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

/* The accept thread's epoll set: the listen socket (data NULL), stop_efd. */
static int watch(struct wg_uapi_server *s)
{
	struct epoll_event ev = { .events = EPOLLIN };

	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (s->epfd < 0)
		return wg_error(errno, "epoll_create1: %s", strerror(errno));
	ev.data.ptr = NULL;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->listen_fd, &ev) < 0)
		return wg_error(errno, "epoll_ctl: %s", strerror(errno));
	ev.data.ptr = &s->stop_mark;
	if (epoll_ctl(s->epfd, EPOLL_CTL_ADD, s->stop_efd, &ev) < 0)
		return wg_error(errno, "epoll_ctl: %s", strerror(errno));
	return 0;
}

static void server_free(struct wg_uapi_server *s)
{
	if (s->epfd >= 0)
		close(s->epfd);
	if (s->listen_fd >= 0)
		close(s->listen_fd);
	if (s->stop_efd >= 0)
		close(s->stop_efd);
	wg_rwlock_destroy(&s->config_lock);
	wg_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->idle);
	free(s);
}

int wg_uapi_server_start(struct wg_uapi_server **server, const struct wg_uapi_ops *ops, void *ctx,
			 const char *dir, const char *name)
{
	struct wg_uapi_server *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return wg_error(ENOMEM, "out of memory");
	s->ops = ops;
	s->ctx = ctx;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->listen_fd = s->epfd = -1;
	/* Writers first: a stream of gets must not starve a set. */
	wg_rwlock_init(&s->config_lock, WG_RWLOCK_PREFER_WRITERS);
	wg_mutex_init(&s->lock);
	pthread_cond_init(&s->idle, NULL);
	s->stop_efd = eventfd(0, EFD_CLOEXEC);
	if (s->stop_efd < 0) {
		ret = wg_error(errno, "eventfd: %s", strerror(errno));
		server_free(s);
		return ret;
	}
	ret = create_socket(s, dir, name);
	if (ret == 0)
		ret = watch(s);
	if (ret == 0) {
		ret = pthread_create(&s->thread, NULL, accept_main, s);
		if (ret) {
			ret = wg_error(ret, "pthread_create: %s", strerror(ret));
			unlink(s->path);
		}
	}
	if (ret) {
		server_free(s);
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
	wg_mutex_lock(&s->lock);
	while (s->nconn)
		pthread_cond_wait(&s->idle, &s->lock.m);
	wg_mutex_unlock(&s->lock);
	/* Remove the socket only if it is still ours, not a successor's. */
	if (stat(s->path, &st) == 0 && st.st_dev == s->dev && st.st_ino == s->ino)
		unlink(s->path);
	server_free(s);
}
