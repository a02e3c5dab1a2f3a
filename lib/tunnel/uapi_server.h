/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The UAPI server (uapi_server.c): DIR/NAME.sock speaking wireguard-go's
 * text protocol.  It knows nothing of what it serves: it is handed the
 * operations, so a test serves fakes through it without a tunnel.
 */
#ifndef WG_UAPI_SERVER_H
#define WG_UAPI_SERVER_H

#include <wireguard.h>

/*
 * What the server serves.  It calls these from its connection threads: gets
 * may run at once with each other, a set runs alone (the server orders
 * them), so an implementation needs no lock of its own against the server.
 * Both return 0 or -errno with a message set (wg_error).
 */
struct wg_uapi_ops {
	/* get=1: the device as it is now, for the caller to free. */
	int (*get)(void *ctx, wg_device **dev);
	/* set=1: apply dev, all of it or (on failure) nothing. */
	int (*set)(void *ctx, const wg_device *dev);
	/* subscribe=1 (our extension, docs/uapi-subscribe.md), or NULL to refuse
	 * it as an unknown operation: fd, already answered "errno=0", is to
	 * receive event blocks (uapi_event.h) from now on (add) or no longer
	 * (!add, before the server closes it).  0 or -errno. */
	int (*subscribe)(void *ctx, int fd, bool add);
};

struct wg_uapi_server;
/* Serve dir/name.sock (dir is created if missing) with ops on ctx until stopped. */
int wg_uapi_server_start(struct wg_uapi_server **server, const struct wg_uapi_ops *ops, void *ctx,
			 const char *dir, const char *name);
/* Close every connection (stuck ones too: within milliseconds, unless an
 * operation is running), wait for their threads, remove the socket. */
void wg_uapi_server_stop(struct wg_uapi_server *server);

#endif
