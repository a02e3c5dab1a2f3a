#ifndef WG_RATELIMITER_H
#define WG_RATELIMITER_H
#include <stdbool.h>
#include <stdint.h>
#include <pthread.h>
#include "../../include/wireguard.h"
struct rl_entry { uint8_t key[9]; uint64_t tokens, last; };
struct wg_ratelimiter { pthread_mutex_t lock; struct rl_entry e[256]; };
int wg_ratelimiter_init(struct wg_ratelimiter *r);
void wg_ratelimiter_free(struct wg_ratelimiter *r);
bool wg_ratelimiter_allow(struct wg_ratelimiter *r, const wg_endpoint *src, uint64_t now_ns);
#endif
