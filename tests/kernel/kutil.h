/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers for the tests that run inside the VM: shell commands, and a
 * printer of a wg_device in `wg showconf`'s format so that what the library
 * reads can be compared with what wg(8) prints, as text.
 */
#ifndef WG_KUTIL_H
#define WG_KUTIL_H

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <wireguard.h>

/* Run a shell command; its exit status, or -1. */
static inline int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* A shell command's standard output (malloc'd, NUL-terminated), or NULL. */
static inline char *sh_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline char *sh_out(const char *fmt, ...)
{
	char cmd[4096], *buf = NULL;
	size_t len = 0, cap = 0, n;
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	if (!f)
		return NULL;
	do {
		if (len + 65536 + 1 > cap) {
			cap = (cap + 65536) * 2;
			buf = realloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	buf[len] = '\0';
	if (pclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

/* The device as `wg showconf` prints it (our own printer, same format). */
static inline char *conf_text(const wg_device *dev)
{
	char *out = NULL, ip[INET6_ADDRSTRLEN];
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	wg_key_b64_string b64;
	const wg_peer *peer;
	const wg_allowedip *aip;

	fprintf(f, "[Interface]\n");
	if (dev->listen_port)
		fprintf(f, "ListenPort = %u\n", dev->listen_port);
	if (dev->fwmark)
		fprintf(f, "FwMark = 0x%x\n", dev->fwmark);
	if (dev->flags & WGDEVICE_HAS_PRIVATE_KEY) {
		wg_key_to_base64(b64, dev->private_key);
		fprintf(f, "PrivateKey = %s\n", b64);
	}
	fprintf(f, "\n");
	wg_for_each_peer(dev, peer) {
		wg_key_to_base64(b64, peer->public_key);
		fprintf(f, "[Peer]\nPublicKey = %s\n", b64);
		if (peer->flags & WGPEER_HAS_PRESHARED_KEY) {
			wg_key_to_base64(b64, peer->preshared_key);
			fprintf(f, "PresharedKey = %s\n", b64);
		}
		if (peer->first_allowedip)
			fprintf(f, "AllowedIPs = ");
		wg_for_each_allowedip(peer, aip) {
			inet_ntop(aip->family, aip->family == AF_INET ? (const void *)&aip->ip4 : (const void *)&aip->ip6,
				  ip, sizeof(ip));
			fprintf(f, "%s/%u%s", ip, aip->cidr, aip->next_allowedip ? ", " : "\n");
		}
		if (peer->endpoint.addr.sa_family == AF_INET || peer->endpoint.addr.sa_family == AF_INET6) {
			char host[256], serv[32];
			socklen_t alen = peer->endpoint.addr.sa_family == AF_INET ? sizeof(struct sockaddr_in)
										 : sizeof(struct sockaddr_in6);

			if (!getnameinfo(&peer->endpoint.addr, alen, host, sizeof(host), serv, sizeof(serv),
					 NI_DGRAM | NI_NUMERICSERV | NI_NUMERICHOST))
				fprintf(f, strchr(host, ':') ? "Endpoint = [%s]:%s\n" : "Endpoint = %s:%s\n", host, serv);
		}
		if (peer->persistent_keepalive_interval)
			fprintf(f, "PersistentKeepalive = %u\n", peer->persistent_keepalive_interval);
		if (peer->next_peer)
			fprintf(f, "\n");
	}
	fclose(f);
	return out;
}

/* The text of a device read back through the library, or NULL. */
static inline char *lib_text(const char *name)
{
	wg_device *dev;
	char *text;

	if (wg_get_device(&dev, name) < 0)
		return NULL;
	text = conf_text(dev);
	wg_free_device(dev);
	return text;
}

static inline bool text_equal(const char *what, const char *got, const char *want)
{
	if (got && want && !strcmp(got, want))
		return true;
	fprintf(stderr, "%s differ:\n--- got\n%.2000s\n--- want\n%.2000s\n", what, got ? got : "(null)",
		want ? want : "(null)");
	return false;
}

static inline void rand_key(wg_key key)
{
	wg_generate_preshared_key(key);
}

static inline wg_allowedip *add_aip(wg_peer *peer, int family, const char *addr, uint8_t cidr)
{
	wg_allowedip *aip = wg_peer_add_allowedip(peer);

	aip->family = (uint16_t)family;
	inet_pton(family, addr, family == AF_INET ? (void *)&aip->ip4 : (void *)&aip->ip6);
	aip->cidr = cidr;
	return aip;
}

#endif
