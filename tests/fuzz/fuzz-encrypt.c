// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Plaintext packets from the app to a (which has no session yet, so they are
 * staged or dropped), with headroom, tailroom and length taken from the
 * input: the checks before anything is copied or sealed.
 */
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[4096];
	struct wg_packet pkt = { .buf = buf };

	fuzz_world_init();
	if (size < 3)
		return 0;
	pkt.offset = data[0] % 40;
	pkt.size = (uint32_t)(pkt.offset + (size - 3) + data[1] % 48);
	pkt.len = (uint32_t)(size - 3) + (data[2] & 1);	/* sometimes one too many */
	if (pkt.size > sizeof(buf))
		return 0;
	memcpy(buf + pkt.offset, data + 3, size - 3);
	wg_engine_encrypt(fuzz_a.engine, &pkt, 1);
	if (pkt.status == WG_PACKET_SEND && pkt.offset + pkt.len > pkt.size)
		abort();
	return 0;
}
