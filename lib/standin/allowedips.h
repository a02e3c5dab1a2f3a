/* Temporary stand-in until the parts branch lands (linear, for tests only). */
#ifndef WG_ALLOWEDIPS_H
#define WG_ALLOWEDIPS_H
#include <stdint.h>
#include <stddef.h>
struct aip_entry { int family; uint8_t addr[16]; uint8_t cidr; void *peer; };
struct wg_allowedips { struct aip_entry *e; size_t n, cap; };
void wg_allowedips_init(struct wg_allowedips *t);
void wg_allowedips_free(struct wg_allowedips *t);
int wg_allowedips_insert(struct wg_allowedips *t, int family, const void *addr, uint8_t cidr, void *peer);
int wg_allowedips_remove(struct wg_allowedips *t, int family, const void *addr, uint8_t cidr, void *peer);
void wg_allowedips_remove_by_peer(struct wg_allowedips *t, void *peer);
void *wg_allowedips_lookup(const struct wg_allowedips *t, int family, const void *addr);
void wg_allowedips_walk(const struct wg_allowedips *t, void (*fn)(void *peer, int family, const uint8_t *addr, uint8_t cidr, void *ctx), void *ctx);
#endif
