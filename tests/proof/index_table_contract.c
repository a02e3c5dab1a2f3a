/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * WP, with -wp-rte: lib/engine/index_table.c has no run-time error for
 * tables of ANY size, any content and any index or key: every data packet,
 * response and cookie reply is looked up with the index it carries, every
 * initiation with the static key it decrypts to.  Eva covers the same code
 * for tables of 16 and 32 slots (tests/proof/eva_index_table.c); here the
 * size is any power of two or not: only "slots[0 .. mask] is valid and
 * apart from the table struct" is assumed (index_ok, key_ok below), with a
 * bound on mask no allocated array exceeds (PTRDIFF_MAX bytes).
 *
 * Two tests (tests/proof/meson.build): `index-table-wp` proves the index
 * lookup, the home slot and the placement (the probe's loop invariants are
 * plain ACSL in index_table.c, which Eva establishes too);
 * `index-table-wp-all`, with -DWG_PROOF_INDEX_WP (the loop invariants and
 * loop assigns index_table.c keeps under that name: Eva does not establish
 * them), every other function but the removals: insert (with growth),
 * init and free of both tables, the key table's find, placement, resize,
 * lookup and reserve.  The two removals (backward shift, shrink) by the
 * command in docs/PROOFS.md (-wp-fct wg_index_table_remove,
 * wg_key_table_remove; ~20 s more of CPU).
 *
 * Trusted: two facts of integer arithmetic WP's provers cannot derive (they
 * need induction over the bits): a bitwise and with a non-negative number
 * lies between 0 and that number.  And libc, through typed twins (below):
 * WP's typed memory model cannot follow memset/memcmp/memcpy/calloc through
 * their `char *`/`void *` contracts, so each call is renamed to a function
 * whose contract speaks of the types index_table.c passes (one behaviour
 * per size it passes): calloc returns NULL or an array valid for the
 * slots asked for and apart from the table and its current slots (what
 * "fresh" means; WP does not implement \fresh); free changes nothing WP
 * can see (use after free is not checked here: the table never reads a
 * freed array, by reading); the random bytes and the SipHash are any
 * values.
 */
#include <stdlib.h>
#include <string.h>
#include "index_table.h"
#include "util.h"

/*@ axiomatic land_bound {
      axiom land_le_right: \forall integer a, b; 0 <= b ==> 0 <= (a & b) <= b;
      axiom land_le_left: \forall integer a, b; 0 <= a ==> 0 <= (a & b) <= a;
    } */

/* libc and the OS, renamed to their typed twins (contracts after the
 * include: they name index_table.c's private slot structs).  Both resize
 * functions call calloc with their table in scope as `t`. */
void *wp_calloc(const void *t, size_t n, size_t size);
void wp_free(void *p);
void *wp_memset(void *p, int c, size_t n);
int wp_memcmp(const uint8_t *a, const uint8_t *b, size_t n);
void *wp_memcpy(uint8_t *dst, const uint8_t *src, size_t n);
void wp_memzero(void *p, size_t n);
void wp_random_bytes(void *p, size_t n);
#define calloc(n, size) wp_calloc(t, n, size)
#define free(p) wp_free(p)
#define memset(p, c, n) wp_memset(p, c, n)
#define memcmp(a, b, n) wp_memcmp(a, b, n)
#define memcpy(d, s, n) wp_memcpy(d, s, n)
#define wg_memzero(p, n) wp_memzero(p, n)
#define wg_random_bytes(p, n) wp_random_bytes(p, n)

#include "index_table.c"	/* its slot structs are private */

/* No array of slots is larger than PTRDIFF_MAX bytes: fewer than 2^58
 * slots (48-byte key slots; 16-byte index slots: 2^59).  So (mask + 1) * 2
 * does not wrap. */
#define MAX_MASK 0x0400000000000000

/*@ predicate index_ok{L}(struct wg_index_table *t) =
      \valid(t) && (t->slots == \null ||
        (t->mask < MAX_MASK && \valid(t->slots + (0 .. t->mask)) && \separated(t, t->slots + (0 .. t->mask))));
    predicate key_ok{L}(struct wg_key_table *t) =
      \valid(t) && (t->slots == \null ||
        (t->mask < MAX_MASK && \valid(t->slots + (0 .. t->mask)) && \separated(t, t->slots + (0 .. t->mask))));
*/

