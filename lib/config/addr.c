// SPDX-License-Identifier: LGPL-2.1-or-later
/* Endpoints and allowed-IP prefixes as text (see addr.h). */
#include <stdio.h>
#include <stdlib.h>

#include "addr.h"
#include "error.h"
#include "os_net.h"
#include "util.h"

static int parse_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;

	if (!*s || strlen(s) > 5)
		return -EINVAL;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

static int resolve(wg_endpoint *ep, const char *host, int ai_flags)
{
	struct addrinfo hints = {
		.ai_family = AF_UNSPEC,
		.ai_socktype = SOCK_DGRAM,
		.ai_protocol = IPPROTO_UDP,
		.ai_flags = ai_flags,
	}, *res, *ai;
	int ret = -EINVAL;

	if (getaddrinfo(host, NULL, &hints, &res))
		return -EINVAL;
	for (ai = res; ai; ai = ai->ai_next) {
		if ((ai->ai_family == AF_INET && ai->ai_addrlen == sizeof(struct sockaddr_in)) ||
		    (ai->ai_family == AF_INET6 && ai->ai_addrlen == sizeof(struct sockaddr_in6))) {
			memset(ep, 0, sizeof(*ep));
			memcpy(ep, ai->ai_addr, ai->ai_addrlen);
			ret = 0;
			break;
		}
	}
	freeaddrinfo(res);
	return ret;
}

int wg_endpoint_parse(wg_endpoint *ep, const char *s, int flags)
{
	/* Zeroed: Frama-C's Eva (tests/proof/eva_uapi_keys.c) then sees the
	 * string end inside the array whatever hlen is. */
	char host[NI_MAXHOST] = "";
	const char *port_str, *end;
	wg_endpoint tmp;
	uint16_t port = 0;
	size_t hlen;

	if (s[0] == '[') {
		end = strchr(s, ']');
		if (!end || end[1] != ':')
			return -EINVAL;
		hlen = (size_t)(end - s - 1);
		s++;
		port_str = end + 2;
	} else {
		end = strrchr(s, ':');
		if (!end)
			return -EINVAL;
		hlen = (size_t)(end - s);
		port_str = end + 1;
	}
	if (!hlen || hlen >= sizeof(host) || parse_port(port_str, &port))
		return -EINVAL;
	memcpy(host, s, hlen);
	host[hlen] = '\0';
	/* Numeric first: no DNS traffic for the common case. */
	if (resolve(&tmp, host, AI_NUMERICHOST)) {
		if ((flags & ADDR_NUMERIC) || resolve(&tmp, host, AI_ADDRCONFIG))
			return -EINVAL;
	}
	if (tmp.addr.sa_family == AF_INET)
		tmp.addr4.sin_port = htons(port);
	else
		tmp.addr6.sin6_port = htons(port);
	*ep = tmp;
	return 0;
}

bool wg_endpoint_equal(const wg_endpoint *a, const wg_endpoint *b)
{
	if (a->addr.sa_family != b->addr.sa_family)
		return false;
	if (a->addr.sa_family == AF_INET)
		return a->addr4.sin_port == b->addr4.sin_port &&
		       a->addr4.sin_addr.s_addr == b->addr4.sin_addr.s_addr;
	if (a->addr.sa_family == AF_INET6)
		return a->addr6.sin6_port == b->addr6.sin6_port &&
		       a->addr6.sin6_scope_id == b->addr6.sin6_scope_id &&
		       !memcmp(&a->addr6.sin6_addr, &b->addr6.sin6_addr, sizeof(struct in6_addr));
	return true;
}

void wg_endpoint_copy(wg_endpoint *dst, const wg_endpoint *src)
{
	memset(dst, 0, sizeof(*dst));
	if (src->addr.sa_family == AF_INET)
		dst->addr4 = src->addr4;
	else if (src->addr.sa_family == AF_INET6)
		dst->addr6 = src->addr6;
}

