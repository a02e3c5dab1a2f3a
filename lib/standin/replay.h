#ifndef WG_REPLAY_H
#define WG_REPLAY_H
#include <stdbool.h>
#include <stdint.h>
struct wg_replay_counter { uint64_t counter; unsigned long backtrack[8192 / (8 * sizeof(unsigned long))]; };
void wg_replay_init(struct wg_replay_counter *c);
bool wg_replay_check_and_update(struct wg_replay_counter *c, uint64_t counter, uint64_t reject_after_messages);
#endif
