// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The UAPI text protocol, both directions (see uapi_text.h).  Key names,
 * their order and value syntax follow wireguard-go (device/uapi.go), the
 * reference implementation that wg(8) also speaks to.
 */
#include <ctype.h>
#include <stdlib.h>

#include "addr.h"
#include "config.h"
#include "config_apply.h"
#include "crypto.h"
#include "error.h"
#include "set_plan.h"
#include "uapi_text.h"
#include "util.h"

/* ---- shared helpers ---- */

/* Strict unsigned decimal: digits only, no sign, no spaces, at most max. */
static int parse_uint(const char *v, uint64_t max, uint64_t *out)
{
	uint64_t x = 0;

	if (!*v)
		return -EINVAL;
	for (; *v; v++) {
		uint64_t d;

		if (*v < '0' || *v > '9')
			return -EINVAL;
		d = (uint64_t)(*v - '0');
		/* x * 10 + d > max, without overflow; in this form (rather than
		 * x > (max - d) / 10) each branch bounds x on its own, so that
		 * Eva sees x <= max (tests/proof/eva_uapi_keys.c). */
		if (x > max / 10 || (x == max / 10 && d > max % 10))
			return -EINVAL;
		x = x * 10 + d;
	}
	*out = x;
	return 0;
}

static int parse_sint(const char *v, int64_t *out)
{
	uint64_t x = 0;
	bool neg = *v == '-';

	/* parse_uint() keeps x <= INT64_MAX; said again for Eva, which does not
	 * relate x to max across its loop (tests/proof/eva_uapi_keys.c). */
	if (parse_uint(v + neg, (uint64_t)INT64_MAX, &x) || x > (uint64_t)INT64_MAX)
		return -EINVAL;
	*out = neg ? -(int64_t)x : (int64_t)x;
	return 0;
}

/* Iterate over "key=value" lines of text[0..len); a blank line or NUL ends it.
 * key and value always point to strings in buf (empty ones at first). */
struct lines {
	const char *p, *end;
	unsigned int n;
	char buf[4096];	/* longer than any valid line; wiped after use */
	char *key, *value;
};

/* 1: a line, 0: the end, <0: malformed (no '=', or too long). */
static int next_line(struct lines *l)
{
	const char *nl;
	char *eq;
	size_t n;

	/* For Frama-C's Eva (tests/proof/eva_uapi_lines.c): one state per
	 * remaining length keeps p exact, so p + n <= end is checked. */
	/*@ split l->end - l->p; */
	if (l->p >= l->end)
		return 0;
	nl = memchr(l->p, '\n', (size_t)(l->end - l->p));
	n = nl ? (size_t)(nl - l->p) : (size_t)(l->end - l->p);
	if (!n)
		return 0;
	l->n++;
	if (n >= sizeof(l->buf) || memchr(l->p, '\0', n))
		return -EINVAL;
	memcpy(l->buf, l->p, n);
	l->buf[n] = '\0';
	/* Past the '\n', if any; in this form Eva sees p <= end. */
	l->p = nl ? nl + 1 : l->end;
	eq = strchr(l->buf, '=');
	if (!eq)
		return -EINVAL;
	*eq = '\0';
	l->value = eq + 1;
	return 1;
}

/*
 * Parse text line by line into a new device.  key() takes one line, with
 * *peer the current peer (NULL before the first public_key), and returns 0,
 * 1 to stop before the rest of the text, or -errno with the message set;
 * bad_line() words the error for a line that is not key=value.
 */
typedef int parse_key_fn(struct lines *l, wg_device *dev, wg_peer **peer);
static int parse_device(const char *text, size_t len, wg_device **out, parse_key_fn *key,
			int (*bad_line)(const struct lines *l))
{
	struct lines l = { .p = text, .end = text + len, .key = l.buf, .value = l.buf };
	wg_device *dev = wg_device_new(NULL);
	wg_peer *peer = NULL;
	int r, ret = 0;

	if (!dev)
		return -ENOMEM;
	while ((r = next_line(&l)) > 0) {
		ret = key(&l, dev, &peer);
		if (ret)
			break;
	}
	if (!ret && r < 0)
		ret = bad_line(&l);
	wg_memzero(l.buf, sizeof(l.buf));
	if (ret < 0) {
		if (ret == -ENOMEM)
			wg_error(ENOMEM, "out of memory");
		wg_free_device(dev);
		return ret;
	}
	*out = dev;
	return 0;
}

