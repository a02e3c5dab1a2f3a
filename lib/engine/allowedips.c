/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A path-compressed binary trie per address family.  Each node is a prefix;
 * its children extend it and are chosen by the first bit after it, so a
 * lookup walks down at most one node per distinct prefix length on its path,
 * remembering the last owner it passed.  Nodes without an owner exist only
 * where two prefixes diverge (exactly two children); removal restores that,
 * so the trie never holds more than 2n - 1 nodes for n prefixes.
 *
 * Keys are kept as two host-order 64-bit words holding the address bits
 * MSB first (IPv4 in the top 32 bits of the first word), so matching a node
 * is two XORs and a count of leading zeros.
 *
 * Each owner's prefixes are also threaded on a list found through a small
 * hash map keyed by the peer pointer: removing a peer visits only its nodes.
 */
#include <stdlib.h>

#include "allowedips.h"
#include "allowedips_node.h"
#include "os.h"
#include "os_net.h"
#include "util.h"

/* Nodes on the free list are poisoned so that AddressSanitizer still
 * catches a use after removal inside a slab. */
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

enum {
	NODE_ALIGN = 64,
	/* Slab sizes double from the first to the largest: a small table
	 * stays small, a large one makes few allocations. */
	SLAB_FIRST = 16,
	SLAB_MAX = 4096,
	/* A path holds at most one node per prefix length, 0..128. */
	MAX_DEPTH = 129,
};
_Static_assert(sizeof(struct wg_allowedips_node) <= NODE_ALIGN, "a node fits a cache line");

struct wg_allowedips_owner {
	void *peer;	/* NULL: empty slot */
	struct wg_allowedips_node *first, *last;	/* in insertion order */
};

typedef struct wg_allowedips_node node;

