// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Watch events as text: one line per event as wg-monitor prints it, or one
 * JSON object.  Here in the configuration layer, beside the other text
 * forms, so that the tool, the bindings and a daemon streaming events all
 * print the same thing.
 */
#include <stddef.h>
#include <stdio.h>

#include "addr.h"
#include "os_net.h"
#include "util.h"

static const char *const kind_names[] = {
	[WG_WATCH_DEVICE_ADDED] = "device-added",
	[WG_WATCH_DEVICE_REMOVED] = "device-removed",
	[WG_WATCH_DEVICE_UP] = "up",
	[WG_WATCH_DEVICE_DOWN] = "down",
	[WG_WATCH_DEVICE_RENAMED] = "renamed",
	[WG_WATCH_DEVICE_MTU] = "mtu",
	[WG_WATCH_PRIVATE_KEY] = "private-key",
	[WG_WATCH_LISTEN_PORT] = "listen-port",
	[WG_WATCH_FWMARK] = "fwmark",
	[WG_WATCH_PEER_ADDED] = "peer-added",
	[WG_WATCH_PEER_REMOVED] = "peer-removed",
	[WG_WATCH_ENDPOINT] = "endpoint",
	[WG_WATCH_ALLOWEDIP_ADDED] = "allowed-ip-added",
	[WG_WATCH_ALLOWEDIP_REMOVED] = "allowed-ip-removed",
	[WG_WATCH_PRESHARED_KEY] = "preshared-key",
	[WG_WATCH_KEEPALIVE] = "keepalive",
	[WG_WATCH_HANDSHAKE] = "handshake",
	[WG_WATCH_PEER_SILENT] = "silent",
	[WG_WATCH_PEER_ACTIVE] = "active",
	[WG_WATCH_OVERFLOW] = "overflow",
	[WG_WATCH_DEVICE_ERROR] = "error",
	[WG_WATCH_PEER_UNREACHABLE] = "unreachable",
	[WG_WATCH_SESSION_EXPIRED] = "session-expired",
	[WG_WATCH_NAMESPACE_GONE] = "namespace-gone",
};

WG_EXPORT const char *wg_watch_kind_name(uint32_t kind)
{
	return kind < ARRAY_SIZE(kind_names) ? kind_names[kind] : NULL;
}

/* The value an event's kind carries, as text; "" when it carries none. */
static void value_text(char *buf, size_t len, uint32_t kind, const struct wg_watch_value *v)
{
	wg_allowedip aip = { 0 };
	char ep[WG_ENDPOINT_STRLEN], pfx[WG_PREFIX_STRLEN];
	wg_key_b64_string b64;

	buf[0] = '\0';
	switch (kind) {
	case WG_WATCH_DEVICE_MTU:
	case WG_WATCH_LISTEN_PORT:
	case WG_WATCH_KEEPALIVE:
		snprintf(buf, len, "%llu", (unsigned long long)v->number);
		break;
	case WG_WATCH_FWMARK:
		snprintf(buf, len, "0x%llx", (unsigned long long)v->number);
		break;
	case WG_WATCH_DEVICE_RENAMED:
		snprintf(buf, len, "%.*s", IFNAMSIZ, v->name);
		break;
	case WG_WATCH_PRIVATE_KEY:
		if (wg_key_is_zero(v->key)) {
			snprintf(buf, len, "(none)");
		} else {
			wg_key_to_base64(b64, v->key);
			snprintf(buf, len, "%s", b64);
		}
		break;
	case WG_WATCH_ENDPOINT:
		wg_endpoint_format(ep, &v->endpoint);
		snprintf(buf, len, "%s", ep[0] ? ep : "(none)");
		break;
	case WG_WATCH_ALLOWEDIP_ADDED:
	case WG_WATCH_ALLOWEDIP_REMOVED:
		if (v->prefix.family != AF_INET && v->prefix.family != AF_INET6)
			break;
		aip.family = v->prefix.family;
		aip.cidr = v->prefix.cidr;
		if (aip.family == AF_INET)
			aip.ip4 = v->prefix.ip4;
		else
			aip.ip6 = v->prefix.ip6;
		wg_prefix_format(pfx, &aip);
		snprintf(buf, len, "%s", pfx);
		break;
	case WG_WATCH_HANDSHAKE:
	case WG_WATCH_PEER_SILENT:
		if (v->time.tv_sec)
			snprintf(buf, len, "%lld.%09lld", (long long)v->time.tv_sec,
				 (long long)v->time.tv_nsec);
		break;
	}
}

