// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The UAPI client's reply path (lib/backend/uapi.c) as a daemon reaches
 * it: a thread plays the daemon on a socket in a private directory and
 * answers "get=1" with the input.  The client finds the reply's end and its
 * errno line, then parses the body; a device comes back or an error, and
 * what comes back prints as UAPI text.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "backend.h"
#include "strbuf.h"
#include "uapi.h"
#include "uapi_text.h"

static int listen_fd = -1;
static const uint8_t *reply;
static size_t reply_len;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int turn;	/* 1: the daemon answers one connection; 0: done */
static char dir[] = "/tmp/wg-fuzz-uapi-XXXXXX", path[108];

static void *daemon_main(void *arg)
{
	(void)arg;
	for (;;) {
		char req[64];
		int fd = accept(listen_fd, NULL, NULL);

		if (fd < 0)
			continue;
		pthread_mutex_lock(&lock);
		/* Read the request ("get=1\n\n") whole, then answer and hang up. */
		for (size_t n = 0; n < 7;) {
			ssize_t r = read(fd, req + n, sizeof(req) - n);

			if (r <= 0)
				break;
			n += (size_t)r;
		}
		for (size_t off = 0; off < reply_len;) {
			ssize_t r = send(fd, reply + off, reply_len - off, MSG_NOSIGNAL);

			if (r <= 0)
				break;
			off += (size_t)r;
		}
		close(fd);
		turn = 0;
		pthread_cond_signal(&cond);
		pthread_mutex_unlock(&lock);
	}
	return NULL;
}

static void cleanup(void)
{
	unlink(path);
	rmdir(dir);
}

static void setup(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	pthread_t t;

	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof(path), "%s/fz.sock", dir);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (listen_fd < 0 || bind(listen_fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(listen_fd, 4) < 0)
		abort();
	atexit(cleanup);
	uapi_socket_dir = dir;
	uapi_timeout_ms = 5000;
	if (pthread_create(&t, NULL, daemon_main, NULL))
		abort();
	pthread_detach(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	wg_device *dev = NULL;

	if (listen_fd < 0)
		setup();
	pthread_mutex_lock(&lock);
	reply = data;
	reply_len = size;
	turn = 1;
	pthread_mutex_unlock(&lock);
	if (uapi_get_device(&dev, "fz") == 0) {
		struct strbuf sb = { 0 };
		FILE *f = strbuf_fopen(&sb);
		char *s = NULL;

		if (!dev || !f)
			abort();
		if (uapi_text_format_get(f, dev))
			abort();
		fclose(f);
		if (strbuf_finish(&sb, &s))
			abort();
		free(s);
		wg_free_device(dev);
	}
	/* The daemon is done with this input before the next replaces it. */
	pthread_mutex_lock(&lock);
	while (turn)
		pthread_cond_wait(&cond, &lock);
	pthread_mutex_unlock(&lock);
	return 0;
}