/* ---- client: format a set request ---- */

int uapi_text_format_set(FILE *out, const wg_device *dev)
{
	wg_key_hex_string hex;
	const wg_peer *peer;
	const wg_allowedip *aip;
	int ret;

	ret = wg_set_plan_validate(dev, false);
	if (ret)
		return ret;
	wg_for_each_peer(dev, peer)
		wg_for_each_allowedip(peer, aip)
			if ((aip->flags & WGALLOWEDIP_REMOVE_ME) && !(peer->flags & WGPEER_REMOVE_ME))
				return wg_error(EOPNOTSUPP, "the UAPI protocol cannot remove single allowed IPs");
	/* Port and fwmark first: they are what a daemon may refuse (address in
	 * use, no permission), and a refusal then comes before any change. */
	if (dev->flags & WGDEVICE_HAS_LISTEN_PORT)
		fprintf(out, "listen_port=%u\n", dev->listen_port);
	if (dev->flags & WGDEVICE_HAS_FWMARK)
		fprintf(out, "fwmark=%u\n", dev->fwmark);
	if (dev->flags & WGDEVICE_HAS_PRIVATE_KEY) {
		wg_key_to_hex(hex, dev->private_key);
		fprintf(out, "private_key=%s\n", hex);
	}
	if (dev->flags & WGDEVICE_REPLACE_PEERS)
		fputs("replace_peers=true\n", out);
	wg_for_each_peer(dev, peer) {
		char buf[WG_ENDPOINT_STRLEN];

		wg_key_to_hex(hex, peer->public_key);
		fprintf(out, "public_key=%s\n", hex);
		if (peer->flags & WGPEER_REMOVE_ME) {
			fputs("remove=true\n", out);
			continue;
		}
		if (peer->flags & WGPEER_UPDATE_ONLY)
			fputs("update_only=true\n", out);
		if (peer->flags & WGPEER_HAS_PRESHARED_KEY) {
			wg_key_to_hex(hex, peer->preshared_key);
			fprintf(out, "preshared_key=%s\n", hex);
		}
		wg_endpoint_format(buf, &peer->endpoint);
		if (buf[0])
			fprintf(out, "endpoint=%s\n", buf);
		if (peer->flags & WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL)
			fprintf(out, "persistent_keepalive_interval=%u\n",
				peer->persistent_keepalive_interval);
		if ((peer->flags & WGPEER_HAS_PROTOCOL_VERSION) && peer->protocol_version)
			fprintf(out, "protocol_version=%u\n", peer->protocol_version);
		if (peer->flags & WGPEER_REPLACE_ALLOWEDIPS)
			fputs("replace_allowed_ips=true\n", out);
		wg_for_each_allowedip(peer, aip) {
			wg_prefix_format(buf, aip);
			fprintf(out, "allowed_ip=%s\n", buf);
		}
	}
	wg_memzero(hex, sizeof(hex));
	if (ferror(out))
		return wg_error(EIO, "cannot write the UAPI request");
	return 0;
}

/* ---- client: parse a get reply ---- */

static int get_error(const struct lines *l, const char *what)
{
	return wg_error(EPROTO, "UAPI reply line %u: %s", l->n, what);
}

static int get_bad_line(const struct lines *l)
{
	return get_error(l, "not a key=value line");
}

