/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The framing of UAPI requests on a connection (uapi_request.c): bytes in,
 * whole requests out, whatever pieces the bytes arrive in.  No socket and
 * no thread here: the server (uapi_server.c) hands in the reads and takes
 * the requests, so the framing alone is checked by Frama-C
 * (tests/proof/eva_uapi_request.c, docs/PROOFS.md).
 */
#ifndef WG_UAPI_REQUEST_H
#define WG_UAPI_REQUEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What a request begins with: its operation line. */
enum uapi_op { UAPI_OP_GET, UAPI_OP_SET, UAPI_OP_SUBSCRIBE, UAPI_OP_UNKNOWN };

/*
 * A request's operation; *body (and *body_len) are the lines after the
 * operation's, inside req.  UAPI_OP_UNKNOWN when no operation line matches
 * (then *body is req, *body_len len).
 */
enum uapi_op uapi_request_op(const char *req, size_t len, const char **body, size_t *body_len);

struct uapi_request_io {
	/* Up to room bytes into buf, waiting until deadline (-1: no limit):
	 * their number, 0 at EOF, < 0 to close the connection. */
	ssize_t (*read)(void *ctx, char *buf, size_t room, int64_t deadline);
	/* The deadline of a request begun now. */
	int64_t (*deadline)(void *ctx);
	/* One request: its lines, each ending in '\n' (the blank line not
	 * included); req stays valid only during the call.  < 0 to close. */
	int (*handle)(void *ctx, const char *req, size_t len);
};

/*
 * Read requests from io and hand each to io->handle, until EOF, a failed
 * read or a handle() < 0.  A request ends at its blank line, or at EOF (the
 * client shut down its sending side): the rest is then handled as a request
 * whose last line ends in '\n'.  Every byte read is wiped before it is
 * freed (requests carry keys).  Returns 0, -ENOMEM when the first buffer
 * cannot be allocated, or -EMSGSIZE when a request outgrows
 * UAPI_REQUEST_MAX bytes (or memory): the connection is then to be closed
 * with an error.
 */
int uapi_request_serve(const struct uapi_request_io *io, void *ctx);

#endif
