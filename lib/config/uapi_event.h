/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Our extension of the UAPI protocol: "subscribe=1" (docs/uapi-subscribe.md).
 * The daemon answers "errno=0" and then keeps the connection open, writing
 * one block per event, each ended by a blank line:
 *
 *   event=handshake|endpoint|unreachable|session_expired
 *   public_key=<64 hex digits>
 *   endpoint=<host:port>          (endpoint only)
 *   time=<seconds>.<nanoseconds>  (wall clock at the daemon)
 *
 *   event=changed                 (the configuration was set: read it again)
 *
 * Both sides share this printer and parser.
 */
#ifndef WG_UAPI_EVENT_H
#define WG_UAPI_EVENT_H

#include <wireguard.h>

/* Larger than any block. */
#define UAPI_EVENT_MAX 320

/* An engine event (ev), or a configuration change (ev NULL); the length. */
size_t uapi_event_format(char buf[UAPI_EVENT_MAX], const struct wg_event *ev,
			 const struct wg_timespec64 *time);

/* One block without its blank line: 1 for an engine event in *ev (time in
 * *time), 0 for "changed", -EINVAL for anything else (unknown events are
 * for later versions: callers skip them). */
int uapi_event_parse(const char *block, size_t len, struct wg_event *ev, struct wg_timespec64 *time);

#endif
