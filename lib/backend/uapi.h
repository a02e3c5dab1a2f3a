/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Tunables of the UAPI client (uapi.c), for tests. */
#ifndef WG_UAPI_H
#define WG_UAPI_H

/* Longest wait for the daemon to accept, read or answer anything, in ms. */
extern int uapi_timeout_ms;
/* The socket directory (WG_UAPI_SOCKET_DIR unless a test points it elsewhere). */
extern const char *uapi_socket_dir;

#endif
