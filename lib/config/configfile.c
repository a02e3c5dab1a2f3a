// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * wg(8)'s configuration file format: parse (setconf/addconf semantics, plus
 * wg-quick's keys into a side structure) and print (`wg showconf`).
 * Errors name the source and line; a failed parse returns nothing.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "addr.h"
#include "config.h"
#include "error.h"
#include "os.h"
#include "strbuf.h"
#include "util.h"

#define QUICK_KEYS (WG_QUICK_SAVE_CONFIG + 1)
#define MAX_FILE_SIZE (64U << 20)

struct wg_quick_config {
	struct {
		char **v;
		size_t n;
	} key[QUICK_KEYS];
};

static const char *const quick_names[QUICK_KEYS] = {
	[WG_QUICK_ADDRESS] = "Address",
	[WG_QUICK_DNS] = "DNS",
	[WG_QUICK_MTU] = "MTU",
	[WG_QUICK_TABLE] = "Table",
	[WG_QUICK_PRE_UP] = "PreUp",
	[WG_QUICK_POST_UP] = "PostUp",
	[WG_QUICK_PRE_DOWN] = "PreDown",
	[WG_QUICK_POST_DOWN] = "PostDown",
	[WG_QUICK_SAVE_CONFIG] = "SaveConfig",
};

enum section { SECTION_NONE, SECTION_INTERFACE, SECTION_PEER };

struct parser {
	const char *source;
	unsigned int line;
	uint32_t flags;
	enum section section;
	wg_device *dev;
	wg_peer *peer;
	unsigned int peer_line;	/* where the current [Peer] started */
	bool incremental;	/* the current peer has a '+'/'-' AllowedIPs entry */
	wg_quick_config *quick;
};

