/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Eva harness for lib/engine/allowedips.c: INSERTS inserts of any prefix
 * (any family, any address bytes, any cidr 0..255, one of three peers)
 * into an empty table, then a lookup of any address in each family, then
 * free.  No run-time error in insert (the first slab, the owners' map, the
 * node) or in the lookup.  The suite runs INSERTS=1: with 2, Eva merges
 * the trie's shapes and raises 9 alarms (docs/PROOFS.md).
 */
#include "__fc_builtin.h"
#include <stdlib.h>
#include "allowedips.h"
#include "os_net.h"

/* Stub (os_posix.c): memory with the alignment asked for (Eva's malloc). */
void *wg_os_aligned_alloc(size_t align, size_t size)
{
	(void)align;
	return malloc(size);
}

void wg_os_aligned_free(void *p)
{
	free(p);
}

#ifndef INSERTS
#define INSERTS 1
#endif

/* Peers are opaque to the table (never dereferenced): three distinct
 * non-NULL addresses, as numbers, so that the owners' hash of them stays
 * a precise value for Eva. */
static void *peer(void)
{
	return (void *)(uintptr_t)(64 * Frama_C_interval(1, 3));
}

static int family_of(int f)
{
	return f == 0 ? AF_INET : f == 1 ? AF_INET6 : 0;
}

int main(void)
{
	struct wg_allowedips t;
	uint8_t addr[16];

	wg_allowedips_init(&t);
	for (int i = 0; i < INSERTS; i++) {
		int f = Frama_C_interval(0, 2);

		Frama_C_make_unknown((char *)addr, sizeof(addr));
		/*@ split f; */
		(void)wg_allowedips_insert(&t, family_of(f), addr, (uint8_t)Frama_C_interval(0, 255), peer());
	}
	for (int f = 0; f < 3; f++) {
		Frama_C_make_unknown((char *)addr, sizeof(addr));
		(void)wg_allowedips_lookup(&t, family_of(f), addr);
	}
	wg_allowedips_free(&t);
	return 0;
}
