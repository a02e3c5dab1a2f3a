// SPDX-License-Identifier: LGPL-2.1-or-later
/* Handshake initiations to b (mac1 rarely valid: this covers the checks before it too). */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_world_init();
	fuzz_one(&fuzz_b, 1, 148, 4, 0, data, size);
	return 0;
}
