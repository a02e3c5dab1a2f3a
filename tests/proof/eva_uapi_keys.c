/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eva harness for lib/config/uapi_text.c's key handlers, the part of both
 * parsers after the line splitter: parse_set_key() (server, "set=1"
 * request) and parse_get_key() (client, "get=1" reply), for a line whose
 * key is any string of up to KEY_MAX bytes and whose value is any string of
 * up to VALUE_MAX bytes (what eva_uapi_lines.c shows the splitter hands
 * them), before or after a peer's public_key line, once or twice in a row.
 * Run with the real allocation (config.c), address (addr.c) and key (key.c)
 * parsers.
 */
#include "__fc_builtin.h"
#include "uapi_text.c"
#include <limits.h>
#include <netdb.h>

#ifndef KEY_MAX
#define KEY_MAX 32
#endif
#ifndef VALUE_MAX
#define VALUE_MAX 80
#endif

/* Assumed (error.c records a message for the calling thread). */
/*@ assigns \result \from err;
    ensures \result == -err; */
int wg_error(int err, const char *fmt, ...);
/* Assumed (error.c hands a message to the log callback, if any). */
/*@ assigns \nothing; */
void wg_log(int level, const char *fmt, ...);
/* Assumed (crypto trusted). */
/*@ requires \valid(out + (0 .. 31)) && \valid_read(scalar + (0 .. 31));
    assigns out[0 .. 31] \from scalar[0 .. 31];
    assigns \result \from scalar[0 .. 31]; */
bool curve25519_generate_public(uint8_t out[32], const uint8_t scalar[32]);

/* Stub (libc): a numeric address converts (any bytes) or not; reads the string. */
int inet_pton(int af, const char *src, void *dst)
{
	(void)strlen(src);
	if (Frama_C_interval(0, 1))
		return 0;
	Frama_C_make_unknown(dst, af == AF_INET ? 4 : 16);
	return 1;
}

/* Stub (libc): the name converts to one IPv4 or IPv6 address (any), or not. */
int getaddrinfo(const char *restrict node, const char *restrict service,
		const struct addrinfo *restrict hints, struct addrinfo **restrict res)
{
	struct addrinfo *ai;

	(void)strlen(node);
	(void)service;
	(void)hints;
	if (Frama_C_interval(0, 1))
		return EAI_NONAME;
	ai = calloc(1, sizeof(*ai));
	if (!ai)
		return EAI_MEMORY;
	/* Room for either family, filled with anything. */
	ai->ai_addr = malloc(sizeof(struct sockaddr_in6));
	if (!ai->ai_addr) {
		free(ai);
		return EAI_MEMORY;
	}
	Frama_C_make_unknown((char *)ai->ai_addr, sizeof(struct sockaddr_in6));
	ai->ai_family = Frama_C_interval(0, 1) ? AF_INET6 : AF_INET;
	ai->ai_addrlen = ai->ai_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	ai->ai_addr->sa_family = (sa_family_t)ai->ai_family;
	*res = ai;
	return 0;
}

void freeaddrinfo(struct addrinfo *ai)
{
	free(ai->ai_addr);
	free(ai);
}

/* Stub (libc string.h, whose strrchr Eva only knows by its contract): the
 * last c in s, as C says; analysed with the code. */
char *strrchr(const char *s, int c)
{
	const char *last = NULL;
	size_t n = strlen(s);

	for (size_t i = 0; i <= n; i++)
		if (s[i] == (char)c)
			last = s + i;
	return (char *)last;
}

static struct lines l;

/* Any key of up to KEY_MAX bytes, any value of up to VALUE_MAX bytes. */
static void any_line(void)
{
	Frama_C_make_unknown(l.buf, KEY_MAX + 1 + VALUE_MAX);
	l.buf[KEY_MAX] = '\0';
	l.buf[KEY_MAX + 1 + VALUE_MAX] = '\0';
	l.key = l.buf;
	l.value = l.buf + KEY_MAX + 1;
	l.n = Frama_C_unsigned_int_interval(1, UINT_MAX);
}

int main(void)
{
	wg_device *dev = wg_device_new(NULL);
	wg_peer *peer = NULL;
	int set = Frama_C_interval(0, 1);

	if (!dev)
		return 0;
	if (Frama_C_interval(0, 1)) {
		/* A peer block is open, with an allowed IP or not. */
		wg_allowedip aip = { .family = AF_INET, .cidr = 32 };

		peer = wg_device_add_peer(dev);
		if (peer && Frama_C_interval(0, 1))
			(void)wg_peer_append_prefix(peer, &aip);
	}
	any_line();
	(void)(set ? parse_set_key(&l, dev, &peer) : parse_get_key(&l, dev, &peer));
	/* Not freed here: parse_device() frees the device after this (its
	 * own loop is eva_uapi_lines.c's). */
	return 0;
}
