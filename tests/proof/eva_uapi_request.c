/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eva harness for lib/tunnel/uapi_request.c, the UAPI server's framing of
 * requests (uapi_server.c hands it the socket's reads and takes the
 * requests): the real uapi_request_serve() and uapi_request_op(), fed any
 * bytes in any split into reads (each read any 0..room bytes of any value,
 * or EOF, or a failure) for as long as the connection lasts (any number of
 * reads and requests), each request handled successfully or not, and the
 * set's body handed to the parser under the precondition its own proofs
 * start from.  The buffer's sizes are set small on the command line
 * (-DUAPI_REQUEST_FIRST=4 -DUAPI_REQUEST_MAX=16: it grows twice, 4 -> 8 ->
 * 16, and a request of 16 bytes or more is refused; docs/PROOFS.md) so
 * that Eva follows every length exactly.
 */
#include <limits.h>

#include "__fc_builtin.h"
#include "uapi_request.h"
#include "uapi_text.h"

/* The parser (lib/config/uapi_text.c) as the framing may call it: any
 * text readable for len bytes.  Its own proofs (uapi-lines-eva,
 * uapi-keys-eva) take over from there. */
/*@ requires \valid_read(text + (0 .. len - 1));
    requires \valid(out);
    assigns *out, \result \from text[0 .. len - 1], len; */
int uapi_text_parse_set(const char *text, size_t len, wg_device **out);

/* The socket: any number of bytes that fit, EOF, or a failure.  It writes
 * the whole room (so Eva checks the room handed out is writable) with any
 * bytes: Eva would otherwise join the contents of reads of different
 * lengths at the return through the function pointer.  So a read of bytes
 * past those received would not be caught as uninitialised here (it would
 * still be caught if past the buffer). */
static ssize_t read_any(void *ctx, char *buf, size_t room, int64_t deadline)
{
	(void)ctx;
	(void)deadline;
	Frama_C_make_unknown(buf, room);
	return Frama_C_interval(-1, (int)room);
}

static int64_t deadline_any(void *ctx)
{
	(void)ctx;
	return Frama_C_interval(0, INT_MAX);
}

/* uapi_server.c's handle(): the operation, then the set's parser on the
 * body (get and subscribe only test that the body is empty). */
static int handle_any(void *ctx, const char *req, size_t len)
{
	const char *body;
	size_t body_len;
	wg_device *dev = NULL;

	(void)ctx;
	if (uapi_request_op(req, len, &body, &body_len) == UAPI_OP_SET)
		(void)uapi_text_parse_set(body, body_len, &dev);
	return Frama_C_interval(-1, 0);
}

static const struct uapi_request_io io = {
	.read = read_any,
	.deadline = deadline_any,
	.handle = handle_any,
};

int main(void)
{
	return uapi_request_serve(&io, NULL);
}