static int fail(const struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(const struct parser *p, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return wg_error(EINVAL, "%s:%u: %s", p->source, p->line, msg);
}

/* ---- the wg-quick side structure ---- */

WG_EXPORT void wg_quick_config_free(wg_quick_config *quick)
{
	if (!quick)
		return;
	for (size_t k = 0; k < QUICK_KEYS; k++) {
		for (size_t i = 0; i < quick->key[k].n; i++)
			free(quick->key[k].v[i]);
		free(quick->key[k].v);
	}
	free(quick);
}

WG_EXPORT size_t wg_quick_config_count(const wg_quick_config *quick, enum wg_quick_key key)
{
	if (!quick || (unsigned int)key >= QUICK_KEYS)
		return 0;
	return quick->key[key].n;
}

WG_EXPORT const char *wg_quick_config_get(const wg_quick_config *quick, enum wg_quick_key key,
					  size_t index)
{
	if (index >= wg_quick_config_count(quick, key))
		return NULL;
	return quick->key[key].v[index];
}

/* Append a copy of s[0..n); single-valued keys keep only the last one. */
static int quick_add(wg_quick_config *q, enum wg_quick_key key, const char *s, size_t n, bool single)
{
	char *copy, **v;

	if (single)
		while (q->key[key].n)
			free(q->key[key].v[--q->key[key].n]);
	copy = malloc(n + 1);	/* strndup() is not in C11 nor Windows */
	if (!copy)
		return wg_error(ENOMEM, "out of memory");
	memcpy(copy, s, n);
	copy[n] = '\0';
	v = realloc(q->key[key].v, (q->key[key].n + 1) * sizeof(*v));
	if (!v) {
		free(copy);
		return wg_error(ENOMEM, "out of memory");
	}
	v[q->key[key].n++] = copy;
	q->key[key].v = v;
	return 0;
}

static const char *trim(const char *s, size_t *n)
{
	while (*n && isspace((unsigned char)*s)) {
		s++;
		(*n)--;
	}
	while (*n && isspace((unsigned char)s[*n - 1]))
		(*n)--;
	return s;
}

/* value: the raw text after '=', comment removed, inner spaces kept. */
static int parse_quick(struct parser *p, enum wg_quick_key key, const char *raw)
{
	size_t n = strlen(raw);
	const char *v = trim(raw, &n);
	int ret;

	switch (key) {
	case WG_QUICK_ADDRESS:
	case WG_QUICK_DNS:
		/* Comma lists; an empty value adds nothing, as in wg-quick. */
		while (n) {
			const char *comma = memchr(v, ',', n);
			size_t itemlen = comma ? (size_t)(comma - v) : n, tl = itemlen;
			const char *item = trim(v, &tl);
			char buf[128];
			wg_allowedip aip;

			if (!tl)
				return fail(p, "empty entry in %s", quick_names[key]);
			if (key == WG_QUICK_ADDRESS) {
				if (tl >= sizeof(buf))
					return fail(p, "Address entry too long");
				memcpy(buf, item, tl);
				buf[tl] = '\0';
				if (wg_prefix_parse(&aip, buf, 0))
					return fail(p, "Address is not an IP address with optional /prefix: '%.64s'", buf);
			}
			ret = quick_add(p->quick, key, item, tl, false);
			if (ret)
				return ret;
			if (!comma)
				break;
			n -= itemlen + 1;
			v = comma + 1;
			if (!n)
				return fail(p, "empty entry in %s", quick_names[key]);
		}
		return 0;
	case WG_QUICK_MTU: {
		unsigned long mtu = 0;

		if (!n || n > 5)
			return fail(p, "MTU is not a number 68..65535: '%.*s'", (int)(n > 64 ? 64 : n), v);
		for (size_t i = 0; i < n; i++) {
			if (!isdigit((unsigned char)v[i]))
				return fail(p, "MTU is not a number 68..65535: '%.*s'", (int)n, v);
			mtu = mtu * 10 + (unsigned long)(v[i] - '0');
		}
		if (mtu < 68 || mtu > 65535)
			return fail(p, "MTU is not a number 68..65535: '%.*s'", (int)n, v);
		return quick_add(p->quick, key, v, n, true);
	}
	case WG_QUICK_TABLE:
		if (!n)
			return fail(p, "empty Table");
		return quick_add(p->quick, key, v, n, true);
	case WG_QUICK_SAVE_CONFIG:
		if (!(n == 4 && !strncmp(v, "true", 4)) && !(n == 5 && !strncmp(v, "false", 5)))
			return fail(p, "SaveConfig is neither true nor false: '%.*s'", (int)(n > 64 ? 64 : n), v);
		return quick_add(p->quick, key, v, n, true);
	default:
		return quick_add(p->quick, key, v, n, false);
	}
}

/* ---- wg(8)'s keys; values arrive with all whitespace removed ---- */

static int parse_u16_or_off(const char *v, uint16_t *out)
{
	unsigned long x = 0;

	if (!strcasecmp(v, "off")) {
		*out = 0;
		return 0;
	}
	if (!*v || strlen(v) > 5)
		return -EINVAL;
	for (; *v; v++) {
		if (!isdigit((unsigned char)*v))
			return -EINVAL;
		x = x * 10 + (unsigned long)(*v - '0');
	}
	if (x > 65535)
		return -EINVAL;
	*out = (uint16_t)x;
	return 0;
}

static int parse_fwmark(const char *v, uint32_t *out)
{
	unsigned long long x;
	char *end;
	int base = 10;

	if (!strcasecmp(v, "off")) {
		*out = 0;
		return 0;
	}
	if (!isdigit((unsigned char)v[0]))
		return -EINVAL;
	if (strlen(v) > 2 && v[0] == '0' && v[1] == 'x')
		base = 16;
	errno = 0;
	x = strtoull(v, &end, base);
	if (*end || errno || x > UINT32_MAX || (base == 16 && !isxdigit((unsigned char)v[2])))
		return -EINVAL;
	*out = (uint32_t)x;
	return 0;
}

static int parse_allowedips(struct parser *p, char *v)
{
	wg_peer *peer = p->peer;
	char *item, *save = NULL;

	peer->flags |= WGPEER_REPLACE_ALLOWEDIPS;
	if (v[strlen(v) - 1] == ',' || v[0] == ',' || strstr(v, ",,"))
		return fail(p, "empty entry in AllowedIPs");
	for (item = strtok_r(v, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		uint32_t aflags = 0;
		wg_allowedip parsed = { 0 }, *aip;

		/* '+' / '-' make the list incremental (wg(8) 1.0.2025 and later). */
		if (*item == '-' || *item == '+') {
			if (*item == '-')
				aflags = WGALLOWEDIP_REMOVE_ME;
			p->incremental = true;
			item++;
		}
		if (wg_prefix_parse(&parsed, item, 0))
			return fail(p, "AllowedIPs entry is not an IP prefix: '%.64s'", item);
		if (wg_prefix_has_host_bits(&parsed))
			wg_log(WG_LOG_INFO, "%s:%u: AllowedIPs entry has a nonzero host part: %s",
			       p->source, p->line, item);
		aip = wg_peer_append_prefix(peer, &parsed);
		if (!aip)
			return -ENOMEM;
		aip->flags = aflags;
	}
	return 0;
}

static int key_is(const char *key, const char *name)
{
	return !strcasecmp(key, name);
}

static int parse_interface_key(struct parser *p, const char *key, char *v)
{
	wg_device *dev = p->dev;

	if (key_is(key, "PrivateKey")) {
		if (wg_key_from_base64(dev->private_key, v))
			return fail(p, "PrivateKey is not a base64 key of 44 characters");
		dev->flags |= WGDEVICE_HAS_PRIVATE_KEY;
	} else if (key_is(key, "ListenPort")) {
		if (!strcasecmp(v, "off") || parse_u16_or_off(v, &dev->listen_port))
			return fail(p, "ListenPort is not a port number 0..65535: '%.64s'", v);
		dev->flags |= WGDEVICE_HAS_LISTEN_PORT;
	} else if (key_is(key, "FwMark")) {
		if (parse_fwmark(v, &dev->fwmark))
			return fail(p, "FwMark is neither off nor 0..0xffffffff: '%.64s'", v);
		dev->flags |= WGDEVICE_HAS_FWMARK;
	} else {
		return 1;
	}
	return 0;
}

static int parse_peer_key(struct parser *p, const char *key, char *v)
{
	wg_peer *peer = p->peer;

	if (key_is(key, "PublicKey")) {
		if (wg_key_from_base64(peer->public_key, v))
			return fail(p, "PublicKey is not a base64 key of 44 characters: '%.64s'", v);
		peer->flags |= WGPEER_HAS_PUBLIC_KEY;
	} else if (key_is(key, "PresharedKey")) {
		if (wg_key_from_base64(peer->preshared_key, v))
			return fail(p, "PresharedKey is not a base64 key of 44 characters");
		peer->flags |= WGPEER_HAS_PRESHARED_KEY;
	} else if (key_is(key, "AllowedIPs")) {
		return parse_allowedips(p, v);
	} else if (key_is(key, "Endpoint")) {
		int aflags = (p->flags & WG_CONFIG_NUMERIC) ? ADDR_NUMERIC : 0;

		if (wg_endpoint_parse(&peer->endpoint, v, aflags))
			return fail(p, "Endpoint is not HOST:PORT or [IPv6]:PORT%s: '%.64s'",
				    aflags ? " with a numeric host" : " with a known host", v);
	} else if (key_is(key, "PersistentKeepalive")) {
		if (parse_u16_or_off(v, &peer->persistent_keepalive_interval))
			return fail(p, "PersistentKeepalive is neither off nor 0..65535: '%.64s'", v);
		peer->flags |= WGPEER_HAS_PERSISTENT_KEEPALIVE_INTERVAL;
	} else {
		return 1;
	}
	return 0;
}

static int finish_peer(struct parser *p)
{
	if (!p->peer)
		return 0;
	if (!(p->peer->flags & WGPEER_HAS_PUBLIC_KEY)) {
		p->line = p->peer_line;
		return fail(p, "[Peer] section has no PublicKey");
	}
	if (p->incremental)
		p->peer->flags &= ~(uint32_t)WGPEER_REPLACE_ALLOWEDIPS;
	p->incremental = false;
	return 0;
}

static bool quick_key(const char *key)
{
	for (size_t k = 0; k < QUICK_KEYS; k++)
		if (!strcasecmp(key, quick_names[k]))
			return true;
	return false;
}

/*
 * One line, comment already cut.  compact: the line without any whitespace
 * (what wg(8) matches); raw: the line as written (for wg-quick's values).
 */
static int parse_line(struct parser *p, char *compact, const char *raw)
{
	char *eq;
	int ret;

	if (compact[0] == '[') {
		ret = finish_peer(p);
		if (ret)
			return ret;
		p->peer = NULL;
		if (!strcasecmp(compact, "[Interface]")) {
			p->section = SECTION_INTERFACE;
		} else if (!strcasecmp(compact, "[Peer]")) {
			p->section = SECTION_PEER;
			p->peer = wg_device_add_peer(p->dev);
			if (!p->peer)
				return -ENOMEM;
			p->peer_line = p->line;
			p->peer->flags = WGPEER_REPLACE_ALLOWEDIPS;
		} else {
			return fail(p, "unknown section '%.64s'", compact);
		}
		return 0;
	}
	eq = strchr(compact, '=');
	if (!eq || eq == compact)
		return fail(p, "expected 'Key = Value' or a [Section]: '%.64s'", compact);
	*eq = '\0';
	if (p->section == SECTION_NONE)
		return fail(p, "'%.64s' outside of an [Interface] or [Peer] section", compact);
	if (!eq[1] && (p->section == SECTION_PEER || !quick_key(compact)))
		return fail(p, "'%.64s' has no value", compact);	/* as wg(8) */
	if (p->section == SECTION_INTERFACE) {
		ret = parse_interface_key(p, compact, eq + 1);
		if (ret <= 0)
			return ret;
		for (size_t k = 0; k < QUICK_KEYS; k++) {
			if (strcasecmp(compact, quick_names[k]))
				continue;
			if (p->flags & WG_CONFIG_STRICT)
				return fail(p, "'%s' is a wg-quick(8) key, not a wg(8) one", quick_names[k]);
			return parse_quick(p, (enum wg_quick_key)k, strchr(raw, '=') + 1);
		}
		return fail(p, "unknown key '%.64s' in [Interface]", compact);
	}
	ret = parse_peer_key(p, compact, eq + 1);
	if (ret <= 0)
		return ret;
	return fail(p, "unknown key '%.64s' in [Peer]", compact);
}

WG_EXPORT int wg_config_parse(wg_device **dev_out, wg_quick_config **quick_out, const char *text,
			      size_t len, const char *source_name, uint32_t flags)
{
	struct parser p = {
		.source = source_name ? source_name : "(config)",
		.flags = flags & (WG_CONFIG_APPEND | WG_CONFIG_STRICT | WG_CONFIG_NUMERIC),
	};
	char *raw = NULL, *compact = NULL;
	size_t cap = 0, pos = 0;
	int ret = 0;

	p.dev = wg_device_new(NULL);
	p.quick = calloc(1, sizeof(*p.quick));
	if (!p.dev || !p.quick) {
		ret = wg_error(ENOMEM, "out of memory");
		goto out;
	}
	if (!(flags & WG_CONFIG_APPEND))
		p.dev->flags |= WGDEVICE_REPLACE_PEERS | WGDEVICE_HAS_PRIVATE_KEY |
				WGDEVICE_HAS_FWMARK | WGDEVICE_HAS_LISTEN_PORT;

	while (pos < len) {
		const char *start = text + pos, *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos, cn = 0;
		const char *hash = memchr(start, '#', n);

		pos += n + (nl ? 1 : 0);
		p.line++;
		if (memchr(start, '\0', n)) {
			ret = fail(&p, "NUL byte in line");
			goto out;
		}
		if (hash)
			n = (size_t)(hash - start);
		if (n + 1 > cap) {
			/* Lines may hold keys: wipe before letting go. */
			if (raw) {
				wg_memzero(raw, cap);
				wg_memzero(compact, cap);
			}
			free(raw);
			free(compact);
			cap = n + 1;
			raw = malloc(cap);
			compact = malloc(cap);
			if (!raw || !compact) {
				ret = wg_error(ENOMEM, "out of memory");
				cap = 0;
				goto out;
			}
		}
		memcpy(raw, start, n);
		raw[n] = '\0';
		for (size_t i = 0; i < n; i++)
			if (!isspace((unsigned char)raw[i]))
				compact[cn++] = raw[i];
		compact[cn] = '\0';
		if (!cn)
			continue;
		ret = parse_line(&p, compact, raw);
		if (ret)
			goto out;
	}
	ret = finish_peer(&p);
out:
	if (raw) {
		wg_memzero(raw, cap);
		wg_memzero(compact, cap);
	}
	free(raw);
	free(compact);
	if (ret) {
		if (ret == -ENOMEM)
			wg_error(ENOMEM, "out of memory");
		wg_free_device(p.dev);
		wg_quick_config_free(p.quick);
		return ret;
	}
	*dev_out = p.dev;
	if (quick_out)
		*quick_out = p.quick;
	else
		wg_quick_config_free(p.quick);
	return 0;
}

/* wg-quick's rule for interface names, applied to "NAME.conf". */
static void name_from_path(wg_device *dev, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n <= 5 || strcmp(base + n - 5, ".conf") || n - 5 >= IFNAMSIZ)
		return;
	n -= 5;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)base[i]) && !strchr("_=+.-", base[i]))
			return;
	memcpy(dev->name, base, n);
	dev->name[n] = '\0';
}