/* ---- libc and the OS: assumed, typed (see the top) ---- */

/*@ assigns \nothing;
    exits \false;
    behavior index_slots:
      assumes size == sizeof(struct wg_index_slot);
      ensures \result == \null || (\valid((struct wg_index_slot *)\result + (0 .. n - 1)) &&
        \separated((struct wg_index_slot *)\result + (0 .. n - 1), (struct wg_index_table *)t,
                   ((struct wg_index_table *)t)->slots + (0 .. ((struct wg_index_table *)t)->mask)));
    behavior key_slots:
      assumes size == sizeof(struct wg_key_slot);
      ensures \result == \null || (\valid((struct wg_key_slot *)\result + (0 .. n - 1)) &&
        \separated((struct wg_key_slot *)\result + (0 .. n - 1), (struct wg_key_table *)t,
                   ((struct wg_key_table *)t)->slots + (0 .. ((struct wg_key_table *)t)->mask))); */
void *wp_calloc(const void *t, size_t n, size_t size);

/*@ assigns \nothing;
    exits \false; */
void wp_free(void *p);

/*@ requires n == sizeof(struct wg_key_slot) || n == sizeof(struct wg_index_table);
    assigns ((struct wg_key_slot *)p)[0 .. (n == sizeof(struct wg_key_slot) ? 0 : -1)],
            ((struct wg_index_table *)p)[0 .. (n == sizeof(struct wg_index_table) ? 0 : -1)];
    exits \false;
    behavior key_slot:
      assumes n == sizeof(struct wg_key_slot);
      requires \valid((struct wg_key_slot *)p);
    behavior index_table:
      assumes n == sizeof(struct wg_index_table);
      requires \valid((struct wg_index_table *)p); */
void *wp_memset(void *p, int c, size_t n);

/*@ requires \valid_read(a + (0 .. n - 1)) && \valid_read(b + (0 .. n - 1));
    assigns \result \from a[0 .. n - 1], b[0 .. n - 1];
    exits \false; */
int wp_memcmp(const uint8_t *a, const uint8_t *b, size_t n);

/*@ requires \valid(dst + (0 .. n - 1)) && \valid_read(src + (0 .. n - 1));
    assigns dst[0 .. n - 1] \from src[0 .. n - 1];
    exits \false; */
void *wp_memcpy(uint8_t *dst, const uint8_t *src, size_t n);

/*@ requires n == WG_SIPHASH_KEY_SIZE || n == sizeof(struct wg_index_table);
    assigns ((uint8_t *)p)[0 .. (n == WG_SIPHASH_KEY_SIZE ? n - 1 : -1)],
            ((struct wg_index_table *)p)[0 .. (n == sizeof(struct wg_index_table) ? 0 : -1)];
    exits \false;
    behavior key:
      assumes n == WG_SIPHASH_KEY_SIZE;
      requires \valid((uint8_t *)p + (0 .. n - 1));
    behavior table:
      assumes n == sizeof(struct wg_index_table);
      requires \valid((struct wg_index_table *)p); */
void wp_memzero(void *p, size_t n);

/*@ requires n == WG_SIPHASH_KEY_SIZE || n == 16 * sizeof(uint32_t);
    assigns ((uint8_t *)p)[0 .. (n == WG_SIPHASH_KEY_SIZE ? n - 1 : -1)],
            ((uint32_t *)p)[0 .. (n == 16 * sizeof(uint32_t) ? 15 : -1)];
    exits \false;
    behavior key:
      assumes n == WG_SIPHASH_KEY_SIZE;
      requires \valid((uint8_t *)p + (0 .. n - 1));
    behavior candidates:
      assumes n == 16 * sizeof(uint32_t);
      requires \valid((uint32_t *)p + (0 .. 15)); */
void wp_random_bytes(void *p, size_t n);

