// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <time.h>

#include "sockio.h"

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t wg_sock_deadline(int timeout_ms)
{
	return timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
}

int wg_sock_wait(int fd, short events, int64_t deadline, int stop_fd)
{
	struct pollfd pfd[2] = {
		{ .fd = fd, .events = events },
		{ .fd = stop_fd, .events = POLLIN },	/* poll ignores fd -1 */
	};

	for (;;) {
		int64_t left = deadline < 0 ? -1 : deadline - now_ms();
		int r;

		if (deadline >= 0 && left < 0)
			left = 0;
		r = poll(pfd, 2, left > 1 << 30 ? 1 << 30 : (int)left);
		if (r > 0)
			return pfd[1].revents ? -ECANCELED : 0;
		if (r == 0) {
			if (deadline >= 0 && now_ms() >= deadline)
				return -ETIMEDOUT;
			continue;	/* a wait longer than poll's int */
		}
		if (errno != EINTR)
			return -errno;
	}
}

int wg_sock_send_all(int fd, const void *buf, size_t len, int64_t deadline, int stop_fd)
{
	const char *p = buf;

	while (len) {
		ssize_t w = send(fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0) {
			int ret;

			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				return -errno;
			ret = wg_sock_wait(fd, POLLOUT, deadline, stop_fd);
			if (ret)
				return ret;
			continue;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}
