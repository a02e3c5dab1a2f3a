/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The UAPI text protocol (wireguard-go, boringtun, wg(8), our engine):
 * "key=value\n" lines, hex keys, a blank line ends a request, a reply ends
 * with "errno=N\n\n".  Both directions live here, so that the client
 * (uapi.c) and the engine's server share one parser and one printer.
 */
#ifndef WG_UAPI_TEXT_H
#define WG_UAPI_TEXT_H

#include <stdio.h>

#include <wireguard.h>

/*
 * Client side.  Write the body of a "set=1" request for dev (without the
 * "set=1\n" line and the final blank line), honouring every flag.
 */
int uapi_text_format_set(FILE *out, const wg_device *dev);
/* Parse the key=value lines of a "get=1" reply (up to, not including, errno=). */
int uapi_text_parse_get(const char *text, size_t len, wg_device **dev);

/*
 * Server side.  Parse a "set=1" request body into a wg_device whose flags
 * say what to apply (as wg_set_device() takes it); -EINVAL with a message on
 * any malformed or unknown line, with nothing allocated.
 */
int uapi_text_parse_set(const char *text, size_t len, wg_device **dev);
/* Write the reply body of "get=1" for dev (without "errno=0"). */
int uapi_text_format_get(FILE *out, const wg_device *dev);

#endif
