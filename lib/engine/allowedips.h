/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Cryptokey routing: the table from IP prefixes to the peers that own them.
 * Outgoing packets go to the peer owning the longest prefix that matches
 * their destination; incoming packets are accepted only if their source maps
 * back to the peer they came from.  A prefix has at most one owner.
 *
 * Not thread-safe: the caller locks (lookups may share a read lock).
 * Peers are opaque non-NULL pointers; addresses are 4 (AF_INET) or 16
 * (AF_INET6) bytes in network order.
 */
#ifndef WG_ALLOWEDIPS_H
#define WG_ALLOWEDIPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct wg_allowedips_node;
struct wg_allowedips_owner;

struct wg_allowedips {
	struct wg_allowedips_node *root4, *root6;
	/* peer -> its prefixes, so a peer's removal does not scan the trie */
	struct wg_allowedips_owner *owners;
	size_t owners_mask, owners_count;
	size_t count;	/* prefixes in the table */
	/* Nodes are carved from slabs, all freed at once when the table
	 * empties or is freed; unused nodes wait on a free list. */
	void **slabs;
	size_t nslabs, slabs_cap;
	struct wg_allowedips_node *free_nodes;
	size_t nfree;		/* nodes on free_nodes */
	bool held;		/* wg_allowedips_reserve() until wg_allowedips_release() */
};

void wg_allowedips_init(struct wg_allowedips *t);
void wg_allowedips_free(struct wg_allowedips *t);

/*
 * Give the prefix addr/cidr to peer; the bits of addr beyond cidr are
 * ignored.  A prefix owned by another peer moves to this one.
 * 0, -EINVAL (family, cidr or NULL peer), -ENOMEM (table unchanged).
 */
int wg_allowedips_insert(struct wg_allowedips *t, int family, const void *addr, uint8_t cidr, void *peer);

/* Remove addr/cidr if peer owns exactly that prefix; else -ENOENT (or -EINVAL). */
int wg_allowedips_remove(struct wg_allowedips *t, int family, const void *addr, uint8_t cidr, void *peer);

/* Remove every prefix of peer, in time proportional to their number. */
void wg_allowedips_remove_by_peer(struct wg_allowedips *t, void *peer);

/* The owner of exactly the prefix addr/cidr, or NULL.  No allocation. */
void *wg_allowedips_owner_of(const struct wg_allowedips *t, int family, const void *addr, uint8_t cidr);

/*
 * Allocate now what `inserts` insertions, by at most `new_owners` peers that
 * own no prefix yet, could need, and keep all memory until
 * wg_allowedips_release(): in between, insert cannot fail with -ENOMEM
 * (removals included), so a configuration can be committed all or nothing.
 * 0 or -ENOMEM (the table unchanged apart from spare capacity).
 */
int wg_allowedips_reserve(struct wg_allowedips *t, size_t inserts, size_t new_owners);
void wg_allowedips_release(struct wg_allowedips *t);

/* The owner of the longest prefix containing addr, or NULL.  No allocation. */
void *wg_allowedips_lookup(const struct wg_allowedips *t, int family, const void *addr);

/*
 * Call fn once per prefix, with the address masked: IPv4 before IPv6, then
 * in address order, a shorter prefix before the longer ones inside it.
 * fn must not change the table.
 */
void wg_allowedips_walk(const struct wg_allowedips *t,
			void (*fn)(void *peer, int family, const uint8_t *addr, uint8_t cidr, void *ctx),
			void *ctx);

/*
 * Call fn once per prefix of peer, in the order they were given to it (a
 * prefix that moved to peer counts from its move), like the kernel's dump.
 * fn must not change the table.
 */
void wg_allowedips_walk_by_peer(const struct wg_allowedips *t, void *peer,
				void (*fn)(void *peer, int family, const uint8_t *addr, uint8_t cidr, void *ctx),
				void *ctx);

#endif
