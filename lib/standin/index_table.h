#ifndef WG_INDEX_TABLE_H
#define WG_INDEX_TABLE_H
#include <stdint.h>
#include <stddef.h>
struct it_entry { uint32_t index; void *entry; };
struct wg_index_table { struct it_entry *e; size_t n, cap; };
int wg_index_table_init(struct wg_index_table *t);
void wg_index_table_free(struct wg_index_table *t);
int wg_index_table_insert(struct wg_index_table *t, void *entry, uint32_t *index);
void *wg_index_table_lookup(const struct wg_index_table *t, uint32_t index);
void wg_index_table_remove(struct wg_index_table *t, uint32_t index);
struct pk_entry { uint8_t key[32]; void *peer; };
struct wg_pubkey_table { struct pk_entry *e; size_t n, cap; };
int wg_pubkey_table_init(struct wg_pubkey_table *t);
void wg_pubkey_table_free(struct wg_pubkey_table *t);
int wg_pubkey_table_insert(struct wg_pubkey_table *t, const uint8_t key[32], void *peer);
void *wg_pubkey_table_lookup(const struct wg_pubkey_table *t, const uint8_t key[32]);
void wg_pubkey_table_remove(struct wg_pubkey_table *t, const uint8_t key[32]);
#endif