/* Which sides an event's kind reports. */
static bool has_before(uint32_t kind)
{
	switch (kind) {
	case WG_WATCH_DEVICE_MTU: case WG_WATCH_LISTEN_PORT: case WG_WATCH_KEEPALIVE:
	case WG_WATCH_FWMARK: case WG_WATCH_DEVICE_RENAMED: case WG_WATCH_PRIVATE_KEY:
	case WG_WATCH_ENDPOINT: case WG_WATCH_ALLOWEDIP_REMOVED: case WG_WATCH_PEER_SILENT:
		return true;
	}
	return false;
}

static bool has_after(uint32_t kind)
{
	if (kind == WG_WATCH_ALLOWEDIP_ADDED || kind == WG_WATCH_HANDSHAKE)
		return true;
	return has_before(kind) && kind != WG_WATCH_ALLOWEDIP_REMOVED && kind != WG_WATCH_PEER_SILENT;
}

/* An interface name may hold any byte but '/' and NUL: escape it for JSON. */
static void json_name(char *out, size_t len, const char *name)
{
	size_t o = 0;

	for (size_t i = 0; i < IFNAMSIZ && name[i] && o + 7 < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f)
			o += (size_t)snprintf(out + o, len - o, "\\u%04x", c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

#define APPEND(...) (n += snprintf((size_t)n < len ? buf + n : NULL, \
				   (size_t)n < len ? len - (size_t)n : 0, __VA_ARGS__))

WG_EXPORT int wg_watch_format(char *buf, size_t len, const struct wg_watch_event *ev, uint32_t flags)
{
	char before[WG_ENDPOINT_STRLEN] = "", after[WG_ENDPOINT_STRLEN] = "", dev[IFNAMSIZ * 6 + 1];
	const char *kind = wg_watch_kind_name(ev->kind);
	bool full = ev->size >= sizeof(*ev);
	wg_key_b64_string peer = "";
	char err[96] = "";
	int n;

	if (!kind || ev->size < offsetof(struct wg_watch_event, before) || (flags & ~WG_WATCH_FORMAT_JSON))
		return -(errno = EINVAL);
	if (flags & WG_WATCH_FORMAT_JSON)
		json_name(dev, sizeof(dev), ev->device);
	else
		snprintf(dev, sizeof(dev), "%.*s", IFNAMSIZ, ev->device);
	if (ev->flags & WG_WATCH_EVENT_PEER)
		wg_key_to_base64(peer, ev->public_key);
	if (full && has_before(ev->kind))
		value_text(before, sizeof(before), ev->kind, &ev->before);
	if (full && has_after(ev->kind))
		value_text(after, sizeof(after), ev->kind, &ev->after);
	if (ev->error)
		snprintf(err, sizeof(err), "%s", strerror(ev->error));

	if (flags & WG_WATCH_FORMAT_JSON) {
		/* Keys, addresses and strerror texts hold no '"' or '\\'. */
		n = snprintf(buf, len, "{\"time\":%lld.%06lld,\"device\":\"%s\",\"ifindex\":%u,\"kind\":\"%s\"",
			     (long long)ev->time.tv_sec, (long long)ev->time.tv_nsec / 1000, dev,
			     ev->ifindex, kind);
		if (peer[0])
			APPEND(",\"peer\":\"%s\"", peer);
		if (before[0])
			APPEND(",\"before\":\"%s\"", before);
		if (after[0])
			APPEND(",\"after\":\"%s\"", after);
		if (ev->kind == WG_WATCH_DEVICE_ERROR || ev->error)
			APPEND(",\"error\":%d,\"message\":\"%s\"", ev->error, err);
		if (ev->flags & WG_WATCH_EVENT_PUSHED)
			APPEND(",\"pushed\":true");
		APPEND("}");
		return n;
	}
	n = snprintf(buf, len, "%s %s", dev[0] ? dev : "*", kind);
	if (peer[0])
		APPEND(" %s", peer);
	if (before[0] && after[0])
		APPEND(" %s -> %s", before, after);
	else if (before[0] || after[0])
		APPEND(" %s", before[0] ? before : after);
	if (ev->kind == WG_WATCH_DEVICE_ERROR)
		APPEND(" %s", ev->error ? err : "resolved");
	else if (ev->error)
		APPEND(" (%s)", err);
#undef APPEND
	return n;
}