static int parse_get_device_key(struct lines *l, wg_device *dev)
{
	const char *k = l->key, *v = l->value;
	uint64_t u = 0;

	if (!strcmp(k, "private_key")) {
		if (wg_key_from_hex(dev->private_key, v))
			return get_error(l, "bad private_key");
		if (!wg_key_is_zero(dev->private_key)) {
			curve25519_generate_public(dev->public_key, dev->private_key);
			dev->flags |= WGDEVICE_HAS_PRIVATE_KEY | WGDEVICE_HAS_PUBLIC_KEY;
		}
	} else if (!strcmp(k, "listen_port")) {
		if (parse_uint(v, 65535, &u))
			return get_error(l, "bad listen_port");
		dev->listen_port = (uint16_t)u;
		dev->flags |= WGDEVICE_HAS_LISTEN_PORT;
	} else if (!strcmp(k, "fwmark")) {
		if (parse_uint(v, UINT32_MAX, &u))
			return get_error(l, "bad fwmark");
		dev->fwmark = (uint32_t)u;
		dev->flags |= WGDEVICE_HAS_FWMARK;
	} else {
		/* Device keys we do not know (other implementations' extensions). */
		wg_log(WG_LOG_DEBUG, "UAPI reply: ignoring device key '%.32s'", k);
	}
	return 0;
}

static int parse_get_peer_key(struct lines *l, wg_peer *peer)
{
	const char *k = l->key, *v = l->value;
	uint64_t u = 0;
	int64_t s = 0;

	if (!strcmp(k, "preshared_key")) {
		if (wg_key_from_hex(peer->preshared_key, v))
			return get_error(l, "bad preshared_key");
		if (!wg_key_is_zero(peer->preshared_key))
			peer->flags |= WGPEER_HAS_PRESHARED_KEY;
	} else if (!strcmp(k, "endpoint")) {
		if (wg_endpoint_parse(&peer->endpoint, v, ADDR_NUMERIC))
			return get_error(l, "bad endpoint");
	} else if (!strcmp(k, "persistent_keepalive_interval")) {
		if (parse_uint(v, 65535, &u))
			return get_error(l, "bad persistent_keepalive_interval");
		peer->persistent_keepalive_interval = (uint16_t)u;
		peer->flags |= WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	} else if (!strcmp(k, "allowed_ip")) {
		wg_allowedip parsed = { 0 };

		if (wg_prefix_parse(&parsed, v, ADDR_REQUIRE_CIDR))
			return get_error(l, "bad allowed_ip");
		if (!wg_peer_append_prefix(peer, &parsed))
			return -ENOMEM;
	} else if (!strcmp(k, "last_handshake_time_sec")) {
		if (parse_sint(v, &s))
			return get_error(l, "bad last_handshake_time_sec");
		peer->last_handshake_time.tv_sec = s;
	} else if (!strcmp(k, "last_handshake_time_nsec")) {
		if (parse_sint(v, &s) || s < 0 || s >= 1000000000)
			return get_error(l, "bad last_handshake_time_nsec");
		peer->last_handshake_time.tv_nsec = s;
	} else if (!strcmp(k, "tx_bytes")) {
		if (parse_uint(v, UINT64_MAX, &peer->tx_bytes))
			return get_error(l, "bad tx_bytes");
	} else if (!strcmp(k, "rx_bytes")) {
		if (parse_uint(v, UINT64_MAX, &peer->rx_bytes))
			return get_error(l, "bad rx_bytes");
	} else if (!strcmp(k, "protocol_version")) {
		if (parse_uint(v, UINT32_MAX, &u))
			return get_error(l, "bad protocol_version");
		peer->protocol_version = (uint32_t)u;
		peer->flags |= WGPEER_HAS_PROTOCOL_VERSION;
	} else {
		wg_log(WG_LOG_DEBUG, "UAPI reply: ignoring peer key '%.32s'", k);
	}
	return 0;
}

