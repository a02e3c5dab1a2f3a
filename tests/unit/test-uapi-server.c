// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The UAPI server (lib/tunnel/uapi_server.c) with fake operations in a
 * temporary directory: no root, no tunnel, so it runs under ASan and UBSan.
 * Clients that stall (idle, slowloris, never reading, 200 at once) must not
 * delay another client's get by 100 ms; stopping must not wait for them;
 * sets run one at a time, gets in parallel; errno is sent negative; a
 * request ended by EOF is applied.  The library's own UAPI client talks to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "error.h"
#include "test.h"
#include "uapi.h"
#include "uapi_server.h"

static char sockdir[] = "/tmp/wg-uapi-server-XXXXXX";
static struct sockaddr_un addr = { .sun_family = AF_UNIX };

/* The fakes: a device whose port the sets change, and counters of how many
 * operations run at once. */
static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;
static uint16_t fake_port = 1000;
static int gets_now, gets_max, sets_now, sets_max;
static int get_sleep_ms, set_fail;

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void enter(int *n, int *max)
{
	pthread_mutex_lock(&fake_lock);
	if (++*n > *max)
		*max = *n;
	pthread_mutex_unlock(&fake_lock);
}

static void leave(int *n)
{
	pthread_mutex_lock(&fake_lock);
	--*n;
	pthread_mutex_unlock(&fake_lock);
}

static int fake_get(void *ctx, wg_device **dev)
{
	(void)ctx;
	enter(&gets_now, &gets_max);
	sleep_ms(__atomic_load_n(&get_sleep_ms, __ATOMIC_RELAXED));
	*dev = calloc(1, sizeof(**dev));
	if (*dev) {
		pthread_mutex_lock(&fake_lock);
		(*dev)->listen_port = fake_port;
		pthread_mutex_unlock(&fake_lock);
		(*dev)->flags = WGDEVICE_HAS_LISTEN_PORT;
	}
	leave(&gets_now);
	return *dev ? 0 : wg_error(ENOMEM, "out of memory");
}

static int fake_set(void *ctx, const wg_device *dev)
{
	int ret = 0;

	(void)ctx;
	enter(&sets_now, &sets_max);
	sleep_ms(2);
	if (set_fail)
		ret = wg_error(EADDRINUSE, "UDP port %u is in use", dev->listen_port);
	else if (dev->flags & WGDEVICE_HAS_LISTEN_PORT) {
		pthread_mutex_lock(&fake_lock);
		fake_port = dev->listen_port;
		pthread_mutex_unlock(&fake_lock);
	}
	leave(&sets_now);
	return ret;
}

static const struct wg_uapi_ops fake_ops = { .get = fake_get, .set = fake_set };

static int dial(void)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A raw request; the reply (up to its blank line or EOF) into out. */
static size_t raw(const char *req, bool shut, char *out, size_t cap)
{
	size_t len = strlen(req);
	int fd = dial();
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return 0;
	if (write(fd, req, len) != (ssize_t)len)
		len = 0;
	if (shut)
		shutdown(fd, SHUT_WR);
	while (n + 1 < cap && (r = read(fd, out + n, cap - 1 - n)) > 0) {
		n += (size_t)r;
		if (n >= 2 && !memcmp(out + n - 2, "\n\n", 2))
			break;
	}
	out[n] = '\0';
	close(fd);
	return n;
}

/* Seconds for one get through the library's client. */
static double timed_get(void)
{
	double t0 = now();
	wg_device *dev = NULL;
	int ret = uapi_get_device(&dev, "wgt0");

	wg_free_device(dev);
	return ret ? 99.0 : now() - t0;
}

static double worst_get(void)
{
	double worst = 0;

	for (int i = 0; i < 5; i++) {
		double t = timed_get();

		worst = t > worst ? t : worst;
	}
	return worst;
}

static void *slowloris(void *arg)
{
	int fd = *(int *)arg;
	const char *req = "set=1\nlisten_port=7\n";

	for (const char *p = req; *p; p++) {
		if (write(fd, p, 1) != 1)
			break;
		sleep_ms(20);
	}
	return NULL;
}

static void *one_set(void *arg)
{
	wg_device dev = { .flags = WGDEVICE_HAS_LISTEN_PORT, .listen_port = (uint16_t)(uintptr_t)arg };

	strcpy(dev.name, "wgt0");
	return (void *)(intptr_t)uapi_set_device(&dev);
}

static void *one_get(void *arg)
{
	(void)arg;
	return (void *)(intptr_t)(timed_get() < 10 ? 0 : -1);
}

