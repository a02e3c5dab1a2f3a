// SPDX-License-Identifier: LGPL-2.1-or-later
/* Data messages of any length to b, optionally for its live keypair's index. */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_world_init();
	fuzz_one(&fuzz_b, 4, 0, 4, fuzz_b_keypair_index, data, size);
	return 0;
}
