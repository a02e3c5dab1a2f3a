// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The UAPI server (lib/tunnel/uapi_server.c) as a client reaches it: each
 * input is written to a connection of a running server whose tunnel has an
 * engine but no TUN and no sockets (a listen_port change fails with EINVAL,
 * which exercises the undo path).  The server frames requests at blank
 * lines, dispatches get/set, parses a set strictly and applies it.  Every
 * reply must end with an errno= line.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend.h"
#include "tunnel.h"

static struct wg_tunnel tunnel;
static struct wg_uapi_server *server;
static struct sockaddr_un addr = { .sun_family = AF_UNIX };

static void no_send(const struct wg_packet *p, size_t n, void *ctx)
{
	(void)p, (void)n, (void)ctx;
}

static void stop(void)
{
	wg_uapi_server_stop(server);
	wg_engine_free(tunnel.engine);
}

static void setup(void)
{
	struct wg_engine_options o = { .size = sizeof(o), .send = no_send };

	if (wg_engine_new(&tunnel.engine, &o))
		abort();
	snprintf(tunnel.name, sizeof(tunnel.name), "wgfz%d", (int)getpid() % 100000);
	pthread_rwlock_init(&tunnel.udp_lock, NULL);
	pthread_mutex_init(&tunnel.config_lock, NULL);
	for (int i = 0; i < WG_TUNNEL_MAX_THREADS; i++)
		tunnel.udp.fd4[i] = tunnel.udp.fd6[i] = -1;
	tunnel.workers_stop_efd = eventfd(0, EFD_CLOEXEC);
	tunnel.stop_efd = tunnel.stopped_efd = -1;
	if (wg_uapi_server_start(&server, &tunnel, tunnel.name)) {
		fprintf(stderr, "cannot start a UAPI server (%s): run as root\n", wg_last_error());
		exit(77);
	}
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/%s.sock", WG_UAPI_SOCKET_DIR, tunnel.name);
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
	wg_engine_set_device(tunnel.engine, empty);
	wg_free_device(empty);

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		abort();
	/* Write and read at once: pipelined gets are answered while we write. */
	for (;;) {
		struct pollfd p = { .fd = fd, .events = POLLIN | (sent < size ? POLLOUT : 0) };
		ssize_t r;

		if (poll(&p, 1, 10000) <= 0)
			abort();	/* the server hangs */
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
		if (!size && !sent) {
			shutdown(fd, SHUT_WR);
			sent = 1;
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