static void test_errors_and_eof(void)
{
	char out[512];

	set_fail = 1;
	raw("set=1\nlisten_port=5\n\n", false, out, sizeof(out));
	CHECK(!strcmp(out, "errno=-98\n\n"));	/* wireguard-go's sign */
	set_fail = 0;
	raw("set=1\nlisten_port=5\n", true, out, sizeof(out));
	CHECK(!strcmp(out, "errno=0\n\n"));	/* EOF ends the request */
	CHECK(fake_port == 5);
	raw("set=1\nlisten_port=6", true, out, sizeof(out));
	CHECK(!strcmp(out, "errno=0\n\n"));	/* ... even mid-line */
	CHECK(fake_port == 6);
	raw("get=1\n", true, out, sizeof(out));
	CHECK(!strcmp(out, "listen_port=6\nerrno=0\n\n"));
	raw("get=1", true, out, sizeof(out));
	CHECK(!strcmp(out, "listen_port=6\nerrno=0\n\n"));
	raw("get=1\nx=1\n\n", false, out, sizeof(out));
	CHECK(!strcmp(out, "errno=-22\n\n"));
	raw("bogus=1\n\n", false, out, sizeof(out));
	CHECK(!strcmp(out, "errno=-22\n\n"));
	/* Two pipelined requests on one connection, both answered. */
	raw("get=1\n\nget=1\n\n", true, out, sizeof(out));
	CHECK(!strcmp(out, "listen_port=6\nerrno=0\n\n"));	/* read stops at the first */
}

/* A request many times the server's first buffer (4 KiB), which grows to
 * take it whole (lib/tunnel/uapi_request.c), then one after it on the same
 * connection in the buffer's leftover. */
static void test_large(void)
{
	static char req[70000];
	char out[512];
	size_t n = 0;

	n += (size_t)snprintf(req + n, sizeof(req) - n, "set=1\n");
	while (n + 64 < sizeof(req))
		n += (size_t)snprintf(req + n, sizeof(req) - n, "listen_port=%zu\n", 1000 + n % 1000);
	n += (size_t)snprintf(req + n, sizeof(req) - n, "listen_port=7\n\nget=1\n\n");
	raw(req, true, out, sizeof(out));
	CHECK(!strcmp(out, "errno=0\n\n"));
	CHECK(fake_port == 7);
}

static void test_order(void)
{
	pthread_t th[40];
	int bad = 0;

	gets_max = sets_max = 0;
	get_sleep_ms = 30;
	for (uintptr_t i = 0; i < 40; i++)
		pthread_create(&th[i], NULL, i % 2 ? one_get : one_set, (void *)(2000 + i));
	for (int i = 0; i < 40; i++) {
		void *r;

		pthread_join(th[i], &r);
		bad += r != NULL;
	}
	get_sleep_ms = 0;
	CHECK(bad == 0);
	CHECK(sets_max == 1);	/* writers one at a time */
	CHECK(gets_max > 1);	/* readers in parallel */
	CHECK(fake_port >= 2000 && fake_port < 2040 && fake_port % 2 == 0);
}

int main(void)
{
	struct wg_uapi_server *server;
	int idle, slow, stuck, many[200], refused = 0, ret;
	pthread_t slow_thread;
	double t, t0;

	signal(SIGPIPE, SIG_IGN);
	if (!mkdtemp(sockdir))
		return 1;
	uapi_socket_dir = sockdir;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/wgt0.sock", sockdir);
	ret = wg_uapi_server_start(&server, &fake_ops, NULL, sockdir, "wgt0");
	CHECK(ret == 0);
	if (ret)
		return test_done();

	test_errors_and_eof();
	test_large();
	test_order();
	timed_get();

	idle = dial();
	t = worst_get();
	CHECK(t < 0.1);
	if (t >= 0.1)
		fprintf(stderr, "idle: %.1f ms\n", t * 1000);

	slow = dial();
	pthread_create(&slow_thread, NULL, slowloris, &slow);
	sleep_ms(50);
	t = worst_get();
	CHECK(t < 0.1);
	if (t >= 0.1)
		fprintf(stderr, "slowloris: %.1f ms\n", t * 1000);
	pthread_join(slow_thread, NULL);

	/* Pipelined gets never read: the server's replies fill the buffers
	 * until it stops reading ours. */
	stuck = dial();
	fcntl(stuck, F_SETFL, O_NONBLOCK);
	t0 = now();
	for (double last = now(); now() - last < 0.3 && now() - t0 < 5;) {
		if (write(stuck, "get=1\n\nget=1\n\nget=1\n\nget=1\n\n", 28) > 0)
			last = now();
		else
			sleep_ms(5);
	}
	CHECK(now() - t0 < 5);
	t = worst_get();
	CHECK(t < 0.1);
	if (t >= 0.1)
		fprintf(stderr, "stuck reader: %.1f ms\n", t * 1000);

	for (int i = 0; i < 200; i++) {
		many[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (many[i] < 0 || connect(many[i], (struct sockaddr *)&addr, sizeof(addr)) < 0)
			refused++;
	}
	CHECK(refused == 0);
	t = worst_get();
	CHECK(t < 0.1);
	if (t >= 0.1)
		fprintf(stderr, "200 connections: %.1f ms\n", t * 1000);

	/* Stopping does not wait for the stuck client. */
	t0 = now();
	wg_uapi_server_stop(server);
	t = now() - t0;
	CHECK(t < 1.0);
	if (t >= 1.0)
		fprintf(stderr, "stop: %.1f ms\n", t * 1000);
	CHECK(access(addr.sun_path, F_OK) < 0);	/* the socket is gone */

	close(idle);
	close(slow);
	close(stuck);
	for (int i = 0; i < 200; i++)
		if (many[i] >= 0)
			close(many[i]);
	rmdir(sockdir);
	return test_done();
}
