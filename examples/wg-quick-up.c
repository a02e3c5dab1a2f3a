// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What `wg-quick up FILE` does for a kernel device, with libwireguard alone:
 * create the link, apply the [Interface]/[Peer] configuration, set the MTU,
 * add the addresses, route each allowed IP through the link and bring it up.
 * (wg-quick's DNS, hooks and its policy routing for default routes are left
 * out: a /0 allowed IP is only reported.)
 *
 *   wg-quick-up /etc/wireguard/wg0.conf      (as root; the name comes from the file)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <wireguard.h>

static int fail(const char *what)
{
	fprintf(stderr, "wg-quick-up: %s: %s\n", what, wg_last_error());
	return 1;
}

union inaddr {
	struct in_addr v4;
	struct in6_addr v6;
};

/* "10.0.0.1/24" or "fd00::1" (whole address when no prefix is given). */
static int parse_prefix(const char *text, int *family, union inaddr *addr, uint8_t *prefix)
{
	char buf[64], *slash;

	snprintf(buf, sizeof(buf), "%s", text);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	*family = strchr(buf, ':') ? AF_INET6 : AF_INET;
	if (inet_pton(*family, buf, addr) != 1)
		return -1;
	*prefix = (uint8_t)(slash ? atoi(slash) : *family == AF_INET ? 32 : 128);
	return 0;
}

int main(int argc, char **argv)
{
	wg_device *dev = NULL;
	wg_quick_config *quick = NULL;
	const char *mtu, *table_text;
	uint32_t table = 0;
	bool routes = true;
	wg_peer *peer;
	wg_allowedip *aip;

	if (argc != 2) {
		fprintf(stderr, "usage: %s NAME.conf\n", argv[0]);
		return 2;
	}
	if (wg_config_parse_file(&dev, &quick, argv[1], 0) < 0)
		return fail(argv[1]);
	if (!dev->name[0]) {
		fprintf(stderr, "wg-quick-up: %s: the file must be named INTERFACE.conf\n", argv[1]);
		return 1;
	}
	if (wg_add_device(dev->name) < 0)
		return fail("creating the link");
	if (wg_set_device(dev) < 0)
		goto undo;
	mtu = wg_quick_config_get(quick, WG_QUICK_MTU, 0);
	if (wg_link_set_mtu(NULL, dev->name, mtu ? (uint32_t)atoi(mtu) : 1420) < 0)
		goto undo;
	for (size_t i = 0; i < wg_quick_config_count(quick, WG_QUICK_ADDRESS); i++) {
		union inaddr addr;
		int family;
		uint8_t prefix;

		if (parse_prefix(wg_quick_config_get(quick, WG_QUICK_ADDRESS, i), &family, &addr, &prefix) < 0 ||
		    wg_addr_add(NULL, dev->name, family, &addr, prefix) < 0)
			goto undo;
	}
	if (wg_link_set_up(NULL, dev->name, true) < 0)
		goto undo;
	table_text = wg_quick_config_get(quick, WG_QUICK_TABLE, 0);
	if (table_text && !strcmp(table_text, "off"))
		routes = false;
	else if (table_text && strcmp(table_text, "auto"))
		table = (uint32_t)strtoul(table_text, NULL, 10);
	wg_for_each_peer(dev, peer) {
		wg_for_each_allowedip(peer, aip) {
			if (!routes)
				break;
			if (!aip->cidr) {
				printf("not routing %s/0: wg-quick would use policy routing\n",
				       aip->family == AF_INET ? "0.0.0.0" : "::");
				continue;
			}
			/* An existing route (e.g. the address's own prefix) is fine. */
			if (wg_route_add(NULL, dev->name, aip->family, &aip->ip6, aip->cidr, table) < 0 && errno != EEXIST)
				goto undo;
		}
	}
	printf("%s is up\n", dev->name);
	wg_quick_config_free(quick);
	wg_free_device(dev);
	return 0;
undo:
	fail(dev->name);
	wg_del_device(dev->name);
	wg_quick_config_free(quick);
	wg_free_device(dev);
	return 1;
}