static inline uint64_t be64(const uint8_t *p)
{
	return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
	       (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
	       (uint64_t)p[6] << 8 | p[7];
}

/* The trie's bit count for family, 0 if unsupported. */
static inline unsigned family_bits(int family)
{
	return family == AF_INET ? 32 : family == AF_INET6 ? 128 : 0;
}

static inline void load_key(uint64_t key[2], unsigned bits, const uint8_t *addr)
{
	if (bits == 32) {
		key[0] = (uint64_t)addr[0] << 56 | (uint64_t)addr[1] << 48 |
			 (uint64_t)addr[2] << 40 | (uint64_t)addr[3] << 32;
		key[1] = 0;
	} else {
		key[0] = be64(addr);
		key[1] = be64(addr + 8);
	}
}

static void store_key(uint8_t *addr, unsigned bits, const uint64_t key[2])
{
	wg_put_be64(addr, key[0]);
	if (bits == 128)
		wg_put_be64(addr + 8, key[1]);
}

/* Zero the bits beyond cidr. */
static void mask_key(uint64_t key[2], unsigned cidr)
{
	if (cidr < 64) {
		key[0] = cidr ? key[0] & ~UINT64_C(0) << (64 - cidr) : 0;
		key[1] = 0;
	} else if (cidr < 128) {
		key[1] = cidr > 64 ? key[1] & ~UINT64_C(0) << (128 - cidr) : 0;
	}
}

/* How many leading bits a and b share (0..128). */
static inline unsigned common_bits(const uint64_t a[2], const uint64_t b[2])
{
	uint64_t x = a[0] ^ b[0];

	if (x)
		return (unsigned)__builtin_clzll(x);
	x = a[1] ^ b[1];
	return x ? 64 + (unsigned)__builtin_clzll(x) : 128;
}

/* Bit i (0 = most significant) of key. */
static inline unsigned bit_at(const uint64_t key[2], unsigned i)
{
	unsigned b = i < 64 ? (unsigned)(key[0] >> (63 - i)) & 1 : (unsigned)(key[1] >> (127 - i)) & 1;

	/* Proof hint for Eva (tests/proof/eva_allowedips_ops.c): one state
	 * per value, so that the child it picks is one precise link. */
	/*@ split b; */
	return b;
}

static inline node **root_of(struct wg_allowedips *t, unsigned bits)
{
	return bits == 32 ? &t->root4 : &t->root6;
}

/* ---- owners: peer pointer -> first node of its list ---- */

static inline size_t owner_home(const void *peer, size_t mask)
{
	return (size_t)(((uint64_t)(uintptr_t)peer * UINT64_C(0x9e3779b97f4a7c15)) >> 32) & mask;
}

static struct wg_allowedips_owner *owner_find(const struct wg_allowedips *t, const void *peer)
{
	if (!t->owners)
		return NULL;
	for (size_t i = owner_home(peer, t->owners_mask);; i = (i + 1) & t->owners_mask) {
		if (t->owners[i].peer == peer)
			return &t->owners[i];
		if (!t->owners[i].peer)
			return NULL;
	}
}

static struct wg_allowedips_owner *owner_slot(struct wg_allowedips_owner *owners, size_t mask,
					      const void *peer)
{
	size_t i = owner_home(peer, mask);

	while (owners[i].peer && owners[i].peer != peer)
		i = (i + 1) & mask;
	return &owners[i];
}

/* Make room for extra more owners, so that linking cannot fail later. */
static int owner_grow(struct wg_allowedips *t, size_t extra)
{
	size_t n = t->owners ? t->owners_mask + 1 : 16;
	struct wg_allowedips_owner *o;

	while ((t->owners_count + extra) * 2 > n)
		n *= 2;
	if (t->owners && n == t->owners_mask + 1)
		return 0;
	o = calloc(n, sizeof(*o));
	if (!o)
		return -ENOMEM;
	for (size_t i = 0; t->owners && i <= t->owners_mask; i++)
		if (t->owners[i].peer)
			*owner_slot(o, n - 1, t->owners[i].peer) = t->owners[i];
	free(t->owners);
	t->owners = o;
	t->owners_mask = n - 1;
	return 0;
}

static int owner_reserve(struct wg_allowedips *t)
{
	return owner_grow(t, 1);
}

/* Delete an owner's slot, shifting its probe run back (no tombstones). */
static void owner_delete(struct wg_allowedips *t, struct wg_allowedips_owner *slot)
{
	size_t mask = t->owners_mask, i = (size_t)(slot - t->owners), j;

	for (j = (i + 1) & mask; t->owners[j].peer; j = (j + 1) & mask) {
		size_t home = owner_home(t->owners[j].peer, mask);

		if (((j - home) & mask) >= ((j - i) & mask)) {
			t->owners[i] = t->owners[j];
			i = j;
		}
	}
	t->owners[i].peer = NULL;
	t->owners[i].first = t->owners[i].last = NULL;
	t->owners_count--;
}

/* Needs owner_reserve() first. */
static void owner_link(struct wg_allowedips *t, node *n, void *peer)
{
	struct wg_allowedips_owner *o = owner_slot(t->owners, t->owners_mask, peer);

	if (!o->peer) {
		o->peer = peer;
		o->first = o->last = NULL;
		t->owners_count++;
	}
	n->peer = peer;
	n->peer_next = NULL;
	n->peer_prev = o->last;
	if (o->last)
		o->last->peer_next = n;
	else
		o->first = n;
	o->last = n;
}

static void owner_unlink(struct wg_allowedips *t, node *n)
{
	/* The map is consulted only when an end of the list moves. */
	struct wg_allowedips_owner *o = n->peer_prev && n->peer_next ? NULL : owner_find(t, n->peer);

	if (n->peer_prev)
		n->peer_prev->peer_next = n->peer_next;
	else
		o->first = n->peer_next;
	if (n->peer_next)
		n->peer_next->peer_prev = n->peer_prev;
	else
		o->last = n->peer_prev;
	if (o && !o->first)
		owner_delete(t, o);
	n->peer = NULL;
	n->peer_prev = n->peer_next = NULL;
}

/* ---- the trie ---- */

void wg_allowedips_init(struct wg_allowedips *t)
{
	memset(t, 0, sizeof(*t));
}

/* ---- node slabs ---- */

/* Nodes in the i-th slab. */
static size_t slab_nodes(size_t i)
{
	return i < 16 && ((size_t)SLAB_FIRST << i) < SLAB_MAX ? (size_t)SLAB_FIRST << i : SLAB_MAX;
}

static void release_slabs(struct wg_allowedips *t)
{
	for (size_t i = 0; i < t->nslabs; i++) {
		UNPOISON(t->slabs[i], slab_nodes(i) * NODE_ALIGN);
		wg_os_aligned_free(t->slabs[i]);
	}
	free(t->slabs);
	t->slabs = NULL;
	t->nslabs = t->slabs_cap = 0;
	t->free_nodes = NULL;
	t->nfree = 0;
}

static void free_node(struct wg_allowedips *t, node *n)
{
	n->child[0] = t->free_nodes;
	t->free_nodes = n;
	t->nfree++;
	POISON(n, NODE_ALIGN);
}

/* One more slab, all its nodes on the free list. */
static int add_slab(struct wg_allowedips *t)
{
	size_t count;
	node *slab;

	if (t->nslabs == t->slabs_cap) {
		size_t cap = t->slabs_cap ? t->slabs_cap * 2 : 8;
		void **slabs = realloc(t->slabs, cap * sizeof(*slabs));

		if (!slabs)
			return -ENOMEM;
		t->slabs = slabs;
		t->slabs_cap = cap;
	}
	count = slab_nodes(t->nslabs);
	slab = wg_os_aligned_alloc(NODE_ALIGN, count * NODE_ALIGN);
	if (!slab)
		return -ENOMEM;
	t->slabs[t->nslabs++] = slab;
	for (size_t i = count; i > 0; i--)
		free_node(t, &slab[i - 1]);
	return 0;
}

static node *alloc_node(struct wg_allowedips *t)
{
	node *n;

	if (!t->free_nodes && add_slab(t))
		return NULL;
	n = t->free_nodes;
	UNPOISON(n, NODE_ALIGN);
	t->free_nodes = n->child[0];
	t->nfree--;
	return n;
}

int wg_allowedips_reserve(struct wg_allowedips *t, size_t inserts, size_t new_owners)
{
	/* An insertion takes at most two nodes: its own and a branch point. */
	while (t->nfree < 2 * inserts)
		if (add_slab(t))
			return -ENOMEM;
	if (owner_grow(t, new_owners + 1))
		return -ENOMEM;
	t->held = true;
	return 0;
}

/* An empty table gives its memory back (a full replace of the peers), unless held. */
static void release_if_empty(struct wg_allowedips *t)
{
	if (t->held || t->count || t->root4 || t->root6)
		return;
	release_slabs(t);
	free(t->owners);
	t->owners = NULL;
	t->owners_mask = t->owners_count = 0;
}

void wg_allowedips_release(struct wg_allowedips *t)
{
	t->held = false;
	release_if_empty(t);
}

void wg_allowedips_free(struct wg_allowedips *t)
{
	release_slabs(t);
	free(t->owners);
	memset(t, 0, sizeof(*t));
}

/*
 * Find the node for exactly key/cidr, recording the links that lead to it:
 * path[i] points at the i-th node from the root.  Returns the index of the
 * last link (the node is *path[i]), or -1 if there is no such node.
 */
static int find_path(struct wg_allowedips *t, unsigned bits, const uint64_t key[2], unsigned cidr,
		     node **path[MAX_DEPTH])
{
	node **link = root_of(t, bits), *n;
	int depth = 0;

	while ((n = *link) && n->cidr < cidr && common_bits(key, n->key) >= n->cidr) {
		path[depth++] = link;
		link = &n->child[bit_at(key, n->cidr)];
	}
	if (!n || n->cidr != cidr || common_bits(key, n->key) < cidr)
		return -1;
	path[depth] = link;
	return depth;
}

/*
 * The node at the end of path lost its owner: drop ownerless nodes that no
 * longer branch, bottom up.  A leaf goes; a single child takes its parent's
 * place, which keeps its bit position valid since it extends the parent.
 */
static void prune(struct wg_allowedips *t, node **path[MAX_DEPTH], int depth)
{
	for (; depth >= 0; depth--) {
		node *n = *path[depth];

		if (n->peer || (n->child[0] && n->child[1]))
			break;
		*path[depth] = n->child[0] ? n->child[0] : n->child[1];
		free_node(t, n);
	}
	release_if_empty(t);
}

static node *new_node(struct wg_allowedips *t, const uint64_t key[2], unsigned cidr, unsigned bits)
{
	node *n = alloc_node(t);

	if (n) {
		memset(n, 0, sizeof(*n));
		n->key[0] = key[0];
		n->key[1] = key[1];
		mask_key(n->key, cidr);
		n->cidr = (uint8_t)cidr;
		n->bits = (uint8_t)bits;
	}
	return n;
}

int wg_allowedips_insert(struct wg_allowedips *t, int family, const void *addr, uint8_t cidr, void *peer)
{
	unsigned bits = family_bits(family), common;
	node **slot, *n, *leaf, *branch = NULL;
	uint64_t key[2];

	if (!bits || cidr > bits || !peer)
		return -EINVAL;
	load_key(key, bits, addr);
	mask_key(key, cidr);

	/* Descend while the node is a prefix of (or equal to) ours.  Proof
	 * hints (tests/proof/allowedips_insert.c): the loop moves only slot
	 * and n, down the trie, and only past a node shorter than ours. */
	slot = root_of(t, bits);
	/*@ loop invariant descent_in_trie: trie(*slot, bits);
	    loop assigns slot, n; */
	while ((n = *slot) && n->cidr <= cidr && common_bits(key, n->key) >= n->cidr) {
		if (n->cidr == cidr) {
			/* The prefix exists (maybe as a bare branch): (re)own it. */
			if (n->peer == peer)
				return 0;
			if (owner_reserve(t))
				return -ENOMEM;
			if (n->peer)
				owner_unlink(t, n);
			else
				t->count++;
			owner_link(t, n, peer);
			return 0;
		}
		/*@ assert descend_shorter: n->cidr < cidr; */
		slot = &n->child[bit_at(key, n->cidr)];
	}

	/*
	 * The new prefix goes into *slot.  If a node n is there, either ours
	 * contains it (n becomes our child) or they diverge at bit common,
	 * and a branch node for their shared prefix takes both.
	 */
	common = cidr;
	if (n) {
		common = common_bits(key, n->key);
		if (common > cidr)
			common = cidr;
		if (common > n->cidr)
			common = n->cidr;
	}
	if (owner_reserve(t))
		return -ENOMEM;
	leaf = new_node(t, key, cidr, bits);
	if (leaf && n && common < cidr) {
		branch = new_node(t, key, common, bits);
		if (!branch)
			free_node(t, leaf);
	}
	if (!leaf || (n && common < cidr && !branch))
		return -ENOMEM;

	if (!n) {
		*slot = leaf;
	} else if (!branch) {
		/* n extends ours (else the loop had descended past it), so ours
		 * is shorter than the family's bits. */
		/*@ assert below_longer: cidr < bits; */
		leaf->child[bit_at(n->key, cidr)] = n;
		*slot = leaf;
	} else {
		/* The keys differ at bit common (their first difference): the
		 * leaf goes one way, n the other. */
		unsigned b = bit_at(key, common);

		branch->child[b] = leaf;
		branch->child[!b] = n;
		*slot = branch;
	}
	owner_link(t, leaf, peer);
	t->count++;
	return 0;
}

int wg_allowedips_remove(struct wg_allowedips *t, int family, const void *addr, uint8_t cidr, void *peer)
{
	unsigned bits = family_bits(family);
	node **path[MAX_DEPTH], *n;
	uint64_t key[2];
	int depth;

	if (!bits || cidr > bits)
		return -EINVAL;
	load_key(key, bits, addr);
	mask_key(key, cidr);
	depth = find_path(t, bits, key, cidr, path);
	if (depth < 0 || !peer || (n = *path[depth])->peer != peer)
		return -ENOENT;
	owner_unlink(t, n);
	t->count--;
	prune(t, path, depth);
	return 0;
}

void wg_allowedips_remove_by_peer(struct wg_allowedips *t, void *peer)
{
	struct wg_allowedips_owner *o = peer ? owner_find(t, peer) : NULL;
	node *n, *next;

	if (!o)
		return;
	n = o->first;
	owner_delete(t, o);
	/* Pruning frees only ownerless nodes, so the rest of the list (still
	 * owned) survives until its turn. */
	for (; n; n = next) {
		node **path[MAX_DEPTH];
		int depth = find_path(t, n->bits, n->key, n->cidr, path);

		next = n->peer_next;
		n->peer = NULL;
		n->peer_prev = n->peer_next = NULL;
		t->count--;
		prune(t, path, depth);
	}
}

void *wg_allowedips_owner_of(const struct wg_allowedips *t, int family, const void *addr, uint8_t cidr)
{
	node **path[MAX_DEPTH];
	unsigned bits = family_bits(family);
	uint64_t key[2];
	int depth;

	if (!bits || cidr > bits)
		return NULL;
	load_key(key, bits, addr);
	mask_key(key, cidr);
	/* find_path only reads; the links it records are not used here. */
	depth = find_path((struct wg_allowedips *)t, bits, key, cidr, path);
	return depth < 0 ? NULL : (*path[depth])->peer;
}

void *wg_allowedips_lookup(const struct wg_allowedips *t, int family, const void *addr)
{
	unsigned bits = family_bits(family);
	const node *n;
	void *best = NULL;
	uint64_t key[2];
	/*@ ghost const node *from = NULL; */	/* the node best is the owner of */

	if (!bits)
		return NULL;
	load_key(key, bits, addr);
	n = bits == 32 ? t->root4 : t->root6;
	/*@ ghost const node *root = n; */
	/* Proof hints (tests/proof/allowedips_lookup.c; the ghost root and
	 * from exist only there: where the walk began, and the node best was
	 * taken from).  n is in the trie of this family; best is the owner of
	 * a node containing the address; every owner's node containing it is
	 * below n or holds a prefix no longer than from's (covered): the child
	 * not taken holds none, its prefixes having the other bit where the
	 * walk chooses.  Nothing is below n after the loop.  Only the locals
	 * change. */
	/*@ loop invariant trie{Pre}(n, bits);
	    loop invariant below: \forall node *m; in_trie(n, m) ==> in_trie(root, m);
	    loop invariant owner: best == \null ? from == \null :
	      in_trie(root, from) && from->peer == best &&
	      same_prefix(from->key[0], from->key[1], key[0], key[1], from->cidr);
	    loop invariant shorter: from != \null && n != \null ==> from->cidr < n->cidr;
	    loop invariant seen: covered(root, n, from, key[0], key[1]);
	    loop assigns n, best, from; */
	while (n && common_bits(key, n->key) >= n->cidr) {
		if (n->peer)
			best = n->peer;
		/*@ ghost if (n->peer) from = n; */
		if (n->cidr == bits)
			break;
		n = n->child[bit_at(key, n->cidr)];
	}
	/*@ assert found: covered(root, \null, from, key[0], key[1]); */
	return best;
}

typedef void walk_fn(void *peer, int family, const uint8_t *addr, uint8_t cidr, void *ctx);

void wg_allowedips_walk_by_peer(const struct wg_allowedips *t, void *peer, walk_fn *fn, void *ctx)
{
	const struct wg_allowedips_owner *o = peer ? owner_find(t, peer) : NULL;
	uint8_t addr[16];

	for (const node *n = o ? o->first : NULL; n; n = n->peer_next) {
		store_key(addr, n->bits, n->key);
		fn(n->peer, n->bits == 32 ? AF_INET : AF_INET6, addr, n->cidr, ctx);
	}
}

/* Pre-order, 0 before 1: address order, a prefix before what it contains.
 * Recursion depth is bounded by the address length. */
static void walk(const node *n, walk_fn *fn, void *ctx)
{
	uint8_t addr[16];

	for (; n; n = n->child[1]) {
		if (n->peer) {
			store_key(addr, n->bits, n->key);
			fn(n->peer, n->bits == 32 ? AF_INET : AF_INET6, addr, n->cidr, ctx);
		}
		walk(n->child[0], fn, ctx);
	}
}

void wg_allowedips_walk(const struct wg_allowedips *t, walk_fn *fn, void *ctx)
{
	walk(t->root4, fn, ctx);
	walk(t->root6, fn, ctx);
}
