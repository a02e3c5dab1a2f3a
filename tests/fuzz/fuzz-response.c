// SPDX-License-Identifier: LGPL-2.1-or-later
/* Handshake responses to a, optionally for its pending initiation's index. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_world_init();
	fuzz_one(&fuzz_a, 2, 92, 8, fuzz_a_handshake_index, data, size);
	return 0;
}