static int parse_get_key(struct lines *l, wg_device *dev, wg_peer **peer)
{
	if (!strcmp(l->key, "errno"))
		return 1;	/* the status line ends the body */
	if (!strcmp(l->key, "public_key")) {
		*peer = wg_device_add_peer(dev);
		if (!*peer)
			return -ENOMEM;
		if (wg_key_from_hex((*peer)->public_key, l->value))
			return get_error(l, "bad public_key");
		(*peer)->flags |= WGPEER_HAS_PUBLIC_KEY;
		return 0;
	}
	return *peer ? parse_get_peer_key(l, *peer) : parse_get_device_key(l, dev);
}

int uapi_text_parse_get(const char *text, size_t len, wg_device **out)
{
	return parse_device(text, len, out, parse_get_key, get_bad_line);
}

/* ---- server: parse a set request, strictly ---- */

static int set_error(const struct lines *l, const char *fmt, const char *arg)
{
	char msg[128];

	snprintf(msg, sizeof(msg), fmt, arg);
	return wg_error(EINVAL, "UAPI set line %u: %s", l->n, msg);
}

static int parse_true(const struct lines *l)
{
	return strcmp(l->value, "true") ? set_error(l, "%s must be \"true\"", l->key) : 0;
}

static int parse_set_device_key(struct lines *l, wg_device *dev)
{
	const char *k = l->key, *v = l->value;
	uint64_t u = 0;

	if (!strcmp(k, "private_key")) {
		if (wg_key_from_hex(dev->private_key, v))
			return set_error(l, "%s is not 64 hex digits", k);
		dev->flags |= WGDEVICE_HAS_PRIVATE_KEY;
	} else if (!strcmp(k, "listen_port")) {
		if (parse_uint(v, 65535, &u))
			return set_error(l, "%s is not a port number", k);
		dev->listen_port = (uint16_t)u;
		dev->flags |= WGDEVICE_HAS_LISTEN_PORT;
	} else if (!strcmp(k, "fwmark")) {
		if (parse_uint(v, UINT32_MAX, &u))
			return set_error(l, "%s is not a 32-bit number", k);
		dev->fwmark = (uint32_t)u;
		dev->flags |= WGDEVICE_HAS_FWMARK;
	} else if (!strcmp(k, "replace_peers")) {
		if (parse_true(l))
			return -EINVAL;
		dev->flags |= WGDEVICE_REPLACE_PEERS;
	} else {
		return set_error(l, "unknown device key '%.32s'", k);
	}
	return 0;
}

static int parse_set_peer_key(struct lines *l, wg_peer *peer)
{
	const char *k = l->key, *v = l->value;
	uint64_t u = 0;

	if (!strcmp(k, "remove")) {
		if (parse_true(l))
			return -EINVAL;
		peer->flags |= WGPEER_REMOVE_ME;
	} else if (!strcmp(k, "update_only")) {
		if (parse_true(l))
			return -EINVAL;
		peer->flags |= WGPEER_UPDATE_ONLY;
	} else if (!strcmp(k, "preshared_key")) {
		if (wg_key_from_hex(peer->preshared_key, v))
			return set_error(l, "%s is not 64 hex digits", k);
		peer->flags |= WGPEER_HAS_PRESHARED_KEY;
	} else if (!strcmp(k, "endpoint")) {
		/* As wireguard-go: numeric, and IPv6 only in brackets. */
		if ((v[0] != '[' && strchr(v, ':') != strrchr(v, ':')) ||
		    wg_endpoint_parse(&peer->endpoint, v, ADDR_NUMERIC))
			return set_error(l, "endpoint '%.64s' is not IP:PORT or [IPv6]:PORT", v);
	} else if (!strcmp(k, "persistent_keepalive_interval")) {
		if (parse_uint(v, 65535, &u))
			return set_error(l, "%s is not 0..65535", k);
		peer->persistent_keepalive_interval = (uint16_t)u;
		peer->flags |= WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	} else if (!strcmp(k, "replace_allowed_ips")) {
		if (parse_true(l))
			return -EINVAL;
		/* Prefixes named before it in this block are replaced too. */
		wg_peer_free_allowedips(peer);
		peer->flags |= WGPEER_REPLACE_ALLOWEDIPS;
	} else if (!strcmp(k, "allowed_ip")) {
		wg_allowedip parsed = { 0 };

		if (wg_prefix_parse(&parsed, v, ADDR_REQUIRE_CIDR))
			return set_error(l, "allowed_ip '%.64s' is not an IP/prefix", v);
		if (!wg_peer_append_prefix(peer, &parsed))
			return -ENOMEM;
	} else if (!strcmp(k, "protocol_version")) {
		if (strcmp(v, "1"))
			return set_error(l, "protocol_version '%.16s' is not 1", v);
		peer->protocol_version = 1;
		peer->flags |= WGPEER_HAS_PROTOCOL_VERSION;
	} else if (!strcmp(k, "private_key") || !strcmp(k, "listen_port") || !strcmp(k, "fwmark") ||
		   !strcmp(k, "replace_peers")) {
		return set_error(l, "device key '%s' after a peer", k);
	} else {
		return set_error(l, "unknown peer key '%.32s'", k);
	}
	return 0;
}