void wg_endpoint_format(char buf[WG_ENDPOINT_STRLEN], const wg_endpoint *ep)
{
	char host[NI_MAXHOST], serv[NI_MAXSERV];
	socklen_t len;

	buf[0] = '\0';
	if (ep->addr.sa_family == AF_INET)
		len = sizeof(struct sockaddr_in);
	else if (ep->addr.sa_family == AF_INET6)
		len = sizeof(struct sockaddr_in6);
	else
		return;
	/* getnameinfo() is what wg(8) uses; its scope suffix ("%eth0" or "%3")
	 * is then identical to `wg showconf`'s. */
	if (getnameinfo(&ep->addr, len, host, sizeof(host), serv, sizeof(serv),
			NI_DGRAM | NI_NUMERICHOST | NI_NUMERICSERV))
		return;
	if (ep->addr.sa_family == AF_INET6 && strchr(host, ':'))
		snprintf(buf, WG_ENDPOINT_STRLEN, "[%.*s]:%s", 96, host, serv);
	else
		snprintf(buf, WG_ENDPOINT_STRLEN, "%.*s:%s", 96, host, serv);
}

int wg_prefix_parse(wg_allowedip *aip, const char *s, int flags)
{
	char ip[INET6_ADDRSTRLEN] = "";	/* as host[] above */
	const char *slash = strchr(s, '/');
	size_t iplen = slash ? (size_t)(slash - s) : strlen(s);
	unsigned long cidr = 0;
	uint16_t family;
	union {
		struct in_addr v4;
		struct in6_addr v6;
	} a;

	if (!iplen || iplen >= sizeof(ip))
		return -EINVAL;
	memcpy(ip, s, iplen);
	ip[iplen] = '\0';
	if (strchr(ip, ':')) {
		if (inet_pton(AF_INET6, ip, &a.v6) != 1)
			return -EINVAL;
		family = AF_INET6;
	} else {
		if (inet_pton(AF_INET, ip, &a.v4) != 1)
			return -EINVAL;
		family = AF_INET;
	}
	if (slash) {
		const char *p = slash + 1;

		if (!*p || strlen(p) > 3)
			return -EINVAL;
		for (; *p; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			cidr = cidr * 10 + (unsigned long)(*p - '0');
		}
		if (cidr > (family == AF_INET ? 32U : 128U))
			return -EINVAL;
	} else if (flags & ADDR_REQUIRE_CIDR) {
		return -EINVAL;
	} else {
		cidr = family == AF_INET ? 32 : 128;
	}
	aip->family = family;
	if (family == AF_INET)
		aip->ip4 = a.v4;
	else
		aip->ip6 = a.v6;
	aip->cidr = (uint8_t)cidr;
	return 0;
}

void wg_prefix_format(char buf[WG_PREFIX_STRLEN], const wg_allowedip *aip)
{
	char ip[INET6_ADDRSTRLEN];

	if (!inet_ntop(aip->family, aip->family == AF_INET ? (const void *)&aip->ip4 :
		       (const void *)&aip->ip6, ip, sizeof(ip))) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, WG_PREFIX_STRLEN, "%s/%u", ip, aip->cidr);
}

static uint8_t *prefix_bytes(wg_allowedip *aip, size_t *n)
{
	*n = aip->family == AF_INET ? 4 : 16;
	return aip->family == AF_INET ? (uint8_t *)&aip->ip4 : (uint8_t *)&aip->ip6;
}

bool wg_prefix_has_host_bits(const wg_allowedip *aip)
{
	wg_allowedip m = *aip;

	wg_prefix_mask(&m);
	return aip->family == AF_INET ? memcmp(&m.ip4, &aip->ip4, 4) != 0 :
					memcmp(&m.ip6, &aip->ip6, 16) != 0;
}

void wg_prefix_mask(wg_allowedip *aip)
{
	size_t n, cidr = aip->cidr;
	uint8_t *b = prefix_bytes(aip, &n);

	for (size_t i = 0; i < n; i++) {
		if (cidr >= 8)
			cidr -= 8;
		else {
			b[i] &= (uint8_t)(0xff00 >> cidr);
			cidr = 0;
		}
	}
}