WG_EXPORT int wg_config_parse_file(wg_device **dev, wg_quick_config **quick, const char *path,
				   uint32_t flags)
{
	struct stat st;
	size_t len = 0;
	char *buf = NULL;
	int fd, ret;

	fd = wg_os_open_read(path);
	if (fd < 0)
		return wg_error(-fd, "%s: %s", path, strerror(-fd));
	if (fstat(fd, &st) < 0) {
		ret = wg_error(errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = wg_error(EISDIR, "%s: is a directory", path);
		goto out;
	}
	/* Not trusting st_size (pipes, /proc): read to EOF with a cap. */
	for (size_t cap = 0;;) {
		ssize_t r;

		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			char *nbuf;

			if (cap >= MAX_FILE_SIZE) {
				ret = wg_error(EFBIG, "%s: larger than %u bytes", path, MAX_FILE_SIZE);
				goto out;
			}
			nbuf = malloc(ncap);
			if (!nbuf) {
				ret = wg_error(ENOMEM, "out of memory");
				goto out;
			}
			if (buf) {
				memcpy(nbuf, buf, len);
				wg_memzero(buf, cap);
				free(buf);
			}
			buf = nbuf;
			cap = ncap;
		}
		r = read(fd, buf + len, cap - len);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			ret = wg_error(errno, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (!r)
			break;
		len += (size_t)r;
	}
	ret = wg_config_parse(dev, quick, buf ? buf : "", len, path, flags);
	if (!ret)
		name_from_path(*dev, path);
out:
	if (buf) {
		wg_memzero(buf, len);
		free(buf);
	}
	close(fd);
	return ret;
}

/* ---- printing ---- */

static void print_quick(struct strbuf *sb, const wg_quick_config *q)
{
	static const enum wg_quick_key joined[] = { WG_QUICK_ADDRESS, WG_QUICK_DNS };

	for (size_t j = 0; j < ARRAY_SIZE(joined); j++) {
		enum wg_quick_key k = joined[j];

		if (!q->key[k].n)
			continue;
		strbuf_printf(sb, "%s = ", quick_names[k]);
		for (size_t i = 0; i < q->key[k].n; i++)
			strbuf_printf(sb, "%s%s", i ? ", " : "", q->key[k].v[i]);
		strbuf_puts(sb, "\n");
	}
	for (size_t k = WG_QUICK_MTU; k < QUICK_KEYS; k++)
		for (size_t i = 0; i < q->key[k].n; i++)
			strbuf_printf(sb, "%s = %s\n", quick_names[k], q->key[k].v[i]);
}

WG_EXPORT int wg_config_format(char **text, const wg_device *dev, const wg_quick_config *quick)
{
	struct strbuf sb = { 0 };
	wg_key_b64_string b64;
	const wg_peer *peer;
	const wg_allowedip *aip;

	/* Field choice and order are `wg showconf`'s (wireguard-tools showconf.c). */
	strbuf_puts(&sb, "[Interface]\n");
	if (dev->listen_port)
		strbuf_printf(&sb, "ListenPort = %u\n", dev->listen_port);
	if (dev->fwmark)
		strbuf_printf(&sb, "FwMark = 0x%x\n", dev->fwmark);
	if (dev->flags & WGDEVICE_HAS_PRIVATE_KEY) {
		wg_key_to_base64(b64, dev->private_key);
		strbuf_printf(&sb, "PrivateKey = %s\n", b64);
	}
	if (quick)
		print_quick(&sb, quick);
	strbuf_puts(&sb, "\n");
	wg_for_each_peer(dev, peer) {
		char buf[WG_ENDPOINT_STRLEN > WG_PREFIX_STRLEN ? WG_ENDPOINT_STRLEN : WG_PREFIX_STRLEN];
		bool first = true;

		wg_key_to_base64(b64, peer->public_key);
		strbuf_printf(&sb, "[Peer]\nPublicKey = %s\n", b64);
		if (peer->flags & WGPEER_HAS_PRESHARED_KEY) {
			wg_key_to_base64(b64, peer->preshared_key);
			strbuf_printf(&sb, "PresharedKey = %s\n", b64);
		}
		wg_for_each_allowedip(peer, aip) {
			if (aip->family != AF_INET && aip->family != AF_INET6)
				continue;
			wg_prefix_format(buf, aip);
			strbuf_printf(&sb, "%s%s", first ? "AllowedIPs = " : ", ", buf);
			first = false;
		}
		if (!first)
			strbuf_puts(&sb, "\n");
		wg_endpoint_format(buf, &peer->endpoint);
		if (buf[0])
			strbuf_printf(&sb, "Endpoint = %s\n", buf);
		if (peer->persistent_keepalive_interval)
			strbuf_printf(&sb, "PersistentKeepalive = %u\n",
				      peer->persistent_keepalive_interval);
		if (peer->next_peer)
			strbuf_puts(&sb, "\n");
	}
	wg_memzero(b64, sizeof(b64));
	return strbuf_finish(&sb, text);
}

WG_EXPORT void wg_config_free_text(char *text)
{
	if (!text)
		return;
	wg_memzero(text, strlen(text));
	free(text);
}
