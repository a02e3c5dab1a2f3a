/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The backends behind wg_get_device() and friends.  ipc.c chooses one per
 * device name the way wg(8) does: a UAPI socket wins, otherwise the kernel.
 * Each returns 0 or a negative errno after calling wg_error().
 */
#ifndef WG_BACKEND_H
#define WG_BACKEND_H

#include <wireguard.h>

#include "name_list.h"

/* kernel: generic netlink "wireguard" and rtnetlink (netlink.c, rtnetlink.c) */
int kernel_get_device(wg_device **dev, const char *name);
int kernel_set_device(wg_device *dev);
int kernel_add_device(const char *name);
int kernel_del_device(const char *name);
int kernel_list_device_names(struct name_list *list);

/* userspace: the UAPI text protocol over /var/run/wireguard/NAME.sock (uapi.c) */
#define WG_UAPI_SOCKET_DIR "/var/run/wireguard"
bool uapi_has_device(const char *name);
int uapi_get_device(wg_device **dev, const char *name);
int uapi_set_device(wg_device *dev);
int uapi_list_device_names(struct name_list *list);
/*
 * For clients that wait in their own event loop (the watch): a non-blocking
 * connection to NAME's socket (with wait, a full backlog is waited for up to
 * the timeout; without, it fails with -EAGAIN), and the end of a reply in
 * sb: 1 when complete (*body_len bytes of key=value lines, *err the
 * daemon's errno made positive), 0 when more is due, or -EPROTO.  scanned:
 * bytes of sb already searched.
 */
struct strbuf;
int uapi_connect(const char *name, bool wait);
int uapi_reply_end(const struct strbuf *sb, size_t scanned, size_t *body_len, int *err,
		   const char *name);

#endif
