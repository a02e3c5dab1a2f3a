// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The managed tunnel's offload paths on what a TUN with IFF_VNET_HDR hands
 * us: a virtio-net header and a (super-)packet, cut into segments as
 * worker.c does; then the segments, as decrypted packets, coalesced back
 * by GRO as the receive side does.  Checked: segments fit the buffer the
 * worker gives them and carry the whole payload once; GRO takes 1..n
 * packets and writes exactly their bytes (the first whole, the others
 * without their headers).
 */
#include <stdlib.h>
#include <string.h>

#include "tunnel.h"

enum { SEG_MAX = 256, SLOT = 65536 + 128 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t *slots;
	static struct wg_packet pkts[SEG_MAX];
	struct virtio_net_hdr vh;
	const uint8_t *pkt;
	size_t len, n;
	int segs;

	if (size <= sizeof(vh) || size > 65536)
		return 0;
	if (!slots && !(slots = malloc((size_t)SEG_MAX * 2048)))
		abort();
	memcpy(&vh, data, sizeof(vh));
	/* The packet in a buffer of its own size, so ASan sees any overread. */
	len = size - sizeof(vh);
	uint8_t *copy = malloc(len);

	memcpy(copy, data + sizeof(vh), len);
	pkt = copy;
	segs = wg_tso_count(&vh, pkt, len);
	if (segs < 0 || (segs > 1 && (size_t)segs > len))
		abort();
	/* Segments small enough are kept in slots for GRO; the others are only cut. */
	n = 0;
	for (int k = 0; k < segs; k++) {
		uint8_t *out = malloc(SLOT);
		size_t l = wg_tso_segment(&vh, pkt, len, (unsigned)k, out);

		if (!l || l > len)
			abort();
		if (n < SEG_MAX && l <= 2048) {
			memcpy(slots + n * 2048, out, l);
			pkts[n] = (struct wg_packet){ .buf = slots + n * 2048, .size = 2048, .len = (uint32_t)l,
						      .status = WG_PACKET_DELIVER };
			n++;
		}
		free(out);
	}
	/* GRO over what came out, in writes as to_tun() makes them. */
	for (size_t i = 0; i < n;) {
		struct wg_gro g;
		size_t took = wg_gro_group(&pkts[i], n - i, &g), bytes = 0, want;

		if (!took || took > n - i || g.niov < 2 || g.niov > 65)
			abort();
		for (int v = 1; v < g.niov; v++)
			bytes += g.iov[v].iov_len;
		want = pkts[i].len;
		if (took > 1) {
			size_t hl = g.vh.hdr_len;

			for (size_t j = 1; j < took; j++)
				want += pkts[i + j].len - hl;
			if (bytes > 65535 || !g.vh.gso_size)
				abort();
		}
		if (bytes != want)
			abort();
		i += took;
	}
	free(copy);
	return 0;
}
