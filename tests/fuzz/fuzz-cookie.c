// SPDX-License-Identifier: LGPL-2.1-or-later
/* Cookie replies to a, optionally for its pending initiation's index. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_world_init();
	fuzz_one(&fuzz_a, 3, 64, 4, fuzz_a_handshake_index, data, size);
	return 0;
}