/* Assumed: SipHash-2-4 reads its key and input, returns any value. */
/*@ requires \valid_read(key + (0 .. 15)) && \valid_read((const uint8_t *)in + (0 .. len - 1));
    assigns \result \from key[0 .. 15], ((const uint8_t *)in)[0 .. len - 1];
    exits \false; */
uint64_t wg_siphash(const uint8_t key[16], const void *in, size_t len);

/* ---- the receiver-index table ---- */

/*@ requires \valid_read(t);
    requires t->slots == \null || \valid_read(t->slots + (0 .. t->mask));
    assigns \nothing;
    exits \false; */
void *wg_index_table_lookup(const struct wg_index_table *t, uint32_t index);

/*@ requires \valid(slots + (0 .. mask));
    assigns slots[0 .. mask];
    exits \false; */
static void index_place(struct wg_index_slot *slots, size_t mask, uint32_t index, void *entry);

/*@ requires index_ok(t);
    requires 1 <= nslots <= 2 * MAX_MASK;
    assigns t->slots, t->mask, \at(t->slots, Post)[0 .. nslots - 1];
    exits \false;
    ensures \result == 0 || \result == -ENOMEM;
    ensures \result == 0 ==> t->mask == nslots - 1 && \valid(t->slots + (0 .. t->mask)) &&
                             \separated(t, t->slots + (0 .. t->mask));
    ensures \result != 0 ==> t->slots == \old(t->slots) && t->mask == \old(t->mask); */
static int index_resize(struct wg_index_table *t, size_t nslots);

/*@ requires index_ok(t) && t->random_left <= 16; */
uint32_t wg_index_table_insert(struct wg_index_table *t, void *entry);

/*@ requires index_ok(t); */
void wg_index_table_remove(struct wg_index_table *t, uint32_t index);

/*@ requires \valid(t); */
int wg_index_table_init(struct wg_index_table *t);

/*@ requires index_ok(t); */
void wg_index_table_free(struct wg_index_table *t);

/* ---- the public-key table ---- */

/*@ requires \valid(slots + (0 .. mask)) && \valid_read(s) && \separated(s, slots + (0 .. mask));
    assigns slots[0 .. mask];
    exits \false; */
static void key_place(struct wg_key_slot *slots, size_t mask, const struct wg_key_slot *s);

/*@ requires key_ok(t);
    requires 1 <= nslots <= 2 * MAX_MASK;
    assigns t->slots, t->mask, \at(t->slots, Post)[0 .. nslots - 1];
    exits \false;
    ensures \result == 0 || \result == -ENOMEM;
    ensures \result == 0 ==> t->mask == nslots - 1 && \valid(t->slots + (0 .. t->mask)) &&
                             \separated(t, t->slots + (0 .. t->mask));
    ensures \result != 0 ==> t->slots == \old(t->slots) && t->mask == \old(t->mask); */
static int key_resize(struct wg_key_table *t, size_t nslots);

/*@ requires key_ok(t) && \valid_read(key + (0 .. 31));
    assigns \nothing;
    exits \false;
    ensures \result == \null || (t->slots != \null &&
              \exists integer k; 0 <= k <= t->mask && \result == t->slots + k); */
static struct wg_key_slot *key_find(const struct wg_key_table *t, const uint8_t key[32], uint64_t hash);

/*@ requires key_ok(t) && \valid_read(key + (0 .. 31)) && \separated(t, key + (0 .. 31)); */
int wg_key_table_insert(struct wg_key_table *t, const uint8_t key[32], void *peer);

/*@ requires key_ok(t) && \valid_read(key + (0 .. 31)); */
void *wg_key_table_lookup(const struct wg_key_table *t, const uint8_t key[32]);

/*@ requires key_ok(t) && \valid_read(key + (0 .. 31)); */
void wg_key_table_remove(struct wg_key_table *t, const uint8_t key[32]);

/* n: the peers of one configuration (far fewer than 2^56). */
/*@ requires key_ok(t) && t->count + n <= MAX_MASK / 4; */
int wg_key_table_reserve(struct wg_key_table *t, size_t n);

/*@ requires \valid(t); */
int wg_key_table_init(struct wg_key_table *t);

/*@ requires key_ok(t); */
void wg_key_table_free(struct wg_key_table *t);
