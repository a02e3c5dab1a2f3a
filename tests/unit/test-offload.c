// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * TSO segmentation and GRO coalescing (lib/tunnel/offload.c) against a plain
 * RFC 1071 checksum written here: every segment cut from a super-packet must
 * be a valid TCP/IP packet carrying the right bytes, and coalescing them
 * again must give the super-packet back.
 */
#include <linux/virtio_net.h>
#include <stdlib.h>

#include "test.h"
#include "tunnel-test.h"
#include "tunnel.h"

static uint32_t pseudo(const uint8_t *ip, size_t tcp_len)
{
	uint32_t s = (ip[0] >> 4) == 4 ? test_inet_sum(ip + 12, 8, 0) : test_inet_sum(ip + 8, 32, 0);

	return s + 6 + (uint32_t)tcp_len;
}

static bool tcp_valid(const uint8_t *ip, size_t len, size_t iphl)
{
	return test_inet_sum(ip + iphl, len - iphl, pseudo(ip, len - iphl)) == 0xffff;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint8_t payload[6000];

/* A TCP super-packet: IPv4 (iphl 20) or IPv6 (40), TCP with 12 bytes of options. */
static size_t build(uint8_t *pkt, int version, size_t paylen, uint8_t flags)
{
	size_t iphl = version == 4 ? 20 : 40, len = iphl + 32 + paylen;
	uint8_t *tcp = pkt + iphl;

	memset(pkt, 0, iphl + 32);
	if (version == 4) {
		pkt[0] = 0x45;
		pkt[2] = (uint8_t)(len >> 8);
		pkt[3] = (uint8_t)len;
		pkt[4] = 0x12;
		pkt[5] = 0x34;
		pkt[6] = 0x40;	/* DF */
		pkt[8] = 64;
		pkt[9] = 6;
		memcpy(pkt + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	} else {
		pkt[0] = 0x60;
		pkt[4] = (uint8_t)((len - 40) >> 8);
		pkt[5] = (uint8_t)(len - 40);
		pkt[6] = 6;
		pkt[7] = 64;
		pkt[8] = 0xfd;
		pkt[23] = 1;
		pkt[24] = 0xfd;
		pkt[39] = 2;
	}
	tcp[0] = 0x9c;	/* ports 40000 -> 5201 */
	tcp[1] = 0x40;
	tcp[2] = 0x14;
	tcp[3] = 0x51;
	memcpy(tcp + 4, "\xff\xff\xf0\x00", 4);	/* seq wraps while cutting */
	memcpy(tcp + 8, "\x00\x00\x10\x00", 4);
	tcp[12] = 8 << 4;
	tcp[13] = flags;
	tcp[14] = 0x01;
	tcp[20] = 1;
	tcp[21] = 1;
	memcpy(tcp + 22, "\x08\x0a\x00\x00\x00\x01\x00\x00\x00\x02", 10);
	memcpy(tcp + 32, payload, paylen);
	return len;
}

static void round_trip(int version, size_t paylen, uint16_t mss)
{
	static uint8_t pkt[70000], seg_bufs[64][2048];
	struct wg_packet pkts[64];
	struct virtio_net_hdr vh = { 0 };
	size_t iphl = version == 4 ? 20 : 40, hl = iphl + 32, len;
	int n, expect = (int)((paylen + mss - 1) / mss);
	struct wg_gro g;
	size_t taken, off = 0;

	len = build(pkt, version, paylen, 0x18);	/* ACK|PSH */
	vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh.gso_type = version == 4 ? VIRTIO_NET_HDR_GSO_TCPV4 : VIRTIO_NET_HDR_GSO_TCPV6;
	vh.gso_size = mss;
	vh.hdr_len = (uint16_t)hl;
	vh.csum_start = (uint16_t)iphl;
	vh.csum_offset = 16;
	n = wg_tso_count(&vh, pkt, len);
	CHECK(n == expect);
	if (n != expect || n > 64)
		return;
	for (int k = 0; k < n; k++) {
		uint8_t *s = seg_bufs[k];
		size_t sl = wg_tso_segment(&vh, pkt, len, (unsigned)k, s);
		size_t chunk = paylen - (size_t)k * mss < mss ? paylen - (size_t)k * mss : mss;

		CHECK(sl == hl + chunk);
		if (version == 4) {
			CHECK(((size_t)s[2] << 8 | s[3]) == sl);
			CHECK(test_inet_sum(s, 20, 0) == 0xffff);
			CHECK(s[5] == (uint8_t)(0x34 + k));
		} else {
			CHECK(((size_t)s[4] << 8 | s[5]) == sl - 40);
		}
		CHECK(tcp_valid(s, sl, iphl));
		CHECK(be32(s + iphl + 4) == 0xfffff000u + (uint32_t)(k * mss));
		CHECK(((s[iphl + 13] & 0x08) != 0) == (k == n - 1));	/* PSH on the last only */
		CHECK(!memcmp(s + hl, payload + (size_t)k * mss, chunk));
		pkts[k] = (struct wg_packet){ .buf = s, .size = 2048, .len = (uint32_t)sl,
					      .status = WG_PACKET_DELIVER };
	}

	taken = wg_gro_group(pkts, (size_t)n, &g);
	CHECK(taken == (size_t)n);
	if (n == 1) {
		CHECK(g.niov == 2 && g.vh.gso_type == VIRTIO_NET_HDR_GSO_NONE);
		return;
	}
	CHECK(g.niov == n + 1);
	CHECK(g.vh.gso_type == vh.gso_type && g.vh.gso_size == mss && g.vh.hdr_len == hl);
	CHECK(g.vh.flags == VIRTIO_NET_HDR_F_NEEDS_CSUM && g.vh.csum_start == iphl &&
	      g.vh.csum_offset == 16);
	/* The headers of the first segment now describe the whole. */
	{
		uint8_t whole[70000];
		const uint8_t *h = g.iov[1].iov_base;
		uint16_t partial = (uint16_t)(h[iphl + 16] << 8 | h[iphl + 17]);

		for (int i = 1; i < g.niov; i++) {
			memcpy(whole + off, g.iov[i].iov_base, g.iov[i].iov_len);
			off += g.iov[i].iov_len;
		}
		CHECK(off == len);
		CHECK(!memcmp(whole + hl, payload, paylen));
		if (version == 4)
			CHECK(((size_t)whole[2] << 8 | whole[3]) == len && test_inet_sum(whole, 20, 0) == 0xffff);
		else
			CHECK(((size_t)whole[4] << 8 | whole[5]) == len - 40);
		CHECK(whole[iphl + 13] == 0x18);
		/* The field holds the pseudo-header sum for the kernel to finish. */
		CHECK(partial == test_inet_sum(NULL, 0, pseudo(whole, len - iphl)));
	}
}

static void gro_boundaries(void)
{
	static uint8_t bufs[4][2048];
	struct wg_packet pkts[4];
	struct wg_gro g;
	size_t len;

	/* Two segments of one flow, then another flow (other port), then a SYN. */
	for (int i = 0; i < 4; i++) {
		len = build(bufs[i], 4, 1000, i == 3 ? 0x02 : 0x10);
		pkts[i] = (struct wg_packet){ .buf = bufs[i], .size = 2048, .len = (uint32_t)len,
					      .status = WG_PACKET_DELIVER };
	}
	memcpy(bufs[1] + 24, "\xff\xff\xf3\xe8", 4);	/* seq follows the first */
	bufs[2][20 + 1] = 0x41;				/* another source port */
	CHECK(wg_gro_group(pkts, 4, &g) == 2);
	CHECK(wg_gro_group(pkts + 2, 2, &g) == 1);
	CHECK(wg_gro_group(pkts + 3, 1, &g) == 1 && g.vh.gso_type == VIRTIO_NET_HDR_GSO_NONE);
	/* A gap in the sequence stops a group. */
	len = build(bufs[0], 4, 1000, 0x10);
	build(bufs[1], 4, 1000, 0x10);
	CHECK(wg_gro_group(pkts, 2, &g) == 1);
	/* A DROP in between stops it too. */
	memcpy(bufs[1] + 24, "\xff\xff\xf3\xe8", 4);
	pkts[1].status = WG_PACKET_DROP;
	CHECK(wg_gro_group(pkts, 2, &g) == 1);
	(void)len;
}

static void csum_only(void)
{
	/* A UDP datagram whose checksum the kernel left to us (NEEDS_CSUM). */
	uint8_t pkt[64] = { 0x45, 0, 0, 48, 0, 0, 0x40, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
			    0x30, 0x39, 0x00, 0x35, 0, 28 };
	uint8_t out[64];
	struct virtio_net_hdr vh = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM, .csum_start = 20,
				     .csum_offset = 6 };
	uint16_t partial;

	for (int i = 28; i < 48; i++)
		pkt[i] = (uint8_t)(i * 7);
	partial = test_inet_sum(pkt + 12, 8, 17 + 28);
	pkt[26] = (uint8_t)(partial >> 8);
	pkt[27] = (uint8_t)partial;
	CHECK(wg_tso_count(&vh, pkt, 48) == 1);
	CHECK(wg_tso_segment(&vh, pkt, 48, 0, out) == 48);
	CHECK(test_inet_sum(out + 20, 28, test_inet_sum(out + 12, 8, 17 + 28)) == 0xffff);
	/* Offsets past the end are refused, not followed. */
	vh.csum_start = 60;
	CHECK(wg_tso_count(&vh, pkt, 48) == 0);
	/* A GSO header on something that is not TCP is refused. */
	vh = (struct virtio_net_hdr){ .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = 100 };
	CHECK(wg_tso_count(&vh, pkt, 48) == 0);
	CHECK(wg_tso_count(&vh, pkt, 10) == 0);
}

int main(void)
{
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(rand() >> 7);
	round_trip(4, 5000, 1380);
	round_trip(6, 5000, 1360);
	round_trip(4, 1380 * 3, 1380);	/* exact multiple */
	round_trip(4, 1, 1380);		/* one segment */
	round_trip(6, 6000, 100);	/* 60 segments */
	gro_boundaries();
	csum_only();
	return test_done();
}
