/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The one implementation of WireGuard's set semantics (the Linux driver's
 * drivers/net/wireguard/netlink.c: set_device, set_peer, set_allowedip).
 *
 * A set is validated and resolved against the current state into a list of
 * operations, each of which is valid where it stands: a peer is created only
 * when it does not exist, removed only when it does, a prefix removed only
 * from the peer that owns it at that point.  Every rule (REPLACE_PEERS,
 * REMOVE_ME, UPDATE_ONLY, REPLACE_ALLOWEDIPS, per-IP removal, a prefix moving
 * between peers, the device's own key, a peer listed twice, the peer limit)
 * is decided here; backends only carry the operations out:
 *
 *   - config_apply.c (wg_device_apply, canonical form) on a private model;
 *   - the engine, all or nothing: it allocates what the plan needs, then
 *     commits with nothing that can fail;
 *   - the per-IP-removal emulations (kernels before 6.16, UAPI daemons)
 *     through wg_set_plan_replace_removals().
 *
 * The planner reads the state only through struct wg_plan_state, lazily and
 * only for the keys and prefixes the set names, so that a small set on a
 * large engine costs what the set costs.
 */
#ifndef WG_SET_PLAN_H
#define WG_SET_PLAN_H

#include <wireguard.h>

#include "siphash.h"

/* As in the Linux driver (drivers/net/wireguard/messages.h). */
#define WG_MAX_PEERS_PER_DEVICE (1U << 20)

/* A prefix with its host bits cleared; unused address bytes are zero. */
struct wg_plan_prefix {
	uint16_t family;	/* AF_INET or AF_INET6 */
	uint8_t cidr;
	uint8_t addr[16];
};

/* What the planner asks of the state a set applies to. */
struct wg_plan_state {
	void *ctx;
	size_t npeers;		/* peers now (for the limit) */
	size_t max_peers;	/* the owner's own limit, below the driver's; 0: none */
	bool has_identity;	/* a private key is set: public_key is its own */
	wg_key public_key;
	/* The peer with this public key (a handle of the backend's), or NULL. */
	void *(*find_peer)(void *ctx, const uint8_t key[32]);
	/* Whether some peer owns exactly this prefix; if so its key in owner. */
	bool (*prefix_owner)(void *ctx, const struct wg_plan_prefix *p, uint8_t owner[32]);
};

enum wg_plan_kind {
	WG_PLAN_REMOVE_ALL_PEERS,
	WG_PLAN_PRIVATE_KEY,	/* plan->private_key (clamped; zero: none) */
	WG_PLAN_LISTEN_PORT,	/* plan->set->listen_port */
	WG_PLAN_FWMARK,		/* plan->set->fwmark */
	WG_PLAN_REMOVE_PEER,	/* it exists */
	WG_PLAN_CREATE_PEER,	/* it does not exist; protocol version 1, all else zero */
	WG_PLAN_UPDATE_PEER,	/* what: WG_PLAN_SET_*, values from src */
	WG_PLAN_CLEAR_ALLOWEDIPS,
	WG_PLAN_ADD_ALLOWEDIP,	/* not owned by this peer; taken from its owner if any */
	WG_PLAN_REMOVE_ALLOWEDIP,	/* owned by this peer */
};

enum {
	WG_PLAN_SET_PRESHARED_KEY = 1U << 0,
	WG_PLAN_SET_ENDPOINT = 1U << 1,	/* src->endpoint is IPv4 or IPv6 */
	WG_PLAN_SET_KEEPALIVE = 1U << 2,
};

struct wg_plan_op {
	uint8_t kind;		/* enum wg_plan_kind */
	uint8_t what;		/* WG_PLAN_UPDATE_PEER: WG_PLAN_SET_* */
	uint32_t peer;		/* index into plan->peers (peer operations) */
	const wg_peer *src;	/* the set's entry (WG_PLAN_UPDATE_PEER) */
	struct wg_plan_prefix prefix;	/* allowed-IP operations */
};

/* Each public key the plan touches, once, in order of first mention. */
struct wg_plan_peer {
	const uint8_t *public_key;	/* points into the set */
	/* Planner's bookkeeping: */
	void *ref;		/* find_peer()'s answer, when it was asked (state unchanged) */
	int8_t exists;		/* -1 not asked yet, 0, 1 */
	bool from_state;	/* existed before the set and was never removed since */
	uint32_t cleared;	/* sequence number of its last removal, creation or clear */
};

struct wg_set_plan {
	const wg_device *set;
	struct wg_plan_op *ops;
	size_t nops;
	struct wg_plan_peer *peers;
	size_t npeers;
	wg_key private_key, public_key;	/* for WG_PLAN_PRIVATE_KEY */
	/* What a backend must prepare before committing: */
	size_t creates;		/* WG_PLAN_CREATE_PEER operations */
	size_t adds;		/* WG_PLAN_ADD_ALLOWEDIP operations */
	size_t adding_peers;	/* distinct peers that receive a prefix */
};

/*
 * Plan set against state; set must have passed wg_set_plan_validate() with
 * the same as_state (callers validate first, before taking any lock).  With
 * as_state, set is read as a state (wg_device_canonicalize()): peers need no
 * HAS_PUBLIC_KEY, unknown flags are ignored, and a nonzero value counts as
 * given without its flag.  0, -ENOMEM (out of memory, or more than
 * WG_MAX_PEERS_PER_DEVICE peers, as the driver answers), or -ENOSPC (more
 * than state->max_peers).  The plan
 * points into set, which must outlive it.  Free with wg_set_plan_free().
 */
int wg_set_plan_build(struct wg_set_plan *plan, const wg_device *set, const struct wg_plan_state *state,
		      bool as_state);
void wg_set_plan_free(struct wg_set_plan *plan);

/*
 * The input checks, before any plan: 0, or -EINVAL with a message (unknown
 * flags and peers without WGPEER_HAS_PUBLIC_KEY only when !as_state).
 */
int wg_set_plan_validate(const wg_device *set, bool as_state);

/*
 * For the open-addressing tables of the planner and its consumers, sized
 * once to a power of two at least 2n.  Their keys (public keys, prefixes)
 * may come from someone else's configuration, so they are hashed as the
 * engine's tables are: SipHash under a random key per table.
 */
struct wg_plan_hash_key {
	uint8_t k[WG_SIPHASH_KEY_SIZE];
};
void wg_plan_hash_key_init(struct wg_plan_hash_key *key);
uint64_t wg_plan_hash(const struct wg_plan_hash_key *key, const void *data, size_t n);
size_t wg_plan_table_size(size_t n);

/* Mask an allowed IP into a prefix (the address family must be valid). */
void wg_plan_prefix_of(struct wg_plan_prefix *p, const wg_allowedip *aip);

/* Whether set removes single allowed IPs (WGALLOWEDIP_REMOVE_ME) of peers it keeps. */
bool wg_set_has_allowedip_removal(const wg_device *set);

/*
 * For backends without per-IP removal (Linux before 6.16, UAPI): given the
 * current state, the set that has the same outcome without
 * WGALLOWEDIP_REMOVE_ME: each peer entry that removes prefixes is sent with
 * REPLACE_ALLOWEDIPS and the peer's final list, and every peer whose list
 * would still differ from the outcome (it lost a prefix taken by an entry
 * that was then removed) gets an UPDATE_ONLY entry with its final list.
 * A peer listed twice is thus applied in order, as the driver does.  The
 * result is exact only if nobody changes the device between the read of
 * current and the set.  Free *out with wg_free_device().  0, -EINVAL or
 * -ENOMEM.
 */
int wg_set_plan_replace_removals(const wg_device *current, const wg_device *set, wg_device **out);

#endif