static int set_bad_line(const struct lines *l)
{
	return set_error(l, "%s", "not a key=value line");
}

static int parse_set_key(struct lines *l, wg_device *dev, wg_peer **peer)
{
	if (!strcmp(l->key, "public_key")) {
		*peer = wg_device_add_peer(dev);
		if (!*peer)
			return -ENOMEM;
		if (wg_key_from_hex((*peer)->public_key, l->value))
			return set_error(l, "%s is not 64 hex digits", l->key);
		(*peer)->flags = WGPEER_HAS_PUBLIC_KEY;
		return 0;
	}
	return *peer ? parse_set_peer_key(l, *peer) : parse_set_device_key(l, dev);
}

int uapi_text_parse_set(const char *text, size_t len, wg_device **out)
{
	return parse_device(text, len, out, parse_set_key, set_bad_line);
}

/* ---- server: format a get reply ---- */

int uapi_text_format_get(FILE *out, const wg_device *dev)
{
	wg_key_hex_string hex;
	const wg_peer *peer;
	const wg_allowedip *aip;

	/* wireguard-go's keys, in its order, so `wg` reads both alike. */
	if ((dev->flags & WGDEVICE_HAS_PRIVATE_KEY) && !wg_key_is_zero(dev->private_key)) {
		wg_key_to_hex(hex, dev->private_key);
		fprintf(out, "private_key=%s\n", hex);
	}
	if (dev->listen_port)
		fprintf(out, "listen_port=%u\n", dev->listen_port);
	if (dev->fwmark)
		fprintf(out, "fwmark=%u\n", dev->fwmark);
	wg_for_each_peer(dev, peer) {
		char buf[WG_ENDPOINT_STRLEN];

		wg_key_to_hex(hex, peer->public_key);
		fprintf(out, "public_key=%s\n", hex);
		wg_key_to_hex(hex, peer->preshared_key);
		fprintf(out, "preshared_key=%s\n", hex);
		fprintf(out, "protocol_version=%u\n", peer->protocol_version ? peer->protocol_version : 1);
		wg_endpoint_format(buf, &peer->endpoint);
		if (buf[0])
			fprintf(out, "endpoint=%s\n", buf);
		fprintf(out, "last_handshake_time_sec=%lld\nlast_handshake_time_nsec=%lld\n",
			(long long)peer->last_handshake_time.tv_sec,
			(long long)peer->last_handshake_time.tv_nsec);
		fprintf(out, "tx_bytes=%llu\nrx_bytes=%llu\n", (unsigned long long)peer->tx_bytes,
			(unsigned long long)peer->rx_bytes);
		fprintf(out, "persistent_keepalive_interval=%u\n", peer->persistent_keepalive_interval);
		wg_for_each_allowedip(peer, aip) {
			wg_prefix_format(buf, aip);
			fprintf(out, "allowed_ip=%s\n", buf);
		}
	}
	wg_memzero(hex, sizeof(hex));
	if (ferror(out))
		return wg_error(EIO, "cannot write the UAPI reply");
	return 0;
}
