// SPDX-License-Identifier: LGPL-2.1-or-later
/* Event blocks of the UAPI "subscribe=1" extension: see uapi_event.h. */
#include <stdio.h>
#include <stdlib.h>

#include "addr.h"
#include "uapi_event.h"
#include "util.h"

static const char *const names[] = {
	[WG_EVENT_HANDSHAKE_COMPLETE] = "handshake",
	[WG_EVENT_SESSION_EXPIRED] = "session_expired",
	[WG_EVENT_ENDPOINT_CHANGED] = "endpoint",
	[WG_EVENT_PEER_UNREACHABLE] = "unreachable",
};

size_t uapi_event_format(char buf[UAPI_EVENT_MAX], const struct wg_event *ev,
			 const struct wg_timespec64 *time)
{
	char ep[WG_ENDPOINT_STRLEN] = "";
	wg_key_hex_string hex;
	int n;

	if (!ev || ev->type >= ARRAY_SIZE(names) || !names[ev->type])
		return (size_t)snprintf(buf, UAPI_EVENT_MAX, "event=changed\n\n");
	wg_key_to_hex(hex, ev->public_key);
	if (ev->type == WG_EVENT_ENDPOINT_CHANGED)
		wg_endpoint_format(ep, &ev->endpoint);
	n = snprintf(buf, UAPI_EVENT_MAX, "event=%s\npublic_key=%s\n%s%s%stime=%lld.%09lld\n\n",
		     names[ev->type], hex, ep[0] ? "endpoint=" : "", ep, ep[0] ? "\n" : "",
		     (long long)time->tv_sec, (long long)time->tv_nsec);
	return n < UAPI_EVENT_MAX ? (size_t)n : UAPI_EVENT_MAX - 1;
}

int uapi_event_parse(const char *block, size_t len, struct wg_event *ev, struct wg_timespec64 *time)
{
	char line[WG_ENDPOINT_STRLEN + 16];
	bool changed = false, have_key = false;
	const char *p = block, *end = block + len;

	memset(ev, 0, sizeof(*ev));
	memset(time, 0, sizeof(*time));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		char *eq, *e;

		if (n >= sizeof(line))
			return -EINVAL;
		memcpy(line, p, n);
		line[n] = '\0';
		p += n + 1;
		eq = strchr(line, '=');
		if (!eq)
			return -EINVAL;
		*eq++ = '\0';
		if (!strcmp(line, "event")) {
			changed = !strcmp(eq, "changed");
			for (size_t i = 0; i < ARRAY_SIZE(names); i++)
				if (names[i] && !strcmp(eq, names[i]))
					ev->type = (uint32_t)i;
			if (!changed && !ev->type)
				return -EINVAL;
		} else if (!strcmp(line, "public_key")) {
			if (wg_key_from_hex(ev->public_key, eq) < 0)
				return -EINVAL;
			have_key = true;
		} else if (!strcmp(line, "endpoint")) {
			if (wg_endpoint_parse(&ev->endpoint, eq, ADDR_NUMERIC) < 0)
				return -EINVAL;
		} else if (!strcmp(line, "time")) {
			time->tv_sec = strtoll(eq, &e, 10);
			if (*e == '.')
				time->tv_nsec = strtoll(e + 1, &e, 10);
			if (*e)
				return -EINVAL;
		}
		/* Other keys: from a later version, ignored. */
	}
	if (changed)
		return 0;
	return ev->type && have_key ? 1 : -EINVAL;
}
