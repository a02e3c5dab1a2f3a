/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Eva harness for lib/engine/replay.c: a fresh window, then up to five calls with any counter and any limit. */
#include "__fc_builtin.h"
#include "replay.h"

int main(void)
{
	static struct wg_replay_counter c;
	int n = Frama_C_interval(0, 5);

	wg_replay_init(&c);
	for (int k = 0; k < n; k++) {
		uint64_t counter = Frama_C_unsigned_long_long_interval(0, UINT64_MAX);
		uint64_t limit = Frama_C_unsigned_long_long_interval(0, UINT64_MAX);
		(void)wg_replay_check_and_update(&c, counter, limit);
	}
	return 0;
}
