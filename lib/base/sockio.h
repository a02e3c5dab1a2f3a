/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Stream socket I/O with a deadline and a way out, shared by the UAPI client
 * (backend/uapi.c) and server (tunnel/uapi_server.c): neither may hang on a
 * peer that stops reading or writing.  Nothing here sets an error message;
 * callers word it.
 */
#ifndef WG_SOCKIO_H
#define WG_SOCKIO_H

#include <stddef.h>
#include <stdint.h>

/* A deadline for wg_sock_*: now + timeout_ms; -1 (never) when timeout_ms < 0. */
int64_t wg_sock_deadline(int timeout_ms);

/*
 * Wait until fd is ready for events (POLLIN/POLLOUT), until the CLOCK_MONOTONIC
 * millisecond deadline (-1: none) or until stop_fd (-1: none) is readable.
 * Returns 0 when ready, -ETIMEDOUT, -ECANCELED (stop_fd) or -errno of poll.
 */
int wg_sock_wait(int fd, short events, int64_t deadline, int stop_fd);

/*
 * Send all of buf on a (blocking or non-blocking) stream socket, never
 * raising SIGPIPE; while the socket is full, wait as wg_sock_wait does.
 * Returns 0, -ETIMEDOUT, -ECANCELED or -errno of send (-EPIPE: the peer left).
 */
int wg_sock_send_all(int fd, const void *buf, size_t len, int64_t deadline, int stop_fd);

#endif
