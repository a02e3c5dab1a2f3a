/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Internal helpers of the configuration model (config.c) that several backends share. */
#ifndef WG_CONFIG_H
#define WG_CONFIG_H

#include <wireguard.h>

/*
 * Append a copy of src's family, address and prefix length (not its flags)
 * to peer's allowed IPs.  NULL when out of memory, with the error set.
 */
wg_allowedip *wg_peer_append_prefix(wg_peer *peer, const wg_allowedip *src);

/* Free every allowed IP of peer and leave its list empty. */
void wg_peer_free_allowedips(wg_peer *peer);

/* Free a peer that is in no device's list (its allowed IPs; the preshared key wiped). */
void wg_peer_free(wg_peer *peer);

/* The canonical order: IPv4 first, then address, then prefix length. */
int wg_prefix_cmp(const wg_allowedip *a, const wg_allowedip *b);

/*
 * Sort a state's peers by public key and each peer's allowed IPs by
 * wg_prefix_cmp(), the order of wg_device_canonicalize(), without its other
 * work: for states read from a backend, which are canonical but for the
 * order.  0 or -ENOMEM (order then partly changed, contents intact).
 */
int wg_config_sort(wg_device *dev);

#endif
