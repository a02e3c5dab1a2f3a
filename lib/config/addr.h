/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Text forms of endpoints ("1.2.3.4:51820", "[fe80::1%eth0]:51820") and of
 * allowed-IP prefixes ("10.0.0.0/8"), shared by the config file and UAPI
 * code.  Parsers return 0 or -EINVAL and leave the message to the caller
 * (which knows the line); printers never fail for valid input.
 */
#ifndef WG_ADDR_H
#define WG_ADDR_H

#include <wireguard.h>

/* Room for "[" INET6_ADDRSTRLEN "%" scope "]:" NI_MAXSERV. */
#define WG_ENDPOINT_STRLEN 160
/* Room for INET6_ADDRSTRLEN "/128". */
#define WG_PREFIX_STRLEN 52

enum {
	ADDR_NUMERIC = 1 << 0,		/* never resolve host names */
	ADDR_REQUIRE_CIDR = 1 << 1,	/* "ip" alone is not a prefix */
};

/* Parse "host:port" / "[host]:port"; the port is decimal 0..65535. */
int wg_endpoint_parse(wg_endpoint *ep, const char *s, int flags);
/* Print as wg(8) does (getnameinfo, numeric); "" for no endpoint. */
void wg_endpoint_format(char buf[WG_ENDPOINT_STRLEN], const wg_endpoint *ep);
/* Same family, address, port (and IPv6 scope); two empty endpoints are equal. */
bool wg_endpoint_equal(const wg_endpoint *a, const wg_endpoint *b);
/* Copy an IPv4 or IPv6 endpoint, zeroing what its family leaves unused. */
void wg_endpoint_copy(wg_endpoint *dst, const wg_endpoint *src);
/* Parse "ip[/cidr]" into family, address and cidr (host bits kept). */
int wg_prefix_parse(wg_allowedip *aip, const char *s, int flags);
void wg_prefix_format(char buf[WG_PREFIX_STRLEN], const wg_allowedip *aip);
/* Whether the address has bits set beyond cidr; and clearing them. */
bool wg_prefix_has_host_bits(const wg_allowedip *aip);
void wg_prefix_mask(wg_allowedip *aip);

#endif
