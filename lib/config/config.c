// SPDX-License-Identifier: LGPL-2.1-or-later
/* The configuration model's allocation: devices own peers, peers own allowed IPs. */
#include <stdlib.h>

#include "config.h"
#include "error.h"
#include "util.h"

WG_EXPORT wg_device *wg_device_new(const char *name)
{
	wg_device *dev;

	if (name && strlen(name) >= IFNAMSIZ) {
		wg_error(EINVAL, "interface name '%s' is longer than %d bytes", name, IFNAMSIZ - 1);
		return NULL;
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev) {
		wg_error(ENOMEM, "out of memory");
		return NULL;
	}
	if (name)
		strcpy(dev->name, name);
	return dev;
}

WG_EXPORT wg_peer *wg_device_add_peer(wg_device *dev)
{
	wg_peer *peer = calloc(1, sizeof(*peer));

	if (!peer) {
		wg_error(ENOMEM, "out of memory");
		return NULL;
	}
	if (dev->last_peer)
		dev->last_peer->next_peer = peer;
	else
		dev->first_peer = peer;
	dev->last_peer = peer;
	return peer;
}

WG_EXPORT wg_allowedip *wg_peer_add_allowedip(wg_peer *peer)
{
	wg_allowedip *aip = calloc(1, sizeof(*aip));

	if (!aip) {
		wg_error(ENOMEM, "out of memory");
		return NULL;
	}
	if (peer->last_allowedip)
		peer->last_allowedip->next_allowedip = aip;
	else
		peer->first_allowedip = aip;
	peer->last_allowedip = aip;
	return aip;
}

wg_allowedip *wg_peer_append_prefix(wg_peer *peer, const wg_allowedip *src)
{
	wg_allowedip *aip = wg_peer_add_allowedip(peer);

	if (aip) {
		aip->family = src->family;
		aip->ip6 = src->ip6;
		aip->cidr = src->cidr;
	}
	return aip;
}

void wg_peer_free_allowedips(wg_peer *peer)
{
	wg_allowedip *aip, *next;

	for (aip = peer->first_allowedip; aip; aip = next) {
		next = aip->next_allowedip;
		free(aip);
	}
	peer->first_allowedip = peer->last_allowedip = NULL;
}

void wg_peer_free(wg_peer *peer)
{
	wg_peer_free_allowedips(peer);
	wg_memzero(peer->preshared_key, sizeof(peer->preshared_key));
	free(peer);
}

WG_EXPORT void wg_free_device(wg_device *dev)
{
	wg_peer *peer, *next_peer;

	if (!dev)
		return;
	for (peer = dev->first_peer; peer; peer = next_peer) {
		next_peer = peer->next_peer;
		wg_peer_free(peer);
	}
	wg_memzero(dev->private_key, sizeof(dev->private_key));
	free(dev);
}
