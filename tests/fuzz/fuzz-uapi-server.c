// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The UAPI server (lib/tunnel/uapi_server.c) as a client reaches it: each
 * input is written to a connection of a running server, in a private
 * directory, that serves an engine (get and set straight to it).  The
 * server frames requests at blank lines, dispatches get/set, parses a set
 * strictly and applies it.  Every reply must end with an errno= line.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "uapi_server.h"

static wg_engine *engine;
static struct wg_uapi_server *server;
static struct sockaddr_un addr = { .sun_family = AF_UNIX };
static char dir[] = "/tmp/wg-fuzz-uapi-server-XXXXXX";

static void no_send(const struct wg_packet *p, size_t n, void *ctx)
{
	(void)p, (void)n, (void)ctx;
}

static int get(void *ctx, wg_device **dev)
{
	return wg_engine_get_device(ctx, dev);
}

static int set(void *ctx, const wg_device *dev)
{
	return wg_engine_set_device(ctx, dev);
}

static const struct wg_uapi_ops ops = { .get = get, .set = set };

static void stop(void)
{
	wg_uapi_server_stop(server);
	wg_engine_free(engine);
	rmdir(dir);
}

static void setup(void)
{
	struct wg_engine_options o = { .size = sizeof(o), .send = no_send };

	if (wg_engine_new(&engine, &o) || !mkdtemp(dir) || wg_uapi_server_start(&server, &ops, engine, dir, "fz"))
		abort();
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/fz.sock", dir);
	atexit(stop);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char reply[1 << 20];
	size_t sent = 0, got = 0;
	wg_device *empty;
	int fd;

	if (!server)
		setup();
	/* Each input starts from a device without peers. */
	empty = wg_device_new(NULL);
	empty->flags = WGDEVICE_REPLACE_PEERS;
	wg_engine_set_device(engine, empty);
	wg_free_device(empty);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		abort();
	if (!size)
		shutdown(fd, SHUT_WR);
	/* Write and read at once: pipelined gets are answered while we write. */
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN | (sent < size ? POLLOUT : 0) };
		ssize_t r;

		/* A server that hangs is libFuzzer's -timeout to catch (with the input). */
		if (poll(&p, 1, -1) < 0) {
			if (errno == EINTR)	/* libFuzzer's timer signal */
				continue;
			abort();
		}
		if (p.revents & POLLOUT) {
			r = send(fd, data + sent, size - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (r > 0 && (sent += (size_t)r) == size)
				shutdown(fd, SHUT_WR);
			else if (r < 0 && errno != EAGAIN)
				sent = size;	/* the server closed on a bad request */
		}
		if (p.revents & (POLLIN | POLLHUP)) {
			r = recv(fd, reply + got, sizeof(reply) - got, MSG_DONTWAIT);
			if (r == 0 || (r < 0 && errno != EAGAIN))
				break;
			if (r > 0)
				got = (got + (size_t)r) % (sizeof(reply) - 1);	/* keep the tail */
		}
	}
	close(fd);
	/* Whatever was answered ends with an errno line and a blank line. */
	if (got && (got < 9 || memcmp(reply + got - 2, "\n\n", 2))) {
		fprintf(stderr, "reply: %.*s|\n", (int)got, reply);
		abort();
	}
	return 0;
}
